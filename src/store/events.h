/*
 * store/events — SQL for incidents and maintenance (one `events` table, told apart
 * by kind), their updates, the services they link (event_services), the status
 * changes each update made (update_services), the notification outbox
 * (notify_jobs), and the queries of the maintenance scheduler.
 *
 * JSON shapes (db_row_json conventions: times as RFC 3339, booleans as true/false):
 *   incident row     {"id","kind","title","stage","impact","draft","started_at",
 *                     "created_at","updated_at","resolved_at","postmortem","postmortem_at",
 *                     "postmortem_published_at"}   (draft: not published yet, the public
 *                     reads of store/public.h leave drafts out; started_at: created_at
 *                     unless back-dated; postmortem: Markdown or null)
 *   maintenance row  {"id","kind","title","stage","impact","scheduled_start",
 *                     "scheduled_end","auto_start","auto_complete","created_at",
 *                     "updated_at","completed_at"}   (completed_at is the resolved_at column)
 *   link             {"id","status"}                         (event_services)
 *   update           {"id","kind","stage","message","notify","created_at"}   (kind:
 *                     update, reminder or postmortem: domain/event.h's enum update_kind)
 *
 * Every function taking PAGE_ID only sees rows of that page, so an id of another
 * page behaves exactly like an unknown id. Writes expect an open transaction
 * (db_begin) when they are part of a larger change; they do not open one.
 */
#ifndef PHAROS_STORE_EVENTS_H
#define PHAROS_STORE_EVENTS_H
#include "domain/event.h"
#include "store/db.h"

/* Which events a list returns: all, open ones (resolved_at NULL) or closed ones. */
enum event_filter { EVENT_FILTER_ALL, EVENT_FILTER_OPEN, EVENT_FILTER_CLOSED };

/* The fields of a new event. Times are Unix seconds; 0 means none (incidents). */
struct event_fields {
    enum event_kind kind;
    const char *title, *stage, *impact;
    int64_t scheduled_start, scheduled_end;
    bool auto_start, auto_complete;
    bool draft;         /* an incident nobody has published yet (false for maintenance) */
    int64_t started_at; /* an incident that began before it was created; 0: at creation */
};

/* Changes of a PATCH: NULL strings, 0 times and negative flags keep the current value. */
struct event_edit {
    const char *title, *impact;
    int64_t scheduled_start, scheduled_end;
    int auto_start, auto_complete;
    const char *postmortem; /* an incident's new postmortem ("": none); NULL keeps it */
};

/* What the use cases need to reason about one event (the scalar columns). */
struct event_row {
    int64_t id, page_id;
    char stage[24];
    int64_t scheduled_start, scheduled_end, resolved_at; /* 0: NULL */
    bool auto_start, auto_complete;
    bool draft;
};

/* Loads event ID of kind K on PAGE_ID into *OUT: 1 found, 0 no such event, -1 error. */
int store_event_load(struct db *db, int64_t page_id, enum event_kind k, int64_t id,
                     struct event_row *out, struct err *e);
/* Event ID of kind K on PAGE_ID as its row JSON (see above), or NULL (E->code ERR_OK: none). */
json_t *store_event_get(struct db *db, int64_t page_id, enum event_kind k, int64_t id,
                        struct err *e);
/* Up to LIMIT row JSONs of kind K on PAGE_ID, newest (highest id) first, with ids below
 * BEFORE_ID when it is not 0, filtered by F. NULL on error. */
json_t *store_events_list(struct db *db, int64_t page_id, enum event_kind k, enum event_filter f,
                          int64_t before_id, int limit, struct err *e);

/* Inserts an event created at NOW (open: resolved_at NULL). Returns its id or -1. */
int64_t store_event_insert(struct db *db, int64_t page_id, const struct event_fields *f,
                           int64_t now, struct err *e);
/* Sets the stage and updated_at; RESOLVED_AT 0 leaves the event open. */
int store_event_set_stage(struct db *db, int64_t id, const char *stage, int64_t resolved_at,
                          int64_t now, struct err *e);
/* Publishes draft incident ID on PAGE_ID: clears draft and sets updated_at to NOW.
 * Returns 1 when it was a draft of this page, 0 when there was none to publish, -1 on
 * error. */
int store_event_publish(struct db *db, int64_t page_id, int64_t id, int64_t now, struct err *e);
/* Applies the changes of ED to event ID on PAGE_ID and sets updated_at to NOW. */
int store_event_edit(struct db *db, int64_t page_id, int64_t id, const struct event_edit *ed,
                     int64_t now, struct err *e);
/* Sets the postmortem of incident ID on PAGE_ID to MARKDOWN (NULL: none) at NOW: 1 done,
 * 0 no such incident, -1 error. */
int store_event_set_postmortem(struct db *db, int64_t page_id, int64_t id, const char *markdown,
                               int64_t now, struct err *e);
/* Records that incident ID's postmortem was sent to subscribers at NOW. */
int store_event_postmortem_published(struct db *db, int64_t id, int64_t now, struct err *e);
/* Moves back to SINCE the status history rows update UPDATE_ID just wrote (a back-dated
 * incident's): each service's newest row, unless its history has a row after SINCE, which
 * stays as it was (the row then keeps its time). */
int store_status_log_backdate(struct db *db, int64_t update_id, int64_t since, struct err *e);
/* Deletes event ID of kind K on PAGE_ID with its updates, links and jobs:
 * 1 deleted, 0 no such event, -1 error. */
int store_event_delete(struct db *db, int64_t page_id, enum event_kind k, int64_t id,
                       struct err *e);

/* The services event ID links, as [{"id","status"}] in the order of services
 * (store/service_order.h); NULL on error. */
json_t *store_event_services(struct db *db, int64_t event_id, struct err *e);
/* Links SERVICE_ID to EVENT_ID with STATUS. An existing link keeps its status unless REPLACE. */
int store_event_service_link(struct db *db, int64_t event_id, int64_t service_id,
                             const char *status, bool replace, struct err *e);
/* The links of every event but EXCEPT_EVENT_ID to SERVICE_ID, as
 * [{"kind","stage","status"}] (the caller decides which of them still hold it). */
json_t *store_service_event_links(struct db *db, int64_t service_id, int64_t except_event_id,
                                  struct err *e);

/* The updates of EVENT_ID, oldest first, as update JSON; NULL on error. */
json_t *store_event_updates(struct db *db, int64_t event_id, struct err *e);
/* Whether the latest plain update of event EVENT_ID notified, into *NOTIFY (true when it
 * has none). Returns 0, or -1 with E. */
int store_event_last_notify(struct db *db, int64_t event_id, bool *notify, struct err *e);
/* The id of the latest plain update of event EVENT_ID into *UPDATE_ID (0 when it has
 * none). Returns 0, or -1 with E. */
int store_event_last_update(struct db *db, int64_t event_id, int64_t *update_id, struct err *e);
/* Appends an update of KIND (update_kind_name) created at NOW. Returns its id or -1. */
int64_t store_event_update_insert(struct db *db, int64_t event_id, const char *kind,
                                  const char *stage, const char *message, bool notify, int64_t now,
                                  struct err *e);
/* Sets the translations (SPEC §16; JSON text, app/translations.h) of update UPDATE_ID. */
int store_update_translations_set(struct db *db, int64_t update_id, const char *json,
                                  struct err *e);
/* Records that update UPDATE_ID changed SERVICE_ID from OLD_STATUS to NEW_STATUS. */
int store_update_service_insert(struct db *db, int64_t update_id, int64_t service_id,
                                const char *old_status, const char *new_status, struct err *e);
/* Queues the fan-out job of UPDATE_ID for the channel bit set CHANNELS (the outbox). */
int64_t store_notify_job_insert(struct db *db, int64_t page_id, int64_t update_id,
                                unsigned channels, int64_t now, struct err *e);

/*
 * Maintenance of any page due for an automatic transition at NOW, oldest first, at
 * most LIMIT, as [{"id","page_id"}]: scheduled with auto_start and scheduled_start
 * reached, or in progress / in verification with auto_complete and scheduled_end
 * reached. NULL on error.
 */
json_t *store_maintenance_due(struct db *db, int64_t now, int limit, struct err *e);
/* The earliest time at which some maintenance becomes due (see above) into *OUT, 0 when
 * none ever will. Returns 0, or -1 on error. */
int store_maintenance_next_due(struct db *db, int64_t *out, struct err *e);

#endif
