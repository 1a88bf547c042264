#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `h2codec frames`.

usage: cli_frames.py H2CODEC CORPUS_DIR EXPECTED_FILE

Decodes the shipped client streams (h2spec and nghttp) through the full
pipeline -- frames, header-block assembly, HPACK, field validation -- and
compares each stream's outcome (frames seen, first error) with the recorded
expectation; then checks the captures, truncation, errors and options.
"""
import json
import os
import subprocess
import sys
import tempfile

BIN, CORPUS, EXPECTED = sys.argv[1:4]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(*args, stdin=None):
    p = subprocess.run([BIN, "frames", *args], capture_output=True, input=stdin, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def jsonl(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def outcome(objs):
    frames = sum(1 for o in objs if "type" in o)
    first = next(("%s/%s/%s" % (o["error"], o["scope"], o["stream_id"]) for o in objs if "error" in o), "-")
    trunc = next((o["missing_bytes"] for o in objs if "truncated" in o), None)
    return frames, first, trunc


# 1. Every shipped client stream matches its recorded outcome.
expected = {}
for line in open(EXPECTED):
    parts = line.split()
    expected[parts[0]] = (int(parts[1]), parts[2], parts[3] if len(parts) > 3 else "")
seen = 0
for d in ("h2spec-client-streams", "nghttp-client-streams"):
    for name in sorted(os.listdir(os.path.join(CORPUS, d))):
        rc, out, err = run("--json", os.path.join(CORPUS, d, name))
        frames, first, trunc = outcome(jsonl(out))
        got = (frames, first, "truncated=%s" % trunc if trunc is not None else "")
        check(got == expected.get(name[:16]), "%s/%s: got %s, expected %s" % (d, name[:16], got, expected.get(name[:16])))
        check(rc == (1 if first != "-" else 0), "%s exit %d with first error %s" % (name[:16], rc, first))
        seen += 1
check(seen == len(expected) == 136, "136 streams decoded, %d seen, %d expected" % (seen, len(expected)))

# 2. The recorded nghttp session: request side and response side.
cap = os.path.join(CORPUS, "captures")
rc, out, _ = run("--json", os.path.join(cap, "nghttp-session.c2s"))
objs = jsonl(out)
check(rc == 0 and objs[0] == {"preface": True}, "c2s decodes cleanly, preface first")
blocks = [o for o in objs if "headers" in o]
check(len(blocks) == 3, "three request blocks, got %d" % len(blocks))
check(all(o["type"] == "CONTINUATION" and o["flags"] & 4 for o in blocks), "headers ride on the END_HEADERS CONTINUATION")
req = dict((h[0], h[1]) for h in blocks[0]["headers"])
check(req.get(":method") == "POST" and req.get("x-big") == "b" * 30000, "POST with a 30,000-octet header")
check(["cookie", "session=abc123", "never-indexed"] in blocks[0]["headers"], "never-indexed cookie is marked")
for o in objs:
    if "type" in o:
        for k in ("type_code", "flags", "stream_id", "length"):
            check(k in o, "frame object has %s" % k)
rc, out, _ = run("--json", os.path.join(cap, "nghttp-session.s2c"))
objs = jsonl(out)
statuses = [dict((h[0], h[1]) for h in o["headers"]).get(":status") for o in objs if "headers" in o]
check(rc == 0 and statuses == ["200", "200", "404"], "responses 200 200 404, got %s" % statuses)
check(sum(o.get("data_length", 0) for o in objs if o.get("type") == "DATA") > 135000, "DATA frames carry the body")

# Text output: one line per frame, indented fields.
rc, out, _ = run(os.path.join(cap, "nghttp-session.c2s"))
check(rc == 0 and "[stream 0] SETTINGS flags=0 length=12" in out, "text frame line")
check("    SETTINGS_MAX_CONCURRENT_STREAMS = 100" in out, "settings by name")
check("    :method: POST" in out and "... (30000 octets)" in out, "headers indented, long value shortened")

# 3. pcap: every flow that starts with the preface, both directions.
rc, out, _ = run("--json", "--pcap", os.path.join(cap, "nghttp-curl-loopback.pcap"))
objs = jsonl(out)
dirs = sorted(set((o["flow"], o["direction"]) for o in objs))
check(rc == 0 and dirs == [(f, d) for f in (1, 2, 3) for d in ("client", "server")], "3 flows x 2 directions: %s" % dirs)
check(any(o.get("type") == "HEADERS" and o["direction"] == "server" and "headers" in o for o in objs), "server headers decoded")
rc, out, _ = run("--pcap", os.path.join(cap, "nghttp-curl-loopback.pcap"))
check(rc == 0 and "== flow 3 server 127.0.0.1:18443 -> 127.0.0.1:55892" in out, "flow labels in text output")

# 4. A capture cut inside a frame: reported with the bytes missing, not an error.
data = open(os.path.join(cap, "nghttp-session.s2c"), "rb").read()
with tempfile.TemporaryDirectory() as tmp:
    cut = os.path.join(tmp, "cut.bin")
    open(cut, "wb").write(data[:1000])
    rc, out, _ = run("--json", cut)
    last = jsonl(out)[-1]
    check(rc == 0 and last.get("truncated") is True and last["missing_bytes"] > 0, "truncation reported: %s" % last)
    # A capture cut between frames but inside a field block: reported too.
    open(cut, "wb").write(bytes.fromhex("000001010100000003") + b"\x88")  # HEADERS :status 200, no END_HEADERS
    rc, out, _ = run("--json", cut)
    last = jsonl(out)[-1]
    check(rc == 0 and last == {"open_block": True, "stream_id": 3, "offset": 10}, "open block reported: %s" % last)
    rc, out, _ = run(cut)
    check(rc == 0 and "inside the field block of stream 3" in out, "open block in text output")

    # 5. Errors: JSON object with the RFC name, code and stream; exit 1.
    bad = os.path.join(tmp, "bad.bin")
    ping7 = bytes.fromhex("000007060000000000") + b"\0" * 7            # PING of 7 octets
    open(bad, "wb").write(ping7)
    rc, out, _ = run("--json", bad)
    err = jsonl(out)[-1]
    check(rc == 1 and err["error"] == "FRAME_SIZE_ERROR" and err["error_code"] == 6 and err["stream_id"] == 0,
          "PING length error: %s" % err)
    # A stream error is reported and processing goes on.
    wu0 = bytes.fromhex("000004080000000001") + b"\0\0\0\0"            # WINDOW_UPDATE 0 on stream 1
    ping = bytes.fromhex("000008060000000000") + b"\1" * 8
    open(bad, "wb").write(wu0 + ping)
    rc, out, _ = run("--json", bad)
    objs = jsonl(out)
    check(rc == 1 and any(o.get("error") == "PROTOCOL_ERROR" and o["scope"] == "stream" and o["stream_id"] == 1 for o in objs)
          and objs[-1].get("type") == "PING", "stream error then PING: %s" % objs)
    # Malformed ALTSVC and ORIGIN frames are reported as ignorable and
    # ignored, as RFC 7838 and RFC 8336 ask: not an error for the exit status.
    altsvc_novalue = bytes.fromhex("0000020a0000000001") + b"\0\0"          # stream 1, no value
    origin_short = bytes.fromhex("0000030c0000000000") + b"\0\5a"           # entry past the end
    origin_empty = bytes.fromhex("0000090c0000000000") + b"\0\0\0\5a.b.c"  # empty entry, then one
    open(bad, "wb").write(altsvc_novalue + origin_short + origin_empty + ping)
    rc, out, _ = run("--json", bad)
    objs = jsonl(out)
    ign = [o for o in objs if "error" in o]
    check(rc == 0 and len(ign) == 2 and all(o["scope"] == "ignorable" for o in ign)
          and [o.get("type") for o in objs if "type" in o] == ["ALTSVC", "ORIGIN", "ORIGIN", "PING"],
          "ignorable ALTSVC and ORIGIN: exit 0, reported, decoding goes on: %d %s" % (rc, objs))
    origins = [o.get("origins") for o in objs if o.get("type") == "ORIGIN" and "origins" in o]
    check(origins == [["a.b.c"]], "an empty Origin-Entry is no origin: %s" % origins)
    rc, out, _ = run(bad)
    check(rc == 0 and out.count("ignorable error") == 2, "ignorable frames in text output: %d %s" % (rc, out))
    # A header list over SETTINGS_MAX_HEADER_LIST_SIZE (65536) is refused on
    # its stream (RFC 9113 section 10.5.1), and its block still decoded to
    # the end: the next block's indexes 62 and 63 name the entries it added.
    def hint(v):  # RFC 7541 5.1, 7-bit prefix, no Huffman
        if v < 127:
            return bytes([v])
        out, v = [127], v - 127
        while v >= 128:
            out, v = out + [v % 128 | 128], v // 128
        return bytes(out + [v])
    def lit(name, value):  # literal without indexing, new name
        return b"\0" + hint(len(name)) + name + hint(len(value)) + value
    big = b"\x82\x86\x84\x41\x09localhost\x40\x07x-small\x01s" + b"".join(lit(b"x-big-%d" % i, b"v" * 30000) for i in range(3))
    frags = [big[i:i + 16384] for i in range(0, len(big), 16384)]
    seq = b"".join(len(f).to_bytes(3, "big") + bytes([1 if i == 0 else 9, (1 if i == 0 else 0) | (4 if i == len(frags) - 1 else 0)])
                   + (1).to_bytes(4, "big") + f for i, f in enumerate(frags))
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes.fromhex("000000040000000000")
    open(bad, "wb").write(preface + seq + bytes.fromhex("000005010500000003") + b"\x82\x86\x84\xbf\xbe")
    rc, out, _ = run("--json", bad)
    objs = jsonl(out)
    errs = [o for o in objs if "error" in o]
    last = objs[-1]
    check(rc == 1 and len(errs) == 1 and errs[0]["scope"] == "stream" and errs[0]["stream_id"] == 1
          and errs[0]["error"] == "REFUSED_STREAM" and last.get("stream_id") == 3
          and last.get("headers") == [[":method", "GET"], [":scheme", "http"], [":path", "/"],
                                      [":authority", "localhost"], ["x-small", "s"]],
          "oversized list: stream error, next block decoded: %d %s" % (rc, [str(o)[:200] for o in objs[-3:]]))
    # Octets that are not UTF-8 (GOAWAY debug data 61 ff 62) are written as
    # U+FFFD: the JSON stays whole.
    open(bad, "wb").write(bytes.fromhex("00000b070000000000" "00000000" "00000000") + b"a\xffb" + ping)
    rc, out, _ = run("--json", bad)
    objs = jsonl(out)
    check([o.get("debug_data") for o in objs if o.get("type") == "GOAWAY"] == ["a\ufffdb"]
          and objs[-1].get("type") == "PING", "not UTF-8 in JSON: %s" % objs)
    # HEADERS without END_HEADERS then PING: sequencing error, but not with --no-hpack.
    hdr = bytes.fromhex("000001010100000001") + b"\x82"                # HEADERS, END_STREAM only
    open(bad, "wb").write(hdr + ping)
    rc, out, _ = run("--json", bad)
    check(rc == 1 and jsonl(out)[-1].get("error") == "PROTOCOL_ERROR", "CONTINUATION expected")
    rc, out, _ = run("--json", "--no-hpack", bad)
    check(rc == 0 and [o["type"] for o in jsonl(out)] == ["HEADERS", "PING"], "--no-hpack leaves blocks opaque")
    # Field validation is on by default, --no-validate turns it off.
    upper = bytes.fromhex("00000c010500000001") + b"\x82\x86\x84\x41\x02ab\x00\x01X\x01y"
    open(bad, "wb").write(upper)
    rc, out, _ = run("--json", bad)
    check(rc == 1 and any(o.get("source") == "fields" for o in jsonl(out)), "uppercase name rejected")
    rc, out, _ = run("--json", "--no-validate", bad)
    check(rc == 0, "--no-validate accepts it")
    # --lenient relaxes exactly the rules it names.  With the client preface
    # (and its SETTINGS) the blocks are requests, so only the named rule fails.
    pre = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes.fromhex("000000040000000000")
    open(bad, "wb").write(pre + upper)
    rc, out, _ = run("--json", bad)
    check(rc == 1 and any(o.get("source") == "fields" and "uppercase" in o.get("reason", "") for o in jsonl(out)),
          "request with an uppercase name: %s" % out)
    rc, out, _ = run("--json", "--lenient", "uppercase", bad)
    check(rc == 0 and not any("error" in o for o in jsonl(out)), "--lenient uppercase accepts it")
    rc, out, _ = run("--json", "--lenient", "whitespace,te", bad)
    check(rc == 1 and any(o.get("source") == "fields" for o in jsonl(out)), "--lenient whitespace,te still rejects it")
    space = bytes.fromhex("00000d010500000001") + b"\x82\x86\x84\x41\x02ab\x00\x01x\x02y "
    open(bad, "wb").write(pre + space)
    rc, out, _ = run("--json", bad)
    check(rc == 1 and any(o.get("source") == "fields" and o["scope"] == "stream" and o["error"] == "PROTOCOL_ERROR"
                          for o in jsonl(out)), "trailing whitespace in a value: stream PROTOCOL_ERROR")
    rc, out, _ = run("--json", "--lenient", "whitespace", bad)
    check(rc == 0, "--lenient whitespace accepts it")
    conn_hdr = bytes.fromhex("000019010500000001") + b"\x82\x86\x84\x41\x02ab\x00\x0aconnection\x05close"
    open(bad, "wb").write(pre + conn_hdr)
    rc, out, _ = run("--json", bad)
    check(rc == 1 and any(o.get("source") == "fields" for o in jsonl(out)), "connection: close rejected")
    rc, out, _ = run("--json", "--lenient", "te,connection", bad)
    check(rc == 0, "--lenient te,connection accepts it")
    rc, out, _ = run("--json", "--lenient", "all", bad)
    check(rc == 0, "--lenient all accepts it")
    rc, _, err = run("--lenient", "spaces", bad)
    check(rc == 2 and "unknown rule 'spaces'" in err, "--lenient with an unknown rule: usage error (%d, %s)" % (rc, err.strip()))
    rc, _, err = run("--lenient", "te,", bad)
    check(rc == 2, "--lenient with an empty rule: usage error")

    # 6. --tolerant: a capture that starts mid-connection.
    objs = jsonl(run("--json", os.path.join(cap, "nghttp-session.s2c"))[1])
    second = next(o for o in objs if o.get("type") == "HEADERS" and o["stream_id"] == 15)
    mid = os.path.join(tmp, "mid.bin")
    open(mid, "wb").write(data[second["offset"]:])
    rc, out, _ = run("--json", mid)
    check(rc == 1 and any(o.get("error") == "COMPRESSION_ERROR" for o in jsonl(out)), "mid-stream fails without --tolerant")
    rc, out, _ = run("--json", "--tolerant", mid)
    hs = [h for o in jsonl(out) if "headers" in o for h in o["headers"]]
    check(rc == 0 and any("<unknown index" in h[0] + h[1] for h in hs), "--tolerant placeholders: %s" % hs[:3])

# 7. Usage and I/O errors exit 2.
check(run()[0] == 2, "no file")
check(run("/nonexistent/file")[0] == 2, "missing file")
check(run("--bogus", EXPECTED)[0] == 2, "bad option")
check(run("--max-frame-size", "100", EXPECTED)[0] == 2, "bad max frame size")
check(run("--pcap", EXPECTED)[0] == 2, "not a pcap file")

print("cli_frames: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
