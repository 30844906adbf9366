/*
 * app/page_access — page visibility settings, read keys, page passwords and the access
 * cookie. See the header.
 */
#include "app/page_access.h"
#include "app/input.h"
#include "app/oidc.h"
#include "app/sessions.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "store/page_access.h"
#include "store/team.h"
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void app_page_access_change_free(struct page_access_change *ch)
{
    free(ch->password_hash);
    free(ch->ip_allow);
    *ch = (struct page_access_change){0};
}

/* IN's "ip_allow" (or, absent, CUR's) as JSON text of normal-form blocks into *OUT;
 * *N gets how many. */
static int read_blocks(json_t *in, const json_t *cur, char **out, size_t *n, struct err *e)
{
    json_t *given = json_object_get(in, "ip_allow");
    json_t *list = given ? given : json_object_get(cur, "ip_allow");
    if (!json_is_array(list) || json_array_size(list) > CIDR_LIST_MAX)
        return err_set(e, ERR_INVALID,
                       "ip_allow must be an array of at most %d address blocks such as "
                       "\"192.0.2.0/24\" or \"2001:db8::/32\"",
                       CIDR_LIST_MAX);
    json_t *norm = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        struct cidr b;
        char why[160], text[CIDR_TEXT_MAX], quoted[80];
        const char *s = json_string_value(v);
        if (!s || cidr_parse(s, &b, why, sizeof why) != 0) {
            json_decref(norm);
            if (!s) return err_set(e, ERR_INVALID, "ip_allow entries must be strings");
            return err_set(e, ERR_INVALID, "ip_allow entry \"%s\": %s",
                           utf8_clip(s, quoted, sizeof quoted), why);
        }
        cidr_format(&b, text);
        json_array_append_new(norm, json_string(text));
    }
    *n = json_array_size(norm);
    *out = json_dumps(norm, JSON_COMPACT);
    json_decref(norm);
    return 0;
}

int app_page_access_read(struct app_ctx *c, json_t *in, const json_t *cur,
                         struct page_access_change *out, struct err *e)
{
    static const char *const modes[] = {"public", "password", "members", "sso", "ip", NULL};
    *out = (struct page_access_change){0};
    out->any = in_has(in, "visibility") || in_has(in, "password") || in_has(in, "ip_allow");
    out->visibility = json_string_value(json_object_get(cur, "visibility"));
    const char *hash = json_string_value(json_object_get(cur, "access_password"));
    const char *password = NULL;
    size_t nblocks = 0;
    assert(out->visibility);
    if (!out->any) return 0;
    if (in_enum(in, "visibility", modes, false, &out->visibility, e) != 0 ||
        in_text(in, "password", PAGE_PASSWORD_MAX, false, false, &password, e) != 0 ||
        read_blocks(in, cur, &out->ip_allow, &nblocks, e) != 0)
        return -1;
    if (password && utf8_length(password, strlen(password)) < PAGE_PASSWORD_MIN)
        return err_set(e, ERR_INVALID, "password must be at least %d characters long",
                       PAGE_PASSWORD_MIN);
    enum visibility v = VIS_PUBLIC;
    visibility_parse(out->visibility, &v);
    if (v == VIS_PASSWORD && !password && !hash)
        return err_set(e, ERR_INVALID,
                       "visibility \"password\" needs a password: send \"password\" too");
    if (v == VIS_IP && nblocks == 0)
        return err_set(e, ERR_INVALID,
                       "visibility \"ip\" needs the address blocks that may see the page: send "
                       "\"ip_allow\", e.g. [\"192.0.2.0/24\"]");
    if (v == VIS_SSO && !app_oidc_configured(c->app->cfg))
        return err_set(e, ERR_INVALID,
                       "visibility \"sso\" needs OpenID Connect sign-in, which this server "
                       "does not have: its operator sets [oidc] issuer, client_id and "
                       "client_secret");
    if (password) {
        out->password_hash = secret_password_hash(password);
        if (!out->password_hash) return err_set(e, ERR_INTERNAL, "could not hash the password");
    } else if (hash) {
        out->password_hash = xstrdup(hash);
    }
    out->new_read_key = v != VIS_PUBLIC && !json_string_value(json_object_get(cur, "read_key"));
    return 0;
}

/* A new read key into OUT (READ_KEY_MAX). */
static void new_read_key(char out[READ_KEY_MAX])
{
    char *k = secret_token_new("rk_");
    snprintf(out, READ_KEY_MAX, "%s", k);
    free(k);
}

int app_page_access_write(struct app_ctx *c, const struct page_access_change *ch, struct err *e)
{
    if (!ch->any) return 0;
    assert(db_in_transaction(c->db));
    if (store_page_access_set(c->db, c->page_id, ch->visibility, ch->password_hash, ch->ip_allow,
                              e) != 0)
        return -1;
    if (ch->new_read_key) {
        char key[READ_KEY_MAX];
        new_read_key(key);
        if (store_page_read_key_set(c->db, c->page_id, key, e) != 0) return -1;
    }
    return app_audit(c, "page.access", c->page_id, ch->visibility, e);
}

int app_page_access_describe(struct app_ctx *c, json_t *page, struct err *e)
{
    json_t *a = store_page_access_get(c->db, c->page_id, e);
    if (!a) return -1;
    json_object_set(page, "visibility", json_object_get(a, "visibility"));
    json_object_set(page, "ip_allow", json_object_get(a, "ip_allow"));
    json_object_set_new(page, "has_password",
                        json_boolean(json_is_string(json_object_get(a, "access_password"))));
    struct err quiet = {0};
    if (app_require(c, PERM_SETTINGS, &quiet) == 0)
        json_object_set(page, "read_key", json_object_get(a, "read_key"));
    json_decref(a);
    return 0;
}

int app_page_read_key_rotate(struct app_ctx *c, json_t **out, struct err *e)
{
    char key[READ_KEY_MAX];
    if (app_require(c, PERM_SETTINGS, e) != 0) return -1;
    new_read_key(key);
    if (db_begin(c->db, e) != 0) return -1;
    if (store_page_read_key_set(c->db, c->page_id, key, e) != 0 ||
        app_audit(c, "page.read_key", c->page_id, NULL, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    if (app_commit(c, true, e) != 0) return -1; /* the snapshot's copy of the key moves on */
    *out = json_pack("{s:s}", "read_key", key);
    return 0;
}

int app_page_password_enter(struct app *app, struct db *db, int64_t page_id, const char *password,
                            const char *client, char out[PAGE_ACCESS_COOKIE_MAX], struct err *e)
{
    char account[96], fp[PAGE_ACCESS_FP_MAX];
    json_t *a = store_page_access_get(db, page_id, e);
    if (!a) return -1;
    const char *hash = json_string_value(json_object_get(a, "access_password"));
    int rc = -1;
    if (strcmp(json_string_value(json_object_get(a, "visibility")), "password") != 0 || !hash) {
        err_set(e, ERR_CONFLICT, "this page does not ask for a password");
        goto out;
    }
    if (!password || !*password) {
        err_set(e, ERR_INVALID, "enter the page's password");
        goto out;
    }
    /* the per-account budget is per page and address: one visitor's typos lock only them */
    snprintf(account, sizeof account, "page:%" PRId64 ":%s", page_id, client ? client : "");
    int ok = app_password_attempt(db, account, client, hash, password, e);
    if (ok == 0) err_set(e, ERR_UNAUTHORIZED, "wrong password");
    if (ok != 1) goto out;
    page_access_fingerprint(hash, fp);
    page_access_cookie(app->key, page_id, fp, time_now() + PAGE_ACCESS_TTL_S, out);
    rc = 0;
out:
    json_decref(a);
    return rc;
}

int app_page_member(struct app *app, struct db *db, const char *session, int64_t page_id, bool *yes,
                    struct err *e)
{
    struct app_session s;
    struct err none = {0};
    char role[16];
    *yes = false;
    if (!session || !*session) return 0;
    if (app_session_load(app, db, session, &s, &none) != 0)
        return none.code == ERR_UNAUTHORIZED ? 0 : (*e = none, -1);
    int member = store_membership_role(db, s.user_id, page_id, role, sizeof role, e);
    if (member < 0) return -1;
    *yes = member == 1;
    return 0;
}
