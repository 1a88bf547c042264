/* SPDX-License-Identifier: MIT */
/*
 * Internal to the libraries: the per-context allocator, libc by default.
 * Header-only, so that no library exports it and each inlines it.
 */
#ifndef H2C_COMMON_ALLOC_INT_H
#define H2C_COMMON_ALLOC_INT_H

#include <stdlib.h>

#include <h2codec/common.h>

static inline void *h2c_libc_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return malloc(size ? size : 1); /* a non-NULL answer for 0 octets too */
}

static inline void h2c_libc_free(void *opaque, void *ptr)
{
    (void)opaque;
    free(ptr);
}

/* Copy *a, or the libc allocator when a is NULL or incomplete, into *dst. */
static inline void h2c_alloc_init(h2c_allocator *dst, const h2c_allocator *a)
{
    if (a && a->alloc && a->free) {
        *dst = *a;
    } else {
        dst->alloc = h2c_libc_alloc;
        dst->free = h2c_libc_free;
        dst->opaque = NULL;
    }
}

static inline void *h2c_alloc(const h2c_allocator *a, size_t n)
{
    return a->alloc(a->opaque, n);
}

/* NULL is allowed. */
static inline void h2c_free(const h2c_allocator *a, void *p)
{
    if (p)
        a->free(a->opaque, p);
}

#endif
