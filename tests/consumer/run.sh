#!/bin/sh
# SPDX-License-Identifier: MIT
# usage: run.sh BUILD_DIR SOURCE_DIR CC EXTRA_CFLAGS "LIBS" TOOLS SANITIZED STRIP PYTHON3
# Installs BUILD_DIR into a temporary prefix, checks what was installed
# (install_check.py), then builds and runs a tiny out-of-tree program that
# links every library in LIBS (h2codec::<lib>) through find_package, and
# through pkg-config (h2codec-<lib>.pc).  ctest names the cmake and
# pkg-config programs CMake found in H2C_CMAKE and H2C_PKG_CONFIG.
set -eu
build=$1 src=$2 cc=$3 flags=$4 libs=$5 tools=$6 sanitized=$7 strip=$8 python3=$9
cmake=${H2C_CMAKE:-cmake} pkgconfig=${H2C_PKG_CONFIG:-pkg-config}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d -t h2codec-consumer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$cmake" --install "$build" --prefix "$tmp/prefix" >/dev/null
echo "== install layout"
"$python3" "$here/install_check.py" "$tmp/prefix" "$build" "$src" "$libs" "$tools" "$sanitized" "$strip"

echo "== find_package(h2codec): $libs"
"$cmake" -S "$here/project" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$flags" \
      "-DH2CODEC_CONSUMER_LIBS=$(echo "$libs" | tr ' ' ';')" >/dev/null
"$cmake" --build "$tmp/cmake-build" >/dev/null
"$tmp/cmake-build/consumer"

mods=$(for l in $libs; do printf 'h2codec-%s ' "$l"; done)
echo "== pkg-config $mods"
pcdir=$(dirname "$(find "$tmp/prefix" -name h2codec-hpack.pc)")
export PKG_CONFIG_PATH="$pcdir"
libdir=$("$pkgconfig" --variable=libdir h2codec-hpack)
# shellcheck disable=SC2046,SC2086
"$cc" $flags -std=c11 -Wall -Werror -o "$tmp/consumer-pc" "$here/project/main.c" \
      $("$pkgconfig" --cflags --libs $mods) -Wl,-rpath,"$libdir"
"$tmp/consumer-pc"
echo "consumer: 3 passed, 0 failed"
