/* SPDX-License-Identifier: MIT */
#include "h2scan.h"

#include <string.h>

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

/* An HPACK integer with a bits-bit prefix at p[0..len) (RFC 7541 5.1);
 * -1 when cut short or too large to be a static-table index. */
static long hpack_int(const uint8_t *p, size_t len, int bits, size_t *used)
{
    uint32_t max = (1u << bits) - 1;
    if (len == 0)
        return -1;
    uint32_t v = p[0] & max;
    size_t i = 1;
    if (v == max) {
        for (int shift = 0;; shift += 7, i++) {
            if (i >= len || shift > 14)
                return -1;
            v += (uint32_t)(p[i] & 0x7f) << shift;
            if (!(p[i] & 0x80))
                break;
        }
        i++;
    }
    *used = i;
    return (long)v;
}

/* The side whose block starts with p[0..len): pseudo-header fields come
 * first (RFC 9113 8.3), and static indexes 1-7 name a request's, 8-14 a
 * response's :status (RFC 7541 Appendix A). */
static int block_role(const uint8_t *p, size_t len)
{
    size_t used;
    while (len && (p[0] & 0xe0) == 0x20) { /* dynamic table size updates */
        if (hpack_int(p, len, 5, &used) < 0)
            return 0;
        p += used;
        len -= used;
    }
    if (len == 0)
        return 0;
    int bits = p[0] & 0x80 ? 7 : p[0] & 0x40 ? 6 : 4;
    long idx = hpack_int(p, len, bits, &used);
    if (idx >= 1 && idx <= 7)
        return H2SCAN_CLIENT;
    if (idx >= 8 && idx <= 14)
        return H2SCAN_SERVER;
    if (idx != 0 || bits == 7)
        return 0;
    /* a literal name, readable when it is not Huffman-coded */
    p += used;
    len -= used;
    if (len < 2 || p[0] & 0x80)
        return 0;
    size_t nl = p[0];
    if (nl + 1 > len || p[1] != ':')
        return 0;
    if (nl == 7 && memcmp(p + 1, ":status", 7) == 0)
        return H2SCAN_SERVER;
    static const char *const req[] = {":method", ":scheme", ":path", ":authority", ":protocol"};
    for (size_t k = 0; k < sizeof req / sizeof req[0]; k++)
        if (nl == strlen(req[k]) && memcmp(p + 1, req[k], nl) == 0)
            return H2SCAN_CLIENT;
    return 0;
}

int h2scan_role(const uint8_t *buf, size_t n, uint32_t max_frame)
{
    size_t judged;
    long at = h2scan_find(buf, n, max_frame, 1, &judged);
    if (at < 0)
        return 0;
    for (size_t i = (size_t)at; i + 9 <= n && h2scan_plausible(buf + i, max_frame);) {
        const uint8_t *h = buf + i;
        uint32_t len = frame_len(h);
        uint32_t sid = (uint32_t)h[5] << 24 | (uint32_t)h[6] << 16 | (uint32_t)h[7] << 8 | h[8];
        size_t avail = n - i - 9 < len ? n - i - 9 : len;
        if (h[3] == 5)
            return H2SCAN_SERVER; /* PUSH_PROMISE */
        if (h[3] == 1) {
            if (sid % 2 == 0)
                return H2SCAN_SERVER; /* the response on a pushed stream */
            size_t skip = (h[4] & 0x08 ? 1u : 0u) + (h[4] & 0x20 ? 5u : 0u);
            int r = avail > skip ? block_role(h + 9 + skip, avail - skip) : 0;
            if (r)
                return r;
        }
        i += 9 + (size_t)len;
    }
    return 0;
}
