/* Huffman coding of string literals (RFC 7541 section 5.2, Appendix B). */
#include "huffman.h"

#include <h2codec/hpack.h>

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
    st->state = 0;
    st->err_pos = 0;
}

/* Slow path after a failure: find the octet that completed EOS. */
static ptrdiff_t locate_eos(h2c_huff_dec *st, const uint8_t *src, size_t len)
{
    unsigned s = st->state;
    for (size_t i = 0; i < len; i++) {
        const h2c_huff_step *hi = &h2c_huff_fsm[s][src[i] >> 4];
        const h2c_huff_step *lo = &h2c_huff_fsm[hi->next][src[i] & 0x0f];
        if ((hi->flags | lo->flags) & H2C_HUFF_FAIL) {
            st->err_pos = i;
            break;
        }
        s = lo->next;
    }
    return H2C_HPACK_E_HUFFMAN_EOS;
}

ptrdiff_t h2c_huff_decode(h2c_huff_dec *st, uint8_t *dst, const uint8_t *src, size_t len)
{
    unsigned s = st->state, seen = 0;
    uint8_t *o = dst;
    for (size_t i = 0; i < len; i++) {
        /* Branch-free: store the symbol, advance only if one was completed;
         * failures are collected in 'seen' and located afterwards.  The step
         * is read whole before the store, which might otherwise alias it. */
        uint8_t b = src[i];
        h2c_huff_step hi = h2c_huff_fsm[s][b >> 4];
        h2c_huff_step lo = h2c_huff_fsm[hi.next][b & 0x0f];
        o[0] = hi.sym;
        o += hi.flags & H2C_HUFF_EMIT;
        o[0] = lo.sym;
        o += lo.flags & H2C_HUFF_EMIT;
        seen |= hi.flags | lo.flags;
        s = lo.next;
    }
    if (seen & H2C_HUFF_FAIL)
        return locate_eos(st, src, len);
    st->state = (uint8_t)s;
    return o - dst;
}

int h2c_huff_dec_finish(const h2c_huff_dec *st)
{
    uint8_t info = h2c_huff_node_info[st->state];
    if (!(info & H2C_HUFF_ALL_ONES))
        return H2C_HPACK_E_HUFFMAN_BAD_PAD;
    if ((info & H2C_HUFF_DEPTH) > 7)
        return H2C_HPACK_E_HUFFMAN_PADDING;
    return 0;
}
