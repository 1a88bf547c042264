/* SPDX-License-Identifier: MIT */
/*
 * Interop: every story of every encoder in hpack-test-case (except raw-data,
 * which has no wire) decodes to exactly its listed headers, in order, with
 * duplicates.  header_table_size, when present and not null, is applied
 * with set_max_table_size() before its case.
 *
 * Every story is decoded whole (input against a guard page) and, in
 * lockstep with a second decoder, one octet at a time.  The first stories of
 * each encoder are also decoded with every block cut at every position,
 * using one decoder per cut position kept in lockstep.
 */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dec_util.h"
#include "testutil.h"

#include <h2codec/hpack.h>

#define STORY_DIR H2C_CORPUS_DIR "/hpack-test-case"
#define SWEEP_STORIES 20

typedef struct {
    const char *name, *value;
    size_t name_len, value_len;
} hdr;

typedef struct {
    int has_size;
    uint32_t size;
    uint8_t *wire;
    size_t wire_len;
    hdr *h;
    size_t nh;
} story_case;

typedef struct {
    json_t *root; /* owns the strings hdr points to */
    story_case *c;
    size_t n;
} story;

static char impls[16][128];
static size_t nimpls;

static void list_impls(void)
{
    DIR *d = opendir(STORY_DIR);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && nimpls < 16) {
        char path[512];
        struct stat st;
        if (e->d_name[0] == '.' || strcmp(e->d_name, "raw-data") == 0)
            continue;
        int w = snprintf(path, sizeof path, "%s/%s", STORY_DIR, e->d_name);
        if (w < 0 || (size_t)w >= sizeof path)
            continue;
        size_t l = strlen(e->d_name);
        if (l < sizeof impls[0] && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            memcpy(impls[nimpls++], e->d_name, l + 1);
    }
    closedir(d);
    qsort(impls, nimpls, sizeof impls[0], (int (*)(const void *, const void *))strcmp);
}

static int load_story(const char *path, story *s)
{
    memset(s, 0, sizeof *s);
    json_error_t err;
    s->root = json_load_file(path, 0, &err);
    if (!s->root)
        return -1;
    json_t *cases = json_object_get(s->root, "cases");
    if (!json_is_array(cases))
        return -1;
    s->n = json_array_size(cases);
    s->c = calloc(s->n ? s->n : 1, sizeof *s->c);
    for (size_t i = 0; i < s->n; i++) {
        json_t *c = json_array_get(cases, i);
        story_case *sc = &s->c[i];
        json_t *ts = json_object_get(c, "header_table_size");
        if (json_is_integer(ts)) {
            sc->has_size = 1;
            sc->size = (uint32_t)json_integer_value(ts);
        }
        const char *hex = json_string_value(json_object_get(c, "wire"));
        if (!hex)
            return -1;
        sc->wire = malloc(strlen(hex) / 2 + 1);
        long n = h2t_hex(hex, sc->wire, strlen(hex) / 2 + 1);
        if (n < 0)
            return -1;
        sc->wire_len = (size_t)n;
        json_t *hs = json_object_get(c, "headers");
        sc->nh = json_array_size(hs);
        sc->h = calloc(sc->nh ? sc->nh : 1, sizeof *sc->h);
        for (size_t k = 0; k < sc->nh; k++) {
            json_t *o = json_array_get(hs, k);
            const char *key;
            json_t *v;
            if (json_object_size(o) != 1)
                return -1;
            json_object_foreach(o, key, v) {
                sc->h[k].name = key;
                sc->h[k].name_len = strlen(key);
                sc->h[k].value = json_string_value(v);
                sc->h[k].value_len = json_string_length(v);
            }
        }
    }
    return 0;
}

static void free_story(story *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->c[i].wire);
        free(s->c[i].h);
    }
    free(s->c);
    json_decref(s->root);
}

static h2c_hpack_decoder *new_dec(void)
{
    h2c_hpack_decoder *d = NULL;
    ck_assert_int_eq(h2c_hpack_decoder_new(&d, NULL), H2C_OK);
    return d;
}

/* Not a status of any library (they stay within -1 .. -499). */
#define MISMATCH (-1000)

/* Push one piece, checking each field against c->h[*nf...].  Returns the
 * status, or MISMATCH on a mismatch (message in why). */
static int push_check(h2c_hpack_decoder *d, const uint8_t *p, size_t len, const story_case *c,
                      size_t *nf, char *why, size_t whylen)
{
    size_t off = 0;
    for (;;) {
        size_t used;
        h2c_hpack_field f;
        int rc = h2c_hpack_decoder_push(d, p + off, len - off, &used, &f);
        off += used;
        if (rc != H2C_HPACK_FIELD) {
            if (rc == H2C_OK && off != len) {
                snprintf(why, whylen, "OK with %zu of %zu octets consumed", off, len);
                return MISMATCH;
            }
            return rc;
        }
        if (*nf >= c->nh) {
            snprintf(why, whylen, "extra field %.*s", (int)f.name.len, (const char *)f.name.ptr);
            return MISMATCH;
        }
        const hdr *h = &c->h[*nf];
        if (f.name.len != h->name_len || memcmp(f.name.ptr, h->name, h->name_len) ||
            f.value.len != h->value_len || memcmp(f.value.ptr, h->value, h->value_len)) {
            snprintf(why, whylen, "field %zu: got %.*s: %.*s, want %s: %s", *nf,
                     (int)f.name.len, (const char *)f.name.ptr, (int)f.value.len,
                     (const char *)f.value.ptr, h->name, h->value);
            return MISMATCH;
        }
        (*nf)++;
    }
}

/* Decode case c: cut at 'cut' when cut <= len, else one piece (guard page
 * when guard is set); or in pieces of 'step' octets when step != 0. */
static int decode_case(h2c_hpack_decoder *d, const story_case *c, size_t cut, size_t step,
                       int guard, char *why, size_t whylen)
{
    size_t nf = 0;
    int rc = 0;
    if (step) {
        for (size_t off = 0; off < c->wire_len && rc >= 0; off += step) {
            size_t n = c->wire_len - off < step ? c->wire_len - off : step;
            rc = push_check(d, c->wire + off, n, c, &nf, why, whylen);
        }
    } else if (cut <= c->wire_len) {
        rc = push_check(d, c->wire, cut, c, &nf, why, whylen);
        if (rc >= 0)
            rc = push_check(d, c->wire + cut, c->wire_len - cut, c, &nf, why, whylen);
    } else if (guard) {
        uint8_t *g = h2t_guard_copy(c->wire, c->wire_len);
        ck_assert_ptr_nonnull(g);
        rc = push_check(d, g, c->wire_len, c, &nf, why, whylen);
        h2t_guard_free(g, c->wire_len);
    } else {
        rc = push_check(d, c->wire, c->wire_len, c, &nf, why, whylen);
    }
    if (rc == MISMATCH)
        return rc;
    if (rc < 0) {
        snprintf(why, whylen, "%s at block offset %llu", h2c_status_name(rc),
                 (unsigned long long)h2t_hpack_error_offset(d));
        return rc;
    }
    rc = h2c_hpack_decoder_finish(d);
    if (rc < 0) {
        snprintf(why, whylen, "finish: %s", h2c_status_name(rc));
        return rc;
    }
    if (nf != c->nh) {
        snprintf(why, whylen, "%zu fields, want %zu", nf, c->nh);
        return MISMATCH;
    }
    return 0;
}

static size_t story_paths(const char *impl, char paths[][512], size_t cap)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", STORY_DIR, impl);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < cap) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0) {
            int w = snprintf(paths[n], 512, "%s/%s", dir, e->d_name);
            ck_assert(w > 0 && w < 512);
            n++;
        }
    }
    closedir(d);
    qsort(paths, n, 512, (int (*)(const void *, const void *))strcmp);
    return n;
}

START_TEST(corpus_present)
{
    /* go-hpack, haskell, nghttp2, nghttp2-16384-4096, python, swift. */
    ck_assert_uint_ge(nimpls, 6);
    for (size_t i = 0; i < nimpls; i++) {
        static char paths[64][512];
        ck_assert_uint_ge(story_paths(impls[i], paths, 64), 31);
    }
}
END_TEST

START_TEST(every_story_whole_and_bytewise)
{
    static char paths[64][512];
    size_t np = story_paths(impls[_i], paths, 64);
    size_t cases = 0;
    for (size_t p = 0; p < np; p++) {
        story s;
        ck_assert_msg(load_story(paths[p], &s) == 0, "cannot load %s", paths[p]);
        h2c_hpack_decoder *whole = new_dec(), *bytes = new_dec();
        for (size_t i = 0; i < s.n; i++) {
            char why[512];
            if (s.c[i].has_size) {
                ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(whole, s.c[i].size), 0);
                ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(bytes, s.c[i].size), 0);
            }
            ck_assert_msg(decode_case(whole, &s.c[i], SIZE_MAX, 0, 1, why, sizeof why) == 0,
                          "%s case %zu: %s", paths[p], i, why);
            ck_assert_msg(decode_case(bytes, &s.c[i], SIZE_MAX, 1, 0, why, sizeof why) == 0,
                          "%s case %zu bytewise: %s", paths[p], i, why);
            ck_assert_uint_eq(h2c_hpack_decoder_table_size(whole),
                              h2c_hpack_decoder_table_size(bytes));
            cases++;
        }
        h2c_hpack_decoder_free(whole);
        h2c_hpack_decoder_free(bytes);
        free_story(&s);
    }
    ck_assert_uint_ge(cases, 3000);
}
END_TEST

START_TEST(first_stories_every_cut)
{
    static char paths[64][512];
    size_t np = story_paths(impls[_i], paths, 64);
    ck_assert_uint_ge(np, SWEEP_STORIES);
    for (size_t p = 0; p < SWEEP_STORIES; p++) {
        story s;
        ck_assert_int_eq(load_story(paths[p], &s), 0);
        size_t maxlen = 0;
        for (size_t i = 0; i < s.n; i++)
            if (s.c[i].wire_len > maxlen)
                maxlen = s.c[i].wire_len;
        /* Decoder k cuts every block at k; all see the same blocks. */
        size_t nd = maxlen + 1;
        h2c_hpack_decoder **d = calloc(nd, sizeof *d);
        for (size_t k = 0; k < nd; k++)
            d[k] = new_dec();
        for (size_t i = 0; i < s.n; i++) {
            for (size_t k = 0; k < nd; k++) {
                char why[512];
                if (s.c[i].has_size)
                    ck_assert_int_eq(h2c_hpack_decoder_set_max_table_size(d[k], s.c[i].size), 0);
                size_t cut = k < s.c[i].wire_len ? k : s.c[i].wire_len;
                ck_assert_msg(decode_case(d[k], &s.c[i], cut, 0, 0, why, sizeof why) == 0,
                              "%s case %zu cut %zu: %s", paths[p], i, cut, why);
            }
        }
        for (size_t k = 0; k < nd; k++)
            h2c_hpack_decoder_free(d[k]);
        free(d);
        free_story(&s);
    }
}
END_TEST

int main(void)
{
    list_impls();
    Suite *s = suite_create("hpack_interop");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, corpus_present);
    tcase_add_loop_test(tc, every_story_whole_and_bytewise, 0, (int)nimpls);
    tcase_add_loop_test(tc, first_stories_every_cut, 0, (int)nimpls);
    suite_add_tcase(s, tc);
    return dt_run_suite(s);
}
