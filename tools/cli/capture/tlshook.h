/* SPDX-License-Identifier: MIT */
/*
 * The capture driver's view of TLS decryption: key material from --keylog
 * and pcapng Decryption Secrets Blocks, and a per-flow decryptor that turns
 * each direction's in-order record octets into plaintext.  tlshook.c has
 * the build without decryption.
 */
#ifndef H2C_CAPTURE_TLSHOOK_H
#define H2C_CAPTURE_TLSHOOK_H

#include <stddef.h>
#include <stdint.h>

typedef struct tlshook_keys tlshook_keys;
typedef struct tlshook_flow tlshook_flow;

/* Plaintext of direction dir (0: client, 1: server), in order. */
typedef void (*tlshook_plain_cb)(void *user, int dir, const uint8_t *p, size_t n);

/* Whether this build decrypts. */
int tlshook_available(void);
tlshook_keys *tlshook_keys_new(void);
/* NSS key log lines, from a file or a Decryption Secrets Block; 0 or -1. */
int tlshook_keys_add(tlshook_keys *k, const uint8_t *text, size_t len);
size_t tlshook_keys_count(const tlshook_keys *k);
void tlshook_keys_free(tlshook_keys *k);

tlshook_flow *tlshook_flow_new(const tlshook_keys *k, tlshook_plain_cb cb, void *user);
/* Record octets of one direction.  Returns 0, or -1 once the flow cannot be
 * decrypted (no key for it, unsupported cipher, bad record). */
int tlshook_flow_feed(tlshook_flow *f, int dir, const uint8_t *p, size_t n);
/* A reassembly gap in dir: that direction's records stop, or with resync
 * (after the handshake) resume at the first record after it that
 * authenticates (see tls_flow_gap()). */
void tlshook_flow_gap(tlshook_flow *f, int dir, uint64_t missing, int resync);
/* The capture ends: a direction still searching after a gap gives up. */
void tlshook_flow_end(tlshook_flow *f);
/* After a gap with resync, once: TLSHOOK_RESYNC_FOUND (the record at
 * stream offset *offset, sequence number *seq, *lost records lost),
 * TLSHOOK_RESYNC_STOPPED (dir stops at *offset, *why says why), or 0. */
enum { TLSHOOK_RESYNC_FOUND = 1, TLSHOOK_RESYNC_STOPPED = 2 };
int tlshook_flow_resync_event(tlshook_flow *f, int dir, uint64_t *offset, uint64_t *seq,
                              uint64_t *lost, const char **why);
/* Trial decryptions spent on resynchronisation in dir, over all its gaps. */
uint64_t tlshook_flow_resync_trials(const tlshook_flow *f, int dir);
/* Why the flow cannot be decrypted, or NULL. */
const char *tlshook_flow_error(const tlshook_flow *f);
/* The negotiated ALPN ("h2"), or NULL while unknown. */
const char *tlshook_flow_alpn(const tlshook_flow *f);
void tlshook_flow_free(tlshook_flow *f);

#endif
