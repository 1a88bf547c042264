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

/* Smallest arena and ring allocated: one small entry's worth. */
#define ARENA_MIN 64u
#define RING_MIN 4u

uint8_t *h2c_dyn_grow(h2c_dyn_table *t, const h2c_allocator *a, const uint8_t *name,
                      size_t name_len, size_t len)
{
    /* Live content after the evictions, plus the new entry: the arena needs
     * twice that (dyn_table.h), and gets a quarter more so that a table
     * filling up grows a logarithmic number of times. */
    size_t live = t->size - t->count * H2C_ENTRY_OVERHEAD;
    size_t arena_cap = t->arena_cap, ring_cap = t->ring_cap;
    if ((live + len) > arena_cap / 2) {
        size_t need = live + len; /* <= max, which is < SIZE_MAX / 2 on 64-bit */
        if (need > (SIZE_MAX - ARENA_MIN) / 3)
            return NULL;
        /* At least double, up to what the maximum can need: a table
         * filling up grows a logarithmic number of times, whatever the
         * entries' sizes. */
        size_t twice = arena_cap <= SIZE_MAX / 2 ? 2 * arena_cap : SIZE_MAX;
        size_t most = t->max <= (SIZE_MAX - ARENA_MIN) / 3 ? 2 * t->max + t->max / 2 : SIZE_MAX;
        if (twice > most)
            twice = most;
        arena_cap = 2 * need + need / 2;
        if (arena_cap < twice)
            arena_cap = twice;
        if (arena_cap < ARENA_MIN)
            arena_cap = ARENA_MIN;
    }
    if (t->count == ring_cap) {
        /* No more slots than max / 32 entries can use. */
        size_t most = t->max / H2C_ENTRY_OVERHEAD;
        ring_cap = ring_cap ? 2 * ring_cap : RING_MIN;
        if (ring_cap > most)
            ring_cap = most;
        if (ring_cap > SIZE_MAX / sizeof(h2c_dyn_entry))
            return NULL;
    }
    uint8_t *arena = h2c_alloc(a, arena_cap);
    h2c_dyn_entry *ring = h2c_alloc(a, ring_cap * sizeof *ring);
    if (!arena || !ring) {
        h2c_free(a, arena);
        h2c_free(a, ring);
        return NULL;
    }
    /* Compact the live entries, oldest first, into the new memory. */
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
    /* The new entry's name may still lie in the old arena. */
    if (name_len)
        memcpy(arena + off, name, name_len);
    h2c_free(a, t->arena);
    h2c_free(a, t->ring);
    t->arena = arena;
    t->arena_cap = arena_cap;
    t->ring = ring;
    t->ring_cap = ring_cap;
    t->first = 0;
    t->head = off;
    return arena + off;
}
