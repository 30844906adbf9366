/*
 * app/oidc_exchange — OpenID Connect sign-in, the dispatcher's side (app/oidc.h): what is
 * due of the provider, whether its discovery document and key set can be used, the token
 * request, and the checks of the ID token it answers with.
 *
 * Key rotation: an ID token whose header names a kid the cached set lacks is kept in its
 * sign-in (step keys) and the provider's row asks for keys (keys_wanted). The next fetch
 * of the provider (at most one per OIDC_REFETCH_S, taken under a lease across nodes, so
 * no stream of such tokens makes pharos hammer the provider) settles every waiting
 * sign-in: checked against the new set, or failed with the reason.
 *
 * The dispatcher commits lazily (db_commit_lazily): a machine crash may lose a recorded
 * answer, which costs the person a new sign-in, never a wrong one.
 */
#include "app/addresses.h"
#include "app/oidc.h"
#include "core/jwt.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/urlform.h"
#include "core/xalloc.h"
#include "store/oidc.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LEASE_S = 60, CLAIM = 8 };

/* The discovery URL of ISSUER: a trailing '/' is not doubled (OpenID Discovery §4). */
static char *discovery_url(const char *issuer)
{
    size_t n = strlen(issuer);
    while (n > 0 && issuer[n - 1] == '/')
        n--;
    return xasprintf("%.*s/.well-known/openid-configuration", (int)n, issuer);
}

int app_oidc_provider_due(struct app *app, struct db *db, char **url, struct err *e)
{
    const char *iss = app->cfg->oidc_issuer;
    int64_t now = time_now();
    *url = NULL;
    if (!app_oidc_configured(app->cfg)) return 0;
    json_t *row = store_oidc_provider_get(db, iss, e);
    if (!row && e->code) return -1;
    bool failed = row && json_string_value(json_object_get(row, "error"));
    int64_t tried_before = now - (failed ? OIDC_RETRY_S : OIDC_REFETCH_S);
    int64_t fetched_before = now - OIDC_REFRESH_S;
    bool due = !row || (json_integer_value(json_object_get(row, "tried")) < tried_before &&
                        (failed || json_integer_value(json_object_get(row, "keys_wanted")) ||
                         json_integer_value(json_object_get(row, "fetched")) < fetched_before));
    json_decref(row);
    if (!due) return 0; /* read first: most ticks need no write transaction */
    int taken;
    if (db_begin(db, e) != 0) return -1;
    if ((taken = store_oidc_provider_claim(db, iss, now, now + LEASE_S, tried_before,
                                           fetched_before, e)) < 0 ||
        db_commit(db, e) != 0) {
        db_rollback(db);
        return -1;
    }
    if (taken) *url = discovery_url(iss);
    return taken;
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Whether S is an http(s) URL. */
static bool http_url(const char *s)
{
    return s && (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0) &&
           !strpbrk(s, " \r\n");
}

const char *app_oidc_discovery_check(const struct config *cfg, long status, const char *body,
                                     char **jwks_uri, char *why, size_t size)
{
    json_error_t je;
    json_t *doc = NULL;
    *jwks_uri = NULL;
    if (status != 200)
        snprintf(why, size,
                 "the discovery document (%.200s/.well-known/openid-configuration) "
                 "answered HTTP %ld",
                 cfg->oidc_issuer, status);
    else if (!(doc = json_loads(body ? body : "", 0, &je)) || !json_is_object(doc))
        snprintf(why, size, "the discovery document is not a JSON object");
    else if (!jstr(doc, "issuer") || strcmp(jstr(doc, "issuer"), cfg->oidc_issuer) != 0)
        snprintf(why, size,
                 "the discovery document names the issuer \"%.200s\", not \"%.200s\" "
                 "(oidc.issuer must be exactly the provider's issuer)",
                 jstr(doc, "issuer") ? jstr(doc, "issuer") : "", cfg->oidc_issuer);
    else if (!http_url(jstr(doc, "authorization_endpoint")) ||
             !http_url(jstr(doc, "token_endpoint")))
        snprintf(why, size,
                 "the discovery document lacks authorization_endpoint or "
                 "token_endpoint");
    else if (!http_url(jstr(doc, "jwks_uri")))
        snprintf(why, size, "the discovery document has no jwks_uri (no key set)");
    else
        *jwks_uri = xstrdup(jstr(doc, "jwks_uri"));
    json_decref(doc);
    return *jwks_uri ? NULL : why;
}

/* How many keys of JWKS may sign an ID token (RSA or EC, not for encryption). */
static size_t usable_keys(const json_t *jwks)
{
    size_t i, n = 0;
    json_t *k;
    json_array_foreach(json_object_get(jwks, "keys"), i, k)
    {
        const char *kty = jstr(k, "kty"), *use = jstr(k, "use");
        if (kty && (!strcmp(kty, "RSA") || !strcmp(kty, "EC")) && (!use || !strcmp(use, "sig")))
            n++;
    }
    return n;
}

/*
 * Checks ID_TOKEN against JWKS for the sign-in whose nonce is NONCE: signature, claims,
 * email_verified, the domain. Returns 0 with the normalised address in EMAIL, or -1 with
 * the reason in WHY.
 */
static int check_token(struct app *app, const char *id_token, const json_t *jwks, const char *nonce,
                       char email[256], char *why, size_t size)
{
    const struct config *cfg = app->cfg;
    struct err e = {0};
    json_t *claims = NULL;
    int rc = -1;
    struct jwt_expect x = {.issuer = cfg->oidc_issuer,
                           .client_id = cfg->oidc_client_id,
                           .nonce = nonce,
                           .now = time_now()};
    if (jwt_verify(id_token, jwks, &claims, &e) != 0 || jwt_claims_check(claims, &x, &e) != 0) {
        snprintf(why, size, "the provider's ID token was refused: %s", e.msg);
        goto out;
    }
    const json_t *ev = json_object_get(claims, "email_verified");
    const char *addr = jstr(claims, "email");
    if (!addr) {
        snprintf(why, size, "the provider gave no e-mail address (is the email scope granted?)");
        goto out;
    }
    if (!json_is_true(ev) && !(json_is_string(ev) && !strcmp(json_string_value(ev), "true"))) {
        snprintf(why, size, "%.200s: the provider has not verified this e-mail address", addr);
        goto out;
    }
    if (app_email_normalise(addr, email, 256, &e) != 0) {
        snprintf(why, size, "the provider's e-mail address is not one: %s", e.msg);
        goto out;
    }
    if (!app_oidc_domain_allowed(cfg, email)) {
        snprintf(why, size,
                 "%.200s: this e-mail domain may not sign in with single sign-on "
                 "(oidc.allowed_domains)",
                 email);
        goto out;
    }
    rc = 0;
out:
    json_decref(claims);
    return rc;
}

/* Settles sign-in ROW's ID_TOKEN with JWKS (NULL: the keys could not be had, FAILURE
 * says why) inside the open transaction. */
static int settle(struct app *app, struct db *db, int64_t id, const char *id_token,
                  const char *nonce, const json_t *jwks, const char *failure, struct err *e)
{
    char email[256] = "", why[600];
    const char *step = "failed";
    if (!jwks)
        snprintf(why, sizeof why, "%s", failure);
    else if (jwt_names_unknown_key(id_token, jwks))
        snprintf(why, sizeof why,
                 "the provider's ID token is signed with a key it does not "
                 "publish (kid unknown even after fetching its keys again)");
    else if (check_token(app, id_token, jwks, nonce, email, why, sizeof why) == 0)
        step = "verified";
    if (*step == 'f') log_info("oidc: sign-in %lld refused: %s", (long long)id, why);
    return store_oidc_login_finish(db, id, step, NULL, *step == 'v' ? email : NULL,
                                   *step == 'f' ? why : NULL, time_now(), e);
}

/* Settles every sign-in waiting for keys (inside the open transaction). */
static int settle_waiting(struct app *app, struct db *db, const json_t *jwks, const char *failure,
                          struct err *e)
{
    json_t *rows = store_oidc_logins_keys(db, e), *r;
    size_t i;
    if (!rows) return -1;
    json_array_foreach(rows, i, r)
    {
        if (settle(app, db, json_integer_value(json_object_get(r, "id")), jstr(r, "id_token"),
                   jstr(r, "nonce"), jwks, failure, e) != 0) {
            json_decref(rows);
            return -1;
        }
    }
    json_decref(rows);
    return 0;
}

int app_oidc_provider_record(struct app *app, struct db *db, const char *config, long jwks_status,
                             const char *jwks_body, const char *error, struct err *e)
{
    char why[600];
    json_t *jwks = NULL;
    char *jwks_text = NULL;
    if (!error) {
        if (jwks_status != 200)
            snprintf(why, sizeof why, "the key set (jwks_uri) answered HTTP %ld", jwks_status);
        else if (!(jwks = json_loads(jwks_body ? jwks_body : "", 0, NULL)) ||
                 !json_is_object(jwks) || usable_keys(jwks) == 0)
            snprintf(why, sizeof why, "the key set (jwks_uri) holds no signing key");
        else
            jwks_text = json_dumps(jwks, JSON_COMPACT);
        if (!jwks_text) error = why;
    }
    if (error)
        log_error("oidc: the provider %s cannot be used: %s (tried again in %d s)",
                  app->cfg->oidc_issuer, error, OIDC_RETRY_S);
    int rc = -1;
    if (db_begin(db, e) == 0 &&
        store_oidc_provider_record(db, app->cfg->oidc_issuer, error ? NULL : config, jwks_text,
                                   error, time_now(), e) == 0 &&
        settle_waiting(app, db, error ? NULL : jwks, error, e) == 0 && db_commit(db, e) == 0)
        rc = 0;
    else
        db_rollback(db);
    json_decref(jwks);
    free(jwks_text);
    return rc;
}

json_t *app_oidc_exchanges_claim(struct app *app, struct db *db, struct err *e)
{
    int64_t now = time_now();
    json_t *rows = NULL;
    if (!app_oidc_configured(app->cfg)) return json_array();
    int waiting = store_oidc_logins_waiting(db, now, now - OIDC_LOGIN_TTL_S, e);
    if (waiting <= 0) return waiting < 0 ? NULL : json_array();
    if (db_begin(db, e) != 0 ||
        !(rows =
              store_oidc_logins_claim(db, now, now + LEASE_S, now - OIDC_LOGIN_TTL_S, CLAIM, e)) ||
        db_commit(db, e) != 0) {
        db_rollback(db);
        json_decref(rows);
        return NULL;
    }
    return rows;
}

/* Whether the provider's token_endpoint_auth_methods_supported of CONFIG lists METHOD
 * (absent: client_secret_basic only, the default of OpenID Discovery). */
static bool offers(const json_t *config, const char *method)
{
    const json_t *list = json_object_get(config, "token_endpoint_auth_methods_supported"), *v;
    size_t i;
    if (!json_is_array(list)) return strcmp(method, "client_secret_basic") == 0;
    json_array_foreach(list, i, v) if (json_is_string(v) &&
                                       !strcmp(json_string_value(v), method)) return true;
    return false;
}

/* Appends "&KEY=VALUE" (VALUE form-encoded) to B, or "KEY=VALUE" when B is NULL. */
static char *field(char *b, const char *key, const char *value)
{
    char *v = url_pct_encode(value ? value : "");
    char *n = b ? xasprintf("%s&%s=%s", b, key, v) : xasprintf("%s=%s", key, v);
    free(v);
    free(b);
    return n;
}

const char *app_oidc_token_request(struct app *app, struct db *db, json_t *row,
                                   struct app_oidc_token_request *q, char *why, size_t size)
{
    const struct config *cfg = app->cfg;
    struct err e = {0};
    char *verifier = NULL;
    memset(q, 0, sizeof *q);
    json_t *prov = store_oidc_provider_get(db, cfg->oidc_issuer, &e);
    json_t *config = jstr(prov, "config") ? json_loads(jstr(prov, "config"), 0, NULL) : NULL;
    bool basic = offers(config, "client_secret_basic"), post = offers(config, "client_secret_post");
    if (!config || !jstr(config, "token_endpoint"))
        snprintf(why, size, "the provider's configuration is not known");
    else if (!basic && !post)
        snprintf(why, size,
                 "the provider offers neither client_secret_basic nor "
                 "client_secret_post at its token endpoint");
    else if (!(verifier = secret_open(app->key, jstr(row, "verifier"))))
        snprintf(why, size, "this sign-in's code verifier cannot be opened (another secret key?)");
    else {
        q->url = xstrdup(jstr(config, "token_endpoint"));
        q->body = field(NULL, "grant_type", "authorization_code");
        q->body = field(q->body, "code", jstr(row, "code"));
        q->body = field(q->body, "redirect_uri", jstr(row, "redirect_uri"));
        q->body = field(q->body, "code_verifier", verifier);
        if (basic) { /* RFC 6749 §2.3.1: each form-encoded, then joined */
            char *id = url_pct_encode(cfg->oidc_client_id),
                 *sec = url_pct_encode(cfg->oidc_client_secret);
            q->userpwd = xasprintf("%s:%s", id, sec);
            free(id);
            free(sec);
        } else {
            q->body = field(q->body, "client_id", cfg->oidc_client_id);
            q->body = field(q->body, "client_secret", cfg->oidc_client_secret);
        }
    }
    if (verifier) sodium_memzero(verifier, strlen(verifier));
    free(verifier);
    json_decref(config);
    json_decref(prov);
    return q->url ? NULL : why;
}

void app_oidc_token_request_free(struct app_oidc_token_request *q)
{
    if (!q) return;
    free(q->url);
    free(q->body);
    free(q->userpwd);
    memset(q, 0, sizeof *q);
}

/* The reason an error answer of the token endpoint gives. */
static void refusal(long status, const json_t *ans, char *why, size_t size)
{
    const char *err = jstr(ans, "error"), *desc = jstr(ans, "error_description");
    snprintf(why, size, "the provider refused the code (HTTP %ld%s%.60s%s%.200s)", status,
             err ? ": " : "", err ? err : "", desc ? ": " : "", desc ? desc : "");
}

int app_oidc_exchange_record(struct app *app, struct db *db, json_t *row, long status,
                             const char *body, const char *error, struct err *e)
{
    int64_t id = json_integer_value(json_object_get(row, "id"));
    char why[600];
    json_t *ans = NULL, *prov = NULL, *jwks = NULL;
    const char *token = NULL;
    int rc = -1;
    if (error)
        snprintf(why, sizeof why, "cannot reach the provider's token endpoint: %s", error);
    else if (!(ans = json_loads(body ? body : "", 0, NULL)) || status != 200)
        refusal(status, ans, why, sizeof why);
    else if (!(token = jstr(ans, "id_token")))
        snprintf(why, sizeof why, "the provider's answer has no id_token (is openid a scope?)");
    if (db_begin(db, e) != 0) goto out;
    if (token && (prov = store_oidc_provider_get(db, app->cfg->oidc_issuer, e)) &&
        jstr(prov, "jwks"))
        jwks = json_loads(jstr(prov, "jwks"), 0, NULL);
    if (token && jwks && jwt_names_unknown_key(token, jwks)) { /* rotated: fetch keys again */
        if (store_oidc_login_finish(db, id, "keys", token, NULL, NULL, time_now(), e) != 0 ||
            store_oidc_provider_want_keys(db, app->cfg->oidc_issuer, e) != 0)
            goto out;
    } else if (token) {
        if (settle(app, db, id, token, jstr(row, "nonce"), jwks,
                   "the provider's keys are not known", e) != 0)
            goto out;
    } else {
        log_info("oidc: sign-in %lld refused: %s", (long long)id, why);
        if (store_oidc_login_finish(db, id, "failed", NULL, NULL, why, time_now(), e) != 0)
            goto out;
    }
    rc = db_commit(db, e);
out:
    if (rc != 0) db_rollback(db);
    json_decref(ans);
    json_decref(prov);
    json_decref(jwks);
    return rc;
}
