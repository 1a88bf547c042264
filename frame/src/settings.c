/* SPDX-License-Identifier: MIT */
/* SETTINGS entries: value checks (6.5.2, RFC 8441, RFC 9218) and access. */
#include "frame_int.h"

int h2c_frame_settings_check(const uint8_t *raw, size_t count, size_t *bad_index,
                             const char **reason)
{
    for (size_t i = 0; i < count; i++) {
        uint32_t id = h2c_frame_get16(raw + 6 * i);
        uint32_t v = h2c_frame_get32(raw + 6 * i + 2);
        int rc = H2C_OK;
        switch (id) {
        case H2C_FRAME_SETTINGS_ENABLE_PUSH:
            if (v > 1) {
                rc = H2C_FRAME_E_SETTINGS_VALUE;
                *reason = "SETTINGS_ENABLE_PUSH not 0 or 1";
            }
            break;
        case H2C_FRAME_SETTINGS_INITIAL_WINDOW_SIZE:
            if (v > H2C_FRAME_MAX_31BIT) {
                rc = H2C_FRAME_E_SETTINGS_WINDOW;
                *reason = "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1";
            }
            break;
        case H2C_FRAME_SETTINGS_MAX_FRAME_SIZE:
            if (v < H2C_FRAME_MAX_FRAME_SIZE_MIN || v > H2C_FRAME_MAX_FRAME_SIZE_MAX) {
                rc = H2C_FRAME_E_SETTINGS_VALUE;
                *reason = "SETTINGS_MAX_FRAME_SIZE outside 2^14..2^24-1";
            }
            break;
        case H2C_FRAME_SETTINGS_ENABLE_CONNECT_PROTOCOL:
            if (v > 1) {
                rc = H2C_FRAME_E_SETTINGS_VALUE;
                *reason = "SETTINGS_ENABLE_CONNECT_PROTOCOL not 0 or 1";
            }
            break;
        case H2C_FRAME_SETTINGS_NO_RFC7540_PRIORITIES:
            if (v > 1) {
                rc = H2C_FRAME_E_SETTINGS_VALUE;
                *reason = "SETTINGS_NO_RFC7540_PRIORITIES not 0 or 1";
            }
            break;
        default: break; /* 6.5.2: unknown identifiers are passed on, never an error */
        }
        if (rc < 0) {
            *bad_index = i;
            return rc;
        }
    }
    return H2C_OK;
}

int h2c_frame_settings_get(const h2c_frame *f, size_t i, h2c_frame_setting *out)
{
    if (!f || !out || f->hd.type != H2C_FRAME_TYPE_SETTINGS || i >= f->u.settings.count)
        return H2C_E_INVALID_ARGUMENT;
    if (f->u.settings.list) {
        *out = f->u.settings.list[i];
        return H2C_OK;
    }
    if (f->u.settings.raw.len / 6 <= i)
        return H2C_E_INVALID_ARGUMENT;
    const uint8_t *p = f->u.settings.raw.ptr + 6 * i;
    out->id = (uint16_t)h2c_frame_get16(p);
    out->value = h2c_frame_get32(p + 2);
    return H2C_OK;
}
