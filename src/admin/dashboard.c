/*
 * admin/dashboard — GET /admin: where the console starts (SPEC §8). It sends a
 * first visitor to setup and a signed-out one to sign-in (303); signed in, it
 * shows open incidents, maintenance in progress and upcoming, subscriber
 * counts (for roles that may see subscribers), notification health (for roles
 * that may see settings) and every service with a status dropdown.
 *
 * The dropdown is a plain form posting status=STATUS to
 * /admin/services/{id}/status; static/admin.js submits it on change, and an
 * "Apply" button does without JavaScript.
 */
#include "admin/admin.h"
#include "admin/views.h"
#include "app/deliveries.h"
#include "app/incidents.h"
#include "app/maintenance.h"
#include "app/services.h"
#include "app/subscribers.h"
#include <string.h>

/* Splits open maintenance into "maintenance_active" and "maintenance_upcoming" of M. */
static void split_maintenance(json_t *m, json_t *list)
{
    json_t *active = json_array(), *upcoming = json_array(), *ev;
    size_t i;
    json_array_foreach(list, i, ev)
    {
        const char *stage = json_string_value(json_object_get(ev, "stage"));
        json_array_append(stage && strcmp(stage, "scheduled") == 0 ? upcoming : active, ev);
    }
    json_object_set_new(m, "maintenance_active", active);
    json_object_set_new(m, "maintenance_upcoming", upcoming);
}

static void dashboard(struct req *r)
{
    struct app_thread *t = r->tctx;
    struct admin a;
    struct err e = {0};
    bool needed = false;
    json_t *m = json_object(), *out = NULL;
    if (app_setup_needed(t->db, &needed, &e) == 0 && needed) {
        json_decref(m);
        admin_redirect(r, "/admin/setup");
        return;
    }
    if (admin_begin(r, &a, PERM_READ) != 0) {
        json_decref(m);
        return;
    }
    struct paging pg = {.limit = 50};
    if (app_incidents_list(&a.c, &pg, "open", &out, &e) != 0) goto fail;
    json_object_set(m, "incidents", json_object_get(out, "incidents"));
    json_decref(out);
    if (app_maintenance_list(&a.c, &pg, "open", &out, &e) != 0) goto fail;
    split_maintenance(m, json_object_get(out, "maintenance"));
    json_decref(out);
    if (views_services(&a.c, m, &e) != 0) goto fail;
    if (role_allows(a.s.role, PERM_SUBSCRIBERS) && app_subscriber_counts(&a.c, &out, &e) == 0)
        json_object_set_new(m, "counts", views_counts(out));
    if (role_allows(a.s.role, PERM_SETTINGS) && app_delivery_health(&a.c, &out, &e) == 0)
        json_object_set_new(m, "health", views_health(out));
    admin_render(&a, 200, "dashboard.html", "Dashboard", "dashboard", m);
    admin_end(&a);
    return;
fail:
    json_decref(m);
    admin_error(&a, &e);
    admin_end(&a);
}

static void set_status(struct req *r)
{
    struct admin a;
    struct err e = {0};
    json_t *out = NULL;
    if (admin_begin(r, &a, PERM_CONTENT) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (id) {
        const char *status = form_str(a.form, "status");
        int rc = app_service_set_status(&a.c, id, status ? status : "", &out, &e);
        json_decref(out);
        const char *back = form_str(a.form, "back");
        admin_done(&a, rc, &e, back && strcmp(back, "services") == 0 ? "/admin/services" : "/admin",
                   "status");
    }
    admin_end(&a);
}

const struct route admin_dashboard_routes[] = {
    {M_GET, "/admin", dashboard},
    {M_POST, "/admin/services/{id}/status", set_status},
    {0, NULL, NULL},
};
