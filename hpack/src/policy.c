/* Indexing policies: ADAPTIVE (default), ALWAYS, NEVER, CUSTOM. */
#include "policy.h"

#include <string.h>

void h2c_policy_init(h2c_policy *p, int kind, h2c_hpack_policy_fn fn, void *user)
{
    p->kind = kind;
    p->fn = fn;
    p->user = user;
    h2c_policy_reset(p);
}

void h2c_policy_reset(h2c_policy *p)
{
    memset(p->names, 0, sizeof p->names);
    memset(p->ghost, 0, sizeof p->ghost);
}

static int name_is(const h2c_hpack_field *f, const char *lit, size_t n)
{
    return f->name_len == n && memcmp(f->name, lit, n) == 0;
}

/* Credentials are never indexed: an indexed secret can be probed by an
 * attacker who can add fields to the same connection (RFC 7541 section 7.1). */
static int sensitive(const h2c_hpack_field *f)
{
    switch (f->name_len) {
    case 6: return name_is(f, "cookie", 6) && f->value_len < 20;
    case 13: return name_is(f, "authorization", 13);
    case 19: return name_is(f, "proxy-authorization", 19);
    default: return 0;
    }
}

static h2c_policy_name *name_slot(h2c_policy *p, uint32_t name_hash)
{
    h2c_policy_name *s = &p->names[(name_hash >> 24) & (H2C_POLICY_NAME_SLOTS - 1)];
    if (s->tag != name_hash) {
        s->tag = name_hash;
        s->news = 0;
        s->reuses = 0;
    }
    return s;
}

static uint32_t *ghost_slot(h2c_policy *p, uint32_t hash)
{
    return &p->ghost[hash & (H2C_POLICY_GHOST_SLOTS - 1)];
}

/* Fingerprints are stored with the low bit set so that 0 means empty. */
static uint32_t ghost_fp(uint32_t hash)
{
    return hash | 1u;
}

static void count_new(h2c_policy_name *s)
{
    if (s->news == UINT16_MAX) {
        s->news >>= 1;
        s->reuses >>= 1;
    }
    s->news++;
}

static int adaptive(h2c_policy *p, const h2c_policy_field *in, const h2c_etab *t)
{
    const h2c_hpack_field *f = in->field;
    if (sensitive(f))
        return H2C_HPACK_INDEX_NEVER;
    uint64_t size = (uint64_t)f->name_len + f->value_len + H2C_ETAB_OVERHEAD;
    if (size * 4 > (uint64_t)t->max * 3)
        return H2C_HPACK_INDEX_NO;
    h2c_policy_name *s = name_slot(p, in->name_hash);
    uint32_t *g = ghost_slot(p, in->hash);
    if (*g == ghost_fp(in->hash)) {
        /* Seen before and not kept: it repeats, so keep it now. */
        *g = 0;
        if (s->reuses < s->news)
            s->reuses++;
        return H2C_HPACK_INDEX_YES;
    }
    count_new(s);
    /* Estimated chance that a new value of this name is used again,
     * starting optimistic (1 of 1) for names not seen yet. */
    if ((uint32_t)s->reuses * 10 + 10 >= (uint32_t)(s->news + 1) * 3)
        return H2C_HPACK_INDEX_YES;
    *g = ghost_fp(in->hash);
    return H2C_HPACK_INDEX_NO;
}

int h2c_policy_decide(h2c_policy *p, const h2c_policy_field *in, const h2c_etab *t)
{
    switch (p->kind) {
    case H2C_HPACK_POLICY_ALWAYS:
        return H2C_HPACK_INDEX_YES;
    case H2C_HPACK_POLICY_NEVER:
        return H2C_HPACK_INDEX_NO;
    case H2C_HPACK_POLICY_CUSTOM: {
        h2c_hpack_policy_input pi;
        pi.field = in->field;
        pi.name_index = in->name_index;
        pi.table_max = t->max;
        pi.table_size = t->size;
        int r = p->fn(p->user, &pi);
        return r == H2C_HPACK_INDEX_YES || r == H2C_HPACK_INDEX_NEVER ? r : H2C_HPACK_INDEX_NO;
    }
    default:
        return adaptive(p, in, t);
    }
}

void h2c_policy_inserted(h2c_policy *p, const h2c_policy_field *in, h2c_etab_entry *e)
{
    e->stat = (uint16_t)((in->name_hash >> 24) & (H2C_POLICY_NAME_SLOTS - 1));
    (void)p;
}

void h2c_policy_hit(h2c_policy *p, h2c_etab_entry *e)
{
    if (e->hits == 0 && p->kind == H2C_HPACK_POLICY_ADAPTIVE) {
        h2c_policy_name *s = &p->names[e->stat];
        if (s->tag == e->name_hash && s->reuses < s->news)
            s->reuses++;
    }
    if (e->hits != UINT16_MAX)
        e->hits++;
}

void h2c_policy_evicted(h2c_policy *p, const h2c_etab_entry *e)
{
    if (p->kind == H2C_HPACK_POLICY_ADAPTIVE)
        *ghost_slot(p, e->hash) = ghost_fp(e->hash);
}
