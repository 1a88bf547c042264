/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the HPACK decoder suites: decode a block fed in pieces
 * and collect deep copies of its fields.
 */
#ifndef H2C_TEST_DEC_UTIL_H
#define H2C_TEST_DEC_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/hpack.h>

typedef struct dt_field {
    char *name;
    size_t name_len;
    char *value;
    size_t value_len;
    uint8_t indexing;
    uint8_t flags;
    uint32_t index;
} dt_field;

typedef struct dt_list {
    dt_field *f;
    size_t n, cap;
} dt_list;

void dt_list_free(dt_list *l);
void dt_list_add(dt_list *l, const h2c_hpack_field *f);
/* Same names, values, indexing, flags and indexes in the same order. */
int dt_list_equal(const dt_list *a, const dt_list *b);

/* How each piece is handed to push(). */
enum {
    DT_HEAP = 0,  /* a heap copy, scribbled over and freed after the push */
    DT_GUARD = 1  /* a copy ending against a PROT_NONE page, unmapped after */
};

/*
 * Decode one block: wire[0..len) cut before each offset in cuts[0..ncuts)
 * (ascending), then finish().  Appends fields to out.  Returns the first
 * failing status, or H2C_OK.
 */
int dt_decode_cuts(h2c_hpack_decoder *dec, const uint8_t *wire, size_t len,
                   const size_t *cuts, size_t ncuts, int mode, dt_list *out);
/* One piece. */
int dt_decode(h2c_hpack_decoder *dec, const uint8_t *wire, size_t len, int mode, dt_list *out);
/* Pieces of step octets (the last may be shorter). */
int dt_decode_step(h2c_hpack_decoder *dec, const uint8_t *wire, size_t len, size_t step,
                   int mode, dt_list *out);

/* Field i of l has this name and value. */
int dt_field_is(const dt_list *l, size_t i, const char *name, const char *value);

/* Append a string literal, plain or Huffman-coded; returns its octets. */
size_t dt_put_str(uint8_t *buf, const char *s, size_t len, int huff);
/* Append a literal field with a new name; pattern 0x40 (incremental
 * indexing), 0x00 (without) or 0x10 (never indexed). */
size_t dt_put_literal(uint8_t *buf, uint8_t pattern, const char *n, size_t nl, const char *v,
                      size_t vl, int huff);

struct Suite;
/* Run a Check suite (forking, normal output); the process exit status. */
int dt_run_suite(struct Suite *s);
/* Run a vector suite in one process: Check runs every case (each loop
 * iteration) in turn and reports each failing case with its message, as
 * when forking; a failed check ends its case only.  A crash ends the run.
 * CK_FORK=yes in the environment forks per case again.  Forking per case
 * cost test_frame_vectors 60 s under ASan, against 10 s in one process. */
int dt_run_suite_nofork(struct Suite *s);

#endif
