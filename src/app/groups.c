/*
 * app/groups — group use cases. See groups.h.
 * Groups change what the public page shows (its sections), so every write
 * commits with a public change.
 */
#include "app/groups.h"
#include "core/text.h"
#include "core/utf8.h"
#include "store/groups.h"

static int not_found(int64_t id, struct err *e)
{
    return err_set(e, ERR_NOT_FOUND, "no group with id %lld on this page", (long long)id);
}

int app_groups_list(struct app_ctx *c, const struct paging *pg, json_t **out, struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0) return -1;
    json_t *rows = store_groups_list(c->db, c->page_id, pg->cursor, pg->limit + 1, e);
    if (!rows) return -1;
    *out = out_list("groups", rows, pg, false);
    return 0;
}

int app_group_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0) return -1;
    json_t *g = store_group_get(c->db, c->page_id, id, e);
    if (!g) return e->code ? -1 : not_found(id, e);
    *out = g;
    return 0;
}

/* Reads the fields of IN over F (which holds the current or default values). */
static int read_fields(json_t *in, bool create, struct group_fields *f, struct err *e)
{
    static const char *const keys[] = {"name", "description", "position", "hidden", NULL};
    if (in_only(in, keys, e) != 0 ||
        in_text(in, "name", LIMIT_NAME, create || in_has(in, "name"), false, &f->name, e) != 0 ||
        in_text(in, "description", LIMIT_SHORT, false, true, &f->description, e) != 0 ||
        in_int(in, "position", 0, 1000000, &f->position, e) != 0 ||
        in_bool(in, "hidden", &f->hidden, e) != 0)
        return -1;
    return 0;
}

int app_group_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e)
{
    struct group_fields f = {.description = "", .position = -1};
    if (app_require(c, PERM_CONTENT, e) != 0 || read_fields(in, true, &f, e) != 0 ||
        db_begin(c->db, e) != 0)
        return -1;
    if (f.position < 0 && (f.position = store_group_next_position(c->db, c->page_id, e)) < 0)
        goto fail;
    int64_t id = store_group_insert(c->db, c->page_id, &f, e);
    if (id < 0 || app_audit(c, "group.create", id, f.name, e) != 0) goto fail;
    if (app_commit(c, true, e) != 0) return -1;
    return app_group_get(c, id, out, e);
fail:
    db_rollback(c->db);
    return -1;
}

int app_group_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e)
{
    json_t *cur = NULL;
    int rc = -1;
    if (app_require(c, PERM_CONTENT, e) != 0 || app_group_get(c, id, &cur, e) != 0) return -1;
    struct group_fields f = {
        .name = json_string_value(json_object_get(cur, "name")),
        .description = json_string_value(json_object_get(cur, "description")),
        .position = json_integer_value(json_object_get(cur, "position")),
        .hidden = json_is_true(json_object_get(cur, "hidden")),
    };
    if (read_fields(in, false, &f, e) != 0 || db_begin(c->db, e) != 0) goto out;
    if (store_group_update(c->db, c->page_id, id, &f, e) != 0 ||
        app_audit(c, "group.update", id, NULL, e) != 0) {
        db_rollback(c->db);
        goto out;
    }
    if (app_commit(c, true, e) != 0) goto out;
    rc = app_group_get(c, id, out, e);
out:
    json_decref(cur);
    return rc;
}

int app_group_delete(struct app_ctx *c, int64_t id, struct err *e)
{
    return app_delete_one(c, PERM_CONTENT, store_group_delete, "group", "group.delete", id, true,
                          e);
}
