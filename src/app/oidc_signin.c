/*
 * app/oidc_signin — a verified e-mail into a console session. See oidc_signin.h.
 *
 * The user (found or created), their membership and the audit rows are one
 * transaction; the session is a second (app_session_create), as after a password.
 */
#include "app/oidc_signin.h"
#include "app/oidc.h"
#include "app/sessions.h"
#include "store/team.h"
#include "store/users.h"
#include <assert.h>
#include <stdio.h>
#include <string.h>

/* The user of EMAIL and the page their session manages, created when unknown, inside
 * the open transaction. */
static int find_or_create(struct app *app, struct db *db, int64_t *page_id, const char *email,
                          int64_t *uid, struct err *e)
{
    char role[16];
    int found = store_user_id_by_email(db, email, uid, e);
    if (found < 0) return -1;
    struct app_ctx c = {.app = app, .db = db, .page_id = *page_id};
    if (!found) {
        if ((*uid = store_user_insert(db, email, "", NULL, e)) < 0 ||
            store_membership_set(db, *uid, *page_id, app->cfg->oidc_default_role, e) != 0)
            return -1;
        c.actor = (struct actor){.kind = ACTOR_USER, .id = *uid};
        role_parse(app->cfg->oidc_default_role, &c.actor.role);
        if (app_audit(&c, "user.sso_create", *uid, email, e) != 0) return -1;
    } else {
        int member = store_membership_role(db, *uid, *page_id, role, sizeof role, e);
        if (member < 0) return -1;
        if (!member) {
            int any = store_membership_first_page(db, *uid, page_id, e);
            if (any <= 0)
                return any < 0
                           ? -1
                           : err_set(e, ERR_FORBIDDEN, "this account is not a member of any page");
        }
        c.page_id = *page_id;
        c.actor = (struct actor){.kind = ACTOR_USER, .id = *uid};
    }
    return app_audit(&c, "user.sso_signin", *uid, email, e);
}

int app_oidc_signin(struct app *app, struct db *db, int64_t page_id, const char *email,
                    char **cookie, struct err *e)
{
    int64_t uid = 0;
    assert(email && cookie);
    *cookie = NULL;
    if (!app_oidc_configured(app->cfg) || !app_oidc_domain_allowed(app->cfg, email))
        return err_set(e, ERR_FORBIDDEN,
                       "%.200s: this e-mail domain may not sign in with single sign-on", email);
    if (db_begin(db, e) != 0) return -1;
    if (find_or_create(app, db, &page_id, email, &uid, e) != 0 || db_commit(db, e) != 0) {
        db_rollback(db);
        return -1;
    }
    return app_session_create(app, db, uid, page_id, cookie, e);
}
