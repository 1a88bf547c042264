// SPDX-License-Identifier: MIT
/*
 * hpack_dec_digest FILE|DIR...: one line per input file, its name and a
 * 64-bit FNV-1a hash of everything the decoder gave for it: every field
 * (name, value, indexing, flags, index), every status with its error
 * offset, the table size after every block.  Six decoders see each input:
 * default options fed whole, and in pieces of 1, 2, 3, 5, 8 and 13 octets;
 * tight limits with lenient unknown indexes, whole; tight limits with
 * H2C_HPACK_SKIP_OVERSIZED, in pieces and whole; and SKIP_OVERSIZED with
 * a field count that runs out before the list size, in pieces.
 *
 * tools/test runs it in a build with the decoder's fast paths and in one
 * without (H2CODEC_HPACK_FAST=OFF) over the same corpora and compares the
 * two outputs: the fast paths must change nothing but speed.
 *
 * Inputs: a story JSON of hpack-test-case (.json: its "wire" strings are
 * the blocks, decoded in order by the same decoders), or any other file,
 * decoded as one block (the fuzz corpora: mostly invalid input, where the
 * error offsets of the two ways are compared).  Directories are walked in
 * name order.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

#include <h2codec/hpack.h>

static uint64_t hash;

static void mix(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        hash ^= b[i];
        hash *= 0x100000001b3u;
    }
}

static void mix_u64(uint64_t v)
{
    mix(&v, sizeof v);
}

static void mix_field(const h2c_hpack_field *f)
{
    mix_u64(f->name.len);
    mix(f->name.ptr, f->name.len);
    mix_u64(f->value.len);
    mix(f->value.ptr, f->value.len);
    mix_u64((uint64_t)f->indexing << 40 | (uint64_t)f->flags << 32 | f->index);
}

/* Decode one block in pieces of the sizes in steps (0: whole). */
static void decode_block(h2c_hpack_decoder *dec, const uint8_t *blk, size_t len, int steps)
{
    static const size_t sizes[] = {1, 2, 3, 5, 8, 13};
    size_t off = 0, k = 0;
    int rc = H2C_OK;
    while (off < len && rc >= 0) {
        size_t piece = steps ? sizes[k++ % (sizeof sizes / sizeof sizes[0])] : len - off;
        if (piece > len - off)
            piece = len - off;
        /* An exact-size copy: a read past the piece is a sanitizer error. */
        uint8_t *copy = malloc(piece);
        memcpy(copy, blk + off, piece);
        size_t at = 0;
        for (;;) {
            h2c_hpack_field f;
            size_t used = 0;
            rc = h2c_hpack_decoder_push(dec, copy + at, piece - at, &used, &f);
            at += used;
            if (rc != H2C_HPACK_FIELD)
                break;
            mix_field(&f);
        }
        free(copy);
        off += piece;
    }
    if (rc >= 0)
        rc = h2c_hpack_decoder_finish(dec);
    mix_u64((uint64_t)(int64_t)rc);
    if (rc < 0) {
        h2c_error err;
        h2c_hpack_decoder_error(dec, &err);
        mix_u64(err.offset);
        h2c_hpack_decoder_reset(dec);
    }
    mix_u64(h2c_hpack_decoder_table_size(dec));
}

typedef struct blocks {
    uint8_t **b;
    size_t *len, n;
} blocks;

/* The "wire" strings of a story, without a JSON parser: each is the next
 * quoted string after the key. */
static void story_blocks(const char *text, blocks *out)
{
    const char *p = text;
    while ((p = strstr(p, "\"wire\"")) != NULL) {
        const char *q = strchr(p + 6, '"');
        if (!q)
            break;
        const char *e = strchr(q + 1, '"');
        if (!e)
            break;
        size_t hexlen = (size_t)(e - q - 1);
        char *hex = malloc(hexlen + 1);
        memcpy(hex, q + 1, hexlen);
        hex[hexlen] = 0;
        uint8_t *wire = malloc(hexlen / 2 + 1);
        long n = h2t_hex(hex, wire, hexlen / 2 + 1);
        free(hex);
        if (n < 0) {
            free(wire);
        } else {
            out->b = realloc(out->b, (out->n + 1) * sizeof *out->b);
            out->len = realloc(out->len, (out->n + 1) * sizeof *out->len);
            out->b[out->n] = wire;
            out->len[out->n++] = (size_t)n;
        }
        p = e + 1;
    }
}

static void digest_file(const char *path)
{
    size_t size;
    uint8_t *data = h2t_read_file(path, &size);
    if (!data) {
        printf("%s: unreadable\n", path);
        return;
    }
    blocks bl = {NULL, NULL, 0};
    size_t plen = strlen(path);
    if (plen > 5 && strcmp(path + plen - 5, ".json") == 0) {
        char *text = malloc(size + 1);
        memcpy(text, data, size);
        text[size] = 0;
        story_blocks(text, &bl);
        free(text);
    } else {
        bl.b = malloc(sizeof *bl.b);
        bl.len = malloc(sizeof *bl.len);
        bl.b[0] = data;
        bl.len[0] = size;
        bl.n = 1;
        data = NULL;
    }
    free(data);

    hash = 0xcbf29ce484222325u;
    for (int v = 0; v < 6; v++) {
        h2c_hpack_decoder_options o;
        h2c_hpack_decoder_options_init(&o);
        if (v >= 2) {
            o.max_table_size = 256;
            o.max_string_len = 64;
            o.max_list_size = 512;
            o.max_fields = 16;
            o.lenient = v == 2 ? H2C_HPACK_LENIENT_UNKNOWN_INDEX : 0;
            o.flags = v >= 3 ? H2C_HPACK_SKIP_OVERSIZED : 0;
        }
        if (v == 5) { /* skipped blocks that end on the field count */
            o.max_list_size = 4096;
            o.max_fields = 5;
        }
        h2c_hpack_decoder *dec;
        if (h2c_hpack_decoder_new(&dec, &o) != H2C_OK) {
            printf("%s: no decoder\n", path);
            exit(2);
        }
        for (size_t i = 0; i < bl.n; i++)
            decode_block(dec, bl.b[i], bl.len[i], v & 1); /* odd v: pieces */
        h2c_hpack_decoder_free(dec);
    }
    printf("%016llx %s\n", (unsigned long long)hash, path);
    for (size_t i = 0; i < bl.n; i++)
        free(bl.b[i]);
    free(bl.b);
    free(bl.len);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        printf("%s: missing\n", path);
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        digest_file(path);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t l = strlen(path) + strlen(e->d_name) + 2;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n] = malloc(l);
        snprintf(names[n++], l, "%s/%s", path, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        walk(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: hpack_dec_digest FILE|DIR...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++)
        walk(argv[i]);
    return 0;
}
