/*
 * app/outbox — the notification outbox's steps as use cases (ARCHITECTURE.md,
 * "Notifications"): expand a fan-out job into deliveries, claim due deliveries
 * for this node, record their outcomes. The dispatcher (notify/) is the driver
 * that calls them from its loop and owns the network; each call here is one
 * transaction (or a few, for an expansion in batches) and says nothing of
 * transports.
 *
 * Guarantees kept here: expansion is idempotent (deliveries are unique per
 * update, channel and recipient, and a job's cursor moves in the transaction of
 * the batch it covers), a claim leases rows to this node (server.node_id, for
 * notify.lease_s) with FOR UPDATE SKIP LOCKED so nodes never take the same row,
 * and an outcome changes only a row still "sending".
 *
 * Subscriber data (SPEC §15): a claimed delivery whose subscriber was erased
 * (store_subscriber_erase) is recorded as failed in the claim's transaction and never
 * handed to the caller; an e-mail refused OUTBOX_BOUNCE_LIMIT times in a row makes its
 * subscriber bounced (a delivery in between clears the count), in the transaction that
 * records the outcome.
 *
 * URL subscribers (SPEC §15, app/subscribe_hooks.h): a job expands the active ones of the
 * URL channels it names on one more cursor (notify_jobs.url_cursor); a 2xx to a test
 * message makes a pending one active; HOOK_FAILURE_LIMIT updates in a row failed for good
 * (refused, or retries exhausted) make an active one quarantined and fail what was still
 * pending for it; a sent update clears the count. All in the transaction that records the
 * outcome.
 */
#ifndef PHAROS_APP_OUTBOX_H
#define PHAROS_APP_OUTBOX_H
#include "app/app.h"
#include "domain/notify_rules.h"

/* The channels, in claim order: [i] is channel_table[i] (domain/channel.h). */
enum { OUTBOX_CHANNELS = CHANNEL_COUNT };
/* Permanent refusals of an e-mail address in a row that make its subscriber bounced. */
enum { OUTBOX_BOUNCE_LIMIT = 3 };

/*
 * Expands pending fan-out jobs into deliveries, up to about BUDGET subscribers, a round
 * of each job in turn: a job's first round adds one delivery per enabled integration its
 * channels name, and every round a batch of its SMS and of its e-mail subscribers, each
 * channel on its own cursor (so the SMS of an update, and a later update, never wait for
 * an e-mail list to be expanded). *MORE is set when jobs are left. Returns 0, or -1 with
 * E filled (what was committed before stays; the job resumes from its cursors).
 */
int app_outbox_expand(struct app *app, struct db *db, int budget, bool *more, struct err *e);

/* The outcome of one claimed delivery. */
struct outbox_outcome {
    int64_t id, page_id, subscriber_id;
    const char *state; /* "sent", "pending" (retried at NEXT_AT), "failed", "dead" */
    int64_t next_at, sent_at;
    const char *error;    /* the reason, or NULL */
    bool stop_subscriber; /* the provider says the recipient opted out (SMS STOP) */
    bool bounce; /* failed: the recipient's server refused the address (5xx to RCPT TO/DATA) */
    bool hook;   /* to a URL subscriber (app/subscribe_hooks.h) */
    bool test;   /* a confirmation: for a URL subscriber, its test message */
};

/*
 * Records the NDONE outcomes DONE (as app_outbox_record; none: NULL, 0), then claims what
 * is due, at most ROOM rows, in the same transaction (one commit where a dispatcher turn
 * would make two): first up to MSG_LIMIT (0: none is looked for)
 * messages that are no event update (confirmations, invitations: few, and people wait for
 * them), then deliveries channel by channel — a fair share each of the channels ALLOW
 * lets take any first, so a large e-mail fan-out never holds SMS back, then what room is
 * left to channels that had more. ALLOW(ARG, i, want) says how many of channel i the
 * caller lets it take now (0: do not look); it may be asked more than once, and its last
 * answer for i is what a claim asks for. TOOK(ARG, i, n) tells it how many of them the
 * claim got (fewer: no more are due). *MSGS gets the messages and ROWS[i]
 * channel i's rows (store/outbox.h shapes; arrays, maybe empty). Returns 0, or -1 with E
 * filled, nothing recorded and nothing claimed.
 */
int app_outbox_claim(struct app *app, struct db *db, const struct outbox_outcome *done,
                     size_t ndone, long room, int msg_limit,
                     int (*allow)(void *arg, int i, int want),
                     void (*took)(void *arg, int i, int n), void *arg, json_t **msgs,
                     json_t *rows[OUTBOX_CHANNELS], struct err *e);

/* Records N outcomes in one transaction. Returns 0, or -1 with E filled and none recorded
 * (the caller keeps them and tries again). */
int app_outbox_record(struct db *db, const struct outbox_outcome *o, size_t n, struct err *e);

#endif
