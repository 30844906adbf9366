/*
 * view_checks — a page's monitor figures for its view model. See view_checks.h.
 */
#include "public/view_checks.h"
#include "core/fnv.h"
#include "core/xalloc.h"
#include "domain/monitor.h"
#include "public/view.h"
#include "render/chart.h"
#include "render/i18n.h"
#include "store/monitors.h"
#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    DAY_S = 86400,
    BUCKET_S = 900,               /* the 24-hour chart's buckets: 15 minutes */
    BUCKETS = DAY_S / BUCKET_S,   /* 96 */
    MEMO_PAGES = 256,             /* pages remembered; past it the oldest is dropped */
    MINUTES_MAX = 2 * DAY_S / 60, /* a service's minutes kept for one chart */
};

struct svc {
    int64_t id;
    bool has_days;
    struct uptime_checks days[VIEW_UPTIME_DAYS];
    uint64_t hash;
    /* the 90-day chart's points (chart services): the day sums' figures, today's from
     * the minutes */
    struct chart_point quarter[VIEW_UPTIME_DAYS];
    json_t *charts; /* {"day","quarter"} or NULL */
};

struct view_checks {
    int64_t page_id, minute, head;
    uint64_t chart_key;
    int refs;      /* under memo_mu: the memo's one and each user's */
    struct svc *v; /* by id */
    size_t n, cap;
};

static struct view_checks *memo[MEMO_PAGES];
static size_t nmemo;
static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;

static int64_t jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* A column that may be NULL as a latency (-1: NULL). */
static long jms(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

/* Where service ID is, or goes, in VC's entries (by id). */
static size_t slot(const struct view_checks *vc, int64_t id)
{
    size_t lo = 0, hi = vc->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (vc->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The entry of service ID in VC, added (blank) when missing. */
static struct svc *svc_of(struct view_checks *vc, int64_t id)
{
    size_t lo = slot(vc, id);
    if (lo < vc->n && vc->v[lo].id == id) return &vc->v[lo];
    if (vc->n == vc->cap)
        vc->v = xrealloc(vc->v, (vc->cap = vc->cap ? vc->cap * 2 : 16) * sizeof *vc->v);
    memmove(&vc->v[lo + 1], &vc->v[lo], (vc->n - lo) * sizeof *vc->v);
    vc->n++;
    struct svc *s = &vc->v[lo];
    memset(s, 0, sizeof *s);
    s->id = id;
    for (int i = 0; i < VIEW_UPTIME_DAYS; i++)
        s->quarter[i] = (struct chart_point){-1, -1};
    return s;
}

static const struct svc *find(const struct view_checks *vc, int64_t id)
{
    size_t i = slot(vc, id);
    return i < vc->n && vc->v[i].id == id ? &vc->v[i] : NULL;
}

/* Figures of a window: every minute's (or day's) p50 and p95, and the checks. */
struct window {
    long *p50, *p95;
    size_t n, cap;
    int64_t checks, failures;
};

static void window_add(struct window *w, long p50, long p95, int64_t checks, int64_t failures)
{
    w->checks += checks;
    w->failures += failures;
    if (p50 < 0) return;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->p50 = xrealloc(w->p50, w->cap * sizeof *w->p50);
        w->p95 = xrealloc(w->p95, w->cap * sizeof *w->p95);
    }
    w->p50[w->n] = p50;
    w->p95[w->n++] = p95 < p50 ? p50 : p95;
}

static void window_free(struct window *w)
{
    free(w->p50);
    free(w->p95);
    memset(w, 0, sizeof *w);
}

/* The window's point: the median of its p50s and the 95th percentile of its p95s. */
static struct chart_point window_point(struct window *w)
{
    return (struct chart_point){monitor_percentile(w->p50, w->n, 50),
                                monitor_percentile(w->p95, w->n, 95)};
}

/* The text summary of W over SPAN ("the last 24 hours") into BUF. */
static void summary(struct window *w, const char *span, char *buf, size_t size)
{
    char a[32], b[32], c[32], pct[32];
    if (!w->checks) {
        snprintf(buf, size, "No checks in %s.", span);
        return;
    }
    double ok = 1.0 - (double)w->failures / (double)w->checks;
    if (!w->n) {
        snprintf(buf, size, "%s checks in %s, none succeeded.",
                 i18n_group("en", w->checks, c, sizeof c), span);
        return;
    }
    struct chart_point p = window_point(w);
    snprintf(buf, size, "Median %s, 95th percentile %s over %s; %s checks, %s succeeded.",
             chart_ms_label(p.p50, a, sizeof a), chart_ms_label(p.p95, b, sizeof b), span,
             i18n_group("en", w->checks, c, sizeof c), uptime_format(ok, pct, sizeof pct));
}

/*
 * What public/view_lang.c needs to say a chart's texts in another language: {"chart": "day"
 * or "quarter" (its title, span and tick keys: chart_<chart>_…), "checks", "failed" (none
 * succeeded), "p50", "p95" (labels), "ok" (the share that succeeded, as uptime_format)}.
 */
static json_t *words(struct window *w, const char *chart)
{
    char a[32] = "", b[32] = "", pct[32] = "";
    if (w->n) {
        struct chart_point p = window_point(w);
        chart_ms_label(p.p50, a, sizeof a);
        chart_ms_label(p.p95, b, sizeof b);
    }
    if (w->checks) uptime_format(1.0 - (double)w->failures / (double)w->checks, pct, sizeof pct);
    return json_pack("{s:s,s:I,s:b,s:s,s:s,s:s}", "chart", chart, "checks", (json_int_t)w->checks,
                     "failed", w->checks && !w->n, "p50", a, "p95", b, "ok", pct);
}

/* Builds S's charts from ROWS[FROM, TO) (its minutes, oldest first) as of NOW. */
static void make_charts(struct svc *s, json_t *rows, size_t from, size_t to, int64_t now)
{
    int64_t end = now - now % BUCKET_S + BUCKET_S, start = end - (int64_t)BUCKETS * BUCKET_S;
    int64_t today = now - now % DAY_S, since = now - now % 60 - DAY_S; /* the summary's */
    struct chart_point day[BUCKETS];
    struct window all = {0}, bucket = {0}, today_w = {0};
    int b = -1;
    for (size_t i = from; i <= to; i++) {
        json_t *r = i < to ? json_array_get(rows, i) : NULL;
        int64_t minute = r ? jint(r, "minute") : end;
        int nb = minute < start ? -1 : (int)((minute - start) / BUCKET_S);
        if (nb != b) { /* a bucket ends: its point, and blank ones up to the next */
            if (b >= 0 && b < BUCKETS) day[b] = window_point(&bucket);
            for (int k = b + 1; k < nb && k < BUCKETS; k++)
                if (k >= 0) day[k] = (struct chart_point){-1, -1};
            bucket.n = 0;
            b = nb;
        }
        if (!r) break;
        long p50 = jms(r, "p50_ms"), p95 = jms(r, "p95_ms");
        int64_t checks = jint(r, "checks"), failures = jint(r, "failures");
        if (minute >= today) window_add(&today_w, p50, p95, checks, failures);
        if (minute >= since) window_add(&all, p50, p95, checks, failures);
        if (b >= 0) window_add(&bucket, p50, p95, 0, 0);
    }
    if (today_w.n) s->quarter[VIEW_UPTIME_DAYS - 1] = window_point(&today_w);
    char desc[256], id[48];
    summary(&all, "the last 24 hours", desc, sizeof desc);
    snprintf(id, sizeof id, "rt-%lld-day", (long long)s->id);
    struct chart c = {.id = id,
                      .title = "Response time, last 24 hours",
                      .desc = desc,
                      .tick = {"24 hours ago", "12 hours ago", "Now"},
                      .v = day,
                      .n = BUCKETS};
    json_t *charts = json_object(), *chart = chart_model(&c);
    json_object_set_new(chart, "words", words(&all, "day"));
    json_object_set_new(charts, "day", chart);
    /* the 90 days: each day's figures; the summary from the days with data */
    struct window q = {0};
    for (int i = 0; i < VIEW_UPTIME_DAYS; i++) {
        window_add(&q, s->quarter[i].p50, s->quarter[i].p95, s->days[i].checks,
                   s->days[i].failures);
    }
    summary(&q, "the last 90 days", desc, sizeof desc);
    snprintf(id, sizeof id, "rt-%lld-90", (long long)s->id);
    c = (struct chart){.id = id,
                       .title = "Response time, last 90 days",
                       .desc = desc,
                       .tick = {"90 days ago", "45 days ago", "Today"},
                       .v = s->quarter,
                       .n = VIEW_UPTIME_DAYS};
    chart = chart_model(&c);
    json_object_set_new(chart, "words", words(&q, "quarter"));
    json_object_set_new(charts, "quarter", chart);
    s->charts = charts;
    window_free(&all);
    window_free(&bucket);
    window_free(&today_w);
    window_free(&q);
}

/* Reads PAGE_ID's figures as of NOW into VC. */
static int read_page(struct view_checks *vc, struct db *db, const int64_t *chart_ids, size_t nchart,
                     int64_t now, struct err *e)
{
    int64_t first = now - now % DAY_S - (int64_t)(VIEW_UPTIME_DAYS - 1) * DAY_S;
    json_t *days = store_page_monitor_days(db, vc->page_id, first, e);
    json_t *mins = days && nchart ? store_page_monitor_minutes(db, vc->page_id,
                                                               now - now % 60 - DAY_S - BUCKET_S, e)
                                  : NULL;
    if (!days || (nchart && !mins)) {
        json_decref(days);
        return -1;
    }
    size_t i;
    json_t *r;
    json_array_foreach(days, i, r)
    {
        int64_t k = (jint(r, "day") - first) / DAY_S;
        if (k < 0 || k >= VIEW_UPTIME_DAYS) continue;
        struct svc *s = svc_of(vc, jint(r, "service_id"));
        s->has_days = true;
        int64_t f = jint(r, "failures"), c = jint(r, "checks");
        s->days[k] = (struct uptime_checks){c, f < 0 ? 0 : f > c ? c : f};
        s->quarter[k] = (struct chart_point){jms(r, "p50_ms"), jms(r, "p95_ms")};
    }
    for (size_t k = 0; k < vc->n; k++)
        vc->v[k].hash = fnv1a(FNV_OFFSET, vc->v[k].days, sizeof vc->v[k].days);
    /* the chart services (CHART_IDS sorted), each with its run of minutes (rows come by
     * service, minute) */
    size_t at = 0, total = json_array_size(mins);
    for (size_t k = 0; k < nchart; k++) {
        assert(k == 0 || chart_ids[k - 1] <= chart_ids[k]);
        struct svc *s = svc_of(vc, chart_ids[k]);
        while (at < total && jint(json_array_get(mins, at), "service_id") < s->id)
            at++;
        size_t from = at;
        while (at < total && jint(json_array_get(mins, at), "service_id") == s->id)
            at++;
        if (!s->charts) make_charts(s, mins, from, at, now);
    }
    json_decref(days);
    json_decref(mins);
    return 0;
}

static void free_checks(struct view_checks *vc)
{
    for (size_t i = 0; i < vc->n; i++)
        json_decref(vc->v[i].charts);
    free(vc->v);
    free(vc);
}

void view_checks_release(struct view_checks *vc)
{
    if (!vc) return;
    pthread_mutex_lock(&memo_mu);
    bool last = --vc->refs == 0;
    pthread_mutex_unlock(&memo_mu);
    if (last) free_checks(vc);
}

/* Puts VC in the memo in place of its page's entry (the oldest goes when it is full). */
static void remember(struct view_checks *vc)
{
    struct view_checks *gone = NULL;
    pthread_mutex_lock(&memo_mu);
    size_t i = 0;
    while (i < nmemo && memo[i]->page_id != vc->page_id)
        i++;
    if (i == MEMO_PAGES) i = 0;
    if (i < nmemo) {
        gone = memo[i];
        memmove(&memo[i], &memo[i + 1], (nmemo - i - 1) * sizeof *memo);
        nmemo--;
    }
    vc->refs++;
    memo[nmemo++] = vc;
    if (gone && --gone->refs == 0) {
        pthread_mutex_unlock(&memo_mu);
        free_checks(gone);
        return;
    }
    pthread_mutex_unlock(&memo_mu);
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

struct view_checks *view_checks_get(struct db *db, int64_t page_id, int64_t now,
                                    const int64_t *chart_ids, size_t nchart, struct err *e)
{
    int64_t head = 0;
    if (store_monitor_rollups_head(db, &head, e) != 0) return NULL;
    int64_t *ids = xmalloc((nchart ? nchart : 1) * sizeof *ids);
    memcpy(ids, chart_ids, nchart * sizeof *ids);
    qsort(ids, nchart, sizeof *ids, cmp_id);
    uint64_t key = fnv1a(FNV_OFFSET, ids, nchart * sizeof *ids);
    pthread_mutex_lock(&memo_mu);
    for (size_t i = 0; i < nmemo; i++) {
        struct view_checks *m = memo[i];
        if (m->page_id == page_id && m->minute == now / 60 && m->head == head &&
            m->chart_key == key) {
            m->refs++;
            pthread_mutex_unlock(&memo_mu);
            free(ids);
            return m;
        }
    }
    pthread_mutex_unlock(&memo_mu);
    struct view_checks *vc = xcalloc(1, sizeof *vc);
    *vc = (struct view_checks){
        .page_id = page_id, .minute = now / 60, .head = head, .chart_key = key, .refs = 1};
    if (read_page(vc, db, ids, nchart, now, e) != 0) {
        free(ids);
        free_checks(vc);
        return NULL;
    }
    free(ids);
    remember(vc);
    return vc;
}

const struct uptime_checks *view_checks_days(const struct view_checks *vc, int64_t service_id,
                                             uint64_t *hash)
{
    const struct svc *s = find(vc, service_id);
    *hash = s && s->has_days ? s->hash : 0;
    return s && s->has_days ? s->days : NULL;
}

json_t *view_checks_charts(const struct view_checks *vc, int64_t service_id)
{
    const struct svc *s = find(vc, service_id);
    return s ? s->charts : NULL;
}
