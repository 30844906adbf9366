/*
 * notify/prober — the thread that runs monitors' checks (SPEC §14): its own libevent
 * loop, curl multi, resolver and database connection, so checks never run on a request
 * thread and never wait behind a notification fan-out.
 *
 * It claims the monitors due (app_monitors_claim: each check once across nodes), starts
 * their checks (notify/check.h), at most PROBER_FLYING at once, and records each outcome
 * through app_monitor_record (the status and incident rules). It looks again when the
 * next monitor falls due, when woken (monitors changed), and every second (other nodes'
 * changes); once a minute it sums finished minutes into per-minute roll-ups and deletes
 * results older than a day and roll-ups older than 90 days.
 */
#ifndef PHAROS_NOTIFY_PROBER_H
#define PHAROS_NOTIFY_PROBER_H
#include "app/app.h"

enum { PROBER_FLYING = 256 };

struct prober;

/* Opens a database connection and starts the thread. Returns 0 and sets *OUT, or -1 with
 * E filled and nothing started. APP must outlive the prober. */
int prober_start(struct app *app, struct prober **out, struct err *e);
/* Makes it look for due monitors at once. Any thread; NULL is a no-op. */
void prober_wake(struct prober *p);
/* Stops the thread (checks in flight are dropped unrecorded), joins it and frees
 * everything. NULL is a no-op. */
void prober_stop(struct prober *p);

#endif
