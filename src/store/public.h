/*
 * store/public — the reads behind the public status page (public/view.h): what
 * a visitor may see of one page, in the order it is shown (never a draft incident: it
 * is the team's until published). Read-only.
 *
 * JSON shapes (db_row_json conventions: "_at" columns as RFC 3339 text):
 *   service   {"id","name","description","group_id","position","status","created_at",
 *              "updated_at","show_response_time","visible","log_head"}  (visible: neither it nor
 * its group is hidden; log_head: the id of its newest service_status_log row, null when none — the
 * log only grows, so its history changed when that id did) span {"service_id","status","started"}
 * (started: Unix seconds) event
 * {"id","kind","title","stage","impact","scheduled_start","scheduled_end",
 *              "created_at","updated_at","resolved_at","period_start_at","period_end_at"}
 *              (period: when it happened: a maintenance's window, ended early by an
 *              early completion; an incident from creation to resolution)
 *   affected  {"update_id","service_id","old_status","new_status"}
 *   host      {"host","page_id"}
 */
#ifndef PHAROS_STORE_PUBLIC_H
#define PHAROS_STORE_PUBLIC_H
#include "store/db.h"

/* Every service of PAGE_ID in the order of services (store/service_order.h: ungrouped
 * first, then by group position, position, id). NULL on error. */
json_t *store_public_services(struct db *db, int64_t page_id, struct err *e);

/* One service_status_log row, for the uptime bars. */
struct public_span {
    int64_t service_id;
    int64_t started;
    char status[24];
};

/*
 * The status spans of SERVICE_ID that matter from SINCE on (its span in force at
 * SINCE, and every later one), in time order, into *OUT (malloc'd, *N entries; the
 * caller frees). Rows are read straight into C structs: a busy history costs no JSON.
 */
int store_service_spans(struct db *db, int64_t service_id, int64_t since, struct public_span **out,
                        size_t *n, struct err *e);

/* How many closed events PAGE_ID has: 0, or -1 on error. */
int64_t store_public_closed_count(struct db *db, int64_t page_id, struct err *e);

/*
 * The events of one list of the public page (EVENTS: EVENT rows in the list's order)
 * and, in one query each whatever their number, what the view needs of them:
 *   UPDATES   [{"event_id","id","stage","message","notify","created_at"}] by event, oldest first
 *   AFFECTED  [{"update_id","service_id","old_status","new_status"}] by update, services in
 *             display order (the status changes each update made)
 *   LINKS     [{"event_id","id","status"}] by event, in display order (the services each
 *             event links, with the status it sets)
 * The lists (struct public_list: KIND and its arguments):
 *   PL_OPEN    the open events (both kinds), newest first, at most LIMIT
 *   PL_CLOSED  closed events whose period ended at or after SINCE, by end, newest first,
 *              LIMIT from OFFSET (a period: a maintenance's window cut short by an early
 *              completion, an incident's creation to resolution)
 *   PL_RECENT  the most recent LIMIT events of EVENT_KIND
 *   PL_ONE     event ID of EVENT_KIND (none when it is not this page's)
 * Returns 0 and four new references, or -1 with E filled.
 */
enum public_list_kind { PL_OPEN, PL_CLOSED, PL_RECENT, PL_ONE };
struct public_list {
    enum public_list_kind kind;
    int64_t page_id;
    int64_t since, offset;  /* PL_CLOSED */
    const char *event_kind; /* PL_RECENT, PL_ONE: "incident" or "maintenance" */
    int64_t id;             /* PL_ONE */
    int limit;              /* PL_OPEN, PL_CLOSED, PL_RECENT */
};
int store_public_list(struct db *db, const struct public_list *l, json_t **events, json_t **updates,
                      json_t **affected, json_t **links, struct err *e);

/*
 * The maintenance of the calendar (GET /calendar.ics, SPEC §15): PAGE_ID's maintenance that
 * is not complete (scheduled, in progress, in verification) or was completed at or after
 * SINCE, by start (then id), at most LIMIT, into *EVENTS as
 *   [{"id","title","stage","scheduled_start","scheduled_end","created_at","updated_at",
 *     "resolved_at","message" (the latest plain update's, "" when none),"last_update_at"}]
 * and the services each links into *LINKS as [{"event_id","id"}] by event, in display order.
 * Returns 0 and two new references, or -1 with E filled.
 */
int store_public_calendar(struct db *db, int64_t page_id, int64_t since, int limit, json_t **events,
                          json_t **links, struct err *e);

/* Every host name of every page. NULL on error. */
json_t *store_public_hosts(struct db *db, struct err *e);

#endif
