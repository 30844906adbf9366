/*
 * access_grant — the access cookie of a page that asks for a password or an SSO sign-in
 * (SPEC §16). It is derived, not stored: "<PAGE>.<EXPIRES>.<MAC>", the MAC (HMAC-SHA256
 * under the server's secret key, as app/subscribe_token.h's links) over the page, the
 * expiry and the grant — what the visitor proved:
 *   "pw:"  + a fingerprint of the page's password hash: a new password (a new hash, with
 *            its own salt) changes it, so every cookie given before stops working;
 *   "sso:" + a fingerprint of the allowed e-mail domains: a sign-in with OpenID Connect,
 *            good until those domains change.
 * Pure functions.
 */
#ifndef PHAROS_ACCESS_GRANT_H
#define PHAROS_ACCESS_GRANT_H
#include "core/secret.h"
#include <stdbool.h>
#include <stdint.h>

enum {
    PAGE_ACCESS_COOKIE_MAX = 96,
    PAGE_ACCESS_TTL_S = 7 * 24 * 3600, /* how long a password visitor stays in */
    PAGE_ACCESS_SSO_TTL_S = 12 * 3600, /* and one signed in with SSO (a console session's) */
    PAGE_ACCESS_FP_MAX = 32,           /* a grant, with its NUL */
};

#define PAGE_ACCESS_COOKIE "pharos_access"

/* The grant of a page whose password has the hash HASH into OUT. */
void page_access_fingerprint(const char *hash, char out[PAGE_ACCESS_FP_MAX]);
/* The grant of an SSO sign-in while the allowed e-mail domains are DOMAINS (the setting's
 * text; NULL as "") into OUT. */
void page_access_sso_grant(const char *domains, char out[PAGE_ACCESS_FP_MAX]);
/* The access cookie value for PAGE_ID with grant FP, valid until EXPIRES. */
void page_access_cookie(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id, const char *fp,
                        int64_t expires, char out[PAGE_ACCESS_COOKIE_MAX]);
/* True when COOKIE (may be NULL) is page_access_cookie(KEY, PAGE_ID, FP, t) for a t after NOW. */
bool page_access_cookie_ok(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id,
                           const char *fp, const char *cookie, int64_t now);

#endif
