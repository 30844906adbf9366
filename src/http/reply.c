/*
 * reply — response helpers. See reply.h.
 *
 * Every reply goes through send(): it adds the security headers and
 * X-Request-Id, sends (or, for a request handled off its connection's thread,
 * keeps the answer for that thread: reply_capture.h), logs "id method path status
 * bytes ms" and frees what the request kept. Sending twice is a bug and is refused (logged).
 */
#include "http/reply.h"
#include "core/buf.h"
#include "core/gzip.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "http/access_log.h"
#include "http/conn.h"
#include "http/reply_capture.h"
#include <assert.h>
#include <event2/buffer.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static html_error_fn html_error;

/* Request counters by status class and a latency histogram, registered once. */
static struct metric *m_status[6], *m_latency;
static pthread_once_t metrics_once = PTHREAD_ONCE_INIT;

static void register_metrics(void)
{
    static const char *labels[] = {
        "", "code=\"1xx\"", "code=\"2xx\"", "code=\"3xx\"", "code=\"4xx\"", "code=\"5xx\""};
    for (int i = 1; i < 6; i++)
        m_status[i] = metrics_counter("pharos_http_requests_total",
                                      "HTTP requests answered, by status class", labels[i]);
    static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                    0.05,   0.1,   0.25,   0.5,   1,    2.5};
    m_latency = metrics_histogram("pharos_http_request_duration_seconds",
                                  "Time from request received to response queued", "", bounds,
                                  sizeof bounds / sizeof bounds[0]);
}

void reply_set_html_error(html_error_fn fn)
{
    html_error = fn;
}

void reply_header(struct req *r, const char *name, const char *value)
{
    if (strpbrk(value, "\r\n")) {
        log_error("refused header %s with a line break", name);
        return;
    }
    if (strcasecmp(name, "Content-Security-Policy") == 0)
        r->has_csp = true;
    else if (strcasecmp(name, "Content-Type") == 0)
        r->has_ctype = true;
    struct buf *h = r->out_headers;
    buf_puts(h, name);
    buf_append(h, ": ", 2);
    buf_puts(h, value);
    buf_append(h, "\r\n", 2);
}

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 431:
        return "Request Header Fields Too Large";
    case 408:
        return "Request Timeout";
    case 429:
        return "Too Many Requests";
    case 503:
        return "Service Unavailable";
    case 507:
        return "Insufficient Storage";
    default:
        return status >= 500 ? "Internal Server Error" : "OK";
    }
}

/* The headers every response carries. */
static void add_common_headers(struct req *r, bool has_body)
{
    reply_header(r, "X-Request-Id", r->id);
    static const char fixed[] = "X-Content-Type-Options: nosniff\r\n"
                                "X-Frame-Options: DENY\r\n"
                                "Referrer-Policy: strict-origin-when-cross-origin\r\n";
    buf_append(r->out_headers, fixed, sizeof fixed - 1);
    if (!r->has_csp)
        buf_puts(r->out_headers,
                 "Content-Security-Policy: default-src 'self'; img-src 'self' https: data:; "
                 "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
                 "frame-ancestors 'none'; form-action 'self'\r\n");
    if (r->secure) buf_puts(r->out_headers, "Strict-Transport-Security: max-age=31536000\r\n");
    if (has_body && !r->has_ctype)
        buf_puts(r->out_headers, "Content-Type: text/plain; charset=utf-8\r\n");
}

/* Keeps the answer in K for the connection's thread (reply_capture.h): what the send
 * below would have handed to the connection. */
static void capture(struct reply_capture *k, struct req *r, int status, size_t bytes,
                    struct evbuffer *body, const struct conn_body *ref)
{
    assert(!k->set);
    *k = (struct reply_capture){.set = true,
                                .status = status,
                                .reason = reason(status),
                                .close = r->close,
                                .content_length = bytes,
                                .send_body = r->method != M_HEAD};
    if (ref) {
        k->has_ref = true;
        k->ref = *ref;
    } else if (body && r->method != M_HEAD) {
        k->body = evbuffer_new();
        if (!k->body) abort();
        evbuffer_add_buffer(k->body, body);
    }
}

/* Sends the response: BODY (an evbuffer, moved out) or REF (bytes held elsewhere). */
static void send_common(struct req *r, int status, struct evbuffer *body,
                        const struct conn_body *ref)
{
    if (r->replied) {
        log_error("%s: second reply refused", r->id);
        if (ref && ref->release) ref->release(ref->arg);
        return;
    }
    r->replied = true;
    size_t bytes = ref ? ref->len : body ? evbuffer_get_length(body) : 0;
    add_common_headers(r, bytes > 0);
    if (buf_full(r->out_headers)) {
        log_error("%s: response headers over %zu bytes", r->id, r->out_headers->max);
        buf_reset(r->out_headers);
        status = 500;
        bytes = 0;
        body = NULL;
        if (ref && ref->release) ref->release(ref->arg);
        ref = NULL;
    }
    /* HEAD: the length GET would send, and no body. */
    if (r->capture)
        capture(r->capture, r, status, bytes, body, ref);
    else if (ref)
        conn_respond_body(r->conn, status, reason(status), buf_cstr(r->out_headers),
                          r->out_headers->len, ref, r->method != M_HEAD, r->close);
    else
        conn_respond(r->conn, status, reason(status), buf_cstr(r->out_headers), r->out_headers->len,
                     bytes, r->method == M_HEAD ? NULL : body, r->close);
    int64_t us = time_mono_us() - r->start_us;
    pthread_once(&metrics_once, register_metrics);
    if (status >= 100 && status < 600) metrics_add(m_status[status / 100], 1);
    metrics_observe(m_latency, us / 1e6);
    if (r->alog)
        access_log_request(r->alog, r->id, req_method_name(r->method), r->path, status, bytes, us);
    else
        log_info("%s %s %s %d %zu %.3fms", r->id, req_method_name(r->method), r->path, status,
                 bytes, us / 1000.0);
    for (int i = 0; i < r->nscratch; i++)
        free(r->scratch[i]);
    r->nscratch = 0;
}

static void send_reply(struct req *r, int status, struct evbuffer *body)
{
    send_common(r, status, body, NULL);
}

void reply_body(struct req *r, int status, const char *ctype, const struct conn_body *b)
{
    if (ctype) reply_header(r, "Content-Type", ctype);
    send_common(r, status, NULL, b);
}

void reply_bytes(struct req *r, int status, const char *ctype, const void *data, size_t len)
{
    struct evbuffer *b = evbuffer_new();
    if (!b) abort();
    evbuffer_add(b, data, len);
    if (ctype) reply_header(r, "Content-Type", ctype);
    send_reply(r, status, b);
    evbuffer_free(b);
}

static void free_gz(const void *data, size_t len, void *arg)
{
    (void)len, (void)arg;
    free((void *)data);
}

void reply_bytes_gzip(struct req *r, int status, const char *ctype, const void *data, size_t len)
{
    char *gz;
    size_t gzlen;
    if (len < REPLY_GZIP_MIN) {
        reply_bytes(r, status, ctype, data, len);
        return;
    }
    reply_header(r, "Vary", "Accept-Encoding");
    /* Level 6: 16 KB of console text in about 0.08 ms, 1% larger than at level 9 (0.16
     * ms), measured with libdeflate on this machine. */
    if (!req_accepts_gzip(r) || gzip_compress(data, len, 6, &gz, &gzlen) != 0) {
        reply_bytes(r, status, ctype, data, len);
        return;
    }
    struct evbuffer *b = evbuffer_new();
    if (!b || evbuffer_add_reference(b, gz, gzlen, free_gz, NULL) != 0) abort();
    reply_header(r, "Content-Encoding", "gzip");
    if (ctype) reply_header(r, "Content-Type", ctype);
    send_reply(r, status, b);
    evbuffer_free(b);
}

void reply_evbuffer(struct req *r, int status, const char *ctype, struct evbuffer *body)
{
    if (ctype) reply_header(r, "Content-Type", ctype);
    send_reply(r, status, body);
}

void reply_json(struct req *r, int status, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(body);
    if (!s) abort();
    size_t n = strlen(s);
    s[n] = '\n';
    reply_header(r, "Cache-Control", "no-store");
    reply_bytes(r, status, "application/json; charset=utf-8", s, n + 1);
    free(s);
}

void reply_empty(struct req *r, int status)
{
    send_reply(r, status, NULL);
}

void reply_redirect(struct req *r, int status, const char *location)
{
    reply_header(r, "Location", location);
    send_reply(r, status, NULL);
}

int err_http_status(enum err_code code)
{
    switch (code) {
    case ERR_OK:
        return 200;
    case ERR_INVALID:
        return 400;
    case ERR_UNAUTHORIZED:
        return 401;
    case ERR_FORBIDDEN:
        return 403;
    case ERR_NOT_FOUND:
        return 404;
    case ERR_METHOD:
        return 405;
    case ERR_CONFLICT:
        return 409;
    case ERR_TOO_LARGE:
        return 413;
    case ERR_HEADERS_TOO_LARGE:
        return 431;
    case ERR_MEDIA_TYPE:
        return 415;
    case ERR_RATE_LIMITED:
        return 429;
    case ERR_UNAVAILABLE:
        return 503;
    case ERR_STORAGE_FULL:
        return 507;
    case ERR_TIMEOUT:
        return 408;
    case ERR_UNPROCESSABLE:
        return 422;
    case ERR_INTERNAL:
        return 500;
    }
    return 500;
}

static bool wants_json(struct req *r)
{
    if (strncmp(r->path, "/admin/api/", 11) == 0 || strncmp(r->path, "/api/", 5) == 0 ||
        strncmp(r->path, "/hooks/", 7) == 0)
        return true;
    const char *acc = req_header(r, "Accept");
    return acc && strstr(acc, "application/json") && !strstr(acc, "text/html");
}

void reply_error(struct req *r, const struct err *e)
{
    int status = err_http_status(e->code);
    const char *msg = e->code == ERR_INTERNAL && !e->msg[0] ? "internal error" : e->msg;
    if (e->code == ERR_UNAUTHORIZED && strncmp(r->path, "/admin/api/", 11) == 0)
        reply_header(r, "WWW-Authenticate", "Bearer realm=\"pharos\"");
    if (wants_json(r) || !html_error) {
        json_t *body =
            json_pack("{s:{s:s,s:s}}", "error", "code", err_code_name(e->code), "message", msg);
        reply_json(r, status, body);
        return;
    }
    char *html = html_error(r, e);
    reply_bytes(r, status, "text/html; charset=utf-8", html, strlen(html));
    free(html);
}

void reply_fail(struct req *r, enum err_code code, const char *fmt, ...)
{
    struct err e = {.code = code};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    va_end(ap);
    utf8_sanitize(e.msg);
    reply_error(r, &e);
}
