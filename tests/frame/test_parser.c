/* SPDX-License-Identifier: MIT */
/*
 * Parser API: options, zero-copy vs buffered payloads and their lifetime,
 * bounded buffer, allocation failure at every site, invalid arguments,
 * sticky errors on every call, reset, stats, truncation reporting, and the
 * name/format functions.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/frame.h>

#include "frame_util.h"
#include "testutil.h"

static const uint8_t ping_frame[] = { 0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };

START_TEST(options_defaults_and_validation)
{
    h2c_frame_parser_options o;
    h2c_frame_parser_options_init(&o);
    ck_assert_uint_eq(o.max_frame_size, 16384);
    ck_assert_uint_eq(o.max_settings, 32);
    ck_assert_uint_eq(o.max_empty_frames, H2C_FRAME_DEFAULT_MAX_EMPTY_FRAMES);
    ck_assert_uint_eq(o.max_empty_frames, 10000);
    ck_assert_int_eq(o.preface, H2C_FRAME_PREFACE_NONE);
    ck_assert_uint_eq(o.flags, 0);
    ck_assert_ptr_null(o.allocator);

    h2c_frame_parser *p = (h2c_frame_parser *)&o;
    o.max_frame_size = 16383;
    ck_assert_int_eq(h2c_frame_parser_new(&p, &o), H2C_E_INVALID_ARGUMENT);
    ck_assert_ptr_null(p);
    o.max_frame_size = H2C_FRAME_MAX_FRAME_SIZE_MAX + 1;
    ck_assert_int_eq(h2c_frame_parser_new(&p, &o), H2C_E_INVALID_ARGUMENT);
    o.max_frame_size = 16384;
    o.max_settings = 0;
    ck_assert_int_eq(h2c_frame_parser_new(&p, &o), H2C_E_INVALID_ARGUMENT);
    o.max_settings = 1;
    o.preface = 3;
    ck_assert_int_eq(h2c_frame_parser_new(&p, &o), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_new(NULL, NULL), H2C_E_INVALID_ARGUMENT);

    ck_assert_int_eq(h2c_frame_parser_new(&p, NULL), 0);
    ck_assert_uint_eq(h2c_frame_parser_max_frame_size(p), 16384);
    ck_assert_int_eq(h2c_frame_parser_state_get(p), H2C_FRAME_PS_HEADER);
    ck_assert_int_eq(h2c_frame_parser_set_max_frame_size(p, 16383), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_set_max_frame_size(p, 1 << 24), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_set_max_frame_size(p, 1 << 20), 0);
    ck_assert_uint_eq(h2c_frame_parser_max_frame_size(p), 1 << 20);
    h2c_frame_parser_reset(p);
    ck_assert_uint_eq(h2c_frame_parser_max_frame_size(p), 16384);
    h2c_frame_parser_free(p);
    h2c_frame_parser_free(NULL);
    h2c_frame_parser_reset(NULL);
}
END_TEST

START_TEST(invalid_arguments_not_sticky)
{
    h2c_frame_parser *p;
    ck_assert_int_eq(h2c_frame_parser_new(&p, NULL), 0);
    size_t used = 99;
    h2c_frame_event ev;
    ck_assert_int_eq(h2c_frame_parser_push(NULL, ping_frame, 17, &used, &ev),
                     H2C_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(h2c_frame_parser_push(p, NULL, 3, &used, &ev), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_push(p, ping_frame, 17, NULL, &ev),
                     H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_push(p, ping_frame, 17, &used, NULL),
                     H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_push(p, NULL, 0, &used, &ev), H2C_OK);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(h2c_frame_parser_push(p, ping_frame, 17, &used, &ev), H2C_FRAME_EV_FRAME);
    ck_assert_uint_eq(used, 17);
    ck_assert_int_eq(h2c_frame_parser_finish(NULL, NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_error(p, NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_set_max_frame_size(NULL, 16384),
                     H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_state_get(NULL), H2C_FRAME_PS_ERROR);
    ck_assert_ptr_null(h2c_frame_parser_stats_get(NULL));
    h2c_frame_parser_free(p);
}
END_TEST

/* A frame wholly inside the input is decoded in place; one that straddles
 * calls is gathered in the parser's buffer; both give the same fields. */
START_TEST(zero_copy_and_buffered)
{
    static const uint8_t data[] = { 0, 0, 6, 0, 1, 0, 0, 0, 1, 'h', 'e', 'l', 'l', 'o', '!' };
    h2c_frame_parser *p;
    ck_assert_int_eq(h2c_frame_parser_new(&p, NULL), 0);
    size_t used;
    h2c_frame_event ev;
    ck_assert_int_eq(h2c_frame_parser_push(p, data, sizeof data, &used, &ev), H2C_FRAME_EV_FRAME);
    ck_assert_ptr_eq(ev.frame.u.data.data.ptr, data + 9);
    ck_assert_ptr_eq(ev.frame.payload.ptr, data + 9);
    ck_assert_uint_eq(ev.frame.offset, 0);

    /* header in one call, payload whole in the next: still in place */
    ck_assert_int_eq(h2c_frame_parser_push(p, data, 9, &used, &ev), H2C_OK);
    ck_assert_uint_eq(h2c_frame_parser_missing(p), 6);
    ck_assert_int_eq(h2c_frame_parser_state_get(p), H2C_FRAME_PS_PAYLOAD);
    ck_assert_int_eq(h2c_frame_parser_push(p, data + 9, 6, &used, &ev), H2C_FRAME_EV_FRAME);
    ck_assert_ptr_eq(ev.frame.u.data.data.ptr, data + 9);
    ck_assert_uint_eq(ev.frame.offset, sizeof data);

    /* payload cut: gathered in the parser's buffer, input not referenced */
    uint8_t part[16];
    memcpy(part, data, 12);
    ck_assert_int_eq(h2c_frame_parser_push(p, part, 12, &used, &ev), H2C_OK);
    ck_assert_uint_eq(h2c_frame_parser_missing(p), 3);
    memset(part, 0, sizeof part); /* the caller may reuse its buffer */
    memcpy(part, data + 12, 3);
    ck_assert_int_eq(h2c_frame_parser_push(p, part, 3, &used, &ev), H2C_FRAME_EV_FRAME);
    ck_assert(ev.frame.u.data.data.ptr < part || ev.frame.u.data.data.ptr >= part + sizeof part);
    ck_assert_int_eq(memcmp(ev.frame.u.data.data.ptr, "hello!", 6), 0);
    ck_assert_uint_eq(ev.frame.offset, 2 * sizeof data);
    ck_assert_uint_eq(h2c_frame_parser_offset(p), 3 * sizeof data);
    h2c_frame_parser_free(p);
}
END_TEST

/* The buffer is sized to the straddling frame, never above max_frame_size,
 * and large buffers are released once their frame is delivered. */
START_TEST(buffer_bounded_and_released)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_frame_parser_options o;
    h2c_frame_parser_options_init(&o);
    o.allocator = &al;
    o.max_frame_size = 1 << 20;
    h2c_frame_parser *p;
    ck_assert_int_eq(h2c_frame_parser_new(&p, &o), 0);
    size_t base = fa.live_bytes;
    const size_t len = 1 << 20;
    uint8_t *f = calloc(1, 9 + len);
    f[0] = 0x10; /* length 2^20, DATA on stream 1 */
    f[8] = 1;
    size_t off = 0, used;
    h2c_frame_event ev;
    int rc = 0;
    while (off < 9 + len) {
        size_t n = 9 + len - off < 4000 ? 9 + len - off : 4000;
        rc = h2c_frame_parser_push(p, f + off, n, &used, &ev);
        ck_assert_uint_eq(used, n);
        off += used;
    }
    ck_assert_int_eq(rc, H2C_FRAME_EV_FRAME);
    ck_assert_uint_eq(ev.frame.u.data.data.len, len);
    ck_assert_uint_eq(fa.peak_bytes - base, len); /* exactly one payload */
    /* next call frees the large buffer */
    ck_assert_int_eq(h2c_frame_parser_push(p, ping_frame, 4, &used, &ev), H2C_OK);
    ck_assert_uint_eq(fa.live_bytes, base);
    ck_assert_int_eq(h2c_frame_parser_push(p, ping_frame + 4, 13, &used, &ev), H2C_FRAME_EV_FRAME);
    /* an oversized frame is refused on its header: nothing buffered */
    f[0] = 0x10;
    f[2] = 1; /* 2^20 + 1 */
    ck_assert_int_eq(h2c_frame_parser_push(p, f, 9, &used, &ev), H2C_FRAME_EV_STREAM_ERROR);
    ck_assert_int_eq(h2c_frame_parser_state_get(p), H2C_FRAME_PS_SKIP);
    ck_assert_uint_eq(h2c_frame_parser_missing(p), len + 1);
    ck_assert_int_eq(h2c_frame_parser_push(p, f + 9, len, &used, &ev), H2C_OK);
    ck_assert_uint_eq(used, len);
    ck_assert_uint_eq(h2c_frame_parser_missing(p), 1);
    ck_assert_uint_eq(fa.live_bytes, base);
    h2c_frame_parser_free(p);
    ck_assert_int_eq(fa.live, 0);
    free(f);
}
END_TEST

/* Every allocation made while parsing a real stream in small pieces fails
 * in turn: each time a clean, sticky NOMEM (INTERNAL_ERROR, scope LOCAL)
 * and no leak. */
START_TEST(allocation_failure_every_site)
{
    char path[512];
    snprintf(path, sizeof path, "%s/nghttp-client-streams/%s", H2C_CORPUS_DIR,
             "f0a8cacb9f31b53d237628084e3946d556086c9991cce7962e9e69a3eed406aa");
    size_t len;
    uint8_t *in = h2t_read_file(path, &len);
    ck_assert_ptr_nonnull(in);
    int completed = 0;
    unsigned long sites = 0;
    for (unsigned long k = 1; !completed; k++) {
        h2t_failalloc fa = { 0 };
        fa.fail_at = k;
        h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, &fa };
        h2c_frame_parser_options o;
        h2c_frame_parser_options_init(&o);
        o.allocator = &al;
        o.preface = H2C_FRAME_PREFACE_EXPECT;
        h2c_frame_parser *p;
        int rc = h2c_frame_parser_new(&p, &o);
        if (rc == H2C_E_NOMEM) {
            ck_assert_int_eq(fa.live, 0);
            sites++;
            continue;
        }
        size_t off = 0, used;
        h2c_frame_event ev;
        rc = 0;
        while (off < len) {
            size_t n = len - off < 5 ? len - off : 5; /* payloads straddle calls */
            rc = h2c_frame_parser_push(p, in + off, n, &used, &ev);
            off += used;
            if (rc < 0)
                break;
        }
        if (rc == H2C_E_NOMEM) {
            sites++;
            ck_assert_uint_eq(ev.error.h2_error, H2C_H2_INTERNAL_ERROR);
            ck_assert_int_eq(ev.error.scope, H2C_SCOPE_LOCAL);
            ck_assert_int_eq(h2c_frame_parser_push(p, in, len, &used, &ev), H2C_E_NOMEM);
            ck_assert_int_eq(h2c_frame_parser_finish(p, NULL), H2C_E_NOMEM);
            /* reset makes it usable again */
            h2c_frame_parser_reset(p);
            ck_assert_int_eq(h2c_frame_parser_push(p, in, 24, &used, &ev), H2C_FRAME_EV_PREFACE);
        } else {
            ck_assert_int_ge(rc, 0);
            completed = 1;
        }
        h2c_frame_parser_free(p);
        ck_assert_int_eq(fa.live, 0);
    }
    ck_assert_uint_ge(sites, 2); /* the context and at least one payload buffer */
    free(in);
}
END_TEST

/* After a connection error every call fails with the same error; reset
 * clears it. */
START_TEST(sticky_connection_error)
{
    static const uint8_t bad[] = { 0, 0, 8, 6, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8 };
    h2c_frame_parser *p;
    ck_assert_int_eq(h2c_frame_parser_new(&p, NULL), 0);
    size_t used;
    h2c_frame_event ev;
    ck_assert_int_eq(h2c_frame_parser_push(p, ping_frame, 17, &used, &ev), H2C_FRAME_EV_FRAME);
    ck_assert_int_eq(h2c_frame_parser_push(p, bad, sizeof bad, &used, &ev),
                     H2C_FRAME_E_STREAM_NONZERO);
    h2c_error first = ev.error;
    ck_assert_uint_eq(first.offset, 17 + 5);
    ck_assert_uint_eq(ev.frame.hd.type, H2C_FRAME_TYPE_PING); /* the offending frame */
    ck_assert_uint_eq(ev.frame.offset, 17);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(h2c_frame_parser_push(p, ping_frame, 17, &used, &ev),
                         H2C_FRAME_E_STREAM_NONZERO);
        ck_assert_uint_eq(used, 0);
        ck_assert_int_eq(memcmp(&ev.error, &first, sizeof first), 0);
        ck_assert_int_eq(h2c_frame_parser_push(p, NULL, 0, &used, &ev),
                         H2C_FRAME_E_STREAM_NONZERO);
    }
    h2c_error e;
    ck_assert_int_eq(h2c_frame_parser_error(p, &e), H2C_FRAME_E_STREAM_NONZERO);
    ck_assert_int_eq(memcmp(&e, &first, sizeof e), 0);
    ck_assert_int_eq(h2c_frame_parser_finish(p, &e), H2C_FRAME_E_STREAM_NONZERO);
    ck_assert_int_eq(h2c_frame_parser_set_max_frame_size(p, 20000), H2C_FRAME_E_STREAM_NONZERO);
    ck_assert_int_eq(h2c_frame_parser_state_get(p), H2C_FRAME_PS_ERROR);
    ck_assert_uint_eq(h2c_frame_parser_missing(p), 0);
    ck_assert_uint_eq(h2c_frame_parser_stats_get(p)->frames, 2);

    h2c_frame_parser_reset(p);
    ck_assert_int_eq(h2c_frame_parser_error(p, &e), H2C_OK);
    ck_assert_int_eq(e.scope, H2C_SCOPE_NONE);
    ck_assert_uint_eq(h2c_frame_parser_offset(p), 0);
    ck_assert_uint_eq(h2c_frame_parser_stats_get(p)->frames, 0);
    ck_assert_int_eq(h2c_frame_parser_push(p, ping_frame, 17, &used, &ev), H2C_FRAME_EV_FRAME);
    h2c_frame_parser_free(p);
}
END_TEST

/* The empty-frame limit is on by default (CVE-2019-9518): frame 10000 is
 * still fine, 10001 is ENHANCE_YOUR_CALM; empty DATA with END_STREAM and
 * non-empty frames do not count, and 0 turns the limit off. */
START_TEST(empty_frames_limited_by_default)
{
    static const uint8_t empty_data[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t end_data[] = { 0, 0, 0, 0, 1, 0, 0, 0, 1 };
    for (int off = 0; off < 2; off++) {
        h2c_frame_parser_options o;
        h2c_frame_parser_options_init(&o);
        if (off)
            o.max_empty_frames = 0;
        h2c_frame_parser *p;
        ck_assert_int_eq(h2c_frame_parser_new(&p, off ? &o : NULL), H2C_OK);
        h2c_frame_event ev;
        size_t used;
        for (int i = 0; i < 20000; i++)
            ck_assert_int_eq(h2c_frame_parser_push(p, end_data, 9, &used, &ev),
                             H2C_FRAME_EV_FRAME);
        for (int i = 0; i < 100; i++)
            ck_assert_int_eq(h2c_frame_parser_push(p, ping_frame, 17, &used, &ev),
                             H2C_FRAME_EV_FRAME);
        for (uint32_t i = 1; i <= H2C_FRAME_DEFAULT_MAX_EMPTY_FRAMES; i++)
            ck_assert_int_eq(h2c_frame_parser_push(p, empty_data, 9, &used, &ev),
                             H2C_FRAME_EV_FRAME);
        int rc = h2c_frame_parser_push(p, empty_data, 9, &used, &ev);
        if (off) {
            ck_assert_int_eq(rc, H2C_FRAME_EV_FRAME);
        } else {
            ck_assert_int_eq(rc, H2C_FRAME_E_EMPTY_FRAMES);
            ck_assert_int_eq(ev.error.scope, H2C_SCOPE_CONNECTION);
            ck_assert_uint_eq(ev.error.h2_error, H2C_H2_ENHANCE_YOUR_CALM);
        }
        h2c_frame_parser_free(p);
    }
}
END_TEST

/* A stream error reports and lets parsing continue; stats count it all. */
START_TEST(stream_errors_continue_and_stats)
{
    static const char *hex =
        "000004 02 00 00000003 00000001"          /* PRIORITY len 4: stream error, skipped */
        "000004 08 00 00000005 00000000"          /* WINDOW_UPDATE 0 on 5: stream error */
        "000000 00 00 00000001"                   /* empty DATA */
        "000000 00 01 00000001"                   /* empty DATA with END_STREAM: not counted */
        "000001 00 08 00000001 00"                /* padded, no data: empty */
        "000000 01 04 00000001"                   /* empty HEADERS */
        "000000 09 04 00000001"                   /* empty CONTINUATION */
        "000001 0a 00 00000000 00"                /* malformed ALTSVC: ignored */
        "000000 4c 00 00000000"                   /* unknown type 0x4c */
        "000008 06 00 00000000 0102030405060708"; /* PING */
    uint8_t in[256];
    long n = h2t_hex(hex, in, sizeof in);
    ck_assert_int_gt(n, 0);
    h2c_frame_parser *p;
    ck_assert_int_eq(h2c_frame_parser_new(&p, NULL), 0);
    int expect[] = { H2C_FRAME_EV_STREAM_ERROR, H2C_FRAME_EV_STREAM_ERROR, H2C_FRAME_EV_FRAME,
                     H2C_FRAME_EV_FRAME,        H2C_FRAME_EV_FRAME,        H2C_FRAME_EV_FRAME,
                     H2C_FRAME_EV_FRAME,        H2C_FRAME_EV_IGNORED,      H2C_FRAME_EV_FRAME,
                     H2C_FRAME_EV_FRAME };
    size_t off = 0, used, i = 0;
    h2c_frame_event ev;
    int rc;
    while ((rc = h2c_frame_parser_push(p, in + off, (size_t)n - off, &used, &ev)) != 0) {
        off += used;
        ck_assert_uint_lt(i, sizeof expect / sizeof expect[0]);
        ck_assert_int_eq(rc, expect[i]);
        if (i == 0) {
            ck_assert_int_eq(ev.decoded, 0);
            ck_assert_uint_eq(ev.error.stream_id, 3);
        }
        if (i == 1) {
            ck_assert_int_eq(ev.decoded, 1);
            ck_assert_uint_eq(ev.frame.u.window_update.increment, 0);
        }
        if (i == 7) {
            ck_assert_int_eq(ev.decoded, 0);
            ck_assert_uint_eq(ev.frame.verbatim, 1);
            ck_assert_uint_eq(ev.frame.payload.len, 1);
        }
        i++;
    }
    ck_assert_uint_eq(i, sizeof expect / sizeof expect[0]);
    const h2c_frame_parser_stats *st = h2c_frame_parser_stats_get(p);
    ck_assert_uint_eq(st->frames, 10);
    ck_assert_uint_eq(st->octets, (uint64_t)n);
    ck_assert_uint_eq(st->by_type[H2C_FRAME_TYPE_DATA], 3);
    ck_assert_uint_eq(st->by_type[H2C_FRAME_TYPE_ALTSVC], 1);
    ck_assert_uint_eq(st->other_types, 1);
    ck_assert_uint_eq(st->empty_data, 2);
    ck_assert_uint_eq(st->empty_headers, 1);
    ck_assert_uint_eq(st->empty_continuation, 1);
    ck_assert_uint_eq(st->stream_errors, 2);
    ck_assert_uint_eq(st->ignored, 1);
    ck_assert_int_eq(h2c_frame_parser_finish(p, NULL), H2C_OK);
    h2c_frame_parser_free(p);
}
END_TEST

/* RFC 7838 section 4: an Alt-Svc field value is never empty ("clear" or at
 * least one alternative), so an ALTSVC frame without one is malformed and
 * ignored, as nghttp2 ignores it; on stream 0 the origin must be there. */
START_TEST(altsvc_empty_value_ignored)
{
    static const struct {
        const char *hex;
        int rc;
        uint32_t h2;
        size_t value_len;
    } cases[] = {
        { "000002 0a 00 00000001 0000", H2C_FRAME_EV_IGNORED, H2C_H2_PROTOCOL_ERROR, 0 },
        { "000005 0a 00 00000000 0003 612e62", H2C_FRAME_EV_IGNORED, H2C_H2_PROTOCOL_ERROR, 0 },
        { "000003 0a 00 00000001 0000 78", H2C_FRAME_EV_FRAME, 0, 1 },
        { "000007 0a 00 00000000 0003 612e62 2222", H2C_FRAME_EV_FRAME, 0, 2 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint8_t in[64];
        long n = h2t_hex(cases[k].hex, in, sizeof in);
        ck_assert_int_gt(n, 0);
        h2c_frame_parser *p;
        ck_assert_int_eq(h2c_frame_parser_new(&p, NULL), 0);
        h2c_frame_event ev;
        size_t used;
        int rc = h2c_frame_parser_push(p, in, (size_t)n, &used, &ev);
        ck_assert_msg(rc == cases[k].rc, "case %zu: %s", k, h2c_status_name(rc));
        ck_assert_uint_eq(used, (size_t)n);
        if (rc == H2C_FRAME_EV_IGNORED) {
            ck_assert_int_eq(ev.error.status, H2C_FRAME_E_EXTENSION);
            ck_assert_int_eq(ev.error.scope, H2C_SCOPE_IGNORABLE);
            ck_assert_uint_eq(ev.error.h2_error, cases[k].h2);
            ck_assert_uint_eq(ev.frame.verbatim, 1);
        } else {
            ck_assert_uint_eq(ev.frame.u.altsvc.value.len, cases[k].value_len);
        }
        /* Ignored or not, parsing goes on. */
        ck_assert_int_eq(h2c_frame_parser_finish(p, NULL), H2C_OK);
        ck_assert_uint_eq(h2c_frame_parser_stats_get(p)->ignored,
                          rc == H2C_FRAME_EV_IGNORED ? 1u : 0u);
        h2c_frame_parser_free(p);
    }
}
END_TEST

/* RFC 8336 section 2: ASCII-Origin is optional, so an Origin-Entry of
 * length 0 names no origin: it is skipped, neither counted nor reported as
 * an empty origin, and the frame stays valid. */
START_TEST(origin_empty_entries_skipped)
{
    static const struct {
        const char *hex;
        size_t count;
        const char *origins[3];
    } cases[] = {
        { "000002 0c 00 00000000 0000", 0, { NULL } },
        { "000004 0c 00 00000000 0000 0000", 0, { NULL } },
        { "00000d 0c 00 00000000 0000 0003 612e62 0000 0002 6364", 2, { "a.b", "cd" } },
        { "000007 0c 00 00000000 0003 612e62 0000", 1, { "a.b" } },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint8_t in[64];
        long n = h2t_hex(cases[k].hex, in, sizeof in);
        ck_assert_int_gt(n, 0);
        h2c_frame_parser *p;
        ck_assert_int_eq(h2c_frame_parser_new(&p, NULL), 0);
        h2c_frame_event ev;
        size_t used;
        ck_assert_int_eq(h2c_frame_parser_push(p, in, (size_t)n, &used, &ev), H2C_FRAME_EV_FRAME);
        ck_assert_msg(ev.frame.u.origin.count == cases[k].count, "case %zu: count %zu", k,
                      ev.frame.u.origin.count);
        size_t pos = 0, got = 0;
        h2c_view o;
        while (h2c_frame_origin_next(&ev.frame, &pos, &o) == 1) {
            ck_assert_uint_lt(got, cases[k].count);
            ck_assert_uint_gt(o.len, 0);
            ck_assert_uint_eq(o.len, strlen(cases[k].origins[got]));
            ck_assert(memcmp(o.ptr, cases[k].origins[got], o.len) == 0);
            got++;
        }
        ck_assert_uint_eq(got, cases[k].count);
        h2c_frame_parser_free(p);
    }
}
END_TEST

/* A new max frame size applies from the next header. */
START_TEST(max_frame_size_change)
{
    uint8_t f[9 + 20000] = { 0 };
    f[0] = 0;
    f[1] = 0x4e;
    f[2] = 0x20; /* 20000 */
    f[8] = 1;
    h2c_frame_parser *p;
    ck_assert_int_eq(h2c_frame_parser_new(&p, NULL), 0);
    size_t used;
    h2c_frame_event ev;
    ck_assert_int_eq(h2c_frame_parser_push(p, f, sizeof f, &used, &ev),
                     H2C_FRAME_EV_STREAM_ERROR);
    ck_assert_int_eq(ev.error.status, H2C_FRAME_E_FRAME_SIZE);
    ck_assert_int_eq(h2c_frame_parser_push(p, f + used, sizeof f - used, &used, &ev), 0);
    ck_assert_int_eq(h2c_frame_parser_set_max_frame_size(p, 20000), 0);
    ck_assert_int_eq(h2c_frame_parser_push(p, f, sizeof f, &used, &ev), H2C_FRAME_EV_FRAME);
    ck_assert_uint_eq(ev.frame.u.data.data.len, 20000);
    h2c_frame_parser_free(p);
}
END_TEST

/* finish() and missing() inside the preface, a header, a payload. */
START_TEST(truncation_reporting)
{
    h2c_frame_parser_options o;
    h2c_frame_parser_options_init(&o);
    o.preface = H2C_FRAME_PREFACE_EXPECT;
    h2c_frame_parser *p;
    ck_assert_int_eq(h2c_frame_parser_new(&p, &o), 0);
    size_t used;
    h2c_frame_event ev;
    h2c_error e;
    ck_assert_int_eq(h2c_frame_parser_finish(p, &e), H2C_OK); /* nothing yet */
    ck_assert_int_eq(h2c_frame_parser_push(p, (const uint8_t *)H2C_FRAME_CLIENT_PREFACE, 10, &used,
                                           &ev),
                     H2C_OK);
    ck_assert_uint_eq(h2c_frame_parser_missing(p), 14);
    ck_assert_int_eq(h2c_frame_parser_finish(p, &e), H2C_FRAME_E_TRUNCATED);
    ck_assert_uint_eq(e.offset, 10);
    ck_assert_int_eq(h2c_frame_parser_push(p, (const uint8_t *)H2C_FRAME_CLIENT_PREFACE + 10, 14,
                                           &used, &ev),
                     H2C_FRAME_EV_PREFACE);
    static const uint8_t settings[] = { 0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100 };
    ck_assert_int_eq(h2c_frame_parser_push(p, settings, 4, &used, &ev), H2C_OK);
    ck_assert_uint_eq(h2c_frame_parser_missing(p), 5);
    ck_assert_int_eq(h2c_frame_parser_finish(p, &e), H2C_FRAME_E_TRUNCATED);
    ck_assert_uint_eq(e.offset, 28);
    /* 4 of the 9 header octets are in: the frame starts at 24 */
    ck_assert_uint_eq(e.offset - (9 - h2c_frame_parser_missing(p)), 24);
    ck_assert_int_eq(h2c_frame_parser_push(p, settings + 4, 7, &used, &ev), H2C_OK);
    ck_assert_uint_eq(h2c_frame_parser_missing(p), 4);
    ck_assert_int_eq(h2c_frame_parser_finish(p, &e), H2C_FRAME_E_TRUNCATED);
    /* inside the payload of the SETTINGS frame at 24: its header was read
     * and counted, 2 of its 6 payload octets are in */
    ck_assert_uint_eq(e.offset, 24 + 9 + 2);
    ck_assert_uint_eq(e.offset - 24 - 9 + h2c_frame_parser_missing(p), 6);
    ck_assert_uint_eq(e.stream_id, 0);
    ck_assert_uint_eq(h2c_frame_parser_stats_get(p)->by_type[H2C_FRAME_TYPE_SETTINGS], 1);
    ck_assert_uint_eq(h2c_frame_parser_stats_get(p)->frames, 1);
    ck_assert_int_eq(h2c_frame_parser_push(p, settings + 11, 4, &used, &ev), H2C_FRAME_EV_FRAME);
    ck_assert_int_eq(h2c_frame_parser_finish(p, &e), H2C_OK);
    ck_assert_uint_eq(h2c_frame_parser_missing(p), 0);
    h2c_frame_parser_free(p);
}
END_TEST

START_TEST(names)
{
    static const int all[] = {
        H2C_OK,
        H2C_FRAME_EV_PREFACE,
        H2C_FRAME_EV_FRAME,
        H2C_FRAME_EV_STREAM_ERROR,
        H2C_FRAME_EV_IGNORED,
        H2C_FRAME_EV_FRAGMENT,
        H2C_FRAME_EV_BLOCK_END,
        H2C_FRAME_E_FRAME_SIZE,
        H2C_FRAME_E_LENGTH,
        H2C_FRAME_E_STREAM_ZERO,
        H2C_FRAME_E_STREAM_NONZERO,
        H2C_FRAME_E_PADDING,
        H2C_FRAME_E_SETTINGS_VALUE,
        H2C_FRAME_E_SETTINGS_WINDOW,
        H2C_FRAME_E_SETTINGS_COUNT,
        H2C_FRAME_E_WINDOW_INCREMENT,
        H2C_FRAME_E_PROMISED_ID,
        H2C_FRAME_E_SELF_DEPENDENCY,
        H2C_FRAME_E_PREFACE,
        H2C_FRAME_E_EXTENSION,
        H2C_FRAME_E_EMPTY_FRAMES,
        H2C_FRAME_E_CONTINUATION_EXPECTED,
        H2C_FRAME_E_CONTINUATION_UNEXPECTED,
        H2C_FRAME_E_CONTINUATION_FLOOD,
        H2C_FRAME_E_BLOCK_SIZE,
        H2C_FRAME_E_TRUNCATED,
        H2C_E_NOMEM,
        H2C_E_BUFFER_TOO_SMALL,
        H2C_E_INVALID_ARGUMENT,
        H2C_E_STATE,
    };
    size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_ne(h2c_status_name(all[i]), "H2C_E_UNKNOWN");
        ck_assert_str_ne(h2c_strerror(all[i]), "unknown status");
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(h2c_status_name(all[i]), h2c_status_name(all[j]));
    }
    ck_assert_str_eq(h2c_status_name(H2C_FRAME_E_PADDING), "H2C_FRAME_E_PADDING");
    ck_assert_str_eq(h2c_status_name(-999), "H2C_E_UNKNOWN");
    ck_assert_str_eq(h2c_strerror(-999), "unknown status");
    ck_assert_uint_eq(h2c_status_h2_error(H2C_FRAME_E_SETTINGS_WINDOW), 0x3);
    ck_assert_uint_eq(h2c_status_h2_error(H2C_FRAME_E_LENGTH), 0x6);
    ck_assert_uint_eq(h2c_status_h2_error(H2C_FRAME_E_CONTINUATION_FLOOD), 0xb);
    ck_assert_uint_eq(h2c_status_h2_error(H2C_E_NOMEM), 0x2);
    ck_assert_uint_eq(h2c_status_h2_error(H2C_E_BUFFER_TOO_SMALL), 0x0);
    ck_assert_uint_eq(h2c_status_h2_error(H2C_FRAME_EV_FRAME), 0x0);

    static const char *const h2[] = { "NO_ERROR",           "PROTOCOL_ERROR",    "INTERNAL_ERROR",
                                      "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",  "STREAM_CLOSED",
                                      "FRAME_SIZE_ERROR",   "REFUSED_STREAM",    "CANCEL",
                                      "COMPRESSION_ERROR",  "CONNECT_ERROR",     "ENHANCE_YOUR_CALM",
                                      "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED" };
    for (uint32_t c = 0; c <= 0xd; c++)
        ck_assert_str_eq(h2c_h2_error_name(c), h2[c]);
    ck_assert_str_eq(h2c_h2_error_name(0xe), "UNKNOWN");
    ck_assert_str_eq(h2c_h2_error_name(0xffffffffu), "UNKNOWN");

    ck_assert_str_eq(h2c_frame_type_name(0x0), "DATA");
    ck_assert_str_eq(h2c_frame_type_name(0x8), "WINDOW_UPDATE");
    ck_assert_str_eq(h2c_frame_type_name(0x9), "CONTINUATION");
    ck_assert_str_eq(h2c_frame_type_name(0xa), "ALTSVC");
    ck_assert_str_eq(h2c_frame_type_name(0xb), "UNKNOWN");
    ck_assert_str_eq(h2c_frame_type_name(0xc), "ORIGIN");
    ck_assert_str_eq(h2c_frame_type_name(0x10), "PRIORITY_UPDATE");
    ck_assert_str_eq(h2c_frame_type_name(0xff), "UNKNOWN");

    ck_assert_str_eq(h2c_frame_setting_name(0x1), "SETTINGS_HEADER_TABLE_SIZE");
    ck_assert_str_eq(h2c_frame_setting_name(0x6), "SETTINGS_MAX_HEADER_LIST_SIZE");
    ck_assert_str_eq(h2c_frame_setting_name(0x7), "UNKNOWN");
    ck_assert_str_eq(h2c_frame_setting_name(0x8), "SETTINGS_ENABLE_CONNECT_PROTOCOL");
    ck_assert_str_eq(h2c_frame_setting_name(0x9), "SETTINGS_NO_RFC7540_PRIORITIES");
    ck_assert_str_eq(h2c_frame_setting_name(0), "UNKNOWN");
    ck_assert_str_eq(h2c_frame_setting_name(0xffff), "UNKNOWN");

    ck_assert_str_eq(h2c_scope_name(H2C_SCOPE_CONNECTION), "connection");
    ck_assert_str_eq(h2c_scope_name(H2C_SCOPE_STREAM), "stream");
    ck_assert_str_eq(h2c_scope_name(H2C_SCOPE_IGNORABLE), "ignorable");
    ck_assert_str_eq(h2c_scope_name(H2C_SCOPE_LOCAL), "local");
    ck_assert_str_eq(h2c_scope_name(H2C_SCOPE_NONE), "none");
    ck_assert_str_eq(h2c_version(), "0.2.0");
    ck_assert_str_eq(h2c_version(), H2CODEC_VERSION);
}
END_TEST

START_TEST(flags_format)
{
    char buf[64];
    ck_assert_uint_eq(h2c_frame_flags_format(H2C_FRAME_TYPE_HEADERS, 0x05, buf, sizeof buf), 22);
    ck_assert_str_eq(buf, "END_STREAM|END_HEADERS");
    h2c_frame_flags_format(H2C_FRAME_TYPE_HEADERS, 0x2c, buf, sizeof buf);
    ck_assert_str_eq(buf, "END_HEADERS|PADDED|PRIORITY");
    h2c_frame_flags_format(H2C_FRAME_TYPE_SETTINGS, 0x01, buf, sizeof buf);
    ck_assert_str_eq(buf, "ACK");
    h2c_frame_flags_format(H2C_FRAME_TYPE_PING, 0x81, buf, sizeof buf);
    ck_assert_str_eq(buf, "ACK|0x80");
    h2c_frame_flags_format(H2C_FRAME_TYPE_DATA, 0x09, buf, sizeof buf);
    ck_assert_str_eq(buf, "END_STREAM|PADDED");
    h2c_frame_flags_format(H2C_FRAME_TYPE_CONTINUATION, 0x05, buf, sizeof buf);
    ck_assert_str_eq(buf, "0x01|END_HEADERS");
    h2c_frame_flags_format(H2C_FRAME_TYPE_PUSH_PROMISE, 0x0c, buf, sizeof buf);
    ck_assert_str_eq(buf, "END_HEADERS|PADDED");
    h2c_frame_flags_format(0x42, 0x03, buf, sizeof buf);
    ck_assert_str_eq(buf, "0x01|0x02");
    ck_assert_uint_eq(h2c_frame_flags_format(H2C_FRAME_TYPE_DATA, 0, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "");
    /* the longest text fits in 64 octets; truncation is snprintf-like */
    size_t need = h2c_frame_flags_format(H2C_FRAME_TYPE_HEADERS, 0xff, NULL, 0);
    ck_assert_uint_lt(need, 64);
    ck_assert_uint_eq(h2c_frame_flags_format(H2C_FRAME_TYPE_HEADERS, 0xff, buf, sizeof buf), need);
    ck_assert_uint_eq(strlen(buf), need);
    char small[6];
    ck_assert_uint_eq(h2c_frame_flags_format(H2C_FRAME_TYPE_HEADERS, 0x05, small, sizeof small), 22);
    ck_assert_str_eq(small, "END_S");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("frame_parser");
    TCase *tc = tcase_create("parser");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, options_defaults_and_validation);
    tcase_add_test(tc, invalid_arguments_not_sticky);
    tcase_add_test(tc, zero_copy_and_buffered);
    tcase_add_test(tc, buffer_bounded_and_released);
    tcase_add_test(tc, allocation_failure_every_site);
    tcase_add_test(tc, sticky_connection_error);
    tcase_add_test(tc, stream_errors_continue_and_stats);
    tcase_add_test(tc, altsvc_empty_value_ignored);
    tcase_add_test(tc, empty_frames_limited_by_default);
    tcase_add_test(tc, origin_empty_entries_skipped);
    tcase_add_test(tc, max_frame_size_change);
    tcase_add_test(tc, truncation_reporting);
    tcase_add_test(tc, names);
    tcase_add_test(tc, flags_format);
    suite_add_tcase(s, tc);
    return ft_run_suite(s);
}
