/*
 * admin/monitors — the monitors screen (SPEC §14): each monitor with its service, state,
 * last check and a sparkline of its last checks' latency; a form to add one, its edit
 * screen (admin/crud.h), pause, resume and delete; and the alert sources, whose URL (with a
 * copyable Alertmanager webhook_configs snippet) is shown once, on the page their creation answers
 * with. Anyone signed in sees it; changes need PERM_SETTINGS (as app/monitors.c, app/alerts.c).
 */
#include "app/monitors.h"
#include "admin/admin.h"
#include "admin/crud.h"
#include "app/alerts.h"
#include "app/services.h"
#include "domain/status.h"
#include <stdio.h>
#include <string.h>

enum { SPARK_CHECKS = 30, SPARK_W = 120, SPARK_H = 24 };

static const struct field monitor_fields[] = {{"service_id", F_INT},
                                              {"name", F_OPT},
                                              {"kind", F_TEXT},
                                              {"target", F_TEXT},
                                              {"interval_s", F_INT},
                                              {"timeout_ms", F_INT},
                                              {"expect_status", F_OPT},
                                              {"keyword", F_OPT},
                                              {"failures_before", F_INT},
                                              {"successes_before", F_INT},
                                              {"status_on_failure", F_OPT},
                                              {"incident", F_OPT},
                                              {NULL, 0}};
/* The edit form: as the add form, an emptied keyword clearing it, and the enabled box. */
static const struct field edit_fields[] = {{"service_id", F_INT},
                                           {"name", F_OPT},
                                           {"kind", F_TEXT},
                                           {"target", F_TEXT},
                                           {"interval_s", F_INT},
                                           {"timeout_ms", F_INT},
                                           {"expect_status", F_OPT},
                                           {"keyword", F_TEXT},
                                           {"failures_before", F_INT},
                                           {"successes_before", F_INT},
                                           {"status_on_failure", F_OPT},
                                           {"incident", F_OPT},
                                           {"enabled", F_BOOL},
                                           {NULL, 0}};
static const struct field source_fields[] = {
    {"kind", F_TEXT}, {"name", F_TEXT}, {"incident", F_OPT}, {NULL, 0}};

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int64_t jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* Adds to M "spark" (the points of an SVG polyline of RESULTS' latencies, oldest left)
 * and "spark_label" (what it shows, for screen readers). */
static void sparkline(json_t *m, json_t *results)
{
    size_t n = json_array_size(results);
    if (n < 2) return;
    int64_t lo = INT64_MAX, hi = 0;
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r)
    {
        int64_t v = jint(r, "latency_ms");
        if (v < lo) lo = v;
        if (v > hi) hi = v;
    }
    char pts[SPARK_CHECKS * 16 + 1] = "", label[160];
    size_t used = 0;
    for (i = 0; i < n && used < sizeof pts; i++) {
        int64_t v = jint(json_array_get(results, n - 1 - i), "latency_ms");
        double x = (double)i * SPARK_W / (double)(n - 1);
        double y =
            SPARK_H - 2 - (hi > lo ? (double)(v - lo) * (SPARK_H - 4) / (double)(hi - lo) : 0);
        int w = snprintf(pts + used, sizeof pts - used, "%s%.1f,%.1f", i ? " " : "", x, y);
        if (w < 0) break;
        used += (size_t)w;
    }
    snprintf(label, sizeof label, "Latency of the last %zu checks: %lld to %lld ms", n,
             (long long)lo, (long long)hi);
    json_object_set_new(m, "spark", json_string(pts));
    json_object_set_new(m, "spark_label", json_string(label));
}

/* The monitors of A's page for the template: service names, state labels, sparklines. */
static json_t *monitors_model(struct admin *a, json_t *services, struct err *e)
{
    json_t *out = NULL;
    struct paging pg = {.limit = 500};
    if (app_monitors_list(&a->c, &pg, &out, e) != 0) return NULL;
    json_t *list = json_incref(json_object_get(out, "monitors"));
    json_decref(out);
    size_t i, k;
    json_t *m, *s;
    json_array_foreach(list, i, m)
    {
        json_array_foreach(services, k, s) if (jint(s, "id") == jint(m, "service_id"))
            json_object_set(m, "service", json_object_get(s, "name"));
        const char *state = jstr(m, "state");
        json_object_set_new(m, "state_class",
                            json_string(strcmp(state, "up") == 0     ? "s-operational"
                                        : strcmp(state, "down") == 0 ? "s-major_outage"
                                                                     : ""));
        json_t *res = NULL;
        struct paging last = {.limit = SPARK_CHECKS};
        struct err re = {0};
        if (app_monitor_results(&a->c, jint(m, "id"), NULL, &last, &res, &re) == 0)
            sparkline(m, json_object_get(res, "results"));
        json_decref(res);
    }
    return list;
}

static const char *const incident_rules[] = {"none", "draft", "publish", NULL};
static const char *const incident_labels[] = {
    "Change the status only", "Open a draft incident to publish", "Open an incident too", NULL};

/* A form field's value as text: FORM holds strings (a submitted form) or a monitor's
 * JSON (numbers). */
static const char *form_value(json_t *form, const char *k, char *buf, size_t n)
{
    json_t *v = json_object_get(form, k);
    if (json_is_integer(v)) {
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return json_string_value(v);
}

/* Adds to M the option lists of the add and edit forms, FORM's values selected:
 * SERVICES (the page's), kinds, statuses on failure, incident rules. */
static void form_options(json_t *m, json_t *services, json_t *form)
{
    static const char *const kinds[] = {"http", "tcp", "dns", "tls", NULL};
    static const char *const kind_labels[] = {"HTTP(S) request", "TCP connection", "DNS lookup",
                                              "TLS certificate", NULL};
    static const char *const failures[] = {"major_outage", "partial_outage", "degraded_performance",
                                           NULL};
    static const char *const failure_labels[] = {"Major outage", "Partial outage",
                                                 "Degraded performance", NULL};
    char cur[24];
    const char *svc = form_value(form, "service_id", cur, sizeof cur);
    json_t *opts = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(services, i, s)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)jint(s, "id"));
        json_array_append_new(opts, json_pack("{s:s, s:O, s:b}", "value", id, "label",
                                              json_object_get(s, "name"), "selected",
                                              svc && strcmp(svc, id) == 0));
    }
    json_object_set_new(m, "service_options", opts);
    json_object_set_new(m, "kind_options", admin_options(kinds, kind_labels, jstr(form, "kind")));
    json_object_set_new(m, "failure_options",
                        admin_options(failures, failure_labels, jstr(form, "status_on_failure")));
    json_object_set_new(m, "incident_options",
                        admin_options(incident_rules, incident_labels, jstr(form, "incident")));
}

static void show(struct admin *a, int status, json_t *m)
{
    struct err e = {0};
    json_t *svc = NULL, *sources = NULL, *list = NULL;
    struct paging pg = {.limit = 500};
    if (app_services_list(&a->c, &pg, &svc, &e) != 0 ||
        !(list = monitors_model(a, json_object_get(svc, "services"), &e)) ||
        app_alert_sources_list(&a->c, &pg, &sources, &e) != 0) {
        json_decref(svc);
        json_decref(list);
        json_decref(m);
        admin_error(a, &e);
        return;
    }
    static const char *const source_kinds[] = {"alertmanager", "grafana", "generic", NULL};
    static const char *const source_labels[] = {"Prometheus Alertmanager", "Grafana",
                                                "Generic JSON", NULL};
    form_options(m, json_object_get(svc, "services"), json_object_get(m, "form"));
    json_object_set_new(m, "monitors", list);
    json_object_set_new(m, "source_kind_options", admin_options(source_kinds, source_labels, NULL));
    json_object_set_new(m, "source_incident_options",
                        admin_options(incident_rules, incident_labels, NULL));
    json_object_set(m, "sources", json_object_get(sources, "alert_sources"));
    json_object_set_new(m, "has_services",
                        json_boolean(json_array_size(json_object_get(svc, "services")) > 0));
    json_decref(sources);
    json_decref(svc);
    admin_render(a, status, "monitors.html", "Monitors", "monitors", m);
}

static void list(struct req *r)
{
    admin_show(r, PERM_READ, show);
}

static void create(struct req *r)
{
    admin_post_create(r, PERM_SETTINGS, monitor_fields, app_monitor_create, show,
                      "/admin/monitors");
}

static void del(struct req *r)
{
    admin_post_id(r, PERM_SETTINGS, app_monitor_delete, "/admin/monitors", "deleted");
}

/* Pause (enabled false) or resume (true) monitor ID. */
static int set_enabled(struct app_ctx *c, int64_t id, bool on, struct err *e)
{
    json_t *in = json_pack("{s:b}", "enabled", on), *out = NULL;
    int rc = app_monitor_update(c, id, in, &out, e);
    json_decref(in);
    json_decref(out);
    return rc;
}

static int pause_one(struct app_ctx *c, int64_t id, struct err *e)
{
    return set_enabled(c, id, false, e);
}

static int resume_one(struct app_ctx *c, int64_t id, struct err *e)
{
    return set_enabled(c, id, true, e);
}

static void pause_route(struct req *r)
{
    admin_post_id(r, PERM_SETTINGS, pause_one, "/admin/monitors", "paused");
}

static void resume_route(struct req *r)
{
    admin_post_id(r, PERM_SETTINGS, resume_one, "/admin/monitors", "resumed");
}

static void source_create(struct req *r)
{
    struct admin a;
    struct err e = {0};
    json_t *in = NULL, *out = NULL, *m = json_object();
    if (admin_begin(r, &a, PERM_SETTINGS) != 0) {
        json_decref(m);
        return;
    }
    if (admin_map(a.form, source_fields, &in, &e) != 0 ||
        app_alert_source_create(&a.c, in, &out, &e) != 0) {
        int status = admin_form_errors(m, a.form, source_fields, &e);
        json_object_set(m, "source_form", json_object_get(m, "form"));
        json_object_del(m, "form");
        show(&a, status, m);
    } else {
        /* shown once: this response is the only place the URL ever appears */
        json_object_set(m, "new_source", out);
        show(&a, 200, m);
    }
    json_decref(in);
    json_decref(out);
    admin_end(&a);
}

static void source_delete(struct req *r)
{
    admin_post_id(r, PERM_SETTINGS, app_alert_source_delete, "/admin/monitors", "deleted");
}

/* The edit form's option lists (crud's form_model). */
static int edit_model(struct admin *a, json_t *m, json_t *item, struct err *e)
{
    json_t *svc = NULL;
    struct paging pg = {.limit = 500};
    if (app_services_list(&a->c, &pg, &svc, e) != 0) return -1;
    json_t *form = json_object_get(m, "form");
    form_options(m, json_object_get(svc, "services"), form ? form : item);
    json_decref(svc);
    return 0;
}

static const struct crud monitor_crud = {
    .path = "/admin/monitors",
    .title = "Monitors",
    .nav = "monitors",
    .edit_tmpl = "monitor_edit.html",
    .edit_title = "Edit monitor",
    .fields = edit_fields,
    .read_perm = PERM_SETTINGS,
    .write_perm = PERM_SETTINGS,
    .get = app_monitor_get,
    .update = app_monitor_update,
    .del = app_monitor_delete,
    .form_model = edit_model,
};

const struct route admin_monitor_routes[] = {
    {M_GET, "/admin/monitors/{id}", crud_edit, &monitor_crud},
    {M_POST, "/admin/monitors/{id}", crud_update, &monitor_crud},
    {M_GET, "/admin/monitors", list},
    {M_POST, "/admin/monitors", create},
    {M_POST, "/admin/monitors/{id}/delete", del},
    {M_POST, "/admin/monitors/{id}/pause", pause_route},
    {M_POST, "/admin/monitors/{id}/resume", resume_route},
    {M_POST, "/admin/alert-sources", source_create},
    {M_POST, "/admin/alert-sources/{id}/delete", source_delete},
    {0, NULL, NULL},
};
