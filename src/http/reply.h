/*
 * reply — every response leaves through here: security headers, the request
 * id, one log line per request, and the single mapping from `enum err_code` to
 * an HTTP status and error body.
 */
#ifndef PHAROS_REPLY_H
#define PHAROS_REPLY_H
#include "core/err.h"
#include "http/req.h"
#include <jansson.h>
#include <stddef.h>

/* Adds a response header (values with CR or LF are refused and logged). */
void reply_header(struct req *r, const char *name, const char *value);

/* Sends BODY (steals the reference) as JSON with STATUS. */
void reply_json(struct req *r, int status, json_t *body);
/* Sends LEN bytes of DATA with STATUS and Content-Type CTYPE (copied). */
void reply_bytes(struct req *r, int status, const char *ctype, const void *data, size_t len);
enum { REPLY_GZIP_MIN = 1024 }; /* reply_bytes_gzip compresses bodies at least this long */
/* As reply_bytes, but a body of at least REPLY_GZIP_MIN bytes goes in gzip (compressed
 * now, at a fast level) when the client accepts it, and then carries "Vary:
 * Accept-Encoding" whichever encoding it takes. For bodies made per request (console
 * and subscription pages); bytes sent many times are compressed once elsewhere. */
void reply_bytes_gzip(struct req *r, int status, const char *ctype, const void *data, size_t len);
/* Sends the contents of BODY (moved out without copying, so bytes added by reference
 * stay shared; the caller still frees the emptied BODY) with STATUS and Content-Type
 * CTYPE. */
struct evbuffer;
void reply_evbuffer(struct req *r, int status, const char *ctype, struct evbuffer *body);
/* Sends B's bytes, held elsewhere (a snapshot), with STATUS and Content-Type CTYPE:
 * no copy; B->release is called once they have been sent. */
struct conn_body;
void reply_body(struct req *r, int status, const char *ctype, const struct conn_body *b);
/* Sends a response with no body (204, 304, …). */
void reply_empty(struct req *r, int status);
/* Redirects to LOCATION with STATUS (302, 303). */
void reply_redirect(struct req *r, int status, const char *location);

/* The HTTP status of CODE. */
int err_http_status(enum err_code code);
/*
 * Answers with the error E: {"error":{"code","message"}} for API paths and
 * clients that accept JSON, otherwise through the HTML error renderer.
 */
void reply_error(struct req *r, const struct err *e);
/* Shorthand: reply_error with CODE and a formatted message. */
void reply_fail(struct req *r, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Renders an HTML error page for E into a new string; installed by the web layer. */
typedef char *(*html_error_fn)(struct req *r, const struct err *e);
void reply_set_html_error(html_error_fn fn);

#endif
