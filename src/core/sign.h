/*
 * sign — the request signatures of the providers (OpenSSL libcrypto for
 * HMAC-SHA1, which libsodium lacks):
 *
 *  - OAuth 1.0a HMAC-SHA1 (Twitter): signature base string "METHOD&URL&PARAMS"
 *    with every key and value percent-encoded per RFC 3986, sorted by key then
 *    value; key "consumer_secret&token_secret". Verified against the worked
 *    example of Twitter's "Creating a signature" (tests/unit/test_notify_sign.c).
 *  - Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the full URL followed by
 *    each POST parameter's name and value, sorted by name, keyed by the auth token.
 *  - Our webhooks' X-Pharos-Signature: "sha256=" + hex HMAC-SHA256 of the body.
 * Pure functions; results are malloc'd (never NULL) unless said otherwise.
 */
#ifndef PHAROS_NOTIFY_SIGN_H
#define PHAROS_NOTIFY_SIGN_H
#include <stddef.h>

struct kv {
    const char *k, *v;
};

/* The base64 OAuth 1.0a HMAC-SHA1 signature of a request: METHOD, URL without query,
 * PARAMS (N of them: query, form and oauth_* parameters, unencoded). TOKEN_SECRET may
 * be NULL (request_token). */
char *sign_oauth1(const char *method, const char *url, const struct kv *params, size_t n,
                  const char *consumer_secret, const char *token_secret);

/* The value of an "Authorization: OAuth …" header for METHOD URL with the request's
 * own parameters EXTRA (N of them, signed but not put in the header unless their name
 * starts with oauth_). TOKEN and TOKEN_SECRET may be NULL. NONCE and TIMESTAMP are
 * given so tests can fix them (sign_nonce() makes one). */
char *sign_oauth1_header(const char *method, const char *url, const struct kv *extra, size_t n,
                         const char *consumer_key, const char *consumer_secret, const char *token,
                         const char *token_secret, const char *nonce, const char *timestamp);
/* A random 32-character alphanumeric nonce into OUT. */
void sign_nonce(char out[33]);

/* Twilio's signature of URL with the form PARAMS (N, any order). */
char *sign_twilio(const char *auth_token, const char *url, const struct kv *params, size_t n);

/* "sha256=" + hex HMAC-SHA256 of LEN bytes of BODY with SECRET. */
char *sign_webhook(const char *secret, const char *body, size_t len);

#endif
