/*
 * Unit tests for domain/uptime: per-day worst status, weighted downtime
 * (partial < major, maintenance and degraded not down), days without data,
 * the window edges, the percentage text, and monitors' checks in place of the history.
 */
#include "domain/uptime.h"
#include "testutil.h"
#include <math.h>

#define DAY 86400
/* 2026-11-26T12:00:00Z: noon of the last day of the window */
static const int64_t NOW = 1795694400;
static int64_t today(void)
{
    return NOW - NOW % DAY;
}

static void whole_window_operational_is_100(void **state)
{
    (void)state;
    struct uptime_day d[90];
    struct uptime_span s[] = {{SVC_OPERATIONAL, NOW - 200 * DAY}};
    double u = uptime_compute(s, 1, NOW, 90, d);
    assert_true(u == 1.0);
    assert_int_equal(d[0].start, today() - 89 * DAY);
    assert_int_equal(d[89].start, today());
    for (int i = 0; i < 90; i++)
        assert_int_equal(d[i].worst, SVC_OPERATIONAL);
    assert_true(d[89].observed == 12 * 3600.0); /* today counts up to NOW only */
    char buf[16];
    assert_string_equal(uptime_format(u, buf, sizeof buf), "100.00%");
}

static void worst_status_of_the_day_and_weights(void **state)
{
    (void)state;
    struct uptime_day d[3];
    int64_t y = today() - DAY; /* yesterday */
    struct uptime_span s[] = {
        {SVC_OPERATIONAL, today() - 10 * DAY},
        {SVC_PARTIAL, y + 3600},            /* 1 h partial */
        {SVC_MAJOR, y + 7200},              /* 1 h major */
        {SVC_UNDER_MAINTENANCE, y + 10800}, /* 1 h maintenance */
        {SVC_DEGRADED, y + 14400},          /* 1 h degraded */
        {SVC_OPERATIONAL, y + 18000},
    };
    double u = uptime_compute(s, 6, NOW, 3, d);
    assert_int_equal(d[0].worst, SVC_OPERATIONAL);
    assert_int_equal(d[1].worst, SVC_MAJOR);
    assert_int_equal(d[2].worst, SVC_OPERATIONAL);
    assert_true(fabs(d[1].down - (3600 * UPTIME_PARTIAL_WEIGHT + 3600)) < 1e-6);
    assert_true(d[1].observed == DAY);
    double day1 = uptime_day_fraction(&d[1]);
    assert_true(fabs(day1 - (1 - (3600 * 1.3) / DAY)) < 1e-9);
    double total_obs = 2 * DAY + 12 * 3600.0;
    assert_true(fabs(u - (1 - 3600 * 1.3 / total_obs)) < 1e-9);
}

static void partial_weighs_less_than_major(void **state)
{
    (void)state;
    struct uptime_day d[1];
    struct uptime_span p[] = {{SVC_PARTIAL, today()}};
    struct uptime_span m[] = {{SVC_MAJOR, today()}};
    struct uptime_span mt[] = {{SVC_UNDER_MAINTENANCE, today()}};
    double up = uptime_compute(p, 1, NOW, 1, d);
    double um = uptime_compute(m, 1, NOW, 1, d);
    double ut = uptime_compute(mt, 1, NOW, 1, d);
    assert_true(um == 0.0);
    assert_true(up > um && up < 1.0);
    assert_true(ut == 1.0);
    assert_int_equal(d[0].worst, SVC_UNDER_MAINTENANCE);
}

static void days_before_the_service_have_no_data(void **state)
{
    (void)state;
    struct uptime_day d[90];
    struct uptime_span s[] = {{SVC_MAJOR, today() - DAY + 6 * 3600}}; /* created yesterday 06:00 */
    double u = uptime_compute(s, 1, NOW, 90, d);
    for (int i = 0; i < 88; i++) {
        assert_int_equal(d[i].worst, UPTIME_NO_DATA);
        assert_true(uptime_day_fraction(&d[i]) < 0);
    }
    assert_int_equal(d[88].worst, SVC_MAJOR);
    assert_true(d[88].observed == 18 * 3600.0);
    assert_true(u == 0.0);
    /* no spans at all: nothing observed */
    assert_true(uptime_compute(NULL, 0, NOW, 90, d) < 0);
    char buf[16];
    assert_string_equal(uptime_format(-1, buf, sizeof buf), "—");
}

static void spans_outside_the_window_are_clipped(void **state)
{
    (void)state;
    struct uptime_day d[2];
    struct uptime_span s[] = {
        {SVC_MAJOR, today() - 30 * DAY},       /* before the window: counts from its start */
        {SVC_OPERATIONAL, today() - DAY + 60}, /* 60 s of major inside the window */
        {SVC_MAJOR, NOW + 3600},               /* in the future: ignored */
    };
    double u = uptime_compute(s, 3, NOW, 2, d);
    assert_int_equal(d[0].worst, SVC_MAJOR);
    assert_true(d[0].down == 60);
    assert_int_equal(d[1].worst, SVC_OPERATIONAL);
    assert_true(d[1].down == 0);
    assert_true(fabs(u - (1 - 60.0 / (DAY + 12 * 3600))) < 1e-12);
}

static void a_service_created_now_shows_its_status_today(void **state)
{
    (void)state;
    struct uptime_day d[90];
    struct uptime_span s[] = {{SVC_PARTIAL, NOW}};
    double u = uptime_compute(s, 1, NOW, 90, d);
    assert_int_equal(d[89].worst, SVC_PARTIAL);
    assert_true(uptime_day_fraction(&d[89]) == 1.0);
    assert_int_equal(d[88].worst, UPTIME_NO_DATA);
    assert_true(u < 0); /* no time observed yet */
    /* an earlier span that lasted no time marks nothing */
    struct uptime_span t[] = {{SVC_MAJOR, NOW - 3600}, {SVC_OPERATIONAL, NOW - 3600}};
    uptime_compute(t, 2, NOW, 90, d);
    assert_int_equal(d[89].worst, SVC_OPERATIONAL);
}

static void percentage_never_rounds_up_to_100(void **state)
{
    (void)state;
    char buf[16];
    assert_string_equal(uptime_format(0.99999, buf, sizeof buf), "99.99%");
    assert_string_equal(uptime_format(0.5, buf, sizeof buf), "50.00%");
    assert_string_equal(uptime_format(0.0, buf, sizeof buf), "0.00%");
    assert_true(uptime_weight(SVC_DEGRADED) == 0 && uptime_weight(SVC_OPERATIONAL) == 0);
}

static void monitor_checks_replace_the_history_where_they_ran(void **state)
{
    (void)state;
    struct uptime_day d[3];
    int64_t y = today() - DAY;
    /* yesterday: 1 h major outage by the history, but 1 failed check in 4 */
    struct uptime_span s[] = {
        {SVC_OPERATIONAL, today() - 10 * DAY}, {SVC_MAJOR, y + 3600}, {SVC_OPERATIONAL, y + 7200}};
    uptime_compute(s, 3, NOW, 3, d);
    struct uptime_checks c[3] = {{0, 0}, {4, 1}, {0, 0}}; /* the other days: not checked */
    double u = uptime_apply_checks(d, 3, c);
    assert_int_equal(d[1].worst, SVC_MAJOR); /* the colour stays the history's */
    assert_true(fabs(uptime_day_fraction(&d[1]) - 0.75) < 1e-9);
    assert_true(uptime_day_fraction(&d[0]) == 1.0); /* unchecked: the history's */
    double total_obs = 2 * DAY + 12 * 3600.0;
    assert_true(fabs(u - (1 - DAY * 0.25 / total_obs)) < 1e-9);
    /* checks on a day before the service existed change nothing */
    struct uptime_day e[3];
    struct uptime_span young[] = {{SVC_OPERATIONAL, today()}};
    uptime_compute(young, 1, NOW, 3, e);
    struct uptime_checks c2[3] = {{10, 10}, {0, 0}, {2, 0}};
    assert_true(uptime_apply_checks(e, 3, c2) == 1.0);
    assert_int_equal(e[0].worst, UPTIME_NO_DATA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_window_operational_is_100),
        cmocka_unit_test(worst_status_of_the_day_and_weights),
        cmocka_unit_test(partial_weighs_less_than_major),
        cmocka_unit_test(days_before_the_service_have_no_data),
        cmocka_unit_test(spans_outside_the_window_are_clipped),
        cmocka_unit_test(a_service_created_now_shows_its_status_today),
        cmocka_unit_test(percentage_never_rounds_up_to_100),
        cmocka_unit_test(monitor_checks_replace_the_history_where_they_ran),
    };
    return cmocka_run_group_tests_name("domain/uptime", tests, NULL, NULL);
}
