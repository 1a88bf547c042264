#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/interop/run.sh BUILD_DIR
#
# The example server (BUILD_DIR/examples/h2server) against real HTTP/2
# peers from Debian: nghttp, curl --http2-prior-knowledge, h2load and a
# python3-h2 client (h2_client.py); then the example client
# (BUILD_DIR/examples/h2client) against nghttpd --no-tls.  Loopback only.
#
# Each check prints "ok   NAME" or "FAIL NAME" (with the end of its log);
# the last line is "interop: N passed, M failed".  Exit 1 if any failed.
# Also printed, not checked: h2load requests/s and the server's user CPU
# time per request (from h2server --stats).
#
# Needs: nghttp2-client, nghttp2-server, curl, python3-h2, valgrind (the
# leak check is skipped for sanitizer builds, whose own leak check runs at
# the server's exit instead).
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: tests/interop/run.sh BUILD_DIR}
build=$(cd "$build" && pwd)
server=$build/examples/h2server
client=$build/examples/h2client
python=/usr/bin/python3 # Debian's, where python3-h2 lives
nghttpd=$(command -v nghttpd || echo /usr/sbin/nghttpd)

T=$(mktemp -d "${TMPDIR:-/tmp}/h2interop.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
log=$T/log

# check NAME CMD...: run CMD with its output in $log; ok if it returns 0.
check() {
    local name=$1
    shift
    : >"$log"
    if "$@" >>"$log" 2>&1; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        tail -n 20 "$log" | sed 's/^/     | /'
        failed=$((failed + 1))
    fi
}

# A command that must exist; a missing one fails its checks (CI installs them).
need() {
    command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || {
        echo "$1 is not installed"
        return 1
    }
}

for prog in "$server" "$client"; do
    if [ ! -x "$prog" ]; then
        echo "missing $prog (build with -DH2CODEC_BUILD_EXAMPLES=ON)"
        echo "interop: 0 passed, 1 failed"
        exit 1
    fi
done

# ---------------------------------------------------------------------------
# Fixtures: a document root with an index, a 1 MiB file, a subdirectory,
# and a file beside the root that traversal must not reach.
root=$T/root
mkdir -p "$root/sub"
printf '<!DOCTYPE html>\n<title>interop</title>\n<p>index of the test root</p>\n' >"$root/index.html"
printf 'sub index\n' >"$root/sub/index.html"
head -c 1048576 /dev/urandom >"$root/big.bin"
head -c 200000 /dev/urandom >"$T/post.bin"
printf 'secret\n' >"$T/secret.txt"
cat "$root/index.html" "$root/big.bin" >"$T/index+big"

files_port="" files_pid="" builtin_port="" builtin_pid=""
measure_port="" measure_pid="" vg_port="" vg_pid=""

# start_server VAR CMD...: run CMD (a server printing "listening on
# 127.0.0.1:PORT") in the background;
# sets VAR_port and VAR_pid.  Output in $T/VAR.out, $T/VAR.err.
start_server() {
    local var=$1 port="" pid
    shift
    # --foreground: SIGTERM goes to the server alone, not to its process
    # group; -k 10: a server still alive 10 s after SIGTERM gets SIGKILL.
    timeout --foreground -k 10 900 "$@" >"$T/$var.out" 2>"$T/$var.err" &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 200); do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$T/$var.out")
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    printf -v "${var}_pid" %s "$pid"
    printf -v "${var}_port" %s "$port"
    [ -n "$port" ] || {
        echo "h2server did not start: $*"
        cat "$T/$var.err"
        return 1
    }
}

# term_server PID: SIGTERM, then the exit status (must be 0; 137 if the
# server had to be killed).
term_server() {
    kill -TERM "$1" 2>/dev/null
    wait "$1"
}

start_server files "$server" --port 0 --root "$root" || true
start_server builtin "$server" --port 0 || true
F=http://127.0.0.1:${files_port:-1}
B=http://127.0.0.1:${builtin_port:-1}

# ---------------------------------------------------------------------------
# nghttp
t_nghttp_get() {
    need nghttp || return 1
    timeout 30 nghttp "$F/" >"$T/out" || return 1
    cmp "$T/out" "$root/index.html"
}
t_nghttp_head() {
    need nghttp || return 1
    timeout 30 nghttp -v -H ':method: HEAD' "$F/big.bin" >"$T/out" || return 1
    cat "$T/out"
    grep -q ':status: 200' "$T/out" && grep -q 'content-length: 1048576' "$T/out" &&
        ! grep -q 'recv DATA' "$T/out"
}
t_nghttp_post() {
    need nghttp || return 1
    timeout 30 nghttp -d "$T/post.bin" "$F/echo" >"$T/out" || return 1
    cmp "$T/out" "$T/post.bin"
}
t_nghttp_big() {
    need nghttp || return 1
    timeout 60 nghttp "$F/big.bin" >"$T/out" || return 1
    cmp "$T/out" "$root/big.bin"
}
t_nghttp_continuation() {
    need nghttp || return 1
    # 30000 random base64 characters: about 22 KB after Huffman, more than a
    # 16384-octet frame, so the header block needs CONTINUATION frames.
    local big
    big=$(head -c 22500 /dev/urandom | base64 -w0)
    timeout 30 nghttp -v -H "x-big: $big" "$F/" >"$T/out" || return 1
    grep -q ':status: 200' "$T/out" && grep -q 'index of the test root' "$T/out"
}
t_nghttp_many() {
    need nghttp || return 1
    timeout 60 nghttp -n -v -m 100 "$F/" >"$T/out" || return 1
    local n
    n=$(grep -c ':status: 200' "$T/out")
    echo "$n responses with status 200 of 100"
    [ "$n" -eq 100 ]
}
t_nghttp_many_big() {
    need nghttp || return 1
    timeout 60 nghttp -n -v -m 8 "$F/big.bin" >"$T/out" || return 1
    local n
    n=$(grep -c ':status: 200' "$T/out")
    echo "$n responses with status 200 of 8"
    [ "$n" -eq 8 ]
}
check "nghttp GET / (index.html)" t_nghttp_get
check "nghttp HEAD /big.bin: content-length, no body" t_nghttp_head
check "nghttp POST /echo -d (200 KB)" t_nghttp_post
check "nghttp GET 1 MiB file" t_nghttp_big
check "nghttp 30 KB header (CONTINUATION)" t_nghttp_continuation
check "nghttp -m 100 concurrent requests" t_nghttp_many
check "nghttp -m 8 concurrent 1 MiB downloads" t_nghttp_many_big

# ---------------------------------------------------------------------------
# curl
curl_h2() { timeout 30 curl -sS --http2-prior-knowledge "$@"; }
t_curl_builtin() {
    need curl || return 1
    curl_h2 -o "$T/out" -w '%{http_code} %{http_version}\n' "$B/" >"$T/code" || return 1
    cat "$T/code"
    [ "$(cat "$T/code")" = "200 2" ] && grep -q 'h2server' "$T/out"
}
t_curl_file() {
    need curl || return 1
    curl_h2 -o "$T/out" "$F/sub/" && cmp "$T/out" "$root/sub/index.html"
}
t_curl_post() {
    need curl || return 1
    curl_h2 --data-binary "@$T/post.bin" -o "$T/out" "$B/echo" && cmp "$T/out" "$T/post.bin"
}
t_curl_put() {
    need curl || return 1
    printf 'put body' >"$T/put.txt"
    curl_h2 -T "$T/put.txt" -o "$T/out" "$F/echo" && cmp "$T/out" "$T/put.txt"
}
t_curl_404() {
    need curl || return 1
    local a b
    a=$(curl_h2 -o /dev/null -w '%{http_code}' "$B/missing") || return 1
    b=$(curl_h2 -o /dev/null -w '%{http_code}' "$F/missing.html") || return 1
    echo "built-in $a, files $b"
    [ "$a" = 404 ] && [ "$b" = 404 ]
}
t_curl_traversal() {
    need curl || return 1
    local p code
    for p in /../secret.txt /sub/../../secret.txt /%2e%2e/secret.txt /sub/%2E%2E/%2e%2e/secret.txt; do
        code=$(curl_h2 --path-as-is -o "$T/out" -w '%{http_code}' "$F$p") || return 1
        echo "$p -> $code"
        [ "$code" = 404 ] || return 1
        ! grep -q secret "$T/out" || return 1
    done
}
t_curl_post_big() {
    need curl || return 1
    # 1 MiB: sixteen times the initial window, in both directions.
    curl_h2 --data-binary "@$root/big.bin" -o "$T/out" "$B/echo" && cmp "$T/out" "$root/big.bin"
}
t_curl_abort() {
    need curl || return 1
    # curl gives up on an upload that stalls after one octet (RST_STREAM
    # on the open stream); the server must serve the next connection as
    # before.  (A download on loopback ends before any --max-time.)
    { printf x; sleep 1.5; } | curl_h2 -T - --max-time 0.5 -o /dev/null "$F/echo"
    local rc=${PIPESTATUS[1]}
    echo "curl --max-time 0.5: exit status $rc"
    [ "$rc" -eq 28 ] || return 1
    curl_h2 -o "$T/out" "$F/" && cmp "$T/out" "$root/index.html"
}
check "curl GET / (built-in page)" t_curl_builtin
check "curl GET /sub/ (directory index)" t_curl_file
check "curl POST /echo (200 KB)" t_curl_post
check "curl PUT /echo" t_curl_put
check "curl 404" t_curl_404
check "curl .. traversal refused" t_curl_traversal
check "curl POST /echo (1 MiB)" t_curl_post_big
check "curl --max-time 0.5 mid-upload, then a request" t_curl_abort

# ---------------------------------------------------------------------------
# h2load
h2load_ok() { # h2load_ok N FILE: N succeeded, 0 failed, 0 errored
    grep -Eq "^requests: $1 total, $1 started, $1 done, $1 succeeded, 0 failed, 0 errored" "$2"
}
t_h2load() {
    need h2load || return 1
    timeout 120 h2load -n 2000 -c 4 -m 10 "$F/" >"$T/h2load" || return 1
    grep -E '^(finished|requests|status codes):' "$T/h2load"
    h2load_ok 2000 "$T/h2load"
}
t_h2load_big() {
    need h2load || return 1
    timeout 120 h2load -n 40 -c 2 -m 4 "$F/big.bin" >"$T/h2load" || return 1
    grep -E '^(finished|requests|status codes|traffic):' "$T/h2load"
    h2load_ok 40 "$T/h2load"
}
t_h2load_streams() {
    need h2load || return 1
    # -m 150 on one connection, past the server's 100 concurrent streams:
    # h2load keeps to the limit it is told, and nothing fails.
    timeout 120 h2load -n 600 -c 1 -m 150 "$F/" >"$T/h2load" || return 1
    grep -E '^(finished|requests|status codes):' "$T/h2load"
    h2load_ok 600 "$T/h2load"
}
check "h2load -n 2000 -c 4 -m 10: none failed" t_h2load
check "h2load -n 600 -c 1 -m 150 (server limit 100): none failed" t_h2load_streams
check "h2load -n 40 -c 2 -m 4 of the 1 MiB file: none failed" t_h2load_big

# ---------------------------------------------------------------------------
# python3-h2 4.1: h2_client.py (requests), h2_flow.py (flow control,
# settings, resets, HPACK table sizes) against the file server;
# h2_server.py serves the example client.
# run_py SCRIPT ARGS...: its "ok"/"FAIL" lines count as checks.
run_py() {
    : >"$log"
    timeout 120 "$python" -c 'import h2' >/dev/null 2>&1 || echo "FAIL python3-h2 is not installed" >"$log"
    [ -s "$log" ] || timeout 120 "$python" "$here/$1" "${@:2}" >"$log" 2>&1
    local rc=$? ok bad
    cat "$log"
    ok=$(grep -c '^ok ' "$log")
    bad=$(grep -c '^FAIL ' "$log")
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
        echo "FAIL $1 exited with status $rc"
        failed=$((failed + 1))
    fi
}
run_py h2_client.py "${files_port:-1}" "$root/index.html"
run_py h2_flow.py "${files_port:-1}" "$root"
run_py h2_server.py "$client"
# Graceful shutdown: SIGTERM to a server of its own mid-download; then it
# must exit 0 once that connection is done.
grace_port="" grace_pid=""
start_server grace "$server" --port 0 --root "$root" || true
run_py h2_flow.py "${grace_port:-1}" "$root" --term "${grace_pid:-0}"
t_grace_exit() {
    local rc=0
    [ -n "$grace_pid" ] || return 1
    # h2_flow.py sent the SIGTERM, unless it failed first; the server has
    # 5 s to end.  One still running after 15 s fails, and gets a SIGTERM
    # from here: otherwise wait would block until timeout's 900 s, as long
    # as ctest's limit for all of interop_peers.
    for _ in $(seq 150); do
        kill -0 "$grace_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$grace_pid" 2>/dev/null; then
        echo "still running 15 s after the graceful shutdown check"
        kill -TERM "$grace_pid"
        rc=1
    fi
    wait "$grace_pid" || rc=$?
    echo "exit status $rc"
    cat "$T/grace.err"
    [ $rc -eq 0 ]
}
check "h2server exits 0 after the graceful shutdown" t_grace_exit

# ---------------------------------------------------------------------------
# The example client against the example server.
t_own_many() {
    local urls=() i
    for i in $(seq 30); do urls+=("$F/?n=$i"); done
    timeout 30 "$client" "${urls[@]}" "$F/big.bin" >"$T/out" || return 1
    { for i in $(seq 30); do cat "$root/index.html"; done; cat "$root/big.bin"; } | cmp - "$T/out"
}
t_own_post() {
    timeout 30 "$client" --data "$root/big.bin" "$B/echo" "$B/echo" >"$T/out" || return 1
    cat "$root/big.bin" "$root/big.bin" | cmp - "$T/out"
}
check "h2client -> h2server: 31 URLs on one connection" t_own_many
check "h2client -> h2server: two 1 MiB POSTs to /echo" t_own_post

# ---------------------------------------------------------------------------
# The servers must still be up, then exit cleanly (status 0) on SIGTERM.
t_term() {
    kill -0 "$1" || {
        echo "the server died during the checks"
        cat "$2"
        return 1
    }
    term_server "$1" || {
        echo "exit status $?"
        cat "$2"
        return 1
    }
}
check "h2server (files) alive, exits 0 on SIGTERM" t_term "${files_pid:-0}" "$T/files.err"
check "h2server (built-in) alive, exits 0 on SIGTERM" t_term "${builtin_pid:-0}" "$T/builtin.err"

# ---------------------------------------------------------------------------
# Measured, not checked: h2load throughput and the server's CPU time per
# request, on a server of its own with --stats (getrusage at exit).  The
# kernel splits CPU time into user and system by tick sampling, so at this
# scale the split is rough while the total is exact.
t_measure() {
    need h2load || return 1
    start_server measure "$server" --port 0 --stats || return 1
    timeout 120 h2load -n 100000 -c 4 -m 10 "http://127.0.0.1:$measure_port/" >"$T/h2load"
    local rc=$?
    term_server "$measure_pid"
    cat "$T/h2load" "$T/measure.err"
    [ $rc -eq 0 ] && h2load_ok 100000 "$T/h2load" || return 1
    local rps user sys reqs
    rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$T/h2load")
    user=$(sed -n 's/.* user_us=\([0-9]*\) .*/\1/p' "$T/measure.err")
    sys=$(sed -n 's/.* sys_us=\([0-9]*\) .*/\1/p' "$T/measure.err")
    reqs=$(sed -n 's/.* requests=\([0-9]*\) .*/\1/p' "$T/measure.err")
    awk -v r="$rps" -v u="$user" -v s="$sys" -v n="$reqs" 'BEGIN {
        printf "measure: h2load -n 100000 -c 4 -m 10: %s req/s; h2server CPU per request:", r
        printf " user %.2f us, system %.2f us, total %.2f us (%d requests)\n", u / n, s / n, (u + s) / n, n
    }' >"$T/measure"
}
check "h2load -n 100000 -c 4 -m 10 (measured): none failed" t_measure
[ -s "$T/measure" ] && cat "$T/measure"

# ---------------------------------------------------------------------------
# No leak, no invalid access: the file server under valgrind, a little of
# everything, then SIGTERM.  Sanitizer builds check leaks at exit instead
# (the SIGTERM checks above).
if ldd "$server" 2>/dev/null | grep -Eq 'lib(asan|tsan|msan|ubsan)'; then
    echo "skip valgrind: sanitizer build (its leak check ran at the servers' exit)"
else
    t_valgrind() {
        need valgrind || return 1
        start_server vg valgrind -q --leak-check=full --show-leak-kinds=all \
            --errors-for-leak-kinds=all --error-exitcode=99 \
            "$server" --port 0 --root "$root" || return 1
        local u=http://127.0.0.1:$vg_port ok=1
        timeout 60 nghttp -n -m 20 "$u/" "$u/big.bin" || ok=0
        timeout 60 curl -sS --http2-prior-knowledge --data-binary "@$T/post.bin" -o /dev/null "$u/echo" || ok=0
        timeout 60 curl -sS --http2-prior-knowledge -o /dev/null "$u/missing" || ok=0
        timeout 60 h2load -n 200 -c 2 -m 10 "$u/" >/dev/null || ok=0
        timeout 60 "$python" "$here/h2_client.py" "$vg_port" "$root/index.html" || ok=0
        term_server "$vg_pid" || {
            echo "valgrind: exit status $?"
            ok=0
        }
        # Valgrind's own notes ("--PID-- WARNING: unhandled syscall 437", i.e.
        # openat2, which the server then replaces by openat) are not findings.
        grep -v '^--[0-9]*-- ' "$T/vg.err" >"$T/vg.findings"
        cat "$T/vg.findings"
        [ $ok = 1 ] && [ ! -s "$T/vg.findings" ]
    }
    check "h2server under valgrind: no error, no leak" t_valgrind
fi

# ---------------------------------------------------------------------------
# The example client against nghttpd --no-tls.
free_port() {
    timeout 10 "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# start_nghttpd VAR OPTIONS...: nghttpd --no-tls on a free port, with
# OPTIONS; sets VAR_port (empty if nghttpd is missing) once it accepts.
start_nghttpd() {
    local var=$1 port=""
    shift
    if [ -x "$nghttpd" ]; then
        port=$(free_port)
        timeout --foreground -k 10 900 "$nghttpd" --no-tls --echo-upload -a 127.0.0.1 -d "$root" \
            "$@" "$port" >"$T/$var.out" 2>&1 &
        pids+=("$!")
        for _ in $(seq 100); do
            timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && break
            sleep 0.05
        done
    fi
    printf -v "${var}_port" %s "$port"
}
nghttpd_port="" tight_port=""
start_nghttpd nghttpd
N=http://127.0.0.1:${nghttpd_port:-1}
# A second nghttpd that is hard to talk to: stream windows of 15 octets
# and a connection window of 1023 (-w and -W give 2^N - 1) for what the
# client sends, one stream at a time, an HPACK table size of 0 for the
# client's encoder, and a trailer on every response.
start_nghttpd tight -w 4 -W 10 -m 1 -c 0 --trailer 'x-trailer: yes'
NT=http://127.0.0.1:${tight_port:-1}
t_client_two() {
    [ -n "$nghttpd_port" ] || need "$nghttpd" || return 1
    timeout 30 "$client" -v "$N/index.html" "$N/big.bin" >"$T/out" 2>"$T/err" || {
        cat "$T/err"
        return 1
    }
    grep -c ':status: 200' "$T/err"
    [ "$(grep -c ':status: 200' "$T/err")" -eq 2 ] && cmp "$T/out" "$T/index+big"
}
t_client_post() {
    [ -n "$nghttpd_port" ] || need "$nghttpd" || return 1
    timeout 30 "$client" --data "$T/post.bin" "$N/echo" >"$T/out" || return 1
    cmp "$T/out" "$T/post.bin"
}
t_client_posts() {
    [ -n "$nghttpd_port" ] || need "$nghttpd" || return 1
    timeout 30 "$client" --data "$root/big.bin" "$N/echo" "$N/echo" "$N/echo" >"$T/out" || return 1
    cat "$root/big.bin" "$root/big.bin" "$root/big.bin" | cmp - "$T/out"
}
t_client_404() {
    [ -n "$nghttpd_port" ] || need "$nghttpd" || return 1
    timeout 30 "$client" "$N/index.html" "$N/missing" >"$T/out" 2>"$T/err"
    local rc=$?
    cat "$T/err"
    [ $rc -eq 0 ] && grep -q 'status 404' "$T/err"
}
t_client_hosts() {
    timeout 10 "$client" "$N/" "http://127.0.0.1:1/" >/dev/null 2>"$T/err"
    local rc=$?
    cat "$T/err"
    [ $rc -eq 2 ]
}
t_client_refused() {
    timeout 10 "$client" "http://127.0.0.1:$(free_port)/" >/dev/null 2>"$T/err"
    local rc=$?
    cat "$T/err"
    [ $rc -eq 1 ]
}
t_client_tight() {
    [ -n "$tight_port" ] || need "$nghttpd" || return 1
    timeout 30 "$client" -v "$NT/index.html" "$NT/big.bin" "$NT/index.html" >"$T/out" 2>"$T/err" || {
        cat "$T/err"
        return 1
    }
    grep -c 'x-trailer: yes' "$T/err"
    [ "$(grep -c '^\[[0-9]*\] x-trailer: yes' "$T/err")" -eq 3 ] &&
        cat "$T/index+big" "$root/index.html" | cmp - "$T/out" || return 1
    head -c 50000 "$T/post.bin" >"$T/post50k"
    timeout 30 "$client" --data "$T/post50k" "$NT/echo" "$NT/echo" >"$T/out" || return 1
    cat "$T/post50k" "$T/post50k" | cmp - "$T/out"
}
check "h2client -> nghttpd: two URLs on one connection" t_client_two
check "h2client -> nghttpd: POST --data (200 KB)" t_client_post
check "h2client -> nghttpd: three 1 MiB POSTs multiplexed" t_client_posts
check "h2client -> nghttpd: 404 reported, exit 0" t_client_404
check "h2client -> nghttpd -w 4 -W 10 -m 1 -c 0, trailers: GETs, POSTs" t_client_tight
check "h2client: URLs on two ports refused (exit 2)" t_client_hosts
check "h2client: connection refused (exit 1)" t_client_refused

echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
