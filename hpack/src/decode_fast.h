// SPDX-License-Identifier: MIT
/*
 * The HPACK decoder's fast paths, and their entry contract.
 *
 * decoder.c's state machine decodes every representation octet by octet,
 * resumable anywhere.  Most representations, though, arrive whole, and
 * split input mostly brings a few more octets of a string already under
 * way.  The three entry points here take those cases with no intermediate
 * states; decoder.c calls them only when the conditions below hold, and
 * takes everything else (and everything they refuse) through the state
 * machine.  Building with H2C_HPACK_NO_FAST (CMake: H2CODEC_HPACK_FAST=OFF)
 * leaves this file out, and then the state machine decodes every field
 * alone: the two builds must give the same fields, statuses and error
 * offsets for every input, and tools/test checks that they do.
 *
 * Not a translation unit of its own: decoder.c includes it once, after its
 * functions (fail, over_list, scratch_reserve, with_lanes, piece_*)
 * and before the state machine, whose push_general() it calls.  The entry
 * points need the decoder's private struct and those functions, which stay
 * in decoder.c, and inlined they cost what they cost there: the commonest
 * field is decoded inside the public push with no call at all, which a
 * unit of its own would turn into a call per field.  Measured with
 * tools/callgrind, the move changed decode from 312.1 to 310.1 Ir per
 * header and conn from 8444 to 8425 per request.
 *
 * Entry contract, common to all three:
 *   - dec is valid and not failed; dec->state is one of the states named
 *     below; dec->need_update is clear and field_count < max_fields when
 *     a field is to begin (fast_field; fast_push_indexed has its own).
 *   - Limits are dec->max_string_len, dec->max_list_size and
 *     dec->max_fields.  With H2C_HPACK_SKIP_OVERSIZED these are the widest
 *     (apply_limits()): the caller's limits are applied above, by
 *     push_skipping(), on the fields these return, so nothing here tests
 *     the flag.  fast_push_indexed alone applies the caller's limits
 *     itself (below), the same in both modes.
 *   - Input is [p, end), contiguous, non-empty, readable to end and not
 *     past it, and p is the first octet of the push's input: errors are
 *     reported at dec->block_off + the octets from p (dec->in is not
 *     needed; push_general() sets it for the state machine).
 *
 * fast_field(dec, &p, end, f)  [push_general()]
 *   Entry: dec->state is ST_START or ST_REP: between representations, no
 *   partial field, integer or string pending; nothing in scratch is live.
 *   Does: decodes one indexed or literal field lying wholly in [p, end):
 *   table lookups, Huffman strings into scratch (the name at 0, the value
 *   after it, as the state machine places them), the limits (before any
 *   string is decoded, with encoded lengths, and again with decoded ones),
 *   insertion into the dynamic table.
 *   Returns H2C_HPACK_FIELD: *f filled, p past the representation,
 *     field_count, fields_seen, list_size and the table updated,
 *     scratch_keep 0; the caller sets ST_REP and accounts for the octets.
 *   Returns 0 (fallback): p unchanged and nothing the state machine reads
 *     changed (table, counts, list size, state); scratch may have grown
 *     and hold junk, which field_start() disowns (scratch_keep = 0).  The
 *     state machine then decodes the representation from its first octet,
 *     so it alone reports errors: a size update, a representation cut by
 *     end, any invalid octet, an unknown index (lenient placeholders
 *     included), a string near a limit all fall back.
 *   Returns H2C_E_NOMEM: the one error reported here (retrying would call
 *     the allocator again): the decoder has failed with the offset the
 *     state machine would give, and p stands just past that octet, where
 *     the state machine leaves it.
 *
 * fast_push_indexed(dec, in, len, consumed, f)  [the public push, inlined]
 *   Entry: as fast_field, with in[0] & 0x80 (an indexed field) and len > 0,
 *   but with the caller's field limit: field_count < dec->fast_fields,
 *   which is user_fields, or 0 once push_skipping() has found the block
 *   past the caller's limits (dec->oversized).  Then no field of the block
 *   has been withheld, list_size and field_count are the caller's counts
 *   in either mode, and list_size <= user_list_size (unless
 *   set_list_limits() lowered it within the block: the state machine's
 *   test, over_list(), assumes the same of max_list_size).
 *   Does: an indexed field whose index takes one to three octets and names
 *   an existing entry, within the caller's list limit user_list_size; the
 *   commonest representation, decoded with no call so that the public push
 *   needs no stack frame.  The limits are accounted for once: without
 *   SKIP_OVERSIZED user_list_size and user_fields are max_list_size and
 *   max_fields, and with it a field within them is handed out and needs
 *   nothing more from push_skipping().
 *   Returns H2C_HPACK_FIELD with the whole push done (state ST_REP,
 *   block_off and *consumed advanced), or 0 with nothing changed, and the
 *   caller goes on to push_general(), or push_skipping() with the flag,
 *   which decodes the field with the widest limits and then applies the
 *   caller's.
 *
 * push_literal(dec, in, len, consumed, f)  [the public push, a tail call]
 *   Entry: as fast_field, with !(in[0] & 0x80) and len > 0, and without
 *   H2C_HPACK_SKIP_OVERSIZED (then fast_fields, the public push's test, is
 *   max_fields).
 *   Does: fast_literal_named(), fast_literal() for its commonest shape,
 *   on in, with push_general()'s accounting; any other shape, or anything
 *   it refuses, goes to push_general() unchanged.  Returns what
 *   push_general() would.
 *
 * push_piece(dec, in, len, consumed, f)  [push_rest(), a tail call]
 *   Entry: dec->state is ST_NAME_DATA or ST_VALUE_DATA: a string under way.
 *   Does: stores the input through piece_small(), the state machine's own
 *   step, when it ends before the string does and fits the room already
 *   made; otherwise hands the push to push_general() unchanged.
 *   Returns what the state machine would: H2C_OK with all of in consumed,
 *   or a failure (Huffman EOS) with nothing consumed.
 */
#ifndef H2C_HPACK_DECODE_FAST_H
#define H2C_HPACK_DECODE_FAST_H

/*
 * fast_field(): decoded straight from the input, committed only at the
 * end.  Limits are still checked before any string is decoded.
 */

/* Continuation octets of an integer whose prefix was full (v = the prefix
 * maximum).  Returns 1 with *v set, 0 if cut short or too large. */
static inline int fast_int_more(const uint8_t **pp, const uint8_t *end, uint32_t *v)
{
    /* One continuation octet is the common case (name indexes 15-142 of
     * literals without indexing): no call, and it cannot overflow. */
    if (*pp < end && **pp < 0x80) {
        *v += **pp;
        ++*pp;
        return 1;
    }
    /* Copies: the caller's pointer, passed on to the out-of-line
     * h2c_int_decode_more(), would otherwise have to live in memory. */
    h2c_int_dec st = {*v, 0};
    const uint8_t *q = *pp;
    if (h2c_int_decode_more(&st, &q, end) != 1)
        return 0;
    *pp = q;
    *v = st.value;
    return 1;
}

/* String literal header: H bit and length; the octets must all be there. */
static inline int fast_str(const uint8_t **pp, const uint8_t *end, uint32_t *len, int *huff)
{
    const uint8_t *p = *pp;
    if (p == end)
        return 0;
    uint32_t v = *p & 0x7fu;
    *huff = *p++ >> 7;
    if (v == 0x7fu && !fast_int_more(&p, end, &v))
        return 0;
    if ((size_t)(end - p) < v)
        return 0;
    *len = v;
    *pp = p;
    return 1;
}

/* fast_huff(): not a status (H2C_E_NOMEM is -1), so the two stay apart. */
#define FAST_GIVE_UP (-1000)

/*
 * Huffman-decode a whole string into scratch at base.  Returns its length,
 * FAST_GIVE_UP to leave it to the state machine (bad code or padding, or
 * possibly longer than max_string_len), or H2C_E_NOMEM.
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((always_inline))
#endif
static inline ptrdiff_t
fast_huff(h2c_hpack_decoder *dec, size_t base, const uint8_t *s, uint32_t len, size_t avail)
{
    /* Short strings, the common case, need neither the exact bound nor
     * lanes: a string of len octets decodes to at most 1.6 * len.  The
     * decoder may read the input past it, up to avail. */
    if (len <= dec->huff_short_max && base + 2 * (size_t)len + 3 <= dec->scratch_cap) {
        ptrdiff_t w = avail - len >= 8
                          ? h2c_huff_decode_slack(dec->scratch + base, s, len)
                          : h2c_huff_decode_near_end(dec->scratch + base, s, len, avail);
        return w < 0 ? FAST_GIVE_UP : w;
    }
    size_t most = h2c_huff_decoded_max(len);
    if (most > dec->max_string_len)
        return FAST_GIVE_UP;
    /* From a fresh state the decoder stores at most three octets past most;
     * long strings get room for lanes too. */
    size_t need = base + most + 3;
    if (len >= H2C_HUFF_LANES_MIN)
        need = with_lanes(dec, base, len, need);
    if (need > dec->scratch_cap) {
        dec->scratch_keep = base; /* a name decoded before */
        if (scratch_reserve(dec, need, SCRATCH_WHOLE_MIN) < 0)
            return H2C_E_NOMEM;
    }
    ptrdiff_t w = len >= H2C_HUFF_LANES_MIN
                      ? h2c_huff_decode_string_wide(dec->scratch + base, dec->scratch_cap - base,
                                                    s, len)
                      : h2c_huff_decode_string(dec->scratch + base, s, len);
    return w < 0 ? FAST_GIVE_UP : w;
}

/* The name of table entry idx >= 1 if it exists: all a literal with an
 * indexed name needs, inline (fast_lookup() called for it cost a fifth of
 * the literal's instructions outside the Huffman decoding). */
static inline int fast_name(const h2c_hpack_decoder *dec, uint32_t idx, const uint8_t **name,
                            size_t *name_len)
{
    if (idx - 1u < H2C_STATIC_COUNT) {
        const h2c_static_entry *e = &h2c_static_table[idx - 1];
        *name = (const uint8_t *)e->name;
        *name_len = e->name_len;
        return 1;
    }
    uint32_t i = idx - H2C_STATIC_COUNT; /* idx 0 wraps past every count */
    if (i > dec->table.count)
        return 0;
    const h2c_dyn_entry *e = h2c_dyn_at(&dec->table, i);
    *name = h2c_dyn_name(&dec->table, e);
    *name_len = e->name_len;
    return 1;
}

/* Table entry idx >= 1 if it exists (no placeholders here). */
static int fast_lookup(const h2c_hpack_decoder *dec, uint32_t idx, const uint8_t **name,
                       size_t *name_len, const uint8_t **value, size_t *value_len)
{
    if (!fast_name(dec, idx, name, name_len))
        return 0;
    if (idx <= H2C_STATIC_COUNT) {
        const h2c_static_entry *e = &h2c_static_table[idx - 1];
        *value = (const uint8_t *)e->value;
        *value_len = e->value_len;
    } else { /* the value follows the name */
        *value = *name + *name_len;
        *value_len = h2c_dyn_get(&dec->table, idx - H2C_STATIC_COUNT)->value_len;
    }
    return 1;
}

/* Block offset of p, in a representation starting at *pp, the first
 * octet of the push's input (the entry contract). */
static inline size_t fast_off(const h2c_hpack_decoder *dec, const uint8_t *const *pp,
                              const uint8_t *p)
{
    return dec->block_off + (size_t)(p - *pp);
}

/* fast_huff() gave up (0: the state machine takes over) or found no memory
 * for the string at p (reported as the state machine would). */
static int fast_failed(h2c_hpack_decoder *dec, const uint8_t **pp, const uint8_t *p, ptrdiff_t w)
{
    if (w != H2C_E_NOMEM)
        return 0;
    size_t off = fast_off(dec, pp, p);
    *pp = p;
    return fail(dec, H2C_E_NOMEM, off);
}

/* A field decoded by the fast path: fill *f (the caller set indexing,
 * flags and index) and account for it. */
static inline int fast_done(h2c_hpack_decoder *dec, h2c_hpack_field *f, const uint8_t *name,
                            size_t nlen, const uint8_t *value, size_t vlen)
{
    f->name.ptr = (const uint8_t *)name;
    f->name.len = nlen;
    f->value.ptr = (const uint8_t *)value;
    f->value.len = vlen;
    f->reserved = 0;
    dec->fields_seen = 1;
    dec->field_count++;
    dec->list_size += nlen + vlen + H2C_ENTRY_OVERHEAD;
    return H2C_HPACK_FIELD;
}

/* Insert a literal ending before p into the dynamic table, pointing
 * *name and *value at the entry.  Returns 0, or H2C_E_NOMEM with the
 * decoder failed and *pp at p. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((always_inline))
#endif
static inline int
fast_insert(h2c_hpack_decoder *dec, const uint8_t **pp, const uint8_t *p, const uint8_t **name,
            size_t nlen, const uint8_t **value, size_t vlen)
{
    uint8_t *e;
    if (h2c_dyn_add(&dec->table, &dec->alloc, *name, nlen, *value, vlen, &e) < 0) {
        size_t off = fast_off(dec, pp, p - 1);
        *pp = p;
        return fail(dec, H2C_E_NOMEM, off);
    }
    if (e) {
        *name = e;
        *value = e + nlen;
    }
    return 0;
}

/* Indexed field (first octet 1xxxxxxx).  Returns H2C_HPACK_FIELD or 0. */
static inline int fast_indexed(h2c_hpack_decoder *dec, const uint8_t **pp, const uint8_t *end,
                               h2c_hpack_field *f)
{
    const uint8_t *p = *pp + 1, *name, *value;
    size_t nlen, vlen;
    uint32_t idx = **pp & 0x7fu;
    if (idx == 0x7fu && !fast_int_more(&p, end, &idx))
        return 0;
    if (idx == 0 || !fast_lookup(dec, idx, &name, &nlen, &value, &vlen) ||
        over_list(dec, nlen, vlen))
        return 0;
    f->indexing = H2C_HPACK_INDEX_YES;
    f->flags = H2C_HPACK_F_INDEXED;
    f->index = idx;
    *pp = p;
    return fast_done(dec, f, name, nlen, value, vlen);
}

/* Literal field (first octet 01xxxxxx or 000xxxxx).  Returns
 * H2C_HPACK_FIELD, 0, or H2C_E_NOMEM (the decoder has failed). */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((always_inline))
#endif
static inline int
fast_literal(h2c_hpack_decoder *dec, const uint8_t **pp, const uint8_t *end, h2c_hpack_field *f)
{
    const uint8_t *start = *pp, *p = start + 1;
    uint8_t b = *start;
    const uint8_t *name = NULL, *value = NULL;
    size_t nlen = 0, vlen = 0;
    unsigned mask;
    uint8_t ix, flags = 0;
    if (b & 0x40) {
        ix = H2C_HPACK_INDEX_YES;
        mask = 0x3f;
    } else if (b & 0x20) {
        return 0; /* size update */
    } else {
        ix = (b & 0x10) ? H2C_HPACK_INDEX_NEVER : H2C_HPACK_INDEX_NO;
        mask = 0x0f;
    }
    uint32_t idx = b & mask, nl = 0, vl;
    int nh = 0, vh;
    const uint8_t *ns = NULL, *vs;
    if (idx == mask && !fast_int_more(&p, end, &idx))
        return 0;
    /* Into *f at once (meaningful only with H2C_HPACK_FIELD): fewer
     * values live across the decoding, which had them on the stack. */
    f->indexing = ix;
    f->index = idx;
    if (idx) {
        if (!fast_name(dec, idx, &name, &nlen))
            return 0;
    } else {
        if (!fast_str(&p, end, &nl, &nh))
            return 0;
        ns = p;
        p += nl;
        nlen = nl;
        flags = nh ? H2C_HPACK_F_NAME_HUFFMAN : 0;
    }
    if (!fast_str(&p, end, &vl, &vh))
        return 0;
    vs = p;
    p += vl;
    vlen = vl;
    /* Limits before any decoding, with the encoded lengths: cheaper than
     * the fewest octets a Huffman string can give (the state machine's
     * test), and never smaller, so a field refused here only near a limit
     * goes to the state machine.  The exact lengths are checked below. */
    if (nlen > dec->max_string_len || vlen > dec->max_string_len || over_list(dec, nlen, vlen))
        return 0;
    size_t base = 0;
    if (nh && nl) {
        ptrdiff_t w = fast_huff(dec, 0, ns, nl, (size_t)(end - ns));
        if (w < 0)
            return fast_failed(dec, pp, ns, w);
        nlen = (size_t)w;
        base = nlen;
    } else if (!idx) {
        name = nl ? ns : (const uint8_t *)"";
    }
    if (vh && vl) {
        flags |= H2C_HPACK_F_VALUE_HUFFMAN;
        ptrdiff_t w = fast_huff(dec, base, vs, vl, (size_t)(end - vs));
        if (w < 0)
            return fast_failed(dec, pp, vs, w);
        value = dec->scratch + base;
        vlen = (size_t)w;
    } else {
        flags |= vh ? H2C_HPACK_F_VALUE_HUFFMAN : 0;
        value = vl ? vs : (const uint8_t *)"";
    }
    if (nh && nl) /* read only now: the value may have moved scratch */
        name = dec->scratch;
    f->flags = flags;
    if ((nh || vh) && over_list(dec, nlen, vlen))
        return 0;
    if (f->indexing == H2C_HPACK_INDEX_YES && fast_insert(dec, pp, p, &name, nlen, &value, vlen))
        return H2C_E_NOMEM;
    dec->scratch_keep = 0;
    *pp = p;
    return fast_done(dec, f, name, nlen, value, vlen);
}

/*
 * fast_literal() for its commonest shape: a name index in one or two
 * octets, and a value whose length fits in its first octet.  Fewer values
 * live than in fast_literal(), so they stay in registers.  Returns the
 * same, with 0 also for any other shape (fast_literal() then decides).
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((always_inline))
#endif
static inline int
fast_literal_named(h2c_hpack_decoder *dec, const uint8_t **pp, const uint8_t *end,
                   h2c_hpack_field *f)
{
    const uint8_t *p = *pp;
    uint8_t b = *p++, ix;
    uint32_t idx, mask;
    if (b & 0x40) {
        ix = H2C_HPACK_INDEX_YES;
        mask = 0x3f;
    } else {
        if (b & 0x20)
            return 0; /* size update */
        ix = (b & 0x10) ? H2C_HPACK_INDEX_NEVER : H2C_HPACK_INDEX_NO;
        mask = 0x0f;
    }
    idx = b & mask;
    if (idx == mask) { /* one continuation octet: names 15-142 without indexing */
        if (p == end || *p >= 0x80)
            return 0;
        idx += *p++;
    }
    const uint8_t *name, *value;
    size_t nlen, vlen;
    if (idx == 0 || p == end || !fast_name(dec, idx, &name, &nlen))
        return 0;
    uint8_t vb = *p++;
    uint32_t vl = vb & 0x7fu;
    if (vl == 0x7f || (size_t)(end - p) < vl)
        return 0;
    /* As fast_literal(): encoded lengths first. */
    if (nlen > dec->max_string_len || vl > dec->max_string_len || over_list(dec, nlen, vl))
        return 0;
    /* Into *f at once (meaningful only with H2C_HPACK_FIELD) and read back
     * after the Huffman call: fewer values to keep across it. */
    f->name.ptr = name;
    f->name.len = nlen;
    f->indexing = ix;
    f->index = idx;
    f->reserved = 0;
    f->flags = 0;
    value = vl ? p : (const uint8_t *)"";
    vlen = vl;
    if (vb & 0x80) {
        if (vl) {
            ptrdiff_t w = fast_huff(dec, 0, p, vl, (size_t)(end - p));
            if (w < 0)
                return fast_failed(dec, pp, p, w);
            value = dec->scratch;
            vlen = (size_t)w;
            if (over_list(dec, f->name.len, vlen))
                return 0;
        }
        f->flags = H2C_HPACK_F_VALUE_HUFFMAN;
    }
    p += vl;
    name = f->name.ptr;
    nlen = f->name.len;
    if (f->indexing == H2C_HPACK_INDEX_YES) {
        if (fast_insert(dec, pp, p, &name, nlen, &value, vlen))
            return H2C_E_NOMEM;
        f->name.ptr = name;
    }
    f->value.ptr = value;
    f->value.len = vlen;
    dec->fields_seen = 1;
    dec->field_count++;
    dec->list_size += nlen + vlen + H2C_ENTRY_OVERHEAD;
    dec->scratch_keep = 0;
    *pp = p;
    return H2C_HPACK_FIELD;
}

/* A push that fast_field() or fast_literal() answered with r (not 0),
 * having read [in, p). */
static inline int fast_push_done(h2c_hpack_decoder *dec, const uint8_t *in, const uint8_t *p,
                                 size_t *consumed, int r)
{
    if (r == H2C_HPACK_FIELD)
        dec->state = ST_REP;
    *consumed = (size_t)(p - in);
    dec->block_off += *consumed;
    return r;
}

/*
 * A representation that is not an indexed field, straight from the public
 * push: fast_literal_named() in a function of its own, which keeps its
 * values in registers; push_general() for everything else.
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static int
push_literal(h2c_hpack_decoder *dec, const uint8_t *in, size_t len, size_t *consumed,
             h2c_hpack_field *field)
{
    const uint8_t *p = in;
    int r = fast_literal_named(dec, &p, in + len, field);
    if (r == 0)
        return push_general(dec, in, len, consumed, field);
    return fast_push_done(dec, in, p, consumed, r);
}

/* A whole representation at *pp: the entry point of push_general().
 * Returns H2C_HPACK_FIELD (*pp advanced, *f filled), 0, or H2C_E_NOMEM
 * (the decoder has failed). */
static inline int fast_field(h2c_hpack_decoder *dec, const uint8_t **pp, const uint8_t *end,
                             h2c_hpack_field *f)
{
    return (**pp & 0x80) ? fast_indexed(dec, pp, end, f) : fast_literal(dec, pp, end, f);
}

/*
 * Octets in the middle of a string, ending before it and fitting the room
 * already made: a peer sending a few octets per frame, or a stack feeding
 * octet by octet.  Kept out of the state machine, whose frame costs more
 * than the work (CVE-2022-41723 class: split input must stay cheap).
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static int
push_piece(h2c_hpack_decoder *dec, const uint8_t *in, size_t len, size_t *consumed,
           h2c_hpack_field *field)
{
    if (len >= dec->str_len - dec->str_got || !piece_fits(dec, len))
        return push_general(dec, in, len, consumed, field);
    dec->in = in;
    int r = piece_small(dec, dec->state == ST_NAME_DATA ? 0 : dec->value_base, in, len);
    dec->in = NULL;
    *consumed = r < 0 ? 0 : len;
    dec->block_off += *consumed;
    return r < 0 ? r : H2C_OK;
}

/*
 * An indexed field whose index fits in one to three octets, written
 * straight into *field (valid only with H2C_HPACK_FIELD), to keep few
 * values live at once.  The result is exactly fast_indexed()'s; it is
 * written out here because calling fast_done() computes the list-size sum
 * twice and costs registers (+0.7%).
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((always_inline))
#endif
static inline int
fast_push_indexed(h2c_hpack_decoder *dec, const uint8_t *in, size_t len, size_t *consumed,
                  h2c_hpack_field *field)
{
    uint32_t idx = in[0] & 0x7fu;
    size_t n = 1;
    if (idx == 0x7fu) {
        /* Indexes 127 and up (dynamic entries past 66: large tables) in
         * two or three octets; longer ones, or cut by the end of the
         * input, take the general path. */
        if (len >= 2 && in[1] < 0x80) {
            idx += in[1];
            n = 2;
        } else if (len >= 3 && in[2] < 0x80) {
            idx += (in[1] & 0x7fu) + ((uint32_t)in[2] << 7);
            n = 3;
        } else {
            return 0;
        }
    }
    if (idx - 1u < H2C_STATIC_COUNT) {
        const h2c_static_entry *e = &h2c_static_table[idx - 1];
        field->name.ptr = (const uint8_t *)e->name;
        field->name.len = e->name_len;
        field->value.ptr = (const uint8_t *)e->value;
        field->value.len = e->value_len;
    } else {
        /* idx 0 wraps past every count. */
        uint32_t i = idx - H2C_STATIC_COUNT;
        if (i > dec->table.count)
            return 0;
        const h2c_dyn_entry *e = h2c_dyn_at(&dec->table, i);
        field->name.ptr = (const uint8_t *)h2c_dyn_name(&dec->table, e);
        field->name.len = e->name_len;
        field->value.ptr = field->name.ptr + e->name_len;
        field->value.len = e->value_len;
    }
    size_t add = field->name.len + field->value.len + H2C_ENTRY_OVERHEAD;
    if (add > dec->user_list_size - dec->list_size)
        return 0;
    dec->list_size += add;
    field->indexing = H2C_HPACK_INDEX_YES;
    field->flags = H2C_HPACK_F_INDEXED;
    field->reserved = 0;
    field->index = idx;
    dec->fields_seen = 1;
    dec->field_count++;
    dec->state = ST_REP;
    dec->block_off += n;
    *consumed = n;
    return H2C_HPACK_FIELD;
}

#endif
