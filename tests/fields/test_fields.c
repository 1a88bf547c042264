/* RFC 9113 sections 8.2-8.3 field validation. */
#include <check.h>
#include <string.h>

#include <h2codec/fields.h>

typedef struct { const char *name, *value; } kv;

/* Run a whole block through a fresh validator: first error or finish(). */
static int run(h2c_fields_kind kind, uint32_t lenient, const kv *f, size_t n)
{
    h2c_fields_validator v;
    h2c_fields_validator_init(&v, kind, lenient);
    for (size_t i = 0; i < n; i++) {
        int rc = h2c_fields_validator_push(&v, f[i].name, strlen(f[i].name), f[i].value,
                                           strlen(f[i].value));
        if (rc != H2C_FIELDS_OK)
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
                         {":path", "*"}), 0);
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
    ck_assert_int_eq(h2c_fields_validator_push(&v, "a\0b", 3, "v", 1), H2C_FIELDS_E_NAME_CHAR);
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
    ck_assert_int_eq(h2c_fields_validator_push(&v, "x", 1, "a\0b", 3), H2C_FIELDS_E_VALUE_CHAR);
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
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {":status", "20"}), H2C_FIELDS_E_STATUS);
    ck_assert_int_eq(RUN(H2C_FIELDS_RESPONSE, 0, {":status", "2x0"}), H2C_FIELDS_E_STATUS);
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
    ck_assert_int_eq(h2c_fields_validator_push(&v, "x", 1, "y", 1), 0);
    ck_assert_int_eq(h2c_fields_validator_finish(&v), 0);
    ck_assert_int_eq(h2c_fields_validator_kind(&v), H2C_FIELDS_TRAILERS);
    ck_assert_int_eq(h2c_fields_validator_push(&v, "x", 1, "y", 1), H2C_FIELDS_E_STATE);
    ck_assert_int_eq(h2c_fields_validator_finish(&v), H2C_FIELDS_E_STATE);
    for (int s = 0; s >= H2C_FIELDS_E_STATE; s--) {
        ck_assert_str_ne(h2c_fields_strerror(s), "unknown status");
        ck_assert_str_ne(h2c_fields_status_name(s), "H2C_FIELDS_UNKNOWN");
    }
    ck_assert_str_eq(h2c_fields_strerror(-999), "unknown status");
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
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
