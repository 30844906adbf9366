/*
 * Unit tests for app/maintenance's automatic transitions (app_maintenance_run_due)
 * and the scheduler thread (app/scheduler) against a temporary database, with the
 * clock passed in explicitly so nothing sleeps: nothing is due before
 * scheduled_start and *next names it; at the start the maintenance goes
 * in_progress with its services under_maintenance, at the end complete with them
 * released; a second run at the same time does nothing; maintenance whose whole
 * window passed goes straight to complete without touching its services;
 * without auto_start it waits for a person, without auto_complete it stays in
 * progress; every page is served; each transition queues a notify job and wakes
 * app.on_work, unless the maintenance's latest update said "notify": false; a
 * window already over when created is complete at once; the thread catches up
 * at start and stops cleanly.
 */
#include "app/maintenance.h"
#include "app/scheduler.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/pages.h"
#include "store/services.h"
#include "testutil.h"
#include <time.h>

struct fixture {
    char dir[64], url[128];
    struct config cfg;
    struct db *db;
    struct app app;
    int64_t page, other_page, svc;
    int woken;
};

static struct fixture *the_fixture;

static void on_work(struct app *app)
{
    (void)app;
    the_fixture->woken++;
}

static int setup(void **state)
{
    log_set_level(LOG_WARN);
    struct fixture *f = calloc(1, sizeof *f);
    struct err e = {0};
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    test_db_url(f->dir, f->url, sizeof f->url);
    f->cfg.database = f->url;
    f->app.cfg = &f->cfg;
    f->app.on_work = on_work;
    f->page = store_page_insert(f->db, "default", "Status", &e);
    f->other_page = store_page_insert(f->db, "other", "Other", &e);
    struct service_fields sf = {.name = "DB", .description = "", .status = "operational"};
    f->svc = store_service_insert(f->db, f->page, &sf, &e);
    the_fixture = f;
    *state = f;
    return f->page > 0 && f->other_page > 0 && f->svc > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

static struct fixture *fx(void **state)
{
    return *state;
}

static struct app_ctx ctx(struct fixture *f, int64_t page)
{
    return (struct app_ctx){
        .app = &f->app, .db = f->db, .page_id = page, .actor = {.kind = ACTOR_CLI}};
}

/* Schedules maintenance on PAGE from START to END with the given flags; returns its id. */
static int64_t schedule(struct fixture *f, int64_t page, int64_t start, int64_t end,
                        bool auto_start, bool auto_complete, bool with_service)
{
    char s[32], t[32];
    struct app_ctx c = ctx(f, page);
    struct err e = {0};
    json_t *out = NULL;
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "title", "Upgrade", "message", "m",
                           "scheduled_start", time_format(start, s, sizeof s), "scheduled_end",
                           time_format(end, t, sizeof t), "auto_start", auto_start, "auto_complete",
                           auto_complete);
    if (with_service) json_object_set_new(in, "services", json_pack("[I]", (json_int_t)f->svc));
    if (app_maintenance_create(&c, in, &out, &e) != 0) fail_msg("creating maintenance: %s", e.msg);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(in);
    json_decref(out);
    return id;
}

/* The stage of maintenance ID on PAGE (static buffer). */
static const char *stage_of(struct fixture *f, int64_t page, int64_t id)
{
    static char buf[32];
    struct app_ctx c = ctx(f, page);
    struct err e = {0};
    json_t *m = NULL;
    if (app_maintenance_get(&c, id, &m, &e) != 0)
        fail_msg("reading maintenance %lld: %s", (long long)id, e.msg);
    snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(m, "stage")));
    json_decref(m);
    return buf;
}

static const char *svc_status(struct fixture *f)
{
    static char buf[32];
    struct err e = {0};
    json_t *s = store_service_get(f->db, f->page, f->svc, &e);
    snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(s, "status")));
    json_decref(s);
    return buf;
}

static int64_t count(struct fixture *f, const char *sql, int64_t id)
{
    struct err e = {0};
    int64_t n = -1;
    db_query_int(f->db, &e, &n, sql, "i", id);
    return n;
}

#define UPDATES "SELECT COUNT(*) FROM event_updates WHERE event_id = ?"
#define JOBS                                                                                       \
    "SELECT COUNT(*) FROM notify_jobs j JOIN event_updates u ON u.id = j.update_id "               \
    "WHERE u.event_id = ?"

static int run(struct fixture *f, int64_t now, int64_t *next)
{
    struct err e = {0};
    int n = app_maintenance_run_due(&f->app, f->db, now, next, &e);
    if (n < 0) fail_msg("run_due: %s", e.msg);
    return n;
}

static void starts_and_completes_on_time(void **state)
{
    struct fixture *f = fx(state);
    int64_t t0 = time_now() + 1000, next = -1;
    int64_t id = schedule(f, f->page, t0, t0 + 100, true, true, true);
    assert_int_equal(run(f, t0 - 1, &next), 0);
    assert_int_equal(next, t0);
    assert_string_equal(stage_of(f, f->page, id), "scheduled");
    assert_string_equal(svc_status(f), "operational");

    f->woken = 0;
    assert_int_equal(run(f, t0, &next), 1);
    assert_string_equal(stage_of(f, f->page, id), "in_progress");
    assert_string_equal(svc_status(f), "under_maintenance");
    assert_int_equal(next, t0 + 100);
    assert_true(f->woken > 0);
    assert_int_equal(run(f, t0 + 50, &next), 0);

    assert_int_equal(run(f, t0 + 100, &next), 1);
    assert_string_equal(stage_of(f, f->page, id), "complete");
    assert_string_equal(svc_status(f), "operational");
    assert_int_equal(next, 0);
    assert_int_equal(count(f, UPDATES, id), 3);
    assert_int_equal(count(f, JOBS, id), 3);
    assert_int_equal(run(f, t0 + 1000, &next), 0);
}

static void window_passed_goes_straight_to_complete(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t t0 = time_now() + 1000, next = -1;
    int64_t id = schedule(f, f->page, t0, t0 + 100, true, true, true);
    assert_int_equal(
        store_service_set_status(f->db, f->svc, "degraded_performance", time_now(), &e), 0);
    assert_int_equal(run(f, t0 + 500, &next), 1);
    assert_string_equal(stage_of(f, f->page, id), "complete");
    assert_int_equal(count(f, UPDATES, id), 2);
    assert_string_equal(svc_status(f), "degraded_performance"); /* never held, never released */
}

static void flags_are_honoured(void **state)
{
    struct fixture *f = fx(state);
    int64_t t0 = time_now() + 1000, next = -1;
    int64_t manual = schedule(f, f->page, t0, t0 + 100, false, true, false);
    int64_t open_ended = schedule(f, f->page, t0, t0 + 100, true, false, false);
    assert_int_equal(run(f, t0 + 500, &next), 1);
    assert_string_equal(stage_of(f, f->page, manual), "scheduled");
    assert_string_equal(stage_of(f, f->page, open_ended), "in_progress");
    assert_int_equal(next, 0); /* nothing will ever be due on its own */

    /* Started by a person, the auto_complete of MANUAL still applies. */
    struct app_ctx c = ctx(f, f->page);
    struct err e = {0};
    json_t *out = NULL, *in = json_pack("{s:s,s:s}", "stage", "in_progress", "message", "go");
    assert_int_equal(app_maintenance_post_update(&c, manual, in, &out, &e), 0);
    json_decref(in);
    json_decref(out);
    assert_int_equal(run(f, t0 + 500, &next), 1);
    assert_string_equal(stage_of(f, f->page, manual), "complete");
}

static void timed_steps_keep_the_notify_choice(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    char a[32], b[32];
    int64_t t0 = time_now() + 1000, next = -1, now = time_now();
    struct app_ctx c = ctx(f, f->page);
    json_t *out = NULL;
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:b}", "title", "Quiet", "message", "m",
                           "scheduled_start", time_format(t0, a, sizeof a), "scheduled_end",
                           time_format(t0 + 100, b, sizeof b), "notify", 0);
    assert_int_equal(app_maintenance_create(&c, in, &out, &e), 0);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(in);
    json_decref(out);
    assert_int_equal(run(f, t0, &next), 1);
    assert_int_equal(run(f, t0 + 100, &next), 1);
    assert_string_equal(stage_of(f, f->page, id), "complete");
    assert_int_equal(count(f, UPDATES, id), 3);
    assert_int_equal(count(f, JOBS, id), 0);

    /* created after its window: complete at once, one update, notifying as asked */
    in = json_pack("{s:s,s:s,s:s,s:s,s:b}", "title", "Late", "message", "m", "scheduled_start",
                   time_format(now - 7200, a, sizeof a), "scheduled_end",
                   time_format(now - 3600, b, sizeof b), "notify", 0);
    assert_int_equal(app_maintenance_create(&c, in, &out, &e), 0);
    id = json_integer_value(json_object_get(out, "id"));
    assert_string_equal(json_string_value(json_object_get(out, "stage")), "complete");
    json_decref(in);
    json_decref(out);
    assert_int_equal(count(f, UPDATES, id), 1);
    assert_int_equal(count(f, JOBS, id), 0);
    assert_int_equal(run(f, now, &next), 0);
}

static void every_page_is_served(void **state)
{
    struct fixture *f = fx(state);
    int64_t t0 = time_now() + 1000, next = -1;
    int64_t mine = schedule(f, f->page, t0, t0 + 100, true, true, false);
    int64_t theirs = schedule(f, f->other_page, t0 + 10, t0 + 100, true, true, false);
    assert_int_equal(run(f, t0 + 10, &next), 2);
    assert_string_equal(stage_of(f, f->page, mine), "in_progress");
    assert_string_equal(stage_of(f, f->other_page, theirs), "in_progress");
    assert_int_equal(count(f, "SELECT COUNT(*) FROM notify_jobs WHERE page_id = ?", f->other_page),
                     2);
}

static void thread_catches_up_and_stops(void **state)
{
    struct fixture *f = fx(state);
    int64_t now = time_now();
    int64_t id = schedule(f, f->page, now - 10, now + 3600, true, true, true);
    struct scheduler *s = NULL;
    struct err e = {0};
    f->app.on_work = NULL; /* the thread must not touch the fixture's counter */
    assert_int_equal(scheduler_start(&f->app, &s, &e), 0);
    bool started = false;
    for (int i = 0; i < 200 && !started; i++) {
        struct timespec ts = {.tv_nsec = 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        started = strcmp(stage_of(f, f->page, id), "in_progress") == 0;
    }
    scheduler_wake(s);
    scheduler_stop(s);
    scheduler_stop(NULL);
    assert_true(started);
    assert_string_equal(svc_status(f), "under_maintenance");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(starts_and_completes_on_time, setup, teardown),
        cmocka_unit_test_setup_teardown(window_passed_goes_straight_to_complete, setup, teardown),
        cmocka_unit_test_setup_teardown(flags_are_honoured, setup, teardown),
        cmocka_unit_test_setup_teardown(timed_steps_keep_the_notify_choice, setup, teardown),
        cmocka_unit_test_setup_teardown(every_page_is_served, setup, teardown),
        cmocka_unit_test_setup_teardown(thread_catches_up_and_stops, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
