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

static void create(struct req *r)
{
    api_resource_create(r, &group);
}

static void get(struct req *r)
{
    api_resource_get(r, &group);
}

static void update(struct req *r)
{
    api_resource_update(r, &group);
}

static void del(struct req *r)
{
    api_resource_delete(r, &group);
}

const struct route api_group_routes[] = {
    {M_GET, API_BASE "/groups", list},        {M_POST, API_BASE "/groups", create},
    {M_GET, API_BASE "/groups/{id}", get},    {M_PATCH, API_BASE "/groups/{id}", update},
    {M_DELETE, API_BASE "/groups/{id}", del}, {0, NULL, NULL},
};
