/* SPDX-License-Identifier: MIT */
/*
 * h2codec/fields.h -- HTTP/2 field validation (RFC 9113 sections 8.2 and 8.3).
 *
 * An opt-in layer over decoded header fields: feed each field of a header
 * block in order, then finish.  A violation is a malformed message, which
 * RFC 9113 section 8.1.1 makes a stream error of type PROTOCOL_ERROR, not a
 * connection error: the stack resets the stream and the connection goes on.
 *
 * Part of libh2codec-conn, which runs it on every header block it receives;
 * it depends on neither codec: it only sees name and value views, so
 * fields may come from HPACK, QPACK or a test.
 *
 *     h2c_fields_validator v;
 *     h2c_fields_validator_init(&v, H2C_FIELDS_REQUEST, 0);
 *     for (each decoded field f)
 *         if ((rc = h2c_fields_validator_push(&v, f.name, f.value)) < 0)
 *             reset_stream(PROTOCOL_ERROR);          // h2c_strerror(rc)
 *     if ((rc = h2c_fields_validator_finish(&v)) < 0)
 *         reset_stream(PROTOCOL_ERROR);
 *
 * The validator is a plain struct owned by the caller: no allocation.
 */
#ifndef H2CODEC_FIELDS_H
#define H2CODEC_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What kind of header block is being checked. */
typedef enum h2c_fields_kind {
    H2C_FIELDS_REQUEST = 0,  /**< request headers: :method, :scheme, :path, :authority, :protocol */
    H2C_FIELDS_RESPONSE = 1, /**< response headers (also 1xx): :status */
    H2C_FIELDS_TRAILERS = 2, /**< trailers: no pseudo-header at all */
    H2C_FIELDS_AUTO = 3      /**< request or response, decided by the first pseudo-header;
                                  a block without any is taken as trailers */
} h2c_fields_kind;

/**
 * Validation errors (the hundred of <h2codec/common.h> that fields owns);
 * calls also return H2C_OK, and H2C_E_STATE for a push after finish or a
 * NULL argument.  Every H2C_FIELDS_E_* is a stream PROTOCOL_ERROR.
 */
typedef enum h2c_fields_status {
    H2C_FIELDS_E_NAME_EMPTY = -301,          /**< zero-length field name */
    H2C_FIELDS_E_NAME_UPPERCASE = -302,      /**< name has an uppercase letter (8.2.1) */
    H2C_FIELDS_E_NAME_CHAR = -303,           /**< name has a byte that is not a token character,
                                                e.g. CR, LF, NUL, space, ':' past the start */
    H2C_FIELDS_E_VALUE_CHAR = -304,          /**< value has NUL, CR or LF (8.2.1), or another
                                                control character or DEL (RFC 9110 5.5) */
    H2C_FIELDS_E_VALUE_WHITESPACE = -305,    /**< value starts or ends with SP or HTAB (8.2.1) */
    H2C_FIELDS_E_PSEUDO_UNKNOWN = -306,      /**< pseudo-header not defined for this kind (8.3) */
    H2C_FIELDS_E_PSEUDO_DUPLICATE = -307,    /**< the same pseudo-header twice (8.3.1, 8.3.2) */
    H2C_FIELDS_E_PSEUDO_AFTER_REGULAR = -308, /**< pseudo-header after a regular field (8.3) */
    H2C_FIELDS_E_PSEUDO_MIXED = -309,        /**< request and response pseudo-headers together */
    H2C_FIELDS_E_PSEUDO_MISSING = -310,     /**< a required pseudo-header is absent (8.3.1, 8.3.2) */
    H2C_FIELDS_E_PSEUDO_IN_TRAILERS = -311, /**< trailers carry a pseudo-header (8.1) */
    H2C_FIELDS_E_CONNECTION_SPECIFIC = -312, /**< connection, keep-alive, proxy-connection,
                                                 transfer-encoding or upgrade (8.2.2) */
    H2C_FIELDS_E_TE = -313,                 /**< te with a value other than "trailers" (8.2.2) */
    H2C_FIELDS_E_PATH_EMPTY = -314,         /**< empty :path for an http or https URI (8.3.1) */
    H2C_FIELDS_E_CONNECT = -315,            /**< CONNECT with :scheme or :path, or without
                                                :authority (8.5); :protocol without CONNECT */
    H2C_FIELDS_E_STATUS = -316,            /**< :status is not three digits, or below 100
                                                (8.3.2, RFC 9110 section 15) */
    H2C_FIELDS_E_PSEUDO_EMPTY = -317,      /**< empty :method or :scheme, or an empty
                                                :authority for an http or https URI (8.3.1) */
    H2C_FIELDS_E_PATH = -318               /**< :path neither "/..." nor "*" for OPTIONS,
                                                for an http or https URI (8.3.1) */
} h2c_fields_status;

/* Leniency flags: each relaxes exactly one rule, all off by default. */
#define H2C_FIELDS_LENIENT_VALUE_WHITESPACE 0x01u /**< allow leading/trailing SP and HTAB */
#define H2C_FIELDS_LENIENT_NAME_UPPERCASE   0x02u /**< allow uppercase letters in names */
#define H2C_FIELDS_LENIENT_CONNECTION       0x04u /**< allow connection-specific fields */
#define H2C_FIELDS_LENIENT_TE               0x08u /**< allow any te value */
#define H2C_FIELDS_LENIENT_VALUE_CTL        0x10u /**< allow control characters other than
                                                       NUL, CR and LF in values */

/** Validator state.  Treat the members as private; they may change. */
typedef struct h2c_fields_validator {
    uint8_t kind;      /**< h2c_fields_kind, AUTO resolved on the first pseudo-header */
    uint8_t done;      /**< finish() was called */
    uint8_t regular;   /**< a regular field has been seen */
    uint8_t method;    /**< 0 none, 1 CONNECT, 2 other, 3 OPTIONS */
    uint16_t seen;     /**< bit set of pseudo-headers seen */
    uint16_t pad;
    uint32_t lenient;  /**< H2C_FIELDS_LENIENT_* */
    uint32_t count;    /**< fields pushed so far */
    uint8_t path_form;    /**< :path: 0 absent, 1 empty, 2 "/...", 3 "*", 4 other */
    uint8_t scheme_http;  /**< :scheme is http or https */
    uint8_t authority_empty; /**< :authority was present and empty */
    uint8_t host;         /**< a host field was seen */
} h2c_fields_validator;

/** Prepare v for one header block of the given kind. */
H2C_API void h2c_fields_validator_init(h2c_fields_validator *v, h2c_fields_kind kind,
                                              uint32_t lenient);

/**
 * Check one field, in wire order.  Returns H2C_OK or the first rule
 * it breaks.  Errors are not sticky: the caller resets the stream anyway.
 */
H2C_API int h2c_fields_validator_push(h2c_fields_validator *v, h2c_view name, h2c_view value);

/* Trust flags for h2c_fields_validator_push_trusted(). */
#define H2C_FIELDS_TRUSTED_NAME  0x01u /**< the name's octets are known to be valid */
#define H2C_FIELDS_TRUSTED_VALUE 0x02u /**< the value's octets are known to be valid */

/**
 * h2c_fields_validator_push() for a field whose octets are already known to
 * be well-formed, e.g. one taken from the HPACK static table (RFC 7541
 * Appendix A), every name and value of which passes these checks.  With
 * H2C_FIELDS_TRUSTED_NAME the octets of the name are not looked at: the
 * caller vouches that after an optional leading ':' it is lowercase tchar
 * only, and not ":" alone.  With H2C_FIELDS_TRUSTED_VALUE the value is not
 * scanned: the caller vouches that it has no NUL, CR or LF and neither
 * starts nor ends with SP or HTAB.  Every other rule (an empty name, the
 * pseudo-header and connection-specific rules) is checked as by push(), and
 * the result is the same as push()'s whenever the caller's word holds; when
 * it does not, the result is one push() could return for some field, and
 * nothing is read outside the name and value.  trusted = 0 is push().
 */
H2C_API int h2c_fields_validator_push_trusted(h2c_fields_validator *v, h2c_view name,
                                              h2c_view value, uint32_t trusted);

/** End of the block: checks the required pseudo-headers are present. */
H2C_API int h2c_fields_validator_finish(h2c_fields_validator *v);

/** The kind in force (AUTO resolves on the first pseudo-header). */
H2C_API h2c_fields_kind h2c_fields_validator_kind(const h2c_fields_validator *v);

#ifdef __cplusplus
}
#endif
#endif /* H2CODEC_FIELDS_H */
