/*
 * app — the use cases: one function per user action, shared by the REST API,
 * the admin console and the command line, so all three behave the same.
 *
 * Every use case takes a `struct app_ctx` (who acts, on which page, through
 * which connection), validates its input, checks the actor's permission, does
 * its work in one transaction and returns 0, or -1 with E filled and nothing
 * changed. Reads return new JSON references the caller owns.
 *
 * Input is a JSON object in the API's shape: the console turns its forms into
 * the same objects (app/input.h has the validators).
 */
#ifndef PHAROS_APP_H
#define PHAROS_APP_H
#include "core/config.h"
#include "core/err.h"
#include "core/secret.h"
#include "domain/role.h"
#include "store/db.h"
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Process-wide state, read-only once the server runs (hooks aside). */
struct app {
    const struct config *cfg;
    unsigned char key[SECRET_KEY_BYTES];
    /* This process's server.node_id when it serves pages (NULL: the command line), stamped
     * on its page_changes rows so its own changes thread passes over them. */
    const char *node;
    /* Called after a commit that changed what the public sees on PAGE_ID (it wrote a
     * page_changes row: store_page_changed), before the change is answered; may be NULL. */
    void (*on_public_change)(struct app *app, int64_t page_id);
    /* The same for a change nobody waits on (the figures monitors' roll-ups move): the page
     * is built again in the background, and the caller goes on at once; may be NULL. */
    void (*on_public_stale)(struct app *app, int64_t page_id);
    /* Called after a commit that queued notifications or changed schedules (may be NULL). */
    void (*on_work)(struct app *app);
    void *hook_arg;
};

/* ACTOR_MONITOR, ACTOR_ALERTS: a monitor's or an alert source's automatic change (id: the
 * monitor, the source), with the system's rights. */
enum actor_kind {
    ACTOR_SYSTEM,
    ACTOR_CLI,
    ACTOR_TOKEN,
    ACTOR_USER,
    ACTOR_PUBLIC,
    ACTOR_MONITOR,
    ACTOR_ALERTS
};

struct actor {
    enum actor_kind kind;
    int64_t id; /* token or user id */
    enum role role;
};

struct app_ctx {
    struct app *app;
    struct db *db;
    int64_t page_id;
    struct actor actor;
};

/* What each HTTP worker thread owns: its own database connection. */
struct snapshot_cache;

struct app_thread {
    struct app *app;
    struct db *db;
    struct snapshot_cache *snaps; /* public snapshots this thread served last (web/public.c) */
};

/* Fills E with 403 unless the actor may do P. */
int app_require(const struct app_ctx *c, enum perm p, struct err *e);

/* "user:3", "token:5", "monitor:2", "alert-source:4", "cli", "system", "public" into BUF. */
const char *app_actor_label(const struct actor *a, char *buf, size_t size);

/* Appends an audit record inside the open transaction. */
int app_audit(struct app_ctx *c, const char *action, int64_t object_id, const char *detail,
              struct err *e);

/* Commits the open transaction; when PUBLIC, moves the page's version on inside it first
 * (telling the other nodes) and fires on_public_change after. On failure the transaction
 * is rolled back. */
int app_commit(struct app_ctx *c, bool public_change, struct err *e);

/*
 * The whole "delete one object" use case: checks P, then in one transaction
 * deletes ID of C's page with DEL (a store_*_delete returning 1 deleted, 0 no
 * such object, -1 error), audits ACTION and commits (a public change when
 * PUBLIC_CHANGE). A missing object is a 404 naming WHAT ("group").
 */
int app_delete_one(struct app_ctx *c, enum perm p,
                   int (*del)(struct db *db, int64_t page_id, int64_t id, struct err *e),
                   const char *what, const char *action, int64_t id, bool public_change,
                   struct err *e);

/* Timed work the scheduler drives (maintenance transitions, reminders): runs STEP on each
 * row {"id","page_id"} of DUE (stolen) with the system as its actor, each in its own
 * transaction; a failure is logged ("maintenance ID: WHAT failed: …") and kept in E while
 * the others go on. Returns how many steps did something (STEP's 1s), or -1 after a
 * failure. */
typedef int (*app_due_step)(struct app_ctx *c, int64_t id, int64_t now, struct err *e);
int app_run_due(struct app *app, struct db *db, json_t *due, int64_t now, app_due_step step,
                const char *what, struct err *e);

#endif
