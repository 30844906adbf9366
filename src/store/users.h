/*
 * store/users — users and their memberships of pages.
 * USER JSON: {"id","email","name","created_at","updated_at"} (never the hash).
 */
#ifndef PHAROS_STORE_USERS_H
#define PHAROS_STORE_USERS_H
#include "store/db.h"

int64_t store_user_insert(struct db *db, const char *email, const char *name,
                          const char *password_hash, struct err *e);
/* The id of the user with EMAIL: 1 found, 0 not, -1 error. */
int store_user_id_by_email(struct db *db, const char *email, int64_t *id, struct err *e);
int store_membership_set(struct db *db, int64_t user_id, int64_t page_id, const char *role,
                         struct err *e);
/* Number of users (first-run setup exists only while it is 0). -1 on error. */
int64_t store_users_count(struct db *db, struct err *e);

#endif
