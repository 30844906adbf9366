/*
 * Unit tests for store/hooks and migration 0025 against a real database (SQLite, and
 * PostgreSQL under scripts/run-unit.sh): on a database populated at version 24, the
 * migration keeps every subscriber with its state, bounces and choice of services, every
 * delivery pointing at its subscriber, every column and the index, and the id sequence (a
 * deleted highest id is not reused); foreign keys are on again after it. Then the URL
 * channels and 'quarantined' are accepted; a test message's 2xx activates a pending
 * subscriber only; ten failures in a row quarantine an active one (pending deliveries
 * failed with the reason), a delivery in between clears the count; reactivation makes a
 * quarantined one pending; the fan-out picks the active URL subscribers of the named
 * channels who chose the event's service or all.
 */
#include "core/log.h"
#include "store/hooks.h"
#include "store/pages.h"
#include "testutil.h"

struct fx {
    char dir[64];
    struct db *db;
};

static int64_t one(struct db *db, const char *sql)
{
    struct err e = {0};
    int64_t v = -1;
    if (db_query_int(db, &e, &v, sql, NULL) != 1) fail_msg("%s: %s", sql, e.msg);
    return v;
}

static char *text(struct db *db, const char *sql)
{
    struct err e = {0};
    json_t *r = db_query_one(db, &e, sql, NULL);
    if (!r) fail_msg("%s: %s", sql, e.msg);
    const char *k;
    json_t *v;
    char *out = NULL;
    json_object_foreach(r, k, v) out = strdup(json_string_value(v) ? json_string_value(v) : "");
    json_decref(r);
    return out;
}

static void run(struct db *db, const char *sql)
{
    struct err e = {0};
    if (db_exec(db, &e, NULL, sql, NULL) != 0) fail_msg("%s: %s", sql, e.msg);
}

/* A new database migrated up to version UPTO (0: all). */
static struct db *open_at(char *dir, int upto)
{
    strcpy(dir, "/tmp/pharos-unit-XXXXXX");
    if (!mkdtemp(dir)) return NULL;
    char url[128], sql[160], name[64];
    test_db_url(dir, url, sizeof url);
    if (test_on_pg()) {
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", test_pg_name(dir, name, sizeof name));
        if (test_pg_admin(sql) != 0) return NULL;
    }
    struct db *db = NULL;
    struct err e = {0};
    if (db_open(url, &db, &e) != 0 || db_migrate_to(db, upto, &e) != 0) {
        fprintf(stderr, "test db: %s\n", e.msg);
        return NULL;
    }
    return db;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    log_set_level(LOG_WARN);
    if (!(f->db = open_at(f->dir, 24))) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

#define COLUMNS(table)                                                                             \
    (test_on_pg()                                                                                  \
         ? "SELECT STRING_AGG(column_name, ',' ORDER BY column_name) FROM "                        \
           "information_schema.columns WHERE table_name = '" table "'"                             \
         : "SELECT GROUP_CONCAT(name, ',') FROM (SELECT name FROM pragma_table_info('" table       \
           "') ORDER BY name)")

/* Pages, services, events, subscribers with choices and deliveries at version 24. */
static void populate(struct db *db)
{
    struct err e = {0};
    assert_int_equal(store_page_insert(db, "default", "Status", &e), 1);
    run(db, "INSERT INTO services (page_id, name, status, created_at, updated_at) "
            "VALUES (1, 'API', 'operational', 0, 0), (1, 'Web', 'operational', 0, 0)");
    run(db, "INSERT INTO events (page_id, kind, title, stage, created_at, updated_at) "
            "VALUES (1, 'incident', 'Down', 'investigating', 0, 0)");
    run(db, "INSERT INTO event_updates (event_id, stage, message, created_at) "
            "VALUES (1, 'investigating', 'Looking', 0)");
    run(db, "INSERT INTO subscribers (page_id, channel, address, state, all_services, "
            "created_at, updated_at, bounces) VALUES "
            "(1, 'email', 'a@example.com', 'active', 0, 1, 1, 2), "
            "(1, 'sms', '+14155550100', 'stopped', 1, 2, 2, 0), "
            "(1, 'email', 'b@example.com', 'bounced', 1, 3, 3, 3), "
            "(1, 'email', 'gone@example.com', 'pending', 1, 4, 4, 0)");
    run(db, "INSERT INTO subscriber_services (subscriber_id, service_id) VALUES (1, 1), (1, 2)");
    run(db, "INSERT INTO deliveries (page_id, update_id, channel, recipient, subscriber_id, "
            "state, next_attempt_at, accepted_at, created_at) VALUES "
            "(1, 1, 'email', 'a@example.com', 1, 'sent', 0, 0, 0), "
            "(1, 1, 'sms', '+14155550100', 2, 'pending', 0, 0, 0)");
    run(db, "DELETE FROM subscribers WHERE id = 4"); /* the highest id: never given again */
}

static void migration_keeps_subscribers(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    populate(f->db);
    char *before = text(f->db, COLUMNS("subscribers"));
    assert_int_equal(db_migrate(f->db, &e), 0);
    assert_int_equal(db_schema_version(f->db) >= 25, 1);
    char *after = text(f->db, COLUMNS("subscribers"));
    /* every column kept, and the new ones */
    char *tok, *save = NULL, *copy = strdup(before);
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char want[80];
        snprintf(want, sizeof want, ",%s,", tok);
        char *wrapped = calloc(1, strlen(after) + 3);
        sprintf(wrapped, ",%s,", after);
        if (!strstr(wrapped, want)) fail_msg("column %s lost: %s", tok, after);
        free(wrapped);
    }
    assert_non_null(strstr(after, "failures"));
    assert_non_null(strstr(after, "secret"));
    free(copy), free(before), free(after);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers"), 3);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscriber_services WHERE subscriber_id = 1"),
                     2);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE subscriber_id IS NOT NULL"),
                     2);
    assert_int_equal(one(f->db, "SELECT subscriber_id FROM deliveries WHERE channel = 'sms'"), 2);
    assert_int_equal(one(f->db, "SELECT bounces FROM subscribers WHERE id = 3"), 3);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers WHERE id = 3 AND state = "
                                "'bounced' AND all_services = 1 AND created_at = 3"),
                     1);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers WHERE id = 2 AND state = "
                                "'stopped' AND channel = 'sms'"),
                     1);
    assert_int_equal(one(f->db, test_on_pg() ? "SELECT COUNT(*) FROM pg_indexes WHERE indexname = "
                                               "'subscribers_state'"
                                             : "SELECT COUNT(*) FROM sqlite_master WHERE type = "
                                               "'index' AND name = 'subscribers_state'"),
                     1);
    if (!test_on_pg()) { /* on again on the write connection (a transaction uses it) */
        assert_int_equal(db_begin(f->db, &e), 0);
        assert_int_equal(one(f->db, "PRAGMA foreign_keys"), 1);
        db_rollback(f->db);
    }
    /* the wider CHECKs, and the sequence carried over */
    run(f->db,
        "INSERT INTO subscribers (page_id, channel, address, state, created_at, "
        "updated_at) VALUES (1, 'slack', 'https://hooks.example.com/x', 'quarantined', 5, 5)");
    assert_int_equal(one(f->db, "SELECT MAX(id) FROM subscribers"), 5);
    struct err ce = {0};
    assert_int_not_equal(db_exec(f->db, &ce, NULL,
                                 "INSERT INTO subscribers (page_id, channel, address, created_at, "
                                 "updated_at) VALUES (1, 'fax', 'x', 0, 0)",
                                 NULL),
                         0);
    /* the cascade still works after the rebuild */
    run(f->db, "DELETE FROM subscribers WHERE id = 1");
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscriber_services"), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE subscriber_id IS NULL"), 1);
}

/* A URL subscriber of page 1 in STATE; its id. */
static int64_t hook(struct db *db, const char *channel, const char *url, const char *state, int all)
{
    struct err e = {0};
    if (db_exec(db, &e, NULL,
                "INSERT INTO subscribers (page_id, channel, address, state, all_services, "
                "created_at, updated_at) VALUES (1, ?, ?, ?, ?, 0, 0)",
                "sssi", channel, url, state, (int64_t)all) != 0)
        fail_msg("%s", e.msg);
    return one(db, "SELECT MAX(id) FROM subscribers");
}

static void quarantine_after_ten_failures(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    bool q = false, activated = false;
    populate(f->db);
    assert_int_equal(db_migrate(f->db, &e), 0);
    int64_t id = hook(f->db, "slack", "https://hooks.example.com/a", "pending", 1);
    assert_int_equal(store_hook_confirmed(f->db, id, 10, &activated, &e), 0);
    assert_true(activated);
    assert_int_equal(store_hook_confirmed(f->db, id, 11, &activated, &e), 0);
    assert_false(activated); /* only a pending one */
    for (int i = 0; i < 5; i++)
        assert_int_equal(store_hook_failed(f->db, id, 10, "why", &q, &e), 0);
    assert_int_equal(store_hook_delivered(f->db, id, &e), 0);
    for (int i = 0; i < 9; i++) {
        assert_int_equal(store_hook_failed(f->db, id, 10, "why", &q, &e), 0);
        assert_false(q);
    }
    run(f->db, "INSERT INTO deliveries (page_id, update_id, channel, recipient, subscriber_id, "
               "next_attempt_at, accepted_at, created_at) VALUES "
               "(1, 1, 'slack', 'https://hooks.example.com/a', 5, 0, 0, 0)");
    assert_int_equal(store_hook_failed(f->db, id, 10, "not sent: quarantined", &q, &e), 0);
    assert_true(q);
    json_t *row = store_hook_get(f->db, id, &e);
    assert_string_equal(json_string_value(json_object_get(row, "state")), "quarantined");
    assert_int_equal(json_integer_value(json_object_get(row, "failures")), 10);
    json_decref(row);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE subscriber_id = 5 AND "
                                "state = 'failed' AND last_error = 'not sent: quarantined'"),
                     1);
    int changed = 0;
    assert_int_equal(store_hook_reactivate(f->db, 1, id, 20, &changed, &e), 0);
    assert_int_equal(changed, 1);
    row = store_hook_get(f->db, id, &e);
    assert_string_equal(json_string_value(json_object_get(row, "state")), "pending");
    assert_int_equal(json_integer_value(json_object_get(row, "failures")), 0);
    json_decref(row);
    /* an e-mail subscriber is never "reactivated" so */
    assert_int_equal(store_hook_reactivate(f->db, 1, 2, 20, &changed, &e), 0);
    assert_int_equal(changed, 0);
}

static void fan_out_picks_active_url_subscribers(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    populate(f->db);
    assert_int_equal(db_migrate(f->db, &e), 0);
    run(f->db, "INSERT INTO event_services (event_id, service_id, status) "
               "VALUES (1, 1, 'major_outage')");
    int64_t a = hook(f->db, "slack", "https://hooks.example.com/a", "active", 0);
    int64_t b = hook(f->db, "webhook", "https://example.com/b", "active", 1);
    int64_t c = hook(f->db, "slack", "https://hooks.example.com/c", "active", 0);
    hook(f->db, "teams", "https://example.com/q", "quarantined", 1);
    hook(f->db, "discord", "https://example.com/p", "pending", 1);
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO subscriber_services (subscriber_id, service_id) VALUES (%lld, 1), "
             "(%lld, 2)",
             (long long)a, (long long)c);
    run(f->db, sql);
    run(f->db, "DELETE FROM subscriber_services WHERE service_id = 1 AND subscriber_id IN "
               "(SELECT id FROM subscribers WHERE address = 'https://hooks.example.com/c')");
    int64_t last = 0;
    int n = 0;
    assert_int_equal(store_hook_expand_batch(f->db, 1, 1, 1, ",slack,", 0, 10, 0, 0, &last, &n, &e),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(last, a);
    assert_int_equal(store_hook_expand_batch(f->db, 1, 1, 1, ",slack,webhook,teams,discord,", 0, 1,
                                             0, 0, &last, &n, &e),
                     0);
    assert_int_equal(n, 1); /* a batch of one */
    assert_int_equal(store_hook_expand_batch(f->db, 1, 1, 1, ",slack,webhook,teams,discord,", last,
                                             10, 0, 0, &last, &n, &e),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(last, b);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE channel IN ('slack', "
                                "'webhook') AND recipient LIKE 'https://%'"),
                     2);
    assert_int_equal(
        store_hook_expand_batch(f->db, 1, 1, 1, ",sms,email,", 0, 10, 0, 0, &last, &n, &e), 0);
    assert_int_equal(n, 0); /* never the e-mail or SMS subscribers */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(migration_keeps_subscribers, setup, teardown),
        cmocka_unit_test_setup_teardown(quarantine_after_ten_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(fan_out_picks_active_url_subscribers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
