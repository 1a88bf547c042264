/* SPDX-License-Identifier: MIT */
/*
 * The sans-I/O HTTP/2 connection (<h2codec/conn.h>): client/server pairs
 * in memory, raw-frame injection for the receiver's MUSTs of RFC 9113
 * sections 3-8, the flood defences, allocation behaviour and chunking.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdlib.h>

#include "conn_cases.h"

int main(void)
{
    Suite *s = suite_create("conn");
    suite_add_tcase(s, ct_tcase_pair());
    suite_add_tcase(s, ct_tcase_rfc());
    suite_add_tcase(s, ct_tcase_flood());
    suite_add_tcase(s, ct_tcase_memory());
    suite_add_tcase(s, ct_tcase_queue());
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
