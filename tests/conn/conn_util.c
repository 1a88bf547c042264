/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the connection suite (see conn_util.h).
 *
 * SPDX-License-Identifier: MIT
 */
#define _DEFAULT_SOURCE
#include "conn_util.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Buffers
 * ---------------------------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    ck_assert_msg(q != NULL, "out of memory in the test");
    return q;
}

static void buf_room(ct_buf *b, size_t n)
{
    if (b->len + n <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void ct_buf_put(ct_buf *b, const void *p, size_t n)
{
    buf_room(b, n + 1);
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = 0; /* always NUL-terminated, for text */
}

void ct_buf_u8(ct_buf *b, uint8_t v)
{
    ct_buf_put(b, &v, 1);
}

void ct_buf_str(ct_buf *b, const char *s)
{
    ct_buf_put(b, s, strlen(s));
}

void ct_buf_fmt(ct_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof tmp)
        n = sizeof tmp - 1;
    ct_buf_put(b, tmp, (size_t)n);
}

void ct_buf_clear(ct_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = 0;
}

void ct_buf_free(ct_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------------------
 * HPACK
 * ---------------------------------------------------------------------- */

void ct_hp_int(ct_buf *b, uint8_t first, int prefix, uint64_t v)
{
    uint64_t max = (1u << prefix) - 1;
    if (v < max) {
        ct_buf_u8(b, (uint8_t)(first | v));
        return;
    }
    ct_buf_u8(b, (uint8_t)(first | max));
    v -= max;
    while (v >= 128) {
        ct_buf_u8(b, (uint8_t)(0x80 | (v & 0x7f)));
        v >>= 7;
    }
    ct_buf_u8(b, (uint8_t)v);
}

void ct_hp_litn(ct_buf *b, uint8_t kind, const void *name, size_t nlen, const void *value,
                size_t vlen)
{
    ct_buf_u8(b, kind); /* name index 0: a new name */
    ct_hp_int(b, 0x00, 7, nlen);
    ct_buf_put(b, name, nlen);
    ct_hp_int(b, 0x00, 7, vlen);
    ct_buf_put(b, value, vlen);
}

void ct_hp_lit(ct_buf *b, const char *name, const char *value)
{
    ct_hp_litn(b, 0x00, name, strlen(name), value, strlen(value));
}

void ct_hp_inc(ct_buf *b, const char *name, const char *value)
{
    ct_hp_litn(b, 0x40, name, strlen(name), value, strlen(value));
}

void ct_hp_idx(ct_buf *b, uint32_t index)
{
    ct_hp_int(b, 0x80, 7, index);
}

void ct_hp_size_update(ct_buf *b, uint32_t size)
{
    ct_hp_int(b, 0x20, 5, size);
}

void ct_hp_req(ct_buf *b, const char *method, const char *path)
{
    ct_hp_lit(b, ":method", method);
    ct_hp_lit(b, ":scheme", "https");
    ct_hp_lit(b, ":authority", "example.org");
    ct_hp_lit(b, ":path", path);
}

void ct_hp_status(ct_buf *b, int status)
{
    char v[16];
    snprintf(v, sizeof v, "%d", status);
    ct_hp_lit(b, ":status", v);
}

/* ------------------------------------------------------------------------
 * Frames
 * ---------------------------------------------------------------------- */

uint8_t ct_pattern(size_t i)
{
    return (uint8_t)('a' + (i * 7 + i / 251) % 26);
}

void ct_fr(ct_buf *b, const h2c_frame *f)
{
    size_t need = h2c_frame_serialize_bound(f), w = 0;
    ck_assert_msg(need > 0, "test frame cannot be serialized (type %u)", f->hd.type);
    buf_room(b, need + 1);
    int rc = h2c_frame_serialize(f, b->p + b->len, b->cap - b->len, &w);
    ck_assert_msg(rc == H2C_OK && w == need, "h2c_frame_serialize: %s", h2c_status_name(rc));
    b->len += w;
    b->p[b->len] = 0;
}

void ct_fr_raw(ct_buf *b, uint8_t type, uint8_t flags, uint32_t stream, const void *payload,
               size_t len)
{
    h2c_frame f;
    h2c_frame_init(&f, type, flags, stream);
    f.verbatim = 1;
    f.payload = h2c_view_of(payload, len);
    ct_fr(b, &f);
}

void ct_fr_headers(ct_buf *b, uint32_t stream, uint8_t flags, const void *blk, size_t len)
{
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_HEADERS, flags, stream);
    f.u.headers.fragment = h2c_view_of(blk, len);
    ct_fr(b, &f);
}

void ct_fr_block(ct_buf *b, uint32_t stream, uint8_t flags, const void *blk, size_t len,
                 uint32_t mfs)
{
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_HEADERS, flags, stream);
    f.u.headers.fragment = h2c_view_of(blk, len);
    size_t need = h2c_frame_header_block_bound(&f, mfs), w = 0;
    ck_assert(need > 0);
    buf_room(b, need + 1);
    int rc = h2c_frame_serialize_header_block(&f, mfs, b->p + b->len, b->cap - b->len, &w);
    ck_assert_msg(rc == H2C_OK, "h2c_frame_serialize_header_block: %s", h2c_status_name(rc));
    b->len += w;
    b->p[b->len] = 0;
}

void ct_fr_continuation(ct_buf *b, uint32_t stream, uint8_t flags, const void *blk, size_t len)
{
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_CONTINUATION, flags, stream);
    f.u.continuation.fragment = h2c_view_of(blk, len);
    ct_fr(b, &f);
}

static uint8_t *pattern_buf(size_t len)
{
    uint8_t *p = xrealloc(NULL, len);
    for (size_t i = 0; i < len; i++)
        p[i] = ct_pattern(i);
    return p;
}

void ct_fr_data(ct_buf *b, uint32_t stream, uint8_t flags, const void *data, size_t len)
{
    uint8_t *tmp = NULL;
    if (!data && len) {
        tmp = pattern_buf(len);
        data = tmp;
    }
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_DATA, flags, stream);
    f.u.data.data = h2c_view_of(data, len);
    ct_fr(b, &f);
    free(tmp);
}

void ct_fr_data_padded(ct_buf *b, uint32_t stream, uint8_t flags, size_t len, uint8_t pad)
{
    uint8_t *tmp = len ? pattern_buf(len) : NULL;
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_DATA, (uint8_t)(flags | H2C_FRAME_FLAG_PADDED), stream);
    f.pad_length = pad;
    f.u.data.data = h2c_view_of(tmp, len);
    ct_fr(b, &f);
    free(tmp);
}

void ct_fr_settings(ct_buf *b, uint8_t flags, const h2c_frame_setting *s, size_t n)
{
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_SETTINGS, flags, 0);
    f.u.settings.list = s;
    f.u.settings.count = n;
    ct_fr(b, &f);
}

void ct_fr_setting1(ct_buf *b, uint16_t id, uint32_t value)
{
    h2c_frame_setting s = {id, value};
    ct_fr_settings(b, 0, &s, 1);
}

void ct_fr_ping(ct_buf *b, uint8_t flags, const char *opaque8)
{
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_PING, flags, 0);
    if (opaque8)
        memcpy(f.u.ping.opaque_data, opaque8, 8);
    ct_fr(b, &f);
}

void ct_fr_rst(ct_buf *b, uint32_t stream, uint32_t code)
{
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_RST_STREAM, 0, stream);
    f.u.rst_stream.error_code = code;
    ct_fr(b, &f);
}

void ct_fr_wu(ct_buf *b, uint32_t stream, uint32_t inc)
{
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_WINDOW_UPDATE, 0, stream);
    f.u.window_update.increment = inc;
    ct_fr(b, &f);
}

void ct_fr_goaway(ct_buf *b, uint32_t last, uint32_t code, const char *debug)
{
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_GOAWAY, 0, 0);
    f.u.goaway.last_stream_id = last;
    f.u.goaway.error_code = code;
    if (debug)
        f.u.goaway.debug_data = h2c_view_of(debug, strlen(debug));
    ct_fr(b, &f);
}

void ct_fr_priority(ct_buf *b, uint32_t stream, uint32_t dep, uint8_t weight)
{
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_PRIORITY, 0, stream);
    f.u.priority.priority.dependency = dep;
    f.u.priority.priority.weight = weight;
    ct_fr(b, &f);
}

void ct_fr_push(ct_buf *b, uint32_t stream, uint8_t flags, uint32_t promised, const void *blk,
                size_t len)
{
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_PUSH_PROMISE, flags, stream);
    f.u.push_promise.promised_stream_id = promised;
    f.u.push_promise.fragment = h2c_view_of(blk, len);
    ct_fr(b, &f);
}

void ct_fr_get(ct_buf *b, uint32_t stream, int end, const char *path)
{
    ct_buf blk = {0};
    ct_hp_req(&blk, "GET", path);
    ct_fr_headers(b, stream,
                  (uint8_t)(H2C_FRAME_FLAG_END_HEADERS | (end ? H2C_FRAME_FLAG_END_STREAM : 0)),
                  blk.p, blk.len);
    ct_buf_free(&blk);
}

/* ------------------------------------------------------------------------
 * Events
 * ---------------------------------------------------------------------- */

static const char *const ev_names[] = {
    "OK", "REQUEST", "RESPONSE", "INFORMATIONAL", "TRAILERS", "DATA", "STREAM_END",
    "STREAM_RESET", "WINDOW_UPDATE", "SETTINGS", "SETTINGS_ACK", "PING", "PING_ACK", "GOAWAY",
    "PUSH", "PRIORITY_UPDATE", "ALTSVC", "ORIGIN", "UNKNOWN_FRAME", "HEADERS_TOO_LARGE",
    "FRAME", "PREFACE", /* H2C_CONN_OBSERVE */
};

const char *ct_ev_name(int type)
{
    if (type == 0)
        return "OK";
    if (type > 400 && type - 400 < (int)(sizeof ev_names / sizeof ev_names[0]))
        return ev_names[type - 400];
    return h2c_status_name(type);
}

void ct_log_init(ct_log *l, int keep)
{
    memset(l, 0, sizeof *l);
    l->keep = keep;
}

static char *dup_view(h2c_view v)
{
    if (!v.ptr && !v.len)
        return NULL;
    char *s = xrealloc(NULL, v.len + 1);
    if (v.len)
        memcpy(s, v.ptr, v.len);
    s[v.len] = 0;
    return s;
}

static void ev_free(ct_ev *e)
{
    free(e->fields);
    free(e->method);
    free(e->scheme);
    free(e->authority);
    free(e->path);
    free(e->protocol);
    free(e->data);
    free(e->debug);
}

void ct_log_clear(ct_log *l)
{
    for (size_t i = 0; i < l->n; i++)
        ev_free(&l->ev[i]);
    l->n = 0;
    memset(l->count, 0, sizeof l->count);
    l->events = 0;
    l->data_octets = 0;
    ct_buf_clear(&l->body);
    memset(&l->err, 0, sizeof l->err);
}

void ct_log_free(ct_log *l)
{
    ct_log_clear(l);
    free(l->ev);
    ct_buf_free(&l->body);
    l->ev = NULL;
    l->cap = 0;
}

static void log_add(ct_log *l, const h2c_conn_event *ev)
{
    l->events++;
    if (ev->type > 400 && ev->type < 432)
        l->count[ev->type - 400]++;
    if (ev->type == H2C_CONN_EV_DATA) {
        l->data_octets += ev->data.len;
        if (l->keep_body)
            ct_buf_put(&l->body, ev->data.ptr, ev->data.len);
    }
    if (!l->keep)
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->ev = xrealloc(l->ev, l->cap * sizeof *l->ev);
    }
    ct_ev *e = &l->ev[l->n++];
    memset(e, 0, sizeof *e);
    e->type = ev->type;
    e->stream_id = ev->stream_id;
    e->end_stream = ev->end_stream;
    if (ev->nfields) {
        ct_buf t = {0};
        for (size_t i = 0; i < ev->nfields; i++) {
            ct_buf_put(&t, ev->fields[i].name.ptr, ev->fields[i].name.len);
            ct_buf_str(&t, ": ");
            ct_buf_put(&t, ev->fields[i].value.ptr, ev->fields[i].value.len);
            ct_buf_str(&t, "\n");
            e->never_index += ev->fields[i].never_index != 0;
        }
        e->fields = (char *)t.p;
    }
    e->nfields = ev->nfields;
    e->method = dup_view(ev->method);
    e->scheme = dup_view(ev->scheme);
    e->authority = dup_view(ev->authority);
    e->path = dup_view(ev->path);
    e->protocol = dup_view(ev->protocol);
    e->status = ev->status;
    e->content_length = ev->content_length;
    e->promised_stream_id = ev->promised_stream_id;
    if (ev->data.len) {
        e->data = xrealloc(NULL, ev->data.len);
        memcpy(e->data, ev->data.ptr, ev->data.len);
    }
    e->data_len = ev->data.len;
    e->flow_len = ev->flow_len;
    e->error_code = ev->error_code;
    e->remote = ev->remote;
    e->last_stream_id = ev->last_stream_id;
    if (ev->debug_data.len) {
        e->debug = dup_view(ev->debug_data);
        e->debug_len = ev->debug_data.len;
    }
    e->increment = ev->increment;
    memcpy(e->opaque, ev->opaque_data, 8);
    e->settings = ev->settings;
    e->frame_type = ev->frame ? ev->frame->hd.type : -1;
    e->user = ev->user;
    e->error = ev->error;
}

long ct_log_find(const ct_log *l, int type, uint32_t stream, size_t start)
{
    for (size_t i = start; i < l->n; i++)
        if (l->ev[i].type == type && (stream == CT_ANY || l->ev[i].stream_id == stream))
            return (long)i;
    return -1;
}

unsigned long ct_log_count(const ct_log *l, int type)
{
    if (type > 400 && type < 432)
        return l->count[type - 400];
    return 0;
}

void ct_ev_describe(const ct_ev *e, ct_buf *o)
{
    ct_buf_fmt(o, "%s s=%u", ct_ev_name(e->type), e->stream_id);
    if (e->end_stream)
        ct_buf_str(o, " end");
    if (e->status)
        ct_buf_fmt(o, " status=%d", e->status);
    if (e->nfields)
        ct_buf_fmt(o, " nfields=%zu cl=%lld ni=%d", e->nfields, (long long)e->content_length,
                   e->never_index);
    if (e->method)
        ct_buf_fmt(o, " method=%s", e->method);
    if (e->path)
        ct_buf_fmt(o, " path=%s", e->path);
    if (e->authority)
        ct_buf_fmt(o, " authority=%s", e->authority);
    if (e->scheme)
        ct_buf_fmt(o, " scheme=%s", e->scheme);
    if (e->protocol)
        ct_buf_fmt(o, " protocol=%s", e->protocol);
    if (e->promised_stream_id)
        ct_buf_fmt(o, " promised=%u", e->promised_stream_id);
    if (e->type == H2C_CONN_EV_DATA) {
        uint64_t h = 0xcbf29ce484222325ull;
        for (size_t i = 0; i < e->data_len; i++)
            h = (h ^ e->data[i]) * 0x100000001b3ull;
        ct_buf_fmt(o, " len=%zu flow=%u hash=%016llx", e->data_len, e->flow_len,
                   (unsigned long long)h);
    }
    if (e->type == H2C_CONN_EV_STREAM_RESET || e->type == H2C_CONN_EV_GOAWAY)
        ct_buf_fmt(o, " code=%s remote=%d last=%u", h2c_h2_error_name(e->error_code), e->remote,
                   e->last_stream_id);
    if (e->debug_len)
        ct_buf_fmt(o, " debug=%.*s", (int)e->debug_len, e->debug);
    if (e->increment)
        ct_buf_fmt(o, " inc=%u", e->increment);
    if (e->type == H2C_CONN_EV_PING || e->type == H2C_CONN_EV_PING_ACK)
        ct_buf_fmt(o, " opaque=%02x%02x%02x%02x%02x%02x%02x%02x", e->opaque[0], e->opaque[1],
                   e->opaque[2], e->opaque[3], e->opaque[4], e->opaque[5], e->opaque[6],
                   e->opaque[7]);
    if (e->type == H2C_CONN_EV_SETTINGS)
        ct_buf_fmt(o, " hts=%u push=%u mcs=%u iws=%u mfs=%u mhls=%u ecp=%u",
                   e->settings.header_table_size, e->settings.enable_push,
                   e->settings.max_concurrent_streams, e->settings.initial_window_size,
                   e->settings.max_frame_size, e->settings.max_header_list_size,
                   e->settings.enable_connect_protocol);
    if (e->frame_type >= 0)
        ct_buf_fmt(o, " frame=%d", e->frame_type);
    if (e->error.status)
        ct_buf_fmt(o, " error=%s/%s/%s stream=%u off=%llu", h2c_status_name(e->error.status),
                   h2c_h2_error_name(e->error.h2_error), h2c_scope_name(e->error.scope),
                   e->error.stream_id, (unsigned long long)e->error.offset);
    ct_buf_str(o, "\n");
    if (e->fields)
        ct_buf_str(o, e->fields);
}

void ct_log_describe(const ct_log *l, ct_buf *out)
{
    for (size_t i = 0; i < l->n; i++)
        ct_ev_describe(&l->ev[i], out);
    if (l->err.status)
        ct_buf_fmt(out, "ERROR %s %s %s stream=%u off=%llu\n", h2c_status_name(l->err.status),
                   h2c_h2_error_name(l->err.h2_error), h2c_scope_name(l->err.scope),
                   l->err.stream_id, (unsigned long long)l->err.offset);
}

/* After a connection error: every later call returns it. */
static void check_sticky(h2c_conn *c, int rc)
{
    static const uint8_t junk[9] = {0, 0, 0, 6, 0, 0, 0, 0, 0};
    h2c_conn_event ev;
    size_t used = 12345;
    int again = h2c_conn_recv(c, junk, sizeof junk, &used, &ev);
    ck_assert_msg(again == rc, "error not sticky: %s then %s", h2c_status_name(rc),
                  h2c_status_name(again));
    ck_assert_msg(used <= sizeof junk, "consumed %zu of 9 after an error", used);
    again = h2c_conn_recv(c, junk, 0, &used, &ev);
    ck_assert_msg(again == rc, "error not sticky (len 0): %s then %s", h2c_status_name(rc),
                  h2c_status_name(again));
    h2c_error e;
    ck_assert_msg(h2c_conn_error(c, &e) == rc && e.status == rc,
                  "h2c_conn_error() = %s, recv returned %s", h2c_status_name(e.status),
                  h2c_status_name(rc));
}

static int feed(h2c_conn *c, const uint8_t *in, size_t len, ct_log *log)
{
    size_t off = 0;
    for (int spins = 0;; spins++) {
        h2c_conn_event ev;
        size_t used = (size_t)-1;
        memset(&ev, 0xa5, sizeof ev); /* no stale member may look meaningful */
        int rc = h2c_conn_recv(c, in + off, len - off, &used, &ev);
        ck_assert_msg(used != (size_t)-1, "h2c_conn_recv did not set *consumed (rc %s)",
                      h2c_status_name(rc));
        ck_assert_msg(used <= len - off, "consumed %zu of %zu", used, len - off);
        off += used;
        if (rc < 0) {
            ck_assert_msg(ev.error.status == rc, "event error.status %s, returned %s",
                          h2c_status_name(ev.error.status), h2c_status_name(rc));
            if (log)
                log->err = ev.error;
            check_sticky(c, rc);
            return rc;
        }
        if (rc == H2C_OK) {
            ck_assert_msg(off == len, "H2C_OK with %zu of %zu octets left", len - off, len);
            return H2C_OK;
        }
        ck_assert_msg(rc > 400 && rc <= H2C_CONN_EV_PREFACE, "unknown event %d", rc);
        ck_assert_msg(ev.type == rc, "ev.type %d, returned %d", ev.type, rc);
        ck_assert_msg(spins < 100000000, "recv loops without progress");
        uint32_t stream = ev.stream_id, flow = ev.flow_len;
        if (log)
            log_add(log, &ev);
        if (log && log->consume && rc == H2C_CONN_EV_DATA && flow) {
            int crc = h2c_conn_consume(c, stream, flow);
            ck_assert_msg(crc == H2C_OK, "consume(%u, %u): %s", stream, flow,
                          h2c_status_name(crc));
        }
    }
}

int ct_feed(h2c_conn *c, const void *in, size_t len, ct_log *log)
{
    static const uint8_t none[1];
    return feed(c, in ? in : none, in ? len : 0, log);
}

int ct_feed_chunked(h2c_conn *c, const void *in, size_t len, size_t chunk, ct_log *log)
{
    const uint8_t *p = in;
    size_t off = 0;
    if (!chunk)
        chunk = len ? len : 1;
    do {
        size_t n = len - off < chunk ? len - off : chunk;
        /* an exact-size copy, so that a read past the slice shows under ASan */
        uint8_t *slice = xrealloc(NULL, n);
        memcpy(slice, p + off, n);
        int rc = feed(c, slice, n, log);
        free(slice);
        if (rc < 0)
            return rc;
        off += n;
    } while (off < len);
    return H2C_OK;
}

/* ------------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------- */

size_t ct_drain(h2c_conn *c, ct_buf *out)
{
    size_t total = 0;
    for (int i = 0; h2c_conn_output_len(c); i++) {
        h2c_view v = h2c_conn_output(c);
        size_t before = h2c_conn_output_len(c);
        ck_assert_msg(v.len == before && v.len > 0, "output view %zu, output_len %zu", v.len,
                      before);
        ct_buf_put(out, v.ptr, v.len);
        h2c_conn_output_consume(c, v.len);
        total += v.len;
        ck_assert_msg(i < 1000000, "output never drains");
    }
    ck_assert(h2c_conn_output(c).len == 0);
    return total;
}

void ct_frames_free(ct_frames *fs)
{
    free(fs->f);
    memset(fs, 0, sizeof *fs);
}

void ct_parse(const uint8_t *p, size_t len, ct_frames *fs)
{
    fs->n = 0;
    fs->preface = 0;
    fs->rc = H2C_OK;
    fs->octets = 0;
    h2c_frame_parser_options po;
    h2c_frame_parser_options_init(&po);
    po.max_frame_size = H2C_FRAME_MAX_FRAME_SIZE_MAX;
    po.max_settings = 1000;
    po.preface = H2C_FRAME_PREFACE_AUTO;
    h2c_frame_parser *fp;
    ck_assert_int_eq(h2c_frame_parser_new(&fp, &po), H2C_OK);
    size_t off = 0;
    while (off < len) {
        h2c_frame_event ev;
        size_t used = 0;
        int rc = h2c_frame_parser_push(fp, p + off, len - off, &used, &ev);
        off += used;
        if (rc == H2C_OK)
            break;
        if (rc == H2C_FRAME_EV_PREFACE) {
            fs->preface = 1;
            continue;
        }
        if (rc < 0) {
            fs->rc = rc;
            break;
        }
        if (fs->n == fs->cap) {
            fs->cap = fs->cap ? fs->cap * 2 : 64;
            fs->f = xrealloc(fs->f, fs->cap * sizeof *fs->f);
        }
        ct_frame *f = &fs->f[fs->n++];
        memset(f, 0, sizeof *f);
        const h2c_frame *fr = &ev.frame;
        f->type = fr->hd.type;
        f->flags = fr->hd.flags;
        f->stream = fr->hd.stream_id;
        f->length = fr->hd.length;
        if (rc != H2C_FRAME_EV_FRAME) {
            /* our peer must never produce a frame our parser refuses */
            fs->rc = ev.error.status ? ev.error.status : rc;
            continue;
        }
        switch (f->type) {
        case H2C_FRAME_TYPE_RST_STREAM:
            f->code = fr->u.rst_stream.error_code;
            break;
        case H2C_FRAME_TYPE_GOAWAY:
            f->code = fr->u.goaway.error_code;
            f->last = fr->u.goaway.last_stream_id;
            break;
        case H2C_FRAME_TYPE_WINDOW_UPDATE:
            f->increment = fr->u.window_update.increment;
            break;
        case H2C_FRAME_TYPE_PUSH_PROMISE:
            f->promised = fr->u.push_promise.promised_stream_id;
            break;
        case H2C_FRAME_TYPE_PING:
            memcpy(f->opaque, fr->u.ping.opaque_data, 8);
            break;
        case H2C_FRAME_TYPE_SETTINGS:
            f->nsettings = fr->u.settings.count;
            for (size_t i = 0; i < fr->u.settings.count && i < 16; i++)
                h2c_frame_settings_get(fr, i, &f->settings[i]);
            break;
        case H2C_FRAME_TYPE_DATA:
            f->data_len = fr->u.data.data.len;
            break;
        default:
            break;
        }
    }
    if (fs->rc == H2C_OK) {
        int frc = h2c_frame_parser_finish(fp, NULL);
        if (frc != H2C_OK)
            fs->rc = frc;
    }
    fs->octets = off;
    h2c_frame_parser_free(fp);
}

void ct_out(h2c_conn *c, ct_frames *fs)
{
    ct_buf b = {0};
    ct_drain(c, &b);
    ct_parse(b.p, b.len, fs);
    ct_buf_free(&b);
}

const ct_frame *ct_frames_find(const ct_frames *fs, uint8_t type, uint32_t stream)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->f[i].type == type && (stream == CT_ANY || fs->f[i].stream == stream))
            return &fs->f[i];
    return NULL;
}

size_t ct_frames_count(const ct_frames *fs, uint8_t type)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += fs->f[i].type == type;
    return n;
}

void ct_frames_describe(const ct_frames *fs, ct_buf *o)
{
    if (fs->preface)
        ct_buf_str(o, "PREFACE; ");
    for (size_t i = 0; i < fs->n && i < 40; i++) {
        const ct_frame *f = &fs->f[i];
        ct_buf_fmt(o, "%s(s=%u,f=0x%x,len=%u", h2c_frame_type_name(f->type), f->stream, f->flags,
                   f->length);
        if (f->type == H2C_FRAME_TYPE_RST_STREAM || f->type == H2C_FRAME_TYPE_GOAWAY)
            ct_buf_fmt(o, ",%s", h2c_h2_error_name(f->code));
        if (f->type == H2C_FRAME_TYPE_GOAWAY)
            ct_buf_fmt(o, ",last=%u", f->last);
        if (f->type == H2C_FRAME_TYPE_WINDOW_UPDATE)
            ct_buf_fmt(o, ",inc=%u", f->increment);
        ct_buf_str(o, "); ");
    }
    if (fs->n > 40)
        ct_buf_fmt(o, "... (%zu frames)", fs->n);
    if (fs->rc)
        ct_buf_fmt(o, "PARSE ERROR %s", h2c_status_name(fs->rc));
}

/* ------------------------------------------------------------------------
 * Connections
 * ---------------------------------------------------------------------- */

void ct_options(h2c_conn_options *o, int role)
{
    h2c_conn_options_init(o, role);
}

h2c_conn *ct_new(const h2c_conn_options *o)
{
    h2c_conn *c = (h2c_conn *)(uintptr_t)1;
    int rc = h2c_conn_new(&c, o);
    ck_assert_msg(rc == H2C_OK, "h2c_conn_new: %s", h2c_status_name(rc));
    ck_assert(c != NULL);
    return c;
}

void ct_pair_new(ct_pair *p, const h2c_conn_options *co, const h2c_conn_options *so)
{
    h2c_conn_options c, s;
    memset(p, 0, sizeof *p);
    if (!co) {
        h2c_conn_options_init(&c, H2C_CONN_CLIENT);
        co = &c;
    }
    if (!so) {
        h2c_conn_options_init(&s, H2C_CONN_SERVER);
        so = &s;
    }
    p->cli = ct_new(co);
    p->srv = ct_new(so);
    ct_log_init(&p->clog, 1);
    ct_log_init(&p->slog, 1);
}

static int move(h2c_conn *from, h2c_conn *to, ct_log *log, uint64_t *moved, int *any)
{
    ct_buf b = {0};
    size_t n = ct_drain(from, &b);
    int rc = H2C_OK;
    if (n) {
        *any = 1;
        *moved += n;
        rc = ct_feed(to, b.p, b.len, log);
    }
    ct_buf_free(&b);
    return rc;
}

int ct_pair_c2s(ct_pair *p)
{
    int any = 0;
    return move(p->cli, p->srv, &p->slog, &p->c2s, &any);
}

int ct_pair_s2c(ct_pair *p)
{
    int any = 0;
    return move(p->srv, p->cli, &p->clog, &p->s2c, &any);
}

int ct_pair_pump(ct_pair *p)
{
    for (int round = 0; round < 10000; round++) {
        int any = 0;
        int rc = move(p->cli, p->srv, &p->slog, &p->c2s, &any);
        if (rc < 0)
            return rc;
        rc = move(p->srv, p->cli, &p->clog, &p->s2c, &any);
        if (rc < 0)
            return rc;
        if (!any)
            return H2C_OK;
    }
    ck_abort_msg("the pair never goes quiet");
    return H2C_E_STATE;
}

void ct_pair_free(ct_pair *p)
{
    h2c_conn_free(p->cli);
    h2c_conn_free(p->srv);
    ct_log_free(&p->clog);
    ct_log_free(&p->slog);
}

void ct_raw_server(ct_raw *r, const h2c_conn_options *o)
{
    h2c_conn_options d;
    memset(r, 0, sizeof *r);
    if (!o) {
        h2c_conn_options_init(&d, H2C_CONN_SERVER);
        o = &d;
    }
    r->server = 1;
    r->c = ct_new(o);
    ct_log_init(&r->log, 1);
    ct_raw_out(r);
    ck_assert_msg(r->out.rc == H2C_OK && !r->out.preface && r->out.n >= 1 &&
                      r->out.f[0].type == H2C_FRAME_TYPE_SETTINGS && r->out.f[0].flags == 0,
                  "server preface is not a SETTINGS frame first");
    ct_buf_put(&r->in, H2C_FRAME_CLIENT_PREFACE, H2C_FRAME_CLIENT_PREFACE_LEN);
    ct_fr_settings(&r->in, 0, NULL, 0);
    ct_fr_settings(&r->in, H2C_FRAME_FLAG_ACK, NULL, 0);
    int rc = ct_raw_send(r);
    ck_assert_msg(rc == H2C_OK, "server handshake: %s", h2c_status_name(rc));
    ck_assert_msg(ct_log_find(&r->log, H2C_CONN_EV_SETTINGS_ACK, 0, 0) >= 0,
                  "server handshake: no SETTINGS_ACK event");
    ct_raw_out(r);
    ck_assert_msg(ct_frames_find(&r->out, H2C_FRAME_TYPE_SETTINGS, 0) &&
                      (ct_frames_find(&r->out, H2C_FRAME_TYPE_SETTINGS, 0)->flags &
                       H2C_FRAME_FLAG_ACK),
                  "server handshake: our SETTINGS not acknowledged");
    ct_log_clear(&r->log);
    r->out.n = 0;
}

void ct_raw_client(ct_raw *r, const h2c_conn_options *o)
{
    h2c_conn_options d;
    memset(r, 0, sizeof *r);
    if (!o) {
        h2c_conn_options_init(&d, H2C_CONN_CLIENT);
        o = &d;
    }
    r->server = 0;
    r->c = ct_new(o);
    ct_log_init(&r->log, 1);
    ct_raw_out(r);
    ck_assert_msg(r->out.rc == H2C_OK && r->out.preface && r->out.n >= 1 &&
                      r->out.f[0].type == H2C_FRAME_TYPE_SETTINGS && r->out.f[0].flags == 0,
                  "client preface is not the preface then SETTINGS");
    /* ENABLE_PUSH 0, as many servers send it (an empty SETTINGS is just as
     * valid: rfc_client_enable_push_from_server checks that one) */
    ct_fr_setting1(&r->in, H2C_FRAME_SETTINGS_ENABLE_PUSH, 0);
    ct_fr_settings(&r->in, H2C_FRAME_FLAG_ACK, NULL, 0);
    int rc = ct_raw_send(r);
    h2c_error e;
    h2c_conn_error(r->c, &e);
    ck_assert_msg(rc == H2C_OK, "client handshake: %s (%s)", h2c_status_name(rc),
                  e.reason ? e.reason : "");
    ct_raw_out(r);
    ck_assert_msg(ct_frames_find(&r->out, H2C_FRAME_TYPE_SETTINGS, 0) != NULL,
                  "client handshake: no SETTINGS ACK");
    ct_log_clear(&r->log);
    r->out.n = 0;
}

int ct_raw_send(ct_raw *r)
{
    int rc = ct_feed(r->c, r->in.p, r->in.len, &r->log);
    ct_buf_clear(&r->in);
    return rc;
}

void ct_raw_out(ct_raw *r)
{
    ct_out(r->c, &r->out);
}

void ct_raw_free(ct_raw *r)
{
    h2c_conn_free(r->c);
    ct_log_free(&r->log);
    ct_buf_free(&r->in);
    ct_frames_free(&r->out);
}

uint32_t ct_raw_request(ct_raw *r, int end_stream)
{
    h2c_hpack_field req[] = {HF(":method", "GET"), HF(":scheme", "https"),
                             HF(":authority", "example.org"), HF(":path", "/")};
    uint32_t id = 0;
    int rc = h2c_conn_submit_request(r->c, req, NFIELDS(req), end_stream, &id);
    ck_assert_msg(rc == H2C_OK, "submit_request: %s", h2c_status_name(rc));
    ct_raw_out(r);
    ck_assert_msg(ct_frames_find(&r->out, H2C_FRAME_TYPE_HEADERS, id) != NULL,
                  "no HEADERS for stream %u", id);
    return id;
}

/* ------------------------------------------------------------------------
 * Expectations
 * ---------------------------------------------------------------------- */

static void describe_all(ct_raw *r, ct_buf *o)
{
    ct_buf_str(o, "\n  events: ");
    ct_log_describe(&r->log, o);
    ct_buf_str(o, "\n  output: ");
    ct_frames_describe(&r->out, o);
}

void ct_expect_conn_error(const char *file, int line, ct_raw *r, int rc, int status_a,
                          int status_b, uint32_t h2)
{
    ct_raw_out(r);
    ct_buf d = {0};
    describe_all(r, &d);
    ck_assert_msg(status_a ? (rc == status_a || (status_b && rc == status_b)) : rc < 0,
                  "%s:%d: expected connection error %s%s%s, got %s%s", file, line,
                  status_a ? h2c_status_name(status_a) : "(any)", status_b ? " or " : "",
                  status_b ? h2c_status_name(status_b) : "", h2c_status_name(rc), (char *)d.p);
    h2c_error e;
    ck_assert_int_eq(h2c_conn_error(r->c, &e), rc);
    ck_assert_msg(e.h2_error == h2 && e.scope == H2C_SCOPE_CONNECTION,
                  "%s:%d: %s: expected %s/connection, got %s/%s (%s)", file, line,
                  h2c_status_name(rc), h2c_h2_error_name(h2), h2c_h2_error_name(e.h2_error),
                  h2c_scope_name(e.scope), e.reason ? e.reason : "(no reason)");
    ck_assert_msg(e.reason != NULL, "%s:%d: error without a reason", file, line);
    ck_assert_msg(r->out.rc == H2C_OK, "%s:%d: output does not parse: %s%s", file, line,
                  h2c_status_name(r->out.rc), (char *)d.p);
    ck_assert_msg(r->out.n > 0 && r->out.f[r->out.n - 1].type == H2C_FRAME_TYPE_GOAWAY,
                  "%s:%d: %s: the output does not end with GOAWAY%s", file, line,
                  h2c_status_name(rc), (char *)d.p);
    const ct_frame *g = &r->out.f[r->out.n - 1];
    ck_assert_msg(g->code == h2, "%s:%d: GOAWAY %s, expected %s", file, line,
                  h2c_h2_error_name(g->code), h2c_h2_error_name(h2));
    ck_assert_msg(ct_frames_count(&r->out, H2C_FRAME_TYPE_GOAWAY) == 1,
                  "%s:%d: more than one GOAWAY%s", file, line, (char *)d.p);
    /* submits fail after a connection error */
    uint8_t opaque[8] = {0};
    ck_assert_msg(h2c_conn_ping(r->c, opaque) < 0, "%s:%d: ping accepted after the error", file,
                  line);
    ck_assert_msg(h2c_conn_output_len(r->c) == 0, "%s:%d: output queued after the error", file,
                  line);
    ck_assert_msg(h2c_conn_done(r->c) == 1, "%s:%d: done() is 0 after a connection error with "
                  "the output drained", file, line);
    ct_buf_free(&d);
}

void ct_expect_stream_error(const char *file, int line, ct_raw *r, int rc, uint32_t stream,
                            int status, uint32_t h2)
{
    ct_raw_out(r);
    ct_buf d = {0};
    describe_all(r, &d);
    ck_assert_msg(rc == H2C_OK, "%s:%d: expected a stream error on %u, got connection error %s%s",
                  file, line, stream, h2c_status_name(rc), (char *)d.p);
    long i = ct_log_find(&r->log, H2C_CONN_EV_STREAM_RESET, stream, 0);
    ck_assert_msg(i >= 0, "%s:%d: no STREAM_RESET event on stream %u%s", file, line, stream,
                  (char *)d.p);
    const ct_ev *e = &r->log.ev[i];
    ck_assert_msg(e->remote == 0 && e->error_code == h2 && e->error.h2_error == h2 &&
                      e->error.scope == H2C_SCOPE_STREAM && e->error.stream_id == stream &&
                      (status == 0 || e->error.status == status),
                  "%s:%d: STREAM_RESET on %u: expected remote 0, %s, %s/stream; got remote %d, "
                  "code %s, error %s/%s/%s stream %u%s",
                  file, line, stream, status ? h2c_status_name(status) : "(any)",
                  h2c_h2_error_name(h2), e->remote, h2c_h2_error_name(e->error_code),
                  h2c_status_name(e->error.status), h2c_h2_error_name(e->error.h2_error),
                  h2c_scope_name(e->error.scope), e->error.stream_id, (char *)d.p);
    const ct_frame *f = ct_frames_find(&r->out, H2C_FRAME_TYPE_RST_STREAM, stream);
    ck_assert_msg(f != NULL && f->code == h2, "%s:%d: expected RST_STREAM(%u, %s) queued%s", file,
                  line, stream, h2c_h2_error_name(h2), (char *)d.p);
    ck_assert_msg(ct_frames_find(&r->out, H2C_FRAME_TYPE_GOAWAY, CT_ANY) == NULL,
                  "%s:%d: GOAWAY queued for a stream error%s", file, line, (char *)d.p);
    h2c_error ce;
    ck_assert_msg(h2c_conn_error(r->c, &ce) == H2C_OK, "%s:%d: connection failed", file, line);
    ck_assert_msg(h2c_conn_stream_state_get(r->c, stream) == H2C_STREAM_CLOSED,
                  "%s:%d: stream %u is in state %d after its reset, not CLOSED", file, line,
                  stream, (int)h2c_conn_stream_state_get(r->c, stream));
    ct_buf_free(&d);
}
