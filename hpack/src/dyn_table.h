/* SPDX-License-Identifier: MIT */
/*
 * Internal: the decoder's dynamic table (RFC 7541 sections 2.3.2, 4).
 *
 * Entries are stored name-then-value, contiguous, in a byte arena used as a
 * ring: a new entry goes right after the newest one, or at offset 0 when it
 * would run past the end of the arena.  Live entries move only inside an
 * insertion (compaction or growth, below), so a field can point straight
 * into its entry until the next insertion.  A ring of descriptors gives
 * O(1) access by index.
 *
 * Memory follows use: both rings start empty and grow, while the table
 * fills, to what the live entries need (below), never to what the maximum
 * alone would allow.  A maximum of 2^32-1 with one small entry holds a few
 * hundred octets.
 *
 * An insertion takes the first contiguous place that holds no live entry:
 * right after the newest entry, or at offset 0 when the live data does not
 * wrap and leaves room before the oldest entry.  Each part of the live data
 * is contiguous: all of it [o, head) when it does not wrap, or an old part
 * [o, end) and a new part [0, head) when it does, with a gap [end, cap).
 * When there is no place, and the live content plus the new entry (B + L)
 * leave an eighth of the arena free (a 32nd when the table is within an
 * eighth of its maximum: some room stays free so that the copying is
 * amortized over the octets inserted), the arena is compacted in place:
 * the
 * old part slides to the end of the arena, or unwrapped data to one end,
 * which frees cap - B contiguous octets.  Only otherwise does the arena
 * grow, by half at least, to 1.25 times B + L.  As B + L <= max - 32, an
 * arena of 1.125 times the maximum never grows.  When the table first
 * becomes full its arena grows, if smaller, to 1.25 times its content, a
 * margin for working sets with more octets in fewer entries; after that
 * it grows only when the content passes the arena less a 32nd: a full
 * table holds about 1.25 times its content rather than twice its maximum.  The descriptor
 * ring grows by half when full, up to max / 32 slots.
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
    size_t off; /* arena offset of the name; the value follows */
    uint32_t name_len;
    uint32_t value_len;
} h2c_dyn_entry;

typedef struct h2c_dyn_table {
    uint8_t *arena;      /* in the block of ring, right after the slots */
    size_t arena_cap;    /* octets; grows with the live content (see above) */
    h2c_dyn_entry *ring; /* the one allocated block; NULL until the first insertion */
    size_t ring_cap;     /* slots; grows with the entry count */
    size_t first;        /* ring slot of the oldest entry */
    size_t count;        /* live entries */
    size_t size;         /* RFC size: sum of name + value + 32 */
    size_t max;          /* current maximum size */
    size_t head;         /* arena offset just past the newest entry; 0 when empty */
    int full;            /* an insertion evicted since the maximum last grew */
} h2c_dyn_table;

/* Empty table with maximum max; allocates nothing. */
void h2c_dyn_init(h2c_dyn_table *t, size_t max);
void h2c_dyn_free(h2c_dyn_table *t, const h2c_allocator *a);
/* Drop every entry, keep the memory. */
void h2c_dyn_clear(h2c_dyn_table *t);

/* Change the maximum, evicting the oldest entries until size <= max. */
void h2c_dyn_set_max(h2c_dyn_table *t, size_t max);

/*
 * Make room for one more entry of len octets: grow the descriptor ring
 * when it is full, and compact or grow the arena when it has no place for
 * the entry, or give it a quarter of headroom when fill is set (the table
 * just became full; header).  Live entries may move.  name (which may point into
 * the arena, even into an entry just evicted) is copied to the returned
 * position first, and an old block is freed after.  Returns the new
 * entry's position or NULL (H2C_E_NOMEM, table unchanged).
 */
uint8_t *h2c_dyn_grow(h2c_dyn_table *t, const h2c_allocator *a, const uint8_t *name,
                      size_t name_len, size_t len, int fill);

/* ---- insertion, inline: the decoder inserts for most literals ---- */

static inline size_t h2c_dyn_entry_size(const h2c_dyn_entry *e)
{
    return (size_t)e->name_len + e->value_len + H2C_ENTRY_OVERHEAD;
}

/* Arena offset of the oldest entry; 0 when the table is empty (head is 0
 * then too). */
static inline size_t h2c_dyn_oldest_off(const h2c_dyn_table *t)
{
    return t->count ? t->ring[t->first].off : 0;
}

/* Whether the live data wraps: the oldest entry, at o, lies after head, or
 * at head with live octets (an unwrapped table whose entries are all empty
 * has it at head too). */
static inline int h2c_dyn_wraps(const h2c_dyn_table *t, size_t o)
{
    return o > t->head || (o == t->head && t->size != t->count * H2C_ENTRY_OVERHEAD);
}

/*
 * Arena offset of a contiguous place of len octets that holds no live entry
 * (dyn_table.h header), or SIZE_MAX when there is none.
 */
static inline size_t h2c_dyn_place(const h2c_dyn_table *t, size_t len)
{
    size_t head = t->head, o = h2c_dyn_oldest_off(t);
    if (h2c_dyn_wraps(t, o))
        return len <= o - head ? head : SIZE_MAX;
    if (len <= t->arena_cap - head)
        return head;
    return len <= o ? 0 : SIZE_MAX;
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
 * Insert a new entry.  name may point into the table itself, even into an
 * entry this insertion evicts.  Both lengths are below 2^32.  An entry
 * larger than the maximum empties the table and is not added (RFC 7541
 * section 4.4).  Sets *entry to the new entry's name (its value follows),
 * or NULL if it was not added, and returns 0; or returns H2C_E_NOMEM when
 * the storage had to grow and could not (entries may have been evicted).
 * Always inline: the decoder inserts for most literals, and a call costs
 * about a fifth of the insertion (registers saved and restored).
 */
__attribute__((always_inline)) static inline int
h2c_dyn_add(h2c_dyn_table *t, const h2c_allocator *a, const uint8_t *name, size_t name_len,
            const uint8_t *value, size_t value_len, uint8_t **entry)
{
    /* The lengths' bound keeps the sum from wrapping. */
    uint64_t cost = (uint64_t)name_len + value_len + H2C_ENTRY_OVERHEAD;
    *entry = NULL;
    if (cost > t->max) {
        h2c_dyn_clear(t);
        return 0;
    }
    size_t len = name_len + value_len;
    size_t limit = t->max - (size_t)cost;
    int fill = 0;
    if (t->size > limit) {
        h2c_dyn_evict_to(t, limit);
        fill = !t->full; /* the table just became full */
    }

    uint8_t *dst;
    size_t pos = h2c_dyn_place(t, len);
    if (pos == SIZE_MAX || t->count == t->ring_cap || fill) {
        dst = h2c_dyn_grow(t, a, name, name_len, len, fill);
        if (!dst)
            return H2C_E_NOMEM;
    } else {
        /* name may lie in an entry just evicted and overlap the new place. */
        dst = t->arena + pos;
        h2c_bytes_move(dst, name, name_len);
    }
    /* value never comes from the table. */
    h2c_bytes_move(dst + name_len, value, value_len);
    pos = (size_t)(dst - t->arena);

    size_t slot = t->first + t->count;
    if (slot >= t->ring_cap)
        slot -= t->ring_cap;
    t->ring[slot].off = pos;
    t->ring[slot].name_len = (uint32_t)name_len;
    t->ring[slot].value_len = (uint32_t)value_len;
    t->count++;
    t->size += len + H2C_ENTRY_OVERHEAD;
    t->head = pos + len;
    *entry = dst;
    return 0;
}

/* The same; returns 1 if added, 0 if not, or H2C_E_NOMEM. */
static inline int h2c_dyn_insert(h2c_dyn_table *t, const h2c_allocator *a, const uint8_t *name,
                                 size_t name_len, const uint8_t *value, size_t value_len)
{
    uint8_t *e;
    int rc = h2c_dyn_add(t, a, name, name_len, value, value_len, &e);
    return rc < 0 ? rc : e != NULL;
}

/* Entry i, 1 = newest, for 1 <= i <= count: no test for NULL after it,
 * where the caller tested i already. */
static inline const h2c_dyn_entry *h2c_dyn_at(const h2c_dyn_table *t, size_t i)
{
    size_t slot = t->first + (t->count - i); /* < 2 * ring_cap */
    if (slot >= t->ring_cap)
        slot -= t->ring_cap;
    return &t->ring[slot];
}

/* Entry i, 1 = newest; NULL if i is 0 or past the end. */
static inline const h2c_dyn_entry *h2c_dyn_get(const h2c_dyn_table *t, size_t i)
{
    if (i == 0 || i > t->count)
        return NULL;
    return h2c_dyn_at(t, i);
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
