/*
 * api/page — GET|PATCH /admin/api/v1/page (SPEC §9): the settings of the page
 * the request is for, over app/pages.
 */
#include "api/resource.h"
#include "app/pages.h"

static void get(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0)
        return;
    int rc = app_page_get(&c, &out, &e);
    api_finish(r, rc, 200, api_wrap(rc, "page", out), &e);
}

static void update(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (api_begin_json(r, &c, false, &in) != 0)
        return;
    int rc = app_page_update(&c, in, &out, &e);
    json_decref(in);
    api_finish(r, rc, 200, api_wrap(rc, "page", out), &e);
}

const struct route api_page_routes[] = {
    {M_GET, API_BASE "/page", get},
    {M_PATCH, API_BASE "/page", update},
    {0, NULL, NULL},
};
