/* SPDX-License-Identifier: MIT */
/* Shared pieces of `h2codec bench` (cmd_bench.c, bench_stream.c, bench_conn.c). */
#ifndef H2C_CLI_BENCH_H
#define H2C_CLI_BENCH_H

#include <stddef.h>

#include <h2codec/hpack.h>

double bench_now_ns(void);
/* Median of v[0..n); sorts v. */
double bench_median(double *v, size_t n);

/* Allocation counter behind the allocator hooks. */
typedef struct bench_alloc_count {
    int armed;            /* count allocations now: the context is past warm-up */
    unsigned long steady; /* allocations counted */
} bench_alloc_count;

h2c_allocator bench_allocator(bench_alloc_count *c);

typedef struct bench_stream_result {
    double ours_ns_per_frame, nghttp2_ns_per_frame; /* captured-stream decode */
    size_t frames;                                  /* frames our pipeline reported */
    size_t nghttp2_frames;                          /* frames nghttp2's on_frame_recv saw */
    size_t passes;         /* passes over the captures per round, for each library */
    double parse_gb_per_s; /* frame parsing alone on a DATA-heavy stream */
    size_t parse_bytes;
} bench_stream_result;

/* Captured-stream and frame-parse workloads on the corpus under root; 0 on success. */
int bench_stream(const char *root, size_t rounds, bench_stream_result *r);

/* HPACK pair memory (bench_memory.c). */
typedef struct bench_memory_result {
    size_t pair_bytes;           /* decoder + encoder heap, 4096-octet tables */
    size_t nghttp2_pair_bytes;   /* inflater + deflater; 0 without nghttp2 */
    size_t pair_bytes_64k;       /* 65,536-octet tables */
    double create_free_ns_64k;   /* make and free a 64 KiB pair */
    unsigned long steady_allocs; /* allocations when the stories run again */
} bench_memory_result;

/* A decode workload's figures (the keys of hpack_decode). */
typedef struct bench_decode_result {
    double ours_ns, nghttp2_ns; /* per header; nghttp2_ns NaN without it */
    size_t headers;
    unsigned long allocs; /* counted after each context's first block */
    size_t rounds;
} bench_decode_result;

struct story;
/* Memory figures over the raw-data stories st[0..n); 0 on success. */
int bench_memory(const struct story *st, size_t n, size_t rounds, bench_memory_result *r);
/* The hpack_decode_large_table workload on the raw-data stories; 0 on success. */
int bench_large_table(const struct story *st, size_t n, size_t rounds, bench_decode_result *r);

#ifdef H2C_HAVE_NGHTTP2
#include <nghttp2/nghttp2.h>
/* Inflate one whole block; adds the fields emitted to *fields.  0 or -1. */
int bench_ng_inflate_block(nghttp2_hd_inflater *inf, const uint8_t *in, size_t left,
                           size_t *fields);
#endif

#include <jansson.h>
json_t *bench_memory_json(const bench_memory_result *m, int with_nghttp2);
json_t *bench_decode_json(const bench_decode_result *d);
void bench_memory_print(const bench_memory_result *m, int with_nghttp2);
void bench_decode_print(const char *what, const bench_decode_result *d);
typedef struct bench_conn_result {
    double h2codec_ns_per_request, nghttp2_ns_per_request;
    double ratio;                 /* median over rounds of ours / nghttp2's */
    size_t requests;              /* timed requests per round and library */
    unsigned long h2codec_allocs; /* allocations during the timed requests, all rounds */
    double h2codec_allocs_per_request, nghttp2_allocs_per_request;
    size_t h2codec_heap_settings;                  /* live heap after the SETTINGS exchange */
    size_t h2codec_heap_idle;                      /* ... and after two requests completed */
    long nghttp2_heap_settings, nghttp2_heap_idle; /* -1 without nghttp2 */
} bench_conn_result;

/* Requests through a server connection, ours and nghttp2_session's; 0 on success. */
int bench_conn(size_t rounds, bench_conn_result *r);

#endif
