/*
 * Unit tests for app/ratelimit against a real database: counting up to the
 * limit, refusing past it with 429 and a retry time, windows rolling over,
 * checking without counting, and clearing a bucket.
 */
#include "app/ratelimit.h"
#include "core/timeutil.h"
#include "testutil.h"

static void counts_and_refuses_past_the_limit(void **state)
{
    (void)state;
    char dir[64];
    struct db *db = test_db_open(dir);
    assert_non_null(db);
    struct err e = {0};
    int retry = 0;
    int64_t base = (time_now() / 3600 + 1) * 3600; /* the start of the next hour window */
    time_freeze(base + 10);                        /* 10 s into it, and no tick after */
    for (int i = 0; i < 3; i++)
        assert_int_equal(app_rate_hit(db, "login-ip:1.2.3.4", 3, 3600, &retry, &e), 0);
    assert_int_equal(app_rate_check(db, "login-ip:1.2.3.4", 3, 3600, &retry, &e), -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    assert_int_equal(app_rate_hit(db, "login-ip:1.2.3.4", 3, 3600, &retry, &e), -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    /* 4 in this window: under 3 only once the next window is a quarter gone */
    assert_int_equal(retry, 3590 + 900);
    assert_non_null(strstr(e.msg, "try again in 75 minutes"));
    /* other buckets are independent */
    assert_int_equal(app_rate_hit(db, "login-ip:5.6.7.8", 3, 3600, &retry, &e), 0);
    /* a window later the attempts still count (mostly); two windows later they are gone */
    time_freeze(base + 3600 + 10);
    assert_int_equal(app_rate_check(db, "login-ip:1.2.3.4", 3, 3600, &retry, &e), -1);
    time_freeze(base + 7200 + 10);
    assert_int_equal(app_rate_hit(db, "login-ip:1.2.3.4", 3, 3600, &retry, &e), 0);
    /* clearing forgets the attempts */
    assert_int_equal(app_rate_hit(db, "login-ip:1.2.3.4", 1, 3600, &retry, &e), -1);
    assert_int_equal(app_rate_clear(db, "login-ip:1.2.3.4", &e), 0);
    assert_int_equal(app_rate_hit(db, "login-ip:1.2.3.4", 1, 3600, &retry, &e), 0);
    time_freeze(0);
    test_db_close(db, dir);
}

static void short_windows_say_seconds(void **state)
{
    (void)state;
    char dir[64];
    struct db *db = test_db_open(dir);
    struct err e = {0};
    int retry = 0;
    time_freeze((time_now() / 60 + 1) * 60 + 15);
    assert_int_equal(app_rate_hit(db, "b", 1, 60, &retry, &e), 0);
    assert_int_equal(app_rate_hit(db, "b", 1, 60, &retry, &e), -1);
    assert_int_equal(retry, 45 + 30);
    assert_non_null(strstr(e.msg, "try again in 75 seconds"));
    time_freeze(0);
    test_db_close(db, dir);
}

/* The attack a fixed window allowed: the limit just before a boundary and again just after. */
static void a_burst_across_a_boundary_is_not_counted_twice(void **state)
{
    (void)state;
    char dir[64];
    struct db *db = test_db_open(dir);
    struct err e = {0};
    int64_t base = (time_now() / 900 + 2) * 900; /* a coming window's start */
    time_freeze(base - 10);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(app_rate_check(db, "login-user:a", 5, 900, NULL, &e), 0);
        app_rate_hit(db, "login-user:a", 5, 900, NULL, &e);
    }
    assert_int_equal(app_rate_check(db, "login-user:a", 5, 900, NULL, &e), -1);
    time_freeze(base + 10);
    int passed = 0;
    for (int i = 0; i < 5; i++) {
        e = (struct err){0};
        if (app_rate_check(db, "login-user:a", 5, 900, NULL, &e) != 0) break;
        passed++;
        app_rate_hit(db, "login-user:a", 5, 900, NULL, &e);
    }
    assert_true(passed <= 1); /* a fixed window let all 5 through */
    time_freeze(0);
    test_db_close(db, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_and_refuses_past_the_limit),
        cmocka_unit_test(short_windows_say_seconds),
        cmocka_unit_test(a_burst_across_a_boundary_is_not_counted_twice),
    };
    return cmocka_run_group_tests_name("app/ratelimit", tests, NULL, NULL);
}
