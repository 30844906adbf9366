/*
 * core/jwt — checks a signed JSON Web Token (RFC 7519, compact JWS of RFC 7515) against
 * a key set (JWKS, RFC 7517): what an OpenID Connect sign-in (SPEC §16) needs of an ID
 * token before it believes a single claim. Pure functions over OpenSSL's libcrypto; no
 * I/O (the caller fetches the issuer's JWKS).
 *
 * Accepted: RS256 (RSA PKCS#1 v1.5 with SHA-256, keys of 2048 bits or more) and ES256
 * (ECDSA on P-256 with SHA-256, the signature as the 64 raw bytes r||s of RFC 7518).
 * Refused, whatever the key set says: "none", the HMAC algorithms (an attacker who knows
 * a public key could sign with it as an HMAC secret), any other algorithm, a header
 * "crit" (extensions we do not understand), a key whose "kty"/"crv"/"alg"/"use" does not
 * fit the token's algorithm. The key is the one whose "kid" the header names; without a
 * kid, the only key of the set that fits. A token is at most JWT_MAX bytes.
 *
 * jwt_claims_check then applies the claim rules of OpenID Connect Core §3.1.3.7: iss
 * equal, aud containing the client id (azp equal when several), exp in the future and
 * iat not far in it (SKEW seconds of clock difference allowed both ways), nonce equal.
 */
#ifndef PHAROS_CORE_JWT_H
#define PHAROS_CORE_JWT_H
#include "core/err.h"
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum { JWT_MAX = 16384, JWT_SKEW_S = 120 };

/* Verifies TOKEN's signature with the key of JWKS ({"keys":[JWK…]}) it names. Returns 0
 * and its claims (a new reference) in *CLAIMS, or -1 with E (ERR_INVALID) saying why:
 * malformed, an algorithm refused, no fitting key, a bad signature. */
int jwt_verify(const char *token, const json_t *jwks, json_t **claims, struct err *e);

/* Whether TOKEN's header names a key id ("kid") that no key of JWKS has: the issuer may
 * have rotated its keys since JWKS was fetched (fetch it again, then jwt_verify). False
 * for a malformed token or one without a kid. */
bool jwt_names_unknown_key(const char *token, const json_t *jwks);

/* What an ID token's claims must say. */
struct jwt_expect {
    const char *issuer, *client_id, *nonce; /* nonce NULL: not checked */
    int64_t now;                            /* Unix seconds */
};

/* Checks CLAIMS against X: 0, or -1 with E (ERR_INVALID) naming the claim. */
int jwt_claims_check(const json_t *claims, const struct jwt_expect *x, struct err *e);

#endif
