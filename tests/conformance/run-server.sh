#!/bin/bash
# SPDX-License-Identifier: MIT
# usage: tests/conformance/run-server.sh H2SERVER [h2conform.py options...]
#
# Runs the conformance suite against h2codec's example server: starts
# H2SERVER (examples/h2server) on a free loopback port with a generated
# document root, runs h2conform.py against it with no expected failures,
# stops the server and exits with the suite's status.  The server must also
# exit cleanly on SIGTERM: under a sanitizer build, a leak or an error
# found at exit fails the run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
server=${1:?usage: run-server.sh H2SERVER [options]}
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/h2conform.XXXXXX")
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

"$server" --port 0 --host 127.0.0.1 --root "$tmp/htdocs" >"$tmp/server.out" 2>"$tmp/server.err" &
pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -nE 's/^listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$tmp/server.out" | head -1)
    [ -n "$port" ] && break
    sleep 0.05
done
if [ -z "$port" ]; then
    echo "run-server: $server did not report a port" >&2
    cat "$tmp/server.err" >&2
    exit 2
fi

timeout 600 python3 "$here/h2conform.py" --host 127.0.0.1 --port "$port" "$@"
rc=$?
kill -TERM "$pid" 2>/dev/null
wait "$pid"
src=$?
pid=
if [ "$src" -ne 0 ]; then
    echo "run-server: the server exited with status $src" >&2
    tail -30 "$tmp/server.err" >&2
    [ "$rc" -eq 0 ] && rc=1
fi
exit "$rc"
