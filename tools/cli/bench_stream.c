/*
 * Captured-stream decode and frame-parse workloads of `h2codec bench`.
 * They need the frame codec (issue 4); until it lands they report nothing
 * (frames = 0), and the bench prints no line for them.
 */
#include "bench.h"

int bench_stream(size_t rounds, bench_stream_result *r)
{
    (void)rounds;
    r->frames = 0;
    r->parse_bytes = 0;
    return 0;
}
