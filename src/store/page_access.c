/*
 * store/page_access — the access columns of pages (0022_page_visibility.sql).
 */
#include "store/page_access.h"
#include "core/timeutil.h"

json_t *store_page_access_get(struct db *db, int64_t page_id, struct err *e)
{
    json_t *row = db_query_one(db, e,
                               "SELECT visibility, access_password, ip_allow, read_key FROM pages "
                               "WHERE id = ?",
                               "i", page_id);
    if (!row) return e->code ? NULL : (err_set(e, ERR_NOT_FOUND, "no such page"), NULL);
    json_t *blocks = json_loads(json_string_value(json_object_get(row, "ip_allow")), 0, NULL);
    json_object_set_new(row, "ip_allow", json_is_array(blocks) ? blocks : json_array());
    if (blocks && !json_is_array(blocks)) json_decref(blocks);
    return row;
}

int store_page_access_set(struct db *db, int64_t page_id, const char *visibility,
                          const char *password_hash, const char *ip_allow, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE pages SET visibility = ?, access_password = ?, ip_allow = ?, "
                   "updated_at = ? WHERE id = ?",
                   "sssii", visibility, password_hash, ip_allow, time_now(), page_id);
}

int store_page_read_key_set(struct db *db, int64_t page_id, const char *key, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE pages SET read_key = ?, updated_at = ? WHERE id = ?", "sii",
                   key, time_now(), page_id);
}
