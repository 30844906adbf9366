/*
 * conn — HTTP/1.1 connections. See conn.h for the design.
 *
 * Buffers: a connection borrows a read buffer (and its header slots) from its
 * pool when bytes arrive, and gives it back once it has consumed every byte it
 * read (settle()): with keep-alive, most connections of a spike sit between
 * requests, and they hold no buffer then (10,000 of them took 80 MB when each
 * kept its own). The pool keeps a few spare buffers for the next reads.
 *
 * Buffer layout of a connection: `buf` holds the bytes received and not yet
 * consumed; `parsed` of them have gone through the parser. The request line and
 * header fields are recorded as offsets into `buf` (they survive reallocation)
 * and NUL-terminated in place once the header block is complete. Body bytes are
 * copied out to `body` as the parser delivers them (decoded when chunked), and
 * dropped from `buf`, so `buf` holds at most the header block and one read.
 * After a request has been answered its bytes are dropped and the parser goes
 * on with whatever follows (pipelined requests), unless output is pending: then
 * the connection stops reading until the output is written.
 *
 * In a chunked body the parser pauses at every chunk boundary, so that process()
 * knows which bytes it has just parsed and check_chunked() can follow the framing
 * (conn_chunk.c).
 *
 * Every event handler ends in settle(), the one place that adds and removes the
 * connection's events and frees it. Responses are written by conn_write.c.
 */
#include "http/conn.h"
#include "core/xalloc.h"
#include "http/conn_internal.h"
#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <event2/buffer.h>
#include <http_parser.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>
#include <unistd.h>

static const http_parser_settings settings;

/* ---- parser callbacks ------------------------------------------------------------ */

static int fail_cb(struct conn *c, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_cb(struct conn *c, enum err_code code, const char *fmt, ...)
{
    c->err = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err_msg, sizeof c->err_msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* Refuses a header block that has grown past the limit (END: offset reached). */
static int check_head(struct conn *c, size_t end)
{
    size_t max = c->pool->lim.max_headers;
    if (end <= max) return 0;
    return fail_cb(c, ERR_HEADERS_TOO_LARGE,
                   "the request line and headers are more than %zu bytes; at most %zu bytes "
                   "are accepted",
                   max, max);
}

/* Extends S by the LEN bytes at AT, which must follow it in buf. */
static int extend(struct conn *c, struct span *s, const char *at, size_t len)
{
    size_t off = (size_t)(at - c->buf);
    if (s->len == 0)
        s->off = (uint32_t)off;
    else if (off != (size_t)s->off + s->len)
        return fail_cb(c, ERR_INVALID, "folded header lines are not accepted");
    s->len += (uint32_t)len;
    return check_head(c, off + len);
}

static int on_message_begin(http_parser *p)
{
    struct conn *c = p->data;
    c->msg_begin = c->pool->tick;
    c->in_request = true;
    c->url = (struct span){0, 0};
    c->nhdr = 0;
    c->last_was_value = c->headers_done = c->msg_ready = false;
    c->keep_end = 0;
    c->body_len = 0;
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    struct conn *c = p->data;
    return extend(c, &c->url, at, len);
}

/* Header fields after a chunked body (trailers) are dropped: nothing uses them. */
static int on_header_field(http_parser *p, const char *at, size_t len)
{
    struct conn *c = p->data;
    if (c->headers_done) return 0;
    if (c->nhdr == 0 || c->last_was_value) {
        if (c->nhdr == MAX_HEADERS)
            return fail_cb(c, ERR_HEADERS_TOO_LARGE, "the request has more than %d header lines",
                           MAX_HEADERS);
        c->hdr[c->nhdr++] = (struct hdr_span){{0, 0}, {0, 0}};
        c->last_was_value = false;
    }
    return extend(c, &c->hdr[c->nhdr - 1].name, at, len);
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    struct conn *c = p->data;
    if (c->headers_done) return 0;
    c->last_was_value = true;
    struct hdr_span *h = &c->hdr[c->nhdr - 1];
    /* The first bytes of a value must be on the name's line: "Transfer-Encoding:\r\n
     * chunked" is a value folded onto the next line (obs-fold), whatever the first
     * line held. (Later bytes off the line are caught by extend().) */
    if (h->value.len == 0 && len > 0) /* (an empty value comes with LEN 0, off its line) */
        for (const char *q = c->buf + h->name.off + h->name.len; q < at; q++)
            if (*q == '\r' || *q == '\n')
                return fail_cb(c, ERR_INVALID, "folded header lines are not accepted");
    return extend(c, &h->value, at, len);
}

static const char *find_header(struct conn *c, const char *name)
{
    for (int i = 0; i < c->nhdr; i++)
        if (c->hdr[i].name.len == strlen(name) &&
            strncasecmp(c->buf + c->hdr[i].name.off, name, c->hdr[i].name.len) == 0)
            return c->hdr[i].value.len ? c->buf + c->hdr[i].value.off : "";
    return NULL;
}

/* NUL-terminates S in buf (the byte after it has been parsed) and notes how much of
 * buf the header block needs. */
static void terminate(struct conn *c, struct span *s)
{
    if (s->len == 0) return;
    while (s->len && (c->buf[s->off + s->len - 1] == ' ' || c->buf[s->off + s->len - 1] == '\t'))
        s->len--;
    c->buf[s->off + s->len] = '\0';
    if (s->off + s->len + 1 > c->keep_end) c->keep_end = s->off + s->len + 1;
}

/* True when S is an RFC 9110 token. (Debian builds http-parser lenient: it lets a
 * blank into a field name, as in "Host : x", which a proxy may read otherwise.) */
static bool is_token(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              (ch && strchr("!#$%&'*+-.^_`|~", ch))))
            return false;
    }
    return n > 0;
}

/* True when V is a Host value RFC 9110 section 7.2 accepts: uri-host [":" port],
 * the host a reg-name, an IPv4 address or an IP literal in brackets; or empty. */
static bool valid_host(const char *v)
{
    static const char reg_name[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789-._~%!$&'()*+,;=";
    const char *p = v;
    if (*p == '[') {
        p++;
        p += strspn(p, "0123456789abcdefABCDEF:.vV");
        if (*p++ != ']') return false;
    } else {
        p += strspn(p, reg_name);
    }
    if (*p == ':') p += 1 + strspn(p + 1, "0123456789");
    return *p == '\0';
}

/* RFC 9112 section 3.2: an HTTP/1.1 request has exactly one Host header, any request
 * at most one, and its value is a host. (An absolute-form target's host then wins
 * over it: server.c.) */
static int check_host(struct conn *c, http_parser *p)
{
    int n = 0;
    const char *host = NULL;
    for (int i = 0; i < c->nhdr; i++)
        if (c->hdr[i].name.len == 4 && strncasecmp(c->buf + c->hdr[i].name.off, "Host", 4) == 0) {
            n++;
            host = c->hdr[i].value.len ? c->buf + c->hdr[i].value.off : "";
        }
    bool v11 = p->http_major > 1 || (p->http_major == 1 && p->http_minor >= 1);
    if (n > 1)
        return fail_cb(c, ERR_INVALID, "the request has %d Host headers; exactly one is accepted",
                       n);
    if (n == 0 && v11)
        return fail_cb(c, ERR_INVALID,
                       "an HTTP/1.1 request needs a Host header; this one has "
                       "no Host header");
    if (host && !valid_host(host))
        return fail_cb(c, ERR_INVALID, "the Host header \"%.60s\" is not a host[:port]", host);
    return 0;
}

static int on_headers_complete(http_parser *p)
{
    struct conn *c = p->data;
    for (int i = 0; i < c->nhdr; i++)
        if (!is_token(c->buf + c->hdr[i].name.off, c->hdr[i].name.len))
            return fail_cb(c, ERR_INVALID, "the header name \"%.*s\" is not a valid token",
                           (int)(c->hdr[i].name.len > 40 ? 40 : c->hdr[i].name.len),
                           c->buf + c->hdr[i].name.off);
    c->headers_done = true;
    terminate(c, &c->url);
    for (int i = 0; i < c->nhdr; i++) {
        terminate(c, &c->hdr[i].name);
        terminate(c, &c->hdr[i].value);
    }
    if (check_host(c, p) != 0) return -1;
    size_t max = c->pool->lim.max_body;
    bool chunked = p->flags & F_CHUNKED;
    bool has_len = !chunked && p->content_length != ULLONG_MAX && p->content_length > 0;
    if (has_len && p->content_length > max)
        return fail_cb(c, ERR_TOO_LARGE,
                       "the request body is %llu bytes; at most %zu bytes (%zu KiB) are accepted",
                       (unsigned long long)p->content_length, max, max / 1024);
    const char *expect = find_header(c, "Expect");
    if (expect && (has_len || chunked) && p->http_minor >= 1) {
        if (strcasecmp(expect, "100-continue") != 0)
            return fail_cb(c, ERR_INVALID, "Expect: %.60s is not supported", expect);
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        evbuffer_add(c->out, cont, sizeof cont - 1);
        conn_flush(c);
    }
    if (chunked) { /* the body's framing is checked from the next byte on (check_chunked) */
        c->ck_next = CK_HEAD_END;
        http_parser_pause(p, 1);
    }
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    struct conn *c = p->data;
    size_t max = c->pool->lim.max_body;
    if (len > max - c->body_len)
        return fail_cb(c, ERR_TOO_LARGE,
                       "the request body is more than %zu bytes; at most %zu bytes (%zu KiB) "
                       "are accepted",
                       max, max, max / 1024);
    if (c->body_len + len + 1 > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap : 4096;
        while (cap < c->body_len + len + 1)
            cap *= 2;
        c->body = xrealloc(c->body, cap);
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, at, len);
    c->body_len += len;
    return 0;
}

/* ---- chunk framing (conn_chunk.c) ------------------------------------------------------ */

/* Follows the N bytes at P, just parsed, through the chunk framing. Returns 0, or -1
 * with the connection's error set. */
static int check_chunked(struct conn *c, const char *p, size_t n)
{
    const char *why = conn_chunk_check(c, p, n);
    return why ? fail_cb(c, ERR_INVALID, "%s", why) : 0;
}

/* The parser paused at a chunk boundary: on with the next part, or the error. */
static int chunk_boundary(struct conn *c)
{
    const char *why = conn_chunk_boundary(c);
    return why ? fail_cb(c, ERR_INVALID, "%s", why) : 0;
}

static int on_message_complete(http_parser *p)
{
    struct conn *c = p->data;
    c->keepalive = http_should_keep_alive(p) && !p->upgrade;
    c->msg_ready = true;
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
    .on_chunk_header = conn_chunk_header,
    .on_chunk_complete = conn_chunk_complete,
};

/* ---- the connection ---------------------------------------------------------------- */

static void on_read(evutil_socket_t fd, short what, void *arg);
static void on_write(evutil_socket_t fd, short what, void *arg);

/* ---- buffers ----------------------------------------------------------------------- */

/* Gives C a read buffer of 2 * READ_CHUNK bytes and its header slots, a spare when the pool
 * has one. */
static void buf_borrow(struct conn *c)
{
    struct conn_pool *p = c->pool;
    assert(!c->buf && c->len == 0);
    if (p->nspare > 0) {
        struct spare *s = &p->spare[--p->nspare];
        c->buf = s->buf;
        c->hdr = s->hdr;
    } else {
        c->buf = xmalloc(2 * READ_CHUNK);
        c->hdr = xmalloc(MAX_HEADERS * sizeof *c->hdr);
    }
    c->cap = 2 * READ_CHUNK;
}

/* Takes C's read buffer back: kept as a spare when it has the usual size and there is
 * room, else freed. Only once every byte read has been consumed. */
static void buf_give_back(struct conn *c)
{
    struct conn_pool *p = c->pool;
    if (!c->buf) return;
    assert(c->len == 0);
    if (p->nspare < SPARE_BUFS && c->cap == 2 * READ_CHUNK) {
        p->spare[p->nspare++] = (struct spare){c->buf, c->hdr};
    } else {
        free(c->buf);
        free(c->hdr);
    }
    c->buf = NULL;
    c->hdr = NULL;
    c->cap = c->parsed = 0;
}

/* Ends C's hold, if any (its response may go). */
static void hold_end(struct conn *c)
{
    if (!c->held) return;
    TAILQ_REMOVE(&c->pool->held, c, held_link);
    c->held = false;
    if (c->hold_done) c->hold_done(c->hold_arg);
}

static void conn_free(struct conn *c)
{
    struct conn_pool *p = c->pool;
    hold_end(c);
    TAILQ_REMOVE(&p->conns, c, link);
    atomic_fetch_sub_explicit(&p->count, 1, memory_order_relaxed);
    event_free(c->rev);
    event_free(c->wev);
    close(c->fd);
    evbuffer_free(c->out);
    c->len = 0; /* whatever was left unread goes too */
    buf_give_back(c);
    free(c->body);
    free(c);
}

/* Answers 500 for a callback that gave no answer (a bug, logged by the server). */
static void answer_500(struct conn *c)
{
    static const char h[] = "Content-Type: text/plain; charset=utf-8\r\n";
    struct evbuffer *b = evbuffer_new();
    if (!b) abort();
    evbuffer_add(b, "internal error\n", 15);
    conn_respond(c, 500, "Internal Server Error", h, sizeof h - 1, 15, b, true);
    evbuffer_free(b);
}

/* Hands the request (or the error) to the pool's callback. */
static void dispatch(struct conn *c)
{
    struct http_header hdrs[MAX_HEADERS];
    int n = c->headers_done ? c->nhdr : 0;
    /* A request refused while its headers arrive: its target is known once a header
     * line has begun (so that an API path still gets a JSON error). */
    bool target_known = c->headers_done || c->nhdr > 0;
    if (!c->headers_done && target_known) terminate(c, &c->url);
    for (int i = 0; i < n; i++) {
        hdrs[i].name = c->buf + c->hdr[i].name.off;
        hdrs[i].value = c->hdr[i].value.len ? c->buf + c->hdr[i].value.off : "";
    }
    static char empty[1];
    struct http_msg m = {
        .method = target_known ? http_method_str(c->parser.method) : "",
        .major = c->parser.http_major,
        .minor = c->parser.http_minor,
        .target = target_known && c->url.len ? c->buf + c->url.off : empty,
        .headers = hdrs,
        .nheaders = n,
        .body = c->body_len ? c->body : empty,
        .body_len = c->body_len,
        .head_len = c->keep_end,
        .error = c->err,
    };
    if (c->body_len) c->body[c->body_len] = '\0';
    if (c->err) snprintf(m.error_msg, sizeof m.error_msg, "%s", c->err_msg);
    if (m.major == 0) /* nothing parsed yet: answer in HTTP/1.1 */
        m.major = m.minor = 1;
    c->responded = false;
    c->pool->cb(c, &m, c->pool->arg);
    if (!c->responded && !c->deferred) answer_500(c);
}

/* Answers the protocol error the parser reported (or a callback noted). */
static void fail_parse(struct conn *c)
{
    enum http_errno he = HTTP_PARSER_ERRNO(&c->parser);
    if (!c->err) {
        if (he == HPE_HEADER_OVERFLOW)
            fail_cb(c, ERR_HEADERS_TOO_LARGE,
                    "the request line and headers are too large; at most %zu bytes are accepted",
                    c->pool->lim.max_headers);
        else
            fail_cb(c, ERR_INVALID, "the request is not valid HTTP/1.1: %s",
                    http_errno_description(he));
    }
    dispatch(c);
}

/* Drops the bytes of the request just answered. */
static void consume(struct conn *c)
{
    memmove(c->buf, c->buf + c->parsed, c->len - c->parsed);
    c->len -= c->parsed;
    c->parsed = 0;
    c->msg_ready = c->headers_done = c->in_request = false;
    c->ck = c->ck_next = CK_OFF;
    c->nhdr = 0;
    c->url = (struct span){0, 0};
    c->body_len = 0;
    c->keep_end = 0;
}

/* Parses what is buffered, answering each complete request, until more input is
 * needed, output has to wait, or the connection is to close. */
static void process(struct conn *c)
{
    while (!c->dead && !c->deferred && !c->out_pending && !c->close_after && c->parsed < c->len) {
        const char *at = c->buf + c->parsed;
        size_t n = http_parser_execute(&c->parser, &settings, at, c->len - c->parsed);
        c->parsed += n;
        enum http_errno he = HTTP_PARSER_ERRNO(&c->parser);
        if (c->ck != CK_OFF && !c->err) check_chunked(c, at, n);
        if (he == HPE_PAUSED && c->msg_ready) {
            http_parser_pause(&c->parser, 0);
            dispatch(c);
            consume(c);
            continue;
        }
        if (he == HPE_PAUSED && !c->err && chunk_boundary(c) == 0) continue;
        if (he != HPE_OK || c->err) {
            fail_parse(c);
            return;
        }
        if (!c->headers_done) {
            if (check_head(c, c->parsed) != 0) {
                dispatch(c);
                return;
            }
        } else if (c->parsed > c->keep_end) { /* body bytes are copied out: drop them */
            memmove(c->buf + c->keep_end, c->buf + c->parsed, c->len - c->parsed);
            c->len -= c->parsed - c->keep_end;
            c->parsed = c->keep_end;
        }
    }
}

/* True while a request is partly received, handled elsewhere, or its answer is still
 * being written. */
static bool busy(const struct conn *c)
{
    return c->len > 0 || c->deferred || c->out_pending;
}

/* Neither reading nor writing (a hold, a deferred request). */
static void events_off(struct conn *c)
{
    if (c->wev_on) event_del(c->wev);
    if (c->rev_on) event_del(c->rev);
    c->wev_on = c->rev_on = false;
}

/* Puts the connection's events in line with its state, or frees it. */
static void settle(struct conn *c)
{
    if (c->deferred) { /* kept, whatever happened, until its answer is back */
        events_off(c);
        return;
    }
    if (c->dead) {
        conn_free(c);
        return;
    }
    if (c->len == 0) buf_give_back(c); /* every byte read is consumed: nothing to keep */
    if (c->held) {                     /* until the hold ends */
        events_off(c);
        return;
    }
    if (c->out_pending) {
        if (!c->wev_on) event_add(c->wev, NULL);
        if (c->rev_on) event_del(c->rev);
        c->wev_on = true;
        c->rev_on = false;
        return;
    }
    if (c->wev_on) {
        event_del(c->wev);
        c->wev_on = false;
    }
    if (c->close_after && !c->lingering) {
        /* Let the client read the response: half-close, then drop its remaining input. */
        c->lingering = true;
        c->last_active = c->pool->tick;
        if (shutdown(c->fd, SHUT_WR) != 0) {
            conn_free(c);
            return;
        }
    }
    if (c->pool->draining && !c->lingering && c->len == 0) {
        conn_free(c);
        return;
    }
    if (!c->rev_on) {
        event_add(c->rev, NULL);
        c->rev_on = true;
    }
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    (void)what;
    if (c->lingering) {
        char drop[16 << 10];
        ssize_t n = recv(fd, drop, sizeof drop, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) c->dead = true;
        settle(c);
        return;
    }
    if (!c->buf) buf_borrow(c);
    if (c->cap - c->len < READ_CHUNK) {
        size_t cap = c->cap * 2;
        /* the header block, one read, and room to spare: anything more is refused */
        size_t most = c->pool->lim.max_headers + 4 * READ_CHUNK;
        if (cap > most) cap = most;
        if (cap > c->cap) {
            c->buf = xrealloc(c->buf, cap);
            c->cap = cap;
        }
    }
    if (c->cap - c->len < 2) { /* cannot happen while the limits hold; refuse rather than spin */
        fail_cb(c, ERR_HEADERS_TOO_LARGE, "the request is too large");
        dispatch(c);
        settle(c);
        return;
    }
    ssize_t n = recv(fd, c->buf + c->len, c->cap - c->len - 1, 0);
    if (n > 0) {
        c->len += (size_t)n;
        c->last_active = c->pool->tick;
        /* the pool's list runs from the least to the most recently active */
        TAILQ_REMOVE(&c->pool->conns, c, link);
        TAILQ_INSERT_TAIL(&c->pool->conns, c, link);
        process(c);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        c->dead = true;
    }
    settle(c);
}

/* Writes what is pending and, once it is all out, goes on with the requests that arrived
 * meanwhile. */
static void write_then_go_on(struct conn *c)
{
    conn_flush(c);
    if (!c->out_pending && !c->dead && !c->close_after) process(c);
    settle(c);
}

static void on_write(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    write_then_go_on(arg);
}

void conn_defer(struct conn *c)
{
    assert(!c->responded && !c->deferred);
    c->deferred = true;
}

void conn_resume(struct conn *c)
{
    assert(c->deferred);
    c->deferred = false;
    if (!c->responded) answer_500(c);
    c->last_active = c->pool->tick;
    write_then_go_on(c);
}

/* Ends C's hold and sends its response, then reads on. */
static void release(struct conn *c)
{
    hold_end(c);
    write_then_go_on(c);
}

static void on_held_wake(evutil_socket_t fd, short what, void *arg)
{
    struct conn_pool *p = arg;
    (void)fd, (void)what;
    /* A connection released here may be held again by its next (pipelined) request: it
     * goes to the tail, and is looked at once more, which is harmless. */
    struct conn *c, *next;
    for (c = TAILQ_FIRST(&p->held); c; c = next) {
        next = TAILQ_NEXT(c, held_link);
        if (c->hold_ready(c->hold_arg)) release(c);
    }
}

bool conn_hold(struct conn *c, bool (*ready)(void *arg), void (*done)(void *arg), void *arg)
{
    assert(ready);
    if (c->held) return false;
    c->held = true;
    c->hold_ready = ready;
    c->hold_done = done;
    c->hold_arg = arg;
    c->hold_tick = c->pool->tick;
    TAILQ_INSERT_TAIL(&c->pool->held, c, held_link);
    return true;
}

void conn_pool_wake_held(struct conn_pool *p)
{
    event_active(p->held_ev, EV_READ, 0);
}

static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
    struct conn_pool *p = arg;
    (void)fd, (void)what;
    p->tick++;
    uint64_t limit = p->lim.timeout_s > 0 ? (uint64_t)p->lim.timeout_s : 60;
    int req_s = p->lim.request_timeout_s > 0 ? p->lim.request_timeout_s : (int)limit;
    struct conn *c, *next;
    for (c = TAILQ_FIRST(&p->conns); c; c = next) {
        next = TAILQ_NEXT(c, link);
        if (c->deferred) continue; /* its handler decides how long it takes */
        /* A request must arrive whole in time, however slowly it trickles in
         * (slowloris, slow bodies): it is answered 408, then the connection closes.
         * (The callback answers an error without touching other connections, so
         * NEXT stays valid.) */
        if (c->in_request && !c->msg_ready && !c->out_pending && !c->close_after &&
            p->tick - c->msg_begin > (uint64_t)req_s) {
            fail_cb(c, ERR_TIMEOUT, "the request did not arrive whole within %d seconds", req_s);
            dispatch(c);
            settle(c);
            continue;
        }
        if (c->held && p->tick - c->hold_tick >= HOLD_MAX_S) { /* waited long enough */
            release(c);
            continue;
        }
        uint64_t idle = p->tick - c->last_active;
        if (idle > (c->lingering ? (uint64_t)LINGER_S : limit)) conn_free(c);
    }
}

struct conn_pool *conn_pool_new(struct event_base *base, const struct conn_limits *lim,
                                conn_request_fn cb, void *arg)
{
    struct conn_pool *p = xcalloc(1, sizeof *p);
    p->base = base;
    p->lim = *lim;
    p->cb = cb;
    p->arg = arg;
    TAILQ_INIT(&p->conns);
    TAILQ_INIT(&p->held);
    p->held_ev = event_new(base, -1, 0, on_held_wake, p);
    if (!p->held_ev) abort();
    p->sweep = event_new(base, -1, EV_PERSIST, on_sweep, p);
    struct timeval tv = {1, 0};
    event_add(p->sweep, &tv);
    /* http-parser's own cap on the header block stays above ours */
    http_parser_set_max_header_size((uint32_t)(lim->max_headers + 4096));
    return p;
}

void conn_pool_free(struct conn_pool *p)
{
    if (!p) return;
    while (!TAILQ_EMPTY(&p->conns))
        conn_free(TAILQ_FIRST(&p->conns));
    while (p->nspare > 0) {
        free(p->spare[--p->nspare].buf);
        free(p->spare[p->nspare].hdr);
    }
    event_free(p->sweep);
    event_free(p->held_ev);
    free(p);
}

void conn_pool_accept(struct conn_pool *p, int fd, const struct sockaddr *sa, socklen_t salen)
{
    struct conn *c = xcalloc(1, sizeof *c);
    c->pool = p;
    c->fd = fd;
    c->out = evbuffer_new();
    if (c->out) /* file segments added to it go out with sendfile(2) */
        evbuffer_set_flags(c->out, EVBUFFER_FLAG_DRAINS_TO_FD);
    c->rev = event_new(p->base, fd, EV_READ | EV_PERSIST, on_read, c);
    c->wev = event_new(p->base, fd, EV_WRITE | EV_PERSIST, on_write, c);
    if (!c->out || !c->rev || !c->wev) abort();
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    c->last_active = p->tick;
    (void)salen;
    if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const void *addr = sa->sa_family == AF_INET
                               ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                               : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
        inet_ntop(sa->sa_family, addr, c->peer, sizeof c->peer);
    }
    TAILQ_INSERT_TAIL(&p->conns, c, link);
    atomic_fetch_add_explicit(&p->count, 1, memory_order_relaxed);
    event_add(c->rev, NULL);
    c->rev_on = true;
}

void conn_pool_drain(struct conn_pool *p)
{
    p->draining = true;
    struct conn *c, *next;
    for (c = TAILQ_FIRST(&p->conns); c; c = next) {
        next = TAILQ_NEXT(c, link);
        if (!busy(c) && !c->lingering) conn_free(c);
    }
}

size_t conn_pool_evict_idle(struct conn_pool *p, size_t n)
{
    size_t closed = 0;
    struct conn *c, *next;
    for (c = TAILQ_FIRST(&p->conns); c && closed < n; c = next) {
        next = TAILQ_NEXT(c, link);
        if (c->lingering || !busy(c)) {
            conn_free(c);
            closed++;
        }
    }
    return closed;
}

size_t conn_pool_count(const struct conn_pool *p)
{
    return atomic_load_explicit(&p->count, memory_order_relaxed);
}

const char *conn_peer(const struct conn *c)
{
    return c->peer;
}
