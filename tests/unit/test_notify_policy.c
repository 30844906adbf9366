/*
 * Unit tests for notify/policy: exponential backoff with full jitter (the cap
 * doubles from 2 s per attempt up to 10 minutes; the wait spans [0, cap]; a
 * provider's Retry-After is a floor) and the SLA of each channel with its
 * metrics (latency histogram, misses counted only past the promise).
 */
#include "notify/policy.h"
#include "testutil.h"
#include <stdint.h>

static void test_backoff_full_jitter(void **state)
{
    (void)state;
    /* rnd 0 waits nothing, rnd max waits the whole cap */
    assert_int_equal(notify_backoff_s(1, 0, 0), 0);
    assert_int_equal(notify_backoff_s(1, 0, UINT32_MAX), 2);
    assert_int_equal(notify_backoff_s(2, 0, UINT32_MAX), 4);
    assert_int_equal(notify_backoff_s(3, 0, UINT32_MAX), 8);
    assert_int_equal(notify_backoff_s(9, 0, UINT32_MAX), 512);
    assert_int_equal(notify_backoff_s(10, 0, UINT32_MAX), 600);
    assert_int_equal(notify_backoff_s(100, 0, UINT32_MAX), 600);
    /* the middle of the range */
    assert_int_equal(notify_backoff_s(5, 0, UINT32_MAX / 2), 16);
    for (uint32_t r = 0; r < 4000000000u; r += 99991)
        assert_true(notify_backoff_s(4, 0, r) <= 16);
}

static void test_backoff_honours_retry_after(void **state)
{
    (void)state;
    assert_int_equal(notify_backoff_s(1, 30, 0), 30);
    assert_int_equal(notify_backoff_s(1, 30, UINT32_MAX), 30);
    assert_int_equal(notify_backoff_s(10, 30, UINT32_MAX), 600);
}

static void test_sla(void **state)
{
    (void)state;
    metrics_reset();
    assert_int_equal(latency_sla_s(CH_EMAIL), 300);
    assert_int_equal(latency_sla_s(CH_SMS), 120);
    assert_int_equal(latency_sla_s(CH_SLACK), 120);
    assert_int_equal(latency_sla_s(CH_TWITTER), 120);
    assert_int_equal(latency_sla_s(CH_WEBHOOK), 120);
    notify_sla_record(CH_EMAIL, 1.5);
    notify_sla_record(CH_EMAIL, 299);
    notify_sla_record(CH_EMAIL, 301);
    notify_sla_record(CH_SMS, 121);
    assert_int_equal(metrics_value(notify_sla_misses(CH_EMAIL)), 1);
    assert_int_equal(metrics_value(notify_sla_misses(CH_SMS)), 1);
    assert_int_equal(metrics_value(notify_sla_misses(CH_SLACK)), 0);
    double max = 0;
    assert_true(metrics_quantile(notify_sla_latency(CH_EMAIL), 0.5, &max) <= 300);
    assert_true(max >= 301);
    char *text = metrics_render();
    assert_non_null(strstr(text, "pharos_notify_latency_seconds_count{channel=\"email\"} 3"));
    assert_non_null(strstr(text, "pharos_notify_sla_misses_total{channel=\"sms\"} 1"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_full_jitter),
        cmocka_unit_test(test_backoff_honours_retry_after),
        cmocka_unit_test(test_sla),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
