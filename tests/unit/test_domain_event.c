/*
 * Unit tests for domain/event (SPEC §5): event kinds; stage parsing per kind
 * (incident stages refused for maintenance and the reverse, case-insensitive,
 * '-' and ' ' as '_', the Statuspage aliases "completed" and "verifying" for
 * maintenance); names, labels and the initial stage; the stage machines
 * (incidents: any order before resolved, nothing after; maintenance: the same
 * stage or a later one, nothing after complete), checked over every pair;
 * impact parsing; and the hold rule: status_while_held (the worst of the status an
 * event sets and those the other holders set, whichever started first) and
 * status_after_release (the worst status still held by other open events,
 * operational when none).
 */
#include "domain/event.h"
#include "testutil.h"

static void kinds_parse_and_name(void **state)
{
    (void)state;
    enum event_kind k = EVENT_MAINTENANCE;
    assert_int_equal(event_kind_parse("incident", &k), 0);
    assert_int_equal(k, EVENT_INCIDENT);
    assert_int_equal(event_kind_parse("maintenance", &k), 0);
    assert_int_equal(k, EVENT_MAINTENANCE);
    assert_int_equal(event_kind_parse("outage", &k), -1);
    assert_int_equal(event_kind_parse("", &k), -1);
    assert_string_equal(event_kind_name(EVENT_INCIDENT), "incident");
    assert_string_equal(event_kind_name(EVENT_MAINTENANCE), "maintenance");
}

static enum stage parsed(enum event_kind k, const char *s)
{
    enum stage st = STAGE_COUNT;
    if (stage_parse(k, s, &st) != 0)
        fail_msg("stage \"%s\" was refused for %s", s, event_kind_name(k));
    return st;
}

static void incident_stages_parse(void **state)
{
    (void)state;
    assert_int_equal(parsed(EVENT_INCIDENT, "investigating"), STAGE_INVESTIGATING);
    assert_int_equal(parsed(EVENT_INCIDENT, "identified"), STAGE_IDENTIFIED);
    assert_int_equal(parsed(EVENT_INCIDENT, "monitoring"), STAGE_MONITORING);
    assert_int_equal(parsed(EVENT_INCIDENT, "resolved"), STAGE_RESOLVED);
    assert_int_equal(parsed(EVENT_INCIDENT, "Resolved"), STAGE_RESOLVED);
    assert_int_equal(parsed(EVENT_INCIDENT, "MONITORING"), STAGE_MONITORING);
}

static void maintenance_stages_parse_with_aliases(void **state)
{
    (void)state;
    assert_int_equal(parsed(EVENT_MAINTENANCE, "scheduled"), STAGE_SCHEDULED);
    assert_int_equal(parsed(EVENT_MAINTENANCE, "in_progress"), STAGE_IN_PROGRESS);
    assert_int_equal(parsed(EVENT_MAINTENANCE, "in-progress"), STAGE_IN_PROGRESS);
    assert_int_equal(parsed(EVENT_MAINTENANCE, "In Progress"), STAGE_IN_PROGRESS);
    assert_int_equal(parsed(EVENT_MAINTENANCE, "verification"), STAGE_VERIFICATION);
    assert_int_equal(parsed(EVENT_MAINTENANCE, "verifying"), STAGE_VERIFICATION);
    assert_int_equal(parsed(EVENT_MAINTENANCE, "complete"), STAGE_COMPLETE);
    assert_int_equal(parsed(EVENT_MAINTENANCE, "completed"), STAGE_COMPLETE);
    assert_int_equal(parsed(EVENT_MAINTENANCE, "COMPLETED"), STAGE_COMPLETE);
}

static void refuse(enum event_kind k, const char *s)
{
    enum stage st = STAGE_COUNT;
    if (stage_parse(k, s, &st) == 0)
        fail_msg("stage \"%s\" was accepted for %s", s, event_kind_name(k));
    assert_int_equal(st, STAGE_COUNT);
}

static void stages_of_the_other_kind_are_refused(void **state)
{
    (void)state;
    refuse(EVENT_MAINTENANCE, "investigating");
    refuse(EVENT_MAINTENANCE, "identified");
    refuse(EVENT_MAINTENANCE, "monitoring");
    refuse(EVENT_MAINTENANCE, "resolved");
    refuse(EVENT_INCIDENT, "scheduled");
    refuse(EVENT_INCIDENT, "in_progress");
    refuse(EVENT_INCIDENT, "verification");
    refuse(EVENT_INCIDENT, "complete");
    refuse(EVENT_INCIDENT, "completed");
    refuse(EVENT_INCIDENT, "verifying");
}

static void unknown_and_malformed_stages_are_refused(void **state)
{
    (void)state;
    refuse(EVENT_INCIDENT, "");
    refuse(EVENT_INCIDENT, "investigating ");
    refuse(EVENT_INCIDENT, " resolved");
    refuse(EVENT_INCIDENT, "fixed");
    refuse(EVENT_INCIDENT, "resolvedx");
    refuse(EVENT_MAINTENANCE, "inprogress");
    refuse(EVENT_MAINTENANCE, "in__progress");
    refuse(EVENT_MAINTENANCE, "a-stage-name-far-too-long-to-be-any-stage-at-all");
}

static void stage_names_labels_and_statuspage_names(void **state)
{
    (void)state;
    static const char *names[] = {"investigating", "identified",  "monitoring",   "resolved",
                                  "scheduled",     "in_progress", "verification", "complete"};
    static const char *labels[] = {"Investigating", "Identified",  "Monitoring",   "Resolved",
                                   "Scheduled",     "In Progress", "Verification", "Complete"};
    for (int s = 0; s < STAGE_COUNT; s++) {
        assert_string_equal(stage_name((enum stage)s), names[s]);
        assert_string_equal(stage_label((enum stage)s), labels[s]);
        /* every name parses back for its own kind */
        enum event_kind k = s <= STAGE_RESOLVED ? EVENT_INCIDENT : EVENT_MAINTENANCE;
        assert_int_equal(parsed(k, names[s]), s);
    }
    assert_string_equal(stage_statuspage_name(STAGE_VERIFICATION), "verifying");
    assert_string_equal(stage_statuspage_name(STAGE_COMPLETE), "completed");
    assert_string_equal(stage_statuspage_name(STAGE_IN_PROGRESS), "in_progress");
    assert_string_equal(stage_statuspage_name(STAGE_IDENTIFIED), "identified");
}

static void accepted_lists_and_initial_stages(void **state)
{
    (void)state;
    assert_string_equal(stage_accepted(EVENT_INCIDENT),
                        "investigating, identified, monitoring, resolved");
    assert_string_equal(stage_accepted(EVENT_MAINTENANCE),
                        "scheduled, in_progress, verification, complete");
    assert_int_equal(stage_initial(EVENT_INCIDENT), STAGE_INVESTIGATING);
    assert_int_equal(stage_initial(EVENT_MAINTENANCE), STAGE_SCHEDULED);
}

static void only_resolved_and_complete_are_final(void **state)
{
    (void)state;
    for (int s = 0; s < STAGE_COUNT; s++)
        assert_int_equal(stage_is_final((enum stage)s), s == STAGE_RESOLVED || s == STAGE_COMPLETE);
}

static void incident_stages_go_in_any_order_until_resolved(void **state)
{
    (void)state;
    for (int from = STAGE_INVESTIGATING; from <= STAGE_RESOLVED; from++)
        for (int to = STAGE_INVESTIGATING; to <= STAGE_RESOLVED; to++) {
            bool want = from != STAGE_RESOLVED;
            if (stage_transition_ok(EVENT_INCIDENT, (enum stage)from, (enum stage)to) != want)
                fail_msg("incident %s -> %s should be %s", stage_name(from), stage_name(to),
                         want ? "allowed" : "refused");
        }
    /* named cases, for the reader */
    assert_true(stage_transition_ok(EVENT_INCIDENT, STAGE_MONITORING, STAGE_INVESTIGATING));
    assert_true(stage_transition_ok(EVENT_INCIDENT, STAGE_INVESTIGATING, STAGE_RESOLVED));
    assert_true(stage_transition_ok(EVENT_INCIDENT, STAGE_IDENTIFIED, STAGE_IDENTIFIED));
    assert_false(stage_transition_ok(EVENT_INCIDENT, STAGE_RESOLVED, STAGE_INVESTIGATING));
    assert_false(stage_transition_ok(EVENT_INCIDENT, STAGE_RESOLVED, STAGE_RESOLVED));
}

static void maintenance_stages_only_go_forward_until_complete(void **state)
{
    (void)state;
    for (int from = STAGE_SCHEDULED; from <= STAGE_COMPLETE; from++)
        for (int to = STAGE_SCHEDULED; to <= STAGE_COMPLETE; to++) {
            bool want = from != STAGE_COMPLETE && to >= from;
            if (stage_transition_ok(EVENT_MAINTENANCE, (enum stage)from, (enum stage)to) != want)
                fail_msg("maintenance %s -> %s should be %s", stage_name(from), stage_name(to),
                         want ? "allowed" : "refused");
        }
    assert_true(stage_transition_ok(EVENT_MAINTENANCE, STAGE_SCHEDULED, STAGE_COMPLETE));
    assert_true(stage_transition_ok(EVENT_MAINTENANCE, STAGE_IN_PROGRESS, STAGE_IN_PROGRESS));
    assert_false(stage_transition_ok(EVENT_MAINTENANCE, STAGE_VERIFICATION, STAGE_IN_PROGRESS));
    assert_false(stage_transition_ok(EVENT_MAINTENANCE, STAGE_COMPLETE, STAGE_COMPLETE));
}

static void stages_never_cross_kinds(void **state)
{
    (void)state;
    for (int a = 0; a < STAGE_COUNT; a++)
        for (int b = 0; b < STAGE_COUNT; b++) {
            bool a_inc = a <= STAGE_RESOLVED, b_inc = b <= STAGE_RESOLVED;
            if (!a_inc || !b_inc)
                assert_false(stage_transition_ok(EVENT_INCIDENT, (enum stage)a, (enum stage)b));
            if (a_inc || b_inc)
                assert_false(stage_transition_ok(EVENT_MAINTENANCE, (enum stage)a, (enum stage)b));
        }
}

static void impacts_parse_and_name(void **state)
{
    (void)state;
    static const char *names[] = {"none", "minor", "major", "critical"};
    for (int i = 0; i < IMPACT_COUNT; i++) {
        enum impact im = IMPACT_COUNT;
        assert_int_equal(impact_parse(names[i], &im), 0);
        assert_int_equal(im, i);
        assert_string_equal(impact_name((enum impact)i), names[i]);
    }
    enum impact im = IMPACT_COUNT;
    assert_int_equal(impact_parse("Critical", &im), 0);
    assert_int_equal(im, IMPACT_CRITICAL);
    assert_int_equal(impact_parse("MINOR", &im), 0);
    assert_int_equal(im, IMPACT_MINOR);
}

static void unknown_impacts_are_refused(void **state)
{
    (void)state;
    enum impact im = IMPACT_COUNT;
    assert_int_equal(impact_parse("", &im), -1);
    assert_int_equal(impact_parse("severe", &im), -1);
    assert_int_equal(impact_parse("major_outage", &im), -1);
    assert_int_equal(impact_parse("critical-and-much-longer", &im), -1);
    assert_int_equal(im, IMPACT_COUNT);
}

static void release_returns_to_operational_when_nothing_else_holds(void **state)
{
    (void)state;
    assert_int_equal(status_after_release(NULL, 0), SVC_OPERATIONAL);
}

static void release_keeps_the_worst_status_still_held(void **state)
{
    (void)state;
    enum svc_status held[] = {SVC_UNDER_MAINTENANCE, SVC_PARTIAL, SVC_DEGRADED};
    assert_int_equal(status_after_release(held, 3), SVC_PARTIAL);
    assert_int_equal(status_after_release(held, 1), SVC_UNDER_MAINTENANCE);
    enum svc_status major[] = {SVC_DEGRADED, SVC_MAJOR};
    assert_int_equal(status_after_release(major, 2), SVC_MAJOR);
}

static void held_services_show_the_worst_status_of_their_holders(void **state)
{
    (void)state;
    enum svc_status incident[] = {SVC_PARTIAL}, maintenance[] = {SVC_UNDER_MAINTENANCE};
    /* maintenance starts on a service an incident holds at partial_outage */
    assert_int_equal(status_while_held(SVC_UNDER_MAINTENANCE, incident, 1), SVC_PARTIAL);
    /* an incident opens on a service under maintenance */
    assert_int_equal(status_while_held(SVC_PARTIAL, maintenance, 1), SVC_PARTIAL);
    /* nothing else holds it: the event's own status, better or worse */
    assert_int_equal(status_while_held(SVC_UNDER_MAINTENANCE, NULL, 0), SVC_UNDER_MAINTENANCE);
    assert_int_equal(status_while_held(SVC_OPERATIONAL, NULL, 0), SVC_OPERATIONAL);
    assert_int_equal(status_while_held(SVC_MAJOR, NULL, 0), SVC_MAJOR);
    /* an update naming a better status cannot hide another holder's worse one */
    enum svc_status others[] = {SVC_DEGRADED, SVC_UNDER_MAINTENANCE};
    assert_int_equal(status_while_held(SVC_OPERATIONAL, others, 2), SVC_DEGRADED);
    assert_int_equal(status_while_held(SVC_MAJOR, others, 2), SVC_MAJOR);
    /* the SPEC §5 order, over every pair */
    for (int a = 0; a < SVC_STATUS_COUNT; a++)
        for (int b = 0; b < SVC_STATUS_COUNT; b++) {
            enum svc_status other[] = {(enum svc_status)b};
            assert_int_equal(status_while_held((enum svc_status)a, other, 1), a > b ? a : b);
        }
}

static void holders_releasing_in_turn_leave_the_worst_of_the_rest(void **state)
{
    (void)state;
    /* incident (partial) and maintenance hold the service; the incident resolves,
     * then the maintenance completes */
    enum svc_status maintenance[] = {SVC_UNDER_MAINTENANCE};
    assert_int_equal(status_after_release(maintenance, 1), SVC_UNDER_MAINTENANCE);
    assert_int_equal(status_after_release(NULL, 0), SVC_OPERATIONAL);
    /* the other order: the maintenance completes first */
    enum svc_status incident[] = {SVC_PARTIAL};
    assert_int_equal(status_after_release(incident, 1), SVC_PARTIAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_parse_and_name),
        cmocka_unit_test(incident_stages_parse),
        cmocka_unit_test(maintenance_stages_parse_with_aliases),
        cmocka_unit_test(stages_of_the_other_kind_are_refused),
        cmocka_unit_test(unknown_and_malformed_stages_are_refused),
        cmocka_unit_test(stage_names_labels_and_statuspage_names),
        cmocka_unit_test(accepted_lists_and_initial_stages),
        cmocka_unit_test(only_resolved_and_complete_are_final),
        cmocka_unit_test(incident_stages_go_in_any_order_until_resolved),
        cmocka_unit_test(maintenance_stages_only_go_forward_until_complete),
        cmocka_unit_test(stages_never_cross_kinds),
        cmocka_unit_test(impacts_parse_and_name),
        cmocka_unit_test(unknown_impacts_are_refused),
        cmocka_unit_test(release_returns_to_operational_when_nothing_else_holds),
        cmocka_unit_test(release_keeps_the_worst_status_still_held),
        cmocka_unit_test(held_services_show_the_worst_status_of_their_holders),
        cmocka_unit_test(holders_releasing_in_turn_leave_the_worst_of_the_rest),
    };
    return cmocka_run_group_tests_name("domain/event", tests, NULL, NULL);
}
