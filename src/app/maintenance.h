/*
 * app/maintenance — scheduled maintenance use cases (SPEC §5, §9, §10) and the
 * automatic transitions the scheduler (app/scheduler.h) carries out.
 *
 * MAINTENANCE JSON: like INCIDENT (app/incidents.h) with "kind":"maintenance",
 * "scheduled_start", "scheduled_end", "auto_start", "auto_complete", and
 * "completed_at" instead of "resolved_at".
 *
 * Stages only move forward: scheduled → in_progress → verification → complete
 * (the same stage again is allowed; nothing follows complete). While in progress
 * or in verification its services are under_maintenance; on completion they are
 * released (app/events.h). Writes need PERM_CONTENT, reads PERM_READ; an id of
 * another page is unknown (404); a refused request changes nothing.
 */
#ifndef PHAROS_APP_MAINTENANCE_H
#define PHAROS_APP_MAINTENANCE_H
#include "app/app.h"
#include "app/input.h"

/* {"maintenance":[MAINTENANCE…],"next_cursor":…}, newest first, keyset-paged by id.
 * STATE: NULL or "" (all), "open" or "complete". */
int app_maintenance_list(struct app_ctx *c, const struct paging *pg, const char *state,
                         json_t **out, struct err *e);
int app_maintenance_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
/*
 * IN: title, message (required unless template_id, a maintenance template of this
 * page, supplies them), scheduled_start and scheduled_end (RFC 3339, end after
 * start), services (ids), auto_start and auto_complete (default true), notify
 * (default true), stage (scheduled, the default, or in_progress to start it now).
 * A window that is already over (with auto_complete, and auto_start or in_progress)
 * is created complete: one update, notifying as NOTIFY says. *OUT gets the maintenance.
 */
int app_maintenance_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
/* POST updates. IN: stage (default: the current one; forward only), message
 * (required), services (ids), notify (default true). */
int app_maintenance_post_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out,
                                struct err *e);
/* PATCH. IN: title, scheduled_start, scheduled_end, auto_start, auto_complete (the
 * schedule of complete maintenance no longer changes). Notifies nobody. */
int app_maintenance_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
/* Deletes the maintenance; one in progress first releases its services. */
int app_maintenance_delete(struct app_ctx *c, int64_t id, struct err *e);

/*
 * Carries out, as ACTOR_SYSTEM on DB, the automatic transitions due at NOW on
 * every page: scheduled maintenance with auto_start whose start has come goes
 * in_progress ("Scheduled maintenance has started."), or straight to complete when
 * its end with auto_complete has come too; maintenance in progress or in
 * verification with auto_complete whose end has come goes complete ("Scheduled
 * maintenance is complete."). Each transition is an update, in its own
 * transaction, that notifies when the maintenance's latest update did (so a
 * maintenance posted with "notify": false stays quiet through its timed steps). Scheduled
 * maintenance without auto_start stays scheduled.
 *
 * Returns the number of transitions made, or -1 (E holds the last failure; the
 * others were still attempted). *NEXT gets the earliest time something becomes
 * due, 0 when nothing will.
 */
int app_maintenance_run_due(struct app *app, struct db *db, int64_t now, int64_t *next,
                            struct err *e);

#endif
