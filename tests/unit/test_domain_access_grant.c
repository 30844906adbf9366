/*
 * Unit tests for domain/access_grant (SPEC §16): an access cookie checks for its page,
 * grant (a password's, an SSO sign-in's for the allowed domains) and key until it expires; another
 * page, grant (a new password) or key, a later expiry written in, a forged MAC, an expiry further
 * ahead than a cookie is ever given for, and junk all fail.
 */
#include "domain/access_grant.h"
#include "testutil.h"
#include <string.h>

static void cookies_check_only_for_what_they_were_given(void **state)
{
    (void)state;
    unsigned char key[SECRET_KEY_BYTES] = {1, 2, 3}, other[SECRET_KEY_BYTES] = {9};
    char fp[PAGE_ACCESS_FP_MAX], fp2[PAGE_ACCESS_FP_MAX], c[PAGE_ACCESS_COOKIE_MAX];
    page_access_fingerprint("$argon2id$v=19$one", fp);
    page_access_fingerprint("$argon2id$v=19$two", fp2);
    assert_int_equal(strlen(fp), 3 + 22);
    assert_int_equal(strncmp(fp, "pw:", 3), 0);
    assert_string_not_equal(fp, fp2);
    char sso[PAGE_ACCESS_FP_MAX], sso2[PAGE_ACCESS_FP_MAX];
    page_access_sso_grant("example.com", sso);
    page_access_sso_grant("example.com,other.org", sso2);
    assert_int_equal(strncmp(sso, "sso:", 4), 0);
    assert_string_not_equal(sso, sso2);
    int64_t now = 1800000000;
    page_access_cookie(key, 7, fp, now + 3600, c);
    assert_true(page_access_cookie_ok(key, 7, fp, c, now));
    assert_false(page_access_cookie_ok(key, 7, fp, c, now + 3600)); /* expired */
    assert_false(page_access_cookie_ok(key, 8, fp, c, now));
    assert_false(page_access_cookie_ok(key, 7, fp2, c, now));
    assert_false(page_access_cookie_ok(key, 7, sso, c, now)); /* a password is no sign-in */
    char s1[PAGE_ACCESS_COOKIE_MAX];
    page_access_cookie(key, 7, sso, now + 60, s1);
    assert_true(page_access_cookie_ok(key, 7, sso, s1, now));
    assert_false(page_access_cookie_ok(key, 7, sso2, s1, now)); /* the domains changed */
    assert_false(page_access_cookie_ok(other, 7, fp, c, now));
    char forged[PAGE_ACCESS_COOKIE_MAX];
    snprintf(forged, sizeof forged, "7.%lld.%s", (long long)now + 7200, strrchr(c, '.') + 1);
    assert_false(page_access_cookie_ok(key, 7, fp, forged, now));
    page_access_cookie(key, 7, fp, now + PAGE_ACCESS_TTL_S * 10, c);
    assert_false(page_access_cookie_ok(key, 7, fp, c, now)); /* never given that long */
    assert_false(page_access_cookie_ok(key, 7, fp, NULL, now));
    assert_false(page_access_cookie_ok(key, 7, fp, "", now));
    assert_false(page_access_cookie_ok(key, 7, fp, "7..", now));
    assert_false(page_access_cookie_ok(key, 7, fp, "x.y.z", now));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cookies_check_only_for_what_they_were_given),
    };
    return cmocka_run_group_tests_name("domain/access_grant", tests, NULL, NULL);
}
