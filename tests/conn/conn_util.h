/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the connection suite: byte buffers, raw HPACK blocks and
 * frames for injection, an event log that copies what h2c_conn_recv()
 * reports, output parsing with the frame parser, in-memory client/server
 * pairs and "raw peers" (a connection under test whose peer is the test).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef H2C_TEST_CONN_UTIL_H
#define H2C_TEST_CONN_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/conn.h>

/* ------------------------------------------------------------------------
 * Byte buffers
 * ---------------------------------------------------------------------- */

typedef struct ct_buf {
    uint8_t *p;
    size_t len, cap;
} ct_buf;

void ct_buf_put(ct_buf *b, const void *p, size_t n);
void ct_buf_u8(ct_buf *b, uint8_t v);
void ct_buf_str(ct_buf *b, const char *s);
void ct_buf_fmt(ct_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ct_buf_clear(ct_buf *b);
void ct_buf_free(ct_buf *b);

/* ------------------------------------------------------------------------
 * HPACK blocks written by hand (no Huffman), so that invalid fields and
 * exact table use are possible.
 * ---------------------------------------------------------------------- */

/* RFC 7541 5.1 integer: first holds the representation bits above the prefix. */
void ct_hp_int(ct_buf *b, uint8_t first, int prefix, uint64_t v);
/* Literal with a new name: kind 0x00 without indexing, 0x40 incremental, 0x10 never. */
void ct_hp_litn(ct_buf *b, uint8_t kind, const void *name, size_t nlen, const void *value,
                size_t vlen);
void ct_hp_lit(ct_buf *b, const char *name, const char *value); /* without indexing */
void ct_hp_inc(ct_buf *b, const char *name, const char *value); /* incremental indexing */
void ct_hp_idx(ct_buf *b, uint32_t index);                       /* indexed field */
void ct_hp_size_update(ct_buf *b, uint32_t size);
/* :method, :scheme https, :authority example.org, :path, as literals. */
void ct_hp_req(ct_buf *b, const char *method, const char *path);
void ct_hp_status(ct_buf *b, int status);

/* ------------------------------------------------------------------------
 * Frames, appended to a buffer with h2c_frame_serialize()
 * ---------------------------------------------------------------------- */

void ct_fr(ct_buf *b, const h2c_frame *f);
void ct_fr_raw(ct_buf *b, uint8_t type, uint8_t flags, uint32_t stream, const void *payload,
               size_t len);
void ct_fr_headers(ct_buf *b, uint32_t stream, uint8_t flags, const void *blk, size_t len);
/* A whole field block as HEADERS + CONTINUATION frames of at most mfs octets
 * (h2c_frame_serialize_header_block); END_HEADERS on the last. */
void ct_fr_block(ct_buf *b, uint32_t stream, uint8_t flags, const void *blk, size_t len,
                 uint32_t mfs);
void ct_fr_continuation(ct_buf *b, uint32_t stream, uint8_t flags, const void *blk, size_t len);
/* data NULL: len octets of a fixed pattern. */
void ct_fr_data(ct_buf *b, uint32_t stream, uint8_t flags, const void *data, size_t len);
void ct_fr_data_padded(ct_buf *b, uint32_t stream, uint8_t flags, size_t len, uint8_t pad);
void ct_fr_settings(ct_buf *b, uint8_t flags, const h2c_frame_setting *s, size_t n);
void ct_fr_setting1(ct_buf *b, uint16_t id, uint32_t value);
void ct_fr_ping(ct_buf *b, uint8_t flags, const char *opaque8);
void ct_fr_rst(ct_buf *b, uint32_t stream, uint32_t code);
void ct_fr_wu(ct_buf *b, uint32_t stream, uint32_t inc);
void ct_fr_goaway(ct_buf *b, uint32_t last, uint32_t code, const char *debug);
void ct_fr_priority(ct_buf *b, uint32_t stream, uint32_t dep, uint8_t weight);
void ct_fr_push(ct_buf *b, uint32_t stream, uint8_t flags, uint32_t promised, const void *blk,
                size_t len);
/* A whole request as HEADERS (END_HEADERS, END_STREAM if end): GET path. */
void ct_fr_get(ct_buf *b, uint32_t stream, int end, const char *path);

/* The fixed pattern DATA frames built with data NULL carry. */
uint8_t ct_pattern(size_t i);

/* ------------------------------------------------------------------------
 * Events
 * ---------------------------------------------------------------------- */

/* A copy of one h2c_conn_event: views copied into owned memory. */
typedef struct ct_ev {
    int type;
    uint32_t stream_id;
    int end_stream;
    char *fields; /* "name: value\n" per field, wire order; NUL-terminated */
    size_t nfields;
    int never_index; /* fields flagged never_index */
    char *method, *scheme, *authority, *path, *protocol; /* NULL when absent (len 0 and ptr NULL) */
    int status;
    int64_t content_length;
    uint32_t promised_stream_id;
    uint8_t *data;
    size_t data_len;
    uint32_t flow_len;
    uint32_t error_code;
    int remote;
    uint32_t last_stream_id;
    char *debug;
    size_t debug_len;
    uint32_t increment;
    uint8_t opaque[8];
    h2c_conn_settings settings;
    int frame_type; /* -1 without a frame */
    void *user;
    h2c_error error;
} ct_ev;

typedef struct ct_log {
    ct_ev *ev;
    size_t n, cap;
    int keep;        /* store events (else count only) */
    int consume;     /* h2c_conn_consume() DATA at once */
    unsigned long count[32]; /* per event type: type - 400 */
    unsigned long events;
    uint64_t data_octets;    /* DATA octets delivered */
    ct_buf body;             /* DATA octets, in order, when keep_body */
    int keep_body;
    h2c_error err;           /* the connection error, if any */
} ct_log;

void ct_log_init(ct_log *l, int keep);
void ct_log_clear(ct_log *l);
void ct_log_free(ct_log *l);
/* Index of the first event of this type (stream 0xffffffff: any), from start; -1 if none. */
long ct_log_find(const ct_log *l, int type, uint32_t stream, size_t start);
unsigned long ct_log_count(const ct_log *l, int type);
/* The whole log as text (for comparing runs and for messages). */
void ct_log_describe(const ct_log *l, ct_buf *out);
void ct_ev_describe(const ct_ev *e, ct_buf *out);
const char *ct_ev_name(int type);

/*
 * Feed in[0..len) to c until consumed, then drain the events that are
 * still pending (calls with len 0).  Returns H2C_OK or the connection
 * error.  Checks on the way: each event's type equals the return value,
 * *consumed never passes the input, an error is sticky (a further call with
 * input returns the same status and consumes... whatever, but reports the
 * same status; h2c_conn_error() agrees).
 */
int ct_feed(h2c_conn *c, const void *in, size_t len, ct_log *log);
/* The same, handing the input over in slices of chunk octets. */
int ct_feed_chunked(h2c_conn *c, const void *in, size_t len, size_t chunk, ct_log *log);

/* ------------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------- */

/* One frame of a connection's output, as the frame parser read it. */
typedef struct ct_frame {
    uint8_t type, flags;
    uint32_t stream, length;
    uint32_t code;      /* RST_STREAM, GOAWAY */
    uint32_t last;      /* GOAWAY */
    uint32_t increment; /* WINDOW_UPDATE */
    uint32_t promised;  /* PUSH_PROMISE */
    uint8_t opaque[8];  /* PING */
    size_t nsettings;
    h2c_frame_setting settings[16];
    size_t data_len;    /* DATA: octets without padding */
} ct_frame;

typedef struct ct_frames {
    ct_frame *f;
    size_t n, cap;
    int preface;   /* the output began with the client preface */
    int rc;        /* parser status at the end (H2C_OK, or an error: the output was bad) */
    size_t octets; /* octets parsed */
} ct_frames;

/* Move every queued octet of c to the end of out; returns how many. */
size_t ct_drain(h2c_conn *c, ct_buf *out);
/* Parse octets (preface allowed first) into fs (cleared first). */
void ct_parse(const uint8_t *p, size_t len, ct_frames *fs);
/* Drain c and parse what it had queued. */
void ct_out(h2c_conn *c, ct_frames *fs);
void ct_frames_free(ct_frames *fs);
/* First frame of this type (and stream, unless 0xffffffff); NULL if none. */
const ct_frame *ct_frames_find(const ct_frames *fs, uint8_t type, uint32_t stream);
size_t ct_frames_count(const ct_frames *fs, uint8_t type);
void ct_frames_describe(const ct_frames *fs, ct_buf *out);

/* ------------------------------------------------------------------------
 * Connections
 * ---------------------------------------------------------------------- */

#define CT_ANY 0xffffffffu

/* h2c_conn_new() that must succeed. */
h2c_conn *ct_new(const h2c_conn_options *o);
void ct_options(h2c_conn_options *o, int role);

/* A client and a server joined in memory. */
typedef struct ct_pair {
    h2c_conn *cli, *srv;
    ct_log clog, slog; /* events of each side */
    uint64_t c2s, s2c; /* octets moved */
} ct_pair;

/* NULL options: defaults.  Does not exchange anything yet. */
void ct_pair_new(ct_pair *p, const h2c_conn_options *co, const h2c_conn_options *so);
/* Move output both ways until neither side has any.  Returns H2C_OK, or the
 * first connection error (negative) either side reported. */
int ct_pair_pump(ct_pair *p);
/* Client to server only (one round), and server to client only. */
int ct_pair_c2s(ct_pair *p);
int ct_pair_s2c(ct_pair *p);
void ct_pair_free(ct_pair *p);

/*
 * A connection under test whose peer is the test: frames are written into
 * in and fed with ct_raw_send(); what the connection queued is read back
 * with ct_raw_out().
 */
typedef struct ct_raw {
    h2c_conn *c;
    int server;
    ct_log log;
    ct_buf in;
    ct_frames out;
} ct_raw;

/*
 * Server under test: the test sends the preface, an empty SETTINGS and the
 * ACK of the server's SETTINGS (so that the server's settings are in
 * force), and reads back the server's preface.  The log and output are
 * then clear.
 */
void ct_raw_server(ct_raw *r, const h2c_conn_options *o);
/* Client under test: the test answers with SETTINGS (ENABLE_PUSH 0) and the ACK. */
void ct_raw_client(ct_raw *r, const h2c_conn_options *o);
/* Feed r->in to the connection (then clear it); returns H2C_OK or the error. */
int ct_raw_send(ct_raw *r);
/* Drain and parse the connection's output into r->out. */
void ct_raw_out(ct_raw *r);
void ct_raw_free(ct_raw *r);

/* Client under test: open stream with a GET (submit_request) and drain. */
uint32_t ct_raw_request(ct_raw *r, int end_stream);

/*
 * Expectations with the caller's file and line in the message.
 * conn_error: rc is status_a or status_b (status_b 0: only a; status_a 0:
 * any negative status), with this
 * HTTP/2 code and scope CONNECTION in h2c_conn_error() and the log; the
 * output ends with GOAWAY of that code; the error is sticky (recv again
 * returns it, submits fail).
 * stream_error: rc is H2C_OK, the log has STREAM_RESET remote = 0 on
 * stream with error.status == status (0: any) and this code and scope
 * STREAM; the output has RST_STREAM(stream, code) and no GOAWAY; the
 * connection is not failed.
 */
void ct_expect_conn_error(const char *file, int line, ct_raw *r, int rc, int status_a,
                          int status_b, uint32_t h2);
void ct_expect_stream_error(const char *file, int line, ct_raw *r, int rc, uint32_t stream,
                            int status, uint32_t h2);
#define EXPECT_CONN_ERROR(r, rc, sa, sb, h2) ct_expect_conn_error(__FILE__, __LINE__, r, rc, sa, sb, h2)
#define EXPECT_STREAM_ERROR(r, rc, st, status, h2)                                               \
    ct_expect_stream_error(__FILE__, __LINE__, r, rc, st, status, h2)

/* Field helpers for the submit calls. */
#define HF(n, v)                                                                                 \
    {                                                                                            \
        {(const uint8_t *)(n), sizeof(n) - 1}, {(const uint8_t *)(v), sizeof(v) - 1}, 0, 0, 0, 0 \
    }
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* Allowed output past limits.max_output: the GOAWAY with its debug data. */
#define CT_OUTPUT_SLACK 512u

#endif
