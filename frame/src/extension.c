/* SPDX-License-Identifier: MIT */
/*
 * Extension frames: ALTSVC (RFC 7838), ORIGIN (RFC 8336) and
 * PRIORITY_UPDATE (RFC 9218).  A malformed or misplaced one is reported as
 * H2C_FRAME_EV_IGNORED with the raw payload and parsing goes on: RFC 7838
 * and RFC 8336 say to ignore such frames, and a stack that does not
 * implement an extension ignores the whole type anyway.  Every length is
 * checked against the payload before it is used (CVE-2018-1000168).
 */
#include <string.h>

#include "frame_int.h"

/* Report an ignorable error: the frame keeps hd and raw payload only. */
static int ignore(h2c_error *err, uint32_t h2, const h2c_frame_header *hd, uint64_t off,
                  uint64_t where, h2c_frame *f, const char *reason)
{
    memset(&f->u, 0, sizeof f->u);
    f->verbatim = 1;
    h2c_frame_error_set(err, H2C_FRAME_E_EXTENSION, H2C_SCOPE_IGNORABLE, h2, hd, off,
                        H2C_FRAME_HEADER_LEN + where, reason);
    return H2C_FRAME_EV_IGNORED;
}

static h2c_view view(const uint8_t *p, size_t len)
{
    h2c_view v = {len ? p : NULL, len};
    return v;
}

int h2c_frame_decode_altsvc(const h2c_frame_header *hd, const uint8_t *pl, uint64_t off,
                            h2c_frame *f, h2c_error *err)
{
    if (hd->length < 2)
        return ignore(err, H2C_H2_FRAME_SIZE_ERROR, hd, off, 0, f,
                      "ALTSVC payload shorter than its Origin-Len field");
    uint32_t olen = h2c_frame_get16(pl);
    if (olen > hd->length - 2)
        return ignore(err, H2C_H2_FRAME_SIZE_ERROR, hd, off, 0, f,
                      "ALTSVC Origin-Len past the end of the payload");
    /* RFC 7838 section 4: the origin is named on stream 0 and implied by
     * the stream otherwise; the other combinations MUST be ignored. */
    if (hd->stream_id == 0 && olen == 0)
        return ignore(err, H2C_H2_PROTOCOL_ERROR, hd, off, 0, f,
                      "ALTSVC on stream 0 without an origin");
    if (hd->stream_id != 0 && olen != 0)
        return ignore(err, H2C_H2_PROTOCOL_ERROR, hd, off, 0, f,
                      "ALTSVC on a stream with an origin");
    /* Section 4: the value is an Alt-Svc field value, "clear" or at least
     * one alternative, never empty (nghttp2 ignores such a frame too). */
    if (olen == hd->length - 2)
        return ignore(err, H2C_H2_PROTOCOL_ERROR, hd, off, 0, f,
                      "ALTSVC without an Alt-Svc field value");
    f->u.altsvc.origin = view(pl + 2, olen);
    f->u.altsvc.value = view(pl + 2 + olen, hd->length - 2 - olen);
    return H2C_FRAME_EV_FRAME;
}

/* Walk an Origin-Entry list; returns the number of origins, or -1 with
 * *bad set.  RFC 8336 section 2: ASCII-Origin is OPTIONAL, so an entry of
 * length 0 carries no origin and is not counted. */
static long origin_count(const uint8_t *p, size_t len, size_t *bad)
{
    long n = 0;
    size_t pos = 0;
    while (pos < len) {
        if (len - pos < 2 || h2c_frame_get16(p + pos) > len - pos - 2) {
            *bad = pos;
            return -1;
        }
        uint32_t olen = h2c_frame_get16(p + pos);
        pos += 2 + olen;
        n += olen != 0;
    }
    return n;
}

int h2c_frame_decode_origin(const h2c_frame_header *hd, const uint8_t *pl, uint64_t off,
                            h2c_frame *f, h2c_error *err)
{
    /* RFC 8336 section 2.1: only meaningful on stream 0. */
    if (hd->stream_id != 0)
        return ignore(err, H2C_H2_PROTOCOL_ERROR, hd, off, 0, f,
                      "ORIGIN on a stream other than 0");
    size_t bad = 0;
    long n = origin_count(pl, hd->length, &bad);
    if (n < 0)
        return ignore(err, H2C_H2_FRAME_SIZE_ERROR, hd, off, bad, f,
                      "ORIGIN entry runs past the end of the payload");
    f->u.origin.raw = view(pl, hd->length);
    f->u.origin.count = (size_t)n;
    return H2C_FRAME_EV_FRAME;
}

int h2c_frame_decode_priority_update(const h2c_frame_header *hd, const uint8_t *pl,
                                     const h2c_frame_limits *lim, uint64_t off, h2c_frame *f,
                                     h2c_error *err)
{
    const char *reason = NULL;
    uint32_t h2 = H2C_H2_PROTOCOL_ERROR;
    /* RFC 9218 section 7.1. */
    if (hd->stream_id != 0) {
        reason = "PRIORITY_UPDATE on a stream other than 0";
    } else if (hd->length < 4) {
        reason = "PRIORITY_UPDATE shorter than its Prioritized Stream ID";
        h2 = H2C_H2_FRAME_SIZE_ERROR;
    } else if (h2c_frame_get31(pl) == 0) {
        reason = "PRIORITY_UPDATE for stream 0";
    }
    if (reason) {
        if (lim && (lim->flags & H2C_FRAME_PARSER_STRICT_EXTENSIONS))
            return h2c_frame_error_set(err, H2C_FRAME_E_EXTENSION, H2C_SCOPE_CONNECTION, h2, hd,
                                       off, hd->stream_id ? 5 : H2C_FRAME_HEADER_LEN, reason);
        return ignore(err, h2, hd, off, 0, f, reason);
    }
    f->u.priority_update.prioritized_stream_id = h2c_frame_get31(pl);
    f->u.priority_update.value = view(pl + 4, hd->length - 4);
    return H2C_FRAME_EV_FRAME;
}

int h2c_frame_origin_next(const h2c_frame *f, size_t *pos, h2c_view *origin)
{
    if (!f || !pos || !origin || f->hd.type != H2C_FRAME_TYPE_ORIGIN)
        return 0;
    if (f->u.origin.list) {
        while (*pos < f->u.origin.count) {
            *origin = f->u.origin.list[(*pos)++];
            if (origin->len)
                return 1;
        }
        return 0;
    }
    const uint8_t *p = f->u.origin.raw.ptr;
    size_t len = f->u.origin.raw.len;
    for (;;) {
        if (*pos >= len || len - *pos < 2)
            return 0;
        size_t olen = h2c_frame_get16(p + *pos);
        if (olen > len - *pos - 2)
            return 0;
        *pos += 2 + olen;
        if (olen == 0) /* an entry without an origin (see origin_count()) */
            continue;
        origin->ptr = p + *pos - olen;
        origin->len = olen;
        return 1;
    }
}
