/* SPDX-License-Identifier: MIT */
/*
 * Internal: the encoder's dynamic table (RFC 7541 section 2.3.2, 4).
 *
 * Entries live in a ring indexed by a 32-bit insertion sequence number
 * ("seq"); the newest entry is seq next_seq - 1, HPACK dynamic index i
 * (1 = newest) is seq next_seq - i.  Strings are copied into a byte ring,
 * so that every entry's name and value are contiguous, moving live data
 * only when the storage grows or is compacted: like the decoder's arena
 * (dyn_table.h), an entry goes right after the newest one, or at offset 0
 * when it would cross the end of the ring.  An entry takes at least one
 * octet of the ring (h2c_etab_span), so the strings kept never span 0
 * octets and a ring whose oldest kept entry starts at head is full.
 *
 * Two chained hash indexes find entries without scanning: one keyed by
 * name+value, one by name.  A bucket holds the seq of its newest entry and
 * each entry the seq of the next older one in its bucket.  Eviction touches
 * neither: a chain simply ends at the first seq that is no longer live, so
 * evicting the oldest entry is O(1).
 *
 * Storage grows with use: an insertion that would overwrite an entry the
 * caller wants kept (the live ones, or, while an encode call may still be
 * undone, every entry live when it began) first doubles the entry ring or
 * the string ring (h2c_etab_fits, h2c_etab_grow).  The string ring grows
 * by a quarter (a half below 768 octets) when strings would overlap, and
 * is at least as large as the strings kept, so a table that never wraps
 * holds at most 1.25 times its strings (1.5 below 768 octets).  Outside an undoable call, strings that would overlap are first
 * compacted in place when the ring has room for them (h2c_etab_compact),
 * so a full table stops growing at about 1.25 times the strings it holds.
 * Each part of the kept strings is contiguous: [start, head), or, wrapped,
 * an old part [start, end) and a new part [0, head).  An empty table
 * holds no memory.
 */
#ifndef H2C_HPACK_ENC_TABLE_H
#define H2C_HPACK_ENC_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <h2codec/common.h>

#include "bytes.h"

/* Per-entry overhead of RFC 7541 section 4.1. */
#define H2C_ETAB_OVERHEAD 32u

/* Largest table size the storage layout supports (ring offsets are 32-bit
 * and the ring at most three times the table). */
#define H2C_ETAB_LIMIT_MAX (1u << 29)

/* Largest string ring. */
#define H2C_ETAB_RING_MAX (1u << 30)

typedef struct h2c_etab_entry {
    uint32_t off; /* ring offset of the name; the value follows */
    uint32_t name_len;
    uint32_t value_len;
    uint32_t hash; /* h2c_etab_hash of the value seeded with name_hash */
    uint32_t name_hash;
    uint32_t next;      /* seq of the next older entry in the same field bucket */
    uint32_t name_next; /* seq of the next older entry in the same name bucket */
    uint16_t stat;      /* indexing policy bookkeeping (policy.c) */
    uint16_t hit;       /* 0 until referenced by an indexed representation, then the
                           mark of the encode call that first did (encoder.c) */
} h2c_etab_entry;

typedef struct h2c_etab {
    h2c_etab_entry *ent; /* emask + 1 slots; NULL while nothing was ever inserted */
    uint32_t *fbucket;   /* name+value index: seq of the newest entry per bucket;
                            the name index's emask + 1 buckets follow */
    uint8_t *ring;       /* rcap octets of strings */
    uint32_t emask;      /* entry slots - 1; also name buckets - 1 */
    uint32_t fmask;      /* name+value buckets - 1 (h2c_etab_fbuckets) */
    uint32_t strings;    /* ring octets of the live entries: sum of h2c_etab_span */
    uint32_t rcap;       /* string ring octets, any size */
    uint32_t max;        /* current maximum size (RFC 7541 section 4.2) */
    uint32_t size;       /* octets in use: sum of name + value + 32 */
    uint32_t count;      /* live entries */
    uint32_t next_seq;   /* seq the next insertion gets */
    uint32_t head;       /* ring offset where the next strings go (<= rcap) */
    uint64_t seed;       /* secret key of the name hash (h2c_etab_hash); 0 after init */
} h2c_etab;

/* Empty table with maximum max, holding no memory. */
void h2c_etab_init(h2c_etab *t, uint32_t max);

/* Free the storage; the table is empty afterwards. */
void h2c_etab_free(h2c_etab *t, const h2c_allocator *a);

/* Empty the table (max and memory unchanged). */
void h2c_etab_clear(h2c_etab *t);

/*
 * Whether the next insertion, of n string octets, can be made without
 * overwriting any entry from seq keep_from on (up to next_seq - 1), so
 * without growing: its strings (h2c_etab_strings_fit, for a table with
 * storage) and its entry slot.
 */
/* Buckets of the name+value index for a table of nent entry slots: one a
 * slot in a small table; from H2C_ETAB_FB_WIDE_AT slots on, four a slot
 * up to H2C_ETAB_FB_WIDE_MAX buckets (2 KiB), and no fewer than that
 * until there are more slots. */
#define H2C_ETAB_FB_WIDE_AT 64u
#define H2C_ETAB_FB_WIDE_MAX 512u

static inline uint64_t h2c_etab_fbuckets(uint64_t nent)
{
    if (nent < H2C_ETAB_FB_WIDE_AT)
        return nent;
    if (4 * nent <= H2C_ETAB_FB_WIDE_MAX)
        return 4 * nent;
    return nent > H2C_ETAB_FB_WIDE_MAX ? nent : H2C_ETAB_FB_WIDE_MAX;
}

/* The name index's buckets. */
static inline uint32_t *h2c_etab_nbucket(const h2c_etab *t)
{
    return t->fbucket + t->fmask + 1;
}

/* Ring octets an entry of n string octets takes. */
static inline uint32_t h2c_etab_span(uint32_t n)
{
    return n ? n : 1;
}

/* Ring offset where h2c_etab_insert() puts an entry taking span octets:
 * at head, or at 0 when it would cross the end of the ring. */
static inline uint32_t h2c_etab_place(const h2c_etab *t, uint32_t span)
{
    return span <= t->rcap - t->head ? t->head : 0;
}

static inline int h2c_etab_strings_fit(const h2c_etab *t, uint32_t keep_from, uint32_t n)
{
    uint32_t span = h2c_etab_span(n), at = h2c_etab_place(t, span);
    if (t->next_seq == keep_from)
        return span <= t->rcap;
    uint32_t start = t->ent[keep_from & t->emask].off;
    if (start < t->head) /* kept strings in [start, head): free after and before */
        return at == t->head || span <= start;
    /* Wrapped, or full: free in [head, start) only. */
    return at == t->head && span <= start - t->head;
}

static inline int h2c_etab_fits(const h2c_etab *t, uint32_t keep_from, uint32_t n)
{
    uint32_t kept = t->next_seq - keep_from;
    if (!t->ent || kept > t->emask) /* the new seq's slot holds seq keep_from */
        return 0;
    return h2c_etab_strings_fit(t, keep_from, n);
}

/*
 * Grow the storage so that h2c_etab_fits(t, stay_from, n) holds, keeping
 * the entries from seq keep_from on (keep_from must not be newer than the
 * oldest live entry) intact, with their seqs.  stay_from (not older than
 * keep_from) is the oldest entry that must outlive the insertion: the ones
 * before it are evicted first, so the new entry may take the slot of the
 * oldest of them (a full table keeps its entry count, and its slots).
 * Returns 0, or H2C_E_NOMEM with the table unchanged.
 */
int h2c_etab_grow(h2c_etab *t, uint32_t keep_from, uint32_t stay_from, uint32_t n,
                  const h2c_allocator *a);

/*
 * Ring octets to keep free besides 'octets' (the strings kept and the n
 * new ones) for the insertion of an entry of n string octets: an eighth,
 * or a 32nd when the table is within an eighth of its maximum (a full
 * table's strings are what they are), so that a compaction moves at most
 * about 33 times the octets inserted since the previous one.  None while
 * nothing was evicted since the table was last empty, nor will be by this
 * insertion: its strings are then one piece from offset 0 and never need
 * compacting.  (Counting the first evicting insertion in lets a table
 * take its spare as it first becomes full, not one insertion later.)  It depends on
 * the counters only, not on the storage, so that the same insertions on
 * a table that grew from empty and on one emptied after growing find the
 * same spare.
 */
static inline uint64_t h2c_etab_spare(const h2c_etab *t, uint32_t n, uint64_t octets)
{
    uint64_t after = (uint64_t)t->size + n + H2C_ETAB_OVERHEAD;
    if (t->next_seq == t->count && after <= t->max) /* nor will this insertion evict */
        return 0;
    return octets / (after > t->max - t->max / 8 ? 32 : 8);
}

/*
 * Make h2c_etab_fits(t, keep_from, n) hold without allocating, if the
 * entry ring has a slot for the new seq and the string ring holds the
 * strings of the entries from seq keep_from on plus n octets with
 * h2c_etab_spare() to spare: those strings move (their offsets with
 * them), the older entries' strings may be overwritten, slots and chains
 * stay.  Returns 1 if done, 0 if the table must grow instead (unchanged).
 * Live strings move, so not while an encode call may still be undone.
 */
int h2c_etab_compact(h2c_etab *t, uint32_t keep_from, uint32_t n);

/* Little-endian loads, so that hashes (and so the policy's decisions) are
 * the same on every platform. */
static inline uint64_t h2c_etab_le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(h2c_bytes_ld64(p));
#else
    return h2c_bytes_ld64(p);
#endif
}

static inline uint64_t h2c_etab_le32(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap32(h2c_bytes_ld32(p));
#else
    return h2c_bytes_ld32(p);
#endif
}

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 h2c_etab_u128; /* not ISO C: -Wpedantic */
#endif

/* The 128-bit product of a and b from 32-bit halves, as (lo, hi): the
 * path for compilers without 128-bit integers, compiled everywhere so that
 * tests can hold it to the native product (hashes must not depend on the
 * platform). */
static inline void h2c_etab_mul128(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *lo = (mid << 32) | (uint32_t)ll;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* The 128-bit product of a and b, its halves xored (wyhash's "mum"), and
 * b xored in too: a product of 0 (an octet block equal to the constant it
 * is xored with) would otherwise make the hash forget b, which carries the
 * rest of the string and everything hashed before, so values a peer
 * chooses could all collide. */
static inline uint64_t h2c_etab_mum(uint64_t a, uint64_t b)
{
    uint64_t lo, hi;
#if defined(__SIZEOF_INT128__)
    h2c_etab_u128 r = (h2c_etab_u128)a * b;
    lo = (uint64_t)r;
    hi = (uint64_t)(r >> 64);
#else
    h2c_etab_mul128(a, b, &lo, &hi);
#endif
    return lo ^ hi ^ b;
}

#define H2C_ETAB_K0 0x9e3779b97f4a7c15ull
#define H2C_ETAB_K1 0xa0761d6478bd642full

/*
 * Hash of s[0..n), seeded; the name hash is h2c_etab_hash(name, n, t->seed)
 * and the field hash h2c_etab_hash(value, vn, name_hash), so the table's
 * secret seed keys both.  One 128-bit multiply
 * per 16 octets, and one for the last 1..16 (most names and values are
 * short: one or two in all); the tail is read with overlapping loads, never
 * byte by byte, and the length goes into the seed so that overlapping reads
 * of different lengths do not collide.
 */
static inline uint32_t h2c_etab_hash(const char *s, size_t n, uint64_t seed)
{
    const uint8_t *p = (const uint8_t *)s;
    /* For seeds below 2^32 (a name hash, or seed 0) this is n << 32 | seed:
     * lengths still always differ. */
    uint64_t h = ((uint64_t)n << 32 ^ seed) * H2C_ETAB_K0, a, b; /* odd: a bijection */
    if (n > 16) {
        size_t left = n;
        for (; left > 16; p += 16, left -= 16)
            h = h2c_etab_mum(h2c_etab_le64(p) ^ H2C_ETAB_K1, h2c_etab_le64(p + 8) ^ h);
        a = h2c_etab_le64(p + left - 16);
        b = h2c_etab_le64(p + left - 8);
    } else if (n >= 8) {
        a = h2c_etab_le64(p);
        b = h2c_etab_le64(p + n - 8);
    } else if (n >= 4) {
        a = h2c_etab_le32(p);
        b = h2c_etab_le32(p + n - 4);
    } else {
        a = n ? (uint64_t)p[0] | (uint64_t)p[n >> 1] << 8 | (uint64_t)p[n - 1] << 16 : 0;
        b = 0;
    }
    h = h2c_etab_mum(a ^ H2C_ETAB_K1, b ^ h);
    return (uint32_t)(h ^ h >> 32); /* all 64 bits count, even when the product was 0 */
}

/* Dynamic index (1 = newest) of the newest live entry named 'name', or 0. */
uint32_t h2c_etab_find_name(const h2c_etab *t, const char *name, uint32_t name_len,
                            uint32_t name_hash);

static inline h2c_etab_entry *h2c_etab_at(const h2c_etab *t, uint32_t seq)
{
    return &t->ent[seq & t->emask];
}

/* Entry with dynamic index i (1 = newest); i must be in 1..count. */
static inline h2c_etab_entry *h2c_etab_get(const h2c_etab *t, uint32_t i)
{
    return h2c_etab_at(t, t->next_seq - i);
}

static inline const char *h2c_etab_name(const h2c_etab *t, const h2c_etab_entry *e)
{
    return (const char *)t->ring + e->off;
}

static inline const char *h2c_etab_value(const h2c_etab *t, const h2c_etab_entry *e)
{
    return (const char *)t->ring + e->off + e->name_len;
}

/*
 * Dynamic index (1 = newest) of the newest live entry equal to name: value,
 * or 0; inline, as the encoder asks it about nearly every field.
 * Chains run from newer to older seqs.  'age' (next_seq - 1 - seq) must
 * stay below count (live) and strictly grow along a chain; the second test
 * guards against a stale link after 2^32 insertions ever pointing forward.
 */
static inline uint32_t h2c_etab_find(const h2c_etab *t, const char *name, uint32_t name_len,
                                     const char *value, uint32_t value_len, uint32_t hash)
{
    if (!t->count) /* also: no storage yet */
        return 0;
    uint32_t seq = t->fbucket[hash & t->fmask], min_age = 0;
    for (;;) {
        uint32_t age = t->next_seq - 1u - seq;
        if (age >= t->count || age < min_age)
            return 0;
        const h2c_etab_entry *e = h2c_etab_at(t, seq);
        if (e->hash == hash && e->name_len == name_len && e->value_len == value_len) {
            const char *n = h2c_etab_name(t, e);
            if (h2c_bytes_eq(n, name, name_len) && h2c_bytes_eq(n + name_len, value, value_len))
                return age + 1;
        }
        min_age = age + 1;
        seq = e->next;
    }
}

static inline uint32_t h2c_etab_entry_size(const h2c_etab_entry *e)
{
    return e->name_len + e->value_len + H2C_ETAB_OVERHEAD;
}

/* The oldest entry (count must be > 0). */
static inline h2c_etab_entry *h2c_etab_oldest(const h2c_etab *t)
{
    return h2c_etab_at(t, t->next_seq - t->count);
}

/* Drop the oldest entry (count must be > 0). */
static inline void h2c_etab_evict(h2c_etab *t)
{
    const h2c_etab_entry *e = h2c_etab_oldest(t);
    t->size -= h2c_etab_entry_size(e);
    t->strings -= h2c_etab_span(e->name_len + e->value_len);
    t->count--;
}

/*
 * Append an entry.  The caller has already evicted so that
 * size + name_len + value_len + 32 <= max, and made sure the entry fits
 * (h2c_etab_fits with keep_from no newer than the oldest live entry).
 * Returns the new entry (stat and hit zeroed).
 */
h2c_etab_entry *h2c_etab_insert(h2c_etab *t, const char *name, uint32_t name_len,
                                const char *value, uint32_t value_len, uint32_t name_hash,
                                uint32_t hash);

#endif
