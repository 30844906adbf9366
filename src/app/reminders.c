/*
 * app/reminders — the maintenance reminder use case. See reminders.h; the rule of when
 * is domain/reminder.h, its SQL store/reminders.h.
 */
#include "app/reminders.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "domain/event.h"
#include "domain/notify_rules.h"
#include "domain/reminder.h"
#include "store/events.h"
#include "store/reminders.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

enum { DUE_BATCH = 100 };

/* The channels of a reminder: the "Maintenance: Scheduled" row of SPEC §10 but SMS. */
static unsigned reminder_channels(bool notify)
{
    return notify_channels(EVENT_MAINTENANCE, STAGE_SCHEDULED, true, notify) & ~(unsigned)CH_SMS;
}

/* Posts the reminder of ROW (claimed) at NOW: the update and its notify job. */
static int post(struct app_ctx *c, const struct reminder_row *row, int64_t now, bool *quiet,
                struct err *e)
{
    bool notify = true;
    char lead[64];
    if (store_event_last_notify(c->db, row->id, &notify, e) != 0) return -1;
    char *latest = store_event_last_message(c->db, row->id, e);
    if (!latest) return -1;
    char *msg = xasprintf("This maintenance starts in %s.%s%s",
                          reminder_lead(row->scheduled_start, now, lead, sizeof lead),
                          *latest ? "\n\n" : "", latest);
    free(latest);
    int64_t uid = store_event_update_insert(c->db, row->id, update_kind_name(UPDATE_REMINDER),
                                            stage_name(STAGE_SCHEDULED), msg, notify, now, e);
    free(msg);
    if (uid < 0) return -1;
    unsigned channels = reminder_channels(notify);
    if (channels && store_notify_job_insert(c->db, c->page_id, uid, channels, now, e) < 0)
        return -1;
    *quiet = !notify;
    return 0;
}

/*
 * The reminder of maintenance ID (on C's page) due at NOW, decided again inside the
 * transaction (a person may have started, moved or deleted it meanwhile, another node
 * may have sent it). Returns 1 when it made one, 0 when none was due any more, -1 on error.
 */
static int remind(struct app_ctx *c, int64_t id, int64_t now, struct err *e)
{
    struct reminder_row row;
    bool quiet = false;
    if (db_begin(c->db, e) != 0) return -1;
    int found = store_reminder_load(c->db, c->page_id, id, &row, e);
    if (found <= 0 || row.draft ||
        !reminder_due(strcmp(row.stage, stage_name(STAGE_SCHEDULED)) == 0, row.reminded_at != 0,
                      row.scheduled_start, row.created_at, row.reminder_min, now)) {
        db_rollback(c->db);
        return found < 0 ? -1 : 0;
    }
    assert(row.reminder_min > 0 && now < row.scheduled_start); /* what reminder_due means */
    int claimed = store_reminder_claim(c->db, id, now, e);
    if (claimed <= 0 || post(c, &row, now, &quiet, e) != 0 ||
        app_audit(c, "maintenance.reminder", id, quiet ? "not notified" : NULL, e) != 0) {
        db_rollback(c->db);
        return claimed < 0 || e->code ? -1 : 0;
    }
    /* nothing public changes: only plain updates are listed */
    if (app_commit(c, false, e) != 0) return -1;
    if (c->app->on_work) c->app->on_work(c->app);
    log_info("maintenance %lld: reminder queued%s", (long long)id, quiet ? " (not notified)" : "");
    return 1;
}

int app_reminders_run_due(struct app *app, struct db *db, int64_t now, int64_t *next, struct err *e)
{
    *next = 0;
    json_t *due = store_reminders_due(db, now, DUE_BATCH, e);
    if (!due) return -1;
    int done = app_run_due(app, db, due, now, remind, "reminder", e);
    if (store_reminders_next(db, now, next, e) != 0) return -1;
    return done;
}
