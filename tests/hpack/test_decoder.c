/* SPDX-License-Identifier: MIT */
/*
 * HPACK decoder behaviour: API contract, states, zero-copy output, table
 * size updates, limits, leniency, steady-state allocation, status strings.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dec_util.h"
#include "hpack_int.h"
#include "huffman.h"
#include "static_table.h"
#include "testutil.h"

static h2c_hpack_decoder *dec_with(const h2c_hpack_decoder_options *o)
{
    h2c_hpack_decoder *d = NULL;
    ck_assert_int_eq(h2c_hpack_decoder_new(&d, o), H2C_OK);
    ck_assert_ptr_nonnull(d);
    return d;
}

static h2c_hpack_decoder *dec_default(void)
{
    return dec_with(NULL);
}

static size_t hex(const char *h, uint8_t *out, size_t cap)
{
    long n = h2t_hex(h, out, cap);
    ck_assert_int_ge(n, 0);
    return (size_t)n;
}

/* Decode a hex block in one guarded piece. */
static int dec_hex(h2c_hpack_decoder *d, const char *h, dt_list *out)
{
    uint8_t w[512];
    size_t n = hex(h, w, sizeof w);
    return dt_decode(d, w, n, DT_GUARD, out);
}

/* ---- options and arguments ---- */

START_TEST(options_defaults)
{
    h2c_hpack_decoder_options o;
    memset(&o, 0xff, sizeof o);
    h2c_hpack_decoder_options_init(&o);
    ck_assert_uint_eq(o.max_table_size, 4096);
    ck_assert_uint_eq(o.max_list_size, 65536);
    ck_assert_uint_eq(o.max_string_len, 65536);
    ck_assert_uint_eq(o.max_fields, 1024);
    ck_assert_uint_eq(o.lenient, 0);
    ck_assert_uint_eq(o.flags, 0);
    ck_assert_ptr_null(o.allocator);
    h2c_hpack_decoder *d = dec_with(&o);
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), 4096);
    ck_assert_uint_eq(h2c_hpack_decoder_table_size(d), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 0);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_BLOCK_START);
    ck_assert_int_eq(h2c_hpack_decoder_error(d, NULL), H2C_OK);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(bad_arguments)
{
    h2c_hpack_decoder *d = (h2c_hpack_decoder *)&d;
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_fields = 0;
    ck_assert_int_eq(h2c_hpack_decoder_new(&d, &o), H2C_E_INVALID_ARGUMENT);
    ck_assert_ptr_null(d);
    h2c_hpack_decoder_options_init(&o);
    o.max_list_size = 0;
    ck_assert_int_eq(h2c_hpack_decoder_new(&d, &o), H2C_E_INVALID_ARGUMENT);
    h2c_hpack_decoder_options_init(&o);
    o.max_string_len = 0;
    ck_assert_int_eq(h2c_hpack_decoder_new(&d, &o), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_new(NULL, NULL), H2C_E_INVALID_ARGUMENT);

    d = dec_default();
    uint8_t b = 0x82;
    size_t used = 99;
    h2c_hpack_field f;
    ck_assert_int_eq(h2c_hpack_decoder_push(NULL, &b, 1, &used, &f), H2C_E_INVALID_ARGUMENT);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, NULL, 1, &used, &f), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, &b, 1, NULL, &f), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, &b, 1, &used, NULL), H2C_E_INVALID_ARGUMENT);
    /* Not sticky: the decoder still works. */
    ck_assert_int_eq(h2c_hpack_decoder_push(d, NULL, 0, &used, &f), H2C_OK);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, &b, 1, &used, &f), H2C_HPACK_FIELD);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_OK);
    ck_assert_int_eq(h2c_hpack_decoder_finish(NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(NULL, 1), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_table_get(d, 1, NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_table_get(d, 0, &f), H2C_HPACK_E_INDEX_RANGE);
    h2c_hpack_decoder_free(d);
    h2c_hpack_decoder_free(NULL);
    h2c_hpack_decoder_reset(NULL);
}
END_TEST

/* ---- representations and output ---- */

START_TEST(one_field_per_push_call)
{
    h2c_hpack_decoder *d = dec_default();
    uint8_t w[64];
    size_t n = hex("82 86 84", w, sizeof w);
    size_t used;
    h2c_hpack_field f;
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w, n, &used, &f), H2C_HPACK_FIELD);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_REP_PREFIX);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 1, n - 1, &used, &f), H2C_HPACK_FIELD);
    ck_assert_uint_eq(used, 1);
    ck_assert_mem_eq(f.name.ptr, ":scheme", 7);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 2, n - 2, &used, &f), H2C_HPACK_FIELD);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 3, 0, &used, &f), H2C_OK);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_OK);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(zero_copy_pointers)
{
    h2c_hpack_decoder *d = dec_default();
    uint8_t w[128];
    /* 82: static; 04 0c "/sample/path": literal without indexing, static name;
     * 40 03 "foo" 03 "bar": incremental, new name; be: dynamic 62. */
    size_t n = hex("82 040c2f73616d706c652f70617468 4003666f6f03626172 be", w, sizeof w);
    uint8_t *g = h2t_guard_copy(w, n);
    size_t off = 0, used;
    h2c_hpack_field f;

    ck_assert_int_eq(h2c_hpack_decoder_push(d, g, n, &used, &f), H2C_HPACK_FIELD);
    ck_assert_ptr_eq(f.name.ptr, h2c_static_table[1].name);
    ck_assert_ptr_eq(f.value.ptr, h2c_static_table[1].value);
    off += used;

    ck_assert_int_eq(h2c_hpack_decoder_push(d, g + off, n - off, &used, &f), H2C_HPACK_FIELD);
    ck_assert_ptr_eq(f.name.ptr, h2c_static_table[3].name);
    ck_assert_ptr_eq(f.value.ptr, (const char *)g + off + 2); /* into the input */
    ck_assert_int_eq(f.indexing, H2C_HPACK_INDEX_NO);
    ck_assert_uint_eq(f.index, 4);
    off += used;

    ck_assert_int_eq(h2c_hpack_decoder_push(d, g + off, n - off, &used, &f), H2C_HPACK_FIELD);
    h2c_hpack_field e;
    ck_assert_int_eq(h2c_hpack_decoder_table_get(d, 1, &e), H2C_OK);
    ck_assert_ptr_eq(f.name.ptr, e.name.ptr); /* into the new table entry */
    ck_assert_ptr_eq(f.value.ptr, e.value.ptr);
    ck_assert_int_eq(f.indexing, H2C_HPACK_INDEX_YES);
    ck_assert_uint_eq(f.index, 0);
    off += used;

    ck_assert_int_eq(h2c_hpack_decoder_push(d, g + off, n - off, &used, &f), H2C_HPACK_FIELD);
    ck_assert_ptr_eq(f.name.ptr, e.name.ptr);
    ck_assert_ptr_eq(f.value.ptr, e.value.ptr);
    ck_assert_uint_eq(f.index, 62);
    ck_assert_uint_eq(f.flags, H2C_HPACK_F_INDEXED);
    off += used;
    ck_assert_uint_eq(off, n);
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_OK);
    h2t_guard_free(g, n);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(name_survives_its_input)
{
    /* Name in the first push, value in the second; the first buffer is
     * unmapped in between (DT_GUARD), so a stale pointer would fault. */
    h2c_hpack_decoder *d = dec_default();
    uint8_t w[128];
    size_t n = dt_put_literal(w, 0x00, "x-name", 6, "some-value", 10, 0);
    for (size_t cut = 1; cut < n; cut++) {
        dt_list l = { 0 };
        ck_assert_int_eq(dt_decode_cuts(d, w, n, &cut, 1, DT_GUARD, &l), H2C_OK);
        ck_assert(dt_field_is(&l, 0, "x-name", "some-value"));
        ck_assert_int_eq(l.f[0].indexing, H2C_HPACK_INDEX_NO);
        dt_list_free(&l);
    }
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(never_indexed_kept)
{
    h2c_hpack_decoder *d = dec_default();
    dt_list l = { 0 };
    /* 1f 08 = never indexed, name index 15+8 = 23 (authorization). */
    ck_assert_int_eq(dec_hex(d, "1f08 03 616263  10 01 61 01 62", &l), H2C_OK);
    ck_assert(dt_field_is(&l, 0, "authorization", "abc"));
    ck_assert_int_eq(l.f[0].indexing, H2C_HPACK_INDEX_NEVER);
    ck_assert_uint_eq(l.f[0].index, 23);
    ck_assert(dt_field_is(&l, 1, "a", "b"));
    ck_assert_int_eq(l.f[1].indexing, H2C_HPACK_INDEX_NEVER);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 0);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(multi_octet_indexes)
{
    /* Fill the table with 70 entries, then reference entry 70 (index 131)
     * as an indexed field (7-bit prefix) and as a name (4- and 6-bit). */
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_table_size = 8192;
    h2c_hpack_decoder *d = dec_with(&o);
    uint8_t w[4096];
    size_t n = 0;
    for (int i = 0; i < 70; i++) {
        char v[8];
        v[0] = (char)('A' + i / 26);
        v[1] = (char)('a' + i % 26);
        n += dt_put_literal(w + n, 0x40, "k", 1, v, 2, i % 2);
    }
    dt_list l = { 0 };
    ck_assert_int_eq(dt_decode(d, w, n, DT_GUARD, &l), H2C_OK);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 70);
    dt_list_free(&l);
    for (uint32_t round = 0; round < 2; round++) {
        /* Entry "Aa" (the oldest) is index 131, then 132 once "k: v2" is in. */
        uint32_t idx = 131 + round;
        n = h2c_int_encode(w, 0x80, 7, idx);
        n += h2c_int_encode(w + n, 0x00, 4, idx);
        n += dt_put_str(w + n, "v1", 2, 0);
        n += h2c_int_encode(w + n, 0x40, 6, idx);
        n += dt_put_str(w + n, "v2", 2, 1);
        ck_assert_int_eq(dt_decode_step(d, w, n, 1 + round, DT_HEAP, &l), H2C_OK);
        ck_assert(dt_field_is(&l, 0, "k", "Aa"));
        ck_assert_uint_eq(l.f[0].index, idx);
        ck_assert(dt_field_is(&l, 1, "k", "v1"));
        ck_assert_uint_eq(l.f[1].index, idx);
        ck_assert(dt_field_is(&l, 2, "k", "v2"));
        ck_assert_uint_eq(l.f[2].index, idx);
        ck_assert_uint_eq(l.f[2].flags, H2C_HPACK_F_VALUE_HUFFMAN);
        dt_list_free(&l);
    }
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(evicted_name_reference)
{
    /* RFC 7541 section 4.4: the new entry's name refers to the entry its own
     * insertion evicts.  Table of 100: one entry "abcdefghij: 0123456789"
     * (52), then a literal with incremental indexing naming index 62 with a
     * 20-octet value (62 + 52 > 100): the old entry goes first. */
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_table_size = 100;
    h2c_hpack_decoder *d = dec_with(&o);
    uint8_t w[128];
    size_t n = dt_put_literal(w, 0x40, "abcdefghij", 10, "0123456789", 10, 0);
    w[n++] = 0x7e; /* 01 111110: name index 62 */
    n += dt_put_str(w + n, "ABCDEFGHIJKLMNOPQRST", 20, 0);
    for (size_t cut = 0; cut <= n; cut++) {
        h2c_hpack_decoder_reset(d);
        dt_list l = { 0 };
        ck_assert_int_eq(dt_decode_cuts(d, w, n, &cut, 1, DT_HEAP, &l), H2C_OK);
        ck_assert(dt_field_is(&l, 1, "abcdefghij", "ABCDEFGHIJKLMNOPQRST"));
        ck_assert_uint_eq(l.f[1].index, 62);
        ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 1);
        ck_assert_uint_eq(h2c_hpack_decoder_table_size(d), 62);
        h2c_hpack_field e;
        ck_assert_int_eq(h2c_hpack_decoder_table_get(d, 1, &e), 0);
        ck_assert_mem_eq(e.name.ptr, "abcdefghij", 10);
        ck_assert_mem_eq(e.value.ptr, "ABCDEFGHIJKLMNOPQRST", 20);
        dt_list_free(&l);
    }
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(entry_larger_than_table)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_table_size = 100;
    h2c_hpack_decoder *d = dec_with(&o);
    uint8_t w[256];
    char big[80];
    memset(big, 'z', sizeof big);
    size_t n = dt_put_literal(w, 0x40, "a", 1, "b", 1, 0);
    n += dt_put_literal(w + n, 0x40, "big", 3, big, 66, 0); /* 3 + 66 + 32 = 101 */
    n += dt_put_literal(w + n, 0x40, "c", 1, "d", 1, 1);
    dt_list l = { 0 };
    ck_assert_int_eq(dt_decode(d, w, n, DT_GUARD, &l), H2C_OK);
    ck_assert_uint_eq(l.n, 3);
    ck_assert_uint_eq(l.f[1].value_len, 66);
    ck_assert_mem_eq(l.f[1].value, big, 66);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 1); /* only c: d */
    ck_assert_uint_eq(h2c_hpack_decoder_table_size(d), 34);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(empty_strings)
{
    h2c_hpack_decoder *d = dec_default();
    dt_list l = { 0 };
    /* Empty name and value, plain and Huffman (length 0 with H set). */
    ck_assert_int_eq(dec_hex(d, "40 00 00  00 80 80  41 80", &l), H2C_OK);
    ck_assert_uint_eq(l.n, 3);
    ck_assert(dt_field_is(&l, 0, "", ""));
    ck_assert(dt_field_is(&l, 1, "", ""));
    ck_assert_uint_eq(l.f[1].flags, H2C_HPACK_F_NAME_HUFFMAN | H2C_HPACK_F_VALUE_HUFFMAN);
    ck_assert(dt_field_is(&l, 2, ":authority", ""));
    ck_assert_uint_eq(h2c_hpack_decoder_table_size(d), 32 + 42);
    /* Empty name and value cut at every point. */
    uint8_t w[8];
    size_t n = hex("00 00 00 10 80 00", w, sizeof w);
    for (size_t cut = 0; cut <= n; cut++) {
        dt_list m = { 0 };
        ck_assert_int_eq(dt_decode_cuts(d, w, n, &cut, 1, DT_GUARD, &m), H2C_OK);
        ck_assert_uint_eq(m.n, 2);
        ck_assert(dt_field_is(&m, 1, "", ""));
        ck_assert_int_eq(m.f[1].indexing, H2C_HPACK_INDEX_NEVER);
        dt_list_free(&m);
    }
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(long_strings_any_split)
{
    /* 20000-octet name and value, plain and Huffman, in pieces of 1, 7 and
     * 4093 octets and whole. */
    h2c_hpack_decoder *d = dec_default();
    static char v[20000], nm[20000];
    for (size_t i = 0; i < sizeof v; i++) {
        v[i] = (char)(' ' + (i * 31 + i / 7) % 95);
        nm[i] = (char)('a' + i % 26);
    }
    static uint8_t w[100000];
    for (int huff = 0; huff < 2; huff++) {
        size_t n = dt_put_literal(w, 0x10, nm, sizeof nm, v, sizeof v, huff);
        size_t steps[] = { 1, 7, 4093, n };
        for (size_t s = 0; s < 4; s++) {
            dt_list l = { 0 };
            ck_assert_int_eq(dt_decode_step(d, w, n, steps[s], DT_HEAP, &l), H2C_OK);
            ck_assert_uint_eq(l.n, 1);
            ck_assert_uint_eq(l.f[0].name_len, sizeof nm);
            ck_assert_mem_eq(l.f[0].name, nm, sizeof nm);
            ck_assert_uint_eq(l.f[0].value_len, sizeof v);
            ck_assert_mem_eq(l.f[0].value, v, sizeof v);
            dt_list_free(&l);
        }
    }
    h2c_hpack_decoder_free(d);
}
END_TEST

/* ---- states ---- */

START_TEST(state_walk)
{
    h2c_hpack_decoder *d = dec_default();
    /* Update 4096, literal "abc: abcd" with incremental indexing, then the
     * first octet of a long index. */
    uint8_t w[64];
    size_t n = hex("3fe11f 40 03 616263 04 61626364 ff00", w, sizeof w);
    static const struct {
        size_t at;
        h2c_hpack_decoder_state st;
    } walk[] = {
        { 0, H2C_HPACK_DS_BLOCK_START }, { 1, H2C_HPACK_DS_UPDATE_INT },
        { 2, H2C_HPACK_DS_UPDATE_INT },  { 3, H2C_HPACK_DS_REP_PREFIX },
        { 4, H2C_HPACK_DS_NAME_LEN },    { 5, H2C_HPACK_DS_NAME_DATA },
        { 7, H2C_HPACK_DS_NAME_DATA },   { 8, H2C_HPACK_DS_VALUE_LEN },
        { 9, H2C_HPACK_DS_VALUE_DATA },  { 12, H2C_HPACK_DS_VALUE_DATA },
        { 13, H2C_HPACK_DS_REP_PREFIX }, { 14, H2C_HPACK_DS_INDEX_INT },
    };
    size_t off = 0;
    for (size_t i = 0; i < sizeof walk / sizeof walk[0]; i++) {
        while (off < walk[i].at) {
            size_t used;
            h2c_hpack_field f;
            int rc = h2c_hpack_decoder_push(d, w + off, 1, &used, &f);
            ck_assert_int_ge(rc, 0);
            ck_assert_uint_eq(used, 1);
            off++;
        }
        ck_assert_msg(h2c_hpack_decoder_state_get(d) == walk[i].st, "at %zu: state %d", off,
                      (int)h2c_hpack_decoder_state_get(d));
    }
    (void)n;
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_HPACK_E_TRUNCATED);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_ERROR);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 14);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(name_index_state)
{
    h2c_hpack_decoder *d = dec_default();
    uint8_t w[2] = { 0x0f, 0x01 }; /* literal without indexing, name index 16 */
    size_t used;
    h2c_hpack_field f;
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w, 1, &used, &f), H2C_OK);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_INDEX_INT);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 1, 1, &used, &f), H2C_OK);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_VALUE_LEN);
    h2c_hpack_decoder_free(d);
}
END_TEST

/* ---- table size updates ---- */

START_TEST(update_sequence_at_block_start)
{
    h2c_hpack_decoder *d = dec_default();
    dt_list l = { 0 };
    ck_assert_int_eq(dec_hex(d, "4001610162", &l), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 1);
    /* Several updates: 0 empties the table, then 100. */
    ck_assert_int_eq(dec_hex(d, "20 3f45 82", &l), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), 100);
    /* An update-only block is fine. */
    ck_assert_int_eq(dec_hex(d, "3fe11f", &l), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), 4096);
    /* Updates may be split across pushes too. */
    uint8_t w[8];
    size_t n = hex("3f45 3f45 82", w, sizeof w);
    ck_assert_int_eq(dt_decode_step(d, w, n, 1, DT_GUARD, &l), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), 100);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(update_required_after_lowering)
{
    h2c_hpack_decoder *d = dec_default();
    dt_list l = { 0 };
    ck_assert_int_eq(dec_hex(d, "4001610162", &l), 0);
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 1000), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), 1000);
    ck_assert_int_eq(dec_hex(d, "82", &l), H2C_HPACK_E_TABLE_UPDATE_MISSING);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 0);
    h2c_hpack_decoder_reset(d);

    /* With the update it works, and the update may equal the new value. */
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 1000), 0);
    ck_assert_int_eq(dec_hex(d, "3fc907 82", &l), 0); /* 1000 */
    ck_assert_int_eq(dec_hex(d, "82", &l), 0);        /* only once */

    /* An empty block does not satisfy it. */
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 500), 0);
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_HPACK_E_TABLE_UPDATE_MISSING);
    h2c_hpack_decoder_reset(d);

    /* Lowered to 0 and raised back: an update <= 0 must come, then any. */
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 0), 0);
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 4096), 0);
    ck_assert_int_eq(dec_hex(d, "3fe11f 82", &l), H2C_HPACK_E_TABLE_UPDATE_MISSING);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 2);
    h2c_hpack_decoder_reset(d);
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 0), 0);
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 4096), 0);
    ck_assert_int_eq(dec_hex(d, "20 3fe11f 82", &l), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), 4096);

    /* Raising needs no update, and the table keeps its size until one
     * comes; the update may then use the new limit. */
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 8192), 0);
    ck_assert_int_eq(dec_hex(d, "82", &l), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), 4096);
    ck_assert_int_eq(dec_hex(d, "3fe13f 82", &l), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), 8192);
    ck_assert_int_eq(dec_hex(d, "3fe23f", &l), H2C_HPACK_E_TABLE_UPDATE_SIZE);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(update_limits)
{
    h2c_hpack_decoder *d = dec_default();
    dt_list l = { 0 };
    ck_assert_int_eq(dec_hex(d, "3fe21f", &l), H2C_HPACK_E_TABLE_UPDATE_SIZE); /* 4097 */
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 2);
    h2c_hpack_decoder_reset(d);
    ck_assert_int_eq(dec_hex(d, "82 20", &l), H2C_HPACK_E_TABLE_UPDATE_LATE);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 1);
    h2c_hpack_decoder_reset(d);
    /* Late even when the field ended a previous push of the same block. */
    uint8_t w[4] = { 0x82, 0x3f, 0x01 };
    size_t cut = 1;
    ck_assert_int_eq(dt_decode_cuts(d, w, 3, &cut, 1, DT_GUARD, &l), H2C_HPACK_E_TABLE_UPDATE_LATE);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 1);
    /* set_max_table_size in the middle of a block is a state error. */
    h2c_hpack_decoder_reset(d);
    size_t used;
    h2c_hpack_field f;
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w, 1, &used, &f), H2C_HPACK_FIELD);
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 100), H2C_E_STATE);
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_E_STATE);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

/* ---- sticky errors and reset ---- */

START_TEST(sticky_until_reset)
{
    h2c_hpack_decoder *d = dec_default();
    uint8_t w[4] = { 0x82, 0x80, 0x82 };
    size_t used;
    h2c_hpack_field f;
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w, 3, &used, &f), H2C_HPACK_FIELD);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 1, 2, &used, &f), H2C_HPACK_E_INDEX_ZERO);
    ck_assert_int_eq(h2c_hpack_decoder_error(d, NULL), H2C_HPACK_E_INDEX_ZERO);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 1);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 2, 1, &used, &f), H2C_HPACK_E_INDEX_ZERO);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w, 0, &used, &f), H2C_HPACK_E_INDEX_ZERO);
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_HPACK_E_INDEX_ZERO);
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 10), H2C_HPACK_E_INDEX_ZERO);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_ERROR);
    h2c_hpack_decoder_reset(d);
    ck_assert_int_eq(h2c_hpack_decoder_error(d, NULL), H2C_OK);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_BLOCK_START);
    dt_list l = { 0 };
    ck_assert_int_eq(dec_hex(d, "82", &l), 0);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(reset_restores_initial_settings)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_table_size = 300;
    h2c_hpack_decoder *d = dec_with(&o);
    dt_list l = { 0 };
    ck_assert_int_eq(dec_hex(d, "4001610162", &l), 0);
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, 100), 0);
    h2c_hpack_decoder_reset(d);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 0);
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), 300);
    ck_assert_int_eq(dec_hex(d, "82", &l), 0); /* no pending update */
    ck_assert_int_eq(dec_hex(d, "3f8d02", &l), 0); /* 300 is allowed again */
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

/* ---- leniency ---- */

START_TEST(lenient_unknown_index)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.lenient = H2C_HPACK_LENIENT_UNKNOWN_INDEX;
    h2c_hpack_decoder *d = dec_with(&o);
    dt_list l = { 0 };
    /* be: index 62 (empty table); 7f 01: incremental, name index 64;
     * then be again: now the entry just added. */
    ck_assert_int_eq(dec_hex(d, "be 7f01 0176 be", &l), 0);
    ck_assert_uint_eq(l.n, 3);
    ck_assert(dt_field_is(&l, 0, "<unknown index 62>", "<unknown index 62>"));
    ck_assert_uint_eq(l.f[0].flags, H2C_HPACK_F_INDEXED | H2C_HPACK_F_UNKNOWN);
    ck_assert_uint_eq(l.f[0].index, 62);
    ck_assert(dt_field_is(&l, 1, "<unknown index 64>", "v"));
    ck_assert_uint_eq(l.f[1].flags, H2C_HPACK_F_UNKNOWN);
    ck_assert(dt_field_is(&l, 2, "<unknown index 64>", "v"));
    ck_assert_uint_eq(l.f[2].flags, H2C_HPACK_F_INDEXED);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 1);
    /* Largest index. */
    uint8_t w[8];
    size_t n = h2c_int_encode(w, 0x80, 7, 0xffffffffu);
    ck_assert_int_eq(dt_decode(d, w, n, DT_GUARD, &l), 0);
    ck_assert(dt_field_is(&l, 3, "<unknown index 4294967295>", "<unknown index 4294967295>"));
    /* Index 0 is still an error. */
    ck_assert_int_eq(dec_hex(d, "80", &l), H2C_HPACK_E_INDEX_ZERO);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

/* ---- limits ---- */

START_TEST(string_length_limit)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_string_len = 10;
    h2c_hpack_decoder *d = dec_with(&o);
    uint8_t w[128];
    dt_list l = { 0 };
    /* Exactly 10: fine, plain and Huffman. */
    size_t n = dt_put_literal(w, 0x00, "abcdefghij", 10, "0123456789", 10, 0);
    n += dt_put_literal(w + n, 0x00, "abcdefghij", 10, "0123456789", 10, 1);
    ck_assert_int_eq(dt_decode_step(d, w, n, 1, DT_HEAP, &l), 0);
    ck_assert_uint_eq(l.n, 2);
    /* 11 plain: rejected at the length octet, before the data. */
    n = dt_put_literal(w, 0x00, "abcdefghijk", 11, "v", 1, 0);
    ck_assert_int_eq(dt_decode(d, w, 2, DT_GUARD, &l), H2C_HPACK_E_STRING_LENGTH);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 1);
    h2c_hpack_decoder_reset(d);
    /* 11 symbols Huffman-coded in 7 octets: caught while decoding, split
     * any way. */
    n = dt_put_literal(w, 0x00, "n", 1, "00000000000", 11, 1);
    ck_assert_uint_eq(w[3], 0x87);
    for (size_t step = 1; step <= n; step++) {
        h2c_hpack_decoder_reset(d);
        ck_assert_int_eq(dt_decode_step(d, w, n, step, DT_HEAP, &l), H2C_HPACK_E_STRING_LENGTH);
    }
    /* 10 zeros (7 octets: 50 bits) are fine. */
    h2c_hpack_decoder_reset(d);
    n = dt_put_literal(w, 0x00, "n", 1, "0000000000", 10, 1);
    ck_assert_int_eq(dt_decode_step(d, w, n, 1, DT_HEAP, &l), 0);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(field_count_limit)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_fields = 3;
    h2c_hpack_decoder *d = dec_with(&o);
    dt_list l = { 0 };
    ck_assert_int_eq(dec_hex(d, "828682", &l), 0);
    ck_assert_int_eq(dec_hex(d, "828682", &l), 0); /* per block */
    ck_assert_int_eq(dec_hex(d, "20 828682 40", &l), H2C_HPACK_E_FIELD_COUNT);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 4);
    ck_assert_uint_eq(l.n, 9);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

START_TEST(list_size_limit_exact)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    /* :method GET = 7 + 3 + 32 = 42; three of them = 126. */
    o.max_list_size = 126;
    h2c_hpack_decoder *d = dec_with(&o);
    dt_list l = { 0 };
    ck_assert_int_eq(dec_hex(d, "828282", &l), 0);
    ck_assert_int_eq(dec_hex(d, "82828282", &l), H2C_HPACK_E_LIST_SIZE);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 3);
    ck_assert_uint_eq(l.n, 6);
    h2c_hpack_decoder_reset(d);
    /* A literal is refused when its value length is read. 82 82 = 84, then a
     * name "abcd" (36 with overhead, fits), value of 7 (43 > 42). */
    ck_assert_int_eq(dec_hex(d, "8282 0004616263640741424344454647", &l), H2C_HPACK_E_LIST_SIZE);
    ck_assert_uint_eq(h2t_hpack_error_offset(d), 8);
    h2c_hpack_decoder_reset(d);
    /* ... and accepted at exactly the limit. */
    ck_assert_int_eq(dec_hex(d, "8282 00046162636406414243444546", &l), 0);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

/* A decoder with SKIP_OVERSIZED and this list limit. */
static h2c_hpack_decoder *dec_skipping(size_t max_list_size)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.flags = H2C_HPACK_SKIP_OVERSIZED;
    o.max_list_size = max_list_size;
    return dec_with(&o);
}

/* SKIP_OVERSIZED: a block past the limits is refused alone; its
 * insertions still reach the table, and the next block decodes. */
START_TEST(skip_oversized_keeps_table_in_sync)
{
    static const size_t steps[] = { 0, 1, 2, 5 };
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        h2c_hpack_decoder *d = dec_skipping(100);
        uint8_t w[64];
        dt_list l = { 0 };
        /* :method GET twice (84), then abcd: wxyz with incremental indexing
         * (40 more: past 100), then :method GET again. */
        size_t n = hex("8282 4004616263640477787978 82", w, sizeof w);
        int rc = steps[k] ? dt_decode_step(d, w, n, steps[k], DT_GUARD, &l)
                          : dt_decode(d, w, n, DT_GUARD, &l);
        ck_assert_int_eq(rc, H2C_HPACK_E_LIST_SIZE);
        ck_assert_uint_eq(l.n, 2); /* only the fields within the limit */
        ck_assert_int_eq(h2c_hpack_decoder_error(d, NULL), H2C_OK);
        ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_BLOCK_START);
        ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 1);
        /* The entry the refused block inserted is index 62. */
        dt_list_free(&l);
        ck_assert_int_eq(dec_hex(d, "be 82", &l), H2C_OK);
        ck_assert_uint_eq(l.n, 2);
        ck_assert(dt_field_is(&l, 0, "abcd", "wxyx"));
        dt_list_free(&l);
        /* A field count past max_fields is refused the same way; raised
         * limits apply from the next field. */
        ck_assert_int_eq(h2c_hpack_decoder_set_list_limits(d, 100, 1), H2C_OK);
        ck_assert_int_eq(dec_hex(d, "8282", &l), H2C_HPACK_E_FIELD_COUNT);
        ck_assert_uint_eq(l.n, 1);
        ck_assert_int_eq(h2c_hpack_decoder_set_list_limits(d, 200, 8), H2C_OK);
        ck_assert_int_eq(dec_hex(d, "828282", &l), H2C_OK);
        ck_assert_uint_eq(l.n, 4);
        ck_assert_int_eq(h2c_hpack_decoder_set_list_limits(d, 0, 8), H2C_E_INVALID_ARGUMENT);
        ck_assert_int_eq(h2c_hpack_decoder_set_list_limits(d, 8, 0), H2C_E_INVALID_ARGUMENT);
        ck_assert_int_eq(h2c_hpack_decoder_set_list_limits(NULL, 8, 8), H2C_E_INVALID_ARGUMENT);
        /* Other errors still end the decoder. */
        ck_assert_int_eq(dec_hex(d, "8282 ff", &l), H2C_HPACK_E_TRUNCATED);
        ck_assert_int_eq(h2c_hpack_decoder_error(d, NULL), H2C_HPACK_E_TRUNCATED);
        dt_list_free(&l);
        h2c_hpack_decoder_free(d);
    }
}
END_TEST

/* SKIP_OVERSIZED, with the limits reached exactly at indexed fields (the
 * fast path's own accounting), whole and split: a field at the limit is
 * handed out, the next is not, nor any later one, even one that would fit
 * the room left. */
START_TEST(skip_oversized_limits_at_indexed_fields)
{
    /* Blocks in order, each with the limits set before it.  :method GET
     * is 42, three of them 126; abcd: wxyx (40) becomes index 62 (be);
     * age: "" (static 21, 95) is 35. */
    static const struct {
        size_t list;
        uint32_t fields;
        const char *hex;
        int rc;
        size_t n;
    } blocks[] = {
        { 126, 3, "828282", H2C_OK, 3 },
        { 126, 3, "82828282", H2C_HPACK_E_FIELD_COUNT, 3 },
        { 126, 8, "82828282", H2C_HPACK_E_LIST_SIZE, 3 },
        { 126, 8, "82", H2C_OK, 1 },
        { 120, 8, "4004616263640477787978", H2C_OK, 1 },
        /* 84, then be makes 124: age would fit the 36 left, but no. */
        { 120, 8, "8282be95", H2C_HPACK_E_LIST_SIZE, 2 },
        { 120, 8, "82be95", H2C_OK, 3 }, /* 117 */
    };
    static const size_t steps[] = { 0, 1, 2, 3 };
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        h2c_hpack_decoder *d = dec_skipping(65536); /* limits set per block */
        for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
            uint8_t w[64];
            size_t n = hex(blocks[i].hex, w, sizeof w);
            dt_list l = { 0 };
            ck_assert_int_eq(h2c_hpack_decoder_set_list_limits(d, blocks[i].list,
                                                               blocks[i].fields),
                             H2C_OK);
            int rc = steps[k] ? dt_decode_step(d, w, n, steps[k], DT_GUARD, &l)
                              : dt_decode(d, w, n, DT_GUARD, &l);
            ck_assert_int_eq(rc, blocks[i].rc);
            ck_assert_uint_eq(l.n, blocks[i].n);
            ck_assert_int_eq(h2c_hpack_decoder_error(d, NULL), H2C_OK);
            if (i == 6) {
                ck_assert(dt_field_is(&l, 1, "abcd", "wxyx"));
                ck_assert(dt_field_is(&l, 2, "age", ""));
            }
            dt_list_free(&l);
        }
        h2c_hpack_decoder_free(d);
    }
}
END_TEST

/* Limits raised in the middle of a skipped block do not bring it back. */
START_TEST(skip_oversized_raised_mid_block)
{
    h2c_hpack_decoder *d = dec_skipping(100);
    uint8_t w[8];
    size_t n = hex("82828282", w, sizeof w), used = 0;
    h2c_hpack_field f;
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w, n, &used, &f), H2C_HPACK_FIELD);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 1, n - 1, &used, &f), H2C_HPACK_FIELD);
    ck_assert_uint_eq(used, 1);
    /* The third is past 100: it and the fourth are decoded, not handed out. */
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 2, 1, &used, &f), H2C_OK);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(h2c_hpack_decoder_set_list_limits(d, 65536, 1024), H2C_OK);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 3, 1, &used, &f), H2C_OK);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_HPACK_E_LIST_SIZE);
    /* The next block has the raised limits. */
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w, n, &used, &f), H2C_HPACK_FIELD);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 1, n - 1, &used, &f), H2C_HPACK_FIELD);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 2, n - 2, &used, &f), H2C_HPACK_FIELD);
    ck_assert_int_eq(h2c_hpack_decoder_push(d, w + 3, n - 3, &used, &f), H2C_HPACK_FIELD);
    ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_OK);
    h2c_hpack_decoder_free(d);
}
END_TEST

/* Limits lowered in the middle of a block below what it already holds:
 * the block is over them from its next field, in both modes, through the
 * indexed fast path (82) and the literal path alike.  (Unsigned room left
 * used to wrap, and the rest of the block went unlimited.) */
START_TEST(limits_lowered_mid_block)
{
    static const char *const rest[] = { "82", "4004616263640477787978" };
    for (int skip = 0; skip < 2; skip++) {
        for (size_t k = 0; k < 2; k++) {
            h2c_hpack_decoder_options o;
            h2c_hpack_decoder_options_init(&o);
            if (skip)
                o.flags |= H2C_HPACK_SKIP_OVERSIZED;
            h2c_hpack_decoder *d = dec_with(&o);
            uint8_t w[32];
            size_t n = hex(rest[k], w, sizeof w), used = 0;
            h2c_hpack_field f;
            static const uint8_t two[] = { 0x82, 0x82 };
            ck_assert_int_eq(h2c_hpack_decoder_push(d, two, 2, &used, &f), H2C_HPACK_FIELD);
            ck_assert_int_eq(h2c_hpack_decoder_push(d, two + 1, 1, &used, &f), H2C_HPACK_FIELD);
            /* 84 held; the limit drops to 50 */
            ck_assert_int_eq(h2c_hpack_decoder_set_list_limits(d, 50, 100), H2C_OK);
            int rc = h2c_hpack_decoder_push(d, w, n, &used, &f);
            if (skip) {
                ck_assert_int_eq(rc, H2C_OK); /* decoded, not handed out */
                ck_assert_uint_eq(used, n);
                ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_HPACK_E_LIST_SIZE);
                ck_assert_int_eq(h2c_hpack_decoder_error(d, NULL), H2C_OK);
            } else {
                ck_assert_int_eq(rc, H2C_HPACK_E_LIST_SIZE);
            }
            h2c_hpack_decoder_free(d);
        }
    }
}
END_TEST

/* Without the flag the same block fails the decoder, as before. */
START_TEST(list_size_without_skip_is_sticky)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_list_size = 100;
    h2c_hpack_decoder *d = dec_with(&o);
    dt_list l = { 0 };
    ck_assert_int_eq(dec_hex(d, "8282 4004616263640477787978 82", &l), H2C_HPACK_E_LIST_SIZE);
    ck_assert_int_eq(h2c_hpack_decoder_error(d, NULL), H2C_HPACK_E_LIST_SIZE);
    ck_assert_int_eq(dec_hex(d, "82", &l), H2C_HPACK_E_LIST_SIZE);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
}
END_TEST

/* ---- memory ---- */

START_TEST(steady_state_allocates_nothing)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.allocator = &a;
    h2c_hpack_decoder *d = dec_with(&o);
    uint8_t w[2048];
    char v[300];
    memset(v, 'q', sizeof v);
    size_t n = 0;
    for (int i = 0; i < 8; i++)
        n += dt_put_literal(w + n, i % 2 ? 0x40 : 0x00, "custom-name", 11, v, 100 + 20 * (size_t)i,
                         i % 3 == 0);
    dt_list l = { 0 };
    for (int round = 0; round < 2; round++) {
        ck_assert_int_eq(dt_decode_step(d, w, n, 1, DT_HEAP, &l), 0);
        ck_assert_int_eq(dt_decode_step(d, w, n, 13, DT_HEAP, &l), 0);
        ck_assert_int_eq(dt_decode(d, w, n, DT_HEAP, &l), 0);
    }
    unsigned long calls = fa.calls;
    for (int round = 0; round < 5; round++) {
        ck_assert_int_eq(dt_decode_step(d, w, n, 1, DT_HEAP, &l), 0);
        ck_assert_int_eq(dt_decode_step(d, w, n, 13, DT_HEAP, &l), 0);
        ck_assert_int_eq(dt_decode(d, w, n, DT_HEAP, &l), 0);
    }
    ck_assert_uint_eq(fa.calls, calls);
    /* reset keeps memory. */
    h2c_hpack_decoder_reset(d);
    ck_assert_int_eq(dt_decode_step(d, w, n, 1, DT_HEAP, &l), 0);
    ck_assert_uint_eq(fa.calls, calls);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

/* Blocks received whole, strings growing up to a 1500-octet name and
 * value, Huffman-coded: scratch grows with them, a logarithmic number of
 * times, and once the table is full, repeating a block allocates nothing. */
START_TEST(growing_whole_blocks_allocate_once)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.allocator = &a;
    h2c_hpack_decoder *d = dec_with(&o);
    static uint8_t w[8192];
    static char v[1500];
    for (size_t i = 0; i < sizeof v; i++)
        v[i] = (char)('a' + i % 26);
    dt_list l = { 0 };
    unsigned long calls = 0;
    size_t n = 0;
    for (size_t len = 1; len <= sizeof v; len += len / 2 + 1) {
        n = dt_put_literal(w, 0x00, v, len, v, len, 1);
        n += dt_put_literal(w + n, 0x40, "x", 1, v, len / 4, 1);
        ck_assert_int_eq(dt_decode(d, w, n, DT_HEAP, &l), 0);
        ck_assert_uint_eq(l.n, 2);
        ck_assert_uint_eq(l.f[0].value_len, len);
        ck_assert_mem_eq(l.f[0].value, v, len);
        dt_list_free(&l);
        if (len == 1)
            calls = fa.calls; /* the decoder, the table, the scratch */
    }
    /* 16 sizes, from 1 to 1500 octets: the table (arena and index) grows
     * at most once a size, the scratch only a few times in all. */
    ck_assert_uint_le(fa.calls - calls, 2 * 15 + 6);
    /* The largest block again: its entry fills the table (ten of them fit)
     * and the table grows to its working size, then stops. */
    for (int round = 0; round < 16; round++) {
        if (round == 12)
            calls = fa.calls;
        ck_assert_int_eq(dt_decode(d, w, n, DT_HEAP, &l), 0);
        dt_list_free(&l);
    }
    ck_assert_uint_eq(fa.calls, calls);
    h2c_hpack_decoder_free(d);
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

START_TEST(memory_bounded_by_limits)
{
    /* Memory stays within the documented bound: 2.5 * max_table_size for
     * the table, 2 * max_string_len + 1 of scratch (held twice while it
     * grows with a name to keep), and the decoder itself. */
    h2t_failalloc fa = { 0 };
    h2c_allocator a = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.allocator = &a;
    o.max_string_len = 5000;
    o.max_list_size = 1u << 20;
    h2c_hpack_decoder *d = dec_with(&o);
    static uint8_t w[80000];
    static char v[5000];
    memset(v, 'x', sizeof v);
    size_t n = 0;
    for (int i = 0; i < 6; i++)
        n += dt_put_literal(w + n, 0x40, v, 5000 - (size_t)i, v, 5000, i % 2);
    dt_list l = { 0 };
    ck_assert_int_eq(dt_decode_step(d, w, n, 3, DT_HEAP, &l), 0);
    ck_assert_uint_le(fa.peak_bytes, 4096 * 5 / 2 + 2 * (2 * 5000 + 1) + 1024);
    ck_assert_uint_le(fa.live_bytes, 4096 * 5 / 2 + (2 * 5000 + 1) + 1024);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

/* SETTINGS_HEADER_TABLE_SIZE = 2^32-1 acknowledged, a size update to it,
 * one insertion: memory follows the entry, not the maximum (a decoder that
 * sized its table to the maximum would map gigabytes here). */
START_TEST(huge_table_setting_allocates_little)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.allocator = &a;
    h2c_hpack_decoder *d = dec_with(&o);
    size_t before = fa.live_bytes;
    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d, UINT32_MAX), H2C_OK);
    ck_assert_uint_eq(fa.live_bytes, before); /* the setting alone allocates nothing */
    uint8_t w[64];
    /* Size update to 4294967295, then "a: b" with incremental indexing. */
    static const uint8_t update[] = { 0x3f, 0xe0, 0xff, 0xff, 0xff, 0x0f };
    memcpy(w, update, sizeof update);
    size_t n = sizeof update + dt_put_literal(w + sizeof update, 0x40, "a", 1, "b", 1, 0);
    dt_list l = { 0 };
    ck_assert_int_eq(dt_decode(d, w, n, DT_HEAP, &l), 0);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), UINT32_MAX);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), 1);
    /* The entry's two octets take a small arena and index: a few hundred
     * octets at most next to the decoder itself. */
    ck_assert_uint_le(fa.live_bytes - before, 512);
    ck_assert_uint_le(fa.peak_bytes, before + 512);
    dt_list_free(&l);
    h2c_hpack_decoder_free(d);
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

/* Indexes of two and three octets (dynamic entries past 66, large
 * tables): decoded whole and octet by octet, the same fields, naming the
 * right entries, and a missing entry fails the same way. */
START_TEST(long_indexes_whole_and_split)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_table_size = 65536;
    h2c_hpack_decoder *d[2] = {dec_with(&o), dec_with(&o)};
    static uint8_t w[16384];
    size_t n = 0;
    char name[16], value[16];
    /* 300 entries "n<k>: v<k>", k = 0..299: entry k has index 62 + 299 - k. */
    for (int k = 0; k < 300; k++) {
        int nl = snprintf(name, sizeof name, "n%d", k), vl = snprintf(value, sizeof value, "v%d", k);
        n += dt_put_literal(w + n, 0x40, name, (size_t)nl, value, (size_t)vl, 0);
    }
    static const uint32_t idx[] = {62, 126, 127, 128, 200, 254, 255, 256, 300, 361};
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
        n += h2c_int_encode(w + n, 0x80, 7, idx[i]);
    }
    dt_list l[2] = {{0}, {0}};
    ck_assert_int_eq(dt_decode(d[0], w, n, DT_HEAP, &l[0]), 0);
    ck_assert_int_eq(dt_decode_step(d[1], w, n, 1, DT_HEAP, &l[1]), 0);
    ck_assert(dt_list_equal(&l[0], &l[1]));
    ck_assert_uint_eq(l[0].n, 310);
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
        int k = 299 - (int)(idx[i] - 62);
        snprintf(name, sizeof name, "n%d", k);
        snprintf(value, sizeof value, "v%d", k);
        ck_assert(dt_field_is(&l[0], 300 + i, name, value));
    }
    dt_list_free(&l[0]);
    dt_list_free(&l[1]);
    /* Index 362: no such entry, whole or split. */
    uint8_t bad[4];
    size_t bn = h2c_int_encode(bad, 0x80, 7, 362);
    ck_assert_int_eq(dt_decode(d[0], bad, bn, DT_HEAP, &l[0]), H2C_HPACK_E_INDEX_RANGE);
    ck_assert_int_eq(dt_decode_step(d[1], bad, bn, 1, DT_HEAP, &l[1]), H2C_HPACK_E_INDEX_RANGE);
    dt_list_free(&l[0]);
    dt_list_free(&l[1]);
    h2c_hpack_decoder_free(d[0]);
    h2c_hpack_decoder_free(d[1]);
}
END_TEST

START_TEST(announced_length_allocates_nothing)
{
    /* Limits off; strings announced at 3 GB, plain and Huffman, name and
     * value, with a few octets behind them: memory follows the octets
     * received, not the announced lengths. */
    h2t_failalloc fa = { 0 };
    h2c_allocator a = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.allocator = &a;
    o.max_string_len = SIZE_MAX;
    o.max_list_size = SIZE_MAX;
    static const uint8_t pattern[] = { 0x00, 0x04, 0x40, 0x10 };
    for (int k = 0; k < 8; k++) {
        h2c_hpack_decoder *d = dec_with(&o);
        uint8_t w[64];
        size_t n = 0;
        w[n++] = pattern[k % 4];
        if (w[0] == 0x04 || k >= 4) {
            if (w[0] != 0x04) /* a short literal name first */
                n += dt_put_str(w + n, "nm", 2, 0);
        }
        n += h2c_int_encode(w + n, k % 2 ? 0x80 : 0x00, 7, 3000000000u);
        memset(w + n, 0x41, 20);
        n += 20;
        for (size_t i = 0; i < n; i++) {
            size_t used;
            h2c_hpack_field f;
            ck_assert_int_eq(h2c_hpack_decoder_push(d, w + i, 1, &used, &f), H2C_OK);
        }
        ck_assert_uint_le(fa.peak_bytes, 4096 * 5 / 2 + 1024);
        ck_assert_int_eq(h2c_hpack_decoder_finish(d), H2C_HPACK_E_TRUNCATED);
        h2c_hpack_decoder_free(d);
        ck_assert_int_eq(fa.live, 0);
    }
}
END_TEST

/* ---- whole representations (fast path) against the state machine ---- */

/* xorshift32: an LCG's low bits are too regular for '% n' choices. */
static uint32_t rnd32(uint32_t *seed)
{
    uint32_t x = *seed;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *seed = x;
}

/* A string literal: text or any octets, plain or Huffman, lengths on both
 * sides of the 7-bit prefix; sometimes a Huffman body of random octets
 * (bad padding, EOS). */
static size_t random_str(uint32_t *seed, uint8_t *w)
{
    static char txt[400];
    size_t len;
    switch (rnd32(seed) % 16) {
    case 0: len = rnd32(seed) % 300; break;
    case 1: len = 120 + rnd32(seed) % 16; break; /* the 7-bit prefix boundary */
    case 2: case 3: len = 34 + rnd32(seed) % 16; break; /* around tight limits */
    default: len = rnd32(seed) % 24; break;
    }
    for (size_t i = 0; i < len; i++)
        txt[i] = rnd32(seed) % 8 ? (char)('a' + rnd32(seed) % 26) : (char)rnd32(seed);
    if (rnd32(seed) % 64 == 0) { /* Huffman flag over arbitrary octets */
        size_t n = h2c_int_encode(w, 0x80, 7, (uint32_t)len);
        memcpy(w + n, txt, len);
        return n + len;
    }
    return dt_put_str(w, txt, len, (int)(rnd32(seed) % 2));
}

/* A random block: every representation, static and dynamic indexes (some
 * past the table's 'count' entries), multi-octet integers, size updates;
 * sometimes an octet flipped or the block cut short. */
static size_t random_block(uint32_t *seed, uint8_t *w, size_t count)
{
    size_t n = 0;
    if (rnd32(seed) % 8 == 0)
        n += h2c_int_encode(w + n, 0x20, 5, rnd32(seed) % 4500);
    unsigned reps = rnd32(seed) % 12;
    for (unsigned r = 0; r < reps; r++) {
        uint32_t idx = rnd32(seed) % 2 ? 1 + rnd32(seed) % 61
                       : 62 + rnd32(seed) % (rnd32(seed) % 32 ? count ? count : 1 : 300);
        switch (rnd32(seed) % 5) {
        case 0:
            n += h2c_int_encode(w + n, 0x80, 7, rnd32(seed) % 16 ? idx : rnd32(seed) % 2);
            break;
        case 1: /* literal, indexed name */
            if (rnd32(seed) % 2)
                n += h2c_int_encode(w + n, 0x40, 6, idx);
            else
                n += h2c_int_encode(w + n, rnd32(seed) % 2 ? 0x10 : 0x00, 4, idx);
            n += random_str(seed, w + n);
            break;
        default: /* literal, new name */
            w[n++] = (uint8_t)(rnd32(seed) % 3 ? 0x40 : (rnd32(seed) % 2 ? 0x10 : 0x00));
            n += random_str(seed, w + n);
            n += random_str(seed, w + n);
            break;
        }
    }
    if (n && rnd32(seed) % 24 == 0)
        w[rnd32(seed) % n] ^= (uint8_t)(1u << rnd32(seed) % 8);
    if (n && rnd32(seed) % 24 == 0)
        n -= 1 + rnd32(seed) % n;
    return n;
}

static void same_decoders(h2c_hpack_decoder *const d[3])
{
    for (int i = 1; i < 3; i++) {
        ck_assert_uint_eq(h2c_hpack_decoder_table_size(d[i]), h2c_hpack_decoder_table_size(d[0]));
        ck_assert_uint_eq(h2c_hpack_decoder_table_count(d[i]), h2c_hpack_decoder_table_count(d[0]));
        ck_assert_uint_eq(h2c_hpack_decoder_table_max(d[i]), h2c_hpack_decoder_table_max(d[0]));
        ck_assert_int_eq(h2c_hpack_decoder_state_get(d[i]), h2c_hpack_decoder_state_get(d[0]));
    }
}

/* Blocks pushed whole (whole representations: the fast path), octet by
 * octet (the state machine, except for one-octet indexed fields) and at
 * random cuts give the same fields, statuses, error offsets and tables,
 * with default, tight and lenient options. */
START_TEST(whole_equals_split_random)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    if (_i == 1) {
        o.max_string_len = 40;
        o.max_list_size = 700;
        o.max_fields = 6;
        o.max_table_size = 300;
    } else if (_i == 3) {
        o.max_string_len = 45;
        o.max_list_size = 260;
    } else if (_i == 2) {
        o.lenient = H2C_HPACK_LENIENT_UNKNOWN_INDEX;
    }
    uint32_t seed = 1000u + (uint32_t)_i;
    static uint8_t w[16384];
    h2c_hpack_decoder *d[3] = {dec_with(&o), dec_with(&o), dec_with(&o)};
    for (int block = 0; block < 1500; block++) {
        if (rnd32(&seed) % 20 == 0) {
            uint32_t m = rnd32(&seed) % 5000;
            for (int i = 0; i < 3; i++)
                ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d[i], m), H2C_OK);
        }
        size_t n = random_block(&seed, w, h2c_hpack_decoder_table_count(d[0]));
        size_t cuts[3];
        size_t ncuts = n > 1 ? 1 + rnd32(&seed) % 3 : 0;
        for (size_t c = 0; c < ncuts; c++)
            cuts[c] = 1 + rnd32(&seed) % (n - 1);
        for (size_t c = 1; c < ncuts; c++) /* ascending */
            for (size_t k = c; k > 0 && cuts[k - 1] > cuts[k]; k--) {
                size_t t = cuts[k];
                cuts[k] = cuts[k - 1];
                cuts[k - 1] = t;
            }
        dt_list l[3] = {{0}, {0}, {0}};
        int rc[3];
        rc[0] = dt_decode(d[0], w, n, DT_HEAP, &l[0]);
        rc[1] = dt_decode_step(d[1], w, n, 1, DT_HEAP, &l[1]);
        rc[2] = dt_decode_cuts(d[2], w, n, cuts, ncuts, DT_HEAP, &l[2]);
        for (int i = 1; i < 3; i++) {
            ck_assert_msg(rc[i] == rc[0], "block %d: %s whole, %s split", block,
                          h2c_status_name(rc[0]), h2c_status_name(rc[i]));
            ck_assert(dt_list_equal(&l[i], &l[0]));
            if (rc[0] < 0)
                ck_assert_uint_eq(h2t_hpack_error_offset(d[i]),
                                  h2t_hpack_error_offset(d[0]));
        }
        same_decoders(d);
        /* One-octet indexed fields take the same path in every run: check
         * those of the static table against it. */
        for (size_t k = 0; k < l[0].n; k++) {
            const dt_field *x = &l[0].f[k];
            if (!(x->flags & H2C_HPACK_F_INDEXED) || x->index > H2C_STATIC_COUNT)
                continue;
            const h2c_static_entry *e = &h2c_static_table[x->index - 1];
            ck_assert_uint_eq(x->flags, H2C_HPACK_F_INDEXED);
            ck_assert_int_eq(x->indexing, H2C_HPACK_INDEX_YES);
            ck_assert_uint_eq(x->name_len, e->name_len);
            ck_assert_uint_eq(x->value_len, e->value_len);
            ck_assert_mem_eq(x->name, e->name, e->name_len);
            ck_assert_mem_eq(x->value, e->value, e->value_len);
        }
        for (int i = 0; i < 3; i++) {
            dt_list_free(&l[i]);
            if (rc[0] < 0)
                h2c_hpack_decoder_reset(d[i]);
        }
    }
    for (int i = 0; i < 3; i++)
        h2c_hpack_decoder_free(d[i]);
}
END_TEST

/* ---- status vocabulary ---- */

START_TEST(status_strings)
{
    static const int all[] = { 0,    101,  -101, -102, -103, -104, -105, -106, -107, -108,
                               -109, -110, -111, -112, -113, -1,   -2,   -3,   -4 };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        int s = all[i];
        ck_assert_ptr_nonnull(h2c_strerror(s));
        ck_assert_str_ne(h2c_strerror(s), "unknown status");
        ck_assert_str_ne(h2c_status_name(s), "H2C_E_UNKNOWN");
        uint32_t e = h2c_status_h2_error(s);
        if (s >= -113 && s <= -101) {
            ck_assert_uint_eq(e, 0x9);
            ck_assert_str_eq(h2c_h2_error_name(h2c_status_h2_error(s)), "COMPRESSION_ERROR");
        } else if (s == H2C_E_NOMEM) {
            ck_assert_uint_eq(e, 0x2);
            ck_assert_str_eq(h2c_h2_error_name(h2c_status_h2_error(s)), "INTERNAL_ERROR");
        } else {
            ck_assert_uint_eq(e, 0x0);
            ck_assert_str_eq(h2c_h2_error_name(h2c_status_h2_error(s)), "NO_ERROR");
        }
    }
    ck_assert_str_eq(h2c_status_name(H2C_HPACK_E_HUFFMAN_PADDING),
                     "H2C_HPACK_E_HUFFMAN_PADDING");
    ck_assert_str_eq(h2c_strerror(H2C_HPACK_E_HUFFMAN_PADDING),
                     "Huffman padding longer than 7 bits");
    ck_assert_str_eq(h2c_strerror(12345), "unknown status");
    ck_assert_str_eq(h2c_status_name(-99), "H2C_E_UNKNOWN");
    ck_assert_str_eq(h2c_status_name(-114), "H2C_E_UNKNOWN");
    ck_assert_str_eq(h2c_strerror(-114), "unknown status");
    /* Names are distinct. */
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        for (size_t j = i + 1; j < sizeof all / sizeof all[0]; j++)
            ck_assert_str_ne(h2c_status_name(all[i]), h2c_status_name(all[j]));
    ck_assert_str_eq(h2c_version(), "0.2.0");
    ck_assert_str_eq(h2c_version(), H2CODEC_VERSION);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hpack_decoder");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, options_defaults);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, one_field_per_push_call);
    tcase_add_test(tc, zero_copy_pointers);
    tcase_add_test(tc, name_survives_its_input);
    tcase_add_test(tc, never_indexed_kept);
    tcase_add_test(tc, multi_octet_indexes);
    tcase_add_test(tc, evicted_name_reference);
    tcase_add_test(tc, entry_larger_than_table);
    tcase_add_test(tc, empty_strings);
    tcase_add_test(tc, long_strings_any_split);
    tcase_add_test(tc, state_walk);
    tcase_add_test(tc, name_index_state);
    tcase_add_test(tc, update_sequence_at_block_start);
    tcase_add_test(tc, update_required_after_lowering);
    tcase_add_test(tc, update_limits);
    tcase_add_test(tc, sticky_until_reset);
    tcase_add_test(tc, reset_restores_initial_settings);
    tcase_add_test(tc, lenient_unknown_index);
    tcase_add_test(tc, string_length_limit);
    tcase_add_test(tc, field_count_limit);
    tcase_add_test(tc, list_size_limit_exact);
    tcase_add_test(tc, skip_oversized_keeps_table_in_sync);
    tcase_add_test(tc, skip_oversized_limits_at_indexed_fields);
    tcase_add_test(tc, skip_oversized_raised_mid_block);
    tcase_add_test(tc, limits_lowered_mid_block);
    tcase_add_test(tc, list_size_without_skip_is_sticky);
    tcase_add_test(tc, steady_state_allocates_nothing);
    tcase_add_test(tc, growing_whole_blocks_allocate_once);
    tcase_add_test(tc, memory_bounded_by_limits);
    tcase_add_test(tc, huge_table_setting_allocates_little);
    tcase_add_test(tc, long_indexes_whole_and_split);
    tcase_add_test(tc, announced_length_allocates_nothing);
    tcase_add_test(tc, status_strings);
    tcase_add_loop_test(tc, whole_equals_split_random, 0, 4);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_run_suite(suite());
}
