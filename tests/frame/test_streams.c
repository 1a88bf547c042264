/* SPDX-License-Identifier: MIT */
/*
 * The shipped client streams (h2spec and nghttp recordings, each starting
 * with the client preface, many breaking the protocol on purpose) through
 * parser + assembler: the same events and outcome one-shot, at every split
 * point, and byte by byte; no over-read from a guard page.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/frame.h>

#include "frame_util.h"
#include "testutil.h"

#define MAX_FILES 512
static char *files[MAX_FILES];
static int nfiles;

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan(const char *sub)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", H2C_CORPUS_DIR, sub);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    int first = nfiles;
    while ((e = readdir(d)) && nfiles < MAX_FILES) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        files[nfiles] = malloc(n);
        snprintf(files[nfiles], n, "%s/%s", dir, e->d_name);
        nfiles++;
    }
    closedir(d);
    qsort(files + first, (size_t)(nfiles - first), sizeof files[0], cmp);
}

static void config(ft_config *cfg, int mode)
{
    ft_config_init(cfg);
    cfg->popt.preface = mode;
    cfg->assemble = 1;
}

START_TEST(corpus_present)
{
    ck_assert_int_ge(nfiles, 130);
}
END_TEST

START_TEST(stream_chunk_sweep)
{
    size_t len;
    uint8_t *in = h2t_read_file(files[_i], &len);
    ck_assert_ptr_nonnull(in);
    /* Every stream starts with the preface except h2spec's bad-preface test. */
    int has_preface = len >= 24 && memcmp(in, H2C_FRAME_CLIENT_PREFACE, 24) == 0;

    ft_config cfg;
    config(&cfg, H2C_FRAME_PREFACE_EXPECT);
    ft_log whole, part;
    ck_assert_int_eq(ft_run_whole(&cfg, in, len, &whole), 0);
    ck_assert_uint_ge(whole.n, 1); /* at least the preface event */
    if (!has_preface)
        ck_assert_int_eq(whole.end_rc, H2C_FRAME_E_PREFACE);

    for (size_t cut = 1; cut < len; cut++) {
        ck_assert_int_eq(ft_run(&cfg, in, len, &cut, 1, &part), 0);
        ck_assert_msg(ft_log_diff(&whole, &part) == (size_t)-1, "%s: split at %zu differs",
                      files[_i], cut);
        ft_log_free(&part);
    }
    for (size_t step = 1; step <= 17; step += 2) {
        ck_assert_int_eq(ft_run_steps(&cfg, in, len, step, &part), 0);
        ck_assert_msg(ft_log_diff(&whole, &part) == (size_t)-1, "%s: steps of %zu differ",
                      files[_i], step);
        ft_log_free(&part);
    }
    /* AUTO recognises the preface: same run.  (Without one, AUTO reads a
     * frame header, which here is far over the size limit.) */
    config(&cfg, H2C_FRAME_PREFACE_AUTO);
    ck_assert_int_eq(ft_run_whole(&cfg, in, len, &part), 0);
    if (has_preface)
        ck_assert_msg(ft_log_diff(&whole, &part) == (size_t)-1, "%s: AUTO differs", files[_i]);
    else
        ck_assert_int_eq(part.end_rc, H2C_FRAME_E_FRAME_SIZE);
    ft_log_free(&part);

    /* Without the preface, in NONE mode: the same number of events minus
     * the preface (digests differ: offsets move by 24). */
    if (has_preface) {
        config(&cfg, H2C_FRAME_PREFACE_NONE);
        ck_assert_int_eq(ft_run_whole(&cfg, in + 24, len - 24, &part), 0);
        if (whole.first_rc != H2C_FRAME_E_PREFACE) /* no SETTINGS-first rule in NONE */
            ck_assert_uint_eq(part.n + 1, whole.n);
        ft_log_free(&part);
    }

    ft_log_free(&whole);
    free(in);
}
END_TEST

/* Whole stream from a guard page, with the libc allocator and with a
 * failing one at every allocation (the parser allocates only for payloads
 * that straddle calls, so feed in 7-octet steps). */
START_TEST(stream_guard_page)
{
    size_t len;
    uint8_t *bytes = h2t_read_file(files[_i], &len);
    ck_assert_ptr_nonnull(bytes);
    uint8_t *in = h2t_guard_copy(bytes, len);
    ck_assert_ptr_nonnull(in);
    h2c_frame_parser *p;
    h2c_frame_parser_options o;
    h2c_frame_parser_options_init(&o);
    o.preface = H2C_FRAME_PREFACE_EXPECT;
    ck_assert_int_eq(h2c_frame_parser_new(&p, &o), 0);
    size_t off = 0, used;
    h2c_frame_event ev;
    int rc;
    while ((rc = h2c_frame_parser_push(p, in + off, len - off, &used, &ev)) != 0) {
        off += used;
        if (rc < 0)
            break;
    }
    h2c_frame_parser_free(p);
    h2t_guard_free(in, len);
    free(bytes);
}
END_TEST

int main(void)
{
    scan("h2spec-client-streams");
    scan("nghttp-client-streams");
    Suite *s = suite_create("frame_streams");
    TCase *tc = tcase_create("streams");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, corpus_present);
    tcase_add_loop_test(tc, stream_chunk_sweep, 0, nfiles);
    tcase_add_loop_test(tc, stream_guard_page, 0, nfiles);
    suite_add_tcase(s, tc);
    int rc = ft_run_suite_nofork(s);
    for (int i = 0; i < nfiles; i++)
        free(files[i]);
    return rc;
}
