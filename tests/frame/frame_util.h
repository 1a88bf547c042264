/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the frame suites: an event digest that covers every field an
 * event carries (so two runs can be compared exactly), a driver that feeds
 * an input through parser (+ assembler) in chosen pieces, and a describer
 * for failure messages.
 */
#ifndef H2C_FRAME_TEST_UTIL_H
#define H2C_FRAME_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/frame.h>

/* Digest of one parser event (rc and everything in *ev that rc makes meaningful). */
uint64_t ft_event_digest(int rc, const h2c_frame_event *ev);
/* Digest of one assembler result for frame f (which the digest covers on errors). */
uint64_t ft_block_digest(int rc, const h2c_frame *f, const h2c_frame_block *b,
                         const h2c_error *err);

/* One line describing an event, for messages.  Returns buf. */
const char *ft_describe(int rc, const h2c_frame_event *ev, char *buf, size_t cap);

/* What a run saw: one digest per event, then the outcome. */
typedef struct ft_log {
    uint64_t *d;
    size_t n, cap;
    int first_rc;          /* first event other than EV_PREFACE (OK if none) */
    h2c_error first_err; /* its error, reason copied by pointer (static) */
    int end_rc;            /* last negative push/assembler rc, else finish() rc */
    uint64_t end_offset;   /* parser offset at the end */
    size_t frames;         /* frame events (FRAME, STREAM_ERROR, IGNORED) */
} ft_log;

void ft_log_free(ft_log *log);
/* Index of the first difference, or (size_t)-1 if equal (digests and outcome). */
size_t ft_log_diff(const ft_log *a, const ft_log *b);

typedef struct ft_config {
    h2c_frame_parser_options popt;
    int assemble;                   /* also run the assembler */
    h2c_frame_assembler_options aopt;
} ft_config;

/* Defaults: parser defaults, no assembler. */
void ft_config_init(ft_config *cfg);

/*
 * Feed in[0..len) as pieces: cuts[0..ncuts) are ascending offsets where a new
 * piece starts.  Each piece is copied into its own heap block, so a read past
 * a piece is a heap overflow under ASan.  Returns 0, or -1 on setup failure.
 */
int ft_run(const ft_config *cfg, const uint8_t *in, size_t len, const size_t *cuts, size_t ncuts,
           ft_log *log);
/* One piece. */
int ft_run_whole(const ft_config *cfg, const uint8_t *in, size_t len, ft_log *log);
/* Pieces of step octets. */
int ft_run_steps(const ft_config *cfg, const uint8_t *in, size_t len, size_t step, ft_log *log);

/* Run a suite with Check's normal output; returns the process exit status. */
#include <check.h>
int ft_run_suite(Suite *s);
/* Run a vector suite in one process: Check runs every case (each loop
 * iteration) in turn and reports each failing case with its message, as
 * when forking; a failed check ends its case only.  A crash ends the run.
 * CK_FORK=yes in the environment forks per case again.  Forking per case
 * cost test_frame_vectors 60 s under ASan, against 10 s in one process.
 * test_frame_streams (the client-stream corpus) runs this way too. */
int ft_run_suite_nofork(Suite *s);

#endif
