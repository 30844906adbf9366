/*
 * api/incidents — /admin/api/v1/incidents[/{id}[/updates]] (SPEC §9):
 *   GET  incidents               200 {"incidents":[INCIDENT…],"next_cursor":…}
 *                                    (?limit=, ?cursor=, ?state=open|resolved)
 *   POST incidents               201 {"incident":INCIDENT}
 *   GET|PATCH incidents/{id}     200 {"incident":INCIDENT}
 *   DELETE incidents/{id}        204
 *   POST incidents/{id}/updates  201 {"incident":INCIDENT}
 */
#include "api/events.h"
#include "app/incidents.h"

static const struct api_resource incident = {"incident", app_incident_get, app_incident_create,
                                             app_incident_update, app_incident_delete};

static void list(struct req *r) { api_events_list(r, app_incidents_list); }
static void post_update(struct req *r)
{
    api_events_post_update(r, &incident, app_incident_post_update);
}

const struct route api_incident_routes[] = {
    {M_GET, API_BASE "/incidents", list},
    API_RESOURCE_ROUTES("/incidents", incident),
    {M_POST, API_BASE "/incidents/{id}/updates", post_update},
    {0, NULL, NULL},
};
