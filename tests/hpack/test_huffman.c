/* Huffman coding (RFC 7541 section 5.2, Appendix B): encoder, nibble
 * automaton decoder, padding and EOS rules. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dec_util.h"
#include "huffman.h"
#include "testutil.h"

#include <h2codec/hpack.h>

/* Decode a whole Huffman string fed in pieces of step octets.  Returns the
 * decoded length or a negative status. */
static long decode(const uint8_t *src, size_t len, size_t step, uint8_t *out)
{
    h2c_huff_dec st;
    h2c_huff_dec_init(&st);
    size_t n = 0;
    for (size_t off = 0; off < len; off += step) {
        size_t k = len - off < step ? len - off : step;
        ptrdiff_t w = h2c_huff_decode(&st, out + n, src + off, k);
        if (w < 0)
            return w;
        n += (size_t)w;
    }
    int r = h2c_huff_dec_finish(&st);
    return r < 0 ? r : (long)n;
}

static long decode_hex(const char *hex, uint8_t *out)
{
    uint8_t b[256];
    long n = h2t_hex(hex, b, sizeof b);
    ck_assert_int_ge(n, 0);
    return decode(b, (size_t)n, (size_t)n ? (size_t)n : 1, out);
}

/* RFC 7541 Appendix C.4 / C.6 strings and their encodings. */
static const struct {
    const char *text, *hex;
} rfc[] = {
    { "www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff" },
    { "no-cache", "a8eb 1064 9cbf" },
    { "custom-key", "25a8 49e9 5ba9 7d7f" },
    { "custom-value", "25a8 49e9 5bb8 e8b4 bf" },
    { "302", "6402" },
    { "private", "aec3 771a 4b" },
    { "Mon, 21 Oct 2013 20:13:21 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff" },
    { "https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3" },
    { "gzip", "9bd9 ab" },
    { "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
      "94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 "
      "03ed 4ee5 b106 3d50 07" },
};

START_TEST(rfc_strings_encode)
{
    for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++) {
        uint8_t want[128], got[128];
        long wn = h2t_hex(rfc[i].hex, want, sizeof want);
        size_t tl = strlen(rfc[i].text);
        ck_assert_uint_eq(h2c_huff_encoded_len((const uint8_t *)rfc[i].text, tl), (size_t)wn);
        ck_assert_uint_eq(h2c_huff_encode(got, (const uint8_t *)rfc[i].text, tl), (size_t)wn);
        ck_assert_mem_eq(got, want, (size_t)wn);
    }
}
END_TEST

START_TEST(rfc_strings_decode_every_split)
{
    for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++) {
        uint8_t w[128], out[256];
        long wn = h2t_hex(rfc[i].hex, w, sizeof w);
        for (size_t step = 1; step <= (size_t)wn; step++) {
            long n = decode(w, (size_t)wn, step, out);
            ck_assert_int_eq(n, (long)strlen(rfc[i].text));
            ck_assert_mem_eq(out, rfc[i].text, (size_t)n);
        }
    }
}
END_TEST

/* Every symbol on its own, with a neighbour on each side, split everywhere. */
START_TEST(every_symbol_round_trip)
{
    for (unsigned c = 0; c < 256; c++) {
        uint8_t in[3] = { (uint8_t)c, (uint8_t)(c * 7 + 1), (uint8_t)(255 - c) };
        uint8_t enc[16], out[32];
        size_t n = h2c_huff_encode(enc, in, 3);
        ck_assert_uint_eq(n, h2c_huff_encoded_len(in, 3));
        for (size_t step = 1; step <= n; step++) {
            long m = decode(enc, n, step, out);
            ck_assert_int_eq(m, 3);
            ck_assert_mem_eq(out, in, 3);
        }
    }
}
END_TEST

START_TEST(random_round_trip)
{
    uint32_t seed = 12345;
    uint8_t in[600], enc[4 * 600], out[2 * 4 * 600 + 1];
    for (int iter = 0; iter < 300; iter++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        len = (seed >> 8) % sizeof in;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            /* Mostly text, sometimes any octet. */
            in[i] = (seed >> 24) % 5 ? (uint8_t)(' ' + (seed >> 16) % 95) : (uint8_t)(seed >> 16);
        }
        size_t n = h2c_huff_encode(enc, in, len);
        ck_assert_uint_eq(n, h2c_huff_encoded_len(in, len));
        ck_assert_uint_le(len, h2c_huff_decoded_max(n));
        size_t steps[] = { n ? n : 1, 1, 2, 3, 7 };
        for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
            long m = decode(enc, n, steps[s], out);
            ck_assert_int_eq(m, (long)len);
            ck_assert_mem_eq(out, in, len);
        }
    }
}
END_TEST

START_TEST(encoder_is_byte_exact_with_table)
{
    /* Bit-by-bit reference for a string using long codes. */
    uint8_t in[64], enc[256], ref[256];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)(i * 37 + 3);
    size_t n = h2c_huff_encode(enc, in, sizeof in);
    memset(ref, 0, sizeof ref);
    size_t bit = 0;
    for (size_t i = 0; i < sizeof in; i++) {
        for (int k = h2c_huff_len[in[i]] - 1; k >= 0; k--, bit++)
            if (h2c_huff_code[in[i]] >> k & 1)
                ref[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
    }
    for (; bit % 8; bit++)
        ref[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
    ck_assert_uint_eq(n, bit / 8);
    ck_assert_mem_eq(enc, ref, n);
}
END_TEST

START_TEST(empty_string)
{
    uint8_t out[4];
    ck_assert_uint_eq(h2c_huff_encoded_len(NULL, 0), 0);
    ck_assert_int_eq(decode_hex("", out), 0);
}
END_TEST

START_TEST(code_table_facts)
{
    ck_assert_uint_eq(h2c_huff_len[256], 30);
    ck_assert_uint_eq(h2c_huff_code[256], 0x3fffffff);
    ck_assert_uint_eq(h2c_huff_len['0'], 5);
    ck_assert_uint_eq(h2c_huff_code['/'], 0x18);
    unsigned minlen = 99;
    for (int i = 0; i < 257; i++)
        if (h2c_huff_len[i] < minlen)
            minlen = h2c_huff_len[i];
    ck_assert_uint_eq(minlen, 5);
}
END_TEST

/* ---- errors ---- */

START_TEST(eos_in_string)
{
    uint8_t out[16];
    /* EOS (30 ones) then 2 ones of padding: ff ff ff ff. */
    ck_assert_int_eq(decode_hex("ffffffff", out), H2C_HPACK_E_HUFFMAN_EOS);
    /* 'a' (00011) then EOS. */
    ck_assert_int_eq(decode_hex("1fffffff ff", out), H2C_HPACK_E_HUFFMAN_EOS);
}
END_TEST

START_TEST(eos_position_reported)
{
    /* "aa" = 00011 00011 then EOS begins at bit 10: completes in octet 4. */
    uint8_t b[8], out[32];
    long n = h2t_hex("18 ff ff ff ff", b, sizeof b);
    h2c_huff_dec st;
    h2c_huff_dec_init(&st);
    ck_assert_int_eq(h2c_huff_decode(&st, out, b, (size_t)n), H2C_HPACK_E_HUFFMAN_EOS);
    ck_assert_uint_eq(st.err_pos, 4);
}
END_TEST

START_TEST(padding_too_long)
{
    uint8_t out[16];
    /* '0' (00000) + 3 ones, then a whole octet of ones. */
    ck_assert_int_eq(decode_hex("07 ff", out), H2C_HPACK_E_HUFFMAN_PADDING);
    /* Only padding, 8 bits. */
    ck_assert_int_eq(decode_hex("ff", out), H2C_HPACK_E_HUFFMAN_PADDING);
    /* 16 ones: too long but not yet EOS. */
    ck_assert_int_eq(decode_hex("ffff", out), H2C_HPACK_E_HUFFMAN_PADDING);
    /* 7 ones after a symbol: fine. */
    ck_assert_int_eq(decode_hex("07", out), 1);
}
END_TEST

START_TEST(padding_not_ones)
{
    uint8_t out[16];
    /* '0' (00000) then 000: zero padding. */
    ck_assert_int_eq(decode_hex("00", out), H2C_HPACK_E_HUFFMAN_BAD_PAD);
    /* '0' then 110. */
    ck_assert_int_eq(decode_hex("06", out), H2C_HPACK_E_HUFFMAN_BAD_PAD);
    /* A partial long code that is not all ones: 11111110 (prefix of '!'). */
    ck_assert_int_eq(decode_hex("fe", out), H2C_HPACK_E_HUFFMAN_BAD_PAD);
}
END_TEST

START_TEST(state_survives_any_split)
{
    /* A 28-bit code split across 4 pushes of one octet each. */
    uint8_t in[2] = { 1, 'x' }, enc[16], out[16];
    size_t n = h2c_huff_encode(enc, in, 2);
    h2c_huff_dec st;
    h2c_huff_dec_init(&st);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        ptrdiff_t w = h2c_huff_decode(&st, out + total, enc + i, 1);
        ck_assert_int_ge(w, 0);
        ck_assert_int_le(w, 2);
        total += (size_t)w;
    }
    ck_assert_int_eq(h2c_huff_dec_finish(&st), 0);
    ck_assert_uint_eq(total, 2);
    ck_assert_mem_eq(out, in, 2);
}
END_TEST

START_TEST(guard_page_input)
{
    const char *t = "custom-value";
    uint8_t enc[32], out[64];
    size_t n = h2c_huff_encode(enc, (const uint8_t *)t, strlen(t));
    uint8_t *g = h2t_guard_copy(enc, n);
    ck_assert_int_eq(decode(g, n, n, out), (long)strlen(t));
    h2t_guard_free(g, n);
    /* Output against a guard page too: exactly decode_room octets. */
    size_t room = h2c_huff_decode_room(n);
    uint8_t *o = h2t_guard_copy(out, room);
    h2c_huff_dec st;
    h2c_huff_dec_init(&st);
    ck_assert_int_eq(h2c_huff_decode(&st, o, enc, n), (ptrdiff_t)strlen(t));
    h2t_guard_free(o, room);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hpack_huffman");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rfc_strings_encode);
    tcase_add_test(tc, rfc_strings_decode_every_split);
    tcase_add_test(tc, every_symbol_round_trip);
    tcase_add_test(tc, random_round_trip);
    tcase_add_test(tc, encoder_is_byte_exact_with_table);
    tcase_add_test(tc, empty_string);
    tcase_add_test(tc, code_table_facts);
    tcase_add_test(tc, eos_in_string);
    tcase_add_test(tc, eos_position_reported);
    tcase_add_test(tc, padding_too_long);
    tcase_add_test(tc, padding_not_ones);
    tcase_add_test(tc, state_survives_any_split);
    tcase_add_test(tc, guard_page_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_run_suite(suite());
}
