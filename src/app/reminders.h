/*
 * app/reminders — maintenance reminders (SPEC §15): each scheduled maintenance sends ONE
 * "Reminder" its page's reminder_min minutes before its scheduled_start, to the
 * channels of the SPEC §10 row "Maintenance: Scheduled" but SMS (e-mail to the
 * subscribers of its services, the chat services, Twitter, the webhook), carried out by the
 * scheduler thread (app/scheduler.h) beside the automatic transitions.
 *
 * A reminder is an event update of kind "reminder" (domain/event.h) in the
 * maintenance's stage, scheduled, whose message says how long until the start followed
 * by the latest update's message, and a notify job for it: the outbox makes it a
 * delivery per channel and recipient like any update, and only plain updates are
 * listed publicly. Both are written in the transaction that sets events.reminded_at, and
 * only when that claim succeeds (store_reminder_claim): once per maintenance across
 * restarts, retries and nodes. When it falls due is domain/reminder.h's rule: a server
 * down at the time sends it when it comes back while the maintenance is still scheduled
 * and has not started; maintenance created inside the reminder window (reminder_min or
 * less before its start) gets none;
 * rescheduling re-arms one not sent yet.
 *
 * A maintenance whose latest update was posted with "notify": false stays quiet: its
 * reminder is claimed and recorded as an update that notifies nobody, like its timed
 * steps (app/maintenance.h).
 */
#ifndef PHAROS_APP_REMINDERS_H
#define PHAROS_APP_REMINDERS_H
#include "app/app.h"

/*
 * Queues, as ACTOR_SYSTEM on DB, the reminders due at NOW on every page, each in its own
 * transaction (audited as maintenance.reminder), waking app->on_work after each. Returns
 * the number of reminders made (quiet ones included), or -1 (E holds the last failure; the
 * others were still attempted). *NEXT gets the earliest time a reminder falls due (NOW or
 * earlier when some are left over), 0 when none will.
 */
int app_reminders_run_due(struct app *app, struct db *db, int64_t now, int64_t *next,
                          struct err *e);

#endif
