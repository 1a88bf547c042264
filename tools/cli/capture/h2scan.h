/* SPDX-License-Identifier: MIT */
/*
 * Finding HTTP/2 in a byte stream: frame-header plausibility, used to
 * detect flows without the client preface and to resynchronise after a gap.
 */
#ifndef H2C_CAPTURE_H2SCAN_H
#define H2C_CAPTURE_H2SCAN_H

#include <stddef.h>
#include <stdint.h>

/* Whether the 9 octets at p could be a frame header of a peer whose
 * frames may be up to max_frame octets long. */
int h2scan_plausible(const uint8_t *p, uint32_t max_frame);

/*
 * Where a chain of plausible frame headers starts in buf[0..n): the first
 * offset whose frame header and the next two (as far as n reaches) are
 * plausible.  A chain that runs past n is judged only when at_end (no more
 * octets will come) and its first frame is complete.  Returns the offset,
 * or -1 with *judged set to how many leading octets can be dropped.
 */
long h2scan_find(const uint8_t *buf, size_t n, uint32_t max_frame, int at_end, size_t *judged);

/*
 * Which side of a connection sent buf[0..n), judged from its HEADERS and
 * PUSH_PROMISE frames: the first field of a request or response block
 * names a pseudo-header through the static table, which needs no earlier
 * state.  Returns H2SCAN_CLIENT, H2SCAN_SERVER, or 0 when nothing in buf
 * tells.
 */
enum { H2SCAN_CLIENT = 1, H2SCAN_SERVER = 2 };
int h2scan_role(const uint8_t *buf, size_t n, uint32_t max_frame);

/* Whether buf starts like a TLS ClientHello record. */
int h2scan_tls_hello(const uint8_t *buf, size_t n);

#endif
