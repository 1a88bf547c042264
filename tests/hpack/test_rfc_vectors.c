/* SPDX-License-Identifier: MIT */
/*
 * RFC 7541 Appendix C.2-C.6: exact decoding, and the dynamic table contents
 * and size after every step; each block also cut at every position and fed
 * one octet at a time, against guard pages.  (C.1 is in test_int.c.)
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dec_util.h"
#include "testutil.h"

typedef struct {
    const char *name, *value;
} nv;

typedef struct {
    const char *id;
    const char *hex;
    nv headers[8];
    size_t nheaders;
    nv table[8]; /* newest first */
    size_t ntable;
    size_t table_size;
} step;

/* Transcribed from the RFC text (Appendix C). */
static const step steps[] = {
    { "C.2.1", "400a637573746f6d2d6b65790d637573746f6d2d686561646572",
      { { "custom-key", "custom-header" } }, 1,
      { { "custom-key", "custom-header" } }, 1, 55 },
    { "C.2.2", "040c2f73616d706c652f70617468",
      { { ":path", "/sample/path" } }, 1,
      { { NULL, NULL } }, 0, 0 },
    { "C.2.3", "100870617373776f726406736563726574",
      { { "password", "secret" } }, 1,
      { { NULL, NULL } }, 0, 0 },
    { "C.2.4", "82",
      { { ":method", "GET" } }, 1,
      { { NULL, NULL } }, 0, 0 },
    { "C.3.1", "828684410f7777772e6578616d706c652e636f6d",
      { { ":method", "GET" }, { ":scheme", "http" }, { ":path", "/" }, { ":authority", "www.example.com" } }, 4,
      { { ":authority", "www.example.com" } }, 1, 57 },
    { "C.3.2", "828684be58086e6f2d6361636865",
      { { ":method", "GET" }, { ":scheme", "http" }, { ":path", "/" }, { ":authority", "www.example.com" }, { "cache-control", "no-cache" } }, 5,
      { { "cache-control", "no-cache" }, { ":authority", "www.example.com" } }, 2, 110 },
    { "C.3.3", "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
      { { ":method", "GET" }, { ":scheme", "https" }, { ":path", "/index.html" }, { ":authority", "www.example.com" }, { "custom-key", "custom-value" } }, 5,
      { { "custom-key", "custom-value" }, { "cache-control", "no-cache" }, { ":authority", "www.example.com" } }, 3, 164 },
    { "C.4.1", "828684418cf1e3c2e5f23a6ba0ab90f4ff",
      { { ":method", "GET" }, { ":scheme", "http" }, { ":path", "/" }, { ":authority", "www.example.com" } }, 4,
      { { ":authority", "www.example.com" } }, 1, 57 },
    { "C.4.2", "828684be5886a8eb10649cbf",
      { { ":method", "GET" }, { ":scheme", "http" }, { ":path", "/" }, { ":authority", "www.example.com" }, { "cache-control", "no-cache" } }, 5,
      { { "cache-control", "no-cache" }, { ":authority", "www.example.com" } }, 2, 110 },
    { "C.4.3", "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
      { { ":method", "GET" }, { ":scheme", "https" }, { ":path", "/index.html" }, { ":authority", "www.example.com" }, { "custom-key", "custom-value" } }, 5,
      { { "custom-key", "custom-value" }, { "cache-control", "no-cache" }, { ":authority", "www.example.com" } }, 3, 164 },
    { "C.5.1", "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
      { { ":status", "302" }, { "cache-control", "private" }, { "date", "Mon, 21 Oct 2013 20:13:21 GMT" }, { "location", "https://www.example.com" } }, 4,
      { { "location", "https://www.example.com" }, { "date", "Mon, 21 Oct 2013 20:13:21 GMT" }, { "cache-control", "private" }, { ":status", "302" } }, 4, 222 },
    { "C.5.2", "4803333037c1c0bf",
      { { ":status", "307" }, { "cache-control", "private" }, { "date", "Mon, 21 Oct 2013 20:13:21 GMT" }, { "location", "https://www.example.com" } }, 4,
      { { ":status", "307" }, { "location", "https://www.example.com" }, { "date", "Mon, 21 Oct 2013 20:13:21 GMT" }, { "cache-control", "private" } }, 4, 222 },
    { "C.5.3", "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31",
      { { ":status", "200" }, { "cache-control", "private" }, { "date", "Mon, 21 Oct 2013 20:13:22 GMT" }, { "location", "https://www.example.com" }, { "content-encoding", "gzip" }, { "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1" } }, 6,
      { { "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1" }, { "content-encoding", "gzip" }, { "date", "Mon, 21 Oct 2013 20:13:22 GMT" } }, 3, 215 },
    { "C.6.1", "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
      { { ":status", "302" }, { "cache-control", "private" }, { "date", "Mon, 21 Oct 2013 20:13:21 GMT" }, { "location", "https://www.example.com" } }, 4,
      { { "location", "https://www.example.com" }, { "date", "Mon, 21 Oct 2013 20:13:21 GMT" }, { "cache-control", "private" }, { ":status", "302" } }, 4, 222 },
    { "C.6.2", "4883640effc1c0bf",
      { { ":status", "307" }, { "cache-control", "private" }, { "date", "Mon, 21 Oct 2013 20:13:21 GMT" }, { "location", "https://www.example.com" } }, 4,
      { { ":status", "307" }, { "location", "https://www.example.com" }, { "date", "Mon, 21 Oct 2013 20:13:21 GMT" }, { "cache-control", "private" } }, 4, 222 },
    { "C.6.3", "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
      { { ":status", "200" }, { "cache-control", "private" }, { "date", "Mon, 21 Oct 2013 20:13:22 GMT" }, { "location", "https://www.example.com" }, { "content-encoding", "gzip" }, { "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1" } }, 6,
      { { "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1" }, { "content-encoding", "gzip" }, { "date", "Mon, 21 Oct 2013 20:13:22 GMT" } }, 3, 215 },
};

#define NSTEPS (sizeof steps / sizeof steps[0])

/* Sequences sharing one decoder: first step and count, table maximum. */
static const struct {
    size_t first, n;
    uint32_t max;
} seqs[] = {
    { 0, 1, 4096 }, { 1, 1, 4096 }, { 2, 1, 4096 }, { 3, 1, 4096 }, /* C.2.x, independent */
    { 4, 3, 4096 },  /* C.3 */
    { 7, 3, 4096 },  /* C.4 */
    { 10, 3, 256 },  /* C.5 */
    { 13, 3, 256 },  /* C.6 */
};

#define NSEQS (sizeof seqs / sizeof seqs[0])

static h2c_hpack_decoder *new_dec(uint32_t max)
{
    h2c_hpack_decoder_options o;
    h2c_hpack_decoder_options_init(&o);
    o.max_table_size = max;
    h2c_hpack_decoder *d = NULL;
    ck_assert_int_eq(h2c_hpack_decoder_new(&d, &o), H2C_OK);
    return d;
}

static size_t wire_of(const step *s, uint8_t *buf, size_t cap)
{
    long n = h2t_hex(s->hex, buf, cap);
    ck_assert_int_ge(n, 1);
    return (size_t)n;
}

static void check_step(h2c_hpack_decoder *d, const step *s, const dt_list *got)
{
    ck_assert_msg(got->n == s->nheaders, "%s: %zu fields", s->id, got->n);
    for (size_t i = 0; i < s->nheaders; i++)
        ck_assert_msg(dt_field_is(got, i, s->headers[i].name, s->headers[i].value),
                      "%s: field %zu is %s: %s", s->id, i, got->f[i].name, got->f[i].value);
    ck_assert_uint_eq(h2c_hpack_decoder_table_count(d), s->ntable);
    ck_assert_uint_eq(h2c_hpack_decoder_table_size(d), s->table_size);
    for (size_t i = 0; i < s->ntable; i++) {
        h2c_hpack_field e;
        ck_assert_int_eq(h2c_hpack_decoder_table_get(d, i + 1, &e), H2C_OK);
        ck_assert_uint_eq(e.index, 62 + i);
        ck_assert_uint_eq(e.name.len, strlen(s->table[i].name));
        ck_assert_mem_eq(e.name.ptr, s->table[i].name, e.name.len);
        ck_assert_uint_eq(e.value.len, strlen(s->table[i].value));
        ck_assert_mem_eq(e.value.ptr, s->table[i].value, e.value.len);
    }
    h2c_hpack_field e;
    ck_assert_int_eq(h2c_hpack_decoder_table_get(d, s->ntable + 1, &e), H2C_HPACK_E_INDEX_RANGE);
    ck_assert_int_eq(h2c_hpack_decoder_state_get(d), H2C_HPACK_DS_BLOCK_START);
}

/* Whole blocks, one push each. */
START_TEST(sequence_whole)
{
    h2c_hpack_decoder *d = new_dec(seqs[_i].max);
    for (size_t k = 0; k < seqs[_i].n; k++) {
        const step *s = &steps[seqs[_i].first + k];
        uint8_t w[256];
        size_t n = wire_of(s, w, sizeof w);
        dt_list got = { 0 };
        ck_assert_int_eq(dt_decode(d, w, n, DT_GUARD, &got), H2C_OK);
        check_step(d, s, &got);
        dt_list_free(&got);
    }
    ck_assert_uint_eq(h2c_hpack_decoder_table_max(d), seqs[_i].max);
    h2c_hpack_decoder_free(d);
}
END_TEST

/* Decode the sequence with step 'target' cut at 'cut' (0 = whole) or fed
 * in pieces of 'piece' octets; check everything each step. */
static void run_cut(size_t seq, size_t target, size_t cut, size_t piece, dt_list *target_out)
{
    h2c_hpack_decoder *d = new_dec(seqs[seq].max);
    for (size_t k = 0; k < seqs[seq].n; k++) {
        const step *s = &steps[seqs[seq].first + k];
        uint8_t w[256];
        size_t n = wire_of(s, w, sizeof w);
        dt_list got = { 0 };
        int rc;
        if (k != target)
            rc = dt_decode(d, w, n, DT_HEAP, &got);
        else if (piece)
            rc = dt_decode_step(d, w, n, piece, DT_GUARD, &got);
        else
            rc = dt_decode_cuts(d, w, n, &cut, 1, DT_GUARD, &got);
        ck_assert_msg(rc == H2C_OK, "%s cut %zu piece %zu: %s", s->id, cut, piece,
                      h2c_status_name(rc));
        check_step(d, s, &got);
        if (k == target && target_out)
            *target_out = got;
        else
            dt_list_free(&got);
    }
    h2c_hpack_decoder_free(d);
}

START_TEST(sequence_every_cut)
{
    for (size_t k = 0; k < seqs[_i].n; k++) {
        const step *s = &steps[seqs[_i].first + k];
        uint8_t w[256];
        size_t n = wire_of(s, w, sizeof w);
        dt_list ref = { 0 };
        run_cut(_i, k, n, 0, &ref); /* cut at the end: one piece + an empty one */
        for (size_t cut = 0; cut <= n; cut++) {
            dt_list got = { 0 };
            run_cut(_i, k, cut, 0, &got);
            ck_assert_msg(dt_list_equal(&ref, &got), "%s cut at %zu differs", s->id, cut);
            dt_list_free(&got);
        }
        for (size_t piece = 1; piece <= 3; piece++) {
            dt_list got = { 0 };
            run_cut(_i, k, 0, piece, &got);
            ck_assert_msg(dt_list_equal(&ref, &got), "%s pieces of %zu differ", s->id, piece);
            dt_list_free(&got);
        }
        dt_list_free(&ref);
    }
}
END_TEST

/* Representation details the RFC walk-through spells out. */
START_TEST(c2_representation_details)
{
    const int want_indexing[] = { H2C_HPACK_INDEX_YES, H2C_HPACK_INDEX_NO, H2C_HPACK_INDEX_NEVER,
                                  H2C_HPACK_INDEX_YES };
    const uint32_t want_index[] = { 0, 4, 0, 2 };
    const uint8_t want_flags[] = { 0, 0, 0, H2C_HPACK_F_INDEXED };
    for (size_t i = 0; i < 4; i++) {
        h2c_hpack_decoder *d = new_dec(4096);
        uint8_t w[256];
        size_t n = wire_of(&steps[i], w, sizeof w);
        dt_list got = { 0 };
        ck_assert_int_eq(dt_decode(d, w, n, DT_GUARD, &got), H2C_OK);
        ck_assert_uint_eq(got.n, 1);
        ck_assert_int_eq(got.f[0].indexing, want_indexing[i]);
        ck_assert_uint_eq(got.f[0].index, want_index[i]);
        ck_assert_uint_eq(got.f[0].flags, want_flags[i]);
        dt_list_free(&got);
        h2c_hpack_decoder_free(d);
    }
}
END_TEST

START_TEST(huffman_flags)
{
    /* C.4.3: custom-key/custom-value both Huffman, new name. */
    h2c_hpack_decoder *d = new_dec(4096);
    for (size_t k = 7; k < 10; k++) {
        uint8_t w[256];
        size_t n = wire_of(&steps[k], w, sizeof w);
        dt_list got = { 0 };
        ck_assert_int_eq(dt_decode(d, w, n, DT_GUARD, &got), H2C_OK);
        if (k == 9) {
            ck_assert_uint_eq(got.f[4].flags, H2C_HPACK_F_NAME_HUFFMAN | H2C_HPACK_F_VALUE_HUFFMAN);
            ck_assert_uint_eq(got.f[4].index, 0);
            ck_assert_uint_eq(got.f[3].flags, H2C_HPACK_F_INDEXED);
            ck_assert_uint_eq(got.f[3].index, 63);
        }
        if (k == 8) {
            ck_assert_uint_eq(got.f[4].flags, H2C_HPACK_F_VALUE_HUFFMAN);
            ck_assert_uint_eq(got.f[4].index, 24);
        }
        dt_list_free(&got);
    }
    h2c_hpack_decoder_free(d);
}
END_TEST

/* C.3 and C.4 decode to the same lists; C.5 and C.6 too. */
START_TEST(plain_and_huffman_agree)
{
    for (size_t pair = 0; pair < 2; pair++) {
        size_t a = pair ? 6 : 4, b = pair ? 7 : 5;
        h2c_hpack_decoder *da = new_dec(seqs[a].max), *db = new_dec(seqs[b].max);
        for (size_t k = 0; k < 3; k++) {
            uint8_t w[256];
            dt_list la = { 0 }, lb = { 0 };
            size_t n = wire_of(&steps[seqs[a].first + k], w, sizeof w);
            ck_assert_int_eq(dt_decode(da, w, n, DT_HEAP, &la), H2C_OK);
            n = wire_of(&steps[seqs[b].first + k], w, sizeof w);
            ck_assert_int_eq(dt_decode(db, w, n, DT_HEAP, &lb), H2C_OK);
            ck_assert_uint_eq(la.n, lb.n);
            for (size_t i = 0; i < la.n; i++) {
                ck_assert_uint_eq(la.f[i].value_len, lb.f[i].value_len);
                ck_assert_mem_eq(la.f[i].value, lb.f[i].value, la.f[i].value_len);
            }
            dt_list_free(&la);
            dt_list_free(&lb);
        }
        h2c_hpack_decoder_free(da);
        h2c_hpack_decoder_free(db);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hpack_rfc_vectors");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, sequence_whole, 0, NSEQS);
    tcase_add_loop_test(tc, sequence_every_cut, 0, NSEQS);
    tcase_add_test(tc, c2_representation_details);
    tcase_add_test(tc, huffman_flags);
    tcase_add_test(tc, plain_and_huffman_agree);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_run_suite_nofork(suite());
}
