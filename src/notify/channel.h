/*
 * notify/channel — what the dispatcher and the channel files (email.c, sms.c,
 * slack.c, twitter.c, webhook.c, teams.c, discord.c, googlechat.c) share. Internal to
 * src/notify/. notify_ops (notify/ops.c) is the one table of senders, in the order of
 * domain/channel.h's table: a new channel is a row there, a file here and its row in
 * notify_ops.
 *
 * A `struct nmsg` is one message in flight: a claimed delivery (about an update,
 * or a subscriber confirmation or a team invitation), its curl easy handle, the request and
 * response bodies. A channel's prepare() sets the handle up; the dispatcher runs it on its curl
 * multi and calls the channel's classify() with the outcome (e-mail goes to the SMTP pool
 * instead, which gives the outcome itself): sent, retry
 * (transient: network, 5xx, 429, with the provider's Retry-After /
 * x-rate-limit-reset when given) or failed (permanent, with the reason).
 *
 * struct notify_env is what prepare() may use: the app (configuration, secret
 * key), the dispatcher's own database connection, templates, and the cached
 * models of the updates being sent (notify/context.c).
 */
#ifndef PHAROS_NOTIFY_CHANNEL_H
#define PHAROS_NOTIFY_CHANNEL_H
#include "app/app.h"
#include "core/buf.h"
#include "domain/notify_rules.h"
#include "notify/smtp_conn.h"
#include "notify/transfer.h"
#include "render/tmpl_set.h"
#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum outcome { OUT_SENT, OUT_RETRY, OUT_FAILED };

/* What a delivery is about (deliveries.kind). */
enum nmsg_kind { NMSG_UPDATE, NMSG_CONFIRMATION, NMSG_INVITATION };

/* The model cache holds a whole coalesced e-mail's updates (app/storm.h: STORM_DIGEST_MAX). */
enum { NOTIFY_MODEL_CACHE = 64, NOTIFY_RESP_MAX = 16 << 10 };

struct notify_env {
    struct app *app;
    struct db *db;
    struct tmpl_set *tmpl;
    json_t *models[NOTIFY_MODEL_CACHE]; /* update models, most recent first */
};

struct nmsg {
    struct nmsg *prev, *next; /* the dispatcher's list of messages in flight */
    const struct channel_ops *ops;
    enum nmsg_kind kind; /* what the delivery (id in deliveries) is about */
    int64_t id, page_id, update_id, subscriber_id, invitation_id, accepted, attempts;
    const char *lang; /* the subscriber's language (render/i18n.h's tag); NULL: the page's */
    char *recipient;
    int64_t *updates; /* a coalesced e-mail (app/storm.h): the NUPDATES updates it lists */
    int nupdates;     /* 0 unless it lists more than update_id */
    CURL *easy;       /* NULL for SMTP messages */
    struct curl_slist *headers;
    struct buf req;              /* request body (the whole message for SMTP) */
    struct smtp_job smtp;        /* SMTP messages: the job on the SMTP pool */
    struct buf resp;             /* response body, at most NOTIFY_RESP_MAX bytes kept */
    int64_t retry_after;         /* seconds the provider asked us to wait; 0: none */
    struct transfer_guard guard; /* private targets: allowed? refused? */
    bool stop_subscriber;        /* Twilio: the number has unsubscribed */
    bool bounce;                 /* SMTP: the recipient's server refused the address */
    char error[1024];            /* why it was not sent */
};

struct channel_ops {
    enum channel bit; /* its row in domain/channel.h: name, label, trusted target or not */
    /* Sets up M->easy (which has the common options) and M->req. Returns 0, or -1
     * with M->error filled when the message can never be sent. */
    int (*prepare)(struct notify_env *env, struct nmsg *m);
    /* The outcome of the transfer (CC, and the HTTP STATUS); fills M->error. NULL for
     * SMTP, whose connections give the outcome (notify/smtp_conn.h). */
    enum outcome (*classify)(struct nmsg *m, CURLcode cc, long status);
    /* The message goes to the SMTP pool (notify/smtp_pool.h), not the curl multi:
     * prepare() puts it whole in M->req and does not touch M->easy. */
    bool smtp;
};
/* Whether the private-address guard is off for OPS: its channel sends only to the
 * operator's configuration (email.smtp_url, sms.api_base, twitter.api_base), which is
 * trusted (domain/channel.h, operator_target); channels whose target a page admin or
 * visitor supplies (chat webhook_url, the webhook's url) are guarded unless
 * security.allow_private_targets. */
#define CHANNEL_TRUSTED(ops) (channel_info((ops)->bit)->operator_target)

extern const struct channel_ops notify_email, notify_sms, notify_slack, notify_twitter,
    notify_webhook, notify_teams, notify_discord, notify_googlechat;

/* The senders, in domain/channel.h's order: notify_ops[i]->bit is channel_table[i].bit. */
extern const struct channel_ops *const notify_ops[CHANNEL_COUNT];

/* The channel called NAME, or NULL. */
const struct channel_ops *notify_channel(const char *name);

/*
 * The model of update UPDATE_ID (borrowed, valid until the next call), cached:
 * {"page":{"id","title","url","time_zone"},"event":{"id","kind","title","impact","url",
 *  "services":[{"id","name","status"}],"services_text","window","window_short","window_short_utc",
 *  "scheduled_start","scheduled_end"},"update":{"id","kind","stage","stage_label","message",
 *  "message_html","message_text","created_at","time","time_short"},"subject"};
 * "window" (a maintenance's, else "") and "time" in the page's zone and in UTC for
 * e-mail and Slack, the _short forms for SMS and tweets, RFC 3339 for webhooks;
 * page.url is the page's public URL (store_page_url), event.url starts with it.
 * In LANG (a subscriber's, canonical: render/i18n.h; NULL: the page's default), with
 * "lang", the catalogue "t", "reason" (why the reader gets it) and event "view_text"
 * (notify/context.c says what is translated).
 * NULL with E filled (ERR_NOT_FOUND when the update was deleted).
 */
json_t *notify_update_model(struct notify_env *env, int64_t update_id, const char *lang,
                            struct err *e);
/* Sets MODEL's "lang" (LANG), "t" (its catalogue) and "reason" (from its "page.title"). */
void notify_model_words(json_t *model, const char *lang);
/* For a confirmation M: {"page":{"id","title","url"},"channel","address","confirm_url",
 * "code","manage_url","lang","t","reason","intro"} in the subscriber's language (new
 * reference); NULL with M->error when the subscriber is gone. */
json_t *notify_confirmation_model(struct notify_env *env, struct nmsg *m);
/* For an invitation M: {"page":{"id","title"},"email","role","inviter","invite_url",
 * "expires_at"} (new reference), invite_url on the page's public URL; NULL with M->error
 * when it was accepted, withdrawn or has expired. */
json_t *notify_invitation_model(struct notify_env *env, struct nmsg *m);
/* The preferences and one-click unsubscribe links of subscriber ID of PAGE_ID, set on
 * MODEL as "manage_url" and "unsubscribe_url", on MODEL's "page.url" (the page's public
 * URL, which the update and confirmation models carry). */
void notify_subscriber_links(struct notify_env *env, int64_t page_id, int64_t id, json_t *model);
/* Renders template NAME (under templates/) with MODEL; NULL with M->error filled. */
char *notify_render(struct notify_env *env, struct nmsg *m, const char *name, json_t *model,
                    enum tmpl_mode mode);
/* The enabled integration KIND of PAGE_ID with its secrets, or NULL with M->error. */
json_t *notify_integration(struct notify_env *env, struct nmsg *m, int64_t page_id,
                           const char *kind);
/* For a chat service's delivery M (an update, to the page's integration KIND): *MODEL
 * gets the update's model (borrowed, notify_update_model) and the integration's config
 * is returned (caller frees) with *URL its webhook_url (in it); NULL with M->error when
 * the update, the integration or its URL is gone. A delivery to a subscriber goes to its
 * URL instead (notify_hook_target). */
json_t *notify_chat_target(struct notify_env *env, struct nmsg *m, const char *kind, json_t **model,
                           const char **url);
/* The same for a delivery M to a URL subscriber (notify/hook_target.c): *URL is M's
 * recipient (the subscriber's URL) and *MODEL the update's model, or for a test message
 * (a confirmation) notify_hook_test_model's; the config returned holds them. */
json_t *notify_hook_target(struct notify_env *env, struct nmsg *m, json_t **model,
                           const char **url);
/* What a URL subscriber's test message says, shaped as an update model (the chat senders
 * use it as one): "subject", "page", "event" {"title","url" (the preferences page),
 * "kind","impact"}, "update" {"stage_label","message_text","time"}, and "manage_url";
 * NULL with M->error when the subscriber is gone or no longer pending. New reference. */
json_t *notify_hook_test_model(struct notify_env *env, struct nmsg *m);
/* Classification shared by the HTTP channels: 2xx sent; 408, 425, 429, 5xx and network
 * errors retried; other statuses failed with the first bytes of the answer. */
enum outcome notify_http_classify(struct nmsg *m, CURLcode cc, long status);
/* How an update looks in a chat service's colours: resolved or completed (good), a
 * maintenance (accent), else by the incident's impact (none, minor, major, critical). */
enum notify_tone { TONE_GOOD, TONE_MAINTENANCE, TONE_NONE, TONE_MINOR, TONE_MAJOR, TONE_CRITICAL };
/* The word KEY of MODEL's language ("lang"; none: en), from its catalogue (render/i18n.h). */
const char *notify_word(json_t *model, const char *key);
/* "Posted TIME", then " · When: WINDOW" for a maintenance, in MODEL's language (malloc'd). */
char *notify_when_line(json_t *model);
/* The tone of the update MODEL (notify_update_model). */
enum notify_tone notify_tone(json_t *model);
/* "event.title" style lookups in an update model: "" when absent. */
const char *notify_get(json_t *model, const char *a, const char *b);
/* Sets a JSON request body and its Content-Type on M. */
void notify_json_body(struct nmsg *m, json_t *body);
/* Frees the models of ENV. */
void notify_env_cleanup(struct notify_env *env);

#endif
