/* SPDX-License-Identifier: MIT */
/*
 * Stream records: a pool of fixed chunks (records never move, so the
 * caller's per-stream pointers and ours stay valid) and an open-addressing
 * table from id to record.  Both grow with use, up to the concurrency the
 * peer really uses, and are then reused without allocating.
 */
#include <string.h>

#include "conn_int.h"

static h2c_stream tomb_record;
#define TOMB (&tomb_record)

static size_t slot_of(uint32_t id, size_t cap)
{
    return (size_t)((id * 2654435761u) >> 3) & (cap - 1);
}

h2c_stream *h2c_stream_find(const h2c_conn *c, uint32_t id)
{
    const stream_table *t = &c->streams;
    if (t->newest && t->newest->id == id)
        return t->newest;
    if (!t->used || id == 0)
        return NULL;
    for (size_t j = slot_of(id, t->cap);; j = (j + 1) & (t->cap - 1)) {
        h2c_stream *s = t->slots[j];
        if (!s)
            return NULL;
        if (s != TOMB && s->id == id)
            return s;
    }
}

/* Rebuild the table at capacity ncap (drops tombstones). */
static int rehash(h2c_conn *c, size_t ncap)
{
    stream_table *t = &c->streams;
    h2c_stream **ns;
    if (ncap <= MAP_INLINE) {
        ncap = MAP_INLINE;
        ns = t->inline_slots == t->slots ? NULL : t->inline_slots;
    } else {
        ns = h2c_conn_alloc(c, ncap * sizeof(h2c_stream *));
        if (!ns)
            return H2C_E_NOMEM;
    }
    h2c_stream *tmp[MAP_INLINE];
    h2c_stream **old = t->slots;
    size_t ocap = t->cap;
    if (!ns) { /* rebuilding the inline table in place: copy it out first */
        memcpy(tmp, old, sizeof tmp);
        old = tmp;
        ns = t->inline_slots;
    }
    memset(ns, 0, ncap * sizeof(h2c_stream *));
    for (size_t i = 0; i < ocap; i++) {
        h2c_stream *s = old[i];
        if (!s || s == TOMB)
            continue;
        size_t j = slot_of(s->id, ncap);
        while (ns[j])
            j = (j + 1) & (ncap - 1);
        ns[j] = s;
    }
    if (t->slots != t->inline_slots && t->slots)
        h2c_conn_dealloc(c, t->slots, ocap * sizeof(h2c_stream *));
    t->slots = ns;
    t->cap = ncap;
    t->tombs = 0;
    return H2C_OK;
}

h2c_stream *h2c_stream_new(h2c_conn *c, uint32_t id)
{
    stream_table *t = &c->streams;
    if (!t->slots) {
        t->slots = t->inline_slots;
        t->cap = MAP_INLINE;
    }
    if ((t->used + t->tombs + 1) * 4 > t->cap * 3) {
        size_t ncap = (t->used + 1) * 2 > t->cap ? t->cap * 2 : t->cap;
        if (rehash(c, ncap) != H2C_OK)
            return NULL;
    }
    if (!t->free_list) {
        size_t n = !t->chunks                             ? STREAM_CHUNK_FIRST
                   : t->chunks->n * 2 <= STREAM_CHUNK_MAX ? t->chunks->n * 2
                                                          : STREAM_CHUNK_MAX;
        stream_chunk *ch = h2c_conn_alloc(c, sizeof *ch + n * sizeof ch->s[0]);
        if (!ch)
            return NULL;
        ch->next = t->chunks;
        ch->n = n;
        t->chunks = ch;
        for (size_t i = n; i-- > 0;) {
            ch->s[i].next_free = t->free_list;
            t->free_list = &ch->s[i];
        }
    }
    h2c_stream *s = t->free_list;
    t->free_list = s->next_free;
    memset(s, 0, sizeof *s);
    s->id = id;
    s->state = H2C_STREAM_IDLE;
    s->send_window = c->remote.initial_window_size;
    s->recv_window = c->local.initial_window_size;
    s->content_length = UINT64_MAX;
    size_t j = slot_of(id, t->cap);
    while (t->slots[j] && t->slots[j] != TOMB)
        j = (j + 1) & (t->cap - 1);
    if (t->slots[j] == TOMB)
        t->tombs--;
    t->slots[j] = s;
    t->used++;
    t->newest = s;
    return s;
}

void h2c_stream_close(h2c_conn *c, h2c_stream *s)
{
    stream_table *t = &c->streams;
    if (s->state != H2C_STREAM_IDLE && s->state != H2C_STREAM_RESERVED_LOCAL &&
        s->state != H2C_STREAM_RESERVED_REMOTE && s->state != H2C_STREAM_CLOSED) {
        c->open_streams--;
        if (s->flags & SF_PEER_OPENED)
            c->peer_open--;
        else
            c->local_open--;
    }
    if (s->state == H2C_STREAM_RESERVED_REMOTE)
        c->peer_reserved--;
    /* Octets received and never consumed still count for the connection. */
    if (s->unconsumed) {
        uint32_t n = s->unconsumed;
        s->unconsumed = 0;
        c->conn_unconsumed -= n;
        (void)h2c_conn_credit(c, NULL, n);
    }
    size_t mask = t->cap - 1, j = slot_of(s->id, t->cap);
    while (t->slots[j] != s)
        j = (j + 1) & mask;
    if (t->slots[(j + 1) & mask]) {
        t->slots[j] = TOMB;
        t->tombs++;
    } else {
        /* No probe goes past an empty next slot: this one, and the
         * tombstones before it, can be empty too.  With few streams open
         * the table then never fills with tombstones and needs no rehash. */
        t->slots[j] = NULL;
        for (j = (j - 1) & mask; t->slots[j] == TOMB; j = (j - 1) & mask) {
            t->slots[j] = NULL;
            t->tombs--;
        }
    }
    t->used--;
    if (t->newest == s)
        t->newest = NULL;
    s->state = H2C_STREAM_CLOSED;
    s->next_free = t->free_list;
    t->free_list = s;
}

void h2c_streams_each(h2c_conn *c, void (*fn)(h2c_conn *, h2c_stream *, void *), void *arg)
{
    stream_table *t = &c->streams;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i] && t->slots[i] != TOMB)
            fn(c, t->slots[i], arg);
}

void h2c_streams_free(h2c_conn *c)
{
    stream_table *t = &c->streams;
    while (t->chunks) {
        stream_chunk *n = t->chunks->next;
        h2c_conn_dealloc(c, t->chunks, sizeof *t->chunks + t->chunks->n * sizeof(h2c_stream));
        t->chunks = n;
    }
    if (t->slots && t->slots != t->inline_slots)
        h2c_conn_dealloc(c, t->slots, t->cap * sizeof(h2c_stream *));
    memset(t, 0, sizeof *t);
}
