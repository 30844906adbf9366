/*
 * web/snapshots — the snapshot registry every web route reads its page from (set once by
 * web_public_init before serving), and web_public_snapshot(): the request's page by Host,
 * through the worker thread's own cache (public/snapshot.h). Apart from web/public.c so
 * that the routes beside it (the door, subscription pages) reach the page without
 * reaching into it.
 */
#include "app/app.h"
#include "public/snapshot.h"
#include "web/web.h"
#include <stddef.h>

static struct snapshot_registry *registry;

void web_snapshots_use(struct snapshot_registry *g)
{
    registry = g;
}

struct snapshot *web_public_snapshot(struct req *r, struct err *e)
{
    struct app_thread *t = r->tctx;
    if (!registry) return err_set(e, ERR_UNAVAILABLE, "the public page is not available"), NULL;
    if (!t->snaps) t->snaps = snapshot_cache_new();
    return snapshot_acquire_cached(registry, t->snaps, t->db, r->host, e);
}
