/*
 * app/oidc — OpenID Connect sign-in (SPEC §16): the authorization code flow with PKCE
 * (S256), state and nonce, for whoever needs a verified e-mail address: the console's
 * "Sign in with SSO" (admin/oidc.c, then app/oidc_signin.h), later a page's `sso`
 * visibility for its visitors. No request handler waits on the provider: as with "Sign
 * in with Twitter" (app/twitter_connect.h), the browser's legs record what they want in
 * the database and wake the dispatcher, which fetches the provider's discovery document
 * and key set and exchanges codes on its own loop (notify/oidc_client.h) and records the
 * answers through the functions at the end of this header. Every step lives in the
 * database (migration 0021), so a sign-in may start on one node and finish on another.
 *
 * The flow, as a driver runs it:
 *   1. app_oidc_begin(): a new sign-in that will come back to REDIRECT_URI and then go to
 *      RETURN_TO. Gives the raw `state`, which the driver keeps in a cookie (it binds the
 *      sign-in to this browser: the callback must bring the same value) and the step:
 *      AUTHORIZE (send the browser to the URL) or WAIT (the provider's configuration is
 *      being fetched: come back to app_oidc_poll()).
 *   2. The provider redirects to REDIRECT_URI: app_oidc_callback() records the code,
 *      once only per state (a replayed state is refused), and wakes the dispatcher.
 *   3. The dispatcher exchanges the code at the token endpoint (client_secret_basic, or
 *      client_secret_post when the provider offers only that), checks the ID token with
 *      core/jwt (signature against the cached JWKS, iss, aud, azp, exp, iat, nonce),
 *      requires email_verified and an e-mail domain listed in oidc.allowed_domains, and
 *      records the verified address. A token signed with a key the cached set lacks asks
 *      for the set again (a rotation), at most once per OIDC_REFETCH_S; the sign-in waits
 *      for it.
 *   4. app_oidc_poll() (the driver's waiting page, reloading itself) answers DONE once,
 *      with the verified e-mail: the sign-in is used up. Or FAILED with the reason.
 *
 * Nothing secret sits in clear in the database: the state only as its SHA-256, the PKCE
 * verifier sealed with the secret key; the nonce (it travels through the browser anyway)
 * as it is. A sign-in expires OIDC_LOGIN_TTL_S after it began.
 *
 * The provider's discovery document ({issuer}/.well-known/openid-configuration, whose
 * "issuer" must equal oidc.issuer exactly) and key set are cached in oidc_providers and
 * fetched again every OIDC_REFRESH_S; a failed fetch is retried every OIDC_RETRY_S and
 * its reason shown on the login page (app_oidc_problem) and logged.
 */
#ifndef PHAROS_APP_OIDC_H
#define PHAROS_APP_OIDC_H
#include "app/app.h"

enum {
    OIDC_LOGIN_TTL_S = 10 * 60,   /* a sign-in's whole life */
    OIDC_WAIT_S = 30,             /* how long a step waits for the dispatcher */
    OIDC_REFRESH_S = 3600,        /* discovery and keys fetched again after */
    OIDC_REFETCH_S = 10,          /* at most one fetch per this, whatever asks */
    OIDC_RETRY_S = 30,            /* after a failed fetch */
    OIDC_STARTS_PER_ADDRESS = 60, /* sign-ins begun per client address per OIDC_LOGIN_TTL_S */
};

/* Whether CFG turns OpenID Connect on (oidc.issuer set). */
bool app_oidc_configured(const struct config *cfg);
/* At start: when on, client_id and client_secret set, issuer an https:// URL (http:// for
 * a loopback host only), default_role a role, allowed_domains not empty. 0, or -1 with E
 * naming the key. */
int app_oidc_check_config(const struct config *cfg, struct err *e);
/* Whether EMAIL's domain is one of oidc.allowed_domains (case-insensitive). */
bool app_oidc_domain_allowed(const struct config *cfg, const char *email);
/* Why sign-in cannot work now (the last fetch of the provider failed and nothing usable
 * is cached), for the login page: a new string (caller frees), or NULL. */
char *app_oidc_problem(struct app *app, struct db *db);

enum app_oidc_step {
    OIDC_WAIT,      /* come back in a second */
    OIDC_AUTHORIZE, /* send the browser to text */
    OIDC_DONE,      /* email is verified; the sign-in is used up */
    OIDC_FAILED,    /* text says why */
};

struct app_oidc_outcome {
    enum app_oidc_step step;
    char *text;      /* the URL or the reason (malloc'd; app_oidc_outcome_free) */
    char *state;     /* app_oidc_begin: the raw state for the cookie (malloc'd) */
    char email[256]; /* DONE: the verified, normalised address */
    char return_to[512];
    int64_t page_id; /* the page the sign-in began on */
};
void app_oidc_outcome_free(struct app_oidc_outcome *o);

/*
 * Begins a sign-in of PAGE_ID from client address CLIENT coming back to REDIRECT_URI,
 * then to RETURN_TO (a local path or the page's URL: the caller's to choose). Fills *OUT
 * (state, and step AUTHORIZE or WAIT). Returns 0, or -1 with E: 400 when SSO is off, 503
 * when the provider cannot be used (the reason), 429 past OIDC_STARTS_PER_ADDRESS.
 * Outside a transaction.
 */
int app_oidc_begin(struct app *app, struct db *db, int64_t page_id, const char *redirect_uri,
                   const char *return_to, const char *client, struct app_oidc_outcome *out,
                   struct err *e);

/*
 * The provider came back with STATE and CODE, or with ERROR (its error code, and
 * DESCRIPTION, may be NULL); COOKIE_STATE is the value the browser kept. Records the
 * code (once per state) and wakes the dispatcher. 0, or -1 with a 400 in E: the state
 * is not this browser's, unknown, expired or already used, or the provider refused.
 */
int app_oidc_callback(struct app *app, struct db *db, const char *state, const char *cookie_state,
                      const char *code, const char *error, const char *description, struct err *e);

/* Where the sign-in of STATE (the cookie's) stands, into *OUT (see enum app_oidc_step;
 * DONE only once). 0, or -1 with E (400: unknown or expired). */
int app_oidc_poll(struct app *app, struct db *db, const char *state, struct app_oidc_outcome *out,
                  struct err *e);

/* --- for the dispatcher (notify/oidc_client.c) ---------------------------------- */

/* Whether the provider is due a fetch; when it is, takes it (a lease) and gives the
 * discovery URL in *URL (caller frees). 1, 0 (nothing to do), or -1 with E. */
int app_oidc_provider_due(struct app *app, struct db *db, char **url, struct err *e);
/* Checks the discovery answer (HTTP STATUS, BODY): NULL and *JWKS_URI (caller frees), or
 * the reason it cannot be used, written into WHY. */
const char *app_oidc_discovery_check(const struct config *cfg, long status, const char *body,
                                     char **jwks_uri, char *why, size_t size);
/* Records the fetch: the discovery document CONFIG and the key-set answer (JWKS_STATUS,
 * JWKS_BODY), or ERROR (CONFIG NULL: the discovery failed). A key set that is not one
 * (no usable key) is an error too. Then settles the sign-ins that waited for keys. 0, or
 * -1 with E. */
int app_oidc_provider_record(struct app *app, struct db *db, const char *config, long jwks_status,
                             const char *jwks_body, const char *error, struct err *e);

/* Takes the sign-ins whose code waits for the exchange: a JSON array (new), or NULL
 * with E. */
json_t *app_oidc_exchanges_claim(struct app *app, struct db *db, struct err *e);

/* The token request of ROW (a row of app_oidc_exchanges_claim). */
struct app_oidc_token_request {
    char *url;     /* the token endpoint */
    char *body;    /* application/x-www-form-urlencoded */
    char *userpwd; /* client_secret_basic's "id:secret" (each form-encoded), or NULL */
};
/* Fills *Q (app_oidc_token_request_free). NULL, or the reason it cannot (into WHY). */
const char *app_oidc_token_request(struct app *app, struct db *db, json_t *row,
                                   struct app_oidc_token_request *q, char *why, size_t size);
void app_oidc_token_request_free(struct app_oidc_token_request *q);

/* Records the token endpoint's answer (STATUS, BODY) for ROW, or ERROR when there was
 * none, after checking the ID token (above). 0, or -1 with E (nothing recorded: the
 * lease runs out and it is tried again). */
int app_oidc_exchange_record(struct app *app, struct db *db, json_t *row, long status,
                             const char *body, const char *error, struct err *e);

#endif
