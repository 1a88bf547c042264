#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""h2conform: a raw-frame HTTP/2 conformance suite for a cleartext server.

usage: h2conform.py --host 127.0.0.1 --port N [--only REGEX] [-v] [--json]
                    [--get-path /] [--echo-path /echo] [--no-echo]
                    [--expect-fail-file FILE] [--strict-stream-errors]
                    [--allow-generic-codes] [--timeout 2] [--suite-timeout 180]
                    [--server-pid PID]
       h2conform.py --list | --self-test

Speaks HTTP/2 with prior knowledge over a plain TCP socket, frame by frame,
and checks what the server answers against RFC 9113 (sections 3-8) and
RFC 7541 (sections 2.3-6), plus a few scenarios (flow control with tiny
windows, floods, graceful shutdown).  Transport and HPACK are written here
with the standard library only, so that malformed frames and header blocks
can be built at will.

Each case prints one line: "ok", "FAIL", "skip" or "xfail" (a failure that
--expect-fail-file lists), the case id, the RFC section, what was expected and
what was seen.  The run ends with the line
    conformance: N passed, M failed, K skipped
and exits 1 when any case failed unexpectedly (a listed case that passes
counts as failed too, so that the list stays exact).

The server is expected to answer GET and HEAD on --get-path with 200 and a
body, POST and PUT on --echo-path with 200 and the request body, and other
paths with 404.  Cases marked echo are skipped with --no-echo.
tests/conformance/README.md says how answers are judged.
"""

import argparse
import collections
import json
import os
import re
import select
import signal
import socket
import struct
import sys
import time

# ---------------------------------------------------------------------------
# Protocol constants (RFC 9113 sections 6, 7 and 11)

DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, \
    WINDOW_UPDATE, CONTINUATION = range(10)
FRAME_NAMES = ("DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
               "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE",
               "CONTINUATION")
END_STREAM = 0x1
ACK = 0x1
END_HEADERS = 0x4
PADDED = 0x8
PRIO = 0x20
DEFINED_FLAGS = {DATA: 0x09, HEADERS: 0x2d, PRIORITY: 0, RST_STREAM: 0,
                 SETTINGS: 0x01, PUSH_PROMISE: 0x0c, PING: 0x01, GOAWAY: 0,
                 WINDOW_UPDATE: 0, CONTINUATION: 0x04}

NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, \
    SETTINGS_TIMEOUT, STREAM_CLOSED, FRAME_SIZE_ERROR, REFUSED_STREAM, \
    CANCEL, COMPRESSION_ERROR, CONNECT_ERROR, ENHANCE_YOUR_CALM, \
    INADEQUATE_SECURITY, HTTP_1_1_REQUIRED = range(14)
ERROR_NAMES = ("NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR",
               "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED",
               "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
               "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
               "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED")

S_HEADER_TABLE_SIZE, S_ENABLE_PUSH, S_MAX_CONCURRENT_STREAMS, \
    S_INITIAL_WINDOW_SIZE, S_MAX_FRAME_SIZE, S_MAX_HEADER_LIST_SIZE = range(1, 7)
SETTING_NAMES = {1: "HEADER_TABLE_SIZE", 2: "ENABLE_PUSH",
                 3: "MAX_CONCURRENT_STREAMS", 4: "INITIAL_WINDOW_SIZE",
                 5: "MAX_FRAME_SIZE", 6: "MAX_HEADER_LIST_SIZE"}

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
MAX_WINDOW = 2 ** 31 - 1
DEFAULT_MAX_FRAME = 16384


def err_name(code):
    if 0 <= code < len(ERROR_NAMES):
        return ERROR_NAMES[code]
    return "0x%x" % code


def codes_text(codes):
    return "|".join(err_name(c) for c in sorted(codes))


# ---------------------------------------------------------------------------
# HPACK tables (RFC 7541 appendices A and B, carried over as data)

STATIC_TABLE = (
    (b':authority', b''),  # 1
    (b':method', b'GET'),  # 2
    (b':method', b'POST'),  # 3
    (b':path', b'/'),  # 4
    (b':path', b'/index.html'),  # 5
    (b':scheme', b'http'),  # 6
    (b':scheme', b'https'),  # 7
    (b':status', b'200'),  # 8
    (b':status', b'204'),  # 9
    (b':status', b'206'),  # 10
    (b':status', b'304'),  # 11
    (b':status', b'400'),  # 12
    (b':status', b'404'),  # 13
    (b':status', b'500'),  # 14
    (b'accept-charset', b''),  # 15
    (b'accept-encoding', b'gzip, deflate'),  # 16
    (b'accept-language', b''),  # 17
    (b'accept-ranges', b''),  # 18
    (b'accept', b''),  # 19
    (b'access-control-allow-origin', b''),  # 20
    (b'age', b''),  # 21
    (b'allow', b''),  # 22
    (b'authorization', b''),  # 23
    (b'cache-control', b''),  # 24
    (b'content-disposition', b''),  # 25
    (b'content-encoding', b''),  # 26
    (b'content-language', b''),  # 27
    (b'content-length', b''),  # 28
    (b'content-location', b''),  # 29
    (b'content-range', b''),  # 30
    (b'content-type', b''),  # 31
    (b'cookie', b''),  # 32
    (b'date', b''),  # 33
    (b'etag', b''),  # 34
    (b'expect', b''),  # 35
    (b'expires', b''),  # 36
    (b'from', b''),  # 37
    (b'host', b''),  # 38
    (b'if-match', b''),  # 39
    (b'if-modified-since', b''),  # 40
    (b'if-none-match', b''),  # 41
    (b'if-range', b''),  # 42
    (b'if-unmodified-since', b''),  # 43
    (b'last-modified', b''),  # 44
    (b'link', b''),  # 45
    (b'location', b''),  # 46
    (b'max-forwards', b''),  # 47
    (b'proxy-authenticate', b''),  # 48
    (b'proxy-authorization', b''),  # 49
    (b'range', b''),  # 50
    (b'referer', b''),  # 51
    (b'refresh', b''),  # 52
    (b'retry-after', b''),  # 53
    (b'server', b''),  # 54
    (b'set-cookie', b''),  # 55
    (b'strict-transport-security', b''),  # 56
    (b'transfer-encoding', b''),  # 57
    (b'user-agent', b''),  # 58
    (b'vary', b''),  # 59
    (b'via', b''),  # 60
    (b'www-authenticate', b''),  # 61
)
# (code aligned to the least significant bit, length in bits), symbols 0..256
HUFFMAN = (
    (0x1ff8, 13), (0x7fffd8, 23), (0xfffffe2, 28), (0xfffffe3, 28),
    (0xfffffe4, 28), (0xfffffe5, 28), (0xfffffe6, 28), (0xfffffe7, 28),
    (0xfffffe8, 28), (0xffffea, 24), (0x3ffffffc, 30), (0xfffffe9, 28),
    (0xfffffea, 28), (0x3ffffffd, 30), (0xfffffeb, 28), (0xfffffec, 28),
    (0xfffffed, 28), (0xfffffee, 28), (0xfffffef, 28), (0xffffff0, 28),
    (0xffffff1, 28), (0xffffff2, 28), (0x3ffffffe, 30), (0xffffff3, 28),
    (0xffffff4, 28), (0xffffff5, 28), (0xffffff6, 28), (0xffffff7, 28),
    (0xffffff8, 28), (0xffffff9, 28), (0xffffffa, 28), (0xffffffb, 28),
    (0x14, 6), (0x3f8, 10), (0x3f9, 10), (0xffa, 12), (0x1ff9, 13), (0x15, 6),
    (0xf8, 8), (0x7fa, 11), (0x3fa, 10), (0x3fb, 10), (0xf9, 8), (0x7fb, 11),
    (0xfa, 8), (0x16, 6), (0x17, 6), (0x18, 6), (0x0, 5), (0x1, 5), (0x2, 5),
    (0x19, 6), (0x1a, 6), (0x1b, 6), (0x1c, 6), (0x1d, 6), (0x1e, 6),
    (0x1f, 6), (0x5c, 7), (0xfb, 8), (0x7ffc, 15), (0x20, 6), (0xffb, 12),
    (0x3fc, 10), (0x1ffa, 13), (0x21, 6), (0x5d, 7), (0x5e, 7), (0x5f, 7),
    (0x60, 7), (0x61, 7), (0x62, 7), (0x63, 7), (0x64, 7), (0x65, 7),
    (0x66, 7), (0x67, 7), (0x68, 7), (0x69, 7), (0x6a, 7), (0x6b, 7),
    (0x6c, 7), (0x6d, 7), (0x6e, 7), (0x6f, 7), (0x70, 7), (0x71, 7),
    (0x72, 7), (0xfc, 8), (0x73, 7), (0xfd, 8), (0x1ffb, 13), (0x7fff0, 19),
    (0x1ffc, 13), (0x3ffc, 14), (0x22, 6), (0x7ffd, 15), (0x3, 5), (0x23, 6),
    (0x4, 5), (0x24, 6), (0x5, 5), (0x25, 6), (0x26, 6), (0x27, 6), (0x6, 5),
    (0x74, 7), (0x75, 7), (0x28, 6), (0x29, 6), (0x2a, 6), (0x7, 5),
    (0x2b, 6), (0x76, 7), (0x2c, 6), (0x8, 5), (0x9, 5), (0x2d, 6), (0x77, 7),
    (0x78, 7), (0x79, 7), (0x7a, 7), (0x7b, 7), (0x7ffe, 15), (0x7fc, 11),
    (0x3ffd, 14), (0x1ffd, 13), (0xffffffc, 28), (0xfffe6, 20),
    (0x3fffd2, 22), (0xfffe7, 20), (0xfffe8, 20), (0x3fffd3, 22),
    (0x3fffd4, 22), (0x3fffd5, 22), (0x7fffd9, 23), (0x3fffd6, 22),
    (0x7fffda, 23), (0x7fffdb, 23), (0x7fffdc, 23), (0x7fffdd, 23),
    (0x7fffde, 23), (0xffffeb, 24), (0x7fffdf, 23), (0xffffec, 24),
    (0xffffed, 24), (0x3fffd7, 22), (0x7fffe0, 23), (0xffffee, 24),
    (0x7fffe1, 23), (0x7fffe2, 23), (0x7fffe3, 23), (0x7fffe4, 23),
    (0x1fffdc, 21), (0x3fffd8, 22), (0x7fffe5, 23), (0x3fffd9, 22),
    (0x7fffe6, 23), (0x7fffe7, 23), (0xffffef, 24), (0x3fffda, 22),
    (0x1fffdd, 21), (0xfffe9, 20), (0x3fffdb, 22), (0x3fffdc, 22),
    (0x7fffe8, 23), (0x7fffe9, 23), (0x1fffde, 21), (0x7fffea, 23),
    (0x3fffdd, 22), (0x3fffde, 22), (0xfffff0, 24), (0x1fffdf, 21),
    (0x3fffdf, 22), (0x7fffeb, 23), (0x7fffec, 23), (0x1fffe0, 21),
    (0x1fffe1, 21), (0x3fffe0, 22), (0x1fffe2, 21), (0x7fffed, 23),
    (0x3fffe1, 22), (0x7fffee, 23), (0x7fffef, 23), (0xfffea, 20),
    (0x3fffe2, 22), (0x3fffe3, 22), (0x3fffe4, 22), (0x7ffff0, 23),
    (0x3fffe5, 22), (0x3fffe6, 22), (0x7ffff1, 23), (0x3ffffe0, 26),
    (0x3ffffe1, 26), (0xfffeb, 20), (0x7fff1, 19), (0x3fffe7, 22),
    (0x7ffff2, 23), (0x3fffe8, 22), (0x1ffffec, 25), (0x3ffffe2, 26),
    (0x3ffffe3, 26), (0x3ffffe4, 26), (0x7ffffde, 27), (0x7ffffdf, 27),
    (0x3ffffe5, 26), (0xfffff1, 24), (0x1ffffed, 25), (0x7fff2, 19),
    (0x1fffe3, 21), (0x3ffffe6, 26), (0x7ffffe0, 27), (0x7ffffe1, 27),
    (0x3ffffe7, 26), (0x7ffffe2, 27), (0xfffff2, 24), (0x1fffe4, 21),
    (0x1fffe5, 21), (0x3ffffe8, 26), (0x3ffffe9, 26), (0xffffffd, 28),
    (0x7ffffe3, 27), (0x7ffffe4, 27), (0x7ffffe5, 27), (0xfffec, 20),
    (0xfffff3, 24), (0xfffed, 20), (0x1fffe6, 21), (0x3fffe9, 22),
    (0x1fffe7, 21), (0x1fffe8, 21), (0x7ffff3, 23), (0x3fffea, 22),
    (0x3fffeb, 22), (0x1ffffee, 25), (0x1ffffef, 25), (0xfffff4, 24),
    (0xfffff5, 24), (0x3ffffea, 26), (0x7ffff4, 23), (0x3ffffeb, 26),
    (0x7ffffe6, 27), (0x3ffffec, 26), (0x3ffffed, 26), (0x7ffffe7, 27),
    (0x7ffffe8, 27), (0x7ffffe9, 27), (0x7ffffea, 27), (0x7ffffeb, 27),
    (0xffffffe, 28), (0x7ffffec, 27), (0x7ffffed, 27), (0x7ffffee, 27),
    (0x7ffffef, 27), (0x7fffff0, 27), (0x3ffffee, 26), (0x3fffffff, 30),
)

STATIC_PAIR = {}
STATIC_NAME = {}
for _i, (_n, _v) in enumerate(STATIC_TABLE, 1):
    STATIC_PAIR.setdefault((_n, _v), _i)
    STATIC_NAME.setdefault(_n, _i)
HUFFMAN_DECODE = {(length, code): sym for sym, (code, length) in enumerate(HUFFMAN)}
EOS = 256


class HpackError(Exception):
    pass


def huff_encode(data):
    acc = nbits = 0
    out = bytearray()
    for byte in data:
        code, length = HUFFMAN[byte]
        acc = (acc << length) | code
        nbits += length
        while nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xff)
        acc &= (1 << nbits) - 1
    if nbits:
        out.append(((acc << (8 - nbits)) | ((1 << (8 - nbits)) - 1)) & 0xff)
    return bytes(out)


def huff_bits(symbols):
    """Bit string (as '0'/'1' text) of the codes of SYMBOLS, unpadded."""
    return "".join(format(HUFFMAN[s][0], "0%db" % HUFFMAN[s][1]) for s in symbols)


def bits_to_bytes(bits):
    assert len(bits) % 8 == 0
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))


def huff_decode(data):
    out = bytearray()
    code = length = 0
    for byte in data:
        for shift in range(7, -1, -1):
            code = (code << 1) | ((byte >> shift) & 1)
            length += 1
            sym = HUFFMAN_DECODE.get((length, code))
            if sym is not None:
                if sym == EOS:
                    raise HpackError("Huffman string contains EOS")
                out.append(sym)
                code = length = 0
            elif length > 30:
                raise HpackError("invalid Huffman code")
    if length > 7:
        raise HpackError("Huffman padding longer than 7 bits")
    if code != (1 << length) - 1:
        raise HpackError("Huffman padding is not a prefix of EOS")
    return bytes(out)


def hp_int(value, prefix, first=0):
    """RFC 7541 5.1 integer with a PREFIX-bit prefix; FIRST holds the
    representation's pattern bits above the prefix."""
    limit = (1 << prefix) - 1
    if value < limit:
        return bytes([first | value])
    out = bytearray([first | limit])
    value -= limit
    while value >= 128:
        out.append((value & 0x7f) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def hp_str(data, huff=False):
    if huff:
        enc = huff_encode(data)
        return hp_int(len(enc), 7, 0x80) + enc
    return hp_int(len(data), 7) + data


def hp_indexed(index):
    return hp_int(index, 7, 0x80)


LITERAL_KINDS = {"inc": (6, 0x40), "noidx": (4, 0x00), "never": (4, 0x10)}


def hp_literal(name, value, kind="noidx", huff=False):
    """Literal field line.  NAME is bytes (literal name) or an int (index)."""
    prefix, first = LITERAL_KINDS[kind]
    if isinstance(name, int):
        return hp_int(name, prefix, first) + hp_str(value, huff)
    return bytes([first]) + hp_str(name, huff) + hp_str(value, huff)


def hp_size_update(size):
    return hp_int(size, 5, 0x20)


def encode_fields(fields, kind="noidx", huff=False):
    """Encode (name, value) pairs without touching the dynamic table (unless
    KIND is "inc"): exact static matches are indexed, other fields are
    literals, with a static name index where there is one."""
    out = bytearray()
    for name, value in fields:
        if (name, value) in STATIC_PAIR:
            out += hp_indexed(STATIC_PAIR[(name, value)])
        elif name in STATIC_NAME:
            out += hp_literal(STATIC_NAME[name], value, kind, huff)
        else:
            out += hp_literal(name, value, kind, huff)
    return bytes(out)


class HpackDecoder:
    """Decoder for the server's header blocks.  LIMIT is the
    SETTINGS_HEADER_TABLE_SIZE we advertised and the server acknowledged."""

    def __init__(self, limit=4096):
        self.limit = limit
        self.max = limit
        self.table = []
        self.size = 0
        self.need_update = False
        self.floor = None

    def set_limit(self, limit):
        # RFC 7541 4.2 / RFC 9113 4.3.1: when the limit drops below the
        # encoder's current maximum, the next block must start with a
        # dynamic table size update, to the smallest limit set since the
        # previous block or below.
        self.limit = limit
        self.floor = limit if self.floor is None else min(self.floor, limit)
        if self.max > self.floor:
            self.need_update = True

    def _evict(self):
        while self.size > self.max and self.table:
            name, value = self.table.pop()
            self.size -= len(name) + len(value) + 32

    def _add(self, name, value):
        size = len(name) + len(value) + 32
        if size > self.max:
            self.table = []
            self.size = 0
            return
        self.table.insert(0, (name, value))
        self.size += size
        self._evict()

    def _get(self, index):
        if index == 0:
            raise HpackError("index 0")
        if index <= len(STATIC_TABLE):
            return STATIC_TABLE[index - 1]
        index -= len(STATIC_TABLE) + 1
        if index >= len(self.table):
            raise HpackError("index %d out of range" % (index + len(STATIC_TABLE) + 1))
        return self.table[index]

    @staticmethod
    def _int(data, i, prefix):
        if i >= len(data):
            raise HpackError("truncated integer")
        limit = (1 << prefix) - 1
        value = data[i] & limit
        i += 1
        if value < limit:
            return value, i
        shift = 0
        while True:
            if i >= len(data):
                raise HpackError("truncated integer")
            byte = data[i]
            i += 1
            value += (byte & 0x7f) << shift
            shift += 7
            if value > 0xffffffff or shift > 35:
                raise HpackError("integer too large")
            if not byte & 0x80:
                return value, i

    def _str(self, data, i):
        if i >= len(data):
            raise HpackError("truncated string")
        huff = data[i] & 0x80
        length, i = self._int(data, i, 7)
        if i + length > len(data):
            raise HpackError("string runs past the block")
        raw = bytes(data[i:i + length])
        return (huff_decode(raw) if huff else raw), i + length

    def decode(self, data):
        fields = []
        i = 0
        if self.need_update:
            if not data or (data[0] & 0xe0) != 0x20:
                raise HpackError("block does not start with the dynamic table size "
                                 "update required after our SETTINGS_HEADER_TABLE_SIZE "
                                 "reduction (RFC 7541 4.2, RFC 9113 4.3.1)")
            first, _ = self._int(data, 0, 5)
            if first > self.floor:
                raise HpackError("first table size update is %d, above %d, the smallest limit "
                                 "we set since the previous block (RFC 7541 4.2)" % (first, self.floor))
        self.floor = None
        while i < len(data):
            byte = data[i]
            if byte & 0x80:
                index, i = self._int(data, i, 7)
                fields.append(self._get(index))
            elif byte & 0x40 or (byte & 0xe0) == 0 or (byte & 0xf0) == 0x10:
                prefix = 6 if byte & 0x40 else 4
                index, i = self._int(data, i, prefix)
                if index:
                    name = self._get(index)[0]
                else:
                    name, i = self._str(data, i)
                value, i = self._str(data, i)
                if byte & 0x40:
                    self._add(name, value)
                fields.append((name, value))
            else:
                if fields:
                    raise HpackError("dynamic table size update after a field line")
                size, i = self._int(data, i, 5)
                if size > self.limit:
                    raise HpackError("table size update to %d above our limit %d"
                                     % (size, self.limit))
                self.max = size
                self.need_update = False
                self._evict()
        if self.need_update:
            raise HpackError("required dynamic table size update missing")
        return fields


# ---------------------------------------------------------------------------
# Frames

def frame(ftype, flags, sid, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + \
        struct.pack(">I", sid) + payload


def prio_payload(dep, weight=15, exclusive=False):
    return struct.pack(">IB", (0x80000000 if exclusive else 0) | dep, weight)


def settings_payload(pairs):
    return b"".join(struct.pack(">HI", k, v) for k, v in pairs)


class Frame:
    __slots__ = ("type", "flags", "sid", "payload", "fields", "error")

    def __init__(self, ftype, flags, sid, payload):
        self.type, self.flags, self.sid, self.payload = ftype, flags, sid, payload
        self.fields = None
        self.error = None   # GOAWAY / RST_STREAM error code

    @property
    def name(self):
        return FRAME_NAMES[self.type] if self.type < len(FRAME_NAMES) else "TYPE_0x%02x" % self.type

    def describe(self):
        t = self.type
        if t == GOAWAY and len(self.payload) >= 8:
            last, code = struct.unpack(">II", self.payload[:8])
            return "GOAWAY(last=%d, %s)" % (last & MAX_WINDOW, err_name(code))
        if t == RST_STREAM and len(self.payload) == 4:
            return "RST_STREAM(s=%d, %s)" % (self.sid, err_name(struct.unpack(">I", self.payload)[0]))
        if t == SETTINGS:
            return "SETTINGS(ACK)" if self.flags & ACK else "SETTINGS(len=%d)" % len(self.payload)
        if t == PING:
            return "PING(%s%s)" % ("ACK, " if self.flags & ACK else "", self.payload.hex())
        if t == WINDOW_UPDATE and len(self.payload) == 4:
            return "WINDOW_UPDATE(s=%d, +%d)" % (self.sid, struct.unpack(">I", self.payload)[0] & MAX_WINDOW)
        if t == HEADERS:
            status = ""
            if self.fields:
                for n, v in self.fields:
                    if n == b":status":
                        status = ", :status=" + v.decode("latin-1")
            return "HEADERS(s=%d%s%s)" % (self.sid, status, ", ES" if self.flags & END_STREAM else "")
        if t == DATA:
            return "DATA(s=%d, len=%d%s)" % (self.sid, len(self.payload), ", ES" if self.flags & END_STREAM else "")
        return "%s(s=%d, len=%d)" % (self.name, self.sid, len(self.payload))


class Fail(Exception):
    """The case failed; the message says what was seen."""


class Skip(Exception):
    pass


class ConnClosed(Exception):
    pass


class CaseTimeout(BaseException):
    pass


class Resp:
    """What the server sent on one stream."""

    def __init__(self):
        self.blocks = []
        self.headers = None
        self.trailers = None
        self.body = bytearray()
        self.ended = False
        self.rst = None
        self.data_frames = []

    @property
    def status(self):
        if self.headers is None:
            return None
        for n, v in self.headers:
            if n == b":status":
                return v.decode("latin-1")
        return None

    def header(self, name):
        for n, v in self.headers or ():
            if n == name:
                return v
        return None


def strip_padding(flags, payload, prio=False):
    """Field block fragment / data of a HEADERS, PUSH_PROMISE or DATA payload."""
    i, pad = 0, 0
    if flags & PADDED:
        if not payload:
            raise ValueError("PADDED frame without a Pad Length")
        pad, i = payload[0], 1
    if prio and flags & PRIO:
        i += 5
    if i + pad > len(payload):
        raise ValueError("padding longer than the payload")
    return payload[i:len(payload) - pad]


# ---------------------------------------------------------------------------
# Connection

class Conn:
    """One client connection.  Everything the server sends goes through
    _process(), which keeps the flow-control, settings and HPACK state and
    records any violation of the RFC by the server in self.violations."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.timeout = ctx.timeout
        self.sock = socket.create_connection((ctx.host, ctx.port), timeout=ctx.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.queue = collections.deque()
        self.violations = []
        self.flag_violations = 0
        self.frames_seen = 0
        self.log = []
        self.closed = None
        self.first_frame = None
        self.peer = {}                  # server settings
        self.peer_settings_seen = False
        self.acks = 0                   # SETTINGS ACKs received
        self.pending = collections.deque()   # our SETTINGS not yet acknowledged
        self.my_max_frame = DEFAULT_MAX_FRAME
        self.my_max_frame_pending = DEFAULT_MAX_FRAME
        self.my_initial = 65535
        self.dec = HpackDecoder(4096)
        self.rconn = 65535              # what the server may still send us
        self.rwin = {}
        self.sconn = 65535              # what we may still send the server
        self.swin = {}
        self.peer_initial = 65535
        self.peer_max_frame = DEFAULT_MAX_FRAME
        self.auto_window = True
        self.streams = {}
        self.ended_by_us = set()
        self.reset_by_us = set()
        self.goaways = []
        self.pings = []                 # PING ACK payloads received
        self.block = None               # server header block in progress
        self.next_sid = 1
        self.pushes = 0
        self.send_error = None
        ctx.conns.append(self)

    # -- output --------------------------------------------------------
    def send(self, data):
        if self.ctx.verbose:
            self._trace_out(data)
        try:
            self.sock.settimeout(self.timeout)
            self.sock.sendall(data)
        except socket.timeout:
            raise Fail("sending blocked for %.1fs: the server stopped reading" % self.timeout)
        except OSError as e:
            # The server may already have closed after an error it detected;
            # what it sent before closing is still in our receive queue.
            self.send_error = str(e)

    def send_frame(self, ftype, flags, sid, payload=b""):
        self.send(frame(ftype, flags, sid, payload))

    def _trace_out(self, data):
        if data.startswith(PREFACE):
            self.trace(">", "connection preface")
            data = data[len(PREFACE):]
        while len(data) >= 9:
            length = int.from_bytes(data[:3], "big")
            f = Frame(data[3], data[4], struct.unpack(">I", data[5:9])[0], data[9:9 + length])
            self.trace(">", "%s flags=0x%02x" % (f.describe(), f.flags))
            data = data[9 + length:]
        if data:
            self.trace(">", "%d other octets" % len(data))

    def trace(self, direction, text):
        if self.ctx.verbose:
            self.ctx.out("    %s %s" % (direction, text))

    def preface(self, settings=((S_ENABLE_PUSH, 0),), extra=b""):
        self.send_settings(settings, send=False)
        self.send(PREFACE + frame(SETTINGS, 0, 0, settings_payload(settings)) + extra)

    def handshake(self, settings=((S_ENABLE_PUSH, 0),), extra=b""):
        self.preface(settings, extra)
        deadline = time.monotonic() + self.timeout
        while not (self.peer_settings_seen and self.acks >= 1):
            f = self.next(deadline)
            if f is None:
                raise Fail("handshake: no %s within %.1fs"
                           % ("SETTINGS" if not self.peer_settings_seen else "SETTINGS ACK",
                              self.timeout))
            if f.type == GOAWAY:
                raise Fail("handshake: server sent %s" % f.describe())
        return self

    def send_settings(self, pairs, send=True):
        """Send SETTINGS (or just note them, when the caller sends them).
        Limits that grow are applied now, ones that shrink when the ACK
        arrives: the server may use either value in between."""
        for k, v in pairs:
            if k == S_MAX_FRAME_SIZE and DEFAULT_MAX_FRAME <= v < 2 ** 24:
                self.my_max_frame_pending = max(self.my_max_frame_pending, v)
        final = dict(pairs).get(S_INITIAL_WINDOW_SIZE)
        if final is not None and self.my_initial < final <= MAX_WINDOW:
            self._set_initial(final)
        self.pending.append(list(pairs))
        if send:
            self.send_frame(SETTINGS, 0, 0, settings_payload(pairs))

    def _set_initial(self, value):
        delta = value - self.my_initial
        for sid in self.rwin:
            self.rwin[sid] += delta
        self.my_initial = value

    def _settings_acked(self):
        if not self.pending:
            self.violate("SETTINGS ACK without an outstanding SETTINGS (RFC 9113 6.5.3)")
            return
        pairs = self.pending.popleft()
        for k, v in pairs:
            if k == S_HEADER_TABLE_SIZE:
                self.dec.set_limit(v)
            elif k == S_MAX_FRAME_SIZE and DEFAULT_MAX_FRAME <= v < 2 ** 24:
                self.my_max_frame = v
        final = dict(pairs).get(S_INITIAL_WINDOW_SIZE)
        if final is not None and final < self.my_initial:
            self._set_initial(final)
        if not self.pending:
            self.my_max_frame_pending = self.my_max_frame

    def new_sid(self):
        sid = self.next_sid
        self.next_sid += 2
        return sid

    def authority(self):
        return ("%s:%d" % (self.ctx.host, self.ctx.port)).encode()

    def req_fields(self, method=b"GET", path=None, extra=()):
        if path is None:
            path = self.ctx.get_path if method in (b"GET", b"HEAD") else self.ctx.echo_path
        return [(b":method", method), (b":scheme", b"http"), (b":path", path),
                (b":authority", self.authority())] + list(extra)

    def opened(self, sid):
        if sid not in self.rwin:
            self.rwin[sid] = self.my_initial
            self.swin[sid] = self.peer_initial
        self.streams.setdefault(sid, Resp())
        if sid >= self.next_sid:
            self.next_sid = sid + 2 if sid % 2 else sid + 1

    def headers(self, sid, block, end_stream=True, end_headers=True, flags=0,
                pad=None, prio=None):
        """Send a HEADERS frame; PAD is a pad length, PRIO a 5-octet payload."""
        flags |= (END_STREAM if end_stream else 0) | (END_HEADERS if end_headers else 0)
        payload = b""
        if pad is not None:
            flags |= PADDED
            payload += bytes([pad])
        if prio is not None:
            flags |= PRIO
            payload += prio
        payload += block + b"\0" * (pad or 0)
        self.opened(sid & MAX_WINDOW)
        if end_stream:
            self.ended_by_us.add(sid & MAX_WINDOW)
        self.send_frame(HEADERS, flags, sid, payload)

    def request(self, method=b"GET", path=None, extra=(), body=None, sid=None,
                end_stream=True):
        """Send a request; return its stream id."""
        sid = sid or self.new_sid()
        block = encode_fields(self.req_fields(method, path, extra))
        if body is None:
            self.headers(sid, block, end_stream=end_stream)
        else:
            self.headers(sid, block, end_stream=False)
            self.send_body(sid, body, end_stream=end_stream)
        return sid

    def get(self, path=None, extra=()):
        return self.request(b"GET", path, extra)

    def open_stream(self):
        """A stream left open on both sides: a POST with no END_STREAM (a GET
        with no END_STREAM under --no-echo)."""
        if self.ctx.no_echo:
            return self.request(b"GET", end_stream=False)
        return self.request(b"POST", self.ctx.echo_path, end_stream=False)

    def data(self, sid, payload, end_stream=False, flags=0):
        self.send_frame(DATA, flags | (END_STREAM if end_stream else 0), sid, payload)
        if end_stream:
            self.ended_by_us.add(sid)

    def send_body(self, sid, body, end_stream=True, chunk=None, stall_ok=False):
        """Send BODY as DATA frames within the server's flow-control windows.
        When the windows stay shut for the timeout: raise Fail, or with
        STALL_OK return the unsent rest.  Returns b"" when all was sent, or
        the GOAWAY / RST_STREAM frame that stopped it."""
        body = memoryview(body)
        deadline = time.monotonic() + self.timeout
        sent_last = False
        while not sent_last:
            avail = min(self.sconn, self.swin.get(sid, 0), self.peer_max_frame, chunk or 1 << 30)
            if len(body) and avail <= 0:
                f = self.next(deadline, keep=True)
                if f is None:
                    if stall_ok:
                        return bytes(body)
                    raise Fail("request body stalled: no WINDOW_UPDATE from the server within %.1fs"
                               " (%d octets unsent)" % (self.timeout, len(body)))
                if f.type == GOAWAY or (f.type == RST_STREAM and f.sid == sid):
                    return f
                continue
            piece, body = body[:avail], body[avail:]
            last = not len(body)
            self.data(sid, bytes(piece), end_stream=end_stream and last)
            self.sconn -= len(piece)
            self.swin[sid] = self.swin.get(sid, 0) - len(piece)
            sent_last = last
            deadline = time.monotonic() + self.timeout
        return b""

    def ping(self, payload=b"h2cping0", flags=0):
        self.send_frame(PING, flags, 0, payload)

    def window_update(self, sid, inc):
        self.send_frame(WINDOW_UPDATE, 0, sid, struct.pack(">I", inc))
        if sid == 0:
            self.rconn += inc
        elif sid in self.rwin:
            self.rwin[sid] += inc

    def rst(self, sid, code=CANCEL):
        self.send_frame(RST_STREAM, 0, sid, struct.pack(">I", code))
        self.ended_by_us.add(sid)
        self.reset_by_us.add(sid)

    def goaway(self, last=0, code=NO_ERROR, debug=b""):
        self.send_frame(GOAWAY, 0, 0, struct.pack(">II", last, code) + debug)

    # -- input ---------------------------------------------------------
    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(1 << 18)
        except socket.timeout:
            return False
        except OSError as e:
            self.closed = "reset (%s)" % e.strerror
            raise ConnClosed(self.closed)
        if not data:
            self.closed = "closed"
            raise ConnClosed(self.closed)
        self.buf += data
        return True

    def _raw(self, deadline):
        while True:
            if len(self.buf) >= 9:
                length = int.from_bytes(self.buf[:3], "big")
                if len(self.buf) >= 9 + length:
                    hdr = bytes(self.buf[:9])
                    payload = bytes(self.buf[9:9 + length])
                    del self.buf[:9 + length]
                    return Frame(hdr[3], hdr[4], struct.unpack(">I", hdr[5:9])[0], payload)
            if not self._fill(deadline):
                return None

    def violate(self, text):
        if text not in self.violations:
            self.violations.append(text)

    def next(self, deadline=None, keep=False):
        """Next frame from the server (processed), or None at DEADLINE.
        Raises ConnClosed at end of stream.  A field block split over
        CONTINUATION frames comes back as its HEADERS frame, with .fields.
        With KEEP the frame is read from the socket and also queued, for a
        later next() to return."""
        if self.queue and not keep:
            return self.queue.popleft()
        if deadline is None:
            deadline = time.monotonic() + self.timeout
        while True:
            f = self._raw(deadline)
            if f is None:
                return None
            f = self._process(f)
            if f is not None:
                break
        if keep:
            self.queue.append(f)
        return f

    def _process(self, f):
        out = self._check(f)
        self.trace("<", f.describe())
        return out

    def _check(self, f):
        self.frames_seen += 1
        self.log.append(f)
        if self.first_frame is None:
            self.first_frame = f
            if f.type != SETTINGS or f.flags & ACK:
                self.violate("first frame from the server is %s, not SETTINGS (RFC 9113 3.4)"
                             % f.describe())
        if len(f.payload) > max(self.my_max_frame, self.my_max_frame_pending):
            self.violate("%s of %d octets exceeds our SETTINGS_MAX_FRAME_SIZE %d (RFC 9113 4.2)"
                         % (f.name, len(f.payload), self.my_max_frame))
        if f.sid & 0x80000000:
            self.violate("reserved bit set in the stream id of %s (RFC 9113 4.1)" % f.name)
            f.sid &= MAX_WINDOW
        if f.type in DEFINED_FLAGS and f.flags & ~DEFINED_FLAGS[f.type] & 0xff:
            self.flag_violations += 1
            self.violate("unused flags 0x%02x set on %s (RFC 9113 4.1)"
                         % (f.flags & ~DEFINED_FLAGS[f.type] & 0xff, f.name))
        if self.block is not None and f.type != CONTINUATION:
            self.violate("%s inside the server's field block (RFC 9113 4.3)" % f.name)
            self.block = None
        t = f.type
        if t == SETTINGS:
            self._on_settings(f)
        elif t == DATA:
            self._on_data(f)
        elif t in (HEADERS, PUSH_PROMISE):
            if t == PUSH_PROMISE:
                self.pushes += 1
                self.violate("PUSH_PROMISE received although we sent SETTINGS_ENABLE_PUSH=0 "
                             "(RFC 9113 6.5.2, 8.4)")
            try:
                frag = strip_padding(f.flags, f.payload, prio=(t == HEADERS))
                if t == PUSH_PROMISE:
                    frag = frag[4:]
            except ValueError as e:
                self.violate("malformed %s from the server: %s" % (f.name, e))
                frag = b""
            if f.flags & END_HEADERS:
                self._block_done(f, frag)
            else:
                self.block = (f, bytearray(frag))
                return None
        elif t == CONTINUATION:
            if self.block is None or self.block[0].sid != f.sid:
                self.violate("CONTINUATION from the server without a field block in progress")
                return f
            self.block[1].extend(f.payload)
            if not f.flags & END_HEADERS:
                return None
            owner, frag = self.block
            self.block = None
            self._block_done(owner, bytes(frag))
            return owner
        elif t == RST_STREAM:
            if len(f.payload) == 4:
                f.error = struct.unpack(">I", f.payload)[0]
            self.streams.setdefault(f.sid, Resp()).rst = f.error
        elif t == GOAWAY:
            if len(f.payload) >= 8:
                last, f.error = struct.unpack(">II", f.payload[:8])
                last &= MAX_WINDOW
                if self.goaways and last > self.goaways[-1][0]:
                    self.violate("GOAWAY last-stream-id increased from %d to %d (RFC 9113 6.8)"
                                 % (self.goaways[-1][0], last))
                self.goaways.append((last, f.error))
        elif t == PING:
            if len(f.payload) != 8:
                self.violate("PING of %d octets from the server" % len(f.payload))
            if f.flags & ACK:
                self.pings.append(f.payload)
            else:
                self.send_frame(PING, ACK, 0, f.payload)
        elif t == WINDOW_UPDATE:
            if len(f.payload) == 4:
                inc = struct.unpack(">I", f.payload)[0] & MAX_WINDOW
                if f.sid == 0:
                    self.sconn += inc
                elif f.sid in self.swin:
                    self.swin[f.sid] += inc
        return f

    def _on_settings(self, f):
        if f.flags & ACK:
            if f.payload:
                self.violate("SETTINGS ACK with a payload from the server")
            self.acks += 1
            self._settings_acked()
            return
        if f.sid != 0 or len(f.payload) % 6:
            self.violate("malformed SETTINGS from the server")
            return
        for off in range(0, len(f.payload), 6):
            k, v = struct.unpack(">HI", f.payload[off:off + 6])
            if k == S_ENABLE_PUSH and v != 0:
                self.violate("server sent SETTINGS_ENABLE_PUSH=%d; a server MUST NOT set it "
                             "to anything but 0 (RFC 9113 6.5.2)" % v)
            if k == S_INITIAL_WINDOW_SIZE:
                if v > MAX_WINDOW:
                    self.violate("server SETTINGS_INITIAL_WINDOW_SIZE %d > 2^31-1" % v)
                else:
                    delta = v - self.peer_initial
                    for sid in self.swin:
                        self.swin[sid] += delta
                    self.peer_initial = v
            if k == S_MAX_FRAME_SIZE:
                if not DEFAULT_MAX_FRAME <= v < 2 ** 24:
                    self.violate("server SETTINGS_MAX_FRAME_SIZE %d out of range" % v)
                else:
                    self.peer_max_frame = v
            self.peer[k] = v
        self.peer_settings_seen = True
        self.send_frame(SETTINGS, ACK, 0)

    def _on_data(self, f):
        n = len(f.payload)
        self.rconn -= n
        if self.rconn < 0:
            self.violate("DATA beyond the connection flow-control window (%d octets over) "
                         "(RFC 9113 6.9.1)" % -self.rconn)
        if f.sid in self.rwin:
            self.rwin[f.sid] -= n
            if self.rwin[f.sid] < 0:
                self.violate("DATA beyond the stream %d flow-control window (%d octets over) "
                             "(RFC 9113 6.9.1)" % (f.sid, -self.rwin[f.sid]))
        resp = self.streams.setdefault(f.sid, Resp())
        try:
            resp.body += strip_padding(f.flags, f.payload)
        except ValueError as e:
            self.violate("malformed DATA from the server: %s" % e)
        resp.data_frames.append(n)
        if f.flags & END_STREAM:
            resp.ended = True
        if self.auto_window and n:
            self.window_update(0, n)
            if not resp.ended and resp.rst is None and f.sid not in self.reset_by_us:
                self.window_update(f.sid, n)

    def _block_done(self, f, frag):
        try:
            f.fields = self.dec.decode(frag)
        except HpackError as e:
            self.violate("undecodable header block from the server: %s" % e)
            f.fields = []
        if f.type != HEADERS:
            return
        resp = self.streams.setdefault(f.sid, Resp())
        resp.blocks.append(f.fields)
        if resp.headers is None or (resp.status or "").startswith("1"):
            resp.headers = f.fields
        else:
            resp.trailers = f.fields
        if f.flags & END_STREAM:
            resp.ended = True

    # -- waiting -------------------------------------------------------
    def read_response(self, sid, timeout=None):
        """Read until stream SID ends, is reset, or the connection goes."""
        deadline = time.monotonic() + (timeout or self.timeout)
        resp = self.streams.setdefault(sid, Resp())
        try:
            while not (resp.ended or resp.rst is not None):
                f = self.next(deadline)
                if f is None:
                    raise Fail("stream %d: no complete response within %.1fs (seen: %s)"
                               % (sid, timeout or self.timeout, self.recent()))
                if f.type == GOAWAY:
                    raise Fail("stream %d: server sent %s" % (sid, f.describe()))
                if f.type in (DATA, HEADERS):
                    deadline = time.monotonic() + (timeout or self.timeout)
        except ConnClosed as e:
            raise Fail("stream %d: connection %s before the response completed" % (sid, e))
        return resp

    def expect_ok(self, sid, status="200", body=None, timeout=None):
        resp = self.read_response(sid, timeout)
        if resp.rst is not None:
            raise Fail("stream %d reset with %s" % (sid, err_name(resp.rst)))
        if status is not None and resp.status != status:
            raise Fail("stream %d: :status %s, expected %s" % (sid, resp.status, status))
        if body is not None and bytes(resp.body) != body:
            raise Fail("stream %d: body of %d octets differs from the %d expected"
                       % (sid, len(resp.body), len(body)))
        return resp

    def recent(self, n=8):
        items = [f.describe() for f in self.log[-n:]]
        return ", ".join(items) if items else "nothing"

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------------------
# Expectations

_barrier_seq = [0]


def fresh_barriers():
    """Two PING payloads never used before: an answer to an earlier barrier
    that is still in flight must not be taken for one of these."""
    _barrier_seq[0] += 1
    n = _barrier_seq[0]
    return (b"h2cb%04x" % (n * 2 % 0x10000), b"h2cb%04x" % ((n * 2 + 1) % 0x10000))


def wait_close(c, seen):
    """After a GOAWAY for an error the server MUST close the TCP connection
    (RFC 9113 5.4.1)."""
    deadline = time.monotonic() + c.timeout
    try:
        while True:
            if c.next(deadline) is None:
                raise Fail("%s, but the TCP connection was still open %.1fs later "
                           "(RFC 9113 5.4.1: MUST close)" % (seen, c.timeout))
    except ConnClosed as e:
        return "%s, then TCP %s" % (seen, e)


def expect_error(c, sid=None, stream_codes=(), conn_codes=(), close_ok=False,
                 stream_as_conn=True):
    """Send two PINGs one after the other as barriers and wait for the error.

    Passes on RST_STREAM(SID) with a code in STREAM_CODES, or on GOAWAY with
    a code in CONN_CODES (or in STREAM_CODES when STREAM_AS_CONN: RFC 9113
    5.4.1 lets an endpoint treat any stream error as a connection error)
    followed by the TCP close.  With CLOSE_OK a TCP close without GOAWAY
    passes too.  Fails when both PINGs are answered first."""
    ctx = c.ctx
    stream_codes, conn_codes = set(stream_codes), set(conn_codes)
    own_conn_codes = set(conn_codes)
    if stream_as_conn and not ctx.strict:
        conn_codes |= stream_codes
    if ctx.allow_generic:
        # RFC 9113 5.4: PROTOCOL_ERROR or INTERNAL_ERROR "can always be used
        # in place of more specific error codes".
        if stream_codes:
            stream_codes |= {PROTOCOL_ERROR, INTERNAL_ERROR}
        if conn_codes:
            conn_codes |= {PROTOCOL_ERROR, INTERNAL_ERROR}
            own_conn_codes |= {PROTOCOL_ERROR, INTERNAL_ERROR}
    wanted = []
    if stream_codes:
        wanted.append("RST_STREAM(s=%d, %s)" % (sid, codes_text(stream_codes)))
    if conn_codes:
        wanted.append("GOAWAY(%s)" % codes_text(conn_codes))
    wanted = " or ".join(wanted)
    stage = 0
    tags = fresh_barriers()
    c.ping(tags[0])
    deadline = time.monotonic() + c.timeout
    try:
        while True:
            f = c.next(deadline)
            if f is None:
                raise Fail("no %s within %.1fs (seen: %s)" % (wanted, c.timeout, c.recent()))
            if f.type == RST_STREAM and f.sid == sid and stream_codes:
                if f.error in stream_codes:
                    return f.describe()
                raise Fail(f.describe())
            if f.type == GOAWAY:
                if f.error in conn_codes:
                    note = ""
                    if f.error not in own_conn_codes:
                        note = " (a connection error in place of the stream error: RFC 9113 5.4.1)"
                    return wait_close(c, f.describe() + note)
                raise Fail(f.describe())
            if f.type == PING and f.flags & ACK and f.payload == tags[stage]:
                if stage == 1:
                    raise Fail("no %s: two PINGs sent after the frame were answered first "
                               "(seen: %s)" % (wanted, c.recent(10)))
                stage = 1
                c.ping(tags[1])
                deadline = time.monotonic() + c.timeout
    except ConnClosed as e:
        if close_ok:
            return "TCP %s without GOAWAY (the RFC allows omitting it here)" % e
        raise Fail("the TCP connection %s without %s (after: %s)" % (e, wanted, c.recent()))


def expect_conn_error(c, *codes, close_ok=False):
    return expect_error(c, conn_codes=codes, close_ok=close_ok)


def expect_stream_error(c, sid, *codes):
    return expect_error(c, sid, stream_codes=codes)


def expect_malformed(c, sid):
    """RFC 9113 8.1.1: a malformed request is a stream error of type
    PROTOCOL_ERROR; a response may precede the RST_STREAM."""
    return expect_error(c, sid, stream_codes=(PROTOCOL_ERROR,))


def expect_no_error(c, watch=None):
    """Two PING round trips with no GOAWAY, no close, and no RST_STREAM on
    the streams in WATCH (any stream when WATCH is None)."""
    for tag in fresh_barriers():
        c.ping(tag)
        deadline = time.monotonic() + c.timeout
        try:
            while True:
                f = c.next(deadline)
                if f is None:
                    raise Fail("PING not answered within %.1fs (seen: %s)" % (c.timeout, c.recent()))
                if f.type == GOAWAY or (f.type == RST_STREAM and (watch is None or f.sid in watch)):
                    raise Fail("%s (after: %s)" % (f.describe(), c.recent()))
                if f.type == PING and f.flags & ACK and f.payload == tag:
                    break
        except ConnClosed as e:
            raise Fail("the connection %s (after: %s)" % (e, c.recent()))
    return "PINGs answered, no error"


def wait_for(c, pred, what, timeout=None):
    deadline = time.monotonic() + (timeout or c.timeout)
    try:
        while True:
            f = c.next(deadline)
            if f is None:
                raise Fail("no %s within %.1fs (seen: %s)" % (what, timeout or c.timeout, c.recent()))
            if pred(f):
                return f
            if f.type == GOAWAY:
                raise Fail("waiting for %s, seen %s" % (what, f.describe()))
    except ConnClosed as e:
        raise Fail("waiting for %s, the connection %s (after: %s)" % (what, e, c.recent()))


def wait_ping_ack(c, payload):
    return wait_for(c, lambda f: f.type == PING and f.flags & ACK and f.payload == payload,
                    "PING ACK %s" % payload.hex())


def wait_headers(c, sid):
    return wait_for(c, lambda f: f.type == HEADERS and f.sid == sid, "HEADERS on stream %d" % sid)


# ---------------------------------------------------------------------------
# Registry and runner

class Case:
    def __init__(self, cid, section, title, expect, fn, level, echo, budget):
        self.id, self.section, self.title, self.expect = cid, section, title, expect
        self.fn, self.level, self.echo, self.budget = fn, level, echo, budget


CASES = []


def case(cid, section, title, expect, level=None, echo=False, budget=8.0):
    if level is None:
        level = "SCENARIO" if cid.startswith("scenario/") else "MUST"

    def register(fn):
        CASES.append(Case(cid, section, title, expect, fn, level, echo, budget))
        return fn
    return register


class Ctx:
    def __init__(self, args):
        self.host, self.port = args.host, args.port
        self.timeout = args.timeout
        self.verbose = args.verbose
        self.get_path = args.get_path.encode()
        self.echo_path = args.echo_path.encode()
        self.no_echo = args.no_echo
        self.strict = args.strict_stream_errors
        self.allow_generic = args.allow_generic_codes
        self.server_pid = args.server_pid
        self.json = args.json
        self.conns = []
        self.cache = {}

    def out(self, text):
        print(text, file=sys.stderr if self.json else sys.stdout, flush=True)

    def conn(self, settings=((S_ENABLE_PUSH, 0),), handshake=True):
        c = Conn(self)
        if handshake:
            c.handshake(settings)
        return c


def reference_body(ctx):
    """Body of GET --get-path, fetched once on a connection of its own."""
    if "get" not in ctx.cache:
        c = ctx.conn()
        resp = c.expect_ok(c.get())
        ctx.cache["get"] = bytes(resp.body)
        c.close()
    return ctx.cache["get"]


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _alarm(signum, frame):
    raise CaseTimeout()


def run(args):
    ctx = Ctx(args)
    selected = [k for k in CASES if not args.only or re.search(args.only, k.id)]
    if args.list:
        for k in selected:
            print("%-34s RFC %-9s %-6s %s%s" % (k.id, k.section, k.level, k.title,
                                                 " [echo]" if k.echo else ""))
        return 0
    xfail = set()
    if args.expect_fail_file:
        with open(args.expect_fail_file) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    xfail.add(line)
        unknown = xfail - {k.id for k in CASES}
        if unknown:
            ctx.out("conformance: unknown ids in %s: %s" % (args.expect_fail_file, " ".join(sorted(unknown))))
            return 2
    signal.signal(signal.SIGALRM, _alarm)
    counts = collections.Counter()
    results = []
    suite_deadline = time.monotonic() + args.suite_timeout
    for k in selected:
        started = time.monotonic()
        status, seen = "ok", ""
        ctx.conns = []
        if k.echo and ctx.no_echo:
            status, seen = "skip", "needs the echo path (--no-echo)"
        elif started > suite_deadline:
            status, seen = "FAIL", "not run: the suite's %gs budget is spent" % args.suite_timeout
        else:
            if ctx.verbose:
                ctx.out("--- %s" % k.id)
            signal.setitimer(signal.ITIMER_REAL, k.budget)
            try:
                seen = k.fn(ctx) or ""
            except Fail as e:
                status, seen = "FAIL", str(e)
            except Skip as e:
                status, seen = "skip", str(e)
            except ConnClosed as e:
                status, seen = "FAIL", "connection %s unexpectedly" % e
            except CaseTimeout:
                status, seen = "FAIL", "case still running after its %gs budget" % k.budget
            except OSError as e:
                status, seen = "FAIL", "socket error: %s" % e
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            violations = [v for c in ctx.conns for v in c.violations]
            if violations and status != "skip":
                status = "FAIL"
                seen = (seen + "; " if seen else "") + "server violations: " + "; ".join(violations)
            for c in ctx.conns:
                c.close()
        if status == "FAIL" and k.id in xfail:
            status = "xfail"
        elif status == "ok" and k.id in xfail:
            status, seen = "FAIL", "listed as an expected failure but passed (%s)" % seen
        counts[status] += 1
        line = "%-5s %-34s RFC %s %s: %s -- expected %s; seen %s" % (
            status, k.id, k.section, k.level, k.title, k.expect, seen or "-")
        ctx.out(line)
        results.append({"id": k.id, "status": status, "section": k.section, "level": k.level,
                        "title": k.title, "expected": k.expect, "seen": seen,
                        "seconds": round(time.monotonic() - started, 3)})
    if counts["xfail"]:
        ctx.out("conformance: %d expected failures (listed in %s)" % (counts["xfail"], args.expect_fail_file))
    summary = "conformance: %d passed, %d failed, %d skipped" % (counts["ok"], counts["FAIL"], counts["skip"])
    if args.json:
        json.dump({"results": results, "passed": counts["ok"], "failed": counts["FAIL"],
                   "skipped": counts["skip"], "xfail": counts["xfail"]}, sys.stdout, indent=1)
        print()
    ctx.out(summary)
    return 1 if counts["FAIL"] else 0


# ---------------------------------------------------------------------------
# Case helpers

def block_of(c, method=b"GET", path=None, extra=(), kind="noidx", huff=False):
    return encode_fields(c.req_fields(method, path, extra), kind, huff)


def fill_block(prefix, target):
    """PREFIX plus one literal x-filler field, exactly TARGET octets long."""
    for name in (b"x-filler", b"x-fillerx", b"x-fillerxy"):
        rest = target - len(prefix) - 1 - len(hp_str(name))
        for n in range(max(0, rest - 5), rest + 1):
            lit = hp_str(b"a" * n)
            if len(lit) == rest:
                return prefix + bytes([0]) + hp_str(name) + lit
    raise ValueError("cannot fill to %d" % target)


def conn_closed_stream(ctx):
    """A connection whose stream 1 carried a complete GET and is closed."""
    c = ctx.conn()
    sid = c.get()
    c.expect_ok(sid)
    return c, sid


def half_closed_remote(ctx):
    """A connection with stream 1 half-closed (remote) on the server: the
    GET ended with END_STREAM, but our window of 0 holds the response body
    back, so the server cannot close the stream."""
    c = ctx.conn(settings=((S_ENABLE_PUSH, 0), (S_INITIAL_WINDOW_SIZE, 0)))
    c.auto_window = False
    sid = c.get()
    f = wait_headers(c, sid)
    if f.flags & END_STREAM:
        raise Skip("the GET response has no body, so the stream cannot be held half-closed")
    return c, sid


def table_prefix(c):
    """(block prefix, table size) for cases that fill the server's dynamic
    table: the table is set to min(server's SETTINGS_HEADER_TABLE_SIZE, 4096)."""
    limit = c.peer.get(S_HEADER_TABLE_SIZE, 4096)
    if limit < 512:
        raise Skip("server SETTINGS_HEADER_TABLE_SIZE %d is too small for this case" % limit)
    if limit > 4096:
        return hp_size_update(4096), 4096
    return b"", limit


def entry_size(name, value):
    return len(name) + len(value) + 32


# ---------------------------------------------------------------------------
# RFC 9113 section 3: starting HTTP/2

@case("9113/3.4/1", "9113 3.4", "server connection preface", "SETTINGS (no ACK) as the first frame")
def c_3_4_1(ctx):
    c = ctx.conn(handshake=False)
    c.preface()
    f = c.next()
    if f is None:
        raise Fail("nothing within %.1fs" % c.timeout)
    if f.type != SETTINGS or f.flags & ACK:
        raise Fail("first frame %s" % f.describe())
    return "first frame %s" % f.describe()


@case("9113/3.4/2", "9113 3.4", "client SETTINGS acknowledged", "SETTINGS ACK after the server's SETTINGS")
def c_3_4_2(ctx):
    c = ctx.conn()
    return "SETTINGS ACK received (%d frames)" % c.frames_seen


@case("9113/3.4/3", "9113 3.4", "invalid connection preface",
      "GOAWAY(PROTOCOL_ERROR) then close, or close alone (GOAWAY MAY be omitted)")
def c_3_4_3(ctx):
    c = ctx.conn(handshake=False)
    c.send(b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n" + frame(SETTINGS, 0, 0))
    return expect_conn_error(c, PROTOCOL_ERROR, close_ok=True)


@case("9113/3.4/4", "9113 3.4", "client preface not followed by SETTINGS",
      "GOAWAY(PROTOCOL_ERROR) then close, or close alone")
def c_3_4_4(ctx):
    c = ctx.conn(handshake=False)
    c.send(PREFACE + frame(PING, 0, 0, b"h2c-pre0"))
    return expect_conn_error(c, PROTOCOL_ERROR, close_ok=True)


@case("9113/3.4/5", "9113 3.4", "frames sent right after the preface, before the server's SETTINGS",
      "the request is answered (200)")
def c_3_4_5(ctx):
    c = ctx.conn(handshake=False)
    c.opened(1)
    c.preface(extra=frame(HEADERS, END_STREAM | END_HEADERS, 1, block_of(c)))
    c.expect_ok(1)
    return "200"


# ---------------------------------------------------------------------------
# RFC 9113 section 4: frames

@case("9113/4.1/1", "9113 4.1", "unknown frame type on stream 0 is ignored", "no error, PINGs answered")
def c_4_1_1(ctx):
    c = ctx.conn()
    c.send_frame(0xfa, 0xff, 0, b"h2conform unknown frame")
    return expect_no_error(c)


@case("9113/4.1/2", "9113 4.1, 5.1", "unknown frame type on an idle stream is ignored",
      "no error; a request then opens that stream (200)")
def c_4_1_2(ctx):
    c = ctx.conn()
    c.send_frame(0xfb, 0, 1, b"unknown")
    sid = c.get()
    c.expect_ok(sid)
    return "200 on stream %d" % sid


@case("9113/4.1/3", "9113 4.1", "unknown frame type on an open stream is ignored",
      "the request completes (200)")
def c_4_1_3(ctx):
    c = ctx.conn()
    sid = c.request(b"GET", end_stream=False)
    c.send_frame(0xfc, 0x05, sid, b"\0" * 10)
    c.data(sid, b"", end_stream=True)
    c.expect_ok(sid)
    return "200"


@case("9113/4.1/4", "9113 4.1", "unused flags on PING are ignored", "PING ACK with the same payload")
def c_4_1_4(ctx):
    c = ctx.conn()
    c.ping(b"flags-fe", flags=0xfe)
    wait_ping_ack(c, b"flags-fe")
    return "PING ACK"


@case("9113/4.1/5", "9113 4.1", "unused flags on HEADERS are ignored", "200")
def c_4_1_5(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    c.headers(sid, block_of(c), flags=0xd2)
    c.expect_ok(sid)
    return "200"


@case("9113/4.1/6", "9113 4.1", "unused flags on DATA are ignored", "the body is echoed", echo=True)
def c_4_1_6(ctx):
    c = ctx.conn()
    sid = c.request(b"POST", end_stream=False)
    c.data(sid, b"hello", end_stream=True, flags=0xf6)
    c.expect_ok(sid, body=b"hello")
    return "200, body echoed"


@case("9113/4.1/7", "9113 4.1", "unused flags on SETTINGS are ignored",
      "treated as a SETTINGS without ACK: acknowledged")
def c_4_1_7(ctx):
    c = ctx.conn()
    before = c.acks
    c.pending.append([])
    c.send_frame(SETTINGS, 0xfe, 0, b"")
    wait_for(c, lambda f: c.acks > before, "SETTINGS ACK")
    return "SETTINGS ACK"


@case("9113/4.1/8", "9113 4.1", "reserved bit set in the stream id of HEADERS is ignored",
      "answered on the stream without the bit (200)")
def c_4_1_8(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    c.headers(sid | 0x80000000, block_of(c))
    c.expect_ok(sid)
    return "200 on stream %d" % sid


@case("9113/4.1/9", "9113 4.1", "reserved bit set in the stream id of PING (stream 0) is ignored",
      "PING ACK")
def c_4_1_9(ctx):
    c = ctx.conn()
    c.send_frame(PING, 0, 0x80000000, b"reserved")
    wait_ping_ack(c, b"reserved")
    return "PING ACK"


@case("9113/4.1/10", "9113 4.1", "reserved bit set in the stream id of DATA is ignored",
      "the body is echoed", echo=True)
def c_4_1_10(ctx):
    c = ctx.conn()
    sid = c.request(b"POST", end_stream=False)
    c.data(sid | 0x80000000, b"reserved", end_stream=True)
    c.ended_by_us.add(sid)
    c.expect_ok(sid, body=b"reserved")
    return "200, body echoed"


@case("9113/4.1/11", "9113 4.1", "server leaves unused flags and the reserved bit unset",
      "no unused flag or reserved bit in any frame of a GET, a HEAD, a 404 and PINGs")
def c_4_1_11(ctx):
    c = ctx.conn()
    c.expect_ok(c.get())
    c.read_response(c.request(b"HEAD"))
    c.read_response(c.get(b"/h2conform-no-such-path"))
    c.ping(b"flagchk1")
    wait_ping_ack(c, b"flagchk1")
    return "%d frames checked" % c.frames_seen


@case("9113/4.2/1", "9113 4.2", "DATA frame of SETTINGS_MAX_FRAME_SIZE octets is accepted",
      "the body is echoed", echo=True)
def c_4_2_1(ctx):
    c = ctx.conn()
    size = min(c.peer_max_frame, 16384)
    sid = c.request(b"POST", end_stream=False)
    body = bytes(range(256)) * (size // 256)
    c.data(sid, body, end_stream=True)
    c.expect_ok(sid, body=body)
    return "200, %d octets echoed" % len(body)


@case("9113/4.2/2", "9113 4.2", "DATA frame above SETTINGS_MAX_FRAME_SIZE",
      "RST_STREAM(FRAME_SIZE_ERROR) or GOAWAY(FRAME_SIZE_ERROR)")
def c_4_2_2(ctx):
    c = ctx.conn()
    size = c.peer_max_frame + 1
    if size > min(c.sconn, c.peer_initial):
        raise Skip("server's MAX_FRAME_SIZE %d exceeds its flow-control window" % c.peer_max_frame)
    sid = c.open_stream()
    c.data(sid, b"x" * size)
    return expect_error(c, sid, stream_codes=(FRAME_SIZE_ERROR,), conn_codes=(FRAME_SIZE_ERROR,))


@case("9113/4.2/3", "9113 4.2", "HEADERS frame above SETTINGS_MAX_FRAME_SIZE",
      "GOAWAY(FRAME_SIZE_ERROR): a field block frame is a connection error")
def c_4_2_3(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    c.headers(sid, fill_block(block_of(c), c.peer_max_frame + 1))
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/4.2/4", "9113 4.2", "CONTINUATION frame above SETTINGS_MAX_FRAME_SIZE",
      "GOAWAY(FRAME_SIZE_ERROR)")
def c_4_2_4(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    blk = fill_block(block_of(c), c.peer_max_frame + 10)
    c.headers(sid, blk[:9], end_headers=False)
    c.send_frame(CONTINUATION, END_HEADERS, sid, blk[9:])
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/4.2/5", "9113 4.2", "SETTINGS frame above SETTINGS_MAX_FRAME_SIZE",
      "GOAWAY(FRAME_SIZE_ERROR)")
def c_4_2_5(ctx):
    c = ctx.conn()
    n = c.peer_max_frame // 6 + 1
    c.send_frame(SETTINGS, 0, 0, settings_payload([(0xf000 + (i % 256), i) for i in range(n)]))
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/4.2/6", "9113 4.2", "HEADERS frame of exactly SETTINGS_MAX_FRAME_SIZE octets is processed",
      "an HTTP response (any status); or, if the header list exceeds the server's "
      "SETTINGS_MAX_HEADER_LIST_SIZE, RST_STREAM with any code but FRAME_SIZE_ERROR")
def c_4_2_6(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    fields = c.req_fields()
    blk = fill_block(encode_fields(fields), min(c.peer_max_frame, 16384))
    c.headers(sid, blk)
    resp = c.read_response(sid)
    if resp.rst is not None:
        listed = sum(len(n) + len(v) + 32 for n, v in fields) + len(blk)
        limit = c.peer.get(S_MAX_HEADER_LIST_SIZE)
        if resp.rst == FRAME_SIZE_ERROR or limit is None or listed <= limit:
            raise Fail("RST_STREAM(%s)" % err_name(resp.rst))
        return "RST_STREAM(%s): header list above the advertised %d" % (err_name(resp.rst), limit)
    return ":status %s" % resp.status


@case("9113/4.2/7", "9113 4.2", "server frames stay within our SETTINGS_MAX_FRAME_SIZE (16384)",
      "every frame of a large response is at most 16384 octets")
def c_4_2_7(ctx):
    c = ctx.conn()
    if ctx.no_echo:
        resp = c.expect_ok(c.get())
    else:
        body = os.urandom(40000)
        resp = c.expect_ok(c.request(b"POST", body=body), body=body)
    return "%d DATA frames, largest %d octets" % (len(resp.data_frames), max(resp.data_frames or [0]))


def partial_headers(c):
    sid = c.new_sid()
    blk = block_of(c)
    c.headers(sid, blk[:4], end_headers=False)
    return sid, blk


def field_block_interrupted(fid, what, make):
    @case("9113/4.3/%d" % fid, "9113 4.3, 6.2", "field block interrupted by %s" % what,
          "GOAWAY(PROTOCOL_ERROR)")
    def run_case(ctx):
        c = ctx.conn()
        sid, blk = partial_headers(c)
        c.send(make(c, sid, blk))
        return expect_conn_error(c, PROTOCOL_ERROR)
    return run_case


field_block_interrupted(1, "a PING", lambda c, sid, blk: frame(PING, 0, 0, b"interrup"))
field_block_interrupted(2, "DATA on the same stream", lambda c, sid, blk: frame(DATA, END_STREAM, sid, b"x"))
field_block_interrupted(3, "HEADERS on the same stream",
                        lambda c, sid, blk: frame(HEADERS, END_STREAM | END_HEADERS, sid, blk))
field_block_interrupted(4, "CONTINUATION on another stream",
                        lambda c, sid, blk: frame(CONTINUATION, END_HEADERS, sid + 2, blk[4:]))
field_block_interrupted(5, "PRIORITY on the same stream",
                        lambda c, sid, blk: frame(PRIORITY, 0, sid, prio_payload(0)))
field_block_interrupted(6, "SETTINGS", lambda c, sid, blk: frame(SETTINGS, 0, 0))
field_block_interrupted(7, "RST_STREAM on the same stream",
                        lambda c, sid, blk: frame(RST_STREAM, 0, sid, struct.pack(">I", CANCEL)))
field_block_interrupted(8, "WINDOW_UPDATE on stream 0",
                        lambda c, sid, blk: frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 1)))
field_block_interrupted(9, "HEADERS on another stream",
                        lambda c, sid, blk: frame(HEADERS, END_STREAM | END_HEADERS, sid + 2, blk))


@case("9113/4.3.1/1", "9113 4.3.1; 7541 4.2", "server encoder follows a reduced SETTINGS_HEADER_TABLE_SIZE",
      "the first response block after our SETTINGS ACK starts with a size update to 0")
def c_4_3_1_1(ctx):
    c = ctx.conn()
    c.expect_ok(c.get())
    c.expect_ok(c.get())
    before = c.acks
    c.send_settings([(S_HEADER_TABLE_SIZE, 0)])
    wait_for(c, lambda f: c.acks > before, "SETTINGS ACK")
    c.expect_ok(c.get())
    if c.dec.need_update or c.dec.max != 0:
        raise Fail("no size update seen")
    return "size update to 0 seen; response decoded"


@case("7541/4.2/2", "7541 4.2; 9113 4.3.1", "server encoder signals the smallest table size set between two blocks",
      "after SETTINGS_HEADER_TABLE_SIZE 0 then 4096, the next response block starts with a size update to 0")
def c_7541_4_2_2(ctx):
    c = ctx.conn()
    c.expect_ok(c.get())
    c.expect_ok(c.get())
    before = c.acks
    c.send_settings([(S_HEADER_TABLE_SIZE, 0)])
    c.send_settings([(S_HEADER_TABLE_SIZE, 4096)])
    wait_for(c, lambda f: c.acks >= before + 2, "2 SETTINGS ACKs")
    c.expect_ok(c.get())
    c.expect_ok(c.get())
    return "size update to 0 first; responses decoded"


# ---------------------------------------------------------------------------
# RFC 9113 section 5: streams

@case("9113/5.1/1", "9113 5.1, 6.1", "DATA on an idle stream", "GOAWAY(PROTOCOL_ERROR)")
def c_5_1_1(ctx):
    c = ctx.conn()
    c.data(1, b"idle", end_stream=True)
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/5.1/2", "9113 5.1", "WINDOW_UPDATE on an idle stream", "GOAWAY(PROTOCOL_ERROR)")
def c_5_1_2(ctx):
    c = ctx.conn()
    c.send_frame(WINDOW_UPDATE, 0, 1, struct.pack(">I", 100))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/5.1/3", "9113 5.1, 6.10", "CONTINUATION on an idle stream", "GOAWAY(PROTOCOL_ERROR)")
def c_5_1_3(ctx):
    c = ctx.conn()
    c.send_frame(CONTINUATION, END_HEADERS, 1, block_of(c))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/5.1/4", "9113 5.1, 6.3", "PRIORITY on an idle stream is allowed",
      "no error; a request on that stream afterwards gets 200")
def c_5_1_4(ctx):
    c = ctx.conn()
    c.send_frame(PRIORITY, 0, 3, prio_payload(0, 200))
    c.send_frame(PRIORITY, 0, 1, prio_payload(3, 10))
    sid = c.get()
    c.expect_ok(sid)
    return "200 on stream %d" % sid


@case("9113/5.1/5", "9113 5.1, 6.4", "RST_STREAM on an idle stream", "GOAWAY(PROTOCOL_ERROR)")
def c_5_1_5(ctx):
    c = ctx.conn()
    c.rst(1, CANCEL)
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/5.1/6", "9113 5.1, 5.1.1", "HEADERS on an even (server-initiated) stream id",
      "GOAWAY(PROTOCOL_ERROR)")
def c_5_1_6(ctx):
    c = ctx.conn()
    c.headers(2, block_of(c))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/5.1/7", "9113 5.1, 6.1", "DATA on a half-closed (remote) stream",
      "RST_STREAM(STREAM_CLOSED) or GOAWAY(STREAM_CLOSED)")
def c_5_1_7(ctx):
    c, sid = half_closed_remote(ctx)
    c.data(sid, b"late")
    return expect_stream_error(c, sid, STREAM_CLOSED)


@case("9113/5.1/8", "9113 5.1", "HEADERS on a half-closed (remote) stream",
      "RST_STREAM(STREAM_CLOSED) or GOAWAY(STREAM_CLOSED)")
def c_5_1_8(ctx):
    c, sid = half_closed_remote(ctx)
    c.headers(sid, encode_fields([(b"x-late-trailer", b"1")]))
    return expect_stream_error(c, sid, STREAM_CLOSED)


@case("9113/5.1/9", "9113 5.1, 6.9", "WINDOW_UPDATE on a half-closed (remote) stream is allowed",
      "DATA of at most the increment follows, no error")
def c_5_1_9(ctx):
    c, sid = half_closed_remote(ctx)
    c.window_update(sid, 5)
    wait_for(c, lambda f: f.type == DATA and f.sid == sid, "DATA on stream %d" % sid)
    expect_no_error(c)
    return "DATA of %d octets, no error" % len(c.streams[sid].body)


@case("9113/5.1/10", "9113 5.1, 6.3", "PRIORITY on a half-closed (remote) stream is allowed",
      "no error")
def c_5_1_10(ctx):
    c, sid = half_closed_remote(ctx)
    c.send_frame(PRIORITY, 0, sid, prio_payload(0, 100))
    return expect_no_error(c)


@case("9113/5.1/11", "9113 5.1, 6.4", "RST_STREAM on a half-closed (remote) stream",
      "no error, no RST_STREAM back, and no frame on the stream after it even once windows open")
def c_5_1_11(ctx):
    c, sid = half_closed_remote(ctx)
    c.rst(sid, CANCEL)
    mark = len(c.log)
    before = c.acks
    c.send_settings([(S_INITIAL_WINDOW_SIZE, 65535)])
    c.window_update(0, 65535)
    wait_for(c, lambda f: c.acks > before, "SETTINGS ACK")
    expect_no_error(c)
    late = [f.describe() for f in c.log[mark:] if f.sid == sid and f.type != PRIORITY]
    if late:
        raise Fail("frames on the reset stream: %s (RFC 9113 6.4: MUST NOT send)" % ", ".join(late))
    return "nothing more on stream %d" % sid


CLOSED_STREAM_CODES = dict(stream_codes=(STREAM_CLOSED,), conn_codes=(STREAM_CLOSED, PROTOCOL_ERROR))


# 5.1 "closed": "An endpoint that receives any frames after receiving a frame
# with the END_STREAM flag set MUST treat that as a connection error (Section
# 5.4.1) of type STREAM_CLOSED" (6.1's stream error is the weaker answer for a
# stream that is merely not open; the client ended this one).

@case("9113/5.1/12", "9113 5.1, 6.1", "DATA on a closed stream (after END_STREAM both ways)",
      "GOAWAY(STREAM_CLOSED): the client had ended the stream (5.1 closed)")
def c_5_1_12(ctx):
    c, sid = conn_closed_stream(ctx)
    c.data(sid, b"late")
    return expect_conn_error(c, STREAM_CLOSED)


@case("9113/5.1/13", "9113 5.1, 5.1.1", "HEADERS on a closed stream (after END_STREAM both ways)",
      "GOAWAY(STREAM_CLOSED), or GOAWAY(PROTOCOL_ERROR) for the reused id (5.1.1)")
def c_5_1_13(ctx):
    c, sid = conn_closed_stream(ctx)
    c.headers(sid, block_of(c))
    return expect_conn_error(c, STREAM_CLOSED, PROTOCOL_ERROR)


@case("9113/5.1/14", "9113 5.1, 6.1", "DATA on a stream the client reset",
      "RST_STREAM(STREAM_CLOSED), or GOAWAY(STREAM_CLOSED|PROTOCOL_ERROR)")
def c_5_1_14(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.rst(sid, CANCEL)
    expect_no_error(c, watch={sid})
    c.data(sid, b"late")
    return expect_error(c, sid, **CLOSED_STREAM_CODES)


@case("9113/5.1/15", "9113 5.1, 5.1.1", "HEADERS on a stream the client reset",
      "RST_STREAM(STREAM_CLOSED), or GOAWAY(STREAM_CLOSED|PROTOCOL_ERROR)")
def c_5_1_15(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.rst(sid, CANCEL)
    expect_no_error(c, watch={sid})
    c.headers(sid, encode_fields([(b"x-after-reset", b"1")]))
    return expect_error(c, sid, **CLOSED_STREAM_CODES)


@case("9113/5.1/16", "9113 5.1, 6.9", "WINDOW_UPDATE on a closed stream is not an error",
      "no error (6.9: MUST NOT treat it as an error)")
def c_5_1_16(ctx):
    c, sid = conn_closed_stream(ctx)
    c.window_update(sid, 1000)
    return expect_no_error(c)


@case("9113/5.1/17", "9113 5.1, 6.3", "PRIORITY on a closed stream is allowed", "no error")
def c_5_1_17(ctx):
    c, sid = conn_closed_stream(ctx)
    c.send_frame(PRIORITY, 0, sid, prio_payload(0, 7))
    return expect_no_error(c)


@case("9113/5.1/18", "9113 5.1, 5.4.2", "RST_STREAM on a closed stream",
      "no RST_STREAM in reply (5.4.2 MUST NOT) and no error (5.1 expects it)")
def c_5_1_18(ctx):
    c, sid = conn_closed_stream(ctx)
    c.rst(sid, CANCEL)
    return expect_no_error(c)


@case("9113/5.1/19", "9113 5.1, 5.1.1", "DATA on a lower stream id skipped by a newer stream (closed)",
      "RST_STREAM(STREAM_CLOSED), or GOAWAY(STREAM_CLOSED|PROTOCOL_ERROR)")
def c_5_1_19(ctx):
    c = ctx.conn()
    sid = c.request(sid=5)
    c.expect_ok(sid)
    c.data(3, b"skipped")
    return expect_error(c, 3, **CLOSED_STREAM_CODES)


# A CONTINUATION that follows no open field block is a connection error of
# type PROTOCOL_ERROR (6.10), whatever the stream's state; STREAM_CLOSED (5.1)
# is the other answer the RFC gives for a stream that is no longer open.

def stray_continuation(c, sid):
    c.send_frame(CONTINUATION, END_HEADERS, sid, encode_fields([(b"x-stray", b"1")]))
    return expect_conn_error(c, PROTOCOL_ERROR, STREAM_CLOSED)


@case("9113/5.1/20", "9113 5.1, 6.10", "CONTINUATION on a half-closed (remote) stream",
      "GOAWAY(PROTOCOL_ERROR|STREAM_CLOSED)")
def c_5_1_20(ctx):
    return stray_continuation(*half_closed_remote(ctx))


@case("9113/5.1/21", "9113 5.1, 6.10", "CONTINUATION on a stream the client reset",
      "GOAWAY(PROTOCOL_ERROR|STREAM_CLOSED)")
def c_5_1_21(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.rst(sid, CANCEL)
    expect_no_error(c, watch={sid})
    return stray_continuation(c, sid)


@case("9113/5.1/22", "9113 5.1, 6.10", "CONTINUATION on a closed stream (after END_STREAM both ways)",
      "GOAWAY(PROTOCOL_ERROR|STREAM_CLOSED)")
def c_5_1_22(ctx):
    return stray_continuation(*conn_closed_stream(ctx))


@case("9113/5.1.1/1", "9113 5.1.1", "HEADERS with a stream id lower than one already opened",
      "GOAWAY(PROTOCOL_ERROR), or GOAWAY(STREAM_CLOSED) since that stream is closed")
def c_5_1_1_1(ctx):
    c = ctx.conn()
    c.expect_ok(c.request(sid=5))
    c.headers(3, block_of(c))
    return expect_conn_error(c, PROTOCOL_ERROR, STREAM_CLOSED)


@case("9113/5.1.1/2", "9113 5.1.1", "stream ids may skip values", "200 on stream 1 and on stream 11")
def c_5_1_1_2(ctx):
    c = ctx.conn()
    c.expect_ok(c.request(sid=1))
    c.expect_ok(c.request(sid=11))
    return "200, 200"


@case("9113/5.1.1/3", "9113 5.1.1", "largest stream id 2^31-1", "200")
def c_5_1_1_3(ctx):
    c = ctx.conn()
    c.expect_ok(c.request(sid=MAX_WINDOW))
    return "200 on stream 2147483647"


@case("9113/5.1.2/1", "9113 5.1.2", "HEADERS beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS",
      "RST_STREAM(REFUSED_STREAM|PROTOCOL_ERROR) on the extra stream (or GOAWAY with one of them); "
      "the open streams still complete", budget=15.0)
def c_5_1_2_1(ctx):
    c = ctx.conn()
    limit = c.peer.get(S_MAX_CONCURRENT_STREAMS)
    if limit is None or limit > 1000:
        raise Skip("server advertises %s concurrent streams" % ("no limit" if limit is None else limit))
    batch = bytearray()
    sids = []
    method = b"GET" if ctx.no_echo else b"POST"
    for _ in range(limit):
        sid = c.new_sid()
        sids.append(sid)
        c.opened(sid)
        batch += frame(HEADERS, END_HEADERS, sid, block_of(c, method))
    c.send(bytes(batch))
    extra = c.new_sid()
    c.headers(extra, block_of(c, method), end_stream=False)
    seen = expect_error(c, extra, stream_codes=(REFUSED_STREAM, PROTOCOL_ERROR))
    if not seen.startswith("RST_STREAM"):
        return seen
    refused = [s for s in sids if c.streams[s].rst is not None]
    if refused:
        raise Fail("streams within the limit were reset too: %s" % refused[:5])
    c.data(sids[0], b"x", end_stream=True)
    c.read_response(sids[0])
    if c.streams[sids[0]].rst is not None:
        raise Fail("first stream reset after the refusal")
    return "%s after %d open streams; stream %d still answered" % (seen, limit, sids[0])


@case("9113/5.3/1", "9113 5.3.2, 6.2", "HEADERS with the PRIORITY flag", "200 (the priority fields parsed)")
def c_5_3_1(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    c.headers(sid, block_of(c), prio=prio_payload(0, 255, exclusive=True))
    c.expect_ok(sid)
    return "200"


@case("9113/5.3/2", "7540 5.3.1 (9113 5.3.2)", "HEADERS whose priority depends on its own stream",
      "RST_STREAM(PROTOCOL_ERROR) or GOAWAY(PROTOCOL_ERROR)", level="MUST(7540)")
def c_5_3_2(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    c.headers(sid, block_of(c), prio=prio_payload(sid, 15))
    return expect_stream_error(c, sid, PROTOCOL_ERROR)


@case("9113/5.3/3", "7540 5.3.1 (9113 5.3.2)", "PRIORITY on an open stream depending on itself",
      "RST_STREAM(PROTOCOL_ERROR) or GOAWAY(PROTOCOL_ERROR)", level="MUST(7540)")
def c_5_3_3(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(PRIORITY, 0, sid, prio_payload(sid, 15))
    return expect_stream_error(c, sid, PROTOCOL_ERROR)


@case("9113/5.3/4", "9113 5.3.2, 6.3", "PRIORITY depending on a stream that does not exist",
      "no error; the request is answered")
def c_5_3_4(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    c.headers(sid, block_of(c), prio=prio_payload(99, 15))
    c.send_frame(PRIORITY, 0, sid + 2, prio_payload(1001, 15))
    c.expect_ok(sid)
    return "200"


@case("9113/5.4.1/1", "9113 5.4.1", "GOAWAY names the last stream processed",
      "GOAWAY(PROTOCOL_ERROR) with last-stream-id 3 after streams 1 and 3 completed", level="SHOULD")
def c_5_4_1_1(ctx):
    c = ctx.conn()
    c.expect_ok(c.get())
    c.expect_ok(c.get())
    c.send_frame(PING, 0, 1, b"badstrm1")
    seen = expect_conn_error(c, PROTOCOL_ERROR)
    last = c.goaways[-1][0] if c.goaways else None
    if last != 3:
        raise Fail("%s; last-stream-id %s" % (seen, last))
    return seen


@case("9113/5.4.2/1", "9113 5.4.2", "RST_STREAM from the client on an open stream",
      "no RST_STREAM in reply (MUST NOT), no error")
def c_5_4_2_1(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.rst(sid, CANCEL)
    return expect_no_error(c)


@case("9113/7/1", "9113 7, 5.4.2", "RST_STREAM with an unknown error code",
      "no special behaviour: no error, the connection serves a new request")
def c_7_1(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.rst(sid, 0xdeadbeef)
    expect_no_error(c)
    c.expect_ok(c.get())
    return "no error, 200"


@case("9113/7/2", "9113 7, 6.8", "GOAWAY with an unknown error code, no stream open",
      "no special behaviour: no error in reply (a GOAWAY, if any, says NO_ERROR), and the "
      "server closes the connection, which has no stream left to serve")
def c_7_2(ctx):
    c = ctx.conn()
    c.goaway(0, 0xff)
    deadline = time.monotonic() + c.timeout
    try:
        while True:
            f = c.next(deadline)
            if f is None:
                raise Fail("the TCP connection was still open %.1fs later (seen: %s)"
                           % (c.timeout, c.recent()))
            if f.type == GOAWAY and f.error != NO_ERROR:
                raise Fail("%s: the unknown code triggered an error" % f.describe())
            if f.type == RST_STREAM:
                raise Fail(f.describe())
    except ConnClosed as e:
        return "TCP %s (after: %s)" % (e, c.recent())


@case("9113/5.5/1", "9113 5.5", "unknown frame type inside a field block", "GOAWAY(PROTOCOL_ERROR)")
def c_5_5_1(ctx):
    c = ctx.conn()
    sid, blk = partial_headers(c)
    c.send_frame(0xfd, 0, sid, b"in the middle")
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/5.5/2", "9113 5.5, 6.5.2", "unknown SETTINGS identifier is ignored",
      "SETTINGS ACK, no error, a request succeeds")
def c_5_5_2(ctx):
    c = ctx.conn()
    before = c.acks
    c.send_settings([(0x00ff, 1), (0xfeed, 0xffffffff)])
    wait_for(c, lambda f: c.acks > before, "SETTINGS ACK")
    c.expect_ok(c.get())
    return "ACK, 200"


# ---------------------------------------------------------------------------
# RFC 9113 section 6: frame definitions

@case("9113/6.1/1", "9113 6.1", "DATA on stream 0", "GOAWAY(PROTOCOL_ERROR)")
def c_6_1_1(ctx):
    c = ctx.conn()
    c.data(0, b"stream zero")
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.1/2", "9113 6.1", "DATA whose Pad Length equals the payload length",
      "GOAWAY(PROTOCOL_ERROR)")
def c_6_1_2(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(DATA, PADDED, sid, bytes([5]) + b"\0" * 4)
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.1/3", "9113 6.1", "padded DATA frames (pad 0, pad 10, all padding)",
      "the unpadded body is echoed", echo=True)
def c_6_1_3(ctx):
    c = ctx.conn()
    sid = c.request(b"POST", end_stream=False)
    c.send_frame(DATA, PADDED, sid, bytes([0]) + b"hel")
    c.send_frame(DATA, PADDED, sid, bytes([10]) + b"lo" + b"\0" * 10)
    c.send_frame(DATA, PADDED | END_STREAM, sid, bytes([7]) + b"\0" * 7)
    c.ended_by_us.add(sid)
    c.expect_ok(sid, body=b"hello")
    return "200, body 'hello'"


@case("9113/6.1/4", "9113 6.1, 4.2", "DATA with the PADDED flag and no room for the Pad Length",
      "RST_STREAM(FRAME_SIZE_ERROR) or GOAWAY(FRAME_SIZE_ERROR) (4.2: too small for mandatory data)")
def c_6_1_4(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(DATA, PADDED, sid, b"")
    return expect_error(c, sid, stream_codes=(FRAME_SIZE_ERROR,), conn_codes=(FRAME_SIZE_ERROR,))


@case("9113/6.2/1", "9113 6.2", "HEADERS on stream 0", "GOAWAY(PROTOCOL_ERROR)")
def c_6_2_1(ctx):
    c = ctx.conn()
    c.headers(0, block_of(c))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.2/2", "9113 6.2", "padded HEADERS", "200")
def c_6_2_2(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    c.headers(sid, block_of(c), pad=40)
    c.expect_ok(sid)
    return "200"


@case("9113/6.2/3", "9113 6.2", "HEADERS whose Pad Length equals the payload length",
      "GOAWAY(PROTOCOL_ERROR)")
def c_6_2_3(ctx):
    c = ctx.conn()
    blk = block_of(c)
    c.opened(1)
    c.send_frame(HEADERS, PADDED | END_HEADERS | END_STREAM, 1, bytes([len(blk) + 1]) + blk)
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.2/4", "9113 6.2, 4.2", "HEADERS with the PADDED flag and an empty payload",
      "GOAWAY(FRAME_SIZE_ERROR) (4.2: too small for mandatory data, field block frame)")
def c_6_2_4(ctx):
    c = ctx.conn()
    c.send_frame(HEADERS, PADDED | END_HEADERS | END_STREAM, 1, b"")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.2/5", "9113 6.2, 4.2", "HEADERS with the PRIORITY flag and a 3-octet payload",
      "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_2_5(ctx):
    c = ctx.conn()
    c.send_frame(HEADERS, PRIO | END_HEADERS | END_STREAM, 1, b"\0\0\0")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.2/6", "9113 6.2", "HEADERS with both PADDED and PRIORITY", "200")
def c_6_2_6(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    c.headers(sid, block_of(c), pad=7, prio=prio_payload(0, 42))
    c.expect_ok(sid)
    return "200"


@case("9113/6.2/7", "9113 6.2", "HEADERS with END_STREAM continued by CONTINUATION",
      "200: the CONTINUATION belongs to the HEADERS")
def c_6_2_7(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    blk = block_of(c)
    c.headers(sid, blk[:5], end_headers=False, end_stream=True)
    c.send_frame(CONTINUATION, END_HEADERS, sid, blk[5:])
    c.expect_ok(sid)
    return "200"


@case("9113/6.3/1", "9113 6.3", "PRIORITY on stream 0", "GOAWAY(PROTOCOL_ERROR)")
def c_6_3_1(ctx):
    c = ctx.conn()
    c.send_frame(PRIORITY, 0, 0, prio_payload(1))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.3/2", "9113 6.3", "PRIORITY of 4 octets on an open stream",
      "RST_STREAM(FRAME_SIZE_ERROR) or GOAWAY(FRAME_SIZE_ERROR)")
def c_6_3_2(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(PRIORITY, 0, sid, b"\0\0\0\0")
    return expect_stream_error(c, sid, FRAME_SIZE_ERROR)


@case("9113/6.3/3", "9113 6.3", "PRIORITY of 6 octets on an open stream",
      "RST_STREAM(FRAME_SIZE_ERROR) or GOAWAY(FRAME_SIZE_ERROR)")
def c_6_3_3(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(PRIORITY, 0, sid, prio_payload(0) + b"\0")
    return expect_stream_error(c, sid, FRAME_SIZE_ERROR)


@case("9113/6.4/1", "9113 6.4", "RST_STREAM on stream 0", "GOAWAY(PROTOCOL_ERROR)")
def c_6_4_1(ctx):
    c = ctx.conn()
    c.rst(0, CANCEL)
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.4/2", "9113 6.4", "RST_STREAM of 3 octets", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_4_2(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(RST_STREAM, 0, sid, b"\0\0\x08")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.4/3", "9113 6.4", "RST_STREAM of 5 octets", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_4_3(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(RST_STREAM, 0, sid, b"\0\0\0\x08\0")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.5/1", "9113 6.5", "SETTINGS ACK with a payload", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_5_1(ctx):
    c = ctx.conn()
    c.send_frame(SETTINGS, ACK, 0, settings_payload([(S_ENABLE_PUSH, 0)]))
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.5/2", "9113 6.5", "SETTINGS on stream 1", "GOAWAY(PROTOCOL_ERROR)")
def c_6_5_2(ctx):
    c = ctx.conn()
    c.send_frame(SETTINGS, 0, 1, settings_payload([(S_ENABLE_PUSH, 0)]))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.5/3", "9113 6.5", "SETTINGS of 3 octets (not a multiple of 6)", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_5_3(ctx):
    c = ctx.conn()
    c.send_frame(SETTINGS, 0, 0, b"\0\x02\0")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.5/4", "9113 6.5", "SETTINGS of 8 octets (not a multiple of 6)", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_5_4(ctx):
    c = ctx.conn()
    c.send_frame(SETTINGS, 0, 0, settings_payload([(S_ENABLE_PUSH, 0)]) + b"\0\x03")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.5/5", "9113 6.5, 6.5.3", "empty SETTINGS", "SETTINGS ACK")
def c_6_5_5(ctx):
    c = ctx.conn()
    before = c.acks
    c.send_settings([])
    wait_for(c, lambda f: c.acks > before, "SETTINGS ACK")
    return "SETTINGS ACK"


def bad_setting(num, title, pairs, code):
    @case("9113/6.5.2/%d" % num, "9113 6.5.2", title, "GOAWAY(%s)" % err_name(code))
    def run_case(ctx):
        c = ctx.conn()
        c.send_frame(SETTINGS, 0, 0, settings_payload(pairs))
        return expect_conn_error(c, code)
    return run_case


bad_setting(1, "SETTINGS_ENABLE_PUSH = 2", [(S_ENABLE_PUSH, 2)], PROTOCOL_ERROR)
bad_setting(2, "SETTINGS_ENABLE_PUSH = 2^32-1", [(S_ENABLE_PUSH, 0xffffffff)], PROTOCOL_ERROR)
bad_setting(3, "SETTINGS_INITIAL_WINDOW_SIZE = 2^31", [(S_INITIAL_WINDOW_SIZE, 2 ** 31)], FLOW_CONTROL_ERROR)
bad_setting(4, "SETTINGS_INITIAL_WINDOW_SIZE = 2^32-1", [(S_INITIAL_WINDOW_SIZE, 0xffffffff)],
            FLOW_CONTROL_ERROR)
bad_setting(5, "SETTINGS_MAX_FRAME_SIZE = 16383", [(S_MAX_FRAME_SIZE, 16383)], PROTOCOL_ERROR)
bad_setting(6, "SETTINGS_MAX_FRAME_SIZE = 2^24", [(S_MAX_FRAME_SIZE, 2 ** 24)], PROTOCOL_ERROR)
bad_setting(7, "SETTINGS_MAX_FRAME_SIZE = 0", [(S_MAX_FRAME_SIZE, 0)], PROTOCOL_ERROR)


def good_settings(num, title, pairs):
    @case("9113/6.5.2/%d" % num, "9113 6.5.2", title, "SETTINGS ACK, then a request gets 200")
    def run_case(ctx):
        c = ctx.conn()
        before = c.acks
        c.send_settings(pairs)
        wait_for(c, lambda f: c.acks > before, "SETTINGS ACK")
        c.expect_ok(c.get())
        return "ACK, 200"
    return run_case


good_settings(8, "SETTINGS_ENABLE_PUSH 1 then 0 (valid values)", [(S_ENABLE_PUSH, 1), (S_ENABLE_PUSH, 0)])
good_settings(9, "SETTINGS_INITIAL_WINDOW_SIZE = 2^31-1 (largest valid)", [(S_INITIAL_WINDOW_SIZE, MAX_WINDOW)])
good_settings(10, "SETTINGS_MAX_FRAME_SIZE = 2^24-1 then 16384 (both bounds valid)",
              [(S_MAX_FRAME_SIZE, 2 ** 24 - 1), (S_MAX_FRAME_SIZE, 16384)])
good_settings(11, "SETTINGS_HEADER_TABLE_SIZE 2^32-1 and SETTINGS_MAX_HEADER_LIST_SIZE 2^32-1",
              [(S_HEADER_TABLE_SIZE, 0xffffffff), (S_MAX_HEADER_LIST_SIZE, 0xffffffff)])
good_settings(12, "SETTINGS_MAX_CONCURRENT_STREAMS = 0 from a client (not special)",
              [(S_MAX_CONCURRENT_STREAMS, 0)])


@case("9113/6.5.2/13", "9113 6.5.2", "server's own SETTINGS are valid",
      "ENABLE_PUSH absent or 0, MAX_FRAME_SIZE and INITIAL_WINDOW_SIZE in range")
def c_6_5_2_13(ctx):
    c = ctx.conn()
    return "server SETTINGS: %s" % (", ".join("%s=%d" % (SETTING_NAMES.get(k, "0x%x" % k), v)
                                             for k, v in sorted(c.peer.items())) or "empty")


@case("9113/6.5.2/14", "9113 6.5.2, 8.4", "no PUSH_PROMISE after SETTINGS_ENABLE_PUSH = 0",
      "responses without PUSH_PROMISE")
def c_6_5_2_14(ctx):
    c = ctx.conn()
    c.expect_ok(c.get())
    c.expect_ok(c.get(b"/index.html" if ctx.get_path == b"/" else ctx.get_path))
    expect_no_error(c)
    return "no PUSH_PROMISE (%d frames)" % c.frames_seen


@case("9113/6.5.3/1", "9113 6.5.3", "every SETTINGS frame is acknowledged", "3 SETTINGS, 3 ACKs")
def c_6_5_3_1(ctx):
    c = ctx.conn()
    before = c.acks
    for v in (100, 200, 300):
        c.send_settings([(S_MAX_HEADER_LIST_SIZE, 65536 + v)])
    wait_for(c, lambda f: c.acks >= before + 3, "3 SETTINGS ACKs")
    expect_no_error(c)
    if c.acks != before + 3:
        raise Fail("%d ACKs" % (c.acks - before))
    return "3 ACKs"


@case("9113/6.5.3/2", "9113 6.5.3", "settings are applied in order (INITIAL_WINDOW_SIZE 0 then 65535)",
      "the last value holds: the GET body arrives whole")
def c_6_5_3_2(ctx):
    ref = reference_body(ctx)
    c = ctx.conn(settings=((S_ENABLE_PUSH, 0), (S_INITIAL_WINDOW_SIZE, 0), (S_INITIAL_WINDOW_SIZE, 65535)))
    c.expect_ok(c.get(), body=ref)
    return "body of %d octets" % len(ref)


@case("9113/6.5.3/3", "9113 6.5.3", "settings are applied in order (INITIAL_WINDOW_SIZE 65535 then 0)",
      "the last value holds: HEADERS but no DATA")
def c_6_5_3_3(ctx):
    c = ctx.conn(settings=((S_ENABLE_PUSH, 0), (S_INITIAL_WINDOW_SIZE, 65535), (S_INITIAL_WINDOW_SIZE, 0)))
    c.auto_window = False
    sid = c.get()
    f = wait_headers(c, sid)
    if f.flags & END_STREAM:
        raise Skip("the GET response has no body")
    expect_no_error(c)
    if c.streams[sid].data_frames:
        raise Fail("DATA arrived with a window of 0")
    return "HEADERS only"


@case("9113/6.6/1", "9113 8.4, 6.6", "PUSH_PROMISE from a client", "GOAWAY(PROTOCOL_ERROR)")
def c_6_6_1(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(PUSH_PROMISE, END_HEADERS, sid, struct.pack(">I", 2) + block_of(c))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.7/1", "9113 6.7", "PING", "PING with ACK and an identical payload")
def c_6_7_1(ctx):
    c = ctx.conn()
    c.ping(b"\x00\xff\x10h2c\x7f\x80")
    wait_ping_ack(c, b"\x00\xff\x10h2c\x7f\x80")
    return "PING ACK, same payload"


@case("9113/6.7/2", "9113 6.7", "PING with ACK from the client is not answered",
      "only the later plain PING is acknowledged")
def c_6_7_2(ctx):
    c = ctx.conn()
    c.ping(b"ackfirst", flags=ACK)
    c.ping(b"plainpng")
    wait_ping_ack(c, b"plainpng")
    expect_no_error(c)
    if b"ackfirst" in c.pings:
        raise Fail("the PING ACK was answered")
    return "one ACK"


@case("9113/6.7/3", "9113 6.7", "PING on stream 1", "GOAWAY(PROTOCOL_ERROR)")
def c_6_7_3(ctx):
    c = ctx.conn()
    c.send_frame(PING, 0, 1, b"stream01")
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.7/4", "9113 6.7", "PING of 7 octets", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_7_4(ctx):
    c = ctx.conn()
    c.send_frame(PING, 0, 0, b"seven77")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.7/5", "9113 6.7", "PING of 9 octets", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_7_5(ctx):
    c = ctx.conn()
    c.send_frame(PING, 0, 0, b"nine99999")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.7/6", "9113 6.7", "PING with ACK of 7 octets", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_7_6(ctx):
    c = ctx.conn()
    c.send_frame(PING, ACK, 0, b"seven77")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.8/1", "9113 6.8", "GOAWAY on stream 1", "GOAWAY(PROTOCOL_ERROR)")
def c_6_8_1(ctx):
    c = ctx.conn()
    c.send_frame(GOAWAY, 0, 1, struct.pack(">II", 0, NO_ERROR))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.8/2", "9113 6.8, 4.2", "GOAWAY of 7 octets (too small)", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_8_2(ctx):
    c = ctx.conn()
    c.send_frame(GOAWAY, 0, 0, b"\0" * 7)
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.9/1", "9113 6.9", "WINDOW_UPDATE of 0 on an open stream",
      "RST_STREAM(PROTOCOL_ERROR) or GOAWAY(PROTOCOL_ERROR)")
def c_6_9_1(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(WINDOW_UPDATE, 0, sid, struct.pack(">I", 0))
    return expect_stream_error(c, sid, PROTOCOL_ERROR)


@case("9113/6.9/2", "9113 6.9", "WINDOW_UPDATE of 0 on the connection", "GOAWAY(PROTOCOL_ERROR)")
def c_6_9_2(ctx):
    c = ctx.conn()
    c.send_frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 0))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.9/3", "9113 6.9", "WINDOW_UPDATE of 3 octets on stream 0", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_9_3(ctx):
    c = ctx.conn()
    c.send_frame(WINDOW_UPDATE, 0, 0, b"\0\0\x01")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.9/4", "9113 6.9", "WINDOW_UPDATE of 5 octets on an open stream", "GOAWAY(FRAME_SIZE_ERROR)")
def c_6_9_4(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(WINDOW_UPDATE, 0, sid, b"\0\0\0\x01\0")
    return expect_conn_error(c, FRAME_SIZE_ERROR)


@case("9113/6.9/5", "9113 6.9, 5.1", "DATA on a stream the server has reset still counts toward the "
      "connection window", "RST_STREAM(PROTOCOL_ERROR) for a malformed request, 65535 octets of DATA sent on it; "
      "the server replenishes the connection window and a later POST is echoed", echo=True)
def c_6_9_5(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    c.headers(sid, block_of(c, b"POST", extra=[(b"X-Upper", b"1")]), end_stream=False)
    sent = 0
    out = bytearray()
    while sent < 65535:
        n = min(16384, 65535 - sent)
        out += frame(DATA, END_STREAM if sent + n == 65535 else 0, sid, b"d" * n)
        sent += n
    c.send(bytes(out))
    c.sconn -= 65535
    expect_error(c, sid, stream_codes=(PROTOCOL_ERROR,))
    body = b"after the discarded DATA"
    c.expect_ok(c.request(b"POST", body=body), body=body)
    return "window replenished, POST echoed"


@case("9113/6.9.1/1", "9113 6.9.1", "connection window above 2^31-1 (one WINDOW_UPDATE of 2^31-1)",
      "GOAWAY(FLOW_CONTROL_ERROR)")
def c_6_9_1_1(ctx):
    c = ctx.conn()
    c.send_frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", MAX_WINDOW))
    return expect_conn_error(c, FLOW_CONTROL_ERROR)


@case("9113/6.9.1/2", "9113 6.9.1", "connection window raised to exactly 2^31-1, then by 1 more",
      "no error at 2^31-1; GOAWAY(FLOW_CONTROL_ERROR) after the extra 1")
def c_6_9_1_2(ctx):
    c = ctx.conn()
    c.send_frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", MAX_WINDOW - 65535))
    expect_no_error(c)
    c.send_frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 1))
    return expect_conn_error(c, FLOW_CONTROL_ERROR)


@case("9113/6.9.1/3", "9113 6.9.1", "stream window above 2^31-1",
      "RST_STREAM(FLOW_CONTROL_ERROR) (or GOAWAY(FLOW_CONTROL_ERROR))")
def c_6_9_1_3(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(WINDOW_UPDATE, 0, sid, struct.pack(">I", MAX_WINDOW))
    return expect_stream_error(c, sid, FLOW_CONTROL_ERROR)


@case("9113/6.9.1/4", "9113 6.9.1", "stream window raised to exactly 2^31-1, then by 1 more",
      "no error at 2^31-1; RST_STREAM(FLOW_CONTROL_ERROR) (or GOAWAY) after the extra 1")
def c_6_9_1_4(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(WINDOW_UPDATE, 0, sid, struct.pack(">I", MAX_WINDOW - 65535))
    expect_no_error(c)
    c.send_frame(WINDOW_UPDATE, 0, sid, struct.pack(">I", 1))
    return expect_stream_error(c, sid, FLOW_CONTROL_ERROR)


@case("9113/6.9.2/1", "9113 6.9.2", "raising SETTINGS_INITIAL_WINDOW_SIZE opens existing streams",
      "with an initial window of 0 the body waits; after SETTINGS 65535 it arrives whole")
def c_6_9_2_1(ctx):
    ref = reference_body(ctx)
    c, sid = half_closed_remote(ctx)
    c.send_settings([(S_INITIAL_WINDOW_SIZE, 65535)])
    c.auto_window = True
    c.expect_ok(sid, body=ref)
    return "body of %d octets after the SETTINGS" % len(ref)


@case("9113/6.9.2/2", "9113 6.9.2", "a SETTINGS_INITIAL_WINDOW_SIZE reduction makes a window negative",
      "window 16, 16 octets sent, SETTINGS 8 (window -8), WINDOW_UPDATE 8: nothing; "
      "WINDOW_UPDATE 4: at most 4 more; then the rest")
def c_6_9_2_2(ctx):
    ref = reference_body(ctx)
    if len(ref) < 24:
        raise Skip("the GET body has %d octets; this case needs 24" % len(ref))
    c = ctx.conn(settings=((S_ENABLE_PUSH, 0), (S_INITIAL_WINDOW_SIZE, 16)))
    c.auto_window = False
    sid = c.get()
    resp = c.streams[sid]
    wait_for(c, lambda f: len(resp.body) >= 16, "16 octets of body")
    before = c.acks
    c.send_settings([(S_INITIAL_WINDOW_SIZE, 8)])
    wait_for(c, lambda f: c.acks > before, "SETTINGS ACK")
    c.window_update(sid, 8)
    expect_no_error(c)
    if len(resp.body) != 16:
        raise Fail("%d octets arrived while the window was at most 0" % (len(resp.body) - 16))
    c.window_update(sid, 4)
    wait_for(c, lambda f: len(resp.body) >= 20, "4 more octets")
    c.send_settings([(S_INITIAL_WINDOW_SIZE, 65535)])
    c.auto_window = True
    c.expect_ok(sid, body=ref)
    return "16, then nothing, then 4, then the rest (%d octets)" % len(ref)


@case("9113/6.9.2/3", "9113 6.9.2", "SETTINGS_INITIAL_WINDOW_SIZE change pushing a stream window above 2^31-1",
      "GOAWAY(FLOW_CONTROL_ERROR)")
def c_6_9_2_3(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.send_frame(WINDOW_UPDATE, 0, sid, struct.pack(">I", MAX_WINDOW - 65535))
    expect_no_error(c)
    c.send_settings([(S_INITIAL_WINDOW_SIZE, 65536)])
    return expect_conn_error(c, FLOW_CONTROL_ERROR)


@case("9113/6.9.2/4", "9113 6.9.2, 6.9.1", "SETTINGS_INITIAL_WINDOW_SIZE does not change the connection window",
      "with an initial window of 2^31-1 the server still stops at 65535 octets until a connection WINDOW_UPDATE",
      echo=True, budget=15.0)
def c_6_9_2_4(ctx):
    c = ctx.conn(settings=((S_ENABLE_PUSH, 0), (S_INITIAL_WINDOW_SIZE, MAX_WINDOW)))
    body = os.urandom(100000)
    sid = c.request(b"POST", end_stream=False)
    c.auto_window = False
    resp = c.streams[sid]
    rest = c.send_body(sid, body, stall_ok=True)
    wait_for(c, lambda f: len(resp.body) >= 65535 or resp.ended, "65535 octets")
    expect_no_error(c)
    if len(resp.body) > 65535:
        raise Fail("%d octets with a connection window of 65535" % len(resp.body))
    c.auto_window = True
    c.window_update(0, 65535 * 2)
    if rest:
        c.send_body(sid, rest)
    c.expect_ok(sid, body=body)
    return "stopped at %d octets, then the rest" % 65535


@case("9113/6.10/1", "9113 6.10", "CONTINUATION on stream 0", "GOAWAY(PROTOCOL_ERROR)")
def c_6_10_1(ctx):
    c = ctx.conn()
    sid, blk = partial_headers(c)
    c.send_frame(CONTINUATION, END_HEADERS, 0, blk[4:])
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.10/2", "9113 6.10", "CONTINUATION after a HEADERS with END_HEADERS", "GOAWAY(PROTOCOL_ERROR)")
def c_6_10_2(ctx):
    c = ctx.conn()
    sid = c.request(b"GET", end_stream=False)
    c.send_frame(CONTINUATION, END_HEADERS, sid, encode_fields([(b"x-late", b"1")]))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.10/3", "9113 6.10", "CONTINUATION after a CONTINUATION with END_HEADERS",
      "GOAWAY(PROTOCOL_ERROR)")
def c_6_10_3(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    blk = block_of(c)
    c.headers(sid, blk[:4], end_headers=False, end_stream=False)
    c.send_frame(CONTINUATION, END_HEADERS, sid, blk[4:])
    c.send_frame(CONTINUATION, END_HEADERS, sid, encode_fields([(b"x-late", b"1")]))
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.10/4", "9113 6.10", "CONTINUATION without END_HEADERS followed by a PING",
      "GOAWAY(PROTOCOL_ERROR)")
def c_6_10_4(ctx):
    c = ctx.conn()
    sid, blk = partial_headers(c)
    c.send_frame(CONTINUATION, 0, sid, blk[4:6])
    c.ping(b"contping")
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.10/5", "9113 6.10", "CONTINUATION without END_HEADERS followed by CONTINUATION on another stream",
      "GOAWAY(PROTOCOL_ERROR)")
def c_6_10_5(ctx):
    c = ctx.conn()
    sid, blk = partial_headers(c)
    c.send_frame(CONTINUATION, 0, sid, blk[4:6])
    c.send_frame(CONTINUATION, END_HEADERS, sid + 2, blk[6:])
    return expect_conn_error(c, PROTOCOL_ERROR)


@case("9113/6.10/6", "9113 6.10, 4.1", "CONTINUATION with unused flags set", "200")
def c_6_10_6(ctx):
    c = ctx.conn()
    sid, blk = partial_headers(c)
    c.send_frame(CONTINUATION, 0xfb & ~END_HEADERS, sid, blk[4:8])
    c.send_frame(CONTINUATION, 0xfb | END_HEADERS, sid, blk[8:])
    c.ended_by_us.add(sid)
    c.expect_ok(sid)
    return "200"


@case("9113/6.10/7", "9113 6.10", "empty CONTINUATION frames inside a field block", "200")
def c_6_10_7(ctx):
    c = ctx.conn()
    sid, blk = partial_headers(c)
    c.send_frame(CONTINUATION, 0, sid, b"")
    c.send_frame(CONTINUATION, 0, sid, blk[4:])
    c.send_frame(CONTINUATION, END_HEADERS, sid, b"")
    c.expect_ok(sid)
    return "200"


@case("9113/6.10/8", "9113 6.10", "CONTINUATION after DATA on an open stream",
      "GOAWAY(PROTOCOL_ERROR)")
def c_6_10_8(ctx):
    c = ctx.conn()
    sid = c.open_stream()
    c.data(sid, b"body")
    c.send_frame(CONTINUATION, END_HEADERS, sid, encode_fields([(b"x-stray", b"1")]))
    return expect_conn_error(c, PROTOCOL_ERROR)


# ---------------------------------------------------------------------------
# RFC 9113 section 8: HTTP semantics

def replace_field(fields, name, value):
    return [(n, value if n == name else v) for n, v in fields]


def drop_field(fields, name):
    return [(n, v) for n, v in fields if n != name]


def malformed(cid, section, title, make, level="MUST", echo=False):
    """A request whose header list MAKE(c, base_fields) returns is malformed:
    RST_STREAM(PROTOCOL_ERROR) (RFC 9113 8.1.1)."""
    @case(cid, section, title, "RST_STREAM(PROTOCOL_ERROR) (or GOAWAY(PROTOCOL_ERROR)); "
          "a response may come first", level=level, echo=echo)
    def run_case(ctx):
        c = ctx.conn()
        sid = c.new_sid()
        method = b"POST" if echo else b"GET"
        c.headers(sid, encode_fields(make(c, c.req_fields(method))))
        return expect_malformed(c, sid)
    return run_case


@case("9113/8.1/1", "9113 8.1", "second HEADERS without END_STREAM (not trailers)",
      "RST_STREAM(PROTOCOL_ERROR) (or GOAWAY(PROTOCOL_ERROR))")
def c_8_1_1(ctx):
    c = ctx.conn()
    sid = c.request(b"GET", end_stream=False)
    c.headers(sid, encode_fields([(b"x-second", b"1")]), end_stream=False)
    return expect_malformed(c, sid)


@case("9113/8.1/2", "9113 8.1, 8.3", "trailers containing a pseudo-header field",
      "RST_STREAM(PROTOCOL_ERROR) (or GOAWAY(PROTOCOL_ERROR))")
def c_8_1_2(ctx):
    c = ctx.conn()
    sid = c.request(b"GET", end_stream=False)
    c.headers(sid, encode_fields([(b"x-trailer", b"1"), (b":path", b"/")]))
    return expect_malformed(c, sid)


@case("9113/8.1/3", "9113 8.1", "request with trailers and no content", "200")
def c_8_1_3(ctx):
    c = ctx.conn()
    sid = c.request(b"GET", end_stream=False)
    c.headers(sid, encode_fields([(b"x-trailer", b"yes")]))
    c.expect_ok(sid)
    return "200"


@case("9113/8.1.1/1", "9113 8.1.1", "content-length larger than the DATA sent",
      "RST_STREAM(PROTOCOL_ERROR) (or GOAWAY(PROTOCOL_ERROR))", echo=True)
def c_8_1_1_1(ctx):
    c = ctx.conn()
    sid = c.request(b"POST", extra=[(b"content-length", b"10")], end_stream=False)
    c.data(sid, b"hello", end_stream=True)
    return expect_malformed(c, sid)


@case("9113/8.1.1/2", "9113 8.1.1", "content-length smaller than the DATA sent",
      "RST_STREAM(PROTOCOL_ERROR) (or GOAWAY(PROTOCOL_ERROR))", echo=True)
def c_8_1_1_2(ctx):
    c = ctx.conn()
    sid = c.request(b"POST", extra=[(b"content-length", b"2")], end_stream=False)
    c.data(sid, b"hello", end_stream=True)
    return expect_malformed(c, sid)


@case("9113/8.1.1/3", "9113 8.1.1", "content-length 10 on a HEADERS with END_STREAM (no content)",
      "RST_STREAM(PROTOCOL_ERROR) (or GOAWAY(PROTOCOL_ERROR))", echo=True)
def c_8_1_1_3(ctx):
    c = ctx.conn()
    sid = c.request(b"POST", extra=[(b"content-length", b"10")])
    return expect_malformed(c, sid)


@case("9113/8.1.1/4", "9113 8.1.1", "content-length equal to the sum of three DATA frames",
      "200, the body echoed", echo=True)
def c_8_1_1_4(ctx):
    c = ctx.conn()
    sid = c.request(b"POST", extra=[(b"content-length", b"9")], end_stream=False)
    c.data(sid, b"abc")
    c.data(sid, b"def")
    c.data(sid, b"ghi", end_stream=True)
    c.expect_ok(sid, body=b"abcdefghi")
    return "200, body echoed"


@case("9113/8.1.1/5", "9113 8.1.1", "response to HEAD", "200 and no content in DATA frames")
def c_8_1_1_5(ctx):
    c = ctx.conn()
    resp = c.expect_ok(c.request(b"HEAD"))
    if resp.body:
        raise Fail("%d octets of content in the HEAD response" % len(resp.body))
    return "200, no content"


@case("9113/8.1.1/6", "9113 8.1.1", "content-length of a GET response matches its DATA",
      "content-length (if sent) equals the body length")
def c_8_1_1_6(ctx):
    c = ctx.conn()
    resp = c.expect_ok(c.get())
    cl = resp.header(b"content-length")
    if cl is not None and int(cl) != len(resp.body):
        raise Fail("content-length %s, body %d octets" % (cl.decode(), len(resp.body)))
    return "content-length %s, body %d octets" % (cl.decode() if cl else "absent", len(resp.body))


malformed("9113/8.2/1", "9113 8.2, 8.2.1", "uppercase field name",
          lambda c, f: f + [(b"X-Upper", b"1")])
BAD_NAMES = [(b"x y", "SP"), (b"x\x00y", "NUL"), (b"x\x01y", "a control character"),
             (b"x\x7fy", "DEL"), (b"x\xc3\xa9y", "non-ASCII octets"), (b"x:y", "a colon")]
for _n, (_name, _what) in enumerate(BAD_NAMES, 1):
    malformed("9113/8.2.1/%d" % _n, "9113 8.2.1", "field name containing %s" % _what,
              lambda c, f, _name=_name: f + [(_name, b"1")])
BAD_VALUES = [(b"a\x00b", "NUL"), (b"a\nb", "LF"), (b"a\rb", "CR"), (b" ab", "a leading SP"),
              (b"ab ", "a trailing SP"), (b"\tab", "a leading HTAB"), (b"ab\t", "a trailing HTAB")]
for _n, (_value, _what) in enumerate(BAD_VALUES, len(BAD_NAMES) + 1):
    malformed("9113/8.2.1/%d" % _n, "9113 8.2.1", "field value containing %s" % _what,
              lambda c, f, _value=_value: f + [(b"x-value", _value)])
malformed("9113/8.2.1/14", "9113 8.2.1", "field name that is not an HTTP token ('x(y')",
          lambda c, f: f + [(b"x(y", b"1")], level="SHOULD")
malformed("9113/8.2.1/15", "9113 8.2.1", "empty field name",
          lambda c, f: f + [(b"", b"1")], level="SHOULD")
malformed("9113/8.2.1/16", "9113 8.2.1", "field value containing a control character (0x01)",
          lambda c, f: f + [(b"x-value", b"a\x01b")], level="SHOULD")

for _n, (_name, _value) in enumerate([(b"connection", b"keep-alive"), (b"proxy-connection", b"keep-alive"),
                                      (b"keep-alive", b"timeout=5"), (b"transfer-encoding", b"chunked"),
                                      (b"upgrade", b"h2c")], 1):
    malformed("9113/8.2.2/%d" % _n, "9113 8.2.2", "connection-specific field %s" % _name.decode(),
              lambda c, f, _name=_name, _value=_value: f + [(_name, _value)])


@case("9113/8.2.2/6", "9113 8.2.2", "te: trailers is allowed", "200")
def c_8_2_2_6(ctx):
    c = ctx.conn()
    c.expect_ok(c.get(extra=[(b"te", b"trailers")]))
    return "200"


malformed("9113/8.2.2/7", "9113 8.2.2", "te with a value other than trailers (gzip)",
          lambda c, f: f + [(b"te", b"gzip")])
malformed("9113/8.2.2/8", "9113 8.2.2", "te: trailers, deflate",
          lambda c, f: f + [(b"te", b"trailers, deflate")])


def check_response_fields(c):
    """Responses to a GET, a HEAD and a 404 (and an echo): their field lists."""
    ctx = c.ctx
    out = []
    for sid in (c.get(), c.request(b"HEAD"), c.get(b"/h2conform-no-such-path")):
        out.append(c.read_response(sid))
    if not ctx.no_echo:
        out.append(c.expect_ok(c.request(b"POST", body=b"x"), body=b"x"))
    return out


@case("9113/8.3.2/1", "9113 8.3.2, 8.3", "responses carry exactly one :status, first, and no other pseudo-header",
      ":status once, before regular fields; no request pseudo-header fields")
def c_8_3_2_1(ctx):
    c = ctx.conn()
    statuses = []
    for resp in check_response_fields(c):
        for block in resp.blocks[:1]:
            names = [n for n, v in block]
            pseudo = [n for n in names if n.startswith(b":")]
            if pseudo != [b":status"] or names[0] != b":status":
                raise Fail("response fields %s" % [n.decode("latin-1") for n in names])
            statuses.append(resp.status)
        if resp.trailers and any(n.startswith(b":") for n, v in resp.trailers):
            raise Fail("pseudo-header field in response trailers")
    return "statuses %s" % ", ".join(s or "?" for s in statuses)


@case("9113/8.2/2", "9113 8.2, 8.2.1", "response field names are lowercase and valid",
      "no uppercase or invalid character in any response field name or value")
def c_8_2_2(ctx):
    c = ctx.conn()
    n = 0
    for resp in check_response_fields(c):
        for block in resp.blocks:
            for name, value in block:
                n += 1
                body = name[1:] if name.startswith(b":") else name
                if not body or re.search(rb"[\x00-\x20A-Z\x7f-\xff:]", body):
                    raise Fail("field name %r" % name)
                if re.search(rb"[\x00\r\n]", value) or value[:1] in (b" ", b"\t") or value[-1:] in (b" ", b"\t"):
                    raise Fail("field value %r" % value)
    return "%d fields checked" % n


@case("9113/8.2.2/9", "9113 8.2.2", "responses carry no connection-specific fields",
      "no connection, keep-alive, proxy-connection, transfer-encoding or upgrade")
def c_8_2_2_9(ctx):
    c = ctx.conn()
    banned = {b"connection", b"keep-alive", b"proxy-connection", b"transfer-encoding", b"upgrade"}
    for resp in check_response_fields(c):
        for block in resp.blocks:
            for name, value in block:
                if name in banned:
                    raise Fail("response field %s" % name.decode())
    return "none"


malformed("9113/8.3/1", "9113 8.3", "unknown pseudo-header field :foo",
          lambda c, f: f[:3] + [(b":foo", b"bar")] + f[3:])
malformed("9113/8.3/2", "9113 8.3", "response pseudo-header :status in a request",
          lambda c, f: f[:3] + [(b":status", b"200")] + f[3:])
malformed("9113/8.3/3", "9113 8.3", "pseudo-header field after a regular field",
          lambda c, f: drop_field(f, b":path") + [(b"x-regular", b"1"), (b":path", c.ctx.get_path)])
for _n, _name in enumerate([b":method", b":scheme", b":path", b":authority"], 4):
    malformed("9113/8.3/%d" % _n, "9113 8.3", "duplicate %s" % _name.decode(),
              lambda c, f, _name=_name: f[:4] + [(_name, dict(f)[_name])] + f[4:])
for _n, _name in enumerate([b":method", b":scheme", b":path"], 1):
    malformed("9113/8.3.1/%d" % _n, "9113 8.3.1", "request without %s" % _name.decode(),
              lambda c, f, _name=_name: drop_field(f, _name))
malformed("9113/8.3.1/4", "9113 8.3.1", "empty :path", lambda c, f: replace_field(f, b":path", b""))
malformed("9113/8.3.1/5", "9113 8.3.1", ":path not starting with / ('index.html')",
          lambda c, f: replace_field(f, b":path", b"index.html"))
malformed("9113/8.3.1/6", "9113 8.3.1", ":path '*' on a GET (asterisk form is for OPTIONS only)",
          lambda c, f: replace_field(f, b":path", b"*"))


@case("9113/8.3.1/7", "9113 8.3.1", "OPTIONS with :path '*'", "an HTTP response (any status), no stream error")
def c_8_3_1_7(ctx):
    c = ctx.conn()
    resp = c.read_response(c.request(b"OPTIONS", b"*"))
    if resp.rst is not None:
        raise Fail("RST_STREAM(%s)" % err_name(resp.rst))
    return ":status %s" % resp.status


malformed("9113/8.3.1/8", "9113 8.3.1", "host field differing from :authority",
          lambda c, f: f + [(b"host", b"other.example")], level="SHOULD")
malformed("9113/8.5/1", "9113 8.5", "CONNECT without :authority",
          lambda c, f: [(b":method", b"CONNECT")])
malformed("9113/8.5/2", "9113 8.5", "CONNECT with :scheme and :path",
          lambda c, f: replace_field(f, b":method", b"CONNECT"))


# ---------------------------------------------------------------------------
# RFC 7541: header compression, as a server's decoder shows it

def hreq(c, block, sid=None):
    sid = sid or c.new_sid()
    c.headers(sid, block)
    return sid


def base_block(c, path=None, extra=()):
    """Request fields without :path first, for cases that add their own :path."""
    fields = [(b":method", b"GET"), (b":scheme", b"http")]
    if path is not None:
        fields.append((b":path", path))
    fields.append((b":authority", c.authority()))
    return encode_fields(fields + list(extra))


def compression_error(cid, section, title, make):
    @case(cid, section, title, "GOAWAY(COMPRESSION_ERROR)")
    def run_case(ctx):
        c = ctx.conn()
        hreq(c, make(c))
        return expect_conn_error(c, COMPRESSION_ERROR)
    return run_case


compression_error("7541/2.3.3/1", "7541 2.3.3", "indexed field 62 with an empty dynamic table",
                  lambda c: block_of(c) + hp_indexed(62))
compression_error("7541/2.3.3/2", "7541 2.3.3", "indexed field 2^20",
                  lambda c: block_of(c) + hp_indexed(2 ** 20))
compression_error("7541/6.1/1", "7541 6.1", "indexed field 0", lambda c: block_of(c) + hp_indexed(0))
compression_error("7541/6.2/1", "7541 6.2, 2.3.3", "literal whose name index is 62 with an empty table",
                  lambda c: block_of(c) + hp_literal(62, b"v"))
compression_error("7541/5.1/1", "7541 5.1", "integer past 2^64 (indexed field, 11 continuation octets)",
                  lambda c: block_of(c) + bytes([0xff] + [0xff] * 10 + [0x7f]))
compression_error("7541/5.1/2", "7541 5.1", "integer truncated at the end of the block",
                  lambda c: block_of(c) + b"\xff")
compression_error("7541/5.2/1", "7541 5.2", "string length running past the end of the block",
                  lambda c: block_of(c) + b"\x00\x05x-abc\x0aabc")
compression_error("7541/5.2/2", "7541 5.2", "string length 2^32",
                  lambda c: block_of(c) + b"\x00\x05x-abc" + hp_int(2 ** 32, 7) + b"abc")
compression_error("7541/5.2/3", "7541 5.2", "Huffman string containing EOS",
                  lambda c: block_of(c) + b"\x00\x05x-abc" + bytes([0x80 | 5]) +
                  bits_to_bytes(huff_bits([ord("a"), EOS]) + "11111"))
compression_error("7541/5.2/4", "7541 5.2", "Huffman padding longer than 7 bits",
                  lambda c: block_of(c) + b"\x00\x05x-abc" + bytes([0x80 | 2]) + huff_encode(b"a") + b"\xff")
compression_error("7541/5.2/5", "7541 5.2", "Huffman padding of zeros (not the EOS prefix)",
                  lambda c: block_of(c) + b"\x00\x05x-abc" + bytes([0x80 | 1]) +
                  bits_to_bytes(huff_bits([ord("a")]) + "000"))
compression_error("7541/4.2/1", "7541 4.2, 6.3", "dynamic table size update after a field line",
                  lambda c: hp_indexed(2) + hp_size_update(100) + base_block(c, c.ctx.get_path)[1:])

compression_error("7541/4.2/3", "7541 4.2, 6.3", "dynamic table size update at the end of the block",
                  lambda c: block_of(c) + hp_size_update(4096))
compression_error("7541/5.2/7", "7541 5.2, 6.2.1", "block of one octet: a literal with a new name, "
                  "and no name length", lambda c: b"\x40")

@case("7541/6.3/1", "7541 6.3", "dynamic table size update above SETTINGS_HEADER_TABLE_SIZE",
      "GOAWAY(COMPRESSION_ERROR)")
def c_7541_6_3_1(ctx):
    c = ctx.conn()
    hreq(c, hp_size_update(c.peer.get(S_HEADER_TABLE_SIZE, 4096) + 1) + block_of(c))
    return expect_conn_error(c, COMPRESSION_ERROR)


MISSING = b"/h2conform-no-such-path"


@case("7541/6.2.1/1", "7541 6.2.1, 2.3.2, 3.2", "literals with incremental indexing enter the dynamic table "
      "at index 62 and shift older entries", "a later request using index 63 for :path gets 200 (62 would be a 404)")
def c_7541_6_2_1_1(ctx):
    c = ctx.conn()
    pre, _ = table_prefix(c)
    c.expect_ok(hreq(c, pre + base_block(c) + hp_literal(4, ctx.get_path, "inc")))
    c.expect_ok(hreq(c, base_block(c) + hp_literal(4, MISSING, "inc")), status="404")
    c.expect_ok(hreq(c, base_block(c) + hp_indexed(63)))
    return "200 via index 63"


@case("7541/6.2.1/2", "7541 6.2.1", "literal whose name comes from a dynamic table entry",
      "200 with :path named by index 62")
def c_7541_6_2_1_2(ctx):
    c = ctx.conn()
    pre, _ = table_prefix(c)
    c.expect_ok(hreq(c, pre + base_block(c) + hp_literal(4, MISSING, "inc")), status="404")
    c.expect_ok(hreq(c, base_block(c) + hp_literal(62, ctx.get_path)))
    return "200"


def not_indexed(num, kind, title):
    @case("7541/%s" % num, "7541 %s" % num.rsplit("/", 1)[0], title,
          "the field is not added: a later index 62 is a COMPRESSION_ERROR")
    def run_case(ctx):
        c = ctx.conn()
        c.expect_ok(hreq(c, base_block(c) + hp_literal(4, ctx.get_path, kind)))
        hreq(c, base_block(c) + hp_indexed(62))
        return expect_conn_error(c, COMPRESSION_ERROR)
    return run_case


not_indexed("6.2.2/1", "noidx", "literal without indexing")
not_indexed("6.2.3/1", "never", "literal never indexed")


@case("7541/2.3.3/3", "7541 2.3.3", "index one past the end of the dynamic table",
      "index 62 valid with one entry (200), index 63 a COMPRESSION_ERROR")
def c_7541_2_3_3_3(ctx):
    c = ctx.conn()
    pre, _ = table_prefix(c)
    c.expect_ok(hreq(c, pre + base_block(c) + hp_literal(4, ctx.get_path, "inc")))
    c.expect_ok(hreq(c, base_block(c) + hp_indexed(62)))
    hreq(c, base_block(c) + hp_indexed(63))
    return expect_conn_error(c, COMPRESSION_ERROR)


@case("7541/6.3/2", "7541 6.3, 4.3", "size update to 0 empties the dynamic table",
      "index 62 after the update is a COMPRESSION_ERROR")
def c_7541_6_3_2(ctx):
    c = ctx.conn()
    pre, _ = table_prefix(c)
    c.expect_ok(hreq(c, pre + base_block(c) + hp_literal(4, ctx.get_path, "inc")))
    hreq(c, hp_size_update(0) + base_block(c) + hp_indexed(62))
    return expect_conn_error(c, COMPRESSION_ERROR)


@case("7541/6.3/3", "7541 4.2, 6.3", "two size updates at the start of a block (0, then the limit)",
      "200, and the table works afterwards (index 62 gets 200)")
def c_7541_6_3_3(ctx):
    c = ctx.conn()
    limit = min(c.peer.get(S_HEADER_TABLE_SIZE, 4096), 4096)
    c.expect_ok(hreq(c, hp_size_update(0) + hp_size_update(limit) + base_block(c) +
                     hp_literal(4, ctx.get_path, "inc")))
    c.expect_ok(hreq(c, base_block(c) + hp_indexed(62)))
    return "200, 200"


def fill_entries(c, size_a, table, extra):
    """Filler entry so that entry A (SIZE_A) plus it come to TABLE + EXTRA."""
    n = table + extra - size_a - entry_size(b"x-fill", b"")
    return hp_literal(b"x-fill", b"f" * n, "inc")


@case("7541/4.1/1", "7541 4.1, 4.4", "entries filling the table exactly (size = name + value + 32)",
      "the oldest entry stays: :path by index 63 gets 200")
def c_7541_4_1_1(ctx):
    c = ctx.conn()
    pre, table = table_prefix(c)
    a = entry_size(b":path", ctx.get_path)
    c.expect_ok(hreq(c, pre + base_block(c) + hp_literal(4, ctx.get_path, "inc") + fill_entries(c, a, table, 0)))
    c.expect_ok(hreq(c, base_block(c) + hp_indexed(63)))
    return "200"


@case("7541/4.1/2", "7541 4.1, 4.4", "entries one octet over the table size",
      "the oldest entry is evicted: index 63 is a COMPRESSION_ERROR")
def c_7541_4_1_2(ctx):
    c = ctx.conn()
    pre, table = table_prefix(c)
    a = entry_size(b":path", ctx.get_path)
    c.expect_ok(hreq(c, pre + base_block(c) + hp_literal(4, ctx.get_path, "inc") + fill_entries(c, a, table, 1)))
    hreq(c, base_block(c) + hp_indexed(63))
    return expect_conn_error(c, COMPRESSION_ERROR)


@case("7541/4.4/1", "7541 4.4", "an entry larger than the table empties it",
      "index 62 afterwards is a COMPRESSION_ERROR")
def c_7541_4_4_1(ctx):
    c = ctx.conn()
    pre, table = table_prefix(c)
    resp = c.read_response(hreq(c, pre + base_block(c) + hp_literal(4, ctx.get_path, "inc") +
                                hp_literal(b"x-big", b"b" * table, "inc")))
    if resp.rst is not None:
        raise Skip("server refused a %d-octet field (RST_STREAM %s)" % (table, err_name(resp.rst)))
    hreq(c, base_block(c) + hp_indexed(62))
    return expect_conn_error(c, COMPRESSION_ERROR)


@case("7541/4.4/2", "7541 4.4", "new entry naming an entry that its insertion evicts",
      "200 (name read before eviction), and the new entry is at index 62 (200)")
def c_7541_4_4_2(ctx):
    c = ctx.conn()
    pre, table = table_prefix(c)
    a = entry_size(b":path", ctx.get_path)
    c.expect_ok(hreq(c, pre + base_block(c) + hp_literal(4, ctx.get_path, "inc") + fill_entries(c, a, table, 0)))
    c.expect_ok(hreq(c, base_block(c) + hp_literal(63, ctx.get_path, "inc")))
    c.expect_ok(hreq(c, base_block(c) + hp_indexed(62)))
    return "200, 200"


@case("7541/5.2/6", "7541 5.2, appendix B", "Huffman-coded names and values (one empty)", "200")
def c_7541_5_2_6(ctx):
    c = ctx.conn()
    fields = c.req_fields(extra=[(b"x-huffman-test", b"Hello, HPACK! ~|{}"), (b"x-empty", b"")])
    c.expect_ok(hreq(c, encode_fields(fields, huff=True)))
    return "200"


# ---------------------------------------------------------------------------
# Scenarios: longer exchanges where the server must keep serving

def blast(c, data, read, stall):
    """Write DATA without blocking on a server that does not read.  Reads
    into the connection buffer meanwhile when READ.  Returns the unsent rest
    once nothing could be written for STALL seconds."""
    view = memoryview(data)
    sock = c.sock
    sock.setblocking(False)
    last = time.monotonic()
    try:
        while len(view):
            r, w, _ = select.select([sock] if read else [], [sock], [], 0.2)
            if r:
                try:
                    chunk = sock.recv(1 << 20)
                except BlockingIOError:
                    chunk = None
                except OSError:
                    return bytes(view)
                if chunk == b"":
                    return bytes(view)
                if chunk:
                    c.buf += chunk
            if w:
                try:
                    n = sock.send(view[:1 << 18])
                except BlockingIOError:
                    n = 0
                except OSError:
                    return bytes(view)
                if n:
                    view = view[n:]
                    last = time.monotonic()
            if time.monotonic() - last > stall:
                break
    finally:
        sock.setblocking(True)
    return bytes(view)


def flood_outcome(c, what, answered, total, rss0):
    """After a flood: the server must have answered everything and still
    answer a PING and a GET, or have sent GOAWAY(ENHANCE_YOUR_CALM) and
    closed."""
    marker = b"floodend"
    c.ping(marker)
    deadline = time.monotonic() + c.timeout
    try:
        while True:
            f = c.next(deadline)
            if f is None:
                raise Fail("no answer within %.1fs after the %s (%d of %d answered)"
                           % (c.timeout, what, answered(), total))
            deadline = time.monotonic() + c.timeout
            if f.type == GOAWAY:
                if f.error != ENHANCE_YOUR_CALM:
                    raise Fail("after the %s: %s" % (what, f.describe()))
                return wait_close(c, "%s after %d of %d answered" % (f.describe(), answered(), total))
            if f.type == PING and f.flags & ACK and f.payload == marker:
                break
    except ConnClosed as e:
        raise Fail("connection %s without GOAWAY(ENHANCE_YOUR_CALM) after the %s (%d of %d answered)"
                   % (e, what, answered(), total))
    if answered() != total:
        raise Fail("%d of %d answered, and no GOAWAY" % (answered(), total))
    c.expect_ok(c.get())
    seen = "all %d answered, then a GET got 200" % total
    if rss0 is not None:
        rss1 = rss_kib(c.ctx.server_pid)
        if rss1 is not None:
            seen += "; server RSS %d -> %d KiB" % (rss0, rss1)
            if rss1 - rss0 > 128 * 1024:
                raise Fail(seen + " (grew by more than 128 MiB)")
    return seen


@case("scenario/ping-flood", "9113 6.7, 10.5", "100,000 PINGs written without reading the socket",
      "every PING answered and the connection still serves a GET, or GOAWAY(ENHANCE_YOUR_CALM) "
      "and close; never a hang", budget=40.0)
def s_ping_flood(ctx):
    c = ctx.conn()
    total = 100000
    rss0 = rss_kib(ctx.server_pid) if ctx.server_pid else None
    base = len(c.pings)
    data = b"".join(frame(PING, 0, 0, struct.pack(">Q", i)) for i in range(total))
    rest = blast(c, data, read=False, stall=3.0)
    if rest:
        rest = blast(c, rest, read=True, stall=c.timeout)
        if rest:
            raise Fail("the server stopped reading (%d octets unsent) while we read" % len(rest))
    return flood_outcome(c, "PING flood", lambda: sum(1 for p in c.pings[base:] if p != b"floodend"),
                         total, rss0)


@case("scenario/settings-flood", "9113 6.5.3, 10.5", "10,000 SETTINGS frames written without reading",
      "every SETTINGS acknowledged and a GET served, or GOAWAY(ENHANCE_YOUR_CALM) and close", budget=30.0)
def s_settings_flood(ctx):
    c = ctx.conn()
    total = 10000
    rss0 = rss_kib(ctx.server_pid) if ctx.server_pid else None
    base = c.acks
    chunks = []
    for i in range(total):
        pairs = [(S_MAX_HEADER_LIST_SIZE, 65536 + i), (S_INITIAL_WINDOW_SIZE, 65535)]
        c.send_settings(pairs, send=False)
        chunks.append(frame(SETTINGS, 0, 0, settings_payload(pairs)))
    rest = blast(c, b"".join(chunks), read=False, stall=3.0)
    if rest:
        rest = blast(c, rest, read=True, stall=c.timeout)
        if rest:
            raise Fail("the server stopped reading (%d octets unsent)" % len(rest))
    return flood_outcome(c, "SETTINGS flood", lambda: c.acks - base, total, rss0)


@case("scenario/rapid-reset", "9113 5.4.2, 10.5", "1,000 HEADERS each followed by RST_STREAM at once",
      "a final GET gets 200, or GOAWAY(ENHANCE_YOUR_CALM) and close; never a hang", budget=30.0)
def s_rapid_reset(ctx):
    c = ctx.conn()
    rss0 = rss_kib(ctx.server_pid) if ctx.server_pid else None
    total = 1000
    chunks = []
    for _ in range(total):
        sid = c.new_sid()
        c.opened(sid)
        c.ended_by_us.add(sid)
        c.reset_by_us.add(sid)
        chunks.append(frame(HEADERS, END_STREAM | END_HEADERS, sid, block_of(c)))
        chunks.append(frame(RST_STREAM, 0, sid, struct.pack(">I", CANCEL)))
    rest = blast(c, b"".join(chunks), read=True, stall=c.timeout)
    if rest:
        raise Fail("the server stopped reading (%d octets unsent)" % len(rest))
    sid = c.get()
    deadline = time.monotonic() + c.timeout
    try:
        while True:
            f = c.next(deadline)
            if f is None:
                raise Fail("no answer to the final GET within %.1fs (seen: %s)" % (c.timeout, c.recent()))
            deadline = time.monotonic() + c.timeout
            if f.type == GOAWAY:
                if f.error != ENHANCE_YOUR_CALM:
                    raise Fail("after the resets: %s" % f.describe())
                return wait_close(c, f.describe())
            resp = c.streams[sid]
            if resp.ended or resp.rst is not None:
                break
    except ConnClosed as e:
        raise Fail("connection %s without GOAWAY(ENHANCE_YOUR_CALM)" % e)
    if resp.rst is not None or resp.status != "200":
        raise Fail("final GET: %s" % ("RST_STREAM(%s)" % err_name(resp.rst) if resp.rst is not None
                                      else ":status %s" % resp.status))
    seen = "final GET got 200"
    if rss0 is not None:
        seen += "; server RSS %d -> %s KiB" % (rss0, rss_kib(ctx.server_pid))
    return seen


@case("scenario/flow-tiny-window", "9113 6.9, 6.9.1", "SETTINGS_INITIAL_WINDOW_SIZE = 1, then WINDOW_UPDATEs",
      "DATA never beyond the window; the body arrives whole", budget=20.0)
def s_flow_tiny(ctx):
    ref = reference_body(ctx)
    c = ctx.conn(settings=((S_ENABLE_PUSH, 0), (S_INITIAL_WINDOW_SIZE, 1)))
    c.auto_window = False
    sid = c.get()
    resp = c.streams[sid]
    steps = 0
    while not resp.ended and resp.rst is None:
        f = wait_for(c, lambda f: f.sid == sid and f.type in (DATA, HEADERS, RST_STREAM), "DATA on stream %d" % sid)
        if f.type == DATA and f.payload and not resp.ended:
            steps += 1
            c.window_update(0, len(f.payload))
            c.window_update(sid, 1 if steps < 300 else 4096)
    if resp.rst is not None:
        raise Fail("RST_STREAM(%s)" % err_name(resp.rst))
    if bytes(resp.body) != ref:
        raise Fail("body of %d octets differs from the %d of a plain GET" % (len(resp.body), len(ref)))
    return "%d DATA frames, largest %d octets, body whole" % (len(resp.data_frames), max(resp.data_frames or [0]))


def continuation_split(c, frames):
    """A GET whose field block is cut into FRAMES + 1 pieces: HEADERS and
    FRAMES CONTINUATION frames, written at once."""
    sid = c.new_sid()
    blk = block_of(c, extra=[(b"x-split-%d" % i, b"value %d" % i) for i in range(20)])
    step = -(-len(blk) // (frames + 1))
    pieces = [blk[i:i + step] for i in range(0, len(blk), step)]
    pieces += [b""] * (frames + 1 - len(pieces))
    c.opened(sid)
    out = bytearray(frame(HEADERS, END_STREAM, sid, pieces[0]))
    for i, piece in enumerate(pieces[1:], 1):
        out += frame(CONTINUATION, END_HEADERS if i == frames else 0, sid, piece)
    c.send(bytes(out))
    c.expect_ok(sid)
    return "200 after HEADERS + %d CONTINUATION frames" % frames


@case("scenario/continuation-split", "9113 6.10, 4.3", "request split over HEADERS and 8 CONTINUATION frames",
      "200")
def s_continuation_split(ctx):
    return continuation_split(ctx.conn(), 8)


@case("scenario/continuation-many", "9113 6.10, 4.3", "request split over HEADERS and 40 CONTINUATION frames "
      "(6.10: any number may be sent)", "200")
def s_continuation_many(ctx):
    return continuation_split(ctx.conn(), 40)


@case("scenario/trailers", "9113 8.1", "request with DATA and trailers", "200, the body echoed", echo=True)
def s_trailers(ctx):
    c = ctx.conn()
    sid = c.request(b"POST", end_stream=False)
    c.data(sid, b"body before trailers")
    c.headers(sid, encode_fields([(b"x-checksum", b"abc123"), (b"x-trailer-two", b"2")]))
    c.expect_ok(sid, body=b"body before trailers")
    return "200, body echoed"


@case("scenario/content-length-continues", "9113 8.1.1", "content-length mismatch, then a new request",
      "RST_STREAM(PROTOCOL_ERROR) for the first (a stream error only), 200 for the next", echo=True)
def s_content_length(ctx):
    c = ctx.conn()
    sid = c.request(b"POST", extra=[(b"content-length", b"100")], end_stream=False)
    c.data(sid, b"short", end_stream=True)
    seen = expect_error(c, sid, stream_codes=(PROTOCOL_ERROR,), stream_as_conn=False)
    c.expect_ok(c.get())
    return seen + "; next request 200"


@case("scenario/stream-errors-continue", "9113 5.4.2", "four stream errors in a row, then a new request",
      "RST_STREAM for each (stream WINDOW_UPDATE overflow, uppercase field name, PRIORITY of 4 octets, "
      "WINDOW_UPDATE of 0), none escalated; then 200 on the same connection")
def s_stream_errors(ctx):
    c = ctx.conn()
    seen = []
    steps = [
        (FLOW_CONTROL_ERROR, lambda sid: c.send_frame(WINDOW_UPDATE, 0, sid, struct.pack(">I", MAX_WINDOW))),
        (PROTOCOL_ERROR, None),
        (FRAME_SIZE_ERROR, lambda sid: c.send_frame(PRIORITY, 0, sid, b"\0\0\0\0")),
        (PROTOCOL_ERROR, lambda sid: c.send_frame(WINDOW_UPDATE, 0, sid, struct.pack(">I", 0))),
    ]
    for code, make in steps:
        if make is None:
            sid = c.new_sid()
            c.headers(sid, block_of(c, extra=[(b"X-Upper", b"1")]))
        else:
            sid = c.open_stream()
            make(sid)
        try:
            seen.append(expect_error(c, sid, stream_codes=(code,), stream_as_conn=False))
        except Fail as e:
            raise Fail("; ".join(seen + ["then %s where RST_STREAM(s=%d, %s) was due" % (e, sid, err_name(code))]))
    c.expect_ok(c.get())
    return "; ".join(seen) + "; then 200"


SYNC = [(b"x-sync-a", b"alpha"), (b"x-sync-b", b"bravo"), (b"x-sync-c", b"charlie")]


def sync_block(c, pre=b""):
    """A request that refers to the three SYNC entries by index (62..64)."""
    return pre + block_of(c) + hp_indexed(62) + hp_indexed(63) + hp_indexed(64)


def send_block(c, sid, blk, end_stream=True):
    """HEADERS + CONTINUATION frames of at most the server's frame size."""
    size = c.peer_max_frame
    pieces = [blk[i:i + size] for i in range(0, len(blk), size)] or [b""]
    c.headers(sid, pieces[0], end_headers=len(pieces) == 1, end_stream=end_stream)
    for i, piece in enumerate(pieces[1:], 1):
        c.send_frame(CONTINUATION, END_HEADERS if i == len(pieces) - 1 else 0, sid, piece)


@case("scenario/oversized-headers", "9113 10.5.1, 4.3", "header list above SETTINGS_MAX_HEADER_LIST_SIZE "
      "(64 KiB when not advertised) that also adds dynamic table entries",
      "431 or RST_STREAM for it; a next request naming the new entries by index gets 200", budget=15.0)
def s_oversized(ctx):
    c = ctx.conn()
    pre, _ = table_prefix(c)
    limit = c.peer.get(S_MAX_HEADER_LIST_SIZE, 65536)
    if limit > 1 << 20:
        raise Skip("server's MAX_HEADER_LIST_SIZE %d is too large to exceed here" % limit)
    big = []
    total = 0
    i = 0
    while total <= limit + 8192:
        name, value = b"x-big-%d" % i, b"v" * 4000
        big.append((name, value))
        total += len(name) + len(value) + 32
        i += 1
    blk = pre + block_of(c, extra=big) + b"".join(hp_literal(n, v, "inc") for n, v in SYNC)
    sid = c.new_sid()
    send_block(c, sid, blk)
    resp = c.read_response(sid)
    if resp.rst is None and resp.status != "431":
        raise Fail("first request answered %s, not 431 or RST_STREAM" % resp.status)
    first = "RST_STREAM(%s)" % err_name(resp.rst) if resp.rst is not None else "431"
    c.expect_ok(hreq(c, sync_block(c)))
    return "%s for %d octets of fields; then 200 with the entries by index" % (first, total)


@case("scenario/refused-stream-hpack", "9113 5.1.2, 4.3", "a refused stream's header block still updates the "
      "dynamic table", "the refused block's entries serve a later request (200)", budget=15.0)
def s_refused_hpack(ctx):
    c = ctx.conn()
    pre, _ = table_prefix(c)
    limit = c.peer.get(S_MAX_CONCURRENT_STREAMS)
    if limit is None or limit > 1000:
        raise Skip("server advertises %s concurrent streams" % ("no limit" if limit is None else limit))
    method = b"GET" if ctx.no_echo else b"POST"
    sids = []
    batch = bytearray()
    for _ in range(limit):
        sid = c.new_sid()
        sids.append(sid)
        c.opened(sid)
        batch += frame(HEADERS, END_HEADERS, sid, (pre if not sids[1:] else b"") + block_of(c, method))
    c.send(bytes(batch))
    extra = c.new_sid()
    c.headers(extra, block_of(c) + b"".join(hp_literal(n, v, "inc") for n, v in SYNC))
    expect_error(c, extra, stream_codes=(REFUSED_STREAM, PROTOCOL_ERROR), stream_as_conn=False)
    for sid in sids:
        c.rst(sid, CANCEL)
    c.expect_ok(hreq(c, sync_block(c)))
    return "refused, then 200 with its entries by index"


@case("scenario/malformed-hpack-sync", "9113 8.1.1, 4.3", "a malformed request's header block still updates "
      "the dynamic table", "RST_STREAM(PROTOCOL_ERROR), then 200 for a request using its entries")
def s_malformed_hpack(ctx):
    c = ctx.conn()
    pre, _ = table_prefix(c)
    sid = c.new_sid()
    c.headers(sid, pre + block_of(c) + b"".join(hp_literal(n, v, "inc") for n, v in SYNC) +
              hp_literal(b"X-Upper", b"bad"))
    seen = expect_error(c, sid, stream_codes=(PROTOCOL_ERROR,), stream_as_conn=False)
    c.expect_ok(hreq(c, sync_block(c)))
    return seen + "; then 200"


@case("scenario/graceful-goaway", "9113 6.8", "GOAWAY(NO_ERROR) from the client while a request is in flight",
      "the request still completes (200, body echoed); any GOAWAY from the server carries NO_ERROR", echo=True)
def s_graceful_goaway(ctx):
    c = ctx.conn()
    sid = c.request(b"POST", end_stream=False)
    c.data(sid, b"before goaway, ")
    c.goaway(0, NO_ERROR, b"h2conform is done")
    c.data(sid, b"after goaway", end_stream=True)
    c.expect_ok(sid, body=b"before goaway, after goaway")
    bad = [g for g in c.goaways if g[1] != NO_ERROR]
    if bad:
        raise Fail("server GOAWAY %s" % err_name(bad[0][1]))
    return "200, body echoed"


@case("scenario/graceful-goaway-get", "9113 6.8", "GOAWAY(NO_ERROR) from the client right after a GET",
      "the GET is still answered (200)")
def s_graceful_goaway_get(ctx):
    c = ctx.conn()
    sid = c.new_sid()
    c.opened(sid)
    c.send(frame(HEADERS, END_STREAM | END_HEADERS, sid, block_of(c)) +
           frame(GOAWAY, 0, 0, struct.pack(">II", 0, NO_ERROR)))
    c.expect_ok(sid)
    return "200"


@case("scenario/many-streams", "9113 5.1.2", "50 GETs written at once (fewer if the limit is lower)",
      "all 200 with the same body")
def s_many_streams(ctx):
    ref = reference_body(ctx)
    c = ctx.conn()
    n = min(50, c.peer.get(S_MAX_CONCURRENT_STREAMS, 50))
    batch = bytearray()
    sids = []
    for _ in range(n):
        sid = c.new_sid()
        c.opened(sid)
        sids.append(sid)
        batch += frame(HEADERS, END_STREAM | END_HEADERS, sid, block_of(c))
    c.send(bytes(batch))
    for sid in sids:
        c.expect_ok(sid, body=ref)
    return "%d x 200" % n


@case("scenario/interleaved-echo", "9113 5", "two POSTs with interleaved DATA", "each body echoed on its stream",
      echo=True)
def s_interleaved(ctx):
    c = ctx.conn()
    a = c.request(b"POST", end_stream=False)
    b = c.request(b"POST", end_stream=False)
    c.data(a, b"a1-")
    c.data(b, b"b1-")
    c.data(a, b"a2", end_stream=True)
    c.data(b, b"b2", end_stream=True)
    c.expect_ok(a, body=b"a1-a2")
    c.expect_ok(b, body=b"b1-b2")
    return "both echoed"


@case("scenario/large-echo", "9113 5.2, 6.9", "1 MiB request body within the server's windows",
      "the body echoed whole (the server replenishes its windows)", echo=True, budget=30.0)
def s_large_echo(ctx):
    c = ctx.conn()
    body = os.urandom(1 << 20)
    sid = c.request(b"POST", end_stream=False)
    c.send_body(sid, body)
    c.expect_ok(sid, body=body, timeout=10.0)
    return "1 MiB echoed"


@case("scenario/not-found", "9113 8.1", "GET of a path the server does not have", "404")
def s_not_found(ctx):
    c = ctx.conn()
    c.expect_ok(c.get(MISSING), status="404")
    return "404"


# ---------------------------------------------------------------------------
# Self-test of the HPACK code, on RFC 7541 appendix C (C.1.2, C.4.1, C.6)

RFC7541_C6 = (
    ("488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
     [":status: 302", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
      "location: https://www.example.com"]),
    ("4883640effc1c0bf",
     [":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
      "location: https://www.example.com"]),
    ("88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5"
     "af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
     [":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT",
      "location: https://www.example.com", "content-encoding: gzip",
      "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"]),
)


def self_test():
    problems = []
    if hp_int(1337, 5) != bytes.fromhex("1f9a0a"):
        problems.append("C.1.2 integer")
    if huff_encode(b"www.example.com") != bytes.fromhex("f1e3c2e5f23a6ba0ab90f4ff"):
        problems.append("C.4.1 Huffman encoding")
    dec = HpackDecoder(256)
    for n, (hexdump, want) in enumerate(RFC7541_C6, 1):
        got = ["%s: %s" % (k.decode(), v.decode()) for k, v in dec.decode(bytes.fromhex(hexdump))]
        if got != want:
            problems.append("C.6.%d decoded %r" % (n, got))
    if dec.size != 215:
        problems.append("C.6.3 table size %d, not 215" % dec.size)
    for bad in (b"\xff" * 5, bits_to_bytes(huff_bits([ord("a")]) + "000")):
        try:
            huff_decode(bad)
            problems.append("Huffman %s accepted" % bad.hex())
        except HpackError:
            pass
    for data in (b"", b"a", bytes(range(256)), b"Hello, HPACK!"):
        if huff_decode(huff_encode(data)) != data:
            problems.append("Huffman round trip of %r" % data[:16])
    for line in problems:
        print("self-test FAIL:", line)
    print("self-test: %d passed, %d failed" % (6 - min(len(problems), 6), len(problems)))
    return 1 if problems else 0


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int)
    ap.add_argument("--only", metavar="REGEX", help="run the cases whose id matches REGEX (re.search)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every frame received")
    ap.add_argument("--json", action="store_true",
                    help="print a JSON report on stdout (the case lines go to stderr)")
    ap.add_argument("--get-path", default="/", help="path that GET answers with 200 and a body (default /)")
    ap.add_argument("--echo-path", default="/echo", help="path that echoes POST and PUT bodies (default /echo)")
    ap.add_argument("--no-echo", action="store_true", help="the server has no echo path: skip cases needing it")
    ap.add_argument("--expect-fail-file", metavar="FILE",
                    help="case ids (one a line, # comments) expected to fail")
    ap.add_argument("--strict-stream-errors", action="store_true",
                    help="stream errors must be RST_STREAM; GOAWAY in their place fails")
    ap.add_argument("--allow-generic-codes", action="store_true",
                    help="accept PROTOCOL_ERROR or INTERNAL_ERROR wherever a more specific code is "
                         "expected, as RFC 9113 5.4 permits (default: the specific code is required)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the suite's own HPACK code against RFC 7541 appendix C and exit")
    ap.add_argument("--timeout", type=float, default=2.0, help="seconds per wait (default 2)")
    ap.add_argument("--suite-timeout", type=float, default=180.0,
                    help="cases not started after this many seconds fail (default 180)")
    ap.add_argument("--server-pid", type=int, help="server pid, to report its memory in the flood cases")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if args.port is None and not args.list:
        ap.error("--port is required")
    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.host.startswith("127."):
        ap.error("--host must be a loopback address")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
