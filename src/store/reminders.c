/*
 * store/reminders — SQL of the maintenance reminders. See reminders.h.
 *
 * DUE and UPCOMING are the rule of domain/reminder.h: the reminder time is
 * scheduled_start - reminder_min * 60, the maintenance was created before that,
 * and its start is still ahead of NOW. Both ride the events_due index (kind, stage,
 * scheduled_start). Stage names are bound from domain/event, never spelled here.
 */
#include "store/reminders.h"
#include "core/xalloc.h"
#include "domain/event.h"
#include <stdio.h>
#include <string.h>

#define REMINDER_TIME "(ev.scheduled_start - p.reminder_min * 60)"
#define UPCOMING                                                                                   \
    "FROM events ev JOIN pages p ON p.id = ev.page_id WHERE ev.kind = 'maintenance' AND "          \
    "ev.stage = ? AND ev.draft = 0 AND ev.reminded_at IS NULL AND p.reminder_min > 0 AND "         \
    "ev.created_at < " REMINDER_TIME " AND ev.scheduled_start > ? "
#define DUE UPCOMING "AND " REMINDER_TIME " <= ? "

json_t *store_reminders_due(struct db *db, int64_t now, int limit, struct err *e)
{
    return db_query_all(
        db, e, "SELECT ev.id, ev.page_id " DUE "ORDER BY ev.scheduled_start, ev.id LIMIT ?", "siii",
        stage_name(STAGE_SCHEDULED), now, now, (int64_t)limit);
}

int store_reminders_next(struct db *db, int64_t now, int64_t *out, struct err *e)
{
    *out = 0;
    return db_query_int(db, e, out, "SELECT COALESCE(MIN(" REMINDER_TIME "), 0) " UPCOMING, "si",
                        stage_name(STAGE_SCHEDULED), now) < 0
               ? -1
               : 0;
}

int store_reminder_load(struct db *db, int64_t page_id, int64_t id, struct reminder_row *out,
                        struct err *e)
{
    struct db_rows r;
    if (db_rows_open(&r, db, e, "read a maintenance's reminder",
                     "SELECT ev.id, ev.page_id, ev.stage, ev.scheduled_start, ev.scheduled_end, "
                     "ev.created_at, ev.reminded_at, p.reminder_min, ev.draft FROM events ev "
                     "JOIN pages p ON p.id = ev.page_id "
                     "WHERE ev.page_id = ? AND ev.kind = 'maintenance' AND ev.id = ?",
                     "ii", page_id, id) != 0)
        return -1;
    int found = db_rows_next(&r, e);
    if (found == 1) {
        memset(out, 0, sizeof *out);
        out->id = db_rows_int(&r, 0);
        out->page_id = db_rows_int(&r, 1);
        snprintf(out->stage, sizeof out->stage, "%s", db_rows_text(&r, 2));
        out->scheduled_start = db_rows_int(&r, 3);
        out->scheduled_end = db_rows_int(&r, 4);
        out->created_at = db_rows_int(&r, 5);
        out->reminded_at = db_rows_int(&r, 6);
        out->reminder_min = db_rows_int(&r, 7);
        out->draft = db_rows_int(&r, 8) != 0;
    }
    db_rows_close(&r);
    return found;
}

int store_reminder_claim(struct db *db, int64_t id, int64_t now, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed,
                "UPDATE events SET reminded_at = ? WHERE id = ? AND kind = 'maintenance' "
                "AND reminded_at IS NULL",
                "ii", now, id) != 0)
        return -1;
    return changed ? 1 : 0;
}

char *store_event_last_message(struct db *db, int64_t event_id, struct err *e)
{
    struct db_rows r;
    if (db_rows_open(&r, db, e, "read an event's latest update",
                     "SELECT message FROM event_updates WHERE event_id = ? AND kind = 'update' "
                     "ORDER BY id DESC LIMIT 1",
                     "i", event_id) != 0)
        return NULL;
    int found = db_rows_next(&r, e);
    char *msg = found < 0 ? NULL : xstrdup(found == 1 ? db_rows_text(&r, 0) : "");
    db_rows_close(&r);
    return msg;
}
