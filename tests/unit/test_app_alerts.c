/*
 * Unit tests for app/alerts against a real database (SQLite, and PostgreSQL under
 * scripts/run-unit.sh): a source's URL carries a secret that is kept hashed, and an
 * unknown secret is a 404; Alertmanager's payload raises the status its pharos_status or
 * severity asks for, a repeat changes nothing, resolved puts it back, to the worst status
 * of the alerts still firing on the service; a post naming an unknown service is a 422
 * that changes nothing, even for its other alerts; the generic shape; "publish" opens
 * and resolves an incident, "draft" a draft incident notifying nobody; changes are
 * audited as the source.
 */
#include "app/alerts.h"
#include "app/incidents.h"
#include "core/log.h"
#include "store/pages.h"
#include "store/services.h"
#include "testutil.h"
#include <string.h>

struct fx {
    char dir[64];
    struct config cfg;
    struct db *db;
    struct app app;
    int64_t page, api, db_svc;
};

static int setup(void **state)
{
    log_set_level(LOG_WARN);
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    f->cfg.base_url = "http://status.example.test";
    f->app.cfg = &f->cfg;
    f->page = store_page_insert(f->db, "default", "Status", &e);
    struct service_fields sf = {.name = "API", .description = "", .status = "operational"};
    f->api = store_service_insert(f->db, f->page, &sf, &e);
    sf.name = "Database";
    f->db_svc = store_service_insert(f->db, f->page, &sf, &e);
    *state = f;
    return f->page > 0 && f->api > 0 && f->db_svc > 0 ? 0 : -1;
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

static const char *status_of(struct fx *f, int64_t id)
{
    static char s[40];
    struct err e = {0};
    json_t *svc = store_service_get(f->db, f->page, id, &e);
    assert_non_null(svc);
    snprintf(s, sizeof s, "%s", json_string_value(json_object_get(svc, "status")));
    json_decref(svc);
    return s;
}

/* Creates a source of KIND with incident rule RULE; its secret into SECRET (64 bytes). */
static void source(struct fx *f, const char *kind, const char *rule, char *secret)
{
    struct app_ctx c = ctx(f);
    struct err e = {0};
    json_t *in = json_pack("{s:s, s:s, s:s}", "kind", kind, "name", "prod", "incident", rule),
           *out = NULL;
    if (app_alert_source_create(&c, in, &out, &e) != 0) fail_msg("source: %s", e.msg);
    const char *url = json_string_value(json_object_get(out, "url"));
    const char *prefix = "http://status.example.test/hooks/alerts/";
    assert_non_null(url);
    assert_memory_equal(url, prefix, strlen(prefix));
    snprintf(secret, 64, "%s", url + strlen(prefix));
    assert_true(strlen(secret) >= 43);
    json_decref(in);
    json_decref(out);
}

/* Posts the JSON text BODY with SECRET; returns 0 or the error code, *OUT the reply. */
static int post(struct fx *f, const char *secret, const char *body, json_t **out, struct err *e)
{
    json_t *in = json_loads(body, 0, NULL);
    if (!in) fail_msg("bad test JSON: %s", body);
    *out = NULL;
    memset(e, 0, sizeof *e);
    int rc = app_alerts_receive(&f->app, f->db, secret, in, out, e);
    json_decref(in);
    return rc == 0 ? 0 : (int)e->code;
}

static const char *change_of(json_t *out, size_t i)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(out, "applied"), i), "change"));
}

#define AM(status, fp, labels)                                                                     \
    "{\"version\":\"4\",\"status\":\"" status "\",\"alerts\":[{\"status\":\"" status "\","         \
    "\"fingerprint\":\"" fp "\",\"labels\":" labels ",\"annotations\":{\"summary\":\"API "         \
    "errors\"},\"startsAt\":\"2026-12-07T10:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"}]}"

static void a_source_keeps_its_secret_hashed(void **state)
{
    struct fx *f = *state;
    char secret[64];
    source(f, "alertmanager", "none", secret);
    char q[200];
    snprintf(q, sizeof q, "SELECT COUNT(*) FROM alert_sources WHERE secret_hash LIKE '%%%s%%'",
             secret);
    assert_int_equal(one(f->db, q), 0);
    struct err e = {0};
    json_t *out;
    assert_int_equal(
        post(f, "not-the-secret", AM("firing", "a1", "{\"pharos_service\":\"API\"}"), &out, &e),
        ERR_NOT_FOUND);
    assert_string_equal(status_of(f, f->api), "operational");
    struct app_ctx c = ctx(f);
    json_t *in = json_pack("{s:s, s:s}", "kind", "nagios", "name", "x");
    assert_int_equal(app_alert_source_create(&c, in, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    json_decref(in);
}

static void firing_raises_a_repeat_changes_nothing_resolved_releases(void **state)
{
    struct fx *f = *state;
    char secret[64];
    struct err e = {0};
    json_t *out;
    source(f, "alertmanager", "none", secret);
    assert_int_equal(
        post(f, secret,
             AM("firing", "a1", "{\"pharos_service\":\"API\",\"severity\":\"critical\"}"), &out,
             &e),
        0);
    assert_string_equal(change_of(out, 0), "raised");
    json_decref(out);
    assert_string_equal(status_of(f, f->api), "major_outage");
    assert_int_equal(one(f->db,
                         "SELECT COUNT(*) FROM audit_log WHERE actor LIKE 'alert-source:%' AND "
                         "action = 'service.status'"),
                     1);
    assert_int_equal(
        post(f, secret,
             AM("firing", "a1", "{\"pharos_service\":\"API\",\"severity\":\"critical\"}"), &out,
             &e),
        0);
    assert_string_equal(change_of(out, 0), "unchanged");
    json_decref(out);
    /* a second, milder alert on the service: the first resolving leaves the status to it */
    assert_int_equal(
        post(f, secret, AM("firing", "b2", "{\"pharos_service\":\"api\",\"severity\":\"warning\"}"),
             &out, &e),
        0);
    json_decref(out);
    assert_int_equal(
        post(f, secret, AM("resolved", "a1", "{\"pharos_service\":\"API\"}"), &out, &e), 0);
    assert_string_equal(change_of(out, 0), "released");
    json_decref(out);
    assert_string_equal(status_of(f, f->api), "degraded_performance");
    assert_int_equal(
        post(f, secret, AM("resolved", "b2", "{\"pharos_service\":\"API\"}"), &out, &e), 0);
    json_decref(out);
    assert_string_equal(status_of(f, f->api), "operational"); /* a1's, handed to b2 */
    /* pharos_status wins over severity; an unknown one is refused */
    char idlabel[256];
    snprintf(idlabel, sizeof idlabel,
             "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"pharos_service\":"
             "\"%lld\",\"pharos_status\":\"partial\",\"severity\":\"critical\"}}]}",
             (long long)f->db_svc);
    assert_int_equal(post(f, secret, idlabel, &out, &e), 0);
    json_decref(out);
    assert_string_equal(status_of(f, f->db_svc), "partial_outage");
    assert_int_equal(
        post(f, secret,
             AM("firing", "c3", "{\"pharos_service\":\"API\",\"pharos_status\":\"bad\"}"), &out,
             &e),
        ERR_INVALID);
    assert_non_null(strstr(e.msg, "pharos_status"));
}

static void an_unknown_service_refuses_the_whole_post(void **state)
{
    struct fx *f = *state;
    char secret[64];
    struct err e = {0};
    json_t *out;
    source(f, "grafana", "none", secret);
    const char *body =
        "{\"receiver\":\"pharos\",\"status\":\"firing\",\"orgId\":1,\"alerts\":["
        "{\"status\":\"firing\",\"labels\":{\"alertname\":\"High\",\"pharos_service\":\"API\"},"
        "\"fingerprint\":\"g1\"},"
        "{\"status\":\"firing\",\"labels\":{\"alertname\":\"Disk\",\"pharos_service\":\"Cache\"},"
        "\"fingerprint\":\"g2\"}]}";
    assert_int_equal(post(f, secret, body, &out, &e), ERR_UNPROCESSABLE);
    assert_non_null(strstr(e.msg, "alert 2"));
    assert_non_null(strstr(e.msg, "Cache"));
    assert_string_equal(status_of(f, f->api), "operational");
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM alerts"), 0);
    assert_int_equal(
        post(f, secret, "{\"alerts\":[{\"status\":\"firing\",\"labels\":{}}]}", &out, &e),
        ERR_UNPROCESSABLE);
    assert_int_equal(post(f, secret, "{\"alerts\":{}}", &out, &e), ERR_INVALID);
}

static void the_generic_shape(void **state)
{
    struct fx *f = *state;
    char secret[64], body[160];
    struct err e = {0};
    json_t *out;
    source(f, "generic", "none", secret);
    snprintf(body, sizeof body, "{\"service\":%lld,\"status\":\"degraded\",\"message\":\"slow\"}",
             (long long)f->db_svc);
    assert_int_equal(post(f, secret, body, &out, &e), 0);
    json_decref(out);
    assert_string_equal(status_of(f, f->db_svc), "degraded_performance");
    assert_int_equal(post(f, secret, "{\"service\":\"Database\",\"resolved\":true}", &out, &e), 0);
    json_decref(out);
    assert_string_equal(status_of(f, f->db_svc), "operational");
    assert_int_equal(post(f, secret, "{\"service\":\"Nope\",\"status\":\"major\"}", &out, &e),
                     ERR_UNPROCESSABLE);
    assert_int_equal(post(f, secret, "{\"service\":\"API\",\"colour\":\"red\"}", &out, &e),
                     ERR_INVALID);
}

static void publish_opens_and_resolves_an_incident(void **state)
{
    struct fx *f = *state;
    char secret[64];
    struct err e = {0};
    json_t *out;
    source(f, "alertmanager", "publish", secret);
    assert_int_equal(
        post(f, secret, AM("firing", "p1", "{\"pharos_service\":\"API\",\"severity\":\"warning\"}"),
             &out, &e),
        0);
    json_decref(out);
    int64_t inc = one(f->db, "SELECT incident_id FROM alerts");
    assert_true(inc > 0);
    struct app_ctx c = ctx(f);
    assert_int_equal(app_incident_get(&c, inc, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "title")), "API errors");
    json_decref(out);
    assert_string_equal(status_of(f, f->api), "degraded_performance");
    assert_int_equal(
        post(f, secret, AM("resolved", "p1", "{\"pharos_service\":\"API\"}"), &out, &e), 0);
    json_decref(out);
    assert_int_equal(app_incident_get(&c, inc, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "stage")), "resolved");
    json_decref(out);
    assert_string_equal(status_of(f, f->api), "operational");
}

static void draft_opens_a_draft_notifying_nobody(void **state)
{
    struct fx *f = *state;
    char secret[64];
    struct err e = {0};
    json_t *out;
    source(f, "generic", "draft", secret);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM alert_sources WHERE incident = 'draft'"), 1);
    assert_int_equal(post(f, secret,
                          "{\"service\":\"API\",\"status\":\"partial\",\"message\":\"5xx\"}", &out,
                          &e),
                     0);
    json_decref(out);
    int64_t inc = one(f->db, "SELECT incident_id FROM alerts");
    assert_true(inc > 0);
    struct app_ctx c = ctx(f);
    assert_int_equal(app_incident_get(&c, inc, &out, &e), 0);
    assert_true(json_is_true(json_object_get(out, "draft")));
    json_decref(out);
    assert_string_equal(status_of(f, f->api), "partial_outage");
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM notify_jobs"), 0);
    assert_int_equal(post(f, secret, "{\"service\":\"API\",\"resolved\":true}", &out, &e), 0);
    json_decref(out);
    assert_int_equal(app_incident_get(&c, inc, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "stage")), "resolved");
    json_decref(out);
    assert_string_equal(status_of(f, f->api), "operational");
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM notify_jobs"), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(a_source_keeps_its_secret_hashed),
        T(firing_raises_a_repeat_changes_nothing_resolved_releases),
        T(an_unknown_service_refuses_the_whole_post),
        T(the_generic_shape),
        T(publish_opens_and_resolves_an_incident),
        T(draft_opens_a_draft_notifying_nobody),
    };
    return cmocka_run_group_tests_name("app/alerts", tests, NULL, NULL);
}
