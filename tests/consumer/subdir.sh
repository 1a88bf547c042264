#!/bin/sh
# SPDX-License-Identifier: MIT
# usage: subdir.sh SOURCE_DIR CC EXTRA_CFLAGS "LIBS"
# A consumer project that add_subdirectory()s the h2codec source tree
# (tests/consumer/subdir), configured with pkg-config unavailable: it must
# define the libraries alone (its CMakeLists.txt checks every target) and
# build and run a program linking h2codec::<lib> for every lib in LIBS.
set -eu
src=$1 cc=$2 flags=$3 libs=$4
cmake=${H2C_CMAKE:-cmake}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d -t h2codec-subdir.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "== add_subdirectory(h2codec), pkg-config unavailable: $libs"
"$cmake" -S "$here/subdir" -B "$tmp/b" -DH2CODEC_SOURCE_DIR="$src" \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$flags" \
      -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON -DPKG_CONFIG_EXECUTABLE=/nonexistent \
      "-DH2CODEC_CONSUMER_LIBS=$(echo "$libs" | tr ' ' ';')" >"$tmp/configure.log" 2>&1 ||
    { cat "$tmp/configure.log"; exit 1; }
grep "h2codec targets:" "$tmp/configure.log"
"$cmake" --build "$tmp/b" -j2 >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; exit 1; }
"$tmp/b/consumer"
echo "subdir consumer: 1 passed, 0 failed"
