/*
 * Unit tests for domain/status: parsing with aliases, ordering, overall status.
 */
#include "domain/status.h"
#include "testutil.h"

static void parses_canonical_names_and_aliases(void **state)
{
    (void)state;
    enum svc_status s;
    assert_int_equal(status_parse("operational", &s), 0);
    assert_int_equal(s, SVC_OPERATIONAL);
    assert_int_equal(status_parse("Major-Outage", &s), 0);
    assert_int_equal(s, SVC_MAJOR);
    assert_int_equal(status_parse("partial outage", &s), 0);
    assert_int_equal(s, SVC_PARTIAL);
    assert_int_equal(status_parse("DEGRADED", &s), 0);
    assert_int_equal(s, SVC_DEGRADED);
    assert_int_equal(status_parse("outage", &s), 0);
    assert_int_equal(s, SVC_MAJOR);
    assert_int_equal(status_parse("maintenance", &s), 0);
    assert_int_equal(s, SVC_UNDER_MAINTENANCE);
    assert_int_equal(status_parse("Under-Maintenance", &s), 0);
    assert_int_equal(s, SVC_UNDER_MAINTENANCE);
}

static void refuses_unknown_statuses(void **state)
{
    (void)state;
    enum svc_status s = SVC_MAJOR;
    assert_int_equal(status_parse("", &s), -1);
    assert_int_equal(status_parse("broken", &s), -1);
    assert_int_equal(status_parse("operational ", &s), -1);
    assert_int_equal(status_parse("a-very-long-status-name-that-overflows", &s), -1);
    assert_int_equal(s, SVC_MAJOR);
}

static void overall_is_the_worst(void **state)
{
    (void)state;
    enum svc_status v[] = {SVC_OPERATIONAL, SVC_UNDER_MAINTENANCE, SVC_DEGRADED};
    assert_int_equal(status_worst(v, 3), SVC_DEGRADED);
    assert_int_equal(status_worst(v, 2), SVC_UNDER_MAINTENANCE);
    assert_int_equal(status_worst(NULL, 0), SVC_OPERATIONAL);
    assert_string_equal(status_overall_label(SVC_OPERATIONAL), "All Systems Operational");
    assert_string_equal(status_overall_label(SVC_PARTIAL), "Partial Outage");
    assert_string_equal(status_indicator(SVC_MAJOR), "critical");
    assert_string_equal(status_indicator(SVC_DEGRADED), "minor");
    assert_string_equal(status_indicator(SVC_UNDER_MAINTENANCE), "maintenance");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_canonical_names_and_aliases),
        cmocka_unit_test(refuses_unknown_statuses),
        cmocka_unit_test(overall_is_the_worst),
    };
    return cmocka_run_group_tests_name("domain/status", tests, NULL, NULL);
}
