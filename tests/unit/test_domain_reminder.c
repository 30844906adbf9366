/*
 * Unit tests for domain/reminder: the reminder is due reminder_min minutes before the
 * start and until it, never with reminder_min 0, never for maintenance created inside
 * that window, never once queued or no longer scheduled; and how long until the start
 * is written for people, rounded up to the minute.
 */
#include "domain/reminder.h"
#include "testutil.h"

enum { T0 = 1800000000 }; /* a start time */

static void time_is_minutes_before_the_start(void **state)
{
    (void)state;
    assert_int_equal(reminder_time(T0, T0 - 7200, 60), T0 - 3600);
    assert_int_equal(reminder_time(T0, T0 - 3601, 60), T0 - 3600); /* created just in time */
    assert_int_equal(reminder_time(T0, T0 - 3600, 60), 0);         /* an hour ahead: just told */
    assert_int_equal(reminder_time(T0, T0 - 3599, 60), 0);         /* created inside the window */
    assert_int_equal(reminder_time(T0, T0 - 7200, 0), 0);          /* reminders off */
    assert_int_equal(reminder_time(T0, T0 - 8 * 86400, REMINDER_MIN_MAX), T0 - 7 * 86400);
}

static void due_from_its_time_until_the_start(void **state)
{
    (void)state;
    int64_t created = T0 - 86400;
    assert_false(reminder_due(true, false, T0, created, 60, T0 - 3601));
    assert_true(reminder_due(true, false, T0, created, 60, T0 - 3600));
    assert_true(reminder_due(true, false, T0, created, 60, T0 - 1));    /* a late catch-up */
    assert_false(reminder_due(true, false, T0, created, 60, T0));       /* it has started */
    assert_false(reminder_due(true, true, T0, created, 60, T0 - 60));   /* queued already */
    assert_false(reminder_due(false, false, T0, created, 60, T0 - 60)); /* in progress */
    assert_false(reminder_due(true, false, T0, created, 0, T0 - 60));   /* off */
    assert_false(reminder_due(true, false, T0, T0 - 600, 60, T0 - 60)); /* created late */
}

static void lead_is_written_for_people(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(reminder_lead(T0, T0 - 3600, buf, sizeof buf), "1 hour");
    assert_string_equal(reminder_lead(T0, T0 - 3599, buf, sizeof buf), "1 hour");
    assert_string_equal(reminder_lead(T0, T0 - 3540, buf, sizeof buf), "59 minutes");
    assert_string_equal(reminder_lead(T0, T0 - 61, buf, sizeof buf), "2 minutes");
    assert_string_equal(reminder_lead(T0, T0 - 60, buf, sizeof buf), "1 minute");
    assert_string_equal(reminder_lead(T0, T0 - 1, buf, sizeof buf), "1 minute");
    assert_string_equal(reminder_lead(T0, T0, buf, sizeof buf), "1 minute");
    assert_string_equal(reminder_lead(T0, T0 - 5400, buf, sizeof buf), "1 hour 30 minutes");
    assert_string_equal(reminder_lead(T0, T0 - 7200, buf, sizeof buf), "2 hours");
    assert_string_equal(reminder_lead(T0, T0 - 86400, buf, sizeof buf), "1 day");
    assert_string_equal(reminder_lead(T0, T0 - 2 * 86400 - 3 * 3600, buf, sizeof buf),
                        "2 days 3 hours");
    assert_string_equal(reminder_lead(T0, T0 - 86400 - 60, buf, sizeof buf), "1 day 1 minute");
    char small[8];
    assert_string_equal(reminder_lead(T0, T0 - 2 * 86400 - 3 * 3600, small, sizeof small),
                        "2 days"); /* cut, never overrun */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(time_is_minutes_before_the_start),
        cmocka_unit_test(due_from_its_time_until_the_start),
        cmocka_unit_test(lead_is_written_for_people),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
