/* SPDX-License-Identifier: MIT */
/*
 * ngh_step.h -- nghttp2's HPACK inflater, one field at a time (reference side
 * of the differential and round-trip targets; never linked into a library).
 */
#ifndef H2C_FUZZ_NGH_STEP_H
#define H2C_FUZZ_NGH_STEP_H

#include <nghttp2/nghttp2.h>

#include "fuzz_util.h"

typedef struct h2c_fuzz_ngh {
    nghttp2_hd_inflater *inf;
    const uint8_t *blk;
    size_t len;
    size_t off;
    int state; /* 0: running, 1: block ended cleanly, <0: nghttp2 error */
} h2c_fuzz_ngh;

/* Create the inflater; aborts if nghttp2 cannot allocate. */
void h2c_fuzz_ngh_init(h2c_fuzz_ngh *d);
void h2c_fuzz_ngh_free(h2c_fuzz_ngh *d);
/* Apply an acknowledged SETTINGS_HEADER_TABLE_SIZE between blocks. */
int h2c_fuzz_ngh_set_max_table_size(h2c_fuzz_ngh *d, uint32_t acked);
/* Start a header block, fed to nghttp2 in one piece with in_final set. */
void h2c_fuzz_ngh_begin(h2c_fuzz_ngh *d, const uint8_t *blk, size_t len);
/* 1 with *nv set, 0 at the clean end of the block, or nghttp2's error. */
int h2c_fuzz_ngh_next(h2c_fuzz_ngh *d, nghttp2_nv *nv);

#endif
