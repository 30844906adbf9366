/*
 * app/alerts — alert sources and alert webhooks. See alerts.h.
 *
 * A post is read whole first (every alert's shape, service and status), so a bad one
 * refuses the post before anything changes; then every alert is applied in one
 * transaction, each under its row's lock (two posts of one fingerprint never interleave),
 * with the statuses it changes; incidents are opened and resolved after the commit
 * (app/auto_status.h).
 */
#include "app/alerts.h"
#include "app/auto_status.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "domain/status.h"
#include "store/alerts.h"
#include "store/services.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kinds[] = {"alertmanager", "grafana", "generic", NULL};
static const char *const incident_rules[] = {"none", "draft", "publish", NULL};

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int64_t jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

int app_alert_sources_list(struct app_ctx *c, const struct paging *pg, json_t **out, struct err *e)
{
    if (app_require(c, PERM_READ, e) != 0) return -1;
    json_t *rows = store_alert_sources_list(c->db, c->page_id, pg->cursor, pg->limit + 1, e);
    if (!rows) return -1;
    *out = out_list("alert_sources", rows, pg, false);
    return 0;
}

int app_alert_source_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e)
{
    static const char *const keys[] = {"kind", "name", "incident", NULL};
    const char *kind = NULL, *name = NULL, *incident = "none";
    if (app_require(c, PERM_SETTINGS, e) != 0) return -1;
    if (in_only(in, keys, e) != 0 || in_enum(in, "kind", kinds, true, &kind, e) != 0 ||
        in_text(in, "name", LIMIT_NAME, true, false, &name, e) != 0 ||
        in_enum(in, "incident", incident_rules, false, &incident, e) != 0)
        return -1;
    char *secret = secret_token_new("");
    char hash[TOKEN_HASH_HEX];
    secret_token_hash(secret, hash);
    int64_t id = -1;
    if (db_begin(c->db, e) == 0) {
        id =
            store_alert_source_insert(c->db, c->page_id, kind, name, incident, hash, time_now(), e);
        if (id < 0 || app_audit(c, "alert_source.create", id, name, e) != 0) {
            db_rollback(c->db);
            id = -1;
        } else if (app_commit(c, false, e) != 0) {
            id = -1;
        }
    }
    if (id > 0 && (*out = store_alert_source_get(c->db, c->page_id, id, e))) {
        char url[1024];
        snprintf(url, sizeof url, "%s/hooks/alerts/%s", c->app->cfg->base_url, secret);
        json_object_set_new(*out, "url", json_string(url));
    }
    sodium_memzero(secret, strlen(secret));
    free(secret);
    return id > 0 && *out ? 0 : -1;
}

int app_alert_source_delete(struct app_ctx *c, int64_t id, struct err *e)
{
    return app_delete_one(c, PERM_SETTINGS, store_alert_source_delete, "alert source",
                          "alert_source.delete", id, false, e);
}

/* ---- reading a post --------------------------------------------------------------- */

/* One alert of a post, read. */
struct alert_in {
    char fingerprint[TOKEN_HASH_HEX + 16];
    json_t *service; /* the page's service it names (a reference into the list) */
    enum svc_status status;
    bool firing;
    const char *title, *message; /* for an incident; point into the body */
};

/* The service of SERVICES (the page's, as store_services_list gives them) that REF
 * names: its id, else its name (exactly, else without regard to case). */
static json_t *service_named(json_t *services, const char *ref)
{
    size_t i;
    json_t *s;
    char *end;
    long long id = strtoll(ref, &end, 10);
    if (*ref && !*end) {
        json_array_foreach(services, i, s) if (jint(s, "id") == id) return s;
        return NULL;
    }
    json_array_foreach(services, i, s) if (strcmp(jstr(s, "name"), ref) == 0) return s;
    json_array_foreach(services, i, s) if (strcasecmp(jstr(s, "name"), ref) == 0) return s;
    return NULL;
}

/* The status a label set LABELS asks for: pharos_status, else from severity. */
static int status_of_labels(json_t *labels, int n, enum svc_status *st, struct err *e)
{
    const char *want = jstr(labels, "pharos_status"), *sev = jstr(labels, "severity");
    if (want) {
        if (status_parse(want, st) != 0)
            return err_set(e, ERR_INVALID,
                           "alert %d: unknown pharos_status \"%.40s\"; accepted: %s", n, want,
                           status_accepted());
        return 0;
    }
    *st = sev && strcasecmp(sev, "critical") == 0  ? SVC_MAJOR
          : sev && strcasecmp(sev, "warning") == 0 ? SVC_DEGRADED
                                                   : SVC_PARTIAL;
    return 0;
}

/* Reads alert N (from 1) A of an Alertmanager or Grafana post into OUT. */
static int read_am_alert(json_t *a, int n, json_t *services, struct alert_in *out, struct err *e)
{
    const char *state = jstr(a, "status");
    json_t *labels = json_object_get(a, "labels"), *notes = json_object_get(a, "annotations");
    if (!json_is_object(a) || !state || (strcmp(state, "firing") && strcmp(state, "resolved")))
        return err_set(e, ERR_INVALID, "alert %d: status must be \"firing\" or \"resolved\"", n);
    if (!json_is_object(labels))
        return err_set(e, ERR_INVALID, "alert %d: labels must be an object", n);
    out->firing = strcmp(state, "firing") == 0;
    const char *ref = jstr(labels, "pharos_service");
    if (!ref)
        return err_set(e, ERR_UNPROCESSABLE,
                       "alert %d names no service: it has no pharos_service label", n);
    if (!(out->service = service_named(services, ref)))
        return err_set(e, ERR_UNPROCESSABLE,
                       "alert %d names no service of this page: pharos_service \"%.100s\"", n, ref);
    if (status_of_labels(labels, n, &out->status, e) != 0) return -1;
    const char *fp = jstr(a, "fingerprint");
    if (fp && fp[0] && strlen(fp) < sizeof out->fingerprint) {
        snprintf(out->fingerprint, sizeof out->fingerprint, "%s", fp);
    } else { /* none given: the labels name the alert, as Alertmanager's own fingerprint */
        char *dump = json_dumps(labels, JSON_SORT_KEYS | JSON_COMPACT);
        char hash[TOKEN_HASH_HEX];
        secret_token_hash(dump ? dump : "", hash);
        snprintf(out->fingerprint, sizeof out->fingerprint, "labels:%.40s", hash);
        free(dump);
    }
    const char *summary = jstr(notes, "summary"), *name = jstr(labels, "alertname");
    out->title = summary ? summary : name ? name : "Alert";
    out->message = jstr(notes, "description") ? jstr(notes, "description") : out->title;
    return 0;
}

/* Reads a generic post {"service","status","message","resolved"} into OUT. */
static int read_generic(json_t *body, json_t *services, struct alert_in *out, struct err *e)
{
    static const char *const keys[] = {"service", "status", "message", "resolved", NULL};
    const char *status = NULL, *message = NULL;
    bool resolved = false;
    json_t *ref = json_object_get(body, "service");
    if (in_only(body, keys, e) != 0 || in_bool(body, "resolved", &resolved, e) != 0 ||
        in_text(body, "status", 40, !resolved, false, &status, e) != 0 ||
        in_text(body, "message", LIMIT_MESSAGE, false, true, &message, e) != 0)
        return -1;
    char refbuf[32];
    const char *r = json_is_string(ref) ? json_string_value(ref) : NULL;
    if (json_is_integer(ref)) {
        snprintf(refbuf, sizeof refbuf, "%lld", (long long)json_integer_value(ref));
        r = refbuf;
    }
    if (!r) return err_set(e, ERR_INVALID, "service is required (a service's name or id)");
    if (!(out->service = service_named(services, r)))
        return err_set(e, ERR_UNPROCESSABLE, "no service of this page is named \"%.100s\"", r);
    out->status = SVC_MAJOR;
    if (status && status_parse(status, &out->status) != 0)
        return err_set(e, ERR_INVALID, "unknown status \"%.40s\"; accepted: %s", status,
                       status_accepted());
    out->firing = !resolved;
    snprintf(out->fingerprint, sizeof out->fingerprint, "service:%lld",
             (long long)jint(out->service, "id"));
    out->title = message && message[0] ? message : "Alert";
    out->message = out->title;
    return 0;
}

/* Reads BODY (a post of a source of KIND) into *OUT (*N alerts; the caller frees it). */
static int read_post(const char *kind, json_t *body, json_t *services, struct alert_in **out,
                     size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!json_is_object(body)) return err_set(e, ERR_INVALID, "the body must be a JSON object");
    if (strcmp(kind, "generic") == 0) {
        *out = xcalloc(1, sizeof **out);
        *n = 1;
        return read_generic(body, services, *out, e);
    }
    json_t *alerts = json_object_get(body, "alerts");
    if (!json_is_array(alerts) || json_array_size(alerts) > ALERTS_MAX)
        return err_set(e, ERR_INVALID,
                       "alerts must be an array of at most %d alerts (%s's "
                       "webhook payload)",
                       ALERTS_MAX, kind);
    *out = xcalloc(json_array_size(alerts) + 1, sizeof **out);
    size_t i;
    json_t *a;
    json_array_foreach(alerts, i, a)
    {
        if (read_am_alert(a, (int)i + 1, services, &(*out)[i], e) != 0) return -1;
        ++*n;
    }
    return 0;
}

/* ---- applying it ------------------------------------------------------------------ */

enum change { CH_UNCHANGED, CH_RAISED, CH_RELEASED };
static const char *const change_names[] = {"unchanged", "raised", "released"};

struct applied {
    enum change change;
    bool open, resolve;  /* the incident step after the commit */
    int64_t incident_id; /* to resolve */
};

/* Applies alert A of SOURCE inside the open transaction. */
static int apply(struct app_ctx *c, json_t *source, const struct alert_in *a, struct applied *out,
                 bool *changed, struct err *e)
{
    int64_t source_id = jint(source, "id"), service = jint(a->service, "id");
    json_t *row = store_alert_lock(c->db, source_id, a->fingerprint, e), *svc = NULL;
    if (!row && e->code) return -1;
    const char *state = row ? jstr(row, "state") : "resolved";
    const char *set = row ? jstr(row, "set_status") : NULL;
    int64_t incident = row ? jint(row, "incident_id") : 0;
    enum svc_status was = SVC_OPERATIONAL;
    bool firing = strcmp(state, "firing") == 0;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (row && status_parse(jstr(row, "status"), &was) != 0) was = SVC_MAJOR;
    if (a->firing == firing && (!firing || was == a->status)) { /* a repeat */
        rc = 0;
        goto done;
    }
    if (!(svc = store_service_lock(c->db, c->page_id, service, e))) {
        if (!e->code) err_set(e, ERR_UNPROCESSABLE, "the alert's service was deleted meanwhile");
        goto done;
    }
    if (a->firing) {
        const char *now_set = NULL;
        bool mine = set && strcmp(jstr(svc, "status"), set) == 0;
        if (auto_status_raise(c, svc, a->status, &now_set, changed, e) != 0) goto done;
        if (now_set) {
            set = now_set;
            out->change = CH_RAISED;
        } else if (!mine) {
            set = NULL; /* it shows something as bad or worse: not this alert's to undo */
        }
        const char *rule = jstr(source, "incident");
        out->open = !incident && (strcmp(rule, "publish") == 0 || strcmp(rule, "draft") == 0);
    } else {
        /* back to the worst status of the alerts still firing on it (operational: none),
         * which then stand for what this one set */
        json_t *others = store_alerts_firing_on(c->db, service, source_id, a->fingerprint, e);
        enum svc_status to = SVC_OPERATIONAL, st;
        bool by_incident = false, by_maintenance = false, before = *changed;
        size_t i;
        json_t *o;
        json_array_foreach(others, i, o) if (status_parse(jstr(o, "status"), &st) == 0 && st > to)
            to = st;
        bool mine = set && strcmp(jstr(svc, "status"), set) == 0;
        if (!others ||
            auto_status_holders(c->db, service, incident, &by_incident, &by_maintenance, e) != 0 ||
            auto_status_release(c, svc, set, by_incident || by_maintenance, to, changed, e) != 0 ||
            (mine && json_array_size(others) &&
             store_alerts_hand_over(c->db, service, source_id, a->fingerprint, jstr(svc, "status"),
                                    e) != 0)) {
            json_decref(others);
            goto done;
        }
        json_decref(others);
        if (*changed && !before) out->change = CH_RELEASED;
        out->resolve = incident > 0;
        out->incident_id = incident;
        set = NULL;
        incident = 0;
    }
    struct alert_row r = {.source_id = source_id,
                          .service_id = service,
                          .incident_id = incident,
                          .fingerprint = a->fingerprint,
                          .state = a->firing ? "firing" : "resolved",
                          .status = status_name(a->status),
                          .set_status = set};
    rc = store_alert_save(c->db, &r, time_now(), e);
done:
    json_decref(svc);
    json_decref(row);
    return rc;
}

int app_alerts_receive(struct app *app, struct db *db, const char *secret, json_t *body,
                       json_t **out, struct err *e)
{
    char hash[TOKEN_HASH_HEX];
    secret_token_hash(secret, hash);
    json_t *source = store_alert_source_by_secret(db, hash, e), *services = NULL;
    struct alert_in *alerts = NULL;
    struct applied *done = NULL;
    size_t n = 0;
    int rc = -1;
    if (!source) return e->code ? -1 : err_set(e, ERR_NOT_FOUND, "no alert source has this URL");
    struct app_ctx c = {.app = app,
                        .db = db,
                        .page_id = jint(source, "page_id"),
                        .actor = {.kind = ACTOR_ALERTS, .id = jint(source, "id")}};
    if (!(services = store_services_list(db, c.page_id, 0, 100000, e)) ||
        read_post(jstr(source, "kind"), body, services, &alerts, &n, e) != 0)
        goto out;
    done = xcalloc(n + 1, sizeof *done);
    bool changed = false;
    if (db_begin(db, e) != 0) goto out;
    for (size_t i = 0; i < n; i++)
        if (apply(&c, source, &alerts[i], &done[i], &changed, e) != 0) {
            db_rollback(db);
            goto out;
        }
    if (changed ? app_commit(&c, true, e) != 0 : db_commit(db, e) != 0) goto out;
    *out = json_pack("{s:[]}", "applied");
    for (size_t i = 0; i < n; i++) {
        const struct alert_in *a = &alerts[i];
        int64_t service = jint(a->service, "id");
        if (done[i].open) {
            char title[LIMIT_TITLE * 4 + 1];
            snprintf(title, sizeof title, "%s", a->title);
            int64_t inc = auto_incident_open(&c, title, a->message, service, status_name(a->status),
                                             strcmp(jstr(source, "incident"), "draft") == 0);
            if (inc &&
                store_alert_set_incident(db, jint(source, "id"), a->fingerprint, inc, e) != 0)
                e->code = ERR_OK; /* the incident stands; the next resolution will not find it */
        } else if (done[i].resolve) {
            auto_incident_resolve(&c, done[i].incident_id, "The alert is resolved.");
        }
        json_array_append_new(
            json_object_get(*out, "applied"),
            json_pack("{s:s, s:I, s:s, s:s, s:s}", "fingerprint", a->fingerprint, "service_id",
                      (json_int_t)service, "state", a->firing ? "firing" : "resolved", "status",
                      status_name(a->status), "change", change_names[done[i].change]));
    }
    rc = 0;
out:
    free(alerts);
    free(done);
    json_decref(services);
    json_decref(source);
    return rc;
}
