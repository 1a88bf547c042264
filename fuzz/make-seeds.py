#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write raw seed inputs for every fuzz target, before minimising.

    fuzz/make-seeds.py BUILD_DIR OUT_DIR [TARGET...]

Reads only the unpacked corpus under BUILD_DIR/corpus (hpack-test-case
stories, h2spec and nghttp client streams, captures) plus the vectors written
below (RFC 7541 Appendix C, hand-made negative blocks), and writes
OUT_DIR/<target>/<sha1> files in each target's input format (see the comment
at the top of each fuzz/<target>.c).  fuzz/README.md shows how the result is
minimised with -merge=1 and packed into corpus/fuzz/<target>.zip.
"""
import glob
import hashlib
import json
import os
import struct
import sys

MAX_LEN = {  # keep in step with fuzz/<target>.options
    "hpack_decode": 8192,
    "hpack_diff": 8192,
    "hpack_roundtrip": 4096,
    "frame_parse": 16384,
    "frame_roundtrip": 4096,
    "stream": 16384,
}

# RFC 7541 Appendix C: (table size, [blocks]) sharing one context each.
RFC_C = [
    (4096, ["400a637573746f6d2d6b65790d637573746f6d2d686561646572"]),
    (4096, ["040c2f73616d706c652f70617468"]),
    (4096, ["100870617373776f726406736563726574"]),
    (4096, ["82"]),
    (4096, ["828684410f7777772e6578616d706c652e636f6d",
            "828684be58086e6f2d6361636865",
            "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565"]),
    (4096, ["828684418cf1e3c2e5f23a6ba0ab90f4ff",
            "828684be5886a8eb10649cbf",
            "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"]),
    (256, ["4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a"
           "31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
           "4803333037c1c0bf",
           "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04"
           "677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49"
           "553b206d61782d6167653d333630303b2076657273696f6e3d31"]),
    (256, ["488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e"
           "919d29ad171863c78f0b97c8e9ae82ae43d3",
           "4883640effc1c0bf",
           "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7"
           "821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed"
           "4ee5b1063d5007"]),
]

# Malformed or limit-hitting blocks: (table, limits (list, str, fields) as
# the targets read them, [(settings or None, block hex)], what it exercises).
NEGATIVE = [
    (4096, (0, 0, 0), [(None, "80")], "index 0"),
    (4096, (0, 0, 0), [(None, "be")], "index past the table"),
    (4096, (0, 0, 0), [(None, "ffffffffff0f")], "index overflow"),
    (4096, (0, 0, 0), [(None, "ff808080808080808080808001")], "integer too long"),
    (4096, (0, 0, 0), [(None, "ff")], "truncated integer"),
    (4096, (0, 0, 0), [(None, "7f")], "truncated name index"),
    (4096, (0, 0, 0), [(None, "400561")], "string past the block"),
    (4096, (0, 0, 0), [(None, "4001618a")], "Huffman string past the block"),
    (4096, (0, 0, 0), [(None, "40016184ffffffff")], "Huffman EOS"),
    (4096, (0, 0, 0), [(None, "400161821fff")], "Huffman padding over 7 bits"),
    (4096, (0, 0, 0), [(None, "4001618118")], "Huffman padding not ones"),
    (4096, (0, 0, 0), [(None, "3fe21f")], "size update above the maximum"),
    (4096, (0, 0, 0), [(None, "8220")], "size update after a field"),
    (4096, (0, 0, 0), [(100, "82")], "size update missing after a reduction"),
    (4096, (0, 0, 0), [(100, "")], "empty block after a reduction"),
    (4096, (0, 0, 0), [(50, ""), (200, "3f1382")], "two reductions, lowest first"),
    (4096, (0, 0, 0), [(0, "2082"), (4096, "3fe11f82")], "table size 0 then back"),
    (4096, (0, 0, 0), [(None, "203fe11f82")], "two updates in one block"),
    (4096, (1, 0, 0), [(None, "82")], "list size limit"),
    (4096, (0, 1, 0), [(None, "40026162016300")], "string length limit"),
    (4096, (0, 0, 1), [(None, "8282")], "field count limit"),
    (4096, (0, 0, 0), [(None, "1001610162")], "never indexed, new name"),
    (4096, (0, 0, 0), [(None, "0001610162")], "without indexing, new name"),
    (4096, (0, 0, 0), [(None, "1f1001")], "never indexed, name index 31"),
    (4096, (0, 0, 0), [(None, "0f2f0162")], "without indexing, name index 62 (absent)"),
    (4096, (0, 0, 0), [(None, "40016101624082")], "block ends inside a literal"),
    (0, (0, 0, 0), [(None, "4001610162be")], "table size 0: insertion is dropped"),
    (64, (0, 0, 0), [(None, "40016101624001630164bf")], "eviction at 64 octets"),
    (40, (0, 0, 0), [(None, "40016108303132333435363782")], "entry larger than the table"),
]

SETTINGS_CAP = (1 << 20) + 1


def h(x):
    return bytes.fromhex(x)


def block_record(data, settings=None, reset=False):
    ctl = 0
    out = b""
    if settings is not None:
        if settings > 0xFFFF:
            ctl |= 0x05
            out += struct.pack(">I", settings % SETTINGS_CAP)
        else:
            ctl |= 0x01
            out += struct.pack(">H", settings)
    if reset:
        ctl |= 0x02
    data = data[:0xFFFF]
    return bytes([ctl]) + out + struct.pack(">H", len(data)) + data


class Seeds:
    def __init__(self, out, target):
        self.dir = os.path.join(out, target)
        self.max = MAX_LEN[target]
        os.makedirs(self.dir, exist_ok=True)
        self.n = 0

    def add(self, data):
        data = data[: self.max]
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)
        self.n += 1


def stories(build):
    root = os.path.join(build, "corpus", "hpack-test-case")
    for path in sorted(glob.glob(os.path.join(root, "*", "story_*.json"))):
        with open(path) as f:
            yield os.path.basename(os.path.dirname(path)), json.load(f)


def fit(prefix, records, limit):
    """prefix + as many whole records as fit in limit."""
    out = prefix
    for r in records:
        if len(out) + len(r) > limit:
            break
        out += r
    return out


# ---------------------------------------------------------------- HPACK decode
def hpack_block_targets(build, out):
    dec = Seeds(out, "hpack_decode")
    diff = Seeds(out, "hpack_diff")

    def dec_cfg(table, lim, k):
        # table, list, str, fields, flags, fail_at, pattern[4]
        flags = k % 8
        pattern = [(0, 0, 0, 0), (1, 0, 0, 0), (7, 3, 1, 0), (2, 5, 13, 64)][k % 4]
        return struct.pack(">HBBBBB", table, lim[0], lim[1], lim[2], flags, (k * 7) % 256) + bytes(pattern)

    def diff_cfg(table, lim):
        return struct.pack(">HBBB", table, lim[0], lim[1], lim[2])

    k = 0
    for impl, story in stories(build):
        recs = []
        for case in story.get("cases", []):
            if "wire" not in case:
                continue
            recs.append(block_record(h(case["wire"]), case.get("header_table_size")))
        if not recs:
            continue
        k += 1
        dec.add(fit(dec_cfg(4096, (0, 0, 0), k), recs, dec.max))
        diff.add(fit(diff_cfg(4096, (0, 0, 0)), recs, diff.max))
    for table, blocks in RFC_C:
        recs = [block_record(h(b)) for b in blocks]
        for kk in range(4):
            dec.add(dec_cfg(table, (0, 0, 0), kk) + b"".join(recs))
        diff.add(diff_cfg(table, (0, 0, 0)) + b"".join(recs))
        for b in blocks:  # every block alone too (fresh context)
            dec.add(dec_cfg(table, (0, 0, 0), 1) + block_record(h(b)))
    for table, lim, blocks, _what in NEGATIVE:
        recs = [block_record(h(b), s) for s, b in blocks]
        dec.add(dec_cfg(table, lim, 3) + b"".join(recs))
        diff.add(diff_cfg(table, lim) + b"".join(recs))
    # Lenient decoding of a mid-connection reference, and the failing allocator.
    dec.add(struct.pack(">HBBBBB", 4096, 0, 0, 0, 0x01, 0) + bytes(4) + block_record(h("82bec0")))
    dec.add(struct.pack(">HBBBBB", 4096, 0, 0, 0, 0x04, 2) + bytes(4) +
            block_record(h(RFC_C[4][1][0])) + block_record(h(RFC_C[4][1][1])))
    # A reset between blocks, and a 1 MiB acknowledged table.
    dec.add(dec_cfg(4096, (0, 0, 0), 0) + block_record(h(RFC_C[4][1][0])) +
            block_record(h(RFC_C[4][1][1]), reset=True))
    diff.add(diff_cfg(4096, (0, 0, 0)) + block_record(h("3fe1ff3f82"), settings=1 << 20))
    return [dec, diff]


# ------------------------------------------------------------- HPACK roundtrip
def hpack_roundtrip_seeds(build, out):
    rt = Seeds(out, "hpack_roundtrip")
    k = 0
    for impl, story in stories(build):
        if impl != "raw-data":
            continue
        k += 1
        eflags = (k % 2) | (((k // 2) % 4) << 1)
        ops = []
        for case in story.get("cases", []):
            op = b""
            hts = case.get("header_table_size")
            if hts is not None:
                op += b"\x00" + struct.pack(">H", min(hts, 0xFFFF))
            fields = [next(iter(x.items())) for x in case.get("headers", [])]
            for i in range(0, len(fields), 31):
                chunk = fields[i:i + 31]
                op += bytes([(len(chunk) << 3) | 1, (k * 37) % 256])
                for j, (n, v) in enumerate(chunk):
                    n = n.encode()[:255]
                    v = v.encode()[:255]
                    mode = [0, 0, 0, 1, 2, 3][(j + k) % 6]
                    huff = [0, 0, 1, 2][(j * 3 + k) % 4]
                    op += bytes([0x40 | (huff << 2) | mode, len(n)]) + n + bytes([len(v)]) + v
            ops.append(op)
        pattern = [(0, 0, 0, 0), (1, 0, 0, 0), (3, 1, 0, 0), (17, 5, 2, 0)][k % 4]
        cfg = struct.pack(">HBB", [4096, 4096, 256, 65535][k % 4], eflags, k % 256) + bytes(pattern)
        rt.add(fit(cfg, ops, rt.max))
    # Hand-made: static matches, repeats, never-indexed, table changes.
    base = struct.pack(">HBB", 4096, 0, 0) + bytes(4)
    rt.add(base + bytes([3 << 3 | 1, 0]) + bytes([0x11, 1, 0x11, 3, 0x00, 22]) + b"\x10gzip")
    rt.add(base + bytes([2 << 3 | 1, 0]) + bytes([0x41, 1]) + b"a" + bytes([1]) + b"b" +
           bytes([0x20, 0]) + bytes([1 << 3 | 1, 0, 0x20, 0]))
    rt.add(base + b"\x00\x00\x64" + b"\x00\x10\x00" + bytes([1 << 3 | 1, 0x80, 0x43, 13]) +
           b"authorization" + bytes([5]) + b"token")
    rt.add(base + bytes([2 << 3 | 1, 0x40, 0x4b, 6]) + b"cookie" + bytes([3]) + b"a=b" +
           bytes([0x48, 6]) + b"cookie" + bytes([40]) + b"x" * 40)
    rt.add(struct.pack(">HBB", 0, 1, 0) + bytes(4) + bytes([1 << 3 | 1, 0, 0x41, 1]) + b"a" + bytes([1]) + b"b")
    rt.add(struct.pack(">HBB", 64, 6, 9) + bytes([1, 1, 1, 1]) + bytes([2 << 3 | 1, 0xff, 0x41, 1]) +
           b"a" + bytes([10]) + b"0123456789" + bytes([0x41, 1]) + b"b" + bytes([10]) + b"0123456789")
    return [rt]


# ------------------------------------------------------------------ frames
def frame_vectors(root):
    """Hex of every vector in tests/frame/vectors.c (the per-type unit vectors)."""
    import re
    path = os.path.join(root, "tests", "frame", "vectors.c")
    if not os.path.exists(path):
        return []
    src = open(path).read().replace("PREFACE", '"505249202a20485454502f322e300d0a0d0a534d0d0a0d0a"')
    out = []
    for m in re.finditer(r'\b(?:OK|OK_NORT|CE|SE|IG)\(\s*"[^"]*"\s*,((?:\s*"[0-9a-fA-F ]*")+)', src):
        hx = "".join(re.findall(r'"([0-9a-fA-F ]*)"', m.group(1))).replace(" ", "")
        if len(hx) % 2 == 0:
            out.append(bytes.fromhex(hx))
    return out


def streams(build):
    root = os.path.join(build, "corpus")
    for sub in ("h2spec-client-streams", "nghttp-client-streams"):
        for path in sorted(glob.glob(os.path.join(root, sub, "*"))):
            yield True, open(path, "rb").read()
    for name in ("nghttp-session.c2s", "nghttp-session.s2c"):
        path = os.path.join(root, "captures", name)
        if os.path.exists(path):
            yield name.endswith("c2s"), open(path, "rb").read()


def frame_parse_seeds(build, out):
    fp = Seeds(out, "frame_parse")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    patterns = [(0, 0, 0, 0), (1, 0, 0, 0), (9, 3, 0, 0), (5, 100, 17, 2)]
    k = 0
    for client, data in streams(build):
        k += 1
        mode = 2 if client else 0  # AUTO for client streams, NONE for the server side
        fp.add(bytes([0, 0, 0, mode]) + bytes(patterns[k % 4]) + data)
    for v in frame_vectors(root):
        k += 1
        mode = 2 if v.startswith(b"PRI ") else 0
        fp.add(bytes([0, 0, 0, mode]) + bytes(patterns[k % 4]) + v)
    # Small limits: 2 settings, 3 empty frames, strict extensions.
    for v in frame_vectors(root)[:40]:
        fp.add(bytes([1, 2, 3, 0x80]) + bytes(4) + v)
    return [fp]


def frame_roundtrip_seeds(build, out):
    rt = Seeds(out, "frame_roundtrip")

    def frame(sel, flags, mode, stream, body):
        return bytes([sel, flags, mode]) + struct.pack(">I", stream) + body

    def s16(b):
        return struct.pack(">H", len(b)) + b

    def s8(b):
        return bytes([len(b)]) + b

    specs = [
        frame(0, 0x09, 0, 1, b"\x03" + s16(b"hello")),
        frame(1, 0x2d, 0, 1, b"\x02" + struct.pack(">I", 3) + b"\x01\x10" + s16(b"\x82\x86")),
        frame(2, 0, 0, 3, struct.pack(">I", 1) + b"\x00\xff"),
        frame(3, 0, 0, 1, struct.pack(">I", 8)),
        frame(4, 0, 0, 0, b"\x03" + struct.pack(">HI", 1, 4096) + struct.pack(">HI", 4, 65535) +
              struct.pack(">HI", 0x99, 7)),
        frame(4, 1, 0, 0, b"\x00"),
        frame(5, 0x0c, 0, 1, b"\x01" + struct.pack(">I", 2) + s16(b"\x82")),
        frame(6, 1, 0, 0, b"pingpong"),
        frame(7, 0, 0, 0, struct.pack(">II", 5, 2) + s16(b"bye")),
        frame(8, 0, 0, 0, struct.pack(">I", 65535)),
        frame(9, 4, 0, 1, s16(b"\x84")),
        frame(10, 0, 0, 0, s8(b"https://example.org") + s16(b'h2=":443"')),
        frame(10, 0, 0, 5, s8(b"") + s16(b"clear")),
        frame(11, 0, 0, 0, b"\x02" + s8(b"https://a.example") + s8(b"https://b.example")),
        frame(12, 0, 0, 0, struct.pack(">I", 1) + s8(b"u=3, i")),
        frame(13, 0xff, 0, 9, s16(b"opaque")),
    ]
    rt.add(b"".join(specs))
    for i, sp in enumerate(specs):
        rt.add(sp)
        rt.add(sp[:2] + bytes([sp[2] | 1]) + sp[3:])  # raw mode
    # Long field blocks split at 16384 and at 20000.
    rt.add(frame(1, 0x25, 2, 3, struct.pack(">I", 1) + b"\x00\x10" + s16(b"\x82\x86\x84")) +
           bytes([80, 7]) + struct.pack(">H", 0))
    rt.add(frame(5, 0x08, 2, 1, b"\x07" + struct.pack(">I", 4) + s16(b"abc")) +
           bytes([100, 1]) + struct.pack(">H", 3616))
    return [rt]


def stream_seeds(build, out):
    st = Seeds(out, "stream")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    k = 0
    for client, data in streams(build):
        k += 1
        mode = 2 if client else 0
        role = 0 if client else 1  # flags 0x01: the observer is the client
        # default limits; small ones; lenient HPACK with new settings after
        # 3 events and a failing allocator (input format in fuzz/stream.c)
        st.add(bytes([mode, role, 0, 0, 0, 0, 0, 0]) + bytes(4) + bytes(3) + data)
        st.add(bytes([mode, role, 2, 1, 8, 2, 4, 0]) + bytes([7, 1, 0, 0]) + bytes(3) + data)
        st.add(bytes([mode | 0x80, role, 0, 0, 0, 0, 0, 0]) + bytes([3, 0, 0, 0]) +
               bytes([3, (k % 4) | 0x40, 1 + k % 40]) + data)
    for v in frame_vectors(root):
        mode = 2 if v.startswith(b"PRI ") else 0
        st.add(bytes([mode, 0, 0, 0, 0, 0, 0, 0]) + bytes(4) + bytes(3) + v)
        st.add(bytes([mode, 1, 0, 0, 0, 0, 0, 0]) + bytes(4) + bytes(3) + v)
    return [st]


TARGETS = {
    "hpack_decode": hpack_block_targets,
    "hpack_diff": hpack_block_targets,
    "hpack_roundtrip": hpack_roundtrip_seeds,
    "frame_parse": frame_parse_seeds,
    "frame_roundtrip": frame_roundtrip_seeds,
    "stream": stream_seeds,
}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    build, out = sys.argv[1], sys.argv[2]
    want = sys.argv[3:] or list(TARGETS)
    done = set()
    for t in want:
        fn = TARGETS[t]
        if fn in done:
            continue
        done.add(fn)
        for s in fn(build, out):
            print("%s: %d seeds" % (os.path.basename(s.dir), s.n))


if __name__ == "__main__":
    main()
