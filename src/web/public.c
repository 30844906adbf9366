/*
 * web/public — the public status page of SPEC §6: /, /history, /incidents/{id},
 * /maintenance/{id}, /feed, /feed.atom, /badge.svg, /brand.css, the maintenance
 * calendar /calendar.ics (?service=ID: one service's; SPEC §15) and the
 * Statuspage-compatible JSON under /api/v2/, all served from the page's snapshot
 * (public/snapshot.h) and never from the database while the snapshot is current.
 *
 * Each answer: the entry's bytes sent straight from the snapshot (whose reference
 * is dropped once they are sent; large bodies go with sendfile(2)), a strong
 * ETag (If-None-Match answers 304), and the gzip copy when the client accepts gzip
 * ("Vary: Accept-Encoding" for entries that have one). "Cache-Control: public,
 * no-cache, stale-if-error=86400": browsers and a CDN may keep it but revalidate
 * every time (a change must show on the next request: a 304 costs no body), and a
 * CDN may serve its copy for a day while pharos is unreachable. Errors of HTML
 * routes are rendered in the public layout (on_html_error). The pages link the brand
 * stylesheet (colour and custom CSS) by its content-hashed name, /static/brand.<hash>.css
 * (web_public_brand), immutable for a year like the other static files.
 *
 * Languages (SPEC §16): the HTML pages and the feeds are answered in the reader's
 * language (web/lang.c), each language an entry of its own in the snapshot ("@de/…",
 * rendered once per snapshot), with Content-Language, and "Vary: Cookie, Accept-Language"
 * when the language came from those headers rather than the URL's ?lang=.
 */
#include "app/app.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "http/conn.h"
#include "http/reply.h"
#include "public/access.h"
#include "public/snapshot.h"
#include "render/i18n.h"
#include "web/web.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool etag_listed(struct req *r, const struct snap_entry *en)
{
    const char *inm = req_header(r, "If-None-Match");
    if (!inm) return false;
    return strstr(inm, en->etag) || (en->gz && strstr(inm, en->etag_gz)) || strcmp(inm, "*") == 0;
}

static void on_sent(void *arg)
{
    snapshot_release(arg);
}

/* Answers with EN of S; takes over the caller's reference on S. IMMUTABLE: EN is asked for
 * by its content-hashed name, which names these bytes for ever. LANG: EN is in that
 * language (NULL: no language of its own); VARY_LANG: chosen by the Cookie and
 * Accept-Language headers. */
static void send_entry(struct req *r, struct snapshot *s, const struct snap_entry *en,
                       bool immutable, const char *lang, bool vary_lang)
{
    bool gz = en->gz && req_accepts_gzip(r);
    bool pub = snapshot_access(s)->mode == VIS_PUBLIC;
    reply_header(r, "ETag", gz ? en->etag_gz : en->etag);
    reply_header(
        r, "Cache-Control",
        immutable
            ? (pub ? "public, max-age=31536000, immutable" : "private, max-age=31536000, immutable")
            : (pub ? "public, no-cache, stale-if-error=86400" : "private, no-cache"));
    if (en->gz || vary_lang)
        reply_header(r, "Vary",
                     !vary_lang ? "Accept-Encoding"
                     : en->gz   ? "Accept-Encoding, Cookie, Accept-Language"
                                : "Cookie, Accept-Language");
    if (lang) reply_header(r, "Content-Language", lang);
    if (etag_listed(r, en)) {
        snapshot_release(s);
        reply_empty(r, 304);
        return;
    }
    if (gz) reply_header(r, "Content-Encoding", "gzip");
    /* the bytes stay in the snapshot, which stays alive until they are sent */
    struct conn_body b = {.data = gz ? en->gz : en->body,
                          .len = gz ? en->gzlen : en->len,
                          .fd = snap_entry_fd(en, gz),
                          .release = on_sent,
                          .arg = s};
    reply_body(r, 200, en->ctype, &b);
}

/* Serves the snapshot entry at KEY of the request's page to a visitor who may read it
 * (KEYED: a ?key= read key opens it too); with BRAND, the brand stylesheet asked for as
 * /static/BRAND. LOCALIZED: KEY is an HTML page or feed, answered in the reader's
 * language. */
static void serve_as(struct req *r, const char *key, bool keyed, const char *brand, bool localized)
{
    struct err e = {0};
    struct app_thread *t = r->tctx;
    struct snapshot *s = web_public_snapshot(r, &e);
    if (!s) {
        if (e.code != ERR_NOT_FOUND) e.code = ERR_UNAVAILABLE;
        reply_error(r, &e);
        return;
    }
    if (web_access_check(r, s, keyed, &e) != 0) {
        snapshot_release(s);
        reply_error(r, &e);
        return;
    }
    bool vary = false;
    const char *lang = localized ? web_lang(r, s, true, &vary) : NULL;
    char lkey[96];
    if (lang && lang != snapshot_default_lang(s)) { /* "@de/…": that language's entry */
        snprintf(lkey, sizeof lkey, "@%s%s", lang, key);
        key = lkey;
    }
    const struct snap_entry *en = snapshot_get(s, t->db, key, &e);
    if (!en) {
        snapshot_release(s);
        reply_error(r, &e);
        return;
    }
    send_entry(r, s, en, brand && strcmp(brand, snapshot_brand_name(s)) == 0, lang, vary);
}

static void serve(struct req *r, const char *key, bool keyed)
{
    serve_as(r, key, keyed, NULL, false);
}

void web_public_brand(struct req *r, const char *name)
{
    serve_as(r, "/brand.css", false, name, false);
}

/* An HTML page, in the reader's language. */
static void serve_key(struct req *r, const char *key)
{
    serve_as(r, key, false, NULL, true);
}

static void on_path(struct req *r)
{
    serve(r, r->path, false);
}

static void on_page(struct req *r)
{
    serve_key(r, r->path);
}

/* The feeds: in the reader's language; ?key= opens them on a page that is not public. */
static void on_feed(struct req *r)
{
    serve_as(r, r->path, true, NULL, true);
}

/* Feeds and the badge: for readers of a page that is not public, ?key= opens them. */
static void on_keyed(struct req *r)
{
    serve(r, r->path, true);
}

static void on_history(struct req *r)
{
    const char *p = req_query(r, "page");
    char key[48];
    char *end = NULL;
    long n = p ? strtol(p, &end, 10) : 1;
    if (p && (end == p || *end || n < 1 || n > 100000000)) {
        reply_fail(r, ERR_NOT_FOUND, "there is no history page \"%s\"", p);
        return;
    }
    snprintf(key, sizeof key, "/history?page=%ld", n);
    serve_key(r, key);
}

/* /calendar.ics, or with ?service=ID the calendar of one service (render/ical.h): a
 * malformed id is a 400 saying what is accepted, an id that is no visible service of the
 * page a 404 (from the snapshot). */
static void on_calendar(struct req *r)
{
    const char *id = req_query(r, "service");
    char key[48];
    if (!id) {
        serve(r, "/calendar.ics", true);
        return;
    }
    size_t n = strspn(id, "0123456789");
    if (n == 0 || n > 9 || id[n] || id[0] == '0') {
        char quoted[48];
        reply_fail(r, ERR_INVALID,
                   "service must be a service id (a positive whole number), as in "
                   "/calendar.ics?service=3; got \"%s\"",
                   utf8_clip(id, quoted, sizeof quoted));
        return;
    }
    snprintf(key, sizeof key, "/calendar.ics?service=%s", id);
    serve(r, key, true);
}

static void on_api(struct req *r)
{
    /* The snapshot knows the endpoints: any other path under /api/v2/ is a 404. */
    serve(r, r->path, true);
}

/* The HTML error page: the message in the public layout of the request's page; for a
 * visitor who may not read the page, its door (web/access.c), which shows nothing of it. */
static char *on_html_error(struct req *r, const struct err *e)
{
    struct err e2 = {0};
    int status = err_http_status(e->code);
    struct snapshot *s = r->tctx ? web_public_snapshot(r, &e2) : NULL;
    char *html = NULL;
    if (s && web_access_check(r, s, false, &e2) != 0) {
        bool refused = e->code == ERR_UNAUTHORIZED || e->code == ERR_FORBIDDEN;
        html = web_access_gate(r, s, refused ? e : &e2, NULL);
        snapshot_release(s);
        s = NULL;
    }
    if (s) {
        const char *lang = web_lang(r, s, false, NULL);
        json_t *extra =
            json_pack("{s:i,s:s,s:s,s:b,s:s}", "status", status, "message", e->msg, "doc_title",
                      i18n_get(lang, status == 404 ? "not_found_doc" : "error_doc"), "not_found",
                      status == 404, "lang", lang);
        html = snapshot_render_html(s, "public/error.html", extra, &e2);
        json_decref(extra);
        snapshot_release(s);
    }
    if (!html) { /* no page to dress it in: a bare page, the message escaped by hand */
        size_t n = strlen(e->msg) * 6 + 256;
        html = xmalloc(n);
        int k = snprintf(html, n, "<!doctype html><title>Error %d</title><h1>Error %d</h1><p>",
                         status, status);
        for (const char *p = e->msg; *p && k < (int)n - 16; p++) {
            const char *ent = *p == '<'   ? "&lt;"
                              : *p == '>' ? "&gt;"
                              : *p == '&' ? "&amp;"
                              : *p == '"' ? "&quot;"
                                          : NULL;
            k += ent ? snprintf(html + k, n - k, "%s", ent) : snprintf(html + k, n - k, "%c", *p);
        }
        snprintf(html + k, n - k, "</p>");
    }
    return html;
}

void web_public_init(struct snapshot_registry *g)
{
    web_snapshots_use(g);
    reply_set_html_error(on_html_error);
}

/* The feeds, the badge, the calendar and /api/v2/ are for scripts of any origin too (SPEC §6): the
 * router gives their answers the CORS headers (http/router.h). */
const struct route web_public_routes[] = {
    {M_GET, "/", on_page},
    {M_GET, "/history", on_history},
    {M_GET, "/incidents/{id}", on_page},
    {M_GET, "/maintenance/{id}", on_page},
    {M_GET, "/feed", on_feed, NULL, ROUTE_CORS},
    {M_GET, "/feed.atom", on_feed, NULL, ROUTE_CORS},
    {M_GET, "/badge.svg", on_keyed, NULL, ROUTE_CORS},
    {M_GET, "/calendar.ics", on_calendar, NULL, ROUTE_CORS},
    {M_GET, "/brand.css", on_path},
    {M_GET, "/api/v2/{*}", on_api, NULL, ROUTE_CORS},
    {0, NULL, NULL},
};
