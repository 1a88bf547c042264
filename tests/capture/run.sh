#!/bin/sh
# SPDX-License-Identifier: MIT
# The capture suite.  usage: tests/capture/run.sh H2CODEC_BINARY
# Records fresh loopback traffic when it can (root, tcpdump, nghttpd, nghttp,
# curl), else uses the recording shipped in corpus/capture-suite.zip; then
# checks h2codec on it and on damaged and synthetic captures.  The last
# line is "capture: N passed, M failed".
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rec=$work/rec
if [ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null && command -v nghttpd >/dev/null &&
   command -v nghttp >/dev/null && command -v curl >/dev/null && [ -z "${H2C_CAPTURE_SHIPPED:-}" ] &&
   "$here/record.sh" "$rec" 2>"$work/record.err" && [ -s "$rec/loopback.pcap" ]; then
    echo "capture: recorded fresh loopback traffic"
else
    echo "capture: using the shipped recording"
    mkdir -p "$rec"
    python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [open(sys.argv[2] + "/" + n.split("/")[-1], "wb").write(z.read(n)) for n in z.namelist() if not n.endswith("/")]' \
        "$here/../../corpus/capture-suite.zip" "$rec" || { echo "capture: 0 passed, 1 failed"; exit 1; }
fi
python3 "$here/capture_tests.py" "$bin" "$work" "$rec"
