/* SPDX-License-Identifier: MIT */
/* The secrets of one client random, as tls.c looks them up. */
#ifndef H2C_CLI_CAPTURE_KEYLOG_H
#define H2C_CLI_CAPTURE_KEYLOG_H

#include <stddef.h>
#include <stdint.h>

#include "tls.h"

enum tls_secret_kind {
    TLS_SECRET_MASTER,      /* CLIENT_RANDOM: the TLS 1.2 master secret */
    TLS_SECRET_CLIENT_HS,   /* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
    TLS_SECRET_SERVER_HS,   /* SERVER_HANDSHAKE_TRAFFIC_SECRET */
    TLS_SECRET_CLIENT_APP0, /* CLIENT_TRAFFIC_SECRET_0 */
    TLS_SECRET_SERVER_APP0, /* SERVER_TRAFFIC_SECRET_0 */
    TLS_SECRET_KINDS
};

#define TLS_SECRET_MAX 64

struct tls_secret {
    uint8_t len; /* 0: not in the key log */
    uint8_t v[TLS_SECRET_MAX];
};

/* The secret of that kind for the client random, or NULL. */
const struct tls_secret *tls_keys_find(const struct tls_keys *k, const uint8_t client_random[32],
                                       enum tls_secret_kind kind);
/* The key log label of a kind. */
const char *tls_secret_label(enum tls_secret_kind kind);

#endif
