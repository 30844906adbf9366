/*
 * web — the HTML side of pharos that is not the admin console: the public
 * status page, its feeds and JSON, subscription pages, and static assets.
 * Each file exports a route table; web_register() adds them all.
 */
#ifndef PHAROS_WEB_H
#define PHAROS_WEB_H
#include <stdbool.h>
#include <stddef.h>
#include "http/req.h"
#include "http/router.h"

enum { WEB_ETAG_SIZE = 35 };

/* A strong ETag ("\"<32 hex>\"") of LEN bytes at DATA. */
void web_etag(const void *data, size_t len, char out[WEB_ETAG_SIZE]);
/* True when the request's If-None-Match lists ETAG (weak comparison) or "*". */
bool web_not_modified(struct req *r, const char *etag);

extern const struct route web_static_routes[];

/* Adds every web route to the router. */
void web_register(void);

#endif
