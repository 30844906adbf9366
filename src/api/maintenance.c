/*
 * api/maintenance — /admin/api/v1/maintenance[/{id}[/updates]] (SPEC §9):
 *   GET  maintenance               200 {"maintenance":[MAINTENANCE…],"next_cursor":…}
 *                                      (?limit=, ?cursor=, ?state=open|complete)
 *   POST maintenance               201 {"maintenance":MAINTENANCE}
 *   GET|PATCH maintenance/{id}     200 {"maintenance":MAINTENANCE}
 *   DELETE maintenance/{id}        204
 *   POST maintenance/{id}/updates  201 {"maintenance":MAINTENANCE}
 */
#include "app/maintenance.h"
#include "api/events.h"

static const struct api_resource maintenance = {"maintenance", app_maintenance_get,
                                                app_maintenance_create, app_maintenance_update,
                                                app_maintenance_delete};

static void list(struct req *r)
{
    api_events_list(r, app_maintenance_list);
}
static void post_update(struct req *r)
{
    api_events_post_update(r, &maintenance, app_maintenance_post_update);
}

const struct route api_maintenance_routes[] = {
    {M_GET, API_BASE "/maintenance", list},
    API_RESOURCE_ROUTES("/maintenance", maintenance),
    {M_POST, API_BASE "/maintenance/{id}/updates", post_update},
    {0, NULL, NULL},
};
