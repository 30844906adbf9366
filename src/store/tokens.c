/*
 * store/tokens — SQL for api_tokens. See tokens.h.
 */
#include "store/tokens.h"
#include "core/timeutil.h"

int64_t store_token_insert(struct db *db, int64_t page_id, const char *name, const char *prefix,
                           const char *hash, int64_t created_by, struct err *e)
{
    return db_insert(db, e,
                     "INSERT INTO api_tokens (page_id, name, prefix, token_hash, created_by, "
                     "created_at) VALUES (?,?,?,?,?,?)",
                     "isssIi", page_id, name, prefix, hash, created_by, time_now());
}

int store_token_find(struct db *db, const char *hash, int64_t *id, int64_t *page_id,
                     int64_t *last_used, struct err *e)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, page_id, COALESCE(last_used_at, 0) FROM api_tokens "
                                   "WHERE token_hash = ? AND revoked_at IS NULL");
    if (!st || db_bind(st, "s", hash) != 0)
        return db_fail(db, e, "look up a token");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *page_id = sqlite3_column_int64(st, 1);
        *last_used = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : db_fail(db, e, "look up a token");
}

int store_token_touch(struct db *db, int64_t id, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", "ii", now,
                   id);
}

json_t *store_tokens_list(struct db *db, int64_t page_id, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM "
                        "api_tokens WHERE page_id = ? ORDER BY id DESC",
                        "i", page_id);
}

int store_token_revoke(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed,
                "UPDATE api_tokens SET revoked_at = ? WHERE page_id = ? AND id = ? AND "
                "revoked_at IS NULL",
                "iii", time_now(), page_id, id) != 0)
        return -1;
    return changed ? 1 : 0;
}
