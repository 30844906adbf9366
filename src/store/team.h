/*
 * store/team — a page's members and invitations (SQL only; the rules are in app/team.c).
 *
 * MEMBER JSON: {"id","email","name","role","joined_at"}.
 * INVITATION JSON: {"id","email","role","created_at","expires_at"} (never the token hash).
 */
#ifndef PHAROS_STORE_TEAM_H
#define PHAROS_STORE_TEAM_H
#include "store/db.h"

/* Members of PAGE_ID, owners first, then by e-mail. */
json_t *store_members_list(struct db *db, int64_t page_id, struct err *e);
/* The role of USER_ID on PAGE_ID into ROLE (≥ 8 bytes): 1 member, 0 not, -1 error. */
int store_membership_role(struct db *db, int64_t user_id, int64_t page_id, char *role, size_t size,
                          struct err *e);
/* The first page (lowest id) USER_ID is a member of: 1 found, 0 none, -1 error. */
int store_membership_first_page(struct db *db, int64_t user_id, int64_t *page_id, struct err *e);
/* {"id","slug","title","role"} for every page USER_ID belongs to, by id. */
json_t *store_memberships_of_user(struct db *db, int64_t user_id, struct err *e);
/* Number of owners of PAGE_ID, or -1. */
int64_t store_owners_count(struct db *db, int64_t page_id, struct err *e);
/* 1 removed, 0 not a member, -1 error. */
int store_membership_delete(struct db *db, int64_t user_id, int64_t page_id, struct err *e);

int64_t store_invitation_insert(struct db *db, int64_t page_id, const char *email, const char *role,
                                const char *token_hash, int64_t invited_by, int64_t expires_at,
                                struct err *e);
/* Pending (not accepted, not expired at NOW) invitations of PAGE_ID, newest first, each
 * with "mail_state" (pending, sending, sent, failed, dead) and "mail_error" of its e-mail. */
json_t *store_invitations_pending(struct db *db, int64_t page_id, int64_t now, struct err *e);
/* The pending invitation with TOKEN_HASH as {"id","page_id","email","role","page_title"},
 * or NULL (E->code ERR_OK when there is none). */
json_t *store_invitation_find(struct db *db, const char *token_hash, int64_t now, struct err *e);
/* Invitation ID as its e-mail shows it: {"id","page_id","email","role","page_title",
 * "expires","accepted","inviter"} ("expires" and "accepted" integers, "accepted" null
 * while pending, "inviter" the inviter's name or e-mail or null), or NULL (E->code
 * ERR_OK when there is none). */
json_t *store_invitation_mail(struct db *db, int64_t id, struct err *e);
/* Sets the TOKEN_HASH of invitation ID (once its token, derived from the id, is known). */
int store_invitation_set_hash(struct db *db, int64_t id, const char *token_hash, struct err *e);
int store_invitation_accept(struct db *db, int64_t id, int64_t now, struct err *e);
/* 1 deleted, 0 no such pending invitation, -1 error. */
int store_invitation_delete(struct db *db, int64_t page_id, int64_t id, struct err *e);

#endif
