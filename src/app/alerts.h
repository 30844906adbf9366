/*
 * app/alerts — alert sources and the alerts they post (SPEC §14): the alerting a team
 * already runs (Prometheus Alertmanager, Grafana, a script) drives the page.
 *
 * ALERT SOURCE JSON: {"id","kind":"alertmanager"|"grafana"|"generic","name","incident",
 * "created_at"}, and "url" (BASE/hooks/alerts/SECRET) in the creation's reply only: the
 * secret is kept hashed. Reads need PERM_READ, writes PERM_SETTINGS.
 *
 * An alert names its service by the label pharos_service (a name or an id) and its
 * status by pharos_status, else by severity: critical → major_outage, warning →
 * degraded_performance, anything else → partial_outage. A generic source posts
 * {"service","status","message","resolved"}, one alert per service. Alerts are kept by
 * fingerprint: firing raises the service's status (never lowering a worse one) and, with
 * the source's incident "publish", opens an incident ("draft": a draft incident, notifying
 * nobody until the team publishes it); resolved puts back what its firing
 * set unless another alert still fires on the service or an open incident or maintenance
 * holds it, and resolves the incident. A repeat changes nothing. Changes are audited as
 * "alert-source:ID".
 */
#ifndef PHAROS_APP_ALERTS_H
#define PHAROS_APP_ALERTS_H
#include "app/app.h"
#include "app/input.h"

enum { ALERTS_MAX = 1000 }; /* alerts in one post */

/* {"alert_sources":[ALERT SOURCE…],"next_cursor":…} by id. */
int app_alert_sources_list(struct app_ctx *c, const struct paging *pg, json_t **out, struct err *e);
/* IN: kind (required), name (required, ≤ 100), incident ("none", the default, "draft" or
 * "publish"). *OUT: the source with its "url", shown this once. */
int app_alert_source_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
int app_alert_source_delete(struct app_ctx *c, int64_t id, struct err *e);

/*
 * POST /hooks/alerts/SECRET with BODY. 404 for a secret no source has; 400 for a body not
 * in the source's shape; 422, changing nothing, when an alert names no service of the
 * source's page. *OUT: {"applied":[{"fingerprint","service_id","state","status",
 * "change":"raised"|"released"|"unchanged"}]}.
 */
int app_alerts_receive(struct app *app, struct db *db, const char *secret, json_t *body,
                       json_t **out, struct err *e);

#endif
