#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Recording TCP relay for the real-peer test.

usage: relay.py PORTFILE TARGET_PORT OUTDIR MAX_CONNECTIONS

Listens on 127.0.0.1 (an ephemeral port, written to PORTFILE), forwards every
connection to 127.0.0.1:TARGET_PORT, and records each direction of
connection N to OUTDIR/N.c2s and OUTDIR/N.s2c.  Exits after MAX_CONNECTIONS
connections have closed, or after 60 seconds whatever happens.
"""
import os
import selectors
import socket
import sys
import time


def main():
    portfile, target, outdir, maxconn = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(8)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(lsock.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)

    sel = selectors.DefaultSelector()
    sel.register(lsock, selectors.EVENT_READ, None)
    conns, closed, deadline = 0, 0, time.time() + 60
    while closed < maxconn and time.time() < deadline:
        for key, _ in sel.select(timeout=0.5):
            if key.data is None:
                client, _ = lsock.accept()
                server = socket.create_connection(("127.0.0.1", target))
                conns += 1
                files = [open(os.path.join(outdir, "%d.c2s" % conns), "wb"),
                         open(os.path.join(outdir, "%d.s2c" % conns), "wb")]
                pair = {"alive": 2}
                sel.register(client, selectors.EVENT_READ, (server, files[0], pair))
                sel.register(server, selectors.EVENT_READ, (client, files[1], pair))
                continue
            src = key.fileobj
            dst, rec, pair = key.data
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if data:
                rec.write(data)
                rec.flush()
                try:
                    dst.sendall(data)
                except OSError:
                    pass
                continue
            sel.unregister(src)
            rec.close()
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            pair["alive"] -= 1
            if pair["alive"] == 0:
                closed += 1
                src.close()
                dst.close()
    return 0 if closed >= maxconn else 1


if __name__ == "__main__":
    sys.exit(main())
