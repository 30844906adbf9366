/*
 * store/sessions — SQL for sessions and sign-in. See sessions.h.
 */
#include "store/sessions.h"
#include "core/timeutil.h"

int store_session_insert(struct db *db, const char *id_hash, int64_t user_id, int64_t page_id,
                         const char *csrf, int64_t now, int64_t expires_at, struct err *e)
{
    return db_exec(db, e, NULL,
                   "INSERT INTO sessions (id_hash, user_id, page_id, csrf_token, created_at, "
                   "last_seen_at, expires_at) VALUES (?,?,?,?,?,?,?)",
                   "siIsiii", id_hash, user_id, page_id, csrf, now, now, expires_at);
}

json_t *store_session_find(struct db *db, const char *id_hash, struct err *e)
{
    /* times selected under other names so that db_row_json keeps them as integers */
    return db_query_one(db, e,
                        "SELECT s.user_id, s.page_id, s.csrf_token, s.created_at AS created, "
                        "s.last_seen_at AS seen, s.expires_at AS expires, u.email, u.name "
                        "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?",
                        "s", id_hash);
}

int store_session_touch(struct db *db, const char *id_hash, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", "is", now,
                   id_hash);
}

int store_session_set_page(struct db *db, const char *id_hash, int64_t page_id, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE sessions SET page_id = ? WHERE id_hash = ?", "is", page_id,
                   id_hash);
}

int store_session_delete(struct db *db, const char *id_hash, struct err *e)
{
    return db_exec(db, e, NULL, "DELETE FROM sessions WHERE id_hash = ?", "s", id_hash);
}

int store_sessions_delete_user(struct db *db, int64_t user_id, const char *keep_hash, struct err *e)
{
    return db_exec(db, e, NULL, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", "is",
                   user_id, keep_hash ? keep_hash : "");
}

json_t *store_user_auth_by_email(struct db *db, const char *email, struct err *e)
{
    return db_query_one(db, e, "SELECT id, email, name, password_hash FROM users WHERE email = ?",
                        "s", email);
}

json_t *store_user_auth_by_id(struct db *db, int64_t id, struct err *e)
{
    return db_query_one(db, e, "SELECT id, email, name, password_hash FROM users WHERE id = ?", "i",
                        id);
}

int store_user_set_password(struct db *db, int64_t id, const char *hash, const char *name,
                            struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE users SET password_hash = ?, name = COALESCE(?, name), updated_at = ? "
                   "WHERE id = ?",
                   "ssii", hash, name, time_now(), id);
}
