/* SPDX-License-Identifier: MIT */
/* Huffman coding of string literals (RFC 7541 section 5.2, Appendix B). */
#include "huffman.h"

#include "bytes.h"

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

static void put64be(uint8_t *p, uint64_t v)
{
    put32be(p, (uint32_t)(v >> 32));
    put32be(p + 4, (uint32_t)v);
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

/* Append one code to a 64-bit accumulator holding m bits (the top ones
 * fall off if m goes past 64: the caller checks m afterwards). */
#define H2C_HUFF_ADD(a, m, c)                                                                   \
    do {                                                                                        \
        unsigned l_ = h2c_huff_len[c];                                                          \
        (a) = (a) << l_ | h2c_huff_code[c];                                                     \
        (m) += l_;                                                                              \
    } while (0)

/* Store the whole octets of acc's n (1..64) bits with one 8-octet store. */
#define H2C_HUFF_FLUSH()                                                                        \
    do {                                                                                        \
        put64be(p, acc << (64 - n));                                                            \
        p += n >> 3;                                                                            \
        n &= 7;                                                                                 \
    } while (0)

size_t h2c_huff_encode_slack(uint8_t *dst, const uint8_t *src, size_t len)
{
    /* As h2c_huff_encode(), but branch-free for text: eight codes go into a
     * copy of the accumulator, and if they fit (as they do unless they
     * average over 7 bits: rare in header text) the whole octets go out with
     * one unconditional 8-octet store; if not, the eight go again one at a
     * time.  A flush test taken every few symbols, at random, costs more
     * than the stores. */
    uint64_t acc = 0;
    unsigned n = 0; /* pending bits, at the low end of acc; <= 7 between steps */
    uint8_t *p = dst;
    const uint8_t *s = src, *end = src + len;
    for (; end - s >= 8; s += 8) {
        uint64_t a = acc;
        unsigned m = n;
        H2C_HUFF_ADD(a, m, s[0]);
        H2C_HUFF_ADD(a, m, s[1]);
        H2C_HUFF_ADD(a, m, s[2]);
        H2C_HUFF_ADD(a, m, s[3]);
        H2C_HUFF_ADD(a, m, s[4]);
        H2C_HUFF_ADD(a, m, s[5]);
        H2C_HUFF_ADD(a, m, s[6]);
        H2C_HUFF_ADD(a, m, s[7]);
        if (m > 64) { /* long codes: n <= 7 and 30-bit codes, so one at a time fits */
            for (unsigned k = 0; k < 8; k++) {
                H2C_HUFF_ADD(acc, n, s[k]);
                H2C_HUFF_FLUSH();
            }
            continue;
        }
        acc = a;
        n = m;
        H2C_HUFF_FLUSH();
    }
    /* Up to seven left: the same, unrolled by how many. */
    uint64_t a = acc;
    unsigned m = n;
    switch (end - s) {
    case 7: H2C_HUFF_ADD(a, m, end[-7]); /* fall through */
    case 6: H2C_HUFF_ADD(a, m, end[-6]); /* fall through */
    case 5: H2C_HUFF_ADD(a, m, end[-5]); /* fall through */
    case 4: H2C_HUFF_ADD(a, m, end[-4]); /* fall through */
    case 3: H2C_HUFF_ADD(a, m, end[-3]); /* fall through */
    case 2: H2C_HUFF_ADD(a, m, end[-2]); /* fall through */
    case 1: H2C_HUFF_ADD(a, m, end[-1]); /* fall through */
    default: break;
    }
    if (m <= 64) {
        acc = a;
        n = m;
    } else {
        for (; s < end; s++) {
            H2C_HUFF_ADD(acc, n, *s);
            H2C_HUFF_FLUSH();
        }
    }
    /* Pad to an octet with the most significant bits of EOS: all ones. */
    unsigned pad = (8 - (n & 7)) & 7;
    acc = acc << pad | ((1u << pad) - 1u);
    n += pad;
    if (n > 0) {
        put64be(p, acc << (64 - n));
        p += n >> 3;
    }
    return (size_t)(p - dst);
}
#undef H2C_HUFF_ADD
#undef H2C_HUFF_FLUSH

void h2c_huff_dec_init(h2c_huff_dec *st)
{
    st->bits = 0;
    st->nbits = 0;
    st->err_pos = 0;
}

/* Big-endian 64-bit load: one load and a byte swap.  Compilers find that
 * in the shifts alone only sometimes (not when the result is combined with
 * another load at once), so spell it out where the byte order is known. */
static inline uint64_t load_be64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8);
    return __builtin_bswap64(v);
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
#else
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
           (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | (uint64_t)p[7];
#endif
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

/* Store the two symbols of a first-level entry with one 16-bit store (the
 * first symbol is the low octet; the byte order test folds to a constant). */
static inline void store_syms(uint8_t *o, uint16_t syms)
{
    const uint16_t one = 1;
    uint8_t little;
    memcpy(&little, &one, 1);
    uint16_t v = little ? syms : (uint16_t)(syms << 8 | syms >> 8);
    memcpy(o, &v, 2);
}

/* First-level index of the next H2C_HUFF_FAST_BITS bits. */
#define H2C_HUFF_IDX(acc) ((unsigned)((acc) >> (64 - H2C_HUFF_FAST_BITS)))
/* Most bits a batch of four steps takes: a refill leaves at least 56
 * valid bits, so every step of a batch sees valid bits only. */
#define H2C_HUFF_BATCH_MAX ((int64_t)(4 * H2C_HUFF_FAST_BITS))
#if 4 * H2C_HUFF_FAST_BITS > 56
#error "a batch could outrun its refill"
#endif

/* The code at the top of acc is 15 bits or longer: its length, and the
 * symbol in *sym.  Rare in text: a short linear walk over the
 * H2C_HUFF_LONG_ROWS lengths. */
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
 * steps follow (at most H2C_HUFF_BATCH_MAX bits); a step at a long code
 * takes nothing, so the long code is decoded after the four.  For the last octets one
 * partial load fills the accumulator and each step checks that its codes
 * end within the valid bits; what remains (no complete code, < 30 bits) is
 * left in *acc_io / *n_io.  Returns the octets written, or -1 at EOS with
 * *eos_bit the offset of EOS's first bit counted from the first pending bit.
 */
#if defined(__GNUC__) || defined(__clang__)
#define H2C_HUFF_INLINE inline __attribute__((always_inline))
#define H2C_HUFF_LIKELY(c) __builtin_expect(!!(c), 1)
#else
#define H2C_HUFF_INLINE inline
#define H2C_HUFF_LIKELY(c) (c)
#endif

/* One first-level step: up to two symbols, stored with one 16-bit store. */
#define H2C_HUFF_STEP(acc, nb, o)                                                               \
    do {                                                                                        \
        unsigned x_ = H2C_HUFF_IDX(acc);                                                        \
        (acc) <<= h2c_huff_dec_len[x_];                                                         \
        (nb) = (uint8_t)((nb) + 0u - h2c_huff_dec_len[x_]);                                     \
        store_syms(o, h2c_huff_dec_syms[x_]);                                                   \
        (o) += h2c_huff_dec_count[x_];                                                          \
    } while (0)

/* The same step for a lane that keeps its bit position q instead of a
 * count of pending bits (huffman_lanes.h). */
#define H2C_HUFF_QSTEP(acc, q, o)                                                               \
    do {                                                                                        \
        unsigned x_ = H2C_HUFF_IDX(acc);                                                        \
        (acc) <<= h2c_huff_dec_len[x_];                                                         \
        (q) += h2c_huff_dec_len[x_];                                                            \
        store_syms(o, h2c_huff_dec_syms[x_]);                                                   \
        (o) += h2c_huff_dec_count[x_];                                                          \
    } while (0)

/* Branch-free refill from 8 readable octets at p: n becomes 56..63. */
#define H2C_HUFF_REFILL(acc, n, p)                                                              \
    do {                                                                                        \
        (acc) |= load_be64(p) >> (n);                                                           \
        (p) += (63 - (n)) >> 3;                                                                 \
        (n) |= 56;                                                                              \
    } while (0)

/* Four steps after a refill (n >= 56); the 8-bit count costs one
 * subtraction a step. */
#define H2C_HUFF_STEPS(acc, n, o)                                                               \
    do {                                                                                        \
        uint8_t nb_ = (uint8_t)(n);                                                             \
        H2C_HUFF_STEP(acc, nb_, o);                                                             \
        H2C_HUFF_STEP(acc, nb_, o);                                                             \
        H2C_HUFF_STEP(acc, nb_, o);                                                             \
        H2C_HUFF_STEP(acc, nb_, o);                                                             \
        (n) = nb_;                                                                              \
    } while (0)

/* Refill, then four steps. */
#define H2C_HUFF_BATCH(acc, n, p, o)                                                            \
    do {                                                                                        \
        H2C_HUFF_REFILL(acc, n, p);                                                             \
        H2C_HUFF_STEPS(acc, n, o);                                                              \
    } while (0)

/* The long code at the top of acc, which holds at least 30 valid bits:
 * store its symbol and take it.  -1 at EOS (30 ones, found without the
 * row walk), with nothing taken. */
static H2C_HUFF_INLINE int take_long(uint64_t *acc, unsigned *n, uint8_t **o)
{
    unsigned sym;
    uint64_t a = *acc;
    if (a >> 34 == 0x3fffffffu)
        return -1;
    unsigned l = long_code(a, &sym);
    **o = (uint8_t)sym;
    *o += 1;
    *acc = a << l;
    *n -= l;
    return 0;
}

/* The branch-free part shared by decode_core() and decode_whole(): batches
 * while 8 input octets remain, that is while p <= last (the input's end
 * less 8: callers with fewer than 8 octets do not call it).  Returns 0, or
 * -1 at EOS (acc, n and p then stand before it).  padded: the input ends
 * in ones enough for EOS to be reached before it ends (decode_padded()),
 * so no test of its end.  One compare with a fixed bound per batch rather
 * than a subtraction: 2.1 Ir per header in tools/callgrind's decode. */
static H2C_HUFF_INLINE int decode_bulk(uint64_t *acc_io, unsigned *n_io, const uint8_t **pp,
                                       const uint8_t *last, uint8_t **po, int padded)
{
    uint64_t acc = *acc_io;
    unsigned n = *n_io;
    const uint8_t *p = *pp;
    uint8_t *o = *po;
    int r = 0;
    while (padded || p <= last) {
        H2C_HUFF_BATCH(acc, n, p, o);
        if (H2C_HUFF_IDX(acc) >= H2C_HUFF_LONG_PREFIX) {
            if (n < 30) {
                if (!padded && p > last)
                    break;
                H2C_HUFF_REFILL(acc, n, p);
            }
            if ((r = take_long(&acc, &n, &o)) < 0)
                break;
        }
    }
    *acc_io = acc;
    *n_io = n;
    *pp = p;
    *po = o;
    return r;
}

/* Every code that ends within the n valid bits of acc, with a check per
 * code.  Returns 0 when none is left, or -1 at EOS (acc and n then stand
 * before it). */
static H2C_HUFF_INLINE int drain(uint64_t *acc_io, unsigned *n_io, uint8_t **po)
{
    uint64_t acc = *acc_io;
    unsigned n = *n_io, sym, l;
    uint8_t *o = *po;
    int r = 0;
    for (;;) {
        unsigned x = H2C_HUFF_IDX(acc);
        if (h2c_huff_dec_count[x]) {
            if (h2c_huff_dec_len[x] <= n) {
                store_syms(o, h2c_huff_dec_syms[x]);
                o += h2c_huff_dec_count[x];
                acc <<= h2c_huff_dec_len[x];
                n -= h2c_huff_dec_len[x];
                continue;
            }
            /* The second code runs past the valid bits: the first alone. */
            sym = h2c_huff_dec_syms[x] & 0xffu;
            l = h2c_huff_len[sym];
            if (l > n)
                break;
            *o++ = (uint8_t)sym;
        } else {
            l = long_code(acc, &sym);
            if (l > n)
                break;
            if (sym == H2C_HUFF_EOS) {
                r = -1;
                break;
            }
            *o++ = (uint8_t)sym;
        }
        acc <<= l;
        n -= l;
    }
    *acc_io = acc;
    *n_io = n;
    *po = o;
    return r;
}

static H2C_HUFF_INLINE ptrdiff_t decode_core(uint64_t *acc_io, unsigned *n_io, uint8_t *dst,
                                             const uint8_t *src, size_t len, uint64_t *eos_bit)
{
    uint64_t acc = *acc_io;
    unsigned n = *n_io;
    const unsigned n0 = n;
    const uint8_t *p = src, *end = src + len;
    uint8_t *o = dst;

    if (len >= 8 && decode_bulk(&acc, &n, &p, end - 8, &o, 0) < 0)
        goto eos;

    for (;;) {
        if (p < end) { /* whole octets that fit; the rest of them are true bits too */
            size_t r = (size_t)(end - p), k = (63 - n) >> 3;
            acc |= load_tail(p, r) >> n;
            if (k > r)
                k = r;
            p += k;
            n += 8 * (unsigned)k;
        }
        if (drain(&acc, &n, &o) < 0)
            goto eos;
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

/* ------------------------------------------------------------------------
 * Long strings: several lanes at once (huffman_lanes.h: how, and its
 * entry contract)
 * ---------------------------------------------------------------------- */

#ifndef H2C_HPACK_NO_FAST
#include "huffman_lanes.h"
#endif

ptrdiff_t h2c_huff_decode_wide(h2c_huff_dec *st, uint8_t *dst, size_t room, const uint8_t *src,
                               size_t len)
{
#ifdef H2C_HPACK_NO_FAST
    (void)room;
    return h2c_huff_decode(st, dst, src, len);
#else
    size_t need = h2c_huff_lanes_room(len);
    if (!need || room < need)
        return h2c_huff_decode(st, dst, src, len);
    uint64_t acc = st->bits;
    unsigned n = st->nbits;
    int64_t eos_bit = 0;
    ptrdiff_t w = decode_lanes(&acc, &n, dst, src, len, &eos_bit);
    if (w < 0) {
        st->err_pos = (size_t)((eos_bit + 29) / 8);
        return H2C_HPACK_E_HUFFMAN_EOS;
    }
    st->bits = acc;
    st->nbits = (uint8_t)n;
    return w;
#endif
}

/* decode_core() for a few octets (a string fed in small pieces): they fit
 * the accumulator beside the pending bits (at most 29 + 32), so no loop
 * of loads, and no bits past them to clear afterwards. */
#define H2C_HUFF_FEW 4
static ptrdiff_t decode_few(uint64_t *acc_io, unsigned *n_io, uint8_t *dst, const uint8_t *src,
                            size_t len, uint64_t *eos_bit)
{
    uint64_t acc = *acc_io;
    unsigned n = *n_io;
    const unsigned n0 = n;
    uint8_t *o = dst;
    for (size_t i = 0; i < len; i++, n += 8)
        acc |= (uint64_t)src[i] << (56 - n);
    if (drain(&acc, &n, &o) < 0) {
        *eos_bit = n0 + 8 * (uint64_t)len - n;
        return -1;
    }
    *acc_io = acc;
    *n_io = n;
    return o - dst;
}

ptrdiff_t h2c_huff_decode(h2c_huff_dec *st, uint8_t *dst, const uint8_t *src, size_t len)
{
    uint64_t acc = st->bits, eos_bit = 0;
    unsigned n = st->nbits;
    const unsigned n0 = n;
    ptrdiff_t w = len <= H2C_HUFF_FEW ? decode_few(&acc, &n, dst, src, len, &eos_bit)
                                      : decode_core(&acc, &n, dst, src, len, &eos_bit);
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

/* Store v big-endian with one 8-octet store (the byte order test folds to
 * a constant and the shifts to a byte swap). */
static inline void store_be64(uint8_t *p, uint64_t v)
{
    const uint16_t one = 1;
    uint8_t little;
    memcpy(&little, &one, 1);
    if (little)
        v = (v >> 56) | (v >> 40 & 0xff00u) | (v >> 24 & 0xff0000u) | (v >> 8 & 0xff000000u) |
            (v << 8 & 0xff00000000u) | (v << 24 & 0xff0000000000u) |
            (v << 40 & 0xff000000000000u) | v << 56;
    memcpy(p, &v, 8);
}

/* decode_bulk() on from acc / n over buf[0, size): r octets of the string,
 * then ones.  Ones are a prefix of EOS, so no code completes inside them:
 * the run goes through the real bits and stops at the EOS the ones form,
 * where the padding begins, and that must be 0..7 bits before the end.
 * Returns the total decoded length (o - dst), or -1. */
static H2C_HUFF_INLINE ptrdiff_t decode_padded(uint64_t acc, unsigned n, const uint8_t *buf,
                                               size_t size, size_t r, uint8_t *o,
                                               const uint8_t *dst)
{
    const uint8_t *bp = buf;
    decode_bulk(&acc, &n, &bp, buf + size - 8, &o, 1); /* returns at EOS */
    /* Positions count from the first bit of buf: what is left of the real
     * bits, all ones (EOS starts there), must be padding. */
    int64_t rest = 8 * (int64_t)r - (8 * (bp - buf) - (int64_t)n);
    return rest < 0 || rest > 7 ? -1 : o - dst;
}

/*
 * A whole, valid string, with no per-symbol bounds checks: up to 32
 * octets, the string copied into a buffer of ones, in one decode_padded();
 * longer, decode_bulk() over the string, then decode_padded() over its
 * last r < 8 octets copied into a buffer of ones.  Returns the decoded
 * length, or -1 for anything else (invalid input): the caller then
 * decodes again exactly.  dst must have room for h2c_huff_decoded_max(len)
 * + 3 octets: invalid input may end in one code that runs into the ones,
 * and steps that take nothing still store two octets.
 */
static ptrdiff_t decode_whole(uint8_t *dst, const uint8_t *src, size_t len)
{
    uint64_t acc = 0;
    unsigned n = 0;
    const uint8_t *p = src, *end = src + len;
    uint8_t *o = dst;

    /* decode_bulk() reads 8 octets at most 63 bits ahead of the position
     * decoded, and that stops by bit 8 * r + 29 (r <= 32 here, < 8 below):
     * one code at most (invalid input) runs from the string's bits into
     * the ones, and after it the next check finds only ones, EOS.  So the
     * reads end by octet 52 of 64 here, 27 of 40 below. */
    if (len <= 32) { /* most strings: no second loop, no partial load */
        uint8_t w[64];
        memset(w, 0xff, sizeof w);
        h2c_bytes_move(w, src, len);
        return decode_padded(0, 0, w, sizeof w, len, o, dst);
    }
    if (decode_bulk(&acc, &n, &p, end - 8, &o, 0) < 0)
        return -1;
    size_t r = (size_t)(end - p);
    uint8_t t[40];
    memset(t + 8, 0xff, 32);
    store_be64(t, load_tail(p, r) | ~(uint64_t)0 >> (8 * r));
    return decode_padded(acc, n, t, sizeof t, r, o, dst);
}

/* Decoding exactly, with every check: the answer for anything the fast
 * paths refuse. */
static ptrdiff_t decode_exact(uint8_t *dst, const uint8_t *src, size_t len)
{
    uint64_t acc = 0, eos_bit = 0;
    unsigned n = 0;
    ptrdiff_t w = decode_core(&acc, &n, dst, src, len, &eos_bit);
    if (w < 0)
        return H2C_HPACK_E_HUFFMAN_EOS;
    int r = check_padding(acc, n);
    return r ? r : w;
}

ptrdiff_t h2c_huff_decode_string(uint8_t *dst, const uint8_t *src, size_t len)
{
    ptrdiff_t fast = decode_whole(dst, src, len);
    return fast >= 0 ? fast : decode_exact(dst, src, len);
}

/*
 * decode_padded() without the copy: the ones past the string are made in
 * the register.  src[0, avail) is readable, avail >= len and avail >= 8.
 * A refill wanted at octet i takes at = min(i, len), loads the 8 octets at
 * c = at (near_end: at most avail - 8), shifts out the at - c (<= 8)
 * octets before at, and sets the bits past the string (past len all are
 * ones, so where i stands then does not matter).  The copy this saves,
 * with its branches on the length, cost about as much as decoding a short
 * string.  len - at < 16 at every refill: strings below 16 octets start
 * at 0, longer ones leave decode_bulk() with fewer than 8 octets to go,
 * and i only grows; so ones_after, in the object of the first-level
 * tables (one base register for both), is indexed with no clamp.
 */
static H2C_HUFF_INLINE ptrdiff_t decode_slack(uint8_t *dst, const uint8_t *src, size_t len,
                                              size_t avail, int near_end)
{
    const uint8_t *p = src;
    uint64_t acc = 0;
    unsigned n = 0;
    uint8_t *o = dst;
    const size_t last = avail - 8; /* the last octet a load may start at */
    /* Strings of 16 octets or more: the plain loop while 8 octets of the
     * string remain (from 16 rather than 32: 0.6% fewer instructions in
     * tools/callgrind's decode). */
    if (len >= 16 && decode_bulk(&acc, &n, &p, src + len - 8, &o, 0) < 0)
        return -1;
    size_t i = (size_t)(p - src); /* an index: it may run past avail */
#define H2C_HUFF_REFILL_ONES(acc, n, i)                                                         \
    do {                                                                                        \
        size_t at_ = (i) < len ? (i) : len;                                                     \
        size_t c_ = !near_end || at_ < last ? at_ : last;                                       \
        size_t k_ = len - at_;                  /* < 16 (above) */                              \
        unsigned d_ = 4 * (unsigned)(at_ - c_); /* two shifts: at_ - c_ may be 8 */             \
        uint64_t v_ = load_be64(src + c_) << d_ << d_;                                          \
        (acc) |= (v_ | h2c_huff_dec_tab.ones_after[k_]) >> (n);                                 \
        (i) += (63 - (n)) >> 3;                                                                 \
        (n) |= 56;                                                                              \
    } while (0)
    for (;;) {
        H2C_HUFF_REFILL_ONES(acc, n, i);
        H2C_HUFF_STEPS(acc, n, o);
        if (H2C_HUFF_IDX(acc) >= H2C_HUFF_LONG_PREFIX) {
            /* Within 7 bits of the end: those bits are ones (a zero among
             * them would make a prefix below the long ones), then the
             * ones past the string, and take_long() would find EOS there.
             * Stopping here saves that refill and test, which every
             * string otherwise ends with.  The usual outcome, so said:
             * otherwise the compiler loads the long-code walk's first row
             * before the loop, for every string. */
            if (H2C_HUFF_LIKELY(8 * (int64_t)i - (int64_t)n + 7 >= 8 * (int64_t)len))
                break;
            if (n < 30)
                H2C_HUFF_REFILL_ONES(acc, n, i);
            if (take_long(&acc, &n, &o) < 0) /* a true EOS */
                break;
        }
    }
#undef H2C_HUFF_REFILL_ONES
    /* As in decode_padded(): what is left of the string must be padding. */
    int64_t rest = 8 * (int64_t)len - (8 * (int64_t)i - (int64_t)n);
    return rest < 0 || rest > 7 ? -1 : o - dst;
}

ptrdiff_t h2c_huff_decode_near_end(uint8_t *dst, const uint8_t *src, size_t len, size_t avail)
{
    ptrdiff_t fast;
    if (len < 16) {
        /* Short: a copy with 8 octets after it costs less than clamping
         * each load, or than decode_whole()'s 64 octets of ones (avail
         * below 8).  Those 8 octets are masked with ones, so any value
         * does; they are set only to be defined. */
        uint8_t w[23];
        const uint64_t pad = 0;
        h2c_bytes_move(w, src, len);
        memcpy(w + len, &pad, 8);
        fast = decode_slack(dst, w, len, len + 8, 0);
    } else {
        /* The loads clamped: a few more instructions, kept out of the
         * common case.  avail >= len >= 16. */
        fast = decode_slack(dst, src, len, avail, 1);
    }
    return fast >= 0 ? fast : decode_exact(dst, src, len);
}

ptrdiff_t h2c_huff_decode_string_in(uint8_t *dst, const uint8_t *src, size_t len, size_t avail)
{
    /* An avail below len (a caller's mistake) reads nothing past len. */
    if (avail < len)
        avail = len;
    if (avail - len < 8) /* the last string of a block, say */
        return h2c_huff_decode_near_end(dst, src, len, avail);
    ptrdiff_t fast = decode_slack(dst, src, len, avail, 0);
    return fast >= 0 ? fast : decode_exact(dst, src, len);
}

ptrdiff_t h2c_huff_decode_slack(uint8_t *dst, const uint8_t *src, size_t len)
{
    return decode_slack(dst, src, len, len + 8, 0);
}

ptrdiff_t h2c_huff_decode_string_wide(uint8_t *dst, size_t room, const uint8_t *src, size_t len)
{
#ifdef H2C_HPACK_NO_FAST
    (void)room;
    return h2c_huff_decode_string(dst, src, len);
#else
    size_t need = h2c_huff_lanes_room(len);
    if (!need || room < need)
        return h2c_huff_decode_string(dst, src, len);
    uint64_t acc = 0;
    unsigned n = 0;
    int64_t eos_bit;
    ptrdiff_t w = decode_lanes(&acc, &n, dst, src, len, &eos_bit);
    if (w < 0)
        return H2C_HPACK_E_HUFFMAN_EOS;
    int r = check_padding(acc, n);
    return r ? r : w;
#endif
}

int h2c_huff_dec_finish(const h2c_huff_dec *st)
{
    return check_padding(st->bits, st->nbits);
}
