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
    /* Lane 0 past the bits carried from an earlier piece: they hold no
     * whole code, so one symbol takes it to a bit position >= 0. */
    if (l[0].n && lane_one(&l[0]) < 0)
        goto serial;
    /* All lanes together, two batches per round, while each lane has two
     * batches' worth of bits (2 * H2C_HUFF_BATCH_MAX) before its stop and
     * the last lane 9 octets to read after them (for the lane record, its
     * refill and lane_long()).  A lane is its bit position q and output pointer
     * alone: each batch loads the accumulator afresh from q's octet (57 or
     * more true bits), so no count of pending bits and no input pointer
     * stay live, and the four lanes fit the registers.  The rounds that
     * surely fit are counted up front, so a round tests no position; a
     * lane at a long code stalls (its steps take nothing) until the test
     * after the round, and the long code taken ends the count. */
    {
        uint64_t lim[K], q[K];
        for (int k = 0; k < K; k++) {
            lim[k] = (uint64_t)(k + 1 < K ? stop[k] : 8 * (int64_t)(len - 9)) -
                     2 * H2C_HUFF_BATCH_MAX;
            q[k] = (uint64_t)lane_pos(&l[k], src);
        }
        uint8_t *o0 = l[0].o, *o1 = l[1].o, *o2 = l[2].o, *o3 = l[3].o;
        uint64_t q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
        for (;;) {
            if (q0 > lim[0] || q1 > lim[1] || q2 > lim[2] || q3 > lim[3])
                break;
            uint64_t r = lim[0] - q0, r1 = lim[1] - q1, r2 = lim[2] - q2, r3 = lim[3] - q3;
            r = r1 < r ? r1 : r;
            r = r2 < r ? r2 : r;
            r = r3 < r ? r3 : r;
            uint64_t a0, a1, a2, a3;
            uint64_t rounds = r / (2 * H2C_HUFF_BATCH_MAX) + 1; /* at least one */
            do {
                for (int half = 0; half < 2; half++) {
                    a0 = load_be64(src + (q0 >> 3)) << (q0 & 7);
                    a1 = load_be64(src + (q1 >> 3)) << (q1 & 7);
                    a2 = load_be64(src + (q2 >> 3)) << (q2 & 7);
                    a3 = load_be64(src + (q3 >> 3)) << (q3 & 7);
                    for (int i = 0; i < 4; i++) {
                        H2C_HUFF_QSTEP(a0, q0, o0);
                        H2C_HUFF_QSTEP(a1, q1, o1);
                        H2C_HUFF_QSTEP(a2, q2, o2);
                        H2C_HUFF_QSTEP(a3, q3, o3);
                    }
                }
                if (((a0 | a1 | a2 | a3) >> (64 - H2C_HUFF_FAST_BITS)) >= H2C_HUFF_LONG_PREFIX)
                    break;
            } while (--rounds);
            q[0] = q0, q[1] = q1, q[2] = q2, q[3] = q3;
            l[0].o = o0, l[1].o = o1, l[2].o = o2, l[3].o = o3;
            for (int k = 0; k < K; k++) { /* the lane record at q */
                l[k].p = src + (q[k] >> 3) + 1;
                l[k].n = 8 - (unsigned)(q[k] & 7);
                l[k].acc = (uint64_t)src[q[k] >> 3] << (56 + (q[k] & 7));
            }
            if (((a0 | a1 | a2 | a3) >> (64 - H2C_HUFF_FAST_BITS)) < H2C_HUFF_LONG_PREFIX)
                continue; /* the count ran out */
            for (int k = 0; k < K; k++) {
                H2C_HUFF_REFILL(l[k].acc, l[k].n, l[k].p); /* true bits for lane_long() */
                if (lane_long(&l[k]) < 0)
                    goto serial;
                q[k] = (uint64_t)lane_pos(&l[k], src);
            }
            q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
            o0 = l[0].o, o1 = l[1].o, o2 = l[2].o, o3 = l[3].o;
        }
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
