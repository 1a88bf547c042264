/* SPDX-License-Identifier: MIT */
/*
 * split_cost: the work of decoding one large input fed whole versus one
 * octet per call (CVE-2022-41723 class: quadratic work on split input).
 *
 *     split_cost hpack  whole|bytes|calls [K]   a ~90 KB header block of literals,
 *                                         plain and Huffman, every indexing
 *                                         kind, two of them 16 KB long
 *     split_cost frames whole|bytes|calls [K]   a ~256 KB connection of every
 *                                         frame type, through the parser
 *
 * "calls" runs the octet-by-octet loop against a push that does nothing
 * (split_noop.c): the cost of one call per octet alone, a floor for any
 * push-style decoder fed that way.
 *
 * K = 2 doubles the input (and the long fields): the bytewise cost must
 * double with it, not quadruple.
 *
 * The input is built first; only the decoding runs inside measured_hpack()
 * or measured_frames(), which split_cost.sh counts with callgrind
 * (--toggle-collect): instructions, not time.  Prints the input size and a
 * digest of the output, which must not depend on the mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <h2codec/frame.h>
#include <h2codec/hpack.h>

#include "split_noop.h"

/* Deterministic filler (xorshift), so every run measures the same input. */
static uint32_t rng = 2463534242u;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "split_cost: %s failed (%d)\n", what, rc);
    exit(2);
}

/* ------------------------------------------------------------ HPACK */

/* k x (700 fields of up to 600 octets), plus two values of k x 16 KB, plain
 * and Huffman: a field split into 16 K pieces shows any per-piece rescan. */
static size_t build_block(uint8_t *out, size_t cap, unsigned k)
{
    size_t nf = 700 * (size_t)k + 2;
    char(*names)[24] = calloc(nf, sizeof *names);
    char *values = malloc(nf * 600 + 2 * 16384 * (size_t)k);
    h2c_hpack_field *f = calloc(nf, sizeof *f);
    if (!names || !values || !f)
        die("malloc", 0);
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyz0123456789-_/.=;:, ABCXYZ%";
    char *v = values;
    for (size_t i = 0; i < nf; i++) {
        size_t nl = (size_t)snprintf(names[i], sizeof names[i], "x-field-%u",
                                     (unsigned)(next() % 300));
        size_t vl = i >= nf - 2 ? 16384 * (size_t)k : 4 + next() % (i % 10 == 0 ? 590 : 120);
        for (size_t j = 0; j < vl; j++)
            v[j] = alpha[next() % (sizeof alpha - 1)];
        f[i] = (h2c_hpack_field){ h2c_view_of(names[i], nl), h2c_view_of(v, vl),
                                  (uint8_t)(next() % 4), 0, 0, 0 };
        f[i].flags = (uint8_t)(i % 3 == 0 ? H2C_HPACK_F_PLAIN : i % 3 == 1 ? H2C_HPACK_F_HUFFMAN : 0);
        v += vl;
    }
    f[nf - 2].flags = H2C_HPACK_F_PLAIN;
    f[nf - 1].flags = H2C_HPACK_F_HUFFMAN;
    h2c_hpack_encoder *enc;
    int rc = h2c_hpack_encoder_new(&enc, NULL);
    if (rc)
        die("encoder_new", rc);
    size_t w = 0;
    rc = h2c_hpack_encoder_encode(enc, f, nf, out, cap, &w);
    if (rc)
        die("encode", rc);
    h2c_hpack_encoder_free(enc);
    free(names);
    free(values);
    free(f);
    return w;
}

typedef int (*hpack_push_fn)(h2c_hpack_decoder *, const uint8_t *, size_t, size_t *,
                             h2c_hpack_field *);
typedef int (*frame_push_fn)(h2c_frame_parser *, const uint8_t *, size_t, size_t *,
                             h2c_frame_event *);

/* The measured part: decode the block, in one call or one octet per call. */
__attribute__((noinline)) unsigned long measured_hpack(h2c_hpack_decoder *dec, const uint8_t *in,
                                                       size_t len, size_t step,
                                                       unsigned long *fields, hpack_push_fn push);
__attribute__((noinline)) unsigned long measured_hpack(h2c_hpack_decoder *dec, const uint8_t *in,
                                                       size_t len, size_t step,
                                                       unsigned long *fields, hpack_push_fn push)
{
    unsigned long digest = 0;
    /* As lean as a caller can be, so that "calls" is a fair floor: OK means
     * the piece was taken whole, FIELD may leave some of it. */
    for (size_t off = 0; off < len;) {
        size_t used;
        h2c_hpack_field f;
        int rc = push(dec, in + off, len - off < step ? len - off : step, &used, &f);
        off += used;
        if (rc == H2C_HPACK_FIELD) {
            digest = digest * 31 + f.name.len * 7 + f.value.len + f.value.ptr[0];
            (*fields)++;
        } else if (rc != H2C_OK) {
            die("push", rc);
        }
    }
    int rc = h2c_hpack_decoder_finish(dec);
    if (rc)
        die("finish", rc);
    return digest;
}

static const char *const mode_name[] = { "whole", "bytes", "calls" };

/* mode: 0 whole, 1 one octet per call, 2 one octet per call to a no-op. */
static int run_hpack(int mode, unsigned k)
{
    static uint8_t block[1 << 19];
    size_t len = build_block(block, sizeof block, k);
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_list_size = 1u << 22;
    o.max_fields = 4096;
    h2c_hpack_decoder *dec;
    int rc = h2c_hpack_decoder_new(&dec, &o);
    if (rc)
        die("decoder_new", rc);
    unsigned long fields = 0;
    unsigned long d = measured_hpack(dec, block, len, mode ? 1 : len, &fields,
                                     mode == 2 ? split_noop_hpack_push : h2c_hpack_decoder_push);
    printf("hpack %s: %zu octets, %lu fields, digest %lx\n", mode_name[mode], len, fields, d);
    h2c_hpack_decoder_free(dec);
    return 0;
}

/* ------------------------------------------------------------ frames */

static size_t put_frame(uint8_t *out, uint8_t type, uint8_t flags, uint32_t sid,
                        const uint8_t *payload, uint32_t len)
{
    h2c_frame_header hd = { len, type, flags, sid };
    h2c_frame_header_pack(&hd, out);
    memcpy(out + 9, payload, len);
    return 9 + (size_t)len;
}

/* Frames of every type, averaging ~230 octets, with a 16 KB DATA frame
 * every 64 frames. */
static size_t build_stream(uint8_t *out, size_t cap)
{
    static uint8_t pl[2048];
    size_t n = 0;
    uint32_t sid = 1;
    static uint8_t big[16384];
    for (unsigned long count = 0; n + 4096 + sizeof big < cap; count++) {
        uint32_t k = next() % 10, len;
        if (count % 64 == 63) {
            n += put_frame(out + n, H2C_FRAME_TYPE_DATA, 0, sid, big, sizeof big);
            continue;
        }
        for (size_t i = 0; i < sizeof pl; i++)
            pl[i] = (uint8_t)next();
        switch (k) {
        case 0: /* HEADERS + CONTINUATION */
            len = 20 + next() % 200;
            n += put_frame(out + n, H2C_FRAME_TYPE_HEADERS, 0, sid, pl, len);
            n += put_frame(out + n, H2C_FRAME_TYPE_CONTINUATION, H2C_FRAME_FLAG_END_HEADERS, sid,
                           pl, 10 + next() % 100);
            sid += 2;
            break;
        case 1: /* padded DATA */
            len = 20 + next() % 1000;
            pl[0] = (uint8_t)(next() % 16);
            n += put_frame(out + n, H2C_FRAME_TYPE_DATA, H2C_FRAME_FLAG_PADDED, sid, pl, len);
            break;
        case 2:
            pl[0] = 0, pl[1] = 4; /* SETTINGS_INITIAL_WINDOW_SIZE, small value */
            pl[2] = pl[3] = 0;
            n += put_frame(out + n, H2C_FRAME_TYPE_SETTINGS, 0, 0, pl, 6);
            break;
        case 3:
            n += put_frame(out + n, H2C_FRAME_TYPE_PING, 0, 0, pl, 8);
            break;
        case 4:
            pl[0] = 0;
            pl[1] |= 1;
            n += put_frame(out + n, H2C_FRAME_TYPE_WINDOW_UPDATE, 0, sid, pl, 4);
            break;
        case 5:
            pl[0] = 0, pl[1] = 0, pl[2] = 0, pl[3] = 0;
            n += put_frame(out + n, H2C_FRAME_TYPE_PRIORITY, 0, sid + 2, pl, 5);
            break;
        case 6:
            n += put_frame(out + n, H2C_FRAME_TYPE_RST_STREAM, 0, sid, pl, 4);
            break;
        case 7: /* unknown type */
            n += put_frame(out + n, 0xfa, 0, 0, pl, next() % 64);
            break;
        default: /* plain DATA */
            n += put_frame(out + n, H2C_FRAME_TYPE_DATA, 0, sid, pl, next() % 2000);
            break;
        }
    }
    return n;
}

__attribute__((noinline)) unsigned long measured_frames(h2c_frame_parser *p, const uint8_t *in,
                                                        size_t len, size_t step,
                                                        unsigned long *frames, frame_push_fn push);
__attribute__((noinline)) unsigned long measured_frames(h2c_frame_parser *p, const uint8_t *in,
                                                        size_t len, size_t step,
                                                        unsigned long *frames, frame_push_fn push)
{
    unsigned long digest = 0;
    h2c_frame_event ev;
    /* The same lean loop as measured_hpack(). */
    for (size_t off = 0; off < len;) {
        size_t used;
        int rc = push(p, in + off, len - off < step ? len - off : step, &used, &ev);
        off += used;
        if (rc > 0) {
            digest = digest * 31 + ev.frame.hd.type * 7 + ev.frame.payload.len;
            (*frames)++;
        } else if (rc < 0) {
            die("parser_push", rc);
        }
    }
    int rc = h2c_frame_parser_finish(p, NULL);
    if (rc)
        die("parser_finish", rc);
    return digest;
}

static int run_frames(int mode, unsigned k)
{
    static uint8_t stream[1 << 19];
    size_t len = build_stream(stream, ((size_t)1 << 18) * k);
    h2c_frame_parser *p;
    int rc = h2c_frame_parser_new(&p, NULL);
    if (rc)
        die("parser_new", rc);
    unsigned long frames = 0;
    unsigned long d = measured_frames(p, stream, len, mode ? 1 : len, &frames,
                                      mode == 2 ? split_noop_frame_push : h2c_frame_parser_push);
    printf("frames %s: %zu octets, %lu frames, digest %lx\n", mode_name[mode], len, frames, d);
    h2c_frame_parser_free(p);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned k = argc == 4 ? (unsigned)atoi(argv[3]) : 1;
    int mode = 0;
    while (argc >= 3 && mode < 3 && strcmp(argv[2], mode_name[mode]) != 0)
        mode++;
    if (argc < 3 || argc > 4 || mode == 3 || k < 1 || k > 2) {
        fprintf(stderr, "usage: split_cost hpack|frames whole|bytes|calls [1|2]\n");
        return 2;
    }
    if (strcmp(argv[1], "hpack") == 0)
        return run_hpack(mode, k);
    if (strcmp(argv[1], "frames") == 0)
        return run_frames(mode, k);
    fprintf(stderr, "split_cost: unknown input %s\n", argv[1]);
    return 2;
}
