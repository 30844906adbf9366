/*
 * api/groups — /admin/api/v1/groups[/{id}] (SPEC §9) over app/groups.
 */
#include "app/groups.h"
#include "api/resource.h"

static const struct api_resource group = {"group", app_group_get, app_group_create,
                                          app_group_update, app_group_delete};

static void list(struct req *r)
{
    struct app_ctx c;
    struct paging pg;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0 || api_paging(r, &pg) != 0)
        return;
    int rc = app_groups_list(&c, &pg, &out, &e);
    api_finish(r, rc, 200, out, &e);
}





const struct route api_group_routes[] = {
    {M_GET, API_BASE "/groups", list},
    API_RESOURCE_ROUTES("/groups", group),
    {0, NULL, NULL},
};
