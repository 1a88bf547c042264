/* SPDX-License-Identifier: MIT */
/*
 * Internal: the decoder's dynamic table (RFC 7541 sections 2.3.2, 4).
 *
 * Entries are stored name-then-value, contiguous, in a byte arena used as a
 * ring: a new entry goes right after the newest one, or at offset 0 when it
 * would run past the end of the arena.  Nothing is ever moved, so a field
 * can point straight into its entry.  A ring of descriptors gives O(1)
 * access by index.
 *
 * Why an arena of 2 * max octets always has room after the RFC evictions:
 * let B be the live content octets and L the new entry's, with B + L < max
 * (every entry also costs 32 octets of overhead).
 *   - Live data not wrapped, occupying [o, head): if head + L > 2max then
 *     o = head - B > 2max - B - L > max > L, so [0, L) is free.
 *   - Live data wrapped: old entries in [o, end), a gap [end, 2max) shorter
 *     than the entry at offset 0 (which is live and part of B), new entries
 *     in [0, head).  Free space o - head = 2max - gap - B > 2max - 2B > L.
 * The descriptor ring needs max / 32 slots, since every entry costs >= 32.
 */
#ifndef H2C_HPACK_DYN_TABLE_H
#define H2C_HPACK_DYN_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <h2codec/hpack.h>

#include "bytes.h"

#define H2C_ENTRY_OVERHEAD 32u

typedef struct h2c_dyn_entry {
    size_t off;         /* arena offset of the name; the value follows */
    uint32_t name_len;
    uint32_t value_len;
} h2c_dyn_entry;

typedef struct h2c_dyn_table {
    uint8_t *arena;
    size_t arena_cap;   /* octets; >= 2 * max once reserved */
    h2c_dyn_entry *ring;
    size_t ring_cap;    /* slots; >= max / 32 once reserved */
    size_t first;       /* ring slot of the oldest entry */
    size_t count;       /* live entries */
    size_t size;        /* RFC size: sum of name + value + 32 */
    size_t max;         /* current maximum size */
    size_t ready_max;   /* the storage suffices for any maximum up to this */
    size_t head;        /* arena offset just past the newest entry; 0 when empty */
} h2c_dyn_table;

/* Empty table with maximum max; allocates nothing. */
void h2c_dyn_init(h2c_dyn_table *t, size_t max);
void h2c_dyn_free(h2c_dyn_table *t, const h2c_allocator *a);
/* Drop every entry, keep the memory. */
void h2c_dyn_clear(h2c_dyn_table *t);

/* Change the maximum, evicting the oldest entries until size <= max. */
void h2c_dyn_set_max(h2c_dyn_table *t, size_t max);

/*
 * Make sure an insertion under the current maximum needs no allocation.
 * Live entries move if the memory grows, so call it before taking pointers
 * into the table.  Returns 0 or H2C_E_NOMEM (table unchanged).
 */
int h2c_dyn_reserve_grow(h2c_dyn_table *t, const h2c_allocator *a);

static inline int h2c_dyn_reserve(h2c_dyn_table *t, const h2c_allocator *a)
{
    return t->max <= t->ready_max ? 0 : h2c_dyn_reserve_grow(t, a);
}

/* ---- insertion, inline: the decoder inserts for most literals ---- */

static inline size_t h2c_dyn_entry_size(const h2c_dyn_entry *e)
{
    return (size_t)e->name_len + e->value_len + H2C_ENTRY_OVERHEAD;
}

/* Evict the oldest entries until size <= limit. */
static inline void h2c_dyn_evict_to(h2c_dyn_table *t, size_t limit)
{
    /* Locals: the compiler cannot tell the ring from *t. */
    size_t size = t->size, first = t->first, count = t->count;
    while (size > limit) {
        size -= h2c_dyn_entry_size(&t->ring[first]);
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

/*
 * Insert a new entry (requires h2c_dyn_reserve() since the last maximum
 * change).  name may point into the table itself, even into an entry this
 * insertion evicts.  Both lengths are below 2^32.  An entry larger than the
 * maximum empties the table and is not added (RFC 7541 section 4.4).
 * Returns the new entry's name (its value follows), or NULL if it was not
 * added.  Inline: the call cost about 30 instructions an insertion.
 */
static inline uint8_t *h2c_dyn_add(h2c_dyn_table *t, const uint8_t *name, size_t name_len,
                                   const uint8_t *value, size_t value_len)
{
    /* The lengths' bound keeps the sum from wrapping. */
    uint64_t cost = (uint64_t)name_len + value_len + H2C_ENTRY_OVERHEAD;
    if (cost > t->max) {
        h2c_dyn_clear(t);
        return NULL;
    }
    size_t len = name_len + value_len;
    size_t limit = t->max - (size_t)cost;
    if (t->size > limit)
        h2c_dyn_evict_to(t, limit);

    /* Continue at head, or restart at 0 when the entry would cross the end.
     * When the live data is wrapped, head + len stays below the oldest
     * entry (the proof above), so this test only ever moves an unwrapped
     * table's entry to 0.  An empty table has head 0. */
    size_t pos = t->head;
    if (len > t->arena_cap - pos)
        pos = 0;
    /* name may lie in an entry just evicted and overlap the new place;
     * value never comes from the table. */
    uint8_t *dst = t->arena + pos;
    h2c_bytes_move(dst, name, name_len);
    h2c_bytes_move(dst + name_len, value, value_len);

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

/* The same; returns 1 if added, 0 if not. */
static inline int h2c_dyn_insert(h2c_dyn_table *t, const uint8_t *name, size_t name_len,
                                 const uint8_t *value, size_t value_len)
{
    return h2c_dyn_add(t, name, name_len, value, value_len) != NULL;
}

/* Entry i, 1 = newest; NULL if i is 0 or past the end. */
static inline const h2c_dyn_entry *h2c_dyn_get(const h2c_dyn_table *t, size_t i)
{
    if (i == 0 || i > t->count)
        return NULL;
    size_t slot = t->first + (t->count - i); /* < 2 * ring_cap */
    if (slot >= t->ring_cap)
        slot -= t->ring_cap;
    return &t->ring[slot];
}

static inline const uint8_t *h2c_dyn_name(const h2c_dyn_table *t, const h2c_dyn_entry *e)
{
    return t->arena + e->off;
}

static inline const uint8_t *h2c_dyn_value(const h2c_dyn_table *t, const h2c_dyn_entry *e)
{
    return t->arena + e->off + e->name_len;
}

#endif
