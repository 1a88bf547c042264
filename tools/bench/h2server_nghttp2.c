/* SPDX-License-Identifier: MIT */
/*
 * h2server_nghttp2 -- the socket loop of examples/h2server.c on
 * nghttp2_session, for tools/bench-server to compare the two under h2load.
 *
 *     h2server_nghttp2 --port N [--host ADDR] [--stats]
 *
 * Cleartext HTTP/2 with prior knowledge, one thread, epoll, non-blocking
 * sockets: the loop of examples/h2server.c, with nghttp2 doing the
 * protocol.  It serves what h2server serves without --root: the same
 * built-in page at "/" for GET and HEAD, with the same three response
 * fields; anything else gets the same 404.  The settings are h2server's
 * (100 concurrent streams, 64 KiB header lists).  Not an example and not
 * installed: built with the CLI when libnghttp2 is found.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nghttp2/nghttp2.h>

#define READ_CHUNK (64 * 1024)  /* one read() from a socket */
#define WRITE_CHUNK (64 * 1024) /* at most one send() to a socket */

/** One request and its response. */
struct stream {
    struct stream *next; /* free list */
    int32_t id;
    unsigned get : 1;  /* :method GET or HEAD */
    unsigned head : 1; /* HEAD: no body */
    unsigned root : 1; /* :path is "/" (query ignored) */
    const char *body;  /* the response body */
    size_t length, sent;
};

/** One client connection. */
struct conn {
    struct conn *prev, *next;
    int fd;
    nghttp2_session *h2;
    uint32_t interest; /* the epoll events registered */
    unsigned failed : 1;
    uint8_t *pend; /* output the socket did not take yet (usually none) */
    size_t pend_off, pend_len;
};

static struct {
    int epfd, lfd, stats;
    struct conn *conns;
    struct stream *free_streams;
    unsigned long connections, requests;
    nghttp2_session_callbacks *cbs;
} srv = {-1, -1, 0, NULL, NULL, 0, 0, NULL};

static volatile sig_atomic_t quit;
static uint8_t rbuf[READ_CHUNK];
static uint8_t wbuf[WRITE_CHUNK]; /* output is gathered here for one send() */

/* The same page and answers as examples/h2server.c. */
static const char BUILTIN_PAGE[] =
    "<!DOCTYPE html>\n"
    "<html><head><meta charset=\"utf-8\"><title>h2codec</title></head>\n"
    "<body><h1>h2server</h1>\n"
    "<p>This page came over HTTP/2, framed by libh2codec-conn.</p>\n"
    "<p>POST or PUT a body to <code>/echo</code> to have it sent back.</p>\n"
    "</body></html>\n";
static const char NOT_FOUND[] = "not found\n";

/* ------------------------------------------------------------------------
 * Callbacks
 * ---------------------------------------------------------------------- */

static int on_begin_headers(nghttp2_session *h2, const nghttp2_frame *f, void *user)
{
    (void)user;
    if (f->hd.type != NGHTTP2_HEADERS || f->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    struct stream *s = srv.free_streams;
    if (s)
        srv.free_streams = s->next;
    else if (!(s = malloc(sizeof *s)))
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    memset(s, 0, sizeof *s);
    s->id = f->hd.stream_id;
    nghttp2_session_set_stream_user_data(h2, s->id, s);
    return 0;
}

static int on_header(nghttp2_session *h2, const nghttp2_frame *f, const uint8_t *name,
                     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
                     void *user)
{
    (void)flags;
    (void)user;
    struct stream *s = nghttp2_session_get_stream_user_data(h2, f->hd.stream_id);
    if (!s || namelen == 0 || name[0] != ':')
        return 0;
    if (namelen == 7 && !memcmp(name, ":method", 7)) {
        s->head = valuelen == 4 && !memcmp(value, "HEAD", 4);
        s->get = s->head || (valuelen == 3 && !memcmp(value, "GET", 3));
    } else if (namelen == 5 && !memcmp(name, ":path", 5)) {
        s->root = valuelen >= 1 && value[0] == '/' && (valuelen == 1 || value[1] == '?');
    }
    return 0;
}

static ssize_t read_body(nghttp2_session *h2, int32_t id, uint8_t *buf, size_t length,
                         uint32_t *data_flags, nghttp2_data_source *src, void *user)
{
    (void)h2;
    (void)id;
    (void)user;
    struct stream *s = src->ptr;
    size_t n = s->length - s->sent;
    if (n > length)
        n = length;
    memcpy(buf, s->body + s->sent, n);
    s->sent += n;
    if (s->sent == s->length)
        *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

/* v in decimal at the end of buf[0..24); returns where it starts (as h2server). */
static const char *decimal(char buf[24], uint64_t v)
{
    char *p = buf + 24;
    do
        *--p = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    return p;
}

/* The request is complete: answer it (h2server's pump_stream). */
static int respond(nghttp2_session *h2, struct stream *s)
{
    srv.requests++;
    int ok = s->get && s->root;
    s->body = ok ? BUILTIN_PAGE : NOT_FOUND;
    s->length = ok ? sizeof BUILTIN_PAGE - 1 : sizeof NOT_FOUND - 1;
    char status[24], clen[24];
    const char *st = decimal(status, ok ? 200 : 404);
    const char *cl = decimal(clen, s->length);
    const char *ctype = ok ? "text/html; charset=utf-8" : "text/plain";
    nghttp2_nv nv[3] = {
        {(uint8_t *)":status", (uint8_t *)(uintptr_t)st, 7, (size_t)(status + 24 - st),
         NGHTTP2_NV_FLAG_NONE},
        {(uint8_t *)"content-type", (uint8_t *)(uintptr_t)ctype, 12, strlen(ctype),
         NGHTTP2_NV_FLAG_NONE},
        {(uint8_t *)"content-length", (uint8_t *)(uintptr_t)cl, 14, (size_t)(clen + 24 - cl),
         NGHTTP2_NV_FLAG_NONE},
    };
    nghttp2_data_provider prd;
    prd.source.ptr = s;
    prd.read_callback = read_body;
    int end = s->head || s->length == 0;
    return nghttp2_submit_response(h2, s->id, nv, 3, end ? NULL : &prd);
}

static int on_frame_recv(nghttp2_session *h2, const nghttp2_frame *f, void *user)
{
    (void)user;
    if ((f->hd.type != NGHTTP2_HEADERS && f->hd.type != NGHTTP2_DATA) ||
        !(f->hd.flags & NGHTTP2_FLAG_END_STREAM))
        return 0;
    struct stream *s = nghttp2_session_get_stream_user_data(h2, f->hd.stream_id);
    if (s && respond(h2, s) != 0)
        nghttp2_submit_rst_stream(h2, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_INTERNAL_ERROR);
    return 0;
}

static int on_stream_close(nghttp2_session *h2, int32_t id, uint32_t code, void *user)
{
    (void)code;
    (void)user;
    struct stream *s = nghttp2_session_get_stream_user_data(h2, id);
    if (s) {
        s->next = srv.free_streams;
        srv.free_streams = s;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Connections
 * ---------------------------------------------------------------------- */

/* Keep out[0..len) for when the socket takes more, before what is kept already. */
static int keep(struct conn *c, const uint8_t *out, size_t len)
{
    size_t old = c->pend_len - c->pend_off;
    uint8_t *p = malloc(len + old);
    if (!p)
        return -1;
    memcpy(p, out, len);
    if (old)
        memcpy(p + len, c->pend + c->pend_off, old);
    free(c->pend);
    c->pend = p;
    c->pend_off = 0;
    c->pend_len = len + old;
    return 0;
}

/* One send(); the octets written, 0 if the socket is full, -1 if broken. */
static ssize_t write_some(int fd, const uint8_t *p, size_t len)
{
    for (;;) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
}

/*
 * Write what nghttp2 has to send until it has nothing or the socket is
 * full: its frames are gathered into wbuf and written with one send(), as
 * h2server writes its whole output queue at once.  What the socket does
 * not take waits in c->pend.  -1: broken.
 */
static int flush(struct conn *c)
{
    for (;;) {
        while (c->pend_len) {
            ssize_t n = write_some(c->fd, c->pend + c->pend_off, c->pend_len - c->pend_off);
            if (n <= 0)
                return (int)n;
            c->pend_off += (size_t)n;
            if (c->pend_off == c->pend_len) {
                free(c->pend);
                c->pend = NULL;
                c->pend_off = c->pend_len = 0;
            }
        }
        size_t len = 0;
        while (len < sizeof wbuf) {
            const uint8_t *p;
            ssize_t n = nghttp2_session_mem_send(c->h2, &p);
            if (n < 0)
                return -1;
            if (n == 0)
                break;
            size_t take = sizeof wbuf - len < (size_t)n ? sizeof wbuf - len : (size_t)n;
            memcpy(wbuf + len, p, take);
            len += take;
            if (take < (size_t)n && keep(c, p + take, (size_t)n - take) != 0)
                return -1;
        }
        if (len == 0)
            return 0;
        ssize_t w = write_some(c->fd, wbuf, len);
        if (w < 0)
            return -1;
        if ((size_t)w < len)
            return keep(c, wbuf + w, len - (size_t)w);
    }
}

static void conn_close(struct conn *c)
{
    epoll_ctl(srv.epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    nghttp2_session_del(c->h2); /* closes its streams: on_stream_close frees ours */
    free(c->pend);
    if (c->prev)
        c->prev->next = c->next;
    else
        srv.conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    free(c);
}

/* After anything happened: send what can be sent, close the connection if
 * it is finished, register interest in exactly what it waits for. */
static void conn_service(struct conn *c)
{
    if (flush(c) < 0) {
        conn_close(c);
        return;
    }
    int rd = !c->failed && nghttp2_session_want_read(c->h2);
    int wr = c->pend_len > 0; /* flush() took all nghttp2 could send now */
    if (!rd && !wr) {
        conn_close(c);
        return;
    }
    uint32_t want = (rd ? EPOLLIN : 0) | (wr ? EPOLLOUT : 0);
    if (want != c->interest) {
        struct epoll_event e = {.events = want, .data.ptr = c};
        epoll_ctl(srv.epfd, EPOLL_CTL_MOD, c->fd, &e);
        c->interest = want;
    }
}

/* The socket is readable. -1: close it. */
static int conn_read(struct conn *c)
{
    ssize_t n = recv(c->fd, rbuf, sizeof rbuf, 0);
    if (n > 0) {
        if (nghttp2_session_mem_recv(c->h2, rbuf, (size_t)n) < 0)
            c->failed = 1;
        return 0;
    }
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    return -1; /* EOF */
}

static void conn_accept(void)
{
    for (;;) {
        int fd = accept4(srv.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100},
                                       {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 65536}};
        if (!c || nghttp2_session_server_new(&c->h2, srv.cbs, NULL) != 0 ||
            nghttp2_submit_settings(c->h2, NGHTTP2_FLAG_NONE, iv, 2) != 0) {
            if (c && c->h2)
                nghttp2_session_del(c->h2);
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        srv.connections++;
        c->interest = EPOLLIN | EPOLLOUT;
        struct epoll_event e = {.events = c->interest, .data.ptr = c};
        if (epoll_ctl(srv.epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
            nghttp2_session_del(c->h2);
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
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
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
    freeaddrinfo(res);
    return fd;
}

static void print_address(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    char addr[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &a.sin_addr, addr, sizeof addr);
    printf("listening on %s:%u\n", addr, ntohs(a.sin_port));
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *port = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc)
            port = argv[++i];
        else if (!strcmp(argv[i], "--host") && i + 1 < argc)
            host = argv[++i];
        else if (!strcmp(argv[i], "--stats"))
            srv.stats = 1;
        else
            port = NULL, i = argc;
    }
    if (!port) {
        fputs("usage: h2server_nghttp2 --port N [--host ADDR] [--stats]\n", stderr);
        return 2;
    }
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

    if (nghttp2_session_callbacks_new(&srv.cbs) != 0)
        return 1;
    nghttp2_session_callbacks_set_on_begin_headers_callback(srv.cbs, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(srv.cbs, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(srv.cbs, on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(srv.cbs, on_stream_close);
    if ((srv.lfd = listen_on(host, port)) < 0 || (srv.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        fprintf(stderr, "h2server_nghttp2: cannot listen on %s port %s\n", host, port);
        return 1;
    }
    struct epoll_event le = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(srv.epfd, EPOLL_CTL_ADD, srv.lfd, &le);
    print_address(srv.lfd);

    struct epoll_event evs[64];
    while (!quit) {
        int n = epoll_pwait(srv.epfd, evs, 64, -1, &waitmask);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                conn_accept();
                continue;
            }
            if ((evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && conn_read(c) < 0) {
                conn_close(c);
                continue;
            }
            conn_service(c);
        }
    }

    /* Shut down: a GOAWAY to every client, one try to send it, then close. */
    while (srv.conns) {
        struct conn *c = srv.conns;
        nghttp2_session_terminate_session(c->h2, NGHTTP2_NO_ERROR);
        flush(c);
        conn_close(c);
    }
    while (srv.free_streams) {
        struct stream *s = srv.free_streams;
        srv.free_streams = s->next;
        free(s);
    }
    nghttp2_session_callbacks_del(srv.cbs);
    close(srv.epfd);
    close(srv.lfd);
    if (srv.stats) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr,
                "h2server_nghttp2: stats: connections=%lu requests=%lu user_us=%lld "
                "sys_us=%lld maxrss_kb=%ld\n",
                srv.connections, srv.requests,
                (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
                (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec, ru.ru_maxrss);
    }
    return 0;
}
