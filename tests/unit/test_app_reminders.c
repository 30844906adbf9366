/*
 * Unit tests for app/reminders (app_reminders_run_due) against a temporary database,
 * with the clock passed in explicitly so nothing sleeps: a reminder is due
 * reminder_min minutes before the start and *next names that time; it is one update of
 * kind "reminder" in stage scheduled with one notify job for every channel of the
 * "Scheduled" row but SMS, claimed once (a second run, a second connection running at
 * the same moment, a restart); a late run before the start catches up and says how long
 * is left; none once the maintenance started, was deleted or was created inside the
 * window (an hour ahead with reminder_min 60 included); reminder_min 0 sends none;
 * rescheduling re-arms a reminder not sent, never a sent one; a quiet maintenance
 * ("notify": false) gets a reminder that notifies nobody; every page is served; the
 * scheduler thread sends a due reminder on its own.
 */
#include "app/maintenance.h"
#include "app/reminders.h"
#include "app/scheduler.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "domain/notify_rules.h"
#include "store/events.h"
#include "store/pages.h"
#include "store/services.h"
#include "testutil.h"
#include <pthread.h>
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

static struct app_ctx ctx(struct fixture *f, int64_t page)
{
    return (struct app_ctx){
        .app = &f->app, .db = f->db, .page_id = page, .actor = {.kind = ACTOR_CLI}};
}

/* Schedules maintenance on PAGE starting at START (an hour long); returns its id. */
static int64_t schedule(struct fixture *f, int64_t page, int64_t start, bool notify)
{
    char s[32], t[32];
    struct app_ctx c = ctx(f, page);
    struct err e = {0};
    json_t *out = NULL;
    json_t *in = json_pack(
        "{s:s,s:s,s:s,s:s,s:b,s:[I]}", "title", "Upgrade", "message", "We *upgrade* the database.",
        "scheduled_start", time_format(start, s, sizeof s), "scheduled_end",
        time_format(start + 3600, t, sizeof t), "notify", notify, "services", (json_int_t)f->svc);
    if (page != f->page) json_object_del(in, "services");
    if (app_maintenance_create(&c, in, &out, &e) != 0) fail_msg("creating maintenance: %s", e.msg);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(in);
    json_decref(out);
    return id;
}

static int run(struct fixture *f, int64_t now, int64_t *next)
{
    struct err e = {0};
    int n = app_reminders_run_due(&f->app, f->db, now, next, &e);
    if (n < 0) fail_msg("run_due: %s", e.msg);
    return n;
}

static int64_t count(struct fixture *f, const char *sql, int64_t id)
{
    struct err e = {0};
    int64_t n = -1;
    if (db_query_int(f->db, &e, &n, sql, "i", id) < 0) fail_msg("%s: %s", sql, e.msg);
    return n;
}

#define REMINDERS "SELECT COUNT(*) FROM event_updates WHERE event_id = ? AND kind = 'reminder'"
#define JOBS                                                                                       \
    "SELECT COUNT(*) FROM notify_jobs j JOIN event_updates u ON u.id = j.update_id "               \
    "WHERE u.event_id = ? AND u.kind = 'reminder'"
#define CHANNELS                                                                                   \
    "SELECT j.channels FROM notify_jobs j JOIN event_updates u ON u.id = j.update_id "             \
    "WHERE u.event_id = ? AND u.kind = 'reminder'"

static void set_reminder_min(struct fixture *f, int64_t page, int64_t minutes)
{
    struct err e = {0};
    if (db_exec(f->db, &e, NULL, "UPDATE pages SET reminder_min = ? WHERE id = ?", "ii", minutes,
                page) != 0)
        fail_msg("reminder_min: %s", e.msg);
}

/* The latest reminder of EVENT_ID as {"stage","message","notify"} (new reference). */
static json_t *reminder_of(struct fixture *f, int64_t id)
{
    struct err e = {0};
    json_t *u = db_query_one(f->db, &e,
                             "SELECT stage, message, notify FROM event_updates WHERE event_id = ? "
                             "AND kind = 'reminder' ORDER BY id DESC LIMIT 1",
                             "i", id);
    if (!u) fail_msg("no reminder of %lld: %s", (long long)id, e.msg);
    return u;
}

static void sent_once_at_its_time(void **state)
{
    struct fixture *f = *state;
    int64_t start = time_now() + 3700, next = -1;
    int64_t id = schedule(f, f->page, start, true);
    assert_int_equal(run(f, start - 3601, &next), 0);
    assert_int_equal(next, start - 3600);
    assert_int_equal(count(f, REMINDERS, id), 0);

    f->woken = 0;
    assert_int_equal(run(f, start - 3600, &next), 1);
    assert_true(f->woken > 0);
    assert_int_equal(next, 0);
    assert_int_equal(count(f, REMINDERS, id), 1);
    assert_int_equal(count(f, JOBS, id), 1);
    assert_int_equal(count(f, CHANNELS, id),
                     CH_ALL & ~(unsigned)CH_SMS); /* every channel but SMS */
    json_t *u = reminder_of(f, id);
    assert_string_equal(json_string_value(json_object_get(u, "stage")), "scheduled");
    assert_string_equal(json_string_value(json_object_get(u, "message")),
                        "This maintenance starts in 1 hour.\n\nWe *upgrade* the database.");
    assert_true(json_is_true(json_object_get(u, "notify")));
    json_decref(u);
    assert_int_equal(count(f,
                           "SELECT COUNT(*) FROM audit_log WHERE action = 'maintenance.reminder' "
                           "AND object_id = ?",
                           id),
                     1);

    /* once: the same time again, later, and a fresh connection (a restart) send nothing */
    assert_int_equal(run(f, start - 3600, &next), 0);
    assert_int_equal(run(f, start - 60, &next), 0);
    struct db *again = NULL;
    struct err e = {0};
    assert_int_equal(db_open(f->url, &again, &e), 0);
    assert_int_equal(app_reminders_run_due(&f->app, again, start - 30, &next, &e), 0);
    db_close(again);
    assert_int_equal(count(f, REMINDERS, id), 1);
    /* the public timeline and the timed steps ignore it */
    int64_t last = 0;
    assert_int_equal(store_event_last_update(f->db, id, &last, &e), 0);
    assert_int_equal(
        count(f, "SELECT COUNT(*) FROM event_updates WHERE id = ? AND kind = 'update'", last), 1);
}

static void a_late_run_catches_up_until_the_start(void **state)
{
    struct fixture *f = *state;
    int64_t start = time_now() + 4000, next = -1;
    int64_t late = schedule(f, f->page, start, true);
    int64_t missed = schedule(f, f->page, start + 60, true);
    /* the server was down from before the reminders' times until 10 minutes before */
    assert_int_equal(run(f, start - 600, &next), 2);
    json_t *u = reminder_of(f, late);
    assert_non_null(
        strstr(json_string_value(json_object_get(u, "message")), "starts in 10 minutes."));
    json_decref(u);
    u = reminder_of(f, missed);
    assert_non_null(
        strstr(json_string_value(json_object_get(u, "message")), "starts in 11 minutes."));
    json_decref(u);

    /* down until after the start: the reminder is no use any more */
    int64_t gone = schedule(f, f->page, start + 3600, true);
    assert_int_equal(run(f, start - 60, &next), 0);
    assert_int_equal(next, start);
    assert_int_equal(run(f, start + 3600, &next), 0);
    assert_int_equal(count(f, REMINDERS, gone), 0);
    assert_int_equal(next, 0);
}

static void none_once_started_deleted_or_created_late(void **state)
{
    struct fixture *f = *state;
    struct app_ctx c = ctx(f, f->page);
    struct err e = {0};
    json_t *out = NULL;
    int64_t now = time_now(), next = -1;
    int64_t started = schedule(f, f->page, now + 4000, true);
    int64_t deleted = schedule(f, f->page, now + 4000, true);
    int64_t late = schedule(f, f->page, now + 3000, true);  /* created inside the hour before */
    int64_t exact = schedule(f, f->page, now + 3600, true); /* an hour ahead: just told */
    json_t *in = json_pack("{s:s,s:s}", "stage", "in_progress", "message", "Early start.");
    assert_int_equal(app_maintenance_post_update(&c, started, in, &out, &e), 0);
    json_decref(in);
    json_decref(out);
    assert_int_equal(app_maintenance_delete(&c, deleted, &e), 0);
    assert_int_equal(run(f, now + 400, &next), 0);
    assert_int_equal(next, 0);
    assert_int_equal(count(f, REMINDERS, started), 0);
    assert_int_equal(count(f, REMINDERS, late), 0);
    assert_int_equal(run(f, now + 1, &next), 0);
    assert_int_equal(count(f, REMINDERS, exact), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM notify_jobs WHERE page_id = ?", f->page), 4);
}

static void reminder_min_zero_sends_none(void **state)
{
    struct fixture *f = *state;
    int64_t start = time_now() + 3700, next = -1;
    int64_t id = schedule(f, f->page, start, true);
    set_reminder_min(f, f->page, 0);
    assert_int_equal(run(f, start - 100, &next), 0);
    assert_int_equal(next, 0);
    /* a longer lead moves it; the maintenance was created well before that time */
    set_reminder_min(f, f->page, 30);
    assert_int_equal(run(f, start - 1801, &next), 0);
    assert_int_equal(next, start - 1800);
    assert_int_equal(run(f, start - 1800, &next), 1);
    json_t *u = reminder_of(f, id);
    assert_non_null(strstr(json_string_value(json_object_get(u, "message")), "in 30 minutes."));
    json_decref(u);
}

static int reschedule(struct fixture *f, int64_t id, int64_t start)
{
    char s[32], t[32];
    struct app_ctx c = ctx(f, f->page);
    struct err e = {0};
    json_t *out = NULL;
    json_t *in = json_pack("{s:s,s:s}", "scheduled_start", time_format(start, s, sizeof s),
                           "scheduled_end", time_format(start + 3600, t, sizeof t));
    int rc = app_maintenance_update(&c, id, in, &out, &e);
    json_decref(in);
    json_decref(out);
    return rc;
}

static void rescheduling_re_arms_one_not_sent(void **state)
{
    struct fixture *f = *state;
    int64_t start = time_now() + 3700, next = -1;
    int64_t id = schedule(f, f->page, start, true);
    assert_int_equal(reschedule(f, id, start + 7200), 0);
    assert_int_equal(run(f, start - 3600, &next), 0);
    assert_int_equal(next, start + 3600);
    assert_int_equal(run(f, start + 3600, &next), 1);

    /* sent: moving it later again sends no second one */
    assert_int_equal(reschedule(f, id, start + 3 * 3600), 0);
    assert_int_equal(run(f, start + 2 * 3600, &next), 0);
    assert_int_equal(next, 0);
    assert_int_equal(count(f, REMINDERS, id), 1);

    /* moved earlier into its reminder window: due at once */
    int64_t soon = schedule(f, f->page, start + 7200, true);
    assert_int_equal(reschedule(f, soon, start + 1800), 0);
    assert_int_equal(run(f, start, &next), 1);
    assert_int_equal(count(f, REMINDERS, soon), 1);
}

static void a_quiet_maintenance_notifies_nobody(void **state)
{
    struct fixture *f = *state;
    int64_t start = time_now() + 3700, next = -1;
    int64_t id = schedule(f, f->page, start, false);
    assert_int_equal(run(f, start - 3600, &next), 1);
    json_t *u = reminder_of(f, id);
    assert_true(json_is_false(json_object_get(u, "notify")));
    json_decref(u);
    assert_int_equal(count(f, JOBS, id), 0);
    assert_int_equal(run(f, start - 3000, &next), 0);
}

static void every_page_is_served(void **state)
{
    struct fixture *f = *state;
    int64_t start = time_now() + 3700, next = -1;
    int64_t mine = schedule(f, f->page, start, true);
    int64_t theirs = schedule(f, f->other_page, start + 10, true);
    set_reminder_min(f, f->other_page, 90);
    assert_int_equal(run(f, start - 3600, &next), 1); /* theirs was due 30 minutes earlier... */
    assert_int_equal(count(f, REMINDERS, mine), 1);
    assert_int_equal(count(f, REMINDERS, theirs), 0); /* ...but was created after that */
    set_reminder_min(f, f->other_page, 61);
    assert_int_equal(run(f, start + 10 - 3660, &next), 1);
    assert_int_equal(count(f, REMINDERS, theirs), 1);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM notify_jobs WHERE page_id = ?", f->other_page),
                     2);
}

struct racer {
    struct fixture *f;
    int64_t now;
    int made;
    pthread_barrier_t *go;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct db *db = NULL;
    struct err e = {0};
    int64_t next;
    r->made = -1;
    if (db_open(r->f->url, &db, &e) != 0) return NULL;
    pthread_barrier_wait(r->go);
    r->made = app_reminders_run_due(&r->f->app, db, r->now, &next, &e);
    db_close(db);
    return NULL;
}

static void two_nodes_send_each_reminder_once(void **state)
{
    struct fixture *f = *state;
    enum { N = 20 };
    int64_t start = time_now() + 3700, ids[N];
    for (int i = 0; i < N; i++)
        ids[i] = schedule(f, i % 2 ? f->other_page : f->page, start + i, true);
    f->app.on_work = NULL; /* the threads must not touch the fixture's counter */
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, 2);
    struct racer a = {f, start - 3600 + N, 0, &go}, b = a;
    pthread_t ta, tb;
    pthread_create(&ta, NULL, race, &a);
    pthread_create(&tb, NULL, race, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&go);
    assert_true(a.made >= 0 && b.made >= 0);
    assert_int_equal(a.made + b.made, N);
    for (int i = 0; i < N; i++) {
        assert_int_equal(count(f, REMINDERS, ids[i]), 1);
        assert_int_equal(count(f, JOBS, ids[i]), 1);
    }
}

static void the_scheduler_sends_it(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    int64_t now = time_now();
    int64_t id = schedule(f, f->page, now + 3700, true);
    /* as if time had passed: created two hours ago, its reminder due a second ago */
    assert_int_equal(db_exec(f->db, &e, NULL,
                             "UPDATE events SET created_at = ?, scheduled_start = ?, "
                             "scheduled_end = ? WHERE id = ?",
                             "iiii", now - 7200, now + 3599, now + 7199, id),
                     0);
    struct scheduler *s = NULL;
    f->app.on_work = NULL;
    assert_int_equal(scheduler_start(&f->app, &s, &e), 0);
    bool sent = false;
    for (int i = 0; i < 300 && !sent; i++) {
        struct timespec ts = {.tv_nsec = 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        sent = count(f, REMINDERS, id) == 1;
    }
    scheduler_stop(s);
    assert_true(sent);
    assert_int_equal(count(f, JOBS, id), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sent_once_at_its_time, setup, teardown),
        cmocka_unit_test_setup_teardown(a_late_run_catches_up_until_the_start, setup, teardown),
        cmocka_unit_test_setup_teardown(none_once_started_deleted_or_created_late, setup, teardown),
        cmocka_unit_test_setup_teardown(reminder_min_zero_sends_none, setup, teardown),
        cmocka_unit_test_setup_teardown(rescheduling_re_arms_one_not_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(a_quiet_maintenance_notifies_nobody, setup, teardown),
        cmocka_unit_test_setup_teardown(every_page_is_served, setup, teardown),
        cmocka_unit_test_setup_teardown(two_nodes_send_each_reminder_once, setup, teardown),
        cmocka_unit_test_setup_teardown(the_scheduler_sends_it, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
