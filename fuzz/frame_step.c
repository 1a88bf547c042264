/* SPDX-License-Identifier: MIT */
/* frame_step.c -- see frame_step.h. */
#include "frame_step.h"

#include <stdlib.h>
#include <string.h>

void h2c_fuzz_fparse_init(h2c_fuzz_fparse *d, h2c_frame_parser *p, const uint8_t *in,
                          size_t len, const h2c_fuzz_chunker *ch, int copy)
{
    memset(d, 0, sizeof *d);
    d->p = p;
    h2c_fuzz_feed_init(&d->feed, ch, copy);
    h2c_fuzz_feed_begin(&d->feed, in, len);
}

static void check_sticky(h2c_frame_parser *p, int rc, const h2c_error *e)
{
    static const uint8_t probe[9] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    h2c_frame_event ev;
    h2c_error e2;
    size_t used = 99;
    H2C_FUZZ_CHECK(e->status == rc);
    H2C_FUZZ_CHECK(e->reason != NULL);
    H2C_FUZZ_CHECK(e->scope == H2C_SCOPE_CONNECTION || e->scope == H2C_SCOPE_LOCAL);
    H2C_FUZZ_CHECK(h2c_frame_parser_state_get(p) == H2C_FRAME_PS_ERROR);
    H2C_FUZZ_CHECK(h2c_frame_parser_error(p, &e2) == rc);
    H2C_FUZZ_CHECK(h2c_fuzz_error_same(e, &e2));
    H2C_FUZZ_CHECK(h2c_frame_parser_push(p, probe, sizeof probe, &used, &ev) == rc);
    H2C_FUZZ_CHECK(used == 0);
    H2C_FUZZ_CHECK(h2c_frame_parser_finish(p, NULL) == rc);
    H2C_FUZZ_CHECK(h2c_status_name(rc) != NULL && h2c_strerror(rc) != NULL);
}

static int end_with(h2c_fuzz_fparse *d, int rc)
{
    d->done = 1;
    d->last = rc;
    return rc;
}

int h2c_fuzz_fparse_next(h2c_fuzz_fparse *d, h2c_frame_event *ev)
{
    h2c_fuzz_feed *fd = &d->feed;
    if (d->done)
        return d->last;
    for (;;) {
        size_t used = (size_t)-1;
        int rc;
        if (!h2c_fuzz_feed_ready(fd)) {
            memset(ev, 0, sizeof *ev);
            rc = h2c_frame_parser_finish(d->p, &ev->error);
            if (rc == H2C_FRAME_E_TRUNCATED) {
                H2C_FUZZ_CHECK(ev->error.scope == H2C_SCOPE_LOCAL);
                H2C_FUZZ_CHECK(h2c_frame_parser_missing(d->p) > 0);
                H2C_FUZZ_CHECK(h2c_frame_parser_state_get(d->p) != H2C_FRAME_PS_ERROR);
            } else if (rc == H2C_OK) {
                H2C_FUZZ_CHECK(h2c_frame_parser_missing(d->p) == 0);
            } else {
                check_sticky(d->p, rc, &ev->error);
            }
            return end_with(d, rc);
        }
        rc = h2c_frame_parser_push(d->p, fd->cur + fd->cur_off, fd->cur_len - fd->cur_off,
                                   &used, ev);
        h2c_fuzz_feed_take(fd, used);
        if (rc > 0)
            return rc;
        if (rc < 0) {
            check_sticky(d->p, rc, &ev->error);
            return end_with(d, rc);
        }
        H2C_FUZZ_CHECK(fd->cur_off == fd->cur_len);
    }
}

void h2c_fuzz_fparse_done(h2c_fuzz_fparse *d)
{
    h2c_fuzz_feed_done(&d->feed);
}

static int view_same(h2c_view a, h2c_view b)
{
    return h2c_fuzz_eq(a.ptr, a.len, b.ptr, b.len);
}

static int prio_same(const h2c_frame_priority *a, const h2c_frame_priority *b)
{
    return a->dependency == b->dependency && a->exclusive == b->exclusive &&
           a->weight == b->weight;
}

int h2c_fuzz_frame_same(const h2c_frame *a, const h2c_frame *b)
{
    if (a->hd.length != b->hd.length || a->hd.type != b->hd.type ||
        a->hd.flags != b->hd.flags || a->hd.stream_id != b->hd.stream_id)
        return 0;
    if (a->offset != b->offset || a->pad_length != b->pad_length || a->verbatim != b->verbatim ||
        !view_same(a->payload, b->payload))
        return 0;
    if (a->verbatim)
        return 1;
    switch (a->hd.type) {
    case H2C_FRAME_TYPE_DATA:
        return view_same(a->u.data.data, b->u.data.data);
    case H2C_FRAME_TYPE_HEADERS:
        return prio_same(&a->u.headers.priority, &b->u.headers.priority) &&
               view_same(a->u.headers.fragment, b->u.headers.fragment);
    case H2C_FRAME_TYPE_PRIORITY:
        return prio_same(&a->u.priority.priority, &b->u.priority.priority);
    case H2C_FRAME_TYPE_RST_STREAM:
        return a->u.rst_stream.error_code == b->u.rst_stream.error_code;
    case H2C_FRAME_TYPE_SETTINGS:
        return a->u.settings.count == b->u.settings.count &&
               view_same(a->u.settings.raw, b->u.settings.raw);
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        return a->u.push_promise.promised_stream_id == b->u.push_promise.promised_stream_id &&
               view_same(a->u.push_promise.fragment, b->u.push_promise.fragment);
    case H2C_FRAME_TYPE_PING:
        return memcmp(a->u.ping.opaque_data, b->u.ping.opaque_data, 8) == 0;
    case H2C_FRAME_TYPE_GOAWAY:
        return a->u.goaway.last_stream_id == b->u.goaway.last_stream_id &&
               a->u.goaway.error_code == b->u.goaway.error_code &&
               view_same(a->u.goaway.debug_data, b->u.goaway.debug_data);
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        return a->u.window_update.increment == b->u.window_update.increment;
    case H2C_FRAME_TYPE_CONTINUATION:
        return view_same(a->u.continuation.fragment, b->u.continuation.fragment);
    case H2C_FRAME_TYPE_ALTSVC:
        return view_same(a->u.altsvc.origin, b->u.altsvc.origin) &&
               view_same(a->u.altsvc.value, b->u.altsvc.value);
    case H2C_FRAME_TYPE_ORIGIN:
        return a->u.origin.count == b->u.origin.count &&
               view_same(a->u.origin.raw, b->u.origin.raw);
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        return a->u.priority_update.prioritized_stream_id ==
                   b->u.priority_update.prioritized_stream_id &&
               view_same(a->u.priority_update.value, b->u.priority_update.value);
    default:
        return 1;
    }
}

int h2c_fuzz_error_same(const h2c_error *a, const h2c_error *b)
{
    if (a->status != b->status)
        return 0;
    if (a->status == H2C_OK)
        return 1;
    return a->h2_error == b->h2_error && a->scope == b->scope &&
           a->stream_id == b->stream_id && a->offset == b->offset && a->reason && b->reason &&
           strcmp(a->reason, b->reason) == 0;
}

/* Offset in the payload of a 31-bit field with a reserved bit, or -1. */
static long reserved_field(const h2c_frame *f)
{
    size_t pad = (f->hd.flags & H2C_FRAME_FLAG_PADDED) ? 1 : 0;
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        return (long)pad;
    case H2C_FRAME_TYPE_GOAWAY:
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        return 0;
    default:
        return -1;
    }
}

void h2c_fuzz_check_reserialize(const h2c_frame *f, const uint8_t *wire)
{
    size_t n = H2C_FRAME_HEADER_LEN + f->hd.length, written = 0;
    uint8_t *want, *out;
    long r;
    H2C_FUZZ_CHECK(h2c_frame_serialize_bound(f) == n);
    want = malloc(n);
    out = malloc(n);
    if (!want || !out)
        abort();
    memcpy(want, wire, n);
    want[5] &= 0x7f; /* header R bit */
    r = f->verbatim ? -1 : reserved_field(f);
    if (r >= 0 && (size_t)r < f->hd.length)
        want[H2C_FRAME_HEADER_LEN + r] &= 0x7f;
    if (!f->verbatim && (f->hd.flags & H2C_FRAME_FLAG_PADDED) &&
        (f->hd.type == H2C_FRAME_TYPE_DATA || f->hd.type == H2C_FRAME_TYPE_HEADERS ||
         f->hd.type == H2C_FRAME_TYPE_PUSH_PROMISE) &&
        f->pad_length <= f->hd.length)
        memset(want + n - f->pad_length, 0, f->pad_length);
    H2C_FUZZ_CHECK(h2c_frame_serialize(f, out, n, &written) == H2C_OK);
    H2C_FUZZ_CHECK(written == n);
    H2C_FUZZ_CHECK(memcmp(out, want, n) == 0);
    /* One octet short: refused, nothing written, the size needed reported. */
    written = 0;
    H2C_FUZZ_CHECK(h2c_frame_serialize(f, out, n - 1, &written) ==
                   H2C_E_BUFFER_TOO_SMALL);
    H2C_FUZZ_CHECK(written == n);
    free(want);
    free(out);
}
