/*
 * app/tokens — token use cases. See tokens.h.
 * Tokens look like "phr_" + 43 URL-safe characters; the first 8 characters are
 * kept in clear as a prefix so people can tell tokens apart.
 */
#include "app/tokens.h"
#include "app/pages.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "store/tokens.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

int app_token_create(struct app_ctx *c, const char *name, char **plain, json_t **out, struct err *e)
{
    if (app_require(c, PERM_SETTINGS, e) != 0 ||
        text_check("name", name, LIMIT_NAME, true, false, e) != 0)
        return -1;
    char *tok = secret_token_new("phr_");
    char hash[TOKEN_HASH_HEX], prefix[9];
    secret_token_hash(tok, hash);
    snprintf(prefix, sizeof prefix, "%s", tok);
    if (db_begin(c->db, e) != 0) goto fail;
    int64_t id = store_token_insert(c->db, c->page_id, name, prefix, hash,
                                    c->actor.kind == ACTOR_USER ? c->actor.id : 0, e);
    if (id < 0 || app_audit(c, "token.create", id, name, e) != 0) {
        db_rollback(c->db);
        goto fail;
    }
    if (db_commit(c->db, e) != 0) goto fail;
    if (out)
        *out = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "name", name, "prefix", prefix);
    *plain = tok;
    return 0;
fail:
    free(tok);
    return -1;
}

int app_tokens_list(struct app_ctx *c, json_t **out, struct err *e)
{
    if (app_require(c, PERM_SETTINGS, e) != 0) return -1;
    json_t *rows = store_tokens_list(c->db, c->page_id, e);
    if (!rows) return -1;
    *out = json_pack("{s:o}", "tokens", rows);
    return 0;
}

int app_token_revoke(struct app_ctx *c, int64_t id, struct err *e)
{
    if (app_require(c, PERM_SETTINGS, e) != 0 || db_begin(c->db, e) != 0) return -1;
    int r = store_token_revoke(c->db, c->page_id, id, e);
    if (r <= 0) {
        db_rollback(c->db);
        return r < 0 ? -1
                     : err_set(e, ERR_NOT_FOUND, "no live API token with id %lld on this page",
                               (long long)id);
    }
    if (app_audit(c, "token.revoke", id, NULL, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    return db_commit(c->db, e);
}

int app_token_authenticate(const struct app *app, struct db *db, const char *host,
                           const char *token, int64_t *token_id, int64_t *page_id, struct err *e)
{
    char hash[TOKEN_HASH_HEX];
    struct token_found t = {0};
    int found = 0;
    if (token && *token) {
        secret_token_hash(token, hash);
        found = store_token_find(db, hash, app_page_host(app, host), &t, e);
        if (found < 0) return -1;
    }
    /* no token: the page still comes first (404 before 401, as for any other request) */
    if (!found) {
        if (app_page_resolve(app, db, host, page_id, e) != 0) return -1;
        if (!token || !*token)
            return err_set(e, ERR_UNAUTHORIZED,
                           "an API token is required: send Authorization-Token: TOKEN or "
                           "Authorization: Bearer TOKEN");
        return err_set(e, ERR_UNAUTHORIZED, "the API token is unknown or revoked");
    }
    /* a live token has a page, so some page exists */
    assert(t.host_page > 0);
    if (t.page_id != t.host_page)
        return err_set(e, ERR_FORBIDDEN,
                       "this API token belongs to another page; use it with that page's host");
    *page_id = t.page_id;
    *token_id = t.id;
    app_token_touch(db, t.id, t.last_used);
    return 0;
}

struct actor app_token_actor(int64_t id)
{
    assert(id > 0);
    return (struct actor){.kind = ACTOR_TOKEN, .id = id, .role = ROLE_ADMIN};
}

void app_token_touch(struct db *db, int64_t id, int64_t last_used)
{
    int64_t now = time_now();
    if (now - last_used < 60) return;
    struct err ignored = {0};
    if (db_begin(db, &ignored) != 0) return;
    if (store_token_touch(db, id, now, &ignored) == 0)
        db_commit(db, &ignored);
    else
        db_rollback(db);
}
