/*
 * app/team — members and invitations. See team.h.
 */
#include "app/team.h"
#include "app/users.h"
#include "core/secret.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "store/sessions.h"
#include "store/team.h"
#include "store/users.h"
#include <stdlib.h>
#include <string.h>

int app_team_list(struct app_ctx *c, json_t **out, struct err *e)
{
    if (app_require(c, PERM_TEAM, e) != 0) return -1;
    json_t *members = store_members_list(c->db, c->page_id, e);
    if (!members) return -1;
    json_t *inv = store_invitations_pending(c->db, c->page_id, time_now(), e);
    if (!inv) {
        json_decref(members);
        return -1;
    }
    *out = json_pack("{s:o,s:o}", "members", members, "invitations", inv);
    return 0;
}

/* Parses ROLE; making an owner needs PERM_OWNERS. */
static int role_allowed(struct app_ctx *c, const char *role, enum role *r, struct err *e)
{
    if (!role || role_parse(role, r) != 0)
        return err_set(e, ERR_INVALID, "role must be one of owner, admin, editor, viewer");
    return *r == ROLE_OWNER ? app_require(c, PERM_OWNERS, e) : 0;
}

int app_invite_create(struct app_ctx *c, const char *email, const char *role, char **token,
                      struct err *e)
{
    char norm[256], hash[TOKEN_HASH_HEX];
    enum role r;
    if (app_require(c, PERM_TEAM, e) != 0 ||
        app_email_normalise(email ? email : "", norm, sizeof norm, e) != 0 ||
        role_allowed(c, role, &r, e) != 0)
        return -1;
    int64_t uid = 0;
    char cur[16];
    int found = store_user_id_by_email(c->db, norm, &uid, e);
    if (found < 0) return -1;
    int member = found ? store_membership_role(c->db, uid, c->page_id, cur, sizeof cur, e) : 0;
    if (member < 0) return -1;
    if (member) return err_set(e, ERR_CONFLICT, "email: %s is already a member of this page", norm);
    char *tok = secret_token_new("inv_");
    secret_token_hash(tok, hash);
    if (db_begin(c->db, e) != 0) goto fail;
    int64_t id = store_invitation_insert(c->db, c->page_id, norm, role_name(r), hash,
                                         c->actor.kind == ACTOR_USER ? c->actor.id : 0,
                                         time_now() + INVITE_TTL_S, e);
    if (id < 0 || app_audit(c, "team.invite", id, norm, e) != 0) {
        db_rollback(c->db);
        goto fail;
    }
    if (db_commit(c->db, e) != 0) goto fail;
    *token = tok;
    return 0;
fail:
    free(tok);
    return -1;
}

static int invitation_delete(struct db *db, int64_t page_id, int64_t id, struct err *e)
{
    return store_invitation_delete(db, page_id, id, e);
}

int app_invite_delete(struct app_ctx *c, int64_t id, struct err *e)
{
    return app_delete_one(c, PERM_TEAM, invitation_delete, "pending invitation", "team.uninvite",
                          id, false, e);
}

/* The pending invitation of TOKEN, or NULL with a 404 in E. */
static json_t *invitation_of(struct db *db, const char *token, struct err *e)
{
    char hash[TOKEN_HASH_HEX];
    if (!token || strncmp(token, "inv_", 4) != 0) {
        err_set(e, ERR_NOT_FOUND, "this invitation link is not valid");
        return NULL;
    }
    secret_token_hash(token, hash);
    json_t *inv = store_invitation_find(db, hash, time_now(), e);
    if (!inv && e->code == ERR_OK)
        err_set(e, ERR_NOT_FOUND,
                "this invitation link is not valid: it was used, withdrawn or has expired");
    return inv;
}

int app_invite_get(struct db *db, const char *token, json_t **out, struct err *e)
{
    json_t *inv = invitation_of(db, token, e);
    if (!inv) return -1;
    json_t *user =
        store_user_auth_by_email(db, json_string_value(json_object_get(inv, "email")), e);
    if (!user && e->code != ERR_OK) {
        json_decref(inv);
        return -1;
    }
    bool existing = user && json_is_string(json_object_get(user, "password_hash"));
    json_object_set_new(inv, "existing", json_boolean(existing));
    json_decref(user);
    *out = inv;
    return 0;
}

int app_invite_accept(struct app *app, struct db *db, const char *token, const char *name,
                      const char *password, int64_t *user_id, int64_t *page_id, struct err *e)
{
    json_t *inv = NULL, *user = NULL;
    char *hash = NULL;
    int rc = -1;
    if (db_begin(db, e) != 0) return -1;
    if (!(inv = invitation_of(db, token, e))) goto out;
    const char *email = json_string_value(json_object_get(inv, "email"));
    if (!(user = store_user_auth_by_email(db, email, e)) && e->code != ERR_OK) goto out;
    const char *old = user ? json_string_value(json_object_get(user, "password_hash")) : NULL;
    int64_t uid = user ? json_integer_value(json_object_get(user, "id")) : 0;
    if (old) {
        if (!secret_password_verify(old, password ? password : "")) {
            err_set(e, ERR_INVALID, "password: this is not the password of %s", email);
            goto out;
        }
    } else {
        if (text_check("name", name ? name : "", LIMIT_NAME, false, false, e) != 0 ||
            app_password_check(password ? password : "", e) != 0)
            goto out;
        if (!(hash = secret_password_hash(password))) {
            err_set(e, ERR_INTERNAL, "could not hash the password");
            goto out;
        }
        if (uid ? store_user_set_password(db, uid, hash, name ? name : "", e) != 0
                : (uid = store_user_insert(db, email, name ? name : "", hash, e)) < 0)
            goto out;
    }
    int64_t pid = json_integer_value(json_object_get(inv, "page_id"));
    struct app_ctx c = {
        .app = app, .db = db, .page_id = pid, .actor = {.kind = ACTOR_USER, .id = uid}};
    if (store_membership_set(db, uid, pid, json_string_value(json_object_get(inv, "role")), e) !=
            0 ||
        store_invitation_accept(db, json_integer_value(json_object_get(inv, "id")), time_now(),
                                e) != 0 ||
        app_audit(&c, "team.join", uid, email, e) != 0 || db_commit(db, e) != 0)
        goto out;
    *user_id = uid;
    *page_id = pid;
    rc = 0;
out:
    if (rc != 0) db_rollback(db);
    json_decref(inv);
    json_decref(user);
    free(hash);
    return rc;
}

/*
 * Checks that the actor may change member USER_ID to NEW_ROLE (NULL: removal)
 * inside the open transaction: touching an owner needs PERM_OWNERS, and the
 * last owner stays. *OLD gets the member's role.
 */
static int check_change(struct app_ctx *c, int64_t user_id, const enum role *new_role,
                        enum role *old, struct err *e)
{
    char role[16];
    int member = store_membership_role(c->db, user_id, c->page_id, role, sizeof role, e);
    if (member <= 0)
        return member < 0 ? -1
                          : err_set(e, ERR_NOT_FOUND, "no member with id %lld on this page",
                                    (long long)user_id);
    role_parse(role, old);
    if (*old == ROLE_OWNER && !(new_role && *new_role == ROLE_OWNER)) {
        if (app_require(c, PERM_OWNERS, e) != 0)
            return err_set(e, ERR_FORBIDDEN, "only an owner may remove or demote an owner");
        int64_t owners = store_owners_count(c->db, c->page_id, e);
        if (owners < 0) return -1;
        if (owners <= 1)
            return err_set(e, ERR_CONFLICT,
                           "a page keeps at least one owner: make someone else owner first");
    }
    return 0;
}

int app_member_set_role(struct app_ctx *c, int64_t user_id, const char *role, struct err *e)
{
    enum role r, old;
    if (app_require(c, PERM_TEAM, e) != 0 || role_allowed(c, role, &r, e) != 0 ||
        db_begin(c->db, e) != 0)
        return -1;
    if (check_change(c, user_id, &r, &old, e) != 0 ||
        store_membership_set(c->db, user_id, c->page_id, role_name(r), e) != 0 ||
        app_audit(c, "team.role", user_id, role_name(r), e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    return db_commit(c->db, e);
}

int app_member_remove(struct app_ctx *c, int64_t user_id, struct err *e)
{
    enum role old;
    if (app_require(c, PERM_TEAM, e) != 0 || db_begin(c->db, e) != 0) return -1;
    if (check_change(c, user_id, NULL, &old, e) != 0 ||
        store_membership_delete(c->db, user_id, c->page_id, e) < 0 ||
        app_audit(c, "team.remove", user_id, NULL, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    return db_commit(c->db, e);
}
