/*
 * app/templates — template use cases. See templates.h.
 * Templates are private to the console, so writes are not public changes.
 */
#include "app/templates.h"
#include "core/text.h"
#include "core/utf8.h"
#include "store/templates.h"

static const char *const kinds[] = {"incident", "maintenance", NULL};

static int not_found(int64_t id, struct err *e)
{
    return err_set(e, ERR_NOT_FOUND, "no template with id %lld on this page", (long long)id);
}

int app_templates_list(struct app_ctx *c, const char *kind, const struct paging *pg, json_t **out,
                       struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0 || in_filter("kind", kind, kinds, &kind, e) != 0)
        return -1;
    json_t *rows = store_templates_list(c->db, c->page_id, kind, pg->cursor, pg->limit + 1, e);
    if (!rows) return -1;
    *out = out_list("templates", rows, pg, true);
    return 0;
}

int app_template_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0) return -1;
    json_t *t = store_template_get(c->db, c->page_id, id, e);
    if (!t) return e->code ? -1 : not_found(id, e);
    *out = t;
    return 0;
}

/* Reads the fields of IN over F (which holds the current or default values). */
static int read_fields(json_t *in, bool create, struct template_fields *f, struct err *e)
{
    static const char *const keys[] = {"kind", "name", "title", "message", NULL};
    if (in_only(in, keys, e) != 0 ||
        in_enum(in, "kind", kinds, create || in_has(in, "kind"), &f->kind, e) != 0 ||
        in_text(in, "name", LIMIT_NAME, create || in_has(in, "name"), false, &f->name, e) != 0 ||
        in_text(in, "title", LIMIT_TITLE, create || in_has(in, "title"), false, &f->title, e) !=
            0 ||
        in_text(in, "message", LIMIT_MESSAGE, false, true, &f->message, e) != 0)
        return -1;
    return 0;
}

int app_template_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e)
{
    struct template_fields f = {.message = ""};
    if (app_require(c, PERM_CONTENT, e) != 0 || read_fields(in, true, &f, e) != 0 ||
        db_begin(c->db, e) != 0)
        return -1;
    int64_t id = store_template_insert(c->db, c->page_id, &f, e);
    if (id < 0 || app_audit(c, "template.create", id, f.name, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    if (app_commit(c, false, e) != 0) return -1;
    return app_template_get(c, id, out, e);
}

int app_template_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e)
{
    json_t *cur = NULL;
    int rc = -1;
    if (app_require(c, PERM_CONTENT, e) != 0 || app_template_get(c, id, &cur, e) != 0) return -1;
    struct template_fields f = {
        .kind = json_string_value(json_object_get(cur, "kind")),
        .name = json_string_value(json_object_get(cur, "name")),
        .title = json_string_value(json_object_get(cur, "title")),
        .message = json_string_value(json_object_get(cur, "message")),
    };
    if (read_fields(in, false, &f, e) != 0 || db_begin(c->db, e) != 0) goto out;
    if (store_template_update(c->db, c->page_id, id, &f, e) != 0 ||
        app_audit(c, "template.update", id, NULL, e) != 0) {
        db_rollback(c->db);
        goto out;
    }
    if (app_commit(c, false, e) != 0) goto out;
    rc = app_template_get(c, id, out, e);
out:
    json_decref(cur);
    return rc;
}

int app_template_delete(struct app_ctx *c, int64_t id, struct err *e)
{
    return app_delete_one(c, PERM_CONTENT, store_template_delete, "template", "template.delete", id,
                          false, e);
}
