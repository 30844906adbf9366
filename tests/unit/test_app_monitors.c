/*
 * Unit tests for app/monitors against a real database (SQLite, and PostgreSQL under
 * scripts/run-unit.sh): creation refuses bad input with a reason and fills the defaults,
 * the first check falls inside the first interval; a claim takes each due monitor once
 * and moves it an interval on, disabled ones never; outcomes move the service exactly at
 * failures_before and successes_before, audited as the monitor; a worse status someone
 * set is never lowered nor, on recovery, undone, nor is one a person changed since; a tls
 * warning degrades the service and a worse failure while down raises it;
 * maintenance in progress mutes failures; "publish" opens an incident holding the service
 * and resolves it on recovery; "draft" does the same with a draft incident that notifies
 * nobody, opened and resolved, and once published notifies its resolution; results list
 * newest first and old ones are pruned; each minute is summed once into a roll-up (checks,
 * failures, nearest-rank p50 and p95 of the successful checks), added to its day's sums
 * once, the page marked changed; a day over gets its latency figures; 90 days of them kept.
 */
#include "app/incidents.h"
#include "app/maintenance.h"
#include "app/monitors.h"
#include "app/services.h"
#include "core/log.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "store/monitors.h"
#include "store/pages.h"
#include "store/services.h"
#include "testutil.h"

struct fx {
    char dir[64];
    struct config cfg;
    struct db *db;
    struct app app;
    int64_t page, svc;
};

static int setup(void **state)
{
    log_set_level(LOG_WARN);
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    f->app.cfg = &f->cfg;
    f->page = store_page_insert(f->db, "default", "Status", &e);
    struct service_fields sf = {.name = "API", .description = "", .status = "operational"};
    f->svc = store_service_insert(f->db, f->page, &sf, &e);
    *state = f;
    return f->page > 0 && f->svc > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

static struct app_ctx ctx(struct fx *f)
{
    return (struct app_ctx){
        .app = &f->app, .db = f->db, .page_id = f->page, .actor = {.kind = ACTOR_CLI}};
}

static int64_t one(struct db *db, const char *sql)
{
    struct err e = {0};
    int64_t v = -1;
    if (db_query_int(db, &e, &v, sql, "") < 0) fail_msg("%s: %s", sql, e.msg);
    return v;
}

static const char *status_of(struct fx *f)
{
    static char s[40];
    struct err e = {0};
    json_t *svc = store_service_get(f->db, f->page, f->svc, &e);
    assert_non_null(svc);
    snprintf(s, sizeof s, "%s", json_string_value(json_object_get(svc, "status")));
    json_decref(svc);
    return s;
}

/* Creates a monitor from the JSON text SPEC (the service's id added); returns its id. */
static int64_t monitor(struct fx *f, const char *spec)
{
    struct app_ctx c = ctx(f);
    struct err e = {0};
    json_t *in = json_loads(spec, 0, NULL), *out = NULL;
    assert_non_null(in);
    json_object_set_new(in, "service_id", json_integer(f->svc));
    if (app_monitor_create(&c, in, &out, &e) != 0) fail_msg("create %s: %s", spec, e.msg);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(in);
    json_decref(out);
    return id;
}

static void outcome(struct fx *f, int64_t id, bool ok)
{
    struct err e = {0};
    struct monitor_outcome o = {.monitor_id = id,
                                .ok = ok,
                                .checked_at = time_now(),
                                .latency_ms = 12,
                                .error = ok ? NULL : "HTTP 500 (expected 200-399)"};
    if (app_monitor_record(&f->app, f->db, &o, &e) != 0) fail_msg("record: %s", e.msg);
}

static void creation_checks_input_and_fills_defaults(void **state)
{
    struct fx *f = *state;
    struct app_ctx c = ctx(f);
    static const char *const bad[] = {
        "{\"kind\":\"icmp\",\"target\":\"example.com\"}",
        "{\"kind\":\"http\",\"target\":\"ftp://example.com/\"}",
        "{\"kind\":\"tcp\",\"target\":\"example.com\"}",
        "{\"kind\":\"http\",\"target\":\"https://example.com/\",\"interval_s\":5}",
        "{\"kind\":\"http\",\"target\":\"https://example.com/\",\"interval_s\":10,"
        "\"timeout_ms\":10000}",
        "{\"kind\":\"http\",\"target\":\"https://example.com/\",\"expect_status\":\"2xx\"}",
        "{\"kind\":\"http\",\"target\":\"https://example.com/\",\"incident\":\"later\"}",
        "{\"kind\":\"http\",\"target\":\"https://example.com/\",\"status_on_failure\":"
        "\"operational\"}",
        "{\"kind\":\"http\",\"target\":\"https://example.com/\",\"colour\":\"red\"}",
        "{\"kind\":\"http\",\"target\":\"https://example.com/\",\"service_id\":999}",
        "{\"kind\":\"http\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = {0};
        json_t *in = json_loads(bad[i], 0, NULL), *out = NULL;
        if (!json_object_get(in, "service_id"))
            json_object_set_new(in, "service_id", json_integer(f->svc));
        if (app_monitor_create(&c, in, &out, &e) == 0) fail_msg("accepted %s", bad[i]);
        assert_int_equal(e.code, ERR_INVALID);
        assert_true(e.msg[0] != '\0');
        json_decref(in);
    }
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM monitors"), 0);
    int64_t before = time_now();
    int64_t id = monitor(f, "{\"kind\":\"http\",\"target\":\"https://api.example.com/health\"}");
    struct err e = {0};
    json_t *m = NULL;
    assert_int_equal(app_monitor_get(&c, id, &m, &e), 0);
    assert_string_equal(json_string_value(json_object_get(m, "name")),
                        "https://api.example.com/health");
    json_decref(m);
    /* a name left empty is the target, cut to the name's limit */
    char longer[400] = "{\"name\":\"\",\"target\":\"https://api.example.com/";
    memset(longer + strlen(longer), 'x', 200);
    strcat(longer, "\"}");
    json_t *patch = json_loads(longer, 0, NULL);
    assert_non_null(patch);
    assert_int_equal(app_monitor_update(&c, id, patch, &m, &e), 0);
    assert_int_equal(strlen(json_string_value(json_object_get(m, "name"))), LIMIT_NAME);
    json_decref(patch);
    json_decref(m);
    assert_int_equal(app_monitor_get(&c, id, &m, &e), 0);
    assert_int_equal(json_integer_value(json_object_get(m, "interval_s")), 60);
    assert_int_equal(json_integer_value(json_object_get(m, "timeout_ms")), 5000);
    assert_string_equal(json_string_value(json_object_get(m, "expect_status")), "200-399");
    assert_string_equal(json_string_value(json_object_get(m, "status_on_failure")), "major_outage");
    assert_string_equal(json_string_value(json_object_get(m, "state")), "unknown");
    assert_true(json_is_true(json_object_get(m, "enabled")));
    assert_true(json_is_null(json_object_get(m, "keyword")));
    json_decref(m);
    int64_t first = one(f->db, "SELECT next_check_at FROM monitors");
    assert_in_range(first, before, before + 60);
    /* a viewer reads, an editor may not write */
    c.actor = (struct actor){.kind = ACTOR_USER, .id = 1, .role = ROLE_EDITOR};
    json_t *in = json_pack("{s:s}", "name", "x");
    assert_int_equal(app_monitor_update(&c, id, in, &m, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    json_decref(in);
}

static void a_claim_takes_each_due_monitor_once(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t a = monitor(f, "{\"kind\":\"tcp\",\"target\":\"127.0.0.1:9\",\"interval_s\":30}");
    monitor(f, "{\"kind\":\"dns\",\"target\":\"example.com\",\"enabled\":false}");
    int64_t now = time_now();
    db_exec(f->db, &e, NULL, "UPDATE monitors SET next_check_at = ?", "i", now - 1);
    json_t *got = app_monitors_claim(f->db, 10, &e);
    assert_non_null(got);
    assert_int_equal(json_array_size(got), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(got, 0), "id")), a);
    json_decref(got);
    got = app_monitors_claim(f->db, 10, &e); /* moved on by its interval: not due again */
    assert_int_equal(json_array_size(got), 0);
    json_decref(got);
    int64_t next = one(f->db, "SELECT next_check_at FROM monitors WHERE enabled = 1");
    assert_int_equal(next, now - 1 + 30);
    int64_t at = 0;
    assert_int_equal(app_monitors_next_due(f->db, &at, &e), 1);
    assert_int_equal(at, next);
    /* far behind (the server was down): the next check is an interval from now */
    db_exec(f->db, &e, NULL, "UPDATE monitors SET next_check_at = ?", "i", now - 1000);
    json_decref(app_monitors_claim(f->db, 10, &e));
    assert_in_range(one(f->db, "SELECT next_check_at FROM monitors WHERE enabled = 1"), now + 30,
                    now + 31);
}

static void the_service_moves_at_exactly_the_thresholds(void **state)
{
    struct fx *f = *state;
    int64_t id = monitor(f, "{\"kind\":\"http\",\"target\":\"http://127.0.0.1:1/\","
                            "\"failures_before\":3,\"successes_before\":2}");
    outcome(f, id, true);
    outcome(f, id, false);
    outcome(f, id, false);
    assert_string_equal(status_of(f), "operational");
    outcome(f, id, false);
    assert_string_equal(status_of(f), "major_outage");
    char q[160];
    snprintf(q, sizeof q,
             "SELECT COUNT(*) FROM audit_log WHERE actor = 'monitor:%lld' AND "
             "action = 'service.status'",
             (long long)id);
    assert_int_equal(one(f->db, q), 1);
    outcome(f, id, true);
    assert_string_equal(status_of(f), "major_outage");
    outcome(f, id, true);
    assert_string_equal(status_of(f), "operational");
    assert_int_equal(one(f->db, q), 2);
    /* results: newest first, each check once; a day's are kept */
    struct app_ctx c = ctx(f);
    struct err e = {0};
    json_t *out = NULL;
    struct paging pg = {.limit = 3};
    assert_int_equal(app_monitor_results(&c, id, NULL, &pg, &out, &e), 0);
    json_t *rows = json_object_get(out, "results");
    assert_int_equal(json_array_size(rows), 3);
    assert_true(json_is_true(json_object_get(json_array_get(rows, 0), "ok")));
    assert_false(json_is_null(json_object_get(out, "next_cursor")));
    json_decref(out);
    assert_int_equal(app_monitor_results(&c, id, "yesterday", &pg, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    db_exec(f->db, &e, NULL,
            "UPDATE monitor_results SET checked_at = checked_at - 90000 "
            "WHERE id IN (SELECT MIN(id) FROM monitor_results)",
            "");
    assert_int_equal(app_monitor_results_prune(f->db, time_now(), &e), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM monitor_results"), 5); /* of 6 */
}

static void what_someone_else_set_stands(void **state)
{
    struct fx *f = *state;
    struct app_ctx c = ctx(f);
    struct err e = {0};
    json_t *out = NULL;
    int64_t id = monitor(f, "{\"kind\":\"http\",\"target\":\"http://127.0.0.1:1/\","
                            "\"failures_before\":1,\"successes_before\":1,"
                            "\"status_on_failure\":\"degraded_performance\"}");
    /* a person set a worse status: the monitor neither lowers nor later undoes it */
    assert_int_equal(app_service_set_status(&c, f->svc, "major_outage", &out, &e), 0);
    json_decref(out);
    outcome(f, id, false);
    assert_string_equal(status_of(f), "major_outage");
    outcome(f, id, true);
    assert_string_equal(status_of(f), "major_outage");
    /* the monitor set it, then a person changed it: recovery leaves the person's */
    assert_int_equal(app_service_set_status(&c, f->svc, "operational", &out, &e), 0);
    json_decref(out);
    outcome(f, id, false);
    assert_string_equal(status_of(f), "degraded_performance");
    assert_int_equal(app_service_set_status(&c, f->svc, "partial_outage", &out, &e), 0);
    json_decref(out);
    outcome(f, id, true);
    assert_string_equal(status_of(f), "partial_outage");
}

static void a_warning_degrades_and_a_worse_failure_raises(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t id = monitor(f, "{\"kind\":\"tls\",\"target\":\"example.com\","
                            "\"failures_before\":1,\"successes_before\":1}");
    struct monitor_outcome warn = {.monitor_id = id,
                                   .checked_at = time_now(),
                                   .error = "the certificate expires: in 2 days",
                                   .status = "degraded_performance"};
    assert_int_equal(app_monitor_record(&f->app, f->db, &warn, &e), 0);
    assert_string_equal(status_of(f), "degraded_performance");
    outcome(f, id, false); /* down already, and worse: raised to status_on_failure */
    assert_string_equal(status_of(f), "major_outage");
    assert_int_equal(app_monitor_record(&f->app, f->db, &warn, &e), 0); /* milder: stays */
    assert_string_equal(status_of(f), "major_outage");
    outcome(f, id, true);
    assert_string_equal(status_of(f), "operational");
}

static void maintenance_in_progress_mutes_failures(void **state)
{
    struct fx *f = *state;
    struct app_ctx c = ctx(f);
    struct err e = {0};
    json_t *out = NULL;
    int64_t id = monitor(f, "{\"kind\":\"tcp\",\"target\":\"127.0.0.1:9\","
                            "\"failures_before\":2,\"successes_before\":1}");
    char from[32], to[32];
    time_format(time_now() - 60, from, sizeof from);
    time_format(time_now() + 3600, to, sizeof to);
    json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[I]}", "title", "Upgrade", "message",
                           "Now.", "stage", "in_progress", "scheduled_start", from, "scheduled_end",
                           to, "services", (json_int_t)f->svc);
    if (app_maintenance_create(&c, in, &out, &e) != 0) fail_msg("maintenance: %s", e.msg);
    int64_t mid = json_integer_value(json_object_get(out, "id"));
    json_decref(in);
    json_decref(out);
    assert_string_equal(status_of(f), "under_maintenance");
    outcome(f, id, false);
    outcome(f, id, false);
    outcome(f, id, false);
    assert_string_equal(status_of(f), "under_maintenance");
    assert_int_equal(one(f->db, "SELECT fails FROM monitors"), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM monitor_results"), 3);
    in = json_pack("{s:s, s:s}", "stage", "completed", "message", "Done.");
    assert_int_equal(app_maintenance_post_update(&c, mid, in, &out, &e), 0);
    json_decref(in);
    json_decref(out);
    outcome(f, id, false);
    outcome(f, id, false);
    assert_string_equal(status_of(f), "major_outage");
}

static void publish_opens_an_incident_and_resolves_it(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t id = monitor(f, "{\"kind\":\"http\",\"target\":\"http://127.0.0.1:1/\","
                            "\"name\":\"API health\",\"failures_before\":1,"
                            "\"successes_before\":1,\"incident\":\"publish\","
                            "\"status_on_failure\":\"partial_outage\"}");
    outcome(f, id, false);
    assert_string_equal(status_of(f), "partial_outage");
    int64_t inc = one(f->db, "SELECT incident_id FROM monitors");
    assert_true(inc > 0);
    struct app_ctx c = ctx(f);
    json_t *out = NULL;
    assert_int_equal(app_incident_get(&c, inc, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "title")),
                        "API health is not responding");
    assert_string_equal(json_string_value(json_object_get(out, "stage")), "investigating");
    json_decref(out);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM notify_jobs"), 1);
    outcome(f, id, false); /* still down: nothing more */
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM events"), 1);
    outcome(f, id, true);
    assert_string_equal(status_of(f), "operational");
    assert_int_equal(app_incident_get(&c, inc, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "stage")), "resolved");
    json_decref(out);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM monitors WHERE incident_id IS NULL"), 1);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM audit_log WHERE actor LIKE 'monitor:%' "
                                "AND action LIKE 'incident.%'"),
                     2);
}

static void draft_opens_a_draft_and_resolves_it_quietly(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t id = monitor(f, "{\"kind\":\"http\",\"target\":\"http://127.0.0.1:1/\","
                            "\"name\":\"API health\",\"failures_before\":1,"
                            "\"successes_before\":1,\"incident\":\"draft\"}");
    struct app_ctx c = ctx(f);
    json_t *out = NULL;
    assert_int_equal(app_monitor_get(&c, id, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "incident")), "draft");
    json_decref(out);
    outcome(f, id, false);
    assert_string_equal(status_of(f), "major_outage"); /* the draft holds the service */
    int64_t inc = one(f->db, "SELECT incident_id FROM monitors");
    assert_true(inc > 0);
    assert_int_equal(app_incident_get(&c, inc, &out, &e), 0);
    assert_true(json_is_true(json_object_get(out, "draft")));
    assert_string_equal(json_string_value(json_object_get(out, "title")),
                        "API health is not responding");
    json_decref(out);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM notify_jobs"), 0);
    outcome(f, id, true);
    assert_string_equal(status_of(f), "operational");
    assert_int_equal(app_incident_get(&c, inc, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "stage")), "resolved");
    assert_true(json_is_true(json_object_get(out, "draft")));
    json_decref(out);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM notify_jobs"), 0);

    /* down again: a new draft; published, its resolution notifies */
    outcome(f, id, false);
    inc = one(f->db, "SELECT incident_id FROM monitors");
    assert_int_equal(app_incident_publish(&c, inc, &out, &e), 0);
    json_decref(out);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM notify_jobs"), 1);
    outcome(f, id, true);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM notify_jobs"), 2);
    assert_string_equal(status_of(f), "operational");
}

static void minutes_are_summed_once_into_rollups(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t id = monitor(f, "{\"kind\":\"tcp\",\"target\":\"127.0.0.1:9\"}");
    int64_t now = time_now(), m0 = now - now % 60 - 600; /* ten minutes ago, whole */
    /* minute m0: 10, 30, 20, 40 ms and a failure; minute m0+60: one failure only */
    static const struct {
        int at, ok, ms;
    } rows[] = {{1, 1, 10}, {11, 1, 30}, {21, 1, 20}, {31, 0, 5000}, {41, 1, 40}, {61, 0, 900}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        db_exec(f->db, &e, NULL,
                "INSERT INTO monitor_results (monitor_id, checked_at, ok, latency_ms) "
                "VALUES (?,?,?,?)",
                "iibi", id, m0 + rows[i].at, rows[i].ok, (int64_t)rows[i].ms);
    int64_t until = 0;
    int64_t changes = one(f->db, "SELECT COUNT(*) FROM page_changes");
    assert_int_equal(app_monitor_rollups_build(&f->app, f->db, now, 0, &until, &e), 0);
    assert_int_equal(until % 60, 0);
    /* the page is built again: its bars moved */
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM page_changes"), changes + 1);
    assert_in_range(until, now - 180, now - 120);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM monitor_rollups"), 2);
    struct app_ctx c = ctx(f);
    struct paging pg = {.limit = 10};
    json_t *out = NULL;
    assert_int_equal(app_monitor_rollups(&c, id, NULL, &pg, &out, &e), 0);
    json_t *list = json_object_get(out, "rollups");
    assert_int_equal(json_array_size(list), 2);
    json_t *older = json_array_get(list, 1), *newer = json_array_get(list, 0);
    assert_int_equal(json_integer_value(json_object_get(older, "checks")), 5);
    assert_int_equal(json_integer_value(json_object_get(older, "failures")), 1);
    assert_int_equal(json_integer_value(json_object_get(older, "p50_ms")), 20);
    assert_int_equal(json_integer_value(json_object_get(older, "p95_ms")), 40);
    assert_true(json_is_null(json_object_get(newer, "p50_ms")));
    assert_int_equal(json_integer_value(json_object_get(newer, "failures")), 1);
    json_decref(out);
    /* each minute added to its day once */
    assert_int_equal(one(f->db, "SELECT SUM(checks) FROM monitor_days"), 6);
    assert_int_equal(one(f->db, "SELECT SUM(failures) FROM monitor_days"), 2);
    assert_int_equal(one(f->db, "SELECT MIN(day % 86400) FROM monitor_days"), 0);
    /* a second run (another node's, or this one's over again) changes nothing */
    db_exec(f->db, &e, NULL, "UPDATE monitor_rollups SET checks = 99", "");
    assert_int_equal(app_monitor_rollups_build(&f->app, f->db, now, 0, &until, &e), 0);
    assert_int_equal(one(f->db, "SELECT MIN(checks) FROM monitor_rollups"), 99);
    assert_int_equal(one(f->db, "SELECT SUM(checks) FROM monitor_days"), 6);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM page_changes"), changes + 1);
    /* 90 days are kept */
    db_exec(f->db, &e, NULL,
            "UPDATE monitor_rollups SET minute = minute - 91 * 86400 "
            "WHERE checks = 99 AND failures = 1 AND p50_ms IS NULL",
            "");
    assert_int_equal(app_monitor_results_prune(f->db, now, &e), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM monitor_rollups"), 1);
}

static void a_day_over_gets_its_latency_figures(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t id = monitor(f, "{\"kind\":\"tcp\",\"target\":\"127.0.0.1:9\"}");
    int64_t now = time_now(), today = now - now % 86400, y = today - 86400;
    /* yesterday's minutes, p50 1..100 ms and p95 ten times that, one minute all failed */
    for (int i = 1; i <= 100; i++)
        db_exec(f->db, &e, NULL,
                "INSERT INTO monitor_rollups (monitor_id, minute, checks, failures, p50_ms, "
                "p95_ms) VALUES (?,?,1,0,?,?)",
                "iiii", id, y + i * 60, (int64_t)i, (int64_t)i * 10);
    db_exec(f->db, &e, NULL,
            "INSERT INTO monitor_rollups (monitor_id, minute, checks, failures) "
            "VALUES (?,?,1,1)",
            "ii", id, y + 86340);
    db_exec(f->db, &e, NULL,
            "INSERT INTO monitor_days (monitor_id, day, checks, failures) VALUES (?,?,101,1)", "ii",
            id, y);
    int64_t until = 0;
    assert_int_equal(app_monitor_rollups_build(&f->app, f->db, now, 0, &until, &e), 0);
    json_t *days = store_page_monitor_days(f->db, f->page, y, &e);
    assert_int_equal(json_array_size(days), 1);
    json_t *d = json_array_get(days, 0);
    assert_int_equal(json_integer_value(json_object_get(d, "service_id")), f->svc);
    assert_int_equal(json_integer_value(json_object_get(d, "day")), y);
    assert_int_equal(json_integer_value(json_object_get(d, "checks")), 101);
    assert_int_equal(json_integer_value(json_object_get(d, "p50_ms")), 50);
    assert_int_equal(json_integer_value(json_object_get(d, "p95_ms")), 950);
    json_decref(days);
    /* the minutes of a service that shows its response time, only */
    json_t *mins = store_page_monitor_minutes(f->db, f->page, y, &e);
    assert_int_equal(json_array_size(mins), 0);
    json_decref(mins);
    db_exec(f->db, &e, NULL, "UPDATE services SET show_response_time = 1", "");
    mins = store_page_monitor_minutes(f->db, f->page, y, &e);
    assert_int_equal(json_array_size(mins), 101);
    json_decref(mins);
    int64_t head = 0;
    assert_int_equal(store_monitor_rollups_head(f->db, &head, &e), 0);
    assert_int_equal(head, y + 86340);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(creation_checks_input_and_fills_defaults),
        T(a_claim_takes_each_due_monitor_once),
        T(the_service_moves_at_exactly_the_thresholds),
        T(what_someone_else_set_stands),
        T(a_warning_degrades_and_a_worse_failure_raises),
        T(maintenance_in_progress_mutes_failures),
        T(publish_opens_an_incident_and_resolves_it),
        T(minutes_are_summed_once_into_rollups),
        T(a_day_over_gets_its_latency_figures),
        T(draft_opens_a_draft_and_resolves_it_quietly),
    };
    return cmocka_run_group_tests_name("app/monitors", tests, NULL, NULL);
}
