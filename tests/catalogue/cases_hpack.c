/* SPDX-License-Identifier: MIT */
/*
 * Catalogue, HPACK layer: header blocks for the decoder ('|' ends a block).
 * Every decoding error is a connection error of type COMPRESSION_ERROR
 * (RFC 9113 section 4.3); the replay through the pipeline checks that the
 * receiving stack reports it so.
 */
#include "catalogue.h"

#define HERR(st) .status = H2C_HPACK_E_##st, .h2 = H2C_H2_COMPRESSION_ERROR, \
                 .scope = H2C_SCOPE_CONNECTION
#define H(name_, cls_, ref_) .name = name_, .cls = cls_, .ref = ref_, .layer = CAT_HPACK

/* A 4000-octet value in one literal with incremental indexing: name "x",
 * entry size 1 + 4000 + 32 = 4033, fits the default 4096-octet table. */
#define BIG_ENTRY "40 01 78 7f a1 1e *4000(61)"
/* The same value, Huffman-coded: 'a' is 00011, eight of them are 5 octets. */
#define BIG_ENTRY_HUFF "40 01 78 ff c5 12 *500(18c6318c63)"

const cat_case cat_hpack_cases[] = {
    /* ---- HPACK bomb: one large entry referenced many times ------------- */
    { H("bomb_plain_4k_x1000", "hpack-bomb", "CVE-2016-6581"),
      .input = BIG_ENTRY " *1000(be)", HERR(LIST_SIZE), .count = 16, .max_peak = 32768 },
    { H("bomb_huffman_4k_x1000", "hpack-bomb", "CVE-2016-6581"),
      .input = BIG_ENTRY_HUFF " *1000(be)", HERR(LIST_SIZE), .count = 16, .max_peak = 32768 },
    { H("bomb_name_only_x1000", "hpack-bomb", "CVE-2016-6581"),
      /* a 4000-octet name, empty value; then literals naming index 62 */
      .input = "40 7f a1 1e *4000(6e) 00 *1000(0f2f 00)", HERR(LIST_SIZE), .count = 16,
      .max_peak = 32768 },
    { H("bomb_split_over_blocks_ok", "hpack-bomb", "CVE-2016-6581"),
      /* the limit is per block: 16 references (64528 octets) per block pass */
      .input = BIG_ENTRY " *15(be) | *19(*16(be)|)", .count = 320 },
    { H("bomb_field_count", "hpack-bomb", "CVE-2016-6581"),
      /* list limit raised to 64 MB: max_fields (1024) still stops it */
      .input = BIG_ENTRY " *2000(be)", .o = { .max_list_size = 64u << 20 }, HERR(FIELD_COUNT),
      .count = 1024 },
    { H("bomb_static_index_list", "hpack-bomb", "CVE-2016-6581"),
      /* :method GET is 42 octets; 65536 / 42 = 1560 fields fit */
      .input = "*100000(82)", .o = { .max_fields = 1000000 }, HERR(LIST_SIZE), .count = 1560,
      .max_consumed = 2048 },
    { H("bomb_static_index_fields", "hpack-bomb", "CVE-2016-6581"),
      .input = "*100000(82)", HERR(FIELD_COUNT), .count = 1024, .max_consumed = 2048 },
    { H("bomb_big_table", "hpack-bomb", "CVE-2016-6581"),
      /* 60000-octet value in a 65536 table: the second reference is refused */
      .input = "40 01 78 7f e1 d3 03 *60000(61) *100(be)", .o = { .table_size = 65536 },
      HERR(LIST_SIZE), .count = 1 },
    { H("large_literals_list", "header-list-size", "RFC 9113 10.5.1"),
      /* no amplification: 100 literals of 4000 octets, stopped at the 17th */
      .input = "*100(00 01 78 7f a1 1e *4000(61))", HERR(LIST_SIZE), .count = 16,
      .max_consumed = 70000 },

    /* ---- zero-length header fields ------------------------------------ */
    { H("zero_len_flood", "zero-length-header", "CVE-2019-9516"),
      .input = "*2000(000000)", HERR(FIELD_COUNT), .count = 1024, .max_consumed = 3100 },
    { H("zero_len_1024_ok", "zero-length-header", "CVE-2019-9516"),
      .input = "*1024(000000)", .count = 1024 },
    { H("zero_len_indexed_flood", "zero-length-header", "CVE-2019-9516"),
      /* each one inserts a 32-octet entry: churns the table, memory stays put */
      .input = "*2000(400000)", HERR(FIELD_COUNT), .count = 1024, .max_peak = 16384 },
    { H("zero_len_never_indexed", "zero-length-header", "CVE-2019-9516"),
      .input = "*1025(100000)", HERR(FIELD_COUNT), .count = 1024 },
    { H("zero_len_list_limit", "zero-length-header", "CVE-2019-9516"),
      /* 32 octets each against a 3200-octet list */
      .input = "*200(000000)", .o = { .max_list_size = 3200 }, HERR(LIST_SIZE), .count = 100 },
    { H("zero_len_huffman", "zero-length-header", "CVE-2019-9516"),
      .input = "*2000(008080)", HERR(FIELD_COUNT), .count = 1024 },
    { H("zero_len_over_blocks_ok", "zero-length-header", "CVE-2019-9516"),
      .input = "*10(*1000(000000)|)", .count = 10000 },

    /* ---- index sign and width confusion ------------------------------- */
    { H("index_zero", "index-confusion", "RFC 7541 6.1"), .input = "80", HERR(INDEX_ZERO) },
    { H("index_62_empty_table", "index-confusion", "CVE-2018-14645"), .input = "be",
      HERR(INDEX_RANGE) },
    { H("index_one_past_dynamic", "index-confusion", "CVE-2018-14645"),
      .input = "40 01 61 01 62 bf", HERR(INDEX_RANGE), .count = 1 },
    { H("index_2_31", "index-confusion", "CVE-2018-14645"),
      /* negative as an int32 */
      .input = "ff 81 ff ff ff 07", HERR(INDEX_RANGE) },
    { H("index_2_32_minus_1", "index-confusion", "CVE-2018-14645"),
      .input = "ff 80 ff ff ff 0f", HERR(INDEX_RANGE) },
    { H("index_evicted", "index-confusion", "CVE-2018-14645"),
      /* a 64-octet table holds one 34-octet entry: 63 is gone */
      .input = "40 01 61 01 62 | 40 01 63 01 64 | bf", .o = { .table_size = 64 },
      HERR(INDEX_RANGE), .count = 2 },
    { H("name_index_past_table", "index-confusion", "CVE-2018-14645"),
      .input = "7f 80 01 00", HERR(INDEX_RANGE) },
    { H("name_index_2_31", "index-confusion", "CVE-2018-14645"),
      .input = "0f ff ff ff ff 07 00", HERR(INDEX_RANGE) },
    { H("index_61_static_ok", "index-confusion", "RFC 7541 A"), .input = "bd", .count = 1 },
    { H("index_lenient_placeholder", "index-confusion", "CVE-2018-14645"),
      .input = "be ff 81 ff ff ff 07 7f 80 01 00", .o = { .lenient = H2C_HPACK_LENIENT_UNKNOWN_INDEX },
      .count = 3 },
    { H("index_table_zero", "index-confusion", "CVE-2018-14645"),
      .input = "40 01 61 01 62 be", .o = { .table_size = CAT_ZERO }, HERR(INDEX_RANGE), .count = 1 },

    /* ---- varint overflow ---------------------------------------------- */
    { H("index_2_32", "varint-overflow", "RFC 7541 5.1"), .input = "ff 81 ff ff ff 0f",
      HERR(INTEGER_OVERFLOW) },
    { H("index_overlong_zeros", "varint-overflow", "RFC 7541 5.1"),
      .input = "ff 80 80 80 80 80 00", HERR(INTEGER_OVERFLOW) },
    { H("index_five_continuations_ok", "varint-overflow", "RFC 7541 5.1"),
      /* value 127 in the longest legal encoding: a range error, not overflow */
      .input = "ff 80 80 80 80 00", HERR(INDEX_RANGE) },
    { H("index_runaway", "varint-overflow", "RFC 7541 5.1"), .input = "ff *100000(ff)",
      HERR(INTEGER_OVERFLOW), .max_consumed = 16 },
    { H("update_overflow", "varint-overflow", "RFC 7541 5.1"), .input = "3f ff ff ff ff 7f",
      HERR(INTEGER_OVERFLOW) },
    { H("name_len_overflow", "varint-overflow", "RFC 7541 5.1"), .input = "00 7f ff ff ff ff 7f",
      HERR(INTEGER_OVERFLOW) },
    { H("value_len_overflow", "varint-overflow", "RFC 7541 5.1"),
      .input = "00 01 61 7f ff ff ff ff 7f", HERR(INTEGER_OVERFLOW) },
    { H("name_index_overflow", "varint-overflow", "RFC 7541 5.1"),
      .input = "1f 80 80 80 80 10", HERR(INTEGER_OVERFLOW) },
    { H("name_len_2_31", "varint-overflow", "CVE-2018-14645"), .input = "00 7f 81 ff ff ff 07",
      HERR(STRING_LENGTH), .max_consumed = 8 },
    { H("name_len_2_32_minus_1", "varint-overflow", "CVE-2018-14645"),
      .input = "00 7f 80 ff ff ff 0f", HERR(STRING_LENGTH) },
    { H("huffman_len_2_32_minus_1", "varint-overflow", "CVE-2018-14645"),
      .input = "00 ff 80 ff ff ff 0f", HERR(STRING_LENGTH) },
    { H("name_len_65537", "varint-overflow", "RFC 7541 5.2"), .input = "00 7f 82 ff 03",
      HERR(STRING_LENGTH) },
    { H("value_len_65537", "varint-overflow", "RFC 7541 5.2"), .input = "00 01 61 7f 82 ff 03",
      HERR(STRING_LENGTH) },
    { H("update_2_31", "varint-overflow", "CVE-2018-14645"), .input = "3f e1 ff ff ff 07",
      HERR(TABLE_UPDATE_SIZE) },

    /* ---- Huffman ------------------------------------------------------- */
    { H("huffman_eos_name", "huffman", "RFC 7541 5.2"), .input = "00 84 ff ff ff ff 00",
      HERR(HUFFMAN_EOS) },
    { H("huffman_eos_value", "huffman", "RFC 7541 5.2"), .input = "00 01 61 84 ff ff ff ff",
      HERR(HUFFMAN_EOS) },
    { H("huffman_padding_11_bits", "huffman", "RFC 7541 5.2"), .input = "00 82 1f ff 00",
      HERR(HUFFMAN_PADDING) },
    { H("huffman_padding_16_ones", "huffman", "RFC 7541 5.2"), .input = "00 82 ff ff 00",
      HERR(HUFFMAN_PADDING) },
    { H("huffman_padding_zeros", "huffman", "RFC 7541 5.2"), .input = "00 81 18 00",
      HERR(HUFFMAN_BAD_PAD) },
    { H("huffman_padding_7_ok", "huffman", "RFC 7541 5.2"),
      /* '!' is 10 bits, then 6 bits of padding */
      .input = "00 82 fe 3f 00", .count = 1 },
    { H("huffman_empty_ok", "huffman", "RFC 7541 5.2"), .input = "00 80 80", .count = 1 },
    { H("huffman_expansion", "huffman", "RFC 7541 5.2"),
      /* 15 octets decode to 24 'a', over a 16-octet string limit */
      .input = "00 01 78 8f *3(18c6318c63)", .o = { .max_string_len = 16 },
      HERR(STRING_LENGTH) },
    { H("plain_over_string_limit", "huffman", "RFC 7541 5.2"), .input = "00 11 *17(61) 00",
      .o = { .max_string_len = 16 }, HERR(STRING_LENGTH), .max_consumed = 2 },

    /* ---- dynamic table size updates ----------------------------------- */
    { H("update_above_setting", "table-size", "RFC 7541 6.3"), .input = "3f e2 1f",
      HERR(TABLE_UPDATE_SIZE) },
    { H("update_4096_ok", "table-size", "RFC 7541 6.3"), .input = "3f e1 1f 82", .count = 1 },
    { H("update_after_field", "table-size", "RFC 7541 4.2"), .input = "82 20",
      HERR(TABLE_UPDATE_LATE), .count = 1 },
    { H("update_late_second_block", "table-size", "RFC 7541 4.2"), .input = "82 | 20 82 3f e1 1f",
      HERR(TABLE_UPDATE_LATE), .count = 2 },
    { H("update_missing", "table-size", "RFC 7541 4.2"), .input = "82",
      .flags = CAT_F_SETMAX | CAT_F_NOCONN, .o = { .set_max = CAT_ZERO },
      HERR(TABLE_UPDATE_MISSING) },
    { H("update_missing_empty_block", "table-size", "RFC 7541 4.2"), .input = "",
      .flags = CAT_F_SETMAX | CAT_F_NOCONN, .o = { .set_max = 100 },
      HERR(TABLE_UPDATE_MISSING) },
    { H("update_after_lowered_ok", "table-size", "RFC 7541 4.2"), .input = "3f 45 82",
      .flags = CAT_F_SETMAX | CAT_F_NOCONN, .o = { .set_max = 100 }, .count = 1 },
    { H("update_after_lowered_too_big", "table-size", "RFC 7541 4.2"), .input = "3f 46 82",
      .flags = CAT_F_SETMAX | CAT_F_NOCONN, .o = { .set_max = 100 },
      HERR(TABLE_UPDATE_SIZE) },
    { H("update_repeated_ok", "table-size", "RFC 7541 4.2"),
      /* any number of updates may open a block; bounded by the block size */
      .input = "*1000(20) 3f e1 1f 82", .count = 1 },

    { H("evict_own_name", "table-size", "RFC 7541 4.4"),
      /* the new entry's name is the entry its insertion evicts */
      .input = "40 01 61 01 62 | 7e 05 6363636363 be", .o = { .table_size = 64 }, .count = 3 },
    { H("evict_own_long_name", "table-size", "RFC 7541 4.4"),
      .input = "40 7f 49 *200(41) 01 62 | 7e 10 *16(63) be bf", .o = { .table_size = 256 },
      HERR(INDEX_RANGE), .count = 3 },

    /* ---- truncation ----------------------------------------------------- */
    { H("trunc_in_index", "truncation", "RFC 7541 5.1"), .input = "ff", HERR(TRUNCATED) },
    { H("trunc_in_name_length", "truncation", "RFC 7541 5.2"), .input = "00 7f",
      HERR(TRUNCATED) },
    { H("trunc_in_huffman", "truncation", "RFC 7541 5.2"), .input = "00 85 f1 e3",
      HERR(TRUNCATED) },
    { H("trunc_after_name", "truncation", "RFC 7541 6.2"), .input = "00 01 61", HERR(TRUNCATED) },
    { H("trunc_in_update", "truncation", "RFC 7541 6.3"), .input = "3f", HERR(TRUNCATED) },
    { H("trunc_in_value", "truncation", "RFC 7541 6.2"), .input = "41 03 61 62",
      HERR(TRUNCATED) },
    { H("trunc_second_block", "truncation", "RFC 7541 6.2"), .input = "82 | 40 01",
      HERR(TRUNCATED), .count = 1 },
};

const size_t cat_hpack_count = sizeof cat_hpack_cases / sizeof cat_hpack_cases[0];
