/*
 * Unit tests for store/storm against a real database (SQLite, and PostgreSQL under
 * PHAROS_TEST_BACKEND=postgresql): gathering coalesces a subscriber's other e-mail update
 * deliveries never tried — not their retries, not their texts, not another subscriber's —
 * the earliest accepted first up to the limit, and (PostgreSQL, a second connection holding
 * one) skips rows another transaction holds; a claimed row is coalesced only while
 * "sending"; a message's coalesced rows come back in order of acceptance; the day's SMS
 * count holds the page's update texts sent since the start given and those being sent, no
 * e-mail, no other page, no confirmation; a skip changes only a row being sent; the
 * storm figures count the coalesced and skipped rows created since a time; a sent message
 * gives its coalesced rows its sent_at; and rows whose message was deleted unsent wait again.
 */
#include "core/log.h"
#include "store/pages.h"
#include "store/storm.h"
#include "testutil.h"

enum { NOW = 1800000000 };

struct fx {
    char dir[64];
    struct db *db;
    int64_t upd[4]; /* updates accepted at NOW-40, NOW-30, NOW-20, NOW-10 */
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
    if (store_page_insert(f->db, "default", "Status", &e) != 1 ||
        store_page_insert(f->db, "other", "Other", &e) != 2)
        return -1;
    run(f->db, "INSERT INTO events (page_id, kind, title, stage, created_at, updated_at) "
               "VALUES (1, 'incident', 'Down', 'investigating', 0, 0)");
    for (int i = 0; i < 4; i++) {
        if (db_exec(f->db, &e, NULL,
                    "INSERT INTO event_updates (event_id, stage, message, created_at) "
                    "VALUES (1, 'investigating', 'Looking', ?)",
                    "i", (int64_t)(NOW - 40 + 10 * i)) != 0)
            fail_msg("update: %s", e.msg);
        f->upd[i] = one(f->db, "SELECT MAX(id) FROM event_updates");
    }
    run(f->db, "INSERT INTO subscribers (page_id, channel, address, state, all_services, "
               "created_at, updated_at) VALUES (1, 'email', 'a@x.test', 'active', 1, 0, 0), "
               "(1, 'email', 'b@x.test', 'active', 1, 0, 0), "
               "(1, 'sms', '+15550001', 'active', 1, 0, 0)");
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

/* A delivery of update U on CHANNEL to subscriber SUB (RECIPIENT) in STATE, tried ATTEMPTS
 * times, accepted when U was. Returns its id. */
static int64_t delivery(struct fx *f, int u, const char *channel, int64_t sub,
                        const char *recipient, const char *state, int attempts)
{
    struct err e = {0};
    int64_t id = db_insert(
        f->db, &e,
        "INSERT INTO deliveries (page_id, update_id, channel, recipient, subscriber_id, state, "
        "attempts, next_attempt_at, accepted_at, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "issisiiii", f->upd[u], channel, recipient, sub, state, (int64_t)attempts, (int64_t)NOW,
        (int64_t)(NOW - 40 + 10 * u), (int64_t)NOW);
    if (id <= 0) fail_msg("delivery: %s", e.msg);
    return id;
}

static int64_t state_of(struct fx *f, int64_t id, char *buf)
{
    struct err e = {0};
    json_t *r = db_query_one(f->db, &e, "SELECT state, coalesced_into FROM deliveries WHERE id = ?",
                             "i", id);
    assert_non_null(r);
    strcpy(buf, json_string_value(json_object_get(r, "state")));
    int64_t into = json_integer_value(json_object_get(r, "coalesced_into"));
    json_decref(r);
    return into;
}

static void gathering_takes_the_subscribers_other_fresh_email(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char st[32];
    int64_t lead = delivery(f, 0, "email", 1, "a@x.test", "sending", 1);
    int64_t a1 = delivery(f, 1, "email", 1, "a@x.test", "pending", 0);
    int64_t a2 = delivery(f, 2, "email", 1, "a@x.test", "pending", 1); /* a retry */
    int64_t a3 = delivery(f, 3, "email", 1, "a@x.test", "pending", 0);
    int64_t b1 = delivery(f, 1, "email", 2, "b@x.test", "pending", 0);
    int64_t s1 = delivery(f, 1, "sms", 3, "+15550001", "pending", 0);
    json_t *got = store_deliveries_gather(f->db, lead, 1, 50, NOW, &e);
    assert_non_null(got);
    assert_int_equal(json_array_size(got), 2);
    json_decref(got);
    assert_int_equal(state_of(f, a1, st), lead);
    assert_string_equal(st, "coalesced");
    assert_int_equal(state_of(f, a3, st), lead);
    assert_string_equal(st, "coalesced");
    assert_int_equal(state_of(f, a2, st), 0);
    assert_string_equal(st, "pending");
    assert_int_equal(state_of(f, b1, st), 0);
    assert_string_equal(st, "pending");
    assert_int_equal(state_of(f, s1, st), 0);
    assert_string_equal(st, "pending");
    assert_int_equal(state_of(f, lead, st), 0);
    assert_string_equal(st, "sending");
    /* in order of acceptance */
    json_t *m = store_delivery_members(f->db, lead, &e);
    assert_non_null(m);
    assert_int_equal(json_array_size(m), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(m, 0), "update_id")),
                     f->upd[1]);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(m, 1), "update_id")),
                     f->upd[3]);
    json_decref(m);
    /* nothing is left to gather */
    got = store_deliveries_gather(f->db, lead, 1, 50, NOW, &e);
    assert_int_equal(json_array_size(got), 0);
    json_decref(got);
}

static void gathering_stops_at_the_limit_earliest_first(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char st[32];
    int64_t lead = delivery(f, 3, "email", 1, "a@x.test", "sending", 1);
    int64_t a0 = delivery(f, 0, "email", 1, "a@x.test", "pending", 0);
    int64_t a1 = delivery(f, 1, "email", 1, "a@x.test", "pending", 0);
    json_t *got = store_deliveries_gather(f->db, lead, 1, 1, NOW, &e);
    assert_int_equal(json_array_size(got), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(got, 0), "id")), a0);
    json_decref(got);
    assert_int_equal(state_of(f, a1, st), 0);
    assert_string_equal(st, "pending");
}

static void a_claimed_row_is_coalesced_only_while_sending(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char st[32];
    int64_t lead = delivery(f, 0, "email", 1, "a@x.test", "sending", 1);
    int64_t a1 = delivery(f, 1, "email", 1, "a@x.test", "sending", 1);
    int64_t a2 = delivery(f, 2, "email", 1, "a@x.test", "sent", 1);
    assert_int_equal(store_delivery_coalesce(f->db, a1, lead, NOW, &e), 0);
    assert_int_equal(store_delivery_coalesce(f->db, a2, lead, NOW, &e), 0);
    assert_int_equal(state_of(f, a1, st), lead);
    assert_string_equal(st, "coalesced");
    assert_int_equal(state_of(f, a2, st), 0);
    assert_string_equal(st, "sent");
}

/* PostgreSQL: a row another node's transaction holds is left to it. */
static void gathering_skips_rows_another_transaction_holds(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char st[32], url[128];
    if (!test_on_pg()) skip();
    int64_t lead = delivery(f, 0, "email", 1, "a@x.test", "sending", 1);
    int64_t a1 = delivery(f, 1, "email", 1, "a@x.test", "pending", 0);
    int64_t a2 = delivery(f, 2, "email", 1, "a@x.test", "pending", 0);
    struct db *other = NULL;
    assert_int_equal(db_open(test_db_url(f->dir, url, sizeof url), &other, &e), 0);
    assert_int_equal(db_begin(other, &e), 0);
    int64_t id = 0;
    assert_int_equal(
        db_query_int(other, &e, &id, "SELECT id FROM deliveries WHERE id = ? FOR UPDATE", "i", a1),
        1);
    json_t *got = store_deliveries_gather(f->db, lead, 1, 50, NOW, &e);
    assert_non_null(got);
    assert_int_equal(json_array_size(got), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(got, 0), "id")), a2);
    json_decref(got);
    db_rollback(other);
    db_close(other);
    assert_int_equal(state_of(f, a1, st), 0);
    assert_string_equal(st, "pending");
}

static void the_day_count_holds_texts_sent_today_and_being_sent(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t n = -1, day = NOW - NOW % 86400;
    int64_t sent = delivery(f, 0, "sms", 3, "+15550001", "sent", 1);
    int64_t old = delivery(f, 1, "sms", 3, "+15550002", "sent", 1);
    delivery(f, 2, "sms", 3, "+15550003", "sending", 1);
    delivery(f, 3, "sms", 3, "+15550004", "pending", 0);
    delivery(f, 0, "email", 1, "a@x.test", "sent", 1);
    delivery(f, 1, "sms", 3, "+15550005", "failed", 1);
    run(f->db, "INSERT INTO deliveries (page_id, kind, subscriber_id, channel, recipient, state, "
               "next_attempt_at, accepted_at, created_at, sent_at) VALUES (1, 'confirmation', 3, "
               "'sms', '+15550001', 'sent', 0, 0, 0, 1800000000)");
    /* with parameters: the SQLite statement cache knows a statement by its text's address */
    if (db_exec(f->db, &e, NULL, "UPDATE deliveries SET sent_at = ? WHERE id = ?", "ii",
                (int64_t)NOW, sent) != 0 ||
        db_exec(f->db, &e, NULL, "UPDATE deliveries SET sent_at = ? WHERE id = ?", "ii", day - 1,
                old) != 0)
        fail_msg("%s", e.msg);
    assert_int_equal(store_sms_day_count(f->db, 1, day, &n, &e), 0);
    assert_int_equal(n, 2); /* the one sent today, the one being sent */
    assert_int_equal(store_sms_day_count(f->db, 2, day, &n, &e), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_page_lock(f->db, 1, &e), 0);
}

static void a_skip_is_final_and_counted(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char st[32];
    int64_t a = delivery(f, 0, "sms", 3, "+15550001", "sending", 1);
    int64_t b = delivery(f, 1, "sms", 3, "+15550001", "sent", 1);
    delivery(f, 1, "email", 1, "a@x.test", "coalesced", 0); /* counted below */
    assert_int_equal(store_delivery_skip(f->db, a, "not sent: daily SMS cap of 3 reached", NOW, &e),
                     0);
    assert_int_equal(store_delivery_skip(f->db, b, "nope", NOW, &e), 0);
    state_of(f, a, st);
    assert_string_equal(st, "skipped");
    state_of(f, b, st);
    assert_string_equal(st, "sent");
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &e, &n,
                                  "SELECT COUNT(*) FROM deliveries WHERE id = ? AND last_error = "
                                  "'not sent: daily SMS cap of 3 reached' AND lease_until IS NULL",
                                  "i", a),
                     1);
    assert_int_equal(n, 1);
    int64_t coalesced = -1, skipped = -1;
    assert_int_equal(store_deliveries_storm(f->db, 1, NOW, &coalesced, &skipped, &e), 0);
    assert_int_equal(coalesced, 1);
    assert_int_equal(skipped, 1);
    assert_int_equal(store_deliveries_storm(f->db, 1, NOW + 1, &coalesced, &skipped, &e), 0);
    assert_int_equal(coalesced + skipped, 0);
    assert_int_equal(store_deliveries_storm(f->db, 2, 0, &coalesced, &skipped, &e), 0);
    assert_int_equal(coalesced + skipped, 0);
}

static void a_sent_message_dates_its_rows_and_orphans_wait_again(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char st[32];
    int64_t lead = delivery(f, 0, "email", 1, "a@x.test", "sent", 1);
    int64_t a1 = delivery(f, 1, "email", 1, "a@x.test", "pending", 0);
    int64_t other = delivery(f, 2, "email", 2, "b@x.test", "sending", 1);
    int64_t b3 = delivery(f, 3, "email", 2, "b@x.test", "pending", 0);
    json_t *got = store_deliveries_gather(f->db, lead, 1, 50, NOW, &e);
    json_decref(got);
    got = store_deliveries_gather(f->db, other, 2, 50, NOW, &e);
    json_decref(got);
    assert_int_equal(store_deliveries_members_sent(f->db, &lead, 1, NOW + 5, &e), 0);
    int64_t n = -1;
    assert_int_equal(
        db_query_int(f->db, &e, &n, "SELECT sent_at FROM deliveries WHERE id = ?", "i", a1), 1);
    assert_int_equal(n, NOW + 5);
    assert_int_equal(
        db_query_int(f->db, &e, &n,
                     "SELECT COUNT(*) FROM deliveries WHERE id = ? AND sent_at IS NULL", "i", b3),
        1);
    assert_int_equal(n, 1);
    /* both messages' rows go with their updates: the sent one's row stays as it is, the
     * unsent one's waits again */
    assert_int_equal(db_exec(f->db, &e, NULL, "DELETE FROM event_updates WHERE id IN (?, ?)", "ii",
                             f->upd[0], f->upd[2]),
                     0);
    assert_int_equal(store_deliveries_revive_orphans(f->db, NOW + 9, &e), 0);
    assert_int_equal(state_of(f, a1, st), 0);
    assert_string_equal(st, "coalesced");
    assert_int_equal(state_of(f, b3, st), 0);
    assert_string_equal(st, "pending");
    assert_int_equal(db_query_int(f->db, &e, &n,
                                  "SELECT COUNT(*) FROM deliveries WHERE id = ? AND attempts = 0 "
                                  "AND next_attempt_at = ?",
                                  "ii", b3, (int64_t)NOW + 9),
                     1);
    assert_int_equal(n, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(gathering_takes_the_subscribers_other_fresh_email),
        T(gathering_stops_at_the_limit_earliest_first),
        T(a_claimed_row_is_coalesced_only_while_sending),
        T(gathering_skips_rows_another_transaction_holds),
        T(the_day_count_holds_texts_sent_today_and_being_sent),
        T(a_skip_is_final_and_counted),
        T(a_sent_message_dates_its_rows_and_orphans_wait_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
