/*
 * app/subscribe — public subscription use cases. See subscribe.h.
 *
 * Each use case runs in one transaction; those that queue a message wake the
 * dispatcher (app->on_work) after the commit. Unknown, forged and expired
 * tokens all answer the same 404, so a token's validity is all a guess learns.
 *
 * Erasure (SPEC §15: the team's delete and "Delete my data") deletes the subscriber
 * row rather than keeping an anonymous tombstone. Nothing of a tombstone would be worth
 * keeping (its address, choices and state are what is erased), every list and count of
 * subscribers would have to step over it, and the row's absence is what kills the
 * person's links: tokens are derived from the id (app/subscribe_token.h) and ids are
 * never reused (AUTOINCREMENT, identity), so no later row answers them. What the
 * notification log and the delivery figures need stays in the delivery rows (page,
 * channel, kind, update, state, times, attempts), which keep no link to the person.
 */
#include "app/subscribe.h"
#include "app/addresses.h"
#include "app/ratelimit.h"
#include "app/users.h"
#include "core/timeutil.h"
#include "render/i18n.h"
#include "store/outbox.h"
#include "store/pages.h"
#include "store/ratelimit.h"
#include "store/subscribe.h"
#include "store/subscribers.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { CONFIRMS_PER_DAY = 3, CODE_TTL_S = 3600, CODE_TRIES = 5, ADDRESS_MAX = 256 };

static int64_t jint(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The bucket counting the confirmations sent to ADDRESS on CHANNEL, across every page
 * (SPEC §7: a visitor must not get three more messages sent to someone for each page). */
static void confirm_bucket(char *buf, size_t size, const char *channel, const char *address)
{
    snprintf(buf, size, "confirm-addr:%s:%s", channel, address);
}

static void wake(struct app_ctx *c)
{
    if (c->app->on_work) c->app->on_work(c->app);
}

static int bad_token(struct err *e)
{
    return err_set(e, ERR_NOT_FOUND,
                   "this link is not valid (it may have expired): subscribe again from the "
                   "status page");
}

bool app_channel_offered(const struct config *cfg, const char *channel)
{
    if (strcmp(channel, "email") == 0) return cfg->smtp_url != NULL;
    return strcmp(channel, "sms") == 0 && cfg->sms_account_sid && cfg->sms_auth_token &&
           cfg->sms_from;
}

/* The 400 for a sign-up on CHANNEL, which this server cannot deliver. */
static int not_offered(const struct config *cfg, const char *channel, struct err *e)
{
    bool email = strcmp(channel, "email") == 0;
    const char *other = email ? "sms" : "email";
    return err_set(e, ERR_INVALID, "%s: %s updates are not offered here%s",
                   email ? "email" : "phone", email ? "e-mail" : "SMS",
                   app_channel_offered(cfg, other)
                       ? (email ? "; subscribe by SMS, or follow the RSS or Atom feed"
                                : "; subscribe by e-mail, or follow the RSS or Atom feed")
                       : "; follow the RSS or Atom feed");
}

int app_subscribe_queue_confirmation(struct app_ctx *c, int64_t id, const char *channel,
                                     const char *address, struct err *e)
{
    int64_t now = time_now();
    if (store_subscribe_confirm_sent(c->db, id, NULL, now, e) != 0 ||
        store_message_add(c->db, c->page_id, STORE_MSG_CONFIRMATION, channel, address, id, now, e) <
            0)
        return -1;
    return 0;
}

int app_subscribe(struct app_ctx *c, json_t *in, const char *client, json_t **out, struct err *e)
{
    const char *email = json_string_value(json_object_get(in, "email"));
    const char *phone = json_string_value(json_object_get(in, "phone"));
    const char *channel = email && *email ? "email" : "sms";
    char norm[ADDRESS_MAX], bucket[ADDRESS_MAX + 64];
    json_t *row = NULL;
    int rc = -1;
    if ((!email || !*email) && (!phone || !*phone))
        return err_set(e, ERR_INVALID, "enter an e-mail address or a phone number");
    if (!app_channel_offered(c->app->cfg, channel)) return not_offered(c->app->cfg, channel, e);
    /* the language of every message to them (SPEC §16): the page's as they saw it */
    const json_t *lv = json_object_get(in, "language");
    const char *lang = lv ? i18n_canon(json_string_value(lv)) : NULL, *def_lang = "en";
    if (lv && !lang)
        return err_set(e, ERR_INVALID, "language must be one of en, de, fr, es, pt-BR, ja");
    if (!lang) {
        json_t *page = store_page_get(c->db, c->page_id, e);
        if (!page && e->code) return -1;
        def_lang = i18n_canon(json_string_value(json_object_get(page, "default_language")));
        if (!def_lang) def_lang = "en";
        json_decref(page);
    }
    if ((*channel == 'e' ? app_email_normalise(email, norm, sizeof norm, e)
                         : app_phone_normalise(phone, norm, sizeof norm, e)) != 0)
        return -1;
    snprintf(bucket, sizeof bucket, "subscribe-ip:%s", client);
    if (app_rate_hit(c->db, bucket, (int)c->app->cfg->subscribe_per_ip_hour, 3600, NULL, e) != 0)
        return -1;
    confirm_bucket(bucket, sizeof bucket, channel, norm);
    if (app_rate_check(c->db, bucket, CONFIRMS_PER_DAY, 86400, NULL, e) != 0) return -1;
    if (db_begin(c->db, e) != 0) return -1;
    row = store_subscribe_find(c->db, c->page_id, channel, norm, e);
    if (!row && e->code) goto fail;
    int64_t id = row ? jint(row, "id") : 0;
    bool send = !row || strcmp(jstr(row, "state"), "active") != 0;
    if (!row &&
        (id = store_subscriber_insert(c->db, c->page_id, channel, norm, "pending", 0, e)) < 0)
        goto fail;
    if ((lang || !row) && store_subscriber_set_language(c->db, id, lang ? lang : def_lang, e) != 0)
        goto fail;
    if (send && ((row && store_subscribe_confirm_sent(c->db, id, "pending", time_now(), e) != 0) ||
                 app_subscribe_queue_confirmation(c, id, channel, norm, e) != 0 ||
                 app_audit(c, "subscriber.subscribe", id, channel, e) != 0))
        goto fail;
    if (app_commit(c, false, e) != 0) goto out;
    if (send) {
        /* counted after the commit: only messages really queued use the address's quota */
        if (app_rate_hit(c->db, bucket, CONFIRMS_PER_DAY, 86400, NULL, e) != 0) e->code = ERR_OK;
        wake(c);
    }
    *out = json_pack("{s:s, s:s}", "channel", channel, "address", norm);
    rc = 0;
    goto out;
fail:
    db_rollback(c->db);
out:
    json_decref(row);
    return rc;
}

/* Activates ROW in C's transaction and fills MANAGE. */
static int activate(struct app_ctx *c, json_t *row, char manage[SUBSCRIBE_TOKEN_MAX], struct err *e)
{
    int64_t id = jint(row, "id");
    if (strcmp(jstr(row, "state"), "active") != 0 &&
        (store_subscriber_set_state(c->db, c->page_id, id, "active", e) != 0 ||
         app_audit(c, "subscriber.confirm", id, jstr(row, "channel"), e) != 0))
        return -1;
    subscribe_token_manage(c->app->key, c->page_id, id, manage);
    return 0;
}

int app_subscribe_confirm(struct app_ctx *c, const char *token, char manage[SUBSCRIBE_TOKEN_MAX],
                          struct err *e)
{
    int64_t id, exp;
    char want[SUBSCRIBE_TOKEN_MAX];
    json_t *row = NULL;
    if (subscribe_token_parse(token, &id, &exp) != 'c' || exp < time_now()) return bad_token(e);
    if (db_begin(c->db, e) != 0) return -1;
    row = store_subscribe_row(c->db, id, e);
    int rc = -1;
    if (row) {
        /* the row says which page, not the host: a link opened on another host (or
         * mailed before the page had its own URL) still works */
        c->page_id = jint(row, "page_id");
        subscribe_token_confirm(c->app->key, c->page_id, id, exp, want);
    }
    if (!row || !secret_equal(token, want) || strcmp(jstr(row, "state"), "unsubscribed") == 0) {
        if (!e->code) bad_token(e);
        db_rollback(c->db);
    } else if (activate(c, row, manage, e) != 0) {
        db_rollback(c->db);
    } else {
        rc = app_commit(c, false, e);
    }
    json_decref(row);
    return rc;
}

int app_subscribe_sms_verify(struct app_ctx *c, const char *phone, const char *code,
                             char manage[SUBSCRIBE_TOKEN_MAX], struct err *e)
{
    char norm[ADDRESS_MAX], want[7];
    json_t *row = NULL;
    int rc = -1;
    if (!phone || !code || app_phone_normalise(phone, norm, sizeof norm, e) != 0)
        return e->code ? -1 : err_set(e, ERR_INVALID, "enter the phone number and the code");
    if (db_begin(c->db, e) != 0) return -1;
    row = store_subscribe_find(c->db, c->page_id, "sms", norm, e);
    if (!row) {
        if (!e->code)
            err_set(e, ERR_INVALID, "that code is not right: check it, or subscribe again");
        goto fail;
    }
    int64_t sent = jint(row, "confirm_sent");
    subscribe_sms_code(c->app->key, c->page_id, jint(row, "id"), sent, want);
    if (strcmp(jstr(row, "state"), "pending") != 0 || jint(row, "code_attempts") >= CODE_TRIES ||
        sent + CODE_TTL_S < time_now() || strlen(code) != 6 || !secret_equal(code, want)) {
        if (strcmp(jstr(row, "state"), "pending") == 0 &&
            store_subscribe_code_failed(c->db, jint(row, "id"), e) == 0)
            db_commit(c->db, e);
        else
            db_rollback(c->db);
        json_decref(row);
        return err_set(e, ERR_INVALID,
                       "that code is not right or has expired: check it, or "
                       "subscribe again for a new one");
    }
    if (activate(c, row, manage, e) != 0) goto fail;
    rc = app_commit(c, false, e);
    goto out;
fail:
    db_rollback(c->db);
out:
    json_decref(row);
    return rc;
}

/* The subscriber of management TOKEN on C's page, or NULL with a 404 in E. */
static json_t *by_manage_token(struct app_ctx *c, const char *token, struct err *e)
{
    int64_t id, exp;
    char want[SUBSCRIBE_TOKEN_MAX];
    if (subscribe_token_parse(token, &id, &exp) != 'm') {
        bad_token(e);
        return NULL;
    }
    json_t *row = store_subscribe_row(c->db, id, e);
    if (row) {
        subscribe_token_manage(c->app->key, jint(row, "page_id"), id, want);
        if (secret_equal(token, want)) {
            /* the row says which page, not the host (see app_subscribe_confirm) */
            c->page_id = jint(row, "page_id");
            return row;
        }
        json_decref(row);
    }
    if (!e->code) bad_token(e);
    return NULL;
}

int app_subscription_get(struct app_ctx *c, const char *token, json_t **out, struct err *e)
{
    json_t *row = by_manage_token(c, token, e), *svcs = NULL, *chosen = NULL;
    if (!row) return -1;
    int rc = -1;
    bool all = json_integer_value(json_object_get(row, "all_services")) != 0 ||
               json_is_true(json_object_get(row, "all_services"));
    if (!(svcs = store_subscribe_services(c->db, c->page_id, e)) ||
        !(chosen = store_subscribe_chosen(c->db, jint(row, "id"), e)))
        goto out;
    size_t i, k;
    json_t *s, *v;
    json_array_foreach(svcs, i, s)
    {
        bool on = all;
        json_array_foreach(chosen, k, v) if (json_integer_value(v) == jint(s, "id")) on = true;
        json_object_set_new(s, "chosen", json_boolean(on));
    }
    *out = json_pack("{s:s, s:s, s:s, s:b, s:b, s:O}", "channel", jstr(row, "channel"), "address",
                     jstr(row, "address"), "state", jstr(row, "state"), "active",
                     strcmp(jstr(row, "state"), "active") == 0, "all", all, "services", svcs);
    rc = 0;
out:
    json_decref(row);
    json_decref(svcs);
    json_decref(chosen);
    return rc;
}

/* Checks IN's choice against the page's services SVCS. */
static int choice_check(json_t *in, json_t *svcs, bool all, struct err *e)
{
    json_t *ids = json_object_get(in, "services"), *v, *s;
    size_t i, k;
    json_array_foreach(ids, i, v)
    {
        bool known = false;
        json_array_foreach(svcs, k, s) known |= jint(s, "id") == json_integer_value(v);
        if (!known)
            return err_set(e, ERR_INVALID, "services: %lld is not a service of this page",
                           (long long)json_integer_value(v));
    }
    if (all && json_array_size(ids) > 0) {
        json_array_foreach(svcs, k, s)
        {
            bool ticked = false;
            json_array_foreach(ids, i, v) ticked |= jint(s, "id") == json_integer_value(v);
            if (!ticked)
                return err_set(e, ERR_INVALID,
                               "services: “All services” is chosen, but %s is not ticked; "
                               "choose “Only the services ticked” to leave it out",
                               jstr(s, "name"));
        }
    }
    if (!all && json_array_size(ids) == 0)
        return err_set(e, ERR_INVALID,
                       "services: tick at least one service, or choose “All services” (to get "
                       "no updates at all, unsubscribe)");
    return 0;
}

int app_subscription_set(struct app_ctx *c, const char *token, json_t *in, struct err *e)
{
    json_t *ids = json_object_get(in, "services"), *row = NULL, *svcs = NULL;
    bool all = json_is_true(json_object_get(in, "all"));
    int rc = -1;
    if (db_begin(c->db, e) != 0) return -1;
    if (!(row = by_manage_token(c, token, e)) ||
        !(svcs = store_subscribe_services(c->db, c->page_id, e)))
        goto fail;
    if (strcmp(jstr(row, "state"), "active") != 0) {
        err_set(e, ERR_CONFLICT,
                "this subscription is %s, so nothing is sent to it: subscribe again first",
                jstr(row, "state"));
        goto fail;
    }
    if (choice_check(in, svcs, all, e) != 0 ||
        store_subscriber_set_services(c->db, jint(row, "id"), all ? NULL : ids, e) != 0 ||
        app_audit(c, "subscriber.preferences", jint(row, "id"), all ? "all" : "services", e) != 0)
        goto fail;
    rc = app_commit(c, false, e);
    goto out;
fail:
    db_rollback(c->db);
out:
    json_decref(row);
    json_decref(svcs);
    return rc;
}

int app_unsubscribe(struct app_ctx *c, const char *token, struct err *e)
{
    json_t *row = NULL;
    if (db_begin(c->db, e) != 0) return -1;
    if (!(row = by_manage_token(c, token, e))) goto fail;
    if (strcmp(jstr(row, "state"), "unsubscribed") != 0 &&
        (store_subscriber_set_state(c->db, c->page_id, jint(row, "id"), "unsubscribed", e) != 0 ||
         app_audit(c, "subscriber.unsubscribe", jint(row, "id"), jstr(row, "channel"), e) != 0))
        goto fail;
    json_decref(row);
    return app_commit(c, false, e);
fail:
    json_decref(row);
    db_rollback(c->db);
    return -1;
}

int app_subscriber_erase(struct app_ctx *c, int64_t id, struct err *e)
{
    char *channel = NULL, *address = NULL, bucket[ADDRESS_MAX + 64];
    int rc = store_subscriber_erase(c->db, c->page_id, id, &channel, &address, e);
    if (rc != 1) return rc;
    int used = store_subscriber_address_used(c->db, channel, address, e);
    confirm_bucket(bucket, sizeof bucket, channel, address);
    if (used < 0 || (used == 0 && store_rate_clear(c->db, bucket, e) != 0) ||
        app_audit(c, "subscriber.delete", id, channel, e) != 0)
        rc = -1;
    free(channel);
    free(address);
    return rc;
}

int app_subscription_delete(struct app_ctx *c, const char *token, const char *client, struct err *e)
{
    char bucket[ADDRESS_MAX + 64];
    json_t *row = NULL;
    snprintf(bucket, sizeof bucket, "delete-ip:%s", client);
    if (app_rate_hit(c->db, bucket, (int)c->app->cfg->subscribe_per_ip_hour, 3600, NULL, e) != 0 ||
        db_begin(c->db, e) != 0)
        return -1;
    if (!(row = by_manage_token(c, token, e))) goto fail;
    int d = app_subscriber_erase(c, jint(row, "id"), e);
    json_decref(row);
    if (d == 0) bad_token(e); /* gone meanwhile */
    if (d != 1) goto fail;
    return app_commit(c, false, e);
fail:
    db_rollback(c->db);
    return -1;
}

int app_subscribe_address_limits(struct app_ctx *c, const char *channel, const char *address,
                                 json_t **out, struct err *e)
{
    char bucket[ADDRESS_MAX + 64];
    confirm_bucket(bucket, sizeof bucket, channel, address);
    json_t *rows = store_rate_windows(c->db, bucket, e);
    if (!rows) return -1;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_object_set_new(r, "bucket", json_string(bucket));
    *out = rows;
    return 0;
}

/* True when BODY, trimmed and case-folded, is one of WORDS. */
static bool is_word(const char *body, const char *const *words)
{
    while (isspace((unsigned char)*body))
        body++;
    size_t n = strlen(body);
    while (n && (isspace((unsigned char)body[n - 1]) || body[n - 1] == '.' || body[n - 1] == '!'))
        n--;
    for (int i = 0; words[i]; i++)
        if (strlen(words[i]) == n && strncasecmp(body, words[i], n) == 0) return true;
    return false;
}

int app_sms_inbound(struct app_ctx *c, const char *from, const char *body, char **reply,
                    struct err *e)
{
    static const char *const stop[] = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL",
                                       "END",  "QUIT",    NULL};
    static const char *const start[] = {"START", "UNSTOP", "YES", NULL};
    static const char *const help[] = {"HELP", "INFO", NULL};
    char norm[ADDRESS_MAX];
    *reply = NULL;
    if (!from || app_phone_normalise(from, norm, sizeof norm, e) != 0) return -1;
    body = body ? body : "";
    bool is_stop = is_word(body, stop), is_start = !is_stop && is_word(body, start);
    if (is_stop || is_start) {
        if (db_begin(c->db, e) != 0 ||
            store_subscribe_sms_state(c->db, norm, is_stop ? "active" : "stopped",
                                      is_stop ? "stopped" : "active", NULL, e) != 0 ||
            app_audit(c, is_stop ? "subscriber.sms_stop" : "subscriber.sms_start", 0, NULL, e) !=
                0) {
            db_rollback(c->db);
            return -1;
        }
        return app_commit(c, false, e);
    }
    if (is_word(body, help)) {
        json_t *page = store_page_get(c->db, c->page_id, e);
        const char *title = json_string_value(json_object_get(page, "title"));
        if (asprintf(reply,
                     "%s status notifications. Reply STOP to stop all texts, START to "
                     "resume.",
                     title ? title : "Status") < 0)
            abort();
        json_decref(page);
    }
    return 0;
}
