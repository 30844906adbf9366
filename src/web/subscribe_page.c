/*
 * web/subscribe_page — what the subscription pages share (web/subscribe.c,
 * web/subscribe_hooks.c, web/subscribe_sms.c; web/subscribe.h): the public app context of
 * the request's page, a screen rendered in the public layout in the reader's language with
 * a fresh csrf_token, and a posted form with its csrf_token checked.
 */
#include "app/subscribe.h"
#include "app/subscribe_token.h"
#include "core/timeutil.h"
#include "http/form.h"
#include "http/reply.h"
#include "public/snapshot.h"
#include "render/i18n.h"
#include "web/subscribe.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int web_subscribe_ctx(struct req *r, struct app_ctx *c, struct err *e)
{
    struct app_thread *t = r->tctx;
    struct snapshot *s = web_public_snapshot(r, e);
    if (!s) return -1;
    const json_t *page = json_object_get(snapshot_model(s), "page");
    *c = (struct app_ctx){.app = t->app,
                          .db = t->db,
                          .page_id = json_integer_value(json_object_get(page, "id")),
                          .actor = {.kind = ACTOR_PUBLIC}};
    snapshot_release(s);
    return 0;
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* What the chosen services of a preferences model M are, in LANG: "all services, …", or
 * "A, B and C", or "no service" (into BUF). */
static const char *chosen_text(const json_t *m, const char *lang, char *buf, size_t size)
{
    if (json_is_true(json_object_get(m, "all"))) return i18n_get(lang, "sub_all_text");
    size_t i, n = 0, k = 0, len = 0;
    json_t *s;
    json_array_foreach(json_object_get(m, "services"), i, s) n +=
        json_is_true(json_object_get(s, "chosen"));
    if (n == 0) return i18n_get(lang, "sub_no_service");
    buf[0] = '\0';
    json_array_foreach(json_object_get(m, "services"), i, s)
    {
        if (!json_is_true(json_object_get(s, "chosen"))) continue;
        const char *sep = k == 0 ? "" : k + 1 == n ? " " : ", ";
        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s%s%s", sep,
                                k && k + 1 == n ? i18n_get(lang, "sub_and") : "",
                                k && k + 1 == n ? " " : "", jstr(s, "name"));
        k++;
    }
    return buf;
}

/*
 * The texts of the subscription screens (SPEC §16) for R in the reader's language
 * (web/lang.c; the links in messages carry the subscriber's as ?lang=): the catalogue
 * ("t", set by the snapshot's renderer) for the fixed words, and here the sentences made
 * of EXTRA's values (address, channel, chosen services, a test message's error), those
 * around a value shown in bold or as a link split at it into NAME_pre and NAME_post.
 * EXTRA's "doc_key" names the document title (default: the sign-up form's) and
 * "state_key" the state sentence.
 */
static void subscribe_lang(struct req *r, struct snapshot *s, json_t *extra)
{
    /* a ?lang= sets the cookie, so the screen's forms and redirects keep the language */
    const char *lang = web_lang(r, s, true, NULL);
    json_object_set_new(extra, "lang", json_string(lang));
    const char *dk = json_string_value(json_object_get(extra, "doc_key"));
    json_object_set_new(extra, "doc_title", json_string(i18n_get(lang, dk ? dk : "sub_doc")));
    const json_t *hook = json_object_get(extra, "sent_hook");
    char services[2048], buf[2048];
    const char *channel =
        json_is_true(json_object_get(extra, "is_hook"))  ? jstr(extra, "channel_label")
        : hook                                           ? jstr(hook, "label")
        : json_is_true(json_object_get(extra, "is_sms")) ? i18n_get(lang, "sub_channel_sms")
                                                         : i18n_get(lang, "sub_channel_email");
    const char *address = hook ? jstr(hook, "address") : jstr(extra, "address");
    const char *error = json_string_value(json_object_get(extra, "state_error"));
    snprintf(services, sizeof services, "%s", chosen_text(extra, lang, buf, sizeof buf));
    static const struct {
        const char *key, *at, *name; /* NAME, or NAME_pre and NAME_post around AT */
    } texts[] = {{"sub_sent_email", "{email}", "sent_email"},
                 {"sub_sent_sms", "{phone}", "sent_sms"},
                 {"sub_updates_for", "{address}", "updates_for"},
                 {"unsub_question", "{address}", "unsub"},
                 {"deleted_again", "{link}", "again"},
                 {"sub_hook_sent", "{address}", "hook_sent"},
                 {"sub_hook_manage", "{link}", "hook_manage"},
                 {"sub_confirmed_msg", NULL, "confirmed_text"},
                 {"sub_saved_msg", NULL, "saved_text"},
                 {"sub_delete_note", NULL, "delete_note"}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        /* the value a sentence is split at stays a placeholder ("-" names none) */
        i18n_fill(buf, sizeof buf, i18n_get(lang, texts[i].key), "channel", channel, "services",
                  services, texts[i].at ? "-" : "address", address, NULL);
        char pre[64], post[64];
        const char *at = texts[i].at ? strstr(buf, texts[i].at) : NULL;
        if (!texts[i].at) {
            json_object_set_new(extra, texts[i].name, json_string(buf));
        } else if (at) {
            snprintf(pre, sizeof pre, "%s_pre", texts[i].name);
            snprintf(post, sizeof post, "%s_post", texts[i].name);
            json_object_set_new(extra, pre, json_stringn(buf, (size_t)(at - buf)));
            json_object_set_new(extra, post, json_string(at + strlen(texts[i].at)));
        }
    }
    const char *sk = json_string_value(json_object_get(extra, "state_key"));
    if (sk)
        json_object_set_new(
            extra, "state_text",
            json_string(i18n_fill(buf, sizeof buf, i18n_get(lang, sk), "error",
                                  error ? error : i18n_get(lang, "sub_no_reason"), NULL)));
}

void web_subscribe_render(struct req *r, int status, const char *name, json_t *extra)
{
    struct err e = {0};
    struct app_thread *t = r->tctx;
    char csrf[SUBSCRIBE_TOKEN_MAX];
    subscribe_csrf_new(t->app->key, time_now(), csrf);
    json_object_set_new(extra, "csrf_token", json_string(csrf));
    /* the forms offer only what can be delivered (app_subscribe refuses the rest) */
    bool email = app_channel_offered(t->app->cfg, "email"),
         sms = app_channel_offered(t->app->cfg, "sms");
    json_object_set_new(extra, "offer_email", json_boolean(email));
    json_object_set_new(extra, "offer_sms", json_boolean(sms));
    json_object_set_new(extra, "offer_none", json_boolean(!email && !sms));
    struct snapshot *s = web_public_snapshot(r, &e);
    if (s) subscribe_lang(r, s, extra);
    char *html = s ? snapshot_render_html(s, name, extra, &e) : NULL;
    snapshot_release(s);
    json_decref(extra);
    if (!html) {
        reply_error(r, &e);
        return;
    }
    reply_header(r, "Cache-Control", "no-store");
    reply_header(r, "Referrer-Policy", "no-referrer");
    reply_bytes_gzip(r, status, "text/html; charset=utf-8", html, strlen(html));
    free(html);
}

/* The form of R, checked: 0, or -1 after answering (bad body, forged csrf_token). */
int web_subscribe_form(struct req *r, json_t **form)
{
    struct err e = {0};
    struct app_thread *t = r->tctx;
    if (req_form(r, form, &e) != 0) {
        reply_error(r, &e);
        return -1;
    }
    const char *csrf = form_str(*form, "csrf_token");
    if (csrf && !subscribe_csrf_ok(t->app->key, csrf, time_now())) {
        json_decref(*form);
        reply_fail(r, ERR_FORBIDDEN, "this form has expired: reload the page and try again");
        return -1;
    }
    return 0;
}
