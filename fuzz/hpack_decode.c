/* SPDX-License-Identifier: MIT */
/*
 * hpack_decode -- the HPACK decoder fed the same blocks one-shot and in
 * fragments must give the same fields, or fail with the same error at the
 * same offset.
 *
 * Input:
 *   table:u16be  acknowledged SETTINGS_HEADER_TABLE_SIZE at creation
 *   list:u8      max_list_size = list * 32, 0 = default
 *   str:u8       max_string_len = str, 0 = default
 *   fields:u8    max_fields = fields, 0 = default
 *   flags:u8     0x01 lenient unknown index, 0x02 empty push at each
 *                fragment boundary, 0x04 a third decoder whose allocator
 *                fails from call fail_at + 1 on
 *   fail_at:u8
 *   pattern:4    fragment sizes for the split decoder (0 = the rest)
 *   then block records (hpack_step.h) until the input ends.
 *
 * Decoder A is fed each block in one piece, B in fragments (exact-size heap
 * copies, so over-reads and stale pointers into old fragments show up), C
 * (optional) one-shot through a failing allocator: C must match A until it
 * reports H2C_E_NOMEM, and then only fail.
 *
 * Checked as well: sticky errors, the limits, the table accounting, and that
 * A's and B's dynamic tables are identical after every block.
 */
#include <string.h>

#include "hpack_step.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct limits {
    size_t list, str;
    uint32_t fields;
} limits;

/* What every decoded field must satisfy, whatever the input. */
static void check_field(const h2c_hpack_field *f, const limits *lim, size_t *list_sum,
                        uint32_t *count)
{
    H2C_FUZZ_CHECK(f->indexing >= H2C_HPACK_INDEX_YES && f->indexing <= H2C_HPACK_INDEX_NEVER);
    H2C_FUZZ_CHECK(f->reserved == 0);
    H2C_FUZZ_CHECK((f->flags & (H2C_HPACK_F_PLAIN | H2C_HPACK_F_HUFFMAN)) == 0);
    H2C_FUZZ_CHECK(f->name.len == 0 || f->name.ptr != NULL);
    H2C_FUZZ_CHECK(f->value.len == 0 || f->value.ptr != NULL);
    if (f->flags & H2C_HPACK_F_INDEXED) {
        H2C_FUZZ_CHECK(f->indexing == H2C_HPACK_INDEX_YES);
        H2C_FUZZ_CHECK(f->index != 0);
        H2C_FUZZ_CHECK((f->flags & (H2C_HPACK_F_NAME_HUFFMAN | H2C_HPACK_F_VALUE_HUFFMAN)) == 0);
    }
    if (f->index == 0)
        H2C_FUZZ_CHECK((f->flags & H2C_HPACK_F_INDEXED) == 0);
    else
        H2C_FUZZ_CHECK((f->flags & H2C_HPACK_F_NAME_HUFFMAN) == 0);
    *count += 1;
    H2C_FUZZ_CHECK(*count <= lim->fields);
    if (f->flags & H2C_HPACK_F_UNKNOWN)
        return;
    if (!(f->flags & H2C_HPACK_F_INDEXED)) {
        H2C_FUZZ_CHECK(f->value.len <= lim->str);
        if (f->index == 0)
            H2C_FUZZ_CHECK(f->name.len <= lim->str);
    }
    *list_sum += f->name.len + f->value.len + 32;
    H2C_FUZZ_CHECK(*list_sum <= lim->list);
}

/* Table accounting (RFC 7541 section 4.1) and bounds. */
static void check_table(const h2c_hpack_decoder *d)
{
    size_t n = h2c_hpack_decoder_table_count(d), sum = 0;
    h2c_hpack_field e;
    for (size_t i = 1; i <= n; i++) {
        H2C_FUZZ_CHECK(h2c_hpack_decoder_table_get(d, i, &e) == H2C_OK);
        sum += e.name.len + e.value.len + 32;
    }
    H2C_FUZZ_CHECK(h2c_hpack_decoder_table_get(d, n + 1, &e) == H2C_HPACK_E_INDEX_RANGE);
    H2C_FUZZ_CHECK(h2c_hpack_decoder_table_get(d, 0, &e) < 0);
    H2C_FUZZ_CHECK(sum == h2c_hpack_decoder_table_size(d));
    H2C_FUZZ_CHECK(sum <= h2c_hpack_decoder_table_max(d));
}

static void check_same_tables(const h2c_hpack_decoder *a, const h2c_hpack_decoder *b)
{
    size_t n = h2c_hpack_decoder_table_count(a);
    h2c_hpack_field ea, eb;
    H2C_FUZZ_CHECK(n == h2c_hpack_decoder_table_count(b));
    H2C_FUZZ_CHECK(h2c_hpack_decoder_table_size(a) == h2c_hpack_decoder_table_size(b));
    H2C_FUZZ_CHECK(h2c_hpack_decoder_table_max(a) == h2c_hpack_decoder_table_max(b));
    for (size_t i = 1; i <= n; i++) {
        H2C_FUZZ_CHECK(h2c_hpack_decoder_table_get(a, i, &ea) == H2C_OK);
        H2C_FUZZ_CHECK(h2c_hpack_decoder_table_get(b, i, &eb) == H2C_OK);
        H2C_FUZZ_CHECK(h2c_fuzz_eq(ea.name.ptr, ea.name.len, eb.name.ptr, eb.name.len));
        H2C_FUZZ_CHECK(h2c_fuzz_eq(ea.value.ptr, ea.value.len, eb.value.ptr, eb.value.len));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h2c_fuzz_reader r;
    h2c_hpack_decoder_options opt;
    h2c_allocator hooks;
    h2c_fuzz_alloc fa = {0, 0, 0};
    h2c_hpack_decoder *da = NULL, *db = NULL, *dc = NULL;
    h2c_fuzz_hdec a, b, c;
    h2c_fuzz_chunker ch;
    h2c_fuzz_block blk;
    limits lim;
    uint8_t v, flags;

    h2c_fuzz_reader_init(&r, data, size);
    h2c_hpack_decoder_options_init(&opt);
    opt.max_table_size = h2c_fuzz_u16(&r);
    if ((v = h2c_fuzz_u8(&r)) != 0)
        opt.max_list_size = (size_t)v * 32;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        opt.max_string_len = v;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        opt.max_fields = v;
    flags = h2c_fuzz_u8(&r);
    if (flags & 0x01)
        opt.lenient = H2C_HPACK_LENIENT_UNKNOWN_INDEX;
    fa.fail_at = (unsigned long)h2c_fuzz_u8(&r) + 1;
    h2c_fuzz_chunker_read(&ch, &r, 4);
    lim.list = opt.max_list_size;
    lim.str = opt.max_string_len;
    lim.fields = opt.max_fields;

    H2C_FUZZ_CHECK(h2c_hpack_decoder_new(&da, &opt) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_hpack_decoder_new(&db, &opt) == H2C_OK);
    if (flags & 0x04) {
        hooks.alloc = h2c_fuzz_alloc_fn;
        hooks.free = h2c_fuzz_free_fn;
        hooks.opaque = &fa;
        opt.allocator = &hooks;
        int rc = h2c_hpack_decoder_new(&dc, &opt);
        H2C_FUZZ_CHECK(rc == H2C_OK || (rc == H2C_E_NOMEM && dc == NULL));
    }
    h2c_fuzz_hdec_init(&a, da, NULL, 0, 0);
    h2c_fuzz_hdec_init(&b, db, &ch, 1, (flags & 0x02) != 0);
    h2c_fuzz_hdec_init(&c, dc, NULL, 0, 0);
    int c_alive = dc != NULL;

    while (h2c_fuzz_block_read(&r, &blk)) {
        h2c_hpack_field fa_, fb_, fc_;
        size_t list_sum = 0;
        uint32_t count = 0;
        int ra, rb, rc, err_before;

        if (blk.reset) {
            h2c_hpack_decoder_reset(da);
            h2c_hpack_decoder_reset(db);
            if (dc) {
                h2c_hpack_decoder_reset(dc);
                c_alive = 1;
            }
            H2C_FUZZ_CHECK(h2c_hpack_decoder_table_count(da) == 0);
            H2C_FUZZ_CHECK(h2c_hpack_decoder_error(da, NULL) == H2C_OK);
        }
        if (blk.has_settings) {
            ra = h2c_hpack_decoder_set_max_table_size(da, blk.settings);
            rb = h2c_hpack_decoder_set_max_table_size(db, blk.settings);
            H2C_FUZZ_CHECK(ra == rb);
            if (c_alive) {
                rc = h2c_hpack_decoder_set_max_table_size(dc, blk.settings);
                if (rc == H2C_E_NOMEM)
                    c_alive = 0;
                else
                    H2C_FUZZ_CHECK(rc == ra);
            }
        }
        err_before = h2c_hpack_decoder_error(da, NULL) != H2C_OK;
        h2c_fuzz_hdec_begin(&a, blk.data, blk.len);
        h2c_fuzz_hdec_begin(&b, blk.data, blk.len);
        if (c_alive)
            h2c_fuzz_hdec_begin(&c, blk.data, blk.len);
        do {
            ra = h2c_fuzz_hdec_next(&a, &fa_);
            rb = h2c_fuzz_hdec_next(&b, &fb_);
            H2C_FUZZ_CHECK(ra == rb);
            if (ra == 1) {
                H2C_FUZZ_CHECK(h2c_fuzz_field_same(&fa_, &fb_));
                check_field(&fa_, &lim, &list_sum, &count);
            }
            if (c_alive) {
                rc = h2c_fuzz_hdec_next(&c, &fc_);
                if (rc == H2C_E_NOMEM) {
                    H2C_FUZZ_CHECK(fa.failed > 0);
                    c_alive = 0;
                } else {
                    H2C_FUZZ_CHECK(rc == ra);
                    if (rc == 1)
                        H2C_FUZZ_CHECK(h2c_fuzz_field_same(&fa_, &fc_));
                }
            }
        } while (ra == 1);
        if (ra == 0) {
            check_table(da);
            check_same_tables(da, db);
            if (c_alive)
                check_same_tables(da, dc);
        } else {
            /* Where the error was found must not depend on the cutting. */
            H2C_FUZZ_CHECK(h2t_hpack_error_offset(da) ==
                           h2t_hpack_error_offset(db));
            if (!err_before)
                H2C_FUZZ_CHECK(h2t_hpack_error_offset(da) <= blk.len);
            H2C_FUZZ_CHECK(h2c_status_h2_error(ra) == 0x9);
        }
    }
    h2c_fuzz_hdec_done(&b);
    h2c_hpack_decoder_free(da);
    h2c_hpack_decoder_free(db);
    h2c_hpack_decoder_free(dc);
    return 0;
}
