/*
 * web/static — GET /static/{name}: the CSS, JavaScript and icons compiled into
 * the binary from static/. Each file gets a strong ETag (a hash of its bytes,
 * computed once) and answers If-None-Match with 304; browsers revalidate
 * after an hour. Names are looked up in the embedded table only, so no path
 * ever reaches the file system.
 */
#include "web/web.h"
#include "core/embedded.h"
#include "http/reply.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".css", "text/css; charset=utf-8"},     {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},               {".png", "image/png"},
        {".ico", "image/x-icon"},                {".json", "application/json"},
        {".txt", "text/plain; charset=utf-8"},   {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

void web_etag(const void *data, size_t len, char out[WEB_ETAG_SIZE])
{
    unsigned char h[16];
    crypto_generichash(h, sizeof h, data, len, NULL, 0);
    out[0] = '"';
    sodium_bin2hex(out + 1, 33, h, sizeof h);
    out[33] = '"';
    out[34] = '\0';
}

bool web_not_modified(struct req *r, const char *etag)
{
    const char *inm = req_header(r, "If-None-Match");
    if (!inm)
        return false;
    /* Any listed tag, weak or strong, matching ours (RFC 9110 weak comparison). */
    for (const char *p = inm; *p;) {
        p += strspn(p, " ,");
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        size_t n = strcspn(p, " ,");
        if ((n == 1 && *p == '*') || (n == strlen(etag) && strncmp(p, etag, n) == 0))
            return true;
        p += n;
    }
    return false;
}

static void serve(struct req *r)
{
    char name[256];
    if (r->nparams < 1 || snprintf(name, sizeof name, "static/%s", r->params[0]) >= (int)sizeof name ||
        strstr(name, "..")) {
        reply_fail(r, ERR_NOT_FOUND, "no such file");
        return;
    }
    const struct embedded_file *f = embedded_find(name);
    if (!f) {
        reply_fail(r, ERR_NOT_FOUND, "no such file: /%s", name);
        return;
    }
    char etag[WEB_ETAG_SIZE];
    web_etag(f->data, f->len, etag);
    reply_header(r, "ETag", etag);
    reply_header(r, "Cache-Control", "public, max-age=3600");
    if (web_not_modified(r, etag)) {
        reply_empty(r, 304);
        return;
    }
    reply_bytes(r, 200, content_type(name), f->data, f->len);
}

const struct route web_static_routes[] = {
    {M_GET, "/static/{*}", serve},
    {0, NULL, NULL},
};
