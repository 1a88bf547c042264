/* SPDX-License-Identifier: MIT */
/*
 * conn_client -- the client role of <h2codec/conn.h> driven by arbitrary
 * peer (server) octets and by the calls the input chooses.  The driver,
 * its invariants and the input format are those of conn_server.c.
 */
#define CONN_FUZZ_CLIENT 1
#include "conn_server.c"
