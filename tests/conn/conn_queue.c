/* SPDX-License-Identifier: MIT */
/*
 * The events of one frame: the first comes back in the caller's event, the
 * others wait in a queue of fixed size (one slot for an endpoint, three
 * for an observer; conn/src/conn_int.h).  These cases drive the frames
 * that give the most events, several to one input, and check that every
 * event comes out, in order, with the connection intact.
 */
#include <check.h>
#include <string.h>

#include "conn_cases.h"
#include "conn_util.h"

#define ES_EH (H2C_FRAME_FLAG_END_STREAM | H2C_FRAME_FLAG_END_HEADERS)

/* The log as "NAME:stream NAME:stream ...". */
static void sequence(const ct_log *l, ct_buf *out)
{
    ct_buf_clear(out);
    for (size_t i = 0; i < l->n; i++)
        ct_buf_fmt(out, "%s%s:%u", i ? " " : "", ct_ev_name(l->ev[i].type), l->ev[i].stream_id);
    ct_buf_u8(out, 0);
}

/* An endpoint's frames that give two events each, back to back in one
 * input: fields + STREAM_END, DATA + STREAM_END, HEADERS_TOO_LARGE +
 * STREAM_END.  One slot of queue is enough, whatever follows. */
START_TEST(queue_endpoint_two_per_frame)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    o.settings.max_header_list_size = 200;
    ct_raw r;
    ct_raw_server(&r, &o);
    ct_buf blk = {0}, big = {0}, seq = {0};
    ct_hp_req(&blk, "GET", "/");
    ct_hp_req(&big, "GET", "/big");
    char v[300];
    memset(v, 'v', sizeof v - 1);
    v[sizeof v - 1] = 0;
    ct_hp_lit(&big, "x-big", v);
    ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len);
    ct_fr_headers(&r.in, 3, H2C_FRAME_FLAG_END_HEADERS, blk.p, blk.len);
    ct_fr_data(&r.in, 3, H2C_FRAME_FLAG_END_STREAM, NULL, 10);
    ct_fr_headers(&r.in, 5, ES_EH, big.p, big.len);
    ct_fr_headers(&r.in, 7, ES_EH, blk.p, blk.len);
    ct_fr_ping(&r.in, 0, "12345678");
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    sequence(&r.log, &seq);
    ck_assert_str_eq((char *)seq.p, "REQUEST:1 STREAM_END:1 REQUEST:3 DATA:3 STREAM_END:3 "
                                    "HEADERS_TOO_LARGE:5 STREAM_END:5 REQUEST:7 STREAM_END:7 "
                                    "PING:0");
    ck_assert_int_eq(r.log.ev[3].end_stream, 1);
    ck_assert_int_eq(h2c_conn_error(r.c, NULL), H2C_OK);

    /* The same octets one at a time: the second event of a frame waits
     * while the next frame's octets come in. */
    ct_raw s;
    ct_raw_server(&s, &o);
    ct_fr_headers(&s.in, 1, ES_EH, blk.p, blk.len);
    ct_fr_headers(&s.in, 3, H2C_FRAME_FLAG_END_HEADERS, blk.p, blk.len);
    ct_fr_data(&s.in, 3, H2C_FRAME_FLAG_END_STREAM, NULL, 10);
    ck_assert_int_eq(ct_feed_chunked(s.c, s.in.p, s.in.len, 1, &s.log), H2C_OK);
    sequence(&s.log, &seq);
    ck_assert_str_eq((char *)seq.p, "REQUEST:1 STREAM_END:1 REQUEST:3 DATA:3 STREAM_END:3");
    ct_buf_free(&blk);
    ct_buf_free(&big);
    ct_buf_free(&seq);
    ct_raw_free(&r);
    ct_raw_free(&s);
}
END_TEST

/* A refused block with END_STREAM: the fields event is taken back and the
 * reset takes its place, so the frame still gives one event. */
START_TEST(queue_endpoint_withdrawn)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    ct_buf blk = {0}, seq = {0};
    ct_hp_req(&blk, "POST", "/");
    ct_hp_lit(&blk, "content-length", "5");
    ct_fr_headers(&r.in, 1, ES_EH, blk.p, blk.len); /* no body after content-length 5 */
    ct_fr_headers(&r.in, 3, ES_EH, blk.p, blk.len);
    ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
    sequence(&r.log, &seq);
    ck_assert_str_eq((char *)seq.p, "STREAM_RESET:1 STREAM_RESET:3");
    ck_assert_int_eq(r.log.ev[0].error.status, H2C_CONN_E_CONTENT_LENGTH);
    ck_assert_int_eq(h2c_conn_error(r.c, NULL), H2C_OK);
    ct_buf_free(&blk);
    ct_buf_free(&seq);
    ct_raw_free(&r);
}
END_TEST

/* The observer's worst frame gives four events: a HEADERS frame with
 * END_STREAM that depends on its own stream is reported (FRAME), its block
 * decoded (REQUEST, STREAM_END), then the parser's stream error
 * (STREAM_RESET).  Twice in one input, then a PING. */
START_TEST(queue_observer_four_per_frame)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    o.flags |= H2C_CONN_OBSERVE;
    h2c_conn *c = ct_new(&o);
    ct_log log;
    ct_log_init(&log, 1);
    ct_buf in = {0}, blk = {0}, seq = {0};
    ct_buf_put(&in, H2C_FRAME_CLIENT_PREFACE, H2C_FRAME_CLIENT_PREFACE_LEN);
    ct_fr_settings(&in, 0, NULL, 0);
    ct_hp_req(&blk, "GET", "/");
    for (uint32_t id = 1; id <= 3; id += 2) {
        h2c_frame f;
        h2c_frame_init(&f, H2C_FRAME_TYPE_HEADERS, ES_EH | H2C_FRAME_FLAG_PRIORITY, id);
        f.u.headers.priority.dependency = id;
        f.u.headers.priority.weight = 16;
        f.u.headers.fragment = h2c_view_of(blk.p, blk.len);
        ct_fr(&in, &f);
    }
    ct_fr_ping(&in, 0, "12345678");
    ck_assert_int_eq(ct_feed(c, in.p, in.len, &log), H2C_OK);
    sequence(&log, &seq);
    ck_assert_str_eq((char *)seq.p, "PREFACE:0 FRAME:0 "
                                    "FRAME:1 REQUEST:1 STREAM_END:1 STREAM_RESET:1 "
                                    "FRAME:3 REQUEST:3 STREAM_END:3 STREAM_RESET:3 FRAME:0");
    ck_assert_int_eq(log.ev[5].error.status, H2C_FRAME_E_SELF_DEPENDENCY);
    ck_assert_int_eq(h2c_conn_error(c, NULL), H2C_OK);

    /* One octet at a time gives the same. */
    h2c_conn *d = ct_new(&o);
    ct_log dlog;
    ct_log_init(&dlog, 1);
    ck_assert_int_eq(ct_feed_chunked(d, in.p, in.len, 1, &dlog), H2C_OK);
    ct_buf seq2 = {0};
    sequence(&dlog, &seq2);
    ck_assert_str_eq((char *)seq2.p, (char *)seq.p);
    h2c_conn_free(c);
    h2c_conn_free(d);
    ct_log_free(&log);
    ct_log_free(&dlog);
    ct_buf_free(&in);
    ct_buf_free(&blk);
    ct_buf_free(&seq);
    ct_buf_free(&seq2);
}
END_TEST

TCase *ct_tcase_queue(void)
{
    TCase *tc = tcase_create("queue");
    tcase_set_timeout(tc, 120); /* octet-at-a-time feeding under sanitizers */
    tcase_add_test(tc, queue_endpoint_two_per_frame);
    tcase_add_test(tc, queue_endpoint_withdrawn);
    tcase_add_test(tc, queue_observer_four_per_frame);
    return tc;
}
