/* SPDX-License-Identifier: MIT */
/*
 * Internal: HPACK integer representation (RFC 7541 section 5.1).
 * Values are uint32_t: anything larger, or encoded in more octets than a
 * 32-bit value needs, is H2C_HPACK_E_INTEGER_OVERFLOW.
 */
#ifndef H2C_HPACK_INT_H
#define H2C_HPACK_INT_H

#include <stddef.h>
#include <stdint.h>

/* Longest encoding of a uint32_t: the prefix octet plus ceil(32 / 7). */
#define H2C_INT_MAX_OCTETS 6

/* Octets needed to encode v with an N-bit prefix (1 <= N <= 8). */
size_t h2c_int_encoded_len(unsigned prefix_bits, uint32_t v);

/*
 * Write v with an N-bit prefix.  'first' holds the representation's pattern
 * bits above the prefix (e.g. 0x80 for an indexed field).  dst must have
 * room for h2c_int_encoded_len() octets.  Returns the octets written.
 */
size_t h2c_int_encode(uint8_t *dst, uint8_t first, unsigned prefix_bits, uint32_t v);

/* Resumable decoder state: survives a fragment boundary mid-integer. */
typedef struct h2c_int_dec {
    uint32_t value;
    uint8_t shift; /* bits already accumulated past the prefix */
} h2c_int_dec;

/*
 * Start decoding from the first octet.  Returns 1 when the value fits in the
 * prefix (st->value is final), 0 when continuation octets follow.
 */
int h2c_int_decode_start(h2c_int_dec *st, uint8_t first, unsigned prefix_bits);

/*
 * Consume continuation octets from *p (advancing it, never past end; on
 * error *p is left at the offending octet).
 * Returns 1 when the integer is complete, 0 when input ran out, or
 * H2C_HPACK_E_INTEGER_OVERFLOW.
 */
int h2c_int_decode_more(h2c_int_dec *st, const uint8_t **p, const uint8_t *end);

#endif
