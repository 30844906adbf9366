/*
 * app/deliveries — reading the notification log and the delivery health of
 * the dashboard. See deliveries.h. Latencies come from the dispatcher's
 * metrics (notify/policy.h), counts from the database.
 */
#include "app/deliveries.h"
#include "core/timeutil.h"
#include "notify/policy.h"
#include "store/deliveries.h"
#include "store/outbox.h"

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

int app_delivery_health(struct app_ctx *c, json_t **out, struct err *e)
{
    static const enum channel chs[] = {CH_EMAIL, CH_SMS, CH_SLACK, CH_TWITTER, CH_WEBHOOK};
    int64_t pending = 0, failed = 0;
    if (app_require(c, PERM_SETTINGS, e) != 0 ||
        store_deliveries_health(c->db, c->page_id, time_now() - 86400, &pending, &failed, e) != 0)
        return -1;
    json_t *per = json_object();
    for (size_t i = 0; i < sizeof chs / sizeof chs[0]; i++) {
        double max = 0, p50 = metrics_quantile(notify_sla_latency(chs[i]), 0.5, &max);
        double p95 = metrics_quantile(notify_sla_latency(chs[i]), 0.95, NULL);
        json_object_set_new(per, channel_name(chs[i]),
                            json_pack("{s:f, s:f, s:f, s:i, s:I}", "p50_s", p50, "p95_s", p95,
                                      "max_s", max, "sla_s", notify_sla_s(chs[i]), "misses",
                                      (json_int_t)metrics_value(notify_sla_misses(chs[i]))));
    }
    *out = json_pack("{s:I, s:I, s:o}", "pending", (json_int_t)pending, "failed_24h",
                     (json_int_t)failed, "channels", per);
    return 0;
}
