/*
 * notify/policy — backoff and SLA accounting. See policy.h.
 */
#include "notify/policy.h"
#include <stdio.h>

int64_t notify_backoff_s(int64_t attempts, int64_t retry_after, uint32_t rnd)
{
    int64_t cap = NOTIFY_BACKOFF_BASE_S;
    for (int64_t i = 1; i < attempts && cap < NOTIFY_BACKOFF_CAP_S; i++)
        cap *= 2;
    if (cap > NOTIFY_BACKOFF_CAP_S) cap = NOTIFY_BACKOFF_CAP_S;
    int64_t wait = (int64_t)((uint64_t)rnd * (uint64_t)(cap + 1) >> 32);
    return wait < retry_after ? retry_after : wait;
}

static const double bounds[] = {0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};

struct metric *notify_sla_latency(enum channel c)
{
    char labels[40];
    snprintf(labels, sizeof labels, "channel=\"%s\"", channel_name(c));
    return metrics_histogram("pharos_notify_latency_seconds",
                             "Time from an update's acceptance to the provider's acceptance",
                             labels, bounds, sizeof bounds / sizeof bounds[0]);
}

struct metric *notify_sla_misses(enum channel c)
{
    char labels[40];
    snprintf(labels, sizeof labels, "channel=\"%s\"", channel_name(c));
    return metrics_counter("pharos_notify_sla_misses_total",
                           "Deliveries sent later than the channel's promise (SPEC 10)", labels);
}

void notify_sla_record(enum channel c, double latency_s)
{
    metrics_observe(notify_sla_latency(c), latency_s);
    if (latency_s > latency_sla_s(c)) metrics_add(notify_sla_misses(c), 1);
}
