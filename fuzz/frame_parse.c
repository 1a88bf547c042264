/* SPDX-License-Identifier: MIT */
/*
 * frame_parse -- the HTTP/2 frame parser fed a connection one-shot and in
 * random fragments must report exactly the same events (frames, stream
 * errors, ignored frames, the connection error that ends it, or the
 * truncation at the end), and every frame it accepts must serialize back to
 * the octets it came from (up to reserved bits and padding, RFC 9113 4.1).
 *
 * Input:
 *   mfs:u8       SETTINGS_MAX_FRAME_SIZE = 16384 << (mfs % 4) ... capped
 *                at 2^24-1; 0xff selects 2^24-1
 *   settings:u8  max_settings (0 = default 32)
 *   empty:u8     max_empty_frames (0 = no limit)
 *   mode:u8      preface mode (mode % 3) and, with 0x80, STRICT_EXTENSIONS
 *   pattern:4    fragment sizes for the split parser
 *   then the connection octets.
 *
 * Parser A gets the input in one piece; B gets exact-size heap copies of
 * each fragment, so reading past a fragment or keeping a view into an old
 * one shows up under ASan.  Counters, offsets and the error state must
 * match at the end as well.
 */
#include <string.h>

#include "frame_step.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_event(int rc, const h2c_frame_event *ev, const uint8_t *in, size_t len)
{
    const h2c_frame *f = &ev->frame;
    switch (rc) {
    case H2C_FRAME_EV_PREFACE:
        break;
    case H2C_FRAME_EV_FRAME:
        H2C_FUZZ_CHECK(ev->decoded == 1);
        H2C_FUZZ_CHECK(ev->error.status == H2C_OK);
        H2C_FUZZ_CHECK(f->offset + H2C_FRAME_HEADER_LEN + f->hd.length <= len);
        H2C_FUZZ_CHECK(f->payload.len == f->hd.length);
        h2c_fuzz_check_reserialize(f, in + f->offset);
        break;
    case H2C_FRAME_EV_STREAM_ERROR:
        H2C_FUZZ_CHECK(ev->error.scope == H2C_SCOPE_STREAM);
        H2C_FUZZ_CHECK(ev->error.stream_id != 0);
        H2C_FUZZ_CHECK(ev->error.status < 0 && ev->error.reason != NULL);
        break;
    case H2C_FRAME_EV_IGNORED:
        H2C_FUZZ_CHECK(ev->error.scope == H2C_SCOPE_IGNORABLE);
        H2C_FUZZ_CHECK(f->payload.len == f->hd.length);
        H2C_FUZZ_CHECK(f->offset + H2C_FRAME_HEADER_LEN + f->hd.length <= len);
        H2C_FUZZ_CHECK(h2c_fuzz_eq(f->payload.ptr, f->payload.len,
                                   in + f->offset + H2C_FRAME_HEADER_LEN, f->hd.length));
        break;
    default:
        H2C_FUZZ_CHECK(!"known event");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h2c_fuzz_reader r;
    h2c_frame_parser_options opt;
    h2c_frame_parser *pa = NULL, *pb = NULL;
    h2c_fuzz_fparse a, b;
    h2c_fuzz_chunker ch;
    const uint8_t *in;
    size_t len;
    uint8_t v, mode;

    h2c_fuzz_reader_init(&r, data, size);
    h2c_frame_parser_options_init(&opt);
    v = h2c_fuzz_u8(&r);
    opt.max_frame_size = v == 0xff ? H2C_FRAME_MAX_FRAME_SIZE_MAX : 16384u << (v % 4);
    if ((v = h2c_fuzz_u8(&r)) != 0)
        opt.max_settings = v;
    opt.max_empty_frames = h2c_fuzz_u8(&r);
    mode = h2c_fuzz_u8(&r);
    opt.preface = mode % 3;
    if (mode & 0x80)
        opt.flags |= H2C_FRAME_PARSER_STRICT_EXTENSIONS;
    h2c_fuzz_chunker_read(&ch, &r, 4);
    in = h2c_fuzz_rest(&r, &len);

    H2C_FUZZ_CHECK(h2c_frame_parser_new(&pa, &opt) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_frame_parser_new(&pb, &opt) == H2C_OK);
    h2c_fuzz_fparse_init(&a, pa, in, len, NULL, 0);
    h2c_fuzz_fparse_init(&b, pb, in, len, &ch, 1);
    for (;;) {
        h2c_frame_event ea, eb;
        int ra = h2c_fuzz_fparse_next(&a, &ea);
        int rb = h2c_fuzz_fparse_next(&b, &eb);
        H2C_FUZZ_CHECK(ra == rb);
        if (ra <= 0) {
            H2C_FUZZ_CHECK(h2c_fuzz_error_same(&ea.error, &eb.error));
            /* the offending frame: header and offset (zero for the preface) */
            H2C_FUZZ_CHECK(ea.frame.offset == eb.frame.offset &&
                           ea.frame.hd.length == eb.frame.hd.length &&
                           ea.frame.hd.type == eb.frame.hd.type &&
                           ea.frame.hd.flags == eb.frame.hd.flags &&
                           ea.frame.hd.stream_id == eb.frame.hd.stream_id);
            break;
        }
        H2C_FUZZ_CHECK(ea.decoded == eb.decoded);
        H2C_FUZZ_CHECK(h2c_fuzz_error_same(&ea.error, &eb.error));
        if (ra != H2C_FRAME_EV_PREFACE)
            H2C_FUZZ_CHECK(h2c_fuzz_frame_same(&ea.frame, &eb.frame));
        check_event(ra, &ea, in, len);
    }
    H2C_FUZZ_CHECK(h2c_frame_parser_offset(pa) == h2c_frame_parser_offset(pb));
    H2C_FUZZ_CHECK(h2c_frame_parser_offset(pa) <= len);
    H2C_FUZZ_CHECK(h2c_frame_parser_missing(pa) == h2c_frame_parser_missing(pb));
    H2C_FUZZ_CHECK(h2c_frame_parser_state_get(pa) == h2c_frame_parser_state_get(pb));
    H2C_FUZZ_CHECK(memcmp(h2c_frame_parser_stats_get(pa), h2c_frame_parser_stats_get(pb),
                          sizeof(h2c_frame_parser_stats)) == 0);
    h2c_fuzz_fparse_done(&b);
    h2c_frame_parser_free(pa);
    h2c_frame_parser_free(pb);
    return 0;
}
