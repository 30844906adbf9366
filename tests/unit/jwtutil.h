/*
 * jwtutil — what the tests that need signed JSON Web Tokens share: public JWKs of
 * OpenSSL keys and compact JWS tokens signed with them (RS256, or ES256 with the raw
 * r||s signature of RFC 7518), made here so that core/jwt is checked against tokens it
 * did not make.
 */
#ifndef PHAROS_TEST_JWTUTIL_H
#define PHAROS_TEST_JWTUTIL_H
#include "testutil.h"
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

static inline char *b64(const unsigned char *p, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *s = malloc(cap);
    sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return s;
}

static inline char *b64s(const char *s)
{
    return b64((const unsigned char *)s, strlen(s));
}

static inline char *bn64(EVP_PKEY *k, const char *param)
{
    BIGNUM *bn = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(k, param, &bn), 1);
    unsigned char buf[1024];
    int n = BN_bn2bin(bn, buf);
    BN_free(bn);
    return b64(buf, (size_t)n);
}

/* The public JWK of K (RSA or P-256) with KID. */
static inline json_t *jwk_of(EVP_PKEY *k, const char *kid)
{
    if (EVP_PKEY_is_a(k, "RSA")) {
        char *n = bn64(k, OSSL_PKEY_PARAM_RSA_N), *e = bn64(k, OSSL_PKEY_PARAM_RSA_E);
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kty", "RSA", "kid", kid, "use", "sig", "n",
                              n, "e", e);
        free(n), free(e);
        return j;
    }
    unsigned char pub[65];
    size_t len = 0;
    assert_int_equal(
        EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len), 1);
    assert_int_equal(len, 65);
    char *x = b64(pub + 1, 32), *y = b64(pub + 33, 32);
    json_t *j =
        json_pack("{s:s,s:s,s:s,s:s,s:s}", "kty", "EC", "crv", "P-256", "kid", kid, "x", x, "y", y);
    free(x), free(y);
    return j;
}

/* A compact JWS of CLAIMS with HEADER, signed by K (RS256 or ES256 by its type). */
static inline char *sign(EVP_PKEY *k, const char *header, const char *claims)
{
    char *h = b64s(header), *c = b64s(claims);
    size_t n = strlen(h) + 1 + strlen(c);
    char *input = malloc(n + 1);
    snprintf(input, n + 1, "%s.%s", h, c);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char sig[1024];
    size_t siglen = sizeof sig;
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
    assert_int_equal(EVP_DigestSign(md, sig, &siglen, (unsigned char *)input, n), 1);
    EVP_MD_CTX_free(md);
    unsigned char raw[64];
    const unsigned char *s = sig;
    if (EVP_PKEY_is_a(k, "EC")) { /* DER → r||s */
        ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &s, (long)siglen);
        assert_non_null(es);
        BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32);
        ECDSA_SIG_free(es);
        s = raw;
        siglen = 64;
    } else {
        s = sig;
    }
    char *sg = b64(s, siglen);
    size_t total = n + 1 + strlen(sg) + 1;
    char *tok = malloc(total);
    snprintf(tok, total, "%s.%s", input, sg);
    free(h), free(c), free(input), free(sg);
    return tok;
}

#endif
