/*
 * app/oidc_signin — the console's end of "Sign in with SSO" (SPEC §16): an e-mail the
 * provider verified (app/oidc.h: app_oidc_poll's DONE) becomes a console session, as a
 * password sign-in does (app/sessions.h). A user known by that e-mail signs in; an
 * unknown one is created, without a password, with oidc.default_role on the page the
 * sign-in began on. Either way the domain must be one of oidc.allowed_domains (checked
 * again here). Audited as user.sso_signin (and user.sso_create).
 */
#ifndef PHAROS_APP_OIDC_SIGNIN_H
#define PHAROS_APP_OIDC_SIGNIN_H
#include "app/app.h"

/*
 * Signs in the owner of verified address EMAIL on PAGE_ID (their first page when they
 * are not a member of it). *COOKIE gets the session cookie value (caller frees).
 * Returns 0, or -1 with E: 403 for a domain not allowed or a known user of no page.
 */
int app_oidc_signin(struct app *app, struct db *db, int64_t page_id, const char *email,
                    char **cookie, struct err *e);

#endif
