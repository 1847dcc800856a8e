#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A long fuzz run of one target, in legs: each leg is a fresh process of N executions (run-fuzzers.sh --runs N) that
# starts from the corpus the earlier legs left. A single process would not do: AddressSanitizer's quarantine of
# freed blocks makes its RSS grow by about 1 KB per execution, and libFuzzer stops a run at 2 GB (docs/fuzzing.md).
#
#   tests/fuzz/long-run.sh [--build-dir DIR] [--leg N] TARGET TOTAL
#
#   TARGET      fuzz_model fuzz_frames fuzz_tflmlog fuzz_boardprofile fuzz_sessionfile
#   TOTAL       executions in all (e.g. 10000000)
#   --leg N     executions per leg (default 1000000)
#   --build-dir the `fuzz` preset's build folder (default build/fuzz beside this checkout's top)
#
# Runs at the lowest priority. Each leg's libFuzzer log is kept as BUILD/logs/leg-K-TARGET.log (K counts on from
# the legs already there) and its table row, with start and end times, is appended to BUILD/logs/long-summary.txt.
# Stops at the first leg that finds something (exit status 1). Meant to run detached:
#   nohup setsid tests/fuzz/long-run.sh fuzz_frames 10000000 > /dev/null 2>&1 &
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build="$here/../../build/fuzz"
leg=1000000
while (($#)); do
    case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --leg) leg=$2; shift 2 ;;
    *) break ;;
    esac
done
if [ $# -ne 2 ] || [[ ! $1 =~ ^fuzz_[a-z]+$ ]] || [[ ! $2 =~ ^[0-9]+$ ]] || [[ ! $leg =~ ^[1-9][0-9]*$ ]]; then
    sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
target=$1
total=$2
build=$(cd "$build" && pwd) || exit 2
logs="$build/logs"
summary="$logs/long-summary.txt"
mkdir -p "$logs"
[ -s "$summary" ] || printf '%-18s %12s %8s %7s %7s %13s %8s %8s  %s\n' target executions exec/s cov ft corpus files \
    crashes "started .. ended (UTC)" >"$summary"

k=1
while [ -e "$logs/leg-$k-$target.log" ]; do k=$((k + 1)); done
done_runs=0
while [ "$done_runs" -lt "$total" ]; do
    n=$((total - done_runs < leg ? total - done_runs : leg))
    start=$(date -u +%FT%TZ)
    nice -n 19 "$here/run-fuzzers.sh" --build-dir "$build" --quiet --runs "$n" "$target" >"$logs/long-$target.txt" 2>&1
    status=$?
    mv "$logs/$target.log" "$logs/leg-$k-$target.log"
    row=$(grep -E "^$target " "$logs/long-$target.txt" | tail -1)
    echo "${row:-$target (no table: see $logs/long-$target.txt)}  $start .. $(date -u +%FT%TZ) leg $k exit $status" >>"$summary"
    ((status == 0)) || exit "$status"
    done_runs=$((done_runs + n))
    k=$((k + 1))
done
