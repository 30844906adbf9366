/*
 * app/events — what incidents and maintenance share: reading input common to
 * both, the JSON of an event, and the one place an event changes (events_apply),
 * so that creation, API updates and the scheduler follow the same rules.
 *
 * Used by app/incidents.c and app/maintenance.c only; other code calls their
 * app_incident_* / app_maintenance_* use cases.
 *
 * The rules kept here (SPEC §5, §10):
 *  - An event "holds" its linked services while it is open (incidents) or in
 *    progress / in verification (maintenance).
 *  - A service held by several events shows the worst of the statuses they set
 *    (SPEC §5 order; domain status_while_held): maintenance starting does not hide
 *    an open incident's outage, nor does a milder incident opened later.
 *  - Entering a holding stage applies the event's statuses: the statuses an
 *    incident update names, or under_maintenance for every service of maintenance,
 *    each raised to the worst status another holding event sets.
 *  - An incident naming a service by id alone records its current status, unless
 *    other holders account for it (then operational): it sets no status, and a
 *    maintenance's under_maintenance does not outlive the maintenance through it.
 *  - Leaving the holding stages (resolve, complete, delete) releases every linked
 *    service: it returns to operational, or to the worst status another holding
 *    event sets (domain status_after_release). A creation in a final stage and
 *    maintenance completed before it started never held anything, so they touch
 *    no service status.
 *  - Every status change goes to service_status_log (store_service_set_status)
 *    and to update_services for the update that made it.
 *  - An update whose notify_channels() is not 0 queues a notify_jobs row in the
 *    same transaction (the outbox), unless the event is a draft (an incident nobody
 *    has published: its updates notify nobody). A draft holds its services like any
 *    open incident.
 */
#ifndef PHAROS_APP_EVENTS_H
#define PHAROS_APP_EVENTS_H
#include "app/app.h"
#include "app/input.h"
#include "domain/event.h"
#include "store/events.h"

/* Most services one request may name. */
enum { EVENTS_MAX_SERVICES = 500 };

/* A service named in a request, and the status it sets when HAS_STATUS. */
struct ev_service {
    int64_t id;
    bool has_status;
    enum svc_status status;
};

struct ev_services {
    struct ev_service *v;
    size_t n;
};

/*
 * Reads IN's "services": an array of service ids, or of {"id","status"} objects
 * (incidents only; maintenance takes ids or {"id"}). Refuses duplicates, unknown
 * statuses and wrong types with a 400 naming the element. Existence is checked
 * later, by events_apply. *OUT is left empty when the field is absent; free it
 * with events_services_free().
 */
int events_parse_services(json_t *in, enum event_kind k, struct ev_services *out, struct err *e);
void events_services_free(struct ev_services *s);

/* Reads IN's optional "stage" of kind K into *OUT (untouched when absent). */
int events_parse_stage(json_t *in, enum event_kind k, enum stage *out, struct err *e);

/*
 * Reads "title" and "message" of IN. With "template_id", a template of this page
 * and of kind K fills those that are absent (400 when it is of another kind or
 * unknown). Both must then be present and within limits. *TMPL holds the
 * template (or NULL) and must be released with json_decref once the strings are
 * no longer used.
 */
int events_read_text(struct app_ctx *c, json_t *in, enum event_kind k, const char **title,
                     const char **message, json_t **tmpl, struct err *e);

/* Whether an event of kind K in stage S holds its services. */
bool events_stage_holds(enum event_kind k, enum stage s);

/* Event ID of kind K with its "services" and "updates" (SPEC §9), or 404. */
int events_get(struct app_ctx *c, enum event_kind k, int64_t id, json_t **out, struct err *e);
/* {"<LIST_KEY>":[EVENT…],"next_cursor":…}, newest first, keyset-paged by id; STATE: NULL
 * or "" (all), "open", or the final stage's name ("resolved", "complete") for closed ones. */
int events_list(struct app_ctx *c, enum event_kind k, const char *list_key, const struct paging *pg,
                const char *state, json_t **out, struct err *e);

/* One change of an event: the update it posts. */
struct ev_change {
    enum stage stage;
    const char *message;
    const char *translations; /* JSON text (app/translations.h), or NULL: none */
    bool notify;
    bool creation; /* the first update, posted with the event */
    bool draft;    /* the event is a draft (struct event_fields' or event_row's draft) */
    const struct ev_services *services;
};

/*
 * Inside an open transaction, applies CH to event ID of kind K that was in stage
 * FROM (ignored for a creation): posts the update, links the named services
 * (400 for a service not of this page), sets or releases service statuses, moves
 * the event to CH->stage (closing it at a final stage) and queues the outbox row
 * (none for a draft). The caller has checked the transition. On error the caller
 * rolls back.
 */
int events_apply(struct app_ctx *c, enum event_kind k, int64_t id, enum stage from,
                 const struct ev_change *ch, struct err *e);

/*
 * Creates an event of F->kind from F with its first update CH (CH->creation set, and
 * CH->draft as F->draft) in one transaction, then commits (events_commit). *OUT gets
 * the event.
 */
int events_create(struct app_ctx *c, const struct event_fields *f, const struct ev_change *ch,
                  json_t **out, struct err *e);

/*
 * The "POST …/{id}/updates" use case for both kinds. IN: stage (default: the
 * current one), message (required), services, notify (default true). A stage
 * not allowed after the current one is a 400 saying what is accepted.
 * *OUT gets the event.
 */
int events_post_update(struct app_ctx *c, enum event_kind k, int64_t id, json_t *in, json_t **out,
                       struct err *e);

/* Checks a PATCH against the event as it is (inside the transaction); fills E and
 * returns -1 to refuse it. */
typedef int (*events_edit_check)(const struct event_row *row, const struct event_edit *ed,
                                 struct err *e);
/* The PATCH use case for both kinds: applies ED (validated by the caller, then by CHECK
 * when not NULL) to event ID; posts no update and notifies nobody. *OUT gets the event. */
int events_edit(struct app_ctx *c, enum event_kind k, int64_t id, const struct event_edit *ed,
                events_edit_check check, json_t **out, struct err *e);

/* Deletes event ID of kind K, releasing its services when it held them. */
int events_delete(struct app_ctx *c, enum event_kind k, int64_t id, struct err *e);

/* Commits a change of an event: app_commit (a public change), then wakes the
 * background workers (app->on_work) so notifications and schedules move at once. */
int events_commit(struct app_ctx *c, struct err *e);

#endif
