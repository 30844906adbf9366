/*
 * api/resource — shared CRUD handler bodies. See resource.h.
 */
#include "api/resource.h"

json_t *api_wrap(int rc, const char *name, json_t *out)
{
    return rc ? NULL : json_pack("{s:o}", name, out);
}

void api_resource_create(struct req *r, const struct api_resource *res)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (api_begin_json(r, &c, false, &in) != 0) return;
    int rc = res->create(&c, in, &out, &e);
    json_decref(in);
    api_finish(r, rc, 201, api_wrap(rc, res->name, out), &e);
}

void api_resource_get(struct req *r, const struct api_resource *res)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *out = NULL;
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, res->name))) return;
    int rc = res->get(&c, id, &out, &e);
    api_finish(r, rc, 200, api_wrap(rc, res->name, out), &e);
}

void api_resource_apply(struct req *r, const char *name, api_apply_fn apply, int status)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, name))) return;
    if (req_json_body(r, false, &in, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    int rc = apply(&c, id, in, &out, &e);
    json_decref(in);
    api_finish(r, rc, status, api_wrap(rc, name, out), &e);
}

void api_resource_update(struct req *r, const struct api_resource *res)
{
    api_resource_apply(r, res->name, res->update, 200);
}

void api_resource_delete(struct req *r, const struct api_resource *res)
{
    struct app_ctx c;
    struct err e = {0};
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, res->name))) return;
    int rc = res->del(&c, id, &e);
    api_finish(r, rc, 204, NULL, &e);
}

void api_resource_list(struct req *r, const struct api_resource *res)
{
    struct app_ctx c;
    struct paging pg;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0 || api_paging(r, &pg) != 0) return;
    int rc = res->list(&c, &pg, &out, &e);
    api_finish(r, rc, 200, out, &e);
}

void api_resource_list_route(struct req *r)
{
    api_resource_list(r, r->route_arg);
}

void api_resource_create_route(struct req *r)
{
    api_resource_create(r, r->route_arg);
}

void api_resource_get_route(struct req *r)
{
    api_resource_get(r, r->route_arg);
}

void api_resource_update_route(struct req *r)
{
    api_resource_update(r, r->route_arg);
}

void api_resource_delete_route(struct req *r)
{
    api_resource_delete(r, r->route_arg);
}
