/*
 * store/services — SQL for services and service_status_log. See services.h.
 */
#include "store/services.h"
#include "core/timeutil.h"
#include "store/page_for_host.h"
#include "store/service_order.h"
#include <assert.h>
#include <string.h>

#define SERVICE_FIELDS                                                                             \
    "s.id, s.name, s.description, s.group_id, s.position, s.hidden, s.status, "                    \
    "s.show_response_time, s.created_at, s.updated_at"
#define SERVICE_COLUMNS "SELECT " SERVICE_FIELDS " FROM services s "

json_t *store_service_get(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    return db_query_one(db, e, SERVICE_COLUMNS "WHERE s.page_id = ? AND s.id = ?", "ii", page_id,
                        id);
}

json_t *store_service_lock(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    return db_query_one(db, e, SERVICE_COLUMNS "WHERE s.page_id = ? AND s.id = ? FOR UPDATE", "ii",
                        page_id, id);
}

json_t *store_service_lock_for_token(struct db *db, const char *hash, const char *host, int64_t id,
                                     struct err *e)
{
    assert(hash && *hash);
    /* FOR UPDATE OF s: the token's row is read, not locked (every update by one token
     * would wait for the one before) */
    return db_query_one(db, e,
                        "SELECT " SERVICE_FIELDS ", s.page_id AS page_id, t.id AS token_id, "
                        "COALESCE(t.last_used_at, 0) AS token_used FROM services s "
                        "JOIN api_tokens t ON t.page_id = s.page_id WHERE t.token_hash = ? "
                        "AND t.revoked_at IS NULL AND s.id = ? AND s.page_id = " PAGE_FOR_HOST
                        " FOR UPDATE OF s",
                        "sis", hash, id, host && *host ? host : NULL);
}

json_t *store_services_list(struct db *db, int64_t page_id, int64_t offset, int limit,
                            struct err *e)
{
    return db_query_all(db, e,
                        SERVICE_COLUMNS SERVICE_GROUP_JOIN
                        "WHERE s.page_id = ? ORDER BY " SERVICE_ORDER " LIMIT ? OFFSET ?",
                        "iii", page_id, (int64_t)limit, offset);
}

static int log_status(struct db *db, int64_t id, const char *status, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL,
                   "INSERT INTO service_status_log (service_id, status, started_at) VALUES (?,?,?)",
                   "isi", id, status, now);
}

int64_t store_service_insert(struct db *db, int64_t page_id, const struct service_fields *f,
                             struct err *e)
{
    int64_t now = time_now();
    int64_t id = db_insert(db, e,
                           "INSERT INTO services (page_id, group_id, name, description, position, "
                           "hidden, status, show_response_time, created_at, updated_at) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?)",
                           "iIssibsbii", page_id, f->group_id, f->name, f->description, f->position,
                           (int)f->hidden, f->status, (int)f->show_response_time, now, now);
    if (id < 0 || log_status(db, id, f->status, now, e) != 0) return -1;
    return id;
}

int store_service_update(struct db *db, int64_t page_id, int64_t id, const struct service_fields *f,
                         struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed,
                "UPDATE services SET group_id = ?, name = ?, description = ?, position = ?, "
                "hidden = ?, show_response_time = ?, updated_at = ? WHERE page_id = ? AND id = ?",
                "Issibbiii", f->group_id, f->name, f->description, f->position, (int)f->hidden,
                (int)f->show_response_time, time_now(), page_id, id) != 0)
        return -1;
    /* set_status knows no page: only a service of PAGE_ID may reach it */
    return changed ? store_service_set_status(db, id, f->status, time_now(), e) : 0;
}

int store_service_set_status(struct db *db, int64_t id, const char *status, int64_t now,
                             struct err *e)
{
    /* The log row first, on the same condition as the update after it, so neither needs
     * the other's answer: on PostgreSQL both go ahead in the pipeline (store/db_pg.h). */
    return db_exec(db, e, NULL,
                   "INSERT INTO service_status_log (service_id, status, started_at) "
                   "SELECT id, ?, ? FROM services WHERE id = ? AND status <> ?",
                   "siis", status, now, id, status) != 0 ||
                   db_exec(db, e, NULL,
                           "UPDATE services SET status = ?, updated_at = ? WHERE id = ? AND "
                           "status <> ?",
                           "siis", status, now, id, status) != 0
               ? -1
               : 0;
}

int store_service_delete(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed, "DELETE FROM services WHERE page_id = ? AND id = ?", "ii", page_id,
                id) != 0)
        return -1;
    return changed ? 1 : 0;
}

int64_t store_service_next_position(struct db *db, int64_t page_id, int64_t group_id, struct err *e)
{
    int64_t pos = 0;
    int found =
        db_query_int(db, e, &pos,
                     "SELECT COALESCE(MAX(position) + 1, 0) FROM services WHERE page_id = ? "
                     "AND ((? = 0 AND group_id IS NULL) OR group_id = ?)",
                     "iii", page_id, group_id, group_id);
    return found < 0 ? -1 : pos;
}
