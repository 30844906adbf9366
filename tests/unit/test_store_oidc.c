/*
 * Unit tests for store/oidc against a temporary database (SQLite, or PostgreSQL with
 * PHAROS_TEST_BACKEND): the provider's fetch is taken once under its lease, is not due
 * again until the refresh time, a failure is retried after its pace, and wanted keys
 * make it due after the pace only (the rate limit of key rotation); a recorded failure
 * keeps the cached document. A sign-in is found by its state's hash while young, takes
 * a code once (a replayed state is refused), is leased to one dispatcher, and is used
 * once.
 */
#include "core/log.h"
#include "store/oidc.h"
#include "store/pages.h"
#include "testutil.h"

static const char ISS[] = "https://id.example";
static const int64_t T = 1700000000; /* the times below are seconds after T */

struct fixture {
    char dir[64];
    struct db *db;
    int64_t page;
};

static int setup(void **state)
{
    log_set_level(LOG_WARN);
    struct fixture *f = calloc(1, sizeof *f);
    struct err e = {0};
    f->db = test_db_open(f->dir);
    *state = f;
    if (!f->db) return -1;
    f->page = store_page_insert(f->db, "default", "Status", &e);
    return f->page > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

/* store_oidc_provider_claim in its own transaction. */
static int claim(struct db *db, int64_t now, int64_t tried_before, int64_t fetched_before)
{
    struct err e = {0};
    now += T, tried_before += T, fetched_before += T;
    assert_int_equal(db_begin(db, &e), 0);
    int rc = store_oidc_provider_claim(db, ISS, now, now + 60, tried_before, fetched_before, &e);
    assert_int_equal(db_commit(db, &e), 0);
    return rc;
}

static void record(struct db *db, const char *config, const char *jwks, const char *error,
                   int64_t now)
{
    struct err e = {0};
    now += T;
    assert_int_equal(db_begin(db, &e), 0);
    assert_int_equal(store_oidc_provider_record(db, ISS, config, jwks, error, now, &e), 0);
    assert_int_equal(db_commit(db, &e), 0);
}

static int64_t num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void the_provider_is_fetched_once_and_paced(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    assert_null(store_oidc_provider_get(f->db, ISS, &e));
    assert_int_equal(e.code, ERR_OK);
    /* never fetched: due; taken once (the lease) */
    assert_int_equal(claim(f->db, 1000, 990, 1000 - 3600), 1);
    assert_int_equal(claim(f->db, 1001, 991, 1001 - 3600), 0);
    record(f->db, "{\"issuer\":\"x\"}", "{\"keys\":[]}", NULL, 1002);
    json_t *p = store_oidc_provider_get(f->db, ISS, &e);
    assert_string_equal(json_string_value(json_object_get(p, "config")), "{\"issuer\":\"x\"}");
    assert_int_equal(num(p, "fetched"), T + 1002);
    assert_int_equal(num(p, "tried"), T + 1000);
    assert_true(json_is_null(json_object_get(p, "error")));
    json_decref(p);
    /* fresh: not due, even with the lease gone */
    assert_int_equal(claim(f->db, 1100, 1090, 1100 - 3600), 0);
    /* keys wanted (an unknown kid): due only once the pace since the last try has passed */
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(store_oidc_provider_want_keys(f->db, ISS, &e), 0);
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_int_equal(claim(f->db, 1005, 995, 1005 - 3600), 0);
    assert_int_equal(claim(f->db, 1011, 1001, 1011 - 3600), 1);
    /* a failure keeps what was cached, clears the wish, and is retried when due */
    record(f->db, NULL, NULL, "HTTP 500", 1012);
    p = store_oidc_provider_get(f->db, ISS, &e);
    assert_string_equal(json_string_value(json_object_get(p, "error")), "HTTP 500");
    assert_string_equal(json_string_value(json_object_get(p, "jwks")), "{\"keys\":[]}");
    assert_int_equal(num(p, "keys_wanted"), 0);
    json_decref(p);
    assert_int_equal(claim(f->db, 1020, 1011, 1020 - 3600), 0);
    assert_int_equal(claim(f->db, 1050, 1020, 1050 - 3600), 1);
    /* a lease that ran out frees the fetch for another node */
    assert_int_equal(claim(f->db, 1200, 1190, 1200 - 3600), 1);
    /* stale after the refresh time */
    record(f->db, "{}", "{\"keys\":[]}", NULL, 1300);
    assert_int_equal(claim(f->db, 1300 + 3601, 1300 + 3591, 1300 + 1), 1);
}

static int64_t add(struct fixture *f, const char *hash, int64_t now)
{
    struct err e = {0};
    assert_int_equal(db_begin(f->db, &e), 0);
    int64_t id = store_oidc_login_add(f->db, f->page, hash, "nonce-1", "sealed", "http://x/cb",
                                      "/admin", now, 600, &e);
    assert_int_equal(db_commit(f->db, &e), 0);
    return id;
}

static void a_sign_in_takes_one_code_one_lease_and_is_used_once(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    int64_t id = add(f, "h1", 1000);
    assert_true(id > 0);
    json_t *row = store_oidc_login_get(f->db, "h1", 1000 - 600, &e);
    assert_string_equal(json_string_value(json_object_get(row, "step")), "started");
    assert_string_equal(json_string_value(json_object_get(row, "nonce")), "nonce-1");
    assert_int_equal(num(row, "page_id"), f->page);
    json_decref(row);
    assert_null(store_oidc_login_get(f->db, "h2", 0, &e));
    /* a second sign-in with the same state hash is a conflict */
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_true(store_oidc_login_add(f->db, f->page, "h1", "n", "s", "u", "/", 1001, 600, &e) < 0);
    assert_int_equal(e.code, ERR_CONFLICT);
    db_rollback(f->db);
    /* nothing waits for an exchange yet */
    e = (struct err){0};
    assert_int_equal(store_oidc_logins_waiting(f->db, 1001, 1001 - 600, &e), 0);
    /* the code: once */
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(store_oidc_login_code(f->db, "h1", "code-1", 1001 - 600, 1001, &e), id);
    assert_int_equal(store_oidc_login_code(f->db, "h1", "code-2", 1001 - 600, 1001, &e), 0);
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_int_equal(store_oidc_logins_waiting(f->db, 1001, 1001 - 600, &e), 1);
    /* one lease */
    assert_int_equal(db_begin(f->db, &e), 0);
    json_t *rows = store_oidc_logins_claim(f->db, 1002, 1062, 1002 - 600, 8, &e);
    assert_int_equal(json_array_size(rows), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "code")),
                        "code-1");
    json_decref(rows);
    rows = store_oidc_logins_claim(f->db, 1003, 1063, 1003 - 600, 8, &e);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    /* waiting for keys, then verified */
    assert_int_equal(store_oidc_login_finish(f->db, id, "keys", "tok", NULL, NULL, 1004, &e), 0);
    rows = store_oidc_logins_keys(f->db, &e);
    assert_int_equal(json_array_size(rows), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "id_token")),
                        "tok");
    json_decref(rows);
    assert_int_equal(
        store_oidc_login_finish(f->db, id, "verified", NULL, "ann@example.com", NULL, 1005, &e), 0);
    assert_int_equal(db_commit(f->db, &e), 0);
    /* used once */
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(store_oidc_login_use(f->db, id, 1006, &e), 1);
    assert_int_equal(store_oidc_login_use(f->db, id, 1006, &e), 0);
    assert_int_equal(db_commit(f->db, &e), 0);
    /* old sign-ins are not found, and are forgotten by the next one */
    assert_null(store_oidc_login_get(f->db, "h1", 1000, &e));
    assert_true(add(f, "h3", 1000 + 601) > 0);
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &e, &n, "SELECT COUNT(*) FROM oidc_logins", ""), 1);
    assert_int_equal(n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_provider_is_fetched_once_and_paced, setup, teardown),
        cmocka_unit_test_setup_teardown(a_sign_in_takes_one_code_one_lease_and_is_used_once, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("store/oidc", tests, NULL, NULL);
}
