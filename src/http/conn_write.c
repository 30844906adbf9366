/*
 * conn_write — responses on a connection: the head formatted without printf,
 * then written at once. See conn.h.
 *
 * A snapshot body (conn_respond_body) goes straight to the socket: one writev(2)
 * of head and body, or, when the body is also in a file, the head with MSG_MORE
 * and one sendfile(2), so that they leave together as nginx's tcp_nopush does.
 * Whatever the socket does not take goes to the connection's output buffer, by
 * reference, and is written when the socket is writable again (conn.c).
 */
#include "core/fmt.h"
#include "core/xalloc.h"
#include "http/conn_internal.h"
#include <errno.h>
#include <event2/buffer.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* Writes pending output; notes whether some is left and whether the peer is gone. */
void conn_flush(struct conn *c)
{
    if (c->held) { /* it waits in `out` (conn_hold) */
        c->out_pending = evbuffer_get_length(c->out) > 0;
        return;
    }
    while (evbuffer_get_length(c->out) > 0) {
        int n = evbuffer_write(c->out, c->fd);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) c->dead = true;
            break;
        }
        if (n == 0) break;
        c->last_active = c->pool->tick;
    }
    c->out_pending = !c->dead && evbuffer_get_length(c->out) > 0;
}

/* "Date: …\r\n" for now, formatted once a second. */
static const char *date_line(struct conn_pool *p)
{
    time_t now = time(NULL);
    if (now != p->date_sec) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(p->date, sizeof p->date, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
        p->date_sec = now;
    }
    return p->date;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

/* Formats the status line, Date, HEADERS, Content-Length and Connection into OUT
 * (CAP bytes); returns the length, or 0 when it does not fit. */
static size_t format_head(struct conn *c, int status, const char *reason, const char *headers,
                          size_t hlen, size_t content_length, bool close, char *out, size_t cap)
{
    if (hlen + 256 > cap) return 0;
    char *p = out;
    bool v10 = c->parser.http_major == 1 && c->parser.http_minor == 0;
    p = put_str(p, v10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    p = fmt_dec(p, (uint64_t)(status % 1000), 1);
    *p++ = ' ';
    p = put_str(p, strlen(reason) < 64 ? reason : "");
    p = put_str(p, "\r\n");
    p = put_str(p, date_line(c->pool));
    memcpy(p, headers, hlen);
    p += hlen;
    if (status >= 200 && status != 204 && status != 304) {
        p = put_str(p, "Content-Length: ");
        p = fmt_dec(p, content_length, 1);
        p = put_str(p, "\r\n");
    }
    if (close)
        p = put_str(p, "Connection: close\r\n");
    else if (v10)
        p = put_str(p, "Connection: keep-alive\r\n");
    p = put_str(p, "\r\n");
    return (size_t)(p - out);
}

/*
 * Every YIELD_EVERY small responses handed to the kernel whole, lets the threads
 * they woke (clients, or a proxy on this machine) run now rather than after the
 * rest of this loop's batch. When nothing else waits for the CPU, sched_yield(2)
 * returns at once. Measured with wrk on the same 2 cores (bench/20_public_page.sh),
 * for the 5 KB gzip page: without it the workers ran long batches while the
 * clients waited, and the p99 was ~7.5 ms against nginx's ~4 ms (nginx, preempted
 * by its clients after nearly every response, answers each in turn); a yield
 * after every response brought it to ~1 ms but cost 10-25% of the throughput in
 * context switches; every 16th keeps both. When those 16 responses carried more
 * than YIELD_MAX_BYTES (the 138 KB page), the clients are kept busy copying anyway
 * and yielding to them only delays the next responses: p99 16 ms instead of 12 ms
 * at 256 connections, so then it does not yield. Nor does a worker with more than
 * YIELD_MAX_CONNS connections: its clients have responses waiting in their sockets
 * already, and each yield handed the CPU to a client thread busy with hundreds of
 * them while this worker's others waited (bench/40_spike.sh, 1,000 connections: p99
 * 1.49x nginx's with the yields, 0.66x without; at 64 connections, 32 a worker, the
 * yields still halve the p99).
 */
enum { YIELD_EVERY = 16, YIELD_MAX_BYTES = 512 << 10, YIELD_MAX_CONNS = 64 };

static void yield_to_reader(struct conn *c, size_t bytes)
{
    struct conn_pool *p = c->pool;
    p->bytes_since_yield += bytes;
    if (c->out_pending || c->dead || ++p->since_yield < YIELD_EVERY) return;
    if (p->bytes_since_yield <= YIELD_MAX_BYTES &&
        atomic_load_explicit(&p->count, memory_order_relaxed) <= YIELD_MAX_CONNS)
        sched_yield();
    p->since_yield = 0;
    p->bytes_since_yield = 0;
}

/* Starts answering: false if already answered. Settles whether to close after. */
static bool begin_response(struct conn *c, bool *close)
{
    if (c->responded) return false;
    c->responded = true;
    *close = *close || !c->keepalive || c->err || c->pool->draining;
    c->close_after = *close;
    return true;
}

/* Appends the response head to the output buffer. */
static void queue_head(struct conn *c, int status, const char *reason, const char *headers,
                       size_t hlen, size_t content_length, bool close)
{
    char head[4096];
    size_t n =
        format_head(c, status, reason, headers, hlen, content_length, close, head, sizeof head);
    if (n) {
        evbuffer_add(c->out, head, n);
        return;
    }
    char *big = xmalloc(hlen + 256); /* very large headers */
    n = format_head(c, status, reason, headers, hlen, content_length, close, big, hlen + 256);
    evbuffer_add(c->out, big, n);
    free(big);
}

void conn_respond(struct conn *c, int status, const char *reason, const char *headers, size_t hlen,
                  size_t content_length, struct evbuffer *body, bool close)
{
    if (!begin_response(c, &close)) return;
    queue_head(c, status, reason, headers, hlen, content_length, close);
    if (body) evbuffer_add_buffer(c->out, body);
    conn_flush(c);
    yield_to_reader(c, content_length);
}

static void release_ref(const void *data, size_t len, void *arg)
{
    const struct conn_body *b = arg;
    (void)data, (void)len;
    if (b->release) b->release(b->arg);
    free(arg);
}

/* Queues BODY's bytes from OFF on for later writing (by reference). */
static void queue_rest(struct conn *c, const struct conn_body *b, size_t off)
{
    if (off >= b->len) {
        if (b->release) b->release(b->arg);
        return;
    }
    struct conn_body *copy = xmalloc(sizeof *copy);
    *copy = *b;
    evbuffer_add_reference(c->out, b->data + off, b->len - off, release_ref, copy);
}

/* Writes the head (N bytes) and B's body straight to the socket, as far as it takes
 * them: *SENT gets how many bytes of both went. False when the connection is broken. */
static bool write_now(struct conn *c, const char *head, size_t n, const struct conn_body *b,
                      size_t *sent)
{
    ssize_t w;
    *sent = 0;
    if (b->fd < 0) {
        struct iovec iov[2] = {{(void *)head, n}, {(void *)b->data, b->len}};
        do
            w = writev(c->fd, iov, 2);
        while (w < 0 && errno == EINTR);
        if (w >= 0) *sent = (size_t)w;
        return w >= 0 || errno == EAGAIN || errno == EWOULDBLOCK;
    }
    /* the head with MSG_MORE: it leaves in one packet with the first body bytes */
    do
        w = send(c->fd, head, n, MSG_MORE | MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    if (w < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    *sent = (size_t)w;
    off_t off = 0;
    while (*sent == n && (size_t)off < b->len) {
        ssize_t k = sendfile(c->fd, b->fd, &off, b->len - (size_t)off);
        if (k > 0 || (k < 0 && errno == EINTR)) continue;
        if (k == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return false;
        break;
    }
    *sent += (size_t)off;
    return true;
}

void conn_respond_body(struct conn *c, int status, const char *reason, const char *headers,
                       size_t hlen, const struct conn_body *b, bool send_body, bool close)
{
    if (!begin_response(c, &close)) {
        if (b->release) b->release(b->arg);
        return;
    }
    char head[4096];
    size_t n = format_head(c, status, reason, headers, hlen, b->len, close, head, sizeof head);
    if (!send_body || n == 0 || b->len == 0 || evbuffer_get_length(c->out) > 0 || c->held) {
        /* the general way: through the output buffer */
        queue_head(c, status, reason, headers, hlen, b->len, close);
        if (send_body)
            queue_rest(c, b, 0);
        else if (b->release)
            b->release(b->arg);
        conn_flush(c);
        return;
    }
    size_t sent = 0; /* of head and body together */
    bool broken = !write_now(c, head, n, b, &sent);
    if (broken) {
        c->dead = true;
        if (b->release) b->release(b->arg);
        return;
    }
    if (sent < n) evbuffer_add(c->out, head + sent, n - sent);
    queue_rest(c, b, sent > n ? sent - n : 0);
    if (sent) c->last_active = c->pool->tick;
    c->out_pending = evbuffer_get_length(c->out) > 0;
    yield_to_reader(c, b->len);
}
