/* SPDX-License-Identifier: MIT */
/* Out-of-tree consumer: links the installed libraries and uses both. */
#include <stdio.h>
#include <string.h>

#include <h2codec/frame.h>
#include <h2codec/hpack.h>

int main(void)
{
    /* RFC 7541 C.2.1: literal with incremental indexing, new name. */
    static const uint8_t block[] = {0x40, 0x0a, 'c', 'u', 's', 't', 'o', 'm', '-', 'k', 'e', 'y',
                                    0x0d, 'c', 'u', 's', 't', 'o', 'm', '-', 'h', 'e', 'a', 'd',
                                    'e', 'r'};
    h2c_hpack_decoder *dec;
    h2c_hpack_field f;
    size_t used;
    if (h2c_hpack_decoder_new(&dec, NULL) != H2C_OK)
        return 1;
    int rc = h2c_hpack_decoder_push(dec, block, sizeof block, &used, &f);
    int ok = rc == H2C_HPACK_FIELD && f.name.len == 10 &&
             memcmp(f.name.ptr, "custom-key", 10) == 0 && f.value.len == 13 &&
             memcmp(f.value.ptr, "custom-header", 13) == 0;
    ok = ok && h2c_hpack_decoder_push(dec, block + used, sizeof block - used, &used, &f) ==
                   H2C_OK;
    ok = ok && h2c_hpack_decoder_finish(dec) == H2C_OK;
    h2c_hpack_decoder_free(dec);

    /* A PING frame: serialize, then parse it back. */
    h2c_frame ping;
    h2c_frame_init(&ping, H2C_FRAME_TYPE_PING, 0, 0);
    memcpy(ping.u.ping.opaque_data, "h2codec!", 8);
    uint8_t wire[32];
    size_t n = 0;
    ok = ok && h2c_frame_serialize(&ping, wire, sizeof wire, &n) == H2C_OK && n == 17;
    h2c_frame_parser *p;
    h2c_frame_event ev;
    ok = ok && h2c_frame_parser_new(&p, NULL) == H2C_OK;
    if (ok) {
        ok = h2c_frame_parser_push(p, wire, n, &used, &ev) == H2C_FRAME_EV_FRAME &&
             ev.frame.hd.type == H2C_FRAME_TYPE_PING &&
             memcmp(ev.frame.u.ping.opaque_data, "h2codec!", 8) == 0;
        h2c_frame_parser_free(p);
    }
    /* The headers and the library installed with them agree. */
    ok = ok && strcmp(h2c_version(), H2CODEC_VERSION) == 0;
    printf("consumer: h2codec %s: %s\n", h2c_version(), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
