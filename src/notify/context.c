/*
 * notify/context — what every channel says about an update, built once per
 * update and cached (a fan-out sends the same update to many recipients), and
 * the helpers the HTTP channels share, and the models of the messages that are
 * not updates (confirmations, invitations). See channel.h.
 *
 * Every link in them starts with the page's public URL (SPEC §6,
 * store_page_url: its base_url, else server.base_url's scheme and port with its
 * first host, the default page's being server.base_url), read with the page
 * when a model is built: model "page.url".
 *
 * A model is in one language (SPEC §16): the subscriber's, else the page's default. It
 * holds that language's catalogue ("t", render/i18n.h) for the templates' words, says
 * stages and times in the language's words, and, in another language than the page's
 * default, the update's message and the event's title from the update translations
 * (app/translations.h): the update's own title in it, else the newest earlier update's; a
 * text with no translation stays the page default's. Models are cached per update and
 * language.
 */
#include "app/integrations.h"
#include "app/subscribe_token.h"
#include "app/team.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/tz.h"
#include "core/xalloc.h"
#include "domain/event.h"
#include "notify/channel.h"
#include "render/i18n.h"
#include "render/markdown.h"
#include "store/outbox.h"
#include "store/pages.h"
#include "store/subscribe.h"
#include "store/team.h"
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The public URL of PAGE_ID (malloc'd), or NULL with E filled. */
static char *page_url(struct notify_env *env, int64_t page_id, struct err *e)
{
    json_t *page = store_page_get(env->db, page_id, e);
    if (!page) {
        if (!e->code) err_set(e, ERR_NOT_FOUND, "page %lld no longer exists", (long long)page_id);
        return NULL;
    }
    char *url = store_page_url(env->db, page, env->app->cfg->base_url, e);
    json_decref(page);
    return url;
}

/* T in ZONE, and in UTC after it when ZONE is not UTC: "Thu 10 Dec 2026 09:05 CET (08:05 UTC)",
 * in the words of L. */
static void moment_text(const struct tz_lang *l, const char *zone, int64_t t, char *buf,
                        size_t size)
{
    char local[128], utc[128];
    tz_format(l, zone, t, local, sizeof local);
    tz_format(l, "UTC", t, utc, sizeof utc);
    if (strcmp(local, utc) == 0)
        snprintf(buf, size, "%s", local);
    else
        snprintf(buf, size, "%s (%s)", local, utc + strlen(utc) - 9); /* "08:05 UTC" */
}

/*
 * When update row U (of an event of kind K, accepted at ACCEPTED) happened, and for a
 * maintenance its window, in the page's time zone and in UTC (SPEC §15):
 * {"time_zone","event":{"window","window_short","window_short_utc","scheduled_start",
 *  "scheduled_end"},"update":{"time","time_short"}} (the window keys empty and the RFC 3339
 * times null but for maintenance), in the words of LANG. A page whose zone is unknown gets UTC.
 */
static json_t *message_times(json_t *u, enum event_kind k, int64_t accepted, const char *lang)
{
    const struct tz_lang *l = i18n_tz_lang(lang);
    const char *zone = jstr(u, "page_time_zone");
    if (!tz_known(zone)) zone = "UTC";
    char when[256], when_short[96], window[512] = "", window_short[192] = "",
                                    window_short_utc[384] = "", a[40], b[40];
    moment_text(l, zone, accepted, when, sizeof when);
    tz_short(l, zone, accepted, when_short, sizeof when_short);
    int64_t ws = json_integer_value(json_object_get(u, "window_start"));
    int64_t we = json_integer_value(json_object_get(u, "window_end"));
    bool window_known = k == EVENT_MAINTENANCE && ws && we;
    if (window_known) {
        tz_window(l, zone, ws, we, window, sizeof window);
        tz_window_short(l, zone, ws, we, window_short, sizeof window_short);
        tz_window_short_utc(l, zone, ws, we, window_short_utc, sizeof window_short_utc);
    }
    return json_pack(
        "{s:s, s:{s:s, s:s, s:s, s:o, s:o}, s:{s:s, s:s}}", "time_zone", zone, "event", "window",
        window, "window_short", window_short, "window_short_utc", window_short_utc,
        "scheduled_start", window_known ? json_string(time_format(ws, a, sizeof a)) : json_null(),
        "scheduled_end", window_known ? json_string(time_format(we, b, sizeof b)) : json_null(),
        "update", "time", when, "time_short", when_short);
}

/* LANG's text of KEY in translations T (JSON text, app/translations.h), or NULL. */
static const char *translated(json_t **parsed, const char *t, const char *lang, const char *key)
{
    if (!t || !*t) return NULL;
    if (!*parsed) *parsed = json_loads(t, 0, NULL);
    const char *s = json_string_value(json_object_get(json_object_get(*parsed, lang), key));
    return s && *s ? s : NULL;
}

/* The event's title in LANG from its updates' translations up to update row U (the newest
 * with one), or NULL. */
static char *translated_title(struct notify_env *env, json_t *u, const char *lang, struct err *e)
{
    int64_t event_id = json_integer_value(json_object_get(u, "event_id"));
    int64_t update_id = json_integer_value(json_object_get(u, "update_id"));
    json_t *rows = store_outbox_event_translations(env->db, event_id, update_id, e);
    char *title = NULL;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *parsed = NULL;
        const char *t = translated(&parsed, jstr(r, "translations"), lang, "title");
        if (t) title = xstrdup(t);
        json_decref(parsed);
        if (title) break;
    }
    json_decref(rows);
    return title;
}

/* The label of an update of kind UK at stage ST (given as STAGE) in LANG. */
static const char *label_in(const char *lang, enum event_kind k, enum update_kind uk,
                            const char *stage)
{
    enum stage st;
    if (stage_parse(k, stage, &st) != 0) return stage;
    char key[64];
    if (uk == UPDATE_REMINDER)
        snprintf(key, sizeof key, "reminder");
    else if (uk == UPDATE_POSTMORTEM)
        snprintf(key, sizeof key, "postmortem");
    else
        snprintf(key, sizeof key, "stage_%s", stage);
    const char *s = json_string_value(json_object_get(i18n_catalogue(lang), key));
    return s ? s : update_label(uk, st);
}

void notify_model_words(json_t *model, const char *lang)
{
    char buf[512];
    const char *page = jstr(json_object_get(model, "page"), "title");
    json_object_set_new(model, "lang", json_string(lang));
    json_object_set(model, "t", (json_t *)i18n_catalogue(lang));
    json_object_set_new(model, "reason",
                        json_string(i18n_fill(buf, sizeof buf, i18n_get(lang, "email_reason"),
                                              "page", page, NULL)));
}

static json_t *build_model(struct notify_env *env, int64_t update_id, const char *lang,
                           struct err *e)
{
    json_t *u = store_outbox_update(env->db, update_id, e), *svcs = NULL, *tr = NULL;
    char *base = NULL, *title_tr = NULL;
    if (!u) {
        if (!e->code)
            err_set(e, ERR_NOT_FOUND, "update %lld no longer exists", (long long)update_id);
        return NULL;
    }
    const char *def = i18n_canon(jstr(u, "page_language"));
    if (!def) def = "en";
    if (!lang) lang = def;
    bool translate = strcmp(lang, def) != 0;
    int64_t event_id = json_integer_value(json_object_get(u, "event_id"));
    if (!(svcs = store_outbox_event_services(env->db, event_id, e)) ||
        !(base = page_url(env, json_integer_value(json_object_get(u, "page_id")), e)) ||
        (translate && !(title_tr = translated_title(env, u, lang, e)) && e->code)) {
        json_decref(svcs);
        json_decref(u);
        free(base);
        return NULL;
    }
    const char *kind = jstr(u, "kind");
    enum event_kind k = strcmp(kind, "maintenance") == 0 ? EVENT_MAINTENANCE : EVENT_INCIDENT;
    enum update_kind uk = UPDATE_PLAIN;
    update_kind_parse(jstr(u, "update_kind"), &uk);
    const char *label = label_in(lang, k, uk, jstr(u, "update_stage"));
    const char *message =
        translate ? translated(&tr, jstr(u, "translations"), lang, "message") : NULL;
    if (!message) message = jstr(u, "message");
    const char *title = title_tr ? title_tr : jstr(u, "title");
    char *url = xasprintf("%s/%s/%lld", base, k == EVENT_MAINTENANCE ? "maintenance" : "incidents",
                          (long long)event_id);
    struct buf names;
    buf_init(&names, 1 << 20);
    buf_puts(&names, "");
    size_t i;
    json_t *s;
    json_array_foreach(svcs, i, s) buf_printf(&names, "%s%s", i ? ", " : "", jstr(s, "name"));
    char *html = markdown_to_html(message), *text = markdown_to_text(message);
    char *subject = xasprintf("[%s] %s: %s", jstr(u, "page_title"), label, title);
    char created[40];
    int64_t accepted = json_integer_value(json_object_get(u, "accepted"));
    time_format(accepted, created, sizeof created);
    json_t *when = message_times(u, k, accepted, lang);
    json_t *m = json_pack(
        "{s:{s:I, s:s, s:s}, s:{s:I, s:s, s:s, s:s, s:s, s:O, s:s}, "
        "s:{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}, s:s, s:I}",
        "page", "id", (json_int_t)json_integer_value(json_object_get(u, "page_id")), "title",
        jstr(u, "page_title"), "url", base, "event", "id", (json_int_t)event_id, "kind", kind,
        "title", title, "impact", jstr(u, "impact"), "url", url, "services", svcs, "services_text",
        names.data, "update", "id", (json_int_t)update_id, "kind", update_kind_name(uk), "stage",
        jstr(u, "update_stage"), "stage_label", label, "message", message, "message_html", html,
        "message_text", text, "created_at", created, "subject", subject, "accepted",
        (json_int_t)json_integer_value(json_object_get(u, "accepted")));
    json_object_update(json_object_get(m, "event"), json_object_get(when, "event"));
    json_object_update(json_object_get(m, "update"), json_object_get(when, "update"));
    json_object_set(json_object_get(m, "page"), "time_zone", json_object_get(when, "time_zone"));
    json_object_set_new(json_object_get(m, "page"), "language", json_string(def));
    json_object_set_new(
        json_object_get(m, "event"), "view_text",
        json_string(i18n_get(lang, k == EVENT_MAINTENANCE ? "email_view_maintenance"
                                                          : "email_view_incident")));
    notify_model_words(m, lang);
    json_decref(when);
    free(url), free(html), free(text), free(subject), free(base), free(title_tr);
    buf_free(&names);
    json_decref(tr);
    json_decref(svcs);
    json_decref(u);
    return m;
}

json_t *notify_update_model(struct notify_env *env, int64_t update_id, const char *lang,
                            struct err *e)
{
    int i;
    for (i = 0; i < NOTIFY_MODEL_CACHE && env->models[i]; i++) {
        json_t *m = env->models[i];
        if (json_integer_value(json_object_get(json_object_get(m, "update"), "id")) == update_id &&
            strcmp(jstr(m, "asked"), lang ? lang : "") == 0)
            return m;
    }
    json_t *m = build_model(env, update_id, lang, e);
    if (!m) return NULL;
    json_object_set_new(m, "asked", json_string(lang ? lang : "")); /* the cache's key */
    json_decref(env->models[NOTIFY_MODEL_CACHE - 1]);
    memmove(env->models + 1, env->models, (NOTIFY_MODEL_CACHE - 1) * sizeof env->models[0]);
    env->models[0] = m;
    return m;
}

void notify_env_cleanup(struct notify_env *env)
{
    for (int i = 0; i < NOTIFY_MODEL_CACHE; i++) {
        json_decref(env->models[i]);
        env->models[i] = NULL;
    }
}

char *notify_render(struct notify_env *env, struct nmsg *m, const char *name, json_t *model,
                    enum tmpl_mode mode)
{
    struct err e = {0};
    const struct tmpl *t = tmpl_set_get(env->tmpl, name, &e);
    struct tmpl_loader ld = tmpl_set_loader(env->tmpl);
    char *out = t ? tmpl_render(t, model, &ld, mode, &e) : NULL;
    if (!out) snprintf(m->error, sizeof m->error, "template %s: %s", name, e.msg);
    return out;
}

json_t *notify_integration(struct notify_env *env, struct nmsg *m, int64_t page_id,
                           const char *kind)
{
    struct app_ctx c = {
        .app = env->app, .db = env->db, .page_id = page_id, .actor = {.kind = ACTOR_SYSTEM}};
    struct err e = {0};
    bool enabled = false;
    json_t *cfg = NULL;
    if (app_integration_load(&c, kind, &enabled, &cfg, &e) != 0) {
        snprintf(m->error, sizeof m->error, "%s integration: %s", kind, e.msg);
        return NULL;
    }
    if (!enabled) {
        snprintf(m->error, sizeof m->error, "the %s integration was disabled", kind);
        json_decref(cfg);
        return NULL;
    }
    return cfg;
}

enum outcome notify_http_classify(struct nmsg *m, CURLcode cc, long status)
{
    if (cc != CURLE_OK) {
        snprintf(m->error, sizeof m->error, "%s", curl_easy_strerror(cc));
        return OUT_RETRY;
    }
    if (status >= 200 && status < 300) return OUT_SENT;
    char body[160];
    snprintf(body, sizeof body, "%.*s", (int)(m->resp.len < 150 ? m->resp.len : 150),
             m->resp.data ? m->resp.data : "");
    for (char *p = body; *p; p++)
        if ((unsigned char)*p < 0x20) *p = ' ';
    snprintf(m->error, sizeof m->error, "HTTP %ld: %s", status, body);
    if (status == 408 || status == 425 || status == 429 || status >= 500) return OUT_RETRY;
    return OUT_FAILED;
}

const char *notify_get(json_t *model, const char *a, const char *b)
{
    return jstr(json_object_get(model, a), b);
}

const char *notify_word(json_t *model, const char *key)
{
    return i18n_get(jstr(model, "lang"), key);
}

char *notify_when_line(json_t *model)
{
    const char *window = notify_get(model, "event", "window");
    return xasprintf("%s %s%s%s%s%s", notify_word(model, "email_posted"),
                     notify_get(model, "update", "time"), *window ? " · " : "",
                     *window ? notify_word(model, "email_when") : "", *window ? ": " : "", window);
}

enum notify_tone notify_tone(json_t *model)
{
    enum event_kind k = strcmp(notify_get(model, "event", "kind"), "maintenance") == 0
                            ? EVENT_MAINTENANCE
                            : EVENT_INCIDENT;
    enum stage st;
    enum impact im = IMPACT_NONE;
    if (stage_parse(k, notify_get(model, "update", "stage"), &st) == 0 && stage_is_final(st))
        return TONE_GOOD;
    if (k == EVENT_MAINTENANCE) return TONE_MAINTENANCE;
    impact_parse(notify_get(model, "event", "impact"), &im);
    return im == IMPACT_CRITICAL ? TONE_CRITICAL
           : im == IMPACT_MAJOR  ? TONE_MAJOR
           : im == IMPACT_MINOR  ? TONE_MINOR
                                 : TONE_NONE;
}

void notify_json_body(struct nmsg *m, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    buf_puts(&m->req, s);
    free(s);
    m->headers = curl_slist_append(m->headers, "Content-Type: application/json");
    curl_easy_setopt(m->easy, CURLOPT_POSTFIELDS, m->req.data);
    curl_easy_setopt(m->easy, CURLOPT_POSTFIELDSIZE, (long)m->req.len);
}

void notify_subscriber_links(struct notify_env *env, int64_t page_id, int64_t id, json_t *model)
{
    char tok[SUBSCRIBE_TOKEN_MAX];
    const char *base = json_string_value(json_object_get(json_object_get(model, "page"), "url"));
    assert(base && *base);
    subscribe_token_manage(env->app->key, page_id, id, tok);
    /* in another language than the page's default, the pages open in the message's */
    const char *lang = jstr(model, "lang"), *def = jstr(json_object_get(model, "page"), "language");
    char q[32] = "";
    if (*lang && *def && strcmp(lang, def) != 0) snprintf(q, sizeof q, "?lang=%s", lang);
    json_object_set_new(model, "manage_url", json_sprintf("%s/subscription/%s%s", base, tok, q));
    json_object_set_new(model, "unsubscribe_url",
                        json_sprintf("%s/unsubscribe/%s%s", base, tok, q));
}

json_t *notify_confirmation_model(struct notify_env *env, struct nmsg *m)
{
    struct err e = {0};
    json_t *row = store_subscribe_row(env->db, m->subscriber_id, &e), *page = NULL;
    if (!row || !(page = store_page_get(env->db, m->page_id, &e))) {
        snprintf(m->error, sizeof m->error, "%s", e.code ? e.msg : "the subscriber was removed");
        json_decref(row);
        return NULL;
    }
    if (strcmp(jstr(row, "state"), "pending") != 0) {
        snprintf(m->error, sizeof m->error, "the subscriber is %s, no longer pending",
                 jstr(row, "state"));
        json_decref(row);
        json_decref(page);
        return NULL;
    }
    int64_t sent = json_integer_value(json_object_get(row, "confirm_sent"));
    char tok[SUBSCRIBE_TOKEN_MAX], code[7];
    subscribe_token_confirm(env->app->key, m->page_id, m->subscriber_id,
                            sent + SUBSCRIBE_CONFIRM_TTL_S, tok);
    subscribe_sms_code(env->app->key, m->page_id, m->subscriber_id, sent, code);
    char *base = store_page_url(env->db, page, env->app->cfg->base_url, &e);
    if (!base) {
        snprintf(m->error, sizeof m->error, "%s", e.msg);
        json_decref(row);
        json_decref(page);
        return NULL;
    }
    json_t *model =
        json_pack("{s:{s:I, s:s, s:s}, s:s, s:s, s:s, s:s}", "page", "id", (json_int_t)m->page_id,
                  "title", jstr(page, "title"), "url", base, "channel", jstr(row, "channel"),
                  "address", jstr(row, "address"), "confirm_url", "", "code", code);
    json_object_set_new(model, "confirm_url", json_sprintf("%s/subscribe/confirm/%s", base, tok));
    const char *def = i18n_canon(jstr(page, "default_language")),
               *lang = i18n_canon(jstr(row, "language"));
    if (!def) def = "en";
    if (!lang) lang = def;
    json_object_set_new(json_object_get(model, "page"), "language", json_string(def));
    notify_model_words(model, lang);
    notify_subscriber_links(env, m->page_id, m->subscriber_id, model);
    char intro[1024];
    i18n_fill(intro, sizeof intro, i18n_get(lang, "email_confirm_body"), "page",
              jstr(page, "title"), "address", jstr(row, "address"), NULL);
    json_object_set_new(model, "intro", json_string(intro));
    free(base);
    json_decref(row);
    json_decref(page);
    return model;
}

json_t *notify_invitation_model(struct notify_env *env, struct nmsg *m)
{
    struct err e = {0};
    json_t *inv = store_invitation_mail(env->db, m->invitation_id, &e);
    if (!inv) {
        snprintf(m->error, sizeof m->error, "%s", e.code ? e.msg : "the invitation was withdrawn");
        return NULL;
    }
    int64_t expires = json_integer_value(json_object_get(inv, "expires"));
    const char *why = !json_is_null(json_object_get(inv, "accepted")) ? "was accepted"
                      : expires <= time_now()                         ? "has expired"
                                                                      : NULL;
    if (why) {
        snprintf(m->error, sizeof m->error, "the invitation %s", why);
        json_decref(inv);
        return NULL;
    }
    char tok[INVITE_TOKEN_MAX], when[32], *base = page_url(env, m->page_id, &e);
    if (!base) {
        snprintf(m->error, sizeof m->error, "%s", e.msg);
        json_decref(inv);
        return NULL;
    }
    app_invite_token(env->app->key, m->page_id, m->invitation_id, expires, tok);
    time_t t = (time_t)expires;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    json_t *inviter = json_object_get(inv, "inviter");
    json_t *model = json_pack(
        "{s:{s:I,s:s},s:s,s:s,s:O,s:s,s:s}", "page", "id", (json_int_t)m->page_id, "title",
        jstr(inv, "page_title"), "email", jstr(inv, "email"), "role", jstr(inv, "role"), "inviter",
        inviter ? inviter : json_null(), "invite_url", "", "expires_at", when);
    json_object_set_new(model, "invite_url", json_sprintf("%s/admin/invite/%s", base, tok));
    sodium_memzero(tok, sizeof tok);
    free(base);
    json_decref(inv);
    return model;
}
