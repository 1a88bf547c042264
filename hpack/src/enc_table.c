/* SPDX-License-Identifier: MIT */
/*
 * The encoder's dynamic table: entry ring, string ring, two hash indexes.
 *
 * Storage follows use.  Insertions place strings at head; when an entry
 * would cross the end of the ring, it goes to offset 0 instead, leaving a
 * gap.  Before each
 * insertion the encoder asks h2c_etab_fits() whether the new entry would
 * overwrite an entry it must keep (a live one, or while an encode call may
 * still be undone, any entry live when the call began); if so, outside
 * such a call, the strings kept are compacted in place when they and the
 * new ones leave an eighth of the ring free (h2c_etab_compact), and
 * otherwise the table grows: the entry ring doubles when the new seq's slot is taken, the
 * string ring grows by a quarter (a half below 768 octets) when the
 * strings would overlap (and is at
 * least as large as the kept octets plus the new ones), and everything
 * kept is compacted to the start of the new storage.  Growth stops once the rings are large
 * enough for the entries the table actually holds, so memory is
 * proportional to the octets in use, not to the maximum.
 */
#include "enc_table.h"

#include "hpack_alloc.h"

#define ENT_MIN 4u
#define RING_MIN 64u

void h2c_etab_init(h2c_etab *t, uint32_t max)
{
    memset(t, 0, sizeof *t);
    t->max = max;
}

void h2c_etab_free(h2c_etab *t, const h2c_allocator *a)
{
    uint64_t seed = t->seed;
    h2c_free(a, t->ent); /* one block: entries, buckets, ring */
    h2c_etab_init(t, t->max);
    t->seed = seed; /* the key stays the encoder's for its whole life */
}

void h2c_etab_clear(h2c_etab *t)
{
    t->size = 0;
    t->strings = 0;
    t->count = 0;
    t->next_seq = 0;
    t->head = 0;
    /* Buckets must not name a seq that will be live again soon: with
     * next_seq = 0, seq UINT32_MAX is the oldest possible one, dead until
     * 2^32 insertions from now, and chains stop at dead seqs anyway. */
    if (t->ent) {
        memset(t->fbucket, 0xff,
               ((size_t)t->fmask + 1 + (size_t)t->emask + 1) * sizeof(uint32_t));
    }
}

/* Ring octets of the entries from seq keep_from on: the live ones' from
 * the running sum, give or take the few between keep_from and the oldest
 * live entry (evicted during an undoable call, or about to be). */
static uint64_t kept_octets(const h2c_etab *t, uint32_t keep_from)
{
    uint32_t oldest = t->next_seq - t->count;
    uint64_t octets = t->strings;
    if (t->next_seq - keep_from >= t->count) {
        for (uint32_t s = keep_from; s != oldest; s++) {
            const h2c_etab_entry *e = h2c_etab_at(t, s);
            octets += h2c_etab_span(e->name_len + e->value_len);
        }
    } else {
        for (uint32_t s = oldest; s != keep_from; s++) {
            const h2c_etab_entry *e = h2c_etab_at(t, s);
            octets -= h2c_etab_span(e->name_len + e->value_len);
        }
    }
    return octets;
}

int h2c_etab_grow(h2c_etab *t, uint32_t keep_from, uint32_t stay_from, uint32_t n,
                  const h2c_allocator *a)
{
    uint32_t kept = t->next_seq - keep_from, stay = t->next_seq - stay_from;
    uint64_t octets = h2c_etab_span(n) + kept_octets(t, keep_from);
    uint64_t nent = t->ent ? (uint64_t)t->emask + 1 : 0;
    while (nent < (uint64_t)kept || nent < (uint64_t)stay + 1)
        nent = nent ? 2 * nent : ENT_MIN;
    /* The kept strings and the new ones, and a quarter more when they did
     * not fit: a table that never wraps holds at most 1.25 times its
     * strings (1.5 below 768 octets), and once the ring is twice the kept octets strings never
     * overlap (a gap at the end of the ring is shorter than a live entry),
     * so the ring stops growing.  A small ring grows by half instead: a
     * quarter of it is an entry or two, so a filling table would grow at
     * nearly every insertion. */
    uint64_t ring = t->ent ? t->rcap : RING_MIN, want = octets + h2c_etab_spare(t, n, octets);
    if (t->ent && ring < 2 * octets && (!h2c_etab_strings_fit(t, stay_from, n) || ring < want)) {
        ring += ring < 768 ? ring / 2 : ring / 4;
    }
    if (ring < want)
        ring = octets + octets / 4;
    if (ring > H2C_ETAB_RING_MAX || nent > (1u << 26))
        return H2C_E_NOMEM;
    size_t off_fb = (size_t)nent * sizeof(h2c_etab_entry);
    /* As many name buckets as entry slots: chains stay short, as the table
     * holds at most nent - 1 entries.  The name+value index, which nearly
     * every field asks, gets more in a larger table (h2c_etab_fbuckets),
     * at most 2 KiB of them. */
    uint64_t nfb = h2c_etab_fbuckets(nent);
    size_t off_ring = off_fb + (size_t)(nfb + nent) * sizeof(uint32_t);
    uint8_t *base = h2c_alloc(a, off_ring + (size_t)ring);
    if (!base)
        return H2C_E_NOMEM;
    h2c_etab nt = *t;
    nt.ent = (h2c_etab_entry *)(void *)base;
    nt.fbucket = (uint32_t *)(void *)(base + off_fb);
    nt.ring = base + off_ring;
    nt.emask = (uint32_t)nent - 1;
    nt.fmask = (uint32_t)nfb - 1;
    nt.rcap = (uint32_t)ring;
    uint32_t start = kept ? h2c_etab_at(t, keep_from)->off : 0;
    if (t->ent && nent == (uint64_t)t->emask + 1 && (kept == 0 || start < t->head) &&
        h2c_etab_span(n) <= ring - t->head) {
        /* Only the string ring grew, and the kept strings are in one piece
         * [start, head) with room after them: everything keeps its place
         * (slots, chains and offsets), and nothing is hashed again. */
        memcpy(base, t->ent, off_ring);
        memcpy(nt.ring + start, t->ring + start, t->head - start);
        h2c_free(a, t->ent);
        *t = nt;
        return 0;
    }
    /* A dead seq for empty buckets: older than everything kept. */
    uint32_t dead = keep_from - 1u;
    uint32_t *nbucket = h2c_etab_nbucket(&nt);
    for (uint64_t i = 0; i < nfb + nent; i++)
        nt.fbucket[i] = dead; /* and the name buckets after them */
    /* Compact the kept entries, oldest first, and chain them again.  Their
     * strings lie in at most two runs (enc_table.h), each moved at once:
     * the run [from, end) of the old ring goes to to. */
    uint32_t v = 0, from = start, end = start, to = 0;
    for (uint32_t s = keep_from; s != t->next_seq; s++) {
        const h2c_etab_entry *o = h2c_etab_at(t, s);
        h2c_etab_entry *e = h2c_etab_at(&nt, s);
        *e = *o;
        if (o->off != end) { /* the ring wrapped: the new part starts */
            memcpy(nt.ring + to, t->ring + from, end - from);
            to = v;
            from = end = o->off;
        }
        uint32_t span = h2c_etab_span(o->name_len + o->value_len);
        e->off = v;
        v += span;
        end += span;
        uint32_t *fb = &nt.fbucket[e->hash & nt.fmask], *nb = &nbucket[e->name_hash & nt.emask];
        e->next = *fb;
        *fb = s;
        e->name_next = *nb;
        *nb = s;
    }
    if (end != from)
        memcpy(nt.ring + to, t->ring + from, end - from);
    nt.head = v;
    h2c_free(a, t->ent);
    *t = nt;
    return 0;
}

int h2c_etab_compact(h2c_etab *t, uint32_t keep_from, uint32_t n)
{
    uint32_t kept = t->next_seq - keep_from;
    if (!t->ent || kept > t->emask)
        return 0;
    uint64_t octets = h2c_etab_span(n) + kept_octets(t, keep_from);
    if (t->rcap < octets + h2c_etab_spare(t, n, octets))
        return 0;
    if (!kept) {
        t->head = 0;
        return 1;
    }
    /* Each part of the kept strings is contiguous (enc_table.h); the old
     * part of a wrapped ring ends where the offsets first jump. */
    uint32_t start = h2c_etab_at(t, keep_from)->off, end = start, s = keep_from;
    int wraps = start >= t->head;
    for (; s != t->next_seq; s++) {
        const h2c_etab_entry *e = h2c_etab_at(t, s);
        if (e->off != end)
            break;
        end += h2c_etab_span(e->name_len + e->value_len);
    }
    /* Wrapped: the old part slides to the end of the ring, freeing
     * [head, new start).  Else all of it slides to 0. */
    uint32_t to = wraps ? t->rcap - (end - start) : 0;
    memmove(t->ring + to, t->ring + start, end - start);
    for (uint32_t i = keep_from; i != s; i++)
        h2c_etab_at(t, i)->off = h2c_etab_at(t, i)->off - start + to;
    if (!wraps)
        t->head = end - start;
    return 1;
}

/* Chains: see h2c_etab_find() in enc_table.h. */
uint32_t h2c_etab_find_name(const h2c_etab *t, const char *name, uint32_t name_len,
                            uint32_t name_hash)
{
    if (!t->count) /* also: no storage yet */
        return 0;
    uint32_t seq = h2c_etab_nbucket(t)[name_hash & t->emask], min_age = 0;
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
                                const char *value, uint32_t value_len, uint32_t name_hash,
                                uint32_t hash)
{
    uint32_t n = name_len + value_len, span = h2c_etab_span(n);
    uint32_t at = h2c_etab_place(t, span); /* strings stay contiguous */
    uint32_t seq = t->next_seq++;
    h2c_etab_entry *e = h2c_etab_at(t, seq);
    e->off = at;
    e->name_len = name_len;
    e->value_len = value_len;
    e->hash = hash;
    e->name_hash = name_hash;
    e->stat = 0;
    e->hit = 0;
    uint8_t *dst = t->ring + at;
    h2c_bytes_move(dst, name, name_len);
    h2c_bytes_move(dst + name_len, value, value_len);
    t->head = at + span;
    uint32_t *fb = &t->fbucket[hash & t->fmask],
             *nb = &h2c_etab_nbucket(t)[name_hash & t->emask];
    e->next = *fb;
    *fb = seq;
    e->name_next = *nb;
    *nb = seq;
    t->size += n + H2C_ETAB_OVERHEAD;
    t->strings += span;
    t->count++;
    return e;
}
