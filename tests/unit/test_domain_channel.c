/*
 * Unit tests for domain/channel: the one table of channels — names round-trip and
 * cover every bit, unknown names are refused, the integrations are the channels with
 * a form (the chat services, the webhook, Twitter) and not e-mail or SMS, postmortems
 * reach e-mail and the chat-like channels but not SMS or Twitter, only the operator's
 * targets are trusted, and the table's order is the claim order (e-mail, SMS first).
 */
#include "domain/channel.h"
#include "testutil.h"

static void names_round_trip(void **state)
{
    (void)state;
    static const struct {
        enum channel ch;
        const char *name;
    } all[] = {{CH_EMAIL, "email"},     {CH_SMS, "sms"},
               {CH_SLACK, "slack"},     {CH_TWITTER, "twitter"},
               {CH_WEBHOOK, "webhook"}, {CH_TEAMS, "teams"},
               {CH_DISCORD, "discord"}, {CH_GOOGLECHAT, "googlechat"}};
    unsigned seen = 0;
    assert_int_equal(sizeof all / sizeof all[0], CHANNEL_COUNT);
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        enum channel c = 0;
        assert_string_equal(channel_name(all[i].ch), all[i].name);
        assert_int_equal(channel_parse(all[i].name, &c), 0);
        assert_int_equal(c, all[i].ch);
        assert_ptr_equal(channel_info(c), &channel_table[channel_index(c)]);
        assert_true(channel_info(c)->label[0]);
        seen |= all[i].ch;
    }
    assert_int_equal(seen, CH_ALL);
}

static void unknown_channels_are_refused(void **state)
{
    (void)state;
    enum channel c = CH_EMAIL;
    assert_int_equal(channel_parse("Email", &c), -1);
    assert_int_equal(channel_parse("", &c), -1);
    assert_int_equal(channel_parse("pager", &c), -1);
    assert_int_equal(channel_parse("google_chat", &c), -1);
    assert_int_equal(c, CH_EMAIL);
    assert_string_equal(channel_name((enum channel)CH_ALL), "unknown");
    assert_string_equal(channel_name(0), "unknown");
}

static void integrations_are_the_channels_with_a_form(void **state)
{
    (void)state;
    assert_int_equal(channel_integration_mask(),
                     CH_SLACK | CH_TWITTER | CH_WEBHOOK | CH_TEAMS | CH_DISCORD | CH_GOOGLECHAT);
    assert_null(channel_integration("email"));
    assert_null(channel_integration("sms"));
    assert_null(channel_integration("pager"));
    assert_int_equal(channel_integration("discord")->bit, CH_DISCORD);
    assert_int_equal(channel_integration("teams")->form, FORM_CHAT_URL);
    assert_int_equal(channel_integration("googlechat")->form, FORM_CHAT_URL);
    assert_int_equal(channel_integration("slack")->form, FORM_CHAT_URL);
    assert_int_equal(channel_integration("webhook")->form, FORM_SIGNED_URL);
    assert_int_equal(channel_integration("twitter")->form, FORM_TWITTER);
    for (int i = 0; i < CHANNEL_COUNT; i++) /* subscribers' channels are no integration */
        assert_true(channel_table[i].subscriber == (channel_table[i].form == FORM_NONE));
}

static void postmortems_reach_email_and_chat(void **state)
{
    (void)state;
    unsigned m = channel_postmortem_mask();
    assert_int_equal(m, CH_EMAIL | CH_SLACK | CH_WEBHOOK | CH_TEAMS | CH_DISCORD | CH_GOOGLECHAT);
    assert_false(m & CH_SMS);
    assert_false(m & CH_TWITTER);
}

static void only_operator_targets_are_trusted(void **state)
{
    (void)state;
    for (int i = 0; i < CHANNEL_COUNT; i++) {
        enum channel c = channel_table[i].bit;
        bool want = c == CH_EMAIL || c == CH_SMS || c == CH_TWITTER;
        assert_true(channel_table[i].operator_target == want);
    }
}

static void the_table_is_in_claim_order_with_distinct_bits(void **state)
{
    (void)state;
    assert_int_equal(channel_table[0].bit, CH_EMAIL);
    assert_int_equal(channel_table[1].bit, CH_SMS);
    for (int i = 0; i < CHANNEL_COUNT; i++) {
        assert_int_equal(channel_index(channel_table[i].bit), i);
        assert_int_equal(channel_table[i].bit, 1 << i); /* stored in job masks: never moved */
    }
    assert_int_equal(channel_info(CH_SMS)->column, COL_SMS);
    assert_int_equal(channel_info(CH_DISCORD)->column, channel_info(CH_SLACK)->column);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(unknown_channels_are_refused),
        cmocka_unit_test(integrations_are_the_channels_with_a_form),
        cmocka_unit_test(postmortems_reach_email_and_chat),
        cmocka_unit_test(only_operator_targets_are_trusted),
        cmocka_unit_test(the_table_is_in_claim_order_with_distinct_bits),
    };
    return cmocka_run_group_tests_name("domain/channel", tests, NULL, NULL);
}
