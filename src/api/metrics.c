/*
 * api/metrics — GET /metrics: Prometheus text of core/metrics (this process's
 * counters), then the delivery figures of every page from the database
 * (pharos_delivery_*: SPEC §13, the same on every node), served to loopback
 * clients, or to others presenting Authorization: Bearer METRICS_TOKEN
 * ([metrics] token). Without a configured token, only loopback may read it.
 */
#include "core/metrics.h"
#include "api/api.h"
#include "app/deliveries.h"
#include "core/buf.h"
#include "core/secret.h"
#include "domain/channel.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool loopback(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
           strncmp(addr, "::ffff:127.", 11) == 0;
}

/* Appends a label value to B, escaped as the exposition format wants (\\, \", \n). */
static void label(struct buf *b, const char *v)
{
    for (; v && *v; v++) {
        if (*v == '\\' || *v == '"')
            buf_printf(b, "\\%c", *v);
        else if (*v == '\n')
            buf_puts(b, "\\n");
        else
            buf_append(b, v, 1);
    }
}

static int64_t num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* The gauge NAME (HELP) with one sample per page of PAGES, its value KEY. */
static void page_gauge(struct buf *b, json_t *pages, const char *name, const char *help,
                       const char *key)
{
    size_t i;
    json_t *p;
    buf_printf(b, "# HELP %s %s (from the database)\n# TYPE %s gauge\n", name, help, name);
    json_array_foreach(pages, i, p)
    {
        buf_printf(b, "%s{page=\"", name);
        label(b, json_string_value(json_object_get(p, "page")));
        buf_printf(b, "\"} %lld\n", (long long)num(p, key));
    }
}

/* The pharos_delivery_* families of PAGES (app_delivery_metrics) into B. */
static void delivery_metrics(struct buf *b, json_t *pages)
{
    static const struct {
        const char *name, *type, *help, *key;
        bool inf_below_zero; /* a negative value means "never": +Inf */
    } fams[] = {
        {"pharos_delivery_latency_seconds", "summary",
         "Update accepted to provider accepted, deliveries sent in the last 24 hours", NULL},
        {"pharos_delivery_late_24h", "gauge",
         "Deliveries of the last 24 hours sent later than their promise, or still unsent past it",
         "misses"},
        {"pharos_delivery_sla_seconds", "gauge", "The delivery promise of the channel", "sla_s"},
        {"pharos_delivery_backlog", "gauge", "Update deliveries waiting to be sent", "waiting"},
        {"pharos_delivery_sent_last_minute", "gauge", "Update deliveries sent in the last minute",
         "sent_last_minute"},
        {"pharos_delivery_drain_seconds", "gauge",
         "Time to send the backlog at the last minute's rate (+Inf: waiting, none sent)", "drain_s",
         true},
        {"pharos_delivery_sla_left_seconds", "gauge",
         "Time the oldest waiting delivery has left before its promise is broken; a miss is "
         "coming when the drain time is longer",
         "sla_left_s"},
    };
    size_t i;
    json_t *p;
    for (size_t f = 0; f < sizeof fams / sizeof fams[0]; f++) {
        buf_printf(b, "# HELP %s %s (from the database)\n# TYPE %s %s\n", fams[f].name,
                   fams[f].help, fams[f].name, fams[f].type);
        json_array_foreach(pages, i, p) for (int c = 0; c < CHANNEL_COUNT; c++)
        {
            const char *ch = channel_table[c].name;
            json_t *h = json_object_get(json_object_get(p, "channels"), ch);
            struct buf lbl;
            buf_init(&lbl, 1024);
            buf_puts(&lbl, "page=\"");
            label(&lbl, json_string_value(json_object_get(p, "page")));
            buf_printf(&lbl, "\",channel=\"%s\"", ch);
            if (fams[f].inf_below_zero && num(h, fams[f].key) < 0) {
                buf_printf(b, "%s{%s} +Inf\n", fams[f].name, lbl.data);
            } else if (fams[f].key) {
                buf_printf(b, "%s{%s} %lld\n", fams[f].name, lbl.data,
                           (long long)num(h, fams[f].key));
            } else {
                buf_printf(b, "%s{%s,quantile=\"0.5\"} %lld\n", fams[f].name, lbl.data,
                           (long long)num(h, "p50_s"));
                buf_printf(b, "%s{%s,quantile=\"0.95\"} %lld\n", fams[f].name, lbl.data,
                           (long long)num(h, "p95_s"));
                buf_printf(b, "%s{%s,quantile=\"1\"} %lld\n", fams[f].name, lbl.data,
                           (long long)num(h, "max_s"));
                buf_printf(b, "%s_sum{%s} %lld\n%s_count{%s} %lld\n", fams[f].name, lbl.data,
                           (long long)num(h, "sum_s"), fams[f].name, lbl.data,
                           (long long)num(h, "sent"));
            }
            buf_free(&lbl);
        }
    }
    page_gauge(b, pages, "pharos_delivery_pending", "Deliveries not yet finished", "pending");
    page_gauge(b, pages, "pharos_delivery_failed_24h",
               "Deliveries failed or given up in the last 24 hours", "failed_24h");
    page_gauge(b, pages, "pharos_delivery_coalesced_24h",
               "Messages saved in the last 24 hours by coalescing e-mail (deliveries sent inside "
               "another's message)",
               "coalesced_24h");
    page_gauge(b, pages, "pharos_delivery_skipped_24h",
               "Texts not sent in the last 24 hours because the daily SMS cap was reached",
               "skipped_24h");
}

static void metrics(struct req *r)
{
    struct app_thread *t = r->tctx;
    const char *want = t->app->cfg->metrics_token;
    const char *auth = req_header(r, "Authorization");
    bool token_ok = want && *want && auth && strncasecmp(auth, "Bearer ", 7) == 0 &&
                    secret_equal(auth + 7, want);
    if (!token_ok && !loopback(r->client)) {
        reply_fail(r, ERR_FORBIDDEN,
                   "metrics are served to loopback clients, or with "
                   "Authorization: Bearer and the [metrics] token");
        return;
    }
    struct err e = {0};
    json_t *pages = NULL;
    if (app_delivery_metrics(t->db, &pages, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    char *text = metrics_render();
    struct buf b;
    buf_init(&b, 64 << 20);
    buf_puts(&b, text);
    free(text);
    delivery_metrics(&b, pages);
    json_decref(pages);
    reply_header(r, "Cache-Control", "no-store");
    reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
    buf_free(&b);
}

const struct route api_metrics_routes[] = {
    {M_GET, "/metrics", metrics},
    {0, NULL, NULL},
};
