/* SPDX-License-Identifier: MIT */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

#include <h2codec/fields.h>

/* What a stream has sent so far, to tell headers from trailers. */
enum { ST_NONE = 0, ST_INFORMATIONAL = 1, ST_FINAL = 2 };

/* Stream id -> ST_* in an open-addressing table (id 0 marks a free slot).
 * The first MAP_INLINE slots live in the map itself: most connections never
 * allocate. */
enum { MAP_INLINE = 64 };
typedef struct stream_map {
    const h2c_frame_allocator *al; /* conn_opts.frame_alloc: NULL for libc */
    uint32_t *ids;
    uint8_t *state;
    size_t cap, used;
    uint32_t ids0[MAP_INLINE];
    uint8_t state0[MAP_INLINE];
} stream_map;

/* Decoded fields of the open block, owned: HPACK's views die at its next call.
 * From libc, not the hooks: it is the tool's copy for its reports, not codec
 * state, and the tests that bound the hooks' peak bytes measure the codecs. */
typedef struct field_list {
    conn_field *f;
    size_t n, cap;
    char *arena;
    size_t arena_len, arena_cap;
} field_list;

struct conn {
    conn_opts o;
    conn_cb cb;
    void *user;
    h2c_frame_parser *parser;
    h2c_frame_assembler *asmb;
    h2c_hpack_decoder *dec;
    h2c_fields_validator val;
    int val_failed;            /* the open block already broke a rule */
    int val_skip;              /* the open block has placeholders (--tolerant): not checked */
    int block_kind;            /* h2c_fields_kind of the open block */
    field_list fl;
    stream_map streams;
    uint64_t block_offset;     /* connection offset of the open block's first frame */
    size_t errors;
    uint64_t frames;
    int dead;                  /* a connection error was reported */
    int preface;
};

void conn_opts_init(conn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->preface = H2C_FRAME_PREFACE_AUTO;
    o->max_frame_size = H2C_FRAME_MAX_FRAME_SIZE_MIN;
    o->table_size = 4096;
    o->max_list_size = 65536;
    o->hpack = 1;
    o->validate = 1;
    o->collect = 1;
}

/* ------------------------------------------------------------ stream map */

static void *map_alloc(const stream_map *m, size_t n)
{
    return m->al ? m->al->alloc(m->al->opaque, n) : malloc(n);
}

static void map_free(const stream_map *m, void *p)
{
    if (p && m->al)
        m->al->free(m->al->opaque, p);
    else
        free(p);
}

/* The slot of id, NULL if absent (insert = 0) or out of memory (insert = 1). */
static uint8_t *stream_slot(stream_map *m, uint32_t id, int insert)
{
    if (!m->cap) { /* first use: the inline slots (zeroed with the conn) */
        m->ids = m->ids0;
        m->state = m->state0;
        m->cap = MAP_INLINE;
    }
    if (insert && (m->used + 1) * 2 > m->cap) {
        size_t ncap = m->cap * 2;
        uint32_t *nids = map_alloc(m, ncap * sizeof *nids);
        uint8_t *nst = nids ? map_alloc(m, ncap) : NULL;
        if (!nst) {
            map_free(m, nids);
            return NULL;
        }
        memset(nids, 0, ncap * sizeof *nids);
        memset(nst, 0, ncap);
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->ids[i])
                continue;
            size_t j = (m->ids[i] * 2654435761u) & (ncap - 1);
            while (nids[j])
                j = (j + 1) & (ncap - 1);
            nids[j] = m->ids[i];
            nst[j] = m->state[i];
        }
        if (m->ids != m->ids0) {
            map_free(m, m->ids);
            map_free(m, m->state);
        }
        m->ids = nids;
        m->state = nst;
        m->cap = ncap;
    }
    size_t j = (id * 2654435761u) & (m->cap - 1);
    while (m->ids[j] && m->ids[j] != id)
        j = (j + 1) & (m->cap - 1);
    if (!m->ids[j]) {
        if (!insert)
            return NULL;
        m->ids[j] = id;
        m->used++;
    }
    return &m->state[j];
}

/* ------------------------------------------------------------ field list */

static int arena_put(field_list *l, const char *s, size_t len, size_t *off)
{
    if (l->arena_len + len > l->arena_cap) {
        size_t ncap = (l->arena_cap + len) * 2;
        char *na = realloc(l->arena, ncap);
        if (!na)
            return -1;
        l->arena = na;
        l->arena_cap = ncap;
    }
    if (len)
        memcpy(l->arena + l->arena_len, s, len);
    *off = l->arena_len;
    l->arena_len += len;
    return 0;
}

/* Offsets are kept in the pointer fields until the block ends (the arena moves). */
static int list_add(field_list *l, const h2c_hpack_field *f)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 32;
        conn_field *nf = realloc(l->f, ncap * sizeof *nf);
        if (!nf)
            return -1;
        l->f = nf;
        l->cap = ncap;
    }
    size_t noff, voff;
    if (arena_put(l, f->name, f->name_len, &noff) || arena_put(l, f->value, f->value_len, &voff))
        return -1;
    conn_field *o = &l->f[l->n++];
    o->name = (const char *)(uintptr_t)noff;
    o->value = (const char *)(uintptr_t)voff;
    o->name_len = f->name_len;
    o->value_len = f->value_len;
    o->indexing = f->indexing;
    return 0;
}

static void list_resolve(field_list *l)
{
    /* Every field may be empty, leaving no arena: offsets are then all 0. */
    const char *base = l->arena ? l->arena : "";
    for (size_t i = 0; i < l->n; i++) {
        l->f[i].name = base + (uintptr_t)l->f[i].name;
        l->f[i].value = base + (uintptr_t)l->f[i].value;
    }
}

/* ---------------------------------------------------------------- setup */

int conn_new(conn **out, const conn_opts *o, conn_cb cb, void *user)
{
    conn *c = calloc(1, sizeof *c);
    if (!c)
        return H2C_FRAME_E_NOMEM;
    c->o = *o;
    c->streams.al = o->frame_alloc;
    c->cb = cb;
    c->user = user;
    h2c_frame_parser_options po;
    h2c_frame_parser_options_init(&po);
    po.preface = o->preface;
    po.max_frame_size = o->max_frame_size;
    if (o->max_settings)
        po.max_settings = o->max_settings;
    po.max_empty_frames = o->max_empty_frames;
    po.allocator = o->frame_alloc;
    int rc = h2c_frame_parser_new(&c->parser, &po);
    if (rc == 0 && o->hpack) {
        h2c_frame_assembler_options ao;
        h2c_frame_assembler_options_init(&ao);
        if (o->max_continuations)
            ao.max_continuations = o->max_continuations;
        if (o->max_block_size)
            ao.max_block_size = o->max_block_size;
        ao.allocator = o->frame_alloc;
        rc = h2c_frame_assembler_new(&c->asmb, &ao);
    }
    if (rc == 0 && o->hpack) {
        h2c_hpack_decoder_options dopt;
        h2c_hpack_decoder_options_init(&dopt);
        dopt.max_table_size = o->table_size;
        dopt.max_list_size = o->max_list_size;
        if (o->max_string_len)
            dopt.max_string_len = o->max_string_len;
        if (o->max_fields)
            dopt.max_fields = o->max_fields;
        if (o->tolerant)
            dopt.lenient |= H2C_HPACK_LENIENT_UNKNOWN_INDEX;
        dopt.allocator = o->hpack_alloc;
        rc = h2c_hpack_decoder_new(&c->dec, &dopt);
    }
    if (rc != 0) {
        conn_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void conn_free(conn *c)
{
    if (!c)
        return;
    h2c_frame_parser_free(c->parser);
    h2c_frame_assembler_free(c->asmb);
    h2c_hpack_decoder_free(c->dec);
    free(c->fl.f);
    free(c->fl.arena);
    if (c->streams.ids != c->streams.ids0) {
        map_free(&c->streams, c->streams.ids);
        map_free(&c->streams, c->streams.state);
    }
    free(c);
}

/* ------------------------------------------------------------ reporting */

static void report_error(conn *c, const char *source, uint32_t h2_error, int scope,
                         uint32_t stream_id, uint64_t offset, const char *reason)
{
    conn_report r;
    memset(&r, 0, sizeof r);
    r.kind = CONN_ERROR;
    r.source = source;
    r.h2_error = h2_error;
    r.scope = scope;
    r.stream_id = stream_id;
    r.offset = offset;
    r.reason = reason;
    c->errors++;
    if (scope == H2C_FRAME_SCOPE_CONNECTION || scope == H2C_FRAME_SCOPE_LOCAL)
        c->dead = 1;
    c->cb(c->user, &r);
}

static void report_frame_error(conn *c, const h2c_frame_error *e)
{
    report_error(c, "frame", e->h2_error, e->scope, e->stream_id, e->offset, e->reason);
}

static void report_frame(conn *c, const h2c_frame *f, int decoded, int block_end)
{
    conn_report r;
    memset(&r, 0, sizeof r);
    r.kind = CONN_FRAME;
    r.frame = f;
    r.decoded = decoded;
    r.block_end = block_end;
    if (block_end && c->o.collect) {
        list_resolve(&c->fl);
        r.fields = c->fl.f;
        r.nfields = c->fl.n;
    }
    c->frames++;
    c->cb(c->user, &r);
}

/* ------------------------------------------------------------ field blocks */

/* Which rules a new block must follow, from what its stream has sent. */
static int block_kind(conn *c, const h2c_frame_block *b)
{
    if (b->type == H2C_FRAME_TYPE_PUSH_PROMISE)
        return H2C_FIELDS_REQUEST;
    uint8_t *st = stream_slot(&c->streams, b->stream_id, 0);
    int seen = st ? *st : ST_NONE;
    if (c->preface) /* we are reading the client: requests, then trailers */
        return seen == ST_NONE ? H2C_FIELDS_REQUEST : H2C_FIELDS_TRAILERS;
    if (c->o.tolerant && !c->preface && seen == ST_NONE)
        return H2C_FIELDS_AUTO;
    return seen == ST_FINAL ? H2C_FIELDS_TRAILERS : H2C_FIELDS_RESPONSE;
}

static void block_begin(conn *c, const h2c_frame_block *b, uint64_t offset)
{
    c->fl.n = 0;
    c->fl.arena_len = 0;
    c->block_offset = offset;
    c->val_failed = 0;
    c->val_skip = 0;
    c->block_kind = block_kind(c, b);
    h2c_fields_validator_init(&c->val, (h2c_fields_kind)c->block_kind, c->o.lenient);
}

static void validation_failed(conn *c, uint32_t stream_id, int rc)
{
    if (c->val_failed)
        return;
    c->val_failed = 1;
    report_error(c, "fields", H2C_FRAME_H2_PROTOCOL_ERROR, H2C_FRAME_SCOPE_STREAM, stream_id,
                 c->block_offset, h2c_fields_strerror(rc));
}

/* Remember a response's status class so the next block counts as trailers. */
/* Returns 0, or -1 after reporting that the stream map could not grow. */
static int note_block(conn *c, const h2c_frame *fr, const h2c_frame_block *b,
                      const h2c_hpack_field *f)
{
    if (b->type != H2C_FRAME_TYPE_HEADERS)
        return 0;
    /* Only :status and the block's end change anything: no map lookup for
     * the other fields (a missing entry reads as ST_NONE, as a new one). */
    if (f && !(f->name_len == 7 && memcmp(f->name, ":status", 7) == 0))
        return 0;
    uint8_t *st = stream_slot(&c->streams, b->stream_id, 1);
    if (!st) {
        report_error(c, "fields", H2C_FRAME_H2_INTERNAL_ERROR, H2C_FRAME_SCOPE_LOCAL,
                     b->stream_id, fr->offset, "out of memory");
        return -1;
    }
    if (f && f->name_len == 7 && memcmp(f->name, ":status", 7) == 0)
        *st = (f->value_len == 3 && f->value[0] == '1') ? ST_INFORMATIONAL : ST_FINAL;
    else if (!f && *st == ST_NONE)
        *st = c->preface ? ST_FINAL : *st;
    return 0;
}

/*
 * Which octets of a field the validator need not scan: every name and value
 * of the HPACK static table (RFC 7541 Appendix A, indexes 1-61) passes the
 * character checks (tests/fields checks the whole table), so a name taken
 * from it, or a whole field, is trusted.  Dynamic table entries are not: an
 * entry is added even when its block fails validation.
 */
static uint32_t static_trust(const h2c_hpack_field *f)
{
    if (f->index - 1u >= 61u || (f->flags & H2C_HPACK_F_UNKNOWN))
        return 0;
    return H2C_FIELDS_TRUSTED_NAME |
           ((f->flags & H2C_HPACK_F_INDEXED) ? H2C_FIELDS_TRUSTED_VALUE : 0);
}

/* Decode one fragment; returns 0, or -1 after reporting a connection error. */
static int decode_fragment(conn *c, const h2c_frame *f, const h2c_frame_block *b)
{
    size_t off = 0, used;
    h2c_hpack_field hf;
    int rc;
    /* An empty fragment may have a NULL pointer: never offset it. */
    static const uint8_t none[1];
    const uint8_t *frag = b->fragment.len ? b->fragment.ptr : none;
    /* Loop invariants in locals: the calls below would make the compiler
     * reload them from *c for every field. */
    const int collect = c->o.collect, headers = b->type == H2C_FRAME_TYPE_HEADERS;
    int check = c->o.validate && !c->val_failed && !c->val_skip;
    while ((rc = h2c_hpack_decoder_push(c->dec, frag + off, b->fragment.len - off, &used, &hf)) ==
           H2C_HPACK_FIELD) {
        off += used;
        if (collect && list_add(&c->fl, &hf) != 0) {
            report_error(c, "hpack", H2C_FRAME_H2_INTERNAL_ERROR, H2C_FRAME_SCOPE_LOCAL,
                         b->stream_id, f->offset, "out of memory");
            return -1;
        }
        if (headers && note_block(c, f, b, &hf) != 0)
            return -1;
        if (hf.flags & H2C_HPACK_F_UNKNOWN) {
            c->val_skip = 1;
            check = 0;
        }
        if (check) {
            int vr = h2c_fields_validator_push_trusted(&c->val, hf.name, hf.name_len, hf.value,
                                                       hf.value_len, static_trust(&hf));
            if (vr != H2C_FIELDS_OK) {
                validation_failed(c, b->stream_id, vr);
                check = 0;
            }
        }
    }
    if (rc == H2C_HPACK_OK && b->end)
        rc = h2c_hpack_decoder_finish(c->dec);
    if (rc == H2C_HPACK_OK)
        return 0;
    report_frame(c, f, 1, 0);
    report_error(c, "hpack", h2c_hpack_h2_error(rc),
                 rc == H2C_HPACK_E_NOMEM ? H2C_FRAME_SCOPE_LOCAL : H2C_FRAME_SCOPE_CONNECTION,
                 b->stream_id, c->block_offset + h2c_hpack_decoder_error_offset(c->dec),
                 h2c_hpack_strerror(rc));
    return -1;
}

/* A frame event: through the assembler, then HPACK and validation. */
static void handle_frame(conn *c, int ev, const h2c_frame_event *e)
{
    const h2c_frame *f = &e->frame;
    h2c_frame_block b;
    int rc = c->o.hpack ? h2c_frame_assembler_push(c->asmb, f, &b) : H2C_FRAME_OK;
    if (rc < 0) {
        h2c_frame_error err;
        h2c_frame_assembler_error(c->asmb, &err);
        report_frame(c, f, e->decoded, 0);
        report_frame_error(c, &err);
        return;
    }
    int block_end = 0;
    if (rc == H2C_FRAME_EV_FRAGMENT || rc == H2C_FRAME_EV_BLOCK_END) {
        if (f->hd.type != H2C_FRAME_TYPE_CONTINUATION)
            block_begin(c, &b, f->offset);
        if (decode_fragment(c, f, &b) != 0)
            return;
        block_end = rc == H2C_FRAME_EV_BLOCK_END;
        if (block_end) {
            if (note_block(c, f, &b, NULL) != 0)
                return;
            if (c->o.validate && !c->val_failed && !c->val_skip) {
                int vr = h2c_fields_validator_finish(&c->val);
                if (vr != H2C_FIELDS_OK) {
                    report_frame(c, f, e->decoded, 1);
                    validation_failed(c, b.stream_id, vr);
                    return;
                }
            }
        }
    }
    report_frame(c, f, e->decoded, block_end);
    if (ev == H2C_FRAME_EV_STREAM_ERROR || ev == H2C_FRAME_EV_IGNORED)
        report_frame_error(c, &e->error);
}

int conn_push(conn *c, const uint8_t *in, size_t len)
{
    size_t off = 0, used;
    h2c_frame_event ev;
    static const uint8_t none[1];
    if (!len)
        in = none; /* never offset a NULL pointer */
    while (!c->dead) {
        int rc = h2c_frame_parser_push(c->parser, in + off, len - off, &used, &ev);
        off += used;
        if (rc == H2C_FRAME_OK)
            break;
        if (rc < 0) {
            report_frame_error(c, &ev.error);
            break;
        }
        if (rc == H2C_FRAME_EV_PREFACE) {
            conn_report r;
            memset(&r, 0, sizeof r);
            r.kind = CONN_PREFACE;
            c->preface = 1;
            c->cb(c->user, &r);
            continue;
        }
        handle_frame(c, rc, &ev);
    }
    return c->dead;
}

/* A notice about where the input ended (CONN_TRUNCATED, CONN_OPEN_BLOCK). */
static void report_end(conn *c, conn_report_kind kind, uint32_t stream_id, uint64_t missing)
{
    conn_report r;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    r.stream_id = stream_id;
    r.missing = missing;
    r.offset = h2c_frame_parser_offset(c->parser);
    c->cb(c->user, &r);
}

size_t conn_finish(conn *c)
{
    if (c->dead)
        return c->errors;
    h2c_frame_error err;
    int rc = h2c_frame_parser_finish(c->parser, &err);
    uint32_t open = h2c_frame_assembler_open_stream(c->asmb);
    if (rc == H2C_FRAME_E_TRUNCATED)
        report_end(c, CONN_TRUNCATED, 0, h2c_frame_parser_missing(c->parser));
    else if (rc < 0)
        report_frame_error(c, &err);
    else if (open != 0)
        report_end(c, CONN_OPEN_BLOCK, open, 0);
    return c->errors;
}

uint64_t conn_frames(const conn *c)
{
    return c->frames;
}

int conn_saw_preface(const conn *c)
{
    return c->preface;
}
