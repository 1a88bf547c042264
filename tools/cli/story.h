/* SPDX-License-Identifier: MIT */
/*
 * hpack-test-case "story" files: {"cases": [{"seqno", "wire", "headers":
 * [{name: value}, ...], "header_table_size"}, ...]}.  Cases share one
 * compression context; header_table_size, when present and not null, is the
 * SETTINGS value acknowledged before that case.
 */
#ifndef H2C_CLI_STORY_H
#define H2C_CLI_STORY_H

#include <jansson.h>
#include <h2codec/hpack.h>

typedef struct story_case {
    json_t *obj;   /* the case object, borrowed from the story */
    uint8_t *wire; /* decoded "wire", NULL when absent */
    size_t wire_len;
    h2c_hpack_field *headers; /* views into the JSON strings */
    size_t n_headers;
    long long table_size; /* header_table_size (0 .. 2^32-1; story_load() refuses
                                  any other value), -1 when absent or null */
} story_case;

typedef struct story {
    json_t *root;
    story_case *cases;
    size_t n_cases;
} story;

/* Load a story.  Returns 0, or -1 after printing why to stderr. */
int story_load(story *s, const char *path);
void story_free(story *s);

#endif
