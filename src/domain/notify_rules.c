/*
 * notify_rules — SPEC §10 matrix. SMS is the only channel that skips stages:
 * it hears of creation, resolution/completion, scheduling and the start of
 * maintenance, but not of Identified/Monitoring or Verification.
 */
#include "domain/notify_rules.h"
#include <string.h>

unsigned notify_channels(enum event_kind kind, enum stage stage, bool creation, bool notify)
{
    if (!notify)
        return 0;
    if (creation)
        return CH_ALL;
    bool quiet_for_sms;
    if (kind == EVENT_INCIDENT)
        quiet_for_sms = stage == STAGE_IDENTIFIED || stage == STAGE_MONITORING ||
                        stage == STAGE_INVESTIGATING;
    else
        quiet_for_sms = stage == STAGE_VERIFICATION;
    return quiet_for_sms ? (CH_ALL & ~(unsigned)CH_SMS) : CH_ALL;
}

const char *channel_name(enum channel c)
{
    switch (c) {
    case CH_EMAIL: return "email";
    case CH_SMS: return "sms";
    case CH_SLACK: return "slack";
    case CH_TWITTER: return "twitter";
    case CH_WEBHOOK: return "webhook";
    default: return "unknown";
    }
}

int channel_parse(const char *s, enum channel *out)
{
    static const enum channel all[] = {CH_EMAIL, CH_SMS, CH_SLACK, CH_TWITTER, CH_WEBHOOK};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(s, channel_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return -1;
}
