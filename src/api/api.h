/*
 * api — the REST API adapters (SPEC §9): each handler authenticates, parses the
 * request into a JSON object, calls one app/ function and renders its result.
 * Handlers of one resource live in one file and export a route table.
 */
#ifndef PHAROS_API_H
#define PHAROS_API_H
#include "app/app.h"
#include "app/input.h"
#include "http/reply.h"
#include "http/router.h"

#define API_BASE "/admin/api/v1"

/*
 * Resolves the page from the Host header and authenticates the token
 * (Authorization-Token or Authorization: Bearer), filling C. A token of another
 * page gets 403. On failure it has replied and returns -1.
 */
int api_begin(struct req *r, struct app_ctx *c);
/* The request's token (Authorization-Token, else Authorization: Bearer), or NULL. */
const char *api_token(struct req *r);
/* Like api_begin, then parses the JSON body (empty allowed when EMPTY_OK). */
int api_begin_json(struct req *r, struct app_ctx *c, bool empty_ok, json_t **body);
/* Reads ?limit= and ?cursor=; on failure has replied and returns -1. */
int api_paging(struct req *r, struct paging *pg);
/* The id in route capture I, or replies 404 naming WHAT and returns 0. */
int64_t api_id(struct req *r, int i, const char *what);
/* Replies with OUT (stolen) when RC is 0, else with E. */
void api_finish(struct req *r, int rc, int status, json_t *out, const struct err *e);

/* Route tables of each resource file. */
extern const struct route api_service_routes[];
extern const struct route api_estatus_routes[];
extern const struct route api_health_routes[];
extern const struct route api_incident_routes[];
extern const struct route api_maintenance_routes[];
extern const struct route api_group_routes[];
extern const struct route api_template_routes[];
extern const struct route api_subscriber_routes[];
extern const struct route api_integration_routes[];
extern const struct route api_delivery_routes[];
extern const struct route api_page_routes[];
extern const struct route api_openapi_routes[];
extern const struct route api_metrics_routes[];
extern const struct route api_monitor_routes[];
extern const struct route api_alert_routes[];

/* Adds every API route to the router. */
void api_register(void);

#endif
