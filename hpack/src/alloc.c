/* SPDX-License-Identifier: MIT */
/* The per-context allocator, libc by default. */
#include <h2codec/hpack.h>

#include <stdlib.h>

#include "hpack_alloc.h"

static void *libc_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return malloc(size ? size : 1);
}

static void libc_free(void *opaque, void *ptr)
{
    (void)opaque;
    free(ptr);
}

void h2c_alloc_init(h2c_allocator *dst, const h2c_allocator *a)
{
    if (a && a->alloc && a->free) {
        *dst = *a;
    } else {
        dst->alloc = libc_alloc;
        dst->free = libc_free;
        dst->opaque = NULL;
    }
}
