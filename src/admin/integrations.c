/*
 * admin/integrations — the Integrations screen (SPEC §8, §10, §15): the chat services
 * (Slack, Microsoft Teams, Discord, Google Chat: an incoming webhook URL each, one card
 * per channel of domain/channel.h's table with that form), the outbound webhook (URL
 * and signing secret) and Twitter
 * (enable; the account is connected with "Sign in with Twitter", whose calls to
 * Twitter the dispatcher makes: see app/twitter_connect.h). Secrets are
 * write-only: the form never shows them, an empty secret field keeps the stored
 * one. Needs PERM_SETTINGS.
 */
#include "app/integrations.h"
#include "admin/admin.h"
#include "app/twitter_connect.h"
#include "domain/channel.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct field chat_fields[] = {{"enabled", F_BOOL}, {"webhook_url", F_OPT}, {NULL, 0}};
static const struct field webhook_fields[] = {
    {"enabled", F_BOOL}, {"url", F_TEXT}, {"secret", F_OPT}, {NULL, 0}};
static const struct field twitter_fields[] = {{"enabled", F_BOOL}, {NULL, 0}};

/* The form's fields of integration KIND, or NULL when there is none. */
static const struct field *fields_of(const char *kind)
{
    const struct channel_info *ci = channel_integration(kind);
    switch (ci ? ci->form : FORM_NONE) {
    case FORM_CHAT_URL:
        return chat_fields;
    case FORM_SIGNED_URL:
        return webhook_fields;
    case FORM_TWITTER:
        return twitter_fields;
    default:
        return NULL;
    }
}

/* The cards of the chat services for M: [{"kind","label","example","enabled",
 * "webhook_url_set","errors"}] in the table's order, from M's integrations and errors. */
static json_t *chat_cards(json_t *m)
{
    json_t *cards = json_array();
    for (int i = 0; i < CHANNEL_COUNT; i++) {
        const struct channel_info *ci = &channel_table[i];
        if (ci->form != FORM_CHAT_URL) continue;
        json_t *it = json_object_get(m, ci->name),
               *errs = json_object_get(json_object_get(m, "errors"), ci->name);
        json_array_append_new(
            cards, json_pack("{s:s, s:s, s:s, s:b, s:b, s:O}", "kind", ci->name, "label", ci->label,
                             "example", ci->example, "enabled",
                             json_is_true(json_object_get(it, "enabled")), "webhook_url_set",
                             json_is_true(json_object_get(it, "webhook_url_set")), "errors",
                             errs ? errs : json_null()));
    }
    return cards;
}

/*
 * "Sign in with Twitter" posts a form whose redirects end at Twitter (via the
 * connecting page); the console's Content-Security-Policy allows forms to post
 * only to 'self' and checks every redirect of the submission against it, so this
 * screen's policy also names the Twitter API's origin.
 */
static void allow_twitter_redirect(struct admin *a)
{
    char origin[300], csp[700];
    const char *base = a->c.app->cfg->twitter_api_base;
    const char *h = base ? strstr(base, "://") : NULL;
    if (!h) return;
    size_t n = (size_t)(h + 3 - base) + strcspn(h + 3, "/?#");
    if (n >= sizeof origin || strpbrk(base, " ;,'\"\r\n")) return;
    memcpy(origin, base, n);
    origin[n] = '\0';
    snprintf(
        csp, sizeof csp,
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' %s",
        origin);
    reply_header(a->r, "Content-Security-Policy", csp);
}

/* Shows the screen with M (stolen): every integration under its kind. */
static void show(struct admin *a, int status, json_t *m)
{
    struct err e = {0};
    json_t *out = NULL, *it;
    size_t i;
    if (app_integrations_list(&a->c, &out, &e) != 0) {
        json_decref(m);
        admin_error(a, &e);
        return;
    }
    json_array_foreach(json_object_get(out, "integrations"), i, it)
        json_object_set(m, json_string_value(json_object_get(it, "kind")), it);
    json_object_set_new(m, "chats", chat_cards(m));
    json_object_set_new(m, "twitter_ready", json_boolean(app_twitter_configured(a->c.app->cfg)));
    json_decref(out);
    allow_twitter_redirect(a);
    admin_render(a, status, "integrations.html", "Integrations", "integrations", m);
}

static void list(struct req *r)
{
    admin_show(r, PERM_SETTINGS, show);
}

static void put(struct req *r)
{
    struct admin a;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) return;
    const char *kind = r->params[0];
    const struct field *fields = fields_of(kind);
    if (!fields) {
        err_set(&e, ERR_NOT_FOUND, "no integration called %.20s", kind);
        admin_error(&a, &e);
    } else if (admin_map(a.form, fields, &in, &e) != 0 ||
               app_integration_put(&a.c, kind, in, &out, &e) != 0) {
        json_t *m = json_object(), *errs;
        int status = admin_form_errors(m, NULL, fields, &e);
        /* the error belongs to this kind's form */
        if ((errs = json_object_get(m, "errors")))
            json_object_set_new(m, "errors", json_pack("{s:O}", kind, errs));
        else
            json_object_set_new(
                m, "errors", json_pack("{s:{s:O}}", kind, "general", json_object_get(m, "error")));
        json_object_del(m, "error");
        show(&a, status, m);
    } else {
        admin_redirect(r, "/admin/integrations?notice=saved");
    }
    json_decref(in);
    json_decref(out);
    admin_end(&a);
}

/* 303 to the "connecting" page of sign-in ID. */
static void to_connecting(struct req *r, int64_t id)
{
    admin_redirect(r, "/admin/integrations/twitter/connecting?id=%lld", (long long)id);
}

/* POST /admin/integrations/twitter/connect: records the sign-in; the dispatcher asks
 * Twitter for a request token while the browser waits on the connecting page. */
static void twitter_connect(struct req *r)
{
    struct admin a;
    struct err e = {0};
    char callback[600];
    int64_t id;
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) return;
    snprintf(callback, sizeof callback, "%s/admin/integrations/twitter/callback",
             a.c.app->cfg->base_url);
    if ((id = app_twitter_connect_request(&a.c, callback, &e)) < 0)
        admin_error(&a, &e);
    else
        to_connecting(r, id);
    admin_end(&a);
}

/* GET /admin/integrations/twitter/connecting?id=N: off to Twitter once the request token
 * is there, back to the screen when connected or failed, else a page reloading itself
 * every second (a meta refresh: the CSP allows no inline script). */
static void twitter_connecting(struct req *r)
{
    struct admin a;
    struct err e = {0};
    enum twitter_connect_step step;
    char *text = NULL, *end = NULL;
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) return;
    const char *q = req_query(r, "id");
    long long id = q ? strtoll(q, &end, 10) : 0;
    if (!q || !*q || *end || id <= 0) {
        err_set(&e, ERR_NOT_FOUND, "no such Twitter sign-in");
        admin_error(&a, &e);
    } else if (app_twitter_connect_poll(&a.c, id, &step, &text, &e) != 0) {
        admin_error(&a, &e);
    } else if (step == TWITTER_CONNECT_AUTHORIZE) {
        reply_redirect(r, 303, text);
    } else if (step == TWITTER_CONNECT_DONE) {
        admin_redirect(r, "/admin/integrations?notice=connected");
    } else if (step == TWITTER_CONNECT_FAILED) {
        show(&a, 502, json_pack("{s:{s:{s:s}}}", "errors", "twitter", "connect", text));
    } else {
        reply_header(r, "Cache-Control", "no-store");
        admin_render(&a, 200, "twitter_connecting.html", "Sign in with Twitter", "integrations",
                     json_pack("{s:i, s:i}", "refresh", 1, "wait_s", TWITTER_CONNECT_WAIT_S));
    }
    free(text);
    admin_end(&a);
}

/* GET /admin/integrations/twitter/callback?oauth_token=…&oauth_verifier=… (or ?denied=…):
 * records the verifier; the dispatcher exchanges it for the account's access token. */
static void twitter_callback(struct req *r)
{
    struct admin a;
    struct err e = {0};
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) return;
    const char *token = req_query(r, "oauth_token"), *verifier = req_query(r, "oauth_verifier");
    int64_t id = -1;
    if (req_query(r, "denied") || !token || !verifier)
        err_set(&e, ERR_INVALID, "Twitter did not authorize the account; nothing was connected");
    else
        id = app_twitter_connect_callback(&a.c, token, verifier, &e);
    if (id < 0)
        admin_error(&a, &e);
    else
        to_connecting(r, id);
    admin_end(&a);
}

const struct route admin_integration_routes[] = {
    {M_POST, "/admin/integrations/twitter/connect", twitter_connect},
    {M_GET, "/admin/integrations/twitter/connecting", twitter_connecting},
    {M_GET, "/admin/integrations/twitter/callback", twitter_callback},
    {M_GET, "/admin/integrations", list},
    {M_POST, "/admin/integrations/{kind}", put},
    {0, NULL, NULL},
};
