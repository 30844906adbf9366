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

/* The language of the screen NAME for R (SPEC §16): the sign-up form in the reader's
 * language (web/lang.c), its sentences around the address split at it; the screens not
 * translated yet in English throughout (layout included), never half in another. */
static void subscribe_lang(struct req *r, struct snapshot *s, const char *name, json_t *extra)
{
    if (strcmp(name, "public/subscribe.html") != 0) {
        json_object_set_new(extra, "lang", json_string("en"));
        return;
    }
    const char *lang = web_lang(r, s, false, NULL);
    json_object_set_new(extra, "lang", json_string(lang));
    json_object_set_new(extra, "doc_title", json_string(i18n_get(lang, "sub_doc")));
    static const struct {
        const char *key, *placeholder, *pre, *post;
    } split[] = {{"sub_sent_email", "{email}", "sent_email_pre", "sent_email_post"},
                 {"sub_sent_sms", "{phone}", "sent_sms_pre", "sent_sms_post"}};
    for (size_t i = 0; i < sizeof split / sizeof split[0]; i++) {
        const char *text = i18n_get(lang, split[i].key), *at = strstr(text, split[i].placeholder);
        if (!at) continue;
        json_object_set_new(extra, split[i].pre, json_stringn(text, (size_t)(at - text)));
        json_object_set_new(extra, split[i].post, json_string(at + strlen(split[i].placeholder)));
    }
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
    if (s) subscribe_lang(r, s, name, extra);
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
