/* SPDX-License-Identifier: MIT */
#include "tcpreasm.h"

#include <stdlib.h>
#include <string.h>

typedef struct reasm_seg {
    struct reasm_seg *next;
    uint64_t off;
    size_t len;
    uint8_t *data; /* NULL: octets known to be missing (cut by the snaplen) */
} reasm_seg;

struct reasm {
    reasm_cbs cb;
    void *user;
    size_t cap;
    reasm_flow **tab;
    size_t nbuckets, nflows;
    reasm_flow *head, *tail; /* live flows, oldest first */
    uint64_t ids;
};

static uint64_t hash_tuple(int family, const uint8_t *a, uint16_t pa, const uint8_t *b,
                           uint16_t pb)
{
    /* symmetric: both directions hash alike */
    size_t n = family == 4 ? 4 : 16;
    uint64_t ha = 1469598103934665603ull, hb = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        ha = (ha ^ a[i]) * 1099511628211ull;
        hb = (hb ^ b[i]) * 1099511628211ull;
    }
    ha = (ha ^ pa) * 1099511628211ull;
    hb = (hb ^ pb) * 1099511628211ull;
    uint64_t h = (ha ^ hb) + ha * hb;
    return h ^ (h >> 29);
}

static uint64_t flow_hash(const reasm_flow *f)
{
    return hash_tuple(f->family, f->addr[0], f->port[0], f->addr[1], f->port[1]);
}

reasm *reasm_new(const reasm_cbs *cbs, void *user, size_t cap_per_flow)
{
    reasm *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->cb = *cbs;
    r->user = user;
    r->cap = cap_per_flow;
    r->nbuckets = 1024;
    r->tab = calloc(r->nbuckets, sizeof *r->tab);
    if (!r->tab) {
        free(r);
        return NULL;
    }
    return r;
}

static int grow(reasm *r)
{
    size_t nb = r->nbuckets * 2;
    reasm_flow **nt = calloc(nb, sizeof *nt);
    if (!nt)
        return -1;
    for (size_t i = 0; i < r->nbuckets; i++)
        for (reasm_flow *f = r->tab[i], *n; f; f = n) {
            n = f->hnext;
            size_t b = flow_hash(f) & (nb - 1);
            f->hnext = nt[b];
            nt[b] = f;
        }
    free(r->tab);
    r->tab = nt;
    r->nbuckets = nb;
    return 0;
}

/* The flow of a segment and its direction, or NULL. */
static reasm_flow *lookup(reasm *r, const netdec_seg *s, int *dir)
{
    size_t n = s->family == 4 ? 4 : 16;
    size_t b = hash_tuple(s->family, s->src, s->sport, s->dst, s->dport) & (r->nbuckets - 1);
    for (reasm_flow *f = r->tab[b]; f; f = f->hnext) {
        if (f->family != s->family)
            continue;
        for (int d = 0; d < 2; d++)
            if (f->port[d] == s->sport && f->port[!d] == s->dport &&
                memcmp(f->addr[d], s->src, n) == 0 && memcmp(f->addr[!d], s->dst, n) == 0) {
                *dir = d;
                return f;
            }
    }
    return NULL;
}

static reasm_flow *create(reasm *r, const netdec_seg *s, int sender)
{
    if (r->nflows >= r->nbuckets && grow(r) != 0)
        return NULL;
    reasm_flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    size_t n = s->family == 4 ? 4 : 16;
    f->family = s->family;
    memcpy(f->addr[sender], s->src, n);
    memcpy(f->addr[!sender], s->dst, n);
    f->port[sender] = s->sport;
    f->port[!sender] = s->dport;
    f->id = ++r->ids;
    size_t b = flow_hash(f) & (r->nbuckets - 1);
    f->hnext = r->tab[b];
    r->tab[b] = f;
    f->lprev = r->tail;
    if (r->tail)
        r->tail->lnext = f;
    else
        r->head = f;
    r->tail = f;
    r->nflows++;
    return f;
}

static void deliver_gap(reasm *r, reasm_flow *f, int dir, uint64_t end, const char *why)
{
    reasm_dir *d = &f->d[dir];
    if (end <= d->next)
        return;
    r->cb.gap(r->user, f, dir, d->next, end - d->next, why);
    d->next = end;
}

/* Deliver held segments that have become contiguous. */
static void drain(reasm *r, reasm_flow *f, int dir)
{
    reasm_dir *d = &f->d[dir];
    while (d->ooo && d->ooo->off <= d->next) {
        reasm_seg *s = d->ooo;
        d->ooo = s->next;
        uint64_t end = s->off + s->len;
        if (s->data)
            f->held -= s->len;
        if (end > d->next) {
            size_t skip = (size_t)(d->next - s->off);
            if (s->data)
                r->cb.data(r->user, f, dir, d->next, s->data + skip, s->len - skip);
            else
                r->cb.gap(r->user, f, dir, d->next, s->len - skip, "snaplen");
            d->next = end;
        }
        free(s->data);
        free(s);
    }
}

static int hold(reasm_flow *f, int dir, uint64_t off, const uint8_t *p, size_t n)
{
    reasm_seg *s = malloc(sizeof *s);
    if (!s)
        return -1;
    s->off = off;
    s->len = n;
    s->data = NULL;
    if (p) {
        s->data = malloc(n);
        if (!s->data) {
            free(s);
            return -1;
        }
        memcpy(s->data, p, n);
        f->held += n;
    }
    /* by offset; at equal offsets data before a known hole, so a full
     * retransmission replaces a cut one */
    reasm_seg **pp = &f->d[dir].ooo;
    while (*pp && ((*pp)->off < off || ((*pp)->off == off && (!p || (*pp)->data))))
        pp = &(*pp)->next;
    s->next = *pp;
    *pp = s;
    return 0;
}

/* Octets the peer acknowledged but the capture lacks, before held data. */
static void check_acked(reasm *r, reasm_flow *f, int dir)
{
    reasm_dir *d = &f->d[dir];
    if (!d->ooo || d->acked <= d->next)
        return;
    uint64_t end = d->ooo->off < d->acked ? d->ooo->off : d->acked;
    deliver_gap(r, f, dir, end, "lost");
    drain(r, f, dir);
}

static int add_data(reasm *r, reasm_flow *f, int dir, uint64_t off, const uint8_t *p, size_t cap,
                    size_t wire)
{
    reasm_dir *d = &f->d[dir];
    uint64_t end = off + wire;
    if (end <= d->next)
        return 0; /* retransmitted */
    if (off < d->next) {
        uint64_t skip = d->next - off;
        if (skip >= cap) {
            p = NULL;
            cap = 0;
            off = d->next; /* only the cut-off part is new */
        } else {
            p += skip;
            cap -= (size_t)skip;
            off = d->next;
        }
        wire = (size_t)(end - off);
    }
    if (off == d->next && cap) {
        r->cb.data(r->user, f, dir, off, p, cap);
        d->next += cap;
        off += cap;
        wire -= cap;
        cap = 0;
    }
    if (cap && hold(f, dir, off, p, cap) != 0)
        return -1;
    if (wire > cap && hold(f, dir, off + cap, NULL, wire - cap) != 0)
        return -1;
    drain(r, f, dir);
    if (f->held > r->cap) {
        /* too much waits for octets that may never come */
        while (f->held > r->cap / 2 && d->ooo) {
            deliver_gap(r, f, dir, d->ooo->off, "cap");
            drain(r, f, dir);
        }
    }
    check_acked(r, f, dir);
    return 0;
}

/* Declare what is still missing in a direction and deliver what is held. */
static void flush_dir(reasm *r, reasm_flow *f, int dir)
{
    reasm_dir *d = &f->d[dir];
    while (d->ooo) {
        deliver_gap(r, f, dir, d->ooo->off, "lost");
        drain(r, f, dir);
    }
    if (d->fin)
        deliver_gap(r, f, dir, d->fin_at, "lost");
    else if (d->have_base)
        deliver_gap(r, f, dir, d->acked, "lost");
}

static void close_flow(reasm *r, reasm_flow *f)
{
    flush_dir(r, f, 0);
    flush_dir(r, f, 1);
    r->cb.close(r->user, f);
    size_t b = flow_hash(f) & (r->nbuckets - 1);
    reasm_flow **pp = &r->tab[b];
    while (*pp != f)
        pp = &(*pp)->hnext;
    *pp = f->hnext;
    if (f->lprev)
        f->lprev->lnext = f->lnext;
    else
        r->head = f->lnext;
    if (f->lnext)
        f->lnext->lprev = f->lprev;
    else
        r->tail = f->lprev;
    r->nflows--;
    free(f);
}

static int64_t rel(const reasm_dir *d, uint32_t seq)
{
    return (int64_t)d->next + (int32_t)((seq - d->base) - (uint32_t)d->next);
}

int reasm_segment(reasm *r, const netdec_seg *s)
{
    int dir = 0;
    int syn = (s->flags & TCPF_SYN) != 0, ack = (s->flags & TCPF_ACK) != 0;
    reasm_flow *f = lookup(r, s, &dir);
    if (f && syn) {
        const reasm_dir *d = &f->d[dir];
        int ended = f->d[0].fin || f->d[1].fin || f->d[0].rst || f->d[1].rst;
        int other_isn = d->have_base && d->base != s->seq + 1;
        if ((ended && (!ack || other_isn)) || (!ack && other_isn)) {
            close_flow(r, f); /* the 4-tuple is reused */
            f = NULL;
        }
    }
    if (!f) {
        if (!syn && !s->len)
            return 0; /* nothing to start a flow with */
        if (s->flags & TCPF_RST)
            return 0;
        int sender = syn && ack ? 1 : 0; /* SYN-ACK: the sender is the server */
        f = create(r, s, sender);
        if (!f)
            return -1;
        f->saw_syn = syn;
        dir = sender;
    }
    reasm_dir *d = &f->d[dir];
    if (syn && (!d->have_base || (d->next == 0 && !d->ooo))) {
        d->have_base = 1;
        d->syn = 1;
        d->base = s->seq + 1;
        d->next = 0;
    }
    uint32_t seq = s->seq + (syn ? 1u : 0u); /* TFO: data after the SYN's sequence number */
    if ((s->len || (s->flags & TCPF_FIN)) && !d->have_base) {
        d->have_base = 1;
        d->base = seq;
        d->next = 0;
    }
    if (d->have_base) {
        int64_t off = rel(d, seq);
        if (off < 0) {
            /* before the stream's start: only the part after it counts */
            if ((uint64_t)-off < s->len &&
                add_data(r, f, dir, 0, s->payload + (size_t)-off,
                         s->caplen > (size_t)-off ? s->caplen - (size_t)-off : 0,
                         s->len - (size_t)-off) != 0)
                return -1;
        } else if (s->len &&
                   add_data(r, f, dir, (uint64_t)off, s->payload, s->caplen, s->len) != 0) {
            return -1;
        }
        if (s->flags & TCPF_FIN && off >= 0 && !d->fin) {
            d->fin = 1;
            d->fin_at = (uint64_t)off + s->len;
        }
    }
    if (s->flags & TCPF_RST) {
        d->rst = 1;
        close_flow(r, f);
        return 0;
    }
    reasm_dir *o = &f->d[!dir];
    if (ack && o->have_base) {
        int64_t a = rel(o, s->ack);
        if (o->fin && a > (int64_t)o->fin_at)
            a = (int64_t)o->fin_at; /* the FIN takes a sequence number, not an octet */
        if (a > 0 && (uint64_t)a > o->acked) {
            o->acked = (uint64_t)a;
            check_acked(r, f, !dir);
        }
    }
    if (f->d[0].fin && f->d[1].fin && !f->d[0].ooo && !f->d[1].ooo &&
        f->d[0].next >= f->d[0].fin_at && f->d[1].next >= f->d[1].fin_at)
        close_flow(r, f);
    return 0;
}

void reasm_finish(reasm *r)
{
    while (r->head)
        close_flow(r, r->head);
}

void reasm_free(reasm *r)
{
    if (!r)
        return;
    reasm_finish(r);
    free(r->tab);
    free(r);
}

uint64_t reasm_flows_seen(const reasm *r)
{
    return r->ids;
}
