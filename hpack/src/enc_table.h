/*
 * Internal: the encoder's dynamic table (RFC 7541 section 2.3.2, 4).
 *
 * Entries live in a ring indexed by a 32-bit insertion sequence number
 * ("seq"); the newest entry is seq next_seq - 1, HPACK dynamic index i
 * (1 = newest) is seq next_seq - i.  Strings are copied into a byte ring of
 * at least twice the largest table size, so that every entry's name and value
 * are contiguous without ever moving live data (see enc_table.c for why 2x
 * is always enough).
 *
 * Two chained hash indexes find entries without scanning: one keyed by
 * name+value, one by name.  A bucket holds the seq of its newest entry and
 * each entry the seq of the next older one in its bucket.  Eviction touches
 * neither: a chain simply ends at the first seq that is no longer live, so
 * evicting the oldest entry is O(1).
 *
 * All storage is one caller-provided block (h2c_etab_storage_size), so the
 * encoder can snapshot and restore the table with two memcpy calls.
 */
#ifndef H2C_HPACK_ENC_TABLE_H
#define H2C_HPACK_ENC_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"

/* Per-entry overhead of RFC 7541 section 4.1. */
#define H2C_ETAB_OVERHEAD 32u

/* Largest table size the storage layout supports (virtual ring offsets are
 * 32-bit and the ring is twice the table). */
#define H2C_ETAB_LIMIT_MAX (1u << 29)

typedef struct h2c_etab_entry {
    uint32_t voff;      /* virtual ring offset of the name; the value follows */
    uint32_t name_len;
    uint32_t value_len;
    uint32_t hash;      /* h2c_etab_hash of the value seeded with name_hash */
    uint32_t name_hash;
    uint32_t next;      /* seq of the next older entry in the same field bucket */
    uint32_t name_next; /* seq of the next older entry in the same name bucket */
    uint16_t stat;      /* indexing policy bookkeeping (policy.c) */
    uint16_t hits;      /* times referenced by an indexed representation, saturating */
} h2c_etab_entry;

typedef struct h2c_etab {
    h2c_etab_entry *ent; /* emask + 1 slots */
    uint32_t *fbucket;   /* name+value index: seq of the newest entry per bucket */
    uint32_t *nbucket;   /* name index */
    uint8_t *ring;       /* rmask + 1 octets of strings */
    uint32_t emask, bmask, rmask;
    uint32_t limit;      /* largest max the storage can hold */
    uint32_t max;        /* current maximum size (RFC 7541 section 4.2) */
    uint32_t size;       /* octets in use: sum of name + value + 32 */
    uint32_t count;      /* live entries */
    uint32_t next_seq;   /* seq the next insertion gets */
    uint32_t head_v;     /* virtual ring offset where the next strings go */
} h2c_etab;

/* Octets of storage a table able to reach 'limit' needs (limit <= H2C_ETAB_LIMIT_MAX). */
size_t h2c_etab_storage_size(uint32_t limit);

/* Lay the table out in 'storage' (h2c_etab_storage_size(limit) octets,
 * malloc-aligned) and empty it, with max = limit. */
void h2c_etab_init(h2c_etab *t, void *storage, uint32_t limit);

/* Empty the table (max unchanged). */
void h2c_etab_clear(h2c_etab *t);

/* Equality of short strings without a library call: most header
 * names and many values are under 16 octets. */
static inline uint64_t h2c_etab_ld64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t h2c_etab_ld32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Little-endian loads, so that hashes (and so the policy's decisions) are
 * the same on every platform. */
static inline uint64_t h2c_etab_le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(h2c_etab_ld64(p));
#else
    return h2c_etab_ld64(p);
#endif
}

static inline uint64_t h2c_etab_le32(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap32(h2c_etab_ld32(p));
#else
    return h2c_etab_ld32(p);
#endif
}

static inline int h2c_etab_eq(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 < n; i += 8)
            if (h2c_etab_ld64(a + i) != h2c_etab_ld64(b + i))
                return 0;
        return h2c_etab_ld64(a + n - 8) == h2c_etab_ld64(b + n - 8);
    }
    if (n >= 4)
        return h2c_etab_ld32(a) == h2c_etab_ld32(b) &&
               h2c_etab_ld32(a + n - 4) == h2c_etab_ld32(b + n - 4);
    /* n <= 3: first, middle and last octet cover them all. */
    return n == 0 || (a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]);
}

static inline uint64_t h2c_etab_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 31);
}

/*
 * Hash of s[0..n), seeded; the name hash is h2c_etab_hash(name, n, 0) and
 * the field hash h2c_etab_hash(value, vn, name_hash).  One multiply per 8
 * octets; the tail is read with overlapping loads, never byte by byte.
 */
static inline uint32_t h2c_etab_hash(const char *s, size_t n, uint32_t seed)
{
    const uint8_t *p = (const uint8_t *)s;
    uint64_t h = ((uint64_t)seed << 32 | seed) ^ ((uint64_t)n * 0x9e3779b97f4a7c15ull);
    if (n > 8) {
        size_t left = n;
        for (; left > 8; p += 8, left -= 8)
            h = h2c_etab_mix(h, h2c_etab_le64(p));
        h = h2c_etab_mix(h, h2c_etab_le64(p + left - 8));
    } else if (n >= 4) {
        h = h2c_etab_mix(h, h2c_etab_le32(p) | h2c_etab_le32(p + n - 4) << 32);
    } else if (n) {
        h = h2c_etab_mix(h, (uint64_t)p[0] | (uint64_t)p[n >> 1] << 8 | (uint64_t)p[n - 1] << 16);
    }
    h *= 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32);
}

/* Dynamic index (1 = newest) of the newest live entry equal to name: value,
 * or 0. */
uint32_t h2c_etab_find(const h2c_etab *t, const char *name, uint32_t name_len,
                       const char *value, uint32_t value_len, uint32_t hash);

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
    return (const char *)t->ring + (e->voff & t->rmask);
}

static inline const char *h2c_etab_value(const h2c_etab *t, const h2c_etab_entry *e)
{
    return (const char *)t->ring + (e->voff & t->rmask) + e->name_len;
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
    t->size -= h2c_etab_entry_size(h2c_etab_oldest(t));
    t->count--;
}

/*
 * Append an entry.  The caller has already evicted so that
 * size + name_len + value_len + 32 <= max.  Returns the new entry (stat and
 * hits zeroed).
 */
h2c_etab_entry *h2c_etab_insert(h2c_etab *t, const char *name, uint32_t name_len,
                                const char *value, uint32_t value_len,
                                uint32_t name_hash, uint32_t hash);

#endif
