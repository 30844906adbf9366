/*
 * Unit tests for app/sessions against a real database: setup only while no user
 * exists, sign-in (wrong password, per-account throttling), sessions stored
 * hashed with their own CSRF token, idle and absolute expiry (with the clock
 * moved by time_set_offset), sign-out here and everywhere, password change.
 */
#include "app/pages.h"
#include "app/sessions.h"
#include "core/timeutil.h"
#include "testutil.h"

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    int64_t page;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    secret_init();
    f->db = test_db_open(f->dir);
    config_init(&f->cfg);
    f->cfg.session_idle_s = 1800;
    f->cfg.session_max_s = 43200;
    f->app.cfg = &f->cfg;
    struct app_ctx c = {.app = &f->app, .db = f->db, .actor = {.kind = ACTOR_SYSTEM}};
    if (!f->db || app_page_ensure_default(&c, &e) != 0 ||
        app_page_resolve(&f->app, f->db, "", &f->page, &e) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    time_set_offset(0);
    test_db_close(f->db, f->dir);
    config_free(&f->cfg);
    free(f);
    return 0;
}

/* Sets up the first owner; returns the cookie (caller frees). */
static char *first_owner(struct fx *f)
{
    struct err e = {0};
    char *cookie = NULL;
    assert_int_equal(
        app_setup(&f->app, f->db, f->page, "Owner@Example.com", "Olive", "password-1", &cookie, &e),
        0);
    assert_non_null(cookie);
    return cookie;
}

static void setup_only_while_no_user_exists(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    bool needed = false;
    char *cookie = NULL;
    assert_int_equal(app_setup_needed(f->db, &needed, &e), 0);
    assert_true(needed);
    assert_int_equal(app_setup(&f->app, f->db, f->page, "bad", "", "password-1", &cookie, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(app_setup(&f->app, f->db, f->page, "a@example.com", "", "short", &cookie, &e),
                     -1);
    assert_null(cookie);
    free(first_owner(f));
    assert_int_equal(app_setup_needed(f->db, &needed, &e), 0);
    assert_false(needed);
    assert_int_equal(
        app_setup(&f->app, f->db, f->page, "b@example.com", "", "password-2", &cookie, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_null(cookie);
}

static void sessions_are_hashed_and_have_their_own_csrf(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char *a = first_owner(f), *b = NULL;
    struct app_session sa, sb;
    assert_int_equal(
        app_login(&f->app, f->db, f->page, "owner@example.com", "password-1", "1.2.3.4", &b, &e),
        0);
    assert_int_equal(app_session_load(&f->app, f->db, a, &sa, &e), 0);
    assert_int_equal(app_session_load(&f->app, f->db, b, &sb, &e), 0);
    assert_int_equal(sa.role, ROLE_OWNER);
    assert_int_equal(sa.page_id, f->page);
    assert_string_equal(sa.email, "owner@example.com");
    assert_string_not_equal(sa.csrf, sb.csrf);
    assert_true(strlen(sa.csrf) >= 32);
    int64_t n = 0;
    assert_int_equal(
        db_query_int(f->db, &e, &n, "SELECT COUNT(*) FROM sessions WHERE id_hash = ?", "s", a), 1);
    assert_int_equal(n, 0); /* the cookie value itself is not stored */
    assert_int_equal(app_session_load(&f->app, f->db, "ses_forged", &sa, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    assert_int_equal(app_session_load(&f->app, f->db, NULL, &sa, &e), -1);
    free(a);
    free(b);
}

static void wrong_passwords_are_throttled_per_account(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char *cookie = first_owner(f);
    free(cookie);
    cookie = NULL;
    assert_int_equal(app_login(&f->app, f->db, f->page, "nobody@example.com", "password-1",
                               "9.9.9.9", &cookie, &e),
                     -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    for (int i = 0; i < LOGIN_PER_ACCOUNT; i++) {
        assert_int_equal(app_login(&f->app, f->db, f->page, "owner@example.com", "wrong", "1.1.1.1",
                                   &cookie, &e),
                         -1);
        assert_int_equal(e.code, ERR_UNAUTHORIZED);
    }
    assert_int_equal(app_login(&f->app, f->db, f->page, "owner@example.com", "password-1",
                               "2.2.2.2", &cookie, &e),
                     -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    assert_null(cookie);
    time_set_offset(LOGIN_WINDOW_S);
    assert_int_equal(app_login(&f->app, f->db, f->page, "owner@example.com", "password-1",
                               "2.2.2.2", &cookie, &e),
                     0);
    free(cookie);
}

static void wrong_passwords_are_throttled_per_address(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char *cookie = first_owner(f), email[64];
    free(cookie);
    cookie = NULL;
    for (int i = 0; i < LOGIN_PER_ADDRESS; i++) {
        snprintf(email, sizeof email, "guess%d@example.com", i);
        assert_int_equal(app_login(&f->app, f->db, f->page, email, "wrong", "6.6.6.6", &cookie, &e),
                         -1);
        assert_int_equal(e.code, ERR_UNAUTHORIZED);
    }
    assert_int_equal(app_login(&f->app, f->db, f->page, "owner@example.com", "password-1",
                               "6.6.6.6", &cookie, &e),
                     -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    assert_int_equal(app_login(&f->app, f->db, f->page, "owner@example.com", "password-1",
                               "7.7.7.7", &cookie, &e),
                     0);
    free(cookie);
}

static void sessions_expire_when_idle_or_old(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct app_session s;
    char *cookie = first_owner(f);
    /* a few seconds short of the 30 minutes: the clock moves on while a slow (sanitized,
     * loaded) run goes from one step to the next */
    time_set_offset(1790);
    assert_int_equal(app_session_load(&f->app, f->db, cookie, &s, &e), 0); /* and touched */
    time_set_offset(1790 + 1790);
    assert_int_equal(app_session_load(&f->app, f->db, cookie, &s, &e), 0);
    time_set_offset(1790 + 1790 + 1800);
    assert_int_equal(app_session_load(&f->app, f->db, cookie, &s, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTHORIZED);
    assert_non_null(strstr(e.msg, "expired"));
    free(cookie);

    time_set_offset(0);
    cookie = NULL;
    assert_int_equal(app_login(&f->app, f->db, f->page, "owner@example.com", "password-1",
                               "1.1.1.1", &cookie, &e),
                     0);
    for (int64_t t = 1500; t < 43200; t += 1500) {
        time_set_offset(t);
        assert_int_equal(app_session_load(&f->app, f->db, cookie, &s, &e), 0);
    }
    time_set_offset(43200);
    assert_int_equal(app_session_load(&f->app, f->db, cookie, &s, &e), -1);
    free(cookie);
}

static void logout_everywhere_and_password_change(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct app_session sa, sb;
    char *a = first_owner(f), *b = NULL, *c = NULL;
    assert_int_equal(
        app_login(&f->app, f->db, f->page, "owner@example.com", "password-1", "1.1.1.1", &b, &e),
        0);
    assert_int_equal(app_session_load(&f->app, f->db, a, &sa, &e), 0);
    assert_int_equal(app_password_change(f->db, &sa, "wrong", "password-2", "1.1.1.1", &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(app_password_change(f->db, &sa, "password-1", "short", "1.1.1.1", &e), -1);
    assert_int_equal(app_password_change(f->db, &sa, "password-1", "password-2", "1.1.1.1", &e), 0);
    assert_int_equal(app_session_load(&f->app, f->db, b, &sb, &e),
                     -1);                                              /* the other session ended */
    assert_int_equal(app_session_load(&f->app, f->db, a, &sa, &e), 0); /* this one stays */
    assert_int_equal(
        app_login(&f->app, f->db, f->page, "owner@example.com", "password-2", "1.1.1.1", &c, &e),
        0);
    assert_int_equal(app_logout_everywhere(f->db, &sa, &e), 0);
    assert_int_equal(app_session_load(&f->app, f->db, a, &sa, &e), -1);
    assert_int_equal(app_session_load(&f->app, f->db, c, &sb, &e), -1);
    free(a);
    free(b);
    free(c);
}

/* A stolen session cookie is no way around the sign-in limits to guess the password. */
static void password_change_is_throttled_like_sign_in(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct app_session sa;
    char *a = first_owner(f);
    assert_int_equal(app_session_load(&f->app, f->db, a, &sa, &e), 0);
    for (int i = 0; i < LOGIN_PER_ACCOUNT; i++)
        assert_int_equal(app_password_change(f->db, &sa, "wrong", "password-2", "7.7.7.7", &e), -1);
    e = (struct err){0};
    assert_int_equal(app_password_change(f->db, &sa, "password-1", "password-2", "8.8.8.8", &e),
                     -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(setup_only_while_no_user_exists, setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_are_hashed_and_have_their_own_csrf, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(wrong_passwords_are_throttled_per_account, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_passwords_are_throttled_per_address, setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_expire_when_idle_or_old, setup, teardown),
        cmocka_unit_test_setup_teardown(logout_everywhere_and_password_change, setup, teardown),
        cmocka_unit_test_setup_teardown(password_change_is_throttled_like_sign_in, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
