/*
 * api/services — /admin/api/v1/services[/{id}] (SPEC §9): list with paging, and
 * the shared create/get/update/delete handlers of api/resource over app/services.
 */
#include "app/services.h"
#include "api/resource.h"

static const struct api_resource service = {
    .name = "service",
    .get = app_service_get,
    .create = app_service_create,
    .update = app_service_update,
    .del = app_service_delete,
    .list = app_services_list,
};

const struct route api_service_routes[] = {
    {M_GET, API_BASE "/services", api_resource_list_route, &service},
    API_RESOURCE_ROUTES("/services", service),
    {0, NULL, NULL},
};
