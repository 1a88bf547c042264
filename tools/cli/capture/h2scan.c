/* SPDX-License-Identifier: MIT */
#include "h2scan.h"

/* Flags each frame type defines (RFC 9113 6, RFC 7838, RFC 8336, RFC 9218). */
static int flags_ok(uint8_t type, uint8_t flags)
{
    static const uint8_t allowed[] = {
        0x09, /* DATA: END_STREAM, PADDED */
        0x2d, /* HEADERS: END_STREAM, END_HEADERS, PADDED, PRIORITY */
        0x00, /* PRIORITY */
        0x00, /* RST_STREAM */
        0x01, /* SETTINGS: ACK */
        0x0c, /* PUSH_PROMISE: END_HEADERS, PADDED */
        0x01, /* PING: ACK */
        0x00, /* GOAWAY */
        0x00, /* WINDOW_UPDATE */
        0x04, /* CONTINUATION: END_HEADERS */
        0x00, /* ALTSVC */
    };
    if (type < sizeof allowed)
        return (flags & ~allowed[type]) == 0;
    return type == 0x0c || type == 0x10 ? flags == 0 : 0;
}

int h2scan_plausible(const uint8_t *p, uint32_t max_frame)
{
    uint32_t len = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    uint8_t type = p[3], flags = p[4];
    uint32_t sid = ((uint32_t)p[5] << 24 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 8 | p[8]);
    if (sid & 0x80000000u || len > max_frame || !flags_ok(type, flags))
        return 0;
    switch (type) {
    case 0: /* DATA */
    case 1: /* HEADERS */
    case 9: /* CONTINUATION */ return sid != 0 && (type != 1 || len > 0);
    case 2: return sid != 0 && len == 5;
    case 3: return sid != 0 && len == 4;
    case 4: return sid == 0 && len % 6 == 0 && (!(flags & 1) || len == 0);
    case 5: return sid != 0 && len >= 4;
    case 6: return sid == 0 && len == 8;
    case 7: return sid == 0 && len >= 8;
    case 8: return len == 4;
    case 0x0a: return len >= 2;
    case 0x0c: return sid == 0;
    case 0x10: return sid == 0 && len >= 4;
    default: return 0;
    }
}

static uint32_t frame_len(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

long h2scan_find(const uint8_t *buf, size_t n, uint32_t max_frame, int at_end, size_t *judged)
{
    size_t i;
    for (i = 0; i + 9 <= n; i++) {
        size_t at = i;
        int k, ok = 1;
        for (k = 0; k < 3 && at + 9 <= n; k++) {
            if (!h2scan_plausible(buf + at, max_frame)) {
                ok = 0;
                break;
            }
            at += 9 + frame_len(buf + at);
        }
        if (!ok)
            continue;
        if (k == 3 || (at_end && k >= 1))
            return (long)i;
        break; /* the chain runs past the octets so far: wait */
    }
    *judged = i;
    return -1;
}

int h2scan_tls_hello(const uint8_t *buf, size_t n)
{
    return n >= 6 && buf[0] == 0x16 && buf[1] == 3 && buf[2] <= 4 && buf[5] == 1;
}
