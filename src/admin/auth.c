/*
 * admin/auth — the console's door (SPEC §8): first-run setup, sign-in,
 * sign-out (here or everywhere), the account screen (password change), page
 * switching and accepting an invitation. The login page also offers "Sign in with
 * SSO" when single sign-on is configured (admin/oidc.c).
 *
 * Setup, sign-in and invitation forms come before any session, so they carry
 * a pre-session csrf_token (admin.h); the others carry the session's.
 */
#include "admin/admin.h"
#include "app/pages.h"
#include "app/team.h"
#include "core/urlform.h"
#include <stdlib.h>
#include <string.h>

static const struct field login_fields[] = {
    {"email", F_TEXT}, {"password", F_TEXT}, {"name", F_TEXT}, {"next", F_TEXT}, {NULL, 0}};

/* Starts a POST before sign-in: same origin, a form, a valid pre-session token. */
static int pre_begin(struct req *r, json_t **form)
{
    struct err e = {0};
    if (admin_cross_origin(r)) return -1;
    if (req_form(r, form, &e) != 0) {
        reply_error(r, &e);
        return -1;
    }
    if (!admin_pre_token_ok(r, form_str(*form, "csrf_token"))) {
        json_decref(*form);
        reply_fail(r, ERR_FORBIDDEN,
                   "this form has expired or did not come from this console "
                   "(its csrf_token is missing or wrong); reload and try again");
        return -1;
    }
    return 0;
}

/* Re-shows a public form FORM_NAME with E next to its field. */
static void public_refused(struct req *r, const char *name, const char *title, json_t *form,
                           json_t *model, const struct err *e)
{
    json_object_del(form, "password");
    if (strcmp(name, "login.html") == 0) admin_oidc_login_model(r, model);
    int status = admin_form_errors(model, form, login_fields, e);
    admin_render_public(r, status, name, title, model);
}

static bool setup_open(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    bool needed = false;
    if (app_setup_needed(t->db, &needed, &e) != 0) {
        reply_error(r, &e);
        return false;
    }
    if (!needed) reply_fail(r, ERR_NOT_FOUND, "setup is done: sign in at /admin/login");
    return needed;
}

static void setup_get(struct req *r)
{
    if (setup_open(r)) admin_render_public(r, 200, "setup.html", "Set up pharos", json_object());
}

/* Signs in (or sets up) with DO(…, page of the Host, the form, &cookie); on success the
 * cookie is set and the browser goes to the form's "next" (a path of this site: a members
 * page sends its visitors here and gets them back), else to the dashboard; on failure the
 * form NAME is shown again. */
static void door_post(struct req *r, const char *name, const char *title,
                      int (*do_it)(struct req *r, int64_t page_id, json_t *form, char **cookie,
                                   struct err *e))
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    json_t *form = NULL;
    char *cookie = NULL;
    int64_t page_id;
    if (pre_begin(r, &form) != 0) return;
    if (app_page_resolve(t->app, t->db, r->host, &page_id, &e) != 0 ||
        do_it(r, page_id, form, &cookie, &e) != 0) {
        if (e.code == ERR_NOT_FOUND)
            reply_error(r, &e);
        else
            public_refused(r, name, title, form, json_object(), &e);
    } else {
        const char *next = form_str(form, "next");
        admin_set_session_cookie(r, cookie);
        admin_redirect(r, "%s", next && *next ? url_local_path(next) : "/admin");
    }
    free(cookie);
    json_decref(form);
}

static int do_setup(struct req *r, int64_t page_id, json_t *form, char **cookie, struct err *e)
{
    struct app_thread *t = r->tctx;
    return app_setup(t->app, t->db, page_id, form_str(form, "email"), form_str(form, "name"),
                     form_str(form, "password"), cookie, e);
}

static int do_login(struct req *r, int64_t page_id, json_t *form, char **cookie, struct err *e)
{
    struct app_thread *t = r->tctx;
    return app_login(t->app, t->db, page_id, form_str(form, "email"), form_str(form, "password"),
                     r->client, cookie, e);
}

static void setup_post(struct req *r)
{
    door_post(r, "setup.html", "Set up pharos", do_setup);
}

static void login_get(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    bool needed = false;
    if (app_setup_needed(t->db, &needed, &e) == 0 && needed) {
        admin_redirect(r, "/admin/setup");
        return;
    }
    const char *next = req_query(r, "next");
    json_t *m = json_pack("{s:{s:s}}", "form", "next", next ? url_local_path(next) : "");
    admin_oidc_login_model(r, m);
    admin_render_public(r, 200, "login.html", "Sign in", m);
}

static void login_post(struct req *r)
{
    door_post(r, "login.html", "Sign in", do_login);
}

/* POST /admin/logout and /admin/logout-everywhere. */
static void sign_out(struct req *r,
                     int (*fn)(struct db *, const struct app_session *, struct err *))
{
    struct admin a;
    struct err e = {0};
    if (admin_begin(r, &a, PERM_READ) != 0) return;
    if (fn(a.c.db, &a.s, &e) != 0) {
        admin_error(&a, &e);
    } else {
        admin_set_session_cookie(r, NULL);
        admin_redirect(r, "/admin/login?notice=signedout");
    }
    admin_end(&a);
}

static void logout(struct req *r)
{
    sign_out(r, app_logout);
}

static void logout_everywhere(struct req *r)
{
    sign_out(r, app_logout_everywhere);
}

static const struct field password_fields[] = {
    {"current_password", F_TEXT}, {"password", F_TEXT}, {NULL, 0}};

static void account_get(struct req *r)
{
    struct admin a;
    if (admin_begin(r, &a, PERM_READ) != 0) return;
    admin_render(&a, 200, "account.html", "Your account", "account", json_object());
    admin_end(&a);
}

static void password_post(struct req *r)
{
    struct admin a;
    struct err e = {0};
    if (admin_begin(r, &a, PERM_READ) != 0) return;
    if (app_password_change(a.c.db, &a.s, form_str(a.form, "current_password"),
                            form_str(a.form, "password"), r->client, &e) != 0) {
        json_t *m = json_object();
        int status = admin_form_errors(m, NULL, password_fields, &e);
        admin_render(&a, status, "account.html", "Your account", "account", m);
    } else {
        admin_redirect(r, "/admin/account?notice=password");
    }
    admin_end(&a);
}

static void switch_page(struct req *r)
{
    struct admin a;
    struct err e = {0};
    if (admin_begin(r, &a, PERM_READ) != 0) return;
    const char *id = form_str(a.form, "page_id");
    int rc = app_session_switch_page(a.c.db, &a.s, id ? strtoll(id, NULL, 10) : 0, &e);
    admin_done(&a, rc, &e, "/admin", "switched");
    admin_end(&a);
}

static void invite_get(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    json_t *inv = NULL;
    if (app_invite_get(t->db, r->params[0], &inv, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    admin_render_public(r, 200, "invite.html", "Join the team", json_pack("{s:o}", "invite", inv));
}

static void invite_post(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    json_t *form = NULL, *inv = NULL;
    char *cookie = NULL;
    int64_t uid, pid;
    if (pre_begin(r, &form) != 0) return;
    if (app_invite_get(t->db, r->params[0], &inv, &e) != 0) {
        reply_error(r, &e);
    } else if (app_invite_accept(t->app, t->db, r->params[0], form_str(form, "name"),
                                 form_str(form, "password"), r->client, &uid, &pid, &e) != 0 ||
               app_session_create(t->app, t->db, uid, pid, &cookie, &e) != 0) {
        public_refused(r, "invite.html", "Join the team", form, json_pack("{s:O}", "invite", inv),
                       &e);
    } else {
        admin_set_session_cookie(r, cookie);
        admin_redirect(r, "/admin");
    }
    json_decref(inv);
    free(cookie);
    json_decref(form);
}

const struct route admin_auth_routes[] = {
    {M_GET, "/admin/setup", setup_get},
    {M_POST, "/admin/setup", setup_post},
    {M_GET, "/admin/login", login_get},
    {M_POST, "/admin/login", login_post},
    {M_POST, "/admin/logout", logout},
    {M_POST, "/admin/logout-everywhere", logout_everywhere},
    {M_GET, "/admin/account", account_get},
    {M_POST, "/admin/account/password", password_post},
    {M_POST, "/admin/pages/switch", switch_page},
    {M_GET, "/admin/invite/{token}", invite_get},
    {M_POST, "/admin/invite/{token}", invite_post},
    {0, NULL, NULL},
};
