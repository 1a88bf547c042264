/* SPDX-License-Identifier: MIT */
#include "netdec.h"

#include <string.h>

#define LT_NULL 0
#define LT_EN10MB 1
#define LT_RAW_OLD 12
#define LT_RAW_OLD2 14
#define LT_RAW 101
#define LT_LOOP 108
#define LT_LINUX_SLL 113
#define LT_IPV4 228
#define LT_IPV6 229
#define LT_LINUX_SLL2 276

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Offset of the IP header, or -1 when the frame carries no IP. */
static long ip_offset(int linktype, const uint8_t *p, size_t len)
{
    switch (linktype) {
    case LT_RAW:
    case LT_RAW_OLD:
    case LT_RAW_OLD2:
    case LT_IPV4:
    case LT_IPV6: return 0;
    case LT_NULL:
    case LT_LOOP:
        /* the address family in host order of the capturing machine:
         * AF_INET is 2 everywhere, AF_INET6 24, 28 or 30 */
        return len >= 4 ? 4 : -1;
    case LT_LINUX_SLL:
        return len >= 16 && (rd16(p + 14) == 0x0800 || rd16(p + 14) == 0x86dd) ? 16 : -1;
    case LT_LINUX_SLL2: return len >= 20 && (rd16(p) == 0x0800 || rd16(p) == 0x86dd) ? 20 : -1;
    case LT_EN10MB: {
        size_t off = 12;
        while (len >= off + 2 &&
               (rd16(p + off) == 0x8100 || rd16(p + off) == 0x88a8 || rd16(p + off) == 0x9100))
            off += 4;
        if (len < off + 2)
            return -1;
        uint16_t et = rd16(p + off);
        return (et == 0x0800 || et == 0x86dd) ? (long)(off + 2) : -1;
    }
    default: return -1;
    }
}

int netdec_tcp(int linktype, const uint8_t *p, size_t len, netdec_seg *s)
{
    long off = ip_offset(linktype, p, len);
    if (off < 0 || (size_t)off >= len)
        return NETDEC_OTHER;
    p += off;
    len -= (size_t)off;
    const uint8_t *tcp;
    size_t cap, wire; /* TCP header + payload: captured, on the wire */
    memset(s, 0, sizeof *s);
    if (p[0] >> 4 == 4) {
        size_t ihl = (size_t)(p[0] & 15) * 4;
        if (len < 20 || ihl < 20 || len < ihl || p[9] != 6)
            return NETDEC_OTHER;
        if ((rd16(p + 6) & 0x3fff) != 0)
            return NETDEC_FRAGMENT;
        size_t total = rd16(p + 2);
        if (total == 0)
            total = len; /* TSO: the length is left to the NIC */
        if (total < ihl)
            return NETDEC_OTHER;
        s->family = 4;
        memcpy(s->src, p + 12, 4);
        memcpy(s->dst, p + 16, 4);
        tcp = p + ihl;
        wire = total - ihl;
        cap = len - ihl < wire ? len - ihl : wire;
    } else if (p[0] >> 4 == 6) {
        if (len < 40)
            return NETDEC_OTHER;
        size_t total = 40 + (size_t)rd16(p + 4), hoff = 40;
        uint8_t next = p[6];
        /* hop-by-hop, routing, destination options; a fragment header
         * means a fragment */
        while (next == 0 || next == 43 || next == 60 || next == 44) {
            if (next == 44)
                return NETDEC_FRAGMENT;
            if (len < hoff + 8)
                return NETDEC_OTHER;
            next = p[hoff];
            hoff += ((size_t)p[hoff + 1] + 1) * 8;
        }
        if (next != 6 || hoff > total || hoff > len)
            return NETDEC_OTHER;
        s->family = 6;
        memcpy(s->src, p + 8, 16);
        memcpy(s->dst, p + 24, 16);
        tcp = p + hoff;
        wire = total - hoff;
        cap = len - hoff < wire ? len - hoff : wire;
    } else {
        return NETDEC_OTHER;
    }
    if (cap < 20)
        return NETDEC_OTHER;
    size_t doff = (size_t)(tcp[12] >> 4) * 4;
    if (doff < 20 || doff > cap)
        return NETDEC_OTHER;
    s->sport = rd16(tcp);
    s->dport = rd16(tcp + 2);
    s->seq = rd32(tcp + 4);
    s->ack = rd32(tcp + 8);
    s->flags = tcp[13];
    s->payload = tcp + doff;
    s->caplen = cap - doff;
    s->len = wire - doff;
    return NETDEC_TCP;
}
