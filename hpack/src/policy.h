/* SPDX-License-Identifier: MIT */
/*
 * Internal: indexing policies (h2c_hpack_policy_kind).
 *
 * The encoder asks the policy only about fields the caller left at
 * H2C_HPACK_INDEX_DEFAULT and that matched no table entry exactly.  The
 * policy also hears about table events (an entry referenced, an entry
 * evicted) so that ADAPTIVE can learn, online, which names' values repeat.
 *
 * The state is a small flat struct without pointers into itself, so the
 * encoder can copy it into the undo journal of a call whose output may not
 * fit (h2c_hpack_encoder_encode must leave the encoder untouched then).
 */
#ifndef H2C_HPACK_POLICY_H
#define H2C_HPACK_POLICY_H

#include <stdint.h>
#include <string.h>

#include <h2codec/hpack.h>

#include "enc_table.h"

#define H2C_POLICY_NAME_SLOTS 64u /* per-name statistics, direct-mapped by name hash */
#define H2C_POLICY_GHOST_SLOTS                                                                  \
    64u /* fingerprints of fields seen but not (or no longer) indexed */

/* What ADAPTIVE remembers about one header name. */
typedef struct h2c_policy_name {
    uint32_t tag;    /* name hash owning the slot */
    uint16_t news;   /* values of this name that were new when seen (plus a prior) */
    uint16_t reuses; /* of those, how many were seen again later */
} h2c_policy_name;

typedef struct h2c_policy {
    int kind; /* h2c_hpack_policy_kind */
    h2c_hpack_policy_fn fn;
    void *user;
    h2c_policy_name names[H2C_POLICY_NAME_SLOTS];
    uint32_t clock; /* octets inserted into the table so far (wraps) */
    uint32_t ghost[H2C_POLICY_GHOST_SLOTS];
    uint32_t ghost_at[H2C_POLICY_GHOST_SLOTS]; /* clock when each was recorded */
} h2c_policy;

/* The facts behind one decision. */
typedef struct h2c_policy_field {
    const h2c_hpack_field *field;
    uint32_t name_hash;
    uint32_t hash;       /* name+value hash (enc_table.h) */
    uint32_t name_index; /* best table index with this name, 0 if none */
} h2c_policy_field;

/* Set the kind and hook; h2c_policy_reset() then makes it ready. */
void h2c_policy_init(h2c_policy *p, int kind, h2c_hpack_policy_fn fn, void *user);

/* Forget everything learnt (kind and hook unchanged). */
void h2c_policy_reset(h2c_policy *p);

/* h2c_policy_decide() for ADAPTIVE, and for every kind. */
int h2c_policy_adaptive(h2c_policy *p, const h2c_policy_field *in, const h2c_etab *t);
int h2c_policy_decide_other(h2c_policy *p, const h2c_policy_field *in, const h2c_etab *t);

/*
 * Decide how to represent a field with no exact table match:
 * H2C_HPACK_INDEX_YES, _NO or _NEVER.  The answer may be YES for a field
 * that does not fit the table; the encoder downgrades that to NO.  Inline,
 * so that the encoder calls ADAPTIVE, the default, directly.
 */
static inline int h2c_policy_decide(h2c_policy *p, const h2c_policy_field *in, const h2c_etab *t)
{
    if (p->kind == H2C_HPACK_POLICY_ADAPTIVE)
        return h2c_policy_adaptive(p, in, t);
    return h2c_policy_decide_other(p, in, t);
}

/* Slot of a name's statistics in h2c_policy.names: high bits of its hash,
 * as the table's name index uses the low ones. */
static inline unsigned h2c_policy_name_slot(uint32_t name_hash)
{
    return (name_hash >> 16) & (H2C_POLICY_NAME_SLOTS - 1);
}

/* The field the policy decided on was inserted as entry e.  Inline: it
 * follows every insertion. */
static inline void h2c_policy_inserted(h2c_policy *p, const h2c_policy_field *in,
                                       h2c_etab_entry *e)
{
    p->clock += h2c_etab_entry_size(e);
    e->stat = (uint16_t)h2c_policy_name_slot(in->name_hash);
}

/* One more of the name's new values was seen again. */
static inline void h2c_policy_count_reuse(h2c_policy_name *s)
{
    if (s->reuses < s->news)
        s->reuses++;
}

/* Entry e was referenced by an indexed representation; mark records the
 * first reference (nonzero; see encoder.c).  Inline: more than half the
 * fields of typical traffic are such hits. */
static inline void h2c_policy_hit(h2c_policy *p, h2c_etab_entry *e, unsigned mark)
{
    if (e->hit == 0) {
        if (p->kind == H2C_HPACK_POLICY_ADAPTIVE) {
            h2c_policy_name *s = &p->names[e->stat];
            if (s->tag == e->name_hash)
                h2c_policy_count_reuse(s);
        }
        e->hit = (uint16_t)mark;
    }
}

/*
 * The ghost list (policy.c): sets of H2C_POLICY_GHOST_WAYS fingerprints,
 * newest first, so that a field is forgotten after that many newer ones
 * landed in its set rather than at the first collision.  Fingerprints
 * have the low bit set: 0 is empty.  Each carries the insertion clock of
 * when it was recorded: a repeat only counts if it came soon enough to
 * have been a table hit.  Here, as the encoder records every entry it
 * evicts.
 */
#define H2C_POLICY_GHOST_WAYS 4u

#if H2C_POLICY_GHOST_WAYS != 4
#error "ghost_take() and h2c_policy_ghost_put() look at exactly four ways"
#endif

static inline size_t h2c_policy_ghost_set(uint32_t hash)
{
    return (size_t)(hash & (H2C_POLICY_GHOST_SLOTS / H2C_POLICY_GHOST_WAYS - 1)) *
           H2C_POLICY_GHOST_WAYS;
}

static inline void h2c_policy_ghost_put(h2c_policy *p, uint32_t hash)
{
    size_t base = h2c_policy_ghost_set(hash);
    uint32_t *g = &p->ghost[base], *at = &p->ghost_at[base];
    /* Written out, the first two ways as one 8-octet move: compilers turn
     * the loop into a memmove call. */
    uint64_t g01, a01;
    memcpy(&g01, g, 8);
    memcpy(&a01, at, 8);
    uint32_t g2 = g[2], a2 = at[2];
    memcpy(g + 1, &g01, 8);
    memcpy(at + 1, &a01, 8);
    g[3] = g2;
    at[3] = a2;
    g[0] = hash | 1u;
    at[0] = p->clock;
}

/* Entry e is about to be evicted.  Inline: most insertions into a full
 * table evict. */
static inline void h2c_policy_evicted(h2c_policy *p, const h2c_etab_entry *e)
{
    /* If it comes back, the ghost list will say it repeats. */
    if (p->kind == H2C_HPACK_POLICY_ADAPTIVE)
        h2c_policy_ghost_put(p, e->hash);
}

#endif
