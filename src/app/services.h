/*
 * app/services — services and their status (SPEC §5, §9).
 */
#ifndef PHAROS_APP_SERVICES_H
#define PHAROS_APP_SERVICES_H
#include "app/app.h"
#include "app/input.h"

/* {"services":[SERVICE…],"next_cursor":…} ordered by group, then position. */
int app_services_list(struct app_ctx *c, const struct paging *pg, json_t **out, struct err *e);
int app_service_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e);
/* IN: name (required), description, group_id, position, hidden, status. */
int app_service_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e);
/* IN: any of the create fields. */
int app_service_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e);
int app_service_delete(struct app_ctx *c, int64_t id, struct err *e);
/* Sets the status from text (aliases accepted); *OUT gets the service. */
int app_service_set_status(struct app_ctx *c, int64_t id, const char *status, json_t **out,
                           struct err *e);
/*
 * app_service_set_status for an API request carrying TOKEN, for HOST's page, with the
 * token check and the service's lock in one statement (the eStatus PUT, the most
 * frequent write: on PostgreSQL two round trips instead of three). Returns 1, having
 * done nothing, when it cannot decide so (no token, an unknown status, a token unknown,
 * revoked or of another page, no such service), and always on SQLite: the caller then
 * takes the usual way (app_token_authenticate, app_service_set_status), which says what
 * was wrong. A request with a wrong token holds the shared write lock (no row lock) for
 * the two round trips of finding so, as a right one does for its change.
 */
int app_service_set_status_by_token(struct app *app, struct db *db, const char *host,
                                    const char *token, int64_t id, const char *status, json_t **out,
                                    struct err *e);

#endif
