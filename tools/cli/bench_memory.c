// SPDX-License-Identifier: MIT
/*
 * `h2codec bench`: what a connection's HPACK pair holds, and decoding with a
 * large table.
 *
 * memory (bench_memory):
 *   hpack_pair_bytes          heap of a decoder + encoder after a raw-data
 *                             story (encoded by the encoder, decoded by the
 *                             decoder), 4096-octet tables: the median over
 *                             the stories (each on a new pair), counted
 *                             through the allocator hooks (octets asked
 *                             for, not malloc's own overhead)
 *   nghttp2_hpack_pair_bytes  the same for nghttp2's inflater + deflater,
 *                             through nghttp2_mem hooks
 *   hpack_pair_bytes_64k      as hpack_pair_bytes with both tables 65,536
 *   create_free_ns_64k        make and free a 64 KiB pair, median over rounds
 *   steady_allocs             allocations when every story runs again on
 *                             its reset pair: 0 once tables have grown
 *
 * hpack_decode_large_table (bench_large_table): every raw-data story, one
 * after the other, through one encoder with a 65,536-octet table that
 * indexes every field, as one connection; the bench decodes the blocks,
 * where most fields are indexes past 127.  Same keys as hpack_decode.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/hpack.h>
#ifdef H2C_HAVE_NGHTTP2
#include <nghttp2/nghttp2.h>
#endif

#include "bench.h"
#include "story.h"

#define TABLE_64K 65536u
#define CREATE_BATCH 1000

/* ------------------------------------------------------- byte counting */

/* Each block carries its size in a header as large as malloc's alignment. */
#define HDR sizeof(max_align_t)

typedef struct byte_count {
    size_t live;
    unsigned long calls;
} byte_count;

static void *bc_alloc(void *opaque, size_t n)
{
    byte_count *c = opaque;
    unsigned char *p = malloc(n + HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    c->live += n;
    c->calls++;
    return p + HDR;
}

static void bc_free(void *opaque, void *q)
{
    if (!q)
        return;
    byte_count *c = opaque;
    unsigned char *p = (unsigned char *)q - HDR;
    size_t n;
    memcpy(&n, p, sizeof n);
    c->live -= n;
    free(p);
}

#ifdef H2C_HAVE_NGHTTP2
static void *ng_malloc(size_t n, void *user)
{
    return bc_alloc(user, n);
}

static void ng_free(void *p, void *user)
{
    bc_free(user, p);
}

static void *ng_calloc(size_t nmemb, size_t size, void *user)
{
    if (size && nmemb > SIZE_MAX / size)
        return NULL;
    void *p = bc_alloc(user, nmemb * size);
    if (p)
        memset(p, 0, nmemb * size);
    return p;
}

static void *ng_realloc(void *q, size_t n, void *user)
{
    if (!q)
        return bc_alloc(user, n);
    size_t old;
    memcpy(&old, (unsigned char *)q - HDR, sizeof old);
    void *p = bc_alloc(user, n);
    if (!p)
        return NULL;
    memcpy(p, q, old < n ? old : n);
    bc_free(user, q);
    return p;
}

/* Inflate one whole block; adds the fields emitted to *fields.  0 or -1. */
int bench_ng_inflate_block(nghttp2_hd_inflater *inf, const uint8_t *in, size_t left,
                           size_t *fields)
{
    for (;;) {
        nghttp2_nv nv;
        int flags = 0;
        ssize_t r = nghttp2_hd_inflate_hd2(inf, &nv, &flags, in, left, 1);
        if (r < 0)
            return -1;
        in += r;
        left -= (size_t)r;
        if (flags & NGHTTP2_HD_INFLATE_EMIT)
            (*fields)++;
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(inf);
            return 0;
        }
        if (r == 0 && !(flags & NGHTTP2_HD_INFLATE_EMIT))
            return 0;
    }
}

/* nghttp2's view of a case's headers, in nv[0..n). */
static void to_nv(const story_case *sc, nghttp2_nv *nv)
{
    for (size_t h = 0; h < sc->n_headers; h++) {
        const h2c_hpack_field *f = &sc->headers[h];
        nv[h].name = (uint8_t *)(uintptr_t)f->name.ptr;
        nv[h].namelen = f->name.len;
        nv[h].value = (uint8_t *)(uintptr_t)f->value.ptr;
        nv[h].valuelen = f->value.len;
        nv[h].flags = NGHTTP2_NV_FLAG_NONE;
    }
}

static size_t most_headers(const story *st, size_t n)
{
    size_t most = 1;
    for (size_t s = 0; s < n; s++)
        for (size_t k = 0; k < st[s].n_cases; k++)
            if (st[s].cases[k].n_headers > most)
                most = st[s].cases[k].n_headers;
    return most;
}
#endif

/* ---------------------------------------------------------------- pairs */

typedef struct pair {
    h2c_hpack_decoder *dec;
    h2c_hpack_encoder *enc;
} pair;

static int pair_new(pair *p, uint32_t table, const h2c_allocator *a)
{
    h2c_hpack_decoder_options dopt;
    h2c_hpack_decoder_options_init(&dopt);
    dopt.max_table_size = table;
    dopt.allocator = a;
    h2c_hpack_encoder_options eopt;
    h2c_hpack_encoder_options_init(&eopt);
    eopt.max_table_size = table;
    eopt.allocator = a;
    p->enc = NULL;
    if (h2c_hpack_decoder_new(&p->dec, &dopt) != H2C_OK)
        return -1;
    if (h2c_hpack_encoder_new(&p->enc, &eopt) != H2C_OK) {
        h2c_hpack_decoder_free(p->dec);
        return -1;
    }
    /* The peer acknowledged the table size: the encoder may use it all. */
    h2c_hpack_encoder_set_max_table_size(p->enc, table);
    return 0;
}

static void pair_free(pair *p)
{
    h2c_hpack_encoder_free(p->enc);
    h2c_hpack_decoder_free(p->dec);
}

/* One block through the encoder, then the decoder. */
static int pair_block(pair *p, const story_case *sc, uint8_t *buf, size_t cap)
{
    size_t n, off = 0, used;
    if (h2c_hpack_encoder_encode(p->enc, sc->headers, sc->n_headers, buf, cap, &n) != H2C_OK)
        return -1;
    h2c_hpack_field f;
    int rc;
    while ((rc = h2c_hpack_decoder_push(p->dec, buf + off, n - off, &used, &f)) ==
           H2C_HPACK_FIELD)
        off += used;
    return rc == H2C_OK && h2c_hpack_decoder_finish(p->dec) == H2C_OK ? 0 : -1;
}

static int pair_story(pair *p, const story *st, uint8_t *buf, size_t cap)
{
    for (size_t k = 0; k < st->n_cases; k++)
        if (pair_block(p, &st->cases[k], buf, cap) != 0)
            return -1;
    return 0;
}

/* Median over the stories of a pair's heap after the story; with
 * steady != NULL, also the allocations of a second run after reset. */
static int ours_pair_bytes(const story *st, size_t n, uint32_t table, uint8_t *buf, size_t cap,
                           size_t *bytes, unsigned long *steady)
{
    double *v = calloc(n ? n : 1, sizeof *v);
    *bytes = 0;
    if (steady)
        *steady = 0;
    if (!v)
        return -1;
    for (size_t s = 0; s < n; s++) {
        byte_count c = {0, 0};
        h2c_allocator a = {bc_alloc, bc_free, &c};
        pair p;
        if (pair_new(&p, table, &a) != 0)
            return -1;
        int rc = pair_story(&p, &st[s], buf, cap);
        v[s] = (double)c.live;
        if (rc == 0 && steady) {
            h2c_hpack_decoder_reset(p.dec);
            h2c_hpack_encoder_reset(p.enc);
            h2c_hpack_encoder_set_max_table_size(p.enc, table);
            unsigned long before = c.calls;
            rc = pair_story(&p, &st[s], buf, cap);
            *steady += c.calls - before;
        }
        pair_free(&p);
        if (rc != 0) {
            free(v);
            return -1;
        }
    }
    *bytes = n ? (size_t)bench_median(v, n) : 0;
    free(v);
    return 0;
}

#ifdef H2C_HAVE_NGHTTP2
static int ng_pair_bytes(const story *st, size_t n, uint8_t *buf, size_t cap, size_t *bytes)
{
    *bytes = 0;
    nghttp2_nv *nv = malloc(most_headers(st, n) * sizeof *nv);
    double *v = calloc(n ? n : 1, sizeof *v);
    if (!nv || !v) {
        free(nv);
        free(v);
        return -1;
    }
    int rc = 0;
    for (size_t s = 0; rc == 0 && s < n; s++) {
        byte_count c = {0, 0};
        nghttp2_mem mem = {&c, ng_malloc, ng_free, ng_calloc, ng_realloc};
        nghttp2_hd_inflater *inf;
        nghttp2_hd_deflater *def;
        if (nghttp2_hd_inflate_new2(&inf, &mem) != 0) {
            rc = -1;
            break;
        }
        if (nghttp2_hd_deflate_new2(&def, 4096, &mem) != 0) {
            nghttp2_hd_inflate_del(inf);
            rc = -1;
            break;
        }
        for (size_t k = 0; rc == 0 && k < st[s].n_cases; k++) {
            const story_case *sc = &st[s].cases[k];
            to_nv(sc, nv);
            ssize_t w = nghttp2_hd_deflate_hd(def, buf, cap, nv, sc->n_headers);
            if (w < 0) {
                rc = -1;
                break;
            }
            size_t fields = 0;
            rc = bench_ng_inflate_block(inf, buf, (size_t)w, &fields);
        }
        v[s] = (double)c.live;
        nghttp2_hd_deflate_del(def);
        nghttp2_hd_inflate_del(inf);
    }
    if (rc == 0 && n)
        *bytes = (size_t)bench_median(v, n);
    free(nv);
    free(v);
    return rc;
}
#endif

/* Make and free CREATE_BATCH 64 KiB pairs; ns per pair. */
static double create_free_round(void)
{
    h2c_allocator a = {bc_alloc, bc_free, NULL};
    byte_count c = {0, 0};
    a.opaque = &c;
    double t0 = bench_now_ns();
    for (int i = 0; i < CREATE_BATCH; i++) {
        pair p;
        if (pair_new(&p, TABLE_64K, &a) != 0)
            return NAN;
        pair_free(&p);
    }
    return (bench_now_ns() - t0) / CREATE_BATCH;
}

int bench_memory(const story *st, size_t n, size_t rounds, bench_memory_result *r)
{
    size_t cap = 1 << 20;
    uint8_t *buf = malloc(cap);
    double *t = calloc(rounds, sizeof *t);
    int rc = buf && t ? 0 : -1;
    r->nghttp2_pair_bytes = 0;
    if (rc == 0)
        rc = ours_pair_bytes(st, n, 4096, buf, cap, &r->pair_bytes, &r->steady_allocs);
    if (rc == 0)
        rc = ours_pair_bytes(st, n, TABLE_64K, buf, cap, &r->pair_bytes_64k, NULL);
#ifdef H2C_HAVE_NGHTTP2
    if (rc == 0)
        rc = ng_pair_bytes(st, n, buf, cap, &r->nghttp2_pair_bytes);
#endif
    for (size_t i = 0; rc == 0 && i < rounds; i++)
        t[i] = create_free_round();
    if (rc == 0)
        r->create_free_ns_64k = bench_median(t, rounds);
    free(buf);
    free(t);
    return rc;
}

/* ------------------------------------------------- large-table decoding */

typedef struct block {
    uint8_t *wire;
    size_t len;
} block;

/* Encode every story as one connection with a 64 KiB table indexing every
 * field.  Returns the number of blocks, 0 on failure. */
static size_t large_blocks(const story *st, size_t n, block **out, size_t *fields)
{
    size_t total = 0;
    for (size_t s = 0; s < n; s++)
        total += st[s].n_cases;
    block *b = calloc(total ? total : 1, sizeof *b);
    h2c_hpack_encoder_options eopt;
    h2c_hpack_encoder_options_init(&eopt);
    eopt.max_table_size = TABLE_64K;
    eopt.policy_kind = H2C_HPACK_POLICY_ALWAYS;
    h2c_hpack_encoder *enc;
    if (!b || h2c_hpack_encoder_new(&enc, &eopt) != H2C_OK) {
        free(b);
        return 0;
    }
    h2c_hpack_encoder_set_max_table_size(enc, TABLE_64K);
    size_t k = 0;
    *fields = 0;
    for (size_t s = 0; s < n; s++) {
        for (size_t c = 0; c < st[s].n_cases; c++, k++) {
            const story_case *sc = &st[s].cases[c];
            size_t cap = h2c_hpack_encoder_bound(enc, sc->headers, sc->n_headers), w;
            b[k].wire = malloc(cap ? cap : 1);
            if (!b[k].wire || h2c_hpack_encoder_encode(enc, sc->headers, sc->n_headers,
                                                       b[k].wire, cap, &w) != H2C_OK) {
                h2c_hpack_encoder_free(enc);
                *out = b;
                return 0;
            }
            b[k].len = w;
            *fields += sc->n_headers;
        }
    }
    h2c_hpack_encoder_free(enc);
    *out = b;
    return total;
}

/* noinline: tools/callgrind counts instructions inside this function. */
__attribute__((noinline)) static size_t ours_bigtab_decode(const block *b, size_t n,
                                                           bench_alloc_count *ac)
{
    h2c_allocator a = bench_allocator(ac);
    h2c_hpack_decoder_options opt;
    h2c_hpack_decoder_options_init(&opt);
    opt.max_table_size = TABLE_64K;
    opt.allocator = &a;
    h2c_hpack_decoder *dec;
    ac->armed = 0;
    if (h2c_hpack_decoder_new(&dec, &opt) != H2C_OK)
        return 0;
    size_t fields = 0;
    for (size_t k = 0; k < n; k++) {
        ac->armed = k > 0; /* as in hpack_decode: the table's growth counts */
        size_t off = 0, used;
        h2c_hpack_field f;
        int rc;
        while ((rc = h2c_hpack_decoder_push(dec, b[k].wire + off, b[k].len - off, &used, &f)) ==
               H2C_HPACK_FIELD) {
            off += used;
            fields++;
        }
        if (rc != H2C_OK || h2c_hpack_decoder_finish(dec) != H2C_OK) {
            fields = 0;
            break;
        }
    }
    ac->armed = 0;
    h2c_hpack_decoder_free(dec);
    return fields;
}

#ifdef H2C_HAVE_NGHTTP2
/* noinline: tools/callgrind counts instructions inside this function. */
__attribute__((noinline)) static size_t ng_bigtab_decode(const block *b, size_t n)
{
    nghttp2_hd_inflater *inf;
    if (nghttp2_hd_inflate_new(&inf) != 0)
        return 0;
    nghttp2_hd_inflate_change_table_size(inf, TABLE_64K);
    size_t fields = 0;
    for (size_t k = 0; k < n; k++) {
        if (bench_ng_inflate_block(inf, b[k].wire, b[k].len, &fields) != 0) {
            fields = 0;
            break;
        }
    }
    nghttp2_hd_inflate_del(inf);
    return fields;
}
#endif

int bench_large_table(const story *st, size_t n, size_t rounds, bench_decode_result *r)
{
    block *b = NULL;
    size_t fields = 0, nb = large_blocks(st, n, &b, &fields);
    double *to = calloc(rounds, sizeof *to), *tn = calloc(rounds, sizeof *tn);
    bench_alloc_count ac = {0, 0};
    int rc = nb && to && tn ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < rounds; i++) {
        int ours_first = (i & 1) == 0;
        size_t a = 0, c = fields;
        tn[i] = NAN;
        for (int k = 0; k < 2; k++) {
            double t0 = bench_now_ns();
            if ((k == 0) == ours_first) {
                a = ours_bigtab_decode(b, nb, &ac);
                to[i] = (bench_now_ns() - t0) / (double)fields;
            } else {
#ifdef H2C_HAVE_NGHTTP2
                c = ng_bigtab_decode(b, nb);
                tn[i] = (bench_now_ns() - t0) / (double)fields;
#endif
            }
        }
        if (a != fields || c != fields)
            rc = -1;
    }
    if (rc == 0) {
        r->ours_ns = bench_median(to, rounds);
        r->nghttp2_ns = bench_median(tn, rounds);
        r->headers = fields;
        r->allocs = ac.steady;
        r->rounds = rounds;
    }
    for (size_t k = 0; b && k < nb; k++)
        free(b[k].wire);
    free(b);
    free(to);
    free(tn);
    return rc;
}

/* ------------------------------------------------------------- output */

static json_t *num_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

json_t *bench_memory_json(const bench_memory_result *m, int with_nghttp2)
{
    return json_pack("{s:I,s:o,s:I,s:f,s:I}", "hpack_pair_bytes", (json_int_t)m->pair_bytes,
                     "nghttp2_hpack_pair_bytes",
                     with_nghttp2 ? json_integer((json_int_t)m->nghttp2_pair_bytes)
                                  : json_null(),
                     "hpack_pair_bytes_64k", (json_int_t)m->pair_bytes_64k, "create_free_ns_64k",
                     m->create_free_ns_64k, "steady_allocs", (json_int_t)m->steady_allocs);
}

json_t *bench_decode_json(const bench_decode_result *d)
{
    return json_pack("{s:f,s:o,s:o,s:I,s:f,s:I}", "h2codec_ns_per_header", d->ours_ns,
                     "nghttp2_ns_per_header", num_or_null(d->nghttp2_ns), "ratio",
                     num_or_null(d->ours_ns / d->nghttp2_ns), "headers", (json_int_t)d->headers,
                     "h2codec_allocs_per_header",
                     (double)d->allocs / (double)d->rounds / (double)d->headers,
                     "h2codec_allocs", (json_int_t)d->allocs);
}

void bench_memory_print(const bench_memory_result *m, int with_nghttp2)
{
    printf("%-15s %8zu B", "pair_bytes", m->pair_bytes);
    if (with_nghttp2)
        printf(" %11zu B %8.3f", m->nghttp2_pair_bytes,
               (double)m->pair_bytes / (double)m->nghttp2_pair_bytes);
    printf("  decoder + encoder heap after a raw-data story, 4096-octet tables\n");
    printf("%-15s %8zu B  the same with 65,536-octet tables\n", "pair_bytes_64k",
           m->pair_bytes_64k);
    printf("%-15s %8.1f ns  make and free a 65,536-octet pair; %lu allocations when "
           "the stories run again\n",
           "create_free_64k", m->create_free_ns_64k, m->steady_allocs);
}

void bench_decode_print(const char *what, const bench_decode_result *d)
{
    printf("%-15s %11.1f ns ", what, d->ours_ns);
    if (isnan(d->nghttp2_ns))
        printf("%11s   %9s", "-", "-");
    else
        printf("%11.1f ns %9.3f", d->nghttp2_ns, d->ours_ns / d->nghttp2_ns);
    printf("  per header, %zu headers, 65,536-octet table\n", d->headers);
}
