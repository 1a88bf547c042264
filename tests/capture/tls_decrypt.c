/* SPDX-License-Identifier: MIT */
/*
 * tls_decrypt [--chunk N] [--order interleave|client-first|server-first]
 *             [--text] KEYLOG C2S S2C OUT_C2S OUT_S2C
 *
 * Drives the capture TLS module on the two reassembled directions of one
 * connection (as `tshark -z follow,tcp,raw` gives them): feeds them in
 * chunks of N octets in the given order, writes each direction's plaintext,
 * prints the version, cipher suite and ALPN, and the error if any.  --text
 * hands the key log over as text (the path of a pcapng Decryption Secrets
 * Block) instead of as a file.  Exits 0 when both directions decrypted to
 * the end, 1 on a TLS error or a record left incomplete, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        perror(path);
        exit(2);
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (cap - len < 65536) {
            cap += 65536;
            buf = realloc(buf, cap);
            if (!buf)
                exit(2);
        }
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
    } while (got > 0);
    fclose(fp);
    *n = len;
    return buf;
}

static void write_out(void *arg, int dir, const uint8_t *p, size_t n)
{
    FILE **out = arg;
    if (fwrite(p, 1, n, out[dir]) != n) {
        perror("write");
        exit(2);
    }
}

int main(int argc, char **argv)
{
    size_t chunk = 1000;
    const char *order = "interleave";
    int text = 0, a = 1;
    for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
        if (strcmp(argv[a], "--chunk") == 0 && a + 1 < argc)
            chunk = strtoul(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "--order") == 0 && a + 1 < argc)
            order = argv[++a];
        else if (strcmp(argv[a], "--text") == 0)
            text = 1;
        else
            break;
    }
    if (argc - a != 5 || chunk == 0) {
        fprintf(stderr,
                "usage: tls_decrypt [--chunk N] [--order interleave|client-first|server-first] "
                "[--text] KEYLOG C2S S2C OUT_C2S OUT_S2C\n");
        return 2;
    }
    struct tls_keys *keys = tls_keys_new();
    char err[512];
    if (text) {
        size_t n;
        uint8_t *kl = slurp(argv[a], &n);
        int added = tls_keys_add_text(keys, (const char *)kl, n);
        free(kl);
        if (added < 0) {
            fprintf(stderr, "tls_decrypt: out of memory\n");
            return 2;
        }
    } else if (tls_keys_load(keys, argv[a], err, sizeof err) < 0) {
        fprintf(stderr, "tls_decrypt: %s\n", err);
        return 1;
    }
    size_t len[2], pos[2] = {0, 0};
    uint8_t *in[2] = {slurp(argv[a + 1], &len[0]), slurp(argv[a + 2], &len[1])};
    FILE *out[2] = {fopen(argv[a + 3], "wb"), fopen(argv[a + 4], "wb")};
    if (!out[0] || !out[1]) {
        perror("output");
        return 2;
    }
    struct tls_flow *f = tls_flow_new(keys);
    int first = strcmp(order, "server-first") == 0;
    int alternate = strcmp(order, "interleave") == 0, rc = 0;
    for (int dir = first; rc == 0 && (pos[0] < len[0] || pos[1] < len[1]);) {
        if (pos[dir] < len[dir]) {
            size_t n = len[dir] - pos[dir] < chunk ? len[dir] - pos[dir] : chunk;
            rc = tls_flow_feed(f, dir, in[dir] + pos[dir], n, write_out, out);
            pos[dir] += n;
        }
        if (alternate || pos[dir] == len[dir])
            dir = !dir;
    }
    int status = 0;
    if (tls_flow_error(f)) {
        fprintf(stderr, "tls_decrypt: %s\n", tls_flow_error(f));
        status = 1;
    }
    if (tls_flow_alert(f))
        printf("alert: %s\n", tls_flow_alert(f));
    for (int dir = 0; dir < 2; dir++)
        if (!tls_flow_error(f) && tls_flow_pending(f, dir)) {
            fprintf(stderr,
                    "tls_decrypt: %zu octets of the %s's stream are an incomplete record\n",
                    tls_flow_pending(f, dir), dir ? "server" : "client");
            status = 1;
        }
    printf("version %s\ncipher %s\nalpn %s\n", tls_flow_version(f) ? tls_flow_version(f) : "-",
           tls_flow_cipher(f) ? tls_flow_cipher(f) : "-",
           tls_flow_alpn(f) ? tls_flow_alpn(f) : "-");
    tls_flow_free(f);
    tls_keys_free(keys);
    free(in[0]);
    free(in[1]);
    if (fclose(out[0]) != 0 || fclose(out[1]) != 0)
        return 2;
    return status;
}
