#!/bin/bash
# SPDX-License-Identifier: MIT
# fuzz/coverage.sh [BUILD_DIR]: clang source-based coverage of hpack/ and
# frame/ from every fuzz corpus (through the replay binaries) and every unit
# test, i.e. everything ctest runs.
#
#   BUILD_DIR   default build/coverage; configured here with clang and
#               -fprofile-instr-generate -fcoverage-mapping, tests on.
#
# Prints llvm-cov's per-file report (lines, branches, ...) for the library
# sources and a TOTAL line, and writes BUILD_DIR/coverage/index.html.
# Environment: H2C_COVERAGE_CTEST_ARGS extra ctest arguments (e.g. "-R fuzz_").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build/coverage}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
llvm_cov=$(command -v llvm-cov-14 || command -v llvm-cov)
llvm_profdata=$(command -v llvm-profdata-14 || command -v llvm-profdata)

cmake -S "$root" -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" \
      -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" \
      -DCMAKE_SHARED_LINKER_FLAGS="-fprofile-instr-generate" \
      -DH2CODEC_BUILD_TESTS=ON -DH2CODEC_BUILD_FUZZERS=OFF -DH2CODEC_SANITIZE= >/dev/null
cmake --build "$dir" -j"${H2C_COVERAGE_JOBS:-2}" >"$dir/build.log" 2>&1 || { tail -30 "$dir/build.log"; exit 1; }

rm -rf "$dir/profraw"
mkdir -p "$dir/profraw"
set +e
# shellcheck disable=SC2086
LLVM_PROFILE_FILE="$dir/profraw/%p-%m.profraw" \
    ctest --test-dir "$dir" -j"${H2C_COVERAGE_JOBS:-2}" ${H2C_COVERAGE_CTEST_ARGS:-} >"$dir/ctest.log" 2>&1
ctest_rc=$?
set -e
tail -3 "$dir/ctest.log"
"$llvm_profdata" merge -sparse "$dir"/profraw/*.profraw -o "$dir/coverage.profdata"

# Every executable the build made that carries coverage data.
# llvm-cov wants the first one as a plain argument, the others after -object.
objs=()
while IFS= read -r exe; do
    head -c 4 "$exe" | grep -q ELF || continue
    if [ ${#objs[@]} -eq 0 ]; then objs=("$exe"); else objs+=(-object "$exe"); fi
done < <(find "$dir" -type f -perm -u+x ! -name '*.so*' ! -path '*/CMakeFiles/*' | sort)
sources=("$root/hpack/src" "$root/frame/src")
"$llvm_cov" report "${objs[@]}" -instr-profile="$dir/coverage.profdata" "${sources[@]}" \
    | tee "$dir/coverage.txt"
"$llvm_cov" show "${objs[@]}" -instr-profile="$dir/coverage.profdata" -format=html \
    -output-dir="$dir/coverage" "${sources[@]}" >/dev/null
echo "coverage: report in $dir/coverage.txt, HTML in $dir/coverage/index.html"
[ "$ctest_rc" -eq 0 ] || echo "coverage: note: some ctest tests failed (exit $ctest_rc), see $dir/ctest.log"
