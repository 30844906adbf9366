/*
 * Unit tests for app/outbox against a real database (SQLite, and PostgreSQL under
 * scripts/run-unit.sh): a fan-out job expands into one delivery per active e-mail
 * and SMS subscriber of the channels it names (in batches, the cursor moving with
 * them), twice over changes nothing; a claim leases rows to this node for
 * notify.lease_s, messages first, each channel its fair share before the biggest
 * takes the rest, within what the caller's rate allows; leased rows are not claimed
 * again until the lease ends; due retries go before the fresh backlog, the earliest
 * accepted first, and retries not yet due wait; outcomes change only rows still
 * "sending", and an opt-out stops the subscriber. The room goes to the channels the caller
 * lets look, in one claim each, and no message is looked for when it asks for none.
 */
#include "app/outbox.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/outbox.h"
#include "store/pages.h"
#include "testutil.h"

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    int64_t page, update;
    int allowed[OUTBOX_CHANNELS]; /* what allow() lets each channel take; -1: anything */
    int took[OUTBOX_CHANNELS];
    int asks[OUTBOX_CHANNELS]; /* how many claims took() was told of */
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
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    config_init(&f->cfg);
    free(f->cfg.node_id);
    f->cfg.node_id = strdup("node-1");
    f->app.cfg = &f->cfg;
    f->cfg.coalesce_s = 0; /* e-mail due at once, each its own message (test_app_storm.c) */
    f->page = store_page_insert(f->db, "default", "Status", &e);
    run(f->db, "INSERT INTO events (page_id, kind, title, stage, created_at, updated_at) "
               "VALUES (1, 'incident', 'Down', 'investigating', 0, 0)");
    run(f->db, "INSERT INTO event_updates (event_id, stage, message, created_at) "
               "VALUES (1, 'investigating', 'Looking', 0)");
    f->update = one(f->db, "SELECT MAX(id) FROM event_updates");
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        f->allowed[i] = -1;
    *state = f;
    return f->page == 1 ? 0 : -1;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    config_free(&f->cfg);
    free(f);
    return 0;
}

/* N active subscribers of CHANNEL ("email", "sms"), addresses PREFIX1…PREFIXn. */
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

static void job(struct fx *f, unsigned channels)
{
    struct err e = {0};
    if (db_exec(f->db, &e, NULL,
                "INSERT INTO notify_jobs (page_id, update_id, channels, created_at, updated_at) "
                "VALUES (1, ?, ?, 0, 0)",
                "ii", f->update, (int64_t)channels) != 0)
        fail_msg("job: %s", e.msg);
}

/* N subscribers of CHANNEL (bit BIT) addressed PREFIX1…PREFIXn, a job for them, expanded. */
static void queued(struct fx *f, const char *channel, unsigned bit, const char *prefix, int n)
{
    struct err e = {0};
    bool more;
    subscribers(f, channel, prefix, n);
    job(f, bit);
    assert_int_equal(app_outbox_expand(&f->app, f->db, 100000, &more, &e), 0);
}

static int allow(void *arg, int i, int want)
{
    struct fx *f = arg;
    return f->allowed[i] < 0 || f->allowed[i] > want ? want : f->allowed[i];
}

static void took(void *arg, int i, int n)
{
    ((struct fx *)arg)->took[i] += n;
    ((struct fx *)arg)->asks[i]++;
}

static void expansion_makes_one_delivery_per_subscriber_once(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    bool more = true;
    subscribers(f, "email", "a", 1500); /* two batches */
    subscribers(f, "sms", "+1415555", 10);
    run(f->db, "UPDATE subscribers SET state = 'unsubscribed' WHERE address = 'a7'");
    job(f, CH_EMAIL); /* e-mail only: no SMS delivery */
    assert_int_equal(app_outbox_expand(&f->app, f->db, 100000, &more, &e), 0);
    assert_false(more);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE channel = 'email'"), 1499);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE channel = 'sms'"), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM notify_jobs WHERE state = 'done'"), 1);
    /* the job again, from its start: nothing twice */
    run(f->db, "UPDATE notify_jobs SET state = 'pending', cursor = 0, channels_done = 0");
    assert_int_equal(app_outbox_expand(&f->app, f->db, 100000, &more, &e), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries"), 1499);
}

static void a_small_budget_leaves_the_rest_for_later(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    bool more = false;
    subscribers(f, "email", "b", 2500);
    job(f, CH_EMAIL | CH_SMS);
    assert_int_equal(app_outbox_expand(&f->app, f->db, 1000, &more, &e), 0);
    assert_true(more);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries"), 1000);
    assert_int_equal(one(f->db, "SELECT cursor FROM notify_jobs"),
                     one(f->db, "SELECT MAX(subscriber_id) FROM deliveries"));
    while (more)
        assert_int_equal(app_outbox_expand(&f->app, f->db, 1000, &more, &e), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries"), 2500);
}

/* 3,000 e-mail subscribers before 10 SMS ones: the first call, with room for one batch,
 * already queues every SMS (each channel has its own cursor). */
static void sms_are_queued_beside_a_large_email_list(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    bool more = false;
    subscribers(f, "email", "c", 3000);
    subscribers(f, "sms", "+1415666", 10);
    job(f, CH_EMAIL | CH_SMS);
    assert_int_equal(app_outbox_expand(&f->app, f->db, 1000, &more, &e), 0);
    assert_true(more);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE channel = 'sms'"), 10);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE channel = 'email'"), 1000);
    while (more)
        assert_int_equal(app_outbox_expand(&f->app, f->db, 1000, &more, &e), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE channel = 'email'"), 3000);
    assert_int_equal(one(f->db, "SELECT channels_done FROM notify_jobs"), CH_EMAIL | CH_SMS);
}

/* A later update's job gets its round in the same call as a large earlier one's. */
static void a_later_job_is_not_held_behind_an_earlier_one(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    bool more = false;
    subscribers(f, "email", "d", 3000);
    subscribers(f, "sms", "+1415777", 3);
    job(f, CH_EMAIL);
    run(f->db, "INSERT INTO event_updates (event_id, stage, message, created_at) "
               "VALUES (1, 'identified', 'Found it', 0)");
    int64_t second = one(f->db, "SELECT MAX(id) FROM event_updates");
    if (db_exec(f->db, &e, NULL,
                "INSERT INTO notify_jobs (page_id, update_id, channels, created_at, updated_at) "
                "VALUES (1, ?, ?, 0, 0)",
                "ii", second, (int64_t)CH_SMS) != 0)
        fail_msg("job: %s", e.msg);
    assert_int_equal(app_outbox_expand(&f->app, f->db, 1000, &more, &e), 0);
    assert_true(more);
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &e, &n,
                                  "SELECT COUNT(*) FROM deliveries WHERE update_id = ?", "i",
                                  second),
                     1);
    assert_int_equal(n, 3);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM notify_jobs WHERE state = 'done'"), 1);
}

static void claims_share_the_room_and_lease_to_this_node(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    bool more;
    subscribers(f, "email", "c", 200);
    subscribers(f, "sms", "+1650555", 5);
    job(f, CH_EMAIL | CH_SMS);
    assert_int_equal(app_outbox_expand(&f->app, f->db, 100000, &more, &e), 0);
    json_t *msgs, *rows[OUTBOX_CHANNELS];
    /* room 50: SMS gets its 5 although e-mail alone could fill it */
    assert_int_equal(
        app_outbox_claim(&f->app, f->db, NULL, 0, 50, 16, allow, took, f, &msgs, rows, &e), 0);
    assert_int_equal(json_array_size(msgs), 0);
    assert_int_equal(json_array_size(rows[1]), 5);
    assert_int_equal(json_array_size(rows[0]), 45);
    assert_int_equal(f->took[0], 45);
    assert_int_equal(f->took[1], 5);
    json_decref(msgs);
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        json_decref(rows[i]);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'sending' AND "
                                "claimed_by = 'node-1' AND attempts = 1"),
                     50);
    int64_t lease = one(f->db, "SELECT MIN(lease_until) FROM deliveries WHERE state = 'sending'");
    assert_in_range(lease - time_now(), 59, 60); /* notify.lease_s from the claim */
    /* the rate lets e-mail take 10 more; the leased rows are not claimed again */
    f->allowed[0] = 10;
    assert_int_equal(
        app_outbox_claim(&f->app, f->db, NULL, 0, 500, 16, allow, took, f, &msgs, rows, &e), 0);
    assert_int_equal(json_array_size(rows[0]), 10);
    assert_int_equal(json_array_size(rows[1]), 0);
    json_decref(msgs);
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        json_decref(rows[i]);
    /* a lease that ran out is claimed again */
    run(f->db, "UPDATE deliveries SET lease_until = 1 WHERE channel = 'sms'");
    f->allowed[0] = 0;
    assert_int_equal(
        app_outbox_claim(&f->app, f->db, NULL, 0, 500, 16, allow, took, f, &msgs, rows, &e), 0);
    assert_int_equal(json_array_size(rows[1]), 5);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows[1], 0), "attempts")),
                     2);
    json_decref(msgs);
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        json_decref(rows[i]);
}

static void the_room_goes_to_the_channels_the_caller_lets_look(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    bool more;
    subscribers(f, "email", "c", 200);
    subscribers(f, "sms", "+1650555", 5);
    job(f, CH_EMAIL | CH_SMS);
    assert_int_equal(app_outbox_expand(&f->app, f->db, 100000, &more, &e), 0);
    int64_t sub = one(f->db, "SELECT MIN(id) FROM subscribers");
    assert_true(store_message_add(f->db, f->page, STORE_MSG_CONFIRMATION, "email", "m@example.com",
                                  sub, time_now(), &e) > 0);
    /* the caller found SMS dry and asks for no message: e-mail takes the whole room at once */
    for (int i = 1; i < OUTBOX_CHANNELS; i++)
        f->allowed[i] = 0;
    json_t *msgs, *rows[OUTBOX_CHANNELS];
    assert_int_equal(
        app_outbox_claim(&f->app, f->db, NULL, 0, 50, 0, allow, took, f, &msgs, rows, &e), 0);
    assert_int_equal(json_array_size(msgs), 0);
    assert_int_equal(json_array_size(rows[0]), 50);
    assert_int_equal(json_array_size(rows[1]), 0);
    assert_int_equal(f->asks[0], 1);
    assert_int_equal(f->asks[1], 0);
    json_decref(msgs);
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        json_decref(rows[i]);
    /* asked for messages again, and SMS let look: the confirmation, then a share each */
    f->allowed[1] = -1;
    assert_int_equal(
        app_outbox_claim(&f->app, f->db, NULL, 0, 11, 16, allow, took, f, &msgs, rows, &e), 0);
    assert_int_equal(json_array_size(msgs), 1);
    assert_int_equal(json_array_size(rows[1]), 5);
    assert_int_equal(json_array_size(rows[0]), 5);
    json_decref(msgs);
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        json_decref(rows[i]);
}

/* Claims one e-mail delivery and returns its recipient (a static copy). */
static const char *claim_one(struct fx *f)
{
    static char got[64];
    struct err e = {0};
    json_t *msgs, *rows[OUTBOX_CHANNELS];
    f->allowed[0] = 1;
    assert_int_equal(
        app_outbox_claim(&f->app, f->db, NULL, 0, 1, 16, allow, took, f, &msgs, rows, &e), 0);
    assert_int_equal(json_array_size(rows[0]), 1);
    snprintf(got, sizeof got, "%s",
             json_string_value(json_object_get(json_array_get(rows[0], 0), "recipient")));
    json_decref(msgs);
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        json_decref(rows[i]);
    return got;
}

static void due_retries_go_first_the_earliest_accepted_first(void **state)
{
    struct fx *f = *state;
    queued(f, "email", CH_EMAIL, "c", 300);
    /* a backlog of 300 fresh e-mails; three were tried and wait for another attempt:
     * c1 accepted at 1,000 and due since 2,000, c2 accepted earlier (500) and due later
     * (3,000), c3 accepted earliest (100) but not due for an hour */
    int64_t now = time_now();
    run(f->db, "UPDATE deliveries SET accepted_at = 5000, next_attempt_at = 4000");
    char sql[512];
    snprintf(sql, sizeof sql,
             "UPDATE deliveries SET attempts = 1, accepted_at = CASE recipient WHEN 'c1' THEN "
             "1000 WHEN 'c2' THEN 500 ELSE 100 END, next_attempt_at = CASE recipient WHEN "
             "'c1' THEN 2000 WHEN 'c2' THEN 3000 ELSE %lld END WHERE recipient IN "
             "('c1', 'c2', 'c3')",
             (long long)(now + 3600));
    run(f->db, sql);
    assert_string_equal(claim_one(f), "c2"); /* due, and accepted first of the due */
    assert_string_equal(claim_one(f), "c1");
    const char *next = claim_one(f); /* then the fresh backlog; c3 is not due */
    assert_string_not_equal(next, "c3");
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE recipient = 'c3' AND "
                                "state = 'pending'"),
                     1);
    /* a fresh row accepted before a due retry goes first: it is closer to its SLA */
    run(f->db,
        "UPDATE deliveries SET accepted_at = 50, next_attempt_at = 1 WHERE recipient = 'c300'");
    run(f->db, "UPDATE deliveries SET next_attempt_at = 10 WHERE recipient = 'c3'");
    assert_string_equal(claim_one(f), "c300");
    assert_string_equal(claim_one(f), "c3");
}

static void outcomes_change_sending_rows_and_stop_opted_out_subscribers(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    queued(f, "sms", CH_SMS, "+1212555", 3);
    json_t *msgs, *rows[OUTBOX_CHANNELS];
    assert_int_equal(
        app_outbox_claim(&f->app, f->db, NULL, 0, 2, 16, allow, took, f, &msgs, rows, &e), 0);
    assert_int_equal(json_array_size(rows[1]), 2);
    int64_t a = json_integer_value(json_object_get(json_array_get(rows[1], 0), "id"));
    int64_t b = json_integer_value(json_object_get(json_array_get(rows[1], 1), "id"));
    int64_t sb = json_integer_value(json_object_get(json_array_get(rows[1], 1), "subscriber_id"));
    int64_t pending = one(f->db, "SELECT id FROM deliveries WHERE state = 'pending'");
    int64_t now = time_now();
    struct outbox_outcome o[] = {
        {.id = a, .page_id = 1, .state = "sent", .next_at = now, .sent_at = now},
        {.id = b,
         .page_id = 1,
         .subscriber_id = sb,
         .state = "failed",
         .next_at = now,
         .error = "the recipient replied STOP",
         .stop_subscriber = true},
        {.id = pending, .page_id = 1, .state = "sent", .next_at = now, .sent_at = now},
    };
    assert_int_equal(app_outbox_record(f->db, o, 3, &e), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'sent'"), 1);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'failed' AND "
                                "last_error = 'the recipient replied STOP'"),
                     1);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'pending'"), 1);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers WHERE state = 'stopped'"), 1);
    json_decref(msgs);
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        json_decref(rows[i]);
}

/* Sent outcomes are recorded STORE_SENT_BATCH at a time: 70 of them, over two seconds. */
static void many_sent_outcomes_are_all_recorded(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    queued(f, "email", CH_EMAIL, "d", 70);
    json_t *msgs, *rows[OUTBOX_CHANNELS];
    assert_int_equal(
        app_outbox_claim(&f->app, f->db, NULL, 0, 100, 16, allow, took, f, &msgs, rows, &e), 0);
    assert_int_equal(json_array_size(rows[0]), 70);
    struct outbox_outcome o[70];
    int64_t now = time_now();
    for (int i = 0; i < 70; i++) {
        int64_t at = now + (i >= 50); /* the last 20 a second later */
        o[i] = (struct outbox_outcome){
            .id = json_integer_value(json_object_get(json_array_get(rows[0], i), "id")),
            .page_id = 1,
            .state = "sent",
            .next_at = at,
            .sent_at = at};
    }
    assert_int_equal(app_outbox_record(f->db, o, 70, &e), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'sent' AND "
                                "lease_until IS NULL AND last_error IS NULL"),
                     70);
    int64_t later = 0;
    assert_int_equal(db_query_int(f->db, &e, &later,
                                  "SELECT COUNT(*) FROM deliveries WHERE sent_at = ?", "i",
                                  now + 1),
                     1);
    assert_int_equal(later, 20);
    json_decref(msgs);
    for (int i = 0; i < OUTBOX_CHANNELS; i++)
        json_decref(rows[i]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(expansion_makes_one_delivery_per_subscriber_once),
        T(a_small_budget_leaves_the_rest_for_later),
        T(sms_are_queued_beside_a_large_email_list),
        T(a_later_job_is_not_held_behind_an_earlier_one),
        T(claims_share_the_room_and_lease_to_this_node),
        T(the_room_goes_to_the_channels_the_caller_lets_look),
        T(due_retries_go_first_the_earliest_accepted_first),
        T(outcomes_change_sending_rows_and_stop_opted_out_subscribers),
        T(many_sent_outcomes_are_all_recorded),
    };
    return cmocka_run_group_tests_name("app/outbox", tests, NULL, NULL);
}
