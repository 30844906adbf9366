/*
 * api/maintenance — /admin/api/v1/maintenance[/{id}[/updates]] (SPEC §9):
 *   GET  maintenance               200 {"maintenance":[MAINTENANCE…],"next_cursor":…}
 *                                      (?limit=, ?cursor=, ?state=open|complete)
 *   POST maintenance               201 {"maintenance":MAINTENANCE}
 *   GET|PATCH maintenance/{id}     200 {"maintenance":MAINTENANCE}
 *   DELETE maintenance/{id}        204
 *   POST maintenance/{id}/updates  201 {"maintenance":MAINTENANCE}
 */
#include "api/events.h"
#include "app/maintenance.h"

static const struct api_resource maintenance = {"maintenance", app_maintenance_get,
                                                app_maintenance_create, app_maintenance_update,
                                                app_maintenance_delete};

static void list(struct req *r) { api_events_list(r, app_maintenance_list); }
static void create(struct req *r) { api_resource_create(r, &maintenance); }
static void get(struct req *r) { api_resource_get(r, &maintenance); }
static void update(struct req *r) { api_resource_update(r, &maintenance); }
static void del(struct req *r) { api_resource_delete(r, &maintenance); }
static void post_update(struct req *r)
{
    api_events_post_update(r, &maintenance, app_maintenance_post_update);
}

const struct route api_maintenance_routes[] = {
    {M_GET, API_BASE "/maintenance", list},
    {M_POST, API_BASE "/maintenance", create},
    {M_GET, API_BASE "/maintenance/{id}", get},
    {M_PATCH, API_BASE "/maintenance/{id}", update},
    {M_DELETE, API_BASE "/maintenance/{id}", del},
    {M_POST, API_BASE "/maintenance/{id}/updates", post_update},
    {0, NULL, NULL},
};
