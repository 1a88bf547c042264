#!/bin/bash
# SPDX-License-Identifier: MIT
# usage: peer_test.sh H2CODEC [NGHTTPD NGHTTP CURL PYTHON3]
# Real peers: nghttpd serves on loopback; nghttp and curl (prior knowledge,
# cleartext HTTP/2) fetch a page through a recording relay, each with one
# request header of 30,000 octets (22 KB after Huffman coding), so that the
# request needs HEADERS + CONTINUATION.
# Both directions of both connections are decoded with `h2codec frames`.
# ctest passes the programs CMake found; run by hand, they are looked up
# (nghttpd in /usr/sbin too, which a normal user's PATH may lack).
set -u
bin=$1
nghttpd=${2:-$(command -v nghttpd || echo /usr/sbin/nghttpd)}
nghttp=${3:-nghttp}
curl=${4:-curl}
python3=${5:-python3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d -t h2codec-peer.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

mkdir -p "$tmp/htdocs" "$tmp/rec"
echo "hello from nghttpd" >"$tmp/htdocs/index.html"

# nghttpd on a free loopback port.
port=$("$python3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$nghttpd" --no-tls -a 127.0.0.1 -d "$tmp/htdocs" "$port" >"$tmp/nghttpd.log" 2>&1 &
pids+=($!)
"$python3" "$here/relay.py" "$tmp/relay.port" "$port" "$tmp/rec" 2 &
pids+=($!)
# Wait until the relay has written its port and nghttpd accepts connections.
for _ in $(seq 100); do
    [ -f "$tmp/relay.port" ] &&
        "$python3" -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null &&
        break
    sleep 0.1
done
rport=$(cat "$tmp/relay.port")
big=$(head -c 30000 /dev/zero | tr '\0' 'b')

timeout 20 "$nghttp" -H "x-big: $big" -H "x-client: nghttp" "http://127.0.0.1:$rport/index.html" \
    >"$tmp/nghttp.out" 2>&1 && ok || bad "nghttp request: $(tail -3 "$tmp/nghttp.out")"
grep -q "hello from nghttpd" "$tmp/nghttp.out" && ok || bad "nghttp body"
timeout 20 "$curl" -s --http2-prior-knowledge -H "x-big: $big" -H "x-client: curl" \
    "http://127.0.0.1:$rport/index.html" >"$tmp/curl.out" 2>&1 && ok || bad "curl request"
grep -q "hello from nghttpd" "$tmp/curl.out" && ok || bad "curl body"
for _ in $(seq 50); do [ -s "$tmp/rec/2.s2c" ] && break; sleep 0.1; done
sleep 0.3

# Decode each direction and check what the peers really said.
for n in 1 2; do
    client=$([ $n = 1 ] && echo nghttp || echo curl)
    "$bin" frames --json "$tmp/rec/$n.c2s" >"$tmp/$n.c2s.json" 2>"$tmp/$n.c2s.err"
    rc=$?
    [ $rc -eq 0 ] && ok || bad "frames $n.c2s exit $rc: $(head -3 "$tmp/$n.c2s.err")"
    "$bin" frames --json "$tmp/rec/$n.s2c" >"$tmp/$n.s2c.json" 2>"$tmp/$n.s2c.err"
    rc=$?
    [ $rc -eq 0 ] && ok || bad "frames $n.s2c exit $rc: $(head -3 "$tmp/$n.s2c.err")"
    "$python3" - "$tmp/$n.c2s.json" "$tmp/$n.s2c.json" "$client" <<'PY' && ok || bad "decoded headers of connection $n ($client)"
import json, sys
c2s = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
s2c = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
client = sys.argv[3]
def blocks(frames):
    return [dict((k, v) for k, v in f["headers"]) for f in frames if "headers" in f]
req = [b for b in blocks(c2s) if b.get(":path") == "/index.html"]
assert req, "no request for /index.html decoded"
r = req[0]
assert r[":method"] == "GET", r[":method"]
assert r["x-client"] == client, r.get("x-client")
assert r["x-big"] == "b" * 30000, len(r.get("x-big", ""))
assert any(f.get("type") == "CONTINUATION" for f in c2s), "no CONTINUATION frame"
assert any(f.get("type") == "SETTINGS" for f in c2s), "no client SETTINGS"
resp = blocks(s2c)
assert resp and resp[0][":status"] == "200", resp[:1]
assert any(f.get("type") == "DATA" for f in s2c), "no DATA frame from the server"
assert not any("error" in f for f in c2s + s2c), "an error was reported"
PY
done

echo "peer: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
