/* SPDX-License-Identifier: MIT */
/*
 * No-op push functions for split_cost's "calls" mode: the same caller loop,
 * one call per octet, and no work in the call.  Kept in their own file so
 * the compiler cannot inline them into the loop: what they cost is the
 * least any push-style API can cost per call.
 */
#include "split_noop.h"

int split_noop_hpack_push(h2c_hpack_decoder *dec, const uint8_t *in, size_t len, size_t *consumed,
                          h2c_hpack_field *field)
{
    (void)dec, (void)in, (void)field;
    *consumed = len;
    return H2C_OK;
}

int split_noop_frame_push(h2c_frame_parser *p, const uint8_t *in, size_t len, size_t *consumed,
                          h2c_frame_event *ev)
{
    (void)p, (void)in, (void)ev;
    *consumed = len;
    return H2C_OK;
}
