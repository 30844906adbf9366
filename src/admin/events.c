/*
 * admin/events — shared handlers of the Incidents and Maintenance screens. See events.h.
 *
 * Affected services come from the form as services=ID checkboxes and, for
 * incidents, a status_ID select per service ("" keeps its status); they become
 * the "services" input of the use case: ids, or {"id","status"} objects.
 * A form posted with its "preview" button is shown again with the message
 * rendered, and nothing is saved. The new event and update forms carry a title and a
 * message for each language the page offers besides its default (tr_<tag>_title,
 * tr_<tag>_message), the update's "translations" (SPEC §16; empty fields: none).
 */
#include "admin/events.h"
#include "admin/views.h"
#include "app/pages.h"
#include "app/templates.h"
#include "render/i18n.h"
#include "render/markdown.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The "services" input from FORM's checkboxes (and status selects for incidents). */
static json_t *services_input(const struct ev_screen *k, json_t *form)
{
    json_t *ids = json_object_get(form, "services"), *one = NULL, *out = json_array(), *v;
    size_t i;
    if (json_is_string(ids)) ids = one = json_pack("[O]", ids);
    json_array_foreach(ids, i, v)
    {
        char *end, key[40];
        long long id = strtoll(json_string_value(v) ? json_string_value(v) : "", &end, 10);
        if (*end || id <= 0) continue;
        snprintf(key, sizeof key, "status_%lld", id);
        const char *st = k->kind == EVENT_INCIDENT ? form_str(form, key) : NULL;
        json_array_append_new(out, st && *st
                                       ? json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", st)
                                       : json_integer(id));
    }
    json_decref(one);
    return out;
}

/* The "translations" input from FORM's tr_<tag>_title and tr_<tag>_message fields (an
 * object, empty when all are empty). */
static json_t *translations_input(json_t *form)
{
    json_t *tr = json_object();
    for (int i = 0; i18n_langs[i]; i++) {
        char key[40];
        json_t *one = json_object();
        static const char *const parts[] = {"title", "message"};
        for (int p = 0; p < 2; p++) {
            snprintf(key, sizeof key, "tr_%s_%s", i18n_langs[i], parts[p]);
            const char *v = form_str(form, key);
            if (v && *v) json_object_set_new(one, parts[p], json_string(v));
        }
        if (json_object_size(one))
            json_object_set_new(tr, i18n_langs[i], one);
        else
            json_decref(one);
    }
    return tr;
}

/* The translation fields of the forms in M: one per language A's page offers besides its
 * default, with FORM's values (a refused form's), or none. */
static void translation_fields(struct admin *a, json_t *m, json_t *form)
{
    struct err e = {0};
    json_t *page = NULL, *fields = json_array();
    if (app_page_get(&a->c, &page, &e) == 0) {
        const char *def = json_string_value(json_object_get(page, "default_language"));
        size_t i;
        json_t *l;
        json_array_foreach(json_object_get(page, "languages"), i, l)
        {
            const char *tag = json_string_value(l);
            if (!tag || (def && strcmp(tag, def) == 0)) continue;
            char tk[40], mk[40];
            snprintf(tk, sizeof tk, "tr_%s_title", tag);
            snprintf(mk, sizeof mk, "tr_%s_message", tag);
            const char *t = form ? form_str(form, tk) : NULL,
                       *msg = form ? form_str(form, mk) : NULL;
            json_array_append_new(fields, json_pack("{s:s,s:s,s:s,s:s}", "tag", tag, "name",
                                                    i18n_get(tag, "lang_name"), "title", t ? t : "",
                                                    "message", msg ? msg : ""));
        }
    }
    json_decref(page);
    json_object_set_new(m, "has_translation_fields", json_boolean(json_array_size(fields)));
    json_object_set_new(m, "translation_fields", fields);
}

/* Maps FORM with FIELDS (times as wall times of A's page's zone) plus the services; *IN
 * gets the use case's input. */
static int event_input(struct admin *a, const struct ev_screen *k, json_t *form,
                       const struct field *fields, json_t **in, struct err *e)
{
    char zone[TZ_NAME_MAX];
    admin_page_zone(a, zone);
    if (admin_map_in(form, fields, zone, in, e) != 0) return -1;
    if (form_str(form, "services_shown"))
        json_object_set_new(*in, "services", services_input(k, form));
    const char *start_now = form_str(form, "start_now");
    if (k->kind == EVENT_MAINTENANCE && start_now && strcmp(start_now, "1") == 0)
        json_object_set_new(*in, "stage", json_string("in_progress"));
    json_t *tr = translations_input(form);
    if (json_object_size(tr))
        json_object_set_new(*in, "translations", tr);
    else
        json_decref(tr);
    return 0;
}

/* Adds the option lists of the "new" form to M (FORM: the submitted values, or NULL). */
static int new_model(struct admin *a, const struct ev_screen *k, json_t *m, json_t *form,
                     json_t *selected, struct err *e)
{
    struct paging pg = {.limit = 500};
    json_t *tl = NULL;
    const char *stage = form ? form_str(form, "stage") : NULL;
    const char *impact = form ? form_str(form, "impact") : NULL;
    json_object_set_new(m, "stage_options", views_stage_options(k->kind, stage, NULL));
    json_object_set_new(m, "impact_options", views_impact_options(impact ? impact : ""));
    json_object_set_new(m, "is_incident", json_boolean(k->kind == EVENT_INCIDENT));
    json_object_set_new(m, "path", json_string(k->path));
    json_object_set_new(m, "name", json_string(k->name));
    if (app_templates_list(&a->c, k->name, &pg, &tl, e) != 0) return -1;
    json_object_set(m, "templates", json_object_get(tl, "templates"));
    json_decref(tl);
    return views_service_picker(&a->c, m, selected, e);
}

static void render_new(struct admin *a, const struct ev_screen *k, int status, json_t *m,
                       json_t *form, json_t *selected)
{
    struct err e = {0};
    char title[64];
    snprintf(title, sizeof title, "New %s", k->name);
    if (new_model(a, k, m, form, selected, &e) != 0) {
        json_decref(m);
        admin_error(a, &e);
        return;
    }
    translation_fields(a, m, form);
    admin_render(a, status, "event_new.html", title, k->list_key, m);
}

void ev_list(struct req *r)
{
    const struct ev_screen *k = r->route_arg;
    struct admin a;
    struct err e = {0};
    json_t *open = NULL, *closed = NULL;
    struct paging pg = {.limit = 50};
    if (admin_begin(r, &a, PERM_READ) != 0) return;
    if (k->list(&a.c, &pg, "open", &open, &e) != 0 ||
        k->list(&a.c, &pg, k->closed, &closed, &e) != 0) {
        admin_error(&a, &e);
    } else {
        json_t *m = json_pack("{s:O,s:O,s:s,s:s,s:b}", "open", json_object_get(open, k->list_key),
                              "closed", json_object_get(closed, k->list_key), "path", k->path,
                              "name", k->name, "is_incident", k->kind == EVENT_INCIDENT);
        char zone[TZ_NAME_MAX];
        admin_page_zone(&a, zone);
        views_events(json_object_get(m, "open"), zone);
        views_events(json_object_get(m, "closed"), zone);
        admin_render(&a, 200, "events.html", k->title, k->list_key, m);
    }
    json_decref(open);
    json_decref(closed);
    admin_end(&a);
}

void ev_new(struct req *r)
{
    const struct ev_screen *k = r->route_arg;
    struct admin a;
    struct err e = {0};
    if (admin_begin(r, &a, PERM_CONTENT) != 0) return;
    json_t *m = json_object(), *form = json_pack("{s:s,s:s,s:s}", "notify", "1", "auto_start", "1",
                                                 "auto_complete", "1");
    const char *tid = req_query(r, "template");
    json_t *tmpl = NULL;
    if (tid && *tid) {
        if (app_template_get(&a.c, strtoll(tid, NULL, 10), &tmpl, &e) != 0) {
            json_decref(m);
            json_decref(form);
            admin_error(&a, &e);
            admin_end(&a);
            return;
        }
        json_object_set(form, "title", json_object_get(tmpl, "title"));
        json_object_set(form, "message", json_object_get(tmpl, "message"));
        json_object_set(form, "template_name", json_object_get(tmpl, "name"));
        json_decref(tmpl);
    }
    json_object_set_new(m, "form", form);
    render_new(&a, k, 200, m, NULL, NULL);
    admin_end(&a);
}

void ev_create(struct req *r)
{
    const struct ev_screen *k = r->route_arg;
    struct admin a;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (admin_begin(r, &a, PERM_CONTENT) != 0) return;
    int rc = event_input(&a, k, a.form, k->create_fields, &in, &e);
    if (rc == 0 && form_str(a.form, "preview")) {
        json_t *m = json_pack("{s:O}", "form", a.form);
        char *html = markdown_to_html(form_str(a.form, "message"));
        json_object_set_new(m, "preview_html", json_string(html));
        free(html);
        render_new(&a, k, 200, m, a.form, json_object_get(in, "services"));
    } else if (rc != 0 || k->create(&a.c, in, &out, &e) != 0) {
        json_t *m = json_object();
        int status = admin_form_errors(m, a.form, k->create_fields, &e);
        render_new(&a, k, status, m, a.form, in ? json_object_get(in, "services") : NULL);
    } else {
        admin_redirect(r, "%s/%lld?notice=created", k->path,
                       (long long)json_integer_value(json_object_get(out, "id")));
    }
    json_decref(in);
    json_decref(out);
    admin_end(&a);
}

/* Sets "name" of each of SERVICES ({"id",…}) from PICK (views_service_picker's list). */
static void name_services(json_t *services, json_t *pick)
{
    json_t *s, *p;
    size_t i, j;
    json_array_foreach(services, i, s) json_array_foreach(pick, j, p)
    {
        if (json_equal(json_object_get(s, "id"), json_object_get(p, "id")))
            json_object_set(s, "name", json_object_get(p, "name"));
    }
}

/* Shows event ID with STATUS; M (stolen) may hold a refused form's errors. */
static void show(struct admin *a, const struct ev_screen *k, int64_t id, int status, json_t *m)
{
    struct err e = {0};
    json_t *ev = NULL;
    if (k->get(&a->c, id, &ev, &e) != 0) {
        json_decref(m);
        admin_error(a, &e);
        return;
    }
    char zone[TZ_NAME_MAX];
    admin_page_zone(a, zone);
    views_event(ev, zone);
    const char *stage = json_string_value(json_object_get(ev, "stage"));
    json_object_set_new(m, "stage_options", views_stage_options(k->kind, stage, stage));
    json_object_set_new(m, "impact_options",
                        views_impact_options(json_string_value(json_object_get(ev, "impact"))));
    json_object_set_new(m, "path", json_string(k->path));
    json_object_set_new(m, "name", json_string(k->name));
    if (views_service_picker(&a->c, m, json_object_get(ev, "services"), &e) != 0) {
        json_decref(ev);
        json_decref(m);
        admin_error(a, &e);
        return;
    }
    translation_fields(a, m, json_object_get(m, "form"));
    if (!json_object_get(m, "form"))
        json_object_set_new(m, "form", json_pack("{s:s}", "notify", "1"));
    json_object_set_new(m, "is_incident", json_boolean(k->kind == EVENT_INCIDENT));
    name_services(json_object_get(ev, "services"), json_object_get(m, "pick"));
    json_object_set_new(m, "event", ev);
    admin_render(a, status, "event.html", json_string_value(json_object_get(ev, "title")),
                 k->list_key, m);
}

void ev_show_refused(struct admin *a, const struct ev_screen *k, int64_t id, int status, json_t *m)
{
    show(a, k, id, status, m);
}

void ev_show(struct req *r)
{
    const struct ev_screen *k = r->route_arg;
    struct admin a;
    if (admin_begin(r, &a, PERM_READ) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (id) show(&a, k, id, 200, json_object());
    admin_end(&a);
}

/* POST handlers of one event: FIELDS mapped, then CALL; errors shown on the event's page. */
static void event_post(struct req *r, const struct ev_screen *k, const struct field *fields,
                       int (*call)(struct app_ctx *, int64_t, json_t *, json_t **, struct err *),
                       const char *notice)
{
    struct admin a;
    struct err e = {0};
    json_t *in = NULL, *out = NULL;
    if (admin_begin(r, &a, PERM_CONTENT) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (!id) goto out;
    int rc = event_input(&a, k, a.form, fields, &in, &e);
    if (rc == 0 && form_str(a.form, "preview")) {
        json_t *m = json_pack("{s:O}", "form", a.form);
        char *html = markdown_to_html(form_str(a.form, "message"));
        json_object_set_new(m, "preview_html", json_string(html));
        free(html);
        show(&a, k, id, 200, m);
    } else if (rc != 0 || call(&a.c, id, in, &out, &e) != 0) {
        if (e.code == ERR_NOT_FOUND) {
            admin_error(&a, &e);
        } else {
            json_t *m = json_object();
            show(&a, k, id, admin_form_errors(m, a.form, fields, &e), m);
        }
    } else {
        admin_redirect(r, "%s/%lld?notice=%s", k->path, (long long)id, notice);
    }
out:
    json_decref(in);
    json_decref(out);
    admin_end(&a);
}

void ev_post_update(struct req *r)
{
    const struct ev_screen *k = r->route_arg;
    event_post(r, k, k->update_fields, k->post_update, "posted");
}

void ev_edit(struct req *r)
{
    const struct ev_screen *k = r->route_arg;
    event_post(r, k, k->edit_fields, k->edit, "saved");
}

void ev_delete(struct req *r)
{
    const struct ev_screen *k = r->route_arg;
    admin_post_id(r, PERM_CONTENT, k->del, k->path, "deleted");
}

void ev_publish(struct req *r)
{
    const struct ev_screen *k = r->route_arg;
    struct admin a;
    struct err e = {0};
    json_t *out = NULL;
    assert(k->publish);
    if (admin_begin(r, &a, PERM_CONTENT) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (!id) {
        /* admin_id replied 404 */
    } else if (k->publish(&a.c, id, &out, &e) == 0) {
        admin_redirect(r, "%s/%lld?notice=published", k->path, (long long)id);
    } else if (e.code == ERR_INVALID) {
        show(&a, k, id, err_http_status(e.code), json_pack("{s:s}", "error", e.msg));
    } else {
        admin_error(&a, &e);
    }
    json_decref(out);
    admin_end(&a);
}
