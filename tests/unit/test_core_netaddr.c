/*
 * Unit tests for core/netaddr: private and public addresses as host strings
 * and as socket addresses, and http(s) URL host extraction.
 */
#include "core/netaddr.h"
#include "testutil.h"
#include <arpa/inet.h>
#include <netinet/in.h>

static void private_ipv4_literals(void **state)
{
    (void)state;
    const char *priv[] = {"127.0.0.1", "127.255.255.254", "10.0.0.1", "10.255.255.255",
                          "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                          "0.0.0.0", "0.1.2.3", "100.64.0.1", "224.0.0.1", "255.255.255.255",
                          /* forms the resolver accepts too */
                          "127.1", "0x7f.1", "0x7f000001", "2130706433", "017700000001", "0",
                          "127.0.0.1.", NULL};
    for (int i = 0; priv[i]; i++)
        if (!netaddr_host_is_private(priv[i])) fail_msg("%s should be private", priv[i]);
}

static void public_ipv4_literals_and_names(void **state)
{
    (void)state;
    const char *pub[] = {"8.8.8.8",         "1.1.1.1",
                         "172.15.255.255",  "172.32.0.1",
                         "192.169.0.1",     "169.255.0.1",
                         "100.128.0.1",     "11.0.0.1",
                         "93.184.216.34",   "example.com",
                         "hooks.slack.com", "127.0.0.1.nip.io",
                         "cafe.be",         "localhost.example.com",
                         "mylocalhost",     NULL};
    for (int i = 0; pub[i]; i++)
        if (netaddr_host_is_private(pub[i])) fail_msg("%s should be public", pub[i]);
}

static void localhost_names(void **state)
{
    (void)state;
    assert_true(netaddr_host_is_private("localhost"));
    assert_true(netaddr_host_is_private("LOCALHOST"));
    assert_true(netaddr_host_is_private("localhost."));
    assert_true(netaddr_host_is_private("api.localhost"));
    assert_true(netaddr_host_is_private(""));
}

static void ipv6_literals(void **state)
{
    (void)state;
    const char *priv[] = {"::1",
                          "[::1]",
                          "::",
                          "fc00::1",
                          "fd12:3456::1",
                          "fe80::1",
                          "fe80::1%eth0",
                          "[fe80::1%25eth0]",
                          "febf::1",
                          "fec0::1",
                          "ff02::1",
                          "::ffff:127.0.0.1",
                          "::ffff:10.1.2.3",
                          "::ffff:7f00:1",
                          "::127.0.0.1",
                          "64:ff9b::10.0.0.1",
                          "2002:c0a8:0101::1",
                          "0:0:0:0:0:0:0:1",
                          NULL};
    for (int i = 0; priv[i]; i++)
        if (!netaddr_host_is_private(priv[i])) fail_msg("%s should be private", priv[i]);
    const char *pub[] = {
        "2001:4860:4860::8888", "[2606:4700::1111]", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8",
        "2002:0808:0808::1",    "fbff::1",           "fe00::1",        NULL};
    for (int i = 0; pub[i]; i++)
        if (netaddr_host_is_private(pub[i])) fail_msg("%s should be public", pub[i]);
}

static void sockaddrs(void **state)
{
    (void)state;
    struct sockaddr_in a4 = {.sin_family = AF_INET};
    inet_pton(AF_INET, "192.168.0.10", &a4.sin_addr);
    assert_true(netaddr_sockaddr_is_private((struct sockaddr *)&a4));
    inet_pton(AF_INET, "203.0.113.9", &a4.sin_addr);
    assert_false(netaddr_sockaddr_is_private((struct sockaddr *)&a4));

    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "::ffff:169.254.169.254", &a6.sin6_addr);
    assert_true(netaddr_sockaddr_is_private((struct sockaddr *)&a6));
    inet_pton(AF_INET6, "2001:db8::1", &a6.sin6_addr);
    assert_false(netaddr_sockaddr_is_private((struct sockaddr *)&a6));

    struct sockaddr other = {.sa_family = AF_UNIX};
    assert_true(netaddr_sockaddr_is_private(&other));
    assert_true(netaddr_sockaddr_is_private(NULL));
}

static void url_hosts(void **state)
{
    (void)state;
    char host[256];
    int port = 0;
    struct err e = {0};
    assert_int_equal(netaddr_url_host("url", "https://Hooks.Slack.com/services/T/B/x", host,
                                      sizeof host, &port, &e),
                     0);
    assert_string_equal(host, "hooks.slack.com");
    assert_int_equal(port, 443);
    assert_int_equal(
        netaddr_url_host("url", "http://127.0.0.1:8080?x=1", host, sizeof host, &port, &e), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 8080);
    assert_int_equal(netaddr_url_host("url", "HTTP://[::1]:9/p#f", host, sizeof host, &port, &e),
                     0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 9);
    assert_int_equal(netaddr_url_host("url", "http://example.com", host, sizeof host, NULL, &e), 0);
    assert_string_equal(host, "example.com");

    const char *bad[] = {"ftp://example.com/",
                         "example.com",
                         "https://",
                         "https:///path",
                         "https://user:pw@example.com/",
                         "https://example.com:0/",
                         "https://example.com:65536/",
                         "https://example.com:/",
                         "https://example.com:80x/",
                         "https://exa mple.com/",
                         "https://example.com/a b",
                         "https://[::1/",
                         "https://[::1]x/",
                         "https://ex%41mple.com/",
                         "https://example.com\n",
                         "javascript:alert(1)",
                         NULL};
    for (int i = 0; bad[i]; i++) {
        e.code = ERR_OK;
        if (netaddr_url_host("url", bad[i], host, sizeof host, &port, &e) != -1)
            fail_msg("%s should be refused", bad[i]);
        assert_int_equal(e.code, ERR_INVALID);
        assert_non_null(strstr(e.msg, "url"));
    }
}

static void url_check(void **state)
{
    (void)state;
    struct err e = {0};
    assert_int_equal(netaddr_check_url("url", "https://example.com/hook", false, &e), 0);
    assert_int_equal(netaddr_check_url("url", "http://127.0.0.1:9000/hook", false, &e), -1);
    assert_non_null(strstr(e.msg, "allow_private_targets"));
    assert_int_equal(netaddr_check_url("url", "http://localhost/hook", false, &e), -1);
    assert_int_equal(netaddr_check_url("url", "http://[fd00::1]/hook", false, &e), -1);
    assert_int_equal(netaddr_check_url("url", "http://127.0.0.1:9000/hook", true, &e), 0);
    assert_int_equal(netaddr_check_url("url", "ftp://127.0.0.1/", true, &e), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(private_ipv4_literals),
        cmocka_unit_test(public_ipv4_literals_and_names),
        cmocka_unit_test(localhost_names),
        cmocka_unit_test(ipv6_literals),
        cmocka_unit_test(sockaddrs),
        cmocka_unit_test(url_hosts),
        cmocka_unit_test(url_check),
    };
    return cmocka_run_group_tests_name("core/netaddr", tests, NULL, NULL);
}
