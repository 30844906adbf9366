/*
 * metrics — registry and Prometheus rendering. See metrics.h.
 * Series are kept in a singly linked list in registration order; the list is
 * only appended to (under the lock) and read while rendering (under the lock),
 * while updates touch only the atomics of one series.
 */
#include "core/metrics.h"
#include "core/xalloc.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { COUNTER, GAUGE, HISTOGRAM };
enum { MAX_BUCKETS = 24 };

struct metric {
    struct metric *next;
    enum kind kind;
    char *name, *help, *labels;
    _Atomic int64_t value;
    size_t nbounds;
    double bounds[MAX_BUCKETS];
    _Atomic uint64_t buckets[MAX_BUCKETS + 1];
    _Atomic uint64_t count;
    _Atomic uint64_t sum_micro; /* sum of observations × 1e6 */
    _Atomic uint64_t max_micro;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct metric *head, **tail = &head;

static struct metric *add(enum kind k, const char *name, const char *help, const char *labels,
                          const double *bounds, size_t n)
{
    pthread_mutex_lock(&lock);
    for (struct metric *m = head; m; m = m->next)
        if (strcmp(m->name, name) == 0 && strcmp(m->labels, labels ? labels : "") == 0) {
            pthread_mutex_unlock(&lock);
            return m;
        }
    struct metric *m = xcalloc(1, sizeof *m);
    m->kind = k;
    m->name = xstrdup(name);
    m->help = xstrdup(help);
    m->labels = xstrdup(labels ? labels : "");
    m->nbounds = n > MAX_BUCKETS ? MAX_BUCKETS : n;
    if (bounds) memcpy(m->bounds, bounds, m->nbounds * sizeof *bounds);
    *tail = m;
    tail = &m->next;
    pthread_mutex_unlock(&lock);
    return m;
}

struct metric *metrics_counter(const char *name, const char *help, const char *labels)
{
    return add(COUNTER, name, help, labels, NULL, 0);
}

struct metric *metrics_gauge(const char *name, const char *help, const char *labels)
{
    return add(GAUGE, name, help, labels, NULL, 0);
}

struct metric *metrics_histogram(const char *name, const char *help, const char *labels,
                                 const double *bounds, size_t n)
{
    return add(HISTOGRAM, name, help, labels, bounds, n);
}

void metrics_add(struct metric *m, uint64_t n)
{
    atomic_fetch_add(&m->value, (int64_t)n);
}

void metrics_set(struct metric *m, int64_t v)
{
    atomic_store(&m->value, v);
}

void metrics_observe(struct metric *m, double v)
{
    size_t i = 0;
    while (i < m->nbounds && v > m->bounds[i])
        i++;
    atomic_fetch_add(&m->buckets[i], 1);
    atomic_fetch_add(&m->count, 1);
    uint64_t micro = v > 0 ? (uint64_t)(v * 1e6) : 0;
    atomic_fetch_add(&m->sum_micro, micro);
    uint64_t cur = atomic_load(&m->max_micro);
    while (micro > cur && !atomic_compare_exchange_weak(&m->max_micro, &cur, micro))
        ;
}

int64_t metrics_value(const struct metric *m)
{
    return atomic_load(&m->value);
}

double metrics_quantile(const struct metric *m, double q, double *max)
{
    uint64_t total = atomic_load(&m->count);
    if (max) *max = atomic_load(&m->max_micro) / 1e6;
    if (total == 0) return 0;
    uint64_t want = (uint64_t)(q * (double)total + 0.999999), seen = 0;
    for (size_t i = 0; i <= m->nbounds; i++) {
        seen += atomic_load(&m->buckets[i]);
        if (seen >= want && want > 0)
            return i < m->nbounds ? m->bounds[i] : atomic_load(&m->max_micro) / 1e6;
    }
    return atomic_load(&m->max_micro) / 1e6;
}

/* Appends printf output to the growing string *BUF. */
static void put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < *cap - *len) {
            *len += (size_t)n;
            return;
        }
        *cap = *cap * 2 + (size_t)(n > 0 ? n : 0);
        *buf = xrealloc(*buf, *cap);
    }
}

static bool first_of_name(const struct metric *m)
{
    for (const struct metric *p = head; p != m; p = p->next)
        if (strcmp(p->name, m->name) == 0) return false;
    return true;
}

char *metrics_render(void)
{
    size_t cap = 4096, len = 0;
    char *buf = xmalloc(cap);
    buf[0] = '\0';
    static const char *types[] = {"counter", "gauge", "histogram"};
    pthread_mutex_lock(&lock);
    for (struct metric *m = head; m; m = m->next) {
        if (first_of_name(m))
            put(&buf, &len, &cap, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help, m->name,
                types[m->kind]);
        const char *l = m->labels;
        if (m->kind != HISTOGRAM) {
            put(&buf, &len, &cap, "%s%s%s%s %lld\n", m->name, *l ? "{" : "", l, *l ? "}" : "",
                (long long)atomic_load(&m->value));
            continue;
        }
        uint64_t cum = 0;
        for (size_t i = 0; i <= m->nbounds; i++) {
            cum += atomic_load(&m->buckets[i]);
            char le[32];
            if (i < m->nbounds)
                snprintf(le, sizeof le, "%g", m->bounds[i]);
            else
                snprintf(le, sizeof le, "+Inf");
            put(&buf, &len, &cap, "%s_bucket{%s%sle=\"%s\"} %llu\n", m->name, l, *l ? "," : "", le,
                (unsigned long long)cum);
        }
        put(&buf, &len, &cap, "%s_sum%s%s%s %.6f\n%s_count%s%s%s %llu\n", m->name, *l ? "{" : "", l,
            *l ? "}" : "", atomic_load(&m->sum_micro) / 1e6, m->name, *l ? "{" : "", l,
            *l ? "}" : "", (unsigned long long)atomic_load(&m->count));
    }
    pthread_mutex_unlock(&lock);
    return buf;
}

void metrics_reset(void)
{
    pthread_mutex_lock(&lock);
    while (head) {
        struct metric *m = head;
        head = m->next;
        free(m->name);
        free(m->help);
        free(m->labels);
        free(m);
    }
    tail = &head;
    pthread_mutex_unlock(&lock);
}
