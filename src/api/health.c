/*
 * api/health — GET /healthz: {"status":"ok"} when this worker's database answers.
 */
#include "api/api.h"

static void healthz(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    if (db_ping(t->db, &e) != 0) {
        reply_fail(r, ERR_UNAVAILABLE, "the database does not answer");
        return;
    }
    reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

const struct route api_health_routes[] = {
    {M_GET, "/healthz", healthz},
    {0, NULL, NULL},
};
