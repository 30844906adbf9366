/*
 * Unit tests for app/storm through the claims of app/outbox, against a real database
 * (SQLite, and PostgreSQL under PHAROS_TEST_BACKEND=postgresql): with notify.coalesce_s,
 * e-mail update deliveries fall due that long after acceptance (texts at once); the claim
 * that takes a subscriber's first takes their others — waiting or due in the same claim —
 * into one message listing the updates in order of acceptance, the others recorded
 * coalesced into it; a lease run out gives back the same message and takes no new update;
 * a message lists at most STORM_DIGEST_MAX updates; a message recorded sent dates the rows it
 * carried, and the rows of a message deleted unsent are claimed again after an expansion. With
 * notify.sms_daily_cap, a page's update texts past the cap for the UTC day are skipped with the
 * reason, counting those sent today and those another node is sending, not yesterday's; a cap of 0
 * skips nothing.
 */
#include "app/outbox.h"
#include "app/storm.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/pages.h"
#include "testutil.h"

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    int64_t now;
};

static int64_t one(struct db *db, const char *sql)
{
    struct err e = {0};
    int64_t v = -1;
    if (db_query_int(db, &e, &v, sql, NULL) != 1) fail_msg("%s: %s", sql, e.msg);
    return v;
}

static void run(struct db *db, const char *sql)
{
    struct err e = {0};
    if (db_exec(db, &e, NULL, sql, NULL) != 0) fail_msg("%s: %s", sql, e.msg);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    log_set_level(LOG_WARN);
    if (!(f->db = test_db_open(f->dir))) return -1;
    config_init(&f->cfg);
    free(f->cfg.node_id);
    f->cfg.node_id = strdup("node-1");
    f->app.cfg = &f->cfg;
    f->now = time_now();
    if (store_page_insert(f->db, "default", "Status", &e) != 1) return -1;
    run(f->db, "INSERT INTO events (page_id, kind, title, stage, created_at, updated_at) "
               "VALUES (1, 'incident', 'Down', 'investigating', 0, 0)");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    config_free(&f->cfg);
    free(f);
    return 0;
}

/* An update accepted AGO seconds before the test began. */
static int64_t update(struct fx *f, int64_t ago)
{
    struct err e = {0};
    if (db_exec(f->db, &e, NULL,
                "INSERT INTO event_updates (event_id, stage, message, created_at) "
                "VALUES (1, 'investigating', 'Looking', ?)",
                "i", f->now - ago) != 0)
        fail_msg("update: %s", e.msg);
    return one(f->db, "SELECT MAX(id) FROM event_updates");
}

/* N active subscribers of all services on CHANNEL, addresses PREFIX1…PREFIXn. */
static void subscribers(struct fx *f, const char *channel, const char *prefix, int n)
{
    struct err e = {0};
    for (int i = 1; i <= n; i++) {
        char addr[64];
        snprintf(addr, sizeof addr, "%s%d", prefix, i);
        if (db_exec(f->db, &e, NULL,
                    "INSERT INTO subscribers (page_id, channel, address, state, all_services, "
                    "created_at, updated_at) VALUES (1, ?, ?, 'active', 1, 0, 0)",
                    "ss", channel, addr) != 0)
            fail_msg("subscriber: %s", e.msg);
    }
}

/* A fan-out of UPDATE_ID on the channels BITS, expanded. */
static void fan_out(struct fx *f, int64_t update_id, unsigned bits)
{
    struct err e = {0};
    bool more = true;
    if (db_exec(f->db, &e, NULL,
                "INSERT INTO notify_jobs (page_id, update_id, channels, created_at, updated_at) "
                "VALUES (1, ?, ?, 0, 0)",
                "ii", update_id, (int64_t)bits) != 0)
        fail_msg("job: %s", e.msg);
    while (more)
        assert_int_equal(app_outbox_expand(&f->app, f->db, 100000, &more, &e), 0);
}

static int allow(void *arg, int i, int want)
{
    (void)arg, (void)i;
    return want;
}

static void took(void *arg, int i, int n)
{
    (void)arg, (void)i, (void)n;
}

/* Claims with room ROOM; ROWS[i] as app_outbox_claim gives them. */
static void claim(struct fx *f, long room, json_t *rows[OUTBOX_CHANNELS])
{
    struct err e = {0};
    json_t *msgs = NULL;
    if (app_outbox_claim(&f->app, f->db, NULL, 0, room, 0, allow, took, f, &msgs, rows, &e) != 0)
        fail_msg("claim: %s", e.msg);
    json_decref(msgs);
}

static void release(json_t *rows[OUTBOX_CHANNELS])
{
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        json_decref(rows[i]);
}

/* The update ids row R's message lists ("updates", else its own). */
static void assert_lists(json_t *r, const int64_t *ids, size_t n)
{
    json_t *u = json_object_get(r, "updates");
    if (n == 1) {
        assert_null(u);
        assert_int_equal(json_integer_value(json_object_get(r, "update_id")), ids[0]);
        return;
    }
    assert_int_equal(json_array_size(u), n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(json_integer_value(json_array_get(u, i)), ids[i]);
}

static void email_falls_due_coalesce_s_after_acceptance(void **state)
{
    (void)state;
    assert_int_equal(app_storm_email_due(30, 1000, 1000), 1030);
    assert_int_equal(app_storm_email_due(30, 1000, 1010), 1030);
    assert_int_equal(app_storm_email_due(30, 1000, 1040), 1040); /* expanded late: now */
    assert_int_equal(app_storm_email_due(0, 1000, 1010), 1010);
}

static void a_subscribers_waiting_updates_go_in_one_message(void **state)
{
    struct fx *f = *state;
    f->cfg.coalesce_s = 30;
    subscribers(f, "email", "a", 3);
    subscribers(f, "sms", "+1555000", 2);
    int64_t u[3] = {update(f, 100), update(f, 5), update(f, 2)};
    for (int i = 0; i < 3; i++)
        fan_out(f, u[i], CH_EMAIL | CH_SMS);
    struct err e = {0};
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &e, &n,
                                  "SELECT COUNT(*) FROM deliveries WHERE channel = 'email' AND "
                                  "update_id = ? AND next_attempt_at = accepted_at + 30",
                                  "i", u[1]),
                     1);
    assert_int_equal(n, 3); /* e-mail waits coalesce_s */
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE channel = 'sms' AND "
                                "next_attempt_at = created_at"),
                     6); /* texts do not */
    json_t *rows[OUTBOX_CHANNELS];
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[0]), 3); /* one message per subscriber */
    assert_int_equal(json_array_size(rows[1]), 6); /* texts are never held */
    size_t i;
    json_t *r;
    json_array_foreach(rows[0], i, r) assert_lists(r, u, 3);
    release(rows);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'coalesced' AND "
                                "coalesced_into IN (SELECT id FROM deliveries WHERE "
                                "state = 'sending' AND channel = 'email')"),
                     6);
    /* nothing of theirs is left to claim */
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[0]), 0);
    release(rows);

    /* a lease that ran out gives back the same message; a later update is its own */
    run(f->db, "UPDATE deliveries SET lease_until = 1 WHERE channel = 'email' AND "
               "state = 'sending' AND recipient = 'a1'");
    int64_t later = update(f, 60); /* accepted long enough ago to be due at once */
    fan_out(f, later, CH_EMAIL);
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[0]), 4); /* a1's again, and each one's later update */
    int again = 0;
    json_array_foreach(rows[0], i, r)
    {
        if (json_integer_value(json_object_get(r, "attempts")) == 2) {
            assert_string_equal(json_string_value(json_object_get(r, "recipient")), "a1");
            assert_lists(r, u, 3);
            again++;
        } else {
            assert_lists(r, &later, 1);
        }
    }
    assert_int_equal(again, 1);
    release(rows);
}

static void rows_of_one_subscriber_in_one_claim_make_one_message(void **state)
{
    struct fx *f = *state;
    f->cfg.coalesce_s = 10;
    subscribers(f, "email", "b", 2);
    int64_t u[3] = {update(f, 300), update(f, 200), update(f, 100)}; /* all due */
    for (int i = 2; i >= 0; i--) /* expanded latest first: listed by acceptance all the same */
        fan_out(f, u[i], CH_EMAIL);
    json_t *rows[OUTBOX_CHANNELS];
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[0]), 2);
    size_t i;
    json_t *r;
    json_array_foreach(rows[0], i, r) assert_lists(r, u, 3);
    release(rows);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'coalesced'"), 4);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'sending'"), 2);
}

static void a_message_lists_at_most_the_digest_max(void **state)
{
    struct fx *f = *state;
    f->cfg.coalesce_s = 10;
    subscribers(f, "email", "c", 1);
    int64_t first = 0;
    for (int i = 0; i < STORM_DIGEST_MAX + 10; i++) {
        int64_t u = update(f, 1000 - i);
        if (!first) first = u;
        fan_out(f, u, CH_EMAIL);
    }
    json_t *rows[OUTBOX_CHANNELS];
    claim(f, 1, rows);
    assert_int_equal(json_array_size(rows[0]), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(rows[0], 0), "updates")),
                     STORM_DIGEST_MAX);
    assert_int_equal(json_integer_value(
                         json_array_get(json_object_get(json_array_get(rows[0], 0), "updates"), 0)),
                     first);
    release(rows);
    claim(f, 1, rows);
    assert_int_equal(json_array_size(json_object_get(json_array_get(rows[0], 0), "updates")), 10);
    release(rows);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'pending'"), 0);
}

static void a_sent_message_dates_its_rows_and_a_deleted_one_frees_them(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    bool more;
    f->cfg.coalesce_s = 10;
    subscribers(f, "email", "e", 2);
    int64_t u[3] = {update(f, 300), update(f, 200), update(f, 100)};
    for (int i = 0; i < 3; i++)
        fan_out(f, u[i], CH_EMAIL);
    json_t *rows[OUTBOX_CHANNELS];
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[0]), 2);
    struct outbox_outcome sent = {
        .id = json_integer_value(json_object_get(json_array_get(rows[0], 0), "id")),
        .page_id = 1,
        .subscriber_id =
            json_integer_value(json_object_get(json_array_get(rows[0], 0), "subscriber_id")),
        .state = "sent",
        .next_at = f->now,
        .sent_at = f->now};
    int64_t unsent = json_integer_value(json_object_get(json_array_get(rows[0], 1), "id"));
    release(rows);
    assert_int_equal(app_outbox_record(f->db, &sent, 1, &e), 0);
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &e, &n,
                                  "SELECT COUNT(*) FROM deliveries WHERE coalesced_into = ? AND "
                                  "sent_at = ?",
                                  "ii", sent.id, f->now),
                     1);
    assert_int_equal(n, 2);
    /* the other message's row goes (its update deleted) before it is sent: the two updates it
     * carried wait again, and the next claim sends them as one message */
    assert_int_equal(db_exec(f->db, &e, NULL,
                             "DELETE FROM event_updates WHERE id = (SELECT update_id FROM "
                             "deliveries WHERE id = ?)",
                             "i", unsent),
                     0);
    assert_int_equal(app_outbox_expand(&f->app, f->db, 1000, &more, &e), 0);
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[0]), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(rows[0], 0), "updates")), 2);
    release(rows);
}

static void texts_past_the_daily_cap_are_skipped_with_the_reason(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    f->cfg.sms_daily_cap = 3;
    subscribers(f, "sms", "+1555100", 5);
    int64_t u1 = update(f, 10);
    fan_out(f, u1, CH_SMS);
    json_t *rows[OUTBOX_CHANNELS];
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[1]), 3);
    struct outbox_outcome sent[3];
    for (int i = 0; i < 3; i++) {
        json_t *r = json_array_get(rows[1], (size_t)i);
        sent[i] = (struct outbox_outcome){.id = json_integer_value(json_object_get(r, "id")),
                                          .page_id = 1,
                                          .state = "sent",
                                          .next_at = f->now,
                                          .sent_at = f->now};
    }
    release(rows);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'skipped' AND "
                                "last_error = 'not sent: daily SMS cap of 3 reached' AND "
                                "lease_until IS NULL"),
                     2);
    assert_int_equal(app_outbox_record(f->db, sent, 3, &e), 0);
    /* the day's three are spent: the next update's texts are all skipped */
    fan_out(f, update(f, 5), CH_SMS);
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[1]), 0);
    release(rows);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'skipped'"), 7);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'sent'"), 3);
    /* skipped is final: never claimed again */
    run(f->db, "UPDATE deliveries SET next_attempt_at = 0");
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[1]), 0);
    release(rows);
}

static void the_cap_counts_other_nodes_sends_not_yesterdays(void **state)
{
    struct fx *f = *state;
    f->cfg.sms_daily_cap = 2;
    subscribers(f, "sms", "+1555200", 4);
    int64_t old = update(f, 3 * 86400), u = update(f, 10);
    fan_out(f, old, CH_SMS);
    struct err e = {0};
    int64_t day = f->now - f->now % 86400;
    /* yesterday's four: not counted (statements with parameters: the SQLite statement
     * cache knows a statement by the address of its text) */
    if (db_exec(f->db, &e, NULL,
                "UPDATE deliveries SET state = 'sent', sent_at = ? WHERE update_id = ?", "ii",
                day - 60, old) != 0)
        fail_msg("%s", e.msg);
    fan_out(f, u, CH_SMS);
    int changed = 0;
    if (db_exec(f->db, &e, &changed,
                "UPDATE deliveries SET state = 'sending', claimed_by = 'node-2', lease_until = ?, "
                "attempts = 1 WHERE update_id = ? AND recipient = '+15552001'",
                "ii", f->now + 60, u) != 0) /* another node is sending one */
        fail_msg("%s", e.msg);
    assert_int_equal(changed, 1);
    json_t *rows[OUTBOX_CHANNELS];
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[1]), 1); /* 2 less node-2's */
    release(rows);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'skipped'"), 2);
}

static void no_cap_no_coalescing_changes_nothing(void **state)
{
    struct fx *f = *state;
    f->cfg.coalesce_s = 0;
    f->cfg.sms_daily_cap = 0;
    subscribers(f, "sms", "+1555300", 4);
    subscribers(f, "email", "d", 2);
    int64_t u[2] = {update(f, 10), update(f, 5)};
    fan_out(f, u[0], CH_SMS | CH_EMAIL);
    fan_out(f, u[1], CH_SMS | CH_EMAIL);
    json_t *rows[OUTBOX_CHANNELS];
    claim(f, 50, rows);
    assert_int_equal(json_array_size(rows[0]), 4);
    assert_int_equal(json_array_size(rows[1]), 8);
    size_t i;
    json_t *r;
    json_array_foreach(rows[0], i, r) assert_null(json_object_get(r, "updates"));
    release(rows);
    assert_int_equal(
        one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state IN ('skipped', 'coalesced')"), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(email_falls_due_coalesce_s_after_acceptance),
        T(a_subscribers_waiting_updates_go_in_one_message),
        T(rows_of_one_subscriber_in_one_claim_make_one_message),
        T(a_message_lists_at_most_the_digest_max),
        T(a_sent_message_dates_its_rows_and_a_deleted_one_frees_them),
        T(texts_past_the_daily_cap_are_skipped_with_the_reason),
        T(the_cap_counts_other_nodes_sends_not_yesterdays),
        T(no_cap_no_coalescing_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
