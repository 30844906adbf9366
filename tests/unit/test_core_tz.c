/*
 * Unit tests for core/tz: names checked against the system's tz database and ICU
 * (typos and invented zones refused), wall times in a zone both ways (DST gaps and
 * impossible dates), and the texts messages use: one moment, and a window in the
 * zone and in UTC.
 */
#include "core/tz.h"
#include "testutil.h"

/* 2026-12-10T08:00:00Z, a Thursday; 2026-07-01T12:00:00Z, a Wednesday. */
enum { WINTER = 1796889600, SUMMER = 1782907200 };

static void names(void **state)
{
    (void)state;
    assert_true(tz_known("Europe/Paris"));
    assert_true(tz_known("America/New_York"));
    assert_true(tz_known("UTC"));
    assert_false(tz_known("Europe/Pariss"));
    assert_false(tz_known("Mars/Olympus"));
    assert_false(tz_known(""));
    assert_false(tz_known(NULL));
    assert_false(tz_known("../../etc/passwd"));
    assert_false(tz_known("/etc/localtime"));
    assert_false(tz_known("Europe/Paris "));
}

static void moments_in_a_zone(void **state)
{
    (void)state;
    struct tz_time l;
    assert_int_equal(tz_split("Europe/Paris", WINTER, &l), 0);
    assert_int_equal(l.hour, 9);
    assert_int_equal(l.offset_s, 3600);
    assert_int_equal(l.weekday, 4);
    assert_int_equal(tz_split("Europe/Paris", SUMMER, &l), 0);
    assert_int_equal(l.hour, 14);
    assert_int_equal(l.offset_s, 7200);
    assert_int_equal(tz_split("Asia/Kolkata", WINTER, &l), 0);
    assert_int_equal(l.hour * 60 + l.minute, 13 * 60 + 30);
    assert_int_equal(tz_split("Nowhere/Town", WINTER, &l), -1);

    int64_t t = 0;
    assert_int_equal(tz_from_local("Europe/Paris", 2026, 12, 10, 9, 0, 0, &t), 0);
    assert_int_equal(t, WINTER);
    assert_int_equal(tz_from_local("UTC", 2026, 12, 10, 8, 0, 0, &t), 0);
    assert_int_equal(t, WINTER);
    /* 02:30 does not exist on 29 March 2026 in Paris: the next valid time, 03:00 CEST */
    assert_int_equal(tz_from_local("Europe/Paris", 2026, 3, 29, 2, 30, 0, &t), 0);
    assert_int_equal(tz_split("UTC", t, &l), 0);
    assert_int_equal(l.hour, 1);
    assert_int_equal(tz_from_local("Europe/Paris", 2026, 2, 31, 9, 0, 0, &t), -1);
    assert_int_equal(tz_from_local("Europe/Paris", 2026, 13, 1, 9, 0, 0, &t), -1);
    assert_int_equal(tz_from_local("Mars/Olympus", 2026, 1, 1, 9, 0, 0, &t), -1);
    assert_int_equal(tz_from_local("UTC", 2028, 2, 29, 0, 0, 0, &t), 0); /* leap day */
}

static void texts(void **state)
{
    (void)state;
    char b[160];
    assert_string_equal(tz_format("UTC", WINTER, b, sizeof b), "Thu 10 Dec 2026 08:00 UTC");
    assert_string_equal(tz_format("America/New_York", WINTER, b, sizeof b),
                        "Thu 10 Dec 2026 03:00 EST");
    assert_string_equal(tz_window("UTC", WINTER, WINTER + 7200, b, sizeof b),
                        "Thu 10 Dec 2026 08:00–10:00 UTC");
    assert_string_equal(tz_window("America/New_York", WINTER, WINTER + 7200, b, sizeof b),
                        "Thu 10 Dec 2026 03:00–05:00 EST (08:00–10:00 UTC)");
    assert_string_equal(tz_window("America/New_York", WINTER, WINTER + 86400, b, sizeof b),
                        "Thu 10 Dec 2026 03:00 EST – Fri 11 Dec 2026 03:00 EST "
                        "(08:00–Fri 11 Dec 2026 08:00 UTC)");
    assert_string_equal(tz_window("Nowhere/Town", WINTER, WINTER + 60, b, sizeof b), "");
    assert_string_equal(tz_short("America/New_York", WINTER, b, sizeof b), "10 Dec 03:00 EST");
    assert_string_equal(tz_window_short("UTC", WINTER, WINTER + 7200, b, sizeof b),
                        "10 Dec 08:00-10:00 UTC");
    assert_string_equal(tz_window_short("UTC", WINTER, WINTER + 86400, b, sizeof b),
                        "10 Dec 08:00 UTC - 11 Dec 08:00 UTC");
    assert_string_equal(tz_window_short_utc("Europe/Paris", WINTER, WINTER + 7200, b, sizeof b),
                        "10 Dec 09:00-11:00 GMT+1 / 08:00-10:00 UTC");
    assert_string_equal(tz_window_short_utc("UTC", WINTER, WINTER + 7200, b, sizeof b),
                        "10 Dec 08:00-10:00 UTC");
    assert_string_equal(tz_window_short_utc("Etc/GMT", WINTER, WINTER + 7200, b, sizeof b),
                        "10 Dec 08:00-10:00 UTC"); /* UTC's clock: said once */
    /* the UTC part starts on another day: dated */
    assert_string_equal(
        tz_window_short_utc("Asia/Tokyo", WINTER - 8 * 3600 - 1800, WINTER - 3 * 3600, b, sizeof b),
        "10 Dec 08:30-14:00 GMT+9 / 9 Dec 23:30 UTC - 10 Dec 05:00 UTC");
    assert_string_equal(
        tz_window_short_utc("America/New_York", WINTER, WINTER + 86400, b, sizeof b),
        "10 Dec 03:00 EST - 11 Dec 03:00 EST / 08:00 UTC - 11 Dec 08:00 UTC");
    assert_string_equal(tz_window_short_utc("Nowhere/Town", WINTER, WINTER + 60, b, sizeof b), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(moments_in_a_zone),
        cmocka_unit_test(texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
