/* SPDX-License-Identifier: MIT */
/*
 * h2codec/common.h -- the conventions every h2codec header shares.
 *
 * One export macro, one allocator type, one byte-view type, one error shape
 * and one status space for all h2codec libraries (hpack, frame, conn).
 *
 * Statuses
 *   Every call that can fail returns an int.  0 is H2C_OK; positive values
 *   are events; negative values are errors.  Each library owns a hundred:
 *
 *       range        owner                      examples
 *       -1 .. -99    common local failures      H2C_E_NOMEM, H2C_E_BUFFER_TOO_SMALL
 *      ±100 .. 199   hpack  (<h2codec/hpack.h>)  H2C_HPACK_FIELD, H2C_HPACK_E_INDEX_ZERO
 *      ±200 .. 299   frame  (<h2codec/frame.h>)  H2C_FRAME_EV_FRAME, H2C_FRAME_E_PADDING
 *      ±300 .. 399   fields (<h2codec/fields.h>) H2C_FIELDS_E_NAME_UPPERCASE
 *      ±400 .. 499   conn   (<h2codec/conn.h>)   H2C_CONN_EV_REQUEST, H2C_CONN_E_FLOW_CONTROL
 *
 *   so h2c_strerror(), h2c_status_name() and h2c_status_h2_error() answer
 *   for a status of any library.  Values are part of the ABI: they never
 *   change, and new ones are only added.
 *
 *   "Buffer too small" (H2C_E_BUFFER_TOO_SMALL) is never a protocol error:
 *   the call changed nothing and may be retried with more room.  Bad input
 *   from the peer is always an error of the library that found it, with the
 *   HTTP/2 error code to send.
 *
 * Views
 *   Names, values and payloads are h2c_view: a pointer and a length, never
 *   NUL-terminated.  Each function documents how long the views it returns
 *   stay valid.
 *
 * Options
 *   Options structs are filled with defaults by *_options_init() first, so
 *   that members can be added without breaking callers.
 */
#ifndef H2CODEC_COMMON_H
#define H2CODEC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/version.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks the public functions of every h2codec library. */
#if defined(_WIN32) && defined(H2C_BUILDING_LIBRARY)
#define H2C_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define H2C_API __attribute__((visibility("default")))
#else
#define H2C_API
#endif

/* ------------------------------------------------------------------------
 * Byte views
 * ---------------------------------------------------------------------- */

/** A read-only byte string.  ptr may be NULL when len is 0. */
typedef struct h2c_view {
    const uint8_t *ptr;
    size_t len;
} h2c_view;

/** A view of len octets at p. */
static inline h2c_view h2c_view_of(const void *p, size_t len)
{
    h2c_view v;
    v.ptr = (const uint8_t *)p;
    v.len = len;
    return v;
}

/** A view of a string literal, e.g. H2C_VIEW_LIT(":path"). */
#define H2C_VIEW_LIT(s) ((h2c_view){ (const uint8_t *)("" s), sizeof(s) - 1 })

/* ------------------------------------------------------------------------
 * Allocator hooks
 * ---------------------------------------------------------------------- */

/**
 * Per-object allocator.  alloc returns NULL on failure, or memory aligned
 * for any object type (as malloc() does); free accepts NULL.  The struct is
 * copied when an object is created, so it need not outlive that call; the
 * opaque pointer must outlive the object.  Wherever an options struct takes
 * an allocator, NULL means libc malloc() and free().
 */
typedef struct h2c_allocator {
    void *(*alloc)(void *opaque, size_t size);
    void (*free)(void *opaque, void *ptr);
    void *opaque;
} h2c_allocator;

/* ------------------------------------------------------------------------
 * Statuses
 * ---------------------------------------------------------------------- */

/** Statuses shared by every library: success and local failures. */
typedef enum h2c_status {
    H2C_OK = 0,                   /**< success */
    H2C_E_NOMEM = -1,             /**< the allocator failed (INTERNAL_ERROR) */
    H2C_E_BUFFER_TOO_SMALL = -2,  /**< output does not fit; nothing changed, retry with more */
    H2C_E_INVALID_ARGUMENT = -3,  /**< NULL pointer, bad option value, unencodable input */
    H2C_E_STATE = -4              /**< call not allowed in the current state */
} h2c_status;

/** Human-readable reason for a status of any library, e.g. "out of memory". Never NULL. */
H2C_API const char *h2c_strerror(int status);

/** Symbolic name of a status of any library, e.g. "H2C_E_NOMEM". Never NULL. */
H2C_API const char *h2c_status_name(int status);

/**
 * The HTTP/2 error code (RFC 9113 section 7) a status implies:
 * COMPRESSION_ERROR for every HPACK decoding error, PROTOCOL_ERROR for a
 * field-validation error, the code documented on each frame and conn
 * status, INTERNAL_ERROR for H2C_E_NOMEM, and NO_ERROR for successes,
 * events and the other local failures.  Where an error carries its own code
 * (h2c_error.h2_error), that one is exact.
 */
H2C_API uint32_t h2c_status_h2_error(int status);

/* ------------------------------------------------------------------------
 * HTTP/2 error codes and errors
 * ---------------------------------------------------------------------- */

/** HTTP/2 error codes (RFC 9113 section 7), as sent in RST_STREAM and GOAWAY. */
typedef enum h2c_h2_error {
    H2C_H2_NO_ERROR = 0x0,
    H2C_H2_PROTOCOL_ERROR = 0x1,
    H2C_H2_INTERNAL_ERROR = 0x2,
    H2C_H2_FLOW_CONTROL_ERROR = 0x3,
    H2C_H2_SETTINGS_TIMEOUT = 0x4,
    H2C_H2_STREAM_CLOSED = 0x5,
    H2C_H2_FRAME_SIZE_ERROR = 0x6,
    H2C_H2_REFUSED_STREAM = 0x7,
    H2C_H2_CANCEL = 0x8,
    H2C_H2_COMPRESSION_ERROR = 0x9,
    H2C_H2_CONNECT_ERROR = 0xa,
    H2C_H2_ENHANCE_YOUR_CALM = 0xb,
    H2C_H2_INADEQUATE_SECURITY = 0xc,
    H2C_H2_HTTP_1_1_REQUIRED = 0xd
} h2c_h2_error;

/** Name of an HTTP/2 error code, e.g. "PROTOCOL_ERROR"; "UNKNOWN" past 0xd. Never NULL. */
H2C_API const char *h2c_h2_error_name(uint32_t code);

/** Who an error affects (RFC 9113 section 5.4). */
typedef enum h2c_scope {
    H2C_SCOPE_NONE = 0,       /**< no error */
    H2C_SCOPE_CONNECTION = 1, /**< connection error: send GOAWAY and close; sticky */
    H2C_SCOPE_STREAM = 2,     /**< stream error: send RST_STREAM on stream_id, go on */
    H2C_SCOPE_IGNORABLE = 3,  /**< malformed extension frame: ignore it (RFC 7838,
                                   RFC 8336); h2_error is what a strict receiver sends */
    H2C_SCOPE_LOCAL = 4       /**< not the peer's fault: allocation, truncated input */
} h2c_scope;

/** Name of a scope: "none", "connection", "stream", "ignorable", "local". Never NULL. */
H2C_API const char *h2c_scope_name(int scope);

/**
 * Everything known about an error, the same shape in every library.
 * reason is a static string, never NULL, valid forever.
 */
typedef struct h2c_error {
    int status;         /**< the library status, or H2C_OK for none */
    uint32_t h2_error;  /**< h2c_h2_error to send */
    int scope;          /**< h2c_scope */
    uint32_t stream_id; /**< the stream to reset (stream errors), or of the offending
                             frame or field block; 0 for the connection */
    uint64_t offset;    /**< offset of the octet where the error was found: in the
                             connection for frame and conn errors, in the header
                             block for HPACK errors */
    const char *reason; /**< e.g. "PING payload is not 8 octets" */
} h2c_error;

/* ------------------------------------------------------------------------
 * Version
 * ---------------------------------------------------------------------- */

/** The library's version string at run time, "MAJOR.MINOR.PATCH" (H2CODEC_VERSION when built). */
H2C_API const char *h2c_version(void);

/** The library's H2CODEC_VERSION_NUM at run time. */
H2C_API uint32_t h2c_version_num(void);

#ifdef __cplusplus
}
#endif
#endif /* H2CODEC_COMMON_H */
