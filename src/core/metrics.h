/*
 * metrics — process-wide counters and histograms, rendered as Prometheus text
 * for GET /metrics (SPEC §6).
 *
 * Register metrics once (any thread; registration takes a lock) and keep the
 * returned pointer; updates are lock-free atomics, cheap enough for every
 * request. A metric is identified by NAME plus its LABELS text (e.g.
 * `channel="email"`), so one name can have several labelled series.
 * Metrics live until metrics_reset() (tests) or process exit.
 */
#ifndef PHAROS_METRICS_H
#define PHAROS_METRICS_H
#include <stddef.h>
#include <stdint.h>

struct metric;

/* A counter (monotonic). Returns the existing one when NAME+LABELS is registered already. */
struct metric *metrics_counter(const char *name, const char *help, const char *labels);
/* A gauge set by the code. */
struct metric *metrics_gauge(const char *name, const char *help, const char *labels);
/* A histogram with the N upper bounds in BOUNDS (ascending; +Inf is implicit). */
struct metric *metrics_histogram(const char *name, const char *help, const char *labels,
                                 const double *bounds, size_t n);

void metrics_add(struct metric *m, uint64_t n);   /* counters */
void metrics_set(struct metric *m, int64_t v);    /* gauges */
void metrics_observe(struct metric *m, double v); /* histograms */

/* Reads back a counter or gauge (tests, dashboards). */
int64_t metrics_value(const struct metric *m);
/* The value below which a fraction Q (0..1) of a histogram's observations fall, estimated
 * from its buckets (the upper bound of the bucket holding the quantile); 0 when empty.
 * *MAX (may be NULL) gets the largest observation. */
double metrics_quantile(const struct metric *m, double q, double *max);

/* Prometheus text exposition of every metric. Caller frees. */
char *metrics_render(void);
void metrics_reset(void);

#endif
