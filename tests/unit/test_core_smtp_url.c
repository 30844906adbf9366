/* Unit tests for core/smtp_url: the forms email.smtp_url takes, and the ones refused. */
#include "core/smtp_url.h"
#include "testutil.h"

static void parses_host_port_and_tls(void **state)
{
    (void)state;
    struct smtp_url u;
    assert_int_equal(smtp_url_parse("smtp://mail.example.com", &u), 0);
    assert_string_equal(u.host, "mail.example.com");
    assert_int_equal(u.port, 25);
    assert_false(u.implicit_tls);
    assert_int_equal(smtp_url_parse("SMTPS://relay.example.com:2465/", &u), 0);
    assert_string_equal(u.host, "relay.example.com");
    assert_int_equal(u.port, 2465);
    assert_true(u.implicit_tls);
    assert_int_equal(smtp_url_parse("smtps://10.0.0.5", &u), 0);
    assert_int_equal(u.port, 465);
    assert_int_equal(smtp_url_parse("smtp://[::1]:587", &u), 0);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 587);
}

static void refuses_what_is_not_smtp_host_port(void **state)
{
    (void)state;
    struct smtp_url u;
    const char *bad[] = {"mail.example.com:587",
                         "http://mail.example.com",
                         "smtp://",
                         "smtp://:25",
                         "smtp://host:0",
                         "smtp://host:65536",
                         "smtp://host:25x",
                         "smtp://user:pw@host",
                         "smtp://host/x",
                         "smtp://[::1",
                         "smtp://ho st",
                         "smtp://host?x=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(smtp_url_parse(bad[i], &u), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_host_port_and_tls),
        cmocka_unit_test(refuses_what_is_not_smtp_host_port),
    };
    return cmocka_run_group_tests_name("core/smtp_url", tests, NULL, NULL);
}
