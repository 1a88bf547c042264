/* SPDX-License-Identifier: MIT */
/*
 * h2codec frames [--json] [--no-hpack] [--no-validate] [--lenient RULES] [--tolerant] [--pcap]
 *                [--max-frame-size N] [--table-size N] [--full-values] FILE
 *
 * FILE is one direction of a connection (with or without the client
 * preface), or with --pcap a pcap/pcapng capture whose TCP flows are
 * reassembled: every flow that starts with the preface is decoded, then its
 * reverse direction.  One line (or JSON object) per frame; the frame that
 * completes a field block carries the decoded headers.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include <h2codec/fields.h>

#include "capture/capture.h"
#include "cli.h"
#include "conn.h"
#include "frames_out.h"

static void on_report(void *user, const conn_report *r)
{
    frames_report(user, r);
}

/* ------------------------------------------------------------ driving */

static int decode_bytes(const conn_opts *co, out_ctx *o, const uint8_t *data, size_t len)
{
    conn *c;
    int rc = conn_new(&c, co, on_report, o);
    if (rc != 0) {
        fprintf(stderr, "h2codec: cannot set up the decoder (%d)\n", rc);
        return CLI_USAGE;
    }
    conn_push(c, data, len);
    conn_finish(c);
    conn_free(c);
    return CLI_OK;
}

/* --lenient's comma-separated rule names into H2C_FIELDS_LENIENT_* bits;
 * 0 with a message for an unknown name. */
static int parse_lenient(const char *arg, uint32_t *out)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } rules[] = {{"whitespace", H2C_FIELDS_LENIENT_VALUE_WHITESPACE},
                 {"uppercase", H2C_FIELDS_LENIENT_NAME_UPPERCASE},
                 {"connection", H2C_FIELDS_LENIENT_CONNECTION},
                 {"te", H2C_FIELDS_LENIENT_TE},
                 {"all", H2C_FIELDS_LENIENT_VALUE_WHITESPACE |
                             H2C_FIELDS_LENIENT_NAME_UPPERCASE | H2C_FIELDS_LENIENT_CONNECTION |
                             H2C_FIELDS_LENIENT_TE}};
    const char *p = arg;
    for (;;) {
        size_t n = strcspn(p, ","), i;
        for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
            if (strlen(rules[i].name) == n && memcmp(rules[i].name, p, n) == 0)
                break;
        if (i == sizeof rules / sizeof rules[0]) {
            fprintf(stderr,
                    "h2codec: --lenient: unknown rule '%.*s' (whitespace, uppercase, "
                    "connection, te, all)\n",
                    (int)n, p);
            return 0;
        }
        *out |= rules[i].bit;
        if (p[n] == '\0')
            return 1;
        p += n + 1;
    }
}

static int usage(FILE *f)
{
    fputs(
        "usage: h2codec frames [--json] [--no-hpack] [--no-validate] [--lenient RULES]\n"
        "                      [--tolerant] [--max-frame-size N] [--table-size N] FILE\n"
        "       h2codec frames --pcap [--json] [--tolerant] [--merge] [--summary] [--stream N]\n"
        "                      [--flow K] [--type T] [--keylog FILE] [--max-table N] CAPTURE\n"
        "  --json            JSON Lines: one object per frame, error or event\n"
        "  --no-hpack        check frames one by one; field blocks stay opaque\n"
        "  --no-validate     skip the RFC 9113 8.2-8.3 field checks\n"
        "  --lenient RULES   relax single field checks, comma-separated: whitespace\n"
        "                    (around values), uppercase (in names), connection\n"
        "                    (connection-specific fields), te (any te value), or all\n"
        "  --tolerant        for captures that start mid-connection or have gaps:\n"
        "                    unknown dynamic table entries decode as \"<unknown index N>\",\n"
        "                    decoding resumes at the next plausible frame header\n"
        "  --pcap            FILE is a pcap/pcapng capture; decode every HTTP/2 flow\n"
        "  --merge           print both directions in time order as they decode\n"
        "  --summary         per flow: frames by type, streams, requests, errors, octets\n"
        "  --stream N, --flow K, --type T   show only that stream, flow or frame type\n"
        "  --keylog FILE     NSS key log (SSLKEYLOGFILE) for TLS flows\n"
        "  --max-table N     cap on the HPACK table a peer's SETTINGS may ask for (65536)\n"
        "  --max-frame-size  SETTINGS_MAX_FRAME_SIZE of the receiver (default 16384)\n"
        "  --table-size      SETTINGS_HEADER_TABLE_SIZE of the receiver (default 4096)\n"
        "  --full-values     print long header values whole (text output)\n"
        "Exit status: 0 no error, 1 an error was reported (ignorable extension frames\n"
        "do not count) or, with --pcap, the capture holds no HTTP/2 flow, 2 usage,\n"
        "input or output error.\n",
        f);
    return f == stdout ? CLI_OK : CLI_USAGE;
}

/* --type: a frame type name (any case) or number. */
static int parse_type(const char *arg)
{
    for (int t = 0; t < 256; t++) {
        const char *n = h2c_frame_type_name((uint8_t)t);
        if (strcmp(n, "UNKNOWN") != 0 && strcasecmp(n, arg) == 0)
            return t;
    }
    return (int)cli_parse_uint("--type", arg, 255);
}

/* Output that could not be written is a failure: exit 2. */
static int finish_output(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "h2codec: cannot write the output\n");
        return CLI_USAGE;
    }
    return rc;
}

int cmd_frames(int argc, char **argv)
{
    static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
                                             {"no-hpack", no_argument, NULL, 'H'},
                                             {"no-validate", no_argument, NULL, 'V'},
                                             {"tolerant", no_argument, NULL, 'T'},
                                             {"pcap", no_argument, NULL, 'p'},
                                             {"max-frame-size", required_argument, NULL, 'm'},
                                             {"table-size", required_argument, NULL, 't'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"full-values", no_argument, NULL, 'F'},
                                             {"lenient", required_argument, NULL, 'L'},
                                             {"merge", no_argument, NULL, 'M'},
                                             {"summary", no_argument, NULL, 'S'},
                                             {"stream", required_argument, NULL, 's'},
                                             {"flow", required_argument, NULL, 'f'},
                                             {"type", required_argument, NULL, 'y'},
                                             {"keylog", required_argument, NULL, 'k'},
                                             {"max-table", required_argument, NULL, 'x'},
                                             {NULL, 0, NULL, 0}};
    capture_opts cp;
    capture_opts_init(&cp);
    conn_opts *co = &cp.co;
    out_ctx o;
    memset(&o, 0, sizeof o);
    o.out = stdout;
    int pcap = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': o.json = 1; break;
        case 'H': co->hpack = 0; break;
        case 'V': co->validate = 0; break;
        case 'T': co->tolerant = 1; break;
        case 'p': pcap = 1; break;
        case 'F': o.full = 1; break;
        case 'M': cp.merge = 1; break;
        case 'S': cp.summary = 1; break;
        case 's': cp.stream = (int64_t)cli_parse_uint("--stream", optarg, 0x7fffffff); break;
        case 'f': cp.flow = (int64_t)cli_parse_uint("--flow", optarg, 0x7fffffff); break;
        case 'y': cp.type = parse_type(optarg); break;
        case 'k': cp.keylog = optarg; break;
        case 'x':
            cp.max_table = (uint32_t)cli_parse_uint("--max-table", optarg, UINT32_MAX);
            break;
        case 'L':
            if (!parse_lenient(optarg, &co->lenient))
                return CLI_USAGE;
            break;
        case 'm':
            co->max_frame_size = (uint32_t)cli_parse_uint("--max-frame-size", optarg,
                                                          H2C_FRAME_MAX_FRAME_SIZE_MAX);
            if (co->max_frame_size < H2C_FRAME_MAX_FRAME_SIZE_MIN) {
                fprintf(stderr, "h2codec: --max-frame-size must be 16384 to 16777215\n");
                return CLI_USAGE;
            }
            break;
        case 't':
            co->table_size = (uint32_t)cli_parse_uint("--table-size", optarg, UINT32_MAX);
            break;
        case 'h': return usage(stdout);
        default: return usage(stderr);
        }
    }
    if (optind != argc - 1)
        return usage(stderr);
    const char *file = argv[optind];
    if (pcap) {
        cp.json = o.json;
        cp.full = o.full;
        return finish_output(capture_run(&cp, file));
    }
    size_t len;
    uint8_t *data = cli_read_file(file, &len);
    if (!data)
        return CLI_USAGE;
    int rc = decode_bytes(co, &o, data, len);
    free(data);
    if (rc == CLI_OK && o.errors)
        rc = CLI_FAIL;
    return finish_output(rc);
}
