/*
 * web/static — GET /static/{name}: the CSS, JavaScript and icons compiled into
 * the binary from static/ (core/asset.h), sent from the binary's memory without
 * a copy, in gzip when the client accepts it (the copy made at build time; then
 * "Vary: Accept-Encoding"). Each encoding has a strong ETag and answers
 * If-None-Match with 304.
 *
 * Pages link the content-hashed name ("public.8f3a2c1d.css"), served with
 * "Cache-Control: public, max-age=31536000, immutable": other bytes get another
 * name. Another hash (an old page or a cache that kept one) and the plain name
 * ("public.css") answer with the current bytes and "public, no-cache", so whoever
 * keeps them revalidates: those names do not promise these bytes. Names are
 * looked up in the embedded table only, so no path ever reaches the file system.
 * "brand.<hash>.css" is the request's page's brand stylesheet (its colour and custom CSS,
 * SPEC §16), from its snapshot under the same rules (web_public_brand).
 */
#include "core/asset.h"
#include "http/conn.h"
#include "http/reply.h"
#include "web/web.h"
#include <string.h>

bool web_not_modified(struct req *r, const char *etag)
{
    const char *inm = req_header(r, "If-None-Match");
    if (!inm) return false;
    /* Any listed tag, weak or strong, matching ours (RFC 9110 weak comparison). */
    for (const char *p = inm; *p;) {
        p += strspn(p, " ,");
        if (strncmp(p, "W/", 2) == 0) p += 2;
        size_t n = strcspn(p, " ,");
        if ((n == 1 && *p == '*') || (n == strlen(etag) && strncmp(p, etag, n) == 0)) return true;
        p += n;
    }
    return false;
}

static void serve(struct req *r)
{
    enum asset_name how;
    const struct asset *a = r->nparams == 1 ? asset_lookup(r->params[0], &how) : NULL;
    if (!a && r->nparams == 1 && strncmp(r->params[0], "brand.", 6) == 0) {
        web_public_brand(r, r->params[0]); /* the page's own stylesheet */
        return;
    }
    if (!a) {
        reply_fail(r, ERR_NOT_FOUND, "no such file: /static/%s", r->nparams ? r->params[0] : "");
        return;
    }
    bool gz = a->gz && req_accepts_gzip(r);
    reply_header(r, "ETag", gz ? a->etag_gz : a->etag);
    reply_header(r, "Cache-Control",
                 how == ASSET_CURRENT ? "public, max-age=31536000, immutable" : "public, no-cache");
    if (a->gz) reply_header(r, "Vary", "Accept-Encoding");
    if (web_not_modified(r, gz ? a->etag_gz : a->etag)) {
        reply_empty(r, 304);
        return;
    }
    if (gz) reply_header(r, "Content-Encoding", "gzip");
    struct conn_body b = {.data = gz ? a->gz : a->data, .len = gz ? a->gzlen : a->len, .fd = -1};
    reply_body(r, 200, a->ctype, &b);
}

const struct route web_static_routes[] = {
    {M_GET, "/static/{*}", serve},
    {0, NULL, NULL},
};
