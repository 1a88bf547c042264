/* SPDX-License-Identifier: MIT */
/*
 * hpack_roundtrip -- structure-aware: the input is turned into header lists,
 * table-size changes, per-field indexing modes and Huffman choices.  Each list
 * is encoded, then decoded by our decoder (in fragments) and by nghttp2's
 * inflater (in one piece); both must give the list back exactly.
 *
 * Also checked on every block:
 *   - written <= h2c_hpack_encoder_bound(), into an exact-size heap buffer;
 *   - a too-small buffer fails with H2C_E_BUFFER_TOO_SMALL and leaves
 *     the encoder as it was: a twin encoder that only ever gets a full
 *     buffer must produce the same bytes;
 *   - the per-field requests are honoured: never-indexed stays never-indexed
 *     on the wire, "do not index" never adds to the table, F_PLAIN and
 *     F_HUFFMAN are obeyed, and otherwise Huffman is used exactly when it is
 *     strictly shorter (lengths from RFC 7541 Appendix B);
 *   - the default policy sends authorization and short cookies never-indexed;
 *   - encoder, decoder and nghttp2 hold identical dynamic tables.
 *
 * Input:
 *   table:u16be  encoder option max_table_size
 *   eflags:u8    0x01 H2C_HPACK_ENC_NO_HUFFMAN; (eflags >> 1) & 3 policy kind
 *   psel:u8      seed of the custom policy
 *   pattern:4    fragment sizes for our decoder
 *   then operations until the input ends:
 *     op:u8 with op & 7 == 0: peer SETTINGS_HEADER_TABLE_SIZE = u16be
 *     otherwise: a list of op >> 3 fields, then cap:u8 (0: encode into a
 *     buffer of exactly the bound; else first try cap * bound / 256 octets),
 *     then per field  kind:u8 [source octets]
 *       kind & 3          indexing: default, yes, no, never
 *       (kind >> 2) & 3   1: F_PLAIN, 2: F_HUFFMAN
 *       kind >> 4         0: static name + str8 value; 1: static name and
 *                         value (u8 index); 2: repeat an earlier field (u8);
 *                         3: earlier name + str8 value; else str8 name + str8 value
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpack_step.h"
#include "ngh_step.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 31
#define MAX_HISTORY 64

/* RFC 7541 Appendix A. */
static const struct {
    const char *name, *value;
} static_table[61] = {
    {":authority", ""},
    {":method", "GET"},
    {":method", "POST"},
    {":path", "/"},
    {":path", "/index.html"},
    {":scheme", "http"},
    {":scheme", "https"},
    {":status", "200"},
    {":status", "204"},
    {":status", "206"},
    {":status", "304"},
    {":status", "400"},
    {":status", "404"},
    {":status", "500"},
    {"accept-charset", ""},
    {"accept-encoding", "gzip, deflate"},
    {"accept-language", ""},
    {"accept-ranges", ""},
    {"accept", ""},
    {"access-control-allow-origin", ""},
    {"age", ""},
    {"allow", ""},
    {"authorization", ""},
    {"cache-control", ""},
    {"content-disposition", ""},
    {"content-encoding", ""},
    {"content-language", ""},
    {"content-length", ""},
    {"content-location", ""},
    {"content-range", ""},
    {"content-type", ""},
    {"cookie", ""},
    {"date", ""},
    {"etag", ""},
    {"expect", ""},
    {"expires", ""},
    {"from", ""},
    {"host", ""},
    {"if-match", ""},
    {"if-modified-since", ""},
    {"if-none-match", ""},
    {"if-range", ""},
    {"if-unmodified-since", ""},
    {"last-modified", ""},
    {"link", ""},
    {"location", ""},
    {"max-forwards", ""},
    {"proxy-authenticate", ""},
    {"proxy-authorization", ""},
    {"range", ""},
    {"referer", ""},
    {"refresh", ""},
    {"retry-after", ""},
    {"server", ""},
    {"set-cookie", ""},
    {"strict-transport-security", ""},
    {"transfer-encoding", ""},
    {"user-agent", ""},
    {"vary", ""},
    {"via", ""},
    {"www-authenticate", ""},
};

/* RFC 7541 Appendix B: code length in bits of each octet. */
static const uint8_t huff_bits[256] = {
    13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
    28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
     6, 10, 10, 12, 13,  6,  8, 11, 10, 10,  8, 11,  8,  6,  6,  6,
     5,  5,  5,  6,  6,  6,  6,  6,  6,  6,  7,  8, 15,  6, 12, 10,
    13,  6,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,
     7,  7,  7,  7,  7,  7,  7,  7,  8,  7,  8, 13, 19, 13, 14,  6,
    15,  5,  6,  5,  6,  5,  6,  6,  6,  5,  7,  7,  6,  6,  6,  5,
     6,  7,  6,  5,  5,  6,  7,  7,  7,  7,  7, 15, 11, 14, 13, 28,
    20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
    24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
    22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
    21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
    26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
    19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
    20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
    26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
};

static size_t huff_len(const char *s, size_t n)
{
    size_t bits = 0;
    for (size_t i = 0; i < n; i++)
        bits += huff_bits[(uint8_t)s[i]];
    return (bits + 7) / 8;
}

static int custom_policy(void *user, const h2c_hpack_policy_input *in)
{
    unsigned sel = *(const uint8_t *)user;
    H2C_FUZZ_CHECK(in->field != NULL);
    H2C_FUZZ_CHECK(in->table_size <= in->table_max);
    return (int)((sel + in->field->name.len * 7 + in->field->value.len) % 3) + 1;
}

static int name_is(const h2c_hpack_field *f, const char *s)
{
    return h2c_fuzz_eq(f->name.ptr, f->name.len, s, strlen(s));
}

/* Did the wire representation honour what was asked for this string? */
static void check_huffman(const h2c_hpack_field *in, int enc_no_huffman, const char *s,
                          size_t n, int huffman)
{
    int want;
    const char *why;
    if (n == 0)
        return; /* the H bit of an empty string says nothing */
    if (in->flags & H2C_HPACK_F_PLAIN) {
        want = 0;
        why = "F_PLAIN";
    } else if (in->flags & H2C_HPACK_F_HUFFMAN) {
        want = 1;
        why = "F_HUFFMAN";
    } else if (enc_no_huffman) {
        want = 0;
        why = "H2C_HPACK_ENC_NO_HUFFMAN";
    } else {
        want = huff_len(s, n) < n;
        why = "Huffman exactly when strictly shorter";
    }
    if (huffman != want) {
        fprintf(stderr, "hpack_roundtrip: \"%.*s\" (%zu octets, %zu as Huffman) sent %s (%s)\n",
                (int)n, s, n, huff_len(s, n), huffman ? "Huffman-coded" : "plain", why);
        H2C_FUZZ_CHECK(!"Huffman choice honoured");
    }
}

/* Was this exact field asked to be indexed (INDEX_YES) in the recent history? */
static int asked_indexed(const h2c_hpack_field *f, const h2c_hpack_field *hist, size_t nhist)
{
    for (size_t i = 0; i < nhist; i++)
        if (hist[i].indexing == H2C_HPACK_INDEX_YES &&
            h2c_fuzz_eq(hist[i].name.ptr, hist[i].name.len, f->name.ptr, f->name.len) &&
            h2c_fuzz_eq(hist[i].value.ptr, hist[i].value.len, f->value.ptr, f->value.len))
            return 1;
    return nhist == MAX_HISTORY; /* may have scrolled out of the history */
}

static void check_decoded(const h2c_hpack_field *in, const h2c_hpack_field *out,
                          int policy, int enc_no_huffman, const h2c_hpack_field *hist,
                          size_t nhist)
{
    int incremental = out->indexing == H2C_HPACK_INDEX_YES && !(out->flags & H2C_HPACK_F_INDEXED);
    H2C_FUZZ_CHECK(h2c_fuzz_eq(in->name.ptr, in->name.len, out->name.ptr, out->name.len));
    H2C_FUZZ_CHECK(h2c_fuzz_eq(in->value.ptr, in->value.len, out->value.ptr, out->value.len));
    switch (in->indexing) {
    case H2C_HPACK_INDEX_NEVER:
        H2C_FUZZ_CHECK(out->indexing == H2C_HPACK_INDEX_NEVER);
        break;
    case H2C_HPACK_INDEX_NO:
        H2C_FUZZ_CHECK(!incremental);
        break;
    case H2C_HPACK_INDEX_YES:
        H2C_FUZZ_CHECK(out->indexing != H2C_HPACK_INDEX_NEVER);
        break;
    default:
        if (policy == H2C_HPACK_POLICY_NEVER)
            H2C_FUZZ_CHECK(!incremental);
        /* Sensitive by default: sent as a never-indexed literal, unless the
         * caller itself put this exact field in the table earlier (then the
         * policy is not asked and an indexed reference is fine). */
        if (policy == H2C_HPACK_POLICY_ADAPTIVE && in->value.len > 0 &&
            (name_is(in, "authorization") || (name_is(in, "cookie") && in->value.len < 20))) {
            if (out->flags & H2C_HPACK_F_INDEXED)
                H2C_FUZZ_CHECK(asked_indexed(in, hist, nhist));
            else
                H2C_FUZZ_CHECK(out->indexing == H2C_HPACK_INDEX_NEVER);
        }
        break;
    }
    if (!(out->flags & H2C_HPACK_F_INDEXED)) {
        check_huffman(in, enc_no_huffman, (const char *)in->value.ptr, in->value.len,
                      (out->flags & H2C_HPACK_F_VALUE_HUFFMAN) != 0);
        if (out->index == 0)
            check_huffman(in, enc_no_huffman, (const char *)in->name.ptr, in->name.len,
                          (out->flags & H2C_HPACK_F_NAME_HUFFMAN) != 0);
    }
}

/*
 * The encoder's table must be exactly nghttp2's (an RFC 7541 decoder fed the
 * same blocks), entry by entry.  Our decoder's table must start with the
 * same entries; whether it may hold older ones after a SETTINGS increase is
 * hpack_diff's business, which compares it with nghttp2 exactly.
 */
static void check_tables(const h2c_hpack_encoder *enc, const h2c_hpack_decoder *dec,
                         h2c_fuzz_ngh *ngh)
{
    size_t n = h2c_hpack_encoder_table_count(enc);
    h2c_hpack_field e, d;
    if (nghttp2_hd_inflate_get_num_table_entries(ngh->inf) != 61 + n ||
        nghttp2_hd_inflate_get_dynamic_table_size(ngh->inf) != h2c_hpack_encoder_table_size(enc))
        fprintf(stderr,
                "hpack_roundtrip: tables: encoder %zu entries %zu octets; nghttp2 %zu entries "
                "%zu octets (max %zu); our decoder %zu entries %zu octets (max %zu)\n",
                n, h2c_hpack_encoder_table_size(enc),
                nghttp2_hd_inflate_get_num_table_entries(ngh->inf) - 61,
                nghttp2_hd_inflate_get_dynamic_table_size(ngh->inf),
                nghttp2_hd_inflate_get_max_dynamic_table_size(ngh->inf),
                h2c_hpack_decoder_table_count(dec), h2c_hpack_decoder_table_size(dec),
                h2c_hpack_decoder_table_max(dec));
    H2C_FUZZ_CHECK(nghttp2_hd_inflate_get_num_table_entries(ngh->inf) == 61 + n);
    H2C_FUZZ_CHECK(nghttp2_hd_inflate_get_dynamic_table_size(ngh->inf) ==
                   h2c_hpack_encoder_table_size(enc));
    H2C_FUZZ_CHECK(n <= h2c_hpack_decoder_table_count(dec));
    for (size_t i = 1; i <= n; i++) {
        const nghttp2_nv *nv = nghttp2_hd_inflate_get_table_entry(ngh->inf, 61 + i);
        H2C_FUZZ_CHECK(h2c_hpack_encoder_table_get(enc, i, &e) == H2C_OK);
        H2C_FUZZ_CHECK(h2c_hpack_decoder_table_get(dec, i, &d) == H2C_OK);
        H2C_FUZZ_CHECK(nv != NULL);
        H2C_FUZZ_CHECK(h2c_fuzz_eq(e.name.ptr, e.name.len, nv->name, nv->namelen));
        H2C_FUZZ_CHECK(h2c_fuzz_eq(e.value.ptr, e.value.len, nv->value, nv->valuelen));
        H2C_FUZZ_CHECK(h2c_fuzz_eq(e.name.ptr, e.name.len, d.name.ptr, d.name.len));
        H2C_FUZZ_CHECK(h2c_fuzz_eq(e.value.ptr, e.value.len, d.value.ptr, d.value.len));
    }
}

/* One field from the input (see the format above). */
static void read_field(h2c_fuzz_reader *r, h2c_hpack_field *f, const h2c_hpack_field *hist,
                       size_t nhist)
{
    uint8_t kind = h2c_fuzz_u8(r);
    unsigned src = kind >> 4;
    size_t len;
    const uint8_t *s;
    memset(f, 0, sizeof *f);
    if ((src == 2 || src == 3) && nhist == 0)
        src = 4;
    switch (src) {
    case 0:
    case 1: {
        unsigned i = h2c_fuzz_u8(r) % 61;
        f->name = h2c_view_of(static_table[i].name, strlen(static_table[i].name));
        if (src == 1) {
            f->value = h2c_view_of(static_table[i].value, strlen(static_table[i].value));
        } else {
            s = h2c_fuzz_str8(r, &len);
            f->value = h2c_view_of(s, len);
        }
        break;
    }
    case 2:
        *f = hist[h2c_fuzz_u8(r) % nhist];
        break;
    case 3:
        *f = hist[h2c_fuzz_u8(r) % nhist];
        s = h2c_fuzz_str8(r, &len);
        f->value = h2c_view_of(s, len);
        break;
    default:
        s = h2c_fuzz_str8(r, &len);
        f->name = h2c_view_of(s, len);
        s = h2c_fuzz_str8(r, &len);
        f->value = h2c_view_of(s, len);
        break;
    }
    f->indexing = kind & 3;
    f->flags = ((kind >> 2) & 3) == 1 ? H2C_HPACK_F_PLAIN
               : ((kind >> 2) & 3) == 2 ? H2C_HPACK_F_HUFFMAN
                                        : 0;
}

/* Encode into an exact-size heap buffer of cap octets. */
static int encode(h2c_hpack_encoder *enc, const h2c_hpack_field *fs, size_t n, size_t cap,
                  uint8_t **out, size_t *written)
{
    int rc;
    *out = malloc(cap ? cap : 1);
    if (!*out)
        abort();
    *written = (size_t)-1;
    rc = h2c_hpack_encoder_encode(enc, fs, n, *out, cap, written);
    if (rc == H2C_OK)
        H2C_FUZZ_CHECK(*written <= cap);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    h2c_fuzz_reader r;
    h2c_hpack_encoder_options eopt;
    h2c_hpack_decoder_options dopt;
    h2c_hpack_encoder *enc = NULL, *twin = NULL;
    h2c_hpack_decoder *dec = NULL;
    h2c_fuzz_hdec hd;
    h2c_fuzz_ngh ngh;
    h2c_fuzz_chunker ch;
    h2c_hpack_field fields[MAX_FIELDS], hist[MAX_HISTORY];
    size_t nhist = 0, hpos = 0;
    uint8_t eflags, psel;
    int no_huffman;

    h2c_fuzz_reader_init(&r, data, size);
    h2c_hpack_encoder_options_init(&eopt);
    eopt.max_table_size = h2c_fuzz_u16(&r);
    eflags = h2c_fuzz_u8(&r);
    psel = h2c_fuzz_u8(&r);
    no_huffman = eflags & 1;
    if (no_huffman)
        eopt.flags |= H2C_HPACK_ENC_NO_HUFFMAN;
    eopt.policy_kind = (eflags >> 1) & 3;
    eopt.policy_fn = custom_policy;
    eopt.policy_user = &psel;
    /* A seed the input chooses, so that a crash replays and the twin
     * (same seed) must write the same octets. */
    eopt.flags |= H2C_HPACK_ENC_FIXED_SEED;
    eopt.hash_seed = ((uint64_t)psel << 40 | (uint64_t)eflags << 32 | eopt.max_table_size) *
                     0x9e3779b97f4a7c15ull;
    h2c_fuzz_chunker_read(&ch, &r, 4);

    h2c_hpack_decoder_options_init(&dopt);
    dopt.max_list_size = SIZE_MAX;
    dopt.max_string_len = SIZE_MAX;
    dopt.max_fields = UINT32_MAX;
    H2C_FUZZ_CHECK(h2c_hpack_encoder_new(&enc, &eopt) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_hpack_encoder_new(&twin, &eopt) == H2C_OK);
    H2C_FUZZ_CHECK(h2c_hpack_decoder_new(&dec, &dopt) == H2C_OK);
    h2c_fuzz_ngh_init(&ngh);
    h2c_fuzz_hdec_init(&hd, dec, &ch, 1, 0);

    while (r.left > 0) {
        uint8_t op = h2c_fuzz_u8(&r);
        size_t n, bound, written, twin_written;
        uint8_t *out, *twin_out, capsel;
        int rc;

        if ((op & 7) == 0) {
            uint16_t v = h2c_fuzz_u16(&r);
            /* The decoder side advertised v and the encoder acknowledged it. */
            H2C_FUZZ_CHECK(h2c_hpack_decoder_set_max_table_size(dec, v) == H2C_OK);
            H2C_FUZZ_CHECK(h2c_fuzz_ngh_set_max_table_size(&ngh, v) == 0);
            H2C_FUZZ_CHECK(h2c_hpack_encoder_set_max_table_size(enc, v) == H2C_OK);
            H2C_FUZZ_CHECK(h2c_hpack_encoder_set_max_table_size(twin, v) == H2C_OK);
            continue;
        }
        n = op >> 3;
        capsel = h2c_fuzz_u8(&r);
        for (size_t i = 0; i < n; i++) {
            read_field(&r, &fields[i], hist, nhist);
            hist[hpos] = fields[i];
            hpos = (hpos + 1) % MAX_HISTORY;
            if (nhist < MAX_HISTORY)
                nhist++;
        }

        bound = h2c_hpack_encoder_bound(enc, fields, n);
        H2C_FUZZ_CHECK(bound == h2c_hpack_encoder_bound(twin, fields, n));
        if (capsel != 0) {
            rc = encode(enc, fields, n, bound * capsel / 256, &out, &written);
            if (rc != H2C_OK) {
                H2C_FUZZ_CHECK(rc == H2C_E_BUFFER_TOO_SMALL);
                free(out);
                rc = encode(enc, fields, n, bound, &out, &written);
            }
        } else {
            rc = encode(enc, fields, n, bound, &out, &written);
        }
        H2C_FUZZ_CHECK(rc == H2C_OK);
        H2C_FUZZ_CHECK(encode(twin, fields, n, bound, &twin_out, &twin_written) == H2C_OK);
        H2C_FUZZ_CHECK(h2c_fuzz_eq(out, written, twin_out, twin_written));
        free(twin_out);

        if (getenv("H2C_FUZZ_VERBOSE")) {
            fprintf(stderr, "block:");
            for (size_t i = 0; i < written; i++)
                fprintf(stderr, " %02x", out[i]);
            fprintf(stderr, "\n");
        }
        h2c_fuzz_hdec_begin(&hd, out, written);
        h2c_fuzz_ngh_begin(&ngh, out, written);
        for (size_t i = 0;; i++) {
            h2c_hpack_field f;
            nghttp2_nv nv;
            int ro = h2c_fuzz_hdec_next(&hd, &f);
            int rn = h2c_fuzz_ngh_next(&ngh, &nv);
            H2C_FUZZ_CHECK(ro >= 0);
            H2C_FUZZ_CHECK(rn >= 0);
            H2C_FUZZ_CHECK(ro == rn);
            if (ro == 0) {
                H2C_FUZZ_CHECK(i == n);
                break;
            }
            H2C_FUZZ_CHECK(i < n);
            check_decoded(&fields[i], &f, eopt.policy_kind, no_huffman, hist, nhist);
            H2C_FUZZ_CHECK(h2c_fuzz_eq(f.name.ptr, f.name.len, nv.name, nv.namelen));
            H2C_FUZZ_CHECK(h2c_fuzz_eq(f.value.ptr, f.value.len, nv.value, nv.valuelen));
            H2C_FUZZ_CHECK((f.indexing == H2C_HPACK_INDEX_NEVER) ==
                           ((nv.flags & NGHTTP2_NV_FLAG_NO_INDEX) != 0));
        }
        h2c_fuzz_hdec_done(&hd);
        free(out);
        check_tables(enc, dec, &ngh);
        H2C_FUZZ_CHECK(h2c_hpack_encoder_table_size(enc) <=
                       nghttp2_hd_inflate_get_max_dynamic_table_size(ngh.inf));
    }
    h2c_fuzz_ngh_free(&ngh);
    h2c_hpack_decoder_free(dec);
    h2c_hpack_encoder_free(enc);
    h2c_hpack_encoder_free(twin);
    return 0;
}
