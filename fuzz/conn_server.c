/* SPDX-License-Identifier: MIT */
/*
 * conn_server -- the server role of <h2codec/conn.h> driven by arbitrary
 * peer octets and by submit, consume, reset, ping, settings, close and
 * drain calls chosen by the input.  conn_client.c builds the same driver
 * for the client role (it includes this file with CONN_FUZZ_CLIENT set).
 *
 * Invariants checked after every step:
 *   - h2c_conn_recv(): *consumed within the input, the event's type is the
 *     value returned, H2C_OK only with all input taken; events fit the
 *     role (REQUEST only to a server, RESPONSE / INFORMATIONAL / PUSH only
 *     to a client), stream parity, :status ranges, DATA within flow_len;
 *     every view of an event (fields, pseudo-headers, data, debug data,
 *     the parsed frame of extension events) is read in full, so a stale
 *     view shows up under ASan;
 *   - after a connection error no event comes again: every later recv
 *     returns the same status, h2c_conn_error() agrees, submits fail and
 *     queue nothing;
 *   - send windows never negative (h2c_conn_send_window() at most 2^31-1
 *     for the connection and every stream known);
 *   - the output stays within limits.max_output plus one GOAWAY;
 *   - h2c_conn_done() implies a drained output and, unless the
 *     connection failed, no open stream; a failed connection with its
 *     output drained is done;
 *   - h2c_conn_finish() at the end reports OK, a truncated frame or an open
 *     field block (or the sticky error), twice the same, changing nothing;
 *   - everything the connection writes is valid HTTP/2 for the peer: the
 *     frame parser reads the whole output without an error, no frame is
 *     longer than the largest SETTINGS_MAX_FRAME_SIZE the peer announced,
 *     the output after a connection error is only its GOAWAY, and every
 *     field block decodes with an HPACK decoder that follows the peer's
 *     SETTINGS_HEADER_TABLE_SIZE as our SETTINGS ACKs acknowledge it.
 *
 * Input:
 *   flags:u8     0x01 NO_AUTO_WINDOW_UPDATE, 0x02 NO_VALIDATION, 0x04 local
 *                ENABLE_PUSH 1 (client), 0x08 small limits, 0x10 the target
 *                sends the peer's preface first (client preface and an
 *                empty SETTINGS for a server; SETTINGS with ENABLE_PUSH 0
 *                and an ACK for a client),
 *                0x20 failing allocator (from call fail_at after new()),
 *                0x40 every fields_lenient rule, 0x80 HPACK policy NEVER
 *   iws:u8       local INITIAL_WINDOW_SIZE: 0 default, 0xff 2^31-1, else iws*1000
 *   cwin:u8      connection_window: 0 default, else cwin * 4096
 *   mcs:u8       local MAX_CONCURRENT_STREAMS: 0 default, else mcs - 1
 *   mhls:u8      local MAX_HEADER_LIST_SIZE: 0 default, else mhls * 64
 *   mfs:u8       local MAX_FRAME_SIZE: 16384 << (mfs % 4) (mfs 3: 2^24-1)
 *   hts:u8       local HEADER_TABLE_SIZE: 0 default, else (hts - 1) * 16
 *   misc:u8      bit 0: consume DATA as it arrives; bits 1-7: fail_at
 *   pattern:4    how peer octets are cut for h2c_conn_recv()
 *   then operations, each an opcode octet (op & 0x0f) and its operands:
 *     0-2  peer octets: len:u16 then len octets
 *     3    peer octets: len:u8 then len octets
 *     4    headers: stream:u8 (client: a new request), kind = op >> 5,
 *          END_STREAM = op & 0x10, extra field name:str8 value:str8
 *     5    data: stream:u8 len:u16, END_STREAM = op & 0x10
 *     6    consume: stream:u8 n:u16 (op & 0x10: all that is pending)
 *     7    reset: stream:u8 code:u8
 *     8    ping: 8 octets
 *     9    update settings: which:u8 value:u32
 *     10   window update: stream:u8 increment:u32
 *     11   close: code:u8
 *     12   push: stream:u8 path:str8
 *     13   end stream: stream:u8
 *     14   drain: n:u16 (0: all), op & 0x10 via h2c_conn_send()
 *     15   trailers: stream:u8
 *   A stream operand below 0xf0 picks one of the streams seen so far;
 *   0xf0-0xff is the raw id (v & 0x0f).
 */
#include <stdlib.h>
#include <string.h>

#include <h2codec/conn.h>

#include "fuzz_util.h"

#ifndef CONN_FUZZ_CLIENT
#define CONN_FUZZ_ROLE H2C_CONN_SERVER
#else
#define CONN_FUZZ_ROLE H2C_CONN_CLIENT
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

#define OUTPUT_SLACK 512u /* one GOAWAY past max_output */
#define MAX_KNOWN 64
#define MAX_HTS 64 /* peer SETTINGS awaiting our ACK in the output */

typedef struct fuzz_state {
    h2c_conn *c;
    h2c_conn_options o;
    int server;
    int auto_consume;
    int dead;          /* the sticky error, 0 if none */
    size_t out_at_death; /* output length when it failed */
    uint32_t known[MAX_KNOWN];
    unsigned nknown, known_pos;
    h2c_fuzz_chunker ch;
    uint64_t hash;     /* what events carried, read in full */

    /* the peer's view of our output */
    h2c_frame_parser *op;
    h2c_frame_assembler *oa;
    h2c_hpack_decoder *od;
    uint32_t max_mfs;  /* largest MAX_FRAME_SIZE the peer announced (or 16384) */
    uint32_t hts[MAX_HTS]; /* HEADER_TABLE_SIZE of each peer SETTINGS, in order */
    unsigned nhts, hts_head;
    int closed;        /* h2c_conn_close() succeeded before any error */
    int in_recv;       /* inside feed() */
    int early;         /* the error h2c_conn_error() showed before recv returned it */
    size_t out_early;  /* the output then */
    int last_type;     /* the last frame of the output: type and error code */
    uint32_t last_code;
} fuzz_state;

static void mix(fuzz_state *s, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        s->hash = (s->hash ^ b[i]) * 0x100000001b3ull;
}

static void mix_view(fuzz_state *s, h2c_view v)
{
    H2C_FUZZ_CHECK(v.ptr != NULL || v.len == 0);
    mix(s, v.ptr, v.len);
}

static void remember(fuzz_state *s, uint32_t id)
{
    if (!id)
        return;
    for (unsigned i = 0; i < s->nknown; i++)
        if (s->known[i] == id)
            return;
    if (s->nknown < MAX_KNOWN) {
        s->known[s->nknown++] = id;
    } else {
        s->known[s->known_pos] = id;
        s->known_pos = (s->known_pos + 1) % MAX_KNOWN;
    }
}

static uint32_t pick(fuzz_state *s, uint8_t v)
{
    if (v >= 0xf0 || s->nknown == 0)
        return v & 0x0f;
    return s->known[v % s->nknown];
}

/* ------------------------------------------------------------------------
 * Invariants
 * ---------------------------------------------------------------------- */

static void check_state(fuzz_state *s)
{
    h2c_conn *c = s->c;
    size_t out = h2c_conn_output_len(c);
    H2C_FUZZ_CHECK(out <= s->o.limits.max_output + OUTPUT_SLACK);
    H2C_FUZZ_CHECK(h2c_conn_output(c).len == out);
    H2C_FUZZ_CHECK(h2c_conn_send_window(c, 0) <= H2C_FRAME_MAX_31BIT);
    for (unsigned i = 0; i < s->nknown; i++) {
        size_t w = h2c_conn_send_window(c, s->known[i]);
        H2C_FUZZ_CHECK(w <= H2C_FRAME_MAX_31BIT);
        (void)h2c_conn_stream_user(c, s->known[i]);
        int st = h2c_conn_stream_state_get(c, s->known[i]);
        H2C_FUZZ_CHECK(st >= H2C_STREAM_IDLE && st <= H2C_STREAM_CLOSED);
    }
    h2c_error e;
    int err = h2c_conn_error(c, &e);
    H2C_FUZZ_CHECK(err == e.status);
    if (s->dead) {
        H2C_FUZZ_CHECK(err == s->dead);
        H2C_FUZZ_CHECK(out <= s->out_at_death); /* nothing queued after the error */
    } else if (err != H2C_OK) {
        /* Failed inside h2c_conn_recv(), which still hands out the events
         * of frames before the error; the error comes next, and only it. */
        H2C_FUZZ_CHECK(s->in_recv);
        if (!s->early) {
            s->early = err;
            s->out_early = out;
        }
        H2C_FUZZ_CHECK(err == s->early);
        H2C_FUZZ_CHECK(out <= s->out_early); /* consume() and the like queue nothing now */
    }
    int done = h2c_conn_done(c);
    H2C_FUZZ_CHECK(done == 0 || done == 1);
    if (done) {
        H2C_FUZZ_CHECK(out == 0);
        H2C_FUZZ_CHECK(s->dead || h2c_conn_open_streams(c) == 0);
    }
    if (s->dead && out == 0)
        H2C_FUZZ_CHECK(done == 1);
    const h2c_conn_settings *ls = h2c_conn_local_settings(c), *rs = h2c_conn_remote_settings(c);
    H2C_FUZZ_CHECK(ls != NULL && rs != NULL);
    H2C_FUZZ_CHECK(ls->initial_window_size <= H2C_FRAME_MAX_31BIT);
    H2C_FUZZ_CHECK(rs->initial_window_size <= H2C_FRAME_MAX_31BIT);
    H2C_FUZZ_CHECK(rs->max_frame_size >= 16384 && rs->max_frame_size <= 16777215);
    if (rs->max_frame_size > s->max_mfs)
        s->max_mfs = rs->max_frame_size;
    (void)h2c_conn_memory(c);
}

static void check_fields(fuzz_state *s, const h2c_conn_event *ev)
{
    H2C_FUZZ_CHECK(ev->fields != NULL || ev->nfields == 0);
    for (size_t i = 0; i < ev->nfields; i++) {
        mix_view(s, ev->fields[i].name);
        mix_view(s, ev->fields[i].value);
        H2C_FUZZ_CHECK(ev->fields[i].never_index <= 1);
    }
    mix_view(s, ev->method);
    mix_view(s, ev->scheme);
    mix_view(s, ev->authority);
    mix_view(s, ev->path);
    mix_view(s, ev->protocol);
    H2C_FUZZ_CHECK(ev->content_length >= -1);
}

static int is_known_type(uint8_t t)
{
    return t <= 0x0a || t == 0x0c || t == 0x10;
}

static void check_event(fuzz_state *s, int rc, const h2c_conn_event *ev, const uint8_t *in,
                        size_t len)
{
    H2C_FUZZ_CHECK(ev->type == rc);
    H2C_FUZZ_CHECK(ev->stream_id <= H2C_FRAME_MAX_31BIT);
    remember(s, ev->stream_id);
    switch (rc) {
    case H2C_CONN_EV_HEADERS_TOO_LARGE:
        /* conn.h documents it for a server; a client reports an oversized
         * response the same way */
        H2C_FUZZ_CHECK(ev->stream_id != 0);
        check_fields(s, ev);
        break;
    case H2C_CONN_EV_REQUEST:
        H2C_FUZZ_CHECK(s->server);
        H2C_FUZZ_CHECK(ev->stream_id & 1);
        check_fields(s, ev);
        if (rc == H2C_CONN_EV_REQUEST && !(s->o.flags & H2C_CONN_NO_VALIDATION)) {
            H2C_FUZZ_CHECK(ev->method.len > 0);
            H2C_FUZZ_CHECK(ev->nfields >= 1);
        }
        break;
    case H2C_CONN_EV_RESPONSE:
    case H2C_CONN_EV_INFORMATIONAL:
        H2C_FUZZ_CHECK(!s->server);
        check_fields(s, ev);
        if (!(s->o.flags & H2C_CONN_NO_VALIDATION)) {
            if (rc == H2C_CONN_EV_RESPONSE)
                H2C_FUZZ_CHECK(ev->status >= 200 && ev->status <= 999);
            else
                H2C_FUZZ_CHECK(ev->status >= 100 && ev->status <= 199 && ev->status != 101);
        }
        if (rc == H2C_CONN_EV_INFORMATIONAL)
            H2C_FUZZ_CHECK(!ev->end_stream);
        break;
    case H2C_CONN_EV_TRAILERS:
        H2C_FUZZ_CHECK(ev->end_stream == 1);
        check_fields(s, ev);
        break;
    case H2C_CONN_EV_PUSH:
        H2C_FUZZ_CHECK(!s->server);
        H2C_FUZZ_CHECK(ev->promised_stream_id != 0 && (ev->promised_stream_id & 1) == 0);
        check_fields(s, ev);
        remember(s, ev->promised_stream_id);
        break;
    case H2C_CONN_EV_DATA:
        H2C_FUZZ_CHECK(ev->stream_id != 0);
        H2C_FUZZ_CHECK(ev->data.len <= ev->flow_len);
        H2C_FUZZ_CHECK(ev->flow_len <= 16777215);
        (void)in;
        (void)len;
        mix_view(s, ev->data);
        if (s->auto_consume && !s->dead)
            (void)h2c_conn_consume(s->c, ev->stream_id, ev->flow_len);
        break;
    case H2C_CONN_EV_STREAM_END: {
        int st = h2c_conn_stream_state_get(s->c, ev->stream_id);
        H2C_FUZZ_CHECK(st == H2C_STREAM_HALF_CLOSED_REMOTE || st == H2C_STREAM_CLOSED);
        break;
    }
    case H2C_CONN_EV_STREAM_RESET:
        H2C_FUZZ_CHECK(ev->stream_id != 0);
        H2C_FUZZ_CHECK(ev->remote == 0 || ev->remote == 1);
        /* closed; or still idle when we answered a frame on an idle stream
         * (a PRIORITY that depends on itself, 5.3.1) */
        H2C_FUZZ_CHECK(h2c_conn_stream_state_get(s->c, ev->stream_id) == H2C_STREAM_CLOSED ||
                       (!ev->remote && h2c_conn_stream_state_get(s->c, ev->stream_id) ==
                                           H2C_STREAM_IDLE));
        if (!ev->remote) {
            H2C_FUZZ_CHECK(ev->error.status < 0 && ev->error.scope == H2C_SCOPE_STREAM);
            H2C_FUZZ_CHECK(ev->error.reason != NULL);
            H2C_FUZZ_CHECK(ev->error.stream_id == ev->stream_id);
            H2C_FUZZ_CHECK(ev->error_code == ev->error.h2_error);
        }
        break;
    case H2C_CONN_EV_WINDOW_UPDATE:
        H2C_FUZZ_CHECK(ev->increment >= 1 && ev->increment <= H2C_FRAME_MAX_31BIT);
        break;
    case H2C_CONN_EV_SETTINGS:
        H2C_FUZZ_CHECK(ev->stream_id == 0);
        if (s->nhts < MAX_HTS) {
            s->hts[(s->hts_head + s->nhts) % MAX_HTS] = ev->settings.header_table_size;
            s->nhts++;
        }
        H2C_FUZZ_CHECK(memcmp(&ev->settings, h2c_conn_remote_settings(s->c),
                              sizeof ev->settings) == 0);
        break;
    case H2C_CONN_EV_SETTINGS_ACK:
    case H2C_CONN_EV_PING:
    case H2C_CONN_EV_PING_ACK:
        H2C_FUZZ_CHECK(ev->stream_id == 0);
        mix(s, ev->opaque_data, 8);
        break;
    case H2C_CONN_EV_GOAWAY:
        H2C_FUZZ_CHECK(ev->stream_id == 0);
        mix_view(s, ev->debug_data);
        break;
    case H2C_CONN_EV_PRIORITY_UPDATE:
    case H2C_CONN_EV_ALTSVC:
    case H2C_CONN_EV_ORIGIN:
    case H2C_CONN_EV_UNKNOWN_FRAME: {
        const h2c_frame *f = ev->frame;
        H2C_FUZZ_CHECK(f != NULL);
        uint8_t t = f->hd.type;
        if (rc == H2C_CONN_EV_PRIORITY_UPDATE)
            H2C_FUZZ_CHECK(t == H2C_FRAME_TYPE_PRIORITY_UPDATE);
        else if (rc == H2C_CONN_EV_ALTSVC)
            H2C_FUZZ_CHECK(t == H2C_FRAME_TYPE_ALTSVC);
        else if (rc == H2C_CONN_EV_ORIGIN)
            H2C_FUZZ_CHECK(t == H2C_FRAME_TYPE_ORIGIN);
        else
            H2C_FUZZ_CHECK(!is_known_type(t));
        H2C_FUZZ_CHECK(f->hd.stream_id == ev->stream_id || rc != H2C_CONN_EV_UNKNOWN_FRAME);
        mix_view(s, f->payload);
        break;
    }
    default:
        H2C_FUZZ_CHECK(!"a known event");
    }
}

/* Mark the connection failed with rc and check the error. */
static void died(fuzz_state *s, int rc, const h2c_conn_event *ev)
{
    if (s->dead) {
        H2C_FUZZ_CHECK(rc == s->dead);
        return;
    }
    H2C_FUZZ_CHECK(ev->error.status == rc);
    H2C_FUZZ_CHECK(ev->error.reason != NULL || rc == H2C_E_NOMEM);
    H2C_FUZZ_CHECK(ev->error.scope == H2C_SCOPE_CONNECTION || ev->error.scope == H2C_SCOPE_LOCAL);
    s->dead = rc;
    s->out_at_death = h2c_conn_output_len(s->c);
}

/* Feed in[0..len) in fragments until it is taken (or the connection fails). */
static void feed(fuzz_state *s, const uint8_t *in, size_t len)
{
    size_t off = 0;
    s->in_recv = 1;
    do {
        size_t n = h2c_fuzz_chunker_next(&s->ch, len - off);
        h2c_fuzz_frag frag = {0};
        h2c_fuzz_frag_set(&frag, in + off, n);
        size_t foff = 0;
        for (int spin = 0;; spin++) {
            h2c_conn_event ev;
            size_t used = (size_t)-1;
            memset(&ev, 0x5a, sizeof ev);
            int rc = h2c_conn_recv(s->c, frag.buf + foff, n - foff, &used, &ev);
            H2C_FUZZ_CHECK(used <= n - foff);
            foff += used;
            if (rc < 0) {
                H2C_FUZZ_CHECK(rc != H2C_E_INVALID_ARGUMENT);
                H2C_FUZZ_CHECK(!s->early || rc == s->early);
                died(s, rc, &ev);
                /* sticky: again, with and without input */
                H2C_FUZZ_CHECK(h2c_conn_recv(s->c, frag.buf, n, &used, &ev) == rc);
                H2C_FUZZ_CHECK(h2c_conn_recv(s->c, frag.buf, 0, &used, &ev) == rc);
                check_state(s);
                break;
            }
            H2C_FUZZ_CHECK(!s->dead);
            if (rc == H2C_OK) {
                H2C_FUZZ_CHECK(foff == n);
                check_state(s);
                break;
            }
            check_event(s, rc, &ev, frag.buf, n);
            check_state(s);
            H2C_FUZZ_CHECK(spin < 1000000);
        }
        h2c_fuzz_frag_free(&frag);
        off += n;
        if (s->dead)
            break;
    } while (off < len);
    s->in_recv = 0;
    /* an error seen early has been returned by now */
    H2C_FUZZ_CHECK(!s->early || s->dead == s->early);
}

/* ------------------------------------------------------------------------
 * The peer's view of our output
 * ---------------------------------------------------------------------- */

static void out_block(fuzz_state *s, const h2c_frame_block *b)
{
    size_t off = 0;
    while (off < b->fragment.len) {
        h2c_hpack_field f;
        size_t used = 0;
        int rc = h2c_hpack_decoder_push(s->od, b->fragment.ptr + off, b->fragment.len - off,
                                        &used, &f);
        off += used;
        H2C_FUZZ_CHECK(rc >= 0); /* our field blocks decode */
        if (rc == H2C_OK)
            break;
        mix_view(s, f.name);
        mix_view(s, f.value);
    }
    if (b->end)
        H2C_FUZZ_CHECK(h2c_hpack_decoder_finish(s->od) == H2C_OK);
}

static void out_octets(fuzz_state *s, const uint8_t *p, size_t len)
{
    size_t off = 0;
    while (off < len) {
        h2c_frame_event fe;
        size_t used = 0;
        int rc = h2c_frame_parser_push(s->op, p + off, len - off, &used, &fe);
        off += used;
        if (rc == H2C_OK)
            break;
        H2C_FUZZ_CHECK(rc == H2C_FRAME_EV_PREFACE || rc == H2C_FRAME_EV_FRAME);
        if (rc == H2C_FRAME_EV_PREFACE) {
            H2C_FUZZ_CHECK(!s->server);
            continue;
        }
        const h2c_frame *f = &fe.frame;
        H2C_FUZZ_CHECK(f->hd.length <= s->max_mfs);
        s->last_type = f->hd.type;
        s->last_code = f->hd.type == H2C_FRAME_TYPE_GOAWAY ? f->u.goaway.error_code : 0;
        if (f->hd.type == H2C_FRAME_TYPE_SETTINGS && (f->hd.flags & H2C_FRAME_FLAG_ACK) &&
            s->nhts > 0) {
            /* the peer's SETTINGS this ACK answers: its table size now holds */
            uint32_t t = s->hts[s->hts_head];
            s->hts_head = (s->hts_head + 1) % MAX_HTS;
            s->nhts--;
            if (t > (1u << 20))
                t = 1u << 20;
            H2C_FUZZ_CHECK(h2c_hpack_decoder_set_max_table_size(s->od, t) == H2C_OK);
        }
        h2c_frame_block b;
        int arc = h2c_frame_assembler_push(s->oa, f, &b);
        H2C_FUZZ_CHECK(arc >= 0);
        if (arc == H2C_FRAME_EV_FRAGMENT || arc == H2C_FRAME_EV_BLOCK_END)
            out_block(s, &b);
    }
}

/* Take n octets of output (0: all), both ways of taking them. */
static void drain(fuzz_state *s, size_t n, int by_send)
{
    size_t have = h2c_conn_output_len(s->c);
    if (n == 0 || n > have)
        n = have;
    if (n == 0)
        return;
    if (by_send) {
        uint8_t *buf = malloc(n);
        size_t got = h2c_conn_send(s->c, buf, n);
        H2C_FUZZ_CHECK(got == n);
        out_octets(s, buf, got);
        free(buf);
    } else {
        h2c_view v = h2c_conn_output(s->c);
        H2C_FUZZ_CHECK(v.len == have);
        out_octets(s, v.ptr, n);
        h2c_conn_output_consume(s->c, n);
    }
    H2C_FUZZ_CHECK(h2c_conn_output_len(s->c) == have - n);
    if (s->dead)
        s->out_at_death = have - n;
}

/* ------------------------------------------------------------------------
 * Operations
 * ---------------------------------------------------------------------- */

#define F(n, v) {{(const uint8_t *)(n), sizeof(n) - 1}, {(const uint8_t *)(v), sizeof(v) - 1}, 0, 0, 0, 0}

/* A submit after the connection failed must fail and queue nothing.  One
 * that fails for memory may end the connection itself. */
static void submitted(fuzz_state *s, int rc)
{
    H2C_FUZZ_CHECK(rc <= 0);
    if (s->dead)
        H2C_FUZZ_CHECK(rc < 0);
    int err = h2c_conn_error(s->c, NULL);
    if (!s->dead && err != H2C_OK) {
        H2C_FUZZ_CHECK(rc == H2C_E_NOMEM && err == H2C_E_NOMEM);
        s->dead = err;
        s->out_at_death = h2c_conn_output_len(s->c);
    }
    check_state(s);
}

static void op_headers(fuzz_state *s, h2c_fuzz_reader *r, uint8_t op, int trailers)
{
    uint32_t id = pick(s, h2c_fuzz_u8(r));
    int end = (op & 0x10) != 0;
    unsigned kind = op >> 5;
    size_t nl = 0, vl = 0;
    const uint8_t *name = trailers ? NULL : h2c_fuzz_str8(r, &nl);
    const uint8_t *value = trailers ? NULL : h2c_fuzz_str8(r, &vl);
    h2c_hpack_field f[6] = {F(":method", "GET"), F(":scheme", "https"),
                            F(":authority", "example.org"), F(":path", "/"), F("x", ""),
                            F("x", "")};
    size_t n;
    int rc;
    if (trailers) {
        h2c_hpack_field t[1] = {F("x-trailer", "1")};
        rc = h2c_conn_submit_headers(s->c, id, t, 1, 1);
        submitted(s, rc);
        return;
    }
    if (!s->server) {
        static const char *const methods[] = {"GET", "POST", "HEAD", "CONNECT", "OPTIONS",
                                              "PUT", "DELETE", "TRACE"};
        f[0].value = h2c_view_of(methods[kind], strlen(methods[kind]));
        n = 4;
        if (kind == 3)
            n = 4; /* CONNECT with :scheme and :path: refused by the peer, fine here */
        if (nl) {
            f[n].name = h2c_view_of(name, nl);
            f[n].value = h2c_view_of(value, vl);
            f[n].indexing = (uint8_t)(nl & 3);
            n++;
        }
        uint32_t nid = 0;
        rc = h2c_conn_submit_request(s->c, f, n, end, &nid);
        if (rc == H2C_OK) {
            H2C_FUZZ_CHECK(nid & 1);
            remember(s, nid);
        }
        submitted(s, rc);
        return;
    }
    static const char *const statuses[] = {"200", "100", "103", "204", "304", "404", "500", "101"};
    f[0] = (h2c_hpack_field)F(":status", "200");
    f[0].value = h2c_view_of(statuses[kind], 3);
    n = 1;
    if (nl) {
        f[n].name = h2c_view_of(name, nl);
        f[n].value = h2c_view_of(value, vl);
        f[n].indexing = (uint8_t)(nl & 3);
        n++;
    }
    rc = h2c_conn_submit_headers(s->c, id, f, n, end);
    submitted(s, rc);
}

static void run_op(fuzz_state *s, h2c_fuzz_reader *r, uint8_t op)
{
    int rc;
    size_t got;
    switch (op & 0x0f) {
    case 0:
    case 1:
    case 2:
    case 3: {
        size_t want = (op & 0x0f) == 3 ? h2c_fuzz_u8(r) : h2c_fuzz_u16(r);
        const uint8_t *p = h2c_fuzz_bytes(r, want, &got);
        if (got)
            feed(s, p, got);
        break;
    }
    case 4:
        op_headers(s, r, op, 0);
        break;
    case 5: {
        uint32_t id = pick(s, h2c_fuzz_u8(r));
        size_t len = h2c_fuzz_u16(r);
        uint8_t *buf = malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)('a' + i % 26);
        size_t before = h2c_conn_send_window(s->c, id);
        size_t acc = (size_t)-1;
        rc = h2c_conn_submit_data(s->c, id, buf, len, (op & 0x10) != 0, &acc);
        if (rc == H2C_OK) {
            H2C_FUZZ_CHECK(acc <= len && acc <= before);
            if (h2c_conn_stream_state_get(s->c, id) != H2C_STREAM_CLOSED)
                H2C_FUZZ_CHECK(h2c_conn_send_window(s->c, id) == before - acc);
        }
        free(buf);
        submitted(s, rc);
        break;
    }
    case 6: {
        uint32_t id = pick(s, h2c_fuzz_u8(r));
        size_t n = h2c_fuzz_u16(r);
        rc = h2c_conn_consume(s->c, id, n);
        H2C_FUZZ_CHECK(rc == H2C_OK || rc == H2C_E_INVALID_ARGUMENT || rc < 0);
        check_state(s);
        break;
    }
    case 7: {
        uint32_t id = pick(s, h2c_fuzz_u8(r));
        rc = h2c_conn_reset_stream(s->c, id, h2c_fuzz_u8(r) % 14);
        if (rc == H2C_OK)
            H2C_FUZZ_CHECK(h2c_conn_stream_state_get(s->c, id) == H2C_STREAM_CLOSED);
        submitted(s, rc);
        break;
    }
    case 8: {
        const uint8_t *p = h2c_fuzz_bytes(r, 8, &got);
        uint8_t opaque[8] = {0};
        memcpy(opaque, p, got);
        submitted(s, h2c_conn_ping(s->c, got ? opaque : NULL));
        break;
    }
    case 9: {
        h2c_conn_settings st = *h2c_conn_local_settings(s->c);
        uint8_t which = h2c_fuzz_u8(r);
        uint32_t v = h2c_fuzz_u32(r);
        switch (which % 7) {
        case 0: st.header_table_size = v % 65536; break;
        case 1: st.enable_push = v % 3; break;
        case 2: st.max_concurrent_streams = v; break;
        case 3: st.initial_window_size = v; break;
        case 4: st.max_frame_size = v; break;
        case 5: st.max_header_list_size = v; break;
        case 6: st.enable_connect_protocol = v % 3; break;
        }
        submitted(s, h2c_conn_update_settings(s->c, &st));
        break;
    }
    case 10: {
        uint32_t id = pick(s, h2c_fuzz_u8(r));
        submitted(s, h2c_conn_window_update(s->c, id, h2c_fuzz_u32(r)));
        break;
    }
    case 11: {
        const uint8_t *p = h2c_fuzz_bytes(r, 4, &got);
        rc = h2c_conn_close(s->c, h2c_fuzz_u8(r) % 14, h2c_view_of(p, got));
        if (rc == H2C_OK && !s->dead)
            s->closed = 1;
        submitted(s, rc);
        break;
    }
    case 12: {
        uint32_t id = pick(s, h2c_fuzz_u8(r));
        size_t pl = 0;
        const uint8_t *path = h2c_fuzz_str8(r, &pl);
        h2c_hpack_field f[4] = {F(":method", "GET"), F(":scheme", "https"),
                                F(":authority", "example.org"), F(":path", "/pushed")};
        if (pl)
            f[3].value = h2c_view_of(path, pl);
        uint32_t pid = 0;
        rc = h2c_conn_submit_push(s->c, id, f, 4, &pid);
        if (rc == H2C_OK) {
            H2C_FUZZ_CHECK(s->server && pid != 0 && (pid & 1) == 0);
            H2C_FUZZ_CHECK(h2c_conn_stream_state_get(s->c, pid) == H2C_STREAM_RESERVED_LOCAL);
            remember(s, pid);
        }
        submitted(s, rc);
        break;
    }
    case 13:
        submitted(s, h2c_conn_end_stream(s->c, pick(s, h2c_fuzz_u8(r))));
        break;
    case 14:
        drain(s, h2c_fuzz_u16(r), (op & 0x10) != 0);
        check_state(s);
        break;
    case 15:
        op_headers(s, r, op, 1);
        break;
    }
}

static void peer_preface(fuzz_state *s)
{
    static const uint8_t server_side[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
                                         "\x00\x00\x00\x04\x00\x00\x00\x00\x00";
    /* a server's SETTINGS with ENABLE_PUSH 0 (RFC 9113 6.5.2), then its ACK */
    static const uint8_t client_side[] = "\x00\x00\x06\x04\x00\x00\x00\x00\x00"
                                         "\x00\x02\x00\x00\x00\x00"
                                         "\x00\x00\x00\x04\x01\x00\x00\x00\x00";
    if (s->server)
        feed(s, server_side, sizeof server_side - 1);
    else
        feed(s, client_side, sizeof client_side - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h2c_fuzz_reader r;
    fuzz_state s;
    h2c_fuzz_alloc fa = {0, 0, 0};
    h2c_allocator al = {h2c_fuzz_alloc_fn, h2c_fuzz_free_fn, &fa};
    memset(&s, 0, sizeof s);
    s.hash = 0xcbf29ce484222325ull;
    s.server = CONN_FUZZ_ROLE == H2C_CONN_SERVER;
    h2c_fuzz_reader_init(&r, data, size);

    uint8_t flags = h2c_fuzz_u8(&r), v;
    h2c_conn_options_init(&s.o, CONN_FUZZ_ROLE);
    if (flags & 0x01)
        s.o.flags |= H2C_CONN_NO_AUTO_WINDOW_UPDATE;
    if (flags & 0x02)
        s.o.flags |= H2C_CONN_NO_VALIDATION;
    if ((flags & 0x04) && !s.server)
        s.o.settings.enable_push = 1;
    if (flags & 0x08) {
        s.o.limits.max_output = 4096;
        s.o.limits.max_peer_resets = 4;
        s.o.limits.max_stream_errors = 4;
        s.o.limits.max_empty_frames = 8;
        s.o.limits.max_continuations = 4;
        s.o.limits.max_block_size = 2048;
        s.o.limits.max_settings_entries = 4;
        s.o.limits.max_unacked_settings = 2;
    }
    if (flags & 0x40)
        s.o.fields_lenient = 0x0f;
    if (flags & 0x80)
        s.o.hpack_policy = H2C_HPACK_POLICY_NEVER;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        s.o.settings.initial_window_size = v == 0xff ? H2C_FRAME_MAX_31BIT : v * 1000u;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        s.o.connection_window = v * 4096u;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        s.o.settings.max_concurrent_streams = v - 1u;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        s.o.settings.max_header_list_size = v * 64u;
    v = h2c_fuzz_u8(&r);
    s.o.settings.max_frame_size = v % 4 == 3 ? H2C_FRAME_MAX_FRAME_SIZE_MAX : 16384u << (v % 4);
    if ((v = h2c_fuzz_u8(&r)) != 0)
        s.o.settings.header_table_size = (v - 1u) * 16;
    v = h2c_fuzz_u8(&r);
    s.auto_consume = v & 1;
    unsigned fail_at = v >> 1;
    h2c_fuzz_chunker_read(&s.ch, &r, 4);
    if (flags & 0x20)
        s.o.allocator = &al;

    int rc = h2c_conn_new(&s.c, &s.o);
    if (rc != H2C_OK) {
        H2C_FUZZ_CHECK(rc == H2C_E_NOMEM || rc == H2C_E_INVALID_ARGUMENT);
        H2C_FUZZ_CHECK(s.c == NULL);
        return 0;
    }
    if (flags & 0x20)
        fa.fail_at = fa.calls + 1 + fail_at;

    /* the peer's side of our output */
    h2c_frame_parser_options po;
    h2c_frame_parser_options_init(&po);
    po.max_frame_size = H2C_FRAME_MAX_FRAME_SIZE_MAX;
    po.max_settings = 1000;
    po.preface = s.server ? H2C_FRAME_PREFACE_NONE : H2C_FRAME_PREFACE_EXPECT;
    h2c_frame_assembler_options ao;
    h2c_frame_assembler_options_init(&ao);
    ao.max_continuations = 100000;
    ao.max_block_size = (size_t)1 << 30;
    h2c_hpack_decoder_options ho;
    h2c_hpack_decoder_options_init(&ho);
    ho.max_list_size = (size_t)1 << 30;
    ho.max_string_len = (size_t)1 << 26;
    ho.max_fields = 1u << 20;
    H2C_FUZZ_CHECK(h2c_frame_parser_new(&s.op, &po) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_frame_assembler_new(&s.oa, &ao) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_hpack_decoder_new(&s.od, &ho) == H2C_OK);
    s.max_mfs = 16384;

    check_state(&s);
    if (flags & 0x10)
        peer_preface(&s);
    while (r.left > 0)
        run_op(&s, &r, h2c_fuzz_u8(&r));

    /* the peer's input ends: finish() reports where, and changes nothing */
    {
        h2c_conn_event ev;
        size_t before = h2c_conn_output_len(s.c);
        memset(&ev, 0x5a, sizeof ev);
        rc = h2c_conn_finish(s.c, &ev);
        if (s.dead)
            H2C_FUZZ_CHECK(rc == s.dead);
        else
            H2C_FUZZ_CHECK(rc == H2C_OK || rc == H2C_FRAME_E_TRUNCATED ||
                           rc == H2C_CONN_E_OPEN_BLOCK);
        if (rc == H2C_FRAME_E_TRUNCATED)
            H2C_FUZZ_CHECK(ev.missing > 0 && ev.error.scope == H2C_SCOPE_LOCAL);
        if (rc == H2C_CONN_E_OPEN_BLOCK)
            H2C_FUZZ_CHECK(ev.stream_id != 0);
        H2C_FUZZ_CHECK(h2c_conn_output_len(s.c) == before);
        H2C_FUZZ_CHECK(h2c_conn_error(s.c, NULL) == (s.dead ? s.dead : H2C_OK));
        H2C_FUZZ_CHECK(h2c_conn_finish(s.c, &ev) == rc);
    }

    /* the end: take everything, which must be whole frames */
    drain(&s, 0, 0);
    check_state(&s);
    H2C_FUZZ_CHECK(h2c_frame_parser_finish(s.op, NULL) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_frame_assembler_open_stream(s.oa) == 0 || s.dead);
    if (s.dead) {
        H2C_FUZZ_CHECK(h2c_conn_done(s.c) == 1);
        /* a connection error ends the output with its GOAWAY (unless memory
         * failed on the way) */
        h2c_error e;
        h2c_conn_error(s.c, &e);
        if (fa.failed == 0 && s.dead != H2C_E_NOMEM && !s.closed)
            H2C_FUZZ_CHECK(s.last_type == H2C_FRAME_TYPE_GOAWAY && s.last_code == e.h2_error);
        /* the same when our graceful GOAWAY went first (RFC 9113 5.4.1, 6.8:
         * a second GOAWAY tells the peer why) */
        if (fa.failed == 0 && s.dead != H2C_E_NOMEM && s.closed)
            H2C_FUZZ_CHECK(s.last_type == H2C_FRAME_TYPE_GOAWAY && s.last_code == e.h2_error);
    }

    h2c_hpack_decoder_free(s.od);
    h2c_frame_assembler_free(s.oa);
    h2c_frame_parser_free(s.op);
    h2c_conn_free(s.c);
    sink = s.hash; /* the hash only makes every view be read */
    return 0;
}
