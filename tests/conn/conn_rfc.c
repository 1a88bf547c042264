/* SPDX-License-Identifier: MIT */
/*
 * Raw frames injected into a server (and a client) of this library, one
 * case per MUST of RFC 9113 sections 3-8 that a receiver enforces.  Each
 * checks the status, the HTTP/2 error code and its scope, and the frame
 * queued in answer (GOAWAY or RST_STREAM, read back with the frame parser).
 *
 * Where the RFC leaves the scope open (a stream error may always be raised
 * to a connection error, RFC 9113 5.4.1), expect_either() takes both but
 * still requires the code and a consistent status, scope and frame.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/fields.h>

#include "conn_cases.h"
#include "conn_util.h"
#include "testutil.h"

#define PROTO H2C_H2_PROTOCOL_ERROR
#define FRAME_SIZE H2C_H2_FRAME_SIZE_ERROR
#define FLOW H2C_H2_FLOW_CONTROL_ERROR
#define END_HEADERS H2C_FRAME_FLAG_END_HEADERS
#define END_STREAM H2C_FRAME_FLAG_END_STREAM
#define ES_EH (H2C_FRAME_FLAG_END_STREAM | H2C_FRAME_FLAG_END_HEADERS)

/* A connection of role with its preface drained, and no handshake. */
static void bare(ct_raw *r, int role)
{
    h2c_conn_options o;
    memset(r, 0, sizeof *r);
    h2c_conn_options_init(&o, role);
    r->server = role == H2C_CONN_SERVER;
    r->c = ct_new(&o);
    ct_log_init(&r->log, 1);
    ct_raw_out(r);
    r->out.n = 0;
}

/* Nothing wrong: H2C_OK, and neither GOAWAY nor RST_STREAM queued. */
static void expect_quiet(const char *file, int line, ct_raw *r, int rc)
{
    ct_raw_out(r);
    ct_buf d = {0};
    ct_log_describe(&r->log, &d);
    ct_buf_str(&d, "\n  output: ");
    ct_frames_describe(&r->out, &d);
    ck_assert_msg(rc == H2C_OK, "%s:%d: expected no error, got %s\n  events: %s", file, line,
                  h2c_status_name(rc), (char *)d.p);
    ck_assert_msg(ct_frames_find(&r->out, H2C_FRAME_TYPE_GOAWAY, CT_ANY) == NULL &&
                      ct_frames_find(&r->out, H2C_FRAME_TYPE_RST_STREAM, CT_ANY) == NULL,
                  "%s:%d: expected no GOAWAY or RST_STREAM\n  events: %s", file, line,
                  (char *)d.p);
    ck_assert_msg(r->log.err.status == H2C_OK, "%s:%d: error recorded", file, line);
    ct_buf_free(&d);
}
#define EXPECT_QUIET(r, rc) expect_quiet(__FILE__, __LINE__, r, rc)

/*
 * A stream error of code h2 on stream (status stream_status, RST_STREAM),
 * or the same raised to a connection error (status conn_status, GOAWAY).
 * Returns 1 for the connection error.
 */
static int expect_either(const char *file, int line, ct_raw *r, int rc, uint32_t stream,
                         int stream_status, int conn_status, uint32_t h2)
{
    if (rc < 0) {
        ct_expect_conn_error(file, line, r, rc, conn_status, 0, h2);
        return 1;
    }
    ct_expect_stream_error(file, line, r, rc, stream, stream_status, h2);
    return 0;
}
#define EXPECT_EITHER(r, rc, st, ss, cs, h2) expect_either(__FILE__, __LINE__, r, rc, st, ss, cs, h2)

static void req_block(ct_buf *b, const char *path)
{
    ct_hp_req(b, "GET", path);
}

/* HEADERS with a GET on stream. */
static void get(ct_raw *r, uint32_t stream, int end)
{
    ct_fr_get(&r->in, stream, end, "/");
}

static const ct_ev *find_ev(ct_raw *r, int type, uint32_t stream)
{
    long i = ct_log_find(&r->log, type, stream, 0);
    return i < 0 ? NULL : &r->log.ev[i];
}

static void hexframe(ct_buf *b, uint8_t type, uint8_t flags, uint32_t stream, const char *hex)
{
    uint8_t p[64];
    long n = h2t_hex(hex, p, sizeof p);
    ck_assert_msg(n >= 0, "bad hex %s", hex);
    ct_fr_raw(b, type, flags, stream, p, (size_t)n);
}

/* ------------------------------------------------------------------------
 * 3.4 Connection preface
 * ---------------------------------------------------------------------- */

START_TEST(rfc_preface)
{
    static const char *bad[] = {
        "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n", /* wrong magic */
        "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n",
        "\x00\x00\x00\x04\x00\x00\x00\x00\x00", /* a SETTINGS frame without the preface */
    };
    for (size_t i = 0; i < 3; i++) {
        ct_raw r;
        bare(&r, H2C_CONN_SERVER);
        ct_buf_put(&r.in, bad[i], i == 2 ? 9 : strlen(bad[i]));
        ct_fr_settings(&r.in, 0, NULL, 0);
        int rc = ct_raw_send(&r);
        /* 3.4: an invalid preface is a connection error of type PROTOCOL_ERROR */
        EXPECT_CONN_ERROR(&r, rc, H2C_FRAME_E_PREFACE, H2C_CONN_E_SETTINGS, PROTO);
        ck_assert_uint_eq(r.log.n, 0);
        ct_raw_free(&r);
    }
    /* Byte by byte: the same error. */
    ct_raw r;
    bare(&r, H2C_CONN_SERVER);
    int rc = ct_feed_chunked(r.c, bad[0], strlen(bad[0]), 1, &r.log);
    EXPECT_CONN_ERROR(&r, rc, H2C_FRAME_E_PREFACE, H2C_CONN_E_SETTINGS, PROTO);
    ct_raw_free(&r);
}
END_TEST

START_TEST(rfc_preface_first_frame_settings)
{
    /* 3.4: the preface must be followed by SETTINGS, from the client ... */
    ct_raw r;
    bare(&r, H2C_CONN_SERVER);
    ct_buf_put(&r.in, H2C_FRAME_CLIENT_PREFACE, H2C_FRAME_CLIENT_PREFACE_LEN);
    ct_fr_ping(&r.in, 0, "12345678");
    int rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_SETTINGS, H2C_FRAME_E_PREFACE, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_PING, 0));
    ct_raw_free(&r);

    bare(&r, H2C_CONN_SERVER);
    ct_buf_put(&r.in, H2C_FRAME_CLIENT_PREFACE, H2C_FRAME_CLIENT_PREFACE_LEN);
    get(&r, 1, 1);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_SETTINGS, H2C_FRAME_E_PREFACE, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_REQUEST, 1));
    ct_raw_free(&r);

    /* ... and the server's preface is a SETTINGS frame (3.4). */
    bare(&r, H2C_CONN_CLIENT);
    ct_fr_ping(&r.in, 0, "12345678");
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_SETTINGS, H2C_FRAME_E_PREFACE, PROTO);
    ct_raw_free(&r);

    bare(&r, H2C_CONN_CLIENT);
    ct_fr_wu(&r.in, 0, 1000);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_SETTINGS, H2C_FRAME_E_PREFACE, PROTO);
    ct_raw_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * 4.1, 5.5: unknown types, flags and the reserved bit are ignored
 * ---------------------------------------------------------------------- */

START_TEST(rfc_ignore_unknown)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    get(&r, 1, 0);
    hexframe(&r.in, 0x20, 0xff, 0, "0102030405");
    hexframe(&r.in, 0x21, 0x00, 1, "");
    ct_fr_setting1(&r.in, 0x99, 12345);           /* unknown setting (6.5.2) */
    ct_fr_ping(&r.in, 0xfe, "flagsXYZ");          /* undefined flags (4.1) */
    hexframe(&r.in, H2C_FRAME_TYPE_DATA, 0xf6, 1, "6869"); /* DATA with undefined flags */
    /* HEADERS on stream 3 with the reserved bit set in the stream field */
    ct_buf blk = {0};
    req_block(&blk, "/r");
    uint8_t hd[9] = {0, 0, (uint8_t)blk.len, H2C_FRAME_TYPE_HEADERS, ES_EH, 0x80, 0, 0, 3};
    ct_buf_put(&r.in, hd, 9);
    ct_buf_put(&r.in, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_uint_eq(ct_log_count(&r.log, H2C_CONN_EV_UNKNOWN_FRAME), 2);
    const ct_ev *u = find_ev(&r, H2C_CONN_EV_UNKNOWN_FRAME, 0);
    ck_assert_ptr_nonnull(u);
    ck_assert_int_eq(u->frame_type, 0x20);
    const ct_ev *ping = find_ev(&r, H2C_CONN_EV_PING, 0);
    ck_assert_ptr_nonnull(ping);
    const ct_frame *ack = ct_frames_find(&r.out, H2C_FRAME_TYPE_PING, 0);
    ck_assert_ptr_nonnull(ack);
    ck_assert_uint_eq(ack->flags, H2C_FRAME_FLAG_ACK); /* undefined flags left unset */
    ck_assert_int_eq(memcmp(ack->opaque, "flagsXYZ", 8), 0);
    const ct_ev *d = find_ev(&r, H2C_CONN_EV_DATA, 1);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->end_stream, 0); /* 0xf6 has no END_STREAM bit */
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_REQUEST, 3));
    ck_assert_ptr_nonnull(ct_frames_find(&r.out, H2C_FRAME_TYPE_SETTINGS, 0));
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * 4.2 Frame size
 * ---------------------------------------------------------------------- */

START_TEST(rfc_frame_size)
{
    /* A HEADERS frame over SETTINGS_MAX_FRAME_SIZE: connection error (it
     * carries a field block). */
    ct_raw r;
    ct_raw_server(&r, NULL);
    uint8_t *big = calloc(1, 16385);
    ct_fr_headers(&r.in, 1, ES_EH, big, 16385);
    int rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_FRAME_E_FRAME_SIZE, 0, FRAME_SIZE);
    ct_raw_free(&r);

    /* A DATA frame over it: a stream error at least (4.2), and it still
     * counts against the connection window (6.9, 5.2): 16385 + 49150 fill
     * the 65535 octets, one more is a FLOW_CONTROL_ERROR. */
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    o.flags |= H2C_CONN_NO_AUTO_WINDOW_UPDATE;
    ct_raw_server(&r, &o);
    get(&r, 1, 0);
    ct_fr_data(&r.in, 1, 0, big, 16385);
    rc = ct_raw_send(&r);
    if (EXPECT_EITHER(&r, rc, 1, H2C_FRAME_E_FRAME_SIZE, H2C_FRAME_E_FRAME_SIZE, FRAME_SIZE) == 0) {
        get(&r, 3, 0);
        ct_fr_data(&r.in, 3, 0, NULL, 16384);
        ct_fr_data(&r.in, 3, 0, NULL, 16384);
        ct_fr_data(&r.in, 3, 0, NULL, 16382);
        rc = ct_raw_send(&r);
        EXPECT_QUIET(&r, rc);
        ck_assert_uint_eq(r.log.data_octets, 49150);
        ct_fr_data(&r.in, 3, 0, NULL, 1);
        rc = ct_raw_send(&r);
        EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_FLOW_CONTROL, 0, FLOW);
    }
    free(big);
    ct_raw_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * Section 6: per-frame rules, table-driven
 * ---------------------------------------------------------------------- */

typedef struct frame_case {
    const char *what;
    int open;        /* open stream 1 (HEADERS, no END_STREAM) first */
    uint8_t type, flags;
    uint32_t stream;
    const char *hex; /* payload */
    int status;      /* expected status (0: any) */
    int status2;     /* also allowed */
    uint32_t h2;
    int stream_err;  /* a stream error on stream (else connection error) */
} frame_case;

static const frame_case FRAME_CASES[] = {
    {"6.1 DATA on stream 0", 0, 0x0, 0, 0, "00", H2C_FRAME_E_STREAM_ZERO, 0, PROTO, 0},
    {"6.2 HEADERS on stream 0", 0, 0x1, 0x5, 0, "82", H2C_FRAME_E_STREAM_ZERO, 0, PROTO, 0},
    {"6.3 PRIORITY on stream 0", 0, 0x2, 0, 0, "0000000310", H2C_FRAME_E_STREAM_ZERO, 0, PROTO, 0},
    {"6.4 RST_STREAM on stream 0", 0, 0x3, 0, 0, "00000008", H2C_FRAME_E_STREAM_ZERO, 0, PROTO, 0},
    {"6.10 CONTINUATION on stream 0", 0, 0x9, 0x4, 0, "82", H2C_FRAME_E_STREAM_ZERO,
     H2C_FRAME_E_CONTINUATION_UNEXPECTED, PROTO, 0},
    {"6.5 SETTINGS on stream 1", 1, 0x4, 0, 1, "", H2C_FRAME_E_STREAM_NONZERO, 0, PROTO, 0},
    {"6.7 PING on stream 1", 1, 0x6, 0, 1, "0000000000000000", H2C_FRAME_E_STREAM_NONZERO, 0,
     PROTO, 0},
    {"6.8 GOAWAY on stream 1", 1, 0x7, 0, 1, "0000000000000000", H2C_FRAME_E_STREAM_NONZERO, 0,
     PROTO, 0},
    {"6.5 SETTINGS length 5", 0, 0x4, 0, 0, "0001000010", H2C_FRAME_E_LENGTH, 0, FRAME_SIZE, 0},
    {"6.5 SETTINGS ACK with payload", 0, 0x4, 0x1, 0, "000100001000", H2C_FRAME_E_LENGTH, 0,
     FRAME_SIZE, 0},
    {"6.7 PING length 7", 0, 0x6, 0, 0, "00000000000000", H2C_FRAME_E_LENGTH, 0, FRAME_SIZE, 0},
    {"6.7 PING length 9", 0, 0x6, 0, 0, "000000000000000000", H2C_FRAME_E_LENGTH, 0, FRAME_SIZE,
     0},
    {"6.4 RST_STREAM length 3", 1, 0x3, 0, 1, "000008", H2C_FRAME_E_LENGTH, 0, FRAME_SIZE, 0},
    {"6.9 WINDOW_UPDATE length 3", 0, 0x8, 0, 0, "000001", H2C_FRAME_E_LENGTH, 0, FRAME_SIZE, 0},
    {"6.9 WINDOW_UPDATE length 5 on a stream", 1, 0x8, 0, 1, "0000000100", H2C_FRAME_E_LENGTH, 0,
     FRAME_SIZE, 0},
    {"6.1 DATA padding as long as the payload", 1, 0x0, 0x8, 1, "0500000000", H2C_FRAME_E_PADDING,
     0, PROTO, 0},
    {"6.2 HEADERS padding past the payload", 0, 0x1, 0xd, 1, "0a82", H2C_FRAME_E_PADDING, 0, PROTO,
     0},
    {"6.9 WINDOW_UPDATE 0 on the connection", 0, 0x8, 0, 0, "00000000",
     H2C_FRAME_E_WINDOW_INCREMENT, 0, PROTO, 0},
    {"6.5.2 ENABLE_PUSH 2", 0, 0x4, 0, 0, "000200000002", H2C_FRAME_E_SETTINGS_VALUE, 0, PROTO, 0},
    {"6.5.2 MAX_FRAME_SIZE 16383", 0, 0x4, 0, 0, "000500003fff", H2C_FRAME_E_SETTINGS_VALUE, 0,
     PROTO, 0},
    {"6.5.2 MAX_FRAME_SIZE 2^24", 0, 0x4, 0, 0, "000501000000", H2C_FRAME_E_SETTINGS_VALUE, 0,
     PROTO, 0},
    {"6.5.2 INITIAL_WINDOW_SIZE 2^31", 0, 0x4, 0, 0, "000480000000", H2C_FRAME_E_SETTINGS_WINDOW, 0,
     FLOW, 0},
    {"RFC 8441 3: ENABLE_CONNECT_PROTOCOL 2", 0, 0x4, 0, 0, "000800000002",
     H2C_FRAME_E_SETTINGS_VALUE, 0, PROTO, 0},
    {"8.4 PUSH_PROMISE to a server", 1, 0x5, 0x4, 1, "0000000282", H2C_CONN_E_PUSH, 0, PROTO, 0},
    /* An unsolicited SETTINGS ACK: RFC 9113 sets no rule, and the library
     * ignores it (conn.h), so it is no case of this table. */
    {"6.8 GOAWAY shorter than 8 octets", 0, 0x7, 0, 0, "00000000", H2C_FRAME_E_LENGTH, 0,
     FRAME_SIZE, 0},
    /* stream errors */
    {"6.3 PRIORITY length 4", 1, 0x2, 0, 1, "00000000", H2C_FRAME_E_LENGTH, 0, FRAME_SIZE, 1},
    {"5.3.1 PRIORITY depending on itself", 1, 0x2, 0, 1, "0000000110",
     H2C_FRAME_E_SELF_DEPENDENCY, 0, PROTO, 1},
    {"6.9 WINDOW_UPDATE 0 on a stream", 1, 0x8, 0, 1, "00000000", H2C_FRAME_E_WINDOW_INCREMENT, 0,
     PROTO, 1},
};

START_TEST(rfc_frame_rules)
{
    const frame_case *fc = &FRAME_CASES[_i];
    ct_raw r;
    ct_raw_server(&r, NULL);
    if (fc->open) {
        get(&r, 1, 0);
        ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
        ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_REQUEST, 1));
        ct_log_clear(&r.log);
    }
    hexframe(&r.in, fc->type, fc->flags, fc->stream, fc->hex);
    int rc = ct_raw_send(&r);
    ct_buf msg = {0};
    ct_buf_fmt(&msg, "case \"%s\"", fc->what);
    if (fc->stream_err) {
        if (rc < 0)
            ck_abort_msg("%s: expected a stream error, got connection error %s", (char *)msg.p,
                         h2c_status_name(rc));
        ct_expect_stream_error(fc->what, 0, &r, rc, fc->stream, fc->status, fc->h2);
    } else {
        ct_expect_conn_error(fc->what, 0, &r, rc, fc->status, fc->status2, fc->h2);
    }
    ct_buf_free(&msg);
    ct_raw_free(&r);
}
END_TEST

/* HEADERS whose priority makes the stream depend on itself (5.3.1). */
START_TEST(rfc_headers_self_dependency)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_buf blk = {0};
    req_block(&blk, "/");
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_HEADERS, ES_EH | H2C_FRAME_FLAG_PRIORITY, 3);
    f.u.headers.priority.dependency = 3;
    f.u.headers.priority.weight = 16;
    f.u.headers.fragment = h2c_view_of(blk.p, blk.len);
    ct_fr(&r.in, &f);
    int rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, 3, H2C_FRAME_E_SELF_DEPENDENCY, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_REQUEST, 3));
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* 6.5.3: values in order; 6.5: ACK queued; 6.7: PING answered, ACKs not. */
START_TEST(rfc_settings_and_ping)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    h2c_frame_setting s[] = {{H2C_FRAME_SETTINGS_INITIAL_WINDOW_SIZE, 100},
                             {H2C_FRAME_SETTINGS_MAX_FRAME_SIZE, 20000},
                             {H2C_FRAME_SETTINGS_INITIAL_WINDOW_SIZE, 200}};
    ct_fr_settings(&r.in, 0, s, 3);
    ct_fr_ping(&r.in, 0, "\x01\x02\x03\x04\x05\x06\x07\x08");
    ct_fr_ping(&r.in, H2C_FRAME_FLAG_ACK, "unasked!");
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_SETTINGS, 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->settings.initial_window_size, 200);
    ck_assert_uint_eq(e->settings.max_frame_size, 20000);
    ck_assert_uint_eq(h2c_conn_remote_settings(r.c)->initial_window_size, 200);
    ck_assert_uint_eq(r.out.n, 2);
    ck_assert_uint_eq(r.out.f[0].type, H2C_FRAME_TYPE_SETTINGS);
    ck_assert_uint_eq(r.out.f[0].flags, H2C_FRAME_FLAG_ACK);
    ck_assert_uint_eq(r.out.f[0].length, 0);
    ck_assert_uint_eq(r.out.f[1].type, H2C_FRAME_TYPE_PING);
    ck_assert_uint_eq(r.out.f[1].flags, H2C_FRAME_FLAG_ACK);
    ck_assert_int_eq(memcmp(r.out.f[1].opaque, "\x01\x02\x03\x04\x05\x06\x07\x08", 8), 0);
    ct_raw_free(&r);
}
END_TEST

/* 6.5.2: a client treats ENABLE_PUSH 1 from the server as PROTOCOL_ERROR. */
START_TEST(rfc_client_enable_push_from_server)
{
    ct_raw r;
    ct_raw_client(&r, NULL);
    ct_fr_setting1(&r.in, H2C_FRAME_SETTINGS_ENABLE_PUSH, 1);
    int rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, 0, 0, PROTO);
    ct_raw_free(&r);
    /* 0 is fine. */
    ct_raw_client(&r, NULL);
    ct_fr_setting1(&r.in, H2C_FRAME_SETTINGS_ENABLE_PUSH, 0);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ct_raw_free(&r);
    /* So is a SETTINGS without ENABLE_PUSH ("A server MAY choose to omit
     * this setting"): the server's preface is often an empty SETTINGS, and
     * later SETTINGS frames rarely repeat it. */
    bare(&r, H2C_CONN_CLIENT);
    ct_fr_settings(&r.in, 0, NULL, 0);
    ct_fr_settings(&r.in, H2C_FRAME_FLAG_ACK, NULL, 0);
    ct_fr_setting1(&r.in, H2C_FRAME_SETTINGS_MAX_CONCURRENT_STREAMS, 10);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_uint_eq(ct_log_count(&r.log, H2C_CONN_EV_SETTINGS), 2);
    ct_raw_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * 4.3 Field blocks: contiguous, and decoding errors end the connection
 * ---------------------------------------------------------------------- */

START_TEST(rfc_field_block_sequence)
{
    ct_buf blk = {0};
    req_block(&blk, "/");
    for (int k = 0; k < 5; k++) {
        ct_raw r;
        ct_raw_server(&r, NULL);
        switch (k) {
        case 0: /* another frame inside the block */
            ct_fr_headers(&r.in, 1, END_STREAM, blk.p, 10);
            ct_fr_ping(&r.in, 0, "12345678");
            break;
        case 1: /* CONTINUATION of another stream */
            ct_fr_headers(&r.in, 1, END_STREAM, blk.p, 10);
            ct_fr_continuation(&r.in, 3, END_HEADERS, blk.p + 10, blk.len - 10);
            break;
        case 2: /* CONTINUATION with no block open */
            ct_fr_continuation(&r.in, 1, END_HEADERS, blk.p, blk.len);
            break;
        case 3: /* after END_HEADERS */
            ct_fr_headers(&r.in, 1, END_HEADERS, blk.p, blk.len);
            ct_fr_continuation(&r.in, 1, END_HEADERS, blk.p, 0);
            break;
        case 4: /* 5.5: an extension frame inside a field block */
            ct_fr_headers(&r.in, 1, END_STREAM, blk.p, 10);
            hexframe(&r.in, 0x20, 0, 0, "00");
            break;
        }
        int rc = ct_raw_send(&r);
        EXPECT_CONN_ERROR(&r, rc, k == 2 || k == 3 ? H2C_FRAME_E_CONTINUATION_UNEXPECTED
                                                   : H2C_FRAME_E_CONTINUATION_EXPECTED,
                          0, PROTO);
        ct_raw_free(&r);
    }
    /* The good case: HEADERS + 2 CONTINUATION. */
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_fr_headers(&r.in, 1, END_STREAM, blk.p, 5);
    ct_fr_continuation(&r.in, 1, 0, blk.p + 5, 5);
    ct_fr_continuation(&r.in, 1, END_HEADERS, blk.p + 10, blk.len - 10);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_REQUEST, 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->end_stream, 1);
    ct_raw_free(&r);
    ct_buf_free(&blk);
}
END_TEST

START_TEST(rfc_compression_error)
{
    static const char *blocks[] = {
        "80",           /* index 0 */
        "c8",           /* index 72: past the table */
        "400561",       /* literal cut short */
        "3fe21f82",     /* size update above 4096 */
        "82203fe11f",   /* size update after a field */
        "40016184ffffffff", /* Huffman EOS in a name */
    };
    static const int status[] = {H2C_HPACK_E_INDEX_ZERO, H2C_HPACK_E_INDEX_RANGE,
                                 H2C_HPACK_E_TRUNCATED, H2C_HPACK_E_TABLE_UPDATE_SIZE,
                                 H2C_HPACK_E_TABLE_UPDATE_LATE, H2C_HPACK_E_HUFFMAN_EOS};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        ct_raw r;
        ct_raw_server(&r, NULL);
        hexframe(&r.in, H2C_FRAME_TYPE_HEADERS, ES_EH, 1, blocks[i]);
        int rc = ct_raw_send(&r);
        /* 4.3: COMPRESSION_ERROR, connection error */
        EXPECT_CONN_ERROR(&r, rc, status[i], 0, H2C_H2_COMPRESSION_ERROR);
        ct_raw_free(&r);
    }
}
END_TEST

/* ------------------------------------------------------------------------
 * 5.1 Stream states
 * ---------------------------------------------------------------------- */

START_TEST(rfc_idle_stream)
{
    /* 5.1 idle: a frame other than HEADERS or PRIORITY is a connection
     * error of type PROTOCOL_ERROR (6.4, 6.9 the same for RST_STREAM). */
    for (int k = 0; k < 4; k++) {
        ct_raw r;
        ct_raw_server(&r, NULL);
        uint32_t s = 1;
        if (k == 3) { /* an idle stream above an open one */
            get(&r, 1, 0);
            s = 3;
        }
        if (k == 0 || k == 3)
            ct_fr_data(&r.in, s, 0, "x", 1);
        else if (k == 1)
            ct_fr_wu(&r.in, s, 100);
        else
            ct_fr_rst(&r.in, s, H2C_H2_CANCEL);
        int rc = ct_raw_send(&r);
        EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_STREAM_IDLE, 0, PROTO);
        ct_raw_free(&r);
    }
    /* PRIORITY is allowed on an idle stream, and HEADERS may open it after. */
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_fr_priority(&r.in, 5, 0, 200);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_int_eq(h2c_conn_stream_state_get(r.c, 5), H2C_STREAM_IDLE);
    get(&r, 5, 1);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_REQUEST, 5));
    ct_raw_free(&r);
}
END_TEST

START_TEST(rfc_stream_ids)
{
    /* 5.1.1: client streams are odd; ids only grow. */
    ct_raw r;
    ct_raw_server(&r, NULL);
    get(&r, 2, 1);
    int rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_STREAM_ID, 0, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_REQUEST, 2));
    ct_raw_free(&r);

    ct_raw_server(&r, NULL);
    get(&r, 5, 1);
    get(&r, 3, 1);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_STREAM_ID, 0, PROTO);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_REQUEST, 5));
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_REQUEST, 3));
    /* the GOAWAY names the last stream processed (5.4.1, 6.8) */
    ck_assert_uint_eq(r.out.f[r.out.n - 1].last, 5);
    ct_raw_free(&r);

    /* Stream 3 was skipped: it is closed now, not idle (5.1.1). */
    ct_raw_server(&r, NULL);
    get(&r, 5, 1);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_int_eq(h2c_conn_stream_state_get(r.c, 3), H2C_STREAM_CLOSED);
    ck_assert_int_eq(h2c_conn_stream_state_get(r.c, 7), H2C_STREAM_IDLE);
    ct_raw_free(&r);

    /* A client: odd promised ids are refused (5.1.1, 6.6). */
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_CLIENT);
    o.settings.enable_push = 1;
    ct_raw_client(&r, &o);
    uint32_t id = ct_raw_request(&r, 1);
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", "/p");
    ct_fr_push(&r.in, id, END_HEADERS, 3, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_FRAME_E_PROMISED_ID, H2C_CONN_E_STREAM_ID, PROTO);
    ct_raw_free(&r);
    /* ... and promised ids only grow. */
    ct_raw_client(&r, &o);
    id = ct_raw_request(&r, 1);
    ct_fr_push(&r.in, id, END_HEADERS, 4, blk.p, blk.len);
    ct_fr_push(&r.in, id, END_HEADERS, 2, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_STREAM_ID, 0, PROTO);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_PUSH, id));
    ct_raw_free(&r);
    ct_buf_free(&blk);
}
END_TEST

START_TEST(rfc_half_closed_remote)
{
    /* 5.1 half-closed (remote), 6.1: DATA is STREAM_CLOSED. */
    ct_raw r;
    ct_raw_server(&r, NULL);
    get(&r, 1, 1);
    ct_fr_data(&r.in, 1, 0, "late", 4);
    int rc = ct_raw_send(&r);
    EXPECT_EITHER(&r, rc, 1, H2C_CONN_E_CLOSED_STREAM, H2C_CONN_E_STREAM_CLOSED,
                  H2C_H2_STREAM_CLOSED);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_DATA, 1));
    ct_raw_free(&r);

    /* ... and so is a second HEADERS. */
    ct_raw_server(&r, NULL);
    get(&r, 1, 1);
    ct_buf blk = {0};
    ct_hp_lit(&blk, "x-trailer", "1");
    ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_EITHER(&r, rc, 1, H2C_CONN_E_CLOSED_STREAM, H2C_CONN_E_STREAM_CLOSED,
                  H2C_H2_STREAM_CLOSED);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_TRAILERS, 1));
    ct_raw_free(&r);

    /* WINDOW_UPDATE, PRIORITY and RST_STREAM are allowed. */
    ct_raw_server(&r, NULL);
    get(&r, 1, 1);
    ct_fr_wu(&r.in, 1, 1000);
    ct_fr_priority(&r.in, 1, 0, 10);
    ct_fr_rst(&r.in, 1, H2C_H2_CANCEL);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_STREAM_RESET, 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->remote, 1);
    ck_assert_uint_eq(e->error_code, H2C_H2_CANCEL);
    ck_assert_int_eq(h2c_conn_stream_state_get(r.c, 1), H2C_STREAM_CLOSED);
    ct_raw_free(&r);
    ct_buf_free(&blk);
}
END_TEST

START_TEST(rfc_closed_stream)
{
    /* Closed by END_STREAM both ways: WINDOW_UPDATE and RST_STREAM that
     * crossed our END_STREAM are tolerated (5.1 closed), PRIORITY too;
     * DATA is STREAM_CLOSED (6.1). */
    static const h2c_hpack_field ok[] = {HF(":status", "200")};
    ct_raw r;
    ct_raw_server(&r, NULL);
    get(&r, 1, 1);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(r.c, 1, ok, 1, 1), H2C_OK);
    ck_assert_int_eq(h2c_conn_stream_state_get(r.c, 1), H2C_STREAM_CLOSED);
    ct_raw_out(&r);
    ct_log_clear(&r.log);
    ct_fr_wu(&r.in, 1, 10);
    ct_fr_priority(&r.in, 1, 0, 10);
    ct_fr_rst(&r.in, 1, H2C_H2_NO_ERROR);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ct_fr_data(&r.in, 1, END_STREAM, "late", 4);
    rc = ct_raw_send(&r);
    EXPECT_EITHER(&r, rc, 1, H2C_CONN_E_CLOSED_STREAM, H2C_CONN_E_STREAM_CLOSED,
                  H2C_H2_STREAM_CLOSED);
    ct_raw_free(&r);

    /* A HEADERS reusing a closed stream's id: STREAM_CLOSED (5.1) or
     * PROTOCOL_ERROR (5.1.1), never a new request. */
    ct_raw_server(&r, NULL);
    get(&r, 1, 1);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(r.c, 1, ok, 1, 1), H2C_OK);
    ct_raw_out(&r);
    ct_log_clear(&r.log);
    get(&r, 1, 1);
    rc = ct_raw_send(&r);
    ct_raw_out(&r);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_REQUEST, 1));
    const ct_frame *g = ct_frames_find(&r.out, H2C_FRAME_TYPE_GOAWAY, 0);
    const ct_frame *rs = ct_frames_find(&r.out, H2C_FRAME_TYPE_RST_STREAM, 1);
    ck_assert_msg((rc < 0 && g && (g->code == H2C_H2_STREAM_CLOSED || g->code == PROTO)) ||
                      (rc == 0 && rs && (rs->code == H2C_H2_STREAM_CLOSED || rs->code == PROTO)),
                  "HEADERS on a closed stream: rc %s, no GOAWAY/RST_STREAM with STREAM_CLOSED "
                  "or PROTOCOL_ERROR",
                  h2c_status_name(rc));
    ct_raw_free(&r);
}
END_TEST

static uint32_t client_req(ct_raw *r, const char *method);

START_TEST(rfc_after_end_stream)
{
    /* 5.1 closed: "An endpoint that receives any frames after receiving a
     * frame with the END_STREAM flag set MUST treat that as a connection
     * error (Section 5.4.1) of type STREAM_CLOSED": DATA, then HEADERS, on
     * a stream ended both ways, for a server and for a client. */
    static const h2c_hpack_field ok[] = {HF(":status", "200")};
    ct_buf blk = {0};
    for (int kind = 0; kind < 2; kind++) {
        ct_raw r;
        ct_raw_server(&r, NULL);
        get(&r, 1, 1);
        ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
        ck_assert_int_eq(h2c_conn_submit_headers(r.c, 1, ok, 1, 1), H2C_OK);
        ct_raw_out(&r);
        ct_log_clear(&r.log);
        if (kind == 0)
            ct_fr_data(&r.in, 1, END_STREAM, "late", 4);
        else
            get(&r, 1, 1);
        int rc = ct_raw_send(&r);
        EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_STREAM_CLOSED, 0, H2C_H2_STREAM_CLOSED);
        ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_REQUEST, 1));
        ct_raw_free(&r);

        ct_raw_client(&r, NULL);
        uint32_t id = client_req(&r, "GET");
        ct_buf_clear(&blk);
        ct_hp_status(&blk, 200);
        ct_fr_headers(&r.in, id, ES_EH, blk.p, blk.len);
        ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
        ck_assert_int_eq(h2c_conn_stream_state_get(r.c, id), H2C_STREAM_CLOSED);
        ct_raw_out(&r);
        ct_log_clear(&r.log);
        if (kind == 0)
            ct_fr_data(&r.in, id, 0, "late", 4);
        else
            ct_fr_headers(&r.in, id, ES_EH, blk.p, blk.len);
        rc = ct_raw_send(&r);
        EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_STREAM_CLOSED, 0, H2C_H2_STREAM_CLOSED);
        ct_raw_free(&r);
    }
    ct_buf_free(&blk);
}
END_TEST

START_TEST(rfc_after_our_reset)
{
    /* 5.1 closed, after we sent RST_STREAM: frames are minimally processed
     * and discarded: HPACK state updated, DATA counted for the connection. */
    ct_raw r;
    ct_raw_server(&r, NULL);
    get(&r, 1, 0);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    ck_assert_int_eq(h2c_conn_reset_stream(r.c, 1, H2C_H2_CANCEL), H2C_OK);
    ct_raw_out(&r);
    ck_assert_uint_eq(ct_frames_find(&r.out, H2C_FRAME_TYPE_RST_STREAM, 1)->code, H2C_H2_CANCEL);
    ct_log_clear(&r.log);

    ct_fr_data(&r.in, 1, 0, NULL, 16384);
    ct_fr_data(&r.in, 1, 0, NULL, 16384);
    ct_fr_data(&r.in, 1, 0, NULL, 16384);
    ct_buf blk = {0};
    ct_hp_inc(&blk, "x-late", "1");
    ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len); /* trailers, inserting into the table */
    ct_fr_wu(&r.in, 1, 5);
    ct_fr_rst(&r.in, 1, H2C_H2_CANCEL);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    for (size_t i = 0; i < r.log.n; i++)
        ck_assert_msg(r.log.ev[i].stream_id != 1, "event %s on the reset stream",
                      ct_ev_name(r.log.ev[i].type));
    /* The connection window got its credit back (h2c_conn_consume: data of
     * reset streams is acknowledged by itself). */
    uint64_t inc = 0;
    for (size_t i = 0; i < r.out.n; i++) {
        ck_assert_msg(!(r.out.f[i].type == H2C_FRAME_TYPE_WINDOW_UPDATE && r.out.f[i].stream == 1),
                      "WINDOW_UPDATE for the reset stream");
        if (r.out.f[i].type == H2C_FRAME_TYPE_WINDOW_UPDATE && r.out.f[i].stream == 0)
            inc += r.out.f[i].increment;
    }
    ck_assert_msg(inc >= 32768, "connection credit for 49152 discarded octets: %llu",
                  (unsigned long long)inc);
    /* The trailers' insertion is in the table: index 62. */
    ct_buf_clear(&blk);
    req_block(&blk, "/after");
    ct_hp_idx(&blk, 62);
    ct_fr_headers(&r.in, 3, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_REQUEST, 3);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(strstr(e->fields, "x-late: 1\n"));
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * 5.1.2 Concurrency
 * ---------------------------------------------------------------------- */

START_TEST(rfc_max_concurrent_streams)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    o.settings.max_concurrent_streams = 2;
    ct_raw r;
    ct_raw_server(&r, &o);
    get(&r, 1, 0);
    get(&r, 3, 0);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_uint_eq(h2c_conn_open_streams(r.c), 2);
    ct_buf blk = {0};
    req_block(&blk, "/refused");
    ct_hp_inc(&blk, "x-r", "5");
    ct_fr_headers(&r.in, 5, END_HEADERS, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, 5, H2C_CONN_E_REFUSED, H2C_H2_REFUSED_STREAM);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_REQUEST, 5));
    ck_assert_uint_eq(h2c_conn_open_streams(r.c), 2);
    /* Its late DATA is discarded; stream 1 ends; a new stream fits and the
     * refused block's insertion is in the HPACK table. */
    ct_log_clear(&r.log);
    ct_fr_data(&r.in, 5, END_STREAM, "x", 1);
    ct_fr_data(&r.in, 1, END_STREAM, NULL, 0);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    static const h2c_hpack_field ok[] = {HF(":status", "200")};
    ck_assert_int_eq(h2c_conn_submit_headers(r.c, 1, ok, 1, 1), H2C_OK);
    ck_assert_uint_eq(h2c_conn_open_streams(r.c), 1);
    ct_raw_out(&r);
    ct_buf_clear(&blk);
    req_block(&blk, "/next");
    ct_hp_idx(&blk, 62);
    ct_fr_headers(&r.in, 7, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_REQUEST, 7);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(strstr(e->fields, "x-r: 5\n"));
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * 5.2, 6.9 Flow control
 * ---------------------------------------------------------------------- */

START_TEST(rfc_window_update_overflow)
{
    /* 6.9.1: a window past 2^31-1: GOAWAY for the connection ... */
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_fr_wu(&r.in, 0, 0x7fffffffu - 65535);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_uint_eq(h2c_conn_send_window(r.c, 0), 0x7fffffffu);
    ct_fr_wu(&r.in, 0, 1);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_FLOW_CONTROL, 0, FLOW);
    ck_assert_uint_eq(h2c_conn_send_window(r.c, 0), 0); /* nothing goes out any more */
    ct_raw_free(&r);

    /* ... RST_STREAM for a stream. */
    ct_raw_server(&r, NULL);
    get(&r, 1, 0);
    ct_fr_wu(&r.in, 1, 0x7fffffffu);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, 1, H2C_CONN_E_STREAM_FLOW, FLOW);
    /* the connection goes on */
    ct_log_clear(&r.log);
    get(&r, 3, 1);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_REQUEST, 3));
    ct_raw_free(&r);
}
END_TEST

START_TEST(rfc_initial_window_size_delta)
{
    /* 6.9.2: a SETTINGS_INITIAL_WINDOW_SIZE change that takes a stream
     * window past 2^31-1 is a connection FLOW_CONTROL_ERROR. */
    ct_raw r;
    ct_raw_server(&r, NULL);
    get(&r, 1, 0);
    ct_fr_wu(&r.in, 1, 0x7fffffffu - 65535);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ct_fr_setting1(&r.in, H2C_FRAME_SETTINGS_INITIAL_WINDOW_SIZE, 65536);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_FLOW_CONTROL, 0, FLOW);
    ct_raw_free(&r);

    /* A decrease can make a send window negative: nothing may be sent until
     * WINDOW_UPDATEs bring it above zero. */
    ct_raw_server(&r, NULL);
    get(&r, 1, 1);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    static const h2c_hpack_field ok[] = {HF(":status", "200")};
    static uint8_t body[4000];
    ck_assert_int_eq(h2c_conn_submit_headers(r.c, 1, ok, 1, 0), H2C_OK);
    size_t acc = 0;
    ck_assert_int_eq(h2c_conn_submit_data(r.c, 1, body, 1000, 0, &acc), H2C_OK);
    ck_assert_uint_eq(acc, 1000);
    ct_raw_out(&r);
    ct_fr_setting1(&r.in, H2C_FRAME_SETTINGS_INITIAL_WINDOW_SIZE, 500);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_ptr_nonnull(ct_frames_find(&r.out, H2C_FRAME_TYPE_SETTINGS, 0)); /* the ACK */
    ck_assert_uint_eq(h2c_conn_send_window(r.c, 1), 0); /* 500 - 1000 */
    ck_assert_int_eq(h2c_conn_submit_data(r.c, 1, body, 10, 0, &acc), H2C_OK);
    ck_assert_uint_eq(acc, 0);
    ct_fr_wu(&r.in, 1, 400);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_uint_eq(h2c_conn_send_window(r.c, 1), 0); /* -100 */
    ct_fr_wu(&r.in, 1, 200);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *w = find_ev(&r, H2C_CONN_EV_WINDOW_UPDATE, 1);
    ck_assert_ptr_nonnull(w);
    ck_assert_uint_eq(h2c_conn_send_window(r.c, 1), 100);
    ck_assert_int_eq(h2c_conn_submit_data(r.c, 1, body, 300, 0, &acc), H2C_OK);
    ck_assert_uint_eq(acc, 100);
    /* A new stream starts at the new initial size. */
    get(&r, 3, 1);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    ck_assert_uint_eq(h2c_conn_send_window(r.c, 3), 500);
    ct_raw_free(&r);
}
END_TEST

START_TEST(rfc_data_over_windows)
{
    /* Over the stream window only (connection window 1 MiB): stream error. */
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    o.connection_window = 1u << 20;
    ct_raw r;
    ct_raw_server(&r, &o);
    get(&r, 1, 0);
    for (int i = 0; i < 3; i++)
        ct_fr_data(&r.in, 1, 0, NULL, 16384);
    ct_fr_data(&r.in, 1, 0, NULL, 16383);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_uint_eq(r.log.data_octets, 65535);
    ct_fr_data(&r.in, 1, 0, NULL, 1);
    rc = ct_raw_send(&r);
    EXPECT_EITHER(&r, rc, 1, H2C_CONN_E_STREAM_FLOW, H2C_CONN_E_FLOW_CONTROL, FLOW);
    ct_raw_free(&r);

    /* Over the connection window only (stream windows 1 MiB, acknowledged
     * in the handshake): connection error. */
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    o.settings.initial_window_size = 1u << 20;
    ct_raw_server(&r, &o);
    ck_assert_uint_eq(h2c_conn_local_settings(r.c)->initial_window_size, 1u << 20);
    get(&r, 1, 0);
    get(&r, 3, 0);
    for (int i = 0; i < 3; i++)
        ct_fr_data(&r.in, 1 + 2 * (i & 1), 0, NULL, 16384);
    ct_fr_data(&r.in, 3, 0, NULL, 16383);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ct_fr_data(&r.in, 3, 0, NULL, 1);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_FLOW_CONTROL, 0, FLOW);
    ct_raw_free(&r);

    /* Padding counts too (6.1): 16 padded octets of 16 + 1 + pad. */
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    ct_raw_server(&r, &o);
    get(&r, 1, 0);
    for (int i = 0; i < 3; i++)
        ct_fr_data(&r.in, 1, 0, NULL, 16384);
    ct_fr_data_padded(&r.in, 1, 0, 16000, 254); /* 16255 counted: 65407 */
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *pd = &r.log.ev[r.log.n - 1];
    ck_assert_int_eq(pd->type, H2C_CONN_EV_DATA);
    ck_assert_uint_eq(pd->data_len, 16000);
    ck_assert_uint_eq(pd->flow_len, 16255);
    ct_fr_data_padded(&r.in, 1, 0, 0, 128); /* 129 more: 65536 */
    rc = ct_raw_send(&r);
    EXPECT_EITHER(&r, rc, 1, H2C_CONN_E_STREAM_FLOW, H2C_CONN_E_FLOW_CONTROL, FLOW);
    ct_raw_free(&r);
}
END_TEST

START_TEST(rfc_stream_errors_count_connection_window)
{
    /* Every DATA frame counts against the connection window, also one that
     * is answered with a stream error (5.1 closed, 6.9).  No automatic
     * WINDOW_UPDATE, so the window is only what the peer was given. */
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    o.flags |= H2C_CONN_NO_AUTO_WINDOW_UPDATE;
    ct_raw r;
    ct_raw_server(&r, &o);
    ct_buf blk = {0};
    for (uint32_t s = 1; s <= 5; s += 2) {
        ct_buf_clear(&blk);
        ct_hp_req(&blk, "POST", "/cl");
        ct_hp_lit(&blk, "content-length", "10");
        ct_fr_headers(&r.in, s, END_HEADERS, blk.p, blk.len);
        ct_fr_data(&r.in, s, 0, NULL, 16384); /* more than content-length: stream error */
        int rc = ct_raw_send(&r);
        EXPECT_STREAM_ERROR(&r, rc, s, H2C_CONN_E_CONTENT_LENGTH, PROTO);
    }
    ct_log_clear(&r.log);
    get(&r, 7, 0);
    ct_fr_data(&r.in, 7, 0, NULL, 16383); /* 3 * 16384 + 16383 = 65535 */
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_uint_eq(r.log.data_octets, 16383);
    ct_fr_data(&r.in, 7, 0, NULL, 1);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_FLOW_CONTROL, 0, FLOW);
    ct_raw_free(&r);

    /* With the automatic policy the connection window is given back for
     * such data (the "leak" of issue 15). */
    ct_raw_server(&r, NULL);
    uint64_t inc = 0;
    for (uint32_t s = 1; s <= 9; s += 2) {
        ct_buf_clear(&blk);
        ct_hp_req(&blk, "POST", "/cl");
        ct_hp_lit(&blk, "content-length", "10");
        ct_fr_headers(&r.in, s, END_HEADERS, blk.p, blk.len);
        ct_fr_data(&r.in, s, 0, NULL, 16384);
        rc = ct_raw_send(&r);
        EXPECT_STREAM_ERROR(&r, rc, s, H2C_CONN_E_CONTENT_LENGTH, PROTO);
        for (size_t i = 0; i < r.out.n; i++)
            if (r.out.f[i].type == H2C_FRAME_TYPE_WINDOW_UPDATE && r.out.f[i].stream == 0)
                inc += r.out.f[i].increment;
        ct_log_clear(&r.log);
    }
    ck_assert_msg(inc >= 5 * 16384 - 32767, "connection credit %llu for 81920 octets",
                  (unsigned long long)inc);
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * 6.6, 8.4 Server push
 * ---------------------------------------------------------------------- */

static void push_block(ct_buf *b, const char *method)
{
    ct_hp_req(b, method, "/pushed");
}

static void push_client(ct_raw *r)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_CLIENT);
    o.settings.enable_push = 1;
    ct_raw_client(r, &o);
}

/* Push disabled (the client's default, acknowledged): PROTOCOL_ERROR (6.5.2). */
START_TEST(rfc_push_disabled)
{
    ct_buf blk = {0};
    push_block(&blk, "GET");
    ct_raw r;
    ct_raw_client(&r, NULL);
    uint32_t id = ct_raw_request(&r, 1);
    ct_fr_push(&r.in, id, END_HEADERS, 2, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_PUSH, 0, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_PUSH, id));
    ct_raw_free(&r);
    ct_buf_free(&blk);
}
END_TEST

/* On a stream the client never opened (6.6: only on a peer-initiated open
 * or half-closed (local) stream; 5.1 idle). */
START_TEST(rfc_push_on_idle_stream)
{
    ct_buf blk = {0};
    push_block(&blk, "GET");
    ct_raw r;
    push_client(&r);
    ct_fr_push(&r.in, 1, END_HEADERS, 2, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, 0, 0, PROTO);
    ct_raw_free(&r);
    ct_buf_free(&blk);
}
END_TEST

/* 8.4: a promised request with an unsafe method: stream error
 * PROTOCOL_ERROR on the promised stream, and no PUSH event. */
START_TEST(rfc_push_unsafe_method)
{
    ct_buf blk = {0};
    push_block(&blk, "POST");
    ct_raw r;
    push_client(&r);
    uint32_t id = ct_raw_request(&r, 1);
    ct_fr_push(&r.in, id, END_HEADERS, 2, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, 2, 0, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_PUSH, id));
    ct_raw_free(&r);
    ct_buf_free(&blk);
}
END_TEST

/* 5.1 reserved (remote): DATA before HEADERS is a connection error. */
START_TEST(rfc_push_reserved_remote)
{
    ct_buf blk = {0};
    push_block(&blk, "GET");
    ct_raw r;
    push_client(&r);
    uint32_t id = ct_raw_request(&r, 1);
    ct_fr_push(&r.in, id, END_HEADERS, 2, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_int_eq(h2c_conn_stream_state_get(r.c, 2), H2C_STREAM_RESERVED_REMOTE);
    ct_fr_data(&r.in, 2, END_STREAM, "x", 1);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, 0, 0, PROTO);
    ct_raw_free(&r);
    ct_buf_free(&blk);
}
END_TEST

/* A server's reserved (local) stream: WINDOW_UPDATE allowed, HEADERS from
 * the client is PROTOCOL_ERROR (5.1). */
START_TEST(rfc_push_reserved_local)
{
    ct_raw r;
    ct_raw_server(&r, NULL); /* the raw client left ENABLE_PUSH at 1 */
    get(&r, 1, 1);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    uint32_t pid = 0;
    static const h2c_hpack_field preq[] = {HF(":method", "GET"), HF(":scheme", "https"),
                                           HF(":authority", "example.org"), HF(":path", "/p")};
    ck_assert_int_eq(h2c_conn_submit_push(r.c, 1, preq, 4, &pid), H2C_OK);
    ck_assert_uint_eq(pid, 2);
    ct_raw_out(&r);
    ck_assert_uint_eq(ct_frames_find(&r.out, H2C_FRAME_TYPE_PUSH_PROMISE, 1)->promised, 2);
    ct_fr_wu(&r.in, 2, 100);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    get(&r, 2, 1);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, 0, 0, PROTO);
    ct_raw_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * 8.1-8.3 HTTP messages (stream errors of type PROTOCOL_ERROR, 8.1.1)
 * ---------------------------------------------------------------------- */

typedef struct field_case {
    const char *what;
    const char *fields[12]; /* name, value pairs after the pseudo-headers; NULL ends */
    int pseudo;             /* 0: the four request pseudo-headers first; 1: none (fields only) */
    int status;             /* expected (0: any) */
} field_case;

static const field_case FIELD_CASES[] = {
    {"8.2.1 uppercase name", {"X-Foo", "1"}, 0, H2C_FIELDS_E_NAME_UPPERCASE},
    {"8.2.1 space in name", {"x foo", "1"}, 0, H2C_FIELDS_E_NAME_CHAR},
    /* what a lenient decoder puts for a missing entry: from the peer, only a bad name */
    {"8.2.1 placeholder-like name", {"<unknown index 70>", "1"}, 0, H2C_FIELDS_E_NAME_CHAR},
    {"8.2.1 CR in value", {"x-foo", "a\rb"}, 0, H2C_FIELDS_E_VALUE_CHAR},
    {"8.2.1 value starts with a space", {"x-foo", " a"}, 0, H2C_FIELDS_E_VALUE_WHITESPACE},
    {"8.2.2 connection", {"connection", "keep-alive"}, 0, H2C_FIELDS_E_CONNECTION_SPECIFIC},
    {"8.2.2 transfer-encoding", {"transfer-encoding", "chunked"}, 0,
     H2C_FIELDS_E_CONNECTION_SPECIFIC},
    {"8.2.2 upgrade", {"upgrade", "h2c"}, 0, H2C_FIELDS_E_CONNECTION_SPECIFIC},
    {"8.2.2 te: gzip", {"te", "gzip"}, 0, H2C_FIELDS_E_TE},
    {"8.3 unknown pseudo-header", {":foo", "1"}, 0, 0},
    {"8.3 response pseudo-header in a request", {":status", "200"}, 0, 0},
    {"8.3.1 missing :path", {":method", "GET", ":scheme", "https", ":authority", "a"}, 1,
     H2C_FIELDS_E_PSEUDO_MISSING},
    {"8.3.1 missing :method", {":scheme", "https", ":path", "/", ":authority", "a"}, 1,
     H2C_FIELDS_E_PSEUDO_MISSING},
    {"8.3.1 missing :scheme", {":method", "GET", ":path", "/", ":authority", "a"}, 1,
     H2C_FIELDS_E_PSEUDO_MISSING},
    {"8.3 pseudo-header after a regular field",
     {":method", "GET", ":scheme", "https", "x", "1", ":path", "/"}, 1,
     H2C_FIELDS_E_PSEUDO_AFTER_REGULAR},
    {"8.3 duplicate :path", {":path", "/again"}, 0, H2C_FIELDS_E_PSEUDO_DUPLICATE},
    {"8.3.1 empty :path", {":method", "GET", ":scheme", "https", ":path", ""}, 1,
     H2C_FIELDS_E_PATH_EMPTY},
    {"8.5 CONNECT with :path", {":method", "CONNECT", ":authority", "a:443", ":path", "/"}, 1,
     H2C_FIELDS_E_CONNECT},
    {"8.1.1 content-length not a number", {"content-length", "abc"}, 0,
     H2C_CONN_E_CONTENT_LENGTH},
    {"8.1.1 content-length with END_STREAM and no DATA", {"content-length", "10"}, 0,
     H2C_CONN_E_CONTENT_LENGTH},
};

START_TEST(rfc_request_fields)
{
    const field_case *fc = &FIELD_CASES[_i];
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_buf blk = {0};
    if (fc->pseudo == 0)
        ct_hp_req(&blk, "GET", "/");
    for (size_t i = 0; i < 12 && fc->fields[i]; i += 2)
        ct_hp_lit(&blk, fc->fields[i], fc->fields[i + 1]);
    /* one more field with incremental indexing, to check HPACK stays in sync */
    ct_hp_inc(&blk, "x-sync", fc->what);
    ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    ct_expect_stream_error(fc->what, 0, &r, rc, 1, fc->status, PROTO);
    ck_assert_msg(find_ev(&r, H2C_CONN_EV_REQUEST, 1) == NULL, "%s: delivered as a request",
                  fc->what);
    /* The connection goes on, with the table in step. */
    ct_log_clear(&r.log);
    ct_buf_clear(&blk);
    ct_hp_req(&blk, "GET", "/next");
    ct_hp_idx(&blk, 62);
    ct_fr_headers(&r.in, 3, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_REQUEST, 3);
    ck_assert_msg(e && strstr(e->fields, fc->what), "%s: next request lost the table entry",
                  fc->what);
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* The field arena grows while a block is decoded (here from nothing to
 * 8 KiB in one request): the fields already stored move with it. */
START_TEST(rfc_request_fields_arena_grows)
{
    static const size_t sizes[] = { 100, 300, 1000, 5000 };
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_buf blk = {0}, want = {0};
    ct_hp_req(&blk, "GET", "/grow");
    char *v = malloc(5001);
    ck_assert_ptr_nonnull(v);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char name[8] = "x-a";
        name[2] = (char)('a' + k);
        memset(v, name[2], sizes[k]);
        v[sizes[k]] = 0;
        ct_hp_lit(&blk, name, v);
        ct_buf_put(&want, name, strlen(name));
        ct_buf_put(&want, ": ", 2);
        ct_buf_put(&want, v, sizes[k]);
        ct_buf_put(&want, "\n", 1);
    }
    ct_buf_put(&want, "", 1);
    ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_REQUEST, 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->path, "/grow");
    ck_assert_ptr_nonnull(strstr(e->fields, (const char *)want.p));
    free(v);
    ct_buf_free(&want);
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* An empty field kept before the arena exists (NO_VALIDATION lets an
 * empty name through) points at a static octet; the arena is then made,
 * and grows again, within the same block: every view of the event must
 * still be valid, the fields kept before the growth included. */
START_TEST(rfc_request_fields_arena_grows_after_empty)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    o.flags |= H2C_CONN_NO_VALIDATION;
    ct_raw r;
    ct_raw_server(&r, &o);
    ct_buf blk = {0};
    ct_hp_litn(&blk, 0x00, "", 0, "", 0); /* before the arena exists */
    ct_hp_req(&blk, "GET", "/grow");     /* makes it */
    char v[1001];
    memset(v, 'v', 1000);
    v[1000] = 0;
    ct_hp_lit(&blk, "x-big", v); /* grows it */
    ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len);
    h2c_conn_event ev;
    size_t used = 0;
    int rc = h2c_conn_recv(r.c, r.in.p, r.in.len, &used, &ev);
    ck_assert_int_eq(rc, H2C_CONN_EV_REQUEST);
    ck_assert_uint_eq(ev.nfields, 6);
    ck_assert_uint_eq(ev.fields[0].name.len + ev.fields[0].value.len, 0);
    ck_assert_ptr_nonnull(ev.fields[0].name.ptr);
    ck_assert_ptr_nonnull(ev.fields[0].value.ptr);
    static const char *const want[][2] = {{":method", "GET"}, {":scheme", "https"},
                                          {":authority", "example.org"}, {":path", "/grow"}};
    for (size_t i = 0; i < 4; i++) {
        const h2c_conn_field *f = &ev.fields[i + 1];
        ck_assert_uint_eq(f->name.len, strlen(want[i][0]));
        ck_assert_mem_eq(f->name.ptr, want[i][0], f->name.len);
        ck_assert_uint_eq(f->value.len, strlen(want[i][1]));
        ck_assert_mem_eq(f->value.ptr, want[i][1], f->value.len);
    }
    ck_assert_uint_eq(ev.fields[5].value.len, 1000);
    ck_assert_mem_eq(ev.fields[5].value.ptr, v, 1000);
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* The fields are copied from the input in 4-, 8- and 16-octet moves: a
 * value of every short length, as the input's last octets before a
 * PROT_NONE page, is copied whole and nothing past it is read. */
START_TEST(rfc_request_fields_guarded)
{
    char v[81];
    for (size_t n = 0; n <= 80; n++) {
        ct_raw r;
        ct_raw_server(&r, NULL);
        ct_buf blk = {0};
        ct_hp_req(&blk, "GET", "/");
        for (size_t i = 0; i < n; i++)
            v[i] = (char)('a' + i % 26);
        v[n] = 0;
        ct_hp_lit(&blk, "x-v", v); /* the block's, and the input's, last octets */
        ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len);
        uint8_t *in = h2t_guard_copy(r.in.p, r.in.len);
        ck_assert_ptr_nonnull(in);
        h2c_conn_event ev;
        size_t used = 0;
        ck_assert_int_eq(h2c_conn_recv(r.c, in, r.in.len, &used, &ev), H2C_CONN_EV_REQUEST);
        ck_assert_uint_eq(ev.nfields, 5);
        ck_assert_uint_eq(ev.fields[4].value.len, n);
        ck_assert_mem_eq(ev.fields[4].value.ptr, v, n);
        ck_assert_mem_eq(ev.fields[4].name.ptr, "x-v", 3);
        h2t_guard_free(in, r.in.len);
        ct_buf_free(&blk);
        ct_raw_free(&r);
    }
}
END_TEST

/* A field the table holds is checked when it comes back by index, unless
 * it passed the checks when it entered: a refused block's literal (a), or
 * one after a refusal in its block, which nothing looked at (b), stays
 * refused in every later block that refers to it (8.2.1). */
START_TEST(rfc_request_fields_from_table)
{
    static const struct {
        const char *before, *name, *value;
        int status;
    } cases[] = {
        {NULL, "x-foo", "a\rb", H2C_FIELDS_E_VALUE_CHAR},
        {NULL, "X-Foo", "1", H2C_FIELDS_E_NAME_UPPERCASE},
        {"connection", "x-foo", "a\x01b", H2C_FIELDS_E_VALUE_CHAR},
        {"connection", "x foo", "1", H2C_FIELDS_E_NAME_CHAR},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ct_raw r;
        ct_raw_server(&r, NULL);
        ct_buf blk = {0};
        ct_hp_req(&blk, "GET", "/");
        if (cases[k].before)
            ct_hp_lit(&blk, cases[k].before, "close");
        ct_hp_inc(&blk, cases[k].name, cases[k].value); /* enters the table at 62 */
        ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len);
        int rc = ct_raw_send(&r);
        EXPECT_STREAM_ERROR(&r, rc, 1, cases[k].before ? H2C_FIELDS_E_CONNECTION_SPECIFIC
                                                      : cases[k].status, PROTO);
        for (uint32_t id = 3; id <= 5; id += 2) { /* by index, twice */
            ct_log_clear(&r.log);
            ct_buf_clear(&blk);
            ct_hp_req(&blk, "GET", "/again");
            ct_hp_idx(&blk, 62);
            ct_fr_headers(&r.in, id, ES_EH, blk.p, blk.len);
            rc = ct_raw_send(&r);
            EXPECT_STREAM_ERROR(&r, rc, id, cases[k].status, PROTO);
            ck_assert_msg(find_ev(&r, H2C_CONN_EV_REQUEST, id) == NULL,
                          "case %zu: the table's field was delivered", k);
        }
        /* A clean entry that comes back by index is delivered. */
        ct_log_clear(&r.log);
        ct_buf_clear(&blk);
        ct_hp_req(&blk, "GET", "/clean");
        ct_hp_inc(&blk, "x-ok", "fine");
        ct_fr_headers(&r.in, 7, ES_EH, blk.p, blk.len);
        ct_buf_clear(&blk);
        ct_hp_req(&blk, "GET", "/clean2");
        ct_hp_idx(&blk, 62);
        ct_fr_headers(&r.in, 9, ES_EH, blk.p, blk.len);
        rc = ct_raw_send(&r);
        EXPECT_QUIET(&r, rc);
        const ct_ev *e = find_ev(&r, H2C_CONN_EV_REQUEST, 9);
        ck_assert_msg(e && strstr(e->fields, "x-ok: fine"), "case %zu: clean entry lost", k);
        ct_buf_free(&blk);
        ct_raw_free(&r);
    }
}
END_TEST

START_TEST(rfc_request_fields_valid)
{
    /* te: trailers is the one te allowed (8.2.2); CONNECT without :scheme
     * and :path (8.5); never-indexed fields keep their flag. */
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", "/");
    ct_hp_lit(&blk, "te", "trailers");
    ct_hp_litn(&blk, 0x10, "authorization", 13, "secret", 6);
    ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len);
    ct_buf_clear(&blk);
    ct_hp_lit(&blk, ":method", "CONNECT");
    ct_hp_lit(&blk, ":authority", "example.org:443");
    ct_fr_headers(&r.in, 3, END_HEADERS, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_REQUEST, 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->never_index, 1);
    e = find_ev(&r, H2C_CONN_EV_REQUEST, 3);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->method, "CONNECT");
    ck_assert_ptr_null(e->path);
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

START_TEST(rfc_content_length)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_buf blk = {0};
    /* 1: fewer octets than announced, at END_STREAM */
    ct_hp_req(&blk, "POST", "/");
    ct_hp_lit(&blk, "content-length", "10");
    ct_fr_headers(&r.in, 1, END_HEADERS, blk.p, blk.len);
    ct_fr_data(&r.in, 1, END_STREAM, "12345", 5);
    int rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, 1, H2C_CONN_E_CONTENT_LENGTH, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_STREAM_END, 1));
    /* 3: more than announced */
    ct_log_clear(&r.log);
    ct_fr_headers(&r.in, 3, END_HEADERS, blk.p, blk.len);
    ct_fr_data(&r.in, 3, 0, "123456", 6);
    ct_fr_data(&r.in, 3, END_STREAM, "123456", 5);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, 3, H2C_CONN_E_CONTENT_LENGTH, PROTO);
    /* 5: exact, in two frames */
    ct_log_clear(&r.log);
    ct_fr_headers(&r.in, 5, END_HEADERS, blk.p, blk.len);
    ct_fr_data(&r.in, 5, 0, "123456", 6);
    ct_fr_data(&r.in, 5, END_STREAM, "1234", 4);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_REQUEST, 5);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->content_length, 10);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_STREAM_END, 5));
    /* 7: content-length 0 with END_STREAM on HEADERS */
    ct_buf_clear(&blk);
    ct_hp_req(&blk, "POST", "/");
    ct_hp_lit(&blk, "content-length", "0");
    ct_fr_headers(&r.in, 7, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_STREAM_END, 7));
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

START_TEST(rfc_trailers)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_buf blk = {0};
    /* 8.1: a HEADERS without END_STREAM after the request headers */
    get(&r, 1, 0);
    ct_fr_data(&r.in, 1, 0, "abc", 3);
    ct_hp_lit(&blk, "x-t", "1");
    ct_fr_headers(&r.in, 1, END_HEADERS, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, 1, H2C_CONN_E_MALFORMED, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_TRAILERS, 1));
    /* 8.1: pseudo-headers in trailers */
    ct_log_clear(&r.log);
    get(&r, 3, 0);
    ct_buf_clear(&blk);
    ct_hp_lit(&blk, ":path", "/x");
    ct_fr_headers(&r.in, 3, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, 3, H2C_FIELDS_E_PSEUDO_IN_TRAILERS, PROTO);
    /* good trailers */
    ct_log_clear(&r.log);
    get(&r, 5, 0);
    ct_buf_clear(&blk);
    ct_hp_lit(&blk, "x-t", "2");
    ct_fr_headers(&r.in, 5, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_TRAILERS, 5);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->end_stream, 1);
    ck_assert_str_eq(e->fields, "x-t: 2\n");
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* A client's view of responses (8.1, 8.3.2). */
static uint32_t client_req(ct_raw *r, const char *method)
{
    h2c_hpack_field req[] = {HF(":method", "GET"), HF(":scheme", "https"),
                             HF(":authority", "example.org"), HF(":path", "/")};
    req[0].value = h2c_view_of(method, strlen(method));
    uint32_t id = 0;
    ck_assert_int_eq(h2c_conn_submit_request(r->c, req, 4, 1, &id), H2C_OK);
    ct_raw_out(r);
    ct_log_clear(&r->log);
    return id;
}

START_TEST(rfc_response_rules)
{
    ct_raw r;
    ct_raw_client(&r, NULL);
    ct_buf blk = {0};

    /* :status 101 is not allowed in HTTP/2 (8.6) */
    uint32_t id = client_req(&r, "GET");
    ct_hp_status(&blk, 101);
    ct_fr_headers(&r.in, id, END_HEADERS, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, id, H2C_CONN_E_MALFORMED, PROTO);

    /* no :status (8.3.2) */
    id = client_req(&r, "GET");
    ct_buf_clear(&blk);
    ct_hp_lit(&blk, "server", "x");
    ct_fr_headers(&r.in, id, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, id, 0, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_RESPONSE, id));

    /* an informational status with END_STREAM (8.1) */
    id = client_req(&r, "GET");
    ct_buf_clear(&blk);
    ct_hp_status(&blk, 103);
    ct_fr_headers(&r.in, id, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, id, 0, PROTO);

    /* DATA before the response headers (8.1) */
    id = client_req(&r, "GET");
    ct_fr_data(&r.in, id, END_STREAM, "x", 1);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, id, H2C_CONN_E_MALFORMED, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_DATA, id));

    /* content-length against DATA (8.1.1) */
    id = client_req(&r, "GET");
    ct_buf_clear(&blk);
    ct_hp_status(&blk, 200);
    ct_hp_lit(&blk, "content-length", "10");
    ct_fr_headers(&r.in, id, END_HEADERS, blk.p, blk.len);
    ct_fr_data(&r.in, id, END_STREAM, "1234", 4);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, id, H2C_CONN_E_CONTENT_LENGTH, PROTO);

    /* a request pseudo-header in a response (8.3) */
    id = client_req(&r, "GET");
    ct_buf_clear(&blk);
    ct_hp_status(&blk, 200);
    ct_hp_lit(&blk, ":path", "/");
    ct_fr_headers(&r.in, id, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, id, 0, PROTO);

    /* trailers without END_STREAM (8.1) */
    id = client_req(&r, "GET");
    ct_buf_clear(&blk);
    ct_hp_status(&blk, 200);
    ct_fr_headers(&r.in, id, END_HEADERS, blk.p, blk.len);
    ct_buf_clear(&blk);
    ct_hp_lit(&blk, "x-t", "1");
    ct_fr_headers(&r.in, id, END_HEADERS, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, id, H2C_CONN_E_MALFORMED, PROTO);

    /* a second final response (8.1: after a final status only trailers,
     * which carry no pseudo-header and end the stream) */
    id = client_req(&r, "GET");
    ct_buf_clear(&blk);
    ct_hp_status(&blk, 200);
    ct_fr_headers(&r.in, id, END_HEADERS, blk.p, blk.len);
    ct_fr_headers(&r.in, id, END_HEADERS, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, id, 0, PROTO);

    /* The good ones: a HEAD response may announce a length with no DATA
     * (8.1.1), as may 204 and 304. */
    id = client_req(&r, "HEAD");
    ct_buf_clear(&blk);
    ct_hp_status(&blk, 200);
    ct_hp_lit(&blk, "content-length", "1000");
    ct_fr_headers(&r.in, id, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_RESPONSE, id));
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_STREAM_END, id));
    id = client_req(&r, "GET");
    ct_buf_clear(&blk);
    ct_hp_status(&blk, 304);
    ct_hp_lit(&blk, "content-length", "1000");
    ct_fr_headers(&r.in, id, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_RESPONSE, id));
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* An oversized header list is refused at stream level, HPACK stays in sync. */
START_TEST(rfc_header_list_too_large)
{
    ct_raw r;
    ct_raw_server(&r, NULL); /* SETTINGS_MAX_HEADER_LIST_SIZE 65536 */
    ck_assert_uint_eq(h2c_conn_local_settings(r.c)->max_header_list_size, 65536);
    char *big = malloc(40000);
    memset(big, 'a', 40000);
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", "/big");
    ct_hp_inc(&blk, "x-sync", "abc");
    ct_hp_litn(&blk, 0x00, "x-big1", 6, big, 40000);
    ct_hp_litn(&blk, 0x00, "x-big2", 6, big, 40000);
    ct_fr_block(&r.in, 1, END_STREAM, blk.p, blk.len, 16384); /* HEADERS + 4 CONTINUATION */
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_HEADERS_TOO_LARGE, 1);
    ck_assert_msg(e != NULL, "no HEADERS_TOO_LARGE event for an 80 KB header list");
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_REQUEST, 1));
    ck_assert_int_eq(h2c_conn_stream_state_get(r.c, 1), H2C_STREAM_HALF_CLOSED_REMOTE);
    static const h2c_hpack_field too_large[] = {HF(":status", "431")};
    ck_assert_int_eq(h2c_conn_submit_headers(r.c, 1, too_large, 1, 1), H2C_OK);
    ct_raw_out(&r);
    ck_assert_ptr_nonnull(ct_frames_find(&r.out, H2C_FRAME_TYPE_HEADERS, 1));

    /* The next request on the same connection references the entry the big
     * block inserted. */
    ct_log_clear(&r.log);
    ct_buf_clear(&blk);
    ct_hp_req(&blk, "GET", "/next");
    ct_hp_idx(&blk, 62);
    ct_fr_headers(&r.in, 3, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    e = find_ev(&r, H2C_CONN_EV_REQUEST, 3);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->fields, ":method: GET\n:scheme: https\n:authority: example.org\n"
                                ":path: /next\nx-sync: abc\n");
    free(big);
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* A field a refused oversized block put into the table, past the list
 * limit where the connection never saw it, is still checked when it comes
 * back by index: an uppercase name must not pass as a trusted table field. */
START_TEST(rfc_header_list_too_large_hides_no_field)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    char *big = malloc(70000);
    memset(big, 'a', 70000);
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", "/big");
    ct_hp_litn(&blk, 0x00, "x-big", 5, big, 70000); /* past 65536 here */
    ct_hp_inc(&blk, "X-Bad", "1");                  /* decoded, not shown, at 62 */
    ct_fr_block(&r.in, 1, END_STREAM, blk.p, blk.len, 16384);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_HEADERS_TOO_LARGE, 1));
    ct_log_clear(&r.log);
    ct_buf_clear(&blk);
    ct_hp_req(&blk, "GET", "/next");
    ct_hp_idx(&blk, 62);
    ct_fr_headers(&r.in, 3, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_STREAM_ERROR(&r, rc, 3, H2C_FIELDS_E_NAME_UPPERCASE, PROTO);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_REQUEST, 3));
    free(big);
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* SETTINGS_HEADER_TABLE_SIZE takes effect only when acknowledged (6.5.3,
 * RFC 7541 4.2). */
START_TEST(rfc_header_table_size_on_ack)
{
    for (int k = 0; k < 2; k++) {
        ct_raw r;
        ct_raw_server(&r, NULL);
        h2c_conn_settings s = *h2c_conn_local_settings(r.c);
        s.header_table_size = 0;
        ck_assert_int_eq(h2c_conn_update_settings(r.c, &s), H2C_OK);
        ct_raw_out(&r);
        const ct_frame *f = ct_frames_find(&r.out, H2C_FRAME_TYPE_SETTINGS, 0);
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(f->nsettings, 1);
        ck_assert_uint_eq(f->settings[0].id, H2C_FRAME_SETTINGS_HEADER_TABLE_SIZE);
        ck_assert_uint_eq(f->settings[0].value, 0);
        /* Before the ACK, the old size (4096) still holds. */
        ct_buf blk = {0};
        ct_hp_req(&blk, "GET", "/1");
        ct_hp_inc(&blk, "x-a", "1");
        ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len);
        ct_buf_clear(&blk);
        ct_hp_req(&blk, "GET", "/3");
        ct_hp_idx(&blk, 62);
        ct_fr_headers(&r.in, 3, ES_EH, blk.p, blk.len);
        int rc = ct_raw_send(&r);
        EXPECT_QUIET(&r, rc);
        const ct_ev *e = find_ev(&r, H2C_CONN_EV_REQUEST, 3);
        ck_assert_ptr_nonnull(e);
        ck_assert_ptr_nonnull(strstr(e->fields, "x-a: 1\n"));
        ck_assert_uint_eq(h2c_conn_local_settings(r.c)->header_table_size, 4096);
        /* The ACK. */
        ct_fr_settings(&r.in, H2C_FRAME_FLAG_ACK, NULL, 0);
        rc = ct_raw_send(&r);
        EXPECT_QUIET(&r, rc);
        ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_SETTINGS_ACK, 0));
        ck_assert_uint_eq(h2c_conn_local_settings(r.c)->header_table_size, 0);
        ct_buf_clear(&blk);
        if (k == 0) {
            /* Now the next block must start with a size update (RFC 7541 4.2). */
            ct_hp_req(&blk, "GET", "/5");
            ct_fr_headers(&r.in, 5, ES_EH, blk.p, blk.len);
            rc = ct_raw_send(&r);
            EXPECT_CONN_ERROR(&r, rc, H2C_HPACK_E_TABLE_UPDATE_MISSING, 0,
                              H2C_H2_COMPRESSION_ERROR);
        } else {
            /* With it, the table is empty: index 62 is gone. */
            ct_hp_size_update(&blk, 0);
            ct_hp_req(&blk, "GET", "/5");
            ct_fr_headers(&r.in, 5, ES_EH, blk.p, blk.len);
            rc = ct_raw_send(&r);
            EXPECT_QUIET(&r, rc);
            ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_REQUEST, 5));
            ct_buf_clear(&blk);
            ct_hp_req(&blk, "GET", "/7");
            ct_hp_idx(&blk, 62);
            ct_fr_headers(&r.in, 7, ES_EH, blk.p, blk.len);
            rc = ct_raw_send(&r);
            EXPECT_CONN_ERROR(&r, rc, H2C_HPACK_E_INDEX_RANGE, 0, H2C_H2_COMPRESSION_ERROR);
        }
        ct_buf_free(&blk);
        ct_raw_free(&r);
    }
}
END_TEST

/* The peer's SETTINGS_HEADER_TABLE_SIZE lowered to 0 and raised back to
 * 4096 between two of our blocks: the next block opens with both, the
 * smallest first (RFC 7541 4.2), so the peer's table was emptied. */
START_TEST(rfc_peer_table_size_min_then_final)
{
    static const h2c_hpack_field ok[] = {HF(":status", "200")};
    static const uint8_t updates[] = {0x20, 0x3f, 0xe1, 0x1f}; /* 0, then 4096 */
    ct_raw r;
    ct_raw_server(&r, NULL);
    get(&r, 1, 1);
    get(&r, 3, 1);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(r.c, 1, ok, 1, 1), H2C_OK);
    ct_fr_setting1(&r.in, H2C_FRAME_SETTINGS_HEADER_TABLE_SIZE, 0);
    ct_fr_setting1(&r.in, H2C_FRAME_SETTINGS_HEADER_TABLE_SIZE, 4096);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_int_eq(h2c_conn_submit_headers(r.c, 3, ok, 1, 1), H2C_OK);
    ct_buf out = {0};
    ct_drain(r.c, &out);
    /* The second HEADERS frame of the output: stream 3's block. */
    const uint8_t *blk = NULL;
    for (size_t off = 0; off + 9 <= out.len;) {
        size_t len = (size_t)out.p[off] << 16 | (size_t)out.p[off + 1] << 8 | out.p[off + 2];
        if (out.p[off + 3] == H2C_FRAME_TYPE_HEADERS && out.p[off + 8] == 3) {
            ck_assert_uint_ge(len, sizeof updates);
            blk = out.p + off + 9;
        }
        off += 9 + len;
    }
    ck_assert_ptr_nonnull(blk);
    ck_assert_mem_eq(blk, updates, sizeof updates);
    ct_buf_free(&out);
    ct_raw_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * 6.8 GOAWAY
 * ---------------------------------------------------------------------- */

START_TEST(rfc_goaway_client)
{
    ct_raw r;
    ct_raw_client(&r, NULL);
    uint32_t a = ct_raw_request(&r, 1), b = ct_raw_request(&r, 1), c = ct_raw_request(&r, 1);
    ck_assert_uint_eq(c, 5);
    ct_fr_goaway(&r.in, b, H2C_H2_NO_ERROR, "maintenance");
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *g = find_ev(&r, H2C_CONN_EV_GOAWAY, 0);
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->last_stream_id, b);
    ck_assert_uint_eq(g->error_code, H2C_H2_NO_ERROR);
    ck_assert_uint_eq(g->debug_len, 11);
    ck_assert_int_eq(memcmp(g->debug, "maintenance", 11), 0);
    uint32_t nid = 0;
    static const h2c_hpack_field req[] = {HF(":method", "GET"), HF(":scheme", "https"),
                                          HF(":authority", "example.org"), HF(":path", "/")};
    ck_assert_int_eq(h2c_conn_submit_request(r.c, req, 4, 1, &nid), H2C_CONN_E_NO_STREAMS);
    ck_assert_int_eq(h2c_conn_done(r.c), 0);
    /* Streams up to last_stream_id finish. */
    ct_buf blk = {0};
    ct_hp_status(&blk, 200);
    ct_fr_headers(&r.in, a, ES_EH, blk.p, blk.len);
    ct_fr_headers(&r.in, b, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_RESPONSE, b));
    /* Stream 5 was not processed by the server (6.8); the application may
     * retry it, and resets it here if the connection has not closed it. */
    int st = h2c_conn_stream_state_get(r.c, c);
    fprintf(stderr, "note: after GOAWAY(last=%u) stream %u is in state %d%s\n", b, c, st,
            find_ev(&r, H2C_CONN_EV_STREAM_RESET, c) ? " (reported as reset)" : "");
    if (st != H2C_STREAM_CLOSED)
        ck_assert_int_eq(h2c_conn_reset_stream(r.c, c, H2C_H2_CANCEL), H2C_OK);
    ct_raw_out(&r);
    ck_assert_int_eq(h2c_conn_done(r.c), 1);
    ct_buf_free(&blk);
    ct_raw_free(&r);

    /* 6.8: the last stream id may not go up. */
    ct_raw_client(&r, NULL);
    ct_raw_request(&r, 1);
    ct_raw_request(&r, 1);
    ct_fr_goaway(&r.in, 3, H2C_H2_NO_ERROR, NULL);
    ct_fr_goaway(&r.in, 1, H2C_H2_NO_ERROR, NULL); /* down is fine */
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_uint_eq(ct_log_count(&r.log, H2C_CONN_EV_GOAWAY), 2);
    ct_fr_goaway(&r.in, 3, H2C_H2_NO_ERROR, NULL);
    rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_CONN_E_GOAWAY, 0, PROTO);
    ct_raw_free(&r);

    /* A GOAWAY with an error: the connection is over. */
    ct_raw_client(&r, NULL);
    ct_fr_goaway(&r.in, 0, H2C_H2_ENHANCE_YOUR_CALM, "calm");
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    g = find_ev(&r, H2C_CONN_EV_GOAWAY, 0);
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->error_code, H2C_H2_ENHANCE_YOUR_CALM);
    ck_assert_int_eq(h2c_conn_done(r.c), 1);
    ct_raw_free(&r);
}
END_TEST

START_TEST(rfc_goaway_server_refuses_new)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    get(&r, 1, 0);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    ck_assert_int_eq(h2c_conn_close(r.c, H2C_H2_NO_ERROR, h2c_view_of(NULL, 0)), H2C_OK);
    ct_raw_out(&r);
    const ct_frame *g = ct_frames_find(&r.out, H2C_FRAME_TYPE_GOAWAY, 0);
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->last, 1);
    ck_assert_uint_eq(g->code, H2C_H2_NO_ERROR);
    ct_log_clear(&r.log);
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", "/late");
    ct_hp_inc(&blk, "x-h", "2");
    ct_fr_headers(&r.in, 3, ES_EH, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    ct_raw_out(&r);
    ck_assert_ptr_null(find_ev(&r, H2C_CONN_EV_REQUEST, 3));
    ck_assert_msg(rc == H2C_OK, "a stream above our GOAWAY's last id: %s", h2c_status_name(rc));
    const ct_frame *rs = ct_frames_find(&r.out, H2C_FRAME_TYPE_RST_STREAM, 3);
    int refused = rs && rs->code == H2C_H2_REFUSED_STREAM;
    /* Stream 1 finishes with trailers that reference what stream 3 inserted. */
    ct_buf_clear(&blk);
    ct_hp_idx(&blk, 62);
    ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len);
    rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    const ct_ev *e = find_ev(&r, H2C_CONN_EV_TRAILERS, 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->fields, "x-h: 2\n");
    static const h2c_hpack_field ok[] = {HF(":status", "200")};
    ck_assert_int_eq(h2c_conn_submit_headers(r.c, 1, ok, 1, 1), H2C_OK);
    ct_raw_out(&r);
    ck_assert_int_eq(h2c_conn_done(r.c), 1);
    /* RFC 9113 6.8 lets the sender of GOAWAY ignore such a stream; conn.h
     * (H2C_CONN_E_REFUSED, h2c_conn_close()) promises REFUSED_STREAM. */
    ck_assert_msg(refused, "a stream opened after our GOAWAY: conn.h promises RST_STREAM "
                           "REFUSED_STREAM (H2C_CONN_E_REFUSED); nothing was sent");
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* A connection error after our graceful GOAWAY: the peer still learns
 * why (RFC 9113 5.4.1: GOAWAY with the error code; 6.8: an endpoint may
 * send more than one GOAWAY; conn.h: "GOAWAY is queued"). */
START_TEST(rfc_error_after_graceful_goaway)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    get(&r, 1, 0);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    ck_assert_int_eq(h2c_conn_close(r.c, H2C_H2_NO_ERROR, h2c_view_of(NULL, 0)), H2C_OK);
    ct_raw_out(&r);
    ck_assert_ptr_nonnull(ct_frames_find(&r.out, H2C_FRAME_TYPE_GOAWAY, 0));
    ct_fr_wu(&r.in, 0, 0); /* connection error PROTOCOL_ERROR */
    int rc = ct_raw_send(&r);
    EXPECT_CONN_ERROR(&r, rc, H2C_FRAME_E_WINDOW_INCREMENT, 0, PROTO);
    ct_raw_free(&r);
}
END_TEST

/* H2C_CONN_NO_VALIDATION skips the field checks of 8.2-8.3 only (a Host
 * other than :authority among them): message framing (8.1) still holds,
 * and TRAILERS always comes with end_stream. */
START_TEST(rfc_no_validation_keeps_framing)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    o.flags |= H2C_CONN_NO_VALIDATION;
    ct_raw r;
    ct_raw_server(&r, &o);
    ct_buf blk = {0};
    req_block(&blk, "/");
    ct_hp_lit(&blk, "X-Upper", "allowed now");
    ct_hp_lit(&blk, "host", "other.example");
    ct_fr_headers(&r.in, 1, END_HEADERS, blk.p, blk.len);
    int rc = ct_raw_send(&r);
    EXPECT_QUIET(&r, rc);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_REQUEST, 1));
    /* a second HEADERS without END_STREAM: malformed (8.1) */
    ct_buf_clear(&blk);
    ct_hp_lit(&blk, "x-t", "1");
    ct_fr_headers(&r.in, 1, END_HEADERS, blk.p, blk.len);
    rc = ct_raw_send(&r);
    for (size_t i = 0; i < r.log.n; i++)
        ck_assert_msg(r.log.ev[i].type != H2C_CONN_EV_TRAILERS || r.log.ev[i].end_stream,
                      "TRAILERS without end_stream (conn.h: always with end_stream)");
    EXPECT_STREAM_ERROR(&r, rc, 1, H2C_CONN_E_MALFORMED, PROTO);
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

/* h2c_conn_finish(): where the peer's input ended. */
START_TEST(conn_finish_positions)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    h2c_conn_event ev;
    ck_assert_int_eq(h2c_conn_finish(r.c, &ev), H2C_OK); /* at a frame boundary */
    /* inside a frame: 4 octets of a 9-octet PING header */
    static const uint8_t part[] = {0, 0, 8, 6};
    ck_assert_int_eq(ct_feed(r.c, part, sizeof part, &r.log), H2C_OK);
    ck_assert_int_eq(h2c_conn_finish(r.c, &ev), H2C_FRAME_E_TRUNCATED);
    ck_assert_uint_ge(ev.missing, 5);
    ck_assert_int_eq(ev.error.scope, H2C_SCOPE_LOCAL);
    ck_assert_int_eq(h2c_conn_error(r.c, NULL), H2C_OK); /* changes nothing */
    static const uint8_t rest[] = {0, 0, 0, 0, 0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
    ck_assert_int_eq(ct_feed(r.c, rest, sizeof rest, &r.log), H2C_OK);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_PING, 0));
    ck_assert_int_eq(h2c_conn_finish(r.c, &ev), H2C_OK);
    /* inside a field block */
    ct_buf blk = {0};
    req_block(&blk, "/");
    ct_fr_headers(&r.in, 1, END_STREAM, blk.p, 8);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    ck_assert_int_eq(h2c_conn_finish(r.c, &ev), H2C_CONN_E_OPEN_BLOCK);
    ck_assert_uint_eq(ev.stream_id, 1);
    ct_fr_continuation(&r.in, 1, END_HEADERS, blk.p + 8, blk.len - 8);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    ck_assert_int_eq(h2c_conn_finish(r.c, &ev), H2C_OK);
    ck_assert_ptr_nonnull(find_ev(&r, H2C_CONN_EV_REQUEST, 1));
    /* after a connection error: the sticky error */
    ct_fr_wu(&r.in, 0, 0);
    int rc = ct_raw_send(&r);
    ck_assert_int_lt(rc, 0);
    ck_assert_int_eq(h2c_conn_finish(r.c, &ev), rc);
    ct_buf_free(&blk);
    ct_raw_free(&r);
}
END_TEST

TCase *ct_tcase_rfc(void)
{
    TCase *tc = tcase_create("rfc9113");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, rfc_preface);
    tcase_add_test(tc, rfc_preface_first_frame_settings);
    tcase_add_test(tc, rfc_ignore_unknown);
    tcase_add_test(tc, rfc_frame_size);
    tcase_add_loop_test(tc, rfc_frame_rules, 0, (int)(sizeof FRAME_CASES / sizeof FRAME_CASES[0]));
    tcase_add_test(tc, rfc_headers_self_dependency);
    tcase_add_test(tc, rfc_settings_and_ping);
    tcase_add_test(tc, rfc_client_enable_push_from_server);
    tcase_add_test(tc, rfc_field_block_sequence);
    tcase_add_test(tc, rfc_compression_error);
    tcase_add_test(tc, rfc_idle_stream);
    tcase_add_test(tc, rfc_stream_ids);
    tcase_add_test(tc, rfc_half_closed_remote);
    tcase_add_test(tc, rfc_closed_stream);
    tcase_add_test(tc, rfc_after_end_stream);
    tcase_add_test(tc, rfc_after_our_reset);
    tcase_add_test(tc, rfc_max_concurrent_streams);
    tcase_add_test(tc, rfc_window_update_overflow);
    tcase_add_test(tc, rfc_initial_window_size_delta);
    tcase_add_test(tc, rfc_data_over_windows);
    tcase_add_test(tc, rfc_stream_errors_count_connection_window);
    tcase_add_test(tc, rfc_push_disabled);
    tcase_add_test(tc, rfc_push_on_idle_stream);
    tcase_add_test(tc, rfc_push_unsafe_method);
    tcase_add_test(tc, rfc_push_reserved_remote);
    tcase_add_test(tc, rfc_push_reserved_local);
    tcase_add_loop_test(tc, rfc_request_fields, 0, (int)(sizeof FIELD_CASES / sizeof FIELD_CASES[0]));
    tcase_add_test(tc, rfc_request_fields_valid);
    tcase_add_test(tc, rfc_request_fields_from_table);
    tcase_add_test(tc, rfc_request_fields_arena_grows);
    tcase_add_test(tc, rfc_request_fields_arena_grows_after_empty);
    tcase_add_test(tc, rfc_request_fields_guarded);
    tcase_add_test(tc, rfc_content_length);
    tcase_add_test(tc, rfc_trailers);
    tcase_add_test(tc, rfc_response_rules);
    tcase_add_test(tc, rfc_header_list_too_large);
    tcase_add_test(tc, rfc_header_list_too_large_hides_no_field);
    tcase_add_test(tc, rfc_header_table_size_on_ack);
    tcase_add_test(tc, rfc_peer_table_size_min_then_final);
    tcase_add_test(tc, rfc_goaway_client);
    tcase_add_test(tc, rfc_goaway_server_refuses_new);
    tcase_add_test(tc, rfc_error_after_graceful_goaway);
    tcase_add_test(tc, conn_finish_positions);
    tcase_add_test(tc, rfc_no_validation_keeps_framing);
    return tc;
}
