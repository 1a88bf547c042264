/* SPDX-License-Identifier: MIT */
/*
 * TCP reassembly for captures, streaming: flows in a hash table keyed by
 * the 4-tuple; each direction's octets are delivered in order as soon as
 * they are contiguous.  Retransmissions and overlaps are trimmed,
 * out-of-order data is held (up to a cap per flow), data in a SYN (TCP Fast
 * Open) counts, and octets that never appear are delivered as gaps: when
 * the peer acknowledged past them, when the cap is reached, or when the
 * flow ends.  A SYN on a known 4-tuple after FIN or RST, or with another
 * initial sequence number, starts a new flow.
 */
#ifndef H2C_CAPTURE_TCPREASM_H
#define H2C_CAPTURE_TCPREASM_H

#include <stddef.h>
#include <stdint.h>

#include "netdec.h"

typedef struct reasm_dir {
    int have_base, syn, fin, rst;
    uint32_t base;         /* sequence number of stream offset 0 */
    uint64_t next;         /* next stream offset to deliver */
    uint64_t fin_at;       /* stream offset of the FIN */
    uint64_t acked;        /* highest offset the peer acknowledged */
    struct reasm_seg *ooo; /* held segments, by offset */
} reasm_dir;

typedef struct reasm_flow {
    /* endpoint 0 sent the SYN, or the first packet seen */
    int family;
    uint8_t addr[2][16];
    uint16_t port[2];
    int saw_syn; /* endpoint 0 is known to be the client */
    reasm_dir d[2];
    size_t held;                              /* out-of-order octets held */
    uint64_t id;                              /* 1-based, in order of creation */
    void *app;                                /* the caller's */
    struct reasm_flow *hnext, *lprev, *lnext; /* hash chain; live flows in creation order */
} reasm_flow;

typedef struct reasm_cbs {
    void (*data)(void *user, reasm_flow *f, int dir, uint64_t offset, const uint8_t *p,
                 size_t n);
    /* n octets at offset will not appear; why: "lost", "snaplen", "cap" */
    void (*gap)(void *user, reasm_flow *f, int dir, uint64_t offset, uint64_t n,
                const char *why);
    /* the flow ended (FIN both ways, RST, reuse, or end of capture): last call for f */
    void (*close)(void *user, reasm_flow *f);
} reasm_cbs;

typedef struct reasm reasm;

reasm *reasm_new(const reasm_cbs *cbs, void *user, size_t cap_per_flow);
/* One segment.  0, or -1 when out of memory. */
int reasm_segment(reasm *r, const netdec_seg *s);
/* End of capture: flush every flow (gaps for what is missing), close them. */
void reasm_finish(reasm *r);
void reasm_free(reasm *r);
uint64_t reasm_flows_seen(const reasm *r);

#endif
