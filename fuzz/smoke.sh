#!/bin/bash
# SPDX-License-Identifier: MIT
# fuzz/smoke.sh BUILD_DIR: a short libFuzzer run of every fuzz target built in
# BUILD_DIR (configured with -DH2CODEC_BUILD_FUZZERS=ON), starting from its
# seed corpus BUILD_DIR/corpus/fuzz/<target>/ (read only; new inputs go to a
# temporary directory).  Any crash, leak, timeout or out-of-memory fails.
#
# Environment:
#   H2C_FUZZ_SMOKE_SECONDS   seconds per target (default 30)
#   H2C_FUZZ_SMOKE_TARGETS   space-separated subset (default: all built)
#   H2C_FUZZ_SMOKE_JOBS      targets run at once (default: the CPU count);
#                            each target is one process on one core, so this
#                            shortens the wall time, not the fuzzing
#
# Prints one line per target and ends with "smoke: N passed, N failed".
# Exit status: 0 all passed, 1 a target failed, 2 usage / nothing to run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
secs=${H2C_FUZZ_SMOKE_SECONDS:-30}
targets=${H2C_FUZZ_SMOKE_TARGETS:-$(awk '/^[a-z]/ {print $1}' "$here/targets.list")}

jobs=${H2C_FUZZ_SMOKE_JOBS:-$(nproc 2>/dev/null || echo 1)}
out=$(mktemp -d -t h2c-smoke.XXXXXX)
trap 'rm -rf "$out"' EXIT

# One target: its report line(s) go to $out/$t.txt, its status to $out/$t.rc.
smoke_one() {
    local t=$1 bin=$build/fuzz/$1
    local seeds=$build/corpus/fuzz/$t
    local work
    work=$(mktemp -d -t "h2c-smoke-$t.XXXXXX")
    mkdir -p "$work/corpus"
    local maxlen
    maxlen=$(sed -nE 's/^max_len *= *([0-9]+).*/\1/p' "$here/$t.options" 2>/dev/null)
    local args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
                -artifact_prefix="$work/" -dict="$here/$t.dict")
    [ -n "$maxlen" ] && args+=(-max_len="$maxlen")
    local dirs=("$work/corpus")
    [ -d "$seeds" ] && dirs+=("$seeds")
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$bin" "${args[@]}" "${dirs[@]}" >"$work/log" 2>&1
    local rc=$?
    local runs speed artifacts
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$work/log")
    speed=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$work/log")
    artifacts=$(ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' || true)
    if [ "$rc" -ne 0 ] || [ -n "$artifacts" ]; then
        {
            echo "FAILED: fuzz smoke $t (exit $rc) -- log and reproducer kept in $work"
            grep -E "ERROR|SUMMARY|fuzz check failed|hpack_|frame_|stream:" "$work/log" | head -20
            for a in $artifacts; do echo "  reproducer: $work/$a"; done
        } >"$out/$t.txt"
        echo 1 >"$out/$t.rc"
    else
        echo "fuzz smoke $t: ${runs:-?} runs in ${secs}s, ${speed:-?} exec/s, no finding" >"$out/$t.txt"
        rm -rf "$work"
        echo 0 >"$out/$t.rc"
    fi
}

ran=()
for t in $targets; do
    [ -x "$build/fuzz/$t" ] || continue
    ran+=("$t")
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    smoke_one "$t" &
done
wait

passed=0 failed=0
for t in "${ran[@]}"; do
    cat "$out/$t.txt"
    if [ "$(cat "$out/$t.rc" 2>/dev/null)" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
if [ "${#ran[@]}" -eq 0 ]; then
    echo "fuzz smoke: no libFuzzer binary in $build/fuzz (configure with -DH2CODEC_BUILD_FUZZERS=ON)" >&2
    exit 2
fi
echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
