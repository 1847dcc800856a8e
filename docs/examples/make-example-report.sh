#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates docs/examples/vww-rpi-pico/: the report of MLPerf Tiny's visual wake words model (from ../shared/models)
# on a Raspberry Pi Pico, with 20 runs recorded from tinyscope-board-sim (simulated latencies from the cost model,
# not a measurement of a real Pico), and, with --screenshot, the headless Chromium screenshot beside it.
#
#   docs/examples/make-example-report.sh [--screenshot]
#
# Environment: BUILD_DIR (a build folder with app/tinyscope-cli and app/tinyscope-board-sim; default: the first of
# build/release, build/dev, build/ci that has them), TINYSCOPE_SHARED_MODELS (default ../shared/models).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
screenshot=0
[[ "${1:-}" == "--screenshot" ]] && screenshot=1

build=${BUILD_DIR:-}
if [[ -z "$build" ]]; then
    for candidate in release dev ci; do
        if [[ -x "$root/build/$candidate/app/tinyscope-cli" && -x "$root/build/$candidate/app/tinyscope-board-sim" ]]; then
            build=$root/build/$candidate
            break
        fi
    done
fi
cli=$build/app/tinyscope-cli
sim=$build/app/tinyscope-board-sim
if [[ ! -x "$cli" || ! -x "$sim" ]]; then
    echo "make-example-report.sh: build tinyscope-cli and tinyscope-board-sim first (or set BUILD_DIR)" >&2
    exit 2
fi
models=${TINYSCOPE_SHARED_MODELS:-$root/../shared/models}
model=$models/mlperf_tiny_vww_mobilenet_v1_025_int8.tflite
if [[ ! -f "$model" ]]; then
    echo "make-example-report.sh: $model: no such file (set TINYSCOPE_SHARED_MODELS)" >&2
    exit 2
fi
out=$here/vww-rpi-pico
session=$out/vww-rpi-pico.tsession

tmp=$(mktemp -d)
sim_pid=
cleanup() {
    [[ -n "$sim_pid" ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# 1. A simulated Pico running the model: same seed, same samples. Time scale 0: as fast as we read.
"$sim" --model "$model" --board rpi-pico --seed 1 --time-scale 0 >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
for _ in $(seq 50); do
    [[ -s "$tmp/sim.out" ]] && break
    sleep 0.1
done
port=$(sed -n 's/^TinyScope simulated board: //p' "$tmp/sim.out")
if [[ -z "$port" ]]; then
    echo "make-example-report.sh: the simulated board did not start:" >&2
    cat "$tmp/sim.err" >&2
    exit 2
fi

# 2. Record 20 runs into a session file, as the desktop app would.
mkdir -p "$out"
rm -f "$out"/*
"$cli" record "$port" --model "$model" --runs 20 --timeout 60 -o "$session"

# 3. The report folder: HTML with graph and timeline images, CSV, JSON, Model Explorer node data, session.csv.
"$cli" report "$model" --board rpi-pico --session "$session" -o "$out"

# 4. What it looks like in a browser (Debian's chromium; not needed for the report itself).
if [[ $screenshot == 1 ]]; then
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2600 \
        --screenshot="$here/vww-rpi-pico-report.png" "file://$out/report.html" 2>/dev/null
    echo "$here/vww-rpi-pico-report.png"
fi
