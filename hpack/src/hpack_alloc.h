/* SPDX-License-Identifier: MIT */
/* Internal: the per-context allocator, defaulting to libc. */
#ifndef H2C_HPACK_ALLOC_H
#define H2C_HPACK_ALLOC_H

#include <h2codec/hpack.h>

/* Copy *a, or the libc allocator when a is NULL, into *dst. */
void h2c_alloc_init(h2c_allocator *dst, const h2c_allocator *a);

static inline void *h2c_alloc(const h2c_allocator *a, size_t n)
{
    return a->alloc(a->opaque, n);
}

static inline void h2c_free(const h2c_allocator *a, void *p)
{
    if (p)
        a->free(a->opaque, p);
}

#endif
