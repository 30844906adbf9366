/*
 * notify/hook_target — where a chat or webhook delivery goes (notify_chat_target: the
 * page integration's URL, or a URL subscriber's, SPEC §15) and what a URL subscriber's
 * test message says. See channel.h (notify_chat_target, notify_hook_target,
 * notify_hook_test_model).
 *
 * The chat senders (slack.c, teams.c, discord.c, googlechat.c) build their payloads from
 * an update model; a subscriber's delivery gets the same model and the subscriber's URL
 * (the delivery's recipient, which expansion copied from subscribers.address) instead of
 * the page integration's. The test message is a model of its own shape, so each chat
 * service's payload builder (and escaping) serves it unchanged: its title says it is a
 * test, its link is the subscriber's preferences page.
 */
#include "app/subscribe_hooks.h"
#include "core/xalloc.h"
#include "notify/channel.h"
#include "render/i18n.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

json_t *notify_hook_test_model(struct notify_env *env, struct nmsg *m)
{
    json_t *c = notify_confirmation_model(env, m);
    if (!c) return NULL;
    const char *page = json_string_value(json_object_get(json_object_get(c, "page"), "title"));
    const char *manage = json_string_value(json_object_get(c, "manage_url"));
    char when[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    const char *lang = json_string_value(json_object_get(c, "lang"));
    char title[256], text[2048];
    snprintf(title, sizeof title, "%s", i18n_get(lang, "hook_test_title"));
    i18n_fill(text, sizeof text, i18n_get(lang, "hook_test_text"), "page", page ? page : "", "url",
              manage ? manage : "", NULL);
    char *subject = xasprintf("[%s] %s", page ? page : "", title);
    json_t *model = json_pack(
        "{s:s, s:O, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:[]}, s:{s:s, s:s, s:s, s:s, s:s}, s:s?}",
        "subject", subject, "page", json_object_get(c, "page"), "event", "title", title, "url",
        manage ? manage : "", "kind", "incident", "impact", "none", "services_text", "", "window",
        "", "services", "update", "kind", "test", "stage", "", "stage_label",
        i18n_get(lang, "hook_subscribed"), "message_text", text, "time", when, "manage_url",
        manage);
    notify_model_words(model, lang ? lang : "en");
    free(subject);
    json_decref(c);
    return model;
}

json_t *notify_hook_target(struct notify_env *env, struct nmsg *m, json_t **model, const char **url)
{
    struct err e = {0};
    char *target = app_hook_url(env->app, env->db, m->subscriber_id, m->recipient, &e);
    if (!target) {
        snprintf(m->error, sizeof m->error, "%s", e.msg);
        return NULL;
    }
    json_t *cfg = json_pack("{s:s}", "webhook_url", target);
    sodium_memzero(target, strlen(target));
    free(target);
    if (m->kind == NMSG_CONFIRMATION) {
        json_t *t = notify_hook_test_model(env, m);
        if (!t) {
            json_decref(cfg);
            return NULL;
        }
        json_object_set_new(cfg, "model", t);
        *model = t;
    } else if (!(*model = notify_update_model(env, m->update_id, m->lang, &e))) {
        snprintf(m->error, sizeof m->error, "%s", e.msg);
        json_decref(cfg);
        return NULL;
    }
    *url = json_string_value(json_object_get(cfg, "webhook_url"));
    return cfg;
}

json_t *notify_chat_target(struct notify_env *env, struct nmsg *m, const char *kind, json_t **model,
                           const char **url)
{
    struct err e = {0};
    json_t *cfg;
    if (m->subscriber_id) return notify_hook_target(env, m, model, url);
    if (!(*model = notify_update_model(env, m->update_id, NULL, &e))) {
        snprintf(m->error, sizeof m->error, "%s", e.msg);
        return NULL;
    }
    if (!(cfg = notify_integration(env, m, m->page_id, kind))) return NULL;
    *url = json_string_value(json_object_get(cfg, "webhook_url"));
    if (!*url || !**url) {
        snprintf(m->error, sizeof m->error, "the %s integration has no webhook_url", kind);
        json_decref(cfg);
        return NULL;
    }
    return cfg;
}
