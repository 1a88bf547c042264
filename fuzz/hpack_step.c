/* SPDX-License-Identifier: MIT */
/* hpack_step.c -- see hpack_step.h. */
#include "hpack_step.h"

#include <string.h>

void h2c_fuzz_hdec_init(h2c_fuzz_hdec *d, h2c_hpack_decoder *dec,
                        const h2c_fuzz_chunker *ch, int copy, int empty_push)
{
    memset(d, 0, sizeof *d);
    d->dec = dec;
    h2c_fuzz_feed_init(&d->feed, ch, copy);
    d->empty_push = empty_push;
    d->state = 1;
}

void h2c_fuzz_hdec_begin(h2c_fuzz_hdec *d, const uint8_t *blk, size_t len)
{
    h2c_fuzz_feed_begin(&d->feed, blk, len);
    d->state = 0;
}

/* The error must stick until reset. */
static void check_sticky(h2c_hpack_decoder *dec, int rc)
{
    static const uint8_t probe[2] = {0x82, 0x82};
    h2c_hpack_field f;
    size_t used = 99;
    H2C_FUZZ_CHECK(h2c_hpack_decoder_error(dec, NULL) == rc);
    H2C_FUZZ_CHECK(h2c_hpack_decoder_state_get(dec) == H2C_HPACK_DS_ERROR);
    H2C_FUZZ_CHECK(h2c_hpack_decoder_push(dec, probe, sizeof probe, &used, &f) == rc);
    H2C_FUZZ_CHECK(used == 0);
    H2C_FUZZ_CHECK(h2c_hpack_decoder_finish(dec) == rc);
    H2C_FUZZ_CHECK(h2c_status_name(rc) != NULL);
    H2C_FUZZ_CHECK(h2c_strerror(rc) != NULL);
    H2C_FUZZ_CHECK(h2c_status_h2_error(rc) != 0);
}

static int fail(h2c_fuzz_hdec *d, int rc)
{
    H2C_FUZZ_CHECK(rc < 0);
    d->state = rc;
    check_sticky(d->dec, rc);
    return rc;
}

int h2c_fuzz_hdec_next(h2c_fuzz_hdec *d, h2c_hpack_field *f)
{
    h2c_fuzz_feed *fd = &d->feed;
    if (d->state != 0)
        return d->state == 1 ? 0 : d->state;
    for (;;) {
        size_t used = (size_t)-1;
        int rc, ready = h2c_fuzz_feed_ready(fd);
        if (ready == 0) {
            rc = h2c_hpack_decoder_finish(d->dec);
            if (rc != H2C_OK)
                return fail(d, rc);
            H2C_FUZZ_CHECK(h2c_hpack_decoder_state_get(d->dec) == H2C_HPACK_DS_BLOCK_START);
            d->state = 1;
            return 0;
        }
        if (ready == 1 && d->empty_push) {
            rc = h2c_hpack_decoder_push(d->dec, fd->cur, 0, &used, f);
            if (rc < 0)
                return fail(d, rc);
            H2C_FUZZ_CHECK(used == 0);
            /* An empty push completes nothing that was not complete. */
            H2C_FUZZ_CHECK(rc == H2C_OK);
        }
        rc = h2c_hpack_decoder_push(d->dec, fd->cur + fd->cur_off, fd->cur_len - fd->cur_off,
                                    &used, f);
        h2c_fuzz_feed_take(fd, used);
        if (rc == H2C_HPACK_FIELD)
            return 1;
        if (rc < 0)
            return fail(d, rc);
        H2C_FUZZ_CHECK(rc == H2C_OK);
        H2C_FUZZ_CHECK(fd->cur_off == fd->cur_len);
    }
}

void h2c_fuzz_hdec_done(h2c_fuzz_hdec *d)
{
    h2c_fuzz_feed_done(&d->feed);
}

int h2c_fuzz_field_same(const h2c_hpack_field *a, const h2c_hpack_field *b)
{
    return h2c_fuzz_eq(a->name.ptr, a->name.len, b->name.ptr, b->name.len) &&
           h2c_fuzz_eq(a->value.ptr, a->value.len, b->value.ptr, b->value.len) &&
           a->indexing == b->indexing && a->flags == b->flags && a->index == b->index;
}

int h2c_fuzz_block_read(h2c_fuzz_reader *r, h2c_fuzz_block *b)
{
    uint8_t ctl;
    if (r->left == 0)
        return 0;
    ctl = h2c_fuzz_u8(r);
    b->has_settings = ctl & 0x01;
    b->settings = 0;
    if (b->has_settings)
        b->settings = (ctl & 0x04) ? h2c_fuzz_u32(r) % H2C_FUZZ_SETTINGS_CAP : h2c_fuzz_u16(r);
    b->reset = (ctl & 0x02) != 0;
    b->data = h2c_fuzz_bytes(r, h2c_fuzz_u16(r), &b->len);
    return 1;
}
