/* SPDX-License-Identifier: MIT */
/*
 * HTTP/1.1 `Upgrade: h2c` (RFC 7540 3.2): the client's request with
 * HTTP2-Settings, the server's 101, then HTTP/2 both ways (the request is
 * stream 1; the server's octets after the 101 begin with its SETTINGS, the
 * client's after the request with the preface).
 */
#ifndef H2C_CAPTURE_UPGRADE_H
#define H2C_CAPTURE_UPGRADE_H

#include <stddef.h>
#include <stdint.h>

typedef struct upgrade_state {
    uint8_t *head[2]; /* the HTTP/1.1 head of each side so far */
    size_t len[2];
    int h2[2];  /* this side's HTTP/1.1 part is over: HTTP/2 follows */
    int failed; /* not an upgrade, or refused */
    char request_line[512];
    /* from the request's HTTP2-Settings (base64url SETTINGS payload): what
     * the client allows the server to use; 0 where not given */
    uint32_t table_size, max_frame_size;
} upgrade_state;

void upgrade_init(upgrade_state *u);
/* Octets of side dir (0 client, 1 server) while it speaks HTTP/1.1.
 * Returns how many belong to HTTP/1.1; once h2[dir] is set the rest is HTTP/2. */
size_t upgrade_feed(upgrade_state *u, int dir, const uint8_t *p, size_t n);
void upgrade_free(upgrade_state *u);

#endif
