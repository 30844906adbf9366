/*
 * store/subscribers — SQL for subscribers and subscriber_services, and for a
 * subscriber's data kept elsewhere (deliveries, audit_log). See subscribers.h.
 *
 * A subscriber's chosen services are read for a whole list in one query (the
 * id range of the list, merged in id order), not one query per subscriber.
 *
 * A subscriber's deliveries are found through deliveries_subscriber (migration
 * 0018). The erasure keys on the subscriber id, not the address: after 0018 every
 * delivery of an erased subscriber is erased with it, so no delivery holds an address
 * without its subscriber. The address is cut out of last_error as stored (lower-case
 * e-mail, E.164), which is how pharos gave it to the relay or provider that echoes it.
 */
#include "store/subscribers.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include <assert.h>

#define SUBSCRIBER_COLUMNS                                                                         \
    "SELECT id, channel, address, state, all_services, language, created_at, confirmed_at, "       \
    "failures "                                                                                    \
    "FROM subscribers "

/* Replaces each row's all_services with "services": "all" or the ids chosen. ROWS are in
 * increasing id order. */
static int attach_services(struct db *db, int64_t page_id, json_t *rows, struct err *e)
{
    size_t n = json_array_size(rows);
    if (n == 0) return 0;
    int64_t lo = json_integer_value(json_object_get(json_array_get(rows, 0), "id"));
    int64_t hi = json_integer_value(json_object_get(json_array_get(rows, n - 1), "id"));
    json_t *links =
        db_query_all(db, e,
                     "SELECT ss.subscriber_id, ss.service_id FROM subscriber_services ss "
                     "JOIN subscribers s ON s.id = ss.subscriber_id "
                     "WHERE s.page_id = ? AND s.all_services = 0 "
                     "AND ss.subscriber_id BETWEEN ? AND ? "
                     "ORDER BY ss.subscriber_id, ss.service_id",
                     "iii", page_id, lo, hi);
    if (!links) return -1;
    size_t k = 0, nlinks = json_array_size(links);
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        int64_t id = json_integer_value(json_object_get(row, "id"));
        bool all = json_is_true(json_object_get(row, "all_services"));
        json_t *ids = all ? json_string("all") : json_array();
        for (; k < nlinks; k++) {
            json_t *l = json_array_get(links, k);
            int64_t sid = json_integer_value(json_object_get(l, "subscriber_id"));
            if (sid > id) break;
            if (sid == id && !all) json_array_append(ids, json_object_get(l, "service_id"));
        }
        json_object_del(row, "all_services");
        json_object_set_new(row, "services", ids);
    }
    json_decref(links);
    return 0;
}

json_t *store_subscriber_get(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    json_t *rows =
        db_query_all(db, e, SUBSCRIBER_COLUMNS "WHERE page_id = ? AND id = ?", "ii", page_id, id);
    json_t *row = NULL;
    if (rows && attach_services(db, page_id, rows, e) == 0) {
        row = json_incref(json_array_get(rows, 0));
        if (!row) e->code = ERR_OK;
    }
    json_decref(rows);
    return row;
}

json_t *store_subscribers_list(struct db *db, int64_t page_id, const char *channel,
                               const char *state, int64_t after, int limit, struct err *e)
{
    json_t *rows =
        db_query_all(db, e,
                     SUBSCRIBER_COLUMNS "WHERE page_id = ? AND (? = '' OR channel = ?) "
                                        "AND (? = '' OR state = ?) AND id > ? ORDER BY id LIMIT ?",
                     "issssii", page_id, channel ? channel : "", channel ? channel : "",
                     state ? state : "", state ? state : "", after, (int64_t)limit);
    if (rows && attach_services(db, page_id, rows, e) != 0) {
        json_decref(rows);
        rows = NULL;
    }
    return rows;
}

int store_subscriber_set_language(struct db *db, int64_t id, const char *lang, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE subscribers SET language = ? WHERE id = ?", "si", lang, id);
}

int64_t store_subscriber_insert(struct db *db, int64_t page_id, const char *channel,
                                const char *address, const char *state, int64_t confirmed_at,
                                struct err *e)
{
    int64_t now = time_now();
    int64_t id = db_insert(db, e,
                           "INSERT INTO subscribers (page_id, channel, address, state, "
                           "all_services, created_at, updated_at, confirmed_at) "
                           "VALUES (?,?,?,?,1,?,?,?)",
                           "isssiiI", page_id, channel, address, state, now, now, confirmed_at);
    if (id < 0 && e->code == ERR_CONFLICT)
        err_set(e, ERR_CONFLICT, "%s is already a subscriber (%s) of this page", address, channel);
    return id;
}

int store_subscriber_set_services(struct db *db, int64_t id, json_t *ids, struct err *e)
{
    if (db_exec(db, e, NULL, "UPDATE subscribers SET all_services = ?, updated_at = ? WHERE id = ?",
                "bii", (int)(ids == NULL), time_now(), id) != 0 ||
        db_exec(db, e, NULL, "DELETE FROM subscriber_services WHERE subscriber_id = ?", "i", id) !=
            0)
        return -1;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        if (db_exec(db, e, NULL,
                    "INSERT INTO subscriber_services (subscriber_id, service_id) VALUES (?, ?)",
                    "ii", id, (int64_t)json_integer_value(v)) != 0)
            return -1;
    }
    return 0;
}

int store_subscriber_set_state(struct db *db, int64_t page_id, int64_t id, const char *state,
                               struct err *e)
{
    int64_t now = time_now();
    return db_exec(db, e, NULL,
                   "UPDATE subscribers SET state = ?, updated_at = ?, confirmed_at = CASE "
                   "WHEN ? = 'active' AND confirmed_at IS NULL THEN ? ELSE confirmed_at END, "
                   "bounces = CASE WHEN ? = 'active' THEN 0 ELSE bounces END "
                   "WHERE page_id = ? AND id = ?",
                   "sisisii", state, now, state, now, state, page_id, id);
}

json_t *store_subscriber_counts(struct db *db, int64_t page_id, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT channel, state, COUNT(*) AS n FROM subscribers WHERE page_id = ? "
                        "GROUP BY channel, state",
                        "i", page_id);
}

json_t *store_subscriber_export(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    json_t *sub = NULL, *out = NULL, *chosen = NULL, *deliveries = NULL, *audit = NULL;
    sub = db_query_one(
        db, e,
        "SELECT id, channel, address, state, all_services, bounces, code_attempts, "
        "language, created_at, updated_at, confirmed_at, confirm_sent_at FROM subscribers "
        "WHERE page_id = ? AND id = ?",
        "ii", page_id, id);
    if (!sub) return NULL;
    if (!(chosen = db_query_all(db, e,
                                "SELECT s.id, s.name FROM subscriber_services ss "
                                "JOIN services s ON s.id = ss.service_id "
                                "WHERE ss.subscriber_id = ? ORDER BY s.id",
                                "i", id)) ||
        !(deliveries = db_query_all(
              db, e,
              "SELECT d.id, d.kind, d.update_id, u.event_id, ev.kind AS event_kind, "
              "ev.title AS event_title, u.stage AS update_stage, d.channel, d.recipient, d.state, "
              "d.attempts, d.last_error, d.coalesced_into, d.accepted_at, d.created_at, "
              "d.sent_at FROM deliveries d LEFT JOIN event_updates u ON u.id = d.update_id "
              "LEFT JOIN events ev ON ev.id = u.event_id "
              "WHERE d.subscriber_id = ? ORDER BY d.id",
              "i", id)) ||
        !(audit = db_query_all(db, e,
                               "SELECT action, actor, detail, created_at FROM audit_log "
                               "WHERE page_id = ? AND object_id = ? AND action LIKE 'subscriber.%' "
                               "ORDER BY id",
                               "ii", page_id, id)))
        goto out;
    bool all = json_is_true(json_object_get(sub, "all_services"));
    json_object_del(sub, "all_services");
    json_object_set_new(sub, "services", all ? json_string("all") : json_incref(chosen));
    out = json_pack("{s:O, s:O, s:O}", "subscriber", sub, "deliveries", deliveries, "audit", audit);
out:
    json_decref(sub);
    json_decref(chosen);
    json_decref(deliveries);
    json_decref(audit);
    return out;
}

int store_subscriber_erase(struct db *db, int64_t page_id, int64_t id, char **channel,
                           char **address, struct err *e)
{
    int rc = -1, changed = 0;
    json_t *row =
        db_query_one(db, e, "SELECT channel, address FROM subscribers WHERE page_id = ? AND id = ?",
                     "ii", page_id, id);
    if (!row) return e->code ? -1 : 0;
    const char *addr = json_string_value(json_object_get(row, "address"));
    assert(addr);
    if (db_exec(db, e, NULL,
                "UPDATE deliveries SET "
                "last_error = CASE WHEN state = 'pending' "
                "THEN 'not sent: the subscriber''s data was deleted' "
                "ELSE REPLACE(last_error, ?, '[erased]') END, "
                "state = CASE WHEN state = 'pending' THEN 'failed' ELSE state END, "
                "recipient = '" STORE_ERASED_PREFIX "' || CAST(id AS TEXT), subscriber_id = NULL "
                "WHERE subscriber_id = ?",
                "si", addr, id) != 0 ||
        db_exec(db, e, &changed, "DELETE FROM subscribers WHERE page_id = ? AND id = ?", "ii",
                page_id, id) != 0)
        goto out;
    if (channel) *channel = xstrdup(json_string_value(json_object_get(row, "channel")));
    if (address) *address = xstrdup(addr);
    rc = changed ? 1 : 0;
out:
    json_decref(row);
    return rc;
}

int store_subscriber_address_used(struct db *db, const char *channel, const char *address,
                                  struct err *e)
{
    int64_t one = 0;
    return db_query_int(db, e, &one,
                        "SELECT 1 FROM subscribers WHERE channel = ? AND address = ? LIMIT 1", "ss",
                        channel, address);
}

int store_delivery_not_sent(struct db *db, int64_t id, const char *reason, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE deliveries SET state = 'failed', last_error = ?, lease_until = NULL "
                   "WHERE id = ? AND state = 'sending'",
                   "si", reason, id);
}

int store_subscriber_bounce(struct db *db, int64_t id, int limit, const char *reason, bool *bounced,
                            struct err *e)
{
    int changed = 0;
    *bounced = false;
    if (db_exec(db, e, NULL, "UPDATE subscribers SET bounces = bounces + 1 WHERE id = ?", "i",
                id) != 0 ||
        db_exec(db, e, &changed,
                "UPDATE subscribers SET state = 'bounced', updated_at = ? WHERE id = ? "
                "AND channel = 'email' AND state = 'active' AND bounces >= ?",
                "iii", time_now(), id, (int64_t)limit) != 0)
        return -1;
    if (!changed) return 0;
    *bounced = true;
    return db_exec(db, e, NULL,
                   "UPDATE deliveries SET state = 'failed', last_error = ?, lease_until = NULL "
                   "WHERE subscriber_id = ? AND state = 'pending' AND kind = 'update'",
                   "si", reason, id);
}

int store_subscribers_delivered(struct db *db, const int64_t *ids, int n, struct err *e)
{
    int64_t v[STORE_DELIVERED_MAX] = {0}; /* unused places: id 0, which no row has */
    assert(n > 0 && n <= STORE_DELIVERED_MAX);
    for (int i = 0; i < n; i++)
        v[i] = ids[i];
#define Q8 "?, ?, ?, ?, ?, ?, ?, ?"
    return db_exec(db, e, NULL,
                   "UPDATE subscribers SET bounces = 0 WHERE bounces > 0 AND id IN "
                   "(SELECT subscriber_id FROM deliveries WHERE id IN "
                   "(" Q8 ", " Q8 ", " Q8 ", " Q8 "))",
                   "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii", v[0], v[1], v[2], v[3], v[4], v[5], v[6],
                   v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18],
                   v[19], v[20], v[21], v[22], v[23], v[24], v[25], v[26], v[27], v[28], v[29],
                   v[30], v[31]);
#undef Q8
}
