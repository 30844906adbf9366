/*
 * latency — the delivery promise of SPEC §10 and how well it was kept: each
 * channel's SLA, percentiles of delivery latencies (update accepted → provider
 * accepted, whole seconds as the database records them) from a histogram, and
 * durations written for people. Pure functions, no I/O.
 *
 * Percentiles are nearest-rank (the smallest latency with at least P of the
 * deliveries at or below it), so they are always a latency that happened, never
 * a bucket bound.
 */
#ifndef PHAROS_DOMAIN_LATENCY_H
#define PHAROS_DOMAIN_LATENCY_H
#include "domain/channel.h"
#include <stddef.h>
#include <stdint.h>

/* The promise of channel C, in seconds: e-mail 5 minutes, every other channel 2. */
int latency_sla_s(enum channel c);

/* One bar of a histogram: COUNT deliveries took SECONDS. */
struct latency_bar {
    int64_t seconds, count;
};

struct latency_stats {
    int64_t n;             /* deliveries counted */
    int64_t p50, p95, max; /* seconds; 0 when N is 0 */
    int64_t late;          /* of them, over the SLA */
};

/* Stats of the K bars of BARS (ordered by seconds, counts > 0) against SLA_S. */
void latency_stats(const struct latency_bar *bars, size_t k, int sla_s, struct latency_stats *out);

/* A channel's backlog and where it is heading: WAITING deliveries not yet sent, the oldest
 * accepted at OLDEST (Unix seconds), SENT_MINUTE of them sent in the last minute. */
struct latency_backlog {
    int64_t drain_s;    /* time to send the backlog at the last minute's rate; 0 when none
                           waits, -1 when some wait and none went out in the last minute */
    int64_t sla_left_s; /* time the oldest waiting delivery has left before its promise is
                           broken (negative: already late); SLA_S when none waits */
    int coming_miss;    /* the backlog will not drain before the oldest's promise runs out */
};
void latency_backlog(int64_t waiting, int64_t sent_minute, int64_t oldest, int64_t now, int sla_s,
                     struct latency_backlog *out);

/* SECONDS for people into BUF: "under 1 s", "42 s", "3 min 5 s", "2 h 10 min"; "—" when
 * negative (nothing measured). Returns BUF. */
char *latency_format(int64_t seconds, char *buf, size_t size);

#endif
