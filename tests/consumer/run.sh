#!/bin/sh
# SPDX-License-Identifier: MIT
# usage: run.sh BUILD_DIR CONSUMER_SOURCE_DIR CC EXTRA_CFLAGS
set -eu
build=$1 src=$2 cc=$3 flags=${4:-}
tmp=$(mktemp -d -t h2codec-consumer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
test -f "$(find "$tmp/prefix" -name h2codecConfig.cmake)"
test -f "$(find "$tmp/prefix" -name h2codecConfigVersion.cmake)"

echo "== find_package(h2codec)"
cmake -S "$src" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$flags" >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
"$tmp/cmake-build/consumer"

echo "== pkg-config h2codec-hpack h2codec-frame"
pcdir=$(dirname "$(find "$tmp/prefix" -name h2codec-hpack.pc)")
test -f "$pcdir/h2codec-frame.pc"
export PKG_CONFIG_PATH="$pcdir"
libdir=$(pkg-config --variable=libdir h2codec-hpack)
# shellcheck disable=SC2046,SC2086
"$cc" $flags -std=c11 -Wall -Werror -o "$tmp/consumer-pc" "$src/main.c" \
      $(pkg-config --cflags --libs h2codec-hpack h2codec-frame) -Wl,-rpath,"$libdir"
"$tmp/consumer-pc"
echo "consumer: 2 passed, 0 failed"
