/*
 * store/team — SQL for members and invitations. See team.h.
 */
#include "store/team.h"
#include "core/timeutil.h"
#include <stdio.h>

json_t *store_members_list(struct db *db, int64_t page_id, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT u.id, u.email, u.name, m.role, m.created_at AS joined_at "
                        "FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.page_id = ? "
                        "ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 "
                        "WHEN 'editor' THEN 2 ELSE 3 END, u.email",
                        "i", page_id);
}

int store_membership_role(struct db *db, int64_t user_id, int64_t page_id, char *role, size_t size,
                          struct err *e)
{
    json_t *row =
        db_query_one(db, e, "SELECT role FROM memberships WHERE user_id = ? AND page_id = ?", "ii",
                     user_id, page_id);
    if (!row) return e->code == ERR_OK ? 0 : -1;
    snprintf(role, size, "%s", json_string_value(json_object_get(row, "role")));
    json_decref(row);
    return 1;
}

int store_membership_first_page(struct db *db, int64_t user_id, int64_t *page_id, struct err *e)
{
    return db_query_int(
        db, e, page_id,
        "SELECT page_id FROM memberships WHERE user_id = ? ORDER BY page_id LIMIT 1", "i", user_id);
}

json_t *store_memberships_of_user(struct db *db, int64_t user_id, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT p.id, p.slug, p.title, m.role FROM memberships m "
                        "JOIN pages p ON p.id = m.page_id WHERE m.user_id = ? ORDER BY p.id",
                        "i", user_id);
}

int64_t store_owners_count(struct db *db, int64_t page_id, struct err *e)
{
    int64_t n = 0;
    return db_query_int(db, e, &n,
                        "SELECT COUNT(*) FROM memberships WHERE page_id = ? AND role = 'owner'",
                        "i", page_id) < 0
               ? -1
               : n;
}

int store_membership_delete(struct db *db, int64_t user_id, int64_t page_id, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed, "DELETE FROM memberships WHERE user_id = ? AND page_id = ?", "ii",
                user_id, page_id) != 0)
        return -1;
    return changed > 0;
}

int64_t store_invitation_insert(struct db *db, int64_t page_id, const char *email, const char *role,
                                const char *token_hash, int64_t invited_by, int64_t expires_at,
                                struct err *e)
{
    return db_insert(db, e,
                     "INSERT INTO invitations (page_id, email, role, token_hash, invited_by, "
                     "created_at, expires_at) VALUES (?,?,?,?,?,?,?)",
                     "isssIii", page_id, email, role, token_hash, invited_by, time_now(),
                     expires_at);
}

json_t *store_invitations_pending(struct db *db, int64_t page_id, int64_t now, struct err *e)
{
    return db_query_all(
        db, e,
        "SELECT i.id, i.email, i.role, i.created_at, i.expires_at, "
        "COALESCE(m.state, 'not e-mailed') AS mail_state, m.last_error AS mail_error "
        "FROM invitations i LEFT JOIN deliveries m ON m.id = (SELECT MAX(id) FROM deliveries "
        "WHERE invitation_id = i.id) "
        "WHERE i.page_id = ? AND i.accepted_at IS NULL AND i.expires_at > ? ORDER BY i.id DESC",
        "ii", page_id, now);
}

json_t *store_invitation_find(struct db *db, const char *token_hash, int64_t now, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT i.id, i.page_id, i.email, i.role, p.title AS page_title "
                        "FROM invitations i JOIN pages p ON p.id = i.page_id "
                        "WHERE i.token_hash = ? AND i.accepted_at IS NULL AND i.expires_at > ?",
                        "si", token_hash, now);
}

json_t *store_invitation_mail(struct db *db, int64_t id, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT i.id, i.page_id, i.email, i.role, p.title AS page_title, "
                        "i.expires_at AS expires, i.accepted_at AS accepted, "
                        "COALESCE(NULLIF(u.name, ''), u.email) AS inviter "
                        "FROM invitations i JOIN pages p ON p.id = i.page_id "
                        "LEFT JOIN users u ON u.id = i.invited_by WHERE i.id = ?",
                        "i", id);
}

int store_invitation_set_hash(struct db *db, int64_t id, const char *token_hash, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE invitations SET token_hash = ? WHERE id = ?", "si",
                   token_hash, id);
}

int store_invitation_accept(struct db *db, int64_t id, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE invitations SET accepted_at = ? WHERE id = ?", "ii", now,
                   id);
}

int store_invitation_delete(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    int changed = 0;
    if (db_exec(db, e, &changed,
                "DELETE FROM invitations WHERE page_id = ? AND id = ? AND accepted_at IS NULL",
                "ii", page_id, id) != 0)
        return -1;
    return changed > 0;
}
