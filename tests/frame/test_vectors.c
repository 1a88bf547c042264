/* SPDX-License-Identifier: MIT */
/*
 * Per-type vectors: exact outcome (event, status, HTTP/2 code, scope,
 * stream, offset), round trip, every split point and byte-by-byte, guard
 * page, and truncation at every position.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/frame.h>

#include "frame_util.h"
#include "testutil.h"
#include "vectors.h"

static void config_for(const ft_vector *v, ft_config *cfg)
{
    ft_config_init(cfg);
    cfg->popt.preface = v->mode;
    cfg->popt.flags = v->flags;
    if (v->max_frame_size)
        cfg->popt.max_frame_size = v->max_frame_size;
}

/* Parse in one push call from a guard-page copy; return the first
 * non-preface event in *ev (views valid until the parser is freed). */
static int first_event(const ft_vector *v, const uint8_t *in, size_t len, h2c_frame_parser **pp,
                       h2c_frame_event *ev)
{
    ft_config cfg;
    config_for(v, &cfg);
    ck_assert_int_eq(h2c_frame_parser_new(pp, &cfg.popt), 0);
    size_t off = 0, used;
    for (;;) {
        int rc = h2c_frame_parser_push(*pp, in + off, len - off, &used, ev);
        off += used;
        if (rc != H2C_FRAME_EV_PREFACE)
            return rc;
    }
}

START_TEST(vector_outcome)
{
    const ft_vector *v = &ft_vectors[_i];
    size_t len;
    uint8_t *bytes = ft_vector_bytes(v, &len);
    ck_assert_msg(bytes != NULL, "%s: bad vector", v->name);
    uint8_t *in = h2t_guard_copy(bytes, len);
    ck_assert_ptr_nonnull(in);

    h2c_frame_parser *p;
    h2c_frame_event ev;
    char desc[512];
    int rc = first_event(v, in, len, &p, &ev);
    ft_describe(rc, &ev, desc, sizeof desc);
    ck_assert_msg(rc == v->rc, "%s: rc %s, want %s (%s)", v->name, h2c_status_name(rc),
                  h2c_status_name(v->rc), desc);
    ck_assert_msg(ev.error.status == v->status, "%s: status %s, want %s", v->name,
                  h2c_status_name(ev.error.status), h2c_status_name(v->status));
    if (v->status != H2C_OK) {
        ck_assert_msg(ev.error.h2_error == (uint32_t)v->h2, "%s: %s, want %s", v->name,
                      h2c_h2_error_name(ev.error.h2_error), h2c_h2_error_name(v->h2));
        ck_assert_msg(ev.error.scope == v->scope, "%s: scope %s, want %s", v->name,
                      h2c_scope_name(ev.error.scope), h2c_scope_name(v->scope));
        ck_assert_msg(ev.error.stream_id == v->stream, "%s: stream %u, want %u", v->name,
                      ev.error.stream_id, v->stream);
        if (v->off >= 0)
            ck_assert_msg(ev.error.offset == (uint64_t)v->off, "%s: offset %llu, want %ld",
                          v->name, (unsigned long long)ev.error.offset, v->off);
        ck_assert_ptr_nonnull(ev.error.reason);
        ck_assert_msg(strlen(ev.error.reason) > 0, "%s: empty reason", v->name);
        /* ev.frame is the offending frame (all zero for a preface error) */
        ck_assert_uint_eq(ev.frame.hd.stream_id, ev.error.stream_id);
        ck_assert_uint_le(ev.frame.offset, ev.error.offset);
    } else {
        ck_assert_int_eq(ev.error.scope, H2C_SCOPE_NONE);
        ck_assert_int_eq(ev.decoded, 1);
    }
    if (rc < 0) {
        /* Sticky: the next call reports the same error, whatever it is fed. */
        size_t used;
        h2c_frame_event again;
        ck_assert_int_eq(h2c_frame_parser_push(p, in, len, &used, &again), rc);
        ck_assert_uint_eq(used, 0);
        ck_assert_int_eq(again.error.status, ev.error.status);
        ck_assert_uint_eq(again.error.offset, ev.error.offset);
        ck_assert_int_eq(h2c_frame_parser_finish(p, NULL), rc);
        ck_assert_int_eq(h2c_frame_parser_set_max_frame_size(p, 20000), rc);
        ck_assert_int_eq(h2c_frame_parser_state_get(p), H2C_FRAME_PS_ERROR);
    }
    h2c_frame_parser_free(p);
    h2t_guard_free(in, len);
    free(bytes);
}
END_TEST

/* serialize(parse(x)) == x for the valid ones that do not carry reserved
 * bits or non-zero padding. */
START_TEST(vector_round_trip)
{
    const ft_vector *v = &ft_vectors[_i];
    if (!v->rt)
        return;
    size_t len;
    uint8_t *in = ft_vector_bytes(v, &len);
    ck_assert_ptr_nonnull(in);
    h2c_frame_parser *p;
    h2c_frame_event ev;
    ck_assert_int_eq(first_event(v, in, len, &p, &ev), H2C_FRAME_EV_FRAME);
    size_t bound = h2c_frame_serialize_bound(&ev.frame);
    ck_assert_uint_eq(bound, len);
    uint8_t *out = malloc(len);
    size_t w;
    ck_assert_int_eq(h2c_frame_serialize(&ev.frame, out, len, &w), 0);
    ck_assert_uint_eq(w, len);
    ck_assert_msg(memcmp(out, in, len) == 0, "%s: serialize(parse(x)) != x", v->name);
    /* One octet short: BUFFER_TOO_SMALL, nothing written. */
    memset(out, 0xee, len);
    ck_assert_int_eq(h2c_frame_serialize(&ev.frame, out, len - 1, &w),
                     H2C_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(w, len);
    for (size_t i = 0; i < len; i++)
        ck_assert_uint_eq(out[i], 0xee);
    free(out);
    h2c_frame_parser_free(p);
    free(in);
}
END_TEST

static void assert_same(const char *name, const char *how, size_t at, const ft_log *a,
                        const ft_log *b)
{
    size_t d = ft_log_diff(a, b);
    ck_assert_msg(d == (size_t)-1,
                  "%s: %s %zu differs from one-shot at event %zu (events %zu/%zu, end %s/%s)", name,
                  how, at, d, a->n, b->n, h2c_status_name(a->end_rc),
                  h2c_status_name(b->end_rc));
}

/* Same events and outcome at every split point and byte by byte, with and
 * without the assembler. */
START_TEST(vector_chunk_sweep)
{
    const ft_vector *v = &ft_vectors[_i];
    size_t len;
    uint8_t *in = ft_vector_bytes(v, &len);
    ck_assert_ptr_nonnull(in);
    for (int assemble = 0; assemble <= 1; assemble++) {
        ft_config cfg;
        config_for(v, &cfg);
        cfg.assemble = assemble;
        ft_log whole, part;
        ck_assert_int_eq(ft_run_whole(&cfg, in, len, &whole), 0);
        ck_assert_msg(whole.first_rc == v->rc || assemble, "%s: one-shot first rc %s", v->name,
                      h2c_status_name(whole.first_rc));
        for (size_t cut = 1; cut < len; cut++) {
            ck_assert_int_eq(ft_run(&cfg, in, len, &cut, 1, &part), 0);
            assert_same(v->name, "split", cut, &whole, &part);
            ft_log_free(&part);
        }
        for (size_t step = 1; step <= 10; step++) {
            ck_assert_int_eq(ft_run_steps(&cfg, in, len, step, &part), 0);
            assert_same(v->name, "step", step, &whole, &part);
            ft_log_free(&part);
        }
        ft_log_free(&whole);
    }
    free(in);
}
END_TEST

/* Input that ends at every position: from a guard page, no over-read; the
 * events seen are a prefix of the full run's; finish() reports truncation
 * with the exact number of missing octets unless at a frame boundary. */
START_TEST(vector_truncation)
{
    const ft_vector *v = &ft_vectors[_i];
    size_t len;
    uint8_t *bytes = ft_vector_bytes(v, &len);
    ck_assert_ptr_nonnull(bytes);
    ft_config cfg;
    config_for(v, &cfg);
    ft_log whole;
    ck_assert_int_eq(ft_run_whole(&cfg, bytes, len, &whole), 0);
    size_t step = len > 4096 ? 997 : 1; /* big generated vectors: sample */
    for (size_t k = 0; k < len; k += step) {
        uint8_t *in = h2t_guard_copy(bytes, k);
        ck_assert_ptr_nonnull(in);
        h2c_frame_parser *p;
        ck_assert_int_eq(h2c_frame_parser_new(&p, &cfg.popt), 0);
        size_t off = 0, used, n = 0;
        int rc;
        h2c_frame_event ev;
        while ((rc = h2c_frame_parser_push(p, in + off, k - off, &used, &ev)) != H2C_OK) {
            off += used;
            ck_assert_msg(n < whole.n && ft_event_digest(rc, &ev) == whole.d[n],
                          "%s: truncated at %zu: event %zu differs", v->name, k, n);
            n++;
            if (rc < 0)
                break;
        }
        if (rc >= 0) {
            ck_assert_uint_eq(off + used, k);
            h2c_error err;
            int frc = h2c_frame_parser_finish(p, &err);
            uint64_t missing = h2c_frame_parser_missing(p);
            if (frc == H2C_OK) {
                ck_assert_uint_eq(missing, 0);
            } else {
                ck_assert_int_eq(frc, H2C_FRAME_E_TRUNCATED);
                ck_assert_int_eq(err.scope, H2C_SCOPE_LOCAL);
                ck_assert_uint_gt(missing, 0);
                ck_assert_uint_eq(err.offset, k);
                /* not sticky: finish again, same answer */
                ck_assert_int_eq(h2c_frame_parser_finish(p, NULL), H2C_FRAME_E_TRUNCATED);
            }
        }
        h2c_frame_parser_free(p);
        h2t_guard_free(in, k);
    }
    ft_log_free(&whole);
    free(bytes);
}
END_TEST

/* Count and coverage: at least 60 vectors, every type valid and invalid. */
START_TEST(vector_coverage)
{
    ck_assert_uint_ge(ft_vector_count, 60);
    int valid[256] = { 0 }, invalid[256] = { 0 };
    for (size_t i = 0; i < ft_vector_count; i++) {
        size_t len;
        uint8_t *b = ft_vector_bytes(&ft_vectors[i], &len);
        ck_assert_ptr_nonnull(b);
        size_t at = ft_vectors[i].mode && len > 33 ? 24 : 0;
        if (len >= at + 9) {
            if (ft_vectors[i].status == 0)
                valid[b[at + 3]]++;
            else
                invalid[b[at + 3]]++;
        }
        free(b);
    }
    static const uint8_t types[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xa, 0xc, 0x10 };
    for (size_t i = 0; i < sizeof types; i++) {
        ck_assert_msg(valid[types[i]] > 0, "no valid %s vector", h2c_frame_type_name(types[i]));
        ck_assert_msg(invalid[types[i]] > 0, "no invalid %s vector",
                      h2c_frame_type_name(types[i]));
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("frame_vectors");
    TCase *tc = tcase_create("vectors");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, vector_coverage);
    tcase_add_loop_test(tc, vector_outcome, 0, (int)ft_vector_count);
    tcase_add_loop_test(tc, vector_round_trip, 0, (int)ft_vector_count);
    tcase_add_loop_test(tc, vector_chunk_sweep, 0, (int)ft_vector_count);
    tcase_add_loop_test(tc, vector_truncation, 0, (int)ft_vector_count);
    suite_add_tcase(s, tc);
    return ft_run_suite_nofork(s);
}
