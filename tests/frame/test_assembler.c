/* SPDX-License-Identifier: MIT */
/*
 * Header-block assembler: sequencing (4.3, 6.2, 6.10), JOIN, flood limits
 * (CVE-2024-27316 and siblings: hundreds of thousands of empty
 * CONTINUATIONs, megabytes of CONTINUATION payload), bounded memory,
 * allocation failure and sticky errors.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/frame.h>

#include "frame_util.h"
#include "testutil.h"

/* Append one frame to a growing byte string. */
typedef struct bytes {
    uint8_t *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, uint8_t type, uint8_t flags, uint32_t sid, const void *payload,
                size_t len)
{
    if (b->n + 9 + len > b->cap) {
        b->cap = (b->n + 9 + len) * 2;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    h2c_frame_header hd = { (uint32_t)len, type, flags, sid };
    ck_assert_int_eq(h2c_frame_header_pack(&hd, b->p + b->n), 0);
    if (len)
        memcpy(b->p + b->n + 9, payload, len);
    b->n += 9 + len;
}

/* Result of running bytes through parser + assembler. */
typedef struct outcome {
    int rc;               /* first negative rc (parser or assembler), or 0 */
    h2c_error err;  /* its error */
    h2c_frame_header hd;   /* the offending frame's header */
    uint64_t frame_offset; /* and its connection offset */
    size_t consumed;      /* parser octets consumed when it stopped */
    int blocks;           /* EV_BLOCK_END seen */
    int fragments;        /* EV_FRAGMENT + EV_BLOCK_END seen */
    size_t last_block_len;
    uint8_t *joined;      /* copy of the last joined block */
    uint32_t last_promised;
    uint32_t last_continuations;
} outcome;

static void run(const uint8_t *in, size_t len, size_t chunk, const h2c_frame_parser_options *po,
                const h2c_frame_assembler_options *ao, outcome *o)
{
    memset(o, 0, sizeof *o);
    h2c_frame_parser *p;
    h2c_frame_assembler *a;
    ck_assert_int_eq(h2c_frame_parser_new(&p, po), 0);
    ck_assert_int_eq(h2c_frame_assembler_new(&a, ao), 0);
    size_t off = 0;
    while (off < len && o->rc == 0) {
        size_t end = chunk && len - off > chunk ? off + chunk : len;
        size_t used;
        h2c_frame_event ev;
        int rc = h2c_frame_parser_push(p, in + off, end - off, &used, &ev);
        off += used;
        if (rc == H2C_OK)
            continue;
        if (rc < 0) {
            o->rc = rc;
            o->err = ev.error;
            o->hd = ev.frame.hd;
            o->frame_offset = ev.frame.offset;
            break;
        }
        h2c_frame_block b;
        int arc = h2c_frame_assembler_push(a, &ev.frame, &b);
        if (arc < 0) {
            o->rc = arc;
            ck_assert_int_eq(h2c_frame_assembler_error(a, &o->err), arc);
            o->hd = ev.frame.hd;
            o->frame_offset = ev.frame.offset;
            /* found at the frame's first octet */
            ck_assert_uint_eq(o->err.offset, ev.frame.offset);
            /* sticky */
            ck_assert_int_eq(h2c_frame_assembler_push(a, &ev.frame, &b), arc);
            break;
        }
        if (arc > 0) {
            o->fragments++;
            ck_assert_uint_eq(b.end, arc == H2C_FRAME_EV_BLOCK_END);
        }
        if (arc == H2C_FRAME_EV_BLOCK_END) {
            o->blocks++;
            o->last_block_len = b.block.len;
            o->last_promised = b.promised_stream_id;
            o->last_continuations = b.continuations;
            free(o->joined);
            o->joined = malloc(b.block.len + 1);
            if (b.block.len)
                memcpy(o->joined, b.block.ptr, b.block.len);
        }
    }
    o->consumed = off;
    h2c_frame_parser_free(p);
    h2c_frame_assembler_free(a);
}

static void run_default(const bytes *b, outcome *o)
{
    run(b->p, b->n, 0, NULL, NULL, o);
}

static void expect_conn(const outcome *o, int status, uint32_t h2, uint32_t sid)
{
    ck_assert_msg(o->rc == status, "rc %s, want %s", h2c_status_name(o->rc),
                  h2c_status_name(status));
    ck_assert_int_eq(o->err.status, status);
    ck_assert_uint_eq(o->err.h2_error, h2);
    ck_assert_int_eq(o->err.scope, H2C_SCOPE_CONNECTION);
    ck_assert_uint_eq(o->err.stream_id, sid);
}

START_TEST(sequencing_errors)
{
    static const uint8_t frag[] = { 0x82, 0x86 };
    static const uint8_t ping[8] = { 0 };
    static const uint8_t prio[5] = { 0, 0, 0, 0, 16 };
    static const uint8_t wu[4] = { 0, 0, 1, 0 };
    outcome o;
    struct {
        uint8_t type, flags;
        uint32_t sid;
        const void *pl;
        size_t len;
        int status;
        uint32_t err_sid;
    } cases[] = {
        /* after an open HEADERS block on stream 1 */
        { H2C_FRAME_TYPE_DATA, 0, 1, frag, 2, H2C_FRAME_E_CONTINUATION_EXPECTED, 1 },
        { H2C_FRAME_TYPE_CONTINUATION, 4, 3, frag, 2, H2C_FRAME_E_CONTINUATION_EXPECTED, 3 },
        { H2C_FRAME_TYPE_PRIORITY, 0, 1, prio, 5, H2C_FRAME_E_CONTINUATION_EXPECTED, 1 },
        { H2C_FRAME_TYPE_HEADERS, 4, 1, frag, 2, H2C_FRAME_E_CONTINUATION_EXPECTED, 1 },
        { H2C_FRAME_TYPE_HEADERS, 4, 3, frag, 2, H2C_FRAME_E_CONTINUATION_EXPECTED, 3 },
        { H2C_FRAME_TYPE_PING, 0, 0, ping, 8, H2C_FRAME_E_CONTINUATION_EXPECTED, 0 },
        { H2C_FRAME_TYPE_WINDOW_UPDATE, 0, 0, wu, 4, H2C_FRAME_E_CONTINUATION_EXPECTED, 0 },
        { 0x42, 0, 0, frag, 2, H2C_FRAME_E_CONTINUATION_EXPECTED, 0 }, /* 5.5: extensions too */
        { H2C_FRAME_TYPE_ALTSVC, 0, 1, frag, 1, H2C_FRAME_E_CONTINUATION_EXPECTED, 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int pp = 0; pp <= 1; pp++) {
            bytes b = { 0 };
            if (pp) {
                static const uint8_t ppl[] = { 0, 0, 0, 2, 0x82 };
                put(&b, H2C_FRAME_TYPE_PUSH_PROMISE, 0, 1, ppl, sizeof ppl);
            } else {
                put(&b, H2C_FRAME_TYPE_HEADERS, H2C_FRAME_FLAG_END_STREAM, 1, frag, 2);
            }
            size_t at = b.n;
            put(&b, cases[i].type, cases[i].flags, cases[i].sid, cases[i].pl, cases[i].len);
            run_default(&b, &o);
            expect_conn(&o, cases[i].status, H2C_H2_PROTOCOL_ERROR, cases[i].err_sid);
            ck_assert_uint_eq(o.frame_offset, at);
            ck_assert_uint_eq(o.hd.type, cases[i].type);
            free(b.p);
            free(o.joined);
        }
    }

    /* CONTINUATION with no block open: first frame, or after END_HEADERS */
    bytes b = { 0 };
    put(&b, H2C_FRAME_TYPE_CONTINUATION, 4, 1, frag, 2);
    run_default(&b, &o);
    expect_conn(&o, H2C_FRAME_E_CONTINUATION_UNEXPECTED, H2C_H2_PROTOCOL_ERROR, 1);
    b.n = 0;
    put(&b, H2C_FRAME_TYPE_HEADERS, 4, 1, frag, 2);
    put(&b, H2C_FRAME_TYPE_CONTINUATION, 0, 1, frag, 2);
    run_default(&b, &o);
    expect_conn(&o, H2C_FRAME_E_CONTINUATION_UNEXPECTED, H2C_H2_PROTOCOL_ERROR, 1);
    ck_assert_uint_eq(o.frame_offset, 11);
    ck_assert_int_eq(o.blocks, 1);
    free(o.joined);
    free(b.p);
}
END_TEST

START_TEST(blocks_and_join)
{
    static const uint8_t f1[] = { 1, 2, 3 }, f2[] = { 4, 5 }, f3[] = { 6 };
    h2c_frame_assembler_options ao;
    h2c_frame_assembler_options_init(&ao);
    ao.flags = H2C_FRAME_ASSEMBLER_JOIN;
    outcome o;
    bytes b = { 0 };
    /* HEADERS + CONTINUATION + empty CONTINUATION + CONTINUATION(END) on 3,
     * then DATA (passes), then PUSH_PROMISE(END) with promised 4 */
    put(&b, H2C_FRAME_TYPE_HEADERS, H2C_FRAME_FLAG_END_STREAM, 3, f1, 3);
    put(&b, H2C_FRAME_TYPE_CONTINUATION, 0, 3, f2, 2);
    put(&b, H2C_FRAME_TYPE_CONTINUATION, 0, 3, NULL, 0);
    put(&b, H2C_FRAME_TYPE_CONTINUATION, H2C_FRAME_FLAG_END_HEADERS, 3, f3, 1);
    run(b.p, b.n, 0, NULL, &ao, &o);
    ck_assert_int_eq(o.rc, 0);
    ck_assert_int_eq(o.blocks, 1);
    ck_assert_int_eq(o.fragments, 4);
    ck_assert_uint_eq(o.last_block_len, 6);
    ck_assert_uint_eq(o.last_continuations, 3);
    ck_assert_int_eq(memcmp(o.joined, "\1\2\3\4\5\6", 6), 0);
    free(o.joined);
    /* same, cut into single octets */
    run(b.p, b.n, 1, NULL, &ao, &o);
    ck_assert_int_eq(o.blocks, 1);
    ck_assert_int_eq(memcmp(o.joined, "\1\2\3\4\5\6", 6), 0);
    free(o.joined);

    static const uint8_t ppl[] = { 0, 0, 0, 4, 9, 9 };
    put(&b, H2C_FRAME_TYPE_DATA, 0, 3, f1, 3);
    put(&b, H2C_FRAME_TYPE_PUSH_PROMISE, H2C_FRAME_FLAG_END_HEADERS, 3, ppl, sizeof ppl);
    run(b.p, b.n, 0, NULL, &ao, &o);
    ck_assert_int_eq(o.rc, 0);
    ck_assert_int_eq(o.blocks, 2);
    ck_assert_uint_eq(o.last_promised, 4);
    ck_assert_uint_eq(o.last_block_len, 2);
    ck_assert_int_eq(memcmp(o.joined, "\11\11", 2), 0);
    free(o.joined);
    free(b.p);

    /* Direct use: single-frame block in JOIN mode is the fragment itself
     * (no copy); fields of the opening frame are reported. */
    h2c_frame_assembler *a;
    ck_assert_int_eq(h2c_frame_assembler_new(&a, &ao), 0);
    h2c_frame f;
    h2c_frame_block blk;
    h2c_frame_init(&f, H2C_FRAME_TYPE_HEADERS,
                   H2C_FRAME_FLAG_END_HEADERS | H2C_FRAME_FLAG_END_STREAM, 7);
    f.u.headers.fragment.ptr = f1;
    f.u.headers.fragment.len = 3;
    ck_assert_int_eq(h2c_frame_assembler_open_stream(a), 0);
    ck_assert_int_eq(h2c_frame_assembler_push(a, &f, &blk), H2C_FRAME_EV_BLOCK_END);
    ck_assert_ptr_eq(blk.block.ptr, f1);
    ck_assert_ptr_eq(blk.fragment.ptr, f1);
    ck_assert_uint_eq(blk.stream_id, 7);
    ck_assert_uint_eq(blk.type, H2C_FRAME_TYPE_HEADERS);
    ck_assert_uint_eq(blk.flags, H2C_FRAME_FLAG_END_HEADERS | H2C_FRAME_FLAG_END_STREAM);
    /* open a block and look at it */
    f.hd.flags = 0;
    ck_assert_int_eq(h2c_frame_assembler_push(a, &f, &blk), H2C_FRAME_EV_FRAGMENT);
    ck_assert_uint_eq(h2c_frame_assembler_open_stream(a), 7);
    /* non-block frames pass when no block is open, after reset */
    h2c_frame_assembler_reset(a);
    ck_assert_uint_eq(h2c_frame_assembler_open_stream(a), 0);
    h2c_frame_init(&f, H2C_FRAME_TYPE_PING, 0, 0);
    ck_assert_int_eq(h2c_frame_assembler_push(a, &f, &blk), H2C_OK);
    const h2c_frame_assembler_stats *st = h2c_frame_assembler_stats_get(a);
    ck_assert_uint_eq(st->blocks, 0);
    ck_assert_int_eq(h2c_frame_assembler_push(NULL, &f, &blk), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_assembler_push(a, NULL, &blk), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_assembler_push(a, &f, NULL), H2C_E_INVALID_ARGUMENT);
    h2c_frame_assembler_free(a);
    h2c_frame_assembler_free(NULL);

    ao.max_block_size = 0;
    ck_assert_int_eq(h2c_frame_assembler_new(&a, &ao), H2C_E_INVALID_ARGUMENT);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(h2c_frame_assembler_new(NULL, NULL), H2C_E_INVALID_ARGUMENT);
    h2c_frame_assembler_options_init(&ao);
    ck_assert_uint_eq(ao.max_continuations, 32);
    ck_assert_uint_eq(ao.max_block_size, 131072);
    ck_assert_uint_eq(ao.flags, 0);
    ck_assert_ptr_null(ao.allocator);
}
END_TEST

/* A block opened by a HEADERS frame reported as a stream error (it depends
 * on itself) still continues: HPACK must see its fragments. */
START_TEST(stream_error_keeps_block)
{
    static const uint8_t hp[] = { 0, 0, 0, 1, 16, 0x82 };
    bytes b = { 0 };
    put(&b, H2C_FRAME_TYPE_HEADERS, H2C_FRAME_FLAG_PRIORITY, 1, hp, sizeof hp);
    put(&b, H2C_FRAME_TYPE_CONTINUATION, H2C_FRAME_FLAG_END_HEADERS, 1, hp + 5, 1);
    outcome o;
    run_default(&b, &o);
    ck_assert_int_eq(o.rc, 0);
    ck_assert_int_eq(o.blocks, 1);
    free(o.joined);
    /* an oversized DATA (stream error, payload skipped) inside a block is
     * still a frame other than CONTINUATION */
    b.n = 0;
    put(&b, H2C_FRAME_TYPE_HEADERS, 0, 1, hp + 5, 1);
    h2c_frame_header big = { 16385, H2C_FRAME_TYPE_DATA, 0, 1 };
    b.p = realloc(b.p, b.n + 9);
    h2c_frame_header_pack(&big, b.p + b.n);
    b.n += 9;
    run_default(&b, &o);
    expect_conn(&o, H2C_FRAME_E_CONTINUATION_EXPECTED, H2C_H2_PROTOCOL_ERROR, 1);
    free(b.p);
}
END_TEST

/* 300,000 empty CONTINUATION frames: refused at the 33rd, after reading a
 * few hundred octets. */
START_TEST(empty_continuation_flood)
{
    const size_t n = 300000;
    bytes b = { 0 };
    b.cap = 10 + 9 * n + 9;
    b.p = malloc(b.cap);
    put(&b, H2C_FRAME_TYPE_HEADERS, 0, 1, "\x82", 1);
    for (size_t i = 0; i < n; i++)
        put(&b, H2C_FRAME_TYPE_CONTINUATION, 0, 1, NULL, 0);
    put(&b, H2C_FRAME_TYPE_CONTINUATION, H2C_FRAME_FLAG_END_HEADERS, 1, NULL, 0);
    outcome o;
    run(b.p, b.n, 4096, NULL, NULL, &o);
    expect_conn(&o, H2C_FRAME_E_CONTINUATION_FLOOD, H2C_H2_ENHANCE_YOUR_CALM, 1);
    ck_assert_uint_eq(o.frame_offset, 10 + 32 * 9); /* the 33rd */
    ck_assert_uint_le(o.consumed, 4096);                /* stopped within the first chunk */

    /* the limit is configurable: 0 refuses the first CONTINUATION ... */
    h2c_frame_assembler_options ao;
    h2c_frame_assembler_options_init(&ao);
    ao.max_continuations = 0;
    run(b.p, b.n, 0, NULL, &ao, &o);
    expect_conn(&o, H2C_FRAME_E_CONTINUATION_FLOOD, H2C_H2_ENHANCE_YOUR_CALM, 1);
    ck_assert_uint_eq(o.frame_offset, 10);
    /* ... and a limit above the count lets the whole block through (with
     * the parser's own empty-frame limit off: it would stop at 10001) */
    ao.max_continuations = (uint32_t)n + 1;
    h2c_frame_parser_options po;
    h2c_frame_parser_options_init(&po);
    po.max_empty_frames = 0;
    run(b.p, b.n, 0, &po, &ao, &o);
    ck_assert_int_eq(o.rc, 0);
    ck_assert_int_eq(o.blocks, 1);
    ck_assert_uint_eq(o.last_continuations, n + 1);
    free(o.joined);

    /* The parser counts them for the stack (CVE-2019-9518) and caps them
     * itself: at H2C_FRAME_DEFAULT_MAX_EMPTY_FRAMES by default. */
    run(b.p, b.n, 0, NULL, &ao, &o);
    expect_conn(&o, H2C_FRAME_E_EMPTY_FRAMES, H2C_H2_ENHANCE_YOUR_CALM, 1);
    ck_assert_uint_eq(o.frame_offset, 10 + (uint64_t)H2C_FRAME_DEFAULT_MAX_EMPTY_FRAMES * 9);
    h2c_frame_parser *p;
    ck_assert_int_eq(h2c_frame_parser_new(&p, &po), 0);
    size_t off = 0, used;
    h2c_frame_event ev;
    int rc;
    while ((rc = h2c_frame_parser_push(p, b.p + off, b.n - off, &used, &ev)) > 0)
        off += used;
    ck_assert_int_eq(rc, 0);
    const h2c_frame_parser_stats *st = h2c_frame_parser_stats_get(p);
    ck_assert_uint_eq(st->empty_continuation, n + 1);
    ck_assert_uint_eq(st->by_type[H2C_FRAME_TYPE_CONTINUATION], n + 1);
    ck_assert_uint_eq(st->frames, n + 2);
    ck_assert_uint_eq(st->octets, b.n);
    h2c_frame_parser_free(p);

    po.max_empty_frames = 1000;
    run(b.p, b.n, 0, &po, &ao, &o);
    expect_conn(&o, H2C_FRAME_E_EMPTY_FRAMES, H2C_H2_ENHANCE_YOUR_CALM, 1);
    ck_assert_uint_eq(o.frame_offset, 10 + 1000 * 9); /* the 1001st */
    free(b.p);
}
END_TEST

/* Megabytes of CONTINUATION payload: refused as soon as the block passes
 * max_block_size, with memory bounded by the limits, not the input. */
START_TEST(continuation_payload_flood)
{
    const size_t frame = 16384, count = 256; /* 4 MiB */
    uint8_t *chunk = malloc(frame);
    memset(chunk, 0x41, frame);
    bytes b = { 0 };
    put(&b, H2C_FRAME_TYPE_HEADERS, 0, 1, chunk, frame);
    for (size_t i = 0; i < count; i++)
        put(&b, H2C_FRAME_TYPE_CONTINUATION, 0, 1, chunk, frame);
    for (int join = 0; join <= 1; join++) {
        h2t_failalloc fa = { 0 };
        h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, &fa };
        h2c_frame_parser_options po;
        h2c_frame_parser_options_init(&po);
        po.allocator = &al;
        h2c_frame_assembler_options ao;
        h2c_frame_assembler_options_init(&ao);
        ao.allocator = &al;
        ao.max_continuations = 1000;
        ao.flags = join ? H2C_FRAME_ASSEMBLER_JOIN : 0;
        outcome o;
        run(b.p, b.n, 1000, &po, &ao, &o); /* straddling frames: the parser buffers */
        expect_conn(&o, H2C_FRAME_E_BLOCK_SIZE, H2C_H2_ENHANCE_YOUR_CALM, 1);
        /* 16384 + 7 * 16384 = 131072 is the limit; the 8th CONTINUATION fails */
        ck_assert_uint_eq(o.frame_offset, 8 * (9 + frame));
        ck_assert_uint_le(o.consumed, 9 * (9 + frame));
        /* parser buffer + contexts, and the JOIN buffer: it doubles up to
         * max_block_size, so old and new coexist at 1.5 x the limit */
        size_t bound = frame + 4096 + (join ? ao.max_block_size / 2 * 3 : 0);
        ck_assert_msg(fa.peak_bytes <= bound, "peak %zu > %zu", fa.peak_bytes, bound);
        ck_assert_int_eq(fa.live, 0);
        free(o.joined);
    }
    /* exactly at the limit is fine */
    b.n = 0;
    put(&b, H2C_FRAME_TYPE_HEADERS, 0, 1, chunk, frame);
    for (size_t i = 0; i < 7; i++)
        put(&b, H2C_FRAME_TYPE_CONTINUATION, i == 6 ? H2C_FRAME_FLAG_END_HEADERS : 0, 1, chunk,
            frame);
    h2c_frame_assembler_options ao;
    h2c_frame_assembler_options_init(&ao);
    ao.flags = H2C_FRAME_ASSEMBLER_JOIN;
    outcome o;
    run(b.p, b.n, 0, NULL, &ao, &o);
    ck_assert_int_eq(o.rc, 0);
    ck_assert_uint_eq(o.last_block_len, 131072);
    free(o.joined);
    /* a single HEADERS over the limit */
    ao.max_block_size = frame - 1;
    b.n = 0;
    put(&b, H2C_FRAME_TYPE_HEADERS, H2C_FRAME_FLAG_END_HEADERS, 1, chunk, frame);
    run(b.p, b.n, 0, NULL, &ao, &o);
    expect_conn(&o, H2C_FRAME_E_BLOCK_SIZE, H2C_H2_ENHANCE_YOUR_CALM, 1);
    ck_assert_uint_eq(o.frame_offset, 0);
    free(b.p);
    free(chunk);
}
END_TEST

/* Every allocation of the assembler fails in turn: clean NOMEM, no leak. */
START_TEST(allocation_failure)
{
    uint8_t f1[40];
    memset(f1, 7, sizeof f1);
    h2c_frame f;
    h2c_frame_block blk;
    int completed = 0;
    for (unsigned long k = 1; !completed; k++) {
        h2t_failalloc fa = { 0 };
        fa.fail_at = k;
        h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, &fa };
        h2c_frame_assembler_options ao;
        h2c_frame_assembler_options_init(&ao);
        ao.allocator = &al;
        ao.flags = H2C_FRAME_ASSEMBLER_JOIN;
        ao.max_continuations = 1000;
        h2c_frame_assembler *a = (h2c_frame_assembler *)&fa; /* must be reset to NULL */
        int rc = h2c_frame_assembler_new(&a, &ao);
        if (rc == H2C_E_NOMEM) {
            ck_assert_ptr_null(a);
            ck_assert_int_eq(fa.live, 0);
            continue;
        }
        ck_assert_int_eq(rc, 0);
        int failed = 0;
        for (int i = 0; i < 200 && !failed; i++) { /* 8000 octets: the buffer grows 4 times */
            h2c_frame_init(&f, i ? H2C_FRAME_TYPE_CONTINUATION : H2C_FRAME_TYPE_HEADERS,
                           i == 199 ? H2C_FRAME_FLAG_END_HEADERS : 0, 1);
            if (i)
                f.u.continuation.fragment = (h2c_view){ f1, sizeof f1 };
            else
                f.u.headers.fragment = (h2c_view){ f1, sizeof f1 };
            rc = h2c_frame_assembler_push(a, &f, &blk);
            if (rc == H2C_E_NOMEM) {
                h2c_error err;
                ck_assert_int_eq(h2c_frame_assembler_error(a, &err), H2C_E_NOMEM);
                ck_assert_uint_eq(err.h2_error, H2C_H2_INTERNAL_ERROR);
                ck_assert_int_eq(err.scope, H2C_SCOPE_LOCAL);
                ck_assert_int_eq(h2c_frame_assembler_push(a, &f, &blk), H2C_E_NOMEM);
                failed = 1;
            } else {
                ck_assert_int_gt(rc, 0);
            }
        }
        if (!failed) {
            completed = 1;
            ck_assert_uint_eq(fa.calls, 5); /* context + 4 buffer sizes: all were tried */
        }
        h2c_frame_assembler_free(a);
        ck_assert_int_eq(fa.live, 0);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("frame_assembler");
    TCase *tc = tcase_create("assembler");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sequencing_errors);
    tcase_add_test(tc, blocks_and_join);
    tcase_add_test(tc, stream_error_keeps_block);
    tcase_add_test(tc, empty_continuation_flood);
    tcase_add_test(tc, continuation_payload_flood);
    tcase_add_test(tc, allocation_failure);
    suite_add_tcase(s, tc);
    return ft_run_suite(s);
}
