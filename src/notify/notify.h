/*
 * notify — the notification dispatcher (ARCHITECTURE.md, "Notifications (the
 * outbox)"): one thread with its own event_base, database connection and curl
 * multi handle that turns the outbox into messages.
 *
 * Work it does, each time it is woken, on a 1-second tick, and whenever
 * transfers finish:
 *  1. expands pending notify_jobs into deliveries, 1,000 subscribers per
 *     transaction, the job's cursor moving in the same transaction (a crash
 *     re-expands at most one batch, and uniqueness absorbs it): e-mail and SMS
 *     to active subscribers who chose an affected service or all services,
 *     the page's enabled integrations (Slack, Teams, Discord, Google Chat, Twitter,
 *     the webhook: domain/channel.h), each
 *     as the job's channel bits (domain/notify_rules.h) allow;
 *  2. claims due deliveries and subscriber confirmations with a 60-second
 *     lease, as many as notify.concurrency leaves room for and the per-channel
 *     rates (notify.email_rate, notify.sms_rate) allow, and starts them;
 *  3. records outcomes in batches: sent, retried later (notify/policy.h),
 *     failed (permanent, with the reason) or dead (out of attempts).
 * E-mail transfers run on a small pool of threads (notify/smtp_pool.h), every
 * other channel on the loop's curl multi handle.
 * A delivery whose sender dies stays "sending" until its lease (notify.lease_s)
 * expires and is then claimed again, by any node's dispatcher: at-least-once, duplicates at most
 * the messages in flight.
 *
 * Only notify_wake() may be called from other threads.
 */
#ifndef PHAROS_NOTIFY_H
#define PHAROS_NOTIFY_H
#include "app/app.h"

struct notify;

/* Opens a database connection and starts the thread. Returns 0 and sets *OUT, or -1
 * with E filled and nothing started. APP must outlive the dispatcher. */
int notify_start(struct app *app, struct notify **out, struct err *e);
/* Makes the dispatcher look for work at once. Any thread; wakes are coalesced. */
void notify_wake(struct notify *d);
/* Stops claiming, lets transfers in flight finish (5 s at most; the rest go back to
 * pending), records outcomes, joins the thread and frees everything. NULL is a no-op. */
void notify_stop(struct notify *d);

#endif
