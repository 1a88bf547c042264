/* SPDX-License-Identifier: MIT */
/*
 * The encoder's hash seed.  A peer that knows the hash could choose fields
 * that all land in one bucket of the encoder's table index (each lookup then
 * walks the whole chain) or in one slot of the adaptive policy's per-name
 * statistics; a secret seed per encoder takes that away.
 *
 * Asking the kernel for eight octets per encoder costs a system call, which
 * was nearly all of the time to create and free an encoder (1 to 7 us under
 * load, against about 150 ns for the rest).  So the kernel is asked once per
 * process, for a 128-bit key, and each encoder's seed is SipHash-2-4 of a
 * counter under that key: a pseudorandom function, so one seed, even if it
 * leaked, tells nothing about another.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "seed.h"

/* getrandom(): Linux with glibc 2.25 or later, or musl. */
#if defined(__linux__)
#include <sys/random.h>
#define H2C_HAVE_GETRANDOM 1
#endif

/* splitmix64's finaliser: every input bit reaches every output bit. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ x >> 31;
}

static int seed_from_os(void *out, size_t n)
{
#if defined(H2C_HAVE_GETRANDOM)
    /* GRND_NONBLOCK: early in boot, before the pool is ready, fall back
     * rather than block the caller's encoder_new(). */
    if (getrandom(out, n, GRND_NONBLOCK) == (ssize_t)n)
        return 1;
#endif
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f)
        return 0;
    (void)setvbuf(f, NULL, _IONBF, 0); /* read n octets, not a whole buffer */
    size_t got = fread(out, 1, n, f);
    (void)fclose(f); /* read-only: nothing to lose */
    return got == n;
}

#define ROTL(x, b) ((uint64_t)((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = ROTL(v[1], 13) ^ v[0];
    v[0] = ROTL(v[0], 32);
    v[2] += v[3];
    v[3] = ROTL(v[3], 16) ^ v[2];
    v[0] += v[3];
    v[3] = ROTL(v[3], 21) ^ v[0];
    v[2] += v[1];
    v[1] = ROTL(v[1], 17) ^ v[2];
    v[2] = ROTL(v[2], 32);
}

/* SipHash-2-4 (Aumasson and Bernstein, 2012) of one 8-octet message m,
 * taken as a little-endian word, under the key (k0, k1). */
uint64_t h2c_hpack_siphash_u64(uint64_t k0, uint64_t k1, uint64_t m)
{
    uint64_t v[4] = {k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
                     k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull};
    const uint64_t last = (uint64_t)8 << 56; /* no tail octets, length 8 */
    v[3] ^= m;
    sip_round(v);
    sip_round(v);
    v[0] ^= m;
    v[3] ^= last;
    sip_round(v);
    sip_round(v);
    v[0] ^= last;
    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* The process key.  key_state: 0 not drawn, 1 being drawn by one thread,
 * 2 ready (the key words are then read-only).  A thread that finds 0 or 1
 * does not wait: it draws a seed from the kernel itself, as every encoder
 * did before.  After fork() the child keeps the key and the counter; its
 * seeds are still unknown to a peer, which is all they must be. */
static atomic_int key_state;
static uint64_t key[2];
static atomic_ulong counter;

static int key_ready(void)
{
    if (atomic_load_explicit(&key_state, memory_order_acquire) == 2)
        return 1;
    int expect = 0;
    if (!atomic_compare_exchange_strong(&key_state, &expect, 1))
        return 0; /* another thread is drawing it */
    if (!seed_from_os(key, sizeof key)) {
        atomic_store_explicit(&key_state, 0, memory_order_release); /* try again later */
        return 0;
    }
    atomic_store_explicit(&key_state, 2, memory_order_release);
    return 1;
}

uint64_t h2c_hpack_seed_draw(const void *salt)
{
    uint64_t s = 0;
    if (key_ready()) {
        uint64_t n = atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
        return h2c_hpack_siphash_u64(key[0], key[1], n);
    }
    if (seed_from_os(&s, sizeof s))
        return s ^ mix64((uint64_t)(uintptr_t)salt);
    /* Neither source works (a sandbox without /dev, an old kernel): not
     * secret any more, but still different per encoder and per process. */
    uint64_t x = (uint64_t)(uintptr_t)salt;
    x = mix64(x ^ (uint64_t)(uintptr_t)&s);
    x = mix64(x ^ atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed));
    x = mix64(x ^ (uint64_t)time(NULL));
    x = mix64(x ^ (uint64_t)clock());
    return x;
}
