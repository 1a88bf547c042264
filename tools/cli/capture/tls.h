/* SPDX-License-Identifier: MIT */
/*
 * TLS decryption for `h2codec frames --pcap`: the secrets of an NSS key log
 * (SSLKEYLOGFILE, or the Decryption Secrets Blocks of a pcapng file), and a
 * per-connection record layer that turns both directions' reassembled TCP
 * bytes into the application data they carry.
 *
 * Supported: TLS 1.3 (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305,
 * HelloRetryRequest, KeyUpdate) and TLS 1.2 with an AEAD suite (ECDHE, DHE
 * or RSA key exchange with AES-GCM or ChaCha20-Poly1305).  Ciphers, HKDF
 * and the TLS 1.2 PRF come from libcrypto.  A record is passed on only
 * after its authentication tag has been checked.
 *
 * Keys are looked up by client random when a direction first needs them
 * (its first encrypted record), so a key log may arrive after the flow's
 * first bytes, but not after its first encrypted record.
 */
#ifndef H2C_CLI_CAPTURE_TLS_H
#define H2C_CLI_CAPTURE_TLS_H

#include <stddef.h>
#include <stdint.h>

/* Secrets by client random. */
struct tls_keys;
struct tls_keys *tls_keys_new(void);
void tls_keys_free(struct tls_keys *k);
/* Adds the key log lines in text (CLIENT_RANDOM, CLIENT/SERVER_HANDSHAKE_
 * TRAFFIC_SECRET, CLIENT/SERVER_TRAFFIC_SECRET_0; other labels and comments
 * are skipped).  Returns the number of secrets added, or -1 when out of
 * memory. */
int tls_keys_add_text(struct tls_keys *k, const char *text, size_t len);
/* Reads a key log file.  Returns the number of secrets added, or -1 with a
 * message in err (unreadable, or no key log line in it). */
int tls_keys_load(struct tls_keys *k, const char *path, char *err, size_t errlen);
/* The number of client randoms with at least one secret. */
size_t tls_keys_count(const struct tls_keys *k);

/* 1 when the first bytes a client sent look like a TLS ClientHello record
 * (a record header of type handshake, version 3.x, and message type 1). */
int tls_looks_like_client_hello(const uint8_t *p, size_t n);

/* One TCP connection, both directions.  k must outlive the flow; secrets
 * added to it later are seen. */
struct tls_flow;
struct tls_flow *tls_flow_new(const struct tls_keys *k);
void tls_flow_free(struct tls_flow *f);

/* dir 0 is client to server, 1 server to client. */
typedef void (*tls_plain_fn)(void *arg, int dir, const uint8_t *p, size_t n);

/* Feeds in-order TCP payload of one direction; decrypted application data
 * goes to out(), in order per direction.  A direction that had to wait for
 * the other one (the client's encrypted records need the ServerHello, the
 * server's records need the ClientHello) is released by the other
 * direction's feed, so out() may be called with the other dir.  Returns 0,
 * or -1 once the flow cannot be decrypted (tls_flow_error() says why);
 * later calls then return -1 without output. */
int tls_flow_feed(struct tls_flow *f, int dir, const uint8_t *p, size_t n, tls_plain_fn out,
                  void *arg);
/* A reassembly gap of `missing` octets in dir.  A gap before the handshake
 * is complete makes the flow fail.  After it, without resync, that
 * direction stops (its record boundaries and sequence numbers are lost);
 * the other goes on.  With resync, the octets after the gap are searched
 * for a record that authenticates under one of the sequence numbers the
 * lost octets allow, and decryption resumes there: no plaintext of a
 * record that did not authenticate is ever passed on. */
void tls_flow_gap(struct tls_flow *f, int dir, uint64_t missing, int resync);
/* The capture ends: a direction still searching after a gap stops, with
 * the reason tls_flow_resync_event() gives. */
void tls_flow_end(struct tls_flow *f);
/* The outcome of a resynchronisation in dir, once: TLS_RESYNC_FOUND with
 * the stream offset of the record, its sequence number and the records
 * lost before it; TLS_RESYNC_STOPPED with the offset and why (*why) the
 * direction stops; TLS_RESYNC_NONE while searching or without a gap. */
enum { TLS_RESYNC_NONE, TLS_RESYNC_FOUND, TLS_RESYNC_STOPPED };
int tls_flow_resync_event(struct tls_flow *f, int dir, uint64_t *offset, uint64_t *seq,
                          uint64_t *lost, const char **why);
/* Trial decryptions spent on resynchronisation in dir, over all its gaps
 * (at most 4096 a gap and 65,536 in all). */
uint64_t tls_flow_resync_trials(const struct tls_flow *f, int dir);
/* Octets of dir held back: an incomplete record at the end of the data, or
 * records waiting for the other direction's handshake. */
size_t tls_flow_pending(const struct tls_flow *f, int dir);

/* The selected ALPN (the server's octets as sent: compare, do not print
 * unescaped), or NULL if not known. */
const char *tls_flow_alpn(const struct tls_flow *f);
const char *tls_flow_version(const struct tls_flow *f); /* "TLS 1.3", "TLS 1.2", NULL */
const char *tls_flow_cipher(const struct tls_flow *f);  /* cipher suite name, NULL */
const char *tls_flow_error(const struct tls_flow *f);   /* NULL while fine */
/* A fatal alert ends its direction without making the flow fail: "the
 * server sent a fatal alert: decode_error (50)", or NULL. */
const char *tls_flow_alert(const struct tls_flow *f);

#endif
