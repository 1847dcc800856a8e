#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# TinyScope's one entry point on a fresh Debian 12 machine.
#
#   bash .ci/setup.sh run    install what is missing, build (Release), start TinyScope on the bundled example
#   bash .ci/setup.sh test   install what is missing, build (CI preset), run the whole test suite
#
# Runs as root or through sudo. Installs Debian packages only, with --no-install-recommends.
set -euo pipefail

cd "$(dirname "$0")/.."

mode=${1:-}
shift || true
case "$mode" in
run | test) ;;
*)
    echo "usage: bash .ci/setup.sh run|test" >&2
    exit 2
    ;;
esac

# Build and run dependencies (see docs/building.md for what each one is for).
packages=(
    cmake ninja-build g++ pkgconf
    qt6-base-dev qt6-serialport-dev qt6-svg-dev libqcustomplot-dev
    libflatbuffers-dev flatbuffers-compiler libeigen3-dev
    fonts-dejavu-core xvfb xauth
    gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
    python3
    clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    echo "== installing ${#missing[@]} missing package(s): ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc 2>/dev/null || echo 2)

if [ "$mode" = run ]; then
    cmake --preset release
    cmake --build --preset release -j "$jobs"
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        # No screen to show a window on: say so, and show the bundled example in the terminal instead.
        example=build/release/resources/examples/kws_ds_cnn_example.tflite
        echo "== no display (DISPLAY and WAYLAND_DISPLAY are unset); the window needs one."
        echo "== Here is the bundled example model from the command line instead:"
        build/release/app/tinyscope-cli analyze "$example"
        exec build/release/app/tinyscope-cli memory "$example"
    fi
    echo "== starting TinyScope (it opens the bundled example model on first start)"
    exec build/release/app/tinyscope --simulated-board "$@"
fi

# test
start=$SECONDS
stamp() { echo "== $1 ($((SECONDS - start)) s so far)"; }

# 1. The whole suite, optimised with assertions and warnings as errors.
cmake --preset ci
cmake --build --preset ci -j "$jobs"
ctest --preset ci
stamp "ci preset: all tests passed"

# 2. The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
cmake --preset asan
cmake --build --preset asan -j "$jobs"
ctest --preset asan
stamp "asan preset: all tests passed under ASan + UBSan"

# 3. Each libFuzzer target for a short time (clang, ASan + UBSan); the long runs are in docs/fuzzing.md.
cmake --preset fuzz
cmake --build --preset fuzz -j "$jobs"
ctest --preset fuzz
stamp "fuzz preset: no fuzzer found anything"
