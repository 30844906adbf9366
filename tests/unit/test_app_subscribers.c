/*
 * Unit tests for app/subscribers and the subscriber data of SPEC §15 against a real
 * database (SQLite, and PostgreSQL under scripts/run-unit.sh): the export holds the
 * subscriber, every delivery of theirs, their audit records and the confirmation count of
 * their address, and never a token or code hash; it and the erasure need PERM_SUBSCRIBERS
 * and see only the actor's page. Deleting erases the address and the choices while the
 * deliveries stay without the address (the delivery figures unchanged), fails what was
 * still pending, and audits without the address; a delivery of an erased subscriber is
 * never handed to the sender, and an answer arriving for one being sent is not kept.
 * "Delete my data" by management token kills the token and is rate limited. Three
 * permanent refusals in a row make an e-mail subscriber bounced (pending mail failed, no
 * more fan-out to them), a delivery in between clears the count, and confirming again
 * makes them active.
 */
#include "app/outbox.h"
#include "app/subscribe.h"
#include "app/subscribers.h"
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
    struct app_ctx admin, other, public;
    int64_t svc, event;
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
    f->cfg.smtp_url = strdup("smtp://127.0.0.1:1");
    f->cfg.subscribe_per_ip_hour = 3;
    f->app.cfg = &f->cfg;
    for (int i = 0; i < SECRET_KEY_BYTES; i++)
        f->app.key[i] = (unsigned char)(i * 7 + 1);
    int64_t page = store_page_insert(f->db, "default", "Status", &e);
    int64_t other = store_page_insert(f->db, "eu", "EU", &e);
    if (page != 1 || other != 2) return -1;
    f->admin = (struct app_ctx){.app = &f->app,
                                .db = f->db,
                                .page_id = page,
                                .actor = {.kind = ACTOR_TOKEN, .id = 1, .role = ROLE_ADMIN}};
    f->other = f->admin;
    f->other.page_id = other;
    f->public = (struct app_ctx){
        .app = &f->app, .db = f->db, .page_id = page, .actor = {.kind = ACTOR_PUBLIC}};
    run(f->db, "INSERT INTO services (page_id, name, status, created_at, updated_at) "
               "VALUES (1, 'API', 'operational', 0, 0)");
    f->svc = one(f->db, "SELECT MAX(id) FROM services");
    run(f->db, "INSERT INTO events (page_id, kind, title, stage, created_at, updated_at) "
               "VALUES (1, 'incident', 'API down', 'investigating', 0, 0)");
    f->event = one(f->db, "SELECT MAX(id) FROM events");
    run(f->db, "INSERT INTO event_services (event_id, service_id, status) "
               "SELECT MAX(e.id), MAX(s.id), 'major_outage' FROM events e, services s");
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

/* A confirmed subscriber of C's page (all services unless SERVICE); its id. */
static int64_t add(struct fx *f, struct app_ctx *c, const char *channel, const char *address,
                   int64_t service)
{
    struct err e = {0};
    json_t *out = NULL, *in = json_pack("{s:s, s:s, s:b}", "channel", channel, "address", address,
                                        "confirmed", 1);
    if (service) json_object_set_new(in, "services", json_pack("[I]", (json_int_t)service));
    if (app_subscriber_create(c, in, &out, &e) != 0) fail_msg("create %s: %s", address, e.msg);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(in);
    json_decref(out);
    (void)f;
    return id;
}

/* A new update of the event, notifying e-mail, expanded into deliveries. Its id. */
static int64_t update(struct fx *f)
{
    struct err e = {0};
    bool more = true;
    run(f->db, "INSERT INTO event_updates (event_id, stage, message, created_at) "
               "VALUES (1, 'investigating', 'Looking', 0)");
    int64_t u = one(f->db, "SELECT MAX(id) FROM event_updates");
    if (db_exec(f->db, &e, NULL,
                "INSERT INTO notify_jobs (page_id, update_id, channels, created_at, updated_at) "
                "VALUES (1, ?, ?, 0, 0)",
                "ii", u, (int64_t)CH_EMAIL) != 0)
        fail_msg("job: %s", e.msg);
    while (more)
        assert_int_equal(app_outbox_expand(&f->app, f->db, 100000, &more, &e), 0);
    return u;
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

/* Claims what is due; returns the e-mail rows (the caller frees), messages in *MSGS (NULL:
 * freed here). */
static json_t *claim(struct fx *f, json_t **msgs_out)
{
    struct err e = {0};
    json_t *msgs = NULL, *rows[OUTBOX_CHANNELS];
    if (app_outbox_claim(&f->app, f->db, NULL, 0, 1000, 16, allow, took, f, &msgs, rows, &e) != 0)
        fail_msg("claim: %s", e.msg);
    for (int i = 1; i < OUTBOX_CHANNELS; i++)
        json_decref(rows[i]);
    if (msgs_out)
        *msgs_out = msgs;
    else
        json_decref(msgs);
    return rows[0];
}

/* The e-mail delivery of update U to subscriber S (in flight after a claim), by id. */
static int64_t delivery_of(struct fx *f, int64_t u, int64_t s)
{
    struct err e = {0};
    int64_t id = 0;
    if (db_query_int(f->db, &e, &id,
                     "SELECT id FROM deliveries WHERE update_id = ? AND subscriber_id = ?", "ii", u,
                     s) != 1)
        fail_msg("no delivery of update %lld to %lld", (long long)u, (long long)s);
    return id;
}

/* Records one outcome of delivery ID (to subscriber SUB). */
static void outcome(struct fx *f, int64_t id, int64_t sub, const char *state, const char *error,
                    bool bounce)
{
    struct err e = {0};
    int64_t now = time_now();
    struct outbox_outcome o = {.id = id,
                               .page_id = 1,
                               .subscriber_id = sub,
                               .state = state,
                               .next_at = now,
                               .sent_at = strcmp(state, "sent") == 0 ? now : 0,
                               .error = error,
                               .bounce = bounce};
    assert_int_equal(app_outbox_record(f->db, &o, 1, &e), 0);
}

/* Claims, then records the e-mail of update U to SUB as STATE (a refusal: a bounce). */
static void deliver(struct fx *f, int64_t u, int64_t sub, const char *state, bool bounce)
{
    json_decref(claim(f, NULL));
    outcome(f, delivery_of(f, u, sub), sub, state,
            strcmp(state, "sent") == 0 ? NULL : "SMTP 550 (RCPT TO): 5.1.1 mailbox unavailable",
            bounce);
}

static const char *state_of(struct fx *f, int64_t id)
{
    static char buf[32];
    struct err e = {0};
    json_t *s = NULL;
    assert_int_equal(app_subscriber_get(&f->admin, id, &s, &e), 0);
    snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(s, "state")));
    json_decref(s);
    return buf;
}

static void export_holds_everything_stored_and_no_secret(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *x = NULL;
    int64_t ann = add(f, &f->admin, "email", "Ann@Example.com", f->svc);
    run(f->db, "UPDATE subscribers SET token_hash = 'TOKEN-HASH-SECRET', "
               "code_hash = 'CODE-HASH-SECRET'");
    int64_t u1 = update(f);
    deliver(f, u1, ann, "sent", false);
    int64_t u2 = update(f); /* still pending */
    run(f->db, "INSERT INTO rate_limits (bucket, window_start, hits) "
               "VALUES ('confirm-addr:email:ann@example.com', 86400, 2)");

    assert_int_equal(app_subscriber_export(&f->admin, ann, &x, &e), 0);
    json_t *sub = json_object_get(x, "subscriber");
    static const char *const keys[] = {
        "id",         "channel",      "address",         "state",
        "services",   "bounces",      "code_attempts",   "created_at",
        "updated_at", "confirmed_at", "confirm_sent_at", "language",
        NULL};
    assert_int_equal(json_object_size(sub), 12);
    for (int i = 0; keys[i]; i++)
        assert_non_null(json_object_get(sub, keys[i]));
    assert_string_equal(json_string_value(json_object_get(sub, "address")), "ann@example.com");
    assert_string_equal(json_string_value(json_object_get(sub, "state")), "active");
    json_t *svcs = json_object_get(sub, "services");
    assert_int_equal(json_array_size(svcs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(svcs, 0), "name")), "API");
    json_t *ds = json_object_get(x, "deliveries");
    assert_int_equal(json_array_size(ds), 2);
    json_t *d1 = json_array_get(ds, 0), *d2 = json_array_get(ds, 1);
    assert_int_equal(json_integer_value(json_object_get(d1, "update_id")), u1);
    assert_string_equal(json_string_value(json_object_get(d1, "state")), "sent");
    assert_string_equal(json_string_value(json_object_get(d1, "event_title")), "API down");
    assert_string_equal(json_string_value(json_object_get(d1, "recipient")), "ann@example.com");
    assert_true(json_is_string(json_object_get(d1, "sent_at")));
    assert_int_equal(json_integer_value(json_object_get(d2, "update_id")), u2);
    assert_string_equal(json_string_value(json_object_get(d2, "state")), "pending");
    json_t *audit = json_object_get(x, "audit");
    assert_int_equal(json_array_size(audit), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(audit, 0), "action")),
                        "subscriber.create");
    json_t *limits = json_object_get(x, "rate_limits");
    assert_int_equal(json_array_size(limits), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(limits, 0), "hits")), 2);
    assert_true(json_is_string(json_object_get(x, "exported_at")));
    char *text = json_dumps(x, 0);
    assert_null(strstr(text, "HASH-SECRET"));
    assert_null(strstr(text, "token_hash"));
    assert_null(strstr(text, "code_hash"));
    free(text);
    json_decref(x);

    /* another page's subscriber is unknown there; an unknown id too; editors may not */
    x = NULL;
    assert_int_equal(app_subscriber_export(&f->other, ann, &x, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_null(x);
    e = (struct err){0};
    assert_int_equal(app_subscriber_export(&f->admin, ann + 100, &x, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    struct app_ctx editor = f->admin;
    editor.actor = (struct actor){.kind = ACTOR_USER, .id = 9, .role = ROLE_EDITOR};
    e = (struct err){0};
    assert_int_equal(app_subscriber_export(&editor, ann, &x, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    e = (struct err){0};
    assert_int_equal(app_subscriber_delete(&editor, ann, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_string_equal(state_of(f, ann), "active");
}

static void delete_erases_the_address_and_keeps_anonymous_deliveries(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t ann = add(f, &f->admin, "email", "ann@example.com", f->svc);
    int64_t bob = add(f, &f->admin, "email", "bob@example.com", 0);
    add(f, &f->other, "email", "ann@example.com", 0); /* the same address on another page */
    int64_t u1 = update(f);
    json_decref(claim(f, NULL));
    outcome(f, delivery_of(f, u1, ann), ann, "sent", NULL, false);
    outcome(f, delivery_of(f, u1, bob), bob, "sent", NULL, false);
    int64_t u2 = update(f);
    json_decref(claim(f, NULL));
    outcome(f, delivery_of(f, u2, ann), ann, "failed",
            "SMTP 550 (RCPT TO): 5.1.1 <ann@example.com>: Recipient address rejected", false);
    outcome(f, delivery_of(f, u2, bob), bob, "sent", NULL, false);
    int64_t u3 = update(f); /* ann's and bob's pending */
    int64_t d3 = delivery_of(f, u3, ann);
    run(f->db, "INSERT INTO rate_limits (bucket, window_start, hits) "
               "VALUES ('confirm-addr:email:ann@example.com', 86400, 1), "
               "('confirm-addr:email:bob@example.com', 86400, 1)");
    json_t *before = store_delivery_latencies(f->db, 1, 0, &e);
    int64_t total = one(f->db, "SELECT COUNT(*) FROM deliveries");
    char *before_text = json_dumps(before, JSON_SORT_KEYS);

    /* another page cannot reach it */
    assert_int_equal(app_subscriber_delete(&f->other, ann, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    e = (struct err){0};
    assert_int_equal(app_subscriber_delete(&f->admin, ann, &e), 0);

    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers WHERE page_id = 1 AND "
                                "address = 'ann@example.com'"),
                     0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscriber_services"), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries"), total);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE recipient LIKE '%ann%' OR "
                                "last_error LIKE '%ann@%'"),
                     0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE subscriber_id IS NULL AND "
                                "recipient LIKE 'erased:%'"),
                     3);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE update_id = 1 AND "
                                "state = 'sent' AND recipient LIKE 'erased:%'"),
                     1);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'failed' AND "
                                "last_error LIKE '%[erased]%Recipient address rejected'"),
                     1);
    int64_t failed = 0;
    assert_int_equal(db_query_int(f->db, &e, &failed,
                                  "SELECT COUNT(*) FROM deliveries WHERE id = ? AND state = "
                                  "'failed' AND last_error = 'not sent: the subscriber''s data "
                                  "was deleted'",
                                  "i", d3),
                     1);
    assert_int_equal(failed, 1);
    /* bob is untouched */
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE recipient = "
                                "'bob@example.com' AND subscriber_id IS NOT NULL"),
                     3);
    /* the delivery figures are the same */
    json_t *after = store_delivery_latencies(f->db, 1, 0, &e);
    char *after_text = json_dumps(after, JSON_SORT_KEYS);
    assert_string_equal(before_text, after_text);
    free(before_text);
    free(after_text);
    json_decref(before);
    json_decref(after);
    /* audited without the address; the confirmation count kept: page 2 has the address */
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                "'subscriber.delete' AND detail = 'email'"),
                     1);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%ann%'"), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM rate_limits WHERE bucket LIKE '%ann%'"), 1);
    /* once no page has it, the count goes too */
    int64_t ann2 = one(f->db, "SELECT id FROM subscribers WHERE page_id = 2");
    assert_int_equal(app_subscriber_delete(&f->other, ann2, &e), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM rate_limits WHERE bucket LIKE '%ann%'"), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM rate_limits WHERE bucket LIKE '%bob%'"), 1);
    /* gone: a 404 now */
    json_t *x = NULL;
    assert_int_equal(app_subscriber_delete(&f->admin, ann, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    e = (struct err){0};
    assert_int_equal(app_subscriber_export(&f->admin, ann, &x, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void a_deleted_subscribers_delivery_is_never_sent(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t ann = add(f, &f->admin, "email", "ann@example.com", 0);
    int64_t bob = add(f, &f->admin, "email", "bob@example.com", 0);
    int64_t u1 = update(f);
    json_t *rows = claim(f, NULL); /* both in flight */
    assert_int_equal(json_array_size(rows), 2);
    json_decref(rows);
    int64_t d1 = delivery_of(f, u1, ann);
    assert_int_equal(app_subscriber_delete(&f->admin, ann, &e), 0);
    /* an answer that arrives for it quotes the address: not kept */
    outcome(f, d1, ann, "pending", "SMTP 451 <ann@example.com>: try later", false);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE last_error LIKE '%ann@%'"),
                     0);
    /* due again: the claim records it as not sent and hands out nothing of it */
    run(f->db, "UPDATE deliveries SET next_attempt_at = 0 WHERE state = 'pending'");
    rows = claim(f, NULL);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, &e, &n,
                                  "SELECT COUNT(*) FROM deliveries WHERE id = ? AND state = "
                                  "'failed' AND last_error = 'not sent: the subscriber''s data "
                                  "was deleted'",
                                  "i", d1),
                     1);
    assert_int_equal(n, 1);
    /* a lease run out (its sender died) is no different */
    outcome(f, delivery_of(f, u1, bob), bob, "sent", NULL, false);
    int64_t u2 = update(f);
    rows = claim(f, NULL);
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    assert_int_equal(app_subscriber_delete(&f->admin, bob, &e), 0);
    run(f->db, "UPDATE deliveries SET lease_until = 0 WHERE state = 'sending'");
    rows = claim(f, NULL);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state IN ('pending', "
                                "'sending')"),
                     0);
    (void)u2;
    /* a confirmation queued for a pending subscriber who is erased goes nowhere either */
    json_t *in = json_pack("{s:s, s:s}", "channel", "email", "address", "cat@example.com"), *out;
    assert_int_equal(app_subscriber_create(&f->admin, in, &out, &e), 0);
    int64_t cat = json_integer_value(json_object_get(out, "id"));
    json_decref(in);
    json_decref(out);
    assert_int_equal(app_subscriber_delete(&f->admin, cat, &e), 0);
    json_t *msgs = NULL;
    json_decref(claim(f, &msgs));
    assert_int_equal(json_array_size(msgs), 0);
    json_decref(msgs);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE kind = 'confirmation' AND "
                                "state = 'failed' AND recipient LIKE 'erased:%'"),
                     1);
    /* a row erased before (migration 0018's) that is somehow pending is never handed out */
    run(f->db, "UPDATE deliveries SET state = 'pending', next_attempt_at = 0 WHERE id = 1");
    rows = claim(f, NULL);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    assert_int_equal(
        one(f->db, "SELECT COUNT(*) FROM deliveries WHERE id = 1 AND state = 'failed'"), 1);
}

static void three_bounces_in_a_row_make_a_subscriber_bounced(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t ann = add(f, &f->admin, "email", "ann@example.com", 0);
    int64_t bob = add(f, &f->admin, "email", "bob@example.com", 0);
    /* two bounces, a delivery, two bounces: still active (never three in a row) */
    deliver(f, update(f), ann, "failed", true);
    deliver(f, update(f), ann, "failed", true);
    assert_int_equal(
        one(f->db, "SELECT bounces FROM subscribers WHERE address = 'ann@example.com'"), 2);
    deliver(f, update(f), ann, "sent", false);
    assert_int_equal(
        one(f->db, "SELECT bounces FROM subscribers WHERE address = 'ann@example.com'"), 0);
    deliver(f, update(f), ann, "failed", true);
    /* a permanent failure that is not the address's (the sender refused) does not count */
    deliver(f, update(f), ann, "failed", false);
    deliver(f, update(f), ann, "failed", true);
    assert_string_equal(state_of(f, ann), "active");
    assert_int_equal(
        one(f->db, "SELECT bounces FROM subscribers WHERE address = 'ann@example.com'"), 2);
    /* the third in a row: bounced, and the mail waiting for them is failed, not sent */
    int64_t u = update(f);
    json_decref(claim(f, NULL));
    int64_t waiting = update(f);
    outcome(f, delivery_of(f, u, ann), ann, "failed", "SMTP 550 (RCPT TO): no such user", true);
    assert_string_equal(state_of(f, ann), "bounced");
    int64_t n = 0;
    assert_int_equal(db_query_int(f->db, &e, &n,
                                  "SELECT COUNT(*) FROM deliveries WHERE id = ? AND state = "
                                  "'failed' AND last_error = 'not sent: mail to this address "
                                  "bounced 3 times in a row'",
                                  "i", delivery_of(f, waiting, ann)),
                     1);
    assert_int_equal(n, 1);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                "'subscriber.bounced' AND actor = 'system'"),
                     1);
    /* no more mail to them; bob still gets his */
    int64_t later = update(f);
    n = -1;
    assert_int_equal(db_query_int(f->db, &e, &n,
                                  "SELECT COUNT(*) FROM deliveries WHERE update_id = ? AND "
                                  "subscriber_id = ?",
                                  "ii", later, ann),
                     1);
    assert_int_equal(n, 0);
    delivery_of(f, later, bob);
    /* listed and counted as bounced */
    json_t *out = NULL;
    struct paging pg = {.limit = 50};
    assert_int_equal(app_subscribers_list(&f->admin, NULL, "bounced", &pg, &out, &e), 0);
    json_t *list = json_object_get(out, "subscribers");
    assert_int_equal(json_array_size(list), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "id")), ann);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(out, "counts"), "email"), "bounced")),
                     1);
    json_decref(out);
    /* another bounce (one in flight) changes nothing more */
    outcome(f, delivery_of(f, waiting, ann), ann, "failed", "SMTP 550", true);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                "'subscriber.bounced'"),
                     1);

    /* subscribing again sends a new confirmation; confirming makes them active, afresh */
    json_t *in = json_pack("{s:s}", "email", "ANN@example.com");
    out = NULL;
    assert_int_equal(app_subscribe(&f->public, in, "203.0.113.9", &out, &e), 0);
    json_decref(in);
    json_decref(out);
    assert_string_equal(state_of(f, ann), "pending");
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE kind = 'confirmation' AND "
                                "state = 'pending'"),
                     1);
    char token[SUBSCRIBE_TOKEN_MAX], manage[SUBSCRIBE_TOKEN_MAX];
    subscribe_token_confirm(f->app.key, 1, ann, time_now() + 3600, token);
    struct app_ctx pc = f->public;
    assert_int_equal(app_subscribe_confirm(&pc, token, manage, &e), 0);
    assert_string_equal(state_of(f, ann), "active");
    assert_int_equal(
        one(f->db, "SELECT bounces FROM subscribers WHERE address = 'ann@example.com'"), 0);
    int64_t again = update(f);
    delivery_of(f, again, ann);
}

static void delete_my_data_kills_the_token(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char token[SUBSCRIBE_TOKEN_MAX], forged[SUBSCRIBE_TOKEN_MAX];
    int64_t ann = add(f, &f->admin, "email", "ann@example.com", f->svc);
    int64_t u = update(f);
    deliver(f, u, ann, "sent", false);
    subscribe_token_manage(f->app.key, 1, ann, token);
    snprintf(forged, sizeof forged, "%s", token);
    forged[strlen(forged) - 2] = forged[strlen(forged) - 2] == 'A' ? 'B' : 'A';

    struct app_ctx c = f->public;
    assert_int_equal(app_subscription_delete(&c, forged, "203.0.113.9", &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_string_equal(state_of(f, ann), "active");
    e = (struct err){0};
    c = f->public;
    assert_int_equal(app_subscription_delete(&c, token, "203.0.113.9", &e), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers"), 0);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM deliveries WHERE state = 'sent' AND "
                                "recipient LIKE 'erased:%' AND subscriber_id IS NULL"),
                     1);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                "'subscriber.delete' AND actor = 'public'"),
                     1);
    /* the token leads nowhere now */
    json_t *prefs = NULL;
    c = f->public;
    assert_int_equal(app_subscription_get(&c, token, &prefs, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    /* the third attempt from one address in the hour is the last (limit 3 in this test) */
    e = (struct err){0};
    c = f->public;
    assert_int_equal(app_subscription_delete(&c, token, "203.0.113.9", &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    e = (struct err){0};
    c = f->public;
    assert_int_equal(app_subscription_delete(&c, token, "203.0.113.9", &e), -1);
    assert_int_equal(e.code, ERR_RATE_LIMITED);
    e = (struct err){0};
    c = f->public;
    assert_int_equal(app_subscription_delete(&c, token, "198.51.100.7", &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
}

/* SPEC §16: the language of a subscriber added by the API is the one given (any case), else
 * the page's default; another is a 400 that adds nobody. */
static void a_subscriber_has_a_language(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    json_t *out = NULL, *in = json_pack("{s:s,s:s,s:b,s:s}", "channel", "email", "address",
                                        "ja@example.com", "confirmed", 1, "language", "JA");
    assert_int_equal(app_subscriber_create(&f->admin, in, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "language")), "ja");
    json_decref(in);
    json_decref(out);
    run(f->db, "UPDATE pages SET default_language = 'fr', languages = '[\"fr\",\"ja\"]'");
    int64_t id = add(f, &f->admin, "email", "fr@example.com", 0);
    assert_int_equal(app_subscriber_get(&f->admin, id, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "language")), "fr");
    json_decref(out);
    int64_t before = one(f->db, "SELECT COUNT(*) FROM subscribers");
    in = json_pack("{s:s,s:s,s:b,s:s}", "channel", "email", "address", "xx@example.com",
                   "confirmed", 1, "language", "xx");
    assert_int_equal(app_subscriber_create(&f->admin, in, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.msg, "language must be one of en, de, fr, es, pt-BR, ja");
    json_decref(in);
    assert_int_equal(one(f->db, "SELECT COUNT(*) FROM subscribers"), before);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(export_holds_everything_stored_and_no_secret),
        T(delete_erases_the_address_and_keeps_anonymous_deliveries),
        T(a_deleted_subscribers_delivery_is_never_sent),
        T(three_bounces_in_a_row_make_a_subscriber_bounced),
        T(delete_my_data_kills_the_token),
        T(a_subscriber_has_a_language),
    };
    return cmocka_run_group_tests_name("app/subscribers", tests, NULL, NULL);
}
