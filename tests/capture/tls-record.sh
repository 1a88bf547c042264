#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/capture/tls-record.sh OUTDIR: records TLS connections of curl to
# nghttpd on loopback with tcpdump (needs root), one capture and key log
# per cipher suite: OUTDIR/NAME.pcap and OUTDIR/NAME.keys.  Each
# connection asks for /index.html, /big.txt (22 KiB: full-size records) and
# /missing (a 404); t12-cbc (a CBC suite, which is not decrypted) and
# t13-keyupdate (a KeyUpdate each way) are openssl s_client and s_server;
# t13-dsb.pcapng holds t13-aes128 with its key log in a Decryption Secrets
# Block.  Needs openssl, nghttpd, curl, tcpdump and
# tshark (editcap).
set -euo pipefail
out=$1
mkdir -p "$out"
work=$(mktemp -d -t h2codec-tlsrec.XXXXXX)
srv="" dump=""
cleanup() {
    [ -z "$dump" ] || kill "$dump" 2>/dev/null || true
    [ -z "$srv" ] || kill "$srv" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
nghttpd=$(command -v nghttpd || echo /usr/sbin/nghttpd)

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
    -days 2 -subj /CN=localhost >/dev/null 2>&1
mkdir "$work/www"
echo hello >"$work/www/index.html"
python3 -c 'import sys; sys.stdout.write("".join("line %05d of the big file, for records of full size\n" % i for i in range(400)))' \
    >"$work/www/big.txt"
port=$((20000 + RANDOM % 20000))
"$nghttpd" -d "$work/www" "$port" "$work/key.pem" "$work/cert.pem" >"$work/nghttpd.log" 2>&1 &
srv=$!
for _ in $(seq 50); do
    curl -sk --http2 -o /dev/null "https://127.0.0.1:$port/" 2>/dev/null && break
    sleep 0.1
done

# start_dump NAME PORT: tcpdump into OUTDIR/NAME.pcap, once it listens.
start_dump() {
    rm -f "$out/$1.keys"
    tcpdump -i lo --immediate-mode -U -w "$out/$1.pcap" "tcp port $2" >"$work/tcpdump.log" 2>&1 &
    dump=$!
    for _ in $(seq 50); do grep -q listening "$work/tcpdump.log" && break; sleep 0.1; done
    sleep 0.5
}
stop_dump() {
    sleep 1 # --immediate-mode: every packet is written as it comes
    kill "$dump"
    wait "$dump" 2>/dev/null || true
    dump=""
    echo "recorded $1: $(wc -c <"$out/$1.pcap") octets"
}

# record FUNCTION NAME ARGS...: tcpdump may miss the first packets while it
# starts, so a capture without the whole connection is made again.
record() {
    local try
    for try in 1 2 3; do
        "$@"
        [ "$(tshark -r "$out/$2.pcap" -Y "tcp.flags.syn == 1 || tcp.flags.fin == 1 || tcp.flags.reset == 1" 2>/dev/null | wc -l)" -ge 3 ] &&
            return 0
        echo "$2: incomplete capture (try $try), again"
    done
    return 1
}
# record_once NAME CURL_TLS_ARGS...
record_once() {
    local name=$1
    shift
    start_dump "$name" "$port"
    SSLKEYLOGFILE="$out/$name.keys" curl -sS -k --http2 "$@" \
        -o /dev/null "https://127.0.0.1:$port/index.html" \
        -o /dev/null "https://127.0.0.1:$port/big.txt" \
        -o /dev/null "https://127.0.0.1:$port/missing"
    stop_dump "$name"
}

# A CBC suite (nghttpd refuses them, as RFC 9113 9.2.2 asks): openssl
# s_client and s_server.
record_cbc() {
    local kport=$((port + 2)) s
    (sleep 2; echo server-line) |
        timeout 5 openssl s_server -accept "$kport" -cert "$work/cert.pem" -key "$work/key.pem" \
            -tls1_2 -cipher ECDHE-RSA-AES128-SHA -quiet >"$work/s_server.log" 2>&1 &
    s=$!
    start_dump t12-cbc "$kport"
    (echo client-line; sleep 2) |
        timeout 4 openssl s_client -connect "127.0.0.1:$kport" -tls1_2 -cipher ECDHE-RSA-AES128-SHA \
            -keylogfile "$out/t12-cbc.keys" >"$work/s_client.log" 2>&1 || true
    wait "$s" || true
    stop_dump t12-cbc
}

# TLS 1.3 KeyUpdate: openssl s_client sends one (asking the server for
# its own) when a line is "K"; the lines around it are the plaintext.
record_keyupdate() {
    local kport=$((port + 1)) s
    (sleep 1; echo server-before; sleep 2; echo server-after; sleep 2) |
        timeout 8 openssl s_server -accept "$kport" -cert "$work/cert.pem" -key "$work/key.pem" \
            -tls1_3 -quiet >"$work/s_server.log" 2>&1 &
    s=$!
    start_dump t13-keyupdate "$kport"
    (echo client-before; sleep 1.5; echo K; sleep 1; echo client-after; sleep 2) |
        timeout 7 openssl s_client -connect "127.0.0.1:$kport" -tls1_3 \
            -keylogfile "$out/t13-keyupdate.keys" >"$work/s_client.log" 2>&1 || true
    wait "$s" || true
    stop_dump t13-keyupdate
}
record record_once t13-aes128 --tlsv1.3 --tls13-ciphers TLS_AES_128_GCM_SHA256
record record_once t13-aes256 --tlsv1.3 --tls13-ciphers TLS_AES_256_GCM_SHA384
record record_once t13-chacha --tlsv1.3 --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256
record record_once t12-aes128 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256
record record_once t12-aes256 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES256-GCM-SHA384
record record_once t12-chacha --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-CHACHA20-POLY1305
record record_cbc t12-cbc
record record_keyupdate t13-keyupdate
# The same TLS 1.3 connection with its secrets in a pcapng Decryption
# Secrets Block instead of a key log file.
editcap --inject-secrets "tls,$out/t13-aes128.keys" "$out/t13-aes128.pcap" "$out/t13-dsb.pcapng"
