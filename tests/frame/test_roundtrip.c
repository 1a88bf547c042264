/* SPDX-License-Identifier: MIT */
/*
 * Serializer: every type with every flag combination round-trips through
 * the parser (serialize -> parse gives the same fields, parse -> serialize
 * the same octets); field blocks split at the peer's frame size and come
 * back whole through the assembler; exact sizes, BUFFER_TOO_SMALL and
 * unencodable frames.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/frame.h>

#include "frame_util.h"
#include "testutil.h"

static const uint8_t types[] = { 0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8,
                                 0x9, 0xa, 0xc, 0x10, 0xb, 0x42, 0xff };
#define NTYPES (sizeof types / sizeof types[0])

static const uint8_t text[] = "the quick brown fox jumps over the lazy dog";
static const h2c_frame_setting settings[] = {
    { H2C_FRAME_SETTINGS_HEADER_TABLE_SIZE, 8192 },
    { H2C_FRAME_SETTINGS_ENABLE_PUSH, 0 },
    { H2C_FRAME_SETTINGS_MAX_FRAME_SIZE, 1 << 20 },
    { 0x4242, 0xdeadbeef },
};
static const h2c_view origins[] = {
    { (const uint8_t *)"https://a.example", 17 },
    { NULL, 0 },
    { (const uint8_t *)"https://b.example:8443", 22 },
};

static h2c_view tv(size_t off, size_t len)
{
    h2c_view v = { len ? text + off : NULL, len };
    return v;
}

/* A valid frame of this type with these flags; variant picks sizes. */
static void build(h2c_frame *f, uint8_t type, uint8_t flags, unsigned variant)
{
    uint32_t sid = 1 + 2 * (variant % 3);
    h2c_frame_init(f, type, flags, sid);
    f->pad_length = (uint8_t)(variant * 37 + flags);
    size_t n = variant % 11;
    h2c_frame_priority pr = { (sid + 2) | 0, (uint8_t)(variant & 1), (uint8_t)(flags ^ 0x5a) };
    switch (type) {
    case H2C_FRAME_TYPE_DATA:
        f->u.data.data = tv(variant, n);
        break;
    case H2C_FRAME_TYPE_HEADERS:
        f->u.headers.priority = pr;
        f->u.headers.fragment = tv(1, n);
        break;
    case H2C_FRAME_TYPE_PRIORITY:
        f->u.priority.priority = pr;
        break;
    case H2C_FRAME_TYPE_RST_STREAM:
        f->u.rst_stream.error_code = variant * 3;
        break;
    case H2C_FRAME_TYPE_SETTINGS:
        f->hd.stream_id = 0;
        if (!(flags & H2C_FRAME_FLAG_ACK)) {
            f->u.settings.list = settings;
            f->u.settings.count = variant % 5;
        }
        break;
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        f->u.push_promise.promised_stream_id = 2 * (variant + 1);
        f->u.push_promise.fragment = tv(2, n);
        break;
    case H2C_FRAME_TYPE_PING:
        f->hd.stream_id = 0;
        memcpy(f->u.ping.opaque_data, text + variant % 8, 8);
        break;
    case H2C_FRAME_TYPE_GOAWAY:
        f->hd.stream_id = 0;
        f->u.goaway.last_stream_id = H2C_FRAME_MAX_31BIT - variant;
        f->u.goaway.error_code = 0xb;
        f->u.goaway.debug_data = tv(4, n);
        break;
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        f->hd.stream_id = variant & 1 ? 0 : sid;
        f->u.window_update.increment = H2C_FRAME_MAX_31BIT - variant;
        break;
    case H2C_FRAME_TYPE_CONTINUATION:
        f->u.continuation.fragment = tv(3, n);
        break;
    case H2C_FRAME_TYPE_ALTSVC:
        if (variant & 1) {
            f->hd.stream_id = 0;
            f->u.altsvc.origin = tv(0, 1 + n);
        }
        f->u.altsvc.value = tv(5, 1 + n); /* never empty (RFC 7838 section 4) */
        break;
    case H2C_FRAME_TYPE_ORIGIN:
        f->hd.stream_id = 0;
        f->u.origin.list = origins;
        f->u.origin.count = variant % 4;
        break;
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        f->hd.stream_id = 0;
        f->u.priority_update.prioritized_stream_id = sid;
        f->u.priority_update.value = tv(6, n);
        break;
    default:
        f->hd.stream_id = variant & 1 ? 0 : sid;
        f->payload = tv(7, n);
        break;
    }
}

static int padded_type(uint8_t t)
{
    return t == H2C_FRAME_TYPE_DATA || t == H2C_FRAME_TYPE_HEADERS ||
           t == H2C_FRAME_TYPE_PUSH_PROMISE;
}

static void assert_view(h2c_view a, h2c_view b, const char *what)
{
    ck_assert_msg(a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0),
                  "%s differs (%zu vs %zu octets)", what, a.len, b.len);
}

static void assert_prio(const h2c_frame_priority *a, const h2c_frame_priority *b)
{
    ck_assert_uint_eq(a->dependency, b->dependency);
    ck_assert_uint_eq(a->exclusive, b->exclusive);
    ck_assert_uint_eq(a->weight, b->weight);
}

/* The parsed frame g carries what the built frame f said. */
static void assert_same_fields(const h2c_frame *f, const h2c_frame *g)
{
    ck_assert_uint_eq(f->hd.type, g->hd.type);
    ck_assert_uint_eq(f->hd.flags, g->hd.flags);
    ck_assert_uint_eq(f->hd.stream_id, g->hd.stream_id);
    if (padded_type(f->hd.type) && (f->hd.flags & H2C_FRAME_FLAG_PADDED))
        ck_assert_uint_eq(f->pad_length, g->pad_length);
    int prio = (f->hd.flags & H2C_FRAME_FLAG_PRIORITY) != 0;
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA:
        assert_view(f->u.data.data, g->u.data.data, "data");
        break;
    case H2C_FRAME_TYPE_HEADERS:
        if (prio)
            assert_prio(&f->u.headers.priority, &g->u.headers.priority);
        assert_view(f->u.headers.fragment, g->u.headers.fragment, "fragment");
        break;
    case H2C_FRAME_TYPE_PRIORITY:
        assert_prio(&f->u.priority.priority, &g->u.priority.priority);
        break;
    case H2C_FRAME_TYPE_RST_STREAM:
        ck_assert_uint_eq(f->u.rst_stream.error_code, g->u.rst_stream.error_code);
        break;
    case H2C_FRAME_TYPE_SETTINGS:
        ck_assert_uint_eq(f->u.settings.count, g->u.settings.count);
        for (size_t i = 0; i < f->u.settings.count; i++) {
            h2c_frame_setting a, b;
            ck_assert_int_eq(h2c_frame_settings_get(f, i, &a), 0);
            ck_assert_int_eq(h2c_frame_settings_get(g, i, &b), 0);
            ck_assert_uint_eq(a.id, b.id);
            ck_assert_uint_eq(a.value, b.value);
        }
        break;
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        ck_assert_uint_eq(f->u.push_promise.promised_stream_id,
                          g->u.push_promise.promised_stream_id);
        assert_view(f->u.push_promise.fragment, g->u.push_promise.fragment, "fragment");
        break;
    case H2C_FRAME_TYPE_PING:
        ck_assert_int_eq(memcmp(f->u.ping.opaque_data, g->u.ping.opaque_data, 8), 0);
        break;
    case H2C_FRAME_TYPE_GOAWAY:
        ck_assert_uint_eq(f->u.goaway.last_stream_id, g->u.goaway.last_stream_id);
        ck_assert_uint_eq(f->u.goaway.error_code, g->u.goaway.error_code);
        assert_view(f->u.goaway.debug_data, g->u.goaway.debug_data, "debug data");
        break;
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        ck_assert_uint_eq(f->u.window_update.increment, g->u.window_update.increment);
        break;
    case H2C_FRAME_TYPE_CONTINUATION:
        assert_view(f->u.continuation.fragment, g->u.continuation.fragment, "fragment");
        break;
    case H2C_FRAME_TYPE_ALTSVC:
        assert_view(f->u.altsvc.origin, g->u.altsvc.origin, "origin");
        assert_view(f->u.altsvc.value, g->u.altsvc.value, "alt-svc value");
        break;
    case H2C_FRAME_TYPE_ORIGIN: {
        /* Empty entries are written but name no origin (RFC 8336 section
         * 2): the parsed frame counts only the others. */
        size_t nonempty = 0;
        for (size_t i = 0; i < f->u.origin.count; i++)
            nonempty += f->u.origin.list[i].len != 0;
        ck_assert_uint_eq(nonempty, g->u.origin.count);
        size_t pa = 0, pb = 0, n = 0;
        h2c_view a, b;
        while (h2c_frame_origin_next(f, &pa, &a)) {
            ck_assert_int_eq(h2c_frame_origin_next(g, &pb, &b), 1);
            assert_view(a, b, "origin entry");
            n++;
        }
        ck_assert_int_eq(h2c_frame_origin_next(g, &pb, &b), 0);
        ck_assert_uint_eq(n, nonempty);
        break;
    }
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        ck_assert_uint_eq(f->u.priority_update.prioritized_stream_id,
                          g->u.priority_update.prioritized_stream_id);
        assert_view(f->u.priority_update.value, g->u.priority_update.value, "priority value");
        break;
    default:
        ck_assert_uint_eq(g->verbatim, 1);
        assert_view(f->payload, g->payload, "payload");
        break;
    }
}

/* One frame: serialize, parse from a guard page, compare, re-serialize,
 * and parse byte by byte. */
static void round_trip_one(uint8_t type, uint8_t flags, unsigned variant)
{
    h2c_frame f, g;
    build(&f, type, flags, variant);
    size_t n = h2c_frame_serialize_bound(&f);
    ck_assert_uint_gt(n, 0);
    uint8_t *wire = malloc(n), *again = malloc(n);
    size_t w;
    ck_assert_int_eq(h2c_frame_serialize(&f, wire, n, &w), 0);
    ck_assert_uint_eq(w, n);
    ck_assert_uint_eq((size_t)wire[0] << 16 | (size_t)wire[1] << 8 | wire[2], n - 9);

    uint8_t *in = h2t_guard_copy(wire, n);
    h2c_frame_parser *p;
    ck_assert_int_eq(h2c_frame_parser_new(&p, NULL), 0);
    h2c_frame_event ev;
    size_t used;
    int rc = h2c_frame_parser_push(p, in, n, &used, &ev);
    char desc[512];
    ck_assert_msg(rc == H2C_FRAME_EV_FRAME, "type %s flags 0x%02x variant %u: %s",
                  h2c_frame_type_name(type), flags, variant,
                  ft_describe(rc, &ev, desc, sizeof desc));
    ck_assert_uint_eq(used, n);
    g = ev.frame;
    assert_same_fields(&f, &g);

    /* parse -> serialize gives the same octets */
    ck_assert_uint_eq(h2c_frame_serialize_bound(&g), n);
    ck_assert_int_eq(h2c_frame_serialize(&g, again, n, &w), 0);
    ck_assert_int_eq(memcmp(again, wire, n), 0);

    /* byte by byte: same events */
    ft_config cfg;
    ft_config_init(&cfg);
    ft_log a, b;
    ck_assert_int_eq(ft_run_whole(&cfg, wire, n, &a), 0);
    ck_assert_int_eq(ft_run_steps(&cfg, wire, n, 1, &b), 0);
    ck_assert_uint_eq(ft_log_diff(&a, &b), (size_t)-1);
    ft_log_free(&a);
    ft_log_free(&b);

    h2c_frame_parser_free(p);
    h2t_guard_free(in, n);
    free(wire);
    free(again);
}

/* _i = type index; every flag combination, a few payload shapes each */
START_TEST(every_type_and_flags)
{
    for (unsigned flags = 0; flags < 256; flags++)
        for (unsigned variant = 0; variant < 4; variant++)
            round_trip_one(types[_i], (uint8_t)flags, variant);
}
END_TEST

/* Every capacity below the size: BUFFER_TOO_SMALL, nothing written, the
 * size reported. */
START_TEST(buffer_too_small)
{
    h2c_frame f;
    build(&f, H2C_FRAME_TYPE_HEADERS,
          H2C_FRAME_FLAG_PADDED | H2C_FRAME_FLAG_PRIORITY | H2C_FRAME_FLAG_END_HEADERS, 4);
    size_t n = h2c_frame_serialize_bound(&f);
    uint8_t buf[512];
    ck_assert_uint_lt(n, sizeof buf);
    for (size_t cap = 0; cap < n; cap++) {
        size_t w = 0;
        memset(buf, 0xa5, sizeof buf);
        ck_assert_int_eq(h2c_frame_serialize(&f, buf, cap, &w), H2C_E_BUFFER_TOO_SMALL);
        ck_assert_uint_eq(w, n);
        for (size_t i = 0; i < sizeof buf; i++)
            ck_assert_uint_eq(buf[i], 0xa5);
    }
    size_t w;
    ck_assert_int_eq(h2c_frame_serialize(&f, NULL, 0, &w), H2C_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(w, n);
    ck_assert_int_eq(h2c_frame_serialize(&f, buf, n, &w), 0);
    /* padding octets are zero */
    ck_assert_uint_eq(buf[9], f.pad_length);
    for (size_t i = n - f.pad_length; i < n; i++)
        ck_assert_uint_eq(buf[i], 0);
}
END_TEST

START_TEST(unencodable)
{
    h2c_frame f;
    size_t w;
    uint8_t buf[64];
    h2c_frame_init(&f, H2C_FRAME_TYPE_DATA, 0, 0x80000000u);
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);
    ck_assert_int_eq(h2c_frame_serialize(&f, buf, sizeof buf, &w), H2C_E_INVALID_ARGUMENT);

    h2c_frame_init(&f, H2C_FRAME_TYPE_DATA, 0, 1);
    f.u.data.data.ptr = text;
    f.u.data.data.len = H2C_FRAME_MAX_FRAME_SIZE_MAX + 1;
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);
    f.u.data.data.len = H2C_FRAME_MAX_FRAME_SIZE_MAX - 1;
    f.hd.flags = H2C_FRAME_FLAG_PADDED; /* + Pad Length: exactly the largest */
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 9 + H2C_FRAME_MAX_FRAME_SIZE_MAX);
    f.pad_length = 1; /* + one octet of padding: too long */
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);
    f.hd.flags = 0;
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 9 + H2C_FRAME_MAX_FRAME_SIZE_MAX - 1);

    h2c_frame_init(&f, H2C_FRAME_TYPE_DATA, 0, 1);
    f.u.data.data.len = 3; /* NULL with a length */
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);

    h2c_frame_init(&f, H2C_FRAME_TYPE_WINDOW_UPDATE, 0, 1);
    f.u.window_update.increment = 0x80000000u;
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);
    h2c_frame_init(&f, H2C_FRAME_TYPE_PRIORITY, 0, 1);
    f.u.priority.priority.dependency = 0x80000000u;
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);
    h2c_frame_init(&f, H2C_FRAME_TYPE_PUSH_PROMISE, 0, 1);
    f.u.push_promise.promised_stream_id = 0x80000000u;
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);
    h2c_frame_init(&f, H2C_FRAME_TYPE_GOAWAY, 0, 0);
    f.u.goaway.last_stream_id = 0x80000000u;
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);
    h2c_frame_init(&f, H2C_FRAME_TYPE_PRIORITY_UPDATE, 0, 0);
    f.u.priority_update.prioritized_stream_id = 0x80000000u;
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);
    h2c_frame_init(&f, H2C_FRAME_TYPE_ALTSVC, 0, 0);
    f.u.altsvc.origin.ptr = text;
    f.u.altsvc.origin.len = 0x10000;
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);
    h2c_view big[1] = { { text, 0x10000 } };
    h2c_frame_init(&f, H2C_FRAME_TYPE_ORIGIN, 0, 0);
    f.u.origin.list = big;
    f.u.origin.count = 1;
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);
    h2c_frame_init(&f, H2C_FRAME_TYPE_SETTINGS, 0, 0);
    f.u.settings.list = settings;
    f.u.settings.count = H2C_FRAME_MAX_FRAME_SIZE_MAX / 6 + 1;
    ck_assert_uint_eq(h2c_frame_serialize_bound(&f), 0);

    ck_assert_uint_eq(h2c_frame_serialize_bound(NULL), 0);
    ck_assert_int_eq(h2c_frame_serialize(NULL, buf, sizeof buf, &w), H2C_E_INVALID_ARGUMENT);
    h2c_frame_init(&f, H2C_FRAME_TYPE_PING, 0, 0);
    ck_assert_int_eq(h2c_frame_serialize(&f, buf, sizeof buf, NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_serialize(&f, NULL, 17, &w), H2C_E_INVALID_ARGUMENT);

    /* header pack/unpack */
    h2c_frame_header hd = { H2C_FRAME_MAX_FRAME_SIZE_MAX, 0xfe, 0xef, H2C_FRAME_MAX_31BIT }, back;
    ck_assert_int_eq(h2c_frame_header_pack(&hd, buf), 0);
    ck_assert_uint_eq(buf[5] & 0x80, 0);
    buf[5] |= 0x80; /* the reserved bit is ignored on receipt */
    h2c_frame_header_unpack(buf, &back);
    /* Member by member: the struct has padding, which unpack need not write. */
    ck_assert_uint_eq(back.length, hd.length);
    ck_assert_uint_eq(back.type, hd.type);
    ck_assert_uint_eq(back.flags, hd.flags);
    ck_assert_uint_eq(back.stream_id, hd.stream_id);
    hd.length++;
    ck_assert_int_eq(h2c_frame_header_pack(&hd, buf), H2C_E_INVALID_ARGUMENT);
    hd.length--;
    hd.stream_id++;
    ck_assert_int_eq(h2c_frame_header_pack(&hd, buf), H2C_E_INVALID_ARGUMENT);
}
END_TEST

/* Field blocks of many sizes, split at several frame sizes, first frames
 * with and without padding and priority: frames obey the size, END_HEADERS
 * only on the last, and the assembler gives the block back. */
START_TEST(header_block_split)
{
    static const size_t sizes[] = { 0, 1, 100, 16384 - 6 - 1, 16384 - 6, 16384 - 5, 16384, 16385,
                                    32768, 50000, 200000 };
    static const uint32_t maxes[] = { 16384, 16385, 20000, 65536, H2C_FRAME_MAX_FRAME_SIZE_MAX };
    uint8_t *block = malloc(200000);
    for (size_t i = 0; i < 200000; i++)
        block[i] = (uint8_t)(i * 131 + 7);
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        for (size_t mi = 0; mi < sizeof maxes / sizeof maxes[0]; mi++) {
            for (int kind = 0; kind < 4; kind++) {
                h2c_frame first;
                uint8_t fl = H2C_FRAME_FLAG_END_STREAM;
                if (kind & 1)
                    fl |= H2C_FRAME_FLAG_PADDED;
                if (kind & 2)
                    fl |= H2C_FRAME_FLAG_PRIORITY;
                int pp = kind == 3;
                h2c_frame_init(&first, pp ? H2C_FRAME_TYPE_PUSH_PROMISE : H2C_FRAME_TYPE_HEADERS,
                               pp ? H2C_FRAME_FLAG_PADDED : fl, 5);
                first.pad_length = 200;
                first.u.headers.priority.dependency = 3;
                first.u.headers.priority.weight = 9;
                h2c_view frag = { sizes[si] ? block : NULL, sizes[si] };
                if (pp) {
                    first.u.push_promise.promised_stream_id = 8;
                    first.u.push_promise.fragment = frag;
                } else {
                    first.u.headers.fragment = frag;
                }
                uint32_t max = maxes[mi];
                size_t n = h2c_frame_header_block_bound(&first, max);
                ck_assert_uint_gt(n, 0);
                uint8_t *out = malloc(n);
                size_t w;
                if (n > 1)
                    ck_assert_int_eq(h2c_frame_serialize_header_block(&first, max, out, n - 1, &w),
                                     H2C_E_BUFFER_TOO_SMALL);
                ck_assert_int_eq(h2c_frame_serialize_header_block(&first, max, out, n, &w), 0);
                ck_assert_uint_eq(w, n);

                /* parse with a parser that accepts max, assemble with JOIN */
                h2c_frame_parser_options po;
                h2c_frame_parser_options_init(&po);
                po.max_frame_size = max;
                h2c_frame_assembler_options ao;
                h2c_frame_assembler_options_init(&ao);
                ao.flags = H2C_FRAME_ASSEMBLER_JOIN;
                ao.max_block_size = 1 << 20;
                h2c_frame_parser *p;
                h2c_frame_assembler *a;
                ck_assert_int_eq(h2c_frame_parser_new(&p, &po), 0);
                ck_assert_int_eq(h2c_frame_assembler_new(&a, &ao), 0);
                size_t off = 0, used, frames = 0;
                int rc, ended = 0;
                h2c_frame_event ev;
                while ((rc = h2c_frame_parser_push(p, out + off, n - off, &used, &ev)) != 0) {
                    off += used;
                    ck_assert_int_eq(rc, H2C_FRAME_EV_FRAME);
                    ck_assert_uint_le(ev.frame.hd.length, max);
                    ck_assert_int_eq(ended, 0);
                    if (frames == 0) {
                        ck_assert_uint_eq(ev.frame.hd.type, first.hd.type);
                        ck_assert_uint_eq(ev.frame.hd.flags & ~H2C_FRAME_FLAG_END_HEADERS,
                                          first.hd.flags);
                        ck_assert_uint_eq(ev.frame.pad_length,
                                          first.hd.flags & H2C_FRAME_FLAG_PADDED ? 200 : 0);
                    } else {
                        ck_assert_uint_eq(ev.frame.hd.type, H2C_FRAME_TYPE_CONTINUATION);
                        ck_assert_uint_eq(ev.frame.hd.flags & ~H2C_FRAME_FLAG_END_HEADERS, 0);
                        ck_assert_uint_gt(ev.frame.hd.length, 0);
                    }
                    ck_assert_uint_eq(ev.frame.hd.stream_id, 5);
                    frames++;
                    h2c_frame_block b;
                    int arc = h2c_frame_assembler_push(a, &ev.frame, &b);
                    if (ev.frame.hd.flags & H2C_FRAME_FLAG_END_HEADERS) {
                        ck_assert_int_eq(arc, H2C_FRAME_EV_BLOCK_END);
                        ck_assert_uint_eq(b.block.len, sizes[si]);
                        ck_assert(sizes[si] == 0 || memcmp(b.block.ptr, block, sizes[si]) == 0);
                        ck_assert_uint_eq(b.size, sizes[si]);
                        ck_assert_uint_eq(b.continuations, frames - 1);
                        ended = 1;
                    } else {
                        ck_assert_int_eq(arc, H2C_FRAME_EV_FRAGMENT);
                        /* every frame but the last is full */
                        ck_assert_uint_eq(ev.frame.hd.length, max);
                    }
                }
                ck_assert_int_eq(ended, 1);
                ck_assert_uint_eq(off + used, n);
                h2c_frame_parser_free(p);
                h2c_frame_assembler_free(a);
                free(out);
            }
        }
    }
    /* bad arguments */
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_DATA, 0, 1);
    ck_assert_uint_eq(h2c_frame_header_block_bound(&f, 16384), 0);
    h2c_frame_init(&f, H2C_FRAME_TYPE_HEADERS, 0, 1);
    ck_assert_uint_eq(h2c_frame_header_block_bound(&f, 16383), 0);
    ck_assert_uint_eq(h2c_frame_header_block_bound(&f, H2C_FRAME_MAX_FRAME_SIZE_MAX + 1), 0);
    ck_assert_uint_eq(h2c_frame_header_block_bound(&f, 16384), 9);
    size_t w;
    ck_assert_int_eq(h2c_frame_serialize_header_block(&f, 100, block, 100, &w),
                     H2C_E_INVALID_ARGUMENT);
    free(block);
}
END_TEST

START_TEST(accessors)
{
    h2c_frame f;
    h2c_frame_setting s;
    h2c_frame_init(&f, H2C_FRAME_TYPE_SETTINGS, 0, 0);
    f.u.settings.list = settings;
    f.u.settings.count = 4;
    ck_assert_int_eq(h2c_frame_settings_get(&f, 3, &s), 0);
    ck_assert_uint_eq(s.id, 0x4242);
    ck_assert_uint_eq(s.value, 0xdeadbeef);
    ck_assert_int_eq(h2c_frame_settings_get(&f, 4, &s), H2C_E_INVALID_ARGUMENT);
    static const uint8_t raw[] = { 0, 5, 0, 1, 0, 0, 0, 9, 0, 0, 0, 1 };
    f.u.settings.list = NULL;
    f.u.settings.raw.ptr = raw;
    f.u.settings.raw.len = sizeof raw;
    f.u.settings.count = 2;
    ck_assert_int_eq(h2c_frame_settings_get(&f, 1, &s), 0);
    ck_assert_uint_eq(s.id, H2C_FRAME_SETTINGS_NO_RFC7540_PRIORITIES);
    ck_assert_uint_eq(s.value, 1);
    f.u.settings.count = 3; /* count past raw: refused, not read */
    ck_assert_int_eq(h2c_frame_settings_get(&f, 2, &s), H2C_E_INVALID_ARGUMENT);
    f.hd.type = H2C_FRAME_TYPE_PING;
    ck_assert_int_eq(h2c_frame_settings_get(&f, 0, &s), H2C_E_INVALID_ARGUMENT);

    /* ORIGIN raw list that does not parse ends the walk */
    static const uint8_t oraw[] = { 0, 1, 'a', 0, 9, 'b' };
    h2c_frame_init(&f, H2C_FRAME_TYPE_ORIGIN, 0, 0);
    f.u.origin.raw.ptr = oraw;
    f.u.origin.raw.len = sizeof oraw;
    size_t pos = 0;
    h2c_view o;
    ck_assert_int_eq(h2c_frame_origin_next(&f, &pos, &o), 1);
    ck_assert_uint_eq(o.len, 1);
    ck_assert_int_eq(h2c_frame_origin_next(&f, &pos, &o), 0);
    ck_assert_int_eq(h2c_frame_origin_next(NULL, &pos, &o), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("frame_roundtrip");
    TCase *tc = tcase_create("roundtrip");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, every_type_and_flags, 0, (int)NTYPES);
    tcase_add_test(tc, buffer_too_small);
    tcase_add_test(tc, unencodable);
    tcase_add_test(tc, header_block_split);
    tcase_add_test(tc, accessors);
    suite_add_tcase(s, tc);
    return ft_run_suite(s);
}
