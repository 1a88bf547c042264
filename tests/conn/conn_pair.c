/* SPDX-License-Identifier: MIT */
/*
 * A client and a server of this library joined in memory: the output of
 * one is the input of the other.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn_cases.h"
#include "conn_util.h"

static const h2c_hpack_field GET_REQ[] = {
    HF(":method", "GET"), HF(":scheme", "https"), HF(":authority", "example.org"),
    HF(":path", "/"), HF("user-agent", "conn-test"),
};
static const h2c_hpack_field POST_REQ[] = {
    HF(":method", "POST"), HF(":scheme", "https"), HF(":authority", "example.org"),
    HF(":path", "/echo"),
};
static const h2c_hpack_field OK_RESP[] = {HF(":status", "200"), HF("content-type", "text/plain")};

static const ct_ev *ev_at(const ct_log *l, long i)
{
    ck_assert_msg(i >= 0 && (size_t)i < l->n, "event index %ld of %zu", i, l->n);
    return &l->ev[i];
}

/* The first event of type on stream, which must exist. */
static const ct_ev *must_find(const ct_log *l, int type, uint32_t stream, const char *what)
{
    long i = ct_log_find(l, type, stream, 0);
    if (i < 0) {
        ct_buf d = {0};
        ct_log_describe(l, &d);
        ck_abort_msg("%s: no %s on stream %u; events:\n%s", what, ct_ev_name(type), stream,
                     d.p ? (char *)d.p : "(none)");
    }
    return &l->ev[i];
}

static uint32_t request(h2c_conn *c, const h2c_hpack_field *f, size_t n, int end)
{
    uint32_t id = 0;
    int rc = h2c_conn_submit_request(c, f, n, end, &id);
    ck_assert_msg(rc == H2C_OK, "submit_request: %s", h2c_status_name(rc));
    return id;
}

static void respond(h2c_conn *c, uint32_t id, const char *body, int trailers)
{
    ck_assert_int_eq(h2c_conn_submit_headers(c, id, OK_RESP, NFIELDS(OK_RESP), 0), H2C_OK);
    size_t acc = 0, len = strlen(body);
    ck_assert_int_eq(h2c_conn_submit_data(c, id, (const uint8_t *)body, len, !trailers, &acc),
                     H2C_OK);
    ck_assert_uint_eq(acc, len);
    if (trailers) {
        static const h2c_hpack_field tr[] = {HF("grpc-status", "0")};
        ck_assert_int_eq(h2c_conn_submit_headers(c, id, tr, 1, 1), H2C_OK);
    }
}

START_TEST(pair_request_response)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    uint32_t id = request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
    ck_assert_uint_eq(id, 1);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, 1), H2C_STREAM_HALF_CLOSED_LOCAL);
    ck_assert_uint_eq(h2c_conn_open_streams(p.cli), 1);
    ck_assert_int_eq(ct_pair_c2s(&p), H2C_OK);

    long si = ct_log_find(&p.slog, H2C_CONN_EV_SETTINGS, 0, 0);
    long ri = ct_log_find(&p.slog, H2C_CONN_EV_REQUEST, 1, 0);
    ck_assert_msg(si >= 0 && ri > si, "server: SETTINGS then REQUEST expected");
    const ct_ev *r = ev_at(&p.slog, ri);
    ck_assert_str_eq(r->method, "GET");
    ck_assert_str_eq(r->scheme, "https");
    ck_assert_str_eq(r->authority, "example.org");
    ck_assert_str_eq(r->path, "/");
    ck_assert_ptr_null(r->protocol);
    ck_assert_int_eq(r->end_stream, 1);
    ck_assert_int_eq(r->content_length, -1);
    ck_assert_int_eq(r->status, 0);
    ck_assert_uint_eq(r->nfields, 5);
    ck_assert_str_eq(r->fields, ":method: GET\n:scheme: https\n:authority: example.org\n"
                                ":path: /\nuser-agent: conn-test\n");
    const ct_ev *end = ev_at(&p.slog, ri + 1);
    ck_assert_int_eq(end->type, H2C_CONN_EV_STREAM_END);
    ck_assert_uint_eq(end->stream_id, 1);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.srv, 1), H2C_STREAM_HALF_CLOSED_REMOTE);
    ck_assert_uint_eq(h2c_conn_open_streams(p.srv), 1);

    respond(p.srv, 1, "hello", 0);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.srv, 1), H2C_STREAM_CLOSED);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);

    const ct_ev *resp = must_find(&p.clog, H2C_CONN_EV_RESPONSE, 1, "client");
    ck_assert_int_eq(resp->status, 200);
    ck_assert_int_eq(resp->end_stream, 0);
    ck_assert_str_eq(resp->fields, ":status: 200\ncontent-type: text/plain\n");
    const ct_ev *data = must_find(&p.clog, H2C_CONN_EV_DATA, 1, "client");
    ck_assert_uint_eq(data->data_len, 5);
    ck_assert_int_eq(memcmp(data->data, "hello", 5), 0);
    ck_assert_uint_eq(data->flow_len, 5);
    ck_assert_int_eq(data->end_stream, 1);
    must_find(&p.clog, H2C_CONN_EV_STREAM_END, 1, "client");
    must_find(&p.clog, H2C_CONN_EV_SETTINGS, 0, "client");
    must_find(&p.clog, H2C_CONN_EV_SETTINGS_ACK, 0, "client");
    must_find(&p.slog, H2C_CONN_EV_SETTINGS_ACK, 0, "server");
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, 1), H2C_STREAM_CLOSED);
    ck_assert_uint_eq(h2c_conn_open_streams(p.cli), 0);
    ck_assert_uint_eq(h2c_conn_open_streams(p.srv), 0);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, 3), H2C_STREAM_IDLE);

    /* Settings in force once acknowledged: the server's defaults. */
    ck_assert_uint_eq(h2c_conn_remote_settings(p.cli)->max_concurrent_streams, 100);
    ck_assert_uint_eq(h2c_conn_local_settings(p.srv)->max_concurrent_streams, 100);
    ck_assert_uint_eq(h2c_conn_local_settings(p.srv)->max_header_list_size, 65536);
    ck_assert_uint_eq(h2c_conn_remote_settings(p.srv)->enable_push, 0);
    ck_assert_int_eq(h2c_conn_done(p.cli), 0);
    ck_assert_int_eq(h2c_conn_done(p.srv), 0);
    ct_pair_free(&p);
}
END_TEST

/* A response header block larger than the peer's SETTINGS_MAX_FRAME_SIZE
 * goes out as HEADERS + CONTINUATION, whole; small blocks around it go in
 * one frame each, and the two HPACK contexts stay in step. */
START_TEST(pair_large_response_headers)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
    request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    enum { BIG = 40000 };
    char *big = malloc(BIG);
    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i < BIG; i++)
        big[i] = (char)('!' + (i * 7) % 90); /* Huffman cannot shrink it below a frame */
    h2c_hpack_field f[3] = {HF(":status", "200"), HF("x-small", "1"), HF("x-big", "")};
    f[2].value = h2c_view_of(big, BIG);
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, 1, f, 3, 1), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, 3, f, 2, 1), H2C_OK);
    h2c_view out = h2c_conn_output(p.srv);
    ct_frames fs = {0};
    ct_parse(out.ptr, out.len, &fs);
    ck_assert_int_eq(fs.rc, H2C_OK);
    ck_assert_uint_ge(ct_frames_count(&fs, H2C_FRAME_TYPE_CONTINUATION), 2);
    ck_assert_uint_eq(ct_frames_count(&fs, H2C_FRAME_TYPE_HEADERS), 2);
    ct_frames_free(&fs);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    const ct_ev *r1 = must_find(&p.clog, H2C_CONN_EV_RESPONSE, 1, "client");
    ck_assert_uint_eq(r1->nfields, 3);
    const char *v = strstr(r1->fields, "x-big: ");
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(memcmp(v + 7, big, BIG), 0);
    const ct_ev *r3 = must_find(&p.clog, H2C_CONN_EV_RESPONSE, 3, "client");
    ck_assert_str_eq(r3->fields, ":status: 200\nx-small: 1\n");
    free(big);
    ct_pair_free(&p);
}
END_TEST

/* Stream user pointers and the state accessors. */
START_TEST(pair_stream_user)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    int x;
    uint32_t id = request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
    ck_assert_int_eq(h2c_conn_stream_set_user(p.cli, id, &x), H2C_OK);
    ck_assert_ptr_eq(h2c_conn_stream_user(p.cli, id), &x);
    ck_assert_ptr_null(h2c_conn_stream_user(p.cli, 99));
    ck_assert_int_eq(h2c_conn_stream_set_user(p.cli, 99, &x), H2C_CONN_E_STREAM_STATE);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, id), H2C_STREAM_HALF_CLOSED_LOCAL);
    /* events of the stream carry the pointer, also the last ones after it closed */
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    respond(p.srv, id, "x", 0);
    ck_assert_int_eq(ct_pair_c2s(&p) == H2C_OK && ct_pair_s2c(&p) == H2C_OK, 1);
    const ct_ev *e = must_find(&p.clog, H2C_CONN_EV_RESPONSE, id, "client");
    ck_assert_ptr_eq(e->user, &x);
    e = must_find(&p.clog, H2C_CONN_EV_STREAM_END, id, "client");
    ck_assert_ptr_eq(e->user, &x);
    ck_assert_ptr_null(h2c_conn_stream_user(p.cli, id)); /* closed now */
    id = request(p.cli, GET_REQ, NFIELDS(GET_REQ), 0);
    ck_assert_int_eq(h2c_conn_stream_set_user(p.cli, id, &x), H2C_OK);
    ck_assert_int_eq(h2c_conn_reset_stream(p.cli, id, H2C_H2_CANCEL), H2C_OK);
    ck_assert_ptr_null(h2c_conn_stream_user(p.cli, id));
    ct_pair_free(&p);
}
END_TEST

/* A POST body larger than the windows: flow control both ways. */
static void send_body(ct_pair *p, h2c_conn *from, ct_log *from_log, uint32_t id,
                      const uint8_t *body, size_t len, int end)
{
    size_t sent = 0;
    unsigned long wu_before = ct_log_count(from_log, H2C_CONN_EV_WINDOW_UPDATE);
    int first = 1;
    for (int round = 0; sent < len; round++) {
        ck_assert_msg(round < 1000, "body stuck at %zu of %zu", sent, len);
        size_t acc = 12345;
        size_t win = h2c_conn_send_window(from, id);
        int rc = h2c_conn_submit_data(from, id, body + sent, len - sent, end, &acc);
        ck_assert_msg(rc == H2C_OK, "submit_data: %s", h2c_status_name(rc));
        ck_assert_msg(acc <= len - sent && acc <= win, "accepted %zu, window %zu, left %zu", acc,
                      win, len - sent);
        if (first) {
            /* Both windows start at 65535: exactly that much is taken. */
            ck_assert_uint_eq(acc, 65535);
            ck_assert_uint_eq(h2c_conn_send_window(from, id), 0);
            size_t again = 1;
            ck_assert_int_eq(h2c_conn_submit_data(from, id, body + acc, len - acc, end, &again),
                             H2C_OK);
            ck_assert_uint_eq(again, 0);
            ck_assert_int_eq(h2c_conn_stream_state_get(from, id),
                             from == p->cli ? H2C_STREAM_OPEN : H2C_STREAM_HALF_CLOSED_REMOTE);
            first = 0;
        }
        sent += acc;
        if (sent == len)
            break;
        ck_assert_int_eq(ct_pair_pump(p), H2C_OK);
    }
    ck_assert_int_eq(ct_pair_pump(p), H2C_OK);
    ck_assert_msg(ct_log_count(from_log, H2C_CONN_EV_WINDOW_UPDATE) > wu_before,
                  "no WINDOW_UPDATE event for the sender");
}

START_TEST(pair_post_flow_control)
{
    enum { BODY = 200000, RBODY = 150001 };
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    p.slog.consume = 1;
    p.slog.keep_body = 1;
    p.clog.consume = 1;
    p.clog.keep_body = 1;
    uint8_t *body = malloc(BODY);
    for (size_t i = 0; i < BODY; i++)
        body[i] = ct_pattern(i * 3);
    h2c_hpack_field req[5];
    memcpy(req, POST_REQ, sizeof POST_REQ);
    req[4] = (h2c_hpack_field)HF("content-length", "200000");
    uint32_t id = request(p.cli, req, 5, 0);
    send_body(&p, p.cli, &p.clog, id, body, BODY, 1);

    ck_assert_uint_eq(p.slog.data_octets, BODY);
    ck_assert_uint_eq(p.slog.body.len, BODY);
    ck_assert_int_eq(memcmp(p.slog.body.p, body, BODY), 0);
    const ct_ev *r = must_find(&p.slog, H2C_CONN_EV_REQUEST, id, "server");
    ck_assert_int_eq(r->content_length, 200000);
    must_find(&p.slog, H2C_CONN_EV_STREAM_END, id, "server");
    must_find(&p.clog, H2C_CONN_EV_WINDOW_UPDATE, 0, "client (connection window)");
    must_find(&p.clog, H2C_CONN_EV_WINDOW_UPDATE, id, "client (stream window)");
    for (size_t i = 0; i < p.slog.n; i++) {
        const ct_ev *e = &p.slog.ev[i];
        if (e->type == H2C_CONN_EV_DATA)
            ck_assert_msg(e->flow_len <= 16384 && e->flow_len == e->data_len,
                          "DATA of %u octets (max frame size 16384)", e->flow_len);
    }

    /* And back: the response body is larger than the client's windows. */
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, id, OK_RESP, NFIELDS(OK_RESP), 0), H2C_OK);
    send_body(&p, p.srv, &p.slog, id, body, RBODY, 1);
    ck_assert_uint_eq(p.clog.body.len, RBODY);
    ck_assert_int_eq(memcmp(p.clog.body.p, body, RBODY), 0);
    must_find(&p.clog, H2C_CONN_EV_STREAM_END, id, "client");
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, id), H2C_STREAM_CLOSED);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.srv, id), H2C_STREAM_CLOSED);
    free(body);
    ct_pair_free(&p);
}
END_TEST

/* No consume(), no WINDOW_UPDATE; consume() then opens the windows by the
 * documented policy: once what was acknowledged and not yet announced
 * reaches half of the window's size.  The sender does not use up its
 * window here, so only that rule is at work. */
START_TEST(pair_consume_policy)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    static uint8_t body[40000];
    uint32_t id = request(p.cli, POST_REQ, NFIELDS(POST_REQ), 0);
    size_t acc = 0;
    ck_assert_int_eq(h2c_conn_submit_data(p.cli, id, body, sizeof body, 0, &acc), H2C_OK);
    ck_assert_uint_eq(acc, 40000);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_uint_eq(p.slog.data_octets, 40000);
    ck_assert_uint_eq(ct_log_count(&p.clog, H2C_CONN_EV_WINDOW_UPDATE), 0);
    ck_assert_uint_eq(h2c_conn_send_window(p.cli, id), 65535 - 40000);
    ck_assert_uint_eq(h2c_conn_send_window(p.cli, 0), 65535 - 40000); /* the connection's */

    /* Below half of the window: nothing yet. */
    ck_assert_int_eq(h2c_conn_consume(p.srv, id, 20000), H2C_OK);
    ck_assert_uint_eq(h2c_conn_output_len(p.srv), 0);
    /* Past half: one WINDOW_UPDATE for the stream and one for the connection. */
    ck_assert_int_eq(h2c_conn_consume(p.srv, id, 20000), H2C_OK);
    ct_buf out = {0};
    ct_drain(p.srv, &out);
    ct_frames fs = {0};
    ct_parse(out.p, out.len, &fs);
    const ct_frame *ws = ct_frames_find(&fs, H2C_FRAME_TYPE_WINDOW_UPDATE, id);
    const ct_frame *wc = ct_frames_find(&fs, H2C_FRAME_TYPE_WINDOW_UPDATE, 0);
    ck_assert_msg(ws && wc, "consume() of 40000 of 65535: no WINDOW_UPDATE for both windows");
    ck_assert_uint_eq(ws->increment, 40000);
    ck_assert_uint_eq(wc->increment, 40000);
    ck_assert_uint_eq(fs.n, 2);
    ck_assert_int_eq(ct_feed(p.cli, out.p, out.len, &p.clog), H2C_OK);
    ck_assert_uint_eq(h2c_conn_send_window(p.cli, id), 65535);
    ck_assert_uint_eq(ct_log_count(&p.clog, H2C_CONN_EV_WINDOW_UPDATE), 2);
    /* More than was received and not consumed: refused. */
    ck_assert_int_eq(h2c_conn_submit_data(p.cli, id, body, 10000, 0, &acc), H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_int_eq(h2c_conn_consume(p.srv, id, 10001), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_conn_consume(p.srv, id, 10000), H2C_OK);
    ct_frames_free(&fs);
    ct_buf_free(&out);
    ct_pair_free(&p);
}
END_TEST

/* H2C_CONN_NO_AUTO_WINDOW_UPDATE: only h2c_conn_window_update() opens windows. */
START_TEST(pair_manual_window_update)
{
    h2c_conn_options so;
    h2c_conn_options_init(&so, H2C_CONN_SERVER);
    so.flags |= H2C_CONN_NO_AUTO_WINDOW_UPDATE;
    ct_pair p;
    ct_pair_new(&p, NULL, &so);
    static uint8_t body[65535];
    uint32_t id = request(p.cli, POST_REQ, NFIELDS(POST_REQ), 0);
    size_t acc = 0;
    ck_assert_int_eq(h2c_conn_submit_data(p.cli, id, body, sizeof body, 0, &acc), H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_int_eq(h2c_conn_consume(p.srv, id, 65535), H2C_OK);
    ck_assert_uint_eq(h2c_conn_output_len(p.srv), 0);
    ck_assert_int_eq(h2c_conn_window_update(p.srv, id, 1000), H2C_OK);
    ck_assert_int_eq(h2c_conn_window_update(p.srv, 0, 2000), H2C_OK);
    ct_frames fs = {0};
    ct_buf out = {0};
    ct_drain(p.srv, &out);
    ct_parse(out.p, out.len, &fs);
    ck_assert_uint_eq(fs.n, 2);
    ck_assert_uint_eq(ct_frames_find(&fs, H2C_FRAME_TYPE_WINDOW_UPDATE, id)->increment, 1000);
    ck_assert_uint_eq(ct_frames_find(&fs, H2C_FRAME_TYPE_WINDOW_UPDATE, 0)->increment, 2000);
    ck_assert_int_eq(ct_feed(p.cli, out.p, out.len, &p.clog), H2C_OK);
    ck_assert_uint_eq(h2c_conn_send_window(p.cli, id), 1000);
    /* Past 2^31-1: refused, nothing queued. */
    ck_assert_int_eq(h2c_conn_window_update(p.srv, 0, 0x7fffffffu), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_conn_window_update(p.srv, id, 0x7fffffffu), H2C_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(h2c_conn_output_len(p.srv), 0);
    ct_frames_free(&fs);
    ct_buf_free(&out);
    ct_pair_free(&p);
}
END_TEST

START_TEST(pair_trailers)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    uint32_t id = request(p.cli, POST_REQ, NFIELDS(POST_REQ), 0);
    size_t acc;
    ck_assert_int_eq(h2c_conn_submit_data(p.cli, id, (const uint8_t *)"abc", 3, 0, &acc), H2C_OK);
    static const h2c_hpack_field tr[] = {HF("x-checksum", "1234")};
    /* Trailers must end the stream. */
    size_t before = h2c_conn_output_len(p.cli);
    ck_assert_int_lt(h2c_conn_submit_headers(p.cli, id, tr, 1, 0), 0);
    ck_assert_uint_eq(h2c_conn_output_len(p.cli), before);
    ck_assert_int_eq(h2c_conn_submit_headers(p.cli, id, tr, 1, 1), H2C_OK);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, id), H2C_STREAM_HALF_CLOSED_LOCAL);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    long ri = ct_log_find(&p.slog, H2C_CONN_EV_REQUEST, id, 0);
    long di = ct_log_find(&p.slog, H2C_CONN_EV_DATA, id, 0);
    long ti = ct_log_find(&p.slog, H2C_CONN_EV_TRAILERS, id, 0);
    long ei = ct_log_find(&p.slog, H2C_CONN_EV_STREAM_END, id, 0);
    ck_assert_msg(ri >= 0 && di > ri && ti > di && ei > ti, "REQUEST DATA TRAILERS STREAM_END");
    const ct_ev *t = ev_at(&p.slog, ti);
    ck_assert_int_eq(t->end_stream, 1);
    ck_assert_str_eq(t->fields, "x-checksum: 1234\n");
    ck_assert_int_eq(t->status, 0);
    ck_assert_ptr_null(t->method);

    respond(p.srv, id, "body", 1);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    long ci = ct_log_find(&p.clog, H2C_CONN_EV_TRAILERS, id, 0);
    ck_assert_int_ge(ci, 0);
    ck_assert_str_eq(p.clog.ev[ci].fields, "grpc-status: 0\n");
    ck_assert_int_eq(p.clog.ev[ci].end_stream, 1);
    must_find(&p.clog, H2C_CONN_EV_STREAM_END, id, "client");
    /* After trailers nothing more may be sent. */
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, id, tr, 1, 1), H2C_CONN_E_STREAM_STATE);
    ct_pair_free(&p);
}
END_TEST

START_TEST(pair_informational)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    uint32_t id = request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    static const h2c_hpack_field c100[] = {HF(":status", "100")};
    static const h2c_hpack_field c103[] = {HF(":status", "103"), HF("link", "</a.css>; rel=preload")};
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, id, c100, 1, 0), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, id, c103, 2, 0), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, id, OK_RESP, NFIELDS(OK_RESP), 1), H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    long a = ct_log_find(&p.clog, H2C_CONN_EV_INFORMATIONAL, id, 0);
    long b = a >= 0 ? ct_log_find(&p.clog, H2C_CONN_EV_INFORMATIONAL, id, (size_t)a + 1) : -1;
    long c = ct_log_find(&p.clog, H2C_CONN_EV_RESPONSE, id, 0);
    ck_assert_msg(a >= 0 && b > a && c > b, "INFORMATIONAL, INFORMATIONAL, RESPONSE expected");
    ck_assert_int_eq(p.clog.ev[a].status, 100);
    ck_assert_int_eq(p.clog.ev[b].status, 103);
    ck_assert_str_eq(p.clog.ev[b].fields, ":status: 103\nlink: </a.css>; rel=preload\n");
    ck_assert_int_eq(p.clog.ev[c].status, 200);
    ck_assert_int_eq(p.clog.ev[c].end_stream, 1);
    ck_assert_int_eq(p.clog.ev[a].end_stream, 0);
    must_find(&p.clog, H2C_CONN_EV_STREAM_END, id, "client");
    ck_assert_uint_eq(ct_log_count(&p.clog, H2C_CONN_EV_STREAM_RESET), 0);
    ct_pair_free(&p);
}
END_TEST

START_TEST(pair_push)
{
    h2c_conn_options co;
    h2c_conn_options_init(&co, H2C_CONN_CLIENT);
    co.settings.enable_push = 1;
    ct_pair p;
    ct_pair_new(&p, &co, NULL);
    uint32_t id = request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_uint_eq(h2c_conn_remote_settings(p.srv)->enable_push, 1);
    static const h2c_hpack_field preq[] = {HF(":method", "GET"), HF(":scheme", "https"),
                                           HF(":authority", "example.org"),
                                           HF(":path", "/style.css")};
    uint32_t p1 = 0, p2 = 0;
    ck_assert_int_eq(h2c_conn_submit_push(p.srv, id, preq, 4, &p1), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_push(p.srv, id, preq, 4, &p2), H2C_OK);
    ck_assert_uint_eq(p1, 2);
    ck_assert_uint_eq(p2, 4);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.srv, p1), H2C_STREAM_RESERVED_LOCAL);
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, id, OK_RESP, NFIELDS(OK_RESP), 1), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, p1, OK_RESP, NFIELDS(OK_RESP), 0), H2C_OK);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.srv, p1), H2C_STREAM_HALF_CLOSED_REMOTE);
    size_t acc;
    ck_assert_int_eq(h2c_conn_submit_data(p.srv, p1, (const uint8_t *)"css", 3, 1, &acc), H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);

    long pi = ct_log_find(&p.clog, H2C_CONN_EV_PUSH, id, 0);
    ck_assert_int_ge(pi, 0);
    const ct_ev *pe = &p.clog.ev[pi];
    ck_assert_uint_eq(pe->promised_stream_id, 2);
    ck_assert_str_eq(pe->path, "/style.css");
    ck_assert_str_eq(pe->method, "GET");
    long pj = ct_log_find(&p.clog, H2C_CONN_EV_PUSH, id, (size_t)pi + 1);
    ck_assert_int_gt(pj, pi);
    ck_assert_uint_eq(p.clog.ev[pj].promised_stream_id, 4);
    const ct_ev *pr = must_find(&p.clog, H2C_CONN_EV_RESPONSE, 2, "pushed response");
    ck_assert_int_eq(pr->status, 200);
    must_find(&p.clog, H2C_CONN_EV_DATA, 2, "pushed body");
    must_find(&p.clog, H2C_CONN_EV_STREAM_END, 2, "pushed stream end");
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, 2), H2C_STREAM_CLOSED);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, 4), H2C_STREAM_RESERVED_REMOTE);
    /* Reserved streams do not count as open. */
    ck_assert_uint_eq(h2c_conn_open_streams(p.cli), 0);
    ck_assert_int_eq(h2c_conn_reset_stream(p.cli, 4, H2C_H2_CANCEL), H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    const ct_ev *rs = must_find(&p.slog, H2C_CONN_EV_STREAM_RESET, 4, "server");
    ck_assert_int_eq(rs->remote, 1);
    ck_assert_uint_eq(rs->error_code, H2C_H2_CANCEL);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.srv, 4), H2C_STREAM_CLOSED);
    /* Client ids stay odd, independent of the pushes. */
    ck_assert_uint_eq(request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1), 3);
    ct_pair_free(&p);
}
END_TEST

/* Promises past max_reserved_streams are refused on the promised stream,
 * and a pushed response past the client's MAX_CONCURRENT_STREAMS is
 * refused too (5.1.2): a server cannot make a client hold streams without
 * end. */
START_TEST(pair_push_limits)
{
    h2c_conn_options co;
    h2c_conn_options_init(&co, H2C_CONN_CLIENT);
    co.settings.enable_push = 1;
    co.settings.max_concurrent_streams = 1;
    co.limits.max_reserved_streams = 3;
    ct_pair p;
    ct_pair_new(&p, &co, NULL);
    uint32_t id = request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    static const h2c_hpack_field preq[] = {HF(":method", "GET"), HF(":scheme", "https"),
                                           HF(":authority", "example.org"),
                                           HF(":path", "/style.css")};
    uint32_t pid[5];
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(h2c_conn_submit_push(p.srv, id, preq, 4, &pid[i]), H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_uint_eq(ct_log_count(&p.clog, H2C_CONN_EV_PUSH), 3);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, pid[i]),
                         i < 3 ? H2C_STREAM_RESERVED_REMOTE : H2C_STREAM_CLOSED);
    for (int i = 3; i < 5; i++) {
        const ct_ev *rs = must_find(&p.slog, H2C_CONN_EV_STREAM_RESET, pid[i], "server");
        ck_assert_int_eq(rs->remote, 1);
        ck_assert_uint_eq(rs->error_code, H2C_H2_REFUSED_STREAM);
    }
    /* An answered promise makes room for a new one. */
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, pid[0], OK_RESP, NFIELDS(OK_RESP), 0),
                     H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, pid[0]), H2C_STREAM_HALF_CLOSED_LOCAL);
    uint32_t more = 0;
    ck_assert_int_eq(h2c_conn_submit_push(p.srv, id, preq, 4, &more), H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, more), H2C_STREAM_RESERVED_REMOTE);
    /* pid[0] is open: a second pushed response passes MAX_CONCURRENT_STREAMS 1. */
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, pid[1], OK_RESP, NFIELDS(OK_RESP), 0),
                     H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, pid[1]), H2C_STREAM_CLOSED);
    ck_assert_int_lt(ct_log_find(&p.clog, H2C_CONN_EV_RESPONSE, pid[1], 0), 0);
    const ct_ev *rs = must_find(&p.slog, H2C_CONN_EV_STREAM_RESET, pid[1], "server");
    ck_assert_uint_eq(rs->error_code, H2C_H2_REFUSED_STREAM);
    /* The connection goes on. */
    ck_assert_uint_eq(request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1), 3);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    must_find(&p.slog, H2C_CONN_EV_REQUEST, 3, "server");
    ct_pair_free(&p);
}
END_TEST

START_TEST(pair_push_disabled)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL); /* the client's default: enable_push 0 */
    uint32_t id = request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    uint32_t pid = 77;
    size_t before = h2c_conn_output_len(p.srv);
    ck_assert_int_eq(h2c_conn_submit_push(p.srv, id, GET_REQ, 4, &pid), H2C_CONN_E_NO_STREAMS);
    ck_assert_uint_eq(h2c_conn_output_len(p.srv), before);
    /* A client cannot push. */
    ck_assert_int_lt(h2c_conn_submit_push(p.cli, id, GET_REQ, 4, &pid), 0);
    ct_pair_free(&p);
}
END_TEST

START_TEST(pair_ping)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_int_eq(h2c_conn_ping(p.cli, (const uint8_t *)"abcdefgh"), H2C_OK);
    ck_assert_int_eq(h2c_conn_ping(p.srv, NULL), H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    const ct_ev *sp = must_find(&p.slog, H2C_CONN_EV_PING, 0, "server");
    ck_assert_int_eq(memcmp(sp->opaque, "abcdefgh", 8), 0);
    const ct_ev *ca = must_find(&p.clog, H2C_CONN_EV_PING_ACK, 0, "client");
    ck_assert_int_eq(memcmp(ca->opaque, "abcdefgh", 8), 0);
    const ct_ev *cp = must_find(&p.clog, H2C_CONN_EV_PING, 0, "client");
    ck_assert_int_eq(memcmp(cp->opaque, "\0\0\0\0\0\0\0\0", 8), 0);
    must_find(&p.slog, H2C_CONN_EV_PING_ACK, 0, "server");
    ck_assert_uint_eq(ct_log_count(&p.slog, H2C_CONN_EV_PING_ACK), 1);
    ck_assert_uint_eq(ct_log_count(&p.clog, H2C_CONN_EV_PING_ACK), 1);
    ct_pair_free(&p);
}
END_TEST

/* Move everything c has queued to d; the frames are parsed into fs too. */
static int move_parse(h2c_conn *c, h2c_conn *d, ct_log *dlog, ct_frames *fs)
{
    ct_buf b = {0};
    ct_drain(c, &b);
    ct_parse(b.p, b.len, fs);
    int rc = ct_feed(d, b.p, b.len, dlog);
    ct_buf_free(&b);
    return rc;
}

START_TEST(pair_settings_update)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_uint_eq(h2c_conn_local_settings(p.srv)->header_table_size, 4096);
    h2c_conn_settings s = *h2c_conn_local_settings(p.srv);
    s.header_table_size = 256;
    s.initial_window_size = 100000;
    ck_assert_int_eq(h2c_conn_update_settings(p.srv, &s), H2C_OK);
    /* Not in force until acknowledged. */
    ck_assert_uint_eq(h2c_conn_local_settings(p.srv)->header_table_size, 4096);
    ck_assert_uint_eq(h2c_conn_local_settings(p.srv)->initial_window_size, 65535);

    ct_frames fs = {0};
    ck_assert_int_eq(move_parse(p.srv, p.cli, &p.clog, &fs), H2C_OK);
    ck_assert_uint_eq(fs.n, 1);
    ck_assert_uint_eq(fs.f[0].type, H2C_FRAME_TYPE_SETTINGS);
    /* Only the values that changed. */
    ck_assert_uint_eq(fs.f[0].nsettings, 2);
    long si = -1;
    for (long k = 0; (k = ct_log_find(&p.clog, H2C_CONN_EV_SETTINGS, 0, (size_t)k)) >= 0; k++)
        si = k; /* the last one */
    ck_assert_int_ge(si, 0);
    ck_assert_uint_eq(p.clog.ev[si].settings.header_table_size, 256);
    ck_assert_uint_eq(p.clog.ev[si].settings.initial_window_size, 100000);
    ck_assert_uint_eq(h2c_conn_remote_settings(p.cli)->header_table_size, 256);
    ck_assert_uint_eq(ct_log_count(&p.slog, H2C_CONN_EV_SETTINGS_ACK), 1);
    ck_assert_int_eq(move_parse(p.cli, p.srv, &p.slog, &fs), H2C_OK);
    ck_assert_msg(fs.n == 1 && fs.f[0].type == H2C_FRAME_TYPE_SETTINGS &&
                      fs.f[0].flags == H2C_FRAME_FLAG_ACK,
                  "client did not answer with a SETTINGS ACK alone");
    ck_assert_uint_eq(ct_log_count(&p.slog, H2C_CONN_EV_SETTINGS_ACK), 2);
    ck_assert_uint_eq(h2c_conn_local_settings(p.srv)->header_table_size, 256);
    ck_assert_uint_eq(h2c_conn_local_settings(p.srv)->initial_window_size, 100000);

    /* A request after the change decodes (the client's block starts with
     * the size update the new setting requires), and the bigger window is
     * the client's send window for new streams. */
    uint32_t id = request(p.cli, POST_REQ, NFIELDS(POST_REQ), 0);
    ck_assert_uint_eq(h2c_conn_send_window(p.cli, id), 65535); /* connection window */
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    must_find(&p.slog, H2C_CONN_EV_REQUEST, id, "server");
    ct_frames_free(&fs);
    ct_pair_free(&p);
}
END_TEST

START_TEST(pair_settings_unacked_limit)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    h2c_conn_settings s = *h2c_conn_local_settings(r.c);
    for (uint32_t i = 0; i < 8; i++) {
        s.initial_window_size = 70000 + i;
        ck_assert_int_eq(h2c_conn_update_settings(r.c, &s), H2C_OK);
    }
    s.initial_window_size = 90000;
    size_t before = h2c_conn_output_len(r.c);
    ck_assert_int_eq(h2c_conn_update_settings(r.c, &s), H2C_E_STATE);
    ck_assert_uint_eq(h2c_conn_output_len(r.c), before);
    /* Each ACK puts the next in force, oldest first; then one slot is free. */
    for (uint32_t i = 0; i < 8; i++) {
        ct_fr_settings(&r.in, H2C_FRAME_FLAG_ACK, NULL, 0);
        ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
        ck_assert_uint_eq(h2c_conn_local_settings(r.c)->initial_window_size, 70000 + i);
        if (i == 0)
            ck_assert_int_eq(h2c_conn_update_settings(r.c, &s), H2C_OK);
    }
    ct_fr_settings(&r.in, H2C_FRAME_FLAG_ACK, NULL, 0);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    ck_assert_uint_eq(h2c_conn_local_settings(r.c)->initial_window_size, 90000);
    /* Out of range settings are refused. */
    s.initial_window_size = 0x80000000u;
    ck_assert_int_eq(h2c_conn_update_settings(r.c, &s), H2C_E_INVALID_ARGUMENT);
    ct_raw_free(&r);
}
END_TEST

START_TEST(pair_goaway_graceful)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    uint32_t id = request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_int_eq(h2c_conn_close(p.srv, H2C_H2_NO_ERROR, h2c_view_of("bye", 3)), H2C_OK);
    ck_assert_int_eq(h2c_conn_done(p.srv), 0);
    ct_frames fs = {0};
    ck_assert_int_eq(move_parse(p.srv, p.cli, &p.clog, &fs), H2C_OK);
    const ct_frame *g = ct_frames_find(&fs, H2C_FRAME_TYPE_GOAWAY, 0);
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->last, id);
    ck_assert_uint_eq(g->code, H2C_H2_NO_ERROR);
    const ct_ev *ge = must_find(&p.clog, H2C_CONN_EV_GOAWAY, 0, "client");
    ck_assert_uint_eq(ge->last_stream_id, id);
    ck_assert_uint_eq(ge->error_code, 0);
    ck_assert_uint_eq(ge->debug_len, 3);
    ck_assert_int_eq(memcmp(ge->debug, "bye", 3), 0);
    uint32_t nid = 0;
    ck_assert_int_eq(h2c_conn_submit_request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1, &nid),
                     H2C_CONN_E_NO_STREAMS);
    ck_assert_int_eq(h2c_conn_done(p.cli), 0); /* stream 1 still open */
    /* The open stream finishes. */
    respond(p.srv, id, "last", 0);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    must_find(&p.clog, H2C_CONN_EV_STREAM_END, id, "client");
    ck_assert_int_eq(h2c_conn_done(p.srv), 1);
    ck_assert_int_eq(h2c_conn_done(p.cli), 1);
    ct_frames_free(&fs);
    ct_pair_free(&p);
}
END_TEST

START_TEST(pair_goaway_from_client)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_int_eq(h2c_conn_close(p.cli, H2C_H2_NO_ERROR, h2c_view_of(NULL, 0)), H2C_OK);
    ct_frames fs = {0};
    ck_assert_int_eq(move_parse(p.cli, p.srv, &p.slog, &fs), H2C_OK);
    const ct_frame *g = ct_frames_find(&fs, H2C_FRAME_TYPE_GOAWAY, 0);
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->last, 0); /* the server opened nothing */
    must_find(&p.slog, H2C_CONN_EV_GOAWAY, 0, "server");
    uint32_t nid;
    ck_assert_int_lt(h2c_conn_submit_request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1, &nid), 0);
    ck_assert_int_eq(h2c_conn_done(p.cli), 1);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_int_eq(h2c_conn_done(p.srv), 1);
    ct_frames_free(&fs);
    ct_pair_free(&p);
}
END_TEST

START_TEST(pair_reset_both_ways)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    uint32_t a = request(p.cli, POST_REQ, NFIELDS(POST_REQ), 0);
    uint32_t b = request(p.cli, POST_REQ, NFIELDS(POST_REQ), 0);
    ck_assert_uint_eq(a, 1);
    ck_assert_uint_eq(b, 3);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_uint_eq(h2c_conn_open_streams(p.srv), 2);

    ck_assert_int_eq(h2c_conn_reset_stream(p.cli, a, H2C_H2_CANCEL), H2C_OK);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, a), H2C_STREAM_CLOSED);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    const ct_ev *e = must_find(&p.slog, H2C_CONN_EV_STREAM_RESET, a, "server");
    ck_assert_int_eq(e->remote, 1);
    ck_assert_uint_eq(e->error_code, H2C_H2_CANCEL);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.srv, a), H2C_STREAM_CLOSED);

    ck_assert_int_eq(h2c_conn_reset_stream(p.srv, b, H2C_H2_INTERNAL_ERROR), H2C_OK);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    e = must_find(&p.clog, H2C_CONN_EV_STREAM_RESET, b, "client");
    ck_assert_int_eq(e->remote, 1);
    ck_assert_uint_eq(e->error_code, H2C_H2_INTERNAL_ERROR);
    ck_assert_uint_eq(h2c_conn_open_streams(p.srv), 0);
    ck_assert_uint_eq(h2c_conn_open_streams(p.cli), 0);

    size_t acc = 9;
    ck_assert_int_eq(h2c_conn_submit_data(p.cli, a, (const uint8_t *)"x", 1, 1, &acc),
                     H2C_CONN_E_STREAM_STATE);
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, b, OK_RESP, NFIELDS(OK_RESP), 1),
                     H2C_CONN_E_STREAM_STATE);
    ck_assert_int_eq(h2c_conn_end_stream(p.cli, b), H2C_CONN_E_STREAM_STATE);
    ck_assert_int_eq(h2c_conn_reset_stream(p.cli, 99, H2C_H2_CANCEL), H2C_CONN_E_STREAM_STATE);
    ck_assert_int_eq(h2c_conn_reset_stream(p.srv, 5, H2C_H2_CANCEL), H2C_CONN_E_STREAM_STATE);
    ck_assert_uint_eq(h2c_conn_output_len(p.cli), 0);
    ck_assert_uint_eq(h2c_conn_output_len(p.srv), 0);
    ct_pair_free(&p);
}
END_TEST

START_TEST(pair_end_stream)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    uint32_t id = request(p.cli, POST_REQ, NFIELDS(POST_REQ), 0);
    ck_assert_int_eq(h2c_conn_end_stream(p.cli, id), H2C_OK);
    ck_assert_int_eq(h2c_conn_stream_state_get(p.cli, id), H2C_STREAM_HALF_CLOSED_LOCAL);
    ck_assert_int_eq(h2c_conn_end_stream(p.cli, id), H2C_CONN_E_STREAM_STATE);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    must_find(&p.slog, H2C_CONN_EV_STREAM_END, id, "server");
    ck_assert_int_eq(h2c_conn_stream_state_get(p.srv, id), H2C_STREAM_HALF_CLOSED_REMOTE);
    ct_pair_free(&p);
}
END_TEST

START_TEST(pair_many_streams)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK); /* the client learns the limit: 100 */
    uint32_t prev = 0;
    for (int i = 0; i < 100; i++) {
        uint32_t id = request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
        ck_assert_uint_eq(id, prev ? prev + 2 : 1);
        prev = id;
    }
    ck_assert_uint_eq(prev, 199);
    ck_assert_uint_eq(h2c_conn_open_streams(p.cli), 100);
    uint32_t nid = 0;
    ck_assert_int_eq(h2c_conn_submit_request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1, &nid),
                     H2C_CONN_E_NO_STREAMS);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_uint_eq(ct_log_count(&p.slog, H2C_CONN_EV_REQUEST), 100);
    ck_assert_uint_eq(ct_log_count(&p.slog, H2C_CONN_EV_STREAM_RESET), 0);
    ck_assert_uint_eq(h2c_conn_open_streams(p.srv), 100);
    for (uint32_t id = 1; id <= 199; id += 2)
        respond(p.srv, id, "ok", 0);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_uint_eq(ct_log_count(&p.clog, H2C_CONN_EV_RESPONSE), 100);
    ck_assert_uint_eq(ct_log_count(&p.clog, H2C_CONN_EV_STREAM_END), 100);
    ck_assert_uint_eq(h2c_conn_open_streams(p.cli), 0);
    ck_assert_uint_eq(h2c_conn_open_streams(p.srv), 0);
    ck_assert_uint_eq(request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1), 201);
    ct_pair_free(&p);
}
END_TEST

/* Submit calls on the wrong role or stream fail and queue nothing. */
START_TEST(pair_local_misuse)
{
    ct_pair p;
    ct_pair_new(&p, NULL, NULL);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    uint32_t id = 0;
    ck_assert_int_lt(h2c_conn_submit_request(p.srv, GET_REQ, NFIELDS(GET_REQ), 1, &id), 0);
    ck_assert_int_eq(h2c_conn_submit_headers(p.srv, 1, OK_RESP, NFIELDS(OK_RESP), 1),
                     H2C_CONN_E_STREAM_STATE);
    size_t acc = 5;
    ck_assert_int_eq(h2c_conn_submit_data(p.cli, 1, (const uint8_t *)"x", 1, 0, &acc),
                     H2C_CONN_E_STREAM_STATE);
    id = request(p.cli, GET_REQ, NFIELDS(GET_REQ), 1);
    /* Our side ended: no more data. */
    ck_assert_int_eq(h2c_conn_submit_data(p.cli, id, (const uint8_t *)"x", 1, 0, &acc),
                     H2C_CONN_E_STREAM_STATE);
    ck_assert_uint_eq(h2c_conn_send_window(p.cli, 99), 0);
    h2c_conn_free(NULL);
    ct_pair_free(&p);
}
END_TEST

/* limits.max_output: "a submit that would pass it fails with
 * H2C_E_BUFFER_TOO_SMALL" -- our own frames too, however the caller
 * queues them, so that a caller that never writes cannot grow the queue. */
START_TEST(pair_output_bound_own_frames)
{
    h2c_conn_options so;
    h2c_conn_options_init(&so, H2C_CONN_SERVER);
    so.limits.max_output = 4096;
    ct_raw r;
    ct_raw_server(&r, &so);
    int rc = H2C_OK;
    unsigned n;
    for (n = 0; n < 10000 && rc == H2C_OK; n++) {
        rc = h2c_conn_ping(r.c, (const uint8_t *)"ownpings");
        ck_assert_msg(h2c_conn_output_len(r.c) <= so.limits.max_output,
                      "our PINGs queued %zu octets, max_output %zu", h2c_conn_output_len(r.c),
                      so.limits.max_output);
    }
    ck_assert_msg(rc == H2C_E_BUFFER_TOO_SMALL, "ping %u: %s (expected H2C_E_BUFFER_TOO_SMALL)",
                  n, h2c_status_name(rc));
    ck_assert_int_eq(h2c_conn_error(r.c, NULL), H2C_OK); /* a local failure */
    ct_raw_out(&r);
    /* after draining, pings go out again */
    ck_assert_int_eq(h2c_conn_ping(r.c, NULL), H2C_OK);
    /* the same for response headers and data */
    ct_fr_get(&r.in, 1, 1, "/");
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    static const h2c_hpack_field big[] = {HF(":status", "200"), HF("x-pad", "0123456789012345678"
                                          "9012345678901234567890123456789012345678901234567890123"
                                          "4567890123456789")};
    ck_assert_int_eq(h2c_conn_submit_headers(r.c, 1, big, 2, 0), H2C_OK);
    static uint8_t body[8000];
    size_t acc = 0;
    ck_assert_int_eq(h2c_conn_submit_data(r.c, 1, body, sizeof body, 1, &acc), H2C_OK);
    ck_assert_msg(acc < sizeof body && h2c_conn_output_len(r.c) <= so.limits.max_output,
                  "data: accepted %zu, output %zu", acc, h2c_conn_output_len(r.c));
    ct_raw_free(&r);
}
END_TEST

/* The same for GOAWAY: h2c_conn_close() called again and again. */
START_TEST(pair_output_bound_close)
{
    h2c_conn_options so;
    h2c_conn_options_init(&so, H2C_CONN_SERVER);
    so.limits.max_output = 4096;
    ct_raw r;
    ct_raw_server(&r, &so);
    ct_fr_get(&r.in, 1, 0, "/");
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    for (unsigned n = 0; n < 1000; n++) {
        int rc = h2c_conn_close(r.c, H2C_H2_NO_ERROR, h2c_view_of("again", 5));
        ck_assert_msg(rc <= 0, "close: %d", rc);
        ck_assert_msg(h2c_conn_output_len(r.c) <= so.limits.max_output,
                      "after %u calls of h2c_conn_close() %zu octets are queued, max_output %zu",
                      n + 1, h2c_conn_output_len(r.c), so.limits.max_output);
    }
    ct_raw_out(&r);
    ck_assert_uint_ge(ct_frames_count(&r.out, H2C_FRAME_TYPE_GOAWAY), 1);
    ct_raw_free(&r);
}
END_TEST

START_TEST(options_defaults_and_ranges)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    ck_assert_int_eq(o.role, H2C_CONN_SERVER);
    ck_assert_uint_eq(o.settings.header_table_size, 4096);
    ck_assert_uint_eq(o.settings.enable_push, 0);
    ck_assert_uint_eq(o.settings.max_concurrent_streams, 100);
    ck_assert_uint_eq(o.settings.initial_window_size, 65535);
    ck_assert_uint_eq(o.settings.max_frame_size, 16384);
    ck_assert_uint_eq(o.settings.max_header_list_size, 65536);
    ck_assert_uint_eq(o.connection_window, 65535);
    ck_assert_uint_eq(o.limits.max_output, 1u << 20);
    ck_assert_uint_eq(o.limits.max_peer_resets, 200);
    ck_assert_uint_eq(o.limits.max_stream_errors, 200);
    ck_assert_uint_eq(o.limits.max_empty_frames, 1000);
    ck_assert_uint_eq(o.limits.max_continuations, 512);
    ck_assert_uint_eq(o.limits.max_block_size, 131072);
    ck_assert_uint_eq(o.limits.max_settings_entries, 32);
    ck_assert_uint_eq(o.limits.max_unacked_settings, 8);
    ck_assert_ptr_null(o.allocator);

    /* RFC 9113 6.5.2 ranges. */
    struct {
        int field;
        uint32_t value;
    } bad[] = {{0, 2}, {1, 0x80000000u}, {2, 16383}, {2, 16777216}, {3, 2}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        h2c_conn_options b = o;
        switch (bad[i].field) {
        case 0: b.settings.enable_push = bad[i].value; break;
        case 1: b.settings.initial_window_size = bad[i].value; break;
        case 2: b.settings.max_frame_size = bad[i].value; break;
        case 3: b.settings.enable_connect_protocol = bad[i].value; break;
        }
        h2c_conn *c = (h2c_conn *)(uintptr_t)1;
        ck_assert_msg(h2c_conn_new(&c, &b) == H2C_E_INVALID_ARGUMENT,
                      "setting case %zu accepted", i);
        ck_assert_ptr_null(c);
    }
    h2c_conn_options b = o;
    b.connection_window = 0x80000000u;
    h2c_conn *c = (h2c_conn *)(uintptr_t)1;
    ck_assert_int_eq(h2c_conn_new(&c, &b), H2C_E_INVALID_ARGUMENT);
    ck_assert_ptr_null(c);
    b = o;
    b.role = 7;
    ck_assert_int_eq(h2c_conn_new(&c, &b), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_conn_new(NULL, &o), H2C_E_INVALID_ARGUMENT);

    /* A connection window above 65535 is announced right after SETTINGS. */
    b = o;
    b.connection_window = 1u << 20;
    c = ct_new(&b);
    ct_frames fs = {0};
    ct_out(c, &fs);
    ck_assert_uint_ge(fs.n, 2);
    ck_assert_uint_eq(fs.f[0].type, H2C_FRAME_TYPE_SETTINGS);
    ck_assert_uint_eq(fs.f[1].type, H2C_FRAME_TYPE_WINDOW_UPDATE);
    ck_assert_uint_eq(fs.f[1].stream, 0);
    ck_assert_uint_eq(fs.f[1].increment, (1u << 20) - 65535);
    h2c_conn_free(c);
    /* Client preface: the 24 octets, then SETTINGS with what differs from
     * the protocol's values (client: ENABLE_PUSH 0, MAX_CONCURRENT_STREAMS
     * 100, MAX_HEADER_LIST_SIZE 65536). */
    h2c_conn_options_init(&b, H2C_CONN_CLIENT);
    c = ct_new(&b);
    ct_out(c, &fs);
    ck_assert_int_eq(fs.preface, 1);
    ck_assert_uint_eq(fs.f[0].type, H2C_FRAME_TYPE_SETTINGS);
    ck_assert_uint_eq(fs.f[0].nsettings, 3);
    h2c_conn_free(c);
    ct_frames_free(&fs);
}
END_TEST

TCase *ct_tcase_pair(void)
{
    TCase *tc = tcase_create("pair");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, pair_request_response);
    tcase_add_test(tc, pair_large_response_headers);
    tcase_add_test(tc, pair_stream_user);
    tcase_add_test(tc, pair_post_flow_control);
    tcase_add_test(tc, pair_consume_policy);
    tcase_add_test(tc, pair_manual_window_update);
    tcase_add_test(tc, pair_trailers);
    tcase_add_test(tc, pair_informational);
    tcase_add_test(tc, pair_push);
    tcase_add_test(tc, pair_push_disabled);
    tcase_add_test(tc, pair_push_limits);
    tcase_add_test(tc, pair_ping);
    tcase_add_test(tc, pair_settings_update);
    tcase_add_test(tc, pair_settings_unacked_limit);
    tcase_add_test(tc, pair_goaway_graceful);
    tcase_add_test(tc, pair_goaway_from_client);
    tcase_add_test(tc, pair_reset_both_ways);
    tcase_add_test(tc, pair_end_stream);
    tcase_add_test(tc, pair_many_streams);
    tcase_add_test(tc, pair_local_misuse);
    tcase_add_test(tc, pair_output_bound_own_frames);
    tcase_add_test(tc, pair_output_bound_close);
    tcase_add_test(tc, options_defaults_and_ranges);
    return tc;
}
