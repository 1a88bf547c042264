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

static inline uint64_t load_be32(const uint8_t *p)
{
    return (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
}

/* The r < 8 octets at p, MSB first, zeros below; reads nothing outside
 * them: two overlapping 32-bit loads, or first, middle and last octet. */
static inline uint64_t load_tail(const uint8_t *p, size_t r)
{
    if (r >= 4)
        return load_be32(p) << 32 | load_be32(p + r - 4) << (64 - 8 * r);
    if (r == 0)
        return 0;
    return (uint64_t)p[0] << 56 | (uint64_t)p[r >> 1] << (56 - 8 * (r >> 1)) |
           (uint64_t)p[r - 1] << (64 - 8 * r);
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
    /* Two shifts: well defined for every len the analyzer can imagine (1..31). */
    *sym = h2c_huff_sym[(uint32_t)(((v >> 1) >> (31 - r->len)) + r->offset)];
    return r->len;
}

/*
 * Bits live in a 64-bit accumulator, MSB first: n valid bits at the top,
 * zeros or the true next input bits below them.  While 8 input octets
 * remain, a branch-free refill brings n to 56..63 and four first-level
 * steps follow (at most 48 bits); a step at a long code takes nothing, so
 * the long code is decoded after the four.  For the last octets one
 * partial load fills the accumulator and each step checks that its codes
 * end within the valid bits; what remains (no complete code, < 30 bits) is
 * left in *acc_io / *n_io.  Returns the octets written, or -1 at EOS with
 * *eos_bit the offset of EOS's first bit counted from the first pending bit.
 */
#if defined(__GNUC__) || defined(__clang__)
#define H2C_HUFF_INLINE inline __attribute__((always_inline))
#else
#define H2C_HUFF_INLINE inline
#endif

static H2C_HUFF_INLINE ptrdiff_t decode_core(uint64_t *acc_io, unsigned *n_io, uint8_t *dst,
                                    const uint8_t *src, size_t len, uint64_t *eos_bit)
{
    uint64_t acc = *acc_io;
    unsigned n = *n_io, sym, l;
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
        nb = (uint8_t)(nb - (uint8_t)e); /* the low octet is the length alone */        \
    } while (0)

    while ((size_t)(end - p) >= 8) {
        acc |= load_be64(p) >> n;
        p += (63 - n) >> 3;
        n |= 56;
        uint8_t nb = (uint8_t)n; /* 8-bit count: one subtraction per step */
        H2C_HUFF_STEP();
        H2C_HUFF_STEP();
        H2C_HUFF_STEP();
        H2C_HUFF_STEP();
        n = nb;
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
        if (p < end) { /* whole octets that fit; the rest of them are true bits too */
            size_t r = (size_t)(end - p), k = (63 - n) >> 3;
            acc |= load_tail(p, r) >> n;
            if (k > r)
                k = r;
            p += k;
            n += 8 * (unsigned)k;
        }
        for (;;) {
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
        if (p == end)
            break;
    }
    *acc_io = n ? acc & ~(~(uint64_t)0 >> n) : 0;
    *n_io = n;
    return o - dst;

eos:
    *eos_bit = n0 + 8 * (uint64_t)(p - src) - n;
    return -1;
}

ptrdiff_t h2c_huff_decode(h2c_huff_dec *st, uint8_t *dst, const uint8_t *src, size_t len)
{
    uint64_t acc = st->bits, eos_bit = 0;
    unsigned n = st->nbits;
    const unsigned n0 = n;
    ptrdiff_t w = decode_core(&acc, &n, dst, src, len, &eos_bit);
    if (w < 0) {
        /* EOS is 30 bits: its last one lies in this octet of src. */
        st->err_pos = (size_t)((eos_bit + 29 - n0) / 8);
        return H2C_HPACK_E_HUFFMAN_EOS;
    }
    st->bits = acc;
    st->nbits = (uint8_t)n;
    return w;
}

/* The pending bits must be a prefix of EOS (all ones), shorter than 8. */
static inline int check_padding(uint64_t bits, unsigned n)
{
    if (n && (~bits >> (64 - n)) != 0)
        return H2C_HPACK_E_HUFFMAN_BAD_PAD;
    if (n > 7)
        return H2C_HPACK_E_HUFFMAN_PADDING;
    return 0;
}

ptrdiff_t h2c_huff_decode_string(uint8_t *dst, const uint8_t *src, size_t len)
{
    uint64_t acc = 0, eos_bit = 0;
    unsigned n = 0;
    ptrdiff_t w = decode_core(&acc, &n, dst, src, len, &eos_bit);
    if (w < 0)
        return H2C_HPACK_E_HUFFMAN_EOS;
    int r = check_padding(acc, n);
    return r ? r : w;
}

int h2c_huff_dec_finish(const h2c_huff_dec *st)
{
    return check_padding(st->bits, st->nbits);
}
