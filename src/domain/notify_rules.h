/*
 * notify_rules — the notification matrix of SPEC §10: which channels an event
 * update reaches. Each channel follows a column of the matrix (domain/channel.h):
 * SMS its own, every other channel the one that hears every stage. Pure function, no I/O.
 */
#ifndef PHAROS_NOTIFY_RULES_H
#define PHAROS_NOTIFY_RULES_H
#include "domain/channel.h"
#include "domain/event.h"
#include <stdbool.h>

/*
 * The channels an update in stage STAGE of an event of kind KIND notifies.
 * CREATION is true for the update that created the event (an incident created
 * in a later stage notifies SMS as a creation). NOTIFY false (the update was
 * posted with "notify": false) yields no channel.
 */
unsigned notify_channels(enum event_kind kind, enum stage stage, bool creation, bool notify);

#endif
