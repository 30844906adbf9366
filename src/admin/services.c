/*
 * admin/services — the "Services" screen: services and groups (SPEC §8):
 * create, edit, reorder (move up / down within the group), hide, delete with
 * confirmation. Every write calls the same app/services.h and app/groups.h use
 * cases as the REST API.
 *
 * Reordering renumbers the neighbours' positions (10, 20, …) with the two
 * swapped, through app_service_update / app_group_update, one call per item
 * whose position changes.
 */
#include "app/services.h"
#include "admin/crud.h"
#include "admin/views.h"
#include "app/groups.h"
#include <string.h>

static const struct field service_fields[] = {
    {"name", F_TEXT},   {"description", F_TEXT},        {"group_id", F_ID_NULL},
    {"hidden", F_BOOL}, {"show_response_time", F_BOOL}, {NULL, 0}};
static const struct field group_fields[] = {
    {"name", F_TEXT}, {"description", F_TEXT}, {"hidden", F_BOOL}, {NULL, 0}};

static int list_model(struct admin *a, json_t *m, struct err *e)
{
    if (views_services(&a->c, m, e) != 0) return -1;
    json_object_set_new(m, "group_options", views_group_options(json_object_get(m, "groups"), 0));
    return 0;
}

static int service_form(struct admin *a, json_t *m, json_t *item, struct err *e)
{
    if (!item) return 0;
    struct paging pg = {.limit = 500};
    json_t *go = NULL;
    if (app_groups_list(&a->c, &pg, &go, e) != 0) return -1;
    json_object_set_new(m, "group_options",
                        views_group_options(json_object_get(go, "groups"),
                                            json_integer_value(json_object_get(item, "group_id"))));
    json_decref(go);
    return 0;
}

static int service_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e)
{
    return app_service_get(c, id, out, e);
}

static const struct crud services = {
    .path = "/admin/services",
    .title = "Services",
    .nav = "services",
    .list_tmpl = "services.html",
    .edit_tmpl = "service_edit.html",
    .edit_title = "Edit service",
    .fields = service_fields,
    .read_perm = PERM_READ,
    .write_perm = PERM_CONTENT,
    .get = service_get,
    .create = app_service_create,
    .update = app_service_update,
    .del = app_service_delete,
    .list_model = list_model,
    .form_model = service_form,
};

static const struct crud groups = {
    .path = "/admin/services",
    .title = "Services",
    .nav = "services",
    .list_tmpl = "services.html",
    .edit_tmpl = "group_edit.html",
    .edit_title = "Edit group",
    .fields = group_fields,
    .read_perm = PERM_READ,
    .write_perm = PERM_CONTENT,
    .get = app_group_get,
    .create = app_group_create,
    .update = app_group_update,
    .del = app_group_delete,
    .list_model = list_model,
};

/*
 * Moves item ID of LIST one place up (DIR -1) or down (+1) among the items
 * SAME() says are its siblings, renumbering them through UPDATE.
 */
static int move(struct app_ctx *c, json_t *list, int64_t id, int dir,
                bool (*same)(json_t *a, json_t *b),
                int (*update)(struct app_ctx *, int64_t, json_t *, json_t **, struct err *),
                struct err *e)
{
    json_t *sib[500], *me = NULL, *it;
    size_t n = 0, i, at = 0;
    json_array_foreach(list, i, it) if (json_integer_value(json_object_get(it, "id")) == id) me =
        it;
    if (!me) return err_set(e, ERR_NOT_FOUND, "no item with id %lld on this page", (long long)id);
    json_array_foreach(list, i, it) if (n < 500 && same(me, it))
    {
        if (it == me) at = n;
        sib[n++] = it;
    }
    size_t other = dir < 0 ? at - 1 : at + 1;
    if ((dir < 0 && at == 0) || other >= n) return 0;
    sib[at] = sib[other];
    sib[other] = me;
    for (i = 0; i < n; i++) {
        json_int_t pos = (json_int_t)(i + 1) * 10;
        if (json_integer_value(json_object_get(sib[i], "position")) == pos) continue;
        json_t *in = json_pack("{s:I}", "position", pos), *out = NULL;
        int rc = update(c, json_integer_value(json_object_get(sib[i], "id")), in, &out, e);
        json_decref(in);
        json_decref(out);
        if (rc != 0) return -1;
    }
    return 0;
}

static bool same_group(json_t *a, json_t *b)
{
    return json_integer_value(json_object_get(a, "group_id")) ==
           json_integer_value(json_object_get(b, "group_id"));
}

static bool any(json_t *a, json_t *b)
{
    (void)a;
    (void)b;
    return true;
}

/* POST …/{id}/move with direction=up|down; the route's arg names the list to reorder. */
static void move_post(struct req *r)
{
    const char *key = r->route_arg;
    struct admin a;
    struct err e = {0};
    if (admin_begin(r, &a, PERM_CONTENT) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (id) {
        json_t *m = json_object();
        const char *d = form_str(a.form, "direction");
        int dir = d && strcmp(d, "up") == 0 ? -1 : 1;
        bool svc = strcmp(key, "services") == 0;
        int rc = views_services(&a.c, m, &e);
        if (rc == 0)
            rc = move(&a.c, json_object_get(m, key), id, dir, svc ? same_group : any,
                      svc ? app_service_update : app_group_update, &e);
        json_decref(m);
        admin_done(&a, rc, &e, "/admin/services", "saved");
    }
    admin_end(&a);
}

const struct route admin_service_routes[] = {
    {M_GET, "/admin/services", crud_list, &services},
    {M_POST, "/admin/services", crud_create, &services},
    {M_GET, "/admin/services/{id}", crud_edit, &services},
    {M_POST, "/admin/services/{id}", crud_update, &services},
    {M_POST, "/admin/services/{id}/delete", crud_delete, &services},
    {M_POST, "/admin/services/{id}/move", move_post, "services"},
    {M_POST, "/admin/groups", crud_create, &groups},
    {M_GET, "/admin/groups/{id}", crud_edit, &groups},
    {M_POST, "/admin/groups/{id}", crud_update, &groups},
    {M_POST, "/admin/groups/{id}/delete", crud_delete, &groups},
    {M_POST, "/admin/groups/{id}/move", move_post, "groups"},
    {0, NULL, NULL},
};
