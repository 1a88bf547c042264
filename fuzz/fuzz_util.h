/* SPDX-License-Identifier: MIT */
/*
 * fuzz_util.h -- helpers shared by the h2codec fuzz targets.
 *
 * A small FuzzedDataProvider-like reader for C: config values are taken from
 * the front of the input, in order, and a short input simply yields zeros,
 * so every input is valid and the targets never reject anything.
 *
 * Also: the check macro (prints and aborts, which libFuzzer, AFL++ and the
 * replay main all report as a crash) and a chunk-size pattern that the
 * streaming checks use to cut input into fragments.
 *
 * Nothing here keeps state between inputs.
 */
#ifndef H2C_FUZZ_UTIL_H
#define H2C_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------
 * Reader
 * ---------------------------------------------------------------------- */

typedef struct h2c_fuzz_reader {
    const uint8_t *p; /* next unread octet */
    size_t left;      /* octets left */
} h2c_fuzz_reader;

void h2c_fuzz_reader_init(h2c_fuzz_reader *r, const uint8_t *data, size_t size);
/* One octet, or 0 past the end. */
uint8_t h2c_fuzz_u8(h2c_fuzz_reader *r);
/* Big-endian; missing octets read as 0. */
uint16_t h2c_fuzz_u16(h2c_fuzz_reader *r);
uint32_t h2c_fuzz_u32(h2c_fuzz_reader *r);
/* A value in [lo, hi] from as few octets as the range needs. */
uint32_t h2c_fuzz_range(h2c_fuzz_reader *r, uint32_t lo, uint32_t hi);
/* Low bit of one octet. */
int h2c_fuzz_bool(h2c_fuzz_reader *r);
/* Up to want octets as a view into the input; *got says how many. */
const uint8_t *h2c_fuzz_bytes(h2c_fuzz_reader *r, size_t want, size_t *got);
/* Everything that is left. */
const uint8_t *h2c_fuzz_rest(h2c_fuzz_reader *r, size_t *got);
/* An octet string with a one-octet length prefix. */
const uint8_t *h2c_fuzz_str8(h2c_fuzz_reader *r, size_t *got);

/* ------------------------------------------------------------------------
 * Checks
 * ---------------------------------------------------------------------- */

/* Print the failed condition and abort.  Never returns. */
void h2c_fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

#define H2C_FUZZ_CHECK(cond)                                                 \
    do {                                                                     \
        if (!(cond))                                                         \
            h2c_fuzz_fail(__FILE__, __LINE__, #cond);                        \
    } while (0)

/* Compare two views; NULL is allowed when the length is 0. */
int h2c_fuzz_eq(const void *a, size_t alen, const void *b, size_t blen);

/* ------------------------------------------------------------------------
 * Chunking
 * ---------------------------------------------------------------------- */

/*
 * Fragment sizes taken in turn from a short pattern read off the input.
 * A pattern entry of 0 means "all the rest", so an all-zero pattern is a
 * one-shot feed and {1} is byte-at-a-time.
 */
#define H2C_FUZZ_PATTERN_MAX 4
typedef struct h2c_fuzz_chunker {
    uint8_t pat[H2C_FUZZ_PATTERN_MAX];
    size_t n;   /* entries used */
    size_t pos; /* next entry */
} h2c_fuzz_chunker;

/* Read n (<= H2C_FUZZ_PATTERN_MAX) pattern octets. */
void h2c_fuzz_chunker_read(h2c_fuzz_chunker *c, h2c_fuzz_reader *r, size_t n);
/* One-shot chunker. */
void h2c_fuzz_chunker_oneshot(h2c_fuzz_chunker *c);
/* Size of the next fragment when left octets remain: in [1, left], or 0 if left is 0. */
size_t h2c_fuzz_chunker_next(h2c_fuzz_chunker *c, size_t left);

/*
 * Copy of one fragment in a heap block of exactly its size, so that ASan sees
 * any read past the fragment, and any use of it after the next fragment
 * replaced it.
 */
typedef struct h2c_fuzz_frag {
    uint8_t *buf;
    size_t len;
} h2c_fuzz_frag;

void h2c_fuzz_frag_set(h2c_fuzz_frag *f, const uint8_t *src, size_t len);
void h2c_fuzz_frag_free(h2c_fuzz_frag *f);

/*
 * Hands out an input as fragments: the current one is cur[cur_off..cur_len),
 * cut by a chunker and, with copy set, copied into an exact-size heap block.
 */
typedef struct h2c_fuzz_feed {
    const uint8_t *in;  /* the whole input */
    size_t len;
    size_t off;         /* octets of in handed out as fragments */
    const uint8_t *cur; /* current fragment */
    size_t cur_len;
    size_t cur_off;     /* octets of cur taken by the consumer */
    h2c_fuzz_frag frag; /* owns cur when copy is set */
    h2c_fuzz_chunker ch;
    int copy;
} h2c_fuzz_feed;

/* One-shot feed when ch is NULL. */
void h2c_fuzz_feed_init(h2c_fuzz_feed *f, const h2c_fuzz_chunker *ch, int copy);
/* Start on a new input; in must stay valid while it is fed. */
void h2c_fuzz_feed_begin(h2c_fuzz_feed *f, const uint8_t *in, size_t len);
/*
 * Unless the current fragment still has unread octets, move to the next one.
 * Returns 1 when a fragment is current and was just started (2 when it was
 * already current), 0 when the input is used up.
 */
int h2c_fuzz_feed_ready(h2c_fuzz_feed *f);
/* Record that the consumer took n more octets of the current fragment. */
void h2c_fuzz_feed_take(h2c_fuzz_feed *f, size_t n);
void h2c_fuzz_feed_done(h2c_fuzz_feed *f);

/* ------------------------------------------------------------------------
 * Allocator that fails from the Nth call on (for h2c_*_allocator hooks)
 * ---------------------------------------------------------------------- */

typedef struct h2c_fuzz_alloc {
    unsigned long calls;   /* allocation attempts so far */
    unsigned long fail_at; /* 0: never; else calls >= fail_at fail */
    unsigned long failed;  /* failures handed out */
} h2c_fuzz_alloc;

void *h2c_fuzz_alloc_fn(void *opaque, size_t size);
void h2c_fuzz_free_fn(void *opaque, void *ptr);

#endif
