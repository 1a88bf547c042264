/* SPDX-License-Identifier: MIT */
#include "dec_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hpack_int.h"
#include "huffman.h"
#include "testutil.h"

static char *dup_mem(const void *p, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        abort();
    if (n)
        memcpy(d, p, n);
    d[n] = 0;
    return d;
}

void dt_list_free(dt_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->f[i].name);
        free(l->f[i].value);
    }
    free(l->f);
    memset(l, 0, sizeof *l);
}

void dt_list_add(dt_list *l, const h2c_hpack_field *f)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->f = realloc(l->f, l->cap * sizeof *l->f);
        if (!l->f)
            abort();
    }
    dt_field *d = &l->f[l->n++];
    d->name = dup_mem(f->name.ptr, f->name.len);
    d->name_len = f->name.len;
    d->value = dup_mem(f->value.ptr, f->value.len);
    d->value_len = f->value.len;
    d->indexing = f->indexing;
    d->flags = f->flags;
    d->index = f->index;
}

int dt_list_equal(const dt_list *a, const dt_list *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const dt_field *x = &a->f[i], *y = &b->f[i];
        if (x->name_len != y->name_len || memcmp(x->name, y->name, x->name_len) ||
            x->value_len != y->value_len || memcmp(x->value, y->value, x->value_len) ||
            x->indexing != y->indexing || x->flags != y->flags || x->index != y->index)
            return 0;
    }
    return 1;
}

int dt_field_is(const dt_list *l, size_t i, const char *name, const char *value)
{
    if (i >= l->n)
        return 0;
    const dt_field *f = &l->f[i];
    return f->name_len == strlen(name) && memcmp(f->name, name, f->name_len) == 0 &&
           f->value_len == strlen(value) && memcmp(f->value, value, f->value_len) == 0;
}

/* Push one piece until it is consumed; fields are copied before the next
 * push, as the lifetime rule requires. */
static int push_piece(h2c_hpack_decoder *dec, const uint8_t *src, size_t n, int mode,
                      dt_list *out)
{
    uint8_t *buf;
    if (mode == DT_GUARD) {
        buf = h2t_guard_copy(src, n);
        if (!buf)
            abort();
    } else {
        buf = malloc(n ? n : 1);
        if (!buf)
            abort();
        if (n)
            memcpy(buf, src, n);
    }
    size_t off = 0;
    int rc;
    for (;;) {
        size_t used = 0;
        h2c_hpack_field f;
        rc = h2c_hpack_decoder_push(dec, buf + off, n - off, &used, &f);
        off += used;
        if (rc == H2C_HPACK_FIELD) {
            if (!f.name.ptr || !f.value.ptr || f.reserved)
                abort(); /* pointers are never NULL, even for "" */
            dt_list_add(out, &f);
            continue;
        }
        break;
    }
    if (rc == H2C_OK && off != n)
        abort(); /* OK must mean the piece was consumed */
    if (mode == DT_GUARD) {
        h2t_guard_free(buf, n);
    } else {
        /* Anything the decoder kept pointing into the piece now reads junk. */
        memset(buf, 0xa5, n);
        free(buf);
    }
    return rc;
}

int dt_decode_cuts(h2c_hpack_decoder *dec, const uint8_t *wire, size_t len,
                   const size_t *cuts, size_t ncuts, int mode, dt_list *out)
{
    size_t start = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t stop = i < ncuts ? cuts[i] : len;
        int rc = push_piece(dec, wire + start, stop - start, mode, out);
        if (rc < 0)
            return rc;
        start = stop;
    }
    return h2c_hpack_decoder_finish(dec);
}

int dt_decode(h2c_hpack_decoder *dec, const uint8_t *wire, size_t len, int mode, dt_list *out)
{
    return dt_decode_cuts(dec, wire, len, NULL, 0, mode, out);
}

int dt_decode_step(h2c_hpack_decoder *dec, const uint8_t *wire, size_t len, size_t step,
                   int mode, dt_list *out)
{
    for (size_t start = 0; start < len; start += step) {
        size_t n = len - start < step ? len - start : step;
        int rc = push_piece(dec, wire + start, n, mode, out);
        if (rc < 0)
            return rc;
    }
    return h2c_hpack_decoder_finish(dec);
}

size_t dt_put_str(uint8_t *buf, const char *s, size_t len, int huff)
{
    if (!huff) {
        size_t n = h2c_int_encode(buf, 0x00, 7, (uint32_t)len);
        if (len)
            memcpy(buf + n, s, len);
        return n + len;
    }
    size_t hl = h2c_huff_encoded_len((const uint8_t *)s, len);
    size_t n = h2c_int_encode(buf, 0x80, 7, (uint32_t)hl);
    return n + h2c_huff_encode(buf + n, (const uint8_t *)s, len);
}

size_t dt_put_literal(uint8_t *buf, uint8_t pattern, const char *n, size_t nl, const char *v,
                      size_t vl, int huff)
{
    size_t k = 0;
    buf[k++] = pattern;
    k += dt_put_str(buf + k, n, nl, huff);
    k += dt_put_str(buf + k, v, vl, huff);
    return k;
}

int dt_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

int dt_run_suite_nofork(Suite *s)
{
    SRunner *sr = srunner_create(s);
    if (!getenv("CK_FORK"))
        srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
