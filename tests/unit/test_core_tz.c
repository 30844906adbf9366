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
    assert_string_equal(tz_format(NULL, "UTC", WINTER, b, sizeof b), "Thu 10 Dec 2026 08:00 UTC");
    assert_string_equal(tz_format(NULL, "America/New_York", WINTER, b, sizeof b),
                        "Thu 10 Dec 2026 03:00 EST");
    assert_string_equal(tz_window(NULL, "UTC", WINTER, WINTER + 7200, b, sizeof b),
                        "Thu 10 Dec 2026 08:00–10:00 UTC");
    assert_string_equal(tz_window(NULL, "America/New_York", WINTER, WINTER + 7200, b, sizeof b),
                        "Thu 10 Dec 2026 03:00–05:00 EST (08:00–10:00 UTC)");
    assert_string_equal(tz_window(NULL, "America/New_York", WINTER, WINTER + 86400, b, sizeof b),
                        "Thu 10 Dec 2026 03:00 EST – Fri 11 Dec 2026 03:00 EST "
                        "(08:00–Fri 11 Dec 2026 08:00 UTC)");
    assert_string_equal(tz_window(NULL, "Nowhere/Town", WINTER, WINTER + 60, b, sizeof b), "");
    assert_string_equal(tz_short(NULL, "America/New_York", WINTER, b, sizeof b),
                        "10 Dec 03:00 EST");
    assert_string_equal(tz_window_short(NULL, "UTC", WINTER, WINTER + 7200, b, sizeof b),
                        "10 Dec 08:00-10:00 UTC");
    assert_string_equal(tz_window_short(NULL, "UTC", WINTER, WINTER + 86400, b, sizeof b),
                        "10 Dec 08:00 UTC - 11 Dec 08:00 UTC");
    assert_string_equal(
        tz_window_short_utc(NULL, "Europe/Paris", WINTER, WINTER + 7200, b, sizeof b),
        "10 Dec 09:00-11:00 GMT+1 / 08:00-10:00 UTC");
    assert_string_equal(tz_window_short_utc(NULL, "UTC", WINTER, WINTER + 7200, b, sizeof b),
                        "10 Dec 08:00-10:00 UTC");
    assert_string_equal(tz_window_short_utc(NULL, "Etc/GMT", WINTER, WINTER + 7200, b, sizeof b),
                        "10 Dec 08:00-10:00 UTC"); /* UTC's clock: said once */
    /* the UTC part starts on another day: dated */
    assert_string_equal(tz_window_short_utc(NULL, "Asia/Tokyo", WINTER - 8 * 3600 - 1800,
                                            WINTER - 3 * 3600, b, sizeof b),
                        "10 Dec 08:30-14:00 GMT+9 / 9 Dec 23:30 UTC - 10 Dec 05:00 UTC");
    assert_string_equal(
        tz_window_short_utc(NULL, "America/New_York", WINTER, WINTER + 86400, b, sizeof b),
        "10 Dec 03:00 EST - 11 Dec 03:00 EST / 08:00 UTC - 11 Dec 08:00 UTC");
    assert_string_equal(tz_window_short_utc(NULL, "Nowhere/Town", WINTER, WINTER + 60, b, sizeof b),
                        "");
}

/* The same texts in another language's words and orders (render/i18n.h fills these from a
 * catalogue: de's here). */
static void texts_in_another_language(void **state)
{
    (void)state;
    const struct tz_lang de = {.wday = {"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."},
                               .mon = {"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli",
                                       "Aug.", "Sept.", "Okt.", "Nov.", "Dez."},
                               .date = "{wd}, {d}. {mon} {y}",
                               .day = "{d}. {mon}"};
    char b[200];
    assert_string_equal(tz_format(&de, "Europe/Berlin", WINTER, b, sizeof b),
                        "Do., 10. Dez. 2026 09:00 GMT+1");
    assert_string_equal(tz_window(&de, "Europe/Berlin", WINTER, WINTER + 86400, b, sizeof b),
                        "Do., 10. Dez. 2026 09:00 GMT+1 – Fr., 11. Dez. 2026 09:00 GMT+1 "
                        "(08:00–Fr., 11. Dez. 2026 08:00 UTC)");
    assert_string_equal(tz_short(&de, "Europe/Berlin", WINTER, b, sizeof b),
                        "10. Dez. 09:00 GMT+1");
    assert_string_equal(
        tz_window_short_utc(&de, "Europe/Berlin", WINTER, WINTER + 7200, b, sizeof b),
        "10. Dez. 09:00-11:00 GMT+1 / 08:00-10:00 UTC");
    assert_string_equal(tz_window_short_utc(&de, "Asia/Tokyo", WINTER - 8 * 3600 - 1800,
                                            WINTER - 3 * 3600, b, sizeof b),
                        "10. Dez. 08:30-14:00 GMT+9 / 9. Dez. 23:30 UTC - 10. Dez. 05:00 UTC");
    /* a buffer too small is cut, never overrun */
    char tiny[8];
    tz_format(&de, "UTC", WINTER, tiny, sizeof tiny);
    assert_true(strlen(tiny) < sizeof tiny);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(moments_in_a_zone),
        cmocka_unit_test(texts),
        cmocka_unit_test(texts_in_another_language),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
