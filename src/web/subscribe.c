/*
 * web/subscribe — the public subscription pages (SPEC §7), in the public layout
 * of the request's page (snapshot_render_html):
 *
 *   GET  /subscribe                   the form (e-mail, or phone for SMS)
 *   POST /subscribe                   email= or phone=; then "check your inbox",
 *                                     or the SMS code form (channel= and url=: a URL
 *                                     channel, web/subscribe_hooks.c)
 *   GET  /subscribe/confirm/{token}   activates, 303 to the preferences page
 *                                     (?confirmed=1: it says so)
 *   POST /subscribe/sms/verify        phone=, code=; 303 to the preferences page
 *   GET  /subscription/{token}        preferences: all=1, or all=0 with services=ID…
 *   POST /subscription/{token}
 *   POST /subscription/{token}/delete "Delete my data" (SPEC §15): erases, 303 to
 *                                     /subscribe/deleted; the token is dead from then on
 *   GET  /subscribe/deleted           says the data is deleted
 *   GET  /unsubscribe/{token}         a confirm button
 *   POST /unsubscribe/{token}         unsubscribes at once: RFC 8058 one-click,
 *                                     no cookie, no CSRF token, no redirect
 *
 * Forms carry a honeypot field ("website", hidden from people; a bot that fills
 * it is told "check your inbox" and nothing happens) and a stateless csrf_token
 * (app/subscribe_token.h); a csrf_token that is present must be valid (403). The
 * erasure, which cannot be undone, needs one (its form always has it).
 * Pages holding a token are sent with Cache-Control: no-store and
 * Referrer-Policy: no-referrer. On a page that is not public (SPEC §16) the form and
 * POST /subscribe are for its readers only (web/access.c); the pages reached with a
 * token or an SMS code stay open to whoever holds it. The sign-up form and its answers
 * are in the reader's language (SPEC §16, web/lang.c), and a sign-up stores it as the
 * subscriber's; the other screens are in English until they are translated.
 */
#include "web/subscribe.h"
#include "app/subscribe.h"
#include "core/timeutil.h"
#include "http/form.h"
#include "http/reply.h"
#include "public/snapshot.h"
#include "render/i18n.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether R may subscribe to its page (a page that is not public lets only its readers:
 * web/access.c); if not, answers. The links in messages (confirmation, preferences,
 * unsubscribe) carry their own token and need no such check. */
static bool may_subscribe(struct req *r)
{
    struct err e = {0};
    struct snapshot *s = web_public_snapshot(r, &e);
    int rc = s ? web_access_check(r, s, false, &e) : -1;
    snapshot_release(s);
    if (rc != 0) reply_error(r, &e);
    return rc == 0;
}

static void on_form(struct req *r)
{
    if (!may_subscribe(r)) return;
    web_subscribe_render(r, 200, "public/subscribe.html",
                         json_pack("{s:s}", "doc_title", "Subscribe"));
}

static void on_subscribe(struct req *r)
{
    struct err e = {0};
    struct app_ctx c;
    json_t *form = NULL, *out = NULL;
    if (!may_subscribe(r) || web_subscribe_form(r, &form) != 0) return;
    const char *trap = form_str(form, "website");
    if (trap && *trap) { /* a bot: the same answer, nothing done */
        web_subscribe_render(r, 200, "public/subscribe.html",
                             json_pack("{s:s, s:s}", "doc_title", "Subscribe", "sent_email", ""));
        goto out;
    }
    if (form_str(form, "channel") || form_str(form, "url")) { /* a URL channel (SPEC §15) */
        web_subscribe_hook(r, form);
        goto out;
    }
    json_t *in = json_object();
    const char *email = form_str(form, "email"), *phone = form_str(form, "phone");
    if (email) json_object_set_new(in, "email", json_string(email));
    if (phone) json_object_set_new(in, "phone", json_string(phone));
    struct snapshot *snap = web_public_snapshot(r, &e);
    if (snap) { /* the language they see the page in is the one of their messages */
        json_object_set_new(in, "language", json_string(web_lang(r, snap, false, NULL)));
        snapshot_release(snap);
    }
    int rc = web_subscribe_ctx(r, &c, &e) == 0 ? app_subscribe(&c, in, r->client, &out, &e) : -1;
    json_decref(in);
    if (rc != 0 && e.code == ERR_INVALID) {
        web_subscribe_render(r, 400, "public/subscribe.html",
                             json_pack("{s:s, s:s, s:s, s:s}", "doc_title", "Subscribe", "error",
                                       e.msg, "email", email ? email : "", "phone",
                                       phone ? phone : ""));
    } else if (rc != 0) {
        reply_error(r, &e);
    } else {
        bool sms = strcmp(json_string_value(json_object_get(out, "channel")), "sms") == 0;
        web_subscribe_render(r, 200, "public/subscribe.html",
                             json_pack("{s:s, s:O}", "doc_title", "Subscribe",
                                       sms ? "sent_sms" : "sent_email",
                                       json_object_get(out, "address")));
    }
out:
    json_decref(out);
    json_decref(form);
}

static void to_preferences(struct req *r, const char *manage)
{
    char loc[SUBSCRIBE_TOKEN_MAX + 32];
    snprintf(loc, sizeof loc, "/subscription/%s?confirmed=1", manage);
    reply_header(r, "Referrer-Policy", "no-referrer");
    reply_redirect(r, 303, loc);
}

static void on_confirm(struct req *r)
{
    struct err e = {0};
    struct app_ctx c;
    char manage[SUBSCRIBE_TOKEN_MAX];
    if (web_subscribe_ctx(r, &c, &e) != 0 ||
        app_subscribe_confirm(&c, r->params[0], manage, &e) != 0)
        reply_error(r, &e);
    else
        to_preferences(r, manage);
}

static void on_sms_verify(struct req *r)
{
    struct err e = {0};
    struct app_ctx c;
    json_t *form = NULL;
    char manage[SUBSCRIBE_TOKEN_MAX];
    if (web_subscribe_form(r, &form) != 0) return;
    const char *phone = form_str(form, "phone"), *code = form_str(form, "code");
    if (web_subscribe_ctx(r, &c, &e) != 0)
        reply_error(r, &e);
    else if (app_subscribe_sms_verify(&c, phone, code, manage, &e) == 0)
        to_preferences(r, manage);
    else if (e.code == ERR_INVALID)
        web_subscribe_render(r, 400, "public/subscribe.html",
                             json_pack("{s:s, s:s, s:s}", "doc_title", "Subscribe", "sent_sms",
                                       phone ? phone : "", "error", e.msg));
    else
        reply_error(r, &e);
    json_decref(form);
}

/* The catalogue key of what the preferences page says of a subscription in STATE that is
 * not active. */
static const char *state_key(const char *state, bool sms)
{
    if (strcmp(state, "unsubscribed") == 0) return "sub_state_unsubscribed";
    if (strcmp(state, "stopped") == 0) return sms ? "sub_state_stopped_sms" : "sub_state_stopped";
    if (strcmp(state, "bounced") == 0) return "sub_state_bounced";
    return "sub_state_pending";
}

/* The preferences page with STATUS: SAVED says what was saved, ERROR (may be NULL) what
 * was refused. */
static void show_preferences(struct req *r, int status, bool saved, const char *error)
{
    struct err e = {0};
    struct app_ctx c;
    json_t *prefs = NULL;
    if (web_subscribe_ctx(r, &c, &e) != 0 ||
        app_subscription_get(&c, r->params[0], &prefs, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    const char *state = json_string_value(json_object_get(prefs, "state"));
    bool sms = strcmp(json_string_value(json_object_get(prefs, "channel")), "sms") == 0;
    json_object_set_new(prefs, "doc_key", json_string("sub_yours"));
    json_object_set_new(prefs, "token", json_string(r->params[0]));
    json_object_set_new(prefs, "saved", json_boolean(saved));
    const char *confirmed = req_query(r, "confirmed");
    json_object_set_new(prefs, "confirmed",
                        json_boolean(!saved && !error && confirmed && strcmp(confirmed, "1") == 0 &&
                                     strcmp(state, "active") == 0));
    json_object_set_new(prefs, "is_sms", json_boolean(sms));
    json_object_set_new(prefs, "state_key", json_string(state_key(state, sms)));
    if (error) json_object_set_new(prefs, "error", json_string(error));
    web_subscription_hook_model(&c, r->params[0], prefs);
    web_subscribe_render(r, status, "public/subscription.html", prefs);
}

static void on_preferences(struct req *r)
{
    show_preferences(r, 200, false, NULL);
}

/* POST: all=1 (every service, also later ones) or all=0 with services=ID… (exactly
 * those); a form without "all" is the second. */
static void on_preferences_post(struct req *r)
{
    struct err e = {0};
    struct app_ctx c;
    json_t *form = NULL, *in = json_object(), *ids = json_array();
    if (web_subscribe_form(r, &form) != 0) goto out;
    json_t *v = json_object_get(form, "services"), *one;
    size_t i;
    if (json_is_string(v))
        v = json_pack("[O]", v);
    else
        json_incref(v);
    json_array_foreach(v, i, one)
    {
        char *end;
        long long id = strtoll(json_string_value(one), &end, 10);
        if (*end || id <= 0) {
            json_decref(v);
            reply_fail(r, ERR_INVALID, "services: \"%s\" is not a service id",
                       json_string_value(one));
            goto out;
        }
        json_array_append_new(ids, json_integer(id));
    }
    json_decref(v);
    const char *all = form_str(form, "all");
    json_object_set_new(in, "all", json_boolean(all && strcmp(all, "1") == 0));
    json_object_set(in, "services", ids);
    if (web_subscribe_ctx(r, &c, &e) != 0)
        reply_error(r, &e);
    else if (app_subscription_set(&c, r->params[0], in, &e) == 0)
        show_preferences(r, 200, true, NULL);
    else if (e.code == ERR_INVALID || e.code == ERR_CONFLICT)
        show_preferences(r, e.code == ERR_INVALID ? 400 : 409, false, e.msg);
    else
        reply_error(r, &e);
out:
    json_decref(form);
    json_decref(in);
    json_decref(ids);
}

static void on_unsubscribe_page(struct req *r)
{
    struct err e = {0};
    struct app_ctx c;
    json_t *prefs = NULL;
    if (web_subscribe_ctx(r, &c, &e) != 0 ||
        app_subscription_get(&c, r->params[0], &prefs, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    json_object_set_new(prefs, "doc_key", json_string("email_unsubscribe"));
    json_object_set_new(prefs, "token", json_string(r->params[0]));
    web_subscribe_render(r, 200, "public/subscribe_unsubscribe.html", prefs);
}

/* RFC 8058: the body is "List-Unsubscribe=One-Click" from mail clients, or the
 * confirm button's form; neither is needed, and there is no redirect. */
static void on_unsubscribe(struct req *r)
{
    struct err e = {0};
    struct app_ctx c;
    if (web_subscribe_ctx(r, &c, &e) != 0 || app_unsubscribe(&c, r->params[0], &e) != 0) {
        reply_error(r, &e);
        return;
    }
    web_subscribe_render(r, 200, "public/subscribe_unsubscribe.html",
                         json_pack("{s:s, s:b}", "doc_key", "unsub_done_title", "done", 1));
}

/* "Delete my data": the form must carry a valid csrf_token (this cannot be undone). */
static void on_delete(struct req *r)
{
    struct err e = {0};
    struct app_ctx c;
    json_t *form = NULL;
    if (web_subscribe_form(r, &form) != 0) return;
    if (!form_str(form, "csrf_token"))
        reply_fail(r, ERR_FORBIDDEN, "this form has expired: reload the page and try again");
    else if (web_subscribe_ctx(r, &c, &e) != 0 ||
             app_subscription_delete(&c, r->params[0], r->client, &e) != 0)
        reply_error(r, &e);
    else {
        reply_header(r, "Referrer-Policy", "no-referrer");
        reply_redirect(r, 303, "/subscribe/deleted");
    }
    json_decref(form);
}

static void on_deleted(struct req *r)
{
    web_subscribe_render(r, 200, "public/subscription_deleted.html",
                         json_pack("{s:s}", "doc_key", "deleted_title"));
}

const struct route web_subscribe_routes[] = {
    {M_GET, "/subscribe", on_form},
    {M_POST, "/subscribe", on_subscribe},
    {M_GET, "/subscribe/confirm/{token}", on_confirm},
    {M_POST, "/subscribe/sms/verify", on_sms_verify},
    {M_GET, "/subscription/{token}", on_preferences},
    {M_POST, "/subscription/{token}", on_preferences_post},
    {M_POST, "/subscription/{token}/delete", on_delete},
    {M_GET, "/subscribe/deleted", on_deleted},
    {M_GET, "/unsubscribe/{token}", on_unsubscribe_page},
    {M_POST, "/unsubscribe/{token}", on_unsubscribe},
    {0, NULL, NULL},
};
