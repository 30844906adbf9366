/*
 * app/sessions — setup, sign-in and sessions. See sessions.h.
 *
 * Timing: a sign-in for an unknown e-mail still verifies a password against a
 * fixed Argon2id hash, so the answer takes as long as for a known one and does
 * not tell which addresses have accounts.
 */
#include "app/sessions.h"
#include "app/ratelimit.h"
#include "app/users.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "store/sessions.h"
#include "store/team.h"
#include "store/users.h"
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TOUCH_EVERY_S = 60 };

int app_setup_needed(struct db *db, bool *needed, struct err *e)
{
    int64_t n = store_users_count(db, e);
    if (n < 0) return -1;
    *needed = n == 0;
    return 0;
}

/* Inserts a session inside the open transaction; *COOKIE gets its value. */
static int session_insert(struct app *app, struct db *db, int64_t user_id, int64_t page_id,
                          char **cookie, struct err *e)
{
    char hash[TOKEN_HASH_HEX];
    char *tok = secret_token_new("ses_");
    char *csrf = secret_token_new("");
    int64_t now = time_now();
    secret_token_hash(tok, hash);
    int rc = store_session_insert(db, hash, user_id, page_id, csrf, now,
                                  now + app->cfg->session_max_s, e);
    free(csrf);
    if (rc != 0) {
        free(tok);
        return -1;
    }
    *cookie = tok;
    return 0;
}

int app_session_create(struct app *app, struct db *db, int64_t user_id, int64_t page_id,
                       char **cookie, struct err *e)
{
    if (db_begin(db, e) != 0) return -1;
    if (session_insert(app, db, user_id, page_id, cookie, e) != 0) {
        db_rollback(db);
        return -1;
    }
    if (db_commit(db, e) != 0) {
        free(*cookie);
        *cookie = NULL;
        return -1;
    }
    return 0;
}

int app_setup(struct app *app, struct db *db, int64_t page_id, const char *email, const char *name,
              const char *password, char **cookie, struct err *e)
{
    char norm[256];
    char *hash = NULL;
    int rc = -1;
    if (app_email_normalise(email ? email : "", norm, sizeof norm, e) != 0 ||
        text_check("name", name ? name : "", LIMIT_NAME, false, false, e) != 0 ||
        app_password_check(password ? password : "", e) != 0)
        return -1;
    if (!(hash = secret_password_hash(password)))
        return err_set(e, ERR_INTERNAL, "could not hash the password");
    if (db_begin(db, e) != 0) goto out;
    int64_t n = store_users_count(db, e), uid;
    if (n < 0) goto out;
    if (n > 0) {
        err_set(e, ERR_NOT_FOUND, "setup is done: sign in at /admin/login");
        goto out;
    }
    if ((uid = store_user_insert(db, norm, name ? name : "", hash, e)) < 0 ||
        store_membership_set(db, uid, page_id, "owner", e) != 0 ||
        session_insert(app, db, uid, page_id, cookie, e) != 0)
        goto out;
    struct app_ctx c = {.app = app,
                        .db = db,
                        .page_id = page_id,
                        .actor = {.kind = ACTOR_USER, .id = uid, .role = ROLE_OWNER}};
    if (app_audit(&c, "user.setup", uid, norm, e) != 0 || db_commit(db, e) != 0) {
        free(*cookie);
        *cookie = NULL;
        goto out;
    }
    rc = 0;
out:
    if (rc != 0) db_rollback(db);
    free(hash);
    return rc;
}

/* A hash to verify against when the e-mail is unknown (same cost as a real one). */
static char *no_user_hash;
static void no_user_hash_init(void)
{
    no_user_hash = secret_password_hash("pharos-no-such-user");
}

static const char *dummy_hash(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, no_user_hash_init);
    return no_user_hash ? no_user_hash : "";
}

int app_password_attempt(struct db *db, const char *email, const char *client, const char *hash,
                         const char *password, struct err *e)
{
    char by_user[300], by_addr[100];
    assert(db_in_transaction(db) == false);
    snprintf(by_user, sizeof by_user, "login-user:%s", email);
    snprintf(by_addr, sizeof by_addr, "login-ip:%s", client ? client : "");
    if (app_rate_check(db, by_user, LOGIN_PER_ACCOUNT, LOGIN_WINDOW_S, NULL, e) != 0 ||
        app_rate_check(db, by_addr, LOGIN_PER_ADDRESS, LOGIN_WINDOW_S, NULL, e) != 0)
        return -1;
    if (secret_password_verify(hash ? hash : dummy_hash(), password ? password : "") && hash)
        return app_rate_clear(db, by_user, e) == 0 ? 1 : -1;
    struct err ignored = {0};
    app_rate_hit(db, by_user, LOGIN_PER_ACCOUNT, LOGIN_WINDOW_S, NULL, &ignored);
    app_rate_hit(db, by_addr, LOGIN_PER_ADDRESS, LOGIN_WINDOW_S, NULL, &ignored);
    return 0;
}

int app_login(struct app *app, struct db *db, int64_t page_id, const char *email,
              const char *password, const char *client, char **cookie, struct err *e)
{
    char norm[256];
    json_t *user = NULL;
    int rc = -1;
    if (!email || !*email || !password || !*password)
        return err_set(e, ERR_INVALID, "enter your e-mail address and password");
    if (app_email_normalise(email, norm, sizeof norm, e) != 0) return -1;
    user = store_user_auth_by_email(db, norm, e);
    if (!user && e->code != ERR_OK) return -1;
    const char *hash = user ? json_string_value(json_object_get(user, "password_hash")) : NULL;
    int ok = app_password_attempt(db, norm, client, hash, password, e);
    if (ok <= 0) {
        if (ok == 0) err_set(e, ERR_UNAUTHORIZED, "wrong e-mail address or password");
        goto out;
    }
    int64_t uid = json_integer_value(json_object_get(user, "id"));
    char role[16];
    int member = store_membership_role(db, uid, page_id, role, sizeof role, e);
    if (member < 0) goto out;
    if (!member) {
        int any = store_membership_first_page(db, uid, &page_id, e);
        if (any < 0) goto out;
        if (!any) {
            err_set(e, ERR_FORBIDDEN, "this account is not a member of any page");
            goto out;
        }
    }
    if (app_session_create(app, db, uid, page_id, cookie, e) != 0) goto out;
    rc = 0;
out:
    json_decref(user);
    return rc;
}

/* Copies string KEY of O into DST. */
static void copy_str(json_t *o, const char *key, char *dst, size_t size)
{
    const char *v = json_string_value(json_object_get(o, key));
    snprintf(dst, size, "%s", v ? v : "");
}

static int64_t int_of(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* Fills S's page and role: the session's page when the user still belongs to it,
 * else their first page (and the session moves there). 401 for a user of no page. */
static int resolve_role(struct db *db, struct app_session *s, struct err *e)
{
    char role[16];
    int member =
        s->page_id ? store_membership_role(db, s->user_id, s->page_id, role, sizeof role, e) : 0;
    if (member < 0) return -1;
    if (!member) {
        int any = store_membership_first_page(db, s->user_id, &s->page_id, e);
        if (any <= 0)
            return any < 0
                       ? -1
                       : err_set(e, ERR_UNAUTHORIZED, "this account no longer belongs to any page");
        if (store_membership_role(db, s->user_id, s->page_id, role, sizeof role, e) <= 0)
            return err_set(e, ERR_UNAUTHORIZED, "this account no longer belongs to any page");
        if (db_begin(db, e) != 0) return -1;
        if (store_session_set_page(db, s->id_hash, s->page_id, e) != 0) {
            db_rollback(db);
            return -1;
        }
        if (db_commit(db, e) != 0) return -1;
    }
    return role_parse(role, &s->role) == 0 ? 0 : err_set(e, ERR_INTERNAL, "bad stored role");
}

int app_session_load(struct app *app, struct db *db, const char *cookie, struct app_session *s,
                     struct err *e)
{
    memset(s, 0, sizeof *s);
    if (!cookie || strncmp(cookie, "ses_", 4) != 0)
        return err_set(e, ERR_UNAUTHORIZED, "please sign in");
    secret_token_hash(cookie, s->id_hash);
    json_t *row = store_session_find(db, s->id_hash, e);
    if (!row) return e->code == ERR_OK ? err_set(e, ERR_UNAUTHORIZED, "please sign in") : -1;
    int64_t now = time_now(), seen = int_of(row, "seen");
    bool expired = now >= int_of(row, "expires") || now - seen >= app->cfg->session_idle_s;
    s->user_id = int_of(row, "user_id");
    s->page_id = int_of(row, "page_id");
    copy_str(row, "csrf_token", s->csrf, sizeof s->csrf);
    copy_str(row, "email", s->email, sizeof s->email);
    copy_str(row, "name", s->name, sizeof s->name);
    json_decref(row);
    long touch_every =
        app->cfg->session_idle_s / 4 < TOUCH_EVERY_S ? app->cfg->session_idle_s / 4 : TOUCH_EVERY_S;
    if (expired || now - seen >= touch_every) {
        if (db_begin(db, e) != 0) return -1;
        int rc = expired ? store_session_delete(db, s->id_hash, e)
                         : store_session_touch(db, s->id_hash, now, e);
        if (rc != 0) {
            db_rollback(db);
            return -1;
        }
        if (db_commit(db, e) != 0) return -1;
    }
    if (expired)
        return err_set(e, ERR_UNAUTHORIZED, "your session has expired; please sign in again");
    return resolve_role(db, s, e);
}

void app_session_ctx(struct app *app, struct db *db, const struct app_session *s, struct app_ctx *c)
{
    *c = (struct app_ctx){.app = app,
                          .db = db,
                          .page_id = s->page_id,
                          .actor = {.kind = ACTOR_USER, .id = s->user_id, .role = s->role}};
}

/* Runs one session write in its own transaction. */
static int session_write(struct db *db, int (*fn)(struct db *, int64_t, const char *, struct err *),
                         int64_t user_id, const char *hash, struct err *e)
{
    if (db_begin(db, e) != 0) return -1;
    if (fn(db, user_id, hash, e) != 0) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db, e);
}

static int delete_one(struct db *db, int64_t user_id, const char *hash, struct err *e)
{
    (void)user_id;
    return store_session_delete(db, hash, e);
}

int app_logout(struct db *db, const struct app_session *s, struct err *e)
{
    return session_write(db, delete_one, s->user_id, s->id_hash, e);
}

int app_logout_everywhere(struct db *db, const struct app_session *s, struct err *e)
{
    return session_write(db, store_sessions_delete_user, s->user_id, NULL, e);
}

int app_password_change(struct db *db, const struct app_session *s, const char *current,
                        const char *password, const char *client, struct err *e)
{
    json_t *user = store_user_auth_by_id(db, s->user_id, e);
    char *hash = NULL;
    int rc = -1;
    if (!user) return e->code == ERR_OK ? err_set(e, ERR_UNAUTHORIZED, "please sign in") : -1;
    const char *old = json_string_value(json_object_get(user, "password_hash"));
    int ok = app_password_attempt(db, s->email, client, old, current, e);
    if (ok <= 0) {
        if (ok == 0) err_set(e, ERR_INVALID, "current_password is wrong");
        goto out;
    }
    if (app_password_check(password ? password : "", e) != 0) goto out;
    if (!(hash = secret_password_hash(password))) {
        err_set(e, ERR_INTERNAL, "could not hash the password");
        goto out;
    }
    if (db_begin(db, e) != 0) goto out;
    if (store_user_set_password(db, s->user_id, hash, NULL, e) != 0 ||
        store_sessions_delete_user(db, s->user_id, s->id_hash, e) != 0) {
        db_rollback(db);
        goto out;
    }
    rc = db_commit(db, e);
out:
    json_decref(user);
    free(hash);
    return rc;
}

int app_session_pages(struct db *db, const struct app_session *s, json_t **out, struct err *e)
{
    json_t *rows = store_memberships_of_user(db, s->user_id, e);
    if (!rows) return -1;
    size_t i;
    json_t *p;
    json_array_foreach(rows, i, p)
        json_object_set_new(p, "current", json_boolean(int_of(p, "id") == s->page_id));
    *out = json_pack("{s:o}", "pages", rows);
    return 0;
}

int app_session_switch_page(struct db *db, struct app_session *s, int64_t page_id, struct err *e)
{
    char role[16];
    int member = store_membership_role(db, s->user_id, page_id, role, sizeof role, e);
    if (member <= 0)
        return member < 0 ? -1 : err_set(e, ERR_FORBIDDEN, "you are not a member of that page");
    if (db_begin(db, e) != 0) return -1;
    if (store_session_set_page(db, s->id_hash, page_id, e) != 0) {
        db_rollback(db);
        return -1;
    }
    if (db_commit(db, e) != 0) return -1;
    s->page_id = page_id;
    return role_parse(role, &s->role);
}
