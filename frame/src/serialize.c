/* SPDX-License-Identifier: MIT */
/*
 * The serializer: any h2c_frame into a caller buffer, and a field block
 * split into HEADERS/PUSH_PROMISE + CONTINUATION at the peer's frame size.
 * It encodes what it is given (tests build invalid frames with it) and only
 * refuses what cannot be encoded.  Reserved bits and padding go out as zero.
 */
#include <string.h>

#include "frame_int.h"

void h2c_frame_init(h2c_frame *f, uint8_t type, uint8_t flags, uint32_t stream_id)
{
    memset(f, 0, sizeof *f);
    f->hd.type = type;
    f->hd.flags = flags;
    f->hd.stream_id = stream_id;
}

/* Pad Length field plus padding, for the types that define PADDED. */
static size_t pad_octets(const h2c_frame *f)
{
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA:
    case H2C_FRAME_TYPE_HEADERS:
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        return f->hd.flags & H2C_FRAME_FLAG_PADDED ? 1u + f->pad_length : 0;
    default: return 0;
    }
}

static int known_type(uint8_t type)
{
    return type <= H2C_FRAME_TYPE_ALTSVC || type == H2C_FRAME_TYPE_ORIGIN ||
           type == H2C_FRAME_TYPE_PRIORITY_UPDATE;
}

static int view_ok(h2c_view v)
{
    return v.ptr || v.len == 0;
}

/* Sum into *acc, failing past the largest encodable payload. */
static int add(size_t *acc, size_t n)
{
    if (n > H2C_FRAME_MAX_FRAME_SIZE_MAX - *acc)
        return 0;
    *acc += n;
    return 1;
}

/* Payload length of *f, or (size_t)-1 if it cannot be encoded. */
static size_t payload_len(const h2c_frame *f)
{
    const size_t bad = (size_t)-1;
    size_t n = 0;
    if (f->hd.stream_id > H2C_FRAME_MAX_31BIT)
        return bad;
    if (f->verbatim || !known_type(f->hd.type))
        return view_ok(f->payload) && add(&n, f->payload.len) ? n : bad;
    n = pad_octets(f);
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA:
        return view_ok(f->u.data.data) && add(&n, f->u.data.data.len) ? n : bad;
    case H2C_FRAME_TYPE_HEADERS:
        if (f->hd.flags & H2C_FRAME_FLAG_PRIORITY) {
            if (f->u.headers.priority.dependency > H2C_FRAME_MAX_31BIT)
                return bad;
            n += 5;
        }
        return view_ok(f->u.headers.fragment) && add(&n, f->u.headers.fragment.len) ? n : bad;
    case H2C_FRAME_TYPE_PRIORITY:
        return f->u.priority.priority.dependency > H2C_FRAME_MAX_31BIT ? bad : 5;
    case H2C_FRAME_TYPE_RST_STREAM:
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        if (f->hd.type == H2C_FRAME_TYPE_WINDOW_UPDATE &&
            f->u.window_update.increment > H2C_FRAME_MAX_31BIT)
            return bad;
        return 4;
    case H2C_FRAME_TYPE_SETTINGS:
        if (f->u.settings.list)
            return f->u.settings.count <= H2C_FRAME_MAX_FRAME_SIZE_MAX / 6
                       ? f->u.settings.count * 6
                       : bad;
        return view_ok(f->u.settings.raw) && add(&n, f->u.settings.raw.len) ? n : bad;
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        if (f->u.push_promise.promised_stream_id > H2C_FRAME_MAX_31BIT)
            return bad;
        n += 4;
        return view_ok(f->u.push_promise.fragment) && add(&n, f->u.push_promise.fragment.len)
                   ? n
                   : bad;
    case H2C_FRAME_TYPE_PING: return 8;
    case H2C_FRAME_TYPE_GOAWAY:
        if (f->u.goaway.last_stream_id > H2C_FRAME_MAX_31BIT)
            return bad;
        n = 8;
        return view_ok(f->u.goaway.debug_data) && add(&n, f->u.goaway.debug_data.len) ? n : bad;
    case H2C_FRAME_TYPE_CONTINUATION:
        return view_ok(f->u.continuation.fragment) && add(&n, f->u.continuation.fragment.len)
                   ? n
                   : bad;
    case H2C_FRAME_TYPE_ALTSVC:
        if (f->u.altsvc.origin.len > 0xffff || !view_ok(f->u.altsvc.origin) ||
            !view_ok(f->u.altsvc.value))
            return bad;
        n = 2;
        return add(&n, f->u.altsvc.origin.len) && add(&n, f->u.altsvc.value.len) ? n : bad;
    case H2C_FRAME_TYPE_ORIGIN:
        if (!f->u.origin.list)
            return view_ok(f->u.origin.raw) && add(&n, f->u.origin.raw.len) ? n : bad;
        for (size_t i = 0; i < f->u.origin.count; i++) {
            h2c_view o = f->u.origin.list[i];
            if (o.len > 0xffff || !view_ok(o) || !add(&n, 2 + o.len))
                return bad;
        }
        return n;
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        if (f->u.priority_update.prioritized_stream_id > H2C_FRAME_MAX_31BIT ||
            !view_ok(f->u.priority_update.value))
            return bad;
        n = 4;
        return add(&n, f->u.priority_update.value.len) ? n : bad;
    default: return bad;
    }
}

size_t h2c_frame_serialize_bound(const h2c_frame *f)
{
    if (!f)
        return 0;
    size_t n = payload_len(f);
    return n == (size_t)-1 ? 0 : H2C_FRAME_HEADER_LEN + n;
}

static uint8_t *put_view(uint8_t *p, h2c_view v)
{
    if (v.len)
        memcpy(p, v.ptr, v.len);
    return p + v.len;
}

static uint8_t *put_priority(uint8_t *p, const h2c_frame_priority *pr)
{
    p = h2c_frame_put32(p, pr->dependency | (pr->exclusive ? 0x80000000u : 0));
    *p++ = pr->weight;
    return p;
}

/* Write the typed payload (padding excluded) of a frame that passed payload_len. */
static uint8_t *put_payload(uint8_t *p, const h2c_frame *f)
{
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA: return put_view(p, f->u.data.data);
    case H2C_FRAME_TYPE_HEADERS:
        if (f->hd.flags & H2C_FRAME_FLAG_PRIORITY)
            p = put_priority(p, &f->u.headers.priority);
        return put_view(p, f->u.headers.fragment);
    case H2C_FRAME_TYPE_PRIORITY: return put_priority(p, &f->u.priority.priority);
    case H2C_FRAME_TYPE_RST_STREAM: return h2c_frame_put32(p, f->u.rst_stream.error_code);
    case H2C_FRAME_TYPE_SETTINGS:
        if (!f->u.settings.list)
            return put_view(p, f->u.settings.raw);
        for (size_t i = 0; i < f->u.settings.count; i++) {
            p = h2c_frame_put16(p, f->u.settings.list[i].id);
            p = h2c_frame_put32(p, f->u.settings.list[i].value);
        }
        return p;
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        p = h2c_frame_put32(p, f->u.push_promise.promised_stream_id);
        return put_view(p, f->u.push_promise.fragment);
    case H2C_FRAME_TYPE_PING: memcpy(p, f->u.ping.opaque_data, 8); return p + 8;
    case H2C_FRAME_TYPE_GOAWAY:
        p = h2c_frame_put32(p, f->u.goaway.last_stream_id);
        p = h2c_frame_put32(p, f->u.goaway.error_code);
        return put_view(p, f->u.goaway.debug_data);
    case H2C_FRAME_TYPE_WINDOW_UPDATE: return h2c_frame_put32(p, f->u.window_update.increment);
    case H2C_FRAME_TYPE_CONTINUATION: return put_view(p, f->u.continuation.fragment);
    case H2C_FRAME_TYPE_ALTSVC:
        p = h2c_frame_put16(p, (uint32_t)f->u.altsvc.origin.len);
        p = put_view(p, f->u.altsvc.origin);
        return put_view(p, f->u.altsvc.value);
    case H2C_FRAME_TYPE_ORIGIN:
        if (!f->u.origin.list)
            return put_view(p, f->u.origin.raw);
        for (size_t i = 0; i < f->u.origin.count; i++) {
            p = h2c_frame_put16(p, (uint32_t)f->u.origin.list[i].len);
            p = put_view(p, f->u.origin.list[i]);
        }
        return p;
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        p = h2c_frame_put32(p, f->u.priority_update.prioritized_stream_id);
        return put_view(p, f->u.priority_update.value);
    default: return p;
    }
}

int h2c_frame_serialize(const h2c_frame *f, uint8_t *out, size_t cap, size_t *written)
{
    if (written)
        *written = 0;
    if (!f || !written || (!out && cap))
        return H2C_E_INVALID_ARGUMENT;
    size_t total = h2c_frame_serialize_bound(f);
    if (total == 0)
        return H2C_E_INVALID_ARGUMENT;
    if (cap < total) {
        *written = total;
        return H2C_E_BUFFER_TOO_SMALL;
    }
    h2c_frame_header hd = f->hd;
    hd.length = (uint32_t)(total - H2C_FRAME_HEADER_LEN);
    h2c_frame_header_pack(&hd, out);
    uint8_t *p = out + H2C_FRAME_HEADER_LEN;
    size_t pad = pad_octets(f);
    if (f->verbatim || !known_type(f->hd.type)) {
        p = put_view(p, f->payload);
        pad = 0;
    } else {
        if (pad)
            *p++ = f->pad_length;
        p = put_payload(p, f);
    }
    if (pad > 1)
        memset(p, 0, pad - 1);
    *written = total;
    return H2C_OK;
}

/* ---- field blocks ------------------------------------------------------ */

typedef struct split {
    h2c_frame first; /* the HEADERS / PUSH_PROMISE with its share of the block */
    h2c_view rest;
    size_t conts; /* CONTINUATION frames */
    size_t total; /* octets of all frames */
} split;

static h2c_view *fragment_of(h2c_frame *f)
{
    return f->hd.type == H2C_FRAME_TYPE_HEADERS ? &f->u.headers.fragment
                                                : &f->u.push_promise.fragment;
}

static int plan(const h2c_frame *first, uint32_t max, split *s)
{
    if (!first || max < H2C_FRAME_MAX_FRAME_SIZE_MIN || max > H2C_FRAME_MAX_FRAME_SIZE_MAX ||
        first->verbatim ||
        (first->hd.type != H2C_FRAME_TYPE_HEADERS &&
         first->hd.type != H2C_FRAME_TYPE_PUSH_PROMISE))
        return 0;
    s->first = *first;
    h2c_view *frag = fragment_of(&s->first);
    h2c_view block = *frag;
    if (!view_ok(block))
        return 0;
    frag->len = 0;
    size_t overhead = payload_len(&s->first); /* padding and fixed fields, at most 261 */
    if (overhead == (size_t)-1)
        return 0;
    size_t room = max - overhead;
    size_t take = block.len < room ? block.len : room;
    frag->ptr = block.ptr;
    frag->len = take;
    s->rest.len = block.len - take;
    s->rest.ptr = s->rest.len ? block.ptr + take : NULL;
    s->conts = (s->rest.len + max - 1) / max;
    s->first.hd.flags = (uint8_t)(s->first.hd.flags & ~H2C_FRAME_FLAG_END_HEADERS);
    if (s->conts == 0)
        s->first.hd.flags |= H2C_FRAME_FLAG_END_HEADERS;
    s->total = H2C_FRAME_HEADER_LEN + overhead + take;
    if (s->conts > (SIZE_MAX - s->total - s->rest.len) / H2C_FRAME_HEADER_LEN)
        return 0;
    s->total += s->rest.len + s->conts * H2C_FRAME_HEADER_LEN;
    return 1;
}

size_t h2c_frame_header_block_bound(const h2c_frame *first, uint32_t max_frame_size)
{
    split s;
    return plan(first, max_frame_size, &s) ? s.total : 0;
}

int h2c_frame_serialize_header_block(const h2c_frame *first, uint32_t max_frame_size,
                                     uint8_t *out, size_t cap, size_t *written)
{
    split s;
    if (written)
        *written = 0;
    if (!written || (!out && cap) || !plan(first, max_frame_size, &s))
        return H2C_E_INVALID_ARGUMENT;
    if (cap < s.total) {
        *written = s.total;
        return H2C_E_BUFFER_TOO_SMALL;
    }
    size_t n = 0, w;
    int rc = h2c_frame_serialize(&s.first, out, cap, &w);
    if (rc < 0)
        return rc;
    n += w;
    while (s.rest.len) {
        int last = s.rest.len <= max_frame_size;
        size_t take = last ? s.rest.len : max_frame_size;
        h2c_frame c;
        h2c_frame_init(&c, H2C_FRAME_TYPE_CONTINUATION, last ? H2C_FRAME_FLAG_END_HEADERS : 0,
                       first->hd.stream_id);
        c.u.continuation.fragment.ptr = s.rest.ptr;
        c.u.continuation.fragment.len = take;
        rc = h2c_frame_serialize(&c, out + n, cap - n, &w);
        if (rc < 0)
            return rc;
        n += w;
        s.rest.ptr += take;
        s.rest.len -= take;
    }
    *written = n;
    return H2C_OK;
}
