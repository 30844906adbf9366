/*
 * notify/sms — text messages through Twilio's Messages API (SPEC §10):
 * POST {sms.api_base}/2010-04-01/Accounts/{sid}/Messages.json, basic auth
 * sid:auth_token, form fields To, From, Body. Bodies fit one 160-character
 * GSM-7 segment (notify/text.h): "[Page] Stage: Title (WHEN) URL" for updates (WHEN: a
 * maintenance's window in the page's zone and in UTC as room allows, else the update's
 * time),
 * "[Page] Status alerts: Your verification code is NNNNNN. Reply STOP to stop." for sign-ups,
 * in the subscriber's language (SPEC §16); a language whose catalogue says sms_alphabet
 * "ucs2" (ja) is sent in UCS-2, 70 units (notify/text.h).
 *
 * Twilio's answers: 201 sent; 400 with an error code is permanent — 21211
 * (invalid number), 21614 (not a mobile number), 21610 (the recipient replied
 * STOP: the subscriber is marked stopped) and the rest; 429 and 5xx retried.
 */
#include "core/urlform.h"
#include "notify/channel.h"
#include "notify/text.h"
#include "render/i18n.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TWILIO_UNSUBSCRIBED = 21610 };

static const char *get(json_t *o, const char *a, const char *b)
{
    const char *s = json_string_value(json_object_get(a ? json_object_get(o, a) : o, b));
    return s ? s : "";
}

/* The coding of a text in LANG: UCS-2 where its catalogue asks (a script GSM-7 lacks). */
static enum sms_coding coding(const char *lang)
{
    return strcmp(i18n_get(lang, "sms_alphabet"), "ucs2") == 0 ? SMS_UCS2 : SMS_GSM7;
}

static void put_field(struct buf *b, const char *k, const char *v)
{
    char *e = url_pct_encode(v);
    buf_printf(b, "%s%s=%s", b->len ? "&" : "", k, e);
    free(e);
}

static int prepare(struct notify_env *env, struct nmsg *m)
{
    const struct config *cfg = env->app->cfg;
    char *text = NULL, *url = NULL;
    if (!cfg->sms_account_sid || !cfg->sms_auth_token || !cfg->sms_from) {
        snprintf(m->error, sizeof m->error,
                 "SMS is not configured (sms.account_sid, sms.auth_token, sms.from)");
        return -1;
    }
    if (m->kind == NMSG_CONFIRMATION) {
        json_t *c = notify_confirmation_model(env, m);
        if (!c) return -1;
        const char *lang = get(c, NULL, "lang");
        char line[256];
        i18n_fill(line, sizeof line, i18n_get(lang, "sms_code"), "code", get(c, NULL, "code"),
                  NULL);
        text = sms_text(coding(lang), get(c, "page", "title"), i18n_get(lang, "sms_alerts"), line,
                        NULL);
        json_decref(c);
    } else {
        struct err e = {0};
        json_t *model = notify_update_model(env, m->update_id, m->lang, &e);
        if (!model) {
            snprintf(m->error, sizeof m->error, "%s", e.msg);
            return -1;
        }
        enum sms_coding cd = coding(get(model, NULL, "lang"));
        const char *page = get(model, "page", "title"),
                   *stage = get(model, "update", "stage_label");
        const char *title = get(model, "event", "title"), *link = get(model, "event", "url");
        /* a maintenance's window in the page's zone and UTC when all fits whole, else in
         * the zone alone (sms_text_when leaves it out when even that leaves no room) */
        const char *window = get(model, "event", "window_short_utc");
        if (!*window || !sms_text_fits(cd, page, stage, title, window, link))
            window = get(model, "event", "window_short");
        text = sms_text_when(cd, page, stage, title,
                             *window ? window : get(model, "update", "time_short"), link);
    }
    put_field(&m->req, "To", m->recipient);
    put_field(&m->req, "From", cfg->sms_from);
    put_field(&m->req, "Body", text);
    free(text);
    if (asprintf(&url, "%s/2010-04-01/Accounts/%s/Messages.json", cfg->sms_api_base,
                 cfg->sms_account_sid) < 0)
        abort();
    curl_easy_setopt(m->easy, CURLOPT_URL, url);
    free(url);
    curl_easy_setopt(m->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(m->easy, CURLOPT_USERNAME, cfg->sms_account_sid);
    curl_easy_setopt(m->easy, CURLOPT_PASSWORD, cfg->sms_auth_token);
    curl_easy_setopt(m->easy, CURLOPT_POSTFIELDS, m->req.data);
    curl_easy_setopt(m->easy, CURLOPT_POSTFIELDSIZE, (long)m->req.len);
    return 0;
}

static enum outcome classify(struct nmsg *m, CURLcode cc, long status)
{
    enum outcome o = notify_http_classify(m, cc, status);
    if (o != OUT_FAILED) return o;
    json_t *j = json_loadb(m->resp.data ? m->resp.data : "", m->resp.len, 0, NULL);
    json_int_t code = json_integer_value(json_object_get(j, "code"));
    if (code) {
        const char *msg = json_string_value(json_object_get(j, "message"));
        snprintf(m->error, sizeof m->error, "Twilio error %lld: %s", (long long)code,
                 msg ? msg : "(no message)");
    }
    m->stop_subscriber = code == TWILIO_UNSUBSCRIBED;
    json_decref(j);
    return OUT_FAILED;
}

const struct channel_ops notify_sms = {.bit = CH_SMS, .prepare = prepare, .classify = classify};
