/* SPDX-License-Identifier: MIT */
/*
 * h2codec decode [--format=story|hex|bin] [--table-size N] [--max-list-size N]
 *                [--verify] [--json] [--tolerant] FILE...
 *
 * Every FILE gets its own decoding context; the blocks inside one file share
 * it.  Text output: "# block N" then "name: value" lines.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/hpack.h>

#include "cli.h"
#include "story.h"

enum fmt { FMT_AUTO, FMT_STORY, FMT_HEX, FMT_BIN };

typedef struct decode_opts {
    enum fmt format;
    uint32_t table_size;
    size_t max_list_size;
    int verify, json, tolerant;
} decode_opts;

/* One decoded block, owned: the decoder's views die at its next call. */
typedef struct owned_list {
    char *arena;
    size_t arena_len, arena_cap;
    struct owned_field {
        size_t name_off, name_len, value_off, value_len;
        uint8_t indexing, flags;
    } * f;
    size_t n, cap;
} owned_list;

static int arena_put(owned_list *l, const void *s, size_t len, size_t *off)
{
    if (l->arena_len + len > l->arena_cap) {
        size_t ncap = (l->arena_cap + len) * 2;
        char *na = realloc(l->arena, ncap);
        if (!na)
            return -1;
        l->arena = na;
        l->arena_cap = ncap;
    }
    if (len)
        memcpy(l->arena + l->arena_len, s, len);
    *off = l->arena_len;
    l->arena_len += len;
    return 0;
}

static int list_add(owned_list *l, const h2c_hpack_field *f)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 32;
        struct owned_field *nf = realloc(l->f, ncap * sizeof *nf);
        if (!nf)
            return -1;
        l->f = nf;
        l->cap = ncap;
    }
    struct owned_field *o = &l->f[l->n];
    if (arena_put(l, f->name.ptr, f->name.len, &o->name_off) ||
        arena_put(l, f->value.ptr, f->value.len, &o->value_off))
        return -1;
    o->name_len = f->name.len;
    o->value_len = f->value.len;
    o->indexing = f->indexing;
    o->flags = f->flags;
    l->n++;
    return 0;
}

static void list_clear(owned_list *l)
{
    l->n = 0;
    l->arena_len = 0;
}

/* Decode one whole block into l.  On error prints the one-line diagnostic. */
static int decode_block(h2c_hpack_decoder *dec, const uint8_t *wire, size_t len, owned_list *l,
                        const char *file, size_t block, int multi)
{
    size_t off = 0, used;
    h2c_hpack_field f;
    int rc;
    list_clear(l);
    for (;;) {
        rc = h2c_hpack_decoder_push(dec, wire + off, len - off, &used, &f);
        off += used;
        if (rc == H2C_HPACK_FIELD) {
            if (list_add(l, &f) != 0) {
                fprintf(stderr, "h2codec: out of memory\n");
                return -1;
            }
            continue;
        }
        if (rc == H2C_OK)
            rc = h2c_hpack_decoder_finish(dec);
        break;
    }
    if (rc == H2C_OK)
        return 0;
    if (multi)
        fprintf(stderr, "%s: ", file);
    h2c_error err;
    h2c_hpack_decoder_error(dec, &err);
    fprintf(stderr, "block %zu, byte %llu: %s (%s)\n", block, (unsigned long long)err.offset,
            err.reason, h2c_h2_error_name(err.h2_error));
    return -1;
}

static void print_list(const owned_list *l, size_t block)
{
    printf("# block %zu\n", block);
    for (size_t i = 0; i < l->n; i++) {
        const struct owned_field *o = &l->f[i];
        cli_print_escaped(stdout, l->arena + o->name_off, o->name_len);
        fputs(": ", stdout);
        cli_print_escaped(stdout, l->arena + o->value_off, o->value_len);
        if (o->indexing == H2C_HPACK_INDEX_NEVER)
            fputs("\t[never-indexed]", stdout);
        fputc('\n', stdout);
    }
}

static json_t *list_to_json(const owned_list *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < l->n; i++) {
        const struct owned_field *o = &l->f[i];
        json_t *h = json_object();
        const char *name = l->arena + o->name_off, *value = l->arena + o->value_off;
        size_t nl = o->name_len, vl = o->value_len;
        /* Octets that are not UTF-8 would cut the JSON output short. */
        char *rn = cli_utf8_repair(name, nl, &nl), *rv = cli_utf8_repair(value, vl, &vl);
        json_object_setn_new_nocheck(h, rn ? rn : name, nl,
                                     json_stringn_nocheck(rv ? rv : value, vl));
        free(rn);
        free(rv);
        json_array_append_new(arr, h);
    }
    return arr;
}

/* Compare with the story's expected headers; print the first mismatch. */
static int verify_case(const owned_list *l, const story_case *c, const char *file, size_t block)
{
    size_t n = l->n < c->n_headers ? l->n : c->n_headers;
    for (size_t i = 0; i < n; i++) {
        const struct owned_field *o = &l->f[i];
        const h2c_hpack_field *e = &c->headers[i];
        if (o->name_len == e->name.len && o->value_len == e->value.len &&
            memcmp(l->arena + o->name_off, e->name.ptr, e->name.len) == 0 &&
            memcmp(l->arena + o->value_off, e->value.ptr, e->value.len) == 0)
            continue;
        fprintf(stderr, "%s: block %zu, header %zu: expected \"", file, block, i);
        cli_print_escaped(stderr, (const char *)e->name.ptr, e->name.len);
        fputs(": ", stderr);
        cli_print_escaped(stderr, (const char *)e->value.ptr, e->value.len);
        fputs("\", decoded \"", stderr);
        cli_print_escaped(stderr, l->arena + o->name_off, o->name_len);
        fputs(": ", stderr);
        cli_print_escaped(stderr, l->arena + o->value_off, o->value_len);
        fputs("\"\n", stderr);
        return -1;
    }
    if (l->n != c->n_headers) {
        fprintf(stderr, "%s: block %zu: expected %zu headers, decoded %zu\n", file, block,
                c->n_headers, l->n);
        return -1;
    }
    return 0;
}

static int new_decoder(const decode_opts *o, h2c_hpack_decoder **dec)
{
    h2c_hpack_decoder_options opt;
    h2c_hpack_decoder_options_init(&opt);
    opt.max_table_size = o->table_size;
    opt.max_list_size = o->max_list_size;
    if (o->tolerant)
        opt.lenient |= H2C_HPACK_LENIENT_UNKNOWN_INDEX;
    int rc = h2c_hpack_decoder_new(dec, &opt);
    if (rc != H2C_OK)
        fprintf(stderr, "h2codec: cannot create decoder: %s\n", h2c_strerror(rc));
    return rc;
}

static int decode_story(const decode_opts *o, const char *file, int multi, owned_list *l)
{
    story s;
    if (story_load(&s, file) != 0)
        return CLI_USAGE;
    h2c_hpack_decoder *dec;
    if (new_decoder(o, &dec) != H2C_OK) {
        story_free(&s);
        return CLI_USAGE;
    }
    int status = CLI_OK;
    size_t verified = 0;
    for (size_t i = 0; i < s.n_cases && status == CLI_OK; i++) {
        story_case *c = &s.cases[i];
        if (!c->wire) {
            fprintf(stderr, "%s: case %zu has no \"wire\"\n", file, i);
            status = CLI_USAGE;
            break;
        }
        if (c->table_size >= 0 &&
            h2c_hpack_decoder_set_max_table_size(dec, (uint32_t)c->table_size) != H2C_OK) {
            fprintf(stderr, "%s: case %zu: cannot apply header_table_size\n", file, i);
            status = CLI_FAIL;
            break;
        }
        if (decode_block(dec, c->wire, c->wire_len, l, file, i, multi) != 0) {
            status = CLI_FAIL;
            break;
        }
        if (o->verify) {
            if (verify_case(l, c, file, i) != 0)
                status = CLI_FAIL;
            else
                verified++;
        } else if (o->json) {
            json_object_set_new(c->obj, "headers", list_to_json(l));
        } else {
            print_list(l, i);
        }
    }
    if (o->verify && status == CLI_OK)
        fprintf(stderr, "%s: %zu cases verified\n", file, verified);
    if (o->json && !o->verify && status == CLI_OK) {
        json_dumpf(s.root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
    }
    h2c_hpack_decoder_free(dec);
    story_free(&s);
    return status;
}

/*
 * Whether a file (without a telling extension) is hex: only hex digits,
 * white space and '#' comments, an even count of digits on every line,
 * and at least one.  Binary field blocks practically never look so.
 */
static int looks_hex(const char *file)
{
    size_t len, digits = 0, line = 0;
    uint8_t *d = cli_read_file(file, &len);
    int ok = d != NULL, comment = 0;
    for (size_t i = 0; ok && i < len; i++) {
        uint8_t c = d[i];
        if (c == '\n') {
            ok = line % 2 == 0;
            line = 0;
            comment = 0;
        } else if (comment) {
            continue;
        } else if (c == '#') {
            comment = 1;
        } else if (isxdigit(c)) {
            line++;
            digits++;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            ok = 0;
        }
    }
    free(d);
    return ok && line % 2 == 0 && digits > 0;
}

/* hex: one block per non-empty line ('#' starts a comment); bin: one block. */
static int decode_raw(const decode_opts *o, enum fmt fmt, const char *file, int multi,
                      owned_list *l)
{
    size_t len;
    uint8_t *data = cli_read_file(file, &len);
    if (!data)
        return CLI_USAGE;
    h2c_hpack_decoder *dec;
    if (new_decoder(o, &dec) != H2C_OK) {
        free(data);
        return CLI_USAGE;
    }
    json_t *cases = o->json ? json_array() : NULL;
    int status = CLI_OK;
    size_t block = 0, pos = 0;
    while (status == CLI_OK && pos <= len) {
        uint8_t *wire = data;
        size_t wire_len = len;
        uint8_t *owned = NULL;
        if (fmt == FMT_HEX) {
            size_t end = pos;
            while (end < len && data[end] != '\n')
                end++;
            const char *line = (const char *)data + pos;
            size_t line_len = end - pos;
            const char *hash = memchr(line, '#', line_len);
            if (hash)
                line_len = (size_t)(hash - line);
            pos = end + 1;
            size_t k = 0;
            while (k < line_len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
                k++;
            if (k == line_len)
                continue;
            owned = cli_hex_decode(line, line_len, &wire_len);
            if (!owned) {
                fprintf(stderr, "%s: block %zu: bad hex\n", file, block);
                status = CLI_USAGE;
                break;
            }
            wire = owned;
        } else {
            pos = len + 1;
        }
        if (decode_block(dec, wire, wire_len, l, file, block, multi) != 0)
            status = CLI_FAIL;
        else if (cases) {
            json_t *c = json_object();
            char *hex = cli_hex_encode(wire, wire_len);
            json_object_set_new(c, "seqno", json_integer((json_int_t)block));
            json_object_set_new(c, "wire", json_string(hex ? hex : ""));
            json_object_set_new(c, "headers", list_to_json(l));
            json_array_append_new(cases, c);
            free(hex);
        } else {
            print_list(l, block);
        }
        free(owned);
        block++;
    }
    if (cases && status == CLI_OK) {
        json_t *root = json_pack("{s:o}", "cases", cases);
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(root);
    } else {
        json_decref(cases);
    }
    h2c_hpack_decoder_free(dec);
    free(data);
    return status;
}

static int usage(FILE *f)
{
    fputs("usage: h2codec decode [--format=story|hex|bin] [--table-size N] [--max-list-size N]\n"
          "                      [--verify] [--json] [--tolerant] FILE...\n"
          "  --format       input format; by default .json is story, .hex or hex content\n"
          "                 is hex, else bin\n"
          "  --table-size   acknowledged SETTINGS_HEADER_TABLE_SIZE (default 4096)\n"
          "  --max-list-size  header list size limit per block (default 65536)\n"
          "  --verify       story input: compare decoded headers with the file's\n"
          "  --json         print the story JSON with decoded headers filled in\n"
          "  --tolerant     decode references to unknown table entries as placeholders\n",
          f);
    return f == stdout ? CLI_OK : CLI_USAGE;
}

int cmd_decode(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"table-size", required_argument, NULL, 't'},
                                             {"max-list-size", required_argument, NULL, 'm'},
                                             {"verify", no_argument, NULL, 'v'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"tolerant", no_argument, NULL, 'T'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    decode_opts o = {FMT_AUTO, 4096, 65536, 0, 0, 0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "story") == 0)
                o.format = FMT_STORY;
            else if (strcmp(optarg, "hex") == 0)
                o.format = FMT_HEX;
            else if (strcmp(optarg, "bin") == 0)
                o.format = FMT_BIN;
            else
                return usage(stderr);
            break;
        case 't':
            o.table_size = (uint32_t)cli_parse_uint("--table-size", optarg, UINT32_MAX);
            break;
        case 'm':
            o.max_list_size = (size_t)cli_parse_uint("--max-list-size", optarg, SIZE_MAX);
            break;
        case 'v': o.verify = 1; break;
        case 'j': o.json = 1; break;
        case 'T': o.tolerant = 1; break;
        case 'h': return usage(stdout);
        default: return usage(stderr);
        }
    }
    if (optind >= argc)
        return usage(stderr);
    owned_list l = {0};
    int status = CLI_OK, multi = argc - optind > 1;
    for (int i = optind; i < argc && status != CLI_USAGE; i++) {
        enum fmt fmt = o.format;
        if (fmt == FMT_AUTO)
            fmt = cli_has_suffix(argv[i], ".json") ? FMT_STORY
                  : cli_has_suffix(argv[i], ".hex") ||
                          (!cli_has_suffix(argv[i], ".bin") && looks_hex(argv[i]))
                      ? FMT_HEX
                      : FMT_BIN;
        if (o.verify && fmt != FMT_STORY) {
            fprintf(stderr, "h2codec: --verify needs story input: %s\n", argv[i]);
            status = CLI_USAGE;
            break;
        }
        int rc = fmt == FMT_STORY ? decode_story(&o, argv[i], multi, &l)
                                  : decode_raw(&o, fmt, argv[i], multi, &l);
        if (rc > status)
            status = rc;
        if (o.verify && rc == CLI_FAIL)
            break; /* the first mismatch is the report */
    }
    free(l.arena);
    free(l.f);
    return status;
}
