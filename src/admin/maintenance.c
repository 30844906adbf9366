/*
 * admin/maintenance — the Maintenance screen (SPEC §8): list, schedule a window
 * (start, end, services, auto start / complete, notify) or start one now, post
 * updates Scheduled → In Progress → Verification → Complete, edit the title
 * and schedule, delete. The handlers are admin/events.c's, for EVENT_MAINTENANCE.
 * Times are entered and shown in UTC.
 */
#include "app/maintenance.h"
#include "admin/events.h"

static const struct field create_fields[] = {{"title", F_TEXT},           {"message", F_TEXT},
                                             {"scheduled_start", F_TIME}, {"scheduled_end", F_TIME},
                                             {"auto_start", F_BOOL},      {"auto_complete", F_BOOL},
                                             {"notify", F_BOOL},          {NULL, 0}};
static const struct field edit_fields[] = {{"title", F_TEXT},         {"scheduled_start", F_TIME},
                                           {"scheduled_end", F_TIME}, {"auto_start", F_BOOL},
                                           {"auto_complete", F_BOOL}, {NULL, 0}};
static const struct field update_fields[] = {
    {"stage", F_OPT}, {"message", F_TEXT}, {"notify", F_BOOL}, {NULL, 0}};

static const struct ev_screen maintenance = {
    .kind = EVENT_MAINTENANCE,
    .path = "/admin/maintenance",
    .list_key = "maintenance",
    .name = "maintenance",
    .title = "Maintenance",
    .closed = "complete",
    .create_fields = create_fields,
    .edit_fields = edit_fields,
    .update_fields = update_fields,
    .list = app_maintenance_list,
    .get = app_maintenance_get,
    .create = app_maintenance_create,
    .post_update = app_maintenance_post_update,
    .edit = app_maintenance_update,
    .del = app_maintenance_delete,
};

const struct route admin_maintenance_routes[] = {
    {M_GET, "/admin/maintenance", ev_list, &maintenance},
    {M_GET, "/admin/maintenance/new", ev_new, &maintenance},
    {M_POST, "/admin/maintenance", ev_create, &maintenance},
    {M_GET, "/admin/maintenance/{id}", ev_show, &maintenance},
    {M_POST, "/admin/maintenance/{id}", ev_edit, &maintenance},
    {M_POST, "/admin/maintenance/{id}/updates", ev_post_update, &maintenance},
    {M_POST, "/admin/maintenance/{id}/delete", ev_delete, &maintenance},
    {0, NULL, NULL},
};
