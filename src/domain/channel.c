/*
 * domain/channel — the table of channels. See channel.h.
 *
 * Claim order: e-mail and SMS first (subscribers, the largest lists and the SMS
 * promise), then the integrations in the order they were added.
 */
#include "domain/channel.h"
#include <assert.h>
#include <string.h>

const struct channel_info channel_table[CHANNEL_COUNT] = {
    /* bit, name, label, form, subscriber, column, postmortem, operator_target, example */
    {CH_EMAIL, "email", "E-mail", FORM_NONE, true, COL_ALL_STAGES, true, true, ""},
    {CH_SMS, "sms", "SMS", FORM_NONE, true, COL_SMS, false, true, ""},
    {CH_SLACK, "slack", "Slack", FORM_CHAT_URL, false, COL_ALL_STAGES, true, false,
     "https://hooks.slack.com/services/…"},
    {CH_TWITTER, "twitter", "Twitter", FORM_TWITTER, false, COL_ALL_STAGES, false, true, ""},
    {CH_WEBHOOK, "webhook", "Webhook", FORM_SIGNED_URL, false, COL_ALL_STAGES, true, false,
     "https://example.com/hooks/status"},
    {CH_TEAMS, "teams", "Microsoft Teams", FORM_CHAT_URL, false, COL_ALL_STAGES, true, false,
     "https://….webhook.office.com/webhookb2/…"},
    {CH_DISCORD, "discord", "Discord", FORM_CHAT_URL, false, COL_ALL_STAGES, true, false,
     "https://discord.com/api/webhooks/…"},
    {CH_GOOGLECHAT, "googlechat", "Google Chat", FORM_CHAT_URL, false, COL_ALL_STAGES, true, false,
     "https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…"},
};

int channel_index(enum channel c)
{
    for (int i = 0; i < CHANNEL_COUNT; i++)
        if (channel_table[i].bit == c) return i;
    assert(!"not a channel");
    return 0;
}

const struct channel_info *channel_info(enum channel c)
{
    return &channel_table[channel_index(c)];
}

const char *channel_name(enum channel c)
{
    for (int i = 0; i < CHANNEL_COUNT; i++)
        if (channel_table[i].bit == c) return channel_table[i].name;
    return "unknown";
}

int channel_parse(const char *s, enum channel *out)
{
    for (int i = 0; i < CHANNEL_COUNT; i++)
        if (strcmp(s, channel_table[i].name) == 0) {
            *out = channel_table[i].bit;
            return 0;
        }
    return -1;
}

const struct channel_info *channel_integration(const char *s)
{
    enum channel c;
    if (channel_parse(s, &c) != 0) return NULL;
    const struct channel_info *ci = channel_info(c);
    return ci->form != FORM_NONE ? ci : NULL;
}

unsigned channel_postmortem_mask(void)
{
    unsigned m = 0;
    for (int i = 0; i < CHANNEL_COUNT; i++)
        if (channel_table[i].postmortem) m |= (unsigned)channel_table[i].bit;
    return m;
}

unsigned channel_integration_mask(void)
{
    unsigned m = 0;
    for (int i = 0; i < CHANNEL_COUNT; i++)
        if (channel_table[i].form != FORM_NONE) m |= (unsigned)channel_table[i].bit;
    return m;
}
