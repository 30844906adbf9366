/*
 * app/users — adding team members. See users.h.
 */
#include "app/users.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/utf8.h"
#include "store/sessions.h"
#include "store/users.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int app_password_check(const char *password, struct err *e)
{
    long n = utf8_length(password, strlen(password));
    if (n < 0) return err_set(e, ERR_INVALID, "the password is not valid UTF-8");
    if (n < 8 || n > 200)
        return err_set(e, ERR_INVALID, "the password must be 8 to 200 characters long");
    return 0;
}

int app_user_add(struct app_ctx *c, const char *email, const char *name, const char *role,
                 const char *password, bool reset_password, int64_t *id, struct err *e)
{
    char norm[256];
    enum role r;
    char *hash = NULL;
    int rc = -1;
    if (app_require(c, PERM_TEAM, e) != 0 ||
        app_email_normalise(email, norm, sizeof norm, e) != 0 ||
        text_check("name", name, LIMIT_NAME, false, false, e) != 0)
        return -1;
    if (role_parse(role, &r) != 0)
        return err_set(e, ERR_INVALID,
                       "unknown role \"%.20s\"; accepted: owner, admin, editor, viewer", role);
    if (r == ROLE_OWNER && app_require(c, PERM_OWNERS, e) != 0) return -1;
    if (db_begin(c->db, e) != 0) return -1;
    int64_t uid;
    int found = store_user_id_by_email(c->db, norm, &uid, e);
    if (found < 0) goto out;
    if (found && !reset_password) {
        err_set(e, ERR_CONFLICT,
                "%s exists: use --reset-password to set its password (read from standard "
                "input) and give it the role, or invite %s from the console's Team screen",
                norm, norm);
        goto out;
    }
    if (app_password_check(password, e) != 0) goto out;
    if (!(hash = secret_password_hash(password))) {
        err_set(e, ERR_INTERNAL, "could not hash the password");
        goto out;
    }
    if (found ? store_user_set_password(c->db, uid, hash, *name ? name : NULL, e) != 0 ||
                    store_sessions_delete_user(c->db, uid, NULL, e) != 0
              : (uid = store_user_insert(c->db, norm, name, hash, e)) < 0)
        goto out;
    if (store_membership_set(c->db, uid, c->page_id, role_name(r), e) != 0 ||
        app_audit(c, found ? "user.reset" : "user.add", uid, norm, e) != 0)
        goto out;
    if (db_commit(c->db, e) != 0) goto out;
    *id = uid;
    rc = 0;
out:
    if (rc != 0) db_rollback(c->db);
    free(hash);
    return rc;
}
