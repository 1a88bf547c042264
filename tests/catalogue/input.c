/* SPDX-License-Identifier: MIT */
/* The catalogue's input notation (see catalogue.h): hex, 'text', *N(...), |. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"

static int grow(cat_input *in, size_t more)
{
    if (in->len + more <= in->cap)
        return 0;
    size_t cap = in->cap ? in->cap : 256;
    while (cap < in->len + more)
        cap *= 2;
    uint8_t *b = realloc(in->buf, cap);
    if (!b)
        return -1;
    in->buf = b;
    in->cap = cap;
    return 0;
}

static int put(cat_input *in, const void *p, size_t n)
{
    if (grow(in, n))
        return -1;
    if (n)
        memcpy(in->buf + in->len, p, n);
    in->len += n;
    return 0;
}

static int end_block(cat_input *in, size_t at)
{
    if (in->nblocks == in->ends_cap) {
        size_t cap = in->ends_cap ? in->ends_cap * 2 : 16;
        size_t *e = realloc(in->ends, cap * sizeof *e);
        if (!e)
            return -1;
        in->ends = e;
        in->ends_cap = cap;
    }
    in->ends[in->nblocks++] = at;
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parse until ')' (inner) or the end (top level); *sp is left after it. */
static int parse(const char **sp, cat_input *in, int inner)
{
    const char *s = *sp;
    int hi = -1;
    for (;;) {
        char ch = *s;
        if (ch == '\0') {
            if (inner || hi >= 0)
                return -1;
            break;
        }
        s++;
        if (isspace((unsigned char)ch))
            continue;
        if (hi >= 0 && hexval(ch) < 0)
            return -1; /* half an octet */
        if (ch == ')') {
            if (!inner)
                return -1;
            break;
        }
        if (ch == '|') {
            if (end_block(in, in->len))
                return -1;
        } else if (ch == '\'') {
            const char *e = strchr(s, '\'');
            if (!e || put(in, s, (size_t)(e - s)))
                return -1;
            s = e + 1;
        } else if (ch == '*') {
            char *e;
            unsigned long n = strtoul(s, &e, 10);
            if (e == s || *e != '(')
                return -1;
            s = e + 1;
            cat_input sub = { 0 };
            int rc = parse(&s, &sub, 1);
            if (rc == 0 && grow(in, sub.len * n) == 0) {
                for (unsigned long i = 0; i < n && rc == 0; i++) {
                    for (size_t b = 0; b < sub.nblocks && rc == 0; b++)
                        rc = end_block(in, in->len + sub.ends[b]);
                    put(in, sub.buf, sub.len);
                }
            } else {
                rc = -1;
            }
            cat_input_free(&sub);
            if (rc)
                return -1;
        } else {
            int v = hexval(ch);
            if (v < 0)
                return -1;
            if (hi < 0) {
                hi = v;
            } else {
                uint8_t b = (uint8_t)(hi << 4 | v);
                hi = -1;
                if (put(in, &b, 1))
                    return -1;
            }
        }
    }
    *sp = s;
    return 0;
}

int cat_build(const char *notation, cat_input *in)
{
    memset(in, 0, sizeof *in);
    const char *s = notation;
    /* Never a NULL buffer, even for an empty input: NULL + 0 is undefined. */
    if (grow(in, 1) || parse(&s, in, 0)) {
        cat_input_free(in);
        return -1;
    }
    /* The input always ends a block (an explicit '|' at the very end, too). */
    if (in->nblocks == 0 || in->ends[in->nblocks - 1] != in->len)
        if (end_block(in, in->len)) {
            cat_input_free(in);
            return -1;
        }
    return 0;
}

void cat_input_free(cat_input *in)
{
    free(in->buf);
    free(in->ends);
    memset(in, 0, sizeof *in);
}
