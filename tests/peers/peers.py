#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Other implementations' test vectors through the h2codec CLI.

usage: peers.py H2CODEC CORPUS_DIR

The vectors come from corpus/peers.zip (sources, commits and licences in
corpus/README.md).  Only their inputs are carried over, with what each
peer's own test expects of the peer ("parses" or "rejects"), to count
agreement.  What h2codec must answer is written here, from the RFCs:

- netty (HPACK): each file's blocks, decoded in order by one decoder
  (`h2codec decode`), give the fields listed with them (RFC 7541).
- python-hpack (HPACK): each vector's blocks, decoded in order by one
  decoder with the vector's settings, give the fields in HPACK below, or
  fail with the HTTP/2 error code given there (RFC 7541).
- golang/net (HPACK): as python-hpack, with the fields or error in
  GO_HPACK; a Huffman string or integer of a unit test is carried inside a
  header block (the vector's note says how).
- hyperium/h2 (HPACK): as python-hpack, with the fields in H2_HPACK; its
  encoder tests assert a block's leading octets and decode its strings, the
  rest is rebuilt as h2 writes it (the vector's note says so).
- swift-nio-http2 and h2o (HPACK): as python-hpack, with the answers in
  NIO_HPACK and H2O_HPACK.
- nghttp2 (HPACK and frames): as python-hpack and hyperframe, with the
  answers in NG_HPACK and NG_FRAMES.
- golang/net (frames): as hyperframe, with the outcomes in GO_FRAMES; the
  TestReadFrameOrder sequences are read as a connection (`h2codec frames
  --json`, field blocks decoded), the TestMetaFrameHeader ones as a
  client's (after its connection preface and SETTINGS).
- hyperframe (frames): each vector alone through `h2codec frames --json
  --no-hpack` (frame by frame, as hyperframe parses) gives the outcome in
  FRAMES below.

Where we answer otherwise than the peer's test expects, DIFFERENCES says why.
Prints one line per disagreement and the totals.
"""
import json
import os
import subprocess
import sys
import tempfile

BIN, CORPUS = sys.argv[1:3]
PEERS = os.path.join(CORPUS, "peers")
passed = failed = 0
counts = {"vectors": 0, "agree": 0, "differ": 0}


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


# hyperframe's vectors: the outcome RFC 9113 (and RFC 7838 for ALTSVC) asks
# of a receiver.  "ok": the frame is delivered; "truncated": the input ends
# inside the frame (no error code: the connection simply ended); else the
# error and its scope.
FRAMES = {
    "TestDataFrame.test_data_frame_parses_properly": "ok",
    "TestDataFrame.test_data_frame_with_padding_parses_properly": "ok",
    "TestDataFrame.test_data_frame_with_invalid_padding_errors": "truncated",
    # 6.1: padding as long as the rest of the payload
    "TestDataFrame.test_data_frame_with_invalid_padding_fails_to_parse": "PROTOCOL_ERROR/connection",
    "TestPriorityFrame.test_priority_frame_with_all_data_parses_properly": "ok",
    # 6.3: a PRIORITY frame of another length than 5 is a stream error
    "TestPriorityFrame.test_priority_frame_invalid": "FRAME_SIZE_ERROR/stream",
    "TestPriorityFrame.test_short_priority_frame_errors": "truncated",
    "TestRstStreamFrame.test_rst_stream_frame_parses_properly": "ok",
    # 6.5: SETTINGS with ACK and a payload
    "TestSettingsFrame.test_settings_frame_ack_and_settings": "FRAME_SIZE_ERROR/connection",
    "TestSettingsFrame.test_settings_frame_parses_properly": "ok",
    "TestSettingsFrame.test_settings_frame_invalid_body_length": "truncated",
    "TestSettingsFrame.test_short_settings_frame_errors": "FRAME_SIZE_ERROR/connection",  # ACK set too
    "TestPushPromiseFrame.test_push_promise_frame_parses_properly": "ok",
    "TestPushPromiseFrame.test_push_promise_frame_with_padding": "ok",
    # 6.6 (padding as in 6.1): the padding covers the promised stream ID
    "TestPushPromiseFrame.test_push_promise_frame_with_invalid_padding_fails_to_parse": "PROTOCOL_ERROR/connection",
    "TestPushPromiseFrame.test_short_push_promise_errors": "truncated",
    "TestPingFrame.test_ping_frame_parses_properly": "ok",
    "TestGoAwayFrame.test_goaway_frame_parses_properly": "ok",
    "TestGoAwayFrame.test_goaway_frame_parses_properly (no debug data)": "ok",
    "TestGoAwayFrame.test_short_goaway_frame_errors": "truncated",
    "TestWindowUpdateFrame.test_windowupdate_frame_parses_properly": "ok",
    "TestWindowUpdateFrame.test_short_windowupdate_frame_errors (one octet short)": "truncated",
    # 6.9: a WINDOW_UPDATE of another length than 4; an increment of 0 on stream 0
    "TestWindowUpdateFrame.test_short_windowupdate_frame_errors (length 5)": "FRAME_SIZE_ERROR/connection",
    "TestWindowUpdateFrame.test_short_windowupdate_frame_errors (increment 0)": "PROTOCOL_ERROR/connection",
    "TestHeadersFrame.test_headers_frame_parses_properly": "ok",
    "TestHeadersFrame.test_headers_frame_with_priority_parses_properly": "ok",
    "TestHeadersFrame.test_headers_frame_with_invalid_padding_fails_to_parse": "PROTOCOL_ERROR/connection",
    "TestContinuationFrame.test_continuation_frame_parses_properly": "ok",
    "TestAltSvcFrame.test_altsvc_frame_with_origin_parses_properly": "ok",
    "TestAltSvcFrame.test_altsvc_frame_without_origin_parses_properly": "ok",
    # RFC 7838 section 4: an origin on a stream other than 0 makes the frame ignored
    "TestAltSvcFrame.test_altsvc_frame_with_origin_and_stream_serializes_properly": "PROTOCOL_ERROR/ignorable",
    "TestAltSvcFrame.test_short_altsvc_frame_errors ([:12])": "truncated",
    "TestAltSvcFrame.test_short_altsvc_frame_errors ([:10])": "truncated",
    # 5.5: unknown frame types are ignored (reported, not an error)
    "TestGeneralFrameBehaviour.test_parse_body_unknown_type": "ok",
    # 6.7: a PING of length 0 (the reserved bit is ignored: stream 0)
    "TestGeneralFrameBehaviour.test_parse_frame_header_ignore_first_bit_of_stream_id": "FRAME_SIZE_ERROR/connection",
    "TestGeneralFrameBehaviour.test_cannot_parse_invalid_frame_header": "truncated",
}

# golang/net's frame vectors.  The frames its writer tests produce, each
# alone, are well-formed (RFC 9113 section 6); a CONTINUATION's place in
# the connection is checked by the TestReadFrameOrder sequences, read as a
# connection: there 6.2 and 6.10 make an interrupted field block, a
# CONTINUATION with no open block or on another stream, and HEADERS or
# CONTINUATION on stream 0 connection errors PROTOCOL_ERROR.  The test's
# fragment "foo" is no HPACK block (0x66 is a literal whose value would be
# 111 octets long), so a sequence that completes a block ends in
# COMPRESSION_ERROR (RFC 9113 section 4.3).
GO_FRAMES = {t: "ok" for t in [
    "TestWriteRST", "TestWriteData", "TestWriteDataPadded 0", "TestWriteDataPadded 1",
    "TestWriteDataPadded 2", "TestWriteHeaders basic", "TestWriteHeaders basic + end flags",
    "TestWriteHeaders with padding", "TestWriteHeaders with priority",
    "TestWriteHeaders with priority stream dep zero", "TestWriteHeaders zero length",
    "TestWriteContinuation not end", "TestWriteContinuation end",
    "TestWritePriority not exclusive", "TestWritePriority exclusive", "TestWriteSettings",
    "TestWriteSettingsAck", "TestWriteWindowUpdate", "TestWritePing", "TestWritePingAck",
    "TestWriteGoAway", "TestWritePushPromise"]}
GO_FRAMES.update({"TestReadFrameOrder %d" % i: want for i, want in enumerate([
    "COMPRESSION_ERROR/connection",  # 0: HEADERS(1, END_HEADERS): the block "foo"
    "COMPRESSION_ERROR/connection",  # 1: as 0, then HEADERS(2)
    "PROTOCOL_ERROR/connection",     # 2: HEADERS(2) inside stream 1's block
    "PROTOCOL_ERROR/connection",     # 3: DATA inside the block
    "COMPRESSION_ERROR/connection",  # 4: HEADERS + CONTINUATION(END_HEADERS): "foofoo"
    "PROTOCOL_ERROR/connection",     # 5: CONTINUATION on stream 2 inside stream 1's block
    "PROTOCOL_ERROR/connection",     # 6: CONTINUATION with no open block
    "PROTOCOL_ERROR/connection",     # 7: the same without END_HEADERS
    "PROTOCOL_ERROR/connection",     # 8: HEADERS on stream 0 (6.2)
    "PROTOCOL_ERROR/connection",     # 9: CONTINUATION on stream 0 (6.10)
    "COMPRESSION_ERROR/connection",  # 10: the block ends (decoded) before the stray CONTINUATION
])})
# TestMetaFrameHeader: one request's HEADERS (and CONTINUATION) from a
# client.  8.3.1: a request without :scheme, or without any pseudo-header,
# is malformed; 8.3: an unknown pseudo-header, one after a regular field,
# a duplicate, or request and response ones mixed; 8.2.1: an uppercase
# name, a NUL in a value.  Each is a stream error PROTOCOL_ERROR (8.1.1).
GO_FRAMES.update({"TestMetaFrameHeader " + t: "PROTOCOL_ERROR/stream" for t in [
    "single_headers", "with_continuation", "with_two_continuation", "big_string_okay",
    "pseudo_order", "pseudo_unknown", "pseudo_mix_request_response", "pseudo_dup",
    "trailer_okay_no_pseudo", "invalid_field_name", "invalid_field_value"]})

NF = "nghttp2_frame_test.c:"
# nghttp2's frames: what nghttp2_frame_test.c packs and nghttp2_iv_check's
# settings lists, each alone.
NG_FRAMES = {
    **{NF + t: "ok" for t in [
        "test_nghttp2_frame_pack_priority", "test_nghttp2_frame_pack_rst_stream",
        "test_nghttp2_frame_pack_rst_stream (unknown code)",  # 7: unknown codes are no error
        "test_nghttp2_frame_pack_settings", "test_nghttp2_frame_pack_ping",
        "test_nghttp2_frame_pack_goaway", "test_nghttp2_frame_pack_goaway (unknown code)",
        "test_nghttp2_frame_pack_window_update",
        "test_nghttp2_frame_pack_origin",          # RFC 8336 section 2: an empty entry is skipped
        "test_nghttp2_frame_pack_origin (empty)",
        "test_nghttp2_iv_check 1", "test_nghttp2_iv_check 2", "test_nghttp2_iv_check 4",
        "test_nghttp2_iv_check 5",
        "test_nghttp2_iv_check 7",                 # 6.5.2: unknown settings are ignored
        "test_nghttp2_iv_check 8", "test_nghttp2_iv_check 11"]},
    # RFC 7838 section 4: an origin on a stream other than 0: ignored
    NF + "test_nghttp2_frame_pack_altsvc": "PROTOCOL_ERROR/ignorable",
    # RFC 8336 section 2 defines no error: a malformed ORIGIN frame is ignored
    NF + "test_nghttp2_frame_pack_origin (origin length too large)": "FRAME_SIZE_ERROR/ignorable",
    NF + "test_nghttp2_iv_check 3": "FLOW_CONTROL_ERROR/connection",  # 6.5.2: window above 2^31-1
    NF + "test_nghttp2_iv_check 6": "PROTOCOL_ERROR/connection",      # 6.5.2: ENABLE_PUSH 3
    NF + "test_nghttp2_iv_check 9": "PROTOCOL_ERROR/connection",      # 6.5.2: MAX_FRAME_SIZE 2^14-1
    NF + "test_nghttp2_iv_check 10": "PROTOCOL_ERROR/connection",     # 6.5.2: MAX_FRAME_SIZE 2^24
}

C3 = [[(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")],
      [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"),
       ("cache-control", "no-cache")],
      [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"),
       (":authority", "www.example.com"), ("custom-key", "custom-value")]]
CUSTOM = [[("custom-key", "custom-header")]]
SAMPLE = [[(":path", "/sample/path")]]
JIMI = [[(":method", "GET"), (":path", "/jimiscool/"), ("customkey", "sensitiveinfo")]]
LOCAL = [[(":method", "GET"), (":scheme", "https"), (":path", "/"), (":authority", "127.0.0.1:8443")]]
E, D = "TestHPACKEncoder.", "TestHPACKDecoder."
# python-hpack's vectors: the fields of each block (RFC 7541 sections 6
# and Appendix C), or the error: every HPACK decoding error is a connection
# error COMPRESSION_ERROR (RFC 9113 section 4.3).
HPACK = {
    E + "test_literal_header_field_with_indexing": CUSTOM,
    E + "test_sensitive_headers": JIMI,
    E + "test_non_sensitive_headers_with_header_tuples": JIMI,
    E + "test_indexed_literal_header_field_with_indexing": SAMPLE,
    E + "test_indexed_header_field_empty_value_string": [[(":authority", "")]],
    E + "test_request_examples_without_huffman": C3,
    E + "test_request_examples_with_huffman": C3,
    E + "test_resizing_header_table_sends_multiple_updates": [[(":method", "GET")]],  # 40, 100, 40
    E + "test_resizing_header_table_sends_context_update": [[(":method", "GET")]],
    D + "test_literal_header_field_without_indexing": SAMPLE,
    D + "test_request_examples_without_huffman": C3,
    D + "test_request_examples_with_huffman": C3,
    D + "test_resizing_header_table": [[
        (":method", "GET"), (":scheme", "https"), (":path", "/some/path"),
        (":authority", "www.example.com"), ("custom-key", "custom-value"),
        ("user-agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.8; rv:16.0) Gecko/20100101 Firefox/16.0"),
        ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ("X-Lukasa-Test", "88989")]],  # as sent: HPACK keeps the octets (8.2.1 would refuse it)
    D + "test_apache_trafficserver": [[
        (":status", "200"), ("server", "ATS/6.0.0"), ("date", "Tue, 31 Mar 2015 08:09:51 GMT"),
        ("content-type", "text/html"), ("content-length", "42468"),
        ("last-modified", "Tue, 31 Mar 2015 01:55:51 GMT"), ("vary", "Accept-Encoding"),
        ("etag", '"5519fea7-a5e4"'), ("x-served", "Nginx"), ("x-subdomain-tryfiles", "True"),
        ("x-deity", "hydra-lts"), ("accept-ranges", "bytes"), ("age", "0"),
        ("strict-transport-security", "max-age=86400"),
        ("via", "https/1.1 ATS (ApacheTrafficServer/6.0.0 [cSsNfU])")]],
    # HPACK strings are octets (RFC 7541 section 5.2): not UTF-8 is no error
    D + "test_utf8_errors_raise_hpack_decoding_error": [[
        (":method", "GET"), (":scheme", "http"), (":path", "/"),
        (":authority", "www.\x07\ufffd\u05d5\u05e8\u05d4.com")]],  # --json: 0xaa as U+FFFD
    D + "test_invalid_indexed_literal": "COMPRESSION_ERROR",   # name index 73 of 61
    D + "test_invalid_indexed_header": "COMPRESSION_ERROR",    # index 62, empty table
    D + "test_literal_header_field_with_indexing_emits_headertuple": CUSTOM,
    D + "test_literal_never_indexed_emits_neverindexedheadertuple": CUSTOM,
    D + "test_indexed_never_indexed_emits_neverindexedheadertuple": SAMPLE,
    # 49 octets (5 + 12 + 32) over a 44-octet limit: the decoder stops
    D + "test_max_header_list_size": "COMPRESSION_ERROR",
    D + "test_can_decode_multiple_header_table_size_changes": LOCAL,
    D + "test_header_table_size_change_above_maximum": "COMPRESSION_ERROR",  # 128 > 127, 6.3
    D + "test_table_size_not_adjusting": LOCAL,
    D + "test_table_size_last_rejected": "COMPRESSION_ERROR",  # 4.2: updates come first
    D + "test_table_size_middle_rejected": "COMPRESSION_ERROR",
    D + "test_truncated_header_name": "COMPRESSION_ERROR",     # block ends inside a string
    D + "test_truncated_header_value": "COMPRESSION_ERROR",
}

C5 = [[(":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
       ("location", "https://www.example.com")],
      [(":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
       ("location", "https://www.example.com")],
      [(":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"),
       ("location", "https://www.example.com"), ("content-encoding", "gzip"),
       ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1")]]
# RFC 7541 C.2.1 to C.2.4, one field each
C2 = [[("custom-key", "custom-header")], SAMPLE[0], [("password", "secret")], [(":method", "GET")]]
CUSTOM_KV = [[("custom-key", "custom-value")]]
STATUS_302 = [[(":status", "302")]]
GH, GE = "hpack_test.go:", "encode_test.go:"
# golang/net's vectors: the fields of each block (RFC 7541 Appendix C, the
# Huffman code of Appendix B), or COMPRESSION_ERROR (RFC 9113 section 4.3).
GO_HPACK = {
    GH + "TestDecoderDecode C.2.1": [C2[0]],
    GH + "TestDecoderDecode C.2.2": [C2[1]],
    GH + "TestDecoderDecode C.2.3": [C2[2]],
    GH + "TestDecoderDecode C.2.4": [C2[3]],
    GH + "TestDecodeC3_NoHuffman": C3,
    GH + "TestDecodeC4_Huffman": C3,
    GH + "TestDecodeC5_ResponsesNoHuff": C5,  # table of 256 octets: evictions
    GH + "TestDecodeC6_ResponsesHuffman": C5,
    # 5.2: padding longer than 7 bits, padding that is not the EOS prefix,
    # and a string holding EOS are decoding errors
    **{GH + "TestHuffmanDecodeExcessPadding test-%d" % i: "COMPRESSION_ERROR" for i in range(6)},
    GH + "TestHuffmanDecodeEOS": "COMPRESSION_ERROR",
    GH + "TestHuffmanDecodeCorruptPadding": "COMPRESSION_ERROR",
    GH + "TestHuffmanFuzzCrash": "COMPRESSION_ERROR",
    **{GH + "TestHuffmanDecode %d" % i: [[("a", v)]] for i, v in enumerate([
        "www.example.com", "no-cache", "custom-key", "custom-value", "302", "private",
        "Mon, 21 Oct 2013 20:13:21 GMT", "https://www.example.com", "gzip",
        "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"])},
    GH + "TestReadVarInt 1337 (5-bit prefix)": [[]],  # 6.3: an update to 1337 <= 4096
    GH + "TestReadVarInt short a byte": "COMPRESSION_ERROR",       # block ends in the integer
    GH + "TestReadVarInt integer overflow": "COMPRESSION_ERROR",   # 5.1: too large to handle
    GH + "TestSaveBufLimit": "COMPRESSION_ERROR",  # a 3072-octet name over a 1024-octet limit
    GH + "TestDynamicSizeUpdate": "COMPRESSION_ERROR",  # 4.2: an update after a field
    GE + "TestEncoderTableSizeUpdate 2048,4096": [[(":method", "GET")]],  # 4.2: two updates first
    GE + "TestEncoderTableSizeUpdate 16384,2048": [[(":method", "GET")]],
    GE + "TestAppendNewName indexing": CUSTOM_KV,
    GE + "TestAppendNewName without indexing": CUSTOM_KV,
    GE + "TestAppendNewName never indexed": CUSTOM_KV,
    GE + "TestAppendIndexedName indexing": STATUS_302,
    GE + "TestAppendIndexedName without indexing": STATUS_302,
    GE + "TestAppendIndexedName never indexed": STATUS_302,
    GE + "TestAppendIndexed 1": [[(":authority", "")]],
    GE + "TestAppendTableSize 3e": [[]],
    GE + "TestAppendTableSize 3f00": [[]],
    GE + "TestAppendTableSize 3f01": [[]],
}

XH = ["x-hello-world-%02d" % i for i in range(65)]
FOO_BAR = [("foo", "bar")]
RS, DS = "encoder.rs:", "decoder.rs:"
# hyperium/h2's vectors (its encoder tests' output, decoded in order).
H2_HPACK = {
    RS + "test_encode_method_get": [[(":method", "GET")]],
    RS + "test_encode_method_post": [[(":method", "POST")]],
    RS + "test_encode_method_patch": [[(":method", "PATCH")]] * 2,  # then index 62
    RS + "test_encode_indexed_name_literal_value": [[("content-language", "foo")],
                                                    [("content-language", "bar")]],
    RS + "test_repeated_headers_are_indexed": [[("foo", "hello")]] * 2,
    # 64 entries of 16 + 16 + 32 octets fill 4096 (4.1); the 65th evicts the
    # oldest (4.4), so index 62 + (64 - i) then names entry i
    RS + "test_evicting_headers": [[(k, k)] for k in XH[:64] for _ in (0, 1)]
    + [[(k, k)] for k in XH[:64]] + [[(XH[64], XH[64])]] + [[(k, k)] for k in XH[1:]],
    # HPACK keeps a value's case (only 8.2.1 of RFC 9113 asks lower-case names)
    RS + "test_large_headers_are_not_indexed": [[("hello-world-hello-world-hello-zzz",
                                                  "hello-world-hello-world-HELLO-zzz")]],
    RS + "test_sensitive_headers_are_never_indexed #1": [[("my-password", "12345")]],
    RS + "test_sensitive_headers_are_never_indexed #2": [
        [("authorization", "12345")], [("my-password", "not-so-secret")], [("my-password", "12345")]],
    RS + "test_content_length_value_not_indexed": [[("content-length", "1234")]],
    RS + "test_encoding_headers_with_same_name": [[("hello", "one")], [("hello", "two")],
                                                  [("hello", "one")], [("hello", "two")]],
    # a 76-octet table holds two 38-octet entries: foo: baz evicts foo: bar
    RS + "test_evicting_headers_when_multiple_of_same_name_are_in_table": [
        FOO_BAR, [("bar", "foo")], [("foo", "baz")], [("foo", "baz")]],
    RS + "test_max_size_zero": [[(":method", "GET")], FOO_BAR, [("transfer-encoding", "chunked")]],
    # 6.3: updates to 1, 100 and 0, each at the start of its block
    RS + "test_resizing_table": [FOO_BAR, [(":method", "GET")], FOO_BAR, FOO_BAR, FOO_BAR],
    RS + "test_decreasing_table_size_without_eviction": [FOO_BAR, FOO_BAR],
    RS + "test_nameless_header": [[("hello", "world"), ("hello", "zomg")]],
    RS + "test_large_size_update": [[]],  # within the 1912930560 octets allowed
    DS + "test_decode_empty": [[]],
    # 4.4: an entry larger than the table empties it, without error
    DS + "test_decode_indexed_larger_than_table": [FOO_BAR],
    # Appendix B codes: o 00111, 0 00000, A 100001; # and $ 10 and 13 bits; LF 30
    **{"huffman/mod.rs:" + t: [[("a", v)]] for t, v in [
        ("decode_single_byte o", "o"), ("decode_single_byte 0", "0"), ("decode_single_byte A", "A"),
        ("single_char_multi_byte #", "#"), ("single_char_multi_byte $", "$"),
        ("single_char_multi_byte LF", "\n"), ("multi_char !0", "!0"), ("multi_char space!", " !")]},
    # 5.2: 8 bits of padding, EOS, padding of zeros
    **{"huffman/mod.rs:rejects_eos_and_invalid_padding %d" % i: "COMPRESSION_ERROR" for i in range(3)},
    "huffman/mod.rs:encode_decode_str": [[("a", v)] for v in [
        "hello world", ":method", ":scheme", ":authority", "yahoo.co.jp", "GET", "http", ":path",
        "/images/top/sp2/cmn/logo-ns-130528.png", "example.com", "hpack-test", "xxxxxxx1",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.8; rv:16.0) Gecko/20100101 Firefox/16.0",
        "accept", "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "cookie", "B=76j09a189a6h4&b=3&s=0b", "TE",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Morbi non bibendum libero. "
        "Etiam ultrices lorem ut."]],
}

NH = "nghttp2_hd_test.c:"
NG_HPACK = {
    NH + "test_nghttp2_hd_inflate_indexed": [[(":path", "/")]],
    NH + "test_nghttp2_hd_inflate_indexed (index 0)": "COMPRESSION_ERROR",  # 6.1
    NH + "test_nghttp2_hd_inflate_zero_length_huffman": [[("x", "")]],  # an empty Huffman string
    NH + "test_nghttp2_hd_inflate_unexpected_table_size_update": "COMPRESSION_ERROR",  # 4.2
}

NC = "HPACKCodingTests.swift:"
# swift-nio-http2's vectors (RFC 7541 Appendix C and the tests' own blocks).
NIO_HPACK = {
    NC + "testRequestHeadersWithoutHuffmanCoding": C3,
    NC + "testRequestHeadersWithHuffmanCoding": C3,
    NC + "testResponseHeadersWithoutHuffmanCoding": C5,
    NC + "testResponseHeadersWithHuffmanCoding": C5,
    # literals without indexing and never indexed leave the table empty
    NC + "testNonIndexedRequest": [C3[0], C3[1] + [("custom-key", "custom-value")], C3[2]],
    NC + "testInlineDynamicTableResize request1": [C3[0]],  # an update to 81, the maximum
    NC + "testInlineDynamicTableResize request2": [C3[0]],  # 64 then 81: 4.2 allows two
    # 6.3: 4224 is above the decoder's 81; 4.2: an update after a field
    NC + "testInlineDynamicTableResize request3": "COMPRESSION_ERROR",
    NC + "testInlineDynamicTableResize request4": "COMPRESSION_ERROR",
    NC + "testHPACKHeadersWithZeroIndex": "COMPRESSION_ERROR",  # 6.1
    # an update to 0 first, then an indexed literal that the empty table cannot keep
    "HPACKRegressionTests.swift:testWikipediaHeaders": [[(":status", "200"),
                                                          ("date", "Tue, 16 Apr 2019 08:43:34 GMT")]],
    # Appendix B: each code decodes to the test's string (UTF-8 octets stay as sent)
    "HuffmanCodingTests.swift:testBasicCoding": [[("a", v)] for v in [
        "www.example.com", "no-cache", "custom-key", "custom-value", "302", "private",
        "Mon, 21 Oct 2013 20:13:21 GMT", "https://www.example.com", "307",
        "Mon, 21 Oct 2013 20:13:22 GMT", "gzip",
        "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"]],
    "HuffmanCodingTests.swift:testComplexCoding": [[("a", v)] for v in [
        "\u9bd6\u5be9",
        "Hello, world. I am a header value; I have Teh Texts. I am going on for quite a long time "
        "because I want to ensure that the encoded data buffer needs to be expanded to test out "
        "that code. I'll try some meta-characters too: \r\t\n ought to do it, no?",
        "\u5348\u30bb\u30a4\u8c37\u9ad8\u3050\u3075\u3042\u30c8\u98df71\u5165\u30c4\u30a8"
        "\u30d8\u30ca\u6d25\u770c\u3092\u985e\u53ca\u30aa\u30e2\u66dc\u4e00\u8cfc\u3054"
        "\u304d\u308f\u81f4\u63b2\u304e\u3050\u305a\u6557\u6587\u8f2a\u3078\u3051\u308a"
        "\u9bd6\u5be9\u30d8\u584a\u7c73\u5378\u546a\u304a\u3074\u3002"]],
}

OT = "hpack.c:test_hpack"
TE = [(":status", "200"), ("te", "test")]
# h2o's vectors (t/00unit/lib/http2/hpack.c).
H2O_HPACK = {
    OT + " decode_huffman": [[("a", "www.example.com")]],
    OT + " decode_string_bogus": "COMPRESSION_ERROR",  # the block ends inside the string
    **{OT + " decode_header (%s)" % k: [C2[i]] for i, k in enumerate([
        "literal header field with indexing", "literal header field without indexing",
        "literal header field never indexed", "indexed header field"])},
    OT + " request examples without huffman coding": C3,
    OT + " request examples with huffman coding": C3,
    OT + " response examples with huffmann coding": C5[:2],
    # 62 is the newest entry: v3, v2, v1 from 62 up, so 64 names v1
    OT + "_dynamic_table": [[("x-name", "v1"), ("x-name", "v2"), ("x-name", "v3"), ("x-name", "v1")]],
    "hpack.c:test_token_wo_hpack_id": [TE, TE],
}

# Where our answer is not what the peer's test expects of the peer, on purpose.
DIFFERENCES = {
    D + "test_utf8_errors_raise_hpack_decoding_error":
        "python-hpack requires UTF-8; HPACK strings are octets (RFC 7541 section 5.2), and the "
        "field checks of RFC 9113 section 8.2.1 forbid only NUL, CR and LF",
    D + "test_table_size_not_adjusting":
        "python-hpack lowers its maximum after creation, after which RFC 7541 section 4.2 requires "
        "a size update (our library requires it too, H2C_HPACK_E_TABLE_UPDATE_MISSING, after "
        "h2c_hpack_decoder_set_max_table_size); `decode --table-size 128` is the size the decoder "
        "starts with, so no update is due",
    "TestAltSvcFrame.test_altsvc_frame_with_origin_and_stream_serializes_properly":
        "hyperframe only serializes it (and calls it invalid); RFC 7838 section 4 says a "
        "receiver ignores it, which we report as an ignorable error",
    **{"TestReadFrameOrder %d" % i:
       "Go's Framer keeps field blocks opaque in this test (no ReadMetaHeaders), and the test's "
       "fragment \"foo\" is no HPACK block; h2codec frames decodes each complete block, and a "
       "decoding error is COMPRESSION_ERROR (RFC 9113 section 4.3); in these sequences "
       "no framing error comes before it" for i in (0, 1, 4)},
    **{"TestMetaFrameHeader " + t:
       "Go's Framer checks each field, and the pseudo-headers' order and uniqueness, but leaves "
       "the required ones to its server; RFC 9113 section 8.3.1 makes a request without :scheme "
       "(or, as the first HEADERS of a stream, without any pseudo-header) malformed, a stream "
       "error PROTOCOL_ERROR" for t in ["single_headers", "with_continuation", "with_two_continuation",
                                        "big_string_okay", "trailer_okay_no_pseudo"]},
    NF + "test_nghttp2_frame_pack_altsvc":
        "nghttp2's frame test packs and unpacks it; RFC 7838 section 4 says a receiver ignores "
        "an ALTSVC frame with an origin on a stream other than 0 (nghttp2's session does), which "
        "we report as an ignorable error",
    "TestGeneralFrameBehaviour.test_parse_frame_header_ignore_first_bit_of_stream_id":
        "hyperframe parses the 9-octet header alone; as a frame it is a PING of length 0, "
        "a connection FRAME_SIZE_ERROR (RFC 9113 section 6.7)",
}


# What a client sends first: the connection preface and an empty SETTINGS.
CLIENT_START = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes.fromhex("000000040000000000")


def frames_outcome(wire, mode=None):
    """One frame alone (--no-hpack), or a sequence read as a connection
    (mode "sequence"), or as a client's connection (mode "client")."""
    sequence = mode in ("sequence", "client")
    if mode == "client":
        wire = CLIENT_START + wire
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(wire)
        f.flush()
        opts = [] if sequence else ["--no-hpack"]
        p = subprocess.run([BIN, "frames", "--json", *opts, f.name], capture_output=True,
                           text=True, timeout=60)
    objs = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    errs = ["%s/%s" % (o["error"], o["scope"]) for o in objs if "error" in o]
    if errs:
        return errs[0], p.returncode
    if any("truncated" in o for o in objs):
        return "truncated", p.returncode
    return "ok", p.returncode


def peer_class(ours):
    return "parses" if ours == "ok" else "rejects"


def run_frames(peer, path, table):
    d = json.load(open(os.path.join(PEERS, path)))
    check(set(table) == {v["test"] for v in d["vectors"]}, "%s: the table names every vector" % peer)
    for v in d["vectors"]:
        want = table.get(v["test"])
        got, rc = frames_outcome(bytes.fromhex(v["wire"]), v.get("mode"))
        check(got == want, "%s %s: got %s, want %s" % (peer, v["test"], got, want))
        # Errors other than ignorable ones set the exit status.
        check(rc == (1 if got not in ("ok", "truncated") and "/ignorable" not in got else 0),
              "%s %s: exit %d with %s" % (peer, v["test"], rc, got))
        tally(peer, v["test"], v["peer"] == peer_class(want))


def tally(peer, name, agree):
    counts["vectors"] += 1
    if agree:
        counts["agree"] += 1
        check(name not in DIFFERENCES, "%s %s: agrees now, drop it from DIFFERENCES" % (peer, name))
    else:
        counts["differ"] += 1
        check(name in DIFFERENCES, "%s %s: differs from the peer and DIFFERENCES does not say why" % (peer, name))


def run_hpack(peer, path, table):
    """Each vector's blocks through one decoder with the vector's settings."""
    d = json.load(open(os.path.join(PEERS, path)))
    check(set(table) == {v["test"] for v in d["vectors"]}, "%s: the table names every vector" % peer)
    for v in d["vectors"]:
        want = table.get(v["test"])
        opts = []
        dec = v.get("decoder", {})
        if "max_header_list_size" in dec:
            opts += ["--max-list-size", str(dec["max_header_list_size"])]
        if "max_allowed_table_size" in dec:
            opts += ["--table-size", str(dec["max_allowed_table_size"])]
        story = {"cases": [{"seqno": i, "wire": b} for i, b in enumerate(v["blocks"])]}
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(story, f)
            f.flush()
            p = subprocess.run([BIN, "decode", "--json", *opts, f.name], capture_output=True,
                               timeout=60)
        if p.returncode == 0:
            cases = json.loads(p.stdout.decode("utf-8", "replace"))["cases"]
            got = [[tuple(list(h.items())[0]) for h in c.get("headers", [])] for c in cases]
            ok = got == want
        else:
            err = p.stderr.decode("utf-8", "replace").strip()
            got = err
            ok = isinstance(want, str) and err.endswith("(%s)" % want)
        check(ok and p.returncode in (0, 1), "%s %s: got %s, want %s" % (peer, v["test"], got, want))
        tally(peer, v["test"], v["peer"] == ("rejects" if p.returncode else "parses"))


def run_netty():
    d = os.path.join(PEERS, "netty")
    files = sorted(f for f in os.listdir(d) if f.endswith(".json"))
    check(len(files) == 13, "netty: 13 files, got %d" % len(files))
    for name in files:
        blocks = json.load(open(os.path.join(d, name)))["header_blocks"]
        story = {"cases": [{"seqno": i, "wire": "".join(b["encoded"]).replace(" ", "")}
                           for i, b in enumerate(blocks)]}
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(story, f)
            f.flush()
            p = subprocess.run([BIN, "decode", "--json", f.name], capture_output=True, text=True,
                               timeout=60)
        check(p.returncode == 0, "netty %s: decode exit %d: %s" % (name, p.returncode, p.stderr))
        cases = json.loads(p.stdout)["cases"] if p.returncode == 0 else []
        for i, b in enumerate(blocks):
            want = [list(h.items())[0] for h in b["headers"]]
            got = [list(h.items())[0] for h in cases[i].get("headers", [])] if i < len(cases) else None
            check(got == want, "netty %s block %d: got %s, want %s" % (name, i, got, want))
            tally("netty", "%s#%d" % (name, i), got == want)


run_netty()
run_hpack("python-hpack", "python-hpack/decoder.json", HPACK)
run_hpack("golang/net", "golang-net/hpack.json", GO_HPACK)
run_hpack("hyperium/h2", "h2/hpack.json", H2_HPACK)
run_hpack("nghttp2", "nghttp2/hpack.json", NG_HPACK)
run_hpack("swift-nio-http2", "swift-nio-http2/hpack.json", NIO_HPACK)
run_hpack("h2o", "h2o/hpack.json", H2O_HPACK)
run_frames("hyperframe", "hyperframe/frames.json", FRAMES)
run_frames("golang/net", "golang-net/frames.json", GO_FRAMES)
run_frames("nghttp2", "nghttp2/frames.json", NG_FRAMES)
print("peer vectors: %(vectors)d, agree %(agree)d, deliberate differences %(differ)d" % counts)
for k, why in sorted(DIFFERENCES.items()):
    print("  differs: %s: %s" % (k, why))
print("peers: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
