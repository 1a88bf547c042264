/* SPDX-License-Identifier: MIT */
/* ngh_step.c -- see ngh_step.h. */
#include "ngh_step.h"

#include <stdlib.h>

void h2c_fuzz_ngh_init(h2c_fuzz_ngh *d)
{
    d->inf = NULL;
    d->state = 1;
    if (nghttp2_hd_inflate_new(&d->inf) != 0)
        abort();
}

void h2c_fuzz_ngh_free(h2c_fuzz_ngh *d)
{
    nghttp2_hd_inflate_del(d->inf);
    d->inf = NULL;
}

int h2c_fuzz_ngh_set_max_table_size(h2c_fuzz_ngh *d, uint32_t acked)
{
    return nghttp2_hd_inflate_change_table_size(d->inf, acked);
}

void h2c_fuzz_ngh_begin(h2c_fuzz_ngh *d, const uint8_t *blk, size_t len)
{
    d->blk = blk;
    d->len = len;
    d->off = 0;
    d->state = 0;
}

int h2c_fuzz_ngh_next(h2c_fuzz_ngh *d, nghttp2_nv *nv)
{
    if (d->state != 0)
        return d->state == 1 ? 0 : d->state;
    for (;;) {
        int flags = 0;
        /* nghttp2 1.60 renamed the call for its nghttp2_ssize type. */
#if NGHTTP2_VERSION_NUM >= 0x013c00
        nghttp2_ssize rv = nghttp2_hd_inflate_hd3(d->inf, nv, &flags, d->blk + d->off,
                                                  d->len - d->off, 1);
#else
        ssize_t rv = nghttp2_hd_inflate_hd2(d->inf, nv, &flags, d->blk + d->off,
                                            d->len - d->off, 1);
#endif
        if (rv < 0) {
            d->state = (int)rv;
            return d->state;
        }
        H2C_FUZZ_CHECK((size_t)rv <= d->len - d->off);
        d->off += (size_t)rv;
        if (flags & NGHTTP2_HD_INFLATE_EMIT)
            return 1;
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(d->inf);
            d->state = 1;
            return 0;
        }
        /* With in_final set, nghttp2 either emits, finishes or fails. */
        H2C_FUZZ_CHECK(rv > 0);
    }
}
