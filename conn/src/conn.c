/* SPDX-License-Identifier: MIT */
/*
 * Creating and freeing a connection, its memory, and what it tells about
 * itself.
 */
#include <stdlib.h>
#include <string.h>

#include "conn_int.h"

#include "../../common/src/alloc_int.h"

void *h2c_conn_alloc(h2c_conn *c, size_t n)
{
    void *p = c->al.alloc(c->al.opaque, n);
    if (p)
        c->heap += n;
    return p;
}

void h2c_conn_dealloc(h2c_conn *c, void *p, size_t n)
{
    if (!p)
        return;
    c->heap -= n;
    c->al.free(c->al.opaque, p);
}

int h2c_conn_grow(h2c_conn *c, uint8_t **buf, size_t *cap, size_t need, size_t max)
{
    if (need <= *cap)
        return H2C_OK;
    if (need > max)
        return H2C_E_BUFFER_TOO_SMALL;
    size_t ncap = h2c_conn_grow_cap(*cap, need);
    if (ncap > max)
        ncap = max;
    uint8_t *nb = h2c_conn_alloc(c, ncap);
    if (!nb)
        return H2C_E_NOMEM;
    if (*cap)
        memcpy(nb, *buf, *cap);
    h2c_conn_dealloc(c, *buf, *cap);
    *buf = nb;
    *cap = ncap;
    return H2C_OK;
}

static const h2c_conn_settings protocol_initial = {
    4096, 1, UINT32_MAX, H2C_DEFAULT_WINDOW, 16384, UINT32_MAX, 0,
};

void h2c_conn_options_init(h2c_conn_options *o, int role)
{
    memset(o, 0, sizeof *o);
    o->role = role;
    o->settings = protocol_initial;
    o->settings.enable_push = 0;
    o->settings.max_concurrent_streams = 100;
    o->settings.max_header_list_size = 65536;
    o->connection_window = H2C_DEFAULT_WINDOW;
    o->limits.max_output = 1u << 20;
    o->limits.max_peer_resets = 200;
    o->limits.max_stream_errors = 200;
    o->limits.max_empty_frames = 1000;
    o->limits.max_continuations = 512;
    o->limits.max_block_size = 131072;
    o->limits.max_settings_entries = 32;
    o->limits.max_unacked_settings = 8;
    o->limits.max_reserved_streams = 100;
    o->hpack_policy = H2C_HPACK_POLICY_ADAPTIVE;
    o->observe_preface = H2C_FRAME_PREFACE_AUTO;
}

static int settings_valid(const h2c_conn_settings *s)
{
    return s->enable_push <= 1 && s->initial_window_size <= H2C_WINDOW_MAX &&
           s->max_frame_size >= 16384 && s->max_frame_size <= 16777215 &&
           s->enable_connect_protocol <= 1;
}

/* The codecs' allocator: the connection's, through a counting shim, so
 * that h2c_conn_memory() covers them too. */
typedef struct sized {
    size_t n;
    size_t pad; /* keeps the payload malloc-aligned */
} sized;

static void *codec_alloc(void *opaque, size_t n)
{
    h2c_conn *c = opaque;
    sized *p = h2c_conn_alloc(c, sizeof(sized) + n);
    if (!p)
        return NULL;
    p->n = n;
    return p + 1;
}

static void codec_free(void *opaque, void *ptr)
{
    if (!ptr)
        return;
    sized *p = (sized *)ptr - 1;
    h2c_conn_dealloc(opaque, p, sizeof(sized) + p->n);
}

int h2c_conn_new(h2c_conn **out, const h2c_conn_options *o)
{
    if (!out)
        return H2C_E_INVALID_ARGUMENT;
    *out = NULL;
    h2c_conn_options def;
    if (!o) {
        h2c_conn_options_init(&def, H2C_CONN_SERVER);
        o = &def;
    }
    if ((o->role != H2C_CONN_CLIENT && o->role != H2C_CONN_SERVER) ||
        !settings_valid(&o->settings) || o->connection_window < H2C_DEFAULT_WINDOW ||
        o->connection_window > H2C_WINDOW_MAX)
        return H2C_E_INVALID_ARGUMENT;
    h2c_allocator al;
    h2c_alloc_init(&al, o->allocator);
    h2c_conn *c = h2c_alloc(&al, sizeof *c);
    if (!c)
        return H2C_E_NOMEM;
    memset(c, 0, sizeof *c);
    c->al = al;
    c->heap = sizeof *c;
    c->o = *o;
    c->o.allocator = NULL;
    c->server = o->role == H2C_CONN_SERVER;
    c->observe = (o->flags & H2C_CONN_OBSERVE) != 0;
    c->local = protocol_initial;
    c->last_sent = protocol_initial;
    c->remote = protocol_initial;
    c->send_window = H2C_DEFAULT_WINDOW;
    c->recv_window = H2C_DEFAULT_WINDOW;
    c->next_local_id = c->server ? 2 : 1;
    c->blk_content_length = -1;
    c->err.reason = h2c_strerror(H2C_OK);
    c->sent = c->sent_one;
    c->sent_cap = 1;
    c->pending = c->pending_one;
    c->pending_cap = QUEUE_ENDPOINT;
    if (c->observe) { /* an observer's frames give more events (conn_int.h) */
        c->pending = h2c_conn_alloc(c, QUEUE_OBSERVER * sizeof *c->pending);
        c->pending_cap = QUEUE_OBSERVER;
        if (!c->pending) {
            al.free(al.opaque, c);
            return H2C_E_NOMEM;
        }
    }

    h2c_allocator shim = {codec_alloc, codec_free, c};
    h2c_frame_parser_options po;
    h2c_frame_parser_options_init(&po);
    po.preface = c->observe  ? o->observe_preface
                 : c->server ? H2C_FRAME_PREFACE_EXPECT
                             : H2C_FRAME_PREFACE_NONE;
    /* Observing, the parser's count is the limit; otherwise recv.c counts
     * empty frames net of useful ones, so a long connection never adds up
     * to the parser's lifetime total. */
    po.max_empty_frames = c->observe ? o->limits.max_empty_frames : 0;
    if (c->observe) /* no acknowledgements to wait for: settings apply at once */
        po.max_frame_size = o->settings.max_frame_size;
    po.max_settings = o->limits.max_settings_entries ? o->limits.max_settings_entries
                                                     : UINT32_MAX;
    po.allocator = &shim;
    int rc = h2c_frame_parser_new(&c->parser, &po);
    if (rc == H2C_OK) {
        h2c_frame_assembler_options ao;
        h2c_frame_assembler_options_init(&ao);
        ao.max_continuations = o->limits.max_continuations ? o->limits.max_continuations
                                                           : UINT32_MAX;
        ao.max_block_size = o->limits.max_block_size ? o->limits.max_block_size : SIZE_MAX;
        ao.allocator = &shim;
        rc = h2c_frame_assembler_new(&c->asmb, &ao);
    }
    if (rc == H2C_OK) {
        /* A block over our list limit is decoded to the end, to keep the
         * table in sync, and refused at stream level (SKIP_OVERSIZED); the
         * limit is set for each block (block_reset()). */
        h2c_hpack_decoder_options dopt;
        h2c_hpack_decoder_options_init(&dopt);
        dopt.max_table_size = c->observe ? o->settings.header_table_size : 4096;
        dopt.lenient = o->hpack_lenient;
        dopt.flags = H2C_HPACK_SKIP_OVERSIZED;
        dopt.max_list_size = o->settings.max_header_list_size ? o->settings.max_header_list_size
                                                              : 1;
        dopt.max_fields = UINT32_MAX;
        dopt.max_string_len = o->limits.max_block_size ? 8 * o->limits.max_block_size : 1u << 20;
        dopt.allocator = &shim;
        rc = h2c_hpack_decoder_new(&c->dec, &dopt);
    }
    if (rc == H2C_OK) {
        h2c_hpack_encoder_options eo;
        h2c_hpack_encoder_options_init(&eo);
        eo.max_table_size = 4096;
        eo.policy_kind = o->hpack_policy;
        eo.allocator = &shim;
        rc = h2c_hpack_encoder_new(&c->enc, &eo);
    }
    /* Our preface: the client's magic, then SETTINGS (6.5: first frame). */
    if (c->observe) {
        c->local = o->settings;
        c->last_sent = o->settings;
        c->got_settings = 1; /* a capture may start anywhere */
    }
    if (rc == H2C_OK && !c->server && !c->observe) {
        rc = h2c_out_reserve(c, H2C_FRAME_CLIENT_PREFACE_LEN, 1);
        if (rc == H2C_OK) {
            memcpy(h2c_out_tail(c), H2C_FRAME_CLIENT_PREFACE, H2C_FRAME_CLIENT_PREFACE_LEN);
            c->out_len += H2C_FRAME_CLIENT_PREFACE_LEN;
        }
    }
    if (rc == H2C_OK && !c->observe) {
        /* Values equal to the protocol's initial ones are left out. */
        rc = h2c_out_settings(c, &o->settings, &protocol_initial, OUT_ALWAYS);
        c->sent[0] = o->settings;
        c->nsent = 1;
        c->last_sent = o->settings;
    }
    if (rc == H2C_OK && !c->observe && o->connection_window > H2C_DEFAULT_WINDOW) {
        rc = h2c_out_window_update(c, 0, o->connection_window - H2C_DEFAULT_WINDOW);
        c->recv_window = o->connection_window;
    }
    if (rc != H2C_OK) {
        h2c_conn_free(c);
        return rc < 0 ? rc : H2C_E_NOMEM;
    }
    *out = c;
    return H2C_OK;
}

void h2c_conn_free(h2c_conn *c)
{
    if (!c)
        return;
    h2c_frame_parser_free(c->parser);
    h2c_frame_assembler_free(c->asmb);
    h2c_hpack_decoder_free(c->dec);
    h2c_hpack_encoder_free(c->enc);
    h2c_streams_free(c);
    h2c_conn_dealloc(c, c->out, c->out_cap);
    h2c_conn_dealloc(c, c->scratch, c->scratch_cap);
    h2c_conn_arena_release(c);
    if (c->arena)
        h2c_conn_dealloc(c, (h2c_arena_head *)(void *)c->arena - 1,
                         sizeof(h2c_arena_head) + c->arena_cap);
    h2c_conn_dealloc(c, c->fields, c->fields_cap * sizeof *c->fields);
    if (c->sent != c->sent_one)
        h2c_conn_dealloc(c, c->sent, c->sent_cap * sizeof *c->sent);
    if (c->pending != c->pending_one)
        h2c_conn_dealloc(c, c->pending, c->pending_cap * sizeof *c->pending);
    h2c_allocator al = c->al;
    al.free(al.opaque, c);
}

h2c_conn_stream_state h2c_conn_stream_state_get(const h2c_conn *c, uint32_t id)
{
    if (!c || id == 0)
        return H2C_STREAM_IDLE;
    const h2c_stream *s = h2c_stream_find(c, id);
    if (s)
        return (h2c_conn_stream_state)s->state;
    int ours = (id & 1u) == (c->server ? 0u : 1u);
    uint32_t last = ours ? c->last_local_id : c->last_peer_id;
    return id <= last ? H2C_STREAM_CLOSED : H2C_STREAM_IDLE;
}

int h2c_conn_stream_set_user(h2c_conn *c, uint32_t id, void *user)
{
    h2c_stream *s = c ? h2c_stream_find(c, id) : NULL;
    if (!s)
        return H2C_CONN_E_STREAM_STATE;
    s->user = user;
    c->user_set |= user != NULL;
    return H2C_OK;
}

void *h2c_conn_stream_user(const h2c_conn *c, uint32_t id)
{
    const h2c_stream *s = c ? h2c_stream_find(c, id) : NULL;
    return s ? s->user : NULL;
}

const h2c_conn_settings *h2c_conn_remote_settings(const h2c_conn *c)
{
    return &c->remote;
}

const h2c_conn_settings *h2c_conn_local_settings(const h2c_conn *c)
{
    return &c->local;
}

uint32_t h2c_conn_open_streams(const h2c_conn *c)
{
    return c ? c->open_streams : 0;
}

int h2c_conn_done(const h2c_conn *c)
{
    if (!c)
        return 1;
    if (h2c_conn_output_len(c))
        return 0;
    if (c->dead)
        return 1;
    return (c->goaway_sent || c->goaway_recv) && c->open_streams == 0;
}

int h2c_conn_error(const h2c_conn *c, h2c_error *err)
{
    if (!c)
        return H2C_E_INVALID_ARGUMENT;
    if (err)
        *err = c->err;
    return c->err.status;
}

size_t h2c_conn_memory(const h2c_conn *c)
{
    return c ? c->heap : 0;
}
