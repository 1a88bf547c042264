/* SPDX-License-Identifier: MIT */
/* The h2codec command-line tool: one file per subcommand, sharing these. */
#ifndef H2C_CLI_H
#define H2C_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses shared by every subcommand. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

int cmd_decode(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_frames(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/* Read a whole file (or "-" for stdin).  NULL with a message on error. */
uint8_t *cli_read_file(const char *path, size_t *len);

/* Parse hex, ignoring white space.  Returns a malloc'd buffer or NULL. */
uint8_t *cli_hex_decode(const char *hex, size_t hex_len, size_t *out_len);
/* Lower-case hex of buf, malloc'd and NUL-terminated. */
char *cli_hex_encode(const uint8_t *buf, size_t len);

/* JSON strings must be UTF-8: when s[0..len) is not, a malloc'd copy with
 * each octet that starts no valid sequence replaced by U+FFFD, its length
 * in *out_len; NULL when s is valid as it is (or on allocation failure). */
char *cli_utf8_repair(const char *s, size_t len, size_t *out_len);

/* Print bytes, escaping anything not printable as \xNN. */
void cli_print_escaped(FILE *f, const char *s, size_t len);

/* Parse a non-negative integer option value; exits with usage on error. */
unsigned long long cli_parse_uint(const char *opt, const char *s, unsigned long long max);

/* Does path end with suffix? */
int cli_has_suffix(const char *path, const char *suffix);

#endif
