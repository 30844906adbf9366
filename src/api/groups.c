/*
 * api/groups — /admin/api/v1/groups[/{id}] (SPEC §9) over app/groups.
 */
#include "app/groups.h"
#include "api/resource.h"

static const struct api_resource group = {
    .name = "group",
    .get = app_group_get,
    .create = app_group_create,
    .update = app_group_update,
    .del = app_group_delete,
    .list = app_groups_list,
};

const struct route api_group_routes[] = {
    {M_GET, API_BASE "/groups", api_resource_list_route, &group},
    API_RESOURCE_ROUTES("/groups", group),
    {0, NULL, NULL},
};
