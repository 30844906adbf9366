/*
 * api/events — the list and update-posting handlers of /incidents and
 * /maintenance. See events.h.
 */
#include "api/events.h"

void api_events_list(struct req *r, api_events_list_fn list)
{
    struct app_ctx c;
    struct paging pg;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0 || api_paging(r, &pg) != 0) return;
    int rc = list(&c, &pg, req_query(r, "state"), &out, &e);
    api_finish(r, rc, 200, out, &e);
}

void api_events_post_update(struct req *r, const struct api_resource *res,
                            api_events_update_fn post)
{
    api_resource_apply(r, res->name, post, 201);
}
