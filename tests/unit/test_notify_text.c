/*
 * Unit tests for notify/text: GSM-7 conversion and counting (extension
 * characters count two, curly quotes and accents replaced, nothing left that
 * would force UCS-2), SMS text within 160 units with the link kept whole and the
 * title shortened first, and tweets within 280 with links counted as 23.
 */
#include "notify/text.h"
#include "testutil.h"

static void test_gsm7_convert(void **state)
{
    (void)state;
    char *s = gsm7_convert("“Ünïcode” — it’s 5€ … ok\t🙂");
    assert_string_equal(s, "\"Ünicode\" - it's 5€ ... ok ?");
    assert_int_equal(gsm7_units(s), 29); /* Ü is one septet, € two */
    free(s);
    assert_int_equal(gsm7_units("[a]{b}"), 10);
    assert_int_equal(gsm7_units("èéàÅ@£"), 6);
}

static void test_sms_short_is_unchanged(void **state)
{
    (void)state;
    char *s = sms_text("Acme", "Investigating", "API errors", "https://status.acme.test/incidents/7");
    assert_string_equal(s, "[Acme] Investigating: API errors https://status.acme.test/incidents/7");
    free(s);
}

static void test_sms_long_title_is_shortened_link_kept(void **state)
{
    (void)state;
    char title[400];
    memset(title, 'x', sizeof title - 1);
    title[sizeof title - 1] = '\0';
    const char *url = "https://status.acme.test/incidents/123456";
    char *s = sms_text("Acme", "Resolved", title, url);
    assert_true(gsm7_units(s) <= SMS_MAX_UNITS);
    assert_true(gsm7_units(s) >= SMS_MAX_UNITS - 2);
    assert_string_equal(s + strlen(s) - strlen(url), url);
    assert_non_null(strstr(s, "... https://"));
    assert_int_equal(strncmp(s, "[Acme] Resolved: xxx", 20), 0);
    free(s);
}

static void test_sms_extension_chars_count_double(void **state)
{
    (void)state;
    char title[300];
    memset(title, '{', sizeof title - 1); /* each counts 2 */
    title[sizeof title - 1] = '\0';
    char *s = sms_text("{Page}", "Identified", title, "http://x.test/i/1");
    assert_true(gsm7_units(s) <= SMS_MAX_UNITS);
    free(s);
}

static void test_sms_long_page_name_gives_way_too(void **state)
{
    (void)state;
    char page[300];
    memset(page, 'P', sizeof page - 1);
    page[sizeof page - 1] = '\0';
    char *s = sms_text(page, "Scheduled", "Database upgrade tonight", "http://x.test/maintenance/1");
    assert_true(gsm7_units(s) <= SMS_MAX_UNITS);
    assert_non_null(strstr(s, "Database upgrade"));
    assert_non_null(strstr(s, " http://x.test/maintenance/1"));
    free(s);
}

static void test_tweet_length_counts_links_as_23(void **state)
{
    (void)state;
    assert_int_equal(tweet_length("hello"), 5);
    assert_int_equal(tweet_length("see https://example.com/a/very/long/path/that/is/long ok"), 4 + 23 + 3);
    assert_int_equal(tweet_length("http://x.y"), 23);
    assert_int_equal(tweet_length("Ünïcode"), 7);
}

static void test_tweet_fits_and_keeps_the_link(void **state)
{
    (void)state;
    char body[2000];
    memset(body, 'b', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    const char *url = "https://status.example.test/incidents/99999999";
    char *t = tweet_text("Investigating: Outage", body, url);
    assert_int_equal(tweet_length(t), TWEET_MAX);
    assert_string_equal(t + strlen(t) - strlen(url), url);
    assert_int_equal(strncmp(t, "Investigating: Outage\n\nbbb", 26), 0);
    assert_non_null(strstr(t, "b… https://"));
    free(t);
    t = tweet_text("Resolved: ok", "", url);
    assert_string_equal(t, "Resolved: ok https://status.example.test/incidents/99999999");
    free(t);
}

static void test_tweet_never_cuts_inside_a_link(void **state)
{
    (void)state;
    char body[600];
    snprintf(body, sizeof body, "%.*s https://example.com/%s", 240,
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
    char *t = tweet_text("", body, "https://s.test/i/1");
    assert_true(tweet_length(t) <= TWEET_MAX);
    assert_null(strstr(t, "https://example.com/z")); /* the link did not fit: dropped whole */
    assert_null(strstr(t, "https://example.c…"));
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gsm7_convert),
        cmocka_unit_test(test_sms_short_is_unchanged),
        cmocka_unit_test(test_sms_long_title_is_shortened_link_kept),
        cmocka_unit_test(test_sms_extension_chars_count_double),
        cmocka_unit_test(test_sms_long_page_name_gives_way_too),
        cmocka_unit_test(test_tweet_length_counts_links_as_23),
        cmocka_unit_test(test_tweet_fits_and_keeps_the_link),
        cmocka_unit_test(test_tweet_never_cuts_inside_a_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
