/*
 * admin/templates — the Templates screen (SPEC §8): incident and maintenance
 * templates (name, title, message) to start events from. Create, edit, delete
 * through app/templates.h, with the shared crud handlers.
 */
#include "app/templates.h"
#include "admin/crud.h"
#include <string.h>

static const struct field fields[] = {
    {"kind", F_TEXT}, {"name", F_TEXT}, {"title", F_TEXT}, {"message", F_TEXT}, {NULL, 0}};

static json_t *kind_options(const char *current)
{
    static const char *const v[] = {"incident", "maintenance", NULL};
    static const char *const l[] = {"Incident", "Maintenance", NULL};
    return admin_options(v, l, current ? current : "incident");
}

static int list_model(struct admin *a, json_t *m, struct err *e)
{
    struct paging pg = {.limit = 500};
    json_t *out = NULL;
    if (app_templates_list(&a->c, NULL, &pg, &out, e) != 0) return -1;
    json_t *t;
    size_t i;
    json_array_foreach(json_object_get(out, "templates"), i, t)
    {
        const char *kind = json_string_value(json_object_get(t, "kind"));
        json_object_set_new(t, "new_path",
                            json_string(kind && strcmp(kind, "maintenance") == 0
                                            ? "/admin/maintenance/new"
                                            : "/admin/incidents/new"));
    }
    json_object_set(m, "templates", json_object_get(out, "templates"));
    json_decref(out);
    return 0;
}

static int form_model(struct admin *a, json_t *m, json_t *item, struct err *e)
{
    (void)a;
    (void)e;
    json_t *src = item ? item : json_object_get(m, "form");
    json_object_set_new(m, "kind_options",
                        kind_options(json_string_value(json_object_get(src, "kind"))));
    return 0;
}

static const struct crud templates = {
    .path = "/admin/templates",
    .title = "Templates",
    .nav = "templates",
    .list_tmpl = "templates.html",
    .edit_tmpl = "template_edit.html",
    .edit_title = "Edit template",
    .fields = fields,
    .read_perm = PERM_READ,
    .write_perm = PERM_CONTENT,
    .get = app_template_get,
    .create = app_template_create,
    .update = app_template_update,
    .del = app_template_delete,
    .list_model = list_model,
    .form_model = form_model,
};

const struct route admin_template_routes[] = {
    {M_GET, "/admin/templates", crud_list, &templates},
    {M_POST, "/admin/templates", crud_create, &templates},
    {M_GET, "/admin/templates/{id}", crud_edit, &templates},
    {M_POST, "/admin/templates/{id}", crud_update, &templates},
    {M_POST, "/admin/templates/{id}/delete", crud_delete, &templates},
    {0, NULL, NULL},
};
