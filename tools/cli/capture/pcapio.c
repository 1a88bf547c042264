/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE
#include "pcapio.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_PB 2u /* obsolete Packet Block */
#define BT_SPB 3u
#define BT_EPB 6u
#define BT_DSB 0x0Au
#define MAX_BLOCK (64u << 20)

typedef struct iface {
    int linktype;
    uint32_t snaplen;
    uint64_t units; /* timestamp units per second */
} iface;

struct pcapio {
    pcap_t *pc;
    FILE *f;  /* own pcapng reader */
    int swap; /* section is in the other byte order */
    iface *ifs;
    size_t nifs, cap;
    uint8_t *blk;
    size_t blk_cap;
    uint64_t number;
    pcapio_secrets_cb cb;
    void *user;
    char err[PCAP_ERRBUF_SIZE + 64];
};

static uint32_t rd32(const pcapio *r, const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                 (uint32_t)p[3] << 24;
    if (r->swap)
        v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
    return v;
}

static uint16_t rd16(const pcapio *r, const uint8_t *p)
{
    return r->swap ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Reads one block into r->blk.  1, 0 at a clean end, PCAPIO_CUT, PCAPIO_ERROR. */
static int read_block(pcapio *r, uint32_t *type, uint32_t *len)
{
    uint8_t h[8];
    size_t n = fread(h, 1, 8, r->f);
    if (n == 0)
        return 0;
    if (n < 8)
        return PCAPIO_CUT;
    uint32_t t = rd32(r, h);
    if (t == BT_SHB) {
        uint8_t bom[4];
        if (fread(bom, 1, 4, r->f) != 4)
            return PCAPIO_CUT;
        r->swap = 0;
        if (rd32(r, bom) != 0x1A2B3C4Du)
            r->swap = 1;
        if (rd32(r, bom) != 0x1A2B3C4Du) {
            snprintf(r->err, sizeof r->err, "bad pcapng byte-order magic");
            return PCAPIO_ERROR;
        }
        if (fseek(r->f, -4, SEEK_CUR) != 0)
            return PCAPIO_ERROR;
        r->nifs = 0; /* interfaces are numbered per section */
    }
    uint32_t l = rd32(r, h + 4);
    if (l < 12 || l % 4 || l > MAX_BLOCK) {
        snprintf(r->err, sizeof r->err, "bad pcapng block length %u", (unsigned)l);
        return PCAPIO_ERROR;
    }
    if (r->blk_cap < l) {
        uint8_t *nb = realloc(r->blk, l);
        if (!nb) {
            snprintf(r->err, sizeof r->err, "out of memory");
            return PCAPIO_ERROR;
        }
        r->blk = nb;
        r->blk_cap = l;
    }
    memcpy(r->blk, h, 8);
    if (fread(r->blk + 8, 1, l - 8, r->f) != l - 8)
        return PCAPIO_CUT;
    *type = t;
    *len = l;
    return 1;
}

/* if_tsresol of an IDB's options. */
static uint64_t idb_units(const pcapio *r, const uint8_t *opt, size_t n)
{
    while (n >= 4) {
        uint16_t code = rd16(r, opt), ol = rd16(r, opt + 2);
        size_t padded = ((size_t)ol + 3) & ~(size_t)3;
        if (code == 0 || 4 + padded > n)
            break;
        if (code == 9 && ol >= 1) {
            uint8_t v = opt[4];
            uint64_t u = 1;
            unsigned e = v & 0x7f;
            for (unsigned i = 0; i < e && u < 1000000000000000000ull / 10; i++)
                u *= (v & 0x80) ? 2 : 10;
            return u;
        }
        opt += 4 + padded;
        n -= 4 + padded;
    }
    return 1000000;
}

static int own_next(pcapio *r, pcapio_pkt *p)
{
    for (;;) {
        uint32_t t = 0, l = 0;
        int rc = read_block(r, &t, &l);
        if (rc <= 0)
            return rc;
        const uint8_t *b = r->blk;
        if (t == BT_IDB && l >= 20) {
            if (r->nifs == r->cap) {
                size_t nc = r->cap ? r->cap * 2 : 4;
                iface *ni = realloc(r->ifs, nc * sizeof *ni);
                if (!ni)
                    return PCAPIO_ERROR;
                r->ifs = ni;
                r->cap = nc;
            }
            iface *i = &r->ifs[r->nifs++];
            i->linktype = rd16(r, b + 8);
            i->snaplen = rd32(r, b + 12);
            i->units = idb_units(r, b + 16, l - 20);
        } else if (t == BT_DSB && l >= 20 && r->cb) {
            uint32_t st = rd32(r, b + 8), sl = rd32(r, b + 12);
            if (sl <= l - 20)
                r->cb(r->user, st, b + 16, sl);
        } else if ((t == BT_EPB && l >= 32) || (t == BT_PB && l >= 32) ||
                   (t == BT_SPB && l >= 16)) {
            uint32_t ifn = 0, cap, len;
            uint64_t ts = 0;
            const uint8_t *d;
            if (t == BT_SPB) {
                len = rd32(r, b + 8);
                cap = l - 16 < len ? l - 16 : len;
                d = b + 12;
            } else {
                ifn = t == BT_PB ? rd16(r, b + 8) : rd32(r, b + 8);
                ts = (uint64_t)rd32(r, b + 12) << 32 | rd32(r, b + 16);
                cap = rd32(r, b + 20);
                len = rd32(r, b + 24);
                d = b + 28;
                if (cap > l - 32)
                    cap = l - 32;
            }
            if (ifn >= r->nifs)
                continue; /* no such interface: nothing to decode it by */
            const iface *i = &r->ifs[ifn];
            r->number++;
            p->number = r->number;
            p->linktype = i->linktype;
            p->data = d;
            p->caplen = cap;
            p->len = len < cap ? cap : len;
            p->ts_ns = i->units == 1000000000
                           ? (int64_t)ts
                           : (int64_t)(ts / i->units * 1000000000u +
                                       (ts % i->units) * 1000000000u / i->units);
            return PCAPIO_PACKET;
        }
    }
}

/*
 * Whether a pcapng file needs the own reader: interfaces of different link
 * types (libpcap refuses them) or Decryption Secrets Blocks (libpcap skips
 * them).  Reads block headers only.
 */
static int pcapng_needs_own(FILE *f)
{
    uint8_t h[12];
    int swap = 0, first = -1, own = 0;
    while (!own && fread(h, 1, 12, f) == 12) {
        uint32_t t = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
                     (uint32_t)h[3] << 24;
        if (t == BT_SHB)
            swap = !(h[8] == 0x4d && h[9] == 0x3c);
        uint32_t l = swap ? (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 |
                                h[7]
                          : (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 |
                                (uint32_t)h[7] << 24;
        if (swap)
            t = (t >> 24) | ((t >> 8) & 0xff00u) | ((t << 8) & 0xff0000u) | (t << 24);
        if (t == BT_DSB)
            own = 1;
        if (t == BT_IDB) {
            int lt = swap ? h[8] << 8 | h[9] : h[9] << 8 | h[8];
            if (first >= 0 && lt != first)
                own = 1;
            first = lt;
        }
        if (l < 12 || fseek(f, (long)l - 12, SEEK_CUR) != 0)
            break;
    }
    rewind(f);
    return own;
}

pcapio *pcapio_open(const char *path, pcapio_secrets_cb cb, void *user, char *err, size_t errlen)
{
    pcapio *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->cb = cb;
    r->user = user;
    struct stat st;
    int pcapng = 0;
    /* a pipe (or "-", standard input) cannot be opened twice: libpcap alone
     * reads it */
    if (strcmp(path, "-") != 0 && (stat(path, &st) != 0 || S_ISREG(st.st_mode))) {
        FILE *f = fopen(path, "rb");
        if (!f) {
            snprintf(err, errlen, "cannot open");
            free(r);
            return NULL;
        }
        uint8_t magic[4] = {0};
        size_t got = fread(magic, 1, 4, f);
        rewind(f);
        pcapng = got == 4 && magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d &&
                 magic[3] == 0x0a;
        if (pcapng && pcapng_needs_own(f)) {
            r->f = f;
            return r;
        }
        fclose(f);
    }
    char perr[PCAP_ERRBUF_SIZE];
    r->pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (!r->pc) {
        if (pcapng && (r->f = fopen(path, "rb")) != NULL)
            return r; /* libpcap refused it: try block by block */
        snprintf(err, errlen, "%s", perr);
        free(r);
        return NULL;
    }
    return r;
}

int pcapio_next(pcapio *r, pcapio_pkt *p)
{
    if (r->f)
        return own_next(r, p);
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(r->pc, &h, &data);
    if (rc == PCAP_ERROR_BREAK)
        return PCAPIO_END;
    if (rc != 1) {
        snprintf(r->err, sizeof r->err, "%s", pcap_geterr(r->pc));
        /* libpcap's word for a file that ends inside a record */
        return strstr(r->err, "truncated") ? PCAPIO_CUT : PCAPIO_ERROR;
    }
    r->number++;
    p->number = r->number;
    p->ts_ns = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec;
    p->linktype = pcap_datalink(r->pc);
    p->data = data;
    p->caplen = h->caplen;
    p->len = h->len < h->caplen ? h->caplen : h->len;
    return PCAPIO_PACKET;
}

const char *pcapio_error(const pcapio *r)
{
    return r->err;
}

int pcapio_uses_libpcap(const pcapio *r)
{
    return r->pc != NULL;
}

void pcapio_close(pcapio *r)
{
    if (!r)
        return;
    if (r->pc)
        pcap_close(r->pc);
    if (r->f)
        fclose(r->f);
    free(r->ifs);
    free(r->blk);
    free(r);
}
