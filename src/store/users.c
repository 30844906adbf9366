/*
 * store/users — SQL for users and memberships. See users.h.
 */
#include "store/users.h"
#include "core/timeutil.h"

int64_t store_user_insert(struct db *db, const char *email, const char *name,
                          const char *password_hash, struct err *e)
{
    int64_t now = time_now();
    int64_t id = db_insert(db, e,
                           "INSERT INTO users (email, name, password_hash, created_at, updated_at) "
                           "VALUES (?,?,?,?,?)",
                           "sssii", email, name, password_hash, now, now);
    if (id < 0 && e->code == ERR_CONFLICT)
        err_set(e, ERR_CONFLICT, "a user with e-mail %s exists already", email);
    return id;
}

int store_user_id_by_email(struct db *db, const char *email, int64_t *id, struct err *e)
{
    return db_query_int(db, e, id, "SELECT id FROM users WHERE email = ?", "s", email);
}

int store_membership_set(struct db *db, int64_t user_id, int64_t page_id, const char *role,
                         struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed,
                "UPDATE memberships SET role = ? WHERE user_id = ? AND page_id = ?", "sii", role,
                user_id, page_id) != 0)
        return -1;
    if (changed) return 0;
    return db_exec(db, e, NULL,
                   "INSERT INTO memberships (user_id, page_id, role, created_at) VALUES (?,?,?,?)",
                   "iisi", user_id, page_id, role, time_now());
}

int64_t store_users_count(struct db *db, struct err *e)
{
    int64_t n = 0;
    return db_query_int(db, e, &n, "SELECT COUNT(*) FROM users", NULL) < 0 ? -1 : n;
}
