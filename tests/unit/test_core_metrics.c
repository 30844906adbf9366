/*
 * Unit tests for core/metrics: counters, gauges, histograms, quantile estimates,
 * the Prometheus text format, and concurrent updates from several threads.
 */
#include "core/metrics.h"
#include "testutil.h"
#include <pthread.h>

static int reset(void **state)
{
    (void)state;
    metrics_reset();
    return 0;
}

static void counters_and_gauges_render(void **state)
{
    (void)state;
    struct metric *a = metrics_counter("t_sent_total", "Messages sent", "channel=\"email\"");
    struct metric *b = metrics_counter("t_sent_total", "Messages sent", "channel=\"sms\"");
    assert_ptr_equal(a, metrics_counter("t_sent_total", "Messages sent", "channel=\"email\""));
    metrics_add(a, 3);
    metrics_add(b, 1);
    struct metric *g = metrics_gauge("t_pending", "Pending", NULL);
    metrics_set(g, -2);
    char *text = metrics_render();
    assert_non_null(strstr(text,
                           "# HELP t_sent_total Messages sent\n# TYPE t_sent_total counter\n"
                           "t_sent_total{channel=\"email\"} 3\nt_sent_total{channel=\"sms\"} 1\n"));
    assert_non_null(strstr(text, "# TYPE t_pending gauge\nt_pending -2\n"));
    /* HELP/TYPE once per name */
    assert_null(strstr(strstr(text, "# HELP t_sent_total") + 1, "# HELP t_sent_total"));
    free(text);
}

static void histogram_buckets_and_quantiles(void **state)
{
    (void)state;
    const double bounds[] = {1, 5, 10};
    struct metric *h = metrics_histogram("t_latency_seconds", "Latency", "", bounds, 3);
    for (int i = 0; i < 90; i++)
        metrics_observe(h, 0.5);
    for (int i = 0; i < 9; i++)
        metrics_observe(h, 4);
    metrics_observe(h, 42);
    double max;
    assert_true(metrics_quantile(h, 0.5, &max) == 1);
    assert_true(metrics_quantile(h, 0.95, NULL) == 5);
    assert_true(metrics_quantile(h, 1.0, NULL) == 42);
    assert_true(max == 42);
    char *text = metrics_render();
    assert_non_null(strstr(text, "t_latency_seconds_bucket{le=\"1\"} 90\n"
                                 "t_latency_seconds_bucket{le=\"5\"} 99\n"
                                 "t_latency_seconds_bucket{le=\"10\"} 99\n"
                                 "t_latency_seconds_bucket{le=\"+Inf\"} 100\n"
                                 "t_latency_seconds_sum 123.000000\n"
                                 "t_latency_seconds_count 100\n"));
    free(text);
}

static void *hammer(void *arg)
{
    for (int i = 0; i < 100000; i++)
        metrics_add(arg, 1);
    return NULL;
}

static void concurrent_updates_are_not_lost(void **state)
{
    (void)state;
    struct metric *c = metrics_counter("t_hits_total", "Hits", NULL);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, hammer, c);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(metrics_value(c), 400000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(counters_and_gauges_render, reset),
        cmocka_unit_test_setup(histogram_buckets_and_quantiles, reset),
        cmocka_unit_test_setup(concurrent_updates_are_not_lost, reset),
    };
    int rc = cmocka_run_group_tests_name("core/metrics", tests, NULL, NULL);
    metrics_reset();
    return rc;
}
