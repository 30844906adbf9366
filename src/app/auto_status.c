/*
 * app/auto_status — automatic status changes and incidents. See auto_status.h.
 */
#include "app/auto_status.h"
#include "app/events.h"
#include "app/incidents.h"
#include "core/log.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "domain/event.h"
#include "store/events.h"
#include "store/services.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

int auto_status_holders(struct db *db, int64_t service_id, int64_t except_event, bool *incident,
                        bool *maintenance, struct err *e)
{
    json_t *links = store_service_event_links(db, service_id, except_event, e);
    if (!links) return -1;
    size_t i;
    json_t *l;
    *incident = *maintenance = false;
    json_array_foreach(links, i, l)
    {
        enum event_kind k;
        enum stage s;
        if (event_kind_parse(jstr(l, "kind"), &k) == 0 &&
            stage_parse(k, jstr(l, "stage"), &s) == 0 && events_stage_holds(k, s))
            *(k == EVENT_MAINTENANCE ? maintenance : incident) = true;
    }
    json_decref(links);
    return 0;
}

/* Sets SVC's status to ST, audited. */
static int set_status(struct app_ctx *c, json_t *svc, enum svc_status st, struct err *e)
{
    int64_t id = json_integer_value(json_object_get(svc, "id"));
    assert(id > 0);
    if (store_service_set_status(c->db, id, status_name(st), time_now(), e) != 0 ||
        app_audit(c, "service.status", id, status_name(st), e) != 0)
        return -1;
    json_object_set_new(svc, "status", json_string(status_name(st)));
    return 0;
}

int auto_status_raise(struct app_ctx *c, json_t *svc, enum svc_status want, const char **set,
                      bool *changed, struct err *e)
{
    enum svc_status now = SVC_OPERATIONAL;
    status_parse(jstr(svc, "status"), &now);
    *set = NULL;
    if (want <= now) return 0; /* it shows as bad or worse: someone else's to undo */
    if (set_status(c, svc, want, e) != 0) return -1;
    *set = status_name(want);
    *changed = true;
    return 0;
}

int auto_status_release(struct app_ctx *c, json_t *svc, const char *set, bool held,
                        enum svc_status to, bool *changed, struct err *e)
{
    if (!set || held || strcmp(jstr(svc, "status"), set) != 0 || strcmp(set, status_name(to)) == 0)
        return 0;
    if (set_status(c, svc, to, e) != 0) return -1;
    *changed = true;
    return 0;
}

int64_t auto_incident_open(struct app_ctx *c, const char *title, const char *message,
                           int64_t service_id, const char *status, bool draft)
{
    char t[LIMIT_TITLE * 4 + 1];
    snprintf(t, sizeof t, "%s", title);
    for (char *p = t; *p; p++) /* a title is one line */
        if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
    text_cut(t, LIMIT_TITLE);
    char *m = xstrdup(message && message[0] ? message : "-");
    text_cut(m, LIMIT_MESSAGE);
    struct err e = {0};
    json_t *out = NULL,
           *in = json_pack("{s:s, s:s, s:[{s:I, s:s}], s:b}", "title", t, "message", m, "services",
                           "id", (json_int_t)service_id, "status", status, "draft", draft);
    int64_t id = 0;
    if (app_incident_create(c, in, &out, &e) == 0)
        id = json_integer_value(json_object_get(out, "id"));
    else if (!err_logged_by_store(&e))
        log_error("opening the incident \"%s\": %s", t, e.msg);
    json_decref(in);
    json_decref(out);
    free(m);
    return id;
}

void auto_incident_resolve(struct app_ctx *c, int64_t incident, const char *message)
{
    struct err e = {0};
    json_t *out = NULL, *in = json_pack("{s:s, s:s}", "stage", "resolved", "message", message);
    /* resolved (400) or deleted (404) by someone meanwhile: nothing left to do */
    if (app_incident_post_update(c, incident, in, &out, &e) != 0 && e.code != ERR_NOT_FOUND &&
        e.code != ERR_INVALID && !err_logged_by_store(&e))
        log_error("resolving incident %lld: %s", (long long)incident, e.msg);
    json_decref(in);
    json_decref(out);
}
