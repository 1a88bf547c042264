/* SPDX-License-Identifier: MIT */
/*
 * hpack_step.h -- pull HPACK fields out of a decoder one at a time.
 *
 * The targets compare two decoders (ours fed differently, or ours and
 * nghttp2) field by field in lock step: each side is advanced to its next
 * field, the two are compared while both are still valid, and so on.  Nothing
 * is copied or accumulated, so a header-list bomb costs time, not memory.
 */
#ifndef H2C_FUZZ_HPACK_STEP_H
#define H2C_FUZZ_HPACK_STEP_H

#include <h2codec/hpack.h>

/* The offset of a decoder's sticky error in its header block. */
static inline uint64_t h2t_hpack_error_offset(const h2c_hpack_decoder *dec)
{
    h2c_error e;
    h2c_hpack_decoder_error(dec, &e);
    return e.offset;
}

#include "fuzz_util.h"

typedef struct h2c_fuzz_hdec {
    h2c_hpack_decoder *dec;
    h2c_fuzz_feed feed;  /* the current header block, in fragments */
    int empty_push;      /* also push an empty fragment at each boundary */
    int state;           /* 0: running, 1: block ended cleanly, <0: error */
} h2c_fuzz_hdec;

/* Attach dec (owned by the caller) with a chunking; one-shot when ch is NULL. */
void h2c_fuzz_hdec_init(h2c_fuzz_hdec *d, h2c_hpack_decoder *dec,
                        const h2c_fuzz_chunker *ch, int copy, int empty_push);
/* Start a header block.  blk must stay valid until the block ends. */
void h2c_fuzz_hdec_begin(h2c_fuzz_hdec *d, const uint8_t *blk, size_t len);
/*
 * Next field: 1 with *f set, 0 when the block ended cleanly (finish passed),
 * or the negative status the decoder failed with.  After an error it checks
 * that the error is sticky (push, finish and error() all return it).
 */
int h2c_fuzz_hdec_next(h2c_fuzz_hdec *d, h2c_hpack_field *f);
/* Release the fragment copy. */
void h2c_fuzz_hdec_done(h2c_fuzz_hdec *d);

/* Field equality: names, values, indexing, flags and index. */
int h2c_fuzz_field_same(const h2c_hpack_field *a, const h2c_hpack_field *b);

/*
 * Block records, the input format of hpack_decode and hpack_diff:
 *
 *   ctl:u8 [settings:u16be, or u32be if ctl & 0x04, when ctl & 0x01] len:u16be data
 *
 *   A u32 setting is reduced modulo H2C_FUZZ_SETTINGS_CAP: the decoder
 *   reserves memory in proportion to the table maximum as soon as a size
 *   update raises it, and a multi-gigabyte table is the application's
 *   choice, not a bug to report.
 *
 *   ctl & 0x01  apply a new acknowledged SETTINGS_HEADER_TABLE_SIZE first
 *   ctl & 0x02  reset the decoders first
 *   data        the header block; cut short at the end of the input
 */
#define H2C_FUZZ_SETTINGS_CAP ((1u << 20) + 1)

typedef struct h2c_fuzz_block {
    int has_settings;
    uint32_t settings;
    int reset;
    const uint8_t *data;
    size_t len;
} h2c_fuzz_block;

/* Read the next record: 1, or 0 when the input is used up. */
int h2c_fuzz_block_read(h2c_fuzz_reader *r, h2c_fuzz_block *b);

#endif
