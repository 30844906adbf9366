/*
 * notify_rules — SPEC §10 matrix. The SMS column is the only one that skips
 * stages: it hears of creation, resolution/completion, scheduling and the start
 * of maintenance, but not of Identified/Monitoring or Verification. Every
 * channel follows one column (domain/channel.h).
 */
#include "domain/notify_rules.h"

/* Whether column COL hears an update in STAGE of an event of kind KIND. */
static bool column_hears(enum channel_column col, enum event_kind kind, enum stage stage,
                         bool creation)
{
    if (creation || col == COL_ALL_STAGES) return true;
    if (kind == EVENT_INCIDENT)
        return !(stage == STAGE_IDENTIFIED || stage == STAGE_MONITORING ||
                 stage == STAGE_INVESTIGATING);
    return stage != STAGE_VERIFICATION;
}

unsigned notify_channels(enum event_kind kind, enum stage stage, bool creation, bool notify)
{
    unsigned m = 0;
    if (!notify) return 0;
    for (int i = 0; i < CHANNEL_COUNT; i++)
        if (column_hears(channel_table[i].column, kind, stage, creation))
            m |= (unsigned)channel_table[i].bit;
    return m;
}
