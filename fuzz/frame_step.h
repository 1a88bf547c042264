/* SPDX-License-Identifier: MIT */
/*
 * frame_step.h -- pull events out of an HTTP/2 frame parser one at a time,
 * with the input cut into fragments, and compare frames and errors.  Used in
 * lock step like hpack_step.h: two parsers fed differently must report the
 * same events, compared while both are still valid.
 */
#ifndef H2C_FUZZ_FRAME_STEP_H
#define H2C_FUZZ_FRAME_STEP_H

#include <h2codec/frame.h>

#include "fuzz_util.h"

typedef struct h2c_fuzz_fparse {
    h2c_frame_parser *p;
    h2c_fuzz_feed feed;  /* the connection input, in fragments */
    int done;            /* the input is finished */
    int last;            /* what the step returned when done */
} h2c_fuzz_fparse;

/* Attach p (owned by the caller) and the whole input; one-shot if ch is NULL. */
void h2c_fuzz_fparse_init(h2c_fuzz_fparse *d, h2c_frame_parser *p, const uint8_t *in,
                          size_t len, const h2c_fuzz_chunker *ch, int copy);
/*
 * Next event (> 0, ev filled); or, once the input is used up, the result of
 * h2c_frame_parser_finish() (H2C_OK or H2C_FRAME_E_TRUNCATED, err in
 * ev->error); or a negative connection error (checked to be sticky).  After
 * the end or an error it keeps returning that value.
 */
int h2c_fuzz_fparse_next(h2c_fuzz_fparse *d, h2c_frame_event *ev);
void h2c_fuzz_fparse_done(h2c_fuzz_fparse *d);

/* Equal in every field a parser fills (views by content). */
int h2c_fuzz_frame_same(const h2c_frame *a, const h2c_frame *b);
int h2c_fuzz_error_same(const h2c_error *a, const h2c_error *b);

/*
 * RFC 9113 section 4.1 and 6: serialize a frame the parser accepted and check
 * that it gives back the octets it was parsed from (wire, 9 + length
 * octets), up to the reserved bits and the padding octets, which the
 * serializer writes as zero.  Also checks the bound and a too-small buffer.
 */
void h2c_fuzz_check_reserialize(const h2c_frame *f, const uint8_t *wire);

#endif
