/*
 * Unit tests for core/jwt with keys made here by OpenSSL: RS256 and ES256 tokens verify
 * against a JWKS and give their claims; a changed payload, another key under the same
 * kid, a signature of the wrong size, "none" and HS256, a crit header, a small RSA key,
 * a point off the curve and a kid the set does not have (before a key rotation is
 * fetched) are refused; the ID token claim rules (iss, aud, azp, exp, iat, nonce).
 */
#include "core/jwt.h"
#include "testutil.h"

#include "jwtutil.h"
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

static EVP_PKEY *rsa, *rsa2, *ec;
static json_t *jwks;

static int setup(void **state)
{
    (void)state;
    rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    rsa2 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!rsa || !rsa2 || !ec) return -1;
    jwks = json_pack("{s:[o,o]}", "keys", jwk_of(rsa, "r1"), jwk_of(ec, "e1"));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    EVP_PKEY_free(rsa), EVP_PKEY_free(rsa2), EVP_PKEY_free(ec);
    json_decref(jwks);
    return 0;
}

static const char CLAIMS[] = "{\"iss\":\"https://id.example\",\"sub\":\"u1\",\"aud\":\"pharos\","
                             "\"email\":\"ann@example.com\",\"exp\":4102444800,\"iat\":1700000000,"
                             "\"nonce\":\"n-123\"}";

static void rs256_and_es256_verify_and_give_their_claims(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *c = NULL;
    char *t = sign(rsa, "{\"alg\":\"RS256\",\"kid\":\"r1\",\"typ\":\"JWT\"}", CLAIMS);
    assert_int_equal(jwt_verify(t, jwks, &c, &e), 0);
    assert_string_equal(json_string_value(json_object_get(c, "email")), "ann@example.com");
    json_decref(c);
    free(t);
    t = sign(ec, "{\"alg\":\"ES256\",\"kid\":\"e1\"}", CLAIMS);
    assert_int_equal(jwt_verify(t, jwks, &c, &e), 0);
    assert_string_equal(json_string_value(json_object_get(c, "sub")), "u1");
    json_decref(c);
    free(t);
    /* no kid: the only key that fits the algorithm */
    t = sign(ec, "{\"alg\":\"ES256\"}", CLAIMS);
    assert_int_equal(jwt_verify(t, jwks, &c, &e), 0);
    json_decref(c);
    free(t);
}

/* Asserts TOKEN is refused with a message containing WHY. */
static void refused(const char *token, const json_t *set, const char *why)
{
    struct err e = {0};
    json_t *c = NULL;
    assert_int_equal(jwt_verify(token, set, &c, &e), -1);
    assert_null(c);
    assert_int_equal(e.code, ERR_INVALID);
    if (!strstr(e.msg, why)) fail_msg("\"%s\" does not say \"%s\"", e.msg, why);
}

static void tampered_forged_and_odd_tokens_are_refused(void **state)
{
    (void)state;
    char *t = sign(rsa, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", CLAIMS);
    /* the payload changed: admin claims slipped in */
    char *evil = b64s("{\"iss\":\"https://id.example\",\"aud\":\"pharos\",\"email\":\"root@x\"}");
    char *d1 = strchr(t, '.'), *d2 = strchr(d1 + 1, '.');
    size_t n = (size_t)(d1 - t) + 1 + strlen(evil) + strlen(d2) + 1;
    char *changed = malloc(n);
    snprintf(changed, n, "%.*s.%s%s", (int)(d1 - t), t, evil, d2);
    refused(changed, jwks, "signature");
    /* another key under the same kid */
    char *other = sign(rsa2, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", CLAIMS);
    refused(other, jwks, "signature");
    /* none, HS256, a crit header */
    char *h = b64s("{\"alg\":\"none\"}"), *c = b64s(CLAIMS), none[2048];
    snprintf(none, sizeof none, "%s.%s.", h, c);
    refused(none, jwks, "not accepted");
    free(h);
    h = b64s("{\"alg\":\"HS256\",\"kid\":\"r1\"}");
    snprintf(none, sizeof none, "%s.%s.c2ln", h, c);
    refused(none, jwks, "not accepted");
    char *crit = sign(rsa, "{\"alg\":\"RS256\",\"kid\":\"r1\",\"crit\":[\"exp\"]}", CLAIMS);
    refused(crit, jwks, "crit");
    /* an ES256 signature of the wrong size; the RS256 one on the EC key's kid */
    char *es = sign(ec, "{\"alg\":\"ES256\",\"kid\":\"e1\"}", CLAIMS);
    es[strlen(es) - 4] = '\0';
    refused(es, jwks, "signature");
    char *cross = sign(rsa, "{\"alg\":\"RS256\",\"kid\":\"e1\"}", CLAIMS);
    refused(cross, jwks, "no key");
    /* not a JWT at all */
    refused("abc", jwks, "three parts");
    refused("a.b.c.d", jwks, "three parts");
    refused("!!.!!.!!", jwks, "header");
    free(t), free(evil), free(changed), free(other), free(h), free(c), free(crit), free(es),
        free(cross);
}

static void a_rotated_key_needs_the_new_set_and_bad_keys_are_unusable(void **state)
{
    (void)state;
    char *t = sign(rsa2, "{\"alg\":\"RS256\",\"kid\":\"r2\"}", CLAIMS);
    refused(t, jwks, "no key \"r2\"");
    assert_true(jwt_names_unknown_key(t, jwks));
    json_t *rotated = json_pack("{s:[o,o]}", "keys", jwk_of(rsa, "r1"), jwk_of(rsa2, "r2"));
    struct err e = {0};
    json_t *c = NULL;
    assert_false(jwt_names_unknown_key(t, rotated));
    assert_false(jwt_names_unknown_key("not a token", rotated));
    assert_int_equal(jwt_verify(t, rotated, &c, &e), 0);
    json_decref(c);
    /* a 1024-bit key is refused even when it signs */
    EVP_PKEY *small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    json_t *weak = json_pack("{s:[o]}", "keys", jwk_of(small, "s"));
    char *ts = sign(small, "{\"alg\":\"RS256\",\"kid\":\"s\"}", CLAIMS);
    refused(ts, weak, "unusable");
    /* a P-256 point off the curve */
    json_t *bad = json_deep_copy(jwks);
    json_t *k = json_array_get(json_object_get(bad, "keys"), 1);
    char *zero = b64((const unsigned char[32]){1}, 32);
    json_object_set_new(k, "y", json_string(zero));
    char *te = sign(ec, "{\"alg\":\"ES256\",\"kid\":\"e1\"}", CLAIMS);
    refused(te, bad, "unusable");
    /* a key meant for encryption, or for another algorithm */
    json_object_set_new(json_array_get(json_object_get(bad, "keys"), 0), "use", json_string("enc"));
    char *tr = sign(rsa, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", CLAIMS);
    refused(tr, bad, "no key");
    free(t), free(ts), free(te), free(tr), free(zero);
    EVP_PKEY_free(small);
    json_decref(rotated), json_decref(weak), json_decref(bad);
}

static void the_claims_of_an_id_token_are_checked(void **state)
{
    (void)state;
    struct jwt_expect x = {
        .issuer = "https://id.example", .client_id = "pharos", .nonce = "n-123", .now = 1700000100};
    json_t *ok = json_loads(CLAIMS, 0, NULL);
    struct err e = {0};
    assert_int_equal(jwt_claims_check(ok, &x, &e), 0);
    static const struct {
        const char *key, *json, *why;
    } cases[] = {
        {"iss", "\"https://evil.example\"", "issuer"},
        {"aud", "\"other-client\"", "aud"},
        {"aud", "[\"other\",\"pharos\"]", "azp"},
        {"exp", "1699999900", "expired"}, /* 200 s ago: past the skew */
        {"iat", "1700099999", "future"},
        {"nonce", "\"n-999\"", "nonce"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *c = json_deep_copy(ok);
        json_object_set_new(c, cases[i].key, json_loads(cases[i].json, JSON_DECODE_ANY, NULL));
        e = (struct err){0};
        assert_int_equal(jwt_claims_check(c, &x, &e), -1);
        if (!strstr(e.msg, cases[i].why)) fail_msg("%s: \"%s\"", cases[i].key, e.msg);
        json_decref(c);
    }
    /* several audiences with azp ours; a missing nonce when one is expected */
    json_t *c = json_deep_copy(ok);
    json_object_set_new(c, "aud", json_pack("[s,s]", "other", "pharos"));
    json_object_set_new(c, "azp", json_string("pharos"));
    assert_int_equal(jwt_claims_check(c, &x, &e), 0);
    json_object_del(c, "nonce");
    assert_int_equal(jwt_claims_check(c, &x, &e), -1);
    json_decref(c);
    json_decref(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rs256_and_es256_verify_and_give_their_claims),
        cmocka_unit_test(tampered_forged_and_odd_tokens_are_refused),
        cmocka_unit_test(a_rotated_key_needs_the_new_set_and_bad_keys_are_unusable),
        cmocka_unit_test(the_claims_of_an_id_token_are_checked),
    };
    return cmocka_run_group_tests_name("core/jwt", tests, setup, teardown);
}
