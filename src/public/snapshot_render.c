/*
 * snapshot_render — the entries of a snapshot, all from its one view model:
 * the HTML pages (templates/public/), the Statuspage JSON
 * (render/statuspage.h), the RSS and Atom feeds, the badge, the page's brand
 * stylesheet and the maintenance calendar (render/ical.h). See snapshot.h.
 *
 * The calendar of one service ("/calendar.ics?service=ID") is an entry of its own,
 * rendered from the model on its first request like the others, rather than per
 * request: so it has an ETag and a gzip copy made once, and is served while the
 * database is down like the rest. An id that is none of the model's visible services
 * is a 404 and leaves no entry, so a snapshot holds at most one per service.
 *
 * A served snapshot renders only the home page when it is built (a spike asks for
 * it, and a burst of changes rebuilds it each time); every other entry is rendered
 * on its first request (snap_render_path: from the model, or for history pages and
 * events beyond it from the database). An export renders everything at once.
 *
 * Links: served pages use absolute paths ("/incidents/7"); exported pages use
 * paths relative to their own file ("../../incidents/7/index.html"), so the
 * export works from any directory of any static host. HTML templates get
 * "root" (the prefix), "ext" (appended to event paths) and "links". Absolute
 * links (feed links, guids and ids, the JSON's page.url and shortlinks, the
 * export's subscribe link) start with the model's page.url: the page's own
 * public URL (SPEC §6), so two pages never share a feed id.
 */
#include "core/asset.h"
#include "core/buf.h"
#include "core/fnv.h"
#include "core/xalloc.h"
#include "public/snapshot_impl.h"
#include "public/view.h"
#include "public/view_lang.h"
#include "render/i18n.h"
#include "render/ical.h"
#include "render/statuspage.h"
#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FEED_ITEMS = 100 };

/* The model's lists of events (public/view.h), each event with its page. */
static const char *const event_lists[] = {
    "open_incidents", "active_maintenance", "upcoming_maintenance",
    "recent_closed",  "incidents",          "maintenance"};

static const char CT_HTML[] = "text/html; charset=utf-8";
static const char CT_ICAL[] = "text/calendar; charset=utf-8";

/* The public URL of S's page (public/view.h), the prefix of its absolute links. */
static const char *page_url(const struct snapshot *s)
{
    const char *url = json_string_value(json_object_get(json_object_get(s->model, "page"), "url"));
    assert(url && *url);
    return url;
}

const char *snapshot_default_lang(const struct snapshot *s)
{
    const char *d = i18n_canon(
        json_string_value(json_object_get(json_object_get(s->model, "page"), "default_language")));
    return d ? d : "en";
}

size_t snapshot_languages(const struct snapshot *s, const char **tags, size_t max)
{
    size_t n = 0, i;
    json_t *l;
    json_array_foreach(json_object_get(json_object_get(s->model, "page"), "languages"), i, l)
    {
        const char *tag = i18n_canon(json_string_value(l));
        if (tag && n < max) tags[n++] = tag;
    }
    return n;
}

const char *snapshot_offered(const struct snapshot *s, const char *lang)
{
    const char *tag = i18n_canon(lang);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(json_object_get(s->model, "page"), "languages"), i, l)
    {
        if (tag && strcmp(json_string_value(l), tag) == 0) return tag;
    }
    return tag && tag == snapshot_default_lang(s) ? tag : NULL;
}

/* Whether text in LANG is other than the model's (English, the page default's texts). */
static bool lang_differs(const struct snapshot *s, const char *lang)
{
    return strcmp(lang, "en") != 0 || lang != snapshot_default_lang(s);
}

/* S's model in LANG (canonical), made once per snapshot and language (view_lang.h). */
static const json_t *model_in(struct snapshot *s, const char *lang)
{
    if (!lang_differs(s, lang)) return s->model;
    int i = 0;
    while (i18n_langs[i] && i18n_langs[i] != lang)
        i++;
    assert(i < I18N_COUNT);
    pthread_mutex_lock(&s->lazy_mu);
    if (!s->lang_models[i]) {
        json_t *m = json_deep_copy(s->model);
        view_lang_apply(m, lang, lang != snapshot_default_lang(s), s->r.tmpls);
        s->lang_models[i] = m;
    }
    const json_t *m = s->lang_models[i];
    pthread_mutex_unlock(&s->lazy_mu);
    return m; /* lives as long as S, never changed again */
}

/* The language switcher of a page in LANG: the offered languages, each with its own name
 * and a link that chooses it (QUERY: the page's own query before "lang=", e.g. "page=2&");
 * NULL when the page offers one language. */
static json_t *switcher(const struct snapshot *s, const char *lang, const char *query)
{
    const json_t *offered = json_object_get(json_object_get(s->model, "page"), "languages");
    if (json_array_size(offered) < 2 || s->r.export) return NULL;
    json_t *a = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(offered, i, l)
    {
        const char *tag = json_string_value(l);
        char href[96];
        snprintf(href, sizeof href, "?%slang=%s", query ? query : "", tag);
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}", "tag", tag, "name",
                                           i18n_get(tag, "lang_name"), "href", href, "current",
                                           strcmp(tag, lang) == 0));
    }
    return a;
}

/* The layout model: S's model in LANG (shallow copy) with root, ext and links for a page
 * DEPTH directories deep (export), the catalogue ("t"), the language switcher, plus the
 * keys of EXTRA. */
static json_t *html_model(struct snapshot *s, const char *lang, int depth, const json_t *extra)
{
    json_t *m = json_copy((json_t *)model_in(s, lang));
    const char *root = "/";
    char rel[16] = "";
    if (s->r.export) {
        for (int i = 0; i < depth && i < 4; i++)
            strcat(rel, "../");
        root = rel;
    }
    struct {
        const char *key, *serve, *export;
    } links[] = {
        {"home", "", "index.html"},
        {"history", "history", "history/1/index.html"},
        {"feed", "feed", "feed.xml"},
        {"atom", "feed.atom", "feed.atom"},
        {"brand_css", "brand.css", "brand.css"},
        {"api", "api/v2/summary.json", "api/v2/summary.json"},
        {"calendar", "calendar.ics", "calendar.ics"},
    };
    /* Static files by their content-hashed names (core/asset.h), served and exported. */
    static const struct {
        const char *key, *file;
    } assets[] = {{"css", "public.css"},
                  {"js", "public.js"},
                  {"favicon", "favicon.svg"},
                  {"subscribe_css", "subscribe.css"}};
    json_t *l = json_object();
    char buf[1200];
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        snprintf(buf, sizeof buf, "%s%s", root, s->r.export ? links[i].export : links[i].serve);
        json_object_set_new(l, links[i].key, json_string(buf));
    }
    for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++) {
        const char *p = asset_path(assets[i].file);
        snprintf(buf, sizeof buf, p ? "%s%s" : "%sstatic/%s", root, p ? p : assets[i].file);
        json_object_set_new(l, assets[i].key, json_string(buf));
    }
    /* Subscribing needs the live server, also from the exported copy. */
    snprintf(buf, sizeof buf, "%s/subscribe", s->r.export ? page_url(s) : "");
    json_object_set_new(l, "subscribe", json_string(buf));
    if (!s->r.export && s->brand_name[0]) { /* the content-hashed name (web/static.c) */
        snprintf(buf, sizeof buf, "/static/%s", s->brand_name);
        json_object_set_new(l, "brand_css", json_string(buf));
    }
    json_object_set_new(m, "links", l);
    json_object_set_new(m, "lang", json_string(lang));
    json_object_set(m, "t", (json_t *)i18n_catalogue(lang));
    json_t *sw = switcher(s, lang, json_string_value(json_object_get(extra, "self_query")));
    if (sw) json_object_set_new(m, "languages", sw);
    json_object_set_new(m, "has_languages", json_boolean(sw != NULL));
    json_object_set_new(m, "root", json_string(root));
    json_object_set_new(m, "ext", json_string(s->r.export ? "/index.html" : ""));
    if (extra) json_object_update(m, (json_t *)extra);
    return m;
}

static char *render_tmpl(struct snapshot *s, const char *name, const json_t *model,
                         enum tmpl_mode mode, size_t *len, struct err *e)
{
    const struct tmpl *t = tmpl_set_get(s->r.tmpls, name, e);
    if (!t) return NULL;
    struct tmpl_loader ld = tmpl_set_loader(s->r.tmpls);
    char *out = tmpl_render(t, model, &ld, mode, e);
    if (out && len) *len = strlen(out);
    return out;
}

/* The language EXTRA asks for ("lang", offered), else the page's default. */
static const char *extra_lang(const struct snapshot *s, const json_t *extra)
{
    const char *l = snapshot_offered(s, json_string_value(json_object_get(extra, "lang")));
    return l ? l : snapshot_default_lang(s);
}

char *snapshot_render_html(struct snapshot *s, const char *name, const json_t *extra, struct err *e)
{
    const char *lang = extra_lang(s, extra);
    json_t *x = json_deep_copy(extra ? extra : json_object());
    json_object_set_new(x, "lang", json_string(lang)); /* EXTRA's may be in any case */
    json_t *m = html_model(s, lang, 0, x);
    json_decref(x);
    char *out = render_tmpl(s, name, m, TMPL_HTML, NULL, e);
    json_decref(m);
    return out;
}

char *snapshot_render_gate(struct snapshot *s, const char *name, const json_t *extra, struct err *e)
{
    const json_t *page = json_object_get(s->model, "page");
    json_t *m = json_pack("{s:{s:O?,s:O?}}", "page", "title", json_object_get(page, "title"),
                          "logo_url", json_object_get(page, "logo_url"));
    json_t *full = html_model(s, extra_lang(s, extra), 0, NULL); /* links, lang, t */
    json_t *links = json_object_get(full, "links");
    json_object_set_new(m, "links",
                        json_pack("{s:O?,s:O?,s:O?}", "css", json_object_get(links, "css"),
                                  "subscribe_css", json_object_get(links, "subscribe_css"),
                                  "favicon", json_object_get(links, "favicon")));
    json_object_set(m, "lang", json_object_get(full, "lang"));
    json_object_set(m, "t", json_object_get(full, "t"));
    json_decref(full);
    if (extra) json_object_update(m, (json_t *)extra);
    json_object_set_new(m, "lang", json_string(extra_lang(s, extra)));
    char *out = render_tmpl(s, name, m, TMPL_HTML, NULL, e);
    json_decref(m);
    return out;
}

static void history_url(struct snapshot *s, int depth, int n, char *buf, size_t size)
{
    if (s->r.export)
        snprintf(buf, size, "%shistory/%d/index.html", depth ? "../../" : "", n);
    else
        snprintf(buf, size, "/history?page=%d", n);
}

/* History page N as HTML into *BODY (on_history_page: its events' titles are h2). */
static int render_history(struct snapshot *s, const char *lang, struct db *db, int n, char **body,
                          size_t *len, struct err *e)
{
    json_t *h = NULL;
    if (view_history(db, s->model, n, &h, e) != 0) return -1;
    if (lang_differs(s, lang))
        view_lang_apply(h, lang, lang != snapshot_default_lang(s), s->r.tmpls);
    char buf[64];
    static const char *const keys[] = {"prev", "next"};
    for (int i = 0; i < 2; i++) {
        json_t *k = json_object_get(h, keys[i]);
        if (!k) continue;
        history_url(s, 2, (int)json_integer_value(k), buf, sizeof buf);
        char key[16];
        snprintf(key, sizeof key, "%s_url", keys[i]);
        json_object_set_new(h, key, json_string(buf));
    }
    char num[16], pages[16], page_of[128], self[32];
    snprintf(num, sizeof num, "%d", n);
    snprintf(pages, sizeof pages, "%lld",
             (long long)json_integer_value(json_object_get(h, "pages")));
    i18n_fill(page_of, sizeof page_of, i18n_get(lang, "page_of"), "n", num, "pages", pages, NULL);
    json_object_set_new(h, "page_of", json_string(page_of));
    i18n_fill(buf, sizeof buf, i18n_get(lang, "history_doc"), "n", num, NULL);
    snprintf(self, sizeof self, "page=%d&", n);
    json_t *extra = json_pack("{s:o,s:s,s:b,s:s}", "history_page", h, "doc_title", buf,
                              "on_history_page", 1, "self_query", self);
    json_t *m = html_model(s, lang, 2, extra);
    *body = render_tmpl(s, "public/history.html", m, TMPL_HTML, len, e);
    json_decref(m);
    json_decref(extra);
    return *body ? 0 : -1;
}

/* The page of EV (an EVENT of the view model) as HTML into *BODY (on_event_page: its
 * title is the h1). */
static int render_event(struct snapshot *s, const char *lang, const json_t *ev, char **body,
                        size_t *len, struct err *e)
{
    json_t *extra = json_pack("{s:O,s:O,s:b}", "event", ev, "doc_title",
                              json_object_get(ev, "title"), "on_event_page", 1);
    json_t *m = html_model(s, lang, 2, extra);
    *body = render_tmpl(s, "public/event.html", m, TMPL_HTML, len, e);
    json_decref(m);
    json_decref(extra);
    return *body ? 0 : -1;
}

static int add_event_page(struct snapshot *s, const json_t *ev, struct err *e)
{
    char path[64], *body;
    size_t len;
    snprintf(path, sizeof path, "/%s", json_string_value(json_object_get(ev, "path")));
    for (size_t i = 0; i < s->n; i++) /* not sorted yet: an event may be in several lists */
        if (strcmp(s->v[i].path, path) == 0) return 0;
    if (render_event(s, snapshot_default_lang(s), ev, &body, &len, e) != 0) return -1;
    snap_add(s, path, CT_HTML, body, len);
    return 0;
}

static int add_event_pages(struct snapshot *s, const json_t *list, struct err *e)
{
    size_t i;
    json_t *ev;
    json_array_foreach(list, i, ev)
    {
        if (add_event_page(s, ev, e) != 0) return -1;
    }
    return 0;
}

/* Every update of the model's recent events, newest first, at most FEED_ITEMS. */
static int by_time_desc(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "created_at"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "created_at"));
    int c = strcmp(y ? y : "", x ? x : "");
    if (c) return c;
    return (int)(json_integer_value(json_object_get(*(json_t *const *)b, "id")) -
                 json_integer_value(json_object_get(*(json_t *const *)a, "id")));
}

static json_t *feed_model(struct snapshot *s, const char *lang)
{
    const json_t *m = model_in(s, lang);
    const char *base = page_url(s);
    size_t cap = 0, n = 0;
    json_t **items = NULL;
    static const char *const lists[] = {"incidents", "maintenance"};
    for (int l = 0; l < 2; l++) {
        size_t i, j;
        json_t *ev, *u;
        json_array_foreach(json_object_get(m, lists[l]), i, ev)
            json_array_foreach(json_object_get(ev, "updates"), j, u)
        {
            char link[1200], guid[1300], title[1024];
            snprintf(link, sizeof link, "%s/%s", base,
                     json_string_value(json_object_get(ev, "path")));
            snprintf(guid, sizeof guid, "%s#update-%lld", link,
                     (long long)json_integer_value(json_object_get(u, "id")));
            snprintf(title, sizeof title, "%s: %s",
                     json_string_value(json_object_get(u, "stage_label")),
                     json_string_value(json_object_get(ev, "title")));
            if (n == cap) items = xrealloc(items, (cap = cap ? cap * 2 : 64) * sizeof *items);
            items[n++] =
                json_pack("{s:I,s:s,s:s,s:s,s:O,s:O,s:O,s:s}", "id",
                          (json_int_t)json_integer_value(json_object_get(u, "id")), "link", link,
                          "guid", guid, "title", title, "html", json_object_get(u, "html"),
                          "rfc822", json_object_get(u, "rfc822"), "created_at",
                          json_object_get(u, "created_at"), "kind", l ? "Maintenance" : "Incident");
        }
    }
    if (n) qsort(items, n, sizeof *items, by_time_desc);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (i < FEED_ITEMS) json_array_append(arr, items[i]);
        json_decref(items[i]);
    }
    free(items);
    const json_t *first = json_array_get(arr, 0);
    char self[1200];
    snprintf(self, sizeof self, "%s/feed", base);
    char subtitle[1200], title[1200];
    const char *page_title =
        json_string_value(json_object_get(json_object_get(m, "page"), "title"));
    i18n_fill(subtitle, sizeof subtitle, i18n_get(lang, "feed_subtitle"), "title", page_title,
              NULL);
    i18n_fill(title, sizeof title, i18n_get(lang, "feed_title"), "title", page_title, NULL);
    return json_pack(
        "{s:O,s:o,s:O,s:o,s:s,s:s,s:s,s:s}", "page", json_object_get(m, "page"), "items", arr,
        "updated",
        first ? json_object_get(first, "created_at") : json_object_get(m, "generated_at"),
        "updated_rfc822", first ? json_incref(json_object_get(first, "rfc822")) : json_string(""),
        "self", self, "lang", lang, "subtitle", subtitle, "title", title);
}

/* The badge's model: the overall label and shields.io-like geometry and colour. */
static json_t *badge_model(const json_t *m)
{
    const json_t *o = json_object_get(m, "overall");
    const char *status = json_string_value(json_object_get(o, "status"));
    const char *msg = json_string_value(json_object_get(o, "label"));
    static const struct {
        const char *status, *color;
    } colors[] = {{"operational", "#2da44e"},
                  {"under_maintenance", "#1f6feb"},
                  {"degraded_performance", "#bf8700"},
                  {"partial_outage", "#d1570b"},
                  {"major_outage", "#cf222e"}};
    const char *color = "#6e7781";
    for (size_t i = 0; i < sizeof colors / sizeof colors[0]; i++)
        if (strcmp(status, colors[i].status) == 0) color = colors[i].color;
    int lw = 6 * 7 + 10, mw = (int)strlen(msg) * 7 + 10; /* ~7 px per character at 11 px */
    return json_pack("{s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:i}", "label", "status", "message", msg,
                     "color", color, "lw", lw, "mw", mw, "w", lw + mw, "lx", lw / 2, "mx",
                     lw + mw / 2);
}

/* /brand.css: the page's colour as a CSS variable (a strict #rgb/#rrggbb, else the default),
 * then the page's custom CSS (SPEC §16). */
static char *brand_css(const json_t *m, size_t *len)
{
    const json_t *page = json_object_get(m, "page");
    const char *c = json_string_value(json_object_get(page, "brand_color"));
    const char *custom = json_string_value(json_object_get(page, "custom_css"));
    size_t n = c ? strlen(c) : 0;
    bool ok = c && c[0] == '#' && (n == 4 || n == 7);
    for (size_t i = 1; ok && i < n; i++)
        ok = isxdigit((unsigned char)c[i]) != 0;
    struct buf b;
    buf_init(&b, 1 << 20); /* the custom CSS is at most 64 KiB (app/pages.h) */
    buf_printf(&b, ":root{--brand:%s}\n", ok ? c : "#1f6feb");
    if (custom && *custom) {
        buf_puts(&b, "/* the page's own stylesheet */\n");
        buf_puts(&b, custom);
        buf_puts(&b, "\n");
    }
    *len = b.len;
    return buf_steal(&b);
}

/* The entries rendered from the model alone (no database): path, type, and how. */
enum how { HOW_HOME, HOW_RSS, HOW_ATOM, HOW_BADGE, HOW_BRAND, HOW_JSON, HOW_ICAL };
static const struct fixed {
    const char *path, *ctype;
    enum how how;
} fixed[] = {
    {"/", CT_HTML, HOW_HOME},
    {"/feed", "application/rss+xml; charset=utf-8", HOW_RSS},
    {"/feed.atom", "application/atom+xml; charset=utf-8", HOW_ATOM},
    {"/badge.svg", "image/svg+xml", HOW_BADGE},
    {"/brand.css", "text/css; charset=utf-8", HOW_BRAND},
    {"/calendar.ics", CT_ICAL, HOW_ICAL},
};
static const char CT_JSON[] = "application/json; charset=utf-8";

/* Renders the entry F of S (JSON: the Statuspage endpoint NAME; the calendar: of service
 * SERVICE_ID, 0 for all) into *BODY and *LEN. */
static int render_fixed(struct snapshot *s, const char *lang, enum how how, const char *name,
                        int64_t service_id, char **body, size_t *len, struct err *e)
{
    json_t *m = NULL;
    switch (how) {
    case HOW_HOME:
        m = html_model(s, lang, 0, NULL);
        *body = render_tmpl(s, "public/index.html", m, TMPL_HTML, len, e);
        break;
    case HOW_RSS:
    case HOW_ATOM:
        m = feed_model(s, lang);
        *body = render_tmpl(s, how == HOW_RSS ? "public/feed.rss.xml" : "public/feed.atom.xml", m,
                            TMPL_XML, len, e);
        break;
    case HOW_BADGE:
        m = badge_model(s->model);
        *body = render_tmpl(s, "public/badge.svg", m, TMPL_XML, len, e);
        break;
    case HOW_BRAND:
        *body = brand_css(s->model, len);
        break;
    case HOW_ICAL:
        *body = ical_render(s->model, service_id, len);
        break;
    case HOW_JSON:
        m = statuspage_render(s->model, name);
        *body = json_dumps(m, JSON_COMPACT);
        if (!*body) abort();
        *len = strlen(*body);
        break;
    }
    json_decref(m);
    return *body ? 0 : -1;
}

/* The event at PATH ("/incidents/7") among the model's lists, or NULL. */
static const json_t *model_event(struct snapshot *s, const char *lang, const char *path)
{
    const json_t *model = model_in(s, lang);
    for (size_t i = 0; i < sizeof event_lists / sizeof event_lists[0]; i++) {
        size_t k;
        json_t *ev;
        json_array_foreach(json_object_get(model, event_lists[i]), k, ev)
        {
            const char *p = json_string_value(json_object_get(ev, "path"));
            if (p && strcmp(p, path + 1) == 0) return ev;
        }
    }
    return NULL;
}

/* Whether service ID is one of the model's (visible) services. */
static bool model_service(const struct snapshot *s, int64_t id)
{
    size_t i;
    json_t *svc;
    json_array_foreach(json_object_get(s->model, "services"), i, svc)
    {
        if (json_integer_value(json_object_get(svc, "id")) == id) return true;
    }
    return false;
}

/* Export: every entry, every history page and every event of them. */
static int render_export(struct snapshot *s, struct db *db, struct err *e)
{
    char *body;
    size_t len;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        if (render_fixed(s, snapshot_default_lang(s), fixed[i].how, NULL, 0, &body, &len, e) != 0)
            return -1;
        snap_add(s, fixed[i].path, fixed[i].ctype, body, len);
    }
    for (int i = 0; statuspage_endpoints[i]; i++) {
        char path[96];
        snprintf(path, sizeof path, "/api/v2/%s", statuspage_endpoints[i]);
        if (render_fixed(s, "en", HOW_JSON, statuspage_endpoints[i], 0, &body, &len, e) != 0)
            return -1;
        snap_add(s, path, CT_JSON, body, len);
    }
    int pages =
        (int)json_integer_value(json_object_get(json_object_get(s->model, "history"), "pages"));
    for (int n = 1; n <= pages; n++) {
        char path[48];
        if (render_history(s, snapshot_default_lang(s), db, n, &body, &len, e) != 0) return -1;
        snprintf(path, sizeof path, "/history?page=%d", n);
        snap_add(s, path, CT_HTML, body, len);
    }
    for (size_t i = 0; i < sizeof event_lists / sizeof event_lists[0]; i++)
        if (add_event_pages(s, json_object_get(s->model, event_lists[i]), e) != 0) return -1;
    for (int n = 1; n <= pages; n++) {
        json_t *h = NULL;
        if (view_history(db, s->model, n, &h, e) != 0) return -1;
        int r = add_event_pages(s, json_object_get(h, "events"), e);
        json_decref(h);
        if (r != 0) return -1;
    }
    return 0;
}

int snap_render_all(struct snapshot *s, struct db *db, struct err *e)
{
    if (s->r.export) return render_export(s, db, e);
    /* Served: only the home page, which a spike asks for, and the brand stylesheet, whose
     * content-hashed name the pages link; the rest on first request. */
    size_t len;
    char *body = brand_css(s->model, &len);
    snprintf(s->brand_name, sizeof s->brand_name, "brand.%016" PRIx64 ".css",
             fnv1a(FNV_OFFSET, body, len));
    snap_add(s, "/brand.css", "text/css; charset=utf-8", body, len);
    if (render_fixed(s, snapshot_default_lang(s), HOW_HOME, NULL, 0, &body, &len, e) != 0)
        return -1;
    snap_add(s, "/", CT_HTML, body, len);
    return 0;
}

/* Parses a positive decimal id or page number of at most 9 digits; 0 when it is not one. */
static int64_t parse_num(const char *p)
{
    size_t n = strspn(p, "0123456789");
    if (n == 0 || n > 9 || p[n] || p[0] == '0') return 0;
    return strtoll(p, NULL, 10);
}

int snap_render_path(struct snapshot *s, struct db *db, const char *path, char **body, size_t *len,
                     const char **ctype, struct err *e)
{
    const char *lang = snapshot_default_lang(s);
    if (path[0] == '@') { /* "@de/…": in another language than the default */
        char tag[8];
        size_t n = strcspn(path + 1, "/");
        snprintf(tag, sizeof tag, "%.*s", (int)(n < sizeof tag ? n : 0), path + 1);
        const char *rest = path + 1 + n;
        if (!(lang = snapshot_offered(s, tag)) || lang == snapshot_default_lang(s) ||
            !(strcmp(rest, "/") == 0 || strcmp(rest, "/feed") == 0 ||
              strcmp(rest, "/feed.atom") == 0 || strncmp(rest, "/history?", 9) == 0 ||
              strncmp(rest, "/incidents/", 11) == 0 || strncmp(rest, "/maintenance/", 13) == 0))
            return err_set(e, ERR_NOT_FOUND, "there is no page at %s", path);
        path = rest;
    }
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(path, fixed[i].path) == 0) {
            *ctype = fixed[i].ctype;
            return render_fixed(s, lang, fixed[i].how, NULL, 0, body, len, e);
        }
    int64_t n;
    if (strncmp(path, "/calendar.ics?service=", 22) == 0) {
        /* one variant per visible service at most: an unknown or hidden one is no entry */
        if ((n = parse_num(path + 22)) <= 0 || !model_service(s, n))
            return err_set(e, ERR_NOT_FOUND,
                           "there is no service with id %s on this page (the page's whole "
                           "calendar: /calendar.ics; its services: /api/v2/components.json)",
                           path + 22);
        *ctype = CT_ICAL;
        return render_fixed(s, lang, HOW_ICAL, NULL, n, body, len, e);
    }
    if (strncmp(path, "/api/v2/", 8) == 0) {
        for (int i = 0; statuspage_endpoints[i]; i++)
            if (strcmp(path + 8, statuspage_endpoints[i]) == 0) {
                *ctype = CT_JSON;
                return render_fixed(s, lang, HOW_JSON, statuspage_endpoints[i], 0, body, len, e);
            }
        return err_set(e, ERR_NOT_FOUND, "no such endpoint: %s (see /api/v2/summary.json)", path);
    }
    *ctype = CT_HTML;
    const json_t *known = model_event(s, lang, path);
    if (known) return render_event(s, lang, known, body, len, e);
    if (strncmp(path, "/history?page=", 14) == 0 && (n = parse_num(path + 14)) > 0)
        return render_history(s, lang, db, (int)n, body, len, e);
    const char *kind = NULL;
    if (strncmp(path, "/incidents/", 11) == 0 && (n = parse_num(path + 11)) > 0)
        kind = "incident";
    else if (strncmp(path, "/maintenance/", 13) == 0 && (n = parse_num(path + 13)) > 0)
        kind = "maintenance";
    if (!kind) return err_set(e, ERR_NOT_FOUND, "there is no page at %s", path);
    json_t *ev = NULL;
    if (view_event(db, s->model, kind, n, &ev, e) != 0) return -1;
    if (lang_differs(s, lang))
        view_lang_apply(ev, lang, lang != snapshot_default_lang(s), s->r.tmpls);
    int rc = render_event(s, lang, ev, body, len, e);
    json_decref(ev);
    return rc;
}
