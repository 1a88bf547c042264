#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The capture suite: `h2codec frames --pcap` on recorded and damaged captures.

usage: capture_tests.py H2CODEC WORKDIR RECORDED_DIR

RECORDED_DIR holds loopback.pcap (nghttp and curl against nghttpd, recorded
by record.sh) and loopback.ports (the server port).  Each damaged capture
is made from it here (cut, reordered, duplicated, lost, snaplen-cut,
started late, relinked into pcapng), or built from scratch, and the output
is checked against the intact original: every header shown must be
identical to the original's, never wrong.
"""
import base64
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcaplib import (ACK, FIN, PREFACE, PSH, SYN, Conv, ether, frame, indexed, ipv4_tcp, lit,  # noqa: E402
                     read_pcap, settings, write_pcap, write_pcapng)

BIN, WORK, REC = sys.argv[1:4]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, flush=True)


def run(*args, stdout=subprocess.PIPE):
    p = subprocess.run([BIN, "frames", *args], stdout=stdout, stderr=subprocess.PIPE, timeout=300)
    out = p.stdout.decode("utf-8", "replace") if p.stdout is not None else ""
    return p.returncode, out, p.stderr.decode("utf-8", "replace")


def jrun(*args):
    rc, out, err = run("--json", "--pcap", *args)
    objs = []
    for line in out.splitlines():
        try:
            objs.append(json.loads(line))
        except ValueError:
            check(False, "not JSON: %r" % line[:200])
    return rc, objs, err


def client_of(o):
    return o["src"] if o["direction"] == "client" else o["dst"]


def blocks(objs):
    """(client endpoint, direction, stream) -> [header lists] of decoded blocks."""
    out = {}
    for o in objs:
        if "headers" in o:
            out.setdefault((client_of(o), o["direction"], o["stream_id"]), []).append(o["headers"])
    return out


def never_wrong(damaged, intact, what):
    """Every block shown equals one of the original's for that stream, where
    it is not a placeholder; returns how many blocks were shown."""
    n = 0
    for key, lists in blocks(damaged).items():
        for hs in lists:
            n += 1
            ok = False
            for ref in intact.get(key, []):
                if len(ref) == len(hs) and all(
                        (isinstance(h[-1], dict) and h[-1].get("unknown") and h[0].startswith("<unknown"))
                        or h[:2] == r[:2] for h, r in zip(hs, ref)):
                    ok = True
            check(ok, "%s: block on %s differs from the original: %s" % (what, key, json.dumps(hs)[:300]))
    return n


def path(name):
    return os.path.join(WORK, name)


ORIG = os.path.join(REC, "loopback.pcap")
PORT = int(open(os.path.join(REC, "loopback.ports")).read().split()[0])
LT, PKTS, HDR, E = read_pcap(ORIG)

# 1. The intact recording: every flow decoded, tshark agrees on the headers.
rc, intact_objs, err = jrun(ORIG)
INTACT = blocks(intact_objs)
nblocks = sum(len(v) for v in INTACT.values())
check(rc == 0 and nblocks >= 6, "intact: rc %d, %d blocks, %s" % (rc, nblocks, err))
check(all(k in o for o in intact_objs if "type" in o for k in ("packet", "time", "src", "dst", "flow")),
      "every frame carries packet, time, endpoints and flow")
def tshark_agrees(f, objs, what):
    """tshark as a second opinion: the same header names, where it is right
    (intact TCP streams: reordered, duplicated, relinked)."""
    if not shutil.which("tshark"):
        return
    # tshark is right on reordered segments only when told to reassemble them
    t = subprocess.run(["tshark", "-r", f, "-o", "tcp.reassemble_out_of_order:TRUE",
                        "-d", "tcp.port==%d,http2" % PORT, "-Y", "http2",
                        "-T", "fields", "-e", "http2.header.name"], capture_output=True, timeout=120)
    tnames = sorted(n for line in t.stdout.decode("utf-8", "replace").split() for n in line.split(",") if n)
    ours = sorted(h[0] for v in blocks(objs).values() for hs in v for h in hs)
    check(t.returncode == 0 and tnames == ours, "%s: tshark agrees on the header names: %d vs %d" %
          (what, len(tnames), len(ours)))


tshark_agrees(ORIG, intact_objs, "intact")

# flows of the recording, by their client port
def flow_of(p):
    d = p[4][14:] if LT == 1 else p[4]
    ihl = (d[0] & 15) * 4
    sp, dp = struct.unpack(">HH", d[ihl:ihl + 4])
    return sp if dp == PORT else dp


def payload_len(p):
    d = p[4][14:] if LT == 1 else p[4]
    ihl = (d[0] & 15) * 4
    return struct.unpack(">H", d[2:4])[0] - ihl - (d[ihl + 12] >> 4) * 4


def from_server(p):
    d = p[4][14:] if LT == 1 else p[4]
    ihl = (d[0] & 15) * 4
    return struct.unpack(">H", d[ihl:ihl + 2])[0] == PORT


def with_server_port(p, port):
    """p with the server's TCP port replaced (checksums are not checked)."""
    eth = 14 if LT == 1 else 0
    d = bytearray(p[4])
    ihl = (d[eth] & 15) * 4
    for at in (eth + ihl, eth + ihl + 2):
        if struct.unpack(">H", d[at:at + 2])[0] == PORT:
            d[at:at + 2] = struct.pack(">H", port)
    return [p[0], p[1], p[2], p[3], bytes(d)]


data_idx = [i for i, p in enumerate(PKTS) if payload_len(p) > 0]
client_ports = sorted(set(flow_of(p) for p in PKTS))

# 2. Reordered packets: the same blocks, no gap.
re = [list(p) for p in PKTS]
for i in data_idx[3::4]:
    if i + 1 < len(re):
        re[i], re[i + 1] = re[i + 1], re[i]
write_pcap(path("reordered.pcap"), LT, re)
rc, objs, _ = jrun(path("reordered.pcap"))
check(rc == 0 and blocks(objs) == INTACT and not any("gap" in o for o in objs), "reordered: same blocks, no gap")
tshark_agrees(path("reordered.pcap"), objs, "reordered")

# 3. Duplicated packets (retransmissions): the same blocks.
dup = []
for i, p in enumerate(PKTS):
    dup.append(p)
    if i % 3 == 0:
        dup.append(p)
write_pcap(path("duplicated.pcap"), LT, dup)
rc, objs, _ = jrun(path("duplicated.pcap"))
check(rc == 0 and blocks(objs) == INTACT and not any("gap" in o for o in objs), "duplicated: same blocks, no gap")
tshark_agrees(path("duplicated.pcap"), objs, "duplicated")

# 4. Loss: a gap object; decoding stops (or resynchronises with --tolerant),
# and no header shown is wrong.
firsts = {}
for i in data_idx:
    firsts.setdefault((flow_of(PKTS[i]), from_server(PKTS[i])), i)
srv = [i for i in data_idx if from_server(PKTS[i]) and i not in firsts.values()]
cli = [i for i in data_idx if not from_server(PKTS[i]) and i not in firsts.values()]
lost = {srv[len(srv) // 2], cli[len(cli) // 2], srv[len(srv) // 3]}
write_pcap(path("lost.pcap"), LT, [p for i, p in enumerate(PKTS) if i not in lost])
rc, objs, _ = jrun(path("lost.pcap"))
gaps = [o for o in objs if o.get("gap")]
check(len(gaps) >= 2 and all(k in g for g in gaps for k in ("flow", "direction", "offset", "missing", "reason"))
      and all(g["missing"] > 0 for g in gaps), "loss: gaps reported: %s" % gaps[:3])
n_strict = never_wrong(objs, INTACT, "loss")
rc, objs, _ = jrun("--tolerant", path("lost.pcap"))
n_tol = never_wrong(objs, INTACT, "loss --tolerant")
check(n_tol >= n_strict and n_tol > 0, "loss --tolerant decodes on: %d vs %d blocks" % (n_tol, n_strict))
# ... also when a flow's first octets are lost both ways
head_lost = {firsts[(client_ports[-1], False)], firsts[(client_ports[-1], True)]}
write_pcap(path("headlost.pcap"), LT, [p for i, p in enumerate(PKTS) if i not in head_lost])
rc, objs, _ = jrun("--tolerant", path("headlost.pcap"))
check(any("headers" in o and client_of(o).endswith(":%d" % client_ports[-1]) for o in objs),
      "first packets lost, --tolerant: the flow is found")
never_wrong(objs, INTACT, "first packets lost")
rc, out, _ = run("--pcap", path("lost.pcap"))
check("gap: " in out and "octets missing at stream offset" in out, "loss: text shows the gap")

# 5. A file cut inside a packet: decoded up to the cut, the cut reported.
raw = open(ORIG, "rb").read()
off, k, cut_at = 24, 0, None
while off < len(raw):
    cl = struct.unpack(E + "I", raw[off + 8:off + 12])[0]
    if k == data_idx[len(data_idx) * 2 // 3]:
        cut_at = off + 16 + cl // 2
        break
    off += 16 + cl
    k += 1
open(path("cut.pcap"), "wb").write(raw[:cut_at])
rc, objs, err = jrun(path("cut.pcap"))
before = sum(1 for o in intact_objs if "headers" in o and o["packet"] <= k)
n = never_wrong(objs, INTACT, "cut")
check(rc == 0 and any(o.get("cut") for o in objs) and n >= before,
      "cut file: rc %d, %d blocks (>= %d before the cut), %s" % (rc, n, before, err.strip()))

# 6. Snaplen: one segment captured short is a gap, reason snaplen.
sn = [list(p) for p in PKTS]
victim = max(srv[len(srv) // 2:], key=lambda i: payload_len(PKTS[i]))
sn[victim][2] = sn[victim][2] - 100
sn[victim][4] = sn[victim][4][:sn[victim][2]]
write_pcap(path("snaplen.pcap"), LT, sn)
rc, objs, _ = jrun(path("snaplen.pcap"))
check(any(o.get("gap") and o["reason"] == "snaplen" and o["missing"] == 100 for o in objs), "snaplen cut: gap of 100")
never_wrong(objs, INTACT, "snaplen")

# 7. Started mid-connection: --tolerant finds the frames, never a wrong header.
first_flow = client_ports[0]
ff = [i for i, p in enumerate(PKTS) if flow_of(p) == first_flow]
# at least up to the client's first data (the preface), so it starts mid-connection
first_client_data = next(k for k, i in enumerate(ff) if i in data_idx and not from_server(PKTS[i]))
late = set(ff[:max(len(ff) // 3, first_client_data + 1)])
write_pcap(path("late.pcap"), LT, [p for i, p in enumerate(PKTS) if i not in late])
# Without the SYN, the frames tell client from server; the port order must
# not matter: the same capture with the server's port above every client's
write_pcap(path("late-high.pcap"), LT, [with_server_port(p, 65000) for i, p in enumerate(PKTS) if i not in late])
for name in ("late.pcap", "late-high.pcap"):
    rc, objs, _ = jrun("--tolerant", path(name))
    late_frames = [o for o in objs if "type" in o and client_of(o).endswith(":%d" % first_flow)]
    check(len(late_frames) > 0 and any("headers" in o for o in late_frames),
          "mid-connection --tolerant (%s): %d frames of the late flow" % (name, len(late_frames)))
    check(all(o["direction"] == ("server" if o["src"].endswith(":%d" % p) else "client")
              for o in objs if "type" in o for p in [PORT if name == "late.pcap" else 65000]),
          "mid-connection --tolerant (%s): every frame's direction is right" % name)
    never_wrong(objs, INTACT, "mid-connection (%s)" % name)
rc, objs, _ = jrun(path("late.pcap"))
check(not any(client_of(o).endswith(":%d" % first_flow) for o in objs if "type" in o),
      "mid-connection without --tolerant: the flow is not guessed")

# 8. pcapng with two link types (Ethernet, raw IPv4): same blocks.
ng = []
for p in PKTS:
    other = flow_of(p) != first_flow
    d = p[4] if LT != 1 else (p[4][14:] if other else p[4])
    ng.append((1 if other else 0, p[0] * 1000000 + p[1], d))
write_pcapng(path("twolinks.pcapng"), [1, 228], ng)
rc, objs, err = jrun(path("twolinks.pcapng"))
check(rc == 0 and blocks(objs) == INTACT, "pcapng with Ethernet and raw IPv4: same blocks (%s)" % err.strip())
tshark_agrees(path("twolinks.pcapng"), objs, "two link types")
# ... and with a Decryption Secrets Block, which libpcap would skip
write_pcapng(path("dsb.pcapng"), [1, 228], ng, secrets=b"CLIENT_RANDOM 00 00\n")
rc, objs, err = jrun(path("dsb.pcapng"))
check(rc == 0 and blocks(objs) == INTACT, "pcapng with a DSB: same blocks (%s)" % err.strip())

# ... cut inside a block: the own reader decodes up to the cut too
ngraw = open(path("dsb.pcapng"), "rb").read()
open(path("cut.pcapng"), "wb").write(ngraw[:len(ngraw) * 2 // 3 + 5])
rc, objs, err = jrun(path("cut.pcapng"))
check(rc == 0 and any(o.get("cut") for o in objs) and never_wrong(objs, INTACT, "cut pcapng") > 0,
      "pcapng cut inside a block: %s" % err.strip())


# ... and Linux cooked SLL, SLL2, BSD null carrying IPv6, raw IPv6
def to_ipv6(ip4):
    ihl = (ip4[0] & 15) * 4
    total = struct.unpack(">H", ip4[2:4])[0]
    a = lambda b: b"\0" * 10 + b"\xff\xff" + b
    return struct.pack(">IHBB", 0x60000000, total - ihl, 6, 64) + a(ip4[12:16]) + a(ip4[16:20]) + ip4[ihl:total]


def sll(ip):
    return struct.pack(">HHH8sH", 0, 772, 6, b"", 0x0800) + ip


def sll2(ip6):
    return struct.pack(">HHIHBB8s", 0x86DD, 0, 1, 772, 0, 6, b"") + ip6


mixed = []
for p in PKTS:
    ip = p[4][14:] if LT == 1 else p[4]
    k = client_ports.index(flow_of(p)) % 4
    ts = p[0] * 1000000 + p[1]
    if k == 0:
        mixed.append((0, ts, sll(ip)))
    elif k == 1:
        mixed.append((1, ts, struct.pack("<I", 30) + to_ipv6(ip)))  # BSD null, AF_INET6 of Darwin
    elif k == 2:
        mixed.append((2, ts, sll2(to_ipv6(ip))))
    else:
        mixed.append((3, ts, to_ipv6(ip)))
write_pcapng(path("links.pcapng"), [113, 0, 276, 229], mixed)
rc, objs, err = jrun(path("links.pcapng"))
got = {(k[0].rsplit(":", 1)[1], k[1], k[2]): v for k, v in blocks(objs).items()}
want = {(k[0].rsplit(":", 1)[1], k[1], k[2]): v for k, v in INTACT.items()}
check(rc == 0 and got == want and any(o["src"].startswith("[") for o in objs if "src" in o),
      "SLL, SLL2, null with IPv6, raw IPv6: same blocks (%s)" % err.strip())

# 9. One address/port pair, two connections.
def get(path_, sid=1):
    return frame(1, 5, sid, indexed(2) + indexed(6) + lit(b":path", path_) + lit(b":authority", b"h"))


def resp(sid=1, extra=b""):
    return frame(1, 4, sid, indexed(8) + extra) + frame(0, 1, sid, b"x" * 10)


convs = []
for n, (isn, p_) in enumerate(((1000, b"/first"), (900000, b"/second"))):
    cv = Conv(cport=41000, sport=8080, cisn=isn, sisn=isn + 7, t0=1700000000 + n)
    cv.send(0, PREFACE + settings() + get(p_))
    cv.send(1, settings() + resp())
    convs.append(cv.close())
write_pcap(path("reuse.pcap"), 1, convs[0].records() + convs[1].records())
rc, objs, _ = jrun(path("reuse.pcap"))
paths = [h[1] for o in objs if "headers" in o for h in o["headers"] if h[0] == ":path"]
check(rc == 0 and paths == ["/first", "/second"] and max(o.get("stream_id", 0) for o in objs) == 1
      and sorted(set(o["flow"] for o in objs)) == [1, 2], "4-tuple reuse: two flows %s" % paths)

# ... also when the first connection's FIN and RST are not in the capture
cv0 = Conv(cport=41001, sport=8080, cisn=1000, sisn=2000, t0=1700000000)
cv0.send(0, PREFACE + settings() + get(b"/first"))
cv0.send(1, settings() + resp())
cv1 = Conv(cport=41001, sport=8080, cisn=700000, sisn=800000, t0=1700000001)
cv1.send(0, PREFACE + settings() + get(b"/second"))
cv1.send(1, settings() + resp())
write_pcap(path("reuse2.pcap"), 1, cv0.records() + cv1.close().records())
rc, objs, _ = jrun(path("reuse2.pcap"))
paths = [h[1] for o in objs if "headers" in o for h in o["headers"] if h[0] == ":path"]
check(paths == ["/first", "/second"] and not any("error" in o for o in objs),
      "4-tuple reuse without FIN: a new ISN starts a new flow: %s" % paths)

# 10. Latin-1 value and binary GOAWAY debug data: lossless JSON, no frame dropped.
cv = Conv()
cv.send(0, PREFACE + settings() + get(b"/"))
cv.send(1, settings() + frame(1, 4, 1, indexed(8) + lit(b"x-latin", b"caf\xe9")) +
        frame(7, 0, 0, struct.pack(">II", 1, 0) + b"\xff\x00dbg\x80"))
write_pcap(path("latin.pcap"), 1, cv.close().records())
rc, objs, _ = jrun(path("latin.pcap"))
lat = [h for o in objs if "headers" in o for h in o["headers"] if h[0] == "x-latin"]
ga = [o for o in objs if o.get("type") == "GOAWAY"]
check(rc == 0 and lat and base64.b64decode(lat[0][-1]["value_b64"]) == b"caf\xe9" and "\ufffd" in lat[0][1],
      "Latin-1 value: %s" % lat)
check(ga and base64.b64decode(ga[0]["debug_data_b64"]) == b"\xff\x00dbg\x80", "binary GOAWAY debug: %s" % ga)

# 11. HTTP/1.1 Upgrade: h2c, then 101, followed into HTTP/2.
cv = Conv(sport=80)
cv.send(0, b"GET /up HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
           b"HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
cv.send(1, b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n" +
        settings() + resp(1, lit(b"x-up", b"yes")))
cv.send(0, PREFACE + settings() + frame(4, 1, 0, b""))
write_pcap(path("upgrade.pcap"), 1, cv.close().records())
rc, objs, _ = jrun(path("upgrade.pcap"))
up = [o for o in objs if o.get("upgrade")]
sh = [o["headers"] for o in objs if "headers" in o and o["direction"] == "server"]
check(rc == 0 and up and up[0]["request"] == "GET /up HTTP/1.1" and sh and ["x-up", "yes"] in sh[0]
      and any(o.get("preface") for o in objs), "h2c upgrade followed: %s %s" % (up, sh))

# ... HTTP2-Settings raise the table the server's encoder may use
cv = Conv(sport=80)
cv.send(0, b"GET /big HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
           b"HTTP2-Settings: AAEAACAA\r\n\r\n")
cv.send(1, b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n" +
        settings() + frame(1, 4, 1, b"\x3f\xe1\x3f" + indexed(8) + lit(b"x-t", b"v" * 5000, index=True)) +
        frame(0, 1, 1, b"ok"))
cv.send(0, PREFACE + settings(header_table_size=8192))
write_pcap(path("upgrade2.pcap"), 1, cv.close().records())
rc, objs, _ = jrun(path("upgrade2.pcap"))
check(rc == 0 and any(["x-t", "v" * 5000] in o.get("headers", []) for o in objs) and
      not any("error" in o for o in objs), "h2c upgrade: HTTP2-Settings apply: rc %d %s" %
      (rc, [o for o in objs if "error" in o][:1]))

# 11b. An orphan CONTINUATION after a lost HEADERS is skipped; a gap inside
# a DATA payload is bridged, even without --tolerant.
cv = Conv(cport=44000)
cv.send(0, PREFACE + settings())
cv.send(0, frame(1, 0, 1, indexed(2) + indexed(6) + lit(b":path", b"/lost")))
lost_pkt = len(cv.pkts) - 1
cv.send(0, frame(9, 4, 1, lit(b":authority", b"h")))
cv.send(0, frame(1, 5, 3, indexed(2) + indexed(6) + lit(b":path", b"/after") + lit(b":authority", b"h")))
cv.send(1, settings() + frame(1, 4, 3, indexed(8)) + frame(0, 0, 3, b"d" * 3000))
data_pkt = len(cv.pkts) - 2  # the middle of the DATA payload
cv.send(1, frame(1, 5, 3, lit(b"x-trailer", b"t")))
cv.close()
cv.pkts = [p for i, p in enumerate(cv.pkts) if i not in (lost_pkt, data_pkt)]
cv.c[1] = 0
write_pcap(path("orphan.pcap"), 1, cv.records())
rc, objs, _ = jrun("--tolerant", path("orphan.pcap"))
hs = [o["headers"] for o in objs if "headers" in o]
check(any(o.get("skipped_continuation") for o in objs) and any([":path", "/after"] in h for h in hs),
      "orphan CONTINUATION skipped, the next request decoded: %s" % hs)
rc, objs, _ = jrun(path("orphan.pcap"))
srv = [o for o in objs if o.get("direction") == "server"]
check(any(o.get("gap") for o in srv) and any(["x-trailer", "t"] in o.get("headers", []) for o in srv),
      "a gap inside DATA is bridged: %s" % [o for o in srv if "gap" in o or "headers" in o])

# 12. TCP Fast Open: the request rides in the SYN.
cv = Conv.__new__(Conv)
cv.c, cv.s, cv.pkts, cv.t = [42000, 101, (10, 0, 0, 1)], [8080, 701, (10, 0, 0, 2)], [], 1700000000.0
req = PREFACE + settings() + get(b"/tfo")
cv.add(0, SYN, req, seq=100)
cv.c[1] += len(req)
cv.add(1, SYN | ACK, seq=700)
cv.send(1, settings() + resp())
write_pcap(path("tfo.pcap"), 1, cv.close().records())
rc, objs, _ = jrun(path("tfo.pcap"))
check(any(h == [":path", "/tfo"] for o in objs if "headers" in o for h in o["headers"]), "TFO data in the SYN decoded")

# 13. A 397-octet capture asking for a 4 GiB table must not reserve it.
cv = Conv()
cv.send(0, PREFACE + settings(header_table_size=0xffffffff) + get(b"/"))
cv.send(1, settings() + frame(1, 4, 1, b"\x3f\xe1\xff\xff\xff\x0f" + lit(b"x", b"y" * 100, index=True)))
write_pcap(path("bigtable.pcap"), 1, cv.close().records())
with open(path("bigtable.out"), "wb") as o, open(path("bigtable.err"), "wb") as e:
    pr = subprocess.Popen([BIN, "frames", "--json", "--pcap", path("bigtable.pcap")], stdout=o, stderr=e)
    _, status, ru = os.wait4(pr.pid, 0)
out, err = open(path("bigtable.out"), "rb").read(), open(path("bigtable.err"), "rb").read()
code = os.waitstatus_to_exitcode(status)
check(code in (0, 1) and b"HEADERS" in out and ru.ru_maxrss < 256 * 1024,
      "huge table size: rc %d, %d KiB peak, %s" % (code, ru.ru_maxrss, err[-300:]))

# 14. Flows without payload (the sort of nothing), and no HTTP/2 at all: exit 1.
pk = []
for n in range(5):
    cv = Conv(cport=43000 + n)
    pk += cv.close().records()
write_pcap(path("empty.pcap"), 1, pk)
rc, out, err = run("--pcap", path("empty.pcap"))
check(rc == 1 and "no HTTP/2 flow" in err and "ERROR" not in err, "payload-less flows: rc %d %s" % (rc, err[-200:]))
cv = Conv()
cv.send(0, b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
cv.send(1, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
write_pcap(path("http1.pcap"), 1, cv.close().records())
check(run("--pcap", path("http1.pcap"))[0] == 1, "HTTP/1.1 only: exit 1")

# 15. TLS without keys: reported as such, not as garbage.
hello = b"\x16\x03\x01\x00\x40\x01\x00\x00\x3c\x03\x03" + b"\x11" * 60
cv = Conv(sport=443)
cv.send(0, hello)
cv.send(1, b"\x16\x03\x03\x00\x10" + b"\x02" * 16)
write_pcap(path("tls.pcap"), 1, cv.close().records())
rc, objs, _ = jrun(path("tls.pcap"))
check(rc == 1 and [o.get("tls") for o in objs] == [True] and objs[0]["decrypted"] is False,
      "TLS without keys: %s" % objs)
rc, out, _ = run("--pcap", path("tls.pcap"))
check("TLS, no" in out, "TLS without keys in text: %r" % out[:200])

# 16. Output failure: exit 2.
with open("/dev/full", "w") as full:
    rc, _, _ = run("--pcap", ORIG, stdout=full)
check(rc == 2, "output to a full device: exit %d" % rc)

# 17. --merge: both directions, in time order; --summary; filters.
rc, objs, _ = jrun("--merge", ORIG)
ts = [o["time"] for o in objs if "time" in o]
check(rc == 0 and ts == sorted(ts) and blocks(objs) == INTACT, "--merge: time order, same blocks")
rc, objs, _ = jrun("--summary", ORIG)
reqs = sum(1 for v in intact_objs if "headers" in v and v["direction"] == "client")
check(rc == 0 and len(objs) == len(client_ports) and all(o.get("summary") for o in objs)
      and sum(o["requests"] for o in objs) == reqs, "--summary: %s" % objs[:1])
sid = next(o["stream_id"] for o in intact_objs if o.get("flow") == 2 and o.get("type") == "HEADERS")
want = [o for o in intact_objs if o.get("flow") == 2 and o.get("type") == "HEADERS" and o["stream_id"] == sid]
rc, objs, _ = jrun("--stream", str(sid), "--type", "headers", "--flow", "2", ORIG)
check(rc == 0 and objs == want and want, "filters --stream --type --flow: %d objects" % len(objs))

# 18. Many flows: linear (a hash of the 4-tuple).
def many(n, fname):
    recs = []
    for i in range(n):
        cv = Conv(cport=1024 + i % 60000, src=(10, 1, i // 60000 % 256, 1), cisn=i * 7919, t0=1700000000 + i * 0.01)
        cv.send(0, PREFACE + settings())
        recs += cv.close().records()
    write_pcap(fname, 1, recs)


times = []
for n in (10000, 40000):
    many(n, path("many.pcap"))
    t0 = time.time()
    rc, out, _ = run("--pcap", "--summary", path("many.pcap"))
    times.append(time.time() - t0)
    check(rc == 0 and out.count("\nflow ") + out.startswith("flow ") == n, "%d flows all found" % n)
check(times[1] < times[0] * 10 + 1, "flows scale linearly: %.2fs, %.2fs" % tuple(times))
os.unlink(path("many.pcap"))

# 19. Streaming: the first frame is printed before the file is all there.
fifo = path("fifo.pcap")
for mode in (["--merge"], []):
    os.mkfifo(fifo)
    pr = subprocess.Popen([BIN, "frames", "--json", "--pcap", *mode, fifo], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    half = len(raw) // 2
    got = []
    with open(fifo, "wb") as w:
        w.write(raw[:half])
        w.flush()
        reader = threading.Thread(target=lambda: got.append(pr.stdout.readline()))
        reader.start()
        reader.join(timeout=20)
        check(bool(got) and got[0].startswith(b"{"), "first output before the end of the file %s" % mode)
        w.write(raw[half:])
    pr.communicate(timeout=60)
    os.unlink(fifo)

# ... and from standard input
p = subprocess.run([BIN, "frames", "--pcap", "--json", "-"], input=raw, capture_output=True, timeout=120)
check(p.returncode == 0 and blocks([json.loads(l) for l in p.stdout.splitlines()]) == INTACT,
      "capture on standard input: rc %d" % p.returncode)

# 20. decode: hex recognised by content.
open(path("block.txt"), "w").write("82 86 84\n41 8a 08 9d 5c 0b 81 70 dc 78 0f 03\n")
p = subprocess.run([BIN, "decode", path("block.txt")], capture_output=True)
check(p.returncode == 0 and b":authority: 127.0.0.1:8080" in p.stdout, "decode: hex by content")

# 22. Random damage (octets changed, packets swapped and dropped, pcapng
# blocks broken or cut): exit 0, 1 or 2 and no sanitizer report.
rnd = random.Random(int(os.environ.get("H2C_CAPTURE_SEED", "1")))
ngraw = open(path("links.pcapng"), "rb").read()
for i in range(12):
    pk = [list(x) for x in PKTS]
    for _ in range(rnd.randint(1, 20)):
        k = rnd.randrange(len(pk))
        d = bytearray(pk[k][4])
        d[rnd.randrange(len(d))] = rnd.randrange(256)
        pk[k][4] = bytes(d)
    for _ in range(rnd.randint(0, 5)):
        a, b = rnd.randrange(len(pk)), rnd.randrange(len(pk))
        pk[a], pk[b] = pk[b], pk[a]
    del pk[rnd.randrange(len(pk))]
    write_pcap(path("random.pcap"), LT, pk)
    d = bytearray(ngraw)
    for _ in range(rnd.randint(1, 8)):
        d[rnd.randrange(len(d))] = rnd.randrange(256)
    open(path("random.pcapng"), "wb").write(d[:rnd.randrange(len(d) // 2, len(d) + 1)])
    for f in ("random.pcap", "random.pcapng"):
        p = subprocess.run([BIN, "frames", "--pcap", "--json", "--tolerant", "--merge", path(f)],
                           capture_output=True, timeout=120)
        check(p.returncode in (0, 1, 2) and b"runtime error" not in p.stderr and b"Sanitizer" not in p.stderr,
              "random damage %d (%s): rc %d %s" % (i, f, p.returncode, p.stderr[-300:]))

# 21. A story's header_table_size outside 0 .. 2^32-1 is refused, not wrapped.
for bad in (4294971392, -1):
    open(path("story.json"), "w").write(json.dumps({"cases": [{"seqno": 0, "header_table_size": bad, "wire": "82",
                                                               "headers": [{":method": "GET"}]}]}))
    p = subprocess.run([BIN, "decode", path("story.json")], capture_output=True)
    check(p.returncode == 2 and b"header_table_size" in p.stderr, "story header_table_size %d refused" % bad)

print("capture: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
