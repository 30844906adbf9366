/*
 * app/deliveries — reading the notification log and the delivery health of
 * the dashboard. See deliveries.h. Everything comes from the database (delivery
 * rows), so every node answers the same; the arithmetic is domain/latency's.
 */
#include "app/deliveries.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "domain/latency.h"
#include "store/deliveries.h"
#include "store/outbox.h"
#include "store/pages.h"
#include "store/storm.h"
#include <stdlib.h>
#include <string.h>

int app_deliveries_list(struct app_ctx *c, const char *channel, const char *state,
                        const struct paging *pg, json_t **out, struct err *e)
{
    const char *channels[CHANNEL_COUNT + 1] = {NULL};
    static const char *const states[] = {"pending", "sending",   "sent",    "failed",
                                         "dead",    "coalesced", "skipped", NULL};
    for (int i = 0; i < CHANNEL_COUNT; i++)
        channels[i] = channel_table[i].name;
    if (app_require(c, PERM_SETTINGS, e) != 0 ||
        in_filter("channel", channel, channels, &channel, e) != 0 ||
        in_filter("state", state, states, &state, e) != 0)
        return -1;
    json_t *rows =
        store_deliveries_list(c->db, c->page_id, channel, state, pg->cursor, pg->limit + 1, e);
    if (!rows) return -1;
    *out = out_list("deliveries", rows, pg, true);
    return 0;
}

/* The sum of KEY of the rows of ROWS about CHANNEL. */
static int64_t sum_of(json_t *rows, const char *channel, const char *key)
{
    int64_t n = 0;
    size_t i;
    json_t *r;
    json_array_foreach(
        rows, i, r) if (strcmp(json_string_value(json_object_get(r, "channel")), channel) == 0) n +=
        json_integer_value(json_object_get(r, key));
    return n;
}

static int64_t count_of(json_t *rows, const char *channel)
{
    return sum_of(rows, channel, "n");
}

/* Adds CHANNEL's backlog to H (deliveries.h: "waiting" …) from the rows WAITING and
 * SENT_MINUTE at NOW. */
static void backlog_of(json_t *h, enum channel ch, json_t *waiting, json_t *sent_minute,
                       int64_t now)
{
    const char *name = channel_name(ch);
    int64_t n = sum_of(waiting, name, "waiting"), sent = count_of(sent_minute, name);
    struct latency_backlog b;
    latency_backlog(n, sent, n ? sum_of(waiting, name, "oldest") : 0, now, latency_sla_s(ch), &b);
    char drain[32];
    json_object_set_new(h, "waiting", json_integer(n));
    json_object_set_new(h, "sent_last_minute", json_integer(sent));
    json_object_set_new(h, "drain_s", json_integer(b.drain_s));
    json_object_set_new(
        h, "drain",
        json_string(b.drain_s < 0 ? "stalled" : latency_format(b.drain_s, drain, sizeof drain)));
    json_object_set_new(h, "sla_left_s", json_integer(b.sla_left_s));
    json_object_set_new(h, "coming_miss", json_boolean(b.coming_miss));
}

/* The figures of CHANNEL from the histogram rows HIST and the overdue rows LATE. */
static json_t *channel_health(enum channel ch, json_t *hist, json_t *late)
{
    const char *name = channel_name(ch);
    size_t i, k = 0;
    json_t *r;
    struct latency_bar *bars = xmalloc((json_array_size(hist) + 1) * sizeof *bars);
    json_array_foreach(hist, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "channel")), name) != 0) continue;
        bars[k++] = (struct latency_bar){json_integer_value(json_object_get(r, "latency")),
                                         json_integer_value(json_object_get(r, "n"))};
    }
    struct latency_stats st;
    int sla = latency_sla_s(ch);
    int64_t sum = 0;
    for (size_t b = 0; b < k; b++)
        sum += bars[b].seconds * bars[b].count;
    latency_stats(bars, k, sla, &st);
    free(bars);
    char p50[32], p95[32], max[32], slat[32];
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:i,s:I,s:s,s:s,s:s,s:s}", "sum_s", (json_int_t)sum,
                     "sent", (json_int_t)st.n, "p50_s", (json_int_t)st.p50, "p95_s",
                     (json_int_t)st.p95, "max_s", (json_int_t)st.max, "sla_s", sla, "misses",
                     (json_int_t)(st.late + count_of(late, name)), "p50",
                     latency_format(st.n ? st.p50 : -1, p50, sizeof p50), "p95",
                     latency_format(st.n ? st.p95 : -1, p95, sizeof p95), "max",
                     latency_format(st.n ? st.max : -1, max, sizeof max), "sla",
                     latency_format(sla, slat, sizeof slat));
}

/* The health of PAGE_ID's deliveries (deliveries.h) into *OUT. */
static int page_health(struct db *db, int64_t page_id, json_t **out, struct err *e)
{
    int64_t pending = 0, failed = 0, coalesced = 0, skipped = 0, now = time_now(),
            since = now - 86400;
    json_t *hist = NULL, *late = NULL, *waiting = NULL, *minute = NULL;
    if (store_deliveries_health(db, page_id, since, &pending, &failed, e) != 0 ||
        store_deliveries_storm(db, page_id, since, &coalesced, &skipped, e) != 0 ||
        !(hist = store_delivery_latencies(db, page_id, since, e)) ||
        !(late = store_deliveries_overdue(db, page_id, since, now, latency_sla_s(CH_EMAIL),
                                          latency_sla_s(CH_SMS), e)) ||
        !(waiting = store_deliveries_waiting(db, page_id, e)) ||
        !(minute = store_deliveries_sent_since(db, page_id, now - 60, e))) {
        json_decref(hist);
        json_decref(late);
        json_decref(waiting);
        return -1;
    }
    json_t *per = json_object();
    for (int i = 0; i < CHANNEL_COUNT; i++) {
        enum channel ch = channel_table[i].bit;
        json_t *h = channel_health(ch, hist, late);
        backlog_of(h, ch, waiting, minute, now);
        json_object_set_new(per, channel_table[i].name, h);
    }
    json_decref(hist);
    json_decref(late);
    json_decref(waiting);
    json_decref(minute);
    *out = json_pack("{s:I, s:I, s:I, s:I, s:o}", "pending", (json_int_t)pending, "failed_24h",
                     (json_int_t)failed, "coalesced_24h", (json_int_t)coalesced, "skipped_24h",
                     (json_int_t)skipped, "channels", per);
    return 0;
}

int app_delivery_health(struct app_ctx *c, json_t **out, struct err *e)
{
    if (app_require(c, PERM_SETTINGS, e) != 0) return -1;
    return page_health(c->db, c->page_id, out, e);
}

int app_delivery_metrics(struct db *db, json_t **out, struct err *e)
{
    json_t *pages = store_pages_list(db, e), *list = NULL;
    size_t i;
    json_t *p;
    if (!pages) return -1;
    list = json_array();
    json_array_foreach(pages, i, p)
    {
        json_t *h = NULL;
        if (page_health(db, json_integer_value(json_object_get(p, "id")), &h, e) != 0) {
            json_decref(list);
            json_decref(pages);
            return -1;
        }
        json_object_set(h, "page", json_object_get(p, "slug"));
        json_array_append_new(list, h);
    }
    json_decref(pages);
    *out = list;
    return 0;
}
