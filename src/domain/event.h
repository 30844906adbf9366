/*
 * event — incidents and maintenance (SPEC §5): kinds, stages, impacts, which
 * stage may follow which, and the hold rule: a service shows the worst status of the
 * events holding it, and returns to operational once none does.
 * Pure functions, no I/O.
 */
#ifndef PHAROS_EVENT_H
#define PHAROS_EVENT_H
#include "domain/status.h"
#include <stdbool.h>
#include <stddef.h>

enum event_kind { EVENT_INCIDENT, EVENT_MAINTENANCE };

enum stage {
    STAGE_INVESTIGATING,
    STAGE_IDENTIFIED,
    STAGE_MONITORING,
    STAGE_RESOLVED,
    STAGE_SCHEDULED,
    STAGE_IN_PROGRESS,
    STAGE_VERIFICATION,
    STAGE_COMPLETE,
    STAGE_COUNT
};

enum impact { IMPACT_NONE, IMPACT_MINOR, IMPACT_MAJOR, IMPACT_CRITICAL, IMPACT_COUNT };

const char *event_kind_name(enum event_kind k);
int event_kind_parse(const char *s, enum event_kind *out);

/* Parses a stage of kind K (case-insensitive, '-'/' ' as '_'; "in progress", "completed",
 * "verifying" accepted for maintenance). Returns 0, or -1 if S is no stage of that kind. */
int stage_parse(enum event_kind k, const char *s, enum stage *out);
const char *stage_name(enum stage s);
/* "Investigating", "In Progress", … */
const char *stage_label(enum stage s);
/* The stages of kind K, listed for error messages. */
const char *stage_accepted(enum event_kind k);
/* The stage a new event of kind K starts in when none is given. */
enum stage stage_initial(enum event_kind k);
/* True for resolved and complete: nothing may follow. */
bool stage_is_final(enum stage s);
/* Statuspage's name of the stage ("verifying", "completed", …). */
const char *stage_statuspage_name(enum stage s);

/*
 * Whether an event in stage FROM may take an update in stage TO.
 * Incidents: any stage before resolved, in any order; nothing after resolved.
 * Maintenance: the same stage again or a later one; nothing after complete.
 */
bool stage_transition_ok(enum event_kind k, enum stage from, enum stage to);

/* What an event update is (event_updates.kind): a plain update (a stage and message), a
 * maintenance's reminder, or an incident's published postmortem. Only plain updates are
 * listed as updates; the others carry a notification. */
enum update_kind { UPDATE_PLAIN, UPDATE_REMINDER, UPDATE_POSTMORTEM, UPDATE_KIND_COUNT };

const char *update_kind_name(enum update_kind k); /* "update", "reminder", "postmortem" */
int update_kind_parse(const char *s, enum update_kind *out);
/* The label of an update of kind K in stage S in subjects and headings: the stage's for
 * a plain update ("Investigating"), else "Reminder" or "Postmortem". */
const char *update_label(enum update_kind k, enum stage s);

int impact_parse(const char *s, enum impact *out);
const char *impact_name(enum impact i);

/*
 * The hold rule (SPEC §5). A service held by several events (open incidents,
 * maintenance in progress or in verification) shows the worst of the statuses they
 * set, in the order of enum svc_status: an incident's partial_outage is not hidden by
 * maintenance starting on the same service, nor by a milder incident.
 *
 * status_while_held: the status a service takes when one event starts holding it or
 * changes the status it sets to OWN, while N other events hold it with OTHERS.
 * status_after_release: the status it returns to when an event that held it ends: the
 * worst of the statuses still set by the N others, or operational when none is left.
 */
enum svc_status status_while_held(enum svc_status own, const enum svc_status *others, size_t n);
enum svc_status status_after_release(const enum svc_status *held_by_others, size_t n);

#endif
