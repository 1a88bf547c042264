#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a pcap of N short HTTP/2 flows (for timing the flow table).

usage: manyflows.py N OUT.pcap

Each flow is three packets: the client's SYN, its preface and SETTINGS with
FIN, and the server's FIN; the flows differ in source address and port."""
import struct
import sys

n, out = int(sys.argv[1]), sys.argv[2]
payload = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def pkt(src, dst, sp, dp, seq, ack, flags, data=b""):
    tcp = struct.pack(">HHIIBBHHH", sp, dp, seq, ack, 0x50, flags, 65535, 0, 0)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 40 + len(data), 0, 0x4000, 64, 6, 0, src, dst)
    return ip + tcp + data


with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 228))  # raw IPv4
    dst = bytes([10, 9, 9, 9])
    for i in range(n):
        src = bytes([10, (i >> 16) & 255, (i >> 8) & 255, i & 255])
        sp = 1024 + i % 50000
        t = 1700000000 + i // 1000
        us = (i % 1000) * 1000
        for p in (pkt(src, dst, sp, 443, 100, 0, 0x02),
                  pkt(src, dst, sp, 443, 101, 1, 0x19, payload),
                  pkt(dst, src, 443, sp, 0, 101 + len(payload) + 1, 0x11)):
            f.write(struct.pack("<IIII", t, us, len(p), len(p)) + p)
