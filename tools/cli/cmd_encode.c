/* SPDX-License-Identifier: MIT */
/*
 * h2codec encode [--table-size N] [--no-huffman] [--seed N] [--stats] FILE
 *
 * Reads a story (the raw-data layout: cases[].headers, optional
 * header_table_size) and prints it again with "wire" added to every case.
 * header_table_size is applied before its case, as nghttp2's deflatehd does.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/hpack.h>

#include "cli.h"
#include "story.h"

static int usage(FILE *f)
{
    fputs("usage: h2codec encode [--table-size N] [--no-huffman] [--seed N] [--stats] FILE\n"
          "  --table-size  dynamic table size the encoder may use (default 4096)\n"
          "  --no-huffman  never Huffman-code strings\n"
          "  --seed        fixed hash seed, for reproducible output (default: a secret\n"
          "                random one; the octets may then differ from run to run)\n"
          "  --stats       print wire/plain octets and the ratio on stderr\n",
          f);
    return f == stdout ? CLI_OK : CLI_USAGE;
}

static int encode_case(h2c_hpack_encoder *enc, story_case *c, uint8_t **buf, size_t *cap,
                       size_t *wire_total)
{
    size_t need = h2c_hpack_encoder_bound(enc, c->headers, c->n_headers), len;
    if (need > *cap) {
        uint8_t *nb = realloc(*buf, need);
        if (!nb)
            return H2C_E_NOMEM;
        *buf = nb;
        *cap = need;
    }
    int rc = h2c_hpack_encoder_encode(enc, c->headers, c->n_headers, *buf, *cap, &len);
    if (rc != H2C_OK)
        return rc;
    char *hex = cli_hex_encode(*buf, len);
    if (!hex)
        return H2C_E_NOMEM;
    json_object_set_new(c->obj, "wire", json_string(hex));
    free(hex);
    *wire_total += len;
    return H2C_OK;
}

int cmd_encode(int argc, char **argv)
{
    static const struct option longopts[] = {{"table-size", required_argument, NULL, 't'},
                                             {"no-huffman", no_argument, NULL, 'n'},
                                             {"seed", required_argument, NULL, 'S'},
                                             {"stats", no_argument, NULL, 's'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    h2c_hpack_encoder_options opt;
    h2c_hpack_encoder_options_init(&opt);
    int c, stats = 0, table_given = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            opt.max_table_size = (uint32_t)cli_parse_uint("--table-size", optarg, UINT32_MAX);
            table_given = 1;
            break;
        case 'n': opt.flags |= H2C_HPACK_ENC_NO_HUFFMAN; break;
        case 'S':
            opt.hash_seed = cli_parse_uint("--seed", optarg, UINT64_MAX);
            opt.flags |= H2C_HPACK_ENC_FIXED_SEED;
            break;
        case 's': stats = 1; break;
        case 'h': return usage(stdout);
        default: return usage(stderr);
        }
    }
    if (optind != argc - 1)
        return usage(stderr);
    const char *file = argv[optind];
    story s;
    if (story_load(&s, file) != 0)
        return CLI_USAGE;
    h2c_hpack_encoder *enc;
    int rc = h2c_hpack_encoder_new(&enc, &opt);
    /* --table-size is also the size the peer allows (default: 4096, no update). */
    if (rc == H2C_OK && table_given)
        rc = h2c_hpack_encoder_set_max_table_size(enc, opt.max_table_size);
    uint8_t *buf = NULL;
    size_t cap = 0, wire_total = 0, plain_total = 0, i;
    for (i = 0; rc == H2C_OK && i < s.n_cases; i++) {
        story_case *sc = &s.cases[i];
        if (sc->table_size >= 0)
            rc = h2c_hpack_encoder_set_max_table_size(enc, (uint32_t)sc->table_size);
        if (rc == H2C_OK)
            rc = encode_case(enc, sc, &buf, &cap, &wire_total);
        for (size_t k = 0; k < sc->n_headers; k++)
            plain_total += sc->headers[k].name.len + sc->headers[k].value.len;
    }
    int status = CLI_OK;
    if (rc != H2C_OK) {
        fprintf(stderr, "h2codec: %s: case %zu: %s\n", file, i ? i - 1 : 0, h2c_strerror(rc));
        status = CLI_FAIL;
    } else {
        json_dumpf(s.root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        if (stats)
            fprintf(stderr, "%s: %zu cases, %zu wire octets / %zu plain octets = %.4f\n", file,
                    s.n_cases, wire_total, plain_total,
                    plain_total ? (double)wire_total / (double)plain_total : 0.0);
    }
    free(buf);
    h2c_hpack_encoder_free(enc);
    story_free(&s);
    return status;
}
