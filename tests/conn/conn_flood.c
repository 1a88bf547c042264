/* SPDX-License-Identifier: MIT */
/*
 * Secure by default: each flood of RFC 9113 section 10.5, the CVEs of 2019
 * (9512 ping, 9514 reset, 9515 settings, 9516 zero-length headers, 9518
 * empty frames), 2023 (44487 rapid reset) and 2024 (CONTINUATION) ends with
 * GOAWAY ENHANCE_YOUR_CALM under the default limits, or stays harmless,
 * while the output queue stays bounded however little the peer reads.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn_cases.h"
#include "conn_util.h"

#define CALM H2C_H2_ENHANCE_YOUR_CALM
/* What a flooded connection may hold: the output queue's buffer grows up
 * to max_output (1 MiB), and past it only by the frames the connection must
 * still write (the GOAWAY); the rest (codecs, parser, streams) is well
 * under 256 KiB. */
#define MEMORY_BOUND ((1u << 20) + (256u << 10))

typedef void (*unit_fn)(ct_buf *b, unsigned i);

/*
 * Send units (batch per recv) until a connection error or max units.
 * Checks after every batch that the output stays within max_output plus
 * the GOAWAY.  *units is the count sent when the error came (the error is
 * in the last batch).  drain: take the output after each batch, as a peer
 * that reads would.
 */
static int flood(ct_raw *r, unit_fn fn, unsigned max, unsigned batch, unsigned *units,
                 int drain)
{
    h2c_conn_options d;
    h2c_conn_options_init(&d, H2C_CONN_SERVER);
    size_t bound = d.limits.max_output + CT_OUTPUT_SLACK;
    size_t peak = 0;
    ct_buf sink = {0};
    r->log.keep = 0;
    for (unsigned i = 0; i < max;) {
        for (unsigned k = 0; k < batch && i < max; k++, i++)
            fn(&r->in, i);
        int rc = ct_raw_send(r);
        size_t out = h2c_conn_output_len(r->c);
        if (out > peak)
            peak = out;
        ck_assert_msg(out <= bound, "output %zu past max_output + %u after %u units", out,
                      CT_OUTPUT_SLACK, i);
        if (drain) {
            ct_buf_clear(&sink);
            ct_drain(r->c, &sink);
        }
        if (rc < 0) {
            *units = i;
            fprintf(stderr, "flood: %s after %u units (peak output %zu, memory %zu)\n",
                    h2c_status_name(rc), i, peak, h2c_conn_memory(r->c));
            ct_buf_free(&sink);
            return rc;
        }
    }
    *units = max;
    fprintf(stderr, "flood: no error after %u units (peak output %zu, memory %zu)\n", max, peak,
            h2c_conn_memory(r->c));
    ct_buf_free(&sink);
    return H2C_OK;
}

static void expect_calm(const char *what, ct_raw *r, int rc, int status_a, int status_b)
{
    ck_assert_msg(rc < 0, "%s: no connection error", what);
    ct_expect_conn_error(what, 0, r, rc, status_a, status_b, CALM);
    ck_assert_msg(h2c_conn_memory(r->c) <= MEMORY_BOUND, "%s: connection holds %zu octets", what,
                  h2c_conn_memory(r->c));
}

/* ---- rapid reset (CVE-2023-44487) ------------------------------------- */

static void rapid_reset_unit(ct_buf *b, unsigned i)
{
    ct_fr_get(b, 2 * i + 1, 0, "/");
    ct_fr_rst(b, 2 * i + 1, H2C_H2_CANCEL);
}

START_TEST(flood_rapid_reset)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    unsigned units = 0;
    int rc = flood(&r, rapid_reset_unit, 5000, 1, &units, 0);
    expect_calm("rapid reset", &r, rc, H2C_CONN_E_FLOOD, 0);
    ck_assert_msg(units >= 200 && units <= 202,
                  "rapid reset: GOAWAY after %u HEADERS+RST_STREAM pairs, limit 200", units);
    ct_raw_free(&r);
}
END_TEST

/* Resets are counted net of streams the peer let finish. */
START_TEST(flood_rapid_reset_net)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    static const h2c_hpack_field ok[] = {HF(":status", "200")};
    uint32_t s = 1;
    r.log.keep = 0;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 150; i++, s += 2) {
            ct_fr_get(&r.in, s, 0, "/");
            ct_fr_rst(&r.in, s, H2C_H2_CANCEL);
        }
        int rc = ct_raw_send(&r);
        ck_assert_msg(rc == H2C_OK, "round %d: %s", round, h2c_status_name(rc));
        for (int i = 0; i < 150; i++, s += 2) {
            ct_fr_get(&r.in, s, 1, "/");
            rc = ct_raw_send(&r);
            ck_assert_msg(rc == H2C_OK, "round %d: %s", round, h2c_status_name(rc));
            ck_assert_int_eq(h2c_conn_submit_headers(r.c, s, ok, 1, 1), H2C_OK);
        }
        ct_raw_out(&r);
        ck_assert_ptr_null(ct_frames_find(&r.out, H2C_FRAME_TYPE_GOAWAY, CT_ANY));
    }
    ct_raw_free(&r);
}
END_TEST

/* ---- ping and settings floods, answers never read (CVE-2019-9512, 9515) */

static void ping_unit(ct_buf *b, unsigned i)
{
    char op[8];
    memcpy(op, &i, sizeof i);
    memcpy(op + 4, "ping", 4);
    ct_fr_ping(b, 0, op);
}

START_TEST(flood_ping)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    unsigned units = 0;
    int rc = flood(&r, ping_unit, 200000, 500, &units, 0);
    expect_calm("ping flood", &r, rc, H2C_CONN_E_FLOOD, 0);
    /* 17-octet ACKs: the limit is about (1 MiB) / 17 = 61681 */
    ck_assert_msg(units >= (1u << 20) / 17, "ping flood: stopped after %u pings, early", units);
    ct_raw_free(&r);
}
END_TEST

START_TEST(flood_ping_read)
{
    /* A peer that reads its answers may ping: no limit on the count. */
    ct_raw r;
    ct_raw_server(&r, NULL);
    unsigned units = 0;
    int rc = flood(&r, ping_unit, 70000, 500, &units, 1);
    ck_assert_msg(rc == H2C_OK, "70000 pings with the answers read: %s after %u",
                  h2c_status_name(rc), units);
    ct_raw_free(&r);
}
END_TEST

static void settings_unit(ct_buf *b, unsigned i)
{
    if (i & 1)
        ct_fr_settings(b, 0, NULL, 0);
    else
        ct_fr_setting1(b, H2C_FRAME_SETTINGS_MAX_FRAME_SIZE, 16384 + (i & 0xff));
}

START_TEST(flood_settings)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    unsigned units = 0;
    int rc = flood(&r, settings_unit, 250000, 500, &units, 0);
    expect_calm("settings flood", &r, rc, H2C_CONN_E_FLOOD, 0);
    ck_assert_msg(units >= (1u << 20) / 9 - 500, "settings flood: stopped after %u, early", units);
    ct_raw_free(&r);
}
END_TEST

/* ---- reset flood: stream errors whose RSTs pile up (CVE-2019-9514) ---- */

static void bad_request_unit(ct_buf *b, unsigned i)
{
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", "/");
    ct_hp_lit(&blk, "X-Upper", "1"); /* 8.2.1: malformed, RST_STREAM PROTOCOL_ERROR */
    ct_fr_headers(b, 2 * i + 1, H2C_FRAME_FLAG_END_STREAM | H2C_FRAME_FLAG_END_HEADERS, blk.p,
                  blk.len);
    ct_buf_free(&blk);
}

START_TEST(flood_reset)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    unsigned units = 0;
    int rc = flood(&r, bad_request_unit, 5000, 1, &units, 0);
    expect_calm("reset flood", &r, rc, H2C_CONN_E_FLOOD, 0);
    ck_assert_msg(units >= 200 && units <= 202,
                  "reset flood: GOAWAY after %u stream errors, limit 200", units);
    ck_assert_uint_ge(ct_frames_count(&r.out, H2C_FRAME_TYPE_RST_STREAM), 199);
    ct_raw_free(&r);
}
END_TEST

START_TEST(flood_reset_window_update)
{
    /* The same with a cheaper trigger: WINDOW_UPDATE 0 on open streams. */
    ct_raw r;
    ct_raw_server(&r, NULL);
    r.log.keep = 0;
    int rc = H2C_OK;
    unsigned i;
    for (i = 0; i < 5000 && rc == H2C_OK; i++) {
        ct_fr_get(&r.in, 2 * i + 1, 0, "/");
        ct_fr_wu(&r.in, 2 * i + 1, 0);
        rc = ct_raw_send(&r);
    }
    expect_calm("WINDOW_UPDATE 0 flood", &r, rc, H2C_CONN_E_FLOOD, 0);
    ck_assert_msg(i >= 200 && i <= 202, "after %u stream errors", i);
    ct_raw_free(&r);
}
END_TEST

/* ---- empty frames (CVE-2019-9518) ------------------------------------- */

static void empty_data_unit(ct_buf *b, unsigned i)
{
    (void)i;
    ct_fr_data(b, 1, 0, NULL, 0);
}

START_TEST(flood_empty_data)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_fr_get(&r.in, 1, 0, "/");
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    unsigned units = 0;
    int rc = flood(&r, empty_data_unit, 100000, 1, &units, 0);
    expect_calm("empty DATA flood", &r, rc, H2C_CONN_E_FLOOD, H2C_FRAME_E_EMPTY_FRAMES);
    ck_assert_msg(units >= 1000 && units <= 1003, "empty DATA: GOAWAY after %u, limit 1000",
                  units);
    ct_raw_free(&r);
}
END_TEST

static void empty_headers_unit(ct_buf *b, unsigned i)
{
    /* HEADERS opening a block with an empty fragment, then an empty
     * CONTINUATION ending it: two empty frames, and an empty (malformed)
     * request, per stream. */
    ct_fr_headers(b, 2 * i + 1, 0, NULL, 0);
    ct_fr_continuation(b, 2 * i + 1, H2C_FRAME_FLAG_END_HEADERS, NULL, 0);
}

START_TEST(flood_empty_headers)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    unsigned units = 0;
    int rc = flood(&r, empty_headers_unit, 5000, 1, &units, 0);
    expect_calm("empty HEADERS/CONTINUATION flood", &r, rc, H2C_CONN_E_FLOOD,
                H2C_FRAME_E_EMPTY_FRAMES);
    ct_raw_free(&r);
}
END_TEST

/* ---- zero-length headers (CVE-2019-9516) ------------------------------ */

START_TEST(flood_zero_length_headers_one_block)
{
    /* 5000 fields with an empty name and value: 160000 octets of header
     * list (32 each) in 15 KB.  Refused at stream level (an oversized list
     * or a malformed request), never a connection error but CALM. */
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", "/");
    for (int i = 0; i < 5000; i++)
        ct_hp_litn(&blk, 0x00, "", 0, "", 0);
    ct_hp_inc(&blk, "x-after", "1");
    ct_fr_block(&r.in, 1, H2C_FRAME_FLAG_END_STREAM, blk.p, blk.len, 16384);
    int rc = ct_raw_send(&r);
    ct_raw_out(&r);
    fprintf(stderr, "zero-length headers, one block: %s, memory %zu\n", h2c_status_name(rc),
            h2c_conn_memory(r.c));
    if (rc < 0) {
        expect_calm("zero-length headers", &r, rc, 0, 0);
    } else {
        ck_assert_ptr_null(ct_frames_find(&r.out, H2C_FRAME_TYPE_GOAWAY, CT_ANY));
        ck_assert_msg(ct_log_find(&r.log, H2C_CONN_EV_REQUEST, 1, 0) < 0,
                      "5000 empty names delivered as a request");
        ck_assert_msg(ct_log_find(&r.log, H2C_CONN_EV_HEADERS_TOO_LARGE, 1, 0) >= 0 ||
                          ct_log_find(&r.log, H2C_CONN_EV_STREAM_RESET, 1, 0) >= 0,
                      "neither HEADERS_TOO_LARGE nor a stream reset");
        ck_assert_uint_le(h2c_conn_memory(r.c), MEMORY_BOUND);
        /* the connection goes on, HPACK in step */
        ct_buf_clear(&blk);
        ct_hp_req(&blk, "GET", "/next");
        ct_hp_idx(&blk, 62);
        ct_fr_headers(&r.in, 3, H2C_FRAME_FLAG_END_STREAM | H2C_FRAME_FLAG_END_HEADERS, blk.p,
                      blk.len);
        rc = ct_raw_send(&r);
        ck_assert_int_eq(rc, H2C_OK);
        long i = ct_log_find(&r.log, H2C_CONN_EV_REQUEST, 3, 0);
        ck_assert_int_ge(i, 0);
        ck_assert_ptr_nonnull(strstr(r.log.ev[i].fields, "x-after: 1\n"));
    }
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

static void zero_length_unit(ct_buf *b, unsigned i)
{
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", "/");
    for (int k = 0; k < 100; k++)
        ct_hp_litn(&blk, 0x00, "", 0, "", 0);
    ct_fr_headers(b, 2 * i + 1, H2C_FRAME_FLAG_END_STREAM | H2C_FRAME_FLAG_END_HEADERS, blk.p,
                  blk.len);
    ct_buf_free(&blk);
}

START_TEST(flood_zero_length_headers)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    unsigned units = 0;
    int rc = flood(&r, zero_length_unit, 5000, 1, &units, 0);
    expect_calm("zero-length header flood", &r, rc, H2C_CONN_E_FLOOD, 0);
    ck_assert_msg(units <= 202, "zero-length header flood: GOAWAY after %u requests", units);
    ct_raw_free(&r);
}
END_TEST

/* ---- CONTINUATION floods (CVE-2024-27316 and others) ------------------- */

static int continuation_flood(size_t frag_len, unsigned *units, ct_raw *r)
{
    ct_raw_server(r, NULL);
    r->log.keep = 0;
    /* The block: request pseudo-headers, then fields of a 100-octet value
     * without indexing, cut into frag_len pieces (fields straddle frames). */
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", "/");
    unsigned max_frames = frag_len > 1000 ? 40 : 1000;
    while (blk.len < frag_len * (max_frames + 1) + 1) {
        static const char v[] = "0123456789012345678901234567890123456789012345678901234567890"
                                "123456789012345678901234567890123456789";
        ct_hp_litn(&blk, 0x00, "x", 1, v, 100);
    }
    size_t off = frag_len ? frag_len : 1;
    ct_fr_headers(&r->in, 1, H2C_FRAME_FLAG_END_STREAM, blk.p, off);
    int rc = ct_raw_send(r);
    ck_assert_int_eq(rc, H2C_OK);
    unsigned i;
    for (i = 1; i <= max_frames; i++) {
        ct_fr_continuation(&r->in, 1, 0, blk.p + off, frag_len);
        off += frag_len;
        rc = ct_raw_send(r);
        ck_assert_uint_le(h2c_conn_memory(r->c), MEMORY_BOUND);
        if (rc < 0)
            break;
    }
    *units = i;
    fprintf(stderr, "CONTINUATION flood (%zu-octet fragments): %s after %u frames, memory %zu\n",
            frag_len, h2c_status_name(rc), i, h2c_conn_memory(r->c));
    ct_buf_free(&blk);
    return rc;
}

START_TEST(flood_continuation)
{
    ct_raw r;
    unsigned units;
    int rc = continuation_flood(1, &units, &r);
    expect_calm("CONTINUATION flood", &r, rc, H2C_FRAME_E_CONTINUATION_FLOOD, H2C_CONN_E_FLOOD);
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    unsigned lim = o.limits.max_continuations;
    ck_assert_msg(units >= lim && units <= lim + 1,
                  "GOAWAY after %u CONTINUATION frames, limit %u", units, lim);
    ct_raw_free(&r);

    rc = continuation_flood(0, &units, &r);
    expect_calm("empty CONTINUATION flood", &r, rc, H2C_FRAME_E_CONTINUATION_FLOOD,
                H2C_CONN_E_FLOOD);
    ck_assert_uint_le(units, lim + 1);
    ct_raw_free(&r);
}
END_TEST

START_TEST(flood_continuation_block_size)
{
    /* Full-size CONTINUATION frames: the block-size limit (131072) comes
     * before the count. */
    ct_raw r;
    unsigned units;
    int rc = continuation_flood(16384, &units, &r);
    ck_assert_msg(rc < 0, "no error");
    expect_calm("CONTINUATION block size", &r, rc, H2C_FRAME_E_BLOCK_SIZE, H2C_CONN_E_FLOOD);
    ck_assert_uint_le(units, 9);
    ct_raw_free(&r);
}
END_TEST

/* A large header block of valid small fields: over the list limit, the
 * block-size limit ends it (the fields are never delivered). */
START_TEST(flood_header_bomb_valid_fields)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", "/");
    char name[16];
    for (int i = 0; blk.len < 200000; i++) {
        snprintf(name, sizeof name, "x-%d", i);
        ct_hp_litn(&blk, 0x00, name, strlen(name), "0123456789012345678901234567890123456789",
                   40);
    }
    ct_fr_block(&r.in, 1, H2C_FRAME_FLAG_END_STREAM, blk.p, blk.len, 16384);
    int rc = ct_raw_send(&r);
    expect_calm("200 KB header block", &r, rc, H2C_FRAME_E_BLOCK_SIZE, H2C_CONN_E_FLOOD);
    ck_assert_msg(ct_log_find(&r.log, H2C_CONN_EV_REQUEST, 1, 0) < 0, "delivered");
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

TCase *ct_tcase_flood(void)
{
    TCase *tc = tcase_create("flood");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, flood_rapid_reset);
    tcase_add_test(tc, flood_rapid_reset_net);
    tcase_add_test(tc, flood_ping);
    tcase_add_test(tc, flood_ping_read);
    tcase_add_test(tc, flood_settings);
    tcase_add_test(tc, flood_reset);
    tcase_add_test(tc, flood_reset_window_update);
    tcase_add_test(tc, flood_empty_data);
    tcase_add_test(tc, flood_empty_headers);
    tcase_add_test(tc, flood_zero_length_headers_one_block);
    tcase_add_test(tc, flood_zero_length_headers);
    tcase_add_test(tc, flood_continuation);
    tcase_add_test(tc, flood_continuation_block_size);
    tcase_add_test(tc, flood_header_bomb_valid_fields);
    return tc;
}
