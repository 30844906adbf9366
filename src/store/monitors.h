/*
 * store/monitors — monitors and their results (SPEC §14; migration 0012).
 *
 * MONITOR JSON (store_monitor_get, the API's shape): {"id","service_id","name","kind",
 * "target","interval_s","timeout_ms","expect_status","keyword","max_latency_ms",
 * "tls_warn_days","failures_before","successes_before","status_on_failure","incident",
 * "follow_redirects","enabled","state","last_checked_at","last_latency_ms","last_error",
 * "created_at","updated_at"}.
 *
 * Per-minute roll-ups (migration 0014) are summed per day as they are written (0016).
 *
 * A claim moves each due monitor's next_check_at on by its interval in the claiming
 * statement (FOR UPDATE SKIP LOCKED on PostgreSQL), so with several nodes a check is
 * started once; a node that dies mid-check loses that one check, not the monitor.
 */
#ifndef PHAROS_STORE_MONITORS_H
#define PHAROS_STORE_MONITORS_H
#include "store/db.h"

/* What a monitor's owner sets (the API's writable fields). */
struct monitor_fields {
    int64_t service_id;
    const char *name, *kind, *target, *expect_status, *keyword; /* keyword NULL: none */
    int64_t interval_s, timeout_ms, max_latency_ms;             /* max_latency_ms 0: none */
    int64_t tls_warn_days, failures_before, successes_before;
    const char *status_on_failure, *incident;
    bool follow_redirects, enabled;
};

/* What a check changes of a monitor's run (see domain/monitor.h). */
struct monitor_progress {
    const char *state;      /* "unknown", "up", "down" */
    int64_t fails, oks;     /* consecutive failures, successes */
    const char *set_status; /* the status the monitor gave its service; NULL: none */
    int64_t incident_id;    /* the incident it opened and has not resolved; 0: none */
    int64_t checked_at, latency_ms;
    const char *error; /* NULL: the check succeeded */
};

/* Inserts a monitor whose first check is at FIRST_AT. Returns the id or -1. */
int64_t store_monitor_insert(struct db *db, int64_t page_id, const struct monitor_fields *f,
                             int64_t first_at, int64_t now, struct err *e);
/* One monitor of PAGE_ID (MONITOR JSON), or NULL (E->code ERR_OK when there is none). */
json_t *store_monitor_get(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* Up to LIMIT monitors of PAGE_ID from OFFSET, by id. */
json_t *store_monitors_list(struct db *db, int64_t page_id, int64_t offset, int limit,
                            struct err *e);
/* Writes every field of F; a monitor whose target, kind or service changed starts its run
 * again (state unknown, counts 0: RESTART). Returns 1 updated, 0 no such monitor, -1. */
int store_monitor_update(struct db *db, int64_t page_id, int64_t id, const struct monitor_fields *f,
                         bool restart, int64_t now, struct err *e);
/* 1 deleted, 0 no such monitor, -1 error. */
int store_monitor_delete(struct db *db, int64_t page_id, int64_t id, struct err *e);

/* Claims up to LIMIT enabled monitors due at NOW, moving each one's next check on by its
 * interval (to NOW + interval when it fell more than an interval behind). Returns
 * [{"id","page_id","service_id","kind","target","timeout_ms","expect_status","keyword",
 * "max_latency_ms","tls_warn_days","follow_redirects","due"}] ("due": the second it fell
 * due, unix time), or NULL with E filled. */
json_t *store_monitors_claim(struct db *db, int64_t now, int limit, struct err *e);
/* The earliest next check of an enabled monitor into *AT. 1 found, 0 none, -1 error. */
int store_monitors_next_due(struct db *db, int64_t *at, struct err *e);

/* Monitor ID's run, its row locked until the transaction ends: {"id","page_id",
 * "service_id","name","failures_before","successes_before","status_on_failure","incident",
 * "state","fails","oks","set_status","incident_id"}; NULL when it is gone (E->code ERR_OK). */
json_t *store_monitor_lock_run(struct db *db, int64_t id, struct err *e);
/* Writes a check's outcome P: the run's state and counts, and the last check's figures. */
int store_monitor_progress(struct db *db, int64_t id, const struct monitor_progress *p,
                           struct err *e);
/* Records the incident monitor ID opened (0: none any more). */
int store_monitor_set_incident(struct db *db, int64_t id, int64_t incident_id, struct err *e);
/* Adds a result row. */
int store_monitor_result_add(struct db *db, int64_t monitor_id, int64_t checked_at, bool ok,
                             int64_t latency_ms, const char *error, struct err *e);
/* Monitor ID's results checked at or after SINCE, newest first, with ids below BEFORE
 * (0: from the newest), at most LIMIT: [{"id","checked_at","ok","latency_ms","error"}]. */
json_t *store_monitor_results(struct db *db, int64_t monitor_id, int64_t since, int64_t before,
                              int limit, struct err *e);
/* Sums the results of checks started in [FROM, TO) (whole minutes) into per-minute
 * roll-ups, each written once: a minute already rolled up is left as it is. *ROWS gets
 * how many were written. */
int store_monitor_rollups_build(struct db *db, int64_t from, int64_t to, int *rows, struct err *e);
/* Monitor ID's roll-ups of minutes from SINCE, newest first, at most LIMIT from OFFSET:
 * [{"started_at","checks","failures","p50_ms","p95_ms"}]. */
json_t *store_monitor_rollups(struct db *db, int64_t monitor_id, int64_t since, int64_t offset,
                              int limit, struct err *e);
/* Deletes the roll-ups of minutes before BEFORE and the day sums of days before its day
 * (90 days are kept). */
int store_monitor_rollups_prune(struct db *db, int64_t before, struct err *e);
/* Sets the latency figures of DAY (a midnight UTC, over) in monitor_days from its
 * minutes' roll-ups: the median of their p50 and the 95th percentile of their p95.
 * Idempotent: run again, it writes the same. */
int store_monitor_days_close(struct db *db, int64_t day, struct err *e);
/* The per-day sums of PAGE_ID's monitors of the days from SINCE, per service (several
 * monitors of a service: counts added, the slowest one's latency):
 * [{"service_id","day","checks","failures","p50_ms","p95_ms"}] by service, day. */
json_t *store_page_monitor_days(struct db *db, int64_t page_id, int64_t since, struct err *e);
/* The same per minute from SINCE (monitor_rollups), for the services of PAGE_ID that show
 * their response time: [{"service_id","minute","checks","failures","p50_ms","p95_ms"}]. */
json_t *store_page_monitor_minutes(struct db *db, int64_t page_id, int64_t since, struct err *e);
/* The newest roll-up's minute of any monitor (0: none) into *MINUTE: it moves once a
 * minute while monitors run, telling readers of the sums that they may have grown. */
int store_monitor_rollups_head(struct db *db, int64_t *minute, struct err *e);
/* The pages with monitors rolled up in [FROM, TO): [{"page_id"}]. */
json_t *store_monitor_pages_rolled(struct db *db, int64_t from, int64_t to, struct err *e);
/* Deletes the results checked before BEFORE (a day's are kept). */
int store_monitor_results_prune(struct db *db, int64_t before, struct err *e);

#endif
