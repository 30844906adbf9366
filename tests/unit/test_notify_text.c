/*
 * Unit tests for notify/text: GSM-7 conversion and counting (extension
 * characters count two, curly quotes and accents replaced, nothing left that
 * would force UCS-2), SMS text within 160 units with the link kept whole and the
 * title shortened first, a maintenance's window with UTC only when everything fits
 * whole (else the page's zone alone, else none), tweets within 280 with links counted as 23, and
 * Slack text escaped (& < >) and cut at a character, never inside an escape, within a length in
 * UTF-16 units; Discord text with Markdown backslashed and @everyone / @here broken, Teams
 * text with CommonMark punctuation backslashed and lines kept, Google Chat text with its
 * markup characters as look-alikes, each cut the same way.
 */
#include "core/buf.h"
#include "core/utf8.h"
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

/* A language GSM-7 cannot write (ja) goes as UCS-2: nothing replaced, 70 UTF-16 units, the
 * title cut with "…", the link whole. */
static void test_sms_ucs2_keeps_the_script_within_70_units(void **state)
{
    (void)state;
    const char *url = "https://st.acme.test/incidents/7";
    char *s = sms_text(SMS_UCS2, "Acme", "調査中", "ログインが遅い", url);
    assert_string_equal(s, "[Acme] 調査中: ログインが遅い https://st.acme.test/incidents/7");
    free(s);
    s = sms_text(SMS_UCS2, "Acme", "調査中",
                 "ログインが非常に遅くなっており、一部のお客様がサインインできない状態です", url);
    assert_true(sms_units(SMS_UCS2, s) <= SMS_UCS2_MAX_UNITS);
    assert_true(sms_units(SMS_UCS2, s) >= SMS_UCS2_MAX_UNITS - 1);
    assert_non_null(strstr(s, "… https://"));
    assert_string_equal(s + strlen(s) - strlen(url), url);
    free(s);
    /* a character beyond the BMP counts two units; control characters become spaces */
    assert_int_equal(sms_units(SMS_UCS2, "a🙂"), 3);
    s = sms_text(SMS_UCS2, "P", "S", "a\tb", NULL);
    assert_string_equal(s, "[P] S: a b");
    free(s);
    assert_true(sms_text_fits(SMS_UCS2, "Acme", "調査中", "ログイン", NULL, url));
    assert_false(sms_text_fits(SMS_UCS2, "Acme", "調査中",
                               "ログインが非常に遅くなっており、一部のお客様がサインインできない",
                               NULL, url));
}

static void test_sms_short_is_unchanged(void **state)
{
    (void)state;
    char *s = sms_text(SMS_GSM7, "Acme", "Investigating", "API errors",
                       "https://status.acme.test/incidents/7");
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
    char *s = sms_text(SMS_GSM7, "Acme", "Resolved", title, url);
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
    char *s = sms_text(SMS_GSM7, "{Page}", "Identified", title, "http://x.test/i/1");
    assert_true(gsm7_units(s) <= SMS_MAX_UNITS);
    free(s);
}

static void test_sms_long_page_name_gives_way_too(void **state)
{
    (void)state;
    char page[300];
    memset(page, 'P', sizeof page - 1);
    page[sizeof page - 1] = '\0';
    char *s = sms_text(SMS_GSM7, page, "Scheduled", "Database upgrade tonight",
                       "http://x.test/maintenance/1");
    assert_true(gsm7_units(s) <= SMS_MAX_UNITS);
    assert_non_null(strstr(s, "Database upgrade"));
    assert_non_null(strstr(s, " http://x.test/maintenance/1"));
    free(s);
}

/* A maintenance's window in an SMS: with UTC when everything fits whole, else in the
 * page's zone alone, else left out; never over 160 units, the link always whole. */
static void test_sms_window_with_utc_as_room_allows(void **state)
{
    (void)state;
    const char *url = "https://status.example.com/maintenance/123456";
    const char *both = "10 Dec 09:00-11:00 GMT+1 / 08:00-10:00 UTC",
               *local = "10 Dec 09:00-11:00 GMT+1";
    assert_true(sms_text_fits(SMS_GSM7, "Acme", "Scheduled", "Database upgrade", both, url));
    char *s = sms_text_when(SMS_GSM7, "Acme", "Scheduled", "Database upgrade", both, url);
    assert_string_equal(s, "[Acme] Scheduled: Database upgrade (10 Dec 09:00-11:00 GMT+1 / "
                           "08:00-10:00 UTC) https://status.example.com/maintenance/123456");
    assert_true(gsm7_units(s) <= SMS_MAX_UNITS);
    free(s);

    /* a title that leaves no room for both: the caller takes the zone's alone */
    const char *title = "Replacing the primary database cluster's storage";
    assert_false(sms_text_fits(SMS_GSM7, "Acme Cloud Status", "In Progress", title, both, url));
    assert_true(sms_text_fits(SMS_GSM7, "Acme Cloud Status", "In Progress", title, local, url));
    s = sms_text_when(SMS_GSM7, "Acme Cloud Status", "In Progress", title, local, url);
    assert_non_null(strstr(s, title));
    assert_non_null(strstr(s, "(10 Dec 09:00-11:00 GMT+1) https://"));
    assert_true(gsm7_units(s) <= SMS_MAX_UNITS);
    free(s);

    /* a long title is cut to keep the window; a long link leaves the title no 30 units
     * beside it, so the window goes; the link stays whole */
    char long_title[201];
    memset(long_title, 't', 200);
    long_title[200] = '\0';
    assert_false(sms_text_fits(SMS_GSM7, "Acme", "Scheduled", long_title, local, url));
    s = sms_text_when(SMS_GSM7, "Acme", "Scheduled", long_title, local, url);
    assert_true(gsm7_units(s) <= SMS_MAX_UNITS);
    assert_non_null(strstr(s, "... (10 Dec 09:00-11:00 GMT+1) https://"));
    free(s);
    char long_url[101];
    memcpy(long_url, "https://", 8);
    memset(long_url + 8, 'u', 92);
    long_url[100] = '\0';
    s = sms_text_when(SMS_GSM7, "Acme", "Scheduled", "Database upgrade", local, long_url);
    assert_true(gsm7_units(s) <= SMS_MAX_UNITS);
    assert_null(strstr(s, "GMT+1"));
    assert_string_equal(s + strlen(s) - strlen(long_url), long_url);
    free(s);
    assert_true(sms_text_fits(SMS_GSM7, "Acme", "Scheduled", "x", NULL, NULL));
    assert_true(sms_text_fits(SMS_GSM7, "A", "B", "C", "", ""));
}

static void test_tweet_length_counts_links_as_23(void **state)
{
    (void)state;
    assert_int_equal(tweet_length("hello"), 5);
    assert_int_equal(tweet_length("see https://example.com/a/very/long/path/that/is/long ok"),
                     4 + 23 + 3);
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
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
    char *t = tweet_text("", body, "https://s.test/i/1");
    assert_true(tweet_length(t) <= TWEET_MAX);
    assert_null(strstr(t, "https://example.com/z")); /* the link did not fit: dropped whole */
    assert_null(strstr(t, "https://example.c…"));
    free(t);
}

static void test_slack_escapes_mentions_and_links(void **state)
{
    (void)state;
    char *t = slack_text("<!channel> <https://evil.test|Re-login> & co", SLACK_TEXT_MAX);
    assert_string_equal(t, "&lt;!channel&gt; &lt;https://evil.test|Re-login&gt; &amp; co");
    free(t);
    t = slack_text(NULL, 10);
    assert_string_equal(t, "");
    free(t);
    t = slack_text("short", 5);
    assert_string_equal(t, "short");
    free(t);
    t = slack_text("shorter", 5);
    assert_string_equal(t, "shor…");
    free(t);
}

/* True if S is valid UTF-8 (utf8_length rejects what JSON encoders reject). */
static bool valid(const char *s)
{
    return utf8_length(s, strlen(s)) >= 0;
}

static void test_slack_cuts_on_characters_within_utf16_units(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_puts(&b, "1 < 2: "); /* 10 units once escaped */
    for (int i = 0; i < 2000; i++)
        buf_puts(&b, "é");
    for (int i = 0; i < 2000; i++)
        buf_puts(&b, "🙂"); /* 2 units each */
    char *t = slack_text(b.data, SLACK_TEXT_MAX);
    assert_true(valid(t));
    assert_int_equal(slack_length(t), SLACK_TEXT_MAX - 1); /* 10 + 2000 + 2 × 494 + "…" */
    assert_int_equal(strncmp(t, "1 &lt; 2: éé", strlen("1 &lt; 2: éé")), 0);
    assert_string_equal(t + strlen(t) - strlen("🙂…"), "🙂…");
    free(t);
    t = slack_text("a🙂b", 3); /* the emoji and the "…" do not both fit */
    assert_string_equal(t, "a…");
    free(t);
    buf_free(&b);
}

static void test_slack_never_cuts_inside_an_escape(void **state)
{
    (void)state;
    for (size_t max = 1; max <= 12; max++) {
        char *t = slack_text("a&&&&", max);
        assert_true(slack_length(t) <= max);
        /* whole escapes only, then the ellipsis */
        const char *p = t + (*t == 'a'); /* with MAX 1, only the "…" fits */
        while (strncmp(p, "&amp;", 5) == 0)
            p += 5;
        assert_true(*p == '\0' || strcmp(p, "…") == 0);
        free(t);
    }
    char *t = slack_text("ab &x", 4); /* white space before the cut goes */
    assert_string_equal(t, "ab…");
    free(t);
}

static void test_slack_replaces_invalid_utf8(void **state)
{
    (void)state;
    char *t = slack_text("a\xc3(\xed\xa0\x80z\xf0\x9f", SLACK_TEXT_MAX);
    assert_true(valid(t));
    /* a lone lead byte, an encoded surrogate (one character), a cut emoji (two bytes) */
    assert_string_equal(t, "a\xef\xbf\xbd(\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd");
    free(t);
    assert_int_equal(slack_length("é🙂x"), 4);
}

static void test_discord_escapes_markdown_and_mentions(void **state)
{
    (void)state;
    char *t = discord_text("@everyone @here [x](https://e.test) **b** <@1> a@b", 500);
    assert_string_equal(t, "@\u200beveryone @\u200bhere \\[x\\]\\(https://e.test\\) "
                           "\\*\\*b\\*\\* \\<@1\\> a@b");
    free(t);
    t = discord_text("# head\n> quote ~~s~~ `c` || spoiler || _i_ \\", 500);
    assert_string_equal(t, "\\# head\n\\> quote \\~\\~s\\~\\~ \\`c\\` \\|\\| spoiler "
                           "\\|\\| \\_i\\_ \\\\");
    free(t);
    /* cut within the limit, never between a backslash and its character */
    for (size_t max = 1; max < 12; max++) {
        t = discord_text("a*b*c*d*e*f", max);
        assert_true(slack_length(t) <= max);
        size_t n = strlen(t);
        size_t dots = n >= 3 && strcmp(t + n - 3, "…") == 0 ? 3 : 0;
        assert_false(n > dots && t[n - dots - 1] == '\\'); /* no lone backslash at the cut */
        free(t);
    }
}

static void test_teams_escapes_commonmark(void **state)
{
    (void)state;
    char *t = teams_text(
        "[login](https://e.test) **b** _i_ 1. x {{DATE(2017-02-14T06:00:00Z)}}\n- y", 500);
    assert_string_equal(t, "\\[login\\]\\(https://e.test\\) \\*\\*b\\*\\* \\_i\\_ 1\\. x "
                           "\\{\\{DATE\\(2017\\-02\\-14T06:00:00Z\\)\\}\\}\n\n\\- y");
    free(t);
    t = teams_text("version 2.0 ends.", 500); /* "." is escaped only after a digit */
    assert_string_equal(t, "version 2\\.0 ends.");
    free(t);
}

static void test_gchat_neutralises_markup(void **state)
{
    (void)state;
    char *t = gchat_text("<users/all> <https://e.test|Log in> *b* _i_ ~s~ `c`", 500);
    assert_string_equal(t, "‹users/all› ‹https://e.test|Log in› ∗b∗ ˍiˍ ∼s∼ ˋcˋ");
    assert_null(strpbrk(t, "<>*_~`"));
    free(t);
    t = gchat_text("****", 3); /* each look-alike is one unit: two and the "…" */
    assert_string_equal(t, "∗∗…");
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
        cmocka_unit_test(test_sms_window_with_utc_as_room_allows),
        cmocka_unit_test(test_tweet_length_counts_links_as_23),
        cmocka_unit_test(test_tweet_fits_and_keeps_the_link),
        cmocka_unit_test(test_tweet_never_cuts_inside_a_link),
        cmocka_unit_test(test_slack_escapes_mentions_and_links),
        cmocka_unit_test(test_slack_cuts_on_characters_within_utf16_units),
        cmocka_unit_test(test_slack_never_cuts_inside_an_escape),
        cmocka_unit_test(test_slack_replaces_invalid_utf8),
        cmocka_unit_test(test_discord_escapes_markdown_and_mentions),
        cmocka_unit_test(test_teams_escapes_commonmark),
        cmocka_unit_test(test_gchat_neutralises_markup),
        cmocka_unit_test(test_sms_ucs2_keeps_the_script_within_70_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
