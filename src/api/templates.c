/*
 * api/templates — /admin/api/v1/templates[/{id}] (SPEC §9) over app/templates;
 * the list takes ?kind=incident|maintenance.
 */
#include "app/templates.h"
#include "api/resource.h"

static const struct api_resource template = {"template", app_template_get, app_template_create,
                                             app_template_update, app_template_delete};

static void list(struct req *r)
{
    struct app_ctx c;
    struct paging pg;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0 || api_paging(r, &pg) != 0) return;
    int rc = app_templates_list(&c, req_query(r, "kind"), &pg, &out, &e);
    api_finish(r, rc, 200, out, &e);
}

const struct route api_template_routes[] = {
    {M_GET, API_BASE "/templates", list},
    API_RESOURCE_ROUTES("/templates", template),
    {0, NULL, NULL},
};
