/* SPDX-License-Identifier: MIT */
/*
 * Streaming HPACK decoder (RFC 7541 sections 3, 4, 6).
 *
 * A push-style state machine: h2c_hpack_decoder_push() walks the input one
 * representation at a time and stops as soon as a field is complete.  Every
 * partial item (integer, string, Huffman code) resumes where it stopped, so a
 * block may be cut anywhere.  Fields lying whole in the input, and string
 * pieces, take the fast paths of decode_fast.h instead, called where their
 * entry contract (written there) holds; built with H2C_HPACK_NO_FAST, the
 * state machine takes everything.
 *
 * Where decoded strings live (the zero-copy rule):
 *   - indexed names and values point into the static or dynamic table;
 *   - a plain literal lying wholly inside the current push's input points
 *     into that input;
 *   - everything else (Huffman output, strings straddling pushes, a name
 *     whose value arrives in a later push) is in one scratch buffer:
 *     the name at [0, name_len), the value right after it.  The scratch
 *     grows on demand up to 2 * max_string_len + 1 octets and is then reused,
 *     so steady-state decoding allocates nothing.
 *   - after a literal with incremental indexing, both point into the new
 *     table entry.
 * Limits are checked as soon as a length is known, before any octet of the
 * string is copied, and again exactly when the field is complete.
 */
#include <h2codec/hpack.h>

#include <stddef.h>
#include <string.h>

#include "dyn_table.h"
#include "hpack_alloc.h"
#include "hpack_int.h"
#include "huffman.h"
#include "static_table.h"

/* Internal states.  Each public h2c_hpack_decoder_state covers one or more. */
enum dec_state {
    ST_START,           /* no octet of the current block read yet */
    ST_REP,             /* inside a block, at the first octet of a representation */
    ST_INDEX_MORE,      /* continuation octets of an indexed field's index */
    ST_NAME_INDEX_MORE, /* continuation octets of a literal's name index */
    ST_UPDATE_MORE,     /* continuation octets of a table size update */
    ST_NAME_LEN,        /* first octet (H bit) of a literal name's length */
    ST_NAME_LEN_MORE,   /* continuation octets of the name length */
    ST_NAME_DATA,       /* octets of the name */
    ST_VALUE_LEN,       /* first octet (H bit) of the value length */
    ST_VALUE_LEN_MORE,  /* continuation octets of the value length */
    ST_VALUE_DATA,      /* octets of the value */
    ST_ERROR            /* sticky error: see dec->error */
};

/* Where the current field's name is. */
enum name_src {
    NAME_TABLE,  /* static/dynamic table or placeholder: name_ptr, stable for the field */
    NAME_INPUT,  /* the current push's input: name_ptr, spilled to scratch at push end */
    NAME_SCRATCH /* scratch[0, name_len) */
};

/* Room for "<unknown index 4294967295>". */
#define PLACEHOLDER_CAP 32

struct h2c_hpack_decoder {
    h2c_allocator alloc;
    size_t max_list_size;
    size_t max_string_len;
    uint32_t huff_short_max; /* longest Huffman string fast_huff() takes at once */
    uint32_t max_fields;
    uint32_t lenient;
    uint32_t initial_max; /* options.max_table_size, restored by reset() */

    /* The caller's limits, in both modes (fast_push_indexed() applies
     * these).  With H2C_HPACK_SKIP_OVERSIZED the ones above are the
     * widest, so decoding goes on past these. */
    uint8_t skip_oversized;
    int oversized; /* the block passed them: its status, 0 if not */
    size_t user_list_size;
    uint32_t user_fields;
    uint32_t fast_fields; /* user_fields, 0 once oversized: fast_push_indexed()'s test */

    h2c_dyn_table table;
    uint32_t acked;      /* acknowledged SETTINGS_HEADER_TABLE_SIZE */
    uint32_t update_le;  /* a size update <= this is due at block start ... */
    uint8_t need_update; /* ... when this is set (0 or 1) */
    uint8_t state;       /* enum dec_state; right after need_update: fast_gate() */
    int error;           /* sticky error, 0 if none */
    size_t error_off;

    /* Current block. */
    size_t block_off;    /* octets of the block consumed before this push */
    const uint8_t *in;   /* this push's input, for error offsets */
    uint8_t fields_seen; /* a field representation began: no more updates */
    uint32_t field_count;
    size_t list_size;

    /* Current representation. */
    uint8_t indexing; /* h2c_hpack_indexing of the literal */
    uint8_t flags;    /* H2C_HPACK_F_* gathered so far */
    uint8_t name_src; /* enum name_src */
    uint32_t index;   /* table index of the field or its name, 0 for a new name */
    h2c_int_dec ival;
    const uint8_t *name_ptr;
    size_t name_len;
    size_t value_base; /* scratch offset of the value */

    /* Current string literal. */
    uint8_t str_huff;
    uint32_t str_len;       /* encoded length */
    uint32_t str_got;       /* encoded octets read */
    size_t str_out;         /* decoded octets stored in scratch */
    size_t str_cap;         /* scratch room reserved for this string */
    const uint8_t *str_ptr; /* set when the string was taken from the input whole */
    h2c_huff_dec huff;

    uint8_t *scratch;
    size_t scratch_cap;
    size_t scratch_keep; /* octets of scratch that hold live data */

    char placeholder[PLACEHOLDER_CAP];
    size_t placeholder_len;
};

/* ------------------------------------------------------------------------
 * Options, lifetime
 * ---------------------------------------------------------------------- */

void h2c_hpack_decoder_options_init(h2c_hpack_decoder_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->max_table_size = 4096;
    opt->max_list_size = 65536;
    opt->max_string_len = 65536;
    opt->max_fields = 1024;
}

static void begin_block(h2c_hpack_decoder *dec)
{
    dec->state = ST_START;
    dec->block_off = 0;
    dec->fields_seen = 0;
    dec->field_count = 0;
    dec->list_size = 0;
    dec->scratch_keep = 0;
    dec->oversized = 0;
    dec->fast_fields = dec->user_fields;
}

/* The limits the decoding itself enforces: with SKIP_OVERSIZED the list
 * and field counts are the caller's business (see push()). */
static void apply_limits(h2c_hpack_decoder *dec, size_t max_list_size, uint32_t max_fields)
{
    dec->user_list_size = max_list_size;
    dec->user_fields = max_fields;
    dec->fast_fields = dec->oversized ? 0 : max_fields;
    dec->max_list_size = dec->skip_oversized ? SIZE_MAX : max_list_size;
    dec->max_fields = dec->skip_oversized ? UINT32_MAX : max_fields;
    /* Lowered mid-block below what the block already holds: no room is
     * left, and the room tests (list_size <= limit assumed) must see none
     * rather than wrap. */
    if (dec->list_size > dec->user_list_size)
        dec->user_list_size = dec->list_size;
    if (dec->list_size > dec->max_list_size)
        dec->max_list_size = dec->list_size;
}

int h2c_hpack_decoder_new(h2c_hpack_decoder **out, const h2c_hpack_decoder_options *opt)
{
    if (!out)
        return H2C_E_INVALID_ARGUMENT;
    *out = NULL;
    h2c_hpack_decoder_options def;
    if (!opt) {
        h2c_hpack_decoder_options_init(&def);
        opt = &def;
    }
    if (opt->max_list_size == 0 || opt->max_string_len == 0 || opt->max_fields == 0)
        return H2C_E_INVALID_ARGUMENT;
    h2c_allocator a;
    h2c_alloc_init(&a, opt->allocator);
    h2c_hpack_decoder *dec = h2c_alloc(&a, sizeof *dec);
    if (!dec)
        return H2C_E_NOMEM;
    memset(dec, 0, sizeof *dec);
    dec->alloc = a;
    dec->skip_oversized = (opt->flags & H2C_HPACK_SKIP_OVERSIZED) != 0;
    apply_limits(dec, opt->max_list_size, opt->max_fields);
    /* String lengths are 32-bit integers on the wire: a larger limit is moot,
     * and clamping keeps the scratch arithmetic from overflowing. */
    dec->max_string_len = opt->max_string_len < UINT32_MAX ? opt->max_string_len : UINT32_MAX;
    /* Below the lanes, and decoding to at most 2 * len <= max_string_len. */
    dec->huff_short_max = (uint32_t)(dec->max_string_len / 2 < H2C_HUFF_LANES_MIN - 1
                                         ? dec->max_string_len / 2
                                         : H2C_HUFF_LANES_MIN - 1);
    dec->lenient = opt->lenient;
    dec->initial_max = opt->max_table_size;
    dec->acked = opt->max_table_size;
    h2c_dyn_init(&dec->table, opt->max_table_size);
    begin_block(dec);
    *out = dec;
    return H2C_OK;
}

void h2c_hpack_decoder_free(h2c_hpack_decoder *dec)
{
    if (!dec)
        return;
    h2c_allocator a = dec->alloc;
    h2c_dyn_free(&dec->table, &a);
    h2c_free(&a, dec->scratch);
    h2c_free(&a, dec);
}

void h2c_hpack_decoder_reset(h2c_hpack_decoder *dec)
{
    if (!dec)
        return;
    h2c_dyn_clear(&dec->table);
    h2c_dyn_set_max(&dec->table, dec->initial_max);
    dec->acked = dec->initial_max;
    dec->need_update = 0;
    dec->update_le = 0;
    dec->error = 0;
    dec->error_off = 0;
    begin_block(dec);
}

/* ------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------- */

#ifndef H2C_HPACK_NO_FAST
_Static_assert(offsetof(h2c_hpack_decoder, state) ==
                   offsetof(h2c_hpack_decoder, need_update) + 1,
               "fast_gate() reads need_update and state as one");
_Static_assert(ST_START == 0 && ST_REP == 1, "fast_gate() masks the state's lowest bit");

/* Whether dec is between representations (ST_START or ST_REP) with no
 * size update due: the two octets read with one load and tested at once,
 * as the public push does for every field (decode: 268.2 to 265.2 Ir per
 * header in tools/callgrind). */
static inline int fast_gate(const h2c_hpack_decoder *dec)
{
    /* The octets as they are with ST_REP, which differs from ST_START in
     * its lowest bit alone; the byte order folds away. */
    static const uint8_t gate_rep[2] = {0, ST_REP};
    uint16_t v, rep;
    memcpy(&v, (const unsigned char *)dec + offsetof(h2c_hpack_decoder, need_update), 2);
    memcpy(&rep, gate_rep, 2);
    return (v & (uint16_t)~rep) == 0;
}
#endif

/* Enter the sticky error state; off is the block offset of the bad octet. */
static int fail(h2c_hpack_decoder *dec, int err, size_t off)
{
    dec->state = ST_ERROR;
    dec->error = err;
    dec->error_off = off;
    return err;
}

/* Block offset of an octet of the current push's input. */
static size_t off_of(const h2c_hpack_decoder *dec, const uint8_t *p)
{
    return dec->block_off + (size_t)(p - dec->in);
}

/* Smallest scratch allocated for a string received whole: room for most
 * Huffman-coded values; longer ones double it, so that the scratch follows
 * the longest strings a connection actually sends (and stops growing with
 * them) rather than holding kilobytes it may never use.  Strings still
 * arriving in pieces grow it from 64 octets, with the octets received. */
#define SCRATCH_WHOLE_MIN 256u
#define SCRATCH_PIECE_MIN 64u

/* Make scratch hold at least need octets, keeping its first scratch_keep;
 * a new buffer gets at least min(floor, ceiling). */
/* The most scratch the limits can ever require: a name and a value of
 * max_string_len, plus one octet the Huffman decoder may store past its
 * output. */
static size_t scratch_ceiling(const h2c_hpack_decoder *dec)
{
    return dec->max_string_len <= (SIZE_MAX - 1) / 2 ? 2 * dec->max_string_len + 1 : SIZE_MAX;
}

/* Scratch need for a Huffman string of len input octets at base, given
 * that need octets are required anyway: more when the lanes of the long
 * string decoder (huffman_lanes.h) fit under the ceiling. */
static size_t with_lanes(const h2c_hpack_decoder *dec, size_t base, size_t len, size_t need)
{
    size_t lanes = h2c_huff_lanes_room(len), ceiling = scratch_ceiling(dec);
    if (lanes && lanes <= ceiling && base <= ceiling - lanes && base + lanes > need)
        return base + lanes;
    return need;
}

static int scratch_reserve(h2c_hpack_decoder *dec, size_t need, size_t floor)
{
    if (dec->scratch_cap >= need)
        return 0;
    /* Half again, to keep growth amortised and the slack small, but never
     * past scratch_ceiling(). */
    size_t ceiling = scratch_ceiling(dec);
    size_t cap = dec->scratch_cap + dec->scratch_cap / 2;
    if (cap < floor)
        cap = floor;
    if (cap > ceiling)
        cap = ceiling;
    if (cap < need)
        cap = need;
    if (!dec->scratch_keep) { /* nothing to carry over: free first, lower peak */
        h2c_free(&dec->alloc, dec->scratch);
        dec->scratch = NULL;
        dec->scratch_cap = 0;
    }
    uint8_t *p = h2c_alloc(&dec->alloc, cap);
    if (!p)
        return H2C_E_NOMEM;
    if (dec->scratch_keep && dec->scratch)
        memcpy(p, dec->scratch, dec->scratch_keep);
    h2c_free(&dec->alloc, dec->scratch);
    dec->scratch = p;
    dec->scratch_cap = cap;
    return 0;
}

/* Fewest octets a Huffman string of len octets can decode to (codes are at
 * most 30 bits, padding at most 7).  In 64 bits: with a 32-bit size_t,
 * 8 * len wraps from len = 2^29 on, which let such a string past the
 * string and list limits checked from this value. */
static size_t huff_min_decoded(size_t len)
{
    return len ? (size_t)(((uint64_t)len * 8 - 7 + 29) / 30) : 0;
}

/* Format "<unknown index N>" into dec->placeholder. */
static void make_placeholder(h2c_hpack_decoder *dec, uint32_t index)
{
    static const char head[] = "<unknown index ";
    char digits[10];
    size_t nd = 0, n = sizeof head - 1;
    do {
        digits[nd++] = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    memcpy(dec->placeholder, head, n);
    while (nd)
        dec->placeholder[n++] = digits[--nd];
    dec->placeholder[n++] = '>';
    dec->placeholder_len = n;
}

/*
 * Look up table index idx (>= 1).  Returns 0 with the name and value set, or
 * H2C_HPACK_E_INDEX_RANGE; in lenient mode an unknown index gives the
 * placeholder text for both and 1.
 */
static int lookup(h2c_hpack_decoder *dec, uint32_t idx, const uint8_t **name, size_t *name_len,
                  const uint8_t **value, size_t *value_len)
{
    if (idx <= H2C_STATIC_COUNT) {
        const h2c_static_entry *e = &h2c_static_table[idx - 1];
        *name = (const uint8_t *)e->name;
        *name_len = e->name_len;
        *value = (const uint8_t *)e->value;
        *value_len = e->value_len;
        return 0;
    }
    const h2c_dyn_entry *e = h2c_dyn_get(&dec->table, idx - H2C_STATIC_COUNT);
    if (e) {
        *name = h2c_dyn_name(&dec->table, e);
        *name_len = e->name_len;
        *value = h2c_dyn_value(&dec->table, e);
        *value_len = e->value_len;
        return 0;
    }
    if (!(dec->lenient & H2C_HPACK_LENIENT_UNKNOWN_INDEX))
        return H2C_HPACK_E_INDEX_RANGE;
    make_placeholder(dec, idx);
    *name = *value = (const uint8_t *)dec->placeholder;
    *name_len = *value_len = dec->placeholder_len;
    return 1;
}

/* Would a field of these lengths overflow the header list limit?  Both are
 * below 2^32 (wire lengths, decoded lengths capped by max_string_len <=
 * UINT32_MAX, table entries), so the 64-bit sum cannot wrap. */
static int over_list(const h2c_hpack_decoder *dec, size_t name_len, size_t value_len)
{
    /* list_size <= max_list_size always */
    return (uint64_t)name_len + value_len + H2C_ENTRY_OVERHEAD >
           (uint64_t)(dec->max_list_size - dec->list_size);
}

static void emit(h2c_hpack_decoder *dec, h2c_hpack_field *f, const uint8_t *name,
                 size_t name_len, const uint8_t *value, size_t value_len)
{
    f->name.ptr = (const uint8_t *)name;
    f->name.len = name_len;
    f->value.ptr = (const uint8_t *)value;
    f->value.len = value_len;
    f->indexing = dec->indexing;
    f->flags = dec->flags;
    f->reserved = 0;
    f->index = dec->index;
    dec->list_size += name_len + value_len + H2C_ENTRY_OVERHEAD;
    dec->state = ST_REP;
    dec->scratch_keep = 0;
}

/* ------------------------------------------------------------------------
 * Representations
 * ---------------------------------------------------------------------- */

/* Checks common to the first octet of every field representation. */
static int field_start(h2c_hpack_decoder *dec, const uint8_t *p)
{
    if (dec->need_update)
        return fail(dec, H2C_HPACK_E_TABLE_UPDATE_MISSING, off_of(dec, p));
    if (dec->field_count >= dec->max_fields)
        return fail(dec, H2C_HPACK_E_FIELD_COUNT, off_of(dec, p));
    dec->fields_seen = 1;
    dec->field_count++;
    dec->flags = 0;
    dec->scratch_keep = 0;
    return 0;
}

/* Indexed field, index complete; at = its last octet. */
static int indexed_done(h2c_hpack_decoder *dec, const uint8_t *at, h2c_hpack_field *f)
{
    uint32_t idx = dec->ival.value;
    const uint8_t *name, *value;
    size_t nlen, vlen;
    if (idx == 0)
        return fail(dec, H2C_HPACK_E_INDEX_ZERO, off_of(dec, at));
    int r = lookup(dec, idx, &name, &nlen, &value, &vlen);
    if (r < 0)
        return fail(dec, r, off_of(dec, at));
    /* Checked before anything is produced: an HPACK bomb stops here. */
    if (over_list(dec, nlen, vlen))
        return fail(dec, H2C_HPACK_E_LIST_SIZE, off_of(dec, at));
    dec->indexing = H2C_HPACK_INDEX_YES;
    dec->flags = H2C_HPACK_F_INDEXED | (r ? H2C_HPACK_F_UNKNOWN : 0);
    dec->index = idx;
    emit(dec, f, name, nlen, value, vlen);
    return H2C_HPACK_FIELD;
}

/* Literal with an indexed name, index complete; at = its last octet. */
static int name_index_done(h2c_hpack_decoder *dec, const uint8_t *at)
{
    uint32_t idx = dec->ival.value;
    const uint8_t *value;
    size_t vlen;
    int r = lookup(dec, idx, &dec->name_ptr, &dec->name_len, &value, &vlen);
    if (r < 0)
        return fail(dec, r, off_of(dec, at));
    if (over_list(dec, dec->name_len, 0))
        return fail(dec, H2C_HPACK_E_LIST_SIZE, off_of(dec, at));
    if (r)
        dec->flags |= H2C_HPACK_F_UNKNOWN;
    dec->index = idx;
    dec->name_src = NAME_TABLE;
    dec->value_base = 0;
    dec->state = ST_VALUE_LEN;
    return 0;
}

/* Dynamic table size update complete; at = its last octet. */
static int update_done(h2c_hpack_decoder *dec, const uint8_t *at)
{
    uint32_t v = dec->ival.value;
    if (v > dec->acked)
        return fail(dec, H2C_HPACK_E_TABLE_UPDATE_SIZE, off_of(dec, at));
    /* After a lowered setting, the first update must go down to the lowest
     * value set (RFC 7541 section 4.2: smallest first, then the final one). */
    if (dec->need_update && v > dec->update_le)
        return fail(dec, H2C_HPACK_E_TABLE_UPDATE_MISSING, off_of(dec, at));
    dec->need_update = 0;
    h2c_dyn_set_max(&dec->table, v);
    dec->state = ST_REP;
    return 0;
}

/* A string's length is known; at = its last octet. */
static int string_start(h2c_hpack_decoder *dec, const uint8_t *at, int is_name)
{
    size_t len = dec->ival.value;
    size_t min = dec->str_huff ? huff_min_decoded(len) : len;
    if (min > dec->max_string_len)
        return fail(dec, H2C_HPACK_E_STRING_LENGTH, off_of(dec, at));
    if (is_name ? over_list(dec, min, 0) : over_list(dec, dec->name_len, min))
        return fail(dec, H2C_HPACK_E_LIST_SIZE, off_of(dec, at));
    dec->str_len = (uint32_t)len;
    dec->str_got = 0;
    dec->str_out = 0;
    dec->str_cap = 0;
    dec->str_ptr = NULL;
    h2c_huff_dec_init(&dec->huff);
    dec->state = is_name ? ST_NAME_DATA : ST_VALUE_DATA;
    return 0;
}

/*
 * Huffman-decode n octets from p into scratch at base + str_out, never
 * letting the output pass max_string_len.  str_cap is the room
 * grow_for_piece() made; pieces are sized so that the decoder's worst case
 * (h2c_huff_decode_room) fits.
 */
static int huff_piece(h2c_hpack_decoder *dec, size_t base, const uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t chunk = h2c_huff_decode_fits(dec->str_cap - dec->str_out);
        ptrdiff_t w;
        if (chunk == 0) {
            /* Nearly full: one octet through a small buffer, then check. */
            uint8_t tmp[4];
            w = h2c_huff_decode(&dec->huff, tmp, p, 1);
            if (w < 0)
                return fail(dec, (int)w, off_of(dec, p));
            if (dec->str_out + (size_t)w > dec->max_string_len)
                return fail(dec, H2C_HPACK_E_STRING_LENGTH, off_of(dec, p));
            memcpy(dec->scratch + base + dec->str_out, tmp, (size_t)w);
            chunk = 1;
        } else {
            if (chunk > n)
                chunk = n;
            /* The room past str_cap (grow_for_piece) lets long pieces use
             * lanes; h2c_huff_decode_wide() takes short ones serially. */
            w = h2c_huff_decode_wide(&dec->huff, dec->scratch + base + dec->str_out,
                                     dec->scratch_cap - base - dec->str_out, p, chunk);
            if (w < 0)
                return fail(dec, (int)w, off_of(dec, p + dec->huff.err_pos));
        }
        dec->str_out += (size_t)w;
        p += chunk;
        n -= chunk;
    }
    return 0;
}

/*
 * Make room in scratch for the output of the next n octets of the current
 * string, at base + str_out.  Room grows with the octets actually received,
 * never with the announced length, so a peer announcing a huge string gets
 * nothing allocated for it up front.  For Huffman the room never exceeds
 * min(8 * len / 5, max_string_len) + 1: huff_piece() relies on that to stop
 * at max_string_len exactly.
 */
static int grow_for_piece(h2c_hpack_decoder *dec, size_t base, size_t n)
{
    size_t want = dec->str_out + n;
    size_t hard = SIZE_MAX;
    /* Once at least half the string has come, make room for all of it:
     * still proportional to what was received, and a string arriving in a
     * few large pieces is not copied again at every one. */
    int whole = dec->str_len <= 2 * ((uint64_t)dec->str_got + n);
    if (dec->str_huff) {
        hard = h2c_huff_decoded_max(dec->str_len);
        if (hard > dec->max_string_len)
            hard = dec->max_string_len;
        hard += 1;
        size_t room = h2c_huff_decode_room(n);
        want = !whole && room < hard - dec->str_out ? dec->str_out + room : hard;
    } else if (whole) {
        want = dec->str_len;
    }
    size_t phys = dec->str_huff ? with_lanes(dec, base + dec->str_out, n, base + want)
                                : base + want;
    if (want > dec->str_cap || phys > dec->scratch_cap) {
        /* Keep the name (if it is in scratch) and the string so far. */
        dec->scratch_keep = dec->str_out                              ? base + dec->str_out
                            : (base && dec->name_src == NAME_SCRATCH) ? base
                                                                      : 0;
        if (scratch_reserve(dec, phys, SCRATCH_PIECE_MIN) < 0)
            return H2C_E_NOMEM;
        dec->str_cap = dec->scratch_cap - base < hard ? dec->scratch_cap - base : hard;
    }
    return 0;
}

/* The next n > 0 octets of the current string fit the room
 * grow_for_piece() already made, and are too few for lanes: the common case
 * when a string comes in many small pieces. */
static inline int piece_fits(const h2c_hpack_decoder *dec, size_t n)
{
    /* n - 1 wraps for n == 0, which string_data() may ask about. */
    return n - 1 < H2C_HUFF_LANES_MIN - 1 &&
           (dec->str_huff ? h2c_huff_decode_room(n) : n) <= dec->str_cap - dec->str_out;
}

/* n more octets of the string were read; its output ends at str_out. */
static inline void piece_done(h2c_hpack_decoder *dec, size_t base, size_t n)
{
    dec->str_got += (uint32_t)n;
    dec->scratch_keep = base + dec->str_out;
}

/* Store such a piece at base + str_out. */
static inline int piece_small(h2c_hpack_decoder *dec, size_t base, const uint8_t *p, size_t n)
{
    uint8_t *o = dec->scratch + base + dec->str_out;
    ptrdiff_t w = (ptrdiff_t)n;
    if (!dec->str_huff)
        memcpy(o, p, n);
    else if ((w = h2c_huff_decode(&dec->huff, o, p, n)) < 0)
        return fail(dec, (int)w, off_of(dec, p + dec->huff.err_pos));
    dec->str_out += (size_t)w;
    piece_done(dec, base, n);
    return 0;
}

/*
 * Read string octets.  Returns 1 when the string is complete, 0 when the
 * input ran out, or a negative status.
 */
static int string_data(h2c_hpack_decoder *dec, const uint8_t **pp, const uint8_t *end,
                       size_t base)
{
    const uint8_t *p = *pp;
    size_t avail = (size_t)(end - p);
    size_t need = dec->str_len - dec->str_got;
    if (dec->str_len == 0) { /* plain or Huffman: nothing to read or check */
        dec->str_ptr = (const uint8_t *)"";
        dec->str_out = 0;
        return 1;
    }
    if (!dec->str_huff && dec->str_got == 0 && avail >= need) {
        dec->str_ptr = p; /* zero-copy: wholly inside this push */
        dec->str_got = dec->str_len;
        dec->str_out = dec->str_len;
        *pp = p + need;
        return 1;
    }
    size_t n = avail < need ? avail : need;
    if (piece_fits(dec, n)) {
        int r = piece_small(dec, base, p, n);
        if (r < 0)
            return r;
    } else {
        if (grow_for_piece(dec, base, n) < 0)
            return fail(dec, H2C_E_NOMEM, off_of(dec, p));
        if (dec->str_huff) {
            int r = huff_piece(dec, base, p, n);
            if (r < 0)
                return r;
        } else if (n) {
            memcpy(dec->scratch + base + dec->str_out, p, n);
            dec->str_out += n;
        }
        piece_done(dec, base, n);
    }
    *pp = p + n;
    if (dec->str_got < dec->str_len)
        return 0;
    if (dec->str_huff) {
        int r = h2c_huff_dec_finish(&dec->huff);
        if (r < 0)
            return fail(dec, r, off_of(dec, p + n - 1));
    }
    return 1;
}

static const uint8_t *string_result(const h2c_hpack_decoder *dec, size_t base)
{
    return dec->str_ptr ? dec->str_ptr : dec->scratch + base;
}

/* The value is complete; at = one past its last octet. */
static int field_done(h2c_hpack_decoder *dec, const uint8_t *at, h2c_hpack_field *f)
{
    const uint8_t *name = dec->name_src == NAME_SCRATCH ? dec->scratch : dec->name_ptr;
    const uint8_t *value = string_result(dec, dec->value_base);
    size_t vlen = dec->str_out;
    size_t at_off = off_of(dec, at);
    if (over_list(dec, dec->name_len, vlen))
        return fail(dec, H2C_HPACK_E_LIST_SIZE, at_off ? at_off - 1 : 0);
    if (dec->indexing == H2C_HPACK_INDEX_YES) {
        uint8_t *e;
        if (h2c_dyn_add(&dec->table, &dec->alloc, name, dec->name_len, value, vlen, &e) < 0)
            return fail(dec, H2C_E_NOMEM, at_off ? at_off - 1 : 0);
        if (e) {
            name = e;
            value = e + dec->name_len;
        }
    }
    emit(dec, f, name, dec->name_len, value, vlen);
    return H2C_HPACK_FIELD;
}

/* ------------------------------------------------------------------------
 * Fast paths (decode_fast.h: their entry contract)
 * ---------------------------------------------------------------------- */

#ifndef H2C_HPACK_NO_FAST
static int push_general(h2c_hpack_decoder *dec, const uint8_t *in, size_t len, size_t *consumed,
                        h2c_hpack_field *field);
#include "decode_fast.h"
#endif

/* ------------------------------------------------------------------------
 * The state machine
 * ---------------------------------------------------------------------- */

/* First octet of a representation. */
static int rep_start(h2c_hpack_decoder *dec, const uint8_t **pp, h2c_hpack_field *f)
{
    const uint8_t *p = *pp;
    uint8_t b = *p;
    int r;
    if ((b & 0xe0) == 0x20) { /* 001xxxxx: dynamic table size update */
        if (dec->fields_seen)
            return fail(dec, H2C_HPACK_E_TABLE_UPDATE_LATE, off_of(dec, p));
        *pp = p + 1;
        if (!h2c_int_decode_start(&dec->ival, b, 5)) {
            dec->state = ST_UPDATE_MORE;
            return 0;
        }
        return update_done(dec, p);
    }
    if ((r = field_start(dec, p)) < 0)
        return r;
    *pp = p + 1;
    if (b & 0x80) { /* 1xxxxxxx: indexed field */
        if (!h2c_int_decode_start(&dec->ival, b, 7)) {
            dec->state = ST_INDEX_MORE;
            return 0;
        }
        return indexed_done(dec, p, f);
    }
    unsigned prefix;
    if (b & 0x40) { /* 01xxxxxx: literal with incremental indexing */
        dec->indexing = H2C_HPACK_INDEX_YES;
        prefix = 6;
    } else { /* 0001xxxx never indexed, 0000xxxx without indexing */
        dec->indexing = (b & 0x10) ? H2C_HPACK_INDEX_NEVER : H2C_HPACK_INDEX_NO;
        prefix = 4;
    }
    if ((b & ((1u << prefix) - 1)) == 0) { /* new name */
        dec->index = 0;
        dec->state = ST_NAME_LEN;
        return 0;
    }
    if (!h2c_int_decode_start(&dec->ival, b, prefix)) {
        dec->state = ST_NAME_INDEX_MORE;
        return 0;
    }
    return name_index_done(dec, p);
}

/* First octet of a string length: the H bit and a 7-bit prefix. */
static int length_start(h2c_hpack_decoder *dec, const uint8_t **pp, int is_name)
{
    const uint8_t *p = *pp;
    dec->str_huff = (*p & 0x80) != 0;
    if (dec->str_huff)
        dec->flags |= is_name ? H2C_HPACK_F_NAME_HUFFMAN : H2C_HPACK_F_VALUE_HUFFMAN;
    *pp = p + 1;
    if (!h2c_int_decode_start(&dec->ival, *p, 7)) {
        dec->state = is_name ? ST_NAME_LEN_MORE : ST_VALUE_LEN_MORE;
        return 0;
    }
    return string_start(dec, p, is_name);
}

/* Continuation octets of an integer.  Returns 1 when complete (*last set to
 * its final octet), 0 when the input ran out, or a negative status. */
static int int_more(h2c_hpack_decoder *dec, const uint8_t **pp, const uint8_t *end,
                    const uint8_t **last)
{
    int r = h2c_int_decode_more(&dec->ival, pp, end);
    if (r < 0)
        return fail(dec, r, off_of(dec, *pp));
    *last = *pp - 1;
    return r;
}

/* Run the state machine over [*pp, end). */
static int run(h2c_hpack_decoder *dec, const uint8_t **pp, const uint8_t *end,
               h2c_hpack_field *f)
{
    const uint8_t *last;
    int r;
    for (;;) {
        switch (dec->state) {
        case ST_START:
        case ST_REP:
            if (*pp == end)
                return H2C_OK;
            dec->state = ST_REP;
            r = rep_start(dec, pp, f);
            break;
        case ST_INDEX_MORE:
            if ((r = int_more(dec, pp, end, &last)) == 1)
                r = indexed_done(dec, last, f);
            else if (r == 0)
                return H2C_OK;
            break;
        case ST_NAME_INDEX_MORE:
            if ((r = int_more(dec, pp, end, &last)) == 1)
                r = name_index_done(dec, last);
            else if (r == 0)
                return H2C_OK;
            break;
        case ST_UPDATE_MORE:
            if ((r = int_more(dec, pp, end, &last)) == 1)
                r = update_done(dec, last);
            else if (r == 0)
                return H2C_OK;
            break;
        case ST_NAME_LEN:
            if (*pp == end)
                return H2C_OK;
            r = length_start(dec, pp, 1);
            break;
        case ST_NAME_LEN_MORE:
        case ST_VALUE_LEN_MORE:
            if ((r = int_more(dec, pp, end, &last)) == 1)
                r = string_start(dec, last, dec->state == ST_NAME_LEN_MORE);
            else if (r == 0)
                return H2C_OK;
            break;
        case ST_NAME_DATA:
            r = string_data(dec, pp, end, 0);
            if (r == 1) {
                dec->name_len = dec->str_out;
                if (dec->str_ptr) {
                    dec->name_src = NAME_INPUT;
                    dec->name_ptr = dec->str_ptr;
                } else {
                    dec->name_src = NAME_SCRATCH;
                }
                /* The value goes after the name's place in scratch, so a
                 * name still in the input can be spilled there later. */
                dec->value_base = dec->name_len;
                dec->state = ST_VALUE_LEN;
                r = 0;
            } else if (r == 0) {
                return H2C_OK;
            }
            break;
        case ST_VALUE_LEN:
            if (*pp == end)
                return H2C_OK;
            r = length_start(dec, pp, 0);
            break;
        case ST_VALUE_DATA:
            r = string_data(dec, pp, end, dec->value_base);
            if (r == 1)
                r = field_done(dec, *pp, f);
            else if (r == 0)
                return H2C_OK;
            break;
        default: return dec->error;
        }
        if (r != 0)
            return r;
    }
}

/* The input is about to go away: copy a name that still points into it. */
static int spill_name(h2c_hpack_decoder *dec)
{
    if (dec->name_src != NAME_INPUT || dec->name_len == 0) /* "" is static */
        return 0;
    switch (dec->state) {
    case ST_VALUE_LEN:
    case ST_VALUE_LEN_MORE:
    case ST_VALUE_DATA: break;
    default: return 0;
    }
    /* [0, name_len) is free: value_base == name_len keeps it so. */
    size_t keep = dec->state == ST_VALUE_DATA && dec->str_cap ? dec->scratch_keep : 0;
    dec->scratch_keep = keep;
    if (scratch_reserve(dec, dec->name_len, SCRATCH_PIECE_MIN) < 0)
        return H2C_E_NOMEM;
    if (dec->name_len)
        memcpy(dec->scratch, dec->name_ptr, dec->name_len);
    dec->name_src = NAME_SCRATCH;
    if (dec->scratch_keep < dec->name_len)
        dec->scratch_keep = dec->name_len;
    return 0;
}

/* ------------------------------------------------------------------------
 * Public calls
 * ---------------------------------------------------------------------- */

/* Everything push() does not do itself; the arguments are valid and len
 * is not 0. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static int
push_general(h2c_hpack_decoder *dec, const uint8_t *in, size_t len, size_t *consumed,
             h2c_hpack_field *field)
{
    const uint8_t *p = in;
    int r;
#ifndef H2C_HPACK_NO_FAST
    /* Between representations, and a field may begin: fast_field()'s
     * entry contract (decode_fast.h). */
    if (fast_gate(dec) && dec->field_count < dec->max_fields) {
        r = fast_field(dec, &p, in + len, field);
        if (r != 0)
            return fast_push_done(dec, in, p, consumed, r);
    }
#endif
    *consumed = 0;
    if (dec->state == ST_ERROR)
        return dec->error;
    dec->in = in;
    r = run(dec, &p, in + len, field);
    *consumed = (size_t)(p - in);
    if (r == H2C_OK && spill_name(dec) < 0)
        r = fail(dec, H2C_E_NOMEM, dec->block_off + *consumed);
    dec->block_off += *consumed;
    dec->in = NULL;
    return r;
}

/*
 * Everything the public push does not do itself: an empty input, a string
 * under way (push_piece(), a tail call), the rest (push_general()).  The
 * arguments are valid.  Inlined in both callers.
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((always_inline))
#endif
static inline int
push_rest(h2c_hpack_decoder *dec, const uint8_t *in, size_t len, size_t *consumed,
          h2c_hpack_field *field)
{
    if (!len) { /* e.g. the call after a block's last field */
        *consumed = 0;
        return dec->state == ST_ERROR ? dec->error : H2C_OK;
    }
#ifndef H2C_HPACK_NO_FAST
    if (dec->state == ST_NAME_DATA || dec->state == ST_VALUE_DATA)
        return push_piece(dec, in, len, consumed, field);
#endif
    return push_general(dec, in, len, consumed, field);
}

/*
 * With SKIP_OVERSIZED, fields go on being decoded (the dynamic table
 * follows every insertion) once the block has passed the caller's limits,
 * but are no longer handed out.  Only decoders with the flag come here,
 * with valid arguments.
 *
 * Until the block passes them, every field decoded has been handed out, so
 * list_size and field_count, which count every field, are the caller's
 * counts as well: the field just decoded is the first past the limits if
 * the counts before it leave no room for it.
 */
__attribute__((noinline)) static int push_skipping(h2c_hpack_decoder *dec, const uint8_t *in,
                                                   size_t len, size_t *consumed,
                                                   h2c_hpack_field *field)
{
    if (dec->oversized)
        dec->list_size = 0; /* as below */
    int rc = push_rest(dec, in, len, consumed, field);
    if (rc != H2C_HPACK_FIELD)
        return rc;
    size_t off = *consumed;
    for (;;) {
        if (!dec->oversized) {
            size_t add = field->name.len + field->value.len + H2C_ENTRY_OVERHEAD;
            if (dec->field_count - 1 >= dec->user_fields)
                dec->oversized = H2C_HPACK_E_FIELD_COUNT;
            else if (add > dec->user_list_size - (dec->list_size - add))
                dec->oversized = H2C_HPACK_E_LIST_SIZE;
            else {
                *consumed = off;
                return rc;
            }
            dec->fast_fields = 0;
        }
        size_t used = 0;
        /* Past the limits nothing reads list_size until the next block:
         * keep it from growing to SIZE_MAX, a real bound on 32 bits. */
        dec->list_size = 0;
        rc = push_rest(dec, in + off, len - off, &used, field);
        off += used;
        if (rc != H2C_HPACK_FIELD) {
            *consumed = off;
            return rc;
        }
    }
}

/*
 * The commonest representation, an indexed field whose index fits in the
 * first octets, is decoded by fast_push_indexed() (decode_fast.h), inlined
 * here with no call, so that this function needs no stack frame for it; so
 * is an empty input.  It applies the caller's limits, the same in both
 * modes, so a SKIP_OVERSIZED decoder takes it too, with its accounting
 * done once, until its block passes them.  A literal at the same point
 * goes straight to push_literal() (without SKIP_OVERSIZED): push_general()
 * would test the state again, and its frame, shared with the indexed fast
 * path, held the literal's values on the stack (decode: 277.7 to 272.2 Ir
 * per header in tools/callgrind).  Everything else goes on to
 * push_skipping() or push_rest(), which check the state again.
 */
int h2c_hpack_decoder_push(h2c_hpack_decoder *dec, const uint8_t *in, size_t len,
                           size_t *consumed, h2c_hpack_field *field)
{
    if (!dec || !consumed || !field || (!in && len)) {
        if (consumed)
            *consumed = 0;
        return H2C_E_INVALID_ARGUMENT;
    }
#ifndef H2C_HPACK_NO_FAST
    /* fast_push_indexed()'s entry contract, and push_literal()'s (without
     * SKIP_OVERSIZED, fast_fields is max_fields). */
    if (len && fast_gate(dec) && dec->field_count < dec->fast_fields) {
        if (!(in[0] & 0x80)) {
            if (!dec->skip_oversized)
                return push_literal(dec, in, len, consumed, field);
        } else {
            if (fast_push_indexed(dec, in, len, consumed, field))
                return H2C_HPACK_FIELD;
            if (dec->skip_oversized)
                return push_skipping(dec, in, len, consumed, field);
            return push_general(dec, in, len, consumed, field);
        }
    }
#endif
    if (dec->skip_oversized)
        return push_skipping(dec, in, len, consumed, field);
    return push_rest(dec, in, len, consumed, field);
}

int h2c_hpack_decoder_finish(h2c_hpack_decoder *dec)
{
    if (!dec)
        return H2C_E_INVALID_ARGUMENT;
    if (dec->state == ST_ERROR)
        return dec->error;
    if (dec->state != ST_START && dec->state != ST_REP)
        return fail(dec, H2C_HPACK_E_TRUNCATED, dec->block_off);
    if (dec->need_update)
        return fail(dec, H2C_HPACK_E_TABLE_UPDATE_MISSING, dec->block_off);
    int oversized = dec->oversized;
    begin_block(dec);
    return oversized ? oversized : H2C_OK;
}

int h2c_hpack_decoder_set_list_limits(h2c_hpack_decoder *dec, size_t max_list_size,
                                      uint32_t max_fields)
{
    if (!dec || max_list_size == 0 || max_fields == 0)
        return H2C_E_INVALID_ARGUMENT;
    apply_limits(dec, max_list_size, max_fields);
    return H2C_OK;
}

int h2c_hpack_decoder_set_max_table_size(h2c_hpack_decoder *dec, uint32_t acked)
{
    if (!dec)
        return H2C_E_INVALID_ARGUMENT;
    if (dec->state == ST_ERROR)
        return dec->error;
    if (dec->state != ST_START || dec->block_off != 0)
        return fail(dec, H2C_E_STATE, dec->block_off);
    if (acked < dec->table.max) {
        /* The peer may be using more than it is now allowed: the next block
         * must start by shrinking to at most the lowest value set since. */
        if (!dec->need_update || acked < dec->update_le)
            dec->update_le = acked;
        dec->need_update = 1;
    }
    /* A higher value only allows larger size updates: the peer's encoder
     * keeps its table size until it sends one, and the decoder mirrors it. */
    dec->acked = acked;
    if (acked < dec->table.max)
        h2c_dyn_set_max(&dec->table, acked);
    return H2C_OK;
}

h2c_hpack_decoder_state h2c_hpack_decoder_state_get(const h2c_hpack_decoder *dec)
{
    static const uint8_t map[] = {
        [ST_START] = H2C_HPACK_DS_BLOCK_START,
        [ST_REP] = H2C_HPACK_DS_REP_PREFIX,
        [ST_INDEX_MORE] = H2C_HPACK_DS_INDEX_INT,
        [ST_NAME_INDEX_MORE] = H2C_HPACK_DS_INDEX_INT,
        [ST_UPDATE_MORE] = H2C_HPACK_DS_UPDATE_INT,
        [ST_NAME_LEN] = H2C_HPACK_DS_NAME_LEN,
        [ST_NAME_LEN_MORE] = H2C_HPACK_DS_NAME_LEN,
        [ST_NAME_DATA] = H2C_HPACK_DS_NAME_DATA,
        [ST_VALUE_LEN] = H2C_HPACK_DS_VALUE_LEN,
        [ST_VALUE_LEN_MORE] = H2C_HPACK_DS_VALUE_LEN,
        [ST_VALUE_DATA] = H2C_HPACK_DS_VALUE_DATA,
        [ST_ERROR] = H2C_HPACK_DS_ERROR,
    };
    if (!dec)
        return H2C_HPACK_DS_ERROR;
    return (h2c_hpack_decoder_state)map[dec->state];
}

int h2c_hpack_decoder_error(const h2c_hpack_decoder *dec, h2c_error *err)
{
    int status = dec ? dec->error : H2C_E_INVALID_ARGUMENT;
    if (err) {
        err->status = status;
        err->h2_error = h2c_status_h2_error(status);
        err->scope = status == H2C_OK ? H2C_SCOPE_NONE
                     : status > -100  ? H2C_SCOPE_LOCAL
                                      : H2C_SCOPE_CONNECTION;
        err->stream_id = 0;
        err->offset = dec ? dec->error_off : 0;
        err->reason = h2c_strerror(status);
    }
    return status;
}

size_t h2c_hpack_decoder_table_size(const h2c_hpack_decoder *dec)
{
    return dec ? dec->table.size : 0;
}

size_t h2c_hpack_decoder_table_count(const h2c_hpack_decoder *dec)
{
    return dec ? dec->table.count : 0;
}

size_t h2c_hpack_decoder_table_max(const h2c_hpack_decoder *dec)
{
    return dec ? dec->table.max : 0;
}

int h2c_hpack_decoder_table_get(const h2c_hpack_decoder *dec, size_t i, h2c_hpack_field *out)
{
    if (!dec || !out)
        return H2C_E_INVALID_ARGUMENT;
    const h2c_dyn_entry *e = h2c_dyn_get(&dec->table, i);
    if (!e)
        return H2C_HPACK_E_INDEX_RANGE;
    out->name.ptr = (const uint8_t *)h2c_dyn_name(&dec->table, e);
    out->name.len = e->name_len;
    out->value.ptr = (const uint8_t *)h2c_dyn_value(&dec->table, e);
    out->value.len = e->value_len;
    out->indexing = H2C_HPACK_INDEX_YES;
    out->flags = 0;
    out->reserved = 0;
    out->index = (uint32_t)(H2C_STATIC_COUNT + i);
    return H2C_OK;
}
