/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure injection across the public API.
 *
 * Each workload drives a public entry point that can allocate (decoder
 * new/push/finish/set_max_table_size, encoder new/encode/set_max_table_size,
 * parser new/push, assembler new/push with JOIN, and the receiving pipeline
 * of tools/cli/conn.c) through the counting allocator of testutil.h.  A
 * reference run counts the allocations; then allocation N fails, for
 * N = 1, 2, ... until a run completes without meeting a failure, once
 * failing only the Nth call and once every call from the Nth on.  Each run
 * must end in a clean NOMEM (INTERNAL_ERROR) or succeed, leak nothing
 * (live == 0 after free), and leave the context as its header documents:
 *
 *   decoder    sticky H2C_E_NOMEM on push, finish and
 *              set_max_table_size until reset(); after reset() it decodes
 *              the same fields again (hpack.h, decoder_push)
 *   encoder    only new() allocates; encode and set_max_table_size never do
 *              (hpack.h, encoder options and encode)
 *   parser     sticky H2C_E_NOMEM, scope LOCAL, INTERNAL_ERROR on every
 *              call until reset(); then it parses the same events again
 *              (frame.h, parser_push)
 *   assembler  sticky H2C_E_NOMEM (scope LOCAL) until reset() (frame.h,
 *              assembler_push)
 *   pipeline   conn_new fails with NOMEM, or one INTERNAL_ERROR report of
 *              scope LOCAL ends the connection, after reports that match
 *              the reference run's
 * Every workload runs at three chunkings (whole, 1 and 7 octets), so that
 * the buffers for straddling items are exercised.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "conn.h"
#include "testutil.h"

static const size_t chunks[] = { 0, 1, 7 };

/* FNV-1a over octets, for comparing what two runs produced. */
static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

static uint64_t mix_u(uint64_t h, uint64_t v)
{
    return mix(h, &v, sizeof v);
}

/*
 * Drive one workload at every injection point.  run() returns 0 on success
 * or the NOMEM status when it met the failure; it checks the failed context
 * itself and, where the context survived, resets it and runs again without
 * failures, leaving that run's digest, which must be the reference's.
 */
typedef int (*workload_fn)(h2t_failalloc *fa, size_t chunk, uint64_t *digest);

static void inject(workload_fn run, size_t chunk, unsigned long min_calls, int nomem,
                   const char *what)
{
    h2t_failalloc fa = { 0 };
    uint64_t ref = 0, got;
    ck_assert_msg(run(&fa, chunk, &ref) == 0, "%s: reference run failed", what);
    ck_assert_int_eq(fa.live, 0);
    unsigned long total = fa.calls;
    ck_assert_msg(total >= min_calls, "%s: %lu allocations, expected at least %lu", what, total,
                  min_calls);
    for (int all = 0; all < 2; all++) {
        unsigned long n = 1;
        for (;; n++) {
            memset(&fa, 0, sizeof fa);
            fa.fail_at = n;
            fa.fail_all = all;
            got = 0;
            int rc = run(&fa, chunk, &got);
            ck_assert_msg(fa.live == 0, "%s: %ld blocks leaked, failing allocation %lu%s", what,
                          fa.live, n, all ? " on" : "");
            if (fa.calls < n) { /* the failure was never met: a complete run */
                ck_assert_msg(rc == 0, "%s: run without failure returned %d", what, rc);
                ck_assert_msg(got == ref, "%s: output differs from the reference", what);
                break;
            }
            ck_assert_msg(rc == nomem, "%s: allocation %lu%s failed, result %d instead of NOMEM",
                          what, n, all ? " on" : "", rc);
            /* got is 0 when new() failed, else the run after reset(). */
            ck_assert_msg(got == 0 || got == ref,
                          "%s: after reset, another result than the reference (allocation %lu)",
                          what, n);
        }
        ck_assert_msg(n > total || all, "%s: fewer allocation sites than in the reference", what);
    }
}

/* ------------------------------------------------------------ decoder */

/* Three blocks: Huffman and long plain/Huffman strings (scratch growth), a
 * lowered table size, then a raised one (table growth). */
static const char *const dec_blocks[] = {
    ("82 86 84 41 8c f1e3c2e5f23a6ba0ab90f4ff 40 03 782d61 7f b9 16 *3000(62) "
     "00 88 25a849e95ba97d7f ff d1 0e *400(18c6318c63)"),
    "3f 45 40 01 61 01 62 be",
    "3f e1 3f 40 01 63 7f 89 26 *5000(64) be bf 10 01 65 7f c1 3d *8000(65)",
};
static const uint32_t dec_set_max[] = { 0, 100, 8192 };

/* Decode the blocks; 0, or the first error. */
static int dec_blocks_run(h2c_hpack_decoder *dec, size_t chunk, uint64_t *digest)
{
    for (size_t b = 0; b < sizeof dec_blocks / sizeof dec_blocks[0]; b++) {
        int rc;
        if (dec_set_max[b] && (rc = h2c_hpack_decoder_set_max_table_size(dec, dec_set_max[b])) < 0)
            return rc;
        cat_input in;
        ck_assert_int_eq(cat_build(dec_blocks[b], &in), 0);
        rc = 0;
        for (size_t off = 0; off < in.len && rc >= 0;) {
            size_t n = chunk && in.len - off > chunk ? chunk : in.len - off, done = 0, used;
            h2c_hpack_field f;
            while ((rc = h2c_hpack_decoder_push(dec, in.buf + off + done, n - done, &used, &f)) ==
                   H2C_HPACK_FIELD) {
                done += used;
                *digest = mix(*digest, f.name.ptr, f.name.len);
                *digest = mix(*digest, f.value.ptr, f.value.len);
            }
            off += n;
        }
        cat_input_free(&in);
        if (rc >= 0)
            rc = h2c_hpack_decoder_finish(dec);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int dec_workload(h2t_failalloc *fa, size_t chunk, uint64_t *digest)
{
    h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, fa };
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_table_size = 256;
    o.allocator = &al;
    h2c_hpack_decoder *dec = (h2c_hpack_decoder *)&o;
    int rc = h2c_hpack_decoder_new(&dec, &o);
    if (rc < 0) {
        ck_assert_ptr_null(dec);
        ck_assert_int_eq(fa->live, 0);
        return rc;
    }
    rc = dec_blocks_run(dec, chunk, digest);
    if (rc < 0) {
        ck_assert_int_eq(rc, H2C_E_NOMEM);
        ck_assert_uint_eq(h2c_status_h2_error(rc), H2C_H2_INTERNAL_ERROR);
        /* Sticky on every call until reset (cat_check_sticky_decoder ends
         * with a reset and a short block). */
        cat_check_sticky_decoder(dec, rc, "decoder after NOMEM");
        h2c_hpack_decoder_reset(dec);
        unsigned long fail_at = fa->fail_at;
        fa->fail_at = 0;
        *digest = 0;
        ck_assert_int_eq(dec_blocks_run(dec, chunk, digest), 0);
        fa->fail_at = fail_at;
    }
    h2c_hpack_decoder_free(dec);
    return rc;
}

START_TEST(test_decoder)
{
    /* decoder, table arena and ring, scratch, then all of them grown */
    inject(dec_workload, chunks[_i], 5, H2C_E_NOMEM, "decoder");
}
END_TEST

/* ------------------------------------------------------------ encoder */

#define V(s) { (const uint8_t *)(s), sizeof(s) - 1 }
static const h2c_hpack_field enc_fields[] = {
    { V(":method"), V("GET"), 0, 0, 0, 0 },
    { V(":path"), V("/index.html"), 0, 0, 0, 0 },
    { V("x-custom"), V("some value that is long enough to matter"), 1, 0, 0, 0 },
    { V("authorization"), V("secret"), 0, 0, 0, 0 },
};
#undef V

/* Decode one block with a decoder that never fails to allocate; 1 if it
 * holds exactly enc_fields. */
static int block_is_fields(h2c_hpack_decoder *d, const uint8_t *in, size_t len)
{
    size_t off = 0, used, k = 0;
    h2c_hpack_field f;
    int rc;
    while ((rc = h2c_hpack_decoder_push(d, in + off, len - off, &used, &f)) == H2C_HPACK_FIELD) {
        off += used;
        const h2c_hpack_field *e = &enc_fields[k++];
        if (k > 4 || f.name.len != e->name.len || f.value.len != e->value.len ||
            memcmp(f.name.ptr, e->name.ptr, e->name.len) != 0 ||
            memcmp(f.value.ptr, e->value.ptr, e->value.len) != 0)
            return 0;
    }
    return rc == H2C_OK && h2c_hpack_decoder_finish(d) == H2C_OK && k == 4;
}

/*
 * The encoder allocates in new() (itself) and while its table grows.  A
 * failure in new() is H2C_E_NOMEM with nothing leaked; a failure while the
 * table grows is no error at all: the field is sent without indexing, so
 * every block still decodes, on a peer's decoder, to the fields given.
 * Returns the allocations a complete run makes.
 */
static unsigned long enc_run(h2t_failalloc *fa, uint32_t table)
{
    h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, fa };
    h2c_hpack_encoder_options o;
    h2c_hpack_encoder_options_init(&o);
    o.max_table_size = table;
    o.allocator = &al;
    h2c_hpack_encoder *enc = (h2c_hpack_encoder *)&o;
    int rc = h2c_hpack_encoder_new(&enc, &o);
    if (rc < 0) {
        ck_assert_int_eq(rc, H2C_E_NOMEM);
        ck_assert_ptr_null(enc);
        ck_assert_int_eq(fa->live, 0);
        return fa->calls;
    }
    h2c_hpack_decoder_options dopt;
    h2c_hpack_decoder_options_init(&dopt);
    dopt.max_table_size = table;
    h2c_hpack_decoder *dec;
    ck_assert_int_eq(h2c_hpack_decoder_new(&dec, &dopt), H2C_OK);
    uint8_t out[512];
    size_t w;
    for (int i = 0; i < 20; i++) {
        if (i % 7 == 3) {
            uint32_t v = (uint32_t)(100 * i);
            ck_assert_int_eq(h2c_hpack_encoder_set_max_table_size(enc, v), 0);
            ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(dec, v < table ? v : table), 0);
        }
        ck_assert_int_eq(h2c_hpack_encoder_encode(enc, enc_fields, 4, out, 3, &w),
                         H2C_E_BUFFER_TOO_SMALL);
        ck_assert_int_eq(h2c_hpack_encoder_encode(enc, enc_fields, 4, out, sizeof out, &w), 0);
        ck_assert_msg(block_is_fields(dec, out, w), "block %d does not decode to its fields", i);
    }
    /* reset() keeps the memory: nothing more is allocated. */
    unsigned long calls = fa->calls;
    h2c_hpack_encoder_reset(enc);
    ck_assert_uint_eq(fa->calls, calls);
    h2c_hpack_encoder_free(enc);
    h2c_hpack_decoder_free(dec);
    ck_assert_int_eq(fa->live, 0);
    return fa->calls;
}

START_TEST(test_encoder)
{
    /* Fail each allocation in turn, then each and every one after it. */
    uint32_t table = chunks[_i] ? (uint32_t)(4096 * chunks[_i]) : 65536;
    h2t_failalloc fa = { 0 };
    unsigned long total = enc_run(&fa, table);
    /* the encoder, then its table's growth */
    ck_assert_uint_ge(total, 2);
    for (int all = 0; all < 2; all++) {
        for (unsigned long n = 1; n <= total; n++) {
            memset(&fa, 0, sizeof fa);
            fa.fail_at = n;
            fa.fail_all = all;
            enc_run(&fa, table);
        }
    }
}
END_TEST

/* ------------------------------------------------------------ parser */

/* Payloads above 16 KB are freed after their frame and allocated again. */
static const char parser_stream[] =
    "000008 06 00 00000000 0102030405060708 "
    "009c40 00 00 00000001 *40000(61) "
    "000003 01 05 00000003 828684 "
    "004e20 00 00 00000003 *20000(62) "
    "000064 00 01 00000005 *100(63) "
    "00c350 00 00 00000007 *50000(64) "
    "00000c 04 00 00000000 000100001000 000300000064";

static int parser_events(h2c_frame_parser *p, const cat_input *in, size_t chunk, uint64_t *digest,
                         h2c_error *err)
{
    for (size_t off = 0; off < in->len;) {
        size_t n = chunk && in->len - off > chunk ? chunk : in->len - off, done = 0, used;
        h2c_frame_event ev;
        for (;;) {
            int rc = h2c_frame_parser_push(p, in->buf + off + done, n - done, &used, &ev);
            done += used;
            if (rc == H2C_OK)
                break;
            if (rc < 0) {
                *err = ev.error;
                return rc;
            }
            *digest = mix_u(*digest, (uint64_t)rc << 32 | ev.frame.hd.type);
            *digest = mix(*digest, ev.frame.payload.ptr, ev.frame.payload.len);
        }
        off += n;
    }
    return h2c_frame_parser_finish(p, err);
}

static int parser_workload(h2t_failalloc *fa, size_t chunk, uint64_t *digest)
{
    h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, fa };
    h2c_frame_parser_options o;
    h2c_frame_parser_options_init(&o);
    o.max_frame_size = 65536;
    o.allocator = &al;
    h2c_frame_parser *p = (h2c_frame_parser *)&o;
    int rc = h2c_frame_parser_new(&p, &o);
    if (rc < 0) {
        ck_assert_ptr_null(p);
        return rc;
    }
    cat_input in;
    ck_assert_int_eq(cat_build(parser_stream, &in), 0);
    h2c_error err;
    rc = parser_events(p, &in, chunk, digest, &err);
    if (rc < 0) {
        ck_assert_int_eq(rc, H2C_E_NOMEM);
        ck_assert_int_eq(err.status, rc);
        ck_assert_int_eq(err.scope, H2C_SCOPE_LOCAL);
        ck_assert_uint_eq(err.h2_error, H2C_H2_INTERNAL_ERROR);
        ck_assert_uint_eq(h2c_status_h2_error(rc), H2C_H2_INTERNAL_ERROR);
        /* Sticky on every call; reset() brings it back (checked inside). */
        cat_check_sticky_parser(p, &err, "parser after NOMEM");
        h2c_frame_parser_reset(p);
        unsigned long fail_at = fa->fail_at;
        fa->fail_at = 0;
        *digest = 0;
        ck_assert_int_eq(parser_events(p, &in, chunk, digest, &err), 0);
        fa->fail_at = fail_at;
    }
    cat_input_free(&in);
    h2c_frame_parser_free(p);
    return rc;
}

START_TEST(test_parser)
{
    /* whole: the context only (payloads decoded in place); chunked: the
     * context and a reassembly buffer per large frame */
    size_t chunk = chunks[_i];
    inject(parser_workload, chunk, chunk ? 4 : 1, H2C_E_NOMEM, "parser");
}
END_TEST

/* ------------------------------------------------------------ assembler */

static int asm_blocks(h2c_frame_assembler *a, size_t chunk, uint64_t *digest)
{
    /* Block 1: HEADERS + CONTINUATIONs growing the JOIN buffer past 16 KB;
     * block 2: one frame (no copy); block 3: PUSH_PROMISE + one 40 KB piece. */
    static uint8_t data[40000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + chunk);
    struct { uint8_t type, flags; size_t len; } seq[] = {
        { H2C_FRAME_TYPE_HEADERS, 0, 500 },
        { H2C_FRAME_TYPE_CONTINUATION, 0, 3000 },
        { H2C_FRAME_TYPE_CONTINUATION, 0, 0 },
        { H2C_FRAME_TYPE_CONTINUATION, 0, 9000 },
        { H2C_FRAME_TYPE_CONTINUATION, H2C_FRAME_FLAG_END_HEADERS, 7000 },
        { H2C_FRAME_TYPE_DATA, 0, 10 },
        { H2C_FRAME_TYPE_HEADERS, H2C_FRAME_FLAG_END_HEADERS, 300 },
        { H2C_FRAME_TYPE_PUSH_PROMISE, 0, 100 },
        { H2C_FRAME_TYPE_CONTINUATION, H2C_FRAME_FLAG_END_HEADERS, 40000 },
    };
    for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
        h2c_frame f;
        h2c_frame_init(&f, seq[i].type, seq[i].flags, 1);
        h2c_view v = { data, seq[i].len };
        if (seq[i].type == H2C_FRAME_TYPE_HEADERS)
            f.u.headers.fragment = v;
        else if (seq[i].type == H2C_FRAME_TYPE_CONTINUATION)
            f.u.continuation.fragment = v;
        else if (seq[i].type == H2C_FRAME_TYPE_PUSH_PROMISE) {
            f.u.push_promise.fragment = v;
            f.u.push_promise.promised_stream_id = 2;
        } else
            f.u.data.data = v;
        h2c_frame_block out;
        int rc = h2c_frame_assembler_push(a, &f, &out);
        if (rc < 0)
            return rc;
        if (rc == H2C_FRAME_EV_BLOCK_END)
            *digest = mix(*digest, out.block.ptr, out.block.len);
        *digest = mix_u(*digest, (uint64_t)rc);
    }
    return 0;
}

static int asm_workload(h2t_failalloc *fa, size_t chunk, uint64_t *digest)
{
    h2c_allocator al = { h2t_fa_alloc, h2t_fa_free, fa };
    h2c_frame_assembler_options o;
    h2c_frame_assembler_options_init(&o);
    o.flags = H2C_FRAME_ASSEMBLER_JOIN;
    o.allocator = &al;
    h2c_frame_assembler *a = (h2c_frame_assembler *)&o;
    int rc = h2c_frame_assembler_new(&a, &o);
    if (rc < 0) {
        ck_assert_ptr_null(a);
        return rc;
    }
    rc = asm_blocks(a, chunk, digest);
    if (rc < 0) {
        h2c_error e;
        ck_assert_int_eq(rc, H2C_E_NOMEM);
        ck_assert_int_eq(h2c_frame_assembler_error(a, &e), rc);
        ck_assert_int_eq(e.scope, H2C_SCOPE_LOCAL);
        ck_assert_uint_eq(e.h2_error, H2C_H2_INTERNAL_ERROR);
        cat_check_sticky_assembler(a, &e, "assembler after NOMEM");
        h2c_frame_assembler_reset(a);
        unsigned long fail_at = fa->fail_at;
        fa->fail_at = 0;
        *digest = 0;
        ck_assert_int_eq(asm_blocks(a, chunk, digest), 0);
        fa->fail_at = fail_at;
    }
    h2c_frame_assembler_free(a);
    return rc;
}

START_TEST(test_assembler)
{
    /* the context, then the JOIN buffer as it doubles */
    inject(asm_workload, chunks[_i], 4, H2C_E_NOMEM, "assembler");
}
END_TEST

/* ------------------------------------------------------------ pipeline */

/* What a pipeline run reported, in order. */
typedef struct conn_log {
    uint64_t h[4096];
    size_t n;
    int internal;   /* INTERNAL_ERROR reports */
    int after;      /* reports after an INTERNAL_ERROR */
} conn_log;

static uint64_t report_hash(const conn_report *r)
{
    uint64_t h = mix_u(1469598103934665603u, (uint64_t)r->kind);
    if (r->kind == CONN_FRAME) {
        h = mix_u(h, r->frame->hd.type);
        h = mix_u(h, (uint64_t)r->block_end << 32 | r->nfields);
        for (size_t i = 0; i < r->nfields; i++) {
            h = mix(h, r->fields[i].name, r->fields[i].name_len);
            h = mix(h, r->fields[i].value, r->fields[i].value_len);
        }
    } else if (r->kind == CONN_ERROR) {
        h = mix_u(h, (uint64_t)r->h2_error << 32 | (uint32_t)r->scope);
        h = mix_u(h, r->stream_id);
    }
    return h;
}

static void log_cb(void *user, const conn_report *r)
{
    conn_log *l = user;
    if (l->internal)
        l->after++;
    if (r->kind == CONN_ERROR && r->h2_error == H2C_H2_INTERNAL_ERROR) {
        ck_assert_int_eq(r->scope, H2C_SCOPE_LOCAL);
        l->internal++;
    }
    ck_assert_uint_lt(l->n, sizeof l->h / sizeof l->h[0]);
    l->h[l->n++] = report_hash(r);
}

/* Run one connection; 0 = no allocation failure met, else the NOMEM status. */
static int conn_run(const cat_input *in, h2t_failalloc *fa, size_t chunk, conn_log *log)
{
    h2c_allocator fal = { h2t_fa_alloc, h2t_fa_free, fa };
    conn_opts o;
    conn_opts_init(&o);
    o.allocator = &fal;
    conn *c = NULL;
    memset(log, 0, sizeof *log);
    int rc = conn_new(&c, &o, log_cb, log);
    if (rc != 0) {
        ck_assert_msg(rc == H2C_E_NOMEM, "conn_new: %d", rc);
        ck_assert_int_eq(fa->live, 0);
        return rc;
    }
    int dead = 0;
    for (size_t off = 0; off < in->len && !dead;) {
        size_t n = chunk && in->len - off > chunk ? chunk : in->len - off;
        dead = conn_push(c, in->buf + off, n);
        off += n;
    }
    conn_finish(c);
    conn_free(c);
    ck_assert_int_eq(log->after, 0);
    ck_assert_int_le(log->internal, 1);
    if (log->internal) {
        ck_assert_int_eq(dead, 1);
        return H2C_E_NOMEM;
    }
    return 0;
}

/* Every injection point of one connection. */
static void conn_inject(const cat_input *in, size_t chunk, const char *what)
{
    static conn_log ref, got;
    h2t_failalloc fa = { 0 };
    ck_assert_msg(conn_run(in, &fa, chunk, &ref) == 0, "%s: reference run failed", what);
    ck_assert_int_eq(fa.live, 0);
    for (int all = 0; all < 2; all++) {
        for (unsigned long n = 1;; n++) {
            memset(&fa, 0, sizeof fa);
            fa.fail_at = n;
            fa.fail_all = all;
            int rc = conn_run(in, &fa, chunk, &got);
            ck_assert_msg(fa.live == 0, "%s: leak failing allocation %lu", what, n);
            if (fa.calls < n) {
                ck_assert_int_eq(rc, 0);
                ck_assert_uint_eq(got.n, ref.n);
                ck_assert(memcmp(got.h, ref.h, ref.n * sizeof ref.h[0]) == 0);
                break;
            }
            ck_assert_msg(rc != 0, "%s: allocation %lu failed unnoticed", what, n);
            if (got.n == 0)
                continue; /* conn_new failed */
            /* Before the INTERNAL_ERROR (and the frame reported with it,
             * whose block never completed) the reports are the reference's. */
            size_t keep = got.n - 1;
            if (keep && keep <= ref.n && got.h[keep - 1] != ref.h[keep - 1])
                keep--;
            ck_assert_msg(keep <= ref.n, "%s: more reports than the reference", what);
            ck_assert_msg(memcmp(got.h, ref.h, keep * sizeof ref.h[0]) == 0,
                          "%s: reports before the failure differ (allocation %lu)", what, n);
        }
    }
}

/* A client connection: Huffman, a literal spread over CONTINUATIONs,
 * payloads straddling chunks, a table size change. */
static const char conn_stream[] =
    "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a 00000c 04 00 00000000 000100002000 "
    "000300000064 "
    "000011 01 24 00000001 00000000 10 828684 418cf1e3c2e5f23a6ba0ab90f4ff "
    "000000 09 04 00000001 "
    "002000 00 00 00000001 *8192(61) "
    "000006 01 04 00000003 828684 be 0f 2f 00 "
    "000000 09 04 00000003 ";

START_TEST(test_pipeline)
{
    cat_input in;
    ck_assert_int_eq(cat_build(conn_stream, &in), 0);
    conn_inject(&in, chunks[_i], "pipeline");
    cat_input_free(&in);
}
END_TEST

/* The interop client streams (h2spec), every injection point. */
static size_t corpus_chunk;
static void corpus_cb(const char *name, const cat_input *in, void *user)
{
    (void)user;
    conn_inject(in, corpus_chunk, name);
}

START_TEST(test_pipeline_corpus)
{
    corpus_chunk = chunks[_i];
    ck_assert_uint_ge(cat_corpus_each(corpus_cb, NULL), 100);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("alloc_inject");
    struct { const char *name; const TTest *t; } cases[] = {
        { "decoder", test_decoder },   { "encoder", test_encoder },
        { "parser", test_parser },     { "assembler", test_assembler },
        { "pipeline", test_pipeline }, { "pipeline_corpus", test_pipeline_corpus },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TCase *tc = tcase_create(cases[i].name);
        tcase_set_timeout(tc, 60);
        tcase_add_loop_test(tc, cases[i].t, 0, 3);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
