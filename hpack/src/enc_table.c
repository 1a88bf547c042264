/* SPDX-License-Identifier: MIT */
/*
 * The encoder's dynamic table: entry ring, string ring, two hash indexes.
 *
 * Why a string ring of 2 * limit octets never runs out, without moving data:
 * strings are placed at the virtual write offset head_v; when an entry of n
 * octets would cross the physical end of the ring, head_v first skips to the
 * next lap, leaving a gap g < n.  Let L be the live string octets and C the
 * ring size (>= 2 * max).  Before an insertion the table has been evicted so
 * that L + n <= max - 32.  The live span [oldest voff, head_v) holds L plus
 * the gaps inside it.
 *   - A skip only happens when no gap lies inside the span: if one did, the
 *     span would cover the end of the previous lap, so the physical offset p
 *     of head_v is at most L, and p + n <= L + n < max <= C: no skip.
 *   - Hence the span holds at most one gap, always smaller than max, and
 *     after the insertion it is at most L + n + gap < 2 * max <= C.
 * So the span never exceeds the ring and no live octet is overwritten.
 */
#include "enc_table.h"

/* Smallest power of two >= v (v <= 2^31). */
static uint32_t pow2_at_least(uint32_t v)
{
    uint32_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

typedef struct layout {
    uint32_t nent, nbucket, nring;
    size_t off_fb, off_nb, off_ring, total;
} layout;

static layout layout_for(uint32_t limit)
{
    layout l;
    uint32_t most = limit / H2C_ETAB_OVERHEAD; /* most entries that can be live */
    l.nent = pow2_at_least(most ? most : 1);
    l.nbucket = 2 * l.nent; /* load factor <= 1/2: short chains */
    l.nring = pow2_at_least(limit ? 2 * limit : 1);
    l.off_fb = (size_t)l.nent * sizeof(h2c_etab_entry);
    l.off_nb = l.off_fb + (size_t)l.nbucket * sizeof(uint32_t);
    l.off_ring = l.off_nb + (size_t)l.nbucket * sizeof(uint32_t);
    l.total = l.off_ring + l.nring;
    return l;
}

size_t h2c_etab_storage_size(uint32_t limit)
{
    return layout_for(limit).total;
}

void h2c_etab_init(h2c_etab *t, void *storage, uint32_t limit)
{
    layout l = layout_for(limit);
    uint8_t *base = storage;
    t->ent = storage;
    t->fbucket = (uint32_t *)(void *)(base + l.off_fb);
    t->nbucket = (uint32_t *)(void *)(base + l.off_nb);
    t->ring = base + l.off_ring;
    t->emask = l.nent - 1;
    t->bmask = l.nbucket - 1;
    t->rmask = l.nring - 1;
    t->limit = limit;
    t->max = limit;
    t->seed = 0;
    h2c_etab_clear(t);
}

void h2c_etab_clear(h2c_etab *t)
{
    t->size = 0;
    t->count = 0;
    t->next_seq = 0;
    t->head_v = 0;
    /* Buckets must not name a seq that will be live again soon: with
     * next_seq = 0, seq UINT32_MAX is the oldest possible one, dead until
     * 2^32 insertions from now, and chains stop at dead seqs anyway. */
    memset(t->fbucket, 0xff, ((size_t)t->bmask + 1) * sizeof(uint32_t));
    memset(t->nbucket, 0xff, ((size_t)t->bmask + 1) * sizeof(uint32_t));
}

/* Chains: see h2c_etab_find() in enc_table.h. */
uint32_t h2c_etab_find_name(const h2c_etab *t, const char *name, uint32_t name_len,
                            uint32_t name_hash)
{
    uint32_t seq = t->nbucket[name_hash & t->bmask], min_age = 0;
    for (;;) {
        uint32_t age = t->next_seq - 1u - seq;
        if (age >= t->count || age < min_age)
            return 0;
        const h2c_etab_entry *e = h2c_etab_at(t, seq);
        if (e->name_hash == name_hash && e->name_len == name_len &&
            h2c_bytes_eq(h2c_etab_name(t, e), name, name_len))
            return age + 1;
        min_age = age + 1;
        seq = e->name_next;
    }
}

h2c_etab_entry *h2c_etab_insert(h2c_etab *t, const char *name, uint32_t name_len,
                                const char *value, uint32_t value_len,
                                uint32_t name_hash, uint32_t hash)
{
    uint32_t n = name_len + value_len, ring = t->rmask + 1;
    uint32_t p = t->head_v & t->rmask;
    if (n > ring - p)
        t->head_v += ring - p; /* skip to the next lap: strings stay contiguous */
    uint32_t seq = t->next_seq++;
    h2c_etab_entry *e = h2c_etab_at(t, seq);
    e->voff = t->head_v;
    e->name_len = name_len;
    e->value_len = value_len;
    e->hash = hash;
    e->name_hash = name_hash;
    e->stat = 0;
    e->hits = 0;
    uint8_t *dst = t->ring + (t->head_v & t->rmask);
    h2c_bytes_move(dst, name, name_len);
    h2c_bytes_move(dst + name_len, value, value_len);
    t->head_v += n;
    uint32_t *fb = &t->fbucket[hash & t->bmask], *nb = &t->nbucket[name_hash & t->bmask];
    e->next = *fb;
    *fb = seq;
    e->name_next = *nb;
    *nb = seq;
    t->size += n + H2C_ETAB_OVERHEAD;
    t->count++;
    return e;
}
