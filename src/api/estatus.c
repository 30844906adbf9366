/*
 * api/estatus — the two eStatus.io-compatible endpoints (SPEC §9):
 *   GET /admin/api/v1/service/services/list/          → {"services":[SERVICE…]}
 *   PUT|POST /admin/api/v1/service/put/{id}/{status}/ → {"service":SERVICE}
 * The PUT is what monitoring scripts call all day: on PostgreSQL its token check and row
 * lock are one statement (app_service_set_status_by_token).
 */
#include "api/api.h"
#include "app/services.h"

static void list(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *all = json_array(), *page = NULL;
    if (api_begin(r, &c) != 0) {
        json_decref(all);
        return;
    }
    struct paging pg = {.limit = 500, .cursor = 0};
    int rc;
    for (;;) {
        if ((rc = app_services_list(&c, &pg, &page, &e)) != 0) break;
        json_array_extend(all, json_object_get(page, "services"));
        json_t *next = json_object_get(page, "next_cursor");
        bool more = json_is_string(next);
        json_decref(page);
        if (!more) break;
        pg.cursor += pg.limit;
    }
    api_finish(r, rc, 200, rc ? NULL : json_pack("{s:o}", "services", all), &e);
    if (rc) json_decref(all);
}

/* The token check and the service's lock in one statement when all is well (on
 * PostgreSQL); the usual way (api_begin, then the use case) otherwise, to say what was
 * wrong. */
static void put(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct app_ctx c;
    struct err e = {0};
    json_t *out = NULL;
    int64_t id = req_param_id(r, 0);
    int rc = 1;
    if (id)
        rc = app_service_set_status_by_token(t->app, t->db, r->host, api_token(r), id, r->params[1],
                                             &out, &e);
    if (rc == 1) {
        if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, "service"))) return;
        rc = app_service_set_status(&c, id, r->params[1], &out, &e);
    }
    api_finish(r, rc, 200, rc ? NULL : json_pack("{s:o}", "service", out), &e);
}

const struct route api_estatus_routes[] = {
    {M_GET, API_BASE "/service/services/list", list},
    {M_PUT | M_POST, API_BASE "/service/put/{id}/{status}", put},
    {0, NULL, NULL},
};
