#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench_smoke.py H2CODEC CORPUS_DIR [yes|no]: one round of `h2codec bench --json`.

Checks what does not depend on timing: the JSON keys issues 6 and 16 name,
the allocation counts (counted through the allocator hooks: tables grow
while they fill, then a second run allocates nothing), the pair memory
figures, the compression ratio and that every workload ran on the whole
corpus.
Speed is never asserted here; the bench itself reports it.  The third
argument says whether the bench was built with nghttp2 (default yes)."""
import json
import subprocess
import sys

h2codec, corpus = sys.argv[1], sys.argv[2]
with_nghttp2 = (sys.argv[3] if len(sys.argv) > 3 else "yes") == "yes"
out = subprocess.run([h2codec, "bench", "--json", "--rounds", "1", corpus],
                     check=True, capture_output=True, text=True).stdout
r = json.loads(out)
failed = 0


def check(ok, what):
    global failed
    if not ok:
        failed += 1
        print("FAIL:", what)


# nghttp2's figures: numbers when the bench compares with it, null (same
# keys) when the CLI was built without libnghttp2.
NGHTTP2_KEYS = [("hpack_decode", "nghttp2_ns_per_header"), ("hpack_decode", "ratio"),
                ("hpack_encode", "nghttp2_ns_per_header"), ("hpack_encode", "time_ratio"),
                ("hpack_encode", "nghttp2_ratio"), ("stream_decode", "nghttp2_ns_per_frame"),
                ("stream_decode", "ratio"), ("stream_decode", "nghttp2_frames"),
                ("conn_request", "nghttp2_ns_per_request"), ("conn_request", "ratio"),
                ("conn_request", "nghttp2_allocs_per_request")]
for sect, key in NGHTTP2_KEYS:
    check(key in r[sect], "%s.%s present" % (sect, key))
    if with_nghttp2:
        check(isinstance(r[sect].get(key), (int, float)) and r[sect][key] > 0,
              "%s.%s > 0" % (sect, key))
    else:
        check(key in r[sect] and r[sect][key] is None, "%s.%s is null" % (sect, key))
check((r.get("nghttp2_version") is not None) == with_nghttp2,
      "nghttp2_version %r with nghttp2=%s" % (r.get("nghttp2_version"), with_nghttp2))

check(r["hpack_decode"]["h2codec_ns_per_header"] > 0, "hpack_decode.h2codec_ns_per_header")
check(r["hpack_encode"]["h2codec_ns_per_header"] > 0, "hpack_encode.h2codec_ns_per_header")
check(r["stream_decode"]["h2codec_ns_per_frame"] > 0, "stream_decode.h2codec_ns_per_frame")
check(r["hpack_decode"]["headers"] == 39359, "decode runs the 39,359 fields of the nghttp2 stories")
# Tables grow while they fill, a few times per story (a story has dozens of
# blocks of a dozen fields): far fewer allocations than fields.
for sect in ("hpack_decode", "hpack_encode"):
    check(r[sect]["h2codec_allocs_per_header"] < 0.02,
          "%s: %.4f allocations per header (table growth only)" % (sect, r[sect]["h2codec_allocs_per_header"]))
mem = r["memory"]
check(mem["steady_allocs"] == 0, "every story again on its reset pair: no allocation")
check(0 < mem["hpack_pair_bytes"] <= 10240, "hpack_pair_bytes %d <= 10,240" % mem["hpack_pair_bytes"])
check(0 < mem["hpack_pair_bytes_64k"] <= 1.25 * mem["hpack_pair_bytes"],
      "hpack_pair_bytes_64k %d <= 1.25 x hpack_pair_bytes" % mem["hpack_pair_bytes_64k"])
check(mem["create_free_ns_64k"] > 0, "create_free_ns_64k measured")
check("nghttp2_hpack_pair_bytes" in mem, "memory.nghttp2_hpack_pair_bytes present")
if with_nghttp2:
    check(isinstance(mem["nghttp2_hpack_pair_bytes"], int) and mem["nghttp2_hpack_pair_bytes"] > 0,
          "nghttp2_hpack_pair_bytes > 0")
    check(mem["hpack_pair_bytes"] < mem["nghttp2_hpack_pair_bytes"],
          "a pair holds less than nghttp2's (%d against %d)" % (mem["hpack_pair_bytes"], mem["nghttp2_hpack_pair_bytes"]))
else:
    check(mem["nghttp2_hpack_pair_bytes"] is None, "nghttp2_hpack_pair_bytes is null")
big = r["hpack_decode_large_table"]
for key in r["hpack_decode"]:
    check(key in big, "hpack_decode_large_table.%s present" % key)
check(big["headers"] == r["hpack_encode"]["headers"], "large-table decode runs every raw-data field")
check(big["h2codec_ns_per_header"] > 0, "hpack_decode_large_table.h2codec_ns_per_header")
check(big["h2codec_allocs_per_header"] < 0.02, "large-table decode: table growth only")
if with_nghttp2:
    check(isinstance(big["ratio"], float) and big["ratio"] > 0, "hpack_decode_large_table.ratio > 0")
else:
    check(big["ratio"] is None and big["nghttp2_ns_per_header"] is None, "large-table nghttp2 keys null")
enc = r["hpack_encode"]
check(0 < enc["h2codec_ratio"] <= 0.300, "compression ratio %.4f <= 0.300" % enc["h2codec_ratio"])
if with_nghttp2:
    check(isinstance(enc["nghttp2_ratio"], float) and enc["h2codec_ratio"] < enc["nghttp2_ratio"],
          "compresses better than nghttp2")
check(r["stream_decode"]["frames"] > 0 and r["stream_decode"]["passes_per_round"] >= 1, "stream workload ran")
# nghttp2 must receive the same frames, not stop at a connection error: it
# reports HEADERS and its CONTINUATIONs as one frame (4 of the 248 here).
sd = r["stream_decode"]
if with_nghttp2:
    check(isinstance(sd["nghttp2_frames"], int) and sd["nghttp2_frames"] >= 0.95 * sd["frames"],
          "nghttp2 received the captures' frames (%d of %d)" % (sd["nghttp2_frames"], sd["frames"]))
cr = r["conn_request"]
check(cr["h2codec_ns_per_request"] > 0 and cr["requests"] > 0, "conn_request workload ran")
check(cr["h2codec_allocs"] == 0, "conn_request: no allocation per request in steady state")
check(r["conn_idle_heap_bytes"] >= r["conn_settings_heap_bytes"] > 0, "idle connection heap")
for key in ("nghttp2_conn_idle_heap_bytes", "nghttp2_conn_settings_heap_bytes"):
    check(key in r and (isinstance(r[key], int) and r[key] > 0 if with_nghttp2 else r[key] is None),
          "%s with nghttp2=%s" % (key, with_nghttp2))
check(r["huffman"]["encode_mb_per_s"] > 0 and r["huffman"]["decode_mb_per_s"] > 0, "huffman workload ran")
check(r["frame_parse"]["bytes"] > 0, "frame parse workload ran")
print("bench_smoke: %d failed" % failed)
sys.exit(1 if failed else 0)
