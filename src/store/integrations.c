/*
 * store/integrations — SQL for integrations. See integrations.h.
 */
#include "store/integrations.h"
#include "core/timeutil.h"

json_t *store_integration_get(struct db *db, int64_t page_id, const char *kind, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT kind, enabled, config, secret, updated_at FROM integrations "
                        "WHERE page_id = ? AND kind = ?",
                        "is", page_id, kind);
}

int store_integration_put(struct db *db, int64_t page_id, const char *kind, bool enabled,
                          const char *config, const char *sealed, struct err *e)
{
    return db_exec(db, e, NULL,
                   "INSERT INTO integrations (page_id, kind, enabled, config, secret, updated_at) "
                   "VALUES (?,?,?,?,?,?) ON CONFLICT (page_id, kind) DO UPDATE SET "
                   "enabled = excluded.enabled, config = excluded.config, "
                   "secret = excluded.secret, updated_at = excluded.updated_at",
                   "isbssi", page_id, kind, (int)enabled, config, sealed, time_now());
}
