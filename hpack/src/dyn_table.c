/* SPDX-License-Identifier: MIT */
/* Decoder dynamic table: a never-moving ring of contiguous entries. */
#include "dyn_table.h"

#include <string.h>

#include "hpack_alloc.h"

void h2c_dyn_init(h2c_dyn_table *t, size_t max)
{
    memset(t, 0, sizeof *t);
    t->max = max;
}

void h2c_dyn_free(h2c_dyn_table *t, const h2c_allocator *a)
{
    h2c_free(a, t->arena);
    h2c_free(a, t->ring);
    t->arena = NULL;
    t->ring = NULL;
    t->arena_cap = t->ring_cap = 0;
    t->ready_max = 0;
    h2c_dyn_clear(t);
}

void h2c_dyn_clear(h2c_dyn_table *t)
{
    t->first = 0;
    t->count = 0;
    t->size = 0;
    t->head = 0;
}

void h2c_dyn_set_max(h2c_dyn_table *t, size_t max)
{
    t->max = max;
    h2c_dyn_evict_to(t, max);
}

/* The common case, storage already large enough, is h2c_dyn_reserve()
 * inline. */
int h2c_dyn_reserve_grow(h2c_dyn_table *t, const h2c_allocator *a)
{
    if (t->max < H2C_ENTRY_OVERHEAD) /* no entry can ever be added */
        return 0;
    if (t->max > SIZE_MAX / 2)
        return H2C_E_NOMEM;
    size_t arena_need = 2 * t->max;
    size_t ring_need = t->max / H2C_ENTRY_OVERHEAD;
    if (t->arena_cap >= arena_need && t->ring_cap >= ring_need) {
        t->ready_max = t->max;
        return 0;
    }
    if (arena_need < t->arena_cap)
        arena_need = t->arena_cap;
    if (ring_need < t->ring_cap)
        ring_need = t->ring_cap;
    if (ring_need > SIZE_MAX / sizeof(h2c_dyn_entry))
        return H2C_E_NOMEM;
    uint8_t *arena = h2c_alloc(a, arena_need);
    h2c_dyn_entry *ring = h2c_alloc(a, ring_need * sizeof *ring);
    if (!arena || !ring) {
        h2c_free(a, arena);
        h2c_free(a, ring);
        return H2C_E_NOMEM;
    }
    /* Growing happens only when the maximum rises: compact the live
     * entries, oldest first, into the new memory. */
    size_t off = 0;
    for (size_t i = t->count; i >= 1; i--) {
        const h2c_dyn_entry *e = h2c_dyn_get(t, i);
        size_t n = (size_t)e->name_len + e->value_len;
        h2c_dyn_entry *d = &ring[t->count - i];
        if (n)
            memcpy(arena + off, t->arena + e->off, n);
        d->off = off;
        d->name_len = e->name_len;
        d->value_len = e->value_len;
        off += n;
    }
    h2c_free(a, t->arena);
    h2c_free(a, t->ring);
    t->arena = arena;
    t->arena_cap = arena_need;
    t->ring = ring;
    t->ring_cap = ring_need;
    t->first = 0;
    t->head = off;
    t->ready_max = t->max;
    return 0;
}

