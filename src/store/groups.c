/*
 * store/groups — SQL for groups. See groups.h.
 */
#include "store/groups.h"
#include "core/timeutil.h"

#define GROUP_COLUMNS                                                                              \
    "SELECT id, name, description, position, hidden, created_at, updated_at FROM groups "

json_t *store_group_get(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    return db_query_one(db, e, GROUP_COLUMNS "WHERE page_id = ? AND id = ?", "ii", page_id, id);
}

json_t *store_groups_list(struct db *db, int64_t page_id, int64_t offset, int limit, struct err *e)
{
    return db_query_all(db, e,
                        GROUP_COLUMNS "WHERE page_id = ? ORDER BY position, id LIMIT ? OFFSET ?",
                        "iii", page_id, (int64_t)limit, offset);
}

int64_t store_group_insert(struct db *db, int64_t page_id, const struct group_fields *f,
                           struct err *e)
{
    int64_t now = time_now();
    return db_insert(db, e,
                     "INSERT INTO groups (page_id, name, description, position, hidden, "
                     "created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                     "issibii", page_id, f->name, f->description, f->position, (int)f->hidden, now,
                     now);
}

int store_group_update(struct db *db, int64_t page_id, int64_t id, const struct group_fields *f,
                       struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE groups SET name = ?, description = ?, position = ?, hidden = ?, "
                   "updated_at = ? WHERE page_id = ? AND id = ?",
                   "ssibiii", f->name, f->description, f->position, (int)f->hidden, time_now(),
                   page_id, id);
}

int store_group_delete(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed, "DELETE FROM groups WHERE page_id = ? AND id = ?", "ii", page_id,
                id) != 0)
        return -1;
    return changed ? 1 : 0;
}

int64_t store_group_next_position(struct db *db, int64_t page_id, struct err *e)
{
    int64_t pos = 0;
    int found = db_query_int(db, e, &pos,
                             "SELECT COALESCE(MAX(position) + 1, 0) FROM groups WHERE page_id = ?",
                             "i", page_id);
    return found < 0 ? -1 : pos;
}
