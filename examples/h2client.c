/* SPDX-License-Identifier: MIT */
/*
 * h2client -- fetch URLs over one HTTP/2 connection with libh2codec-conn.
 *
 *     h2client [-v] [--data FILE] URL...
 *
 * Cleartext HTTP/2 with prior knowledge (http:// only).  Every URL must
 * name the same host and port: all requests go out at once, multiplexed on
 * one connection, within the server's SETTINGS_MAX_CONCURRENT_STREAMS.
 * Bodies are written to stdout in the order of the URLs once all are done.
 *
 *   -v           response headers (and 1xx, trailers) on stderr
 *   --data FILE  every request is a POST carrying FILE as its body
 *
 * A response that is not 2xx is reported on stderr.  The exit status is 1
 * if any request failed at the protocol level (the stream was reset, the
 * server sent GOAWAY with an error or closed the connection early, a
 * connection error), 2 for a usage error, 0 otherwise.  Requests the server
 * did not process (REFUSED_STREAM, or above the last stream id of a GOAWAY
 * without error, RFC 9113 8.7) are asked again: after a GOAWAY, on a new
 * connection once the old one has nothing left open.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <h2codec/conn.h>

#define READ_CHUNK (64 * 1024)
#define DATA_CHUNK (64 * 1024)
#define OUT_HIGH (256 * 1024)

enum { R_WAITING, R_OPEN, R_DONE, R_FAILED };

/** One URL and its response. */
struct req {
    const char *url;
    char *path;          /* :path, with the query */
    uint32_t id;         /* stream, 0 before it is opened */
    int state;           /* R_* */
    int status;          /* :status */
    int refused;         /* times the server refused the stream (REFUSED_STREAM) */
    size_t sent;         /* request body octets queued */
    uint8_t *body;       /* response body */
    size_t len, cap;
};

static int verbose;
static struct req *reqs;
static size_t nreqs;
static const uint8_t *data; /* --data FILE, or NULL */
static uint8_t *data_buf;   /* what data points to when the file is not empty */
static size_t data_len;
static char *authority;     /* host[:port] as in the URLs */
static int conn_failed;     /* the connection broke or ended with an error */
static int got_settings;    /* the server's first SETTINGS arrived */
static int got_goaway;      /* the server's GOAWAY arrived: no new streams here */
static uint32_t nopen;      /* streams open now */

/* Until the server's SETTINGS arrive its concurrency limit is unknown (the
 * protocol says unlimited): open no more than this many streams meanwhile. */
#define FIRST_FLIGHT 100

/* Times a refused stream is asked again; and connections in a row that
 * serve nothing before the client gives up. */
#define RETRIES 3

static void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("h2client: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ------------------------------------------------------------------------
 * URLs and the connection
 * ---------------------------------------------------------------------- */

/*
 * Split http://host[:port]/path?query into its authority (allocated), host
 * and port (allocated) and path (allocated, "/" if empty).  -1 if it is not
 * such a URL.
 */
static int parse_url(const char *url, char **auth, char **host, char **port, char **path)
{
    if (strncasecmp(url, "http://", 7) != 0)
        return -1;
    const char *a = url + 7;
    size_t alen = strcspn(a, "/?#");
    if (alen == 0 || memchr(a, '@', alen))
        return -1;
    const char *p = a + alen;
    size_t plen = strcspn(p, "#");

    const char *h = a, *colon;
    size_t hlen;
    if (*a == '[') { /* [IPv6]:port */
        const char *end = memchr(a, ']', alen);
        if (!end)
            return -1;
        h = a + 1;
        hlen = (size_t)(end - h);
        colon = end + 1 < a + alen && end[1] == ':' ? end + 1 : NULL;
        if (!colon && end + 1 != a + alen)
            return -1;
    } else {
        colon = memchr(a, ':', alen);
        hlen = colon ? (size_t)(colon - a) : alen;
    }
    *auth = strndup(a, alen);
    *host = strndup(h, hlen);
    *port = colon ? strndup(colon + 1, (size_t)(a + alen - colon - 1)) : strdup("80");
    if (plen == 0 || *p == '?') { /* "/" is implied */
        *path = malloc(plen + 2);
        if (*path) {
            (*path)[0] = '/';
            memcpy(*path + 1, p, plen);
            (*path)[plen + 1] = '\0';
        }
    } else {
        *path = strndup(p, plen);
    }
    if (!*auth || !*host || !*port || !*path || !**port)
        return -1;
    return 0;
}

static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        errorf("%s: %s", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1, err = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        errorf("connect to %s port %s: %s", host, port, strerror(err));
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static int read_file(const char *name)
{
    FILE *f = fopen(name, "rb");
    if (!f) {
        errorf("%s: %s", name, strerror(errno));
        return -1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                fclose(f);
                errorf("%s: out of memory", name);
                return -1;
            }
            buf = p;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errorf("%s: read error", name);
        return -1;
    }
    data = data_buf = buf;
    data_len = len;
    return 0;
}

/* ------------------------------------------------------------------------
 * Requests
 * ---------------------------------------------------------------------- */

static struct req *req_find(h2c_conn *c, const h2c_conn_event *ev)
{
    struct req *r = ev->user ? ev->user : h2c_conn_stream_user(c, ev->stream_id);
    if (r)
        return r;
    /* Closed streams lose their pointer.  Only open requests: one done on
     * an earlier connection may have had the same stream id. */
    for (size_t i = 0; i < nreqs; i++)
        if (reqs[i].id == ev->stream_id && reqs[i].state == R_OPEN)
            return &reqs[i];
    return NULL;
}

static void req_fail(struct req *r, const char *why)
{
    if (r->state == R_DONE || r->state == R_FAILED)
        return;
    errorf("%s: %s", r->url, why);
    if (r->state == R_OPEN)
        nopen--;
    r->state = R_FAILED;
}

/*
 * The server did not process r (RFC 9113 8.7): ask again.  A refused
 * stream (counted) is asked again on the same connection, a few times.  One
 * left by a GOAWAY goes on the next connection, and is not counted: a
 * server may end every connection after so many requests, and the
 * connection loop stops when connections stop serving anything.
 */
static void req_retry(struct req *r, const char *why, int counted)
{
    if (r->state != R_OPEN)
        return;
    if (counted && r->refused++ >= RETRIES) {
        req_fail(r, why);
        return;
    }
    nopen--;
    r->state = R_WAITING;
    r->id = 0;
    r->status = 0;
    r->sent = r->len = 0;
}

/* Open streams for the URLs still waiting, as far as the server allows. */
static void submit_requests(h2c_conn *c)
{
    char clen[24];
    snprintf(clen, sizeof clen, "%zu", data_len);
    for (size_t i = 0; i < nreqs; i++) {
        struct req *r = &reqs[i];
        if (r->state != R_WAITING)
            continue;
        if (!got_settings && nopen >= FIRST_FLIGHT)
            return;
        h2c_hpack_field f[6];
        size_t n = 0;
        memset(f, 0, sizeof f);
        f[n].name = H2C_VIEW_LIT(":method");
        f[n++].value = data ? H2C_VIEW_LIT("POST") : H2C_VIEW_LIT("GET");
        f[n].name = H2C_VIEW_LIT(":scheme");
        f[n++].value = H2C_VIEW_LIT("http");
        f[n].name = H2C_VIEW_LIT(":authority");
        f[n++].value = h2c_view_of(authority, strlen(authority));
        f[n].name = H2C_VIEW_LIT(":path");
        f[n++].value = h2c_view_of(r->path, strlen(r->path));
        f[n].name = H2C_VIEW_LIT("accept");
        f[n++].value = H2C_VIEW_LIT("*/*");
        if (data) {
            f[n].name = H2C_VIEW_LIT("content-length");
            f[n++].value = h2c_view_of(clen, strlen(clen));
        }
        int rc = h2c_conn_submit_request(c, f, n, !data || data_len == 0, &r->id);
        if (rc == H2C_CONN_E_NO_STREAMS || rc == H2C_E_BUFFER_TOO_SMALL)
            return; /* later: when a stream closes or the output drains */
        if (rc != H2C_OK) {
            req_fail(r, h2c_strerror(rc));
            continue;
        }
        r->state = R_OPEN;
        nopen++;
        h2c_conn_stream_set_user(c, r->id, r);
    }
}

/* Queue request bodies as far as flow control allows. 1: held back by the output bound. */
static int send_bodies(h2c_conn *c)
{
    if (!data)
        return 0;
    for (size_t i = 0; i < nreqs; i++) {
        struct req *r = &reqs[i];
        while (r->state == R_OPEN && r->sent < data_len) {
            size_t queued = h2c_conn_output_len(c);
            if (queued >= OUT_HIGH)
                return 1;
            size_t n = h2c_conn_send_window(c, r->id);
            if (n == 0)
                break; /* H2C_CONN_EV_WINDOW_UPDATE brings us back */
            if (n > DATA_CHUNK)
                n = DATA_CHUNK;
            if (n > data_len - r->sent)
                n = data_len - r->sent;
            size_t accepted = 0;
            int rc = h2c_conn_submit_data(c, r->id, data + r->sent, n, r->sent + n == data_len,
                                          &accepted);
            if (rc != H2C_OK && rc != H2C_E_BUFFER_TOO_SMALL) {
                req_fail(r, h2c_strerror(rc));
                h2c_conn_reset_stream(c, r->id, H2C_H2_INTERNAL_ERROR);
                break;
            }
            r->sent += accepted;
            if (accepted < n)
                break;
        }
    }
    return 0;
}

static void print_fields(uint32_t id, const char *what, const h2c_conn_event *ev)
{
    if (!verbose)
        return;
    fprintf(stderr, "[%u] %s\n", id, what);
    for (size_t i = 0; i < ev->nfields; i++)
        fprintf(stderr, "[%u] %.*s: %.*s\n", id, (int)ev->fields[i].name.len,
                (const char *)ev->fields[i].name.ptr, (int)ev->fields[i].value.len,
                (const char *)ev->fields[i].value.ptr);
}

static void on_event(h2c_conn *c, int type, const h2c_conn_event *ev)
{
    struct req *r = ev->stream_id ? req_find(c, ev) : NULL;
    switch (type) {
    case H2C_CONN_EV_INFORMATIONAL:
        print_fields(ev->stream_id, "informational", ev);
        break;
    case H2C_CONN_EV_RESPONSE:
        print_fields(ev->stream_id, "response", ev);
        if (r)
            r->status = ev->status;
        break;
    case H2C_CONN_EV_TRAILERS:
        print_fields(ev->stream_id, "trailers", ev);
        break;
    case H2C_CONN_EV_HEADERS_TOO_LARGE: /* past our SETTINGS_MAX_HEADER_LIST_SIZE: the
                                           fields were dropped, so the response is lost */
        if (r && r->state == R_OPEN) {
            req_fail(r, "response header list too large");
            h2c_conn_reset_stream(c, ev->stream_id, H2C_H2_CANCEL);
        }
        break;
    case H2C_CONN_EV_DATA:
        if (r && ev->data.len) {
            if (r->len + ev->data.len > r->cap) {
                size_t cap = r->cap ? r->cap : 65536;
                while (cap < r->len + ev->data.len)
                    cap *= 2;
                uint8_t *p = realloc(r->body, cap);
                if (!p) {
                    req_fail(r, "out of memory");
                    h2c_conn_reset_stream(c, r->id, H2C_H2_INTERNAL_ERROR);
                } else {
                    r->body = p;
                    r->cap = cap;
                }
            }
            if (r->state == R_OPEN) {
                memcpy(r->body + r->len, ev->data.ptr, ev->data.len);
                r->len += ev->data.len;
            }
        }
        h2c_conn_consume(c, ev->stream_id, ev->flow_len);
        break;
    case H2C_CONN_EV_STREAM_END:
        if (r && r->state == R_OPEN) {
            if (r->sent < data_len && data) { /* answered before the body was sent */
                h2c_conn_reset_stream(c, r->id, H2C_H2_NO_ERROR);
            }
            r->state = R_DONE;
            nopen--;
        }
        break;
    case H2C_CONN_EV_SETTINGS:
        got_settings = 1;
        break;
    case H2C_CONN_EV_STREAM_RESET:
        if (r && r->state == R_OPEN && ev->remote && ev->error_code == H2C_H2_REFUSED_STREAM) {
            req_retry(r, "refused by the server (REFUSED_STREAM)", 1);
        } else if (r) {
            char why[96];
            snprintf(why, sizeof why, "stream %u reset by %s: %s", ev->stream_id,
                     ev->remote ? "the server" : "us", h2c_h2_error_name(ev->error_code));
            req_fail(r, why);
        }
        break;
    case H2C_CONN_EV_GOAWAY:
        if (verbose || ev->error_code != H2C_H2_NO_ERROR)
            errorf("GOAWAY from the server: %s, last stream %u%s%.*s",
                   h2c_h2_error_name(ev->error_code), ev->last_stream_id,
                   ev->debug_data.len ? ", " : "", (int)ev->debug_data.len,
                   (const char *)ev->debug_data.ptr);
        got_goaway = 1;
        if (ev->error_code != H2C_H2_NO_ERROR)
            conn_failed = 1;
        for (size_t i = 0; i < nreqs; i++) { /* streams past last_stream_id were not served */
            struct req *q = &reqs[i];
            if (q->state == R_WAITING || (q->state == R_OPEN && q->id > ev->last_stream_id)) {
                if (conn_failed)
                    req_fail(q, "not processed (GOAWAY)");
                else /* on the next connection */
                    req_retry(q, "not processed (GOAWAY)", 0);
            }
        }
        break;
    default: /* WINDOW_UPDATE, SETTINGS: the main loop sends what it can next */
        break;
    }
}

static size_t ndone(void)
{
    size_t n = 0;
    for (size_t i = 0; i < nreqs; i++)
        n += reqs[i].state == R_DONE;
    return n;
}

static int finished(void)
{
    for (size_t i = 0; i < nreqs; i++)
        if (reqs[i].state == R_WAITING || reqs[i].state == R_OPEN)
            return 0;
    return 1;
}

/* Write queued output until it is gone or the socket is full. -1: broken. */
static int flush(int fd, h2c_conn *c)
{
    while (h2c_conn_output_len(c) > 0) {
        h2c_view out = h2c_conn_output(c);
        ssize_t n = send(fd, out.ptr, out.len, MSG_NOSIGNAL);
        if (n > 0)
            h2c_conn_output_consume(c, (size_t)n);
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        else
            return -1;
    }
    return 0;
}

/* The whole exchange on one connection. */
static void run(int fd, h2c_conn *c)
{
    static uint8_t buf[READ_CHUNK];
    while (!finished() && !conn_failed && !(got_goaway && nopen == 0)) {
        if (!got_goaway)
            submit_requests(c);
        int more = send_bodies(c);
        if (flush(fd, c) < 0) {
            errorf("send: %s", strerror(errno));
            conn_failed = 1;
            break;
        }
        struct pollfd p = { fd, POLLIN, 0 };
        if (h2c_conn_output_len(c) > 0 || more)
            p.events |= POLLOUT;
        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            /* Failed, not just left: the streams still open are lost, and
             * the next connection must not wait for them. */
            errorf("poll: %s", strerror(errno));
            conn_failed = 1;
            break;
        }
        if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n == 0 && got_goaway && nopen == 0)
            break; /* closed after its GOAWAY, with nothing of ours left open */
        if (n <= 0) {
            errorf("connection closed by the server%s%s", n < 0 ? ": " : "",
                   n < 0 ? strerror(errno) : "");
            conn_failed = 1;
            break;
        }
        size_t off = 0;
        for (;;) {
            h2c_conn_event ev;
            size_t used = 0;
            int rc = h2c_conn_recv(c, buf + off, (size_t)n - off, &used, &ev);
            off += used;
            if (rc == H2C_OK)
                break;
            if (rc < 0) {
                errorf("connection error: %s (%s)", ev.error.reason,
                       h2c_h2_error_name(ev.error.h2_error));
                conn_failed = 1;
                break;
            }
            on_event(c, rc, &ev);
        }
    }
    /* Say goodbye; the GOAWAY (and any error GOAWAY) goes out before we close. */
    h2c_conn_close(c, H2C_H2_NO_ERROR, h2c_view_of(NULL, 0));
    while (h2c_conn_output_len(c) > 0) {
        struct pollfd p = { fd, POLLOUT, 0 };
        if (poll(&p, 1, 1000) <= 0 || flush(fd, c) < 0)
            break;
    }
}

static void usage(FILE *f)
{
    fputs("usage: h2client [-v] [--data FILE] URL...\n"
          "  URLs are http://HOST[:PORT]/PATH, all on the same HOST:PORT\n"
          "  -v           print response headers on stderr\n"
          "  --data FILE  POST FILE as the body of every request\n",
          f);
}

int main(int argc, char **argv)
{
    const char *data_file = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data_file = argv[++i];
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (i == argc) {
        usage(stderr);
        return 2;
    }
    nreqs = (size_t)(argc - i);
    reqs = calloc(nreqs, sizeof *reqs);
    char *host = NULL, *port = NULL;
    int status = 2;
    h2c_conn *c = NULL;
    int fd = -1;
    if (!reqs)
        goto out;
    for (size_t k = 0; k < nreqs; k++) {
        char *a = NULL, *h = NULL, *p = NULL;
        reqs[k].url = argv[i + (int)k];
        int bad = parse_url(reqs[k].url, &a, &h, &p, &reqs[k].path);
        if (!bad && authority && host && port &&
            (strcasecmp(h, host) != 0 || strcmp(p, port) != 0))
            bad = 2;
        if (bad) {
            errorf("%s: %s", reqs[k].url,
                   bad == 2 ? "not on the same host and port as the first URL"
                            : "not an http://HOST[:PORT]/PATH URL");
            free(a), free(h), free(p);
            goto out;
        }
        if (!authority) {
            authority = a, host = h, port = p;
        } else {
            free(a), free(h), free(p);
        }
    }
    if (data_file && read_file(data_file) < 0)
        goto out;
    if (data_file && !data)
        data = (const uint8_t *)""; /* an empty file is still a POST */

    status = 1;
    /* A new connection while a GOAWAY left requests unprocessed, as long as
     * the connections still answer some (at most RETRIES in a row that
     * answer none: a server that never serves cannot keep us here). */
    for (int idle = 0; idle < RETRIES && !conn_failed && !finished();) {
        size_t done_before = ndone();
        if ((fd = connect_to(host, port)) < 0)
            goto out;
        h2c_conn_options o;
        h2c_conn_options_init(&o, H2C_CONN_CLIENT);
        o.settings.initial_window_size = 1u << 20; /* 1 MiB per stream, 16 MiB in all */
        o.connection_window = 1u << 24;
        int rc = h2c_conn_new(&c, &o); /* queues the preface and our SETTINGS */
        if (rc != H2C_OK) {
            errorf("h2c_conn_new: %s", h2c_strerror(rc));
            goto out;
        }
        got_settings = got_goaway = 0;
        nopen = 0;
        run(fd, c);
        h2c_conn_free(c);
        c = NULL;
        close(fd);
        fd = -1;
        idle = ndone() > done_before ? 0 : idle + 1;
    }

    status = conn_failed ? 1 : 0;
    for (size_t k = 0; k < nreqs; k++) {
        struct req *r = &reqs[k];
        if (r->state != R_DONE) {
            req_fail(r, "no complete response");
            status = 1;
            continue;
        }
        if (r->status < 200 || r->status > 299)
            errorf("%s: status %d", r->url, r->status);
        if (r->len && fwrite(r->body, 1, r->len, stdout) != r->len) {
            errorf("stdout: %s", strerror(errno));
            status = 1;
        }
    }
    if (fflush(stdout) != 0)
        status = 1;
out:
    h2c_conn_free(c);
    if (fd >= 0)
        close(fd);
    for (size_t k = 0; reqs && k < nreqs; k++) {
        free(reqs[k].path);
        free(reqs[k].body);
    }
    free(reqs);
    free(authority);
    free(host);
    free(port);
    free(data_buf);
    return status;
}
