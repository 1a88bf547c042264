/* SPDX-License-Identifier: MIT */
/*
 * The NSS key log format: one secret a line, "LABEL <client random, 64 hex
 * digits> <secret, hex>"; '#' starts a comment.  Secrets are kept in an
 * open-addressing table keyed by client random, so that a capture with many
 * connections looks each one up in constant time.
 */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "keylog.h"

struct keylog_entry {
    uint8_t random[32];
    int used;
    struct tls_secret s[TLS_SECRET_KINDS];
};

struct tls_keys {
    struct keylog_entry *tab;
    size_t cap, n; /* cap is a power of two, n <= cap / 2 */
};

static const char *const labels[TLS_SECRET_KINDS] = {
    "CLIENT_RANDOM",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
};

const char *tls_secret_label(enum tls_secret_kind kind)
{
    return labels[kind];
}

struct tls_keys *tls_keys_new(void)
{
    return calloc(1, sizeof(struct tls_keys));
}

void tls_keys_free(struct tls_keys *k)
{
    if (!k)
        return;
    free(k->tab);
    free(k);
}

size_t tls_keys_count(const struct tls_keys *k)
{
    return k ? k->n : 0;
}

/* Client randoms are random: their first octets hash well enough. */
static size_t slot_of(const uint8_t r[32], size_t cap)
{
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = (h << 8) | r[i];
    return (size_t)(h * UINT64_C(0x9E3779B97F4A7C15) >> 16) & (cap - 1);
}

static struct keylog_entry *lookup(const struct tls_keys *k, const uint8_t r[32])
{
    if (!k || !k->cap)
        return NULL;
    for (size_t i = slot_of(r, k->cap);; i = (i + 1) & (k->cap - 1)) {
        struct keylog_entry *e = &k->tab[i];
        if (!e->used)
            return NULL;
        if (memcmp(e->random, r, 32) == 0)
            return e;
    }
}

static int grow(struct tls_keys *k)
{
    size_t ncap = k->cap ? k->cap * 2 : 64;
    struct keylog_entry *nt = calloc(ncap, sizeof *nt);
    if (!nt)
        return -1;
    for (size_t i = 0; i < k->cap; i++) {
        if (!k->tab[i].used)
            continue;
        size_t j = slot_of(k->tab[i].random, ncap);
        while (nt[j].used)
            j = (j + 1) & (ncap - 1);
        nt[j] = k->tab[i];
    }
    free(k->tab);
    k->tab = nt;
    k->cap = ncap;
    return 0;
}

static struct keylog_entry *insert(struct tls_keys *k, const uint8_t r[32])
{
    struct keylog_entry *e = lookup(k, r);
    if (e)
        return e;
    if ((k->n + 1) * 2 > k->cap && grow(k) != 0)
        return NULL;
    size_t i = slot_of(r, k->cap);
    while (k->tab[i].used)
        i = (i + 1) & (k->cap - 1);
    e = &k->tab[i];
    e->used = 1;
    memcpy(e->random, r, 32);
    k->n++;
    return e;
}

const struct tls_secret *tls_keys_find(const struct tls_keys *k, const uint8_t client_random[32],
                                       enum tls_secret_kind kind)
{
    const struct keylog_entry *e = lookup(k, client_random);
    return e && e->s[kind].len ? &e->s[kind] : NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes exactly n hex digits into n / 2 octets. */
static int unhex(const char *s, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* Splits the next space-separated field off [*p, end). */
static size_t field(const char **p, const char *end, const char **start)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    *start = *p;
    while (*p < end && **p != ' ' && **p != '\t')
        (*p)++;
    return (size_t)(*p - *start);
}

/* One line, without its end.  Returns 1 when a secret was added, 0 when the
 * line holds none we use, -1 when out of memory, -2 when malformed. */
static int add_line(struct tls_keys *k, const char *p, const char *end)
{
    const char *lab, *rnd, *sec, *rest;
    size_t nl = field(&p, end, &lab);
    if (nl == 0 || lab[0] == '#')
        return 0;
    size_t nr = field(&p, end, &rnd), ns = field(&p, end, &sec);
    if (field(&p, end, &rest) != 0 || nr != 64 || ns == 0 || ns % 2 || ns / 2 > TLS_SECRET_MAX)
        return -2;
    uint8_t r[32], s[TLS_SECRET_MAX];
    if (unhex(rnd, nr, r) != 0 || unhex(sec, ns, s) != 0)
        return -2;
    for (int kind = 0; kind < TLS_SECRET_KINDS; kind++) {
        if (strlen(labels[kind]) != nl || memcmp(labels[kind], lab, nl) != 0)
            continue;
        if (kind == TLS_SECRET_MASTER && ns != 96)
            return -2;
        struct keylog_entry *e = insert(k, r);
        if (!e)
            return -1;
        e->s[kind].len = (uint8_t)(ns / 2);
        memcpy(e->s[kind].v, s, ns / 2);
        return 1;
    }
    return 0; /* EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET, ... */
}

int tls_keys_add_text(struct tls_keys *k, const char *text, size_t len)
{
    int added = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *e = le;
        while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\0'))
            e--;
        int rc = add_line(k, p, e);
        if (rc == -1)
            return -1;
        if (rc == 1)
            added++;
        p = nl ? nl + 1 : end;
    }
    return added;
}

int tls_keys_load(struct tls_keys *k, const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    /* Line by line: a key log of a long capture need not fit in memory twice. */
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int n = 0;
    while (n >= 0 && (got = getline(&line, &cap, fp)) >= 0) {
        int rc = tls_keys_add_text(k, line, (size_t)got);
        n = rc < 0 ? -1 : n + rc;
    }
    int bad = ferror(fp);
    free(line);
    fclose(fp);
    if (bad || n < 0) {
        snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "out of memory");
        return -1;
    }
    if (n == 0) {
        snprintf(err, errlen, "%s: no key log line (CLIENT_RANDOM, *_TRAFFIC_SECRET*) in it",
                 path);
        return -1;
    }
    return n;
}
