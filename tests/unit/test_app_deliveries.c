/*
 * Unit tests for app/deliveries against a real database: the dashboard's delivery
 * health comes from the delivery rows (so every node shows the same), per channel
 * over the last 24 hours: counts, nearest-rank percentiles that are latencies that
 * happened, the slowest, late ones (sent late, or still unsent past the promise),
 * and the same figures written for people; and each channel's backlog, the time to
 * send it at the last minute's rate and whether a miss is coming (stalled, or slower
 * than the oldest's promise). Only PERM_SETTINGS may read it.
 */
#include "app/deliveries.h"
#include "core/timeutil.h"
#include "store/outbox.h"
#include "store/pages.h"
#include "testutil.h"

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    struct app_ctx c;
    int64_t update, now;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    if (!(f->db = test_db_open(f->dir))) return -1;
    f->app.cfg = &f->cfg;
    f->now = time_now();
    int64_t page = store_page_insert(f->db, "default", "Status", &e), ev = 0;
    if (page <= 0 ||
        db_exec(f->db, &e, NULL,
                "INSERT INTO events (page_id, kind, title, stage, created_at, updated_at) "
                "VALUES (?, 'incident', 't', 'investigating', ?, ?)",
                "iii", page, f->now, f->now) != 0 ||
        db_query_int(f->db, &e, &ev, "SELECT MAX(id) FROM events", NULL) < 0 ||
        db_exec(f->db, &e, NULL,
                "INSERT INTO event_updates (event_id, stage, message, notify, created_at) "
                "VALUES (?, 'investigating', 'm', 1, ?)",
                "ii", ev, f->now) != 0 ||
        db_query_int(f->db, &e, &f->update, "SELECT MAX(id) FROM event_updates", NULL) < 0)
        return -1;
    f->c = (struct app_ctx){.app = &f->app,
                            .db = f->db,
                            .page_id = page,
                            .actor = {.kind = ACTOR_USER, .id = 1, .role = ROLE_OWNER}};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

/* A delivery of CHANNEL to RECIPIENT accepted AGO seconds before now, sent LATENCY seconds
 * after its acceptance (LATENCY < 0: still pending). */
static void delivery(struct fx *f, const char *channel, const char *recipient, int64_t ago,
                     int64_t latency)
{
    struct err e = {0};
    int64_t accepted = f->now - ago;
    assert_int_equal(store_delivery_add(f->db, f->c.page_id, f->update, channel, recipient, 0,
                                        accepted, accepted, &e),
                     0);
    if (latency >= 0)
        assert_int_equal(db_exec(f->db, &e, NULL,
                                 "UPDATE deliveries SET state = 'sent', sent_at = ? "
                                 "WHERE recipient = ? AND channel = ?",
                                 "iss", accepted + latency, recipient, channel),
                         0);
}

static json_t *channel(json_t *h, const char *name)
{
    return json_object_get(json_object_get(h, "channels"), name);
}

static int64_t num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void figures_come_from_the_rows(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char r[32];
    /* 19 e-mails sent at once or in a second, one after 400 s; one sent two days ago */
    for (int i = 0; i < 19; i++) {
        snprintf(r, sizeof r, "a%d@example.com", i);
        delivery(f, "email", r, 1000, i < 10 ? 0 : 1);
    }
    delivery(f, "email", "slow@example.com", 1000, 400);
    delivery(f, "email", "old@example.com", 3 * 86400, 5000);
    /* an SMS sent in 3 s, one waiting for 200 s (past its 2-minute promise), one waiting 10 s */
    delivery(f, "sms", "+14155550100", 100, 3);
    delivery(f, "sms", "+14155550101", 200, -1);
    delivery(f, "sms", "+14155550102", 10, -1);
    json_t *h = NULL;
    assert_int_equal(app_delivery_health(&f->c, &h, &e), 0);
    json_t *em = channel(h, "email"), *sms = channel(h, "sms"), *slack = channel(h, "slack");
    assert_int_equal(num(em, "sent"), 20);
    assert_int_equal(num(em, "p50_s"), 0);
    assert_int_equal(num(em, "p95_s"), 1);
    assert_int_equal(num(em, "max_s"), 400);
    assert_true(num(em, "p50_s") <= num(em, "max_s") && num(em, "p95_s") <= num(em, "max_s"));
    assert_int_equal(num(em, "misses"), 1);
    assert_string_equal(str(em, "p50"), "under 1 s");
    assert_string_equal(str(em, "max"), "6 min 40 s");
    assert_string_equal(str(em, "sla"), "5 min");
    assert_int_equal(num(sms, "sent"), 1);
    assert_int_equal(num(sms, "misses"), 1); /* the one still waiting past 2 minutes */
    assert_string_equal(str(sms, "p95"), "3 s");
    assert_int_equal(num(slack, "sent"), 0);
    assert_string_equal(str(slack, "p50"), "—");
    assert_int_equal(num(h, "pending"), 2);
    /* the SMS backlog: two waiting, none sent in the last minute: stalled, a miss coming;
     * the oldest is 80 s past its promise */
    assert_int_equal(num(sms, "waiting"), 2);
    assert_int_equal(num(sms, "drain_s"), -1);
    assert_string_equal(str(sms, "drain"), "stalled");
    assert_true(num(sms, "sla_left_s") <= -80 && num(sms, "sla_left_s") > -85);
    assert_true(json_is_true(json_object_get(sms, "coming_miss")));
    assert_int_equal(num(em, "waiting"), 0);
    assert_false(json_is_true(json_object_get(em, "coming_miss")));
    json_decref(h);

    struct app_ctx editor = f->c;
    editor.actor.role = ROLE_EDITOR;
    assert_int_equal(app_delivery_health(&editor, &h, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
}

/* Three e-mails sent in the last minute and six waiting: two minutes to send them, well
 * within what the oldest has left; at one a minute, a miss is coming. */
static void the_backlog_is_projected_from_the_last_minute(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char r[32];
    for (int i = 0; i < 3; i++) {
        snprintf(r, sizeof r, "s%d@example.com", i);
        delivery(f, "email", r, 30, 5);
    }
    for (int i = 0; i < 6; i++) {
        snprintf(r, sizeof r, "w%d@example.com", i);
        delivery(f, "email", r, 20, -1);
    }
    json_t *h = NULL;
    assert_int_equal(app_delivery_health(&f->c, &h, &e), 0);
    json_t *em = channel(h, "email");
    assert_int_equal(num(em, "waiting"), 6);
    assert_int_equal(num(em, "sent_last_minute"), 3);
    assert_int_equal(num(em, "drain_s"), 120);
    assert_string_equal(str(em, "drain"), "2 min");
    assert_true(num(em, "sla_left_s") <= 280 && num(em, "sla_left_s") > 275);
    assert_false(json_is_true(json_object_get(em, "coming_miss")));
    json_decref(h);
    /* two of the three sent long ago instead: one a minute, six minutes to go */
    assert_int_equal(db_exec(f->db, &e, NULL,
                             "UPDATE deliveries SET sent_at = sent_at - 3600 WHERE recipient IN "
                             "('s0@example.com', 's1@example.com')",
                             NULL),
                     0);
    assert_int_equal(app_delivery_health(&f->c, &h, &e), 0);
    em = channel(h, "email");
    assert_int_equal(num(em, "drain_s"), 360);
    assert_true(json_is_true(json_object_get(em, "coming_miss")));
    json_decref(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(figures_come_from_the_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(the_backlog_is_projected_from_the_last_minute, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
