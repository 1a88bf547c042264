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

#endif
