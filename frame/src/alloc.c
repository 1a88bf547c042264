/* SPDX-License-Identifier: MIT */
/* Context creation through the per-context allocator. */
#include <string.h>

#include "frame_int.h"

void *h2c_frame_ctx_new(h2c_allocator *al, const h2c_allocator *user, size_t size)
{
    h2c_allocator tmp;
    h2c_alloc_init(&tmp, user);
    void *ctx = h2c_alloc(&tmp, size);
    if (ctx) {
        memset(ctx, 0, size);
        *al = tmp;
    }
    return ctx;
}
