/*
 * Fuzz target for http/conn (libFuzzer; `make fuzz`).
 *
 * The input after its first two bytes is a client's byte stream. It goes through
 * a socketpair into one long-lived conn_pool (512 bytes of header block, 1 KiB of
 * body; the server end's send buffer shrunk so that responses back up). Byte 0
 * picks the delivery: bit 0 splits the stream into pieces of (byte 1 % 32) + 1
 * bytes with the loop run between them; bit 1 half-closes the client after the
 * last byte; bit 2 leaves the responses unread until the stream is sent. The
 * callback answers 200 with a small body whose length follows the target, except
 * "/c…" (asks to close), "/n…" (no answer: the layer's 500), "/e…" (204), "/b…"
 * and "/f…" (conn_respond_body from memory or from a file, the head alone for
 * HEAD) and HEAD (no body). The loop runs until quiet, then the client closes.
 *
 * Invariants: each request handed over has NUL-terminated method, target, body
 * (body[body_len] == 0, body_len within the limit) and at most 100 headers whose
 * names and values are NUL-terminated within the header limit and hold no CR or
 * LF (names no ':' or blank either; values trimmed); an error is one
 * of ERR_INVALID, ERR_TOO_LARGE, ERR_HEADERS_TOO_LARGE (or ERR_TIMEOUT, should an
 * input take longer than the 5 s request timeout) with a message, and no
 * request follows it on the connection. What the client receives is a sequence
 * of complete responses — "HTTP/1.1 100 Continue" or a final response with a
 * Date line, a Content-Length (none for 204) and a body of that length — one
 * final response per callback, nothing after one with "Connection: close", and
 * then the end of the stream; an error's response always closes. Once the
 * client has closed, the pool holds no connection and every conn_body has been
 * released exactly once. Nothing leaks.
 */
#include "http/conn.h"
#include <assert.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { MAX_HDR = 512, MAX_BODY = 1024 };

static struct event_base *base;
static struct conn_pool *pool;
static char filler[20000];
static int filler_fd = -1;

/* per input */
static int calls, bodies, released;
static bool errored;
static bool headless[4096]; /* final response I has a Content-Length but no body (HEAD) */

static void on_release(void *arg)
{
    assert(arg == &released);
    released++;
}

static void check_str(const char *s, size_t max)
{
    assert(s);
    size_t n = strnlen(s, max + 1);
    assert(n <= max);
    assert(!memchr(s, '\r', n) && !memchr(s, '\n', n));
}

static void on_request(struct conn *c, struct http_msg *m, void *arg)
{
    (void)arg;
    assert(!errored); /* nothing is parsed after a refusal */
    assert(calls < (int)sizeof headless);
    headless[calls++] = false;
    check_str(m->method, 32);
    check_str(m->target, MAX_HDR);
    assert(m->body && m->body[m->body_len] == '\0' && m->body_len <= MAX_BODY);
    assert(m->nheaders >= 0 && m->nheaders <= 100);
    for (int i = 0; i < m->nheaders; i++) {
        const char *n = m->headers[i].name, *v = m->headers[i].value;
        check_str(n, MAX_HDR);
        check_str(v, MAX_HDR);
        assert(*n && !strpbrk(n, ": \t"));
        size_t vl = strlen(v);
        assert(vl == 0 || (v[0] != ' ' && v[0] != '\t' && v[vl - 1] != ' ' && v[vl - 1] != '\t'));
    }
    if (m->error) {
        assert(m->error == ERR_INVALID || m->error == ERR_TOO_LARGE ||
               m->error == ERR_HEADERS_TOO_LARGE || m->error == ERR_TIMEOUT);
        assert(m->error_msg[0] && strnlen(m->error_msg, sizeof m->error_msg) < sizeof m->error_msg);
        errored = true;
        struct evbuffer *b = evbuffer_new();
        evbuffer_add(b, "refused\n", 8);
        conn_respond(c, 400, "Bad Request", "", 0, 8, b, false);
        evbuffer_free(b);
        return;
    }
    assert(m->method[0] && m->target[0]);
    const char *t = m->target;
    if (t[0] == '/' && t[1] == 'n') return;
    if (t[0] == '/' && t[1] == 'e') {
        conn_respond(c, 204, "No Content", "", 0, 0, NULL, false);
        return;
    }
    size_t n = strlen(t) * 97 % sizeof filler;
    bool head = strcmp(m->method, "HEAD") == 0;
    if (t[0] == '/' && (t[1] == 'b' || t[1] == 'f')) {
        struct conn_body b = {filler, n, t[1] == 'f' ? filler_fd : -1, on_release, &released};
        bodies++;
        headless[calls - 1] = head && n > 0;
        conn_respond_body(c, 200, "OK", "", 0, &b, !head, false);
        return;
    }
    if (head) {
        conn_respond(c, 200, "OK", "X-Head: 1\r\n", 11, 0, NULL, false);
        return;
    }
    struct evbuffer *b = evbuffer_new();
    evbuffer_add(b, filler, n);
    static const char h[] = "Content-Type: text/plain\r\n";
    conn_respond(c, 200, "OK", h, sizeof h - 1, n, b, t[0] == '/' && t[1] == 'c');
    evbuffer_free(b);
}

static void init(void)
{
    signal(SIGPIPE, SIG_IGN);
    base = event_base_new();
    struct conn_limits lim = {MAX_HDR, MAX_BODY, 5};
    pool = conn_pool_new(base, &lim, on_request, NULL);
    assert(base && pool);
    memset(filler, 'f', sizeof filler);
    char path[] = "/tmp/pharos-fuzz-conn-XXXXXX";
    filler_fd = mkstemp(path);
    assert(filler_fd >= 0);
    unlink(path);
    assert(write(filler_fd, filler, sizeof filler) == (ssize_t)sizeof filler);
}

struct client {
    int fd;
    char *data;
    size_t len, cap;
    bool eof;
};

static bool cli_read(struct client *cl)
{
    bool progress = false;
    while (!cl->eof) {
        if (cl->cap - cl->len < 16384) {
            cl->cap = cl->cap ? cl->cap * 2 : 65536;
            cl->data = realloc(cl->data, cl->cap);
            assert(cl->data);
        }
        ssize_t n = recv(cl->fd, cl->data + cl->len, cl->cap - cl->len, 0);
        if (n > 0) {
            cl->len += (size_t)n;
            progress = true;
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            cl->eof = progress = true;
        } else {
            break;
        }
    }
    return progress;
}

/* Runs the loop (reading the client unless NOREAD) until nothing happens for a while. */
static void run(struct client *cl, bool noread)
{
    size_t count = conn_pool_count(pool);
    for (int quiet = 0, rounds = 0; quiet < 8 && rounds < 100000; rounds++) {
        event_base_loop(base, EVLOOP_NONBLOCK);
        bool progress = !noread && cli_read(cl);
        if (conn_pool_count(pool) != count) {
            count = conn_pool_count(pool);
            progress = true;
        }
        quiet = progress ? 0 : quiet + 1;
    }
}

static void cli_send(struct client *cl, const uint8_t *p, size_t len)
{
    for (int spins = 0; len > 0;) {
        ssize_t n = send(cl->fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
            return; /* the server has closed: the rest is not read */
        assert(n < 0 && (errno == EAGAIN || errno == EINTR));
        assert(++spins < 100000);
        event_base_loop(base, EVLOOP_NONBLOCK);
        cli_read(cl);
    }
}

/* Checks the response stream against the number of requests handed over. */
static void check_responses(const struct client *cl)
{
    const char *d = cl->data;
    size_t pos = 0;
    int finals = 0;
    bool closed = false;
    while (pos < cl->len) {
        assert(!closed); /* nothing after "Connection: close" */
        size_t rest = cl->len - pos;
        const char *r = d + pos;
        assert(rest >= 12 && (memcmp(r, "HTTP/1.1 ", 9) == 0 || memcmp(r, "HTTP/1.0 ", 9) == 0));
        const char *end = memmem(r, rest, "\r\n\r\n", 4);
        assert(end); /* complete */
        size_t hl = (size_t)(end + 4 - r);
        int status = atoi(r + 9);
        if (status == 100) {
            assert(hl == 25 && memcmp(r, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0);
            pos += hl;
            continue;
        }
        finals++;
        assert(status == 200 || status == 204 || status == 400 || status == 500);
        char *head = strndup(r, hl);
        assert(head);
        assert(strstr(head, "\r\nDate: ") == strchr(head, '\r'));
        const char *cl_hdr = strstr(head, "\r\nContent-Length: ");
        size_t body = 0;
        if (status == 204) {
            assert(!cl_hdr);
        } else {
            assert(cl_hdr);
            body = strtoul(cl_hdr + 18, NULL, 10);
        }
        if (headless[finals - 1]) body = 0;
        if (strstr(head, "\r\nConnection: close\r\n")) closed = true;
        if (status == 400 || status == 500) assert(closed);
        free(head);
        assert(rest - hl >= body);
        pos += hl + body;
    }
    assert(finals == calls);
    if (closed || errored) assert(closed && cl->eof);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!base) init();
    if (size < 2) return 0;
    uint8_t mode = data[0];
    size_t piece = mode & 1 ? (size_t)(data[1] % 32) + 1 : size;
    bool half_close = mode & 2, noread = mode & 4;
    data += 2;
    size -= 2;
    calls = bodies = released = 0;
    errored = false;

    int sv[2];
    assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    int sndbuf = 4096;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    conn_pool_accept(pool, sv[0], (struct sockaddr *)&sun, sizeof sun);
    assert(conn_pool_count(pool) == 1);
    struct client cl = {.fd = sv[1]};

    for (size_t off = 0; off < size; off += piece) {
        cli_send(&cl, data + off, size - off < piece ? size - off : piece);
        if (piece < size) run(&cl, noread);
    }
    if (half_close) shutdown(cl.fd, SHUT_WR);
    run(&cl, noread);
    run(&cl, false);
    check_responses(&cl);
    if (!errored && !cl.eof) assert(conn_pool_count(pool) == 1);

    close(cl.fd);
    run(&cl, true);
    assert(conn_pool_count(pool) == 0);
    assert(released == bodies);
    free(cl.data);
    return 0;
}
