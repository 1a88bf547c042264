#!/bin/bash
# SPDX-License-Identifier: MIT
# fuzz/afl.sh DIR [SECONDS]: build every fuzz target with AFL++ (Debian afl++:
# afl-clang-fast, whose -fsanitize=fuzzer links AFL++'s libFuzzer-compatible
# driver) through fuzz/oss-fuzz/build.sh, with ASan and UBSan, into DIR/out.
# With SECONDS, also fuzz each target that long with afl-fuzz from its seed
# corpus, and fail if AFL++ saved a crash or a hang.
#
# Ends with "afl: N passed, N failed"; exit status 0 when all passed.
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DIR [SECONDS]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
dir=$(cd "$1" && pwd)
secs=${2:-0}
command -v afl-clang-fast >/dev/null || { echo "afl: afl-clang-fast not found (apt-get install afl++)" >&2; exit 2; }

export OUT=$dir/out WORK=$dir/work SRC=$dir/src
rm -rf "$OUT" "$WORK"
mkdir -p "$OUT" "$WORK" "$SRC"
export CC=afl-clang-fast CXX=afl-clang-fast++
export CFLAGS="-O1 -g -fno-omit-frame-pointer -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
export CXXFLAGS="$CFLAGS" LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1
if ! (cd "$root" && bash fuzz/oss-fuzz/build.sh) >"$dir/build.log" 2>&1; then
    tail -30 "$dir/build.log"
    echo "afl: 0 passed, 1 failed"
    exit 1
fi
grep '^build.sh:' "$dir/build.log"
unset AFL_USE_ASAN AFL_USE_UBSAN

passed=0 failed=0
for bin in "$OUT"/*; do
    t=$(basename "$bin")
    case "$t" in *.*) continue ;; esac
    [ -x "$bin" ] || continue
    # The driver runs inputs given as arguments, like libFuzzer's -runs=0.
    seeds=$dir/seeds-$t
    rm -rf "$seeds"
    mkdir -p "$seeds"
    [ -f "$OUT/${t}_seed_corpus.zip" ] && (cd "$seeds" && unzip -q -o "$OUT/${t}_seed_corpus.zip")
    if ! "$bin" "$seeds"/* >"$dir/$t.replay.log" 2>&1; then
        failed=$((failed + 1)); echo "FAILED: afl $t: seed replay"; tail -5 "$dir/$t.replay.log"; continue
    fi
    if [ "$secs" -gt 0 ]; then
        maxlen=$(sed -nE 's/^max_len *= *([0-9]+).*/\1/p' "$OUT/$t.options")
        rm -rf "$dir/findings-$t"
        AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
        AFL_NO_AFFINITY=1 AFL_BENCH_UNTIL_CRASH=1 \
            timeout $((secs + 60)) afl-fuzz -V "$secs" -m none -t 1000 -G "${maxlen:-4096}" \
            -i "$seeds" -o "$dir/findings-$t" -x "$OUT/$t.dict" -- "$bin" >"$dir/$t.afl.log" 2>&1
        stats=$dir/findings-$t/default/fuzzer_stats
        crashes=$(find "$dir/findings-$t/default/crashes" "$dir/findings-$t/default/hangs" -type f ! -name README.txt 2>/dev/null | wc -l)
        if [ ! -f "$stats" ] || [ "$crashes" -ne 0 ]; then
            failed=$((failed + 1)); echo "FAILED: afl $t: $crashes crashes/hangs (see $dir/findings-$t)"
            tail -5 "$dir/$t.afl.log"; continue
        fi
        echo "afl $t: $(sed -nE 's/^execs_done *: *//p' "$stats") execs, $(sed -nE 's/^execs_per_sec *: *//p' "$stats") exec/s, no crash"
    else
        echo "afl $t: built, seeds replayed"
    fi
    passed=$((passed + 1))
done
echo "afl: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
