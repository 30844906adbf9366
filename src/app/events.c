/*
 * app/events — the logic incidents and maintenance share. See events.h for the
 * rules; this file is the only place an event's stage, its links and the
 * statuses of its services change, always inside the caller's transaction.
 */
#include "app/events.h"
#include "app/translations.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "domain/notify_rules.h"
#include "store/services.h"
#include "store/templates.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str_of(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Fills E with "no incident with id N on this page" (404) and returns -1. */
static int not_found(enum event_kind k, int64_t id, struct err *e)
{
    return err_set(e, ERR_NOT_FOUND, "no %s with id %lld on this page", event_kind_name(k),
                   (long long)id);
}

/* "incident.update", "maintenance.delete", … into BUF. */
static const char *action(enum event_kind k, const char *verb, char *buf, size_t size)
{
    snprintf(buf, size, "%s.%s", event_kind_name(k), verb);
    return buf;
}

/* ---- input ---- */

static int parse_service(json_t *x, enum event_kind k, struct ev_service *out, struct err *e)
{
    static const char *const incident_keys[] = {"id", "status", NULL};
    static const char *const maintenance_keys[] = {"id", NULL};
    json_t *id = x;
    const char *status = NULL;
    memset(out, 0, sizeof *out);
    if (json_is_object(x)) {
        if (in_only(x, k == EVENT_INCIDENT ? incident_keys : maintenance_keys, e) != 0 ||
            in_text(x, "status", 40, false, false, &status, e) != 0)
            return -1;
        id = json_object_get(x, "id");
    } else if (!json_is_integer(x)) {
        return err_set(e, ERR_INVALID,
                       k == EVENT_INCIDENT
                           ? "must be a service id or an {\"id\",\"status\"} object"
                           : "must be a service id (maintenance sets its services to "
                             "under_maintenance while in progress)");
    }
    if (!id || !json_is_integer(id) || json_integer_value(id) <= 0)
        return err_set(e, ERR_INVALID, "id must be a service id (a positive whole number)");
    out->id = json_integer_value(id);
    if (status) {
        if (status_parse(status, &out->status) != 0)
            return err_set(e, ERR_INVALID, "unknown status \"%.40s\"; accepted: %s", status,
                           status_accepted());
        out->has_status = true;
    }
    return 0;
}

int events_parse_services(json_t *in, enum event_kind k, struct ev_services *out, struct err *e)
{
    json_t *v = json_object_get(in, "services");
    memset(out, 0, sizeof *out);
    if (!v || json_is_null(v)) return 0;
    if (!json_is_array(v))
        return err_set(e, ERR_INVALID, "services must be an array of service ids%s",
                       k == EVENT_INCIDENT ? " or {\"id\",\"status\"} objects" : "");
    if (json_array_size(v) > EVENTS_MAX_SERVICES)
        return err_set(e, ERR_INVALID, "services lists %zu services; at most %d are accepted",
                       json_array_size(v), EVENTS_MAX_SERVICES);
    out->v = xcalloc(json_array_size(v) + 1, sizeof *out->v);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        struct ev_service *s = &out->v[i];
        if (parse_service(x, k, s, e) != 0) goto fail;
        for (size_t j = 0; j < i; j++)
            if (out->v[j].id == s->id) {
                err_set(e, ERR_INVALID, "service %lld is listed twice", (long long)s->id);
                goto fail;
            }
        out->n = i + 1;
    }
    return 0;
fail : {
    char msg[sizeof e->msg];
    snprintf(msg, sizeof msg, "%s", e->msg);
    err_set(e, ERR_INVALID, "services[%zu]: %s", i, msg);
    events_services_free(out);
    return -1;
}
}

void events_services_free(struct ev_services *s)
{
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

int events_parse_stage(json_t *in, enum event_kind k, enum stage *out, struct err *e)
{
    const char *s = NULL;
    if (in_text(in, "stage", 40, false, false, &s, e) != 0) return -1;
    if (s && stage_parse(k, s, out) != 0)
        return err_set(e, ERR_INVALID, "unknown %s stage \"%.40s\"; accepted: %s",
                       event_kind_name(k), s, stage_accepted(k));
    return 0;
}

int events_read_text(struct app_ctx *c, json_t *in, enum event_kind k, const char **title,
                     const char **message, json_t **tmpl, struct err *e)
{
    int64_t tid = 0;
    *title = *message = NULL;
    *tmpl = NULL;
    if (in_text(in, "title", LIMIT_TITLE, false, false, title, e) != 0 ||
        in_text(in, "message", LIMIT_MESSAGE, false, true, message, e) != 0 ||
        in_id_or_null(in, "template_id", &tid, e) != 0)
        return -1;
    if (tid) {
        json_t *t = store_template_get(c->db, c->page_id, tid, e);
        if (!t)
            return e->code
                       ? -1
                       : err_set(e, ERR_INVALID, "template_id %lld is not a template of this page",
                                 (long long)tid);
        if (strcmp(str_of(t, "kind"), event_kind_name(k)) != 0) {
            json_decref(t);
            return err_set(e, ERR_INVALID, "template_id %lld is a template for %s; use one for %s",
                           (long long)tid, k == EVENT_INCIDENT ? "maintenance" : "incidents",
                           k == EVENT_INCIDENT ? "incidents" : "maintenance");
        }
        if (!*title) *title = str_of(t, "title");
        if (!*message) *message = str_of(t, "message");
        *tmpl = t;
    }
    if (text_check("title", *title ? *title : "", LIMIT_TITLE, true, false, e) != 0 ||
        text_check("message", *message ? *message : "", LIMIT_MESSAGE, true, true, e) != 0) {
        json_decref(*tmpl);
        *tmpl = NULL;
        return -1;
    }
    return 0;
}

bool events_stage_holds(enum event_kind k, enum stage s)
{
    if (k == EVENT_INCIDENT) return !stage_is_final(s);
    return s == STAGE_IN_PROGRESS || s == STAGE_VERIFICATION;
}

/* ---- reading ---- */

/* Returns a copy of the row EV with "services" and "updates" added (after "impact"). */
static json_t *with_details(struct app_ctx *c, json_t *ev, struct err *e)
{
    int64_t id = json_integer_value(json_object_get(ev, "id"));
    json_t *svcs = store_event_services(c->db, id, e);
    json_t *ups = svcs ? store_event_updates(c->db, id, e) : NULL;
    if (!ups) {
        json_decref(svcs);
        return NULL;
    }
    json_t *out = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(ev, key, v)
    {
        json_object_set(out, key, v);
        if (strcmp(key, "impact") == 0) json_object_set_new(out, "services", svcs);
    }
    size_t i;
    json_t *u;
    json_array_foreach(ups, i, u) /* "translations": the stored JSON text as an object */
    {
        json_t *tr = json_loads(json_string_value(json_object_get(u, "translations")), 0, NULL);
        json_object_set_new(u, "translations", json_is_object(tr) ? tr : json_object());
        if (!json_is_object(tr)) json_decref(tr);
    }
    json_object_set_new(out, "updates", ups);
    return out;
}

int events_get(struct app_ctx *c, enum event_kind k, int64_t id, json_t **out, struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0) return -1;
    json_t *ev = store_event_get(c->db, c->page_id, k, id, e);
    if (!ev) return e->code ? -1 : not_found(k, id, e);
    json_t *full = with_details(c, ev, e);
    json_decref(ev);
    if (!full) return -1;
    *out = full;
    return 0;
}

int events_list(struct app_ctx *c, enum event_kind k, const char *list_key, const struct paging *pg,
                const char *state, json_t **out, struct err *e)
{
    static const char *const incident_states[] = {"open", "resolved", NULL};
    static const char *const maintenance_states[] = {"open", "complete", NULL};
    enum event_filter f = EVENT_FILTER_ALL;
    if (app_require(c, PERM_READ, e) != 0 ||
        in_filter("state", state, k == EVENT_INCIDENT ? incident_states : maintenance_states,
                  &state, e) != 0)
        return -1;
    if (state) f = strcmp(state, "open") == 0 ? EVENT_FILTER_OPEN : EVENT_FILTER_CLOSED;
    json_t *rows = store_events_list(c->db, c->page_id, k, f, pg->cursor, pg->limit + 1, e);
    if (!rows) return -1;
    json_t *list = out_list(list_key, rows, pg, true);
    rows = json_object_get(list, list_key);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *full = with_details(c, row, e);
        if (!full) {
            json_decref(list);
            return -1;
        }
        json_array_set_new(rows, i, full);
    }
    *out = list;
    return 0;
}

/* ---- changing ---- */

/* Sets SERVICE_ID to ST when it differs, recording the change against UPDATE_ID (0: none). */
static int set_status(struct app_ctx *c, int64_t update_id, int64_t service_id, enum svc_status st,
                      struct err *e)
{
    json_t *s = store_service_get(c->db, c->page_id, service_id, e);
    if (!s) return e->code ? -1 : 0;
    const char *old = str_of(s, "status"), *new = status_name(st);
    int rc = 0;
    if (strcmp(old, new) != 0)
        rc = (store_service_set_status(c->db, service_id, new, time_now(), e) != 0 ||
              (update_id &&
               store_update_service_insert(c->db, update_id, service_id, old, new, e) != 0))
                 ? -1
                 : 0;
    json_decref(s);
    return rc;
}

/*
 * The status SERVICE_ID takes under the hold rule (domain/event.h) given the other
 * events that hold it now (every holder but EVENT_ID): with OWN, the status EVENT_ID
 * sets as it starts holding the service or changes its status (status_while_held);
 * without (NULL), as EVENT_ID lets it go (status_after_release).
 */
static int status_of_holders(struct app_ctx *c, int64_t service_id, int64_t event_id,
                             const enum svc_status *own, enum svc_status *out, struct err *e)
{
    json_t *links = store_service_event_links(c->db, service_id, event_id, e);
    if (!links) return -1;
    enum svc_status *held = xcalloc(json_array_size(links) + 1, sizeof *held);
    size_t n = 0, i;
    json_t *l;
    json_array_foreach(links, i, l)
    {
        enum event_kind k;
        enum stage s;
        if (event_kind_parse(str_of(l, "kind"), &k) == 0 &&
            stage_parse(k, str_of(l, "stage"), &s) == 0 && events_stage_holds(k, s) &&
            status_parse(str_of(l, "status"), &held[n]) == 0)
            n++;
    }
    *out = own ? status_while_held(*own, held, n) : status_after_release(held, n);
    free(held);
    json_decref(links);
    return 0;
}

/* The status a linked service takes: on RELEASE, the worst status the other holders
 * set, else operational (SPEC §5); when holding, the worst of the status of its link L
 * and theirs. 0 and *OUT set, 1 to leave the service alone, -1 on error. */
static int link_target(struct app_ctx *c, int64_t event_id, json_t *l, bool release,
                       enum svc_status *out, struct err *e)
{
    int64_t service_id = json_integer_value(json_object_get(l, "id"));
    enum svc_status own;
    if (release) return status_of_holders(c, service_id, event_id, NULL, out, e);
    if (status_parse(str_of(l, "status"), &own) != 0) return 1;
    return status_of_holders(c, service_id, event_id, &own, out, e);
}

/* Sets every service EVENT_ID links to its link_target(), recording changes against
 * UPDATE_ID: on RELEASE when the event stops holding its services, else when it starts. */
static int apply_links(struct app_ctx *c, int64_t event_id, int64_t update_id, bool release,
                       struct err *e)
{
    json_t *links = store_event_services(c->db, event_id, e);
    if (!links) return -1;
    int rc = 0;
    size_t i;
    json_t *l;
    json_array_foreach(links, i, l)
    {
        enum svc_status st;
        int t = link_target(c, event_id, l, release, &st, e);
        if (t < 0 ||
            (t == 0 &&
             set_status(c, update_id, json_integer_value(json_object_get(l, "id")), st, e) != 0)) {
            rc = -1;
            break;
        }
    }
    json_decref(links);
    return rc;
}

/*
 * Links service S to EVENT_ID: maintenance with under_maintenance, an incident with
 * the status S names or else (for a new link) the service's current status, unless
 * that is only the status the other holders set (operational then: a plain id sets no
 * status, and maintenance's under_maintenance must not outlive the maintenance). When
 * APPLY (the event holds its services now), a status S sets is applied at once, unless
 * another holder sets a worse one.
 */
static int link_service(struct app_ctx *c, enum event_kind k, int64_t event_id, int64_t update_id,
                        const struct ev_service *s, bool apply, struct err *e)
{
    json_t *row = store_service_get(c->db, c->page_id, s->id, e);
    if (!row)
        return e->code ? -1
                       : err_set(e, ERR_INVALID, "services: no service with id %lld on this page",
                                 (long long)s->id);
    enum svc_status st = SVC_OPERATIONAL;
    status_parse(str_of(row, "status"), &st);
    json_decref(row);
    bool sets = k == EVENT_MAINTENANCE || s->has_status;
    if (k == EVENT_MAINTENANCE)
        st = SVC_UNDER_MAINTENANCE;
    else if (s->has_status)
        st = s->status;
    else {
        enum svc_status others;
        if (status_of_holders(c, s->id, event_id, NULL, &others, e) != 0) return -1;
        if (others != SVC_OPERATIONAL && others == st) st = SVC_OPERATIONAL;
    }
    if (store_event_service_link(c->db, event_id, s->id, status_name(st), sets, e) != 0) return -1;
    if (!apply || !sets) return 0;
    enum svc_status shown;
    return status_of_holders(c, s->id, event_id, &st, &shown, e) != 0
               ? -1
               : set_status(c, update_id, s->id, shown, e);
}

int events_apply(struct app_ctx *c, enum event_kind k, int64_t id, enum stage from,
                 const struct ev_change *ch, struct err *e)
{
    int64_t now = time_now();
    bool held_before = !ch->creation && events_stage_holds(k, from);
    bool held_after = events_stage_holds(k, ch->stage);
    int64_t uid = store_event_update_insert(c->db, id, update_kind_name(UPDATE_PLAIN),
                                            stage_name(ch->stage), ch->message, ch->notify, now, e);
    if (uid < 0) return -1;
    if (ch->translations && store_update_translations_set(c->db, uid, ch->translations, e) != 0)
        return -1;
    for (size_t i = 0; ch->services && i < ch->services->n; i++)
        if (link_service(c, k, id, uid, &ch->services->v[i], held_after, e) != 0) return -1;
    if (held_after && !held_before && apply_links(c, id, uid, false, e) != 0) return -1;
    if (held_before && !held_after && apply_links(c, id, uid, true, e) != 0) return -1;
    if (store_event_set_stage(c->db, id, stage_name(ch->stage), stage_is_final(ch->stage) ? now : 0,
                              now, e) != 0)
        return -1;
    /* a draft notifies nobody: app_incident_publish queues its one job */
    unsigned channels = ch->draft ? 0 : notify_channels(k, ch->stage, ch->creation, ch->notify);
    if (channels && store_notify_job_insert(c->db, c->page_id, uid, channels, now, e) < 0)
        return -1;
    return 0;
}

int events_commit(struct app_ctx *c, struct err *e)
{
    if (app_commit(c, true, e) != 0) return -1;
    if (c->app->on_work) c->app->on_work(c->app);
    return 0;
}

int events_create(struct app_ctx *c, const struct event_fields *f, const struct ev_change *ch,
                  json_t **out, struct err *e)
{
    char act[32];
    assert(ch->creation && ch->draft == f->draft);
    assert(!f->draft || f->kind == EVENT_INCIDENT);
    if (db_begin(c->db, e) != 0) return -1;
    int64_t id = store_event_insert(c->db, c->page_id, f, time_now(), e);
    int64_t uid = 0;
    if (id < 0 || events_apply(c, f->kind, id, ch->stage, ch, e) != 0 ||
        /* a back-dated incident: the history its first update wrote begins when it began */
        (f->started_at && (store_event_last_update(c->db, id, &uid, e) != 0 ||
                           store_status_log_backdate(c->db, uid, f->started_at, e) != 0)) ||
        app_audit(c, action(f->kind, "create", act, sizeof act), id, f->title, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    if (events_commit(c, e) != 0) return -1;
    return events_get(c, f->kind, id, out, e);
}

/* The 400 for an update in stage TO on event ID, now in stage FROM. */
static int transition_error(enum event_kind k, int64_t id, enum stage from, enum stage to,
                            struct err *e)
{
    if (stage_is_final(from))
        return err_set(e, ERR_INVALID,
                       k == EVENT_INCIDENT
                           ? "incident %lld is resolved: resolved incidents take no more updates "
                             "(no stage is accepted); open a new incident instead"
                           : "maintenance %lld is complete: complete maintenance takes no more "
                             "updates (no stage is accepted); schedule new maintenance instead",
                       (long long)id);
    char accepted[160] = "";
    for (int s = 0; s < STAGE_COUNT; s++)
        if (stage_transition_ok(k, from, (enum stage)s)) {
            if (*accepted) strncat(accepted, ", ", sizeof accepted - strlen(accepted) - 1);
            strncat(accepted, stage_name((enum stage)s), sizeof accepted - strlen(accepted) - 1);
        }
    return err_set(e, ERR_INVALID,
                   "%s %lld is %s and cannot move to %s (stages only move forward); accepted: %s",
                   event_kind_name(k), (long long)id, stage_name(from), stage_name(to), accepted);
}

int events_post_update(struct app_ctx *c, enum event_kind k, int64_t id, json_t *in, json_t **out,
                       struct err *e)
{
    static const char *const keys[] = {"stage",  "message",      "services",
                                       "notify", "translations", NULL};
    struct ev_services sv = {0};
    struct ev_change ch = {.notify = true, .services = &sv};
    char *translations = NULL;
    struct event_row row;
    enum stage from, to = STAGE_COUNT;
    char act[32];
    int rc = -1;
    if (app_require(c, PERM_CONTENT, e) != 0 || in_only(in, keys, e) != 0 ||
        in_text(in, "message", LIMIT_MESSAGE, true, true, &ch.message, e) != 0 ||
        events_parse_stage(in, k, &to, e) != 0 || in_bool(in, "notify", &ch.notify, e) != 0 ||
        events_parse_services(in, k, &sv, e) != 0 ||
        app_translations_read(c, in, &translations, e) != 0)
        goto out;
    ch.translations = translations;
    if (db_begin(c->db, e) != 0) goto out;
    int found = store_event_load(c->db, c->page_id, k, id, &row, e);
    if (found <= 0) {
        if (found == 0) not_found(k, id, e);
        goto rollback;
    }
    if (stage_parse(k, row.stage, &from) != 0) {
        err_set(e, ERR_INTERNAL, "%s %lld has an unknown stage", event_kind_name(k), (long long)id);
        goto rollback;
    }
    ch.stage = to == STAGE_COUNT ? from : to;
    ch.draft = row.draft;
    if (!stage_transition_ok(k, from, ch.stage)) {
        transition_error(k, id, from, ch.stage, e);
        goto rollback;
    }
    if (events_apply(c, k, id, from, &ch, e) != 0 ||
        app_audit(c, action(k, "update", act, sizeof act), id, stage_name(ch.stage), e) != 0)
        goto rollback;
    if (events_commit(c, e) != 0) goto out;
    rc = events_get(c, k, id, out, e);
    goto out;
rollback:
    db_rollback(c->db);
out:
    free(translations);
    events_services_free(&sv);
    return rc;
}

int events_edit(struct app_ctx *c, enum event_kind k, int64_t id, const struct event_edit *ed,
                events_edit_check check, json_t **out, struct err *e)
{
    struct event_row row;
    char act[32];
    if (app_require(c, PERM_CONTENT, e) != 0 || db_begin(c->db, e) != 0) return -1;
    int found = store_event_load(c->db, c->page_id, k, id, &row, e);
    if (found <= 0) {
        if (found == 0) not_found(k, id, e);
        goto fail;
    }
    if ((check && check(&row, ed, e) != 0) ||
        store_event_edit(c->db, c->page_id, id, ed, time_now(), e) != 0 ||
        (ed->postmortem && store_event_set_postmortem(c->db, c->page_id, id,
                                                      ed->postmortem[0] ? ed->postmortem : NULL,
                                                      time_now(), e) < 0) ||
        app_audit(c, action(k, "edit", act, sizeof act), id, NULL, e) != 0)
        goto fail;
    if (events_commit(c, e) != 0) return -1;
    return events_get(c, k, id, out, e);
fail:
    db_rollback(c->db);
    return -1;
}

int events_delete(struct app_ctx *c, enum event_kind k, int64_t id, struct err *e)
{
    struct event_row row;
    enum stage st;
    char act[32];
    if (app_require(c, PERM_CONTENT, e) != 0 || db_begin(c->db, e) != 0) return -1;
    int found = store_event_load(c->db, c->page_id, k, id, &row, e);
    if (found <= 0) {
        if (found == 0) not_found(k, id, e);
        goto fail;
    }
    if (stage_parse(k, row.stage, &st) == 0 && events_stage_holds(k, st) &&
        apply_links(c, id, 0, true, e) != 0)
        goto fail;
    if (store_event_delete(c->db, c->page_id, k, id, e) < 0 ||
        app_audit(c, action(k, "delete", act, sizeof act), id, NULL, e) != 0)
        goto fail;
    return events_commit(c, e);
fail:
    db_rollback(c->db);
    return -1;
}
