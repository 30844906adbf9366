/*
 * app/users — team members. (Sign-in, sessions and invitations belong to the console.)
 */
#ifndef PHAROS_APP_USERS_H
#define PHAROS_APP_USERS_H
#include "app/app.h"

/* Normalises and checks an e-mail address into OUT (lower-case). */
int app_email_normalise(const char *in, char *out, size_t size, struct err *e);
/* Checks a new password (8 to 200 characters). */
int app_password_check(const char *password, struct err *e);

/*
 * Adds a user with EMAIL, NAME and PASSWORD as ROLE of C's page, or, when the
 * user exists, gives them ROLE on that page (the password is then ignored).
 * *ID gets the user id.
 */
int app_user_add(struct app_ctx *c, const char *email, const char *name, const char *role,
                 const char *password, int64_t *id, struct err *e);

#endif
