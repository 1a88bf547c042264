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

#include <jansson.h>

#include <h2codec/fields.h>

#include "cli.h"
#include "conn.h"
#include "pcap_flows.h"

typedef struct out_ctx {
    int json;
    int full;              /* print long values whole in text mode */
    int flow;              /* 0 outside --pcap */
    const char *direction; /* "client" / "server" with --pcap */
    size_t errors;
} out_ctx;

/* ------------------------------------------------------------ JSON output */

static json_t *jstr(const uint8_t *p, size_t n)
{
    const char *s = (const char *)(p ? p : (const uint8_t *)"");
    char *r = cli_utf8_repair(s, n, &n); /* not UTF-8 would cut the output short */
    json_t *j = json_stringn_nocheck(r ? r : s, n);
    free(r);
    return j;
}

static char *hex(const uint8_t *p, size_t n)
{
    return cli_hex_encode(p ? p : (const uint8_t *)"", n);
}

static void json_priority(json_t *o, const h2c_frame_priority *p)
{
    json_object_set_new(o, "dependency", json_integer(p->dependency));
    json_object_set_new(o, "exclusive", json_boolean(p->exclusive));
    json_object_set_new(o, "weight", json_integer(p->weight + 1));
}

static void json_type_fields(json_t *o, const h2c_frame *f)
{
    char *h;
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA:
        json_object_set_new(o, "data_length", json_integer((json_int_t)f->u.data.data.len));
        break;
    case H2C_FRAME_TYPE_HEADERS:
        if (f->hd.flags & H2C_FRAME_FLAG_PRIORITY)
            json_priority(o, &f->u.headers.priority);
        json_object_set_new(o, "fragment_length",
                            json_integer((json_int_t)f->u.headers.fragment.len));
        break;
    case H2C_FRAME_TYPE_PRIORITY:
        json_priority(o, &f->u.priority.priority);
        break;
    case H2C_FRAME_TYPE_RST_STREAM:
        json_object_set_new(o, "error_code", json_integer(f->u.rst_stream.error_code));
        json_object_set_new(o, "error_name",
                            json_string(h2c_h2_error_name(f->u.rst_stream.error_code)));
        break;
    case H2C_FRAME_TYPE_SETTINGS: {
        json_t *arr = json_array();
        for (size_t i = 0; i < f->u.settings.count; i++) {
            h2c_frame_setting s;
            if (h2c_frame_settings_get(f, i, &s) != H2C_OK)
                break;
            json_array_append_new(arr, json_pack("{s:i,s:s,s:I}", "id", (int)s.id, "name",
                                                 h2c_frame_setting_name(s.id), "value",
                                                 (json_int_t)s.value));
        }
        json_object_set_new(o, "ack", json_boolean(f->hd.flags & H2C_FRAME_FLAG_ACK));
        json_object_set_new(o, "settings", arr);
        break;
    }
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        json_object_set_new(o, "promised_stream_id",
                            json_integer(f->u.push_promise.promised_stream_id));
        json_object_set_new(o, "fragment_length",
                            json_integer((json_int_t)f->u.push_promise.fragment.len));
        break;
    case H2C_FRAME_TYPE_PING:
        h = hex(f->u.ping.opaque_data, 8);
        json_object_set_new(o, "ack", json_boolean(f->hd.flags & H2C_FRAME_FLAG_ACK));
        json_object_set_new(o, "opaque_data", json_string(h ? h : ""));
        free(h);
        break;
    case H2C_FRAME_TYPE_GOAWAY:
        json_object_set_new(o, "last_stream_id", json_integer(f->u.goaway.last_stream_id));
        json_object_set_new(o, "error_code", json_integer(f->u.goaway.error_code));
        json_object_set_new(o, "error_name",
                            json_string(h2c_h2_error_name(f->u.goaway.error_code)));
        json_object_set_new(o, "debug_data",
                            jstr(f->u.goaway.debug_data.ptr, f->u.goaway.debug_data.len));
        break;
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        json_object_set_new(o, "increment", json_integer(f->u.window_update.increment));
        break;
    case H2C_FRAME_TYPE_CONTINUATION:
        json_object_set_new(o, "fragment_length",
                            json_integer((json_int_t)f->u.continuation.fragment.len));
        break;
    case H2C_FRAME_TYPE_ALTSVC:
        json_object_set_new(o, "origin", jstr(f->u.altsvc.origin.ptr, f->u.altsvc.origin.len));
        json_object_set_new(o, "value", jstr(f->u.altsvc.value.ptr, f->u.altsvc.value.len));
        break;
    case H2C_FRAME_TYPE_ORIGIN: {
        json_t *arr = json_array();
        size_t pos = 0;
        h2c_view v;
        while (h2c_frame_origin_next(f, &pos, &v) == 1)
            json_array_append_new(arr, jstr(v.ptr, v.len));
        json_object_set_new(o, "origins", arr);
        break;
    }
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        json_object_set_new(o, "prioritized_stream_id",
                            json_integer(f->u.priority_update.prioritized_stream_id));
        json_object_set_new(o, "value",
                            jstr(f->u.priority_update.value.ptr, f->u.priority_update.value.len));
        break;
    default:
        break;
    }
}

static int known_type(uint8_t t)
{
    return t <= H2C_FRAME_TYPE_ALTSVC || t == H2C_FRAME_TYPE_ORIGIN ||
           t == H2C_FRAME_TYPE_PRIORITY_UPDATE;
}

static void json_emit(const out_ctx *o, json_t *obj)
{
    if (o->flow) {
        json_object_set_new(obj, "flow", json_integer(o->flow));
        json_object_set_new(obj, "direction", json_string(o->direction));
    }
    char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (s)
        puts(s);
    free(s);
    json_decref(obj);
}

static void json_report(const out_ctx *o, const conn_report *r)
{
    json_t *obj = json_object();
    switch (r->kind) {
    case CONN_PREFACE:
        json_object_set_new(obj, "preface", json_true());
        break;
    case CONN_FRAME: {
        const h2c_frame *f = r->frame;
        json_object_set_new(obj, "type", json_string(known_type(f->hd.type)
                                                         ? h2c_frame_type_name(f->hd.type)
                                                         : "UNKNOWN"));
        json_object_set_new(obj, "type_code", json_integer(f->hd.type));
        json_object_set_new(obj, "flags", json_integer(f->hd.flags));
        json_object_set_new(obj, "stream_id", json_integer(f->hd.stream_id));
        json_object_set_new(obj, "length", json_integer(f->hd.length));
        json_object_set_new(obj, "offset", json_integer((json_int_t)f->offset));
        if (f->hd.flags & H2C_FRAME_FLAG_PADDED &&
            (f->hd.type == H2C_FRAME_TYPE_DATA || f->hd.type == H2C_FRAME_TYPE_HEADERS ||
             f->hd.type == H2C_FRAME_TYPE_PUSH_PROMISE))
            json_object_set_new(obj, "pad_length", json_integer(f->pad_length));
        if (r->decoded && !f->verbatim)
            json_type_fields(obj, f);
        if (r->block_end) {
            json_t *hs = json_array();
            for (size_t i = 0; i < r->nfields; i++) {
                const conn_field *cf = &r->fields[i];
                json_t *pair = json_array();
                json_array_append_new(pair, jstr((const uint8_t *)cf->name, cf->name_len));
                json_array_append_new(pair, jstr((const uint8_t *)cf->value, cf->value_len));
                if (cf->indexing == H2C_HPACK_INDEX_NEVER)
                    json_array_append_new(pair, json_string("never-indexed"));
                json_array_append_new(hs, pair);
            }
            json_object_set_new(obj, "headers", hs);
        }
        break;
    }
    case CONN_ERROR:
        json_object_set_new(obj, "error", json_string(h2c_h2_error_name(r->h2_error)));
        json_object_set_new(obj, "error_code", json_integer(r->h2_error));
        json_object_set_new(obj, "stream_id", json_integer(r->stream_id));
        json_object_set_new(obj, "scope", json_string(h2c_scope_name(r->scope)));
        json_object_set_new(obj, "source", json_string(r->source));
        json_object_set_new(obj, "reason", json_string(r->reason));
        json_object_set_new(obj, "offset", json_integer((json_int_t)r->offset));
        break;
    case CONN_TRUNCATED:
        json_object_set_new(obj, "truncated", json_true());
        json_object_set_new(obj, "missing_bytes", json_integer((json_int_t)r->missing));
        json_object_set_new(obj, "offset", json_integer((json_int_t)r->offset));
        break;
    case CONN_OPEN_BLOCK:
        json_object_set_new(obj, "open_block", json_true());
        json_object_set_new(obj, "stream_id", json_integer((json_int_t)r->stream_id));
        json_object_set_new(obj, "offset", json_integer((json_int_t)r->offset));
        break;
    }
    json_emit(o, obj);
}

/* ------------------------------------------------------------ text output */

static void text_type_fields(const h2c_frame *f)
{
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA:
        printf("    data: %zu octets\n", f->u.data.data.len);
        break;
    case H2C_FRAME_TYPE_HEADERS:
    case H2C_FRAME_TYPE_PRIORITY: {
        const h2c_frame_priority *p = f->hd.type == H2C_FRAME_TYPE_PRIORITY
                                          ? &f->u.priority.priority
                                          : &f->u.headers.priority;
        if (f->hd.type == H2C_FRAME_TYPE_PRIORITY || (f->hd.flags & H2C_FRAME_FLAG_PRIORITY))
            printf("    priority: depends on %u%s, weight %u\n", (unsigned)p->dependency,
                   p->exclusive ? " (exclusive)" : "", (unsigned)p->weight + 1);
        break;
    }
    case H2C_FRAME_TYPE_RST_STREAM:
        printf("    error: %s (0x%x)\n", h2c_h2_error_name(f->u.rst_stream.error_code),
               (unsigned)f->u.rst_stream.error_code);
        break;
    case H2C_FRAME_TYPE_SETTINGS:
        for (size_t i = 0; i < f->u.settings.count; i++) {
            h2c_frame_setting s;
            if (h2c_frame_settings_get(f, i, &s) != H2C_OK)
                break;
            if (strcmp(h2c_frame_setting_name(s.id), "UNKNOWN") == 0)
                printf("    setting 0x%x = %u\n", (unsigned)s.id, (unsigned)s.value);
            else
                printf("    %s = %u\n", h2c_frame_setting_name(s.id), (unsigned)s.value);
        }
        break;
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        printf("    promised stream: %u\n", (unsigned)f->u.push_promise.promised_stream_id);
        break;
    case H2C_FRAME_TYPE_PING:
        fputs("    opaque data: ", stdout);
        for (int i = 0; i < 8; i++)
            printf("%02x", f->u.ping.opaque_data[i]);
        fputc('\n', stdout);
        break;
    case H2C_FRAME_TYPE_GOAWAY:
        printf("    last stream: %u, error: %s (0x%x)\n", (unsigned)f->u.goaway.last_stream_id,
               h2c_h2_error_name(f->u.goaway.error_code), (unsigned)f->u.goaway.error_code);
        if (f->u.goaway.debug_data.len) {
            fputs("    debug data: ", stdout);
            cli_print_escaped(stdout, (const char *)f->u.goaway.debug_data.ptr,
                              f->u.goaway.debug_data.len);
            fputc('\n', stdout);
        }
        break;
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        printf("    window increment: %u\n", (unsigned)f->u.window_update.increment);
        break;
    case H2C_FRAME_TYPE_ALTSVC:
        fputs("    origin: ", stdout);
        cli_print_escaped(stdout, (const char *)f->u.altsvc.origin.ptr, f->u.altsvc.origin.len);
        fputs("\n    value: ", stdout);
        cli_print_escaped(stdout, (const char *)f->u.altsvc.value.ptr, f->u.altsvc.value.len);
        fputc('\n', stdout);
        break;
    case H2C_FRAME_TYPE_ORIGIN: {
        size_t pos = 0;
        h2c_view v;
        while (h2c_frame_origin_next(f, &pos, &v) == 1) {
            fputs("    origin: ", stdout);
            cli_print_escaped(stdout, (const char *)v.ptr, v.len);
            fputc('\n', stdout);
        }
        break;
    }
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        printf("    prioritized stream: %u, priority: ",
               (unsigned)f->u.priority_update.prioritized_stream_id);
        cli_print_escaped(stdout, (const char *)f->u.priority_update.value.ptr,
                          f->u.priority_update.value.len);
        fputc('\n', stdout);
        break;
    default:
        break;
    }
}

/* Values longer than this are shortened in text output unless --full-values. */
#define TEXT_VALUE_MAX 200

static void text_value(const out_ctx *o, const char *v, size_t len)
{
    if (o->full || len <= TEXT_VALUE_MAX) {
        cli_print_escaped(stdout, v, len);
        return;
    }
    cli_print_escaped(stdout, v, TEXT_VALUE_MAX);
    printf("... (%zu octets)", len);
}

static void text_report(const out_ctx *o, const conn_report *r)
{
    switch (r->kind) {
    case CONN_PREFACE:
        puts("client connection preface");
        break;
    case CONN_FRAME: {
        const h2c_frame *f = r->frame;
        char flags[64];
        h2c_frame_flags_format(f->hd.type, f->hd.flags, flags, sizeof flags);
        if (known_type(f->hd.type))
            printf("[stream %u] %s", (unsigned)f->hd.stream_id, h2c_frame_type_name(f->hd.type));
        else
            printf("[stream %u] UNKNOWN(0x%02x)", (unsigned)f->hd.stream_id, f->hd.type);
        printf(" flags=%s length=%u\n", flags[0] ? flags : "0", (unsigned)f->hd.length);
        if (r->decoded && !f->verbatim)
            text_type_fields(f);
        for (size_t i = 0; i < r->nfields; i++) {
            fputs("    ", stdout);
            cli_print_escaped(stdout, r->fields[i].name, r->fields[i].name_len);
            fputs(": ", stdout);
            text_value(o, r->fields[i].value, r->fields[i].value_len);
            if (r->fields[i].indexing == H2C_HPACK_INDEX_NEVER)
                fputs("\t[never-indexed]", stdout);
            fputc('\n', stdout);
        }
        break;
    }
    case CONN_ERROR:
        printf("error: [stream %u] %s (%s error, %s): %s, at byte %llu\n", (unsigned)r->stream_id,
               h2c_h2_error_name(r->h2_error), h2c_scope_name(r->scope), r->source,
               r->reason, (unsigned long long)r->offset);
        break;
    case CONN_TRUNCATED:
        printf("input ends inside a frame at byte %llu: at least %llu more bytes needed\n",
               (unsigned long long)r->offset, (unsigned long long)r->missing);
        break;
    case CONN_OPEN_BLOCK:
        printf("input ends at byte %llu inside the field block of stream %lu: no END_HEADERS, "
               "its fields were never reported\n",
               (unsigned long long)r->offset, (unsigned long)r->stream_id);
        break;
    }
}

static void on_report(void *user, const conn_report *r)
{
    out_ctx *o = user;
    /* A malformed ALTSVC or ORIGIN frame is shown but is no error: RFC 7838
     * and RFC 8336 ask the receiver to ignore it. */
    if (r->kind == CONN_ERROR && r->scope != H2C_SCOPE_IGNORABLE)
        o->errors++;
    if (o->json)
        json_report(o, r);
    else
        text_report(o, r);
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

/* SETTINGS the other direction sent: they bound what this direction may use. */
static void scan_settings(const uint8_t *data, size_t len, uint32_t *max_frame, uint32_t *table)
{
    h2c_frame_parser_options po;
    h2c_frame_parser_options_init(&po);
    po.preface = H2C_FRAME_PREFACE_AUTO;
    po.max_frame_size = H2C_FRAME_MAX_FRAME_SIZE_MAX;
    po.max_settings = 1u << 20;
    h2c_frame_parser *p;
    if (h2c_frame_parser_new(&p, &po) != H2C_OK)
        return;
    size_t off = 0, used;
    h2c_frame_event ev;
    int rc;
    while ((rc = h2c_frame_parser_push(p, data + off, len - off, &used, &ev)) > 0) {
        off += used;
        if (rc != H2C_FRAME_EV_FRAME || ev.frame.hd.type != H2C_FRAME_TYPE_SETTINGS)
            continue;
        for (size_t i = 0; i < ev.frame.u.settings.count; i++) {
            h2c_frame_setting s;
            if (h2c_frame_settings_get(&ev.frame, i, &s) != H2C_OK)
                break;
            if (s.id == H2C_FRAME_SETTINGS_MAX_FRAME_SIZE && s.value > *max_frame)
                *max_frame = s.value;
            if (s.id == H2C_FRAME_SETTINGS_HEADER_TABLE_SIZE && s.value > *table)
                *table = s.value;
        }
    }
    h2c_frame_parser_free(p);
}

static int decode_pcap(const conn_opts *base, out_ctx *o, const char *file)
{
    pcap_flows pf;
    char err[512];
    if (pcap_flows_read(file, &pf, err, sizeof err) != 0) {
        fprintf(stderr, "h2codec: %s: %s\n", file, err);
        return CLI_USAGE;
    }
    int flow = 0;
    for (size_t i = 0; i < pf.n; i++) {
        const tcp_flow *cf = &pf.flows[i];
        if (cf->stream_len < H2C_FRAME_CLIENT_PREFACE_LEN ||
            memcmp(cf->stream, H2C_FRAME_CLIENT_PREFACE, H2C_FRAME_CLIENT_PREFACE_LEN) != 0)
            continue;
        const tcp_flow *sf = pcap_flows_reverse(&pf, cf);
        flow++;
        for (int dir = 0; dir < 2; dir++) {
            const tcp_flow *f = dir == 0 ? cf : sf;
            const tcp_flow *other = dir == 0 ? sf : cf;
            char a[80], b[80];
            if (!f)
                continue;
            pcap_flow_endpoint(f, 1, a, sizeof a);
            pcap_flow_endpoint(f, 0, b, sizeof b);
            o->flow = flow;
            o->direction = dir == 0 ? "client" : "server";
            if (!o->json)
                printf("== flow %d %s %s -> %s, %zu bytes%s\n", flow, o->direction, a, b,
                       f->stream_len, f->missing ? " (capture has a gap)" : "");
            conn_opts co = *base;
            if (other)
                scan_settings(other->stream, other->stream_len, &co.max_frame_size,
                              &co.table_size);
            decode_bytes(&co, o, f->stream, f->stream_len);
        }
    }
    if (flow == 0)
        fprintf(stderr, "h2codec: %s: no TCP flow starts with the HTTP/2 client preface "
                        "(%zu packets, %zu flows)\n",
                file, pf.packets, pf.n);
    pcap_flows_free(&pf);
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
                 {"all", H2C_FIELDS_LENIENT_VALUE_WHITESPACE | H2C_FIELDS_LENIENT_NAME_UPPERCASE |
                             H2C_FIELDS_LENIENT_CONNECTION | H2C_FIELDS_LENIENT_TE}};
    const char *p = arg;
    for (;;) {
        size_t n = strcspn(p, ","), i;
        for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
            if (strlen(rules[i].name) == n && memcmp(rules[i].name, p, n) == 0)
                break;
        if (i == sizeof rules / sizeof rules[0]) {
            fprintf(stderr, "h2codec: --lenient: unknown rule '%.*s' (whitespace, uppercase, "
                            "connection, te, all)\n", (int)n, p);
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
    fputs("usage: h2codec frames [--json] [--no-hpack] [--no-validate] [--lenient RULES]\n"
          "                      [--tolerant] [--pcap] [--max-frame-size N] [--table-size N] FILE\n"
          "  --json            JSON Lines: one object per frame, error or event\n"
          "  --no-hpack        check frames one by one; field blocks stay opaque\n"
          "  --no-validate     skip the RFC 9113 8.2-8.3 field checks\n"
          "  --lenient RULES   relax single field checks, comma-separated: whitespace\n"
          "                    (around values), uppercase (in names), connection\n"
          "                    (connection-specific fields), te (any te value), or all\n"
          "  --tolerant        for captures that start mid-connection: unknown dynamic\n"
          "                    table entries decode as \"<unknown index N>\"\n"
          "  --pcap            FILE is a pcap/pcapng capture; decode every HTTP/2 flow\n"
          "  --max-frame-size  SETTINGS_MAX_FRAME_SIZE of the receiver (default 16384)\n"
          "  --table-size      SETTINGS_HEADER_TABLE_SIZE of the receiver (default 4096)\n"
          "  --full-values     print long header values whole (text output)\n"
          "Exit status: 0 no error, 1 an error was reported (ignorable extension frames\n"
          "do not count), 2 usage or I/O error.\n",
          f);
    return f == stdout ? CLI_OK : CLI_USAGE;
}

int cmd_frames(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},           {"no-hpack", no_argument, NULL, 'H'},
        {"no-validate", no_argument, NULL, 'V'},    {"tolerant", no_argument, NULL, 'T'},
        {"pcap", no_argument, NULL, 'p'},           {"max-frame-size", required_argument, NULL, 'm'},
        {"table-size", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
        {"full-values", no_argument, NULL, 'F'},    {"lenient", required_argument, NULL, 'L'},
        {NULL, 0, NULL, 0}};
    conn_opts co;
    conn_opts_init(&co);
    out_ctx o = {0, 0, 0, NULL, 0};
    int pcap = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': o.json = 1; break;
        case 'H': co.hpack = 0; break;
        case 'V': co.validate = 0; break;
        case 'T': co.tolerant = 1; break;
        case 'p': pcap = 1; break;
        case 'F': o.full = 1; break;
        case 'L':
            if (!parse_lenient(optarg, &co.lenient))
                return CLI_USAGE;
            break;
        case 'm':
            co.max_frame_size = (uint32_t)cli_parse_uint("--max-frame-size", optarg,
                                                         H2C_FRAME_MAX_FRAME_SIZE_MAX);
            if (co.max_frame_size < H2C_FRAME_MAX_FRAME_SIZE_MIN) {
                fprintf(stderr, "h2codec: --max-frame-size must be 16384 to 16777215\n");
                return CLI_USAGE;
            }
            break;
        case 't': co.table_size = (uint32_t)cli_parse_uint("--table-size", optarg, UINT32_MAX); break;
        case 'h': return usage(stdout);
        default: return usage(stderr);
        }
    }
    if (optind != argc - 1)
        return usage(stderr);
    const char *file = argv[optind];
    int rc;
    if (pcap) {
        rc = decode_pcap(&co, &o, file);
    } else {
        size_t len;
        uint8_t *data = cli_read_file(file, &len);
        if (!data)
            return CLI_USAGE;
        rc = decode_bytes(&co, &o, data, len);
        free(data);
    }
    fflush(stdout);
    if (rc != CLI_OK)
        return rc;
    return o.errors ? CLI_FAIL : CLI_OK;
}
