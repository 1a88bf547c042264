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

ptrdiff_t h2c_huff_decode(h2c_huff_dec *st, uint8_t *dst, const uint8_t *src, size_t len)
{
    unsigned s = st->state;
    uint8_t *o = dst;
    for (size_t i = 0; i < len; i++) {
        const h2c_huff_step *e = &h2c_huff_fsm[s][src[i] >> 4];
        /* Branch-free emit: write the symbol, advance only if completed. */
        *o = e->sym;
        o += e->flags & H2C_HUFF_EMIT;
        s = e->next;
        uint8_t fail = e->flags;
        e = &h2c_huff_fsm[s][src[i] & 0x0f];
        *o = e->sym;
        o += e->flags & H2C_HUFF_EMIT;
        s = e->next;
        if ((fail | e->flags) & H2C_HUFF_FAIL) {
            st->err_pos = i;
            return H2C_HPACK_E_HUFFMAN_EOS;
        }
    }
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
