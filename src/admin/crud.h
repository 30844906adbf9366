/*
 * admin/crud — the create / edit / delete handlers that services, groups and
 * templates share. A screen describes its resource with a struct crud (the
 * app/ use cases, the form's fields, the templates) and its route handlers
 * call crud_*() with it, so "parse the form, call one use case, redirect or
 * re-show the form with the error next to the field" is written once.
 */
#ifndef PHAROS_ADMIN_CRUD_H
#define PHAROS_ADMIN_CRUD_H
#include "admin/admin.h"

struct crud {
    const char *path;        /* "/admin/services": the list; items at path/{id} */
    const char *title, *nav; /* the list screen's title and menu entry */
    const char *list_tmpl;   /* the list screen (also has the "create" form) */
    const char *edit_tmpl;   /* the edit screen of one item */
    const char *edit_title;
    const struct field *fields;
    enum perm read_perm, write_perm;
    int (*get)(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
    int (*create)(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
    int (*update)(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
    int (*del)(struct app_ctx *c, int64_t id, struct err *e);
    /* Adds what the list screen shows to M. */
    int (*list_model)(struct admin *a, json_t *m, struct err *e);
    /* Adds what the edit form needs (option lists) to M for ITEM (NULL on the list screen). */
    int (*form_model)(struct admin *a, json_t *m, json_t *item, struct err *e);
};

/* GET PATH: the list with its create form. */
void crud_list(struct req *r);
/* POST PATH: creates, then redirects to the list (or re-shows it with the error). */
void crud_create(struct req *r);
/* GET PATH/{id}: the edit form. */
void crud_edit(struct req *r);
/* POST PATH/{id}: updates, then redirects to the list (or re-shows the form). */
void crud_update(struct req *r);
/* POST PATH/{id}/delete. */
void crud_delete(struct req *r);

/* Shows screen TMPL: M (stolen) plus K's list or form model; on a failed model, the error. */
void crud_show(struct admin *a, const struct crud *k, int status, const char *tmpl,
               const char *title, json_t *m, json_t *item);

#endif
