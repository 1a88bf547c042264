#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Flow control, settings, resets and HPACK table sizes against the example
server, driven by python-hyper h2 (Debian python3-h2 4.1).

    h2_flow.py PORT ROOT
    h2_flow.py PORT ROOT --term PID

ROOT is the server's --root, holding index.html and big.bin.  With --term,
only the graceful shutdown check runs: it sends SIGTERM to PID, the server,
with a download in flight.  Prints one
"ok NAME" or "FAIL NAME: why" line per check; exits 1 if any failed.

python-h2 checks every DATA frame against the windows it gave (a frame past
one is a FlowControlError) and every frame against its SETTINGS_MAX_FRAME_SIZE,
so these checks fail when the server oversteps either.
"""
import os
import select
import signal
import struct
import sys
import time

import h2.errors
import h2.settings
import hpack

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
from h2_client import Client, check, split_frames, block_fragment, table_size_update
import h2_client

SC = h2.settings.SettingCodes


class RawClient(Client):
    """A Client that also splits what it reads into frames, to look at the
    server's header blocks as sent."""

    def __init__(self, port, settings=None):
        self.raw = bytearray()
        self.blocks = []  # (stream id, header block) in arrival order
        self.data_frames = []  # (stream id, length) of every DATA frame
        self._block = None
        self.h2_off = False  # python-h2 is no longer fed (it takes no frame after GOAWAY)
        self.raw_body = bytearray()  # with h2_off: the DATA that came since
        self.raw_ended = False
        super().__init__(port, settings)

    def read_once(self):
        data = self.sock.recv(65536)
        if not data:
            self.eof = True
            raise EOFError("server closed the connection")
        self.raw += data
        for ftype, flags, sid, payload in split_frames(self.raw):
            if ftype == 0:
                self.data_frames.append((sid, len(payload)))
                if self.h2_off:
                    self.raw_body += payload  # the server pads nothing
                    self.raw_ended = bool(flags & 0x1)
            elif ftype == 1:
                self._block = [sid, block_fragment(ftype, flags, payload)]
            elif ftype == 9 and self._block is not None:
                self._block[1] += payload
            if ftype in (1, 9) and flags & 0x4 and self._block is not None:
                self.blocks.append(tuple(self._block))
                self._block = None
        if self.h2_off:
            return
        for ev in self.conn.receive_data(data):
            self.handle(ev)
        self.flush()

    def read_for(self, seconds):
        """Read whatever arrives for this long."""
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                self.read_once()

    def settle(self):
        """A PING round trip: everything the server sent before it is in."""
        n = len(self.pings)
        self.conn.ping(os.urandom(8))
        self.flush()
        self.wait(lambda: len(self.pings) > n)

    def get(self, path, end=True):
        sid, h = self.request(b"GET", path)
        self.conn.send_headers(sid, h, end_stream=end)
        self.flush()
        return sid


def status_of(s):
    return s["headers"].get(b":status") if s["headers"] else None


def main():
    port = int(sys.argv[1])
    root = sys.argv[2]
    with open(os.path.join(root, "index.html"), "rb") as f:
        index = f.read()
    with open(os.path.join(root, "big.bin"), "rb") as f:
        big = f.read()

    def window_1():
        # SETTINGS_INITIAL_WINDOW_SIZE 1: one-octet DATA frames, each after
        # our WINDOW_UPDATE of 1.
        c = RawClient(port, {SC.INITIAL_WINDOW_SIZE: 1})
        try:
            sid = c.get(b"/")
            s = c.wait_response(sid)
            if s["reset"] is not None:
                return "stream reset %d" % s["reset"]
            if bytes(s["body"]) != index:
                return "body differs (%d octets of %d)" % (len(s["body"]), len(index))
            sizes = {n for i, n in c.data_frames if i == sid and n}
            if sizes != {1}:
                return "DATA frame sizes %r, not all 1" % sorted(sizes)
        finally:
            c.close()
        return None

    def window_16_reset():
        # A 1 MiB download through a 16-octet window, reset by us after 2 KB
        # (RST_STREAM CANCEL, as curl and browsers do); then the connection
        # still serves a request, and the connection window is whole again.
        c = RawClient(port, {SC.INITIAL_WINDOW_SIZE: 16})
        try:
            sid = c.get(b"/big.bin")
            s = c.stream(sid)
            c.wait(lambda: len(s["body"]) >= 2048 or s["reset"] is not None)
            if s["reset"] is not None:
                return "stream reset %d" % s["reset"]
            if bytes(s["body"]) != big[:len(s["body"])]:
                return "body prefix differs"
            if max(n for i, n in c.data_frames if i == sid) > 16:
                return "a DATA frame passed the 16-octet window"
            c.conn.reset_stream(sid, h2.errors.ErrorCodes.CANCEL)
            c.flush()
            c.conn.update_settings({SC.INITIAL_WINDOW_SIZE: 65535})
            c.flush()
            sid2 = c.get(b"/")
            s2 = c.wait_response(sid2)
            if s2["reset"] is not None or status_of(s2) != b"200":
                return "request after the reset: status %r reset %r" % (status_of(s2),
                                                                       s2["reset"])
            if bytes(s2["body"]) != index:
                return "request after the reset: body differs"
        finally:
            c.close()
        return None

    def window_shrinks():
        # RFC 9113 6.9.2: SETTINGS_INITIAL_WINDOW_SIZE lowered while a stream
        # is open makes its window negative (1000 - 1000 - 800 = -800); a
        # WINDOW_UPDATE of 500 leaves it at -300, so nothing may come; one
        # of 400 more opens 100 octets, exactly.  Raising the setting then
        # opens the rest.
        c = RawClient(port, {SC.INITIAL_WINDOW_SIZE: 1000})
        c.auto_ack = False
        try:
            sid = c.get(b"/big.bin")
            s = c.stream(sid)
            c.wait(lambda: len(s["body"]) >= 1000 or s["reset"] is not None)
            if len(s["body"]) != 1000:
                return "first window: %d octets, not 1000" % len(s["body"])
            c.conn.update_settings({SC.INITIAL_WINDOW_SIZE: 200})
            c.flush()
            c.settle()  # the server has our SETTINGS (and acked them)
            c.conn.increment_flow_control_window(500, sid)
            c.flush()
            c.read_for(0.3)
            c.settle()
            if len(s["body"]) != 1000:
                return "%d octets came with the window at -300" % (len(s["body"]) - 1000)
            c.conn.increment_flow_control_window(400, sid)
            c.flush()
            # The 100 octets, however long a loaded machine takes (a PING
            # sent with the WINDOW_UPDATE may be answered before them),
            # then a while for any more (python-h2 refuses DATA past it).
            c.wait(lambda: len(s["body"]) >= 1100 or s["reset"] is not None)
            c.read_for(0.3)
            c.settle()
            if len(s["body"]) != 1100:
                return "%d octets came for a window of 100" % (len(s["body"]) - 1000)
            c.conn.update_settings({SC.INITIAL_WINDOW_SIZE: 1 << 20})
            c.flush()
            c.conn.increment_flow_control_window(8 << 20)
            c.flush()
            c.auto_ack = True
            s = c.wait_response(sid)
            if s["reset"] is not None:
                return "stream reset %d" % s["reset"]
            if bytes(s["body"]) != big:
                return "body differs (%d octets of %d)" % (len(s["body"]), len(big))
        finally:
            c.close()
        return None

    def window_grows_open_streams():
        # Three downloads stalled on a window of 0; a SETTINGS raising
        # SETTINGS_INITIAL_WINDOW_SIZE alone (no WINDOW_UPDATE) must start
        # them all.
        c = RawClient(port, {SC.INITIAL_WINDOW_SIZE: 0})
        try:
            sids = [c.get(b"/big.bin") for _ in range(3)]
            c.wait(lambda: all(c.stream(i)["headers"] for i in sids))
            c.settle()
            c.conn.update_settings({SC.INITIAL_WINDOW_SIZE: 1 << 20})
            c.flush()
            c.conn.increment_flow_control_window(8 << 20)
            c.flush()
            for i in sids:
                s = c.wait_response(i)
                if s["reset"] is not None:
                    return "stream %d reset %d" % (i, s["reset"])
                if bytes(s["body"]) != big:
                    return "stream %d: body differs" % i
        finally:
            c.close()
        return None

    def big_frames():
        # SETTINGS_MAX_FRAME_SIZE of 1 MiB and a window to match: frames may
        # grow past 16384 (python-h2 refuses any past the setting).
        c = RawClient(port, {SC.MAX_FRAME_SIZE: 1 << 20, SC.INITIAL_WINDOW_SIZE: 4 << 20})
        try:
            c.conn.increment_flow_control_window(8 << 20)
            sid = c.get(b"/big.bin")
            s = c.wait_response(sid)
            if s["reset"] is not None:
                return "stream reset %d" % s["reset"]
            if bytes(s["body"]) != big:
                return "body differs"
            print("     largest DATA frame: %d octets" %
                  max(n for i, n in c.data_frames if i == sid))
        finally:
            c.close()
        return None

    def header_list_limit():
        # A header list of exactly SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113
        # 6.5.2: name + value + 32 per field, pseudo-headers included) is
        # served; one octet more is answered 431.  The field needs
        # CONTINUATION frames.
        c = RawClient(port)
        try:
            c.wait(lambda: c.settings_seen)
            limit = c.conn.remote_settings.max_header_list_size
            for extra, want in ((0, b"200"), (1, b"431")):
                sid, h = c.request(b"GET", b"/")
                used = sum(len(n) + len(v) + 32 for n, v in h)
                h.append((b"x-fill", b"f" * (limit - used - len(b"x-fill") - 32 + extra)))
                c.conn.send_headers(sid, h, end_stream=True)
                c.flush()
                s = c.wait_response(sid)
                if s["reset"] is not None or status_of(s) != want:
                    return "list of limit%+d: status %r reset %r, not %s" % (
                        extra, status_of(s), s["reset"], want.decode())
        finally:
            c.close()
        return None

    def concurrency_limit():
        # SETTINGS_MAX_CONCURRENT_STREAMS: the stream past the limit is
        # refused (RFC 9113 5.1.2) and the connection lives on; the ones
        # under it are served.
        c = RawClient(port)
        try:
            c.wait(lambda: c.settings_seen)
            limit = c.conn.remote_settings.max_concurrent_streams
            if limit > 1000:
                return "server announced no usable limit (%d)" % limit
            # python-h2 keeps to the limit itself: lift it on our side only.
            c.conn.remote_settings[SC.MAX_CONCURRENT_STREAMS] = limit + 10
            c.conn.remote_settings.acknowledge()
            sids = []
            for _ in range(limit + 1):
                sid, h = c.request(b"POST", b"/echo")
                c.conn.send_headers(sid, h)
                sids.append(sid)
            c.flush()
            extra = c.stream(sids[-1])
            c.wait(lambda: extra["reset"] is not None or extra["headers"] is not None)
            if extra["reset"] not in (h2.errors.ErrorCodes.REFUSED_STREAM,
                                      h2.errors.ErrorCodes.PROTOCOL_ERROR):
                return "stream %d past the limit: reset %r headers %r" % (
                    sids[-1], extra["reset"], extra["headers"])
            for sid in sids[:-1]:
                c.conn.send_data(sid, b"x", end_stream=True)
            c.flush()
            for sid in sids[:-1]:
                s = c.wait_response(sid)
                if s["reset"] is not None or bytes(s["body"]) != b"x":
                    return "stream %d under the limit: reset %r body %r" % (
                        sid, s["reset"], bytes(s["body"][:20]))
        finally:
            c.close()
        return None

    def hpack_table_sizes():
        # SETTINGS_HEADER_TABLE_SIZE 0 from the start, then 4096, then 100,
        # then 0 and 4096 in two SETTINGS between blocks: after a decrease
        # the next header block must open with a dynamic table size update
        # no larger than the smallest size set (RFC 7541 4.2), and the
        # blocks must decode with a table of the size we allow.
        c = RawClient(port, {SC.HEADER_TABLE_SIZE: 0})
        dec = hpack.Decoder()
        dec.header_table_size = 0
        dec.max_allowed_table_size = 0
        seen, before = 0, 4096  # the server's table starts at 4096
        try:
            for step, sizes in enumerate(((0,), (4096,), (100,), (0, 4096))):
                if step:
                    for size in sizes:
                        c.conn.update_settings({SC.HEADER_TABLE_SIZE: size})
                        c.flush()
                    c.settle()
                for n in range(3):
                    sid = c.get(b"/?n=%d" % n)
                    s = c.wait_response(sid)
                    if status_of(s) != b"200":
                        return "status %r" % status_of(s)
                allowed, smallest = sizes[-1], min(sizes)
                if len(c.blocks) - seen < 3:  # else the checks below pass on nothing
                    return "%d header blocks seen for 3 responses" % (len(c.blocks) - seen)
                first = True
                for sid, block in c.blocks[seen:]:
                    upd = table_size_update(block)
                    if first and smallest < before and (upd is None or upd > smallest):
                        return "first block after SETTINGS_HEADER_TABLE_SIZE %r: update %r" % (
                            sizes, upd)
                    first = False
                    dec.max_allowed_table_size = allowed
                    try:
                        dec.decode(block)
                    except Exception as e:
                        return "block with table size %d: %s: %s" % (allowed, type(e).__name__, e)
                seen, before = len(c.blocks), allowed
        finally:
            c.close()
        return None

    def goaway_in_flight():
        # Our GOAWAY (NO_ERROR, last stream 0) while a 1 MiB download runs:
        # the server finishes the download, then closes the connection.
        c = RawClient(port)
        try:
            sid = c.get(b"/big.bin")
            s = c.stream(sid)
            c.wait(lambda: len(s["body"]) > 0)
            # python-h2 reads nothing after its own GOAWAY: send ours raw.
            c.sock.sendall(struct.pack(">I", 8)[1:] + b"\x07\x00\x00\x00\x00\x00" +
                           struct.pack(">II", 0, 0))
            try:
                c.wait_response(sid)
            except EOFError:
                return "closed after %d octets of %d" % (len(s["body"]), len(big))
            if s["reset"] is not None:
                return "stream reset %d" % s["reset"]
            if bytes(s["body"]) != big:
                return "body differs"
            c.read_to_eof()
            return None
        finally:
            c.close()

    def padded_upload():
        # DATA frames with 200 octets of padding each: padding counts
        # against the windows (RFC 9113 6.1), so the server must give it
        # back too, or the upload of 4 windows stalls.
        c = RawClient(port)
        try:
            c.wait(lambda: c.settings_seen)
            body = os.urandom(4 * 65535)
            sid, h = c.request(b"POST", b"/echo")
            c.conn.send_headers(sid, h)
            off = 0
            while off < len(body):
                room = min(c.conn.local_flow_control_window(sid), 16384) - 201
                if room <= 0:
                    c.read_once()
                    continue
                room = min(room, len(body) - off)
                c.conn.send_data(sid, body[off:off + room], end_stream=off + room == len(body),
                                 pad_length=200)
                off += room
                c.flush()
            s = c.wait_response(sid)
            if s["reset"] is not None or status_of(s) != b"200":
                return "status %r reset %r" % (status_of(s), s["reset"])
            if bytes(s["body"]) != body:
                return "echo differs"
        finally:
            c.close()
        return None

    def refused_body_then_more():
        # content-length past what /echo takes: 413 at once and the stream
        # reset (NO_ERROR) while our body is in flight.  The DATA that still
        # arrives must not end the connection and must be given back to
        # the connection window: a 200 KB upload after it succeeds.
        c = RawClient(port)
        try:
            c.wait(lambda: c.settings_seen)
            sid, h = c.request(b"POST", b"/echo", [(b"content-length", b"%d" % (64 << 20))])
            c.conn.send_headers(sid, h)
            c.flush()
            s = c.wait_response(sid)
            if status_of(s) != b"413":
                return "status %r, not 413" % status_of(s)
            # Body sent before we saw the reset: python-h2 sends nothing on a
            # reset stream, so it goes raw, charged to python-h2's window.
            for _ in range(3):
                c.sock.sendall((16000).to_bytes(3, "big") + b"\x00\x00" +
                               sid.to_bytes(4, "big") + os.urandom(16000))
                c.conn.outbound_flow_control_window -= 16000
            body = os.urandom(200000)
            sid2, h = c.request(b"POST", b"/echo")
            c.conn.send_headers(sid2, h)
            c.send_body(sid2, body)
            s2 = c.wait_response(sid2)
            if s2["reset"] is not None or bytes(s2["body"]) != body:
                return "upload after it: status %r reset %r" % (status_of(s2), s2["reset"])
        finally:
            c.close()
        return None

    def trailers_only_and_cookies():
        # A POST whose body is empty, ended by trailers (HEADERS, HEADERS
        # with END_STREAM); then a GET with its cookie split in crumbs
        # (RFC 9113 8.2.3).
        c = RawClient(port)
        try:
            sid, h = c.request(b"POST", b"/echo")
            c.conn.send_headers(sid, h)
            c.conn.send_headers(sid, [(b"x-trailer", b"1")], end_stream=True)
            c.flush()
            s = c.wait_response(sid)
            if s["reset"] is not None or status_of(s) != b"200" or s["body"]:
                return "trailers only: status %r reset %r" % (status_of(s), s["reset"])
            sid, h = c.request(b"GET", b"/", [(b"cookie", b"a=1"), (b"cookie", b"b=2")])
            c.conn.send_headers(sid, h, end_stream=True)
            c.flush()
            s = c.wait_response(sid)
            if s["reset"] is not None or bytes(s["body"]) != index:
                return "cookie crumbs: status %r reset %r" % (status_of(s), s["reset"])
        finally:
            c.close()
        return None

    def shutdown_in_flight():
        # SIGTERM while a 1 MiB download waits for our window: GOAWAY
        # NO_ERROR naming that stream (RFC 9113 6.8), the download still
        # completes once we open the window, then the server closes.
        c = RawClient(port)
        c.auto_ack = False
        try:
            sid = c.get(b"/big.bin")
            s = c.stream(sid)
            while len(s["body"]) < 65535:
                c.read_once()
            pid = int(sys.argv[4])
            if pid <= 0:  # 0 or -1 would signal a whole process group
                return "no server process id (%d)" % pid
            os.kill(pid, signal.SIGTERM)
            while c.terminated is None:
                c.read_once()
            t = c.terminated
            if t.error_code != 0 or t.last_stream_id != sid:
                return "GOAWAY %r last stream %r" % (t.error_code, t.last_stream_id)
            # python-h2 takes no frame after a GOAWAY: go on raw, with a
            # WINDOW_UPDATE of 1 MiB for the stream and the connection.
            c.h2_off = True
            c.raw_body[:0] = s["body"]
            for i in (sid, 0):
                c.sock.sendall(b"\x00\x00\x04\x08\x00" + i.to_bytes(4, "big") +
                               (1 << 20).to_bytes(4, "big"))
            while not c.raw_ended:
                c.read_once()
            if bytes(c.raw_body) != big:
                return "download after GOAWAY: %d octets of %d" % (len(c.raw_body), len(big))
            c.read_to_eof()
            return None
        finally:
            c.close()

    def linger_bounded():
        # After our GOAWAY the server shuts its side (EOF for us) and reads
        # on until our EOF, but not for ever: with ours never coming, it
        # closes within a few seconds, and a frame sent then meets a TCP
        # reset.
        c = RawClient(port)
        try:
            c.settle()
            c.conn.close_connection()
            c.flush()
            c.h2_off = True
            c.read_to_eof()
            time.sleep(3)
            ping = b"\x00\x00\x08\x06\x00\x00\x00\x00\x00" + bytes(8)
            try:  # the first send meets the reset, the second one reports it
                c.sock.sendall(ping)
                time.sleep(0.1)
                c.sock.sendall(ping)
            except (ConnectionResetError, BrokenPipeError):
                return None
            return "3 s after its EOF the server still holds the connection"
        finally:
            c.close()

    if sys.argv[3:4] == ["--term"]:
        check("python-h2 SIGTERM with a download in flight: GOAWAY, download ends",
              shutdown_in_flight)
        return 1 if h2_client.failures else 0

    check("python-h2 SETTINGS_INITIAL_WINDOW_SIZE 1: one-octet frames", window_1)
    check("python-h2 1 MiB through a 16-octet window, RST_STREAM, next request",
          window_16_reset)
    check("python-h2 SETTINGS_INITIAL_WINDOW_SIZE lowered: negative window (6.9.2)",
          window_shrinks)
    check("python-h2 SETTINGS_INITIAL_WINDOW_SIZE raised: stalled streams resume",
          window_grows_open_streams)
    check("python-h2 SETTINGS_MAX_FRAME_SIZE 1 MiB", big_frames)
    check("python-h2 header list at SETTINGS_MAX_HEADER_LIST_SIZE, and one octet more",
          header_list_limit)
    check("python-h2 one stream past SETTINGS_MAX_CONCURRENT_STREAMS refused",
          concurrency_limit)
    check("python-h2 SETTINGS_HEADER_TABLE_SIZE 0, 4096, 100, 0 and 4096", hpack_table_sizes)
    check("python-h2 GOAWAY from the client with a download in flight", goaway_in_flight)
    check("python-h2 POST /echo of 4 windows in padded DATA frames", padded_upload)
    check("python-h2 413 and reset with the body in flight, then an upload",
          refused_body_then_more)
    check("python-h2 POST ended by trailers alone; cookie crumbs", trailers_only_and_cookies)
    check("python-h2 GOAWAY, then our side left open: the server closes in time",
          linger_bounded)
    return 1 if h2_client.failures else 0


if __name__ == "__main__":
    sys.exit(main())
