/*
 * web/subscribe_hooks — the public pages of URL subscriptions (SPEC §15; app/subscribe_hooks.h):
 *
 *   POST /subscribe                      channel= (webhook, slack, teams, discord,
 *                                        googlechat) and url= (web/subscribe.c hands such a
 *                                        form here): "we posted a test message", the link to
 *                                        the preferences page and, for a webhook, its signing
 *                                        secret — shown this once
 *   POST /subscription/{token}/reactivate  a pending or quarantined URL subscription: a new
 *                                        test message; 303 back to the preferences page
 *
 * and what the preferences page shows of one (web_subscription_hook_model): the channel,
 * the state (a catalogue key web/subscribe_page.c says in the reader's language), the last
 * test message's outcome and the Reactivate button.
 */
#include "app/subscribe_hooks.h"
#include "domain/channel.h"
#include "http/form.h"
#include "http/reply.h"
#include "web/subscribe.h"
#include <stdio.h>
#include <string.h>

static const char *label(const char *channel)
{
    enum channel ch;
    return channel_parse(channel, &ch) == 0 ? channel_info(ch)->label : channel;
}

void web_subscribe_hook(struct req *r, json_t *form)
{
    struct err e = {0};
    struct app_ctx c;
    json_t *in = json_object(), *out = NULL;
    const char *channel = form_str(form, "channel"), *url = form_str(form, "url");
    if (channel) json_object_set_new(in, "channel", json_string(channel));
    if (url) json_object_set_new(in, "url", json_string(url));
    int rc =
        web_subscribe_ctx(r, &c, &e) == 0 ? app_subscribe_hook(&c, in, r->client, &out, &e) : -1;
    json_decref(in);
    if (rc != 0 && (e.code == ERR_INVALID || e.code == ERR_CONFLICT)) {
        web_subscribe_render(r, e.code == ERR_INVALID ? 400 : 409, "public/subscribe.html",
                             json_pack("{s:s, s:s, s:s, s:s}", "doc_title", "Subscribe", "error",
                                       e.msg, "hook_url", url ? url : "", "hook_channel",
                                       channel ? channel : ""));
    } else if (rc != 0) {
        reply_error(r, &e);
    } else {
        json_t *sent = json_pack(
            "{s:O, s:s, s:O, s:O, s:O?}", "channel", json_object_get(out, "channel"), "label",
            label(json_string_value(json_object_get(out, "channel"))), "address",
            json_object_get(out, "address"), "manage_token", json_object_get(out, "manage_token"),
            "secret", json_object_get(out, "secret"));
        web_subscribe_render(r, 200, "public/subscribe.html",
                             json_pack("{s:s, s:o}", "doc_title", "Subscribe", "sent_hook", sent));
    }
    json_decref(out);
}

void web_subscription_hook_model(struct app_ctx *c, const char *token, json_t *prefs)
{
    const char *channel = json_string_value(json_object_get(prefs, "channel"));
    const char *state = json_string_value(json_object_get(prefs, "state"));
    int64_t id, exp;
    if (!channel || !app_hook_channel(channel) || subscribe_token_parse(token, &id, &exp) != 'm')
        return;
    json_object_set_new(prefs, "is_hook", json_true());
    json_object_set_new(prefs, "channel_label", json_string(label(channel)));
    bool quarantined = strcmp(state, "quarantined") == 0, pending = strcmp(state, "pending") == 0;
    json_object_set_new(prefs, "can_reactivate", json_boolean(quarantined || pending));
    if (quarantined) {
        json_object_set_new(prefs, "state_key", json_string("sub_state_quarantined"));
    } else if (pending) {
        json_t *t = app_hook_last_test(c, id);
        const char *ts = json_string_value(json_object_get(t, "state"));
        const char *err = json_string_value(json_object_get(t, "error"));
        bool failed = ts && (strcmp(ts, "failed") == 0 || strcmp(ts, "dead") == 0 ||
                             (strcmp(ts, "pending") == 0 && err));
        json_object_set_new(prefs, "state_key",
                            json_string(!failed                      ? "sub_state_testing"
                                        : strcmp(ts, "pending") == 0 ? "sub_state_test_retrying"
                                                                     : "sub_state_test_failed"));
        if (err) json_object_set_new(prefs, "state_error", json_string(err));
        json_object_set_new(prefs, "test_state", json_string(ts ? ts : ""));
        json_decref(t);
    } else if (strcmp(state, "unsubscribed") == 0) {
        json_object_set_new(prefs, "state_key", json_string("sub_state_hook_unsubscribed"));
    }
}

static void on_reactivate(struct req *r)
{
    struct err e = {0};
    struct app_ctx c;
    json_t *form = NULL;
    if (web_subscribe_form(r, &form) != 0) return;
    if (web_subscribe_ctx(r, &c, &e) != 0 ||
        app_subscription_hook_retry(&c, r->params[0], &e) != 0) {
        reply_error(r, &e);
    } else {
        char loc[SUBSCRIBE_TOKEN_MAX + 32];
        snprintf(loc, sizeof loc, "/subscription/%s", r->params[0]);
        reply_header(r, "Referrer-Policy", "no-referrer");
        reply_redirect(r, 303, loc);
    }
    json_decref(form);
}

const struct route web_subscribe_hook_routes[] = {
    {M_POST, "/subscription/{token}/reactivate", on_reactivate},
    {0, NULL, NULL},
};
