/* SPDX-License-Identifier: MIT */
/*
 * Header-block assembler: the sequencing rules of 4.3, 6.2 and 6.10
 * (between HEADERS/PUSH_PROMISE without END_HEADERS and the END_HEADERS
 * that closes the block, only CONTINUATION on the same stream), plus the
 * flood limits that stop the 2024 CONTINUATION attacks.  Fragments are
 * handed on as they come; JOIN copies them into one bounded buffer.
 */
#include <string.h>

#include "frame_int.h"

struct h2c_frame_assembler {
    h2c_allocator al;
    h2c_frame_assembler_options opt;
    int open;            /* a block is open */
    int failed;          /* sticky error in err */
    h2c_frame_block cur; /* the open block (fragment/block fields unused) */
    uint8_t *buf;        /* JOIN buffer */
    size_t cap;
    h2c_error err;
    h2c_frame_assembler_stats stats;
};

void h2c_frame_assembler_options_init(h2c_frame_assembler_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->max_continuations = 32;
    opt->max_block_size = 131072;
}

int h2c_frame_assembler_new(h2c_frame_assembler **out, const h2c_frame_assembler_options *opt)
{
    h2c_frame_assembler_options def;
    if (!out)
        return H2C_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!opt) {
        h2c_frame_assembler_options_init(&def);
        opt = &def;
    }
    if (opt->max_block_size == 0)
        return H2C_E_INVALID_ARGUMENT;
    h2c_allocator al;
    h2c_frame_assembler *a = h2c_frame_ctx_new(&al, opt->allocator, sizeof *a);
    if (!a)
        return H2C_E_NOMEM;
    a->al = al;
    a->opt = *opt;
    a->opt.allocator = NULL;
    h2c_frame_assembler_reset(a);
    *out = a;
    return H2C_OK;
}

void h2c_frame_assembler_free(h2c_frame_assembler *a)
{
    if (!a)
        return;
    h2c_free(&a->al, a->buf);
    h2c_free(&a->al, a);
}

void h2c_frame_assembler_reset(h2c_frame_assembler *a)
{
    if (!a)
        return;
    a->open = 0;
    a->failed = 0;
    memset(&a->cur, 0, sizeof a->cur);
    memset(&a->err, 0, sizeof a->err);
    a->err.reason = h2c_frame_reason_ok;
    memset(&a->stats, 0, sizeof a->stats);
}

static int fail(h2c_frame_assembler *a, int status, const h2c_frame *f, const char *reason)
{
    a->failed = 1;
    a->open = 0;
    return h2c_frame_error_set(&a->err, status,
                               status == H2C_E_NOMEM ? H2C_SCOPE_LOCAL : H2C_SCOPE_CONNECTION,
                               H2C_FRAME_H2_FROM_STATUS, &f->hd, f->offset, 0, reason);
}

/* Append a fragment to the JOIN buffer, growing it geometrically up to the
 * block limit (the caller has checked size <= max_block_size). */
static int join(h2c_frame_assembler *a, h2c_view frag, size_t before)
{
    size_t need = before + frag.len;
    if (need > a->cap) {
        size_t ncap = a->cap ? a->cap : 1024;
        while (ncap < need)
            ncap = ncap > a->opt.max_block_size / 2 ? a->opt.max_block_size : ncap * 2;
        uint8_t *nb = h2c_alloc(&a->al, ncap);
        if (!nb)
            return H2C_E_NOMEM;
        if (before)
            memcpy(nb, a->buf, before);
        h2c_free(&a->al, a->buf);
        a->buf = nb;
        a->cap = ncap;
    }
    if (frag.len)
        memcpy(a->buf + before, frag.ptr, frag.len);
    return H2C_OK;
}

int h2c_frame_assembler_push(h2c_frame_assembler *a, const h2c_frame *f, h2c_frame_block *out)
{
    if (!a || !f || !out)
        return H2C_E_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    if (a->failed)
        return a->err.status;

    uint8_t type = f->hd.type;
    int opens = type == H2C_FRAME_TYPE_HEADERS || type == H2C_FRAME_TYPE_PUSH_PROMISE;
    if (a->open) {
        if (type != H2C_FRAME_TYPE_CONTINUATION || f->hd.stream_id != a->cur.stream_id)
            return fail(a, H2C_FRAME_E_CONTINUATION_EXPECTED, f,
                        type == H2C_FRAME_TYPE_CONTINUATION
                            ? "CONTINUATION on another stream inside a field block"
                            : "frame other than CONTINUATION inside a field block");
    } else if (type == H2C_FRAME_TYPE_CONTINUATION) {
        return fail(a, H2C_FRAME_E_CONTINUATION_UNEXPECTED, f,
                    "CONTINUATION without an open field block");
    } else if (!opens) {
        return H2C_OK;
    }

    h2c_view frag;
    size_t before = a->open ? a->cur.size : 0;
    if (type == H2C_FRAME_TYPE_CONTINUATION) {
        frag = f->u.continuation.fragment;
        /* Counted before anything else: empty frames are the cheap flood. */
        if (a->cur.continuations >= a->opt.max_continuations)
            return fail(a, H2C_FRAME_E_CONTINUATION_FLOOD, f,
                        "more CONTINUATION frames in one block than max_continuations");
    } else {
        frag = type == H2C_FRAME_TYPE_HEADERS ? f->u.headers.fragment
                                              : f->u.push_promise.fragment;
    }
    if (frag.len > a->opt.max_block_size - before)
        return fail(a, H2C_FRAME_E_BLOCK_SIZE, f, "field block larger than max_block_size");

    if (!a->open) {
        memset(&a->cur, 0, sizeof a->cur);
        a->cur.stream_id = f->hd.stream_id;
        a->cur.type = type;
        a->cur.flags = f->hd.flags;
        if (type == H2C_FRAME_TYPE_PUSH_PROMISE)
            a->cur.promised_stream_id = f->u.push_promise.promised_stream_id;
    } else {
        a->cur.continuations++;
        a->stats.continuations++;
        if (frag.len == 0)
            a->stats.empty_continuations++;
    }
    a->cur.size = before + frag.len;
    int end = (f->hd.flags & H2C_FRAME_FLAG_END_HEADERS) != 0;

    /* JOIN: copy unless the block is a single frame (then the view is it). */
    if ((a->opt.flags & H2C_FRAME_ASSEMBLER_JOIN) && !(end && before == 0 && !a->open)) {
        if (join(a, frag, before) < 0)
            return fail(a, H2C_E_NOMEM, f, "cannot allocate the field block buffer");
    }

    *out = a->cur;
    out->fragment = frag;
    out->end = end;
    if (!end) {
        a->open = 1;
        return H2C_FRAME_EV_FRAGMENT;
    }
    if (a->opt.flags & H2C_FRAME_ASSEMBLER_JOIN) {
        if (a->open) {
            out->block.ptr = a->cur.size ? a->buf : NULL;
            out->block.len = a->cur.size;
        } else {
            out->block = frag;
        }
    }
    a->open = 0;
    a->stats.blocks++;
    if (a->cur.size > a->stats.max_block_seen)
        a->stats.max_block_seen = a->cur.size;
    return H2C_FRAME_EV_BLOCK_END;
}

uint32_t h2c_frame_assembler_open_stream(const h2c_frame_assembler *a)
{
    return a && a->open ? a->cur.stream_id : 0;
}

int h2c_frame_assembler_error(const h2c_frame_assembler *a, h2c_error *err)
{
    if (!a || !err)
        return H2C_E_INVALID_ARGUMENT;
    *err = a->err;
    return err->status;
}

const h2c_frame_assembler_stats *h2c_frame_assembler_stats_get(const h2c_frame_assembler *a)
{
    return a ? &a->stats : NULL;
}
