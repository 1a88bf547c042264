/* SPDX-License-Identifier: MIT */
/* The per-type frame vectors, shared by the vector and round-trip suites. */
#ifndef H2C_FRAME_VECTORS_H
#define H2C_FRAME_VECTORS_H

#include <stddef.h>
#include <stdint.h>

typedef struct ft_vector {
    const char *name;
    const char *hex;         /* the input, or NULL: gen builds it */
    size_t (*gen)(uint8_t *out, size_t cap);
    int mode;                /* h2c_frame_preface_mode */
    uint32_t flags;          /* parser flags */
    uint32_t max_frame_size; /* 0: default */
    int rc;                  /* first event other than EV_PREFACE */
    int status;              /* its error status (H2C_OK for none) */
    int h2;                  /* expected HTTP/2 code */
    int scope;               /* expected h2c_scope */
    uint32_t stream;         /* expected error stream */
    long off;                /* expected error offset, -1: not checked */
    int rt;                  /* parse -> serialize gives the input back */
} ft_vector;

extern const ft_vector ft_vectors[];
extern const size_t ft_vector_count;

/* Decode a vector's input into a fresh heap buffer.  Returns NULL on failure. */
uint8_t *ft_vector_bytes(const ft_vector *v, size_t *len);

#endif
