/* SPDX-License-Identifier: MIT */
/*
 * HPACK encoder (RFC 7541): table lookups through hashes, the indexing
 * policy, size updates, and all-or-nothing output into a caller buffer.
 *
 * All-or-nothing: h2c_hpack_encoder_encode() first computes the bound of the
 * block.  When the caller's buffer is at least that large the block cannot
 * fail, so the table is changed in place.  Otherwise the call keeps a small
 * undo journal on the stack: the table's counters, pending updates and the
 * policy (a few hundred octets), while the table keeps every entry that was
 * live when the call began intact (evicted, not overwritten: h2c_etab_fits
 * with those kept).  If a representation does not fit, the entries the
 * call inserted are unchained and the counters put back.  Either way a
 * failed call leaves no trace.  Calls allocate only while the table grows.
 */
#include <string.h>

#include <h2codec/hpack.h>

#include "enc_table.h"
#include "hpack_alloc.h"
#include "hpack_int.h"
#include "huffman.h"
#include "policy.h"
#include "seed.h"
#include "static_table.h"

#define PROTOCOL_DEFAULT_TABLE 4096u /* SETTINGS_HEADER_TABLE_SIZE before any SETTINGS */

/* State that one encode call may change. */
typedef struct enc_state {
    h2c_etab table;
    uint32_t pending; /* the next block starts with size updates */
    uint32_t min_max; /* smallest table maximum set since the last block */
    h2c_policy policy;
} enc_state;

/* Undo journal of a call whose output may not fit (encoder.c header). */
typedef struct enc_guard {
    uint32_t next_seq, count, size, strings; /* the table's counters when the call began */
    uint32_t pending, min_max;
    h2c_policy policy;
} enc_guard;

struct h2c_hpack_encoder {
    h2c_allocator alloc;
    uint32_t opt_max;       /* options.max_table_size */
    uint32_t flags;         /* H2C_HPACK_ENC_* */
    uint16_t mark;          /* hit mark of the guarded call in progress (2..65535) */
    const enc_guard *guard; /* the journal while a guarded call runs, else NULL */
    enc_state st;
};

/* Entries first referenced outside a guarded call get this hit mark. */
#define HIT_PLAIN 1u

void h2c_hpack_encoder_options_init(h2c_hpack_encoder_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->max_table_size = PROTOCOL_DEFAULT_TABLE;
    opt->policy_kind = H2C_HPACK_POLICY_ADAPTIVE;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

int h2c_hpack_encoder_new(h2c_hpack_encoder **out, const h2c_hpack_encoder_options *opt)
{
    if (!out)
        return H2C_E_INVALID_ARGUMENT;
    *out = NULL;
    h2c_hpack_encoder_options o;
    h2c_hpack_encoder_options_init(&o);
    if (opt)
        o = *opt;
    const uint32_t known_flags = H2C_HPACK_ENC_NO_HUFFMAN | H2C_HPACK_ENC_FIXED_SEED;
    if (o.max_table_size > H2C_ETAB_LIMIT_MAX || (o.flags & ~known_flags) ||
        o.policy_kind < H2C_HPACK_POLICY_ADAPTIVE || o.policy_kind > H2C_HPACK_POLICY_CUSTOM ||
        (o.policy_kind == H2C_HPACK_POLICY_CUSTOM && !o.policy_fn))
        return H2C_E_INVALID_ARGUMENT;
    h2c_allocator a;
    h2c_alloc_init(&a, o.allocator);
    h2c_hpack_encoder *enc = h2c_alloc(&a, sizeof *enc);
    if (!enc)
        return H2C_E_NOMEM;
    enc->alloc = a;
    enc->opt_max = o.max_table_size;
    enc->flags = o.flags;
    enc->mark = HIT_PLAIN;
    enc->guard = NULL;
    /* The table allocates nothing until its first insertion. */
    h2c_etab_init(&enc->st.table, o.max_table_size);
    enc->st.table.seed = (o.flags & H2C_HPACK_ENC_FIXED_SEED) ? o.hash_seed
                                                              : h2c_hpack_seed_draw(enc);
    h2c_policy_init(&enc->st.policy, o.policy_kind, o.policy_fn, o.policy_user);
    h2c_hpack_encoder_reset(enc); /* empties the table, resets the policy */
    *out = enc;
    return H2C_OK;
}

void h2c_hpack_encoder_free(h2c_hpack_encoder *enc)
{
    if (!enc)
        return;
    h2c_allocator a = enc->alloc;
    h2c_etab_free(&enc->st.table, &a);
    h2c_free(&a, enc);
}

void h2c_hpack_encoder_reset(h2c_hpack_encoder *enc)
{
    if (!enc)
        return;
    /* The peer's decoder starts at the protocol default.  Using less without
     * saying so would decode right (indexes count from the newest entry),
     * but the peer would keep entries we dropped: say it in the first block,
     * as nghttp2's deflater does, so that both tables stay the same. */
    h2c_etab_clear(&enc->st.table);
    enc->st.table.max = min_u32(PROTOCOL_DEFAULT_TABLE, enc->opt_max);
    enc->st.pending = enc->opt_max < PROTOCOL_DEFAULT_TABLE;
    enc->st.min_max = enc->st.table.max;
    h2c_policy_reset(&enc->st.policy);
}

/* Evict until 'need' more octets fit (RFC 7541 section 4.4). */
static void make_room(enc_state *st, uint32_t need)
{
    h2c_etab *t = &st->table;
    while (t->count && t->size + (uint64_t)need > t->max) {
        h2c_policy_evicted(&st->policy, h2c_etab_oldest(t));
        h2c_etab_evict(t);
    }
}

int h2c_hpack_encoder_set_max_table_size(h2c_hpack_encoder *enc, uint32_t peer_setting)
{
    if (!enc)
        return H2C_E_INVALID_ARGUMENT;
    enc_state *st = &enc->st;
    uint32_t m = min_u32(peer_setting, enc->opt_max);
    /* Like nghttp2's deflater, signal after every new setting, even an
     * unchanged one: some decoders expect an update after each SETTINGS. */
    if (!st->pending || m < st->min_max)
        st->min_max = m;
    st->pending = 1;
    st->table.max = m;
    make_room(st, 0);
    return H2C_OK;
}

/* ---------------------------------------------------------------------- */
/* Sizes */

#define STR_AUTO 0
#define STR_PLAIN 1
#define STR_HUFF 2

static unsigned str_mode(const h2c_hpack_encoder *enc, const h2c_hpack_field *f)
{
    if (f->flags & (H2C_HPACK_F_PLAIN | H2C_HPACK_F_HUFFMAN)) /* rare: one test for both */
        return (f->flags & H2C_HPACK_F_PLAIN) ? STR_PLAIN : STR_HUFF;
    return (enc->flags & H2C_HPACK_ENC_NO_HUFFMAN) ? STR_PLAIN : STR_AUTO;
}

/* Longest string we encode: its Huffman form (<= 30 bits per octet) and
 * every length stay far inside uint32_t. */
#define MAX_STRING ((UINT32_MAX >> 2) - 1)

/* Octets of v as an integer with an N-bit prefix (64-bit, for bounds). */
static uint64_t int_len(unsigned prefix, uint64_t v)
{
    uint64_t max = (1u << prefix) - 1u, n = 1;
    if (v < max)
        return 1;
    for (v -= max; v >= 0x80; v >>= 7)
        n++;
    return n + 1;
}

/* Worst case octets of a string literal of n octets, length prefix included. */
static uint64_t str_bound(uint64_t n, unsigned mode)
{
    /* The longest Huffman code is 30 bits. */
    uint64_t body = mode == STR_HUFF ? (n * 30 + 7) / 8 : n;
    return int_len(7, body) + body;
}

/*
 * Worst case octets of one field.  The name part is a new-name literal
 * (1 + string) or an index, which needs at most 5 octets (index <= 61 +
 * H2C_ETAB_LIMIT_MAX / 32 with a 4-bit prefix); an indexed field is one
 * index, again <= 5 octets.
 */
static uint64_t field_bound(const h2c_hpack_encoder *enc, const h2c_hpack_field *f)
{
    unsigned mode = str_mode(enc, f);
    uint64_t name = 1 + str_bound(f->name.len, mode);
    return (name < 5 ? 5 : name) + str_bound(f->value.len, mode);
}

static uint64_t updates_bound(const enc_state *st)
{
    return st->pending ? int_len(5, st->min_max) + int_len(5, st->table.max) : 0;
}

/* Both lengths are tested at once first: below 2^29 they are short
 * enough, whatever they are. */
static int field_valid(const h2c_hpack_field *f)
{
    size_t nl = f->name.len, vl = f->value.len;
    return (f->name.ptr || !nl) && (f->value.ptr || !vl) &&
           ((nl | vl) < (size_t)1 << 29 || (nl <= MAX_STRING && vl <= MAX_STRING)) &&
           f->indexing <= H2C_HPACK_INDEX_NEVER;
}

static size_t sat_add(size_t a, uint64_t b)
{
    return b >= SIZE_MAX - a ? SIZE_MAX : a + (size_t)b;
}

/* Start loading a field's strings, often cold in the caller's memory,
 * while the fields before it are checked and encoded. */
static inline void prefetch_field(const h2c_hpack_field *f)
{
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(f->name.ptr);
    __builtin_prefetch(f->value.ptr);
#else
    (void)f;
#endif
}

/*
 * Validate a block and give a cheap upper bound of its size, no less than
 * h2c_hpack_encoder_bound(): one int length is at most 6 octets for a
 * string of <= MAX_STRING octets, so a field without forced Huffman takes
 * at most name + value + 13.  Returns 0 if a field is invalid.
 */
static int block_check(const h2c_hpack_encoder *enc, const h2c_hpack_field *fields, size_t n,
                       uint64_t *bound)
{
    uint64_t b = updates_bound(&enc->st);
    for (size_t i = 0; i < n; i++) {
        const h2c_hpack_field *f = &fields[i];
        if (!field_valid(f))
            return 0;
        prefetch_field(f);
        if (f->flags & H2C_HPACK_F_HUFFMAN)
            b += field_bound(enc, f);
        else
            b += (uint64_t)f->name.len + f->value.len + 13;
    }
    *bound = b;
    return 1;
}

size_t h2c_hpack_encoder_bound(const h2c_hpack_encoder *enc, const h2c_hpack_field *fields,
                               size_t n)
{
    if (!enc || (n && !fields))
        return 0;
    size_t b = (size_t)updates_bound(&enc->st);
    for (size_t i = 0; i < n; i++)
        b = sat_add(b, field_bound(enc, &fields[i]));
    return b;
}

/* ---------------------------------------------------------------------- */
/* Writing */

typedef struct out_buf {
    uint8_t *p;
    uint8_t *end;
} out_buf;

/* Integer fast paths: most values fit the prefix, and most others one
 * continuation octet (static name indexes 15..61 after a 4-bit prefix). */
static inline size_t int_len_fast(unsigned prefix, uint32_t v)
{
    uint32_t max = (1u << prefix) - 1u;
    return v < max ? 1 : v - max < 0x80 ? 2 : h2c_int_encoded_len(prefix, v);
}

static inline uint8_t *int_put(uint8_t *p, uint8_t first, unsigned prefix, uint32_t v)
{
    uint32_t max = (1u << prefix) - 1u;
    if (v < max) {
        *p = (uint8_t)(first | v);
        return p + 1;
    }
    if (v - max < 0x80) {
        p[0] = (uint8_t)(first | max);
        p[1] = (uint8_t)(v - max);
        return p + 2;
    }
    return p + h2c_int_encode(p, first, prefix, v);
}

/* Plan a string literal: sets *huff, returns the body length. */
static uint32_t str_plan(const char *s, uint32_t n, unsigned mode, int *huff)
{
    if (mode == STR_PLAIN || n == 0) {
        *huff = 0;
        return n;
    }
    size_t h = h2c_huff_encoded_len((const uint8_t *)s, n);
    if (mode == STR_HUFF || h < n) {
        *huff = 1;
        return (uint32_t)h;
    }
    *huff = 0;
    return n;
}

static uint8_t *str_write(uint8_t *p, const char *s, uint32_t n, uint32_t body, int huff)
{
    p = int_put(p, huff ? 0x80 : 0x00, 7, body);
    if (huff)
        return p + h2c_huff_encode(p, (const uint8_t *)s, n);
    h2c_bytes_move(p, s, n);
    return p + n;
}

/* Octets a string's body can take at most: 30-bit codes, so 15n/4
 * rounded up, which is never more than 4n (no division in the per-field
 * path). */
static inline uint64_t huff_worst(uint64_t n)
{
    return 4 * n;
}

/*
 * Write a string literal choosing Huffman only when strictly shorter, in one
 * pass: Huffman-code it in place after a length prefix sized for the plain
 * form, then either keep it (moving it down if its shorter length needs a
 * shorter prefix) or overwrite it with the plain octets.  p must have room
 * for 6 + huff_worst(n) + 8 octets (the branch-free Huffman coder's slack).
 */
static inline uint8_t *str_emit(uint8_t *p, const char *s, uint32_t n, unsigned mode)
{
    if (mode == STR_AUTO && n) {
        size_t pl = int_len_fast(7, n);
        uint32_t h = (uint32_t)h2c_huff_encode_slack(p + pl, (const uint8_t *)s, n);
        if (h < n) {
            size_t hl = int_len_fast(7, h);
            if (hl != pl)
                memmove(p + hl, p + pl, h);
            int_put(p, 0x80, 7, h);
            return p + hl + h;
        }
        p = int_put(p, 0x00, 7, n);
        h2c_bytes_move(p, s, n);
        return p + n;
    }
    int huff;
    uint32_t body = str_plan(s, n, mode, &huff);
    return str_write(p, s, n, body, huff);
}

static int emit_indexed_long(out_buf *o, uint32_t index)
{
    if (int_len_fast(7, index) > (size_t)(o->end - o->p))
        return H2C_E_BUFFER_TOO_SMALL;
    o->p = int_put(o->p, 0x80, 7, index);
    return H2C_OK;
}

/* An index into the static table or the first 65 dynamic entries takes
 * one octet: inline, as most fields of typical traffic are such. */
static inline int emit_indexed(out_buf *o, uint32_t index)
{
    uint8_t *p = o->p;
    if (index < 127 && p != o->end) {
        *p = (uint8_t)(0x80 | index);
        o->p = p + 1;
        return H2C_OK;
    }
    return emit_indexed_long(o, index);
}

static int emit_update(out_buf *o, uint32_t size)
{
    if (h2c_int_encoded_len(5, size) > (size_t)(o->end - o->p))
        return H2C_E_BUFFER_TOO_SMALL;
    o->p += h2c_int_encode(o->p, 0x20, 5, size);
    return H2C_OK;
}

/*
 * table_ready_slow() when the strings do not fit as they lie: compact or
 * grow.  The counters are put back as they were before the evictions
 * (count, size, strings given), so that both decide as for the table the
 * insertion finds; keep is the oldest entry left after them.  On failure
 * the evicted entries are live again (their slots and strings untouched);
 * the policy keeps their fingerprints, which only steers later choices.
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static int
table_room(h2c_hpack_encoder *enc, uint32_t keep, uint32_t n, uint32_t count, uint32_t size,
           uint32_t strings)
{
    h2c_etab *t = &enc->st.table;
    uint32_t now_count = t->count, now_size = t->size, now_strings = t->strings;
    t->count = count;
    t->size = size;
    t->strings = strings;
    /* The strings of the evicted entries are not needed any more, so the
     * rest may move; growing keeps every entry from the oldest before the
     * evictions on, like the table it replaces. */
    if (!h2c_etab_compact(t, keep, n) &&
        h2c_etab_grow(t, t->next_seq - count, keep, n, &enc->alloc) != 0)
        return 0;
    t->count = now_count;
    t->size = now_size;
    t->strings = now_strings;
    return 1;
}

/*
 * Make sure an entry of esize octets can be inserted without overwriting
 * an entry that must stay: those live after the evictions it causes, or,
 * during a guarded call, every entry live when the call began (the undo
 * journal relies on them).  Outside a guarded call the insertion follows
 * whenever this succeeds (the output has room for the worst case), so the
 * evictions are made here.  Grows the table if needed; returns 0 if it
 * could not.
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline)) /* out of the per-field path's registers */
#endif
static int
table_ready_slow(h2c_hpack_encoder *enc, uint32_t esize)
{
    enc_state *st = &enc->st;
    h2c_etab *t = &st->table;
    uint32_t n = esize - H2C_ETAB_OVERHEAD;
    if (enc->guard) {
        uint32_t keep = enc->guard->next_seq - enc->guard->count;
        return h2c_etab_fits(t, keep, n) || h2c_etab_grow(t, keep, keep, n, &enc->alloc) == 0;
    }
    uint32_t count = t->count, size = t->size, strings = t->strings;
    make_room(st, esize);
    uint32_t keep = t->next_seq - t->count;
    /* The ring keeps the spare a compaction would want even when the
     * strings fit as they lie: run again on the reset table, the same
     * fields fit differently, and must then compact, not grow.  It is the
     * spare of the table before the evictions: a 32nd if there were any. */
    uint64_t octets = (uint64_t)t->strings + h2c_etab_span(n);
    /* cppcheck-suppress knownConditionTrueFalse ; make_room() evicts
     * through st, which cppcheck does not follow. */
    uint64_t spare = t->count != count ? octets / 32 : h2c_etab_spare(t, n, octets);
    if (h2c_etab_fits(t, keep, n) && t->rcap >= octets + spare)
        return 1;
    return table_room(enc, keep, n, count, size, strings);
}

/* table_ready_slow(), with the common case inline: nothing evicted yet,
 * none to evict, and room at the end of the strings (h2c_etab_spare() is
 * then 0). */
static inline int table_ready(h2c_hpack_encoder *enc, uint32_t esize)
{
    const h2c_etab *t = &enc->st.table;
    if (t->next_seq == t->count && t->size + (uint64_t)esize <= t->max && t->count < t->emask &&
        h2c_etab_span(esize - H2C_ETAB_OVERHEAD) <= t->rcap - t->head && !enc->guard)
        return 1;
    return table_ready_slow(enc, esize);
}

/* A field's strings, read from the field at each use rather than held in
 * locals: with gcc, locals live across encode_field()'s calls were
 * spilled to the stack and loaded back, costing more than the loads. */
static inline const char *field_name(const h2c_hpack_field *f)
{
    return (const char *)f->name.ptr;
}

static inline const char *field_value(const h2c_hpack_field *f)
{
    return (const char *)f->value.ptr;
}

static int encode_field(h2c_hpack_encoder *enc, const h2c_hpack_field *f, out_buf *o)
{
    enc_state *st = &enc->st;
    h2c_etab *t = &st->table;
    uint32_t nl = (uint32_t)f->name.len, vl = (uint32_t)f->value.len;
    int ix = f->indexing;

    h2c_policy_field pf;
    pf.field = f;
    pf.name_hash = h2c_etab_hash(field_name(f), nl, t->seed);
    pf.hash = h2c_etab_hash(field_value(f), vl, pf.name_hash);
    /* The dynamic table first: it never holds a field of the static table
     * (those are always sent as static indexes, never inserted), so a hit
     * here means there is no static match to prefer. */
    if (ix != H2C_HPACK_INDEX_NEVER && t->count) {
        uint32_t d = h2c_etab_find(t, field_name(f), nl, field_value(f), vl, pf.hash);
        if (d) {
            int rc = emit_indexed(o, H2C_STATIC_COUNT + d);
            if (rc == H2C_OK)
                h2c_policy_hit(&st->policy, h2c_etab_get(t, d),
                               enc->guard ? enc->mark : HIT_PLAIN);
            return rc;
        }
    }
    uint32_t sname;
    uint32_t sidx = h2c_static_find(field_name(f), nl, field_value(f), vl, &sname);
    /* A never-indexed field keeps its literal form even when it matches,
     * so that intermediaries see the flag (RFC 7541 section 6.2.3). */
    if (sidx && ix != H2C_HPACK_INDEX_NEVER)
        return emit_indexed(o, sidx);
    /* A static name always encodes no longer than a dynamic one. */
    pf.name_index = sname;
    if (!sname && t->count) {
        uint32_t d = h2c_etab_find_name(t, field_name(f), nl, pf.name_hash);
        if (d)
            pf.name_index = H2C_STATIC_COUNT + d;
    }
    if (ix == H2C_HPACK_INDEX_DEFAULT)
        ix = h2c_policy_decide(&st->policy, &pf, t);
    uint64_t esize = (uint64_t)nl + vl + H2C_ETAB_OVERHEAD;
    /* An entry larger than the table would only empty it (section 4.4). */
    if (ix == H2C_HPACK_INDEX_YES && esize > t->max)
        ix = H2C_HPACK_INDEX_NO;
    /* Room before any octet is written or entry evicted: a table that
     * cannot grow sends the field without indexing instead. */
    if (ix == H2C_HPACK_INDEX_YES && !table_ready(enc, (uint32_t)esize))
        ix = H2C_HPACK_INDEX_NO;

    uint8_t first;
    unsigned prefix;
    if (ix == H2C_HPACK_INDEX_YES) {
        first = 0x40;
        prefix = 6;
    } else if (ix == H2C_HPACK_INDEX_NEVER) {
        first = 0x10;
        prefix = 4;
    } else {
        first = 0x00;
        prefix = 4;
    }
    unsigned mode = str_mode(enc, f);
    uint8_t *p = o->p;
    /* Room for the worst case (every string Huffman-coded at 30 bits an
     * octet): write in one pass.  Otherwise size everything exactly first,
     * so that a short buffer fails before anything changes. */
    if ((uint64_t)(o->end - p) >= 13 + 8 + huff_worst((uint64_t)nl + vl)) {
        if (pf.name_index) {
            p = int_put(p, first, prefix, pf.name_index);
        } else {
            *p++ = first;
            p = str_emit(p, field_name(f), nl, mode);
        }
        o->p = str_emit(p, field_value(f), vl, mode);
    } else {
        int nhuff = 0, vhuff;
        uint32_t nbody = 0;
        size_t len;
        if (pf.name_index) {
            len = int_len_fast(prefix, pf.name_index);
        } else {
            nbody = str_plan(field_name(f), nl, mode, &nhuff);
            len = 1 + int_len_fast(7, nbody) + nbody;
        }
        uint32_t vbody = str_plan(field_value(f), vl, mode, &vhuff);
        len += int_len_fast(7, vbody) + vbody;
        if (len > (size_t)(o->end - p))
            return H2C_E_BUFFER_TOO_SMALL;
        if (pf.name_index) {
            p = int_put(p, first, prefix, pf.name_index);
        } else {
            *p++ = first;
            p = str_write(p, field_name(f), nl, nbody, nhuff);
        }
        o->p = str_write(p, field_value(f), vl, vbody, vhuff);
    }

    if (ix == H2C_HPACK_INDEX_YES) {
        if (t->size + esize > t->max) /* guarded calls: table_ready() did not evict */
            make_room(st, (uint32_t)esize);
        h2c_etab_entry *e = h2c_etab_insert(t, field_name(f), nl, field_value(f), vl,
                                            pf.name_hash, pf.hash);
        h2c_policy_inserted(&st->policy, &pf, e);
    }
    return H2C_OK;
}

/* Start the undo journal of a call whose output may not fit. */
static void guard_begin(h2c_hpack_encoder *enc, enc_guard *g)
{
    enc_state *st = &enc->st;
    h2c_etab *t = &st->table;
    g->next_seq = t->next_seq;
    g->count = t->count;
    g->size = t->size;
    g->strings = t->strings;
    g->pending = st->pending;
    g->min_max = st->min_max;
    g->policy = st->policy;
    /* A fresh mark for the entries this call references first; when the
     * marks run out, fold the old ones into HIT_PLAIN. */
    if (enc->mark == UINT16_MAX) {
        for (uint32_t i = 1; i <= t->count; i++) {
            h2c_etab_entry *e = h2c_etab_get(t, i);
            if (e->hit)
                e->hit = HIT_PLAIN;
        }
        enc->mark = HIT_PLAIN;
    }
    enc->mark++;
    /* g lives in h2c_hpack_encoder_encode()'s frame, and every return from
     * there clears enc->guard (guard_undo() or the success path); gcc 12
     * cannot see that once this is inlined, on some targets (s390x). */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
    enc->guard = g;
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif
}

/* Undo everything the call did: its entries leave their chains (newest
 * first, each bucket back to the entry it displaced), the entries it
 * evicted come back (their slots and strings were kept intact), first
 * references are forgotten. */
static void guard_undo(h2c_hpack_encoder *enc, const enc_guard *g)
{
    enc_state *st = &enc->st;
    h2c_etab *t = &st->table;
    for (uint32_t s = t->next_seq; s != g->next_seq;) {
        s--;
        const h2c_etab_entry *e = h2c_etab_at(t, s);
        uint32_t *fb = &t->fbucket[e->hash & t->fmask],
                 *nb = &h2c_etab_nbucket(t)[e->name_hash & t->emask];
        if (*fb == s)
            *fb = e->next;
        if (*nb == s)
            *nb = e->name_next;
    }
    t->next_seq = g->next_seq;
    t->count = g->count;
    t->size = g->size;
    t->strings = g->strings;
    if (t->count) {
        const h2c_etab_entry *e = h2c_etab_get(t, 1);
        t->head = e->off + h2c_etab_span(e->name_len + e->value_len);
    } else {
        t->head = 0;
    }
    for (uint32_t i = 1; i <= t->count; i++) {
        h2c_etab_entry *e = h2c_etab_get(t, i);
        if (e->hit == enc->mark)
            e->hit = 0;
    }
    st->pending = g->pending;
    st->min_max = g->min_max;
    st->policy = g->policy;
    enc->guard = NULL;
}

int h2c_hpack_encoder_encode(h2c_hpack_encoder *enc, const h2c_hpack_field *fields, size_t n,
                             uint8_t *out, size_t cap, size_t *written)
{
    if (written)
        *written = 0;
    if (!enc || !written || (n && !fields) || (!out && cap))
        return H2C_E_INVALID_ARGUMENT;
    uint64_t bound;
    if (!block_check(enc, fields, n, &bound))
        return H2C_E_INVALID_ARGUMENT;
    uint8_t dummy = 0;
    out_buf o;
    o.p = out ? out : &dummy;
    o.end = o.p + cap;
    int guarded = cap < bound;
    enc_guard g;
    if (guarded)
        guard_begin(enc, &g);

    enc_state *st = &enc->st;
    int rc = H2C_OK;
    if (st->pending) {
        /* RFC 7541 section 4.2: the smallest size first, then the final one. */
        if (st->min_max < st->table.max)
            rc = emit_update(&o, st->min_max);
        if (rc == H2C_OK)
            rc = emit_update(&o, st->table.max);
    }
    /* A pointer, not an index, walks the fields, and n counts down: one
     * register less in the loop around the inlined encode_field(). */
    for (const h2c_hpack_field *f = fields; rc == H2C_OK && n; f++, n--)
        rc = encode_field(enc, f, &o);
    if (rc != H2C_OK) {
        if (guarded)
            guard_undo(enc, &g);
        return rc;
    }
    enc->guard = NULL;
    st->pending = 0;
    *written = (size_t)(o.p - (out ? out : &dummy));
    return H2C_OK;
}

/* ---------------------------------------------------------------------- */
/* Table inspection */

size_t h2c_hpack_encoder_table_size(const h2c_hpack_encoder *enc)
{
    return enc ? enc->st.table.size : 0;
}

size_t h2c_hpack_encoder_table_count(const h2c_hpack_encoder *enc)
{
    return enc ? enc->st.table.count : 0;
}

int h2c_hpack_encoder_table_get(const h2c_hpack_encoder *enc, size_t i, h2c_hpack_field *out)
{
    if (!enc || !out)
        return H2C_E_INVALID_ARGUMENT;
    const h2c_etab *t = &enc->st.table;
    if (i < 1 || i > t->count)
        return H2C_HPACK_E_INDEX_RANGE;
    const h2c_etab_entry *e = h2c_etab_get(t, (uint32_t)i);
    memset(out, 0, sizeof *out);
    out->name.ptr = (const uint8_t *)h2c_etab_name(t, e);
    out->name.len = e->name_len;
    out->value.ptr = (const uint8_t *)h2c_etab_value(t, e);
    out->value.len = e->value_len;
    out->indexing = H2C_HPACK_INDEX_YES;
    out->index = (uint32_t)(H2C_STATIC_COUNT + i);
    return H2C_OK;
}
