/*
 * store/subscribers — e-mail and SMS subscribers and the services they chose.
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
int64_t store_subscriber_insert(struct db *db, int64_t page_id, const char *channel,
                                const char *address, const char *state, int64_t confirmed_at,
                                struct err *e);
/* Chooses the services of subscriber ID: all of them when IDS is NULL, else the ids of the
 * JSON array IDS (distinct, checked by the caller to be services of the page). */
int store_subscriber_set_services(struct db *db, int64_t id, json_t *ids, struct err *e);
/* Sets the state; becoming active records confirmed_at if it was not yet. */
int store_subscriber_set_state(struct db *db, int64_t page_id, int64_t id, const char *state,
                               struct err *e);
/* Deletes; 1 deleted, 0 no such subscriber, -1 error. */
int store_subscriber_delete(struct db *db, int64_t page_id, int64_t id, struct err *e);
/* [{"channel","state","n"}…] for the states that have subscribers. NULL on error. */
json_t *store_subscriber_counts(struct db *db, int64_t page_id, struct err *e);

#endif
