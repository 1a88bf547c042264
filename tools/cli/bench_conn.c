/* SPDX-License-Identifier: MIT */
/*
 * Connection workload of `h2codec bench` (conn_request): requests through
 * the server role of libh2codec-conn against nghttp2_session's server, on
 * the same client bytes.
 *
 * The client side is made once: a client-role h2c_conn encodes the
 * preface, its SETTINGS and a connection WINDOW_UPDATE, a SETTINGS ACK is
 * appended, then one HEADERS frame per request (browser-like fields,
 * END_STREAM; the paths vary so the HPACK table sees some churn).  Each
 * round gives each library a fresh server connection, feeds the preface
 * and the first two requests untimed (warm-up, and the idle-heap figures),
 * then times the rest one request at a time: the request's bytes in,
 * the response (three header fields, a 256-octet body) submitted when the
 * request ends, the output drained.  Neither side copies the output: ours
 * is read through h2c_conn_output(), nghttp2's through mem_send's pointer.
 *
 * Heap figures come from each library's allocator hooks (h2c_allocator,
 * nghttp2_mem): live bytes asked for after the SETTINGS exchange and after
 * the two warm-up requests completed (an idle connection), and the
 * allocations made during the timed requests.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/conn.h>
#ifdef H2C_HAVE_NGHTTP2
#include <nghttp2/nghttp2.h>
#endif

#include "bench.h"

enum {
    WARM_REQUESTS = 2,    /* untimed, before the idle-heap reading */
    STEADY_FROM = 256,    /* untimed as well: by then the HPACK tables, which
                             grow with use, hold all they can */
    TIMED_REQUESTS = 4000 /* per round and library */
};

/* ------------------------------------------------------------ allocator */

/* Live-byte accounting behind both libraries' hooks: each block carries its
 * size in front (16 octets keep the payload malloc-aligned). */
typedef struct heap_count {
    size_t live;          /* octets asked for and not freed */
    unsigned long allocs; /* allocations since the last reset */
} heap_count;

typedef struct block_head {
    size_t n;
    size_t pad;
} block_head;

static void *heap_alloc(heap_count *h, size_t n)
{
    block_head *b = malloc(sizeof *b + (n ? n : 1));
    if (!b)
        return NULL;
    b->n = n;
    h->live += n;
    h->allocs++;
    return b + 1;
}

static void heap_free(heap_count *h, void *p)
{
    if (!p)
        return;
    block_head *b = (block_head *)p - 1;
    h->live -= b->n;
    free(b);
}

static void *heap_realloc(heap_count *h, void *p, size_t n)
{
    if (!p)
        return heap_alloc(h, n);
    block_head *b = (block_head *)p - 1;
    size_t old = b->n;
    block_head *nb = realloc(b, sizeof *nb + (n ? n : 1));
    if (!nb)
        return NULL;
    nb->n = n;
    h->live = h->live - old + n;
    h->allocs++;
    return nb + 1;
}

static void *h2c_hook_alloc(void *opaque, size_t n)
{
    return heap_alloc(opaque, n);
}

static void h2c_hook_free(void *opaque, void *p)
{
    heap_free(opaque, p);
}

/* ------------------------------------------------------------- requests */

/* A braced initialiser, kept on one line. */
/* clang-format off */
#define LIT(s) { (const uint8_t *)(s), sizeof(s) - 1 }
/* clang-format on */

/* A browser's request for a page's image, as Chromium sends it. */
static const h2c_view request_fields[][2] = {
    {LIT(":method"), LIT("GET")},
    {LIT(":authority"), LIT("www.example.com")},
    {LIT(":scheme"), LIT("https")},
    {LIT(":path"), LIT("")}, /* per request */
    {LIT("sec-ch-ua"), LIT("\"Not_A Brand\";v=\"8\", \"Chromium\";v=\"120\"")},
    {LIT("sec-ch-ua-mobile"), LIT("?0")},
    {LIT("user-agent"), LIT("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
                            "Gecko) Chrome/120.0.0.0 Safari/537.36")},
    {LIT("sec-ch-ua-platform"), LIT("\"Linux\"")},
    {LIT("accept"), LIT("image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8")},
    {LIT("sec-fetch-site"), LIT("same-origin")},
    {LIT("sec-fetch-mode"), LIT("no-cors")},
    {LIT("sec-fetch-dest"), LIT("image")},
    {LIT("referer"), LIT("https://www.example.com/")},
    {LIT("accept-encoding"), LIT("gzip, deflate, br")},
    {LIT("accept-language"), LIT("en-US,en;q=0.9")},
    {LIT("cookie"), LIT("session=5f2b8c1e9a7d4e3f; theme=dark; consent=1")},
};
#define NREQ_FIELDS (sizeof request_fields / sizeof request_fields[0])
#define PATH_FIELD 3

/* The response: what examples/h2server.c sends for a small page. */
static const char BODY_TEXT[] = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                "<title>h2codec</title></head>\n<body><h1>bench</h1>\n";
enum { BODY_LEN = 256 };
static uint8_t body[BODY_LEN];
static const h2c_view response_fields[][2] = {
    {LIT(":status"), LIT("200")},
    {LIT("content-type"), LIT("text/html; charset=utf-8")},
    {LIT("content-length"), LIT("256")},
};
#define NRESP_FIELDS (sizeof response_fields / sizeof response_fields[0])

/* The client's bytes: wire[0 .. off[0]) is the preface, SETTINGS, WINDOW_UPDATE
 * and SETTINGS ACK; request i is wire[off[i] .. off[i + 1]). */
typedef struct client_bytes {
    uint8_t *wire;
    size_t *off;
    size_t n; /* requests */
} client_bytes;

static int client_make(client_bytes *cb, size_t n)
{
    memset(cb, 0, sizeof *cb);
    cb->off = malloc((n + 1) * sizeof *cb->off);
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_CLIENT);
    o.connection_window = 0x7fffffff; /* the responses never wait for a WINDOW_UPDATE */
    o.limits.max_output = 0;
    h2c_conn *c;
    if (!cb->off || h2c_conn_new(&c, &o) != H2C_OK)
        return -1;
    /* Our server's SETTINGS is acknowledged before the first request. */
    static const uint8_t ack[9] = {0, 0, 0, H2C_FRAME_TYPE_SETTINGS, H2C_FRAME_FLAG_ACK};
    size_t start = h2c_conn_output_len(c);
    h2c_hpack_field f[NREQ_FIELDS];
    memset(f, 0, sizeof f);
    for (size_t i = 0; i < NREQ_FIELDS; i++) {
        f[i].name = request_fields[i][0];
        f[i].value = request_fields[i][1];
    }
    size_t *len = malloc(n * sizeof *len);
    int rc = len ? H2C_OK : H2C_E_NOMEM;
    char path[64];
    for (size_t i = 0; i < n && rc == H2C_OK; i++) {
        /* 48 images in turn: the encoder indexes some, and evicts. */
        snprintf(path, sizeof path, "/static/img/photo-%02zu.webp?v=3", i % 48);
        f[PATH_FIELD].value = h2c_view_of(path, strlen(path));
        size_t before = h2c_conn_output_len(c);
        uint32_t id;
        rc = h2c_conn_submit_request(c, f, NREQ_FIELDS, 1, &id);
        len[i] = h2c_conn_output_len(c) - before;
    }
    size_t total = h2c_conn_output_len(c) + sizeof ack;
    cb->wire = rc == H2C_OK ? malloc(total) : NULL;
    if (cb->wire) {
        h2c_view v = h2c_conn_output(c);
        memcpy(cb->wire, v.ptr, start);
        memcpy(cb->wire + start, ack, sizeof ack);
        memcpy(cb->wire + start + sizeof ack, v.ptr + start, v.len - start);
        cb->off[0] = start + sizeof ack;
        for (size_t i = 0; i < n; i++)
            cb->off[i + 1] = cb->off[i] + len[i];
        cb->n = n;
    }
    free(len);
    h2c_conn_free(c);
    return cb->wire ? 0 : -1;
}

static void client_free(client_bytes *cb)
{
    free(cb->wire);
    free(cb->off);
}

/* ------------------------------------------------------------------ ours */

typedef struct ours_server {
    h2c_conn *c;
    h2c_hpack_field resp[NRESP_FIELDS];
    size_t responses, out_bytes;
    int failed;
} ours_server;

/* Take what is queued, as a socket write of all of it would. */
static void ours_drain(ours_server *s)
{
    h2c_view v = h2c_conn_output(s->c);
    s->out_bytes += v.len;
    h2c_conn_output_consume(s->c, v.len);
}

/* Feed in[0..len) and answer every request that ends. */
static void ours_feed(ours_server *s, const uint8_t *in, size_t len)
{
    size_t off = 0;
    for (;;) {
        h2c_conn_event ev;
        size_t used;
        int rc = h2c_conn_recv(s->c, in + off, len - off, &used, &ev);
        off += used;
        if (rc == H2C_OK)
            break;
        if (rc < 0) {
            s->failed = 1;
            break;
        }
        if (rc == H2C_CONN_EV_REQUEST && ev.path.len < 8)
            s->failed = 1; /* the fields must come through */
        if (rc == H2C_CONN_EV_STREAM_END) {
            size_t accepted;
            if (h2c_conn_submit_headers(s->c, ev.stream_id, s->resp, NRESP_FIELDS, 0) !=
                    H2C_OK ||
                h2c_conn_submit_data(s->c, ev.stream_id, body, BODY_LEN, 1, &accepted) !=
                    H2C_OK ||
                accepted != BODY_LEN)
                s->failed = 1;
            s->responses++;
        }
    }
}

/* Requests first .. end-1 in and their responses out. */
static size_t ours_serve(ours_server *s, const client_bytes *cb, size_t first, size_t end)
{
    for (size_t i = first; i < end; i++) {
        ours_feed(s, cb->wire + cb->off[i], cb->off[i + 1] - cb->off[i]);
        ours_drain(s);
    }
    return s->responses;
}

/* The timed requests.  noinline: tools/callgrind counts instructions
 * inside this function (and not in the warm-up ones). */
__attribute__((noinline)) static size_t ours_conn(ours_server *s, const client_bytes *cb,
                                                  size_t first, size_t end)
{
    return ours_serve(s, cb, first, end);
}

/* A server connection through the preface and the warm-up requests;
 * heap readings in h. */
static int ours_start(ours_server *s, const client_bytes *cb, heap_count *h,
                      size_t *heap_settings, size_t *heap_idle)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < NRESP_FIELDS; i++) {
        s->resp[i].name = response_fields[i][0];
        s->resp[i].value = response_fields[i][1];
    }
    h2c_allocator a = {h2c_hook_alloc, h2c_hook_free, h};
    h2c_conn_options o;
    h2c_conn_options_init(&o, H2C_CONN_SERVER);
    o.allocator = &a;
    if (h2c_conn_new(&s->c, &o) != H2C_OK)
        return -1;
    ours_drain(s);
    ours_feed(s, cb->wire, cb->off[0]);
    ours_drain(s);
    *heap_settings = h->live;
    ours_serve(s, cb, 0, WARM_REQUESTS);
    *heap_idle = h->live;
    ours_serve(s, cb, WARM_REQUESTS, STEADY_FROM);
    return s->failed || s->responses != STEADY_FROM ? -1 : 0;
}

/* ---------------------------------------------------------------- nghttp2 */

#ifdef H2C_HAVE_NGHTTP2
typedef struct ng_server {
    nghttp2_session *s;
    nghttp2_nv resp[NRESP_FIELDS];
    size_t responses, out_bytes, paths;
    int failed;
} ng_server;

static void *ng_malloc(size_t n, void *ud)
{
    return heap_alloc(ud, n);
}

static void ng_free(void *p, void *ud)
{
    heap_free(ud, p);
}

static void *ng_calloc(size_t k, size_t n, void *ud)
{
    if (n && k > SIZE_MAX / n)
        return NULL;
    void *p = heap_alloc(ud, k * n);
    if (p)
        memset(p, 0, k * n);
    return p;
}

static void *ng_realloc(void *p, size_t n, void *ud)
{
    return heap_realloc(ud, p, n);
}

static ssize_t ng_read_body(nghttp2_session *session, int32_t stream_id, uint8_t *buf,
                            size_t length, uint32_t *data_flags, nghttp2_data_source *source,
                            void *user)
{
    (void)session;
    (void)stream_id;
    (void)source;
    (void)user;
    size_t n = BODY_LEN < length ? BODY_LEN : length;
    memcpy(buf, body, n);
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

/* The application's look at the request: the same as ours reading ev.path. */
static int ng_on_header(nghttp2_session *session, const nghttp2_frame *frame,
                        const uint8_t *name, size_t namelen, const uint8_t *value,
                        size_t valuelen, uint8_t flags, void *user)
{
    (void)session;
    (void)frame;
    (void)value;
    (void)flags;
    ng_server *s = user;
    if (namelen == 5 && memcmp(name, ":path", 5) == 0 && valuelen >= 8)
        s->paths++;
    return 0;
}

static int ng_on_frame(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    ng_server *s = user;
    if (frame->hd.type != NGHTTP2_HEADERS || !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
        return 0;
    nghttp2_data_provider prd;
    prd.source.ptr = body;
    prd.read_callback = ng_read_body;
    if (nghttp2_submit_response(session, frame->hd.stream_id, s->resp, NRESP_FIELDS, &prd) != 0)
        s->failed = 1;
    s->responses++;
    return 0;
}

static void ng_drain(ng_server *s)
{
    for (;;) {
        const uint8_t *p;
        ssize_t n = nghttp2_session_mem_send(s->s, &p);
        if (n <= 0) {
            if (n < 0)
                s->failed = 1;
            return;
        }
        s->out_bytes += (size_t)n;
    }
}

static size_t ng_serve(ng_server *s, const client_bytes *cb, size_t first, size_t end)
{
    for (size_t i = first; i < end; i++) {
        size_t len = cb->off[i + 1] - cb->off[i];
        if (nghttp2_session_mem_recv(s->s, cb->wire + cb->off[i], len) != (ssize_t)len)
            s->failed = 1;
        ng_drain(s);
    }
    return s->responses;
}

/* noinline: as ours_conn(). */
__attribute__((noinline)) static size_t ng_conn(ng_server *s, const client_bytes *cb,
                                                size_t first, size_t end)
{
    return ng_serve(s, cb, first, end);
}

static int ng_start(ng_server *s, const client_bytes *cb, nghttp2_session_callbacks *cbs,
                    heap_count *h, size_t *heap_settings, size_t *heap_idle)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < NRESP_FIELDS; i++) {
        nghttp2_nv *nv = &s->resp[i];
        nv->name = (uint8_t *)(uintptr_t)response_fields[i][0].ptr;
        nv->namelen = response_fields[i][0].len;
        nv->value = (uint8_t *)(uintptr_t)response_fields[i][1].ptr;
        nv->valuelen = response_fields[i][1].len;
        nv->flags = NGHTTP2_NV_FLAG_NONE;
    }
    nghttp2_mem mem = {h, ng_malloc, ng_free, ng_calloc, ng_realloc};
    /* The settings our server sends by default: 100 streams, 64 KiB lists. */
    nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100},
                                   {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 65536}};
    if (nghttp2_session_server_new3(&s->s, cbs, s, NULL, &mem) != 0)
        return -1;
    if (nghttp2_submit_settings(s->s, NGHTTP2_FLAG_NONE, iv, 2) != 0)
        return -1;
    ng_drain(s);
    if (nghttp2_session_mem_recv(s->s, cb->wire, cb->off[0]) != (ssize_t)cb->off[0])
        return -1;
    ng_drain(s);
    *heap_settings = h->live;
    ng_serve(s, cb, 0, WARM_REQUESTS);
    *heap_idle = h->live;
    ng_serve(s, cb, WARM_REQUESTS, STEADY_FROM);
    return s->failed || s->responses != STEADY_FROM ? -1 : 0;
}
#endif

/* ------------------------------------------------------------------ round */

int bench_conn(size_t rounds, bench_conn_result *r)
{
    memset(r, 0, sizeof *r);
    r->nghttp2_ns_per_request = r->ratio = r->nghttp2_allocs_per_request = NAN;
    r->nghttp2_heap_settings = r->nghttp2_heap_idle = -1;
    for (size_t i = 0; i < BODY_LEN; i++)
        body[i] = (uint8_t)BODY_TEXT[i % (sizeof BODY_TEXT - 1)];
    size_t total = STEADY_FROM + TIMED_REQUESTS;
    client_bytes cb;
    memset(&cb, 0, sizeof cb);
    double *a = calloc(rounds, sizeof *a), *b = calloc(rounds, sizeof *b);
    double *q = calloc(rounds, sizeof *q);
    int rc = a && b && q && client_make(&cb, total) == 0 ? 0 : -1;
#ifdef H2C_HAVE_NGHTTP2
    nghttp2_session_callbacks *cbs = NULL;
    if (rc == 0 && nghttp2_session_callbacks_new(&cbs) != 0)
        rc = -1;
    if (rc == 0) {
        nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, ng_on_frame);
        nghttp2_session_callbacks_set_on_header_callback(cbs, ng_on_header);
    }
#endif
    unsigned long ours_allocs = 0, ng_allocs = 0;
    for (size_t i = 0; rc == 0 && i < rounds; i++) {
        /* Even rounds run ours first, odd rounds nghttp2 first. */
        int ours_first = (i & 1) == 0;
        double ours = 0, theirs = NAN;
        for (int k = 0; k < 2 && rc == 0; k++) {
            if ((k == 0) == ours_first) {
                heap_count h = {0, 0};
                ours_server s;
                size_t hs, hi;
                if (ours_start(&s, &cb, &h, &hs, &hi) != 0) {
                    rc = -1;
                } else {
                    r->h2codec_heap_settings = hs;
                    r->h2codec_heap_idle = hi;
                    h.allocs = 0;
                    double t0 = bench_now_ns();
                    size_t done = ours_conn(&s, &cb, STEADY_FROM, total);
                    ours = bench_now_ns() - t0;
                    ours_allocs += h.allocs;
                    if (s.failed || done != total || h2c_conn_open_streams(s.c) != 0)
                        rc = -1;
                }
                h2c_conn_free(s.c);
            } else {
#ifdef H2C_HAVE_NGHTTP2
                heap_count h = {0, 0};
                ng_server s;
                size_t hs, hi;
                if (ng_start(&s, &cb, cbs, &h, &hs, &hi) != 0) {
                    rc = -1;
                } else {
                    r->nghttp2_heap_settings = (long)hs;
                    r->nghttp2_heap_idle = (long)hi;
                    h.allocs = 0;
                    double t0 = bench_now_ns();
                    size_t done = ng_conn(&s, &cb, STEADY_FROM, total);
                    theirs = bench_now_ns() - t0;
                    ng_allocs += h.allocs;
                    if (s.failed || done != total || s.paths != total)
                        rc = -1;
                }
                nghttp2_session_del(s.s);
#endif
            }
        }
        a[i] = ours / TIMED_REQUESTS;
        b[i] = theirs / TIMED_REQUESTS;
        q[i] = a[i] / b[i];
    }
    if (rc == 0) {
        r->requests = TIMED_REQUESTS;
        r->h2codec_ns_per_request = bench_median(a, rounds);
        r->h2codec_allocs = ours_allocs;
        r->h2codec_allocs_per_request = (double)ours_allocs / (double)rounds / TIMED_REQUESTS;
#ifdef H2C_HAVE_NGHTTP2
        r->nghttp2_ns_per_request = bench_median(b, rounds);
        r->ratio = bench_median(q, rounds);
        r->nghttp2_allocs_per_request = (double)ng_allocs / (double)rounds / TIMED_REQUESTS;
#endif
    } else {
        fprintf(stderr, "h2codec bench: the connection workload failed\n");
    }
#ifdef H2C_HAVE_NGHTTP2
    nghttp2_session_callbacks_del(cbs);
#endif
    if (cb.wire || cb.off)
        client_free(&cb);
    free(a);
    free(b);
    free(q);
    return rc;
}
