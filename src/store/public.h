/*
 * store/public — the reads behind the public status page (public/view.h): what
 * a visitor may see of one page, in the order it is shown. Read-only.
 *
 * JSON shapes (db_row_json conventions: "_at" columns as RFC 3339 text):
 *   service   {"id","name","description","group_id","position","status","created_at",
 *              "updated_at","visible"}  (visible: neither it nor its group is hidden)
 *   span      {"service_id","status","started"}            (started: Unix seconds)
 *   event     {"id","kind","title","stage","impact","scheduled_start","scheduled_end",
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
 * The status spans of PAGE_ID's services that matter from SINCE on (each
 * service's span in force at SINCE, and every later one), ordered by service,
 * then time, into *OUT (malloc'd, *N entries; the caller frees). Rows are read
 * straight into C structs: a page with a busy history costs no JSON.
 */
int store_public_spans(struct db *db, int64_t page_id, int64_t since, struct public_span **out,
                       size_t *n, struct err *e);

/* Open events of PAGE_ID (both kinds), newest first, at most LIMIT. NULL on error. */
json_t *store_public_open_events(struct db *db, int64_t page_id, int limit, struct err *e);

/* Closed events of PAGE_ID (both kinds) whose period ended at or after SINCE, the most
 * recently ended first, LIMIT of them from OFFSET. NULL on error. */
json_t *store_public_closed_events(struct db *db, int64_t page_id, int64_t since, int64_t offset,
                                   int limit, struct err *e);
/* How many closed events PAGE_ID has: 0, or -1 on error. */
int64_t store_public_closed_count(struct db *db, int64_t page_id, struct err *e);

/* The most recent LIMIT events of PAGE_ID of kind KIND ("incident", "maintenance"),
 * newest first. NULL on error. */
json_t *store_public_recent_events(struct db *db, int64_t page_id, const char *kind, int limit,
                                   struct err *e);

/* Event ID of PAGE_ID and kind KIND, or NULL (E->code ERR_OK when there is none). */
json_t *store_public_event(struct db *db, int64_t page_id, const char *kind, int64_t id,
                           struct err *e);

/* The status changes the updates of EVENT_ID made, by update, then in the order of services.
 * NULL on error. */
json_t *store_public_affected(struct db *db, int64_t event_id, struct err *e);

/* Every host name of every page. NULL on error. */
json_t *store_public_hosts(struct db *db, struct err *e);

#endif
