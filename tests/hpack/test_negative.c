/* SPDX-License-Identifier: MIT */
/*
 * Negative vectors: malformed header blocks, each with its exact status and
 * error offset (counted from the start of the failing block).  Every vector
 * is decoded whole against a guard page, one octet at a time, and cut at
 * every position: status and offset must not depend on the split.  After
 * the error, every call must return it (sticky) until reset.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dec_util.h"
#include "testutil.h"

#define NONE 0xffffffffu

typedef struct {
    const char *name;
    const char *blocks;      /* hex; '|' separates blocks, the last one fails */
    uint32_t set_max[2];     /* applied before the last block unless NONE */
    size_t max_list, max_string;
    uint32_t max_fields;     /* 0: default */
    int status;
    size_t offset;
} vec;

static const vec vecs[] = {
    /* index 0 and indexes past the table */
    { "index zero", "80", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_INDEX_ZERO, 0 },
    { "index zero after fields", "8286 80", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_INDEX_ZERO, 2 },
    { "index 62, empty table", "be", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_INDEX_RANGE, 0 },
    { "index 63, one entry", "4001610162 bf", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_INDEX_RANGE, 5 },
    { "index 127, two octets", "ff00", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_INDEX_RANGE, 1 },
    { "index after table emptied", "4001610162|20 be", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INDEX_RANGE, 1 },
    { "index after eviction by update", "4001610162 4001630164|3f03 bf", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INDEX_RANGE, 2 },
    { "name index 62, incremental", "7e0161", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_INDEX_RANGE, 0 },
    { "name index 62, without indexing", "0f2f0161", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INDEX_RANGE, 1 },
    { "name index 62, never indexed", "1f2f0161", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INDEX_RANGE, 1 },
    /* integers */
    { "index overflows 32 bits", "ffffffffff0f", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INTEGER_OVERFLOW, 5 },
    { "index over-long encoding", "ff80808080800001", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INTEGER_OVERFLOW, 6 },
    { "name length overflows", "407fffffffff0f", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INTEGER_OVERFLOW, 6 },
    { "value length overflows", "047fffffffff7f", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INTEGER_OVERFLOW, 6 },
    { "Huffman value length overflows", "04ffffffffff0f", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INTEGER_OVERFLOW, 6 },
    { "size update overflows", "3fffffffff0f", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INTEGER_OVERFLOW, 5 },
    { "name index overflows", "7fffffffff0f", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_INTEGER_OVERFLOW, 5 },
    /* truncation */
    { "truncated index", "ff", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TRUNCATED, 1 },
    { "truncated index, continuation", "ff80", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TRUNCATED, 2 },
    { "truncated size update", "3f", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TRUNCATED, 1 },
    { "truncated name index", "7f", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TRUNCATED, 1 },
    { "missing name length", "40", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TRUNCATED, 1 },
    { "name past block end", "40056162", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TRUNCATED, 4 },
    { "missing value length", "400161", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TRUNCATED, 3 },
    { "value past block end", "04052f61", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TRUNCATED, 4 },
    { "value length truncated", "047f", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TRUNCATED, 2 },
    { "Huffman value past block end", "04839bd9", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_TRUNCATED, 4 },
    /* Huffman */
    { "EOS alone", "0484ffffffff", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_HUFFMAN_EOS, 5 },
    { "EOS then zero bits", "0484fffffffc", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_HUFFMAN_EOS, 5 },
    { "EOS after a symbol", "04851fffffffff", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_HUFFMAN_EOS, 6 },
    { "EOS in a name", "4084ffffffff0161", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_HUFFMAN_EOS, 5 },
    { "padding 11 bits", "048207ff", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_HUFFMAN_PADDING, 3 },
    { "padding 8 bits alone", "0481ff", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_HUFFMAN_PADDING, 2 },
    { "padding 16 bits in a name", "4082ffff0161", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_HUFFMAN_PADDING, 3 },
    { "zero padding", "048100", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_HUFFMAN_BAD_PAD, 2 },
    { "padding 110", "048106", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_HUFFMAN_BAD_PAD, 2 },
    { "non-ones padding in a name", "4081060161", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_HUFFMAN_BAD_PAD, 2 },
    { "unfinished long code", "0481fe", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_HUFFMAN_BAD_PAD, 2 },
    /* table size updates */
    { "update above 4096", "3fe21f", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TABLE_UPDATE_SIZE, 2 },
    { "update above lowered max", "82|3f46", { 100, NONE }, 0, 0, 0,
      H2C_HPACK_E_TABLE_UPDATE_SIZE, 1 },
    { "second update above max", "3f45 3fe21f", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_TABLE_UPDATE_SIZE, 4 },
    { "update after a field", "82 20", { NONE, NONE }, 0, 0, 0, H2C_HPACK_E_TABLE_UPDATE_LATE, 1 },
    { "update after a literal", "04012f 3fe11f", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_TABLE_UPDATE_LATE, 3 },
    { "missing update after lowering", "82|82", { 100, NONE }, 0, 0, 0,
      H2C_HPACK_E_TABLE_UPDATE_MISSING, 0 },
    { "missing update, empty block", "82|", { 100, NONE }, 0, 0, 0,
      H2C_HPACK_E_TABLE_UPDATE_MISSING, 0 },
    { "update only to the final size", "82|3fe11f 82", { 0, 4096 }, 0, 0, 0,
      H2C_HPACK_E_TABLE_UPDATE_MISSING, 2 },
    { "final size before the smallest", "82|3fe11f 20 82", { 0, 4096 }, 0, 0, 0,
      H2C_HPACK_E_TABLE_UPDATE_MISSING, 2 },
    { "update above a raised max", "82|3fe23f", { 8192, NONE }, 0, 0, 0,
      H2C_HPACK_E_TABLE_UPDATE_SIZE, 2 },
    /* limits */
    { "list size, indexed", "828282", { NONE, NONE }, 100, 0, 0, H2C_HPACK_E_LIST_SIZE, 2 },
    { "list size, name length", "0020", { NONE, NONE }, 50, 0, 0, H2C_HPACK_E_LIST_SIZE, 1 },
    { "list size, indexed name", "0f0501", { NONE, NONE }, 50, 0, 0, H2C_HPACK_E_LIST_SIZE, 1 },
    { "list size, Huffman value exact", "04850000000000", { NONE, NONE }, 44, 0, 0,
      H2C_HPACK_E_LIST_SIZE, 6 },
    { "list size across blocks is per block", "828282|8282 8282", { NONE, NONE }, 126, 0, 0,
      H2C_HPACK_E_LIST_SIZE, 3 },
    { "string length, plain name", "4005", { NONE, NONE }, 0, 4, 0, H2C_HPACK_E_STRING_LENGTH, 1 },
    { "string length, Huffman value", "048400000003", { NONE, NONE }, 0, 4, 0,
      H2C_HPACK_E_STRING_LENGTH, 5 },
    { "string length, 3-octet length", "047f818004", { NONE, NONE }, 0, 0, 0,
      H2C_HPACK_E_STRING_LENGTH, 4 },
    { "field count", "828684", { NONE, NONE }, 0, 0, 2, H2C_HPACK_E_FIELD_COUNT, 2 },
    { "field count, literal", "82 040161", { NONE, NONE }, 0, 0, 1, H2C_HPACK_E_FIELD_COUNT, 1 },
};

#define NVECS (sizeof vecs / sizeof vecs[0])

/* Split v->blocks into blocks; returns the count. */
static size_t parse_blocks(const vec *v, uint8_t blocks[][64], size_t *lens)
{
    size_t n = 0;
    const char *p = v->blocks;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        char hex[256];
        ck_assert_uint_lt(l, sizeof hex);
        memcpy(hex, p, l);
        hex[l] = 0;
        long k = h2t_hex(hex, blocks[n], 64);
        ck_assert_int_ge(k, 0);
        lens[n++] = (size_t)k;
        if (!bar)
            return n;
        p = bar + 1;
    }
}

static h2c_hpack_decoder *new_dec(const vec *v)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    if (v->max_list)
        o.max_list_size = v->max_list;
    if (v->max_string)
        o.max_string_len = v->max_string;
    if (v->max_fields)
        o.max_fields = v->max_fields;
    h2c_hpack_decoder *d = NULL;
    ck_assert_int_eq(h2c_hpack_decoder_new(&d, &o), H2C_OK);
    return d;
}

/* mode 0: whole; 1: octet by octet; 2: cut at 'cut'. */
static void run(const vec *v, int mode, size_t cut)
{
    uint8_t blocks[4][64];
    size_t lens[4];
    size_t nb = parse_blocks(v, blocks, lens);
    h2c_hpack_decoder *d = new_dec(v);
    dt_list l = { 0 };
    for (size_t b = 0; b + 1 < nb; b++)
        ck_assert_msg(dt_decode(d, blocks[b], lens[b], DT_GUARD, &l) == 0, "%s: block %zu", v->name,
                      b);
    for (size_t i = 0; i < 2; i++)
        if (v->set_max[i] != NONE)
            ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, v->set_max[i]), 0);
    const uint8_t *w = blocks[nb - 1];
    size_t n = lens[nb - 1];
    int rc;
    if (mode == 0)
        rc = dt_decode(d, w, n, DT_GUARD, &l);
    else if (mode == 1)
        rc = dt_decode_step(d, w, n, 1, DT_GUARD, &l);
    else
        rc = dt_decode_cuts(d, w, n, &cut, 1, DT_GUARD, &l);
    ck_assert_msg(rc == v->status, "%s (mode %d cut %zu): got %s, want %s", v->name, mode, cut,
                  h2c_status_name(rc), h2c_status_name(v->status));
    ck_assert_msg(h2t_hpack_error_offset(d) == v->offset, "%s (mode %d cut %zu): offset %llu",
                  v->name, mode, cut, (unsigned long long)h2t_hpack_error_offset(d));
    ck_assert_uint_eq(h2c_status_h2_error(rc), 0x9);
    ck_assert_int_eq(h2c_hpack_decoder_error(d, NULL), v->status);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_ERROR);

    /* Sticky: push, finish, set_max_table_size all return the error. */
    uint8_t ok = 0x82;
    size_t used = 7;
    h2c_hpack_field f;
    ck_assert_int_eq(h2c_hpack_decoder_push(d, &ok, 1, &used, &f), v->status);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), v->status);
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 4096), v->status);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), v->offset);
    /* reset() recovers. */
    h2c_hpack_decoder_reset(d);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, &ok, 1, &used, &f), H2C_HPACK_FIELD);
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_OK);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}

START_TEST(whole)
{
    run(&vecs[_i], 0, 0);
}
END_TEST

START_TEST(octet_by_octet)
{
    run(&vecs[_i], 1, 0);
}
END_TEST

START_TEST(every_cut)
{
    uint8_t blocks[4][64];
    size_t lens[4];
    size_t nb = parse_blocks(&vecs[_i], blocks, lens);
    for (size_t cut = 0; cut <= lens[nb - 1]; cut++)
        run(&vecs[_i], 2, cut);
}
END_TEST

START_TEST(enough_vectors)
{
    ck_assert_uint_ge(NVECS, 40);
}
END_TEST

/*
 * HPACK bomb: one 4000-octet entry referenced 10000 times.  The list-size
 * limit stops it at the 17th reference (17 * 4033 > 65536), before that
 * field is produced, and memory stays at the table plus a constant.
 */
START_TEST(hpack_bomb)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.allocator = &a;
    h2c_hpack_decoder *d = NULL;
    ck_assert_int_eq(h2c_hpack_decoder_new(&d, &o), 0);
    static uint8_t w[10010];
    size_t n = 0;
    w[n++] = 0x40;
    w[n++] = 0x01;
    w[n++] = 'x';
    w[n++] = 0x7f; /* 127 + 3873 = 4000 */
    w[n++] = 0xa1;
    w[n++] = 0x1e;
    memset(w + n, 'B', 4000);
    n += 4000;
    dt_list l = { 0 };
    ck_assert_int_eq(dt_decode(d, w, n, DT_HEAP, &l), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_size(d), 4033);
    memset(w, 0xbe, 10000);
    for (int mode = 0; mode < 2; mode++) {
        dt_list_free(&l);
        int rc = mode ? dt_decode_step(d, w, 10000, 1000, DT_HEAP, &l)
                      : dt_decode(d, w, 10000, DT_HEAP, &l);
        ck_assert_int_eq(rc, H2C_HPACK_E_LIST_SIZE);
        ck_assert_uint_eq(h2t_hpack_error_offset(d), 16);
        ck_assert_uint_eq(l.n, 16);
        h2c_hpack_decoder_reset(d);
        if (!mode) {
            dt_list_free(&l);
            /* Rebuild the entry after the reset. */
            static uint8_t e[4010];
            memcpy(e, "\x40\x01x\x7f\xa1\x1e", 6);
            memset(e + 6, 'B', 4000);
            ck_assert_int_eq(dt_decode(d, e, 4006, DT_HEAP, &l), 0);
        }
    }
    /* Table arena + index (2.5 * 4096) + the decoder; the 4000-octet value
     * came from the input, so no scratch was needed. */
    ck_assert_uint_le(fa.peak_bytes, 4096 * 5 / 2 + 1024);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

/* Every prefix of a valid block: finish() says TRUNCATED unless the prefix
 * ends on a representation boundary; never reads past the end. */
START_TEST(every_truncation)
{
    uint8_t w[128];
    long n = h2t_hex("3f45 82 418cf1e3c2e5f23a6ba0ab90f4ff 0f2f0161 1002616202 6274 be", w,
                     sizeof w);
    /* Representation boundaries. */
    static const size_t ends[] = { 0, 2, 3, 17, 21, 28, 29 };
    for (size_t len = 0; len <= (size_t)n; len++) {
        h2c_hpack_decoder_options o;
        h2c_hpack_decoder_options_init(&o);
        o.max_table_size = 100;
        h2c_hpack_decoder *d = NULL;
        ck_assert_int_eq(h2c_hpack_decoder_new(&d, &o), 0);
        dt_list l = { 0 };
        int rc = dt_decode(d, w, len, DT_GUARD, &l);
        int boundary = 0;
        for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
            boundary |= ends[i] == len;
        ck_assert_msg(rc == (boundary ? 0 : H2C_HPACK_E_TRUNCATED), "len %zu: %s", len,
                      h2c_status_name(rc));
        if (!boundary)
            ck_assert_uint_eq(h2t_hpack_error_offset(d), len);
        dt_list_free(&l);
        h2c_hpack_decoder_free(d);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hpack_negative");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, enough_vectors);
    tcase_add_loop_test(tc, whole, 0, (int)NVECS);
    tcase_add_loop_test(tc, octet_by_octet, 0, (int)NVECS);
    tcase_add_loop_test(tc, every_cut, 0, (int)NVECS);
    tcase_add_test(tc, hpack_bomb);
    tcase_add_test(tc, every_truncation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_run_suite_nofork(suite());
}
