/*
 * admin/incidents — the Incidents screen (SPEC §8): list, create from scratch
 * or from a template (or as a draft), post updates through the stages, edit title
 * and impact, publish a draft, delete. The handlers are admin/events.c's, for
 * EVENT_INCIDENT.
 */
#include "app/incidents.h"
#include "admin/events.h"

static const struct field create_fields[] = {
    {"title", F_TEXT},  {"message", F_TEXT}, {"stage", F_OPT}, {"impact", F_OPT},
    {"notify", F_BOOL}, {"draft", F_BOOL},   {NULL, 0}};
static const struct field edit_fields[] = {{"title", F_TEXT}, {"impact", F_OPT}, {NULL, 0}};
static const struct field update_fields[] = {
    {"stage", F_OPT}, {"message", F_TEXT}, {"notify", F_BOOL}, {NULL, 0}};

static const struct ev_screen incidents = {
    .kind = EVENT_INCIDENT,
    .path = "/admin/incidents",
    .list_key = "incidents",
    .name = "incident",
    .title = "Incidents",
    .closed = "resolved",
    .create_fields = create_fields,
    .edit_fields = edit_fields,
    .update_fields = update_fields,
    .list = app_incidents_list,
    .get = app_incident_get,
    .create = app_incident_create,
    .post_update = app_incident_post_update,
    .edit = app_incident_update,
    .del = app_incident_delete,
    .publish = app_incident_publish,
};

const struct route admin_incident_routes[] = {
    {M_GET, "/admin/incidents", ev_list, &incidents},
    {M_GET, "/admin/incidents/new", ev_new, &incidents},
    {M_POST, "/admin/incidents", ev_create, &incidents},
    {M_GET, "/admin/incidents/{id}", ev_show, &incidents},
    {M_POST, "/admin/incidents/{id}", ev_edit, &incidents},
    {M_POST, "/admin/incidents/{id}/updates", ev_post_update, &incidents},
    {M_POST, "/admin/incidents/{id}/delete", ev_delete, &incidents},
    {M_POST, "/admin/incidents/{id}/publish", ev_publish, &incidents},
    {0, NULL, NULL},
};
