/* SPDX-License-Identifier: MIT */
/*
 * Packets of a pcap or pcapng capture, read one at a time.  libpcap reads
 * the file where it can; pcapng files it cannot read whole (interfaces with
 * different link types) or whose Decryption Secrets Blocks it would drop
 * are read block by block here.  A file cut inside a packet yields the
 * packets before the cut, then PCAPIO_CUT.
 */
#ifndef H2C_CAPTURE_PCAPIO_H
#define H2C_CAPTURE_PCAPIO_H

#include <stddef.h>
#include <stdint.h>

typedef struct pcapio_pkt {
    uint64_t number; /* 1-based, as Wireshark counts */
    int64_t ts_ns;   /* nanoseconds since the epoch */
    int linktype;
    const uint8_t *data;
    uint32_t caplen, len;
} pcapio_pkt;

/* A Decryption Secrets Block: type 0x544c534b is a TLS key log. */
typedef void (*pcapio_secrets_cb)(void *user, uint32_t type, const uint8_t *data, size_t len);

typedef struct pcapio pcapio;

enum { PCAPIO_END = 0, PCAPIO_PACKET = 1, PCAPIO_ERROR = -1, PCAPIO_CUT = -2 };

/* NULL with a message in err. */
pcapio *pcapio_open(const char *path, pcapio_secrets_cb cb, void *user, char *err,
                    size_t errlen);
/* PCAPIO_PACKET (p valid until the next call), PCAPIO_END, PCAPIO_CUT (the
 * file ends inside a packet or block) or PCAPIO_ERROR; see pcapio_error. */
int pcapio_next(pcapio *r, pcapio_pkt *p);
const char *pcapio_error(const pcapio *r);
/* Whether libpcap reads the file (else the own pcapng reader). */
int pcapio_uses_libpcap(const pcapio *r);
void pcapio_close(pcapio *r);

#endif
