/*
 * app/monitors — monitor use cases and the rules of a check's outcome. See monitors.h.
 *
 * An outcome is recorded in one transaction under the monitor's row lock (two nodes'
 * outcomes of one monitor never interleave), together with the status it changes. An
 * incident is opened or resolved after that commit, through the incident use cases
 * (their own transaction, their notifications): a crash in between leaves the monitor
 * down without its incident, never an incident twice.
 */
#include "app/monitors.h"
#include "app/auto_status.h"
#include "core/log.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "domain/monitor.h"
#include "domain/status.h"
#include "store/monitors.h"
#include "store/pages.h"
#include "store/services.h"
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int not_found(int64_t id, struct err *e)
{
    return err_set(e, ERR_NOT_FOUND, "no monitor with id %lld on this page", (long long)id);
}

static int64_t jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

int app_monitors_list(struct app_ctx *c, const struct paging *pg, json_t **out, struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0) return -1;
    json_t *rows = store_monitors_list(c->db, c->page_id, pg->cursor, pg->limit + 1, e);
    if (!rows) return -1;
    *out = out_list("monitors", rows, pg, false);
    return 0;
}

int app_monitor_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0) return -1;
    json_t *m = store_monitor_get(c->db, c->page_id, id, e);
    if (!m) return e->code ? -1 : not_found(id, e);
    *out = m;
    return 0;
}

static const char *const failure_statuses[] = {"degraded_performance", "partial_outage",
                                               "major_outage", NULL};
static const char *const incident_rules[] = {"none", "draft", "publish", NULL};

/* Reads the fields of IN over F (the current or default values). */
static int read_fields(struct app_ctx *c, json_t *in, bool create, struct monitor_fields *f,
                       struct err *e)
{
    static const char *const keys[] = {"service_id",
                                       "name",
                                       "kind",
                                       "target",
                                       "interval_s",
                                       "timeout_ms",
                                       "expect_status",
                                       "keyword",
                                       "max_latency_ms",
                                       "tls_warn_days",
                                       "failures_before",
                                       "successes_before",
                                       "status_on_failure",
                                       "incident",
                                       "follow_redirects",
                                       "enabled",
                                       NULL};
    static const char *const kinds[] = {"http", "tcp", "dns", "tls", NULL};
    if (in_only(in, keys, e) != 0) return -1;
    if ((create && !in_has(in, "service_id")) ||
        in_id_or_null(in, "service_id", &f->service_id, e) != 0)
        return e->code ? -1 : err_set(e, ERR_INVALID, "service_id is required");
    if (in_text(in, "name", LIMIT_NAME, false, false, &f->name, e) != 0 ||
        in_enum(in, "kind", kinds, create, &f->kind, e) != 0 ||
        in_text(in, "target", 2048, create, false, &f->target, e) != 0 ||
        in_int(in, "interval_s", MONITOR_INTERVAL_MIN_S, 86400, &f->interval_s, e) != 0 ||
        in_int(in, "timeout_ms", 100, 60000, &f->timeout_ms, e) != 0 ||
        in_text(in, "expect_status", 100, false, false, &f->expect_status, e) != 0 ||
        in_text(in, "keyword", 200, false, false, &f->keyword, e) != 0 ||
        in_int(in, "max_latency_ms", 1, 600000, &f->max_latency_ms, e) != 0 ||
        in_int(in, "tls_warn_days", 0, 365, &f->tls_warn_days, e) != 0 ||
        in_int(in, "failures_before", 1, 100, &f->failures_before, e) != 0 ||
        in_int(in, "successes_before", 1, 100, &f->successes_before, e) != 0 ||
        in_enum(in, "status_on_failure", failure_statuses, false, &f->status_on_failure, e) != 0 ||
        in_enum(in, "incident", incident_rules, false, &f->incident, e) != 0 ||
        in_bool(in, "follow_redirects", &f->follow_redirects, e) != 0 ||
        in_bool(in, "enabled", &f->enabled, e) != 0)
        return -1;
    if (json_is_null(json_object_get(in, "keyword"))) f->keyword = NULL;
    if (json_is_null(json_object_get(in, "max_latency_ms"))) f->max_latency_ms = 0;
    if (f->keyword && !f->keyword[0]) f->keyword = NULL;
    if (!f->name || !f->name[0]) f->name = f->target; /* checked below, cut to LIMIT_NAME */
    if (f->service_id <= 0) return err_set(e, ERR_INVALID, "service_id is required");
    enum monitor_kind k;
    char why[200];
    int ok = monitor_kind_parse(f->kind, &k);
    assert(ok == 0);
    (void)ok;
    if (monitor_target_check(k, f->target, why, sizeof why) != 0)
        return err_set(e, ERR_INVALID, "target: %s", why);
    struct monitor_expect x;
    if (monitor_expect_parse(f->expect_status, &x, why, sizeof why) != 0)
        return err_set(e, ERR_INVALID, "expect_status %s", why);
    if (f->timeout_ms >= f->interval_s * 1000)
        return err_set(e, ERR_INVALID, "timeout_ms must be shorter than interval_s");
    json_t *s = store_service_get(c->db, c->page_id, f->service_id, e);
    if (!s)
        return e->code ? -1
                       : err_set(e, ERR_INVALID, "service_id %lld is not a service of this page",
                                 (long long)f->service_id);
    json_decref(s);
    return 0;
}

/* NAME (maybe the target, up to 2048 bytes) cut to LIMIT_NAME characters in BUF. */
static const char *cut_name(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s", name);
    text_cut(buf, LIMIT_NAME);
    return buf;
}

int app_monitor_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e)
{
    struct monitor_fields f = {
        .interval_s = 60,
        .timeout_ms = 5000,
        .expect_status = "200-399",
        .tls_warn_days = 14,
        .failures_before = 3,
        .successes_before = 2,
        .status_on_failure = "major_outage",
        .incident = "none",
        .enabled = true,
    };
    char name[LIMIT_NAME * 4 + 1];
    if (app_require(c, PERM_SETTINGS, e) != 0 || read_fields(c, in, true, &f, e) != 0) return -1;
    f.name = cut_name(f.name, name, sizeof name);
    int64_t now = time_now();
    int64_t first = now + (int64_t)randombytes_uniform((uint32_t)f.interval_s);
    if (db_begin(c->db, e) != 0) return -1;
    int64_t id = store_monitor_insert(c->db, c->page_id, &f, first, now, e);
    if (id < 0 || app_audit(c, "monitor.create", id, f.name, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    if (app_commit(c, false, e) != 0) return -1;
    if (c->app->on_work) c->app->on_work(c->app);
    return app_monitor_get(c, id, out, e);
}

int app_monitor_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e)
{
    json_t *cur = NULL;
    int rc = -1;
    if (app_require(c, PERM_SETTINGS, e) != 0 || app_monitor_get(c, id, &cur, e) != 0) return -1;
    struct monitor_fields f = {
        .service_id = jint(cur, "service_id"),
        .name = jstr(cur, "name"),
        .kind = jstr(cur, "kind"),
        .target = jstr(cur, "target"),
        .interval_s = jint(cur, "interval_s"),
        .timeout_ms = jint(cur, "timeout_ms"),
        .expect_status = jstr(cur, "expect_status"),
        .keyword = jstr(cur, "keyword"),
        .max_latency_ms = jint(cur, "max_latency_ms"),
        .tls_warn_days = jint(cur, "tls_warn_days"),
        .failures_before = jint(cur, "failures_before"),
        .successes_before = jint(cur, "successes_before"),
        .status_on_failure = jstr(cur, "status_on_failure"),
        .incident = jstr(cur, "incident"),
        .follow_redirects = json_is_true(json_object_get(cur, "follow_redirects")),
        .enabled = json_is_true(json_object_get(cur, "enabled")),
    };
    char name[LIMIT_NAME * 4 + 1];
    if (read_fields(c, in, false, &f, e) != 0) goto out;
    f.name = cut_name(f.name, name, sizeof name);
    bool restart = f.service_id != jint(cur, "service_id") ||
                   strcmp(f.kind, jstr(cur, "kind")) != 0 ||
                   strcmp(f.target, jstr(cur, "target")) != 0;
    if (db_begin(c->db, e) != 0) goto out;
    int u = store_monitor_update(c->db, c->page_id, id, &f, restart, time_now(), e);
    if (u <= 0 || app_audit(c, "monitor.update", id, NULL, e) != 0) {
        db_rollback(c->db);
        if (u == 0) not_found(id, e);
        goto out;
    }
    if (app_commit(c, false, e) != 0) goto out;
    if (c->app->on_work) c->app->on_work(c->app);
    rc = app_monitor_get(c, id, out, e);
out:
    json_decref(cur);
    return rc;
}

int app_monitor_delete(struct app_ctx *c, int64_t id, struct err *e)
{
    return app_delete_one(c, PERM_SETTINGS, store_monitor_delete, "monitor", "monitor.delete", id,
                          false, e);
}

/* The common door of monitor ID's lists: the monitor must be C's page's, and SINCE (RFC
 * 3339; NULL or "": KEEP_S before now) parses into *FROM. */
static int since_of(struct app_ctx *c, int64_t id, const char *since, int64_t keep_s, int64_t *from,
                    struct err *e)
{
    json_t *m = NULL;
    if (app_monitor_get(c, id, &m, e) != 0) return -1;
    json_decref(m);
    *from = time_now() - keep_s;
    if (since && since[0] && time_parse(since, from) != 0)
        return err_set(e, ERR_INVALID,
                       "since must be an RFC 3339 time such as 2026-11-26T17:00:00Z");
    return 0;
}

int app_monitor_results(struct app_ctx *c, int64_t id, const char *since, const struct paging *pg,
                        json_t **out, struct err *e)
{
    int64_t from;
    if (since_of(c, id, since, MONITOR_RESULTS_KEEP_S, &from, e) != 0) return -1;
    json_t *rows = store_monitor_results(c->db, id, from, pg->cursor, pg->limit + 1, e);
    if (!rows) return -1;
    *out = out_list("results", rows, pg, true);
    return 0;
}

json_t *app_monitors_claim(struct db *db, int limit, struct err *e)
{
    return store_monitors_claim(db, time_now(), limit, e);
}

int app_monitors_next_due(struct db *db, int64_t *at, struct err *e)
{
    return store_monitors_next_due(db, at, e);
}

int app_monitor_results_prune(struct db *db, int64_t now, struct err *e)
{
    return store_monitor_results_prune(db, now - MONITOR_RESULTS_KEEP_S, e) != 0 ||
                   store_monitor_rollups_prune(db, now - MONITOR_ROLLUPS_KEEP_S, e) != 0
               ? -1
               : 0;
}

/* Marks the pages of the monitors rolled up in [FROM, TO) changed (in the transaction):
 * their bars and charts moved. *PAGES gets them, to announce after the commit. */
static int pages_changed(struct app *app, struct db *db, int64_t from, int64_t to, json_t **pages,
                         struct err *e)
{
    *pages = store_monitor_pages_rolled(db, from, to, e);
    if (!*pages) return -1;
    size_t i;
    json_t *p;
    json_array_foreach(*pages, i, p)
    {
        if (store_page_changed(db, jint(p, "page_id"), app->node, time_now(), e) != 0) return -1;
    }
    return 0;
}

int app_monitor_rollups_build(struct app *app, struct db *db, int64_t now, int64_t since,
                              int64_t *until, struct err *e)
{
    int64_t from = since ? since : now - MONITOR_RESULTS_KEEP_S;
    int64_t to = (now - MONITOR_ROLLUP_LATE_S) - (now - MONITOR_ROLLUP_LATE_S) % 60;
    int rows = 0;
    json_t *pages = NULL;
    from -= from % 60;
    *until = from;
    if (to <= from) return 0;
    if (db_begin(db, e) != 0) return -1;
    int rc = store_monitor_rollups_build(db, from, to, &rows, e);
    /* a day is over once its last minute is summed: each midnight in (FROM, TO] */
    for (int64_t day = from - from % 86400 + 86400; rc == 0 && day <= to; day += 86400)
        rc = store_monitor_days_close(db, day - 86400, e);
    if (rc == 0 && rows) rc = pages_changed(app, db, from, to, &pages, e);
    if (rc != 0) {
        db_rollback(db);
        json_decref(pages);
        return -1;
    }
    if (db_commit(db, e) != 0) {
        json_decref(pages);
        return -1;
    }
    size_t i;
    json_t *p;
    json_array_foreach(pages, i, p)
    {
        if (app->on_public_stale) app->on_public_stale(app, jint(p, "page_id"));
    }
    json_decref(pages);
    *until = to;
    return 0;
}

int app_monitor_rollups(struct app_ctx *c, int64_t id, const char *since, const struct paging *pg,
                        json_t **out, struct err *e)
{
    int64_t from;
    if (since_of(c, id, since, MONITOR_ROLLUPS_KEEP_S, &from, e) != 0) return -1;
    json_t *rows = store_monitor_rollups(c->db, id, from, pg->cursor, pg->limit + 1, e);
    if (!rows) return -1;
    *out = out_list("rollups", rows, pg, false);
    return 0;
}

/* ---- an outcome's rules ------------------------------------------------------------- */

enum incident_todo { INC_NONE, INC_OPEN, INC_RESOLVE };

/* Whether the incident rule of RUN (the monitor's locked row) opens an incident:
 * "publish", or "draft" (the incident is a draft). */
static bool opens_incident(const json_t *run)
{
    const char *rule = jstr(run, "incident");
    return strcmp(rule, "publish") == 0 || strcmp(rule, "draft") == 0;
}

/* After the commit: opens or resolves the monitor's incident (RUN: its locked row). */
static void incident_step(struct app_ctx *c, const json_t *run, enum incident_todo todo,
                          const char *error, const char *status)
{
    struct err e = {0};
    int64_t id = jint(run, "id"), incident = jint(run, "incident_id");
    char text[LIMIT_NAME * 4 + 64];
    if (todo == INC_OPEN) {
        snprintf(text, sizeof text, "%s is not responding", jstr(run, "name"));
        incident = auto_incident_open(c, text, error && error[0] ? error : "The check failed.",
                                      jint(run, "service_id"), status,
                                      strcmp(jstr(run, "incident"), "draft") == 0);
    } else {
        snprintf(text, sizeof text, "%s is responding again.", jstr(run, "name"));
        auto_incident_resolve(c, incident, text);
        incident = 0;
    }
    if (store_monitor_set_incident(c->db, id, incident, &e) != 0 && !err_logged_by_store(&e))
        log_error("monitor %lld: keeping its incident: %s", (long long)id, e.msg);
}

int app_monitor_record(struct app *app, struct db *db, const struct monitor_outcome *o,
                       struct err *e)
{
    if (db_begin(db, e) != 0) return -1;
    json_t *run = store_monitor_lock_run(db, o->monitor_id, e);
    if (!run) { /* deleted meanwhile: nothing to record */
        db_rollback(db);
        return e->code ? -1 : 0;
    }
    struct app_ctx c = {.app = app,
                        .db = db,
                        .page_id = jint(run, "page_id"),
                        .actor = {.kind = ACTOR_MONITOR, .id = o->monitor_id}};
    int64_t service = jint(run, "service_id"), incident = jint(run, "incident_id");
    struct monitor_run r = {.fails = (int)jint(run, "fails"),
                            .oks = (int)jint(run, "oks"),
                            .failures_before = (int)jint(run, "failures_before"),
                            .successes_before = (int)jint(run, "successes_before")};
    if (monitor_state_parse(jstr(run, "state"), &r.state) != 0) r.state = MSTATE_UNKNOWN;
    const char *set = jstr(run, "set_status");
    bool held_by_incident = false, in_maintenance = false, changed = false;
    enum incident_todo todo = INC_NONE;
    json_t *svc = NULL;
    if (auto_status_holders(db, service, incident, &held_by_incident, &in_maintenance, e) != 0)
        goto fail;
    enum monitor_flip flip = in_maintenance ? FLIP_NONE : monitor_step(&r, o->ok);
    enum svc_status want = SVC_OPERATIONAL, was = SVC_OPERATIONAL;
    if (!o->ok && status_parse(o->status ? o->status : jstr(run, "status_on_failure"), &want) != 0)
        want = SVC_MAJOR;
    /* down already, and this failure is worse than what the monitor set: it is raised */
    bool raise = flip == FLIP_NONE && !o->ok && !in_maintenance && r.state == MSTATE_DOWN && set &&
                 !incident && status_parse(set, &was) == 0 && want > was;
    if (flip != FLIP_NONE || raise) {
        svc = store_service_lock(db, c.page_id, service, e);
        if (!svc && e->code) goto fail;
    }
    if (!svc) {
        /* no flip: nothing to change */
    } else if (flip == FLIP_DOWN && opens_incident(run)) {
        /* the incident holds the service at the failure's status */
        todo = INC_OPEN;
    } else if (flip == FLIP_DOWN) {
        if (auto_status_raise(&c, svc, want, &set, &changed, e) != 0) goto fail;
    } else if (raise && strcmp(jstr(svc, "status"), set) == 0) {
        if (auto_status_raise(&c, svc, want, &set, &changed, e) != 0) goto fail;
    } else if (flip == FLIP_UP && incident) {
        todo = INC_RESOLVE;
    } else if (flip == FLIP_UP) {
        if (auto_status_release(&c, svc, set, held_by_incident, SVC_OPERATIONAL, &changed, e) != 0)
            goto fail;
        set = NULL;
    }
    struct monitor_progress p = {.state = monitor_state_name(r.state),
                                 .fails = r.fails,
                                 .oks = r.oks,
                                 .set_status = set,
                                 .incident_id = incident,
                                 .checked_at = o->checked_at,
                                 .latency_ms = o->latency_ms,
                                 .error = o->ok ? NULL : o->error};
    if (store_monitor_progress(db, o->monitor_id, &p, e) != 0 ||
        store_monitor_result_add(db, o->monitor_id, o->checked_at, o->ok, o->latency_ms, p.error,
                                 e) != 0)
        goto fail;
    if (changed ? app_commit(&c, true, e) != 0 : db_commit(db, e) != 0) goto out;
    if (todo != INC_NONE) incident_step(&c, run, todo, o->error, status_name(want));
    json_decref(svc);
    json_decref(run);
    return 0;
fail:
    db_rollback(db);
out:
    json_decref(svc);
    json_decref(run);
    return -1;
}
