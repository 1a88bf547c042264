/* SPDX-License-Identifier: MIT */
/*
 * Internal: the encoder's secret hash seed (see h2c_hpack_encoder_options).
 */
#ifndef H2C_HPACK_SEED_H
#define H2C_HPACK_SEED_H

#include <stdint.h>

/* 64 unpredictable bits: SipHash-2-4 of a counter under a process key
 * drawn once with getrandom() where the C library has it, else from
 * /dev/urandom; while no key can be had, eight octets from those sources,
 * else (neither works) a mix of addresses, the time and a counter, which
 * still differs between processes under ASLR but is not secret.  'salt'
 * (the encoder passes its own address) is mixed into the last two. */
uint64_t h2c_hpack_seed_draw(const void *salt);

/* SipHash-2-4 of the 8-octet little-endian message m under (k0, k1). */
uint64_t h2c_hpack_siphash_u64(uint64_t k0, uint64_t k1, uint64_t m);

#endif
