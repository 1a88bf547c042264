/* SPDX-License-Identifier: MIT */
/*
 * tls_decrypt [--chunk N] [--order interleave|client-first|server-first]
 *             [--text] [--gap DIR:OFFSET:LEN] KEYLOG C2S S2C OUT_C2S OUT_S2C
 *
 * Drives the capture TLS module on the two reassembled directions of one
 * connection (as `tshark -z follow,tcp,raw` gives them): feeds them in
 * chunks of N octets in the given order, writes each direction's plaintext,
 * prints the version, cipher suite and ALPN, and the error if any.  --text
 * hands the key log over as text (the path of a pcapng Decryption Secrets
 * Block) instead of as a file.  --gap drops LEN octets of direction DIR
 * (0 client, 1 server) at OFFSET and reports them lost with
 * resynchronisation; its outcome is printed ("resync DIR OFFSET SEQ LOST"
 * or "resync-stop DIR OFFSET: WHY").  Exits 0 when both directions decrypted to
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

static void print_events(struct tls_flow *f)
{
    for (int dir = 0; dir < 2; dir++) {
        uint64_t off, seq, lost;
        const char *why;
        int ev = tls_flow_resync_event(f, dir, &off, &seq, &lost, &why);
        if (ev == TLS_RESYNC_FOUND)
            printf("resync %d %llu %llu %llu\n", dir, (unsigned long long)off,
                   (unsigned long long)seq, (unsigned long long)lost);
        else if (ev == TLS_RESYNC_STOPPED)
            printf("resync-stop %d %llu: %s\n", dir, (unsigned long long)off, why);
    }
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
    int text = 0, a = 1, gap_dir = -1;
    size_t gap_at = 0, gap_len = 0;
    for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
        if (strcmp(argv[a], "--chunk") == 0 && a + 1 < argc)
            chunk = strtoul(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "--order") == 0 && a + 1 < argc)
            order = argv[++a];
        else if (strcmp(argv[a], "--text") == 0)
            text = 1;
        else if (strcmp(argv[a], "--gap") == 0 && a + 1 < argc) {
            if (sscanf(argv[++a], "%d:%zu:%zu", &gap_dir, &gap_at, &gap_len) != 3)
                gap_dir = 2; /* bad usage */
        } else
            break;
    }
    if (argc - a != 5 || chunk == 0 || gap_dir > 1) {
        fprintf(stderr,
                "usage: tls_decrypt [--chunk N] [--order interleave|client-first|server-first] "
                "[--text] [--gap DIR:OFFSET:LEN] KEYLOG C2S S2C OUT_C2S OUT_S2C\n");
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
        if (dir == gap_dir && pos[dir] == gap_at && gap_len) {
            size_t n = len[dir] - pos[dir] < gap_len ? len[dir] - pos[dir] : gap_len;
            tls_flow_gap(f, dir, n, 1);
            pos[dir] += n;
            gap_len = 0;
        } else if (pos[dir] < len[dir]) {
            size_t n = len[dir] - pos[dir] < chunk ? len[dir] - pos[dir] : chunk;
            if (dir == gap_dir && gap_len && pos[dir] < gap_at && gap_at - pos[dir] < n)
                n = gap_at - pos[dir];
            rc = tls_flow_feed(f, dir, in[dir] + pos[dir], n, write_out, out);
            pos[dir] += n;
        }
        print_events(f);
        if (alternate || pos[dir] == len[dir])
            dir = !dir;
    }
    tls_flow_end(f);
    print_events(f);
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
