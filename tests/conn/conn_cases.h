/* SPDX-License-Identifier: MIT */
/*
 * The test cases of the connection suite, one TCase per area.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef H2C_TEST_CONN_CASES_H
#define H2C_TEST_CONN_CASES_H

#include <check.h>

TCase *ct_tcase_pair(void);   /* conn_pair.c: client <-> server in memory */
TCase *ct_tcase_rfc(void);    /* conn_rfc.c: raw frames against RFC 9113 3-8 */
TCase *ct_tcase_flood(void);  /* conn_flood.c: secure by default */
TCase *ct_tcase_memory(void); /* conn_memory.c: allocations, memory, chunking */
TCase *ct_tcase_queue(void);  /* conn_queue.c: the events of one frame */

#endif
