/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE
#include "testutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

long h2t_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *hex; hex++) {
        if (isspace((unsigned char)*hex))
            continue;
        int v = hexval((unsigned char)*hex);
        if (v < 0)
            return -1;
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n >= cap)
            return -1;
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    return hi < 0 ? (long)n : -1;
}

uint8_t *h2t_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap)
            break;
        uint8_t *nb = realloc(buf, cap *= 2);
        if (!nb) {
            free(buf);
            buf = NULL;
        } else {
            buf = nb;
        }
    }
    fclose(f);
    if (buf)
        *len = n;
    return buf;
}

/* Each block carries its size in a header so live_bytes can be tracked. */
typedef union { size_t size; max_align_t align; } fa_hdr;

void *h2t_fa_alloc(void *opaque, size_t size)
{
    h2t_failalloc *fa = opaque;
    fa->calls++;
    if (fa->fail_at && (fa->calls == fa->fail_at || (fa->fail_all && fa->calls > fa->fail_at)))
        return NULL;
    fa_hdr *h = malloc(sizeof *h + size);
    if (!h)
        return NULL;
    h->size = size;
    fa->live++;
    fa->live_bytes += size;
    if (fa->live_bytes > fa->peak_bytes)
        fa->peak_bytes = fa->live_bytes;
    return h + 1;
}

void h2t_fa_free(void *opaque, void *ptr)
{
    h2t_failalloc *fa = opaque;
    if (!ptr)
        return;
    fa_hdr *h = (fa_hdr *)ptr - 1;
    fa->live--;
    fa->live_bytes -= h->size;
    free(h);
}

uint8_t *h2t_guard_copy(const void *src, size_t len)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (len + pg - 1) / pg * pg + pg;
    uint8_t *base = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return NULL;
    if (mprotect(base + span - pg, pg, PROT_NONE) != 0) {
        munmap(base, span);
        return NULL;
    }
    uint8_t *p = base + span - pg - len;
    if (len)
        memcpy(p, src, len);
    return p;
}

void h2t_guard_free(uint8_t *p, size_t len)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (len + pg - 1) / pg * pg + pg;
    munmap(p + len + pg - span, span);
}
