/*
 * app/pages — page use cases. See pages.h.
 *
 * Hosts (SPEC §4) decide which page a request gets, so they are the
 * installation operator's to assign: the CLI, or a user who is an owner of the
 * default page; anyone else (an API token, an admin or owner of another page)
 * gets 403 when a change would alter them. They are stored in normal form
 * (core/host.h), a host belongs to one page (409 naming the page that holds
 * it), and the host of server.base_url belongs to the default page: it is
 * refused for any other page, and app_page_resolve() gives the default page for
 * it even if an older database lists it elsewhere.
 *
 * A page's base_url (SPEC §6) decides where every link made for the page points
 * (e-mails included), so it is the operator's in the same way: anyone else
 * gets 403 when a change would alter it; sending it back in any spelling of
 * the same normal form (domain/page_url.h) is no change. app_page_get adds
 * "url", the public URL in use (store_page_url).
 */
#include "app/pages.h"
#include "app/input.h"
#include "app/page_access.h"
#include "core/host.h"
#include "core/netaddr.h"
#include "core/text.h"
#include "core/tz.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "domain/page_url.h"
#include "domain/reminder.h"
#include "render/i18n.h"
#include "store/page_access.h"
#include "store/pages.h"
#include "store/team.h"
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum { HOSTS_MAX = 100 }; /* per page */

static int check_slug(const char *slug, struct err *e)
{
    size_t n = strlen(slug);
    if (n == 0 || n > 50)
        return err_set(e, ERR_INVALID, "slug must be 1 to 50 characters: a-z, 0-9 and -");
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)slug[i]) || isdigit((unsigned char)slug[i]) || slug[i] == '-'))
            return err_set(e, ERR_INVALID, "slug may hold only a-z, 0-9 and - (got \"%.60s\")",
                           slug);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Normalises HOSTS (array of strings, core/host.h) into a new array, without repeats and
 * sorted as the store lists them; NULL with E filled. */
static json_t *normalise_hosts(json_t *hosts, struct err *e)
{
    if (!json_is_array(hosts)) {
        err_set(e, ERR_INVALID, "hosts must be an array of host names");
        return NULL;
    }
    if (json_array_size(hosts) > HOSTS_MAX) {
        err_set(e, ERR_INVALID, "hosts: a page has at most %d hosts", HOSTS_MAX);
        return NULL;
    }
    size_t n = json_array_size(hosts), k = 0;
    char(*names)[HOST_MAX] = n ? xcalloc(n, HOST_MAX) : NULL;
    json_t *out = NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *h = json_array_get(hosts, i);
        if (!json_is_string(h)) {
            err_set(e, ERR_INVALID, "hosts must be an array of host names");
            goto out;
        }
        if (host_normalize(json_string_value(h), names[k], HOST_MAX, e) != 0) goto out;
        k++;
    }
    if (k > 1) qsort(names, k, HOST_MAX, cmp_names);
    out = json_array();
    for (size_t i = 0; i < k; i++)
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
            json_array_append_new(out, json_string(names[i]));
out:
    free(names);
    return out;
}

/* True when the JSON arrays of strings A and B (both sorted) are equal. */
static bool same_hosts(const json_t *a, const json_t *b)
{
    if (json_array_size(a) != json_array_size(b)) return false;
    for (size_t i = 0; i < json_array_size(a); i++)
        if (strcmp(json_string_value(json_array_get(a, i)),
                   json_string_value(json_array_get(b, i))) != 0)
            return false;
    return true;
}

/* 1 when C's actor may assign hosts (the CLI, the system, a user who owns the default
 * page), 0 when not, -1 on error. */
static int hosts_operator(struct app_ctx *c, struct err *e)
{
    if (c->actor.kind == ACTOR_CLI || c->actor.kind == ACTOR_SYSTEM) return 1;
    if (c->actor.kind != ACTOR_USER) return 0;
    int64_t def = store_page_default(c->db, e);
    if (def <= 0) return (int)def;
    char role[16];
    int member = store_membership_role(c->db, c->actor.id, def, role, sizeof role, e);
    if (member < 0) return -1;
    return member && strcmp(role, "owner") == 0;
}

static int hosts_forbidden(struct err *e)
{
    return err_set(e, ERR_FORBIDDEN,
                   "only the operator assigns hosts: an owner of the default page (console "
                   "Settings) or the command line (pharos page add --host)");
}

static int base_url_forbidden(struct err *e)
{
    return err_set(e, ERR_FORBIDDEN,
                   "only the operator sets base_url: an owner of the default page (console "
                   "Settings); it decides where the links in e-mails, feeds and JSON point");
}

/* The host of server.base_url serves the default page only: refuses it in HOSTS of
 * PAGE_ID unless that is the default page. Inside the transaction. */
static int check_base_host(struct app_ctx *c, int64_t page_id, const json_t *hosts, struct err *e)
{
    const char *base = c->app->cfg ? c->app->cfg->base_host : "";
    size_t i;
    json_t *h;
    json_array_foreach(hosts, i, h)
    {
        if (!*base || strcmp(json_string_value(h), base) != 0) continue;
        int64_t def = store_page_default(c->db, e);
        if (def < 0) return -1;
        if (def != page_id)
            return err_set(e, ERR_CONFLICT,
                           "host %s is the host of server.base_url: it always serves the "
                           "default page",
                           base);
    }
    return 0;
}

int app_page_create(struct app_ctx *c, const char *slug, const char *title, json_t *hosts,
                    int64_t *id, struct err *e)
{
    int rc = -1;
    json_t *norm = NULL;
    if (app_require(c, PERM_OWNERS, e) != 0 || check_slug(slug, e) != 0 ||
        text_check("title", title, LIMIT_TITLE, true, false, e) != 0)
        return -1;
    json_t *none = json_array();
    norm = normalise_hosts(hosts ? hosts : none, e);
    json_decref(none);
    if (!norm) return -1;
    if (db_begin(c->db, e) != 0) goto out;
    int64_t pid = store_page_insert(c->db, slug, title, e);
    if (pid < 0 || check_base_host(c, pid, norm, e) != 0 ||
        store_page_hosts_set(c->db, pid, norm, e) != 0) {
        db_rollback(c->db);
        goto out;
    }
    c->page_id = pid;
    if (app_audit(c, "page.create", pid, slug, e) != 0) {
        db_rollback(c->db);
        goto out;
    }
    if (app_commit(c, true, e) != 0) goto out;
    *id = pid;
    rc = 0;
out:
    json_decref(norm);
    return rc;
}

int app_page_ensure_default(struct app_ctx *c, struct err *e)
{
    int64_t id;
    int found = store_page_id_by_slug(c->db, "default", &id, e);
    if (found != 0) return found < 0 ? -1 : 0;
    json_t *pages = store_pages_list(c->db, e);
    if (!pages) return -1;
    size_t n = json_array_size(pages);
    json_decref(pages);
    if (n > 0) return 0;
    return app_page_create(c, "default", "Status", NULL, &id, e);
}

const char *app_page_host(const struct app *app, const char *host)
{
    const char *base = app && app->cfg ? app->cfg->base_host : "";
    if (host && *base && strcmp(host, base) == 0)
        return NULL; /* the default page's, whatever page_hosts says */
    return host;
}

int app_page_resolve(const struct app *app, struct db *db, const char *host, int64_t *page_id,
                     struct err *e)
{
    int64_t id = store_page_resolve(db, app_page_host(app, host), e);
    if (id < 0) return -1;
    if (id == 0) return err_set(e, ERR_NOT_FOUND, "no status page exists yet");
    *page_id = id;
    return 0;
}

int app_page_get(struct app_ctx *c, json_t **out, struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0) return -1;
    json_t *p = store_page_get(c->db, c->page_id, e);
    if (!p) return e->code ? -1 : err_set(e, ERR_NOT_FOUND, "no such page");
    assert(c->app && c->app->cfg);
    char *url = store_page_url(c->db, p, c->app->cfg->base_url, e);
    if (!url) {
        json_decref(p);
        return -1;
    }
    json_object_set_new(p, "url", json_string(url));
    free(url);
    if (app_page_access_describe(c, p, e) != 0) {
        json_decref(p);
        return -1;
    }
    *out = p;
    return 0;
}

/* An empty string, or an absolute http(s) URL with a host (not "http://", no spaces). */
static int check_url(const char *key, const char *s, struct err *e)
{
    char host[256];
    return *s ? netaddr_url_host(key, s, host, sizeof host, NULL, e) : 0;
}

static int check_color(const char *s, struct err *e)
{
    if (strlen(s) != 7 || s[0] != '#') goto bad;
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)s[i])) goto bad;
    return 0;
bad:
    return err_set(e, ERR_INVALID, "brand_color must be a colour like #1f6feb");
}

static int check_time_zone(const char *tz, struct err *e)
{
    /* a zone of the system's tz database (core/tz.h): a typo is a 400, not UTC in disguise */
    if (!tz_known(tz)) {
        char quoted[80];
        return err_set(e, ERR_INVALID,
                       "time_zone \"%s\" is not a time zone of the tz database; use a name "
                       "such as Europe/Paris, America/New_York or UTC",
                       utf8_clip(tz, quoted, sizeof quoted));
    }
    return 0;
}

/* IN's optional "reminder_min" into *OUT (untouched when absent). */
static int read_reminder_min(json_t *in, int64_t *out, struct err *e)
{
    if (in_int(in, "reminder_min", 0, REMINDER_MIN_MAX, out, e) == 0) return 0;
    return err_set(e, ERR_INVALID,
                   "reminder_min must be a whole number of minutes from 0 (no maintenance "
                   "reminders) to %d (a week)",
                   REMINDER_MIN_MAX);
}

/* IN's optional "custom_css" (at most PAGE_CSS_MAX bytes of UTF-8 text) and
 * "footer_markdown" (LIMIT_FOOTER characters) into F. */
static int read_branding(json_t *in, struct page_fields *f, struct err *e)
{
    if (in_text(in, "custom_css", PAGE_CSS_MAX, false, true, &f->custom_css, e) != 0 ||
        in_text(in, "footer_markdown", LIMIT_FOOTER, false, true, &f->footer_markdown, e) != 0)
        return -1;
    size_t n = f->custom_css ? strlen(f->custom_css) : 0;
    if (n > PAGE_CSS_MAX)
        return err_set(e, ERR_INVALID, "custom_css is %zu bytes long; at most %d (64 KiB)", n,
                       PAGE_CSS_MAX);
    return 0;
}

/*
 * IN's optional "default_language" and "languages" (SPEC §16) into F, over the page's
 * CUR: tags of render/i18n.h (any case, stored as spelt there), the offered set without
 * repeats, the default among them (a new default alone joins the set). *TEXT: the set as
 * JSON text, malloc'd.
 */
static int read_languages(json_t *in, const json_t *cur, struct page_fields *f, char **text,
                          struct err *e)
{
    const json_t *dl = json_object_get(in, "default_language");
    const json_t *ls = json_object_get(in, "languages");
    f->default_language = json_string_value(json_object_get(cur, "default_language"));
    if (dl && !json_is_null(dl)) {
        f->default_language = i18n_canon(json_string_value(dl));
        if (!f->default_language)
            return err_set(e, ERR_INVALID,
                           "default_language must be one of en, de, fr, es, pt-BR, ja");
    }
    if (!f->default_language) f->default_language = "en";
    json_t *set = json_array();
    if (ls && !json_is_null(ls)) {
        if (!json_is_array(ls) || json_array_size(ls) == 0 || json_array_size(ls) > I18N_COUNT) {
            json_decref(set);
            return err_set(e, ERR_INVALID,
                           "languages must be a non-empty array of language tags (en, de, fr, "
                           "es, pt-BR, ja)");
        }
        size_t i;
        json_t *l;
        json_array_foreach(ls, i, l)
        {
            const char *tag = i18n_canon(json_string_value(l));
            if (!tag) {
                json_decref(set);
                return err_set(e, ERR_INVALID,
                               "languages[%zu] is not one of en, de, fr, es, pt-BR, ja", i);
            }
            size_t k;
            json_t *seen;
            json_array_foreach(set, k, seen)
            {
                if (strcmp(json_string_value(seen), tag) == 0) {
                    json_decref(set);
                    return err_set(e, ERR_INVALID, "languages lists %s twice", tag);
                }
            }
            json_array_append_new(set, json_string(tag));
        }
    } else {
        json_array_extend(set, json_object_get(cur, "languages"));
    }
    bool has = false;
    size_t i;
    json_t *l;
    json_array_foreach(set, i, l) has =
        has || strcmp(json_string_value(l), f->default_language) == 0;
    if (!has) {
        if (ls && !json_is_null(ls)) {
            json_decref(set);
            return err_set(e, ERR_INVALID, "languages must include the default_language (%s)",
                           f->default_language);
        }
        json_array_append_new(set, json_string(f->default_language));
    }
    *text = json_dumps(set, JSON_COMPACT);
    json_decref(set);
    f->languages = *text;
    return 0;
}

static int check_links(json_t *links, struct err *e)
{
    if (!json_is_array(links) || json_array_size(links) > 20)
        return err_set(e, ERR_INVALID,
                       "footer_links must be an array of at most 20 {\"label\",\"url\"} objects");
    size_t i;
    json_t *l;
    static const char *const keys[] = {"label", "url", NULL};
    json_array_foreach(links, i, l)
    {
        const char *label = NULL, *url = NULL;
        if (!json_is_object(l) || in_only(l, keys, e) != 0 ||
            in_text(l, "label", LIMIT_NAME, true, false, &label, e) != 0 ||
            in_text(l, "url", LIMIT_SHORT, true, false, &url, e) != 0 ||
            check_url("footer_links url", url, e) != 0)
            return e->code ? -1 : err_set(e, ERR_INVALID, "footer_links entries must be objects");
    }
    return 0;
}

/* The base_url of IN into OUT (PAGE_URL_MAX + 1 bytes) in normal form, when C's actor may
 * set it or it equals CUR (the page's); else -1 with E: 400 for a bad value from the
 * operator, 403 for any change (well-formed or not) from anyone else. */
static int base_url_change(struct app_ctx *c, json_t *in, const char *cur, char *out, struct err *e)
{
    int op = hosts_operator(c, e);
    if (op < 0) return -1;
    const char *given = cur; /* null keeps it, as for the other fields */
    struct err bad = {0};
    if (in_text(in, "base_url", PAGE_URL_MAX, false, false, &given, &bad) != 0 ||
        page_url_setting(given, out, PAGE_URL_MAX + 1, &bad) != 0) {
        if (!op) return base_url_forbidden(e);
        return err_set(e, bad.code, "%s", bad.msg);
    }
    if (!op && strcmp(out, cur) != 0) return base_url_forbidden(e);
    return 0;
}

int app_page_update(struct app_ctx *c, json_t *in, json_t **out, struct err *e)
{
    static const char *const keys[] = {
        "title",    "logo_url",   "brand_color",     "time_zone",        "footer_links",
        "hosts",    "base_url",   "reminder_min",    "visibility",       "password",
        "ip_allow", "custom_css", "footer_markdown", "default_language", "languages",
        NULL};
    int rc = -1;
    json_t *cur = NULL, *hosts = NULL, *access = NULL;
    struct page_access_change ac = {0};
    char *links_text = NULL, *langs_text = NULL, base_url[PAGE_URL_MAX + 1];
    if (app_require(c, PERM_SETTINGS, e) != 0 || in_only(in, keys, e) != 0) return -1;
    if (app_page_get(c, &cur, e) != 0) return -1;
    struct page_fields f = {
        .title = json_string_value(json_object_get(cur, "title")),
        .base_url = json_string_value(json_object_get(cur, "base_url")),
        .logo_url = json_string_value(json_object_get(cur, "logo_url")),
        .brand_color = json_string_value(json_object_get(cur, "brand_color")),
        .time_zone = json_string_value(json_object_get(cur, "time_zone")),
        .reminder_min = json_integer_value(json_object_get(cur, "reminder_min")),
        .custom_css = json_string_value(json_object_get(cur, "custom_css")),
        .footer_markdown = json_string_value(json_object_get(cur, "footer_markdown")),
    };
    json_t *links = json_object_get(in, "footer_links");
    if (in_text(in, "title", LIMIT_TITLE, in_has(in, "title"), false, &f.title, e) != 0 ||
        in_text(in, "logo_url", LIMIT_SHORT, false, false, &f.logo_url, e) != 0 ||
        check_url("logo_url", f.logo_url, e) != 0 ||
        in_text(in, "brand_color", 7, false, false, &f.brand_color, e) != 0 ||
        check_color(f.brand_color, e) != 0 ||
        in_text(in, "time_zone", 64, false, false, &f.time_zone, e) != 0 ||
        check_time_zone(f.time_zone, e) != 0 || read_reminder_min(in, &f.reminder_min, e) != 0 ||
        read_branding(in, &f, e) != 0 || (links && check_links(links, e) != 0) ||
        read_languages(in, cur, &f, &langs_text, e) != 0)
        goto out;
    bool reminders_moved =
        f.reminder_min != json_integer_value(json_object_get(cur, "reminder_min"));
    links_text = json_dumps(links ? links : json_object_get(cur, "footer_links"), JSON_COMPACT);
    f.footer_links = links_text;
    if (in_has(in, "hosts")) {
        /* The same hosts (in any spelling) are no change, which anyone may send back. */
        int op = hosts_operator(c, e);
        if (op < 0) goto out;
        hosts = normalise_hosts(json_object_get(in, "hosts"), e);
        if (!hosts && op) goto out;
        if (hosts && same_hosts(hosts, json_object_get(cur, "hosts"))) {
            json_decref(hosts);
            hosts = NULL;
        } else if (!op) {
            hosts_forbidden(e);
            goto out;
        }
    }
    if (in_has(in, "base_url") && base_url_change(c, in, f.base_url, base_url, e) != 0) goto out;
    if (in_has(in, "base_url")) f.base_url = base_url;
    if (!(access = store_page_access_get(c->db, c->page_id, e)) ||
        app_page_access_read(c, in, access, &ac, e) != 0)
        goto out;
    if (db_begin(c->db, e) != 0) goto out;
    if (store_page_update(c->db, c->page_id, &f, e) != 0 || app_page_access_write(c, &ac, e) != 0 ||
        (hosts && (check_base_host(c, c->page_id, hosts, e) != 0 ||
                   store_page_hosts_set(c->db, c->page_id, hosts, e) != 0)) ||
        app_audit(c, "page.update", c->page_id, NULL, e) != 0) {
        db_rollback(c->db);
        goto out;
    }
    if (app_commit(c, true, e) != 0) goto out;
    if (reminders_moved && c->app->on_work) c->app->on_work(c->app); /* the scheduler's times */
    rc = app_page_get(c, out, e);
out:
    app_page_access_change_free(&ac);
    free(links_text);
    free(langs_text);
    json_decref(access);
    json_decref(hosts);
    json_decref(cur);
    return rc;
}

int app_page_hosts_editable(struct app_ctx *c, bool *yes, struct err *e)
{
    int op = hosts_operator(c, e);
    if (op < 0) return -1;
    *yes = op == 1;
    return 0;
}

int app_pages_list(struct app_ctx *c, json_t **out, struct err *e)
{
    json_t *p = store_pages_list(c->db, e);
    if (!p) return -1;
    *out = p;
    return 0;
}
