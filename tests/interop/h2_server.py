#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The example client against a python-hyper h2 server (Debian python3-h2
4.1): large responses and uploads under flow control, settings changes,
trailers, resets, refused streams, GOAWAY below an open stream, HPACK table
size 0.

    h2_server.py H2CLIENT

Each check listens on a free loopback port, runs H2CLIENT with URLs on it
and serves the connection(s) in this process.  Prints one "ok NAME" or
"FAIL NAME: why" line per check; exits 1 if any failed.

python-h2 checks every DATA frame against the windows it gave and the
SETTINGS_MAX_FRAME_SIZE it announced, so an upload that oversteps them
fails the check.
"""
import os
import select
import socket
import subprocess
import sys
import tempfile

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.settings
import hpack

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
from h2_client import check, split_frames, block_fragment, table_size_update
import h2_client

SC = h2.settings.SettingCodes
TIMEOUT = 20
MAGIC = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


class Server:
    """One accepted connection.  on_request(server, sid, path, headers, body)
    is called when a request has ended; respond() queues an answer that the
    loop sends within the client's windows."""

    def __init__(self, sock, settings=None, on_request=None, on_data=None):
        self.sock = sock
        cfg = h2.config.H2Configuration(client_side=False, header_encoding=None)
        self.conn = h2.connection.H2Connection(config=cfg)
        if settings:
            values = dict(self.conn.local_settings)
            values.update(settings)
            self.conn.local_settings = h2.settings.Settings(client=False, initial_values=values)
            self.conn.max_inbound_frame_size = self.conn.local_settings.max_frame_size
        self.conn.initiate_connection()
        self.on_request = on_request
        self.on_data = on_data
        self.requests = {}  # sid -> [path, headers, body]
        self.pending = []  # [sid, data, trailers] still to send
        self.eof = False
        self.pings = 0
        self.acked = 0  # SETTINGS of ours the client acknowledged
        self.largest_data = 0
        self.raw = bytearray()
        self.magic = False
        self.frames = []  # (type, flags, sid) as the client sent them
        self.blocks = []  # (index in frames, header block) as the client sent them
        self._block = None
        self.flush()

    def flush(self):
        out = self.conn.data_to_send()
        if out and not self.eof:
            try:
                self.sock.sendall(out)
            except (BrokenPipeError, ConnectionResetError):
                self.eof = True  # the client is gone: what it did not take is checked elsewhere

    def respond(self, sid, body, status=b"200", trailers=None, extra=(), pad=None):
        """Answer sid; pad: octets of padding in every DATA frame."""
        self.conn.send_headers(sid, [(b":status", status),
                                     (b"content-length", str(len(body)).encode())] +
                               list(extra), end_stream=not body and not trailers)
        self.pending.append([sid, body, trailers, pad])
        self.pump()

    def pump(self):
        for p in list(self.pending):
            sid, body, trailers, pad = p
            cost = pad + 1 if pad is not None else 0  # the Pad Length octet, and padding
            while body:
                n = min(self.conn.local_flow_control_window(sid),
                        self.conn.max_outbound_frame_size) - cost
                n = min(n, len(body))
                if n <= 0:
                    break
                self.conn.send_data(sid, body[:n], end_stream=len(body) == n and not trailers,
                                    pad_length=pad)
                body = body[n:]
            p[1] = body
            if not body:
                if trailers:
                    self.conn.send_headers(sid, trailers, end_stream=True)
                self.pending.remove(p)
        self.flush()

    def sniff(self, data):
        self.raw += data
        if not self.magic:
            if len(self.raw) < len(MAGIC):
                return
            del self.raw[:len(MAGIC)]
            self.magic = True
        for ftype, flags, sid, payload in split_frames(self.raw):
            self.frames.append((ftype, flags, sid))
            if ftype == 1:
                self._block = [len(self.frames) - 1, block_fragment(ftype, flags, payload)]
            elif ftype == 9 and self._block is not None:
                self._block[1] += payload
            if ftype in (1, 9) and flags & 0x4 and self._block is not None:
                self.blocks.append(tuple(self._block))
                self._block = None

    def read_once(self, wait=TIMEOUT):
        r, _, _ = select.select([self.sock], [], [], wait)
        if not r:
            if wait == TIMEOUT:
                raise TimeoutError("the client sent nothing for %d s" % TIMEOUT)
            return
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            data = b""
        if not data:
            self.eof = True
            return
        self.sniff(data)
        for ev in self.conn.receive_data(data):
            self.handle(ev)
        self.pump()

    def handle(self, ev):
        if isinstance(ev, h2.events.RequestReceived):
            h = dict(ev.headers)
            self.requests[ev.stream_id] = [h.get(b":path"), h, bytearray()]
        elif isinstance(ev, h2.events.DataReceived):
            self.requests[ev.stream_id][2] += ev.data
            self.largest_data = max(self.largest_data, ev.flow_controlled_length)
            self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            if self.on_data:
                self.on_data(self, ev.stream_id)
        elif isinstance(ev, h2.events.StreamEnded):
            path, h, body = self.requests[ev.stream_id]
            if self.on_request:
                self.on_request(self, ev.stream_id, path, h, bytes(body))
        elif isinstance(ev, h2.events.PingAckReceived):
            self.pings += 1
        elif isinstance(ev, h2.events.SettingsAcknowledged):
            self.acked += 1

    def run(self, until=None):
        """Serve until the client closes the connection (or until())."""
        while not self.eof and not (until and until()):
            self.read_once()


def exchange(client, args, serve, conns=1):
    """Run client with args ({url} stands for the base URL) and serve(sock, n)
    for each of its connections; returns (status, stdout, stderr)."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(4)
    base = "http://127.0.0.1:%d" % lsock.getsockname()[1]
    errf = tempfile.TemporaryFile()
    outf = tempfile.TemporaryFile()
    proc = subprocess.Popen([client] + [a.replace("{url}", base) for a in args],
                            stdout=outf, stderr=errf)
    try:
        lsock.settimeout(TIMEOUT)
        for n in range(conns):
            sock, _ = lsock.accept()
            sock.settimeout(TIMEOUT)
            try:
                serve(sock, n)
            finally:
                sock.close()
        rc = proc.wait(TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        lsock.close()
    outf.seek(0)
    errf.seek(0)
    return rc, outf.read(), errf.read().decode(errors="replace")


def main():
    client = sys.argv[1]
    big = os.urandom(5 << 19)  # 2.5 MiB: more than the client's 1 MiB stream window
    upload = os.urandom(200000)
    tmp = tempfile.NamedTemporaryFile(prefix="h2upload")
    tmp.write(upload)
    tmp.flush()

    def expect(rc, out, err, status, body):
        if rc != status:
            return "exit status %d, not %d: %s" % (rc, status, err.strip()[-300:])
        if out != body:
            return "stdout: %d octets, not the %d expected" % (len(out), len(body))
        return None

    def big_downloads():
        # Two 2.5 MiB responses at once: the client's WINDOW_UPDATEs must
        # keep them going; a PING of ours is answered meanwhile.
        state = {}

        def serve(sock, n):
            s = Server(sock, on_request=lambda s, sid, p, h, b: s.respond(sid, big))
            s.conn.ping(b"12345678")
            s.flush()
            s.run()
            state["pings"] = s.pings

        rc, out, err = exchange(client, ["{url}/a", "{url}/b"], serve)
        if state.get("pings") != 1:
            return "PING answered %r times" % state.get("pings")
        return expect(rc, out, err, 0, big + big)

    def upload_small_windows():
        # POST 200 KB into SETTINGS_INITIAL_WINDOW_SIZE 16; raised to 65535
        # after 4 KB, lowered to 100 after 100 KB (windows go negative,
        # RFC 9113 6.9.2), raised again at 150 KB.
        def on_data(s, sid):
            got = len(s.requests[sid][2])
            for mark, size in ((4096, 65535), (100000, 100), (150000, 65535)):
                if got >= mark and mark not in s.marks:
                    s.marks.add(mark)
                    s.conn.update_settings({SC.INITIAL_WINDOW_SIZE: size})

        def serve(sock, n):
            s = Server(sock, on_request=lambda s, sid, p, h, b: s.respond(sid, b),
                       on_data=on_data)
            # Not in the initial values: python-h2 would hold the client to
            # 16 at once, but until our SETTINGS arrive it may send 65535.
            s.conn.update_settings({SC.INITIAL_WINDOW_SIZE: 16})
            s.flush()
            s.marks = set()
            s.run()

        rc, out, err = exchange(client, ["--data", tmp.name, "{url}/echo"], serve)
        return expect(rc, out, err, 0, upload)

    def upload_big_frames():
        # SETTINGS_MAX_FRAME_SIZE 1 MiB and windows to match: the client may
        # send DATA frames past 16384 octets.
        state = {}

        def serve(sock, n):
            s = Server(sock, {SC.MAX_FRAME_SIZE: 1 << 20, SC.INITIAL_WINDOW_SIZE: 1 << 20},
                       on_request=lambda s, sid, p, h, b: s.respond(sid, b))
            s.conn.increment_flow_control_window(4 << 20)
            s.flush()
            s.run()
            state["largest"] = s.largest_data

        rc, out, err = exchange(client, ["--data", tmp.name, "{url}/echo"], serve)
        print("     largest DATA frame from the client: %d octets" % state.get("largest", 0))
        return expect(rc, out, err, 0, upload)

    def trailers():
        def serve(sock, n):
            s = Server(sock, on_request=lambda s, sid, p, h, b: s.respond(
                sid, b"body\n", trailers=[(b"x-checksum", b"abc123")]))
            s.run()

        rc, out, err = exchange(client, ["-v", "{url}/t"], serve)
        why = expect(rc, out, err, 0, b"body\n")
        if not why and "[1] x-checksum: abc123" not in err:
            why = "trailers not reported: %s" % err.strip()[-300:]
        return why

    def reset_mid_response():
        # RST_STREAM INTERNAL_ERROR after part of a body: that request fails
        # (exit 1), the other one on the connection is still served.
        def on_request(s, sid, path, h, body):
            if path == b"/reset":
                s.conn.send_headers(sid, [(b":status", b"200")])
                s.conn.send_data(sid, b"partial")
                s.conn.reset_stream(sid, h2.errors.ErrorCodes.INTERNAL_ERROR)
                s.flush()
            else:
                s.respond(sid, b"fine\n")

        rc, out, err = exchange(client, ["{url}/reset", "{url}/ok"],
                                lambda sock, n: Server(sock, on_request=on_request).run())
        why = expect(rc, out, err, 1, b"fine\n")
        if not why and "INTERNAL_ERROR" not in err:
            why = "reset not reported: %s" % err.strip()[-300:]
        return why

    def refused_table_size_0():
        # SETTINGS_HEADER_TABLE_SIZE 0, and the first request on /r refused
        # (REFUSED_STREAM): the client asks again, and that header block,
        # made after our SETTINGS, opens with a table size update to 0 and
        # decodes with no dynamic table (RFC 7541 4.2).
        state = {"r": 0}

        def on_request(s, sid, path, h, body):
            if path == b"/r":
                state["r"] += 1
                if state["r"] == 1:
                    s.conn.reset_stream(sid, h2.errors.ErrorCodes.REFUSED_STREAM)
                    s.flush()
                    return
            s.respond(sid, path)

        def serve(sock, n):
            s = Server(sock, {SC.HEADER_TABLE_SIZE: 0}, on_request=on_request)
            s.run()
            state["server"] = s

        rc, out, err = exchange(client, ["{url}/r", "{url}/s"], serve)
        why = expect(rc, out, err, 0, b"/r/s")
        if why:
            return why
        s = state["server"]
        if state["r"] != 2:
            return "/r asked %d times, not 2" % state["r"]
        acks = [i for i, (t, f, sid) in enumerate(s.frames) if t == 4 and f & 1]
        if not acks:
            return "the client never acknowledged our SETTINGS"
        dec = hpack.Decoder()
        after = False
        for at, block in s.blocks:
            if at > acks[0] and not after:
                after = True
                upd = table_size_update(block)
                if upd != 0:
                    return "first block after SETTINGS ACK opens with update %r, not 0" % upd
                dec.max_allowed_table_size = 0
            try:
                dec.decode(block)
            except Exception as e:
                return "client header block: %s: %s" % (type(e).__name__, e)
        if not after:
            return "no header block after the SETTINGS ACK"
        return None

    def goaway_below_open():
        # Two requests (streams 1 and 3); GOAWAY NO_ERROR with last stream
        # id 1, stream 1 answered, the connection closed.  Stream 3 was not
        # processed (RFC 9113 6.8): the client asks again on a new
        # connection and exits 0.
        state = {"paths": []}

        def serve(sock, n):
            ended = []
            s = Server(sock, on_request=lambda s, sid, p, h, b: ended.append(sid))
            if n == 0:
                s.run(lambda: len(ended) == 2)
                state["paths"].append(sorted(v[0] for v in s.requests.values()))
                # python-h2 sends nothing after its own GOAWAY: this one goes raw.
                s.flush()
                s.sock.sendall(b"\x00\x00\x08\x07\x00\x00\x00\x00\x00" +
                               (1).to_bytes(4, "big") + bytes(4))
                s.respond(1, s.requests[1][0])
                # Until the client closes: closing first, with its frames
                # unread, would send it a TCP reset that can drop the
                # response from its buffers.
                s.run()
            else:
                s.on_request = lambda s, sid, p, h, b: s.respond(sid, p)
                s.run()
                state["paths"].append(sorted(v[0] for v in s.requests.values()))

        try:
            rc, out, err = exchange(client, ["{url}/one", "{url}/two"], serve, conns=2)
        except socket.timeout:
            return "no second connection for the unprocessed request"
        why = expect(rc, out, err, 0, b"/one/two")
        if not why and state["paths"] != [[b"/one", b"/two"], [b"/two"]]:
            why = "requests per connection: %r" % state["paths"]
        return why

    def padded_informational():
        # A 103 (Early Hints) before the response, and the 2.5 MiB body in
        # DATA frames padded by 255 octets: the client must give the
        # padding back to the windows too (RFC 9113 6.1), or it stalls.
        def on_request(s, sid, path, h, body):
            s.conn.send_headers(sid, [(b":status", b"103"), (b"link", b"</x.css>; rel=preload")])
            s.respond(sid, big, pad=255)

        rc, out, err = exchange(client, ["-v", "{url}/p"],
                                lambda sock, n: Server(sock, on_request=on_request).run())
        why = expect(rc, out, err, 0, big)
        if not why and "[1] :status: 103" not in err:
            why = "103 not reported: %s" % err.strip()[-300:]
        return why

    def early_response():
        # The server answers 413 and ends its side as soon as the request
        # headers of a 200 KB upload are in, before the body: the client
        # reports the status, stops sending (RST_STREAM NO_ERROR) and exits 0.
        state = {}

        def serve(sock, n):
            s = Server(sock)
            s.run(lambda: s.requests)
            sid = next(iter(s.requests))
            s.respond(sid, b"too large\n", status=b"413")
            s.run()
            state["server"] = s

        rc, out, err = exchange(client, ["--data", tmp.name, "{url}/echo"], serve)
        why = expect(rc, out, err, 0, b"too large\n")
        if not why and "status 413" not in err:
            why = "413 not reported: %s" % err.strip()[-300:]
        if not why and not any(t == 3 for t, f, sid in state["server"].frames):
            why = "no RST_STREAM from the client"
        return why

    def big_header_lists():
        # Response header lists of 30 KB (CONTINUATION frames) and of 70 KB,
        # past the client's SETTINGS_MAX_HEADER_LIST_SIZE of 64 KiB: that
        # response is lost (exit 1, reported), the other one is served.
        def on_request(s, sid, path, h, body):
            size = 70000 if path == b"/huge" else 30000
            s.respond(sid, path, extra=[(b"x-big", b"v" * size)])

        rc, out, err = exchange(client, ["{url}/huge", "{url}/big"],
                                lambda sock, n: Server(sock, on_request=on_request).run())
        why = expect(rc, out, err, 1, b"/big")
        if not why and "/huge: response header list too large" not in err:
            why = "not reported: %s" % err.strip()[-300:]
        return why

    def one_stream_at_a_time():
        # SETTINGS_MAX_CONCURRENT_STREAMS 1 (after the preface SETTINGS, so
        # it binds once acknowledged): the requests of the first flight,
        # sent before, are refused; the client asks again one at a time
        # (python-h2 ends the connection if a second stream opens).
        state = {"refused": 0}

        def on_request(s, sid, path, h, body):
            if s.acked < 2:
                state["refused"] += 1
                s.conn.reset_stream(sid, h2.errors.ErrorCodes.REFUSED_STREAM)
                s.flush()
            else:
                s.respond(sid, path)

        def serve(sock, n):
            s = Server(sock, on_request=on_request)
            s.conn.update_settings({SC.MAX_CONCURRENT_STREAMS: 1})
            s.flush()
            s.run()

        urls = ["{url}/%d" % i for i in range(6)]
        rc, out, err = exchange(client, urls, serve)
        print("     %d requests of the first flight refused" % state["refused"])
        return expect(rc, out, err, 0, b"".join(b"/%d" % i for i in range(6)))

    def two_per_connection():
        # A server that serves two requests a connection, as servers with a
        # request limit per connection do: GOAWAY naming the second stream,
        # those two answered, the rest left (RFC 9113 6.8).  Ten URLs take
        # five connections, and every request is answered once.
        state = {"served": []}

        def serve(sock, n):
            ended = []
            s = Server(sock, on_request=lambda s, sid, p, h, b: ended.append(sid))
            left = 10 - len(state["served"])
            s.run(lambda: len(ended) >= min(2, left))
            last = sorted(ended)[min(2, left) - 1]
            s.flush()
            s.sock.sendall(b"\x00\x00\x08\x07\x00\x00\x00\x00\x00" +
                           last.to_bytes(4, "big") + bytes(4))
            for sid in sorted(ended):
                if sid <= last:
                    state["served"].append(s.requests[sid][0])
                    s.respond(sid, s.requests[sid][0])
            s.run()

        urls = ["{url}/%d" % i for i in range(10)]
        try:
            rc, out, err = exchange(client, urls, serve, conns=5)
        except socket.timeout:
            return "fewer than 5 connections; served %r" % state["served"]
        why = expect(rc, out, err, 0, b"".join(b"/%d" % i for i in range(10)))
        if not why and sorted(state["served"]) != sorted(b"/%d" % i for i in range(10)):
            why = "served %r" % state["served"]
        return why

    check("h2client <- python-h2: two 2.5 MiB responses, PING", big_downloads)
    check("h2client <- python-h2: SETTINGS_MAX_CONCURRENT_STREAMS 1, first flight refused",
          one_stream_at_a_time)
    check("h2client <- python-h2: 103, then 2.5 MiB in padded DATA frames", padded_informational)
    check("h2client <- python-h2: 413 before the upload is sent", early_response)
    check("h2client <- python-h2: 30 KB and 70 KB response header lists", big_header_lists)
    check("h2client <- python-h2: 200 KB POST, INITIAL_WINDOW_SIZE 16, changed mid-upload",
          upload_small_windows)
    check("h2client <- python-h2: 200 KB POST, SETTINGS_MAX_FRAME_SIZE 1 MiB", upload_big_frames)
    check("h2client <- python-h2: response trailers", trailers)
    check("h2client <- python-h2: RST_STREAM mid-response, other stream served",
          reset_mid_response)
    check("h2client <- python-h2: REFUSED_STREAM retried, HPACK table size 0",
          refused_table_size_0)
    check("h2client <- python-h2: GOAWAY below an open stream, retried on a new connection",
          goaway_below_open)
    check("h2client <- python-h2: two requests a connection (GOAWAY), ten URLs",
          two_per_connection)
    return 1 if h2_client.failures else 0


if __name__ == "__main__":
    sys.exit(main())
