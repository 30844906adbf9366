/*
 * Unit tests for domain/visibility (SPEC §16): the five names round-trip and nothing
 * else parses; CIDR blocks parse in both families with and without a prefix, refuse
 * junk, out-of-range prefixes and bits past the prefix (naming the block meant); a
 * list matches addresses inside its blocks only, IPv4-mapped IPv6 clients as IPv4.
 */
#include "domain/visibility.h"
#include "testutil.h"
#include <string.h>

static void names_round_trip(void **state)
{
    (void)state;
    const char *all[] = {"public", "password", "members", "sso", "ip"};
    for (int i = 0; i < 5; i++) {
        enum visibility v = VIS_PUBLIC;
        assert_int_equal(visibility_parse(all[i], &v), 0);
        assert_int_equal(v, i);
        assert_string_equal(visibility_name(v), all[i]);
    }
    enum visibility v = VIS_IP;
    assert_int_equal(visibility_parse("private", &v), -1);
    assert_int_equal(visibility_parse("Public", &v), -1);
    assert_int_equal(visibility_parse("", &v), -1);
    assert_int_equal(visibility_parse(NULL, &v), -1);
    assert_int_equal(v, VIS_IP);
}

static void blocks_parse_and_print_in_normal_form(void **state)
{
    (void)state;
    struct {
        const char *in, *out;
    } ok[] = {{"10.0.0.0/8", "10.0.0.0/8"},
              {"192.0.2.7", "192.0.2.7/32"},
              {"0.0.0.0/0", "0.0.0.0/0"},
              {"2001:db8::/32", "2001:db8::/32"},
              {"2001:0db8:0000::/48", "2001:db8::/48"},
              {"::1", "::1/128"},
              {"::ffff:192.0.2.0/24", "192.0.2.0/24"}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct cidr c;
        char why[200] = "", buf[CIDR_TEXT_MAX];
        assert_int_equal(cidr_parse(ok[i].in, &c, why, sizeof why), 0);
        cidr_format(&c, buf);
        assert_string_equal(buf, ok[i].out);
    }
}

static void bad_blocks_are_refused_with_a_reason(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "/8",
                         "10.0.0.0/",
                         "10.0.0.0/33",
                         "10.0.0.0/-1",
                         "10.0.0.0/+8",
                         "10.0.0.0/8x",
                         "127.1",
                         "010.0.0.1",
                         "example.com",
                         "::1/129",
                         "1.2.3.4/8/8",
                         "1.2.3.4 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct cidr c;
        char why[200] = "";
        assert_int_equal(cidr_parse(bad[i], &c, why, sizeof why), -1);
        assert_true(strlen(why) > 10);
    }
    struct cidr c;
    char why[200] = "";
    assert_int_equal(cidr_parse("10.1.0.0/8", &c, why, sizeof why), -1);
    assert_non_null(strstr(why, "did you mean 10.0.0.0/8?"));
    assert_int_equal(cidr_parse("2001:db8::1/64", &c, why, sizeof why), -1);
    assert_non_null(strstr(why, "2001:db8::/64"));
}

static void lists_match_only_inside_their_blocks(void **state)
{
    (void)state;
    struct cidr list[3];
    char why[200];
    assert_int_equal(cidr_parse("10.0.0.0/8", &list[0], why, sizeof why), 0);
    assert_int_equal(cidr_parse("192.0.2.128/25", &list[1], why, sizeof why), 0);
    assert_int_equal(cidr_parse("2001:db8::/32", &list[2], why, sizeof why), 0);
    assert_true(cidr_list_match(list, 3, "10.255.1.2"));
    assert_true(cidr_list_match(list, 3, "192.0.2.200"));
    assert_false(cidr_list_match(list, 3, "192.0.2.127"));
    assert_false(cidr_list_match(list, 3, "11.0.0.1"));
    assert_true(cidr_list_match(list, 3, "2001:db8:1::5"));
    assert_false(cidr_list_match(list, 3, "2001:db9::5"));
    assert_true(cidr_list_match(list, 3, "::ffff:10.1.2.3"));
    assert_false(cidr_list_match(list, 3, "not an address"));
    assert_false(cidr_list_match(list, 3, NULL));
    assert_false(cidr_list_match(list, 0, "10.0.0.1"));
    struct cidr any;
    assert_int_equal(cidr_parse("0.0.0.0/0", &any, why, sizeof why), 0);
    assert_true(cidr_list_match(&any, 1, "203.0.113.9"));
    assert_false(cidr_list_match(&any, 1, "::1")); /* a family of its own */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(blocks_parse_and_print_in_normal_form),
        cmocka_unit_test(bad_blocks_are_refused_with_a_reason),
        cmocka_unit_test(lists_match_only_inside_their_blocks),
    };
    return cmocka_run_group_tests_name("domain/visibility", tests, NULL, NULL);
}
