/*
 * app/deliveries — the notification log as the team reads it (SPEC §8, §9,
 * §10: permanent failures are recorded with their reason). Needs PERM_SETTINGS.
 */
#ifndef PHAROS_APP_DELIVERIES_H
#define PHAROS_APP_DELIVERIES_H
#include "app/app.h"
#include "app/input.h"

/*
 * {"deliveries":[DELIVERY…],"next_cursor":…}, newest first. CHANNEL (a name of
 * domain/channel.h's table: email, sms, slack, twitter, webhook, …) and STATE (pending, sending,
 * sent, failed, dead, coalesced, skipped) filter unless NULL or empty; other values are a 400.
 * DELIVERY: store/deliveries.h.
 */
int app_deliveries_list(struct app_ctx *c, const char *channel, const char *state,
                        const struct paging *pg, json_t **out, struct err *e);

/*
 * The dashboard's delivery health (SPEC §10), from the delivery rows, so every
 * node shows the same: {"pending":n,"failed_24h":n,"coalesced_24h":n,"skipped_24h":n,
 * "channels":{"email":{"sent",
 * "sum_s","p50_s","p95_s","max_s","sla_s","misses","p50","p95","max","sla","waiting",
 * "sent_last_minute","drain_s","drain","sla_left_s","coming_miss"},"sms":{…},
 * and one for every other channel of domain/channel.h's table}}. PENDING counts this page's
 * deliveries not yet finished (pending or sending), FAILED_24H those failed or
 * dead in the last 24 hours; storm control's (app/storm.h) COALESCED_24H the messages
 * coalescing saved (deliveries of the last 24 hours sent inside another's e-mail) and
 * SKIPPED_24H the texts the daily SMS cap stopped. Per channel, over the deliveries sent in the
 * last 24 hours: SENT, their latencies (update accepted → provider accepted; whole seconds,
 * nearest-rank percentiles) as numbers and as text for people, the SLA; MISSES counts those sent
 * late plus those accepted in the last 24 hours and still unsent past the promise. And where the
 * channel is heading (domain/latency.h, latency_backlog): WAITING update deliveries not yet sent,
 * the time to send them at the last minute's rate (DRAIN_S, -1 and "stalled" when none went out),
 * the time the oldest has left before its promise (SLA_LEFT_S), and COMING_MISS when the backlog
 * will not drain in time — seen before the miss happens. Needs PERM_SETTINGS.
 */
int app_delivery_health(struct app_ctx *c, json_t **out, struct err *e);
/* The same for every page, for /metrics (whose route decides who may read it):
 * [HEALTH + {"page": SLUG}…] by page id. */
int app_delivery_metrics(struct db *db, json_t **out, struct err *e);

#endif
