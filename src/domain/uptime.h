/*
 * uptime — the 90-day uptime bars of the public page (SPEC §6), computed from
 * a service's status history (service_status_log). Pure functions, no I/O.
 *
 * A service holds each status from a span's start until the next span's start
 * (the last span until NOW). Days are UTC calendar days; the last one is the
 * day of NOW and is counted up to NOW only. Time before the first span (the
 * service did not exist yet) is not observed: a day with no observed time has
 * no data and does not count, except NOW's day when the last span starts exactly
 * at NOW (a service created this second): it shows that span's status.
 *
 * Downtime is weighted by status: major_outage counts in full, partial_outage
 * counts UPTIME_PARTIAL_WEIGHT of its time (as Atlassian Statuspage does);
 * degraded performance and maintenance do not count as down.
 *
 * Where a service has monitors (SPEC §14), a day they checked counts its failed checks
 * instead: its downtime is the share of checks that failed (uptime_apply_checks). The
 * day's worst status, its colour, still comes from the history.
 */
#ifndef PHAROS_UPTIME_H
#define PHAROS_UPTIME_H
#include "domain/status.h"
#include <stddef.h>
#include <stdint.h>

#define UPTIME_PARTIAL_WEIGHT 0.3

enum { UPTIME_DAY_SECONDS = 86400, UPTIME_NO_DATA = -1 };

/* A status held from START (Unix seconds) until the next span. */
struct uptime_span {
    enum svc_status status;
    int64_t start;
};

struct uptime_day {
    int64_t start;   /* Unix seconds of the day's midnight UTC */
    int worst;       /* the worst enum svc_status held that day, or UPTIME_NO_DATA */
    double observed; /* seconds of the day with data */
    double down;     /* weighted seconds down */
};

/* Downtime weight of status S: 1 for major_outage, UPTIME_PARTIAL_WEIGHT for
 * partial_outage, 0 for the others. */
double uptime_weight(enum svc_status s);

/*
 * Fills OUT[0..DAYS-1] (oldest first, the last being NOW's day) from the N spans
 * of SPANS, which must be ordered by start. Spans starting after NOW are
 * ignored. Returns the uptime of the whole window as a fraction 0..1, or -1
 * when no time of it was observed.
 */
double uptime_compute(const struct uptime_span *spans, size_t n, int64_t now, int days,
                      struct uptime_day *out);

/* A day's checks by the service's monitors. */
struct uptime_checks {
    int64_t checks, failures;
};

/*
 * Replaces the downtime of each of the DAYS days of OUT (as uptime_compute filled them)
 * that has data and whose CHECKS entry (the same days, oldest first) counts checks by the
 * share of them that failed. Returns the window's uptime as uptime_compute does.
 */
double uptime_apply_checks(struct uptime_day *out, int days, const struct uptime_checks *checks);

/* The uptime of one day as a fraction 0..1 (1 for a day with a status but no
 * observed time yet), or -1 when it has no data. */
double uptime_day_fraction(const struct uptime_day *d);

/* Writes FRACTION as a percentage with two decimals, never rounding up to
 * "100.00" what is below 1 ("99.99%"); "—" for a negative fraction. */
char *uptime_format(double fraction, char *buf, size_t size);

#endif
