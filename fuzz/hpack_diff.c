/* SPDX-License-Identifier: MIT */
/*
 * hpack_diff -- our HPACK decoder against nghttp2's inflater on the same
 * bytes with the same table settings.  Both must accept or both reject every
 * block, emit the same fields (name, value, never-indexed bit) in the same
 * order, and hold the same dynamic table after every block.  The only
 * disagreements allowed are the ones listed in fuzz/DIFFERENCES.md, and
 * allowed_difference() below is that list in code.
 *
 * Input:
 *   table:u16be  acknowledged SETTINGS_HEADER_TABLE_SIZE, applied to both
 *                before the first block exactly as a later change would be
 *   list:u8      our max_list_size = list * 32, 0 = unlimited
 *   str:u8       our max_string_len = str, 0 = unlimited
 *   fields:u8    our max_fields = fields, 0 = unlimited
 *   then block records (hpack_step.h).  A reset record resets both.
 *
 * nghttp2 has none of the three limits, so a limit error from our side is a
 * difference only when that limit was set.
 */
#include <stdint.h>
#include <stdio.h>

#include "hpack_step.h"
#include "ngh_step.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct config {
    int list_set, str_set, fields_set;
} config;

/*
 * DIFFERENCES.md in code: may ours report `ours` while nghttp2 did `theirs`
 * (1 = emitted a field, 0 = ended the block cleanly, < 0 = rejected)?
 */
static int allowed_difference(const config *cfg, int ours, int theirs)
{
    (void)theirs;
    /* D1: the decoded-list limits are ours alone (RFC 9113 section 10.5.1). */
    if (ours == H2C_HPACK_E_LIST_SIZE && cfg->list_set)
        return 1;
    if (ours == H2C_HPACK_E_STRING_LENGTH && cfg->str_set)
        return 1;
    if (ours == H2C_HPACK_E_FIELD_COUNT && cfg->fields_set)
        return 1;
    return 0;
}

static void report(int blockno, int ours, int theirs, const h2c_hpack_decoder *dec)
{
    fprintf(stderr,
            "hpack_diff: block %d: ours %d (%s, offset %llu), nghttp2 %d (%s)\n", blockno,
            ours, ours < 0 ? h2c_status_name(ours) : (ours ? "field" : "end"),
            (unsigned long long)h2t_hpack_error_offset(dec), theirs,
            theirs < 0 ? nghttp2_strerror(theirs) : (theirs ? "field" : "end"));
}

static void check_same_tables(const h2c_hpack_decoder *dec, h2c_fuzz_ngh *ngh)
{
    size_t n = h2c_hpack_decoder_table_count(dec);
    h2c_hpack_field e;
    H2C_FUZZ_CHECK(nghttp2_hd_inflate_get_num_table_entries(ngh->inf) == 61 + n);
    H2C_FUZZ_CHECK(nghttp2_hd_inflate_get_dynamic_table_size(ngh->inf) ==
                   h2c_hpack_decoder_table_size(dec));
    H2C_FUZZ_CHECK(nghttp2_hd_inflate_get_max_dynamic_table_size(ngh->inf) ==
                   h2c_hpack_decoder_table_max(dec));
    for (size_t i = 1; i <= n; i++) {
        const nghttp2_nv *nv = nghttp2_hd_inflate_get_table_entry(ngh->inf, 61 + i);
        H2C_FUZZ_CHECK(nv != NULL);
        H2C_FUZZ_CHECK(h2c_hpack_decoder_table_get(dec, i, &e) == H2C_OK);
        H2C_FUZZ_CHECK(h2c_fuzz_eq(e.name.ptr, e.name.len, nv->name, nv->namelen));
        H2C_FUZZ_CHECK(h2c_fuzz_eq(e.value.ptr, e.value.len, nv->value, nv->valuelen));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h2c_fuzz_reader r;
    h2c_hpack_decoder_options opt;
    h2c_hpack_decoder *dec = NULL;
    h2c_fuzz_hdec ours;
    h2c_fuzz_ngh ngh;
    h2c_fuzz_block blk;
    config cfg;
    uint32_t table;
    uint8_t v;
    int blockno = 0;

    h2c_fuzz_reader_init(&r, data, size);
    h2c_hpack_decoder_options_init(&opt);
    table = h2c_fuzz_u16(&r);
    opt.max_list_size = SIZE_MAX;
    opt.max_string_len = SIZE_MAX;
    opt.max_fields = UINT32_MAX;
    if ((cfg.list_set = (v = h2c_fuzz_u8(&r)) != 0))
        opt.max_list_size = (size_t)v * 32;
    if ((cfg.str_set = (v = h2c_fuzz_u8(&r)) != 0))
        opt.max_string_len = v;
    if ((cfg.fields_set = (v = h2c_fuzz_u8(&r)) != 0))
        opt.max_fields = v;

    H2C_FUZZ_CHECK(h2c_hpack_decoder_new(&dec, &opt) == H2C_OK);
    h2c_fuzz_ngh_init(&ngh);
    h2c_fuzz_hdec_init(&ours, dec, NULL, 0, 0);
    H2C_FUZZ_CHECK(h2c_hpack_decoder_set_max_table_size(dec, table) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_fuzz_ngh_set_max_table_size(&ngh, table) == 0);

    while (h2c_fuzz_block_read(&r, &blk)) {
        h2c_hpack_field f;
        nghttp2_nv nv;
        int ro, rn;

        blockno++;
        if (blk.reset) {
            /* nghttp2 has no reset: start a new inflater with the same setting. */
            h2c_hpack_decoder_reset(dec);
            h2c_fuzz_ngh_free(&ngh);
            h2c_fuzz_ngh_init(&ngh);
            H2C_FUZZ_CHECK(h2c_hpack_decoder_set_max_table_size(dec, table) == H2C_OK);
            H2C_FUZZ_CHECK(h2c_fuzz_ngh_set_max_table_size(&ngh, table) == 0);
        }
        if (blk.has_settings) {
            table = blk.settings;
            ro = h2c_hpack_decoder_set_max_table_size(dec, table);
            rn = h2c_fuzz_ngh_set_max_table_size(&ngh, table);
            H2C_FUZZ_CHECK((ro == 0) == (rn == 0));
        }
        h2c_fuzz_hdec_begin(&ours, blk.data, blk.len);
        h2c_fuzz_ngh_begin(&ngh, blk.data, blk.len);
        for (;;) {
            ro = h2c_fuzz_hdec_next(&ours, &f);
            rn = h2c_fuzz_ngh_next(&ngh, &nv);
            if (ro == 1 && rn == 1) {
                int ngh_never = (nv.flags & NGHTTP2_NV_FLAG_NO_INDEX) != 0;
                if (!h2c_fuzz_eq(f.name.ptr, f.name.len, nv.name, nv.namelen) ||
                    !h2c_fuzz_eq(f.value.ptr, f.value.len, nv.value, nv.valuelen) ||
                    (f.indexing == H2C_HPACK_INDEX_NEVER) != ngh_never) {
                    fprintf(stderr, "hpack_diff: block %d: fields differ\n", blockno);
                    H2C_FUZZ_CHECK(!"same field");
                }
                continue;
            }
            break;
        }
        if (ro == 0 && rn == 0) {
            check_same_tables(dec, &ngh);
            continue;
        }
        if (ro < 0 && rn < 0)
            break; /* both rejected; nghttp2's inflater is unusable from here */
        if (!allowed_difference(&cfg, ro, rn)) {
            report(blockno, ro, rn, dec);
            H2C_FUZZ_CHECK(!"ours and nghttp2 agree on accept or reject");
        }
        break;
    }
    h2c_fuzz_ngh_free(&ngh);
    h2c_hpack_decoder_free(dec);
    return 0;
}
