/* SPDX-License-Identifier: MIT */
/*
 * The output queue and the control frames the connection writes itself.
 * Queued octets wait in one buffer, out[out_head .. out_len); the caller
 * takes them from the front.  The buffer grows by doubling with use and is
 * compacted when the front has been taken, so a connection that is drained
 * regularly stops allocating.
 */
#include <string.h>

#include "conn_int.h"

int h2c_out_reserve(h2c_conn *c, size_t n, int force)
{
    size_t queued = c->out_len - c->out_head;
    size_t max = c->o.limits.max_output;
    if (!force && max && queued + n > max)
        return H2C_E_BUFFER_TOO_SMALL;
    if (c->out_head && c->out_len + n > c->out_cap) { /* compact first */
        memmove(c->out, c->out + c->out_head, queued);
        c->out_head = 0;
        c->out_len = queued;
    }
    size_t need = c->out_len + n;
    if (need <= c->out_cap)
        return H2C_OK;
    /* doubling stops at the bound; past it only frames the connection must
     * write come (a GOAWAY, WINDOW_UPDATEs of consume()), with headroom */
    size_t lim = !max ? SIZE_MAX : need > max ? need + (max >> 4) + 256 : max;
    return h2c_conn_grow(c, &c->out, &c->out_cap, need, lim);
}

/* Room for a control frame.  One the peer's behaviour forces on us (an
 * ACK, a RST_STREAM) that would pass the output bound means the peer sends
 * faster than it reads: a flood (CVE-2019-9512, 9514, 9515).  One the
 * caller asked for is refused, and the caller may try again later. */
static int control_room(h2c_conn *c, size_t n, int mode)
{
    int rc = h2c_out_reserve(c, n, mode == OUT_ALWAYS);
    if (rc == H2C_E_BUFFER_TOO_SMALL && mode == OUT_OURS)
        return rc;
    if (rc == H2C_E_BUFFER_TOO_SMALL)
        return h2c_conn_fail(c, H2C_CONN_E_FLOOD, H2C_H2_ENHANCE_YOUR_CALM, 0, 0,
                             "answers to the peer pile up unread (output limit)");
    if (rc != H2C_OK)
        return h2c_conn_fail(c, rc, H2C_H2_INTERNAL_ERROR, 0, 0, "out of memory");
    return H2C_OK;
}

int h2c_out_simple(h2c_conn *c, uint8_t type, uint8_t flags, uint32_t stream,
                   const uint8_t *payload, size_t len, int mode)
{
    if (c->observe)
        return H2C_OK; /* an observer answers nothing */
    int rc = control_room(c, 9 + len, mode);
    if (rc != H2C_OK)
        return rc;
    uint8_t *p = h2c_out_tail(c);
    h2c_out_header(p, (uint32_t)len, type, flags, stream);
    if (len)
        memcpy(p + 9, payload, len);
    c->out_len += 9 + len;
    return H2C_OK;
}

int h2c_out_rst(h2c_conn *c, uint32_t stream, uint32_t code, int mode)
{
    uint8_t b[4];
    h2c_put32(b, code);
    return h2c_out_simple(c, H2C_FRAME_TYPE_RST_STREAM, 0, stream, b, 4, mode);
}

int h2c_out_window_update(h2c_conn *c, uint32_t stream, uint32_t increment)
{
    uint8_t b[4];
    h2c_put32(b, increment & H2C_WINDOW_MAX);
    return h2c_out_simple(c, H2C_FRAME_TYPE_WINDOW_UPDATE, 0, stream, b, 4, OUT_ALWAYS);
}

int h2c_out_goaway(h2c_conn *c, uint32_t last, uint32_t code, const uint8_t *debug, size_t len)
{
    if (c->observe)
        return H2C_OK;
    if (len > 256)
        len = 256;
    int rc = h2c_out_reserve(c, 17 + len, 1);
    if (rc != H2C_OK)
        return rc;
    uint8_t *p = h2c_out_tail(c);
    h2c_out_header(p, (uint32_t)(8 + len), H2C_FRAME_TYPE_GOAWAY, 0, 0);
    h2c_put32(p + 9, last & H2C_WINDOW_MAX);
    h2c_put32(p + 13, code);
    if (len)
        memcpy(p + 17, debug, len);
    c->out_len += 17 + len;
    return H2C_OK;
}

/* SETTINGS with the entries of *s that differ from *base. */
int h2c_out_settings(h2c_conn *c, const h2c_conn_settings *s, const h2c_conn_settings *base,
                     int mode)
{
    const struct {
        uint16_t id;
        uint32_t v, old;
    } e[] = {
        {H2C_FRAME_SETTINGS_HEADER_TABLE_SIZE, s->header_table_size, base->header_table_size},
        {H2C_FRAME_SETTINGS_ENABLE_PUSH, s->enable_push, base->enable_push},
        {H2C_FRAME_SETTINGS_MAX_CONCURRENT_STREAMS, s->max_concurrent_streams,
         base->max_concurrent_streams},
        {H2C_FRAME_SETTINGS_INITIAL_WINDOW_SIZE, s->initial_window_size,
         base->initial_window_size},
        {H2C_FRAME_SETTINGS_MAX_FRAME_SIZE, s->max_frame_size, base->max_frame_size},
        {H2C_FRAME_SETTINGS_MAX_HEADER_LIST_SIZE, s->max_header_list_size,
         base->max_header_list_size},
        {H2C_FRAME_SETTINGS_ENABLE_CONNECT_PROTOCOL, s->enable_connect_protocol,
         base->enable_connect_protocol},
    };
    uint8_t payload[6 * 7];
    size_t n = 0;
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
        if (e[i].v == e[i].old)
            continue;
        payload[n] = (uint8_t)(e[i].id >> 8);
        payload[n + 1] = (uint8_t)e[i].id;
        h2c_put32(payload + n + 2, e[i].v);
        n += 6;
    }
    return h2c_out_simple(c, H2C_FRAME_TYPE_SETTINGS, 0, 0, payload, n, mode);
}

size_t h2c_conn_output_len(const h2c_conn *c)
{
    return c ? c->out_len - c->out_head : 0;
}

h2c_view h2c_conn_output(const h2c_conn *c)
{
    h2c_view v = {NULL, 0};
    if (c && c->out_len > c->out_head) {
        v.ptr = c->out + c->out_head;
        v.len = c->out_len - c->out_head;
    }
    return v;
}

void h2c_conn_output_consume(h2c_conn *c, size_t n)
{
    if (!c)
        return;
    size_t queued = c->out_len - c->out_head;
    c->out_head += n < queued ? n : queued;
    if (c->out_head == c->out_len)
        c->out_head = c->out_len = 0;
}

size_t h2c_conn_send(h2c_conn *c, uint8_t *out, size_t cap)
{
    h2c_view v = h2c_conn_output(c);
    size_t n = v.len < cap ? v.len : cap;
    if (n)
        memcpy(out, v.ptr, n);
    h2c_conn_output_consume(c, n);
    return n;
}
