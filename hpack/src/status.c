/* SPDX-License-Identifier: MIT */
/* Status vocabulary shared by the decoder and encoder, and the libc allocator. */
#include <h2codec/hpack.h>

#include <stdlib.h>

#include "hpack_alloc.h"

typedef struct status_info {
    int status;
    const char *name;
    const char *reason;
} status_info;

static const status_info statuses[] = {
    { H2C_HPACK_OK, "H2C_HPACK_OK", "success" },
    { H2C_HPACK_FIELD, "H2C_HPACK_FIELD", "field decoded" },
    { H2C_HPACK_E_INDEX_ZERO, "H2C_HPACK_E_INDEX_ZERO", "index 0 in an indexed representation" },
    { H2C_HPACK_E_INDEX_RANGE, "H2C_HPACK_E_INDEX_RANGE", "index past the static and dynamic table" },
    { H2C_HPACK_E_INTEGER_OVERFLOW, "H2C_HPACK_E_INTEGER_OVERFLOW",
      "integer does not fit in 32 bits or is over-long" },
    { H2C_HPACK_E_HUFFMAN_EOS, "H2C_HPACK_E_HUFFMAN_EOS", "Huffman string contains EOS" },
    { H2C_HPACK_E_HUFFMAN_PADDING, "H2C_HPACK_E_HUFFMAN_PADDING",
      "Huffman padding longer than 7 bits" },
    { H2C_HPACK_E_HUFFMAN_BAD_PAD, "H2C_HPACK_E_HUFFMAN_BAD_PAD",
      "Huffman padding is not a prefix of EOS" },
    { H2C_HPACK_E_TABLE_UPDATE_SIZE, "H2C_HPACK_E_TABLE_UPDATE_SIZE",
      "table size update above the acknowledged maximum" },
    { H2C_HPACK_E_TABLE_UPDATE_LATE, "H2C_HPACK_E_TABLE_UPDATE_LATE",
      "table size update after the first field of a block" },
    { H2C_HPACK_E_TABLE_UPDATE_MISSING, "H2C_HPACK_E_TABLE_UPDATE_MISSING",
      "required table size update missing at block start" },
    { H2C_HPACK_E_TRUNCATED, "H2C_HPACK_E_TRUNCATED", "header block ended inside a representation" },
    { H2C_HPACK_E_LIST_SIZE, "H2C_HPACK_E_LIST_SIZE", "decoded header list too large" },
    { H2C_HPACK_E_STRING_LENGTH, "H2C_HPACK_E_STRING_LENGTH", "string longer than the limit" },
    { H2C_HPACK_E_FIELD_COUNT, "H2C_HPACK_E_FIELD_COUNT", "too many fields in one block" },
    { H2C_HPACK_E_NOMEM, "H2C_HPACK_E_NOMEM", "out of memory" },
    { H2C_HPACK_E_BUFFER_TOO_SMALL, "H2C_HPACK_E_BUFFER_TOO_SMALL", "output buffer too small" },
    { H2C_HPACK_E_INVALID_ARGUMENT, "H2C_HPACK_E_INVALID_ARGUMENT", "invalid argument" },
    { H2C_HPACK_E_STATE, "H2C_HPACK_E_STATE", "call not allowed in the current state" },
};

static const status_info *find(int status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].status == status)
            return &statuses[i];
    return NULL;
}

const char *h2c_hpack_strerror(int status)
{
    const status_info *s = find(status);
    return s ? s->reason : "unknown status";
}

const char *h2c_hpack_status_name(int status)
{
    const status_info *s = find(status);
    return s ? s->name : "H2C_HPACK_E_UNKNOWN";
}

uint32_t h2c_hpack_h2_error(int status)
{
    /* Decoding errors occupy -1..-19: all COMPRESSION_ERROR, including ones
     * added later in that range. */
    if (status <= -1 && status >= -19)
        return 0x9;
    if (status == H2C_HPACK_E_NOMEM)
        return 0x2;
    return 0x0;
}

const char *h2c_hpack_h2_error_name(int status)
{
    switch (h2c_hpack_h2_error(status)) {
    case 0x9:
        return "COMPRESSION_ERROR";
    case 0x2:
        return "INTERNAL_ERROR";
    default:
        return "NO_ERROR";
    }
}

const char *h2c_hpack_version(void)
{
    return "0.1.0";
}

static void *libc_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return malloc(size ? size : 1);
}

static void libc_free(void *opaque, void *ptr)
{
    (void)opaque;
    free(ptr);
}

void h2c_alloc_init(h2c_hpack_allocator *dst, const h2c_hpack_allocator *a)
{
    if (a && a->alloc && a->free) {
        *dst = *a;
    } else {
        dst->alloc = libc_alloc;
        dst->free = libc_free;
        dst->opaque = NULL;
    }
}
