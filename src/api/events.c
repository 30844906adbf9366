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
    if (api_begin(r, &c) != 0 || api_paging(r, &pg) != 0)
        return;
    int rc = list(&c, &pg, req_query(r, "state"), &out, &e);
    api_finish(r, rc, 200, out, &e);
}

void api_events_post_update(struct req *r, const struct api_resource *res,
                            api_events_update_fn post)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, res->name)))
        return;
    if (req_json_body(r, false, &in, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    int rc = post(&c, id, in, &out, &e);
    json_decref(in);
    api_finish(r, rc, 201, api_wrap(rc, res->name, out), &e);
}
