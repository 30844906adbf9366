/*
 * app/team — a page's team: members, their roles, invitations (SPEC §8).
 *
 * Every use case needs PERM_TEAM (editors and viewers do not see the team). Inviting, changing
 * roles and removing need PERM_TEAM; anything that touches an owner (making one, demoting or
 * removing one) needs PERM_OWNERS, and a page always keeps at least one owner.
 *
 * An invitation is a random token ("inv_" + 43 characters) stored hashed, valid
 * INVITE_TTL_S; its link /admin/invite/{token} is shown once to the inviter.
 * Accepting sets the invitee's password (or, for an existing account, checks
 * it) and makes them a member with the invited role.
 */
#ifndef PHAROS_APP_TEAM_H
#define PHAROS_APP_TEAM_H
#include "app/app.h"

enum { INVITE_TTL_S = 7 * 86400 };

/* {"members":[MEMBER…],"invitations":[INVITATION…]} (store/team.h). */
int app_team_list(struct app_ctx *c, json_t **out, struct err *e);
/* Invites EMAIL as ROLE. *TOKEN gets the invitation token (caller frees; shown once). */
int app_invite_create(struct app_ctx *c, const char *email, const char *role, char **token,
                      struct err *e);
/* Withdraws pending invitation ID. */
int app_invite_delete(struct app_ctx *c, int64_t id, struct err *e);
/* The pending invitation TOKEN as {"email","role","page_title","existing"}, or 404. */
int app_invite_get(struct db *db, const char *token, json_t **out, struct err *e);
/*
 * Accepts invitation TOKEN: a new account gets NAME and PASSWORD; an existing one
 * must give its PASSWORD. *USER_ID and *PAGE_ID get who joined where.
 */
int app_invite_accept(struct app *app, struct db *db, const char *token, const char *name,
                      const char *password, int64_t *user_id, int64_t *page_id, struct err *e);
/* Gives member USER_ID the role ROLE. */
int app_member_set_role(struct app_ctx *c, int64_t user_id, const char *role, struct err *e);
/* Removes member USER_ID from the page (their account stays). */
int app_member_remove(struct app_ctx *c, int64_t user_id, struct err *e);

#endif
