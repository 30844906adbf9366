/*
 * web/subscribe_sms — Twilio's inbound SMS webhook, POST /hooks/sms/twilio
 * (SPEC §7). The X-Twilio-Signature must match the HMAC-SHA1 of the URL Twilio
 * called (server.base_url + the request URI) and the sorted form fields, keyed
 * by sms.auth_token (core/sign.h); anything else is a 403 and changes
 * nothing. STOP words stop every text to the number, START words resume them,
 * HELP is answered with the page name and how to stop, as TwiML.
 */
#include "app/subscribe.h"
#include "core/buf.h"
#include "core/sign.h"
#include "core/xalloc.h"
#include "http/form.h"
#include "http/reply.h"
#include "web/subscribe.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The form's fields as a list of name/value pairs (a repeated field once per value). */
static struct kv *form_pairs(json_t *form, size_t *n)
{
    size_t cap = 16, i;
    struct kv *kv = xcalloc(cap, sizeof *kv);
    const char *k;
    json_t *v, *one;
    *n = 0;
    json_object_foreach(form, k, v)
    {
        json_t *list = json_is_array(v) ? json_incref(v) : json_pack("[O]", v);
        json_array_foreach(list, i, one)
        {
            if (*n == cap) kv = xrealloc(kv, (cap *= 2) * sizeof *kv);
            kv[(*n)++] = (struct kv){k, json_string_value(one)};
        }
        json_decref(list); /* the strings stay alive in FORM */
    }
    return kv;
}

static bool signature_ok(struct req *r, json_t *form, const char *token)
{
    const char *given = req_header(r, "X-Twilio-Signature");
    struct app_thread *t = r->tctx;
    if (!given) return false;
    size_t n;
    struct kv *kv = form_pairs(form, &n);
    char *url = xasprintf("%s%s", t->app->cfg->base_url, req_target(r));
    char *want = sign_twilio(token, url, kv, n);
    bool ok = secret_equal(given, want);
    free(want);
    free(url);
    free(kv);
    return ok;
}

static void twiml(struct req *r, const char *text)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>");
    if (text) {
        buf_puts(&b, "<Message>");
        for (const char *p = text; *p; p++) {
            switch (*p) {
            case '<':
                buf_puts(&b, "&lt;");
                break;
            case '>':
                buf_puts(&b, "&gt;");
                break;
            case '&':
                buf_puts(&b, "&amp;");
                break;
            default:
                buf_putc(&b, *p);
            }
        }
        buf_puts(&b, "</Message>");
    }
    buf_puts(&b, "</Response>");
    reply_bytes(r, 200, "text/xml; charset=utf-8", b.data, b.len);
    buf_free(&b);
}

static void on_twilio(struct req *r)
{
    struct err e = {0};
    struct app_thread *t = r->tctx;
    struct app_ctx c;
    json_t *form = NULL;
    char *reply = NULL;
    const char *token = t->app->cfg->sms_auth_token;
    if (!token || !*token) {
        reply_fail(r, ERR_UNAVAILABLE, "SMS is not configured (sms.auth_token)");
        return;
    }
    if (req_form(r, &form, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    if (!signature_ok(r, form, token))
        reply_fail(r, ERR_FORBIDDEN, "the X-Twilio-Signature does not match this request");
    else if (web_subscribe_ctx(r, &c, &e) != 0 ||
             app_sms_inbound(&c, form_str(form, "From"), form_str(form, "Body"), &reply, &e) != 0)
        reply_error(r, &e);
    else
        twiml(r, reply);
    free(reply);
    json_decref(form);
}

const struct route web_subscribe_sms_routes[] = {
    {M_POST, "/hooks/sms/twilio", on_twilio},
    {0, NULL, NULL},
};
