/* SPDX-License-Identifier: MIT */
/*
 * Layer 1: the 9-octet frame header, and every check that needs nothing
 * but the header, so that bad frames are refused before their payload is
 * read (and an oversized one is never buffered).
 */
#include "frame_int.h"

void h2c_frame_header_unpack(const uint8_t *in, h2c_frame_header *hd)
{
    hd->length = h2c_frame_get24(in);
    hd->type = in[3];
    hd->flags = in[4];
    hd->stream_id = h2c_frame_get31(in + 5); /* reserved bit ignored (4.1) */
}

int h2c_frame_header_pack(const h2c_frame_header *hd, uint8_t *out)
{
    if (hd->length > H2C_FRAME_MAX_FRAME_SIZE_MAX || hd->stream_id > H2C_FRAME_MAX_31BIT)
        return H2C_E_INVALID_ARGUMENT;
    h2c_frame_put24(out, hd->length);
    out[3] = hd->type;
    out[4] = hd->flags;
    h2c_frame_put32(out + 5, hd->stream_id);
    return H2C_OK;
}

/* Header octets the checks point at, for error offsets. */
enum { AT_LENGTH = 0, AT_TYPE = 3, AT_STREAM = 5 };

/* Does the type require stream 0 (1), a stream (2), or not care (0)? */
static int stream_rule(uint8_t type)
{
    switch (type) {
    case H2C_FRAME_TYPE_DATA:
    case H2C_FRAME_TYPE_HEADERS:
    case H2C_FRAME_TYPE_PRIORITY:
    case H2C_FRAME_TYPE_RST_STREAM:
    case H2C_FRAME_TYPE_PUSH_PROMISE:
    case H2C_FRAME_TYPE_CONTINUATION: return 2;
    case H2C_FRAME_TYPE_SETTINGS:
    case H2C_FRAME_TYPE_PING:
    case H2C_FRAME_TYPE_GOAWAY: return 1;
    default:
        /* WINDOW_UPDATE takes both; extension frames are checked by their
         * decoders, where a misplaced one is ignorable, not fatal. */
        return 0;
    }
}

static int conn(h2c_error *err, int status, const h2c_frame_header *hd, uint64_t off,
                uint64_t where, const char *reason)
{
    return h2c_frame_error_set(err, status, H2C_SCOPE_CONNECTION, H2C_FRAME_H2_FROM_STATUS, hd,
                               off, where, reason);
}

/* A stream error: reported, the payload skipped, parsing goes on. */
static int stream(h2c_error *err, int status, const h2c_frame_header *hd, uint64_t off,
                  uint64_t where, const char *reason)
{
    h2c_frame_error_set(err, status, H2C_SCOPE_STREAM, H2C_FRAME_H2_FROM_STATUS, hd, off, where,
                        reason);
    return H2C_FRAME_EV_STREAM_ERROR;
}

/* Minimum payload for the fields the flags announce (4.2: "too small to
 * contain mandatory frame data"). */
static uint32_t min_length(const h2c_frame_header *hd)
{
    uint32_t pad = hd->flags & H2C_FRAME_FLAG_PADDED ? 1 : 0;
    switch (hd->type) {
    case H2C_FRAME_TYPE_DATA: return pad;
    case H2C_FRAME_TYPE_HEADERS: return pad + (hd->flags & H2C_FRAME_FLAG_PRIORITY ? 5 : 0);
    case H2C_FRAME_TYPE_PUSH_PROMISE: return pad + 4;
    default: return 0;
    }
}

int h2c_frame_check_header(const h2c_frame_header *hd, const h2c_frame_limits *lim, uint64_t off,
                           h2c_error *err)
{
    /* 3.4: the preface is followed by a SETTINGS frame. */
    if (lim->settings_first &&
        (hd->type != H2C_FRAME_TYPE_SETTINGS || (hd->flags & H2C_FRAME_FLAG_ACK)))
        return conn(err, H2C_FRAME_E_PREFACE, hd, off, AT_TYPE,
                    "client preface not followed by a SETTINGS frame");

    /* Stream rules first: they are connection errors whatever else is wrong. */
    int rule = stream_rule(hd->type);
    if (rule == 2 && hd->stream_id == 0)
        return conn(err, H2C_FRAME_E_STREAM_ZERO, hd, off, AT_STREAM,
                    "frame of this type on stream 0");
    if (rule == 1 && hd->stream_id != 0)
        return conn(err, H2C_FRAME_E_STREAM_NONZERO, hd, off, AT_STREAM,
                    "connection-level frame on a stream other than 0");

    if (hd->length > lim->max_frame_size) {
        /* 4.2: a connection error for frames that can change connection
         * state (field blocks, SETTINGS, stream 0, and here every type we do
         * not know); DATA and PRIORITY on a stream affect only the stream. */
        if (hd->stream_id != 0 &&
            (hd->type == H2C_FRAME_TYPE_DATA || hd->type == H2C_FRAME_TYPE_PRIORITY))
            return stream(err, H2C_FRAME_E_FRAME_SIZE, hd, off, AT_LENGTH,
                          "frame larger than SETTINGS_MAX_FRAME_SIZE");
        return conn(err, H2C_FRAME_E_FRAME_SIZE, hd, off, AT_LENGTH,
                    "frame larger than SETTINGS_MAX_FRAME_SIZE");
    }

    switch (hd->type) {
    case H2C_FRAME_TYPE_PRIORITY:
        if (hd->length != 5) /* 6.3: a stream error */
            return stream(err, H2C_FRAME_E_LENGTH, hd, off, AT_LENGTH,
                          "PRIORITY payload is not 5 octets");
        break;
    case H2C_FRAME_TYPE_RST_STREAM:
        if (hd->length != 4)
            return conn(err, H2C_FRAME_E_LENGTH, hd, off, AT_LENGTH,
                        "RST_STREAM payload is not 4 octets");
        break;
    case H2C_FRAME_TYPE_SETTINGS:
        if ((hd->flags & H2C_FRAME_FLAG_ACK) && hd->length != 0)
            return conn(err, H2C_FRAME_E_LENGTH, hd, off, AT_LENGTH,
                        "SETTINGS ACK with a payload");
        if (hd->length % 6 != 0)
            return conn(err, H2C_FRAME_E_LENGTH, hd, off, AT_LENGTH,
                        "SETTINGS payload is not a multiple of 6 octets");
        if (hd->length / 6 > lim->max_settings)
            return conn(err, H2C_FRAME_E_SETTINGS_COUNT, hd, off, AT_LENGTH,
                        "more SETTINGS entries than max_settings");
        break;
    case H2C_FRAME_TYPE_PING:
        if (hd->length != 8)
            return conn(err, H2C_FRAME_E_LENGTH, hd, off, AT_LENGTH,
                        "PING payload is not 8 octets");
        break;
    case H2C_FRAME_TYPE_GOAWAY:
        if (hd->length < 8)
            return conn(err, H2C_FRAME_E_LENGTH, hd, off, AT_LENGTH,
                        "GOAWAY payload shorter than 8 octets");
        break;
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        if (hd->length != 4)
            return conn(err, H2C_FRAME_E_LENGTH, hd, off, AT_LENGTH,
                        "WINDOW_UPDATE payload is not 4 octets");
        break;
    case H2C_FRAME_TYPE_DATA:
        if (hd->length < min_length(hd))
            return conn(err, H2C_FRAME_E_LENGTH, hd, off, AT_LENGTH,
                        "padded DATA too short for the Pad Length field");
        break;
    case H2C_FRAME_TYPE_HEADERS:
        /* CVE-2018-20615: PRIORITY flag but no room for the fields. */
        if (hd->length < min_length(hd))
            return conn(err, H2C_FRAME_E_LENGTH, hd, off, AT_LENGTH,
                        "HEADERS too short for its Pad Length or priority fields");
        break;
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        if (hd->length < min_length(hd))
            return conn(err, H2C_FRAME_E_LENGTH, hd, off, AT_LENGTH,
                        "PUSH_PROMISE too short for its Pad Length or promised stream");
        break;
    default: break;
    }
    return H2C_OK;
}
