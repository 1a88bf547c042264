/* SPDX-License-Identifier: MIT */
/*
 * h2codec bench [--json] [--rounds N] CORPUS
 *
 * Runs h2codec and nghttp2 (Debian's libnghttp2, linked into the CLI only)
 * in the same process, interleaved A B A B, and reports medians over the
 * rounds.  CORPUS is the folder the build unpacks corpus/ into
 * (build/corpus).  Workloads:
 *   hpack_decode   every block of CORPUS/hpack-test-case/nghttp2/ stories
 *                  (ns per header field)
 *   hpack_encode   every header list of CORPUS/hpack-test-case/raw-data/
 *                  (ns per field, ratios)
 *   huffman        encode and decode every raw-data string (MB/s, ours only:
 *                  nghttp2 exports no Huffman API)
 *   stream_decode  the shipped client captures through the whole receive path
 *                  (ns per frame; bench_stream.c)
 *   frame_parse    a DATA-heavy stream through the frame parser alone (GB/s)
 *   conn_request   browser-like requests through a server connection, each
 *                  answered with HEADERS + a small DATA and the output
 *                  drained, against nghttp2_session's server (ns per
 *                  request; bench_conn.c).  With it the heap of an idle
 *                  connection: conn_idle_heap_bytes after two requests,
 *                  conn_settings_heap_bytes after the SETTINGS exchange
 *                  (and nghttp2_ for nghttp2_session, through nghttp2_mem)
 *   hpack_decode_large_table, memory
 *                  decoding with a 64 KiB table, and what an HPACK pair
 *                  holds (bench_memory.c)
 * Allocations made after a context's first block (the growth of its
 * tables) are counted through the allocator hooks and reported per field;
 * memory.steady_allocs counts those of a second run, which must be none.
 *
 * Built without libnghttp2 (H2C_HAVE_NGHTTP2 undefined), the bench runs
 * h2codec alone: the nghttp2 figures print as "-", and as null in JSON,
 * whose keys stay the same.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <h2codec/hpack.h>
#ifdef H2C_HAVE_NGHTTP2
#include <nghttp2/nghttp2.h>
#endif

#include "bench.h"
#include "cli.h"
#include "huffman.h"
#include "story.h"

double bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Counting allocator: allocations after 'armed' is set count as steady state. */
static void *count_alloc(void *opaque, size_t n)
{
    bench_alloc_count *c = opaque;
    if (c->armed)
        c->steady++;
    return malloc(n);
}

static void count_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

h2c_allocator bench_allocator(bench_alloc_count *c)
{
    h2c_allocator a = {count_alloc, count_free, c};
    return a;
}

/* ---------------------------------------------------------------- corpus */

typedef struct corpus {
    story *stories;
    size_t n;
    size_t fields, blocks, plain; /* totals over all stories */
#ifdef H2C_HAVE_NGHTTP2
    nghttp2_nv **nva; /* per story, per case: nghttp2's view of the headers */
#endif
} corpus;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int corpus_load(corpus *c, const char *dir)
{
    memset(c, 0, sizeof *c);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "h2codec bench: cannot open %s\n", dir);
        return -1;
    }
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256)
        if (cli_has_suffix(e->d_name, ".json"))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    c->stories = calloc(n ? n : 1, sizeof *c->stories);
    int rc = c->stories ? 0 : -1;
#ifdef H2C_HAVE_NGHTTP2
    c->nva = calloc(n ? n : 1, sizeof *c->nva);
    if (!c->nva)
        rc = -1;
#endif
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        free(names[i]);
        if (rc == 0 && story_load(&c->stories[c->n], path) == 0)
            c->n++;
        else
            rc = -1;
    }
    for (size_t s = 0; rc == 0 && s < c->n; s++) {
        story *st = &c->stories[s];
#ifdef H2C_HAVE_NGHTTP2
        size_t total = 0;
        for (size_t k = 0; k < st->n_cases; k++)
            total += st->cases[k].n_headers;
        c->nva[s] = calloc(total ? total : 1, sizeof **c->nva);
        if (!c->nva[s])
            return -1;
        size_t at = 0;
#endif
        for (size_t k = 0; k < st->n_cases; k++) {
            story_case *sc = &st->cases[k];
            c->blocks++;
            for (size_t h = 0; h < sc->n_headers; h++) {
                h2c_hpack_field *f = &sc->headers[h];
#ifdef H2C_HAVE_NGHTTP2
                nghttp2_nv *nv = &c->nva[s][at++];
                nv->name = (uint8_t *)(uintptr_t)f->name.ptr;
                nv->namelen = f->name.len;
                nv->value = (uint8_t *)(uintptr_t)f->value.ptr;
                nv->valuelen = f->value.len;
                nv->flags = NGHTTP2_NV_FLAG_NONE;
#endif
                c->fields++;
                c->plain += f->name.len + f->value.len;
            }
        }
    }
    return rc;
}

static void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->n; i++)
        story_free(&c->stories[i]);
    free(c->stories);
#ifdef H2C_HAVE_NGHTTP2
    for (size_t i = 0; i < c->n; i++)
        free(c->nva[i]);
    free(c->nva);
#endif
}

/* ---------------------------------------------------------------- decode */

/* One pass of our decoder over every story; returns fields decoded or 0. */
/* noinline: tools/callgrind counts instructions inside this function. */
__attribute__((noinline)) static size_t ours_decode(const corpus *c, bench_alloc_count *ac)
{
    h2c_allocator a = bench_allocator(ac);
    h2c_hpack_decoder_options opt;
    h2c_hpack_decoder_options_init(&opt);
    opt.allocator = &a;
    size_t fields = 0;
    for (size_t s = 0; s < c->n; s++) {
        h2c_hpack_decoder *dec;
        ac->armed = 0;
        if (h2c_hpack_decoder_new(&dec, &opt) != H2C_OK)
            return 0;
        const story *st = &c->stories[s];
        for (size_t k = 0; k < st->n_cases; k++) {
            const story_case *sc = &st->cases[k];
            /* The first block of a story warms the context up. */
            ac->armed = k > 0;
            if (sc->table_size >= 0)
                h2c_hpack_decoder_set_max_table_size(dec, (uint32_t)sc->table_size);
            size_t off = 0, used;
            h2c_hpack_field f;
            int rc;
            while ((rc = h2c_hpack_decoder_push(dec, sc->wire + off, sc->wire_len - off, &used,
                                                &f)) == H2C_HPACK_FIELD) {
                off += used;
                fields++;
            }
            if (rc != H2C_OK || h2c_hpack_decoder_finish(dec) != H2C_OK) {
                h2c_hpack_decoder_free(dec);
                return 0;
            }
        }
        h2c_hpack_decoder_free(dec);
    }
    ac->armed = 0;
    return fields;
}

#ifdef H2C_HAVE_NGHTTP2
/* noinline: tools/callgrind counts instructions inside this function. */
__attribute__((noinline)) static size_t ng_decode(const corpus *c)
{
    size_t fields = 0;
    for (size_t s = 0; s < c->n; s++) {
        nghttp2_hd_inflater *inf;
        if (nghttp2_hd_inflate_new(&inf) != 0)
            return 0;
        const story *st = &c->stories[s];
        for (size_t k = 0; k < st->n_cases; k++) {
            const story_case *sc = &st->cases[k];
            if (sc->table_size >= 0)
                nghttp2_hd_inflate_change_table_size(inf, (size_t)sc->table_size);
            if (bench_ng_inflate_block(inf, sc->wire, sc->wire_len, &fields) != 0) {
                nghttp2_hd_inflate_del(inf);
                return 0;
            }
        }
        nghttp2_hd_inflate_del(inf);
    }
    return fields;
}
#endif

/* ---------------------------------------------------------------- encode */

typedef struct enc_result {
    size_t fields, wire;
} enc_result;

/* noinline: tools/callgrind counts instructions inside this function. */
__attribute__((noinline)) static enc_result ours_encode(const corpus *c, uint8_t *buf,
                                                        size_t cap, bench_alloc_count *ac)
{
    enc_result r = {0, 0};
    h2c_allocator a = bench_allocator(ac);
    h2c_hpack_encoder_options opt;
    h2c_hpack_encoder_options_init(&opt);
    opt.allocator = &a;
    for (size_t s = 0; s < c->n; s++) {
        h2c_hpack_encoder *enc;
        ac->armed = 0;
        if (h2c_hpack_encoder_new(&enc, &opt) != H2C_OK)
            return (enc_result){0, 0};
        const story *st = &c->stories[s];
        for (size_t k = 0; k < st->n_cases; k++) {
            const story_case *sc = &st->cases[k];
            ac->armed = k > 0;
            if (sc->table_size >= 0)
                h2c_hpack_encoder_set_max_table_size(enc, (uint32_t)sc->table_size);
            size_t n;
            if (h2c_hpack_encoder_encode(enc, sc->headers, sc->n_headers, buf, cap, &n) !=
                H2C_OK) {
                h2c_hpack_encoder_free(enc);
                return (enc_result){0, 0};
            }
            r.fields += sc->n_headers;
            r.wire += n;
        }
        h2c_hpack_encoder_free(enc);
    }
    ac->armed = 0;
    return r;
}

#ifdef H2C_HAVE_NGHTTP2
/* noinline: tools/callgrind counts instructions inside this function. */
__attribute__((noinline)) static enc_result ng_encode(const corpus *c, uint8_t *buf, size_t cap)
{
    enc_result r = {0, 0};
    for (size_t s = 0; s < c->n; s++) {
        nghttp2_hd_deflater *def;
        if (nghttp2_hd_deflate_new(&def, 4096) != 0)
            return (enc_result){0, 0};
        const story *st = &c->stories[s];
        size_t at = 0;
        for (size_t k = 0; k < st->n_cases; k++) {
            const story_case *sc = &st->cases[k];
            if (sc->table_size >= 0)
                nghttp2_hd_deflate_change_table_size(def, (size_t)sc->table_size);
            ssize_t n = nghttp2_hd_deflate_hd(def, buf, cap, c->nva[s] + at, sc->n_headers);
            at += sc->n_headers;
            if (n < 0) {
                nghttp2_hd_deflate_del(def);
                return (enc_result){0, 0};
            }
            r.fields += sc->n_headers;
            r.wire += (size_t)n;
        }
        nghttp2_hd_deflate_del(def);
    }
    return r;
}
#endif

/* --------------------------------------------------------------- huffman */

typedef struct huff_bench {
    double enc_mbps, dec_mbps;
} huff_bench;

/* Encode then decode every name and value of raw-data; MB/s of plain text.
 * The encoded length of each string is recorded while encoding (elen has
 * room for two per field), so the decode timing covers decoding alone. */
static int huffman_round(const corpus *c, uint8_t *buf, uint8_t *out, size_t *elen,
                         huff_bench *hb)
{
    double t0 = bench_now_ns();
    size_t enc_total = 0, k2 = 0;
    for (size_t s = 0; s < c->n; s++)
        for (size_t k = 0; k < c->stories[s].n_cases; k++) {
            const story_case *sc = &c->stories[s].cases[k];
            for (size_t h = 0; h < sc->n_headers; h++) {
                const h2c_hpack_field *f = &sc->headers[h];
                size_t a = h2c_huff_encode(buf + enc_total, f->name.ptr, f->name.len);
                size_t b = h2c_huff_encode(buf + enc_total + a, f->value.ptr, f->value.len);
                elen[k2++] = a;
                elen[k2++] = b;
                enc_total += a + b;
            }
        }
    double t1 = bench_now_ns();
    size_t at = 0, dec_total = 0;
    for (size_t i = 0; i < k2; i++) {
        h2c_huff_dec st;
        h2c_huff_dec_init(&st);
        ptrdiff_t n = h2c_huff_decode(&st, out, buf + at, elen[i]);
        if (n < 0 || h2c_huff_dec_finish(&st) != 0)
            return -1;
        at += elen[i];
        dec_total += (size_t)n;
    }
    double t2 = bench_now_ns();
    /* Check once, outside the timing, that it all came back. */
    size_t plain = 0;
    for (size_t s = 0; s < c->n; s++)
        for (size_t k = 0; k < c->stories[s].n_cases; k++) {
            const story_case *sc = &c->stories[s].cases[k];
            for (size_t h = 0; h < sc->n_headers; h++)
                plain += sc->headers[h].name.len + sc->headers[h].value.len;
        }
    hb->enc_mbps = (double)dec_total / ((t1 - t0) / 1e3);
    hb->dec_mbps = (double)dec_total / ((t2 - t1) / 1e3);
    return at == enc_total && dec_total == plain ? 0 : -1;
}

/* ------------------------------------------------------------------ main */

static int usage(FILE *f)
{
    fputs("usage: h2codec bench [--json] [--rounds N] CORPUS\n"
          "  CORPUS    the folder the build unpacks corpus/ into (build/corpus): its\n"
          "            hpack-test-case/, captures/ and nghttp-client-streams/\n"
          "  --rounds  rounds per workload, median reported (default 11)\n"
          "  --json    one JSON object instead of a table\n",
          f);
    return f == stdout ? CLI_OK : CLI_USAGE;
}

/* nghttp2's figures: NAN when the CLI was built without it, which the
 * table prints as "-" and JSON as null. */
#ifdef H2C_HAVE_NGHTTP2
static const char *const ngh_version = NGHTTP2_VERSION;
#else
static const char *const ngh_version = NULL;
#endif

static json_t *json_num(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

/* Print a figure right-aligned in w columns with prec decimals, or "-"
 * for NAN. */
static void put_num(int w, int prec, double v)
{
    if (isnan(v))
        printf("%*s", w, "-");
    else
        printf("%*.*f", w, prec, v);
}

int cmd_bench(int argc, char **argv)
{
    static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
                                             {"rounds", required_argument, NULL, 'r'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int json = 0, opt;
    size_t rounds = 11;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j': json = 1; break;
        case 'r': rounds = (size_t)cli_parse_uint("--rounds", optarg, 1000); break;
        case 'h': return usage(stdout);
        default: return usage(stderr);
        }
    }
    if (optind != argc - 1 || rounds == 0)
        return usage(stderr);
    const char *root = argv[optind];

    char path[4096];
    corpus dcorp, ecorp;
    snprintf(path, sizeof path, "%s/hpack-test-case/nghttp2", root);
    if (corpus_load(&dcorp, path) != 0)
        return CLI_USAGE;
    snprintf(path, sizeof path, "%s/hpack-test-case/raw-data", root);
    if (corpus_load(&ecorp, path) != 0) {
        corpus_free(&dcorp);
        return CLI_USAGE;
    }

    double *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = calloc(rounds, sizeof(double));
    size_t cap = 1 << 20;
    uint8_t *buf = malloc(cap), *huf = malloc(ecorp.plain * 4 + 16), *out = malloc(1 << 16);
    size_t *elen = malloc((2 * ecorp.fields + 1) * sizeof *elen);
    bench_alloc_count dec_ac = {0, 0}, enc_ac = {0, 0};
    enc_result er_ours = {0, 0}, er_ng = {0, 0};
    int status = CLI_OK;
    huff_bench hb = {0, 0};
    double *he = calloc(rounds, sizeof(double)), *hd = calloc(rounds, sizeof(double));
    for (size_t r = 0; r < rounds && status == CLI_OK; r++) {
        /* A B in even rounds, B A in odd ones: neither library always runs
         * right after the other's heap and cache traffic. */
        int ours_first = (r & 1) == 0;
        double dec_o = 0, dec_n = NAN, enc_o = 0, enc_n = NAN;
        size_t a = 0, b = dcorp.fields;
        for (int k = 0; k < 2; k++) {
            double t0 = bench_now_ns();
            if ((k == 0) == ours_first) {
                a = ours_decode(&dcorp, &dec_ac);
                dec_o = bench_now_ns() - t0;
            } else {
#ifdef H2C_HAVE_NGHTTP2
                b = ng_decode(&dcorp);
                dec_n = bench_now_ns() - t0;
#endif
            }
        }
        er_ng.fields = ecorp.fields;
        for (int k = 0; k < 2; k++) {
            double t0 = bench_now_ns();
            if ((k == 0) == ours_first) {
                er_ours = ours_encode(&ecorp, buf, cap, &enc_ac);
                enc_o = bench_now_ns() - t0;
            } else {
#ifdef H2C_HAVE_NGHTTP2
                er_ng = ng_encode(&ecorp, buf, cap);
                enc_n = bench_now_ns() - t0;
#endif
            }
        }
        if (a != dcorp.fields || b != dcorp.fields || er_ours.fields != ecorp.fields ||
            er_ng.fields != ecorp.fields || huffman_round(&ecorp, huf, out, elen, &hb) != 0) {
            fprintf(stderr, "h2codec bench: a workload failed (decoded %zu and %zu of %zu)\n", a,
                    b, dcorp.fields);
            status = CLI_FAIL;
        }
        t[0][r] = dec_o / (double)dcorp.fields;
        t[1][r] = dec_n / (double)dcorp.fields;
        t[2][r] = enc_o / (double)ecorp.fields;
        t[3][r] = enc_n / (double)ecorp.fields;
        he[r] = hb.enc_mbps;
        hd[r] = hb.dec_mbps;
    }
    bench_stream_result sr = {0};
    if (status == CLI_OK && bench_stream(root, rounds, &sr) != 0)
        status = CLI_FAIL;
    bench_memory_result mr = {0};
    bench_decode_result lr = {0};
    if (status == CLI_OK && (bench_memory(ecorp.stories, ecorp.n, rounds, &mr) != 0 ||
                             bench_large_table(ecorp.stories, ecorp.n, rounds, &lr) != 0)) {
        fprintf(stderr, "h2codec bench: the memory or large-table workload failed\n");
        status = CLI_FAIL;
    }
    bench_conn_result cr;
    if (status == CLI_OK && bench_conn(rounds, &cr) != 0)
        status = CLI_FAIL;
    if (status == CLI_OK) {
        double dec_o = bench_median(t[0], rounds), dec_n = bench_median(t[1], rounds);
        double enc_o = bench_median(t[2], rounds), enc_n = bench_median(t[3], rounds);
        double ratio_o = (double)er_ours.wire / (double)ecorp.plain;
        double ratio_n = ngh_version ? (double)er_ng.wire / (double)ecorp.plain : NAN;
        double hme = bench_median(he, rounds), hmd = bench_median(hd, rounds);
        double dec_allocs = (double)dec_ac.steady / (double)rounds / (double)dcorp.fields;
        double enc_allocs = (double)enc_ac.steady / (double)rounds / (double)ecorp.fields;
        double sd_o = sr.ours_ns_per_frame, sd_n = sr.nghttp2_ns_per_frame;
        if (json) {
            json_t *o = json_pack(
                "{s:{s:f,s:o,s:o,s:I,s:f,s:I},s:{s:f,s:o,s:o,s:f,s:o,s:f,s:I,s:I},s:{s:f,s:f},"
                "s:{s:f,s:o,s:o,s:I,s:o,s:I},s:{s:f,s:I},s:I,s:o}",
                "hpack_decode", "h2codec_ns_per_header", dec_o, "nghttp2_ns_per_header",
                json_num(dec_n), "ratio", json_num(dec_o / dec_n), "headers",
                (json_int_t)dcorp.fields, "h2codec_allocs_per_header", dec_allocs,
                "h2codec_allocs", (json_int_t)dec_ac.steady, "hpack_encode",
                "h2codec_ns_per_header", enc_o, "nghttp2_ns_per_header", json_num(enc_n),
                "time_ratio", json_num(enc_o / enc_n), "h2codec_ratio", ratio_o, "nghttp2_ratio",
                json_num(ratio_n), "h2codec_allocs_per_header", enc_allocs, "h2codec_allocs",
                (json_int_t)enc_ac.steady, "headers", (json_int_t)ecorp.fields, "huffman",
                "encode_mb_per_s", hme, "decode_mb_per_s", hmd, "stream_decode",
                "h2codec_ns_per_frame", sd_o, "nghttp2_ns_per_frame", json_num(sd_n), "ratio",
                json_num(sd_o / sd_n), "frames", (json_int_t)sr.frames, "nghttp2_frames",
                ngh_version ? json_integer((json_int_t)sr.nghttp2_frames) : json_null(),
                "passes_per_round", (json_int_t)sr.passes, "frame_parse", "gb_per_s",
                sr.parse_gb_per_s, "bytes", (json_int_t)sr.parse_bytes, "rounds",
                (json_int_t)rounds, "nghttp2_version",
                ngh_version ? json_string(ngh_version) : json_null());
            json_object_set_new(o, "hpack_decode_large_table", bench_decode_json(&lr));
            json_object_set_new(o, "memory", bench_memory_json(&mr, ngh_version != NULL));
            json_object_set_new(
                o, "conn_request",
                json_pack("{s:f,s:o,s:o,s:I,s:f,s:I,s:o}", "h2codec_ns_per_request",
                          cr.h2codec_ns_per_request, "nghttp2_ns_per_request",
                          json_num(cr.nghttp2_ns_per_request), "ratio", json_num(cr.ratio),
                          "requests", (json_int_t)cr.requests, "h2codec_allocs_per_request",
                          cr.h2codec_allocs_per_request, "h2codec_allocs",
                          (json_int_t)cr.h2codec_allocs, "nghttp2_allocs_per_request",
                          json_num(cr.nghttp2_allocs_per_request)));
            json_object_set_new(o, "conn_idle_heap_bytes",
                                json_integer((json_int_t)cr.h2codec_heap_idle));
            json_object_set_new(o, "nghttp2_conn_idle_heap_bytes",
                                ngh_version ? json_integer(cr.nghttp2_heap_idle) : json_null());
            json_object_set_new(o, "conn_settings_heap_bytes",
                                json_integer((json_int_t)cr.h2codec_heap_settings));
            json_object_set_new(o, "nghttp2_conn_settings_heap_bytes",
                                ngh_version ? json_integer(cr.nghttp2_heap_settings)
                                            : json_null());
            json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            fputc('\n', stdout);
            json_decref(o);
        } else {
            if (ngh_version)
                printf("h2codec bench: median of %zu rounds, nghttp2 %s in the same process\n",
                       rounds, ngh_version);
            else
                printf("h2codec bench: median of %zu rounds, h2codec alone (built without "
                       "libnghttp2)\n",
                       rounds);
            printf("%-15s %14s %14s %8s\n", "workload", "h2codec", "nghttp2", "ratio");
            static const char *const what[] = {"hpack_decode", "hpack_encode"};
            const double ours[] = {dec_o, enc_o}, theirs[] = {dec_n, enc_n};
            for (int i = 0; i < 2; i++) {
                printf("%-15s %11.1f ns ", what[i], ours[i]);
                put_num(11, 1, theirs[i]);
                printf(isnan(theirs[i]) ? "   " : " ns");
                put_num(9, 3, ours[i] / theirs[i]);
                printf("  per header, %zu headers\n", i ? ecorp.fields : dcorp.fields);
            }
            printf("%-15s %14.4f ", "compression", ratio_o);
            put_num(14, 4, ratio_n);
            printf("           wire / plain octets\n");
            printf("%-15s %9.1f MB/s encode, %.1f MB/s decode\n", "huffman", hme, hmd);
            if (sr.frames) {
                printf("%-15s %11.1f ns ", "stream_decode", sd_o);
                put_num(11, 1, sd_n);
                printf(isnan(sd_n) ? "   " : " ns");
                put_num(9, 3, sd_o / sd_n);
                printf("  per frame, %zu frames\n", sr.frames);
            }
            if (sr.parse_bytes)
                printf("%-15s %11.2f GB/s  frame parsing alone, DATA-heavy stream\n",
                       "frame_parse", sr.parse_gb_per_s);
            bench_decode_print("decode_64k", &lr);
            bench_memory_print(&mr, ngh_version != NULL);
            printf("%-15s %11.1f ns ", "conn_request", cr.h2codec_ns_per_request);
            put_num(11, 1, cr.nghttp2_ns_per_request);
            printf(isnan(cr.nghttp2_ns_per_request) ? "   " : " ns");
            put_num(9, 3, cr.ratio);
            printf("  per request, %zu requests (ratio: median of rounds)\n", cr.requests);
            printf("%-15s %8zu B ", "conn_idle_heap", cr.h2codec_heap_idle);
            if (ngh_version)
                printf("%11ld B", cr.nghttp2_heap_idle);
            else
                printf("%13s", "-");
            printf("            after two requests (after SETTINGS: %zu B",
                   cr.h2codec_heap_settings);
            if (ngh_version)
                printf(" and %ld B", cr.nghttp2_heap_settings);
            printf(")\n");
            printf("%-15s %.4f per request, steady state (%lu in %zu rounds)", "conn_allocs",
                   cr.h2codec_allocs_per_request, cr.h2codec_allocs, rounds);
            if (ngh_version)
                printf("; nghttp2 %.2f", cr.nghttp2_allocs_per_request);
            printf("\n");
            printf(
                "%-15s %.4f decode, %.4f encode  heap allocations per header while tables grow"
                " (%lu and %lu in %zu rounds)\n",
                "allocations", dec_allocs, enc_allocs, dec_ac.steady, enc_ac.steady, rounds);
        }
    }
    for (int i = 0; i < 4; i++)
        free(t[i]);
    free(he);
    free(hd);
    free(buf);
    free(huf);
    free(out);
    free(elen);
    corpus_free(&dcorp);
    corpus_free(&ecorp);
    return status;
}
