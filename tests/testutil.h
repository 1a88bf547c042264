/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers for the Check suites: hex parsing, file reading, a counting
 * allocator that can be told to fail, and guard-page buffers.
 */
#ifndef H2C_TESTUTIL_H
#define H2C_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/hpack.h>

/* The offset of a decoder's sticky error in its header block. */
static inline uint64_t h2t_hpack_error_offset(const h2c_hpack_decoder *dec)
{
    h2c_error e;
    h2c_hpack_decoder_error(dec, &e);
    return e.offset;
}

/* Directory holding the unpacked corpus (set by CMake). */
#ifndef H2C_CORPUS_DIR
#define H2C_CORPUS_DIR "corpus"
#endif

/* Parse hex (whitespace ignored) into out.  Returns the length, or -1. */
long h2t_hex(const char *hex, uint8_t *out, size_t cap);

/* Read a whole file; caller frees.  NULL on error. */
uint8_t *h2t_read_file(const char *path, size_t *len);

/*
 * Counting allocator.  Matches the shape of h2c_allocator: pass h2t_fa_alloc / h2t_fa_free with &state.
 * fail_at = N makes the Nth allocation (1-based) and every later one fail
 * when fail_all is set, otherwise just the Nth; 0 never fails.
 */
typedef struct h2t_failalloc {
    unsigned long calls;    /* allocation attempts so far */
    unsigned long fail_at;  /* 0 = never fail */
    int fail_all;           /* fail every call from fail_at on */
    long live;              /* blocks allocated and not freed */
    size_t live_bytes;
    size_t peak_bytes;
} h2t_failalloc;

void *h2t_fa_alloc(void *opaque, size_t size);
void h2t_fa_free(void *opaque, void *ptr);

/*
 * Copy len octets so that the last one sits right before a PROT_NONE page:
 * any over-read faults.  Free with h2t_guard_free.
 */
uint8_t *h2t_guard_copy(const void *src, size_t len);
void h2t_guard_free(uint8_t *p, size_t len);

#endif
