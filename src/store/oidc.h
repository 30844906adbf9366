/*
 * store/oidc — the SQL of OpenID Connect sign-in (app/oidc.h): the cache of each
 * issuer's discovery document and key set (oidc_providers) and the sign-ins between
 * the browser's legs (oidc_logins). Migration 0021 describes both tables and the steps
 * of a sign-in. Times are Unix seconds; the JSON rows name them without "_at"
 * (fetched, tried, updated) so they stay numbers.
 */
#ifndef PHAROS_STORE_OIDC_H
#define PHAROS_STORE_OIDC_H
#include "store/db.h"

/* ISSUER's cached row: {"config","jwks","error","fetched","tried","keys_wanted"} (config
 * and jwks as text), or NULL (E->code ERR_OK: never fetched). */
json_t *store_oidc_provider_get(struct db *db, const char *issuer, struct err *e);

/*
 * Takes ISSUER's fetch (creating its row) until LEASE_UNTIL when one is due: the lease
 * is free, and no fetch started after TRIED_BEFORE, and the last good fetch is older
 * than FETCHED_BEFORE, or keys are wanted, or the last fetch failed. Inside a write
 * transaction. Returns 1 taken, 0 not due, -1 with E.
 */
int store_oidc_provider_claim(struct db *db, const char *issuer, int64_t now, int64_t lease_until,
                              int64_t tried_before, int64_t fetched_before, struct err *e);
/* Records a fetch of ISSUER: CONFIG and JWKS (texts) when it worked, else ERROR (the
 * cached document and keys stay). Either way the lease and keys_wanted are cleared. */
int store_oidc_provider_record(struct db *db, const char *issuer, const char *config,
                               const char *jwks, const char *error, int64_t now, struct err *e);
/* Asks for ISSUER's key set to be fetched again (an ID token named an unknown key). */
int store_oidc_provider_want_keys(struct db *db, const char *issuer, struct err *e);

/* Records a sign-in of PAGE_ID (step started) and forgets those older than TTL_S.
 * VERIFIER is sealed. Returns the id, or -1 with E (409: the state hash exists). */
int64_t store_oidc_login_add(struct db *db, int64_t page_id, const char *state_hash,
                             const char *nonce, const char *verifier, const char *redirect_uri,
                             const char *return_to, int64_t now, int ttl_s, struct err *e);
/* The sign-in of STATE_HASH created after CREATED_AFTER: {"id","page_id","step","nonce",
 * "verifier","redirect_uri","return_to","email","error","updated"}, or NULL (E->code
 * ERR_OK: unknown or expired). */
json_t *store_oidc_login_get(struct db *db, const char *state_hash, int64_t created_after,
                             struct err *e);
/* Moves the started sign-in of STATE_HASH (created after CREATED_AFTER) to exchanging with
 * the provider's CODE: once only. Returns its id, 0 when there is no such started
 * sign-in (unknown, expired, or its state already used), -1 with E. */
int64_t store_oidc_login_code(struct db *db, const char *state_hash, const char *code,
                              int64_t created_after, int64_t now, struct err *e);
/* Leases until LEASE_UNTIL up to LIMIT sign-ins in step exchanging (created after
 * CREATED_AFTER, lease free or run out): [{"id","page_id","code","nonce","verifier",
 * "redirect_uri"}]. */
json_t *store_oidc_logins_claim(struct db *db, int64_t now, int64_t lease_until,
                                int64_t created_after, int limit, struct err *e);
/* Whether any sign-in waits for the dispatcher's exchange: 1 yes, 0 no, -1 with E. */
int store_oidc_logins_waiting(struct db *db, int64_t now, int64_t created_after, struct err *e);
/* The sign-ins in step keys: [{"id","page_id","nonce","id_token"}]. */
json_t *store_oidc_logins_keys(struct db *db, struct err *e);
/* Moves sign-in ID to STEP (keys, verified or failed) with ID_TOKEN (kept for keys),
 * EMAIL (verified) or ERROR; the code and the lease are dropped. */
int store_oidc_login_finish(struct db *db, int64_t id, const char *step, const char *id_token,
                            const char *email, const char *error, int64_t now, struct err *e);
/* Marks the verified sign-in ID used: 1 done, 0 it was not verified (used already), -1. */
int store_oidc_login_use(struct db *db, int64_t id, int64_t now, struct err *e);

#endif
