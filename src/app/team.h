/*
 * app/team — a page's team: members, their roles, invitations (SPEC §8).
 *
 * Every use case needs PERM_TEAM (editors and viewers do not see the team). Inviting, changing
 * roles and removing need PERM_TEAM; anything that touches an owner (making one, demoting or
 * removing one) needs PERM_OWNERS, and a page always keeps at least one owner.
 *
 * An invitation is valid INVITE_TTL_S. Its link /admin/invite/{token} is e-mailed
 * to the invited address (a delivery of kind invitation) and never shown
 * to the inviter: holding the link proves the holder reads that mailbox, which is
 * what lets the link set the password of a new account. The token "inv_<ID>-<MAC>"
 * is derived from the secret key (MAC over page, id and expiry), so only its hash
 * is stored and the mailer derives it again. Accepting with an existing account
 * checks its password under the sign-in limits (app_password_attempt); the
 * invitation page looks the same whether or not the account exists.
 */
#ifndef PHAROS_APP_TEAM_H
#define PHAROS_APP_TEAM_H
#include "app/app.h"

enum { INVITE_TTL_S = 7 * 86400, INVITE_TOKEN_MAX = 80 };

/* {"members":[MEMBER…],"invitations":[INVITATION…]} (store/team.h). */
int app_team_list(struct app_ctx *c, json_t **out, struct err *e);
/* The token of invitation ID of PAGE_ID that expires at EXPIRES, into OUT. */
void app_invite_token(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id, int64_t id,
                      int64_t expires, char out[INVITE_TOKEN_MAX]);
/*
 * Invites EMAIL as ROLE and queues the e-mail carrying the link. 409 when EMAIL is
 * already a member, or when e-mail is not configured (email.smtp_url): then the
 * operator adds members with `pharos user add`. *ID gets the invitation id.
 */
int app_invite_create(struct app_ctx *c, const char *email, const char *role, int64_t *id,
                      struct err *e);
/* Withdraws pending invitation ID. */
int app_invite_delete(struct app_ctx *c, int64_t id, struct err *e);
/* The pending invitation TOKEN as {"id","page_id","email","role","page_title"}, or 404
 * (nothing says whether an account with that address exists). */
int app_invite_get(struct db *db, const char *token, json_t **out, struct err *e);
/*
 * Accepts invitation TOKEN from client address CLIENT: a new account gets NAME and
 * PASSWORD; an existing one must give its PASSWORD (checked under the sign-in
 * limits: 429 past them). *USER_ID and *PAGE_ID get who joined where.
 */
int app_invite_accept(struct app *app, struct db *db, const char *token, const char *name,
                      const char *password, const char *client, int64_t *user_id, int64_t *page_id,
                      struct err *e);
/* Gives member USER_ID the role ROLE. */
int app_member_set_role(struct app_ctx *c, int64_t user_id, const char *role, struct err *e);
/* Removes member USER_ID from the page (their account stays). */
int app_member_remove(struct app_ctx *c, int64_t user_id, struct err *e);

#endif
