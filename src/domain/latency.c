/*
 * latency — delivery SLAs and latency figures. See latency.h.
 */
#include "domain/latency.h"
#include <assert.h>
#include <stdio.h>

int latency_sla_s(enum channel c)
{
    return c == CH_EMAIL ? 300 : 120;
}

/* The smallest latency with at least FRACTION of N at or below it. */
static int64_t rank(const struct latency_bar *bars, size_t k, int64_t n, double fraction)
{
    int64_t want = (int64_t)(fraction * (double)n + 0.999999), seen = 0;
    if (want < 1) want = 1;
    for (size_t i = 0; i < k; i++) {
        seen += bars[i].count;
        if (seen >= want) return bars[i].seconds;
    }
    return k ? bars[k - 1].seconds : 0;
}

void latency_stats(const struct latency_bar *bars, size_t k, int sla_s, struct latency_stats *out)
{
    *out = (struct latency_stats){0};
    for (size_t i = 0; i < k; i++) {
        assert(bars[i].count > 0 && (i == 0 || bars[i - 1].seconds < bars[i].seconds));
        out->n += bars[i].count;
        if (bars[i].seconds > sla_s) out->late += bars[i].count;
    }
    if (!out->n) return;
    out->p50 = rank(bars, k, out->n, 0.50);
    out->p95 = rank(bars, k, out->n, 0.95);
    out->max = bars[k - 1].seconds;
}

void latency_backlog(int64_t waiting, int64_t sent_minute, int64_t oldest, int64_t now, int sla_s,
                     struct latency_backlog *out)
{
    assert(waiting >= 0 && sent_minute >= 0 && sla_s > 0);
    if (waiting == 0) {
        *out = (struct latency_backlog){0, sla_s, 0};
        return;
    }
    out->sla_left_s = oldest + sla_s - now;
    /* rounded up: 1 waiting at 60 a minute is a second, not none */
    out->drain_s = sent_minute ? (waiting * 60 + sent_minute - 1) / sent_minute : -1;
    out->coming_miss = out->drain_s < 0 || out->drain_s > out->sla_left_s;
}

char *latency_format(int64_t s, char *buf, size_t size)
{
    if (s < 0)
        snprintf(buf, size, "—");
    else if (s < 1)
        snprintf(buf, size, "under 1 s");
    else if (s < 60)
        snprintf(buf, size, "%lld s", (long long)s);
    else if (s < 3600)
        snprintf(buf, size, s % 60 ? "%lld min %lld s" : "%lld min", (long long)(s / 60),
                 (long long)(s % 60));
    else
        snprintf(buf, size, (s / 60) % 60 ? "%lld h %lld min" : "%lld h", (long long)(s / 3600),
                 (long long)((s / 60) % 60));
    return buf;
}
