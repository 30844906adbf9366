/*
 * ical — the maintenance calendar (GET /calendar.ics, SPEC §15) as iCalendar (RFC 5545),
 * rendered from the view model's "calendar" (public/view.h) so it agrees with the page.
 * Pure: model → bytes.
 *
 * One VEVENT per maintenance: UID "maintenance-ID@HOST" (HOST: the page URL's), stable
 * across builds; DTSTART/DTEND in UTC ("…Z"); SUMMARY the title; DESCRIPTION the latest
 * update's message as plain text (cut at ICAL_DESCRIPTION_MAX bytes), then the stage and
 * the services (the first ICAL_SERVICES_MAX named, then how many more); URL the maintenance's
 * public page; STATUS CONFIRMED, or CANCELLED for maintenance completed before it started; TRANSP
 * TRANSPARENT (maintenance does not make anyone busy); CATEGORIES Maintenance. A completed
 * maintenance ends when it was completed, if that was inside its window (as on the history page).
 *
 * Every byte depends on the maintenance alone, never on when it was rendered: DTSTAMP and
 * LAST-MODIFIED are the maintenance's updated_at (the calendar carries no METHOD, so
 * DTSTAMP is the last change, RFC 5545 §3.8.7.2), so an unchanged calendar keeps its ETag
 * across rebuilds of the snapshot. Lines end in CRLF and are folded at 75 octets, never
 * inside a UTF-8 sequence; TEXT values escape \, ;, , and newlines (RFC 5545 §3.3.11),
 * and other control characters become spaces.
 */
#ifndef PHAROS_RENDER_ICAL_H
#define PHAROS_RENDER_ICAL_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum { ICAL_LINE_MAX = 75, ICAL_DESCRIPTION_MAX = 4000, ICAL_SERVICES_MAX = 20 };

/*
 * The calendar of MODEL's page: every maintenance of MODEL's "calendar", or with
 * SERVICE_ID (not 0) only those that link that service, which must be one of MODEL's
 * "services" (the caller checks: a hidden or unknown one is no calendar). X-WR-CALNAME
 * and NAME are "PAGE maintenance" ("PAGE maintenance: SERVICE" with a service). Returns
 * the malloc'd bytes (NUL-terminated) and their length in *LEN.
 */
char *ical_render(const json_t *model, int64_t service_id, size_t *len);

#endif
