/*
 * api — authentication and the helpers every API handler shares. See api.h.
 */
#include "api/api.h"
#include "app/pages.h"
#include "app/tokens.h"
#include <string.h>
#include <strings.h>

const char *api_token(struct req *r)
{
    const char *t = req_header(r, "Authorization-Token");
    if (t) return t;
    const char *a = req_header(r, "Authorization");
    if (a && strncasecmp(a, "Bearer ", 7) == 0) {
        a += 7;
        while (*a == ' ')
            a++;
        return a;
    }
    return NULL;
}

int api_begin(struct req *r, struct app_ctx *c)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    int64_t token_id;
    memset(c, 0, sizeof *c);
    c->app = t->app;
    c->db = t->db;
    if (app_token_authenticate(t->app, t->db, r->host, api_token(r), &token_id, &c->page_id, &e) !=
        0)
        goto fail;
    c->actor = app_token_actor(token_id);
    return 0;
fail:
    reply_error(r, &e);
    return -1;
}

int api_begin_json(struct req *r, struct app_ctx *c, bool empty_ok, json_t **body)
{
    struct err e = {0};
    if (api_begin(r, c) != 0) return -1;
    if (req_json_body(r, empty_ok, body, &e) != 0) {
        reply_error(r, &e);
        return -1;
    }
    return 0;
}

int api_paging(struct req *r, struct paging *pg)
{
    struct err e = {0};
    if (in_paging(req_query(r, "limit"), req_query(r, "cursor"), pg, &e) != 0) {
        reply_error(r, &e);
        return -1;
    }
    return 0;
}

int64_t api_id(struct req *r, int i, const char *what)
{
    int64_t id = req_param_id(r, i);
    if (!id)
        reply_fail(r, ERR_NOT_FOUND, "no %s with id \"%.40s\" on this page", what,
                   i < r->nparams ? r->params[i] : "");
    return id;
}

void api_finish(struct req *r, int rc, int status, json_t *out, const struct err *e)
{
    if (rc != 0) {
        json_decref(out);
        reply_error(r, e);
    } else if (status == 204) {
        json_decref(out);
        reply_empty(r, 204);
    } else {
        reply_json(r, status, out);
    }
}

void api_register(void)
{
    router_add(api_health_routes);
    router_add(api_estatus_routes);
    router_add(api_service_routes);
    router_add(api_incident_routes);
    router_add(api_maintenance_routes);
    router_add(api_group_routes);
    router_add(api_template_routes);
    router_add(api_subscriber_routes);
    router_add(api_integration_routes);
    router_add(api_delivery_routes);
    router_add(api_page_routes);
    router_add(api_openapi_routes);
    router_add(api_metrics_routes);
    router_add(api_monitor_routes);
    router_add(api_alert_routes);
}
