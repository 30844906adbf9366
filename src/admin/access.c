/*
 * admin/access — the "Who can see this page" part of the Settings screen (SPEC §16):
 * the visibility (public, password, members, ip; sso once OpenID Connect is configured),
 * the page password (an empty field keeps the one set), the allowed address blocks (one
 * per line) and the read key for feeds and JSON, with a button that makes a new one.
 * Through app_page_update and app_page_read_key_rotate; needs PERM_SETTINGS.
 *
 * The screen itself, the access part included, is admin/settings.c's (admin_settings_show,
 * admin_access_model).
 */
#include "admin/admin.h"
#include "app/page_access.h"
#include "app/pages.h"
#include <string.h>

static const struct field fields[] = {
    {"visibility", F_TEXT}, {"password", F_OPT}, {"ip_allow", F_TEXT}, {NULL, 0}};

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

static void access_save(struct req *r)
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
        json_t *m = admin_access_model_of(vis ? vis : "", ips ? ips : "", page);
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

static void read_key_rotate(struct req *r)
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
    {M_POST, "/admin/settings/access", access_save},
    {M_POST, "/admin/settings/read_key", read_key_rotate},
    {0, NULL, NULL},
};
