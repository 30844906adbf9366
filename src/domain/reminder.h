/*
 * reminder — when a scheduled maintenance's reminder goes out (SPEC §15): the page's
 * reminder_min minutes before its scheduled_start, once. Pure functions, no I/O.
 *
 * The rule, which store/reminders.c's queries spell in SQL too:
 *  - a page with reminder_min 0 sends none;
 *  - maintenance created reminder_min or less before its start gets none: its
 *    "Scheduled" notification went out a moment ago (the window counts from the start
 *    as it is now, so moving a start later re-arms a reminder not sent yet, and moving
 *    it earlier may bring the reminder time forward to now);
 *  - it is due from its time until the start, while the maintenance is still scheduled
 *    and its reminder was not queued yet: a server down at that time sends it when it
 *    comes back, unless the maintenance has started (or completed, or was deleted).
 */
#ifndef PHAROS_DOMAIN_REMINDER_H
#define PHAROS_DOMAIN_REMINDER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    REMINDER_MIN_DEFAULT = 60,   /* pages.reminder_min's default */
    REMINDER_MIN_MAX = 7 * 1440, /* a week */
};

/* When the reminder of maintenance starting at START (Unix seconds), created at CREATED,
 * on a page whose reminder_min is MINUTES, is due: START - MINUTES minutes; 0 when it gets
 * none (MINUTES 0, or created at that time or after). */
int64_t reminder_time(int64_t start, int64_t created, int64_t minutes);

/* Whether that reminder is due at NOW: the maintenance is still SCHEDULED, its reminder
 * was not queued (REMINDED false), its time has come and its START has not. */
bool reminder_due(bool scheduled, bool reminded, int64_t start, int64_t created, int64_t minutes,
                  int64_t now);

/* How long from NOW until START, in whole minutes rounded up, for people: "1 minute",
 * "45 minutes", "1 hour", "1 hour 30 minutes", "2 days 3 hours" ("1 minute" at least).
 * Returns BUF. */
char *reminder_lead(int64_t start, int64_t now, char *buf, size_t size);

#endif
