/*
 * store/storm — the SQL of storm control (SPEC §15, migration 0020): coalescing a
 * subscriber's e-mail update deliveries into one message, and the daily SMS cap.
 *
 * A coalesced delivery is final in state "coalesced", with coalesced_into the delivery
 * whose message listed it (the "leader": a row of the same subscriber, claimed in the same
 * transaction). The leader's own state says what became of the message; a retry or a
 * claim after its lease ran out rebuilds the same message from its coalesced rows
 * (store_delivery_members). A skipped delivery is final in state "skipped", its reason in
 * last_error. Every function here runs inside the claim's transaction (app/storm.h).
 */
#ifndef PHAROS_STORE_STORM_H
#define PHAROS_STORE_STORM_H
#include "store/db.h"

/* Coalesces into LEADER up to LIMIT other e-mail update deliveries of SUBSCRIBER_ID never
 * tried (pending, attempts 0), whether due or not, the earliest accepted first, skipping rows
 * another transaction holds (FOR UPDATE SKIP LOCKED). Returns those taken,
 * [{"id","update_id","accepted"}] in no order, or NULL with E filled. */
json_t *store_deliveries_gather(struct db *db, int64_t leader, int64_t subscriber_id, int limit,
                                int64_t now, struct err *e);
/* Coalesces delivery ID, claimed by this transaction (still "sending"), into LEADER. */
int store_delivery_coalesce(struct db *db, int64_t id, int64_t leader, int64_t now, struct err *e);
/* The deliveries coalesced into LEADER: [{"id","update_id","accepted"}] by acceptance, then id;
 * NULL with E filled. */
json_t *store_delivery_members(struct db *db, int64_t leader, struct err *e);

/* Records that the messages IDS[0..N) (N ≤ STORE_SENT_BATCH: store/outbox.h), sent at SENT_AT,
 * carried their coalesced deliveries: their sent_at is set (the export's and the log's "when"). */
int store_deliveries_members_sent(struct db *db, const int64_t *ids, int n, int64_t sent_at,
                                  struct err *e);
/* Coalesced deliveries whose message is gone unsent (its row deleted with its update: the
 * foreign key set coalesced_into NULL) wait again, fresh, at NOW: none is lost. Returns 0, or
 * -1 with E filled. */
int store_deliveries_revive_orphans(struct db *db, int64_t now, struct err *e);

/* Locks PAGE_ID's row until the transaction ends (PostgreSQL; SQLite has one writer), so
 * the SMS cap of one page is counted by one node at a time. */
int store_page_lock(struct db *db, int64_t page_id, struct err *e);
/* PAGE_ID's update texts sent since SINCE, plus those being sent now (claimed, any node):
 * into *N. Returns 0, or -1 with E filled. */
int store_sms_day_count(struct db *db, int64_t page_id, int64_t since, int64_t *n, struct err *e);
/* Records delivery ID (claimed, "sending") as skipped with REASON at NOW: never sent, never
 * retried. */
int store_delivery_skip(struct db *db, int64_t id, const char *reason, int64_t now, struct err *e);
/* PAGE_ID's deliveries created since SINCE that were coalesced (each a message saved) and
 * skipped, into *COALESCED and *SKIPPED. */
int store_deliveries_storm(struct db *db, int64_t page_id, int64_t since, int64_t *coalesced,
                           int64_t *skipped, struct err *e);

#endif
