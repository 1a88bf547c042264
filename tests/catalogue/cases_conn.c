/* SPDX-License-Identifier: MIT */
/*
 * Catalogue, pipeline layer: whole client connections through
 * tools/cli/conn.c (parser -> assembler -> HPACK -> field validation), as
 * a receiving server stack wires the libraries.  Attacks that only show
 * when the layers work together: HPACK limits inside CONTINUATION floods,
 * malformed messages (stream errors) next to connection errors, and the
 * compression context staying in sync after a stream error.
 */
#include "catalogue.h"

/* Preface mode: the pipeline's default, AUTO. */
#define C(name_, cls_, ref_) .name = name_, .cls = cls_, .ref = ref_, .layer = CAT_CONN
#define CONN_ERR(code, src) .h2 = H2C_H2_##code, .scope = H2C_SCOPE_CONNECTION, \
                            .source = src
#define STREAM_ERR(code, src) .h2 = H2C_H2_##code, .scope = H2C_SCOPE_STREAM, \
                              .source = src
#define SOFT(code) .soft_h2 = H2C_H2_##code, .soft_scope = H2C_SCOPE_STREAM

/* Client preface and an empty SETTINGS. */
#define PRE "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a 000000 04 00 00000000 "
/* A valid request block (RFC 7541 C.3.1), 20 octets: GET http://www.example.com/ */
#define REQ " 828684 410f 7777772e6578616d706c652e636f6d "

const cat_case cat_conn_cases[] = {
    { C("conn_zero_length_header_flood", "zero-length-header", "CVE-2019-9516"),
      /* empty names are not field names: refused on the stream; the block is
       * decoded to the end and the connection goes on */
      .input = PRE "001770 01 05 00000001 *2000(000000)", STREAM_ERR(PROTOCOL_ERROR, "fields") },
    { C("conn_bomb_across_continuations", "hpack-bomb", "CVE-2016-6581"),
      .input = PRE "000006 01 01 00000001 4001787fa11e 000fa0 09 00 00000001 *4000(61) "
                   "0003e8 09 04 00000001 *1000(be)",
      /* over the list limit: refused on its stream, HPACK kept in sync */
      STREAM_ERR(REFUSED_STREAM, "hpack") },
    { C("conn_continuation_list_limit", "continuation-flood", "CVE-2023-45288"),
      /* 16 KB literals in every CONTINUATION: past the list limit in the
       * fourth frame the block is still decoded (to keep HPACK in sync), so
       * the block-size limit ends it at 128 KiB, in the ninth */
      .input = PRE "004000 01 01 00000001 000178 7ffb7e *16378(61) "
                   "*64(004000 09 00 00000001 000178 7ffb7e *16378(61))",
      CONN_ERR(ENHANCE_YOUR_CALM, "frame") },
    { C("conn_continuation_flood", "continuation-flood", "CVE-2024-27316"),
      .input = PRE "000002 01 01 00000001 8286 *300000(000000 09 00 00000001)",
      CONN_ERR(ENHANCE_YOUR_CALM, "frame") },
    { C("conn_uppercase_name", "malformed-message", "RFC 9113 8.2.1"),
      .input = PRE "000019 01 05 00000001" REQ "00 01 58 01 79", STREAM_ERR(PROTOCOL_ERROR, "fields"),
      .count = 5 },
    { C("conn_connection_header", "malformed-message", "RFC 9113 8.2.2"),
      .input = PRE "000026 01 05 00000001" REQ "00 0a 'connection' 05 'close'",
      STREAM_ERR(PROTOCOL_ERROR, "fields"), .count = 5 },
    { C("conn_te_gzip", "malformed-message", "RFC 9113 8.2.2"),
      .input = PRE "00001d 01 05 00000001" REQ "00 02 'te' 04 'gzip'",
      STREAM_ERR(PROTOCOL_ERROR, "fields"), .count = 5 },
    { C("conn_pseudo_after_regular", "malformed-message", "RFC 9113 8.3"),
      .input = PRE "000019 01 05 00000001 00 01 78 01 79" REQ,
      STREAM_ERR(PROTOCOL_ERROR, "fields"), .count = 5 },
    { C("conn_missing_method", "malformed-message", "RFC 9113 8.3.1"),
      .input = PRE "000013 01 05 00000001 8684 410f 7777772e6578616d706c652e636f6d",
      STREAM_ERR(PROTOCOL_ERROR, "fields"), .count = 3 },
    { C("conn_status_in_request", "malformed-message", "RFC 9113 8.3"),
      .input = PRE "000004 01 05 00000001 88 828684", STREAM_ERR(PROTOCOL_ERROR, "fields"),
      .count = 4 },
    { C("conn_value_crlf", "malformed-message", "RFC 9113 8.2.1"),
      .input = PRE "00001b 01 05 00000001" REQ "00 01 78 03 61 0d 0a",
      STREAM_ERR(PROTOCOL_ERROR, "fields"), .count = 5 },
    { C("conn_trailers_with_pseudo", "malformed-message", "RFC 9113 8.1"),
      .input = PRE "000014 01 04 00000001" REQ "000001 01 05 00000001 84",
      STREAM_ERR(PROTOCOL_ERROR, "fields"), .count = 5 },
    { C("conn_stream_error_keeps_hpack_sync", "stream-error-sync", "RFC 9113 4.3"),
      /* stream 1 is reset (self-dependency) but its block still updates the
       * table: stream 3 refers to both entries it added */
      .input = PRE "000020 01 25 00000001 00000001 10" REQ "40 03 782d61 01 62 "
                   "000005 01 05 00000003 828684 bf be",
      STREAM_ERR(PROTOCOL_ERROR, "frame"), .count = 10 },
    { C("conn_oversized_data_then_request", "stream-error-sync", "RFC 9113 4.2"),
      .input = PRE "004001 00 00 00000001 *16385(61) 000014 01 05 00000003" REQ,
      STREAM_ERR(FRAME_SIZE_ERROR, "frame"), .count = 4 },
    { C("conn_stream_then_connection_error", "malformed-message", "RFC 9113 5.4"),
      .input = PRE "000019 01 05 00000001" REQ "00 01 58 01 79 000001 09 04 00000001 82",
      CONN_ERR(PROTOCOL_ERROR, "frame"), SOFT(PROTOCOL_ERROR) },
    { C("conn_request_ok", "baseline", "RFC 9113 8.1"),
      .input = PRE "000014 01 04 00000001" REQ "000005 00 01 00000001 'hello'", .count = 4 },
};

const size_t cat_conn_count = sizeof cat_conn_cases / sizeof cat_conn_cases[0];
