/*
 * api/page — GET|PATCH /admin/api/v1/page (SPEC §9): the settings of the page
 * the request is for, over app/pages; POST /admin/api/v1/page/read_key makes a new read
 * key (SPEC §16, app/page_access.h).
 */
#include "api/resource.h"
#include "app/page_access.h"
#include "app/pages.h"

static void get(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0) return;
    int rc = app_page_get(&c, &out, &e);
    api_finish(r, rc, 200, api_wrap(rc, "page", out), &e);
}

static void update(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (api_begin_json(r, &c, false, &in) != 0) return;
    int rc = app_page_update(&c, in, &out, &e);
    json_decref(in);
    api_finish(r, rc, 200, api_wrap(rc, "page", out), &e);
}

static void rotate_read_key(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0) return;
    int rc = app_page_read_key_rotate(&c, &out, &e);
    api_finish(r, rc, 200, out, &e);
}

const struct route api_page_routes[] = {
    {M_GET, API_BASE "/page", get},
    {M_PATCH, API_BASE "/page", update},
    {M_POST, API_BASE "/page/read_key", rotate_read_key},
    {0, NULL, NULL},
};
