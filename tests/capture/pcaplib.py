# SPDX-License-Identifier: MIT
"""Plain-struct pcap and pcapng reading and writing, and synthetic TCP
conversations, for the capture tests (no third-party modules)."""
import struct

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def read_pcap(path):
    """(linktype, [(ts_sec, ts_frac, caplen, origlen, data)], header bytes)."""
    raw = open(path, "rb").read()
    magic = struct.unpack("<I", raw[:4])[0]
    e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    lt = struct.unpack(e + "I", raw[20:24])[0]
    pkts, off = [], 24
    while off + 16 <= len(raw):
        s, f, cl, ol = struct.unpack(e + "IIII", raw[off:off + 16])
        pkts.append([s, f, cl, ol, raw[off + 16:off + 16 + cl]])
        off += 16 + cl
    return lt, pkts, raw[:24], e


def write_pcap(path, linktype, pkts, nsec=False):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D if nsec else 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for s, fr, cl, ol, data in pkts:
            f.write(struct.pack("<IIII", s, fr, cl, ol) + data[:cl])


def pcapng_block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def write_pcapng(path, ifaces, pkts, secrets=None):
    """ifaces: [linktype]; pkts: [(iface, ts_usec, data)]; secrets: key log text."""
    out = pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    for lt in ifaces:
        out += pcapng_block(1, struct.pack("<HHI", lt, 0, 262144))
    if secrets is not None:
        out += pcapng_block(0x0A, struct.pack("<II", 0x544C534B, len(secrets)) + secrets)
    for i, ts, data in pkts:
        out += pcapng_block(6, struct.pack("<IIIII", i, ts >> 32, ts & 0xffffffff, len(data), len(data)) + data)
    open(path, "wb").write(out)


def ipv4_tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", ident=1):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0)
    total = 20 + len(tcp) + len(payload)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, total, ident & 0xffff, 0x4000, 64, 6, 0, bytes(src), bytes(dst))
    return ip + tcp + payload


def ether(ippkt):
    return b"\0" * 6 + b"\0" * 6 + b"\x08\x00" + ippkt


FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


class Conv:
    """A TCP conversation turned into packets: handshake, data both ways, FIN."""

    def __init__(self, cport=40000, sport=8080, cisn=1000, sisn=5000, src=(10, 0, 0, 1), dst=(10, 0, 0, 2), t0=1700000000.0):
        self.c, self.s = [cport, cisn + 1, src], [sport, sisn + 1, dst]
        self.pkts, self.t = [], t0
        self.add(0, SYN, seq=cisn)
        self.add(1, SYN | ACK, seq=sisn)
        self.add(0, ACK)

    def add(self, side, flags, payload=b"", seq=None):
        a, b = (self.c, self.s) if side == 0 else (self.s, self.c)
        s = a[1] if seq is None else seq
        self.t += 0.001
        self.pkts.append((self.t, ipv4_tcp(a[2], b[2], a[0], b[0], s, b[1], flags | (ACK if not (flags & SYN and side == 0) else 0), payload)))
        if seq is None:
            a[1] += len(payload) + (1 if flags & (FIN) else 0)

    def send(self, side, data, mss=1400):
        for i in range(0, len(data), mss):
            self.add(side, PSH, data[i:i + mss])

    def lose(self, side, n):
        """n octets sent by side that the capture lacks: the peer's next
        acknowledgement covers them."""
        (self.c, self.s)[side][1] += n

    def close(self):
        self.add(0, FIN)
        self.add(1, FIN)
        self.add(0, 0)
        return self

    def records(self, link=1):
        return [[int(t), int(round((t % 1) * 1e6)), len(p) + (14 if link == 1 else 0), len(p) + (14 if link == 1 else 0),
                 ether(p) if link == 1 else p] for t, p in self.pkts]


def frame(ftype, flags, sid, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", sid) + payload


def hpack_int(v, prefix, first):
    m = (1 << prefix) - 1
    if v < m:
        return bytes([first | v])
    out, v = [first | m], v - m
    while v >= 128:
        out.append(v % 128 + 128)
        v //= 128
    return bytes(out + [v])


def lit(name, value, index=False):
    """A literal field with a new name, raw strings; with incremental indexing if index."""
    return (b"\x40" if index else b"\x00") + hpack_int(len(name), 7, 0) + name + hpack_int(len(value), 7, 0) + value


def indexed(i):
    return hpack_int(i, 7, 0x80)


def settings(**kv):
    ids = {"header_table_size": 1, "max_frame_size": 5, "initial_window_size": 4}
    return frame(4, 0, 0, b"".join(struct.pack(">HI", ids[k], v) for k, v in kv.items()))
