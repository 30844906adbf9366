/*
 * Unit tests for http/conn: the HTTP/1.1 connection layer driven directly.
 *
 * Each test owns an event_base and a conn_pool with small limits (1 KiB of
 * header block, 4 KiB of body, 5 s timeout). A connection is one end of a
 * socketpair handed to conn_pool_accept(); the test writes request bytes into
 * the other end, runs the loop without blocking (EVLOOP_NONBLOCK) until nothing
 * more arrives for a while, and compares the bytes received. The Date line of
 * every response is checked for its form and then removed, so that responses
 * can be compared exactly.
 *
 * The pool's callback records what it was handed (method, target, version,
 * headers, body, error) and answers according to the target: "/204", "/304",
 * "/big" (f->big_len bytes), "/close" (asks to close), "/noreply" (does not
 * answer), "/defer…" (defers: resume_deferred answers it later), "/drain" (drains the pool first),
 * "/body-…" (conn_respond_body from memory or, for "/body-file-…", from a file with sendfile; each
 * body's release is counted); otherwise 200 with the body "METHOD TARGET BODY_LEN\n". Large
 * responses go through a server end whose send buffer is shrunk to 4 KiB, so
 * that they cannot be written at once. A request refused by the layer (error
 * set) gets the status of its error and deliberately asks to keep the
 * connection: the layer must close it anyway. Every header name and value is
 * checked to be a sane C string (no CR/LF, name without ':' or blanks, value
 * trimmed); tests assert this afterwards rather than inside the loop.
 */
#include "http/conn.h"
#include "testutil.h"
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

enum { MAX_HDR = 1024, MAX_BODY = 4096, MAX_REC = 128, MAX_CLI = 32 };

#define CT "Content-Type: text/plain\r\n"

struct rec {
    char method[16];
    char *target;
    int major, minor;
    char *headers; /* "name=value\n" for each header, in order */
    int nheaders;
    char *body;
    size_t body_len, head_len;
    enum err_code error;
    char error_msg[160];
    bool sane; /* every header name and value was a well-formed C string */
};

struct client {
    int fd;
    char *data;
    size_t len, cap;
    bool eof, reset;
};

struct fx {
    struct event_base *base;
    struct conn_pool *pool;
    struct conn_limits lim;
    struct client cl[MAX_CLI];
    int ncl;
    struct rec rec[MAX_REC];
    int nrec, ncalls; /* the first MAX_REC requests are recorded, all counted */
    size_t big_len;
    char *big;
    int big_fd;               /* a file holding big (for conn_respond_body with sendfile) */
    int short_fd;             /* a file holding the first 10 bytes of big */
    int released;             /* conn_body releases */
    struct conn *deferred[4]; /* connections whose request waits ("/defer…"), in order */
    int ndeferred;
    bool hold_ready;           /* what the holds' ready() answers */
    int hold_asked, hold_done; /* ready() calls, done() calls */
    char peer[64];
};

/* ---- recording and answering ------------------------------------------------------ */

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    assert_non_null(d);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static bool sane_header(const struct http_header *h, size_t max)
{
    size_t nl = strnlen(h->name, max + 1), vl = strnlen(h->value, max + 1);
    if (nl == 0 || nl > max || vl > max) return false;
    if (strpbrk(h->name, ": \t\r\n") || strpbrk(h->value, "\r\n")) return false;
    if (vl && (h->value[0] == ' ' || h->value[0] == '\t' || h->value[vl - 1] == ' ' ||
               h->value[vl - 1] == '\t'))
        return false;
    return true;
}

static void record(struct fx *f, struct conn *c, const struct http_msg *m)
{
    f->ncalls++;
    if (f->nrec == MAX_REC) return;
    struct rec *r = &f->rec[f->nrec++];
    snprintf(r->method, sizeof r->method, "%s", m->method);
    r->target = dupn(m->target, strlen(m->target));
    r->major = m->major;
    r->minor = m->minor;
    r->nheaders = m->nheaders;
    r->sane = true;
    size_t hl = 1;
    for (int i = 0; i < m->nheaders; i++) {
        if (!sane_header(&m->headers[i], f->lim.max_headers)) {
            r->sane = false;
            continue;
        }
        hl += strlen(m->headers[i].name) + strlen(m->headers[i].value) + 2;
    }
    r->headers = malloc(hl);
    assert_non_null(r->headers);
    r->headers[0] = '\0';
    char *p = r->headers;
    for (int i = 0; i < m->nheaders; i++)
        if (sane_header(&m->headers[i], f->lim.max_headers))
            p += sprintf(p, "%s=%s\n", m->headers[i].name, m->headers[i].value);
    if (m->body[m->body_len] != '\0') r->sane = false;
    r->body = dupn(m->body, m->body_len);
    r->body_len = m->body_len;
    r->head_len = m->head_len;
    r->error = m->error;
    memcpy(r->error_msg, m->error_msg, sizeof r->error_msg);
    snprintf(f->peer, sizeof f->peer, "%s", conn_peer(c));
}

static void respond_text(struct conn *c, int status, const char *reason, const char *text,
                         bool close)
{
    struct evbuffer *b = evbuffer_new();
    assert_non_null(b);
    evbuffer_add(b, text, strlen(text));
    conn_respond(c, status, reason, CT, strlen(CT), strlen(text), b, close);
    evbuffer_free(b);
}

static void on_release(void *arg)
{
    struct fx *f = arg;
    f->released++;
}

/* Answers "/body-…" with conn_respond_body: the body is LEN bytes of big, from memory or
 * from the file, or a file claimed longer than it is. */
static void respond_body(struct fx *f, struct conn *c, const struct http_msg *m)
{
    const char *t = m->target + 6;
    struct conn_body b = {.data = f->big, .fd = -1, .release = on_release, .arg = f};
    if (strncmp(t, "file-", 5) == 0) {
        b.fd = f->big_fd;
        assert_true(b.fd >= 0);
        t += 5;
    }
    if (strcmp(t, "small") == 0)
        b.len = 1000;
    else if (strcmp(t, "big") == 0)
        b.len = f->big_len;
    else if (strcmp(t, "empty") == 0)
        b.len = 0;
    else if (strcmp(t, "short") == 0) {
        b.len = 1000; /* the file ends after 10 bytes */
        b.fd = f->short_fd;
    } else if (strcmp(t, "twice") == 0) {
        respond_text(c, 200, "OK", "first\n", false);
        b.len = 1000;
    } else
        fail_msg("unknown body target %s", m->target);
    static const char h[] = "Content-Type: application/octet-stream\r\n";
    conn_respond_body(c, 200, "OK", h, sizeof h - 1, &b, strcmp(m->method, "HEAD") != 0, false);
}

static bool hold_ready(void *arg)
{
    struct fx *f = arg;
    f->hold_asked++;
    return f->hold_ready;
}

static void hold_done(void *arg)
{
    struct fx *f = arg;
    f->hold_done++;
}

static void on_request(struct conn *c, struct http_msg *m, void *arg)
{
    struct fx *f = arg;
    record(f, c, m);
    if (strncmp(m->target, "/held", 5) == 0) { /* then answered as the rest of the target */
        assert_true(conn_hold(c, hold_ready, hold_done, f));
        assert_false(conn_hold(c, hold_ready, hold_done, f)); /* one at a time */
        if (strcmp(m->target, "/held/body-small") == 0) {
            struct http_msg sub = *m;
            sub.target = m->target + 5;
            respond_body(f, c, &sub);
            return;
        }
    }
    if (strncmp(m->target, "/defer", 6) == 0 && !m->error) { /* answered by resume_deferred */
        assert_true(f->ndeferred < 4);
        conn_defer(c);
        f->deferred[f->ndeferred++] = c;
        return;
    }
    if (m->error) {
        int st = m->error == ERR_TOO_LARGE           ? 413
                 : m->error == ERR_HEADERS_TOO_LARGE ? 431
                 : m->error == ERR_TIMEOUT           ? 408
                                                     : 400;
        respond_text(c, st, "Refused", "refused\n", false);
        return;
    }
    const char *t = m->target;
    if (strncmp(t, "/body-", 6) == 0) {
        respond_body(f, c, m);
        return;
    }
    if (strcmp(t, "/noreply") == 0) return;
    if (strcmp(t, "/204") == 0) {
        conn_respond(c, 204, "No Content", "", 0, 0, NULL, false);
        return;
    }
    if (strcmp(t, "/304") == 0) {
        conn_respond(c, 304, "Not Modified", "ETag: \"v1\"\r\n", 12, 1234, NULL, false);
        return;
    }
    if (strcmp(m->method, "HEAD") == 0) {
        conn_respond(c, 200, "OK", CT, strlen(CT), 42, NULL, false);
        return;
    }
    if (strcmp(t, "/big") == 0) {
        static const char h[] = "Content-Type: application/octet-stream\r\n";
        struct evbuffer *b = evbuffer_new();
        evbuffer_add(b, f->big, f->big_len);
        conn_respond(c, 200, "OK", h, sizeof h - 1, f->big_len, b, false);
        evbuffer_free(b);
        return;
    }
    if (strcmp(t, "/drain") == 0) conn_pool_drain(f->pool);
    char text[600];
    snprintf(text, sizeof text, "%s %s %zu\n", m->method, t, m->body_len);
    respond_text(c, 200, "OK", text, strcmp(t, "/close") == 0);
}

/* ---- the fixture ------------------------------------------------------------------- */

static void pool_new(struct fx *f, size_t max_headers, size_t max_body, int timeout_s)
{
    conn_pool_free(f->pool);
    f->lim = (struct conn_limits){max_headers, max_body, timeout_s};
    f->pool = conn_pool_new(f->base, &f->lim, on_request, f);
    assert_non_null(f->pool);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->base = event_base_new();
    assert_non_null(f->base);
    pool_new(f, MAX_HDR, MAX_BODY, 5);
    f->big_len = 8 << 20;
    f->big = malloc(f->big_len);
    assert_non_null(f->big);
    for (size_t i = 0; i < f->big_len; i++)
        f->big[i] = (char)(i % 251);
    f->big_fd = f->short_fd = -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    conn_pool_free(f->pool);
    for (int i = 0; i < f->ncl; i++) {
        if (f->cl[i].fd >= 0) close(f->cl[i].fd);
        free(f->cl[i].data);
    }
    for (int i = 0; i < f->nrec; i++) {
        free(f->rec[i].target);
        free(f->rec[i].headers);
        free(f->rec[i].body);
    }
    event_base_free(f->base);
    if (f->big_fd >= 0) close(f->big_fd);
    if (f->short_fd >= 0) close(f->short_fd);
    free(f->big);
    free(f);
    return 0;
}

static void nonblock(int fd)
{
    assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
}

/* Opens a connection: one end of a socketpair goes to the pool as if accepted from a
 * peer of FAMILY; SNDBUF > 0 shrinks the server end's send buffer. */
static struct client *cli_open_as(struct fx *f, int family, int sndbuf)
{
    assert_true(f->ncl < MAX_CLI);
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    nonblock(sv[0]);
    nonblock(sv[1]);
    if (sndbuf > 0)
        assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
    if (family == AF_INET) {
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(4321)};
        sin.sin_addr.s_addr = htonl(0x7f000001);
        conn_pool_accept(f->pool, sv[0], (struct sockaddr *)&sin, sizeof sin);
    } else {
        struct sockaddr_un sun = {.sun_family = AF_UNIX};
        conn_pool_accept(f->pool, sv[0], (struct sockaddr *)&sun, sizeof sun);
    }
    struct client *cl = &f->cl[f->ncl++];
    *cl = (struct client){.fd = sv[1]};
    return cl;
}

static struct client *cli_open(struct fx *f)
{
    return cli_open_as(f, AF_UNIX, 0);
}

/* Reads what has arrived; true when something did (or the stream ended). */
static bool cli_read(struct client *cl)
{
    bool progress = false;
    while (!cl->eof) {
        if (cl->cap - cl->len < 65536) {
            cl->cap = cl->cap ? cl->cap * 2 : 1 << 17;
            cl->data = realloc(cl->data, cl->cap + 1);
            assert_non_null(cl->data);
        }
        ssize_t n = recv(cl->fd, cl->data + cl->len, cl->cap - cl->len, 0);
        if (n > 0) {
            cl->len += (size_t)n;
            progress = true;
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            cl->reset = n < 0;
            cl->eof = progress = true;
        } else {
            break;
        }
    }
    if (cl->data) cl->data[cl->len] = '\0';
    return progress;
}

/* Runs the loop and reads every client until nothing has happened for a while. */
static void run(struct fx *f)
{
    int quiet = 0;
    size_t count = conn_pool_count(f->pool);
    time_t deadline = time(NULL) + 20;
    while (quiet < 20 && time(NULL) < deadline) {
        event_base_loop(f->base, EVLOOP_NONBLOCK);
        bool progress = false;
        for (int i = 0; i < f->ncl; i++)
            if (f->cl[i].fd >= 0) progress |= cli_read(&f->cl[i]);
        if (conn_pool_count(f->pool) != count) {
            count = conn_pool_count(f->pool);
            progress = true;
        }
        quiet = progress ? 0 : quiet + 1;
    }
}

/* Writes LEN bytes to the server, running the loop whenever the socket is full. */
static void cli_send(struct fx *f, struct client *cl, const void *data, size_t len)
{
    const char *p = data;
    time_t deadline = time(NULL) + 20;
    while (len > 0) {
        ssize_t n = send(cl->fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        assert_true(n < 0 && (errno == EAGAIN || errno == EINTR));
        assert_true(time(NULL) < deadline);
        event_base_loop(f->base, EVLOOP_NONBLOCK);
        cli_read(cl);
    }
}

static void cli_puts(struct fx *f, struct client *cl, const char *s)
{
    cli_send(f, cl, s, strlen(s));
}

/* Sends S and runs the loop until quiet. */
static void exchange(struct fx *f, struct client *cl, const char *s)
{
    cli_puts(f, cl, s);
    run(f);
}

static void cli_close(struct client *cl)
{
    close(cl->fd);
    cl->fd = -1;
}

/* Removes from what CL received the Date line of each response, after checking that it
 * directly follows the status line and has the form "Date: Thu, 26 Nov 2026 10:00:00 GMT";
 * returns how many there were. */
static int strip_dates(struct client *cl)
{
    int n = 0;
    char *p = cl->data;
    if (!p) return 0;
    while ((p = memmem(p, cl->len - (size_t)(p - cl->data), "\r\nDate: ", 8)) != NULL) {
        char *line = p + 2;
        char *end = memmem(line, cl->len - (size_t)(line - cl->data), "\r\n", 2);
        assert_non_null(end);
        assert_int_equal(end - line, 35);
        assert_memory_equal(line + 9, ", ", 2);
        assert_memory_equal(end - 4, " GMT", 4);
        /* the status line ends where the Date line begins */
        size_t back = (size_t)(p - cl->data) < 100 ? (size_t)(p - cl->data) : 100;
        char *sol = p - back, *st = NULL;
        while ((sol = memmem(sol, (size_t)(p - sol), "HTTP/1.", 7)) != NULL)
            st = sol++;
        assert_non_null(st);
        assert_null(memchr(st, '\n', (size_t)(p - st)));
        size_t drop = (size_t)(end + 2 - line);
        memmove(line, end + 2, cl->len - (size_t)(end + 2 - cl->data));
        cl->len -= drop;
        cl->data[cl->len] = '\0';
        n++;
        p = line;
    }
    return n;
}

/* Asserts that CL received exactly EXPECT (Date lines aside), NDATES of them, then
 * forgets it. */
static void expect_bytes(struct client *cl, int ndates, const char *expect)
{
    assert_int_equal(strip_dates(cl), ndates);
    assert_string_equal(cl->data ? cl->data : "", expect);
    assert_int_equal(cl->len, strlen(expect));
    cl->len = 0;
    if (cl->data) cl->data[0] = '\0';
}

/* The response the callback gives a plain request in HTTP/1.MINOR (Date aside). */
static char *okv(int minor, const char *method, const char *target, size_t body_len,
                 const char *conn_hdr)
{
    static char out[4][1024];
    static int k;
    char text[600];
    snprintf(text, sizeof text, "%s %s %zu\n", method, target, body_len);
    char *o = out[k++ % 4];
    snprintf(o, sizeof out[0], "HTTP/1.%d 200 OK\r\n" CT "Content-Length: %zu\r\n%s\r\n%s", minor,
             strlen(text), conn_hdr ? conn_hdr : "", text);
    return o;
}

static char *ok(const char *method, const char *target, size_t body_len, const char *conn_hdr)
{
    return okv(1, method, target, body_len, conn_hdr);
}

#define CLOSE_HDR "Connection: close\r\n"
#define REFUSED(status)                                                                            \
    "HTTP/1.1 " status " Refused\r\n" CT "Content-Length: 8\r\n" CLOSE_HDR "\r\nrefused\n"

static void assert_open(struct fx *f, struct client *cl)
{
    assert_false(cl->eof);
    assert_int_equal(conn_pool_count(f->pool), 1);
}

/* ---- requests and keep-alive -------------------------------------------------------- */

static void get_keep_alive_then_second_request(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    assert_int_equal(conn_pool_count(f->pool), 1);
    exchange(f, cl, "GET /a?x=1 HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n");
    expect_bytes(cl, 1, ok("GET", "/a?x=1", 0, NULL));
    assert_int_equal(f->nrec, 1);
    struct rec *r = &f->rec[0];
    assert_string_equal(r->method, "GET");
    assert_string_equal(r->target, "/a?x=1");
    assert_int_equal(r->major, 1);
    assert_int_equal(r->minor, 1);
    assert_int_equal(r->nheaders, 2);
    assert_string_equal(r->headers, "Host=example.org\nAccept=*/*\n");
    assert_string_equal(r->body, "");
    assert_int_equal(r->body_len, 0);
    assert_int_equal(r->error, ERR_OK);
    assert_true(r->sane);
    assert_true(r->head_len > 0 && r->head_len <= 56);
    assert_string_equal(f->peer, "");
    assert_open(f, cl);

    exchange(f, cl, "DELETE /b HTTP/1.1\r\nHost: example.org\r\n\r\n");
    expect_bytes(cl, 1, ok("DELETE", "/b", 0, NULL));
    assert_int_equal(f->nrec, 2);
    assert_string_equal(f->rec[1].method, "DELETE");
    assert_string_equal(f->rec[1].headers, "Host=example.org\n");
    assert_open(f, cl);
}

static void pipelined_requests_answered_in_order(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl,
             "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
             "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
             "\r\n" /* a stray CRLF between requests is tolerated */
             "PUT /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
             "GET /4 HTTP/1.1\r\nHost: h\r\n\r\n");
    char expect[4096];
    snprintf(expect, sizeof expect, "%s%s%s%s", ok("GET", "/1", 0, NULL), ok("POST", "/2", 5, NULL),
             ok("PUT", "/3", 3, NULL), ok("GET", "/4", 0, NULL));
    expect_bytes(cl, 4, expect);
    assert_int_equal(f->nrec, 4);
    assert_string_equal(f->rec[1].body, "hello");
    assert_string_equal(f->rec[2].body, "abc");
    assert_string_equal(f->rec[3].headers, "Host=h\n");
    assert_open(f, cl);
}

static void request_one_byte_at_a_time(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    const char *req[] = {
        "POST /form HTTP/1.1\r\nHost: h\r\nX-Long:  some value \r\nContent-Length: "
        "7\r\n\r\na=1&b=2",
        "PATCH /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nX-Empty:\r\n\r\n"
        "4\r\nwiki\r\n5;name=val\r\npedia\r\n0\r\n\r\n",
    };
    for (size_t k = 0; k < 2; k++) {
        for (const char *p = req[k]; *p; p++) {
            cli_send(f, cl, p, 1);
            for (int i = 0; i < 3; i++)
                event_base_loop(f->base, EVLOOP_NONBLOCK);
            if (p[1]) assert_int_equal(f->nrec, (int)k); /* nothing dispatched early */
        }
        run(f);
    }
    char expect[2048];
    snprintf(expect, sizeof expect, "%s%s", ok("POST", "/form", 7, NULL),
             ok("PATCH", "/c", 9, NULL));
    expect_bytes(cl, 2, expect);
    assert_int_equal(f->nrec, 2);
    assert_string_equal(f->rec[0].target, "/form");
    assert_string_equal(f->rec[0].headers, "Host=h\nX-Long=some value\nContent-Length=7\n");
    assert_string_equal(f->rec[0].body, "a=1&b=2");
    assert_string_equal(f->rec[1].headers, "Host=h\nTransfer-Encoding=chunked\nX-Empty=\n");
    assert_string_equal(f->rec[1].body, "wikipedia");
    assert_true(f->rec[0].sane && f->rec[1].sane);
    assert_open(f, cl);
}

static void content_length_body(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    /* a body with a NUL byte, then one of exactly max_body bytes in several writes */
    cli_puts(f, cl, "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n");
    cli_send(f, cl, "a\0b\0c", 5);
    run(f);
    expect_bytes(cl, 1, ok("POST", "/x", 5, NULL));
    assert_int_equal(f->rec[0].body_len, 5);
    assert_memory_equal(f->rec[0].body, "a\0b\0c", 6);

    char body[MAX_BODY];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (char)('a' + i % 26);
    cli_puts(f, cl, "PUT /full HTTP/1.1\r\nHost: h\r\nContent-Length: 4096\r\n\r\n");
    for (size_t off = 0; off < sizeof body; off += 1000) {
        cli_send(f, cl, body + off, off + 1000 <= sizeof body ? 1000 : sizeof body - off);
        run(f);
    }
    expect_bytes(cl, 1, ok("PUT", "/full", MAX_BODY, NULL));
    assert_int_equal(f->nrec, 2);
    assert_int_equal(f->rec[1].body_len, MAX_BODY);
    assert_memory_equal(f->rec[1].body, body, MAX_BODY);
    assert_open(f, cl);
}

static void chunked_body_decoded(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl,
             "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n6;ext=1\r\n world\r\nA\r\n0123456789\r\n0\r\n\r\n");
    expect_bytes(cl, 1, ok("POST", "/c", 21, NULL));
    assert_string_equal(f->rec[0].body, "hello world0123456789");
    assert_string_equal(f->rec[0].headers, "Host=h\nTransfer-Encoding=chunked\n");
    /* a chunked body of exactly max_body bytes in chunks across writes */
    char chunk[1024];
    memset(chunk, 'z', sizeof chunk);
    cli_puts(f, cl, "POST /d HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 4; i++) {
        cli_puts(f, cl, "400\r\n");
        cli_send(f, cl, chunk, sizeof chunk);
        cli_puts(f, cl, "\r\n");
        run(f);
    }
    exchange(f, cl, "0\r\n\r\n");
    expect_bytes(cl, 1, ok("POST", "/d", MAX_BODY, NULL));
    assert_int_equal(f->rec[1].body_len, MAX_BODY);
    assert_open(f, cl);
}

/* Trailer fields after a chunked body are not header lines of the request: they must not
 * reach the callback half-parsed (unterminated, pointing at stale bytes of the buffer),
 * nor make a valid request fail when they arrive in pieces. */
static void chunked_trailer_fields(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl,
             "POST /t HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n");
    expect_bytes(cl, 1, ok("POST", "/t", 5, NULL));
    assert_int_equal(f->nrec, 1);
    assert_string_equal(f->rec[0].body, "hello");
    assert_true(f->rec[0].sane); /* every header a terminated name and value */
    assert_open(f, cl);

    /* the same with the trailer arriving byte by byte */
    const char *req = "POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "3\r\nabc\r\n0\r\nX-Checksum: abc\r\n\r\n";
    for (const char *p = req; *p; p++) {
        cli_send(f, cl, p, 1);
        event_base_loop(f->base, EVLOOP_NONBLOCK);
    }
    run(f);
    assert_int_equal(f->nrec, 2);
    assert_int_equal(f->rec[1].error, ERR_OK);
    assert_true(f->rec[1].sane);
    expect_bytes(cl, 1, ok("POST", "/u", 3, NULL));
    assert_open(f, cl);
}

/* ---- limits and protocol errors ---------------------------------------------------- */

/* After a refusal the server half-closes: the client reads the response, then the end. */
static void assert_refused_and_closed(struct fx *f, struct client *cl, const char *status)
{
    char expect[256];
    snprintf(expect, sizeof expect,
             "HTTP/1.1 %s Refused\r\n" CT "Content-Length: 8\r\n" CLOSE_HDR "\r\nrefused\n",
             status);
    expect_bytes(cl, 1, expect);
    assert_true(cl->eof);
    assert_false(cl->reset);
    assert_int_equal(conn_pool_count(f->pool), 1); /* lingering until the client closes */
    cli_close(cl);
    run(f);
    assert_int_equal(conn_pool_count(f->pool), 0);
}

static void body_over_limit_by_content_length(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    /* Expect: 100-continue must not be honoured for a body that will be refused */
    exchange(f, cl,
             "POST /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
             "Content-Length: 4097\r\n\r\n");
    assert_int_equal(f->nrec, 1);
    struct rec *r = &f->rec[0];
    assert_int_equal(r->error, ERR_TOO_LARGE);
    assert_non_null(strstr(r->error_msg, "4097"));
    assert_non_null(strstr(r->error_msg, "4096"));
    assert_string_equal(r->method, "POST");
    assert_string_equal(r->target, "/upload");
    assert_string_equal(r->headers, "Host=h\nExpect=100-continue\nContent-Length=4097\n");
    /* the body the client sends anyway is read and dropped */
    char body[4097];
    memset(body, 'b', sizeof body);
    cli_send(f, cl, body, sizeof body);
    run(f);
    assert_int_equal(f->nrec, 1);
    assert_refused_and_closed(f, cl, "413");
}

static void chunked_body_over_limit(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    char chunk[2049];
    memset(chunk, 'q', sizeof chunk);
    cli_puts(f, cl, "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n");
    cli_send(f, cl, chunk, 2048);
    cli_puts(f, cl, "\r\n801\r\n");
    cli_send(f, cl, chunk, 2049);
    cli_puts(f, cl, "\r\n0\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n");
    run(f);
    assert_int_equal(f->nrec, 1);
    assert_int_equal(f->rec[0].error, ERR_TOO_LARGE);
    assert_non_null(strstr(f->rec[0].error_msg, "more than 4096 bytes"));
    assert_string_equal(f->rec[0].target, "/c");
    assert_refused_and_closed(f, cl, "413");
}

static void header_block_over_limit(void **state)
{
    struct fx *f = *state;
    char big[12000];
    /* (a) a complete header block of more than 1024 bytes in one write */
    struct client *a = cli_open(f);
    strcpy(big, "GET /a HTTP/1.1\r\nHost: h\r\n");
    for (int i = 0; i < 40; i++)
        strcat(big, "X-Header-Line: 0123456789\r\n");
    strcat(big, "\r\n");
    exchange(f, a, big);
    assert_int_equal(f->nrec, 1);
    assert_int_equal(f->rec[0].error, ERR_HEADERS_TOO_LARGE);
    assert_non_null(strstr(f->rec[0].error_msg, "1024"));
    assert_refused_and_closed(f, a, "431");

    /* (b) an unfinished header block growing past the limit, a few bytes at a time */
    struct client *b = cli_open(f);
    cli_puts(f, b, "GET /b HTTP/1.1\r\nHost: h\r\nX-Grow: ");
    for (int i = 0; i < 60 && f->nrec == 1; i++) {
        cli_puts(f, b, "abcdefghijklmnopqrstuvwxyz");
        run(f);
    }
    assert_int_equal(f->nrec, 2);
    assert_int_equal(f->rec[1].error, ERR_HEADERS_TOO_LARGE);
    assert_string_equal(f->rec[1].target, "/b"); /* known once a header line has begun */
    assert_refused_and_closed(f, b, "431");

    /* (c) one header value of 10000 bytes in one write (past http-parser's own cap) */
    struct client *c = cli_open(f);
    strcpy(big, "GET /c HTTP/1.1\r\nHost: h\r\nX-Huge: ");
    memset(big + strlen(big), 'v', 10000);
    big[25 + 10000] = '\0';
    strcat(big, "\r\n\r\n");
    exchange(f, c, big);
    assert_int_equal(f->nrec, 3);
    assert_int_equal(f->rec[2].error, ERR_HEADERS_TOO_LARGE);
    assert_refused_and_closed(f, c, "431");

    /* (d) blank lines before the request line count too */
    struct client *d = cli_open(f);
    memset(big, 0, sizeof big);
    for (int i = 0; i < 700; i++)
        strcat(big, "\r\n");
    exchange(f, d, big);
    assert_int_equal(f->nrec, 4);
    assert_int_equal(f->rec[3].error, ERR_HEADERS_TOO_LARGE);
    assert_string_equal(f->rec[3].method, "");
    assert_string_equal(f->rec[3].target, "");
    assert_refused_and_closed(f, d, "431");
}

static void too_many_header_lines(void **state)
{
    struct fx *f = *state;
    pool_new(f, 8192, MAX_BODY, 5);
    char req[4096];
    for (int lines = 100; lines <= 101; lines++) {
        struct client *cl = cli_open(f);
        strcpy(req, "GET /h HTTP/1.1\r\nHost: h\r\n");
        for (int i = 1; i < lines; i++) /* Host is the first */
            sprintf(req + strlen(req), "h%d: %d\r\n", i, i);
        strcat(req, "\r\n");
        exchange(f, cl, req);
        assert_int_equal(f->nrec, lines - 99);
        struct rec *r = &f->rec[lines - 100];
        if (lines == 100) {
            assert_int_equal(r->error, ERR_OK);
            assert_int_equal(r->nheaders, 100);
            assert_non_null(strstr(r->headers, "\nh99=99\n"));
            expect_bytes(cl, 1, ok("GET", "/h", 0, NULL));
            cli_close(cl);
            run(f);
        } else {
            assert_int_equal(r->error, ERR_HEADERS_TOO_LARGE);
            assert_string_equal(r->error_msg, "the request has more than 100 header lines");
            assert_refused_and_closed(f, cl, "431");
        }
    }
}

static void garbage_is_invalid(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl, "\x16\x03\x01\x02\x17\xfc hello\r\n\r\n");
    assert_int_equal(f->nrec, 1);
    struct rec *r = &f->rec[0];
    assert_int_equal(r->error, ERR_INVALID);
    assert_string_equal(r->error_msg, "the request is not valid HTTP/1.1: invalid HTTP method");
    assert_string_equal(r->method, "");
    assert_string_equal(r->target, "");
    assert_int_equal(r->nheaders, 0);
    assert_int_equal(r->major, 1);
    assert_int_equal(r->minor, 1);
    assert_refused_and_closed(f, cl, "400");

    /* a bad second request after a good one on the same connection */
    cl = cli_open(f);
    exchange(f, cl, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /bad HTTP/1.1\r\nHost\x01: x\r\n\r\n");
    assert_int_equal(f->nrec, 3);
    assert_int_equal(f->rec[2].error, ERR_INVALID);
    assert_string_equal(f->rec[2].error_msg,
                        "the request is not valid HTTP/1.1: invalid character in header");
    char expect[1024];
    snprintf(expect, sizeof expect, "%s%s", ok("GET", "/ok", 0, NULL), REFUSED("400"));
    expect_bytes(cl, 2, expect);
    assert_true(cl->eof);
}

/* Shapes of request smuggling: the body length must be unambiguous. */
static void ambiguous_framing_is_invalid(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *req, *msg;
    } cases[] = {
        {"POST /s HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: "
         "chunked\r\n\r\n0\r\n\r\n",
         "unexpected content-length header"},
        {"POST /s HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
         "unexpected content-length header"},
        {"POST /s HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\nabc",
         "invalid character in content-length header"},
        {"POST /s HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
         "invalid character in content-length header"},
        {"POST /s HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
         "request has invalid transfer-encoding"},
        {"POST /s HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
         "invalid character in chunk size"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct client *cl = cli_open(f);
        exchange(f, cl, cases[i].req);
        assert_int_equal(f->nrec, (int)i + 1);
        struct rec *r = &f->rec[i];
        assert_int_equal(r->error, ERR_INVALID);
        assert_non_null(strstr(r->error_msg, cases[i].msg));
        assert_string_equal(r->method, "POST"); /* known once a header line has begun */
        assert_string_equal(r->target, "/s");
        assert_refused_and_closed(f, cl, "400");
    }
}

/* RFC 9112 section 5.1: a server MUST reject a request with whitespace between a header
 * name and its colon (a proxy in front may read "Transfer-Encoding : chunked" as another
 * header and frame the body differently). */
static void blank_in_header_name_is_invalid(void **state)
{
    struct fx *f = *state;
    const char *reqs[] = {
        "GET /w HTTP/1.1\r\nHost : evil.example\r\n\r\n",
        "POST /w HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
        "GET /w HTTP/1.1\r\nHost: h\r\nX-Ok: 1\r\nBad Name: x\r\n\r\n",
    };
    for (int i = 0; i < 3; i++) {
        struct client *cl = cli_open(f);
        exchange(f, cl, reqs[i]);
        assert_int_equal(f->nrec, i + 1);
        assert_int_equal(f->rec[i].error, ERR_INVALID);
        assert_non_null(strstr(f->rec[i].error_msg, "header name"));
        assert_string_equal(f->rec[i].target, "/w");
        assert_refused_and_closed(f, cl, "400");
    }
}

/* obs-fold, RFC 9112 section 5.2: refused, also when the first line of the value is
 * empty ("Transfer-Encoding:" then " chunked": http-parser takes that for chunked). */
static void folded_header_is_invalid(void **state)
{
    struct fx *f = *state;
    const char *reqs[] = {
        "GET / HTTP/1.1\r\nHost: h\r\nX-Folded: one\r\n two\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\tchunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip,\r\n chunked\r\n\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost:\r\n h\r\n\r\n",
    };
    for (int i = 0; i < 5; i++) {
        struct client *cl = cli_open(f);
        exchange(f, cl, reqs[i]);
        assert_int_equal(f->nrec, i + 1);
        assert_int_equal(f->rec[i].error, ERR_INVALID);
        assert_string_equal(f->rec[i].error_msg, "folded header lines are not accepted");
        assert_refused_and_closed(f, cl, "400");
    }
}

/* RFC 9112 section 3.2: exactly one Host header in HTTP/1.1, at most one in any
 * version, and a host[:port] in it. */
static void host_header_rules(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *req, *msg; /* msg NULL: accepted */
    } cases[] = {
        {"GET /h HTTP/1.1\r\n\r\n", "an HTTP/1.1 request needs a Host header; this one has no "
                                    "Host header"},
        {"GET /h HTTP/1.1\r\nX-Host: a\r\n\r\n", "no Host header"},
        {"GET /h HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",
         "the request has 2 Host headers; exactly one is accepted"},
        {"GET /h HTTP/1.1\r\nHost: a\r\nX: 1\r\nHOST: a\r\nHost: a\r\n\r\n", "3 Host headers"},
        {"GET /h HTTP/1.1\r\nHost: a b\r\n\r\n", "the Host header \"a b\" is not a host[:port]"},
        {"GET /h HTTP/1.1\r\nHost: a/b\r\n\r\n", "is not a host[:port]"},
        {"GET /h HTTP/1.1\r\nHost: a:80x\r\n\r\n", "is not a host[:port]"},
        {"GET /h HTTP/1.1\r\nHost: a@b\r\n\r\n", "is not a host[:port]"},
        {"GET /h HTTP/1.1\r\nHost: [::1\r\n\r\n", "is not a host[:port]"},
        {"GET /h HTTP/1.1\r\nHost: [::1]x\r\n\r\n", "is not a host[:port]"},
        {"GET /h HTTP/1.1\r\nHost: example.org\r\n\r\n", NULL},
        {"GET /h HTTP/1.1\r\nHost: Example.ORG:8080\r\n\r\n", NULL},
        {"GET /h HTTP/1.1\r\nHost: 10.0.0.1:80\r\n\r\n", NULL},
        {"GET /h HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", NULL},
        {"GET /h HTTP/1.1\r\nHost:\r\n\r\n", NULL}, /* empty: a target without authority */
        {"GET http://b.test/h HTTP/1.1\r\nHost: a.test\r\n\r\n", NULL},
        {"GET /h HTTP/1.0\r\n\r\n", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct client *cl = cli_open(f);
        exchange(f, cl, cases[i].req);
        assert_int_equal(f->nrec, (int)i + 1);
        struct rec *r = &f->rec[i];
        if (!cases[i].msg) {
            if (r->error) fail_msg("%s: refused: %s", cases[i].req, r->error_msg);
            assert_int_equal(strip_dates(cl), 1);
            assert_non_null(strstr(cl->data, " 200 OK\r\n"));
            cli_close(cl);
            run(f);
            assert_int_equal(conn_pool_count(f->pool), 0);
            continue;
        }
        assert_int_equal(r->error, ERR_INVALID);
        if (!strstr(r->error_msg, cases[i].msg))
            fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].req, r->error_msg, cases[i].msg);
        assert_string_equal(r->target, cases[i].req[4] == 'h' ? "http://b.test/h" : "/h");
        assert_refused_and_closed(f, cl, "400");
    }
    /* in HTTP/1.0 too */
    struct client *cl = cli_open(f);
    exchange(f, cl, "GET /h HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n");
    assert_int_equal(f->rec[f->nrec - 1].error, ERR_INVALID);
    assert_non_null(strstr(f->rec[f->nrec - 1].error_msg, "2 Host headers"));
    assert_int_equal(strip_dates(cl), 1);
    assert_non_null(strstr(cl->data, "HTTP/1.0 400 Refused\r\n"));
    assert_true(cl->eof);
}

/* Chunk framing that the lenient http-parser would take (RFC 9112 section 7.1): blanks
 * after a chunk size, a size line or chunk data not ending in CRLF, a header block
 * ending in CR and something else; also when the bytes come one at a time. */
static void malformed_chunk_framing_is_invalid(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *body, *msg;
    } cases[] = {
        {"\r\n5  \r\nhello\r\n0\r\n\r\n", "a chunk size is followed by blanks"},
        {"\r\n5\t\r\nhello\r\n0\r\n\r\n", "chunk size"}, /* the parser refuses a tab itself */
        {"\r\n5 junk\r\nhello\r\n0\r\n\r\n", "a chunk size is followed by blanks"},
        {"\r\n5\r\nhello\r\n0 \r\n\r\n", "a chunk size is followed by blanks"},
        {"\r\n5\rXhello\r\n0\r\n\r\n", "a chunk size line must end in CRLF"},
        {"\r\n5;a\nb\r\nhello\r\n0\r\n\r\n", "a chunk size line must end in CRLF"},
        {"\r\n5\r\nhelloXX0\r\n\r\n", "a chunk's data must end in CRLF"},
        {"\r\n5\r\nhello\rX0\r\n\r\n", "a chunk's data must end in CRLF"},
        {"\rX5\r\nhello\r\n0\r\n\r\n", "the header block must end in CRLF"},
    };
    for (size_t i = 0; i < 2 * (sizeof cases / sizeof cases[0]); i++) {
        size_t k = i / 2;
        bool bytewise = i % 2;
        char req[256];
        snprintf(req, sizeof req, "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n%s",
                 cases[k].body);
        struct client *cl = cli_open(f);
        if (bytewise) {
            for (const char *p = req; *p && !cl->eof; p++) {
                cli_send(f, cl, p, 1);
                event_base_loop(f->base, EVLOOP_NONBLOCK);
                cli_read(cl);
            }
            run(f);
        } else {
            exchange(f, cl, req);
        }
        assert_int_equal(f->nrec, (int)i + 1);
        struct rec *r = &f->rec[i];
        assert_int_equal(r->error, ERR_INVALID);
        if (!strstr(r->error_msg, cases[k].msg))
            fail_msg("%s: \"%s\" lacks \"%s\"", cases[k].body, r->error_msg, cases[k].msg);
        assert_string_equal(r->target, "/c");
        assert_refused_and_closed(f, cl, "400");
    }
    /* blanks before an extension are allowed (BWS), and extensions are not looked into */
    struct client *cl = cli_open(f);
    exchange(f, cl,
             "POST /ok HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5 ;a=b\r\nhello\r\n6 ; x = \"y z\"\r\n world\r\n0;end\r\n\r\n");
    expect_bytes(cl, 1, ok("POST", "/ok", 11, NULL));
    assert_string_equal(f->rec[f->nrec - 1].body, "hello world");
    assert_open(f, cl);
}

static void unsupported_expectation_is_invalid(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl, "POST / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\nhi");
    assert_int_equal(f->nrec, 1);
    assert_int_equal(f->rec[0].error, ERR_INVALID);
    assert_string_equal(f->rec[0].error_msg, "Expect: 200-ok is not supported");
    assert_refused_and_closed(f, cl, "400");
}

/* ---- versions, Connection, Expect ------------------------------------------------- */

static void http10_closes_by_default(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl, "GET /old HTTP/1.0\r\n\r\nGET /ignored HTTP/1.0\r\n\r\n");
    assert_int_equal(f->nrec, 1);
    assert_int_equal(f->rec[0].major, 1);
    assert_int_equal(f->rec[0].minor, 0);
    expect_bytes(cl, 1, okv(0, "GET", "/old", 0, CLOSE_HDR));
    assert_true(cl->eof);
    cli_close(cl);
    run(f);
    assert_int_equal(conn_pool_count(f->pool), 0);
}

static void http10_keep_alive(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    for (int i = 0; i < 2; i++) {
        exchange(f, cl, "GET /ka HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        expect_bytes(cl, 1, okv(0, "GET", "/ka", 0, "Connection: keep-alive\r\n"));
        assert_open(f, cl);
    }
    assert_int_equal(f->nrec, 2);
}

static void http11_client_asks_to_close(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl,
             "GET /bye HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /never "
             "HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(f->nrec, 1);
    expect_bytes(cl, 1, ok("GET", "/bye", 0, CLOSE_HDR));
    assert_true(cl->eof);
}

static void handler_asks_to_close(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl, "GET /close HTTP/1.1\r\nHost: h\r\n\r\nGET /never HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(f->nrec, 1);
    expect_bytes(cl, 1, ok("GET", "/close", 0, CLOSE_HDR));
    assert_true(cl->eof);
    cli_close(cl);
    run(f);
    assert_int_equal(conn_pool_count(f->pool), 0);
}

static void unanswered_request_gets_500(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl, "GET /noreply HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(f->nrec, 1);
    expect_bytes(cl, 1,
                 "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 "Content-Length: 15\r\n" CLOSE_HDR "\r\ninternal error\n");
    assert_true(cl->eof);
}

static void expect_100_continue(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    /* the name is matched in any case, the value too */
    exchange(f, cl,
             "PUT /up HTTP/1.1\r\nHost: h\r\neXpEcT:  100-Continue \r\nContent-Length: 5\r\n\r\n");
    assert_int_equal(f->nrec, 0);
    expect_bytes(cl, 0, "HTTP/1.1 100 Continue\r\n\r\n");
    exchange(f, cl, "12345");
    assert_int_equal(f->nrec, 1);
    assert_string_equal(f->rec[0].headers, "Host=h\neXpEcT=100-Continue\nContent-Length=5\n");
    expect_bytes(cl, 1, ok("PUT", "/up", 5, NULL));
    assert_open(f, cl);

    /* chunked too */
    exchange(f, cl,
             "POST /ch HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: "
             "chunked\r\n\r\n");
    expect_bytes(cl, 0, "HTTP/1.1 100 Continue\r\n\r\n");
    exchange(f, cl, "2\r\nok\r\n0\r\n\r\n");
    expect_bytes(cl, 1, ok("POST", "/ch", 2, NULL));

    /* not for HTTP/1.0, nor without a body */
    exchange(f, cl, "GET /nobody HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
    expect_bytes(cl, 1, ok("GET", "/nobody", 0, NULL));
    exchange(f, cl,
             "POST /v10 HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n"
             "Content-Length: 1\r\n\r\n");
    expect_bytes(cl, 0, "");
    exchange(f, cl, "x");
    expect_bytes(cl, 1, okv(0, "POST", "/v10", 1, "Connection: keep-alive\r\n"));
    assert_open(f, cl);
}

static void header_values_trimmed(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl,
             "GET /t HTTP/1.1\r\nHOST:h\r\nX-Pad: \t value  with  inner \t \r\n"
             "X-Empty:\r\nX-Blank:   \r\nx-lower: ok\r\n\r\n");
    assert_int_equal(f->nrec, 1);
    assert_true(f->rec[0].sane);
    assert_string_equal(f->rec[0].headers,
                        "HOST=h\nX-Pad=value  with  inner\nX-Empty=\nX-Blank=\nx-lower=ok\n");
    expect_bytes(cl, 1, ok("GET", "/t", 0, NULL));
}

/* ---- responses ------------------------------------------------------------------------ */

static void no_content_length_for_204_and_304(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl,
             "GET /204 HTTP/1.1\r\nHost: h\r\n\r\nGET /304 HTTP/1.1\r\nHost: h\r\n\r\nGET /after "
             "HTTP/1.1\r\nHost: h\r\n\r\n");
    char expect[1024];
    snprintf(expect, sizeof expect,
             "HTTP/1.1 204 No Content\r\n\r\n"
             "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n%s",
             ok("GET", "/after", 0, NULL));
    expect_bytes(cl, 3, expect);
    assert_open(f, cl);
}

static void head_response_has_length_but_no_body(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl, "HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\n\r\n");
    char expect[1024];
    snprintf(expect, sizeof expect, "HTTP/1.1 200 OK\r\n" CT "Content-Length: 42\r\n\r\n%s",
             ok("GET", "/g", 0, NULL));
    expect_bytes(cl, 2, expect);
    assert_open(f, cl);
}

static void peer_address(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open_as(f, AF_INET, 0);
    exchange(f, cl, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(f->nrec, 1);
    assert_string_equal(f->peer, "127.0.0.1");
}

static void large_response_then_pipelined_request(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open_as(f, AF_UNIX, 4096);
    cli_puts(f, cl, "GET /big HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n");
    /* without the client reading, the first response cannot be written whole: the
     * second request waits */
    for (int i = 0; i < 50; i++)
        event_base_loop(f->base, EVLOOP_NONBLOCK);
    assert_int_equal(f->nrec, 1);
    run(f);
    assert_int_equal(f->nrec, 2);
    assert_int_equal(strip_dates(cl), 2);
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: "
                               "application/octet-stream\r\nContent-Length: 8388608\r\n\r\n";
    size_t hl = sizeof head - 1;
    const char *tail = ok("GET", "/after", 0, NULL);
    assert_int_equal(cl->len, hl + f->big_len + strlen(tail));
    assert_memory_equal(cl->data, head, hl);
    assert_true(memcmp(cl->data + hl, f->big, f->big_len) == 0);
    assert_string_equal(cl->data + hl + f->big_len, tail);
    assert_open(f, cl);
}

static void many_pipelined_requests_through_a_small_buffer(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open_as(f, AF_UNIX, 4096);
    enum { N = 2000 };
    char *req = malloc(N * 40), *expect = malloc(N * 128);
    assert_non_null(req);
    assert_non_null(expect);
    size_t rl = 0, el = 0;
    for (int i = 0; i < N; i++) {
        char t[16];
        snprintf(t, sizeof t, "/p%04d", i);
        rl += (size_t)sprintf(req + rl, "GET %s HTTP/1.1\r\nHost: h\r\n\r\n", t);
        el += (size_t)sprintf(expect + el, "%s", ok("GET", t, 0, NULL));
    }
    cli_send(f, cl, req, rl); /* more than one read's worth: 64 KB */
    run(f);
    assert_int_equal(f->ncalls, N);
    assert_int_equal(strip_dates(cl), N);
    assert_int_equal(cl->len, el);
    assert_true(memcmp(cl->data, expect, el) == 0);
    assert_open(f, cl);
    free(req);
    free(expect);
}

static void upgrade_and_connect_are_answered_then_closed(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    exchange(f, cl,
             "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
             "GET /never HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(f->nrec, 1);
    expect_bytes(cl, 1, ok("GET", "/ws", 0, CLOSE_HDR));
    assert_true(cl->eof);
    cl = cli_open(f);
    exchange(f, cl, "CONNECT example.org:443 HTTP/1.1\r\nHost: h\r\n\r\n\x16\x03\x01");
    assert_int_equal(f->nrec, 2);
    assert_string_equal(f->rec[1].method, "CONNECT");
    assert_string_equal(f->rec[1].target, "example.org:443");
    expect_bytes(cl, 1, ok("CONNECT", "example.org:443", 0, CLOSE_HDR));
    assert_true(cl->eof);
}

/* ---- conn_respond_body ------------------------------------------------------------- */

static int temp_file(const char *data, size_t len)
{
    char path[] = "/tmp/pharos-unit-conn-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    return fd;
}

static void big_file(struct fx *f)
{
    f->big_fd = temp_file(f->big, f->big_len);
    f->short_fd = temp_file(f->big, 10);
}

/* The head conn_respond_body sends for LEN bytes (Date aside). */
static char *body_head(size_t len, const char *conn_hdr)
{
    static char h[256];
    snprintf(h, sizeof h,
             "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n"
             "%s\r\n",
             len, conn_hdr ? conn_hdr : "");
    return h;
}

static void respond_body_small_from_memory_and_file(void **state)
{
    struct fx *f = *state;
    big_file(f);
    struct client *cl = cli_open(f);
    const char *targets[] = {"/body-small", "/body-file-small"};
    for (int i = 0; i < 2; i++) {
        char req[64];
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: h\r\n\r\n", targets[i]);
        exchange(f, cl, req);
        assert_int_equal(strip_dates(cl), 1);
        const char *h = body_head(1000, NULL);
        assert_int_equal(cl->len, strlen(h) + 1000);
        assert_memory_equal(cl->data, h, strlen(h));
        assert_memory_equal(cl->data + strlen(h), f->big, 1000);
        cl->len = 0;
        assert_int_equal(f->released, i + 1);
        assert_open(f, cl);
    }
}

static void respond_body_head_empty_and_twice(void **state)
{
    struct fx *f = *state;
    big_file(f);
    struct client *cl = cli_open(f);
    exchange(f, cl,
             "HEAD /body-small HTTP/1.1\r\nHost: h\r\n\r\nHEAD /body-file-big HTTP/1.1\r\nHost: "
             "h\r\n\r\n");
    char expect[1024];
    snprintf(expect, sizeof expect, "%s", body_head(1000, NULL));
    snprintf(expect + strlen(expect), sizeof expect - strlen(expect), "%s",
             body_head(f->big_len, NULL));
    expect_bytes(cl, 2, expect);
    assert_int_equal(f->released, 2);

    exchange(f, cl, "GET /body-empty HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_bytes(cl, 1, body_head(0, NULL));
    assert_int_equal(f->released, 3);

    /* a second answer is ignored, and its body released */
    exchange(f, cl, "GET /body-twice HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_bytes(cl, 1, "HTTP/1.1 200 OK\r\n" CT "Content-Length: 6\r\n\r\nfirst\n");
    assert_int_equal(f->released, 4);
    assert_open(f, cl);
}

static void respond_body_large_then_pipelined(void **state)
{
    struct fx *f = *state;
    big_file(f);
    const char *targets[] = {"/body-big", "/body-file-big"};
    for (int i = 0; i < 2; i++) {
        struct client *cl = cli_open_as(f, AF_UNIX, 4096);
        char req[128];
        snprintf(req, sizeof req,
                 "GET %s HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n",
                 targets[i]);
        cli_puts(f, cl, req);
        for (int k = 0; k < 50; k++)
            event_base_loop(f->base, EVLOOP_NONBLOCK);
        assert_int_equal(f->ncalls, 2 * i + 1); /* the second request waits */
        assert_int_equal(f->released, i);       /* the body is still needed */
        run(f);
        assert_int_equal(f->ncalls, 2 * i + 2);
        assert_int_equal(f->released, i + 1);
        assert_int_equal(strip_dates(cl), 2);
        const char *h = body_head(f->big_len, NULL);
        size_t hl = strlen(h);
        const char *tail = ok("GET", "/after", 0, NULL);
        assert_int_equal(cl->len, hl + f->big_len + strlen(tail));
        assert_memory_equal(cl->data, h, hl);
        assert_true(memcmp(cl->data + hl, f->big, f->big_len) == 0);
        assert_string_equal(cl->data + hl + f->big_len, tail);
        assert_int_equal(conn_pool_count(f->pool), 1);
        cli_close(cl);
        run(f);
        assert_int_equal(conn_pool_count(f->pool), 0);
    }
}

static void respond_body_peer_gone_or_file_short(void **state)
{
    struct fx *f = *state;
    big_file(f);
    /* the client leaves while the body is being written: the connection and the body
     * are released */
    struct client *cl = cli_open_as(f, AF_UNIX, 4096);
    cli_puts(f, cl, "GET /body-big HTTP/1.1\r\nHost: h\r\n\r\n");
    for (int k = 0; k < 10; k++)
        event_base_loop(f->base, EVLOOP_NONBLOCK);
    assert_int_equal(f->released, 0);
    cli_close(cl);
    run(f);
    assert_int_equal(conn_pool_count(f->pool), 0);
    assert_int_equal(f->released, 1);

    /* a file shorter than announced: what it has is sent, then the connection is cut */
    cl = cli_open(f);
    exchange(f, cl, "GET /body-file-short HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_true(cl->eof);
    assert_int_equal(conn_pool_count(f->pool), 0);
    assert_int_equal(f->released, 2);
    assert_int_equal(strip_dates(cl), 1);
    const char *h = body_head(1000, NULL);
    assert_int_equal(cl->len, strlen(h) + 10);
    assert_memory_equal(cl->data, h, strlen(h));
    assert_memory_equal(cl->data + strlen(h), f->big, 10);
}

/* ---- connection lifetime ----------------------------------------------------------- */

static void drain_closes_idle_and_lets_busy_finish(void **state)
{
    struct fx *f = *state;
    f->big_len = 1 << 20;
    struct client *idle = cli_open(f);
    struct client *partial = cli_open(f);
    struct client *writing = cli_open_as(f, AF_UNIX, 4096);
    exchange(f, idle, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_bytes(idle, 1, ok("GET", "/a", 0, NULL));
    cli_puts(f, partial, "GET /b HTTP/1.1\r\nHost:");
    cli_puts(f, writing, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
    for (int i = 0; i < 10; i++)
        event_base_loop(f->base, EVLOOP_NONBLOCK);
    assert_int_equal(f->nrec, 2);
    assert_int_equal(conn_pool_count(f->pool), 3);

    conn_pool_drain(f->pool);
    assert_int_equal(conn_pool_count(f->pool), 2); /* the idle one at once */
    cli_read(idle);
    assert_true(idle->eof);
    assert_int_equal(idle->len, 0);

    exchange(f, partial, " h\r\n\r\n");
    expect_bytes(partial, 1, ok("GET", "/b", 0, CLOSE_HDR));
    assert_true(partial->eof);
    /* the response begun before the drain is written whole, then the connection closes */
    assert_true(writing->eof);
    assert_int_equal(strip_dates(writing), 1);
    const char *head = strstr(writing->data, "\r\n\r\n");
    assert_non_null(head);
    head += 4;
    assert_int_equal(writing->len - (size_t)(head - writing->data), f->big_len);
    assert_null(strstr(writing->data, "Connection:"));
    assert_int_equal(conn_pool_count(f->pool), 1); /* "partial" lingers for its client */
    cli_close(partial);
    run(f);
    assert_int_equal(conn_pool_count(f->pool), 0);
}

static void drain_from_the_callback(void **state)
{
    struct fx *f = *state;
    struct client *idle = cli_open(f);
    struct client *cl = cli_open(f);
    exchange(f, cl, "GET /drain HTTP/1.1\r\nHost: h\r\n\r\nGET /never HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(f->nrec, 1);
    expect_bytes(cl, 1, ok("GET", "/drain", 0, CLOSE_HDR));
    assert_true(cl->eof);
    assert_true(idle->eof);
    cli_close(cl);
    run(f);
    assert_int_equal(conn_pool_count(f->pool), 0);
}

static void peer_closes_mid_request(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open(f);
    cli_puts(f, cl, "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\npartial");
    run(f);
    assert_int_equal(conn_pool_count(f->pool), 1);
    cli_close(cl);
    run(f);
    assert_int_equal(conn_pool_count(f->pool), 0);
    assert_int_equal(f->nrec, 0);
}

static void peer_closes_mid_response(void **state)
{
    struct fx *f = *state;
    struct client *cl = cli_open_as(f, AF_UNIX, 4096);
    cli_puts(f, cl, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
    for (int i = 0; i < 10; i++)
        event_base_loop(f->base, EVLOOP_NONBLOCK);
    assert_int_equal(f->nrec, 1);
    assert_int_equal(conn_pool_count(f->pool), 1);
    cli_close(cl);
    run(f);
    assert_int_equal(conn_pool_count(f->pool), 0);
}

/* Making room: idle connections go, the least recently active first (not the first
 * accepted); one with a request under way stays and is answered. */
static void evict_idle_closes_the_least_recently_active(void **state)
{
    struct fx *f = *state;
    struct client *a = cli_open(f), *b = cli_open(f), *c = cli_open(f);
    exchange(f, c, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n");
    exchange(f, a, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
    exchange(f, b, "GET /b HTTP/1.1\r\nHost: h\r\n");
    assert_int_equal(f->nrec, 2);
    assert_int_equal(conn_pool_count(f->pool), 3);
    assert_int_equal(conn_pool_evict_idle(f->pool, 1), 1);
    run(f);
    assert_true(c->eof);
    assert_false(a->eof);
    assert_int_equal(conn_pool_evict_idle(f->pool, 5), 1); /* a; b is busy */
    run(f);
    assert_true(a->eof);
    assert_false(b->eof);
    assert_int_equal(conn_pool_evict_idle(f->pool, 5), 0);
    exchange(f, b, "\r\n");
    assert_int_equal(f->nrec, 3);
    assert_string_equal(f->rec[2].target, "/b");
    assert_int_equal(conn_pool_count(f->pool), 1);
    assert_false(b->eof);
}

/* Runs the loop for up to SECONDS or until the pool is empty. */
static void run_until_empty(struct fx *f, int seconds)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        event_base_loop(f->base, EVLOOP_NONBLOCK);
        for (int i = 0; i < f->ncl; i++)
            if (f->cl[i].fd >= 0) cli_read(&f->cl[i]);
        usleep(10000);
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (conn_pool_count(f->pool) > 0 && t.tv_sec - t0.tv_sec < seconds);
}

static void idle_connection_times_out(void **state)
{
    struct fx *f = *state;
    pool_new(f, MAX_HDR, MAX_BODY, 1);
    struct client *cl = cli_open(f);
    exchange(f, cl, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_bytes(cl, 1, ok("GET", "/", 0, NULL));
    assert_open(f, cl);
    run_until_empty(f, 4);
    assert_int_equal(conn_pool_count(f->pool), 0);
    assert_true(cl->eof);

    /* a client that never closes after "Connection: close" is dropped after the linger */
    cl = cli_open(f);
    exchange(f, cl, "GET /close HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_true(cl->eof);
    assert_int_equal(conn_pool_count(f->pool), 1);
    run_until_empty(f, 4);
    assert_int_equal(conn_pool_count(f->pool), 0);
}

/* Sends PIECE every 200 ms until the server has answered and half-closed (or 8 s
 * have passed); returns the seconds that took. */
static double trickle_until_answered(struct fx *f, struct client *cl, const char *piece)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        cli_puts(f, cl, piece);
        usleep(200000);
        run(f);
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (!cl->eof && t.tv_sec - t0.tv_sec < 8);
    return (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
}

/* A header block trickling in (slowloris) is cut off after the request timeout,
 * although its bytes keep coming and the connection is never idle: 408, then close. */
static void trickling_header_block_is_cut_off(void **state)
{
    struct fx *f = *state;
    pool_new(f, MAX_HDR, MAX_BODY, 1); /* request_timeout_s 0: timeout_s */
    struct client *cl = cli_open(f);
    exchange(f, cl, "GET /slow HTTP/1.1\r\nHost: h\r\n");
    double took = trickle_until_answered(f, cl, "X: y\r\n");
    assert_true(took >= 1 && took <= 4);
    assert_int_equal(f->nrec, 1);
    assert_int_equal(f->rec[0].error, ERR_TIMEOUT);
    assert_string_equal(f->rec[0].error_msg, "the request did not arrive whole within 1 seconds");
    assert_string_equal(f->rec[0].target, "/slow");
    assert_refused_and_closed(f, cl, "408");
}

/* So is a body trickling in (10 bytes a second would keep one open for ever); a
 * kept-alive connection idle between requests for longer is not cut off. */
static void trickling_body_is_cut_off(void **state)
{
    struct fx *f = *state;
    conn_pool_free(f->pool);
    f->lim = (struct conn_limits){MAX_HDR, MAX_BODY, 5, 1};
    f->pool = conn_pool_new(f->base, &f->lim, on_request, f);
    struct client *idle = cli_open(f);
    exchange(f, idle, "GET /first HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_bytes(idle, 1, ok("GET", "/first", 0, NULL));
    struct client *cl = cli_open(f);
    exchange(f, cl, "POST /slow-body HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n");
    double took = trickle_until_answered(f, cl, "xx");
    assert_true(took >= 1 && took <= 4);
    assert_int_equal(f->nrec, 2);
    struct rec *r = &f->rec[1];
    assert_int_equal(r->error, ERR_TIMEOUT);
    assert_string_equal(r->method, "POST");
    assert_string_equal(r->target, "/slow-body");
    assert_string_equal(r->headers, "Host=h\nContent-Length=100\n");
    char expect[256];
    snprintf(expect, sizeof expect, "%s", REFUSED("408"));
    expect_bytes(cl, 1, expect);
    assert_true(cl->eof);
    cli_close(cl);
    run(f);
    /* the idle one has waited as long, between requests: it still serves */
    assert_false(idle->eof);
    exchange(f, idle, "GET /second HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_bytes(idle, 1, ok("GET", "/second", 0, NULL));
    assert_open(f, idle);
}

/* ---- deferred requests ------------------------------------------------------------------ */

/* Answers the deferred requests as on their thread: "GET /deferred" as any other, unless
 * ANSWER is false (then the layer must answer 500). */
static void resume_deferred(struct fx *f, bool answer)
{
    for (int i = 0; i < f->ndeferred; i++) {
        struct conn *c = f->deferred[i];
        if (answer) respond_text(c, 200, "OK", "GET /deferred 0\n", false);
        conn_resume(c);
    }
    f->ndeferred = 0;
    run(f);
}

/* A deferred request (and the pipelined one after it) waits for its answer while another
 * connection is served; then both go, in order, and the connection reads on. */
static void deferred_request_waits_while_others_are_served(void **state)
{
    struct fx *f = *state;
    struct client *a = cli_open(f), *b = cli_open(f);
    exchange(f, a,
             "GET /deferred HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(a->len, 0);
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->ndeferred, 1);
    exchange(f, b, "GET /other HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_bytes(b, 1, ok("GET", "/other", 0, NULL));
    resume_deferred(f, true);
    char want[2048];
    snprintf(want, sizeof want, "%s%s", ok("GET", "/deferred", 0, NULL),
             ok("GET", "/after", 0, NULL));
    expect_bytes(a, 2, want);
    assert_int_equal(f->ncalls, 3);
    exchange(f, a, "GET /again HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_bytes(a, 1, ok("GET", "/again", 0, NULL));
    assert_int_equal(conn_pool_count(f->pool), 2);
}

/* A deferred connection is neither timed out, nor evicted, nor closed by a drain while its
 * answer is away; once it is back it goes (with "Connection: close" after a drain). An
 * answer that never came is a 500. */
static void deferred_connection_outlives_timeouts_and_drain(void **state)
{
    struct fx *f = *state;
    pool_new(f, MAX_HDR, MAX_BODY, 1);
    struct client *a = cli_open(f), *idle = cli_open(f);
    exchange(f, a, "POST /deferred HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi");
    assert_int_equal(f->ndeferred, 1);
    time_t t0 = time(NULL);
    while (time(NULL) < t0 + 3) { /* three sweeps past the 1 s timeout */
        usleep(100000);
        run(f);
    }
    assert_true(idle->eof); /* the idle one was timed out meanwhile */
    assert_int_equal(conn_pool_count(f->pool), 1);
    assert_int_equal(conn_pool_evict_idle(f->pool, 10), 0);
    conn_pool_drain(f->pool);
    assert_int_equal(conn_pool_count(f->pool), 1);
    assert_false(a->eof);
    resume_deferred(f, false);
    expect_bytes(a, 1,
                 "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 "Content-Length: 15\r\n" CLOSE_HDR "\r\ninternal error\n");
    assert_true(a->eof);
}

/* A client gone while its request was deferred: the answer finds a broken connection, which
 * is then freed (ASan checks that nothing touches it after). */
static void deferred_request_of_a_client_gone(void **state)
{
    struct fx *f = *state;
    struct client *a = cli_open(f);
    exchange(f, a, "PUT /deferred HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(f->ndeferred, 1);
    cli_close(a);
    run(f);
    assert_int_equal(conn_pool_count(f->pool), 1); /* kept: its answer is away */
    resume_deferred(f, true);
    run_until_empty(f, 2);
    assert_int_equal(conn_pool_count(f->pool), 0);
}

/* ---- holds ----------------------------------------------------------------------------- */

/* Has the holds' ready() say yes, wakes the pool and runs it until quiet. */
static void let_holds_go(struct fx *f)
{
    f->hold_ready = true;
    conn_pool_wake_held(f->pool);
    run(f);
}

/* A held response (and the pipelined request after it) waits until ready() says so after a
 * wake-up, while another connection is served; both kinds of response are held. */
static void held_response_waits_for_ready_while_others_are_served(void **state)
{
    struct fx *f = *state;
    struct client *a = cli_open(f), *b = cli_open(f);
    exchange(f, a, "GET /held HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(a->len, 0);
    assert_int_equal(f->ncalls, 1); /* the pipelined one waits too */
    exchange(f, b, "GET /other HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_bytes(b, 1, ok("GET", "/other", 0, NULL));
    conn_pool_wake_held(f->pool); /* not ready yet */
    run(f);
    assert_true(f->hold_asked >= 1);
    assert_int_equal(a->len, 0);
    assert_int_equal(f->hold_done, 0);
    let_holds_go(f);
    assert_int_equal(f->hold_done, 1);
    char want[2048];
    snprintf(want, sizeof want, "%s%s", ok("GET", "/held", 0, NULL), ok("GET", "/after", 0, NULL));
    expect_bytes(a, 2, want);
    assert_int_equal(f->ncalls, 3);

    /* a body sent by reference (conn_respond_body) waits in the buffer the same way */
    f->hold_ready = false;
    exchange(f, a, "GET /held/body-small HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(a->len, 0);
    assert_int_equal(f->released, 0);
    let_holds_go(f);
    assert_int_equal(f->hold_done, 2);
    assert_int_equal(f->released, 1);
    strip_dates(a);
    assert_int_equal(a->len, strlen("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                                    "Content-Length: 1000\r\n\r\n") +
                                 1000);
}

/* A held connection closed with its pool (at shutdown) ends its hold (done called once,
 * the response's body released). */
static void held_response_ends_its_hold_when_the_pool_closes(void **state)
{
    struct fx *f = *state;
    struct client *a = cli_open(f);
    exchange(f, a, "GET /held/body-small HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_int_equal(f->hold_done, 0);
    conn_pool_free(f->pool); /* as at shutdown */
    f->pool = NULL;
    assert_int_equal(f->hold_done, 1);
    assert_int_equal(f->released, 1);
    pool_new(f, MAX_HDR, MAX_BODY, 5);
}

/* A response nobody releases goes out when the sweep finds it held for 2 s. */
static void held_response_goes_after_two_seconds_at_most(void **state)
{
    struct fx *f = *state;
    struct client *a = cli_open(f);
    exchange(f, a, "GET /held HTTP/1.1\r\nHost: h\r\n\r\n");
    time_t t0 = time(NULL);
    while (a->len == 0 && time(NULL) < t0 + 6) {
        usleep(100000);
        run(f);
    }
    assert_true(time(NULL) - t0 >= 1);
    assert_int_equal(f->hold_done, 1);
    expect_bytes(a, 1, ok("GET", "/held", 0, NULL));
    assert_open(f, a);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(get_keep_alive_then_second_request),
        T(deferred_request_waits_while_others_are_served),
        T(deferred_connection_outlives_timeouts_and_drain),
        T(deferred_request_of_a_client_gone),
        T(trickling_header_block_is_cut_off),
        T(trickling_body_is_cut_off),
        T(pipelined_requests_answered_in_order),
        T(request_one_byte_at_a_time),
        T(content_length_body),
        T(chunked_body_decoded),
        T(chunked_trailer_fields),
        T(body_over_limit_by_content_length),
        T(chunked_body_over_limit),
        T(header_block_over_limit),
        T(too_many_header_lines),
        T(garbage_is_invalid),
        T(ambiguous_framing_is_invalid),
        T(blank_in_header_name_is_invalid),
        T(folded_header_is_invalid),
        T(host_header_rules),
        T(malformed_chunk_framing_is_invalid),
        T(unsupported_expectation_is_invalid),
        T(http10_closes_by_default),
        T(http10_keep_alive),
        T(http11_client_asks_to_close),
        T(handler_asks_to_close),
        T(unanswered_request_gets_500),
        T(expect_100_continue),
        T(header_values_trimmed),
        T(no_content_length_for_204_and_304),
        T(head_response_has_length_but_no_body),
        T(peer_address),
        T(large_response_then_pipelined_request),
        T(many_pipelined_requests_through_a_small_buffer),
        T(respond_body_small_from_memory_and_file),
        T(respond_body_head_empty_and_twice),
        T(respond_body_large_then_pipelined),
        T(respond_body_peer_gone_or_file_short),
        T(upgrade_and_connect_are_answered_then_closed),
        T(drain_closes_idle_and_lets_busy_finish),
        T(drain_from_the_callback),
        T(peer_closes_mid_request),
        T(peer_closes_mid_response),
        T(evict_idle_closes_the_least_recently_active),
        T(idle_connection_times_out),
        T(held_response_waits_for_ready_while_others_are_served),
        T(held_response_ends_its_hold_when_the_pool_closes),
        T(held_response_goes_after_two_seconds_at_most),
    };
#undef T
    return cmocka_run_group_tests_name("http/conn", tests, NULL, NULL);
}
