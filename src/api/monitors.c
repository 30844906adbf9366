/*
 * api/monitors — /admin/api/v1/monitors[/{id}] (SPEC §14) over app/monitors: the shared
 * resource handlers, GET monitors/{id}/results?since=RFC3339 (each check of the day kept)
 * and GET monitors/{id}/rollups?since=RFC3339 (per-minute sums, 90 days), newest first,
 * paged.
 */
#include "app/monitors.h"
#include "api/resource.h"

static const struct api_resource monitor = {
    .name = "monitor",
    .get = app_monitor_get,
    .create = app_monitor_create,
    .update = app_monitor_update,
    .del = app_monitor_delete,
    .list = app_monitors_list,
};

typedef int (*since_list_fn)(struct app_ctx *c, int64_t id, const char *since,
                             const struct paging *pg, json_t **out, struct err *e);

/* GET monitors/{id}/THINGS?since=&limit=&cursor= through LIST. */
static void since_list(struct req *r, since_list_fn list)
{
    struct app_ctx c;
    struct paging pg;
    struct err e = {0};
    json_t *out = NULL;
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, "monitor")) || api_paging(r, &pg) != 0) return;
    int rc = list(&c, id, req_query(r, "since"), &pg, &out, &e);
    api_finish(r, rc, 200, out, &e);
}

static void results(struct req *r)
{
    since_list(r, app_monitor_results);
}

static void rollups(struct req *r)
{
    since_list(r, app_monitor_rollups);
}

const struct route api_monitor_routes[] = {
    {M_GET, API_BASE "/monitors", api_resource_list_route, &monitor},
    API_RESOURCE_ROUTES("/monitors", monitor),
    {M_GET, API_BASE "/monitors/{id}/results", results},
    {M_GET, API_BASE "/monitors/{id}/rollups", rollups},
    {0, NULL, NULL},
};
