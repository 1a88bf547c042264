// SPDX-License-Identifier: MIT
/*
 * Long Huffman strings: several lanes at once, and their entry contract.
 *
 * One Huffman stream is a chain of dependent table lookups (each step's
 * shift needs the previous step's entry), so a long string decodes at the
 * latency of that chain, not at the machine's throughput.  The code
 * resynchronises quickly, though: a decoder started at an arbitrary octet
 * boundary soon lands on a true symbol boundary, and from then on agrees
 * with the true decoding.  So a long input is cut into H2C_HUFF_LANES
 * segments decoded together, interleaved: lane 0 from the true start, lane
 * k from segment k's first octet as if a code began there, each into its
 * own region of dst, recording where its first H2C_HUFF_SYNC symbols
 * begin.  Then, lane by lane, the true decoding (lane k-1, complete up to
 * the end of its segment) goes on one symbol at a time until it stands on
 * one of lane k's recorded boundaries: lane k's output from that symbol on
 * is true, and is moved down behind the true output.  Any doubt (no common
 * boundary among the recorded ones, EOS in any lane, a region too small)
 * falls back to the serial decoder from the last true position, so results,
 * errors and error positions are exactly the serial decoder's.
 *
 * Entry contract of decode_lanes(acc, n, dst, src, len, eos_bit), the one
 * entry point (called by h2c_huff_decode_wide() and
 * h2c_huff_decode_string_wide() in huffman.c, and only when the room test
 * below passed):
 *   - len >= H2C_HUFF_LANES_MIN; src[0, len) readable (nothing past it is
 *     read: the last lane ends through decode_core(), which stops at len);
 *   - dst holds h2c_huff_lanes_room(len) octets (the callers test it: a
 *     smaller dst takes the serial decoder), every lane's region with its
 *     margin lies inside them;
 *   - *acc / *n are the serial decoder's pending bits (n < 30, MSB first,
 *     zeros below), from an earlier piece or zero at a string's start.
 * Returns, like decode_core(), the octets written at dst (the decoded
 * output, contiguous from dst) with *acc / *n the bits left over, or -1 at
 * EOS with *eos_bit the position of EOS's first bit counted from src[0]
 * (negative when it began in the carried bits).  Output, leftover bits and
 * EOS position are always exactly the serial decoder's.
 *
 * Not a translation unit of its own: huffman.c includes it once, after the
 * serial decoder, whose always-inline steps (the batch macros, long codes,
 * decode_core()) the lanes share and fall back to.  Building with
 * H2C_HPACK_NO_FAST (CMake: H2CODEC_HPACK_FAST=OFF) leaves it out:
 * h2c_huff_lanes_room() is then 0 and long strings take the serial decoder.
 */
#ifndef H2C_HPACK_HUFFMAN_LANES_H
#define H2C_HPACK_HUFFMAN_LANES_H

typedef struct lane {
    uint64_t acc;
    unsigned n;
    const uint8_t *p; /* next input octet */
    uint8_t *o;       /* next output octet */
} lane;

/* Input bit position of the next undecoded bit (negative while carried
 * bits from an earlier piece remain). */
static inline int64_t lane_pos(const lane *l, const uint8_t *src)
{
    return 8 * (int64_t)(l->p - src) - (int64_t)l->n;
}

/* Decode one symbol.  Needs 8 readable octets at l->p.  0, or -1 at EOS. */
static inline int lane_one(lane *l)
{
    if (l->n < 30) {
        H2C_HUFF_REFILL(l->acc, l->n, l->p);
    }
    unsigned x = H2C_HUFF_IDX(l->acc), sym, len;
    if (h2c_huff_dec_count[x]) {
        sym = h2c_huff_dec_syms[x] & 0xffu;
        len = h2c_huff_len[sym];
    } else {
        len = long_code(l->acc, &sym);
        if (sym == H2C_HUFF_EOS)
            return -1;
    }
    *l->o++ = (uint8_t)sym;
    l->acc <<= len;
    l->n -= len;
    return 0;
}

/* Decode the long code at the top of a lane after a batch, if there is
 * one.  Needs 8 readable octets at l->p.  0, or -1 at EOS. */
static inline int lane_long(lane *l)
{
    if (H2C_HUFF_IDX(l->acc) < H2C_HUFF_LONG_PREFIX)
        return 0;
    return lane_one(l);
}

/* Take lane l on to the first symbol boundary at or after bit 'stop'.
 * Needs 16 readable octets past stop / 8.  0, or -1 at EOS. */
static int lane_finish(lane *l, const uint8_t *src, int64_t stop)
{
    while (lane_pos(l, src) + H2C_HUFF_BATCH_MAX <= stop) {
        H2C_HUFF_BATCH(l->acc, l->n, l->p, l->o);
        if (lane_long(l) < 0)
            return -1;
    }
    while (lane_pos(l, src) < stop)
        if (lane_one(l) < 0)
            return -1;
    return 0;
}

/* Output room a lane needs for the bits [from, to) plus a last symbol
 * running up to 30 bits past 'to' and a stray store. */
static size_t lane_cap(int64_t from, int64_t to)
{
    return (size_t)((to - from + 30) / 5 + 2);
}

#if H2C_HUFF_LANES != 4
#error "decode_lanes() interleaves exactly four lanes"
#endif

/*
 * Decode len (>= H2C_HUFF_LANES_MIN) octets with lanes; dst holds
 * h2c_huff_lanes_room(len) octets.  Same contract as decode_core(), with
 * *eos_bit counted from the first bit of src (negative: a carried one).
 */
static ptrdiff_t decode_lanes(uint64_t *acc_io, unsigned *n_io, uint8_t *dst, const uint8_t *src,
                              size_t len, int64_t *eos_bit)
{
    enum { K = H2C_HUFF_LANES };
    const uint8_t *end = src + len;
    int64_t stop[K], start[K];
    size_t region[K];
    uint32_t bound[K][H2C_HUFF_SYNC]; /* offsets from start[k] of lane k's first symbols */
    lane l[K];
    uint64_t eb = 0;
    size_t at = 0;
    for (int k = 0; k < K; k++) {
        start[k] = k ? 8 * (int64_t)(len * (size_t)k / K) : -(int64_t)*n_io;
        stop[k] = k + 1 < K ? 8 * (int64_t)(len * (size_t)(k + 1) / K) : 8 * (int64_t)len;
        region[k] = at;
        l[k].acc = k ? 0 : *acc_io;
        l[k].n = k ? 0 : *n_io;
        l[k].p = src + (k ? len * (size_t)k / K : 0);
        l[k].o = dst + at;
        at += lane_cap(start[k], stop[k]) + H2C_HUFF_LANE_MARGIN;
    }
    /* Where the later lanes' symbols begin. */
    for (int k = 1; k < K; k++)
        for (int j = 0; j < H2C_HUFF_SYNC; j++) {
            bound[k][j] = (uint32_t)(lane_pos(&l[k], src) - start[k]);
            if (lane_one(&l[k]) < 0)
                goto serial;
        }
    /* All lanes together, two batches (at most 2 * 7 input octets a lane)
     * per round, while each lane has two batches' worth before its stop
     * (lane k's bit position is at most 8 * (p - src), so p <= lim[k]
     * leaves 112 bits) and the last lane 8 octets to read after them (for
     * lane_long()).  The rounds that surely fit are counted up front, so a
     * round tests no position; a lane at a long code stalls (its steps take
     * nothing) until the test after the round, and the long code taken
     * ends the count. */
    {
        const uint8_t *lim[K];
        for (int k = 0; k + 1 < K; k++)
            lim[k] = src + stop[k] / 8 - 2 * H2C_HUFF_BATCH_MAX / 8;
        lim[K - 1] = end - 8 - 2 * H2C_HUFF_BATCH_MAX / 8;
        uint64_t a0 = l[0].acc, a1 = l[1].acc, a2 = l[2].acc, a3 = l[3].acc;
        unsigned n0 = l[0].n, n1 = l[1].n, n2 = l[2].n, n3 = l[3].n;
        const uint8_t *p0 = l[0].p, *p1 = l[1].p, *p2 = l[2].p, *p3 = l[3].p;
        uint8_t *o0 = l[0].o, *o1 = l[1].o, *o2 = l[2].o, *o3 = l[3].o;
        for (;;) {
            ptrdiff_t r = lim[0] - p0, r1 = lim[1] - p1, r2 = lim[2] - p2, r3 = lim[3] - p3;
            r = r1 < r ? r1 : r;
            r = r2 < r ? r2 : r;
            r = r3 < r ? r3 : r;
            if (r < 0)
                break;
            for (size_t rounds = (size_t)r / (2 * H2C_HUFF_BATCH_MAX / 8) + 1; rounds; rounds--) {
                for (int half = 0; half < 2; half++) {
                    H2C_HUFF_REFILL(a0, n0, p0);
                    H2C_HUFF_REFILL(a1, n1, p1);
                    H2C_HUFF_REFILL(a2, n2, p2);
                    H2C_HUFF_REFILL(a3, n3, p3);
                    uint8_t b0 = (uint8_t)n0, b1 = (uint8_t)n1, b2 = (uint8_t)n2, b3 = (uint8_t)n3;
                    for (int i = 0; i < 4; i++) {
                        H2C_HUFF_STEP(a0, b0, o0);
                        H2C_HUFF_STEP(a1, b1, o1);
                        H2C_HUFF_STEP(a2, b2, o2);
                        H2C_HUFF_STEP(a3, b3, o3);
                    }
                    n0 = b0;
                    n1 = b1;
                    n2 = b2;
                    n3 = b3;
                }
                if (((a0 | a1 | a2 | a3) >> (64 - H2C_HUFF_FAST_BITS)) >= H2C_HUFF_LONG_PREFIX) {
                    lane t0 = {a0, n0, p0, o0}, t1 = {a1, n1, p1, o1}, t2 = {a2, n2, p2, o2},
                         t3 = {a3, n3, p3, o3};
                    if (lane_long(&t0) < 0 || lane_long(&t1) < 0 || lane_long(&t2) < 0 ||
                        lane_long(&t3) < 0)
                        goto serial;
                    a0 = t0.acc, n0 = t0.n, p0 = t0.p, o0 = t0.o;
                    a1 = t1.acc, n1 = t1.n, p1 = t1.p, o1 = t1.o;
                    a2 = t2.acc, n2 = t2.n, p2 = t2.p, o2 = t2.o;
                    a3 = t3.acc, n3 = t3.n, p3 = t3.p, o3 = t3.o;
                    break;
                }
            }
        }
        l[0] = (lane){a0, n0, p0, o0};
        l[1] = (lane){a1, n1, p1, o1};
        l[2] = (lane){a2, n2, p2, o2};
        l[3] = (lane){a3, n3, p3, o3};
    }
    for (int k = 0; k + 1 < K; k++)
        if (lane_finish(&l[k], src, stop[k]) < 0)
            goto serial;
    {
        ptrdiff_t w = decode_core(&l[K - 1].acc, &l[K - 1].n, l[K - 1].o, l[K - 1].p,
                                  (size_t)(end - l[K - 1].p), &eb);
        if (w < 0)
            goto serial;
        l[K - 1].o += w;
    }
    /* Stitch: the true decoding is lane k-1; find a boundary it shares
     * with lane k. */
    for (int k = 1; k < K; k++) {
        lane *t = &l[k - 1];
        uint8_t *base = dst + region[k];
        int j = 0;
        for (;;) {
            int64_t pos = lane_pos(t, src) - start[k];
            while (j < H2C_HUFF_SYNC && (int64_t)bound[k][j] < pos)
                j++;
            if (j == H2C_HUFF_SYNC || t->o + 1 > base + j)
                goto from_true; /* no common boundary, or no room: serial */
            if ((int64_t)bound[k][j] == pos)
                break;
            if (lane_one(t) < 0)
                goto from_true;
        }
        size_t count = (size_t)(l[k].o - (base + j));
        memmove(t->o, base + j, count);
        l[k].o = t->o + count;
        continue;
    from_true : {
        /* Serial from the true position to the end. */
        int64_t at_bit = lane_pos(t, src);
        ptrdiff_t w = decode_core(&t->acc, &t->n, t->o, t->p, (size_t)(end - t->p), &eb);
        if (w < 0) {
            *eos_bit = at_bit + (int64_t)eb;
            return -1;
        }
        *acc_io = t->acc;
        *n_io = t->n;
        return t->o + w - dst;
    }
    }
    *acc_io = l[K - 1].acc;
    *n_io = l[K - 1].n;
    return l[K - 1].o - dst;

serial : {
    unsigned n0 = *n_io;
    ptrdiff_t w = decode_core(acc_io, n_io, dst, src, len, &eb);
    if (w < 0)
        *eos_bit = (int64_t)eb - (int64_t)n0;
    return w;
}
}

#endif
