/*
 * req — one HTTP request as handlers see it, and the helpers to read it.
 *
 * A `struct req` lives on the worker's stack for the duration of the handler, or
 * with a deferred request (http/defer.h) on an offload thread; handlers are
 * synchronous and must answer exactly once with a reply_*() function
 * (http/reply.h) before returning. Strings returned by the helpers
 * live until the reply is sent.
 */
#ifndef PHAROS_REQ_H
#define PHAROS_REQ_H
#include "core/err.h"
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum http_method {
    M_GET = 1 << 0,
    M_HEAD = 1 << 1,
    M_POST = 1 << 2,
    M_PUT = 1 << 3,
    M_PATCH = 1 << 4,
    M_DELETE = 1 << 5,
    M_OPTIONS = 1 << 6,
    M_OTHER = 1 << 7,
};

enum { REQ_MAX_PARAMS = 6 };

struct conn;
struct http_msg;
struct buf;
struct reply_capture;

struct req {
    struct conn *conn;          /* the connection it came on (http/conn.h) */
    const struct http_msg *msg; /* the parsed request: target, headers, body */
    enum http_method method;
    char *path;                         /* percent-decoded path, no query, trailing '/' removed */
    struct evkeyvalq query;             /* decoded query parameters */
    const char *params[REQ_MAX_PARAMS]; /* {captures} of the matched route, in order */
    int nparams;
    const void *route_arg;   /* the matched route's arg */
    void *tctx;              /* the worker thread's context (app/ owns its type) */
    struct access_log *alog; /* the worker's buffered request log (NULL: core/log) */
    int thread;              /* worker index */
    char id[24];             /* request id, also sent as X-Request-Id */
    int64_t start_us;
    bool replied;
    bool secure;      /* served over HTTPS (per a trusted proxy) */
    char client[64];  /* client address (X-Forwarded-For from a trusted proxy) */
    char host[256];   /* Host header in normal form (core/host.h): "" if none */
    void *scratch[8]; /* allocations freed after the reply (req_keep) */
    int nscratch;
    struct buf *out_headers; /* response header lines so far (the worker's buffer) */
    bool has_csp, has_ctype; /* … among them */
    bool close;              /* close the connection after the reply */
    /* Set for a request handled off its connection's thread (http/defer.h): the reply
     * is kept there, and sent by that thread. */
    struct reply_capture *capture;
};

const char *req_method_name(enum http_method m);

/* The request target as received: path and query, not decoded. */
const char *req_target(struct req *r);
/* Header value, or NULL. */
const char *req_header(struct req *r, const char *name);
/* Query parameter, or NULL. */
const char *req_query(struct req *r, const char *name);
/* True when the request's Accept-Encoding accepts gzip (req_gzip_accepted). */
bool req_accepts_gzip(struct req *r);
/* True when the Accept-Encoding value AE (may be NULL: false) lists gzip or x-gzip with
 * a weight above 0, or, listing neither, "*" with a weight above 0 (RFC 9110 12.5.3). */
bool req_gzip_accepted(const char *ae);
/* The request body as a NUL-terminated string (kept until the reply); *LEN gets its length. */
const char *req_body(struct req *r, size_t *len);

/*
 * Parses the body as a JSON object. Errors: 415 unless Content-Type is
 * application/json, 400 for malformed JSON (with line and column), invalid
 * UTF-8, or a non-object. An empty body yields an empty object when
 * EMPTY_OK. Returns 0 and a new reference in *OUT, or -1 with E filled.
 */
int req_json_body(struct req *r, bool empty_ok, json_t **out, struct err *e);

/* The route capture I parsed as a positive id; 0 when it is not one. */
int64_t req_param_id(struct req *r, int i);

/* Keeps P until the reply has been sent, then frees it. */
void req_keep(struct req *r, void *p);

#endif
