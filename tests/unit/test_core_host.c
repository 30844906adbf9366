/*
 * Unit tests for core/host: the normal form of an assigned host (lower case, no
 * trailing dot, Unicode as A-labels, LDH labels; a port, scheme or bad label is a
 * 400 quoting the host) and of a request's Host header (port dropped, the same
 * normal form, "" for what is no host name, IPv6 literals kept in brackets).
 */
#include "core/host.h"
#include "testutil.h"

static void expect_norm(const char *in, const char *want)
{
    char out[HOST_MAX];
    struct err e = {0};
    if (host_normalize(in, out, sizeof out, &e) != 0)
        fail_msg("host_normalize(\"%s\"): %s", in, e.msg);
    assert_string_equal(out, want);
}

static void expect_refused(const char *in, const char *part)
{
    char out[HOST_MAX] = "x";
    struct err e = {0};
    assert_int_equal(host_normalize(in, out, sizeof out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(out, "");
    if (!strstr(e.msg, part))
        fail_msg("host_normalize(\"%s\"): \"%s\" lacks \"%s\"", in, e.msg, part);
}

static void expect_header(const char *value, const char *want)
{
    char out[HOST_MAX];
    host_from_header(value, out, sizeof out);
    assert_string_equal(out, want);
}

static void ascii_names_are_lowered_without_the_root_dot(void **state)
{
    (void)state;
    expect_norm("status.example.com", "status.example.com");
    expect_norm("Status.EXAMPLE.com", "status.example.com");
    expect_norm("B.TEST.", "b.test");
    expect_norm("127.0.0.1", "127.0.0.1");
    expect_norm("localhost", "localhost");
    expect_norm("r3---sn-x.example", "r3---sn-x.example"); /* not an IDN: libidn2 never sees it */
    char long_label[64 + 3];
    memset(long_label, 'a', 63);
    strcpy(long_label + 63, ".x");
    expect_norm(long_label, long_label);
}

static void unicode_names_become_a_labels(void **state)
{
    (void)state;
    expect_norm("Bücher.Example", "xn--bcher-kva.example");
    expect_norm("bücher.example.", "xn--bcher-kva.example");
    expect_norm("BÜCHER.example", "xn--bcher-kva.example");
    expect_norm("straße.de", "xn--strae-oqa.de"); /* non-transitional: ß stays ß */
    expect_norm("xn--bcher-kva.example", "xn--bcher-kva.example");
    expect_norm("XN--BCHER-KVA.Example", "xn--bcher-kva.example");
    /* NFC: u + combining diaeresis is ü */
    expect_norm("bu\xcc\x88"
                "cher.example",
                "xn--bcher-kva.example");
}

static void what_is_no_host_name_is_refused_naming_it(void **state)
{
    (void)state;
    expect_refused("status.example.com:8080", "host \"status.example.com:8080\" must be a DNS "
                                              "name without port or scheme");
    expect_refused("https://status.example.com", "without port or scheme");
    expect_refused("user@example.com", "without port or scheme");
    expect_refused("[::1]", "without port or scheme");
    expect_refused("", "is not a valid DNS name: it is empty");
    expect_refused(".", "a label is empty");
    expect_refused("a..b", "host \"a..b\" is not a valid DNS name: a label is empty");
    expect_refused(".a.b", "a label is empty");
    expect_refused("b.test..", "a label is empty");
    expect_refused("-a.example", "starts or ends with '-'");
    expect_refused("a-.example", "starts or ends with '-'");
    expect_refused("a_b.example", "only letters, digits");
    expect_refused("a b.example", "only letters, digits");
    expect_refused("xn--a.example", "xn-- label");
    expect_refused("\xe2\x98\x83.example", "host \"\xe2\x98\x83.example\""); /* ☃: disallowed */
    expect_refused("bad\xff.example", "not UTF-8");
    char long_label[64 + 3];
    memset(long_label, 'a', 64);
    strcpy(long_label + 64, ".x");
    expect_refused(long_label, "longer than 63");
    char long_name[300];
    for (int i = 0; i < 100; i++)
        memcpy(long_name + 3 * i, "ab.", 3);
    strcpy(long_name + 297, "ab");
    expect_refused(long_name, "longer than 253");
}

static void request_hosts_lose_the_port_and_match_stored_ones(void **state)
{
    (void)state;
    expect_header("B.Test.:8080", "b.test");
    expect_header("b.test", "b.test");
    expect_header("127.0.0.1:9000", "127.0.0.1");
    expect_header("bücher.example.:80", "xn--bcher-kva.example");
    expect_header("XN--BCHER-KVA.example", "xn--bcher-kva.example");
    expect_header("[::1]:8080", "[::1]");
    expect_header("[FE80::1]", "[fe80::1]");
    expect_header(NULL, "");
    expect_header("", "");
    expect_header(":8080", "");
    expect_header("[::1", "");
    expect_header("\xe2\x98\x83.example", ""); /* no host name: the default page */
    expect_header("caf\xe9.example", "");      /* Latin-1, not UTF-8 */
    char huge[400];
    memset(huge, 'a', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    expect_header(huge, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ascii_names_are_lowered_without_the_root_dot),
        cmocka_unit_test(unicode_names_become_a_labels),
        cmocka_unit_test(what_is_no_host_name_is_refused_naming_it),
        cmocka_unit_test(request_hosts_lose_the_port_and_match_stored_ones),
    };
    return cmocka_run_group_tests_name("core/host", tests, NULL, NULL);
}
