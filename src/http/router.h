/*
 * router — a table of (methods, path pattern) → handler.
 *
 * Patterns are literal segments and {name} captures ("/admin/api/v1/services/{id}");
 * "{*}" as the last segment captures the rest of the path. A trailing slash in a
 * request path is ignored. Unknown paths answer 404 and known paths with another
 * method 405, both once, here. HEAD is served by GET routes. OPTIONS is answered here
 * too, 204, unless a route takes it itself. Both the 405 and the OPTIONS answer carry
 * Allow: the methods of every route whose pattern matches the path, plus HEAD where GET
 * is among them, plus OPTIONS.
 *
 * CORS (SPEC §6): every answer of a ROUTE_CORS route, errors included, carries
 * "Access-Control-Allow-Origin: *" and exposes ETag; its OPTIONS answer is a preflight
 * answer as well (Access-Control-Allow-Methods: the Allow list, -Allow-Headers: the
 * conditional and cache request headers a script may set, -Max-Age: a day). Other
 * routes carry no CORS header, so browsers keep other origins' scripts out of them.
 */
#ifndef PHAROS_ROUTER_H
#define PHAROS_ROUTER_H
#include "http/req.h"

typedef void (*route_fn)(struct req *r);

enum route_flags {
    ROUTE_CORS = 1 << 0, /* readable by scripts of any origin (see above) */
};

struct route {
    unsigned methods; /* enum http_method bits */
    const char *pattern;
    route_fn fn;
    const void *arg; /* handed to FN as req->route_arg: one handler can serve many routes */
    unsigned flags;  /* enum route_flags bits */
};

/* Adds the routes of TABLE (ended by a {0, NULL, NULL} entry). Call before serving. */
void router_add(const struct route *table);
/* Matches R's method and path, fills R's captures and calls the handler (a handler that
 * returns without replying is logged and answered 500), or answers 404, 405 or (OPTIONS)
 * 204. */
void router_dispatch(struct req *r);
/* Frees the table. */
void router_reset(void);

#endif
