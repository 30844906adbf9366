/*
 * app/monitors — monitors (SPEC §14): the resource the API and console edit, and the
 * use cases the prober (notify/prober.c) drives: claim due checks, record an outcome.
 *
 * MONITOR JSON: see store/monitors.h. Reads need PERM_READ; writes PERM_SETTINGS (a
 * monitor makes this server connect where its owner says, internal networks included).
 *
 * Recording an outcome applies domain/monitor.h's step under the monitor's row lock:
 *  - down: the service takes status_on_failure (or the outcome's own status: a tls
 *    warning's degraded_performance) unless it shows a worse one already (never lowering
 *    what someone set); a worse failure while down raises the status the monitor set;
 *    with incident "publish" an incident is opened
 *    instead ("NAME is not responding", the error as its message, notifying per §10),
 *    which holds the service at that status; with "draft" the same incident as a draft
 *    (app/incidents.h: not public, notifying nobody until the team publishes it);
 *  - up: the status the monitor set goes back to operational, unless the service's
 *    status changed since (a person's decision stands) or an open incident or maintenance
 *    in progress holds it; the monitor's incident is resolved, which releases the service;
 *  - while maintenance in progress holds the service, outcomes are recorded and change
 *    nothing (the counts do not move).
 * Every change of a status or an incident is audited with "monitor:ID" as its author.
 */
#ifndef PHAROS_APP_MONITORS_H
#define PHAROS_APP_MONITORS_H
#include "app/app.h"
#include "app/input.h"

enum {
    MONITOR_INTERVAL_MIN_S = 10,
    MONITOR_RESULTS_KEEP_S = 86400,      /* a day */
    MONITOR_ROLLUPS_KEEP_S = 90 * 86400, /* 90 days */
    MONITOR_ROLLUP_LATE_S = 120,         /* a minute is summed once its checks are in */
};

/* {"monitors":[MONITOR…],"next_cursor":…} by id. */
int app_monitors_list(struct app_ctx *c, const struct paging *pg, json_t **out, struct err *e);
int app_monitor_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
/*
 * IN (SPEC §14): service_id (required, a service of this page), kind (required: http, tcp,
 * dns, tls), target (required, the kind's shape), name (default: the target), interval_s
 * (≥ 10, default 60), timeout_ms (100–60000 and under the interval, default 5000),
 * expect_status (default "200-399"), keyword (null: none), max_latency_ms (null: none),
 * tls_warn_days (default 14), failures_before (default 3), successes_before (default 2),
 * status_on_failure (degraded_performance, partial_outage or major_outage, the default),
 * incident ("none", the default, "draft" or "publish"), follow_redirects (false), enabled
 * (true).
 * The first check is at a random point of the first interval, so monitors created
 * together do not fire together.
 */
int app_monitor_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
/* IN: any of the create fields; absent ones keep their value. A new kind, target or
 * service starts the monitor's run again (unknown). */
int app_monitor_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
int app_monitor_delete(struct app_ctx *c, int64_t id, struct err *e);
/* {"results":[{"id","checked_at","ok","latency_ms","error"}…],"next_cursor":…}, newest
 * first, checked at or after SINCE (RFC 3339; NULL or "": the day kept). */
int app_monitor_results(struct app_ctx *c, int64_t id, const char *since, const struct paging *pg,
                        json_t **out, struct err *e);

/* {"rollups":[{"started_at","checks","failures","p50_ms","p95_ms"}…],"next_cursor":…}:
 * monitor ID's per-minute roll-ups, newest first, of minutes from SINCE (RFC 3339; NULL
 * or "": the 90 days kept). p50_ms, p95_ms: of the successful checks (null: none). */
int app_monitor_rollups(struct app_ctx *c, int64_t id, const char *since, const struct paging *pg,
                        json_t **out, struct err *e);

/* The prober's side. */

/* Claims up to LIMIT monitors due now (store_monitors_claim's rows). */
json_t *app_monitors_claim(struct db *db, int limit, struct err *e);
/* The earliest next check into *AT: 1, or 0 when no monitor is enabled, -1 on error. */
int app_monitors_next_due(struct db *db, int64_t *at, struct err *e);

/* One check's outcome. */
struct monitor_outcome {
    int64_t monitor_id;
    bool ok;
    int64_t checked_at; /* when it started (unix seconds) */
    int64_t latency_ms;
    const char *error;  /* why it failed (NULL when OK) */
    const char *status; /* what a failure sets instead of status_on_failure (a tls warning:
                           degraded_performance); NULL: status_on_failure */
};

/* Records O and applies the rules above. Returns 0, or -1 with E filled. */
int app_monitor_record(struct app *app, struct db *db, const struct monitor_outcome *o,
                       struct err *e);
/* Deletes the results older than a day and the roll-ups older than 90 days. */
int app_monitor_results_prune(struct db *db, int64_t now, struct err *e);
/* Sums into per-minute roll-ups the minutes from SINCE (0: the day of results kept) up to
 * the last one whose checks are all in (MONITOR_ROLLUP_LATE_S before NOW); a minute
 * summed already is left as it is. Each minute written adds to its day's sums; a day whose
 * last minute is summed gets its latency figures. When anything was written, the pages of
 * the monitors summed are marked changed (their uptime bars and charts moved; so each
 * such page is built again about once a minute) and APP's on_public_stale told after the
 * commit (the prober does not wait for the build). *UNTIL gets where the next run may start. */
int app_monitor_rollups_build(struct app *app, struct db *db, int64_t now, int64_t since,
                              int64_t *until, struct err *e);

#endif
