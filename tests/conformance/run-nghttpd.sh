#!/bin/bash
# SPDX-License-Identifier: MIT
# usage: tests/conformance/run-nghttpd.sh [h2conform.py options...]
#
# Self-check of the conformance suite against a reference server: starts
# nghttpd (Debian package nghttp2-server) in cleartext on a free loopback
# port, serving a generated index.html and echoing POST/PUT bodies
# (--echo-upload), runs h2conform.py against it with the deviations listed
# under KNOWN_NGHTTPD_DEVIATIONS in README.md expected to fail, stops the
# server, and exits with the suite's status: non-zero if a case failed
# unexpectedly or a listed deviation passed.  Extra options go to the suite
# (e.g. --only REGEX, -v).
set -u
here=$(cd "$(dirname "$0")" && pwd)
nghttpd=$(command -v nghttpd || echo /usr/sbin/nghttpd)
if [ ! -x "$nghttpd" ]; then
    echo "run-nghttpd: nghttpd not found (apt-get install nghttp2-server)" >&2
    exit 2
fi
tmp=$(mktemp -d /tmp/h2conform.XXXXXX)
pid=
# shellcheck disable=SC2317  # called through trap
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir "$tmp/htdocs"
# A page of a few KiB, so that flow-control cases have a body to hold back.
python3 -c '
import sys
sys.stdout.write("<!doctype html><title>h2conform</title>\n")
for i in range(40):
    sys.stdout.write("<p>line %d %s</p>\n" % (i, "x" * 40))
' >"$tmp/htdocs/index.html"

# The deviation list is kept in one place, the README.
# shellcheck disable=SC2016  # the backquotes are Markdown, not expansions
sed -n '/^## KNOWN_NGHTTPD_DEVIATIONS/,/^## [^K]/p' "$here/README.md" |
    sed -n 's/^- `\([^`]*\)`.*/\1/p' >"$tmp/expected-failures"
if [ ! -s "$tmp/expected-failures" ]; then
    echo "run-nghttpd: no KNOWN_NGHTTPD_DEVIATIONS list found in $here/README.md" >&2
    exit 2
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
accepting() {
    python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$1" 2>/dev/null
}

ready=
for _ in 1 2 3; do
    port=$(free_port)
    "$nghttpd" --no-tls --echo-upload -a 127.0.0.1 -d "$tmp/htdocs" "$port" >"$tmp/nghttpd.log" 2>&1 &
    pid=$!
    for _ in $(seq 50); do
        if accepting "$port"; then ready=1; break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$ready" ] && break
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
done
if [ -z "$ready" ]; then
    echo "run-nghttpd: nghttpd did not start; its log:" >&2
    cat "$tmp/nghttpd.log" >&2
    exit 2
fi

echo "run-nghttpd: $("$nghttpd" --version 2>&1 | head -1) on 127.0.0.1:$port (pid $pid)" >&2
timeout 120 python3 "$here/h2conform.py" --host 127.0.0.1 --port "$port" --server-pid "$pid" \
    --expect-fail-file "$tmp/expected-failures" "$@"
rc=$?
if ! kill -0 "$pid" 2>/dev/null; then
    echo "run-nghttpd: nghttpd exited during the run; its log:" >&2
    tail -20 "$tmp/nghttpd.log" >&2
    rc=1
fi
exit $rc
