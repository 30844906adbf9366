/*
 * notify/prober — the monitors' thread. See prober.h.
 *
 * A check never ends inside the call that started it as far as this file sees: DONE
 * only moves it to the finished list and activates REAP, which records the outcomes
 * and frees the checks on the loop's next turn (a lookup of an address literal answers
 * at once, inside check_start).
 */
#include "notify/prober.h"
#include "app/monitors.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "notify/check.h"
#include <assert.h>
#include <event2/thread.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TICK_S = 1, PRUNE_EVERY_S = 60 };

struct prober {
    struct app *app;
    struct db *db;
    struct event_base *base;
    struct event *wake_ev, *stop_ev, *timer_ev, *tick_ev, *reap_ev;
    struct check_env env;
    struct mon_check *flying;   /* checks in flight */
    struct mon_check *finished; /* ended, to record (singly linked by next) */
    int nflying;
    int64_t pruned_at;
    int64_t rolled_until; /* roll-ups are done up to about here (0: not yet this run) */
    pthread_t thread;
};

static int64_t jint(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void unlink_check(struct prober *p, struct mon_check *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        p->flying = c->next;
    if (c->next) c->next->prev = c->prev;
    c->prev = c->next = NULL;
    p->nflying--;
}

static void on_check_done(void *arg, struct mon_check *c)
{
    struct prober *p = arg;
    unlink_check(p, c);
    c->next = p->finished;
    p->finished = c;
    event_active(p->reap_ev, 0, 0);
}

/* C could not start: its outcome (C->error says why) is recorded like any other. */
static void fail_to_start(struct prober *p, struct mon_check *c)
{
    if (c->delay) event_free(c->delay);
    c->delay = NULL;
    if (!c->error[0]) snprintf(c->error, sizeof c->error, "cannot start the check");
    c->started_at = time_now();
    on_check_done(p, c);
}

/* C's moment came: it starts. */
static void on_delay(evutil_socket_t fd, short what, void *arg)
{
    struct mon_check *c = arg;
    (void)fd, (void)what;
    event_free(c->delay);
    c->delay = NULL;
    if ((c->kind == MON_HTTP ? check_http_start(c) : check_net_start(c)) != 0)
        fail_to_start(c->arg, c);
}

/* A claimed monitor R as a check, started; its outcome when it cannot start is recorded
 * like any other. */
static void start_check(struct prober *p, json_t *r)
{
    struct mon_check *c = xcalloc(1, sizeof *c);
    char why[160];
    c->monitor_id = jint(r, "id");
    c->target = xstrdup(jstr(r, "target"));
    c->keyword = jstr(r, "keyword") ? xstrdup(jstr(r, "keyword")) : NULL;
    c->timeout_ms = (long)jint(r, "timeout_ms");
    c->max_latency_ms = (long)jint(r, "max_latency_ms");
    c->tls_warn_days = (long)jint(r, "tls_warn_days");
    c->follow = json_is_true(json_object_get(r, "follow_redirects"));
    c->env = &p->env;
    c->done = on_check_done;
    c->arg = p;
    c->next = p->flying;
    if (p->flying) p->flying->prev = c;
    p->flying = c;
    p->nflying++;
    bool ok = monitor_kind_parse(jstr(r, "kind"), &c->kind) == 0 &&
              monitor_expect_parse(jstr(r, "expect_status"), &c->expect, why, sizeof why) == 0;
    /* each monitor at its own point of the second it falls due, the same every time: the
     * hundred due in one second do not set off together, and a monitor's checks stay an
     * interval apart whichever wake-up claimed them */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t at_ms =
                jint(r, "due") * 1000 + (int64_t)((uint32_t)c->monitor_id * 2654435761u % 1000u),
            wait_ms = at_ms - ((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
    if (wait_ms < 0) wait_ms = 0;
    struct timeval tv = {.tv_sec = (time_t)(wait_ms / 1000),
                         .tv_usec = (suseconds_t)(wait_ms % 1000 * 1000)};
    if (ok && (c->delay = evtimer_new(p->base, on_delay, c)) && evtimer_add(c->delay, &tv) == 0)
        return;
    if (!ok) snprintf(c->error, sizeof c->error, "the monitor's settings do not parse");
    fail_to_start(p, c);
}

/* Claims what is due and room allows, starts it, and sets the timer to the next due. */
static void claim_due(struct prober *p)
{
    struct err e = {0};
    int room = PROBER_FLYING - p->nflying;
    if (room > 0) {
        json_t *due = app_monitors_claim(p->db, room, &e);
        if (!due) {
            if (!err_logged_by_store(&e)) log_error("monitors: claiming: %s", e.msg);
            return;
        }
        size_t i;
        json_t *r;
        json_array_foreach(due, i, r) start_check(p, r);
        if (json_array_size(due) == (size_t)room) event_active(p->wake_ev, 0, 0);
        json_decref(due);
    }
    int64_t next = 0;
    int found = app_monitors_next_due(p->db, &next, &e);
    evtimer_del(p->timer_ev);
    if (found == 1) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t us = (next - time_now()) * 1000000 - ts.tv_nsec / 1000;
        if (us < 0) us = 0;
        struct timeval tv = {.tv_sec = (time_t)(us / 1000000), .tv_usec = us % 1000000};
        evtimer_add(p->timer_ev, &tv);
    }
}

static void on_due(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    claim_due(arg);
}

static void on_prober_tick(evutil_socket_t fd, short what, void *arg)
{
    struct prober *p = arg;
    (void)fd, (void)what;
    int64_t now = time_now();
    if (now - p->pruned_at >= PRUNE_EVERY_S) {
        struct err e = {0};
        p->pruned_at = now;
        if (app_monitor_results_prune(p->db, now, &e) != 0 && !err_logged_by_store(&e))
            log_error("monitors: deleting old results: %s", e.msg);
        /* the minutes since the last run (at start: the day of results), a few minutes
         * over again after a failure or another node's run, which left them summed */
        int64_t until = 0;
        if (app_monitor_rollups_build(p->app, p->db, now, p->rolled_until, &until, &e) == 0)
            p->rolled_until = until - 300;
        else if (!err_logged_by_store(&e))
            log_error("monitors: summing minutes: %s", e.msg);
    }
    claim_due(p);
}

/* Records the finished checks' outcomes and frees them. */
static void on_prober_reap(evutil_socket_t fd, short what, void *arg)
{
    struct prober *p = arg;
    (void)fd, (void)what;
    while (p->finished) {
        struct mon_check *c = p->finished;
        p->finished = c->next;
        struct monitor_outcome o = {.monitor_id = c->monitor_id,
                                    .ok = c->ok,
                                    .checked_at = c->started_at,
                                    .latency_ms = c->latency_ms,
                                    .error = c->ok ? NULL : c->error,
                                    .status = c->warn ? "degraded_performance" : NULL};
        struct err e = {0};
        if (app_monitor_record(p->app, p->db, &o, &e) != 0 && !err_logged_by_store(&e))
            log_error("monitor %lld: recording a check: %s", (long long)c->monitor_id, e.msg);
        check_free(c);
    }
    claim_due(p); /* room was made */
}

static void on_prober_stop(evutil_socket_t fd, short what, void *arg)
{
    struct prober *p = arg;
    (void)fd, (void)what;
    event_base_loopbreak(p->base);
}

static void on_http_done(void *arg, CURL *easy, CURLcode cc)
{
    (void)arg;
    struct mon_check *c = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&c);
    assert(c && c->easy == easy);
    check_http_finish(c, (int)cc);
}

static void *prober_main(void *arg)
{
    struct prober *p = arg;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* signals are the main thread's */
    claim_due(p);
    event_base_dispatch(p->base);
    return NULL;
}

static void prober_free(struct prober *p)
{
    while (p->flying) {
        struct mon_check *c = p->flying;
        unlink_check(p, c);
        if (c->delay)
            event_free(c->delay);
        else if (c->kind == MON_HTTP)
            check_http_cancel(c);
        else
            check_net_cancel(c);
        check_free(c);
    }
    while (p->finished) {
        struct mon_check *c = p->finished;
        p->finished = c->next;
        check_free(c);
    }
    if (p->env.xfer) transfer_free(p->env.xfer);
    if (p->env.dns) evdns_base_free(p->env.dns, 1);
    if (p->env.tls) SSL_CTX_free(p->env.tls);
    struct event *evs[] = {p->wake_ev, p->stop_ev, p->timer_ev, p->tick_ev, p->reap_ev};
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        if (evs[i]) event_free(evs[i]);
    if (p->base) {
        event_base_loop(p->base, EVLOOP_NONBLOCK); /* cancelled lookups' callbacks */
        event_base_free(p->base);
    }
    db_close(p->db);
    free(p);
}

/* The resolver of dns checks and of the other checks' names: /etc/resolv.conf's servers,
 * or the NAMESERVERS given ("IP[:PORT]" separated by commas), with /etc/hosts either way. */
static int open_resolver(struct prober *p, const char *nameservers, struct err *e)
{
    if (!nameservers || !nameservers[0]) {
        p->env.dns = evdns_base_new(p->base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
        return 0;
    }
    if (!(p->env.dns = evdns_base_new(p->base, 0))) return 0;
    evdns_base_load_hosts(p->env.dns, NULL);
    char *list = xstrdup(nameservers), *save = NULL;
    int rc = 0;
    for (char *s = strtok_r(list, ", ", &save); s && rc == 0; s = strtok_r(NULL, ", ", &save))
        if (evdns_base_nameserver_ip_add(p->env.dns, s) != 0)
            rc = err_set(e, ERR_INVALID, "monitors.nameservers: cannot use \"%.60s\"", s);
    free(list);
    return rc;
}

int prober_start(struct app *app, struct prober **out, struct err *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, (void (*)(void))evthread_use_pthreads);
    int rc = -1;
    struct prober *p = xcalloc(1, sizeof *p);
    p->app = app;
    p->pruned_at = time_now();
    if (db_open(app->cfg->database, &p->db, e) != 0) goto out;
    /* its commits do not wait for the disk: one lost to a machine crash (a killed process
     * loses none) is an outcome the next checks make again, with its status change */
    db_commit_lazily(p->db);
    p->base = event_base_new();
    if (p->base) {
        p->wake_ev = event_new(p->base, -1, 0, on_due, p);
        p->stop_ev = event_new(p->base, -1, 0, on_prober_stop, p);
        p->timer_ev = evtimer_new(p->base, on_due, p);
        p->tick_ev = event_new(p->base, -1, EV_PERSIST, on_prober_tick, p);
        p->reap_ev = event_new(p->base, -1, 0, on_prober_reap, p);
        p->env.base = p->base;
        if (open_resolver(p, app->cfg->monitors_nameservers, e) != 0) goto out;
        p->env.xfer = transfer_new(p->base, 16, on_http_done, p);
        p->env.allow_private = app->cfg->monitors_allow_private;
        /* tls checks verify after the handshake, to say why a certificate is refused */
        p->env.tls = SSL_CTX_new(TLS_client_method());
        if (p->env.tls && SSL_CTX_set_default_verify_paths(p->env.tls) != 1) {
            SSL_CTX_free(p->env.tls);
            p->env.tls = NULL;
        }
        if (p->env.tls) SSL_CTX_set_verify(p->env.tls, SSL_VERIFY_NONE, NULL);
    }
    struct timeval tick = {.tv_sec = TICK_S};
    if (!p->wake_ev || !p->stop_ev || !p->timer_ev || !p->tick_ev || !p->reap_ev || !p->env.dns ||
        !p->env.xfer || !p->env.tls || event_add(p->tick_ev, &tick) != 0) {
        err_set(e, ERR_INTERNAL, "cannot create the prober's event loop");
        goto out;
    }
    if (pthread_create(&p->thread, NULL, prober_main, p) != 0) {
        err_set(e, ERR_INTERNAL, "cannot start the prober thread");
        goto out;
    }
    *out = p;
    p = NULL;
    rc = 0;
out:
    if (p) prober_free(p);
    return rc;
}

void prober_wake(struct prober *p)
{
    if (p) event_active(p->wake_ev, 0, 0);
}

void prober_stop(struct prober *p)
{
    if (!p) return;
    event_active(p->stop_ev, 0, 0);
    pthread_join(p->thread, NULL);
    prober_free(p);
}
