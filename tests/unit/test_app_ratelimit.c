/*
 * Unit tests for app/ratelimit against a real database: counting up to the
 * limit, refusing past it with 429 and a retry time, windows rolling over,
 * checking without counting, and clearing a bucket.
 */
#include "testutil.h"
#include "app/ratelimit.h"
#include "core/timeutil.h"

static void counts_and_refuses_past_the_limit(void **state)
{
    (void)state;
    char dir[64];
    struct db *db = test_db_open(dir);
    assert_non_null(db);
    struct err e = {0};
    int retry = 0;
    time_set_offset(3600 - time_now() % 3600 + 10); /* 10 s into an hour window */
    for (int i = 0; i < 3; i++)
        assert_int_equal(app_rate_hit(db, "login-ip:1.2.3.4", 3, 3600, &retry, &e), 0);
    assert_int_equal(app_rate_check(db, "login-ip:1.2.3.4", 3, 3600, &retry, &e), -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    assert_int_equal(app_rate_hit(db, "login-ip:1.2.3.4", 3, 3600, &retry, &e), -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    assert_int_equal(retry, 3590);
    assert_non_null(strstr(e.msg, "try again in 60 minutes"));
    /* other buckets are independent */
    assert_int_equal(app_rate_hit(db, "login-ip:5.6.7.8", 3, 3600, &retry, &e), 0);
    /* the next window starts afresh */
    time_set_offset(3600 - time_now() % 3600 + 3600 + 10);
    assert_int_equal(app_rate_hit(db, "login-ip:1.2.3.4", 3, 3600, &retry, &e), 0);
    /* clearing forgets the attempts */
    assert_int_equal(app_rate_hit(db, "login-ip:1.2.3.4", 1, 3600, &retry, &e), -1);
    assert_int_equal(app_rate_clear(db, "login-ip:1.2.3.4", &e), 0);
    assert_int_equal(app_rate_hit(db, "login-ip:1.2.3.4", 1, 3600, &retry, &e), 0);
    time_set_offset(0);
    test_db_close(db, dir);
}

static void short_windows_say_seconds(void **state)
{
    (void)state;
    char dir[64];
    struct db *db = test_db_open(dir);
    struct err e = {0};
    int retry = 0;
    time_set_offset(60 - time_now() % 60 + 15);
    assert_int_equal(app_rate_hit(db, "b", 1, 60, &retry, &e), 0);
    assert_int_equal(app_rate_hit(db, "b", 1, 60, &retry, &e), -1);
    assert_int_equal(retry, 45);
    assert_non_null(strstr(e.msg, "try again in 45 seconds"));
    time_set_offset(0);
    test_db_close(db, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_and_refuses_past_the_limit),
        cmocka_unit_test(short_windows_say_seconds),
    };
    return cmocka_run_group_tests_name("app/ratelimit", tests, NULL, NULL);
}
