/* SPDX-License-Identifier: MIT */
/*
 * Running catalogue cases: feeding at a chunk size (optionally with every
 * chunk against a guard page), the three runners, the sticky-error checks,
 * and the comparison with the expected outcome.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "conn.h"
#include "testutil.h"

/* For per-octet and per-event checks: Check's assertions record every
 * passing check (in fork mode, a write to its pipe), which would dominate
 * the run time of the large cases. */
#define REQUIRE(cond, ...)                  \
    do {                                    \
        if (!(cond))                        \
            ck_abort_msg(__VA_ARGS__);      \
    } while (0)

/* ------------------------------------------------------------ feeding */

typedef struct feeder {
    const uint8_t *data;
    size_t len, pos;
    cat_feed f;
    uint8_t *slot;  /* guard, chunked: a chunk-sized slot ending at the guard */
    uint8_t *whole; /* guard, whole: the input ending at the guard */
    int done;
} feeder;

static void feeder_init(feeder *fd, const uint8_t *data, size_t len, cat_feed f)
{
    memset(fd, 0, sizeof *fd);
    fd->data = data;
    fd->len = len;
    fd->f = f;
    if (f.guard && f.chunk) {
        uint8_t *zero = calloc(1, f.chunk);
        ck_assert_ptr_nonnull(zero);
        fd->slot = h2t_guard_copy(zero, f.chunk);
        free(zero);
        ck_assert_ptr_nonnull(fd->slot);
    } else if (f.guard) {
        fd->whole = h2t_guard_copy(data, len);
        ck_assert_ptr_nonnull(fd->whole);
    }
}

/* The next chunk; 0 at the end.  A zero-length input yields one empty chunk. */
static int feeder_next(feeder *fd, const uint8_t **p, size_t *n)
{
    if (fd->done)
        return 0;
    size_t k = fd->len - fd->pos;
    if (fd->f.chunk && k > fd->f.chunk)
        k = fd->f.chunk;
    const uint8_t *src = fd->data + fd->pos;
    if (fd->slot) {
        uint8_t *dst = fd->slot + fd->f.chunk - k; /* ends at the guard */
        if (k)
            memcpy(dst, src, k);
        src = dst;
    } else if (fd->whole) {
        src = fd->whole + fd->pos;
    }
    *p = src;
    *n = k;
    fd->pos += k;
    if (fd->pos == fd->len)
        fd->done = 1;
    return 1;
}

static void feeder_free(feeder *fd)
{
    if (fd->slot)
        h2t_guard_free(fd->slot, fd->f.chunk);
    if (fd->whole)
        h2t_guard_free(fd->whole, fd->len);
}

/* Read every octet of a view the codec handed out: a dangling or short
 * view shows up under ASan, valgrind or the guard page. */
static volatile unsigned touch_sink;
static void touch(const void *p, size_t n)
{
    const uint8_t *b = p;
    unsigned s = 0;
    for (size_t i = 0; i < n; i++)
        s += b[i];
    touch_sink += s;
}

static const char *feed_name(cat_feed f)
{
    static char buf[48];
    if (f.chunk)
        snprintf(buf, sizeof buf, "%zu-octet chunks%s", f.chunk, f.guard ? ", guard" : "");
    else
        snprintf(buf, sizeof buf, "whole%s", f.guard ? ", guard" : "");
    return buf;
}

static void outcome_init(cat_outcome *o)
{
    memset(o, 0, sizeof *o);
}

/* ------------------------------------------------------------ HPACK */

static uint32_t opt32(uint32_t v, uint32_t def)
{
    return v == CAT_ZERO ? 0 : v ? v : def;
}

void cat_run_hpack(const cat_case *c, const cat_input *in, cat_feed feed, cat_outcome *out)
{
    outcome_init(out);
    h2t_failalloc fa = { 0 };
    h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_table_size = opt32(c->o.table_size, o.max_table_size);
    if (c->o.max_list_size)
        o.max_list_size = c->o.max_list_size;
    if (c->o.max_string_len)
        o.max_string_len = c->o.max_string_len;
    if (c->o.max_fields)
        o.max_fields = c->o.max_fields;
    o.lenient = c->o.lenient;
    o.allocator = &al;
    h2c_hpack_decoder *dec = NULL;
    ck_assert_int_eq(h2c_hpack_decoder_new(&dec, &o), H2C_OK);

    int rc = H2C_OK;
    if (c->flags & CAT_F_SETMAX)
        rc = h2c_hpack_decoder_set_max_table_size(dec, opt32(c->o.set_max, 0));
    size_t start = 0, fail_block = 0;
    for (size_t b = 0; b < in->nblocks && rc >= 0; b++) {
        size_t end = in->ends[b];
        feeder fd;
        feeder_init(&fd, in->buf + start, end - start, feed);
        const uint8_t *p;
        size_t n;
        while (rc >= 0 && feeder_next(&fd, &p, &n)) {
            size_t off = 0, used;
            h2c_hpack_field f;
            for (;;) {
                rc = h2c_hpack_decoder_push(dec, p + off, n - off, &used, &f);
                REQUIRE(used <= n - off, "%s: push consumed past its input", c->name);
                off += used;
                out->consumed += used;
                if (rc != H2C_HPACK_FIELD)
                    break;
                out->count++;
                REQUIRE(f.name.ptr && f.value.ptr, "%s: field with a NULL view", c->name);
                touch(f.name.ptr, f.name.len);
                touch(f.value.ptr, f.value.len);
            }
            if (rc == H2C_OK)
                REQUIRE(off == n, "%s: OK without consuming the input", c->name);
        }
        feeder_free(&fd);
        if (rc >= 0)
            rc = h2c_hpack_decoder_finish(dec);
        fail_block = start;
        start = end;
    }
    out->peak = fa.peak_bytes;
    if (rc < 0) {
        out->status = rc;
        out->h2 = h2c_status_h2_error(rc);
        out->scope = rc == H2C_E_NOMEM ? H2C_SCOPE_LOCAL : H2C_SCOPE_CONNECTION;
        out->err_offset = fail_block + h2t_hpack_error_offset(dec);
        char label[160];
        snprintf(label, sizeof label, "%s [%s] (HPACK, %s)", c->name, c->cls, feed_name(feed));
        cat_check_sticky_decoder(dec, rc, label);
    }
    h2c_hpack_decoder_free(dec);
    ck_assert_int_eq(fa.live, 0);
}

void cat_check_sticky_decoder(h2c_hpack_decoder *dec, int status, const char *label)
{
    static const uint8_t more[] = { 0x82, 0x40, 0x01, 'a', 0x01, 'b' };
    size_t used = 99, off = h2t_hpack_error_offset(dec);
    h2c_hpack_field f;
    ck_assert_msg(h2c_hpack_decoder_error(dec, NULL) == status, "%s: error() is %s, not %s", label,
                  h2c_status_name(h2c_hpack_decoder_error(dec, NULL)),
                  h2c_status_name(status));
    ck_assert_msg(h2c_hpack_decoder_state_get(dec) == H2C_HPACK_DS_ERROR, "%s: state", label);
    ck_assert_msg(h2c_hpack_decoder_push(dec, more, sizeof more, &used, &f) == status &&
                      used == 0,
                  "%s: push after the error", label);
    ck_assert_int_eq(h2c_hpack_decoder_push(dec, more, 0, &used, &f), status);
    ck_assert_int_eq(h2c_hpack_decoder_push(dec, NULL, 0, &used, &f), status);
    /* Bad arguments are refused without touching the decoder. */
    ck_assert_int_eq(h2c_hpack_decoder_push(dec, more, 1, NULL, &f), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_push(dec, more, 1, &used, NULL),
                     H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_hpack_decoder_push(dec, NULL, 1, &used, &f), H2C_E_INVALID_ARGUMENT);
    ck_assert_msg(h2c_hpack_decoder_finish(dec) == status, "%s: finish after the error", label);
    ck_assert_msg(h2c_hpack_decoder_set_max_table_size(dec, 4096) == status,
                  "%s: set_max_table_size after the error", label);
    ck_assert_msg(h2c_hpack_decoder_set_max_table_size(dec, 0) == status,
                  "%s: set_max_table_size(0) after the error", label);
    ck_assert_int_eq(h2c_hpack_decoder_error(dec, NULL), status);
    ck_assert_uint_eq(h2t_hpack_error_offset(dec), off);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(dec), H2C_HPACK_DS_ERROR);
    /* Read-only calls still answer. */
    size_t count = h2c_hpack_decoder_table_count(dec);
    ck_assert_uint_le(h2c_hpack_decoder_table_size(dec), h2c_hpack_decoder_table_max(dec));
    for (size_t i = 1; i <= count; i++) {
        ck_assert_int_eq(h2c_hpack_decoder_table_get(dec, i, &f), H2C_OK);
        touch(f.name.ptr, f.name.len);
        touch(f.value.ptr, f.value.len);
    }
    ck_assert_int_eq(h2c_hpack_decoder_table_get(dec, count + 1, &f), H2C_HPACK_E_INDEX_RANGE);
    ck_assert_ptr_nonnull(h2c_strerror(status));
    ck_assert_ptr_nonnull(h2c_status_name(status));
    ck_assert_ptr_nonnull(h2c_h2_error_name(h2c_status_h2_error(status)));
    ck_assert_uint_eq(h2c_status_h2_error(status), status == H2C_E_NOMEM ? 0x2u : 0x9u);
    /* reset() clears it: the decoder works again. */
    h2c_hpack_decoder_reset(dec);
    ck_assert_int_eq(h2c_hpack_decoder_error(dec, NULL), H2C_OK);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(dec), H2C_HPACK_DS_BLOCK_START);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(dec), 0);
    ck_assert_msg(h2c_hpack_decoder_push(dec, more, 1, &used, &f) == H2C_HPACK_FIELD,
                  "%s: push after reset", label);
    ck_assert(f.name.len == 7 && memcmp(f.name.ptr, ":method", 7) == 0);
    ck_assert_int_eq(h2c_hpack_decoder_finish(dec), H2C_OK);
}

/* ------------------------------------------------------------ frames */

static void parser_opts(const cat_case *c, h2c_frame_parser_options *po,
                        const h2c_allocator *al)
{
    h2c_frame_parser_options_init(po);
    if (c->o.max_frame_size)
        po->max_frame_size = c->o.max_frame_size;
    if (c->o.max_settings)
        po->max_settings = c->o.max_settings;
    po->max_empty_frames = c->o.max_empty_frames;
    po->preface = c->o.preface;
    po->flags = c->o.parser_flags;
    po->allocator = al;
}

static uint64_t stat_of(const cat_case *c, const h2c_frame_parser_stats *s)
{
    switch (c->stat) {
    case CAT_STAT_EMPTY_DATA:
        return s->empty_data;
    case CAT_STAT_EMPTY_HEADERS:
        return s->empty_headers;
    case CAT_STAT_EMPTY_CONTINUATION:
        return s->empty_continuation;
    case CAT_STAT_STREAM_ERRORS:
        return s->stream_errors;
    case CAT_STAT_IGNORED:
        return s->ignored;
    case CAT_STAT_TYPE:
        return c->stat_type <= 0x10 ? s->by_type[c->stat_type] : s->other_types;
    default:
        return 0;
    }
}

/* Reading position and counter, taken before the sticky checks reset the parser. */
static void snapshot(const cat_case *c, const h2c_frame_parser *p, cat_outcome *out)
{
    const h2c_frame_parser_stats *st = h2c_frame_parser_stats_get(p);
    out->consumed = h2c_frame_parser_offset(p);
    ck_assert_uint_eq(st->octets, out->consumed);
    out->stat = stat_of(c, st);
}

static void touch_frame(const h2c_frame *f)
{
    touch(f->payload.ptr, f->payload.len);
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA:
        touch(f->u.data.data.ptr, f->u.data.data.len);
        break;
    case H2C_FRAME_TYPE_HEADERS:
        touch(f->u.headers.fragment.ptr, f->u.headers.fragment.len);
        break;
    case H2C_FRAME_TYPE_SETTINGS:
        for (size_t i = 0; i < f->u.settings.count; i++) {
            h2c_frame_setting s;
            REQUIRE(h2c_frame_settings_get(f, i, &s) == H2C_OK, "settings entry %zu", i);
        }
        break;
    case H2C_FRAME_TYPE_GOAWAY:
        touch(f->u.goaway.debug_data.ptr, f->u.goaway.debug_data.len);
        break;
    case H2C_FRAME_TYPE_ALTSVC:
        if (!f->verbatim) {
            touch(f->u.altsvc.origin.ptr, f->u.altsvc.origin.len);
            touch(f->u.altsvc.value.ptr, f->u.altsvc.value.len);
        }
        break;
    case H2C_FRAME_TYPE_ORIGIN:
        if (!f->verbatim) {
            size_t pos = 0;
            h2c_view v;
            size_t n = 0;
            while (h2c_frame_origin_next(f, &pos, &v)) {
                touch(v.ptr, v.len);
                n++;
            }
            REQUIRE(n == f->u.origin.count, "ORIGIN count");
        }
        break;
    default:
        break;
    }
}

static void set_error(cat_outcome *out, const h2c_error *e, int fatal)
{
    if (fatal) {
        out->status = e->status;
        out->h2 = e->h2_error;
        out->scope = e->scope;
        out->err_offset = e->offset;
    } else if (!out->soft_scope) {
        out->soft_status = e->status;
        out->soft_h2 = e->h2_error;
        out->soft_scope = e->scope;
        if (!out->scope) {
            out->status = e->status;
            out->h2 = e->h2_error;
            out->scope = e->scope;
            out->err_offset = e->offset;
        }
    }
}

void cat_run_frames(const cat_case *c, const cat_input *in, cat_feed feed, cat_outcome *out)
{
    outcome_init(out);
    h2t_failalloc fa = { 0 };
    h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, &fa };
    h2c_frame_parser_options po;
    parser_opts(c, &po, &al);
    h2c_frame_parser *p = NULL;
    ck_assert_int_eq(h2c_frame_parser_new(&p, &po), H2C_OK);
    h2c_frame_assembler_options ao;
    h2c_frame_assembler_options_init(&ao);
    if (c->o.max_continuations)
        ao.max_continuations = c->o.max_continuations;
    if (c->o.max_block_size)
        ao.max_block_size = c->o.max_block_size;
    ao.flags = H2C_FRAME_ASSEMBLER_JOIN;
    ao.allocator = &al;
    h2c_frame_assembler *a = NULL;
    ck_assert_int_eq(h2c_frame_assembler_new(&a, &ao), H2C_OK);

    char label[160];
    snprintf(label, sizeof label, "%s [%s] (frames, %s)", c->name, c->cls, feed_name(feed));
    feeder fd;
    feeder_init(&fd, in->buf, in->len, feed);
    const uint8_t *ptr;
    size_t n;
    int fatal = 0;
    while (!fatal && feeder_next(&fd, &ptr, &n)) {
        size_t off = 0, used;
        h2c_frame_event ev;
        for (;;) {
            int rc = h2c_frame_parser_push(p, ptr + off, n - off, &used, &ev);
            REQUIRE(used <= n - off, "%s: push consumed past its input", label);
            off += used;
            if (rc == H2C_OK) {
                REQUIRE(off == n, "%s: OK without consuming the input", label);
                break;
            }
            if (rc < 0) {
                ck_assert_int_eq(ev.error.status, rc);
                set_error(out, &ev.error, 1);
                snapshot(c, p, out);
                cat_check_sticky_parser(p, &ev.error, label);
                fatal = 1;
                break;
            }
            if (rc == H2C_FRAME_EV_PREFACE)
                continue;
            out->count++;
            if (rc == H2C_FRAME_EV_STREAM_ERROR || rc == H2C_FRAME_EV_IGNORED) {
                REQUIRE(ev.error.scope == (rc == H2C_FRAME_EV_STREAM_ERROR
                                               ? H2C_SCOPE_STREAM
                                               : H2C_SCOPE_IGNORABLE),
                        "%s: event %d with scope %d", label, rc, ev.error.scope);
                set_error(out, &ev.error, 0);
            }
            if (ev.decoded || rc == H2C_FRAME_EV_IGNORED)
                touch_frame(&ev.frame);
            h2c_frame_block blk;
            int ar = h2c_frame_assembler_push(a, &ev.frame, &blk);
            if (ar < 0) {
                h2c_error e;
                ck_assert_int_eq(h2c_frame_assembler_error(a, &e), ar);
                set_error(out, &e, 1);
                snapshot(c, p, out);
                cat_check_sticky_assembler(a, &e, label);
                fatal = 1;
                break;
            }
            if (ar == H2C_FRAME_EV_FRAGMENT || ar == H2C_FRAME_EV_BLOCK_END) {
                touch(blk.fragment.ptr, blk.fragment.len);
                if (ar == H2C_FRAME_EV_BLOCK_END) {
                    REQUIRE(blk.block.len == blk.size, "%s: joined block size", label);
                    touch(blk.block.ptr, blk.block.len);
                }
            }
        }
    }
    feeder_free(&fd);
    if (!fatal)
        snapshot(c, p, out);
    if (!fatal) {
        ck_assert_uint_eq(out->consumed, in->len);
        h2c_error e;
        int rc = h2c_frame_parser_finish(p, &e);
        if (rc == H2C_FRAME_E_TRUNCATED) {
            ck_assert_int_eq(e.scope, H2C_SCOPE_LOCAL);
            out->missing = h2c_frame_parser_missing(p);
            ck_assert_uint_gt(out->missing, 0);
            set_error(out, &e, 1);
            /* Not sticky: finishing again says the same, pushing goes on. */
            ck_assert_int_eq(h2c_frame_parser_finish(p, NULL), H2C_FRAME_E_TRUNCATED);
            ck_assert_int_ne(h2c_frame_parser_state_get(p), H2C_FRAME_PS_ERROR);
        } else {
            ck_assert_int_eq(rc, H2C_OK);
            ck_assert_uint_eq(h2c_frame_parser_missing(p), 0);
        }
        out->open_block = h2c_frame_assembler_open_stream(a) != 0;
    }
    out->peak = fa.peak_bytes;
    h2c_frame_parser_free(p);
    h2c_frame_assembler_free(a);
    ck_assert_int_eq(fa.live, 0);
}

static int same_error(const h2c_error *a, const h2c_error *b)
{
    return a->status == b->status && a->h2_error == b->h2_error && a->scope == b->scope &&
           a->stream_id == b->stream_id && a->offset == b->offset && a->reason != NULL &&
           b->reason != NULL && strcmp(a->reason, b->reason) == 0;
}

void cat_check_sticky_parser(h2c_frame_parser *p, const h2c_error *e, const char *label)
{
    /* A valid PING: must still be refused. */
    static const uint8_t ping[] = { 0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
    h2c_error got;
    h2c_frame_event ev;
    size_t used = 99;
    int st = e->status;
    uint64_t off = h2c_frame_parser_offset(p);
    uint64_t octets = h2c_frame_parser_stats_get(p)->octets;
    ck_assert_msg(st < 0 && st != H2C_FRAME_E_TRUNCATED, "%s: not a sticky status", label);
    ck_assert_int_eq(h2c_frame_parser_state_get(p), H2C_FRAME_PS_ERROR);
    ck_assert_int_eq(h2c_frame_parser_error(p, &got), st);
    ck_assert_msg(same_error(&got, e), "%s: error() differs from the reported error", label);
    ck_assert_msg(h2c_frame_parser_push(p, ping, sizeof ping, &used, &ev) == st && used == 0,
                  "%s: push after the error", label);
    ck_assert_msg(same_error(&ev.error, e), "%s: push reports another error", label);
    ck_assert_int_eq(h2c_frame_parser_push(p, ping, 0, &used, &ev), st);
    ck_assert_int_eq(h2c_frame_parser_push(p, NULL, 0, &used, &ev), st);
    ck_assert_int_eq(h2c_frame_parser_push(p, ping, 1, NULL, &ev), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_parser_push(p, ping, 1, &used, NULL), H2C_E_INVALID_ARGUMENT);
    ck_assert_msg(h2c_frame_parser_finish(p, &got) == st && same_error(&got, e),
                  "%s: finish after the error", label);
    ck_assert_int_eq(h2c_frame_parser_finish(p, NULL), st);
    ck_assert_msg(h2c_frame_parser_set_max_frame_size(p, 16384) == st,
                  "%s: set_max_frame_size after the error", label);
    ck_assert_int_eq(h2c_frame_parser_set_max_frame_size(p, 1), st);
    ck_assert_uint_eq(h2c_frame_parser_missing(p), 0);
    ck_assert_uint_eq(h2c_frame_parser_offset(p), off);
    ck_assert_uint_eq(h2c_frame_parser_stats_get(p)->octets, octets);
    ck_assert_uint_ge(h2c_frame_parser_max_frame_size(p), H2C_FRAME_MAX_FRAME_SIZE_MIN);
    ck_assert_int_eq(h2c_frame_parser_state_get(p), H2C_FRAME_PS_ERROR);
    ck_assert_ptr_nonnull(h2c_strerror(st));
    ck_assert_ptr_nonnull(h2c_status_name(st));
    ck_assert_ptr_nonnull(h2c_h2_error_name(e->h2_error));
    ck_assert_ptr_nonnull(h2c_scope_name(e->scope));
    /* reset() clears it. */
    h2c_frame_parser_reset(p);
    ck_assert_int_eq(h2c_frame_parser_error(p, &got), H2C_OK);
    ck_assert_uint_eq(h2c_frame_parser_offset(p), 0);
    if (h2c_frame_parser_state_get(p) == H2C_FRAME_PS_HEADER) {
        ck_assert_msg(h2c_frame_parser_push(p, ping, sizeof ping, &used, &ev) == H2C_FRAME_EV_FRAME,
                      "%s: push after reset", label);
    } else {
        ck_assert_int_eq(h2c_frame_parser_state_get(p), H2C_FRAME_PS_PREFACE);
    }
}

void cat_check_sticky_assembler(h2c_frame_assembler *a, const h2c_error *e,
                                const char *label)
{
    static const uint8_t blk[] = { 0x82 };
    h2c_error got;
    h2c_frame_block out;
    int st = e->status;
    h2c_frame_assembler_stats before = *h2c_frame_assembler_stats_get(a);
    ck_assert_int_lt(st, 0);
    ck_assert_int_eq(h2c_frame_assembler_error(a, &got), st);
    ck_assert_msg(same_error(&got, e), "%s: assembler error() differs", label);
    ck_assert_uint_eq(h2c_frame_assembler_open_stream(a), 0);
    static const uint8_t types[] = { 0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa, 0xc,
                                     0x10, 0xfa };
    for (size_t i = 0; i < sizeof types; i++) {
        for (int fl = 0; fl < 2; fl++) {
            h2c_frame f;
            h2c_frame_init(&f, types[i], fl ? H2C_FRAME_FLAG_END_HEADERS : 0, 1);
            if (types[i] == H2C_FRAME_TYPE_HEADERS) {
                f.u.headers.fragment.ptr = blk;
                f.u.headers.fragment.len = 1;
            } else if (types[i] == H2C_FRAME_TYPE_CONTINUATION) {
                f.u.continuation.fragment.ptr = blk;
                f.u.continuation.fragment.len = 1;
            }
            memset(&out, 0xa5, sizeof out);
            ck_assert_msg(h2c_frame_assembler_push(a, &f, &out) == st,
                          "%s: assembler push (type 0x%x) after the error", label, types[i]);
            ck_assert_uint_eq(out.fragment.len, 0);
            ck_assert_uint_eq(out.block.len, 0);
        }
    }
    ck_assert_int_eq(h2c_frame_assembler_push(a, NULL, &out), H2C_E_INVALID_ARGUMENT);
    ck_assert_int_eq(h2c_frame_assembler_error(a, &got), st);
    ck_assert_uint_eq(h2c_frame_assembler_open_stream(a), 0);
    const h2c_frame_assembler_stats *now = h2c_frame_assembler_stats_get(a);
    ck_assert(memcmp(now, &before, sizeof before) == 0);
    /* reset() clears it. */
    h2c_frame_assembler_reset(a);
    ck_assert_int_eq(h2c_frame_assembler_error(a, &got), H2C_OK);
    h2c_frame f;
    h2c_frame_init(&f, H2C_FRAME_TYPE_HEADERS, H2C_FRAME_FLAG_END_HEADERS, 1);
    f.u.headers.fragment.ptr = blk;
    f.u.headers.fragment.len = 1;
    ck_assert_msg(h2c_frame_assembler_push(a, &f, &out) == H2C_FRAME_EV_BLOCK_END,
                  "%s: assembler push after reset", label);
}

/* ------------------------------------------------------------ pipeline */

typedef struct conn_rec {
    cat_outcome *out;
    int fatal;
    size_t reports;
} conn_rec;

static void conn_report_cb(void *user, const conn_report *r)
{
    conn_rec *rec = user;
    cat_outcome *out = rec->out;
    rec->reports++;
    REQUIRE(!rec->fatal, "pipeline reported after a connection error");
    switch (r->kind) {
    case CONN_PREFACE:
        break;
    case CONN_FRAME:
        if (r->block_end) {
            out->count += r->nfields;
            for (size_t i = 0; i < r->nfields; i++) {
                touch(r->fields[i].name, r->fields[i].name_len);
                touch(r->fields[i].value, r->fields[i].value_len);
            }
        }
        break;
    case CONN_ERROR: {
        int fatal = r->scope == H2C_SCOPE_CONNECTION || r->scope == H2C_SCOPE_LOCAL;
        if (fatal || (!out->scope && !out->soft_scope)) {
            out->h2 = r->h2_error;
            out->scope = r->scope;
            out->source = r->source;
            out->err_offset = r->offset;
        }
        if (!fatal && !out->soft_scope) {
            out->soft_h2 = r->h2_error;
            out->soft_scope = r->scope;
        }
        rec->fatal = fatal;
        break;
    }
    case CONN_TRUNCATED:
        out->status = H2C_FRAME_E_TRUNCATED;
        out->h2 = H2C_H2_NO_ERROR;
        out->scope = H2C_SCOPE_LOCAL;
        out->source = "frame";
        out->missing = r->missing;
        out->err_offset = r->offset;
        break;
    case CONN_OPEN_BLOCK: /* a notice, not an outcome the catalogue judges */
        break;
    }
}

void cat_run_conn(const cat_case *c, const cat_input *in, cat_feed feed, int validate,
                  cat_outcome *out)
{
    outcome_init(out);
    h2t_failalloc fa = { 0 };
    h2c_allocator fal = { h2t_fa_alloc, h2t_fa_free, &fa };
    conn_opts o;
    conn_opts_init(&o);
    if (c->layer != CAT_CONN || c->o.preface) /* pipeline cases: its default, AUTO */
        o.preface = c->o.preface;
    if (c->o.max_frame_size)
        o.max_frame_size = c->o.max_frame_size;
    o.table_size = opt32(c->o.table_size, o.table_size);
    if (c->o.max_list_size)
        o.max_list_size = c->o.max_list_size;
    o.max_settings = c->o.max_settings;
    o.max_continuations = c->o.max_continuations;
    o.max_block_size = c->o.max_block_size;
    o.max_empty_frames = c->o.max_empty_frames;
    o.tolerant = (c->o.lenient & H2C_HPACK_LENIENT_UNKNOWN_INDEX) != 0;
    o.validate = validate;
    o.collect = 1;
    o.allocator = &fal;
    if (c->layer == CAT_HPACK) {
        /* The blocks were framed to carry them, not to test framing. */
        o.max_block_size = 64u << 20;
        o.max_continuations = 1u << 20;
    }
    conn_rec rec = { out, 0, 0 };
    conn *cn = NULL;
    ck_assert_int_eq(conn_new(&cn, &o, conn_report_cb, &rec), 0);
    feeder fd;
    feeder_init(&fd, in->buf, in->len, feed);
    const uint8_t *p;
    size_t n;
    int dead = 0;
    while (!dead && feeder_next(&fd, &p, &n)) {
        dead = conn_push(cn, p, n);
        out->consumed += n;
    }
    feeder_free(&fd);
    if (dead) {
        /* Calls after the connection error: nothing more is reported. */
        size_t reports = rec.reports;
        static const uint8_t ping[] = { 0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
        ck_assert_int_eq(conn_push(cn, ping, sizeof ping), 1);
        size_t errs = conn_finish(cn);
        ck_assert_uint_ge(errs, 1);
        ck_assert_uint_eq(conn_finish(cn), errs);
        ck_assert_uint_eq(rec.reports, reports);
    } else {
        conn_finish(cn);
    }
    out->peak = fa.peak_bytes;
    conn_free(cn);
    ck_assert_int_eq(fa.live, 0);
}

/* ------------------------------------------------------------ wrapping */

static void put_frame_header(cat_input *o, uint32_t len, uint8_t type, uint8_t flags, uint32_t sid)
{
    uint8_t h[9];
    h2c_frame_header hd = { len, type, flags, sid };
    ck_assert_int_eq(h2c_frame_header_pack(&hd, h), H2C_OK);
    size_t need = o->len + 9 + len;
    if (need > o->cap) {
        size_t cap = o->cap ? o->cap : 1024;
        while (cap < need)
            cap *= 2;
        o->buf = realloc(o->buf, cap);
        ck_assert_ptr_nonnull(o->buf);
        o->cap = cap;
    }
    memcpy(o->buf + o->len, h, 9);
    o->len += 9;
}

void cat_wrap_blocks(const cat_input *blocks, cat_input *frames)
{
    memset(frames, 0, sizeof *frames);
    size_t start = 0;
    uint32_t sid = 1;
    for (size_t b = 0; b < blocks->nblocks; b++, sid += 2) {
        size_t len = blocks->ends[b] - start;
        size_t off = 0;
        int first = 1;
        do {
            size_t k = len - off > H2C_FRAME_MAX_FRAME_SIZE_MIN ? H2C_FRAME_MAX_FRAME_SIZE_MIN
                                                                : len - off;
            uint8_t flags = off + k == len ? H2C_FRAME_FLAG_END_HEADERS : 0;
            put_frame_header(frames, (uint32_t)k,
                             first ? H2C_FRAME_TYPE_HEADERS : H2C_FRAME_TYPE_CONTINUATION,
                             flags, sid);
            if (k)
                memcpy(frames->buf + frames->len, blocks->buf + start + off, k);
            frames->len += k;
            off += k;
            first = 0;
        } while (off < len);
        start = blocks->ends[b];
    }
}

/* ------------------------------------------------------------ checking */

static const char *layer_name(cat_layer l)
{
    return l == CAT_HPACK ? "HPACK" : l == CAT_FRAMES ? "frames" : "pipeline";
}

/* The outcome against the case's expectations. */
static void expect(const cat_case *c, const cat_outcome *o, const cat_input *in, int replay,
                   cat_feed feed)
{
    const char *how = replay ? "pipeline replay" : layer_name(c->layer);
    const char *fn = feed_name(feed);
    if (!replay && c->layer != CAT_CONN)
        ck_assert_msg(o->status == c->status, "%s [%s] (%s, %s): status %d, expected %d", c->name,
                      c->cls, how, fn, o->status, c->status);
    if (replay && c->layer == CAT_HPACK &&
        (c->status == H2C_HPACK_E_LIST_SIZE || c->status == H2C_HPACK_E_FIELD_COUNT ||
         c->status == H2C_HPACK_E_STRING_LENGTH)) {
        /* The pipeline is an h2c_conn: a header list over its limit is
         * refused on its stream (REFUSED_STREAM) and decoded to the end, so
         * that HPACK stays in sync; the decoder's own count and string
         * limits are not the connection's, whose list limit bounds both.
         * What holds for every such case: the connection survives. */
        if (c->status == H2C_HPACK_E_STRING_LENGTH && o->scope == H2C_SCOPE_CONNECTION)
            /* a string past the connection's own bound (eight times the
             * largest block) still ends it, as the decoder's error */
            ck_assert_msg(o->h2 == H2C_H2_COMPRESSION_ERROR, "%s [%s] (%s, %s): %s, expected "
                          "COMPRESSION_ERROR", c->name, c->cls, how, fn, h2c_h2_error_name(o->h2));
        else
            ck_assert_msg(o->scope != H2C_SCOPE_CONNECTION && o->scope != H2C_SCOPE_LOCAL,
                          "%s [%s] (%s, %s): %s/%s, expected the connection to go on", c->name,
                          c->cls, how, fn, h2c_h2_error_name(o->h2), h2c_scope_name(o->scope));
        if (c->status == H2C_HPACK_E_LIST_SIZE)
            ck_assert_msg(o->h2 == H2C_H2_REFUSED_STREAM && o->scope == H2C_SCOPE_STREAM,
                          "%s [%s] (%s, %s): %s/%s, expected REFUSED_STREAM/stream", c->name,
                          c->cls, how, fn, h2c_h2_error_name(o->h2), h2c_scope_name(o->scope));
        return;
    }
    ck_assert_msg(o->h2 == c->h2 && o->scope == c->scope,
                  "%s [%s] (%s, %s): %s/%s, expected %s/%s", c->name, c->cls, how, fn,
                  h2c_h2_error_name(o->h2), h2c_scope_name(o->scope),
                  h2c_h2_error_name(c->h2), h2c_scope_name(c->scope));
    if (c->soft_scope)
        ck_assert_msg(o->soft_h2 == c->soft_h2 && o->soft_scope == c->soft_scope,
                      "%s [%s] (%s, %s): first soft error %s/%s, expected %s/%s", c->name, c->cls,
                      how, fn, h2c_h2_error_name(o->soft_h2),
                      h2c_scope_name(o->soft_scope), h2c_h2_error_name(c->soft_h2),
                      h2c_scope_name(c->soft_scope));
    if (c->source && c->layer == CAT_CONN)
        ck_assert_msg(o->source && strcmp(o->source, c->source) == 0,
                      "%s [%s] (%s, %s): error from %s, expected %s", c->name, c->cls, how, fn,
                      o->source ? o->source : "nowhere", c->source);
    /* A pipeline reports fields per completed block: compare accepted runs only. */
    if (c->count && (!replay || (c->layer == CAT_HPACK && c->scope == H2C_SCOPE_NONE)))
        ck_assert_msg(o->count == c->count, "%s [%s] (%s, %s): count %llu, expected %llu",
                      c->name, c->cls, how, fn, (unsigned long long)o->count,
                      (unsigned long long)c->count);
    if (replay)
        return;
    if (c->max_consumed)
        ck_assert_msg(o->consumed <= c->max_consumed,
                      "%s [%s] (%s, %s): read %llu octets before stopping, limit %llu", c->name,
                      c->cls, how, fn, (unsigned long long)o->consumed,
                      (unsigned long long)c->max_consumed);
    if (c->max_peak)
        ck_assert_msg(o->peak <= c->max_peak, "%s [%s] (%s, %s): peak %zu octets, limit %zu",
                      c->name, c->cls, how, fn, o->peak, c->max_peak);
    if (c->stat)
        ck_assert_msg(o->stat == c->stat_value, "%s [%s] (%s, %s): counter %llu, expected %llu",
                      c->name, c->cls, how, fn, (unsigned long long)o->stat,
                      (unsigned long long)c->stat_value);
    if (c->layer == CAT_FRAMES)
        ck_assert_msg(o->open_block == !!(c->flags & CAT_F_OPEN_BLOCK),
                      "%s [%s] (%s, %s): open block at the end: %d", c->name, c->cls, how, fn,
                      o->open_block);
    /* Stream and ignorable errors do not stop the input. */
    if (c->layer != CAT_HPACK && c->scope != H2C_SCOPE_CONNECTION &&
        c->scope != H2C_SCOPE_LOCAL)
        ck_assert_msg(o->consumed == in->len, "%s [%s] (%s, %s): stopped at %llu of %zu",
                      c->name, c->cls, how, fn, (unsigned long long)o->consumed, in->len);
}

/* Two chunkings must agree on everything but memory and reading position. */
static void same(const cat_case *c, const cat_outcome *a, const cat_outcome *b, const char *how,
                 cat_feed fa, cat_feed fb)
{
    char na[48];
    snprintf(na, sizeof na, "%s", feed_name(fa));
    ck_assert_msg(a->status == b->status && a->h2 == b->h2 && a->scope == b->scope &&
                      a->soft_h2 == b->soft_h2 && a->soft_scope == b->soft_scope &&
                      a->soft_status == b->soft_status && a->err_offset == b->err_offset &&
                      a->count == b->count && a->open_block == b->open_block &&
                      a->stat == b->stat && a->missing == b->missing &&
                      (a->source == b->source ||
                       (a->source && b->source && strcmp(a->source, b->source) == 0)),
                  "%s [%s] (%s): %s and %s disagree: status %d/%d, error at %llu/%llu, "
                  "count %llu/%llu",
                  c->name, c->cls, how, na, feed_name(fb), a->status, b->status,
                  (unsigned long long)a->err_offset, (unsigned long long)b->err_offset,
                  (unsigned long long)a->count, (unsigned long long)b->count);
}

void cat_check_case(const cat_case *c, int guard)
{
    cat_input in;
    ck_assert_msg(cat_build(c->input, &in) == 0, "%s: bad input notation", c->name);
    const cat_feed feeds[] = { { 0, guard }, { 1, guard }, { 7, guard } };
    const size_t nfeeds = sizeof feeds / sizeof feeds[0];
    cat_outcome ref, o;

    for (size_t i = 0; i < nfeeds; i++) {
        if (c->layer == CAT_HPACK)
            cat_run_hpack(c, &in, feeds[i], &o);
        else if (c->layer == CAT_FRAMES)
            cat_run_frames(c, &in, feeds[i], &o);
        else
            cat_run_conn(c, &in, feeds[i], 1, &o);
        expect(c, &o, &in, 0, feeds[i]);
        if (i == 0)
            ref = o;
        else
            same(c, &ref, &o, layer_name(c->layer), feeds[0], feeds[i]);
    }

    if (c->layer != CAT_CONN && !(c->flags & CAT_F_NOCONN)) {
        cat_input fr;
        if (c->layer == CAT_HPACK)
            cat_wrap_blocks(&in, &fr);
        else
            fr = in;
        for (size_t i = 0; i < nfeeds; i++) {
            cat_run_conn(c, &fr, feeds[i], 0, &o);
            expect(c, &o, &fr, 1, feeds[i]);
            if (i == 0)
                ref = o;
            else
                same(c, &ref, &o, "pipeline replay", feeds[0], feeds[i]);
        }
        if (c->layer == CAT_HPACK)
            cat_input_free(&fr);
    }
    cat_input_free(&in);
}

size_t cat_total(void)
{
    return cat_hpack_count + cat_frame_count + cat_conn_count;
}

const cat_case *cat_get(size_t i)
{
    if (i < cat_hpack_count)
        return &cat_hpack_cases[i];
    i -= cat_hpack_count;
    if (i < cat_frame_count)
        return &cat_frame_cases[i];
    i -= cat_frame_count;
    return i < cat_conn_count ? &cat_conn_cases[i] : NULL;
}

size_t cat_classes(const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < cat_total(); i++) {
        const char *cls = cat_get(i)->cls;
        size_t k = 0;
        while (k < n && strcmp(out[k], cls) != 0)
            k++;
        if (k == n && n < cap)
            out[n++] = cls;
    }
    return n;
}

void cat_check_slice(size_t k, int guard)
{
    const char *names[64];
    size_t n = cat_classes(names, 64);
    ck_assert_uint_lt(n, 64); /* room to spare: no class dropped */
    ck_assert_uint_lt(k, CAT_SLICES);
    for (size_t cls = k; cls < n; cls += CAT_SLICES) {
        size_t ran = 0;
        for (size_t i = 0; i < cat_total(); i++) {
            if (strcmp(cat_get(i)->cls, names[cls]) != 0)
                continue;
            cat_check_case(cat_get(i), guard);
            ran++;
        }
        ck_assert_uint_gt(ran, 0);
    }
}

size_t cat_corpus_each(void (*fn)(const char *name, const cat_input *in, void *user), void *user)
{
    const char *dir = H2C_CORPUS_DIR "/h2spec-client-streams";
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "no corpus at %s", dir);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        cat_input in = { 0 };
        in.buf = h2t_read_file(path, &in.len);
        ck_assert_msg(in.buf != NULL, "cannot read %s", path);
        fn(e->d_name, &in, user);
        free(in.buf);
        n++;
    }
    closedir(d);
    return n;
}
