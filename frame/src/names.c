/* SPDX-License-Identifier: MIT */
/* Type, setting and flag names, and the error-info filler. */
#include <stdio.h>
#include <string.h>

#include "frame_int.h"

const char h2c_frame_reason_ok[] = "success";

const char *h2c_frame_type_name(uint8_t type)
{
    static const char *const names[] = {
        "DATA",
        "HEADERS",
        "PRIORITY",
        "RST_STREAM",
        "SETTINGS",
        "PUSH_PROMISE",
        "PING",
        "GOAWAY",
        "WINDOW_UPDATE",
        "CONTINUATION",
        "ALTSVC",
        NULL,
        "ORIGIN",
        NULL,
        NULL,
        NULL,
        "PRIORITY_UPDATE",
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

/* The flags each type defines, as (bit, name) pairs. */
static const char *flag_name(uint8_t type, unsigned bit)
{
    switch (type) {
    case H2C_FRAME_TYPE_DATA: return bit == 0x01 ? "END_STREAM" : bit == 0x08 ? "PADDED" : NULL;
    case H2C_FRAME_TYPE_HEADERS:
        return bit == 0x01   ? "END_STREAM"
               : bit == 0x04 ? "END_HEADERS"
               : bit == 0x08 ? "PADDED"
               : bit == 0x20 ? "PRIORITY"
                             : NULL;
    case H2C_FRAME_TYPE_SETTINGS:
    case H2C_FRAME_TYPE_PING: return bit == 0x01 ? "ACK" : NULL;
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        return bit == 0x04 ? "END_HEADERS" : bit == 0x08 ? "PADDED" : NULL;
    case H2C_FRAME_TYPE_CONTINUATION: return bit == 0x04 ? "END_HEADERS" : NULL;
    default: return NULL;
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

int h2c_frame_error_set(h2c_error *err, int status, int scope, uint32_t h2,
                        const h2c_frame_header *hd, uint64_t frame_off, uint64_t where,
                        const char *reason)
{
    err->status = status;
    err->h2_error = h2 == H2C_FRAME_H2_FROM_STATUS ? h2c_status_h2_error(status) : h2;
    err->scope = scope;
    err->stream_id = hd ? hd->stream_id : 0;
    err->offset = frame_off + where;
    err->reason = reason ? reason : h2c_strerror(status);
    return status;
}
