/* SPDX-License-Identifier: MIT */
/*
 * Allocation behaviour (zero allocations per request in steady state,
 * memory accounting, allocation failures) and chunking (the events do not
 * depend on how the input is cut).
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn_cases.h"
#include "conn_util.h"
#include "testutil.h"

typedef struct counted {
    h2t_failalloc fa;
    h2c_allocator al;
} counted;

static void counted_init(counted *c)
{
    memset(c, 0, sizeof *c);
    c->al.alloc = h2t_fa_alloc;
    c->al.free = h2t_fa_free;
    c->al.opaque = &c->fa;
}

/* One request and its response over a pair; every 10th a POST of 20000
 * octets, every 7th a response with trailers.  Returns H2C_OK or the first
 * failure (the pair is then left as it is). */
static int one_request(ct_pair *p, unsigned i)
{
    char path[32], cookie[32], date[48];
    snprintf(path, sizeof path, "/item/%u", i % 13);
    snprintf(cookie, sizeof cookie, "session=%u", i % 5);
    snprintf(date, sizeof date, "Mon, 01 Dec 2026 10:%02u:%02u GMT", (i / 60) % 60, i % 60);
    int post = i % 10 == 9;
    h2c_hpack_field req[] = {
        HF(":method", "GET"), HF(":scheme", "https"), HF(":authority", "example.org"),
        HF(":path", ""), HF("user-agent", "conn-test/1.0"), HF("accept", "*/*"),
        HF("cookie", ""),
    };
    if (post)
        req[0].value = h2c_view_of("POST", 4);
    req[3].value = h2c_view_of(path, strlen(path));
    req[6].value = h2c_view_of(cookie, strlen(cookie));
    uint32_t id = 0;
    int rc = h2c_conn_submit_request(p->cli, req, NFIELDS(req), !post, &id);
    if (rc != H2C_OK)
        return rc;
    if (post) {
        static uint8_t body[20000];
        size_t sent = 0;
        for (int round = 0; sent < sizeof body && round < 100; round++) {
            size_t acc = 0;
            rc = h2c_conn_submit_data(p->cli, id, body + sent, sizeof body - sent, 1, &acc);
            if (rc != H2C_OK)
                return rc;
            sent += acc;
            rc = ct_pair_pump(p);
            if (rc != H2C_OK)
                return rc;
        }
        ck_assert_uint_eq(sent, sizeof body);
    }
    rc = ct_pair_pump(p);
    if (rc != H2C_OK)
        return rc;
    h2c_hpack_field resp[] = {HF(":status", "200"), HF("content-type", "text/html"),
                              HF("content-length", "1000"), HF("date", "")};
    resp[3].value = h2c_view_of(date, strlen(date));
    rc = h2c_conn_submit_headers(p->srv, id, resp, NFIELDS(resp), 0);
    if (rc != H2C_OK)
        return rc;
    static uint8_t page[1000];
    size_t acc = 0;
    int trailers = i % 7 == 3;
    rc = h2c_conn_submit_data(p->srv, id, page, sizeof page, !trailers, &acc);
    if (rc != H2C_OK)
        return rc;
    ck_assert_uint_eq(acc, sizeof page);
    if (trailers) {
        static const h2c_hpack_field tr[] = {HF("x-done", "1")};
        rc = h2c_conn_submit_headers(p->srv, id, tr, 1, 1);
        if (rc != H2C_OK)
            return rc;
    }
    return ct_pair_pump(p);
}

static void pair_counted(ct_pair *p, counted *cc, counted *sc)
{
    h2c_conn_options co, so;
    h2c_conn_options_init(&co, H2C_CONN_CLIENT);
    h2c_conn_options_init(&so, H2C_CONN_SERVER);
    co.allocator = &cc->al;
    so.allocator = &sc->al;
    ct_pair_new(p, &co, &so);
    p->clog.keep = 0;
    p->slog.keep = 0;
    p->clog.consume = 1;
    p->slog.consume = 1;
}

START_TEST(memory_steady_state)
{
    counted cc, sc;
    counted_init(&cc);
    counted_init(&sc);
    ct_pair p;
    pair_counted(&p, &cc, &sc);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    printf("idle connection heap (after the SETTINGS exchange): server %zu octets in %ld "
           "blocks, client %zu octets in %ld blocks\n",
           h2c_conn_memory(p.srv), sc.fa.live, h2c_conn_memory(p.cli), cc.fa.live);
    ck_assert_uint_eq(h2c_conn_memory(p.srv), sc.fa.live_bytes);
    ck_assert_uint_eq(h2c_conn_memory(p.cli), cc.fa.live_bytes);

    for (unsigned i = 0; i < 100; i++)
        ck_assert_int_eq(one_request(&p, i), H2C_OK);
    unsigned long c0 = cc.fa.calls, s0 = sc.fa.calls;
    size_t cm = h2c_conn_memory(p.cli), sm = h2c_conn_memory(p.srv);
    for (unsigned i = 100; i < 1100; i++)
        ck_assert_int_eq(one_request(&p, i), H2C_OK);
    printf("after 1100 requests: server %zu octets (%lu allocations in all), client %zu octets "
           "(%lu allocations)\n",
           h2c_conn_memory(p.srv), sc.fa.calls, h2c_conn_memory(p.cli), cc.fa.calls);
    ck_assert_uint_eq(ct_log_count(&p.slog, H2C_CONN_EV_REQUEST), 1100);
    ck_assert_uint_eq(ct_log_count(&p.clog, H2C_CONN_EV_RESPONSE), 1100);
    ck_assert_uint_eq(ct_log_count(&p.clog, H2C_CONN_EV_STREAM_END), 1100);
    ck_assert_msg(sc.fa.calls == s0, "server: %lu allocations in 1000 steady-state requests",
                  sc.fa.calls - s0);
    ck_assert_msg(cc.fa.calls == c0, "client: %lu allocations in 1000 steady-state requests",
                  cc.fa.calls - c0);
    ck_assert_uint_eq(h2c_conn_memory(p.srv), sm);
    ck_assert_uint_eq(h2c_conn_memory(p.cli), cm);
    ck_assert_uint_eq(h2c_conn_memory(p.srv), sc.fa.live_bytes);
    ck_assert_uint_eq(h2c_conn_memory(p.cli), cc.fa.live_bytes);
    ct_pair_free(&p);
    ck_assert_int_eq(sc.fa.live, 0);
    ck_assert_int_eq(cc.fa.live, 0);
}
END_TEST

/* Per-stream state comes from a pool that grows with use, not sized to the
 * concurrency limit: a connection that never had more than one stream open
 * holds much less than one that had 100. */
START_TEST(memory_stream_pool_grows)
{
    counted cc, sc;
    counted_init(&cc);
    counted_init(&sc);
    ct_pair p;
    pair_counted(&p, &cc, &sc);
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    ck_assert_int_eq(one_request(&p, 0), H2C_OK);
    size_t one = h2c_conn_memory(p.srv);
    static const h2c_hpack_field req[] = {HF(":method", "GET"), HF(":scheme", "https"),
                                          HF(":authority", "example.org"), HF(":path", "/")};
    for (int i = 0; i < 100; i++) {
        uint32_t id;
        ck_assert_int_eq(h2c_conn_submit_request(p.cli, req, 4, 1, &id), H2C_OK);
    }
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    size_t hundred = h2c_conn_memory(p.srv);
    printf("server heap: %zu octets with 1 stream used, %zu with 100 open\n", one, hundred);
    ck_assert_msg(hundred > one, "100 open streams cost nothing: the pool is preallocated");
    ct_pair_free(&p);
}
END_TEST

/* The table from stream id to record: streams opened and closed in a
 * shifting pattern, up to 40 open at once (past the table inside the
 * connection), each closed one leaving an empty slot or a tombstone.
 * Every id must still be found, or known closed, after each step. */
START_TEST(memory_stream_table_churn)
{
    h2c_conn_options so;
    h2c_conn_options_init(&so, H2C_CONN_SERVER);
    so.limits.max_peer_resets = 0; /* the client resets most of its streams */
    ct_pair p;
    ct_pair_new(&p, NULL, &so);
    p.slog.keep = 0;
    p.clog.keep = 0;
    ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
    static const h2c_hpack_field req[] = {HF(":method", "GET"), HF(":scheme", "https"),
                                          HF(":authority", "example.org"), HF(":path", "/")};
    enum { STREAMS = 400 };
    static uint32_t ids[STREAMS];
    static int open[STREAMS];
    unsigned nopen = 0;
    for (unsigned i = 0; i < STREAMS; i++) {
        ck_assert_int_eq(h2c_conn_submit_request(p.cli, req, 4, 0, &ids[i]), H2C_OK);
        open[i] = 1;
        nopen++;
        /* Close some: the oldest, one from the middle, or none, so that
         * runs of open and closed ids of every length go through the
         * table; the concurrency climbs to 40, then falls back. */
        unsigned want = i < 200 ? 1 + i / 5 : 1 + (STREAMS - i) / 5;
        for (unsigned k = 0; nopen > want && k <= i; k++) {
            unsigned j = (k * 7 + i) % (i + 1);
            if (!open[j])
                continue;
            ck_assert_int_eq(h2c_conn_reset_stream(p.cli, ids[j], H2C_H2_CANCEL), H2C_OK);
            open[j] = 0;
            nopen--;
        }
        ck_assert_int_eq(ct_pair_pump(&p), H2C_OK);
        for (unsigned j = 0; j <= i; j++)
            ck_assert_msg(h2c_conn_stream_state_get(p.srv, ids[j]) ==
                              (open[j] ? H2C_STREAM_OPEN : H2C_STREAM_CLOSED),
                          "step %u: stream %u is %d", i, ids[j],
                          (int)h2c_conn_stream_state_get(p.srv, ids[j]));
        ck_assert_uint_eq(h2c_conn_open_streams(p.srv), nopen);
    }
    ct_pair_free(&p);
}
END_TEST

/* The id table against a plain model: streams opened and reset in a
 * random order, with a concurrency that wanders up past several table
 * sizes and back to none.  After each step every stream opened so far is
 * looked up: an open one must be found (by its user pointer), a closed
 * one not.  Deleting a slot must never cut the probe path of another id. */
START_TEST(memory_stream_table_random)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_CLIENT);
    o.limits.max_output = 0;
    h2c_conn *c = ct_new(&o);
    static const h2c_hpack_field req[] = {HF(":method", "GET"), HF(":scheme", "https"),
                                          HF(":authority", "example.org"), HF(":path", "/")};
    enum { STEPS = 6000, MOST = 300 };
    static uint32_t ids[STEPS];
    static int open[STEPS];
    size_t nids = 0, nopen = 0;
    uint64_t x = 0x9e3779b97f4a7c15u; /* xorshift: the same sequence each run */
    unsigned target = 1;
    for (unsigned step = 0; step < STEPS; step++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if (step % 500 == 0) /* a new concurrency to wander to: 0 to MOST */
            target = (unsigned)(x >> 40) % (MOST + 1);
        int grow = nopen < target ? (x & 7) != 0 : nopen > target ? (x & 7) == 0 : (x & 1);
        if (grow && nids < STEPS) {
            ck_assert_int_eq(h2c_conn_submit_request(c, req, 4, 0, &ids[nids]), H2C_OK);
            ck_assert_int_eq(
                h2c_conn_stream_set_user(c, ids[nids], (void *)(uintptr_t)(nids + 1)), H2C_OK);
            open[nids++] = 1;
            nopen++;
        } else if (nopen) {
            size_t k = (size_t)(x >> 20) % nopen, j = 0;
            for (;; j++) /* the k-th open stream */
                if (open[j] && !k--)
                    break;
            ck_assert_int_eq(h2c_conn_reset_stream(c, ids[j], H2C_H2_CANCEL), H2C_OK);
            open[j] = 0;
            nopen--;
        }
        h2c_conn_output_consume(c, h2c_conn_output_len(c));
        for (size_t j = 0; j < nids; j++) {
            void *u = h2c_conn_stream_user(c, ids[j]);
            ck_assert_msg(u == (open[j] ? (void *)(uintptr_t)(j + 1) : NULL),
                          "step %u: stream %u (%s) looked up as %p", step, ids[j],
                          open[j] ? "open" : "closed", u);
        }
        ck_assert_uint_eq(h2c_conn_open_streams(c), nopen);
    }
    h2c_conn_free(c);
}
END_TEST

/* A block that outgrows the field arena leaves its fields where they are
 * (views stay valid) and moves on to a bigger arena; the outgrown ones go
 * once the block's events are all out: an idle connection holds one. */
START_TEST(memory_arena_outgrown_freed)
{
    ct_raw r;
    ct_raw_server(&r, NULL);
    char v[700];
    memset(v, 'v', sizeof v - 1);
    v[sizeof v - 1] = 0;
    size_t after[3];
    for (uint32_t i = 0; i < 3; i++) {
        ct_buf blk = {0};
        ct_hp_req(&blk, "GET", "/");
        for (int k = 0; k < 4; k++) /* four steps of growth on the first block */
            ct_hp_lit(&blk, "x-v", v + k * 100);
        ct_fr_headers(&r.in, 1 + 2 * i, H2C_FRAME_FLAG_END_HEADERS | H2C_FRAME_FLAG_END_STREAM,
                      blk.p, blk.len);
        ck_assert_int_eq(ct_raw_send(&r), H2C_OK);
        long e = ct_log_find(&r.log, H2C_CONN_EV_REQUEST, 1 + 2 * i, 0);
        ck_assert_int_ge(e, 0);
        ck_assert_uint_eq(r.log.ev[e].nfields, 8);
        after[i] = h2c_conn_memory(r.c);
        ct_buf_free(&blk);
    }
    ck_assert_uint_eq(after[0], after[1]);
    ck_assert_uint_eq(after[1], after[2]);

    /* A block in 100-octet frames, one octet per call, on a new
     * connection: it outgrows its arenas between calls while the block is
     * open, and its first fields must still be there at its end. */
    ct_raw s;
    ct_raw_server(&s, NULL);
    ct_buf blk = {0}, in = {0}, want = {0};
    ct_hp_req(&blk, "GET", "/");
    ct_buf_str(&want, ":method: GET\n:scheme: https\n:authority: example.org\n:path: /\n");
    for (int k = 0; k < 4; k++) {
        ct_hp_lit(&blk, "x-v", v + k * 100);
        ct_buf_str(&want, "x-v: ");
        ct_buf_str(&want, v + k * 100);
        ct_buf_str(&want, "\n");
    }
    ct_buf_u8(&want, 0);
    for (size_t off = 0; off < blk.len; off += 100) {
        size_t n = blk.len - off < 100 ? blk.len - off : 100;
        uint8_t end = off + n == blk.len ? H2C_FRAME_FLAG_END_HEADERS : 0;
        if (off == 0)
            ct_fr_headers(&in, 1, (uint8_t)(H2C_FRAME_FLAG_END_STREAM | end), blk.p, n);
        else
            ct_fr_continuation(&in, 1, end, blk.p + off, n);
    }
    ck_assert_int_eq(ct_feed_chunked(s.c, in.p, in.len, 1, &s.log), H2C_OK);
    long e = ct_log_find(&s.log, H2C_CONN_EV_REQUEST, 1, 0);
    ck_assert_int_ge(e, 0);
    ck_assert_msg(strcmp(s.log.ev[e].fields, (char *)want.p) == 0,
                  "fields of a block that outgrew its arenas between calls: %.200s",
                  s.log.ev[e].fields);
    ct_buf_free(&blk);
    ct_buf_free(&in);
    ct_buf_free(&want);
    ct_raw_free(&s);
    ct_raw_free(&r);
}
END_TEST

START_TEST(memory_new_fails_cleanly)
{
    h2c_conn_options o;
    for (int kind = 0; kind < 4; kind++) { /* client, server, and both observing */
        int role = kind & 1;
        unsigned long n;
        for (n = 1; n < 1000; n++) {
            counted c;
            counted_init(&c);
            c.fa.fail_at = n;
            c.fa.fail_all = 1;
            h2c_conn_options_init(&o, role);
            if (kind >= 2)
                o.flags |= H2C_CONN_OBSERVE; /* allocates its event queue */
            o.allocator = &c.al;
            h2c_conn *conn = (h2c_conn *)(uintptr_t)1;
            int rc = h2c_conn_new(&conn, &o);
            if (rc == H2C_OK) {
                h2c_conn_free(conn);
                ck_assert_int_eq(c.fa.live, 0);
                break;
            }
            ck_assert_msg(rc == H2C_E_NOMEM, "new with allocation %lu failing: %s", n,
                          h2c_status_name(rc));
            ck_assert_ptr_null(conn);
            ck_assert_msg(c.fa.live == 0, "new with allocation %lu failing leaks %ld blocks", n,
                          c.fa.live);
        }
        ck_assert_uint_lt(n, 1000);
    }
}
END_TEST

/* A scenario that makes every buffer grow: big headers, a body, several
 * streams, settings, a ping. */
static int scenario(ct_pair *p)
{
    int rc = ct_pair_pump(p);
    if (rc != H2C_OK)
        return rc;
    static char big[6000];
    memset(big, 'b', sizeof big - 1);
    h2c_hpack_field req[] = {HF(":method", "POST"), HF(":scheme", "https"),
                             HF(":authority", "example.org"), HF(":path", "/up"),
                             HF("x-big", "")};
    req[4].value = h2c_view_of(big, sizeof big - 1);
    uint32_t ids[3];
    for (int i = 0; i < 3; i++) {
        rc = h2c_conn_submit_request(p->cli, req, NFIELDS(req), 0, &ids[i]);
        if (rc != H2C_OK)
            return rc;
    }
    static uint8_t body[30000];
    for (int i = 0; i < 3; i++) {
        size_t acc = 0;
        rc = h2c_conn_submit_data(p->cli, ids[i], body, sizeof body / 3, 1, &acc);
        if (rc != H2C_OK)
            return rc;
    }
    if ((rc = h2c_conn_ping(p->cli, NULL)) != H2C_OK)
        return rc;
    rc = ct_pair_pump(p);
    if (rc != H2C_OK)
        return rc;
    h2c_conn_settings s = *h2c_conn_local_settings(p->srv);
    s.initial_window_size = 100000;
    if ((rc = h2c_conn_update_settings(p->srv, &s)) != H2C_OK)
        return rc;
    h2c_hpack_field resp[] = {HF(":status", "200"), HF("x-big", "")};
    resp[1].value = h2c_view_of(big, sizeof big - 1);
    for (int i = 0; i < 3; i++) {
        if ((rc = h2c_conn_submit_headers(p->srv, ids[i], resp, 2, 0)) != H2C_OK)
            return rc;
        size_t acc;
        if ((rc = h2c_conn_submit_data(p->srv, ids[i], body, 5000, 1, &acc)) != H2C_OK)
            return rc;
    }
    return ct_pair_pump(p);
}

START_TEST(memory_traffic_fails_cleanly)
{
    /* Count the allocations of the scenario, then fail each in turn, on
     * each side: every failure is H2C_E_NOMEM, nothing leaks. */
    for (int side = 0; side < 2; side++) {
        counted cc, sc;
        counted_init(&cc);
        counted_init(&sc);
        ct_pair p;
        pair_counted(&p, &cc, &sc);
        counted *mine = side ? &cc : &sc;
        unsigned long base = mine->fa.calls;
        ck_assert_int_eq(scenario(&p), H2C_OK);
        unsigned long total = mine->fa.calls;
        ct_pair_free(&p);
        for (unsigned long n = base + 1; n <= total; n++) {
            counted_init(&cc);
            counted_init(&sc);
            pair_counted(&p, &cc, &sc);
            mine->fa.fail_at = n;
            mine->fa.fail_all = 1;
            int rc = scenario(&p);
            ck_assert_msg(rc == H2C_OK || rc == H2C_E_NOMEM ||
                              rc == H2C_E_BUFFER_TOO_SMALL || rc == H2C_CONN_E_CLOSED,
                          "%s, allocation %lu failing: %s", side ? "client" : "server", n,
                          h2c_status_name(rc));
            ct_pair_free(&p);
            ck_assert_msg(mine->fa.live == 0, "%s, allocation %lu failing: %ld blocks leak",
                          side ? "client" : "server", n, mine->fa.live);
        }
        printf("%s: failed each of %lu allocations after new() in turn\n",
               side ? "client" : "server", total - base);
    }
}
END_TEST

/* ------------------------------------------------------------------------
 * Chunking: one byte stream, every chunk size, the same events
 * ---------------------------------------------------------------------- */

static void client_stream(ct_buf *out)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_CLIENT);
    h2c_conn *c = ct_new(&o);
    static char big[20000];
    memset(big, 'z', sizeof big - 1);
    h2c_hpack_field get[] = {HF(":method", "GET"), HF(":scheme", "https"),
                             HF(":authority", "example.org"), HF(":path", "/a"),
                             HF("cookie", "a=1"), HF("authorization", "Bearer x")};
    get[5].indexing = H2C_HPACK_INDEX_NEVER;
    h2c_hpack_field post[] = {HF(":method", "POST"), HF(":scheme", "https"),
                              HF(":authority", "example.org"), HF(":path", "/b"),
                              HF("content-length", "3000")};
    h2c_hpack_field large[] = {HF(":method", "GET"), HF(":scheme", "https"),
                               HF(":authority", "example.org"), HF(":path", "/c"),
                               HF("x-large", "")};
    large[4].value = h2c_view_of(big, sizeof big - 1);
    static const h2c_hpack_field tr[] = {HF("x-sum", "42")};
    uint32_t id;
    static uint8_t body[3000];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = ct_pattern(i);
    size_t acc;
    ck_assert_int_eq(h2c_conn_submit_request(c, get, NFIELDS(get), 1, &id), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_request(c, post, NFIELDS(post), 0, &id), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_data(c, id, body, 1000, 0, &acc), H2C_OK);
    ck_assert_int_eq(h2c_conn_ping(c, (const uint8_t *)"chunking"), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_data(c, id, body + 1000, 2000, 0, &acc), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(c, id, tr, 1, 1), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_request(c, large, NFIELDS(large), 1, &id), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_request(c, get, NFIELDS(get), 0, &id), H2C_OK);
    ck_assert_int_eq(h2c_conn_reset_stream(c, id, H2C_H2_CANCEL), H2C_OK);
    h2c_conn_settings s = *h2c_conn_local_settings(c);
    s.initial_window_size = 30000;
    ck_assert_int_eq(h2c_conn_update_settings(c, &s), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_request(c, get, NFIELDS(get), 1, &id), H2C_OK);
    ck_assert_int_eq(h2c_conn_close(c, H2C_H2_NO_ERROR, h2c_view_of("done", 4)), H2C_OK);
    ct_drain(c, out);
    h2c_conn_free(c);
}

static void run_server(const ct_buf *in, size_t chunk, ct_buf *desc, ct_buf *output)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    h2c_conn *c = ct_new(&o);
    ct_log log;
    ct_log_init(&log, 1);
    int rc = ct_feed_chunked(c, in->p, in->len, chunk, &log);
    ck_assert_msg(rc == H2C_OK, "chunk %zu: %s", chunk, h2c_status_name(rc));
    ct_buf_clear(desc);
    ct_log_describe(&log, desc);
    ct_buf_clear(output);
    ct_drain(c, output);
    ct_log_free(&log);
    h2c_conn_free(c);
}

START_TEST(chunking_server)
{
    ct_buf in = {0}, d0 = {0}, o0 = {0}, d = {0}, o = {0};
    client_stream(&in);
    run_server(&in, 0, &d0, &o0);
    /* what the server saw, once */
    ck_assert_ptr_nonnull(strstr((char *)d0.p, "REQUEST s=1"));
    ck_assert_ptr_nonnull(strstr((char *)d0.p, "TRAILERS s=3 end"));
    ck_assert_ptr_nonnull(strstr((char *)d0.p, "REQUEST s=5"));
    ck_assert_ptr_nonnull(strstr((char *)d0.p, "STREAM_RESET s=7"));
    ck_assert_ptr_nonnull(strstr((char *)d0.p, "GOAWAY"));
    ck_assert_ptr_nonnull(strstr((char *)d0.p, "PING s=0"));
    size_t max = in.len;
    printf("chunking: %zu-octet client stream, %zu events' worth of text\n", in.len, d0.len);
    /* every size up to 400, then every 5% (a run costs the whole stream) */
    for (size_t chunk = 1; chunk <= max; chunk += chunk < 400 ? 1 : chunk / 20) {
        run_server(&in, chunk, &d, &o);
        ck_assert_msg(d.len == d0.len && memcmp(d.p, d0.p, d.len) == 0,
                      "chunk size %zu: events differ\n--- one piece:\n%s\n--- chunked:\n%s",
                      chunk, (char *)d0.p, (char *)d.p);
        ck_assert_msg(o.len == o0.len && memcmp(o.p, o0.p, o.len) == 0,
                      "chunk size %zu: output differs (%zu vs %zu octets)", chunk, o.len, o0.len);
    }
    ct_buf_free(&in);
    ct_buf_free(&d0);
    ct_buf_free(&o0);
    ct_buf_free(&d);
    ct_buf_free(&o);
}
END_TEST

/* The client side: a server's byte stream replayed into identical clients. */
static h2c_conn *chunk_client(void)
{
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_CLIENT);
    o.settings.enable_push = 1;
    h2c_conn *c = ct_new(&o);
    static const h2c_hpack_field get[] = {HF(":method", "GET"), HF(":scheme", "https"),
                                          HF(":authority", "example.org"), HF(":path", "/")};
    uint32_t id;
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(h2c_conn_submit_request(c, get, 4, 1, &id), H2C_OK);
    return c;
}

static void server_stream(ct_buf *out)
{
    h2c_conn *c = chunk_client();
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    h2c_conn *s = ct_new(&o);
    ct_buf b = {0};
    ct_drain(c, &b);
    ck_assert_int_eq(ct_feed(s, b.p, b.len, NULL), H2C_OK);
    static const h2c_hpack_field c103[] = {HF(":status", "103"), HF("link", "</s.css>")};
    static const h2c_hpack_field ok[] = {HF(":status", "200"), HF("server", "conn-test")};
    static const h2c_hpack_field nf[] = {HF(":status", "404")};
    static const h2c_hpack_field tr[] = {HF("grpc-status", "0")};
    static const h2c_hpack_field preq[] = {HF(":method", "GET"), HF(":scheme", "https"),
                                           HF(":authority", "example.org"), HF(":path", "/p")};
    static uint8_t page[40000];
    for (size_t i = 0; i < sizeof page; i++)
        page[i] = ct_pattern(i + 5);
    size_t acc;
    uint32_t pid;
    ck_assert_int_eq(h2c_conn_submit_headers(s, 1, c103, 2, 0), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_push(s, 1, preq, 4, &pid), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(s, 1, ok, 2, 0), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_data(s, 1, page, sizeof page, 0, &acc), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(s, 1, tr, 1, 1), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(s, pid, ok, 2, 1), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_headers(s, 3, nf, 1, 0), H2C_OK);
    ck_assert_int_eq(h2c_conn_submit_data(s, 3, page, 10, 1, &acc), H2C_OK);
    ck_assert_int_eq(h2c_conn_reset_stream(s, 5, H2C_H2_REFUSED_STREAM), H2C_OK);
    ck_assert_int_eq(h2c_conn_ping(s, (const uint8_t *)"fromsrv!"), H2C_OK);
    ck_assert_int_eq(h2c_conn_close(s, H2C_H2_NO_ERROR, h2c_view_of(NULL, 0)), H2C_OK);
    ct_drain(s, out);
    ct_buf_free(&b);
    h2c_conn_free(s);
    h2c_conn_free(c);
}

START_TEST(chunking_client)
{
    ct_buf in = {0}, d0 = {0}, d = {0};
    server_stream(&in);
    for (size_t chunk = 0; chunk <= in.len; chunk++) {
        h2c_conn *c = chunk_client();
        ct_buf sink = {0};
        ct_drain(c, &sink);
        ct_buf_free(&sink);
        ct_log log;
        ct_log_init(&log, 1);
        log.consume = 1;
        int rc = ct_feed_chunked(c, in.p, in.len, chunk, &log);
        ck_assert_msg(rc == H2C_OK, "chunk %zu: %s", chunk, h2c_status_name(rc));
        ct_buf *dst = chunk == 0 ? &d0 : &d;
        ct_buf_clear(dst);
        ct_log_describe(&log, dst);
        if (chunk == 0) {
            ck_assert_ptr_nonnull(strstr((char *)d0.p, "INFORMATIONAL s=1 status=103"));
            ck_assert_ptr_nonnull(strstr((char *)d0.p, "PUSH s=1"));
            ck_assert_ptr_nonnull(strstr((char *)d0.p, "TRAILERS s=1 end"));
            ck_assert_ptr_nonnull(strstr((char *)d0.p, "RESPONSE s=3 status=404"));
            ck_assert_ptr_nonnull(strstr((char *)d0.p, "STREAM_RESET s=5"));
            ck_assert_ptr_nonnull(strstr((char *)d0.p, "GOAWAY"));
            printf("chunking: %zu-octet server stream\n", in.len);
        } else {
            ck_assert_msg(d.len == d0.len && memcmp(d.p, d0.p, d.len) == 0,
                          "chunk size %zu: events differ\n--- one piece:\n%s\n--- chunked:\n%s",
                          chunk, (char *)d0.p, (char *)d.p);
        }
        ct_log_free(&log);
        h2c_conn_free(c);
        if (chunk >= 400)
            chunk += chunk / 20; /* past 400, every 5% */
    }
    ct_buf_free(&in);
    ct_buf_free(&d0);
    ct_buf_free(&d);
}
END_TEST

/* h2c_conn_send() copies what h2c_conn_output() shows, in any pieces. */
START_TEST(output_send_pieces)
{
    for (size_t cap = 1; cap <= 64; cap = cap * 2 + 1) {
        h2c_conn_options o;
        h2c_conn_options_init(&o, H2C_CONN_CLIENT);
        h2c_conn *a = ct_new(&o), *b = ct_new(&o);
        static const h2c_hpack_field get[] = {HF(":method", "GET"), HF(":scheme", "https"),
                                              HF(":authority", "example.org"), HF(":path", "/")};
        uint32_t id;
        ck_assert_int_eq(h2c_conn_submit_request(a, get, 4, 1, &id), H2C_OK);
        ck_assert_int_eq(h2c_conn_submit_request(b, get, 4, 1, &id), H2C_OK);
        ct_buf whole = {0}, pieces = {0};
        ct_drain(a, &whole);
        uint8_t tmp[64];
        size_t n, left = h2c_conn_output_len(b);
        while ((n = h2c_conn_send(b, tmp, cap)) > 0) {
            ck_assert_uint_le(n, cap);
            left -= n;
            ck_assert_uint_eq(h2c_conn_output_len(b), left);
            ct_buf_put(&pieces, tmp, n);
        }
        ck_assert_uint_eq(h2c_conn_output_len(b), 0);
        ck_assert_uint_eq(whole.len, pieces.len);
        ck_assert_int_eq(memcmp(whole.p, pieces.p, whole.len), 0);
        ck_assert_uint_eq(h2c_conn_send(b, tmp, 0), 0);
        ct_buf_free(&whole);
        ct_buf_free(&pieces);
        h2c_conn_free(a);
        h2c_conn_free(b);
    }
}
END_TEST

TCase *ct_tcase_memory(void)
{
    TCase *tc = tcase_create("memory");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, memory_steady_state);
    tcase_add_test(tc, memory_stream_pool_grows);
    tcase_add_test(tc, memory_stream_table_churn);
    tcase_add_test(tc, memory_stream_table_random);
    tcase_add_test(tc, memory_arena_outgrown_freed);
    tcase_add_test(tc, memory_new_fails_cleanly);
    tcase_add_test(tc, memory_traffic_fails_cleanly);
    tcase_add_test(tc, chunking_server);
    tcase_add_test(tc, chunking_client);
    tcase_add_test(tc, output_send_pieces);
    return tc;
}
