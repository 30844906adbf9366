/*
 * cli/serve — `pharos serve`: set up storage, start the background workers, then
 * run the HTTP server until SIGTERM/SIGINT. Each worker thread opens its own
 * database connection; so does each background worker.
 *
 * Background workers are woken through app.on_work after a commit that queued
 * notifications or changed schedules; they start before the HTTP server serves
 * and stop after its workers have exited, so on_work never sees a stopped one.
 */
#include "admin/admin.h"
#include "api/api.h"
#include "app/oidc.h"
#include "app/pages.h"
#include "app/scheduler.h"
#include "app/secret_key.h"
#include "app/subscribe_hooks.h"
#include "cli/cli.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "http/router.h"
#include "http/server.h"
#include "notify/notify.h"
#include "notify/prober.h"
#include "public/changes.h"
#include "public/snapshot.h"
#include "render/tmpl_set.h"
#include "web/web.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_BODY = 1 << 20, MAX_HEADERS = 16 << 10, TIMEOUT_S = 30 };

/* The background workers app.on_work wakes: maintenance times, notifications, monitors. */
static struct background {
    struct scheduler *scheduler;
    struct notify *notify;
    struct prober *prober;
} background;

/* The public snapshots (public/snapshot.h): this process's own public changes are built
 * before they are answered (on_public_change), other processes' through `changes`. */
static struct snapshot_registry *snapshots;
static struct changes *changes;

/* A writer's answer held until its change is on the public page. */
struct held_change {
    int64_t page_id;
    uint64_t target;
};

static bool held_change_ready(void *arg)
{
    struct held_change *h = arg;
    return snapshot_is_built(snapshots, h->page_id, h->target);
}

static void on_public_change(struct app *app, int64_t page_id)
{
    (void)app;
    changes_announce(changes, page_id);
    uint64_t target = snapshot_changed(snapshots, page_id);
    if (!target) return; /* nobody reads the page: its next request builds it */
    struct held_change *h = xmalloc(sizeof *h);
    *h = (struct held_change){page_id, target};
    /* an HTTP worker answers once the builder is done and serves on meanwhile; another
     * thread (the scheduler), or a second change in one request, waits here */
    if (http_hold_current(held_change_ready, free, h)) return;
    free(h);
    snapshot_wait_built(snapshots, page_id, target);
}

static void on_public_stale(struct app *app, int64_t page_id)
{
    (void)app;
    changes_announce(changes, page_id);
    snapshot_changed(snapshots, page_id);
}

static void on_snapshot_built(void *arg)
{
    http_server_wake_held(arg);
}

static void on_work(struct app *app)
{
    (void)app;
    scheduler_wake(background.scheduler);
    notify_wake(background.notify);
    prober_wake(background.prober);
}

/* Stops the background workers once the HTTP workers are gone (they may wake each other
 * until joined, so the hook is cleared last). */
static void background_stop(struct app *app)
{
    scheduler_stop(background.scheduler);
    background.scheduler = NULL;
    prober_stop(background.prober);
    background.prober = NULL;
    notify_stop(background.notify);
    background.notify = NULL;
    app->on_work = NULL;
}

static void *thread_init(int index, void *arg)
{
    struct app *app = arg;
    struct app_thread *t = xcalloc(1, sizeof *t);
    struct err e = {0};
    t->app = app;
    if (db_open(app->cfg->database, &t->db, &e) != 0) {
        log_error("worker %d: %s", index, e.msg);
        abort(); /* the main thread opened the same database a moment ago */
    }
    return t;
}

static void thread_cleanup(void *tctx)
{
    struct app_thread *t = tctx;
    snapshot_cache_free(t->snaps);
    db_close(t->db);
    free(t);
}

/* Threads for the requests that change something (http/server.h), PostgreSQL only: there
 * a write waits for round trips to another process and for its commit, and OFFLOAD_PER
 * per HTTP worker keep that many in flight while the workers serve on. SQLite takes
 * one writer at a time, and its round trips are calls. */
enum { OFFLOAD_PER = 2 };
static int offload_threads(struct db *db, int threads)
{
    return strcmp(db_kind(db), "postgresql") == 0 ? OFFLOAD_PER * threads : 0;
}

int cmd_serve(int argc, char **argv)
{
    static const char *const flags[] = {"listen", "base-url", NULL};
    struct cli_args a;
    struct config cfg;
    struct app app = {0};
    struct db *db = NULL;
    struct http_server *srv = NULL;
    struct tmpl_set *tmpls = NULL;
    struct err e = {0};
    int rc = EXIT_FAIL;
    if (cli_args_parse(argc, argv, flags, "serve", &a) != 0) return EXIT_USAGE;
    if (cli_config(&a, &cfg) != 0) return EXIT_USAGE;
    app.cfg = &cfg;
    if (app_oidc_check_config(&cfg, &e) != 0) {
        fprintf(stderr, "pharos: %s\n", e.msg);
        rc = EXIT_USAGE;
        goto out;
    }
    if (cli_open_db(&cfg, &db) != 0) goto out;
    struct app_ctx c = {.app = &app, .db = db, .actor = {.kind = ACTOR_SYSTEM}};
    if (app_secret_key_open(&c, cfg.secret_key_file, app.key, &e) != 0) goto fail;
    if (app_page_ensure_default(&c, &e) != 0) goto fail;
    if (app_hooks_seal(&app, db, &e) != 0) goto fail; /* URLs from before migration 0026 */

    struct http_server_opts opts = {
        .host = cfg.listen_host,
        .port = cfg.listen_port,
        .threads = (int)cfg.threads,
        .max_body = MAX_BODY,
        .max_headers = MAX_HEADERS,
        .timeout_s = TIMEOUT_S,
        .max_connections = (size_t)cfg.max_connections,
        .request_timeout_s = (int)cfg.request_timeout_s,
        .trusted_proxies = cfg.trusted_proxies,
        .offload_threads = offload_threads(db, (int)cfg.threads),
        .thread_init = thread_init,
        .thread_cleanup = thread_cleanup,
        .arg = &app,
    };
    if (http_server_new(&opts, &srv, &e) != 0) goto fail;
    config_bound_port(&cfg, http_server_port(srv));
    tmpls = tmpl_set_new_embedded("templates/");
    snapshots = snapshot_registry_new(&(struct snap_renderer){.tmpls = tmpls,
                                                              .base_url = cfg.base_url,
                                                              .base_host = cfg.base_host,
                                                              .spool_dir = cfg.data_dir},
                                      cfg.database);
    if (snapshot_registry_start(snapshots, &e) != 0 ||
        changes_start(snapshots, cfg.database, cfg.node_id, &changes, &e) != 0)
        goto fail;
    app.on_public_change = on_public_change;
    app.on_public_stale = on_public_stale;
    snapshot_registry_on_built(snapshots, on_snapshot_built, srv);
    app.node = cfg.node_id;
    web_public_init(snapshots);
    api_register();
    web_register();
    admin_register();
    char dbshown[512];
    char writes[32] = "";
    if (opts.offload_threads)
        snprintf(writes, sizeof writes, " and %d for writes", opts.offload_threads);
    log_info("pharos serving %s (listening on %s:%d, %ld threads%s, at most %ld connections, "
             "database %s, node %s)",
             cfg.base_url, cfg.listen_host, http_server_port(srv), cfg.threads, writes,
             cfg.max_connections, db_url_redacted(cfg.database, dbshown, sizeof dbshown),
             cfg.node_id);
    log_info("status page: %s/  admin console: %s/admin/  API: %s/admin/api/v1/", cfg.base_url,
             cfg.base_url, cfg.base_url);
    /* started after the startup lines so that nothing comes between them */
    if (scheduler_start(&app, &background.scheduler, &e) != 0 ||
        notify_start(&app, &background.notify, &e) != 0 ||
        prober_start(&app, &background.prober, &e) != 0)
        goto fail;
    app.on_work = on_work;
    if (http_server_run(srv, &e) != 0) goto fail;
    log_info("stopped");
    rc = EXIT_OK;
    goto out;
fail:
    fprintf(stderr, "pharos: %s\n", e.msg);
out:
    background_stop(&app);
    if (snapshots) snapshot_registry_on_built(snapshots, NULL, NULL);
    http_server_free(srv);
    app.on_public_change = NULL;
    app.on_public_stale = NULL;
    changes_stop(changes);
    changes = NULL;
    snapshot_registry_free(snapshots);
    snapshots = NULL;
    tmpl_set_free(tmpls);
    router_reset();
    db_close(db);
    config_free(&cfg);
    return rc;
}
