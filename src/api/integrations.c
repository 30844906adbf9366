/*
 * api/integrations — GET /admin/api/v1/integrations and
 * GET|PUT /admin/api/v1/integrations/{slack|twitter|webhook} (SPEC §9) over
 * app/integrations. Replies never carry a secret.
 */
#include "app/integrations.h"
#include "api/resource.h"

static void list(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0) return;
    int rc = app_integrations_list(&c, &out, &e);
    api_finish(r, rc, 200, out, &e);
}

static void get(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0) return;
    int rc = app_integration_get(&c, r->params[0], &out, &e);
    api_finish(r, rc, 200, api_wrap(rc, "integration", out), &e);
}

static void put(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (api_begin_json(r, &c, false, &in) != 0) return;
    int rc = app_integration_put(&c, r->params[0], in, &out, &e);
    json_decref(in);
    api_finish(r, rc, 200, api_wrap(rc, "integration", out), &e);
}

const struct route api_integration_routes[] = {
    {M_GET, API_BASE "/integrations", list},
    {M_GET, API_BASE "/integrations/{kind}", get},
    {M_PUT, API_BASE "/integrations/{kind}", put},
    {0, NULL, NULL},
};
