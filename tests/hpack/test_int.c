/* SPDX-License-Identifier: MIT */
/* HPACK integer representation (RFC 7541 section 5.1, Appendix C.1). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dec_util.h"
#include "hpack_int.h"
#include <h2codec/hpack.h>
#include "testutil.h"

/* Decode wire[0..len) with an N-bit prefix, fed in pieces of step octets.
 * Returns 1 (done), 0 (ran out) or a negative status; *used = octets taken. */
static int decode(const uint8_t *wire, size_t len, unsigned n, size_t step, uint32_t *v,
                  size_t *used)
{
    h2c_int_dec st;
    *used = 1;
    if (h2c_int_decode_start(&st, wire[0], n)) {
        *v = st.value;
        return 1;
    }
    size_t off = 1;
    while (off < len) {
        size_t stop = off + step < len ? off + step : len;
        const uint8_t *p = wire + off;
        int r = h2c_int_decode_more(&st, &p, wire + stop);
        off = (size_t)(p - wire);
        *used = off;
        if (r != 0) {
            *v = st.value;
            return r;
        }
    }
    return 0;
}

START_TEST(c1_1_ten_prefix5)
{
    uint8_t b[8];
    ck_assert_uint_eq(h2c_int_encode(b, 0, 5, 10), 1);
    ck_assert_uint_eq(b[0], 0x0a);
    ck_assert_uint_eq(h2c_int_encoded_len(5, 10), 1);
    uint32_t v;
    size_t used;
    ck_assert_int_eq(decode(b, 1, 5, 1, &v, &used), 1);
    ck_assert_uint_eq(v, 10);
}
END_TEST

START_TEST(c1_2_1337_prefix5)
{
    uint8_t b[8];
    ck_assert_uint_eq(h2c_int_encode(b, 0, 5, 1337), 3);
    ck_assert_uint_eq(b[0], 0x1f);
    ck_assert_uint_eq(b[1], 0x9a);
    ck_assert_uint_eq(b[2], 0x0a);
    ck_assert_uint_eq(h2c_int_encoded_len(5, 1337), 3);
    uint32_t v;
    size_t used;
    ck_assert_int_eq(decode(b, 3, 5, 1, &v, &used), 1);
    ck_assert_uint_eq(v, 1337);
    ck_assert_uint_eq(used, 3);
}
END_TEST

START_TEST(c1_3_42_prefix8)
{
    uint8_t b[8];
    ck_assert_uint_eq(h2c_int_encode(b, 0, 8, 42), 1);
    ck_assert_uint_eq(b[0], 0x2a);
}
END_TEST

START_TEST(pattern_bits_kept)
{
    uint8_t b[8];
    ck_assert_uint_eq(h2c_int_encode(b, 0x80, 7, 2), 1);
    ck_assert_uint_eq(b[0], 0x82);
    ck_assert_uint_eq(h2c_int_encode(b, 0x40, 6, 63), 2);
    ck_assert_uint_eq(b[0], 0x7f);
    ck_assert_uint_eq(b[1], 0x00);
    /* Decoding ignores the pattern bits above the prefix. */
    h2c_int_dec st;
    ck_assert_int_eq(h2c_int_decode_start(&st, 0xe5, 5), 1);
    ck_assert_uint_eq(st.value, 5);
}
END_TEST

/* Every prefix 1..8, boundary values, every way of splitting. */
START_TEST(round_trip_all_prefixes)
{
    static const uint32_t vals[] = { 0, 1, 2, 6, 7, 14, 15, 30, 31, 62, 63, 126, 127, 128,
                                     254, 255, 256, 16383, 16384, 1u << 21, (1u << 28) - 1,
                                     1u << 28, 0x7fffffffu, 0xfffffffeu, 0xffffffffu };
    unsigned n = (unsigned)_i + 1;
    for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
        for (uint32_t delta = 0; delta < 3; delta++) {
            uint32_t x = vals[k] - delta; /* wraps for 0: still a valid value */
            uint8_t b[H2C_INT_MAX_OCTETS + 1];
            memset(b, 0xee, sizeof b);
            size_t len = h2c_int_encode(b, 0, n, x);
            ck_assert_uint_eq(len, h2c_int_encoded_len(n, x));
            ck_assert_uint_le(len, H2C_INT_MAX_OCTETS);
            ck_assert_uint_eq(b[len], 0xee);
            for (size_t step = 1; step <= len; step++) {
                uint32_t v = 0;
                size_t used;
                ck_assert_int_eq(decode(b, len, n, step, &v, &used), 1);
                ck_assert_uint_eq(v, x);
                ck_assert_uint_eq(used, len);
            }
        }
    }
}
END_TEST

START_TEST(max_value_prefix1)
{
    /* 2^32-1 with a 1-bit prefix: 1 + 5 continuation octets. */
    uint8_t b[8];
    ck_assert_uint_eq(h2c_int_encode(b, 0, 1, 0xffffffffu), 6);
    ck_assert_uint_eq(b[0], 0x01);
    ck_assert_uint_eq(b[5], 0x0f);
}
END_TEST

START_TEST(overflow_value)
{
    /* 2^32 with a 5-bit prefix: 31 + (2^32 - 31). */
    uint8_t b[8];
    long n = h2t_hex("1f e1 ff ff ff 0f", b, sizeof b);
    uint32_t v;
    size_t used;
    ck_assert_int_eq(decode(b, (size_t)n, 5, 1, &v, &used), H2C_HPACK_E_INTEGER_OVERFLOW);
    ck_assert_uint_eq(used, 5); /* stopped at the offending octet */
    /* 2^32 - 1 is fine. */
    n = h2t_hex("1f e0 ff ff ff 0f", b, sizeof b);
    ck_assert_int_eq(decode(b, (size_t)n, 5, 1, &v, &used), 1);
    ck_assert_uint_eq(v, 0xffffffffu);
}
END_TEST

START_TEST(overflow_huge_last_octet)
{
    uint8_t b[8];
    long n = h2t_hex("ff ff ff ff ff 7f", b, sizeof b);
    uint32_t v;
    size_t used;
    ck_assert_int_eq(decode(b, (size_t)n, 8, 2, &v, &used), H2C_HPACK_E_INTEGER_OVERFLOW);
}
END_TEST

START_TEST(overlong_zero_padding)
{
    /* 31 encoded with six continuation octets, five of them zero: value fits
     * but the encoding is longer than any uint32_t needs. */
    uint8_t b[10];
    long n = h2t_hex("1f 80 80 80 80 80 00", b, sizeof b);
    uint32_t v;
    size_t used;
    ck_assert_int_eq(decode(b, (size_t)n, 5, 1, &v, &used), H2C_HPACK_E_INTEGER_OVERFLOW);
    ck_assert_uint_eq(used, 6);
    /* Five continuation octets with zero padding are accepted. */
    n = h2t_hex("1f 80 80 80 80 00", b, sizeof b);
    ck_assert_int_eq(decode(b, (size_t)n, 5, 1, &v, &used), 1);
    ck_assert_uint_eq(v, 31);
}
END_TEST

START_TEST(truncated_waits)
{
    uint8_t b[4];
    long n = h2t_hex("1f 9a", b, sizeof b);
    uint32_t v;
    size_t used;
    ck_assert_int_eq(decode(b, (size_t)n, 5, 1, &v, &used), 0);
    ck_assert_uint_eq(used, 2);
}
END_TEST

START_TEST(never_reads_past_end)
{
    uint8_t src[3] = { 0x1f, 0x9a, 0x0a };
    for (size_t len = 2; len <= 3; len++) {
        uint8_t *g = h2t_guard_copy(src, len);
        h2c_int_dec st;
        ck_assert_int_eq(h2c_int_decode_start(&st, g[0], 5), 0);
        const uint8_t *p = g + 1;
        ck_assert_int_eq(h2c_int_decode_more(&st, &p, g + len), len == 3 ? 1 : 0);
        ck_assert_ptr_eq(p, g + len);
        h2t_guard_free(g, len);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hpack_int");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, c1_1_ten_prefix5);
    tcase_add_test(tc, c1_2_1337_prefix5);
    tcase_add_test(tc, c1_3_42_prefix8);
    tcase_add_test(tc, pattern_bits_kept);
    tcase_add_loop_test(tc, round_trip_all_prefixes, 0, 8);
    tcase_add_test(tc, max_value_prefix1);
    tcase_add_test(tc, overflow_value);
    tcase_add_test(tc, overflow_huge_last_octet);
    tcase_add_test(tc, overlong_zero_padding);
    tcase_add_test(tc, truncated_waits);
    tcase_add_test(tc, never_reads_past_end);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_run_suite(suite());
}
