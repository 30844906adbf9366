/*
 * app — permission checks, audit records and the commit that notifies the
 * rest of the process. See app.h.
 */
#include "app/app.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/audit.h"
#include "store/pages.h"
#include <assert.h>
#include <stdio.h>

int app_require(const struct app_ctx *c, enum perm p, struct err *e)
{
    if (c->actor.kind == ACTOR_SYSTEM || c->actor.kind == ACTOR_CLI ||
        c->actor.kind == ACTOR_MONITOR || c->actor.kind == ACTOR_ALERTS)
        return 0;
    if (c->actor.kind == ACTOR_PUBLIC)
        return p == PERM_READ ? 0 : err_set(e, ERR_FORBIDDEN, "sign in to do this");
    if (!role_allows(c->actor.role, p))
        return err_set(e, ERR_FORBIDDEN, "your role (%s) does not allow this",
                       role_name(c->actor.role));
    return 0;
}

const char *app_actor_label(const struct actor *a, char *buf, size_t size)
{
    switch (a->kind) {
    case ACTOR_TOKEN:
        snprintf(buf, size, "token:%lld", (long long)a->id);
        break;
    case ACTOR_USER:
        snprintf(buf, size, "user:%lld", (long long)a->id);
        break;
    case ACTOR_MONITOR:
        snprintf(buf, size, "monitor:%lld", (long long)a->id);
        break;
    case ACTOR_ALERTS:
        snprintf(buf, size, "alert-source:%lld", (long long)a->id);
        break;
    case ACTOR_CLI:
        snprintf(buf, size, "cli");
        break;
    case ACTOR_PUBLIC:
        snprintf(buf, size, "public");
        break;
    default:
        snprintf(buf, size, "system");
        break;
    }
    return buf;
}

int app_audit(struct app_ctx *c, const char *action, int64_t object_id, const char *detail,
              struct err *e)
{
    char actor[48];
    app_actor_label(&c->actor, actor, sizeof actor);
    return store_audit_insert(c->db, c->page_id, actor, action, object_id, detail, time_now(), e);
}

int app_commit(struct app_ctx *c, bool public_change, struct err *e)
{
    if (public_change && store_page_changed(c->db, c->page_id, c->app->node, time_now(), e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    if (db_commit(c->db, e) != 0) return -1;
    if (public_change && c->app->on_public_change) c->app->on_public_change(c->app, c->page_id);
    return 0;
}

int app_delete_one(struct app_ctx *c, enum perm p,
                   int (*del)(struct db *db, int64_t page_id, int64_t id, struct err *e),
                   const char *what, const char *action, int64_t id, bool public_change,
                   struct err *e)
{
    if (app_require(c, p, e) != 0 || db_begin(c->db, e) != 0) return -1;
    int d = del(c->db, c->page_id, id, e);
    if (d == 0) err_set(e, ERR_NOT_FOUND, "no %s with id %lld on this page", what, (long long)id);
    if (d <= 0 || app_audit(c, action, id, NULL, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    return app_commit(c, public_change, e);
}

int app_run_due(struct app *app, struct db *db, json_t *due, int64_t now, app_due_step step,
                const char *what, struct err *e)
{
    assert(due && step && what);
    int done = 0;
    bool failed = false;
    size_t i;
    json_t *d;
    json_array_foreach(due, i, d)
    {
        struct app_ctx c = {.app = app,
                            .db = db,
                            .page_id = json_integer_value(json_object_get(d, "page_id")),
                            .actor = {.kind = ACTOR_SYSTEM}};
        int64_t id = json_integer_value(json_object_get(d, "id"));
        struct err one = {0};
        int r = step(&c, id, now, &one);
        if (r < 0) {
            if (!err_logged_by_store(&one))
                log_error("maintenance %lld: %s failed: %s", (long long)id, what, one.msg);
            *e = one;
            failed = true;
        } else {
            done += r;
        }
    }
    json_decref(due);
    return failed ? -1 : done;
}
