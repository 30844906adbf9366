/*
 * api/incidents — /admin/api/v1/incidents[/{id}[/updates|/publish]] (SPEC §9, §14):
 *   GET  incidents               200 {"incidents":[INCIDENT…],"next_cursor":…}
 *                                    (?limit=, ?cursor=, ?state=open|resolved)
 *   POST incidents               201 {"incident":INCIDENT}
 *   GET|PATCH incidents/{id}     200 {"incident":INCIDENT}
 *   DELETE incidents/{id}        204
 *   POST incidents/{id}/updates  201 {"incident":INCIDENT}
 *   POST incidents/{id}/publish  200 {"incident":INCIDENT} (a draft published; no body,
 *                                    or {}; 400 when it is published already)
 *   POST incidents/{id}/postmortem 200 {"incident":INCIDENT} (its postmortem sent; body
 *                                    {"notify":bool} or none, SPEC §15)
 */
#include "app/incidents.h"
#include "api/events.h"
#include "core/utf8.h"

static const struct api_resource incident = {"incident", app_incident_get, app_incident_create,
                                             app_incident_update, app_incident_delete};

static void list(struct req *r)
{
    api_events_list(r, app_incidents_list);
}
static void post_update(struct req *r)
{
    api_events_post_update(r, &incident, app_incident_post_update);
}

static void publish(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    int64_t id;
    int rc = -1;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, "incident"))) return;
    if (req_json_body(r, true, &in, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    const char *key = json_object_iter_key(json_object_iter(in));
    char quoted[65];
    if (key)
        err_set(&e, ERR_INVALID,
                "unknown field \"%s\": publishing takes no fields (send no body, or {})",
                utf8_clip(key, quoted, sizeof quoted));
    else
        rc = app_incident_publish(&c, id, &out, &e);
    json_decref(in);
    api_finish(r, rc, 200, api_wrap(rc, "incident", out), &e);
}

static void postmortem(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, "incident"))) return;
    if (req_json_body(r, true, &in, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    int rc = app_incident_postmortem_publish(&c, id, in, &out, &e);
    json_decref(in);
    api_finish(r, rc, 200, api_wrap(rc, "incident", out), &e);
}

const struct route api_incident_routes[] = {
    {M_GET, API_BASE "/incidents", list},
    API_RESOURCE_ROUTES("/incidents", incident),
    {M_POST, API_BASE "/incidents/{id}/updates", post_update},
    {M_POST, API_BASE "/incidents/{id}/publish", publish},
    {M_POST, API_BASE "/incidents/{id}/postmortem", postmortem},
    {0, NULL, NULL},
};
