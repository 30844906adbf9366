/*
 * store/deliveries — SQL for the notification log. See deliveries.h.
 */
#include "store/deliveries.h"

json_t *store_deliveries_list(struct db *db, int64_t page_id, const char *channel,
                              const char *state, int64_t before, int limit, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT d.id, d.kind, d.update_id, u.kind AS update_kind, u.event_id, "
                        "ev.kind AS event_kind, "
                        "d.channel, d.recipient, d.state, d.attempts, d.last_error, d.created_at, "
                        "d.sent_at, d.claimed_by AS node, d.coalesced_into FROM deliveries d LEFT "
                        "JOIN event_updates "
                        "u ON u.id = d.update_id "
                        "LEFT JOIN events ev ON ev.id = u.event_id "
                        "WHERE d.page_id = ? AND (? = '' OR d.channel = ?) "
                        "AND (? = '' OR d.state = ?) AND (? = 0 OR d.id < ?) "
                        "ORDER BY d.id DESC LIMIT ?",
                        "issssiii", page_id, channel ? channel : "", channel ? channel : "",
                        state ? state : "", state ? state : "", before, before, (int64_t)limit);
}
