/* SPDX-License-Identifier: MIT */
/*
 * The CLI's view of one direction of a connection: h2c_conn in observe
 * mode (<h2codec/conn.h>, H2C_CONN_OBSERVE), its events turned into the
 * reports `h2codec frames`, the bench and the catalogue print or judge.
 */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

#include <h2codec/conn.h>
#include <h2codec/fields.h>

struct conn {
    conn_opts o;
    conn_cb cb;
    void *user;
    h2c_conn *h;
    conn_field *fl; /* the fields of a block, as the reports carry them */
    size_t fl_cap;
    /* A frame is reported once the events it gave are known: its block's
     * fields come after it. */
    int held;
    h2c_frame frame;
    int decoded;
    h2c_error ignored; /* an ignorable frame's error, reported after it */
    size_t errors;
    uint64_t frames;
    int dead;
    int preface;
};

void conn_opts_init(conn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->preface = H2C_FRAME_PREFACE_AUTO;
    o->max_frame_size = H2C_FRAME_MAX_FRAME_SIZE_MIN;
    o->table_size = 4096;
    o->max_list_size = 65536;
    o->hpack = 1;
    o->validate = 1;
    o->collect = 1;
}

int conn_new(conn **out, const conn_opts *o, conn_cb cb, void *user)
{
    conn *c = calloc(1, sizeof *c);
    if (!c)
        return H2C_E_NOMEM;
    c->o = *o;
    c->cb = cb;
    c->user = user;
    h2c_conn_options ho;
    /* the preface makes it a server */
    h2c_conn_options_init(&ho, o->server ? H2C_CONN_SERVER : H2C_CONN_CLIENT);
    ho.flags = H2C_CONN_OBSERVE | (o->hpack ? 0 : H2C_CONN_NO_HPACK) |
               (o->validate ? 0 : H2C_CONN_NO_VALIDATION);
    ho.observe_preface = o->preface;
    ho.settings.max_frame_size = o->max_frame_size;
    ho.settings.header_table_size = o->table_size;
    ho.settings.max_header_list_size = o->max_list_size > UINT32_MAX
                                           ? UINT32_MAX
                                           : (uint32_t)o->max_list_size;
    if (o->max_settings)
        ho.limits.max_settings_entries = o->max_settings;
    ho.limits.max_continuations = o->max_continuations ? o->max_continuations : 32;
    if (o->max_block_size)
        ho.limits.max_block_size = o->max_block_size;
    ho.limits.max_empty_frames = o->max_empty_frames;
    ho.hpack_lenient = o->tolerant ? H2C_HPACK_LENIENT_UNKNOWN_INDEX : 0;
    ho.fields_lenient = o->lenient;
    ho.allocator = o->allocator;
    int rc = h2c_conn_new(&c->h, &ho);
    if (rc != H2C_OK) {
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void conn_free(conn *c)
{
    if (!c)
        return;
    h2c_conn_free(c->h);
    free(c->fl);
    free(c);
}

/* The library a status comes from, by its hundred. */
static const char *source_of(int status)
{
    switch ((status < 0 ? -status : status) / 100) {
    case 1: return "hpack";
    case 2: return "frame";
    case 3: return "fields";
    case 4: return "conn";
    default: return "local";
    }
}

static void report_error(conn *c, const h2c_error *e)
{
    c->errors++;
    if (e->scope == H2C_SCOPE_CONNECTION || e->scope == H2C_SCOPE_LOCAL)
        c->dead = 1;
    if (!c->cb)
        return;
    conn_report r;
    memset(&r, 0, sizeof r);
    r.kind = CONN_ERROR;
    r.source = source_of(e->status);
    r.h2_error = e->h2_error;
    r.scope = e->scope;
    r.stream_id = e->stream_id;
    r.offset = e->offset;
    r.reason = e->reason;
    c->cb(c->user, &r);
}

/* Report the held frame, with the fields of the block it ended if any. */
static void flush(conn *c, const h2c_conn_event *fields_ev)
{
    if (!c->held)
        return;
    c->held = 0;
    conn_report r;
    memset(&r, 0, sizeof r);
    r.kind = CONN_FRAME;
    r.frame = &c->frame;
    r.decoded = c->decoded;
    if (fields_ev) {
        r.block_end = 1;
        if (c->o.collect) {
            if (fields_ev->nfields > c->fl_cap) {
                size_t ncap = fields_ev->nfields * 2;
                conn_field *nf = realloc(c->fl, ncap * sizeof *nf);
                if (nf) {
                    c->fl = nf;
                    c->fl_cap = ncap;
                }
            }
            size_t n = fields_ev->nfields <= c->fl_cap ? fields_ev->nfields : 0;
            for (size_t i = 0; i < n; i++) {
                const h2c_conn_field *f = &fields_ev->fields[i];
                c->fl[i].name = (const char *)f->name.ptr;
                c->fl[i].name_len = f->name.len;
                c->fl[i].value = (const char *)f->value.ptr;
                c->fl[i].value_len = f->value.len;
                c->fl[i].indexing = f->never_index ? H2C_HPACK_INDEX_NEVER : H2C_HPACK_INDEX_YES;
                c->fl[i].flags = f->hpack_flags;
            }
            r.fields = c->fl;
            r.nfields = n;
        }
    }
    c->frames++;
    c->cb(c->user, &r);
    if (c->ignored.status != H2C_OK) {
        h2c_error e = c->ignored;
        c->ignored.status = H2C_OK;
        report_error(c, &e);
    }
}

static void on_event(conn *c, int rc, const h2c_conn_event *ev)
{
    conn_report r;
    switch (rc) {
    case H2C_CONN_EV_PREFACE:
        memset(&r, 0, sizeof r);
        r.kind = CONN_PREFACE;
        c->preface = 1;
        c->cb(c->user, &r);
        break;
    case H2C_CONN_EV_FRAME:
        flush(c, NULL);
        c->held = 1;
        c->frame = *ev->frame;
        c->decoded = ev->decoded;
        c->ignored = ev->error;
        break;
    case H2C_CONN_EV_REQUEST:
    case H2C_CONN_EV_RESPONSE:
    case H2C_CONN_EV_INFORMATIONAL:
    case H2C_CONN_EV_TRAILERS:
    case H2C_CONN_EV_PUSH: flush(c, ev); break;
    case H2C_CONN_EV_HEADERS_TOO_LARGE: {
        flush(c, NULL);
        h2c_error e = {H2C_HPACK_E_LIST_SIZE,
                       H2C_H2_REFUSED_STREAM,
                       H2C_SCOPE_STREAM,
                       ev->stream_id,
                       0,
                       "decoded header list larger than the limit"};
        report_error(c, &e);
        break;
    }
    case H2C_CONN_EV_STREAM_RESET:
        flush(c, NULL);
        if (!ev->remote)
            report_error(c, &ev->error);
        break;
    default: break; /* the frame report says it all */
    }
}

/* conn_push() with no callback: frames are counted and errors noted, as
 * the reports would have done, but no report is made. */
static int push_quiet(conn *c, const uint8_t *in, size_t len)
{
    size_t off = 0, used;
    h2c_conn_event ev;
    while (!c->dead) {
        int rc = h2c_conn_recv(c->h, in + off, len - off, &used, &ev);
        off += used;
        if (rc == H2C_OK)
            break;
        if (rc == H2C_CONN_EV_FRAME) {
            c->frames++;
            c->errors += ev.error.status != H2C_OK; /* ignorable: never fatal */
        } else if (rc == H2C_CONN_EV_HEADERS_TOO_LARGE) {
            c->errors++; /* a stream's */
        } else if (rc < 0 || (rc == H2C_CONN_EV_STREAM_RESET && !ev.remote)) {
            c->errors++;
            if (ev.error.scope == H2C_SCOPE_CONNECTION || ev.error.scope == H2C_SCOPE_LOCAL)
                c->dead = 1;
            if (rc < 0)
                break;
        }
    }
    return c->dead;
}

int conn_push(conn *c, const uint8_t *in, size_t len)
{
    size_t off = 0, used;
    h2c_conn_event ev;
    static const uint8_t none[1];
    if (!len)
        in = none; /* never offset a NULL pointer */
    if (!c->cb)
        return push_quiet(c, in, len);
    while (!c->dead) {
        int rc = h2c_conn_recv(c->h, in + off, len - off, &used, &ev);
        off += used;
        if (rc == H2C_OK)
            break;
        if (rc < 0) {
            flush(c, NULL);
            report_error(c, &ev.error);
            break;
        }
        on_event(c, rc, &ev);
    }
    flush(c, NULL);
    return c->dead;
}

size_t conn_finish(conn *c)
{
    if (c->dead)
        return c->errors;
    h2c_conn_event ev;
    int rc = h2c_conn_finish(c->h, &ev);
    conn_report r;
    memset(&r, 0, sizeof r);
    if (!c->cb) {
        c->errors += rc < 0 && rc != H2C_FRAME_E_TRUNCATED && rc != H2C_CONN_E_OPEN_BLOCK;
    } else if (rc == H2C_FRAME_E_TRUNCATED) {
        r.kind = CONN_TRUNCATED;
        r.missing = ev.missing;
        r.offset = ev.error.offset;
        c->cb(c->user, &r);
    } else if (rc == H2C_CONN_E_OPEN_BLOCK) {
        r.kind = CONN_OPEN_BLOCK;
        r.stream_id = ev.stream_id;
        r.offset = ev.error.offset;
        c->cb(c->user, &r);
    } else if (rc < 0) {
        report_error(c, &ev.error);
    }
    return c->errors;
}

int conn_placeholder_name(const char *name, size_t len)
{
    static const char head[] = "<unknown index ";
    return len > sizeof head - 1 && memcmp(name, head, sizeof head - 1) == 0;
}

void conn_raise_limits(conn *c, uint32_t max_frame_size, uint32_t table_size)
{
    h2c_conn_settings s = *h2c_conn_local_settings(c->h);
    if (max_frame_size > s.max_frame_size && max_frame_size <= H2C_FRAME_MAX_FRAME_SIZE_MAX)
        s.max_frame_size = max_frame_size;
    if (table_size > s.header_table_size)
        s.header_table_size = table_size;
    (void)h2c_conn_update_settings(c->h, &s);
}

uint64_t conn_frames(const conn *c)
{
    return c->frames;
}

int conn_saw_preface(const conn *c)
{
    return c->preface;
}
