#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The bounds on TLS resynchronisation: `h2codec frames --pcap --keylog
--tolerant` on captures made here from the shipped t13-aes128 recording.

usage: tls_budget.py H2CODEC TLS_CAPTURES_DIR WORKDIR

After a gap the decoder tries candidate records with a range of sequence
numbers; docs/captures.md bounds the trial decryptions to 4096 per gap,
shared by the candidates after it, and 65,536 per direction.  The
server's application records are re-encrypted (with the key log) as small
records, so that one direction holds enough of them for many gaps; a gap
drops one record, and forged records (type 23, version 0x0303, random
bodies, each in its own segment so that no plausible header follows it
when it is tried) come before the next real one.  The inputs are made
from a fixed seed; the 16 records a gap may try without the budget are
checked too.  Checked: the trials counted by --summary, the
resynchronisations and the reason a direction stops, the other direction
decoded in full, the exit status, the run time.
Prints "tls_budget: N passed, M failed"; exits 1 on any failure.
"""
import hashlib
import hmac
import json
import os
import random
import struct
import subprocess
import sys
import time

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError:
    sys.exit("tls_budget: needs the Python cryptography module (Debian python3-cryptography)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcaplib import PSH, Conv, read_pcap, write_pcap  # noqa: E402

BIN, CAPS, WORK = sys.argv[1:4]
NAME = "t13-aes128"
GAP_TRIES, DIR_TRIES = 4096, 65536  # docs/captures.md, TLS
MIN_RECORD = 5 + 16 + 1             # header, tag, content type (TLS 1.3 AES-GCM)
CHUNK = 350                         # plaintext octets of a re-encrypted record
passed = failed = 0


def check(what, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok: " + what)
    else:
        failed += 1
        print("FAILED: %s%s" % (what, ": " + detail if detail else ""))


def segments(path):
    """The TCP payloads of the recording's one connection, in order and
    without retransmissions: [(side, octets)]."""
    _, pkts, _, _ = read_pcap(path)
    out, client, nxt = [], None, {}
    for p in pkts:
        ip = p[4][14:]
        ihl = (ip[0] & 15) * 4
        tcp = ip[ihl:]
        sport, seq = struct.unpack(">H", tcp[:2])[0], struct.unpack(">I", tcp[4:8])[0]
        if client is None:
            client = sport  # the SYN
        side = 0 if sport == client else 1
        data = tcp[(tcp[12] >> 4) * 4:struct.unpack(">H", ip[2:4])[0] - ihl]
        if tcp[13] & 2:
            nxt[side] = seq + 1
        elif data and seq == nxt[side]:
            out.append((side, bytes(data)))
            nxt[side] += len(data)
    return out


def records(data):
    out, at = [], 0
    while at + 5 <= len(data):
        n = struct.unpack(">H", data[at + 3:at + 5])[0]
        out.append(data[at:at + 5 + n])
        at += 5 + n
    assert at == len(data), "a record across segments"
    return out


def expand_label(secret, label, length):
    """HKDF-Expand-Label (RFC 8446 7.1) with SHA-256, for up to 32 octets."""
    full = b"tls13 " + label
    info = struct.pack(">HB", length, len(full)) + full + b"\0"
    return hmac.new(secret, info + b"\x01", hashlib.sha256).digest()[:length]


class Protect:
    """The server's application records under SERVER_TRAFFIC_SECRET_0."""

    def __init__(self, keys):
        secret = next(bytes.fromhex(line.split()[2]) for line in open(keys)
                      if line.startswith("SERVER_TRAFFIC_SECRET_0 "))
        self.aead = AESGCM(expand_label(secret, b"key", 16))
        self.iv = expand_label(secret, b"iv", 12)

    def nonce(self, seq):
        return bytes(a ^ b for a, b in zip(self.iv, b"\0" * 4 + struct.pack(">Q", seq)))

    def open(self, rec, seq):
        try:
            return self.aead.decrypt(self.nonce(seq), rec[5:], rec[:5])
        except InvalidTag:
            return None

    def seal(self, inner, seq):
        hdr = b"\x17\x03\x03" + struct.pack(">H", len(inner) + 16)
        return hdr + self.aead.encrypt(self.nonce(seq), inner, hdr)


def rebuild(segs, prot):
    """The recording with each server application record of type 23 cut
    into records of CHUNK octets (re-encrypted in order), one a segment:
    [(side, octets, app)] where app marks the server's application records,
    and how many such records the recording had."""
    out, seq, new = [], 0, 0
    for side, data in segs:
        if side == 0:
            out.append((0, data, False))
            continue
        for rec in records(data):
            inner = prot.open(rec, seq) if rec[0] == 23 else None
            if inner is None:  # the handshake, under other keys
                out.append((1, rec, False))
                continue
            seq += 1
            body, ctype = inner.rstrip(b"\0")[:-1], inner.rstrip(b"\0")[-1:]
            parts = [body[i:i + CHUNK] for i in range(0, len(body), CHUNK)] if ctype == b"\x17" else [body]
            for part in parts:
                out.append((1, prot.seal(part + ctype, new), True))
                new += 1
    return out, seq


def forged(rng, n):
    """A record that looks right but never authenticates; no 0x17 octet in
    its body, so that no header is found inside it."""
    body = bytes(b if b != 0x17 else 0x18 for b in rng.randbytes(n))
    return b"\x17\x03\x03" + struct.pack(">H", n) + body


def capture(path, events, plan, rng):
    """Write the capture: plan maps the index of a server application record
    to the number and size of the forged records that replace it (the record
    itself is lost: its sequence space is skipped, so the client's next
    acknowledgement reports the gap)."""
    cv, app = Conv(), 0
    for side, data, is_app in events:
        if is_app and app in plan:
            count, size = plan[app]
            cv.lose(1, len(data))
            for _ in range(count):
                cv.add(1, PSH, forged(rng, size))
        else:
            cv.add(side, PSH, data)
        app += is_app
    cv.close()
    write_pcap(path, 1, cv.records())


def run(pcap, keys, *extra):
    t0 = time.monotonic()
    p = subprocess.run([BIN, "frames", "--pcap", pcap, "--keylog", keys, "--tolerant"] + list(extra),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), time.monotonic() - t0


def summary(pcap, keys):
    rc, out, secs = run(pcap, keys, "--summary", "--json")
    s = [json.loads(line) for line in out.splitlines() if line.startswith('{"summary"')]
    return (s[0] if len(s) == 1 else None), secs


def scenario(events, keys, name, plan, seed):
    """Make and decode one capture: its summary and the time to make it,
    the exit status, the output with --tolerant and its time, the lines
    saying a direction stops."""
    path = os.path.join(WORK, name + ".pcap")
    capture(path, events, plan, random.Random(seed))
    s, secs = summary(path, keys)
    rc, out, secs2 = run(path, keys)
    return s, secs, rc, out, secs2, [line for line in out.splitlines() if "TLS resynchronisation failed" in line]


def main():
    os.makedirs(WORK, exist_ok=True)
    pcap0, keys = os.path.join(CAPS, NAME + ".pcap"), os.path.join(CAPS, NAME + ".keys")
    prot = Protect(keys)
    events, nrec = rebuild(segments(pcap0), prot)
    napp = sum(e[2] for e in events)

    # The re-encrypted capture decodes as the original: the same frames.
    base = os.path.join(WORK, "split.pcap")
    capture(base, events, {}, random.Random(1))
    orig, _ = summary(pcap0, keys)
    split, _ = summary(base, keys)
    rc, out, _ = run(base, keys)
    same = orig and split and all(orig[k][f] == split[k][f] for k in ("client_side", "server_side")
                                  for f in ("frames", "by_type"))
    check("%d server application records re-encrypted as %d: the same frames, no trials" % (nrec, napp),
        same and rc == 0 and split["server_side"]["tls_trials"] == 0, out[-500:])
    client_frames = orig["client_side"]["frames"]

    # One gap, and 16 forged records of 2000 octets after it: the ranges of
    # numbers they allow grow with the octets skipped (lost / MIN_RECORD),
    # so the gap's 4096 trials are spent on the tenth, and the direction
    # stops there, saying so; the client's side goes on.
    s, secs, rc, out, secs2, stop = scenario(events, keys, "gap", {4: (16, 2000)}, 20261207)
    check("one gap, 16 forged records: exactly %d trials (%s), under 5 s (%.2f s)" % (
        GAP_TRIES, s and s["server_side"]["tls_trials"], secs),
        s and s["server_side"]["tls_trials"] == GAP_TRIES and s["client_side"]["tls_trials"] == 0 and secs < 5)
    check("one gap: the server stops, the reason names the gap's %d trials" % GAP_TRIES,
          len(stop) == 1 and "the server's records stop" in stop[0] and
          ("spent the %d trial decryptions of this gap" % GAP_TRIES) in stop[0] and
          "TLS resynchronised" not in out, "\n".join(stop) or out[-800:])
    check("one gap: the client's %d frames all decoded, exit status %d" % (client_frames, rc),
          s and s["client_side"]["frames"] == client_frames and s["client_side"]["errors"] == 0 and
          s["server_side"]["frames"] < orig["server_side"]["frames"] and s["server_side"]["errors"] == 0 and
          rc == 0 and secs2 < 5)

    # One gap and 16 forged records of 100 octets: their ranges are short,
    # so the search ends at the 16th record, not on the budget, and the
    # reason is the first record's.
    s, _, rc, out, _, stop = scenario(events, keys, "short", {4: (16, 100)}, 20261206)
    check("one gap, 16 short forged records: the server stops after them, %s trials" % (
        s and s["server_side"]["tls_trials"]),
          s and 16 <= s["server_side"]["tls_trials"] < GAP_TRIES and len(stop) == 1 and
          "no sequence number from 5 to 20 authenticates the record at" in stop[0] and
          s["client_side"]["frames"] == client_frames and rc == 0, "\n".join(stop) or out[-800:])

    # 24 gaps, each with 9 forged records of 1750 octets before the next
    # real record: about 3000 trials a gap (the real record authenticates
    # at its first), so 21 gaps resynchronise and the 22nd spends the
    # direction's last ones: it stops there, saying so; the client's side
    # goes on.
    ngaps = 24
    s, secs, rc, out, secs2, stop = scenario(events, keys, "many", {6 + 2 * g: (9, 1750) for g in range(ngaps)},
                                             20261208)
    found = sum(1 for line in out.splitlines() if "TLS resynchronised at" in line and "(1 record lost)" in line)
    check("%d gaps, 9 forged records each: %d resynchronised, %d trials in all (%s), under 5 s (%.2f s)" % (
        ngaps, found, DIR_TRIES, s and s["server_side"]["tls_trials"], secs),
        found == 21 and s and s["server_side"]["tls_trials"] == DIR_TRIES and secs < 5, out[-800:])
    check("%d gaps: the server stops, the reason names the direction's %d trials" % (ngaps, DIR_TRIES),
          len(stop) == 1 and "the server's records stop" in stop[0] and
          ("spent its %d trial decryptions" % DIR_TRIES) in stop[0], "\n".join(stop) or out[-800:])
    check("%d gaps: the client's %d frames all decoded, exit status %d" % (ngaps, client_frames, rc),
          s and s["client_side"]["frames"] == client_frames and s["client_side"]["errors"] == 0 and
          s["client_side"]["tls_trials"] == 0 and s["server_side"]["errors"] == 0 and rc == 0 and secs2 < 5,
          out[-800:])

    print("tls_budget: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
