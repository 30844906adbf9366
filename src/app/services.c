/*
 * app/services — service use cases. See services.h.
 * Status text is normalised through domain/status before it is stored, so the
 * database only ever holds the five canonical names.
 */
#include "app/services.h"
#include "app/pages.h"
#include "app/tokens.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "domain/status.h"
#include "store/groups.h"
#include "store/services.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

static int not_found(int64_t id, struct err *e)
{
    return err_set(e, ERR_NOT_FOUND, "no service with id %lld on this page", (long long)id);
}

int app_services_list(struct app_ctx *c, const struct paging *pg, json_t **out, struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0) return -1;
    json_t *rows = store_services_list(c->db, c->page_id, pg->cursor, pg->limit + 1, e);
    if (!rows) return -1;
    int64_t next = 0;
    if (json_array_size(rows) > (size_t)pg->limit) {
        json_array_remove(rows, (size_t)pg->limit);
        next = pg->cursor + pg->limit;
    }
    *out = json_pack("{s:o}", "services", rows);
    out_next_cursor(*out, next);
    return 0;
}

int app_service_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0) return -1;
    json_t *s = store_service_get(c->db, c->page_id, id, e);
    if (!s) return e->code ? -1 : not_found(id, e);
    *out = s;
    return 0;
}

/* Reads the fields of IN over F (which holds the current or default values). */
static int read_fields(struct app_ctx *c, json_t *in, bool create, struct service_fields *f,
                       struct err *e)
{
    static const char *const keys[] = {"name",   "description", "group_id",           "position",
                                       "hidden", "status",      "show_response_time", NULL};
    const char *status = NULL;
    if (in_only(in, keys, e) != 0 ||
        in_text(in, "name", LIMIT_NAME, create, false, &f->name, e) != 0 ||
        (in_has(in, "name") && text_check("name", f->name, LIMIT_NAME, true, false, e) != 0) ||
        in_text(in, "description", LIMIT_SHORT, false, true, &f->description, e) != 0 ||
        in_id_or_null(in, "group_id", &f->group_id, e) != 0 ||
        in_int(in, "position", 0, 1000000, &f->position, e) != 0 ||
        in_bool(in, "hidden", &f->hidden, e) != 0 ||
        in_bool(in, "show_response_time", &f->show_response_time, e) != 0 ||
        in_text(in, "status", 40, false, false, &status, e) != 0)
        return -1;
    if (status) {
        enum svc_status st;
        if (status_parse(status, &st) != 0)
            return err_set(e, ERR_INVALID, "unknown status \"%.40s\"; accepted: %s", status,
                           status_accepted());
        f->status = status_name(st);
    }
    if (f->group_id) {
        json_t *g = store_group_get(c->db, c->page_id, f->group_id, e);
        if (!g)
            return e->code ? -1
                           : err_set(e, ERR_INVALID, "group_id %lld is not a group of this page",
                                     (long long)f->group_id);
        json_decref(g);
    }
    return 0;
}

int app_service_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e)
{
    struct service_fields f = {.description = "", .status = "operational", .position = -1};
    if (app_require(c, PERM_CONTENT, e) != 0 || read_fields(c, in, true, &f, e) != 0) return -1;
    if (db_begin(c->db, e) != 0) return -1;
    if (f.position < 0 &&
        (f.position = store_service_next_position(c->db, c->page_id, f.group_id, e)) < 0)
        goto fail;
    int64_t id = store_service_insert(c->db, c->page_id, &f, e);
    if (id < 0 || app_audit(c, "service.create", id, f.name, e) != 0) goto fail;
    if (app_commit(c, true, e) != 0) return -1;
    return app_service_get(c, id, out, e);
fail:
    db_rollback(c->db);
    return -1;
}

int app_service_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e)
{
    json_t *cur = NULL;
    int rc = -1;
    if (app_require(c, PERM_CONTENT, e) != 0 || app_service_get(c, id, &cur, e) != 0) return -1;
    struct service_fields f = {
        .name = json_string_value(json_object_get(cur, "name")),
        .description = json_string_value(json_object_get(cur, "description")),
        .status = json_string_value(json_object_get(cur, "status")),
        .group_id = json_integer_value(json_object_get(cur, "group_id")),
        .position = json_integer_value(json_object_get(cur, "position")),
        .hidden = json_is_true(json_object_get(cur, "hidden")),
        .show_response_time = json_is_true(json_object_get(cur, "show_response_time")),
    };
    if (read_fields(c, in, false, &f, e) != 0 || db_begin(c->db, e) != 0) goto out;
    if (store_service_update(c->db, c->page_id, id, &f, e) != 0 ||
        app_audit(c, "service.update", id, NULL, e) != 0) {
        db_rollback(c->db);
        goto out;
    }
    if (app_commit(c, true, e) != 0) goto out;
    rc = app_service_get(c, id, out, e);
out:
    json_decref(cur);
    return rc;
}

int app_service_delete(struct app_ctx *c, int64_t id, struct err *e)
{
    if (app_require(c, PERM_CONTENT, e) != 0 || db_begin(c->db, e) != 0) return -1;
    int d = store_service_delete(c->db, c->page_id, id, e);
    if (d <= 0) {
        db_rollback(c->db);
        return d < 0 ? -1 : not_found(id, e);
    }
    if (app_audit(c, "service.delete", id, NULL, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    return app_commit(c, true, e);
}

/* The rest of a status change once S, the service's row, is locked in C's transaction
 * (db_begin_shared): writes, audits and commits if ST is new; consumes S. */
static int set_locked(struct app_ctx *c, json_t *s, enum svc_status st, json_t **out, struct err *e)
{
    int64_t id = json_integer_value(json_object_get(s, "id"));
    /* Setting the status it already has changes nothing: no write, no audit, no fsync. */
    if (strcmp(json_string_value(json_object_get(s, "status")), status_name(st)) == 0) {
        db_rollback(c->db);
        *out = s;
        return 0;
    }
    /* The reply is the row read above with what changed: no second read in the transaction
     * (on PostgreSQL every statement inside it is a round trip under the write lock). */
    int64_t now = time_now();
    if (store_service_set_status(c->db, id, status_name(st), now, e) != 0 ||
        app_audit(c, "service.status", id, status_name(st), e) != 0 ||
        app_commit(c, true, e) != 0) {
        db_rollback(c->db);
        json_decref(s);
        return -1;
    }
    char when[32];
    json_object_set_new(s, "status", json_string(status_name(st)));
    json_object_set_new(s, "updated_at", json_string(time_format(now, when, sizeof when)));
    *out = s;
    return 0;
}

int app_service_set_status(struct app_ctx *c, int64_t id, const char *status, json_t **out,
                           struct err *e)
{
    enum svc_status st;
    if (app_require(c, PERM_CONTENT, e) != 0) return -1;
    if (status_parse(status, &st) != 0)
        return err_set(e, ERR_INVALID, "unknown status \"%.40s\"; accepted: %s", status,
                       status_accepted());
    /* The most frequent write (monitoring scripts set statuses all day): a shared
     * transaction, so changes of different services commit together on PostgreSQL; it
     * decides on the service's row alone, and locks it. */
    if (db_begin_shared(c->db, e) != 0) return -1;
    json_t *s = store_service_lock(c->db, c->page_id, id, e);
    if (!s) {
        db_rollback(c->db);
        return e->code ? -1 : not_found(id, e);
    }
    return set_locked(c, s, st, out, e);
}

int app_service_set_status_by_token(struct app *app, struct db *db, const char *host,
                                    const char *token, int64_t id, const char *status, json_t **out,
                                    struct err *e)
{
    enum svc_status st;
    /* SQLite: a statement is a function call, so there is no round trip to save, and its
     * BEGIN takes the one write lock: a request with a wrong token would wait for other
     * writers' disk syncs and hold them up (the usual way reads the token first). */
    if (strcmp(db_kind(db), "postgresql") != 0) return 1;
    if (!token || !*token || status_parse(status, &st) != 0) return 1;
    char hash[TOKEN_HASH_HEX];
    secret_token_hash(token, hash);
    if (db_begin_shared(db, e) != 0) return -1;
    json_t *s = store_service_lock_for_token(db, hash, app_page_host(app, host), id, e);
    if (!s) {
        db_rollback(db);
        return e->code ? -1 : 1;
    }
    /* what api_begin would have made of the token: the context of its page */
    struct app_ctx c = {.app = app,
                        .db = db,
                        .page_id = json_integer_value(json_object_get(s, "page_id")),
                        .actor =
                            app_token_actor(json_integer_value(json_object_get(s, "token_id")))};
    int64_t used = json_integer_value(json_object_get(s, "token_used"));
    json_object_del(s, "page_id");
    json_object_del(s, "token_id");
    json_object_del(s, "token_used");
    assert(c.page_id > 0);
    if (app_require(&c, PERM_CONTENT, e) != 0) {
        db_rollback(db);
        json_decref(s);
        return -1;
    }
    int rc = set_locked(&c, s, st, out, e);
    app_token_touch(db, c.actor.id, used);
    return rc;
}
