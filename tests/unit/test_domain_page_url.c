/*
 * Unit tests for domain/page_url: a page's public URL (its own base_url; else the
 * default page's is server.base_url, path and all, whatever its hosts; another page's
 * is server.base_url's scheme and port with its first host that is not the host of
 * server.base_url, without path; a page with neither gets server.base_url), and the
 * normal form of a base_url setting (http(s), no user, query or fragment, lower-case
 * scheme and host, no trailing '/'; refusals name base_url).
 */
#include "domain/page_url.h"
#include "testutil.h"

static void expect_url(const char *own, const char *server, bool is_default,
                       const char *const *hosts, size_t n, const char *want)
{
    char *got = page_url_public(own, server, is_default, hosts, n);
    assert_string_equal(got, want);
    free(got);
}

static void own_base_url_wins(void **state)
{
    (void)state;
    const char *hosts[] = {"b.test"};
    expect_url("https://status.c.test", "http://127.0.0.1:8080", false, hosts, 1,
               "https://status.c.test");
    expect_url("https://example.com/status", "http://127.0.0.1:8080", true, hosts, 1,
               "https://example.com/status");
}

static void default_page_uses_server_base_url_itself(void **state)
{
    (void)state;
    const char *hosts[] = {"a.test", "status.acme.test"};
    expect_url("", "http://127.0.0.1:8080", true, NULL, 0, "http://127.0.0.1:8080");
    expect_url(NULL, "https://status.example.com/pharos", true, hosts, 2,
               "https://status.example.com/pharos");
}

static void other_page_takes_scheme_and_port_with_its_first_host(void **state)
{
    (void)state;
    const char *b[] = {"b.test", "www.b.test"};
    expect_url("", "http://127.0.0.1:8080", false, b, 2, "http://b.test:8080");
    expect_url("", "https://status.example.com", false, b, 2, "https://b.test");
    expect_url("", "https://status.example.com/pharos", false, b, 2, "https://b.test");
    expect_url("", "https://status.example.com:8443/x?y#z", false, b, 2, "https://b.test:8443");
    expect_url("", "http://[::1]:9000", false, b, 2, "http://b.test:9000");
    expect_url("", "http://[::1]", false, b, 2, "http://b.test");
    const char *idn[] = {"xn--bcher-kva.example"};
    expect_url("", "http://127.0.0.1:8080", false, idn, 1, "http://xn--bcher-kva.example:8080");
}

static void server_host_is_skipped_and_no_host_falls_back(void **state)
{
    (void)state;
    /* an older database lists the server's host for page b: it still serves the default */
    const char *stale[] = {"127.0.0.1", "b.test"};
    expect_url("", "http://127.0.0.1:8080", false, stale, 2, "http://b.test:8080");
    const char *only[] = {"status.example.com"};
    expect_url("", "https://Status.Example.com", false, only, 1, "https://Status.Example.com");
    expect_url("", "http://127.0.0.1:8080", false, NULL, 0, "http://127.0.0.1:8080");
    const char *empty[] = {""};
    expect_url("", "http://127.0.0.1:8080", false, empty, 1, "http://127.0.0.1:8080");
}

static void expect_setting(const char *in, const char *want)
{
    char out[PAGE_URL_MAX + 1];
    struct err e = {0};
    if (page_url_setting(in, out, sizeof out, &e) != 0)
        fail_msg("page_url_setting(\"%s\"): %s", in, e.msg);
    assert_string_equal(out, want);
}

static void expect_refused(const char *in, const char *part)
{
    char out[PAGE_URL_MAX + 1] = "x";
    struct err e = {0};
    assert_int_equal(page_url_setting(in, out, sizeof out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(out, "");
    if (!strstr(e.msg, part) || !strstr(e.msg, "base_url"))
        fail_msg("page_url_setting(\"%s\"): \"%s\" lacks \"%s\"", in, e.msg, part);
}

static void settings_are_normalised(void **state)
{
    (void)state;
    expect_setting("", "");
    expect_setting("https://status.c.test", "https://status.c.test");
    expect_setting("https://status.c.test/", "https://status.c.test");
    expect_setting("https://status.c.test///", "https://status.c.test");
    expect_setting("HTTPS://Status.C.Test:8443/Path/", "https://status.c.test:8443/Path");
    expect_setting("http://[::1]:8080/", "http://[::1]:8080");
    expect_setting("http://b.test/status/page", "http://b.test/status/page");
}

static void bad_settings_are_refused_naming_the_field(void **state)
{
    (void)state;
    expect_refused("ftp://status.c.test", "starts with https://");
    expect_refused("status.c.test", "starts with https://");
    expect_refused("javascript:alert(1)", "starts with https://");
    expect_refused("https://", "must name a host");
    expect_refused("https:///x", "must name a host");
    expect_refused("https://user:pw@status.c.test", "user name or password");
    expect_refused("https://user@status.c.test", "user name or password");
    expect_refused("https://status.c.test/?x=1", "query");
    expect_refused("https://status.c.test?x", "query");
    expect_refused("https://status.c.test/#top", "fragment");
    expect_refused("https://status.c.test/a b", "spaces");
    expect_refused("https://status.c.test:0", "port");
    expect_refused("https://status.c.test\r\nX: y", "control");
    char huge[PAGE_URL_MAX + 20];
    memset(huge, 'a', sizeof huge - 1);
    memcpy(huge, "https://", 8);
    huge[sizeof huge - 1] = '\0';
    expect_refused(huge, "at most");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(own_base_url_wins),
        cmocka_unit_test(default_page_uses_server_base_url_itself),
        cmocka_unit_test(other_page_takes_scheme_and_port_with_its_first_host),
        cmocka_unit_test(server_host_is_skipped_and_no_host_falls_back),
        cmocka_unit_test(settings_are_normalised),
        cmocka_unit_test(bad_settings_are_refused_naming_the_field),
    };
    return cmocka_run_group_tests_name("domain/page_url", tests, NULL, NULL);
}
