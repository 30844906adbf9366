/*
 * store/events — SQL for events, their updates and links, the outbox and the
 * scheduler's queries. See events.h.
 *
 * The two kinds select different columns (maintenance shows its schedule and
 * calls resolved_at completed_at), so each read exists as two SQL literals
 * chosen by kind: the statement cache is keyed by the literal's address.
 * Stage names in queries are bound from domain/event, never spelled here.
 */
#include "store/events.h"
#include "store/service_order.h"
#include <stdio.h>
#include <string.h>

#define INCIDENT_COLUMNS                                                                           \
    "SELECT id, kind, title, stage, impact, draft, COALESCE(started_at, created_at) AS "           \
    "started_at, created_at, updated_at, resolved_at, postmortem, postmortem_at, "                 \
    "postmortem_published_at FROM events "
#define MAINTENANCE_COLUMNS                                                                        \
    "SELECT id, kind, title, stage, impact, scheduled_start, scheduled_end, auto_start, "          \
    "auto_complete, created_at, updated_at, resolved_at AS completed_at FROM events "
#define BY_ID "WHERE page_id = ? AND kind = ? AND id = ?"
#define LIST                                                                                       \
    "WHERE page_id = ? AND kind = ? AND (? = 0 OR id < ?) AND (? = 0 OR (? = 1 AND "               \
    "resolved_at IS NULL) OR (? = 2 AND resolved_at IS NOT NULL)) ORDER BY id DESC LIMIT ?"

int store_event_load(struct db *db, int64_t page_id, enum event_kind k, int64_t id,
                     struct event_row *out, struct err *e)
{
    struct db_rows r;
    if (db_rows_open(&r, db, e, "read an event",
                     "SELECT id, page_id, stage, scheduled_start, scheduled_end, resolved_at, "
                     "auto_start, auto_complete, draft FROM events " BY_ID,
                     "isi", page_id, event_kind_name(k), id) != 0)
        return -1;
    int found = db_rows_next(&r, e);
    if (found == 1) {
        memset(out, 0, sizeof *out);
        out->id = db_rows_int(&r, 0);
        out->page_id = db_rows_int(&r, 1);
        snprintf(out->stage, sizeof out->stage, "%s", db_rows_text(&r, 2));
        out->scheduled_start = db_rows_int(&r, 3);
        out->scheduled_end = db_rows_int(&r, 4);
        out->resolved_at = db_rows_int(&r, 5);
        out->auto_start = db_rows_int(&r, 6) != 0;
        out->auto_complete = db_rows_int(&r, 7) != 0;
        out->draft = db_rows_int(&r, 8) != 0;
    }
    db_rows_close(&r);
    return found;
}

json_t *store_event_get(struct db *db, int64_t page_id, enum event_kind k, int64_t id,
                        struct err *e)
{
    if (k == EVENT_MAINTENANCE)
        return db_query_one(db, e, MAINTENANCE_COLUMNS BY_ID, "isi", page_id, "maintenance", id);
    return db_query_one(db, e, INCIDENT_COLUMNS BY_ID, "isi", page_id, "incident", id);
}

json_t *store_events_list(struct db *db, int64_t page_id, enum event_kind k, enum event_filter f,
                          int64_t before_id, int limit, struct err *e)
{
    int64_t fi = (int64_t)f;
    if (k == EVENT_MAINTENANCE)
        return db_query_all(db, e, MAINTENANCE_COLUMNS LIST, "isiiiiii", page_id, "maintenance",
                            before_id, before_id, fi, fi, fi, (int64_t)limit);
    return db_query_all(db, e, INCIDENT_COLUMNS LIST, "isiiiiii", page_id, "incident", before_id,
                        before_id, fi, fi, fi, (int64_t)limit);
}

int64_t store_event_insert(struct db *db, int64_t page_id, const struct event_fields *f,
                           int64_t now, struct err *e)
{
    return db_insert(db, e,
                     "INSERT INTO events (page_id, kind, title, stage, impact, scheduled_start, "
                     "scheduled_end, auto_start, auto_complete, draft, started_at, created_at, "
                     "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     "issssIIbbbIii", page_id, event_kind_name(f->kind), f->title, f->stage,
                     f->impact, f->scheduled_start, f->scheduled_end, (int)f->auto_start,
                     (int)f->auto_complete, (int)f->draft, f->started_at, now, now);
}

int store_event_set_stage(struct db *db, int64_t id, const char *stage, int64_t resolved_at,
                          int64_t now, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE events SET stage = ?, resolved_at = ?, updated_at = ? WHERE id = ?",
                   "sIii", stage, resolved_at, now, id);
}

int store_event_set_postmortem(struct db *db, int64_t page_id, int64_t id, const char *markdown,
                               int64_t now, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed,
                "UPDATE events SET postmortem = ?, postmortem_at = ?, updated_at = ? "
                "WHERE page_id = ? AND kind = 'incident' AND id = ?",
                "sIiii", markdown, markdown ? now : 0, now, page_id, id) != 0)
        return -1;
    return changed ? 1 : 0;
}

int store_event_postmortem_published(struct db *db, int64_t id, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE events SET postmortem_published_at = ? WHERE id = ?", "ii",
                   now, id);
}

int store_status_log_backdate(struct db *db, int64_t update_id, int64_t since, struct err *e)
{
    /* the newest row of each service the update changed (written by it, in this
     * transaction), moved back to SINCE unless the service's history has a later row */
    return db_exec(db, e, NULL,
                   "UPDATE service_status_log SET started_at = ? WHERE id IN (SELECT MAX(l.id) "
                   "FROM service_status_log l JOIN update_services us ON us.service_id = "
                   "l.service_id WHERE us.update_id = ? GROUP BY l.service_id) AND ? > "
                   "COALESCE((SELECT MAX(p.started_at) FROM service_status_log p WHERE "
                   "p.service_id = service_status_log.service_id AND p.id < "
                   "service_status_log.id), 0)",
                   "iii", since, update_id, since);
}

int store_event_publish(struct db *db, int64_t page_id, int64_t id, int64_t now, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed,
                "UPDATE events SET draft = 0, updated_at = ? WHERE page_id = ? AND kind = ? "
                "AND id = ? AND draft = 1",
                "iisi", now, page_id, event_kind_name(EVENT_INCIDENT), id) != 0)
        return -1;
    return changed ? 1 : 0;
}

int store_event_edit(struct db *db, int64_t page_id, int64_t id, const struct event_edit *ed,
                     int64_t now, struct err *e)
{
    int64_t as = ed->auto_start, ac = ed->auto_complete;
    return db_exec(db, e, NULL,
                   "UPDATE events SET title = COALESCE(?, title), impact = COALESCE(?, impact), "
                   "scheduled_start = COALESCE(?, scheduled_start), "
                   "scheduled_end = COALESCE(?, scheduled_end), "
                   "auto_start = CASE WHEN ? < 0 THEN auto_start ELSE ? END, "
                   "auto_complete = CASE WHEN ? < 0 THEN auto_complete ELSE ? END, "
                   "updated_at = ? WHERE page_id = ? AND id = ?",
                   "ssIIiiiiiii", ed->title, ed->impact, ed->scheduled_start, ed->scheduled_end, as,
                   as, ac, ac, now, page_id, id);
}

int store_event_delete(struct db *db, int64_t page_id, enum event_kind k, int64_t id, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed, "DELETE FROM events WHERE page_id = ? AND kind = ? AND id = ?",
                "isi", page_id, event_kind_name(k), id) != 0)
        return -1;
    return changed ? 1 : 0;
}

json_t *store_event_services(struct db *db, int64_t event_id, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT es.service_id AS id, es.status FROM event_services es "
                        "JOIN services s ON s.id = es.service_id " SERVICE_GROUP_JOIN
                        "WHERE es.event_id = ? ORDER BY " SERVICE_ORDER,
                        "i", event_id);
}

int store_event_service_link(struct db *db, int64_t event_id, int64_t service_id,
                             const char *status, bool replace, struct err *e)
{
    if (replace)
        return db_exec(db, e, NULL,
                       "INSERT INTO event_services (event_id, service_id, status) VALUES (?,?,?) "
                       "ON CONFLICT (event_id, service_id) DO UPDATE SET status = excluded.status",
                       "iis", event_id, service_id, status);
    return db_exec(db, e, NULL,
                   "INSERT INTO event_services (event_id, service_id, status) VALUES (?,?,?) "
                   "ON CONFLICT (event_id, service_id) DO NOTHING",
                   "iis", event_id, service_id, status);
}

json_t *store_service_event_links(struct db *db, int64_t service_id, int64_t except_event_id,
                                  struct err *e)
{
    return db_query_all(db, e,
                        "SELECT ev.kind, ev.stage, es.status FROM event_services es "
                        "JOIN events ev ON ev.id = es.event_id "
                        "WHERE es.service_id = ? AND es.event_id <> ? AND ev.resolved_at IS NULL",
                        "ii", service_id, except_event_id);
}

json_t *store_event_updates(struct db *db, int64_t event_id, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT id, kind, stage, message, notify, created_at, translations "
                        "FROM event_updates WHERE event_id = ? ORDER BY id",
                        "i", event_id);
}

int store_event_last_notify(struct db *db, int64_t event_id, bool *notify, struct err *e)
{
    int64_t v = 1;
    if (db_query_int(db, e, &v,
                     "SELECT notify FROM event_updates WHERE event_id = ? AND kind = 'update' "
                     "ORDER BY id DESC LIMIT 1",
                     "i", event_id) < 0)
        return -1;
    *notify = v != 0;
    return 0;
}

int store_event_last_update(struct db *db, int64_t event_id, int64_t *update_id, struct err *e)
{
    *update_id = 0;
    return db_query_int(db, e, update_id,
                        "SELECT id FROM event_updates WHERE event_id = ? AND kind = 'update' "
                        "ORDER BY id DESC LIMIT 1",
                        "i", event_id) < 0
               ? -1
               : 0;
}

int64_t store_event_update_insert(struct db *db, int64_t event_id, const char *kind,
                                  const char *stage, const char *message, bool notify, int64_t now,
                                  struct err *e)
{
    return db_insert(db, e,
                     "INSERT INTO event_updates (event_id, kind, stage, message, notify, "
                     "created_at) VALUES (?,?,?,?,?,?)",
                     "isssbi", event_id, kind, stage, message, (int)notify, now);
}

int store_update_translations_set(struct db *db, int64_t update_id, const char *json, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE event_updates SET translations = ? WHERE id = ?", "si",
                   json, update_id);
}

int store_update_service_insert(struct db *db, int64_t update_id, int64_t service_id,
                                const char *old_status, const char *new_status, struct err *e)
{
    return db_exec(db, e, NULL,
                   "INSERT INTO update_services (update_id, service_id, old_status, new_status) "
                   "VALUES (?,?,?,?) ON CONFLICT (update_id, service_id) "
                   "DO UPDATE SET new_status = excluded.new_status",
                   "iiss", update_id, service_id, old_status, new_status);
}

int64_t store_notify_job_insert(struct db *db, int64_t page_id, int64_t update_id,
                                unsigned channels, int64_t now, struct err *e)
{
    return db_insert(db, e,
                     "INSERT INTO notify_jobs (page_id, update_id, channels, created_at, "
                     "updated_at) VALUES (?,?,?,?,?)",
                     "iiiii", page_id, update_id, (int64_t)channels, now, now);
}

json_t *store_maintenance_due(struct db *db, int64_t now, int limit, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT id, page_id FROM events WHERE kind = 'maintenance' AND ("
                        "(stage = ? AND auto_start = 1 AND scheduled_start <= ?) OR "
                        "(stage IN (?, ?) AND auto_complete = 1 AND scheduled_end <= ?)) "
                        "ORDER BY id LIMIT ?",
                        "sissii", stage_name(STAGE_SCHEDULED), now, stage_name(STAGE_IN_PROGRESS),
                        stage_name(STAGE_VERIFICATION), now, (int64_t)limit);
}

int store_maintenance_next_due(struct db *db, int64_t *out, struct err *e)
{
    *out = 0;
    int found = db_query_int(db, e, out,
                             "SELECT COALESCE(MIN(t), 0) FROM ("
                             "SELECT scheduled_start AS t FROM events WHERE kind = 'maintenance' "
                             "AND stage = ? AND auto_start = 1 UNION ALL "
                             "SELECT scheduled_end FROM events WHERE kind = 'maintenance' "
                             "AND stage IN (?, ?) AND auto_complete = 1) due",
                             "sss", stage_name(STAGE_SCHEDULED), stage_name(STAGE_IN_PROGRESS),
                             stage_name(STAGE_VERIFICATION));
    return found < 0 ? -1 : 0;
}
