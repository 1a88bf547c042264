/* SPDX-License-Identifier: MIT */
/*
 * Allocation failure: for each workload, make the Nth allocation fail (and,
 * separately, every allocation from the Nth on) for every N the workload
 * reaches.  Each failure must give H2C_E_NOMEM (INTERNAL_ERROR), be
 * sticky, leak nothing, and leave a decoder that works again after reset().
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dec_util.h"
#include "hpack_int.h"
#include "huffman.h"
#include "testutil.h"

typedef struct {
    uint8_t *w;
    size_t len;
    size_t step;      /* piece size, 0 = whole */
    uint32_t set_max; /* applied before the block unless 0 */
} block;

typedef struct {
    block b[8];
    size_t n;
    uint32_t table_max;
} workload;

static void add_hex(workload *wl, const char *hex, size_t step, uint32_t set_max)
{
    block *b = &wl->b[wl->n++];
    b->w = malloc(strlen(hex) / 2 + 1);
    long n = h2t_hex(hex, b->w, strlen(hex) / 2 + 1);
    ck_assert_int_ge(n, 0);
    b->len = (size_t)n;
    b->step = step;
    b->set_max = set_max;
}

static void make(workload *wl, int which)
{
    memset(wl, 0, sizeof *wl);
    wl->table_max = 4096;
    if (which == 0) {
        /* RFC C.4 (Huffman) octet by octet, C.3 whole. */
        add_hex(wl, "828684418cf1e3c2e5f23a6ba0ab90f4ff", 1, 0);
        add_hex(wl, "828684be5886a8eb10649cbf", 1, 0);
        add_hex(wl, "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf", 1, 0);
        add_hex(wl, "828684410f7777772e6578616d706c652e636f6d", 0, 0);
    } else if (which == 1) {
        /* Growing strings, names kept in scratch while the value grows. */
        static char s[3000];
        for (size_t i = 0; i < sizeof s; i++)
            s[i] = (char)('a' + i % 23);
        size_t lens[] = { 10, 100, 700, 1500, 3000 };
        for (size_t k = 0; k < 5; k++) {
            block *b = &wl->b[wl->n++];
            b->w = malloc(8000);
            size_t n = 0;
            b->w[n++] = k % 2 ? 0x10 : 0x40;
            n += dt_put_str(b->w + n, s, lens[k], (int)(k % 2));
            n += dt_put_str(b->w + n, s + 1, lens[k] * 2 / 3, (int)(k % 3 == 0));
            b->len = n;
            b->step = 1 + k * 50;
        }
    } else {
        /* Table growth with live entries: start at 100, raise to 8192. */
        wl->table_max = 100;
        add_hex(wl, "4001610162 4001630164", 0, 0);
        add_hex(wl, "be bf 40016503666666", 2, 8192);
        add_hex(wl, "3f45 be", 1, 0);
        add_hex(wl, "3fe13f 40016703686868 be 40016903696969", 0, 0);
    }
}

static void unmake(workload *wl)
{
    for (size_t i = 0; i < wl->n; i++)
        free(wl->b[i].w);
}

/* Run the workload; collect all fields into out.  Returns the first error. */
static int run(const workload *wl, h2c_hpack_decoder *d, dt_list *out)
{
    for (size_t i = 0; i < wl->n; i++) {
        const block *b = &wl->b[i];
        if (b->set_max) {
            int rc = h2c_hpack_decoder_set_max_table_size(d, b->set_max);
            if (rc < 0)
                return rc;
        }
        int rc = b->step ? dt_decode_step(d, b->w, b->len, b->step, DT_HEAP, out)
                         : dt_decode(d, b->w, b->len, DT_HEAP, out);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static h2c_hpack_decoder *new_dec(const workload *wl, const h2c_allocator *a, int *rc)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_table_size = wl->table_max;
    o.allocator = a;
    h2c_hpack_decoder *d = (h2c_hpack_decoder *)&o;
    *rc = h2c_hpack_decoder_new(&d, &o);
    if (*rc < 0)
        ck_assert_ptr_null(d);
    return d;
}

static void fail_each(int which, int fail_all)
{
    workload wl;
    make(&wl, which);
    /* Reference run, counting allocations. */
    h2t_failalloc fa = { 0 };
    h2c_allocator a = { h2t_fa_alloc, h2t_fa_free, &fa };
    int rc;
    h2c_hpack_decoder *d = new_dec(&wl, &a, &rc);
    dt_list ref = { 0 };
    ck_assert_int_eq(run(&wl, d, &ref), 0);
    h2c_hpack_decoder_free(d);
    ck_assert_int_eq(fa.live, 0);
    unsigned long total = fa.calls;
    /* decoder, table block (again when a fifth entry grows it in
     * workload 2), scratch (growing several times in workload 1) */
    static const unsigned long least[] = { 3, 8, 4 };
    ck_assert_uint_ge(total, least[which]);

    for (unsigned long n = 1; n <= total; n++) {
        memset(&fa, 0, sizeof fa);
        fa.fail_at = n;
        fa.fail_all = fail_all;
        d = new_dec(&wl, &a, &rc);
        if (!d) {
            ck_assert_int_eq(rc, H2C_E_NOMEM);
            ck_assert_uint_eq(n, 1);
            ck_assert_int_eq(fa.live, 0);
            continue;
        }
        dt_list got = { 0 };
        rc = run(&wl, d, &got);
        ck_assert_msg(rc == H2C_E_NOMEM, "fail at %lu: %s", n, h2c_status_name(rc));
        ck_assert_uint_eq(h2c_status_h2_error(rc), 0x2);
        ck_assert_int_eq(h2c_hpack_decoder_error(d, NULL), H2C_E_NOMEM);
        ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_ERROR);
        /* Sticky. */
        uint8_t b = 0x82;
        size_t used;
        h2c_hpack_field f;
        ck_assert_int_eq(h2c_hpack_decoder_push(d, &b, 1, &used, &f), H2C_E_NOMEM);
        ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_E_NOMEM);
        /* Fields produced before the failure are a prefix of the reference. */
        ck_assert_uint_le(got.n, ref.n);
        dt_list prefix = ref;
        prefix.n = got.n;
        ck_assert(dt_list_equal(&prefix, &got));
        dt_list_free(&got);
        /* Not corrupted: after reset, with memory available again, the
         * same decoder produces exactly the reference output. */
        fa.fail_at = 0;
        h2c_hpack_decoder_reset(d);
        ck_assert_int_eq(run(&wl, d, &got), 0);
        ck_assert(dt_list_equal(&ref, &got));
        dt_list_free(&got);
        h2c_hpack_decoder_free(d);
        ck_assert_msg(fa.live == 0, "fail at %lu: %ld blocks leaked", n, fa.live);
    }
    dt_list_free(&ref);
    unmake(&wl);
}

START_TEST(fail_nth)
{
    fail_each(_i, 0);
}
END_TEST

START_TEST(fail_from_nth)
{
    fail_each(_i, 1);
}
END_TEST

START_TEST(free_on_error_paths)
{
    /* A decoder that failed on bad input, or mid-block, frees everything. */
    h2t_failalloc fa = { 0 };
    h2c_allocator a = { h2t_fa_alloc, h2t_fa_free, &fa };
    workload wl;
    make(&wl, 1);
    int rc;
    h2c_hpack_decoder *d = new_dec(&wl, &a, &rc);
    uint8_t *w = wl.b[4].w;
    size_t used;
    h2c_hpack_field f;
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w, wl.b[4].len / 2, &used, &f), 0);
    h2c_hpack_decoder_free(d);
    ck_assert_int_eq(fa.live, 0);
    unmake(&wl);
}
END_TEST

/* The offset of an allocation failure in a literal, with the block pushed
 * whole (the fast paths, in a build with them) and octet by octet (the
 * state machine), the same in both builds.  Allocation 2 is the first
 * after the decoder: for a plain value pushed whole, the table (reported
 * at the value's last octet); else the scratch (at its first octet). */
START_TEST(nomem_offset_in_literal)
{
    static const struct {
        uint8_t w[8];
        size_t len;
        uint64_t off[2]; /* whole, octet by octet */
    } cases[] = {
        /* :method GET, then :authority "abc" with incremental indexing */
        {{0x82, 0x41, 0x03, 'a', 'b', 'c'}, 6, {5, 3}},
        /* the same, the value Huffman-coded ("abc": 5 + 6 + 5 bits) */
        {{0x82, 0x41, 0x82, 0x1c, 0x64}, 5, {3, 3}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (size_t step = 0; step < 2; step++) {
            h2t_failalloc fa = {0};
            fa.fail_at = 2;
            h2c_allocator a = {h2t_fa_alloc, h2t_fa_free, &fa};
            h2c_hpack_decoder_options o;
            h2c_hpack_decoder_options_init(&o);
            o.allocator = &a;
            h2c_hpack_decoder *d;
            ck_assert_int_eq(h2c_hpack_decoder_new(&d, &o), H2C_OK);
            size_t off = 0, used;
            h2c_hpack_field f;
            int rc;
            do {
                size_t n = step ? 1 : cases[c].len - off;
                rc = h2c_hpack_decoder_push(d, cases[c].w + off, n, &used, &f);
                off += used;
            } while (rc >= 0 && off < cases[c].len);
            ck_assert_int_eq(rc, H2C_E_NOMEM);
            h2c_error err;
            ck_assert_int_eq(h2c_hpack_decoder_error(d, &err), H2C_E_NOMEM);
            ck_assert_msg(err.offset == cases[c].off[step], "case %zu step %zu: offset %llu", c,
                          step, (unsigned long long)err.offset);
            h2c_hpack_decoder_free(d);
            ck_assert_int_eq(fa.live, 0);
        }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hpack_alloc_fail");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, fail_nth, 0, 3);
    tcase_add_loop_test(tc, fail_from_nth, 0, 3);
    tcase_add_test(tc, free_on_error_paths);
    tcase_add_test(tc, nomem_offset_in_literal);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_run_suite(suite());
}
