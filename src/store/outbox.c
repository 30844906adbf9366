/*
 * store/outbox — SQL of the notification dispatcher. See outbox.h.
 *
 * Claims take the rows they lease with FOR UPDATE SKIP LOCKED: on PostgreSQL the
 * dispatchers of several nodes never wait for one another's rows nor take the same
 * row twice (SQLite, one writer, drops the clause: store/db_backend.h).
 *
 * Expansion is idempotent: deliveries are unique per (update, channel,
 * recipient) and inserted with ON CONFLICT DO NOTHING, and the job's cursor (the
 * last subscriber id expanded) moves in the same transaction as the batch it
 * covers, so a crash between batches re-expands at most one batch, harmlessly.
 */
#include "store/outbox.h"
#include "store/service_order.h"
#include "store/subscribers.h"
#include <assert.h>

json_t *store_outbox_jobs(struct db *db, int limit, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT id, page_id, update_id, channels, cursor, sms_cursor, "
                        "url_cursor, channels_done FROM notify_jobs "
                        "WHERE state = 'pending' ORDER BY id LIMIT ?",
                        "i", (int64_t)limit);
}

json_t *store_outbox_update(struct db *db, int64_t update_id, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT u.id AS update_id, u.event_id, ev.kind, ev.title, ev.impact, "
                        "u.stage AS update_stage, u.kind AS update_kind, u.message, "
                        "u.created_at AS accepted, "
                        "ev.scheduled_start AS window_start, ev.scheduled_end AS window_end, "
                        "ev.page_id, p.title AS page_title, p.time_zone AS page_time_zone, "
                        "p.default_language AS page_language, u.translations "
                        "FROM event_updates u JOIN events ev ON ev.id = u.event_id "
                        "JOIN pages p ON p.id = ev.page_id WHERE u.id = ?",
                        "i", update_id);
}

json_t *store_outbox_event_translations(struct db *db, int64_t event_id, int64_t update_id,
                                        struct err *e)
{
    return db_query_all(db, e,
                        "SELECT translations FROM event_updates WHERE event_id = ? AND id <= ? "
                        "AND translations IS NOT NULL ORDER BY id DESC",
                        "ii", event_id, update_id);
}

json_t *store_outbox_event_services(struct db *db, int64_t event_id, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT s.id, s.name, s.status FROM event_services es "
                        "JOIN services s ON s.id = es.service_id " SERVICE_GROUP_JOIN
                        "WHERE es.event_id = ? ORDER BY " SERVICE_ORDER,
                        "i", event_id);
}

/* The subscribers of an update's fan-out on one channel: PAGE_ID's active ones of the
 * channel (?) who chose every service or one the event (?) links; the index
 * subscribers_state (page_id, channel, state, id) walks them in id order. */
#define RECIPIENTS_WHERE                                                                           \
    "WHERE s.page_id = ? AND s.channel = ? AND s.state = 'active' "                                \
    "AND (s.all_services = 1 OR EXISTS (SELECT 1 FROM subscriber_services ss "                     \
    "JOIN event_services es ON es.service_id = ss.service_id "                                     \
    "WHERE ss.subscriber_id = s.id AND es.event_id = ?)) "

int store_outbox_expand_batch(struct db *db, int64_t page_id, int64_t update_id, int64_t event_id,
                              const char *channel, int64_t after, int limit, int64_t accepted_at,
                              int64_t due, int64_t now, int64_t *last, int *count, struct err *e)
{
    struct db_rows r;
    if (db_rows_open(&r, db, e, "read a fan-out's recipients",
                     "SELECT COALESCE(MAX(id), 0), COUNT(*) FROM (SELECT s.id FROM subscribers "
                     "s " RECIPIENTS_WHERE "AND s.id > ? ORDER BY s.id LIMIT ?) AS batch",
                     "isiii", page_id, channel, event_id, after, (int64_t)limit) != 0)
        return -1;
    int got = db_rows_next(&r, e);
    *last = got == 1 ? db_rows_int(&r, 0) : 0;
    *count = got == 1 ? (int)db_rows_int(&r, 1) : 0;
    db_rows_close(&r);
    if (got < 0) return -1;
    if (*count == 0) {
        *last = after;
        return 0;
    }
    /* the same subscribers, by id range: one statement for the whole batch */
    return db_exec(db, e, NULL,
                   "INSERT INTO deliveries (page_id, update_id, channel, recipient, subscriber_id, "
                   "next_attempt_at, accepted_at, created_at) "
                   "SELECT s.page_id, ?, s.channel, s.address, s.id, ?, ?, ? FROM subscribers "
                   "s " RECIPIENTS_WHERE "AND s.id > ? AND s.id <= ? "
                   "ON CONFLICT (update_id, channel, recipient) DO NOTHING",
                   "iiiiisiii", update_id, due, accepted_at, now, page_id, channel, event_id, after,
                   *last);
}

int store_delivery_add(struct db *db, int64_t page_id, int64_t update_id, const char *channel,
                       const char *recipient, int64_t subscriber_id, int64_t accepted_at,
                       int64_t now, struct err *e)
{
    return db_exec(db, e, NULL,
                   "INSERT INTO deliveries (page_id, update_id, channel, recipient, "
                   "subscriber_id, next_attempt_at, accepted_at, created_at) "
                   "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (update_id, channel, recipient) "
                   "DO NOTHING",
                   "iissIiii", page_id, update_id, channel, recipient, subscriber_id, now,
                   accepted_at, now);
}

int store_outbox_job_advance(struct db *db, int64_t id, int64_t cursor, int64_t sms_cursor,
                             unsigned channels_done, bool done, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE notify_jobs SET cursor = ?, sms_cursor = ?, channels_done = ?, "
                   "state = ?, updated_at = ? WHERE id = ?",
                   "iiisii", cursor, sms_cursor, (int64_t)channels_done, done ? "done" : "pending",
                   now, id);
}

/* What a claim returns of each row (outbox.h). */
#define CLAIMED                                                                                    \
    "RETURNING id, page_id, kind, update_id, invitation_id, channel, recipient, subscriber_id, "   \
    "attempts, accepted_at AS accepted, (SELECT s.language FROM subscribers s "                    \
    "WHERE s.id = deliveries.subscriber_id) AS language"

/* Whether a delivery was tried before: the third column of the index deliveries_claim
 * (migration 0011), written exactly so for both databases to match it. */
#define TRIED "CASE WHEN attempts > 0 THEN 1 ELSE 0 END"

json_t *store_deliveries_claim(struct db *db, const char *node, const char *channel, int64_t now,
                               int64_t lease_until, int limit, struct err *e)
{
    /* Three kinds of candidates, each walking the index deliveries_claim (channel, state,
     * whether tried before, next_attempt_at): leases that ran out (rows lost in flight:
     * first), due retries (the first STORE_RETRY_SCAN by due time) and due fresh rows (by
     * due time: the order the fan-out added them, which interleaves the updates being
     * expanded). Of the retries and fresh rows, those accepted first are taken first:
     * their SLA runs out first. A retry, accepted before the backlog it was added behind,
     * no longer waits for that backlog to drain. */
    return db_query_all(
        db, e,
        "UPDATE deliveries SET state = 'sending', lease_until = ?, claimed_by = ?, "
        "attempts = attempts + 1 "
        "WHERE id IN (SELECT id FROM ("
        "SELECT id, 0 AS lane, 0 AS acc FROM (SELECT id FROM deliveries WHERE channel = ? AND "
        "state = 'sending' AND lease_until < ? LIMIT ? FOR UPDATE SKIP LOCKED) AS expired "
        "UNION ALL "
        "SELECT id, 1 AS lane, accepted_at AS acc FROM (SELECT id, accepted_at FROM deliveries "
        "WHERE channel = ? AND state = 'pending' AND " TRIED " = 1 AND next_attempt_at <= ? "
        "ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) AS retried "
        "UNION ALL "
        "SELECT id, 1 AS lane, accepted_at AS acc FROM (SELECT id, accepted_at FROM deliveries "
        "WHERE channel = ? AND state = 'pending' AND " TRIED " = 0 AND next_attempt_at <= ? "
        "ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) AS fresh"
        ") AS claimable ORDER BY lane, acc, id LIMIT ?) " CLAIMED,
        "issiisiisiii", lease_until, node, channel, now, (int64_t)limit, channel, now,
        (int64_t)STORE_RETRY_SCAN, channel, now, (int64_t)limit, (int64_t)limit);
}

int store_deliveries_sent(struct db *db, const int64_t *ids, int n, int64_t sent_at, struct err *e)
{
    int64_t v[STORE_SENT_BATCH] = {0}; /* unused places: id 0, which no row has */
    assert(n > 0 && n <= STORE_SENT_BATCH);
    for (int i = 0; i < n; i++)
        v[i] = ids[i];
#define Q8 "?, ?, ?, ?, ?, ?, ?, ?"
    return db_exec(db, e, NULL,
                   "UPDATE deliveries SET state = 'sent', next_attempt_at = ?, last_error = NULL, "
                   "sent_at = ?, lease_until = NULL WHERE state = 'sending' AND id IN "
                   "(" Q8 ", " Q8 ", " Q8 ", " Q8 ")",
                   "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii", sent_at, sent_at, v[0], v[1], v[2], v[3],
                   v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15],
                   v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23], v[24], v[25], v[26],
                   v[27], v[28], v[29], v[30], v[31]);
#undef Q8
}

int store_delivery_finish(struct db *db, int64_t id, const char *state, int64_t next_at,
                          const char *error, int64_t sent_at, struct err *e)
{
    /* a row erased while it was being sent (store_subscriber_erase) keeps no answer: the
     * relay's or provider's may quote the address */
    return db_exec(db, e, NULL,
                   "UPDATE deliveries SET state = ?, next_attempt_at = ?, last_error = CASE "
                   "WHEN CAST(? AS TEXT) IS NOT NULL AND recipient LIKE '" STORE_ERASED_PREFIX
                   "%' THEN 'the subscriber''s "
                   "data was deleted while this was being sent (the answer is not kept)' "
                   "ELSE ? END, sent_at = ?, lease_until = NULL WHERE id = ? AND state = 'sending'",
                   "sissIi", state, next_at, error, error, sent_at, id);
}

int store_deliveries_health(struct db *db, int64_t page_id, int64_t since, int64_t *pending,
                            int64_t *failed, struct err *e)
{
    if (db_query_int(db, e, pending,
                     "SELECT COUNT(*) FROM deliveries WHERE page_id = ? AND state IN "
                     "('pending', 'sending')",
                     "i", page_id) < 0 ||
        db_query_int(db, e, failed,
                     "SELECT COUNT(*) FROM deliveries WHERE page_id = ? AND state IN "
                     "('failed', 'dead') AND created_at >= ?",
                     "ii", page_id, since) < 0)
        return -1;
    return 0;
}

json_t *store_deliveries_waiting(struct db *db, int64_t page_id, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT channel, COUNT(*) AS waiting, MIN(accepted_at) AS oldest "
                        "FROM deliveries WHERE page_id = ? AND kind = 'update' "
                        "AND state IN ('pending', 'sending') GROUP BY channel ORDER BY channel",
                        "i", page_id);
}

json_t *store_deliveries_sent_since(struct db *db, int64_t page_id, int64_t since, struct err *e)
{
    /* the partial index deliveries_sent (page_id, sent_at) WHERE state = 'sent' */
    return db_query_all(db, e,
                        "SELECT channel, COUNT(*) AS n FROM deliveries WHERE page_id = ? "
                        "AND state = 'sent' AND sent_at >= ? AND kind = 'update' "
                        "GROUP BY channel ORDER BY channel",
                        "ii", page_id, since);
}

json_t *store_delivery_latencies(struct db *db, int64_t page_id, int64_t since, struct err *e)
{
    return db_query_all(
        db, e,
        "SELECT channel, CASE WHEN sent_at > accepted_at THEN sent_at - accepted_at "
        "ELSE 0 END AS latency, COUNT(*) AS n "
        "FROM deliveries WHERE page_id = ? AND kind = 'update' AND state = 'sent' "
        "AND sent_at >= ? "
        "GROUP BY channel, latency ORDER BY channel, latency",
        "ii", page_id, since);
}

json_t *store_deliveries_overdue(struct db *db, int64_t page_id, int64_t since, int64_t now,
                                 int email_sla_s, int other_sla_s, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT channel, COUNT(*) AS n FROM deliveries WHERE page_id = ? AND "
                        "kind = 'update' AND state NOT IN ('sent', 'coalesced', 'skipped') AND "
                        "accepted_at >= ? AND "
                        "? - accepted_at > CASE "
                        "channel WHEN 'email' THEN ? ELSE ? END GROUP BY channel",
                        "iiiii", page_id, since, now, (int64_t)email_sla_s, (int64_t)other_sla_s);
}

int64_t store_message_add(struct db *db, int64_t page_id, enum store_message_kind kind,
                          const char *channel, const char *recipient, int64_t ref, int64_t now,
                          struct err *e)
{
    bool inv = kind == STORE_MSG_INVITATION;
    assert(ref > 0);
    return db_insert(db, e,
                     "INSERT INTO deliveries (page_id, kind, invitation_id, subscriber_id, "
                     "channel, recipient, next_attempt_at, accepted_at, created_at) "
                     "VALUES (?,?,?,?,?,?,?,?,?)",
                     "isIIssiii", page_id, inv ? "invitation" : "confirmation", inv ? ref : 0,
                     inv ? 0 : ref, channel, recipient, now, now, now);
}

json_t *store_messages_claim(struct db *db, const char *node, int64_t now, int64_t lease_until,
                             int limit, struct err *e)
{
    /* Each branch walks the partial index deliveries_messages, where a fan-out's rows are
     * not: one condition with OR made SQLite merge two scans of deliveries_due instead, every
     * pending delivery of a fan-out (0.3 s a claim with a million, and a claim every pump). */
    return db_query_all(
        db, e,
        "UPDATE deliveries SET state = 'sending', lease_until = ?, claimed_by = ?, "
        "attempts = attempts + 1 WHERE id IN (SELECT id FROM ("
        "SELECT id FROM (SELECT id FROM deliveries WHERE kind <> 'update' AND state = 'pending' "
        "AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED) "
        "AS due UNION ALL "
        "SELECT id FROM (SELECT id FROM deliveries WHERE kind <> 'update' AND state = 'sending' "
        "AND lease_until < ? LIMIT ? FOR UPDATE SKIP LOCKED) AS expired"
        ") AS claimable LIMIT ?) " CLAIMED,
        "isiiiii", lease_until, node, now, (int64_t)limit, now, (int64_t)limit, (int64_t)limit);
}

int64_t store_oauth_request_add(struct db *db, int64_t page_id, const char *callback, int64_t now,
                                struct err *e)
{
    if (db_exec(db, e, NULL, "DELETE FROM oauth_requests WHERE created_at < ?", "i",
                now - STORE_OAUTH_TTL_S) != 0)
        return -1;
    return db_insert(db, e,
                     "INSERT INTO oauth_requests (page_id, callback, created_at, updated_at) "
                     "VALUES (?,?,?,?)",
                     "isii", page_id, callback, now, now);
}

json_t *store_oauth_request_get(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT id, state, token, error, updated_at AS updated FROM oauth_requests "
                        "WHERE id = ? AND page_id = ?",
                        "ii", id, page_id);
}

int64_t store_oauth_request_verify(struct db *db, int64_t page_id, const char *token,
                                   const char *verifier, int64_t now, struct err *e)
{
    int64_t id = 0;
    int rc = db_query_int(db, e, &id,
                          "UPDATE oauth_requests SET state = 'verifying', verifier = ?, "
                          "updated_at = ? WHERE token = ? AND page_id = ? AND state = 'ready' "
                          "AND created_at >= ? RETURNING id",
                          "sisii", verifier, now, token, page_id, now - STORE_OAUTH_TTL_S);
    return rc < 0 ? -1 : rc == 0 ? 0 : id;
}

json_t *store_oauth_requests_claim(struct db *db, int64_t now, int64_t lease_until, int limit,
                                   struct err *e)
{
    return db_query_all(db, e,
                        "UPDATE oauth_requests SET lease_until = ? WHERE id IN (SELECT id FROM "
                        "oauth_requests WHERE state IN ('requested', 'verifying') AND "
                        "(lease_until IS NULL OR lease_until < ?) AND created_at >= ? "
                        "ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) "
                        "RETURNING id, page_id, state, callback, token, secret, verifier",
                        "iiii", lease_until, now, now - STORE_OAUTH_TTL_S, (int64_t)limit);
}

int store_oauth_request_finish(struct db *db, int64_t id, const char *state, const char *token,
                               const char *sealed, const char *error, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE oauth_requests SET state = ?, token = COALESCE(?, token), "
                   "secret = CASE WHEN ? = 'ready' THEN ? ELSE NULL END, verifier = NULL, "
                   "error = ?, lease_until = NULL, updated_at = ? WHERE id = ?",
                   "sssssii", state, token, state, sealed, error, now, id);
}
