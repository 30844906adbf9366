/*
 * api/services — /admin/api/v1/services[/{id}] (SPEC §9): list with paging, and
 * the shared create/get/update/delete handlers of api/resource over app/services.
 */
#include "api/resource.h"
#include "app/services.h"

static const struct api_resource service = {"service", app_service_get, app_service_create,
                                            app_service_update, app_service_delete};

static void list(struct req *r)
{
    struct app_ctx c;
    struct paging pg;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0 || api_paging(r, &pg) != 0)
        return;
    int rc = app_services_list(&c, &pg, &out, &e);
    api_finish(r, rc, 200, out, &e);
}

const struct route api_service_routes[] = {
    {M_GET, API_BASE "/services", list},
    API_RESOURCE_ROUTES("/services", service),
    {0, NULL, NULL},
};
