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
    size_t frames;         /* frames our pipeline reported */
    size_t nghttp2_frames; /* frames nghttp2's on_frame_recv saw */
    size_t passes;         /* passes over the captures per round, for each library */
    double parse_gb_per_s; /* frame parsing alone on a DATA-heavy stream */
    size_t parse_bytes;
} bench_stream_result;

/* Captured-stream and frame-parse workloads on the corpus under root; 0 on success. */
int bench_stream(const char *root, size_t rounds, bench_stream_result *r);

typedef struct bench_conn_result {
    double h2codec_ns_per_request, nghttp2_ns_per_request;
    double ratio;                      /* median over rounds of ours / nghttp2's */
    size_t requests;                   /* timed requests per round and library */
    unsigned long h2codec_allocs;      /* allocations during the timed requests, all rounds */
    double h2codec_allocs_per_request, nghttp2_allocs_per_request;
    size_t h2codec_heap_settings;      /* live heap after the SETTINGS exchange */
    size_t h2codec_heap_idle;          /* ... and after two requests completed */
    long nghttp2_heap_settings, nghttp2_heap_idle; /* -1 without nghttp2 */
} bench_conn_result;

/* Requests through a server connection, ours and nghttp2_session's; 0 on success. */
int bench_conn(size_t rounds, bench_conn_result *r);

#endif
