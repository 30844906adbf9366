/*
 * notify/ops — the one table of senders, one per row of domain/channel.h's table
 * and in its order (the outbox's claim order; the dispatcher checks it when it starts).
 */
#include "notify/channel.h"
#include <assert.h>
#include <string.h>

const struct channel_ops *const notify_ops[CHANNEL_COUNT] = {
    &notify_email,   &notify_sms,   &notify_slack,   &notify_twitter,
    &notify_webhook, &notify_teams, &notify_discord, &notify_googlechat,
};

const struct channel_ops *notify_channel(const char *name)
{
    enum channel c;
    if (channel_parse(name, &c) != 0) return NULL;
    const struct channel_ops *ops = notify_ops[channel_index(c)];
    assert(ops->bit == c);
    return ops;
}
