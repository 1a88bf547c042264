/* SPDX-License-Identifier: MIT */
/*
 * The adversarial catalogue: every known HTTP/2 codec attack class as test
 * cases, with its input, its expected outcome and its class label.
 *
 * Inputs are written in a small hex notation (cat_build()):
 *     hex digits        octets; whitespace is ignored
 *     'text'            the ASCII octets of text
 *     *N( ... )         the bracketed input repeated N times (nests)
 *     |                 HPACK cases: end of a header block
 * so that a flood of 300000 CONTINUATION frames is one short line.
 *
 * A case runs through one layer (HPACK decoder, frame parser + assembler,
 * or the whole receiving pipeline of tools/cli/conn.c), at several
 * chunkings; the outcome must be the expected one at every chunking.
 */
#ifndef H2C_CATALOGUE_H
#define H2C_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/frame.h>
#include <h2codec/hpack.h>

/* Which stack a case's input is fed to. */
typedef enum cat_layer {
    CAT_HPACK,  /* header blocks -> HPACK decoder; also wrapped in HEADERS frames -> pipeline */
    CAT_FRAMES, /* connection octets -> parser -> assembler (JOIN); also -> pipeline */
    CAT_CONN    /* connection octets -> pipeline with field validation on */
} cat_layer;

/* Option values that must be zero, where 0 in a case means "default". */
#define CAT_ZERO 0xffffffffu

/* Case flags. */
#define CAT_F_NOCONN 0x01u   /* do not replay through the pipeline (reason in the case) */
#define CAT_F_SETMAX 0x02u   /* HPACK: decoder_set_max_table_size(set_max) before block 1 */
#define CAT_F_OPEN_BLOCK 0x04u /* frames: a field block is still open at the end */

/* Limits and options; 0 = the library's (or the pipeline's) default. */
typedef struct cat_opts {
    uint32_t table_size;       /* HPACK max_table_size (CAT_ZERO for 0) */
    uint32_t set_max;          /* with CAT_F_SETMAX (CAT_ZERO for 0) */
    size_t max_list_size;
    size_t max_string_len;
    uint32_t max_fields;
    uint32_t lenient;          /* H2C_HPACK_LENIENT_* */
    uint32_t max_frame_size;
    uint32_t max_settings;
    uint32_t max_empty_frames;
    uint32_t max_continuations;
    size_t max_block_size;
    int preface;               /* h2c_frame_preface_mode; 0 = NONE */
    uint32_t parser_flags;     /* H2C_FRAME_PARSER_* */
} cat_opts;

/* A parser counter to check after the run (flood classes). */
typedef enum cat_stat {
    CAT_STAT_NONE = 0,
    CAT_STAT_EMPTY_DATA,
    CAT_STAT_EMPTY_HEADERS,
    CAT_STAT_EMPTY_CONTINUATION,
    CAT_STAT_STREAM_ERRORS,
    CAT_STAT_IGNORED,
    CAT_STAT_TYPE /* by_type[stat_type] */
} cat_stat;

typedef struct cat_case {
    const char *name;
    const char *cls;    /* attack class label */
    const char *ref;    /* CVE or RFC section it comes from */
    cat_layer layer;
    const char *input;  /* cat_build() notation */
    unsigned flags;     /* CAT_F_* */
    cat_opts o;

    /*
     * Expected decisive outcome: the fatal error (connection scope, or
     * local: truncation) if there is one, else the first stream or
     * ignorable error, else acceptance (status 0, scope NONE).
     * status: library status (H2C_HPACK_E_* / H2C_FRAME_E_*); not checked
     * for CAT_CONN, whose reports carry no status.
     */
    int status;
    uint32_t h2;        /* HTTP/2 error code to send */
    int scope;          /* h2c_scope */
    /* A stream/ignorable error expected before a fatal one (0: not checked). */
    uint32_t soft_h2;
    int soft_scope;
    const char *source; /* CAT_CONN: "frame", "hpack" or "fields" (NULL: any) */

    uint64_t count;     /* HPACK: fields decoded; frames: frame events (0: not checked) */
    uint64_t max_consumed; /* fatal cases: octets read before the error (0: not checked) */
    size_t max_peak;    /* peak allocator bytes (0: not checked) */
    cat_stat stat;      /* parser counter to check, and its value */
    uint8_t stat_type;
    uint64_t stat_value;
} cat_case;

/* An input built from a case. */
typedef struct cat_input {
    uint8_t *buf;
    size_t len, cap;
    size_t *ends;       /* HPACK: end offset of each header block */
    size_t nblocks, ends_cap;
} cat_input;

/* Build *in from the notation; returns 0, or -1 on a syntax error. */
int cat_build(const char *notation, cat_input *in);
void cat_input_free(cat_input *in);

/* What a run produced. */
typedef struct cat_outcome {
    int status;         /* decisive outcome, as in cat_case */
    uint32_t h2;
    int scope;
    uint32_t soft_h2;   /* first stream/ignorable error, if any */
    int soft_scope;
    int soft_status;
    const char *source; /* pipeline: where the decisive error came from */
    uint64_t err_offset; /* where the decisive error was found (split-invariant) */
    uint64_t consumed;  /* octets read when the run stopped */
    uint64_t count;
    int open_block;     /* frames: a field block left open at the end */
    uint64_t stat;      /* the case's counter */
    size_t peak;        /* allocator high-water mark */
    uint64_t missing;   /* truncation: octets missing */
} cat_outcome;

/* How to feed: chunk size (0 = whole input in one call), guard pages. */
typedef struct cat_feed {
    size_t chunk;
    int guard;          /* every chunk ends right against a PROT_NONE page */
} cat_feed;

/* The catalogue. */
extern const cat_case cat_hpack_cases[];
extern const size_t cat_hpack_count;
extern const cat_case cat_frame_cases[];
extern const size_t cat_frame_count;
extern const cat_case cat_conn_cases[];
extern const size_t cat_conn_count;

/* All cases in one index space: 0 .. cat_total() - 1. */
size_t cat_total(void);
const cat_case *cat_get(size_t i);

/*
 * Run through one layer.  The HPACK and frame runners also check, after a
 * fatal error, that every public call on the failed context returns the
 * sticky error (cat_check_sticky_*).  Failures are Check assertions naming
 * the case and its class.
 */
void cat_run_hpack(const cat_case *c, const cat_input *in, cat_feed feed, cat_outcome *out);
void cat_run_frames(const cat_case *c, const cat_input *in, cat_feed feed, cat_outcome *out);
/* validate: field validation on (CAT_CONN cases) or off (replays). */
void cat_run_conn(const cat_case *c, const cat_input *in, cat_feed feed, int validate,
                  cat_outcome *out);

/* HPACK blocks of a case wrapped in HEADERS (+ CONTINUATION) frames, one per block. */
void cat_wrap_blocks(const cat_input *blocks, cat_input *frames);

/* Every public call on a decoder / parser / assembler in its sticky error. */
void cat_check_sticky_decoder(h2c_hpack_decoder *dec, int status, const char *label);
void cat_check_sticky_parser(h2c_frame_parser *p, const h2c_error *e, const char *label);
void cat_check_sticky_assembler(h2c_frame_assembler *a, const h2c_error *e,
                                const char *label);

/* Distinct class labels, in catalogue order; returns how many (at most cap). */
size_t cat_classes(const char **out, size_t cap);

/*
 * Run the classes of one slice: classes k, k + CAT_SLICES, k + 2 CAT_SLICES,
 * ... (cat_classes order), every case with cat_check_case.  A few slices,
 * not a test per case: each Check test is a forked child, and under ASan a
 * child's exit (leak scan, unmapping) costs more than most cases.
 */
#define CAT_SLICES 6
void cat_check_slice(size_t k, int guard);

/* Call fn on each h2spec client stream of the corpus; returns their number. */
size_t cat_corpus_each(void (*fn)(const char *name, const cat_input *in, void *user), void *user);

/* Run case i through every layer it names, at chunk sizes 1, 7 and whole. */
void cat_check_case(const cat_case *c, int guard);

#endif
