/*
 * Unit tests for app/tokens against a real database: a token is shown once and
 * stored hashed; authentication answers, in this order, 404 when no page exists,
 * 401 without a token or with an unknown or revoked one, 403 for a token of
 * another page than the one the Host names, and otherwise the token and its
 * page (the host of server.base_url names the default page); the last use is
 * recorded at most once a minute.
 */
#include "app/pages.h"
#include "app/tokens.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/pages.h"
#include "testutil.h"

#define BASE "status.operator.example"

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    struct app_ctx cli;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    log_set_level(LOG_WARN);
    f->db = test_db_open(f->dir);
    config_init(&f->cfg);
    f->cfg.base_url = strdup("https://" BASE);
    strcpy(f->cfg.base_host, BASE);
    f->app.cfg = &f->cfg;
    f->cli = (struct app_ctx){.app = &f->app, .db = f->db, .actor = {.kind = ACTOR_CLI}};
    *state = f;
    return f->db ? 0 : -1;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    config_free(&f->cfg);
    free(f);
    return 0;
}

/* A new token on PAGE; returns it (caller frees) and its id in *ID. */
static char *new_token(struct fx *f, int64_t page, int64_t *id)
{
    struct err e = {0};
    struct app_ctx c = f->cli;
    c.page_id = page;
    char *plain = NULL;
    json_t *out = NULL;
    if (app_token_create(&c, "script", &plain, &out, &e) != 0) fail_msg("token: %s", e.msg);
    *id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return plain;
}

static int auth(struct fx *f, const char *host, const char *token, int64_t *tid, int64_t *page,
                struct err *e)
{
    *e = (struct err){0};
    *tid = *page = 0;
    return app_token_authenticate(&f->app, f->db, host, token, tid, page, e);
}

static void answers_in_order_404_401_403(void **state)
{
    struct fx *f = *state;
    struct err e;
    int64_t tid, page;
    /* no page at all: 404 comes first, token or not */
    assert_int_equal(auth(f, BASE, "phr_whatever", &tid, &page, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_int_equal(auth(f, BASE, NULL, &tid, &page, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);

    assert_int_equal(app_page_ensure_default(&f->cli, &e), 0);
    int64_t def = store_page_default(f->db, &e), b = 0;
    json_t *hosts = json_pack("[s]", "b.test");
    assert_int_equal(app_page_create(&f->cli, "b", "B", hosts, &b, &e), 0);
    json_decref(hosts);
    int64_t def_tid, b_tid;
    char *def_token = new_token(f, def, &def_tid), *b_token = new_token(f, b, &b_tid);

    assert_int_equal(auth(f, BASE, NULL, &tid, &page, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    assert_non_null(strstr(e.msg, "Authorization-Token"));
    assert_int_equal(auth(f, BASE, "phr_unknown", &tid, &page, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    assert_non_null(strstr(e.msg, "unknown or revoked"));

    /* each token on its own page's host; the base_url host and no host are the default's */
    assert_int_equal(auth(f, BASE, def_token, &tid, &page, &e), 0);
    assert_int_equal(tid, def_tid);
    assert_int_equal(page, def);
    assert_int_equal(auth(f, NULL, def_token, &tid, &page, &e), 0);
    assert_int_equal(page, def);
    assert_int_equal(auth(f, "b.test", b_token, &tid, &page, &e), 0);
    assert_int_equal(tid, b_tid);
    assert_int_equal(page, b);
    /* an unknown host is the default page's too */
    assert_int_equal(auth(f, "other.test", def_token, &tid, &page, &e), 0);
    assert_int_equal(page, def);

    /* another page's token: 403, and nothing is filled */
    assert_int_equal(auth(f, BASE, b_token, &tid, &page, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_non_null(strstr(e.msg, "another page"));
    assert_int_equal(page, 0);
    assert_int_equal(auth(f, "b.test", def_token, &tid, &page, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);

    /* revoked: 401 */
    struct app_ctx on_b = f->cli;
    on_b.page_id = b;
    assert_int_equal(app_token_revoke(&on_b, b_tid, &e), 0);
    assert_int_equal(auth(f, "b.test", b_token, &tid, &page, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    free(def_token);
    free(b_token);
}

static int64_t last_used(struct fx *f, int64_t id)
{
    struct err e = {0};
    int64_t v = -1;
    db_query_int(f->db, &e, &v, "SELECT COALESCE(last_used_at, 0) FROM api_tokens WHERE id = ?",
                 "i", id);
    return v;
}

static void last_use_is_recorded_once_a_minute(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    assert_int_equal(app_page_ensure_default(&f->cli, &e), 0);
    int64_t tid, page, id;
    char *token = new_token(f, store_page_default(f->db, &e), &id);
    assert_int_equal(last_used(f, id), 0);
    int64_t t0 = time_now();
    assert_int_equal(auth(f, BASE, token, &tid, &page, &e), 0);
    int64_t first = last_used(f, id);
    assert_true(first >= t0);
    /* a use a minute later than recorded moves it on; one within the minute does not */
    assert_int_equal(db_exec(f->db, &e, NULL, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                             "ii", first - 30, id),
                     0);
    assert_int_equal(auth(f, BASE, token, &tid, &page, &e), 0);
    assert_int_equal(last_used(f, id), first - 30);
    assert_int_equal(db_exec(f->db, &e, NULL, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                             "ii", first - 61, id),
                     0);
    assert_int_equal(auth(f, BASE, token, &tid, &page, &e), 0);
    assert_true(last_used(f, id) >= first);
    free(token);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(answers_in_order_404_401_403),
        T(last_use_is_recorded_once_a_minute),
    };
    return cmocka_run_group_tests_name("app/tokens", tests, NULL, NULL);
}
