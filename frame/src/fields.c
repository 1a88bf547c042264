/* RFC 9113 sections 8.2-8.3 field validation; see <h2codec/fields.h>. */
#include <string.h>

#include <h2codec/fields.h>

/* Pseudo-header bits in h2c_fields_validator.seen. */
enum {
    P_METHOD = 1 << 0,
    P_SCHEME = 1 << 1,
    P_AUTHORITY = 1 << 2,
    P_PATH = 1 << 3,
    P_PROTOCOL = 1 << 4,
    P_STATUS = 1 << 5,
    P_REQUEST = P_METHOD | P_SCHEME | P_AUTHORITY | P_PATH | P_PROTOCOL
};

/* RFC 9110 tchar, lowercase only: 1 = allowed in a field name. */
static const uint8_t name_ok[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1,
    ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1, ['~'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

static int eq(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len == n && memcmp(s, lit, n) == 0;
}

/* ASCII case-insensitive equality with a lowercase literal. */
static int eq_nocase(const char *s, size_t len, const char *lit)
{
    if (len != strlen(lit))
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        if (c != (unsigned char)lit[i])
            return 0;
    }
    return 1;
}

static int check_name(const h2c_fields_validator *v, const char *name, size_t len)
{
    if (len == 0)
        return H2C_FIELDS_E_NAME_EMPTY;
    for (size_t i = name[0] == ':' ? 1 : 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (name_ok[c])
            continue;
        if (c >= 'A' && c <= 'Z') {
            if (!(v->lenient & H2C_FIELDS_LENIENT_NAME_UPPERCASE))
                return H2C_FIELDS_E_NAME_UPPERCASE;
            continue;
        }
        return H2C_FIELDS_E_NAME_CHAR;
    }
    return len == 1 && name[0] == ':' ? H2C_FIELDS_E_NAME_CHAR : H2C_FIELDS_OK;
}

/* 1 = not allowed anywhere in a value: NUL, CR, LF. */
static const uint8_t value_bad[256] = { ['\0'] = 1, ['\r'] = 1, ['\n'] = 1 };

static int has_bad_char(const char *value, size_t len)
{
    /* Long values: the C library's vectorised scans.  Short ones (most):
     * one branch-free pass, cheaper than three calls. */
    if (len >= 64)
        return memchr(value, '\0', len) || memchr(value, '\r', len) || memchr(value, '\n', len);
    unsigned bad = 0;
    for (size_t i = 0; i < len; i++)
        bad |= value_bad[(unsigned char)value[i]];
    return bad != 0;
}

static int check_value(const h2c_fields_validator *v, const char *value, size_t len)
{
    if (has_bad_char(value, len))
        return H2C_FIELDS_E_VALUE_CHAR;
    if (len && !(v->lenient & H2C_FIELDS_LENIENT_VALUE_WHITESPACE)) {
        char a = value[0], z = value[len - 1];
        if (a == ' ' || a == '\t' || z == ' ' || z == '\t')
            return H2C_FIELDS_E_VALUE_WHITESPACE;
    }
    return H2C_FIELDS_OK;
}

/* Map a pseudo-header name to its bit, 0 if not defined by RFC 9113/8441. */
static unsigned pseudo_bit(const char *name, size_t len)
{
    if (eq(name, len, ":method"))
        return P_METHOD;
    if (eq(name, len, ":scheme"))
        return P_SCHEME;
    if (eq(name, len, ":authority"))
        return P_AUTHORITY;
    if (eq(name, len, ":path"))
        return P_PATH;
    if (eq(name, len, ":protocol"))
        return P_PROTOCOL;
    if (eq(name, len, ":status"))
        return P_STATUS;
    return 0;
}

static int push_pseudo(h2c_fields_validator *v, const char *name, size_t name_len,
                       const char *value, size_t value_len)
{
    unsigned bit = pseudo_bit(name, name_len);
    if (v->regular)
        return H2C_FIELDS_E_PSEUDO_AFTER_REGULAR;
    if (v->kind == H2C_FIELDS_AUTO && bit)
        v->kind = (uint8_t)(bit == P_STATUS ? H2C_FIELDS_RESPONSE : H2C_FIELDS_REQUEST);
    if (v->kind == H2C_FIELDS_TRAILERS)
        return H2C_FIELDS_E_PSEUDO_IN_TRAILERS;
    if (!bit)
        return H2C_FIELDS_E_PSEUDO_UNKNOWN;
    if ((v->kind == H2C_FIELDS_REQUEST) != ((bit & P_REQUEST) != 0))
        return H2C_FIELDS_E_PSEUDO_MIXED; /* defined, but for the other kind */
    if (v->seen & bit)
        return H2C_FIELDS_E_PSEUDO_DUPLICATE;
    v->seen = (uint16_t)(v->seen | bit);
    switch (bit) {
    case P_METHOD:
        v->method = eq(value, value_len, "CONNECT") ? 1 : 2;
        break;
    case P_SCHEME:
        v->scheme_http = eq_nocase(value, value_len, "http") || eq_nocase(value, value_len, "https");
        break;
    case P_PATH:
        v->path_empty = value_len == 0;
        break;
    case P_STATUS:
        if (value_len != 3 || value[0] < '0' || value[0] > '9' || value[1] < '0' ||
            value[1] > '9' || value[2] < '0' || value[2] > '9')
            return H2C_FIELDS_E_STATUS;
        break;
    default:
        break;
    }
    return H2C_FIELDS_OK;
}

static int push_regular(h2c_fields_validator *v, const char *name, size_t name_len,
                        const char *value, size_t value_len)
{
    v->regular = 1;
    if (!(v->lenient & H2C_FIELDS_LENIENT_CONNECTION) &&
        (eq(name, name_len, "connection") || eq(name, name_len, "keep-alive") ||
         eq(name, name_len, "proxy-connection") || eq(name, name_len, "transfer-encoding") ||
         eq(name, name_len, "upgrade")))
        return H2C_FIELDS_E_CONNECTION_SPECIFIC;
    if (!(v->lenient & H2C_FIELDS_LENIENT_TE) && eq(name, name_len, "te") &&
        !eq_nocase(value, value_len, "trailers"))
        return H2C_FIELDS_E_TE;
    return H2C_FIELDS_OK;
}

void h2c_fields_validator_init(h2c_fields_validator *v, h2c_fields_kind kind, uint32_t lenient)
{
    memset(v, 0, sizeof *v);
    v->kind = (uint8_t)kind;
    v->lenient = lenient;
}

int h2c_fields_validator_push(h2c_fields_validator *v, const char *name, size_t name_len,
                              const char *value, size_t value_len)
{
    if (!v || v->done || (!name && name_len) || (!value && value_len))
        return H2C_FIELDS_E_STATE;
    v->count++;
    int rc = check_name(v, name, name_len);
    if (rc == H2C_FIELDS_OK)
        rc = check_value(v, value, value_len);
    if (rc != H2C_FIELDS_OK)
        return rc;
    return name[0] == ':' ? push_pseudo(v, name, name_len, value, value_len)
                          : push_regular(v, name, name_len, value, value_len);
}

static int finish_request(const h2c_fields_validator *v)
{
    unsigned seen = v->seen;
    if (!(seen & P_METHOD))
        return H2C_FIELDS_E_PSEUDO_MISSING;
    if (v->method == 1 && !(seen & P_PROTOCOL)) {
        /* Plain CONNECT (8.5): authority only. */
        if (seen & (P_SCHEME | P_PATH))
            return H2C_FIELDS_E_CONNECT;
        return (seen & P_AUTHORITY) ? H2C_FIELDS_OK : H2C_FIELDS_E_CONNECT;
    }
    if ((seen & P_PROTOCOL) && v->method != 1)
        return H2C_FIELDS_E_CONNECT; /* RFC 8441 section 4: :protocol needs CONNECT */
    if ((seen & (P_SCHEME | P_PATH)) != (P_SCHEME | P_PATH))
        return H2C_FIELDS_E_PSEUDO_MISSING;
    if (v->path_empty && v->scheme_http)
        return H2C_FIELDS_E_PATH_EMPTY;
    return H2C_FIELDS_OK;
}

int h2c_fields_validator_finish(h2c_fields_validator *v)
{
    if (!v || v->done)
        return H2C_FIELDS_E_STATE;
    v->done = 1;
    switch (v->kind) {
    case H2C_FIELDS_REQUEST:
        return finish_request(v);
    case H2C_FIELDS_RESPONSE:
        return (v->seen & P_STATUS) ? H2C_FIELDS_OK : H2C_FIELDS_E_PSEUDO_MISSING;
    default: /* trailers, or AUTO that saw no pseudo-header: trailers */
        return H2C_FIELDS_OK;
    }
}

h2c_fields_kind h2c_fields_validator_kind(const h2c_fields_validator *v)
{
    if (v->kind == H2C_FIELDS_AUTO && v->done)
        return H2C_FIELDS_TRAILERS;
    return (h2c_fields_kind)v->kind;
}

static const struct {
    int status;
    const char *name, *reason;
} status_text[] = {
    {H2C_FIELDS_OK, "H2C_FIELDS_OK", "no error"},
    {H2C_FIELDS_E_NAME_EMPTY, "H2C_FIELDS_E_NAME_EMPTY", "empty field name"},
    {H2C_FIELDS_E_NAME_UPPERCASE, "H2C_FIELDS_E_NAME_UPPERCASE", "uppercase letter in field name"},
    {H2C_FIELDS_E_NAME_CHAR, "H2C_FIELDS_E_NAME_CHAR", "invalid character in field name"},
    {H2C_FIELDS_E_VALUE_CHAR, "H2C_FIELDS_E_VALUE_CHAR", "CR, LF or NUL in field value"},
    {H2C_FIELDS_E_VALUE_WHITESPACE, "H2C_FIELDS_E_VALUE_WHITESPACE",
     "leading or trailing whitespace in field value"},
    {H2C_FIELDS_E_PSEUDO_UNKNOWN, "H2C_FIELDS_E_PSEUDO_UNKNOWN", "unknown pseudo-header"},
    {H2C_FIELDS_E_PSEUDO_DUPLICATE, "H2C_FIELDS_E_PSEUDO_DUPLICATE", "duplicate pseudo-header"},
    {H2C_FIELDS_E_PSEUDO_AFTER_REGULAR, "H2C_FIELDS_E_PSEUDO_AFTER_REGULAR",
     "pseudo-header after a regular field"},
    {H2C_FIELDS_E_PSEUDO_MIXED, "H2C_FIELDS_E_PSEUDO_MIXED",
     "request and response pseudo-headers mixed"},
    {H2C_FIELDS_E_PSEUDO_MISSING, "H2C_FIELDS_E_PSEUDO_MISSING", "required pseudo-header missing"},
    {H2C_FIELDS_E_PSEUDO_IN_TRAILERS, "H2C_FIELDS_E_PSEUDO_IN_TRAILERS", "pseudo-header in trailers"},
    {H2C_FIELDS_E_CONNECTION_SPECIFIC, "H2C_FIELDS_E_CONNECTION_SPECIFIC",
     "connection-specific header field"},
    {H2C_FIELDS_E_TE, "H2C_FIELDS_E_TE", "te header field other than \"trailers\""},
    {H2C_FIELDS_E_PATH_EMPTY, "H2C_FIELDS_E_PATH_EMPTY", "empty :path for an http or https URI"},
    {H2C_FIELDS_E_CONNECT, "H2C_FIELDS_E_CONNECT", "malformed CONNECT request"},
    {H2C_FIELDS_E_STATUS, "H2C_FIELDS_E_STATUS", ":status is not three digits"},
    {H2C_FIELDS_E_STATE, "H2C_FIELDS_E_STATE", "call not allowed in this state"},
};

const char *h2c_fields_strerror(int status)
{
    for (size_t i = 0; i < sizeof status_text / sizeof status_text[0]; i++)
        if (status_text[i].status == status)
            return status_text[i].reason;
    return "unknown status";
}

const char *h2c_fields_status_name(int status)
{
    for (size_t i = 0; i < sizeof status_text / sizeof status_text[0]; i++)
        if (status_text[i].status == status)
            return status_text[i].name;
    return "H2C_FIELDS_UNKNOWN";
}
