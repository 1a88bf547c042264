/* SPDX-License-Identifier: MIT */
/*
 * Captured-stream decode and frame-parse workloads of `h2codec bench`.
 *
 * stream_decode: the client side of the shipped connections
 *   (captures/nghttp-session.c2s and every nghttp-client-streams file) through our
 *   whole receive path -- frame parser, header-block assembler, HPACK,
 *   field validation (conn.c, with no reports made: frames and errors
 *   are only counted) -- against nghttp2's server session
 *   (nghttp2_session_mem_recv, no-op callbacks) on the same bytes.  Only
 *   the receiving is timed (conn_push + conn_finish, and mem_recv): both
 *   sides set up their connection objects before the clock starts.  The
 *   nghttp2 session has sent its own SETTINGS first, as the server in
 *   these captures did: otherwise the client's SETTINGS ACK is a
 *   connection error to it and it reports none of the frames after.
 * frame_parse: a DATA-heavy synthetic stream through the frame parser alone.
 * Without libnghttp2 (H2C_HAVE_NGHTTP2 undefined) only our side runs, and
 * nghttp2's time is NAN.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/frame.h>
#ifdef H2C_HAVE_NGHTTP2
#include <nghttp2/nghttp2.h>
#endif

#include "bench.h"
#include "cli.h"
#include "conn.h"

typedef struct capture {
    uint8_t *data;
    size_t len;
} capture;

static int add_capture(capture *caps, size_t *n, size_t max, const char *path)
{
    if (*n == max)
        return 0;
    size_t len;
    uint8_t *d = cli_read_file(path, &len);
    if (!d)
        return -1;
    caps[*n].data = d;
    caps[(*n)++].len = len;
    return 0;
}

static int load_captures(const char *root, capture *caps, size_t *n, size_t max)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/captures/nghttp-session.c2s", root);
    if (add_capture(caps, n, max, path) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/nghttp-client-streams", root);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/nghttp-client-streams/%s", root, e->d_name);
        if (add_capture(caps, n, max, path) != 0) {
            closedir(d);
            return -1;
        }
    }
    if (d)
        closedir(d);
    return 0;
}

/* One pass's connection objects, made and freed outside the timed part. */
static int ours_prepare(conn **cs, size_t n)
{
    conn_opts o;
    conn_opts_init(&o);
    o.collect = 0;
    for (size_t i = 0; i < n; i++)
        if (conn_new(&cs[i], &o, NULL, NULL) != 0) { /* no reports: the decoding alone */
            while (i > 0)
                conn_free(cs[--i]);
            return -1;
        }
    return 0;
}

/* noinline: tools/callgrind can count instructions inside these. */
__attribute__((noinline)) static uint64_t ours_stream(const capture *caps, size_t n, conn **cs)
{
    uint64_t frames = 0;
    for (size_t i = 0; i < n; i++) {
        conn_push(cs[i], caps[i].data, caps[i].len);
        conn_finish(cs[i]);
        frames += conn_frames(cs[i]);
    }
    return frames;
}

#ifdef H2C_HAVE_NGHTTP2
static int count_frame(nghttp2_session *s, const nghttp2_frame *f, void *user)
{
    (void)s;
    (void)f;
    ++*(uint64_t *)user;
    return 0;
}

static ssize_t drop_output(nghttp2_session *s, const uint8_t *data, size_t len, int flags,
                           void *user)
{
    (void)s;
    (void)data;
    (void)flags;
    (void)user;
    return (ssize_t)len;
}

/* Server sessions that have sent their SETTINGS, as in the captures. */
static int ng_prepare(nghttp2_session **ss, size_t n, nghttp2_session_callbacks *cbs,
                      uint64_t *frames)
{
    for (size_t i = 0; i < n; i++) {
        ss[i] = NULL;
        if (nghttp2_session_server_new(&ss[i], cbs, frames) != 0 ||
            nghttp2_submit_settings(ss[i], NGHTTP2_FLAG_NONE, NULL, 0) != 0 ||
            nghttp2_session_send(ss[i]) != 0) {
            if (ss[i])
                nghttp2_session_del(ss[i]);
            while (i > 0)
                nghttp2_session_del(ss[--i]);
            return -1;
        }
    }
    return 0;
}

__attribute__((noinline)) static void ng_stream(const capture *caps, size_t n,
                                                nghttp2_session **ss)
{
    for (size_t i = 0; i < n; i++)
        nghttp2_session_mem_recv(ss[i], caps[i].data, caps[i].len);
}

/* nghttp2's side of one round: PASSES passes; its time in *ns. */
static int ng_round(const capture *caps, size_t n, int passes, nghttp2_session_callbacks *cbs,
                    uint64_t *fn, double *ns)
{
    nghttp2_session *ss[64];
    for (int j = 0; j < passes; j++) {
        *fn = 0;
        if (ng_prepare(ss, n, cbs, fn) != 0)
            return -1;
        double t0 = bench_now_ns();
        ng_stream(caps, n, ss);
        *ns += bench_now_ns() - t0;
        for (size_t q = 0; q < n; q++)
            nghttp2_session_del(ss[q]);
    }
    return 0;
}
#endif

/* DATA frames of 16384 and 1000 octets, alternating, up to 16 MiB. */
static uint8_t *make_data_stream(size_t *len)
{
    static const uint8_t payload[16384]; /* any octets will do; not the output buffer,
                                            which the serializer's copy must not overlap */
    size_t cap = 16u << 20, off = 0;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return NULL;
    uint32_t size = 16384;
    while (off + 9 + size <= cap) {
        h2c_frame f;
        h2c_frame_init(&f, H2C_FRAME_TYPE_DATA, 0, 1);
        f.u.data.data.ptr = payload;
        f.u.data.data.len = size;
        size_t w;
        if (h2c_frame_serialize(&f, buf + off, cap - off, &w) != H2C_OK)
            break;
        off += w;
        size = size == 16384 ? 1000 : 16384; /* mostly full frames, some small ones */
    }
    *len = off;
    return buf;
}

__attribute__((noinline)) static uint64_t ours_parse(const uint8_t *data, size_t len)
{
    h2c_frame_parser *p;
    if (h2c_frame_parser_new(&p, NULL) != H2C_OK)
        return 0;
    size_t off = 0, used;
    h2c_frame_event ev;
    uint64_t frames = 0;
    int rc;
    while ((rc = h2c_frame_parser_push(p, data + off, len - off, &used, &ev)) > 0) {
        off += used;
        frames += rc == H2C_FRAME_EV_FRAME;
    }
    h2c_frame_parser_free(p);
    return rc == H2C_OK ? frames : 0;
}

int bench_stream(const char *root, size_t rounds, bench_stream_result *r)
{
    memset(r, 0, sizeof *r);
    capture caps[64];
    size_t n = 0;
    if (load_captures(root, caps, &n, 64) != 0 || n == 0) {
        fprintf(stderr, "h2codec bench: no captures under %s\n", root);
        return -1;
    }
#ifdef H2C_HAVE_NGHTTP2
    nghttp2_session_callbacks *cbs;
    if (nghttp2_session_callbacks_new(&cbs) != 0)
        return -1;
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, count_frame);
    nghttp2_session_callbacks_set_send_callback(cbs, drop_output);
#endif
    size_t plen;
    uint8_t *pstream = make_data_stream(&plen);
    double *a = calloc(rounds, sizeof *a), *b = calloc(rounds, sizeof *b);
    double *c = calloc(rounds, sizeof *c);
    int rc = pstream && a && b && c ? 0 : -1;
    uint64_t fo = 0, fn = 0;
    /* One pass over the captures takes well under a millisecond: a round
     * times several, so a single interrupt cannot decide it.  Even rounds
     * run ours first, odd rounds nghttp2 first. */
    enum { PASSES = 16 };
    conn *cs[64];
    for (size_t i = 0; rc == 0 && i < rounds; i++) {
        int ours_first = (i & 1) == 0;
        double ours = 0, theirs = NAN;
        for (int k = 0; k < 2 && rc == 0; k++) {
            if ((k == 0) == ours_first) {
                for (int j = 0; j < PASSES && rc == 0; j++) {
                    if (ours_prepare(cs, n) != 0) {
                        rc = -1;
                        break;
                    }
                    double t0 = bench_now_ns();
                    fo = ours_stream(caps, n, cs);
                    ours += bench_now_ns() - t0;
                    for (size_t q = 0; q < n; q++)
                        conn_free(cs[q]);
                }
            } else {
#ifdef H2C_HAVE_NGHTTP2
                theirs = 0;
                rc = ng_round(caps, n, PASSES, cbs, &fn, &theirs);
#endif
            }
        }
        double t2 = bench_now_ns();
        uint64_t pf = ours_parse(pstream, plen);
        double t3 = bench_now_ns();
        if (fo == 0 || pf == 0)
            rc = -1;
        a[i] = ours / PASSES / (double)fo;
        b[i] = theirs / PASSES / (double)fo; /* per frame of the same bytes */
        c[i] = (double)plen / (t3 - t2);
    }
    if (rc == 0) {
        r->ours_ns_per_frame = bench_median(a, rounds);
        r->nghttp2_ns_per_frame = bench_median(b, rounds);
        r->frames = (size_t)fo;
        r->passes = PASSES;
        r->nghttp2_frames = (size_t)fn; /* frames nghttp2 reported: a cross-check */
        r->parse_gb_per_s = bench_median(c, rounds);
        r->parse_bytes = plen;
    }
    free(a);
    free(b);
    free(c);
    free(pstream);
#ifdef H2C_HAVE_NGHTTP2
    nghttp2_session_callbacks_del(cbs);
#endif
    for (size_t i = 0; i < n; i++)
        free(caps[i].data);
    return rc;
}
