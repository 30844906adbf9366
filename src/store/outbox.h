/*
 * store/outbox — the dispatcher's SQL: expanding fan-out jobs (notify_jobs) into
 * deliveries, claiming due deliveries and subscriber messages with a lease, and
 * recording outcomes. Nothing here knows a channel's wire format.
 *
 * Claims are one UPDATE … RETURNING (portable to PostgreSQL, where the inner
 * SELECT gains FOR UPDATE SKIP LOCKED): a row is due when pending with
 * next_attempt_at reached, or sending with an expired lease (its sender died).
 * JSON keys follow db_row_json; times the dispatcher computes with are returned
 * under names without "_at" so they stay integers.
 */
#ifndef PHAROS_STORE_OUTBOX_H
#define PHAROS_STORE_OUTBOX_H
#include "store/db.h"

/* Up to LIMIT pending jobs, oldest first: [{"id","page_id","update_id","channels","cursor"
 * (the e-mail recipients' last subscriber id expanded),"sms_cursor","url_cursor" (the URL
 * subscribers', store/hooks.h),"channels_done" (bit set of channels fully expanded)}]. */
json_t *store_outbox_jobs(struct db *db, int limit, struct err *e);
/* What a message about UPDATE_ID says: {"update_id","event_id","kind","title","impact",
 * "update_stage","update_kind","message","accepted","window_start","window_end" (Unix seconds; null
 * but for maintenance),"page_id","page_title","page_time_zone","page_language" (its default,
 * SPEC §16),"translations" (the update's, JSON text or null: app/translations.h)}; NULL
 * (E ERR_OK) if gone. */
json_t *store_outbox_update(struct db *db, int64_t update_id, struct err *e);
/* The translations (JSON text) of event EVENT_ID's updates up to UPDATE_ID that have any,
 * newest first: [{"translations"}] (where a message finds the event's title in a language). */
json_t *store_outbox_event_translations(struct db *db, int64_t event_id, int64_t update_id,
                                        struct err *e);
/* The services event EVENT_ID links, [{"id","name","status"}] in the order of services
 * (store/service_order.h). */
json_t *store_outbox_event_services(struct db *db, int64_t event_id, struct err *e);
/*
 * One batch of an update's fan-out on CHANNEL ("email", "sms"), in two statements whatever
 * its size: the next LIMIT active subscribers of PAGE_ID on CHANNEL after subscriber AFTER
 * (by id) who chose all services or one EVENT_ID links get a delivery of UPDATE_ID each
 * (none twice: a delivery is unique per update, channel and recipient), due at DUE (NOW, or
 * later where e-mail is coalesced: app/storm.h).
 * *COUNT gets how many subscribers the batch held and *LAST the last one's id (AFTER when
 * none). Returns 0, or -1 with E filled.
 */
int store_outbox_expand_batch(struct db *db, int64_t page_id, int64_t update_id, int64_t event_id,
                              const char *channel, int64_t after, int limit, int64_t accepted_at,
                              int64_t due, int64_t now, int64_t *last, int *count, struct err *e);
/* Inserts a delivery unless (update, channel, recipient) has one. SUBSCRIBER_ID 0: none. */
int store_delivery_add(struct db *db, int64_t page_id, int64_t update_id, const char *channel,
                       const char *recipient, int64_t subscriber_id, int64_t accepted_at,
                       int64_t now, struct err *e);
/* Moves job ID's cursors and channels_done on, and marks it done when DONE. */
int store_outbox_job_advance(struct db *db, int64_t id, int64_t cursor, int64_t sms_cursor,
                             unsigned channels_done, bool done, int64_t now, struct err *e);

/* Claims for node NODE up to LIMIT due deliveries of CHANNEL at NOW until LEASE_UNTIL,
 * counting an attempt: [{"id","page_id","kind","update_id","invitation_id","channel",
 * "recipient","subscriber_id","attempts","accepted","language" (the subscriber's, SPEC §16;
 * null without one)}] (kind update, confirmation or invitation; ids not of the kind null). Rows
 * another node's transaction holds are skipped. Rows whose lease ran out come first; then, of the
 * due rows, the earliest accepted (closest to missing their SLA), among the first LIMIT fresh ones
 * and the first STORE_RETRY_SCAN retries by due time. */
enum { STORE_RETRY_SCAN = 1000 };
json_t *store_deliveries_claim(struct db *db, const char *node, const char *channel, int64_t now,
                               int64_t lease_until, int limit, struct err *e);
enum { STORE_SENT_BATCH = 32 };
/* Records that the deliveries IDS[0..N) (N ≤ STORE_SENT_BATCH) were sent at SENT_AT, in one
 * statement (the common outcome, a batch at a time). Only rows still "sending" change. */
int store_deliveries_sent(struct db *db, const int64_t *ids, int n, int64_t sent_at, struct err *e);
/* Records the outcome of delivery ID: STATE sent (SENT_AT), pending (retry at NEXT_AT),
 * failed or dead (ERROR; not kept for a row whose subscriber was erased meanwhile: it may
 * quote the address). Only a row still "sending" changes. */
int store_delivery_finish(struct db *db, int64_t id, const char *state, int64_t next_at,
                          const char *error, int64_t sent_at, struct err *e);
/* The latencies (sent_at - accepted_at, whole seconds) of PAGE_ID's update deliveries sent
 * since SINCE, as a histogram: [{"channel","latency","n"}] by channel, then latency. */
json_t *store_delivery_latencies(struct db *db, int64_t page_id, int64_t since, struct err *e);
/* PAGE_ID's update deliveries accepted since SINCE and still not sent at NOW past their promise
 * (EMAIL_SLA_S seconds for e-mail, OTHER_SLA_S for the rest): [{"channel","n"}]. */
json_t *store_deliveries_overdue(struct db *db, int64_t page_id, int64_t since, int64_t now,
                                 int email_sla_s, int other_sla_s, struct err *e);
/* PAGE_ID's update deliveries waiting to be sent (pending or sending), by channel:
 * [{"channel","waiting","oldest" (the earliest accepted_at, Unix seconds)}]. */
json_t *store_deliveries_waiting(struct db *db, int64_t page_id, struct err *e);
/* PAGE_ID's update deliveries sent since SINCE, by channel: [{"channel","n"}]. */
json_t *store_deliveries_sent_since(struct db *db, int64_t page_id, int64_t since, struct err *e);
/* PAGE_ID's deliveries (of every kind) not finished, and failed or dead since SINCE. */
int store_deliveries_health(struct db *db, int64_t page_id, int64_t since, int64_t *pending,
                            int64_t *failed, struct err *e);

/*
 * Messages that are not event updates, as deliveries of their own kind (migration
 * 0005): a subscriber's confirmation (KIND_CONFIRMATION, REF a subscriber id) or a
 * team invitation (KIND_INVITATION, REF an invitation id), one message on CHANNEL to
 * RECIPIENT. They are claimed first (store_messages_claim), and otherwise go through
 * the same claims, outcomes, notification log and counts as any delivery.
 */
enum store_message_kind { STORE_MSG_CONFIRMATION, STORE_MSG_INVITATION };
/* Queues a message of KIND about REF of PAGE_ID (inside the caller's transaction).
 * Returns its delivery id, or -1 with E. */
int64_t store_message_add(struct db *db, int64_t page_id, enum store_message_kind kind,
                          const char *channel, const char *recipient, int64_t ref, int64_t now,
                          struct err *e);
/* Claims up to LIMIT due messages (of every channel) like store_deliveries_claim. */
json_t *store_messages_claim(struct db *db, const char *node, int64_t now, int64_t lease_until,
                             int limit, struct err *e);

/*
 * "Sign in with Twitter" requests (oauth_requests, see migration 0004), forgotten
 * STORE_OAUTH_TTL_S after they were created. Rows are always of one page.
 */
enum { STORE_OAUTH_TTL_S = 15 * 60 };
/* Records a new request of PAGE_ID (state requested) with its CALLBACK URL, and forgets
 * expired ones. Returns the id, or -1 with E. */
int64_t store_oauth_request_add(struct db *db, int64_t page_id, const char *callback, int64_t now,
                                struct err *e);
/* Request ID of PAGE_ID: {"id","state","token","error","updated"}, or NULL (E->code ERR_OK:
 * unknown). */
json_t *store_oauth_request_get(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* Records VERIFIER on PAGE_ID's ready request with request token TOKEN (state verifying).
 * Returns its id, 0 when there is no such ready, unexpired request, or -1 with E. */
int64_t store_oauth_request_verify(struct db *db, int64_t page_id, const char *token,
                                   const char *verifier, int64_t now, struct err *e);
/* Leases until LEASE_UNTIL up to LIMIT unexpired requests waiting for the dispatcher
 * (requested or verifying, lease free or run out):
 * [{"id","page_id","state","callback","token","secret","verifier"}]. */
json_t *store_oauth_requests_claim(struct db *db, int64_t now, int64_t lease_until, int limit,
                                   struct err *e);
/* Moves request ID to STATE (ready, done or failed), releasing its lease. TOKEN (NULL:
 * unchanged) and SEALED (kept only for ready) are the request token and its sealed secret;
 * ERROR (NULL: none) says why it failed. The verifier is forgotten. */
int store_oauth_request_finish(struct db *db, int64_t id, const char *state, const char *token,
                               const char *sealed, const char *error, int64_t now, struct err *e);

#endif
