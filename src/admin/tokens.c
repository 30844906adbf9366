/*
 * admin/tokens — the API tokens screen (SPEC §8, §9): create (the token is
 * shown once, on the page the creation answers with, never again), list with
 * prefix and last use, revoke with confirmation. Needs PERM_SETTINGS.
 */
#include "app/tokens.h"
#include "admin/admin.h"
#include <stdlib.h>

static const struct field fields[] = {{"name", F_TEXT}, {NULL, 0}};

/* Shows the list with M (stolen) and STATUS. */
static void show(struct admin *a, int status, json_t *m)
{
    struct err e = {0};
    json_t *out = NULL;
    if (app_tokens_list(&a->c, &out, &e) != 0) {
        json_decref(m);
        admin_error(a, &e);
        return;
    }
    json_object_set(m, "tokens", json_object_get(out, "tokens"));
    json_decref(out);
    admin_render(a, status, "tokens.html", "API tokens", "tokens", m);
}

static void list(struct req *r)
{
    admin_show(r, PERM_SETTINGS, show);
}

static void create(struct req *r)
{
    struct admin a;
    struct err e = {0};
    char *plain = NULL;
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) return;
    const char *name = form_str(a.form, "name");
    json_t *m = json_object();
    if (app_token_create(&a.c, name ? name : "", &plain, NULL, &e) != 0) {
        show(&a, admin_form_errors(m, a.form, fields, &e), m);
    } else {
        /* shown once: this response is the only place the token ever appears */
        json_object_set_new(m, "new_token", json_string(plain));
        json_object_set_new(m, "new_token_name", json_string(name));
        show(&a, 200, m);
    }
    free(plain);
    admin_end(&a);
}

static void revoke(struct req *r)
{
    admin_post_id(r, PERM_SETTINGS, app_token_revoke, "/admin/tokens", "revoked");
}

const struct route admin_token_routes[] = {
    {M_GET, "/admin/tokens", list},
    {M_POST, "/admin/tokens", create},
    {M_POST, "/admin/tokens/{id}/revoke", revoke},
    {0, NULL, NULL},
};
