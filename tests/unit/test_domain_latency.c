/*
 * Unit tests for domain/latency: SLAs per channel, nearest-rank percentiles that
 * are latencies that happened (the dashboard once printed a bucket bound above the
 * maximum), late counts, and durations for people.
 */
#include "domain/latency.h"
#include "testutil.h"

static void slas(void **state)
{
    (void)state;
    assert_int_equal(latency_sla_s(CH_EMAIL), 300);
    assert_int_equal(latency_sla_s(CH_SMS), 120);
    assert_int_equal(latency_sla_s(CH_WEBHOOK), 120);
}

static void percentiles_are_observed_values(void **state)
{
    (void)state;
    struct latency_stats st;
    latency_stats(NULL, 0, 300, &st);
    assert_int_equal(st.n, 0);
    assert_int_equal(st.max, 0);
    /* 20 deliveries: 10 at 0 s, 9 at 1 s, one at 400 s */
    struct latency_bar bars[] = {{0, 10}, {1, 9}, {400, 1}};
    latency_stats(bars, 3, 300, &st);
    assert_int_equal(st.n, 20);
    assert_int_equal(st.p50, 0);
    assert_int_equal(st.p95, 1); /* the 19th of 20 */
    assert_int_equal(st.max, 400);
    assert_int_equal(st.late, 1);
    assert_true(st.p50 <= st.p95 && st.p95 <= st.max);
    struct latency_bar one[] = {{7, 1}};
    latency_stats(one, 1, 120, &st);
    assert_int_equal(st.p50, 7);
    assert_int_equal(st.p95, 7);
    assert_int_equal(st.late, 0);
}

static void durations_for_people(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(latency_format(-1, b, sizeof b), "—");
    assert_string_equal(latency_format(0, b, sizeof b), "under 1 s");
    assert_string_equal(latency_format(42, b, sizeof b), "42 s");
    assert_string_equal(latency_format(120, b, sizeof b), "2 min");
    assert_string_equal(latency_format(185, b, sizeof b), "3 min 5 s");
    assert_string_equal(latency_format(7800, b, sizeof b), "2 h 10 min");
    assert_string_equal(latency_format(7200, b, sizeof b), "2 h");
}

static void backlogs_and_coming_misses(void **state)
{
    (void)state;
    struct latency_backlog b;
    latency_backlog(0, 0, 0, 1000, 300, &b); /* nothing waits */
    assert_int_equal(b.drain_s, 0);
    assert_int_equal(b.sla_left_s, 300);
    assert_false(b.coming_miss);
    /* 6,000 waiting at 3,000 a minute: 2 minutes; the oldest came 60 s ago: 4 min left */
    latency_backlog(6000, 3000, 940, 1000, 300, &b);
    assert_int_equal(b.drain_s, 120);
    assert_int_equal(b.sla_left_s, 240);
    assert_false(b.coming_miss);
    /* the same at 1,000 a minute: 6 minutes, past the promise */
    latency_backlog(6000, 1000, 940, 1000, 300, &b);
    assert_int_equal(b.drain_s, 360);
    assert_true(b.coming_miss);
    /* one waiting, one a minute: a minute; rounding up, never to none */
    latency_backlog(1, 120, 1000, 1000, 120, &b);
    assert_int_equal(b.drain_s, 1);
    /* waiting and nothing sent in the last minute: stalled, a miss coming */
    latency_backlog(5, 0, 990, 1000, 120, &b);
    assert_int_equal(b.drain_s, -1);
    assert_int_equal(b.sla_left_s, 110);
    assert_true(b.coming_miss);
    /* already late */
    latency_backlog(5, 600, 800, 1000, 120, &b);
    assert_int_equal(b.sla_left_s, -80);
    assert_true(b.coming_miss);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slas),
        cmocka_unit_test(percentiles_are_observed_values),
        cmocka_unit_test(durations_for_people),
        cmocka_unit_test(backlogs_and_coming_misses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
