/*
 * store/subscribe — SQL of the public subscription flows. See subscribe.h.
 */
#include "store/subscribe.h"
#include "core/timeutil.h"
#include "store/service_order.h"

#define ROW_COLUMNS                                                                                \
    "SELECT id, page_id, channel, address, state, all_services, created_at AS created, "           \
    "confirm_sent_at AS confirm_sent, code_attempts, language FROM subscribers "

json_t *store_subscribe_find(struct db *db, int64_t page_id, const char *channel,
                             const char *address, struct err *e)
{
    return db_query_one(db, e, ROW_COLUMNS "WHERE page_id = ? AND channel = ? AND address = ?",
                        "iss", page_id, channel, address);
}

json_t *store_subscribe_row(struct db *db, int64_t id, struct err *e)
{
    return db_query_one(db, e, ROW_COLUMNS "WHERE id = ?", "i", id);
}

int store_subscribe_confirm_sent(struct db *db, int64_t id, const char *state, int64_t now,
                                 struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE subscribers SET confirm_sent_at = ?, code_attempts = 0, "
                   "state = COALESCE(?, state), updated_at = ? WHERE id = ?",
                   "isii", now, state, now, id);
}

int store_subscribe_code_failed(struct db *db, int64_t id, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE subscribers SET code_attempts = code_attempts + 1 WHERE id = ?", "i",
                   id);
}

int store_subscribe_sms_state(struct db *db, const char *address, const char *from, const char *to,
                              int *changed, struct err *e)
{
    return db_exec(db, e, changed,
                   "UPDATE subscribers SET state = ?, updated_at = ? "
                   "WHERE channel = 'sms' AND address = ? AND state = ?",
                   "siss", to, time_now(), address, from);
}

json_t *store_subscribe_services(struct db *db, int64_t page_id, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT s.id, s.name FROM services s " SERVICE_GROUP_JOIN
                        "WHERE s.page_id = ? ORDER BY " SERVICE_ORDER,
                        "i", page_id);
}

json_t *store_subscribe_chosen(struct db *db, int64_t id, struct err *e)
{
    json_t *rows = db_query_all(db, e,
                                "SELECT service_id FROM subscriber_services "
                                "WHERE subscriber_id = ? ORDER BY service_id",
                                "i", id);
    if (!rows) return NULL;
    json_t *ids = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(ids, json_object_get(r, "service_id"));
    json_decref(rows);
    return ids;
}
