/*
 * Unit tests for domain/monitor (SPEC §14): kinds and states parse and print; expected
 * status ranges parse ("200-399", "200,204") and match, and bad ones are refused with a
 * reason; each kind's target shape is checked (URLs, HOST:PORT with IPv6 in brackets,
 * host names); the state step goes down after exactly failures_before consecutive
 * failures, up after exactly successes_before successes, a success in between resets
 * the count, and a first success makes an unknown monitor up without a flip.
 */
#include "domain/monitor.h"
#include "testutil.h"

static void kinds_and_states_round_trip(void **state)
{
    (void)state;
    for (int k = 0; k < MON_KIND_COUNT; k++) {
        enum monitor_kind got;
        assert_int_equal(monitor_kind_parse(monitor_kind_name((enum monitor_kind)k), &got), 0);
        assert_int_equal(got, k);
    }
    enum monitor_kind k;
    assert_int_equal(monitor_kind_parse("icmp", &k), -1);
    assert_int_equal(monitor_kind_parse("HTTP", &k), -1);
    enum monitor_state s;
    assert_int_equal(monitor_state_parse("down", &s), 0);
    assert_int_equal(s, MSTATE_DOWN);
    assert_string_equal(monitor_state_name(MSTATE_UNKNOWN), "unknown");
    assert_int_equal(monitor_state_parse("sideways", &s), -1);
}

static void expected_statuses_parse_and_match(void **state)
{
    (void)state;
    struct monitor_expect x;
    char why[128];
    assert_int_equal(monitor_expect_parse("200-399", &x, why, sizeof why), 0);
    assert_true(monitor_expect_match(&x, 200));
    assert_true(monitor_expect_match(&x, 399));
    assert_false(monitor_expect_match(&x, 404));
    assert_false(monitor_expect_match(&x, 199));
    assert_int_equal(monitor_expect_parse("200, 204,300-302", &x, why, sizeof why), 0);
    assert_int_equal(x.n, 3);
    assert_true(monitor_expect_match(&x, 204));
    assert_false(monitor_expect_match(&x, 201));
    assert_true(monitor_expect_match(&x, 301));
    char buf[64];
    assert_string_equal(monitor_expect_format(&x, buf, sizeof buf), "200,204,300-302");
    static const char *const bad[] = {
        "",     "2xx",      "399-200", "600",
        "200-", "200,,204", "99",      "200,201,202,203,204,205,206,207,208"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        assert_int_equal(monitor_expect_parse(bad[i], &x, why, sizeof why), -1);
        assert_true(why[0] != '\0');
    }
}

static void targets_have_their_kinds_shape(void **state)
{
    (void)state;
    char why[160];
    static const struct {
        enum monitor_kind k;
        const char *t;
        bool ok;
    } cases[] = {
        {MON_HTTP, "https://api.example.com/health?x=1", true},
        {MON_HTTP, "http://127.0.0.1:8080/", true},
        {MON_HTTP, "http://[::1]:8080/x", true},
        {MON_HTTP, "ftp://example.com/", false},
        {MON_HTTP, "https://", false},
        {MON_HTTP, "https://user@example.com/", false},
        {MON_HTTP, "https://exa mple.com/", false},
        {MON_HTTP, "https://example.com:99999/", false},
        {MON_TCP, "db.example.com:5432", true},
        {MON_TCP, "[2001:db8::1]:22", true},
        {MON_TCP, "db.example.com", false},
        {MON_TCP, "db.example.com:0", false},
        {MON_TCP, "db.example.com:x", false},
        {MON_TCP, "::1:22", false},
        {MON_DNS, "example.com", true},
        {MON_DNS, "example.com:53", false},
        {MON_DNS, "-bad.example", false},
        {MON_TLS, "example.com", true},
        {MON_TLS, "example.com:8443", true},
        {MON_TLS, "https://example.com", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        why[0] = '\0';
        int rc = monitor_target_check(cases[i].k, cases[i].t, why, sizeof why);
        if (rc != (cases[i].ok ? 0 : -1))
            fail_msg("%s target %s", monitor_kind_name(cases[i].k), cases[i].t);
        if (!cases[i].ok) assert_true(why[0] != '\0');
    }
    char host[64];
    int port;
    assert_int_equal(monitor_host_port("[::1]:5432", 0, host, sizeof host, &port), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 5432);
    assert_int_equal(monitor_host_port("example.com", 443, host, sizeof host, &port), 0);
    assert_string_equal(host, "example.com");
    assert_int_equal(port, 443);
}

static void the_state_flips_after_exactly_the_thresholds(void **state)
{
    (void)state;
    struct monitor_run r = {.state = MSTATE_UNKNOWN, .failures_before = 3, .successes_before = 2};
    assert_int_equal(monitor_step(&r, true), FLIP_NONE); /* unknown → up, nothing to undo */
    assert_int_equal(r.state, MSTATE_UP);
    assert_int_equal(monitor_step(&r, false), FLIP_NONE);
    assert_int_equal(monitor_step(&r, false), FLIP_NONE);
    assert_int_equal(monitor_step(&r, true), FLIP_NONE); /* the run of failures is broken */
    assert_int_equal(monitor_step(&r, false), FLIP_NONE);
    assert_int_equal(monitor_step(&r, false), FLIP_NONE);
    assert_int_equal(monitor_step(&r, false), FLIP_DOWN); /* the third in a row */
    assert_int_equal(r.state, MSTATE_DOWN);
    assert_int_equal(monitor_step(&r, false), FLIP_NONE); /* down stays down, once */
    assert_int_equal(monitor_step(&r, true), FLIP_NONE);
    assert_int_equal(monitor_step(&r, false), FLIP_NONE);
    assert_int_equal(monitor_step(&r, true), FLIP_NONE);
    assert_int_equal(monitor_step(&r, true), FLIP_UP); /* the second success in a row */
    assert_int_equal(r.state, MSTATE_UP);
    /* an unknown monitor failing from the start goes down after the threshold too */
    struct monitor_run u = {.state = MSTATE_UNKNOWN, .failures_before = 1, .successes_before = 1};
    assert_int_equal(monitor_step(&u, false), FLIP_DOWN);
    assert_int_equal(monitor_step(&u, true), FLIP_UP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_and_states_round_trip),
        cmocka_unit_test(expected_statuses_parse_and_match),
        cmocka_unit_test(targets_have_their_kinds_shape),
        cmocka_unit_test(the_state_flips_after_exactly_the_thresholds),
    };
    return cmocka_run_group_tests_name("domain/monitor", tests, NULL, NULL);
}
