/*
 * notify/webhook — the page's own webhook (SPEC §10): POST {url} with the JSON
 * of the event and update, signed "X-Pharos-Signature: sha256=HEX" (HMAC-SHA256
 * of the exact body with the integration's secret; no header when no secret is
 * set). X-Pharos-Delivery carries the delivery id, stable across retries, so a
 * receiver can drop duplicates.
 *
 * Body: {"page":{"id","title","url","time_zone"},"event":{"id","kind","title","impact",
 *        "url","scheduled_start","scheduled_end" (RFC 3339; null but for maintenance),
 *        "services":[{"id","name","status"}]},"update":{"id","kind","stage","message",
 *        "created_at" (RFC 3339)}}   (update.kind: "update", or "reminder" / "postmortem"
 *        for a maintenance's reminder and an incident's postmortem: domain/event.h)
 *
 * A visitor's webhook subscription (SPEC §15) gets the same body at its own URL, signed
 * with its own secret (app_hook_secret); its test message is
 * {"type":"test","page":{…},"subscription":{"id","manage_url"},"message"}.
 */
#include "app/subscribe_hooks.h"
#include "core/sign.h"
#include "notify/channel.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The URL and secret of M's target into *CFG (caller frees): the page's integration, or
 * the subscriber's own. 0, or -1 with M->error. */
static int target(struct notify_env *env, struct nmsg *m, json_t **cfg)
{
    if (!m->subscriber_id) {
        if (!(*cfg = notify_integration(env, m, m->page_id, "webhook"))) return -1;
        return 0;
    }
    struct err e = {0};
    char *secret = app_hook_secret(env->app, env->db, m->subscriber_id, &e);
    if (e.code) {
        snprintf(m->error, sizeof m->error, "%s", e.msg);
        return -1;
    }
    char *url = app_hook_url(env->app, env->db, m->subscriber_id, m->recipient, &e);
    if (!url) {
        snprintf(m->error, sizeof m->error, "%s", e.msg);
    } else {
        *cfg = json_pack("{s:s, s:s?}", "url", url, "secret", secret);
        sodium_memzero(url, strlen(url));
        free(url);
    }
    if (secret) sodium_memzero(secret, strlen(secret));
    free(secret);
    return url ? 0 : -1;
}

/* A subscriber's test message (model from notify_hook_test_model), as the body. */
static json_t *test_body(struct notify_env *env, struct nmsg *m)
{
    json_t *t = notify_hook_test_model(env, m);
    if (!t) return NULL;
    json_t *body =
        json_pack("{s:s, s:O, s:{s:I, s:O}, s:O}", "type", "test", "page",
                  json_object_get(t, "page"), "subscription", "id", (json_int_t)m->subscriber_id,
                  "manage_url", json_object_get(t, "manage_url"), "message",
                  json_object_get(json_object_get(t, "update"), "message_text"));
    json_decref(t);
    return body;
}

/* The §10 body of M's update. */
static json_t *update_body(struct notify_env *env, struct nmsg *m)
{
    struct err e = {0};
    json_t *model = notify_update_model(env, m->update_id, m->lang, &e);
    if (!model) {
        snprintf(m->error, sizeof m->error, "%s", e.msg);
        return NULL;
    }
    json_t *ev = json_object_get(model, "event"), *up = json_object_get(model, "update");
    json_t *body =
        json_pack("{s:O, s:{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}, s:{s:O, s:O, s:O, s:O, s:O}}",
                  "page", json_object_get(model, "page"), "event", "id", json_object_get(ev, "id"),
                  "kind", json_object_get(ev, "kind"), "title", json_object_get(ev, "title"),
                  "impact", json_object_get(ev, "impact"), "url", json_object_get(ev, "url"),
                  "scheduled_start", json_object_get(ev, "scheduled_start"), "scheduled_end",
                  json_object_get(ev, "scheduled_end"), "services", json_object_get(ev, "services"),
                  "update", "id", json_object_get(up, "id"), "kind", json_object_get(up, "kind"),
                  "stage", json_object_get(up, "stage"), "message", json_object_get(up, "message"),
                  "created_at", json_object_get(up, "created_at"));
    return body;
}

static int prepare(struct notify_env *env, struct nmsg *m)
{
    json_t *cfg = NULL;
    if (target(env, m, &cfg) != 0) return -1;
    const char *url = json_string_value(json_object_get(cfg, "url"));
    const char *secret = json_string_value(json_object_get(cfg, "secret"));
    if (!url || !*url) {
        snprintf(m->error, sizeof m->error, "the webhook integration has no url");
        json_decref(cfg);
        return -1;
    }
    json_t *body = m->kind == NMSG_CONFIRMATION ? test_body(env, m) : update_body(env, m);
    if (!body) {
        json_decref(cfg);
        return -1;
    }
    curl_easy_setopt(m->easy, CURLOPT_URL, url);
    notify_json_body(m, body);
    json_decref(body);
    char hdr[64];
    snprintf(hdr, sizeof hdr, "X-Pharos-Delivery: %lld", (long long)m->id);
    m->headers = curl_slist_append(m->headers, hdr);
    if (secret && *secret) {
        char *sig = sign_webhook(secret, m->req.data, m->req.len);
        char *h = NULL;
        if (asprintf(&h, "X-Pharos-Signature: %s", sig) < 0) abort();
        m->headers = curl_slist_append(m->headers, h);
        free(h);
        free(sig);
    }
    json_decref(cfg);
    return 0;
}

const struct channel_ops notify_webhook = {
    .bit = CH_WEBHOOK, .prepare = prepare, .classify = notify_http_classify};
