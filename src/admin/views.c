/*
 * admin/views — view models shared by console screens. See views.h.
 */
#include "admin/views.h"
#include "admin/admin.h"
#include "app/groups.h"
#include "app/services.h"
#include "core/timeutil.h"
#include "core/tz.h"
#include "domain/channel.h"
#include "domain/status.h"
#include "render/i18n.h"
#include "render/markdown.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t id_of(json_t *o)
{
    return json_integer_value(json_object_get(o, "id"));
}

static const char *str_of(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Sets "<KEY>_label" of O from its status KEY. */
static void status_label_of(json_t *o, const char *key, const char *label_key)
{
    enum svc_status st;
    if (status_parse(str_of(o, key), &st) == 0)
        json_object_set_new(o, label_key, json_string(status_label(st)));
}

int views_services(struct app_ctx *c, json_t *m, struct err *e)
{
    struct paging pg = {.limit = 500};
    json_t *so = NULL, *go = NULL, *svc, *g;
    size_t i, j;
    if (app_services_list(c, &pg, &so, e) != 0) return -1;
    if (app_groups_list(c, &pg, &go, e) != 0) {
        json_decref(so);
        return -1;
    }
    json_t *services = json_object_get(so, "services"), *groups = json_object_get(go, "groups");
    json_t *sections = json_array(), *ungrouped = json_array();
    json_array_foreach(groups, j, g) json_array_append_new(
        sections, json_pack("{s:O,s:I,s:b,s:[]}", "name", json_object_get(g, "name"), "id",
                            (json_int_t)id_of(g), "hidden",
                            json_is_true(json_object_get(g, "hidden")), "services"));
    json_array_foreach(services, i, svc)
    {
        status_label_of(svc, "status", "status_label");
        json_object_set_new(svc, "status_options",
                            admin_status_options(str_of(svc, "status"), NULL));
        int64_t gid = json_integer_value(json_object_get(svc, "group_id"));
        json_t *into = ungrouped;
        json_array_foreach(sections, j, g) if (id_of(g) == gid)
        {
            json_object_set(svc, "group_name", json_object_get(g, "name"));
            into = json_object_get(g, "services");
        }
        json_array_append(into, svc);
    }
    json_array_foreach(sections, j, g) json_object_set_new(
        g, "empty", json_boolean(!json_array_size(json_object_get(g, "services"))));
    /* ungrouped first, as in every other list of services (store/service_order.h) */
    if (json_array_size(ungrouped))
        json_array_insert_new(sections, 0,
                              json_pack("{s:s,s:o}", "name",
                                        json_array_size(groups) ? "Ungrouped services" : "Services",
                                        "services", ungrouped));
    else
        json_decref(ungrouped);
    json_object_set(m, "services", services);
    json_object_set(m, "groups", groups);
    json_object_set_new(m, "sections", sections);
    json_decref(so);
    json_decref(go);
    return 0;
}

json_t *views_group_options(json_t *groups, int64_t current)
{
    json_t *a = json_array(), *g;
    size_t i;
    json_array_append_new(
        a, json_pack("{s:s,s:s,s:b}", "value", "", "label", "No group", "selected", current == 0));
    json_array_foreach(groups, i, g)
    {
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)id_of(g));
        json_array_append_new(a, json_pack("{s:s,s:O,s:b}", "value", v, "label",
                                           json_object_get(g, "name"), "selected",
                                           id_of(g) == current));
    }
    return a;
}

json_t *views_counts(json_t *counts)
{
    json_t *rows = json_array();
    for (int i = 0; i < CHANNEL_COUNT; i++) {
        const struct channel_info *ci = &channel_table[i];
        if (!ci->subscriber) continue;
        json_t *c = json_object_get(counts, ci->name);
        json_int_t n[4] = {0};
        static const char *const states[] = {"pending", "active", "stopped", "unsubscribed"};
        for (size_t k = 0; k < 4; k++)
            n[k] = json_integer_value(json_object_get(c, states[k]));
        json_array_append_new(rows, json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "channel", ci->label,
                                              "key", ci->name, "pending", n[0], "active", n[1],
                                              "stopped", n[2], "unsubscribed", n[3]));
    }
    json_decref(counts);
    return rows;
}

json_t *views_health(json_t *health)
{
    json_t *chs = json_object_get(health, "channels"), *rows = json_array();
    for (int i = 0; i < CHANNEL_COUNT; i++) {
        json_t *c = json_object_get(chs, channel_table[i].name);
        if (!c) continue;
        json_t *row = json_deep_copy(c);
        json_object_set_new(row, "name", json_string(channel_table[i].label));
        json_object_set_new(row, "key", json_string(channel_table[i].name));
        json_object_set_new(row, "missed",
                            json_boolean(json_integer_value(json_object_get(c, "misses")) > 0));
        json_object_set_new(row, "waiting_any",
                            json_boolean(json_integer_value(json_object_get(c, "waiting")) > 0));
        json_array_append_new(rows, row);
    }
    json_object_set_new(health, "channels", rows);
    json_object_set_new(
        health, "failing",
        json_boolean(json_integer_value(json_object_get(health, "failed_24h")) > 0));
    return health;
}

/* Sets "stage_label" of O from its "stage" and, for an update, its "kind" (a reminder is
 * labelled "Reminder": domain update_label). */
static void stage_label_of(json_t *o, enum event_kind k)
{
    enum stage st;
    enum update_kind uk = UPDATE_PLAIN;
    update_kind_parse(str_of(o, "kind"), &uk);
    if (stage_parse(k, str_of(o, "stage"), &st) == 0)
        json_object_set_new(o, "stage_label", json_string(update_label(uk, st)));
}

/* Sets "translated" of update U from its "translations" (SPEC §16): [{"tag","name" (the
 * language's own name),"title","html"}] in render/i18n.h's order of languages. */
static void translations_of(json_t *u)
{
    const json_t *tr = json_object_get(u, "translations");
    json_t *list = json_array();
    for (int i = 0; i18n_langs[i]; i++) {
        const json_t *one = json_object_get(tr, i18n_langs[i]);
        if (!json_is_object(one)) continue;
        char *html = markdown_to_html(str_of((json_t *)one, "message"));
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "tag", i18n_langs[i], "name",
                                              i18n_get(i18n_langs[i], "lang_name"), "title",
                                              str_of((json_t *)one, "title"), "html", html));
        free(html);
    }
    json_object_set_new(u, "has_translated", json_boolean(json_array_size(list) > 0));
    json_object_set_new(u, "translated", list);
}

void views_event(json_t *ev, const char *zone)
{
    enum event_kind k =
        strcmp(str_of(ev, "kind"), "maintenance") == 0 ? EVENT_MAINTENANCE : EVENT_INCIDENT;
    json_t *updates = json_object_get(ev, "updates"), *timeline = json_array(), *u;
    size_t i;
    stage_label_of(ev, k);
    enum stage st;
    json_object_set_new(
        ev, "open",
        json_boolean(stage_parse(k, str_of(ev, "stage"), &st) == 0 && !stage_is_final(st)));
    json_object_set_new(ev, "is_incident", json_boolean(k == EVENT_INCIDENT));
    json_array_foreach(updates, i, u)
    {
        char *html = markdown_to_html(str_of(u, "message"));
        json_object_set_new(u, "html", json_string(html));
        free(html);
        stage_label_of(u, k);
        translations_of(u);
        json_array_insert(timeline, 0, u);
    }
    json_t *svc;
    json_array_foreach(json_object_get(ev, "services"), i, svc)
        status_label_of(svc, "status", "status_label");
    json_object_set_new(ev, "timeline", timeline);
    static const char *const times[] = {"scheduled_start", "scheduled_end"};
    for (size_t t = 0; t < 2; t++) {
        int64_t when;
        struct tz_time l;
        char key[40], local[32];
        snprintf(key, sizeof key, "%s_local", times[t]);
        if (time_parse(str_of(ev, times[t]), &when) != 0 || tz_split(zone, when, &l) != 0) continue;
        snprintf(local, sizeof local, "%04d-%02d-%02dT%02d:%02d", l.year, l.month, l.day, l.hour,
                 l.minute);
        json_object_set_new(ev, key, json_string(local)); /* a datetime-local value */
    }
}

void views_events(json_t *list, const char *zone)
{
    json_t *ev;
    size_t i;
    json_array_foreach(list, i, ev) views_event(ev, zone);
}

json_t *views_stage_options(enum event_kind k, const char *current, const char *from)
{
    json_t *a = json_array();
    enum stage f = 0;
    bool have_from = from && stage_parse(k, from, &f) == 0;
    for (int s = 0; s < STAGE_COUNT; s++) {
        enum stage st;
        if (stage_parse(k, stage_name((enum stage)s), &st) != 0 || st != (enum stage)s) continue;
        if (have_from && !stage_transition_ok(k, f, st)) continue;
        json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", stage_name(st), "label",
                                           stage_label(st), "selected",
                                           current && strcmp(current, stage_name(st)) == 0));
    }
    return a;
}

json_t *views_impact_options(const char *current)
{
    static const char *const v[] = {"none", "minor", "major", "critical", NULL};
    static const char *const l[] = {"None", "Minor", "Major", "Critical", NULL};
    return admin_options(v, l, current);
}

/* The entry of SELECTED (an event's "services") for service ID, or NULL. */
static json_t *selected_entry(json_t *selected, int64_t id)
{
    json_t *s;
    size_t i;
    json_array_foreach(selected, i, s) if (id_of(s) == id || json_integer_value(s) == id) return s;
    return NULL;
}

int views_service_picker(struct app_ctx *c, json_t *m, json_t *selected, struct err *e)
{
    struct paging pg = {.limit = 500};
    json_t *so = NULL, *svc;
    size_t i;
    if (app_services_list(c, &pg, &so, e) != 0) return -1;
    json_t *pick = json_array();
    json_array_foreach(json_object_get(so, "services"), i, svc)
    {
        json_t *sel = selected_entry(selected, id_of(svc));
        const char *sets = json_string_value(json_object_get(sel, "status"));
        json_array_append_new(pick, json_pack("{s:I,s:O,s:O,s:b,s:o}", "id", (json_int_t)id_of(svc),
                                              "name", json_object_get(svc, "name"), "status",
                                              json_object_get(svc, "status"), "checked",
                                              sel != NULL, "status_options",
                                              admin_status_options(sets, "Keep current status")));
    }
    json_object_set_new(m, "pick", pick);
    json_decref(so);
    return 0;
}
