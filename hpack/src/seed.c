/* SPDX-License-Identifier: MIT */
/*
 * The encoder's hash seed.  A peer that knows the hash could choose fields
 * that all land in one bucket of the encoder's table index (each lookup then
 * walks the whole chain) or in one slot of the adaptive policy's per-name
 * statistics; a secret seed per encoder takes that away.
 */
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

static int seed_from_os(uint64_t *out)
{
#if defined(H2C_HAVE_GETRANDOM)
    /* GRND_NONBLOCK: early in boot, before the pool is ready, fall back
     * rather than block the caller's encoder_new(). */
    if (getrandom(out, sizeof *out, GRND_NONBLOCK) == (ssize_t)sizeof *out)
        return 1;
#endif
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f)
        return 0;
    (void)setvbuf(f, NULL, _IONBF, 0); /* read 8 octets, not a whole buffer */
    size_t got = fread(out, 1, sizeof *out, f);
    (void)fclose(f); /* read-only: nothing to lose */
    return got == sizeof *out;
}

uint64_t h2c_hpack_seed_draw(const void *salt)
{
    uint64_t s = 0;
    if (seed_from_os(&s))
        return s ^ mix64((uint64_t)(uintptr_t)salt);
    /* Neither source works (a sandbox without /dev, an old kernel): not
     * secret any more, but still different per encoder and per process.
     * (No counter: encoders may be created from several threads.) */
    uint64_t x = (uint64_t)(uintptr_t)salt;
    x = mix64(x ^ (uint64_t)(uintptr_t)&s);
    x = mix64(x ^ (uint64_t)time(NULL));
    x = mix64(x ^ (uint64_t)clock());
    return x;
}
