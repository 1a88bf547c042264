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
#
# Prints one line per target and ends with "smoke: N passed, N failed".
# Exit status: 0 all passed, 1 a target failed, 2 usage / nothing to run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
secs=${H2C_FUZZ_SMOKE_SECONDS:-30}
targets=${H2C_FUZZ_SMOKE_TARGETS:-$(awk '/^[a-z]/ {print $1}' "$here/targets.list")}

passed=0 failed=0 ran=0
for t in $targets; do
    bin=$build/fuzz/$t
    [ -x "$bin" ] || continue
    ran=$((ran + 1))
    seeds=$build/corpus/fuzz/$t
    work=$(mktemp -d -t "h2c-smoke-$t.XXXXXX")
    mkdir -p "$work/corpus"
    maxlen=$(sed -nE 's/^max_len *= *([0-9]+).*/\1/p' "$here/$t.options" 2>/dev/null)
    args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix="$work/" -dict="$here/$t.dict")
    [ -n "$maxlen" ] && args+=(-max_len="$maxlen")
    dirs=("$work/corpus")
    [ -d "$seeds" ] && dirs+=("$seeds")
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$bin" "${args[@]}" "${dirs[@]}" >"$work/log" 2>&1
    rc=$?
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$work/log")
    speed=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$work/log")
    artifacts=$(ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' || true)
    if [ "$rc" -ne 0 ] || [ -n "$artifacts" ]; then
        failed=$((failed + 1))
        echo "FAILED: fuzz smoke $t (exit $rc) -- log and reproducer kept in $work"
        grep -E "ERROR|SUMMARY|fuzz check failed|hpack_|frame_|stream:" "$work/log" | head -20
        for a in $artifacts; do echo "  reproducer: $work/$a"; done
    else
        passed=$((passed + 1))
        echo "fuzz smoke $t: ${runs:-?} runs in ${secs}s, ${speed:-?} exec/s, no finding"
        rm -rf "$work"
    fi
done
if [ "$ran" -eq 0 ]; then
    echo "fuzz smoke: no libFuzzer binary in $build/fuzz (configure with -DH2CODEC_BUILD_FUZZERS=ON)" >&2
    exit 2
fi
echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
