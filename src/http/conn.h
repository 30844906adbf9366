/*
 * conn — HTTP/1.1 connections of one worker: bytes in, requests out, responses
 * back, keep-alive, pipelining, limits and timeouts. The parsing is Node's
 * http-parser (Debian's libhttp-parser); this file owns the sockets.
 *
 * Why not evhttp: a request through evhttp cost about twice the CPU of nginx
 * serving the same bytes (a request object and header lists allocated per
 * request, an ioctl and a read per input, epoll changes around every response).
 * Here a keep-alive request costs one recv(2) and one writev(2): the request
 * line and headers are parsed in place in the connection's buffer, the response
 * head is formatted into the output in one piece, and the output is written at
 * once; only a response the socket cannot take whole waits for EV_WRITE.
 *
 * A pool is the set of connections of one worker (one event_base, one thread).
 * Each complete request is handed to the pool's callback, which must answer it
 * with conn_respond() before returning, or defer the answer (conn_defer: the
 * request is handled on another thread and conn_resume() sends its answer). Requests that
 * break a limit or the protocol reach the callback too, with `error` set, so that
 * the server answers them with its usual JSON error; the connection then closes.
 *
 * Debian builds http-parser lenient; on top of it this layer refuses (400) what a
 * proxy in front may read otherwise: blanks in header names, folded header lines
 * (obs-fold), an HTTP/1.1 request without exactly one valid Host header or any
 * request with two (RFC 9112 section 3.2), and chunk framing that is not RFC 9112's
 * (blanks after a chunk size, a size line or chunk data not ending in CRLF).
 *
 * A pool keeps its connections in the order of their last input, so that
 * conn_pool_evict_idle() closes the least recently active idle ones first (the
 * server does when it is at its connection cap or out of descriptors).
 *
 * Timeouts are swept once a second: a connection idle or stuck reading or
 * writing for more than timeout_s seconds is closed. A request, header block and
 * body, must arrive whole within request_timeout_s seconds of its first byte,
 * however slowly it keeps trickling in (slowloris, slow bodies): past that it
 * reaches the callback with ERR_TIMEOUT (408) and the connection closes after the
 * answer. Between requests a kept-alive connection is only idle. After a response with
 * "Connection: close" the socket is shut down for writing and the rest of the
 * request is read and dropped (for at most 2 s) before it is closed, so the
 * client reads the response rather than a reset.
 */
#ifndef PHAROS_CONN_H
#define PHAROS_CONN_H
#include "core/err.h"
#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct conn;
struct conn_pool;
struct evbuffer;

struct http_header {
    const char *name, *value; /* NUL-terminated; value without surrounding blanks */
};

/* One parsed request, valid until the callback returns. */
struct http_msg {
    const char *method; /* "GET", … (http-parser's name) */
    int major, minor;   /* HTTP version */
    char *target;       /* the request target as received, NUL-terminated (writable) */
    const struct http_header *headers;
    int nheaders;
    char *body; /* NUL-terminated; "" when there is none */
    size_t body_len;
    size_t head_len; /* where the header block's last field ends (about its size) */
    /* Set when the request broke a limit or the protocol: answer with this error;
     * the connection closes after the response. METHOD and TARGET may be "". */
    enum err_code error;
    char error_msg[160];
};

struct conn_limits {
    size_t max_headers; /* request line + headers */
    size_t max_body;
    int timeout_s;         /* idle, or stuck reading or writing */
    int request_timeout_s; /* a whole request, headers and body; 0: timeout_s */
};

typedef void (*conn_request_fn)(struct conn *c, struct http_msg *m, void *arg);

struct conn_pool *conn_pool_new(struct event_base *base, const struct conn_limits *lim,
                                conn_request_fn cb, void *arg);
/* Closes every connection and frees the pool. NULL is a no-op. */
void conn_pool_free(struct conn_pool *p);
/* Takes over FD, a newly accepted socket from peer SA. */
void conn_pool_accept(struct conn_pool *p, int fd, const struct sockaddr *sa, socklen_t salen);
/* Stops keep-alive: idle connections close now, busy ones after their response. */
void conn_pool_drain(struct conn_pool *p);
/* Closes up to N idle connections (kept alive between requests, or never used, or
 * lingering after their last response), the least recently active first, to make
 * room for new ones; connections with a request or a response under way are kept.
 * Returns how many it closed. */
size_t conn_pool_evict_idle(struct conn_pool *p, size_t n);
/*
 * Holds back the response of C's current request — given already, or still to come —
 * until READY(ARG) is true: it is asked on the pool's thread after every
 * conn_pool_wake_held(), and the response goes after HOLD_MAX_S (2) seconds at the
 * latest. The connection neither reads nor writes meanwhile; the worker serves its
 * other connections. DONE(ARG) (may be NULL) is called once the hold ends, or the
 * connection closes. One hold at a time: false (nothing changed) when C has one.
 * For an answer that must wait for work on another thread (a write whose change must
 * be on the public page before the writer hears it was made).
 */
bool conn_hold(struct conn *c, bool (*ready)(void *arg), void (*done)(void *arg), void *arg);
/*
 * Defers the answer to C's current request: the pool's callback calls it and returns
 * without answering, having copied what it needs of the request (its bytes are dropped
 * on return). Until conn_resume() the connection neither reads, nor writes, nor times
 * out, nor is closed as idle; the worker serves its other connections. For a request
 * handled on another thread (http/defer.h).
 */
void conn_defer(struct conn *c);
/* On the pool's thread, once the deferred request's answer has been given with
 * conn_respond() or conn_respond_body() (else a 500 goes): sends it and goes on with the
 * requests that arrived meanwhile. */
void conn_resume(struct conn *c);
/* Has pool P look at its held responses soon, on its own thread. Any thread. */
void conn_pool_wake_held(struct conn_pool *p);
/* Connections still open (any thread may ask). */
size_t conn_pool_count(const struct conn_pool *p);

/* The peer's address ("127.0.0.1", "::1"). */
const char *conn_peer(const struct conn *c);

/*
 * Sends the response to the current request: the status line, Date, the
 * header lines HEADERS (HLEN bytes, each ending in CRLF), Content-Length
 * CONTENT_LENGTH (none for 1xx, 204 and 304), Connection when needed, and
 * then the contents of BODY (moved out; may be NULL, e.g. for HEAD). CLOSE asks
 * for the connection to close after it.
 */
void conn_respond(struct conn *c, int status, const char *reason, const char *headers, size_t hlen,
                  size_t content_length, struct evbuffer *body, bool close);

/* A body that is already somewhere: LEN bytes at DATA, which are also at offset 0
 * of file FD when FD >= 0 (then sent with sendfile(2), no copy through user
 * space). RELEASE(ARG), when set, is called once the bytes are no longer needed. */
struct conn_body {
    const char *data;
    size_t len;
    int fd;
    void (*release)(void *arg);
    void *arg;
};

/* As conn_respond, with B as the body (or only its length when !SEND_BODY: HEAD).
 * The head and body usually leave in one writev(2), or one send(2) with MSG_MORE
 * and one sendfile(2), with no copy and no allocation. */
void conn_respond_body(struct conn *c, int status, const char *reason, const char *headers,
                       size_t hlen, const struct conn_body *b, bool send_body, bool close);

#endif
