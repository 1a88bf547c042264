/* SPDX-License-Identifier: MIT */
/*
 * Internal contracts of the conn library: the connection and stream
 * records, the stream table, the output queue and the frame writers.
 */
#ifndef H2C_CONN_INT_H
#define H2C_CONN_INT_H

#include <h2codec/conn.h>
#include <h2codec/fields.h>

#include "fields_int.h"

#define H2C_WINDOW_MAX 0x7fffffff
#define H2C_DEFAULT_WINDOW 65535

/* ---- streams (stream.c) ------------------------------------------------ */

/* What a peer has sent on a stream, for telling headers from trailers. */
enum {
    PHASE_NONE = 0,    /* nothing yet */
    PHASE_INFO = 1,    /* 1xx response(s) */
    PHASE_HEADERS = 2, /* request or final response */
    PHASE_TRAILERS = 3 /* trailers: nothing more may come */
};

/* Stream flags. */
#define SF_HEAD 0x01u        /* a request for HEAD: the response has no body */
#define SF_LENGTH 0x02u      /* the peer announced content-length */
#define SF_TOO_LARGE 0x04u   /* its header list was refused (431 expected) */
#define SF_PEER_OPENED 0x08u /* the peer opened it */
#define SF_NO_BODY 0x10u     /* response to HEAD, or 204 / 304: DATA not counted */

typedef struct h2c_stream {
    uint32_t id;
    uint8_t state;       /* h2c_conn_stream_state */
    uint8_t recv_phase;  /* PHASE_*: what the peer sent */
    uint8_t send_phase;  /* PHASE_*: what we sent */
    uint8_t flags;       /* SF_* */
    int64_t send_window; /* may go negative after a SETTINGS decrease (6.9.2) */
    int64_t recv_window; /* what the peer may still send */
    uint64_t content_length;
    uint64_t data_received;
    uint32_t unannounced; /* consumed octets not yet given back by WINDOW_UPDATE */
    uint32_t unconsumed;  /* received octets the application has not consumed */
    void *user;
    struct h2c_stream *next_free;
} h2c_stream;

/* Streams live in chunks that are never moved, found by an open-addressing
 * table of ids.  Both grow with use and are reused.  Chunks double from
 * STREAM_CHUNK_FIRST records to STREAM_CHUNK_MAX: a connection that never
 * has more than a few streams open holds a few records. */
enum { STREAM_CHUNK_FIRST = 4, STREAM_CHUNK_MAX = 64, MAP_INLINE = 16 };

typedef struct stream_chunk {
    struct stream_chunk *next;
    size_t n; /* records in s */
    h2c_stream s[];
} stream_chunk;

typedef struct stream_table {
    stream_chunk *chunks;
    h2c_stream *free_list;
    h2c_stream **slots; /* cap entries; NULL free, TOMB deleted */
    size_t cap, used, tombs;
    h2c_stream *newest; /* the last stream opened, if still open: most lookups are
                             for it (its request, its response), so it is tried first */
    h2c_stream *inline_slots[MAP_INLINE];
} stream_table;

/* ---- the connection ---------------------------------------------------- */

/* In front of each field arena buffer. */
typedef struct h2c_arena_head {
    struct h2c_arena_head *prev; /* when retired: the one retired before it */
    size_t cap;                  /* octets after the head */
} h2c_arena_head;

/* Events one received frame can give.  The first is made in the caller's
 * event; the rest wait in a queue that h2c_conn_recv() drains before it
 * parses another frame.  An endpoint's frame gives at most two (fields or
 * DATA, then STREAM_END; a block's refusal replaces its fields event); an
 * observer's at most four (FRAME, fields, STREAM_END, and the STREAM_RESET
 * of a stream error the parser found in that HEADERS frame).  event_new()
 * never writes past the queue even if that were wrong. */
enum { QUEUE_ENDPOINT = 1, QUEUE_OBSERVER = 3, RESET_RING = 64, SENT_MAX = 8 };
_Static_assert(QUEUE_ENDPOINT >= 1 && QUEUE_OBSERVER >= QUEUE_ENDPOINT,
               "event_new() reuses the last slot of a full queue");

#define CLOSED_BY_US 0x80000000u
_Static_assert(RESET_RING <= 64, "closed_ended has a bit for each closed_ring entry");

struct h2c_conn {
    h2c_conn_options o;
    h2c_allocator al;
    size_t heap; /* octets held from al */
    int server;
    int observe;            /* H2C_CONN_OBSERVE: decode only, nothing answered */
    h2c_frame_event cur_fe; /* the parser's event being handled: events point at its frame */

    h2c_frame_parser *parser;
    h2c_frame_assembler *asmb;
    h2c_hpack_decoder *dec;
    h2c_hpack_encoder *enc;

    /* settings */
    h2c_conn_settings local; /* in force (acknowledged) */
    h2c_conn_settings *sent; /* sent and not yet acknowledged, oldest first: sent_one,
                                or SENT_MAX on the heap from the first update on */
    uint32_t nsent, sent_cap;
    h2c_conn_settings sent_one[1]; /* our preface's, until it is acknowledged */
    h2c_conn_settings last_sent;   /* the newest we sent */
    h2c_conn_settings remote;
    int got_settings;  /* the peer's first SETTINGS arrived */
    int table_pending; /* observe: local.header_table_size waits for a block end */

    /* flow control */
    int64_t send_window; /* connection */
    int64_t recv_window;
    uint32_t conn_unannounced; /* connection-level consumed, not given back */
    uint32_t conn_unconsumed;

    /* streams */
    stream_table streams;
    uint32_t last_peer_id;  /* highest stream id the peer opened */
    uint32_t last_local_id; /* highest stream id we opened */
    uint32_t next_local_id;
    uint32_t peer_open;     /* peer-opened streams counting toward our limit */
    uint32_t local_open;    /* ours, counting toward the peer's limit */
    uint32_t peer_reserved; /* promised to us, not answered yet */
    uint32_t open_streams;
    uint32_t closed_ring[RESET_RING]; /* recently closed peer streams; CLOSED_BY_US marks
                                          the ones we reset, whose late frames are ignored */
    uint64_t closed_ended;            /* bit i: closed_ring[i] ended with END_STREAM both ways */
    unsigned closed_pos;
    uint32_t closed_max; /* the highest id ever put in closed_ring */

    /* abuse counters (net: finished streams pay back) */
    uint32_t peer_resets, stream_errors, empty_frames;

    /* GOAWAY */
    int goaway_sent, goaway_recv;
    uint32_t goaway_recv_last;
    uint32_t goaway_sent_last;

    /* the field block being received */
    uint32_t blk_stream;   /* its stream (or promised stream's parent) */
    uint32_t blk_promised; /* PUSH_PROMISE: the promised stream */
    int blk_kind;          /* h2c_fields_kind */
    int blk_refuse;        /* 0, or the stream error to answer once it ends */
    int blk_refuse_status; /* the parser's status, when it found the stream error */
    int blk_ignore;        /* decode only (keep HPACK in sync): stream gone */
    int blk_end_stream;
    int blk_closed; /* observe: the stream had been ended or reset by its sender */
    int blk_too_large;
    int blk_fast; /* every field is validated and kept, with no placeholder
                                    possible: block_field() takes its short way */
    h2c_fields_validator val;
    int val_rc;
    int val_skip;           /* the block holds placeholders (lenient HPACK): unchecked */
    unsigned dyn_unchecked; /* some literal entered the HPACK decoder's table without
                                    passing the octet checks of the validator; until then
                                    a field from the table needs no octet scan, as one
                                    from the static table */
    h2c_conn_field *fields; /* views into the arena and its retired buffers */
    size_t nfields, fields_cap;
    uint8_t *arena; /* after its h2c_arena_head */
    size_t arena_len, arena_cap;
    struct h2c_arena_head *arena_retired; /* outgrown during this block, newest first */
    size_t arena_kept;                    /* octets of this block in them */
    int64_t blk_content_length;
    int blk_status;
    size_t blk_pseudo[5];    /* method, scheme, authority, path, protocol: the index
                                    of the field in fields */
    unsigned blk_pseudo_set; /* bit i: blk_pseudo[i] was seen */

    /* events waiting for the next recv(): pending[pending_head .. pending_end) */
    h2c_conn_event *pending; /* pending_one, or an observer's QUEUE_OBSERVER (heap) */
    unsigned pending_head, pending_end, pending_cap;
    h2c_conn_event pending_one[QUEUE_ENDPOINT];
    h2c_conn_event *ev_out; /* inside h2c_conn_recv(): the caller's event, where the
                                    first event of a frame goes (no copy); else NULL */
    int ev_out_used;        /* ev_out holds an event: later ones are queued */
    int user_set;           /* some stream was given a user pointer: events look it up */

    /* output queue: out[out_head .. out_len) is waiting */
    uint8_t *out;
    size_t out_head, out_len, out_cap;
    uint8_t *scratch; /* header block encoding */
    size_t scratch_cap;

    /* sticky connection error */
    h2c_error err;
    int dead;
};

/* Free the arena buffers outgrown during the last block (recv.c). */
void h2c_conn_arena_release(h2c_conn *c);

/* ---- stream.c ---------------------------------------------------------- */

h2c_stream *h2c_stream_find(const h2c_conn *c, uint32_t id);
/* A new stream record for id, in state IDLE, windows from the settings. */
h2c_stream *h2c_stream_new(h2c_conn *c, uint32_t id);
/* Close a stream: counters, and the record goes back to the pool. */
void h2c_stream_close(h2c_conn *c, h2c_stream *s);
void h2c_streams_free(h2c_conn *c);
/* Calls fn for every live stream; fn may not add or remove streams. */
void h2c_streams_each(h2c_conn *c, void (*fn)(h2c_conn *, h2c_stream *, void *), void *arg);

/* ---- memory (conn.c) ---------------------------------------------------- */

void *h2c_conn_alloc(h2c_conn *c, size_t n);
void h2c_conn_dealloc(h2c_conn *c, void *p, size_t n);
/* The capacity a buffer of cap octets (0: none yet) grows to for need
 * octets: from 256, by half again each step up to 1 KiB, where a usual
 * request or burst of responses lies (an idle connection holds at most
 * 1.5 times what it used), then doubling (a large field block moves in
 * few copies).  Growth stops once a connection has seen its largest. */
static inline size_t h2c_conn_grow_cap(size_t cap, size_t need)
{
    size_t ncap = cap ? cap : 256;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap < 1024 ? ncap + ncap / 2 : ncap * 2;
    return ncap;
}
/* Grow *buf (capacity *cap) to hold need octets (h2c_conn_grow_cap()); up to max. */
int h2c_conn_grow(h2c_conn *c, uint8_t **buf, size_t *cap, size_t need, size_t max);

/* ---- output.c ---------------------------------------------------------- */

/* Room for n more queued octets (grows the queue); 0 or H2C_E_BUFFER_TOO_SMALL
 * when past max_output (unless force), H2C_E_NOMEM. */
int h2c_out_reserve(h2c_conn *c, size_t n, int force);
/* The free space after the queued octets (after a successful reserve). */
static inline uint8_t *h2c_out_tail(h2c_conn *c)
{
    return c->out + c->out_len;
}
static inline void h2c_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
/* A frame header (inline: every frame we queue writes one). */
static inline void h2c_out_header(uint8_t *p, uint32_t len, uint8_t type, uint8_t flags,
                                  uint32_t stream)
{
    p[0] = (uint8_t)(len >> 16);
    p[1] = (uint8_t)(len >> 8);
    p[2] = (uint8_t)len;
    p[3] = type;
    p[4] = flags;
    h2c_put32(p + 5, stream & H2C_WINDOW_MAX);
}

/* How a control frame meets limits.max_output. */
enum {
    OUT_OURS = 0,  /* the caller asked for it: past the bound, H2C_E_BUFFER_TOO_SMALL */
    OUT_PEER = 1,  /* the peer's frames force it (ACKs, RST): past the bound, a flood */
    OUT_ALWAYS = 2 /* flow control and our preface: never held back */
};
int h2c_out_settings(h2c_conn *c, const h2c_conn_settings *s, const h2c_conn_settings *base,
                     int mode);
int h2c_out_simple(h2c_conn *c, uint8_t type, uint8_t flags, uint32_t stream,
                   const uint8_t *payload, size_t len, int mode);
int h2c_out_rst(h2c_conn *c, uint32_t stream, uint32_t code, int mode);
int h2c_out_window_update(h2c_conn *c, uint32_t stream, uint32_t increment);
int h2c_out_goaway(h2c_conn *c, uint32_t last, uint32_t code, const uint8_t *debug, size_t len);

/* ---- recv.c / send.c --------------------------------------------------- */

/* Set the sticky connection error and queue GOAWAY; returns status. */
int h2c_conn_fail(h2c_conn *c, int status, uint32_t h2, uint32_t stream, uint64_t offset,
                  const char *reason);
/* Give back flow-control credit by the WINDOW_UPDATE policy. */
int h2c_conn_credit(h2c_conn *c, h2c_stream *s, uint32_t n);
/* Stream-level transitions after we or the peer end a side. */
void h2c_conn_local_end(h2c_conn *c, h2c_stream *s);
void h2c_conn_remote_end(h2c_conn *c, h2c_stream *s);

/* How a stream left the table, for closed_ring. */
enum { CLOSED_RESET, CLOSED_OURS, CLOSED_ENDED };

static inline void h2c_conn_remember_closed(h2c_conn *c, uint32_t id, int how)
{
    unsigned i = c->closed_pos++ % RESET_RING;
    uint64_t bit = (uint64_t)1 << i;
    c->closed_ring[i] = id | (how == CLOSED_OURS ? CLOSED_BY_US : 0);
    c->closed_ended = how == CLOSED_ENDED ? c->closed_ended | bit : c->closed_ended & ~bit;
    if (id > c->closed_max)
        c->closed_max = id;
}

#endif
