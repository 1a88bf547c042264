#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write raw seed inputs for the conn_server and conn_client fuzz targets.

    fuzz/conn_seeds.py BUILD_DIR OUT_DIR

Reads only the unpacked corpus under BUILD_DIR/corpus (the h2spec and
nghttp client streams and the nghttp session capture, see corpus/README.md)
and writes OUT_DIR/conn_server/<sha1> and OUT_DIR/conn_client/<sha1> in the
targets' input format (the comment at the top of fuzz/conn_server.c):
8 configuration octets, 4 pattern octets, then operations.  Hand-made
exchanges cover what the recorded streams do not: pushes, trailers, 1xx,
flow control, GOAWAY, resets, extension frames.  fuzz/README.md shows how
the result is minimised with -merge=1 and packed into corpus/fuzz/.
"""
import glob
import hashlib
import os
import struct
import sys

MAX_LEN = 16384  # fuzz/conn_*.options

# Configuration flags (conn_server.c).
NO_AUTO_WU, NO_VALIDATION, PUSH, SMALL, HANDSHAKE, FAILALLOC, LENIENT, NEVER = (
    0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80)


def cfg(flags=0, iws=0, cwin=0, mcs=0, mhls=0, mfs=0, hts=0, misc=1, pattern=(0, 0, 0, 0)):
    return bytes([flags, iws, cwin, mcs, mhls, mfs, hts, misc]) + bytes(pattern)


# ---- operations -----------------------------------------------------------
def peer(data):
    """Peer octets, in records of at most 65535."""
    out = b""
    for i in range(0, len(data), 0xFFFF):
        part = data[i:i + 0xFFFF]
        out += b"\x00" + struct.pack(">H", len(part)) + part
    return out


def headers(stream=0, end=False, kind=0, name=b"", value=b""):
    op = 0x04 | (0x10 if end else 0) | (kind << 5)
    return bytes([op, stream, len(name)]) + name + bytes([len(value)]) + value


def data(stream=0, n=100, end=False):
    return bytes([0x05 | (0x10 if end else 0), stream]) + struct.pack(">H", n)


def consume(stream=0, n=0, all_=True):
    return bytes([0x06 | (0x10 if all_ else 0), stream]) + struct.pack(">H", n)


def reset(stream=0, code=8):
    return bytes([0x07, stream, code])


def ping(opaque=b"pingping"):
    return b"\x08" + opaque


def settings(which, value):
    return bytes([0x09, which]) + struct.pack(">I", value)


def window_update(stream, inc):
    return bytes([0x0A, stream]) + struct.pack(">I", inc)


def close(code=0, debug=b"bye!"):
    return b"\x0b" + debug[:4].ljust(4, b"\0") + bytes([code])


def push(stream=0, path=b"/pushed"):
    return bytes([0x0C, stream, len(path)]) + path


def end_stream(stream=0):
    return bytes([0x0D, stream])


def drain(n=0, by_send=False):
    return bytes([0x0E | (0x10 if by_send else 0)]) + struct.pack(">H", n)


def trailers(stream=0):
    return bytes([0x0F, stream])


# ---- frames and HPACK literals ---------------------------------------------
def frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", stream) + payload


def lit(name, value):
    assert len(name) < 127 and len(value) < 127
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value


def inc(name, value):
    return b"\x40" + bytes([len(name)]) + name + bytes([len(value)]) + value


def req(method=b"GET", path=b"/"):
    return (lit(b":method", method) + lit(b":scheme", b"https") +
            lit(b":authority", b"example.org") + lit(b":path", path))


def status(code):
    return lit(b":status", str(code).encode())


PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS = frame(4, 0, 0)
ACK = frame(4, 1, 0)
END_STREAM, ACK_FLAG, END_HEADERS, PADDED, PRIORITY = 1, 1, 4, 8, 0x20


def s_entry(ident, value):
    return struct.pack(">HI", ident, value)


class Seeds:
    def __init__(self, out, target):
        self.dir = os.path.join(out, target)
        os.makedirs(self.dir, exist_ok=True)
        self.n = 0

    def add(self, blob):
        blob = blob[:MAX_LEN]
        name = hashlib.sha1(blob).hexdigest()
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(blob)
        self.n += 1


def recorded(build, sub):
    for path in sorted(glob.glob(os.path.join(build, "corpus", sub, "*"))):
        with open(path, "rb") as f:
            yield f.read()


# ---- server role ------------------------------------------------------------
def server_seeds(build, out):
    s = Seeds(out, "conn_server")
    answer = (headers(0, False, 0, b"content-type", b"text/plain") + data(0, 300, True) +
              headers(1, True, 0) + headers(2, False, 0) + data(2, 40, False) + trailers(2) +
              drain(0))
    k = 0
    streams = list(recorded(build, "h2spec-client-streams")) + list(
        recorded(build, "nghttp-client-streams"))
    cap = os.path.join(build, "corpus", "captures", "nghttp-session.c2s")
    if os.path.exists(cap):
        streams.append(open(cap, "rb").read())
    for st in streams:
        k += 1
        budget = MAX_LEN - 200
        body = st[:budget]
        s.add(cfg() + peer(body) + answer)
        s.add(cfg(flags=SMALL | NO_AUTO_WU, pattern=(7, 3, 1, 0), misc=0) + peer(body) + answer +
              consume(0) + window_update(0, 1000))
        if k % 4 == 0:
            s.add(cfg(flags=FAILALLOC, misc=1 | ((k % 60) << 1), pattern=(1, 0, 0, 0)) +
                  peer(body[:4000]) + answer)
        if k % 5 == 0:
            s.add(cfg(flags=NO_VALIDATION | LENIENT | NEVER, iws=3, cwin=40, mcs=3, mhls=20,
                      mfs=1, hts=9) + peer(body) + answer)

    hs = cfg(flags=HANDSHAKE)
    get1 = frame(1, END_STREAM | END_HEADERS, 1, req())
    post3 = frame(1, END_HEADERS, 3, req(b"POST", b"/echo") + lit(b"content-length", b"20"))
    # a request, answered with a body and trailers, then a push
    s.add(hs + peer(get1) + headers(0) + push(0) + data(0, 5000) + trailers(0) +
          headers(1) + data(1, 10, True) + drain(100, True) + drain(0))
    # a POST with its body, flow control, consume, window updates
    s.add(hs + peer(post3 + frame(0, 0, 3, b"0123456789") + frame(0, END_STREAM, 3, b"0123456789")) +
          consume(0) + headers(0) + data(0, 60000) + peer(frame(8, 0, 0, struct.pack(">I", 100000)) +
                                                         frame(8, 0, 3, struct.pack(">I", 100000))) +
          data(0, 60000, True) + drain(0))
    # informational responses, then the final one
    s.add(hs + peer(get1) + headers(0, False, 1) + headers(0, False, 2, b"link", b"</a>") +
          headers(0, True, 0) + drain(0))
    # ping, settings both ways, a reset, a graceful close
    s.add(hs + peer(frame(6, 0, 0, b"12345678") +
                    frame(4, 0, 0, s_entry(4, 1000) + s_entry(1, 0) + s_entry(5, 20000))) +
          ping() + settings(0, 256) + settings(3, 70000) + peer(ACK + get1 + frame(1, END_HEADERS, 5, req())) +
          reset(0xF5) + close(0) + peer(frame(1, END_STREAM | END_HEADERS, 7, req())) + drain(0))
    # HPACK: an insertion and a reference, a CONTINUATION split, a size update
    blk = req(b"GET", b"/a") + inc(b"x-a", b"1")
    s.add(hs + peer(frame(1, END_STREAM, 1, blk[:10]) + frame(9, 0, 1, blk[10:20]) +
                    frame(9, END_HEADERS, 1, blk[20:]) +
                    frame(1, END_STREAM | END_HEADERS, 3, b"\x20" + req(b"GET", b"/b") + b"\xbe")))
    # stream errors and connection errors of several kinds
    for bad in (frame(0, 0, 1, b"x"), frame(8, 0, 0, b"\x00\x00\x00\x00"),
                frame(1, END_STREAM | END_HEADERS, 2, req()),
                get1 + frame(0, 0, 1, b"late"),
                frame(1, END_STREAM | END_HEADERS, 1, req() + lit(b"X-Up", b"1")),
                frame(1, END_HEADERS, 1, req(b"POST") + lit(b"content-length", b"3")) +
                frame(0, END_STREAM, 1, b"12345"),
                frame(1, END_STREAM | END_HEADERS | PRIORITY, 1, b"\x00\x00\x00\x01\x10" + req()),
                frame(5, END_HEADERS, 1, b"\x00\x00\x00\x02" + req()),
                frame(0x20, 0xff, 0, b"unknown") + frame(0x10, 0, 0, b"\x00\x00\x00\x01u=1") +
                get1 + frame(3, 0, 1, b"\x00\x00\x00\x08"),
                frame(4, 0, 0, s_entry(4, 0x7fffffff)) + get1 + frame(8, 0, 1, b"\x00\x00\x00\x01")):
        s.add(hs + peer(bad) + headers(0) + drain(0))
        s.add(cfg(flags=HANDSHAKE | SMALL, pattern=(1, 0, 0, 0)) + peer(bad * 6) + drain(0))
    # floods under small limits
    s.add(cfg(flags=HANDSHAKE | SMALL) + peer(frame(6, 0, 0, b"floodflo") * 400))
    s.add(cfg(flags=HANDSHAKE | SMALL) +
          peer(b"".join(frame(1, END_HEADERS, 2 * i + 1, req()) +
                        frame(3, 0, 2 * i + 1, b"\x00\x00\x00\x08") for i in range(20))))
    s.add(cfg(flags=HANDSHAKE | SMALL) + peer(frame(1, 0, 1, b"\x00") + frame(9, 0, 1, b"a") * 20))
    return s


# ---- client role --------------------------------------------------------------
def client_seeds(build, out):
    s = Seeds(out, "conn_client")
    three = headers(0xF0) + headers(0xF0, True, 1) + headers(0xF0, True, 0, b"x-id", b"3")
    cap = os.path.join(build, "corpus", "captures", "nghttp-session.s2c")
    if os.path.exists(cap):
        st = open(cap, "rb").read()
        s.add(cfg() + three + three + peer(st[:MAX_LEN - 100]))
        s.add(cfg(pattern=(9, 1, 100, 0), flags=NO_AUTO_WU, misc=0) + three + three +
              peer(st[:MAX_LEN - 100]) + consume(0) + drain(0))
    hs = cfg(flags=HANDSHAKE)
    hsp = cfg(flags=HANDSHAKE | PUSH)
    ok1 = frame(1, END_HEADERS, 1, status(200) + lit(b"content-type", b"text/html"))
    ok1_end = frame(1, END_STREAM | END_HEADERS, 1, status(200))
    body1 = frame(0, 0, 1, b"hello ") + frame(0, END_STREAM, 1, b"world")
    s.add(hs + three + peer(ok1 + body1) + drain(0))
    s.add(hs + three + peer(frame(1, END_HEADERS, 1, status(103) + lit(b"link", b"</s>")) + ok1 +
                            frame(0, 0, 1, b"x" * 100) +
                            frame(1, END_STREAM | END_HEADERS, 1, lit(b"grpc-status", b"0"))))
    s.add(hsp + three + peer(frame(5, END_HEADERS, 1, b"\x00\x00\x00\x02" + req(b"GET", b"/p")) + ok1 +
                             frame(1, END_HEADERS, 2, status(200)) + frame(0, END_STREAM, 2, b"css") +
                             body1) + reset(0xF2) + drain(0))
    s.add(hs + three + peer(frame(7, 0, 0, b"\x00\x00\x00\x01\x00\x00\x00\x00bye") + ok1_end) +
          headers(0xF0) + drain(0))
    s.add(hs + three + peer(frame(6, 0, 0, b"abcdefgh") + frame(8, 0, 0, b"\x00\x01\x00\x00") +
                            frame(8, 0, 1, b"\x00\x01\x00\x00") +
                            frame(4, 0, 0, s_entry(4, 10) + s_entry(1, 100) + s_entry(3, 1))) +
          data(0, 30000, True) + ping() + peer(ACK) + drain(0))
    s.add(hs + three + peer(frame(3, 0, 1, b"\x00\x00\x00\x07") + frame(10, 0, 0, b"\x00\x0bhttps://a.bh2=\":443\"") +
                            frame(12, 0, 0, b"\x00\x0bhttps://a.b") + frame(0x21, 0, 3, b"?")) + drain(0))
    blk = status(200) + inc(b"x-a", b"1") + lit(b"server", b"s" * 100)
    s.add(hs + three + peer(frame(1, 0, 1, blk[:7]) + frame(9, 0, 1, blk[7:50]) +
                            frame(9, END_HEADERS, 1, blk[50:]) +
                            frame(1, END_STREAM | END_HEADERS, 3, b"\x20" + status(404) + b"\xbe")))
    for bad in (frame(1, END_HEADERS, 1, status(101)), frame(0, END_STREAM, 1, b"early"),
                frame(1, END_STREAM | END_HEADERS, 1, lit(b"server", b"x")),
                frame(1, END_HEADERS, 1, status(200) + lit(b"content-length", b"9")) +
                frame(0, END_STREAM, 1, b"1234"),
                frame(5, END_HEADERS, 1, b"\x00\x00\x00\x02" + req()),
                frame(4, 0, 0, s_entry(2, 1)), frame(1, END_HEADERS, 2, status(200)),
                frame(7, 0, 0, b"\x00\x00\x00\x03\x00\x00\x00\x00") +
                frame(7, 0, 0, b"\x00\x00\x00\x05\x00\x00\x00\x00")):
        s.add(hs + three + peer(bad) + drain(0))
        s.add(hsp + three + peer(bad + ok1 + body1) + drain(0))
    s.add(cfg(flags=HANDSHAKE | SMALL) + three + peer(frame(6, 0, 0, b"floodflo") * 400))
    s.add(cfg() + three + peer(SETTINGS + ACK + ok1 + body1) + drain(0))
    s.add(cfg() + three + peer(frame(4, 0, 0, s_entry(2, 0) + s_entry(3, 100)) + ACK + ok1 + body1) +
          drain(0))
    s.add(cfg() + three + peer(frame(6, 0, 0, b"notfirst") + SETTINGS))
    return s


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    build, out = sys.argv[1], sys.argv[2]
    for s in (server_seeds(build, out), client_seeds(build, out)):
        print("%s: %d seeds" % (os.path.basename(s.dir), s.n))


if __name__ == "__main__":
    main()
