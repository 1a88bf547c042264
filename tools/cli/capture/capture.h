/* SPDX-License-Identifier: MIT */
/*
 * `h2codec frames --pcap`: every HTTP/2 flow of a capture, decoded while
 * the file is read (pcapio, netdec, tcpreasm, then h2scan per direction).
 */
#ifndef H2C_CAPTURE_CAPTURE_H
#define H2C_CAPTURE_CAPTURE_H

#include <stdint.h>

#include "../conn.h"

typedef struct capture_opts {
    conn_opts co;
    int json, full;
    int merge;          /* both directions in time order, as decoded */
    int summary;        /* per flow totals instead of frames */
    int64_t stream;     /* --stream N; -1: all */
    int64_t flow;       /* --flow K; 0: all */
    int type;           /* --type T; -1: all */
    uint32_t max_table; /* cap on the HPACK table size a peer's SETTINGS may raise */
    const char *keylog; /* --keylog FILE (NSS key log) */
} capture_opts;

void capture_opts_init(capture_opts *o);
/* Decode the capture; returns the exit status (CLI_OK, CLI_FAIL, CLI_USAGE). */
int capture_run(const capture_opts *o, const char *file);

#endif
