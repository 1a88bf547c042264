/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE
#include "pcap_flows.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Link types we can strip down to an IP header. */
#define LT_NULL 0
#define LT_EN10MB 1
#define LT_RAW_OLD 12
#define LT_LOOP 108
#define LT_RAW 101
#define LT_LINUX_SLL 113
#define LT_IPV4 228
#define LT_IPV6 229
#define LT_LINUX_SLL2 276

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Offset of the IP header within a frame, or -1 if not IP. */
static long ip_offset(int linktype, const uint8_t *p, size_t len)
{
    switch (linktype) {
    case LT_RAW:
    case LT_RAW_OLD:
    case LT_IPV4:
    case LT_IPV6:
        return 0;
    case LT_NULL:
    case LT_LOOP:
        return len >= 4 ? 4 : -1;
    case LT_LINUX_SLL:
        return len >= 16 ? 16 : -1;
    case LT_LINUX_SLL2:
        return len >= 20 ? 20 : -1;
    case LT_EN10MB: {
        size_t off = 12;
        while (len >= off + 2 && (rd16(p + off) == 0x8100 || rd16(p + off) == 0x88a8))
            off += 4; /* VLAN tags */
        if (len < off + 2)
            return -1;
        uint16_t et = rd16(p + off);
        return (et == 0x0800 || et == 0x86dd) ? (long)(off + 2) : -1;
    }
    default:
        return -1;
    }
}

static tcp_flow *find_flow(pcap_flows *pf, int family, const uint8_t *src, const uint8_t *dst,
                           uint16_t sport, uint16_t dport)
{
    size_t alen = family == 4 ? 4 : 16;
    for (size_t i = pf->n; i-- > 0;) {
        tcp_flow *f = &pf->flows[i];
        if (f->family == family && f->sport == sport && f->dport == dport &&
            memcmp(f->src, src, alen) == 0 && memcmp(f->dst, dst, alen) == 0)
            return f;
    }
    if (pf->n == pf->cap) {
        size_t ncap = pf->cap ? pf->cap * 2 : 16;
        tcp_flow *nf = realloc(pf->flows, ncap * sizeof *nf);
        if (!nf)
            return NULL;
        pf->flows = nf;
        pf->cap = ncap;
    }
    tcp_flow *f = &pf->flows[pf->n++];
    memset(f, 0, sizeof *f);
    f->family = family;
    memcpy(f->src, src, alen);
    memcpy(f->dst, dst, alen);
    f->sport = sport;
    f->dport = dport;
    f->first_packet = pf->packets;
    return f;
}

/*
 * Offset of a segment from the stream start.  Sequence numbers are 32-bit;
 * 'epoch' counts wraps so a stream past 4 GiB keeps growing, and a late
 * retransmission from before a wrap lands in the previous epoch.
 */
static int64_t stream_offset(tcp_flow *f, uint32_t seq)
{
    uint32_t rel = seq - f->isn;
    uint32_t last = f->last_seq;
    int64_t epoch = (int64_t)f->seq_base;
    if (rel < last && last - rel > 0x80000000u)
        f->seq_base = (uint64_t)++epoch;
    else if (rel > last && rel - last > 0x80000000u)
        epoch--;
    if (epoch == (int64_t)f->seq_base && rel > f->last_seq)
        f->last_seq = rel;
    else if (epoch > 0 && epoch == (int64_t)f->seq_base && rel < last)
        f->last_seq = rel; /* first segment after a wrap */
    return epoch * 4294967296LL + (int64_t)rel;
}

static int add_segment(tcp_flow *f, uint32_t seq, int syn, const uint8_t *data, size_t len)
{
    if (syn) {
        f->saw_syn = 1;
        f->have_isn = 1;
        f->isn = seq + 1;
        f->last_seq = 0;
        f->seq_base = 0;
    }
    if (len == 0)
        return 0;
    if (!f->have_isn) {
        f->have_isn = 1;
        f->isn = seq;
    }
    int64_t off = stream_offset(f, seq);
    if (off < 0)
        return 0; /* before the start of the stream */
    if (f->nsegs == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 64;
        tcp_segment *ns = realloc(f->segs, ncap * sizeof *ns);
        if (!ns)
            return -1;
        f->segs = ns;
        f->cap = ncap;
    }
    tcp_segment *sg = &f->segs[f->nsegs];
    sg->data = malloc(len);
    if (!sg->data)
        return -1;
    memcpy(sg->data, data, len);
    sg->offset = (uint64_t)off;
    sg->len = len;
    f->nsegs++;
    return 0;
}

static int handle_packet(pcap_flows *pf, int linktype, const uint8_t *p, size_t len)
{
    long off = ip_offset(linktype, p, len);
    if (off < 0 || (size_t)off >= len)
        return 1;
    p += off;
    len -= (size_t)off;
    int family = p[0] >> 4;
    const uint8_t *src, *dst, *tcp;
    size_t tcp_len;
    if (family == 4) {
        size_t ihl = (size_t)(p[0] & 15) * 4;
        if (len < 20 || ihl < 20 || len < ihl || p[9] != 6)
            return 1;
        if ((rd16(p + 6) & 0x3fff) != 0)
            return 1; /* fragment */
        size_t total = rd16(p + 2);
        if (total < ihl || total > len)
            total = len;
        src = p + 12;
        dst = p + 16;
        tcp = p + ihl;
        tcp_len = total - ihl;
    } else if (family == 6) {
        if (len < 40 || p[6] != 6)
            return 1; /* extension headers are not followed */
        size_t total = 40 + (size_t)rd16(p + 4);
        if (total > len)
            total = len;
        src = p + 8;
        dst = p + 24;
        tcp = p + 40;
        tcp_len = total - 40;
    } else {
        return 1;
    }
    if (tcp_len < 20)
        return 1;
    size_t doff = (size_t)(tcp[12] >> 4) * 4;
    if (doff < 20 || doff > tcp_len)
        return 1;
    tcp_flow *f = find_flow(pf, family, src, dst, rd16(tcp), rd16(tcp + 2));
    if (!f)
        return -1;
    return add_segment(f, rd32(tcp + 4), (tcp[13] & 0x02) != 0, tcp + doff, tcp_len - doff);
}

static int cmp_seg(const void *a, const void *b)
{
    const tcp_segment *x = a, *y = b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

/* Sort segments and lay them end to end, skipping bytes already placed. */
static int assemble(tcp_flow *f)
{
    qsort(f->segs, f->nsegs, sizeof *f->segs, cmp_seg);
    size_t total = 0;
    for (size_t i = 0; i < f->nsegs; i++)
        total += f->segs[i].len;
    f->stream = malloc(total ? total : 1);
    if (!f->stream)
        return -1;
    uint64_t at = 0;
    for (size_t i = 0; i < f->nsegs; i++) {
        tcp_segment *s = &f->segs[i];
        if (s->offset > at) {
            f->missing = (size_t)(s->offset - at);
            break;
        }
        uint64_t skip = at - s->offset;
        if (skip < s->len) {
            memcpy(f->stream + at, s->data + skip, s->len - (size_t)skip);
            at += s->len - skip;
        }
    }
    f->stream_len = (size_t)at;
    return 0;
}

int pcap_flows_read(const char *path, pcap_flows *out, char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE];
    memset(out, 0, sizeof *out);
    pcap_t *pc = pcap_open_offline(path, perr);
    if (!pc) {
        snprintf(err, errlen, "%s", perr);
        return -1;
    }
    int linktype = pcap_datalink(pc);
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
        out->packets++;
        int r = handle_packet(out, linktype, data, h->caplen);
        if (r < 0) {
            snprintf(err, errlen, "out of memory");
            pcap_close(pc);
            return -1;
        }
        out->skipped += (size_t)r;
    }
    if (rc == -1) {
        snprintf(err, errlen, "%s", pcap_geterr(pc));
        pcap_close(pc);
        return -1;
    }
    pcap_close(pc);
    for (size_t i = 0; i < out->n; i++)
        if (assemble(&out->flows[i]) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    return 0;
}

void pcap_flows_free(pcap_flows *pf)
{
    for (size_t i = 0; i < pf->n; i++) {
        for (size_t k = 0; k < pf->flows[i].nsegs; k++)
            free(pf->flows[i].segs[k].data);
        free(pf->flows[i].segs);
        free(pf->flows[i].stream);
    }
    free(pf->flows);
    memset(pf, 0, sizeof *pf);
}

const tcp_flow *pcap_flows_reverse(const pcap_flows *pf, const tcp_flow *f)
{
    size_t alen = f->family == 4 ? 4 : 16;
    for (size_t i = 0; i < pf->n; i++) {
        const tcp_flow *r = &pf->flows[i];
        if (r->family == f->family && r->sport == f->dport && r->dport == f->sport &&
            memcmp(r->src, f->dst, alen) == 0 && memcmp(r->dst, f->src, alen) == 0)
            return r;
    }
    return NULL;
}

void pcap_flow_endpoint(const tcp_flow *f, int src, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN];
    inet_ntop(f->family == 4 ? AF_INET : AF_INET6, src ? f->src : f->dst, ip, sizeof ip);
    snprintf(buf, len, f->family == 4 ? "%s:%u" : "[%s]:%u", ip,
             (unsigned)(src ? f->sport : f->dport));
}
