#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Drive the example server with python-hyper h2 (Debian python3-h2 4.1).

    h2_client.py PORT INDEX_FILE

INDEX_FILE is what GET / must return.  Prints one "ok NAME" or
"FAIL NAME: why" line per check; exits 1 if any failed.
"""
import os
import socket
import sys

import h2.config
import h2.connection
import h2.events
import h2.settings

TIMEOUT = 10


class Client:
    """One HTTP/2 connection; responses are collected per stream."""

    def __init__(self, port, settings=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        cfg = h2.config.H2Configuration(client_side=True, header_encoding=None)
        self.conn = h2.connection.H2Connection(config=cfg)
        if settings:  # our first SETTINGS, in force for python-h2 from the start
            values = dict(self.conn.local_settings)
            values.update(settings)
            self.conn.local_settings = h2.settings.Settings(client=True, initial_values=values)
            self.conn.max_inbound_frame_size = self.conn.local_settings.max_frame_size
        self.conn.initiate_connection()
        self.streams = {}
        self.terminated = None
        self.pings = []
        self.eof = False
        self.settings_seen = False
        self.auto_ack = True  # give each DATA frame's window back at once
        self.flush()

    def flush(self):
        out = self.conn.data_to_send()
        if out:
            self.sock.sendall(out)

    def stream(self, sid):
        return self.streams.setdefault(
            sid, {"headers": None, "body": bytearray(), "ended": False, "reset": None})

    def read_once(self):
        data = self.sock.recv(65536)
        if not data:
            self.eof = True
            raise EOFError("server closed the connection")
        for ev in self.conn.receive_data(data):
            self.handle(ev)
        self.flush()

    def handle(self, ev):
        if isinstance(ev, h2.events.ResponseReceived):
            self.stream(ev.stream_id)["headers"] = dict(ev.headers)
        elif isinstance(ev, h2.events.DataReceived):
            self.stream(ev.stream_id)["body"] += ev.data
            if self.auto_ack:
                self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
        elif isinstance(ev, h2.events.StreamEnded):
            self.stream(ev.stream_id)["ended"] = True
        elif isinstance(ev, h2.events.StreamReset):
            self.stream(ev.stream_id)["reset"] = ev.error_code
        elif isinstance(ev, h2.events.ConnectionTerminated):
            self.terminated = ev
        elif isinstance(ev, h2.events.PingAckReceived):
            self.pings.append(ev.ping_data)
        elif isinstance(ev, h2.events.RemoteSettingsChanged):
            self.settings_seen = True

    def read_to_eof(self):
        """Read until the server closes the connection (a timeout raises)."""
        try:
            while True:
                self.read_once()
        except EOFError:
            pass

    def wait(self, cond):
        while not cond():
            if self.terminated is not None:
                raise RuntimeError("GOAWAY %r" % (self.terminated,))
            self.read_once()

    def wait_response(self, sid):
        s = self.stream(sid)
        self.wait(lambda: s["ended"] or s["reset"] is not None)
        return s

    def send_body(self, sid, body, end_stream=True):
        """Send body within the flow-control windows, reading while they are shut."""
        off = 0
        while off < len(body):
            room = min(self.conn.local_flow_control_window(sid),
                       self.conn.max_outbound_frame_size, len(body) - off)
            if room <= 0:
                self.read_once()
                continue
            last = end_stream and off + room == len(body)
            self.conn.send_data(sid, body[off:off + room], end_stream=last)
            off += room
            self.flush()
        if not body and end_stream:
            self.conn.end_stream(sid)
            self.flush()

    def request(self, method, path, extra=()):
        sid = self.conn.get_next_available_stream_id()
        headers = [(b":method", method), (b":scheme", b"http"),
                   (b":authority", b"127.0.0.1"), (b":path", path)] + list(extra)
        return sid, headers

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def split_frames(raw):
    """Take the complete frames off the front of bytearray raw: a list of
    (type, flags, stream id, payload)."""
    frames = []
    while len(raw) >= 9:
        length = int.from_bytes(raw[0:3], "big")
        if len(raw) < 9 + length:
            break
        sid = int.from_bytes(raw[5:9], "big") & 0x7FFFFFFF
        frames.append((raw[3], raw[4], sid, bytes(raw[9:9 + length])))
        del raw[:9 + length]
    return frames


def block_fragment(ftype, flags, payload):
    """The field block fragment of a HEADERS or CONTINUATION payload."""
    if ftype == 1:
        if flags & 0x8:
            payload = payload[1:len(payload) - payload[0]]
        if flags & 0x20:
            payload = payload[5:]
    return payload


def table_size_update(block):
    """The value of a dynamic table size update opening block, or None
    (RFC 7541 6.3: 001xxxxx, a 5-bit prefix integer)."""
    if not block or block[0] & 0xE0 != 0x20:
        return None
    value = block[0] & 0x1F
    if value < 0x1F:
        return value
    shift, i = 0, 1
    while True:
        b = block[i]
        value += (b & 0x7F) << shift
        shift += 7
        i += 1
        if not b & 0x80:
            return value


failures = 0


def check(name, fn):
    global failures
    try:
        why = fn()
    except Exception as e:  # any exception is a failure of this check
        why = "%s: %s" % (type(e).__name__, e)
    if why:
        failures += 1
        print("FAIL %s: %s" % (name, why))
    else:
        print("ok   %s" % name)
    sys.stdout.flush()


def main():
    port = int(sys.argv[1])
    with open(sys.argv[2], "rb") as f:
        index = f.read()

    def get():
        c = Client(port)
        try:
            sid, h = c.request(b"GET", b"/")
            c.conn.send_headers(sid, h, end_stream=True)
            c.flush()
            s = c.wait_response(sid)
            if s["reset"] is not None:
                return "stream reset %d" % s["reset"]
            if s["headers"].get(b":status") != b"200":
                return "status %r" % s["headers"].get(b":status")
            if bytes(s["body"]) != index:
                return "body differs (%d octets)" % len(s["body"])
            if s["headers"].get(b"content-length") != str(len(index)).encode():
                return "content-length %r" % s["headers"].get(b"content-length")
        finally:
            c.close()
        return None

    def post_big():
        c = Client(port)
        try:
            c.wait(lambda: c.settings_seen)
            window = c.conn.remote_settings.initial_window_size
            body = os.urandom(3 * window + 1234)
            sid, h = c.request(b"POST", b"/echo", [(b"content-length", str(len(body)).encode())])
            c.conn.send_headers(sid, h)
            c.flush()
            c.send_body(sid, body)
            s = c.wait_response(sid)
            if s["reset"] is not None:
                return "stream reset %d" % s["reset"]
            if s["headers"].get(b":status") != b"200":
                return "status %r" % s["headers"].get(b":status")
            if bytes(s["body"]) != body:
                return "echo differs: %d octets back of %d" % (len(s["body"]), len(body))
        finally:
            c.close()
        return None

    def trailers():
        c = Client(port)
        try:
            body = b"body before trailers\n" * 100
            sid, h = c.request(b"POST", b"/echo", [(b"te", b"trailers")])
            c.conn.send_headers(sid, h)
            c.send_body(sid, body, end_stream=False)
            c.conn.send_headers(sid, [(b"x-checksum", b"abc123")], end_stream=True)
            c.flush()
            s = c.wait_response(sid)
            if s["reset"] is not None:
                return "stream reset %d" % s["reset"]
            if s["headers"].get(b":status") != b"200":
                return "status %r" % s["headers"].get(b":status")
            if bytes(s["body"]) != body:
                return "echo differs"
        finally:
            c.close()
        return None

    def oversized_then_normal():
        c = Client(port)
        try:
            c.wait(lambda: c.settings_seen)
            limit = c.conn.remote_settings.max_header_list_size
            if limit is None:
                return "server announced no SETTINGS_MAX_HEADER_LIST_SIZE"
            big = b"a" * (limit + 4096)
            sid, h = c.request(b"GET", b"/", [(b"x-big", big)])
            c.conn.send_headers(sid, h, end_stream=True)
            c.flush()
            s = c.wait_response(sid)
            status = s["headers"].get(b":status") if s["headers"] else None
            if s["reset"] is None and status != b"431":
                return "oversized list answered with status %r, not 431 or a reset" % status
            print("     oversized header list answered with %s" %
                  ("status 431" if s["reset"] is None else "RST_STREAM %d" % s["reset"]))
            sid2, h2_ = c.request(b"GET", b"/")
            c.conn.send_headers(sid2, h2_, end_stream=True)
            c.flush()
            s2 = c.wait_response(sid2)
            if s2["reset"] is not None:
                return "normal request after it reset (%d)" % s2["reset"]
            if s2["headers"].get(b":status") != b"200" or bytes(s2["body"]) != index:
                return "normal request after it: status %r" % s2["headers"].get(b":status")
        finally:
            c.close()
        return None

    def ping_and_goaway():
        c = Client(port)
        try:
            c.conn.ping(b"h2codec!")
            c.flush()
            c.wait(lambda: c.pings)
            if c.pings != [b"h2codec!"]:
                return "PING ACK carried %r" % c.pings
            c.conn.close_connection()
            c.flush()
            c.read_to_eof()  # the server must close once our GOAWAY is in and nothing is open
            return None
        finally:
            c.close()

    check("python-h2 GET /", get)
    check("python-h2 POST /echo, body of 3 windows", post_big)
    check("python-h2 POST /echo with trailers", trailers)
    check("python-h2 oversized header list, then a request on the same connection",
          oversized_then_normal)
    check("python-h2 PING, then GOAWAY closes the connection", ping_and_goaway)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
