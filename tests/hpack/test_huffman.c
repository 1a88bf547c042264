/* SPDX-License-Identifier: MIT */
/* Huffman coding (RFC 7541 section 5.2, Appendix B): encoder, table-driven
 * decoder (serial and lanes) against a bit-by-bit reference at every split,
 * padding and EOS rules. */
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

/* The branch-free encoder writes the same octets as the plain one, within
 * encoded_len + 8 octets, for text, long codes and mixtures of any length. */
START_TEST(slack_encoder_matches)
{
    uint32_t seed = 31337;
    uint8_t in[300], want[300 * 4 + 8];
    for (int iter = 0; iter < 3000; iter++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 8) % sizeof in;
        unsigned kind = (seed >> 4) % 4;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            uint8_t r = (uint8_t)(seed >> 16);
            in[i] = kind == 0 ? (uint8_t)(' ' + r % 95) : kind == 1 ? r
                  : kind == 2 ? (uint8_t)(r | 0x80) : (r % 7 ? (uint8_t)('a' + r % 26) : r);
        }
        size_t n = h2c_huff_encode(want, in, len);
        ck_assert_uint_eq(n, h2c_huff_encoded_len(in, len));
        uint8_t *got = malloc(n + 8);
        ck_assert_uint_eq(h2c_huff_encode_slack(got, in, len), n);
        ck_assert_mem_eq(got, want, n);
        free(got);
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

/* ---- against a bit-by-bit reference ---- */

/*
 * Reference decoder: the code tree, built from the code list alone (none of
 * the decoder's tables), walked one bit at a time.  Returns the status;
 * *out_len the octets decoded, *err_pos the octet completing EOS.
 */
static int16_t tree[256][2]; /* internal nodes; child >= 0 a node, < 0 a leaf ~sym */

static void build_tree(void)
{
    int nodes = 1;
    memset(tree, 0, sizeof tree);
    for (int sym = 0; sym < 257; sym++) {
        int node = 0;
        for (int i = h2c_huff_len[sym] - 1; i >= 0; i--) {
            int bit = h2c_huff_code[sym] >> i & 1;
            if (i == 0) {
                tree[node][bit] = (int16_t)~sym;
            } else {
                if (tree[node][bit] == 0) {
                    ck_assert_int_lt(nodes, 256);
                    tree[node][bit] = (int16_t)nodes++;
                }
                node = tree[node][bit];
            }
        }
    }
    ck_assert_int_eq(nodes, 256); /* 257 leaves: the code is complete */
}

static int ref_decode(const uint8_t *src, size_t len, uint8_t *out, size_t *out_len,
                      size_t *err_pos)
{
    unsigned n = 0, ones = 1;
    int node = 0;
    size_t o = 0;
    if (tree[0][0] == 0)
        build_tree();
    for (size_t i = 0; i < len * 8; i++) {
        int bit = src[i / 8] >> (7 - i % 8) & 1;
        int next = tree[node][bit];
        n++;
        ones &= (unsigned)bit;
        if (next >= 0) {
            node = next;
            continue;
        }
        if (~next == 256) {
            *err_pos = i / 8;
            return H2C_HPACK_E_HUFFMAN_EOS;
        }
        out[o++] = (uint8_t)~next;
        node = 0;
        n = 0;
        ones = 1;
    }
    *out_len = o;
    if (n && !ones)
        return H2C_HPACK_E_HUFFMAN_BAD_PAD;
    return n > 7 ? H2C_HPACK_E_HUFFMAN_PADDING : 0;
}

/*
 * Decode src cut before each of cuts[0..ncuts), every piece into exactly
 * h2c_huff_decode_room() octets, on the heap (for the sanitizers) or, with
 * guard, ending against a guard page.  Returns the status; *err_pos is
 * counted from the start of src.
 */
static int cut_decode_in(const uint8_t *src, size_t len, const size_t *cuts, size_t ncuts,
                         uint8_t *out, size_t *out_len, size_t *err_pos, int guard)
{
    static const uint8_t zeros[4 * 4096];
    h2c_huff_dec st;
    h2c_huff_dec_init(&st);
    size_t off = 0, n = 0;
    for (size_t c = 0; c <= ncuts; c++) {
        size_t to = c < ncuts ? cuts[c] : len, k = to - off;
        size_t room = h2c_huff_decode_room(k);
        uint8_t *in = guard ? h2t_guard_copy(src + off, k) : malloc(k ? k : 1);
        uint8_t *o = guard ? h2t_guard_copy(zeros, room) : malloc(room);
        if (!guard)
            memcpy(in, src + off, k);
        ptrdiff_t w = h2c_huff_decode(&st, o, in, k);
        if (w >= 0) {
            ck_assert_uint_le((size_t)w, room - 1);
            memcpy(out + n, o, (size_t)w);
            n += (size_t)w;
        }
        if (guard) {
            h2t_guard_free(in, k);
            h2t_guard_free(o, room);
        } else {
            free(in);
            free(o);
        }
        if (w < 0) {
            *err_pos = off + st.err_pos;
            return (int)w;
        }
        off = to;
    }
    *out_len = n;
    return h2c_huff_dec_finish(&st);
}

static int cut_decode(const uint8_t *src, size_t len, const size_t *cuts, size_t ncuts,
                      uint8_t *out, size_t *out_len, size_t *err_pos)
{
    return cut_decode_in(src, len, cuts, ncuts, out, out_len, err_pos, 0);
}

/* Append the n low bits of v to a bit string. */
static void put_bits(uint8_t *buf, size_t *bit, uint32_t v, unsigned n)
{
    while (n--) {
        if (v >> n & 1)
            buf[*bit / 8] |= (uint8_t)(0x80 >> (*bit % 8));
        (*bit)++;
    }
}

static uint32_t rnd(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

/* A random test string: valid codes (text-like, or any octet, or long
 * codes only), EOS, bad or long padding, flipped bits, random octets. */
static size_t make_case(uint32_t *seed, uint8_t *buf, size_t cap)
{
    memset(buf, 0, cap);
    unsigned kind = rnd(seed) % 6;
    size_t bit = 0, nsym = rnd(seed) % 48;
    if (kind == 5) { /* random octets */
        size_t len = rnd(seed) % 32;
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rnd(seed);
        return len;
    }
    size_t eos_at = kind == 1 ? rnd(seed) % (nsym + 1) : SIZE_MAX;
    for (size_t i = 0; i <= nsym; i++) {
        if (i == eos_at)
            put_bits(buf, &bit, h2c_huff_code[256], 30);
        if (i == nsym)
            break;
        unsigned sym;
        switch (rnd(seed) % 4) {
        case 0: sym = rnd(seed) % 256; break;             /* any octet */
        case 1: sym = 128 + rnd(seed) % 128; break;       /* long codes */
        default: sym = ' ' + rnd(seed) % 95; break;       /* text */
        }
        put_bits(buf, &bit, h2c_huff_code[sym], h2c_huff_len[sym]);
    }
    unsigned pad = (8 - bit % 8) % 8;
    if (kind == 2) /* too much padding */
        pad += 8 * (1 + rnd(seed) % 3);
    put_bits(buf, &bit, 0x3fffffffu, pad > 30 ? 30 : pad);
    size_t len = (bit + 7) / 8;
    if (kind == 3 && len) /* padding that may not be all ones */
        buf[len - 1] ^= (uint8_t)(1u << rnd(seed) % 8);
    if (kind == 4 && len) /* a flipped bit anywhere */
        buf[rnd(seed) % len] ^= (uint8_t)(1u << rnd(seed) % 8);
    return len;
}

typedef struct ref_result {
    int rc;
    uint8_t out[512];
    size_t len, err_pos;
} ref_result;

static void check_cuts(const uint8_t *src, size_t len, const ref_result *want,
                       const size_t *cuts, size_t ncuts)
{
    uint8_t got[512];
    size_t gl = 0, ge = 0;
    int gr = cut_decode_in(src, len, cuts, ncuts, got, &gl, &ge, ncuts == 0);
    ck_assert_int_eq(gr, want->rc);
    if (want->rc == 0) {
        ck_assert_uint_eq(gl, want->len);
        ck_assert_mem_eq(got, want->out, gl);
        ck_assert_uint_le(gl, h2c_huff_decoded_max(len));
    } else if (want->rc == H2C_HPACK_E_HUFFMAN_EOS) {
        ck_assert_uint_eq(ge, want->err_pos);
    }
}

/* Whole, at every single cut, octet by octet, and at random double cuts. */
START_TEST(matches_reference_at_every_split)
{
    uint32_t seed = 0x5eed;
    uint8_t buf[256];
    size_t cuts[256];
    for (int iter = 0; iter < 1500; iter++) {
        size_t len = make_case(&seed, buf, sizeof buf);
        ref_result want;
        want.rc = ref_decode(buf, len, want.out, &want.len, &want.err_pos);
        check_cuts(buf, len, &want, NULL, 0);
        for (size_t c = 1; c < len; c++)
            check_cuts(buf, len, &want, &c, 1);
        for (size_t c = 1; c < len; c++)
            cuts[c - 1] = c;
        if (len > 1)
            check_cuts(buf, len, &want, cuts, len - 1);
        if (len > 2) {
            size_t a = 1 + rnd(&seed) % (len - 1), b = 1 + rnd(&seed) % (len - 1);
            cuts[0] = a < b ? a : b;
            cuts[1] = a < b ? b : a;
            check_cuts(buf, len, &want, cuts, a == b ? 1 : 2);
        }
    }
}
END_TEST

/* Long strings run the 8-octets-at-a-time loop for many rounds; long codes
 * (octets >= 128) land at every position relative to its refills. */
START_TEST(long_strings_match_reference)
{
    uint32_t seed = 77;
    static uint8_t in[4000], enc[4000 * 4], want[8000], got[8000];
    for (int iter = 0; iter < 40; iter++) {
        size_t len = 1000 + rnd(&seed) % 3000;
        unsigned every = 1 + rnd(&seed) % 40;
        for (size_t i = 0; i < len; i++)
            in[i] = i % every == 0 ? (uint8_t)(128 + rnd(&seed) % 128)
                                   : (uint8_t)('a' + rnd(&seed) % 26);
        size_t n = h2c_huff_encode(enc, in, len);
        size_t wl, gl, e;
        ck_assert_int_eq(ref_decode(enc, n, want, &wl, &e), 0);
        ck_assert_uint_eq(wl, len);
        ck_assert_mem_eq(want, in, len);
        size_t cut = rnd(&seed) % n;
        ck_assert_int_eq(cut_decode(enc, n, &cut, cut ? 1 : 0, got, &gl, &e), 0);
        ck_assert_uint_eq(gl, len);
        ck_assert_mem_eq(got, in, len);
        /* A whole string from a fresh state stays within decoded_max + 1. */
        size_t room = h2c_huff_decoded_max(n) + 1;
        uint8_t *junk = calloc(room, 1);
        uint8_t *o = h2t_guard_copy(junk, room);
        free(junk);
        h2c_huff_dec st;
        h2c_huff_dec_init(&st);
        ck_assert_int_eq(h2c_huff_decode(&st, o, enc, n), (ptrdiff_t)len);
        h2t_guard_free(o, room);
        /* EOS spliced in at a symbol boundary is found at its last octet. */
        size_t at = rnd(&seed) % len, bit = 0;
        memset(enc, 0, sizeof enc);
        for (size_t i = 0; i < len; i++) {
            if (i == at)
                put_bits(enc, &bit, h2c_huff_code[256], 30);
            put_bits(enc, &bit, h2c_huff_code[in[i]], h2c_huff_len[in[i]]);
        }
        put_bits(enc, &bit, 0x7f, (8 - bit % 8) % 8);
        n = (bit + 7) / 8;
        size_t we, ge;
        ck_assert_int_eq(ref_decode(enc, n, want, &wl, &we), H2C_HPACK_E_HUFFMAN_EOS);
        ck_assert_int_eq(cut_decode(enc, n, &cut, cut && cut < n ? 1 : 0, got, &gl, &ge),
                         H2C_HPACK_E_HUFFMAN_EOS);
        ck_assert_uint_eq(ge, we);
    }
}
END_TEST

/* The whole-string entry point (the decoder's fast path) against the
 * reference: every kind of make_case() string, plus all-text strings of
 * every length 0..80 with every padding length, input and output in heap
 * blocks of exactly their size so the sanitizers see any overrun. */
/* w and o are what a whole-string call gave: the reference's output or
 * its status. */
static void expect_ref(const ref_result *want, ptrdiff_t w, const uint8_t *o)
{
    if (want->rc == 0) {
        ck_assert_int_eq(w, (ptrdiff_t)want->len);
        ck_assert_mem_eq(o, want->out, want->len);
    } else {
        ck_assert_int_eq(w, want->rc);
    }
}

static void check_whole(const uint8_t *src, size_t len)
{
    ref_result want;
    want.rc = ref_decode(src, len, want.out, &want.len, &want.err_pos);
    size_t room = h2c_huff_decoded_max(len) + 3;
    uint8_t *in = malloc(len ? len : 1), *o = malloc(room);
    memcpy(in, src, len);
    expect_ref(&want, h2c_huff_decode_string(o, in, len), o);
    free(in);
    /* The entry point that may read past the string, up to avail: octets
     * there of every kind (never used), avail from len (the loads clamped,
     * or a copy for short strings) to past the slack, input and output in heap
     * blocks of exactly their size. */
    static const size_t extra[] = {0, 1, 3, 7, 8, 9, 24};
    static uint32_t junk_seed = 99;
    for (size_t e = 0; e < sizeof extra / sizeof extra[0]; e++) {
        size_t avail = len + extra[e];
        in = malloc(avail ? avail : 1);
        memcpy(in, src, len);
        for (size_t i = len; i < avail; i++)
            in[i] = e & 1 ? 0xff : (uint8_t)rnd(&junk_seed);
        memset(o, 0, room);
        expect_ref(&want, h2c_huff_decode_string_in(o, in, len, avail), o);
        if (extra[e] < 8) {
            memset(o, 0, room);
            expect_ref(&want, h2c_huff_decode_near_end(o, in, len, avail), o);
        }
        /* With 8 octets of slack: the same for valid strings, -1 for any
         * other. */
        if (extra[e] >= 8) {
            memset(o, 0, room);
            ptrdiff_t w = h2c_huff_decode_slack(o, in, len);
            if (want.rc == 0)
                expect_ref(&want, w, o);
            else
                ck_assert_int_eq(w, -1);
        }
        free(in);
    }
    /* An avail below len (a caller's mistake) reads nothing past len. */
    if (len) {
        in = malloc(len);
        memcpy(in, src, len);
        memset(o, 0, room);
        expect_ref(&want, h2c_huff_decode_string_in(o, in, len, len / 2), o);
        free(in);
    }
    free(o);
}

START_TEST(whole_string_matches_reference)
{
    uint32_t seed = 0xc0de;
    uint8_t buf[256];
    for (int iter = 0; iter < 20000; iter++)
        check_whole(buf, make_case(&seed, buf, sizeof buf));
    for (size_t m = 0; m <= 80; m++)
        for (int v = 0; v < 20; v++) {
            memset(buf, 0, sizeof buf);
            size_t bit = 0;
            for (size_t i = 0; i < m; i++) {
                /* 5-bit codes only (the most output per bit) or any text */
                unsigned sym = v < 4 ? (unsigned)"012aceiost"[rnd(&seed) % 10]
                                     : ' ' + rnd(&seed) % 95;
                put_bits(buf, &bit, h2c_huff_code[sym], h2c_huff_len[sym]);
            }
            put_bits(buf, &bit, 0x7f, (8 - bit % 8) % 8);
            check_whole(buf, (bit + 7) / 8);
        }
}
END_TEST

/* h2c_huff_decode_string_in() (and h2c_huff_decode_slack() with 8 or 9)
 * with the string, then 0..9 octets of avail, ending against a guard
 * page: a load past avail would fault.  Text of every length 0..80 (the
 * whole-string paths and the long-string loop), and an EOS in the
 * middle. */
START_TEST(string_in_guard_page)
{
    uint32_t seed = 0x5eed;
    uint8_t plain[80], enc[128], out[160];
    for (size_t m = 0; m <= 80; m++) {
        for (size_t i = 0; i < m; i++)
            plain[i] = (uint8_t)(' ' + rnd(&seed) % 95);
        size_t n = h2c_huff_encode(enc, plain, m);
        for (size_t extra = 0; extra <= 9; extra++) {
            uint8_t buf[140];
            memcpy(buf, enc, n);
            memset(buf + n, 0x5a, extra);
            uint8_t *g = h2t_guard_copy(buf, n + extra);
            ptrdiff_t w = h2c_huff_decode_string_in(out, g, n, n + extra);
            ck_assert_int_eq(w, (ptrdiff_t)m);
            ck_assert_mem_eq(out, plain, m);
            if (extra >= 8) {
                memset(out, 0, sizeof out);
                ck_assert_int_eq(h2c_huff_decode_slack(out, g, n), (ptrdiff_t)m);
                ck_assert_mem_eq(out, plain, m);
            }
            h2t_guard_free(g, n + extra);
        }
    }
    /* EOS after "ab" (10 bits), then one padding bit: 40 bits. */
    size_t bit = 0;
    memset(enc, 0, sizeof enc);
    put_bits(enc, &bit, h2c_huff_code['a'], h2c_huff_len['a']);
    put_bits(enc, &bit, h2c_huff_code['b'], h2c_huff_len['b']);
    put_bits(enc, &bit, h2c_huff_code[256], 30);
    while (bit % 8)
        put_bits(enc, &bit, 1, 1);
    for (size_t extra = 0; extra <= 9; extra++) {
        uint8_t *g = h2t_guard_copy(enc, bit / 8 + extra);
        ck_assert_int_eq(h2c_huff_decode_string_in(out, g, bit / 8, bit / 8 + extra),
                         H2C_HPACK_E_HUFFMAN_EOS);
        if (extra >= 8)
            ck_assert_int_eq(h2c_huff_decode_slack(out, g, bit / 8), -1);
        h2t_guard_free(g, bit / 8 + extra);
    }
}
END_TEST

/* ---- long strings: the lanes decoder ---- */

/* Decode src[0..len) cut at 'cut' (0: whole) through h2c_huff_decode_wide(),
 * each piece into exactly the room it asks for (heap: the sanitizers see
 * any overrun).  Returns the status; *err_pos counted from src. */
static int wide_decode(const uint8_t *src, size_t len, size_t cut, uint8_t *out, size_t *out_len,
                       size_t *err_pos)
{
    h2c_huff_dec st;
    h2c_huff_dec_init(&st);
    size_t n = 0, bounds[3] = {0, cut, len};
    for (int i = cut ? 0 : 1; i < 2; i++) {
        size_t from = bounds[i], k = bounds[i + 1] - from;
        size_t room = h2c_huff_lanes_room(k);
        if (room < h2c_huff_decode_room(k))
            room = h2c_huff_decode_room(k);
        uint8_t *in = malloc(k ? k : 1), *o = malloc(room);
        memcpy(in, src + from, k);
        ptrdiff_t w = h2c_huff_decode_wide(&st, o, room, in, k);
        if (w >= 0) {
            memcpy(out + n, o, (size_t)w);
            n += (size_t)w;
        } else {
            *err_pos = from + st.err_pos;
        }
        free(in);
        free(o);
        if (w < 0)
            return (int)w;
    }
    *out_len = n;
    return h2c_huff_dec_finish(&st);
}

/* Whole-string entry point with exactly its room. */
static ptrdiff_t wide_string(const uint8_t *src, size_t len, uint8_t *out)
{
    size_t room = h2c_huff_lanes_room(len);
    if (room < h2c_huff_decoded_max(len) + 3)
        room = h2c_huff_decoded_max(len) + 3;
    uint8_t *o = malloc(room);
    ptrdiff_t w = h2c_huff_decode_string_wide(o, room, src, len);
    if (w > 0)
        memcpy(out, o, (size_t)w);
    free(o);
    return w;
}

/* Long inputs of every kind (one symbol repeated, text, any octet, text
 * with long codes, segments of different kinds), some with a flipped bit,
 * EOS spliced in or junk at the end; whole, cut anywhere (carried bits at
 * the lanes' start) and through the whole-string entry point. */
START_TEST(lanes_match_reference)
{
    uint32_t seed = 4242;
    static uint8_t in[6000], enc[6000 * 4 + 64], want[40000], got[40000];
    for (int iter = 0; iter < 200; iter++) {
        size_t m = H2C_HUFF_LANES_MIN + rnd(&seed) % 4500, bit = 0;
        unsigned kind = rnd(&seed) % 6;
        for (size_t i = 0; i < m; i++) {
            unsigned k = kind == 5 ? (unsigned)(i * 4 / m) % 5 : kind; /* segments differ */
            switch (k) {
            case 0: in[i] = 'b'; break;
            case 1: in[i] = (uint8_t)('a' + rnd(&seed) % 26); break;
            case 2: in[i] = (uint8_t)rnd(&seed); break;
            case 3: in[i] = rnd(&seed) % 40 ? (uint8_t)(' ' + rnd(&seed) % 95)
                                             : (uint8_t)(128 + rnd(&seed) % 128); break;
            default: in[i] = (uint8_t)('0' + rnd(&seed) % 10); break;
            }
        }
        memset(enc, 0, sizeof enc);
        size_t eos_at = rnd(&seed) % 5 == 0 ? rnd(&seed) % m : SIZE_MAX;
        for (size_t i = 0; i < m; i++) {
            if (i == eos_at)
                put_bits(enc, &bit, h2c_huff_code[256], 30);
            put_bits(enc, &bit, h2c_huff_code[in[i]], h2c_huff_len[in[i]]);
        }
        put_bits(enc, &bit, 0x7f, (8 - bit % 8) % 8);
        size_t len = (bit + 7) / 8;
        if (rnd(&seed) % 5 == 0)
            enc[rnd(&seed) % len] ^= (uint8_t)(1u << rnd(&seed) % 8);
        if (rnd(&seed) % 5 == 0)
            for (int j = 0; j < 3; j++)
                enc[len++] = (uint8_t)rnd(&seed);
        size_t wl = 0, we = 0, gl = 0, ge = 0;
        int wr = ref_decode(enc, len, want, &wl, &we);
        size_t cuts[] = {0, 1 + rnd(&seed) % (len - 1), 1 + rnd(&seed) % 7, len - 1};
        for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            int gr = wide_decode(enc, len, cuts[c], got, &gl, &ge);
            ck_assert_int_eq(gr, wr);
            if (wr == 0) {
                ck_assert_uint_eq(gl, wl);
                ck_assert_mem_eq(got, want, wl);
            } else if (wr == H2C_HPACK_E_HUFFMAN_EOS) {
                ck_assert_uint_eq(ge, we);
            }
        }
        ptrdiff_t w = wide_string(enc, len, got);
        ck_assert_int_eq(w < 0 ? (int)w : 0, wr);
        if (wr == 0) {
            ck_assert_int_eq(w, (ptrdiff_t)wl);
            ck_assert_mem_eq(got, want, wl);
        }
    }
}
END_TEST

/* Two symbols alternating: periodic codes on which a lane started off a
 * symbol boundary may never resynchronise (the fallback), or only late. */
START_TEST(lanes_periodic_pairs)
{
    static uint8_t in[4000], enc[4000 * 4], got[8000];
    uint32_t seed = 99;
    for (unsigned a = 0; a < 256; a++) {
        unsigned others[] = {a, a % 2 ? 9 : '0', rnd(&seed) % 256};
        for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
            size_t m = a >= 128 && others[k] >= 128 ? 800 : 2400;
            for (size_t i = 0; i < m; i++)
                in[i] = (uint8_t)(i % 2 ? others[k] : a);
            size_t len = h2c_huff_encode(enc, in, m), gl = 0, ge = 0;
            ck_assert_uint_ge(len, H2C_HUFF_LANES_MIN);
            ck_assert_int_eq(wide_decode(enc, len, 0, got, &gl, &ge), 0);
            ck_assert_uint_eq(gl, m);
            ck_assert_mem_eq(got, in, m);
        }
    }
}
END_TEST

START_TEST(room_bounds)
{
    /* decode_fits is the inverse of decode_room. */
    for (size_t room = 0; room < 2000; room++) {
        size_t k = h2c_huff_decode_fits(room);
        ck_assert(k == 0 || h2c_huff_decode_room(k) <= room);
        ck_assert_uint_gt(h2c_huff_decode_room(k + 1), room);
    }
    /* The worst case: pending bits completed by one new bit, then 5-bit
     * codes; with 29 pending ones... a 1-octet piece gives at most 2. */
    ck_assert_uint_eq(h2c_huff_decode_room(1), 3);
    ck_assert_uint_le(h2c_huff_decode_room(100), 2 * 100 + 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hpack_huffman");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60); /* the reference runs slowly under valgrind */
    tcase_add_test(tc, rfc_strings_encode);
    tcase_add_test(tc, rfc_strings_decode_every_split);
    tcase_add_test(tc, every_symbol_round_trip);
    tcase_add_test(tc, random_round_trip);
    tcase_add_test(tc, encoder_is_byte_exact_with_table);
    tcase_add_test(tc, slack_encoder_matches);
    tcase_add_test(tc, empty_string);
    tcase_add_test(tc, code_table_facts);
    tcase_add_test(tc, eos_in_string);
    tcase_add_test(tc, eos_position_reported);
    tcase_add_test(tc, padding_too_long);
    tcase_add_test(tc, padding_not_ones);
    tcase_add_test(tc, state_survives_any_split);
    tcase_add_test(tc, guard_page_input);
    tcase_add_test(tc, matches_reference_at_every_split);
    tcase_add_test(tc, long_strings_match_reference);
    tcase_add_test(tc, room_bounds);
    tcase_add_test(tc, whole_string_matches_reference);
    tcase_add_test(tc, string_in_guard_page);
    tcase_add_test(tc, lanes_match_reference);
    tcase_add_test(tc, lanes_periodic_pairs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_run_suite(suite());
}
