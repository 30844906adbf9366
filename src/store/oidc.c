/*
 * store/oidc — OpenID Connect sign-in's SQL. See oidc.h.
 *
 * The claims are written as the other leases are (store/outbox.c): one UPDATE whose
 * subquery locks what it takes (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's one
 * writer excludes the rest), so two nodes never take the same row.
 */
#include "store/oidc.h"

json_t *store_oidc_provider_get(struct db *db, const char *issuer, struct err *e)
{
    return db_query_one(db, e,
                        "SELECT config, jwks, error, fetched_at AS fetched, tried_at AS tried, "
                        "keys_wanted FROM oidc_providers WHERE issuer = ?",
                        "s", issuer);
}

int store_oidc_provider_claim(struct db *db, const char *issuer, int64_t now, int64_t lease_until,
                              int64_t tried_before, int64_t fetched_before, struct err *e)
{
    int changes = 0;
    if (db_exec(db, e, NULL,
                "INSERT INTO oidc_providers (issuer) VALUES (?) ON CONFLICT (issuer) DO NOTHING",
                "s", issuer) != 0 ||
        db_exec(db, e, &changes,
                "UPDATE oidc_providers SET lease_until = ?, tried_at = ? WHERE issuer = ? AND "
                "(lease_until IS NULL OR lease_until < ?) AND tried_at < ? AND "
                "(fetched_at < ? OR keys_wanted = 1 OR error IS NOT NULL)",
                "iisiii", lease_until, now, issuer, now, tried_before, fetched_before) != 0)
        return -1;
    return changes > 0;
}

int store_oidc_provider_record(struct db *db, const char *issuer, const char *config,
                               const char *jwks, const char *error, int64_t now, struct err *e)
{
    if (error)
        return db_exec(db, e, NULL,
                       "UPDATE oidc_providers SET error = ?, keys_wanted = 0, lease_until = NULL "
                       "WHERE issuer = ?",
                       "ss", error, issuer);
    return db_exec(db, e, NULL,
                   "UPDATE oidc_providers SET config = ?, jwks = ?, error = NULL, fetched_at = ?, "
                   "keys_wanted = 0, lease_until = NULL WHERE issuer = ?",
                   "ssis", config, jwks, now, issuer);
}

int store_oidc_provider_want_keys(struct db *db, const char *issuer, struct err *e)
{
    return db_exec(db, e, NULL, "UPDATE oidc_providers SET keys_wanted = 1 WHERE issuer = ?", "s",
                   issuer);
}

int64_t store_oidc_login_add(struct db *db, int64_t page_id, const char *state_hash,
                             const char *nonce, const char *verifier, const char *redirect_uri,
                             const char *return_to, int64_t now, int ttl_s, struct err *e)
{
    if (db_exec(db, e, NULL, "DELETE FROM oidc_logins WHERE created_at < ?", "i", now - ttl_s) != 0)
        return -1;
    return db_insert(db, e,
                     "INSERT INTO oidc_logins (page_id, state_hash, nonce, verifier, redirect_uri, "
                     "return_to, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                     "isssssii", page_id, state_hash, nonce, verifier, redirect_uri, return_to, now,
                     now);
}

json_t *store_oidc_login_get(struct db *db, const char *state_hash, int64_t created_after,
                             struct err *e)
{
    return db_query_one(db, e,
                        "SELECT id, page_id, step, nonce, verifier, redirect_uri, return_to, "
                        "email, error, updated_at AS updated FROM oidc_logins "
                        "WHERE state_hash = ? AND created_at > ?",
                        "si", state_hash, created_after);
}

int64_t store_oidc_login_code(struct db *db, const char *state_hash, const char *code,
                              int64_t created_after, int64_t now, struct err *e)
{
    int64_t id = 0;
    int rc = db_query_int(db, e, &id,
                          "UPDATE oidc_logins SET step = 'exchanging', code = ?, updated_at = ? "
                          "WHERE state_hash = ? AND step = 'started' AND created_at > ? "
                          "RETURNING id",
                          "sisi", code, now, state_hash, created_after);
    return rc < 0 ? -1 : rc == 0 ? 0 : id;
}

json_t *store_oidc_logins_claim(struct db *db, int64_t now, int64_t lease_until,
                                int64_t created_after, int limit, struct err *e)
{
    return db_query_all(db, e,
                        "UPDATE oidc_logins SET lease_until = ? WHERE id IN (SELECT id FROM "
                        "oidc_logins WHERE step = 'exchanging' AND (lease_until IS NULL OR "
                        "lease_until < ?) AND created_at > ? ORDER BY id LIMIT ? "
                        "FOR UPDATE SKIP LOCKED) "
                        "RETURNING id, page_id, code, nonce, verifier, redirect_uri",
                        "iiii", lease_until, now, created_after, (int64_t)limit);
}

int store_oidc_logins_waiting(struct db *db, int64_t now, int64_t created_after, struct err *e)
{
    int64_t n = 0;
    return db_query_int(db, e, &n,
                        "SELECT id FROM oidc_logins WHERE step = 'exchanging' AND "
                        "(lease_until IS NULL OR lease_until < ?) AND created_at > ? LIMIT 1",
                        "ii", now, created_after);
}

json_t *store_oidc_logins_keys(struct db *db, struct err *e)
{
    return db_query_all(db, e,
                        "SELECT id, page_id, nonce, id_token FROM oidc_logins WHERE step = 'keys' "
                        "ORDER BY id",
                        "");
}

int store_oidc_login_finish(struct db *db, int64_t id, const char *step, const char *id_token,
                            const char *email, const char *error, int64_t now, struct err *e)
{
    return db_exec(db, e, NULL,
                   "UPDATE oidc_logins SET step = ?, id_token = ?, email = ?, error = ?, "
                   "code = NULL, lease_until = NULL, updated_at = ? WHERE id = ?",
                   "ssssii", step, id_token, email, error, now, id);
}

int store_oidc_login_use(struct db *db, int64_t id, int64_t now, struct err *e)
{
    int changes = 0;
    if (db_exec(db, e, &changes,
                "UPDATE oidc_logins SET step = 'used', id_token = NULL, updated_at = ? "
                "WHERE id = ? AND step = 'verified'",
                "ii", now, id) != 0)
        return -1;
    return changes > 0;
}
