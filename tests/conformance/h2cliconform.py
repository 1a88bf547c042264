#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""h2cliconform: client-role HTTP/2 conformance cases for a cleartext client.

usage: h2cliconform.py [--only REGEX] [-v] [--timeout 2] [--list] -- CLIENT ARGS...

For each case a listening socket is opened on a free loopback port, CLIENT
ARGS... is started with every "{url}" in ARGS replaced by
http://127.0.0.1:PORT/index.html, and the case plays the server: it reads the
connection preface, the client's SETTINGS (which must come first) and the
request, answers with frames built at will, and checks what the client does
against RFC 9113 and RFC 7541: a connection error is GOAWAY with the expected
code (then the TCP close), a stream error RST_STREAM with the expected code
on the request's stream (or GOAWAY with that code, RFC 9113 5.4.1), and a
frame to be ignored must leave a PING answered.  Cases that send a whole
response also check the client's exit status (0 for a good response, non-zero
for a malformed one) and, for 200, the body on its standard output.

The frame layer and HPACK come from h2conform.py, beside this file.  One line
a case ("ok" or "FAIL", id, RFC section, what was expected and seen), then
    client-conformance: N passed, M failed, K skipped
Exit status 1 when a case failed.
"""

import argparse
import os
import re
import select
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from h2conform import (  # noqa: E402
    ACK, CANCEL, COMPRESSION_ERROR, CONTINUATION, DATA, END_HEADERS, END_STREAM,
    FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR, Frame, GOAWAY, HEADERS, HpackDecoder,
    HpackError, NO_ERROR, PADDED, PING, PREFACE, PRIORITY, PROTOCOL_ERROR,
    PUSH_PROMISE, RST_STREAM, SETTINGS, STREAM_CLOSED, S_ENABLE_PUSH,
    S_INITIAL_WINDOW_SIZE, S_MAX_FRAME_SIZE, WINDOW_UPDATE, codes_text,
    encode_fields, frame, hp_size_update, prio_payload, settings_payload)

BODY = b"h2cliconform body\n"
CASES = []


class Fail(Exception):
    pass


class Closed(Exception):
    pass


class Skip(Exception):
    pass


def case(cid, section, title, expect):
    def wrap(fn):
        CASES.append((cid, section, title, expect, fn))
        return fn
    return wrap


class Peer:
    """The server side of one connection, and the client process."""

    def __init__(self, args, listener, port):
        self.args = args
        self.timeout = args.timeout
        url = "http://127.0.0.1:%d/index.html" % port
        cmd = [a.replace("{url}", url) for a in args.client]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        listener.settimeout(self.timeout * 2)
        try:
            self.sock, _ = listener.accept()
        except socket.timeout:
            raise Fail("the client did not connect within %.1fs" % (self.timeout * 2))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.log = []
        self.dec = HpackDecoder(4096)
        self.sid = None
        self.pings = 0

    # -- transport -------------------------------------------------------
    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            pass  # the client may have closed already; what it sent is read next

    def send_frame(self, ftype, flags, sid, payload=b""):
        if self.args.verbose:
            print("    > %s flags=0x%02x" % (Frame(ftype, flags, sid, payload).describe(), flags))
        self.send(frame(ftype, flags, sid, payload))

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([self.sock], [], [], left)
        if not r:
            return False
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            raise Closed("reset")
        if not chunk:
            raise Closed("closed")
        self.buf += chunk
        return True

    def read_exact(self, n, deadline):
        while len(self.buf) < n:
            if not self._fill(deadline):
                return None
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def next(self, deadline):
        """The next frame from the client, or None at the deadline."""
        hd = self.read_exact(9, deadline)
        if hd is None:
            return None
        length = int.from_bytes(hd[:3], "big")
        payload = self.read_exact(length, deadline + self.timeout)
        if payload is None:
            raise Fail("frame cut short")
        f = Frame(hd[3], hd[4], struct.unpack(">I", hd[5:9])[0] & 0x7fffffff, payload)
        if f.type in (GOAWAY, RST_STREAM) and len(payload) >= 4:
            f.error = struct.unpack(">I", payload[4:8] if f.type == GOAWAY else payload[:4])[0]
        if f.type == PING and not f.flags & ACK:
            self.send_frame(PING, ACK, 0, payload)
        self.log.append(f.describe())
        if self.args.verbose:
            print("    < %s" % f.describe())
        return f

    def recent(self, n=8):
        return ", ".join(self.log[-n:]) or "nothing"

    # -- the exchange ----------------------------------------------------
    def handshake(self, settings=()):
        """Preface, the client's SETTINGS first, ours, then the request."""
        deadline = time.monotonic() + self.timeout
        pre = self.read_exact(len(PREFACE), deadline)
        if pre != PREFACE:
            raise Fail("no connection preface (got %r)" % pre)
        f = self.next(deadline)
        if f is None or f.type != SETTINGS or f.flags & ACK:
            raise Fail("the first frame is not SETTINGS (RFC 9113 3.4): %s"
                       % (f.describe() if f else "nothing"))
        self.settings = dict(struct.unpack(">HI", f.payload[i:i + 6])
                             for i in range(0, len(f.payload) - 5, 6))
        self.send_frame(SETTINGS, 0, 0, settings_payload(settings))
        self.send_frame(SETTINGS, ACK, 0)
        block = b""
        while True:
            f = self.next(deadline)
            if f is None:
                raise Fail("no request HEADERS (seen: %s)" % self.recent())
            if f.type in (HEADERS, CONTINUATION):
                self.sid = f.sid
                block += f.payload if f.type == CONTINUATION else strip_headers(f)
                if f.flags & END_HEADERS:
                    break
        try:
            self.request = self.dec.decode(block)
        except HpackError as e:
            raise Fail("request block: %s" % e)
        return self.sid

    def block(self, fields):
        return encode_fields(fields)

    def respond(self, sid=None, status=b"200", body=BODY, extra=()):
        sid = sid or self.sid
        self.send_frame(HEADERS, END_HEADERS | (0 if body else END_STREAM), sid,
                        self.block([(b":status", status)] + list(extra)))
        if body:
            self.send_frame(DATA, END_STREAM, sid, body)

    def finish(self):
        """Wait for the client to exit; (status, stdout)."""
        try:
            out, err = self.proc.communicate(timeout=self.timeout * 2)
        except subprocess.TimeoutExpired:
            raise Fail("the client did not exit within %.1fs" % (self.timeout * 2))
        self.stderr = err.decode("latin-1", "replace").strip().replace("\n", " | ")
        return self.proc.returncode, out

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.communicate(timeout=self.timeout * 2)
        except (subprocess.TimeoutExpired, ValueError):
            pass


def strip_headers(f):
    p = f.payload
    pad = 0
    if f.flags & PADDED:
        pad, p = p[0], p[1:]
    if f.flags & 0x20:
        p = p[5:]
    return p[:len(p) - pad]


# -- verdicts ---------------------------------------------------------------

def expect_error(p, stream_codes=(), conn_codes=()):
    """RST_STREAM on the request's stream with a code in STREAM_CODES, or
    GOAWAY with one in CONN_CODES (or STREAM_CODES: 5.4.1), then the close.
    Two PINGs sent after the frame and answered first fail the case."""
    conn_codes = set(conn_codes) | set(stream_codes)
    wanted = " or ".join(
        (["RST_STREAM(s=%d, %s)" % (p.sid, codes_text(stream_codes))] if stream_codes else []) +
        ["GOAWAY(%s)" % codes_text(conn_codes)])
    tags = [b"cliping%d" % i for i in range(2)]
    stage = 0
    p.send_frame(PING, 0, 0, tags[0])
    deadline = time.monotonic() + p.timeout
    try:
        while True:
            f = p.next(deadline)
            if f is None:
                raise Fail("no %s within %.1fs (seen: %s)" % (wanted, p.timeout, p.recent()))
            if f.type == RST_STREAM and stream_codes and f.sid == p.sid:
                if f.error in stream_codes:
                    return f.describe()
                raise Fail(f.describe())
            if f.type == GOAWAY:
                if f.error not in conn_codes:
                    raise Fail(f.describe())
                seen = f.describe()
                while p.next(time.monotonic() + p.timeout) is not None:
                    pass
                raise Fail("%s, but the TCP connection was still open (RFC 9113 5.4.1)" % seen)
            if f.type == PING and f.flags & ACK and f.payload == tags[stage]:
                if stage == 1:
                    raise Fail("no %s: two PINGs sent after the frame were answered first "
                               "(seen: %s)" % (wanted, p.recent()))
                stage = 1
                p.send_frame(PING, 0, 0, tags[1])
                deadline = time.monotonic() + p.timeout
    except Closed as e:
        if any(s.startswith("GOAWAY") for s in p.log):
            return "%s, then TCP %s" % ([s for s in p.log if s.startswith("GOAWAY")][-1], e)
        raise Fail("TCP %s without %s (seen: %s)" % (e, wanted, p.recent()))


def conn_error(p, *codes):
    return expect_error(p, conn_codes=codes)


def stream_error(p, *codes):
    return expect_error(p, stream_codes=codes)


def no_error(p):
    """A PING round trip with no GOAWAY or RST_STREAM, then the response."""
    p.send_frame(PING, 0, 0, b"clinoerr")
    deadline = time.monotonic() + p.timeout
    try:
        while True:
            f = p.next(deadline)
            if f is None:
                raise Fail("PING not answered (seen: %s)" % p.recent())
            if f.type in (GOAWAY, RST_STREAM):
                raise Fail("%s (seen: %s)" % (f.describe(), p.recent()))
            if f.type == PING and f.flags & ACK and f.payload == b"clinoerr":
                break
    except Closed as e:
        raise Fail("TCP %s (seen: %s)" % (e, p.recent()))
    return response_ok(p, "PING answered, no error")


def taken(p, note="", body=BODY):
    """The client exits 0 with BODY on its standard output."""
    status, out = p.finish()
    if status != 0 or out != body:
        raise Fail("client exit %d, %d octets out (%s)" % (status, len(out), p.stderr))
    return (note + "; " if note else "") + "response taken, exit 0"


def response_ok(p, note="", body=BODY):
    p.respond(body=body)
    return taken(p, note, body)


def malformed_response(p, fields, body=BODY, trailers=None):
    """RFC 9113 8.1.1: a malformed response is a stream error of type
    PROTOCOL_ERROR; the client must not report success."""
    end = not body and trailers is None
    p.send_frame(HEADERS, END_HEADERS | (END_STREAM if end else 0), p.sid, p.block(fields))
    if body:
        p.send_frame(DATA, 0 if trailers is not None else END_STREAM, p.sid, body)
    if trailers is not None:
        p.send_frame(HEADERS, END_HEADERS | END_STREAM, p.sid, p.block(trailers))
    seen = stream_error(p, PROTOCOL_ERROR)
    status, _ = p.finish()
    if status == 0:
        raise Fail("%s, but the client exited 0" % seen)
    return "%s, client exit %d" % (seen, status)


# -- cases: RFC 9113 sections 3-6 ------------------------------------------

@case("3.4/1", "9113 3.4", "connection preface, SETTINGS first, then the request",
      "the response is taken")
def c_3_4_1(p):
    p.handshake()
    return response_ok(p)


@case("4.1/1", "9113 4.1, 5.5", "unknown frame type is ignored", "no error")
def c_4_1_1(p):
    p.handshake()
    p.send_frame(0xfa, 0, 0, b"ignored")
    p.send_frame(0xfa, 0xff, p.sid, b"ignored")
    return no_error(p)


@case("4.1/2", "9113 4.1", "unused flags on PING, reserved bit in a stream id", "no error")
def c_4_1_2(p):
    p.handshake()
    p.send_frame(PING, 0xfe, 0, b"flagsXYZ")
    p.send_frame(WINDOW_UPDATE, 0, 0x80000000, struct.pack(">I", 1))
    return no_error(p)


@case("4.2/1", "9113 4.2", "DATA of exactly 2^14 octets", "the response is taken")
def c_4_2_1(p):
    p.handshake()
    return response_ok(p, body=b"x" * 16384)


@case("4.2/2", "9113 4.2", "DATA above SETTINGS_MAX_FRAME_SIZE",
      "RST_STREAM(FRAME_SIZE_ERROR) or GOAWAY(FRAME_SIZE_ERROR)")
def c_4_2_2(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"200")]))
    p.send_frame(DATA, END_STREAM, p.sid, b"x" * 16385)
    return stream_error(p, FRAME_SIZE_ERROR)


@case("4.2/3", "9113 4.2", "HEADERS above SETTINGS_MAX_FRAME_SIZE", "GOAWAY(FRAME_SIZE_ERROR)")
def c_4_2_3(p):
    p.handshake()
    big = [(b"x-big%d" % i, b"v" * 4000) for i in range(5)]
    p.send_frame(HEADERS, END_HEADERS | END_STREAM, p.sid, p.block([(b":status", b"200")] + big))
    return conn_error(p, FRAME_SIZE_ERROR)


@case("4.3/1", "9113 4.3; 7541 5.2", "field block of the single octet 0x40",
      "GOAWAY(COMPRESSION_ERROR)")
def c_4_3_1(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, p.sid, b"\x40")
    return conn_error(p, COMPRESSION_ERROR)


@case("4.3/2", "9113 4.3", "PRIORITY inside a field block", "GOAWAY(PROTOCOL_ERROR)")
def c_4_3_2(p):
    p.handshake()
    blk = p.block([(b":status", b"200"), (b"x-a", b"1")])
    p.send_frame(HEADERS, 0, p.sid, blk[:1])
    p.send_frame(PRIORITY, 0, p.sid, prio_payload(0, 255))
    p.send_frame(CONTINUATION, END_HEADERS, p.sid, blk[1:])
    return conn_error(p, PROTOCOL_ERROR)


@case("4.3/3", "7541 4.2", "dynamic table size update at the end of a block",
      "GOAWAY(COMPRESSION_ERROR)")
def c_4_3_3(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"200")]) + hp_size_update(0))
    return conn_error(p, COMPRESSION_ERROR)


@case("5.1/1", "9113 5.1", "DATA on an idle stream", "GOAWAY(PROTOCOL_ERROR)")
def c_5_1_1(p):
    p.handshake()
    p.send_frame(DATA, END_STREAM, 2, b"test")
    return conn_error(p, PROTOCOL_ERROR)


@case("5.1/2", "9113 5.1", "RST_STREAM on an idle stream", "GOAWAY(PROTOCOL_ERROR)")
def c_5_1_2(p):
    p.handshake()
    p.send_frame(RST_STREAM, 0, 2, struct.pack(">I", CANCEL))
    return conn_error(p, PROTOCOL_ERROR)


@case("5.1/3", "9113 5.1", "WINDOW_UPDATE on an idle stream", "GOAWAY(PROTOCOL_ERROR)")
def c_5_1_3(p):
    p.handshake()
    p.send_frame(WINDOW_UPDATE, 0, 2, struct.pack(">I", 100))
    return conn_error(p, PROTOCOL_ERROR)


@case("5.1/4", "9113 5.1, 6.10", "CONTINUATION on an idle stream", "GOAWAY(PROTOCOL_ERROR)")
def c_5_1_4(p):
    p.handshake()
    p.send_frame(CONTINUATION, END_HEADERS, 2, p.block([(b":status", b"200")]))
    return conn_error(p, PROTOCOL_ERROR)


@case("5.1/5", "9113 5.1", "HEADERS on an even stream the server never promised",
      "GOAWAY(PROTOCOL_ERROR)")
def c_5_1_5(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS | END_STREAM, 2, p.block([(b":status", b"200")]))
    return conn_error(p, PROTOCOL_ERROR)


@case("5.1/6", "9113 5.1", "DATA after the server reset the stream, in the same write",
      "RST_STREAM(STREAM_CLOSED) or GOAWAY(STREAM_CLOSED)")
def c_5_1_6(p):
    p.handshake()
    # One write: a client whose only request was reset may close before a
    # late frame sent on its own reaches it.
    first = frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"200")]))
    p.send(first + frame(RST_STREAM, 0, p.sid, struct.pack(">I", CANCEL)) +
           frame(DATA, END_STREAM, p.sid, b"test"))
    return stream_error(p, STREAM_CLOSED)


@case("5.1/7", "9113 5.1", "HEADERS after the server reset the stream, in the same write",
      "RST_STREAM(STREAM_CLOSED) or GOAWAY(STREAM_CLOSED)")
def c_5_1_7(p):
    p.handshake()
    # One write: a client whose only request was reset may close before a
    # late frame sent on its own reaches it.
    first = frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"200")]))
    p.send(first + frame(RST_STREAM, 0, p.sid, struct.pack(">I", CANCEL)) +
           frame(HEADERS, END_HEADERS | END_STREAM, p.sid, p.block([(b"x-late", b"1")])))
    return stream_error(p, STREAM_CLOSED)


@case("5.1/8", "9113 5.1", "DATA after the response's END_STREAM, in the same write",
      "GOAWAY(STREAM_CLOSED): the server had ended the stream (5.1 closed)")
def c_5_1_8(p):
    p.handshake()
    p.send(frame(HEADERS, END_HEADERS | END_STREAM, p.sid, p.block([(b":status", b"200")])) +
           frame(DATA, END_STREAM, p.sid, b"late"))
    return conn_error(p, STREAM_CLOSED)


@case("5.1/9", "9113 5.1", "HEADERS after the response's END_STREAM, in the same write",
      "GOAWAY(STREAM_CLOSED): the server had ended the stream (5.1 closed)")
def c_5_1_9(p):
    p.handshake()
    blk = p.block([(b":status", b"200")])
    p.send(frame(HEADERS, END_HEADERS | END_STREAM, p.sid, blk) +
           frame(HEADERS, END_HEADERS | END_STREAM, p.sid, blk))
    return conn_error(p, STREAM_CLOSED)


@case("5.4.1/1", "9113 5.4.1, 6.7", "PING on stream 3", "GOAWAY(PROTOCOL_ERROR), then the close")
def c_5_4_1_1(p):
    p.handshake()
    p.send_frame(PING, 0, 3, b"\0" * 8)
    return conn_error(p, PROTOCOL_ERROR)


@case("5.5/1", "9113 5.5", "unknown frame type inside a field block", "GOAWAY(PROTOCOL_ERROR)")
def c_5_5_1(p):
    p.handshake()
    blk = p.block([(b":status", b"200"), (b"x-a", b"1")])
    p.send_frame(HEADERS, 0, p.sid, blk[:1])
    p.send_frame(0xfa, 0, p.sid, b"ext")
    p.send_frame(CONTINUATION, END_HEADERS, p.sid, blk[1:])
    return conn_error(p, PROTOCOL_ERROR)


@case("6.1/1", "9113 6.1", "DATA on stream 0", "GOAWAY(PROTOCOL_ERROR)")
def c_6_1_1(p):
    p.handshake()
    p.send_frame(DATA, 0, 0, b"test")
    return conn_error(p, PROTOCOL_ERROR)


@case("6.1/2", "9113 6.1", "DATA whose Pad Length equals the payload length",
      "GOAWAY(PROTOCOL_ERROR)")
def c_6_1_2(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"200")]))
    p.send_frame(DATA, PADDED | END_STREAM, p.sid, bytes([5]) + b"test")
    return conn_error(p, PROTOCOL_ERROR)


@case("6.1/3", "9113 6.1", "padded DATA", "the response is taken, padding dropped")
def c_6_1_3(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"200")]))
    p.send_frame(DATA, PADDED, p.sid, bytes([3]) + BODY[:5] + b"\0\0\0")
    p.send_frame(DATA, PADDED | END_STREAM, p.sid, bytes([0]) + BODY[5:])
    return taken(p, "padding dropped")


@case("6.2/1", "9113 6.2", "HEADERS on stream 0", "GOAWAY(PROTOCOL_ERROR)")
def c_6_2_1(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, 0, p.block([(b":status", b"200")]))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.2/2", "9113 6.2", "HEADERS whose Pad Length exceeds the payload", "GOAWAY(PROTOCOL_ERROR)")
def c_6_2_2(p):
    p.handshake()
    blk = p.block([(b":status", b"200")])
    p.send_frame(HEADERS, END_HEADERS | PADDED, p.sid, bytes([len(blk) + 1]) + blk)
    return conn_error(p, PROTOCOL_ERROR)


@case("6.3/1", "9113 6.3", "PRIORITY on stream 0", "GOAWAY(PROTOCOL_ERROR)")
def c_6_3_1(p):
    p.handshake()
    p.send_frame(PRIORITY, 0, 0, prio_payload(1))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.3/2", "9113 6.3", "PRIORITY of 4 octets on the request's stream",
      "RST_STREAM(FRAME_SIZE_ERROR) or GOAWAY(FRAME_SIZE_ERROR)")
def c_6_3_2(p):
    p.handshake()
    p.send_frame(PRIORITY, 0, p.sid, prio_payload(0)[:4])
    return stream_error(p, FRAME_SIZE_ERROR)


@case("6.4/1", "9113 6.4", "RST_STREAM on stream 0", "GOAWAY(PROTOCOL_ERROR)")
def c_6_4_1(p):
    p.handshake()
    p.send_frame(RST_STREAM, 0, 0, struct.pack(">I", CANCEL))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.4/2", "9113 6.4", "RST_STREAM of 3 octets", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_4_2(p):
    p.handshake()
    p.send_frame(RST_STREAM, 0, p.sid, b"\0\0\0")
    return conn_error(p, FRAME_SIZE_ERROR)


@case("6.5/1", "9113 6.5", "SETTINGS ACK with a payload", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_5_1(p):
    p.handshake()
    p.send_frame(SETTINGS, ACK, 0, settings_payload([(S_ENABLE_PUSH, 0)]))
    return conn_error(p, FRAME_SIZE_ERROR)


@case("6.5/2", "9113 6.5", "SETTINGS on stream 1", "GOAWAY(PROTOCOL_ERROR)")
def c_6_5_2(p):
    p.handshake()
    p.send_frame(SETTINGS, 0, 1, settings_payload([(S_ENABLE_PUSH, 0)]))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.5/3", "9113 6.5", "SETTINGS of 3 octets", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_5_3(p):
    p.handshake()
    p.send_frame(SETTINGS, 0, 0, b"\0\0\0")
    return conn_error(p, FRAME_SIZE_ERROR)


@case("6.5.2/1", "9113 6.5.2", "SETTINGS_ENABLE_PUSH = 1 from a server", "GOAWAY(PROTOCOL_ERROR)")
def c_6_5_2_1(p):
    p.handshake()
    p.send_frame(SETTINGS, 0, 0, settings_payload([(S_ENABLE_PUSH, 1)]))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.5.2/2", "9113 6.5.2", "SETTINGS_INITIAL_WINDOW_SIZE = 2^31", "GOAWAY(FLOW_CONTROL_ERROR)")
def c_6_5_2_2(p):
    p.handshake()
    p.send_frame(SETTINGS, 0, 0, settings_payload([(S_INITIAL_WINDOW_SIZE, 2 ** 31)]))
    return conn_error(p, FLOW_CONTROL_ERROR)


@case("6.5.2/3", "9113 6.5.2", "SETTINGS_MAX_FRAME_SIZE = 16383", "GOAWAY(PROTOCOL_ERROR)")
def c_6_5_2_3(p):
    p.handshake()
    p.send_frame(SETTINGS, 0, 0, settings_payload([(S_MAX_FRAME_SIZE, 16383)]))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.5.2/4", "9113 6.5.2", "SETTINGS_MAX_FRAME_SIZE = 2^24", "GOAWAY(PROTOCOL_ERROR)")
def c_6_5_2_4(p):
    p.handshake()
    p.send_frame(SETTINGS, 0, 0, settings_payload([(S_MAX_FRAME_SIZE, 2 ** 24)]))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.5.2/5", "9113 6.5.2", "unknown SETTINGS identifier is ignored", "no error")
def c_6_5_2_5(p):
    p.handshake()
    p.send_frame(SETTINGS, 0, 0, settings_payload([(0xff, 1)]))
    return no_error(p)


@case("6.5.3/1", "9113 6.5.3", "SETTINGS is acknowledged", "SETTINGS ACK")
def c_6_5_3_1(p):
    p.handshake()
    p.send_frame(SETTINGS, 0, 0, settings_payload([(S_INITIAL_WINDOW_SIZE, 100)]))
    deadline = time.monotonic() + p.timeout
    while True:
        f = p.next(deadline)
        if f is None:
            raise Fail("no SETTINGS ACK (seen: %s)" % p.recent())
        if f.type == SETTINGS and f.flags & ACK:
            return response_ok(p, "acknowledged")


@case("6.7/1", "9113 6.7", "PING is answered with the same payload", "PING ACK")
def c_6_7_1(p):
    p.handshake()
    return no_error(p)


@case("6.7/2", "9113 6.7", "PING with ACK is not answered", "no PING in reply")
def c_6_7_2(p):
    p.handshake()
    p.send_frame(PING, ACK, 0, b"unasked!")
    no_error_note = no_error(p)
    if any(s.startswith("PING(ACK, %s)" % b"unasked!".hex()) for s in p.log):
        raise Fail("the PING ACK was answered")
    return no_error_note


@case("6.7/3", "9113 6.7", "PING of 7 octets", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_7_3(p):
    p.handshake()
    p.send_frame(PING, 0, 0, b"\0" * 7)
    return conn_error(p, FRAME_SIZE_ERROR)


@case("6.8/1", "9113 6.8", "GOAWAY on stream 1", "GOAWAY(PROTOCOL_ERROR)")
def c_6_8_1(p):
    p.handshake()
    p.send_frame(GOAWAY, 0, 1, struct.pack(">II", 0, NO_ERROR))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.8/2", "9113 6.8", "GOAWAY(NO_ERROR) naming the request's stream, then the response",
      "the response is taken")
def c_6_8_2(p):
    p.handshake()
    p.send_frame(GOAWAY, 0, 0, struct.pack(">II", p.sid, NO_ERROR))
    return response_ok(p)


@case("6.9/1", "9113 6.9", "WINDOW_UPDATE of 0 on the connection", "GOAWAY(PROTOCOL_ERROR)")
def c_6_9_1(p):
    p.handshake()
    p.send_frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 0))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.9/2", "9113 6.9", "WINDOW_UPDATE of 0 on the request's stream",
      "RST_STREAM(PROTOCOL_ERROR) or GOAWAY(PROTOCOL_ERROR)")
def c_6_9_2(p):
    p.handshake()
    p.send_frame(WINDOW_UPDATE, 0, p.sid, struct.pack(">I", 0))
    return stream_error(p, PROTOCOL_ERROR)


@case("6.9/3", "9113 6.9", "WINDOW_UPDATE of 3 octets", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_9_3(p):
    p.handshake()
    p.send_frame(WINDOW_UPDATE, 0, 0, b"\0\0\1")
    return conn_error(p, FRAME_SIZE_ERROR)


@case("6.9.1/1", "9113 6.9.1", "connection window above 2^31-1", "GOAWAY(FLOW_CONTROL_ERROR)")
def c_6_9_1_1(p):
    p.handshake()
    p.send_frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 2 ** 31 - 1))
    return conn_error(p, FLOW_CONTROL_ERROR)


@case("6.9.1/2", "9113 6.9.1", "stream window above 2^31-1",
      "RST_STREAM(FLOW_CONTROL_ERROR) or GOAWAY(FLOW_CONTROL_ERROR)")
def c_6_9_1_2(p):
    p.handshake()
    p.send_frame(WINDOW_UPDATE, 0, p.sid, struct.pack(">I", 2 ** 31 - 1))
    return stream_error(p, FLOW_CONTROL_ERROR)


@case("6.10/1", "9113 6.10", "response split over HEADERS and CONTINUATION frames",
      "the response is taken")
def c_6_10_1(p):
    p.handshake()
    blk = p.block([(b":status", b"200"), (b"x-a", b"a" * 100), (b"x-b", b"b" * 100)])
    p.send_frame(HEADERS, 0, p.sid, blk[:10])
    p.send_frame(CONTINUATION, 0, p.sid, blk[10:100])
    p.send_frame(CONTINUATION, END_HEADERS, p.sid, blk[100:])
    p.send_frame(DATA, END_STREAM, p.sid, BODY)
    return taken(p)


@case("6.10/2", "9113 6.10", "CONTINUATION after a HEADERS with END_HEADERS",
      "GOAWAY(PROTOCOL_ERROR)")
def c_6_10_2(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"200")]))
    p.send_frame(CONTINUATION, END_HEADERS, p.sid, p.block([(b"x-a", b"1")]))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.10/3", "9113 6.10", "CONTINUATION after DATA", "GOAWAY(PROTOCOL_ERROR)")
def c_6_10_3(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"200")]))
    p.send_frame(DATA, 0, p.sid, b"part")
    p.send_frame(CONTINUATION, END_HEADERS, p.sid, p.block([(b"x-a", b"1")]))
    return conn_error(p, PROTOCOL_ERROR)


@case("6.10/4", "9113 6.10", "CONTINUATION on stream 0 inside a field block",
      "GOAWAY(PROTOCOL_ERROR)")
def c_6_10_4(p):
    p.handshake()
    blk = p.block([(b":status", b"200"), (b"x-a", b"1")])
    p.send_frame(HEADERS, 0, p.sid, blk[:1])
    p.send_frame(CONTINUATION, END_HEADERS, 0, blk[1:])
    return conn_error(p, PROTOCOL_ERROR)


@case("6.6/1", "9113 6.6, 8.4", "PUSH_PROMISE although the client never enabled push",
      "GOAWAY(PROTOCOL_ERROR)")
def c_6_6_1(p):
    p.handshake()
    if p.settings.get(S_ENABLE_PUSH, 1) != 0:
        raise Skip("the client's SETTINGS_ENABLE_PUSH is 1")
    blk = p.block([(b":method", b"GET"), (b":scheme", b"http"), (b":path", b"/pushed"),
                   (b":authority", b"127.0.0.1")])
    p.send_frame(PUSH_PROMISE, END_HEADERS, p.sid, struct.pack(">I", 2) + blk)
    return conn_error(p, PROTOCOL_ERROR)


# -- cases: RFC 9113 section 8 (responses) ----------------------------------

@case("8.1/1", "9113 8.1", "response with trailers", "the response is taken")
def c_8_1_1(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"200")]))
    p.send_frame(DATA, 0, p.sid, BODY)
    p.send_frame(HEADERS, END_HEADERS | END_STREAM, p.sid, p.block([(b"x-trailer", b"1")]))
    return taken(p)


@case("8.1/2", "9113 8.1", "informational 103, then 200", "the response is taken")
def c_8_1_2(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"103"), (b"link", b"</a>")]))
    return response_ok(p)


@case("8.1/3", "9113 8.1", "trailers without END_STREAM",
      "RST_STREAM(PROTOCOL_ERROR), client exit non-zero")
def c_8_1_3(p):
    p.handshake()
    p.send_frame(HEADERS, END_HEADERS, p.sid, p.block([(b":status", b"200")]))
    p.send_frame(DATA, 0, p.sid, BODY)
    p.send_frame(HEADERS, END_HEADERS, p.sid, p.block([(b"x-trailer", b"1")]))
    seen = stream_error(p, PROTOCOL_ERROR)
    status, _ = p.finish()
    if status == 0:
        raise Fail("%s, but the client exited 0" % seen)
    return "%s, client exit %d" % (seen, status)


def malformed(cid, section, title, fields, body=BODY, trailers=None):
    @case(cid, section, title, "RST_STREAM(PROTOCOL_ERROR) (or GOAWAY), client exit non-zero")
    def run(p):
        p.handshake()
        return malformed_response(p, fields, body, trailers)
    return run


malformed("8.1.1/1", "9113 8.1.1", "content-length larger than the DATA",
          [(b":status", b"200"), (b"content-length", b"100")])
malformed("8.1.1/2", "9113 8.1.1", "content-length smaller than the DATA",
          [(b":status", b"200"), (b"content-length", b"2")])
malformed("8.2/1", "9113 8.2", "uppercase field name", [(b":status", b"200"), (b"X-Upper", b"1")])
malformed("8.2.1/1", "9113 8.2.1", "field value containing LF",
          [(b":status", b"200"), (b"x-a", b"a\nb")])
malformed("8.2.2/1", "9113 8.2.2", "connection-specific field",
          [(b":status", b"200"), (b"connection", b"keep-alive")])
malformed("8.3/1", "9113 8.3", "request pseudo-header :method in a response",
          [(b":status", b"200"), (b":method", b"GET")])
malformed("8.3/2", "9113 8.3", "pseudo-header after a regular field",
          [(b"x-a", b"1"), (b":status", b"200")])
malformed("8.3/3", "9113 8.3", "unknown pseudo-header :foo", [(b":status", b"200"), (b":foo", b"1")])
malformed("8.3/4", "9113 8.3", "pseudo-header in trailers", [(b":status", b"200")],
          trailers=[(b":status", b"200")])
malformed("8.3.2/1", "9113 8.3.2", "response without :status", [(b"x-a", b"1")])
malformed("8.3.2/2", "9113 8.3.2", "two :status fields", [(b":status", b"200"), (b":status", b"204")])
malformed("8.6/1", "9113 8.6", ":status 101", [(b":status", b"101")], body=b"")


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="run the cases whose id matches (re.search)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("client", nargs="*", help="the client command; {url} is replaced")
    args = ap.parse_args(argv)
    if args.list:
        for cid, section, title, _, _ in CASES:
            print("%-10s RFC %-14s %s" % (cid, section, title))
        return 0
    if not args.client or not any("{url}" in a for a in args.client):
        ap.error("give the client command, with {url} where the URL goes")
    passed = failed = skipped = 0
    for cid, section, title, expect, fn in CASES:
        if args.only and not re.search(args.only, cid):
            continue
        if args.verbose:
            print("--- %s" % cid)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        p = None
        try:
            p = Peer(args, listener, listener.getsockname()[1])
            seen = fn(p)
            ok = True
        except Skip as e:
            seen, ok = "%s" % e, None
        except (Fail, Closed) as e:
            seen, ok = "%s" % e, False
        finally:
            if p:
                p.close()
            listener.close()
        passed += ok is True
        failed += ok is False
        skipped += ok is None
        print("%-5s %-10s RFC %s: %s -- expected %s; seen %s"
              % ({True: "ok", False: "FAIL", None: "skip"}[ok], cid, section, title, expect, seen),
              flush=True)
    print("client-conformance: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
