/*
 * store/deliveries — the notification log: one row per message to one recipient
 * (an address, a number, or an integration), written by the dispatcher: updates'
 * notifications, subscription confirmations and team invitations (KIND).
 * DELIVERY JSON: {"id","kind","update_id","update_kind","event_id","event_kind","channel",
 * "recipient","state","attempts","last_error","created_at","sent_at","node","coalesced_into"}
 * (state pending, sending, sent, failed, dead, or — storm control, app/storm.h — coalesced
 * into the delivery coalesced_into names, whose message listed it, or skipped; update_id,
 * update_kind — update, reminder or postmortem: domain/event.h — event_id and event_kind
 * null but for kind update).
 */
#ifndef PHAROS_STORE_DELIVERIES_H
#define PHAROS_STORE_DELIVERIES_H
#include "store/db.h"

/* Up to LIMIT deliveries of PAGE_ID, newest first, with ids below BEFORE (0: from the newest);
 * CHANNEL and STATE filter unless NULL. NULL on error. */
json_t *store_deliveries_list(struct db *db, int64_t page_id, const char *channel,
                              const char *state, int64_t before, int limit, struct err *e);

#endif
