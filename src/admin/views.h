/*
 * admin/views — the view models console screens share: services with their
 * status dropdowns, grouped; event timelines with Markdown rendered; option
 * lists for stages, impacts and groups; subscriber counts as a table.
 * Each takes JSON from an app/ use case and adds what the templates show.
 */
#ifndef PHAROS_ADMIN_VIEWS_H
#define PHAROS_ADMIN_VIEWS_H
#include "app/app.h"
#include "domain/event.h"

/*
 * Adds to M: "services" (every service of C's page, each with "status_label",
 * "status_options" and "group_name"), "sections" (the same grouped:
 * [{"name","services"}…], ungrouped first, then in group order, as every list of
 * services is ordered) and "groups".
 */
int views_services(struct app_ctx *c, json_t *m, struct err *e);
/* [{"value","label","selected"}…]: "No group", then each group of GROUPS; CURRENT selected. */
json_t *views_group_options(json_t *groups, int64_t current);
/* COUNTS of app_subscriber_counts (stolen) as [{"channel","pending","active","stopped",
 * "unsubscribed"}…]. */
json_t *views_counts(json_t *counts);
/* HEALTH of app_delivery_health (stolen) with "channels" as [{"name",…}…] in a fixed order. */
json_t *views_health(json_t *health);
/* Decorates event EV (borrowed) for a timeline: "stage_label", each update's "html"
 * (Markdown rendered) and "stage_label", "timeline" (updates newest first), "open", and
 * "scheduled_start_local"/"scheduled_end_local": datetime-local values in ZONE. */
void views_event(json_t *ev, const char *zone);
/* Decorates every event of the array LIST. */
void views_events(json_t *list, const char *zone);
/* Stage options of kind K, CURRENT selected; with FROM (not NULL), only stages allowed after it. */
json_t *views_stage_options(enum event_kind k, const char *current, const char *from);
/* Impact options, CURRENT selected. */
json_t *views_impact_options(const char *current);
/*
 * Adds "pick" to M: every service of C's page with "checked" when SELECTED (the
 * event's "services" array, or NULL) names it, and "status_options" with the
 * status it sets selected (a blank "keep status" first).
 */
int views_service_picker(struct app_ctx *c, json_t *m, json_t *selected, struct err *e);

#endif
