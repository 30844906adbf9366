/*
 * app/incidents — incident use cases (SPEC §5, §9, §10), shared by the REST API,
 * the admin console and anything else that acts on incidents.
 *
 * INCIDENT JSON: {"id","kind":"incident","title","stage","impact",
 * "services":[{"id","status"}],"draft","created_at","updated_at","resolved_at",
 * "updates":[{"id","stage","message","notify","created_at"}]} (updates oldest first).
 *
 * Writes need PERM_CONTENT, reads PERM_READ. An id of another page is unknown
 * (404). A refused request changes nothing. See app/events.h for how services
 * are held and released and when the outbox gets a job.
 *
 * Drafts (SPEC §14: a monitor's or an alert source's "incident": "draft" rule, or the
 * team's own "draft": true): an incident the public does not see (store/public.h
 * leaves it out of the page, history, feeds and JSON) and whose updates notify nobody,
 * though it holds its services like any open incident and takes updates, edits and
 * resolution as usual. Publishing shows it and notifies once, for its latest update,
 * as a creation in its current stage; a draft resolved before it is published goes
 * into the history quietly (like a backfilled incident: nobody is told of a problem
 * that is over).
 */
#ifndef PHAROS_APP_INCIDENTS_H
#define PHAROS_APP_INCIDENTS_H
#include "app/app.h"
#include "app/input.h"

/* {"incidents":[INCIDENT…],"next_cursor":…}, newest first, keyset-paged by id.
 * STATE: NULL or "" (all), "open" or "resolved". */
int app_incidents_list(struct app_ctx *c, const struct paging *pg, const char *state, json_t **out,
                       struct err *e);
int app_incident_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
/*
 * IN: title (≤200), message (≤20000, Markdown kept as is) — both required unless
 * template_id (an incident template of this page) supplies them; stage (default
 * investigating, any incident stage); impact (default from the worst status the
 * services set: degraded → minor, partial → major, major_outage → critical, else
 * none); services (ids, or {"id","status"} objects that also set the status);
 * notify (default true); draft (default false: true keeps it unpublished, see above);
 * started_at (RFC 3339, not in the future: a back-dated incident, SPEC §15) — the
 * incident's period and the status history rows its first update writes begin then (a
 * service whose history has a later row keeps it: its history is not rewritten), so
 * pages, history and uptime count it from then; its first update is still dated now.
 * *OUT gets the incident.
 */
int app_incident_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
/* POST updates. IN: stage (default: the current one), message (required), services,
 * notify (default true). A resolved incident takes no more updates (400). */
int app_incident_post_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out,
                             struct err *e);
/* PATCH. IN: title, impact, postmortem (Markdown ≤ LIMIT_POSTMORTEM; "" or null removes
 * it; resolved incidents only, else 400: SPEC §15). Posts no update and notifies nobody;
 * the postmortem shows on the incident's public page at once. */
int app_incident_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
/* POST incidents/{id}/postmortem. IN: notify (default true; NULL IN: {}). Sends the
 * postmortem (400 when there is none, or the incident is a draft) to e-mail subscribers
 * of its services and to the page's chat and webhook integrations (channel_postmortem_mask),
 * as an update of kind postmortem that the public page does not list; with notify false
 * only records it as published. Each call sends it again (a revised postmortem). Audited
 * as "incident.postmortem". *OUT gets the incident. */
int app_incident_postmortem_publish(struct app_ctx *c, int64_t id, json_t *in, json_t **out,
                                    struct err *e);
/* Deletes the incident; an open one first releases its services. */
int app_incident_delete(struct app_ctx *c, int64_t id, struct err *e);
/*
 * Publishes draft incident ID (PERM_CONTENT), in one transaction: it leaves the drafts
 * and, when still open, queues one notification of its latest update as a creation in
 * its stage (SPEC §10's creation row); a resolved one notifies nobody. Audited as
 * "incident.publish". 404 for an unknown id, 400 when it is published already.
 * *OUT gets the incident.
 */
int app_incident_publish(struct app_ctx *c, int64_t id, json_t **out, struct err *e);

#endif
