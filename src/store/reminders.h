/*
 * store/reminders — SQL of the maintenance reminders (SPEC §15): which scheduled
 * maintenance is due for its reminder, when the next one is, and the claim that makes
 * each reminder happen once across restarts and nodes (events.reminded_at, migration
 * 0017; pages.reminder_min).
 *
 * The due rule is domain/reminder.h's, spelled once here in SQL (DUE below): the
 * maintenance is scheduled, its reminder not queued (reminded_at NULL), its page's
 * reminder_min is not 0, it was created more than reminder_min minutes before its start,
 * the reminder time (start - reminder_min minutes) has come and the start has not.
 * Every page's maintenance is read: the scheduler serves all pages.
 */
#ifndef PHAROS_STORE_REMINDERS_H
#define PHAROS_STORE_REMINDERS_H
#include "store/db.h"

/* Up to LIMIT maintenance of any page whose reminder is due at NOW, the soonest start
 * first, as [{"id","page_id"}]. NULL on error. */
json_t *store_reminders_due(struct db *db, int64_t now, int limit, struct err *e);
/* The earliest reminder time of the maintenance that still starts after NOW and has a
 * reminder to come (due ones included, so it may be NOW or earlier) into *OUT; 0 when
 * none. Returns 0, or -1 with E. */
int store_reminders_next(struct db *db, int64_t now, int64_t *out, struct err *e);

/* What the reminder of one maintenance is decided on. */
struct reminder_row {
    int64_t id, page_id;
    char stage[24];
    int64_t scheduled_start, scheduled_end, created_at;
    int64_t reminded_at;  /* 0: not queued yet */
    int64_t reminder_min; /* its page's */
    bool draft;
};

/* Loads maintenance ID of PAGE_ID into *OUT: 1 found, 0 no such maintenance, -1 error. */
int store_reminder_load(struct db *db, int64_t page_id, int64_t id, struct reminder_row *out,
                        struct err *e);
/* In the open write transaction: records that the reminder of maintenance ID was queued at
 * NOW, unless it was already (reminded_at set). 1 claimed, 0 already claimed, -1 error. */
int store_reminder_claim(struct db *db, int64_t id, int64_t now, struct err *e);
/* The message of the latest plain update of event EVENT_ID (malloc'd; "" when it has none),
 * or NULL with E. */
char *store_event_last_message(struct db *db, int64_t event_id, struct err *e);

#endif
