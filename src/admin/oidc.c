/*
 * admin/oidc — "Sign in with SSO" on the console (SPEC §16): the browser's side of
 * app/oidc.h. The login page links GET /admin/oidc/start (a link, not a form: the
 * console's CSP lets forms post only to 'self', redirects included); the sign-in's state
 * is kept in the cookie pharos_oidc (HttpOnly, SameSite=Lax so the provider's redirect
 * back brings it, OIDC_LOGIN_TTL_S), which binds the sign-in to this browser.
 *
 *   /admin/oidc/start     begins; 303 to the provider, or to /admin/oidc/wait while the
 *                         provider's configuration is fetched
 *   /admin/oidc/callback  the provider's redirect_uri (on the page's public URL): records
 *                         the code, 303 to /admin/oidc/wait
 *   /admin/oidc/wait      reloads itself each second (a meta refresh: no inline script)
 *                         until the dispatcher has the answer; then the session cookie and
 *                         303 to /admin, or the login page with the reason
 *
 * Refusals show the login page with the message (4xx, or 502/503 for the provider).
 */
#include "app/oidc.h"
#include "admin/admin.h"
#include "app/oidc_signin.h"
#include "app/pages.h"
#include "core/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OIDC_COOKIE "pharos_oidc"

void admin_oidc_login_model(struct req *r, json_t *m)
{
    struct app_thread *t = r->tctx;
    if (!app_oidc_configured(t->app->cfg)) return;
    json_object_set_new(m, "sso", json_true());
    char *why = app_oidc_problem(t->app, t->db);
    if (why && !json_object_get(m, "error"))
        json_object_set_new(m, "sso_problem", json_string(why));
    free(why);
}

/* The login page with MESSAGE, answered with STATUS; the sign-in's cookie is cleared. */
static void refused(struct req *r, int status, const char *message)
{
    json_t *m = json_pack("{s:s}", "error", message);
    reply_cookie(r, OIDC_COOKIE, "", 0);
    admin_oidc_login_model(r, m);
    admin_render_public(r, status, "login.html", "Sign in", m);
}

static void refused_err(struct req *r, const struct err *e)
{
    refused(r, err_http_status(e->code), e->msg);
}

/* The callback URL on the public URL of PAGE_ID into OUT. 0, or -1 with E. */
static int callback_url(struct req *r, int64_t page_id, char *out, size_t size, struct err *e)
{
    struct app_thread *t = r->tctx;
    struct app_ctx c = {
        .app = t->app, .db = t->db, .page_id = page_id, .actor = {.kind = ACTOR_SYSTEM}};
    json_t *page = NULL;
    if (app_page_get(&c, &page, e) != 0) return -1;
    snprintf(out, size, "%s/admin/oidc/callback", json_string_value(json_object_get(page, "url")));
    json_decref(page);
    return 0;
}

/* Sends the browser on from outcome O: to the provider, the waiting page, or the console. */
static void go_on(struct req *r, struct app_oidc_outcome *o)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    char *cookie = NULL;
    if (o->step == OIDC_AUTHORIZE) {
        reply_redirect(r, 303, o->text);
    } else if (o->step == OIDC_WAIT) {
        reply_header(r, "Cache-Control", "no-store");
        reply_redirect(r, 303, "/admin/oidc/wait");
    } else if (o->step == OIDC_FAILED) {
        refused(r, 403, o->text);
    } else if (app_oidc_signin(t->app, t->db, o->page_id, o->email, &cookie, &e) != 0) {
        log_info("oidc: %s may not sign in: %s", o->email, e.msg);
        refused_err(r, &e);
    } else {
        reply_cookie(r, OIDC_COOKIE, "", 0);
        admin_set_session_cookie(r, cookie);
        admin_redirect(r, "/admin");
    }
    free(cookie);
}

static void start(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    struct app_oidc_outcome o = {0};
    char redirect[600];
    int64_t page_id;
    if (app_page_resolve(t->app, t->db, r->host, &page_id, &e) != 0 ||
        callback_url(r, page_id, redirect, sizeof redirect, &e) != 0 ||
        app_oidc_begin(t->app, t->db, page_id, redirect, "/admin", r->client, &o, &e) != 0) {
        refused_err(r, &e);
        return;
    }
    reply_cookie(r, OIDC_COOKIE, o.state, OIDC_LOGIN_TTL_S);
    go_on(r, &o);
    app_oidc_outcome_free(&o);
}

static void callback(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    char kept[128];
    const char *cookie = req_cookie(r, OIDC_COOKIE, kept, sizeof kept);
    if (app_oidc_callback(t->app, t->db, req_query(r, "state"), cookie, req_query(r, "code"),
                          req_query(r, "error"), req_query(r, "error_description"), &e) != 0) {
        log_info("oidc: a sign-in's callback was refused: %s", e.msg);
        refused_err(r, &e);
        return;
    }
    reply_header(r, "Cache-Control", "no-store");
    reply_redirect(r, 303, "/admin/oidc/wait");
}

static void wait_page(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    struct app_oidc_outcome o = {0};
    char kept[128];
    if (app_oidc_poll(t->app, t->db, req_cookie(r, OIDC_COOKIE, kept, sizeof kept), &o, &e) != 0) {
        refused_err(r, &e);
    } else if (o.step == OIDC_WAIT) {
        reply_header(r, "Cache-Control", "no-store");
        admin_render_public(r, 200, "oidc_wait.html", "Signing in",
                            json_pack("{s:i, s:i}", "refresh", 1, "wait_s", OIDC_WAIT_S));
    } else {
        go_on(r, &o);
    }
    app_oidc_outcome_free(&o);
}

const struct route admin_oidc_routes[] = {
    {M_GET, "/admin/oidc/start", start},
    {M_GET, "/admin/oidc/callback", callback},
    {M_GET, "/admin/oidc/wait", wait_page},
    {0, NULL, NULL},
};
