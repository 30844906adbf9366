/*
 * admin/settings — the Settings screen (SPEC §8): the page's title, hosts,
 * public URL (base_url), logo URL, brand colour, time zone for messages, footer
 * links and how long before a maintenance starts its reminder goes out (reminder_min),
 * through app_page_update. Hosts are entered one per line; footer
 * links one per line as "Label | https://url", the page's own CSS and its footer note in
 * Markdown (SPEC §16). Needs PERM_SETTINGS. Hosts and
 * base_url are the operator's (app_page_hosts_editable): for anyone else the
 * fields are read-only, and app_page_update refuses a change with 403. The
 * screen says which URL the page's links use now ("public_url": the page's
 * "url"). A form without the hosts or base_url field keeps them. The screen's second part,
 * who can see the page, is shown here (admin_access_model) and posted to admin/access.c. The page's
 * default language is a select, the languages it offers one checkbox each (the default is always
 * offered: the screen adds it).
 */
#include "admin/admin.h"
#include "app/pages.h"
#include "core/buf.h"
#include "render/i18n.h"
#include <string.h>

static const struct field fields[] = {{"title", F_TEXT},
                                      {"logo_url", F_TEXT},
                                      {"brand_color", F_TEXT},
                                      {"time_zone", F_TEXT},
                                      {"hosts", F_TEXT},
                                      {"base_url", F_TEXT},
                                      {"footer_links", F_TEXT},
                                      {"reminder_min", F_INT},
                                      {"custom_css", F_TEXT},
                                      {"footer_markdown", F_TEXT},
                                      {"default_language", F_TEXT},
                                      {NULL, 0}};

/* The languages as the screen's options: tag, name (in itself), whether the page's
 * default and whether offered. */
static json_t *language_options(const json_t *page)
{
    const char *def = json_string_value(json_object_get(page, "default_language"));
    json_t *opts = json_array();
    for (int i = 0; i18n_langs[i]; i++) {
        bool offered = false;
        size_t k;
        json_t *l;
        json_array_foreach(json_object_get(page, "languages"), k, l) offered =
            offered || strcmp(json_string_value(l), i18n_langs[i]) == 0;
        json_array_append_new(opts, json_pack("{s:s,s:s,s:b,s:b}", "tag", i18n_langs[i], "name",
                                              i18n_get(i18n_langs[i], "lang_name"), "is_default",
                                              def && strcmp(def, i18n_langs[i]) == 0, "offered",
                                              offered));
    }
    return opts;
}

/* The form's checked "languages" (one string or several) with its default_language. */
static json_t *form_languages(const json_t *form)
{
    const json_t *v = json_object_get(form, "languages");
    const char *def = json_string_value(json_object_get(form, "default_language"));
    json_t *set = json_array();
    if (json_is_string(v)) json_array_append(set, (json_t *)v);
    if (json_is_array(v)) json_array_extend(set, (json_t *)v);
    bool has = false;
    size_t i;
    json_t *l;
    json_array_foreach(set, i, l) has = has || (def && strcmp(json_string_value(l), def) == 0);
    if (!has && def) json_array_append_new(set, json_string(def));
    return set;
}

/* Splits S into trimmed non-empty lines, each passed to ADD. */
static void each_line(const char *s, json_t *arr,
                      void (*add)(json_t *arr, const char *line, size_t n))
{
    while (s && *s) {
        size_t n = strcspn(s, "\r\n");
        const char *p = s, *end = s + n;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end > p) add(arr, p, (size_t)(end - p));
        s += n;
        s += strspn(s, "\r\n");
    }
}

static void add_host(json_t *arr, const char *line, size_t n)
{
    json_array_append_new(arr, json_stringn(line, n));
}

static void add_link(json_t *arr, const char *line, size_t n)
{
    const char *bar = memchr(line, '|', n);
    size_t ln = bar ? (size_t)(bar - line) : n;
    while (ln && line[ln - 1] == ' ')
        ln--;
    const char *url = bar ? bar + 1 : "";
    size_t un = bar ? n - (size_t)(bar + 1 - line) : 0;
    while (un && *url == ' ')
        url++, un--;
    json_array_append_new(arr, json_pack("{s:s%,s:s%}", "label", line, ln, "url", url, un));
}

/* The page as form values: hosts and footer links as text. */
static json_t *page_form(json_t *page)
{
    json_t *f = json_deep_copy(page), *v;
    size_t i;
    struct buf b;
    buf_init(&b, 1 << 16);
    json_array_foreach(json_object_get(page, "hosts"), i, v)
        buf_printf(&b, "%s\n", json_string_value(v));
    json_object_set_new(f, "hosts", json_string(buf_cstr(&b)));
    buf_reset(&b);
    json_array_foreach(json_object_get(page, "footer_links"), i, v)
        buf_printf(&b, "%s | %s\n", json_string_value(json_object_get(v, "label")),
                   json_string_value(json_object_get(v, "url")));
    json_object_set_new(f, "footer_links", json_string(buf_cstr(&b)));
    buf_free(&b);
    json_object_set_new(f, "language_options", language_options(page));
    return f;
}

/* The access part of the Settings screen: the visibility CUR, the blocks as text
 * IP_ALLOW, and of PAGE whether it has a password and its read key. */
json_t *admin_access_model_of(const char *cur, const char *ip_allow, const json_t *page)
{
    static const struct {
        const char *value, *label;
    } modes[] = {{"public", "Public: anyone"},
                 {"password", "Password: anyone with the page's password"},
                 {"members", "Members: signed-in members of this page's team"},
                 {"sso", "Single sign-on: people of the allowed e-mail domains"},
                 {"ip", "Networks: visitors from the address blocks below"}};
    json_t *opts = json_array();
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", modes[i].value, "label",
                                              modes[i].label, "selected",
                                              cur && !strcmp(cur, modes[i].value)));
    return json_pack("{s:o,s:s,s:O?,s:O?}", "visibility_options", opts, "ip_allow", ip_allow,
                     "has_password", json_object_get(page, "has_password"), "read_key",
                     json_object_get(page, "read_key"));
}

json_t *admin_access_model(const json_t *page)
{
    struct buf b;
    buf_init(&b, 1 << 14);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(page, "ip_allow"), i, v)
        buf_printf(&b, "%s\n", json_string_value(v));
    json_t *m = admin_access_model_of(json_string_value(json_object_get(page, "visibility")),
                                      buf_cstr(&b), page);
    buf_free(&b);
    return m;
}

void admin_settings_show(struct admin *a, int status, json_t *extra)
{
    struct err e = {0};
    json_t *page = NULL;
    bool editable = false;
    if (app_page_hosts_editable(&a->c, &editable, &e) != 0 || app_page_get(&a->c, &page, &e) != 0) {
        admin_error(a, &e);
    } else {
        json_t *m = json_pack("{s:o,s:b,s:O,s:o}", "form", page_form(page), "hosts_locked",
                              !editable, "public_url", json_object_get(page, "url"), "access",
                              admin_access_model(page));
        if (extra) json_object_update(m, extra);
        admin_render(a, status, "settings.html", "Settings", "settings", m);
        json_decref(page);
    }
    json_decref(extra);
}

static void show(struct req *r)
{
    struct admin a;
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) return;
    admin_settings_show(&a, 200, NULL);
    admin_end(&a);
}

static void save(struct req *r)
{
    struct admin a;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) return;
    int rc = admin_map(a.form, fields, &in, &e);
    if (rc == 0) {
        json_t *links = json_array();
        if (form_str(a.form, "hosts")) { /* a form without the field keeps the hosts */
            json_t *hosts = json_array();
            each_line(form_str(a.form, "hosts"), hosts, add_host);
            json_object_set_new(in, "hosts", hosts);
        }
        each_line(form_str(a.form, "footer_links"), links, add_link);
        json_object_set_new(in, "footer_links", links);
        if (form_str(a.form, "default_language")) /* a form without it keeps the languages */
            json_object_set_new(in, "languages", form_languages(a.form));
        rc = app_page_update(&a.c, in, &out, &e);
    }
    if (rc != 0) {
        bool editable = false;
        struct err ignored = {0};
        json_t *page = NULL;
        app_page_hosts_editable(&a.c, &editable, &ignored);
        json_t *m = json_pack("{s:b}", "hosts_locked", !editable);
        if (app_page_get(&a.c, &page, &ignored) == 0) {
            json_object_set(m, "public_url", json_object_get(page, "url"));
            json_object_set_new(m, "access", admin_access_model(page));
        }
        int status = admin_form_errors(m, a.form, fields, &e);
        if (page) /* the options as the page has them: the form's were not saved */
            json_object_set_new(a.form, "language_options", language_options(page));
        json_decref(page);
        admin_render(&a, status, "settings.html", "Settings", "settings", m);
    } else {
        admin_redirect(r, "/admin/settings?notice=saved");
    }
    json_decref(in);
    json_decref(out);
    admin_end(&a);
}

const struct route admin_settings_routes[] = {
    {M_GET, "/admin/settings", show},
    {M_POST, "/admin/settings", save},
    {0, NULL, NULL},
};
