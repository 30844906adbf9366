/*
 * admin/incidents — the Incidents screen (SPEC §8): list, create from scratch
 * or from a template (or as a draft), post updates through the stages, edit title
 * and impact, publish a draft, write a resolved incident's postmortem and send it,
 * delete. The handlers are admin/events.c's, for EVENT_INCIDENT, but the postmortem's.
 */
#include "app/incidents.h"
#include "admin/events.h"

static const struct field create_fields[] = {
    {"title", F_TEXT},  {"message", F_TEXT}, {"stage", F_OPT},       {"impact", F_OPT},
    {"notify", F_BOOL}, {"draft", F_BOOL},   {"started_at", F_TIME}, {NULL, 0}};
static const struct field edit_fields[] = {{"title", F_TEXT}, {"impact", F_OPT}, {NULL, 0}};
static const struct field update_fields[] = {
    {"stage", F_OPT}, {"message", F_TEXT}, {"notify", F_BOOL}, {NULL, 0}};

static const struct ev_screen incidents = {
    .kind = EVENT_INCIDENT,
    .path = "/admin/incidents",
    .list_key = "incidents",
    .name = "incident",
    .title = "Incidents",
    .closed = "resolved",
    .create_fields = create_fields,
    .edit_fields = edit_fields,
    .update_fields = update_fields,
    .list = app_incidents_list,
    .get = app_incident_get,
    .create = app_incident_create,
    .post_update = app_incident_post_update,
    .edit = app_incident_update,
    .del = app_incident_delete,
    .publish = app_incident_publish,
};

/* POST /admin/incidents/{id}/postmortem: saves the form's postmortem ("" removes it) and,
 * with "send", sends it to subscribers (app_incident_postmortem_publish). */
static void postmortem(struct req *r)
{
    struct admin a;
    struct err e = {0};
    json_t *out = NULL;
    if (admin_begin(r, &a, PERM_CONTENT) != 0) return;
    int64_t id = admin_id(&a, 0);
    if (id) {
        const char *text = form_str(a.form, "postmortem");
        bool send = form_str(a.form, "send") != NULL;
        json_t *in = json_pack("{s:s}", "postmortem", text ? text : "");
        int rc = app_incident_update(&a.c, id, in, &out, &e);
        json_decref(in);
        json_decref(out);
        out = NULL;
        if (rc == 0 && send) rc = app_incident_postmortem_publish(&a.c, id, NULL, &out, &e);
        if (rc == 0)
            admin_redirect(r, "/admin/incidents/%lld?notice=%s", (long long)id,
                           send ? "postmortem_sent" : "postmortem");
        else if (e.code == ERR_INVALID)
            ev_show_refused(
                &a, &incidents, id, err_http_status(e.code),
                json_pack("{s:s,s:{s:s}}", "error", e.msg, "form", "postmortem", text ? text : ""));
        else
            admin_error(&a, &e);
    }
    json_decref(out);
    admin_end(&a);
}

const struct route admin_incident_routes[] = {
    {M_GET, "/admin/incidents", ev_list, &incidents},
    {M_GET, "/admin/incidents/new", ev_new, &incidents},
    {M_POST, "/admin/incidents", ev_create, &incidents},
    {M_GET, "/admin/incidents/{id}", ev_show, &incidents},
    {M_POST, "/admin/incidents/{id}", ev_edit, &incidents},
    {M_POST, "/admin/incidents/{id}/updates", ev_post_update, &incidents},
    {M_POST, "/admin/incidents/{id}/delete", ev_delete, &incidents},
    {M_POST, "/admin/incidents/{id}/publish", ev_publish, &incidents},
    {M_POST, "/admin/incidents/{id}/postmortem", postmortem, NULL},
    {0, NULL, NULL},
};
