/*
 * app/oidc — OpenID Connect sign-in: configuration and the browser's legs (begin,
 * callback, poll). See oidc.h; the dispatcher's side is app/oidc_exchange.c.
 *
 * The state, the nonce and the PKCE verifier are each 256 random bits
 * (secret_token_new). The raw state never reaches the database: the row is found by its
 * SHA-256, so reading the database does not let anyone finish somebody's sign-in.
 */
#include "app/oidc.h"
#include "app/addresses.h"
#include "app/ratelimit.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/urlform.h"
#include "core/xalloc.h"
#include "store/oidc.h"
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool app_oidc_configured(const struct config *cfg)
{
    return cfg->oidc_issuer && *cfg->oidc_issuer;
}

static bool set(const char *s)
{
    return s && *s;
}

/* Whether the host of URL (after "http://") is loopback. */
static bool loopback_host(const char *rest)
{
    static const char *const hosts[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        size_t n = strlen(hosts[i]);
        if (strncasecmp(rest, hosts[i], n) == 0 && strchr(":/", rest[n])) return true;
    }
    return false;
}

int app_oidc_check_config(const struct config *cfg, struct err *e)
{
    enum role r;
    if (!app_oidc_configured(cfg)) return 0;
    const char *iss = cfg->oidc_issuer;
    if (strncmp(iss, "https://", 8) != 0 &&
        !(strncmp(iss, "http://", 7) == 0 && loopback_host(iss + 7)))
        return err_set(e, ERR_INVALID,
                       "[oidc] issuer must be an https:// URL (http:// only on a loopback "
                       "host), not \"%.200s\"",
                       iss);
    if (strpbrk(iss, " ?#\r\n") || strlen(iss) > 400)
        return err_set(e, ERR_INVALID, "[oidc] issuer \"%.200s\" is not a plain URL", iss);
    if (!set(cfg->oidc_client_id) || !set(cfg->oidc_client_secret))
        return err_set(e, ERR_INVALID,
                       "[oidc] client_id and client_secret are needed with issuer (the "
                       "client pharos is registered as at the provider)");
    if (!set(cfg->oidc_default_role) || role_parse(cfg->oidc_default_role, &r) != 0)
        return err_set(e, ERR_INVALID,
                       "[oidc] default_role must be owner, admin, editor or viewer, not \"%.40s\"",
                       cfg->oidc_default_role ? cfg->oidc_default_role : "");
    if (!set(cfg->oidc_allowed_domains) ||
        !cfg->oidc_allowed_domains[strspn(cfg->oidc_allowed_domains, ", ")])
        return err_set(e, ERR_INVALID,
                       "[oidc] allowed_domains must name the e-mail domains that may sign in "
                       "with SSO (e.g. \"example.com, example.org\")");
    if (!set(cfg->oidc_scopes) || !strstr(cfg->oidc_scopes, "openid"))
        return err_set(e, ERR_INVALID, "[oidc] scopes must include openid (and email)");
    return 0;
}

bool app_oidc_domain_allowed(const struct config *cfg, const char *email)
{
    const char *at = email ? strrchr(email, '@') : NULL;
    if (!at || !at[1] || !cfg->oidc_allowed_domains) return false;
    const char *dom = at + 1;
    size_t dn = strlen(dom);
    for (const char *p = cfg->oidc_allowed_domains; *p;) {
        p += strspn(p, ", ");
        size_t n = strcspn(p, ", ");
        if (n && n == dn && strncasecmp(p, dom, n) == 0) return true;
        p += n;
    }
    return false;
}

char *app_oidc_problem(struct app *app, struct db *db)
{
    struct err e = {0};
    json_t *row = store_oidc_provider_get(db, app->cfg->oidc_issuer, &e);
    char *why = NULL;
    const char *err = json_string_value(json_object_get(row, "error"));
    if (err && !json_string_value(json_object_get(row, "config")))
        why = xasprintf("Single sign-on is not available: %s", err);
    json_decref(row);
    return why;
}

void app_oidc_outcome_free(struct app_oidc_outcome *o)
{
    if (!o) return;
    free(o->text);
    free(o->state);
    o->text = o->state = NULL;
}

/* Asked for in the ID token itself where the provider takes the claims parameter (a
 * provider conforming strictly puts them in the userinfo answer only, which pharos does
 * not ask for). */
#define ID_TOKEN_CLAIMS                                                                            \
    "{\"id_token\":{\"email\":{\"essential\":true},\"email_verified\":{\"essential\":true}}}"

/* base64url(SHA-256(VERIFIER)) without padding into OUT: the S256 code challenge. */
static void code_challenge(const char *verifier, char out[64])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)verifier, strlen(verifier));
    sodium_bin2base64(out, 64, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Appends "&KEY=VALUE" (VALUE form-encoded) to B. */
static char *param(char *b, const char *key, const char *value)
{
    char *v = url_pct_encode(value), *n = xasprintf("%s&%s=%s", b, key, v);
    free(v);
    free(b);
    return n;
}

/* The authorization URL of a sign-in, or NULL when CONFIG has no authorization endpoint. */
static char *authorize_url(struct app *app, json_t *config, const char *state, const char *nonce,
                           const char *verifier, const char *redirect_uri)
{
    const struct config *cfg = app->cfg;
    const char *ep = json_string_value(json_object_get(config, "authorization_endpoint"));
    char challenge[64];
    if (!ep) return NULL;
    code_challenge(verifier, challenge);
    char *u = xasprintf("%s%cresponse_type=code", ep, strchr(ep, '?') ? '&' : '?');
    u = param(u, "client_id", cfg->oidc_client_id);
    u = param(u, "redirect_uri", redirect_uri);
    u = param(u, "scope", cfg->oidc_scopes);
    u = param(u, "state", state);
    u = param(u, "nonce", nonce);
    u = param(u, "code_challenge", challenge);
    u = param(u, "code_challenge_method", "S256");
    if (json_is_true(json_object_get(config, "claims_parameter_supported"))) /* OIDC Core 5.5 */
        u = param(u, "claims", ID_TOKEN_CLAIMS);
    return u;
}

/* The provider's cached discovery document (new), or NULL; *ERROR (caller frees) the
 * reason its last fetch failed. */
static json_t *provider_config(struct app *app, struct db *db, char **error, struct err *e)
{
    json_t *row = store_oidc_provider_get(db, app->cfg->oidc_issuer, e), *config = NULL;
    const char *text = json_string_value(json_object_get(row, "config"));
    const char *why = json_string_value(json_object_get(row, "error"));
    *error = why ? xstrdup(why) : NULL;
    if (text) config = json_loads(text, 0, NULL);
    json_decref(row);
    return config;
}

static void wake(struct app *app)
{
    if (app->on_work) app->on_work(app);
}

int app_oidc_begin(struct app *app, struct db *db, int64_t page_id, const char *redirect_uri,
                   const char *return_to, const char *client, struct app_oidc_outcome *out,
                   struct err *e)
{
    char by_addr[100], hash[TOKEN_HASH_HEX];
    char *state = NULL, *nonce = NULL, *verifier = NULL, *sealed = NULL, *why = NULL;
    json_t *config = NULL;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (!app_oidc_configured(app->cfg))
        return err_set(e, ERR_INVALID, "single sign-on is not configured (oidc.issuer)");
    assert(redirect_uri && return_to);
    snprintf(by_addr, sizeof by_addr, "oidc-ip:%s", client ? client : "");
    if (app_rate_hit(db, by_addr, OIDC_STARTS_PER_ADDRESS, OIDC_LOGIN_TTL_S, NULL, e) != 0)
        return -1;
    config = provider_config(app, db, &why, e);
    if (!config && e->code) goto out;
    if (!config && why) {
        err_set(e, ERR_UNAVAILABLE, "single sign-on is not available: %s", why);
        wake(app); /* the dispatcher tries again when due */
        goto out;
    }
    state = secret_token_new("");
    nonce = secret_token_new("");
    verifier = secret_token_new("");
    sealed = secret_seal(app->key, verifier);
    secret_token_hash(state, hash);
    int64_t now = time_now();
    if (db_begin(db, e) != 0) goto out;
    if (store_oidc_login_add(db, page_id, hash, nonce, sealed, redirect_uri, return_to, now,
                             OIDC_LOGIN_TTL_S, e) < 0 ||
        db_commit(db, e) != 0) {
        db_rollback(db);
        goto out;
    }
    out->text = config ? authorize_url(app, config, state, nonce, verifier, redirect_uri) : NULL;
    out->step = out->text ? OIDC_AUTHORIZE : OIDC_WAIT;
    if (!config) wake(app);
    out->state = state;
    state = NULL;
    out->page_id = page_id;
    rc = 0;
out:
    json_decref(config);
    free(why);
    free(state);
    free(nonce);
    free(verifier);
    free(sealed);
    return rc;
}

int app_oidc_callback(struct app *app, struct db *db, const char *state, const char *cookie_state,
                      const char *code, const char *error, const char *description, struct err *e)
{
    char hash[TOKEN_HASH_HEX];
    int64_t now = time_now(), id;
    if (!app_oidc_configured(app->cfg))
        return err_set(e, ERR_INVALID, "single sign-on is not configured (oidc.issuer)");
    if (!set(state) || strlen(state) > 200)
        return err_set(e, ERR_INVALID, "the provider's answer has no state: start again");
    if (!set(cookie_state) || !secret_equal(state, cookie_state))
        return err_set(e, ERR_INVALID,
                       "this sign-in was not started in this browser (its state does not "
                       "match): start again");
    secret_token_hash(state, hash);
    if (db_begin(db, e) != 0) return -1;
    json_t *row = store_oidc_login_get(db, hash, now - OIDC_LOGIN_TTL_S, e);
    const char *step = json_string_value(json_object_get(row, "step"));
    if (!row || strcmp(step, "started") != 0) {
        db_rollback(db);
        bool failed = !row && e->code;
        json_decref(row);
        return failed ? -1
                      : err_set(e, ERR_INVALID,
                                "this sign-in is unknown, expired or already used (a state "
                                "is good for one answer): start again");
    }
    id = json_integer_value(json_object_get(row, "id"));
    json_decref(row);
    if (set(error)) {
        char why[400];
        snprintf(why, sizeof why, "the provider refused the sign-in: %.60s%s%.200s", error,
                 description ? ": " : "", description ? description : "");
        if (store_oidc_login_finish(db, id, "failed", NULL, NULL, why, now, e) != 0 ||
            db_commit(db, e) != 0) {
            db_rollback(db);
            return -1;
        }
        return err_set(e, ERR_INVALID, "%s", why);
    }
    if (!set(code) || strlen(code) > 2048) {
        db_rollback(db);
        return err_set(e, ERR_INVALID, "the provider's answer has no code: start again");
    }
    if ((id = store_oidc_login_code(db, hash, code, now - OIDC_LOGIN_TTL_S, now, e)) <= 0 ||
        db_commit(db, e) != 0) {
        db_rollback(db);
        return id == 0 ? err_set(e, ERR_INVALID, "this sign-in was already used: start again") : -1;
    }
    wake(app);
    return 0;
}

/* The step of a row still started: the authorization URL once the provider is known. */
static int poll_started(struct app *app, struct db *db, json_t *row, const char *state,
                        struct app_oidc_outcome *out, struct err *e)
{
    char *why = NULL, *verifier = NULL;
    json_t *config = provider_config(app, db, &why, e);
    if (!config && e->code) return -1;
    if (config &&
        (verifier = secret_open(app->key, json_string_value(json_object_get(row, "verifier")))))
        out->text =
            authorize_url(app, config, state, json_string_value(json_object_get(row, "nonce")),
                          verifier, json_string_value(json_object_get(row, "redirect_uri")));
    if (out->text)
        out->step = OIDC_AUTHORIZE;
    else if (config)
        out->text = xstrdup("the provider's configuration has no authorization_endpoint");
    else if (why)
        out->text = xasprintf("single sign-on is not available: %s", why);
    else
        out->step = OIDC_WAIT;
    free(why);
    free(verifier);
    json_decref(config);
    return 0;
}

int app_oidc_poll(struct app *app, struct db *db, const char *state, struct app_oidc_outcome *out,
                  struct err *e)
{
    char hash[TOKEN_HASH_HEX];
    int64_t now = time_now();
    int rc = -1;
    memset(out, 0, sizeof *out);
    out->step = OIDC_FAILED;
    if (!set(state) || strlen(state) > 200)
        return err_set(e, ERR_INVALID, "no sign-in is under way in this browser: start again");
    secret_token_hash(state, hash);
    json_t *row = store_oidc_login_get(db, hash, now - OIDC_LOGIN_TTL_S, e);
    if (!row)
        return e->code ? -1
                       : err_set(e, ERR_INVALID, "this sign-in is unknown or expired: start again");
    const char *step = json_string_value(json_object_get(row, "step"));
    const char *error = json_string_value(json_object_get(row, "error"));
    int64_t id = json_integer_value(json_object_get(row, "id"));
    bool late = json_integer_value(json_object_get(row, "updated")) < now - OIDC_WAIT_S;
    out->page_id = json_integer_value(json_object_get(row, "page_id"));
    snprintf(out->return_to, sizeof out->return_to, "%s",
             json_string_value(json_object_get(row, "return_to")));
    if (strcmp(step, "started") == 0) {
        if (poll_started(app, db, row, state, out, e) != 0) goto out;
        if (out->step == OIDC_WAIT && late) {
            out->step = OIDC_FAILED;
            out->text = xstrdup("the provider's configuration could not be fetched in time");
        }
    } else if (strcmp(step, "verified") == 0) {
        int used = -1;
        if (db_begin(db, e) != 0 || (used = store_oidc_login_use(db, id, now, e)) < 0 ||
            db_commit(db, e) != 0) {
            db_rollback(db);
            goto out;
        }
        snprintf(out->email, sizeof out->email, "%s",
                 json_string_value(json_object_get(row, "email")));
        out->step = used ? OIDC_DONE : OIDC_FAILED;
        if (!used) out->text = xstrdup("this sign-in was already used: start again");
    } else if (strcmp(step, "failed") == 0) {
        out->text = xstrdup(error ? error : "the sign-in failed");
    } else if (strcmp(step, "used") == 0) {
        out->text = xstrdup("this sign-in was already used: start again");
    } else if (late) { /* exchanging, keys */
        out->text = xstrdup("the provider did not answer in time: start again");
    } else {
        out->step = OIDC_WAIT;
    }
    rc = 0;
out:
    json_decref(row);
    return rc;
}
