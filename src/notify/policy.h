/*
 * notify/policy — when to retry, and the delivery promise (SPEC §10).
 *
 * Retries: exponential backoff with full jitter (AWS architecture blog,
 * "Exponential Backoff And Jitter"): attempt N waits a uniformly random time in
 * [0, min(CAP, BASE·2^(N-1))], but never less than what the provider asked
 * (Retry-After, x-rate-limit-reset). After NOTIFY_MAX_ATTEMPTS a delivery is
 * dead. With BASE 2 s and CAP 10 min, twelve attempts span about half an hour
 * on average.
 *
 * SLA (domain/latency.h): e-mail within 5 minutes of the update's acceptance, every
 * other channel within 2. Each sent delivery's latency (accepted → provider accepted) goes to
 * the histogram pharos_notify_latency_seconds{channel=…}; a late one also counts
 * in pharos_notify_sla_misses_total{channel=…}.
 */
#ifndef PHAROS_NOTIFY_POLICY_H
#define PHAROS_NOTIFY_POLICY_H
#include "core/metrics.h"
#include "domain/channel.h"
#include "domain/latency.h"
#include <stdint.h>

enum { NOTIFY_BACKOFF_BASE_S = 2, NOTIFY_BACKOFF_CAP_S = 600, NOTIFY_MAX_ATTEMPTS = 12 };

/* Seconds to wait before attempt ATTEMPTS+1 after attempt ATTEMPTS (≥ 1) failed, from the
 * random value RND (uniform over uint32), at least RETRY_AFTER. */
int64_t notify_backoff_s(int64_t attempts, int64_t retry_after, uint32_t rnd);

/* The latency histogram and misses counter of channel C (registered on first use). */
struct metric *notify_sla_latency(enum channel c);
struct metric *notify_sla_misses(enum channel c);
/* Records one sent delivery of channel C that took LATENCY_S seconds. */
void notify_sla_record(enum channel c, double latency_s);

#endif
