/*
 * notify/email — e-mail messages (SPEC §10, §7), sent over SMTP by notify/smtp_pool.h.
 *
 * The message is built here, not by curl_mime, so that every header is under
 * our control: From, To, Subject "[PAGE] Stage: Title" (RFC 2047 encoded-words
 * when not ASCII, folded), Date, a stable Message-ID (the same for every retry
 * of a delivery: <pharos.u{update}.s{subscriber}@host>, so clients drop
 * duplicates of an at-least-once resend), MIME-Version, Auto-Submitted:
 * auto-generated, List-Unsubscribe with List-Unsubscribe-Post (RFC 8058), and a
 * multipart/alternative body of text and HTML parts (base64, so no line limit
 * or dot-stuffing concern) rendered from the templates under templates/email/.
 * Header values never contain CR or LF: a value with one is refused (the
 * delivery fails permanently) rather than cleaned.
 *
 * A coalesced message (notify.coalesce_s, app/storm.h) lists several updates to one
 * subscriber: Subject "[PAGE] N updates", Message-ID <pharos.d{delivery}@host>, and for each
 * update, in the order they were accepted, what update.txt says of one
 * (templates/email/digest.*), with the usual links and List-Unsubscribe.
 *
 * Confirmations (deliveries of kind confirmation) use templates/email/confirm.*
 * and carry nothing the visitor typed but the address itself; invitations use
 * templates/email/invite.* (the link in them is the only copy there is).
 *
 * TLS, credentials, PIPELINING and how SMTP replies become outcomes (5xx permanent,
 * anything else retried) are the SMTP connection's (notify/smtp_conn.h).
 */
#include "core/timeutil.h"
#include "notify/channel.h"
#include "render/i18n.h"
#include <assert.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *get(json_t *o, const char *a, const char *b)
{
    const char *s = json_string_value(json_object_get(a ? json_object_get(o, a) : o, b));
    return s ? s : "";
}

static bool header_safe(const char *v)
{
    return strpbrk(v, "\r\n") == NULL;
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20) return false;
    return true;
}

/* "Name: VALUE" into B, VALUE as RFC 2047 base64 encoded-words of at most 45 input bytes,
 * cut at UTF-8 boundaries and folded, when it is not plain ASCII. */
static void put_text_header(struct buf *b, const char *name, const char *v)
{
    buf_printf(b, "%s: ", name);
    if (is_ascii(v) && strlen(v) < 900) {
        buf_printf(b, "%s\r\n", v);
        return;
    }
    size_t len = strlen(v), i = 0;
    while (i < len) {
        size_t n = len - i > 45 ? 45 : len - i;
        while (i + n < len && n > 1 && ((unsigned char)v[i + n] & 0xc0) == 0x80)
            n--;
        char enc[80];
        sodium_bin2base64(enc, sizeof enc, (const unsigned char *)v + i, n,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_printf(b, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", enc);
        i += n;
    }
    buf_puts(b, "\r\n");
}

/* A MIME part of TYPE holding TEXT in base64 lines of 76. The text is no secret, so
 * OpenSSL's plain encoder (several times faster than libsodium's constant-time one, and
 * this runs for every recipient) writes each line straight into B. */
static void put_part(struct buf *b, const char *boundary, const char *type, const char *text)
{
    buf_printf(b,
               "--%s\r\nContent-Type: %s; charset=utf-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n",
               boundary, type);
    size_t len = strlen(text), lines = (len + 56) / 57;
    if (buf_reserve(b, lines * 78) != 0) return; /* full: build() tells */
    for (size_t i = 0; i < len; i += 57) {
        int n = len - i > 57 ? 57 : (int)(len - i);
        int w =
            EVP_EncodeBlock((unsigned char *)b->data + b->len, (const unsigned char *)text + i, n);
        assert(w > 0 && w <= 76);
        b->len += (size_t)w;
        memcpy(b->data + b->len, "\r\n", 3); /* with the NUL */
        b->len += 2;
    }
}

static const char *from_domain(const char *from)
{
    const char *at = strrchr(from, '@');
    return at ? at + 1 : "localhost";
}

/* Builds the whole message into M->req. */
static int build(struct notify_env *env, struct nmsg *m, json_t *model, const char *tmpl_base,
                 const char *subject)
{
    const struct config *cfg = env->app->cfg;
    char name[64], date[64], boundary[64], msgid[160];
    char *text = NULL, *html = NULL;
    int rc = -1;
    snprintf(name, sizeof name, "email/%s.txt", tmpl_base);
    if (!(text = notify_render(env, m, name, model, TMPL_TEXT))) goto out;
    snprintf(name, sizeof name, "email/%s.html", tmpl_base);
    if (!(html = notify_render(env, m, name, model, TMPL_HTML))) goto out;
    const char *unsub = get(model, NULL, "unsubscribe_url");
    if (!header_safe(cfg->email_from) || !header_safe(m->recipient) || !header_safe(unsub) ||
        strpbrk(m->recipient, "<>") || strpbrk(unsub, "<>")) {
        snprintf(m->error, sizeof m->error, "refused: a header value holds CR, LF or <>");
        goto out;
    }
    time_t now = (time_t)time_now();
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    snprintf(boundary, sizeof boundary, "=_pharos_%lld_%lld", (long long)m->id,
             (long long)m->attempts);
    if (m->nupdates > 1) /* a coalesced message: one id of its own, the same on a retry */
        snprintf(msgid, sizeof msgid, "<pharos.d%lld@%s>", (long long)m->id,
                 from_domain(cfg->email_from));
    else if (m->kind != NMSG_UPDATE)
        snprintf(msgid, sizeof msgid, "<pharos.%c%lld@%s>", m->kind == NMSG_INVITATION ? 'i' : 'c',
                 (long long)m->id, from_domain(cfg->email_from));
    else
        snprintf(msgid, sizeof msgid, "<pharos.u%lld.s%lld@%s>", (long long)m->update_id,
                 (long long)m->subscriber_id, from_domain(cfg->email_from));
    struct buf *b = &m->req;
    buf_printf(b, "From: %s\r\nTo: %s\r\n", cfg->email_from, m->recipient);
    put_text_header(b, "Subject", subject);
    buf_printf(b,
               "Date: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n"
               "Auto-Submitted: auto-generated\r\n",
               date, msgid);
    if (*unsub)
        buf_printf(b,
                   "List-Unsubscribe: <%s>\r\n"
                   "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
                   unsub);
    buf_printf(b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
    put_part(b, boundary, "text/plain", text);
    put_part(b, boundary, "text/html", html);
    buf_printf(b, "--%s--\r\n", boundary);
    rc = buf_full(b) ? -1 : 0;
    if (rc) snprintf(m->error, sizeof m->error, "the message is too large");
out:
    free(text);
    free(html);
    return rc;
}

/*
 * The model of M, a coalesced e-mail (app/storm.h) listing M->updates: {"page","count",
 * "subject","updates":[{"event","update"}…]} from each update's model (context.c), in the
 * order of acceptance; an update deleted meanwhile is left out (NULL with M->error when
 * all are).
 */
static json_t *digest_model(struct notify_env *env, struct nmsg *m)
{
    json_t *list = json_array(), *page = NULL;
    const char *lang = "en"; /* the models' (the subscriber's, else the page's) */
    struct err e = {0};
    for (int k = 0; k < m->nupdates; k++) {
        json_t *u = notify_update_model(env, m->updates[k], m->lang, &e);
        if (!u) {
            if (e.code != ERR_NOT_FOUND) break;
            e = (struct err){0};
            continue;
        }
        if (!page) {
            page = json_incref(json_object_get(u, "page"));
            lang = i18n_canon(get(u, NULL, "lang")) ?: "en";
        }
        json_array_append_new(list, json_pack("{s:O,s:O}", "event", json_object_get(u, "event"),
                                              "update", json_object_get(u, "update")));
    }
    if (!page || e.code) {
        snprintf(m->error, sizeof m->error, "%s",
                 e.code ? e.msg : "the updates of this message no longer exist");
        json_decref(list);
        json_decref(page);
        return NULL;
    }
    size_t n = json_array_size(list);
    char subject[400], heading[400], count[24];
    snprintf(count, sizeof count, "%zu", n);
    i18n_fill(subject, sizeof subject,
              i18n_get(lang, n == 1 ? "email_digest_subject_one" : "email_digest_subject"), "page",
              get(page, NULL, "title"), "n", count, NULL);
    i18n_fill(heading, sizeof heading, i18n_get(lang, "email_digest_title"), "page",
              get(page, NULL, "title"), "n", count, NULL);
    json_t *model = json_pack("{s:o,s:I,s:s,s:s,s:o}", "page", page, "count", (json_int_t)n,
                              "subject", subject, "heading", heading, "updates", list);
    notify_model_words(model, lang);
    return model;
}

static int prepare(struct notify_env *env, struct nmsg *m)
{
    const struct config *cfg = env->app->cfg;
    json_t *model = NULL;
    int rc = -1;
    if (!cfg->smtp_url) {
        snprintf(m->error, sizeof m->error, "e-mail is not configured (email.smtp_url)");
        return -1;
    }
    if (m->kind != NMSG_UPDATE) {
        bool inv = m->kind == NMSG_INVITATION;
        if (!(model = inv ? notify_invitation_model(env, m) : notify_confirmation_model(env, m)))
            return -1;
        char subject[400];
        if (inv) /* the team's console, and so its invitations, are in English */
            snprintf(subject, sizeof subject, "[%s] You are invited to join the team",
                     get(model, "page", "title"));
        else
            i18n_fill(subject, sizeof subject,
                      i18n_get(get(model, NULL, "lang"), "email_confirm_subject"), "page",
                      get(model, "page", "title"), NULL);
        rc = build(env, m, model, inv ? "invite" : "confirm", subject);
    } else if (m->nupdates > 1) {
        if (!(model = digest_model(env, m))) return -1;
        notify_subscriber_links(env, m->page_id, m->subscriber_id, model);
        rc = build(env, m, model, "digest", get(model, NULL, "subject"));
    } else {
        struct err e = {0};
        json_t *u = notify_update_model(env, m->update_id, m->lang, &e);
        if (!u) {
            snprintf(m->error, sizeof m->error, "%s", e.msg);
            return -1;
        }
        model = json_copy(u); /* shallow: the per-recipient links are added on top */
        notify_subscriber_links(env, m->page_id, m->subscriber_id, model);
        rc = build(env, m, model, "update", get(model, NULL, "subject"));
    }
    json_decref(model);
    return rc ? -1 : 0;
}

const struct channel_ops notify_email = {.bit = CH_EMAIL, .prepare = prepare, .smtp = true};
