/* SPDX-License-Identifier: MIT */
/*
 * Internal contracts of the frame library: byte helpers, the allocator,
 * error filling, and the two validation layers the parser is built from.
 * Tests include this header to call the layers directly.
 */
#ifndef H2C_FRAME_INT_H
#define H2C_FRAME_INT_H

#include <h2codec/frame.h>

#include "../../common/src/alloc_int.h"

/* ---- big-endian helpers ------------------------------------------------ */

static inline uint32_t h2c_frame_get16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t h2c_frame_get24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t h2c_frame_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* 31-bit field, reserved (top) bit dropped. */
static inline uint32_t h2c_frame_get31(const uint8_t *p)
{
    return h2c_frame_get32(p) & H2C_FRAME_MAX_31BIT;
}

static inline uint8_t *h2c_frame_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

static inline uint8_t *h2c_frame_put24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
    return p + 3;
}

static inline uint8_t *h2c_frame_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return p + 4;
}

/* ---- allocator (alloc.c; the rest is shared by every library) -------- */

/*
 * Allocate and zero a context of size octets through *user (libc if NULL);
 * on success the resolved allocator is stored in *al, which must be inside
 * the context or outlive it.
 */
void *h2c_frame_ctx_new(h2c_allocator *al, const h2c_allocator *user, size_t size);

/* ---- errors (names.c) --------------------------------------------------- */

/*
 * Fill *err for an error found in the frame with header *hd that starts at
 * connection offset frame_off; where is the offset of the offending octet
 * relative to frame_off.  The HTTP/2 code comes from the status unless
 * h2 is not (uint32_t)-1.  Returns status.
 */
int h2c_frame_error_set(h2c_error *err, int status, int scope, uint32_t h2,
                        const h2c_frame_header *hd, uint64_t frame_off, uint64_t where,
                        const char *reason);

/* h2c_strerror(H2C_OK), the same pointer, without the lookup. */
extern const char h2c_frame_reason_ok[];

/* Use the status's own HTTP/2 code in h2c_frame_error_set(). */
#define H2C_FRAME_H2_FROM_STATUS ((uint32_t)-1)

/* ---- validation layers (check.c, decode.c, extension.c) ----------------- */

/* What the per-frame checks need to know about the connection. */
typedef struct h2c_frame_limits {
    uint32_t max_frame_size;
    uint32_t max_settings;
    uint32_t flags;     /* H2C_FRAME_PARSER_* */
    int settings_first; /* the frame must be a non-ACK SETTINGS (after the preface) */
} h2c_frame_limits;

/*
 * Layer 1: check a frame header before its payload is read.  Returns
 * H2C_OK, H2C_FRAME_EV_STREAM_ERROR (payload to be skipped) or a
 * negative connection error, filling *err for the last two.
 */
int h2c_frame_check_header(const h2c_frame_header *hd, const h2c_frame_limits *lim,
                           uint64_t frame_off, h2c_error *err);

/*
 * Layer 2: decode and check a payload of hd->length octets whose header
 * already passed layer 1.  Fills *f (views into payload), which the caller
 * has zeroed: only the fields the frame type has are written.  Returns
 * H2C_FRAME_EV_FRAME, H2C_FRAME_EV_STREAM_ERROR (frame decoded),
 * H2C_FRAME_EV_IGNORED (hd and payload only) or a negative connection error.
 */
int h2c_frame_decode_payload(const h2c_frame_header *hd, const uint8_t *payload,
                             const h2c_frame_limits *lim, uint64_t frame_off, h2c_frame *f,
                             h2c_error *err);

/* Extension frames (extension.c), same contract as h2c_frame_decode_payload. */
int h2c_frame_decode_altsvc(const h2c_frame_header *hd, const uint8_t *payload,
                            uint64_t frame_off, h2c_frame *f, h2c_error *err);
int h2c_frame_decode_origin(const h2c_frame_header *hd, const uint8_t *payload,
                            uint64_t frame_off, h2c_frame *f, h2c_error *err);
int h2c_frame_decode_priority_update(const h2c_frame_header *hd, const uint8_t *payload,
                                     const h2c_frame_limits *lim, uint64_t frame_off,
                                     h2c_frame *f, h2c_error *err);

/*
 * SETTINGS values (settings.c): check count entries in wire format.  Returns
 * H2C_OK or a negative connection error with *bad_index set.
 */
int h2c_frame_settings_check(const uint8_t *raw, size_t count, size_t *bad_index,
                             const char **reason);

#endif
