/* SPDX-License-Identifier: MIT */
/*
 * The capture driver.  Packets come in file order (pcapio), become TCP
 * segments (netdec), then in-order octets per flow direction (tcpreasm);
 * each flow is classified by its first octets (client preface, TLS
 * ClientHello, HTTP/1.1 Upgrade: h2c, or under --tolerant plausible frame
 * headers) and each direction's octets go through dir_input() into an
 * observing h2c_conn (conn.c).  Output is written as frames complete, to
 * stdout with --merge, else held per direction (in a temporary file) and
 * printed when the flow ends, client side first.
 */
#define _DEFAULT_SOURCE
#include "capture.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../cli.h"
#include "../frames_out.h"
#include "h2scan.h"
#include "netdec.h"
#include "pcapio.h"
#include "tcpreasm.h"
#include "tlshook.h"
#include "upgrade.h"

#define PENDING_MAX (256u << 10) /* octets held per flow until it is classified */
#define RESYNC_MAX (1u << 20)    /* octets searched for a frame header after a gap */
#define OOO_CAP (4u << 20)       /* out-of-order octets held per flow */
#define ROLE_SCAN                                                                               \
    (64u << 10) /* octets searched for a request or response to
                                    tell a flow's client from its server */

enum kind { K_UNDECIDED, K_H2, K_TLS, K_UPGRADE, K_NONE };
enum dstate { D_WAIT, D_H1, D_FRAMES, D_RESYNC, D_STOPPED };

typedef struct chunk {
    struct chunk *next;
    uint64_t packet;
    int64_t ts_ns;
    size_t len;
    const char *gap; /* not data: gap_n octets missing at gap_off, for this reason */
    uint64_t gap_off, gap_n;
    uint8_t data[];
} chunk;

struct cap;
struct sflow;

typedef struct sdir {
    struct cap *cap;
    struct sflow *fl;
    int dir; /* 0: client side (its octets are requests), 1: server */
    int state;
    conn *c;
    out_ctx out;
    FILE *buf; /* held output without --merge */
    chunk *pend, *pend_tail;
    size_t pend_len;
    size_t role_scanned; /* pending octets searched by server_side() */
    int role;            /* what they said: H2SCAN_CLIENT, H2SCAN_SERVER or 0 */
    uint8_t *rs;         /* octets searched while resynchronising */
    size_t rs_len, rs_cap;
    uint64_t rs_at;  /* stream offset of rs[0] */
    uint64_t offset; /* stream offset of the next octet */
    /* frame boundaries, to skip orphan CONTINUATIONs and to fill gaps
     * inside DATA */
    uint8_t hdr[9];
    size_t hn;
    uint64_t remain;
    int skipping, block_open;
    uint8_t cur_type, cur_flags;
    size_t preface_left;
    uint32_t max_frame, table_size; /* as the peer's SETTINGS announced */
    /* totals for --summary */
    uint64_t octets, frames, by_type[17], gaps, gap_octets, errors, blocks, requests, responses;
    char src[64], dst[64];
} sdir;

typedef struct sflow {
    int kind;
    int number;       /* 0 until it has output */
    int server_first; /* endpoint 1 of the reassembly is the client */
    int saw_syn;
    int lost_head;    /* the first octets were lost: started mid-connection */
    uint16_t port[2]; /* of the reassembly's endpoints */
    int upgraded;
    int ended;
    sdir d[2]; /* by role: 0 client, 1 server */
    upgrade_state up;
    tlshook_flow *tls;
    int tls_failed;
    int tls_h2; /* 0 until the first plaintext, then 1 (HTTP/2) or -1 */
    uint64_t streams_max;
} sflow;

/* A flow's output, ended but waiting for the live flow to end. */
typedef struct held_flow {
    struct held_flow *next;
    char head[2][200];
    FILE *buf[2];
} held_flow;

typedef struct cap {
    capture_opts o;
    uint64_t packet;
    int64_t ts_ns;
    int numbered; /* flows with output */
    int h2flows;  /* flows in which HTTP/2 was found */
    int tls_flows;
    int oom;
    int out_err; /* held output could not be written or read back */
    sflow *live; /* without --merge: the flow whose client side goes straight
                    to stdout; the others wait for it */
    held_flow *held, *held_tail;
    tlshook_keys *keys;
    uint64_t packets, fragments, other, errors;
} cap;

void capture_opts_init(capture_opts *o)
{
    memset(o, 0, sizeof *o);
    conn_opts_init(&o->co);
    o->stream = -1;
    o->type = -1;
    o->max_table = 65536;
}

/* ------------------------------------------------------------ output */

static void number_flow(sflow *f)
{
    if (f->number)
        return;
    cap *c = f->d[0].cap;
    f->number = ++c->numbered;
    for (int i = 0; i < 2; i++)
        f->d[i].out.flow = f->number;
    if (c->o.summary || (c->o.flow != 0 && c->o.flow != f->number))
        return;
    if (c->o.merge) {
        if (!c->o.json)
            printf("== flow %d %s <-> %s\n", f->number, f->d[0].src, f->d[0].dst);
    } else if (!c->live) {
        /* printed as it decodes: the first output need not wait for the end */
        c->live = f;
        if (!c->o.json)
            printf("== flow %d client %s -> %s\n", f->number, f->d[0].src, f->d[0].dst);
    }
}

static int shown(const sdir *d)
{
    const capture_opts *o = &d->cap->o;
    return !o->summary && (o->flow == 0 || o->flow == d->fl->number);
}

/* Where a direction's output goes now: stdout with --merge, else its held file. */
static FILE *dir_out(sdir *d)
{
    if (d->cap->o.merge || (d->cap->live == d->fl && d->dir == 0))
        return stdout;
    if (!d->buf) {
        d->buf = tmpfile();
        if (!d->buf) {
            d->cap->oom = 1;
            return stdout;
        }
    }
    return d->buf;
}

static void set_where(sdir *d)
{
    d->out.packet = d->cap->packet;
    d->out.ts_ns = d->cap->ts_ns;
    d->out.out = dir_out(d);
}

static void emit(sdir *d, json_t *obj, const char *text)
{
    number_flow(d->fl);
    if (!shown(d) || d->cap->o.type >= 0) { /* --type: frames only */
        json_decref(obj);
        return;
    }
    set_where(d);
    if (d->out.json) {
        frames_json_emit(&d->out, obj);
    } else {
        json_decref(obj);
        frames_text_prefix(&d->out);
        fputs(text, d->out.out);
        fputc('\n', d->out.out);
    }
}

/* ------------------------------------------------------------ reports */

static int field_is(const conn_field *f, const char *name)
{
    return f->name_len == strlen(name) && memcmp(f->name, name, f->name_len) == 0;
}

static void raise_peer(sdir *d, const h2c_frame *fr)
{
    sdir *peer = &d->fl->d[!d->dir];
    for (size_t i = 0; i < fr->u.settings.count; i++) {
        h2c_frame_setting s;
        if (h2c_frame_settings_get(fr, i, &s) != H2C_OK)
            break;
        /* our SETTINGS bound what the other side sends us */
        if (s.id == H2C_FRAME_SETTINGS_MAX_FRAME_SIZE && s.value > peer->max_frame &&
            s.value <= H2C_FRAME_MAX_FRAME_SIZE_MAX)
            peer->max_frame = s.value;
        if (s.id == H2C_FRAME_SETTINGS_HEADER_TABLE_SIZE && s.value > peer->table_size)
            peer->table_size = s.value < d->cap->o.max_table ? s.value : d->cap->o.max_table;
    }
    if (peer->c)
        conn_raise_limits(peer->c, peer->max_frame, peer->table_size);
}

static void on_report(void *user, const conn_report *r)
{
    sdir *d = user;
    const capture_opts *o = &d->cap->o;
    if (r->kind == CONN_ERROR && r->scope != H2C_SCOPE_IGNORABLE)
        d->errors++;
    if (r->kind == CONN_FRAME) {
        const h2c_frame *fr = r->frame;
        d->frames++;
        d->by_type[fr->hd.type < 16 ? fr->hd.type : 16]++;
        if (fr->hd.stream_id > d->fl->streams_max && fr->hd.type == H2C_FRAME_TYPE_HEADERS &&
            d->dir == 0)
            d->fl->streams_max = fr->hd.stream_id;
        if (fr->hd.type == H2C_FRAME_TYPE_SETTINGS && !(fr->hd.flags & H2C_FRAME_FLAG_ACK) &&
            r->decoded)
            raise_peer(d, fr);
        if (r->block_end) {
            d->blocks++;
            for (size_t i = 0; i < r->nfields; i++) {
                if (field_is(&r->fields[i], ":method"))
                    d->requests++;
                if (field_is(&r->fields[i], ":status") &&
                    !(r->fields[i].value_len == 3 && r->fields[i].value[0] == '1'))
                    d->responses++;
            }
        }
    }
    number_flow(d->fl);
    if (!shown(d))
        return;
    uint32_t sid = r->kind == CONN_FRAME ? r->frame->hd.stream_id : r->stream_id;
    if (o->stream >= 0 && (r->kind == CONN_FRAME || r->kind == CONN_ERROR) &&
        (int64_t)sid != o->stream)
        return;
    if (o->type >= 0 && (r->kind != CONN_FRAME || r->frame->hd.type != o->type))
        return;
    set_where(d);
    size_t errs = d->out.errors;
    frames_report(&d->out, r);
    d->out.errors = errs; /* counted above, shown or not */
}

/* ------------------------------------------------------------ per direction */

static int new_conn(sdir *d, int preface)
{
    conn_opts co = d->cap->o.co;
    co.preface = preface;
    co.server = d->dir == 0 && preface == H2C_FRAME_PREFACE_NONE;
    co.max_frame_size = d->max_frame;
    co.table_size = d->table_size;
    conn_free(d->c);
    d->c = NULL;
    if (conn_new(&d->c, &co, on_report, d) != 0) {
        d->cap->oom = 1;
        d->state = D_STOPPED;
        return -1;
    }
    d->hn = 0;
    d->remain = 0;
    d->skipping = 0;
    d->block_open = 0;
    return 0;
}

static void push(sdir *d, const uint8_t *p, size_t n)
{
    if (conn_push(d->c, p, n))
        d->state = D_STOPPED; /* a connection error ends the direction */
}

/* Octets of an HTTP/2 direction, split at frame boundaries: orphan
 * CONTINUATIONs (after a resynchronisation) are skipped. */
static void feed_frames(sdir *d, const uint8_t *p, size_t n)
{
    while (n && d->state == D_FRAMES) {
        if (d->preface_left) {
            size_t k = n < d->preface_left ? n : d->preface_left;
            push(d, p, k);
            d->preface_left -= k, p += k, n -= k;
            continue;
        }
        if (d->remain == 0 && !d->skipping) {
            size_t k = 9 - d->hn < n ? 9 - d->hn : n;
            memcpy(d->hdr + d->hn, p, k);
            d->hn += k, p += k, n -= k;
            if (d->hn < 9)
                break;
            d->hn = 0;
            d->remain = (uint32_t)d->hdr[0] << 16 | (uint32_t)d->hdr[1] << 8 | d->hdr[2];
            d->cur_type = d->hdr[3];
            d->cur_flags = d->hdr[4];
            if (d->cur_type == H2C_FRAME_TYPE_CONTINUATION && !d->block_open) {
                char t[120];
                snprintf(t, sizeof t,
                         "skipped a CONTINUATION of %llu octets whose block "
                         "began before the gap",
                         (unsigned long long)d->remain);
                json_t *j = json_pack("{s:b,s:I}", "skipped_continuation", 1, "length",
                                      (json_int_t)d->remain);
                emit(d, j, t);
                d->skipping = d->remain > 0;
                continue;
            }
            if (d->cur_type == H2C_FRAME_TYPE_HEADERS ||
                d->cur_type == H2C_FRAME_TYPE_PUSH_PROMISE ||
                d->cur_type == H2C_FRAME_TYPE_CONTINUATION)
                d->block_open = !(d->cur_flags & H2C_FRAME_FLAG_END_HEADERS);
            push(d, d->hdr, 9);
            continue;
        }
        size_t k = d->remain < n ? (size_t)d->remain : n;
        if (!d->skipping)
            push(d, p, k);
        d->remain -= k, p += k, n -= k;
        if (d->remain == 0)
            d->skipping = 0;
    }
}

static void start_frames(sdir *d, int preface, const uint8_t *p, size_t n);

/* Search the resynchronisation buffer for a frame header; at_end: no more octets. */
static void resync(sdir *d, int at_end)
{
    size_t judged = 0;
    long at = h2scan_find(d->rs, d->rs_len, d->max_frame, at_end, &judged);
    if (at < 0) {
        if (judged && judged < d->rs_len)
            memmove(d->rs, d->rs + judged, d->rs_len - judged);
        d->rs_len -= judged;
        d->rs_at += judged;
        return;
    }
    char t[160];
    snprintf(t, sizeof t, "resynchronised at stream offset %llu: %llu octets skipped",
             (unsigned long long)(d->rs_at + (uint64_t)at), (unsigned long long)at);
    emit(d,
         json_pack("{s:b,s:I,s:I}", "resync", 1, "offset", (json_int_t)(d->rs_at + (uint64_t)at),
                   "skipped", (json_int_t)at),
         t);
    uint8_t *rs = d->rs;
    size_t len = d->rs_len;
    d->rs = NULL;
    d->rs_len = d->rs_cap = 0;
    start_frames(d, H2C_FRAME_PREFACE_NONE, rs + at, len - (size_t)at);
    free(rs);
}

static void resync_add(sdir *d, const uint8_t *p, size_t n)
{
    if (d->rs_len + n > d->rs_cap) {
        size_t nc = (d->rs_len + n) * 2;
        uint8_t *nb = realloc(d->rs, nc);
        if (!nb) {
            d->cap->oom = 1;
            return;
        }
        d->rs = nb;
        d->rs_cap = nc;
    }
    memcpy(d->rs + d->rs_len, p, n);
    d->rs_len += n;
    resync(d, 0);
    if (d->state == D_RESYNC && d->rs_len > RESYNC_MAX) {
        d->rs_at += d->rs_len;
        d->rs_len = 0; /* no frame header anywhere: look further on */
    }
}

static void start_resync(sdir *d, uint64_t at)
{
    /* the SETTINGS that sized the table may be before the capture or in
     * the gap: accept any size up to the cap, the encoder says which */
    if (d->table_size < d->cap->o.max_table)
        d->table_size = d->cap->o.max_table;
    if (new_conn(d, H2C_FRAME_PREFACE_NONE) != 0)
        return;
    d->state = D_RESYNC;
    d->rs_len = 0;
    d->rs_at = at;
}

static void start_frames(sdir *d, int preface, const uint8_t *p, size_t n)
{
    if (!d->c || preface != H2C_FRAME_PREFACE_NONE)
        if (new_conn(d, preface) != 0)
            return;
    d->state = D_FRAMES;
    /* a client side started with a preface mode begins with the preface
     * (it was seen, or the upgrade or ALPN promise it): the frame
     * boundaries start after it */
    d->preface_left = d->dir == 0 && preface != H2C_FRAME_PREFACE_NONE
                          ? H2C_FRAME_CLIENT_PREFACE_LEN
                          : 0;
    feed_frames(d, p, n);
}

/*
 * The single path of a direction's in-order application octets (after TLS
 * decryption where there is TLS): into the HTTP/2 decoder.
 */
static void dir_input(sdir *d, const uint8_t *p, size_t n)
{
    d->offset += n;
    switch (d->state) {
    case D_FRAMES: feed_frames(d, p, n); break;
    case D_RESYNC: resync_add(d, p, n); break;
    default: break;
    }
}

/* Reports n octets missing at offset. */
static void gap_event(sdir *d, uint64_t offset, uint64_t n, const char *why)
{
    d->gaps++;
    d->gap_octets += n;
    char t[200];
    snprintf(t, sizeof t, "gap: %llu octets missing at stream offset %llu (%s)",
             (unsigned long long)n, (unsigned long long)offset, why);
    emit(d,
         json_pack("{s:b,s:I,s:I,s:s}", "gap", 1, "offset", (json_int_t)offset, "missing",
                   (json_int_t)n, "reason", why),
         t);
}

/* n octets at offset will never be seen. */
static void dir_gap(sdir *d, uint64_t offset, uint64_t n, const char *why)
{
    gap_event(d, offset, n, why);
    d->offset = offset + n;
    if (d->state == D_FRAMES && d->remain >= n && d->hn == 0) {
        if (d->skipping) {
            d->remain -= n;
            return;
        }
        if (d->cur_type == H2C_FRAME_TYPE_DATA && !(d->cur_flags & H2C_FRAME_FLAG_PADDED)) {
            /* inside a DATA payload: its length is known, its octets are
             * not shown, so decoding goes on exactly */
            static const uint8_t zeros[4096];
            for (uint64_t left = n; left && d->state == D_FRAMES;) {
                size_t k = left < sizeof zeros ? (size_t)left : sizeof zeros;
                push(d, zeros, k);
                left -= k;
            }
            d->remain -= n;
            return;
        }
    }
    if (d->state == D_FRAMES) {
        conn_finish(d->c);
        if (d->cap->o.co.tolerant)
            start_resync(d, offset + n);
        else
            d->state = D_STOPPED;
    } else if (d->state == D_RESYNC) {
        d->rs_len = 0;
        d->rs_at = offset + n;
    }
}

static void dir_end(sdir *d)
{
    if (d->state == D_RESYNC && d->rs_len)
        resync(d, 1);
    if (d->state == D_FRAMES && d->c)
        conn_finish(d->c);
    d->state = D_STOPPED;
}

/* ------------------------------------------------------------ classification */

static void endpoint(const reasm_flow *rf, int e, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN];
    inet_ntop(rf->family == 4 ? AF_INET : AF_INET6, rf->addr[e], ip, sizeof ip);
    snprintf(buf, len, rf->family == 4 ? "%s:%u" : "[%s]:%u", ip, (unsigned)rf->port[e]);
}

/* The first octets a direction held, copied together. */
static size_t pend_head(const sdir *d, uint8_t *buf, size_t max)
{
    size_t n = 0;
    for (const chunk *c = d->pend; c && n < max; c = c->next) {
        size_t k = c->len < max - n ? c->len : max - n;
        memcpy(buf + n, c->data, k);
        n += k;
    }
    return n;
}

static void pend_free(sdir *d)
{
    for (chunk *c = d->pend, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    d->pend = d->pend_tail = NULL;
    d->pend_len = 0;
}

/* After a gap in a TLS direction under --tolerant: say where the records
 * were found again, or why the direction stops. */
static void tls_events(sflow *f, int dir)
{
    uint64_t off, seq, lost;
    const char *why;
    int ev = tlshook_flow_resync_event(f->tls, dir, &off, &seq, &lost, &why);
    char t[400];
    if (ev == TLSHOOK_RESYNC_FOUND) {
        snprintf(t, sizeof t,
                 "TLS resynchronised at stream offset %llu, sequence number %llu "
                 "(%llu record%s lost)",
                 (unsigned long long)off, (unsigned long long)seq, (unsigned long long)lost,
                 lost == 1 ? "" : "s");
        emit(&f->d[dir],
             json_pack("{s:b,s:I,s:I,s:I}", "tls_resync", 1, "offset", (json_int_t)off, "seq",
                       (json_int_t)seq, "records_lost", (json_int_t)lost),
             t);
    } else if (ev == TLSHOOK_RESYNC_STOPPED) {
        snprintf(t, sizeof t, "TLS resynchronisation failed, the %s's records stop: %s",
                 dir ? "server" : "client", why);
        emit(&f->d[dir],
             json_pack("{s:b,s:I,s:s}", "tls_resync", 0, "offset", (json_int_t)off, "reason",
                       why),
             t);
    }
}

/* Decrypted octets: HTTP/2 when ALPN says h2 or the client's plaintext
 * starts with the preface. */
static void tls_plain(void *user, int dir, const uint8_t *p, size_t n)
{
    static const uint8_t pre[] = H2C_FRAME_CLIENT_PREFACE;
    sflow *f = user;
    if (f->tls_h2 == 0) {
        const char *alpn = tlshook_flow_alpn(f->tls);
        int h2 = (alpn && strcmp(alpn, "h2") == 0) ||
                 (dir == 0 && n >= sizeof pre - 1 && memcmp(p, pre, sizeof pre - 1) == 0);
        char t[200];
        snprintf(t, sizeof t, "TLS, decrypted, ALPN %s%s", alpn ? alpn : "none",
                 h2 ? "" : ": not HTTP/2");
        emit(&f->d[0],
             json_pack("{s:b,s:b,s:s?,s:b}", "tls", 1, "decrypted", 1, "alpn", alpn, "http2",
                       h2),
             t);
        f->tls_h2 = h2 ? 1 : -1;
        if (h2) {
            f->d[0].cap->h2flows++;
            for (int i = 0; i < 2; i++) /* a side with a gap already searches for frames */
                if (f->d[i].state != D_RESYNC)
                    start_frames(&f->d[i], H2C_FRAME_PREFACE_AUTO, NULL, 0);
        }
    }
    tls_events(f, dir);
    if (f->tls_h2 > 0)
        dir_input(&f->d[dir], p, n);
}

/* The TLS module gave up on the flow: say why. */
static void tls_failed(sflow *f)
{
    f->tls_failed = 1;
    const char *why = tlshook_flow_error(f->tls);
    char t[300];
    snprintf(t, sizeof t, "TLS, cannot decrypt: %s", why ? why : "unknown");
    emit(&f->d[0],
         json_pack("{s:b,s:b,s:s}", "tls", 1, "decrypted", 0, "reason", why ? why : "unknown"),
         t);
}

/* A gap in a decrypted TLS flow: the records of that direction are lost
 * with it (their boundaries and sequence numbers).  Without --tolerant its
 * plaintext ends here; with it, the TLS module searches for records again
 * and the HTTP/2 side for a frame header in their plaintext, as after a
 * gap in cleartext.  The offset counts TCP octets. */
static void tls_gap(sflow *f, sdir *d, uint64_t offset, uint64_t n, const char *why)
{
    int tolerant = d->cap->o.co.tolerant;
    tlshook_flow_gap(f->tls, d->dir, n, tolerant);
    gap_event(d, offset, n, why);
    if (d->state == D_FRAMES)
        conn_finish(d->c);
    if (tlshook_flow_error(f->tls)) {
        if (d->state == D_FRAMES || d->state == D_RESYNC)
            d->state = D_STOPPED;
        tls_failed(f); /* lost in the handshake */
    } else if (tolerant && d->state != D_STOPPED) {
        start_resync(d, d->offset); /* the plaintext's offsets go on from here */
    } else if (d->state == D_FRAMES || d->state == D_RESYNC) {
        d->state = D_STOPPED;
    }
}

/* Route octets of a classified flow's direction. */
static void route(sflow *f, sdir *d, const uint8_t *p, size_t n)
{
    if (f->kind == K_TLS) {
        d->octets += n;
        if (f->tls && !f->tls_failed && tlshook_flow_feed(f->tls, d->dir, p, n) != 0)
            tls_failed(f);
        /* outcomes that came without plaintext: a resynchronisation on an
         * alert or handshake record, or a direction that gave up */
        if (f->tls && d->cap->o.co.tolerant)
            for (int i = 0; i < 2; i++)
                tls_events(f, i);
        return;
    }
    if (f->kind == K_UPGRADE && d->state == D_H1) {
        size_t used = upgrade_feed(&f->up, d->dir, p, n);
        if (f->up.failed) {
            d->state = D_STOPPED;
            f->d[!d->dir].state = D_STOPPED;
            return;
        }
        if (f->up.h2[d->dir]) {
            sdir *srv = &f->d[1];
            if (d->dir == 0 && f->up.table_size > srv->table_size)
                srv->table_size = f->up.table_size < d->cap->o.max_table ? f->up.table_size
                                                                         : d->cap->o.max_table;
            if (d->dir == 0 && f->up.max_frame_size > srv->max_frame &&
                f->up.max_frame_size <= H2C_FRAME_MAX_FRAME_SIZE_MAX)
                srv->max_frame = f->up.max_frame_size;
            if (d->dir == 1 && !f->upgraded) {
                f->upgraded = 1;
                d->cap->h2flows++;
                char t[600];
                snprintf(t, sizeof t,
                         "HTTP/1.1 Upgrade: h2c accepted; the request is stream 1: %s",
                         f->up.request_line);
                json_t *j = json_pack("{s:b,s:s}", "upgrade", 1, "request", f->up.request_line);
                emit(&f->d[0], j, t);
            }
            d->octets += used;
            start_frames(d, d->dir == 0 ? H2C_FRAME_PREFACE_EXPECT : H2C_FRAME_PREFACE_NONE,
                         p + used, n - used);
            d->octets += n - used;
        } else {
            d->octets += n;
        }
        return;
    }
    d->octets += n; /* TCP payload octets, for --summary (TLS counts them above) */
    dir_input(d, p, n);
}

/* Route a gap in a classified flow's direction. */
static void route_gap(sflow *f, sdir *d, uint64_t off, uint64_t n, const char *why)
{
    if (f->kind == K_H2 || (f->kind == K_UPGRADE && d->state != D_H1))
        dir_gap(d, off, n, why);
    else if (f->kind == K_TLS && f->tls && !f->tls_failed)
        tls_gap(f, d, off, n, why);
}

/* Route what both directions held, in capture order. */
static void replay(sflow *f)
{
    cap *c = f->d[0].cap;
    uint64_t pk = c->packet;
    int64_t ts = c->ts_ns;
    chunk *ch[2];
    for (int i = 0; i < 2; i++) {
        ch[i] = f->d[i].pend;
        f->d[i].pend = f->d[i].pend_tail = NULL;
        f->d[i].pend_len = 0;
    }
    while (ch[0] || ch[1]) {
        int i = !ch[0] || (ch[1] && ch[1]->packet < ch[0]->packet);
        chunk *n = ch[i]->next;
        c->packet = ch[i]->packet;
        c->ts_ns = ch[i]->ts_ns;
        if (ch[i]->gap)
            route_gap(f, &f->d[i], ch[i]->gap_off, ch[i]->gap_n, ch[i]->gap);
        else
            route(f, &f->d[i], ch[i]->data, ch[i]->len);
        free(ch[i]);
        ch[i] = n;
    }
    c->packet = pk;
    c->ts_ns = ts;
}

static int http1_request(const uint8_t *b, size_t n)
{
    size_t i = 0;
    while (i < n && i < 16 && b[i] >= 'A' && b[i] <= 'Z')
        i++;
    return i > 0 && i < n && b[i] == ' ';
}

/* Endpoint 1 of the reassembly turned out to be the client. */
static void swap_roles(sflow *f)
{
    sdir t = f->d[0];
    f->d[0] = f->d[1];
    f->d[1] = t;
    f->server_first = !f->server_first;
    for (int j = 0; j < 2; j++) {
        f->d[j].dir = j;
        f->d[j].out.direction = j ? "server" : "client";
        f->d[j].out.src = f->d[j].src;
        f->d[j].out.dst = f->d[j].dst;
    }
}

/*
 * Which endpoint of a flow without its SYN is the server: 0 or 1 as the
 * frames each side holds say, 2 when they cannot tell, -1 when more
 * octets may tell.  Each side is searched again once its held octets
 * have doubled, so holding them costs linear time; after ROLE_SCAN
 * octets in all, the answer is final.
 */
static int server_side(sflow *f, int final)
{
    if (f->d[0].pend_len + f->d[1].pend_len >= ROLE_SCAN)
        final = 1;
    for (int i = 0; i < 2; i++) {
        sdir *d = &f->d[i];
        size_t n = d->pend_len < ROLE_SCAN ? d->pend_len : ROLE_SCAN;
        if (!d->role && n >= 9 && n > d->role_scanned && (final || n >= 2 * d->role_scanned)) {
            uint8_t *buf = malloc(n);
            if (!buf) {
                d->cap->oom = 1;
                return 2;
            }
            d->role = h2scan_role(buf, pend_head(d, buf, n), d->max_frame);
            d->role_scanned = n;
            free(buf);
        }
    }
    int r0 = f->d[0].role, r1 = f->d[1].role;
    int s0 = r0 == H2SCAN_SERVER || r1 == H2SCAN_CLIENT;
    int s1 = r1 == H2SCAN_SERVER || r0 == H2SCAN_CLIENT;
    if (s0 != s1)
        return s0 ? 0 : 1;
    return s0 || final ? 2 : -1; /* both at once: they disagree */
}

/* Decide what a flow carries from the octets held so far. */
static void classify(sflow *f, int at_end)
{
    static const uint8_t pre[] = H2C_FRAME_CLIENT_PREFACE;
    uint8_t head[64];
    cap *c = f->d[0].cap;
    for (int i = 0; i < 2 && f->kind == K_UNDECIDED && !f->lost_head; i++) {
        /* the SYN's sender first: it is the client */
        sdir *d = &f->d[i];
        size_t n = pend_head(d, head, sizeof head);
        if (n == 0)
            continue;
        size_t k = n < sizeof pre - 1 ? n : sizeof pre - 1;
        if (memcmp(head, pre, k) == 0) {
            if (n >= sizeof pre - 1)
                f->kind = K_H2;
            else if (!at_end)
                return; /* wait for the rest of the preface */
        } else if (h2scan_tls_hello(head, n)) {
            f->kind = K_TLS;
        } else if (http1_request(head, n)) {
            f->kind = K_UPGRADE;
        }
        if (f->kind != K_UNDECIDED && i == 1)
            swap_roles(f); /* the classified octets came from endpoint 1 */
    }

    if (f->kind == K_UNDECIDED) {
        int enough = at_end || f->d[0].pend_len + f->d[1].pend_len >= PENDING_MAX;
        int some = f->d[0].pend_len >= 9 || f->d[1].pend_len >= 9;
        if (c->o.co.tolerant && (some || (f->lost_head && at_end))) {
            /* mid-connection: search both sides for frames */
            if (!f->saw_syn) {
                int srv = server_side(f, at_end || enough);
                if (srv < 0)
                    return;
                if (srv == 0 || (srv == 2 && f->port[0] < f->port[1]))
                    swap_roles(f); /* no SYN: the lower port is taken as the server's */
            }
            f->kind = K_H2;
        } else if (enough || (f->d[0].pend_len >= 9 && !c->o.co.tolerant))
            f->kind = K_NONE;
        else
            return;
    }
    switch (f->kind) {
    case K_H2:
        c->h2flows++;
        for (int i = 0; i < 2; i++) {
            sdir *d = &f->d[i];
            uint8_t h[24];
            size_t n = pend_head(d, h, sizeof h);
            if (i == 0 && n == sizeof h && memcmp(h, pre, sizeof h) == 0)
                start_frames(d, H2C_FRAME_PREFACE_AUTO, NULL, 0);
            else if (i == 1 && f->d[0].state == D_FRAMES)
                start_frames(d, H2C_FRAME_PREFACE_AUTO, NULL, 0); /* the server's side
                                                                      of a preface: frames */
            else
                start_resync(d, 0);
        }
        break;
    case K_TLS:
        c->tls_flows++;
        if (c->keys && tlshook_available())
            f->tls = tlshook_flow_new(c->keys, tls_plain, f);
        if (!f->tls) {
            number_flow(f);
            const char *why = !c->keys || !tlshook_keys_count(c->keys) ? "no keys"
                              : !tlshook_available() ? "no TLS decryption in this build"
                                                     : "no keys for this flow";
            char t[120];
            snprintf(t, sizeof t, "TLS, %s", why);
            emit(&f->d[0], json_pack("{s:b,s:b,s:s}", "tls", 1, "decrypted", 0, "reason", why),
                 t);
        }
        break;
    case K_UPGRADE:
        upgrade_init(&f->up);
        f->d[0].state = f->d[1].state = D_H1;
        break;
    default:
        pend_free(&f->d[0]);
        pend_free(&f->d[1]);
        return;
    }
    replay(f);
}

/* ------------------------------------------------------------ flow events */

static sflow *flow_of(cap *c, reasm_flow *rf)
{
    if (rf->app)
        return rf->app;
    sflow *f = calloc(1, sizeof *f);
    if (!f) {
        c->oom = 1;
        return NULL;
    }
    rf->app = f;
    f->saw_syn = rf->saw_syn;
    f->port[0] = rf->port[0];
    f->port[1] = rf->port[1];
    for (int i = 0; i < 2; i++) {
        sdir *d = &f->d[i];
        d->cap = c;
        d->fl = f;
        d->dir = i;
        d->max_frame = c->o.co.max_frame_size;
        d->table_size = c->o.co.table_size < c->o.max_table ? c->o.co.table_size
                                                            : c->o.max_table;
        endpoint(rf, i, d->src, sizeof d->src);
        endpoint(rf, !i, d->dst, sizeof d->dst);
        d->out.json = c->o.json;
        d->out.full = c->o.full;
        d->out.pcap = 1;
        d->out.merge = c->o.merge;
        d->out.direction = i ? "server" : "client";
        d->out.src = d->src;
        d->out.dst = d->dst;
        d->out.out = stdout;
    }
    return f;
}

/* Hold n octets of an unclassified flow's direction. */
static chunk *pend_add(cap *c, sdir *d, const uint8_t *p, size_t n)
{
    chunk *ch = malloc(sizeof *ch + n);
    if (!ch) {
        c->oom = 1;
        return NULL;
    }
    ch->next = NULL;
    ch->packet = c->packet;
    ch->ts_ns = c->ts_ns;
    ch->len = n;
    ch->gap = NULL;
    if (n)
        memcpy(ch->data, p, n);
    if (d->pend_tail)
        d->pend_tail->next = ch;
    else
        d->pend = ch;
    d->pend_tail = ch;
    d->pend_len += n;
    return ch;
}

static void on_data(void *user, reasm_flow *rf, int rdir, uint64_t off, const uint8_t *p,
                    size_t n)
{
    cap *c = user;
    (void)off;
    sflow *f = flow_of(c, rf);
    if (!f)
        return;
    sdir *d = &f->d[rdir ^ f->server_first];
    if (f->kind == K_UNDECIDED) {
        if (pend_add(c, d, p, n))
            classify(f, 0);
        return;
    }
    if (f->kind != K_NONE)
        route(f, d, p, n);
}

static void on_gap(void *user, reasm_flow *rf, int rdir, uint64_t off, uint64_t n,
                   const char *why)
{
    cap *c = user;
    sflow *f = flow_of(c, rf);
    if (!f)
        return;
    if (f->kind == K_UNDECIDED && c->o.co.tolerant) {
        /* the first octets are lost: look for frames, as mid-connection,
         * once the octets after the gap tell client from server */
        chunk *ch = pend_add(c, &f->d[rdir ^ f->server_first], NULL, 0);
        if (ch) {
            ch->gap = why;
            ch->gap_off = off;
            ch->gap_n = n;
            f->lost_head = 1;
            classify(f, 0);
        }
        return;
    } else if (f->kind == K_UNDECIDED) {
        classify(f, 1);
    }
    route_gap(f, &f->d[rdir ^ f->server_first], off, n, why);
}

static void copy_held(cap *c, FILE *from)
{
    char buf[65536];
    size_t n;
    if (fflush(from) != 0 || ferror(from))
        c->out_err = 1;
    rewind(from);
    while ((n = fread(buf, 1, sizeof buf, from)) > 0)
        fwrite(buf, 1, n, stdout);
    if (ferror(from))
        c->out_err = 1;
}

/* Print a flow's held output and free it. */
static void print_held(cap *c, held_flow *h)
{
    for (int i = 0; i < 2; i++) {
        fputs(h->head[i], stdout);
        if (h->buf[i]) {
            copy_held(c, h->buf[i]);
            fclose(h->buf[i]);
        }
    }
    free(h);
}

static void flush_held(cap *c)
{
    while (c->held) {
        held_flow *h = c->held;
        c->held = h->next;
        print_held(c, h);
    }
    c->held_tail = NULL;
}

static void print_summary(const sflow *f)
{
    const cap *c = f->d[0].cap;
    static const char *names[17] = {"DATA",          "HEADERS",      "PRIORITY", "RST_STREAM",
                                    "SETTINGS",      "PUSH_PROMISE", "PING",     "GOAWAY",
                                    "WINDOW_UPDATE", "CONTINUATION", "ALTSVC",   "0xb",
                                    "ORIGIN",        "0xd",          "0xe",      "0xf",
                                    "other"};
    if (c->o.flow && c->o.flow != f->number)
        return;
    const char *kind = f->kind == K_TLS ? (f->tls && !f->tls_failed ? "tls" : "tls-no-keys")
                       : f->upgraded    ? "h2c-upgrade"
                                        : "h2";
    if (c->o.json) {
        json_t *o = json_pack("{s:b,s:i,s:s,s:s,s:s,s:I,s:I,s:I}", "summary", 1, "flow",
                              f->number, "kind", kind, "client", f->d[0].src, "server",
                              f->d[0].dst, "streams", (json_int_t)(f->streams_max + 1) / 2,
                              "requests", (json_int_t)f->d[0].requests, "responses",
                              (json_int_t)f->d[1].requests + (json_int_t)f->d[1].responses);
        for (int i = 0; i < 2; i++) {
            const sdir *d = &f->d[i];
            json_t *t = json_object();
            for (int k = 0; k < 17; k++)
                if (d->by_type[k])
                    json_object_set_new(t, names[k], json_integer((json_int_t)d->by_type[k]));
            json_t *side = json_pack("{s:I,s:I,s:o,s:I,s:I,s:I}", "octets",
                                     (json_int_t)d->octets, "frames", (json_int_t)d->frames,
                                     "by_type", t, "errors", (json_int_t)d->errors, "gaps",
                                     (json_int_t)d->gaps, "gap_octets",
                                     (json_int_t)d->gap_octets);
            if (f->tls && !f->tls_failed) /* trial decryptions after gaps (--tolerant) */
                json_object_set_new(side, "tls_trials",
                                    json_integer(
                                        (json_int_t)tlshook_flow_resync_trials(f->tls, i)));
            json_object_set_new(o, i ? "server_side" : "client_side", side);
        }
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
        json_decref(o);
        return;
    }
    printf("flow %d %s %s -> %s: streams %llu, requests %llu, responses %llu\n", f->number, kind,
           f->d[0].src, f->d[0].dst, (unsigned long long)(f->streams_max + 1) / 2,
           (unsigned long long)f->d[0].requests, (unsigned long long)f->d[1].responses);
    for (int i = 0; i < 2; i++) {
        const sdir *d = &f->d[i];
        printf("  %s: %llu octets, %llu frames,", i ? "server" : "client",
               (unsigned long long)d->octets, (unsigned long long)d->frames);
        for (int k = 0; k < 17; k++)
            if (d->by_type[k])
                printf(" %s %llu", names[k], (unsigned long long)d->by_type[k]);
        printf(", errors %llu, gaps %llu (%llu octets)", (unsigned long long)d->errors,
               (unsigned long long)d->gaps, (unsigned long long)d->gap_octets);
        if (f->tls && !f->tls_failed)
            printf(", TLS trials %llu",
                   (unsigned long long)tlshook_flow_resync_trials(f->tls, i));
        putchar('\n');
    }
}

static void on_close(void *user, reasm_flow *rf)
{
    cap *c = user;
    sflow *f = rf->app;
    if (!f)
        return;
    if (f->kind == K_UNDECIDED)
        classify(f, 1);
    if (f->tls && !f->tls_failed && c->o.co.tolerant) {
        tlshook_flow_end(f->tls);
        for (int i = 0; i < 2; i++)
            tls_events(f, i);
    }
    for (int i = 0; i < 2; i++)
        dir_end(&f->d[i]);
    if (f->number && !c->o.merge && !c->o.summary &&
        (c->o.flow == 0 || c->o.flow == f->number)) {
        held_flow *h = calloc(1, sizeof *h);
        if (!h) {
            c->oom = 1;
        } else {
            for (int i = 0; i < 2; i++) {
                sdir *d = &f->d[i];
                if (!c->o.json && !(i == 0 && c->live == f))
                    snprintf(h->head[i], sizeof h->head[i], "== flow %d %s %s -> %s\n",
                             f->number, d->out.direction, d->src, d->dst);
                h->buf[i] = d->buf;
                d->buf = NULL;
            }
            if (c->live == f) {
                print_held(c, h);
                c->live = NULL;
                flush_held(c);
            } else if (c->live) {
                if (c->held_tail)
                    c->held_tail->next = h;
                else
                    c->held = h;
                c->held_tail = h;
            } else {
                print_held(c, h);
            }
        }
    }
    if (f->number && c->o.summary)
        print_summary(f);
    for (int i = 0; i < 2; i++) {
        sdir *d = &f->d[i];
        c->errors += d->errors;
        if (d->buf)
            fclose(d->buf);
        conn_free(d->c);
        pend_free(d);
        free(d->rs);
    }
    tlshook_flow_free(f->tls);
    upgrade_free(&f->up);
    free(f);
    rf->app = NULL;
}

/* ------------------------------------------------------------ driving */

static void on_secrets(void *user, uint32_t type, const uint8_t *data, size_t len)
{
    cap *c = user;
    if (type != 0x544c534bu) /* TLS key log */
        return;
    if (!c->keys)
        c->keys = tlshook_keys_new();
    if (c->keys)
        tlshook_keys_add(c->keys, data, len);
}

int capture_run(const capture_opts *o, const char *file)
{
    cap c;
    memset(&c, 0, sizeof c);
    c.o = *o;
    /* A capture that is still being written (a pipe, a FIFO, stdin):
     * each line goes out as soon as it is made, not when a buffer fills. */
    struct stat st;
    if (strcmp(file, "-") == 0 || stat(file, &st) != 0 || !S_ISREG(st.st_mode))
        setvbuf(stdout, NULL, _IOLBF, 0);
    if (c.o.co.table_size > c.o.max_table)
        c.o.co.table_size = c.o.max_table;
    if (o->keylog) {
        size_t n;
        uint8_t *kl = cli_read_file(o->keylog, &n);
        if (!kl)
            return CLI_USAGE;
        c.keys = tlshook_keys_new();
        if (c.keys)
            tlshook_keys_add(c.keys, kl, n);
        free(kl);
    }
    char err[512];
    pcapio *in = pcapio_open(file, on_secrets, &c, err, sizeof err);
    if (!in) {
        fprintf(stderr, "h2codec: %s: %s\n", file, err);
        tlshook_keys_free(c.keys);
        return CLI_USAGE;
    }
    reasm_cbs cbs = {on_data, on_gap, on_close};
    reasm *r = reasm_new(&cbs, &c, OOO_CAP);
    int status = CLI_OK, rc;
    pcapio_pkt p;
    while (r && (rc = pcapio_next(in, &p)) == PCAPIO_PACKET) {
        c.packets++;
        c.packet = p.number;
        c.ts_ns = p.ts_ns;
        netdec_seg s;
        int k = netdec_tcp(p.linktype, p.data, p.caplen, &s);
        if (k == NETDEC_FRAGMENT)
            c.fragments++;
        else if (k != NETDEC_TCP)
            c.other++;
        else if (reasm_segment(r, &s) != 0)
            c.oom = 1;
        if (c.oom)
            break;
    }
    if (r && rc == PCAPIO_CUT) {
        /* decoded up to the cut; what the cut took is a gap of each flow */
        fprintf(stderr, "h2codec: %s: the file ends inside a packet after packet %llu\n", file,
                (unsigned long long)c.packets);
        if (o->json) {
            out_ctx x = {0};
            x.json = 1;
            x.out = stdout;
            frames_json_emit(&x,
                             json_pack("{s:b,s:I}", "cut", 1, "packets", (json_int_t)c.packets));
        } else {
            printf("the file ends inside packet %llu: decoded up to it\n",
                   (unsigned long long)c.packets + 1);
        }
    } else if (r && rc == PCAPIO_ERROR) {
        fprintf(stderr, "h2codec: %s: %s\n", file, pcapio_error(in));
        status = CLI_USAGE;
    }
    uint64_t nflows = r ? reasm_flows_seen(r) : 0;
    reasm_free(r);
    flush_held(&c);
    pcapio_close(in);
    tlshook_keys_free(c.keys);
    if (!r || c.oom) {
        fprintf(stderr, "h2codec: out of memory\n");
        return CLI_USAGE;
    }
    if (c.out_err) {
        fprintf(stderr, "h2codec: cannot hold the output in a temporary file\n");
        return CLI_USAGE;
    }
    if (c.fragments)
        fprintf(stderr, "h2codec: %s: %llu IP fragments skipped\n", file,
                (unsigned long long)c.fragments);
    if (status == CLI_OK && c.h2flows == 0) {
        fprintf(stderr, "h2codec: %s: no HTTP/2 flow (%llu packets, %llu TCP flows%s)\n", file,
                (unsigned long long)c.packets, (unsigned long long)nflows,
                c.tls_flows ? ", TLS without keys" : "");
        status = CLI_FAIL;
    }
    if (status == CLI_OK && c.errors)
        status = CLI_FAIL;
    return status;
}
