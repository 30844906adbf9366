/*
 * app/subscribers — subscriber use cases for the team. See subscribers.h.
 *
 * Addresses are stored normalised (e-mail lower-case, phones E.164), so the
 * page/channel/address uniqueness of the schema catches duplicates. Subscribers
 * are not public, so writes are not public changes. Adding an unconfirmed
 * subscriber queues the usual confirmation in the same transaction (the outbox,
 * app/subscribe.h); the dispatcher sends it.
 */
#include "app/subscribers.h"
#include "app/subscribe.h"
#include "app/subscribe_hooks.h"
#include "app/users.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "render/i18n.h"
#include "store/pages.h"
#include "store/services.h"
#include "store/subscribers.h"
#include <ctype.h>
#include <string.h>

static const char *const channels[] = {"email", "sms",     "webhook",    "slack",
                                       "teams", "discord", "googlechat", NULL};
static const char *const states[] = {"pending", "active",      "stopped", "unsubscribed",
                                     "bounced", "quarantined", NULL};
/* A subscriber becomes pending only by subscribing, never by an edit. */
static const char *const settable_states[] = {"active", "stopped", "unsubscribed", NULL};

enum { MAX_CHOSEN = 1000, ADDRESS_MAX = 254 };

static int not_found(int64_t id, struct err *e)
{
    return err_set(e, ERR_NOT_FOUND, "no subscriber with id %lld on this page", (long long)id);
}

int app_subscriber_counts(struct app_ctx *c, json_t **out, struct err *e)
{
    if (app_require(c, PERM_SUBSCRIBERS, e) != 0) return -1;
    json_t *rows = store_subscriber_counts(c->db, c->page_id, e);
    if (!rows) return -1;
    json_t *counts = json_object();
    for (int i = 0; channels[i]; i++) {
        json_t *per = json_object();
        for (int k = 0; states[k]; k++)
            json_object_set_new(per, states[k], json_integer(0));
        json_object_set_new(counts, channels[i], per);
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *per = json_object_get(counts, json_string_value(json_object_get(r, "channel")));
        if (per)
            json_object_set(per, json_string_value(json_object_get(r, "state")),
                            json_object_get(r, "n"));
    }
    json_decref(rows);
    *out = counts;
    return 0;
}

int app_subscribers_list(struct app_ctx *c, const char *channel, const char *state,
                         const struct paging *pg, json_t **out, struct err *e)
{
    json_t *counts = NULL;
    if (app_require(c, PERM_SUBSCRIBERS, e) != 0 ||
        in_filter("channel", channel, channels, &channel, e) != 0 ||
        in_filter("state", state, states, &state, e) != 0)
        return -1;
    json_t *rows =
        store_subscribers_list(c->db, c->page_id, channel, state, pg->cursor, pg->limit + 1, e);
    if (!rows) return -1;
    if (app_subscriber_counts(c, &counts, e) != 0) {
        json_decref(rows);
        return -1;
    }
    *out = out_list("subscribers", rows, pg, true);
    json_object_set_new(*out, "counts", counts);
    return 0;
}

int app_subscriber_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e)
{
    if (app_require(c, PERM_SUBSCRIBERS, e) != 0) return -1;
    json_t *s = store_subscriber_get(c->db, c->page_id, id, e);
    if (!s) return e->code ? -1 : not_found(id, e);
    *out = s;
    return 0;
}

static bool has_id(json_t *ids, int64_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) if (json_integer_value(v) == id) return true;
    return false;
}

/*
 * Reads "services" of IN: *SET tells whether it is there; *IDS gets NULL for
 * "all", else a new array of distinct ids, each a service of C's page.
 */
static int read_services(struct app_ctx *c, json_t *in, bool *set, json_t **ids, struct err *e)
{
    json_t *v = json_object_get(in, "services"), *list = NULL, *s;
    size_t i;
    *ids = NULL;
    *set = v != NULL;
    if (!v || (json_is_string(v) && strcmp(json_string_value(v), "all") == 0)) return 0;
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > MAX_CHOSEN)
        return err_set(e, ERR_INVALID,
                       "services must be \"all\" or an array of 1 to %d service ids", MAX_CHOSEN);
    list = json_array();
    json_array_foreach(v, i, s)
    {
        int64_t id = json_is_integer(s) ? json_integer_value(s) : 0;
        if (id <= 0) {
            err_set(e, ERR_INVALID,
                    "services must be \"all\" or an array of service ids "
                    "(positive whole numbers)");
            goto fail;
        }
        if (has_id(list, id)) continue;
        json_t *svc = store_service_get(c->db, c->page_id, id, e);
        if (!svc) {
            if (!e->code)
                err_set(e, ERR_INVALID, "services: %lld is not a service of this page",
                        (long long)id);
            goto fail;
        }
        json_decref(svc);
        json_array_append_new(list, json_integer(id));
    }
    *ids = list;
    return 0;
fail:
    json_decref(list);
    return -1;
}

/* IN's optional "language" (SPEC §16: the language of every message to the subscriber)
 * into *LANG, canonical; absent: the page's default language. */
static int read_language(struct app_ctx *c, json_t *in, const char **lang, struct err *e)
{
    const json_t *v = json_object_get(in, "language");
    if (v) {
        *lang = i18n_canon(json_string_value(v));
        return *lang ? 0
                     : err_set(e, ERR_INVALID, "language must be one of en, de, fr, es, pt-BR, ja");
    }
    json_t *page = store_page_get(c->db, c->page_id, e);
    if (!page && e->code) return -1;
    *lang = i18n_canon(json_string_value(json_object_get(page, "default_language")));
    if (!*lang) *lang = "en";
    json_decref(page);
    return 0;
}

/* The team's POST subscribers for a URL channel: IN {"channel","address"} (the URL); as
 * app_subscribe_hook (app/subscribe_hooks.h) without the per-client limit. *OUT: the
 * subscriber with "secret" for a webhook (shown once). */
static int hook_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e)
{
    static const char *const keys[] = {"channel", "address", NULL};
    json_t *hook = NULL;
    if (app_require(c, PERM_SUBSCRIBERS, e) != 0 || in_only(in, keys, e) != 0) return -1;
    json_t *args = json_pack("{s:O, s:O?}", "channel", json_object_get(in, "channel"), "url",
                             json_object_get(in, "address"));
    int rc = app_subscribe_hook(c, args, NULL, &hook, e);
    json_decref(args);
    if (rc == 0)
        rc = app_subscriber_get(c, json_integer_value(json_object_get(hook, "id")), out, e);
    if (rc == 0 && json_object_get(hook, "secret"))
        json_object_set(*out, "secret", json_object_get(hook, "secret"));
    json_decref(hook);
    return rc;
}

int app_subscriber_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e)
{
    static const char *const keys[] = {"channel",   "address",  "services",
                                       "confirmed", "language", NULL};
    const char *channel = NULL, *address = NULL, *lang = NULL;
    bool confirmed = false, set;
    char norm[ADDRESS_MAX + 2];
    json_t *ids = NULL;
    int rc = -1;
    if (app_require(c, PERM_SUBSCRIBERS, e) != 0 || in_only(in, keys, e) != 0 ||
        in_enum(in, "channel", channels, true, &channel, e) != 0 ||
        in_text(in, "address", ADDRESS_MAX, true, false, &address, e) != 0 ||
        in_bool(in, "confirmed", &confirmed, e) != 0 || read_language(c, in, &lang, e) != 0)
        return -1;
    if (app_hook_channel(channel)) /* a URL: its test message decides (SPEC §15) */
        return hook_create(c, in, out, e);
    if ((strcmp(channel, "email") == 0 ? app_email_normalise(address, norm, sizeof norm, e)
                                       : app_phone_normalise(address, norm, sizeof norm, e)) != 0)
        return -1;
    if (!confirmed && !app_channel_offered(c->app->cfg, channel))
        return err_set(e, ERR_CONFLICT,
                       "confirmed: a confirmation cannot be sent, %s is not configured on this "
                       "server; add the subscriber as confirmed, or configure it first",
                       strcmp(channel, "email") == 0 ? "e-mail (email.smtp_url)"
                                                     : "SMS (sms.account_sid, sms.auth_token, "
                                                       "sms.from)");
    if (db_begin(c->db, e) != 0) return -1;
    int64_t id = 0;
    if (read_services(c, in, &set, &ids, e) != 0 ||
        (id = store_subscriber_insert(c->db, c->page_id, channel, norm,
                                      confirmed ? "active" : "pending", confirmed ? time_now() : 0,
                                      e)) < 0 ||
        (ids && store_subscriber_set_services(c->db, id, ids, e) != 0) ||
        store_subscriber_set_language(c->db, id, lang, e) != 0 ||
        (!confirmed && app_subscribe_queue_confirmation(c, id, channel, norm, e) != 0) ||
        app_audit(c, "subscriber.create", id, channel, e) != 0) {
        db_rollback(c->db);
        goto out;
    }
    if (app_commit(c, false, e) != 0) goto out;
    if (!confirmed && c->app->on_work)
        c->app->on_work(c->app); /* the dispatcher sends the confirmation */
    rc = app_subscriber_get(c, id, out, e);
out:
    json_decref(ids);
    return rc;
}

int app_subscriber_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e)
{
    static const char *const keys[] = {"services", "state", NULL};
    const char *state = NULL;
    json_t *ids = NULL, *cur = NULL;
    bool set;
    int rc = -1;
    if (app_require(c, PERM_SUBSCRIBERS, e) != 0 || in_only(in, keys, e) != 0 ||
        in_enum(in, "state", settable_states, in_has(in, "state"), &state, e) != 0 ||
        db_begin(c->db, e) != 0)
        return -1;
    if (!(cur = store_subscriber_get(c->db, c->page_id, id, e))) {
        if (!e->code) not_found(id, e);
        goto fail;
    }
    if (state && strcmp(state, "active") == 0 &&
        app_hook_channel(json_string_value(json_object_get(cur, "channel"))) &&
        strcmp(json_string_value(json_object_get(cur, "state")), "active") != 0) {
        err_set(e, ERR_CONFLICT,
                "state: a URL subscriber becomes active when its test message is answered; "
                "reactivate it with POST subscribers/%lld/reactivate",
                (long long)id);
        goto fail;
    }
    if (read_services(c, in, &set, &ids, e) != 0 ||
        (set && store_subscriber_set_services(c->db, id, ids, e) != 0) ||
        (state && store_subscriber_set_state(c->db, c->page_id, id, state, e) != 0) ||
        app_audit(c, "subscriber.update", id, state, e) != 0)
        goto fail;
    if (app_commit(c, false, e) != 0) goto out;
    rc = app_subscriber_get(c, id, out, e);
    goto out;
fail:
    db_rollback(c->db);
out:
    json_decref(cur);
    json_decref(ids);
    return rc;
}

int app_subscriber_delete(struct app_ctx *c, int64_t id, struct err *e)
{
    if (app_require(c, PERM_SUBSCRIBERS, e) != 0 || db_begin(c->db, e) != 0) return -1;
    int d = app_subscriber_erase(c, id, e);
    if (d == 0) not_found(id, e);
    if (d != 1) {
        db_rollback(c->db);
        return -1;
    }
    return app_commit(c, false, e);
}

int app_subscriber_export(struct app_ctx *c, int64_t id, json_t **out, struct err *e)
{
    json_t *limits = NULL, *x;
    char now[32];
    if (app_require(c, PERM_SUBSCRIBERS, e) != 0) return -1;
    if (!(x = store_subscriber_export(c->db, c->page_id, id, e)))
        return e->code ? -1 : not_found(id, e);
    json_t *sub = json_object_get(x, "subscriber");
    if (app_subscribe_address_limits(c, json_string_value(json_object_get(sub, "channel")),
                                     json_string_value(json_object_get(sub, "address")), &limits,
                                     e) != 0) {
        json_decref(x);
        return -1;
    }
    json_object_set_new(x, "rate_limits", limits);
    json_object_set_new(x, "exported_at", json_string(time_format(time_now(), now, sizeof now)));
    *out = x;
    return 0;
}
