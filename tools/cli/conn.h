/* SPDX-License-Identifier: MIT */
/*
 * One direction of an HTTP/2 connection, decoded by h2c_conn in observe
 * mode (<h2codec/conn.h>, H2C_CONN_OBSERVE), as reports for the CLI: a
 * report per frame, with the fields of the block a frame ends, and one per
 * error.  Used by `h2codec frames`, `h2codec bench` and the catalogue.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef H2C_CLI_CONN_H
#define H2C_CLI_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/frame.h>
#include <h2codec/hpack.h>

typedef struct conn_opts {
    int preface;                /* h2c_frame_preface_mode; AUTO */
    int server;                 /* the input is a client's (requests) even without the
                                 preface: observe as the server */
    uint32_t max_frame_size;    /* SETTINGS_MAX_FRAME_SIZE the receiver advertised; 16384 */
    uint32_t table_size;        /* SETTINGS_HEADER_TABLE_SIZE the receiver advertised; 4096 */
    size_t max_list_size;       /* SETTINGS_MAX_HEADER_LIST_SIZE: a larger block is a
                                 stream error; 65536 */
    uint32_t max_settings;      /* 0: library default */
    uint32_t max_continuations; /* 0: library default */
    size_t max_block_size;      /* 0: library default */
    uint32_t max_empty_frames;  /* 0: no limit */
    int hpack;                  /* assemble and decode field blocks (0: frames only) */
    int tolerant;               /* unknown dynamic table references become placeholders */
    int validate;               /* RFC 9113 8.2-8.3 checks on every decoded block */
    uint32_t lenient;           /* H2C_FIELDS_LENIENT_* rules the checks relax; 0 */
    int collect;                /* copy decoded fields into the reports */
    const h2c_allocator *allocator; /* the connection's (codecs included); NULL: libc */
} conn_opts;

void conn_opts_init(conn_opts *o);

typedef struct conn_field {
    const char *name, *value; /* valid during the report callback only */
    size_t name_len, value_len;
    uint8_t indexing; /* h2c_hpack_indexing */
    uint8_t flags;    /* H2C_HPACK_F_*; F_UNKNOWN also when the name came
                                 from a table entry that itself had a placeholder name */
} conn_field;

typedef enum conn_report_kind {
    CONN_PREFACE,   /* the client connection preface */
    CONN_FRAME,     /* a frame; with a field block's last fragment, its fields */
    CONN_ERROR,     /* an error: connection errors end the input */
    CONN_TRUNCATED, /* the input ended inside the preface or a frame */
    CONN_OPEN_BLOCK /* the input ended between frames but inside a field block
                       (no END_HEADERS yet): its fields were never reported */
} conn_report_kind;

typedef struct conn_report {
    conn_report_kind kind;
    /* CONN_FRAME */
    const h2c_frame *frame;
    int decoded;   /* the frame's typed fields are valid */
    int block_end; /* this frame completed a field block: fields follow */
    const conn_field *fields;
    size_t nfields;
    /* CONN_ERROR */
    const char *source; /* "frame", "hpack" or "fields" */
    uint32_t h2_error;  /* RFC 9113 error code */
    int scope;          /* h2c_scope */
    uint32_t stream_id; /* also CONN_OPEN_BLOCK: the block's stream */
    uint64_t offset;    /* connection offset where it was found (all but CONN_FRAME) */
    const char *reason;
    /* CONN_TRUNCATED */
    uint64_t missing; /* octets missing to complete it (at least) */
} conn_report;

typedef void (*conn_cb)(void *user, const conn_report *r);

typedef struct conn conn;

/* 0, or a negative H2C_FRAME_E_* / H2C_HPACK_E_* status. */
/* cb NULL: nothing is reported; frames and errors are counted alone
 * (conn_frames(), conn_finish()), at the cost of the library's decoding. */
int conn_new(conn **out, const conn_opts *o, conn_cb cb, void *user);
void conn_free(conn *c);

/*
 * Decode more bytes.  Returns 0 to go on, 1 once a connection error has
 * been reported (the rest of the input is ignored).
 */
int conn_push(conn *c, const uint8_t *in, size_t len);

/* End of input: reports truncation if any.  Returns the number of errors reported. */
size_t conn_finish(conn *c);

/* Whether a decoded name is a tolerant-mode placeholder ("<unknown index N>",
 * which no valid field name can be: '<' is not a token character). */
int conn_placeholder_name(const char *name, size_t len);

/*
 * The receiver announced larger limits (its SETTINGS, seen in the other
 * direction): raise SETTINGS_MAX_FRAME_SIZE and SETTINGS_HEADER_TABLE_SIZE
 * to these values when they are higher; never lowers.  The table size takes
 * effect between field blocks.
 */
void conn_raise_limits(conn *c, uint32_t max_frame_size, uint32_t table_size);

/* Frames reported so far. */
uint64_t conn_frames(const conn *c);

/* Whether the client preface was seen (this is the client's side). */
int conn_saw_preface(const conn *c);

#endif
