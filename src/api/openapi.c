/*
 * api/openapi — GET /admin/api/v1/openapi.json: the OpenAPI 3 description of
 * this API (SPEC §9), kept in src/api/openapi.json and compiled into the binary.
 *
 * No token is needed: the document describes the API and holds no data, and
 * tools (Swagger UI, code generators) fetch it without credentials. Like the rest
 * of the admin API it carries no CORS header (SPEC §6 names the routes that do), so
 * scripts of other sites cannot read it. The ETag is a hash of the bytes, computed
 * once: it changes exactly when the document does, and If-None-Match with it
 * answers 304. A client that accepts gzip gets the copy compressed at build time
 * (tools/embed.c), with its own ETag.
 * Keep the document true to the routes: tests/e2e/openapi.test.mjs checks that
 * every operation it lists is routed and that every SPEC §9 route is listed.
 */
#include "api/api.h"
#include "core/embedded.h"
#include "http/conn.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OPENAPI_FILE "src/api/openapi.json"

static const struct embedded_file *doc;
static char etag_plain[24], etag_gz[24]; /* "\"" + 16 hex digits + "\"" */

/* The ETag of LEN bytes at P into OUT. */
static void etag_of(const char *p, size_t len, char out[24])
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a, 64 bits */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    snprintf(out, 24, "\"%016llx\"", (unsigned long long)h);
}

static void load(void)
{
    doc = embedded_find(OPENAPI_FILE);
    if (!doc) return;
    etag_of(doc->data, doc->len, etag_plain);
    if (doc->gz) etag_of(doc->gz, doc->gzlen, etag_gz);
}

/* Whether the If-None-Match list INM names ETAG (weak or strong) or is "*". */
static bool etag_matches(const char *inm, const char *etag)
{
    size_t elen = strlen(etag);
    for (const char *p = inm; *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, ",");
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        const char *tag = p;
        if (n >= 2 && strncmp(tag, "W/", 2) == 0) {
            tag += 2;
            n -= 2;
        }
        if ((n == 1 && *tag == '*') || (n == elen && memcmp(tag, etag, elen) == 0)) return true;
        p = tag + n;
        p += strcspn(p, ",");
    }
    return false;
}

static void get(struct req *r)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load);
    if (!doc) {
        reply_fail(r, ERR_INTERNAL, "this build carries no OpenAPI description (%s)", OPENAPI_FILE);
        return;
    }
    bool gz = doc->gz && req_accepts_gzip(r);
    const char *etag = gz ? etag_gz : etag_plain;
    reply_header(r, "ETag", etag);
    reply_header(r, "Cache-Control", "no-cache");
    if (doc->gz) reply_header(r, "Vary", "Accept-Encoding");
    const char *inm = req_header(r, "If-None-Match");
    if (inm && etag_matches(inm, etag)) {
        reply_empty(r, 304);
        return;
    }
    if (gz) reply_header(r, "Content-Encoding", "gzip");
    struct conn_body b = {
        .data = gz ? doc->gz : doc->data, .len = gz ? doc->gzlen : doc->len, .fd = -1};
    reply_body(r, 200, "application/json; charset=utf-8", &b);
}

const struct route api_openapi_routes[] = {
    {M_GET, API_BASE "/openapi.json", get},
    {0, NULL, NULL},
};
