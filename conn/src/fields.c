/* SPDX-License-Identifier: MIT */
/* RFC 9113 sections 8.2-8.3 field validation; see <h2codec/fields.h>. */
#include <stdint.h>
#include <string.h>

#include <h2codec/fields.h>

#include "fields_int.h"

/* h2c_fields_validator.method and .path_form. */
enum { METHOD_NONE = 0, METHOD_CONNECT = 1, METHOD_OTHER = 2, METHOD_OPTIONS = 3 };
enum { PATH_NONE = 0, PATH_EMPTY = 1, PATH_ORIGIN = 2, PATH_ASTERISK = 3, PATH_OTHER = 4 };

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
    ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1,  ['~'] = 1, ['0'] = 1,
    ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,  ['7'] = 1, ['8'] = 1,
    ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1,  ['f'] = 1, ['g'] = 1,
    ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1,  ['n'] = 1, ['o'] = 1,
    ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,  ['v'] = 1, ['w'] = 1,
    ['x'] = 1, ['y'] = 1, ['z'] = 1,
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

/* "http" or "https" in any case.  An octet ORed with 0x20 is a lowercase
 * letter only if it was that letter in either case. */
static int is_http(const char *s, size_t len)
{
    if (len != 4 && len != 5)
        return 0;
    uint32_t w;
    memcpy(&w, s, 4);
    uint32_t http;
    memcpy(&http, "http", 4);
    return (w | 0x20202020u) == http && (len == 4 || (s[4] | 0x20) == 's');
}

/*
 * Word-at-a-time scans.  Each looks at 8 octets as a uint64_t (16 as an SSE2
 * vector where available) and only ever answers "does some octet of the word
 * ...", so the octet order, and hence the byte order, does not matter.  Loads
 * are memcpy (any alignment) and never leave [p, p + len): a tail shorter than
 * a word is read as one more word ending at the last octet, overlapping the
 * previous one; values shorter than a word are gathered into one.
 * H2C_FIELDS_PORTABLE forces the uint64_t path (to test it on x86).
 */
#if defined(__SSE2__) && !defined(H2C_FIELDS_PORTABLE)
#include <emmintrin.h>
#define FIELDS_SSE2 1
#endif

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static uint64_t load64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

static uint64_t load32(const char *p)
{
    uint32_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* The len < 8 octets at p as one word; the rest of it is 'a' (fine in names and values). */
static uint64_t short_word(const char *p, size_t len)
{
    if (len >= 4)
        return load32(p) << 32 | load32(p + len - 4);
    if (len == 0)
        return ONES * 'a';
    /* 1-3 octets: the first, middle and last cover them all. */
    return (ONES * 'a') << 24 | (uint64_t)(unsigned char)p[0] << 16 |
           (uint64_t)(unsigned char)p[len / 2] << 8 | (uint64_t)(unsigned char)p[len - 1];
}

/* Nonzero iff some octet of w is below n (n <= 128). */
static uint64_t octet_below(uint64_t w, unsigned n)
{
    return (w - ONES * n) & ~w & HIGHS;
}

/* Field names: every octet in the common subset of tchar a-z 0-9 - . (anything
 * else, uppercase included, is left to the exact per-octet loop).  Per octet,
 * with y its low 7 bits, y + (0x80 - lo) has its high bit set iff y >= lo,
 * y + (0x7f - hi) iff y > hi, and (y ^ c) + 0x7f iff y != c: no carry leaves
 * an octet. */
static int name_word_ok(uint64_t w)
{
    uint64_t y = w & ~HIGHS;
    uint64_t lower = (y + ONES * (0x80u - 'a')) & ~(y + ONES * (0x7fu - 'z'));
    uint64_t digit = (y + ONES * (0x80u - '-')) & ~(y + ONES * (0x7fu - '9')) &
                     ((y ^ (ONES * '/')) + ~HIGHS);
    return ((lower | digit) & ~w & HIGHS) == HIGHS;
}

/* Field values: some octet is a control character other than HTAB, or DEL
 * (RFC 9110 5.5: field-vchar, obs-text, SP and HTAB only).  Rarely true, so
 * the exact answer is left to a loop over the word. */
static int value_word_bad(uint64_t w)
{
    if (!octet_below(w, 0x20) && !octet_below(w ^ (ONES * 0x7f), 1))
        return 0; /* the usual case: no control character at all */
    for (int i = 0; i < 64; i += 8) {
        unsigned c = (unsigned)(w >> i) & 0xffu;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 1;
    }
    return 0;
}

#ifdef FIELDS_SSE2
static int name_vec_ok(__m128i v)
{
    __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('-' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    digit = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')), digit);
    return _mm_movemask_epi8(_mm_or_si128(lower, digit)) == 0xffff;
}

static int value_vec_bad(__m128i v)
{
    __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v); /* v <= 0x1f */
    ctl = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), ctl);
    __m128i bad = _mm_or_si128(ctl, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
    return _mm_movemask_epi8(bad) != 0;
}

static __m128i load128(const char *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* p is 16-octet aligned. */
static __m128i load128a(const char *p)
{
    return _mm_load_si128((const __m128i *)(const void *)p);
}
#endif

/* 1 if every octet of name[0, len) is in the subset of name_word_ok. */
static int name_fast_ok(const char *p, size_t len)
{
#ifdef FIELDS_SSE2
    if (len >= 16) {
        size_t i = 0;
        for (; i + 16 < len; i += 16)
            if (!name_vec_ok(load128(p + i)))
                return 0;
        return name_vec_ok(load128(p + len - 16));
    }
#endif
    if (len < 8)
        return name_word_ok(short_word(p, len));
    for (size_t i = 0; i + 8 < len; i += 8)
        if (!name_word_ok(load64(p + i)))
            return 0;
    return name_word_ok(load64(p + len - 8));
}

static int check_name(const h2c_fields_validator *v, const char *name, size_t len)
{
    if (len == 0)
        return H2C_FIELDS_E_NAME_EMPTY;
    size_t start = name[0] == ':' ? 1 : 0;
    if (!name_fast_ok(name + start, len - start)) {
        /* Exact: the first octet outside the common subset decides. */
        for (size_t i = start; i < len; i++) {
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
    }
    return len == 1 && name[0] == ':' ? H2C_FIELDS_E_NAME_CHAR : H2C_OK;
}

#ifdef FIELDS_SSE2
/* 1 if the aligned q[0, n) (n a multiple of 16) holds a bad octet.  Out
 * of line: inlined, the compiler keeps the caller's loads in registers for
 * it. */
__attribute__((noinline)) static int blocks_bad(const char *q, size_t n)
{
    for (size_t k = 0; k < n; k += 16)
        if (value_vec_bad(load128a(q + k)))
            return 1;
    return 0;
}
#endif

/* 1 if value[0, len) holds a control character other than HTAB, or DEL,
 * in one pass. */
static int has_bad_char(const char *p, size_t len)
{
#ifdef FIELDS_SSE2
    if (len >= 16) {
        /* The first 16 octets, then aligned blocks (which SSE2 can take
         * straight from memory) from the first 16-octet boundary after p,
         * 256 octets a round: their minimum says whether any is below SP,
         * and an OR of compares whether any is DEL; only then is each block
         * looked at exactly.  The tail is the last 16 octets, overlapping. */
        if (value_vec_bad(load128(p)))
            return 1;
        const char *end = p + len;
        const char *q = p + (16 - ((uintptr_t)p & 15));
        const __m128i ctl = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
        for (; end - q >= 256; q += 256) {
            __m128i m0 = load128a(q), m1 = load128a(q + 16);
            __m128i d = _mm_or_si128(_mm_cmpeq_epi8(m0, del), _mm_cmpeq_epi8(m1, del));
            for (size_t k = 32; k < 256; k += 32) {
                __m128i a = load128a(q + k), b = load128a(q + k + 16);
                m0 = _mm_min_epu8(m0, a);
                m1 = _mm_min_epu8(m1, b);
                d = _mm_or_si128(d,
                                 _mm_or_si128(_mm_cmpeq_epi8(a, del), _mm_cmpeq_epi8(b, del)));
            }
            __m128i m = _mm_min_epu8(m0, m1);
            if ((_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(m, ctl), m)) ||
                 _mm_movemask_epi8(d)) &&
                blocks_bad(q, 256))
                return 1;
        }
        for (; end - q >= 16; q += 16)
            if (value_vec_bad(load128a(q)))
                return 1;
        return q < end && value_vec_bad(load128(end - 16));
    }
#endif
    if (len < 8)
        return value_word_bad(short_word(p, len));
    for (size_t i = 0; i + 8 < len; i += 8)
        if (value_word_bad(load64(p + i)))
            return 1;
    return value_word_bad(load64(p + len - 8));
}

/* Nonzero iff some octet of w may be below SP or at least DEL: exact for
 * the first such octet, the borrows and carries after it only add more. */
static uint64_t word_not_plain(uint64_t w)
{
    return ((w - ONES * 0x20) & ~w) | w | (w + ONES);
}

#ifdef FIELDS_SSE2
/* 16 octets from src to dst; lo and hi take each octet plus one, by min
 * and by OR: plus one, DEL and obs-text are the octets that leave the high
 * bit set, and control characters (and 0xff) the ones that end below 0x21.
 * Stored before the add, so no register copy is needed. */
static inline void copy16_plain(uint8_t *dst, const uint8_t *src, __m128i *lo, __m128i *hi)
{
    __m128i v = load128((const char *)src);
    _mm_storeu_si128((__m128i *)(void *)dst, v);
    v = _mm_add_epi8(v, _mm_set1_epi8(1));
    *lo = _mm_min_epu8(*lo, v);
    *hi = _mm_or_si128(*hi, v);
}

static inline void copy64_plain(uint8_t *dst, const uint8_t *src, __m128i *lo, __m128i *hi)
{
    for (int i = 0; i < 64; i += 16)
        copy16_plain(dst + i, src + i, lo, hi);
}
#endif

/* Long values 32 octets a vector where the CPU has AVX2 (asked at run
 * time: the build targets plain x86-64).  H2C_FIELDS_NO_AVX2 leaves the
 * SSE2 loop (to test it on a CPU that has AVX2). */
#if defined(FIELDS_SSE2) && defined(__x86_64__) && defined(__GNUC__) &&                         \
    !defined(H2C_FIELDS_NO_AVX2)
#include <immintrin.h>
#define FIELDS_AVX2 1

__attribute__((target("avx2"))) static inline void copy32_plain(uint8_t *dst, const uint8_t *src,
                                                                __m256i *lo, __m256i *hi)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)src);
    _mm256_storeu_si256((__m256i *)(void *)dst, v);
    v = _mm256_add_epi8(v, _mm256_set1_epi8(1));
    *lo = _mm256_min_epu8(*lo, v);
    *hi = _mm256_or_si256(*hi, v);
}

/* h2c_fields_copy_plain() of n >= 64 octets, as copy16_plain() does it. */
__attribute__((target("avx2"), noinline)) static int
copy_plain_avx2(uint8_t *restrict dst, const uint8_t *restrict src, size_t n)
{
    __m256i lo = _mm256_set1_epi8(-1), hi = _mm256_setzero_si256();
    size_t k = 0;
    for (; k + 128 <= n; k += 128)
        for (int i = 0; i < 128; i += 32)
            copy32_plain(dst + k + i, src + k + i, &lo, &hi);
    if (k + 64 <= n) {
        copy32_plain(dst + k, src + k, &lo, &hi);
        copy32_plain(dst + k + 32, src + k + 32, &lo, &hi);
        k += 64;
    }
    if (k < n) { /* the last 64, overlapping */
        copy32_plain(dst + n - 64, src + n - 64, &lo, &hi);
        copy32_plain(dst + n - 32, src + n - 32, &lo, &hi);
    }
    __m256i low = _mm256_cmpeq_epi8(_mm256_subs_epu8(lo, _mm256_set1_epi8(0x20)),
                                    _mm256_setzero_si256());
    return (_mm256_movemask_epi8(low) | _mm256_movemask_epi8(hi)) == 0;
}
#endif

int h2c_fields_copy_plain(uint8_t *restrict dst, const uint8_t *restrict src, size_t n)
{
#ifdef FIELDS_AVX2
    if (n >= 64 && __builtin_cpu_supports("avx2"))
        return copy_plain_avx2(dst, src, n);
#endif
#ifdef FIELDS_SSE2
    if (n >= 16) {
        __m128i lo = _mm_set1_epi8(-1), hi = _mm_setzero_si128();
        if (n >= 64) {
            size_t k = 0;
            for (; k + 64 <= n; k += 64)
                copy64_plain(dst + k, src + k, &lo, &hi);
            if (k < n) /* the last 64, overlapping */
                copy64_plain(dst + n - 64, src + n - 64, &lo, &hi);
        } else { /* 16-octet moves from both ends, two or four */
            copy16_plain(dst, src, &lo, &hi);
            if (n > 32) {
                copy16_plain(dst + 16, src + 16, &lo, &hi);
                copy16_plain(dst + n - 32, src + n - 32, &lo, &hi);
            }
            copy16_plain(dst + n - 16, src + n - 16, &lo, &hi);
        }
        /* plain: no lane of lo below 0x21, none of hi with its high bit */
        __m128i low = _mm_cmpeq_epi8(_mm_subs_epu8(lo, _mm_set1_epi8(0x20)),
                                     _mm_setzero_si128());
        return (_mm_movemask_epi8(low) | _mm_movemask_epi8(hi)) == 0;
    }
#endif
    uint64_t acc;
    if (n >= 8) { /* words, the last one ending at the last octet */
        acc = 0;
        for (size_t k = 0; k + 8 < n; k += 8) {
            uint64_t w = load64((const char *)src + k);
            memcpy(dst + k, &w, 8);
            acc |= word_not_plain(w);
        }
        uint64_t w = load64((const char *)src + n - 8);
        memcpy(dst + n - 8, &w, 8);
        acc |= word_not_plain(w);
    } else {
        /* short_word() has what to store: the first and last four octets
         * of 4-7, the first, middle and last of 1-3 */
        uint64_t w = short_word((const char *)src, n);
        if (n >= 4) {
            uint32_t head = (uint32_t)(w >> 32), tail = (uint32_t)w;
            memcpy(dst, &head, 4);
            memcpy(dst + n - 4, &tail, 4);
        } else if (n) {
            dst[0] = (uint8_t)(w >> 16);
            dst[n / 2] = (uint8_t)(w >> 8);
            dst[n - 1] = (uint8_t)w;
        }
        acc = word_not_plain(w);
    }
    return (acc & HIGHS) == 0;
}

/* NUL, CR or LF: the octets RFC 9113 8.2.1 forbids outright. */
static int has_nul_cr_lf(const char *p, size_t len)
{
    return len && (memchr(p, 0, len) || memchr(p, '\r', len) || memchr(p, '\n', len));
}

static int check_value(const h2c_fields_validator *v, const char *value, size_t len)
{
    if (has_bad_char(value, len) &&
        (!(v->lenient & H2C_FIELDS_LENIENT_VALUE_CTL) || has_nul_cr_lf(value, len)))
        return H2C_FIELDS_E_VALUE_CHAR;
    if (len && !(v->lenient & H2C_FIELDS_LENIENT_VALUE_WHITESPACE)) {
        char a = value[0], z = value[len - 1];
        if (a == ' ' || a == '\t' || z == ' ' || z == '\t')
            return H2C_FIELDS_E_VALUE_WHITESPACE;
    }
    return H2C_OK;
}

/* Map a pseudo-header name to its bit, 0 if not defined by RFC 9113/8441.
 * The length picks the candidate, so a name costs one comparison. */
static unsigned pseudo_bit(const char *name, size_t len)
{
    switch (len) {
    case 5: return memcmp(name, ":path", 5) == 0 ? P_PATH : 0;
    case 7:
        switch (name[2]) { /* :method, :scheme, :status */
        case 'e': return memcmp(name, ":method", 7) == 0 ? P_METHOD : 0;
        case 'c': return memcmp(name, ":scheme", 7) == 0 ? P_SCHEME : 0;
        case 't': return memcmp(name, ":status", 7) == 0 ? P_STATUS : 0;
        default: return 0;
        }
    case 9: return memcmp(name, ":protocol", 9) == 0 ? P_PROTOCOL : 0;
    case 10: return memcmp(name, ":authority", 10) == 0 ? P_AUTHORITY : 0;
    default: return 0;
    }
}

/* bit: pseudo_bit() of the name.  Inlined into h2c_fields_push_known()
 * (push_rules()): every request and response has several. */
static inline __attribute__((always_inline)) int
push_pseudo(h2c_fields_validator *v, unsigned bit, const char *value, size_t value_len)
{
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
        if (!value_len)
            return H2C_FIELDS_E_PSEUDO_EMPTY;
        v->method = eq(value, value_len, "CONNECT")   ? METHOD_CONNECT
                    : eq(value, value_len, "OPTIONS") ? METHOD_OPTIONS
                                                      : METHOD_OTHER;
        break;
    case P_SCHEME:
        if (!value_len)
            return H2C_FIELDS_E_PSEUDO_EMPTY;
        v->scheme_http = is_http(value, value_len);
        break;
    case P_AUTHORITY: v->authority_empty = value_len == 0; break;
    case P_PATH:
        v->path_form = value_len == 0              ? PATH_EMPTY
                       : value[0] == '/'           ? PATH_ORIGIN
                       : eq(value, value_len, "*") ? PATH_ASTERISK
                                                   : PATH_OTHER;
        break;
    case P_STATUS:
        /* Three digits, from 100 (RFC 9110 15: nothing below is a status
         * code; 600-999 are invalid too, but a client treats them as 5xx). */
        if (value_len != 3 || value[0] < '1' || value[0] > '9' || value[1] < '0' ||
            value[1] > '9' || value[2] < '0' || value[2] > '9')
            return H2C_FIELDS_E_STATUS;
        break;
    default: break;
    }
    return H2C_OK;
}

static inline __attribute__((always_inline)) int push_regular(h2c_fields_validator *v,
                                                              const char *name, size_t name_len,
                                                              const char *value,
                                                              size_t value_len)
{
    v->regular = 1;
    /* The length picks the names that need a look: most need none. */
    int conn_specific = 0;
    switch (name_len) {
    case 2:
        if (!(v->lenient & H2C_FIELDS_LENIENT_TE) && eq(name, name_len, "te") &&
            !eq_nocase(value, value_len, "trailers"))
            return H2C_FIELDS_E_TE;
        break;
    case 4:
        if (eq(name, name_len, "host"))
            v->host = 1;
        break;
    case 7: conn_specific = eq(name, name_len, "upgrade"); break;
    case 10:
        conn_specific = eq(name, name_len, "connection") || eq(name, name_len, "keep-alive");
        break;
    case 16: conn_specific = eq(name, name_len, "proxy-connection"); break;
    case 17: conn_specific = eq(name, name_len, "transfer-encoding"); break;
    default: break;
    }
    if (conn_specific && !(v->lenient & H2C_FIELDS_LENIENT_CONNECTION))
        return H2C_FIELDS_E_CONNECTION_SPECIFIC;
    return H2C_OK;
}

void h2c_fields_validator_init(h2c_fields_validator *v, h2c_fields_kind kind, uint32_t lenient)
{
    memset(v, 0, sizeof *v);
    v->kind = (uint8_t)kind;
    v->lenient = lenient;
}

/* The rules on a field's name, after its octets. */
static inline int push_rules(h2c_fields_validator *v, const char *name, size_t name_len,
                             unsigned bit, const char *value, size_t value_len)
{
    return name[0] == ':' ? push_pseudo(v, bit, value, value_len)
                          : push_regular(v, name, name_len, value, value_len);
}

/* A field with octets to scan, out of line: most fields come from the
 * HPACK tables and need none, and inlined, the vector code of the scans
 * makes every push save and restore registers.  The name is scanned
 * first, as in push(). */
__attribute__((noinline)) static int push_scanned(h2c_fields_validator *v, const char *name,
                                                  size_t name_len, unsigned bit,
                                                  const char *value, size_t value_len,
                                                  uint32_t trusted)
{
    int rc;
    if (!(trusted & H2C_FIELDS_TRUSTED_NAME) && (rc = check_name(v, name, name_len)) != H2C_OK)
        return rc;
    if (!(trusted & H2C_FIELDS_TRUSTED_VALUE) &&
        (rc = check_value(v, value, value_len)) != H2C_OK)
        return rc;
    return push_rules(v, name, name_len, bit, value, value_len);
}

/* push() and push_trusted() after their argument checks: the rules in
 * push()'s order, name octets, value octets, then the rules on names.  A
 * pseudo-header name that pseudo_bit() knows is valid by construction: its
 * octets need no scan. */
int h2c_fields_push_known(h2c_fields_validator *v, const uint8_t *name_octets, size_t name_len,
                          const uint8_t *value_octets, size_t value_len, uint32_t trusted)
{
    const char *name = (const char *)name_octets, *value = (const char *)value_octets;
    v->count++;
    if (name_len == 0)
        return H2C_FIELDS_E_NAME_EMPTY;
    unsigned bit = name[0] == ':' ? pseudo_bit(name, name_len) : 0;
    if (bit)
        trusted |= H2C_FIELDS_TRUSTED_NAME;
    if (trusted != (H2C_FIELDS_TRUSTED_NAME | H2C_FIELDS_TRUSTED_VALUE))
        return push_scanned(v, name, name_len, bit, value, value_len, trusted);
    return push_rules(v, name, name_len, bit, value, value_len);
}

static int push_args_ok(const h2c_fields_validator *v, const void *name, size_t name_len,
                        const void *value, size_t value_len)
{
    return v && !v->done && (name || !name_len) && (value || !value_len);
}

int h2c_fields_validator_push(h2c_fields_validator *v, h2c_view name, h2c_view value)
{
    if (!push_args_ok(v, name.ptr, name.len, value.ptr, value.len))
        return H2C_E_STATE;
    return h2c_fields_push_known(v, name.ptr, name.len, value.ptr, value.len, 0);
}

int h2c_fields_validator_push_trusted(h2c_fields_validator *v, h2c_view name, h2c_view value,
                                      uint32_t trusted)
{
    if (!push_args_ok(v, name.ptr, name.len, value.ptr, value.len))
        return H2C_E_STATE;
    return h2c_fields_push_known(v, name.ptr, name.len, value.ptr, value.len,
                                 trusted & (H2C_FIELDS_TRUSTED_NAME | H2C_FIELDS_TRUSTED_VALUE));
}

static int finish_request(const h2c_fields_validator *v)
{
    unsigned seen = v->seen;
    if (!(seen & P_METHOD))
        return H2C_FIELDS_E_PSEUDO_MISSING;
    if (v->method == METHOD_CONNECT && !(seen & P_PROTOCOL)) {
        /* Plain CONNECT (8.5): authority only. */
        if (seen & (P_SCHEME | P_PATH))
            return H2C_FIELDS_E_CONNECT;
        return (seen & P_AUTHORITY) ? H2C_OK : H2C_FIELDS_E_CONNECT;
    }
    if ((seen & P_PROTOCOL) && v->method != METHOD_CONNECT)
        return H2C_FIELDS_E_CONNECT; /* RFC 8441 section 4: :protocol needs CONNECT */
    if ((seen & (P_SCHEME | P_PATH)) != (P_SCHEME | P_PATH))
        return H2C_FIELDS_E_PSEUDO_MISSING;
    if (v->path_form == PATH_EMPTY && v->scheme_http)
        return H2C_FIELDS_E_PATH_EMPTY;
    if (v->scheme_http) {
        /* 8.3.1: origin form, or "*" for OPTIONS; and an http(s) URI needs
         * a non-empty authority, from :authority or Host (RFC 9110 4.2.1). */
        if (v->path_form == PATH_OTHER ||
            (v->path_form == PATH_ASTERISK && v->method != METHOD_OPTIONS))
            return H2C_FIELDS_E_PATH;
        if ((seen & P_AUTHORITY) ? v->authority_empty : !v->host)
            return (seen & P_AUTHORITY) ? H2C_FIELDS_E_PSEUDO_EMPTY
                                        : H2C_FIELDS_E_PSEUDO_MISSING;
    }
    return H2C_OK;
}

int h2c_fields_validator_finish(h2c_fields_validator *v)
{
    if (!v || v->done)
        return H2C_E_STATE;
    v->done = 1;
    switch (v->kind) {
    case H2C_FIELDS_REQUEST: return finish_request(v);
    case H2C_FIELDS_RESPONSE: return (v->seen & P_STATUS) ? H2C_OK : H2C_FIELDS_E_PSEUDO_MISSING;
    default: /* trailers, or AUTO that saw no pseudo-header: trailers */ return H2C_OK;
    }
}

h2c_fields_kind h2c_fields_validator_kind(const h2c_fields_validator *v)
{
    if (v->kind == H2C_FIELDS_AUTO && v->done)
        return H2C_FIELDS_TRAILERS;
    return (h2c_fields_kind)v->kind;
}
