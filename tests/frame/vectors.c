/* SPDX-License-Identifier: MIT */
/*
 * Per-type vectors: valid and invalid frames for every type, each with the
 * exact error code, scope, stream and offset RFC 9113 (and RFC 7838, 8336,
 * 9218, 8441) call for.  Header layout in the hex: length(3) type flags
 * stream(4), then the payload.
 */
#include "vectors.h"

#include <stdlib.h>
#include <string.h>

#include <h2codec/frame.h>

#include "testutil.h"

#define NONE H2C_FRAME_PREFACE_NONE
#define CONN H2C_SCOPE_CONNECTION
#define STRM H2C_SCOPE_STREAM
#define IGN H2C_SCOPE_IGNORABLE
#define PROTO H2C_H2_PROTOCOL_ERROR
#define FSIZE H2C_H2_FRAME_SIZE_ERROR

/* A valid frame that round-trips; one that does not (reserved bits, padding). */
#define OK(n, hex) { n, hex, NULL, NONE, 0, 0, H2C_FRAME_EV_FRAME, 0, 0, 0, 0, -1, 1 }
#define OK_NORT(n, hex) { n, hex, NULL, NONE, 0, 0, H2C_FRAME_EV_FRAME, 0, 0, 0, 0, -1, 0 }
/* A connection error: status, HTTP/2 code, stream, offset. */
#define CE(n, hex, st, h2, sid, off) { n, hex, NULL, NONE, 0, 0, st, st, h2, CONN, sid, off, 0 }
/* A stream error. */
#define SE(n, hex, st, h2, sid, off)                                                               \
    { n, hex, NULL, NONE, 0, 0, H2C_FRAME_EV_STREAM_ERROR, st, h2, STRM, sid, off, 0 }
/* An ignorable extension frame. */
#define IG(n, hex, h2, sid, off)                                                                   \
    { n, hex, NULL, NONE, 0, 0, H2C_FRAME_EV_IGNORED, H2C_FRAME_E_EXTENSION, h2, IGN, sid, off, 0 }

#define PREFACE "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a"

static size_t gen_settings_33(uint8_t *out, size_t cap)
{
    size_t n = 9 + 33 * 6;
    if (cap < n)
        return 0;
    memcpy(out, "\x00\x00\xc6\x04\x00\x00\x00\x00\x00", 9);
    for (size_t i = 0; i < 33; i++)
        memcpy(out + 9 + 6 * i, "\x00\x03\x00\x00\x00\x64", 6);
    return n;
}

static size_t gen_settings_32(uint8_t *out, size_t cap)
{
    size_t n = 9 + 32 * 6;
    if (cap < n)
        return 0;
    memcpy(out, "\x00\x00\xc0\x04\x00\x00\x00\x00\x00", 9);
    for (size_t i = 0; i < 32; i++)
        memcpy(out + 9 + 6 * i, "\x00\x03\x00\x00\x00\x64", 6);
    return n;
}

static size_t gen_data(uint8_t *out, size_t cap, uint32_t len)
{
    if (cap < 9 + (size_t)len)
        return 0;
    memcpy(out, "\x00\x00\x00\x00\x00\x00\x00\x00\x01", 9);
    out[0] = (uint8_t)(len >> 16);
    out[1] = (uint8_t)(len >> 8);
    out[2] = (uint8_t)len;
    for (uint32_t i = 0; i < len; i++)
        out[9 + i] = (uint8_t)('a' + i % 26);
    return 9 + len;
}

static size_t gen_data_16384(uint8_t *out, size_t cap)
{
    return gen_data(out, cap, 16384);
}

static size_t gen_data_16385(uint8_t *out, size_t cap)
{
    return gen_data(out, cap, 16385);
}

const ft_vector ft_vectors[] = {
    /* ---- DATA (6.1) ---- */
    OK("data_end_stream", "000005 00 01 00000001 68656c6c6f"),
    OK("data_padded", "000009 00 08 00000001 03 68656c6c6f 000000"),
    OK("data_padded_all_padding", "000004 00 08 00000001 03 000000"),
    OK("data_padded_zero_pad", "000001 00 09 00000001 00"),
    OK("data_empty", "000000 00 00 00000003"),
    OK("data_undefined_flags", "000001 00 f6 00000001 61"),
    OK_NORT("data_reserved_stream_bit", "000001 00 00 80000001 61"),
    OK_NORT("data_nonzero_padding", "000003 00 08 00000001 01 61 ff"),
    CE("data_pad_too_long", "000004 00 08 00000001 04 000000", H2C_FRAME_E_PADDING, PROTO, 1, 9),
    CE("data_pad_length_missing", "000000 00 08 00000001", H2C_FRAME_E_LENGTH, FSIZE, 1, 0),
    CE("data_stream0", "000001 00 00 00000000 61", H2C_FRAME_E_STREAM_ZERO, PROTO, 0, 5),
    SE("data_oversize", "004001 00 00 00000001", H2C_FRAME_E_FRAME_SIZE, FSIZE, 1, 0),
    CE("data_oversize_stream0", "004001 00 00 00000000", H2C_FRAME_E_STREAM_ZERO, PROTO, 0, 5),
    { "data_16384", NULL, gen_data_16384, NONE, 0, 0, H2C_FRAME_EV_FRAME, 0, 0, 0, 0, -1, 1 },
    { "data_16385_default_max", NULL, gen_data_16385, NONE, 0, 0, H2C_FRAME_EV_STREAM_ERROR,
      H2C_FRAME_E_FRAME_SIZE, FSIZE, STRM, 1, 0, 0 },
    { "data_16385_max_32768", NULL, gen_data_16385, NONE, 0, 32768, H2C_FRAME_EV_FRAME, 0, 0, 0, 0,
      -1, 1 },

    /* ---- HEADERS (6.2) ---- */
    OK("headers_simple", "000001 01 05 00000001 82"),
    OK("headers_no_end_headers", "000001 01 00 00000001 82"),
    OK("headers_empty_fragment", "000000 01 04 00000001"),
    OK("headers_priority", "000006 01 24 00000003 80000001 0f 82"),
    OK("headers_padded", "000004 01 0c 00000001 02 82 0000"),
    OK("headers_padded_priority", "000009 01 2c 00000003 02 00000001 0f 82 0000"),
    CE("headers_priority_too_short", "000004 01 24 00000001 00000000", H2C_FRAME_E_LENGTH, FSIZE, 1,
       0),
    CE("headers_padded_priority_too_short", "000005 01 2c 00000001 00 00000000",
       H2C_FRAME_E_LENGTH, FSIZE, 1, 0),
    CE("headers_padded_empty", "000000 01 0c 00000001", H2C_FRAME_E_LENGTH, FSIZE, 1, 0),
    CE("headers_pad_too_long", "000003 01 0c 00000001 03 8282", H2C_FRAME_E_PADDING, PROTO, 1, 9),
    CE("headers_pad_overlaps_priority", "000007 01 2c 00000001 02 00000000 10 82",
       H2C_FRAME_E_PADDING, PROTO, 1, 9),
    CE("headers_stream0", "000001 01 05 00000000 82", H2C_FRAME_E_STREAM_ZERO, PROTO, 0, 5),
    SE("headers_self_dependency", "000006 01 24 00000003 00000003 10 82",
       H2C_FRAME_E_SELF_DEPENDENCY, PROTO, 3, 9),
    SE("headers_padded_self_dependency", "000008 01 2c 00000003 01 80000003 10 82 00",
       H2C_FRAME_E_SELF_DEPENDENCY, PROTO, 3, 10),
    CE("headers_oversize", "004001 01 04 00000001", H2C_FRAME_E_FRAME_SIZE, FSIZE, 1, 0),

    /* ---- PRIORITY (6.3) ---- */
    OK("priority", "000005 02 00 00000003 00000001 ff"),
    OK("priority_exclusive", "000005 02 00 00000005 80000003 00"),
    OK("priority_on_stream_dep0", "000005 02 00 00000005 00000000 10"),
    SE("priority_len4", "000004 02 00 00000003 00000001", H2C_FRAME_E_LENGTH, FSIZE, 3, 0),
    SE("priority_len6", "000006 02 00 00000003 00000001 00ff", H2C_FRAME_E_LENGTH, FSIZE, 3, 0),
    SE("priority_len0", "000000 02 00 00000003", H2C_FRAME_E_LENGTH, FSIZE, 3, 0),
    SE("priority_oversize", "004001 02 00 00000003", H2C_FRAME_E_FRAME_SIZE, FSIZE, 3, 0),
    CE("priority_stream0", "000005 02 00 00000000 00000001 10", H2C_FRAME_E_STREAM_ZERO, PROTO, 0,
       5),
    SE("priority_self_dependency", "000005 02 00 00000007 00000007 10",
       H2C_FRAME_E_SELF_DEPENDENCY, PROTO, 7, 9),
    SE("priority_self_dependency_exclusive", "000005 02 00 00000007 80000007 10",
       H2C_FRAME_E_SELF_DEPENDENCY, PROTO, 7, 9),

    /* ---- RST_STREAM (6.4) ---- */
    OK("rst_stream", "000004 03 00 00000001 00000008"),
    OK("rst_stream_unknown_code", "000004 03 00 00000001 000000ff"),
    CE("rst_stream_len3", "000003 03 00 00000001 000008", H2C_FRAME_E_LENGTH, FSIZE, 1, 0),
    CE("rst_stream_len5", "000005 03 00 00000001 0000000800", H2C_FRAME_E_LENGTH, FSIZE, 1, 0),
    CE("rst_stream_stream0", "000004 03 00 00000000 00000008", H2C_FRAME_E_STREAM_ZERO, PROTO, 0,
       5),

    /* ---- SETTINGS (6.5; RFC 8441; RFC 9218) ---- */
    OK("settings_empty", "000000 04 00 00000000"),
    OK("settings_all_known_and_unknown",
       "000036 04 00 00000000 0001 00001000 0002 00000000 0003 00000064 0004 0000ffff"
       " 0005 00004000 0006 00010000 0008 00000001 0009 00000001 abcd 12345678"),
    OK("settings_ack", "000000 04 01 00000000"),
    OK("settings_window_max", "000006 04 00 00000000 0004 7fffffff"),
    OK("settings_frame_size_max", "000006 04 00 00000000 0005 00ffffff"),
    OK("settings_frame_size_min", "000006 04 00 00000000 0005 00004000"),
    OK("settings_unknown_only", "000006 04 00 00000000 00ff ffffffff"),
    OK("settings_header_table_huge", "000006 04 00 00000000 0001 ffffffff"),
    CE("settings_ack_with_payload", "000006 04 01 00000000 0001 00001000", H2C_FRAME_E_LENGTH,
       FSIZE, 0, 0),
    CE("settings_len5", "000005 04 00 00000000 0001000010", H2C_FRAME_E_LENGTH, FSIZE, 0, 0),
    CE("settings_stream1", "000000 04 00 00000001", H2C_FRAME_E_STREAM_NONZERO, PROTO, 1, 5),
    CE("settings_enable_push_2", "000006 04 00 00000000 0002 00000002", H2C_FRAME_E_SETTINGS_VALUE,
       PROTO, 0, 11),
    CE("settings_window_2_31", "000006 04 00 00000000 0004 80000000", H2C_FRAME_E_SETTINGS_WINDOW,
       H2C_H2_FLOW_CONTROL_ERROR, 0, 11),
    CE("settings_frame_size_16383", "000006 04 00 00000000 0005 00003fff",
       H2C_FRAME_E_SETTINGS_VALUE, PROTO, 0, 11),
    CE("settings_frame_size_2_24", "000006 04 00 00000000 0005 01000000",
       H2C_FRAME_E_SETTINGS_VALUE, PROTO, 0, 11),
    CE("settings_connect_protocol_2", "000006 04 00 00000000 0008 00000002",
       H2C_FRAME_E_SETTINGS_VALUE, PROTO, 0, 11),
    CE("settings_no_rfc7540_priorities_2", "000006 04 00 00000000 0009 00000002",
       H2C_FRAME_E_SETTINGS_VALUE, PROTO, 0, 11),
    CE("settings_second_entry_bad", "00000c 04 00 00000000 0001 00001000 0002 00000005",
       H2C_FRAME_E_SETTINGS_VALUE, PROTO, 0, 17),
    { "settings_32_entries", NULL, gen_settings_32, NONE, 0, 0, H2C_FRAME_EV_FRAME, 0, 0, 0, 0, -1,
      1 },
    { "settings_33_entries", NULL, gen_settings_33, NONE, 0, 0, H2C_FRAME_E_SETTINGS_COUNT,
      H2C_FRAME_E_SETTINGS_COUNT, H2C_H2_ENHANCE_YOUR_CALM, CONN, 0, 0, 0 },

    /* ---- PUSH_PROMISE (6.6) ---- */
    OK("push_promise", "000005 05 04 00000001 00000002 82"),
    OK("push_promise_padded", "000008 05 0c 00000001 02 00000004 82 0000"),
    OK("push_promise_empty_fragment", "000004 05 00 00000001 00000002"),
    OK_NORT("push_promise_reserved_bit", "000004 05 04 00000001 80000002"),
    CE("push_promise_promised0", "000004 05 04 00000001 00000000", H2C_FRAME_E_PROMISED_ID, PROTO,
       1, 9),
    CE("push_promise_promised_odd", "000004 05 04 00000001 00000003", H2C_FRAME_E_PROMISED_ID,
       PROTO, 1, 9),
    CE("push_promise_padded_promised_odd", "000006 05 0c 00000001 00 00000003 82",
       H2C_FRAME_E_PROMISED_ID, PROTO, 1, 10),
    CE("push_promise_len3", "000003 05 04 00000001 000002", H2C_FRAME_E_LENGTH, FSIZE, 1, 0),
    CE("push_promise_padded_len4", "000004 05 0c 00000001 00000002", H2C_FRAME_E_LENGTH, FSIZE, 1,
       0),
    CE("push_promise_stream0", "000004 05 04 00000000 00000002", H2C_FRAME_E_STREAM_ZERO, PROTO, 0,
       5),
    CE("push_promise_pad_too_long", "000006 05 0c 00000001 02 00000002 00", H2C_FRAME_E_PADDING,
       PROTO, 1, 9),

    /* ---- PING (6.7) ---- */
    OK("ping", "000008 06 00 00000000 0102030405060708"),
    OK("ping_ack", "000008 06 01 00000000 0102030405060708"),
    CE("ping_len7", "000007 06 00 00000000 01020304050607", H2C_FRAME_E_LENGTH, FSIZE, 0, 0),
    CE("ping_len9", "000009 06 00 00000000 010203040506070809", H2C_FRAME_E_LENGTH, FSIZE, 0, 0),
    CE("ping_len0", "000000 06 00 00000000", H2C_FRAME_E_LENGTH, FSIZE, 0, 0),
    CE("ping_stream1", "000008 06 00 00000001 0102030405060708", H2C_FRAME_E_STREAM_NONZERO, PROTO,
       1, 5),

    /* ---- GOAWAY (6.8) ---- */
    OK("goaway", "000008 07 00 00000000 00000005 00000000"),
    OK("goaway_debug", "00000d 07 00 00000000 00000005 00000001 68656c6c6f"),
    OK("goaway_unknown_code", "000008 07 00 00000000 7fffffff 0000abcd"),
    OK_NORT("goaway_reserved_bit", "000008 07 00 00000000 80000005 00000000"),
    CE("goaway_len7", "000007 07 00 00000000 00000005 000000", H2C_FRAME_E_LENGTH, FSIZE, 0, 0),
    CE("goaway_len0", "000000 07 00 00000000", H2C_FRAME_E_LENGTH, FSIZE, 0, 0),
    CE("goaway_stream1", "000008 07 00 00000001 00000005 00000000", H2C_FRAME_E_STREAM_NONZERO,
       PROTO, 1, 5),

    /* ---- WINDOW_UPDATE (6.9) ---- */
    OK("window_update_connection", "000004 08 00 00000000 00001000"),
    OK("window_update_stream_max", "000004 08 00 00000001 7fffffff"),
    CE("window_update_zero_connection", "000004 08 00 00000000 00000000",
       H2C_FRAME_E_WINDOW_INCREMENT, PROTO, 0, 9),
    SE("window_update_zero_stream", "000004 08 00 00000003 00000000", H2C_FRAME_E_WINDOW_INCREMENT,
       PROTO, 3, 9),
    CE("window_update_reserved_bit_only", "000004 08 00 00000000 80000000",
       H2C_FRAME_E_WINDOW_INCREMENT, PROTO, 0, 9),
    CE("window_update_len3", "000003 08 00 00000000 000010", H2C_FRAME_E_LENGTH, FSIZE, 0, 0),
    CE("window_update_len5_stream", "000005 08 00 00000001 0000001000", H2C_FRAME_E_LENGTH, FSIZE,
       1, 0),

    /* ---- CONTINUATION (6.10) ---- */
    OK("continuation", "000001 09 04 00000001 82"),
    OK("continuation_empty", "000000 09 00 00000001"),
    CE("continuation_stream0", "000001 09 04 00000000 82", H2C_FRAME_E_STREAM_ZERO, PROTO, 0, 5),
    CE("continuation_oversize", "004001 09 04 00000001", H2C_FRAME_E_FRAME_SIZE, FSIZE, 1, 0),

    /* ---- ALTSVC (RFC 7838) ---- */
    OK("altsvc_stream0", "00000e 0a 00 00000000 0003 612e62 68323d223a34343322"),
    OK("altsvc_stream1", "00000b 0a 00 00000001 0000 68323d223a34343322"),
    IG("altsvc_len0", "000000 0a 00 00000000", FSIZE, 0, 9),
    IG("altsvc_len1", "000001 0a 00 00000000 00", FSIZE, 0, 9),
    IG("altsvc_origin_past_end", "000004 0a 00 00000000 0010 6162", FSIZE, 0, 9),
    IG("altsvc_origin_len_ffff", "000002 0a 00 00000000 ffff", FSIZE, 0, 9),
    IG("altsvc_stream0_no_origin", "000002 0a 00 00000000 0000", PROTO, 0, 9),
    IG("altsvc_stream1_with_origin", "000005 0a 00 00000001 0003 612e62", PROTO, 1, 9),
    IG("altsvc_stream1_no_value", "000002 0a 00 00000001 0000", PROTO, 1, 9),
    IG("altsvc_stream0_no_value", "000005 0a 00 00000000 0003 612e62", PROTO, 0, 9),

    /* ---- ORIGIN (RFC 8336) ---- */
    OK("origin_two", "00000b 0c 00 00000000 0003 612e62 0004 632e6465"),
    OK("origin_empty", "000000 0c 00 00000000"),
    OK("origin_empty_entry", "000002 0c 00 00000000 0000"),
    IG("origin_trailing_octet", "000006 0c 00 00000000 0003 612e62 00", FSIZE, 0, 14),
    IG("origin_len_past_end", "000004 0c 00 00000000 0005 6162", FSIZE, 0, 9),
    IG("origin_stream1", "000000 0c 00 00000001", PROTO, 1, 9),

    /* ---- PRIORITY_UPDATE (RFC 9218) ---- */
    OK("priority_update", "000007 10 00 00000000 00000001 753d31"),
    OK("priority_update_empty_value", "000004 10 00 00000000 00000003"),
    IG("priority_update_stream1", "000004 10 00 00000001 00000001", PROTO, 1, 9),
    IG("priority_update_len3", "000003 10 00 00000000 000001", FSIZE, 0, 9),
    IG("priority_update_stream_id0", "000004 10 00 00000000 00000000", PROTO, 0, 9),
    { "priority_update_stream_id0_strict", "000004 10 00 00000000 00000000", NULL, NONE,
      H2C_FRAME_PARSER_STRICT_EXTENSIONS, 0, H2C_FRAME_E_EXTENSION, H2C_FRAME_E_EXTENSION, PROTO,
      CONN, 0, 9, 0 },

    /* ---- unknown types (4.1, 5.5) ---- */
    OK("unknown_type_0b", "000003 0b 00 00000000 010203"),
    OK("unknown_type_ff_flags", "000002 ff a5 00000005 abcd"),
    OK("unknown_type_0d_empty", "000000 0d 00 00000000"),
    CE("unknown_type_oversize", "004001 ee 00 00000001", H2C_FRAME_E_FRAME_SIZE, FSIZE, 1, 0),

    /* ---- client connection preface (3.4) ---- */
    { "preface_then_settings", PREFACE "000000 04 00 00000000", NULL, H2C_FRAME_PREFACE_EXPECT, 0,
      0, H2C_FRAME_EV_FRAME, 0, 0, 0, 0, -1, 0 },
    { "preface_auto_present", PREFACE "000000 04 00 00000000", NULL, H2C_FRAME_PREFACE_AUTO, 0, 0,
      H2C_FRAME_EV_FRAME, 0, 0, 0, 0, -1, 0 },
    { "preface_auto_absent", "000000 04 00 00000000", NULL, H2C_FRAME_PREFACE_AUTO, 0, 0,
      H2C_FRAME_EV_FRAME, 0, 0, 0, 0, -1, 1 },
    { "preface_http11", "505249202a20485454502f312e310d0a", NULL, H2C_FRAME_PREFACE_EXPECT, 0, 0,
      H2C_FRAME_E_PREFACE, H2C_FRAME_E_PREFACE, PROTO, CONN, 0, 11, 0 },
    { "preface_auto_bad", "50524958", NULL, H2C_FRAME_PREFACE_AUTO, 0, 0, H2C_FRAME_E_PREFACE,
      H2C_FRAME_E_PREFACE, PROTO, CONN, 0, 3, 0 },
    { "preface_missing", "000000 04 00 00000000", NULL, H2C_FRAME_PREFACE_EXPECT, 0, 0,
      H2C_FRAME_E_PREFACE, H2C_FRAME_E_PREFACE, PROTO, CONN, 0, 0, 0 },
    { "preface_then_ping", PREFACE "000008 06 00 00000000 0102030405060708", NULL,
      H2C_FRAME_PREFACE_EXPECT, 0, 0, H2C_FRAME_E_PREFACE, H2C_FRAME_E_PREFACE, PROTO, CONN, 0, 27,
      0 },
    { "preface_then_settings_ack", PREFACE "000000 04 01 00000000", NULL, H2C_FRAME_PREFACE_EXPECT,
      0, 0, H2C_FRAME_E_PREFACE, H2C_FRAME_E_PREFACE, PROTO, CONN, 0, 27, 0 },
    { "preface_not_expected", PREFACE, NULL, NONE, 0, 0, H2C_FRAME_E_FRAME_SIZE,
      H2C_FRAME_E_FRAME_SIZE, FSIZE, CONN, 0x20485454, 0, 0 },
};

const size_t ft_vector_count = sizeof ft_vectors / sizeof ft_vectors[0];

uint8_t *ft_vector_bytes(const ft_vector *v, size_t *len)
{
    size_t cap = v->hex ? strlen(v->hex) / 2 + 1 : 40000;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return NULL;
    if (v->hex) {
        long n = h2t_hex(v->hex, buf, cap);
        if (n < 0) {
            free(buf);
            return NULL;
        }
        *len = (size_t)n;
    } else {
        *len = v->gen(buf, cap);
        if (*len == 0) {
            free(buf);
            return NULL;
        }
    }
    return buf;
}
