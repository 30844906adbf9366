/*
 * scheduler — the background thread that carries out maintenance auto_start at
 * scheduled_start and auto_complete at scheduled_end (app_maintenance_run_due), and
 * sends maintenance reminders when they fall due (app_reminders_run_due).
 *
 * It owns an event_base and a database connection of its own. It runs the due
 * transitions when it starts (catching up on what fell due while the server was
 * down), when its timer for the next due time fires, when woken, and on a
 * safety tick every 30 s; after each run the timer is set to the next due time.
 * Only scheduler_wake() may be called from other threads.
 */
#ifndef PHAROS_SCHEDULER_H
#define PHAROS_SCHEDULER_H
#include "app/app.h"

struct scheduler;

/* Opens a connection to APP's database and starts the thread. Returns 0 and sets
 * *OUT, or -1 with E filled and nothing started. APP must outlive the scheduler. */
int scheduler_start(struct app *app, struct scheduler **out, struct err *e);
/* Makes the scheduler look again at once (schedules changed). Any thread; wakes
 * that arrive before it runs are coalesced into one run. */
void scheduler_wake(struct scheduler *s);
/* Stops the thread (a run in progress finishes first), joins it and frees
 * everything. NULL is a no-op. No scheduler_wake() may race with or follow this. */
void scheduler_stop(struct scheduler *s);

#endif
