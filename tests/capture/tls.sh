#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/capture/tls.sh TLS_DECRYPT H2CODEC CORPUS_DIR: TLS decryption with
# key logs.  Each capture (the shipped CORPUS_DIR/tls-captures/*.pcap, and,
# as root with tcpdump, nghttpd, curl and openssl, fresh ones recorded by
# tls-record.sh) is split into its two reassembled directions by tshark,
# decrypted by TLS_DECRYPT, and the plaintext decoded by `h2codec frames`:
# the client's must start with the HTTP/2 preface and ask for the three
# paths curl asked for, the server's must answer them.  Then the failures:
# a wrong key, a missing key, a truncated record, a corrupted octet.
# Prints "tls: N passed, M failed"; exits 1 on any failure.
# H2C_TLS_RECORD=0 skips the fresh recordings.
set -uo pipefail
drv=$1 h2c=$2 corpus=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d -t h2codec-tls.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }


# split PCAP PREFIX: PREFIX.c2s and PREFIX.s2c, the first TCP stream's
# reassembled directions (tshark's "follow" indents the second node's).
split() {
    tshark -r "$1" -q -z follow,tcp,raw,0 2>/dev/null | python3 -c '
import sys, binascii
c, s, on = bytearray(), bytearray(), False
for line in sys.stdin:
    if line.startswith("Node 1:"):
        on = True
    elif on and line.strip() and not line.startswith("="):
        (s if line.startswith("\t") else c).extend(binascii.unhexlify(line.strip()))
open(sys.argv[1] + ".c2s", "wb").write(c)
open(sys.argv[1] + ".s2c", "wb").write(s)
' "$2"
}

# is_prefix A B: file A is a proper prefix of file B.
is_prefix() {
    local a b
    a=$(stat -c %s "$1") b=$(stat -c %s "$2")
    [ "$a" -lt "$b" ] && cmp -s "$1" <(head -c "$a" "$2")
}

# frames_ok NAME DIR: h2codec decodes both plaintext directions, and they
# hold the requests curl made and their answers.
frames_ok() {
    local d=$2
    "$h2c" frames "$d/plain.c2s" >"$d/frames.c2s" 2>&1 && "$h2c" frames "$d/plain.s2c" >"$d/frames.s2c" 2>&1 &&
        cmp -s <(head -c 24 "$d/plain.c2s") <(printf 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n') &&
        grep -q ':path: /index.html' "$d/frames.c2s" && grep -q ':path: /big.txt' "$d/frames.c2s" &&
        grep -q ':path: /missing' "$d/frames.c2s" &&
        [ "$(grep -c ':status: 200' "$d/frames.s2c")" -eq 2 ] && grep -q ':status: 404' "$d/frames.s2c"
}

# capture NAME PCAP KEYS: the good cases of one capture.
capture() {
    local name=$1 pcap=$2 keys=$3 d=$work/$1 version cipher
    mkdir -p "$d"
    split "$pcap" "$d/tcp"
    case $name in
        *t13-aes128) version="TLS 1.3" cipher=TLS_AES_128_GCM_SHA256 ;;
        *t13-aes256) version="TLS 1.3" cipher=TLS_AES_256_GCM_SHA384 ;;
        *t13-chacha) version="TLS 1.3" cipher=TLS_CHACHA20_POLY1305_SHA256 ;;
        *t12-aes128) version="TLS 1.2" cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 ;;
        *t12-aes256) version="TLS 1.2" cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 ;;
        *t12-chacha) version="TLS 1.2" cipher=TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 ;;
        *) bad "$name: unknown capture"; return ;;
    esac
    "$drv" "$keys" "$d/tcp.c2s" "$d/tcp.s2c" "$d/plain.c2s" "$d/plain.s2c" >"$d/info" 2>&1
    local rc=$?
    check "$name: decrypts, reports $version, $cipher, ALPN h2" \
        bash -c "[ $rc -eq 0 ] && grep -qx 'version $version' '$d/info' && grep -qx 'cipher $cipher' '$d/info' && grep -qx 'alpn h2' '$d/info'"
    check "$name: h2codec frames decodes the requests and responses" frames_ok "$name" "$d"
    # The same plaintext whatever the order and the size of the feeds, and
    # with the key log handed over as text (a Decryption Secrets Block).
    local opts
    for opts in "--order client-first" "--order server-first" "--chunk 1" "--chunk 7 --text"; do
        # shellcheck disable=SC2086
        "$drv" $opts "$keys" "$d/tcp.c2s" "$d/tcp.s2c" "$d/o.c2s" "$d/o.s2c" >/dev/null 2>&1
        check "$name: same plaintext with $opts" \
            bash -c "[ $? -eq 0 ] && cmp -s '$d/o.c2s' '$d/plain.c2s' && cmp -s '$d/o.s2c' '$d/plain.s2c'"
    done
}

# e2e NAME PCAP [KEYS]: `h2codec frames --pcap` decrypts the capture (its
# secrets from --keylog, or from the pcapng's Decryption Secrets Block)
# and shows the requests curl made, in order, and the answers.
e2e() {
    local name=$1 pcap=$2 d=$work/e2e
    mkdir -p "$d"
    local args=(frames --pcap "$pcap")
    [ $# -lt 3 ] || args+=(--keylog "$3")
    "$h2c" "${args[@]}" >"$d/out" 2>&1
    local rc=$?
    check "$name: h2codec frames --pcap decrypts and shows the three requests" bash -c "
        [ $rc -eq 0 ] && grep -q 'TLS, decrypted, ALPN h2' '$d/out' &&
        [ \"\$(grep -o ':path: .*' '$d/out' | tr '\n' ' ')\" = ':path: /index.html :path: /big.txt :path: /missing ' ] &&
        [ \"\$(grep -o ':status: .*' '$d/out' | tr '\n' ' ')\" = ':status: 200 :status: 200 :status: 404 ' ]"
    "$h2c" "${args[@]}" --json >"$d/json" 2>&1
    check "$name: --json: decrypted, ALPN h2, three requests" bash -c "
        [ \$? -eq 0 ] && grep -q '\"tls\":true,\"decrypted\":true' '$d/json' &&
        [ \"\$(grep -c '\"/big.txt\"' '$d/json')\" -eq 1 ]"
    if [ $# -ge 3 ]; then
        # --summary counts each side's TCP payload once, decrypted or not
        "$h2c" frames --pcap "$pcap" --summary --json --keylog "$3" >"$d/sum" 2>&1
        "$h2c" frames --pcap "$pcap" --summary --json >"$d/sum-nokeys" 2>/dev/null
        check "$name: --summary: the same octets with and without keys" python3 -c "
import json, sys
def sides(f):
    return [(o['client_side']['octets'], o['server_side']['octets']) for o in map(json.loads, open(f)) if o.get('summary')]
a, b = sides(sys.argv[1]), sides(sys.argv[2])
sys.exit(0 if a == b and a and all(x > 0 and y > 0 for x, y in a) else print(a, b) or 1)" "$d/sum" "$d/sum-nokeys"
    fi
}

# same_headers ORIG_JSON JSON N: every header block of JSON (h2codec --json
# output) is the block of ORIG_JSON on the same side and stream, field by
# field, but for the fields marked unknown (placeholders): never a wrong
# header.  Prints how many blocks it compared; fails unless N.
same_headers() {
    python3 -c '
import json, sys
def blocks(path):
    out = {}
    for line in open(path):
        if line.startswith("{"):
            o = json.loads(line)
            if "headers" in o:
                out.setdefault((o["direction"], o["stream_id"]), []).append(o["headers"])
    return out
orig, got, n = blocks(sys.argv[1]), blocks(sys.argv[2]), 0
for k, hs in got.items():
    for h in hs:
        if not any(len(o) == len(h) and all(f == g or {"unknown": True} in f[2:] for f, g in zip(h, o))
                   for o in orig.get(k, [])):
            sys.exit("not in the original: %s %s" % (k, h))
        n += 1
print("%d header blocks as in the original" % n)
sys.exit(n != int(sys.argv[3]))' "$1" "$2" "$3"
}

# gaps NAME PCAP KEYS: a lost packet.  After the handshake, the direction
# that lost it reports the gap and stops, the other goes on; with
# --tolerant it finds its records again (the sequence number tried until a
# record authenticates) and its frames after them, with every header shown
# as it was sent.  Within the handshake the flow cannot be decrypted, and
# says why.
gaps() {
    local name=$1 pcap=$2 keys=$3 d=$work/gaps big sh req msg
    mkdir -p "$d"
    # One pass: the largest packet, the (last) ServerHello, the request
    # for /big.txt.
    tshark -r "$pcap" -o "tls.keylog_file:$keys" -T fields -e frame.number -e frame.len \
        -e tls.handshake.type -e http2.header.value >"$d/fields" 2>/dev/null
    big=$(sort -t$'\t' -k2 -n "$d/fields" | tail -1 | cut -f1)
    sh=$(awk -F'\t' '$3 ~ /(^|,)2(,|$)/ { n = $1 } END { print n }' "$d/fields")
    req=$(awk -F'\t' '$4 ~ /(^|,)\/big\.txt(,|$)/ { print $1; exit }' "$d/fields")
    if [ -z "$req" ] || [ -z "$sh" ] || ! editcap "$pcap" "$d/late.pcap" "$big" || ! editcap "$pcap" "$d/early.pcap" "$sh" ||
        ! editcap "$pcap" "$d/req.pcap" "$req"; then
        bad "$name: editcap"
        return
    fi
    "$h2c" frames --pcap "$pcap" --keylog "$keys" --json >"$d/orig.json" 2>/dev/null
    "$h2c" frames --pcap "$d/late.pcap" --keylog "$keys" >"$d/late" 2>&1
    check "$name: packet $big lost: gap reported, the client's requests all shown, the server stops" bash -c "
        grep -q 'gap: [0-9]* octets missing' '$d/late' && [ \"\$(grep -c ':path:' '$d/late')\" -eq 3 ] &&
        ! grep -q 'cannot decrypt' '$d/late' && ! grep -q ':status: 404' '$d/late' && ! grep -q 'resync' '$d/late'"
    # The server's 22 KiB answer loses a full-size record; the 404 after it
    # is decoded again.
    "$h2c" frames --pcap "$d/late.pcap" --keylog "$keys" --tolerant >"$d/late.tol" 2>&1
    "$h2c" frames --pcap "$d/late.pcap" --keylog "$keys" --tolerant --json >"$d/late.json" 2>/dev/null
    check "$name: packet $big lost, --tolerant: TLS resynchronised, the 404 after the gap decoded" bash -c "
        grep -q 'TLS resynchronised at stream offset [0-9]*, sequence number [0-9]* ([0-9]* records\? lost)' '$d/late.tol' &&
        grep -q '\"tls_resync\":true,\"offset\":[0-9]*,\"seq\":[0-9]*' '$d/late.json' &&
        [ \"\$(grep -c ':path:' '$d/late.tol')\" -eq 3 ] && grep -q ':status: 404' '$d/late.tol'"
    # Five blocks: all but the 200 of /big.txt.
    msg=$(same_headers "$d/orig.json" "$d/late.json" 5 2>&1)
    check "$name: packet $big lost, --tolerant: $msg" [ $? -eq 0 ]
    # The client's request for /big.txt lost: /missing is decoded again.
    "$h2c" frames --pcap "$d/req.pcap" --keylog "$keys" >"$d/req" 2>&1
    "$h2c" frames --pcap "$d/req.pcap" --keylog "$keys" --tolerant --json >"$d/req.json" 2>/dev/null
    check "$name: request packet $req lost: the client stops; --tolerant: /missing decoded again" bash -c "
        [ \"\$(grep -o ':path: .*' '$d/req' | tr '\n' ' ')\" = ':path: /index.html ' ] &&
        grep -q '\"tls_resync\":true,.*\"direction\":\"client\"' '$d/req.json' &&
        [ \"\$(grep -o '\":path\",\"[^\"]*\"' '$d/req.json' | tr '\n' ' ')\" = '\":path\",\"/index.html\" \":path\",\"/missing\" ' ]"
    # Five blocks: all but the request for /big.txt.
    msg=$(same_headers "$d/orig.json" "$d/req.json" 5 2>&1)
    check "$name: request packet $req lost, --tolerant: $msg" [ $? -eq 0 ]
    "$h2c" frames --pcap "$d/early.pcap" --keylog "$keys" >"$d/early" 2>&1
    check "$name: ServerHello packet $sh lost: cannot decrypt, says why" bash -c "
        grep -q 'TLS, cannot decrypt: a gap of [0-9]* octets in the server.s stream during the TLS handshake' '$d/early' &&
        ! grep -q ':path:' '$d/early'"
}

# expect_fail NAME PATTERN KEYS C2S S2C: the driver fails with PATTERN;
# sets $d/f.c2s, $d/f.s2c.
expect_fail() {
    local name=$1 pat=$2 d=$work/fail
    mkdir -p "$d"
    "$drv" "$3" "$4" "$5" "$d/f.c2s" "$d/f.s2c" >"$d/info" 2>&1
    local rc=$?
    if [ $rc -eq 1 ] && grep -q "$pat" "$d/info"; then
        ok "$name: $(grep tls_decrypt: "$d/info" | head -1 | cut -c1-110)"
    else
        bad "$name: expected exit 1 and \"$pat\", got $rc: $(cat "$d/info")"
    fi
}

# failures NAME KEYS: the error cases on a decrypted capture.
failures() {
    local name=$1 keys=$2 d=$work/$1 f=$work/fail
    # Wrong key: every secret's last octet changed.  Nothing is emitted.
    sed -E 's/^([A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]*)([0-9a-f])$/\1x\2/; s/x0$/1/; s/x[1-9a-f]$/0/' \
        "$keys" >"$work/wrong.keys"
    expect_fail "$name: wrong key" "authentication failed" "$work/wrong.keys" "$d/tcp.c2s" "$d/tcp.s2c"
    check "$name: wrong key: no plaintext" bash -c "[ ! -s '$f/f.c2s' ] && [ ! -s '$f/f.s2c' ]"
    # Missing key: the key log is of another connection.
    sed -E 's/^([A-Z_0-9]+ )[0-9a-f]{8}/\1deadbeef/' "$keys" >"$work/other.keys"
    expect_fail "$name: missing key" "no key for client random" "$work/other.keys" "$d/tcp.c2s" "$d/tcp.s2c"
    check "$name: missing key: no plaintext" bash -c "[ ! -s '$f/f.c2s' ] && [ ! -s '$f/f.s2c' ]"
    # Truncated: the server's stream ends inside a record of the 22 KiB
    # response; what came before stands.
    head -c $(($(stat -c %s "$d/tcp.s2c") / 2)) "$d/tcp.s2c" >"$work/cut.s2c"
    expect_fail "$name: truncated record" "incomplete record" "$keys" "$d/tcp.c2s" "$work/cut.s2c"
    check "$name: truncated record: the plaintext before it, nothing after" \
        bash -c "cmp -s '$f/f.c2s' '$d/plain.c2s' && $(declare -f is_prefix); is_prefix '$f/f.s2c' '$d/plain.s2c'"
    # Corrupted: one octet in the middle of the server's stream (inside the
    # 22 KiB response) changed: authentication fails, the record and all
    # after it are withheld.
    python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 0x40
open(sys.argv[2], "wb").write(b)' "$d/tcp.s2c" "$work/bad.s2c"
    expect_fail "$name: corrupted octet" "authentication failed" "$keys" "$d/tcp.c2s" "$work/bad.s2c"
    check "$name: corrupted octet: only the records before it" \
        bash -c "$(declare -f is_prefix); is_prefix '$f/f.s2c' '$d/plain.s2c'"
    # A gap of 3000 octets inside the 22 KiB response, with
    # resynchronisation: the plaintext before the record it cut, then the
    # plaintext from the next record on, whatever the size of the feeds.
    local half c
    half=$(($(stat -c %s "$d/tcp.s2c") / 2))
    for c in 1 1000; do
        "$drv" --chunk $c --gap "1:$half:3000" "$keys" "$d/tcp.c2s" "$d/tcp.s2c" "$f/g.c2s" "$f/g.s2c" \
            >"$f/info" 2>&1
        check "$name: a gap inside the response, fed in chunks of $c: $(grep resync "$f/info")" \
            python3 -c '
import sys
info, o, g = open(sys.argv[1]).read(), open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read()
a = 0
while a < len(g) and g[a] == o[a]:
    a += 1
sys.exit(not ("\nresync 1 " in "\n" + info and 0 < a < len(g) < len(o) and o.endswith(g[a:])))' \
            "$f/info" "$d/plain.s2c" "$f/g.s2c"
    done
    # CRLF line ends and comments, as some tools write them.
    { echo "# keys"; sed 's/$/\r/' "$keys"; } >"$work/crlf.keys"
    "$drv" "$work/crlf.keys" "$d/tcp.c2s" "$d/tcp.s2c" "$f/f.c2s" "$f/f.s2c" >/dev/null 2>&1
    check "$name: key log with CRLF line ends and a comment" \
        bash -c "[ $? -eq 0 ] && cmp -s '$f/f.s2c' '$d/plain.s2c'"
    # A TLS 1.3 key log without the client's application secret.
    if grep -q CLIENT_TRAFFIC_SECRET_0 "$keys"; then
        grep -v CLIENT_TRAFFIC_SECRET_0 "$keys" >"$work/partial.keys"
        expect_fail "$name: key log lacks a secret" "has no CLIENT_TRAFFIC_SECRET_0" \
            "$work/partial.keys" "$d/tcp.c2s" "$d/tcp.s2c"
    fi
}

captures=()
for p in "$corpus"/tls-captures/*.pcap; do
    [ -e "$p" ] && captures+=("$p")
done
[ ${#captures[@]} -gt 0 ] || bad "no shipped capture in $corpus/tls-captures"
if [ "${H2C_TLS_RECORD:-1}" != 0 ] && [ "$(id -u)" -eq 0 ] && command -v tcpdump >/dev/null &&
    command -v curl >/dev/null && command -v openssl >/dev/null &&
    { command -v nghttpd >/dev/null || [ -x /usr/sbin/nghttpd ]; }; then
    if "$here/tls-record.sh" "$work/fresh" >"$work/record.log" 2>&1; then
        ok "recorded fresh captures"
        for p in "$work"/fresh/*.pcap; do
            captures+=("$p")
        done
    else
        bad "recording fresh captures: $(tail -5 "$work/record.log")"
    fi
else
    echo "note: no fresh recordings (H2C_TLS_RECORD=0, or not root, or tcpdump, nghttpd, curl or openssl missing)"
fi

# keyupdate NAME PCAP KEYS: TLS 1.3 KeyUpdate each way, mid-connection.
keyupdate() {
    local name=$1 d=$work/$1
    mkdir -p "$d"
    split "$2" "$d/tcp"
    "$drv" "$3" "$d/tcp.c2s" "$d/tcp.s2c" "$d/plain.c2s" "$d/plain.s2c" >"$d/info" 2>&1
    check "$name: decrypts across KeyUpdate" \
        bash -c "[ $? -eq 0 ] && [ \"\$(cat '$d/plain.c2s')\" = \"\$(printf 'client-before\nclient-after')\" ] && grep -q server-after '$d/plain.s2c'"
    # The client's KeyUpdate lost: the records after it are under a key
    # that was never announced; --tolerant says the client stops, and why.
    local ku
    ku=$(tshark -r "$2" -o "tls.keylog_file:$3" -Y "tls.handshake.type == 24" -T fields -e frame.number 2>/dev/null | head -1)
    if [ -n "$ku" ] && editcap "$2" "$d/ku.pcap" "$ku"; then
        "$h2c" frames --pcap "$d/ku.pcap" --keylog "$3" --tolerant >"$d/ku" 2>&1
        check "$name: KeyUpdate packet $ku lost, --tolerant: the client stops, says why" \
            grep -q "TLS resynchronisation failed, the client's records stop: no sequence number from [0-9]* to [0-9]* authenticates the record at stream offset [0-9]*: a KeyUpdate in the gap" "$d/ku"
    else
        bad "$name: no KeyUpdate packet found"
    fi
}

for p in "${captures[@]}"; do
    base=${p%.pcap}
    name=$(basename "$(dirname "$p")")-$(basename "$base")
    case $name in
        *keyupdate) keyupdate "$name" "$p" "$base.keys"; continue ;;
        *t12-cbc)
            split "$p" "$work/cbc"
            expect_fail "$name: CBC suite" "unsupported cipher suite 0xc013 with TLS 1.2" \
                "$base.keys" "$work/cbc.c2s" "$work/cbc.s2c"
            continue ;;
    esac
    capture "$name" "$p" "$base.keys"
    e2e "$name" "$p" "$base.keys"
    case $name in *aes128) failures "$name" "$base.keys"; gaps "$name" "$p" "$base.keys" ;; esac
done

# Secrets in a Decryption Secrets Block; a key log of another connection.
for p in "$corpus"/tls-captures/*.pcapng; do
    [ -e "$p" ] && e2e "$(basename "$p"): secrets in the pcapng" "$p"
done
p=$corpus/tls-captures/t13-aes128.pcap
if [ -e "$p" ]; then
    "$h2c" frames --pcap "$p" --keylog "$corpus/tls-captures/t12-aes128.keys" >"$work/nokey" 2>&1
    check "h2codec frames --pcap with the key log of another connection: says so, no request" bash -c "
        grep -q 'TLS, cannot decrypt: no key for client random' '$work/nokey' && ! grep -q ':path:' '$work/nokey'"
fi

# Not TLS at all: a cleartext HTTP/2 connection.
if [ -e "$corpus/captures/nghttp-session.c2s" ]; then
    expect_fail "cleartext stream" "not a TLS record" "${captures[0]%.pcap}.keys" \
        "$corpus/captures/nghttp-session.c2s" "$corpus/captures/nghttp-session.s2c"
fi
# Key log files that hold no key.
"$drv" /nonexistent.keys /dev/null /dev/null "$work/n1" "$work/n2" >"$work/info" 2>&1
check "missing key log file: named in the error" grep -q "/nonexistent.keys: No such file" "$work/info"
echo "# a comment only" >"$work/empty.keys"
"$drv" "$work/empty.keys" /dev/null /dev/null "$work/n1" "$work/n2" >"$work/info" 2>&1
check "key log without keys: an error" grep -q "no key log line" "$work/info"

echo "tls: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
