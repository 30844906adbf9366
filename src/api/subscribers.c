/*
 * api/subscribers — /admin/api/v1/subscribers[/{id}] (SPEC §9) over app/subscribers;
 * the list takes ?channel= and ?state= and carries the page's counts. DELETE erases
 * (SPEC §15: the delivery records stay without the address) and
 * GET subscribers/{id}/export answers everything stored about one subscriber.
 * POST subscribers/{id}/reactivate posts a new test message to a quarantined (or pending)
 * URL subscriber, which is active again once it is answered (app/subscribe_hooks.h).
 */
#include "app/subscribers.h"
#include "api/resource.h"
#include "app/subscribe_hooks.h"

static const struct api_resource subscriber = {"subscriber", app_subscriber_get,
                                               app_subscriber_create, app_subscriber_update,
                                               app_subscriber_delete};

static void list(struct req *r)
{
    struct app_ctx c;
    struct paging pg;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0 || api_paging(r, &pg) != 0) return;
    int rc =
        app_subscribers_list(&c, req_query(r, "channel"), req_query(r, "state"), &pg, &out, &e);
    api_finish(r, rc, 200, out, &e);
}

static void export(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *out = NULL;
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, "subscriber"))) return;
    int rc = app_subscriber_export(&c, id, &out, &e);
    api_finish(r, rc, 200, out, &e);
}

static void reactivate(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *out = NULL;
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, "subscriber"))) return;
    int rc = app_subscriber_hook_reactivate(&c, id, &e);
    if (rc == 0) rc = app_subscriber_get(&c, id, &out, &e);
    api_finish(r, rc, 200, api_wrap(rc, "subscriber", out), &e);
}

const struct route api_subscriber_routes[] = {
    {M_GET, API_BASE "/subscribers", list},
    {M_GET, API_BASE "/subscribers/{id}/export", export},
    {M_POST, API_BASE "/subscribers/{id}/reactivate", reactivate},
    API_RESOURCE_ROUTES("/subscribers", subscriber),
    {0, NULL, NULL},
};
