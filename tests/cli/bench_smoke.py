#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench_smoke.py H2CODEC CORPUS_DIR [yes|no]: one round of `h2codec bench --json`.

Checks what does not depend on timing: the JSON keys issue 6 names, the
steady-state allocation counts (zero, counted through the allocator hooks),
the compression ratio and that every workload ran on the whole corpus.
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
check(r["hpack_decode"]["h2codec_allocs"] == 0, "decode: no allocation in steady state")
check(r["hpack_encode"]["h2codec_allocs"] == 0, "encode: no allocation in steady state")
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
