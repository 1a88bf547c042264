/* SPDX-License-Identifier: MIT */
/*
 * Internal: the encoder's secret hash seed (see h2c_hpack_encoder_options).
 */
#ifndef H2C_HPACK_SEED_H
#define H2C_HPACK_SEED_H

#include <stdint.h>

/* 64 unpredictable bits: getrandom() where the C library has it, else
 * /dev/urandom, else (neither works) a mix of addresses, the time and a
 * counter, which still differs between processes under ASLR but is not
 * secret.  'salt' is mixed in (the encoder passes its own address). */
uint64_t h2c_hpack_seed_draw(const void *salt);

#endif
