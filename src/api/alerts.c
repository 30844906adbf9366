/*
 * api/alerts — alert sources, /admin/api/v1/alert-sources (GET list, POST, DELETE one),
 * and the webhook their alerting posts to, POST /hooks/alerts/{secret} (SPEC §14): no
 * token, the secret in the URL is the credential (404 for an unknown one).
 */
#include "app/alerts.h"
#include "api/api.h"

static void list(struct req *r)
{
    struct app_ctx c;
    struct paging pg;
    struct err e = {0};
    json_t *out = NULL;
    if (api_begin(r, &c) != 0 || api_paging(r, &pg) != 0) return;
    int rc = app_alert_sources_list(&c, &pg, &out, &e);
    api_finish(r, rc, 200, out, &e);
}

static void create(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (api_begin_json(r, &c, false, &in) != 0) return;
    int rc = app_alert_source_create(&c, in, &out, &e);
    json_decref(in);
    api_finish(r, rc, 201, rc ? NULL : json_pack("{s:o}", "alert_source", out), &e);
}

static void del(struct req *r)
{
    struct app_ctx c;
    struct err e = {0};
    int64_t id;
    if (api_begin(r, &c) != 0 || !(id = api_id(r, 0, "alert source"))) return;
    api_finish(r, app_alert_source_delete(&c, id, &e), 204, NULL, &e);
}

static void hook(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    json_t *body = NULL, *out = NULL;
    if (req_json_body(r, false, &body, &e) != 0) {
        reply_error(r, &e);
        return;
    }
    int rc = app_alerts_receive(t->app, t->db, r->params[0], body, &out, &e);
    json_decref(body);
    api_finish(r, rc, 200, out, &e);
}

const struct route api_alert_routes[] = {
    {M_GET, API_BASE "/alert-sources", list},
    {M_POST, API_BASE "/alert-sources", create},
    {M_DELETE, API_BASE "/alert-sources/{id}", del},
    {M_POST, "/hooks/alerts/{secret}", hook},
    {0, NULL, NULL},
};
