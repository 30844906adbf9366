/*
 * api/metrics — GET /metrics: Prometheus text of core/metrics, served to
 * loopback clients, or to others presenting Authorization: Bearer METRICS_TOKEN
 * ([metrics] token). Without a configured token, only loopback may read it.
 */
#include "api/api.h"
#include "core/metrics.h"
#include "core/secret.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool loopback(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
           strncmp(addr, "::ffff:127.", 11) == 0;
}

static void metrics(struct req *r)
{
    struct app_thread *t = r->tctx;
    const char *want = t->app->cfg->metrics_token;
    const char *auth = req_header(r, "Authorization");
    bool token_ok = want && *want && auth && strncasecmp(auth, "Bearer ", 7) == 0 &&
                    secret_equal(auth + 7, want);
    if (!token_ok && !loopback(r->client)) {
        reply_fail(r, ERR_FORBIDDEN, "metrics are served to loopback clients, or with "
                                     "Authorization: Bearer and the [metrics] token");
        return;
    }
    char *text = metrics_render();
    reply_header(r, "Cache-Control", "no-store");
    reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
    free(text);
}

const struct route api_metrics_routes[] = {
    {M_GET, "/metrics", metrics},
    {0, NULL, NULL},
};
