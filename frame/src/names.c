/* SPDX-License-Identifier: MIT */
/* The vocabulary: status names and reasons, HTTP/2 error, type, setting,
 * flag and scope names, and the error-info filler. */
#include <stdio.h>
#include <string.h>

#include "frame_int.h"

typedef struct status_info {
    const char *name;
    const char *reason;
    int status;
    uint32_t h2;
} status_info;

const char h2c_frame_reason_ok[] = "success";

#define S(st, reason, h2) { #st, reason, st, h2 }
static const status_info statuses[] = {
    S(H2C_FRAME_OK, h2c_frame_reason_ok, 0x0),
    S(H2C_FRAME_EV_PREFACE, "client connection preface", 0x0),
    S(H2C_FRAME_EV_FRAME, "frame", 0x0),
    S(H2C_FRAME_EV_STREAM_ERROR, "stream error", 0x0),
    S(H2C_FRAME_EV_IGNORED, "ignorable extension frame", 0x0),
    S(H2C_FRAME_EV_FRAGMENT, "field block fragment", 0x0),
    S(H2C_FRAME_EV_BLOCK_END, "end of field block", 0x0),
    S(H2C_FRAME_E_FRAME_SIZE, "frame larger than SETTINGS_MAX_FRAME_SIZE", 0x6),
    S(H2C_FRAME_E_LENGTH, "frame length wrong for its type", 0x6),
    S(H2C_FRAME_E_STREAM_ZERO, "frame type requires a stream, got stream 0", 0x1),
    S(H2C_FRAME_E_STREAM_NONZERO, "frame type requires stream 0", 0x1),
    S(H2C_FRAME_E_PADDING, "padding not shorter than the payload", 0x1),
    S(H2C_FRAME_E_SETTINGS_VALUE, "SETTINGS value out of range", 0x1),
    S(H2C_FRAME_E_SETTINGS_WINDOW, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1", 0x3),
    S(H2C_FRAME_E_SETTINGS_COUNT, "too many entries in one SETTINGS frame", 0xb),
    S(H2C_FRAME_E_WINDOW_INCREMENT, "WINDOW_UPDATE increment of 0", 0x1),
    S(H2C_FRAME_E_PROMISED_ID, "PUSH_PROMISE promised stream 0 or odd", 0x1),
    S(H2C_FRAME_E_SELF_DEPENDENCY, "stream depends on itself", 0x1),
    S(H2C_FRAME_E_PREFACE, "invalid client connection preface", 0x1),
    S(H2C_FRAME_E_EXTENSION, "malformed extension frame", 0x1),
    S(H2C_FRAME_E_EMPTY_FRAMES, "too many empty frames", 0xb),
    S(H2C_FRAME_E_CONTINUATION_EXPECTED, "frame other than CONTINUATION inside a field block",
      0x1),
    S(H2C_FRAME_E_CONTINUATION_UNEXPECTED, "CONTINUATION without an open field block", 0x1),
    S(H2C_FRAME_E_CONTINUATION_FLOOD, "too many CONTINUATION frames in one field block", 0xb),
    S(H2C_FRAME_E_BLOCK_SIZE, "field block larger than the limit", 0xb),
    S(H2C_FRAME_E_TRUNCATED, "input ended inside a frame", 0x0),
    S(H2C_FRAME_E_NOMEM, "out of memory", 0x2),
    S(H2C_FRAME_E_BUFFER_TOO_SMALL, "output buffer too small", 0x0),
    S(H2C_FRAME_E_INVALID_ARGUMENT, "invalid argument", 0x0),
    S(H2C_FRAME_E_STATE, "call not allowed in the current state", 0x0),
};
#undef S

static const status_info *find(int status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].status == status)
            return &statuses[i];
    return NULL;
}

const char *h2c_frame_strerror(int status)
{
    const status_info *s = find(status);
    return s ? s->reason : "unknown status";
}

const char *h2c_frame_status_name(int status)
{
    const status_info *s = find(status);
    return s ? s->name : "H2C_FRAME_E_UNKNOWN";
}

uint32_t h2c_frame_status_h2_error(int status)
{
    const status_info *s = find(status);
    return s ? s->h2 : 0x0;
}

const char *h2c_frame_h2_error_name(uint32_t code)
{
    static const char *const names[] = {
        "NO_ERROR",           "PROTOCOL_ERROR",  "INTERNAL_ERROR",      "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT",   "STREAM_CLOSED",   "FRAME_SIZE_ERROR",    "REFUSED_STREAM",
        "CANCEL",             "COMPRESSION_ERROR", "CONNECT_ERROR",     "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
    };
    return code < sizeof names / sizeof names[0] ? names[code] : "UNKNOWN";
}

const char *h2c_frame_type_name(uint8_t type)
{
    static const char *const names[] = {
        "DATA",   "HEADERS",       "PRIORITY",     "RST_STREAM", "SETTINGS", "PUSH_PROMISE",
        "PING",   "GOAWAY",        "WINDOW_UPDATE", "CONTINUATION", "ALTSVC", NULL,
        "ORIGIN", NULL,            NULL,           NULL,         "PRIORITY_UPDATE",
    };
    const char *n = type < sizeof names / sizeof names[0] ? names[type] : NULL;
    return n ? n : "UNKNOWN";
}

const char *h2c_frame_setting_name(uint16_t id)
{
    static const char *const names[] = {
        NULL,
        "SETTINGS_HEADER_TABLE_SIZE",
        "SETTINGS_ENABLE_PUSH",
        "SETTINGS_MAX_CONCURRENT_STREAMS",
        "SETTINGS_INITIAL_WINDOW_SIZE",
        "SETTINGS_MAX_FRAME_SIZE",
        "SETTINGS_MAX_HEADER_LIST_SIZE",
        NULL,
        "SETTINGS_ENABLE_CONNECT_PROTOCOL",
        "SETTINGS_NO_RFC7540_PRIORITIES",
    };
    const char *n = id < sizeof names / sizeof names[0] ? names[id] : NULL;
    return n ? n : "UNKNOWN";
}

const char *h2c_frame_scope_name(int scope)
{
    switch (scope) {
    case H2C_FRAME_SCOPE_CONNECTION:
        return "connection";
    case H2C_FRAME_SCOPE_STREAM:
        return "stream";
    case H2C_FRAME_SCOPE_IGNORABLE:
        return "ignorable";
    case H2C_FRAME_SCOPE_LOCAL:
        return "local";
    default:
        return "none";
    }
}

/* The flags each type defines, as (bit, name) pairs. */
static const char *flag_name(uint8_t type, unsigned bit)
{
    switch (type) {
    case H2C_FRAME_TYPE_DATA:
        return bit == 0x01 ? "END_STREAM" : bit == 0x08 ? "PADDED" : NULL;
    case H2C_FRAME_TYPE_HEADERS:
        return bit == 0x01   ? "END_STREAM"
               : bit == 0x04 ? "END_HEADERS"
               : bit == 0x08 ? "PADDED"
               : bit == 0x20 ? "PRIORITY"
                             : NULL;
    case H2C_FRAME_TYPE_SETTINGS:
    case H2C_FRAME_TYPE_PING:
        return bit == 0x01 ? "ACK" : NULL;
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        return bit == 0x04 ? "END_HEADERS" : bit == 0x08 ? "PADDED" : NULL;
    case H2C_FRAME_TYPE_CONTINUATION:
        return bit == 0x04 ? "END_HEADERS" : NULL;
    default:
        return NULL;
    }
}

size_t h2c_frame_flags_format(uint8_t type, uint8_t flags, char *buf, size_t cap)
{
    char text[72]; /* longest: all eight HEADERS bits, 58 octets */
    size_t n = 0;
    for (unsigned bit = 1; bit <= 0x80; bit <<= 1) {
        if (!(flags & bit))
            continue;
        const char *name = flag_name(type, bit);
        if (n)
            text[n++] = '|';
        if (name)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s", name);
        else
            n += (size_t)snprintf(text + n, sizeof text - n, "0x%02x", bit);
    }
    if (buf && cap) {
        size_t w = n < cap ? n : cap - 1;
        memcpy(buf, text, w);
        buf[w] = '\0';
    }
    return n;
}

const char *h2c_frame_version(void)
{
    return "0.1.0";
}

int h2c_frame_error_set(h2c_frame_error *err, int status, int scope, uint32_t h2,
                        const h2c_frame_header *hd, uint64_t frame_off, uint64_t where,
                        const char *reason)
{
    err->status = status;
    err->h2_error = h2 == H2C_FRAME_H2_FROM_STATUS ? h2c_frame_status_h2_error(status) : h2;
    err->scope = scope;
    err->stream_id = hd ? hd->stream_id : 0;
    err->offset = frame_off + where;
    err->frame_offset = frame_off;
    if (hd) {
        err->hd = *hd;
    } else {
        memset(&err->hd, 0, sizeof err->hd);
    }
    err->reason = reason ? reason : h2c_frame_strerror(status);
    return status;
}
