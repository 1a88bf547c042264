/* SPDX-License-Identifier: MIT */
/*
 * Soak: decode the whole interop corpus (every story of every encoder in
 * hpack-test-case) many times in one process; resident memory must stay flat.
 *
 * usage: soak CORPUS_DIR [ROUNDS]   (default 1000)
 * Prints the RSS after the first round and after the last; fails if it grew
 * by more than 256 KiB, or if any block fails to decode.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <h2codec/hpack.h>

#include "testutil.h"

typedef struct block {
    uint8_t *wire;
    size_t len;
    long long table_size;
    int story_start; /* first block of a story: new context */
} block;

static block *blocks;
static size_t nblocks, capblocks;

static int add_story(const char *path)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    json_t *cases = root ? json_object_get(root, "cases") : NULL;
    if (!json_is_array(cases)) {
        json_decref(root);
        return -1;
    }
    for (size_t i = 0; i < json_array_size(cases); i++) {
        json_t *c = json_array_get(cases, i);
        const char *hex = json_string_value(json_object_get(c, "wire"));
        json_t *ts = json_object_get(c, "header_table_size");
        if (!hex)
            continue;
        if (nblocks == capblocks) {
            capblocks = capblocks ? capblocks * 2 : 4096;
            blocks = realloc(blocks, capblocks * sizeof *blocks);
        }
        block *b = &blocks[nblocks++];
        b->wire = malloc(strlen(hex) / 2 + 1);
        long n = h2t_hex(hex, b->wire, strlen(hex) / 2 + 1);
        if (n < 0)
            return -1;
        b->len = (size_t)n;
        b->table_size = json_is_integer(ts) ? json_integer_value(ts) : -1;
        b->story_start = i == 0;
    }
    json_decref(root);
    return 0;
}

static long rss_kib(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &pages, &rss) != 2)
        rss = -1;
    if (f)
        fclose(f);
    return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static int decode_all(size_t *fields)
{
    h2c_hpack_decoder *dec = NULL;
    for (size_t i = 0; i < nblocks; i++) {
        const block *b = &blocks[i];
        if (b->story_start) {
            h2c_hpack_decoder_free(dec);
            if (h2c_hpack_decoder_new(&dec, NULL) != H2C_OK)
                return -1;
        }
        if (b->table_size >= 0)
            h2c_hpack_decoder_set_max_table_size(dec, (uint32_t)b->table_size);
        size_t off = 0, used;
        h2c_hpack_field f;
        int rc;
        while ((rc = h2c_hpack_decoder_push(dec, b->wire + off, b->len - off, &used, &f)) ==
               H2C_HPACK_FIELD) {
            off += used;
            (*fields)++;
        }
        if (rc != H2C_OK || h2c_hpack_decoder_finish(dec) != H2C_OK) {
            fprintf(stderr, "soak: block %zu failed: %s\n", i, h2c_strerror(rc));
            h2c_hpack_decoder_free(dec);
            return -1;
        }
    }
    h2c_hpack_decoder_free(dec);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    long rounds = argc > 2 ? atol(argv[2]) : 1000;
    char path[4096];
    DIR *top = opendir(argv[1]);
    struct dirent *impl;
    while (top && (impl = readdir(top))) {
        if (impl->d_name[0] == '.' || strcmp(impl->d_name, "raw-data") == 0)
            continue;
        for (int s = 0; s < 100; s++) {
            snprintf(path, sizeof path, "%s/%s/story_%02d.json", argv[1], impl->d_name, s);
            if (access(path, R_OK) == 0 && add_story(path) != 0) {
                fprintf(stderr, "soak: cannot load %s\n", path);
                return 1;
            }
        }
    }
    if (top)
        closedir(top);
    if (nblocks == 0) {
        fprintf(stderr, "soak: no stories under %s\n", argv[1]);
        return 1;
    }
    size_t fields = 0;
    if (decode_all(&fields) != 0)
        return 1;
    long first = rss_kib();
    for (long r = 1; r < rounds; r++)
        if (decode_all(&fields) != 0)
            return 1;
    long last = rss_kib();
    printf("soak: %ld rounds, %zu blocks, %zu fields; RSS %ld KiB after round 1, %ld KiB after "
           "round %ld\n",
           rounds, nblocks * (size_t)rounds, fields, first, last, rounds);
    for (size_t i = 0; i < nblocks; i++)
        free(blocks[i].wire);
    free(blocks);
    int ok = first > 0 && last - first <= 256;
    printf("soak: %d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
