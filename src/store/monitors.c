/*
 * store/monitors — SQL for monitors and monitor_results. See monitors.h.
 */
#include "store/monitors.h"
#include "core/xalloc.h"
#include "domain/monitor.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define MONITOR_COLUMNS                                                                            \
    "SELECT id, service_id, name, kind, target, interval_s, timeout_ms, expect_status, keyword, "  \
    "max_latency_ms, tls_warn_days, failures_before, successes_before, status_on_failure, "        \
    "incident, follow_redirects, enabled, state, last_checked_at, last_latency_ms, last_error, "   \
    "created_at, updated_at FROM monitors "

int64_t store_monitor_insert(struct db *db, int64_t page_id, const struct monitor_fields *f,
                             int64_t first_at, int64_t now, struct err *e)
{
    return db_insert(db, e,
                     "INSERT INTO monitors (page_id, service_id, name, kind, target, interval_s, "
                     "timeout_ms, expect_status, keyword, max_latency_ms, tls_warn_days, "
                     "failures_before, successes_before, status_on_failure, incident, "
                     "follow_redirects, enabled, next_check_at, created_at, updated_at) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     "iisssiissIiiissbbiii", page_id, f->service_id, f->name, f->kind, f->target,
                     f->interval_s, f->timeout_ms, f->expect_status, f->keyword, f->max_latency_ms,
                     f->tls_warn_days, f->failures_before, f->successes_before,
                     f->status_on_failure, f->incident, (int)f->follow_redirects, (int)f->enabled,
                     first_at, now, now);
}

json_t *store_monitor_get(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    return db_query_one(db, e, MONITOR_COLUMNS "WHERE page_id = ? AND id = ?", "ii", page_id, id);
}

json_t *store_monitors_list(struct db *db, int64_t page_id, int64_t offset, int limit,
                            struct err *e)
{
    return db_query_all(db, e, MONITOR_COLUMNS "WHERE page_id = ? ORDER BY id LIMIT ? OFFSET ?",
                        "iii", page_id, (int64_t)limit, offset);
}

int store_monitor_update(struct db *db, int64_t page_id, int64_t id, const struct monitor_fields *f,
                         bool restart, int64_t now, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed,
                "UPDATE monitors SET service_id = ?, name = ?, kind = ?, target = ?, "
                "interval_s = ?, timeout_ms = ?, expect_status = ?, keyword = ?, "
                "max_latency_ms = ?, tls_warn_days = ?, failures_before = ?, "
                "successes_before = ?, status_on_failure = ?, incident = ?, "
                "follow_redirects = ?, enabled = ?, updated_at = ?, "
                "state = CASE WHEN ? = 1 THEN 'unknown' ELSE state END, "
                "fails = CASE WHEN ? = 1 THEN 0 ELSE fails END, "
                "oks = CASE WHEN ? = 1 THEN 0 ELSE oks END WHERE page_id = ? AND id = ?",
                "isssiissIiiissbbibbbii", f->service_id, f->name, f->kind, f->target, f->interval_s,
                f->timeout_ms, f->expect_status, f->keyword, f->max_latency_ms, f->tls_warn_days,
                f->failures_before, f->successes_before, f->status_on_failure, f->incident,
                (int)f->follow_redirects, (int)f->enabled, now, (int)restart, (int)restart,
                (int)restart, page_id, id) != 0)
        return -1;
    return changed > 0;
}

int store_monitor_delete(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed, "DELETE FROM monitors WHERE page_id = ? AND id = ?", "ii", page_id,
                id) != 0)
        return -1;
    return changed > 0;
}

json_t *store_monitors_claim(struct db *db, int64_t now, int limit, struct err *e)
{
    assert(limit > 0);
    return db_query_all(
        db, e,
        "UPDATE monitors SET next_check_at = CASE WHEN next_check_at + interval_s > ? "
        "THEN next_check_at + interval_s ELSE ? + interval_s END "
        "WHERE id IN (SELECT id FROM monitors WHERE enabled = 1 AND next_check_at <= ? "
        "ORDER BY next_check_at LIMIT ? FOR UPDATE SKIP LOCKED) "
        "RETURNING id, page_id, service_id, kind, target, timeout_ms, expect_status, keyword, "
        "max_latency_ms, tls_warn_days, follow_redirects, next_check_at - interval_s AS due",
        "iiii", now, now, now, (int64_t)limit);
}

int store_monitors_next_due(struct db *db, int64_t *at, struct err *e)
{
    return db_query_int(db, e, at,
                        "SELECT next_check_at FROM monitors WHERE enabled = 1 "
                        "ORDER BY next_check_at LIMIT 1",
                        "");
}

json_t *store_monitor_lock_run(struct db *db, int64_t id, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT id, page_id, service_id, name, failures_before, successes_before, "
                        "status_on_failure, incident, state, fails, oks, set_status, incident_id "
                        "FROM monitors WHERE id = ? FOR UPDATE",
                        "i", id);
}

int store_monitor_progress(struct db *db, int64_t id, const struct monitor_progress *p,
                           struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE monitors SET state = ?, fails = ?, oks = ?, set_status = ?, "
                   "incident_id = ?, last_checked_at = ?, last_latency_ms = ?, last_error = ? "
                   "WHERE id = ?",
                   "siisIiisi", p->state, p->fails, p->oks, p->set_status, p->incident_id,
                   p->checked_at, p->latency_ms, p->error, id);
}

int store_monitor_set_incident(struct db *db, int64_t id, int64_t incident_id, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE monitors SET incident_id = ? WHERE id = ?", "Ii",
                   incident_id, id);
}

int store_monitor_result_add(struct db *db, int64_t monitor_id, int64_t checked_at, bool ok,
                             int64_t latency_ms, const char *error, struct err *e)
{
    return db_exec(db, e, NULL,
                   "INSERT INTO monitor_results (monitor_id, checked_at, ok, latency_ms, error) "
                   "VALUES (?,?,?,?,?)",
                   "iibis", monitor_id, checked_at, (int)ok, latency_ms, error);
}

json_t *store_monitor_results(struct db *db, int64_t monitor_id, int64_t since, int64_t before,
                              int limit, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT id, checked_at, ok, latency_ms, error FROM monitor_results "
                        "WHERE monitor_id = ? AND checked_at >= ? AND (? = 0 OR id < ?) "
                        "ORDER BY id DESC LIMIT ?",
                        "iiiii", monitor_id, since, before, before, (int64_t)limit);
}

int store_monitor_results_prune(struct db *db, int64_t before, struct err *e)
{
    return db_exec(db, e, NULL, "DELETE FROM monitor_results WHERE checked_at < ?", "i", before);
}

/* One minute of one monitor, summed. */
struct minute_sum {
    int64_t id, minute, checks, failures, p50, p95; /* p50, p95 0: none succeeded */
};

/* Appends R, monitor ID's MINUTE, to *SUMS (*N of *CAP). */
static void sum_keep(struct minute_sum **sums, size_t *n, size_t *cap, int64_t id, int64_t minute,
                     struct monitor_rollup *r)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *sums = xrealloc(*sums, *cap * sizeof **sums);
    }
    long p50 = monitor_rollup_percentile(r, 50), p95 = monitor_rollup_percentile(r, 95);
    (*sums)[(*n)++] = (struct minute_sum){
        id, minute, r->checks, r->failures, p50 < 0 ? 0 : p50, p95 < 0 ? 0 : p95};
    memset(r, 0, sizeof *r);
}

int store_monitor_rollups_build(struct db *db, int64_t from, int64_t to, int *rows, struct err *e)
{
    struct db_rows q;
    *rows = 0;
    if (db_rows_open(&q, db, e, "read monitors' results to roll up",
                     "SELECT monitor_id, checked_at - checked_at % 60 AS minute, ok, "
                     "COALESCE(latency_ms, 0) FROM monitor_results "
                     "WHERE checked_at >= ? AND checked_at < ? ORDER BY monitor_id, minute",
                     "ii", from, to) != 0)
        return -1;
    /* rows come grouped by (monitor, minute): a group is summed when the next begins, and
     * the sums are written once the cursor is closed (one statement at a time on a
     * connection) */
    struct minute_sum *sums = NULL;
    size_t n = 0, cap = 0;
    int64_t id = 0, minute = 0;
    struct monitor_rollup r = {0};
    int got;
    while ((got = db_rows_next(&q, e)) == 1) {
        int64_t qid = db_rows_int(&q, 0), qmin = db_rows_int(&q, 1);
        if ((qid != id || qmin != minute) && r.checks) sum_keep(&sums, &n, &cap, id, minute, &r);
        id = qid;
        minute = qmin;
        monitor_rollup_add(&r, db_rows_int(&q, 2) != 0, (long)db_rows_int(&q, 3));
    }
    db_rows_close(&q);
    if (got == 0 && r.checks) sum_keep(&sums, &n, &cap, id, minute, &r);
    int rc = got < 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int changed = 0;
        rc = db_exec(db, e, &changed,
                     "INSERT INTO monitor_rollups (monitor_id, minute, checks, failures, p50_ms, "
                     "p95_ms) VALUES (?,?,?,?,?,?) ON CONFLICT (monitor_id, minute) DO NOTHING",
                     "iiiiII", sums[i].id, sums[i].minute, sums[i].checks, sums[i].failures,
                     sums[i].p50, sums[i].p95);
        /* the day grows by a minute only as the minute's row is first written */
        if (rc == 0 && changed)
            rc = db_exec(db, e, NULL,
                         "INSERT INTO monitor_days (monitor_id, day, checks, failures) "
                         "VALUES (?,?,?,?) ON CONFLICT (monitor_id, day) DO UPDATE SET "
                         "checks = monitor_days.checks + excluded.checks, "
                         "failures = monitor_days.failures + excluded.failures",
                         "iiii", sums[i].id, sums[i].minute - sums[i].minute % 86400,
                         sums[i].checks, sums[i].failures);
        *rows += changed;
    }
    free(sums);
    return rc;
}

json_t *store_monitor_rollups(struct db *db, int64_t monitor_id, int64_t since, int64_t offset,
                              int limit, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT minute AS started_at, checks, failures, p50_ms, p95_ms "
                        "FROM monitor_rollups WHERE monitor_id = ? AND minute >= ? "
                        "ORDER BY minute DESC LIMIT ? OFFSET ?",
                        "iiii", monitor_id, since, (int64_t)limit, offset);
}

int store_monitor_rollups_prune(struct db *db, int64_t before, struct err *e)
{
    return db_exec(db, e, NULL, "DELETE FROM monitor_rollups WHERE minute < ?", "i", before) != 0 ||
                   db_exec(db, e, NULL, "DELETE FROM monitor_days WHERE day < ?", "i",
                           before - before % 86400) != 0
               ? -1
               : 0;
}

/* The day's latency figures of one monitor from its minutes' P50 and P95 (N of each). */
struct day_figures {
    int64_t id;
    long p50, p95;
};

int store_monitor_days_close(struct db *db, int64_t day, struct err *e)
{
    assert(day % 86400 == 0);
    struct db_rows q;
    if (db_rows_open(&q, db, e, "read a day's roll-ups",
                     "SELECT monitor_id, p50_ms, p95_ms FROM monitor_rollups "
                     "WHERE minute >= ? AND minute < ? AND p50_ms IS NOT NULL "
                     "ORDER BY monitor_id",
                     "ii", day, day + 86400) != 0)
        return -1;
    /* a monitor's minutes come together: its figures are taken when the next one begins,
     * and written once the cursor is closed */
    long *p50 = xmalloc(1440 * 2 * sizeof *p50), *p95 = xmalloc(1440 * 2 * sizeof *p95);
    struct day_figures *figs = NULL;
    size_t nfigs = 0, cap = 0, n = 0;
    int64_t id = 0;
    int got;
    for (;;) {
        got = db_rows_next(&q, e);
        int64_t qid = got == 1 ? db_rows_int(&q, 0) : 0;
        if (n && (got != 1 || qid != id)) {
            if (nfigs == cap) figs = xrealloc(figs, (cap = cap ? cap * 2 : 64) * sizeof *figs);
            figs[nfigs++] = (struct day_figures){id, monitor_percentile(p50, n, 50),
                                                 monitor_percentile(p95, n, 95)};
            n = 0;
        }
        if (got != 1) break;
        id = qid;
        if (n < 1440 * 2) { /* a day has 1,440 minutes (a clock step may add a few) */
            p50[n] = (long)db_rows_int(&q, 1);
            p95[n++] = (long)db_rows_int(&q, 2);
        }
    }
    db_rows_close(&q);
    free(p50);
    free(p95);
    int rc = got < 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < nfigs; i++)
        rc = db_exec(db, e, NULL,
                     "UPDATE monitor_days SET p50_ms = ?, p95_ms = ? WHERE monitor_id = ? AND "
                     "day = ?",
                     "iiii", (int64_t)figs[i].p50, (int64_t)figs[i].p95, figs[i].id, day);
    free(figs);
    return rc;
}

json_t *store_page_monitor_days(struct db *db, int64_t page_id, int64_t since, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT m.service_id, d.day, SUM(d.checks) AS checks, "
                        "SUM(d.failures) AS failures, MAX(d.p50_ms) AS p50_ms, "
                        "MAX(d.p95_ms) AS p95_ms FROM monitor_days d "
                        "JOIN monitors m ON m.id = d.monitor_id "
                        "WHERE m.page_id = ? AND d.day >= ? "
                        "GROUP BY m.service_id, d.day ORDER BY m.service_id, d.day",
                        "ii", page_id, since);
}

json_t *store_page_monitor_minutes(struct db *db, int64_t page_id, int64_t since, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT m.service_id, r.minute, SUM(r.checks) AS checks, "
                        "SUM(r.failures) AS failures, MAX(r.p50_ms) AS p50_ms, "
                        "MAX(r.p95_ms) AS p95_ms FROM monitor_rollups r "
                        "JOIN monitors m ON m.id = r.monitor_id "
                        "JOIN services s ON s.id = m.service_id "
                        "WHERE m.page_id = ? AND s.show_response_time = 1 AND r.minute >= ? "
                        "GROUP BY m.service_id, r.minute ORDER BY m.service_id, r.minute",
                        "ii", page_id, since);
}

int store_monitor_rollups_head(struct db *db, int64_t *minute, struct err *e)
{
    *minute = 0;
    return db_query_int(db, e, minute, "SELECT COALESCE(MAX(minute), 0) FROM monitor_rollups",
                        NULL) < 0
               ? -1
               : 0;
}

json_t *store_monitor_pages_rolled(struct db *db, int64_t from, int64_t to, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT DISTINCT m.page_id FROM monitors m WHERE EXISTS (SELECT 1 FROM "
                        "monitor_rollups r WHERE r.monitor_id = m.id AND r.minute >= ? AND "
                        "r.minute < ?) ORDER BY m.page_id",
                        "ii", from, to);
}
