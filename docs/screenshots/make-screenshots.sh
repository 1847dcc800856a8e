#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the real TinyScope window under Xvfb on shared models and takes screenshots of the whole screen.
#
#   bash docs/screenshots/make-screenshots.sh [BUILD_DIR]      (default build/release; needs ../shared/models)
#
# Needs xvfb, xauth and imagemagick (import); installs them when missing (as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
app="$build/app/tinyscope"
models=../shared/models
out=docs/screenshots
[ -x "$app" ] || { echo "no $app: build first (bash .ci/setup.sh run, or cmake --build --preset release)" >&2; exit 2; }
[ -d "$models" ] || { echo "no $models" >&2; exit 2; }
for p in xvfb xauth imagemagick; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends xvfb xauth imagemagick
        break
    fi
done

shoot() { # model, output png, extra app arguments...
    local model=$1 png=$2
    shift 2
    # A private settings (and session files) folder, so the screenshots show the default layout whatever the user's settings are.
    local home
    home=$(mktemp -d)
    XDG_CONFIG_HOME="$home" XDG_DATA_HOME="$home" xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
        "$0" "$@" & pid=$!
        for _ in $(seq 1 100); do sleep 0.2; xwininfo -root -tree 2>/dev/null | grep -q "TinyScope" && break; done
        sleep '"${delay:-3}"'
        import -window root "'"$png"'"
        kill $pid; wait $pid 2>/dev/null || true' "$app" -platform xcb -geometry 1600x1000+0+0 "$@" "$model"
    rm -rf "$home"
    echo "wrote $png"
}

shoot "$models/mlperf_tiny_vww_mobilenet_v1_025_int8.tflite" "$out/vww_mobilenet.png" --select 3
shoot "$models/nxp_fastestdet_shufflenetv2_person_int8.tflite" "$out/fastestdet.png" --select 10
# Live profiling on the simulated board: runs stream in for a few seconds before the shot.
delay=8 shoot "$models/mlperf_tiny_vww_mobilenet_v1_025_int8.tflite" "$out/live_profiling.png" --simulated-board --select 3
