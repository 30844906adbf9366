/*
 * app/incidents — incident use cases. See incidents.h; the shared rules live in
 * app/events.c, this file reads the incident-specific fields and publishes drafts.
 */
#include "app/incidents.h"
#include "app/events.h"
#include "app/translations.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "domain/notify_rules.h"
#include <assert.h>

/* The impact an incident gets when none is given: from the worst status it sets. */
static enum impact impact_for(const struct ev_services *sv)
{
    enum svc_status worst = SVC_OPERATIONAL;
    for (size_t i = 0; i < sv->n; i++)
        if (sv->v[i].has_status && sv->v[i].status > worst) worst = sv->v[i].status;
    switch (worst) {
    case SVC_DEGRADED:
        return IMPACT_MINOR;
    case SVC_PARTIAL:
        return IMPACT_MAJOR;
    case SVC_MAJOR:
        return IMPACT_CRITICAL;
    default:
        return IMPACT_NONE;
    }
}

/* Reads the optional "impact" of IN into *OUT; *GIVEN tells whether it was there. */
static int read_impact(json_t *in, enum impact *out, bool *given, struct err *e)
{
    const char *s = NULL;
    *given = false;
    if (in_text(in, "impact", 20, false, false, &s, e) != 0) return -1;
    if (!s) return 0;
    if (impact_parse(s, out) != 0)
        return err_set(e, ERR_INVALID,
                       "unknown impact \"%.20s\"; accepted: none, minor, major, "
                       "critical",
                       s);
    *given = true;
    return 0;
}

int app_incidents_list(struct app_ctx *c, const struct paging *pg, const char *state, json_t **out,
                       struct err *e)
{
    return events_list(c, EVENT_INCIDENT, "incidents", pg, state, out, e);
}

int app_incident_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e)
{
    return events_get(c, EVENT_INCIDENT, id, out, e);
}

int app_incident_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e)
{
    static const char *const keys[] = {"title",      "message",      "stage",       "impact",
                                       "services",   "notify",       "template_id", "draft",
                                       "started_at", "translations", NULL};
    struct ev_services sv = {0};
    struct ev_change ch = {
        .stage = stage_initial(EVENT_INCIDENT), .notify = true, .creation = true, .services = &sv};
    struct event_fields f = {.kind = EVENT_INCIDENT};
    json_t *tmpl = NULL;
    char *translations = NULL;
    enum impact impact = IMPACT_NONE;
    bool has_impact;
    int rc = -1;
    if (app_require(c, PERM_CONTENT, e) != 0 || in_only(in, keys, e) != 0 ||
        events_read_text(c, in, EVENT_INCIDENT, &f.title, &ch.message, &tmpl, e) != 0 ||
        events_parse_stage(in, EVENT_INCIDENT, &ch.stage, e) != 0 ||
        read_impact(in, &impact, &has_impact, e) != 0 ||
        in_bool(in, "notify", &ch.notify, e) != 0 || in_bool(in, "draft", &f.draft, e) != 0 ||
        in_time(in, "started_at", false, &f.started_at, e) != 0 ||
        events_parse_services(in, EVENT_INCIDENT, &sv, e) != 0 ||
        app_translations_read(c, in, &translations, e) != 0)
        goto out;
    ch.translations = translations;
    if (f.started_at > time_now()) {
        err_set(e, ERR_INVALID,
                "started_at is in the future: an incident starts now or began "
                "before");
        goto out;
    }
    ch.draft = f.draft;
    f.stage = stage_name(ch.stage);
    f.impact = impact_name(has_impact ? impact : impact_for(&sv));
    rc = events_create(c, &f, &ch, out, e);
out:
    free(translations);
    json_decref(tmpl);
    events_services_free(&sv);
    return rc;
}

int app_incident_post_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e)
{
    return events_post_update(c, EVENT_INCIDENT, id, in, out, e);
}

/* events_edit_check of a PATCH with a postmortem: only a resolved incident has one. */
static int postmortem_check(const struct event_row *row, const struct event_edit *ed, struct err *e)
{
    (void)ed;
    enum stage st;
    if (stage_parse(EVENT_INCIDENT, row->stage, &st) == 0 && stage_is_final(st)) return 0;
    return err_set(e, ERR_INVALID,
                   "incident %lld is not resolved: a postmortem is written once it is",
                   (long long)row->id);
}

int app_incident_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e)
{
    static const char *const keys[] = {"title", "impact", "postmortem", NULL};
    struct event_edit ed = {.auto_start = -1, .auto_complete = -1};
    enum impact impact;
    bool has_impact;
    const char *pm = NULL;
    json_t *pmv = json_object_get(in, "postmortem");
    if (app_require(c, PERM_CONTENT, e) != 0 || in_only(in, keys, e) != 0 ||
        in_text(in, "title", LIMIT_TITLE, false, false, &ed.title, e) != 0 ||
        (ed.title && text_check("title", ed.title, LIMIT_TITLE, true, false, e) != 0) ||
        read_impact(in, &impact, &has_impact, e) != 0 ||
        (pmv && !json_is_null(pmv) &&
         in_text(in, "postmortem", LIMIT_POSTMORTEM, false, true, &pm, e) != 0))
        return -1;
    if (has_impact) ed.impact = impact_name(impact);
    if (pmv) {
        ed.postmortem = pm && pm[0] ? pm : ""; /* "" or null: none */
        return events_edit(c, EVENT_INCIDENT, id, &ed, postmortem_check, out, e);
    }
    return events_edit(c, EVENT_INCIDENT, id, &ed, NULL, out, e);
}

int app_incident_postmortem_publish(struct app_ctx *c, int64_t id, json_t *in, json_t **out,
                                    struct err *e)
{
    static const char *const keys[] = {"notify", NULL};
    bool notify = true;
    json_t *ev = NULL;
    if (app_require(c, PERM_CONTENT, e) != 0 || (in && in_only(in, keys, e) != 0) ||
        (in && in_bool(in, "notify", &notify, e) != 0) || db_begin(c->db, e) != 0)
        return -1;
    if (!(ev = store_event_get(c->db, c->page_id, EVENT_INCIDENT, id, e))) {
        if (!e->code)
            err_set(e, ERR_NOT_FOUND, "no incident with id %lld on this page", (long long)id);
        goto fail;
    }
    const char *pm = json_string_value(json_object_get(ev, "postmortem"));
    if (!pm || !pm[0]) {
        err_set(e, ERR_INVALID,
                "incident %lld has no postmortem: write it first (PATCH incidents/%lld "
                "{\"postmortem\": …})",
                (long long)id, (long long)id);
        goto fail;
    }
    if (json_is_true(json_object_get(ev, "draft"))) {
        err_set(e, ERR_INVALID, "incident %lld is a draft: publish the incident first",
                (long long)id);
        goto fail;
    }
    int64_t now = time_now();
    /* the postmortem goes out as an update of its own kind (never listed as an update), to
     * e-mail and the chat channels: not SMS, nor a tweet */
    if (notify) {
        int64_t uid = store_event_update_insert(c->db, id, update_kind_name(UPDATE_POSTMORTEM),
                                                json_string_value(json_object_get(ev, "stage")), pm,
                                                true, now, e);
        if (uid < 0 ||
            store_notify_job_insert(c->db, c->page_id, uid, channel_postmortem_mask(), now, e) < 0)
            goto fail;
    }
    if (store_event_postmortem_published(c->db, id, now, e) != 0 ||
        app_audit(c, "incident.postmortem", id, notify ? "notify" : "quiet", e) != 0)
        goto fail;
    json_decref(ev);
    if (events_commit(c, e) != 0) return -1;
    return events_get(c, EVENT_INCIDENT, id, out, e);
fail:
    json_decref(ev);
    db_rollback(c->db);
    return -1;
}

int app_incident_delete(struct app_ctx *c, int64_t id, struct err *e)
{
    return events_delete(c, EVENT_INCIDENT, id, e);
}

int app_incident_publish(struct app_ctx *c, int64_t id, json_t **out, struct err *e)
{
    struct event_row row;
    enum stage stage;
    int64_t now = time_now(), uid = 0;
    if (app_require(c, PERM_CONTENT, e) != 0 || db_begin(c->db, e) != 0) return -1;
    int found = store_event_load(c->db, c->page_id, EVENT_INCIDENT, id, &row, e);
    if (found <= 0) {
        if (found == 0)
            err_set(e, ERR_NOT_FOUND, "no incident with id %lld on this page", (long long)id);
        goto fail;
    }
    if (!row.draft) {
        err_set(e, ERR_INVALID, "incident %lld is published already", (long long)id);
        goto fail;
    }
    if (stage_parse(EVENT_INCIDENT, row.stage, &stage) != 0) {
        err_set(e, ERR_INTERNAL, "incident %lld has an unknown stage", (long long)id);
        goto fail;
    }
    int published = store_event_publish(c->db, c->page_id, id, now, e);
    if (published < 0) goto fail;
    assert(published == 1); /* loaded as a draft of this page in this transaction */
    /* open: its subscribers hear of it now, once, as of a new incident in its stage */
    unsigned channels = notify_channels(EVENT_INCIDENT, stage, true, true);
    if (!stage_is_final(stage) &&
        (store_event_last_update(c->db, id, &uid, e) != 0 ||
         (uid > 0 && store_notify_job_insert(c->db, c->page_id, uid, channels, now, e) < 0)))
        goto fail;
    if (app_audit(c, "incident.publish", id, row.stage, e) != 0) goto fail;
    if (events_commit(c, e) != 0) return -1;
    return events_get(c, EVENT_INCIDENT, id, out, e);
fail:
    db_rollback(c->db);
    return -1;
}
