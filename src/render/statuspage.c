/*
 * statuspage — view model → Statuspage v2 JSON. See statuspage.h.
 *
 * Vocabulary mapping (reference/statuspage-v2.md): maintenance stages become
 * verifying/completed (sp_status, set by public/view.c), the overall status
 * becomes status.indicator. monitoring_at is the time of the first monitoring
 * update; started_at is when an incident began (its creation unless back-dated), a
 * maintenance's creation.
 */
#include "render/statuspage.h"
#include "render/markdown.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const statuspage_endpoints[] = {
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
    NULL,
};

static json_t *id_string(const char *prefix, const json_t *id)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%s%lld", prefix, (long long)json_integer_value(id));
    return json_string(buf);
}

static json_t *get(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return v ? v : json_null();
}

/* When EV began: an incident's start (back-dated or its creation), a maintenance's creation. */
static json_t *started_at(const json_t *ev)
{
    json_t *p = json_object_get(ev, "period_start_at");
    return json_is_true(json_object_get(ev, "is_incident")) && json_is_string(p)
               ? p
               : get(ev, "created_at");
}

static json_t *page_json(const json_t *m)
{
    const json_t *p = json_object_get(m, "page");
    return json_pack("{s:o,s:O,s:O,s:O,s:O}", "id", id_string("", json_object_get(p, "id")), "name",
                     get(p, "title"), "url", get(p, "url"), "time_zone", get(p, "time_zone"),
                     "updated_at", get(m, "generated_at"));
}

static json_t *status_json(const json_t *m)
{
    const json_t *o = json_object_get(m, "overall");
    return json_pack("{s:O,s:O}", "indicator", get(o, "indicator"), "description",
                     get(o, "description"));
}

static json_t *start_date(const json_t *o)
{
    const char *s = json_string_value(json_object_get(o, "created_at"));
    return s && strlen(s) >= 10 ? json_stringn(s, 10) : json_null();
}

/* The number of ungrouped services of M, or of those before service BEFORE (NULL: all). */
static json_int_t ungrouped_count(const json_t *m, const json_t *before)
{
    json_int_t n = 0;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(m, "services"), i, s)
    {
        if (s == before) break;
        if (!json_is_integer(json_object_get(s, "group_id"))) n++;
    }
    return n;
}

/* Service S's position (statuspage.h): its place among the top-level components, or
 * in its group's "components" (the group's order). */
static json_int_t service_position(const json_t *m, const json_t *s)
{
    const json_t *gid = json_object_get(s, "group_id");
    if (!json_is_integer(gid)) return ungrouped_count(m, s) + 1;
    size_t i, k;
    json_t *g, *child;
    json_array_foreach(json_object_get(m, "groups"), i, g)
    {
        if (!json_equal(json_object_get(g, "id"), gid)) continue;
        json_array_foreach(json_object_get(g, "components"), k, child)
        {
            if (json_equal(child, json_object_get(s, "id"))) return (json_int_t)k + 1;
        }
    }
    return 0; /* not in its group's list: the model guarantees it is */
}

static json_t *component_json(const json_t *m, const json_t *s)
{
    const json_t *gid = json_object_get(s, "group_id");
    return json_pack("{s:o,s:O,s:O,s:O,s:O,s:o,s:O,s:b,s:o,s:o,s:o,s:b,s:b}", "id",
                     id_string("", json_object_get(s, "id")), "name", get(s, "name"), "status",
                     get(s, "status"), "created_at", get(s, "created_at"), "updated_at",
                     get(s, "updated_at"), "position", json_integer(service_position(m, s)),
                     "description", get(s, "description"), "showcase", 1, "start_date",
                     start_date(s), "group_id",
                     json_is_integer(gid) ? id_string("group-", gid) : json_null(), "page_id",
                     id_string("", json_object_get(json_object_get(m, "page"), "id")), "group", 0,
                     "only_show_if_degraded", 0);
}

static const json_t *find_service(const json_t *m, json_int_t id)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(m, "services"), i, s)
    {
        if (json_integer_value(json_object_get(s, "id")) == id) return s;
    }
    return NULL;
}

static json_t *components_json(const json_t *m)
{
    json_t *out = json_array();
    size_t i;
    json_t *s, *g;
    json_array_foreach(json_object_get(m, "services"), i, s)
        json_array_append_new(out, component_json(m, s));
    json_int_t top = ungrouped_count(m, NULL); /* the groups follow the ungrouped services */
    json_array_foreach(json_object_get(m, "groups"), i, g)
    {
        json_t *c =
            json_pack("{s:o,s:O,s:s,s:O,s:O,s:I,s:O,s:b,s:o,s:n,s:o,s:b,s:b,s:[]}", "id",
                      id_string("group-", json_object_get(g, "id")), "name", get(g, "name"),
                      "status", "operational", "created_at", get(g, "created_at"), "updated_at",
                      get(g, "updated_at"), "position", top + (json_int_t)i + 1, "description",
                      get(g, "description"), "showcase", 0, "start_date", start_date(g), "group_id",
                      "page_id", id_string("", json_object_get(json_object_get(m, "page"), "id")),
                      "group", 1, "only_show_if_degraded", 0, "components");
        /* the group's status: that of its section */
        size_t k;
        json_t *sec, *child;
        json_array_foreach(json_object_get(m, "sections"), k, sec)
        {
            if (json_equal(json_object_get(sec, "group_id"), json_object_get(g, "id")))
                json_object_set(c, "status", json_object_get(sec, "status"));
        }
        json_array_foreach(json_object_get(g, "components"), k, child)
            json_array_append_new(json_object_get(c, "components"), id_string("", child));
        json_array_append_new(out, c);
    }
    return out;
}

/* An update's "body": its Markdown as the pages' plain text shows it (raw HTML dropped:
 * widgets insert it as they like, and some as HTML). */
static json_t *body_text(const json_t *u)
{
    const char *md = json_string_value(json_object_get(u, "message"));
    char *text = markdown_to_text(md ? md : "");
    json_t *out = json_string(text);
    free(text);
    return out ? out : json_string("");
}

static json_t *update_json(const json_t *ev, const json_t *u)
{
    json_t *aff = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(u, "affected"), i, a) json_array_append_new(
        aff, json_pack("{s:o,s:O,s:O,s:O}", "code", id_string("", json_object_get(a, "id")), "name",
                       get(a, "name"), "old_status", get(a, "old_status"), "new_status",
                       get(a, "new_status")));
    return json_pack("{s:o,s:O,s:o,s:o,s:O,s:O,s:O,s:o}", "id",
                     id_string("", json_object_get(u, "id")), "status", get(u, "sp_status"), "body",
                     body_text(u), "incident_id", id_string("", json_object_get(ev, "id")),
                     "created_at", get(u, "created_at"), "updated_at", get(u, "created_at"),
                     "display_at", get(u, "created_at"), "affected_components", aff);
}

static json_t *event_json(const json_t *m, const json_t *ev)
{
    const json_t *page = json_object_get(m, "page");
    char link[1024];
    snprintf(link, sizeof link, "%s/%s", json_string_value(json_object_get(page, "url")),
             json_string_value(json_object_get(ev, "path")));
    json_t *ups = json_array(), *comps = json_array(), *monitoring = json_null();
    size_t i;
    json_t *u, *s;
    json_array_foreach(json_object_get(ev, "updates"), i, u)
    {
        json_array_append_new(ups, update_json(ev, u));
        if (strcmp(json_string_value(json_object_get(u, "stage")), "monitoring") == 0)
            monitoring = json_object_get(u, "created_at"); /* newest first: ends on the first */
    }
    json_array_foreach(json_object_get(ev, "services"), i, s)
    {
        const json_t *svc = find_service(m, json_integer_value(json_object_get(s, "id")));
        if (svc) json_array_append_new(comps, component_json(m, svc));
    }
    json_t *o = json_pack(
        "{s:o,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:s,s:O,s:o,s:o,s:o}", "id",
        id_string("", json_object_get(ev, "id")), "name", get(ev, "title"), "status",
        get(ev, "sp_status"), "created_at", get(ev, "created_at"), "updated_at",
        get(ev, "updated_at"), "monitoring_at", monitoring, "resolved_at", get(ev, "resolved_at"),
        "impact", get(ev, "impact"), "shortlink", link, "started_at", started_at(ev), "page_id",
        id_string("", json_object_get(page, "id")), "incident_updates", ups, "components", comps);
    if (!json_is_true(json_object_get(ev, "is_incident"))) {
        json_object_set(o, "scheduled_for", get(ev, "scheduled_start"));
        json_object_set(o, "scheduled_until", get(ev, "scheduled_end"));
    }
    return o;
}

/* The events of the model's lists KEYS (NULL-terminated), as Statuspage objects. */
static json_t *events_json(const json_t *m, const char *const *keys)
{
    json_t *out = json_array();
    for (; *keys; keys++) {
        size_t i;
        json_t *ev;
        json_array_foreach(json_object_get(m, *keys), i, ev)
            json_array_append_new(out, event_json(m, ev));
    }
    return out;
}

json_t *statuspage_render(const json_t *m, const char *name)
{
    static const char *const unresolved[] = {"open_incidents", NULL};
    static const char *const all_inc[] = {"incidents", NULL};
    static const char *const all_mnt[] = {"maintenance", NULL};
    static const char *const upcoming[] = {"upcoming_maintenance", NULL};
    static const char *const active[] = {"active_maintenance", NULL};
    static const char *const open_mnt[] = {"active_maintenance", "upcoming_maintenance", NULL};
    json_t *o = json_pack("{s:o}", "page", page_json(m));
    if (strcmp(name, "summary.json") == 0) {
        json_object_set_new(o, "status", status_json(m));
        json_object_set_new(o, "components", components_json(m));
        json_object_set_new(o, "incidents", events_json(m, unresolved));
        json_object_set_new(o, "scheduled_maintenances", events_json(m, open_mnt));
    } else if (strcmp(name, "status.json") == 0) {
        json_object_set_new(o, "status", status_json(m));
    } else if (strcmp(name, "components.json") == 0) {
        json_object_set_new(o, "components", components_json(m));
    } else if (strcmp(name, "incidents.json") == 0) {
        json_object_set_new(o, "incidents", events_json(m, all_inc));
    } else if (strcmp(name, "incidents/unresolved.json") == 0) {
        json_object_set_new(o, "incidents", events_json(m, unresolved));
    } else if (strcmp(name, "scheduled-maintenances.json") == 0) {
        json_object_set_new(o, "scheduled_maintenances", events_json(m, all_mnt));
    } else if (strcmp(name, "scheduled-maintenances/upcoming.json") == 0) {
        json_object_set_new(o, "scheduled_maintenances", events_json(m, upcoming));
    } else if (strcmp(name, "scheduled-maintenances/active.json") == 0) {
        json_object_set_new(o, "scheduled_maintenances", events_json(m, active));
    } else {
        json_decref(o);
        o = NULL;
    }
    return o;
}
