/* SPDX-License-Identifier: MIT */
/* Static table (RFC 7541 Appendix A) and its hashed lookup. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dec_util.h"
#include "static_table.h"

static uint32_t find(const char *n, const char *v, uint32_t *ni)
{
    return h2c_static_find(n, strlen(n), v, strlen(v), ni);
}

START_TEST(spot_check_entries)
{
    ck_assert_str_eq(h2c_static_table[0].name, ":authority");
    ck_assert_str_eq(h2c_static_table[1].value, "GET");
    ck_assert_str_eq(h2c_static_table[15].name, "accept-encoding");
    ck_assert_str_eq(h2c_static_table[15].value, "gzip, deflate");
    ck_assert_str_eq(h2c_static_table[60].name, "www-authenticate");
    for (int i = 0; i < H2C_STATIC_COUNT; i++) {
        ck_assert_uint_eq(h2c_static_table[i].name_len, strlen(h2c_static_table[i].name));
        ck_assert_uint_eq(h2c_static_table[i].value_len, strlen(h2c_static_table[i].value));
    }
}
END_TEST

START_TEST(every_entry_found_exactly)
{
    for (uint32_t i = 1; i <= H2C_STATIC_COUNT; i++) {
        const h2c_static_entry *e = &h2c_static_table[i - 1];
        uint32_t ni = 99;
        ck_assert_uint_eq(h2c_static_find(e->name, e->name_len, e->value, e->value_len, &ni), i);
        /* The lowest index with that name. */
        uint32_t lowest = i;
        while (lowest > 1 && strcmp(h2c_static_table[lowest - 2].name, e->name) == 0)
            lowest--;
        ck_assert_uint_eq(ni, lowest);
    }
}
END_TEST

START_TEST(name_only_matches)
{
    uint32_t ni;
    ck_assert_uint_eq(find(":status", "201", &ni), 0);
    ck_assert_uint_eq(ni, 8);
    ck_assert_uint_eq(find(":method", "PUT", &ni), 0);
    ck_assert_uint_eq(ni, 2);
    ck_assert_uint_eq(find("cookie", "a=b", &ni), 0);
    ck_assert_uint_eq(ni, 32);
    ck_assert_uint_eq(find("accept-encoding", "gzip", &ni), 0);
    ck_assert_uint_eq(ni, 16);
    ck_assert_uint_eq(find(":path", "/", &ni), 4);
    ck_assert_uint_eq(find(":status", "500", &ni), 14);
}
END_TEST

START_TEST(unknown_names)
{
    static const char *names[] = { "", "x", "Cookie", ":authorit", ":authorityy", "content-lengtH",
                                   "x-forwarded-for", "accept-charsets", "viA", "ag",
                                   "www-authenticatf", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        uint32_t ni = 99;
        ck_assert_uint_eq(find(names[i], "", &ni), 0);
        ck_assert_uint_eq(ni, 0);
    }
}
END_TEST

START_TEST(value_compare_is_exact)
{
    uint32_t ni;
    ck_assert_uint_eq(find(":method", "GE", &ni), 0);
    ck_assert_uint_eq(find(":method", "GETT", &ni), 0);
    ck_assert_uint_eq(find(":authority", "", &ni), 1);
    ck_assert_uint_eq(find(":authority", "x", &ni), 0);
    ck_assert_uint_eq(ni, 1);
    /* Not NUL-terminated input: lengths rule. */
    ck_assert_uint_eq(h2c_static_find(":pathX", 5, "/index.htmlY", 11, &ni), 5);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hpack_static");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, spot_check_entries);
    tcase_add_test(tc, every_entry_found_exactly);
    tcase_add_test(tc, name_only_matches);
    tcase_add_test(tc, unknown_names);
    tcase_add_test(tc, value_compare_is_exact);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_run_suite(suite());
}
