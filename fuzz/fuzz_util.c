/* SPDX-License-Identifier: MIT */
/* fuzz_util.c -- see fuzz_util.h. */
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void h2c_fuzz_reader_init(h2c_fuzz_reader *r, const uint8_t *data, size_t size)
{
    r->p = data;
    r->left = data ? size : 0;
}

uint8_t h2c_fuzz_u8(h2c_fuzz_reader *r)
{
    if (r->left == 0)
        return 0;
    r->left--;
    return *r->p++;
}

uint16_t h2c_fuzz_u16(h2c_fuzz_reader *r)
{
    uint16_t hi = h2c_fuzz_u8(r);
    return (uint16_t)(hi << 8 | h2c_fuzz_u8(r));
}

uint32_t h2c_fuzz_u32(h2c_fuzz_reader *r)
{
    uint32_t hi = h2c_fuzz_u16(r);
    return hi << 16 | h2c_fuzz_u16(r);
}

uint32_t h2c_fuzz_range(h2c_fuzz_reader *r, uint32_t lo, uint32_t hi)
{
    uint32_t span, v = 0;
    if (hi <= lo)
        return lo;
    span = hi - lo;
    /* Take octets until the span is covered, as FuzzedDataProvider does. */
    for (uint32_t covered = 0; covered < span && r->left > 0; covered = covered << 8 | 0xff)
        v = v << 8 | h2c_fuzz_u8(r);
    if (span == UINT32_MAX)
        return lo + v;
    return lo + v % (span + 1);
}

int h2c_fuzz_bool(h2c_fuzz_reader *r)
{
    return h2c_fuzz_u8(r) & 1;
}

const uint8_t *h2c_fuzz_bytes(h2c_fuzz_reader *r, size_t want, size_t *got)
{
    const uint8_t *p = r->p;
    size_t n = want < r->left ? want : r->left;
    r->p += n;
    r->left -= n;
    *got = n;
    return p;
}

const uint8_t *h2c_fuzz_rest(h2c_fuzz_reader *r, size_t *got)
{
    return h2c_fuzz_bytes(r, r->left, got);
}

const uint8_t *h2c_fuzz_str8(h2c_fuzz_reader *r, size_t *got)
{
    return h2c_fuzz_bytes(r, h2c_fuzz_u8(r), got);
}

void h2c_fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
    fflush(stderr);
    abort();
}

int h2c_fuzz_eq(const void *a, size_t alen, const void *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

void h2c_fuzz_chunker_read(h2c_fuzz_chunker *c, h2c_fuzz_reader *r, size_t n)
{
    if (n > H2C_FUZZ_PATTERN_MAX)
        n = H2C_FUZZ_PATTERN_MAX;
    for (size_t i = 0; i < n; i++)
        c->pat[i] = h2c_fuzz_u8(r);
    c->n = n;
    c->pos = 0;
}

void h2c_fuzz_chunker_oneshot(h2c_fuzz_chunker *c)
{
    c->n = 0;
    c->pos = 0;
}

size_t h2c_fuzz_chunker_next(h2c_fuzz_chunker *c, size_t left)
{
    size_t sz;
    if (left == 0)
        return 0;
    if (c->n == 0)
        return left;
    sz = c->pat[c->pos];
    c->pos = (c->pos + 1) % c->n;
    return sz == 0 || sz > left ? left : sz;
}

void h2c_fuzz_frag_set(h2c_fuzz_frag *f, const uint8_t *src, size_t len)
{
    free(f->buf);
    /* malloc(0) may return NULL, so an empty fragment gets one octet. */
    f->buf = malloc(len ? len : 1);
    if (!f->buf)
        abort();
    if (len)
        memcpy(f->buf, src, len);
    f->len = len;
}

void h2c_fuzz_frag_free(h2c_fuzz_frag *f)
{
    free(f->buf);
    f->buf = NULL;
    f->len = 0;
}

void h2c_fuzz_feed_init(h2c_fuzz_feed *f, const h2c_fuzz_chunker *ch, int copy)
{
    memset(f, 0, sizeof *f);
    if (ch)
        f->ch = *ch;
    else
        h2c_fuzz_chunker_oneshot(&f->ch);
    f->copy = copy;
}

void h2c_fuzz_feed_begin(h2c_fuzz_feed *f, const uint8_t *in, size_t len)
{
    f->in = in;
    f->len = len;
    f->off = 0;
    f->cur = NULL;
    f->cur_len = 0;
    f->cur_off = 0;
}

int h2c_fuzz_feed_ready(h2c_fuzz_feed *f)
{
    size_t n;
    if (f->cur_off < f->cur_len)
        return 2;
    if (f->off == f->len)
        return 0;
    n = h2c_fuzz_chunker_next(&f->ch, f->len - f->off);
    if (f->copy) {
        h2c_fuzz_frag_set(&f->frag, f->in + f->off, n);
        f->cur = f->frag.buf;
    } else {
        f->cur = f->in + f->off;
    }
    f->cur_len = n;
    f->cur_off = 0;
    f->off += n;
    return 1;
}

void h2c_fuzz_feed_take(h2c_fuzz_feed *f, size_t n)
{
    H2C_FUZZ_CHECK(n <= f->cur_len - f->cur_off);
    f->cur_off += n;
}

void h2c_fuzz_feed_done(h2c_fuzz_feed *f)
{
    h2c_fuzz_frag_free(&f->frag);
    f->cur = NULL;
    f->cur_len = f->cur_off = 0;
}

void *h2c_fuzz_alloc_fn(void *opaque, size_t size)
{
    h2c_fuzz_alloc *a = opaque;
    a->calls++;
    if (a->fail_at != 0 && a->calls >= a->fail_at) {
        a->failed++;
        return NULL;
    }
    return malloc(size);
}

void h2c_fuzz_free_fn(void *opaque, void *ptr)
{
    (void)opaque;
    free(ptr);
}
