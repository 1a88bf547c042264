/* SPDX-License-Identifier: MIT */
/*
 * Internal: moving and comparing the short strings of header fields
 * without a library call.  Shared by the decoder's and the encoder's
 * dynamic tables, the encoder's output and the static table's lookup.
 */
#ifndef H2C_HPACK_BYTES_H
#define H2C_HPACK_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * memmove(d, s, n).  Up to 32 octets, everything is loaded before anything
 * is stored (two overlapping loads and stores of one width), so it is safe
 * for any overlap, as a name copied from an entry the same insertion evicts
 * needs; longer strings go to memmove.
 */
static inline void h2c_bytes_move(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (n > 32) {
        memmove(d, s, n);
    } else if (n > 16) { /* most values: two 16-octet moves */
        uint8_t x[16], y[16];
        memcpy(x, s, 16);
        memcpy(y, s + n - 16, 16);
        memcpy(d, x, 16);
        memcpy(d + n - 16, y, 16);
    } else if (n >= 8) {
        uint64_t x, y;
        memcpy(&x, s, 8);
        memcpy(&y, s + n - 8, 8);
        memcpy(d, &x, 8);
        memcpy(d + n - 8, &y, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        memcpy(d, &x, 4);
        memcpy(d + n - 4, &y, 4);
    } else if (n) {
        uint8_t x = s[0], m = s[n >> 1], y = s[n - 1];
        d[0] = x;
        d[n >> 1] = m;
        d[n - 1] = y;
    }
}

/* Unaligned native-order loads. */
static inline uint64_t h2c_bytes_ld64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t h2c_bytes_ld32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* memcmp(a, b, n) == 0 with overlapping loads, never outside [0, n): most
 * header names and many values are under 16 octets. */
static inline int h2c_bytes_eq(const void *pa, const void *pb, size_t n)
{
    const uint8_t *a = pa, *b = pb;
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 < n; i += 8)
            if (h2c_bytes_ld64(a + i) != h2c_bytes_ld64(b + i))
                return 0;
        return h2c_bytes_ld64(a + n - 8) == h2c_bytes_ld64(b + n - 8);
    }
    if (n >= 4)
        return h2c_bytes_ld32(a) == h2c_bytes_ld32(b) &&
               h2c_bytes_ld32(a + n - 4) == h2c_bytes_ld32(b + n - 4);
    /* n <= 3: first, middle and last octet cover them all. */
    return n == 0 || (a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]);
}

#endif
