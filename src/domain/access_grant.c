/*
 * access_grant — page access cookies. See the header.
 */
#include "domain/access_grant.h"
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void page_access_fingerprint(const char *hash, char out[PAGE_ACCESS_FP_MAX])
{
    char hex[TOKEN_HASH_HEX];
    secret_token_hash(hash ? hash : "", hex);
    snprintf(out, PAGE_ACCESS_FP_MAX, "pw:%.22s", hex);
}

void page_access_sso_grant(const char *domains, char out[PAGE_ACCESS_FP_MAX])
{
    char hex[TOKEN_HASH_HEX];
    secret_token_hash(domains ? domains : "", hex);
    snprintf(out, PAGE_ACCESS_FP_MAX, "sso:%.22s", hex);
}

void page_access_cookie(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id, const char *fp,
                        int64_t expires, char out[PAGE_ACCESS_COOKIE_MAX])
{
    char msg[128], mac[32];
    assert(fp && strlen(fp) < PAGE_ACCESS_FP_MAX);
    snprintf(msg, sizeof msg, "page-access:%" PRId64 ":%" PRId64 ":%s", page_id, expires, fp);
    secret_mac_b64(key, msg, mac, sizeof mac);
    snprintf(out, PAGE_ACCESS_COOKIE_MAX, "%" PRId64 ".%" PRId64 ".%s", page_id, expires, mac);
}

bool page_access_cookie_ok(const unsigned char key[SECRET_KEY_BYTES], int64_t page_id,
                           const char *fp, const char *cookie, int64_t now)
{
    if (!cookie || strlen(cookie) >= PAGE_ACCESS_COOKIE_MAX) return false;
    char *end;
    long long page = strtoll(cookie, &end, 10);
    if (*end != '.' || page != page_id) return false;
    long long expires = strtoll(end + 1, &end, 10);
    if (*end != '.' || expires <= now || expires > now + PAGE_ACCESS_TTL_S + 60) return false;
    char want[PAGE_ACCESS_COOKIE_MAX];
    page_access_cookie(key, page_id, fp, expires, want);
    return secret_equal(cookie, want);
}
