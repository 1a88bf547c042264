/* SPDX-License-Identifier: MIT */
/*
 * frame_roundtrip -- structure-aware: the input describes frames of every
 * type (the ten of RFC 9113, ALTSVC, ORIGIN, PRIORITY_UPDATE and unknown
 * types); each is serialized into an exact-size buffer, parsed back, and
 * compared field by field.
 *
 * A frame built in "valid" mode obeys every rule the parser checks (stream
 * 0 or not as its type needs, SETTINGS values in range, a non-zero window
 * increment, an even promised stream, no self-dependency, ...), so the
 * parser must accept it as exactly one EV_FRAME with the same fields.  In
 * "raw" mode the fields are taken as they come: the parser may refuse, but
 * whatever it accepts must match what was serialized.  Every accepted frame
 * must serialize back to the same octets.
 *
 * HEADERS and PUSH_PROMISE frames with a long field block also go through
 * h2c_frame_serialize_header_block() at a chosen SETTINGS_MAX_FRAME_SIZE and
 * back through the parser and the assembler (JOIN), which must return the
 * block unchanged in HEADERS/PUSH_PROMISE + CONTINUATION frames no larger
 * than that size.
 *
 * Input, repeated until it ends (see read_frame()):
 *   sel:u8 flags:u8 mode:u8 stream:u32be, then the type's fields.
 *   sel % 14 picks the type (13: an unknown type 0x20 + sel / 14);
 *   mode & 1: raw mode (then mfs:u32be for check_api()); mode & 2: also
 *   split a field block (block:u16 as two octets, mfs:u16).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame_step.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ITEMS 32

static const uint8_t types[13] = {
    H2C_FRAME_TYPE_DATA,          H2C_FRAME_TYPE_HEADERS,      H2C_FRAME_TYPE_PRIORITY,
    H2C_FRAME_TYPE_RST_STREAM,    H2C_FRAME_TYPE_SETTINGS,     H2C_FRAME_TYPE_PUSH_PROMISE,
    H2C_FRAME_TYPE_PING,          H2C_FRAME_TYPE_GOAWAY,       H2C_FRAME_TYPE_WINDOW_UPDATE,
    H2C_FRAME_TYPE_CONTINUATION,  H2C_FRAME_TYPE_ALTSVC,       H2C_FRAME_TYPE_ORIGIN,
    H2C_FRAME_TYPE_PRIORITY_UPDATE,
};

typedef struct built {
    h2c_frame f;
    h2c_frame_setting settings[MAX_ITEMS];
    h2c_view origins[MAX_ITEMS];
    int valid;
    int split;
} built;

static h2c_view view(const uint8_t *p, size_t n)
{
    h2c_view v;
    v.ptr = n ? p : NULL;
    v.len = n;
    return v;
}

static h2c_view str8(h2c_fuzz_reader *r)
{
    size_t n;
    const uint8_t *p = h2c_fuzz_str8(r, &n);
    return view(p, n);
}

static h2c_view str16(h2c_fuzz_reader *r)
{
    size_t n;
    const uint8_t *p = h2c_fuzz_bytes(r, h2c_fuzz_u16(r), &n);
    return view(p, n);
}

static void read_priority(h2c_fuzz_reader *r, h2c_frame_priority *pr, uint32_t stream, int valid)
{
    pr->dependency = h2c_fuzz_u32(r);
    pr->exclusive = h2c_fuzz_u8(r) & 1;
    pr->weight = h2c_fuzz_u8(r);
    if (valid) {
        pr->dependency &= H2C_FRAME_MAX_31BIT;
        if (pr->dependency == stream)
            pr->dependency = (stream + 2) & H2C_FRAME_MAX_31BIT;
    }
}

/* A SETTINGS value the parser must accept for this identifier. */
static uint32_t valid_setting(uint16_t id, uint32_t v)
{
    switch (id) {
    case H2C_FRAME_SETTINGS_ENABLE_PUSH:
    case H2C_FRAME_SETTINGS_ENABLE_CONNECT_PROTOCOL:
    case H2C_FRAME_SETTINGS_NO_RFC7540_PRIORITIES:
        return v & 1;
    case H2C_FRAME_SETTINGS_INITIAL_WINDOW_SIZE:
        return v & H2C_FRAME_MAX_31BIT;
    case H2C_FRAME_SETTINGS_MAX_FRAME_SIZE:
        return H2C_FRAME_MAX_FRAME_SIZE_MIN +
               v % (H2C_FRAME_MAX_FRAME_SIZE_MAX - H2C_FRAME_MAX_FRAME_SIZE_MIN + 1);
    default:
        return v;
    }
}

static int stream_zero_type(uint8_t t)
{
    return t == H2C_FRAME_TYPE_SETTINGS || t == H2C_FRAME_TYPE_PING ||
           t == H2C_FRAME_TYPE_GOAWAY || t == H2C_FRAME_TYPE_ORIGIN ||
           t == H2C_FRAME_TYPE_PRIORITY_UPDATE;
}

/* One frame description; returns 0 when the input is used up. */
static int read_frame(h2c_fuzz_reader *r, built *b)
{
    uint8_t sel, flags, mode, type;
    uint32_t stream;
    int valid;
    h2c_frame *f = &b->f;

    if (r->left == 0)
        return 0;
    sel = h2c_fuzz_u8(r);
    flags = h2c_fuzz_u8(r);
    mode = h2c_fuzz_u8(r);
    stream = h2c_fuzz_u32(r);
    type = sel % 14 < 13 ? types[sel % 14] : (uint8_t)(0x20 + sel / 14);
    valid = !(mode & 1);
    b->valid = valid;
    b->split = (mode & 2) != 0;
    if (valid) {
        stream &= H2C_FRAME_MAX_31BIT;
        if (stream_zero_type(type))
            stream = 0;
        else if (type == H2C_FRAME_TYPE_ALTSVC || type == H2C_FRAME_TYPE_WINDOW_UPDATE)
            ; /* both kinds of stream are fine */
        else if (stream == 0)
            stream = 1;
    }
    h2c_frame_init(f, type, flags, stream);
    if ((flags & H2C_FRAME_FLAG_PADDED) &&
        (type == H2C_FRAME_TYPE_DATA || type == H2C_FRAME_TYPE_HEADERS ||
         type == H2C_FRAME_TYPE_PUSH_PROMISE))
        f->pad_length = h2c_fuzz_u8(r);
    switch (type) {
    case H2C_FRAME_TYPE_DATA:
        f->u.data.data = str16(r);
        break;
    case H2C_FRAME_TYPE_HEADERS:
        if (flags & H2C_FRAME_FLAG_PRIORITY)
            read_priority(r, &f->u.headers.priority, stream, valid);
        f->u.headers.fragment = str16(r);
        break;
    case H2C_FRAME_TYPE_PRIORITY:
        read_priority(r, &f->u.priority.priority, stream, valid);
        break;
    case H2C_FRAME_TYPE_RST_STREAM:
        f->u.rst_stream.error_code = h2c_fuzz_u32(r);
        break;
    case H2C_FRAME_TYPE_SETTINGS: {
        size_t n = h2c_fuzz_u8(r) % (MAX_ITEMS + 1);
        if (valid && (flags & H2C_FRAME_FLAG_ACK))
            n = 0;
        for (size_t i = 0; i < n; i++) {
            b->settings[i].id = h2c_fuzz_u16(r);
            b->settings[i].value = h2c_fuzz_u32(r);
            if (valid)
                b->settings[i].value = valid_setting(b->settings[i].id, b->settings[i].value);
        }
        f->u.settings.list = b->settings;
        f->u.settings.count = n;
        break;
    }
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        f->u.push_promise.promised_stream_id = h2c_fuzz_u32(r);
        if (valid) {
            f->u.push_promise.promised_stream_id &= H2C_FRAME_MAX_31BIT - 1;
            if (f->u.push_promise.promised_stream_id == 0)
                f->u.push_promise.promised_stream_id = 2;
        }
        f->u.push_promise.fragment = str16(r);
        break;
    case H2C_FRAME_TYPE_PING: {
        size_t n;
        const uint8_t *p = h2c_fuzz_bytes(r, 8, &n);
        memcpy(f->u.ping.opaque_data, p, n);
        break;
    }
    case H2C_FRAME_TYPE_GOAWAY:
        f->u.goaway.last_stream_id = h2c_fuzz_u32(r);
        if (valid)
            f->u.goaway.last_stream_id &= H2C_FRAME_MAX_31BIT;
        f->u.goaway.error_code = h2c_fuzz_u32(r);
        f->u.goaway.debug_data = str16(r);
        break;
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        f->u.window_update.increment = h2c_fuzz_u32(r);
        if (valid) {
            f->u.window_update.increment &= H2C_FRAME_MAX_31BIT;
            if (f->u.window_update.increment == 0)
                f->u.window_update.increment = 1;
        }
        break;
    case H2C_FRAME_TYPE_CONTINUATION:
        f->u.continuation.fragment = str16(r);
        break;
    case H2C_FRAME_TYPE_ALTSVC:
        f->u.altsvc.origin = str8(r);
        f->u.altsvc.value = str16(r);
        if (valid && stream == 0 && f->u.altsvc.origin.len == 0)
            f->u.altsvc.origin = view((const uint8_t *)"https://a", 9);
        if (valid && stream != 0)
            f->u.altsvc.origin = view(NULL, 0);
        if (valid && f->u.altsvc.value.len == 0) /* never empty (RFC 7838 section 4) */
            f->u.altsvc.value = view((const uint8_t *)"clear", 5);
        break;
    case H2C_FRAME_TYPE_ORIGIN: {
        size_t n = h2c_fuzz_u8(r) % (MAX_ITEMS + 1);
        for (size_t i = 0; i < n; i++)
            b->origins[i] = str8(r);
        f->u.origin.list = b->origins;
        f->u.origin.count = n;
        break;
    }
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        f->u.priority_update.prioritized_stream_id = h2c_fuzz_u32(r);
        if (valid) {
            f->u.priority_update.prioritized_stream_id &= H2C_FRAME_MAX_31BIT;
            if (f->u.priority_update.prioritized_stream_id == 0)
                f->u.priority_update.prioritized_stream_id = 1;
        }
        f->u.priority_update.value = str8(r);
        break;
    default:
        f->payload = str16(r);
        f->verbatim = 1;
        break;
    }
    return 1;
}

/* The parsed frame p carries what b described. */
static void check_same_as_built(const built *b, const h2c_frame *p)
{
    const h2c_frame *f = &b->f;
    H2C_FUZZ_CHECK(p->hd.type == f->hd.type);
    H2C_FUZZ_CHECK(p->hd.flags == f->hd.flags);
    H2C_FUZZ_CHECK(p->hd.stream_id == f->hd.stream_id);
    H2C_FUZZ_CHECK(p->offset == 0);
    if (f->hd.flags & H2C_FRAME_FLAG_PADDED &&
        (f->hd.type == H2C_FRAME_TYPE_DATA || f->hd.type == H2C_FRAME_TYPE_HEADERS ||
         f->hd.type == H2C_FRAME_TYPE_PUSH_PROMISE))
        H2C_FUZZ_CHECK(p->pad_length == f->pad_length);
    if (f->verbatim) {
        H2C_FUZZ_CHECK(p->verbatim);
        H2C_FUZZ_CHECK(h2c_fuzz_eq(p->payload.ptr, p->payload.len, f->payload.ptr,
                                   f->payload.len));
        return;
    }
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_SETTINGS: {
        h2c_frame_setting s;
        H2C_FUZZ_CHECK(p->u.settings.count == f->u.settings.count);
        for (size_t i = 0; i < f->u.settings.count; i++) {
            H2C_FUZZ_CHECK(h2c_frame_settings_get(p, i, &s) == H2C_OK);
            H2C_FUZZ_CHECK(s.id == b->settings[i].id && s.value == b->settings[i].value);
        }
        H2C_FUZZ_CHECK(h2c_frame_settings_get(p, f->u.settings.count, &s) ==
                       H2C_E_INVALID_ARGUMENT);
        return;
    }
    case H2C_FRAME_TYPE_ORIGIN: {
        /* Entries of length 0 are written but name no origin (RFC 8336
         * section 2): the parser neither counts nor reports them. */
        size_t pos = 0, i = 0, n = f->u.origin.count, nonempty = 0;
        h2c_view o;
        for (size_t k = 0; k < n; k++)
            nonempty += b->origins[k].len != 0;
        H2C_FUZZ_CHECK(p->u.origin.count == nonempty);
        while (h2c_frame_origin_next(p, &pos, &o) == 1) {
            while (i < n && b->origins[i].len == 0)
                i++;
            H2C_FUZZ_CHECK(i < n);
            H2C_FUZZ_CHECK(h2c_fuzz_eq(o.ptr, o.len, b->origins[i].ptr, b->origins[i].len));
            i++;
        }
        while (i < n && b->origins[i].len == 0)
            i++;
        H2C_FUZZ_CHECK(i == n);
        return;
    }
    default: {
        /* Compare through a copy with the parser-only fields filled in. */
        h2c_frame want = *f;
        want.hd.length = p->hd.length;
        want.offset = p->offset;
        want.payload = p->payload;
        if (!(f->hd.flags & H2C_FRAME_FLAG_PADDED))
            want.pad_length = p->pad_length;
        if (f->hd.type == H2C_FRAME_TYPE_HEADERS && !(f->hd.flags & H2C_FRAME_FLAG_PRIORITY))
            want.u.headers.priority = p->u.headers.priority;
        if (!h2c_fuzz_frame_same(&want, p)) {
            fprintf(stderr, "frame_roundtrip: %s frame (type 0x%x, flags 0x%x, stream %u) "
                    "parsed differently: length %u/%u pad %u/%u verbatim %u/%u\n",
                    h2c_frame_type_name(f->hd.type), f->hd.type, f->hd.flags,
                    (unsigned)f->hd.stream_id, (unsigned)want.hd.length,
                    (unsigned)p->hd.length, want.pad_length, p->pad_length, want.verbatim,
                    p->verbatim);
            H2C_FUZZ_CHECK(!"parsed frame equals the one serialized");
        }
    }
    }
}

/* Parse one buffer holding exactly one frame. */
static void roundtrip_one(const built *b)
{
    h2c_frame_parser_options opt;
    h2c_frame_parser *p = NULL;
    h2c_frame_event ev;
    size_t bound = h2c_frame_serialize_bound(&b->f), written = 0, used = 0;
    uint8_t *buf;
    int rc;

    if (bound == 0) {
        H2C_FUZZ_CHECK(!b->valid || b->f.hd.type == H2C_FRAME_TYPE_ALTSVC);
        H2C_FUZZ_CHECK(h2c_frame_serialize(&b->f, NULL, 0, &written) ==
                       H2C_E_INVALID_ARGUMENT);
        return;
    }
    buf = malloc(bound);
    if (!buf)
        abort();
    H2C_FUZZ_CHECK(h2c_frame_serialize(&b->f, buf, bound, &written) == H2C_OK);
    H2C_FUZZ_CHECK(written == bound);

    h2c_frame_parser_options_init(&opt);
    opt.max_frame_size = H2C_FRAME_MAX_FRAME_SIZE_MAX;
    H2C_FUZZ_CHECK(h2c_frame_parser_new(&p, &opt) == H2C_OK);
    rc = h2c_frame_parser_push(p, buf, bound, &used, &ev);
    if (b->valid) {
        if (rc != H2C_FRAME_EV_FRAME) {
            fprintf(stderr, "frame_roundtrip: valid %s frame (flags 0x%x, stream %u, %zu octets) "
                    "refused: %d %s\n", h2c_frame_type_name(b->f.hd.type), b->f.hd.flags,
                    (unsigned)b->f.hd.stream_id, bound, rc,
                    ev.error.reason ? ev.error.reason : "");
            H2C_FUZZ_CHECK(!"valid frame accepted");
        }
    }
    if (rc == H2C_FRAME_EV_FRAME) {
        H2C_FUZZ_CHECK(used == bound);
        check_same_as_built(b, &ev.frame);
        h2c_fuzz_check_reserialize(&ev.frame, buf);
        H2C_FUZZ_CHECK(h2c_frame_parser_push(p, buf + used, 0, &used, &ev) == H2C_OK);
        H2C_FUZZ_CHECK(h2c_frame_parser_finish(p, NULL) == H2C_OK);
    }
    h2c_frame_parser_free(p);
    free(buf);
}

/*
 * A field block of block_len octets (the built fragment repeated) split at
 * max_frame_size, parsed, reassembled.
 */
static void split_block(const built *b, size_t block_len, uint32_t max_frame_size)
{
    h2c_frame first = b->f;
    h2c_view src = first.hd.type == H2C_FRAME_TYPE_HEADERS ? first.u.headers.fragment
                                                                  : first.u.push_promise.fragment;
    h2c_frame_parser_options popt;
    h2c_frame_assembler_options aopt;
    h2c_frame_parser *p = NULL;
    h2c_frame_assembler *a = NULL;
    uint8_t *block, *wire;
    size_t bound, written = 0, off = 0, frames = 0, joined_end = 0;

    block = malloc(block_len ? block_len : 1);
    if (!block)
        abort();
    for (size_t i = 0; i < block_len; i++)
        block[i] = src.len ? src.ptr[i % src.len] : (uint8_t)i;
    if (first.hd.type == H2C_FRAME_TYPE_HEADERS)
        first.u.headers.fragment = view(block, block_len);
    else
        first.u.push_promise.fragment = view(block, block_len);

    bound = h2c_frame_header_block_bound(&first, max_frame_size);
    H2C_FUZZ_CHECK(bound > 0);
    wire = malloc(bound);
    if (!wire)
        abort();
    H2C_FUZZ_CHECK(h2c_frame_serialize_header_block(&first, max_frame_size, wire, bound,
                                                    &written) == H2C_OK);
    H2C_FUZZ_CHECK(written == bound);

    h2c_frame_parser_options_init(&popt);
    popt.max_frame_size = max_frame_size;
    h2c_frame_assembler_options_init(&aopt);
    aopt.flags = H2C_FRAME_ASSEMBLER_JOIN;
    aopt.max_continuations = UINT32_MAX;
    aopt.max_block_size = SIZE_MAX;
    H2C_FUZZ_CHECK(h2c_frame_parser_new(&p, &popt) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_frame_assembler_new(&a, &aopt) == H2C_OK);
    for (;;) {
        h2c_frame_event ev;
        h2c_frame_block blk;
        size_t used = 0;
        int rc = h2c_frame_parser_push(p, wire + off, written - off, &used, &ev);
        off += used;
        if (rc == H2C_OK)
            break;
        H2C_FUZZ_CHECK(rc == H2C_FRAME_EV_FRAME);
        H2C_FUZZ_CHECK(ev.frame.hd.length <= max_frame_size);
        H2C_FUZZ_CHECK(ev.frame.hd.stream_id == first.hd.stream_id);
        H2C_FUZZ_CHECK(ev.frame.hd.type == (frames == 0 ? first.hd.type
                                                         : H2C_FRAME_TYPE_CONTINUATION));
        frames++;
        rc = h2c_frame_assembler_push(a, &ev.frame, &blk);
        H2C_FUZZ_CHECK(rc == H2C_FRAME_EV_FRAGMENT || rc == H2C_FRAME_EV_BLOCK_END);
        H2C_FUZZ_CHECK(blk.stream_id == first.hd.stream_id && blk.type == first.hd.type);
        H2C_FUZZ_CHECK(blk.continuations == frames - 1);
        if (rc == H2C_FRAME_EV_BLOCK_END) {
            H2C_FUZZ_CHECK(blk.end);
            H2C_FUZZ_CHECK(blk.size == block_len);
            H2C_FUZZ_CHECK(h2c_fuzz_eq(blk.block.ptr, blk.block.len, block, block_len));
            H2C_FUZZ_CHECK((blk.flags & H2C_FRAME_FLAG_END_STREAM) ==
                           (first.hd.flags & H2C_FRAME_FLAG_END_STREAM));
            joined_end = 1;
        }
    }
    H2C_FUZZ_CHECK(off == written);
    H2C_FUZZ_CHECK(joined_end);
    H2C_FUZZ_CHECK(h2c_frame_assembler_open_stream(a) == 0);
    h2c_frame_assembler_free(a);
    h2c_frame_parser_free(p);
    free(wire);
    free(block);
}

/*
 * The small API around a frame: header pack/unpack, names, flag text, and
 * header-block splitting of any frame at any size (refused exactly when its
 * bound is 0).
 */
static void check_api(const built *b, uint32_t mfs)
{
    const h2c_frame *f = &b->f;
    h2c_frame_header hd = f->hd, back;
    uint8_t raw[H2C_FRAME_HEADER_LEN];
    char text[64];
    size_t need, bound, written = 0;
    uint8_t *buf;
    int rc;

    hd.length = (uint32_t)h2c_frame_serialize_bound(f);
    rc = h2c_frame_header_pack(&hd, raw);
    if (hd.length <= H2C_FRAME_MAX_FRAME_SIZE_MAX && hd.stream_id <= H2C_FRAME_MAX_31BIT) {
        H2C_FUZZ_CHECK(rc == H2C_OK);
        h2c_frame_header_unpack(raw, &back);
        H2C_FUZZ_CHECK(back.length == hd.length && back.type == hd.type &&
                       back.flags == hd.flags && back.stream_id == hd.stream_id);
    } else {
        H2C_FUZZ_CHECK(rc == H2C_E_INVALID_ARGUMENT);
    }
    H2C_FUZZ_CHECK(h2c_frame_type_name(f->hd.type) != NULL);
    need = h2c_frame_flags_format(f->hd.type, f->hd.flags, text, sizeof text);
    H2C_FUZZ_CHECK(need < sizeof text && strlen(text) == need);
    H2C_FUZZ_CHECK(h2c_frame_flags_format(f->hd.type, f->hd.flags, text, mfs % 8) == need);
    if (mfs % 8)
        H2C_FUZZ_CHECK(strlen(text) < mfs % 8);
    if (f->hd.type == H2C_FRAME_TYPE_SETTINGS)
        for (size_t i = 0; i < f->u.settings.count; i++)
            H2C_FUZZ_CHECK(h2c_frame_setting_name(b->settings[i].id) != NULL);
    if (f->hd.type == H2C_FRAME_TYPE_RST_STREAM)
        H2C_FUZZ_CHECK(h2c_h2_error_name(f->u.rst_stream.error_code) != NULL);

    bound = h2c_frame_header_block_bound(f, mfs);
    buf = malloc(bound ? bound : 1);
    if (!buf)
        abort();
    rc = h2c_frame_serialize_header_block(f, mfs, buf, bound, &written);
    if (bound == 0) {
        H2C_FUZZ_CHECK(rc == H2C_E_INVALID_ARGUMENT);
    } else {
        H2C_FUZZ_CHECK(rc == H2C_OK && written == bound);
        H2C_FUZZ_CHECK(h2c_frame_serialize_header_block(f, mfs, buf, bound - 1, &written) ==
                       H2C_E_BUFFER_TOO_SMALL);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h2c_fuzz_reader r;
    built b;
    h2c_fuzz_reader_init(&r, data, size);
    while (read_frame(&r, &b)) {
        roundtrip_one(&b);
        if (!b.valid)
            check_api(&b, h2c_fuzz_u32(&r));
        if (b.split && b.valid &&
            (b.f.hd.type == H2C_FRAME_TYPE_HEADERS || b.f.hd.type == H2C_FRAME_TYPE_PUSH_PROMISE)) {
            size_t block_len = (size_t)h2c_fuzz_u8(&r) * 512 + h2c_fuzz_u8(&r);
            uint32_t mfs = H2C_FRAME_MAX_FRAME_SIZE_MIN + h2c_fuzz_u16(&r);
            split_block(&b, block_len, mfs);
        }
    }
    return 0;
}
