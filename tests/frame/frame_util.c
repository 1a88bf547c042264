/* SPDX-License-Identifier: MIT */
#include "frame_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a, 64 bit. */
typedef struct hasher {
    uint64_t h;
} hasher;

static void hbytes(hasher *s, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        s->h ^= b[i];
        s->h *= 0x100000001b3ull;
    }
}

static void hu64(hasher *s, uint64_t v)
{
    hbytes(s, &v, sizeof v);
}

static void hview(hasher *s, h2c_view v)
{
    hu64(s, v.len);
    if (v.len)
        hbytes(s, v.ptr, v.len);
}

static void hstr(hasher *s, const char *str)
{
    hview(s, (h2c_view){ (const uint8_t *)str, strlen(str) });
}

static void herror(hasher *s, const h2c_error *e)
{
    hu64(s, (uint64_t)(int64_t)e->status);
    hu64(s, e->h2_error);
    hu64(s, (uint64_t)e->scope);
    hu64(s, e->stream_id);
    hu64(s, e->offset);
    hstr(s, e->reason ? e->reason : "(null)");
}

/* The offending frame of an error: its header and offset (all zero for a
 * preface error). */
static void hculprit(hasher *s, const h2c_frame *f)
{
    hu64(s, f->offset);
    hu64(s, f->hd.length);
    hu64(s, f->hd.type);
    hu64(s, f->hd.flags);
    hu64(s, f->hd.stream_id);
}

static void hprio(hasher *s, const h2c_frame_priority *p)
{
    hu64(s, p->dependency);
    hu64(s, p->exclusive);
    hu64(s, p->weight);
}

static void hframe(hasher *s, const h2c_frame *f, int decoded)
{
    hu64(s, f->hd.length);
    hu64(s, f->hd.type);
    hu64(s, f->hd.flags);
    hu64(s, f->hd.stream_id);
    hu64(s, f->offset);
    hu64(s, f->pad_length);
    hu64(s, f->verbatim);
    hview(s, f->payload);
    if (!decoded || f->verbatim)
        return;
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA:
        hview(s, f->u.data.data);
        break;
    case H2C_FRAME_TYPE_HEADERS:
        hprio(s, &f->u.headers.priority);
        hview(s, f->u.headers.fragment);
        break;
    case H2C_FRAME_TYPE_PRIORITY:
        hprio(s, &f->u.priority.priority);
        break;
    case H2C_FRAME_TYPE_RST_STREAM:
        hu64(s, f->u.rst_stream.error_code);
        break;
    case H2C_FRAME_TYPE_SETTINGS:
        hu64(s, f->u.settings.count);
        for (size_t i = 0; i < f->u.settings.count; i++) {
            h2c_frame_setting st;
            if (h2c_frame_settings_get(f, i, &st) == 0) {
                hu64(s, st.id);
                hu64(s, st.value);
            }
        }
        break;
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        hu64(s, f->u.push_promise.promised_stream_id);
        hview(s, f->u.push_promise.fragment);
        break;
    case H2C_FRAME_TYPE_PING:
        hbytes(s, f->u.ping.opaque_data, 8);
        break;
    case H2C_FRAME_TYPE_GOAWAY:
        hu64(s, f->u.goaway.last_stream_id);
        hu64(s, f->u.goaway.error_code);
        hview(s, f->u.goaway.debug_data);
        break;
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        hu64(s, f->u.window_update.increment);
        break;
    case H2C_FRAME_TYPE_CONTINUATION:
        hview(s, f->u.continuation.fragment);
        break;
    case H2C_FRAME_TYPE_ALTSVC:
        hview(s, f->u.altsvc.origin);
        hview(s, f->u.altsvc.value);
        break;
    case H2C_FRAME_TYPE_ORIGIN: {
        size_t pos = 0;
        h2c_view o;
        hu64(s, f->u.origin.count);
        while (h2c_frame_origin_next(f, &pos, &o))
            hview(s, o);
        break;
    }
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        hu64(s, f->u.priority_update.prioritized_stream_id);
        hview(s, f->u.priority_update.value);
        break;
    default:
        break;
    }
}

uint64_t ft_event_digest(int rc, const h2c_frame_event *ev)
{
    hasher s = { 0xcbf29ce484222325ull };
    hu64(&s, (uint64_t)(int64_t)rc);
    herror(&s, &ev->error);
    hu64(&s, (uint64_t)ev->decoded);
    if (rc == H2C_FRAME_EV_FRAME || rc == H2C_FRAME_EV_STREAM_ERROR || rc == H2C_FRAME_EV_IGNORED)
        hframe(&s, &ev->frame, ev->decoded);
    else if (rc < 0)
        hculprit(&s, &ev->frame);
    return s.h;
}

uint64_t ft_block_digest(int rc, const h2c_frame *f, const h2c_frame_block *b,
                         const h2c_error *err)
{
    hasher s = { 0x84222325cbf29ce4ull };
    hu64(&s, (uint64_t)(int64_t)rc);
    if (rc < 0) {
        herror(&s, err);
        hculprit(&s, f);
        return s.h;
    }
    hu64(&s, b->stream_id);
    hu64(&s, b->type);
    hu64(&s, b->flags);
    hu64(&s, b->promised_stream_id);
    hview(&s, b->fragment);
    hu64(&s, (uint64_t)b->end);
    hu64(&s, b->continuations);
    hu64(&s, b->size);
    hview(&s, b->block);
    return s.h;
}

const char *ft_describe(int rc, const h2c_frame_event *ev, char *buf, size_t cap)
{
    char flags[64];
    h2c_frame_flags_format(ev->frame.hd.type, ev->frame.hd.flags, flags, sizeof flags);
    snprintf(buf, cap,
             "%s: %s flags=%s len=%u stream=%u off=%llu | err %s %s %s stream=%u off=%llu "
             "\"%s\"",
             h2c_status_name(rc), h2c_frame_type_name(ev->frame.hd.type), flags,
             (unsigned)ev->frame.hd.length, (unsigned)ev->frame.hd.stream_id,
             (unsigned long long)ev->frame.offset, h2c_status_name(ev->error.status),
             h2c_h2_error_name(ev->error.h2_error), h2c_scope_name(ev->error.scope),
             (unsigned)ev->error.stream_id, (unsigned long long)ev->error.offset,
             ev->error.reason ? ev->error.reason : "(null)");
    return buf;
}

static int log_add(ft_log *log, uint64_t d)
{
    if (log->n == log->cap) {
        size_t nc = log->cap ? log->cap * 2 : 64;
        uint64_t *nd = realloc(log->d, nc * sizeof *nd);
        if (!nd)
            return -1;
        log->d = nd;
        log->cap = nc;
    }
    log->d[log->n++] = d;
    return 0;
}

void ft_log_free(ft_log *log)
{
    free(log->d);
    memset(log, 0, sizeof *log);
}

size_t ft_log_diff(const ft_log *a, const ft_log *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++)
        if (a->d[i] != b->d[i])
            return i;
    if (a->n != b->n || a->end_rc != b->end_rc || a->end_offset != b->end_offset ||
        a->first_rc != b->first_rc || a->frames != b->frames)
        return n;
    return (size_t)-1;
}

void ft_config_init(ft_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    h2c_frame_parser_options_init(&cfg->popt);
    h2c_frame_assembler_options_init(&cfg->aopt);
}

int ft_run(const ft_config *cfg, const uint8_t *in, size_t len, const size_t *cuts, size_t ncuts,
           ft_log *log)
{
    memset(log, 0, sizeof *log);
    h2c_frame_parser *p = NULL;
    h2c_frame_assembler *a = NULL;
    if (h2c_frame_parser_new(&p, &cfg->popt) != 0)
        return -1;
    if (cfg->assemble && h2c_frame_assembler_new(&a, &cfg->aopt) != 0) {
        h2c_frame_parser_free(p);
        return -1;
    }
    h2c_frame_event ev;
    int dead = 0, have_first = 0;
    for (size_t k = 0; k <= ncuts && !dead; k++) {
        size_t from = k == 0 ? 0 : cuts[k - 1];
        size_t to = k == ncuts ? len : cuts[k];
        size_t plen = to - from;
        uint8_t *piece = malloc(plen ? plen : 1);
        if (!piece)
            break;
        if (plen)
            memcpy(piece, in + from, plen);
        size_t off = 0;
        while (!dead) {
            size_t used = 0;
            int rc = h2c_frame_parser_push(p, piece + off, plen - off, &used, &ev);
            off += used;
            if (rc == H2C_OK)
                break;
            log_add(log, ft_event_digest(rc, &ev));
            if (rc != H2C_FRAME_EV_PREFACE && !have_first) {
                have_first = 1;
                log->first_rc = rc;
                log->first_err = ev.error;
            }
            if (rc < 0) {
                log->end_rc = rc;
                dead = 1;
                break;
            }
            if (rc == H2C_FRAME_EV_PREFACE)
                continue;
            log->frames++;
            if (a) {
                h2c_frame_block b;
                h2c_error err;
                int arc = h2c_frame_assembler_push(a, &ev.frame, &b);
                h2c_frame_assembler_error(a, &err);
                log_add(log, ft_block_digest(arc, &ev.frame, &b, &err));
                if (arc < 0) {
                    /* Assembler errors are found at the frame's first octet. */
                    ck_assert_uint_eq(err.offset, ev.frame.offset);
                    ck_assert_uint_eq(err.stream_id, ev.frame.hd.stream_id);
                    log->end_rc = arc;
                    dead = 1;
                }
            }
        }
        free(piece);
    }
    if (!dead)
        log->end_rc = h2c_frame_parser_finish(p, NULL);
    log->end_offset = h2c_frame_parser_offset(p);
    h2c_frame_assembler_free(a);
    h2c_frame_parser_free(p);
    return 0;
}

int ft_run_whole(const ft_config *cfg, const uint8_t *in, size_t len, ft_log *log)
{
    return ft_run(cfg, in, len, NULL, 0, log);
}

int ft_run_steps(const ft_config *cfg, const uint8_t *in, size_t len, size_t step, ft_log *log)
{
    size_t n = len ? (len - 1) / step : 0;
    size_t *cuts = malloc((n ? n : 1) * sizeof *cuts);
    if (!cuts)
        return -1;
    for (size_t i = 0; i < n; i++)
        cuts[i] = (i + 1) * step;
    int rc = ft_run(cfg, in, len, cuts, n, log);
    free(cuts);
    return rc;
}

int ft_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

int ft_run_suite_nofork(Suite *s)
{
    SRunner *sr = srunner_create(s);
    if (!getenv("CK_FORK"))
        srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
