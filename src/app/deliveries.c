/*
 * app/deliveries — reading the notification log. See deliveries.h.
 */
#include "app/deliveries.h"
#include "store/deliveries.h"

int app_deliveries_list(struct app_ctx *c, const char *channel, const char *state,
                        const struct paging *pg, json_t **out, struct err *e)
{
    static const char *const channels[] = {"email", "sms", "slack", "twitter", "webhook", NULL};
    static const char *const states[] = {"pending", "sending", "sent", "failed", "dead", NULL};
    if (app_require(c, PERM_SETTINGS, e) != 0 ||
        in_filter("channel", channel, channels, &channel, e) != 0 ||
        in_filter("state", state, states, &state, e) != 0)
        return -1;
    json_t *rows =
        store_deliveries_list(c->db, c->page_id, channel, state, pg->cursor, pg->limit + 1, e);
    if (!rows)
        return -1;
    *out = out_list("deliveries", rows, pg, true);
    return 0;
}
