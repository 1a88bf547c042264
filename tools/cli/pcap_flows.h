/* SPDX-License-Identifier: MIT */
/*
 * TCP stream reassembly from pcap / pcapng captures, for `h2codec frames
 * --pcap`.  Reads through libpcap, keeps each direction of each TCP
 * connection as its own byte stream, ordered by sequence number, with
 * retransmitted and overlapping bytes dropped.
 */
#ifndef H2C_CLI_PCAP_FLOWS_H
#define H2C_CLI_PCAP_FLOWS_H

#include <stddef.h>
#include <stdint.h>

typedef struct tcp_segment {
    uint64_t offset; /* from the stream's first byte (SYN + 1, or first seen) */
    uint8_t *data;
    size_t len;
} tcp_segment;

typedef struct tcp_flow {
    int family;             /* 4 or 6 */
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
    uint32_t isn;           /* sequence number of the first payload byte */
    int have_isn, saw_syn;
    uint32_t last_seq;      /* highest offset (mod 2^32) seen in the current epoch */
    uint64_t seq_base;      /* wraps of the 32-bit sequence space so far */
    tcp_segment *segs;
    size_t nsegs, cap;
    uint8_t *stream;        /* reassembled bytes after pcap_flows_read */
    size_t stream_len;
    size_t missing;         /* bytes lost in gaps (the stream stops at the first gap) */
    size_t first_packet;    /* packet number that opened the flow, for ordering */
} tcp_flow;

typedef struct pcap_flows {
    tcp_flow *flows;
    size_t n, cap;
    size_t packets, skipped; /* skipped: not TCP over IPv4/IPv6, or truncated */
} pcap_flows;

/* Read a capture.  Returns 0, or -1 with a message in err. */
int pcap_flows_read(const char *path, pcap_flows *out, char *err, size_t errlen);
void pcap_flows_free(pcap_flows *pf);

/* The flow going the other way, or NULL. */
const tcp_flow *pcap_flows_reverse(const pcap_flows *pf, const tcp_flow *f);

/* "1.2.3.4:80" or "[::1]:80". */
void pcap_flow_endpoint(const tcp_flow *f, int src, char *buf, size_t len);

#endif
