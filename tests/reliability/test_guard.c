/* SPDX-License-Identifier: MIT */
/*
 * Guard pages: inputs placed so that their last octet sits right before a
 * PROT_NONE page, so any over-read faults (without ASan too: this suite
 * also runs in the plain build and under valgrind).  Fed whole, every
 * chunk is the tail of one guarded copy; fed in 1- and 7-octet chunks, each
 * chunk is copied to end at the guard, and the slot is rewritten by the next
 * chunk -- so a view kept past its documented lifetime reads wrong data and
 * the outcomes, compared across chunkings, disagree.
 *
 *   catalogue  every catalogue case, through its layer and the pipeline,
 *              with all of the catalogue's expectations
 *   corpus     the h2spec client streams through the parser (+ assembler),
 *              the HPACK decoder (their header blocks, extracted) and the
 *              pipeline
 */
#define _DEFAULT_SOURCE
#include <check.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "testutil.h"

START_TEST(test_catalogue_guarded)
{
    cat_check_slice((size_t)_i, 1);
}
END_TEST

/* The header blocks of a connection, joined, up to its first connection error. */
static void extract_blocks(const cat_input *conn, cat_input *blocks)
{
    memset(blocks, 0, sizeof *blocks);
    h2c_frame_parser_options po;
    h2c_frame_parser_options_init(&po);
    po.preface = H2C_FRAME_PREFACE_AUTO;
    h2c_frame_parser *p;
    ck_assert_int_eq(h2c_frame_parser_new(&p, &po), 0);
    h2c_frame_assembler_options ao;
    h2c_frame_assembler_options_init(&ao);
    ao.flags = H2C_FRAME_ASSEMBLER_JOIN;
    h2c_frame_assembler *a;
    ck_assert_int_eq(h2c_frame_assembler_new(&a, &ao), 0);
    size_t off = 0, used;
    h2c_frame_event ev;
    for (;;) {
        int rc = h2c_frame_parser_push(p, conn->buf + off, conn->len - off, &used, &ev);
        off += used;
        if (rc <= H2C_OK || rc == H2C_FRAME_EV_PREFACE) {
            if (rc == H2C_FRAME_EV_PREFACE)
                continue;
            break;
        }
        h2c_frame_block b;
        int ar = h2c_frame_assembler_push(a, &ev.frame, &b);
        if (ar < 0)
            break;
        if (ar != H2C_FRAME_EV_BLOCK_END)
            continue;
        blocks->buf = realloc(blocks->buf, blocks->len + b.block.len + 1);
        blocks->ends = realloc(blocks->ends, (blocks->nblocks + 1) * sizeof *blocks->ends);
        ck_assert(blocks->buf && blocks->ends);
        if (b.block.len)
            memcpy(blocks->buf + blocks->len, b.block.ptr, b.block.len);
        blocks->len += b.block.len;
        blocks->ends[blocks->nblocks++] = blocks->len;
    }
    h2c_frame_parser_free(p);
    h2c_frame_assembler_free(a);
}

static int same(const cat_outcome *a, const cat_outcome *b)
{
    return a->status == b->status && a->h2 == b->h2 && a->scope == b->scope &&
           a->soft_h2 == b->soft_h2 && a->soft_scope == b->soft_scope &&
           a->err_offset == b->err_offset && a->count == b->count && a->missing == b->missing;
}

static void guard_stream(const char *name, const cat_input *in)
{
    cat_case c = { .name = name, .cls = "corpus", .layer = CAT_FRAMES,
                   .o = { .preface = H2C_FRAME_PREFACE_AUTO } };
    cat_input blocks;
    extract_blocks(in, &blocks);
    static const size_t chunk[] = { 0, 1, 7 };
    cat_outcome ref[3] = { 0 }, o;
    for (size_t k = 0; k < 3; k++) {
        cat_feed feed = { chunk[k], 1 };
        c.layer = CAT_FRAMES;
        cat_run_frames(&c, in, feed, &o);
        if (k == 0)
            ref[0] = o;
        ck_assert_msg(same(&o, &ref[0]), "%s: parser outcome depends on chunking", name);
        c.layer = CAT_CONN;
        cat_run_conn(&c, in, feed, 1, &o);
        if (k == 0)
            ref[1] = o;
        ck_assert_msg(same(&o, &ref[1]), "%s: pipeline outcome depends on chunking", name);
        if (blocks.nblocks) {
            c.layer = CAT_HPACK;
            cat_run_hpack(&c, &blocks, feed, &o);
            if (k == 0)
                ref[2] = o;
            ck_assert_msg(same(&o, &ref[2]), "%s: decoder outcome depends on chunking", name);
        }
    }
    free(blocks.buf);
    free(blocks.ends);
}

static void guard_stream_cb(const char *name, const cat_input *in, void *user)
{
    (void)user;
    guard_stream(name, in);
}

START_TEST(test_corpus_guarded)
{
    ck_assert_uint_ge(cat_corpus_each(guard_stream_cb, NULL), 100);
}
END_TEST

/* The guard itself: a guarded copy ends exactly at a page boundary, and the
 * page after it is not readable (mincore-free check: mprotect would fail
 * on an unmapped page, and PROT_NONE is what h2t_guard_copy set). */
START_TEST(test_guard_placement)
{
    long pg = sysconf(_SC_PAGESIZE);
    for (size_t len = 0; len < 3 * (size_t)pg; len += 997) {
        uint8_t *src = calloc(1, len + 1);
        uint8_t *p = h2t_guard_copy(src, len);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)(p + len) % (uintptr_t)pg, 0);
        /* the guard page is mapped: re-protecting it (to the same) works */
        ck_assert_int_eq(mprotect(p + len, (size_t)pg, PROT_NONE), 0);
        h2t_guard_free(p, len);
        free(src);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("guard");
    TCase *tc = tcase_create("catalogue");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_catalogue_guarded, 0, CAT_SLICES);
    suite_add_tcase(s, tc);
    tc = tcase_create("corpus");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_corpus_guarded);
    suite_add_tcase(s, tc);
    tc = tcase_create("guard");
    tcase_add_test(tc, test_guard_placement);
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
