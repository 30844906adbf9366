/*
 * Unit tests for core/sign against published vectors: the worked example of
 * Twitter's "Creating a signature" (OAuth 1.0a HMAC-SHA1,
 * developer.x.com/en/docs/authentication/oauth-1-0a/creating-a-signature), the
 * example of Twilio's "Secure webhooks" page (auth token 12345), RFC 3986
 * percent-encoding, the Authorization header's shape, and the webhook's HMAC-SHA256
 * (RFC 4231 test case 2).
 */
#include "core/sign.h"
#include "core/urlform.h"
#include "testutil.h"

static void test_twitter_worked_example(void **state)
{
    (void)state;
    const struct kv p[] = {
        {"status", "Hello Ladies + Gentlemen, a signed OAuth request!"},
        {"include_entities", "true"},
        {"oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"},
        {"oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"},
        {"oauth_signature_method", "HMAC-SHA1"},
        {"oauth_timestamp", "1318622958"},
        {"oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"},
        {"oauth_version", "1.0"},
    };
    char *sig = sign_oauth1("POST", "https://api.twitter.com/1.1/statuses/update.json", p, 8,
                            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE");
    assert_string_equal(sig, "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
    free(sig);
}

static void test_twitter_header_carries_the_same_signature(void **state)
{
    (void)state;
    const struct kv extra[] = {{"status", "Hello Ladies + Gentlemen, a signed OAuth request!"},
                               {"include_entities", "true"}};
    char *h =
        sign_oauth1_header("POST", "https://api.twitter.com/1.1/statuses/update.json", extra, 2,
                           "xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                           "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                           "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
                           "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "1318622958");
    assert_string_equal(
        h, "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", "
           "oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", "
           "oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", "
           "oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", "
           "oauth_version=\"1.0\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\"");
    free(h);
}

static void test_percent_encoding(void **state)
{
    (void)state;
    char *s = url_pct_encode("Ladies + Gentlemen, a signed OAuth request!~-._ é");
    assert_string_equal(
        s, "Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21~-._%20%C3%A9");
    free(s);
}

static void test_twilio_docs_example(void **state)
{
    (void)state;
    const struct kv p[] = {
        {"To", "+18005551212"},           {"From", "+12349013030"},   {"Digits", "1234"},
        {"CallSid", "CA1234567890ABCDE"}, {"Caller", "+12349013030"},
    };
    char *sig = sign_twilio("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", p, 5);
    assert_string_equal(sig, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    free(sig);
    sig = sign_twilio("12346", "https://mycompany.com/myapp.php?foo=1&bar=2", p, 5);
    assert_string_not_equal(sig, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    free(sig);
}

static void test_webhook_hmac_sha256_rfc4231(void **state)
{
    (void)state;
    const char *body = "what do ya want for nothing?";
    char *sig = sign_webhook("Jefe", body, strlen(body));
    assert_string_equal(sig,
                        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    free(sig);
}

static void test_nonce(void **state)
{
    (void)state;
    char a[33], b[33];
    sign_nonce(a);
    sign_nonce(b);
    assert_int_equal(strlen(a), 32);
    assert_string_not_equal(a, b);
    for (int i = 0; i < 32; i++)
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", a[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twitter_worked_example),
        cmocka_unit_test(test_twitter_header_carries_the_same_signature),
        cmocka_unit_test(test_percent_encoding),
        cmocka_unit_test(test_twilio_docs_example),
        cmocka_unit_test(test_webhook_hmac_sha256_rfc4231),
        cmocka_unit_test(test_nonce),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
