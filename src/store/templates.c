/*
 * store/templates — SQL for templates. See templates.h.
 */
#include "store/templates.h"
#include "core/timeutil.h"

#define TEMPLATE_COLUMNS                                                                           \
    "SELECT id, kind, name, title, message, created_at, updated_at FROM templates "

json_t *store_template_get(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    return db_query_one(db, e, TEMPLATE_COLUMNS "WHERE page_id = ? AND id = ?", "ii", page_id, id);
}

json_t *store_templates_list(struct db *db, int64_t page_id, const char *kind, int64_t after,
                             int limit, struct err *e)
{
    return db_query_all(db, e,
                        TEMPLATE_COLUMNS "WHERE page_id = ? AND (? = '' OR kind = ?) AND id > ? "
                                         "ORDER BY id LIMIT ?",
                        "issii", page_id, kind ? kind : "", kind ? kind : "", after,
                        (int64_t)limit);
}

int64_t store_template_insert(struct db *db, int64_t page_id, const struct template_fields *f,
                              struct err *e)
{
    int64_t now = time_now();
    return db_insert(db, e,
                     "INSERT INTO templates (page_id, kind, name, title, message, created_at, "
                     "updated_at) VALUES (?,?,?,?,?,?,?)",
                     "issssii", page_id, f->kind, f->name, f->title, f->message, now, now);
}

int store_template_update(struct db *db, int64_t page_id, int64_t id,
                          const struct template_fields *f, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE templates SET kind = ?, name = ?, title = ?, message = ?, "
                   "updated_at = ? WHERE page_id = ? AND id = ?",
                   "ssssiii", f->kind, f->name, f->title, f->message, time_now(), page_id, id);
}

int store_template_delete(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed, "DELETE FROM templates WHERE page_id = ? AND id = ?", "ii",
                page_id, id) != 0)
        return -1;
    return changed ? 1 : 0;
}
