/* SPDX-License-Identifier: MIT */
/*
 * The adversarial catalogue suite.
 *
 *   cases        every catalogue case, through its layer and the pipeline,
 *                whole / 1-octet / 7-octet chunks: the expected error code
 *                and scope (or acceptance), identical at every chunking,
 *                bounded reading and memory where the case says so, the
 *                sticky error on every public call afterwards
 *   index        the catalogue itself: size, classes, unique names
 *   bomb         HPACK bomb: peak memory within the decoder's documented
 *                bound, far below the would-be output
 *   after_error  encoder and NULL-context calls (the decoder, parser,
 *                assembler and pipeline are checked after every fatal case)
 *   truncation   valid header blocks and a valid connection cut at every
 *                octet: decoder, parser (+assembler) and pipeline report
 *                the truncation exactly, never crash
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "conn.h"
#include "testutil.h"

/* ------------------------------------------------------------ cases */

/* Every case, a slice of the classes per test; failures name case and class. */
START_TEST(test_slice)
{
    cat_check_slice((size_t)_i, 0);
}
END_TEST

START_TEST(test_index)
{
    static const char *const required[] = {
        "hpack-bomb",         "continuation-flood",     "settings-flood",
        "zero-length-header", "empty-frame-flood",      "altsvc-length",
        "headers-priority-short", "index-confusion",    "varint-overflow",
        "truncation",         "control-flood",          "huffman",
    };
    size_t n = cat_total();
    ck_assert_uint_ge(n, 80);
    size_t hpack = 0, frames = 0;
    for (size_t i = 0; i < n; i++) {
        const cat_case *c = cat_get(i);
        ck_assert_ptr_nonnull(c);
        ck_assert_msg(c->name && c->cls && c->ref && c->input, "case %zu incomplete", i);
        ck_assert_msg(c->scope >= H2C_SCOPE_NONE && c->scope <= H2C_SCOPE_LOCAL,
                      "%s: scope", c->name);
        /* Accepted means no error code; an error always names its scope. */
        ck_assert_msg((c->scope == H2C_SCOPE_NONE) == (c->h2 == 0 && c->status == 0) ||
                          c->status == H2C_FRAME_E_TRUNCATED,
                      "%s: outcome inconsistent", c->name);
        cat_input in;
        ck_assert_msg(cat_build(c->input, &in) == 0, "%s: bad input", c->name);
        cat_input_free(&in);
        for (size_t j = 0; j < i; j++)
            ck_assert_msg(strcmp(cat_get(j)->name, c->name) != 0, "duplicate name %s", c->name);
        if (c->layer == CAT_HPACK)
            hpack++;
        else
            frames++;
    }
    ck_assert_uint_ge(hpack, 40);
    ck_assert_uint_ge(frames, 40);
    for (size_t r = 0; r < sizeof required / sizeof required[0]; r++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            k += strcmp(cat_get(i)->cls, required[r]) == 0;
        ck_assert_msg(k >= 2, "class %s has %zu cases", required[r], k);
    }
    /* Print the census once, for the record. */
    printf("catalogue: %zu cases (%zu HPACK, %zu frame/pipeline)\n", n, hpack, frames);
}
END_TEST

/* ------------------------------------------------------------ HPACK bomb */

static void bomb(const char *entry, size_t chunk)
{
    /* One 4033-octet entry, then 1000 references: 4 MB if it were output. */
    char notation[128];
    snprintf(notation, sizeof notation, "%s *1000(be)", entry);
    cat_input in;
    ck_assert_int_eq(cat_build(notation, &in), 0);
    h2t_failalloc fa = { 0 };
    h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_string_len = 8192;
    o.allocator = &al;
    h2c_hpack_decoder *dec;
    ck_assert_int_eq(h2c_hpack_decoder_new(&dec, &o), 0);
    size_t off = 0, fields = 0, produced = 0;
    int rc = 0;
    while (off < in.len && rc >= 0) {
        size_t n = chunk && in.len - off > chunk ? chunk : in.len - off, done = 0, used;
        h2c_hpack_field f;
        while ((rc = h2c_hpack_decoder_push(dec, in.buf + off + done, n - done, &used, &f)) ==
               H2C_HPACK_FIELD) {
            done += used;
            fields++;
            produced += f.name.len + f.value.len + 32;
        }
        done += used;
        off += n;
    }
    ck_assert_int_eq(rc, H2C_HPACK_E_LIST_SIZE);
    ck_assert_uint_eq(h2c_status_h2_error(rc), H2C_H2_COMPRESSION_ERROR);
    ck_assert_uint_eq(fields, 16);
    ck_assert_uint_le(produced, o.max_list_size);
    /* hpack.h: at most 2.5 x max_table_size for the table, a scratch of at
     * most 2 x max_string_len + 1 (the previous one briefly held too), about
     * 400 octets for the decoder. */
    size_t bound = o.max_table_size * 5 / 2 + 2 * (2 * o.max_string_len + 1) + 512;
    size_t would_be = 1001 * (size_t)4033;
    ck_assert_msg(fa.peak_bytes <= bound, "peak %zu over the documented %zu", fa.peak_bytes, bound);
    ck_assert_uint_lt(fa.peak_bytes, o.max_list_size);
    ck_assert_uint_lt(fa.peak_bytes * 50, would_be);
    h2c_hpack_decoder_free(dec);
    ck_assert_int_eq(fa.live, 0);
    cat_input_free(&in);
}

START_TEST(test_bomb_peak)
{
    static const char *const entries[] = { "40 01 78 7f a1 1e *4000(61)",
                                           "40 01 78 ff c5 12 *500(18c6318c63)" };
    static const size_t chunks[] = { 0, 1, 7, 1000 };
    for (size_t e = 0; e < 2; e++)
        for (size_t k = 0; k < 4; k++)
            bomb(entries[e], chunks[k]);
}
END_TEST

/* ------------------------------------------------------------ after errors */

START_TEST(test_encoder_after_failure)
{
#define V(s) { (const uint8_t *)(s), sizeof(s) - 1 }
    static const h2c_hpack_field fields[] = {
        { V(":method"), V("GET"), 0, 0, 0, 0 },
        { V("x-long"), V("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
          H2C_HPACK_INDEX_YES, 0, 0, 0 },
        { V("cookie"), V("k=v"), 0, 0, 0, 0 },
    };
#undef V
    const size_t nf = sizeof fields / sizeof fields[0];
    /* One allocator each: enc, which sees every failure, must allocate no
     * more than ref, which only succeeds (the tables grow with use). */
    h2t_failalloc fa = { 0 }, fb = { 0 };
    h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_allocator bl = { h2t_fa_alloc, h2t_fa_free, &fb };
    h2c_hpack_encoder_options o;
    h2c_hpack_encoder_options_init(&o);
    o.allocator = &al;
    o.flags = H2C_HPACK_ENC_FIXED_SEED; /* enc and ref must make the same choices */
    h2c_hpack_encoder *enc, *ref;
    ck_assert_int_eq(h2c_hpack_encoder_new(&enc, &o), 0);
    o.allocator = &bl;
    ck_assert_int_eq(h2c_hpack_encoder_new(&ref, &o), 0);
    uint8_t out[1024], want[1024];
    size_t w = 0, ww = 0;
    h2c_hpack_encoder_set_max_table_size(enc, 2048);
    h2c_hpack_encoder_set_max_table_size(ref, 2048);

    /* Every short buffer fails, changes nothing, and is not sticky. */
    ck_assert_int_eq(h2c_hpack_encoder_encode(ref, fields, nf, want, sizeof want, &ww), 0);
    for (size_t cap = 0; cap < ww; cap++) {
        ck_assert_int_eq(h2c_hpack_encoder_encode(enc, fields, nf, out, cap, &w),
                         H2C_E_BUFFER_TOO_SMALL);
        ck_assert_uint_eq(h2c_hpack_encoder_table_count(enc), 0);
    }
    /* Invalid arguments: refused, nothing changed. */
    h2c_hpack_field bad = fields[0];
    bad.name.ptr = NULL;
    ck_assert_int_eq(h2c_hpack_encoder_encode(enc, &bad, 1, out, sizeof out, &w),
                     H2C_E_INVALID_ARGUMENT);
    bad = fields[0];
    bad.indexing = 9;
    ck_assert_int_eq(h2c_hpack_encoder_encode(enc, &bad, 1, out, sizeof out, &w),
                     H2C_E_INVALID_ARGUMENT);
    bad = fields[0];
    bad.value.len = (size_t)1 << 30;
    ck_assert_int_eq(h2c_hpack_encoder_encode(enc, &bad, 1, out, sizeof out, &w),
                     H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_encoder_encode(enc, NULL, 1, out, sizeof out, &w),
                     H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_encoder_encode(enc, fields, nf, NULL, sizeof out, &w),
                     H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_encoder_encode(enc, fields, nf, out, sizeof out, NULL),
                     H2C_E_INVALID_ARGUMENT);
    /* Still the same encoder: the next block is octet for octet the reference's. */
    ck_assert_int_eq(h2c_hpack_encoder_encode(enc, fields, nf, out, sizeof out, &w), 0);
    ck_assert_uint_eq(w, ww);
    ck_assert(memcmp(out, want, w) == 0);
    ck_assert_int_eq(h2c_hpack_encoder_encode(ref, fields, nf, want, sizeof want, &ww), 0);
    ck_assert_int_eq(h2c_hpack_encoder_encode(enc, fields, nf, out, sizeof out, &w), 0);
    ck_assert(w == ww && memcmp(out, want, w) == 0);
    ck_assert_uint_eq(h2c_hpack_encoder_table_size(enc), h2c_hpack_encoder_table_size(ref));
    ck_assert_uint_le(fa.calls, fb.calls); /* failures cost no extra allocation */
    h2c_hpack_encoder_free(enc);
    h2c_hpack_encoder_free(ref);
    ck_assert_int_eq(fa.live, 0);
    ck_assert_int_eq(fb.live, 0);
}
END_TEST

/* Every public call with a NULL context: refused or harmless, never a crash. */
START_TEST(test_null_contexts)
{
    uint8_t b[16] = { 0 };
    size_t used = 7;
    h2c_hpack_field f;
    ck_assert_int_eq(h2c_hpack_decoder_new(NULL, NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_push(NULL, b, 1, &used, &f), H2C_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(h2c_hpack_decoder_finish(NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(NULL, 1), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_table_get(NULL, 1, &f), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(NULL), H2C_HPACK_DS_ERROR);
    ck_assert_int_ne(h2c_hpack_decoder_error(NULL, NULL), H2C_OK);
    (void)h2t_hpack_error_offset(NULL);
    (void)h2c_hpack_decoder_table_size(NULL);
    (void)h2c_hpack_decoder_table_count(NULL);
    (void)h2c_hpack_decoder_table_max(NULL);
    h2c_hpack_decoder_reset(NULL);
    h2c_hpack_decoder_free(NULL);

    size_t w;
    ck_assert_int_eq(h2c_hpack_encoder_new(NULL, NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_encoder_encode(NULL, &f, 0, b, sizeof b, &w),
                     H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_encoder_set_max_table_size(NULL, 1), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_encoder_table_get(NULL, 1, &f), H2C_E_INVALID_ARGUMENT);
    (void)h2c_hpack_encoder_bound(NULL, NULL, 0);
    (void)h2c_hpack_encoder_table_size(NULL);
    (void)h2c_hpack_encoder_table_count(NULL);
    h2c_hpack_encoder_reset(NULL);
    h2c_hpack_encoder_free(NULL);

    h2c_frame_event ev;
    h2c_error e;
    h2c_frame_block blk;
    h2c_frame fr;
    h2c_frame_init(&fr, H2C_FRAME_TYPE_PING, 0, 0);
    ck_assert_int_eq(h2c_frame_parser_new(NULL, NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_push(NULL, b, 1, &used, &ev), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_finish(NULL, &e), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_set_max_frame_size(NULL, 16384),
                     H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_error(NULL, &e), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_state_get(NULL), H2C_FRAME_PS_ERROR);
    ck_assert_uint_eq(h2c_frame_parser_missing(NULL), 0);
    ck_assert_uint_eq(h2c_frame_parser_offset(NULL), 0);
    (void)h2c_frame_parser_max_frame_size(NULL);
    ck_assert_ptr_null(h2c_frame_parser_stats_get(NULL));
    h2c_frame_parser_reset(NULL);
    h2c_frame_parser_free(NULL);
    ck_assert_int_eq(h2c_frame_assembler_new(NULL, NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_assembler_push(NULL, &fr, &blk), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_assembler_error(NULL, &e), H2C_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(h2c_frame_assembler_open_stream(NULL), 0);
    ck_assert_ptr_null(h2c_frame_assembler_stats_get(NULL));
    h2c_frame_assembler_reset(NULL);
    h2c_frame_assembler_free(NULL);
}
END_TEST

/* ------------------------------------------------------------ truncation */

/* Pieces whose concatenation is valid; their ends are the only places a
 * cut is not a truncation. */
typedef struct pieces {
    cat_input all;
    size_t ends[64];
    size_t n;
} pieces;

static void pieces_build(pieces *p, const char *const *src, size_t n)
{
    memset(p, 0, sizeof *p);
    ck_assert_uint_le(n, 64);
    cat_input acc = { 0 };
    acc.buf = malloc(1);
    for (size_t i = 0; i < n; i++) {
        cat_input one;
        ck_assert_int_eq(cat_build(src[i], &one), 0);
        acc.buf = realloc(acc.buf, acc.len + one.len + 1);
        memcpy(acc.buf + acc.len, one.buf, one.len);
        acc.len += one.len;
        p->ends[p->n++] = acc.len;
        cat_input_free(&one);
    }
    p->all = acc;
}

static int at_boundary(const pieces *p, size_t cut, size_t *whole)
{
    *whole = 0;
    if (cut == 0)
        return 1;
    for (size_t i = 0; i < p->n; i++) {
        if (p->ends[i] <= cut)
            *whole = i + 1;
        if (p->ends[i] == cut)
            return 1;
    }
    return 0;
}

/* RFC 7541 C.4 requests plus longer literals, one block. */
static const char *const block_reps[] = {
    "3f e1 1f",
    "82",
    "86",
    "84",
    "41 8c f1e3c2e5f23a6ba0ab90f4ff",
    "58 86 a8eb10649cbf",
    "40 88 25a849e95ba97d7f 89 25a849e95bb8e8b4bf",
    "be",
    "00 03 'abc' 7f 01 *128(61)",
    "10 01 6e 81 1f",
    "0f 2f 00",
    "bf",
    "40 81 1f ff 49 *40(18c6318c63)",
};

START_TEST(test_truncate_block)
{
    pieces p;
    pieces_build(&p, block_reps, sizeof block_reps / sizeof block_reps[0]);
    cat_case c = { .name = "truncated_block", .cls = "truncation", .layer = CAT_HPACK };
    for (size_t cut = 0; cut <= p.all.len; cut++) {
        size_t whole;
        int clean = at_boundary(&p, cut, &whole);
        size_t fields = whole ? whole - 1 : 0; /* the first piece is a size update */
        cat_input in = { p.all.buf, cut, 0, (size_t[]){ cut }, 1, 1 };
        for (int k = 0; k < 3; k++) {
            cat_feed feed = { k == 0 ? 0 : k == 1 ? 1 : 7, 0 };
            cat_outcome o;
            cat_run_hpack(&c, &in, feed, &o);
            ck_assert_msg(o.status == (clean ? 0 : H2C_HPACK_E_TRUNCATED),
                          "cut at %zu: %s", cut, h2c_status_name(o.status));
            ck_assert_msg(o.count == fields, "cut at %zu: %llu fields, expected %zu", cut,
                          (unsigned long long)o.count, fields);
            if (!clean)
                ck_assert_uint_eq(o.err_offset, cut);
        }
        /* The receiving stack: a COMPRESSION_ERROR connection error. */
        cat_input fr;
        cat_wrap_blocks(&in, &fr);
        cat_outcome o;
        cat_run_conn(&c, &fr, (cat_feed){ 0, 0 }, 0, &o);
        ck_assert_uint_eq(o.h2, clean ? 0 : H2C_H2_COMPRESSION_ERROR);
        ck_assert_int_eq(o.scope, clean ? H2C_SCOPE_NONE : H2C_SCOPE_CONNECTION);
        if (clean)
            ck_assert_uint_eq(o.count, fields);
        cat_input_free(&fr);
    }
    cat_input_free(&p.all);
}
END_TEST

/* A client connection using every frame type; fragments are valid HPACK. */
static const char *const stream_frames[] = {
    "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a",
    "00000c 04 00 00000000 000100001000 000300000064",
    "000004 08 00 00000000 00010000",
    "00000b 01 29 00000001 02 80000000 0f 828684 0000",
    "000011 09 04 00000001 410f 7777772e6578616d706c652e636f6d",
    "000008 00 09 00000001 03 6461746100 0000",
    "000008 06 00 00000000 0102030405060708",
    "000005 02 00 00000003 00000001 20",
    "000004 03 00 00000003 00000008",
    "000000 04 01 00000000",
    "00000e 0a 00 00000000 0003 'abc' 'h2=\":443\"'",
    "000006 0c 00 00000000 0004 'a.io'",
    "000007 10 00 00000000 00000001 'u=1'",
    "000003 fa 07 00000005 010203",
    "000006 01 05 00000005 828684 010178", /* :authority x, not indexed */
    "00000d 07 00 00000000 00000005 00000000 'going'",
};

START_TEST(test_truncate_stream)
{
    pieces p;
    pieces_build(&p, stream_frames, sizeof stream_frames / sizeof stream_frames[0]);
    cat_case c = { .name = "truncated_stream", .cls = "truncation", .layer = CAT_FRAMES,
                   .o = { .preface = H2C_FRAME_PREFACE_EXPECT } };
    for (size_t cut = 0; cut <= p.all.len; cut++) {
        size_t whole;
        int clean = at_boundary(&p, cut, &whole);
        size_t events = whole ? whole - 1 : 0; /* the preface is not a frame event */
        /* Octets missing: the rest of the preface or header, or of the payload. */
        uint64_t missing = 0;
        if (!clean) {
            size_t start = whole ? p.ends[whole - 1] : 0, end = p.ends[whole];
            if (whole == 0)
                missing = end - cut;
            else
                missing = cut - start < 9 ? 9 - (cut - start) : end - cut;
        }
        /* Cut after HEADERS, before the end of its CONTINUATION: a block is open. */
        int open = whole == 4;
        cat_input in = { p.all.buf, cut, 0, NULL, 0, 0 };
        for (int k = 0; k < 3; k++) {
            cat_feed feed = { k == 0 ? 0 : k == 1 ? 1 : 7, 0 };
            cat_outcome o;
            cat_run_frames(&c, &in, feed, &o);
            ck_assert_msg(o.status == (clean ? 0 : H2C_FRAME_E_TRUNCATED), "cut at %zu: %s", cut,
                          h2c_status_name(o.status));
            ck_assert_msg(o.count == events, "cut at %zu: %llu events, expected %zu", cut,
                          (unsigned long long)o.count, events);
            ck_assert_msg(o.missing == missing, "cut at %zu: missing %llu, expected %llu", cut,
                          (unsigned long long)o.missing, (unsigned long long)missing);
            ck_assert_int_eq(o.open_block, open);
            if (!clean)
                ck_assert_int_eq(o.scope, H2C_SCOPE_LOCAL);
        }
        cat_outcome o;
        cat_run_conn(&c, &in, (cat_feed){ 0, 0 }, 1, &o);
        ck_assert_msg(o.status == (clean ? 0 : H2C_FRAME_E_TRUNCATED), "pipeline, cut at %zu", cut);
        ck_assert_uint_eq(o.missing, missing);
        ck_assert_int_eq(o.soft_scope, H2C_SCOPE_NONE); /* the messages are valid */
        if (clean)
            ck_assert_int_eq(o.scope, H2C_SCOPE_NONE);
    }
    cat_input_free(&p.all);
}
END_TEST

/* ------------------------------------------------------------ suite */

static Suite *suite(void)
{
    Suite *s = suite_create("catalogue");
    TCase *tc = tcase_create("cases");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_slice, 0, CAT_SLICES);
    suite_add_tcase(s, tc);
    tc = tcase_create("index");
    tcase_add_test(tc, test_index);
    suite_add_tcase(s, tc);
    tc = tcase_create("bomb");
    tcase_add_test(tc, test_bomb_peak);
    suite_add_tcase(s, tc);
    tc = tcase_create("after_error");
    tcase_add_test(tc, test_encoder_after_failure);
    tcase_add_test(tc, test_null_contexts);
    suite_add_tcase(s, tc);
    tc = tcase_create("truncation");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_truncate_block);
    tcase_add_test(tc, test_truncate_stream);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
