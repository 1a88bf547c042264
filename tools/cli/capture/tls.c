/* SPDX-License-Identifier: MIT */
/*
 * The TLS record layer of a captured connection, read from both directions'
 * reassembled TCP bytes.  Records are cut from each direction's bytes; the
 * plaintext handshake gives the client random, the cipher suite, the
 * version and (TLS 1.2) the ALPN; keys come from the key log.  TLS 1.3
 * decrypts the handshake flight with the handshake traffic secrets (for
 * EncryptedExtensions, i.e. the ALPN, and the Finished messages that switch
 * to the application secrets), then application data, following KeyUpdate.
 * TLS 1.2 derives its keys from the master secret after each side's
 * ChangeCipherSpec.
 *
 * RFC 8446 (TLS 1.3): 5.2 record protection, 5.3 nonce, 7.1 HKDF-Expand-
 * Label, 7.2 KeyUpdate, 7.3 traffic keys.  RFC 5246 (TLS 1.2): 6.3 key
 * block, RFC 5288 (AES-GCM: 4-octet salt and 8-octet explicit nonce), RFC
 * 7905 (ChaCha20-Poly1305: nonce as in TLS 1.3).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "keylog.h"
#include "tls.h"

#define TLS_REC_BODY_MAX (16384 + 2048)  /* RFC 5246 6.2.3: TLSCiphertext */
#define TLS_HS_MSG_MAX (1u << 17)        /* handshake messages we parse */
#define TLS_PENDING_MAX (16u << 20)      /* octets a direction may hold back */
#define TLS13_REC_BODY_MAX (16384 + 256) /* RFC 8446 5.2 */
/* Trial decryptions after a gap: each costs a pass over a record of up to
 * 16 KiB, so both bounds are on trials, not records. */
#define RESYNC_TRIES 4096      /* per gap, shared by its candidate records */
#define RESYNC_TRIES_DIR 65536 /* per direction, over all its gaps */
#define RESYNC_CANDIDATES 16   /* records tried before giving up */

enum { REC_CCS = 20, REC_ALERT = 21, REC_HANDSHAKE = 22, REC_APPDATA = 23, REC_HEARTBEAT = 24 };
enum {
    HS_CLIENT_HELLO = 1,
    HS_SERVER_HELLO = 2,
    HS_NEW_SESSION_TICKET = 4,
    HS_ENCRYPTED_EXT = 8,
    HS_FINISHED = 20,
    HS_KEY_UPDATE = 24
};
enum { EXT_ALPN = 16, EXT_EARLY_DATA = 42, EXT_SUPPORTED_VERSIONS = 43 };
enum { AEAD_AES128_GCM, AEAD_AES256_GCM, AEAD_CHACHA20_POLY1305 };
enum { STAGE_PLAIN, STAGE_HANDSHAKE, STAGE_APP }; /* TLS 1.2 goes PLAIN to APP at CCS */

struct tls_suite {
    uint16_t id;
    uint8_t tls13, aead;
    const char *digest; /* of HKDF (1.3) or the PRF (1.2) */
    const char *name;
};

static const struct tls_suite suites[] = {
    {0x1301, 1, AEAD_AES128_GCM, "SHA256", "TLS_AES_128_GCM_SHA256"},
    {0x1302, 1, AEAD_AES256_GCM, "SHA384", "TLS_AES_256_GCM_SHA384"},
    {0x1303, 1, AEAD_CHACHA20_POLY1305, "SHA256", "TLS_CHACHA20_POLY1305_SHA256"},
    {0xC02B, 0, AEAD_AES128_GCM, "SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xC02C, 0, AEAD_AES256_GCM, "SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xC02F, 0, AEAD_AES128_GCM, "SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0xC030, 0, AEAD_AES256_GCM, "SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xCCA8, 0, AEAD_CHACHA20_POLY1305, "SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCA9, 0, AEAD_CHACHA20_POLY1305, "SHA256",
     "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCAA, 0, AEAD_CHACHA20_POLY1305, "SHA256", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0x009E, 0, AEAD_AES128_GCM, "SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009F, 0, AEAD_AES256_GCM, "SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0x009C, 0, AEAD_AES128_GCM, "SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009D, 0, AEAD_AES256_GCM, "SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"},
};

/* RFC 8446 4.1.3: the ServerHello.random of a HelloRetryRequest. */
static const uint8_t hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
    0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
    0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};

struct tls_dir {
    uint8_t *buf; /* octets not yet cut into records: buf[off, len) */
    size_t off, len, cap;
    uint64_t consumed; /* stream offset of buf[off] */
    /* The handshake message being reassembled (messages span records). */
    uint8_t hs_hdr[4];
    size_t hs_hdr_have, hs_len, hs_have;
    uint8_t *hs_msg;
    size_t hs_cap;
    int hs_keep;
    /* Record protection. */
    int stage, ready;   /* ready: key and iv derived for this stage */
    int switch_pending; /* TLS 1.3: 1 = to application secret, 2 = KeyUpdate */
    EVP_CIPHER_CTX *ctx;
    uint8_t iv[12];
    uint8_t secret[TLS_SECRET_MAX];
    size_t secret_len;
    uint64_t seq;
    int stopped; /* a gap, or close_notify: the rest is ignored */
    /* After a gap in the application data (tls_flow_gap with resync): the
     * record numbered seq began at rs_from and was lost; the octets from
     * buf[off] on are searched for a record that authenticates. */
    int resync;
    uint64_t rs_from;
    unsigned rs_failed; /* candidate records that authenticated under no number */
    uint64_t rs_tries;  /* trials spent on this gap */
    uint64_t rs_spent;  /* trials spent on every gap of this direction */
    /* The last resynchronisation's outcome, until tls_flow_resync_event(). */
    int event;
    uint64_t ev_offset, ev_seq, ev_lost;
    char ev_why[256];
};

struct tls_flow {
    const struct tls_keys *keys;
    struct tls_dir d[2];
    uint8_t client_random[32], server_random[32];
    int ch_seen, sh_seen, hrr, early_data; /* ch_seen counts ClientHellos */
    uint16_t version;
    const struct tls_suite *suite;
    char alpn[256];
    int have_alpn;
    uint8_t *scratch; /* decrypted record, from the first one on */
    int failed;
    char err[256];
    char alert[96]; /* the first fatal alert, or "" */
};

static const char *const who[2] = {"client", "server"};

static void fail(struct tls_flow *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct tls_flow *f, const char *fmt, ...)
{
    if (f->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err, sizeof f->err, fmt, ap);
    va_end(ap);
    f->failed = 1;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void random_hex(const uint8_t r[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
}

static const char *version_name(uint16_t v)
{
    switch (v) {
    case 0x0304: return "TLS 1.3";
    case 0x0303: return "TLS 1.2";
    case 0x0302: return "TLS 1.1";
    case 0x0301: return "TLS 1.0";
    case 0x0300: return "SSL 3.0";
    default: return NULL;
    }
}

static const char *alert_name(unsigned d)
{
    switch (d) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 46: return "certificate_unknown";
    case 48: return "unknown_ca";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 80: return "internal_error";
    case 90: return "user_canceled";
    case 109: return "missing_extension";
    case 112: return "unrecognized_name";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    default: return "alert";
    }
}

/* ------------------------------------------------------- key derivation */

/* Runs the libcrypto KDF `name` with params into out. */
static int kdf_derive(const char *name, const OSSL_PARAM *params, uint8_t *out, size_t len)
{
    int rc = -1;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, name, NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    if (kctx && EVP_KDF_derive(kctx, out, len, params) > 0)
        rc = 0;
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return rc;
}

/* RFC 8446 7.1: HKDF-Expand-Label(secret, label, "", len). */
static int hkdf_expand_label(const char *digest, const uint8_t *secret, size_t secret_len,
                             const char *label, uint8_t *out, size_t len)
{
    uint8_t info[2 + 1 + 255 + 1];
    size_t ll = 6 + strlen(label), n = 0;
    info[n++] = (uint8_t)(len >> 8);
    info[n++] = (uint8_t)len;
    info[n++] = (uint8_t)ll;
    memcpy(info + n, "tls13 ", 6);
    memcpy(info + n + 6, label, ll - 6);
    n += ll;
    info[n++] = 0; /* empty context */

    /* OSSL_PARAM holds non-const pointers: hand it copies. */
    char md[8];
    uint8_t key[TLS_SECRET_MAX];
    snprintf(md, sizeof md, "%s", digest);
    memcpy(key, secret, secret_len);
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, md, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key, secret_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n),
        OSSL_PARAM_construct_end(),
    };
    int rc = kdf_derive("HKDF", params, out, len);
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}

/* RFC 5246 5: PRF(master, "key expansion", server_random + client_random). */
static int tls12_key_block(const struct tls_flow *f, const struct tls_secret *master,
                           uint8_t *out, size_t len)
{
    uint8_t seed[13 + 64];
    memcpy(seed, "key expansion", 13);
    memcpy(seed + 13, f->server_random, 32);
    memcpy(seed + 45, f->client_random, 32);
    char md[8];
    uint8_t secret[TLS_SECRET_MAX];
    snprintf(md, sizeof md, "%s", f->suite->digest);
    memcpy(secret, master->v, master->len);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, md, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, secret, master->len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed, sizeof seed),
        OSSL_PARAM_construct_end(),
    };
    int rc = kdf_derive("TLS1-PRF", params, out, len);
    OPENSSL_cleanse(secret, sizeof secret);
    return rc;
}

static const EVP_CIPHER *aead_cipher(int aead)
{
    switch (aead) {
    case AEAD_AES128_GCM: return EVP_aes_128_gcm();
    case AEAD_AES256_GCM: return EVP_aes_256_gcm();
    default: return EVP_chacha20_poly1305();
    }
}

static size_t aead_key_len(int aead)
{
    return aead == AEAD_AES128_GCM ? 16 : 32;
}

static int set_key(struct tls_flow *f, struct tls_dir *d, const uint8_t *key)
{
    if (!d->ctx)
        d->ctx = EVP_CIPHER_CTX_new();
    if (!d->ctx ||
        EVP_DecryptInit_ex(d->ctx, aead_cipher(f->suite->aead), NULL, key, NULL) <= 0) {
        fail(f, "libcrypto: cannot set up %s", f->suite->name);
        return -1;
    }
    d->ready = 1;
    d->seq = 0;
    return 0;
}

/* TLS 1.3: key and iv from the direction's current traffic secret. */
static int tls13_keys_from_secret(struct tls_flow *f, struct tls_dir *d)
{
    uint8_t key[32];
    size_t kl = aead_key_len(f->suite->aead);
    if (hkdf_expand_label(f->suite->digest, d->secret, d->secret_len, "key", key, kl) != 0 ||
        hkdf_expand_label(f->suite->digest, d->secret, d->secret_len, "iv", d->iv, 12) != 0) {
        fail(f, "libcrypto: HKDF-Expand-Label failed");
        return -1;
    }
    return set_key(f, d, key);
}

/* Looks the direction's secret up when its first protected record comes. */
static int ensure_keys(struct tls_flow *f, int dir)
{
    struct tls_dir *d = &f->d[dir];
    if (d->ready)
        return 0;
    enum tls_secret_kind kind;
    if (f->version == 0x0304)
        kind = d->stage == STAGE_HANDSHAKE
                   ? (dir ? TLS_SECRET_SERVER_HS : TLS_SECRET_CLIENT_HS)
                   : (dir ? TLS_SECRET_SERVER_APP0 : TLS_SECRET_CLIENT_APP0);
    else
        kind = TLS_SECRET_MASTER;
    const struct tls_secret *s = tls_keys_find(f->keys, f->client_random, kind);
    if (!s) {
        char hex[65];
        random_hex(f->client_random, hex);
        int any = 0;
        for (int k = 0; k < TLS_SECRET_KINDS; k++)
            any |= tls_keys_find(f->keys, f->client_random, (enum tls_secret_kind)k) != NULL;
        if (any)
            fail(f, "the key log has no %s for client random %s", tls_secret_label(kind), hex);
        else
            fail(f, "no key for client random %s (%s)", hex, version_name(f->version));
        return -1;
    }
    if (f->version == 0x0304) {
        size_t want = strcmp(f->suite->digest, "SHA384") == 0 ? 48 : 32;
        if (s->len != want) {
            fail(f, "%s is %u octets, %s needs %zu", tls_secret_label(kind), s->len,
                 f->suite->name, want);
            return -1;
        }
        memcpy(d->secret, s->v, s->len);
        d->secret_len = s->len;
        return tls13_keys_from_secret(f, d);
    }
    /* No MAC keys with an AEAD: client key, server key, client iv, server iv. */
    uint8_t kb[2 * 32 + 2 * 12];
    size_t kl = aead_key_len(f->suite->aead),
           ivl = f->suite->aead == AEAD_CHACHA20_POLY1305 ? 12 : 4;
    if (tls12_key_block(f, s, kb, 2 * kl + 2 * ivl) != 0) {
        fail(f, "libcrypto: the TLS 1.2 PRF failed");
        return -1;
    }
    memset(d->iv, 0, sizeof d->iv);
    memcpy(d->iv, kb + 2 * kl + (size_t)dir * ivl, ivl);
    return set_key(f, d, kb + (size_t)dir * kl);
}

/* ----------------------------------------------------- record protection */

/* The octets a protected record's body adds to its content: the TLS 1.2
 * GCM explicit nonce, the tag, and TLS 1.3's inner content type. */
static size_t record_overhead(const struct tls_flow *f)
{
    if (f->version == 0x0304)
        return 16 + 1;
    return f->suite->aead == AEAD_CHACHA20_POLY1305 ? 16 : 8 + 16;
}

/* Decrypts a protected record, taken to be number seq, into f->scratch;
 * *ct_len is set to the decrypted length.  Returns 1 when the tag checks
 * out, 0 when it does not (the scratch octets then mean nothing). */
static int aead_open(struct tls_flow *f, struct tls_dir *d, const uint8_t *hdr,
                     const uint8_t *body, size_t len, uint64_t seq, size_t *ct_len)
{
    int tls13 = f->version == 0x0304, gcm12 = !tls13 && f->suite->aead != AEAD_CHACHA20_POLY1305;
    size_t explicit_len = gcm12 ? 8 : 0;
    uint8_t nonce[12], aad[13];
    size_t aad_len;
    *ct_len = len - explicit_len - 16;
    if (gcm12) {
        memcpy(nonce, d->iv, 4);
        memcpy(nonce + 4, body, 8);
    } else {
        memcpy(nonce, d->iv, 12);
        for (int i = 0; i < 8; i++)
            nonce[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
    }
    if (tls13) {
        memcpy(aad, hdr, 5);
        aad_len = 5;
    } else {
        for (int i = 0; i < 8; i++)
            aad[i] = (uint8_t)(seq >> (56 - 8 * i));
        aad[8] = hdr[0];
        aad[9] = hdr[1];
        aad[10] = hdr[2];
        aad[11] = (uint8_t)(*ct_len >> 8);
        aad[12] = (uint8_t)*ct_len;
        aad_len = 13;
    }
    int outl = 0, fl = 0;
    const uint8_t *ct = body + explicit_len;
    uint8_t tag[16];
    memcpy(tag, ct + *ct_len, 16);
    return EVP_DecryptInit_ex(d->ctx, NULL, NULL, NULL, nonce) > 0 &&
           EVP_DecryptUpdate(d->ctx, NULL, &outl, aad, (int)aad_len) > 0 &&
           EVP_DecryptUpdate(d->ctx, f->scratch, &outl, ct, (int)*ct_len) > 0 &&
           EVP_CIPHER_CTX_ctrl(d->ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag) > 0 &&
           EVP_DecryptFinal_ex(d->ctx, f->scratch + outl, &fl) > 0;
}

/* Keys and the scratch buffer, before a direction's first decryption. */
static int ready_to_open(struct tls_flow *f, int dir)
{
    if (ensure_keys(f, dir) != 0)
        return -1;
    if (!f->scratch && !(f->scratch = malloc(TLS_REC_BODY_MAX))) {
        fail(f, "out of memory");
        return -1;
    }
    return 0;
}

/* Decrypts and authenticates one protected record into f->scratch; sets
 * *type to the content type and *n to the plaintext length. */
static int open_record(struct tls_flow *f, int dir, const uint8_t *hdr, const uint8_t *body,
                       size_t len, int *type, size_t *n)
{
    struct tls_dir *d = &f->d[dir];
    if (ready_to_open(f, dir) != 0)
        return -1;
    int tls13 = f->version == 0x0304;
    if (len < record_overhead(f)) {
        fail(f, "the %s's record %llu is too short (%zu octets) to be protected", who[dir],
             (unsigned long long)d->seq, len);
        return -1;
    }
    size_t ct_len;
    /* The plaintext stays in scratch unless the tag checks out. */
    if (!aead_open(f, d, hdr, body, len, d->seq, &ct_len)) {
        fail(f,
             "authentication failed on the %s's record %llu (%s record at stream offset %llu): "
             "wrong key, or corrupted data%s",
             who[dir], (unsigned long long)d->seq,
             d->stage == STAGE_HANDSHAKE ? "handshake" : "application",
             (unsigned long long)d->consumed,
             dir == 0 && f->early_data
                 ? " (the client offered 0-RTT early data, which is not supported)"
                 : "");
        return -1;
    }
    d->seq++;
    size_t pl = ct_len;
    if (tls13) { /* TLSInnerPlaintext: content, type, zero padding */
        while (pl > 0 && f->scratch[pl - 1] == 0)
            pl--;
        if (pl == 0) {
            fail(f, "the %s's record %llu has no content type", who[dir],
                 (unsigned long long)(d->seq - 1));
            return -1;
        }
        *type = f->scratch[--pl];
    } else {
        *type = hdr[0];
    }
    *n = pl;
    return 0;
}

/* ------------------------------------------------------------- handshake */

/* Extensions block: calls back for each one; -1 when malformed. */
typedef int (*ext_fn)(struct tls_flow *f, int dir, uint16_t type, const uint8_t *p, size_t n);

static int walk_extensions(struct tls_flow *f, int dir, const uint8_t *p, size_t n, ext_fn fn)
{
    if (n == 0)
        return 0; /* no extensions at all */
    if (n < 2 || be16(p) != n - 2)
        return -1;
    p += 2;
    n -= 2;
    while (n > 0) {
        if (n < 4 || (size_t)be16(p + 2) > n - 4)
            return -1;
        uint16_t t = be16(p), l = be16(p + 2);
        if (fn(f, dir, t, p + 4, l) != 0)
            return -1;
        p += 4 + l;
        n -= 4 + (size_t)l;
    }
    return 0;
}

static int client_ext(struct tls_flow *f, int dir, uint16_t type, const uint8_t *p, size_t n)
{
    (void)dir;
    (void)p;
    (void)n;
    if (type == EXT_EARLY_DATA)
        f->early_data = 1;
    return 0;
}

/* The server's extensions: ServerHello (TLS 1.2 ALPN, 1.3 version) and
 * EncryptedExtensions (TLS 1.3 ALPN). */
static int server_ext(struct tls_flow *f, int dir, uint16_t type, const uint8_t *p, size_t n)
{
    (void)dir;
    if (type == EXT_SUPPORTED_VERSIONS) {
        if (n != 2)
            return -1;
        f->version = be16(p);
    } else if (type == EXT_ALPN) {
        /* ProtocolNameList with exactly one name. */
        if (n < 3 || be16(p) != n - 2 || p[2] != n - 3 || p[2] == 0)
            return -1;
        memcpy(f->alpn, p + 3, p[2]);
        f->alpn[p[2]] = 0;
        f->have_alpn = 1;
    }
    return 0;
}

static int client_hello(struct tls_flow *f, const uint8_t *p, size_t n)
{
    /* legacy_version, random, session_id<0..32>, cipher_suites<2..>,
     * compression_methods<1..>, extensions */
    if (n < 35 || p[34] > 32 || n < 35 + (size_t)p[34] + 2)
        return -1;
    if (!f->ch_seen)
        memcpy(f->client_random, p + 2, 32); /* a second ClientHello (after HRR) keeps it */
    size_t o = 35 + p[34];
    o += 2 + be16(p + o);
    if (o + 1 > n || o + 1 + p[o] > n)
        return -1;
    o += 1 + p[o];
    f->ch_seen++;
    return walk_extensions(f, 0, p + o, n - o, client_ext);
}

static int server_hello(struct tls_flow *f, const uint8_t *p, size_t n)
{
    /* legacy_version, random, session_id<0..32>, cipher_suite, compression, extensions */
    if (n < 35 || p[34] > 32 || n < 35 + (size_t)p[34] + 3)
        return -1;
    size_t o = 35 + p[34];
    uint16_t cs = be16(p + o);
    f->version = be16(p);
    f->have_alpn = 0;
    if (walk_extensions(f, 1, p + o + 3, n - o - 3, server_ext) != 0)
        return -1;
    f->suite = NULL;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i].id == cs)
            f->suite = &suites[i];
    if (f->version != 0x0303 && f->version != 0x0304) {
        const char *v = version_name(f->version);
        if (v)
            fail(f, "unsupported version %s (TLS 1.2 and 1.3 only)", v);
        else
            fail(f, "unsupported version 0x%04x (TLS 1.2 and 1.3 only)", f->version);
        return -2;
    }
    if (!f->suite || f->suite->tls13 != (f->version == 0x0304)) {
        fail(f,
             "unsupported cipher suite 0x%04x with %s (AES-GCM and ChaCha20-Poly1305 suites "
             "only)",
             cs, version_name(f->version));
        return -2;
    }
    if (memcmp(p + 2, hrr_random, 32) == 0) {
        f->hrr = 1; /* the real ServerHello follows the client's second ClientHello */
        return 0;
    }
    memcpy(f->server_random, p + 2, 32);
    f->sh_seen = 1;
    if (f->version == 0x0304)
        for (int dir = 0; dir < 2; dir++)
            f->d[dir].stage = STAGE_HANDSHAKE;
    return 0;
}

static int handshake_message(struct tls_flow *f, int dir, int type, const uint8_t *p, size_t n)
{
    struct tls_dir *d = &f->d[dir];
    int rc = 0;
    if (type == HS_CLIENT_HELLO && dir == 0 && d->stage == STAGE_PLAIN)
        rc = client_hello(f, p, n);
    else if (type == HS_SERVER_HELLO && dir == 1 && d->stage == STAGE_PLAIN && !f->sh_seen)
        rc = server_hello(f, p, n);
    else if (f->version != 0x0304)
        return 0; /* TLS 1.2: the rest of the handshake carries nothing we need */
    else if (type == HS_ENCRYPTED_EXT && dir == 1 && d->stage == STAGE_HANDSHAKE)
        rc = walk_extensions(f, 1, p, n, server_ext);
    else if (type == HS_FINISHED && d->stage == STAGE_HANDSHAKE)
        d->switch_pending = 1;
    else if (type == HS_KEY_UPDATE && d->stage == STAGE_APP)
        d->switch_pending = 2;
    if (rc == -1)
        fail(f, "malformed %s in the %s's stream",
             type == HS_CLIENT_HELLO   ? "ClientHello"
             : type == HS_SERVER_HELLO ? "ServerHello"
                                       : "EncryptedExtensions",
             who[dir]);
    return rc < 0 ? -1 : 0;
}

/* Handshake messages span records, and records hold several messages. */
static int handshake_bytes(struct tls_flow *f, int dir, const uint8_t *p, size_t n)
{
    struct tls_dir *d = &f->d[dir];
    while (n > 0 && !f->failed) {
        if (d->hs_hdr_have < 4) {
            size_t t = 4 - d->hs_hdr_have < n ? 4 - d->hs_hdr_have : n;
            memcpy(d->hs_hdr + d->hs_hdr_have, p, t);
            d->hs_hdr_have += t;
            p += t;
            n -= t;
            if (d->hs_hdr_have < 4)
                break;
            int type = d->hs_hdr[0];
            d->hs_len = (size_t)d->hs_hdr[1] << 16 | (size_t)d->hs_hdr[2] << 8 | d->hs_hdr[3];
            d->hs_have = 0;
            d->hs_keep = type == HS_CLIENT_HELLO || type == HS_SERVER_HELLO ||
                         type == HS_ENCRYPTED_EXT || type == HS_FINISHED ||
                         type == HS_KEY_UPDATE;
            if (d->hs_keep && d->hs_len > TLS_HS_MSG_MAX) {
                fail(f, "handshake message type %d of %zu octets in the %s's stream is too long",
                     type, d->hs_len, who[dir]);
                return -1;
            }
            if (d->hs_keep && d->hs_len > d->hs_cap) { /* as large as the largest so far */
                uint8_t *m = realloc(d->hs_msg, d->hs_len);
                if (!m) {
                    fail(f, "out of memory");
                    return -1;
                }
                d->hs_msg = m;
                d->hs_cap = d->hs_len;
            }
        }
        size_t t = d->hs_len - d->hs_have < n ? d->hs_len - d->hs_have : n;
        if (d->hs_keep && t > 0)
            memcpy(d->hs_msg + d->hs_have, p, t);
        d->hs_have += t;
        p += t;
        n -= t;
        if (d->hs_have == d->hs_len) {
            d->hs_hdr_have = 0;
            if (d->hs_keep && handshake_message(f, dir, d->hs_hdr[0], d->hs_msg, d->hs_len) != 0)
                return -1;
        }
    }
    return f->failed ? -1 : 0;
}

static int alert(struct tls_flow *f, int dir, const uint8_t *p, size_t n)
{
    if (n < 2) {
        fail(f, "short alert record in the %s's stream", who[dir]);
        return -1;
    }
    if (p[1] == 0 || p[1] == 90) { /* close_notify, user_canceled */
        f->d[dir].stopped = p[1] == 0;
        return 0;
    }
    if (p[0] == 1 && f->version != 0x0304)
        return 0; /* TLS 1.2 warning */
    /* The connection ends here; what was decrypted before stands. */
    snprintf(f->alert, sizeof f->alert, "the %s sent a fatal alert: %s (%u)", who[dir],
             alert_name(p[1]), p[1]);
    f->d[dir].stopped = 1;
    return 0;
}

/* TLS 1.3: after the record that ended the handshake or held a KeyUpdate. */
static int switch_keys(struct tls_flow *f, int dir)
{
    struct tls_dir *d = &f->d[dir];
    int how = d->switch_pending;
    d->switch_pending = 0;
    if (how == 1) {
        d->stage = STAGE_APP;
        d->ready = 0; /* CLIENT/SERVER_TRAFFIC_SECRET_0, looked up when needed */
        return 0;
    }
    uint8_t next[TLS_SECRET_MAX];
    if (hkdf_expand_label(f->suite->digest, d->secret, d->secret_len, "traffic upd", next,
                          d->secret_len) != 0) {
        fail(f, "libcrypto: HKDF-Expand-Label failed");
        return -1;
    }
    memcpy(d->secret, next, d->secret_len);
    return tls13_keys_from_secret(f, d);
}

static int record(struct tls_flow *f, int dir, const uint8_t *hdr, const uint8_t *body,
                  size_t len, tls_plain_fn out, void *arg)
{
    struct tls_dir *d = &f->d[dir];
    int type = hdr[0];
    const uint8_t *p = body;
    size_t n = len;
    if (type == REC_CCS) {
        if (f->version == 0x0304)
            return 0; /* middlebox compatibility: no meaning */
        if (!f->sh_seen) {
            fail(f, "ChangeCipherSpec from the %s before the ServerHello", who[dir]);
            return -1;
        }
        if (d->stage != STAGE_PLAIN) {
            fail(f, "a second ChangeCipherSpec from the %s: renegotiation is not supported",
                 who[dir]);
            return -1;
        }
        d->stage = STAGE_APP;
        return 0;
    }
    if (d->stage != STAGE_PLAIN) {
        if (type == REC_ALERT && f->version == 0x0304 && len == 2)
            return alert(f, dir, body, len); /* sent before the peer's keys were in use */
        if (type != REC_APPDATA && f->version == 0x0304) {
            fail(f, "unprotected record of type %d from the %s after the ServerHello", type,
                 who[dir]);
            return -1;
        }
        if (open_record(f, dir, hdr, body, len, &type, &n) != 0)
            return -1;
        p = f->scratch;
    }
    switch (type) {
    case REC_APPDATA:
        if (d->stage != STAGE_APP) {
            fail(f, "application data from the %s before its keys were set", who[dir]);
            return -1;
        }
        if (n > 0)
            out(arg, dir, p, n);
        break;
    case REC_HANDSHAKE:
        if (handshake_bytes(f, dir, p, n) != 0)
            return -1;
        break;
    case REC_ALERT:
        if (alert(f, dir, p, n) != 0)
            return -1;
        return 0;
    case REC_HEARTBEAT: break;
    default: fail(f, "record of unknown content type %d from the %s", type, who[dir]); return -1;
    }
    return d->switch_pending ? switch_keys(f, dir) : 0;
}

/* ------------------------------------------------------ resynchronisation */

/* Whether h could be the header of a protected record after the handshake. */
static int resync_header(const struct tls_flow *f, const uint8_t *h)
{
    size_t n = be16(h + 3);
    int tls13 = f->version == 0x0304;
    int type_ok = h[0] == REC_APPDATA ||
                  (!tls13 && (h[0] == REC_ALERT || h[0] == REC_HANDSHAKE));
    return type_ok && h[1] == 3 && h[2] == 3 && n >= record_overhead(f) &&
           n <= (tls13 ? TLS13_REC_BODY_MAX : TLS_REC_BODY_MAX);
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* Trials left for the current gap: the gap's share, within what the
 * direction has left.  A hostile capture with many gaps, or many
 * header-like octets after one, costs at most RESYNC_TRIES_DIR trials. */
static uint64_t resync_budget(const struct tls_dir *d)
{
    uint64_t gap = RESYNC_TRIES - d->rs_tries, dir = RESYNC_TRIES_DIR - d->rs_spent;
    return gap < dir ? gap : dir;
}

static void resync_spend(struct tls_dir *d)
{
    d->rs_tries++;
    d->rs_spent++;
}

/* Which number authenticates the record at h, one of those the lost octets
 * allow: each lost record took between a minimal and a full record's
 * octets.  Returns 1 with *seq set, or 0. */
static int resync_try(struct tls_flow *f, struct tls_dir *d, const uint8_t *h, uint64_t *seq,
                      uint64_t *lo_out, uint64_t *hi_out)
{
    size_t len = be16(h + 3), ct_len;
    uint64_t lost = d->consumed - d->rs_from;
    uint64_t max_rec = 5 + (f->version == 0x0304 ? TLS13_REC_BODY_MAX : TLS_REC_BODY_MAX);
    uint64_t lo = (lost + max_rec - 1) / max_rec, hi = lost / (5 + record_overhead(f));
    if (lost > 0 && lo == 0)
        lo = 1;
    if (hi < lo)
        hi = lo;
    uint64_t most = hi;
    uint64_t left = resync_budget(d);
    if (left == 0)
        return 0; /* *lo_out and *hi_out untouched: nothing tried */
    if (hi - lo >= left)
        hi = lo + left - 1;
    *lo_out = d->seq + lo;
    *hi_out = d->seq + hi;
    /* TLS 1.2 GCM: most implementations send the number as the explicit
     * nonce; a guess to try first (also past the numbers searched below),
     * the tag decides as always. */
    if (f->version != 0x0304 && f->suite->aead != AEAD_CHACHA20_POLY1305) {
        uint64_t e = be64(h + 5);
        if (e >= d->seq + lo && e <= d->seq + most) {
            resync_spend(d);
            if (aead_open(f, d, h, h + 5, len, e, &ct_len)) {
                *seq = e;
                return 1;
            }
        }
    }
    for (uint64_t k = lo; k <= hi && resync_budget(d) > 0; k++) {
        resync_spend(d);
        if (aead_open(f, d, h, h + 5, len, d->seq + k, &ct_len)) {
            *seq = d->seq + k;
            return 1;
        }
    }
    return 0;
}

/* The direction stops for good after a gap; d->ev_why says why. */
static void resync_stop(struct tls_dir *d)
{
    d->event = TLS_RESYNC_STOPPED;
    d->resync = 0;
    d->stopped = 1;
}

/* Why the search stops when the trials ran out on a record that was tried:
 * the direction's budget, or this gap's, over its candidate records from
 * d->ev_offset (the first) on. */
static void resync_spent_why(const struct tls_flow *f, struct tls_dir *d)
{
    if (d->rs_spent >= RESYNC_TRIES_DIR)
        snprintf(d->ev_why, sizeof d->ev_why,
                 "this direction spent its %u trial decryptions (%llu on this gap's %u "
                 "record%s from stream offset %llu, none of which authenticates)",
                 RESYNC_TRIES_DIR, (unsigned long long)d->rs_tries, d->rs_failed,
                 d->rs_failed == 1 ? "" : "s", (unsigned long long)d->ev_offset);
    else
        snprintf(d->ev_why, sizeof d->ev_why,
                 "spent the %u trial decryptions of this gap on %u record%s from stream "
                 "offset %llu, none of which authenticates: %smore records lost than "
                 "searched, or corrupted data",
                 RESYNC_TRIES, d->rs_failed, d->rs_failed == 1 ? "" : "s",
                 (unsigned long long)d->ev_offset,
                 f->version == 0x0304 ? "a KeyUpdate in the gap, " : "");
}

/*
 * After a gap: searches buf[off..len) for a record header followed by
 * plausible ones (as far as the octets reach), and tries the record with
 * each sequence number the lost octets allow until its tag checks out.
 * Octets before it are dropped.  Returns 1 when found (buf[off] is the
 * record, d->seq its number), 0 when more octets are needed, -1 when the
 * direction stops or the flow fails.
 */
static int resync(struct tls_flow *f, int dir)
{
    struct tls_dir *d = &f->d[dir];
    if (ready_to_open(f, dir) != 0)
        return -1;
    while (d->len - d->off >= 5) {
        const uint8_t *h = d->buf + d->off;
        int chain = 0;
        size_t at = d->off;
        while (chain < 3 && at + 5 <= d->len && resync_header(f, d->buf + at)) {
            chain++;
            at += 5 + (size_t)be16(d->buf + at + 3);
        }
        if (chain == 0 || (chain < 3 && at + 5 <= d->len)) {
            d->off++; /* no header here, or one of the chain is implausible */
            d->consumed++;
            continue;
        }
        size_t rlen = be16(h + 3);
        if (d->len - d->off < 5 + rlen)
            return 0; /* the whole record first */
        uint64_t seq, lo = 1, hi = 0;
        if (resync_try(f, d, h, &seq, &lo, &hi)) {
            d->event = TLS_RESYNC_FOUND;
            d->ev_offset = d->consumed;
            d->ev_seq = seq;
            d->ev_lost = seq - d->seq;
            d->seq = seq;
            d->resync = 0;
            return 1;
        }
        /* A header followed by a plausible one is a record: its number
         * is not in the range searched, or the key changed. */
        int spent = resync_budget(d) == 0;
        if (!d->rs_failed++) {
            d->ev_offset = d->consumed;
            if (lo > hi) /* nothing tried: the budget was spent before */
                snprintf(d->ev_why, sizeof d->ev_why,
                         "the record at stream offset %llu was not tried: this direction "
                         "spent its %u trial decryptions on earlier gaps",
                         (unsigned long long)d->consumed, RESYNC_TRIES_DIR);
            else
                snprintf(d->ev_why, sizeof d->ev_why,
                         "no sequence number from %llu to %llu authenticates the record at "
                         "stream offset %llu: %smore records lost than searched, or "
                         "corrupted data",
                         (unsigned long long)lo, (unsigned long long)hi,
                         (unsigned long long)d->consumed,
                         f->version == 0x0304
                             ? "a KeyUpdate in the gap (which changes the key), "
                             : "");
        }
        if (spent && lo <= hi) /* the budget, not this record, ends the search */
            resync_spent_why(f, d);
        if (chain >= 2 || spent || d->rs_failed >= RESYNC_CANDIDATES) {
            resync_stop(d);
            return -1;
        }
        d->off++;
        d->consumed++;
    }
    return 0;
}

/* Cuts and handles the whole records of dir that need nothing from the
 * other direction.  Returns 1 when one was handled, 0 when none, -1. */
static int pump(struct tls_flow *f, int dir, tls_plain_fn out, void *arg)
{
    struct tls_dir *d = &f->d[dir];
    int progress = 0;
    while (!f->failed && !d->stopped && d->len - d->off >= 5) {
        if (d->resync && resync(f, dir) <= 0)
            break;
        const uint8_t *h = d->buf + d->off;
        size_t rlen = be16(h + 3);
        if (h[0] < REC_CCS || h[0] > REC_HEARTBEAT || h[1] != 3) {
            fail(f, "not a TLS record at octet %llu of the %s's stream (%02x %02x %02x)",
                 (unsigned long long)d->consumed, who[dir], h[0], h[1], h[2]);
            break;
        }
        if (rlen > TLS_REC_BODY_MAX) {
            fail(f, "record of %zu octets at octet %llu of the %s's stream exceeds the limit",
                 rlen, (unsigned long long)d->consumed, who[dir]);
            break;
        }
        /* The server's records need the client random (after a
         * HelloRetryRequest, the second ClientHello comes first); the
         * client's, other than its hellos (and alerts), need the
         * ServerHello. */
        if (dir == 1 && (!f->ch_seen || (f->hrr && f->ch_seen < 2)))
            break;
        if (dir == 0 && !f->sh_seen && h[0] != REC_HANDSHAKE && h[0] != REC_ALERT &&
            !(h[0] == REC_CCS && f->hrr))
            break;
        if (d->len - d->off < 5 + rlen)
            break;
        int rc = record(f, dir, h, h + 5, rlen, out, arg);
        d->off += 5 + rlen;
        d->consumed += 5 + rlen;
        progress = 1;
        if (rc != 0)
            break;
    }
    if (d->stopped)
        d->off = d->len;
    if (d->off == d->len) {
        d->off = d->len = 0;
    } else if (d->off > 0 && d->off * 2 >= d->len) {
        memmove(d->buf, d->buf + d->off, d->len - d->off);
        d->len -= d->off;
        d->off = 0;
    }
    return f->failed ? -1 : progress;
}

/* ------------------------------------------------------------- interface */

int tls_looks_like_client_hello(const uint8_t *p, size_t n)
{
    return n >= 6 && p[0] == REC_HANDSHAKE && p[1] == 3 && p[2] <= 4 && be16(p + 3) >= 4 &&
           p[5] == HS_CLIENT_HELLO;
}

struct tls_flow *tls_flow_new(const struct tls_keys *k)
{
    struct tls_flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->keys = k;
    return f;
}

void tls_flow_free(struct tls_flow *f)
{
    if (!f)
        return;
    for (int dir = 0; dir < 2; dir++) {
        free(f->d[dir].buf);
        free(f->d[dir].hs_msg);
        EVP_CIPHER_CTX_free(f->d[dir].ctx);
        OPENSSL_cleanse(f->d[dir].secret, sizeof f->d[dir].secret);
    }
    free(f->scratch);
    free(f);
}

int tls_flow_feed(struct tls_flow *f, int dir, const uint8_t *p, size_t n, tls_plain_fn out,
                  void *arg)
{
    if (f->failed)
        return -1;
    struct tls_dir *d = &f->d[dir & 1];
    if (d->stopped || n == 0)
        return 0;
    if (d->len + n > d->cap) {
        size_t ncap = d->cap ? d->cap : 4096;
        while (ncap < d->len + n)
            ncap *= 2;
        uint8_t *nb = realloc(d->buf, ncap);
        if (!nb) {
            fail(f, "out of memory");
            return -1;
        }
        d->buf = nb;
        d->cap = ncap;
    }
    memcpy(d->buf + d->len, p, n);
    d->len += n;
    /* A direction released by this one's handshake goes on too. */
    int rc;
    do {
        rc = pump(f, dir & 1, out, arg);
        if (rc >= 0) {
            int other = pump(f, !(dir & 1), out, arg);
            rc = other < 0 ? -1 : rc | other;
        }
    } while (rc > 0);
    if (!f->failed && d->len - d->off > TLS_PENDING_MAX)
        fail(f, "%zu octets of the %s's stream wait for the %s's %s", d->len - d->off,
             who[dir & 1], who[!(dir & 1)], dir & 1 ? "ClientHello" : "ServerHello");
    return f->failed ? -1 : 0;
}

void tls_flow_gap(struct tls_flow *f, int dir, uint64_t missing, int resync)
{
    struct tls_dir *d = &f->d[dir & 1];
    if (f->failed || d->stopped)
        return;
    if (d->stage != STAGE_APP || !resync) {
        d->stopped = 1;
        d->off = d->len = 0;
        if (d->stage != STAGE_APP)
            fail(f, "a gap of %llu octets in the %s's stream during the TLS handshake",
                 (unsigned long long)missing, who[dir & 1]);
        return;
    }
    /* The record cut by the gap goes with it; a handshake message too. */
    if (!d->resync) {
        d->resync = 1;
        d->rs_from = d->consumed;
        d->rs_failed = 0;
        d->rs_tries = 0;
    }
    d->consumed += d->len - d->off + missing;
    d->off = d->len = 0;
    d->hs_hdr_have = d->hs_len = d->hs_have = 0;
}

void tls_flow_end(struct tls_flow *f)
{
    for (int dir = 0; dir < 2; dir++) {
        struct tls_dir *d = &f->d[dir];
        if (!d->resync || d->stopped || f->failed)
            continue;
        if (!d->rs_failed) {
            d->ev_offset = d->consumed + (d->len - d->off);
            snprintf(d->ev_why, sizeof d->ev_why, "no record header after the gap");
        }
        resync_stop(d);
    }
}

int tls_flow_resync_event(struct tls_flow *f, int dir, uint64_t *offset, uint64_t *seq,
                          uint64_t *lost, const char **why)
{
    struct tls_dir *d = &f->d[dir & 1];
    int ev = d->event;
    d->event = TLS_RESYNC_NONE;
    *offset = d->ev_offset;
    *seq = d->ev_seq;
    *lost = d->ev_lost;
    *why = d->ev_why;
    return ev;
}

uint64_t tls_flow_resync_trials(const struct tls_flow *f, int dir)
{
    return f->d[dir & 1].rs_spent;
}

size_t tls_flow_pending(const struct tls_flow *f, int dir)
{
    const struct tls_dir *d = &f->d[dir & 1];
    return d->len - d->off;
}

const char *tls_flow_alpn(const struct tls_flow *f)
{
    return f->have_alpn ? f->alpn : NULL;
}

const char *tls_flow_version(const struct tls_flow *f)
{
    return f->sh_seen || f->hrr ? version_name(f->version) : NULL;
}

const char *tls_flow_cipher(const struct tls_flow *f)
{
    return f->suite ? f->suite->name : NULL;
}

const char *tls_flow_alert(const struct tls_flow *f)
{
    return f->alert[0] ? f->alert : NULL;
}

const char *tls_flow_error(const struct tls_flow *f)
{
    return f->failed ? f->err : NULL;
}
