/* Huffman coding of string literals (RFC 7541 section 5.2, Appendix B). */
#include "huffman.h"

#include <h2codec/hpack.h>

#include <string.h>

size_t h2c_huff_encoded_len(const uint8_t *src, size_t len)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < len; i++)
        bits += h2c_huff_len[src[i]];
    return (size_t)((bits + 7) / 8);
}

static void put32be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

size_t h2c_huff_encode(uint8_t *dst, const uint8_t *src, size_t len)
{
    /* acc holds 'n' pending bits in its low end (plus stale bits above,
     * shifted out over time).  Codes are at most 30 bits and n stays below
     * 32 between symbols, so n + 30 < 64 never overflows the accumulator. */
    uint64_t acc = 0;
    unsigned n = 0;
    uint8_t *p = dst;
    for (size_t i = 0; i < len; i++) {
        unsigned l = h2c_huff_len[src[i]];
        acc = acc << l | h2c_huff_code[src[i]];
        n += l;
        if (n >= 32) {
            n -= 32;
            put32be(p, (uint32_t)(acc >> n));
            p += 4;
        }
    }
    while (n >= 8) {
        n -= 8;
        *p++ = (uint8_t)(acc >> n);
    }
    if (n > 0) /* pad with the most significant bits of EOS: all ones */
        *p++ = (uint8_t)(acc << (8 - n) | 0xffu >> n);
    return (size_t)(p - dst);
}

void h2c_huff_dec_init(h2c_huff_dec *st)
{
    st->bits = 0;
    st->nbits = 0;
    st->err_pos = 0;
}

/* Big-endian 64-bit load (compilers turn it into one load and a byte swap). */
static inline uint64_t load_be64(const uint8_t *p)
{
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
           (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

/* Store the two symbol octets of a first-level entry with one 16-bit store
 * (the byte order test folds to a constant). */
static inline void store_syms(uint8_t *o, uint32_t e)
{
    const uint16_t one = 1;
    uint8_t little;
    memcpy(&little, &one, 1);
    uint16_t v = (uint16_t)(little ? e >> 8 : (e >> 8 & 0xffu) << 8 | (e >> 16 & 0xffu));
    memcpy(o, &v, 2);
}

/* The code at the top of acc is 13 bits or longer: its length, and the
 * symbol in *sym.  Rare in text: a short linear walk over 14 lengths. */
static unsigned long_code(uint64_t acc, unsigned *sym)
{
    uint32_t v = (uint32_t)(acc >> 32);
    const h2c_huff_long_row *r = h2c_huff_long;
    while (v > r->last)
        r++;
    *sym = h2c_huff_sym[(uint32_t)((v >> (32 - r->len)) + r->offset)];
    return r->len;
}

/*
 * Bits live in a 64-bit accumulator, MSB first: n valid bits at the top,
 * zeros or the true next input bits below them.  While 8 input octets
 * remain, a branch-free refill brings n to 56..63 and four first-level
 * steps follow (at most 48 bits); a step at a long code takes nothing, so
 * the long code is decoded after the four.  Near the end the refill goes
 * octet by octet and each step checks that its codes end within the valid
 * bits; what remains (no complete code, < 30 bits) carries over.
 */
ptrdiff_t h2c_huff_decode(h2c_huff_dec *st, uint8_t *dst, const uint8_t *src, size_t len)
{
    uint64_t acc = st->bits;
    unsigned n = st->nbits, sym, l;
    const unsigned n0 = n;
    const uint8_t *p = src, *end = src + len;
    uint8_t *o = dst;
    uint32_t e;

#define H2C_HUFF_STEP()                                                                 \
    do {                                                                                \
        e = h2c_huff_dec12[acc >> (64 - H2C_HUFF_FAST_BITS)];                           \
        store_syms(o, e);                                                               \
        o += H2C_HUFF_E_COUNT(e);                                                       \
        acc <<= H2C_HUFF_E_LEN(e);                                                      \
        n -= H2C_HUFF_E_LEN(e);                                                         \
    } while (0)

    while ((size_t)(end - p) >= 8) {
        acc |= load_be64(p) >> n;
        p += (63 - n) >> 3;
        n |= 56;
        H2C_HUFF_STEP();
        H2C_HUFF_STEP();
        H2C_HUFF_STEP();
        H2C_HUFF_STEP();
        if ((acc >> (64 - H2C_HUFF_FAST_BITS)) >= H2C_HUFF_LONG_PREFIX) {
            if (n < 30) {
                if ((size_t)(end - p) < 8)
                    break;
                acc |= load_be64(p) >> n;
                p += (63 - n) >> 3;
                n |= 56;
            }
            l = long_code(acc, &sym);
            if (sym == H2C_HUFF_EOS)
                goto eos;
            *o++ = (uint8_t)sym;
            acc <<= l;
            n -= l;
        }
    }
#undef H2C_HUFF_STEP

    for (;;) {
        while (n <= 56 && p < end) {
            acc |= (uint64_t)*p++ << (56 - n);
            n += 8;
        }
        e = h2c_huff_dec12[acc >> (64 - H2C_HUFF_FAST_BITS)];
        if (H2C_HUFF_E_COUNT(e)) {
            if (H2C_HUFF_E_LEN(e) <= n) {
                store_syms(o, e);
                o += H2C_HUFF_E_COUNT(e);
                acc <<= H2C_HUFF_E_LEN(e);
                n -= H2C_HUFF_E_LEN(e);
                continue;
            }
            l = H2C_HUFF_E_LEN0(e);
            if (l > n)
                break;
            *o++ = (uint8_t)H2C_HUFF_E_SYMS(e);
        } else {
            l = long_code(acc, &sym);
            if (l > n)
                break;
            if (sym == H2C_HUFF_EOS)
                goto eos;
            *o++ = (uint8_t)sym;
        }
        acc <<= l;
        n -= l;
    }
    st->bits = n ? acc & ~(~(uint64_t)0 >> n) : 0;
    st->nbits = (uint8_t)n;
    return o - dst;

eos: {
    /* Bits decoded before EOS, counting the carried ones; EOS is 30 bits. */
    uint64_t before = n0 + 8 * (uint64_t)(p - src) - n;
    st->err_pos = (size_t)((before + 29 - n0) / 8);
    return H2C_HPACK_E_HUFFMAN_EOS;
}
}

int h2c_huff_dec_finish(const h2c_huff_dec *st)
{
    unsigned n = st->nbits;
    /* The pending bits must be a prefix of EOS (all ones), shorter than 8. */
    if (n && (~st->bits >> (64 - n)) != 0)
        return H2C_HPACK_E_HUFFMAN_BAD_PAD;
    if (n > 7)
        return H2C_HPACK_E_HUFFMAN_PADDING;
    return 0;
}
