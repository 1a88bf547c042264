/* SPDX-License-Identifier: MIT */
/* The per-context allocator, defaulting to libc. */
#include <stdlib.h>
#include <string.h>

#include "frame_int.h"

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

void h2c_frame_alloc_init(h2c_allocator *dst, const h2c_allocator *a)
{
    if (a && a->alloc && a->free) {
        *dst = *a;
    } else {
        dst->alloc = libc_alloc;
        dst->free = libc_free;
        dst->opaque = NULL;
    }
}

void *h2c_frame_ctx_new(h2c_allocator *al, const h2c_allocator *user, size_t size)
{
    h2c_allocator tmp;
    h2c_frame_alloc_init(&tmp, user);
    void *ctx = h2c_frame_alloc(&tmp, size);
    if (ctx) {
        memset(ctx, 0, size);
        *al = tmp;
    }
    return ctx;
}
