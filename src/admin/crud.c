/*
 * admin/crud — shared create / edit / delete handlers. See crud.h.
 */
#include "admin/crud.h"
#include <stdio.h>

void crud_show(struct admin *a, const struct crud *k, int status, const char *tmpl,
               const char *title, json_t *m, json_t *item)
{
    struct err e = {0};
    bool list = tmpl == k->list_tmpl;
    if ((list && k->list_model && k->list_model(a, m, &e) != 0) ||
        (k->form_model && k->form_model(a, m, item, &e) != 0)) {
        json_decref(m);
        admin_error(a, &e);
        return;
    }
    if (item && !json_object_get(m, "form")) json_object_set(m, "form", item);
    if (item) json_object_set(m, "item", item);
    admin_render(a, status, tmpl, title, k->nav, m);
}

void crud_list(struct req *r)
{
    const struct crud *k = r->route_arg;
    struct admin a;
    if (admin_begin(r, &a, k->read_perm) != 0) return;
    crud_show(&a, k, 200, k->list_tmpl, k->title, json_object(), NULL);
    admin_end(&a);
}

void crud_create(struct req *r)
{
    const struct crud *k = r->route_arg;
    struct admin a;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (admin_begin(r, &a, k->write_perm) != 0) return;
    if (admin_map(a.form, k->fields, &in, &e) != 0 || k->create(&a.c, in, &out, &e) != 0) {
        json_t *m = json_object();
        int status = admin_form_errors(m, a.form, k->fields, &e);
        crud_show(&a, k, status, k->list_tmpl, k->title, m, NULL);
    } else {
        admin_redirect(r, "%s?notice=created", k->path);
    }
    json_decref(in);
    json_decref(out);
    admin_end(&a);
}

void crud_edit(struct req *r)
{
    const struct crud *k = r->route_arg;
    struct admin a;
    struct err e = {0};
    json_t *item = NULL;
    if (admin_begin(r, &a, k->read_perm) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (id && k->get(&a.c, id, &item, &e) != 0)
        admin_error(&a, &e);
    else if (id)
        crud_show(&a, k, 200, k->edit_tmpl, k->edit_title, json_object(), item);
    json_decref(item);
    admin_end(&a);
}

void crud_update(struct req *r)
{
    const struct crud *k = r->route_arg;
    struct admin a;
    struct err e = {0};
    json_t *in = NULL, *out = NULL, *item = NULL;
    if (admin_begin(r, &a, k->write_perm) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (!id) goto out;
    if (admin_map(a.form, k->fields, &in, &e) != 0 || k->update(&a.c, id, in, &out, &e) != 0) {
        struct err ge = {0};
        if (e.code == ERR_NOT_FOUND || k->get(&a.c, id, &item, &ge) != 0) {
            admin_error(&a, &e);
            goto out;
        }
        json_t *m = json_object();
        int status = admin_form_errors(m, a.form, k->fields, &e);
        json_object_set_new(json_object_get(m, "form"), "id", json_integer(id));
        crud_show(&a, k, status, k->edit_tmpl, k->edit_title, m, item);
    } else {
        admin_redirect(r, "%s?notice=saved", k->path);
    }
out:
    json_decref(in);
    json_decref(out);
    json_decref(item);
    admin_end(&a);
}

void crud_delete(struct req *r)
{
    const struct crud *k = r->route_arg;
    admin_post_id(r, k->write_perm, k->del, k->path, "deleted");
}
