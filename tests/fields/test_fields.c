/* SPDX-License-Identifier: MIT */
/* RFC 9113 sections 8.2-8.3 field validation. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <h2codec/fields.h>

#include "fields_int.h"

typedef struct { const char *name, *value; } kv;

/* Run a whole block through a fresh validator: first error or finish(). */
static int run(h2c_fields_kind kind, uint32_t lenient, const kv *f, size_t n)
{
    h2c_fields_validator v;
    h2c_fields_validator_init(&v, kind, lenient);
    for (size_t i = 0; i < n; i++) {
        int rc = h2c_fields_validator_push(&v, h2c_view_of(f[i].name, strlen(f[i].name)), h2c_view_of(f[i].value, strlen(f[i].value)));
        if (rc != H2C_OK)
            return rc;
    }
    return h2c_fields_validator_finish(&v);
}

#define RUN(kind, lenient, ...)                                                                   \
    run(kind, lenient, (const kv[]){__VA_ARGS__}, sizeof((const kv[]){__VA_ARGS__}) / sizeof(kv))

#define GET {":method", "GET"}, {":scheme", "https"}, {":path", "/"}, {":authority", "a.example"}

START_TEST(valid_request_response_trailers)
{
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"accept", "*/*"}, {"te", "trailers"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {":status", "200"}, {"server", "x"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_TRAILERS, 0, {"grpc-status", "0"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_AUTO, 0, GET), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_AUTO, 0, {":status", "404"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "OPTIONS"}, {":scheme", "https"},
                         {":path", "*"}, {":authority", "a.example"}), 0);
    /* An http(s) request names its authority with :authority or Host (8.3.1). */
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "https"},
                         {":path", "/"}, {"host", "a.example"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "foo"},
                         {":path", ""}), 0); /* empty path only matters for http(s) */
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"x", ""}), 0); /* empty value is fine */
}
END_TEST

START_TEST(names)
{
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"", "v"}), H2C_FIELDS_E_NAME_EMPTY);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"Accept", "v"}), H2C_FIELDS_E_NAME_UPPERCASE);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, H2C_FIELDS_LENIENT_NAME_UPPERCASE, GET, {"Accept", "v"}),
                     0);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"a b", "v"}), H2C_FIELDS_E_NAME_CHAR);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"a\rb", "v"}), H2C_FIELDS_E_NAME_CHAR);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"a\nb", "v"}), H2C_FIELDS_E_NAME_CHAR);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"a:b", "v"}), H2C_FIELDS_E_NAME_CHAR);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"a\"b", "v"}), H2C_FIELDS_E_NAME_CHAR);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"caf\xc3\xa9", "v"}), H2C_FIELDS_E_NAME_CHAR);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":", "v"}), H2C_FIELDS_E_NAME_CHAR);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"x-a.b_c~1", "v"}), 0);

    /* NUL inside a name needs an explicit length. */
    h2c_fields_validator v;
    h2c_fields_validator_init(&v, H2C_FIELDS_TRAILERS, 0);
    ck_assert_int_eq(h2c_fields_validator_push(&v, h2c_view_of("a\0b", 3), h2c_view_of("v", 1)), H2C_FIELDS_E_NAME_CHAR);
}
END_TEST

START_TEST(values)
{
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"x", "a\rb"}), H2C_FIELDS_E_VALUE_CHAR);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"x", "a\nb"}), H2C_FIELDS_E_VALUE_CHAR);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"x", " a"}), H2C_FIELDS_E_VALUE_WHITESPACE);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"x", "a\t"}), H2C_FIELDS_E_VALUE_WHITESPACE);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, H2C_FIELDS_LENIENT_VALUE_WHITESPACE, GET, {"x", " a "}),
                     0);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, H2C_FIELDS_LENIENT_VALUE_WHITESPACE, GET, {"x", "a\r"}),
                     H2C_FIELDS_E_VALUE_CHAR); /* leniency relaxes one rule only */
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"x", "a b\tc"}), 0);

    h2c_fields_validator v;
    h2c_fields_validator_init(&v, H2C_FIELDS_TRAILERS, 0);
    ck_assert_int_eq(h2c_fields_validator_push(&v, h2c_view_of("x", 1), h2c_view_of("a\0b", 3)), H2C_FIELDS_E_VALUE_CHAR);
}
END_TEST

START_TEST(pseudo_headers)
{
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {":foo", "x"}), H2C_FIELDS_E_PSEUDO_UNKNOWN);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":foo", "x"}, GET), H2C_FIELDS_E_PSEUDO_UNKNOWN);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {":path", "/x"}), H2C_FIELDS_E_PSEUDO_DUPLICATE);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {"accept", "x"},
                         {":path", "/"}), H2C_FIELDS_E_PSEUDO_AFTER_REGULAR);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {":status", "200"}), H2C_FIELDS_E_PSEUDO_MIXED);
    ck_assert_int_eq(RUN(H2C_FIELDS_AUTO, 0, {":status", "200"}, {":method", "GET"}),
                     H2C_FIELDS_E_PSEUDO_MIXED);
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {":status", "200"}, {":status", "200"}),
                     H2C_FIELDS_E_PSEUDO_DUPLICATE);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":scheme", "https"}, {":path", "/"}),
                     H2C_FIELDS_E_PSEUDO_MISSING);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":path", "/"}),
                     H2C_FIELDS_E_PSEUDO_MISSING);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "http"}),
                     H2C_FIELDS_E_PSEUDO_MISSING);
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {"server", "x"}), H2C_FIELDS_E_PSEUDO_MISSING);
    ck_assert_int_eq(RUN(H2C_FIELDS_TRAILERS, 0, {":status", "200"}),
                     H2C_FIELDS_E_PSEUDO_IN_TRAILERS);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "https"},
                         {":path", ""}), H2C_FIELDS_E_PATH_EMPTY);
    /* 8.3.1: one valid value each; :path in origin form, or "*" for OPTIONS;
     * an http(s) request has a non-empty authority (RFC 9110 4.2.1). */
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", ""}, {":scheme", "https"},
                         {":path", "/"}, {":authority", "a"}), H2C_FIELDS_E_PSEUDO_EMPTY);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", ""},
                         {":path", ""}, {":authority", "a"}), H2C_FIELDS_E_PSEUDO_EMPTY);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "https"},
                         {":path", "/"}, {":authority", ""}), H2C_FIELDS_E_PSEUDO_EMPTY);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "https"},
                         {":path", "/"}), H2C_FIELDS_E_PSEUDO_MISSING);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "https"},
                         {":path", "index.html"}, {":authority", "a"}), H2C_FIELDS_E_PATH);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "https"},
                         {":path", "*"}, {":authority", "a"}), H2C_FIELDS_E_PATH);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "foo"},
                         {":path", "urn:x"}), 0); /* other schemes: any path, no authority */
    /* http and https in any case are http(s); near misses are other schemes */
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "HTTPS"},
                         {":path", "urn:x"}, {":authority", "a"}), H2C_FIELDS_E_PATH);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "hTtP"},
                         {":path", "urn:x"}, {":authority", "a"}), H2C_FIELDS_E_PATH);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "httpx"},
                         {":path", "urn:x"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "http3"},
                         {":path", "urn:x"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "htt"},
                         {":path", "urn:x"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "GET"}, {":scheme", "hup"},
                         {":path", "urn:x"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {":status", "20"}), H2C_FIELDS_E_STATUS);
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {":status", "2x0"}), H2C_FIELDS_E_STATUS);
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {":status", "099"}), H2C_FIELDS_E_STATUS);
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {":status", "000"}), H2C_FIELDS_E_STATUS);
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {":status", "100"}), H2C_OK);
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {":status", "999"}), H2C_OK);
}
END_TEST

START_TEST(connect)
{
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "CONNECT"}, {":authority", "h:443"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "CONNECT"}), H2C_FIELDS_E_CONNECT);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "CONNECT"}, {":authority", "h:443"},
                         {":path", "/"}), H2C_FIELDS_E_CONNECT);
    /* RFC 8441 extended CONNECT. */
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, {":method", "CONNECT"}, {":protocol", "websocket"},
                         {":scheme", "https"}, {":path", "/chat"}, {":authority", "h"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {":protocol", "websocket"}),
                     H2C_FIELDS_E_CONNECT);
}
END_TEST

START_TEST(connection_specific)
{
    static const char *conn_names[] = {"connection", "keep-alive", "proxy-connection",
                                  "transfer-encoding", "upgrade"};
    for (size_t i = 0; i < 5; i++) {
        kv f[] = {GET, {conn_names[i], "x"}};
        ck_assert_int_eq(run(H2C_FIELDS_REQUEST, 0, f, 5), H2C_FIELDS_E_CONNECTION_SPECIFIC);
        ck_assert_int_eq(run(H2C_FIELDS_REQUEST, H2C_FIELDS_LENIENT_CONNECTION, f, 5), 0);
    }
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"te", "gzip"}), H2C_FIELDS_E_TE);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, H2C_FIELDS_LENIENT_TE, GET, {"te", "gzip"}), 0);
    ck_assert_int_eq(RUN(H2C_FIELDS_REQUEST, 0, GET, {"te", "Trailers"}), 0);
}
END_TEST

START_TEST(state_and_names)
{
    h2c_fields_validator v;
    h2c_fields_validator_init(&v, H2C_FIELDS_AUTO, 0);
    ck_assert_int_eq(h2c_fields_validator_push(&v, h2c_view_of("x", 1), h2c_view_of("y", 1)), 0);
    ck_assert_int_eq(h2c_fields_validator_finish(&v), 0);
    ck_assert_int_eq(h2c_fields_validator_kind(&v), H2C_FIELDS_TRAILERS);
    ck_assert_int_eq(h2c_fields_validator_push(&v, h2c_view_of("x", 1), h2c_view_of("y", 1)), H2C_E_STATE);
    ck_assert_int_eq(h2c_fields_validator_finish(&v), H2C_E_STATE);
    /* Every status push and finish return: H2C_OK, the H2C_FIELDS_E_* and
     * H2C_E_STATE. */
    static const int all[] = { H2C_OK, H2C_E_STATE, -301, -302, -303, -304, -305, -306,
                               -307,   -308,        -309, -310, -311, -312, -313, -314,
                               -315,   -316,        -317, -318 };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        int s = all[i];
        ck_assert_str_ne(h2c_strerror(s), "unknown status");
        ck_assert_str_ne(h2c_status_name(s), "H2C_E_UNKNOWN");
        ck_assert_uint_eq(h2c_status_h2_error(s), s < -300 ? 0x1u : 0x0u);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(h2c_status_name(s), h2c_status_name(all[j]));
    }
    ck_assert_int_eq(H2C_FIELDS_E_NAME_EMPTY, -301);
    ck_assert_int_eq(H2C_FIELDS_E_STATUS, -316);
    ck_assert_int_eq(H2C_FIELDS_E_PATH, -318);
    ck_assert_str_eq(h2c_status_name(H2C_FIELDS_E_TE), "H2C_FIELDS_E_TE");
    ck_assert_str_eq(h2c_strerror(-319), "unknown status");
    ck_assert_str_eq(h2c_strerror(-999), "unknown status");
}
END_TEST

/*
 * The word-at-a-time scans: every length up to 40 and around the 8-, 16- and
 * 128-octet steps, every position, octets both right after a PROT_NONE page
 * and right before one (any read outside the field faults).
 */
static const size_t scan_lens[] = {47, 48, 49, 63, 64, 65, 127, 128, 129, 143, 144, 145,
                                   255, 256, 257, 300, 383, 384, 385};
#define N_SCAN_LENS (41 + sizeof scan_lens / sizeof scan_lens[0])

static size_t scan_len(size_t k)
{
    return k <= 40 ? k : scan_lens[k - 41];
}

typedef struct {
    unsigned char *base, *p;
    size_t span;
} guarded;

/* len writable octets with a PROT_NONE page on both sides; at_end picks
 * whether they end at the page after (else start at the page before). */
static guarded guard_both(size_t len, int at_end)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    guarded g;
    g.span = (len + pg - 1) / pg * pg + 2 * pg;
    g.base = mmap(NULL, g.span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(g.base, MAP_FAILED);
    ck_assert_int_eq(mprotect(g.base, pg, PROT_NONE), 0);
    ck_assert_int_eq(mprotect(g.base + g.span - pg, pg, PROT_NONE), 0);
    g.p = at_end ? g.base + g.span - pg - len : g.base + pg;
    return g;
}

static void guard_release(guarded g)
{
    munmap(g.base, g.span);
}

static int push1(uint32_t lenient, const void *name, size_t name_len, const void *value,
                 size_t value_len)
{
    h2c_fields_validator v;
    h2c_fields_validator_init(&v, H2C_FIELDS_TRAILERS, lenient);
    return h2c_fields_validator_push(&v, h2c_view_of(name, name_len), h2c_view_of(value, value_len));
}

/* The rule for values, octet by octet: NUL, CR and LF never (RFC 9113
 * 8.2.1); other controls but HTAB, and DEL, unless lenient (RFC 9110 5.5). */
static int value_ref(const unsigned char *p, size_t len, uint32_t lenient)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] == 0 || p[i] == '\n' || p[i] == '\r')
            return H2C_FIELDS_E_VALUE_CHAR;
    if (!(lenient & H2C_FIELDS_LENIENT_VALUE_CTL))
        for (size_t i = 0; i < len; i++)
            if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
                return H2C_FIELDS_E_VALUE_CHAR;
    if (len && !(lenient & H2C_FIELDS_LENIENT_VALUE_WHITESPACE) &&
        (p[0] == ' ' || p[0] == '\t' || p[len - 1] == ' ' || p[len - 1] == '\t'))
        return H2C_FIELDS_E_VALUE_WHITESPACE;
    return H2C_OK;
}

static void check_value(const unsigned char *p, size_t len)
{
    static const uint32_t modes[] = { 0, H2C_FIELDS_LENIENT_VALUE_WHITESPACE,
                                      H2C_FIELDS_LENIENT_VALUE_CTL,
                                      H2C_FIELDS_LENIENT_VALUE_CTL |
                                          H2C_FIELDS_LENIENT_VALUE_WHITESPACE };
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        uint32_t lenient = modes[m];
        int want = value_ref(p, len, lenient);
        int got = push1(lenient, "x", 1, p, len);
        if (got != want)
            ck_abort_msg("value of %zu octets (lenient %u): got %d, want %d", len,
                         (unsigned)lenient, got, want);
    }
}

START_TEST(value_scan_every_position)
{
    static const unsigned char odd[] = {0, '\n', '\r', ' ', '\t', 0x01, 0x09, 0x0b, 0x0c,
                                        0x0e, 0x7f, 0x80, 0x8a, 0x8d, 0xff};
    for (int at_end = 0; at_end <= 1; at_end++) {
        for (size_t k = 0; k < N_SCAN_LENS; k++) {
            size_t len = scan_len(k);
            guarded g = guard_both(len, at_end);
            unsigned char *p = g.p;
            memset(p, 'b', len);
            check_value(p, len);
            for (size_t i = 0; i < len; i++) {
                for (size_t o = 0; o < sizeof odd; o++) {
                    p[i] = odd[o];
                    check_value(p, len);
                }
                p[i] = 'b';
            }
            /* Every allowed octet, controls included, and nothing to find. */
            for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)(1 + (i * 7 + k) % 255);
                p[i] = c == '\n' || c == '\r' ? '\t' : c;
            }
            check_value(p, len);
            if (len) {
                p[len - 1] = '\r';
                check_value(p, len);
            }
            guard_release(g);
        }
    }
}
END_TEST

/* h2c_fields_copy_plain(): a copy, and 1 exactly when every octet is from
 * SP to '~', whatever the length and wherever the odd octet is. */
static void check_copy(const unsigned char *p, size_t len)
{
    unsigned char out[300];
    int want = 1;
    for (size_t i = 0; i < len; i++)
        want &= p[i] >= 0x20 && p[i] <= 0x7e;
    memset(out, 0xa5, sizeof out);
    int got = h2c_fields_copy_plain(out + 1, p, len);
    if (got != want)
        ck_abort_msg("copy of %zu octets: got %d, want %d", len, got, want);
    ck_assert(memcmp(out + 1, p, len) == 0);
    ck_assert(out[0] == 0xa5 && out[len + 1] == 0xa5);
}

START_TEST(copy_plain_every_position)
{
    static const unsigned char odd[] = {0,    '\t', '\n', 0x1f, 0x20, 0x7e,
                                        0x7f, 0x80,  0xa0,  0xfe, 0xff};
    for (int at_end = 0; at_end <= 1; at_end++) {
        for (size_t len = 0; len <= 290; len += len < 140 ? 1 : 37) {
            guarded g = guard_both(len, at_end);
            unsigned char *p = g.p;
            for (size_t i = 0; i < len; i++)
                p[i] = (unsigned char)(0x20 + (i * 13) % 0x5f); /* SP to '~' */
            check_copy(p, len);
            for (size_t i = 0; i < len; i++) {
                unsigned char keep = p[i];
                for (size_t o = 0; o < sizeof odd; o++) {
                    p[i] = odd[o];
                    check_copy(p, len);
                }
                p[i] = keep;
            }
            guard_release(g);
        }
    }
}
END_TEST

/* The rule for names, octet by octet: the first octet outside tchar decides. */
static int name_ref(const unsigned char *p, size_t len, uint32_t lenient)
{
    static const char tchar[] = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz";
    static unsigned char ok[256];
    if (!ok['a'])
        for (const char *t = tchar; *t; t++)
            ok[(unsigned char)*t] = 1;
    if (len == 0)
        return H2C_FIELDS_E_NAME_EMPTY;
    for (size_t i = p[0] == ':' ? 1 : 0; i < len; i++) {
        if (ok[p[i]])
            continue;
        if (p[i] >= 'A' && p[i] <= 'Z') {
            if (lenient & H2C_FIELDS_LENIENT_NAME_UPPERCASE)
                continue;
            return H2C_FIELDS_E_NAME_UPPERCASE;
        }
        return H2C_FIELDS_E_NAME_CHAR;
    }
    if (len == 1 && p[0] == ':')
        return H2C_FIELDS_E_NAME_CHAR;
    return p[0] == ':' ? H2C_FIELDS_E_PSEUDO_IN_TRAILERS : H2C_OK;
}

static void check_name(const unsigned char *p, size_t len)
{
    for (uint32_t lenient = 0; lenient <= H2C_FIELDS_LENIENT_NAME_UPPERCASE;
         lenient += H2C_FIELDS_LENIENT_NAME_UPPERCASE) {
        int want = name_ref(p, len, lenient);
        int got = push1(lenient, p, len, "v", 1);
        if (got != want)
            ck_abort_msg("name of %zu octets (lenient %u): got %d, want %d", len,
                         (unsigned)lenient, got, want);
    }
}

START_TEST(name_scan_every_position)
{
    static const char fill[] = "x-y.0z9_q"; /* never a connection-specific name or te */
    static const unsigned char some_octets[] = {0,   '\t', ' ', '!', '"', ',', '-', '.', '/', '0',
                                                '9', ':',  '@', 'A', 'Z', '[', '_', '`', 'a', 'z',
                                                '{', '|',  '~', 0x7f, 0x80, 0xad, 0xe1, 0xff};
    for (int at_end = 0; at_end <= 1; at_end++) {
        for (size_t k = 0; k < N_SCAN_LENS; k++) {
            size_t len = scan_len(k);
            guarded g = guard_both(len, at_end);
            unsigned char *p = g.p;
            for (size_t i = 0; i < len; i++)
                p[i] = (unsigned char)fill[i % (sizeof fill - 1)];
            check_name(p, len);
            for (size_t i = 0; i < len; i++) {
                unsigned char keep = p[i];
                /* Every octet in short names; a sample of each class in long ones. */
                size_t n_oct = len <= 40 ? 256 : sizeof some_octets;
                for (size_t o = 0; o < n_oct; o++) {
                    p[i] = len <= 40 ? (unsigned char)o : some_octets[o];
                    check_name(p, len);
                }
                /* Which of an uppercase letter and another octet comes first. */
                p[i] = 'Q';
                for (size_t j = 0; len <= 40 && j < len; j++) {
                    if (j == i)
                        continue;
                    unsigned char keep_j = p[j];
                    p[j] = ' ';
                    check_name(p, len);
                    p[j] = keep_j;
                }
                check_name(p, len);
                p[i] = keep;
            }
            guard_release(g);
        }
    }
}
END_TEST

/* The HPACK static table (RFC 7541 Appendix A): tools/cli/conn.c trusts the
 * octets of its names and values, so every one must pass the checks, and
 * push_trusted() must then agree with push() whatever the block's kind. */
static const kv hpack_static[61] = {
    {":authority", ""}, {":method", "GET"}, {":method", "POST"}, {":path", "/"},
    {":path", "/index.html"}, {":scheme", "http"}, {":scheme", "https"}, {":status", "200"},
    {":status", "204"}, {":status", "206"}, {":status", "304"}, {":status", "400"},
    {":status", "404"}, {":status", "500"}, {"accept-charset", ""},
    {"accept-encoding", "gzip, deflate"}, {"accept-language", ""}, {"accept-ranges", ""},
    {"accept", ""}, {"access-control-allow-origin", ""}, {"age", ""}, {"allow", ""},
    {"authorization", ""}, {"cache-control", ""}, {"content-disposition", ""},
    {"content-encoding", ""}, {"content-language", ""}, {"content-length", ""},
    {"content-location", ""}, {"content-range", ""}, {"content-type", ""}, {"cookie", ""},
    {"date", ""}, {"etag", ""}, {"expect", ""}, {"expires", ""}, {"from", ""}, {"host", ""},
    {"if-match", ""}, {"if-modified-since", ""}, {"if-none-match", ""}, {"if-range", ""},
    {"if-unmodified-since", ""}, {"last-modified", ""}, {"link", ""}, {"location", ""},
    {"max-forwards", ""}, {"proxy-authenticate", ""}, {"proxy-authorization", ""}, {"range", ""},
    {"referer", ""}, {"refresh", ""}, {"retry-after", ""}, {"server", ""}, {"set-cookie", ""},
    {"strict-transport-security", ""}, {"transfer-encoding", ""}, {"user-agent", ""}, {"vary", ""},
    {"via", ""}, {"www-authenticate", ""},
};

START_TEST(trusted_static_table)
{
    static const h2c_fields_kind kinds[] = {H2C_FIELDS_REQUEST, H2C_FIELDS_RESPONSE,
                                            H2C_FIELDS_TRAILERS, H2C_FIELDS_AUTO};
    static const uint32_t trust[] = {H2C_FIELDS_TRUSTED_NAME,
                                     H2C_FIELDS_TRUSTED_NAME | H2C_FIELDS_TRUSTED_VALUE};
    for (size_t i = 0; i < 61; i++) {
        const char *n = hpack_static[i].name, *val = hpack_static[i].value;
        for (size_t k = 0; k < 4; k++) {
            for (int regular_first = 0; regular_first <= 1; regular_first++) {
                for (size_t t = 0; t < 2; t++) {
                    h2c_fields_validator a, b;
                    h2c_fields_validator_init(&a, kinds[k], 0);
                    h2c_fields_validator_init(&b, kinds[k], 0);
                    if (regular_first) {
                        ck_assert_int_eq(h2c_fields_validator_push(&a, h2c_view_of("x", 1), h2c_view_of("y", 1)), 0);
                        ck_assert_int_eq(h2c_fields_validator_push(&b, h2c_view_of("x", 1), h2c_view_of("y", 1)), 0);
                    }
                    int want = h2c_fields_validator_push(&a, h2c_view_of(n, strlen(n)), h2c_view_of(val, strlen(val)));
                    ck_assert_int_ne(want, H2C_FIELDS_E_NAME_CHAR);
                    ck_assert_int_ne(want, H2C_FIELDS_E_NAME_UPPERCASE);
                    ck_assert_int_ne(want, H2C_FIELDS_E_VALUE_CHAR);
                    ck_assert_int_ne(want, H2C_FIELDS_E_VALUE_WHITESPACE);
                    int got = h2c_fields_validator_push_trusted(&b, h2c_view_of(n, strlen(n)), h2c_view_of(val, strlen(val)), trust[t]);
                    ck_assert_msg(got == want, "%s: %s (kind %d, trust %u): got %d, want %d", n,
                                  val, (int)kinds[k], (unsigned)trust[t], got, want);
                    ck_assert(memcmp(&a, &b, sizeof a) == 0);
                    ck_assert_int_eq(h2c_fields_validator_finish(&a),
                                     h2c_fields_validator_finish(&b));
                }
            }
        }
    }

    /* What trust does not cover: state, empty names, the rules on names. */
    h2c_fields_validator v;
    h2c_fields_validator_init(&v, H2C_FIELDS_REQUEST, 0);
    ck_assert_int_eq(h2c_fields_validator_push_trusted(&v, h2c_view_of("", 0), h2c_view_of("v", 1), H2C_FIELDS_TRUSTED_NAME),
                     H2C_FIELDS_E_NAME_EMPTY);
    ck_assert_int_eq(h2c_fields_validator_push_trusted(&v, h2c_view_of("connection", 10), h2c_view_of("x", 1), 3),
                     H2C_FIELDS_E_CONNECTION_SPECIFIC);
    ck_assert_int_eq(h2c_fields_validator_push_trusted(&v, h2c_view_of(":bogus", 6), h2c_view_of("x", 1), 3),
                     H2C_FIELDS_E_PSEUDO_AFTER_REGULAR);
    ck_assert_int_eq(h2c_fields_validator_push_trusted(&v, h2c_view_of("x", 1), h2c_view_of("a\rb", 3), H2C_FIELDS_TRUSTED_NAME),
                     H2C_FIELDS_E_VALUE_CHAR);
    ck_assert_int_eq(h2c_fields_validator_push_trusted(NULL, h2c_view_of("x", 1), h2c_view_of("y", 1), 3), H2C_E_STATE);
    ck_assert_int_eq(h2c_fields_validator_push_trusted(&v, h2c_view_of(NULL, 1), h2c_view_of("y", 1), 3), H2C_E_STATE);
    ck_assert_int_eq(h2c_fields_validator_finish(&v), H2C_FIELDS_E_PSEUDO_MISSING);
    ck_assert_int_eq(h2c_fields_validator_push_trusted(&v, h2c_view_of("x", 1), h2c_view_of("y", 1), 3), H2C_E_STATE);
}
END_TEST

/* Trust skips only the octet scans: for random blocks of edge and random
 * fields, every trust level gives push()'s result and state whenever the
 * octets are valid (push() finds no octet error).  Fields are exact-size
 * heap copies, so a read past one shows under ASan. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15u;
static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (uint32_t)rnd_state;
}

static size_t rnd_field(char *b, const char *const *pick, size_t npick)
{
    size_t len;
    if (rnd() % 4) {
        const char *w = pick[rnd() % npick];
        len = strlen(w);
        memcpy(b, w, len);
        if (len && rnd() % 6 == 0)
            b[rnd() % len] ^= (char)(1u << (rnd() % 8)); /* a near miss */
    } else {
        len = rnd() % 40;
        for (size_t i = 0; i < len; i++) {
            uint32_t k = rnd() % 10;
            b[i] = k < 6 ? (char)('a' + rnd() % 26) : k < 8 ? (char)(rnd() % 128) : (char)rnd();
        }
    }
    return len;
}

static int octet_error(int rc)
{
    return rc == H2C_FIELDS_E_NAME_CHAR || rc == H2C_FIELDS_E_NAME_UPPERCASE ||
           rc == H2C_FIELDS_E_VALUE_CHAR || rc == H2C_FIELDS_E_VALUE_WHITESPACE;
}

START_TEST(trusted_random)
{
    static const char *const rnd_names[] = {
        ":method", ":scheme", ":authority", ":path", ":protocol", ":status", ":x", ":",
        "host", "te", "connection", "content-length", "x-foo", "keep-alive", "upgrade",
        "proxy-connection", "transfer-encoding", "cookie", ":Method", "x-a-name-of-more-than-16",
    };
    static const char *const rnd_values[] = {
        "GET", "CONNECT", "OPTIONS", "http", "https", "HTTP", "hTtPs", "httpx", "http3", "htt",
        "hup", "/", "*", "", "example.org", "trailers", "200", "1", "websocket", "/a?b=c",
        "a value of more than sixteen octets",
    };
    static const uint32_t trust[] = {H2C_FIELDS_TRUSTED_NAME, H2C_FIELDS_TRUSTED_VALUE,
                                     H2C_FIELDS_TRUSTED_NAME | H2C_FIELDS_TRUSTED_VALUE};
    for (int block = 0; block < 20000; block++) {
        h2c_fields_kind kind = (h2c_fields_kind)(rnd() % 4);
        uint32_t lenient = rnd() % 32;
        h2c_fields_validator plain, t[3];
        h2c_fields_validator_init(&plain, kind, lenient);
        for (size_t k = 0; k < 3; k++)
            h2c_fields_validator_init(&t[k], kind, lenient);
        for (uint32_t f = rnd() % 8; f > 0; f--) {
            char nb[64], vb[64];
            size_t nl = rnd_field(nb, rnd_names, sizeof rnd_names / sizeof rnd_names[0]);
            size_t vl = rnd_field(vb, rnd_values, sizeof rnd_values / sizeof rnd_values[0]);
            char *np = malloc(nl ? nl : 1), *vp = malloc(vl ? vl : 1);
            ck_assert(np && vp);
            memcpy(np, nb, nl);
            memcpy(vp, vb, vl);
            h2c_view n = h2c_view_of(np, nl), v = h2c_view_of(vp, vl);
            int want = h2c_fields_validator_push(&plain, n, v);
            for (size_t k = 0; k < 3; k++) {
                int got = h2c_fields_validator_push_trusted(&t[k], n, v, trust[k]);
                if (octet_error(want))
                    t[k] = plain; /* what the skipped scan would have refused */
                else
                    ck_assert_msg(got == want && memcmp(&t[k], &plain, sizeof plain) == 0,
                                  "'%.*s: %.*s' (kind %d, trust %u): got %d, want %d", (int)nl,
                                  np, (int)vl, vp, (int)kind, (unsigned)trust[k], got, want);
            }
            free(np);
            free(vp);
        }
        int want = h2c_fields_validator_finish(&plain);
        for (size_t k = 0; k < 3; k++)
            ck_assert_int_eq(h2c_fields_validator_finish(&t[k]), want);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fields");
    TCase *tc = tcase_create("rfc9113-8.2-8.3");
    tcase_add_test(tc, valid_request_response_trailers);
    tcase_add_test(tc, names);
    tcase_add_test(tc, values);
    tcase_add_test(tc, pseudo_headers);
    tcase_add_test(tc, connect);
    tcase_add_test(tc, connection_specific);
    tcase_add_test(tc, state_and_names);
    tcase_add_test(tc, value_scan_every_position);
    tcase_add_test(tc, name_scan_every_position);
    tcase_add_test(tc, copy_plain_every_position);
    tcase_add_test(tc, trusted_static_table);
    tcase_add_test(tc, trusted_random);
    /* Like the other suites: Check's default of 4 s per test is tight for
     * the every-position scans under ASan on a busy 2-core machine. */
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
