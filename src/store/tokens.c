/*
 * store/tokens — SQL for api_tokens. See tokens.h.
 */
#include "store/tokens.h"
#include "core/timeutil.h"
#include "store/page_for_host.h"

int64_t store_token_insert(struct db *db, int64_t page_id, const char *name, const char *prefix,
                           const char *hash, int64_t created_by, struct err *e)
{
    return db_insert(db, e,
                     "INSERT INTO api_tokens (page_id, name, prefix, token_hash, created_by, "
                     "created_at) VALUES (?,?,?,?,?,?)",
                     "isssIi", page_id, name, prefix, hash, created_by, time_now());
}

int store_token_find(struct db *db, const char *hash, const char *host, struct token_found *out,
                     struct err *e)
{
    struct db_rows r;
    if (db_rows_open(&r, db, e, "look up a token",
                     "SELECT t.id, t.page_id, COALESCE(t.last_used_at, 0), " PAGE_FOR_HOST
                     " FROM api_tokens t WHERE t.token_hash = ? AND t.revoked_at IS NULL",
                     "ss", host && *host ? host : NULL, hash) != 0)
        return -1;
    int found = db_rows_next(&r, e);
    if (found == 1) {
        out->id = db_rows_int(&r, 0);
        out->page_id = db_rows_int(&r, 1);
        out->last_used = db_rows_int(&r, 2);
        out->host_page = db_rows_int(&r, 3);
    }
    db_rows_close(&r);
    return found;
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
