/*
 * app/subscribe_hooks — URL subscriptions. See subscribe_hooks.h.
 *
 * The test message is the URL channels' confirmation: the same kind of delivery as an
 * e-mail's link or an SMS code (store_message_add), so it is claimed first, retried,
 * recorded and shown in the notification log like them; its outcome moves the
 * subscriber (app/outbox.c). Each use case is one transaction, and wakes the
 * dispatcher after its commit.
 *
 * The URL itself is a credential (an incoming-webhook URL posts to its channel): it is
 * stored sealed (subscribers.target, migration 0026) and opened only to send; what the
 * subscriber, the team, the deliveries and the limits see is its address, the scheme and
 * host and a MAC of the whole URL (hook_address).
 */
#include "app/subscribe_hooks.h"
#include "app/input.h"
#include "app/ratelimit.h"
#include "app/users.h"
#include "core/netaddr.h"
#include "core/secret.h"
#include "core/timeutil.h"
#include "domain/channel.h"
#include "store/hooks.h"
#include "store/outbox.h"
#include "store/subscribe.h"
#include "store/subscribers.h"
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TESTS_PER_DAY = 3 };

static int64_t jint(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

bool app_hook_channel(const char *channel)
{
    enum channel ch;
    if (!channel || channel_parse(channel, &ch) != 0) return false;
    enum channel_form f = channel_info(ch)->form;
    return f == FORM_CHAT_URL || f == FORM_SIGNED_URL;
}

/* What is shown and stored of URL in the clear (SIZE ≥ HOOK_ADDRESS_MAX): its scheme and
 * host, then "/…#" and 8 hex digits of a MAC of the whole URL under KEY, so one URL always
 * has one address and none can be read back from it. */
static void hook_address(const unsigned char key[SECRET_KEY_BYTES], const char *url, char *out,
                         size_t size)
{
    assert(size >= HOOK_ADDRESS_MAX);
    const char *sep = strstr(url, "://");
    const char *host = sep ? sep + 3 : url;
    size_t n = (size_t)(host - url) + strcspn(host, "/?#");
    if (n > HOOK_ADDRESS_MAX - 16) n = HOOK_ADDRESS_MAX - 16;
    char msg[HOOK_URL_MAX + 32];
    snprintf(msg, sizeof msg, "hook-address:%s", url);
    unsigned char mac[SECRET_MAC_BYTES];
    secret_mac(key, msg, mac);
    snprintf(out, size, "%.*s/…#%02x%02x%02x%02x", (int)n, url, mac[0], mac[1], mac[2], mac[3]);
}

/* Makes subscriber ID (channel CHANNEL, URL) pending with a new secret (webhook: *PLAIN
 * gets it) and queues its test message, in C's open transaction. */
static int start_over(struct app_ctx *c, int64_t id, const char *channel, const char *address,
                      char **plain, struct err *e)
{
    int64_t now = time_now();
    if (plain && strcmp(channel, "webhook") == 0) {
        *plain = secret_token_new("whsec_");
        char *sealed = secret_seal(c->app->key, *plain);
        int rc = store_hook_set_secret(c->db, id, sealed, e);
        free(sealed);
        if (rc != 0) return -1;
    }
    if (store_subscribe_confirm_sent(c->db, id, "pending", now, e) != 0 ||
        store_message_add(c->db, c->page_id, STORE_MSG_CONFIRMATION, channel, address, id, now, e) <
            0)
        return -1;
    return 0;
}

int app_subscribe_hook(struct app_ctx *c, json_t *in, const char *client, json_t **out,
                       struct err *e)
{
    const char *channel = json_string_value(json_object_get(in, "channel"));
    const char *url = json_string_value(json_object_get(in, "url"));
    char bucket[HOOK_URL_MAX + 128];
    char *plain = NULL;
    json_t *row = NULL;
    int rc = -1;
    if (!app_hook_channel(channel))
        return err_set(e, ERR_INVALID,
                       "channel: must be one of webhook, slack, teams, discord, googlechat");
    if (!url || !*url) return err_set(e, ERR_INVALID, "url: enter the URL to post updates to");
    if (strlen(url) > HOOK_URL_MAX)
        return err_set(e, ERR_INVALID, "%s: at most %d characters", client ? "url" : "address",
                       HOOK_URL_MAX);
    if (netaddr_check_url(client ? "url" : "address", url,
                          c->app->cfg && c->app->cfg->allow_private_targets, e) != 0)
        return -1;
    snprintf(bucket, sizeof bucket, "subscribe-ip:%s", client ? client : "");
    if (client &&
        app_rate_hit(c->db, bucket, (int)c->app->cfg->subscribe_per_ip_hour, 3600, NULL, e) != 0)
        return -1;
    char address[HOOK_ADDRESS_MAX];
    hook_address(c->app->key, url, address, sizeof address);
    snprintf(bucket, sizeof bucket, "confirm-addr:%s:%s", channel, address);
    if (app_rate_check(c->db, bucket, TESTS_PER_DAY, 86400, NULL, e) != 0) return -1;
    if (db_begin(c->db, e) != 0) return -1;
    row = store_subscribe_find(c->db, c->page_id, channel, address, e);
    if (!row && e->code) goto fail;
    if (row && strcmp(jstr(row, "state"), "active") == 0) {
        err_set(e, ERR_CONFLICT,
                "url: this URL is subscribed already; manage it from the link in its test "
                "message");
        goto fail;
    }
    int64_t id = row ? jint(row, "id") : 0;
    if (!row &&
        (id = store_subscriber_insert(c->db, c->page_id, channel, address, "pending", 0, e)) < 0)
        goto fail;
    char *sealed = secret_seal(c->app->key, url);
    int sr = store_hook_set_target(c->db, id, sealed, e);
    free(sealed);
    if (sr != 0 || store_hook_reactivate(c->db, c->page_id, id, time_now(), NULL, e) != 0 ||
        start_over(c, id, channel, address, &plain, e) != 0 ||
        app_audit(c, "subscriber.subscribe", id, channel, e) != 0)
        goto fail;
    if (app_commit(c, false, e) != 0) goto out;
    if (app_rate_hit(c->db, bucket, TESTS_PER_DAY, 86400, NULL, e) != 0) e->code = ERR_OK;
    if (c->app->on_work) c->app->on_work(c->app);
    char manage[SUBSCRIBE_TOKEN_MAX];
    subscribe_token_manage(c->app->key, c->page_id, id, manage);
    *out = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "channel", channel,
                     "address", address, "state", "pending", "manage_token", manage);
    if (plain) json_object_set_new(*out, "secret", json_string(plain));
    rc = 0;
    goto out;
fail:
    db_rollback(c->db);
out:
    if (plain) sodium_memzero(plain, strlen(plain));
    free(plain);
    json_decref(row);
    return rc;
}

/* Reactivates ROW (a subscriber of C's page) in C's open transaction. */
static int reactivate(struct app_ctx *c, json_t *row, const char *action, struct err *e)
{
    const char *state = jstr(row, "state"), *channel = jstr(row, "channel");
    if (!app_hook_channel(channel)) return err_set(e, ERR_NOT_FOUND, "no such URL subscriber");
    if (strcmp(state, "active") == 0) return 0;
    if (strcmp(state, "quarantined") != 0 && strcmp(state, "pending") != 0)
        return err_set(e, ERR_CONFLICT, "state: a %s subscription cannot be reactivated", state);
    int changed = 0;
    if (store_hook_reactivate(c->db, c->page_id, jint(row, "id"), time_now(), &changed, e) != 0 ||
        start_over(c, jint(row, "id"), channel, jstr(row, "address"), NULL, e) != 0 ||
        app_audit(c, action, jint(row, "id"), channel, e) != 0)
        return -1;
    assert(changed == 1);
    return 0;
}

int app_subscriber_hook_reactivate(struct app_ctx *c, int64_t id, struct err *e)
{
    if (app_require(c, PERM_SUBSCRIBERS, e) != 0 || db_begin(c->db, e) != 0) return -1;
    json_t *row = store_subscribe_row(c->db, id, e);
    int rc = -1;
    if (!row || jint(row, "page_id") != c->page_id) {
        if (!e->code) err_set(e, ERR_NOT_FOUND, "no such subscriber");
        db_rollback(c->db);
    } else if (reactivate(c, row, "subscriber.reactivate", e) != 0) {
        db_rollback(c->db);
    } else if ((rc = app_commit(c, false, e)) == 0 && c->app->on_work) {
        c->app->on_work(c->app);
    }
    json_decref(row);
    return rc;
}

/* Subscriber of management TOKEN (C's page becomes its page), read in or out of a
 * transaction; NULL with E (404 for a bad token). */
static json_t *by_token(struct app_ctx *c, const char *token, struct err *e)
{
    int64_t id, exp;
    char want[SUBSCRIBE_TOKEN_MAX];
    json_t *row = NULL;
    if (subscribe_token_parse(token, &id, &exp) == 'm' && (row = store_subscribe_row(c->db, id, e)))
        subscribe_token_manage(c->app->key, jint(row, "page_id"), id, want);
    if (!row || !secret_equal(token, want)) {
        json_decref(row);
        if (!e->code) err_set(e, ERR_NOT_FOUND, "this link is not valid: subscribe again");
        return NULL;
    }
    c->page_id = jint(row, "page_id");
    return row;
}

int app_subscription_hook_retry(struct app_ctx *c, const char *token, struct err *e)
{
    char bucket[HOOK_URL_MAX + 128];
    json_t *row = by_token(c, token, e);
    if (!row) return -1;
    /* a test message is outbound traffic a visitor asks for: the sign-up's limit per URL */
    snprintf(bucket, sizeof bucket, "confirm-addr:%s:%s", jstr(row, "channel"),
             jstr(row, "address"));
    json_decref(row);
    if (app_rate_check(c->db, bucket, TESTS_PER_DAY, 86400, NULL, e) != 0) return -1;
    if (db_begin(c->db, e) != 0) return -1;
    int rc = -1;
    if (!(row = by_token(c, token, e)) || reactivate(c, row, "subscriber.reactivate", e) != 0) {
        db_rollback(c->db);
    } else if ((rc = app_commit(c, false, e)) == 0) {
        if (app_rate_hit(c->db, bucket, TESTS_PER_DAY, 86400, NULL, e) != 0) e->code = ERR_OK;
        if (c->app->on_work) c->app->on_work(c->app);
    }
    json_decref(row);
    return rc;
}

json_t *app_hook_last_test(struct app_ctx *c, int64_t id)
{
    struct err e = {0};
    json_t *t = store_hook_last_test(c->db, id, &e);
    return t ? t : json_null();
}

char *app_hook_secret(struct app *app, struct db *db, int64_t id, struct err *e)
{
    json_t *row = store_hook_get(db, id, e);
    if (!row) return NULL;
    const char *sealed = json_string_value(json_object_get(row, "secret"));
    char *plain = sealed ? secret_open(app->key, sealed) : NULL;
    if (sealed && !plain) err_set(e, ERR_INTERNAL, "the subscriber's secret cannot be opened");
    json_decref(row);
    return plain;
}

char *app_hook_url(struct app *app, struct db *db, int64_t id, const char *recipient, struct err *e)
{
    json_t *row = store_hook_get(db, id, e);
    if (!row) {
        if (!e->code) err_set(e, ERR_NOT_FOUND, "the subscriber was removed");
        return NULL;
    }
    const char *sealed = json_string_value(json_object_get(row, "target"));
    char *url = sealed ? secret_open(app->key, sealed) : strdup(recipient ? recipient : "");
    if (!url) err_set(e, ERR_INTERNAL, "the subscriber's URL cannot be opened");
    json_decref(row);
    return url;
}

int app_hooks_seal(struct app *app, struct db *db, struct err *e)
{
    json_t *rows = store_hooks_unsealed(db, e);
    if (!rows) return -1;
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rows, i, r)
    {
        const char *url = jstr(r, "address");
        char address[HOOK_ADDRESS_MAX], *sealed = secret_seal(app->key, url);
        hook_address(app->key, url, address, sizeof address);
        rc = db_begin(db, e) != 0 ||
                     store_hook_seal(db, jint(r, "id"), url, address, sealed, e) != 0 ||
                     db_commit(db, e) != 0
                 ? -1
                 : 0;
        if (rc) db_rollback(db);
        sodium_memzero(sealed, strlen(sealed));
        free(sealed);
        if (rc) break;
    }
    json_decref(rows);
    return rc;
}
