#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench_smoke.py H2CODEC CORPUS_DIR: one round of `h2codec bench --json`.

Checks what does not depend on timing: the JSON keys issue 6 names, the
steady-state allocation counts (zero, counted through the allocator hooks),
the compression ratio and that every workload ran on the whole corpus.
Speed is never asserted here; the bench itself reports it."""
import json
import subprocess
import sys

h2codec, corpus = sys.argv[1], sys.argv[2]
out = subprocess.run([h2codec, "bench", "--json", "--rounds", "1",
                      "--corpus", corpus + "/hpack-test-case"],
                     check=True, capture_output=True, text=True).stdout
r = json.loads(out)
failed = 0


def check(ok, what):
    global failed
    if not ok:
        failed += 1
        print("FAIL:", what)


for key in ("h2codec_ns_per_header", "nghttp2_ns_per_header"):
    check(r["hpack_decode"][key] > 0, "hpack_decode.%s" % key)
    check(r["hpack_encode"][key] > 0, "hpack_encode.%s" % key)
for key in ("h2codec_ns_per_frame", "nghttp2_ns_per_frame"):
    check(r["stream_decode"][key] > 0, "stream_decode.%s" % key)
check(r["hpack_decode"]["headers"] == 39359, "decode runs the 39,359 fields of the nghttp2 stories")
check(r["hpack_decode"]["h2codec_allocs"] == 0, "decode: no allocation in steady state")
check(r["hpack_encode"]["h2codec_allocs"] == 0, "encode: no allocation in steady state")
enc = r["hpack_encode"]
check(0 < enc["h2codec_ratio"] <= 0.300, "compression ratio %.4f <= 0.300" % enc["h2codec_ratio"])
check(enc["h2codec_ratio"] < enc["nghttp2_ratio"], "compresses better than nghttp2")
check(r["stream_decode"]["frames"] > 0 and r["stream_decode"]["passes_per_round"] >= 1, "stream workload ran")
# nghttp2 must receive the same frames, not stop at a connection error: it
# reports HEADERS and its CONTINUATIONs as one frame (4 of the 248 here).
sd = r["stream_decode"]
check(sd["nghttp2_frames"] >= 0.95 * sd["frames"],
      "nghttp2 received the captures' frames (%d of %d)" % (sd["nghttp2_frames"], sd["frames"]))
check(r["huffman"]["encode_mb_per_s"] > 0 and r["huffman"]["decode_mb_per_s"] > 0, "huffman workload ran")
check(r["frame_parse"]["bytes"] > 0, "frame parse workload ran")
print("bench_smoke: %d failed" % failed)
sys.exit(1 if failed else 0)
