/* SPDX-License-Identifier: MIT */
/*
 * stream -- the receive pipeline of `h2codec frames`, which is the
 * connection library in observe mode (H2C_CONN_OBSERVE): one direction of
 * a connection, preface, frames, field blocks through the assembler and
 * HPACK, the RFC 9113 8.2-8.3 checks, as events.  Small limits and
 * settings come from the input, so that the flood and bomb paths (empty
 * frames, CONTINUATION floods, oversized blocks and header lists, table
 * size changes) are reached.
 *
 * The input runs twice: in one piece, then in fragments (each an
 * exact-size heap copy).  Everything the events carry is hashed (every
 * view read in full, so a stale view shows up under ASan), and both runs
 * must give the same hash and end the same way.  A third, fragmented run
 * can use an allocator that fails from some call on: it must end exactly
 * like the second, or with H2C_E_NOMEM once an allocation failed.
 *
 * Checked on every call: *consumed within the input, the returned event
 * is ev->type, H2C_OK only with all input taken, no event after an error
 * (the same status every time, and h2c_conn_error() agrees), and
 * h2c_conn_finish() gives the same answer twice.
 *
 * Input:
 *   mode:u8      observe_preface = mode % 3; (mode >> 3) & 0xf: the field
 *                checks' leniency (H2C_FIELDS_LENIENT_*); 0x80 lenient HPACK
 *                (placeholders for unknown indexes, as `frames --tolerant`)
 *   flags:u8     0x01 role CLIENT (the server's direction), 0x02
 *                H2C_CONN_NO_VALIDATION, 0x04 H2C_CONN_NO_HPACK
 *   empty:u8     limits.max_empty_frames (0 = no limit)
 *   cont:u8      limits.max_continuations = cont - 1 (0 = default)
 *   block:u8     limits.max_block_size = block * 16 (0 = default)
 *   table:u8     header_table_size = table * 16 (0 = default)
 *   list:u8      max_header_list_size = list * 32 (0 = default)
 *   unused:u8
 *   pattern:4    fragment sizes of the second and third runs
 *   set_at:u8    after this many events, the other direction's settings
 *                change (h2c_conn_update_settings()); 0 = never
 *   mfs:u8       the new SETTINGS_MAX_FRAME_SIZE: 16384 << (mfs % 4), or
 *                (mfs & 0x80) an invalid value, which must be refused and
 *                change nothing; bits 2-6 pick the new header table size
 *   fail_at:u8   the third run's allocator fails from call fail_at on;
 *                0 = no third run
 *   then the connection octets.
 */
#include <string.h>

#include <h2codec/conn.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct config {
    h2c_conn_options o;
    uint64_t set_at; /* events before the settings change; 0 = never */
    uint8_t mfs;
} config;

typedef struct outcome {
    uint64_t hash;   /* FNV-1a over everything reported */
    int end;         /* the final status: H2C_OK or the connection error */
    int finish;      /* h2c_conn_finish() */
    uint64_t events;
    uint64_t fields;
} outcome;

static void mix(outcome *o, const void *p, size_t n)
{
    const uint8_t *b = p;
    H2C_FUZZ_CHECK(p != NULL || n == 0);
    for (size_t i = 0; i < n; i++)
        o->hash = (o->hash ^ b[i]) * 0x100000001b3ull;
}

static void mix_int(outcome *o, uint64_t v)
{
    mix(o, &v, sizeof v);
}

static void mix_view(outcome *o, h2c_view v)
{
    mix_int(o, v.len);
    mix(o, v.ptr, v.len);
}

static void mix_error(outcome *o, const h2c_error *e)
{
    mix_int(o, (uint64_t)(int64_t)e->status);
    mix_int(o, e->h2_error);
    mix_int(o, (uint64_t)(int64_t)e->scope);
    mix_int(o, e->stream_id);
    H2C_FUZZ_CHECK(h2c_strerror(e->status) != NULL);
}

static void mix_frame(outcome *o, const h2c_frame *f)
{
    H2C_FUZZ_CHECK(f != NULL);
    mix_int(o, f->hd.length);
    mix_int(o, f->hd.type);
    mix_int(o, f->hd.flags);
    mix_int(o, f->hd.stream_id);
}

/* One event: every member it carries goes into the hash. */
static void mix_event(outcome *o, int rc, const h2c_conn_event *ev)
{
    H2C_FUZZ_CHECK(ev->type == rc);
    mix_int(o, (uint64_t)rc);
    mix_int(o, ev->stream_id);
    mix_int(o, (uint64_t)ev->end_stream);
    switch (rc) {
    case H2C_CONN_EV_REQUEST:
    case H2C_CONN_EV_RESPONSE:
    case H2C_CONN_EV_INFORMATIONAL:
    case H2C_CONN_EV_TRAILERS:
    case H2C_CONN_EV_PUSH:
        H2C_FUZZ_CHECK(ev->fields != NULL || ev->nfields == 0);
        for (size_t i = 0; i < ev->nfields; i++) {
            mix_view(o, ev->fields[i].name);
            mix_view(o, ev->fields[i].value);
            mix_int(o, ev->fields[i].never_index | (uint64_t)ev->fields[i].hpack_flags << 8);
        }
        o->fields += ev->nfields;
        mix_view(o, ev->method);
        mix_view(o, ev->scheme);
        mix_view(o, ev->authority);
        mix_view(o, ev->path);
        mix_view(o, ev->protocol);
        mix_int(o, (uint64_t)ev->status);
        mix_int(o, (uint64_t)ev->content_length);
        mix_int(o, ev->promised_stream_id);
        /* Three digits, or 0 when missing or not digits (an observer
         * reports a malformed block too; its error comes next). */
        H2C_FUZZ_CHECK(ev->status >= 0 && ev->status <= 999);
        if (rc == H2C_CONN_EV_INFORMATIONAL)
            H2C_FUZZ_CHECK(ev->status >= 100 && ev->status <= 199);
        break;
    case H2C_CONN_EV_DATA:
        mix_view(o, ev->data);
        H2C_FUZZ_CHECK(ev->data.len <= ev->flow_len);
        mix_int(o, ev->flow_len);
        break;
    case H2C_CONN_EV_STREAM_RESET:
        mix_int(o, ev->error_code);
        mix_int(o, (uint64_t)ev->remote);
        if (!ev->remote)
            mix_error(o, &ev->error);
        break;
    case H2C_CONN_EV_GOAWAY:
        mix_int(o, ev->error_code);
        mix_int(o, ev->last_stream_id);
        mix_view(o, ev->debug_data);
        break;
    case H2C_CONN_EV_WINDOW_UPDATE:
        mix_int(o, ev->increment);
        break;
    case H2C_CONN_EV_PING:
    case H2C_CONN_EV_PING_ACK:
        mix(o, ev->opaque_data, sizeof ev->opaque_data);
        break;
    case H2C_CONN_EV_SETTINGS:
        mix(o, &ev->settings, sizeof ev->settings);
        break;
    case H2C_CONN_EV_FRAME:
        mix_frame(o, ev->frame);
        mix_int(o, (uint64_t)ev->decoded);
        mix_error(o, &ev->error);
        break;
    case H2C_CONN_EV_PRIORITY_UPDATE:
    case H2C_CONN_EV_ALTSVC:
    case H2C_CONN_EV_ORIGIN:
    case H2C_CONN_EV_UNKNOWN_FRAME:
        mix_frame(o, ev->frame);
        break;
    case H2C_CONN_EV_HEADERS_TOO_LARGE:
    case H2C_CONN_EV_STREAM_END:
    case H2C_CONN_EV_SETTINGS_ACK:
    case H2C_CONN_EV_PREFACE:
        break;
    default:
        H2C_FUZZ_CHECK(!"an event the connection does not define");
    }
}

/* The other direction announced new settings: the observer follows them. */
static void change_settings(h2c_conn *c, const config *cfg, outcome *o)
{
    h2c_conn_settings s = *h2c_conn_local_settings(c);
    int valid = !(cfg->mfs & 0x80);
    s.max_frame_size = valid ? 16384u << (cfg->mfs % 4) : (cfg->mfs & 1 ? 16383u : 16777216u);
    s.header_table_size = ((cfg->mfs >> 2) & 0x1f) * 64u;
    int rc = h2c_conn_update_settings(c, &s);
    mix_int(o, (uint64_t)(int64_t)rc);
    if (!valid)
        H2C_FUZZ_CHECK(rc != H2C_OK);
}

/* Returns 0, or -1 if the connection could not be created (failing allocator). */
static int run(const config *cfg, const uint8_t *in, size_t len, const h2c_fuzz_chunker *ch,
               h2c_fuzz_alloc *fa, outcome *o)
{
    h2c_allocator hooks = {h2c_fuzz_alloc_fn, h2c_fuzz_free_fn, fa};
    h2c_conn_options opt = cfg->o;
    h2c_conn *c = NULL;
    h2c_fuzz_feed feed;
    h2c_conn_event ev;
    int rc, dead = H2C_OK;

    memset(o, 0, sizeof *o);
    o->hash = 0xcbf29ce484222325ull;
    if (fa)
        opt.allocator = &hooks;
    rc = h2c_conn_new(&c, &opt);
    if (rc != H2C_OK) {
        H2C_FUZZ_CHECK(fa && fa->failed > 0 && rc == H2C_E_NOMEM && c == NULL);
        return -1;
    }
    H2C_FUZZ_CHECK(h2c_conn_output_len(c) == 0); /* an observer writes nothing */
    h2c_fuzz_feed_init(&feed, ch, ch != NULL);
    h2c_fuzz_feed_begin(&feed, in, len);
    for (;;) {
        const uint8_t *p = NULL;
        size_t n = 0, used = 0;
        if (h2c_fuzz_feed_ready(&feed)) {
            p = feed.cur + feed.cur_off;
            n = feed.cur_len - feed.cur_off;
        }
        rc = h2c_conn_recv(c, p, n, &used, &ev);
        H2C_FUZZ_CHECK(used <= n);
        h2c_fuzz_feed_take(&feed, used);
        if (rc < 0) {
            h2c_error e;
            H2C_FUZZ_CHECK(h2c_conn_error(c, &e) == rc && ev.error.status == rc);
            H2C_FUZZ_CHECK(e.scope == H2C_SCOPE_CONNECTION || e.scope == H2C_SCOPE_LOCAL);
            mix_error(o, &ev.error);
            dead = rc;
            break;
        }
        if (rc == H2C_OK) {
            H2C_FUZZ_CHECK(used == n);
            if (n == 0 && feed.off >= feed.len)
                break;
            continue;
        }
        mix_event(o, rc, &ev);
        o->events++;
        if (o->events == cfg->set_at)
            change_settings(c, cfg, o);
    }
    o->end = dead;
    mix_int(o, (uint64_t)(int64_t)dead);
    if (dead != H2C_OK) {
        /* Sticky: the same status, no event, nothing taken. */
        size_t used = 1;
        H2C_FUZZ_CHECK(h2c_conn_recv(c, in, len, &used, &ev) == dead);
        H2C_FUZZ_CHECK(h2c_conn_output_len(c) == 0);
    }
    if (dead == H2C_E_NOMEM)
        H2C_FUZZ_CHECK(fa && fa->failed > 0);
    o->finish = h2c_conn_finish(c, &ev);
    mix_int(o, (uint64_t)(int64_t)o->finish);
    if (o->finish == H2C_FRAME_E_TRUNCATED)
        mix_int(o, ev.missing);
    H2C_FUZZ_CHECK(o->finish == (dead != H2C_OK ? dead : o->finish));
    H2C_FUZZ_CHECK(h2c_conn_finish(c, &ev) == o->finish);
    h2c_fuzz_feed_done(&feed);
    h2c_conn_free(c);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h2c_fuzz_reader r;
    h2c_fuzz_chunker ch;
    config cfg;
    outcome one, split, failing;
    h2c_fuzz_alloc fa = {0, 0, 0};
    const uint8_t *in;
    size_t len;
    uint8_t v, mode, flags;

    h2c_fuzz_reader_init(&r, data, size);
    mode = h2c_fuzz_u8(&r);
    flags = h2c_fuzz_u8(&r);
    h2c_conn_options_init(&cfg.o, flags & 0x01 ? H2C_CONN_CLIENT : H2C_CONN_SERVER);
    cfg.o.flags = H2C_CONN_OBSERVE;
    if (flags & 0x02)
        cfg.o.flags |= H2C_CONN_NO_VALIDATION;
    if (flags & 0x04)
        cfg.o.flags |= H2C_CONN_NO_HPACK;
    cfg.o.observe_preface = mode % 3;
    cfg.o.fields_lenient = (mode >> 3) & 0xf;
    if (mode & 0x80)
        cfg.o.hpack_lenient = H2C_HPACK_LENIENT_UNKNOWN_INDEX;
    cfg.o.limits.max_empty_frames = h2c_fuzz_u8(&r);
    if ((v = h2c_fuzz_u8(&r)) != 0)
        cfg.o.limits.max_continuations = (uint32_t)v - 1;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        cfg.o.limits.max_block_size = (size_t)v * 16;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        cfg.o.settings.header_table_size = (uint32_t)v * 16;
    if ((v = h2c_fuzz_u8(&r)) != 0)
        cfg.o.settings.max_header_list_size = (uint32_t)v * 32;
    (void)h2c_fuzz_u8(&r);
    h2c_fuzz_chunker_read(&ch, &r, 4);
    cfg.set_at = h2c_fuzz_u8(&r);
    cfg.mfs = h2c_fuzz_u8(&r);
    fa.fail_at = h2c_fuzz_u8(&r);
    in = h2c_fuzz_rest(&r, &len);

    H2C_FUZZ_CHECK(run(&cfg, in, len, NULL, NULL, &one) == 0);
    H2C_FUZZ_CHECK(run(&cfg, in, len, &ch, NULL, &split) == 0);
    H2C_FUZZ_CHECK(one.end == split.end);
    H2C_FUZZ_CHECK(one.finish == split.finish);
    H2C_FUZZ_CHECK(one.events == split.events);
    H2C_FUZZ_CHECK(one.fields == split.fields);
    H2C_FUZZ_CHECK(one.hash == split.hash);
    if (fa.fail_at != 0 && run(&cfg, in, len, &ch, &fa, &failing) == 0) {
        if (fa.failed == 0) {
            H2C_FUZZ_CHECK(failing.end == split.end && failing.hash == split.hash);
        } else {
            H2C_FUZZ_CHECK(failing.end == split.end || failing.end == H2C_E_NOMEM);
            H2C_FUZZ_CHECK(failing.events <= split.events);
        }
    }
    return 0;
}
