/*
 * store/subscribers — e-mail and SMS subscribers and the services they chose, and what
 * else is stored about one (SPEC §15): their deliveries and audit records (the export),
 * the erasure of their address, and the count of bounces in a row.
 * SUBSCRIBER JSON: {"id","channel","address","state","services":"all" or [ids],
 * "created_at","confirmed_at"}. Token and code hashes are never read here.
 */
#ifndef PHAROS_STORE_SUBSCRIBERS_H
#define PHAROS_STORE_SUBSCRIBERS_H
#include "store/db.h"

/* One subscriber of PAGE_ID, or NULL (E->code ERR_OK when it does not exist). */
json_t *store_subscriber_get(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* Up to LIMIT subscribers with ids above AFTER, by id; CHANNEL and STATE filter unless NULL. */
json_t *store_subscribers_list(struct db *db, int64_t page_id, const char *channel,
                               const char *state, int64_t after, int limit, struct err *e);
/* Inserts a subscriber of all services; CONFIRMED_AT 0 is none. Returns the id, or -1
 * (409 naming the address when it exists on the page for that channel). */
/* Sets the language of subscriber ID (SPEC §16: a tag of render/i18n.h, chosen at sign-up). */
int store_subscriber_set_language(struct db *db, int64_t id, const char *lang, struct err *e);
int64_t store_subscriber_insert(struct db *db, int64_t page_id, const char *channel,
                                const char *address, const char *state, int64_t confirmed_at,
                                struct err *e);
/* Chooses the services of subscriber ID: all of them when IDS is NULL, else the ids of the
 * JSON array IDS (distinct, checked by the caller to be services of the page). */
int store_subscriber_set_services(struct db *db, int64_t id, json_t *ids, struct err *e);
/* Sets the state; becoming active records confirmed_at if it was not yet, and clears the
 * count of bounces (a bounced subscriber that confirms again starts afresh). */
int store_subscriber_set_state(struct db *db, int64_t page_id, int64_t id, const char *state,
                               struct err *e);
/* [{"channel","state","n"}…] for the states that have subscribers. NULL on error. */
json_t *store_subscriber_counts(struct db *db, int64_t page_id, struct err *e);

/*
 * Everything stored about subscriber ID of PAGE_ID, for its export: {"subscriber":
 * {"id","channel","address","state","services":"all" or [{"id","name"}],"bounces",
 * "code_attempts","created_at","updated_at","confirmed_at","confirm_sent_at"},
 * "deliveries":[{"id","kind","update_id","event_id","event_kind","event_title",
 * "update_stage","channel","recipient","state","attempts","last_error","accepted_at",
 * "created_at","sent_at"}…] by id,"audit":[{"action","actor","detail","created_at"}…] by
 * id}; NULL (E->code ERR_OK when there is no such subscriber). Never a token or code hash.
 */
json_t *store_subscriber_export(struct db *db, int64_t page_id, int64_t id, struct err *e);
/*
 * Erases subscriber ID of PAGE_ID inside the caller's transaction: its deliveries lose the
 * address (recipient "erased:DELIVERY_ID", subscriber_id NULL, the address cut out of
 * last_error), those still pending are failed with the reason (never sent; one being sent
 * keeps its state for its sender to record), and the row goes with its choice of services.
 * *CHANNEL and *ADDRESS (may be NULL; caller frees) get what it was. Returns 1 erased, 0 no
 * such subscriber, -1 error.
 */
int store_subscriber_erase(struct db *db, int64_t page_id, int64_t id, char **channel,
                           char **address, struct err *e);
/* The recipient of a delivery whose subscriber was erased starts with this (no address
 * does: app/addresses.c refuses a colon in e-mail addresses, and numbers are digits). */
#define STORE_ERASED_PREFIX "erased:"
/* Whether any page still has a subscriber on CHANNEL with ADDRESS: 1 yes, 0 no, -1 error. */
int store_subscriber_address_used(struct db *db, const char *channel, const char *address,
                                  struct err *e);
/* Records that claimed delivery ID (still "sending") was not sent, for REASON: failed. */
int store_delivery_not_sent(struct db *db, int64_t id, const char *reason, struct err *e);

/*
 * Counts one permanent refusal of subscriber ID's address (inside the caller's
 * transaction). An active e-mail subscriber refused LIMIT times in a row becomes bounced:
 * *BOUNCED is then true (only on that change), and its update deliveries still pending are
 * failed with REASON. Returns 0, or -1 with E.
 */
int store_subscriber_bounce(struct db *db, int64_t id, int limit, const char *reason, bool *bounced,
                            struct err *e);
enum { STORE_DELIVERED_MAX = 32 };
/* Clears the count of bounces of the subscribers the deliveries IDS[0..N) went to
 * (N ≤ STORE_DELIVERED_MAX): they were delivered. */
int store_subscribers_delivered(struct db *db, const int64_t *ids, int n, struct err *e);

#endif
