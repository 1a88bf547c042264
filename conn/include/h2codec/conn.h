/* SPDX-License-Identifier: MIT */
/*
 * h2codec/conn.h -- a sans-I/O HTTP/2 (RFC 9113) connection.
 *
 * The connection does no I/O.  Bytes received from the peer go in through
 * h2c_conn_recv(), which turns the connection and stream state machines and
 * hands back one event per call.  Calls such as h2c_conn_submit_headers()
 * queue frames; the caller copies whatever is queued into its socket with
 * h2c_conn_send() (or h2c_conn_output() + h2c_conn_output_consume()).
 * Built on <h2codec/frame.h>, <h2codec/hpack.h> and <h2codec/fields.h>,
 * with the conventions of <h2codec/common.h>.
 *
 * A server, in brief (error handling shortened):
 *
 *     h2c_conn_options o;
 *     h2c_conn_options_init(&o, H2C_CONN_SERVER);
 *     h2c_conn *c;
 *     h2c_conn_new(&c, &o);                 // queues our preface (SETTINGS)
 *     for (;;) {
 *         n = read(fd, buf, sizeof buf);
 *         size_t off = 0, used;
 *         h2c_conn_event ev;
 *         int rc;
 *         while ((rc = h2c_conn_recv(c, buf + off, n - off, &used, &ev)) != H2C_OK) {
 *             off += used;
 *             if (rc < 0) break;             // connection error: GOAWAY is queued
 *             if (rc == H2C_CONN_EV_REQUEST)
 *                 respond(c, ev.stream_id, &ev);  // h2c_conn_submit_headers(), _data()
 *             if (rc == H2C_CONN_EV_DATA)
 *                 h2c_conn_consume(c, ev.stream_id, ev.flow_len);  // window updates
 *         }
 *         while (h2c_conn_output_len(c)) {   // write what is queued
 *             h2c_view out = h2c_conn_output(c);
 *             ssize_t w = write(fd, out.ptr, out.len);
 *             if (w <= 0) break;             // EAGAIN: wait until writable
 *             h2c_conn_output_consume(c, (size_t)w);
 *         }
 *         if (h2c_conn_done(c)) break;       // GOAWAY sent or received, all written
 *     }
 *     h2c_conn_free(c);
 *
 * Memory: everything comes from options.allocator.  The connection holds
 * its HPACK codecs, a frame parser, an output queue, a field arena and a
 * pool of stream records.  Each grows with use up to a bound set by the
 * options and is then reused: once a connection has carried the largest
 * request it will see, requests allocate nothing.
 *
 * Security defaults: every flood RFC 9113 section 10.5 and the CVEs of
 * 2019 and 2023 describe ends with GOAWAY ENHANCE_YOUR_CALM under the
 * default limits (see h2c_conn_limits).
 */
#ifndef H2CODEC_CONN_H
#define H2CODEC_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <h2codec/common.h>
#include <h2codec/frame.h>
#include <h2codec/hpack.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Statuses
 * ---------------------------------------------------------------------- */

/**
 * Events and errors of the connection (the ±400 hundred of
 * <h2codec/common.h>).  h2c_conn_recv() returns H2C_OK when it has consumed
 * all its input and has nothing more to report, an event, or a negative
 * connection error.  Frame, HPACK and field-validation errors found in the
 * peer's bytes keep their own statuses (H2C_FRAME_E_*, H2C_HPACK_E_*,
 * H2C_FIELDS_E_*) in h2c_conn_event.error.
 */
typedef enum h2c_conn_status {
    /* Events (h2c_conn_recv()). */
    H2C_CONN_EV_REQUEST = 401,       /**< server: request headers; fields, pseudo-headers */
    H2C_CONN_EV_RESPONSE = 402,      /**< client: final response headers (:status 200-599) */
    H2C_CONN_EV_INFORMATIONAL = 403, /**< client: a 1xx response (more headers follow) */
    H2C_CONN_EV_TRAILERS = 404,      /**< trailers (always with end_stream) */
    H2C_CONN_EV_DATA = 405,          /**< body octets; acknowledge flow_len with consume() */
    H2C_CONN_EV_STREAM_END = 406,    /**< the peer ended its side of the stream (END_STREAM) */
    H2C_CONN_EV_STREAM_RESET = 407,  /**< the stream was reset: by the peer (remote = 1) or by
                                          us on a stream error (remote = 0, error says why) */
    H2C_CONN_EV_WINDOW_UPDATE = 408, /**< the peer opened a send window (stream_id 0: the
                                          connection's); more data may be submitted */
    H2C_CONN_EV_SETTINGS = 409,      /**< the peer's settings changed (acknowledged already) */
    H2C_CONN_EV_SETTINGS_ACK = 410,  /**< the peer acknowledged our settings: now in force */
    H2C_CONN_EV_PING = 411,          /**< a PING arrived (the ACK is queued already) */
    H2C_CONN_EV_PING_ACK = 412,      /**< the answer to one of our PINGs */
    H2C_CONN_EV_GOAWAY = 413,        /**< the peer is closing: last_stream_id, error_code, debug */
    H2C_CONN_EV_PUSH = 414,          /**< client: PUSH_PROMISE; promised_stream_id, fields */
    H2C_CONN_EV_PRIORITY_UPDATE = 415, /**< RFC 9218 PRIORITY_UPDATE; frame */
    H2C_CONN_EV_ALTSVC = 416,        /**< RFC 7838 ALTSVC; frame */
    H2C_CONN_EV_ORIGIN = 417,        /**< RFC 8336 ORIGIN; frame */
    H2C_CONN_EV_UNKNOWN_FRAME = 418, /**< a frame of an unknown type (ignored); frame */
    H2C_CONN_EV_HEADERS_TOO_LARGE = 419, /**< a header list larger than our
                                          SETTINGS_MAX_HEADER_LIST_SIZE.  The block was
                                          decoded (HPACK stays in sync) but its fields are
                                          not delivered; the stream stays open: a server
                                          answers 431 (RFC 6585) or resets it */
    H2C_CONN_EV_FRAME = 420,         /**< H2C_CONN_OBSERVE only: a frame, in frame and
                                          decoded; for an ignorable malformed extension
                                          frame, error says why (scope IGNORABLE) */
    H2C_CONN_EV_PREFACE = 421,       /**< H2C_CONN_OBSERVE only: the client connection
                                          preface (the bytes are the client's) */

    /* Connection errors found by the connection itself (GOAWAY queued). */
    H2C_CONN_E_STREAM_ID = -401,     /**< a new stream id that is not allowed: even from a
                                          client, odd from a server, not above the last one
                                          (PROTOCOL_ERROR) */
    H2C_CONN_E_STREAM_IDLE = -402,   /**< a frame that needs an open stream on an idle one
                                          (PROTOCOL_ERROR, RFC 9113 5.1) */
    H2C_CONN_E_STREAM_CLOSED = -403, /**< a frame on a stream the peer had ended
                                          (STREAM_CLOSED) */
    H2C_CONN_E_FLOW_CONTROL = -404,  /**< the peer overran a window we gave, or made one
                                          overflow 2^31-1 (FLOW_CONTROL_ERROR) */
    H2C_CONN_E_PUSH = -405,          /**< a PUSH_PROMISE that is not allowed: to a server,
                                          or with push disabled (PROTOCOL_ERROR) */
    H2C_CONN_E_SETTINGS = -406,      /**< a first frame that is not SETTINGS, or
                                          ENABLE_PUSH = 1 from a server (PROTOCOL_ERROR);
                                          an unsolicited SETTINGS ACK is ignored */
    H2C_CONN_E_FLOOD = -407,         /**< a flood: pings, settings, resets, rapid resets,
                                          empty frames... (ENHANCE_YOUR_CALM); the reason
                                          names which */
    H2C_CONN_E_GOAWAY = -408,        /**< the peer raised the last stream id of its GOAWAY
                                          (PROTOCOL_ERROR) */

    /* Stream errors found by the connection (RST_STREAM queued, reported
     * as H2C_CONN_EV_STREAM_RESET with remote = 0). */
    H2C_CONN_E_REFUSED = -420,       /**< over our SETTINGS_MAX_CONCURRENT_STREAMS, or after
                                          our GOAWAY (REFUSED_STREAM) */
    H2C_CONN_E_CONTENT_LENGTH = -421, /**< DATA does not add up to content-length, or
                                          content-length is not a number (PROTOCOL_ERROR) */
    H2C_CONN_E_MALFORMED = -422,     /**< a message that breaks RFC 9113 section 8.1: trailers
                                          without END_STREAM, headers after trailers, DATA
                                          before headers, :status 101 (PROTOCOL_ERROR) */
    H2C_CONN_E_STREAM_FLOW = -423,   /**< the peer overran a stream window or made it overflow
                                          (FLOW_CONTROL_ERROR) */
    H2C_CONN_E_CLOSED_STREAM = -424, /**< a frame on a stream that is already closed
                                          (STREAM_CLOSED) */

    /* Local failures of submit calls (nothing is queued). */
    H2C_CONN_E_STREAM_STATE = -440,  /**< the stream cannot take this now: unknown, closed,
                                          or our side already ended */
    H2C_CONN_E_NO_STREAMS = -441,    /**< no new stream: the peer's concurrency limit, its
                                          GOAWAY, or stream ids used up */
    H2C_CONN_E_CLOSED = -442,        /**< the connection is closing or failed */
    H2C_CONN_E_OPEN_BLOCK = -443     /**< h2c_conn_finish(): the input ended between frames
                                          but inside a field block (no END_HEADERS) */
} h2c_conn_status;

/* ------------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------- */

/** Which end of the connection we are. */
typedef enum h2c_conn_role {
    H2C_CONN_CLIENT = 0, /**< we send the preface and open odd streams */
    H2C_CONN_SERVER = 1  /**< we expect the preface and answer */
} h2c_conn_role;

/**
 * HTTP/2 settings (RFC 9113 section 6.5.2).  As local settings they are
 * sent in our first SETTINGS frame and take effect when the peer
 * acknowledges them; values equal to the protocol's initial ones are not
 * sent.  As remote settings they are what the peer announced.
 */
typedef struct h2c_conn_settings {
    uint32_t header_table_size;      /**< 4096 */
    uint32_t enable_push;            /**< 0 (local default: we refuse server push) */
    uint32_t max_concurrent_streams; /**< local default 100; remote initial: unlimited */
    uint32_t initial_window_size;    /**< 65535 */
    uint32_t max_frame_size;         /**< 16384 */
    uint32_t max_header_list_size;   /**< local default 65536; remote initial: unlimited */
    uint32_t enable_connect_protocol; /**< RFC 8441; 0 */
} h2c_conn_settings;

/**
 * Flood and abuse limits.  Every limit ends the connection with GOAWAY
 * ENHANCE_YOUR_CALM (H2C_CONN_E_FLOOD) when crossed; 0 turns a limit off.
 */
typedef struct h2c_conn_limits {
    size_t max_output;           /**< octets queued and not yet taken by the caller: a
                                      submit that would pass it fails with
                                      H2C_E_BUFFER_TOO_SMALL, and answers the peer forces
                                      (PING and SETTINGS ACKs, RST_STREAM) past it are a
                                      flood (CVE-2019-9512, 9515, 9514); 1 MiB */
    uint32_t max_peer_resets;    /**< streams the peer opened and reset before we ended
                                      them, net of the streams it let finish (rapid reset,
                                      CVE-2023-44487); 200 */
    uint32_t max_stream_errors;  /**< RST_STREAMs we had to send for stream errors, net of
                                      finished streams (reset flood); 200 */
    uint32_t max_empty_frames;   /**< empty DATA, HEADERS and CONTINUATION frames without
                                      END_STREAM (CVE-2019-9518), net of non-empty ones; 1000.
                                      With H2C_CONN_OBSERVE, the only limit that applies, as
                                      the frame parser's count of all empty frames */
    uint32_t max_continuations;  /**< CONTINUATION frames per field block; 512 (the block
                                      size bounds the work; this bounds the frame count) */
    size_t max_block_size;       /**< compressed octets per field block; 131072 */
    uint32_t max_settings_entries; /**< per SETTINGS frame; 32 */
    uint32_t max_unacked_settings; /**< SETTINGS we sent and the peer did not ack yet (a
                                      further h2c_conn_update_settings() fails with
                                      H2C_E_STATE); 8, at most 8 */
    uint32_t max_reserved_streams; /**< a client's streams promised by the server and not
                                      answered yet (reserved, which no concurrency limit
                                      counts); a PUSH_PROMISE past it is refused with
                                      RST_STREAM REFUSED_STREAM on the promised stream; 100 */
} h2c_conn_limits;

/* Option flags (h2c_conn_options.flags). */
#define H2C_CONN_NO_AUTO_WINDOW_UPDATE 0x01u /**< never send WINDOW_UPDATE by itself: the
                                                  caller uses h2c_conn_window_update() */
#define H2C_CONN_NO_VALIDATION         0x02u /**< skip the field checks of RFC 9113 8.2-8.3
                                                  (the validator, Host) and content-length;
                                                  the framing rules of 8.1 (trailers end
                                                  the stream, 1xx) still hold, except with
                                                  H2C_CONN_OBSERVE; for tests and proxies
                                                  that check on their own */
#define H2C_CONN_OBSERVE               0x04u /**< decode one direction of a connection that
                                                  others hold, e.g. from a capture: nothing
                                                  is queued or answered, flow control, stream
                                                  states and flood limits are not enforced,
                                                  settings apply at once, and every frame is
                                                  reported (H2C_CONN_EV_FRAME) before the
                                                  events it gives.  The role is the receiver's;
                                                  a client preface in the input makes it
                                                  H2C_CONN_SERVER */
#define H2C_CONN_NO_HPACK              0x08u /**< with H2C_CONN_OBSERVE: frames only; field
                                                  blocks are neither assembled nor decoded */

/** Connection settings.  Fill with h2c_conn_options_init(), then adjust. */
typedef struct h2c_conn_options {
    int role;                    /**< h2c_conn_role */
    h2c_conn_settings settings;  /**< our settings, sent with the preface */
    uint32_t connection_window;  /**< receive window of the whole connection; 65535 (the
                                      protocol's); more is announced with a WINDOW_UPDATE
                                      right after the preface */
    h2c_conn_limits limits;
    uint32_t flags;              /**< H2C_CONN_* option flags */
    uint32_t fields_lenient;     /**< H2C_FIELDS_LENIENT_* rules to relax; 0 */
    int hpack_policy;            /**< h2c_hpack_policy_kind of our encoder; ADAPTIVE */
    int observe_preface;         /**< with H2C_CONN_OBSERVE: h2c_frame_preface_mode of the
                                      input; H2C_FRAME_PREFACE_AUTO */
    uint32_t hpack_lenient;      /**< H2C_HPACK_LENIENT_* of our decoder; 0.  With
                                      H2C_HPACK_LENIENT_UNKNOWN_INDEX, placeholder fields
                                      come through and their block is not validated */
    const h2c_allocator *allocator; /**< NULL: libc; must return malloc-aligned memory
                                         (see h2c_allocator in <h2codec/common.h>) */
} h2c_conn_options;

/** Fill *o with the defaults documented above for this role. */
H2C_API void h2c_conn_options_init(h2c_conn_options *o, int role);

/* ------------------------------------------------------------------------
 * Lifecycle
 * ---------------------------------------------------------------------- */

typedef struct h2c_conn h2c_conn;

/**
 * Create a connection and queue our preface: for a client the 24-octet
 * connection preface, then SETTINGS (and a WINDOW_UPDATE if
 * connection_window is above 65535).  H2C_E_INVALID_ARGUMENT for settings
 * out of range, H2C_E_NOMEM.  On failure *out is NULL.
 */
H2C_API int h2c_conn_new(h2c_conn **out, const h2c_conn_options *o);

/** Free the connection and everything it holds.  NULL is allowed. */
H2C_API void h2c_conn_free(h2c_conn *c);

/* ------------------------------------------------------------------------
 * Receiving
 * ---------------------------------------------------------------------- */

/** A header field of an event: views into the connection's field arena. */
typedef struct h2c_conn_field {
    h2c_view name;
    h2c_view value;
    uint8_t never_index; /**< the peer sent it never-indexed (sensitive): keep it so */
    uint8_t hpack_flags; /**< H2C_HPACK_F_* as decoded; with lenient HPACK, F_UNKNOWN also
                              marks a name taken from an entry that had a placeholder name */
} h2c_conn_field;

/**
 * What h2c_conn_recv() reports.  Which members are meaningful depends on
 * the event; the rest are zero.  Views (fields, pseudo-headers, data,
 * debug_data, frame payloads) stay valid until the next call on the
 * connection that takes it non-const, and data views while the caller's
 * input stays unchanged.
 */
typedef struct h2c_conn_event {
    int type;                    /**< the event, as returned */
    uint32_t stream_id;          /**< the stream, 0 for the connection */
    int end_stream;              /**< HEADERS, DATA: this frame ended the peer's side
                                      (a STREAM_END event follows) */
    void *user;                  /**< the stream's h2c_conn_stream_set_user() pointer,
                                      taken when the event was made: still there for the
                                      last events of a stream that has closed since */

    /* REQUEST, RESPONSE, INFORMATIONAL, TRAILERS, PUSH */
    const h2c_conn_field *fields; /**< in wire order, pseudo-headers included */
    size_t nfields;
    h2c_view method, scheme, authority, path, protocol; /**< request pseudo-headers */
    int status;                  /**< :status of a response, 0 otherwise */
    int64_t content_length;      /**< content-length, or -1 if absent */
    uint32_t promised_stream_id; /**< PUSH */

    /* DATA */
    h2c_view data;               /**< the body octets (padding removed) */
    uint32_t flow_len;           /**< octets counted against the windows (padding
                                      included): pass to h2c_conn_consume() */

    /* STREAM_RESET, GOAWAY */
    uint32_t error_code;         /**< RFC 9113 error code */
    int remote;                  /**< STREAM_RESET: 1 the peer reset it, 0 we did */
    uint32_t last_stream_id;     /**< GOAWAY */
    h2c_view debug_data;         /**< GOAWAY: opaque, often text */

    /* WINDOW_UPDATE */
    uint32_t increment;

    /* PING, PING_ACK */
    uint8_t opaque_data[8];

    /* SETTINGS: the peer's settings after the change */
    h2c_conn_settings settings;

    /* PRIORITY_UPDATE, ALTSVC, ORIGIN, UNKNOWN_FRAME, FRAME: the frame as parsed */
    const h2c_frame *frame;
    int decoded;                 /**< FRAME: 1 when frame's typed fields are decoded, 0
                                      when only its header (and for an ignored
                                      frame its payload) is known */
    uint64_t missing;            /**< h2c_conn_finish() H2C_FRAME_E_TRUNCATED: octets
                                      missing to complete the frame (at least) */

    /* STREAM_RESET (remote = 0) and connection errors: what went wrong */
    h2c_error error;
} h2c_conn_event;

/**
 * Feed bytes received from the peer.
 *
 * Reads in[0..len) until it has an event, and returns it with *ev filled;
 * returns H2C_OK when all input is consumed and nothing is left to report;
 * or a negative status for a connection error.  *consumed is always set:
 * call again with the rest.  One frame can give several events (a HEADERS
 * frame with END_STREAM gives REQUEST, then STREAM_END): the later ones
 * come from the next calls, even with no new input (len 0).
 *
 * Answers the protocol requires are queued by themselves: SETTINGS and
 * PING acknowledgements, RST_STREAM for stream errors, WINDOW_UPDATE by the
 * policy of h2c_conn_consume(), GOAWAY on a connection error.
 *
 * A connection error is sticky: ev->error says what happened (status,
 * HTTP/2 code, stream, offset, reason), GOAWAY is queued, and every later
 * call returns the same status.  Flush the output, then close.
 */
H2C_API int h2c_conn_recv(h2c_conn *c, const uint8_t *in, size_t len, size_t *consumed,
                          h2c_conn_event *ev);

/**
 * The peer's input has ended (the transport closed).  H2C_OK at a frame
 * boundary outside any field block; H2C_FRAME_E_TRUNCATED when it ended
 * inside the preface or a frame (ev->missing octets short, scope LOCAL);
 * H2C_CONN_E_OPEN_BLOCK when it ended inside a field block (ev->stream_id);
 * the sticky error after a connection error.  Changes no state.
 */
H2C_API int h2c_conn_finish(h2c_conn *c, h2c_conn_event *ev);

/**
 * Acknowledge n octets of flow-controlled data of stream_id (the flow_len
 * of DATA events), once the application has taken them.  Policy: a
 * WINDOW_UPDATE is queued for the stream, and one for the connection, when
 * what was acknowledged and not yet announced reaches half of that window's
 * size; unless H2C_CONN_NO_AUTO_WINDOW_UPDATE.  Data of streams that are
 * closed or reset is acknowledged for the connection by itself.
 * H2C_OK, or H2C_E_INVALID_ARGUMENT if n is more than was received.
 */
H2C_API int h2c_conn_consume(h2c_conn *c, uint32_t stream_id, size_t n);

/* ------------------------------------------------------------------------
 * Sending: each call queues frames, or fails and queues nothing.
 * ---------------------------------------------------------------------- */

/**
 * Client: open a stream with request headers (":method", ":scheme",
 * ":authority", ":path" first).  Sets *stream_id.  H2C_CONN_E_NO_STREAMS
 * when the peer's SETTINGS_MAX_CONCURRENT_STREAMS or GOAWAY forbids a new
 * stream now.
 */
H2C_API int h2c_conn_submit_request(h2c_conn *c, const h2c_hpack_field *fields, size_t n,
                                    int end_stream, uint32_t *stream_id);

/**
 * Send a header block on a stream: a response (1xx first if any), or
 * trailers (end_stream must then be 1).  Split into CONTINUATION frames
 * by the peer's SETTINGS_MAX_FRAME_SIZE.
 */
H2C_API int h2c_conn_submit_headers(h2c_conn *c, uint32_t stream_id,
                                    const h2c_hpack_field *fields, size_t n, int end_stream);

/**
 * Queue body octets.  Flow control and the output bound may take fewer than
 * len: *accepted says how many were queued (end_stream applies only if all
 * were).  When it is less, wait for H2C_CONN_EV_WINDOW_UPDATE (or for the
 * output to drain) and submit the rest.  Never fails for a window of 0:
 * *accepted is then 0 and H2C_OK is returned.
 */
H2C_API int h2c_conn_submit_data(h2c_conn *c, uint32_t stream_id, const uint8_t *data,
                                 size_t len, int end_stream, size_t *accepted);

/**
 * The octets flow control lets us send on stream_id now: the smaller of the
 * stream's and the connection's window, or 0 for a stream the connection
 * does not hold (idle or closed) and after a connection error.  stream_id 0
 * asks for the connection's window alone.
 */
H2C_API size_t h2c_conn_send_window(const h2c_conn *c, uint32_t stream_id);

/** End our side of the stream with an empty DATA frame carrying END_STREAM. */
H2C_API int h2c_conn_end_stream(h2c_conn *c, uint32_t stream_id);

/** Reset a stream (RST_STREAM with error_code, e.g. H2C_H2_CANCEL). */
H2C_API int h2c_conn_reset_stream(h2c_conn *c, uint32_t stream_id, uint32_t error_code);

/**
 * Server: promise a pushed response on stream_id with the request fields
 * of the promised request.  Sets *promised_stream_id (even).
 * H2C_CONN_E_NO_STREAMS when the client disabled push.
 */
H2C_API int h2c_conn_submit_push(h2c_conn *c, uint32_t stream_id, const h2c_hpack_field *fields,
                                 size_t n, uint32_t *promised_stream_id);

/** Send a PING with these 8 octets (NULL: zeros); PING_ACK reports the answer. */
H2C_API int h2c_conn_ping(h2c_conn *c, const uint8_t *opaque_data);

/**
 * Change our settings: sends SETTINGS with the values that differ from
 * the ones last sent; they take effect when acknowledged (SETTINGS_ACK).
 * With H2C_CONN_OBSERVE nothing is sent: the settings the receiver
 * announced take effect at once (the HPACK table size between blocks).
 */
H2C_API int h2c_conn_update_settings(h2c_conn *c, const h2c_conn_settings *s);

/**
 * Grow a receive window by hand (with H2C_CONN_NO_AUTO_WINDOW_UPDATE):
 * stream_id 0 for the connection.  H2C_E_INVALID_ARGUMENT if the window
 * would pass 2^31-1.
 */
H2C_API int h2c_conn_window_update(h2c_conn *c, uint32_t stream_id, uint32_t increment);

/**
 * Close gracefully: GOAWAY with the last stream the peer opened and
 * error_code (H2C_H2_NO_ERROR for a normal shutdown).  Streams already
 * open may finish; new ones from the peer are refused.  h2c_conn_done()
 * turns true once every stream is closed and the output is drained.
 */
H2C_API int h2c_conn_close(h2c_conn *c, uint32_t error_code, h2c_view debug_data);

/* ------------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------- */

/** Octets queued for the peer. */
H2C_API size_t h2c_conn_output_len(const h2c_conn *c);

/**
 * The queued octets as one view, valid until the next call that takes the
 * connection non-const.  Write some of them, then h2c_conn_output_consume().
 */
H2C_API h2c_view h2c_conn_output(const h2c_conn *c);

/** Drop the first n queued octets (they were written). */
H2C_API void h2c_conn_output_consume(h2c_conn *c, size_t n);

/** Copy up to cap queued octets into out and drop them; returns the count. */
H2C_API size_t h2c_conn_send(h2c_conn *c, uint8_t *out, size_t cap);

/* ------------------------------------------------------------------------
 * State
 * ---------------------------------------------------------------------- */

/** Stream states (RFC 9113 section 5.1). */
typedef enum h2c_conn_stream_state {
    H2C_STREAM_IDLE = 0,
    H2C_STREAM_RESERVED_LOCAL = 1,
    H2C_STREAM_RESERVED_REMOTE = 2,
    H2C_STREAM_OPEN = 3,
    H2C_STREAM_HALF_CLOSED_LOCAL = 4,
    H2C_STREAM_HALF_CLOSED_REMOTE = 5,
    H2C_STREAM_CLOSED = 6
} h2c_conn_stream_state;

/** A stream's state: IDLE for ids not used yet, CLOSED for ids used and gone. */
H2C_API h2c_conn_stream_state h2c_conn_stream_state_get(const h2c_conn *c, uint32_t stream_id);

/** Attach a pointer of the caller's to an open stream (H2C_CONN_E_STREAM_STATE if none). */
H2C_API int h2c_conn_stream_set_user(h2c_conn *c, uint32_t stream_id, void *user);
/** The pointer set by h2c_conn_stream_set_user(), NULL if none or no such stream. */
H2C_API void *h2c_conn_stream_user(const h2c_conn *c, uint32_t stream_id);

/** The settings the peer announced (initial values until its SETTINGS arrive). */
H2C_API const h2c_conn_settings *h2c_conn_remote_settings(const h2c_conn *c);
/** Our settings in force (acknowledged by the peer). */
H2C_API const h2c_conn_settings *h2c_conn_local_settings(const h2c_conn *c);

/** Streams open or half-closed now (reserved ones not counted). */
H2C_API uint32_t h2c_conn_open_streams(const h2c_conn *c);

/**
 * 1 when there is nothing more to do: a GOAWAY was sent or received (or a
 * connection error happened), no stream is left open, and the output is
 * drained.  The caller then closes the transport.
 */
H2C_API int h2c_conn_done(const h2c_conn *c);

/** The sticky connection error (status H2C_OK if none); returns its status. */
H2C_API int h2c_conn_error(const h2c_conn *c, h2c_error *err);

/** Heap octets the connection holds now, from its allocator (for memory accounting). */
H2C_API size_t h2c_conn_memory(const h2c_conn *c);

#ifdef __cplusplus
}
#endif
#endif /* H2CODEC_CONN_H */
