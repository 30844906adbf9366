/*
 * uptime — per-day worst status and weighted uptime. See uptime.h.
 *
 * One pass over the spans; each span is cut at day boundaries inside the
 * window, so the cost is O(spans + days).
 */
#include "domain/uptime.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>

double uptime_weight(enum svc_status s)
{
    switch (s) {
    case SVC_MAJOR:
        return 1.0;
    case SVC_PARTIAL:
        return UPTIME_PARTIAL_WEIGHT;
    default:
        return 0.0;
    }
}

static int64_t floor_day(int64_t t)
{
    int64_t q = t / UPTIME_DAY_SECONDS;
    if (t % UPTIME_DAY_SECONDS < 0) q--;
    return q * UPTIME_DAY_SECONDS;
}

/* Adds the part of [FROM, TO) inside day D to it, held in status S. */
static void add_piece(struct uptime_day *d, enum svc_status s, int64_t from, int64_t to)
{
    double secs = (double)(to - from);
    if (secs < 0) return;
    d->observed += secs;
    d->down += secs * uptime_weight(s);
    if (d->worst == UPTIME_NO_DATA || (int)s > d->worst) d->worst = (int)s;
}

/* The uptime of the DAYS days of OUT together, or -1 when none has observed time. */
static double window_uptime(const struct uptime_day *out, int days)
{
    double observed = 0, down = 0;
    for (int i = 0; i < days; i++) {
        observed += out[i].observed;
        down += out[i].down;
    }
    return observed > 0 ? 1.0 - down / observed : -1;
}

double uptime_compute(const struct uptime_span *spans, size_t n, int64_t now, int days,
                      struct uptime_day *out)
{
    if (days <= 0) return -1;
    int64_t first = floor_day(now) - (int64_t)(days - 1) * UPTIME_DAY_SECONDS;
    for (int i = 0; i < days; i++)
        out[i] = (struct uptime_day){.start = first + (int64_t)i * UPTIME_DAY_SECONDS,
                                     .worst = UPTIME_NO_DATA};
    for (size_t k = 0; k < n; k++) {
        int64_t from = spans[k].start, to = k + 1 < n ? spans[k + 1].start : now;
        if (to > now) to = now;
        if (from < first) from = first;
        if (from > to || (from == to && (k + 1 < n || to < first)))
            continue; /* the last span, just started at NOW, still marks its day */
        for (int64_t day = floor_day(from); day < to || day == from; day += UPTIME_DAY_SECONDS) {
            int64_t a = from > day ? from : day;
            int64_t b = to < day + UPTIME_DAY_SECONDS ? to : day + UPTIME_DAY_SECONDS;
            add_piece(&out[(day - first) / UPTIME_DAY_SECONDS], spans[k].status, a, b);
        }
    }
    return window_uptime(out, days);
}

double uptime_apply_checks(struct uptime_day *out, int days, const struct uptime_checks *checks)
{
    assert(days > 0 && checks);
    for (int i = 0; i < days; i++) {
        const struct uptime_checks *c = &checks[i];
        assert(c->failures >= 0 && c->failures <= c->checks);
        if (out[i].worst == UPTIME_NO_DATA || c->checks <= 0) continue;
        out[i].down = out[i].observed * (double)c->failures / (double)c->checks;
    }
    return window_uptime(out, days);
}

double uptime_day_fraction(const struct uptime_day *d)
{
    if (d->worst == UPTIME_NO_DATA) return -1;
    return d->observed > 0 ? 1.0 - d->down / d->observed : 1.0;
}

char *uptime_format(double fraction, char *buf, size_t size)
{
    if (fraction < 0) {
        snprintf(buf, size, "—");
        return buf;
    }
    double pct = floor(fraction * 10000.0 + 1e-9) / 100.0; /* truncate: never claim 100% */
    snprintf(buf, size, "%.2f%%", pct);
    return buf;
}
