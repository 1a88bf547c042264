/* SPDX-License-Identifier: MIT */
/*
 * Sending: each submit call checks the stream state machine and flow
 * control, then queues frames, or fails and queues nothing.  Room in the
 * output queue is reserved before the HPACK encoder runs, so a header
 * block that does not fit never changes the compression context.  A block
 * that fits one frame is encoded straight into the queue; a larger one
 * goes through a scratch buffer and the frame serializer.
 */
#include <string.h>

#include "conn_int.h"

static int usable(const h2c_conn *c)
{
    if (!c)
        return H2C_E_INVALID_ARGUMENT;
    if (c->observe)
        return H2C_E_STATE; /* an observer sends nothing */
    return c->dead ? H2C_CONN_E_CLOSED : H2C_OK;
}

/* Queue a whole field block as HEADERS or PUSH_PROMISE + CONTINUATION. */
static int queue_block(h2c_conn *c, uint8_t type, uint32_t stream, uint8_t flags,
                       uint32_t promised, const h2c_hpack_field *fields, size_t n)
{
    if (n && !fields)
        return H2C_E_INVALID_ARGUMENT;
    size_t mfs = c->remote.max_frame_size;
    size_t pp = type == H2C_FRAME_TYPE_PUSH_PROMISE ? 4 : 0; /* promised stream id */
    size_t blen;
    int rc;
    /* One frame, the usual case: the block is encoded straight into the
     * output queue, after room for the frame header, with at most a
     * frame's worth of room: a block that needs more fails and leaves the
     * encoder as it was, and goes the long way below.  The room is at
     * least the encoder's own quick estimate (name + value + 13 a field,
     * and size updates), below which it would save its table first. */
    size_t est = 16;
    for (size_t i = 0; i < n && est + pp <= mfs; i++)
        est += fields[i].name.len + fields[i].value.len + 13;
    if (est + pp <= mfs && h2c_out_reserve(c, 9 + pp + est, 0) == H2C_OK) {
        uint8_t *p = h2c_out_tail(c);
        size_t cap = c->out_cap - c->out_len - 9 - pp;
        rc = h2c_hpack_encoder_encode(c->enc, fields, n, p + 9 + pp,
                                      cap < mfs - pp ? cap : mfs - pp, &blen);
        if (rc == H2C_OK) {
            h2c_out_header(p, (uint32_t)(pp + blen), type, flags, stream);
            if (pp)
                h2c_put32(p + 9, promised & H2C_WINDOW_MAX);
            c->out_len += 9 + pp + blen;
            return H2C_OK;
        }
        if (rc != H2C_E_BUFFER_TOO_SMALL)
            return rc;
    }
    size_t bound = h2c_hpack_encoder_bound(c->enc, fields, n);
    size_t frames = bound / mfs + 1;
    size_t need = bound + 9 * frames + 4;
    rc = h2c_out_reserve(c, need, 0);
    if (rc != H2C_OK)
        return rc;
    if (bound > c->scratch_cap) {
        rc = h2c_conn_grow(c, &c->scratch, &c->scratch_cap, bound, SIZE_MAX);
        if (rc != H2C_OK)
            return rc;
        rc = h2c_out_reserve(c, need, 0); /* growing scratch did not move out, but be exact */
        if (rc != H2C_OK)
            return rc;
    }
    rc = h2c_hpack_encoder_encode(c->enc, fields, n, c->scratch, c->scratch_cap, &blen);
    if (rc != H2C_OK)
        return rc;
    h2c_frame f;
    h2c_frame_init(&f, type, flags, stream);
    if (type == H2C_FRAME_TYPE_PUSH_PROMISE) {
        f.u.push_promise.promised_stream_id = promised;
        f.u.push_promise.fragment = h2c_view_of(c->scratch, blen);
    } else {
        f.u.headers.fragment = h2c_view_of(c->scratch, blen);
    }
    size_t w;
    rc = h2c_frame_serialize_header_block(&f, (uint32_t)mfs, h2c_out_tail(c),
                                          c->out_cap - c->out_len, &w);
    if (rc != H2C_OK) /* cannot happen: the room was reserved from the bound */
        return h2c_conn_fail(c, rc, H2C_H2_INTERNAL_ERROR, stream, 0,
                             "header block did not fit its reserved room");
    c->out_len += w;
    return H2C_OK;
}

static int field_is(const h2c_hpack_field *f, const char *name, const char *value)
{
    size_t nl = strlen(name), vl = value ? strlen(value) : 0;
    return f->name.len == nl && memcmp(f->name.ptr, name, nl) == 0 &&
           (!value || (f->value.len == vl && memcmp(f->value.ptr, value, vl) == 0));
}

int h2c_conn_submit_request(h2c_conn *c, const h2c_hpack_field *fields, size_t n, int end_stream,
                            uint32_t *stream_id)
{
    int rc = usable(c);
    if (rc != H2C_OK)
        return rc;
    if (c->server || !stream_id)
        return c->server ? H2C_E_STATE : H2C_E_INVALID_ARGUMENT;
    if (c->goaway_sent || c->goaway_recv || c->local_open >= c->remote.max_concurrent_streams ||
        c->next_local_id > H2C_WINDOW_MAX)
        return H2C_CONN_E_NO_STREAMS;
    uint32_t id = c->next_local_id;
    h2c_stream *s = h2c_stream_new(c, id);
    if (!s)
        return H2C_E_NOMEM;
    rc = queue_block(c, H2C_FRAME_TYPE_HEADERS, id,
                     (uint8_t)(H2C_FRAME_FLAG_END_HEADERS |
                               (end_stream ? H2C_FRAME_FLAG_END_STREAM : 0)),
                     0, fields, n);
    if (rc != H2C_OK) {
        s->state = H2C_STREAM_IDLE; /* not counted as open: close() leaves counters */
        h2c_stream_close(c, s);
        return rc;
    }
    s->state = H2C_STREAM_OPEN;
    s->send_phase = PHASE_HEADERS;
    for (size_t i = 0; i < n; i++)
        if (field_is(&fields[i], ":method", "HEAD"))
            s->flags |= SF_NO_BODY;
    c->last_local_id = id;
    c->next_local_id += 2;
    c->local_open++;
    c->open_streams++;
    if (end_stream)
        h2c_conn_local_end(c, s);
    *stream_id = id;
    return H2C_OK;
}

int h2c_conn_submit_headers(h2c_conn *c, uint32_t stream_id, const h2c_hpack_field *fields,
                            size_t n, int end_stream)
{
    int rc = usable(c);
    if (rc != H2C_OK)
        return rc;
    h2c_stream *s = h2c_stream_find(c, stream_id);
    if (!s)
        return H2C_CONN_E_STREAM_STATE;
    int reserved = s->state == H2C_STREAM_RESERVED_LOCAL;
    if (!reserved && s->state != H2C_STREAM_OPEN && s->state != H2C_STREAM_HALF_CLOSED_REMOTE)
        return H2C_CONN_E_STREAM_STATE;
    if (!c->server && s->send_phase == PHASE_NONE)
        return H2C_CONN_E_STREAM_STATE; /* a client opens streams with submit_request() */
    int trailers = s->send_phase == PHASE_HEADERS;
    if (trailers && !end_stream)
        return H2C_CONN_E_STREAM_STATE; /* trailers end the stream (8.1) */
    int info = !trailers && n && field_is(&fields[0], ":status", NULL) &&
               fields[0].value.len == 3 && fields[0].value.ptr[0] == '1';
    if (info && end_stream)
        return H2C_CONN_E_STREAM_STATE;
    rc = queue_block(c, H2C_FRAME_TYPE_HEADERS, stream_id,
                     (uint8_t)(H2C_FRAME_FLAG_END_HEADERS |
                               (end_stream ? H2C_FRAME_FLAG_END_STREAM : 0)),
                     0, fields, n);
    if (rc != H2C_OK)
        return rc;
    if (reserved) { /* the pushed response opens the stream, half-closed (5.1) */
        s->state = H2C_STREAM_HALF_CLOSED_REMOTE;
        c->open_streams++;
        c->local_open++;
    }
    s->send_phase = trailers ? PHASE_TRAILERS : info ? PHASE_INFO : PHASE_HEADERS;
    if (end_stream)
        h2c_conn_local_end(c, s);
    return H2C_OK;
}

size_t h2c_conn_send_window(const h2c_conn *c, uint32_t stream_id)
{
    if (!c || c->dead)
        return 0; /* nothing more goes out */
    const h2c_stream *s = stream_id ? h2c_stream_find(c, stream_id) : NULL;
    if (stream_id && !s)
        return 0;
    int64_t w = s && s->send_window < c->send_window ? s->send_window : c->send_window;
    return w > 0 ? (size_t)w : 0;
}

int h2c_conn_submit_data(h2c_conn *c, uint32_t stream_id, const uint8_t *data, size_t len,
                         int end_stream, size_t *accepted)
{
    size_t dummy;
    if (!accepted)
        accepted = &dummy;
    *accepted = 0;
    int rc = usable(c);
    if (rc != H2C_OK)
        return rc;
    if (len && !data)
        return H2C_E_INVALID_ARGUMENT;
    h2c_stream *s = h2c_stream_find(c, stream_id);
    if (!s || (s->state != H2C_STREAM_OPEN && s->state != H2C_STREAM_HALF_CLOSED_REMOTE) ||
        s->send_phase != PHASE_HEADERS)
        return H2C_CONN_E_STREAM_STATE;
    int64_t sw = s->send_window < c->send_window ? s->send_window : c->send_window;
    size_t window = sw > 0 ? (size_t)sw : 0; /* h2c_conn_send_window(), s in hand */
    size_t mfs = c->remote.max_frame_size;
    size_t max = c->o.limits.max_output;
    size_t done = 0;
    int ended = 0;
    for (;;) {
        size_t chunk = len - done;
        if (chunk > window - done)
            chunk = window - done;
        if (chunk > mfs)
            chunk = mfs;
        int last = end_stream && done + chunk == len;
        if (!chunk && !last)
            break;
        if (max) {
            size_t queued = c->out_len - c->out_head;
            if (queued + 9 >= max)
                break;
            if (queued + 9 + chunk > max) {
                chunk = max - queued - 9; /* not 0: queued + 9 < max */
                last = 0;
            }
        }
        rc = h2c_out_reserve(c, 9 + chunk, 1);
        if (rc != H2C_OK)
            break;
        uint8_t *p = h2c_out_tail(c);
        h2c_out_header(p, (uint32_t)chunk, H2C_FRAME_TYPE_DATA,
                       last ? H2C_FRAME_FLAG_END_STREAM : 0, stream_id);
        if (chunk)
            memcpy(p + 9, data + done, chunk);
        c->out_len += 9 + chunk;
        done += chunk;
        if (last) {
            ended = 1;
            break;
        }
    }
    s->send_window -= (int64_t)done;
    c->send_window -= (int64_t)done;
    *accepted = done;
    if (ended)
        h2c_conn_local_end(c, s);
    return rc == H2C_E_NOMEM ? rc : H2C_OK;
}

int h2c_conn_end_stream(h2c_conn *c, uint32_t stream_id)
{
    size_t accepted;
    return h2c_conn_submit_data(c, stream_id, NULL, 0, 1, &accepted);
}

int h2c_conn_reset_stream(h2c_conn *c, uint32_t stream_id, uint32_t error_code)
{
    int rc = usable(c);
    if (rc != H2C_OK)
        return rc;
    h2c_stream *s = h2c_stream_find(c, stream_id);
    if (!s)
        return h2c_conn_stream_state_get(c, stream_id) == H2C_STREAM_CLOSED
                   ? H2C_OK
                   : H2C_CONN_E_STREAM_STATE;
    rc = h2c_out_rst(c, stream_id, error_code, OUT_OURS);
    if (rc != H2C_OK)
        return rc;
    h2c_conn_remember_closed(c, stream_id | CLOSED_BY_US);
    h2c_stream_close(c, s);
    return H2C_OK;
}

int h2c_conn_submit_push(h2c_conn *c, uint32_t stream_id, const h2c_hpack_field *fields,
                         size_t n, uint32_t *promised_stream_id)
{
    int rc = usable(c);
    if (rc != H2C_OK)
        return rc;
    if (!c->server || !promised_stream_id)
        return !c->server ? H2C_E_STATE : H2C_E_INVALID_ARGUMENT;
    h2c_stream *s = h2c_stream_find(c, stream_id);
    if (!s || (s->state != H2C_STREAM_OPEN && s->state != H2C_STREAM_HALF_CLOSED_REMOTE))
        return H2C_CONN_E_STREAM_STATE;
    if (!c->remote.enable_push || c->goaway_recv || c->next_local_id > H2C_WINDOW_MAX)
        return H2C_CONN_E_NO_STREAMS;
    uint32_t pid = c->next_local_id;
    h2c_stream *p = h2c_stream_new(c, pid);
    if (!p)
        return H2C_E_NOMEM;
    rc = queue_block(c, H2C_FRAME_TYPE_PUSH_PROMISE, stream_id, H2C_FRAME_FLAG_END_HEADERS, pid,
                     fields, n);
    if (rc != H2C_OK) {
        p->state = H2C_STREAM_IDLE;
        h2c_stream_close(c, p);
        return rc;
    }
    p->state = H2C_STREAM_RESERVED_LOCAL;
    p->send_phase = PHASE_NONE;
    c->last_local_id = pid;
    c->next_local_id += 2;
    *promised_stream_id = pid;
    return H2C_OK;
}

int h2c_conn_ping(h2c_conn *c, const uint8_t *opaque_data)
{
    int rc = usable(c);
    if (rc != H2C_OK)
        return rc;
    static const uint8_t zero[8];
    return h2c_out_simple(c, H2C_FRAME_TYPE_PING, 0, 0, opaque_data ? opaque_data : zero, 8,
                          OUT_OURS);
}

/* The observer's settings change: no SETTINGS to send or wait for. */
static int observe_settings(h2c_conn *c, const h2c_conn_settings *s)
{
    int rc = h2c_frame_parser_set_max_frame_size(c->parser, s->max_frame_size);
    if (rc != H2C_OK)
        return rc;
    if (s->header_table_size != c->local.header_table_size) {
        if (h2c_frame_assembler_open_stream(c->asmb) == 0) {
            rc = h2c_hpack_decoder_set_max_table_size(c->dec, s->header_table_size);
            if (rc != H2C_OK)
                return rc;
        } else {
            c->table_pending = 1;
        }
    }
    c->local = *s;
    c->last_sent = *s;
    return H2C_OK;
}

int h2c_conn_update_settings(h2c_conn *c, const h2c_conn_settings *s)
{
    if (c && c->observe && !c->dead && s && s->max_frame_size >= 16384 &&
        s->max_frame_size <= 16777215)
        return observe_settings(c, s);
    int rc = usable(c);
    if (rc != H2C_OK)
        return rc;
    if (!s || s->enable_push > 1 || s->initial_window_size > H2C_WINDOW_MAX ||
        s->max_frame_size < 16384 || s->max_frame_size > 16777215 ||
        s->enable_connect_protocol > 1)
        return H2C_E_INVALID_ARGUMENT;
    uint32_t most = c->o.limits.max_unacked_settings;
    if (most > SENT_MAX || !most)
        most = SENT_MAX;
    if (c->nsent >= most)
        return H2C_E_STATE;
    if (c->nsent == c->sent_cap) { /* the first update while the preface waits */
        h2c_conn_settings *ns = h2c_conn_alloc(c, SENT_MAX * sizeof *ns);
        if (!ns)
            return H2C_E_NOMEM;
        memcpy(ns, c->sent, c->nsent * sizeof *ns);
        c->sent = ns;
        c->sent_cap = SENT_MAX;
    }
    rc = h2c_out_settings(c, s, &c->last_sent, OUT_OURS);
    if (rc != H2C_OK)
        return rc;
    c->sent[c->nsent++] = *s;
    c->last_sent = *s;
    return H2C_OK;
}

int h2c_conn_window_update(h2c_conn *c, uint32_t stream_id, uint32_t increment)
{
    int rc = usable(c);
    if (rc != H2C_OK)
        return rc;
    if (!increment || increment > H2C_WINDOW_MAX)
        return H2C_E_INVALID_ARGUMENT;
    int64_t *w = &c->recv_window;
    if (stream_id) {
        h2c_stream *s = h2c_stream_find(c, stream_id);
        if (!s)
            return H2C_CONN_E_STREAM_STATE;
        w = &s->recv_window;
    }
    if (*w + increment > H2C_WINDOW_MAX)
        return H2C_E_INVALID_ARGUMENT;
    rc = h2c_out_window_update(c, stream_id, increment);
    if (rc == H2C_OK)
        *w += increment;
    return rc;
}

int h2c_conn_close(h2c_conn *c, uint32_t error_code, h2c_view debug_data)
{
    int rc = usable(c);
    if (rc != H2C_OK)
        return rc;
    if (c->goaway_sent)
        return H2C_OK; /* one graceful GOAWAY is enough */
    rc = h2c_out_goaway(c, c->last_peer_id, error_code, debug_data.ptr, debug_data.len);
    if (rc != H2C_OK)
        return rc;
    c->goaway_sent = 1;
    c->goaway_sent_last = c->last_peer_id;
    return H2C_OK;
}
