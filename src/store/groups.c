/*
 * store/groups — SQL for groups. See groups.h.
 */
#include "store/groups.h"

#define GROUP_COLUMNS                                                                            \
    "SELECT id, name, description, position, hidden, created_at, updated_at FROM groups "

json_t *store_group_get(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    return db_query_one(db, e, GROUP_COLUMNS "WHERE page_id = ? AND id = ?", "ii", page_id, id);
}
