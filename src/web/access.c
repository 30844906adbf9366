/*
 * web/access — the door of a page that is not public (SPEC §16). Every public route of
 * such a page asks web_access_check() first: the page's rules come with its snapshot
 * (public/access.h), so a visitor who may read it costs a MAC (password), a CIDR match
 * (ip) or one session lookup (members), and then the snapshot's bytes as usual.
 *
 * A visitor who may not read it gets the door (templates/public/access.html, rendered from
 * the page's title and logo only): the password form, a link to sign in, or the refusal.
 * Feeds, JSON, the badge and the calendar also open with ?key=READ_KEY, for feed readers
 * and scripts that keep no cookie. Every answer for such a page says "X-Robots-Tag:
 * noindex" and (web/public.c) "Cache-Control: private", so neither a search engine nor a
 * shared cache keeps it.
 *
 * An `sso` page's door links web/access_sso.c's sign-in, which ends with the same kind of
 * cookie, its grant the allowed domains' (domain/access_grant.h).
 *
 * POST /access takes the password form: right, the access cookie (domain/access_grant.h)
 * and a redirect back to the page the visitor asked for (a path of this site only); wrong,
 * the form again with the reason, under the sign-in limits (app/page_access.h).
 */
#include "public/access.h"
#include "app/oidc.h"
#include "app/page_access.h"
#include "app/subscribe_token.h"
#include "core/buf.h"
#include "core/timeutil.h"
#include "core/urlform.h"
#include "http/form.h"
#include "http/reply.h"
#include "public/snapshot.h"
#include "render/i18n.h"
#include "web/web.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The console's session cookie (admin/admin.h's ADMIN_COOKIE). */
#define SESSION_COOKIE "pharos_session"

/* "X-Robots-Tag: noindex" on R, once. */
static void noindex(struct req *r)
{
    if (!strstr(buf_cstr(r->out_headers), "\r\nX-Robots-Tag: ") &&
        strncmp(buf_cstr(r->out_headers), "X-Robots-Tag: ", 14) != 0)
        reply_header(r, "X-Robots-Tag", "noindex, nofollow");
}

static int check(struct req *r, struct snapshot *s, bool keyed, struct err *e);

int web_access_check(struct req *r, struct snapshot *s, bool keyed, struct err *e)
{
    if (snapshot_access(s)->mode == VIS_PUBLIC) return 0;
    noindex(r);
    int rc = check(r, s, keyed, e);
    /* the door (with its form's token) is for this visitor only, and only now */
    if (rc != 0 && !strstr(buf_cstr(r->out_headers), "Cache-Control: "))
        reply_header(r, "Cache-Control", "private, no-store");
    return rc;
}

/* web_access_check() of a page that is not public. */
static int check(struct req *r, struct snapshot *s, bool keyed, struct err *e)
{
    const struct public_access *a = snapshot_access(s);
    const char *key = keyed ? req_query(r, "key") : NULL;
    if (key) {
        if (public_access_key_ok(a, key)) return 0;
        return err_set(e, ERR_UNAUTHORIZED,
                       "key is not this page's read key (it may have been "
                       "replaced: ask the page's team for the new one)");
    }
    struct app_thread *t = r->tctx;
    char cookie[PAGE_ACCESS_COOKIE_MAX + 8];
    switch (a->mode) {
    case VIS_PUBLIC:
        return 0;
    case VIS_IP:
        if (cidr_list_match(a->blocks, a->nblocks, r->client)) return 0;
        return err_set(e, ERR_FORBIDDEN,
                       "This status page can only be seen from its team's networks; your "
                       "address (%s) is not one of them.",
                       r->client);
    case VIS_PASSWORD:
        if (a->grant[0] &&
            page_access_cookie_ok(t->app->key, a->page_id, a->grant,
                                  req_cookie(r, PAGE_ACCESS_COOKIE, cookie, sizeof cookie),
                                  time_now()))
            return 0;
        return err_set(e, ERR_UNAUTHORIZED, "Enter the page's password to see it.");
    case VIS_MEMBERS: {
        char session[128];
        bool member = false;
        if (app_page_member(t->app, t->db, req_cookie(r, SESSION_COOKIE, session, sizeof session),
                            a->page_id, &member, e) != 0)
            return -1;
        if (member) return 0;
        return err_set(e, ERR_UNAUTHORIZED,
                       "Only the page's team can see it: sign in to the console as one of them.");
    }
    case VIS_SSO: {
        char grant[PAGE_ACCESS_FP_MAX];
        page_access_sso_grant(t->app->cfg->oidc_allowed_domains, grant);
        if (app_oidc_configured(t->app->cfg) &&
            page_access_cookie_ok(t->app->key, a->page_id, grant,
                                  req_cookie(r, PAGE_ACCESS_COOKIE, cookie, sizeof cookie),
                                  time_now()))
            return 0;
        return err_set(e, ERR_UNAUTHORIZED,
                       "Sign in with your organisation's account (single sign-on) to see it.");
    }
    }
    return err_set(e, ERR_FORBIDDEN, "this page cannot be seen");
}

/*
 * The door's sentences in LANG (SPEC §16): what MODE asks of the visitor (WHY's English
 * message is what the JSON and feed answers say), the SSO sign-in being checked (M's
 * "waiting"), and a refused password form's error by its kind (its English text when the
 * kind has no words: a bug's, a storage failure's).
 */
static void door_words(json_t *m, const char *lang, enum visibility mode, const struct err *why,
                       const char *client)
{
    char buf[512];
    static const char *const keys[] = {[VIS_PASSWORD] = "door_password",
                                       [VIS_MEMBERS] = "door_members",
                                       [VIS_SSO] = "door_sso",
                                       [VIS_IP] = "door_ip"};
    const char *key = json_is_true(json_object_get(m, "waiting"))                 ? "door_sso_wait"
                      : (size_t)mode < sizeof keys / sizeof keys[0] && keys[mode] ? keys[mode]
                                                                                  : NULL;
    if (key && (why->code == ERR_UNAUTHORIZED || why->code == ERR_FORBIDDEN))
        json_object_set_new(m, "message",
                            json_string(i18n_fill(buf, sizeof buf, i18n_get(lang, key), "address",
                                                  client ? client : "", NULL)));
    if (!json_object_get(m, "error")) return;
    json_int_t code = json_integer_value(json_object_get(m, "error_code"));
    const char *ek = code == ERR_RATE_LIMITED   ? "door_throttled"
                     : code == ERR_UNAUTHORIZED ? "door_wrong_password"
                     : code == ERR_INVALID      ? "door_enter_password"
                     : code == ERR_FORBIDDEN    ? "door_expired"
                                                : NULL;
    if (ek) json_object_set_new(m, "error", json_string(i18n_get(lang, ek)));
    json_object_del(m, "error_code");
}

char *web_access_gate(struct req *r, struct snapshot *s, const struct err *why, const char *error)
{
    return web_access_gate_with(r, s, why, error, NULL);
}

char *web_access_gate_with(struct req *r, struct snapshot *s, const struct err *why,
                           const char *error, const json_t *extra)
{
    struct err e = {0};
    struct app_thread *t = r->tctx;
    const struct public_access *a = snapshot_access(s);
    char csrf[SUBSCRIBE_TOKEN_MAX];
    subscribe_csrf_new(t->app->key, time_now(), csrf);
    /* the page asked for, query included, to come back to after the password; the
     * form's own answer returns to its "next" */
    const char *next = r->method == M_POST ? "/" : req_target(r);
    json_t *m =
        json_pack("{s:i,s:s,s:s,s:s,s:s,s:b}", "status", err_http_status(why->code), "mode",
                  visibility_name(a->mode), "message", why->msg, "next", url_local_path(next),
                  "csrf_token", csrf, "is_password", a->mode == VIS_PASSWORD);
    if (error) json_object_set_new(m, "error", json_string(error));
    if (a->mode == VIS_MEMBERS || a->mode == VIS_SSO) { /* back here once signed in */
        char *n = url_pct_encode(url_local_path(next));
        char login[2100];
        snprintf(login, sizeof login, "%s?next=%s",
                 a->mode == VIS_SSO ? "/access/sso" : "/admin/login", n);
        free(n);
        json_object_set_new(m, "login_url", json_string(login));
        if (a->mode == VIS_SSO) json_object_set_new(m, "is_sso", json_true());
    }
    const char *lang = web_lang(r, s, false, NULL); /* SPEC §16 */
    json_object_set_new(m, "lang", json_string(lang));
    if (extra) json_object_update(m, (json_t *)extra);
    door_words(m, lang, a->mode, why, r->client);
    char *html = snapshot_render_gate(s, "public/access.html", m, &e);
    json_decref(m);
    return html;
}

/* POST /access: the password form. */
static void on_access(struct req *r)
{
    struct err e = {0};
    struct app_thread *t = r->tctx;
    json_t *form = NULL;
    struct snapshot *s = web_public_snapshot(r, &e);
    if (!s) {
        reply_error(r, &e);
        return;
    }
    const struct public_access *a = snapshot_access(s);
    noindex(r);
    reply_header(r, "Cache-Control", "no-store");
    char out[PAGE_ACCESS_COOKIE_MAX];
    int rc = req_form(r, &form, &e);
    const char *csrf = rc == 0 ? form_str(form, "csrf_token") : NULL;
    if (rc == 0 && !(csrf && subscribe_csrf_ok(t->app->key, csrf, time_now())))
        rc = err_set(&e, ERR_FORBIDDEN, "this form has expired: reload the page and try again");
    if (rc == 0)
        rc = app_page_password_enter(t->app, t->db, a->page_id, form_str(form, "password"),
                                     r->client, out, &e);
    if (rc == 0) {
        char line[PAGE_ACCESS_COOKIE_MAX + 80];
        snprintf(line, sizeof line, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
                 PAGE_ACCESS_COOKIE, out, PAGE_ACCESS_TTL_S, r->secure ? "; Secure" : "");
        reply_header(r, "Set-Cookie", line);
        reply_redirect(r, 303, url_local_path(form_str(form, "next")));
    } else if (a->mode == VIS_PASSWORD && e.code != ERR_INTERNAL && e.code != ERR_UNAVAILABLE) {
        struct err why = {.code = e.code};
        snprintf(why.msg, sizeof why.msg, "Enter the page's password to see it.");
        /* the form again, still going back to the page first asked for */
        json_t *keep = json_pack("{s:s,s:i}", "next", url_local_path(form_str(form, "next")),
                                 "error_code", (int)e.code);
        char *html = web_access_gate_with(r, s, &why, e.msg, keep);
        json_decref(keep);
        if (html) {
            reply_bytes(r, err_http_status(e.code), "text/html; charset=utf-8", html, strlen(html));
            free(html);
        } else {
            reply_error(r, &e);
        }
    } else {
        reply_error(r, &e);
    }
    json_decref(form);
    snapshot_release(s);
}

const struct route web_access_routes[] = {
    {M_POST, "/access", on_access},
    {0, NULL, NULL},
};
