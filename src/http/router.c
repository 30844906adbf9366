/*
 * router — linear matching over pre-split patterns. See router.h.
 * The table is built once before the worker threads start and only read after.
 * With about a hundred routes a linear scan costs a few microseconds.
 */
#include "http/router.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "http/conn.h"
#include "http/reply.h"
#include <stdlib.h>
#include <string.h>

enum { MAX_SEGS = 12 };

struct compiled {
    const struct route *route;
    int nsegs;
    const char *segs[MAX_SEGS]; /* point into seg_buf; "{" prefix marks a capture */
    size_t lens[MAX_SEGS];
};

static struct compiled *table;
static size_t ntable;

static int split(const char *path, const char **segs, size_t *lens, int max)
{
    int n = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p) break;
        if (n == max) return -1;
        size_t l = strcspn(p, "/");
        segs[n] = p;
        lens[n] = l;
        n++;
        p += l;
    }
    return n;
}

void router_add(const struct route *routes)
{
    for (const struct route *r = routes; r->pattern; r++) {
        table = xrealloc(table, (ntable + 1) * sizeof *table);
        struct compiled *c = &table[ntable++];
        c->route = r;
        c->nsegs = split(r->pattern, c->segs, c->lens, MAX_SEGS);
        if (c->nsegs < 0) abort(); /* pattern too deep: a programming error */
    }
}

void router_reset(void)
{
    free(table);
    table = NULL;
    ntable = 0;
}

/* SEGS point into a copy of r->path with NUL-terminated segments; a "{*}" capture
 * points into r->path itself, so it holds the whole rest of the path. */
static bool match(const struct compiled *c, const char **segs, const size_t *lens, int n,
                  const char *copy, struct req *r)
{
    int np = 0;
    for (int i = 0; i < c->nsegs; i++) {
        bool capture = c->segs[i][0] == '{';
        bool rest = capture && c->lens[i] == 3 && c->segs[i][1] == '*';
        if (rest) {
            if (i >= n) return false;
            if (np < REQ_MAX_PARAMS) r->params[np++] = r->path + (segs[i] - copy);
            r->nparams = np;
            return true;
        }
        if (i >= n) return false;
        if (capture) {
            if (np < REQ_MAX_PARAMS) r->params[np++] = segs[i];
        } else if (lens[i] != c->lens[i] || memcmp(segs[i], c->segs[i], lens[i]) != 0) {
            return false;
        }
    }
    if (c->nsegs != n) return false;
    r->nparams = np;
    return true;
}

/* "GET, HEAD, …" for the method bits M, in a fixed order, into OUT (≥ 64 bytes). */
static void allow_list(unsigned m, char *out)
{
    static const enum http_method order[] = {M_GET,   M_HEAD,   M_POST,   M_PUT,
                                             M_PATCH, M_DELETE, M_OPTIONS};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (m & order[i]) {
            if (out[0]) strcat(out, ", ");
            strcat(out, req_method_name(order[i]));
        }
}

/* The CORS headers of a ROUTE_CORS route (router.h): a preflight answer's (OPTIONS,
 * ALLOW its methods) or any other answer's (ALLOW NULL). */
static void add_cors(struct req *r, const char *allow)
{
    reply_header(r, "Access-Control-Allow-Origin", "*");
    if (!allow) {
        reply_header(r, "Access-Control-Expose-Headers", "ETag");
        return;
    }
    reply_header(r, "Access-Control-Allow-Methods", allow);
    reply_header(r, "Access-Control-Allow-Headers",
                 "If-None-Match, If-Modified-Since, Cache-Control, Pragma");
    reply_header(r, "Access-Control-Max-Age", "86400");
}

void router_dispatch(struct req *r)
{
    /* Split a copy of the path and NUL-terminate each segment for the captures. */
    char *copy = xstrdup(r->path);
    req_keep(r, copy);
    const char *segs[MAX_SEGS + 1];
    size_t lens[MAX_SEGS + 1];
    int n = split(copy, segs, lens, MAX_SEGS + 1);
    if (n < 0 || n > MAX_SEGS) {
        reply_fail(r, ERR_NOT_FOUND, "no such page or resource: %s", r->path);
        return;
    }
    for (int i = 0; i < n; i++)
        ((char *)segs[i])[lens[i]] = '\0';

    unsigned method = r->method == M_HEAD ? (M_HEAD | M_GET) : r->method;
    unsigned allowed = 0;
    bool cors = false;
    for (size_t i = 0; i < ntable; i++) {
        const struct compiled *c = &table[i];
        if (!match(c, segs, lens, n, copy, r)) continue;
        if (c->route->methods & method) {
            if (c->route->flags & ROUTE_CORS) add_cors(r, NULL);
            r->route_arg = c->route->arg;
            c->route->fn(r);
            if (!r->replied) {
                log_error("%s: handler for %s returned without replying", r->id, r->path);
                reply_fail(r, ERR_INTERNAL, "internal error");
            }
            return;
        }
        allowed |= c->route->methods;
        cors |= (c->route->flags & ROUTE_CORS) != 0;
    }
    r->nparams = 0;
    if (!allowed) {
        reply_fail(r, ERR_NOT_FOUND, "no such page or resource: %s", r->path);
        return;
    }
    char allow[96];
    allow_list(allowed | (allowed & M_GET ? M_HEAD : 0) | M_OPTIONS, allow);
    reply_header(r, "Allow", allow);
    if (r->method == M_OPTIONS) {
        if (cors) add_cors(r, allow);
        reply_empty(r, 204);
        return;
    }
    if (cors) add_cors(r, NULL);
    reply_fail(r, ERR_METHOD, "%s is not allowed on %s; allowed: %s",
               r->msg ? r->msg->method : req_method_name(r->method), r->path, allow);
}
