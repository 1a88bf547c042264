/* Out-of-tree consumer: links the installed libraries and uses both. */
#include <stdio.h>
#include <string.h>

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
    if (h2c_hpack_decoder_new(&dec, NULL) != H2C_HPACK_OK)
        return 1;
    int rc = h2c_hpack_decoder_push(dec, block, sizeof block, &used, &f);
    int ok = rc == H2C_HPACK_FIELD && f.name_len == 10 && memcmp(f.name, "custom-key", 10) == 0 &&
             f.value_len == 13 && memcmp(f.value, "custom-header", 13) == 0;
    ok = ok && h2c_hpack_decoder_push(dec, block + used, sizeof block - used, &used, &f) ==
                   H2C_HPACK_OK;
    ok = ok && h2c_hpack_decoder_finish(dec) == H2C_HPACK_OK;
    h2c_hpack_decoder_free(dec);
    printf("consumer: hpack %s %s\n", h2c_hpack_version(), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
