/* SPDX-License-Identifier: MIT */
/*
 * Layer 2: per-type payload decoders for the ten RFC 9113 frame types.  Each
 * runs on a complete payload whose header passed h2c_frame_check_header(),
 * so the fixed lengths and minimum sizes are already known to hold; the
 * decoders still never read past hd->length.
 */
#include <string.h>

#include "frame_int.h"

static int conn(h2c_error *err, int status, const h2c_frame_header *hd, uint64_t off,
                uint64_t where, const char *reason)
{
    return h2c_frame_error_set(err, status, H2C_SCOPE_CONNECTION, H2C_FRAME_H2_FROM_STATUS, hd,
                               off, H2C_FRAME_HEADER_LEN + where, reason);
}

static int stream_err(h2c_error *err, int status, const h2c_frame_header *hd, uint64_t off,
                      uint64_t where, const char *reason)
{
    h2c_frame_error_set(err, status, H2C_SCOPE_STREAM, H2C_FRAME_H2_FROM_STATUS, hd, off,
                        H2C_FRAME_HEADER_LEN + where, reason);
    return H2C_FRAME_EV_STREAM_ERROR;
}

static void read_priority(const uint8_t *p, h2c_frame_priority *pr)
{
    pr->exclusive = p[0] >> 7;
    pr->dependency = h2c_frame_get31(p);
    pr->weight = p[4];
}

/*
 * Strip Pad Length and padding (6.1, 6.2, 6.6).  fixed is the octets of
 * other fields that precede the content.  On success *start and *len delimit
 * the content within the payload.
 */
static int unpad(const h2c_frame_header *hd, const uint8_t *payload, uint32_t fixed,
                 uint64_t off, h2c_frame *f, size_t *start, size_t *len, h2c_error *err)
{
    uint32_t pad_field = 0, pad = 0;
    *start = *len = 0;
    if (hd->flags & H2C_FRAME_FLAG_PADDED) {
        pad_field = 1;
        pad = payload[0];
        f->pad_length = (uint8_t)pad;
    }
    /* hd->length >= pad_field + fixed was checked on the header.  The RFC
     * phrases this as "padding >= payload length"; the other mandatory
     * fields cannot be padding either. */
    if (pad > hd->length - pad_field - fixed)
        return conn(err, H2C_FRAME_E_PADDING, hd, off, 0,
                    "Pad Length not less than the rest of the payload");
    *start = pad_field + fixed;
    *len = hd->length - pad_field - fixed - pad;
    return H2C_OK;
}

static h2c_view view(const uint8_t *p, size_t len)
{
    h2c_view v = {len ? p : NULL, len};
    return v;
}

static int decode_data(const h2c_frame_header *hd, const uint8_t *pl, uint64_t off, h2c_frame *f,
                       h2c_error *err)
{
    size_t start, len;
    int rc = unpad(hd, pl, 0, off, f, &start, &len, err);
    if (rc < 0)
        return rc;
    f->u.data.data = view(pl + start, len);
    return H2C_FRAME_EV_FRAME;
}

static int decode_headers(const h2c_frame_header *hd, const uint8_t *pl, uint64_t off,
                          h2c_frame *f, h2c_error *err)
{
    uint32_t prio = hd->flags & H2C_FRAME_FLAG_PRIORITY ? 5 : 0;
    size_t start, len;
    int rc = unpad(hd, pl, prio, off, f, &start, &len, err);
    if (rc < 0)
        return rc;
    f->u.headers.fragment = view(pl + start, len);
    if (prio) {
        size_t at = start - 5;
        read_priority(pl + at, &f->u.headers.priority);
        /* RFC 7540 5.3.1; the frame still carries a field block that must
         * be decoded, so it is returned with the error. */
        if (f->u.headers.priority.dependency == hd->stream_id)
            return stream_err(err, H2C_FRAME_E_SELF_DEPENDENCY, hd, off, at,
                              "HEADERS stream depends on itself");
    }
    return H2C_FRAME_EV_FRAME;
}

static int decode_priority(const h2c_frame_header *hd, const uint8_t *pl, uint64_t off,
                           h2c_frame *f, h2c_error *err)
{
    read_priority(pl, &f->u.priority.priority);
    if (f->u.priority.priority.dependency == hd->stream_id)
        return stream_err(err, H2C_FRAME_E_SELF_DEPENDENCY, hd, off, 0,
                          "PRIORITY stream depends on itself");
    return H2C_FRAME_EV_FRAME;
}

static int decode_settings(const h2c_frame_header *hd, const uint8_t *pl, uint64_t off,
                           h2c_frame *f, h2c_error *err)
{
    size_t count = hd->length / 6, bad = 0;
    const char *reason = NULL;
    f->u.settings.raw = view(pl, hd->length);
    f->u.settings.count = count;
    int rc = h2c_frame_settings_check(pl, count, &bad, &reason);
    if (rc < 0)
        return conn(err, rc, hd, off, bad * 6 + 2, reason);
    return H2C_FRAME_EV_FRAME;
}

static int decode_push_promise(const h2c_frame_header *hd, const uint8_t *pl, uint64_t off,
                               h2c_frame *f, h2c_error *err)
{
    size_t start, len;
    int rc = unpad(hd, pl, 4, off, f, &start, &len, err);
    if (rc < 0)
        return rc;
    uint32_t promised = h2c_frame_get31(pl + start - 4);
    f->u.push_promise.promised_stream_id = promised;
    f->u.push_promise.fragment = view(pl + start, len);
    /* 6.6 / 5.1.1: servers open even-numbered streams; 0 is never valid. */
    if (promised == 0 || (promised & 1))
        return conn(err, H2C_FRAME_E_PROMISED_ID, hd, off, start - 4,
                    promised ? "PUSH_PROMISE promises an odd stream"
                             : "PUSH_PROMISE promises stream 0");
    return H2C_FRAME_EV_FRAME;
}

static int decode_window_update(const h2c_frame_header *hd, const uint8_t *pl, uint64_t off,
                                h2c_frame *f, h2c_error *err)
{
    f->u.window_update.increment = h2c_frame_get31(pl);
    if (f->u.window_update.increment != 0)
        return H2C_FRAME_EV_FRAME;
    if (hd->stream_id == 0)
        return conn(err, H2C_FRAME_E_WINDOW_INCREMENT, hd, off, 0,
                    "connection WINDOW_UPDATE with increment 0");
    return stream_err(err, H2C_FRAME_E_WINDOW_INCREMENT, hd, off, 0,
                      "stream WINDOW_UPDATE with increment 0");
}

int h2c_frame_decode_payload(const h2c_frame_header *hd, const uint8_t *pl,
                             const h2c_frame_limits *lim, uint64_t off, h2c_frame *f,
                             h2c_error *err)
{
    /* f is zeroed by the caller (the parser clears its event once per
     * push): zeroing it here again cost as much as decoding a PING. */
    f->hd = *hd;
    f->offset = off;
    f->payload = view(pl, hd->length);

    switch (hd->type) {
    case H2C_FRAME_TYPE_DATA: return decode_data(hd, pl, off, f, err);
    case H2C_FRAME_TYPE_HEADERS: return decode_headers(hd, pl, off, f, err);
    case H2C_FRAME_TYPE_PRIORITY: return decode_priority(hd, pl, off, f, err);
    case H2C_FRAME_TYPE_RST_STREAM:
        f->u.rst_stream.error_code = h2c_frame_get32(pl);
        return H2C_FRAME_EV_FRAME;
    case H2C_FRAME_TYPE_SETTINGS: return decode_settings(hd, pl, off, f, err);
    case H2C_FRAME_TYPE_PUSH_PROMISE: return decode_push_promise(hd, pl, off, f, err);
    case H2C_FRAME_TYPE_PING: memcpy(f->u.ping.opaque_data, pl, 8); return H2C_FRAME_EV_FRAME;
    case H2C_FRAME_TYPE_GOAWAY:
        f->u.goaway.last_stream_id = h2c_frame_get31(pl);
        f->u.goaway.error_code = h2c_frame_get32(pl + 4);
        f->u.goaway.debug_data = view(pl + 8, hd->length - 8);
        return H2C_FRAME_EV_FRAME;
    case H2C_FRAME_TYPE_WINDOW_UPDATE: return decode_window_update(hd, pl, off, f, err);
    case H2C_FRAME_TYPE_CONTINUATION:
        f->u.continuation.fragment = view(pl, hd->length);
        return H2C_FRAME_EV_FRAME;
    case H2C_FRAME_TYPE_ALTSVC: return h2c_frame_decode_altsvc(hd, pl, off, f, err);
    case H2C_FRAME_TYPE_ORIGIN: return h2c_frame_decode_origin(hd, pl, off, f, err);
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        return h2c_frame_decode_priority_update(hd, pl, lim, off, f, err);
    default:
        /* 4.1/5.5: unknown types are handed over untouched, for the caller
         * to ignore (or to handle, if it implements them). */
        f->verbatim = 1;
        return H2C_FRAME_EV_FRAME;
    }
}
