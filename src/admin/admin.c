/*
 * admin — what every console screen shares: sessions and CSRF at the door,
 * rendering in the layout, form mapping and errors next to fields. See admin.h.
 *
 * The template set is created by admin_register() before the workers start and
 * compiles each template on first use (tmpl_set is thread-safe); it lives as
 * long as the process.
 */
#include "admin/admin.h"
#include "app/pages.h"
#include "core/asset.h"
#include "core/host.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/tz.h"
#include "domain/status.h"
#include "render/tmpl_set.h"
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tmpl_set *templates;

static void templates_free(void)
{
    tmpl_set_free(templates);
    templates = NULL;
}

/* Renders templates/admin/NAME with MODEL into a new string, or NULL with E. */
static char *render(const char *name, json_t *model, struct err *e)
{
    char path[128];
    snprintf(path, sizeof path, "admin/%s", name);
    const struct tmpl *t = tmpl_set_get(templates, path, e);
    if (!t) return NULL;
    struct tmpl_loader ld = tmpl_set_loader(templates);
    return tmpl_render(t, model, &ld, TMPL_HTML, e);
}

/* Sends HTML, or a 500 when rendering failed. */
static void send_html(struct req *r, int status, char *html, const struct err *e)
{
    if (!html) {
        log_error("%s: console template: %s", r->id, e->msg);
        reply_fail(r, ERR_INTERNAL, "the page could not be rendered");
        return;
    }
    reply_header(r, "Cache-Control", "no-store");
    reply_bytes_gzip(r, status, "text/html; charset=utf-8", html, strlen(html));
    free(html);
}

/* The layouts' "asset" model: the content-hashed URLs of the static files they link. */
static json_t *asset_links(void)
{
    static const struct {
        const char *key, *file;
    } links[] = {{"admin_css", "admin.css"}, {"admin_js", "admin.js"}, {"favicon", "favicon.svg"}};
    json_t *o = json_object();
    char url[256];
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        const char *p = asset_path(links[i].file); /* NULL only if static/ lost the file */
        snprintf(url, sizeof url, p ? "/%s" : "/static/%s", p ? p : links[i].file);
        json_object_set_new(o, links[i].key, json_string(url));
    }
    return o;
}

/* Renders screen NAME, then the layout LAYOUT around it, with MODEL (stolen). */
static void render_page(struct req *r, int status, const char *layout, const char *name,
                        json_t *model)
{
    struct err e = {0};
    char *html = NULL, *content = render(name, model, &e);
    if (content) {
        json_object_set_new(model, "content", json_string(content));
        json_object_set_new(model, "asset", asset_links());
        free(content);
        html = render(layout, model, &e);
    }
    json_decref(model);
    send_html(r, status, html, &e);
}

static const struct {
    const char *code, *text;
} notices[] = {
    {"created", "Created."},
    {"saved", "Saved."},
    {"deleted", "Deleted."},
    {"reactivated", "Reactivated: a test message is posted; updates resume once it is answered."},
    {"status", "Status updated."},
    {"posted", "Update posted."},
    {"published", "Published: the incident is on the status page now."},
    {"postmortem", "Postmortem saved: it is on the incident's public page."},
    {"postmortem_sent", "Postmortem saved and sent to e-mail subscribers and chat integrations."},
    {"revoked", "Token revoked."},
    {"password", "Password changed. Your other sessions were signed out."},
    {"switched", "Switched page."},
    {"removed", "Member removed."},
    {"role", "Role changed."},
    {"withdrawn", "Invitation withdrawn."},
    {"invited", "Invitation e-mailed. The link in it is valid for 7 days."},
    {"expired", "Your session has expired. Please sign in again."},
    {"signedout", "You have been signed out."},
    {"connected", "Twitter account connected."},
    {"access", "Saved: the page's visibility applies from the next request."},
    {"read_key", "New read key made: links with the old one stop working."},
};

static const char *notice_text(const char *code)
{
    for (size_t i = 0; code && i < sizeof notices / sizeof notices[0]; i++)
        if (strcmp(code, notices[i].code) == 0) return notices[i].text;
    return NULL;
}

void admin_page_zone(struct admin *a, char zone[TZ_NAME_MAX])
{
    struct err e = {0};
    json_t *page = NULL;
    const char *z = NULL;
    if (app_page_get(&a->c, &page, &e) == 0)
        z = json_string_value(json_object_get(page, "time_zone"));
    snprintf(zone, TZ_NAME_MAX, "%s", z && tz_known(z) ? z : "UTC");
    json_decref(page);
}

void admin_render(struct admin *a, int status, const char *name, const char *title, const char *nav,
                  json_t *model)
{
    struct err e = {0};
    json_t *pages = NULL, *page = NULL;
    enum role role = a->s.role;
    json_object_set_new(model, "title", json_string(title));
    json_object_set_new(model, "csrf", json_string(a->s.csrf));
    json_object_set_new(model, "user",
                        json_pack("{s:s,s:s,s:s}", "email", a->s.email, "name", a->s.name, "role",
                                  role_name(role)));
    json_object_set_new(model, "can",
                        json_pack("{s:b,s:b,s:b,s:b}", "content", role_allows(role, PERM_CONTENT),
                                  "subscribers", role_allows(role, PERM_SUBSCRIBERS), "settings",
                                  role_allows(role, PERM_SETTINGS), "team",
                                  role_allows(role, PERM_TEAM)));
    if (nav) json_object_set_new(model, "nav", json_pack("{s:b}", nav, 1));
    if (app_session_pages(a->c.db, &a->s, &pages, &e) == 0) {
        json_t *list = json_object_get(pages, "pages");
        json_object_set(model, "pages", list);
        json_object_set_new(model, "many_pages", json_boolean(json_array_size(list) > 1));
        json_decref(pages);
    }
    if (app_page_get(&a->c, &page, &e) == 0) json_object_set_new(model, "page", page);
    const char *notice = notice_text(req_query(a->r, "notice"));
    if (notice && !json_object_get(model, "error"))
        json_object_set_new(model, "notice", json_string(notice));
    render_page(a->r, status, "layout.html", name, model);
}

void admin_render_public(struct req *r, int status, const char *name, const char *title,
                         json_t *model)
{
    char token[96];
    admin_pre_token(r, token);
    json_object_set_new(model, "title", json_string(title));
    json_object_set_new(model, "csrf", json_string(token));
    const char *notice = notice_text(req_query(r, "notice"));
    if (notice && !json_object_get(model, "error"))
        json_object_set_new(model, "notice", json_string(notice));
    render_page(r, status, "layout_public.html", name, model);
}

void admin_redirect(struct req *r, const char *fmt, ...)
{
    char loc[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(loc, sizeof loc, fmt, ap);
    va_end(ap);
    reply_redirect(r, 303, loc);
}

void admin_error(struct admin *a, const struct err *e)
{
    int status = err_http_status(e->code);
    json_t *m = json_pack("{s:s,s:i}", "message", e->msg, "status", status);
    admin_render(a, status, "error.html", status == 403 ? "Not allowed" : "Something went wrong",
                 NULL, m);
}

void admin_done(struct admin *a, int rc, const struct err *e, const char *location,
                const char *notice)
{
    if (rc != 0)
        admin_error(a, e);
    else
        admin_redirect(a->r, "%s%snotice=%s", location, strchr(location, '?') ? "&" : "?", notice);
}

void admin_show(struct req *r, enum perm p, admin_show_fn show)
{
    struct admin a;
    if (admin_begin(r, &a, p) != 0) return;
    show(&a, 200, json_object());
    admin_end(&a);
}

void admin_post_id(struct req *r, enum perm p,
                   int (*call)(struct app_ctx *c, int64_t id, struct err *e), const char *location,
                   const char *notice)
{
    struct admin a;
    struct err e = {0};
    if (admin_begin(r, &a, p) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (id) admin_done(&a, call(&a.c, id, &e), &e, location, notice);
    admin_end(&a);
}

void admin_post_create(struct req *r, enum perm p, const struct field *fields,
                       int (*create)(struct app_ctx *c, json_t *in, json_t **out, struct err *e),
                       admin_show_fn show, const char *location)
{
    struct admin a;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (admin_begin(r, &a, p) != 0) return;
    if (admin_map(a.form, fields, &in, &e) != 0 || create(&a.c, in, &out, &e) != 0) {
        json_t *m = json_object();
        show(&a, admin_form_errors(m, a.form, fields, &e), m);
    } else {
        admin_redirect(r, "%s?notice=created", location);
    }
    json_decref(in);
    json_decref(out);
    admin_end(&a);
}

int64_t admin_id(struct admin *a, int i)
{
    int64_t id = req_param_id(a->r, i);
    if (!id) {
        struct err e = {0};
        err_set(&e, ERR_NOT_FOUND, "there is nothing with that id on this page");
        admin_error(a, &e);
    }
    return id;
}

/* --- CSRF --------------------------------------------------------------- */

static void pre_mac(struct req *r, const char *ts, char hex[65])
{
    struct app_thread *t = r->tctx;
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES], mac[crypto_auth_hmacsha256_BYTES];
    static const char ctx[] = "pharos console pre-session csrf";
    crypto_generichash(key, sizeof key, (const unsigned char *)ctx, sizeof ctx - 1, t->app->key,
                       SECRET_KEY_BYTES);
    crypto_auth_hmacsha256(mac, (const unsigned char *)ts, strlen(ts), key);
    sodium_bin2hex(hex, 65, mac, sizeof mac);
    sodium_memzero(key, sizeof key);
}

void admin_pre_token(struct req *r, char out[96])
{
    char ts[24], hex[65];
    snprintf(ts, sizeof ts, "%lld", (long long)time_now());
    pre_mac(r, ts, hex);
    snprintf(out, 96, "%s.%s", ts, hex);
}

bool admin_pre_token_ok(struct req *r, const char *token)
{
    char ts[24], hex[65];
    const char *dot = token ? strchr(token, '.') : NULL;
    if (!dot || dot == token || (size_t)(dot - token) >= sizeof ts) return false;
    memcpy(ts, token, (size_t)(dot - token));
    ts[dot - token] = '\0';
    char *end;
    long long issued = strtoll(ts, &end, 10);
    int64_t now = time_now();
    if (*end || issued > now + 60 || now - issued > PRE_TOKEN_TTL_S) return false;
    pre_mac(r, ts, hex);
    return secret_equal(hex, dot + 1);
}

bool admin_cross_origin(struct req *r)
{
    const char *origin = req_header(r, "Origin");
    if (!origin) return false;
    const char *h = strstr(origin, "://");
    bool same = false;
    if (h) {
        char authority[1024], host[HOST_MAX];
        h += 3;
        snprintf(authority, sizeof authority, "%.*s", (int)strcspn(h, "/"), h);
        host_from_header(authority, host, sizeof host); /* as r->host was made */
        same = strcmp(host, r->host) == 0;
    }
    if (!same) reply_fail(r, ERR_FORBIDDEN, "cross-site form posts are refused");
    return !same;
}

void admin_set_session_cookie(struct req *r, const char *value)
{
    reply_cookie(r, ADMIN_COOKIE, value ? value : "", value ? -1 : 0);
}

/* --- the door ----------------------------------------------------------- */

int admin_begin(struct req *r, struct admin *a, enum perm p)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    char cookie[128];
    memset(a, 0, sizeof *a);
    a->r = r;
    if (r->method == M_POST && admin_cross_origin(r)) return -1;
    if (app_session_load(t->app, t->db, req_cookie(r, ADMIN_COOKIE, cookie, sizeof cookie), &a->s,
                         &e) != 0) {
        if (e.code != ERR_UNAUTHORIZED)
            reply_error(r, &e);
        else if (r->method == M_POST)
            reply_fail(r, ERR_FORBIDDEN, "%s", e.msg);
        else
            admin_redirect(r, "/admin/login%s", strstr(e.msg, "expired") ? "?notice=expired" : "");
        return -1;
    }
    app_session_ctx(t->app, t->db, &a->s, &a->c);
    if (r->method == M_POST) {
        if (req_form(r, &a->form, &e) != 0) {
            admin_error(a, &e);
            return -1;
        }
        const char *tok = form_str(a->form, "csrf_token");
        if (!tok || !secret_equal(tok, a->s.csrf)) {
            err_set(&e, ERR_FORBIDDEN,
                    "this form has expired or did not come from this console (its csrf_token is "
                    "missing or wrong); nothing was changed. Go back, reload and try again.");
            admin_error(a, &e);
            admin_end(a);
            return -1;
        }
    }
    if (app_require(&a->c, p, &e) != 0) {
        err_set(&e, ERR_FORBIDDEN, "your role (%s) does not allow this", role_name(a->s.role));
        admin_error(a, &e);
        admin_end(a);
        return -1;
    }
    return 0;
}

void admin_end(struct admin *a)
{
    json_decref(a->form);
    a->form = NULL;
}

/* --- forms -------------------------------------------------------------- */

static int parse_int(const char *s, int64_t *out)
{
    char *end;
    if (!*s) return -1;
    long long v = strtoll(s, &end, 10);
    if (*end) return -1;
    *out = v;
    return 0;
}

/* A datetime-local value (YYYY-MM-DDTHH:MM[:SS]), the wall time of ZONE, as RFC 3339 UTC;
 * anything else as it is (the use case then says what is wrong with it). */
static json_t *time_value(const char *s, const char *zone)
{
    char buf[40];
    int y, mo, d, h, mi, sec = 0, used = 0;
    size_t n = strlen(s);
    int64_t t;
    bool parsed =
        n == 16   ? sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &used) == 5
        : n == 19 ? sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) == 6
                  : false;
    if (parsed && (size_t)used == n && tz_from_local(zone, y, mo, d, h, mi, sec, &t) == 0)
        return json_string(time_format(t, buf, sizeof buf));
    return json_string(s);
}

static int map_ids(json_t *v, const char *name, json_t *out, struct err *e)
{
    json_t *arr = json_array(), *one = NULL;
    size_t i;
    json_t *item;
    if (json_is_string(v)) v = one = json_pack("[O]", v);
    json_array_foreach(v, i, item)
    {
        int64_t id;
        if (parse_int(json_string_value(item), &id) != 0 || id <= 0) {
            json_decref(arr);
            json_decref(one);
            return err_set(e, ERR_INVALID, "%s must list ids", name);
        }
        json_array_append_new(arr, json_integer(id));
    }
    json_decref(one);
    json_object_set_new(out, name, arr);
    return 0;
}

int admin_map(json_t *form, const struct field *fields, json_t **out, struct err *e)
{
    return admin_map_in(form, fields, "UTC", out, e);
}

int admin_map_in(json_t *form, const struct field *fields, const char *zone, json_t **out,
                 struct err *e)
{
    json_t *o = json_object();
    for (const struct field *f = fields; f->name; f++) {
        json_t *v = json_object_get(form, f->name);
        const char *s = json_string_value(json_is_array(v) ? json_array_get(v, 0) : v);
        int64_t n;
        if (f->type == F_BOOL) {
            json_object_set_new(o, f->name, json_boolean(s && strcmp(s, "0") != 0));
            continue;
        }
        if (f->type == F_IDS) {
            json_t *none = v ? NULL : json_array();
            int rc = map_ids(v ? v : none, f->name, o, e);
            json_decref(none);
            if (rc != 0) goto fail;
            continue;
        }
        if (!s) continue;
        switch (f->type) {
        case F_TEXT:
            json_object_set_new(o, f->name, json_string(s));
            break;
        case F_OPT:
            if (*s) json_object_set_new(o, f->name, json_string(s));
            break;
        case F_INT:
            if (!*s) break;
            if (parse_int(s, &n) != 0) {
                err_set(e, ERR_INVALID, "%s must be a whole number", f->name);
                goto fail;
            }
            json_object_set_new(o, f->name, json_integer(n));
            break;
        case F_ID_NULL:
            if (!*s) {
                json_object_set_new(o, f->name, json_null());
            } else if (parse_int(s, &n) != 0 || n <= 0) {
                err_set(e, ERR_INVALID, "%s must be chosen from the list", f->name);
                goto fail;
            } else {
                json_object_set_new(o, f->name, json_integer(n));
            }
            break;
        case F_TIME:
            if (*s) json_object_set_new(o, f->name, time_value(s, zone));
            break;
        default:
            break;
        }
    }
    *out = o;
    return 0;
fail:
    json_decref(o);
    return -1;
}

/* True when MSG names FIELD as a word. */
static bool names_field(const char *msg, const char *field)
{
    size_t n = strlen(field);
    for (const char *p = strstr(msg, field); p; p = strstr(p + 1, field)) {
        bool before = p == msg || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z'));
        bool after = !(p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z'));
        if (before && after) return true;
    }
    return false;
}

int admin_form_errors(json_t *model, json_t *form, const struct field *fields, const struct err *e)
{
    const char *field = NULL;
    for (const struct field *f = fields; f && f->name && !field; f++)
        if (names_field(e->msg, f->name)) field = f->name;
    if (form) json_object_set(model, "form", form);
    if (field)
        json_object_set_new(model, "errors", json_pack("{s:s}", field, e->msg));
    else
        json_object_set_new(model, "error", json_string(e->msg));
    return err_http_status(e->code);
}

json_t *admin_options(const char *const *values, const char *const *labels, const char *current)
{
    json_t *a = json_array();
    for (size_t i = 0; values[i]; i++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", values[i], "label", labels[i],
                                           "selected", current && strcmp(current, values[i]) == 0));
    return a;
}

json_t *admin_status_options(const char *current, const char *blank)
{
    static const enum svc_status order[] = {SVC_OPERATIONAL, SVC_DEGRADED, SVC_PARTIAL, SVC_MAJOR,
                                            SVC_UNDER_MAINTENANCE};
    json_t *a = json_array();
    if (blank)
        json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", "", "label", blank, "selected",
                                           !current || !*current));
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *v = status_name(order[i]);
        json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", v, "label",
                                           status_label(order[i]), "selected",
                                           current && strcmp(current, v) == 0));
    }
    return a;
}

void admin_register(void)
{
    if (!templates) {
        templates = tmpl_set_new_embedded("templates/");
        atexit(templates_free);
    }
    router_add(admin_auth_routes);
    router_add(admin_oidc_routes);
    router_add(admin_dashboard_routes);
    router_add(admin_service_routes);
    router_add(admin_incident_routes);
    router_add(admin_maintenance_routes);
    router_add(admin_template_routes);
    router_add(admin_subscriber_routes);
    router_add(admin_team_routes);
    router_add(admin_token_routes);
    router_add(admin_monitor_routes);
    router_add(admin_settings_routes);
    router_add(admin_access_routes);
    router_add(admin_integration_routes);
    router_add(admin_delivery_routes);
}
