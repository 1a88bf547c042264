/* SPDX-License-Identifier: MIT */
#include "upgrade.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HEAD_MAX 65536

void upgrade_init(upgrade_state *u)
{
    memset(u, 0, sizeof *u);
}

void upgrade_free(upgrade_state *u)
{
    free(u->head[0]);
    free(u->head[1]);
    u->head[0] = u->head[1] = NULL;
}

/* Whether the head has a header `name` whose value contains token (any case). */
static int has_header(const char *head, const char *name, const char *token)
{
    size_t nl = strlen(name);
    for (const char *l = strstr(head, "\r\n"); l; l = strstr(l, "\r\n")) {
        l += 2;
        if (strncasecmp(l, name, nl) == 0 && l[nl] == ':') {
            const char *e = strstr(l, "\r\n");
            size_t vl = e ? (size_t)(e - l) : strlen(l);
            for (size_t i = nl + 1; i + strlen(token) <= vl; i++)
                if (strncasecmp(l + i, token, strlen(token)) == 0)
                    return 1;
            if (!*token)
                return 1;
        }
    }
    return 0;
}

/* The HTTP2-Settings value: base64url of a SETTINGS payload (RFC 7540 3.2.1). */
static void parse_settings(upgrade_state *u, const char *head)
{
    static const char name[] = "http2-settings:";
    const char *l = head;
    while ((l = strstr(l, "\r\n")) != NULL) {
        l += 2;
        if (strncasecmp(l, name, sizeof name - 1) == 0)
            break;
    }
    if (!l)
        return;
    l += sizeof name - 1;
    uint32_t acc = 0;
    int bits = 0;
    uint8_t set[6];
    size_t n = 0;
    for (; *l && *l != '\r'; l++) {
        int v;
        char ch = *l;
        if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z')
            v = ch - 'a' + 26;
        else if (ch >= '0' && ch <= '9')
            v = ch - '0' + 52;
        else if (ch == '-' || ch == '+')
            v = 62;
        else if (ch == '_' || ch == '/')
            v = 63;
        else
            continue; /* white space, padding */
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            set[n++] = (uint8_t)(acc >> bits);
            if (n == 6) {
                uint16_t id = (uint16_t)(set[0] << 8 | set[1]);
                uint32_t val = (uint32_t)set[2] << 24 | (uint32_t)set[3] << 16 |
                               (uint32_t)set[4] << 8 | set[5];
                if (id == 1)
                    u->table_size = val;
                if (id == 5)
                    u->max_frame_size = val;
                n = 0;
            }
        }
    }
}

size_t upgrade_feed(upgrade_state *u, int dir, const uint8_t *p, size_t n)
{
    if (u->h2[dir] || u->failed)
        return 0;
    size_t old = u->len[dir];
    size_t take = n < HEAD_MAX - old ? n : HEAD_MAX - old;
    uint8_t *nb = realloc(u->head[dir], old + take + 1);
    if (!nb) {
        u->failed = 1;
        return n;
    }
    u->head[dir] = nb;
    memcpy(nb + old, p, take);
    u->len[dir] = old + take;
    nb[u->len[dir]] = '\0';
    size_t e = 0;
    while (e + 4 <= u->len[dir] && memcmp(nb + e, "\r\n\r\n", 4) != 0)
        e++;
    if (e + 4 > u->len[dir]) {
        if (u->len[dir] >= HEAD_MAX)
            u->failed = 1;
        return n;
    }
    size_t head_len = e + 4;
    nb[e] = '\0';
    if (memchr(nb, '\0', e)) {
        u->failed = 1; /* not an HTTP/1.1 head */
        return n;
    }
    const char *h = (const char *)nb;
    if (dir == 0) {
        const char *eol = strstr(h, "\r\n");
        size_t l = eol ? (size_t)(eol - h) : strlen(h);
        if (l >= sizeof u->request_line)
            l = sizeof u->request_line - 1;
        memcpy(u->request_line, h, l);
        u->request_line[l] = '\0';
        if (!has_header(h, "upgrade", "h2c") || !has_header(h, "http2-settings", ""))
            u->failed = 1;
        else
            parse_settings(u, h);
    } else if (strncmp(h, "HTTP/1.1 101", 12) != 0) {
        u->failed = 1;
    }
    u->h2[dir] = !u->failed;
    return head_len - old;
}
