/*
 * Unit tests for app/subscribe_hooks and the URL subscribers' part of app/outbox against a
 * real database (SQLite, and PostgreSQL under scripts/run-unit.sh): bad input (no or an
 * unknown channel, e-mail as a URL channel, no URL, a bad or private URL) is a 400 that
 * stores nothing; a sign-up is pending with its test message queued to the URL, a
 * webhook's secret is returned once and stored sealed (app_hook_secret opens it); a second
 * sign-up of an active URL is a 409; the test message's 2xx makes it active, a refusal
 * leaves it pending; an update's fan-out reaches the active URL subscribers and the job
 * finishes; ten updates refused in a row quarantine it (no more fan-out), a sent one in
 * between clears the count; reactivation needs PERM_SUBSCRIBERS, makes it pending with a
 * new test message, and works by management token for the subscriber, whose test
 * messages count against the URL's 3 a day. The URL is kept sealed (its address: scheme,
 * host and a MAC), opened by app_hook_url; a subscriber from before migration 0026 is
 * sealed by app_hooks_seal, its deliveries renamed with it.
 */
#include "app/outbox.h"
#include "app/subscribe_hooks.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/hooks.h"
#include "store/pages.h"
#include "testutil.h"

struct fx {
    char dir[64];
    struct db *db;
    struct config cfg;
    struct app app;
    struct app_ctx admin, viewer, public;
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
    for (int i = 0; i < SECRET_KEY_BYTES; i++)
        f->app.key[i] = (unsigned char)(i * 5 + 3);
    if (store_page_insert(f->db, "default", "Status", &e) != 1) return -1;
    f->admin = (struct app_ctx){.app = &f->app,
                                .db = f->db,
                                .page_id = 1,
                                .actor = {.kind = ACTOR_TOKEN, .id = 1, .role = ROLE_ADMIN}};
    f->viewer = f->admin;
    f->viewer.actor.role = ROLE_VIEWER;
    f->public = (struct app_ctx){
        .app = &f->app, .db = f->db, .page_id = 1, .actor = {.kind = ACTOR_PUBLIC}};
    run(f->db, "INSERT INTO services (page_id, name, status, created_at, updated_at) "
               "VALUES (1, 'API', 'operational', 0, 0)");
    run(f->db, "INSERT INTO events (page_id, kind, title, stage, created_at, updated_at) "
               "VALUES (1, 'incident', 'API down', 'investigating', 0, 0)");
    run(f->db, "INSERT INTO event_services (event_id, service_id, status) "
               "VALUES (1, 1, 'major_outage')");
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

static int allow(void *arg, int i, int want)
{
    (void)arg, (void)i;
    return want;
}

static void took(void *arg, int i, int n)
{
    (void)arg, (void)i, (void)n;
}

/* Claims everything due and records OUTCOME ("sent", "failed") for each claimed row to a
 * URL subscriber, as the dispatcher would. Returns how many there were. */
static int deliver(struct fx *f, const char *state)
{
    struct err e = {0};
    json_t *msgs = NULL, *rows[OUTBOX_CHANNELS];
    if (app_outbox_claim(&f->app, f->db, NULL, 0, 1000, 16, allow, took, f, &msgs, rows, &e) != 0)
        fail_msg("claim: %s", e.msg);
    json_t *all = json_array();
    json_array_extend(all, msgs);
    for (int i = 0; i < OUTBOX_CHANNELS; i++) {
        json_array_extend(all, rows[i]);
        json_decref(rows[i]);
    }
    json_decref(msgs);
    size_t i;
    json_t *r;
    int n = 0;
    int64_t now = time_now();
    json_array_foreach(all, i, r)
    {
        const char *kind = json_string_value(json_object_get(r, "kind"));
        struct outbox_outcome o = {
            .id = json_integer_value(json_object_get(r, "id")),
            .page_id = 1,
            .subscriber_id = json_integer_value(json_object_get(r, "subscriber_id")),
            .state = state,
            .next_at = now,
            .sent_at = strcmp(state, "sent") == 0 ? now : 0,
            .error = strcmp(state, "sent") == 0 ? NULL : "HTTP 404: gone",
            .hook = true,
            .test = strcmp(kind, "confirmation") == 0,
        };
        assert_int_equal(app_outbox_record(f->db, &o, 1, &e), 0);
        n++;
    }
    json_decref(all);
    return n;
}

/* A new update of the event notifying CHANNELS, expanded. */
static int64_t update(struct fx *f, unsigned channels)
{
    struct err e = {0};
    bool more = true;
    run(f->db, "INSERT INTO event_updates (event_id, stage, message, created_at) "
               "VALUES (1, 'investigating', 'Looking', 0)");
    int64_t u = one(f->db, "SELECT MAX(id) FROM event_updates");
    if (db_exec(f->db, &e, NULL,
                "INSERT INTO notify_jobs (page_id, update_id, channels, created_at, updated_at) "
                "VALUES (1, ?, ?, 0, 0)",
                "ii", u, (int64_t)channels) != 0)
        fail_msg("job: %s", e.msg);
    while (more)
        assert_int_equal(app_outbox_expand(&f->app, f->db, 100000, &more, &e), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM notify_jobs WHERE state = 'pending'"), 0);
    return u;
}

static json_t *sign_up(struct fx *f, const char *channel, const char *url, int want)
{
    struct err e = {0};
    json_t *out = NULL, *in = json_pack("{s:s?, s:s?}", "channel", channel, "url", url);
    int rc = app_subscribe_hook(&f->public, in, "192.0.2.1", &out, &e);
    json_decref(in);
    if (want == ERR_OK && rc != 0) fail_msg("sign-up %s: %s", url ? url : "-", e.msg);
    if (want != ERR_OK) {
        assert_int_equal(rc, -1);
        assert_int_equal(e.code, want);
    }
    return out;
}

static const char *state_of(struct fx *f, int64_t id)
{
    static char st[32];
    struct err e = {0};
    json_t *row = store_hook_get(f->db, id, &e);
    snprintf(st, sizeof st, "%s", json_string_value(json_object_get(row, "state")));
    json_decref(row);
    return st;
}

static void bad_input_stores_nothing(void **state)
{
    struct fx *f = *state;
    sign_up(f, NULL, "https://example.com/hook", ERR_INVALID);
    sign_up(f, "fax", "https://example.com/hook", ERR_INVALID);
    sign_up(f, "email", "https://example.com/hook", ERR_INVALID);
    sign_up(f, "twitter", "https://example.com/hook", ERR_INVALID);
    sign_up(f, "slack", NULL, ERR_INVALID);
    sign_up(f, "slack", "", ERR_INVALID);
    sign_up(f, "slack", "example.com/hook", ERR_INVALID);
    sign_up(f, "slack", "ftp://example.com/hook", ERR_INVALID);
    sign_up(f, "webhook", "http://127.0.0.1:8080/hook", ERR_INVALID);
    sign_up(f, "webhook", "http://192.168.1.1/hook", ERR_INVALID);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers"), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries"), 0);
    f->cfg.allow_private_targets = true; /* tests and private networks */
    json_decref(sign_up(f, "webhook", "http://127.0.0.1:8080/hook", ERR_OK));
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers"), 1);
}

static void sign_up_test_message_and_secret(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *out = sign_up(f, "webhook", "https://example.com/hook", ERR_OK);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    const char *secret = json_string_value(json_object_get(out, "secret"));
    assert_non_null(secret);
    assert_int_equal(strncmp(secret, "whsec_", 6), 0);
    assert_string_equal(json_string_value(json_object_get(out, "state")), "pending");
    assert_non_null(json_string_value(json_object_get(out, "manage_token")));
    json_t *row = store_hook_get(f->db, id, &e);
    const char *sealed = json_string_value(json_object_get(row, "secret"));
    assert_non_null(sealed);
    assert_null(strstr(sealed, secret + 6));
    char *plain = app_hook_secret(&f->app, f->db, id, &e);
    assert_string_equal(plain, secret);
    free(plain);
    json_decref(row);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE kind = 'confirmation' "
                                "AND channel = 'webhook' AND recipient LIKE "
                                "'https://example.com/…#%' AND state = 'pending'"),
                     1);
    /* a chat URL has no secret */
    json_t *slack = sign_up(f, "slack", "https://hooks.example.com/a", ERR_OK);
    assert_null(json_object_get(slack, "secret"));
    /* refused: still pending */
    assert_int_equal(deliver(f, "failed"), 2);
    assert_string_equal(state_of(f, id), "pending");
    json_t *again = sign_up(f, "webhook", "https://example.com/hook", ERR_OK);
    assert_string_not_equal(json_string_value(json_object_get(again, "secret")), secret);
    /* answered: active; then a second sign-up is a conflict */
    assert_int_equal(deliver(f, "sent"), 1);
    assert_string_equal(state_of(f, id), "active");
    sign_up(f, "webhook", "https://example.com/hook", ERR_CONFLICT);
    json_decref(out);
    json_decref(again);
    json_decref(slack);
}

static void fan_out_quarantine_and_reactivation(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *out = sign_up(f, "slack", "https://hooks.example.com/a", ERR_OK);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    char token[SUBSCRIBE_TOKEN_MAX];
    snprintf(token, sizeof token, "%s", json_string_value(json_object_get(out, "manage_token")));
    json_decref(out);
    assert_int_equal(deliver(f, "sent"), 1);
    assert_string_equal(state_of(f, id), "active");
    /* the fan-out reaches it; e-mail alone does not */
    update(f, CH_EMAIL);
    assert_int_equal(deliver(f, "sent"), 0);
    update(f, CH_SLACK | CH_EMAIL);
    assert_int_equal(deliver(f, "sent"), 1);
    /* five refused, one sent, nine refused: still active */
    for (int i = 0; i < 5; i++) {
        update(f, CH_SLACK);
        assert_int_equal(deliver(f, "failed"), 1);
    }
    update(f, CH_SLACK);
    assert_int_equal(deliver(f, "sent"), 1);
    for (int i = 0; i < 9; i++) {
        update(f, CH_SLACK);
        assert_int_equal(deliver(f, "dead"), 1); /* retries exhausted count too */
    }
    assert_string_equal(state_of(f, id), "active");
    update(f, CH_SLACK);
    assert_int_equal(deliver(f, "failed"), 1);
    assert_string_equal(state_of(f, id), "quarantined");
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                "'subscriber.quarantined'"),
                     1);
    update(f, CH_SLACK | CH_WEBHOOK);
    assert_int_equal(deliver(f, "sent"), 0); /* nothing for a quarantined subscriber */
    /* reactivation: the team's needs PERM_SUBSCRIBERS */
    assert_int_equal(app_subscriber_hook_reactivate(&f->viewer, id, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    e = (struct err){0};
    assert_int_equal(app_subscriber_hook_reactivate(&f->admin, 9999, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    e = (struct err){0};
    assert_int_equal(app_subscriber_hook_reactivate(&f->admin, id, &e), 0);
    assert_string_equal(state_of(f, id), "pending");
    assert_int_equal(deliver(f, "sent"), 1); /* the new test message */
    assert_string_equal(state_of(f, id), "active");
    /* and the subscriber's, by management token */
    run(f->db, "UPDATE subscribers SET state = 'quarantined'");
    assert_int_equal(app_subscription_hook_retry(&f->public, "m.1.forged", &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    e = (struct err){0};
    assert_int_equal(app_subscription_hook_retry(&f->public, token, &e), 0);
    assert_string_equal(state_of(f, id), "pending");
    assert_int_equal(deliver(f, "sent"), 1);
    assert_string_equal(state_of(f, id), "active");
    /* the subscriber's test messages count against the URL's 3 a day (sign-up included) */
    run(f->db, "UPDATE subscribers SET state = 'quarantined'");
    assert_int_equal(app_subscription_hook_retry(&f->public, token, &e), 0);
    assert_int_equal(deliver(f, "sent"), 1);
    run(f->db, "UPDATE subscribers SET state = 'quarantined'");
    assert_int_equal(app_subscription_hook_retry(&f->public, token, &e), -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    assert_string_equal(state_of(f, id), "quarantined");
    e = (struct err){0};
    assert_int_equal(app_subscriber_hook_reactivate(&f->admin, id, &e), 0); /* the team's: no */
    assert_int_equal(deliver(f, "sent"), 1);
    /* an unsubscribed one is not reactivated */
    run(f->db, "UPDATE subscribers SET state = 'unsubscribed'");
    assert_int_equal(app_subscriber_hook_reactivate(&f->admin, id, &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
}

static void urls_are_sealed_and_old_ones_sealed_at_start(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *out = NULL, *in = json_pack("{s:s,s:s}", "channel", "slack", "url",
                                        "https://hooks.slack.com/services/T1/B2/SECRET");
    assert_int_equal(app_subscribe_hook(&f->public, in, "192.0.2.1", &out, &e), 0);
    json_decref(in);
    const char *address = json_string_value(json_object_get(out, "address"));
    assert_non_null(strstr(address, "https://hooks.slack.com/…#"));
    assert_null(strstr(address, "SECRET"));
    assert_int_equal(strlen(address), strlen("https://hooks.slack.com/…#") + 8);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    char *url = app_hook_url(&f->app, f->db, id, NULL, &e);
    assert_string_equal(url, "https://hooks.slack.com/services/T1/B2/SECRET");
    free(url);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers WHERE address LIKE '%SECRET%' "
                                "OR target LIKE '%SECRET%'"),
                     0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE recipient LIKE '%SECRET%'"),
                     0);
    /* a subscriber from before migration 0026: the URL in address, a delivery to it */
    run(f->db, "INSERT INTO subscribers (page_id, channel, address, state, all_services, "
               "created_at, updated_at) VALUES (1, 'discord', "
               "'https://discord.com/api/webhooks/1/OLD', 'active', 1, 0, 0)");
    int64_t old = one(f->db, "SELECT MAX(id) FROM subscribers");
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO deliveries (page_id, kind, channel, recipient, subscriber_id, state, "
             "next_attempt_at, accepted_at, created_at) VALUES (1, 'confirmation', 'discord', "
             "'https://discord.com/api/webhooks/1/OLD', %lld, 'pending', 0, 0, 0)",
             (long long)old);
    run(f->db, sql);
    url = app_hook_url(&f->app, f->db, old, "https://discord.com/api/webhooks/1/OLD", &e);
    assert_string_equal(url, "https://discord.com/api/webhooks/1/OLD"); /* not sealed yet */
    free(url);
    assert_int_equal(app_hooks_seal(&f->app, f->db, &e), 0);
    assert_int_equal(app_hooks_seal(&f->app, f->db, &e), 0); /* nothing left: no change */
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers WHERE address LIKE '%OLD%' "
                                "OR target IS NULL"),
                     0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE recipient LIKE '%OLD%'"), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE recipient LIKE "
                                "'https://discord.com/…#%'"),
                     1);
    url = app_hook_url(&f->app, f->db, old, "ignored", &e);
    assert_string_equal(url, "https://discord.com/api/webhooks/1/OLD");
    free(url);
    /* a seal that does not open (another key) is an error, never a guess */
    f->app.key[0] ^= 1;
    assert_null(app_hook_url(&f->app, f->db, old, "ignored", &e));
    assert_int_equal(e.code, ERR_INTERNAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(bad_input_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(sign_up_test_message_and_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(fan_out_quarantine_and_reactivation, setup, teardown),
        cmocka_unit_test_setup_teardown(urls_are_sealed_and_old_ones_sealed_at_start, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
