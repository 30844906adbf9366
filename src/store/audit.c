/*
 * store/audit — SQL of the audit log. See audit.h.
 */
#include "store/audit.h"

int store_audit_insert(struct db *db, int64_t page_id, const char *actor, const char *action,
                       int64_t object_id, const char *detail, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL,
                   "INSERT INTO audit_log (page_id, actor, action, object_id, detail, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   "IssIsi", page_id, actor, action, object_id, detail ? detail : "", now);
}
