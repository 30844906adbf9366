/*
 * store/storm — SQL of storm control. See storm.h.
 *
 * Gathering takes the subscriber's rows through deliveries_subscriber (migration 0018) and
 * locks them as a claim does (FOR UPDATE SKIP LOCKED): a row another node is claiming or
 * gathering is left to it, so no update is in two messages. Rows are taken only while
 * "pending" and never tried: a retry keeps its own message. The day's SMS count walks the
 * partial index deliveries_sms_day, written with the same predicate so both databases
 * match it.
 */
#include "store/storm.h"
#include "store/outbox.h"
#include <assert.h>

json_t *store_deliveries_gather(struct db *db, int64_t leader, int64_t subscriber_id, int limit,
                                int64_t now, struct err *e)
{
    assert(leader > 0 && subscriber_id > 0 && limit > 0);
    return db_query_all(db, e,
                        "UPDATE deliveries SET state = 'coalesced', coalesced_into = ?, "
                        "lease_until = NULL, next_attempt_at = ? WHERE id IN (SELECT id FROM "
                        "deliveries WHERE subscriber_id = ? AND channel = 'email' AND kind = "
                        "'update' AND state = 'pending' AND attempts = 0 AND id <> ? "
                        "ORDER BY accepted_at, id LIMIT ? FOR UPDATE SKIP LOCKED) "
                        "RETURNING id, update_id, accepted_at AS accepted",
                        "iiiii", leader, now, subscriber_id, leader, (int64_t)limit);
}

int store_delivery_coalesce(struct db *db, int64_t id, int64_t leader, int64_t now, struct err *e)
{
    assert(id != leader);
    return db_exec(db, e, NULL,
                   "UPDATE deliveries SET state = 'coalesced', coalesced_into = ?, "
                   "lease_until = NULL, next_attempt_at = ? WHERE id = ? AND state = 'sending'",
                   "iii", leader, now, id);
}

json_t *store_delivery_members(struct db *db, int64_t leader, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT id, update_id, accepted_at AS accepted FROM deliveries "
                        "WHERE coalesced_into = ? AND state = 'coalesced' "
                        "ORDER BY accepted_at, id",
                        "i", leader);
}

int store_deliveries_members_sent(struct db *db, const int64_t *ids, int n, int64_t sent_at,
                                  struct err *e)
{
    int64_t v[STORE_SENT_BATCH] = {0}; /* unused places: id 0, which no row has */
    assert(n > 0 && n <= STORE_SENT_BATCH);
    for (int i = 0; i < n; i++)
        v[i] = ids[i];
#define Q8 "?, ?, ?, ?, ?, ?, ?, ?"
    /* by deliveries_coalesced alone (a row with coalesced_into is coalesced): a test of the
     * state lets SQLite walk deliveries_due's every coalesced row instead */
    return db_exec(db, e, NULL,
                   "UPDATE deliveries SET sent_at = ? WHERE coalesced_into "
                   "IN (" Q8 ", " Q8 ", " Q8 ", " Q8 ")",
                   "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii", sent_at, v[0], v[1], v[2], v[3], v[4], v[5],
                   v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17],
                   v[18], v[19], v[20], v[21], v[22], v[23], v[24], v[25], v[26], v[27], v[28],
                   v[29], v[30], v[31]);
#undef Q8
}

int store_deliveries_revive_orphans(struct db *db, int64_t now, struct err *e)
{
    /* the partial index deliveries_orphans (state, coalesced_into), empty but for such rows */
    return db_exec(db, e, NULL,
                   "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ? "
                   "WHERE state = 'coalesced' AND coalesced_into IS NULL AND sent_at IS NULL",
                   "i", now);
}

int store_page_lock(struct db *db, int64_t page_id, struct err *e)
{
    /* NO KEY: the inserts of rows that refer to the page (their foreign keys take KEY SHARE
     * on it) neither wait for a claim nor make it wait; claims of the page wait for each
     * other */
    int64_t id = 0;
    int rc = db_query_int(db, e, &id, "SELECT id FROM pages WHERE id = ? FOR NO KEY UPDATE", "i",
                          page_id);
    return rc < 0 ? -1 : 0;
}

int store_sms_day_count(struct db *db, int64_t page_id, int64_t since, int64_t *n, struct err *e)
{
    int rc = db_query_int(db, e, n,
                          "SELECT (SELECT COUNT(*) FROM deliveries WHERE page_id = ? AND "
                          "state = 'sent' AND channel = 'sms' AND kind = 'update' AND "
                          "sent_at >= ?) + (SELECT COUNT(*) FROM deliveries WHERE "
                          "channel = 'sms' AND state = 'sending' AND kind = 'update' AND "
                          "page_id = ?)",
                          "iii", page_id, since, page_id);
    return rc < 0 ? -1 : 0;
}

int store_delivery_skip(struct db *db, int64_t id, const char *reason, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE deliveries SET state = 'skipped', last_error = ?, lease_until = NULL, "
                   "next_attempt_at = ? WHERE id = ? AND state = 'sending'",
                   "sii", reason, now, id);
}

int store_deliveries_storm(struct db *db, int64_t page_id, int64_t since, int64_t *coalesced,
                           int64_t *skipped, struct err *e)
{
    /* "state IN (…)" is the partial index deliveries_storm's predicate, written out so that
     * SQLite, which matches it term by term, uses it */
    if (db_query_int(db, e, coalesced,
                     "SELECT COUNT(*) FROM deliveries WHERE page_id = ? AND "
                     "state IN ('coalesced', 'skipped') AND created_at >= ? AND "
                     "state = 'coalesced'",
                     "ii", page_id, since) < 0 ||
        db_query_int(db, e, skipped,
                     "SELECT COUNT(*) FROM deliveries WHERE page_id = ? AND "
                     "state IN ('coalesced', 'skipped') AND created_at >= ? AND "
                     "state = 'skipped'",
                     "ii", page_id, since) < 0)
        return -1;
    return 0;
}
