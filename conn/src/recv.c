/* SPDX-License-Identifier: MIT */
/*
 * Receiving: each frame from the parser goes through the header-block
 * assembler, then turns the connection and stream state machines (RFC 9113
 * sections 5.1, 5.2, 6, 8) and queues the events it gives.
 */
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "conn_int.h"

/* ------------------------------------------------------------ errors */

int h2c_conn_fail(h2c_conn *c, int status, uint32_t h2, uint32_t stream, uint64_t offset,
                  const char *reason)
{
    if (c->dead)
        return c->err.status;
    c->dead = 1;
    c->err.status = status;
    c->err.h2_error = h2;
    c->err.scope = status == H2C_E_NOMEM ? H2C_SCOPE_LOCAL : H2C_SCOPE_CONNECTION;
    c->err.stream_id = stream;
    c->err.offset = offset ? offset : h2c_frame_parser_offset(c->parser);
    c->err.reason = reason ? reason : h2c_strerror(status);
    /* After a graceful GOAWAY, a second one carries the error; its last
     * stream id may not grow (6.8). */
    uint32_t last = c->goaway_sent && c->goaway_sent_last < c->last_peer_id ? c->goaway_sent_last
                                                                            : c->last_peer_id;
    c->goaway_sent = 1;
    c->goaway_sent_last = last;
    (void)h2c_out_goaway(c, last, h2, (const uint8_t *)c->err.reason, strlen(c->err.reason));
    return status;
}

static int fail_code(h2c_conn *c, int status, uint32_t stream, const char *reason)
{
    return h2c_conn_fail(c, status, h2c_status_h2_error(status), stream, 0, reason);
}

/* ------------------------------------------------------------ events */

/* More events than one frame gives: not possible (conn_int.h).  Were it,
 * the newest slot is reused and the connection fails.  Out of line, so
 * that event_new() stays a leaf on its way. */
__attribute__((noinline, cold)) static h2c_conn_event *queue_full(h2c_conn *c, uint32_t stream)
{
    h2c_conn_fail(c, H2C_E_STATE, H2C_H2_INTERNAL_ERROR, stream, 0, "event queue full");
    return &c->pending[c->pending_cap - 1];
}

/* Events are zeroed and copied in 16-octet moves written out: a memset or
 * an assignment of their size (288 octets on x86-64) compiles to a string
 * instruction (rep stos, rep movs) whose start-up costs more than the
 * moves.  Other targets take the library calls.  Kept out of
 * clang-format, which lays the move lists out differently on each pass. */
/* clang-format off */
#if defined(__SSE2__)
_Static_assert(sizeof(h2c_conn_event) >= 16 && sizeof(h2c_conn_event) <= (size_t)20 * 16,
               "event_zero() and event_copy() cover the event");
#define EV_MOVES(X)                                                                             \
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16) \
        X(17) X(18) X(19)
#endif

static inline void event_zero(h2c_conn_event *e)
{
#if defined(__SSE2__)
    unsigned char *p = (unsigned char *)e;
    const __m128i z = _mm_setzero_si128();
#define EV_ZERO(i)                                                                              \
    if ((i) * 16 + 16 <= sizeof *e)                                                             \
        _mm_storeu_si128((__m128i *)(void *)(p + (size_t)(i) * 16), z);
    EV_MOVES(EV_ZERO)
#undef EV_ZERO
    if (sizeof *e % 16)
        _mm_storeu_si128((__m128i *)(void *)(p + sizeof *e - 16), z);
#else
    memset(e, 0, sizeof *e);
#endif
}

static inline void event_copy(h2c_conn_event *restrict d, const h2c_conn_event *restrict s)
{
#if defined(__SSE2__)
    unsigned char *p = (unsigned char *)d;
    const unsigned char *q = (const unsigned char *)s;
#define EV_COPY(i)                                                                              \
    if ((i) * 16 + 16 <= sizeof *d)                                                             \
        _mm_storeu_si128((__m128i *)(void *)(p + (size_t)(i) * 16),                             \
                         _mm_loadu_si128((const __m128i *)(const void *)(q + (size_t)(i) * 16)));
    EV_MOVES(EV_COPY)
#undef EV_COPY
    if (sizeof *d % 16)
        _mm_storeu_si128((__m128i *)(void *)(p + sizeof *d - 16),
                         _mm_loadu_si128((const __m128i *)(const void *)(q + sizeof *d - 16)));
#else
    *d = *s;
#endif
}
/* clang-format on */

static h2c_conn_event *event_new(h2c_conn *c, int type, uint32_t stream)
{
    /* The first event of a frame is made in the caller's event; the rest
     * are queued (see QUEUE_ENDPOINT).  The queue is drained before the
     * next frame is parsed, so it fills from its start. */
    h2c_conn_event *e;
    if (c->ev_out && !c->ev_out_used) {
        e = c->ev_out;
        c->ev_out_used = 1;
    } else if (c->pending_end < c->pending_cap) {
        e = &c->pending[c->pending_end++];
    } else {
        e = queue_full(c, stream);
    }
    event_zero(e);
    e->type = type;
    e->stream_id = stream;
    e->content_length = -1;
    /* Taken now: the stream may be closed before the event is returned.
     * None to take while no stream was ever given one. */
    const h2c_stream *s = stream && c->user_set ? h2c_stream_find(c, stream) : NULL;
    e->user = s ? s->user : NULL;
    return e;
}

/* Take back the newest event. */
static void event_withdraw(h2c_conn *c)
{
    if (c->pending_end > c->pending_head)
        c->pending_end--;
    else
        c->ev_out_used = 0;
}

/* ------------------------------------------------------------ streams */

static int is_ours(const h2c_conn *c, uint32_t id)
{
    return (id & 1u) == (c->server ? 0u : 1u);
}

static int is_idle_id(const h2c_conn *c, uint32_t id)
{
    return id > (is_ours(c, id) ? c->last_local_id : c->last_peer_id);
}

/* 1: we reset it recently (ignore its frames); 2: the peer reset it
 * recently; 3: it ended recently, END_STREAM both ways; 0: unknown.
 * A new stream's id is above every id in the ring: no scan for it. */
static int recently_closed(const h2c_conn *c, uint32_t id)
{
    if (id > c->closed_max)
        return 0;
    for (unsigned i = 0; i < RESET_RING; i++) {
        uint32_t e = c->closed_ring[i];
        if ((e & ~CLOSED_BY_US) == id) {
            if (e & CLOSED_BY_US)
                return 1;
            return (c->closed_ended >> i) & 1 ? 3 : 2;
        }
    }
    return 0;
}

static void pay_back(uint32_t *counter)
{
    if (*counter)
        (*counter)--;
}

/* Both sides ended: the stream finished normally. */
static void finish_stream(h2c_conn *c, h2c_stream *s)
{
    pay_back(&c->peer_resets);
    pay_back(&c->stream_errors);
    h2c_conn_remember_closed(c, s->id, CLOSED_ENDED);
    h2c_stream_close(c, s);
}

void h2c_conn_local_end(h2c_conn *c, h2c_stream *s)
{
    if (s->state == H2C_STREAM_OPEN)
        s->state = H2C_STREAM_HALF_CLOSED_LOCAL;
    else if (s->state == H2C_STREAM_HALF_CLOSED_REMOTE)
        finish_stream(c, s);
}

void h2c_conn_remote_end(h2c_conn *c, h2c_stream *s)
{
    if (c->observe) { /* only one side is seen: its end is the stream's */
        finish_stream(c, s);
        return;
    }
    if (s->state == H2C_STREAM_OPEN)
        s->state = H2C_STREAM_HALF_CLOSED_REMOTE;
    else if (s->state == H2C_STREAM_HALF_CLOSED_LOCAL)
        finish_stream(c, s);
}

/* We reset a stream for a stream error: RST_STREAM, an event, and the
 * stream is gone.  id may have no record (idle or closed ids). */
static int stream_error(h2c_conn *c, uint32_t id, int status, uint32_t h2, const char *reason)
{
    int rc = h2c_out_rst(c, id, h2, OUT_PEER);
    if (rc != H2C_OK)
        return rc;
    h2c_conn_event *e = event_new(c, H2C_CONN_EV_STREAM_RESET, id);
    h2c_stream *s = h2c_stream_find(c, id);
    if (s)
        h2c_stream_close(c, s);
    h2c_conn_remember_closed(c, id, CLOSED_OURS);
    e->error_code = h2;
    e->remote = 0;
    e->error.status = status;
    e->error.h2_error = h2;
    e->error.scope = H2C_SCOPE_STREAM;
    e->error.stream_id = id;
    e->error.offset = h2c_frame_parser_offset(c->parser);
    e->error.reason = reason ? reason : h2c_strerror(status);
    if (!c->observe && c->o.limits.max_stream_errors &&
        ++c->stream_errors > c->o.limits.max_stream_errors)
        return fail_code(c, H2C_CONN_E_FLOOD, id, "too many stream errors (reset flood)");
    return H2C_OK;
}

static int stream_error_code(h2c_conn *c, uint32_t id, int status, const char *reason)
{
    return stream_error(c, id, status, h2c_status_h2_error(status), reason);
}

/* ------------------------------------------------------------ flow control */

int h2c_conn_credit(h2c_conn *c, h2c_stream *s, uint32_t n)
{
    if (c->o.flags & H2C_CONN_NO_AUTO_WINDOW_UPDATE)
        return H2C_OK;
    int rc = H2C_OK;
    c->conn_unannounced += n;
    if (c->conn_unannounced >= c->o.connection_window / 2) {
        rc = h2c_out_window_update(c, 0, c->conn_unannounced);
        c->recv_window += c->conn_unannounced;
        c->conn_unannounced = 0;
    }
    if (s && rc == H2C_OK &&
        (s->state == H2C_STREAM_OPEN || s->state == H2C_STREAM_HALF_CLOSED_LOCAL)) {
        s->unannounced += n;
        if (s->unannounced >= c->local.initial_window_size / 2 || s->recv_window <= 0) {
            rc = h2c_out_window_update(c, s->id, s->unannounced);
            s->recv_window += s->unannounced;
            s->unannounced = 0;
        }
    }
    return rc;
}

int h2c_conn_consume(h2c_conn *c, uint32_t id, size_t n)
{
    if (!c)
        return H2C_E_INVALID_ARGUMENT;
    h2c_stream *s = h2c_stream_find(c, id);
    if (!s)
        return H2C_OK; /* closed: its octets went back to the connection then */
    if (n > s->unconsumed)
        return H2C_E_INVALID_ARGUMENT;
    s->unconsumed -= (uint32_t)n;
    c->conn_unconsumed -= (uint32_t)n;
    return h2c_conn_credit(c, s, (uint32_t)n);
}

/* Count a DATA frame against the connection window (6.9.1): every one does,
 * even one answered with a stream error. */
static int charge_connection(h2c_conn *c, uint32_t len, uint32_t stream)
{
    if ((int64_t)len > c->recv_window)
        return fail_code(c, H2C_CONN_E_FLOW_CONTROL, stream,
                         "DATA beyond the connection flow-control window");
    c->recv_window -= len;
    return H2C_OK;
}

/* ------------------------------------------------------------ floods */

static int count_empty(h2c_conn *c, int empty)
{
    if (c->observe)
        return H2C_OK;
    if (!empty) {
        pay_back(&c->empty_frames);
        return H2C_OK;
    }
    if (c->o.limits.max_empty_frames && ++c->empty_frames > c->o.limits.max_empty_frames)
        return fail_code(c, H2C_CONN_E_FLOOD, 0, "too many empty frames");
    return H2C_OK;
}

/* ------------------------------------------------------------ field blocks */

/* Forget the previous block. */
static void block_reset(h2c_conn *c, const h2c_frame *f)
{
    c->blk_stream = f->hd.stream_id;
    c->blk_promised = 0;
    c->blk_refuse = 0;
    c->blk_ignore = 0;
    c->blk_too_large = 0;
    /* Our list limit is the larger of what is in force and what we last
     * announced; the decoder refuses a block past it alone (SKIP_OVERSIZED). */
    size_t limit = c->last_sent.max_header_list_size > c->local.max_header_list_size
                       ? c->last_sent.max_header_list_size
                       : c->local.max_header_list_size;
    (void)h2c_hpack_decoder_set_list_limits(c->dec, limit ? limit : 1, UINT32_MAX);
    c->blk_end_stream = (f->hd.flags & H2C_FRAME_FLAG_END_STREAM) != 0;
    c->nfields = 0;
    c->arena_len = 0;
    if (c->arena_retired) /* the previous block's fields are not shown any more */
        h2c_conn_arena_release(c);
    c->blk_content_length = -1;
    c->blk_status = 0;
    c->val_rc = H2C_OK;
    c->val_skip = 0;
    c->blk_closed = 0;
    c->blk_pseudo_set = 0;
}

/* The block's kind is known: the validator starts, and the way its fields
 * take is chosen. */
static void block_kind(h2c_conn *c, int kind)
{
    c->blk_kind = kind;
    h2c_fields_validator_init(&c->val, (h2c_fields_kind)kind, c->o.fields_lenient);
    c->blk_fast = !c->blk_ignore && !(c->o.flags & H2C_CONN_NO_VALIDATION) &&
                  !(c->o.hpack_lenient & H2C_HPACK_LENIENT_UNKNOWN_INDEX);
}

/* The observer's block start: the stream's record is made on first sight,
 * and what the block is follows from what that side sent before. */
static int block_begin_observe(h2c_conn *c, const h2c_frame *f)
{
    block_reset(c, f);
    if (c->table_pending) { /* the decoder is between blocks here */
        c->table_pending = 0;
        int rc = h2c_hpack_decoder_set_max_table_size(c->dec, c->local.header_table_size);
        if (rc != H2C_OK)
            return h2c_conn_fail(c, rc, H2C_H2_INTERNAL_ERROR, 0, 0, NULL);
    }
    uint32_t id = f->hd.stream_id;
    int kind = H2C_FIELDS_REQUEST;
    if (f->hd.type == H2C_FRAME_TYPE_PUSH_PROMISE) {
        id = c->blk_promised = f->u.push_promise.promised_stream_id;
        kind = H2C_FIELDS_REQUEST;
    }
    h2c_stream *s = h2c_stream_find(c, id);
    if (!s) {
        /* A block on a stream its sender ended or reset: reported, then
         * STREAM_CLOSED (5.1), on a record made afresh for it. */
        c->blk_closed = !c->blk_promised && recently_closed(c, id) != 0;
        s = h2c_stream_new(c, id);
        if (!s)
            return h2c_conn_fail(c, H2C_E_NOMEM, H2C_H2_INTERNAL_ERROR, id, 0, NULL);
        s->state = H2C_STREAM_OPEN;
        s->flags |= SF_PEER_OPENED;
        c->peer_open++;
        c->open_streams++;
    }
    if (!c->blk_promised) {
        if (c->server)
            kind = s->recv_phase == PHASE_NONE ? H2C_FIELDS_REQUEST : H2C_FIELDS_TRAILERS;
        else if (s->recv_phase == PHASE_HEADERS)
            kind = H2C_FIELDS_TRAILERS;
        else if (s->recv_phase == PHASE_NONE &&
                 (c->o.hpack_lenient & H2C_HPACK_LENIENT_UNKNOWN_INDEX))
            kind = H2C_FIELDS_AUTO; /* a capture that starts mid-connection */
        else
            kind = H2C_FIELDS_RESPONSE;
    }
    block_kind(c, kind);
    return H2C_OK;
}

/* The streams the peer may have open: our SETTINGS_MAX_CONCURRENT_STREAMS,
 * the smaller of the last one sent and the acknowledged one. */
static uint32_t peer_limit(const h2c_conn *c)
{
    return c->last_sent.max_concurrent_streams < c->local.max_concurrent_streams
               ? c->last_sent.max_concurrent_streams
               : c->local.max_concurrent_streams;
}

/* Start a block on the stream a HEADERS or PUSH_PROMISE frame names.
 * Decides whether its fields are wanted, and of which kind. */
static int block_begin(h2c_conn *c, const h2c_frame *f, uint32_t refuse_h2)
{
    uint32_t id = f->hd.stream_id;
    block_reset(c, f);
    int kind = H2C_FIELDS_REQUEST;

    if (f->hd.type == H2C_FRAME_TYPE_PUSH_PROMISE) {
        uint32_t pid = f->u.push_promise.promised_stream_id;
        if (c->server)
            return fail_code(c, H2C_CONN_E_PUSH, id, "PUSH_PROMISE sent to a server");
        if (!c->last_sent.enable_push && !c->local.enable_push)
            return fail_code(c, H2C_CONN_E_PUSH, id, "PUSH_PROMISE with push disabled");
        h2c_stream *s = h2c_stream_find(c, id);
        if (!s || (s->state != H2C_STREAM_OPEN && s->state != H2C_STREAM_HALF_CLOSED_LOCAL)) {
            if (!s && !is_idle_id(c, id) && recently_closed(c, id) == 1) {
                c->blk_ignore = 1; /* we reset it: still decode, to stay in sync */
            } else {
                return fail_code(c, H2C_CONN_E_PUSH, id,
                                 "PUSH_PROMISE on a stream that is not open");
            }
        }
        if ((pid & 1u) || pid <= c->last_peer_id)
            return fail_code(c, H2C_CONN_E_STREAM_ID, id, "promised stream id not allowed");
        c->last_peer_id = pid;
        c->blk_promised = pid;
        uint32_t most = c->o.limits.max_reserved_streams;
        if (!c->blk_ignore && !c->observe && most && c->peer_reserved >= most) {
            /* decoded, to keep HPACK in sync; the promise is refused */
            c->blk_ignore = 1;
            c->blk_refuse = (int)H2C_CONN_E_REFUSED;
        } else if (!c->blk_ignore) {
            h2c_stream *p = h2c_stream_new(c, pid);
            if (!p)
                return h2c_conn_fail(c, H2C_E_NOMEM, H2C_H2_INTERNAL_ERROR, id, 0, NULL);
            p->state = H2C_STREAM_RESERVED_REMOTE;
            p->flags |= SF_PEER_OPENED;
            c->peer_reserved++;
        }
        block_kind(c, H2C_FIELDS_REQUEST);
        return H2C_OK;
    }

    h2c_stream *s = h2c_stream_find(c, id);
    if (!s) {
        int peer_new = !is_ours(c, id) && id > c->last_peer_id;
        if (!peer_new) {
            int rc = is_idle_id(c, id) ? 0 : recently_closed(c, id);
            if (rc == 1) {
                c->blk_ignore = 1;
            } else if (rc == 3) {
                /* 5.1 closed: after END_STREAM, a connection error */
                return fail_code(c, H2C_CONN_E_STREAM_CLOSED, id,
                                 "HEADERS on a stream the peer had ended");
            } else if (rc == 2) {
                c->blk_ignore = 1;
                c->blk_refuse = (int)H2C_CONN_E_CLOSED_STREAM;
            } else if (!is_idle_id(c, id) && is_ours(c, id)) {
                c->blk_ignore = 1; /* our stream, closed long ago */
                c->blk_refuse = (int)H2C_CONN_E_CLOSED_STREAM;
            } else {
                return fail_code(c, H2C_CONN_E_STREAM_ID, id,
                                 c->server ? "HEADERS opening a stream with an id not allowed"
                                           : "HEADERS on a stream never opened");
            }
        } else if (!c->server) {
            return fail_code(c, H2C_CONN_E_STREAM_ID, id,
                             "HEADERS from a server on a new stream");
        } else {
            c->last_peer_id = id;
            uint32_t limit = peer_limit(c);
            if (c->goaway_sent) {
                /* After our GOAWAY new streams are refused, unprocessed (6.8);
                 * the block is still decoded, to keep HPACK in sync. */
                c->blk_ignore = 1;
                c->blk_refuse = (int)H2C_CONN_E_REFUSED;
            } else if (c->peer_open >= limit) {
                c->blk_ignore = 1;
                c->blk_refuse = (int)H2C_CONN_E_REFUSED;
            } else {
                s = h2c_stream_new(c, id);
                if (!s)
                    return h2c_conn_fail(c, H2C_E_NOMEM, H2C_H2_INTERNAL_ERROR, id, 0, NULL);
                s->state = H2C_STREAM_OPEN;
                s->flags |= SF_PEER_OPENED;
                c->peer_open++;
                c->open_streams++;
            }
        }
    } else if (s->state == H2C_STREAM_RESERVED_LOCAL) {
        return fail_code(c, H2C_CONN_E_STREAM_IDLE, id, "HEADERS on a stream reserved by us");
    } else if (s->state == H2C_STREAM_HALF_CLOSED_REMOTE || s->state == H2C_STREAM_CLOSED) {
        c->blk_ignore = 1;
        c->blk_refuse = (int)H2C_CONN_E_CLOSED_STREAM;
    } else if (s->state == H2C_STREAM_RESERVED_REMOTE) {
        if (!c->observe && c->peer_open >= peer_limit(c)) {
            /* the pushed response would pass our concurrency limit (5.1.2) */
            c->blk_ignore = 1;
            c->blk_refuse = (int)H2C_CONN_E_REFUSED;
        } else {
            s->state = H2C_STREAM_HALF_CLOSED_LOCAL; /* the pushed response (5.1) */
            c->peer_reserved--;
            c->open_streams++;
            c->peer_open++;
        }
    }
    if (s && !c->blk_ignore) {
        if (c->server)
            kind = s->recv_phase == PHASE_NONE ? H2C_FIELDS_REQUEST : H2C_FIELDS_TRAILERS;
        else
            kind = s->recv_phase == PHASE_HEADERS ? H2C_FIELDS_TRAILERS : H2C_FIELDS_RESPONSE;
        if (s->recv_phase == PHASE_TRAILERS)
            c->blk_refuse = (int)H2C_CONN_E_MALFORMED;
    }
    if (refuse_h2 && !c->blk_refuse)
        c->blk_refuse = -(int)refuse_h2; /* the parser's stream error, by its code */
    block_kind(c, kind);
    return H2C_OK;
}

/* memcpy for field strings: fixed-size, possibly overlapping moves
 * inside [src, src + n), no call.  Long ones (cookies, user agents, a few
 * hundred octets) go in 32-octet steps too: a library call costs more
 * than it saves at these sizes. */
static inline void copy_short(uint8_t *dst, const uint8_t *src, size_t n)
{
    if (n > 16 && n <= 64) { /* 16-octet moves from both ends, two or four */
        memcpy(dst, src, 16);
        if (n > 32) {
            memcpy(dst + 16, src + 16, 16);
            memcpy(dst + n - 32, src + n - 32, 16);
        }
        memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n > 64) {
        /* 32 octets a step, the last step from the end */
        for (size_t k = 0; k + 32 < n; k += 32) {
            memcpy(dst + k, src + k, 16);
            memcpy(dst + k + 16, src + k + 16, 16);
        }
        memcpy(dst + n - 32, src + n - 32, 16);
        memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + n - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else {
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    }
}

/* A new field arena for a block that needs need octets in all, the new
 * field included.  The fields so far stay where they are: their buffer is
 * retired, not copied, and freed when the next block starts.  The new one
 * is sized for the whole block, so that the next block like it fits at
 * once.  Out of line: it runs while a connection warms up, and
 * block_keep() is the hot path. */
__attribute__((noinline)) static int arena_grow(h2c_conn *c, size_t need)
{
    size_t ncap = h2c_conn_grow_cap(c->arena_cap, need);
    if (ncap > SIZE_MAX - sizeof(h2c_arena_head))
        return H2C_E_NOMEM;
    h2c_arena_head *h = h2c_conn_alloc(c, sizeof *h + ncap);
    if (!h)
        return H2C_E_NOMEM;
    h->cap = ncap;
    h->prev = NULL;
    if (c->arena) {
        h2c_arena_head *old = (h2c_arena_head *)(void *)c->arena - 1;
        old->prev = c->arena_retired;
        c->arena_retired = old;
        c->arena_kept += c->arena_len;
    }
    c->arena = (uint8_t *)(h + 1);
    c->arena_cap = ncap;
    c->arena_len = 0;
    return H2C_OK;
}

void h2c_conn_arena_release(h2c_conn *c)
{
    while (c->arena_retired) {
        h2c_arena_head *h = c->arena_retired;
        c->arena_retired = h->prev;
        h2c_conn_dealloc(c, h, sizeof *h + h->cap);
    }
    c->arena_kept = 0;
}

__attribute__((noinline)) static int fields_grow(h2c_conn *c)
{
    size_t ncap = c->fields_cap ? c->fields_cap * 2 : 16;
    h2c_conn_field *nf = h2c_conn_alloc(c, ncap * sizeof *nf);
    if (!nf)
        return H2C_E_NOMEM;
    if (c->nfields)
        memcpy(nf, c->fields, c->nfields * sizeof *nf);
    h2c_conn_dealloc(c, c->fields, c->fields_cap * sizeof *c->fields);
    c->fields = nf;
    c->fields_cap = ncap;
    return H2C_OK;
}

static int view_eq(h2c_view v, const char *s, size_t n)
{
    return v.len == n && (n == 0 || (v.ptr && memcmp(v.ptr, s, n) == 0));
}

/* content-length: digits only; repeats must agree (RFC 9110 8.6). */
static int parse_length(h2c_view v, int64_t *out)
{
    if (!v.len || v.len > 18)
        return -1;
    int64_t n = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.ptr[i] < '0' || v.ptr[i] > '9')
            return -1;
        n = n * 10 + (v.ptr[i] - '0');
    }
    if (*out >= 0 && *out != n)
        return -1;
    *out = n;
    return 0;
}

/* Which pseudo-header a name is (index into blk_pseudo), -1 for others.
 * The length picks the one candidate.  Inlined, as block_keep(). */
static inline __attribute__((always_inline)) int pseudo_index(h2c_view n)
{
    if (n.len < 5 || n.ptr[0] != ':')
        return -1;
    switch (n.len) {
    case 5: return view_eq(n, ":path", 5) ? 3 : -1;
    case 7: return view_eq(n, ":method", 7) ? 0 : view_eq(n, ":scheme", 7) ? 1 : -1;
    case 9: return view_eq(n, ":protocol", 9) ? 4 : -1;
    case 10: return view_eq(n, ":authority", 10) ? 2 : -1;
    default: return -1;
    }
}

/* Whether a name is lenient HPACK's placeholder ("<unknown index N>"), or
 * was inserted from one; no field name can be: '<' is not a token octet. */
static int is_placeholder(h2c_view n)
{
    static const char head[] = "<unknown index ";
    return n.len > sizeof head - 1 && n.ptr && n.ptr[0] == '<' &&
           memcmp(n.ptr, head, sizeof head - 1) == 0;
}

/* Keep a field of the open block: copied into the arena, and noted if
 * the connection reads it (pseudo-headers, :status, content-length).
 * Inlined into both ways of block_field(): a call would cost each field
 * more than the copies of its code cost.  indexed: hf came from an index
 * (so it is not never-indexed). */
static inline __attribute__((always_inline)) int
block_keep(h2c_conn *c, const h2c_hpack_field *hf, int placeholder, int placed, int indexed)
{
    int rc;
    if (c->nfields == c->fields_cap && (rc = fields_grow(c)) != H2C_OK)
        return rc;
    /* Everything is read before the copies, which may alias anything. */
    const uint8_t *np = hf->name.ptr, *vp = hf->value.ptr;
    size_t nl = hf->name.len, vl = hf->value.len, len = c->arena_len;
    uint8_t flags = (uint8_t)(hf->flags | (placeholder ? H2C_HPACK_F_UNKNOWN : 0));
    uint8_t never = !indexed && hf->indexing == H2C_HPACK_INDEX_NEVER;
    if (len + nl + vl > c->arena_cap) {
        if ((rc = arena_grow(c, c->arena_kept + len + nl + vl)) != H2C_OK)
            return rc;
        len = 0;
    }
    size_t i = c->nfields;
    h2c_conn_field *o = &c->fields[i];
    /* Name and value one after the other (an all-empty field before the
     * arena exists points at a static octet).  A table entry hands them
     * out that way already: one copy.  placed: block_place() has copied
     * the value. */
    static const uint8_t empty[1];
    uint8_t *p = c->arena ? c->arena + len : NULL;
    if (p && placed) {
        copy_short(p, np, nl);
    } else if (p && nl && vp == np + nl) {
        copy_short(p, np, nl + vl);
    } else if (p) {
        copy_short(p, np, nl);
        copy_short(p + nl, vp, vl);
    }
    const uint8_t *q = p ? p : empty;
    c->arena_len = len + nl + vl;
    c->nfields = i + 1;
    o->name.ptr = q;
    o->name.len = nl;
    o->value.ptr = q + nl;
    o->value.len = vl;
    o->never_index = never;
    o->hpack_flags = flags;
    if (nl && q[0] == ':') {
        int pi = pseudo_index(o->name);
        if (pi >= 0) {
            c->blk_pseudo[pi] = i;
            c->blk_pseudo_set |= 1u << pi;
        } else if (view_eq(o->name, ":status", 7)) {
            const uint8_t *v = o->value.ptr;
            /* Three digits, or it stays 0 (the validator refuses it, but an
             * observer or NO_VALIDATION still reports the block). */
            if (vl == 3 && v[0] >= '0' && v[0] <= '9' && v[1] >= '0' && v[1] <= '9' &&
                v[2] >= '0' && v[2] <= '9')
                c->blk_status = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
        }
    } else if (nl == 14 && view_eq(o->name, "content-length", 14) &&
               !(c->o.flags & H2C_CONN_NO_VALIDATION)) {
        if (parse_length(o->value, &c->blk_content_length) != 0) {
            c->val_rc = H2C_CONN_E_CONTENT_LENGTH;
            c->blk_fast = 0;
        }
    }
    return H2C_OK;
}

/* The validator's word on a field: the static table's fields, and the
 * dynamic table's while clean, are known good, so their octets are not
 * scanned.  clean: no unchecked literal was in the table before it. */
static int block_check(h2c_conn *c, const h2c_hpack_field *hf, unsigned clean, uint32_t trust)
{
    if (hf->index && (hf->index <= 61u || clean))
        trust |= H2C_FIELDS_TRUSTED_NAME |
                 ((hf->flags & H2C_HPACK_F_INDEXED) ? H2C_FIELDS_TRUSTED_VALUE : 0);
    int rc = h2c_fields_push_known(&c->val, hf->name.ptr, hf->name.len, hf->value.ptr,
                                   hf->value.len, trust);
    if (rc == H2C_OK)
        c->dyn_unchecked = !clean;
    return rc;
}

/* A literal value, which the checks have to look at, is copied into the
 * arena and scanned in one pass (h2c_fields_copy_plain()), before them:
 * they need not look at it again when it is plain.  Copies hf's value to
 * where block_keep() will want it, after the name; 1 if its octets pass
 * the validator's value checks, 0 if they are left to it, or an error. */
static int block_place(h2c_conn *c, const h2c_hpack_field *hf)
{
    size_t nl = hf->name.len, vl = hf->value.len;
    if (!vl)
        return 1; /* nothing to copy, and an empty value passes */
    if (c->arena_len + nl + vl > c->arena_cap) {
        int rc = arena_grow(c, c->arena_kept + c->arena_len + nl + vl);
        if (rc != H2C_OK)
            return rc;
    }
    uint8_t *p = c->arena + c->arena_len + nl;
    /* plain excludes HTAB: leading or trailing whitespace can only be SP */
    return h2c_fields_copy_plain(p, hf->value.ptr, vl) && p[0] != ' ' && p[vl - 1] != ' ';
}

/* One decoded field of the open block: checked, then kept. */
static int block_field(h2c_conn *c, const h2c_hpack_field *hf)
{
    if (c->blk_fast && (hf->flags & H2C_HPACK_F_INDEXED)) {
        /* The usual field, the short way: an index enters nothing into
         * the table, and while blk_fast, val_rc is H2C_OK. */
        uint32_t trust = hf->index <= 61u || !c->dyn_unchecked
                             ? H2C_FIELDS_TRUSTED_NAME | H2C_FIELDS_TRUSTED_VALUE
                             : 0;
        int rc = h2c_fields_push_known(&c->val, hf->name.ptr, hf->name.len, hf->value.ptr,
                                       hf->value.len, trust);
        if (rc != H2C_OK) {
            c->val_rc = rc;
            c->blk_fast = 0;
            if (!c->observe)
                return H2C_OK;
        }
        return block_keep(c, hf, 0, 0, 1);
    }
    /* A literal that enters the decoder's table leaves it unchecked until
     * the checks pass on it (dyn_unchecked: see conn_int.h). */
    unsigned clean = !c->dyn_unchecked;
    if (hf->indexing == H2C_HPACK_INDEX_YES && !(hf->flags & H2C_HPACK_F_INDEXED))
        c->dyn_unchecked = 1;
    int check = 1, placeholder = 0;
    if (!c->blk_fast) { /* see block_kind() */
        if (c->blk_ignore)
            return H2C_OK;
        /* Placeholders come only from a lenient decoder: a peer's literal
         * name that looks like one is an invalid name like any other. */
        placeholder = (c->o.hpack_lenient & H2C_HPACK_LENIENT_UNKNOWN_INDEX) &&
                      is_placeholder(hf->name);
        if ((hf->flags & H2C_HPACK_F_UNKNOWN) || placeholder)
            c->val_skip = 1; /* a placeholder, or a name from one: the block cannot be judged */
        check = c->val_rc == H2C_OK && !c->val_skip && !(c->o.flags & H2C_CONN_NO_VALIDATION);
    }
    int rc, placed = 0;
    uint32_t trust = 0;
    if (check && !(hf->flags & H2C_HPACK_F_INDEXED)) {
        if ((rc = block_place(c, hf)) < 0)
            return rc;
        placed = 1;
        trust = rc ? H2C_FIELDS_TRUSTED_VALUE : 0;
    }
    if (check && (rc = block_check(c, hf, clean, trust)) != H2C_OK) {
        c->val_rc = rc;
        c->blk_fast = 0;
    }
    if (c->val_rc != H2C_OK && !c->observe)
        return H2C_OK; /* the block will be refused: no need to keep its fields */
    return block_keep(c, hf, placeholder, placed, 0);
}

static int decode_fragment(h2c_conn *c, h2c_view frag, int end)
{
    static const uint8_t none[1];
    const uint8_t *p = frag.len ? frag.ptr : none;
    size_t off = 0, used;
    h2c_hpack_field hf;
    int rc;
    while ((rc = h2c_hpack_decoder_push(c->dec, p + off, frag.len - off, &used, &hf)) ==
           H2C_HPACK_FIELD) {
        off += used;
        int frc = block_field(c, &hf);
        if (frc != H2C_OK)
            return h2c_conn_fail(c, frc, H2C_H2_INTERNAL_ERROR, c->blk_stream, 0, NULL);
    }
    if (rc == H2C_OK && end) {
        rc = h2c_hpack_decoder_finish(c->dec);
        if (rc == H2C_HPACK_E_LIST_SIZE) { /* the decoder is in sync: refuse the stream */
            /* Fields past the limit were decoded but not shown to
             * block_field(): literals among them may be in the table. */
            c->dyn_unchecked = 1;
            c->blk_too_large = 1;
            rc = H2C_OK;
        }
    }
    if (rc == H2C_OK)
        return H2C_OK;
    h2c_error e;
    h2c_hpack_decoder_error(c->dec, &e);
    return h2c_conn_fail(c, rc, e.h2_error, c->blk_stream, 0, e.reason);
}

/* 8.3.1: a server SHOULD treat a Host that names another entity than
 * :authority as malformed.  Compared without regard to ASCII case. */
static int host_matches(const h2c_conn *c)
{
    if (!(c->blk_pseudo_set & (1u << 2)))
        return 1;
    if (c->val_rc == H2C_OK && !c->val_skip && !c->val.host)
        return 1; /* the validator saw every field, and no host */
    h2c_view auth = c->fields[c->blk_pseudo[2]].value;
    for (size_t i = 0; i < c->nfields; i++) {
        h2c_view n = c->fields[i].name, v = c->fields[i].value;
        if (n.len != 4 || memcmp(n.ptr, "host", 4) != 0)
            continue;
        if (v.len != auth.len)
            return 0;
        for (size_t k = 0; k < v.len; k++) {
            uint8_t a = v.ptr[k], b = auth.ptr[k];
            if (a >= 'A' && a <= 'Z')
                a = (uint8_t)(a + 32);
            if (b >= 'A' && b <= 'Z')
                b = (uint8_t)(b + 32);
            if (a != b)
                return 0;
        }
    }
    return 1;
}

/* The block is complete: refuse it, or report it. */
static int block_end(h2c_conn *c)
{
    uint32_t id = c->blk_stream;
    if (c->blk_promised && c->blk_ignore && !c->blk_refuse)
        return H2C_OK;
    if (c->blk_ignore || c->blk_refuse) {
        if (c->blk_refuse > 0 || c->blk_refuse < -400) {
            int st = c->blk_refuse;
            return stream_error_code(c, c->blk_promised ? c->blk_promised : id, st, NULL);
        }
        if (c->blk_refuse < 0)
            return stream_error(c, id,
                                c->blk_refuse_status ? c->blk_refuse_status
                                                     : H2C_CONN_E_MALFORMED,
                                (uint32_t)-c->blk_refuse, NULL);
        return H2C_OK;
    }
    h2c_stream *s = h2c_stream_find(c, c->blk_promised ? c->blk_promised : id);
    if (!s)
        return H2C_OK;
    if (c->blk_too_large) {
        s->flags |= SF_TOO_LARGE;
        s->recv_phase = PHASE_HEADERS;
        event_new(c, H2C_CONN_EV_HEADERS_TOO_LARGE, id);
        if (c->blk_end_stream) {
            event_new(c, H2C_CONN_EV_STREAM_END, id);
            h2c_conn_remote_end(c, s);
        }
        return H2C_OK;
    }
    /* What is wrong with the message, if anything.  An endpoint refuses it
     * unseen; an observer reports it, then the error. */
    int bad = c->val_rc;
    uint32_t bad_h2 = H2C_H2_PROTOCOL_ERROR;
    const char *why = NULL;
    if (bad == H2C_OK && !c->val_skip && !(c->o.flags & H2C_CONN_NO_VALIDATION))
        bad = h2c_fields_validator_finish(&c->val);
    if (bad != H2C_OK)
        bad_h2 = h2c_status_h2_error(bad);
    if (c->blk_kind == H2C_FIELDS_AUTO) /* observe, mid-connection: the block decides */
        c->blk_kind = c->blk_status                    ? H2C_FIELDS_RESPONSE
                      : (c->blk_pseudo_set & 1u) != 0u ? H2C_FIELDS_REQUEST
                                                       : H2C_FIELDS_TRAILERS;
    int type;
    if (c->blk_promised) {
        type = H2C_CONN_EV_PUSH;
        /* 8.4: a promised request is GET or HEAD (safe and cacheable) */
        h2c_view m = {NULL, 0};
        if (c->blk_pseudo_set & 1u)
            m = c->fields[c->blk_pseudo[0]].value;
        if (!view_eq(m, "GET", 3) && !view_eq(m, "HEAD", 4))
            why = "PUSH_PROMISE for a method that is not safe and cacheable";
    } else if (c->blk_kind == H2C_FIELDS_TRAILERS) {
        type = H2C_CONN_EV_TRAILERS;
        if (!c->blk_end_stream)
            why = "trailers without END_STREAM";
    } else if (c->blk_kind == H2C_FIELDS_REQUEST) {
        type = H2C_CONN_EV_REQUEST;
        if (!(c->o.flags & H2C_CONN_NO_VALIDATION) && !host_matches(c))
            why = "host differs from :authority"; /* 8.3.1, a field check */
    } else if (c->blk_status >= 100 && c->blk_status < 200) {
        type = H2C_CONN_EV_INFORMATIONAL;
        if (c->blk_status == 101)
            why = ":status 101 is not allowed in HTTP/2";
        else if (c->blk_end_stream)
            why = "informational response with END_STREAM";
    } else {
        type = H2C_CONN_EV_RESPONSE;
    }
    if (c->val_skip || (c->observe && (c->o.flags & H2C_CONN_NO_VALIDATION)))
        why = NULL; /* unchecked, or placeholders: what the block is cannot be known */
    if (bad == H2C_OK && why)
        bad = H2C_CONN_E_MALFORMED;
    if (bad == H2C_OK && c->blk_closed) {
        bad = H2C_CONN_E_CLOSED_STREAM;
        bad_h2 = H2C_H2_STREAM_CLOSED;
        why = "HEADERS on a stream its sender had ended or reset";
    }
    if (bad != H2C_OK && !c->observe)
        return stream_error(c, s->id, bad, bad_h2, why);

    uint32_t ev_stream = c->blk_promised ? id : s->id;
    h2c_conn_event *e = event_new(c, type, ev_stream);
    e->fields = c->fields;
    e->nfields = c->nfields;
    unsigned set = c->blk_pseudo_set;
    const h2c_conn_field *fl = c->fields;
    if (set & 1u)
        e->method = fl[c->blk_pseudo[0]].value;
    if (set & 2u)
        e->scheme = fl[c->blk_pseudo[1]].value;
    if (set & 4u)
        e->authority = fl[c->blk_pseudo[2]].value;
    if (set & 8u)
        e->path = fl[c->blk_pseudo[3]].value;
    if (set & 16u)
        e->protocol = fl[c->blk_pseudo[4]].value;
    e->status = c->blk_status;
    e->content_length = c->blk_content_length;
    e->promised_stream_id = c->blk_promised;
    if (bad != H2C_OK) /* observe: the fields, then the error */
        return stream_error(c, s->id, bad, bad_h2, why);
    if (c->blk_promised)
        return H2C_OK;
    e->end_stream = c->blk_end_stream;

    if (type == H2C_CONN_EV_REQUEST) {
        s->recv_phase = PHASE_HEADERS;
        if (view_eq(e->method, "HEAD", 4))
            s->flags |= SF_HEAD;
    } else if (type == H2C_CONN_EV_INFORMATIONAL) {
        s->recv_phase = PHASE_INFO;
    } else if (type == H2C_CONN_EV_RESPONSE) {
        s->recv_phase = PHASE_HEADERS;
        if (c->blk_status == 204 || c->blk_status == 304)
            s->flags |= SF_NO_BODY;
    } else {
        s->recv_phase = PHASE_TRAILERS;
    }
    if ((type == H2C_CONN_EV_REQUEST || type == H2C_CONN_EV_RESPONSE) &&
        !(c->o.flags & H2C_CONN_NO_VALIDATION)) {
        if (c->blk_content_length >= 0 && !(s->flags & SF_NO_BODY)) {
            s->flags |= SF_LENGTH;
            s->content_length = (uint64_t)c->blk_content_length;
        }
    }
    if (c->blk_end_stream) {
        if ((s->flags & SF_LENGTH) && s->content_length != s->data_received) {
            if (!c->observe)
                event_withdraw(c); /* the headers event: the message is malformed */
            return stream_error(c, s->id, H2C_CONN_E_CONTENT_LENGTH, H2C_H2_PROTOCOL_ERROR,
                                "END_STREAM before content-length octets of DATA");
        }
        event_new(c, H2C_CONN_EV_STREAM_END, s->id);
        h2c_conn_remote_end(c, s);
    }
    return H2C_OK;
}

/* ------------------------------------------------------------ frames */

static int on_data(h2c_conn *c, const h2c_frame *f)
{
    uint32_t id = f->hd.stream_id, len = f->hd.length;
    int end = (f->hd.flags & H2C_FRAME_FLAG_END_STREAM) != 0;
    h2c_stream *s = h2c_stream_find(c, id);
    if (!s && is_idle_id(c, id))
        return fail_code(c, H2C_CONN_E_STREAM_IDLE, id, "DATA on an idle stream");
    int rc = charge_connection(c, len, id);
    if (rc != H2C_OK)
        return rc;
    if ((rc = count_empty(c, f->u.data.data.len == 0 && !end)) != H2C_OK)
        return rc;
    if (!s || s->state == H2C_STREAM_HALF_CLOSED_REMOTE || s->state == H2C_STREAM_CLOSED) {
        rc = h2c_conn_credit(c, NULL, len); /* nobody will consume it */
        if (rc != H2C_OK)
            return rc;
        int rc_closed = s ? 0 : recently_closed(c, id);
        if (rc_closed == 1)
            return H2C_OK;  /* we reset it: late frames are ignored (5.1) */
        if (rc_closed == 3) /* 5.1 closed: after END_STREAM, a connection error */
            return fail_code(c, H2C_CONN_E_STREAM_CLOSED, id,
                             "DATA on a stream the peer had ended");
        return stream_error_code(c, id, H2C_CONN_E_CLOSED_STREAM, "DATA on a closed stream");
    }
    if (s->state == H2C_STREAM_RESERVED_LOCAL || s->state == H2C_STREAM_RESERVED_REMOTE)
        return fail_code(c, H2C_CONN_E_STREAM_IDLE, id, "DATA on a reserved stream");
    if ((int64_t)len > s->recv_window) {
        (void)h2c_conn_credit(c, NULL, len);
        return stream_error_code(c, id, H2C_CONN_E_STREAM_FLOW,
                                 "DATA beyond the stream flow-control window");
    }
    s->recv_window -= len;
    if (s->recv_phase != PHASE_HEADERS || (s->flags & SF_TOO_LARGE)) {
        (void)h2c_conn_credit(c, NULL, len);
        if (s->flags & SF_TOO_LARGE) {
            /* The request was refused as too large: its body is dropped. */
            if (end) {
                event_new(c, H2C_CONN_EV_STREAM_END, id);
                h2c_conn_remote_end(c, s);
            }
            return H2C_OK;
        }
        return stream_error(c, id, H2C_CONN_E_MALFORMED, H2C_H2_PROTOCOL_ERROR,
                            "DATA before the headers");
    }
    s->data_received += f->u.data.data.len;
    if ((s->flags & SF_LENGTH) && (s->data_received > s->content_length ||
                                   (end && s->data_received != s->content_length))) {
        (void)h2c_conn_credit(c, NULL, len);
        return stream_error_code(c, id, H2C_CONN_E_CONTENT_LENGTH, NULL);
    }
    s->unconsumed += len;
    c->conn_unconsumed += len;
    h2c_conn_event *e = event_new(c, H2C_CONN_EV_DATA, id);
    e->data = f->u.data.data;
    e->flow_len = len;
    e->end_stream = end;
    if (end) {
        event_new(c, H2C_CONN_EV_STREAM_END, id);
        h2c_conn_remote_end(c, s);
    }
    return H2C_OK;
}

static int on_rst(h2c_conn *c, const h2c_frame *f)
{
    uint32_t id = f->hd.stream_id;
    h2c_stream *s = h2c_stream_find(c, id);
    if (!s) {
        if (is_idle_id(c, id))
            return fail_code(c, H2C_CONN_E_STREAM_IDLE, id, "RST_STREAM on an idle stream");
        return H2C_OK; /* closed already */
    }
    h2c_conn_event *e = event_new(c, H2C_CONN_EV_STREAM_RESET, id);
    e->error_code = f->u.rst_stream.error_code;
    e->remote = 1;
    int rapid = (s->flags & SF_PEER_OPENED) && s->state != H2C_STREAM_HALF_CLOSED_LOCAL;
    h2c_conn_remember_closed(c, id, CLOSED_RESET);
    h2c_stream_close(c, s);
    if (rapid && c->o.limits.max_peer_resets && ++c->peer_resets > c->o.limits.max_peer_resets)
        return fail_code(c, H2C_CONN_E_FLOOD, id,
                         "too many streams reset by the peer (rapid reset)");
    return H2C_OK;
}

/* Apply a change of an initial window size to every stream (6.9.2). */
typedef struct window_delta {
    int64_t delta;
    int send;
    int overflow;
} window_delta;

static void apply_delta(h2c_conn *c, h2c_stream *s, void *arg)
{
    window_delta *d = arg;
    (void)c;
    int64_t *w = d->send ? &s->send_window : &s->recv_window;
    *w += d->delta;
    if (*w > H2C_WINDOW_MAX)
        d->overflow = 1;
}

static int on_settings(h2c_conn *c, const h2c_frame *f)
{
    if (f->hd.flags & H2C_FRAME_FLAG_ACK) {
        if (!c->nsent)
            return H2C_OK; /* an ACK for nothing: ignored */
        h2c_conn_settings old = c->local;
        c->local = c->sent[0];
        memmove(c->sent, c->sent + 1, (c->nsent - 1) * sizeof c->sent[0]);
        c->nsent--;
        int rc = h2c_hpack_decoder_set_max_table_size(c->dec, c->local.header_table_size);
        if (rc == H2C_OK)
            rc = h2c_frame_parser_set_max_frame_size(c->parser, c->local.max_frame_size);
        if (rc != H2C_OK)
            return h2c_conn_fail(c, rc, H2C_H2_INTERNAL_ERROR, 0, 0, NULL);
        if (c->local.initial_window_size != old.initial_window_size) {
            window_delta d = {(int64_t)c->local.initial_window_size - old.initial_window_size, 0,
                              0};
            h2c_streams_each(c, apply_delta, &d);
        }
        event_new(c, H2C_CONN_EV_SETTINGS_ACK, 0);
        return H2C_OK;
    }
    h2c_conn_settings r = c->remote;
    for (size_t i = 0; i < f->u.settings.count; i++) {
        h2c_frame_setting st;
        if (h2c_frame_settings_get(f, i, &st) != H2C_OK)
            continue;
        switch (st.id) {
        case H2C_FRAME_SETTINGS_HEADER_TABLE_SIZE: r.header_table_size = st.value; break;
        case H2C_FRAME_SETTINGS_ENABLE_PUSH:
            if (!c->server && st.value) /* 6.5.2: a server MUST NOT send 1 */
                return fail_code(c, H2C_CONN_E_SETTINGS, 0,
                                 "SETTINGS_ENABLE_PUSH = 1 from a server");
            r.enable_push = st.value;
            break;
        case H2C_FRAME_SETTINGS_MAX_CONCURRENT_STREAMS:
            r.max_concurrent_streams = st.value;
            break;
        case H2C_FRAME_SETTINGS_INITIAL_WINDOW_SIZE: r.initial_window_size = st.value; break;
        case H2C_FRAME_SETTINGS_MAX_FRAME_SIZE: r.max_frame_size = st.value; break;
        case H2C_FRAME_SETTINGS_MAX_HEADER_LIST_SIZE: r.max_header_list_size = st.value; break;
        case H2C_FRAME_SETTINGS_ENABLE_CONNECT_PROTOCOL:
            r.enable_connect_protocol = st.value;
            break;
        default: break; /* unknown settings are ignored (6.5.2) */
        }
    }
    if (r.initial_window_size != c->remote.initial_window_size) {
        window_delta d = {(int64_t)r.initial_window_size - c->remote.initial_window_size, 1, 0};
        h2c_streams_each(c, apply_delta, &d);
        if (d.overflow)
            return fail_code(c, H2C_CONN_E_FLOW_CONTROL, 0,
                             "SETTINGS_INITIAL_WINDOW_SIZE makes a window pass 2^31-1");
    }
    if (r.header_table_size != c->remote.header_table_size)
        (void)h2c_hpack_encoder_set_max_table_size(c->enc, r.header_table_size);
    c->remote = r;
    int rc = h2c_out_simple(c, H2C_FRAME_TYPE_SETTINGS, H2C_FRAME_FLAG_ACK, 0, NULL, 0,
                            OUT_PEER);
    if (rc != H2C_OK)
        return rc;
    h2c_conn_event *e = event_new(c, H2C_CONN_EV_SETTINGS, 0);
    e->settings = r;
    return H2C_OK;
}

static int on_window_update(h2c_conn *c, const h2c_frame *f)
{
    uint32_t id = f->hd.stream_id, inc = f->u.window_update.increment;
    if (id == 0) {
        if (c->send_window + inc > H2C_WINDOW_MAX) /* the window keeps its value */
            return fail_code(c, H2C_CONN_E_FLOW_CONTROL, 0,
                             "WINDOW_UPDATE makes the connection window pass 2^31-1");
        c->send_window += inc;
    } else {
        h2c_stream *s = h2c_stream_find(c, id);
        if (!s) {
            if (is_idle_id(c, id))
                return fail_code(c, H2C_CONN_E_STREAM_IDLE, id,
                                 "WINDOW_UPDATE on an idle stream");
            return H2C_OK;
        }
        if (s->send_window + inc > H2C_WINDOW_MAX)
            return stream_error_code(c, id, H2C_CONN_E_STREAM_FLOW,
                                     "WINDOW_UPDATE makes a stream window pass 2^31-1");
        s->send_window += inc;
    }
    h2c_conn_event *e = event_new(c, H2C_CONN_EV_WINDOW_UPDATE, id);
    e->increment = inc;
    return H2C_OK;
}

/* After the peer's GOAWAY, our streams above its last stream id were not
 * processed and never will be: they are closed (the requests may be retried
 * on a new connection). */
static void close_above(h2c_conn *c, h2c_stream *s, void *arg)
{
    uint32_t last = *(const uint32_t *)arg;
    if (is_ours(c, s->id) && s->id > last) {
        h2c_conn_remember_closed(c, s->id, CLOSED_OURS);
        h2c_stream_close(c, s);
    }
}

static int on_goaway(h2c_conn *c, const h2c_frame *f)
{
    uint32_t last = f->u.goaway.last_stream_id;
    if (c->goaway_recv && last > c->goaway_recv_last)
        return fail_code(c, H2C_CONN_E_GOAWAY, 0, "GOAWAY raised its last stream id");
    c->goaway_recv = 1;
    c->goaway_recv_last = last;
    h2c_streams_each(c, close_above, &last);
    h2c_conn_event *e = event_new(c, H2C_CONN_EV_GOAWAY, 0);
    e->last_stream_id = last;
    e->error_code = f->u.goaway.error_code;
    e->debug_data = f->u.goaway.debug_data;
    return H2C_OK;
}

static int on_frame(h2c_conn *c, const h2c_frame *f)
{
    h2c_conn_event *e;
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA: return on_data(c, f);
    case H2C_FRAME_TYPE_PRIORITY:
        return H2C_OK; /* RFC 9113 deprecates the scheme; the frame is checked only */
    case H2C_FRAME_TYPE_RST_STREAM: return on_rst(c, f);
    case H2C_FRAME_TYPE_SETTINGS: return on_settings(c, f);
    case H2C_FRAME_TYPE_PING:
        if (f->hd.flags & H2C_FRAME_FLAG_ACK) {
            e = event_new(c, H2C_CONN_EV_PING_ACK, 0);
        } else {
            int rc = h2c_out_simple(c, H2C_FRAME_TYPE_PING, H2C_FRAME_FLAG_ACK, 0,
                                    f->u.ping.opaque_data, 8, OUT_PEER);
            if (rc != H2C_OK)
                return rc;
            e = event_new(c, H2C_CONN_EV_PING, 0);
        }
        memcpy(e->opaque_data, f->u.ping.opaque_data, 8);
        return H2C_OK;
    case H2C_FRAME_TYPE_GOAWAY: return on_goaway(c, f);
    case H2C_FRAME_TYPE_WINDOW_UPDATE: return on_window_update(c, f);
    case H2C_FRAME_TYPE_ALTSVC:
        event_new(c, H2C_CONN_EV_ALTSVC, f->hd.stream_id)->frame = f;
        return H2C_OK;
    case H2C_FRAME_TYPE_ORIGIN: event_new(c, H2C_CONN_EV_ORIGIN, 0)->frame = f; return H2C_OK;
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        event_new(c, H2C_CONN_EV_PRIORITY_UPDATE, 0)->frame = f;
        return H2C_OK;
    default: event_new(c, H2C_CONN_EV_UNKNOWN_FRAME, f->hd.stream_id)->frame = f; return H2C_OK;
    }
}

/* A stream error the parser found in a frame it could check alone. */
static int on_parser_stream_error(h2c_conn *c, const h2c_frame_event *fe)
{
    const h2c_frame *f = &fe->frame;
    uint32_t id = fe->error.stream_id;
    if (f->hd.type == H2C_FRAME_TYPE_DATA) {
        h2c_stream *s = h2c_stream_find(c, id);
        if (!s && is_idle_id(c, id))
            return fail_code(c, H2C_CONN_E_STREAM_IDLE, id, "DATA on an idle stream");
        int rc = charge_connection(c, f->hd.length, id);
        if (rc == H2C_OK)
            rc = h2c_conn_credit(c, NULL, f->hd.length);
        if (rc != H2C_OK)
            return rc;
    }
    if (f->hd.type == H2C_FRAME_TYPE_WINDOW_UPDATE && !h2c_stream_find(c, id) &&
        is_idle_id(c, id))
        return fail_code(c, H2C_CONN_E_STREAM_IDLE, id, "WINDOW_UPDATE on an idle stream");
    return stream_error(c, id, fe->error.status, fe->error.h2_error, fe->error.reason);
}

/* Whether the assembler has to see f: a frame of a field block, or any
 * frame while a block waits for its CONTINUATION.  It lets the others
 * pass (after its failure, the connection has failed: none comes). */
static inline int assembler_wants(const h2c_conn *c, const h2c_frame *f)
{
    uint8_t t = f->hd.type;
    return t == H2C_FRAME_TYPE_HEADERS || t == H2C_FRAME_TYPE_CONTINUATION ||
           t == H2C_FRAME_TYPE_PUSH_PROMISE || h2c_frame_assembler_open_stream(c->asmb) != 0;
}

/* The observer's frame: reported as it is, its field block decoded, its
 * stream's record dropped once that side has ended it. */
static int observe_event(h2c_conn *c, int ev, const h2c_frame_event *fe, const h2c_frame *f)
{
    h2c_conn_event *e = event_new(c, H2C_CONN_EV_FRAME, f->hd.stream_id);
    e->frame = f;
    e->decoded = fe->decoded;
    if (ev == H2C_FRAME_EV_IGNORED)
        e->error = fe->error;
    if (!(c->o.flags & H2C_CONN_NO_HPACK) && assembler_wants(c, f)) {
        h2c_frame_block b;
        int arc = h2c_frame_assembler_push(c->asmb, f, &b);
        if (arc < 0) {
            h2c_error err;
            h2c_frame_assembler_error(c->asmb, &err);
            return h2c_conn_fail(c, err.status, err.h2_error, err.stream_id, err.offset,
                                 err.reason);
        }
        if (arc == H2C_FRAME_EV_FRAGMENT || arc == H2C_FRAME_EV_BLOCK_END) {
            int rc = H2C_OK;
            if (f->hd.type != H2C_FRAME_TYPE_CONTINUATION)
                rc = block_begin_observe(c, f);
            if (rc == H2C_OK)
                rc = decode_fragment(c, b.fragment, b.end);
            if (rc == H2C_OK && b.end)
                rc = block_end(c);
            if (rc != H2C_OK || ev != H2C_FRAME_EV_STREAM_ERROR)
                return rc;
        }
    }
    if (ev == H2C_FRAME_EV_STREAM_ERROR)
        return stream_error(c, fe->error.stream_id, fe->error.status, fe->error.h2_error,
                            fe->error.reason);
    if (ev == H2C_FRAME_EV_FRAME &&
        ((f->hd.type == H2C_FRAME_TYPE_DATA && (f->hd.flags & H2C_FRAME_FLAG_END_STREAM)) ||
         f->hd.type == H2C_FRAME_TYPE_RST_STREAM)) {
        h2c_stream *s = h2c_stream_find(c, f->hd.stream_id);
        if (s)
            finish_stream(c, s);
    }
    return H2C_OK;
}

/* One parser event: through the assembler, then the state machines. */
static int on_event(h2c_conn *c, int ev, const h2c_frame_event *fe, const h2c_frame *f)
{
    if (c->observe)
        return observe_event(c, ev, fe, f);
    if (!c->got_settings) {
        /* The peer's preface ends with SETTINGS: it must come first (3.4). */
        if (f->hd.type != H2C_FRAME_TYPE_SETTINGS || (f->hd.flags & H2C_FRAME_FLAG_ACK))
            return fail_code(c, H2C_CONN_E_SETTINGS, f->hd.stream_id,
                             "the peer's first frame is not SETTINGS");
        c->got_settings = 1;
    }
    if (assembler_wants(c, f)) {
        h2c_frame_block b;
        int arc = h2c_frame_assembler_push(c->asmb, f, &b);
        if (arc < 0) {
            h2c_error e;
            h2c_frame_assembler_error(c->asmb, &e);
            return h2c_conn_fail(c, e.status, e.h2_error, e.stream_id, e.offset, e.reason);
        }
        if (arc == H2C_FRAME_EV_FRAGMENT || arc == H2C_FRAME_EV_BLOCK_END) {
            /* An empty fragment counts as an empty frame, unless it is a
             * HEADERS frame that ends the stream (a bodiless message). */
            int ends = f->hd.type == H2C_FRAME_TYPE_HEADERS &&
                       (f->hd.flags & H2C_FRAME_FLAG_END_STREAM);
            int rc = count_empty(c, b.fragment.len == 0 && !ends);
            if (rc != H2C_OK)
                return rc;
            if (f->hd.type != H2C_FRAME_TYPE_CONTINUATION) {
                uint32_t refuse = ev == H2C_FRAME_EV_STREAM_ERROR ? fe->error.h2_error : 0;
                rc = block_begin(c, f, refuse);
                if (rc != H2C_OK)
                    return rc;
                c->blk_refuse_status = refuse ? fe->error.status : 0;
            }
            rc = decode_fragment(c, b.fragment, b.end);
            if (rc == H2C_OK && b.end)
                rc = block_end(c);
            return rc;
        }
    }
    if (ev == H2C_FRAME_EV_STREAM_ERROR)
        return on_parser_stream_error(c, fe);
    if (ev == H2C_FRAME_EV_IGNORED)
        return H2C_OK;
    return on_frame(c, f);
}

static int pop_event(h2c_conn *c, h2c_conn_event *ev)
{
    event_copy(ev, &c->pending[c->pending_head++]);
    if (c->pending_head == c->pending_end)
        c->pending_head = c->pending_end = 0;
    return ev->type;
}

static int dead_event(h2c_conn *c, h2c_conn_event *ev)
{
    event_zero(ev);
    ev->type = c->err.status;
    ev->stream_id = c->err.stream_id;
    ev->error_code = c->err.h2_error;
    ev->error = c->err;
    ev->content_length = -1;
    return c->err.status;
}

/* The event for the caller: made in place, or the oldest queued. */
static int take_event(h2c_conn *c, h2c_conn_event *ev)
{
    return c->ev_out_used ? ev->type : pop_event(c, ev);
}

/* h2c_conn_recv() with its arguments checked, nothing queued, ev_out set. */
static int recv_frames(h2c_conn *c, const uint8_t *in, size_t len, size_t *consumed,
                       h2c_conn_event *ev)
{
    static const uint8_t none[1];
    if (!len)
        in = none;
    size_t off = 0, used;
    /* The parser fills it in place: events point at its frame, which must
     * outlive this call. */
    h2c_frame_event *fe = &c->cur_fe;
    while (off < len) {
        int rc = h2c_frame_parser_push(c->parser, in + off, len - off, &used, fe);
        off += used;
        *consumed = off;
        if (rc == H2C_OK)
            break;
        if (rc < 0) {
            h2c_conn_fail(c, rc, fe->error.h2_error, fe->error.stream_id, fe->error.offset,
                          fe->error.reason);
            return dead_event(c, ev);
        }
        if (rc == H2C_FRAME_EV_PREFACE) {
            if (c->observe) { /* the client's bytes: we stand for the server */
                c->server = 1;
                event_new(c, H2C_CONN_EV_PREFACE, 0);
                return take_event(c, ev);
            }
            continue;
        }
        rc = on_event(c, rc, fe, &fe->frame);
        /* Events made before a connection error still come first. */
        if (c->ev_out_used || c->pending_end)
            return take_event(c, ev);
        if (c->dead || rc < 0)
            return dead_event(c, ev);
    }
    *consumed = off;
    return H2C_OK;
}

/* h2c_conn_recv() once nothing is queued.  Out of line: the calls that
 * only take a queued event then need none of its registers or stack. */
static __attribute__((noinline)) int recv_start(h2c_conn *c, const uint8_t *in, size_t len,
                                                size_t *consumed, h2c_conn_event *ev)
{
    /* The last block's events are all out, and its views may go: an idle
     * connection keeps no outgrown arena. */
    if (c->arena_retired && !h2c_frame_assembler_open_stream(c->asmb))
        h2c_conn_arena_release(c);
    c->ev_out = ev;
    c->ev_out_used = 0;
    int rc = recv_frames(c, in, len, consumed, ev);
    c->ev_out = NULL;
    return rc;
}

int h2c_conn_recv(h2c_conn *c, const uint8_t *in, size_t len, size_t *consumed,
                  h2c_conn_event *ev)
{
    if (consumed)
        *consumed = 0;
    if (!c || !consumed || !ev || (!in && len))
        return H2C_E_INVALID_ARGUMENT;
    if (c->pending_end)
        return pop_event(c, ev);
    if (c->dead)
        return dead_event(c, ev);
    return recv_start(c, in, len, consumed, ev);
}

int h2c_conn_finish(h2c_conn *c, h2c_conn_event *ev)
{
    if (!c || !ev)
        return H2C_E_INVALID_ARGUMENT;
    if (c->dead)
        return dead_event(c, ev);
    event_zero(ev);
    ev->content_length = -1;
    h2c_error err;
    int rc = h2c_frame_parser_finish(c->parser, &err);
    if (rc == H2C_FRAME_E_TRUNCATED) {
        ev->type = rc;
        ev->error = err;
        ev->missing = h2c_frame_parser_missing(c->parser);
        return rc;
    }
    uint32_t open = h2c_frame_assembler_open_stream(c->asmb);
    if (rc == H2C_OK && open) {
        rc = H2C_CONN_E_OPEN_BLOCK;
        ev->type = rc;
        ev->stream_id = open;
        ev->error.status = rc;
        ev->error.scope = H2C_SCOPE_LOCAL;
        ev->error.stream_id = open;
        ev->error.offset = h2c_frame_parser_offset(c->parser);
        ev->error.reason = h2c_strerror(rc);
    }
    return rc;
}
