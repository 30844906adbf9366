/*
 * req — request accessors. See req.h.
 */
#include "http/req.h"
#include "http/conn.h"
#include <ctype.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *req_method_name(enum http_method m)
{
    switch (m) {
    case M_GET:
        return "GET";
    case M_HEAD:
        return "HEAD";
    case M_POST:
        return "POST";
    case M_PUT:
        return "PUT";
    case M_PATCH:
        return "PATCH";
    case M_DELETE:
        return "DELETE";
    case M_OPTIONS:
        return "OPTIONS";
    default:
        return "OTHER";
    }
}

const char *req_target(struct req *r)
{
    return r->msg->target;
}

const char *req_header(struct req *r, const char *name)
{
    for (int i = 0; i < r->msg->nheaders; i++)
        if (strcasecmp(r->msg->headers[i].name, name) == 0) return r->msg->headers[i].value;
    return NULL;
}

/* The weight of the list element [P, END): its "q" parameter, else 1. */
static double weight(const char *p, const char *end)
{
    for (const char *q = memchr(p, ';', (size_t)(end - p)); q;
         q = memchr(q + 1, ';', (size_t)(end - q - 1))) {
        const char *k = q + 1 + strspn(q + 1, " \t");
        if (k + 2 <= end && (k[0] == 'q' || k[0] == 'Q') && k[1] == '=') return strtod(k + 2, NULL);
    }
    return 1;
}

bool req_gzip_accepted(const char *ae)
{
    double gzip = -1, any = -1;
    for (const char *p = ae; p && *p;) {
        p += strspn(p, " \t,");
        const char *end = p + strcspn(p, ",");
        size_t n = strcspn(p, " \t;,");
        if ((n == 4 && strncasecmp(p, "gzip", 4) == 0) ||
            (n == 6 && strncasecmp(p, "x-gzip", 6) == 0))
            gzip = weight(p, end);
        else if (n == 1 && *p == '*')
            any = weight(p, end);
        p = end;
    }
    return gzip >= 0 ? gzip > 0 : any > 0;
}

bool req_accepts_gzip(struct req *r)
{
    return req_gzip_accepted(req_header(r, "Accept-Encoding"));
}

const char *req_query(struct req *r, const char *name)
{
    return evhttp_find_header(&r->query, name);
}

void req_keep(struct req *r, void *p)
{
    if (r->nscratch < (int)(sizeof r->scratch / sizeof r->scratch[0])) {
        r->scratch[r->nscratch++] = p;
        return;
    }
    abort(); /* handlers keep a handful of buffers at most */
}

const char *req_body(struct req *r, size_t *len)
{
    if (len) *len = r->msg->body_len;
    return r->msg->body;
}

static bool is_json_type(const char *ct)
{
    if (!ct) return false;
    while (*ct == ' ')
        ct++;
    size_t n = strcspn(ct, "; ");
    return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

int req_json_body(struct req *r, bool empty_ok, json_t **out, struct err *e)
{
    size_t len;
    const char *body = req_body(r, &len);
    if (len == 0 && empty_ok) {
        *out = json_object();
        return 0;
    }
    if (!is_json_type(req_header(r, "Content-Type")))
        return err_set(e, ERR_MEDIA_TYPE,
                       "the request body must be JSON sent with Content-Type: application/json");
    if (memchr(body, '\0', len))
        return err_set(e, ERR_INVALID, "the request body contains a NUL byte; send JSON text");
    json_error_t je;
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        if (strstr(je.text, "UTF-8") || strstr(je.text, "decode byte"))
            return err_set(e, ERR_INVALID,
                           "the request body is not valid UTF-8 (line %d, column %d)", je.line,
                           je.column);
        return err_set(e, ERR_INVALID,
                       "the request body is not valid JSON: %s (line %d, column %d)", je.text,
                       je.line, je.column);
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return err_set(e, ERR_INVALID, "the request body must be a JSON object ({…})");
    }
    *out = j;
    return 0;
}

int64_t req_param_id(struct req *r, int i)
{
    if (i >= r->nparams) return 0;
    const char *s = r->params[i];
    if (!*s || strlen(s) > 18) return 0;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p)) return 0;
    return strtoll(s, NULL, 10);
}
