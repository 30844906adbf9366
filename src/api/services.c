/*
 * api/services — /admin/api/v1/services[/{id}] (SPEC §9).
 */
#include "api/api.h"
#include "app/services.h"

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

static void create(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (api_begin_json(r, &c, false, &in) != 0)
        return;
    int rc = app_service_create(&c, in, &out, &e);
    json_decref(in);
    api_finish(r, rc, 201, rc ? NULL : json_pack("{s:o}", "service", out), &e);
}

static void get(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *out = NULL;
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, "service")))
        return;
    int rc = app_service_get(&c, id, &out, &e);
    api_finish(r, rc, 200, rc ? NULL : json_pack("{s:o}", "service", out), &e);
}

static void update(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, "service")))
        return;
    if (req_json_body(r, false, &in, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    int rc = app_service_update(&c, id, in, &out, &e);
    json_decref(in);
    api_finish(r, rc, 200, rc ? NULL : json_pack("{s:o}", "service", out), &e);
}

static void del(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, "service")))
        return;
    int rc = app_service_delete(&c, id, &e);
    api_finish(r, rc, 204, NULL, &e);
}

const struct route api_service_routes[] = {
    {M_GET, API_BASE "/services", list},
    {M_POST, API_BASE "/services", create},
    {M_GET, API_BASE "/services/{id}", get},
    {M_PATCH, API_BASE "/services/{id}", update},
    {M_DELETE, API_BASE "/services/{id}", del},
    {0, NULL, NULL},
};
