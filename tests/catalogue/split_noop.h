/* SPDX-License-Identifier: MIT */
#ifndef H2C_SPLIT_NOOP_H
#define H2C_SPLIT_NOOP_H
/* No-op stand-ins for h2c_hpack_decoder_push and h2c_frame_parser_push:
 * they take the whole input and report nothing (split_noop.c says why). */
#include <h2codec/frame.h>
#include <h2codec/hpack.h>

int split_noop_hpack_push(h2c_hpack_decoder *dec, const uint8_t *in, size_t len, size_t *consumed,
                          h2c_hpack_field *field);
int split_noop_frame_push(h2c_frame_parser *p, const uint8_t *in, size_t len, size_t *consumed,
                          h2c_frame_event *ev);
#endif
