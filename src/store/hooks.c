/*
 * store/hooks — SQL of visitors' URL subscriptions. See hooks.h.
 *
 * The channels of a fan-out are passed as one string (",slack,webhook,") matched with
 * LIKE, so a job naming any set of URL channels is one statement a batch on both
 * databases; the index subscribers_state still narrows it to the page.
 */
#include "store/hooks.h"
#include "core/timeutil.h"
#include <assert.h>

json_t *store_hook_get(struct db *db, int64_t id, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT id, page_id, channel, address, state, failures, secret, target "
                        "FROM subscribers WHERE id = ?",
                        "i", id);
}

int store_hook_set_secret(struct db *db, int64_t id, const char *sealed, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE subscribers SET secret = ? WHERE id = ?", "si", sealed, id);
}

int store_hook_set_target(struct db *db, int64_t id, const char *sealed, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE subscribers SET target = ? WHERE id = ?", "si", sealed, id);
}

json_t *store_hooks_unsealed(struct db *db, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT id, address FROM subscribers WHERE target IS NULL AND channel IN "
                        "('webhook', 'slack', 'teams', 'discord', 'googlechat') ORDER BY id",
                        NULL);
}

int store_hook_seal(struct db *db, int64_t id, const char *url, const char *address,
                    const char *sealed, struct err *e)
{
    if (db_exec(db, e, NULL,
                "UPDATE subscribers SET target = ?, address = ? WHERE id = ? AND target IS NULL",
                "ssi", sealed, address, id) != 0)
        return -1;
    return db_exec(db, e, NULL,
                   "UPDATE deliveries SET recipient = ? WHERE subscriber_id = ? AND recipient = ?",
                   "sis", address, id, url);
}

int store_hook_confirmed(struct db *db, int64_t id, int64_t now, bool *activated, struct err *e)
{
    int changed = 0;
    int rc = db_exec(db, e, &changed,
                     "UPDATE subscribers SET state = 'active', failures = 0, updated_at = ?, "
                     "confirmed_at = COALESCE(confirmed_at, ?) WHERE id = ? AND state = 'pending'",
                     "iii", now, now, id);
    if (activated) *activated = rc == 0 && changed > 0;
    return rc;
}

int store_hook_delivered(struct db *db, int64_t id, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE subscribers SET failures = 0 WHERE id = ? AND failures > 0",
                   "i", id);
}

int store_hook_failed(struct db *db, int64_t id, int limit, const char *reason, bool *quarantined,
                      struct err *e)
{
    int changed = 0;
    assert(limit > 0);
    *quarantined = false;
    if (db_exec(db, e, NULL, "UPDATE subscribers SET failures = failures + 1 WHERE id = ?", "i",
                id) != 0 ||
        db_exec(db, e, &changed,
                "UPDATE subscribers SET state = 'quarantined', updated_at = ? WHERE id = ? "
                "AND state = 'active' AND failures >= ?",
                "iii", time_now(), id, (int64_t)limit) != 0)
        return -1;
    if (!changed) return 0;
    *quarantined = true;
    return db_exec(db, e, NULL,
                   "UPDATE deliveries SET state = 'failed', last_error = ?, lease_until = NULL "
                   "WHERE subscriber_id = ? AND state = 'pending' AND kind = 'update'",
                   "si", reason, id);
}

int store_hook_reactivate(struct db *db, int64_t page_id, int64_t id, int64_t now, int *changed,
                          struct err *e)
{
    return db_exec(db, e, changed,
                   "UPDATE subscribers SET state = 'pending', failures = 0, updated_at = ? "
                   "WHERE page_id = ? AND id = ? AND state IN ('quarantined', 'pending') "
                   "AND channel NOT IN ('email', 'sms')",
                   "iii", now, page_id, id);
}

json_t *store_hook_last_test(struct db *db, int64_t id, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT state, last_error AS error, attempts FROM deliveries "
                        "WHERE subscriber_id = ? AND kind = 'confirmation' ORDER BY id DESC "
                        "LIMIT 1",
                        "i", id);
}

/* The URL subscribers of an update's fan-out (see hooks.h). */
#define HOOK_RECIPIENTS                                                                            \
    "WHERE s.page_id = ? AND s.state = 'active' AND ? LIKE '%,' || s.channel || ',%' "             \
    "AND s.channel NOT IN ('email', 'sms') "                                                       \
    "AND (s.all_services = 1 OR EXISTS (SELECT 1 FROM subscriber_services ss "                     \
    "JOIN event_services es ON es.service_id = ss.service_id "                                     \
    "WHERE ss.subscriber_id = s.id AND es.event_id = ?)) "

int store_hook_expand_batch(struct db *db, int64_t page_id, int64_t update_id, int64_t event_id,
                            const char *channels, int64_t after, int limit, int64_t accepted_at,
                            int64_t now, int64_t *last, int *count, struct err *e)
{
    struct db_rows r;
    if (db_rows_open(&r, db, e, "read a fan-out's URL recipients",
                     "SELECT COALESCE(MAX(id), 0), COUNT(*) FROM (SELECT s.id FROM subscribers "
                     "s " HOOK_RECIPIENTS "AND s.id > ? ORDER BY s.id LIMIT ?) AS batch",
                     "isiii", page_id, channels, event_id, after, (int64_t)limit) != 0)
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
    return db_exec(db, e, NULL,
                   "INSERT INTO deliveries (page_id, update_id, channel, recipient, subscriber_id, "
                   "next_attempt_at, accepted_at, created_at) "
                   "SELECT s.page_id, ?, s.channel, s.address, s.id, ?, ?, ? FROM subscribers "
                   "s " HOOK_RECIPIENTS "AND s.id > ? AND s.id <= ? "
                   "ON CONFLICT (update_id, channel, recipient) DO NOTHING",
                   "iiiiisiii", update_id, now, accepted_at, now, page_id, channels, event_id,
                   after, *last);
}

int store_hook_job_cursor(struct db *db, int64_t id, int64_t url_cursor, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE notify_jobs SET url_cursor = ? WHERE id = ?", "ii",
                   url_cursor, id);
}
