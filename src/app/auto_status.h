/*
 * app/auto_status — what automatic sources (monitors, alerts: SPEC §14) do to a service:
 * raise its status without lowering a worse one someone set, put back only the status
 * they set themselves once nothing else holds the service, and open and resolve the
 * incident of an "incident: publish" or "incident: draft" rule (a draft: unpublished,
 * notifying nobody, for the team to publish). The status steps run inside the caller's
 * transaction, on the service's row it locked; the incident steps after its commit,
 * through the incident use cases (their transactions, their notifications). Every change
 * is audited with C's actor (a monitor, an alert source).
 */
#ifndef PHAROS_APP_AUTO_STATUS_H
#define PHAROS_APP_AUTO_STATUS_H
#include "app/app.h"
#include "domain/status.h"

/* Which open events hold SERVICE_ID besides EXCEPT_EVENT (0: none): an incident, and
 * maintenance in progress (events_stage_holds). */
int auto_status_holders(struct db *db, int64_t service_id, int64_t except_event, bool *incident,
                        bool *maintenance, struct err *e);

/* Raises service SVC (its locked row, as store_service_lock gives it) to WANT unless it
 * shows WANT or worse already. *SET gets the status set (a static name) or NULL, and
 * *CHANGED turns true when it was written. */
int auto_status_raise(struct app_ctx *c, json_t *svc, enum svc_status want, const char **set,
                      bool *changed, struct err *e);

/* Puts service SVC (locked) back to TO (operational; the worst status of the other alerts
 * still firing) when it still shows SET, the status the caller set (a person's change
 * since stands), unless HELD (an open incident or maintenance holds it). *CHANGED turns
 * true when it was written. */
int auto_status_release(struct app_ctx *c, json_t *svc, const char *set, bool held,
                        enum svc_status to, bool *changed, struct err *e);

/* Opens an incident TITLE with MESSAGE (cut to their limits) holding SERVICE_ID at
 * STATUS: published, notifying per §10, or when DRAFT a draft notifying nobody. Returns
 * its id, or 0 (the failure is logged). */
int64_t auto_incident_open(struct app_ctx *c, const char *title, const char *message,
                           int64_t service_id, const char *status, bool draft);
/* Resolves INCIDENT with MESSAGE (notifying per §10, nobody while it is a draft); one
 * resolved or deleted meanwhile is left as it is. */
void auto_incident_resolve(struct app_ctx *c, int64_t incident, const char *message);

#endif
