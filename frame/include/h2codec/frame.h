/* SPDX-License-Identifier: MIT */
/*
 * h2codec/frame.h -- HTTP/2 (RFC 9113) frame codec.
 *
 * One header for the frame area: a push-style streaming parser, a serializer,
 * a header-block assembler, and the vocabulary they share (frame types,
 * flags, settings, HTTP/2 error codes, library statuses).  The library does
 * no I/O, keeps no global state and does not depend on the HPACK library;
 * every allocation goes through the allocator given in the options (libc
 * malloc/free when none is given).
 *
 * Conventions are those of <h2codec/common.h>: int statuses (H2C_OK, events
 * H2C_FRAME_EV_*, errors H2C_FRAME_E_* and the common H2C_E_*), h2c_view
 * payloads, h2c_allocator hooks, *_options_init() defaults.  Also:
 *   - Errors carry an h2c_error: library status, the HTTP/2 error code
 *     to send, its scope (connection or stream), the stream, the byte offset
 *     in the connection and a reason.  Connection errors are sticky: every
 *     later call on that parser or assembler returns the same error until
 *     *_reset().  Stream errors are reported and parsing goes on.
 *
 * Receiving, with HPACK (error handling shortened):
 *
 *     h2c_frame_event ev;
 *     h2c_frame_block blk;
 *     size_t off = 0, used;
 *     for (;;) {
 *         int rc = h2c_frame_parser_push(p, in + off, len - off, &used, &ev);
 *         off += used;
 *         if (rc == H2C_OK) break;                 // need more input
 *         if (rc < 0) goaway(ev.error.h2_error);         // connection error
 *         if (rc == H2C_FRAME_EV_PREFACE) continue;
 *         if (rc == H2C_FRAME_EV_STREAM_ERROR)
 *             rst_stream(ev.error.stream_id, ev.error.h2_error);
 *         // every frame event, even a stream error or an ignored frame,
 *         // goes through the assembler: it enforces header-block sequencing
 *         int arc = h2c_frame_assembler_push(a, &ev.frame, &blk);
 *         if (arc < 0) goaway(...);                      // h2c_frame_assembler_error()
 *         if (arc > 0) hpack_decode(blk.fragment);       // blk.end: finish the block
 *         if (rc == H2C_FRAME_EV_FRAME) handle(&ev.frame); // flags, fields, flow control
 *     }
 *
 * Sending: fill an h2c_frame (h2c_frame_init() then the type's fields) and
 * call h2c_frame_serialize(); split a header block with
 * h2c_frame_serialize_header_block().
 */
#ifndef H2CODEC_FRAME_H
#define H2CODEC_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Protocol constants
 * ---------------------------------------------------------------------- */

/** Octets in a frame header (RFC 9113 section 4.1). */
#define H2C_FRAME_HEADER_LEN 9u
/** The client connection preface (section 3.4), 24 octets, no NUL counted. */
#define H2C_FRAME_CLIENT_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
/** Length of H2C_FRAME_CLIENT_PREFACE. */
#define H2C_FRAME_CLIENT_PREFACE_LEN 24u
/** Smallest and initial SETTINGS_MAX_FRAME_SIZE (2^14). */
#define H2C_FRAME_MAX_FRAME_SIZE_MIN 16384u
/** Largest SETTINGS_MAX_FRAME_SIZE (2^24-1), also the largest encodable length. */
#define H2C_FRAME_MAX_FRAME_SIZE_MAX 16777215u
/** Largest stream identifier and flow-control window (2^31-1). */
#define H2C_FRAME_MAX_31BIT 0x7fffffffu

/** Frame types (section 6; RFC 7838, RFC 8336, RFC 9218). */
typedef enum h2c_frame_type {
    H2C_FRAME_TYPE_DATA = 0x0,
    H2C_FRAME_TYPE_HEADERS = 0x1,
    H2C_FRAME_TYPE_PRIORITY = 0x2,
    H2C_FRAME_TYPE_RST_STREAM = 0x3,
    H2C_FRAME_TYPE_SETTINGS = 0x4,
    H2C_FRAME_TYPE_PUSH_PROMISE = 0x5,
    H2C_FRAME_TYPE_PING = 0x6,
    H2C_FRAME_TYPE_GOAWAY = 0x7,
    H2C_FRAME_TYPE_WINDOW_UPDATE = 0x8,
    H2C_FRAME_TYPE_CONTINUATION = 0x9,
    H2C_FRAME_TYPE_ALTSVC = 0xa,          /**< RFC 7838 */
    H2C_FRAME_TYPE_ORIGIN = 0xc,          /**< RFC 8336 */
    H2C_FRAME_TYPE_PRIORITY_UPDATE = 0x10 /**< RFC 9218 */
} h2c_frame_type;

/* Frame flags.  Which ones a type defines: h2c_frame_flags_format(). */
#define H2C_FRAME_FLAG_END_STREAM 0x01u  /**< DATA, HEADERS */
#define H2C_FRAME_FLAG_ACK 0x01u         /**< SETTINGS, PING */
#define H2C_FRAME_FLAG_END_HEADERS 0x04u /**< HEADERS, PUSH_PROMISE, CONTINUATION */
#define H2C_FRAME_FLAG_PADDED 0x08u      /**< DATA, HEADERS, PUSH_PROMISE */
#define H2C_FRAME_FLAG_PRIORITY 0x20u    /**< HEADERS */

/** SETTINGS identifiers (section 6.5.2; RFC 8441; RFC 9218). */
typedef enum h2c_frame_setting_id {
    H2C_FRAME_SETTINGS_HEADER_TABLE_SIZE = 0x1,
    H2C_FRAME_SETTINGS_ENABLE_PUSH = 0x2,        /**< 0 or 1 */
    H2C_FRAME_SETTINGS_MAX_CONCURRENT_STREAMS = 0x3,
    H2C_FRAME_SETTINGS_INITIAL_WINDOW_SIZE = 0x4, /**< at most 2^31-1 */
    H2C_FRAME_SETTINGS_MAX_FRAME_SIZE = 0x5,      /**< 2^14 .. 2^24-1 */
    H2C_FRAME_SETTINGS_MAX_HEADER_LIST_SIZE = 0x6,
    H2C_FRAME_SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x8, /**< RFC 8441; 0 or 1 */
    H2C_FRAME_SETTINGS_NO_RFC7540_PRIORITIES = 0x9    /**< RFC 9218; 0 or 1 */
} h2c_frame_setting_id;

/* ------------------------------------------------------------------------
 * Statuses and errors
 * ---------------------------------------------------------------------- */

/**
 * Frame events and errors (the hundred of <h2codec/common.h> that the frame
 * library owns).  Calls also return H2C_OK and the common H2C_E_*:
 * H2C_E_NOMEM (INTERNAL_ERROR; sticky), H2C_E_BUFFER_TOO_SMALL (serializer:
 * nothing written), H2C_E_INVALID_ARGUMENT (NULL pointer, bad option,
 * unencodable frame).  For each error the HTTP/2 code it implies is given
 * (h2c_status_h2_error()); the exact code and scope of a given error are in
 * its h2c_error.
 */
typedef enum h2c_frame_status {
    H2C_FRAME_EV_PREFACE = 201,      /**< parser: the client connection preface was read */
    H2C_FRAME_EV_FRAME = 202,        /**< parser: a valid frame is in ev->frame */
    H2C_FRAME_EV_STREAM_ERROR = 203, /**< parser: a stream error in ev->error; parsing goes on */
    H2C_FRAME_EV_IGNORED = 204,      /**< parser: a malformed extension frame, ignorable */
    H2C_FRAME_EV_FRAGMENT = 205,     /**< assembler: a field block fragment, more follow */
    H2C_FRAME_EV_BLOCK_END = 206,    /**< assembler: the last fragment of a field block */

    /* Frame errors: the peer broke RFC 9113. */
    H2C_FRAME_E_FRAME_SIZE = -201,     /**< length over SETTINGS_MAX_FRAME_SIZE (FRAME_SIZE_ERROR) */
    H2C_FRAME_E_LENGTH = -202,         /**< length wrong for the type (FRAME_SIZE_ERROR) */
    H2C_FRAME_E_STREAM_ZERO = -203,    /**< type needs a stream, got stream 0 (PROTOCOL_ERROR) */
    H2C_FRAME_E_STREAM_NONZERO = -204, /**< type needs stream 0 (PROTOCOL_ERROR) */
    H2C_FRAME_E_PADDING = -205,        /**< padding as long as the payload or longer (PROTOCOL_ERROR) */
    H2C_FRAME_E_SETTINGS_VALUE = -206, /**< SETTINGS value out of range (PROTOCOL_ERROR) */
    H2C_FRAME_E_SETTINGS_WINDOW = -207, /**< INITIAL_WINDOW_SIZE above 2^31-1 (FLOW_CONTROL_ERROR) */
    H2C_FRAME_E_SETTINGS_COUNT = -208, /**< more SETTINGS entries than allowed (ENHANCE_YOUR_CALM) */
    H2C_FRAME_E_WINDOW_INCREMENT = -209, /**< WINDOW_UPDATE increment 0 (PROTOCOL_ERROR) */
    H2C_FRAME_E_PROMISED_ID = -210,    /**< PUSH_PROMISE promised stream 0 or odd (PROTOCOL_ERROR) */
    H2C_FRAME_E_SELF_DEPENDENCY = -211, /**< stream depends on itself (PROTOCOL_ERROR) */
    H2C_FRAME_E_PREFACE = -212,        /**< bad client preface, or no SETTINGS after it
                                            (PROTOCOL_ERROR) */
    H2C_FRAME_E_EXTENSION = -213,      /**< malformed ALTSVC / ORIGIN / PRIORITY_UPDATE */
    H2C_FRAME_E_EMPTY_FRAMES = -214,   /**< more empty frames than allowed (ENHANCE_YOUR_CALM) */

    /* Header-block sequencing and flood limits (assembler). */
    H2C_FRAME_E_CONTINUATION_EXPECTED = -220, /**< other frame inside a field block
                                                   (PROTOCOL_ERROR) */
    H2C_FRAME_E_CONTINUATION_UNEXPECTED = -221, /**< CONTINUATION with no open block
                                                     (PROTOCOL_ERROR) */
    H2C_FRAME_E_CONTINUATION_FLOOD = -222, /**< too many CONTINUATION frames (ENHANCE_YOUR_CALM) */
    H2C_FRAME_E_BLOCK_SIZE = -223,     /**< field block over max_block_size (ENHANCE_YOUR_CALM) */

    /* Local. */
    H2C_FRAME_E_TRUNCATED = -230       /**< parser finish: input ended inside a frame (not sticky) */
} h2c_frame_status;

/** RFC name of a frame type, e.g. "WINDOW_UPDATE"; "UNKNOWN" for other types. Never NULL. */
H2C_API const char *h2c_frame_type_name(uint8_t type);
/** Name of a setting, e.g. "SETTINGS_MAX_FRAME_SIZE"; "UNKNOWN" for other ids. Never NULL. */
H2C_API const char *h2c_frame_setting_name(uint16_t id);
/**
 * Write the flags of a frame of this type as text, e.g. "END_STREAM|END_HEADERS",
 * flags the type does not define as hex ("0x40"), "" for none.  Writes at
 * most cap octets including a NUL (cap may be 0); returns the length the full
 * text needs, without the NUL, like snprintf.  64 octets always suffice.
 */
H2C_API size_t h2c_frame_flags_format(uint8_t type, uint8_t flags, char *buf, size_t cap);

/* ------------------------------------------------------------------------
 * Frames
 * ---------------------------------------------------------------------- */

/** The 9-octet frame header (section 4.1), reserved bit dropped. */
typedef struct h2c_frame_header {
    uint32_t length;    /**< payload length, 0 .. 2^24-1 */
    uint8_t type;       /**< h2c_frame_type or any other value */
    uint8_t flags;      /**< H2C_FRAME_FLAG_*, and undefined bits as received */
    uint32_t stream_id; /**< 31 bits */
} h2c_frame_header;

/** Decode 9 octets at in (no validation; the reserved bit is ignored). */
H2C_API void h2c_frame_header_unpack(const uint8_t *in, h2c_frame_header *hd);
/**
 * Encode a header into 9 octets at out, the reserved bit zero.  Returns
 * H2C_E_INVALID_ARGUMENT (writing nothing) if length > 2^24-1 or
 * stream_id > 2^31-1.
 */
H2C_API int h2c_frame_header_pack(const h2c_frame_header *hd, uint8_t *out);

/** Priority fields of HEADERS (with the PRIORITY flag) and PRIORITY (section 6.3). */
typedef struct h2c_frame_priority {
    uint32_t dependency; /**< stream dependency, 31 bits */
    uint8_t exclusive;   /**< E bit, 0 or 1 */
    uint8_t weight;      /**< wire value 0..255; the weight is weight + 1 */
} h2c_frame_priority;

/** One SETTINGS entry. */
typedef struct h2c_frame_setting {
    uint16_t id;    /**< h2c_frame_setting_id, or an unknown id passed through */
    uint32_t value;
} h2c_frame_setting;

/**
 * A frame, as the parser produces it and the serializer consumes it.
 * hd.type selects the member of u; for other types only payload is used.
 *
 * Parser: every view points into the input of the push call that produced
 * the event, or into the parser's reassembly buffer (see
 * h2c_frame_parser_push() for how long that is valid).
 *
 * Serializer: hd.length, payload (except for verbatim frames) and offset are
 * ignored; hd.flags is written as given, and its PADDED and PRIORITY bits
 * decide whether pad_length and the priority fields are written.
 */
typedef struct h2c_frame {
    h2c_frame_header hd;
    uint64_t offset;        /**< parser: connection offset of the first header octet */
    uint8_t pad_length;     /**< DATA, HEADERS, PUSH_PROMISE with PADDED: Pad Length;
                                 the padding octets themselves are written as zero */
    uint8_t verbatim;       /**< 1: payload is the whole payload, the typed fields are not
                                 used (parser: unknown types and ignored extension frames;
                                 serializer: write payload as is) */
    h2c_view payload; /**< parser: the whole payload as received */
    union {
        struct {
            h2c_view data; /**< without Pad Length and padding */
        } data;
        struct {
            h2c_frame_priority priority; /**< with H2C_FRAME_FLAG_PRIORITY */
            h2c_view fragment;     /**< field block fragment */
        } headers;
        struct {
            h2c_frame_priority priority;
        } priority;
        struct {
            uint32_t error_code; /**< h2c_h2_error, or unknown codes as received */
        } rst_stream;
        struct {
            h2c_view raw;            /**< entries in wire format, 6 octets each */
            size_t count;                  /**< number of entries */
            const h2c_frame_setting *list; /**< serializer: if not NULL, write these count
                                                entries instead of raw; parser: NULL */
        } settings;
        struct {
            uint32_t promised_stream_id;
            h2c_view fragment;
        } push_promise;
        struct {
            uint8_t opaque_data[8]; /**< copied, so no lifetime rule */
        } ping;
        struct {
            uint32_t last_stream_id;
            uint32_t error_code;
            h2c_view debug_data; /**< opaque, often text; not NUL-terminated */
        } goaway;
        struct {
            uint32_t increment; /**< 31 bits */
        } window_update;
        struct {
            h2c_view fragment;
        } continuation;
        struct {
            h2c_view origin; /**< empty on streams other than 0 */
            h2c_view value;  /**< Alt-Svc field value; the parser reports a frame
                                  without one as ignorable (RFC 7838 section 4) */
        } altsvc;
        struct {
            h2c_view raw;         /**< Origin-Entry list in wire format */
            size_t count;               /**< parser: number of origins (entries of length 0
                                             carry none and are not counted, RFC 8336
                                             section 2); serializer: entries in list */
            const h2c_view *list; /**< serializer: if not NULL, write these count
                                             origins instead of raw; parser: NULL */
        } origin;
        struct {
            uint32_t prioritized_stream_id;
            h2c_view value; /**< Priority Field Value (RFC 9218 structured field) */
        } priority_update;
    } u;
} h2c_frame;

/** Zero *f and set its header type, flags and stream. */
H2C_API void h2c_frame_init(h2c_frame *f, uint8_t type, uint8_t flags, uint32_t stream_id);

/**
 * Read SETTINGS entry i of a SETTINGS frame (from list if set, else raw).
 * Returns H2C_OK, or H2C_E_INVALID_ARGUMENT if i >= count or f
 * is not a SETTINGS frame.
 */
H2C_API int h2c_frame_settings_get(const h2c_frame *f, size_t i, h2c_frame_setting *out);

/**
 * Iterate over the origins of an ORIGIN frame.  Start with *pos = 0; each
 * call that returns 1 sets *origin and advances *pos; 0 means no more.
 * Entries of length 0 carry no origin and are skipped.
 * The parser has already checked the entries, so this never reads outside
 * raw.  A raw list that does not parse ends the iteration.
 */
H2C_API int h2c_frame_origin_next(const h2c_frame *f, size_t *pos, h2c_view *origin);

/* ------------------------------------------------------------------------
 * Parser
 * ---------------------------------------------------------------------- */

/** Client connection preface handling (h2c_frame_parser_options.preface). */
typedef enum h2c_frame_preface_mode {
    H2C_FRAME_PREFACE_NONE = 0,   /**< input starts with a frame (client side, or mid-stream) */
    H2C_FRAME_PREFACE_EXPECT = 1, /**< input must start with the preface (server side) */
    H2C_FRAME_PREFACE_AUTO = 2    /**< a first octet 'P' (0x50) means the preface follows and
                                       must be complete; anything else is a frame.  A frame
                                       starting with 0x50 would be over 5 MB long. */
} h2c_frame_preface_mode;

/* Parser flags (h2c_frame_parser_options.flags). */
#define H2C_FRAME_PARSER_STRICT_EXTENSIONS 0x01u /**< a malformed PRIORITY_UPDATE is a connection
                                                     error, as RFC 9218 section 7.1 requires of a
                                                     receiver that implements it (default:
                                                     IGNORABLE, like ALTSVC and ORIGIN) */

/** Default of h2c_frame_parser_options.max_empty_frames.  Peers send an
 *  empty frame without END_STREAM rarely if ever (none in the 138 client
 *  streams and captures of corpus/); 10000 in a connection's life is a
 *  flood, stopped after 90 KB of it. */
#define H2C_FRAME_DEFAULT_MAX_EMPTY_FRAMES 10000u

/** Parser settings.  Fill with h2c_frame_parser_options_init(), then adjust. */
typedef struct h2c_frame_parser_options {
    uint32_t max_frame_size;   /**< SETTINGS_MAX_FRAME_SIZE we advertised; 16384 */
    uint32_t max_settings;     /**< entries per SETTINGS frame (CVE-2020-11080); 32 */
    uint32_t max_empty_frames; /**< per connection: empty DATA + HEADERS + CONTINUATION
                                    frames before ENHANCE_YOUR_CALM (CVE-2019-9518);
                                    H2C_FRAME_DEFAULT_MAX_EMPTY_FRAMES; 0 = no limit (a
                                    stack that counts them itself, net of useful frames) */
    int preface;               /**< h2c_frame_preface_mode; H2C_FRAME_PREFACE_NONE */
    uint32_t flags;            /**< H2C_FRAME_PARSER_* */
    const h2c_allocator *allocator; /**< NULL: libc; must return malloc-aligned memory
                                         (see h2c_allocator in <h2codec/common.h>) */
} h2c_frame_parser_options;

/**
 * What a push call reports.  frame is meaningful for EV_FRAME,
 * EV_STREAM_ERROR and EV_IGNORED, and for a connection error found in a
 * frame (hd and offset at least); error for EV_STREAM_ERROR, EV_IGNORED and
 * every negative return (error.status == H2C_OK otherwise).
 */
typedef struct h2c_frame_event {
    h2c_frame frame;
    h2c_error error;
    int decoded; /**< 1: frame's typed fields are decoded (EV_FRAME always; EV_STREAM_ERROR
                      for a self-dependent HEADERS or PRIORITY and a zero WINDOW_UPDATE);
                      0: only frame.hd and frame.offset (the payload was skipped), or
                      for EV_IGNORED hd + payload */
} h2c_frame_event;

/** Counters a stack can act on (floods of cheap frames, CVE-2019-9512..9518). */
typedef struct h2c_frame_parser_stats {
    uint64_t octets;             /**< octets consumed, preface included */
    uint64_t frames;             /**< frame headers read */
    uint64_t by_type[17];        /**< frame headers read, per type 0x0 .. 0x10 */
    uint64_t other_types;        /**< frame headers read with a type above 0x10 */
    uint64_t empty_data;         /**< DATA with no data octets and no END_STREAM */
    uint64_t empty_headers;      /**< HEADERS with an empty field block fragment */
    uint64_t empty_continuation; /**< CONTINUATION with an empty fragment */
    uint64_t stream_errors;      /**< EV_STREAM_ERROR events */
    uint64_t ignored;            /**< EV_IGNORED events */
} h2c_frame_parser_stats;

/**
 * The parser's position in the input (h2c_frame_parser_state_get()).
 *
 *   new/reset: PREFACE (modes EXPECT, AUTO) or HEADER (mode NONE)
 *
 *     PREFACE --24 octets match--> HEADER   (AUTO: first octet not 'P' -> HEADER)
 *
 *     HEADER --9th octet; header checked against max_frame_size and the type-->
 *        |-- connection error ----------------------------------> ERROR
 *        |-- stream error (oversized DATA, PRIORITY length) -----> SKIP --payload--> HEADER
 *        |-- whole payload in this push: decoded from the input ----------------> HEADER
 *        '-- payload incomplete --> PAYLOAD --last octet: decoded from buffer----> HEADER
 *
 *   Any state --(connection error or failed allocation)--> ERROR (sticky until reset)
 */
typedef enum h2c_frame_parser_state {
    H2C_FRAME_PS_PREFACE = 0, /**< matching the client connection preface */
    H2C_FRAME_PS_HEADER,      /**< reading a 9-octet frame header (between frames) */
    H2C_FRAME_PS_PAYLOAD,     /**< collecting a payload that straddles push calls */
    H2C_FRAME_PS_SKIP,        /**< discarding the payload of a frame reported as a stream error */
    H2C_FRAME_PS_ERROR        /**< failed; every call returns the sticky error */
} h2c_frame_parser_state;

typedef struct h2c_frame_parser h2c_frame_parser;

/** Fill *opt with the defaults listed in h2c_frame_parser_options. */
H2C_API void h2c_frame_parser_options_init(h2c_frame_parser_options *opt);

/**
 * Create a parser.  opt may be NULL for defaults.  Fails with
 * H2C_E_INVALID_ARGUMENT if max_frame_size is outside 2^14 .. 2^24-1,
 * max_settings is 0 or preface is unknown, and H2C_E_NOMEM.  On
 * failure *out is NULL.
 */
H2C_API int h2c_frame_parser_new(h2c_frame_parser **out, const h2c_frame_parser_options *opt);

/** Free a parser and its buffer.  NULL is allowed. */
H2C_API void h2c_frame_parser_free(h2c_frame_parser *p);

/**
 * Return to the state right after h2c_frame_parser_new(): offset 0, counters
 * zero, sticky error cleared, max_frame_size back to the option's value.
 * Keeps a payload buffer of up to 16 KiB; frees a larger one.
 */
H2C_API void h2c_frame_parser_reset(h2c_frame_parser *p);

/**
 * Apply a new SETTINGS_MAX_FRAME_SIZE once the peer has acknowledged it.
 * Takes effect from the next frame header.  H2C_E_INVALID_ARGUMENT
 * outside 2^14 .. 2^24-1; the sticky error after a connection error.
 */
H2C_API int h2c_frame_parser_set_max_frame_size(h2c_frame_parser *p, uint32_t size);

/**
 * Parse bytes of the connection.
 *
 * Reads from in[0..len) until one event is ready, then stops and returns it;
 * or consumes everything and returns H2C_OK; or fails.  *consumed is
 * always set to the octets taken; call again with the rest.  The events and
 * their contents do not depend on how the input is cut: a frame may straddle
 * any number of calls, and work is linear in the input.
 *
 *   H2C_FRAME_EV_PREFACE       the 24-octet client preface was consumed.
 *   H2C_FRAME_EV_FRAME         ev->frame holds a valid frame (ev->decoded = 1).
 *   H2C_FRAME_EV_STREAM_ERROR  ev->error holds a stream error; the frame's
 *                              header (and, with ev->decoded, its fields) is
 *                              in ev->frame.  Send RST_STREAM; parsing goes on.
 *   H2C_FRAME_EV_IGNORED       a malformed or misplaced extension frame
 *                              (ALTSVC, ORIGIN, PRIORITY_UPDATE); ev->error
 *                              says why, ev->frame has hd and the raw payload.
 *   negative                   a connection error (ev->error, scope CONNECTION),
 *                              H2C_E_NOMEM (scope LOCAL, INTERNAL_ERROR) --
 *                              both sticky -- or H2C_E_INVALID_ARGUMENT
 *                              (NULL pointer; nothing consumed, not sticky).
 *
 * Each frame's header is checked as soon as its 9 octets are in, before any
 * payload is read: an oversized frame is refused without being buffered.
 *
 * Lifetime: views in ev->frame point into in[] when the whole payload was
 * inside this call's input (zero-copy), else into the parser's buffer.  They
 * stay valid until the next push, reset or free on this parser, and, where
 * they point into in[], while the caller keeps in[] unchanged.  The buffer
 * is allocated only for payloads that straddle calls and never exceeds
 * max_frame_size.
 */
H2C_API int h2c_frame_parser_push(h2c_frame_parser *p, const uint8_t *in, size_t len,
                                        size_t *consumed, h2c_frame_event *ev);

/**
 * Declare the end of the input.  H2C_OK at a frame boundary;
 * H2C_FRAME_E_TRUNCATED (not sticky, scope LOCAL, details in *err if not
 * NULL) when the input ended inside the preface or a frame -- see
 * h2c_frame_parser_missing(); the sticky error after a connection error.
 */
H2C_API int h2c_frame_parser_finish(h2c_frame_parser *p, h2c_error *err);

/**
 * Octets still needed to complete the preface or frame in progress: 0 at a
 * frame boundary; inside a header, the rest of the header (the payload
 * length is not known yet); inside a payload, the rest of it.
 */
H2C_API uint64_t h2c_frame_parser_missing(const h2c_frame_parser *p);

/** Current state (see the diagram above). */
H2C_API h2c_frame_parser_state h2c_frame_parser_state_get(const h2c_frame_parser *p);

/** Copy the sticky error into *err (status H2C_OK if none); returns err->status. */
H2C_API int h2c_frame_parser_error(const h2c_frame_parser *p, h2c_error *err);

/** Octets consumed since new/reset, preface included. */
H2C_API uint64_t h2c_frame_parser_offset(const h2c_frame_parser *p);

/** Current SETTINGS_MAX_FRAME_SIZE. */
H2C_API uint32_t h2c_frame_parser_max_frame_size(const h2c_frame_parser *p);

/** The counters since new/reset.  The pointer stays valid as long as p. */
H2C_API const h2c_frame_parser_stats *h2c_frame_parser_stats_get(const h2c_frame_parser *p);

/* ------------------------------------------------------------------------
 * Serializer
 * ---------------------------------------------------------------------- */

/**
 * Octets h2c_frame_serialize() writes for *f (header included), or 0 if *f
 * cannot be encoded (payload over 2^24-1 octets, a 31-bit field over
 * 2^31-1, an ALTSVC origin or ORIGIN entry over 65535 octets, a NULL view
 * with a length).
 *
 * The serializer encodes what it is given; it does not enforce the rules
 * the parser checks (stream 0 where forbidden, lengths of PING and so on,
 * SETTINGS values), so tests and fuzzers can build invalid frames.  It
 * writes reserved bits as zero and padding octets as zero, so a parsed
 * frame whose reserved bits or padding were not zero does not serialize
 * back to the same octets; every other valid frame does.
 */
H2C_API size_t h2c_frame_serialize_bound(const h2c_frame *f);

/**
 * Write *f into out[0..cap) and set *written.  H2C_E_BUFFER_TOO_SMALL
 * (nothing written, *written = the size needed) if it does not fit;
 * H2C_E_INVALID_ARGUMENT if h2c_frame_serialize_bound() is 0.
 */
H2C_API int h2c_frame_serialize(const h2c_frame *f, uint8_t *out, size_t cap,
                                      size_t *written);

/**
 * Octets h2c_frame_serialize_header_block() writes, or 0 if it cannot
 * (see there).
 */
H2C_API size_t h2c_frame_header_block_bound(const h2c_frame *first,
                                                  uint32_t max_frame_size);

/**
 * Write a whole field block as HEADERS (or PUSH_PROMISE) plus as many
 * CONTINUATION frames as needed so that no payload exceeds max_frame_size
 * (the peer's SETTINGS_MAX_FRAME_SIZE, 2^14 .. 2^24-1).  first is a HEADERS
 * or PUSH_PROMISE frame whose fragment is the entire encoded block; its
 * padding and priority fields go on the first frame only; its END_HEADERS
 * flag is ignored and set on the last frame written.  END_STREAM stays on the
 * HEADERS frame.  Errors as h2c_frame_serialize().
 */
H2C_API int h2c_frame_serialize_header_block(const h2c_frame *first, uint32_t max_frame_size,
                                                   uint8_t *out, size_t cap, size_t *written);

/* ------------------------------------------------------------------------
 * Header-block assembler
 * ---------------------------------------------------------------------- */

/* Assembler flags (h2c_frame_assembler_options.flags). */
#define H2C_FRAME_ASSEMBLER_JOIN 0x01u /**< also join each block into one buffer (block.block) */

/** Assembler settings.  Fill with h2c_frame_assembler_options_init(), then adjust. */
typedef struct h2c_frame_assembler_options {
    uint32_t max_continuations; /**< CONTINUATION frames per block, empty ones included;
                                     32 (CVE-2024-27316, CVE-2024-28182, CVE-2023-45288) */
    size_t max_block_size;      /**< compressed octets per field block; 131072.  The JOIN
                                     buffer doubles up to it, so while it grows it may hold
                                     1.5 x this much for a moment */
    uint32_t flags;             /**< H2C_FRAME_ASSEMBLER_* */
    const h2c_allocator *allocator; /**< NULL: libc; used only with JOIN; must return
                                         malloc-aligned memory (see h2c_allocator in
                                         <h2codec/common.h>) */
} h2c_frame_assembler_options;

/**
 * One step of a field block, filled by h2c_frame_assembler_push() when it
 * returns EV_FRAGMENT or EV_BLOCK_END.  Views follow the lifetime of the
 * frame passed in, except block, which (JOIN, more than one fragment) is in
 * the assembler's buffer, valid until its next push, reset or free.
 */
typedef struct h2c_frame_block {
    uint32_t stream_id;          /**< stream of the block */
    uint8_t type;                /**< HEADERS or PUSH_PROMISE: the frame that opened it */
    uint8_t flags;               /**< that frame's flags (END_STREAM, PRIORITY, ...) */
    uint32_t promised_stream_id; /**< PUSH_PROMISE blocks */
    h2c_view fragment;     /**< this frame's fragment: feed it to the HPACK decoder */
    int end;                     /**< 1 on the last fragment (END_HEADERS) */
    uint32_t continuations;      /**< CONTINUATION frames so far in this block */
    size_t size;                 /**< compressed octets so far, this fragment included */
    h2c_view block;        /**< JOIN and end: the whole block; else empty */
} h2c_frame_block;

/** Counters over the assembler's life (since new/reset). */
typedef struct h2c_frame_assembler_stats {
    uint64_t blocks;             /**< blocks completed */
    uint64_t continuations;      /**< CONTINUATION frames accepted */
    uint64_t empty_continuations; /**< of which empty */
    uint64_t max_block_seen;     /**< largest completed block, octets */
} h2c_frame_assembler_stats;

typedef struct h2c_frame_assembler h2c_frame_assembler;

/** Fill *opt with the defaults listed in h2c_frame_assembler_options. */
H2C_API void h2c_frame_assembler_options_init(h2c_frame_assembler_options *opt);

/**
 * Create an assembler.  opt may be NULL.  H2C_E_INVALID_ARGUMENT if
 * max_block_size is 0; H2C_E_NOMEM.  On failure *out is NULL.
 */
H2C_API int h2c_frame_assembler_new(h2c_frame_assembler **out,
                                          const h2c_frame_assembler_options *opt);

/** Free an assembler.  NULL is allowed. */
H2C_API void h2c_frame_assembler_free(h2c_frame_assembler *a);

/** Forget any open block, the counters and the sticky error.  Keeps the buffer. */
H2C_API void h2c_frame_assembler_reset(h2c_frame_assembler *a);

/**
 * Feed every frame the parser reports (EV_FRAME, EV_STREAM_ERROR and
 * EV_IGNORED alike: only hd and the fragment are read, so frames whose
 * payload was skipped are fine).
 *
 *   H2C_OK           the frame carries no field block: handle it.
 *   H2C_FRAME_EV_FRAGMENT  a HEADERS, PUSH_PROMISE or CONTINUATION fragment of
 *                          a block that continues; *out describes it.
 *   H2C_FRAME_EV_BLOCK_END its last fragment (END_HEADERS): finish HPACK.
 *   negative               sticky connection error, details from
 *                          h2c_frame_assembler_error(): PROTOCOL_ERROR for a
 *                          frame other than CONTINUATION on the same stream
 *                          inside a block, or a CONTINUATION outside one;
 *                          ENHANCE_YOUR_CALM past max_continuations or
 *                          max_block_size (checked before anything is
 *                          copied, so memory stays bounded); NOMEM.
 *
 * A HEADERS frame reported as a stream error still opens its block: its
 * fragments must reach HPACK to keep the compression context in sync.
 */
H2C_API int h2c_frame_assembler_push(h2c_frame_assembler *a, const h2c_frame *f,
                                           h2c_frame_block *out);

/** Stream of the open block, or 0 when no block is open. */
H2C_API uint32_t h2c_frame_assembler_open_stream(const h2c_frame_assembler *a);

/** Copy the sticky error into *err (status H2C_OK if none); returns err->status. */
H2C_API int h2c_frame_assembler_error(const h2c_frame_assembler *a, h2c_error *err);

/** The counters.  The pointer stays valid as long as a. */
H2C_API const h2c_frame_assembler_stats *
h2c_frame_assembler_stats_get(const h2c_frame_assembler *a);

#ifdef __cplusplus
}
#endif
#endif /* H2CODEC_FRAME_H */
