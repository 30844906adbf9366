/*
 * api/deliveries — GET /admin/api/v1/deliveries?channel=&state= (SPEC §9): the
 * notification log, newest first, over app/deliveries.
 */
#include "app/deliveries.h"
#include "api/api.h"

static void list(struct req *r)
{
    struct app_ctx c;
    struct paging pg;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0 || api_paging(r, &pg) != 0) return;
    int rc = app_deliveries_list(&c, req_query(r, "channel"), req_query(r, "state"), &pg, &out, &e);
    api_finish(r, rc, 200, out, &e);
}

const struct route api_delivery_routes[] = {
    {M_GET, API_BASE "/deliveries", list},
    {0, NULL, NULL},
};
