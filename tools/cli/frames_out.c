/* SPDX-License-Identifier: MIT */
/*
 * Reports of `h2codec frames` as text or JSON Lines.  JSON is lossless:
 * octets that are not UTF-8 keep a replacement-character string for
 * readers plus a base64 copy ("value_b64", "name_b64", "debug_data_b64").
 */
#include "frames_out.h"

#include <stdlib.h>
#include <string.h>

#include <h2codec/fields.h>

#include "cli.h"

/* Length of the valid UTF-8 sequence at p (1-4), or 0. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    size_t len;
    uint32_t min, cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) {
        len = 2, min = 0x80, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, min = 0x800, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static int utf8_valid(const uint8_t *p, size_t n)
{
    for (size_t i = 0, k; i < n; i += k)
        if ((k = utf8_seq(p + i, n - i)) == 0)
            return 0;
    /* jansson refuses NUL inside strings it checks; we write them with
     * json_stringn_nocheck, which escapes them as \u0000 */
    return 1;
}

static char *base64(const uint8_t *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((n + 2) / 3 * 4 + 1), *q = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        *q++ = tab[v >> 18];
        *q++ = tab[(v >> 12) & 63];
        *q++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *q++ = i + 2 < n ? tab[v & 63] : '=';
    }
    *q = '\0';
    return out;
}

/* The octets as a valid string: every invalid octet becomes U+FFFD. */
static json_t *jstr_replaced(const uint8_t *p, size_t n)
{
    char *buf = malloc(n * 3 + 1);
    size_t o = 0;
    if (!buf)
        return json_string("");
    for (size_t i = 0, k; i < n; i += k) {
        k = utf8_seq(p + i, n - i);
        if (k) {
            memcpy(buf + o, p + i, k);
            o += k;
        } else {
            memcpy(buf + o, "\xef\xbf\xbd", 3);
            o += 3;
            k = 1;
        }
    }
    json_t *j = json_stringn_nocheck(buf, o);
    free(buf);
    return j;
}

static json_t *jstr(const uint8_t *p, size_t n)
{
    return json_stringn_nocheck((const char *)(p ? p : (const uint8_t *)""), n);
}

void frames_json_set_octets(json_t *obj, const char *key, const uint8_t *p, size_t n)
{
    if (!p)
        p = (const uint8_t *)"";
    if (utf8_valid(p, n)) {
        json_object_set_new(obj, key, jstr(p, n));
        return;
    }
    json_object_set_new(obj, key, jstr_replaced(p, n));
    char k[64], *b = base64(p, n);
    snprintf(k, sizeof k, "%s_b64", key);
    json_object_set_new(obj, k, json_string(b ? b : ""));
    free(b);
}

/* ------------------------------------------------------------ JSON output */

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
    case H2C_FRAME_TYPE_PRIORITY: json_priority(o, &f->u.priority.priority); break;
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
        frames_json_set_octets(o, "debug_data", f->u.goaway.debug_data.ptr,
                               f->u.goaway.debug_data.len);
        break;
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        json_object_set_new(o, "increment", json_integer(f->u.window_update.increment));
        break;
    case H2C_FRAME_TYPE_CONTINUATION:
        json_object_set_new(o, "fragment_length",
                            json_integer((json_int_t)f->u.continuation.fragment.len));
        break;
    case H2C_FRAME_TYPE_ALTSVC:
        frames_json_set_octets(o, "origin", f->u.altsvc.origin.ptr, f->u.altsvc.origin.len);
        frames_json_set_octets(o, "value", f->u.altsvc.value.ptr, f->u.altsvc.value.len);
        break;
    case H2C_FRAME_TYPE_ORIGIN: {
        json_t *arr = json_array();
        size_t pos = 0;
        h2c_view v;
        while (h2c_frame_origin_next(f, &pos, &v) == 1)
            json_array_append_new(arr, utf8_valid(v.ptr, v.len) ? jstr(v.ptr, v.len)
                                                                : jstr_replaced(v.ptr, v.len));
        json_object_set_new(o, "origins", arr);
        break;
    }
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        json_object_set_new(o, "prioritized_stream_id",
                            json_integer(f->u.priority_update.prioritized_stream_id));
        frames_json_set_octets(o, "value", f->u.priority_update.value.ptr,
                               f->u.priority_update.value.len);
        break;
    default: break;
    }
}

static int known_type(uint8_t t)
{
    return t <= H2C_FRAME_TYPE_ALTSVC || t == H2C_FRAME_TYPE_ORIGIN ||
           t == H2C_FRAME_TYPE_PRIORITY_UPDATE;
}

void frames_json_emit(const out_ctx *o, json_t *obj)
{
    if (o->flow) {
        json_object_set_new(obj, "flow", json_integer(o->flow));
        json_object_set_new(obj, "direction", json_string(o->direction));
    }
    if (o->pcap) {
        json_object_set_new(obj, "packet", json_integer((json_int_t)o->packet));
        char t[40];
        snprintf(t, sizeof t, "%lld.%06lld", (long long)(o->ts_ns / 1000000000),
                 (long long)(o->ts_ns % 1000000000 / 1000));
        json_object_set_new(obj, "time", json_real(strtod(t, NULL)));
        if (o->src)
            json_object_set_new(obj, "src", json_string(o->src));
        if (o->dst)
            json_object_set_new(obj, "dst", json_string(o->dst));
    }
    char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    if (s) {
        fputs(s, o->out);
        fputc('\n', o->out);
    } else {
        fputs("{\"error\":\"output\",\"reason\":\"cannot format a report\"}\n", o->out);
    }
    free(s);
    json_decref(obj);
}

void frames_text_prefix(const out_ctx *o)
{
    if (!o->pcap)
        return;
    if (o->merge)
        fprintf(o->out, "[flow %d %s] ", o->flow, o->direction);
    fprintf(o->out, "#%llu %lld.%06lld ", (unsigned long long)o->packet,
            (long long)(o->ts_ns / 1000000000), (long long)(o->ts_ns % 1000000000 / 1000));
}

static void json_report(const out_ctx *o, const conn_report *r)
{
    json_t *obj = json_object();
    switch (r->kind) {
    case CONN_PREFACE: json_object_set_new(obj, "preface", json_true()); break;
    case CONN_FRAME: {
        const h2c_frame *f = r->frame;
        json_object_set_new(obj, "type",
                            json_string(known_type(f->hd.type) ? h2c_frame_type_name(f->hd.type)
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
                const uint8_t *n = (const uint8_t *)cf->name, *v = (const uint8_t *)cf->value;
                int nok = utf8_valid(n, cf->name_len), vok = utf8_valid(v, cf->value_len);
                json_array_append_new(pair, nok ? jstr(n, cf->name_len)
                                                : jstr_replaced(n, cf->name_len));
                json_array_append_new(pair, vok ? jstr(v, cf->value_len)
                                                : jstr_replaced(v, cf->value_len));
                if (cf->indexing == H2C_HPACK_INDEX_NEVER)
                    json_array_append_new(pair, json_string("never-indexed"));
                if (!nok || !vok || (cf->flags & H2C_HPACK_F_UNKNOWN)) {
                    /* lossless: the octets whole, and whether a placeholder */
                    json_t *x = json_object();
                    if (!nok)
                        frames_json_set_octets(x, "name", n, cf->name_len);
                    if (!vok)
                        frames_json_set_octets(x, "value", v, cf->value_len);
                    json_object_del(x, "name");
                    json_object_del(x, "value");
                    if (cf->flags & H2C_HPACK_F_UNKNOWN)
                        json_object_set_new(x, "unknown", json_true());
                    json_array_append_new(pair, x);
                }
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
    frames_json_emit(o, obj);
}

/* ------------------------------------------------------------ text output */

static void text_type_fields(const out_ctx *o, const h2c_frame *f)
{
    switch (f->hd.type) {
    case H2C_FRAME_TYPE_DATA:
        fprintf(o->out, "    data: %zu octets\n", f->u.data.data.len);
        break;
    case H2C_FRAME_TYPE_HEADERS:
    case H2C_FRAME_TYPE_PRIORITY: {
        const h2c_frame_priority *p = f->hd.type == H2C_FRAME_TYPE_PRIORITY
                                          ? &f->u.priority.priority
                                          : &f->u.headers.priority;
        if (f->hd.type == H2C_FRAME_TYPE_PRIORITY || (f->hd.flags & H2C_FRAME_FLAG_PRIORITY))
            fprintf(o->out, "    priority: depends on %u%s, weight %u\n",
                    (unsigned)p->dependency, p->exclusive ? " (exclusive)" : "",
                    (unsigned)p->weight + 1);
        break;
    }
    case H2C_FRAME_TYPE_RST_STREAM:
        fprintf(o->out, "    error: %s (0x%x)\n", h2c_h2_error_name(f->u.rst_stream.error_code),
                (unsigned)f->u.rst_stream.error_code);
        break;
    case H2C_FRAME_TYPE_SETTINGS:
        for (size_t i = 0; i < f->u.settings.count; i++) {
            h2c_frame_setting s;
            if (h2c_frame_settings_get(f, i, &s) != H2C_OK)
                break;
            if (strcmp(h2c_frame_setting_name(s.id), "UNKNOWN") == 0)
                fprintf(o->out, "    setting 0x%x = %u\n", (unsigned)s.id, (unsigned)s.value);
            else
                fprintf(o->out, "    %s = %u\n", h2c_frame_setting_name(s.id),
                        (unsigned)s.value);
        }
        break;
    case H2C_FRAME_TYPE_PUSH_PROMISE:
        fprintf(o->out, "    promised stream: %u\n",
                (unsigned)f->u.push_promise.promised_stream_id);
        break;
    case H2C_FRAME_TYPE_PING:
        fputs("    opaque data: ", o->out);
        for (int i = 0; i < 8; i++)
            fprintf(o->out, "%02x", f->u.ping.opaque_data[i]);
        fputc('\n', o->out);
        break;
    case H2C_FRAME_TYPE_GOAWAY:
        fprintf(o->out, "    last stream: %u, error: %s (0x%x)\n",
                (unsigned)f->u.goaway.last_stream_id, h2c_h2_error_name(f->u.goaway.error_code),
                (unsigned)f->u.goaway.error_code);
        if (f->u.goaway.debug_data.len) {
            fputs("    debug data: ", o->out);
            cli_print_escaped(o->out, (const char *)f->u.goaway.debug_data.ptr,
                              f->u.goaway.debug_data.len);
            fputc('\n', o->out);
        }
        break;
    case H2C_FRAME_TYPE_WINDOW_UPDATE:
        fprintf(o->out, "    window increment: %u\n", (unsigned)f->u.window_update.increment);
        break;
    case H2C_FRAME_TYPE_ALTSVC:
        fputs("    origin: ", o->out);
        cli_print_escaped(o->out, (const char *)f->u.altsvc.origin.ptr, f->u.altsvc.origin.len);
        fputs("\n    value: ", o->out);
        cli_print_escaped(o->out, (const char *)f->u.altsvc.value.ptr, f->u.altsvc.value.len);
        fputc('\n', o->out);
        break;
    case H2C_FRAME_TYPE_ORIGIN: {
        size_t pos = 0;
        h2c_view v;
        while (h2c_frame_origin_next(f, &pos, &v) == 1) {
            fputs("    origin: ", o->out);
            cli_print_escaped(o->out, (const char *)v.ptr, v.len);
            fputc('\n', o->out);
        }
        break;
    }
    case H2C_FRAME_TYPE_PRIORITY_UPDATE:
        fprintf(o->out, "    prioritized stream: %u, priority: ",
                (unsigned)f->u.priority_update.prioritized_stream_id);
        cli_print_escaped(o->out, (const char *)f->u.priority_update.value.ptr,
                          f->u.priority_update.value.len);
        fputc('\n', o->out);
        break;
    default: break;
    }
}

/* Values longer than this are shortened in text output unless --full-values. */
#define TEXT_VALUE_MAX 200

static void text_value(const out_ctx *o, const char *v, size_t len)
{
    if (o->full || len <= TEXT_VALUE_MAX) {
        cli_print_escaped(o->out, v, len);
        return;
    }
    cli_print_escaped(o->out, v, TEXT_VALUE_MAX);
    fprintf(o->out, "... (%zu octets)", len);
}

static void text_report(const out_ctx *o, const conn_report *r)
{
    frames_text_prefix(o);
    switch (r->kind) {
    case CONN_PREFACE: fputs("client connection preface\n", o->out); break;
    case CONN_FRAME: {
        const h2c_frame *f = r->frame;
        char flags[64];
        h2c_frame_flags_format(f->hd.type, f->hd.flags, flags, sizeof flags);
        if (known_type(f->hd.type))
            fprintf(o->out, "[stream %u] %s", (unsigned)f->hd.stream_id,
                    h2c_frame_type_name(f->hd.type));
        else
            fprintf(o->out, "[stream %u] UNKNOWN(0x%02x)", (unsigned)f->hd.stream_id,
                    f->hd.type);
        fprintf(o->out, " flags=%s length=%u\n", flags[0] ? flags : "0", (unsigned)f->hd.length);
        if (r->decoded && !f->verbatim)
            text_type_fields(o, f);
        for (size_t i = 0; i < r->nfields; i++) {
            fputs("    ", o->out);
            cli_print_escaped(o->out, r->fields[i].name, r->fields[i].name_len);
            fputs(": ", o->out);
            text_value(o, r->fields[i].value, r->fields[i].value_len);
            if (r->fields[i].indexing == H2C_HPACK_INDEX_NEVER)
                fputs("\t[never-indexed]", o->out);
            fputc('\n', o->out);
        }
        break;
    }
    case CONN_ERROR:
        fprintf(o->out, "error: [stream %u] %s (%s error, %s): %s, at byte %llu\n",
                (unsigned)r->stream_id, h2c_h2_error_name(r->h2_error), h2c_scope_name(r->scope),
                r->source, r->reason, (unsigned long long)r->offset);
        break;
    case CONN_TRUNCATED:
        fprintf(o->out,
                "input ends inside a frame at byte %llu: at least %llu more bytes needed\n",
                (unsigned long long)r->offset, (unsigned long long)r->missing);
        break;
    case CONN_OPEN_BLOCK:
        fprintf(o->out,
                "input ends at byte %llu inside the field block of stream %lu: no END_HEADERS, "
                "its fields were never reported\n",
                (unsigned long long)r->offset, (unsigned long)r->stream_id);
        break;
    }
}

void frames_report(out_ctx *o, const conn_report *r)
{
    /* A malformed ALTSVC or ORIGIN frame is shown but is no error: RFC 7838
     * and RFC 8336 ask the receiver to ignore it. */
    if (r->kind == CONN_ERROR && r->scope != H2C_SCOPE_IGNORABLE)
        o->errors++;
    if (o->json)
        json_report(o, r);
    else
        text_report(o, r);
}
