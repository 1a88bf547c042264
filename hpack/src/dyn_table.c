/* SPDX-License-Identifier: MIT */
/* Decoder dynamic table: a ring of contiguous entries, compacted in place. */
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
    h2c_free(a, t->ring); /* one block with the arena */
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
    if (max > t->max)
        t->full = 0; /* the working set may be larger now */
    t->max = max;
    h2c_dyn_evict_to(t, max);
}

/* Smallest arena and ring allocated: a few typical entries' worth, so
 * that a connection's table reaches its working size in a few steps.  Both
 * live in one block, so growth and freeing cost one allocator call. */
#define ARENA_MIN 128u
#define RING_MIN 8u

/* A half more than n, saturating. */
static size_t half_more(size_t n)
{
    return n <= SIZE_MAX / 3 * 2 ? n + n / 2 : SIZE_MAX;
}

/*
 * Compact the live strings in place so that len octets fit: the old part
 * of a wrapped ring slides to the end of the arena; live data in one piece
 * slides to offset 0, or to the end when name lies below it.  Either way
 * no live entry and no octet of name (which may lie in an entry just
 * evicted: those are below the live data, or at or past head) is
 * overwritten before name is copied to the returned place.
 */
static uint8_t *dyn_compact(h2c_dyn_table *t, const uint8_t *name, size_t name_len)
{
    size_t cap = t->arena_cap, head = t->head, o = h2c_dyn_oldest_off(t);
    /* Offsets, not pointers, to tell whether name lies in the arena. */
    uintptr_t np = (uintptr_t)name, ap = (uintptr_t)t->arena;
    size_t noff = name_len && np >= ap && np - ap < cap ? (size_t)(np - ap) : SIZE_MAX;
    size_t lo, hi, dst;
    ptrdiff_t shift;
    size_t moved = t->count; /* entries, oldest first, whose offsets change */
    if (h2c_dyn_wraps(t, o)) {
        /* Old part [o, end) ends where the offsets first jump (each part
         * is contiguous); it moves to [cap - (end - o), cap). */
        size_t end = o, slot = t->first;
        for (moved = 0; moved < t->count && t->ring[slot].off == end; moved++) {
            end += (size_t)t->ring[slot].name_len + t->ring[slot].value_len;
            if (++slot == t->ring_cap)
                slot = 0;
        }
        lo = o;
        hi = end;
        shift = (ptrdiff_t)(cap - end);
        dst = head;
    } else if (noff == SIZE_MAX || noff >= o) {
        /* Name elsewhere, live, or at or past head: live data to 0. */
        lo = o;
        hi = head;
        shift = -(ptrdiff_t)o;
        dst = head - o;
    } else {
        /* Name below the live data: live data to the end, entry at 0. */
        lo = o;
        hi = head;
        shift = (ptrdiff_t)(cap - head);
        dst = 0;
    }
    memmove(t->arena + (ptrdiff_t)lo + shift, t->arena + lo, hi - lo);
    for (size_t i = 0, slot = t->first; i < moved; i++) {
        t->ring[slot].off = (size_t)((ptrdiff_t)t->ring[slot].off + shift);
        if (++slot == t->ring_cap)
            slot = 0;
    }
    if (noff >= lo && noff < hi)
        name = t->arena + (ptrdiff_t)noff + shift;
    h2c_bytes_move(t->arena + dst, name, name_len);
    return t->arena + dst;
}

uint8_t *h2c_dyn_grow(h2c_dyn_table *t, const h2c_allocator *a, const uint8_t *name,
                      size_t name_len, size_t len, int fill)
{
    if (fill)
        t->full = 1;
    /* Descriptor ring: a half more when full, up to max / 32 slots, which
     * is more than count: count * 32 <= size <= max - 32 after evictions. */
    size_t ring_cap = t->ring_cap, slots = t->max / H2C_ENTRY_OVERHEAD;
    int must = t->count == ring_cap;
    if (must) {
        ring_cap = half_more(ring_cap);
        if (ring_cap < RING_MIN)
            ring_cap = RING_MIN;
        if (ring_cap > slots)
            ring_cap = slots;
    }
    /* Arena: when it has no place for the entry, compact it in place if
     * the live content plus the new entry leave an eighth of it free, or
     * a 32nd when the table is within an eighth of its maximum (a full
     * table's content is what it is).  Some room must stay free: a
     * compaction then moves at most about 32 times the octets inserted
     * since the last one, else a peer could have each insertion of a few
     * octets move the whole arena.  Otherwise grow it to 1.25 times that
     * (<= max - 32), and at least a half more than before, so that a
     * table filling up grows a logarithmic number of times.  An arena of
     * 1.125 times the maximum never grows again: the content never
     * exceeds it.  When the table first becomes full, the arena grows to
     * 1.25 times its content if smaller: the working set of the next
     * connection, or of this one later, may hold more octets in fewer
     * entries, and this margin keeps that from allocating again. */
    size_t arena_cap = t->arena_cap;
    size_t pos = h2c_dyn_place(t, len);
    size_t need = t->size - t->count * H2C_ENTRY_OVERHEAD + len;
    if (fill && arena_cap < need + need / 4) {
        arena_cap = need + need / 4;
        must = 1;
    } else if (pos == SIZE_MAX || !t->arena) {
        /* count + 1 entries hold at most max - 32 * (count + 1) octets:
         * the half more stops at 1.25 times that, so a table that fills
         * ends near 1.25 times its content. */
        size_t bound = t->max - (t->count + 1) * H2C_ENTRY_OVERHEAD;
        size_t most = bound <= SIZE_MAX / 5 * 4 ? bound + bound / 4 : SIZE_MAX;
        /* Full, or nearly: within an eighth of the maximum. */
        int full = t->size + len + H2C_ENTRY_OVERHEAD > t->max - t->max / 8;
        if (!must && t->arena && need <= arena_cap && arena_cap - need >= need / (full ? 32 : 8))
            return dyn_compact(t, name, name_len);
        size_t more = half_more(arena_cap);
        if (more > most)
            more = most;
        arena_cap = need + need / 4;
        if (arena_cap < more)
            arena_cap = more;
        if (arena_cap < ARENA_MIN)
            arena_cap = ARENA_MIN;
        must = 1;
    }
    if (!must) {
        /* Just full, with room: the place is free. */
        uint8_t *dst = t->arena + pos;
        h2c_bytes_move(dst, name, name_len);
        return dst;
    }
    /* One block: the ring, then the arena. */
    if (ring_cap > (SIZE_MAX - arena_cap) / sizeof(h2c_dyn_entry))
        return NULL;
    size_t ring_octets = ring_cap * sizeof(h2c_dyn_entry);
    uint8_t *block = h2c_alloc(a, ring_octets + arena_cap);
    if (!block)
        return NULL;
    h2c_dyn_entry *ring = (h2c_dyn_entry *)(void *)block;
    uint8_t *arena = block + ring_octets;
    size_t head = t->head, o = h2c_dyn_oldest_off(t);
    if (!h2c_dyn_wraps(t, o) && (len <= arena_cap - head || len <= o)) {
        /* Live data in one piece [o, head): it keeps its offsets, and only
         * the descriptors move, oldest first to slot 0. */
        size_t tail = t->ring_cap - t->first;
        if (tail > t->count)
            tail = t->count;
        if (t->count) {
            memcpy(ring, t->ring + t->first, tail * sizeof *ring);
            memcpy(ring + tail, t->ring, (t->count - tail) * sizeof *ring);
            memcpy(arena + o, t->arena + o, head - o);
        }
        pos = len <= arena_cap - head ? head : 0;
    } else {
        /* Compact the live entries, oldest first (an arena with a place
         * has room for all of them and the new entry).  Entries placed
         * one after the other move as one run. */
        size_t off = 0, run = 0, run_len = 0;
        for (size_t i = 0, slot = t->first; i < t->count; i++) {
            const h2c_dyn_entry *e = &t->ring[slot];
            size_t n = (size_t)e->name_len + e->value_len;
            if (++slot == t->ring_cap)
                slot = 0;
            if (e->off != run + run_len) {
                if (run_len)
                    memcpy(arena + off - run_len, t->arena + run, run_len);
                run = e->off;
                run_len = 0;
            }
            run_len += n;
            ring[i].off = off;
            ring[i].name_len = e->name_len;
            ring[i].value_len = e->value_len;
            off += n;
        }
        if (run_len)
            memcpy(arena + off - run_len, t->arena + run, run_len);
        pos = off;
    }
    /* The new entry's name may still lie in the old arena. */
    if (name_len)
        memcpy(arena + pos, name, name_len);
    h2c_free(a, t->ring);
    t->ring = ring;
    t->ring_cap = ring_cap;
    t->first = 0;
    t->arena = arena;
    t->arena_cap = arena_cap;
    t->head = pos;
    return arena + pos;
}
