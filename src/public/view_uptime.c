/*
 * view_uptime — see view_uptime.h.
 */
#include "public/view_uptime.h"
#include "core/fnv.h"
#include "core/xalloc.h"
#include "domain/status.h"
#include "domain/uptime.h"
#include "public/view.h"
#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char day_class[SVC_STATUS_COUNT] = {'o', 'm', 'd', 'p', 'x'};

/* The bars' HTML: public/_bars.html of TMPLS with DAYS ([{"c","t"}], stolen), without
 * the template's last line ending. NULL with E filled when the template fails. */
static json_t *render_bars(json_t *days, struct tmpl_set *tmpls, struct err *e)
{
    json_t *model = json_pack("{s:o}", "days", days);
    const struct tmpl *t = tmpl_set_get(tmpls, "public/_bars.html", e);
    struct tmpl_loader ld = tmpl_set_loader(tmpls);
    char *html = t ? tmpl_render(t, model, &ld, TMPL_HTML, e) : NULL;
    json_decref(model);
    if (!html) return NULL;
    size_t len = strlen(html);
    while (len && html[len - 1] == '\n')
        len--;
    json_t *v = json_stringn(html, len);
    free(html);
    return v;
}

/* The three keys of SVC computed from the N spans SPANS and the monitors' CHECKS (NULL:
 * none) as of NOW: 0, or -1 with E filled. */
static int compute(json_t *svc, const struct public_span *spans, size_t nspans,
                   const struct uptime_checks *checks, int64_t now, struct tmpl_set *tmpls,
                   struct err *e)
{
    struct uptime_span sp[512] = {{0}};
    struct uptime_span *v = nspans <= 512 ? sp : xmalloc(nspans * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < nspans; i++) {
        enum svc_status st = SVC_OPERATIONAL;
        status_parse(spans[i].status, &st);
        v[n++] = (struct uptime_span){st, spans[i].started};
    }
    struct uptime_day days[VIEW_UPTIME_DAYS];
    double total = uptime_compute(v, n, now, VIEW_UPTIME_DAYS, days);
    if (checks) total = uptime_apply_checks(days, VIEW_UPTIME_DAYS, checks);
    int64_t v_first = n ? v[0].start : now;
    if (v != sp) free(v);
    char pct[32], t[96], date[16];
    json_object_set_new(svc, "uptime",
                        json_string(uptime_format(total < 0 ? 1 : total, pct, sizeof pct)));
    json_t *arr = json_array(), *raw = json_array();
    for (int i = 0; i < VIEW_UPTIME_DAYS; i++) {
        time_t ds = (time_t)days[i].start;
        struct tm tm;
        gmtime_r(&ds, &tm);
        strftime(date, sizeof date, "%b %-d", &tm);
        char c[2] = {days[i].worst == UPTIME_NO_DATA ? 'n' : day_class[days[i].worst], 0};
        if (days[i].worst == UPTIME_NO_DATA)
            snprintf(t, sizeof t, "%s: no data", date);
        else
            snprintf(t, sizeof t, "%s: %s, %s uptime", date,
                     days[i].worst == SVC_OPERATIONAL ? "No incidents"
                                                      : status_label(days[i].worst),
                     uptime_format(uptime_day_fraction(&days[i]), pct, sizeof pct));
        json_array_append_new(arr, json_pack("{s:s,s:s}", "c", c, "t", t));
        json_array_append_new(
            raw, json_pack("[I,i,s]", (json_int_t)days[i].start, days[i].worst,
                           days[i].worst == UPTIME_NO_DATA
                               ? ""
                               : uptime_format(uptime_day_fraction(&days[i]), pct, sizeof pct)));
    }
    json_object_set_new(svc, "bar_days", raw);
    json_t *bars = render_bars(arr, tmpls, e);
    if (!bars) return -1;
    json_object_set_new(svc, "bars", bars);
    /* the figure covers the days with data: a service younger than the window says since when */
    int first = 0;
    while (first < VIEW_UPTIME_DAYS - 1 && days[first].worst == UPTIME_NO_DATA)
        first++;
    int64_t since = 0;
    if (first == 0) {
        snprintf(t, sizeof t, "over the past %d days", VIEW_UPTIME_DAYS);
    } else {
        time_t fs = (time_t)(n ? v_first : days[first].start);
        struct tm tm;
        gmtime_r(&fs, &tm);
        strftime(date, sizeof date, "%b %-d", &tm);
        snprintf(t, sizeof t, first == VIEW_UPTIME_DAYS - 1 ? "since today" : "since %s", date);
        since = first == VIEW_UPTIME_DAYS - 1 ? -1 : (int64_t)fs;
    }
    json_object_set_new(svc, "uptime_period", json_string(t));
    json_object_set_new(svc, "uptime_since", json_integer(since));
    return 0;
}

/* ---- memo ------------------------------------------------------------------------ */

enum { MEMO_MAX = 1 << 16 }; /* services remembered; past it the memo starts over */

static const char *const keys[] = {"uptime", "uptime_period", "bars", "bar_days", "uptime_since"};
enum { NKEYS = sizeof keys / sizeof keys[0] };

/* An open-addressing table by service id (0: an empty slot; ids start at 1), linear
 * probing, grown at 70% full: a build looks every service up, and a list scanned per
 * service made a page of thousands quadratic. */
static struct memo {
    int64_t service_id;
    uint64_t version;
    int64_t minute;            /* of the values */
    struct public_span *spans; /* read at version */
    size_t nspans;
    json_t *v[NKEYS]; /* the values of keys[] */
} * memo;
static size_t nmemo, memo_cap; /* memo_cap: 0 or a power of two */
static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;

uint64_t view_uptime_version(int64_t log_head, const char *status, const char *updated_at,
                             uint64_t checks)
{
    uint64_t h = fnv1a(FNV_OFFSET, &log_head, sizeof log_head);
    status = status ? status : "";
    h = fnv1a(h, status, strlen(status) + 1); /* with its NUL: ends the status */
    updated_at = updated_at ? updated_at : "";
    h = fnv1a(h, updated_at, strlen(updated_at) + 1);
    return fnv1a(h, &checks, sizeof checks);
}

/* The slot of SERVICE_ID in a table of CAP slots: its entry, or the empty slot where it goes. */
static struct memo *slot_of(struct memo *table, size_t cap, int64_t service_id)
{
    size_t i = (size_t)(((uint64_t)service_id * 0x9E3779B97F4A7C15ULL) >> 32) & (cap - 1);
    while (table[i].service_id != 0 && table[i].service_id != service_id)
        i = (i + 1) & (cap - 1);
    return &table[i];
}

static struct memo *memo_find(int64_t service_id)
{
    if (!memo_cap) return NULL;
    struct memo *m = slot_of(memo, memo_cap, service_id);
    return m->service_id == service_id ? m : NULL;
}

static void memo_clear(void)
{
    for (size_t i = 0; i < memo_cap; i++) {
        if (!memo[i].service_id) continue;
        free(memo[i].spans);
        for (int k = 0; k < NKEYS; k++)
            json_decref(memo[i].v[k]);
    }
    free(memo);
    memo = NULL;
    nmemo = memo_cap = 0;
}

/* The entry of SERVICE_ID, added empty when it has none. */
static struct memo *memo_add(int64_t service_id)
{
    assert(service_id > 0);
    struct memo *m = memo_find(service_id);
    if (m) return m;
    if (nmemo == MEMO_MAX) memo_clear();
    if ((nmemo + 1) * 10 > memo_cap * 7) {
        size_t cap = memo_cap ? memo_cap * 2 : 64;
        struct memo *table = xcalloc(cap, sizeof *table);
        for (size_t i = 0; i < memo_cap; i++)
            if (memo[i].service_id) *slot_of(table, cap, memo[i].service_id) = memo[i];
        free(memo);
        memo = table;
        memo_cap = cap;
    }
    m = slot_of(memo, memo_cap, service_id);
    *m = (struct memo){.service_id = service_id};
    nmemo++;
    return m;
}

void view_uptime_forget(void)
{
    pthread_mutex_lock(&memo_mu);
    memo_clear();
    pthread_mutex_unlock(&memo_mu);
}

/* Remembers SVC's keys, computed as of MINUTE from the N SPANS (taken over) at VERSION. */
static void remember(const json_t *svc, int64_t service_id, uint64_t version, int64_t minute,
                     struct public_span *spans, size_t n)
{
    pthread_mutex_lock(&memo_mu);
    struct memo *m = memo_add(service_id);
    free(m->spans);
    m->spans = spans;
    m->nspans = n;
    m->version = version;
    m->minute = minute;
    for (int k = 0; k < NKEYS; k++) {
        json_decref(m->v[k]);
        m->v[k] = json_incref(json_object_get(svc, keys[k]));
    }
    pthread_mutex_unlock(&memo_mu);
}

int view_uptime_add(json_t *svc, int64_t service_id, uint64_t version, int64_t now,
                    const struct uptime_checks *checks, view_spans_reader read, void *ctx,
                    struct tmpl_set *tmpls, struct err *e)
{
    assert(read && tmpls);
    struct public_span *spans = NULL;
    size_t n = 0;
    bool known = false;
    pthread_mutex_lock(&memo_mu);
    struct memo *m = memo_find(service_id);
    if (m && m->version == version) {
        if (m->minute == now / 60) {
            for (int k = 0; k < NKEYS; k++)
                json_object_set(svc, keys[k], m->v[k]);
            pthread_mutex_unlock(&memo_mu);
            return 0;
        }
        known = true; /* the same history, a later minute: no need to read it */
        spans = xmalloc((m->nspans ? m->nspans : 1) * sizeof *spans);
        memcpy(spans, m->spans, m->nspans * sizeof *spans);
        n = m->nspans;
    }
    pthread_mutex_unlock(&memo_mu);
    if (!known && read(ctx, service_id, now, &spans, &n, e) != 0) return -1;
    if (compute(svc, spans, n, checks, now, tmpls, e) != 0) {
        free(spans);
        return -1;
    }
    remember(svc, service_id, version, now / 60, spans, n);
    return 0;
}
