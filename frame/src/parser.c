/* SPDX-License-Identifier: MIT */
/*
 * The streaming parser: a resumable state machine over the connection's
 * octets (states and diagram in <h2codec/frame.h>).  It copies nothing it
 * does not have to: headers straddling calls go to a 9-octet array, payloads
 * straddling calls to a buffer of exactly the payload length (at most
 * max_frame_size); everything else is decoded in place.
 */
#include <string.h>

#include "frame_int.h"

/* Reassembly buffers above this are freed once their frame is delivered. */
#define KEEP_BUFFER H2C_FRAME_MAX_FRAME_SIZE_MIN

struct h2c_frame_parser {
    h2c_allocator al;
    h2c_frame_parser_options opt; /* allocator pointer cleared: al is the copy */
    h2c_frame_limits lim;
    h2c_frame_parser_state state;
    uint64_t offset;     /* octets consumed */
    uint64_t frame_off;  /* offset of the current frame's first octet */
    uint8_t preface_got; /* preface octets matched */
    uint8_t hlen;        /* header octets in hbuf */
    uint8_t hbuf[H2C_FRAME_HEADER_LEN];
    h2c_frame_header hd; /* current frame, once its header is complete */
    uint8_t *buf;        /* payload reassembly */
    size_t cap;
    size_t have;   /* payload octets in buf */
    uint64_t skip; /* SKIP: payload octets left to discard */
    h2c_error err; /* sticky error (state ERROR) */
    h2c_frame_parser_stats stats;
};

void h2c_frame_parser_options_init(h2c_frame_parser_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->max_frame_size = H2C_FRAME_MAX_FRAME_SIZE_MIN;
    opt->max_settings = 32;
    opt->max_empty_frames = H2C_FRAME_DEFAULT_MAX_EMPTY_FRAMES;
    opt->preface = H2C_FRAME_PREFACE_NONE;
}

static int frame_size_ok(uint32_t v)
{
    return v >= H2C_FRAME_MAX_FRAME_SIZE_MIN && v <= H2C_FRAME_MAX_FRAME_SIZE_MAX;
}

static void clear_error(h2c_error *e)
{
    memset(e, 0, sizeof *e);
    e->reason = h2c_frame_reason_ok;
}

int h2c_frame_parser_new(h2c_frame_parser **out, const h2c_frame_parser_options *opt)
{
    h2c_frame_parser_options def;
    if (!out)
        return H2C_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!opt) {
        h2c_frame_parser_options_init(&def);
        opt = &def;
    }
    if (!frame_size_ok(opt->max_frame_size) || opt->max_settings == 0 ||
        opt->preface < H2C_FRAME_PREFACE_NONE || opt->preface > H2C_FRAME_PREFACE_AUTO)
        return H2C_E_INVALID_ARGUMENT;
    h2c_allocator al;
    h2c_frame_parser *p = h2c_frame_ctx_new(&al, opt->allocator, sizeof *p);
    if (!p)
        return H2C_E_NOMEM;
    p->al = al;
    p->opt = *opt;
    p->opt.allocator = NULL;
    h2c_frame_parser_reset(p);
    *out = p;
    return H2C_OK;
}

void h2c_frame_parser_free(h2c_frame_parser *p)
{
    if (!p)
        return;
    h2c_free(&p->al, p->buf);
    h2c_free(&p->al, p);
}

void h2c_frame_parser_reset(h2c_frame_parser *p)
{
    if (!p)
        return;
    p->lim.max_frame_size = p->opt.max_frame_size;
    p->lim.max_settings = p->opt.max_settings;
    p->lim.flags = p->opt.flags;
    p->lim.settings_first = 0;
    p->state = p->opt.preface == H2C_FRAME_PREFACE_NONE ? H2C_FRAME_PS_HEADER
                                                        : H2C_FRAME_PS_PREFACE;
    p->offset = p->frame_off = 0;
    p->preface_got = 0;
    p->hlen = 0;
    memset(&p->hd, 0, sizeof p->hd);
    p->have = 0;
    p->skip = 0;
    if (p->cap > KEEP_BUFFER) {
        h2c_free(&p->al, p->buf);
        p->buf = NULL;
        p->cap = 0;
    }
    clear_error(&p->err);
    memset(&p->stats, 0, sizeof p->stats);
}

int h2c_frame_parser_set_max_frame_size(h2c_frame_parser *p, uint32_t size)
{
    if (!p)
        return H2C_E_INVALID_ARGUMENT;
    if (p->state == H2C_FRAME_PS_ERROR)
        return p->err.status;
    if (!frame_size_ok(size))
        return H2C_E_INVALID_ARGUMENT;
    p->lim.max_frame_size = size;
    return H2C_OK;
}

/* Make a connection error sticky and report it. */
static int fail(h2c_frame_parser *p, h2c_frame_event *ev)
{
    p->state = H2C_FRAME_PS_ERROR;
    ev->error = p->err;
    return p->err.status;
}

static void count_header(h2c_frame_parser *p)
{
    p->stats.frames++;
    if (p->hd.type < sizeof p->stats.by_type / sizeof p->stats.by_type[0])
        p->stats.by_type[p->hd.type]++;
    else
        p->stats.other_types++;
}

/* Empty-frame counters (CVE-2019-9518) and their optional limit.
 * Inlined into deliver(): it runs once a frame. */
static inline __attribute__((always_inline)) int count_empty(h2c_frame_parser *p,
                                                             const h2c_frame *f)
{
    int empty = 0;
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA:
        if (f->u.data.data.len == 0 && !(f->hd.flags & H2C_FRAME_FLAG_END_STREAM)) {
            p->stats.empty_data++;
            empty = 1;
        }
        break;
    case H2C_FRAME_TYPE_HEADERS:
        if (f->u.headers.fragment.len == 0) {
            p->stats.empty_headers++;
            empty = 1;
        }
        break;
    case H2C_FRAME_TYPE_CONTINUATION:
        if (f->u.continuation.fragment.len == 0) {
            p->stats.empty_continuation++;
            empty = 1;
        }
        break;
    default: break;
    }
    if (empty && p->opt.max_empty_frames &&
        p->stats.empty_data + p->stats.empty_headers + p->stats.empty_continuation >
            p->opt.max_empty_frames)
        return h2c_frame_error_set(&p->err, H2C_FRAME_E_EMPTY_FRAMES, H2C_SCOPE_CONNECTION,
                                   H2C_FRAME_H2_FROM_STATUS, &f->hd, f->offset, 0,
                                   "more empty frames than max_empty_frames");
    return H2C_OK;
}

/* Decode a complete payload and turn the result into the push return.
 * Inlined, as header_done(): every frame passes here, and the calls cost
 * more than the copies of the code. */
static inline __attribute__((always_inline)) int
deliver(h2c_frame_parser *p, const uint8_t *payload, h2c_frame_event *ev)
{
    int rc = h2c_frame_decode_payload(&p->hd, payload, &p->lim, p->frame_off, &ev->frame,
                                      &p->err);
    p->state = H2C_FRAME_PS_HEADER;
    if (rc < 0)
        return fail(p, ev);
    if (rc == H2C_FRAME_EV_IGNORED) {
        ev->error = p->err;
        clear_error(&p->err);
        p->stats.ignored++;
        return rc;
    }
    ev->decoded = 1;
    if (count_empty(p, &ev->frame) < 0)
        return fail(p, ev);
    if (rc == H2C_FRAME_EV_STREAM_ERROR) {
        ev->error = p->err;
        clear_error(&p->err);
        p->stats.stream_errors++;
    }
    return rc;
}

/* The 9th header octet is in: check the header, then read or skip the payload. */
static inline __attribute__((always_inline)) int header_done(h2c_frame_parser *p,
                                                             const uint8_t *hdr,
                                                             const uint8_t *in, size_t len,
                                                             size_t *pos, h2c_frame_event *ev)
{
    h2c_frame_header_unpack(hdr, &p->hd);
    count_header(p);
    int rc = h2c_frame_check_header(&p->hd, &p->lim, p->frame_off, &p->err);
    p->lim.settings_first = 0;
    if (rc != H2C_OK) { /* for errors: the rest of the frame stays unread */
        ev->frame.hd = p->hd;
        ev->frame.offset = p->frame_off;
    }
    if (rc < 0)
        return fail(p, ev);
    if (rc == H2C_FRAME_EV_STREAM_ERROR) {
        /* Reported now, before the payload arrives; the payload is dropped. */
        ev->error = p->err;
        clear_error(&p->err);
        p->stats.stream_errors++;
        p->skip = p->hd.length;
        p->state = p->skip ? H2C_FRAME_PS_SKIP : H2C_FRAME_PS_HEADER;
        return rc;
    }
    p->have = 0;
    if (len - *pos >= p->hd.length) { /* zero-copy: decode in place (which fills ev->frame) */
        const uint8_t *pl = in + *pos;
        *pos += p->hd.length;
        return deliver(p, pl, ev);
    }
    ev->frame.hd = p->hd;
    ev->frame.offset = p->frame_off;
    p->state = H2C_FRAME_PS_PAYLOAD;
    return H2C_OK;
}

/* Gather payload octets; returns an event once the payload is complete. */
static int payload_step(h2c_frame_parser *p, const uint8_t *in, size_t len, size_t *pos,
                        h2c_frame_event *ev)
{
    size_t need = p->hd.length - p->have, avail = len - *pos;
    if (p->have == 0 && avail >= need) { /* nothing buffered yet: still zero-copy */
        const uint8_t *pl = in + *pos;
        *pos += need;
        return deliver(p, pl, ev);
    }
    if (p->cap < p->hd.length) {
        h2c_free(&p->al, p->buf);
        p->cap = 0;
        p->buf = h2c_alloc(&p->al, p->hd.length);
        if (!p->buf) {
            h2c_frame_error_set(&p->err, H2C_E_NOMEM, H2C_SCOPE_LOCAL, H2C_FRAME_H2_FROM_STATUS,
                                &p->hd, p->frame_off, H2C_FRAME_HEADER_LEN + p->have,
                                "cannot allocate the payload buffer");
            ev->frame.hd = p->hd;
            ev->frame.offset = p->frame_off;
            return fail(p, ev);
        }
        p->cap = p->hd.length;
    }
    size_t n = avail < need ? avail : need;
    memcpy(p->buf + p->have, in + *pos, n);
    p->have += n;
    *pos += n;
    if (p->have < p->hd.length)
        return H2C_OK;
    return deliver(p, p->buf, ev);
}

static const uint8_t preface[] = H2C_FRAME_CLIENT_PREFACE;

static int preface_step(h2c_frame_parser *p, const uint8_t *in, size_t len, size_t *pos,
                        uint64_t base, h2c_frame_event *ev)
{
    if (p->preface_got == 0 && p->opt.preface == H2C_FRAME_PREFACE_AUTO && in[*pos] != 'P') {
        p->state = H2C_FRAME_PS_HEADER; /* no preface: a frame starts here */
        return H2C_OK;
    }
    while (*pos < len && p->preface_got < H2C_FRAME_CLIENT_PREFACE_LEN) {
        if (in[*pos] != preface[p->preface_got]) {
            h2c_frame_error_set(&p->err, H2C_FRAME_E_PREFACE, H2C_SCOPE_CONNECTION,
                                H2C_FRAME_H2_FROM_STATUS, NULL, 0, base + *pos,
                                "input does not start with the client connection preface");
            return fail(p, ev);
        }
        p->preface_got++;
        (*pos)++;
    }
    if (p->preface_got < H2C_FRAME_CLIENT_PREFACE_LEN)
        return H2C_OK;
    p->state = H2C_FRAME_PS_HEADER;
    p->lim.settings_first = 1;
    return H2C_FRAME_EV_PREFACE;
}

static void clear_event(h2c_frame_event *ev)
{
    memset(&ev->frame, 0, sizeof ev->frame);
    clear_error(&ev->error);
    ev->decoded = 0;
}

/*
 * PING and WINDOW_UPDATE wholly in the input at a frame boundary, valid:
 * the flood candidates, decoded here in one pass with the checks
 * header_done() and deliver() would make (type, length, stream, increment;
 * both are far below any max_frame_size and never empty).  Anything else,
 * errors included, takes the general path.  Returns the octets taken, or 0.
 */
static size_t fast_control(h2c_frame_parser *p, const uint8_t *in, size_t len,
                           h2c_frame_event *ev)
{
    if (len < H2C_FRAME_HEADER_LEN + 8 || in[0] || in[1])
        return 0;
    h2c_frame *f = &ev->frame;
    uint32_t sid = h2c_frame_get31(in + 5);
    if (in[3] == H2C_FRAME_TYPE_PING) {
        if (in[2] != 8 || sid != 0)
            return 0;
        memcpy(f->u.ping.opaque_data, in + H2C_FRAME_HEADER_LEN, 8);
    } else if (in[3] == H2C_FRAME_TYPE_WINDOW_UPDATE) {
        uint32_t inc = h2c_frame_get31(in + H2C_FRAME_HEADER_LEN);
        if (in[2] != 4 || inc == 0)
            return 0;
        f->u.window_update.increment = inc;
    } else {
        return 0;
    }
    p->hd.length = in[2];
    p->hd.type = in[3];
    p->hd.flags = in[4];
    p->hd.stream_id = sid;
    p->frame_off = p->offset;
    count_header(p);
    f->hd = p->hd;
    f->offset = p->offset;
    f->payload.ptr = in + H2C_FRAME_HEADER_LEN;
    f->payload.len = in[2];
    ev->decoded = 1;
    size_t n = H2C_FRAME_HEADER_LEN + in[2];
    p->offset += n;
    p->stats.octets = p->offset;
    return n;
}

int h2c_frame_parser_push(h2c_frame_parser *p, const uint8_t *in, size_t len, size_t *consumed,
                          h2c_frame_event *ev)
{
    if (consumed)
        *consumed = 0;
    if (!p || !consumed || !ev || (!in && len))
        return H2C_E_INVALID_ARGUMENT;
    clear_event(ev);
    if (p->state == H2C_FRAME_PS_ERROR) {
        ev->error = p->err;
        return p->err.status;
    }
    /* The previous event's views are dead now: a large buffer can go. */
    if (p->state == H2C_FRAME_PS_HEADER && p->cap > KEEP_BUFFER) {
        h2c_free(&p->al, p->buf);
        p->buf = NULL;
        p->cap = 0;
    }

    if (p->state == H2C_FRAME_PS_HEADER && p->hlen == 0 && !p->lim.settings_first) {
        size_t n = fast_control(p, in, len, ev);
        if (n) {
            *consumed = n;
            return H2C_FRAME_EV_FRAME;
        }
    }

    /* Offsets: in[pos] is at connection offset base + pos throughout. */
    const uint64_t base = p->offset;
    size_t pos = 0;
    int rc = H2C_OK;
    if (p->state == H2C_FRAME_PS_HEADER && p->hlen == 0 && len >= H2C_FRAME_HEADER_LEN) {
        /* The loop's first turn in the usual case, a whole header at a
         * frame boundary, taken without the loop's tests and dispatch. */
        p->frame_off = base;
        pos = H2C_FRAME_HEADER_LEN;
        rc = header_done(p, in, in, len, &pos, ev);
    }
    while (pos < len && rc == H2C_OK) {
        switch (p->state) {
        case H2C_FRAME_PS_PREFACE: rc = preface_step(p, in, len, &pos, base, ev); break;
        case H2C_FRAME_PS_HEADER:
            if (p->hlen == 0) {
                p->frame_off = base + pos;
                if (len - pos >= H2C_FRAME_HEADER_LEN) { /* whole header here: no copy */
                    pos += H2C_FRAME_HEADER_LEN;
                    rc = header_done(p, in + pos - H2C_FRAME_HEADER_LEN, in, len, &pos, ev);
                    break;
                }
            }
            {
                size_t n = H2C_FRAME_HEADER_LEN - p->hlen;
                if (n > len - pos)
                    n = len - pos;
                memcpy(p->hbuf + p->hlen, in + pos, n);
                p->hlen = (uint8_t)(p->hlen + n);
                pos += n;
                if (p->hlen == H2C_FRAME_HEADER_LEN) {
                    p->hlen = 0;
                    rc = header_done(p, p->hbuf, in, len, &pos, ev);
                }
            }
            break;
        case H2C_FRAME_PS_PAYLOAD: rc = payload_step(p, in, len, &pos, ev); break;
        case H2C_FRAME_PS_SKIP: {
            uint64_t n = p->skip < len - pos ? p->skip : len - pos;
            pos += (size_t)n;
            p->skip -= n;
            if (p->skip == 0)
                p->state = H2C_FRAME_PS_HEADER;
            break;
        }
        case H2C_FRAME_PS_ERROR: /* not reached: a failing step ends the loop */
            rc = p->err.status;
            break;
        }
    }
    p->offset = base + pos;
    p->stats.octets = p->offset;
    *consumed = pos;
    return rc;
}

int h2c_frame_parser_finish(h2c_frame_parser *p, h2c_error *err)
{
    h2c_error local;
    if (!err)
        err = &local;
    clear_error(err);
    if (!p)
        return H2C_E_INVALID_ARGUMENT;
    if (p->state == H2C_FRAME_PS_ERROR) {
        *err = p->err;
        return p->err.status;
    }
    uint64_t missing = h2c_frame_parser_missing(p);
    if (missing == 0)
        return H2C_OK;
    const h2c_frame_header *hd = NULL;
    const char *reason = "input ended inside a frame header";
    if (p->state == H2C_FRAME_PS_PREFACE) {
        reason = "input ended inside the client connection preface";
    } else if (p->state != H2C_FRAME_PS_HEADER) {
        hd = &p->hd;
        reason = "input ended inside a frame payload";
    }
    return h2c_frame_error_set(err, H2C_FRAME_E_TRUNCATED, H2C_SCOPE_LOCAL,
                               H2C_FRAME_H2_FROM_STATUS, hd,
                               p->state == H2C_FRAME_PS_PREFACE ? 0 : p->frame_off,
                               p->offset - (p->state == H2C_FRAME_PS_PREFACE ? 0 : p->frame_off),
                               reason);
}

uint64_t h2c_frame_parser_missing(const h2c_frame_parser *p)
{
    if (!p)
        return 0;
    switch (p->state) {
    case H2C_FRAME_PS_PREFACE:
        return p->preface_got ? H2C_FRAME_CLIENT_PREFACE_LEN - p->preface_got : 0;
    case H2C_FRAME_PS_HEADER: return p->hlen ? H2C_FRAME_HEADER_LEN - p->hlen : 0;
    case H2C_FRAME_PS_PAYLOAD: return p->hd.length - p->have;
    case H2C_FRAME_PS_SKIP: return p->skip;
    default: return 0;
    }
}

h2c_frame_parser_state h2c_frame_parser_state_get(const h2c_frame_parser *p)
{
    return p ? p->state : H2C_FRAME_PS_ERROR;
}

int h2c_frame_parser_error(const h2c_frame_parser *p, h2c_error *err)
{
    if (!p || !err)
        return H2C_E_INVALID_ARGUMENT;
    if (p->state == H2C_FRAME_PS_ERROR) {
        *err = p->err;
    } else {
        clear_error(err);
    }
    return err->status;
}

uint64_t h2c_frame_parser_offset(const h2c_frame_parser *p)
{
    return p ? p->offset : 0;
}

uint32_t h2c_frame_parser_max_frame_size(const h2c_frame_parser *p)
{
    return p ? p->lim.max_frame_size : 0;
}

const h2c_frame_parser_stats *h2c_frame_parser_stats_get(const h2c_frame_parser *p)
{
    return p ? &p->stats : NULL;
}
