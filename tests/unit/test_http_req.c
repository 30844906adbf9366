/*
 * Unit tests for http/req: which Accept-Encoding values accept gzip (RFC 9110
 * 12.5.3): weights, x-gzip, "*", case and blanks, and look-alike codings.
 */
#include "http/req.h"
#include "testutil.h"

static void gzip_listed_is_accepted(void **state)
{
    (void)state;
    assert_true(req_gzip_accepted("gzip"));
    assert_true(req_gzip_accepted("gzip, deflate, br"));
    assert_true(req_gzip_accepted("br;q=1.0, GZIP;q=0.5"));
    assert_true(req_gzip_accepted("deflate,x-gzip"));
    assert_true(req_gzip_accepted("gzip ; q=0.001"));
    assert_true(req_gzip_accepted("  gzip\t,identity"));
}

static void gzip_refused_or_absent_is_not(void **state)
{
    (void)state;
    assert_false(req_gzip_accepted(NULL));
    assert_false(req_gzip_accepted(""));
    assert_false(req_gzip_accepted("identity"));
    assert_false(req_gzip_accepted("br, deflate"));
    assert_false(req_gzip_accepted("gzip;q=0"));
    assert_false(req_gzip_accepted("gzip;q=0.000, br"));
    assert_false(req_gzip_accepted("GZIP; Q=0"));
    assert_false(req_gzip_accepted("x-gzipped, gzipx, agzip"));
    /* a weight belongs to its own element only */
    assert_true(req_gzip_accepted("gzip, br;q=0"));
    assert_false(req_gzip_accepted("gzip;q=0, br;q=1"));
}

static void star_stands_for_unlisted_codings(void **state)
{
    (void)state;
    assert_true(req_gzip_accepted("*"));
    assert_true(req_gzip_accepted("br, *;q=0.1"));
    assert_false(req_gzip_accepted("*;q=0"));
    assert_false(req_gzip_accepted("gzip;q=0, *"));
    assert_true(req_gzip_accepted("*;q=0, gzip"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gzip_listed_is_accepted),
        cmocka_unit_test(gzip_refused_or_absent_is_not),
        cmocka_unit_test(star_stands_for_unlisted_codings),
    };
    return cmocka_run_group_tests_name("http/req", tests, NULL, NULL);
}
