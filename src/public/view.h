/*
 * view — the ONE view model of a public page (ARCHITECTURE.md, "The public
 * snapshot"): a JSON object read from the database once per rebuild, from which
 * the HTML templates, the Statuspage-compatible JSON (render/statuspage.h), the
 * feeds and the badge are all rendered, so they cannot disagree.
 *
 * Model (keys stable: the templates under templates/public/ rely on them):
 *   page       {"id","slug","title","base_url","logo_url","brand_color","time_zone",
 *               "footer_links","url","updated_at"}   url: the page's public URL
 *               (view_page_url), no trailing '/'; base_url: its setting, "" when unset
 *   overall    {"status","label","indicator","description"}   (domain/status.h)
 *   sections   [{"name","grouped","group_id","status","label",
 *                "services":[SERVICE]}]        ungrouped services first, then each group
 *   services   [SERVICE]                       every visible service, in page order
 *   groups     [{"id","name","description","position","created_at","updated_at",
 *                "components":[ids]}]          visible groups that have visible services
 *   open_incidents, active_maintenance, upcoming_maintenance, recent_closed (7 days),
 *   incidents (50 most recent), maintenance (50 most recent):   [EVENT]
 *   calendar   [CAL_EVENT]  the maintenance of /calendar.ics (render/ical.h): scheduled, in
 *               progress or in verification, or completed in the last VIEW_CALENDAR_DAYS
 *               days, by start (at most VIEW_CALENDAR_EVENTS)
 *   history    {"total","pages","per_page"}
 *   response_times [{"id","name","day","quarter"}]  the visible services that show their
 *               response time, in page order, with their charts (render/chart.h models of
 *               the last 24 hours and 90 days; public/view_checks.h)
 *   has_open_incidents, has_active_maintenance, has_upcoming_maintenance,
 *   has_recent_closed, has_services, has_response_times: whether those lists are not empty
 *   generated_at (RFC 3339), generated_at_human
 * SERVICE {"id","name","description","group_id","position","status","label","created_at",
 *          "updated_at","uptime" ("99.95%"),"uptime_period" (what the figure covers: "over
 *          the past 90 days", "since Nov 3", "since today"),"bars" (the HTML of the 90 day
 *          bars, oldest first: public/_bars.html, public/view_uptime.h; a day its monitors
 *          checked counts their failed checks)}
 * EVENT
 * {"id","kind","is_incident","title","stage","stage_label","sp_status","impact", "path"
 * ("incidents/7"),"created_at","updated_at","resolved_at","scheduled_start",
 *          "scheduled_end","<time>_human" for the times set,"services":[{"id","name","status",
 *          "label"}],"has_services","updates":[UPDATE newest first],"last_update_at",
 *          "postmortem" (Markdown or null),"has_postmortem","postmortem_html"}
 * CAL_EVENT {"id","title","stage","stage_label","path","scheduled_start","scheduled_end",
 *          "created_at","updated_at","completed_at" (null while open),"message_text" (the
 *          latest update's message as plain text: markdown_to_text),"services":[{"id","name"}]
 *          (visible ones)}
 * UPDATE  {"id","event_id","stage","stage_label","sp_status","message","html",
 *          "created_at","created_at_human","rfc822","affected":[{"id","name","old_status",
 *          "new_status"}]}
 * Every string is stored text, unescaped: templates escape it; "html" is
 * markdown_to_html() output (raw HTML dropped), as is "postmortem_html", and, with "bars" (rendered
 * by a template), the only values rendered raw.
 */
#ifndef PHAROS_VIEW_H
#define PHAROS_VIEW_H
#include "core/err.h"
#include "render/tmpl_set.h"
#include "store/db.h"
#include <jansson.h>
#include <stdint.h>

enum {
    VIEW_UPTIME_DAYS = 90,
    VIEW_RECENT_DAYS = 7,
    VIEW_RECENT_EVENTS = 50, /* incidents.json, scheduled-maintenances.json */
    VIEW_HISTORY_PER_PAGE = 10,
    VIEW_CALENDAR_DAYS = 30,    /* completed maintenance stays in calendar.ics this long */
    VIEW_CALENDAR_EVENTS = 500, /* at most this many maintenance in it */
};

/*
 * Builds the model of PAGE_ID as of NOW; page.url is the page's public URL
 * (view_page_url) of SERVER_BASE, server.base_url, page.footer_html its footer note's
 * Markdown made HTML (absent without one); the uptime bars are rendered with
 * TMPLS. Returns 0 and a new reference in *OUT, or -1 with E filled (ERR_NOT_FOUND for
 * an unknown page).
 */
int view_build(struct db *db, int64_t page_id, const char *server_base, struct tmpl_set *tmpls,
               int64_t now, json_t **out, struct err *e);

/*
 * Event ID of kind KIND ("incident" or "maintenance") of MODEL's page, as EVENT
 * JSON, read from DB. Returns 0 and a new reference in *OUT, or -1 with E filled
 * (ERR_NOT_FOUND when there is no such event).
 */
int view_event(struct db *db, const json_t *model, const char *kind, int64_t id, json_t **out,
               struct err *e);

/*
 * History page N (1-based) of MODEL's page: {"events":[EVENT],"number","pages",
 * "prev","next"} (prev/next: page numbers, or absent). A page past the last is
 * ERR_NOT_FOUND, except page 1, which always exists.
 */
int view_history(struct db *db, const json_t *model, int n, json_t **out, struct err *e);

/* "Nov 26, 2026 17:00 UTC" for T into BUF. */
char *view_time_human(int64_t t, char *buf, size_t size);

#endif
