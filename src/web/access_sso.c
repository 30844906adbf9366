/*
 * web/access_sso — signing in to a page whose visibility is `sso` (SPEC §16): the
 * visitor's side of app/oidc.h, as admin/oidc.c is the console's. The page's door links
 * GET /access/sso?next=PATH; the sign-in's state is kept in the cookie pharos_sso
 * (HttpOnly, SameSite=Lax so the provider's redirect back brings it), which binds the
 * sign-in to this browser.
 *
 *   /access/sso           begins; 303 to the provider, or to /access/sso/wait while the
 *                         provider's configuration is fetched
 *   /access/sso/callback  the provider's redirect_uri (on the page's public URL: register
 *                         it with the provider beside the console's /admin/oidc/callback);
 *                         records the code, 303 to /access/sso/wait
 *   /access/sso/wait      reloads itself each second until the dispatcher has checked the
 *                         ID token (signature, nonce, email_verified, an allowed domain);
 *                         then the page's access cookie (grant "sso:…", 12 hours) and 303
 *                         to the page asked for, or the door with the reason
 *
 * A page that is not `sso` (any more) answers these with 404: there is nothing to sign in to.
 */
#include "app/oidc.h"
#include "core/timeutil.h"
#include "core/urlform.h"
#include "http/form.h"
#include "http/reply.h"
#include "public/access.h"
#include "public/snapshot.h"
#include "web/web.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SSO_COOKIE "pharos_sso"

/* The snapshot of R's page when it is an `sso` page and SSO is configured; else answers
 * (404) and NULL. */
static struct snapshot *sso_page(struct req *r)
{
    struct err e = {0};
    struct app_thread *t = r->tctx;
    struct snapshot *s = web_public_snapshot(r, &e);
    if (s && (snapshot_access(s)->mode != VIS_SSO || !app_oidc_configured(t->app->cfg))) {
        snapshot_release(s);
        s = NULL;
        err_set(&e, ERR_NOT_FOUND, "this page has no single sign-on");
    }
    if (!s) reply_error(r, &e);
    reply_header(r, "X-Robots-Tag", "noindex, nofollow");
    reply_header(r, "Cache-Control", "no-store");
    return s;
}

/* The door of S with MESSAGE as the reason, answered with STATUS; the sign-in's cookie is
 * cleared. */
static void refused(struct req *r, struct snapshot *s, int status, const char *message)
{
    struct err why = {.code = ERR_UNAUTHORIZED};
    snprintf(why.msg, sizeof why.msg,
             "Sign in with your organisation's account (single sign-on) to see it.");
    reply_cookie(r, SSO_COOKIE, "", 0);
    char *html = web_access_gate(r, s, &why, message);
    if (html)
        reply_bytes(r, status, "text/html; charset=utf-8", html, strlen(html));
    else
        reply_fail(r, ERR_INTERNAL, "%s", message);
    free(html);
}

/* Sends the browser on from outcome O: to the provider, the waiting page, or the page. */
static void go_on(struct req *r, struct snapshot *s, struct app_oidc_outcome *o)
{
    struct app_thread *t = r->tctx;
    const struct public_access *a = snapshot_access(s);
    if (o->step == OIDC_AUTHORIZE) {
        reply_redirect(r, 303, o->text);
    } else if (o->step == OIDC_WAIT) {
        reply_redirect(r, 303, "/access/sso/wait");
    } else if (o->step == OIDC_FAILED) {
        refused(r, s, 403, o->text);
    } else if (o->page_id != a->page_id) { /* begun on another page's host */
        refused(r, s, 403, "this sign-in was begun on another status page; sign in again here");
    } else {
        char grant[PAGE_ACCESS_FP_MAX], value[PAGE_ACCESS_COOKIE_MAX],
            line[PAGE_ACCESS_COOKIE_MAX + 96];
        page_access_sso_grant(t->app->cfg->oidc_allowed_domains, grant);
        page_access_cookie(t->app->key, a->page_id, grant, time_now() + PAGE_ACCESS_SSO_TTL_S,
                           value);
        snprintf(line, sizeof line, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
                 PAGE_ACCESS_COOKIE, value, PAGE_ACCESS_SSO_TTL_S, r->secure ? "; Secure" : "");
        reply_cookie(r, SSO_COOKIE, "", 0);
        reply_header(r, "Set-Cookie", line);
        reply_redirect(r, 303, url_local_path(o->return_to));
    }
}

static void start(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    struct app_oidc_outcome o = {0};
    struct snapshot *s = sso_page(r);
    if (!s) return;
    const char *url =
        json_string_value(json_object_get(json_object_get(snapshot_model(s), "page"), "url"));
    char redirect[700];
    snprintf(redirect, sizeof redirect, "%s/access/sso/callback", url ? url : "");
    if (app_oidc_begin(t->app, t->db, snapshot_access(s)->page_id, redirect,
                       url_local_path(req_query(r, "next")), r->client, &o, &e) != 0) {
        refused(r, s, err_http_status(e.code), e.msg);
    } else {
        reply_cookie(r, SSO_COOKIE, o.state, OIDC_LOGIN_TTL_S);
        go_on(r, s, &o);
    }
    app_oidc_outcome_free(&o);
    snapshot_release(s);
}

static void callback(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    char kept[128];
    struct snapshot *s = sso_page(r);
    if (!s) return;
    if (app_oidc_callback(t->app, t->db, req_query(r, "state"),
                          req_cookie(r, SSO_COOKIE, kept, sizeof kept), req_query(r, "code"),
                          req_query(r, "error"), req_query(r, "error_description"), &e) != 0)
        refused(r, s, err_http_status(e.code), e.msg);
    else
        reply_redirect(r, 303, "/access/sso/wait");
    snapshot_release(s);
}

static void wait_page(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    struct app_oidc_outcome o = {0};
    char kept[128];
    struct snapshot *s = sso_page(r);
    if (!s) return;
    if (app_oidc_poll(t->app, t->db, req_cookie(r, SSO_COOKIE, kept, sizeof kept), &o, &e) != 0) {
        refused(r, s, err_http_status(e.code), e.msg);
    } else if (o.step == OIDC_WAIT) {
        struct err why = {.code = ERR_UNAUTHORIZED};
        snprintf(why.msg, sizeof why.msg, "Signing you in with your organisation's account…");
        json_t *extra = json_pack("{s:i,s:b}", "refresh", 1, "waiting", 1);
        char *html = web_access_gate_with(r, s, &why, NULL, extra);
        json_decref(extra);
        reply_bytes(r, 200, "text/html; charset=utf-8", html, strlen(html));
        free(html);
    } else {
        go_on(r, s, &o);
    }
    app_oidc_outcome_free(&o);
    snapshot_release(s);
}

const struct route web_access_sso_routes[] = {
    {M_GET, "/access/sso", start},
    {M_GET, "/access/sso/callback", callback},
    {M_GET, "/access/sso/wait", wait_page},
    {0, NULL, NULL},
};
