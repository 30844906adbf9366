/*
 * Unit tests for public/view_uptime: a service's uptime keys are what the spans say
 * (a day of major outage is an "x" bar at 0%), and are remembered — the same spans
 * in the same minute give the very same JSON values — while other spans, another
 * minute or another service compute them again.
 */
#include "public/view.h"
#include "public/view_uptime.h"
#include "testutil.h"

enum { DAY = 86400, NOW = 200 * DAY + 12 * 3600 }; /* noon of a day */

static json_t *keys_of(int64_t service, const struct public_span *spans, size_t n, int64_t now)
{
    json_t *svc = json_object();
    view_uptime_add(svc, service, spans, n, now);
    return svc;
}

static void bars_follow_the_spans(void **state)
{
    (void)state;
    struct public_span spans[] = {{1, NOW - 10 * DAY, "operational"},
                                  {1, NOW - DAY - 12 * 3600, "major_outage"}, /* yesterday */
                                  {1, NOW - 12 * 3600, "operational"}};       /* today */
    json_t *svc = keys_of(1, spans, 3, NOW);
    json_t *days = json_object_get(svc, "days");
    assert_int_equal(json_array_size(days), VIEW_UPTIME_DAYS);
    const json_t *yesterday = json_array_get(days, VIEW_UPTIME_DAYS - 2);
    const json_t *today = json_array_get(days, VIEW_UPTIME_DAYS - 1);
    assert_string_equal(json_string_value(json_object_get(yesterday, "c")), "x");
    assert_non_null(strstr(json_string_value(json_object_get(yesterday, "t")), "0%"));
    assert_string_equal(json_string_value(json_object_get(today, "c")), "o");
    assert_string_equal(json_string_value(json_object_get(json_array_get(days, 0), "c")), "n");
    assert_non_null(json_string_value(json_object_get(svc, "uptime")));
    assert_non_null(strstr(json_string_value(json_object_get(svc, "uptime_period")), "since"));
    json_decref(svc);
    view_uptime_forget();
}

static void the_same_spans_in_the_same_minute_are_remembered(void **state)
{
    (void)state;
    struct public_span a[] = {{7, NOW - 3 * DAY, "operational"}};
    struct public_span b[] = {{7, NOW - 3 * DAY, "operational"}, {7, NOW - 60, "partial_outage"}};
    json_t *first = keys_of(7, a, 1, NOW);
    json_t *again = keys_of(7, a, 1, NOW + 1); /* the same minute (NOW is on a minute) */
    assert_ptr_equal(json_object_get(first, "days"), json_object_get(again, "days"));
    json_t *other_service = keys_of(8, a, 1, NOW);
    assert_ptr_not_equal(json_object_get(first, "days"), json_object_get(other_service, "days"));
    json_t *next_minute = keys_of(7, a, 1, NOW + 60);
    assert_ptr_not_equal(json_object_get(first, "days"), json_object_get(next_minute, "days"));
    json_t *changed = keys_of(7, b, 2, NOW + 60);
    assert_ptr_not_equal(json_object_get(next_minute, "days"), json_object_get(changed, "days"));
    const json_t *today = json_array_get(json_object_get(changed, "days"), VIEW_UPTIME_DAYS - 1);
    assert_string_equal(json_string_value(json_object_get(today, "c")), "p");
    /* what an earlier model holds is not changed by later ones */
    const json_t *before = json_array_get(json_object_get(first, "days"), VIEW_UPTIME_DAYS - 1);
    assert_string_equal(json_string_value(json_object_get(before, "c")), "o");
    json_decref(first);
    json_decref(again);
    json_decref(other_service);
    json_decref(next_minute);
    json_decref(changed);
    view_uptime_forget();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bars_follow_the_spans),
        cmocka_unit_test(the_same_spans_in_the_same_minute_are_remembered),
    };
    return cmocka_run_group_tests_name("public/view_uptime", tests, NULL, NULL);
}
