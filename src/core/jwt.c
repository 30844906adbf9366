/*
 * core/jwt — JWS signature and ID token claim checks. See jwt.h.
 *
 * Keys are built from the JWK's numbers with OpenSSL 3's EVP_PKEY_fromdata (no
 * deprecated RSA/EC_KEY calls); an ES256 signature is turned from JOSE's raw r||s into
 * the DER that EVP_DigestVerify takes.
 */
#include "core/jwt.h"
#include "core/xalloc.h"
#include <assert.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum alg { ALG_RS256, ALG_ES256 };
enum { RSA_MIN_BITS = 2048, P256_COORD = 32 };

/* The N base64url characters at S decoded into a new buffer (*LEN bytes); NULL when they
 * are not base64url (without padding). */
static unsigned char *b64url(const char *s, size_t n, size_t *len)
{
    unsigned char *out = xmalloc(n * 3 / 4 + 1);
    if (sodium_base642bin(out, n * 3 / 4 + 1, s, n, NULL, len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* The JSON object the N base64url characters at S encode, or NULL. */
static json_t *b64url_json(const char *s, size_t n)
{
    size_t len;
    unsigned char *raw = b64url(s, n, &len);
    if (!raw) return NULL;
    json_t *v = json_loadb((const char *)raw, len, JSON_REJECT_DUPLICATES, NULL);
    free(raw);
    if (v && !json_is_object(v)) {
        json_decref(v);
        return NULL;
    }
    return v;
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* A JWK member's base64url bytes as a BIGNUM, or NULL. */
static BIGNUM *jwk_bn(const json_t *jwk, const char *k)
{
    const char *s = jstr(jwk, k);
    size_t len;
    unsigned char *raw = s ? b64url(s, strlen(s), &len) : NULL;
    if (!raw) return NULL;
    BIGNUM *bn = len ? BN_bin2bn(raw, (int)len, NULL) : NULL;
    free(raw);
    return bn;
}

static EVP_PKEY *rsa_key(const json_t *jwk)
{
    BIGNUM *n = jwk_bn(jwk, "n"), *e = jwk_bn(jwk, "e");
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *key = NULL;
    if (n && e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
        (params = OSSL_PARAM_BLD_to_param(bld)) &&
        (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) && EVP_PKEY_fromdata_init(ctx) > 0 &&
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) > 0 &&
        EVP_PKEY_get_bits(key) < RSA_MIN_BITS) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return key;
}

static EVP_PKEY *p256_key(const json_t *jwk)
{
    const char *xs = jstr(jwk, "x"), *ys = jstr(jwk, "y");
    size_t xl = 0, yl = 0;
    unsigned char *x = xs ? b64url(xs, strlen(xs), &xl) : NULL;
    unsigned char *y = ys ? b64url(ys, strlen(ys), &yl) : NULL;
    EVP_PKEY *key = NULL;
    if (x && y && xl == P256_COORD && yl == P256_COORD) {
        unsigned char point[1 + 2 * P256_COORD] = {POINT_CONVERSION_UNCOMPRESSED};
        memcpy(point + 1, x, P256_COORD);
        memcpy(point + 1 + P256_COORD, y, P256_COORD);
        char group[] = "prime256v1";
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
            OSSL_PARAM_construct_end()};
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
            EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
            key = NULL; /* a point off the curve, among others */
        EVP_PKEY_CTX_free(ctx);
    }
    free(x);
    free(y);
    return key;
}

/* Whether JWK may verify a token of ALG (its kty, crv, alg and use). */
static bool fits(const json_t *jwk, enum alg alg)
{
    const char *kty = jstr(jwk, "kty"), *a = jstr(jwk, "alg"), *use = jstr(jwk, "use");
    const char *name = alg == ALG_RS256 ? "RS256" : "ES256";
    if ((a && strcmp(a, name) != 0) || (use && strcmp(use, "sig") != 0) || !kty) return false;
    if (alg == ALG_RS256) return strcmp(kty, "RSA") == 0;
    const char *crv = jstr(jwk, "crv");
    return strcmp(kty, "EC") == 0 && crv && strcmp(crv, "P-256") == 0;
}

/* The JWK of JWKS for ALG and KID (NULL: the only fitting key), or NULL with E. */
static const json_t *pick_key(const json_t *jwks, enum alg alg, const char *kid, struct err *e)
{
    const json_t *keys = json_object_get(jwks, "keys"), *found = NULL, *k;
    size_t i, fitting = 0;
    json_array_foreach(keys, i, k)
    {
        if (!fits(k, alg)) continue;
        if (kid) {
            const char *kk = jstr(k, "kid");
            if (kk && strcmp(kk, kid) == 0) return k;
        } else {
            fitting++;
            found = k;
        }
    }
    if (kid) {
        err_set(e, ERR_INVALID, "no key \"%.64s\" for this algorithm in the issuer's key set", kid);
        return NULL;
    }
    if (fitting != 1) {
        err_set(e, ERR_INVALID, "the token names no key and the key set has %zu that fit", fitting);
        return NULL;
    }
    return found;
}

/* JOSE's ES256 signature (r||s) as DER, into a new buffer of *DERLEN bytes; NULL when it
 * is not 64 bytes. */
static unsigned char *es256_der(const unsigned char *sig, size_t len, int *derlen)
{
    if (len != 2 * P256_COORD) return NULL;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, P256_COORD, NULL),
           *s = BN_bin2bn(sig + P256_COORD, P256_COORD, NULL);
    unsigned char *der = NULL;
    if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
        r = s = NULL; /* es owns them */
        *derlen = i2d_ECDSA_SIG(es, &der);
        if (*derlen <= 0) der = NULL;
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return der;
}

/* Whether SIG (LEN bytes) signs the N bytes of DATA with KEY under ALG. */
static bool signature_ok(EVP_PKEY *key, enum alg alg, const unsigned char *sig, size_t len,
                         const char *data, size_t n)
{
    unsigned char *der = NULL;
    int derlen = 0;
    if (alg == ALG_ES256) {
        if (!(der = es256_der(sig, len, &derlen))) return false;
        sig = der;
        len = (size_t)derlen;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
              EVP_DigestVerify(md, sig, len, (const unsigned char *)data, n) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    return ok;
}

int jwt_verify(const char *token, const json_t *jwks, json_t **claims, struct err *e)
{
    assert(token && claims);
    *claims = NULL;
    size_t n = strlen(token);
    const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (n > JWT_MAX || !d1 || !d2 || strchr(d2 + 1, '.'))
        return err_set(e, ERR_INVALID,
                       "the token is not a signed JWT (three parts, at most "
                       "%d bytes)",
                       JWT_MAX);
    json_t *hdr = b64url_json(token, (size_t)(d1 - token));
    if (!hdr) return err_set(e, ERR_INVALID, "the token's header is not base64url JSON");
    const char *a = jstr(hdr, "alg");
    enum alg alg;
    if (a && strcmp(a, "RS256") == 0)
        alg = ALG_RS256;
    else if (a && strcmp(a, "ES256") == 0)
        alg = ALG_ES256;
    else {
        err_set(e, ERR_INVALID, "the token's algorithm \"%.20s\" is not accepted (RS256, ES256)",
                a ? a : "");
        json_decref(hdr);
        return -1;
    }
    if (json_object_get(hdr, "crit")) {
        json_decref(hdr);
        return err_set(e, ERR_INVALID, "the token asks for extensions (crit) we do not know");
    }
    const json_t *jwk = pick_key(jwks, alg, jstr(hdr, "kid"), e);
    json_decref(hdr);
    if (!jwk) return -1;
    EVP_PKEY *key = alg == ALG_RS256 ? rsa_key(jwk) : p256_key(jwk);
    if (!key) return err_set(e, ERR_INVALID, "the issuer's key is unusable (or too small)");
    size_t siglen = 0;
    unsigned char *sig = b64url(d2 + 1, n - (size_t)(d2 + 1 - token), &siglen);
    bool ok = sig && signature_ok(key, alg, sig, siglen, token, (size_t)(d2 - token));
    free(sig);
    EVP_PKEY_free(key);
    if (!ok) return err_set(e, ERR_INVALID, "the token's signature does not verify");
    if (!(*claims = b64url_json(d1 + 1, (size_t)(d2 - d1 - 1))))
        return err_set(e, ERR_INVALID, "the token's claims are not base64url JSON");
    return 0;
}

bool jwt_names_unknown_key(const char *token, const json_t *jwks)
{
    const char *d1 = token ? strchr(token, '.') : NULL;
    if (!d1 || strlen(token) > JWT_MAX) return false;
    json_t *hdr = b64url_json(token, (size_t)(d1 - token)), *k;
    const char *kid = jstr(hdr, "kid");
    bool unknown = kid != NULL;
    size_t i;
    json_array_foreach(json_object_get(jwks, "keys"), i, k)
    {
        const char *kk = jstr(k, "kid");
        if (unknown && kk && strcmp(kk, kid) == 0) unknown = false;
    }
    json_decref(hdr);
    return unknown;
}

/* The number claim K of C into *OUT: 0, or -1 when absent or not a number. */
static int num(const json_t *c, const char *k, int64_t *out)
{
    const json_t *v = json_object_get(c, k);
    if (json_is_integer(v))
        *out = json_integer_value(v);
    else if (json_is_real(v))
        *out = (int64_t)json_real_value(v);
    else
        return -1;
    return 0;
}

int jwt_claims_check(const json_t *c, const struct jwt_expect *x, struct err *e)
{
    assert(x->issuer && x->client_id);
    const char *iss = jstr(c, "iss");
    if (!iss || strcmp(iss, x->issuer) != 0)
        return err_set(e, ERR_INVALID, "the token's issuer is not %.200s", x->issuer);
    const json_t *aud = json_object_get(c, "aud"), *v;
    bool ours = false;
    size_t i;
    if (json_is_string(aud)) ours = strcmp(json_string_value(aud), x->client_id) == 0;
    json_array_foreach(aud, i, v) ours =
        ours || (json_is_string(v) && strcmp(json_string_value(v), x->client_id) == 0);
    if (!ours) return err_set(e, ERR_INVALID, "the token is not for this client (aud)");
    const char *azp = jstr(c, "azp");
    if (json_is_array(aud) && json_array_size(aud) > 1 && (!azp || strcmp(azp, x->client_id) != 0))
        return err_set(e, ERR_INVALID, "the token has several audiences and azp is not ours");
    int64_t exp, iat;
    if (num(c, "exp", &exp) != 0 || exp + JWT_SKEW_S <= x->now)
        return err_set(e, ERR_INVALID, "the token has expired (exp)");
    if (num(c, "iat", &iat) != 0 || iat > x->now + JWT_SKEW_S)
        return err_set(e, ERR_INVALID, "the token was issued in the future (iat)");
    const char *nonce = jstr(c, "nonce");
    if (x->nonce && (!nonce || strcmp(nonce, x->nonce) != 0))
        return err_set(e, ERR_INVALID, "the token's nonce is not this sign-in's (a replay?)");
    return 0;
}
