/*
 * view_uptime — a service's uptime keys of the view model (public/view.h): "uptime",
 * "uptime_period" and "bars", the HTML of its 90 day bars (templates/public/_bars.html),
 * from its status spans.
 *
 * Formatting 90 bars (dates, labels, percentages) and rendering them was about half
 * of a snapshot build, and a status change rebuilds the page for one service while
 * the bars of the others have not moved. So the keys are remembered per service,
 * with what they were computed from: the spans, the UTC day and the minute. The same
 * spans in the same minute give the remembered values (the same JSON values,
 * shared by the models that use them, never changed); anything else computes them
 * again. Today's bar and the figure therefore lag the clock by less than a minute,
 * where a snapshot that nothing rebuilds keeps them as they were at its build.
 * Any thread (one lock around the memo).
 */
#ifndef PHAROS_VIEW_UPTIME_H
#define PHAROS_VIEW_UPTIME_H
#include "core/err.h"
#include "render/tmpl_set.h"
#include "store/public.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Sets "uptime", "uptime_period" and "bars" of SVC (service SERVICE_ID) from its N spans
 * SPANS (oldest first) as of NOW, the bars rendered with public/_bars.html of TMPLS.
 * Returns 0, or -1 with E filled when that template fails. */
int view_uptime_add(json_t *svc, int64_t service_id, const struct public_span *spans, size_t n,
                    int64_t now, struct tmpl_set *tmpls, struct err *e);
/* Forgets every remembered value (tests; at exit, for leak checkers). */
void view_uptime_forget(void);

#endif
