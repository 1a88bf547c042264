/* SPDX-License-Identifier: MIT */
/* TLS decryption for the capture driver: tls.c over libcrypto. */
#include "tlshook.h"

#include <stdlib.h>

#include "tls.h"

struct tlshook_keys {
    struct tls_keys *k;
};

struct tlshook_flow {
    struct tls_flow *t;
    tlshook_plain_cb cb;
    void *user;
};

int tlshook_available(void)
{
    return 1;
}

tlshook_keys *tlshook_keys_new(void)
{
    tlshook_keys *k = calloc(1, sizeof *k);
    if (k && !(k->k = tls_keys_new())) {
        free(k);
        k = NULL;
    }
    return k;
}

int tlshook_keys_add(tlshook_keys *k, const uint8_t *text, size_t len)
{
    return tls_keys_add_text(k->k, (const char *)text, len) < 0 ? -1 : 0;
}

size_t tlshook_keys_count(const tlshook_keys *k)
{
    return k ? tls_keys_count(k->k) : 0;
}

void tlshook_keys_free(tlshook_keys *k)
{
    if (k)
        tls_keys_free(k->k);
    free(k);
}

tlshook_flow *tlshook_flow_new(const tlshook_keys *k, tlshook_plain_cb cb, void *user)
{
    tlshook_flow *f = calloc(1, sizeof *f);
    if (f && !(f->t = tls_flow_new(k->k))) {
        free(f);
        return NULL;
    }
    if (f) {
        f->cb = cb;
        f->user = user;
    }
    return f;
}

int tlshook_flow_feed(tlshook_flow *f, int dir, const uint8_t *p, size_t n)
{
    return tls_flow_feed(f->t, dir, p, n, f->cb, f->user);
}

void tlshook_flow_gap(tlshook_flow *f, int dir, uint64_t missing, int resync)
{
    tls_flow_gap(f->t, dir, missing, resync);
}

void tlshook_flow_end(tlshook_flow *f)
{
    tls_flow_end(f->t);
}

int tlshook_flow_resync_event(tlshook_flow *f, int dir, uint64_t *offset, uint64_t *seq,
                              uint64_t *lost, const char **why)
{
    switch (tls_flow_resync_event(f->t, dir, offset, seq, lost, why)) {
    case TLS_RESYNC_FOUND: return TLSHOOK_RESYNC_FOUND;
    case TLS_RESYNC_STOPPED: return TLSHOOK_RESYNC_STOPPED;
    default: return 0;
    }
}

const char *tlshook_flow_error(const tlshook_flow *f)
{
    return tls_flow_error(f->t);
}

uint64_t tlshook_flow_resync_trials(const tlshook_flow *f, int dir)
{
    return tls_flow_resync_trials(f->t, dir);
}

const char *tlshook_flow_alpn(const tlshook_flow *f)
{
    return tls_flow_alpn(f->t);
}

void tlshook_flow_free(tlshook_flow *f)
{
    if (f)
        tls_flow_free(f->t);
    free(f);
}
