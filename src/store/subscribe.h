/*
 * store/subscribe — the SQL of the public subscription flows (app/subscribe.h):
 * finding a subscriber by address or id with the columns the tokens derive from,
 * recording a confirmation sent and SMS code attempts, STOP/START by number.
 * JSON uses names without "_at" for times so they stay integers:
 * {"id","page_id","channel","address","state","all_services","created","confirm_sent",
 *  "code_attempts"}.
 */
#ifndef PHAROS_STORE_SUBSCRIBE_H
#define PHAROS_STORE_SUBSCRIBE_H
#include "store/db.h"

/* The subscriber of PAGE_ID with CHANNEL and ADDRESS, or NULL (E->code ERR_OK: none). */
json_t *store_subscribe_find(struct db *db, int64_t page_id, const char *channel,
                             const char *address, struct err *e);
/* Subscriber ID (any page), or NULL (E->code ERR_OK: none). */
json_t *store_subscribe_row(struct db *db, int64_t id, struct err *e);
/* Records that a confirmation was sent at NOW (new SMS code: attempts reset); STATE
 * (may be NULL: unchanged) becomes the subscriber's state. */
int store_subscribe_confirm_sent(struct db *db, int64_t id, const char *state, int64_t now,
                                 struct err *e);
/* Counts one wrong SMS code. */
int store_subscribe_code_failed(struct db *db, int64_t id, struct err *e);
/* Sets every SMS subscriber with number ADDRESS in state FROM to state TO; *CHANGED (may be
 * NULL) gets how many. */
int store_subscribe_sms_state(struct db *db, const char *address, const char *from, const char *to,
                              int *changed, struct err *e);
/* Services of PAGE_ID as [{"id","name"}] in the order of services (store/service_order.h),
 * hidden ones included. */
json_t *store_subscribe_services(struct db *db, int64_t page_id, struct err *e);
/* The ids subscriber ID chose, [id…]. */
json_t *store_subscribe_chosen(struct db *db, int64_t id, struct err *e);

#endif
