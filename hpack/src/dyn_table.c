/* Decoder dynamic table: a never-moving ring of contiguous entries. */
#include "dyn_table.h"

#include <string.h>

#include "hpack_alloc.h"

void h2c_dyn_init(h2c_dyn_table *t, size_t max)
{
    memset(t, 0, sizeof *t);
    t->max = max;
}

void h2c_dyn_free(h2c_dyn_table *t, const h2c_hpack_allocator *a)
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

static size_t entry_size(const h2c_dyn_entry *e)
{
    return (size_t)e->name_len + e->value_len + H2C_ENTRY_OVERHEAD;
}

static void evict_to(h2c_dyn_table *t, size_t limit)
{
    /* Locals: the compiler cannot tell the ring from *t. */
    size_t size = t->size, first = t->first, count = t->count;
    while (size > limit) {
        size -= entry_size(&t->ring[first]);
        if (++first == t->ring_cap)
            first = 0;
        count--;
    }
    if (count == 0)
        first = t->head = 0;
    t->size = size;
    t->first = first;
    t->count = count;
}

void h2c_dyn_set_max(h2c_dyn_table *t, size_t max)
{
    t->max = max;
    evict_to(t, max);
}

/* The common case, storage already large enough, is h2c_dyn_reserve()
 * inline. */
int h2c_dyn_reserve_grow(h2c_dyn_table *t, const h2c_hpack_allocator *a)
{
    if (t->max < H2C_ENTRY_OVERHEAD) /* no entry can ever be added */
        return 0;
    if (t->max > SIZE_MAX / 2)
        return H2C_HPACK_E_NOMEM;
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
        return H2C_HPACK_E_NOMEM;
    uint8_t *arena = h2c_alloc(a, arena_need);
    h2c_dyn_entry *ring = h2c_alloc(a, ring_need * sizeof *ring);
    if (!arena || !ring) {
        h2c_free(a, arena);
        h2c_free(a, ring);
        return H2C_HPACK_E_NOMEM;
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

/* memmove, without a library call for the short strings most fields have:
 * up to 32 octets, everything is loaded before anything is stored
 * (overlapping loads and stores). */
static inline void move_short(uint8_t *d, const uint8_t *s, size_t n)
{
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

uint8_t *h2c_dyn_add(h2c_dyn_table *t, const uint8_t *name, size_t name_len,
                     const uint8_t *value, size_t value_len)
{
    /* Both lengths are below 2^32 (entries keep them in 32 bits): the sum
     * cannot wrap. */
    uint64_t cost = (uint64_t)name_len + value_len + H2C_ENTRY_OVERHEAD;
    if (cost > t->max) {
        h2c_dyn_clear(t);
        return NULL;
    }
    size_t len = name_len + value_len;
    size_t limit = t->max - (size_t)cost;
    if (t->size > limit)
        evict_to(t, limit);

    /* Continue at head, or restart at 0 when the entry would cross the end.
     * When the live data is wrapped, head + len stays below the oldest
     * entry (the proof in dyn_table.h), so this test only ever moves an
     * unwrapped table's entry to 0.  An empty table has head 0. */
    size_t pos = t->head;
    if (len > t->arena_cap - pos)
        pos = 0;
    /* name may lie in an entry just evicted and overlap the new place;
     * value never comes from the table. */
    uint8_t *dst = t->arena + pos;
    move_short(dst, name, name_len);
    move_short(dst + name_len, value, value_len);

    size_t slot = t->first + t->count;
    if (slot >= t->ring_cap)
        slot -= t->ring_cap;
    t->ring[slot].off = pos;
    t->ring[slot].name_len = (uint32_t)name_len;
    t->ring[slot].value_len = (uint32_t)value_len;
    t->count++;
    t->size += len + H2C_ENTRY_OVERHEAD;
    t->head = pos + len;
    return dst;
}
