/*
 * Unit tests for core/timeutil: time_format() writes RFC 3339 UTC with a "Z";
 * time_parse() reads "Z" and numeric offsets (+02:00, -05:30), fractional
 * seconds, lower-case t/z and a space separator, and refuses impossible dates
 * (30 February, 29 February of a common year, month 13, hour 24, minute 60),
 * wrong field widths, garbage, trailing characters and times outside the years
 * 0000–9999 that time_format() could not write back. Also the test clock offset.
 */
#include "core/timeutil.h"
#include "testutil.h"

/* 2026-11-26T17:00:00Z */
#define T0 INT64_C(1795712400)

static void formats_rfc3339_utc(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(time_format(0, buf, sizeof buf), "1970-01-01T00:00:00Z");
    assert_string_equal(time_format(T0, buf, sizeof buf), "2026-11-26T17:00:00Z");
    assert_string_equal(time_format(951782400, buf, sizeof buf), "2000-02-29T00:00:00Z");
    assert_string_equal(time_format(-1, buf, sizeof buf), "1969-12-31T23:59:59Z");
    assert_string_equal(time_format(INT64_C(253402300799), buf, sizeof buf),
                        "9999-12-31T23:59:59Z");
}

static void format_returns_its_buffer_and_fits_21_bytes(void **state)
{
    (void)state;
    char buf[21];
    assert_ptr_equal(time_format(T0, buf, sizeof buf), buf);
    assert_int_equal(strlen(buf), 20);
}

static void format_clamps_times_rfc3339_cannot_write(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(time_format(INT64_MAX, buf, sizeof buf), "9999-12-31T23:59:59Z");
    assert_string_equal(time_format(INT64_MIN, buf, sizeof buf), "0000-01-01T00:00:00Z");
    assert_string_equal(time_format(TIME_MAX + 1, buf, sizeof buf), "9999-12-31T23:59:59Z");
}

static int64_t parsed(const char *s)
{
    int64_t t = 12345;
    if (time_parse(s, &t) != 0) fail_msg("\"%s\" was refused", s);
    return t;
}

static void parses_utc_with_z(void **state)
{
    (void)state;
    assert_int_equal(parsed("2026-11-26T17:00:00Z"), T0);
    assert_int_equal(parsed("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(parsed("2000-02-29T00:00:00Z"), 951782400);
}

static void parses_numeric_offsets(void **state)
{
    (void)state;
    assert_int_equal(parsed("2026-11-26T19:00:00+02:00"), T0);
    assert_int_equal(parsed("2026-11-26T11:30:00-05:30"), T0);
    assert_int_equal(parsed("2026-11-26T17:00:00+00:00"), T0);
    assert_int_equal(parsed("2026-11-26T17:00:00-00:00"), T0);
    /* an offset that moves the date */
    assert_int_equal(parsed("2026-11-27T01:00:00+08:00"), T0);
    assert_int_equal(parsed("2026-11-26T02:15:00-14:45"), T0);
}

static void ignores_fractional_seconds(void **state)
{
    (void)state;
    assert_int_equal(parsed("2026-11-26T17:00:00.5Z"), T0);
    assert_int_equal(parsed("2026-11-26T17:00:00.999999999Z"), T0);
    assert_int_equal(parsed("2026-11-26T19:00:00.123+02:00"), T0);
}

static void tolerates_lower_case_and_a_space(void **state)
{
    (void)state;
    assert_int_equal(parsed("2026-11-26t17:00:00z"), T0);
    assert_int_equal(parsed("2026-11-26 17:00:00Z"), T0);
}

static void accepts_a_leap_second_as_the_second_before(void **state)
{
    (void)state;
    assert_int_equal(parsed("2016-12-31T23:59:60Z"), parsed("2016-12-31T23:59:59Z"));
}

static void refuse(const char *s)
{
    int64_t t = 777;
    if (time_parse(s, &t) == 0) fail_msg("\"%s\" was accepted as %lld", s, (long long)t);
    assert_int_equal(t, 777); /* *OUT untouched */
}

static void refuses_impossible_dates_and_times(void **state)
{
    (void)state;
    refuse("2026-02-30T00:00:00Z");
    refuse("2026-02-29T00:00:00Z"); /* not a leap year */
    refuse("1900-02-29T00:00:00Z");
    refuse("2026-04-31T00:00:00Z");
    refuse("2026-13-01T00:00:00Z");
    refuse("2026-00-01T00:00:00Z");
    refuse("2026-01-00T00:00:00Z");
    refuse("2026-01-32T00:00:00Z");
    refuse("2026-01-01T24:00:00Z");
    refuse("2026-01-01T00:60:00Z");
    refuse("2026-01-01T00:00:61Z");
    refuse("2026-01-01T00:00:00+24:00");
    refuse("2026-01-01T00:00:00+01:60");
}

static void refuses_garbage_and_wrong_widths(void **state)
{
    (void)state;
    refuse("");
    refuse("now");
    refuse("2026-11-26");
    refuse("2026-11-26T17:00Z");
    refuse("2026-11-26T17:00:00"); /* no zone */
    refuse("26-11-26T17:00:00Z");
    refuse("2026-1-26T17:00:00Z");
    refuse("2026/11/26T17:00:00Z");
    refuse("2026-11-26X17:00:00Z");
    refuse("2026-11-26T17.00.00Z");
    refuse("+026-11-26T17:00:00Z");
    refuse("2026-11-26T17:00:00.Z"); /* a dot needs digits */
    refuse("2026-11-26T17:00:00+0200");
    refuse("2026-11-26T17:00:00+2:00");
    refuse("2026-11-26T17:00:00 +02:00");
    refuse("2026-11-26T17:00:00UTC");
    refuse("\xff\xfe\xfd\xfc-11-26T17:00:00Z");
}

static void refuses_trailing_characters(void **state)
{
    (void)state;
    refuse("2026-11-26T17:00:00ZZ");
    refuse("2026-11-26T17:00:00Z ");
    refuse("2026-11-26T17:00:00+02:00:00");
    refuse("2026-11-26T17:00:00+02:00Z");
    refuse("2026-11-26T17:00:00Zjunk");
}

static void refuses_times_that_cannot_be_written_back(void **state)
{
    (void)state;
    /* year -1 and year 10000 once the offset is applied */
    refuse("0000-01-01T00:00:00+00:01");
    refuse("9999-12-31T23:59:59-00:01");
    assert_int_equal(parsed("0000-01-01T00:00:00Z"), INT64_C(-62167219200));
    assert_int_equal(parsed("9999-12-31T23:59:59Z"), INT64_C(253402300799));
}

static void refuses_null(void **state)
{
    (void)state;
    int64_t t = 5;
    assert_int_equal(time_parse(NULL, &t), -1);
    assert_int_equal(t, 5);
}

static void round_trips(void **state)
{
    (void)state;
    static const int64_t samples[] = {0,
                                      1,
                                      59,
                                      86399,
                                      951782400,
                                      T0,
                                      INT64_C(4102444799),
                                      -86400,
                                      INT64_C(-62167219200),
                                      INT64_C(253402300799)};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char buf[32];
        int64_t back = 0;
        time_format(samples[i], buf, sizeof buf);
        assert_int_equal(time_parse(buf, &back), 0);
        assert_int_equal(back, samples[i]);
    }
}

static void offset_shifts_now(void **state)
{
    (void)state;
    int64_t before = time_now();
    time_set_offset(86400);
    int64_t shifted = time_now();
    time_set_offset(0);
    assert_true(shifted - before >= 86400 && shifted - before <= 86402);
    assert_true(time_now() - before <= 2);
}

static void monotonic_clock_does_not_go_back(void **state)
{
    (void)state;
    int64_t a = time_mono_us();
    int64_t b = time_mono_us();
    assert_true(a > 0);
    assert_true(b >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_rfc3339_utc),
        cmocka_unit_test(format_returns_its_buffer_and_fits_21_bytes),
        cmocka_unit_test(format_clamps_times_rfc3339_cannot_write),
        cmocka_unit_test(parses_utc_with_z),
        cmocka_unit_test(parses_numeric_offsets),
        cmocka_unit_test(ignores_fractional_seconds),
        cmocka_unit_test(tolerates_lower_case_and_a_space),
        cmocka_unit_test(accepts_a_leap_second_as_the_second_before),
        cmocka_unit_test(refuses_impossible_dates_and_times),
        cmocka_unit_test(refuses_garbage_and_wrong_widths),
        cmocka_unit_test(refuses_trailing_characters),
        cmocka_unit_test(refuses_times_that_cannot_be_written_back),
        cmocka_unit_test(refuses_null),
        cmocka_unit_test(round_trips),
        cmocka_unit_test(offset_shifts_now),
        cmocka_unit_test(monotonic_clock_does_not_go_back),
    };
    return cmocka_run_group_tests_name("core/timeutil", tests, NULL, NULL);
}
