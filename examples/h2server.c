/* SPDX-License-Identifier: MIT */
/*
 * h2server -- an HTTP/2 file and echo server on libh2codec-conn.
 *
 *     h2server --port N [--host ADDR] [--root DIR] [--stats] [-v]
 *
 * Cleartext HTTP/2 with prior knowledge (no TLS, no HTTP/1.1 upgrade), one
 * thread, epoll, non-blocking sockets, any number of connections.  This
 * file is only the socket loop and the application: framing, HPACK, stream
 * states, flow control and SETTINGS are all done by h2c_conn.
 *
 *   GET, HEAD        a file under --root (a directory serves its index.html);
 *                    without --root, a built-in page at "/"
 *   POST, PUT /echo  200 with the request body (413 past 16 MiB)
 *   anything else    404
 *   header list too large (H2C_CONN_EV_HEADERS_TOO_LARGE): 431
 *
 * Memory: one static read buffer and one static file buffer serve every
 * connection.  A connection owns its h2c_conn and a list of small stream
 * records (recycled through a free list); the only other buffers are the
 * request bodies /echo has to hold.  Responses are written straight from
 * h2c_conn_output().
 *
 * --port 0 picks a free port; either way the server prints
 * "listening on ADDR:PORT" on stdout.  SIGINT and SIGTERM end it cleanly:
 * no new connections, GOAWAY on every open one, and up to GRACE_MS for
 * the streams already open to finish (RFC 9113 6.8).  With --stats it
 * then prints its resource usage on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <h2codec/conn.h>

#define READ_CHUNK (64 * 1024)    /* one read() from a socket */
#define FILE_CHUNK (64 * 1024)    /* one pread() from a file */
#define OUT_HIGH (256 * 1024)     /* output queued past this: make no more, read no more */
#define ECHO_MAX (16 * 1024 * 1024) /* largest request body /echo holds */
#define PATH_LEN 4096             /* longest :path we look at */
#define ROUNDS 16                 /* pump/flush rounds per wake-up before yielding */
#define GRACE_MS 5000             /* after SIGTERM: time open streams have to finish */
#define LINGER_MS 2000            /* a finished connection waits this long for EOF */

/* ------------------------------------------------------------------------
 * State
 * ---------------------------------------------------------------------- */

/** One request and its response. */
struct stream {
    struct stream *prev, *next; /* the connection's streams */
    uint32_t id;
    unsigned peer_ended : 1;    /* the request is complete (STREAM_END) */
    unsigned collecting : 1;    /* /echo: DATA goes into body */
    unsigned started : 1;       /* the response is ready: the pump sends it */
    unsigned headers_sent : 1;
    unsigned head : 1;          /* HEAD: no body */
    int status;
    const char *ctype;
    uint64_t length;            /* content-length of the response */
    uint64_t sent;              /* body octets queued so far */
    const uint8_t *mem;         /* body in memory (static text or body) */
    int fd;                     /* or body in a file, -1 if none */
    uint8_t *body;              /* /echo: the request body */
    size_t body_len, body_cap;
};

/** One client connection. */
struct conn {
    struct conn *prev, *next;   /* every open connection */
    int fd;
    h2c_conn *h2;
    uint32_t interest;          /* the epoll events registered */
    unsigned failed : 1;        /* connection error: flush the GOAWAY, then close */
    unsigned read_closed : 1;   /* the peer sent EOF */
    unsigned more : 1;          /* the pump paused at OUT_HIGH, not for lack of window */
    unsigned want_write : 1;    /* yielded with work left: come back on EPOLLOUT */
    unsigned draining : 1;      /* all sent and our side shut: read until the peer's EOF */
    int64_t linger_until;       /* draining: close by then even without EOF */
    struct stream *streams;
    unsigned long serial;
};

static struct {
    int epfd, lfd, rootfd;
    int verbose, stats;
    struct conn *conns;
    unsigned draining;          /* connections draining (a timer is due) */
    struct stream *free_streams;
    unsigned long connections, requests, consume_errors;
} srv = { -1, -1, -1, 0, 0, NULL, 0, NULL, 0, 0, 0 };

static volatile sig_atomic_t quit;
static uint8_t rbuf[READ_CHUNK];  /* every socket read lands here */
static uint8_t fbuf[FILE_CHUNK];  /* every file read lands here */

static const char BUILTIN_PAGE[] =
    "<!DOCTYPE html>\n"
    "<html><head><meta charset=\"utf-8\"><title>h2codec</title></head>\n"
    "<body><h1>h2server</h1>\n"
    "<p>This page came over HTTP/2, framed by libh2codec-conn.</p>\n"
    "<p>POST or PUT a body to <code>/echo</code> to have it sent back.</p>\n"
    "</body></html>\n";
static const char NOT_FOUND[] = "not found\n";
static const char TOO_LARGE[] = "request body too large\n";
static const char HEADERS_TOO_LARGE[] = "request header fields too large\n";

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("h2server: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ------------------------------------------------------------------------
 * Streams
 * ---------------------------------------------------------------------- */

static struct stream *stream_new(struct conn *c, uint32_t id)
{
    struct stream *s = srv.free_streams;
    if (s)
        srv.free_streams = s->next;
    else if (!(s = malloc(sizeof *s)))
        return NULL;
    memset(s, 0, sizeof *s);
    s->id = id;
    s->fd = -1;
    if (h2c_conn_stream_set_user(c->h2, id, s) != H2C_OK) {
        s->next = srv.free_streams;
        srv.free_streams = s;
        return NULL;
    }
    s->next = c->streams;
    if (c->streams)
        c->streams->prev = s;
    c->streams = s;
    return s;
}

static void stream_free(struct conn *c, struct stream *s)
{
    h2c_conn_stream_set_user(c->h2, s->id, NULL); /* fails if the stream is gone: fine */
    if (s->prev)
        s->prev->next = s->next;
    else
        c->streams = s->next;
    if (s->next)
        s->next->prev = s->prev;
    if (s->fd >= 0)
        close(s->fd);
    free(s->body);
    s->next = srv.free_streams;
    srv.free_streams = s;
}

/*
 * The record of a stream.  The library keeps our pointer while the stream
 * is open; once it has closed (a reset, say) we look in our own list.
 */
static struct stream *stream_find(struct conn *c, uint32_t id)
{
    struct stream *s = h2c_conn_stream_user(c->h2, id);
    if (s)
        return s;
    for (s = c->streams; s; s = s->next)
        if (s->id == id)
            return s;
    return NULL;
}

/* Prepare a response from memory; the pump sends it once started is set. */
static void set_response(struct stream *s, int status, const char *ctype, const void *body,
                         size_t len)
{
    s->status = status;
    s->ctype = ctype;
    s->mem = body;
    s->length = len;
}

/* ------------------------------------------------------------------------
 * Files
 * ---------------------------------------------------------------------- */

static const char *content_type(const char *name)
{
    static const char *const map[][2] = {
        { ".html", "text/html; charset=utf-8" }, { ".htm", "text/html; charset=utf-8" },
        { ".txt", "text/plain; charset=utf-8" }, { ".css", "text/css" },
        { ".js", "text/javascript" },            { ".json", "application/json" },
        { ".png", "image/png" },                 { ".jpg", "image/jpeg" },
        { ".svg", "image/svg+xml" },             { ".gif", "image/gif" },
    };
    const char *dot = strrchr(name, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
            if (!strcasecmp(dot, map[i][0]))
                return map[i][1];
    return "application/octet-stream";
}

/* Open rel below dirfd, never escaping it (openat2 RESOLVE_BENEATH). */
static int open_beneath(int dirfd, const char *rel)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    if (fd < 0 && errno == ENOSYS) /* before Linux 5.6: ".." is rejected below anyway */
        fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    return fd;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/*
 * Turn a :path (query already cut) into a path relative to the root: undo
 * percent-encoding, refuse NUL and any ".." segment.  Returns 0 or -1.
 */
static int relative_path(const char *path, char *out, size_t cap)
{
    size_t o = 0;
    while (*path == '/')
        path++;
    for (const char *p = path; *p; p++) {
        int ch = (unsigned char)*p;
        if (ch == '%') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
            if (lo < 0)
                return -1;
            ch = hi * 16 + lo;
            p += 2;
            if (ch == 0)
                return -1;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    for (const char *seg = out; *seg;) { /* any ".." segment is refused */
        size_t n = strcspn(seg, "/");
        if (n == 2 && seg[0] == '.' && seg[1] == '.')
            return -1;
        seg += n;
        while (*seg == '/')
            seg++;
    }
    if (o == 0)
        memcpy(out, ".", 2); /* the root itself */
    return 0;
}

/* GET or HEAD: a file below --root, the built-in page, or 404. */
static void route_get(struct stream *s, const char *path)
{
    if (srv.rootfd < 0) {
        if (!strcmp(path, "/"))
            set_response(s, 200, "text/html; charset=utf-8", BUILTIN_PAGE,
                         sizeof BUILTIN_PAGE - 1);
        else
            set_response(s, 404, "text/plain", NOT_FOUND, sizeof NOT_FOUND - 1);
        return;
    }
    char rel[PATH_LEN];
    const char *name = rel;
    struct stat st;
    int fd = relative_path(path, rel, sizeof rel) ? -1 : open_beneath(srv.rootfd, rel);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        int ifd = open_beneath(fd, "index.html");
        close(fd);
        fd = ifd;
        name = "index.html";
    }
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        set_response(s, 404, "text/plain", NOT_FOUND, sizeof NOT_FOUND - 1);
        return;
    }
    s->status = 200;
    s->ctype = content_type(name);
    s->fd = fd;
    s->length = (uint64_t)st.st_size;
}

/* ------------------------------------------------------------------------
 * Events
 * ---------------------------------------------------------------------- */

static int view_is(h2c_view v, const char *s)
{
    size_t n = strlen(s);
    return v.len == n && memcmp(v.ptr, s, n) == 0;
}

/* H2C_CONN_EV_REQUEST: decide the response; it starts once the request ends. */
static void on_request(struct conn *c, const h2c_conn_event *ev)
{
    struct stream *s = stream_new(c, ev->stream_id);
    if (!s) {
        h2c_conn_reset_stream(c->h2, ev->stream_id, H2C_H2_INTERNAL_ERROR);
        return;
    }
    srv.requests++;

    /* The path without its query, as a C string (event views are not). */
    char path[PATH_LEN];
    size_t n = ev->path.len;
    for (size_t i = 0; i < n; i++)
        if (ev->path.ptr[i] == '?') {
            n = i;
            break;
        }
    if (n >= sizeof path || n == 0 || ev->path.ptr[0] != '/')
        n = 0; /* too long, empty, "*" or an authority: no such file */
    else
        memcpy(path, ev->path.ptr, n);
    path[n] = '\0';

    int get = view_is(ev->method, "GET"), head = view_is(ev->method, "HEAD");
    int post = view_is(ev->method, "POST") || view_is(ev->method, "PUT");
    if (post && !strcmp(path, "/echo")) {
        if (ev->content_length > ECHO_MAX) { /* refuse at once, do not wait for the body */
            set_response(s, 413, "text/plain", TOO_LARGE, sizeof TOO_LARGE - 1);
            s->started = 1;
        } else {
            s->collecting = 1;
            /* A declared length sizes the buffer, up to 1 MiB: more is
             * believed only as it arrives. */
            if (ev->content_length > 0) {
                size_t want = ev->content_length > (1 << 20) ? (1 << 20)
                                                             : (size_t)ev->content_length;
                if ((s->body = malloc(want)))
                    s->body_cap = want;
            }
        }
    } else if ((get || head) && path[0] == '/') {
        route_get(s, path);
        s->head = (unsigned)head;
    } else {
        set_response(s, 404, "text/plain", NOT_FOUND, sizeof NOT_FOUND - 1);
    }
    if (srv.verbose)
        logf_("conn %lu stream %u: %.*s %.*s", c->serial, s->id, (int)ev->method.len,
              (const char *)ev->method.ptr, (int)ev->path.len, (const char *)ev->path.ptr);
}

/* H2C_CONN_EV_DATA: keep the body if /echo wants it, then give the window back. */
static void on_data(struct conn *c, const h2c_conn_event *ev)
{
    struct stream *s = stream_find(c, ev->stream_id);
    if (s && s->collecting && ev->data.len) {
        size_t need = s->body_len + ev->data.len;
        if (need > ECHO_MAX) {
            s->collecting = 0;
            free(s->body);
            s->body = NULL;
            s->body_len = s->body_cap = 0;
            set_response(s, 413, "text/plain", TOO_LARGE, sizeof TOO_LARGE - 1);
            s->started = 1;
        } else {
            if (need > s->body_cap) {
                size_t cap = s->body_cap ? s->body_cap : 16384;
                while (cap < need)
                    cap *= 2;
                if (cap > ECHO_MAX)
                    cap = ECHO_MAX;
                uint8_t *p = realloc(s->body, cap);
                if (!p) {
                    h2c_conn_reset_stream(c->h2, s->id, H2C_H2_INTERNAL_ERROR);
                    stream_free(c, s);
                    s = NULL;
                } else {
                    s->body = p;
                    s->body_cap = cap;
                }
            }
            if (s) {
                memcpy(s->body + s->body_len, ev->data.ptr, ev->data.len);
                s->body_len = need;
            }
        }
    }
    /* The data is taken (or dropped): acknowledge it so the peer may send more. */
    if (h2c_conn_consume(c->h2, ev->stream_id, ev->flow_len) != H2C_OK) {
        srv.consume_errors++;
        if (srv.verbose)
            logf_("conn %lu stream %u: consume(%u) refused", c->serial, ev->stream_id,
                  ev->flow_len);
    }
}

/* H2C_CONN_EV_STREAM_END: the request is complete; the response may go. */
static void on_stream_end(struct conn *c, const h2c_conn_event *ev)
{
    struct stream *s = stream_find(c, ev->stream_id);
    if (!s)
        return;
    s->peer_ended = 1;
    if (s->collecting) {
        s->collecting = 0;
        set_response(s, 200, "application/octet-stream", s->body, s->body_len);
    }
    s->started = 1;
}

static void on_event(struct conn *c, int type, const h2c_conn_event *ev)
{
    struct stream *s;
    switch (type) {
    case H2C_CONN_EV_REQUEST:
        on_request(c, ev);
        break;
    case H2C_CONN_EV_HEADERS_TOO_LARGE: /* the stream is open, its fields were dropped */
        srv.requests++;
        if ((s = stream_new(c, ev->stream_id))) {
            set_response(s, 431, "text/plain", HEADERS_TOO_LARGE, sizeof HEADERS_TOO_LARGE - 1);
            s->started = 1;
        } else {
            h2c_conn_reset_stream(c->h2, ev->stream_id, H2C_H2_INTERNAL_ERROR);
        }
        break;
    case H2C_CONN_EV_DATA:
        on_data(c, ev);
        break;
    case H2C_CONN_EV_STREAM_END:
        on_stream_end(c, ev);
        break;
    case H2C_CONN_EV_STREAM_RESET: /* by the peer, or by the library on a stream error */
        if (srv.verbose)
            logf_("conn %lu stream %u: reset by %s: %s%s%s", c->serial, ev->stream_id,
                  ev->remote ? "peer" : "us", h2c_h2_error_name(ev->error_code),
                  ev->remote ? "" : ": ", ev->remote ? "" : ev->error.reason);
        if ((s = stream_find(c, ev->stream_id)))
            stream_free(c, s);
        break;
    case H2C_CONN_EV_GOAWAY:
        if (srv.verbose)
            logf_("conn %lu: GOAWAY %s last %u", c->serial, h2c_h2_error_name(ev->error_code),
                  ev->last_stream_id);
        break;
    default: /* TRAILERS, WINDOW_UPDATE (the pump runs after every read anyway), SETTINGS,
                PING (already answered), PRIORITY_UPDATE, unknown frames... */
        break;
    }
}

/* Feed what was read; handle each event as it comes. */
static void conn_feed(struct conn *c, const uint8_t *buf, size_t len)
{
    size_t off = 0;
    for (;;) {
        h2c_conn_event ev;
        size_t used = 0;
        int rc = h2c_conn_recv(c->h2, buf + off, len - off, &used, &ev);
        off += used;
        if (rc == H2C_OK)
            break;
        if (rc < 0) { /* connection error: GOAWAY is queued, flush it and close */
            logf_("conn %lu: %s (%s, %s)", c->serial, ev.error.reason, h2c_status_name(rc),
                  h2c_h2_error_name(ev.error.h2_error));
            c->failed = 1;
            break;
        }
        on_event(c, rc, &ev);
    }
}

/* ------------------------------------------------------------------------
 * Sending
 * ---------------------------------------------------------------------- */

enum { SENT_ALL, BLOCKED, FAILED };

/* v in decimal at the end of buf[0..24); returns where it starts.  Not
 * snprintf: for small responses that was a sixth of the server's work. */
static const char *decimal(char buf[24], uint64_t v)
{
    char *p = buf + 24;
    do
        *--p = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    return p;
}

/* Queue as much of one response as the windows and the output bound take. */
static int pump_stream(struct conn *c, struct stream *s)
{
    h2c_conn *h2 = c->h2;
    if (!s->headers_sent) {
        char status[24], clen[24];
        const char *st = decimal(status, (uint64_t)s->status); /* 100-599: three digits */
        const char *cl = decimal(clen, s->length);
        h2c_hpack_field f[3];
        memset(f, 0, sizeof f);
        f[0].name = H2C_VIEW_LIT(":status");
        f[0].value = h2c_view_of(st, (size_t)(status + 24 - st));
        f[1].name = H2C_VIEW_LIT("content-type");
        f[1].value = h2c_view_of(s->ctype, strlen(s->ctype));
        f[2].name = H2C_VIEW_LIT("content-length");
        f[2].value = h2c_view_of(cl, (size_t)(clen + 24 - cl));
        int end = s->head || s->length == 0;
        int rc = h2c_conn_submit_headers(h2, s->id, f, 3, end);
        if (rc == H2C_E_BUFFER_TOO_SMALL) { /* the output queue is full: flush first */
            c->more = 1;
            return BLOCKED;
        }
        if (rc != H2C_OK)
            return FAILED;
        s->headers_sent = 1;
        if (end)
            return SENT_ALL;
    }
    while (s->sent < s->length) {
        size_t queued = h2c_conn_output_len(h2);
        if (queued >= OUT_HIGH) {
            c->more = 1;
            return BLOCKED;
        }
        size_t n = h2c_conn_send_window(h2, s->id);
        if (n == 0)
            return BLOCKED; /* H2C_CONN_EV_WINDOW_UPDATE will bring us back */
        if (n > OUT_HIGH - queued)
            n = OUT_HIGH - queued;
        if (n > FILE_CHUNK)
            n = FILE_CHUNK;
        if (n > s->length - s->sent)
            n = (size_t)(s->length - s->sent);
        const uint8_t *p = s->mem ? s->mem + s->sent : fbuf;
        if (!s->mem) {
            ssize_t r = pread(s->fd, fbuf, n, (off_t)s->sent);
            if (r <= 0)
                return FAILED; /* the file shrank or broke: content-length is a lie now */
            n = (size_t)r;
        }
        size_t accepted = 0;
        int rc = h2c_conn_submit_data(h2, s->id, p, n, s->sent + n == s->length, &accepted);
        if (rc != H2C_OK && rc != H2C_E_BUFFER_TOO_SMALL)
            return FAILED;
        s->sent += accepted;
        if (accepted < n) {
            c->more = rc == H2C_E_BUFFER_TOO_SMALL || h2c_conn_send_window(h2, s->id) > 0;
            return BLOCKED;
        }
    }
    return SENT_ALL;
}

/* Run every started response as far as it can go. */
static void pump(struct conn *c)
{
    struct stream *s, *next;
    c->more = 0;
    for (s = c->streams; s; s = next) {
        next = s->next;
        if (!s->started)
            continue;
        int r = pump_stream(c, s);
        if (r == BLOCKED) {
            if (c->more)
                return;
            continue;
        }
        if (r == FAILED)
            h2c_conn_reset_stream(c->h2, s->id, H2C_H2_INTERNAL_ERROR);
        else if (!s->peer_ended) /* answered early (413, 431): the rest is not wanted */
            h2c_conn_reset_stream(c->h2, s->id, H2C_H2_NO_ERROR);
        stream_free(c, s);
    }
}

/* Write queued output until it is gone or the socket is full. -1: broken. */
static int flush(struct conn *c)
{
    while (h2c_conn_output_len(c->h2) > 0) {
        h2c_view out = h2c_conn_output(c->h2);
        ssize_t n = send(c->fd, out.ptr, out.len, MSG_NOSIGNAL);
        if (n > 0) {
            h2c_conn_output_consume(c->h2, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        } else {
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Connections
 * ---------------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void conn_close(struct conn *c)
{
    if (c->draining)
        srv.draining--;
    while (c->streams)
        stream_free(c, c->streams);
    epoll_ctl(srv.epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    h2c_conn_free(c->h2);
    if (c->prev)
        c->prev->next = c->next;
    else
        srv.conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    free(c);
}

/*
 * After anything happened on a connection: send what can be sent, close it
 * if it is finished, and register interest in exactly what it waits for.
 */
static void conn_service(struct conn *c)
{
    c->want_write = 0;
    for (int round = 0;; round++) {
        if (!c->failed)
            pump(c);
        if (flush(c) < 0) {
            conn_close(c);
            return;
        }
        if (h2c_conn_output_len(c->h2) > 0 || !c->more)
            break; /* the socket is full (EPOLLOUT resumes), or nothing more to send now */
        if (round == ROUNDS) {
            c->want_write = 1; /* let other connections run */
            break;
        }
    }
    size_t queued = h2c_conn_output_len(c->h2);
    if (queued == 0 && c->read_closed) {
        conn_close(c);
        return;
    }
    if (h2c_conn_done(c->h2) || (queued == 0 && c->failed)) {
        /* Closing a socket with unread input (the peer's last WINDOW_UPDATEs,
         * say) sends a TCP reset, and a reset can make the peer drop the end
         * of the response still in its buffers.  So shut our side, and close
         * at the peer's EOF, which follows our GOAWAY or EOF. */
        if (!c->draining) {
            c->draining = 1;
            c->linger_until = now_ms() + LINGER_MS; /* a peer that never closes */
            srv.draining++;
            shutdown(c->fd, SHUT_WR);
        }
        if (c->interest != EPOLLIN) {
            struct epoll_event e = { .events = EPOLLIN, .data.ptr = c };
            epoll_ctl(srv.epfd, EPOLL_CTL_MOD, c->fd, &e);
            c->interest = EPOLLIN;
        }
        return;
    }
    uint32_t want = 0;
    if (!c->failed && !c->read_closed && queued < OUT_HIGH)
        want |= EPOLLIN;
    if (queued > 0 || c->want_write)
        want |= EPOLLOUT;
    if (want != c->interest) {
        struct epoll_event e = { .events = want, .data.ptr = c };
        epoll_ctl(srv.epfd, EPOLL_CTL_MOD, c->fd, &e);
        c->interest = want;
    }
}

/* The socket is readable. -1: close it. */
static int conn_read(struct conn *c)
{
    ssize_t n = recv(c->fd, rbuf, sizeof rbuf, 0);
    if (n > 0) {
        if (!c->draining) /* once done, what comes is dropped */
            conn_feed(c, rbuf, (size_t)n);
        return 0;
    }
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    /* EOF: requests that are not complete never will be; finish the others. */
    c->read_closed = 1;
    for (struct stream *s = c->streams, *next; s; s = next) {
        next = s->next;
        if (!s->peer_ended && !s->started)
            stream_free(c, s);
    }
    return 0;
}

static void conn_accept(void)
{
    for (;;) {
        int fd = accept4(srv.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                errno != ECONNABORTED)
                logf_("accept: %s", strerror(errno));
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

        h2c_conn_options o;
        h2c_conn_options_init(&o, H2C_CONN_SERVER);
        struct conn *c = calloc(1, sizeof *c);
        if (!c || h2c_conn_new(&c->h2, &o) != H2C_OK) { /* queues our SETTINGS */
            logf_("out of memory for a connection");
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        c->serial = ++srv.connections;
        c->interest = EPOLLIN | EPOLLOUT;
        struct epoll_event e = { .events = c->interest, .data.ptr = c };
        if (epoll_ctl(srv.epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
            h2c_conn_free(c->h2);
            free(c);
            close(fd);
            continue;
        }
        c->next = srv.conns;
        if (srv.conns)
            srv.conns->prev = c;
        srv.conns = c;
        conn_service(c); /* sends the SETTINGS */
    }
}

/* ------------------------------------------------------------------------
 * Main
 * ---------------------------------------------------------------------- */

/* The first SIGTERM: stop accepting, GOAWAY (NO_ERROR) on every connection.
 * Streams already open go on; connections close as they finish. */
static void shutdown_begin(void)
{
    epoll_ctl(srv.epfd, EPOLL_CTL_DEL, srv.lfd, NULL);
    close(srv.lfd);
    srv.lfd = -1;
    for (struct conn *c = srv.conns, *next; c; c = next) {
        next = c->next; /* conn_service() may free c */
        h2c_conn_close(c->h2, H2C_H2_NO_ERROR, H2C_VIEW_LIT("server exit"));
        conn_service(c);
    }
}

static void on_signal(int sig)
{
    (void)sig;
    quit = 1;
}

static int listen_on(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        logf_("%s: %s", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 512) == 0)
            break;
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        logf_("cannot listen on %s port %s: %s", host, port, strerror(errno));
    freeaddrinfo(res);
    return fd;
}

static void print_address(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    char addr[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof addr);
        port = ntohs(a->sin6_port);
        printf("listening on [%s]:%u\n", addr, port);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &a->sin_addr, addr, sizeof addr);
        port = ntohs(a->sin_port);
        printf("listening on %s:%u\n", addr, port);
    }
    fflush(stdout);
}

static void usage(FILE *f)
{
    fputs("usage: h2server --port N [--host ADDR] [--root DIR] [--stats] [-v]\n"
          "  --port N     TCP port, 0 for any free one (printed on stdout)\n"
          "  --host ADDR  address to listen on (default 127.0.0.1)\n"
          "  --root DIR   serve files from DIR (default: a built-in page at /)\n"
          "  --stats      print resource usage on stderr at exit\n"
          "  -v           log requests, resets and GOAWAYs on stderr\n",
          f);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *port = NULL, *root = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--port") && i + 1 < argc)
            port = argv[++i];
        else if (!strcmp(a, "--host") && i + 1 < argc)
            host = argv[++i];
        else if (!strcmp(a, "--root") && i + 1 < argc)
            root = argv[++i];
        else if (!strcmp(a, "--stats"))
            srv.stats = 1;
        else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
            srv.verbose = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!port) {
        usage(stderr);
        return 2;
    }
    if (root && (srv.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        logf_("%s: %s", root, strerror(errno));
        return 1;
    }

    /* SIGINT and SIGTERM are blocked except inside epoll_pwait(): no race. */
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGINT);
    sigdelset(&waitmask, SIGTERM);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if ((srv.lfd = listen_on(host, port)) < 0)
        return 1;
    if ((srv.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        logf_("epoll: %s", strerror(errno));
        return 1;
    }
    struct epoll_event le = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(srv.epfd, EPOLL_CTL_ADD, srv.lfd, &le);
    print_address(srv.lfd);

    struct epoll_event evs[64];
    int64_t deadline = 0; /* set by the first signal */
    for (;;) {
        if (quit && !deadline) {
            deadline = now_ms() + GRACE_MS;
            shutdown_begin();
        }
        /* ms until the next timer, -1: none.  The clock is read only while
         * a timer runs: a busy server wakes up once per batch of events. */
        int64_t now = srv.draining || deadline ? now_ms() : 0, wait = -1;
        if (srv.draining) /* close the lingering connections that are due */
            for (struct conn *c = srv.conns, *next; c; c = next) {
                next = c->next;
                if (c->draining && c->linger_until <= now)
                    conn_close(c);
                else if (c->draining && (wait < 0 || c->linger_until - now < wait))
                    wait = c->linger_until - now;
            }
        if (deadline) {
            if (!srv.conns || deadline <= now)
                break;
            if (wait < 0 || deadline - now < wait)
                wait = deadline - now;
        }
        int n = epoll_pwait(srv.epfd, evs, 64, (int)wait, &waitmask);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            logf_("epoll_wait: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                conn_accept();
                continue;
            }
            /* c is alive: a connection is only freed while handling its own event. */
            if ((evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && conn_read(c) < 0) {
                conn_close(c);
                continue;
            }
            conn_service(c);
        }
    }

    /* Whatever the grace period left open: a GOAWAY (if none went yet),
     * one try to send it, then close. */
    while (srv.conns) {
        struct conn *c = srv.conns;
        h2c_conn_close(c->h2, H2C_H2_NO_ERROR, H2C_VIEW_LIT("server exit"));
        flush(c);
        conn_close(c);
    }
    while (srv.free_streams) {
        struct stream *s = srv.free_streams;
        srv.free_streams = s->next;
        free(s);
    }
    close(srv.epfd);
    if (srv.lfd >= 0)
        close(srv.lfd);
    if (srv.rootfd >= 0)
        close(srv.rootfd);
    if (srv.stats) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr,
                "h2server: stats: connections=%lu requests=%lu user_us=%lld sys_us=%lld "
                "maxrss_kb=%ld consume_errors=%lu\n",
                srv.connections, srv.requests,
                (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
                (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec, ru.ru_maxrss,
                srv.consume_errors);
    }
    return 0;
}
