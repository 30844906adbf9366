/*
 * store/hooks — the SQL of visitors' URL subscriptions (SPEC §15: webhook, slack, teams,
 * discord, googlechat subscribers; app/subscribe_hooks.h, app/outbox.c): a subscriber's
 * target and sealed secret, the test message's outcome (pending → active), the count of
 * failed deliveries in a row and the quarantine it leads to, reactivation, and the
 * fan-out of an update to the URL subscribers on one cursor (notify_jobs.url_cursor).
 * Nothing here knows a wire format.
 */
#ifndef PHAROS_STORE_HOOKS_H
#define PHAROS_STORE_HOOKS_H
#include "store/db.h"

/* Subscriber ID (any page): {"id","page_id","channel","address","state","failures",
 * "secret" (sealed, or null),"target" (the URL, sealed; null before migration 0026 sealed
 * it)}, or NULL (E->code ERR_OK: none). */
json_t *store_hook_get(struct db *db, int64_t id, struct err *e);
/* Sets subscriber ID's sealed URL. */
int store_hook_set_target(struct db *db, int64_t id, const char *sealed, struct err *e);
/* URL subscribers whose URL is not sealed yet (from before migration 0026): [{"id",
 * "address" (the URL)}]. */
json_t *store_hooks_unsealed(struct db *db, struct err *e);
/* Seals such a subscriber ID: target SEALED (its URL), address ADDRESS, and its deliveries
 * to URL now name ADDRESS. */
int store_hook_seal(struct db *db, int64_t id, const char *url, const char *address,
                    const char *sealed, struct err *e);
/* Sets subscriber ID's sealed secret (NULL: none). */
int store_hook_set_secret(struct db *db, int64_t id, const char *sealed, struct err *e);
/* The test message to subscriber ID was answered 2xx: pending becomes active, the count
 * of failures starts again. *ACTIVATED (may be NULL) says whether it changed. */
int store_hook_confirmed(struct db *db, int64_t id, int64_t now, bool *activated, struct err *e);
/* A delivery of an update to subscriber ID was sent: the count of failures starts again. */
int store_hook_delivered(struct db *db, int64_t id, struct err *e);
/*
 * A delivery of an update to subscriber ID failed for good: one failure more; at LIMIT an
 * active subscriber becomes quarantined (*QUARANTINED set) and its deliveries still pending
 * fail with REASON, never sent.
 */
int store_hook_failed(struct db *db, int64_t id, int limit, const char *reason, bool *quarantined,
                      struct err *e);
/* Reactivation: subscriber ID of PAGE_ID, quarantined (or pending), becomes pending again
 * with no failures counted. *CHANGED: 1 when it did. */
int store_hook_reactivate(struct db *db, int64_t page_id, int64_t id, int64_t now, int *changed,
                          struct err *e);
/* The last test message to subscriber ID: {"state","error","sent"} or NULL (E ERR_OK). */
json_t *store_hook_last_test(struct db *db, int64_t id, struct err *e);
/*
 * One batch of an update's fan-out to URL subscribers: the next LIMIT active subscribers of
 * PAGE_ID whose channel is in CHANNELS (",slack,webhook," — names between commas) after
 * subscriber AFTER, who chose all services or one EVENT_ID links, get a delivery of
 * UPDATE_ID each on their channel to their URL. *LAST and *COUNT as
 * store_outbox_expand_batch.
 */
int store_hook_expand_batch(struct db *db, int64_t page_id, int64_t update_id, int64_t event_id,
                            const char *channels, int64_t after, int limit, int64_t accepted_at,
                            int64_t now, int64_t *last, int *count, struct err *e);
/* Moves job ID's URL cursor on (in the transaction of the batch). */
int store_hook_job_cursor(struct db *db, int64_t id, int64_t url_cursor, struct err *e);

#endif
