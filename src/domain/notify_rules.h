/*
 * notify_rules — the notification matrix of SPEC §10: which channels an event
 * update reaches. Pure function, no I/O.
 */
#ifndef PHAROS_NOTIFY_RULES_H
#define PHAROS_NOTIFY_RULES_H
#include "domain/event.h"
#include <stdbool.h>

enum channel {
    CH_EMAIL = 1 << 0,
    CH_SMS = 1 << 1,
    CH_SLACK = 1 << 2,
    CH_TWITTER = 1 << 3,
    CH_WEBHOOK = 1 << 4,
    CH_ALL = CH_EMAIL | CH_SMS | CH_SLACK | CH_TWITTER | CH_WEBHOOK,
};

/*
 * The channels an update in stage STAGE of an event of kind KIND notifies.
 * CREATION is true for the update that created the event (an incident created
 * in a later stage notifies SMS as a creation). NOTIFY false (the update was
 * posted with "notify": false) yields no channel.
 */
unsigned notify_channels(enum event_kind kind, enum stage stage, bool creation, bool notify);

/* The channels a published postmortem reaches (SPEC §15): e-mail and the chat-like
 * channels (Slack, the webhook); not SMS, nor a tweet. */
enum { POSTMORTEM_CHANNELS = CH_EMAIL | CH_SLACK | CH_WEBHOOK };

const char *channel_name(enum channel c);
int channel_parse(const char *s, enum channel *out);

#endif
