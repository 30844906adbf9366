/*
 * store/sessions — console sign-in sessions and the user rows sign-in reads.
 *
 * A session row is keyed by the SHA-256 of the cookie value (core/secret.h), so
 * a copy of the database gives no usable cookie. SESSION JSON (store_session_find):
 * {"user_id","page_id","csrf_token","created_at","last_seen_at","expires_at"} with
 * the times as integers (seconds since the epoch) for the expiry arithmetic, plus
 * the user's "email" and "name".
 */
#ifndef PHAROS_STORE_SESSIONS_H
#define PHAROS_STORE_SESSIONS_H
#include "store/db.h"

/* Inserts a session. Returns 0, or -1 with E. */
int store_session_insert(struct db *db, const char *id_hash, int64_t user_id, int64_t page_id,
                         const char *csrf, int64_t now, int64_t expires_at, struct err *e);
/* The session with ID_HASH as a new object, or NULL (E->code ERR_OK when there is none). */
json_t *store_session_find(struct db *db, const char *id_hash, struct err *e);
/* Sets last_seen_at to NOW. */
int store_session_touch(struct db *db, const char *id_hash, int64_t now, struct err *e);
/* Sets the page the session manages. */
int store_session_set_page(struct db *db, const char *id_hash, int64_t page_id, struct err *e);
/* Deletes one session (logout). */
int store_session_delete(struct db *db, const char *id_hash, struct err *e);
/* Deletes every session of USER_ID but KEEP_HASH (NULL: all of them). */
int store_sessions_delete_user(struct db *db, int64_t user_id, const char *keep_hash,
                               struct err *e);

/* The user with EMAIL as {"id","email","name","password_hash"} (new object), or NULL
 * (E->code ERR_OK when there is none). */
json_t *store_user_auth_by_email(struct db *db, const char *email, struct err *e);
/* The same by id. */
json_t *store_user_auth_by_id(struct db *db, int64_t id, struct err *e);
/* Replaces the user's password hash (and name when NAME is not NULL). */
int store_user_set_password(struct db *db, int64_t id, const char *hash, const char *name,
                            struct err *e);

#endif
