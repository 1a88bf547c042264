/* SPDX-License-Identifier: MIT */
/* Internal: the per-context allocator (shared by every library). */
#ifndef H2C_HPACK_ALLOC_H
#define H2C_HPACK_ALLOC_H

#include <h2codec/hpack.h>

#include "../../common/src/alloc_int.h"

#endif
