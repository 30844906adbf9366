/*
 * app/users — team members. (Sign-in, sessions and invitations belong to the console.)
 */
#ifndef PHAROS_APP_USERS_H
#define PHAROS_APP_USERS_H
#include "app/addresses.h"
#include "app/app.h"

/* Checks a new password (8 to 200 characters). */
int app_password_check(const char *password, struct err *e);

/*
 * Adds a user with EMAIL, NAME and PASSWORD as ROLE of C's page. When an account
 * with EMAIL exists, it is refused (409: its password was set by whoever holds it,
 * and giving that account a role here would hand the role to them) unless
 * RESET_PASSWORD: then the account's password becomes PASSWORD, its sessions end,
 * and it gets ROLE (NAME, when not empty, replaces its name). *ID gets the user id.
 */
int app_user_add(struct app_ctx *c, const char *email, const char *name, const char *role,
                 const char *password, bool reset_password, int64_t *id, struct err *e);

#endif
