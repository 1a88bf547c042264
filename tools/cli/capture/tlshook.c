/* SPDX-License-Identifier: MIT */
/* TLS in a build without decryption: keys are counted, flows stay opaque. */
#include "tlshook.h"

#include <stdlib.h>

struct tlshook_keys {
    size_t lines;
};

int tlshook_available(void)
{
    return 0;
}

tlshook_keys *tlshook_keys_new(void)
{
    return calloc(1, sizeof(tlshook_keys));
}

int tlshook_keys_add(tlshook_keys *k, const uint8_t *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        k->lines += text[i] == '\n';
    return 0;
}

size_t tlshook_keys_count(const tlshook_keys *k)
{
    return k ? k->lines : 0;
}

void tlshook_keys_free(tlshook_keys *k)
{
    free(k);
}

tlshook_flow *tlshook_flow_new(const tlshook_keys *k, tlshook_plain_cb cb, void *user)
{
    (void)k, (void)cb, (void)user;
    return NULL;
}

int tlshook_flow_feed(tlshook_flow *f, int dir, const uint8_t *p, size_t n)
{
    (void)f, (void)dir, (void)p, (void)n;
    return -1;
}

void tlshook_flow_gap(tlshook_flow *f, int dir, uint64_t missing)
{
    (void)f, (void)dir, (void)missing;
}

const char *tlshook_flow_error(const tlshook_flow *f)
{
    (void)f;
    return "no TLS decryption in this build";
}

const char *tlshook_flow_alpn(const tlshook_flow *f)
{
    (void)f;
    return NULL;
}

void tlshook_flow_free(tlshook_flow *f)
{
    (void)f;
}
