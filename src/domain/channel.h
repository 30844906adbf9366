/*
 * domain/channel — the one table of notification channels (SPEC §10, §15). Every
 * list of channels in the program (the outbox's claim order, the §10 matrix, the
 * integrations a page may configure, the console's filters and dashboard, /metrics)
 * is read from channel_table; adding a channel is a row here and a sender in notify/
 * (notify/channel.h, notify_ops).
 *
 * A row says: the channel's bit in job masks (notify_jobs.channels: stored, so a bit is
 * never reused), its name (deliveries.channel, integrations.kind, the API's words) and
 * label (for people), whether it is a page integration and with which settings, whether
 * subscribers choose it, which column of the §10 matrix it follows, whether a published
 * postmortem reaches it, and whether its target is the operator's configuration
 * (trusted) or an address a page admin supplies (guarded against private targets).
 * The table's order is the outbox's claim order. Pure data, no I/O.
 */
#ifndef PHAROS_DOMAIN_CHANNEL_H
#define PHAROS_DOMAIN_CHANNEL_H
#include <stdbool.h>
#include <stddef.h>

enum channel {
    CH_EMAIL = 1 << 0,
    CH_SMS = 1 << 1,
    CH_SLACK = 1 << 2,
    CH_TWITTER = 1 << 3,
    CH_WEBHOOK = 1 << 4,
    CH_TEAMS = 1 << 5,
    CH_DISCORD = 1 << 6,
    CH_GOOGLECHAT = 1 << 7,
};

enum { CHANNEL_COUNT = 8 };
/* Every channel's bit: the bits are 0 … CHANNEL_COUNT-1. */
enum { CH_ALL = (1 << CHANNEL_COUNT) - 1 };

/* How a page configures the channel as an integration (app/integrations.c gives each
 * form its fields). */
enum channel_form {
    FORM_NONE,       /* not an integration: subscribers' channel */
    FORM_CHAT_URL,   /* a chat service's incoming webhook: webhook_url, a secret */
    FORM_SIGNED_URL, /* the outbound webhook: url and its signing secret */
    FORM_TWITTER,    /* an account connected with "Sign in with Twitter" */
};

/* The columns of the §10 matrix: a channel follows one of them. */
enum channel_column { COL_ALL_STAGES, COL_SMS };

struct channel_info {
    enum channel bit;
    const char *name;  /* "email", "teams", … */
    const char *label; /* "E-mail", "Microsoft Teams", … */
    enum channel_form form;
    bool subscriber; /* subscribers sign up for it (expanded from the subscriber list) */
    enum channel_column column;
    bool postmortem;      /* a published postmortem reaches it (e-mail and chat, §15) */
    bool operator_target; /* sends only to the operator's configured address: trusted */
    const char *example;  /* what its target looks like, for forms ("" when none) */
};

/* The channels, in claim order. */
extern const struct channel_info channel_table[CHANNEL_COUNT];

/* The row of channel C; C must be one bit of CH_ALL. */
const struct channel_info *channel_info(enum channel c);
/* The index of C in channel_table; C must be one bit of CH_ALL. */
int channel_index(enum channel c);
/* "email", … ; "unknown" for anything that is not one channel's bit. */
const char *channel_name(enum channel c);
/* The channel called S (exact, lower-case): 0 and *OUT, or -1 (OUT untouched). */
int channel_parse(const char *s, enum channel *out);
/* The row of the integration called S (a channel whose form is not FORM_NONE), or NULL. */
const struct channel_info *channel_integration(const char *s);
/* The bits of the channels a published postmortem reaches. */
unsigned channel_postmortem_mask(void);
/* The bits of the page integrations. */
unsigned channel_integration_mask(void);

#endif
