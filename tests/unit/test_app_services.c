/*
 * Unit tests for app/services' status change against a real database: a change is
 * logged and audited once, setting the same status writes nothing; the eStatus PUT's
 * one statement (store_service_lock_for_token) finds the service only for a live token
 * of the page the host names and a service of that page; the use case on it
 * (app_service_set_status_by_token) changes the status then, and otherwise returns 1
 * having changed nothing (the caller then says what was wrong), as it always does on
 * SQLite; on PostgreSQL it locks the service's row, not the token's (NOWAIT from a
 * second connection tells).
 */
#include "app/pages.h"
#include "app/services.h"
#include "app/tokens.h"
#include "core/log.h"
#include "core/secret.h"
#include "store/pages.h"
#include "store/services.h"
#include "testutil.h"

#define BASE "status.operator.example"

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    struct app_ctx cli;
    int64_t def, b;         /* the default page and page "b" (host b.test) */
    int64_t service;        /* a service of the default page */
    int64_t def_tid, b_tid; /* a token of each page */
    char *def_token, *b_token;
};

static char *new_token(struct fx *f, int64_t page, int64_t *id)
{
    struct err e = {0};
    struct app_ctx c = f->cli;
    c.page_id = page;
    char *plain = NULL;
    json_t *out = NULL;
    if (app_token_create(&c, "monitor", &plain, &out, &e) != 0) fail_msg("token: %s", e.msg);
    *id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return plain;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    log_set_level(LOG_WARN);
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    config_init(&f->cfg);
    f->cfg.base_url = strdup("https://" BASE);
    strcpy(f->cfg.base_host, BASE);
    f->app.cfg = &f->cfg;
    f->cli = (struct app_ctx){.app = &f->app, .db = f->db, .actor = {.kind = ACTOR_CLI}};
    if (app_page_ensure_default(&f->cli, &e) != 0) return -1;
    f->def = store_page_default(f->db, &e);
    json_t *hosts = json_pack("[s]", "b.test");
    if (app_page_create(&f->cli, "b", "B", hosts, &f->b, &e) != 0) return -1;
    json_decref(hosts);
    struct app_ctx c = f->cli;
    c.page_id = f->def;
    json_t *in = json_pack("{s:s}", "name", "API"), *out = NULL;
    if (app_service_create(&c, in, &out, &e) != 0) return -1;
    f->service = json_integer_value(json_object_get(out, "id"));
    json_decref(in);
    json_decref(out);
    f->def_token = new_token(f, f->def, &f->def_tid);
    f->b_token = new_token(f, f->b, &f->b_tid);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    config_free(&f->cfg);
    free(f->def_token);
    free(f->b_token);
    free(f);
    return 0;
}

static int64_t count(struct fx *f, const char *sql)
{
    struct err e = {0};
    int64_t n = -1;
    if (db_query_int(f->db, &e, &n, sql, NULL) != 1) fail_msg("%s: %s", sql, e.msg);
    return n;
}

static const char *status_of(json_t *service)
{
    return json_string_value(json_object_get(service, "status"));
}

static void a_change_is_logged_and_audited_once(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct app_ctx c = f->cli;
    c.page_id = f->def;
    int64_t logs = count(f, "SELECT COUNT(*) FROM service_status_log");
    json_t *out = NULL;
    assert_int_equal(app_service_set_status(&c, f->service, "major", &out, &e), 0);
    assert_string_equal(status_of(out), "major_outage"); /* an alias, stored canonical */
    json_decref(out);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM service_status_log"), logs + 1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'service.status'"), 1);
    /* the same status again: no write */
    assert_int_equal(app_service_set_status(&c, f->service, "major_outage", &out, &e), 0);
    json_decref(out);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM service_status_log"), logs + 1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'service.status'"), 1);
    /* unknown status, unknown service */
    assert_int_equal(app_service_set_status(&c, f->service, "fine", &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    e = (struct err){0};
    assert_int_equal(app_service_set_status(&c, f->service + 100, "operational", &out, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
}

static int by_token(struct fx *f, const char *host, const char *token, int64_t id,
                    const char *status, json_t **out)
{
    struct err e = {0};
    *out = NULL;
    int rc = app_service_set_status_by_token(&f->app, f->db, host, token, id, status, out, &e);
    if (rc < 0) fail_msg("set_status_by_token: %s", e.msg);
    return rc;
}

/* store_service_lock_for_token with HASH of TOKEN (NULL: a hash of nothing known). */
static json_t *lock_for(struct fx *f, const char *token, const char *host, int64_t id)
{
    struct err e = {0};
    char hash[TOKEN_HASH_HEX] = "0000";
    if (token) secret_token_hash(token, hash);
    if (db_begin_shared(f->db, &e) != 0) fail_msg("begin: %s", e.msg);
    json_t *s = store_service_lock_for_token(f->db, hash, host, id, &e);
    if (!s && e.code) fail_msg("lock_for_token: %s", e.msg);
    db_rollback(f->db);
    return s;
}

static void the_statement_checks_token_page_and_service(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *s = lock_for(f, f->def_token, BASE, f->service);
    assert_non_null(s);
    assert_int_equal(json_integer_value(json_object_get(s, "id")), f->service);
    assert_int_equal(json_integer_value(json_object_get(s, "page_id")), f->def);
    assert_int_equal(json_integer_value(json_object_get(s, "token_id")), f->def_tid);
    assert_int_equal(json_integer_value(json_object_get(s, "token_used")), 0);
    assert_string_equal(status_of(s), "operational");
    json_decref(s);
    s = lock_for(f, f->def_token, NULL, f->service); /* no host: the default page */
    assert_non_null(s);
    json_decref(s);
    assert_null(lock_for(f, NULL, BASE, f->service));               /* unknown token */
    assert_null(lock_for(f, f->b_token, BASE, f->service));         /* another page's */
    assert_null(lock_for(f, f->b_token, "b.test", f->service));     /* not b's service */
    assert_null(lock_for(f, f->def_token, "b.test", f->service));   /* host names b */
    assert_null(lock_for(f, f->def_token, BASE, f->service + 100)); /* no such service */
    struct app_ctx c = f->cli;
    c.page_id = f->def;
    assert_int_equal(app_token_revoke(&c, f->def_tid, &e), 0);
    assert_null(lock_for(f, f->def_token, BASE, f->service)); /* revoked */
}

static void by_token_decides_only_when_all_is_well(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *out;
    int64_t logs = count(f, "SELECT COUNT(*) FROM service_status_log");
    if (!test_on_pg()) { /* SQLite: always the usual way */
        assert_int_equal(by_token(f, BASE, f->def_token, f->service, "partial", &out), 1);
        assert_null(out);
        assert_int_equal(count(f, "SELECT COUNT(*) FROM service_status_log"), logs);
        return;
    }
    /* every case the usual way must explain: nothing done, 1 */
    assert_int_equal(by_token(f, BASE, NULL, f->service, "major_outage", &out), 1);
    assert_int_equal(by_token(f, BASE, "", f->service, "major_outage", &out), 1);
    assert_int_equal(by_token(f, BASE, f->def_token, f->service, "fine", &out), 1);
    assert_int_equal(by_token(f, BASE, "phr_unknown", f->service, "major_outage", &out), 1);
    assert_int_equal(by_token(f, BASE, f->b_token, f->service, "major_outage", &out), 1);
    assert_int_equal(by_token(f, "b.test", f->def_token, f->service, "major_outage", &out), 1);
    assert_int_equal(by_token(f, BASE, f->def_token, f->service + 100, "major_outage", &out), 1);
    assert_null(out);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM service_status_log"), logs);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'service.status'"), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM api_tokens WHERE last_used_at IS NOT NULL"), 0);

    /* all well: changed, audited as the token, its use recorded; the reply is the service */
    assert_int_equal(by_token(f, BASE, f->def_token, f->service, "partial", &out), 0);
    assert_string_equal(status_of(out), "partial_outage");
    assert_int_equal(json_integer_value(json_object_get(out, "id")), f->service);
    assert_null(json_object_get(out, "token_id"));
    assert_null(json_object_get(out, "token_used"));
    assert_null(json_object_get(out, "page_id"));
    assert_true(json_is_false(json_object_get(out, "hidden")));
    json_decref(out);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM service_status_log"), logs + 1);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM audit_log WHERE action = 'service.status' AND actor = "
             "'token:%lld' AND detail = 'partial_outage'",
             (long long)f->def_tid);
    assert_int_equal(count(f, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM api_tokens WHERE id = %lld AND last_used_at > 0",
             (long long)f->def_tid);
    assert_int_equal(count(f, sql), 1);
    /* no host: the default page's */
    assert_int_equal(by_token(f, NULL, f->def_token, f->service, "operational", &out), 0);
    json_decref(out);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM service_status_log"), logs + 2);

    /* the same status: answered, nothing written */
    assert_int_equal(by_token(f, BASE, f->def_token, f->service, "operational", &out), 0);
    assert_string_equal(status_of(out), "operational");
    json_decref(out);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM service_status_log"), logs + 2);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'service.status'"), 2);

    /* revoked: 1 again */
    struct app_ctx c = f->cli;
    c.page_id = f->def;
    assert_int_equal(app_token_revoke(&c, f->def_tid, &e), 0);
    assert_int_equal(by_token(f, BASE, f->def_token, f->service, "major_outage", &out), 1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM service_status_log"), logs + 2);
}

/* On PostgreSQL, another connection's NOWAIT lock on the row of SQL's table: 0 when it
 * got it, 1 when our transaction holds it. */
static int locked(PGconn *other, const char *sql)
{
    PGresult *r = PQexec(other, sql);
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : 1;
    if (rc) assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "55P03");
    PQclear(r);
    PQclear(PQexec(other, "ROLLBACK"));
    return rc;
}

static void by_token_locks_the_service_not_the_token(void **state)
{
    struct fx *f = *state;
    if (!test_on_pg()) {
        printf("(SQLite: one writer; no row locks to check)\n");
        return;
    }
    char url[128], sql[160];
    PGconn *other = PQconnectdb(test_db_url(f->dir, url, sizeof url));
    assert_int_equal(PQstatus(other), CONNECTION_OK);
    struct err e = {0};
    char hash[TOKEN_HASH_HEX];
    secret_token_hash(f->def_token, hash);
    assert_int_equal(db_begin_shared(f->db, &e), 0);
    json_t *s = store_service_lock_for_token(f->db, hash, BASE, f->service, &e);
    assert_non_null(s);
    assert_int_equal(json_integer_value(json_object_get(s, "token_id")), f->def_tid);
    assert_int_equal(json_integer_value(json_object_get(s, "page_id")), f->def);
    json_decref(s);
    snprintf(sql, sizeof sql, "BEGIN; SELECT id FROM services WHERE id = %lld FOR UPDATE NOWAIT",
             (long long)f->service);
    assert_int_equal(locked(other, sql), 1);
    snprintf(sql, sizeof sql, "BEGIN; SELECT id FROM api_tokens WHERE id = %lld FOR UPDATE NOWAIT",
             (long long)f->def_tid);
    assert_int_equal(locked(other, sql), 0);
    db_rollback(f->db);
    snprintf(sql, sizeof sql, "BEGIN; SELECT id FROM services WHERE id = %lld FOR UPDATE NOWAIT",
             (long long)f->service);
    assert_int_equal(locked(other, sql), 0);
    PQfinish(other);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(a_change_is_logged_and_audited_once),
        T(the_statement_checks_token_page_and_service),
        T(by_token_decides_only_when_all_is_well),
        T(by_token_locks_the_service_not_the_token),
    };
    return cmocka_run_group_tests_name("app/services", tests, NULL, NULL);
}
