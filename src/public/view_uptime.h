/*
 * view_uptime — a service's uptime keys of the view model (public/view.h): "uptime",
 * "uptime_period" and "bars", the HTML of its 90 day bars (templates/public/_bars.html),
 * from its status spans (and where monitors checked it, their failed checks); and what
 * public/view_lang.c needs to say them in another language: "bar_days" ([[day start,
 * worst status or -1 for no data, the day's "99.95%" or ""], …], oldest first) and
 * "uptime_since" (0: the figure covers the whole window; -1: since today; else since when).
 *
 * Formatting 90 bars (dates, labels, percentages) and rendering them was about half
 * of a snapshot build, and reading every service's 90 days of history most of the
 * rest, while a status change moves one service's bars. So each service's keys are
 * remembered with its spans and what they were computed from: the service's version
 * (view_uptime_version: its newest status log row, status and update time) and the
 * minute. The same version in the same minute gives the remembered values (the same
 * JSON values, shared by the models that use them, never changed); the same version
 * in a later minute computes them again from the remembered spans, without reading;
 * a new version reads the spans again. Today's bar and the figure therefore lag the
 * clock by less than a minute, where a snapshot that nothing rebuilds keeps them as
 * they were at its build. Any thread (one lock around the memo; reads and renders
 * run outside it).
 */
#ifndef PHAROS_VIEW_UPTIME_H
#define PHAROS_VIEW_UPTIME_H
#include "core/err.h"
#include "domain/uptime.h"
#include "render/tmpl_set.h"
#include "store/public.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Reads the spans of SERVICE_ID that matter as of NOW (store_service_spans: from the
 * span in force 90 days before NOW, oldest first) into *OUT (malloc'd) and *N: 0, or
 * -1 with E filled. */
typedef int (*view_spans_reader)(void *ctx, int64_t service_id, int64_t now,
                                 struct public_span **out, size_t *n, struct err *e);

/* The version of a service's uptime keys: what tells that its history may have moved.
 * LOG_HEAD is the id of its newest service_status_log row (0 when none): the log only
 * grows. STATUS and UPDATED_AT are the service's: on PostgreSQL a row with a smaller
 * id can commit after a larger one, but not without changing them (the status change
 * that logs the row sets them in the same transaction). NULL strings count as "". CHECKS
 * tells the service's monitor figures apart (view_checks_days' hash; 0: none). */
uint64_t view_uptime_version(int64_t log_head, const char *status, const char *updated_at,
                             uint64_t checks);

/* Sets "uptime", "uptime_period" and "bars" of SVC (service SERVICE_ID, at VERSION) as
 * of NOW, the bars rendered with public/_bars.html of TMPLS; days its monitors checked
 * count their failed CHECKS (VIEW_UPTIME_DAYS of them, oldest first; NULL: none; see
 * domain/uptime.h). Calls READ(CTX, …) when it needs the spans. Returns 0, or -1 with E
 * filled when the read or the template fails. */
int view_uptime_add(json_t *svc, int64_t service_id, uint64_t version, int64_t now,
                    const struct uptime_checks *checks, view_spans_reader read, void *ctx,
                    struct tmpl_set *tmpls, struct err *e);
/* Forgets every remembered value (tests; at exit, for leak checkers). */
void view_uptime_forget(void);

#endif
