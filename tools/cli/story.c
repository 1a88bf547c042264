/* SPDX-License-Identifier: MIT */
#include "story.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int load_headers(story_case *c, json_t *arr, const char *path, size_t idx)
{
    size_t n = json_array_size(arr);
    c->headers = calloc(n ? n : 1, sizeof *c->headers);
    if (!c->headers)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *h = json_array_get(arr, i);
        const char *key;
        json_t *val;
        if (!json_is_object(h) || json_object_size(h) != 1) {
            fprintf(stderr, "h2codec: %s: case %zu: header %zu is not a one-key object\n", path,
                    idx, i);
            return -1;
        }
        json_object_foreach(h, key, val)
        {
            if (!json_is_string(val)) {
                fprintf(stderr, "h2codec: %s: case %zu: header %zu value is not a string\n",
                        path, idx, i);
                return -1;
            }
            h2c_hpack_field *f = &c->headers[i];
            f->name = h2c_view_of(key, json_object_iter_key_len(json_object_key_to_iter(key)));
            f->value = h2c_view_of(json_string_value(val), json_string_length(val));
        }
    }
    c->n_headers = n;
    return 0;
}

static int load_case(story_case *c, json_t *obj, const char *path, size_t idx)
{
    c->obj = obj;
    c->table_size = -1;
    /* A SETTINGS_HEADER_TABLE_SIZE value, so 0 .. 2^32-1; refused otherwise,
     * as --table-size refuses it, rather than cast to 32 bits or skipped. */
    json_t *ts = json_object_get(obj, "header_table_size");
    if (ts && !json_is_null(ts)) {
        if (!json_is_integer(ts) || json_integer_value(ts) < 0 ||
            (unsigned long long)json_integer_value(ts) > UINT32_MAX) {
            fprintf(stderr,
                    "h2codec: %s: case %zu: header_table_size must be an integer "
                    "from 0 to %lu, or null\n",
                    path, idx, (unsigned long)UINT32_MAX);
            return -1;
        }
        c->table_size = json_integer_value(ts);
    }
    json_t *wire = json_object_get(obj, "wire");
    if (wire && json_is_string(wire)) {
        c->wire = cli_hex_decode(json_string_value(wire), json_string_length(wire),
                                 &c->wire_len);
        if (!c->wire) {
            fprintf(stderr, "h2codec: %s: case %zu: bad hex in \"wire\"\n", path, idx);
            return -1;
        }
    }
    json_t *hdrs = json_object_get(obj, "headers");
    if (hdrs && !json_is_array(hdrs)) {
        fprintf(stderr, "h2codec: %s: case %zu: \"headers\" is not an array\n", path, idx);
        return -1;
    }
    return load_headers(c, hdrs, path, idx);
}

int story_load(story *s, const char *path)
{
    memset(s, 0, sizeof *s);
    json_error_t err;
    s->root = json_load_file(path, JSON_ALLOW_NUL, &err);
    if (!s->root) {
        fprintf(stderr, "h2codec: %s:%d: %s\n", path, err.line, err.text);
        return -1;
    }
    json_t *cases = json_object_get(s->root, "cases");
    if (!json_is_array(cases)) {
        fprintf(stderr, "h2codec: %s: no \"cases\" array\n", path);
        story_free(s);
        return -1;
    }
    size_t n = json_array_size(cases);
    s->cases = calloc(n ? n : 1, sizeof *s->cases);
    if (!s->cases) {
        story_free(s);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        s->n_cases = i + 1;
        if (load_case(&s->cases[i], json_array_get(cases, i), path, i) != 0) {
            story_free(s);
            return -1;
        }
    }
    return 0;
}

void story_free(story *s)
{
    for (size_t i = 0; i < s->n_cases; i++) {
        free(s->cases[i].wire);
        free(s->cases[i].headers);
    }
    free(s->cases);
    json_decref(s->root);
    memset(s, 0, sizeof *s);
}
