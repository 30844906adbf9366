/*
 * scheduler — maintenance auto-transitions and reminders on a thread of their own. See
 * scheduler.h.
 *
 * Events on the scheduler's base: WAKE (user event, activated from any thread),
 * STOP (user event, breaks the loop), TIMER (one-shot, the next due time) and
 * TICK (persistent, every 30 s, so a missed wake or a skewed clock is corrected).
 * Cross-thread event_active() needs libevent's pthread locking, which must be
 * enabled before the base is created: scheduler_start() makes sure of it.
 *
 * Times in the database are whole seconds; the timer aims just past the second
 * at which the next transition falls due, so one run finds it due.
 */
#include "app/scheduler.h"
#include "app/maintenance.h"
#include "app/reminders.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

enum { TICK_S = 30, MARGIN_US = 5000 };

struct scheduler {
    struct app *app;
    struct db *db;
    struct event_base *base;
    struct event *wake_ev, *stop_ev, *timer_ev, *tick_ev;
    pthread_t thread;
};

/* How long from now until the start of second DUE (plus a small margin). */
static struct timeval delay_until(int64_t due)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t us = (due - time_now()) * 1000000 - ts.tv_nsec / 1000 + MARGIN_US;
    if (us < 0) us = 0;
    return (struct timeval){.tv_sec = (time_t)(us / 1000000),
                            .tv_usec = (suseconds_t)(us % 1000000)};
}

/* The earlier of two due times, 0 meaning none. */
static int64_t earlier(int64_t a, int64_t b)
{
    return !a ? b : !b ? a : a < b ? a : b;
}

/* Runs what is due (transitions first: a maintenance that starts now needs no reminder)
 * and sets the timer to the next due time. After a failure with something still overdue,
 * only the tick retries, so a persistent error cannot spin. */
static void run(struct scheduler *s)
{
    struct err e = {0}, re = {0};
    int64_t now = time_now(), next = 0, next_reminder = 0;
    int rc = app_maintenance_run_due(s->app, s->db, now, &next, &e);
    if (rc < 0 && !err_logged_by_store(&e)) log_error("scheduler: %s", e.msg);
    int rrc = app_reminders_run_due(s->app, s->db, now, &next_reminder, &re);
    if (rrc < 0 && !err_logged_by_store(&re)) log_error("scheduler: reminders: %s", re.msg);
    evtimer_del(s->timer_ev);
    if (rc < 0 && next <= now) next = 0; /* left to the tick */
    if (rrc < 0 && next_reminder <= now) next_reminder = 0;
    next = earlier(next, next_reminder);
    if (!next) return;
    struct timeval tv = delay_until(next);
    evtimer_add(s->timer_ev, &tv);
}

static void on_run(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    run(arg);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    struct scheduler *s = arg;
    (void)fd, (void)what;
    event_base_loopbreak(s->base);
}

static void *scheduler_main(void *arg)
{
    struct scheduler *s = arg;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* signals are the main thread's */
    run(s);
    event_base_dispatch(s->base);
    return NULL;
}

static void scheduler_free(struct scheduler *s)
{
    struct event *evs[] = {s->wake_ev, s->stop_ev, s->timer_ev, s->tick_ev};
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        if (evs[i]) event_free(evs[i]);
    if (s->base) event_base_free(s->base);
    db_close(s->db);
    free(s);
}

int scheduler_start(struct app *app, struct scheduler **out, struct err *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, (void (*)(void))evthread_use_pthreads);
    int rc = -1;
    struct scheduler *s = xcalloc(1, sizeof *s);
    s->app = app;
    if (db_open(app->cfg->database, &s->db, e) != 0) goto out;
    s->base = event_base_new();
    if (s->base) {
        s->wake_ev = event_new(s->base, -1, 0, on_run, s);
        s->stop_ev = event_new(s->base, -1, 0, on_stop, s);
        s->timer_ev = evtimer_new(s->base, on_run, s);
        s->tick_ev = event_new(s->base, -1, EV_PERSIST, on_run, s);
    }
    struct timeval tick = {.tv_sec = TICK_S};
    if (!s->wake_ev || !s->stop_ev || !s->timer_ev || !s->tick_ev ||
        event_add(s->tick_ev, &tick) != 0) {
        err_set(e, ERR_INTERNAL, "cannot create the scheduler's event loop");
        goto out;
    }
    if (pthread_create(&s->thread, NULL, scheduler_main, s) != 0) {
        err_set(e, ERR_INTERNAL, "cannot start the scheduler thread");
        goto out;
    }
    *out = s;
    s = NULL;
    rc = 0;
out:
    if (s) scheduler_free(s);
    return rc;
}

void scheduler_wake(struct scheduler *s)
{
    if (s) event_active(s->wake_ev, 0, 0);
}

void scheduler_stop(struct scheduler *s)
{
    if (!s) return;
    event_active(s->stop_ev, 0, 0);
    pthread_join(s->thread, NULL);
    scheduler_free(s);
}
