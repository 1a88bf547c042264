/* SPDX-License-Identifier: MIT */
/* HPACK integer representation (RFC 7541 section 5.1). */
#include "hpack_int.h"

#include <h2codec/hpack.h>

size_t h2c_int_encoded_len(unsigned prefix_bits, uint32_t v)
{
    uint32_t max = (1u << prefix_bits) - 1u;
    size_t n = 1;
    if (v < max)
        return n;
    v -= max;
    for (n = 2; v >= 0x80u; n++)
        v >>= 7;
    return n;
}

size_t h2c_int_encode(uint8_t *dst, uint8_t first, unsigned prefix_bits, uint32_t v)
{
    uint32_t max = (1u << prefix_bits) - 1u;
    size_t n = 0;
    if (v < max) {
        dst[n++] = (uint8_t)(first | v);
        return n;
    }
    dst[n++] = (uint8_t)(first | max);
    v -= max;
    while (v >= 0x80u) {
        dst[n++] = (uint8_t)(0x80u | (v & 0x7fu));
        v >>= 7;
    }
    dst[n++] = (uint8_t)v;
    return n;
}

int h2c_int_decode_start(h2c_int_dec *st, uint8_t first, unsigned prefix_bits)
{
    uint32_t max = (1u << prefix_bits) - 1u;
    st->value = first & max;
    st->shift = 0;
    return st->value < max;
}

int h2c_int_decode_more(h2c_int_dec *st, const uint8_t **p, const uint8_t *end)
{
    const uint8_t *q = *p;
    while (q < end) {
        uint8_t b = *q++;
        /* A uint32_t needs at most 5 continuation octets (shift 0..28); a
         * sixth, even a zero one, is an over-long encoding. */
        if (st->shift > 28) {
            *p = q - 1;
            return H2C_HPACK_E_INTEGER_OVERFLOW;
        }
        uint64_t v = (uint64_t)st->value + ((uint64_t)(b & 0x7fu) << st->shift);
        if (v > UINT32_MAX) {
            *p = q - 1;
            return H2C_HPACK_E_INTEGER_OVERFLOW;
        }
        st->value = (uint32_t)v;
        st->shift = (uint8_t)(st->shift + 7);
        if (!(b & 0x80u)) {
            *p = q;
            return 1;
        }
    }
    *p = q;
    return 0;
}
