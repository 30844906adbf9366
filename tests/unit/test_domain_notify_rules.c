/*
 * Unit tests for domain/notify_rules: the notification matrix of SPEC §10 checked
 * row by row and channel by channel (Email, SMS, Slack, Twitter, Webhook), an
 * incident created directly in a later stage notifying SMS as a creation, a
 * non-creating return to Investigating staying off SMS like Identified and
 * Monitoring, "notify": false reaching nobody in any stage. Teams, Discord and Google
 * Chat follow the Slack column (SPEC §15).
 */
#include "domain/notify_rules.h"
#include "testutil.h"

struct row {
    const char *what;
    enum event_kind kind;
    enum stage stage;
    bool creation;
    bool email, sms, slack, twitter, webhook;
};

/* SPEC §10, in its order; ✓ = true, – = false. */
static const struct row matrix[] = {
    {"Incident: Investigating (created)", EVENT_INCIDENT, STAGE_INVESTIGATING, true, 1, 1, 1, 1, 1},
    {"Incident: Identified", EVENT_INCIDENT, STAGE_IDENTIFIED, false, 1, 0, 1, 1, 1},
    {"Incident: Monitoring", EVENT_INCIDENT, STAGE_MONITORING, false, 1, 0, 1, 1, 1},
    {"Incident: Resolved", EVENT_INCIDENT, STAGE_RESOLVED, false, 1, 1, 1, 1, 1},
    {"Maintenance: Scheduled (created)", EVENT_MAINTENANCE, STAGE_SCHEDULED, true, 1, 1, 1, 1, 1},
    {"Maintenance: In Progress", EVENT_MAINTENANCE, STAGE_IN_PROGRESS, false, 1, 1, 1, 1, 1},
    {"Maintenance: Verification", EVENT_MAINTENANCE, STAGE_VERIFICATION, false, 1, 0, 1, 1, 1},
    {"Maintenance: Complete", EVENT_MAINTENANCE, STAGE_COMPLETE, false, 1, 1, 1, 1, 1},
};

static void check_row(const struct row *r)
{
    unsigned got = notify_channels(r->kind, r->stage, r->creation, true);
    const struct {
        enum channel ch;
        bool want;
    } cells[] = {{CH_EMAIL, r->email},     {CH_SMS, r->sms},         {CH_SLACK, r->slack},
                 {CH_TWITTER, r->twitter}, {CH_WEBHOOK, r->webhook}, {CH_TEAMS, r->slack},
                 {CH_DISCORD, r->slack},   {CH_GOOGLECHAT, r->slack}};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        if (((got & cells[i].ch) != 0) != cells[i].want)
            fail_msg("%s: %s should be %s", r->what, channel_name(cells[i].ch),
                     cells[i].want ? "notified" : "skipped");
    assert_int_equal(got & ~(unsigned)CH_ALL, 0);
}

static void incident_investigating_created_notifies_every_channel(void **state)
{
    (void)state;
    check_row(&matrix[0]);
}

static void incident_identified_skips_sms_only(void **state)
{
    (void)state;
    check_row(&matrix[1]);
}

static void incident_monitoring_skips_sms_only(void **state)
{
    (void)state;
    check_row(&matrix[2]);
}

static void incident_resolved_notifies_every_channel(void **state)
{
    (void)state;
    check_row(&matrix[3]);
}

static void maintenance_scheduled_created_notifies_every_channel(void **state)
{
    (void)state;
    check_row(&matrix[4]);
}

static void maintenance_in_progress_notifies_every_channel(void **state)
{
    (void)state;
    check_row(&matrix[5]);
}

static void maintenance_verification_skips_sms_only(void **state)
{
    (void)state;
    check_row(&matrix[6]);
}

static void maintenance_complete_notifies_every_channel(void **state)
{
    (void)state;
    check_row(&matrix[7]);
}

static void incident_created_in_a_later_stage_notifies_sms_as_a_creation(void **state)
{
    (void)state;
    assert_int_equal(notify_channels(EVENT_INCIDENT, STAGE_IDENTIFIED, true, true), CH_ALL);
    assert_int_equal(notify_channels(EVENT_INCIDENT, STAGE_MONITORING, true, true), CH_ALL);
    assert_int_equal(notify_channels(EVENT_INCIDENT, STAGE_RESOLVED, true, true), CH_ALL);
}

static void maintenance_created_in_a_later_stage_notifies_every_channel(void **state)
{
    (void)state;
    assert_int_equal(notify_channels(EVENT_MAINTENANCE, STAGE_IN_PROGRESS, true, true), CH_ALL);
    assert_int_equal(notify_channels(EVENT_MAINTENANCE, STAGE_VERIFICATION, true, true), CH_ALL);
}

static void a_return_to_investigating_is_not_a_creation(void **state)
{
    (void)state;
    assert_int_equal(notify_channels(EVENT_INCIDENT, STAGE_INVESTIGATING, false, true),
                     CH_EMAIL | CH_SLACK | CH_TWITTER | CH_WEBHOOK | CH_TEAMS | CH_DISCORD |
                         CH_GOOGLECHAT);
}

static void a_rescheduling_update_notifies_every_channel(void **state)
{
    (void)state;
    assert_int_equal(notify_channels(EVENT_MAINTENANCE, STAGE_SCHEDULED, false, true), CH_ALL);
}

static void notify_false_reaches_nobody(void **state)
{
    (void)state;
    for (int s = 0; s < STAGE_COUNT; s++) {
        enum event_kind k = s <= STAGE_RESOLVED ? EVENT_INCIDENT : EVENT_MAINTENANCE;
        assert_int_equal(notify_channels(k, (enum stage)s, false, false), 0);
        assert_int_equal(notify_channels(k, (enum stage)s, true, false), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(incident_investigating_created_notifies_every_channel),
        cmocka_unit_test(incident_identified_skips_sms_only),
        cmocka_unit_test(incident_monitoring_skips_sms_only),
        cmocka_unit_test(incident_resolved_notifies_every_channel),
        cmocka_unit_test(maintenance_scheduled_created_notifies_every_channel),
        cmocka_unit_test(maintenance_in_progress_notifies_every_channel),
        cmocka_unit_test(maintenance_verification_skips_sms_only),
        cmocka_unit_test(maintenance_complete_notifies_every_channel),
        cmocka_unit_test(incident_created_in_a_later_stage_notifies_sms_as_a_creation),
        cmocka_unit_test(maintenance_created_in_a_later_stage_notifies_every_channel),
        cmocka_unit_test(a_return_to_investigating_is_not_a_creation),
        cmocka_unit_test(a_rescheduling_update_notifies_every_channel),
        cmocka_unit_test(notify_false_reaches_nobody),
    };
    return cmocka_run_group_tests_name("domain/notify_rules", tests, NULL, NULL);
}
