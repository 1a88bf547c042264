#!/bin/sh
# SPDX-License-Identifier: MIT
# Record the capture suite's loopback traffic: nghttp (several requests, one
# 80 kB body, a 404, an extra header) and curl (prior knowledge) against
# nghttpd, cleartext, captured by tcpdump on lo.
# usage: record.sh OUTDIR   (needs root, tcpdump, nghttpd, nghttp, curl)
set -eu
out=$1
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'kill $dpid $spid 2>/dev/null || true; rm -rf "$tmp"' EXIT
port=$(( 20000 + $$ % 20000 ))
mkdir "$tmp/www"
echo hello >"$tmp/www/index.html"
# a fixed, incompressible body
python3 -c 'import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(80000)))' >"$tmp/www/big.bin"
nghttpd --no-tls -d "$tmp/www" "$port" >/dev/null 2>&1 &
spid=$!
tcpdump -i lo -U -s 0 -w "$tmp/loopback.pcap" "tcp port $port" 2>"$tmp/tcpdump.err" &
dpid=$!
i=0
while ! grep -q listening "$tmp/tcpdump.err" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
sleep 0.3
url=http://127.0.0.1:$port
nghttp -n -H 'x-test: one' "$url/index.html" "$url/big.bin" "$url/nothere" >/dev/null
nghttp -n -m 3 "$url/index.html" >/dev/null
curl -s --http2-prior-knowledge -o /dev/null "$url/big.bin"
curl -s --http2-prior-knowledge -o /dev/null -H 'x-curl: two' "$url/index.html"
sleep 0.5
kill -INT $dpid
wait $dpid 2>/dev/null || true
cp "$tmp/loopback.pcap" "$out/loopback.pcap"
echo "$port" >"$out/loopback.ports"
