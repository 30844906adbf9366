/*
 * store/public — SQL of the public page's reads. See public.h.
 *
 * Events are selected with one column list (EVENT_COLUMNS) for both kinds, so
 * the view sees one shape; scheduled_* are NULL for incidents. Every read leaves draft
 * incidents out (draft = 0): nothing public shows one until it is published.
 */
#include "store/public.h"
#include "core/xalloc.h"
#include "store/service_order.h"
#include <stdio.h>
#include <stdlib.h>

/* When an event happened: a maintenance its window (cut short by an early completion), an
 * incident from its start (its creation unless back-dated) to its resolution. Lists of the past are
 * ordered by the end. */
#define PERIOD_END                                                                                 \
    "(CASE WHEN kind <> 'maintenance' OR resolved_at IS NULL THEN resolved_at "                    \
    "WHEN resolved_at < scheduled_end THEN resolved_at ELSE scheduled_end END)"
#define EVENT_COLUMNS                                                                              \
    "SELECT id, kind, title, stage, impact, scheduled_start, scheduled_end, created_at, "          \
    "updated_at, resolved_at, CASE WHEN kind = 'maintenance' THEN scheduled_start ELSE "           \
    "COALESCE(started_at, created_at) END AS period_start_at, " PERIOD_END                         \
    " AS period_end_at, postmortem FROM events "

json_t *store_public_services(struct db *db, int64_t page_id, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT s.id, s.name, s.description, s.group_id, s.position, s.status, "
                        "s.created_at, s.updated_at, s.show_response_time, "
                        "CASE WHEN s.hidden = 0 AND "
                        "COALESCE(g.hidden, 0) = 0 THEN 1 ELSE 0 END AS visible, "
                        "(SELECT MAX(l.id) FROM service_status_log l WHERE l.service_id = s.id) "
                        "AS log_head "
                        "FROM services s " SERVICE_GROUP_JOIN
                        "WHERE s.page_id = ? ORDER BY " SERVICE_ORDER,
                        "i", page_id);
}

int store_service_spans(struct db *db, int64_t service_id, int64_t since, struct public_span **out,
                        size_t *n, struct err *e)
{
    struct db_rows r;
    if (db_rows_open(&r, db, e, "read the status history",
                     /* an index range from the span in force at SINCE (its start found in
                      * the same index) */
                     "SELECT service_id, started_at, status FROM service_status_log "
                     "WHERE service_id = ? AND started_at >= COALESCE((SELECT MAX(started_at) "
                     "FROM service_status_log WHERE service_id = ? AND started_at <= ?), 0) "
                     "ORDER BY started_at, id",
                     "iii", service_id, service_id, since) != 0)
        return -1;
    size_t cap = 256, len = 0;
    struct public_span *v = xmalloc(cap * sizeof *v);
    int rc;
    while ((rc = db_rows_next(&r, e)) == 1) {
        if (len == cap) v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[len].service_id = db_rows_int(&r, 0);
        v[len].started = db_rows_int(&r, 1);
        snprintf(v[len].status, sizeof v[len].status, "%s", db_rows_text(&r, 2));
        len++;
    }
    db_rows_close(&r);
    if (rc != 0) {
        free(v);
        return -1;
    }
    *out = v;
    *n = len;
    return 0;
}

/* The ids of each kind of list, and its rows (the same selection, in the list's order). */
#define OPEN_WHERE                                                                                 \
    "WHERE page_id = ? AND draft = 0 AND resolved_at IS NULL ORDER BY id DESC LIMIT ?"
#define CLOSED_WHERE                                                                               \
    "WHERE page_id = ? AND draft = 0 AND resolved_at IS NOT NULL AND " PERIOD_END " >= ? "         \
    "ORDER BY " PERIOD_END " DESC, id DESC LIMIT ? OFFSET ?"
#define RECENT_WHERE "WHERE page_id = ? AND kind = ? AND draft = 0 ORDER BY id DESC LIMIT ?"
#define ONE_WHERE "WHERE page_id = ? AND kind = ? AND id = ? AND draft = 0"

/* The three detail queries of the events whose ids IDS selects. */
#define UPDATES_OF(ids)                                                                            \
    "SELECT event_id, id, stage, message, notify, created_at, translations FROM event_updates "    \
    "WHERE event_id IN (" ids ") AND kind = 'update' ORDER BY event_id, id"
#define AFFECTED_OF(ids)                                                                           \
    "SELECT us.update_id, us.service_id, us.old_status, us.new_status FROM update_services us "    \
    "JOIN event_updates u ON u.id = us.update_id JOIN services s ON s.id = "                       \
    "us.service_id " SERVICE_GROUP_JOIN "WHERE u.event_id IN (" ids                                \
    ") ORDER BY us.update_id, " SERVICE_ORDER
#define LINKS_OF(ids)                                                                              \
    "SELECT es.event_id, es.service_id AS id, es.status FROM event_services es "                   \
    "JOIN services s ON s.id = es.service_id " SERVICE_GROUP_JOIN "WHERE es.event_id IN (" ids     \
    ") ORDER BY es.event_id, " SERVICE_ORDER
#define LIST_SQL(where)                                                                            \
    {                                                                                              \
        EVENT_COLUMNS where, UPDATES_OF("SELECT id FROM events " where),                           \
            AFFECTED_OF("SELECT id FROM events " where), LINKS_OF("SELECT id FROM events " where)  \
    }

static const char *const list_sql[][4] = {
    [PL_OPEN] = LIST_SQL(OPEN_WHERE),
    [PL_CLOSED] = LIST_SQL(CLOSED_WHERE),
    [PL_RECENT] = LIST_SQL(RECENT_WHERE),
    [PL_ONE] = LIST_SQL(ONE_WHERE),
};

/* Query I of list L's kind with L's arguments. */
static json_t *list_query(struct db *db, const struct public_list *l, int i, struct err *e)
{
    const char *sql = list_sql[l->kind][i];
    switch (l->kind) {
    case PL_OPEN:
        return db_query_all(db, e, sql, "ii", l->page_id, (int64_t)l->limit);
    case PL_CLOSED:
        return db_query_all(db, e, sql, "iiii", l->page_id, l->since, (int64_t)l->limit, l->offset);
    case PL_RECENT:
        return db_query_all(db, e, sql, "isi", l->page_id, l->event_kind, (int64_t)l->limit);
    case PL_ONE:
        return db_query_all(db, e, sql, "isi", l->page_id, l->event_kind, l->id);
    }
    return NULL;
}

int store_public_list(struct db *db, const struct public_list *l, json_t **events, json_t **updates,
                      json_t **affected, json_t **links, struct err *e)
{
    json_t *got[4] = {NULL};
    for (int i = 0; i < 4; i++)
        if (!(got[i] = list_query(db, l, i, e))) {
            for (int k = 0; k < i; k++)
                json_decref(got[k]);
            return -1;
        }
    *events = got[0];
    *updates = got[1];
    *affected = got[2];
    *links = got[3];
    return 0;
}

int64_t store_public_closed_count(struct db *db, int64_t page_id, struct err *e)
{
    int64_t n = 0;
    if (db_query_int(db, e, &n,
                     "SELECT COUNT(*) FROM events WHERE page_id = ? AND draft = 0 "
                     "AND resolved_at IS NOT NULL",
                     "i", page_id) < 0)
        return -1;
    return n;
}

/* The calendar's maintenance: open, or completed since a time (calendar.ics). */
#define CALENDAR_WHERE                                                                             \
    "WHERE page_id = ? AND kind = 'maintenance' AND draft = 0 AND (resolved_at IS NULL OR "        \
    "resolved_at >= ?) ORDER BY scheduled_start, id LIMIT ?"
#define LATEST_UPDATE(col)                                                                         \
    "(SELECT u." col " FROM event_updates u WHERE u.event_id = events.id AND u.kind = 'update' "   \
    "ORDER BY u.id DESC LIMIT 1)"

int store_public_calendar(struct db *db, int64_t page_id, int64_t since, int limit, json_t **events,
                          json_t **links, struct err *e)
{
    json_t *ev = db_query_all(
        db, e,
        "SELECT id, title, stage, scheduled_start, scheduled_end, created_at, "
        "updated_at, resolved_at, COALESCE(" LATEST_UPDATE(
            "message") ", '') "
                       "AS message, " LATEST_UPDATE("created_at") " AS last_update_at "
                                                                  "FROM events " CALENDAR_WHERE,
        "iii", page_id, since, (int64_t)limit);
    json_t *ln = ev ? db_query_all(db, e,
                                   "SELECT es.event_id, es.service_id AS id FROM event_services es "
                                   "JOIN services s ON s.id = es.service_id " SERVICE_GROUP_JOIN
                                   "WHERE es.event_id IN (SELECT id FROM events " CALENDAR_WHERE
                                   ") ORDER BY es.event_id, " SERVICE_ORDER,
                                   "iii", page_id, since, (int64_t)limit)
                    : NULL;
    if (!ln) {
        json_decref(ev);
        return -1;
    }
    *events = ev;
    *links = ln;
    return 0;
}

json_t *store_public_hosts(struct db *db, struct err *e)
{
    return db_query_all(db, e, "SELECT host, page_id FROM page_hosts ORDER BY host", NULL);
}
