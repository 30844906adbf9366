/*
 * app/team — members and invitations. See team.h.
 */
#include "app/team.h"
#include "app/sessions.h"
#include "app/users.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "store/outbox.h"
#include "store/sessions.h"
#include "store/team.h"
#include "store/users.h"
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
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

void app_invite_token(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id, int64_t id,
                      int64_t expires, char out[INVITE_TOKEN_MAX])
{
    char msg[96], mac[32];
    snprintf(msg, sizeof msg, "invite:%" PRId64 ":%" PRId64 ":%" PRId64, page_id, id, expires);
    secret_mac_b64(key, msg, mac, sizeof mac);
    snprintf(out, INVITE_TOKEN_MAX, "inv_%" PRId64 "-%s", id, mac);
}

int app_invite_create(struct app_ctx *c, const char *email, const char *role, int64_t *id,
                      struct err *e)
{
    char norm[256], hash[TOKEN_HASH_HEX], tok[INVITE_TOKEN_MAX], placeholder[TOKEN_HASH_HEX];
    enum role r;
    if (app_require(c, PERM_TEAM, e) != 0 ||
        app_email_normalise(email ? email : "", norm, sizeof norm, e) != 0 ||
        role_allowed(c, role, &r, e) != 0)
        return -1;
    if (!c->app->cfg->smtp_url)
        return err_set(e, ERR_CONFLICT,
                       "email: invitations are e-mailed to the invited address, and e-mail is "
                       "not configured (set email.smtp_url); without e-mail the operator adds "
                       "members with `pharos user add`");
    int64_t uid = 0;
    char cur[16];
    int found = store_user_id_by_email(c->db, norm, &uid, e);
    if (found < 0) return -1;
    int member = found ? store_membership_role(c->db, uid, c->page_id, cur, sizeof cur, e) : 0;
    if (member < 0) return -1;
    if (member) return err_set(e, ERR_CONFLICT, "email: %s is already a member of this page", norm);
    /* the token needs the id: a random placeholder holds the unique column until then */
    char *rnd = secret_token_new("");
    secret_token_hash(rnd, placeholder);
    free(rnd);
    int64_t now = time_now(), expires = now + INVITE_TTL_S;
    if (db_begin(c->db, e) != 0) return -1;
    int64_t iid =
        store_invitation_insert(c->db, c->page_id, norm, role_name(r), placeholder,
                                c->actor.kind == ACTOR_USER ? c->actor.id : 0, expires, e);
    if (iid > 0) {
        app_invite_token(c->app->key, c->page_id, iid, expires, tok);
        secret_token_hash(tok, hash);
    }
    if (iid < 0 || store_invitation_set_hash(c->db, iid, hash, e) != 0 ||
        store_message_add(c->db, c->page_id, STORE_MSG_INVITATION, "email", norm, iid, now, e) <
            0 ||
        app_audit(c, "team.invite", iid, norm, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    sodium_memzero(tok, sizeof tok);
    if (db_commit(c->db, e) != 0) return -1;
    if (c->app->on_work) c->app->on_work(c->app); /* the dispatcher sends the e-mail */
    *id = iid;
    return 0;
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
    *out = inv;
    return 0;
}

/* The account of EMAIL as {"id","password_hash"} (NULL: none, E->code ERR_OK). */
static json_t *account_of(struct db *db, json_t *inv, struct err *e)
{
    return store_user_auth_by_email(db, json_string_value(json_object_get(inv, "email")), e);
}

static int64_t id_of(json_t *o)
{
    return o ? json_integer_value(json_object_get(o, "id")) : 0;
}

static const char *hash_of(json_t *user)
{
    return user ? json_string_value(json_object_get(user, "password_hash")) : NULL;
}

/*
 * Checks what the invitee gave before anything is written (outside the transaction, so
 * a failed password check is counted): an existing account's PASSWORD, or a new
 * account's NAME and PASSWORD, then hashed into *HASH. Returns 0, or -1 with E.
 */
static int invitee_check(struct db *db, json_t *inv, json_t *user, const char *name,
                         const char *password, const char *client, char **hash, struct err *e)
{
    const char *email = json_string_value(json_object_get(inv, "email"));
    if (hash_of(user)) {
        int ok = app_password_attempt(db, email, client, hash_of(user), password, e);
        if (ok == 0)
            err_set(e, ERR_INVALID,
                    "password: %s already has a pharos account, and this is not its password",
                    email);
        return ok == 1 ? 0 : -1;
    }
    if (text_check("name", name ? name : "", LIMIT_NAME, false, false, e) != 0 ||
        app_password_check(password ? password : "", e) != 0)
        return -1;
    if (!(*hash = secret_password_hash(password)))
        return err_set(e, ERR_INTERNAL, "could not hash the password");
    return 0;
}

int app_invite_accept(struct app *app, struct db *db, const char *token, const char *name,
                      const char *password, const char *client, int64_t *user_id, int64_t *page_id,
                      struct err *e)
{
    json_t *inv = NULL, *user = NULL, *again = NULL, *now_user = NULL;
    char *hash = NULL;
    int rc = -1;
    if (!(inv = invitation_of(db, token, e))) return -1;
    if ((!(user = account_of(db, inv, e)) && e->code != ERR_OK) ||
        invitee_check(db, inv, user, name, password, client, &hash, e) != 0)
        goto out;
    if (db_begin(db, e) != 0) goto out;
    /* again inside the transaction: used meanwhile, or the account made meanwhile? */
    if (!(again = invitation_of(db, token, e))) goto rollback;
    if (!(now_user = account_of(db, inv, e)) && e->code != ERR_OK) goto rollback;
    if (id_of(now_user) != id_of(user) || !hash_of(now_user) != !hash_of(user)) {
        err_set(e, ERR_CONFLICT, "the account of this address changed meanwhile: try again");
        goto rollback;
    }
    const char *email = json_string_value(json_object_get(inv, "email"));
    int64_t uid = id_of(user);
    if (hash && (uid ? store_user_set_password(db, uid, hash, name ? name : "", e) != 0
                     : (uid = store_user_insert(db, email, name ? name : "", hash, e)) < 0))
        goto rollback;
    int64_t pid = json_integer_value(json_object_get(inv, "page_id"));
    struct app_ctx c = {
        .app = app, .db = db, .page_id = pid, .actor = {.kind = ACTOR_USER, .id = uid}};
    if (store_membership_set(db, uid, pid, json_string_value(json_object_get(inv, "role")), e) !=
            0 ||
        store_invitation_accept(db, id_of(inv), time_now(), e) != 0 ||
        app_audit(&c, "team.join", uid, email, e) != 0 || db_commit(db, e) != 0)
        goto rollback;
    *user_id = uid;
    *page_id = pid;
    rc = 0;
    goto out;
rollback:
    db_rollback(db);
out:
    json_decref(inv);
    json_decref(again);
    json_decref(user);
    json_decref(now_user);
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
