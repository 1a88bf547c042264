/* SPDX-License-Identifier: MIT */
/*
 * h2codec/hpack.h -- HPACK (RFC 7541) header compression for HTTP/2.
 *
 * One header for the whole HPACK area: a streaming decoder, an encoder, and
 * the error vocabulary they share.  The library does no I/O and keeps no
 * global state; every allocation goes through the allocator given in the
 * options (libc malloc/free when none is given).
 *
 * Conventions are those of <h2codec/common.h>: int statuses (H2C_OK, events
 * H2C_HPACK_*, errors H2C_HPACK_E_* and the common H2C_E_*), h2c_view names
 * and values, h2c_allocator hooks, *_options_init() defaults.  Also:
 *   - Decoder errors are sticky.  Once a decoder has failed (bad input, a
 *     call out of sequence, a failed allocation), every later call returns
 *     that same error until h2c_hpack_decoder_reset().  The encoder has no
 *     error state: a call that fails (a bad argument, "buffer too small")
 *     changes nothing, so the caller may simply retry.
 *
 * Decoding a header block, fragment by fragment:
 *
 *     h2c_hpack_field f;
 *     for (each fragment (HEADERS / CONTINUATION payload) of the block) {
 *         size_t off = 0, used;
 *         for (;;) {
 *             int rc = h2c_hpack_decoder_push(dec, frag + off, len - off, &used, &f);
 *             off += used;
 *             if (rc == H2C_HPACK_FIELD) { use(f); continue; }
 *             if (rc == H2C_OK) break;         // fragment consumed
 *             fail(h2c_status_h2_error(rc));          // COMPRESSION_ERROR, ...
 *         }
 *     }
 *     rc = h2c_hpack_decoder_finish(dec);            // block must end cleanly
 */
#ifndef H2CODEC_HPACK_H
#define H2CODEC_HPACK_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Status codes
 * ---------------------------------------------------------------------- */

/**
 * HPACK events and errors (the hundred of <h2codec/common.h> that HPACK
 * owns).  Calls also return H2C_OK and the common H2C_E_* failures:
 * H2C_E_NOMEM (INTERNAL_ERROR), H2C_E_BUFFER_TOO_SMALL (encoder: nothing
 * changed), H2C_E_INVALID_ARGUMENT and H2C_E_STATE.  Every H2C_HPACK_E_*
 * is a decoding error: the peer sent a bad block, COMPRESSION_ERROR.
 */
typedef enum h2c_hpack_status {
    H2C_HPACK_FIELD = 101, /**< push: one field was decoded into *field */

    H2C_HPACK_E_INDEX_ZERO = -101,        /**< index 0 in an indexed representation */
    H2C_HPACK_E_INDEX_RANGE = -102,       /**< index past the static + dynamic table */
    H2C_HPACK_E_INTEGER_OVERFLOW = -103,  /**< integer does not fit, or has too many octets */
    H2C_HPACK_E_HUFFMAN_EOS = -104,       /**< Huffman string contains the EOS symbol */
    H2C_HPACK_E_HUFFMAN_PADDING = -105,   /**< Huffman padding longer than 7 bits */
    H2C_HPACK_E_HUFFMAN_BAD_PAD = -106,   /**< Huffman padding is not a prefix of EOS (all ones) */
    H2C_HPACK_E_TABLE_UPDATE_SIZE = -107, /**< size update above the acknowledged maximum */
    H2C_HPACK_E_TABLE_UPDATE_LATE = -108, /**< size update after the first field of a block */
    H2C_HPACK_E_TABLE_UPDATE_MISSING = -109, /**< after a lowered maximum, no update to it first */
    H2C_HPACK_E_TRUNCATED = -110,         /**< block ended inside a representation */
    H2C_HPACK_E_LIST_SIZE = -111,         /**< decoded header list exceeds max_list_size */
    H2C_HPACK_E_STRING_LENGTH = -112,     /**< a string is longer than max_string_len */
    H2C_HPACK_E_FIELD_COUNT = -113        /**< more than max_fields fields in one block */
} h2c_hpack_status;

/* ------------------------------------------------------------------------
 * Fields
 * ---------------------------------------------------------------------- */

/** How a field is (decoder) or should be (encoder) represented. */
typedef enum h2c_hpack_indexing {
    H2C_HPACK_INDEX_DEFAULT = 0, /**< encoder: let the indexing policy decide */
    H2C_HPACK_INDEX_YES = 1,     /**< indexed field, or literal with incremental indexing */
    H2C_HPACK_INDEX_NO = 2,      /**< literal without indexing */
    H2C_HPACK_INDEX_NEVER = 3    /**< literal never indexed: sensitive, keep it so when re-encoding */
} h2c_hpack_indexing;

/* Field flags (h2c_hpack_field.flags). */
#define H2C_HPACK_F_INDEXED      0x01u /**< decoder: came from an indexed field representation */
#define H2C_HPACK_F_NAME_HUFFMAN 0x02u /**< decoder: the name literal was Huffman-coded */
#define H2C_HPACK_F_VALUE_HUFFMAN 0x04u /**< decoder: the value literal was Huffman-coded */
#define H2C_HPACK_F_UNKNOWN      0x08u /**< decoder, tolerant mode: referenced entry was unknown;
                                            the text is a placeholder "<unknown index N>" */
#define H2C_HPACK_F_PLAIN        0x10u /**< encoder: never Huffman-code this field's strings */
#define H2C_HPACK_F_HUFFMAN      0x20u /**< encoder: always Huffman-code this field's strings */

/**
 * One header field.  The decoder fills it; the encoder reads an array of them.
 *
 * Decoder lifetime rule: name and value point into the input passed to the
 * push call that returned the field, into the static or dynamic table, or into
 * the decoder's own scratch buffer.  They stay valid until the next call that
 * takes this decoder non-const (push, finish, reset, set_max_table_size, free)
 * and, where they point into the input, while that input stays valid.
 */
typedef struct h2c_hpack_field {
    h2c_view name;
    h2c_view value;
    uint8_t indexing;  /**< h2c_hpack_indexing */
    uint8_t flags;     /**< H2C_HPACK_F_* */
    uint16_t reserved; /**< zero */
    uint32_t index;    /**< decoder: table index of the field or its name, 0 for a new name */
} h2c_hpack_field;

/* ------------------------------------------------------------------------
 * Decoder
 * ---------------------------------------------------------------------- */

/** Leniency flags (h2c_hpack_decoder_options.lenient); all off by default. */
#define H2C_HPACK_LENIENT_UNKNOWN_INDEX 0x01u /**< an index past the table yields a placeholder
                                                   field flagged H2C_HPACK_F_UNKNOWN instead of
                                                   failing: for captures that start mid-connection */

/**
 * Decoder flags (h2c_hpack_decoder_options.flags).
 *
 * H2C_HPACK_SKIP_OVERSIZED: a block that passes max_list_size or max_fields
 * is refused on its own instead of failing the decoder.  push() goes on
 * decoding the rest of the block, so that the dynamic table stays in step
 * with the peer's encoder, but hands out no further field; finish() then
 * returns H2C_HPACK_E_LIST_SIZE or H2C_HPACK_E_FIELD_COUNT without entering
 * the ERROR state, and the next block decodes as usual.  The caller drops
 * the fields it got from that block and refuses the one stream (RFC 9113
 * section 10.5.1: a 431 answer or RST_STREAM), keeping the connection.
 * Strings are still bounded by max_string_len, and every other error still
 * ends the block and the decoder.
 */
#define H2C_HPACK_SKIP_OVERSIZED 0x01u

/**
 * Decoder settings.  Fill with h2c_hpack_decoder_options_init(), then adjust.
 * max_list_size, max_string_len and max_fields must be non-zero.
 *
 * Memory: a decoder holds at most 3 * max_table_size octets for its
 * dynamic table, and only what its entries need: about 2.5 times their
 * octets plus 16 an entry, grown as the table fills (a size setting or
 * update alone allocates nothing); plus a scratch buffer of at most
 * 2 * max_string_len + 1 octets (and never much more than twice the longest
 * string actually received), plus about 400 octets for itself; while a
 * buffer grows, its previous one is briefly held as well.  Nothing else is
 * allocated, and once those buffers have reached their working size,
 * decoding allocates nothing.
 */
typedef struct h2c_hpack_decoder_options {
    uint32_t max_table_size; /**< SETTINGS_HEADER_TABLE_SIZE the peer has acknowledged; 4096 */
    size_t max_list_size;    /**< sum of name+value+32 per block; 65536 */
    size_t max_string_len;   /**< longest decoded name or value; 65536 */
    uint32_t max_fields;     /**< fields per block; 1024 */
    uint32_t lenient;        /**< H2C_HPACK_LENIENT_* */
    uint32_t flags;          /**< H2C_HPACK_SKIP_OVERSIZED; 0 */
    const h2c_allocator *allocator; /**< NULL: libc; must return malloc-aligned memory
                                         (see h2c_allocator in <h2codec/common.h>) */
} h2c_hpack_decoder_options;

/**
 * The decoder's position in the input, for diagnostics (h2c_hpack_decoder_state).
 *
 *        finish()                      push(): first octet of a representation
 *   +--> BLOCK_START --------------------------------> REP_PREFIX
 *   |                                                     |
 *   |         +----------------------+--------------------+------------------+
 *   |         | indexed / name index | literal, new name  | size update      |
 *   |         v                      v                    v                  |
 *   |      INDEX_INT          NAME_LEN -> NAME_DATA      UPDATE_INT          |
 *   |         | literal, indexed name       |               |                |
 *   |         |          +----------------- +               |                |
 *   |         |          v                                  |                |
 *   |         |      VALUE_LEN -> VALUE_DATA                |                |
 *   |         v                      v                      v                |
 *   +----- FIELD_DONE <--------------+        (back to REP_PREFIX) <---------+
 *
 *   Any state --(bad input or failed allocation)--> ERROR (sticky until reset)
 */
typedef enum h2c_hpack_decoder_state {
    H2C_HPACK_DS_BLOCK_START = 0, /**< between blocks: size updates and fields allowed */
    H2C_HPACK_DS_REP_PREFIX,      /**< inside a block, between representations */
    H2C_HPACK_DS_INDEX_INT,       /**< reading the index of an indexed field or name */
    H2C_HPACK_DS_UPDATE_INT,      /**< reading a dynamic table size update */
    H2C_HPACK_DS_NAME_LEN,        /**< reading the H bit and length of a literal name */
    H2C_HPACK_DS_NAME_DATA,       /**< reading the octets of a literal name */
    H2C_HPACK_DS_VALUE_LEN,       /**< reading the H bit and length of the value */
    H2C_HPACK_DS_VALUE_DATA,      /**< reading the octets of the value */
    H2C_HPACK_DS_ERROR            /**< failed; every call returns the sticky error */
} h2c_hpack_decoder_state;

typedef struct h2c_hpack_decoder h2c_hpack_decoder;

/** Fill *opt with the secure defaults listed in h2c_hpack_decoder_options. */
H2C_API void h2c_hpack_decoder_options_init(h2c_hpack_decoder_options *opt);

/**
 * Create a decoder.  opt may be NULL for defaults.  On success *out is set and
 * H2C_OK returned; on failure *out is NULL.
 */
H2C_API int h2c_hpack_decoder_new(h2c_hpack_decoder **out,
                                        const h2c_hpack_decoder_options *opt);

/** Free a decoder and everything it holds.  NULL is allowed. */
H2C_API void h2c_hpack_decoder_free(h2c_hpack_decoder *dec);

/**
 * Return to the state right after h2c_hpack_decoder_new(): empty dynamic
 * table, no block open, sticky error cleared.  Keeps allocated memory.
 */
H2C_API void h2c_hpack_decoder_reset(h2c_hpack_decoder *dec);

/**
 * Apply a SETTINGS_HEADER_TABLE_SIZE value that the peer has acknowledged.
 * Allowed only between blocks (else H2C_E_STATE, sticky).  When the new
 * value is lower than the table size the peer may currently use, the table
 * shrinks at once and the next block must begin with a size update no larger
 * than the lowest value set since the last block (RFC 7541 section 4.2; more
 * updates may follow it).  A
 * higher value only raises the limit for size updates: the table keeps its
 * current maximum until the peer's encoder sends an update, as the encoder
 * itself does.
 */
H2C_API int h2c_hpack_decoder_set_max_table_size(h2c_hpack_decoder *dec,
                                                       uint32_t acked);

/**
 * Decode bytes of the current header block.
 *
 * Reads from in[0..len) until one field is complete, then stops and returns
 * H2C_HPACK_FIELD with the field in *field; or consumes everything and returns
 * H2C_OK; or fails with a negative status.  *field is meaningful only
 * with H2C_HPACK_FIELD: after any other status its contents are unspecified
 * (a refused field's view may be left in it).  *consumed is always set to
 * the number of octets taken.  A fragment may end anywhere, even inside an
 * integer or a Huffman code; the next push resumes there.  Work is linear in
 * the input however it is split.
 *
 * Limits are checked as soon as a length is known, before the string is
 * read: a field that would exceed max_list_size is refused before it is
 * produced.  Any failure, H2C_E_NOMEM included, puts the decoder in
 * the sticky ERROR state: the block cannot be resumed, and
 * h2c_hpack_decoder_reset() is needed (the connection is normally closed
 * anyway, with h2c_status_h2_error() of the status).  Only
 * H2C_E_INVALID_ARGUMENT (NULL pointers) leaves the decoder untouched.
 */
H2C_API int h2c_hpack_decoder_push(h2c_hpack_decoder *dec, const uint8_t *in,
                                         size_t len, size_t *consumed,
                                         h2c_hpack_field *field);

/**
 * End the current header block.  Fails with H2C_HPACK_E_TRUNCATED if the block
 * ended inside a representation, and with H2C_HPACK_E_TABLE_UPDATE_MISSING if
 * a required size update never came (an empty block still needs it).
 * With H2C_HPACK_SKIP_OVERSIZED, H2C_HPACK_E_LIST_SIZE or
 * H2C_HPACK_E_FIELD_COUNT for a block past the limits, and the decoder is
 * ready for the next block (that status is not sticky).
 */
H2C_API int h2c_hpack_decoder_finish(h2c_hpack_decoder *dec);

/**
 * Change max_list_size and max_fields (e.g. when our
 * SETTINGS_MAX_HEADER_LIST_SIZE changes); from the next field on.
 * H2C_E_INVALID_ARGUMENT for a zero limit.
 */
H2C_API int h2c_hpack_decoder_set_list_limits(h2c_hpack_decoder *dec, size_t max_list_size,
                                              uint32_t max_fields);

/** Current state (see the diagram above). */
H2C_API h2c_hpack_decoder_state h2c_hpack_decoder_state_get(const h2c_hpack_decoder *dec);

/**
 * The sticky error: returns its status (H2C_OK if none) and, when err is
 * not NULL, fills *err: h2_error from h2c_status_h2_error(), scope
 * CONNECTION for decoding errors and LOCAL for the common H2C_E_* ones
 * (H2C_E_NOMEM above all), stream_id 0 (the decoder does not
 * know streams), and offset counted from the start of the current header
 * block: the octet that completed a bad index, length or size update, the
 * octet holding a bad Huffman code or the string's last octet for bad
 * padding, the first octet of a representation that may not start there,
 * the block length for errors found by finish().  The offset does not
 * depend on how the block was split.
 */
H2C_API int h2c_hpack_decoder_error(const h2c_hpack_decoder *dec, h2c_error *err);

/** Dynamic table size in octets (RFC 7541 section 4.1: sum of name+value+32). */
H2C_API size_t h2c_hpack_decoder_table_size(const h2c_hpack_decoder *dec);
/** Number of entries in the dynamic table. */
H2C_API size_t h2c_hpack_decoder_table_count(const h2c_hpack_decoder *dec);
/**
 * Current dynamic table maximum: options.max_table_size at first, then the
 * last size update, or a lower acknowledged setting.
 */
H2C_API size_t h2c_hpack_decoder_table_max(const h2c_hpack_decoder *dec);
/**
 * Read dynamic table entry i, 1 = newest (HPACK index 61 + i).  Returns
 * H2C_HPACK_E_INDEX_RANGE if there is no such entry.  Pointers follow the
 * field lifetime rule above.
 */
H2C_API int h2c_hpack_decoder_table_get(const h2c_hpack_decoder *dec, size_t i,
                                              h2c_hpack_field *out);

/* ------------------------------------------------------------------------
 * Encoder
 * ---------------------------------------------------------------------- */

/** Facts the indexing policy sees about a field and the table. */
typedef struct h2c_hpack_policy_input {
    const h2c_hpack_field *field; /**< the field being encoded */
    uint32_t name_index;          /**< best table index with this name, 0 if none */
    size_t table_max;             /**< current dynamic table maximum in octets */
    size_t table_size;            /**< octets currently in use */
} h2c_hpack_policy_input;

/**
 * Indexing policy: decide how to encode a field that the caller left at
 * H2C_HPACK_INDEX_DEFAULT and that has no exact match in either table.
 * Returns H2C_HPACK_INDEX_YES, _NO or _NEVER; any other value counts as _NO.
 * YES for a field larger than the table maximum is sent as _NO (inserting it
 * would only empty the table).
 */
typedef int (*h2c_hpack_policy_fn)(void *user, const h2c_hpack_policy_input *in);

/** Built-in policies (h2c_hpack_encoder_options.policy_kind). */
typedef enum h2c_hpack_policy_kind {
    H2C_HPACK_POLICY_ADAPTIVE = 0, /**< default: learns online, per name, how often new
                                        values are sent again, and indexes only names whose
                                        values repeat, plus any value seen again recently;
                                        authorization, proxy-authorization and cookies under
                                        20 octets are sent never-indexed; fields over 3/4
                                        of the table are not indexed */
    H2C_HPACK_POLICY_ALWAYS = 1,   /**< index every field that fits (RFC 7541 Appendix C style) */
    H2C_HPACK_POLICY_NEVER = 2,    /**< index nothing; literal without indexing */
    H2C_HPACK_POLICY_CUSTOM = 3    /**< call policy_fn */
} h2c_hpack_policy_kind;

/** Encoder behaviour flags (h2c_hpack_encoder_options.flags). */
#define H2C_HPACK_ENC_NO_HUFFMAN 0x01u /**< never Huffman-code (unless a field says F_HUFFMAN);
                                            by default each string is Huffman-coded only when
                                            that is strictly shorter.  F_PLAIN wins over
                                            F_HUFFMAN when a field has both */
#define H2C_HPACK_ENC_FIXED_SEED 0x02u /**< hash with options.hash_seed instead of a secret
                                            random seed: for tests and reproducible output */

/** Encoder settings.  Fill with h2c_hpack_encoder_options_init(), then adjust. */
typedef struct h2c_hpack_encoder_options {
    uint32_t max_table_size; /**< most table memory we will use, whatever the peer allows;
                                  4096; at most 2^29.  Memory follows use: new()
                                  allocates only the encoder itself (under 2 KiB); the
                                  table's storage grows, while the table fills, to
                                  2 to 4 x the octets its entries hold (powers of two)
                                  plus 48 octets an entry, then stops growing */
    uint32_t flags;          /**< H2C_HPACK_ENC_* */
    int policy_kind;         /**< h2c_hpack_policy_kind */
    h2c_hpack_policy_fn policy_fn; /**< with H2C_HPACK_POLICY_CUSTOM */
    void *policy_user;
    const h2c_allocator *allocator; /**< NULL: libc; must return malloc-aligned memory
                                         (see h2c_allocator in <h2codec/common.h>) */
    uint64_t hash_seed; /**< with H2C_HPACK_ENC_FIXED_SEED: the key of the encoder's
                             table and policy hashes.  Without it (the default) each
                             encoder draws a secret one: getrandom(), else /dev/urandom,
                             else (neither available) a mix of addresses and the time,
                             which is not secret.  A peer that knows the seed can choose
                             fields that collide and slow lookups down.  The seed never
                             changes what a block decodes to; the adaptive policy's
                             choices, and so the exact octets, may differ by seed */
} h2c_hpack_encoder_options;

typedef struct h2c_hpack_encoder h2c_hpack_encoder;

/** Fill *opt with defaults. */
H2C_API void h2c_hpack_encoder_options_init(h2c_hpack_encoder_options *opt);

/**
 * Create an encoder; opt may be NULL.  The peer's table size starts at 4096
 * (the protocol default); when options.max_table_size is below that, the
 * first block begins with a size update to it.
 */
H2C_API int h2c_hpack_encoder_new(h2c_hpack_encoder **out,
                                        const h2c_hpack_encoder_options *opt);

/** Free an encoder.  NULL is allowed. */
H2C_API void h2c_hpack_encoder_free(h2c_hpack_encoder *enc);

/** Return to the freshly created state: empty table, policy statistics
 *  forgotten, peer table size 4096 again, and no pending update unless
 *  options.max_table_size is below 4096.  Keeps allocated memory. */
H2C_API void h2c_hpack_encoder_reset(h2c_hpack_encoder *enc);

/**
 * Apply the peer's SETTINGS_HEADER_TABLE_SIZE.  The encoder uses
 * min(peer, options.max_table_size), evicting at once if that is smaller
 * than the table.  The next block begins with the size updates this
 * requires: the smallest size set since the last block first, then the
 * final size if it differs.  Every call is signalled, even one that leaves
 * the size unchanged, as nghttp2's deflater does: some decoders (nghttp2's)
 * expect an update after each SETTINGS change.  Never fails on a valid
 * encoder.
 */
H2C_API int h2c_hpack_encoder_set_max_table_size(h2c_hpack_encoder *enc,
                                                       uint32_t peer_setting);

/**
 * Worst-case number of octets h2c_hpack_encoder_encode() can write for these
 * fields, including pending size updates.  Never less than the real size.
 */
H2C_API size_t h2c_hpack_encoder_bound(const h2c_hpack_encoder *enc,
                                             const h2c_hpack_field *fields, size_t n);

/**
 * Encode one header block of n fields into out[0..cap).  On success writes
 * *written and returns H2C_OK.  If the block does not fit, returns
 * H2C_E_BUFFER_TOO_SMALL and leaves the encoder exactly as it was
 * (no table insertion or eviction, pending updates still pending, policy
 * statistics unchanged); a buffer of h2c_hpack_encoder_bound() octets always
 * fits.  Octets of out past *written are unspecified, also after a failure.
 *
 * Per field: an exact match in either table is sent as an indexed field,
 * unless the field is H2C_HPACK_INDEX_NEVER, which is always a never-indexed
 * literal (with an indexed name when one exists) and never enters the table.
 * Otherwise the caller's indexing choice, or the policy's for
 * H2C_HPACK_INDEX_DEFAULT, picks the literal form.
 *
 * H2C_E_INVALID_ARGUMENT, with nothing changed, for NULL pointers, a
 * string NULL with a nonzero length, a name or value of 2^30 - 1 octets or
 * more, or an indexing value past H2C_HPACK_INDEX_NEVER.  Allocates only
 * while the table grows; if that fails, the field that needed the room is
 * sent without indexing (the call never fails for lack of memory).  A
 * call whose buffer is smaller than the bound may also grow the table, to
 * keep the entries it evicts until it knows the block fits.
 */
H2C_API int h2c_hpack_encoder_encode(h2c_hpack_encoder *enc,
                                           const h2c_hpack_field *fields, size_t n,
                                           uint8_t *out, size_t cap, size_t *written);

/** Dynamic table size in octets. */
H2C_API size_t h2c_hpack_encoder_table_size(const h2c_hpack_encoder *enc);
/** Number of entries in the encoder's dynamic table. */
H2C_API size_t h2c_hpack_encoder_table_count(const h2c_hpack_encoder *enc);
/**
 * Read encoder table entry i, 1 = newest (index 61 + i), or
 * H2C_HPACK_E_INDEX_RANGE.  name and value point into the encoder's table
 * and stay valid until the next call that takes the encoder non-const.
 */
H2C_API int h2c_hpack_encoder_table_get(const h2c_hpack_encoder *enc, size_t i,
                                              h2c_hpack_field *out);

#ifdef __cplusplus
}
#endif
#endif /* H2CODEC_HPACK_H */
