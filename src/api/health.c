/*
 * api/health — GET /healthz (SPEC §13): {"status":"ok","database":"sqlite"|
 * "postgresql","node":NODE_ID} while this worker's database answers; 503 with
 * {"status":"degraded",…,"error":"database unavailable: …"} while it does not
 * (the node keeps serving its last public snapshots meanwhile), so a load
 * balancer takes the node out of the write path and puts it back by itself.
 */
#include "api/api.h"

static void healthz(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct err e = {0};
    const char *node = t->app->cfg->node_id, *kind = db_kind(t->db);
    if (db_ping(t->db, &e) != 0) {
        reply_json(r, 503,
                   json_pack("{s:s,s:s,s:s,s:s}", "status", "degraded", "database", kind, "node",
                             node, "error",
                             e.code == ERR_UNAVAILABLE ? e.msg : "the database does not answer"));
        return;
    }
    reply_json(r, 200, json_pack("{s:s,s:s,s:s}", "status", "ok", "database", kind, "node", node));
}

const struct route api_health_routes[] = {
    {M_GET, "/healthz", healthz},
    {0, NULL, NULL},
};
