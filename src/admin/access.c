/*
 * admin/access — the "Who can see this page" part of the Settings screen (SPEC §16):
 * the visibility (public, password, members, ip; sso once OpenID Connect is configured),
 * the page password (an empty field keeps the one set), the allowed address blocks (one
 * per line) and the read key for feeds and JSON, with a button that makes a new one.
 * Through app_page_update and app_page_read_key_rotate; needs PERM_SETTINGS.
 *
 * admin_access_model() makes what the screen shows of the page's access; the screen itself
 * is admin/settings.c's (admin_settings_show).
 */
#include "admin/admin.h"
#include "app/page_access.h"
#include "app/pages.h"
#include "core/buf.h"
#include <string.h>

static const struct field fields[] = {
    {"visibility", F_TEXT}, {"password", F_OPT}, {"ip_allow", F_TEXT}, {NULL, 0}};

/* The access part of the Settings screen: the visibility CUR, the blocks as text
 * IP_ALLOW, and of PAGE whether it has a password and its read key. */
static json_t *access_model(const char *cur, const char *ip_allow, const json_t *page)
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
    json_t *m =
        access_model(json_string_value(json_object_get(page, "visibility")), buf_cstr(&b), page);
    buf_free(&b);
    return m;
}

/* The lines of S as a JSON array of trimmed, non-empty strings. */
static json_t *lines(const char *s)
{
    json_t *arr = json_array();
    while (s && *s) {
        size_t n = strcspn(s, "\r\n,");
        const char *p = s, *end = s + n;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end > p) json_array_append_new(arr, json_stringn(p, (size_t)(end - p)));
        s += n;
        s += strspn(s, "\r\n,");
    }
    return arr;
}

static void save(struct req *r)
{
    struct admin a;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) return;
    int rc = admin_map(a.form, fields, &in, &e);
    if (rc == 0) {
        json_object_set_new(in, "ip_allow", lines(form_str(a.form, "ip_allow")));
        rc = app_page_update(&a.c, in, &out, &e);
    }
    if (rc != 0) { /* the screen again, with what was entered and what is wrong with it */
        json_t *page = NULL;
        struct err ignored = {0};
        app_page_get(&a.c, &page, &ignored);
        const char *vis = form_str(a.form, "visibility"), *ips = form_str(a.form, "ip_allow");
        json_t *m = access_model(vis ? vis : "", ips ? ips : "", page);
        json_object_set_new(m, "error", json_string(e.msg));
        admin_settings_show(&a, err_http_status(e.code), json_pack("{s:o}", "access", m));
        json_decref(page);
    } else {
        admin_redirect(r, "/admin/settings?notice=access#access");
    }
    json_decref(in);
    json_decref(out);
    admin_end(&a);
}

static void rotate(struct req *r)
{
    struct admin a;
    struct err e = {0};
    json_t *out = NULL;
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) return;
    if (app_page_read_key_rotate(&a.c, &out, &e) != 0)
        admin_error(&a, &e);
    else
        admin_redirect(r, "/admin/settings?notice=read_key#access");
    json_decref(out);
    admin_end(&a);
}

const struct route admin_access_routes[] = {
    {M_POST, "/admin/settings/access", save},
    {M_POST, "/admin/settings/read_key", rotate},
    {0, NULL, NULL},
};
