/* SPDX-License-Identifier: MIT */
/*
 * The status vocabulary of every h2codec library: names, reasons and the
 * HTTP/2 error code each status implies, in one table per hundred.
 */
#include <h2codec/common.h>
#include <h2codec/conn.h>
#include <h2codec/fields.h>
#include <h2codec/frame.h>
#include <h2codec/hpack.h>

typedef struct status_info {
    int status;
    uint32_t h2; /* the HTTP/2 error code the status implies */
    const char *name;
    const char *reason;
} status_info;

/* A braced initialiser, kept on one line. */
/* clang-format off */
#define S(st, h2, reason) { (st), (h2), #st, (reason) }
/* clang-format on */

static const status_info common_statuses[] = {
    S(H2C_OK, 0x0, "success"),
    S(H2C_E_NOMEM, 0x2, "out of memory"),
    S(H2C_E_BUFFER_TOO_SMALL, 0x0, "output buffer too small"),
    S(H2C_E_INVALID_ARGUMENT, 0x0, "invalid argument"),
    S(H2C_E_STATE, 0x0, "call not allowed in the current state"),
};

static const status_info hpack_statuses[] = {
    S(H2C_HPACK_FIELD, 0x0, "field decoded"),
    S(H2C_HPACK_E_INDEX_ZERO, 0x9, "index 0 in an indexed representation"),
    S(H2C_HPACK_E_INDEX_RANGE, 0x9, "index past the static and dynamic table"),
    S(H2C_HPACK_E_INTEGER_OVERFLOW, 0x9, "integer does not fit in 32 bits or is over-long"),
    S(H2C_HPACK_E_HUFFMAN_EOS, 0x9, "Huffman string contains EOS"),
    S(H2C_HPACK_E_HUFFMAN_PADDING, 0x9, "Huffman padding longer than 7 bits"),
    S(H2C_HPACK_E_HUFFMAN_BAD_PAD, 0x9, "Huffman padding is not a prefix of EOS"),
    S(H2C_HPACK_E_TABLE_UPDATE_SIZE, 0x9, "table size update above the acknowledged maximum"),
    S(H2C_HPACK_E_TABLE_UPDATE_LATE, 0x9, "table size update after the first field of a block"),
    S(H2C_HPACK_E_TABLE_UPDATE_MISSING, 0x9,
      "required table size update missing at block start"),
    S(H2C_HPACK_E_TRUNCATED, 0x9, "header block ended inside a representation"),
    S(H2C_HPACK_E_LIST_SIZE, 0x9, "decoded header list too large"),
    S(H2C_HPACK_E_STRING_LENGTH, 0x9, "string longer than the limit"),
    S(H2C_HPACK_E_FIELD_COUNT, 0x9, "too many fields in one block"),
};

static const status_info frame_statuses[] = {
    S(H2C_FRAME_EV_PREFACE, 0x0, "client connection preface"),
    S(H2C_FRAME_EV_FRAME, 0x0, "frame"),
    S(H2C_FRAME_EV_STREAM_ERROR, 0x0, "stream error"),
    S(H2C_FRAME_EV_IGNORED, 0x0, "ignorable extension frame"),
    S(H2C_FRAME_EV_FRAGMENT, 0x0, "field block fragment"),
    S(H2C_FRAME_EV_BLOCK_END, 0x0, "end of field block"),
    S(H2C_FRAME_E_FRAME_SIZE, 0x6, "frame larger than SETTINGS_MAX_FRAME_SIZE"),
    S(H2C_FRAME_E_LENGTH, 0x6, "frame length wrong for its type"),
    S(H2C_FRAME_E_STREAM_ZERO, 0x1, "frame type requires a stream, got stream 0"),
    S(H2C_FRAME_E_STREAM_NONZERO, 0x1, "frame type requires stream 0"),
    S(H2C_FRAME_E_PADDING, 0x1, "padding not shorter than the payload"),
    S(H2C_FRAME_E_SETTINGS_VALUE, 0x1, "SETTINGS value out of range"),
    S(H2C_FRAME_E_SETTINGS_WINDOW, 0x3, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1"),
    S(H2C_FRAME_E_SETTINGS_COUNT, 0xb, "too many entries in one SETTINGS frame"),
    S(H2C_FRAME_E_WINDOW_INCREMENT, 0x1, "WINDOW_UPDATE increment of 0"),
    S(H2C_FRAME_E_PROMISED_ID, 0x1, "PUSH_PROMISE promised stream 0 or odd"),
    S(H2C_FRAME_E_SELF_DEPENDENCY, 0x1, "stream depends on itself"),
    S(H2C_FRAME_E_PREFACE, 0x1, "invalid client connection preface"),
    S(H2C_FRAME_E_EXTENSION, 0x1, "malformed extension frame"),
    S(H2C_FRAME_E_EMPTY_FRAMES, 0xb, "too many empty frames"),
    S(H2C_FRAME_E_CONTINUATION_EXPECTED, 0x1,
      "frame other than CONTINUATION inside a field block"),
    S(H2C_FRAME_E_CONTINUATION_UNEXPECTED, 0x1, "CONTINUATION without an open field block"),
    S(H2C_FRAME_E_CONTINUATION_FLOOD, 0xb, "too many CONTINUATION frames in one field block"),
    S(H2C_FRAME_E_BLOCK_SIZE, 0xb, "field block larger than the limit"),
    S(H2C_FRAME_E_TRUNCATED, 0x0, "input ended inside a frame"),
};

static const status_info fields_statuses[] = {
    S(H2C_FIELDS_E_NAME_EMPTY, 0x1, "empty field name"),
    S(H2C_FIELDS_E_NAME_UPPERCASE, 0x1, "uppercase letter in field name"),
    S(H2C_FIELDS_E_NAME_CHAR, 0x1, "invalid character in field name"),
    S(H2C_FIELDS_E_VALUE_CHAR, 0x1, "control character in field value"),
    S(H2C_FIELDS_E_VALUE_WHITESPACE, 0x1, "leading or trailing whitespace in field value"),
    S(H2C_FIELDS_E_PSEUDO_UNKNOWN, 0x1, "unknown pseudo-header"),
    S(H2C_FIELDS_E_PSEUDO_DUPLICATE, 0x1, "duplicate pseudo-header"),
    S(H2C_FIELDS_E_PSEUDO_AFTER_REGULAR, 0x1, "pseudo-header after a regular field"),
    S(H2C_FIELDS_E_PSEUDO_MIXED, 0x1, "request and response pseudo-headers mixed"),
    S(H2C_FIELDS_E_PSEUDO_MISSING, 0x1, "required pseudo-header missing"),
    S(H2C_FIELDS_E_PSEUDO_IN_TRAILERS, 0x1, "pseudo-header in trailers"),
    S(H2C_FIELDS_E_CONNECTION_SPECIFIC, 0x1, "connection-specific header field"),
    S(H2C_FIELDS_E_TE, 0x1, "te header field other than \"trailers\""),
    S(H2C_FIELDS_E_PATH_EMPTY, 0x1, "empty :path for an http or https URI"),
    S(H2C_FIELDS_E_CONNECT, 0x1, "malformed CONNECT request"),
    S(H2C_FIELDS_E_STATUS, 0x1, ":status is not three digits from 100 up"),
    S(H2C_FIELDS_E_PSEUDO_EMPTY, 0x1, "empty pseudo-header value"),
    S(H2C_FIELDS_E_PATH, 0x1, ":path is not in origin or asterisk form"),
};

#include "status_conn.inc"

#undef S

/* A braced initialiser, kept on one line. */
/* clang-format off */
#define TABLE(t) { (t), sizeof(t) / sizeof((t)[0]) }
/* clang-format on */
static const struct {
    const status_info *list;
    size_t n;
} tables[] = {
    TABLE(common_statuses), TABLE(hpack_statuses), TABLE(frame_statuses),
    TABLE(fields_statuses), TABLE(conn_statuses),
};
#undef TABLE

/* The hundred a status belongs to picks the table. */
static const status_info *find(int status)
{
    unsigned magnitude = status < 0 ? 0u - (unsigned)status : (unsigned)status;
    unsigned hundred = magnitude / 100u;
    if (hundred >= sizeof tables / sizeof tables[0])
        return NULL;
    for (size_t i = 0; i < tables[hundred].n; i++)
        if (tables[hundred].list[i].status == status)
            return &tables[hundred].list[i];
    return NULL;
}

const char *h2c_strerror(int status)
{
    const status_info *s = find(status);
    return s ? s->reason : "unknown status";
}

const char *h2c_status_name(int status)
{
    const status_info *s = find(status);
    return s ? s->name : "H2C_E_UNKNOWN";
}

uint32_t h2c_status_h2_error(int status)
{
    const status_info *s = find(status);
    return s ? s->h2 : 0x0;
}

const char *h2c_h2_error_name(uint32_t code)
{
    static const char *const names[] = {
        "NO_ERROR",
        "PROTOCOL_ERROR",
        "INTERNAL_ERROR",
        "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT",
        "STREAM_CLOSED",
        "FRAME_SIZE_ERROR",
        "REFUSED_STREAM",
        "CANCEL",
        "COMPRESSION_ERROR",
        "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY",
        "HTTP_1_1_REQUIRED",
    };
    return code < sizeof names / sizeof names[0] ? names[code] : "UNKNOWN";
}

const char *h2c_scope_name(int scope)
{
    switch (scope) {
    case H2C_SCOPE_CONNECTION: return "connection";
    case H2C_SCOPE_STREAM: return "stream";
    case H2C_SCOPE_IGNORABLE: return "ignorable";
    case H2C_SCOPE_LOCAL: return "local";
    default: return "none";
    }
}

const char *h2c_version(void)
{
    return H2CODEC_VERSION;
}

uint32_t h2c_version_num(void)
{
    return H2CODEC_VERSION_NUM;
}
