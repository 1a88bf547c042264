/* SPDX-License-Identifier: MIT */
/* The validator's entry for the connection, inside the library. */
#ifndef H2C_FIELDS_INT_H
#define H2C_FIELDS_INT_H

#include <h2codec/fields.h>

/* h2c_fields_validator_push_trusted() without its argument checks, for a
 * caller that holds an open validator and views that are never NULL with
 * a length; trusted holds H2C_FIELDS_TRUSTED_* only. */
int h2c_fields_push_known(h2c_fields_validator *v, const uint8_t *name, size_t name_len,
                          const uint8_t *value, size_t value_len, uint32_t trusted);

/* Copy n octets from src to dst, and say whether they are all plain:
 * 1 if every one is from SP to '~' (so no control character or DEL, and no
 * HTAB or obs-text either), 0 otherwise.  One pass over long values that
 * are both kept and checked; 0 leaves the exact answer to the validator. */
int h2c_fields_copy_plain(uint8_t *restrict dst, const uint8_t *restrict src, size_t n);

#endif
