/* SPDX-License-Identifier: MIT */
/*
 * From a captured frame to its TCP segment: link layers Ethernet (802.1Q
 * and 802.1ad tags), Linux cooked SLL and SLL2, BSD loopback/null (either
 * byte order), raw IP; IPv4 with options and IPv6 with extension headers.
 */
#ifndef H2C_CAPTURE_NETDEC_H
#define H2C_CAPTURE_NETDEC_H

#include <stddef.h>
#include <stdint.h>

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_ACK 0x10

typedef struct netdec_seg {
    int family; /* 4 or 6 */
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    const uint8_t *payload;
    size_t caplen; /* payload octets captured */
    size_t len;    /* payload octets on the wire (more when the snaplen cut it) */
} netdec_seg;

enum { NETDEC_TCP = 1, NETDEC_OTHER = 0, NETDEC_FRAGMENT = -1 };

/* NETDEC_TCP with *s filled, NETDEC_OTHER (not TCP over IP, or cut inside
 * the headers), NETDEC_FRAGMENT (an IP fragment; not reassembled). */
int netdec_tcp(int linktype, const uint8_t *p, size_t caplen, netdec_seg *s);

#endif
