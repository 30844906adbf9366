/*
 * store/alerts — SQL for alert_sources and alerts. See alerts.h.
 */
#include "store/alerts.h"

#define SOURCE_COLUMNS "SELECT id, kind, name, incident, created_at FROM alert_sources "

int64_t store_alert_source_insert(struct db *db, int64_t page_id, const char *kind,
                                  const char *name, const char *incident, const char *secret_hash,
                                  int64_t now, struct err *e)
{
    return db_insert(db, e,
                     "INSERT INTO alert_sources (page_id, kind, name, incident, secret_hash, "
                     "created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                     "issssii", page_id, kind, name, incident, secret_hash, now, now);
}

json_t *store_alert_source_get(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    return db_query_one(db, e, SOURCE_COLUMNS "WHERE page_id = ? AND id = ?", "ii", page_id, id);
}

json_t *store_alert_sources_list(struct db *db, int64_t page_id, int64_t offset, int limit,
                                 struct err *e)
{
    return db_query_all(db, e, SOURCE_COLUMNS "WHERE page_id = ? ORDER BY id LIMIT ? OFFSET ?",
                        "iii", page_id, (int64_t)limit, offset);
}

int store_alert_source_delete(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed, "DELETE FROM alert_sources WHERE page_id = ? AND id = ?", "ii",
                page_id, id) != 0)
        return -1;
    return changed > 0;
}

json_t *store_alert_source_by_secret(struct db *db, const char *secret_hash, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT id, page_id, kind, name, incident FROM alert_sources "
                        "WHERE secret_hash = ?",
                        "s", secret_hash);
}

json_t *store_alert_lock(struct db *db, int64_t source_id, const char *fingerprint, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT id, service_id, state, status, set_status, incident_id "
                        "FROM alerts WHERE source_id = ? AND fingerprint = ? FOR UPDATE",
                        "is", source_id, fingerprint);
}

int store_alert_save(struct db *db, const struct alert_row *a, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL,
                   "INSERT INTO alerts (source_id, fingerprint, service_id, state, status, "
                   "set_status, incident_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?) "
                   "ON CONFLICT (source_id, fingerprint) DO UPDATE SET service_id = "
                   "excluded.service_id, state = excluded.state, status = excluded.status, "
                   "set_status = excluded.set_status, incident_id = excluded.incident_id, "
                   "updated_at = excluded.updated_at",
                   "isisssIii", a->source_id, a->fingerprint, a->service_id, a->state, a->status,
                   a->set_status, a->incident_id, now, now);
}

int store_alert_set_incident(struct db *db, int64_t source_id, const char *fingerprint,
                             int64_t incident_id, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE alerts SET incident_id = ? WHERE source_id = ? AND fingerprint = ?",
                   "Iis", incident_id, source_id, fingerprint);
}

json_t *store_alerts_firing_on(struct db *db, int64_t service_id, int64_t source_id,
                               const char *fingerprint, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT status FROM alerts WHERE service_id = ? AND state = 'firing' "
                        "AND NOT (source_id = ? AND fingerprint = ?)",
                        "iis", service_id, source_id, fingerprint);
}

int store_alerts_hand_over(struct db *db, int64_t service_id, int64_t source_id,
                           const char *fingerprint, const char *set, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE alerts SET set_status = ? WHERE service_id = ? AND state = 'firing' "
                   "AND NOT (source_id = ? AND fingerprint = ?)",
                   "siis", set, service_id, source_id, fingerprint);
}
