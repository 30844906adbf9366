/*
 * router — a table of (methods, path pattern) → handler.
 *
 * Patterns are literal segments and {name} captures ("/admin/api/v1/services/{id}");
 * "{*}" as the last segment captures the rest of the path. A trailing slash in a
 * request path is ignored. Unknown paths answer 404 and known paths with another
 * method 405 (with Allow), both once, here. HEAD is served by GET routes.
 */
#ifndef PHAROS_ROUTER_H
#define PHAROS_ROUTER_H
#include "http/req.h"

typedef void (*route_fn)(struct req *r);

struct route {
    unsigned methods; /* enum http_method bits */
    const char *pattern;
    route_fn fn;
    const void *arg;  /* handed to FN as req->route_arg: one handler can serve many routes */
};

/* Adds the routes of TABLE (ended by a {0, NULL, NULL} entry). Call before serving. */
void router_add(const struct route *table);
/* Matches R's method and path, fills R's captures and calls the handler, or answers 404/405. */
void router_dispatch(struct req *r);
/* Frees the table. */
void router_reset(void);

#endif
