/*
 * app/maintenance — maintenance use cases and automatic transitions. See
 * maintenance.h; the shared rules live in app/events.c.
 */
#include "app/maintenance.h"
#include "app/events.h"
#include "app/translations.h"
#include "core/log.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/utf8.h"

enum { DUE_BATCH = 100 };

static const char MSG_STARTED[] = "Scheduled maintenance has started.";
static const char MSG_COMPLETE[] = "Scheduled maintenance is complete.";

static int end_after_start(int64_t start, int64_t end, struct err *e)
{
    if (end <= start) return err_set(e, ERR_INVALID, "scheduled_end must be after scheduled_start");
    return 0;
}

int app_maintenance_list(struct app_ctx *c, const struct paging *pg, const char *state,
                         json_t **out, struct err *e)
{
    return events_list(c, EVENT_MAINTENANCE, "maintenance", pg, state, out, e);
}

int app_maintenance_get(struct app_ctx *c, int64_t id, json_t **out, struct err *e)
{
    return events_get(c, EVENT_MAINTENANCE, id, out, e);
}

int app_maintenance_create(struct app_ctx *c, json_t *in, json_t **out, struct err *e)
{
    static const char *const keys[] = {
        "title",      "message",       "scheduled_start", "scheduled_end", "services",     "notify",
        "auto_start", "auto_complete", "stage",           "template_id",   "translations", NULL};
    struct ev_services sv = {0};
    struct ev_change ch = {.stage = stage_initial(EVENT_MAINTENANCE),
                           .notify = true,
                           .creation = true,
                           .services = &sv};
    struct event_fields f = {.kind = EVENT_MAINTENANCE,
                             .impact = impact_name(IMPACT_NONE),
                             .auto_start = true,
                             .auto_complete = true};
    json_t *tmpl = NULL;
    char *translations = NULL;
    int rc = -1;
    if (app_require(c, PERM_CONTENT, e) != 0 || in_only(in, keys, e) != 0 ||
        events_read_text(c, in, EVENT_MAINTENANCE, &f.title, &ch.message, &tmpl, e) != 0 ||
        in_time(in, "scheduled_start", true, &f.scheduled_start, e) != 0 ||
        in_time(in, "scheduled_end", true, &f.scheduled_end, e) != 0 ||
        end_after_start(f.scheduled_start, f.scheduled_end, e) != 0 ||
        in_bool(in, "auto_start", &f.auto_start, e) != 0 ||
        in_bool(in, "auto_complete", &f.auto_complete, e) != 0 ||
        in_bool(in, "notify", &ch.notify, e) != 0 ||
        events_parse_stage(in, EVENT_MAINTENANCE, &ch.stage, e) != 0 ||
        events_parse_services(in, EVENT_MAINTENANCE, &sv, e) != 0 ||
        app_translations_read(c, in, &translations, e) != 0)
        goto out;
    ch.translations = translations;
    if (ch.stage != STAGE_SCHEDULED && ch.stage != STAGE_IN_PROGRESS) {
        err_set(e, ERR_INVALID,
                "new maintenance starts as scheduled or in_progress, not %s; "
                "later stages are reached by updates",
                stage_name(ch.stage));
        goto out;
    }
    /* a window already over: complete at once, one update, notifying only if asked (the
     * scheduler would otherwise add "started" and "complete" at its next run) */
    if (f.auto_complete && f.scheduled_end <= time_now() &&
        (ch.stage == STAGE_IN_PROGRESS || f.auto_start))
        ch.stage = STAGE_COMPLETE;
    f.stage = stage_name(ch.stage);
    rc = events_create(c, &f, &ch, out, e);
out:
    free(translations);
    json_decref(tmpl);
    events_services_free(&sv);
    return rc;
}

int app_maintenance_post_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out,
                                struct err *e)
{
    return events_post_update(c, EVENT_MAINTENANCE, id, in, out, e);
}

/* A PATCH of the schedule must keep end after start and may not touch complete maintenance. */
static int check_schedule(const struct event_row *row, const struct event_edit *ed, struct err *e)
{
    bool schedule =
        ed->scheduled_start || ed->scheduled_end || ed->auto_start >= 0 || ed->auto_complete >= 0;
    if (schedule && row->resolved_at)
        return err_set(e, ERR_INVALID,
                       "maintenance %lld is complete; its schedule no longer "
                       "changes (only its title does)",
                       (long long)row->id);
    return end_after_start(ed->scheduled_start ? ed->scheduled_start : row->scheduled_start,
                           ed->scheduled_end ? ed->scheduled_end : row->scheduled_end, e);
}

/* Reads the optional boolean KEY of IN into *OUT as 0/1, leaving -1 when absent. */
static int read_flag(json_t *in, const char *key, int *out, struct err *e)
{
    bool b = false;
    if (!in_has(in, key)) return 0;
    if (in_bool(in, key, &b, e) != 0) return -1;
    *out = b;
    return 0;
}

int app_maintenance_update(struct app_ctx *c, int64_t id, json_t *in, json_t **out, struct err *e)
{
    static const char *const keys[] = {"title",      "scheduled_start", "scheduled_end",
                                       "auto_start", "auto_complete",   NULL};
    struct event_edit ed = {.auto_start = -1, .auto_complete = -1};
    if (app_require(c, PERM_CONTENT, e) != 0 || in_only(in, keys, e) != 0 ||
        in_text(in, "title", LIMIT_TITLE, false, false, &ed.title, e) != 0 ||
        (ed.title && text_check("title", ed.title, LIMIT_TITLE, true, false, e) != 0) ||
        in_time(in, "scheduled_start", false, &ed.scheduled_start, e) != 0 ||
        in_time(in, "scheduled_end", false, &ed.scheduled_end, e) != 0 ||
        read_flag(in, "auto_start", &ed.auto_start, e) != 0 ||
        read_flag(in, "auto_complete", &ed.auto_complete, e) != 0)
        return -1;
    return events_edit(c, EVENT_MAINTENANCE, id, &ed, check_schedule, out, e);
}

int app_maintenance_delete(struct app_ctx *c, int64_t id, struct err *e)
{
    return events_delete(c, EVENT_MAINTENANCE, id, e);
}

/*
 * The automatic transition of maintenance ID (on C's page) due at NOW, decided again
 * inside the transaction (a person may have moved it meanwhile). Returns 1 when it
 * made one, 0 when none was due any more, -1 on error.
 */
static int auto_transition(struct app_ctx *c, int64_t id, int64_t now, struct err *e)
{
    struct event_row row;
    enum stage from, to;
    if (db_begin(c->db, e) != 0) return -1;
    int found = store_event_load(c->db, c->page_id, EVENT_MAINTENANCE, id, &row, e);
    if (found <= 0 || stage_parse(EVENT_MAINTENANCE, row.stage, &from) != 0) {
        db_rollback(c->db);
        return found < 0 ? -1 : 0;
    }
    bool end_due = row.auto_complete && row.scheduled_end <= now;
    if (from == STAGE_SCHEDULED && row.auto_start && row.scheduled_start <= now)
        to = end_due ? STAGE_COMPLETE : STAGE_IN_PROGRESS;
    else if (events_stage_holds(EVENT_MAINTENANCE, from) && end_due)
        to = STAGE_COMPLETE;
    else {
        db_rollback(c->db);
        return 0;
    }
    /* a timed step says what the team's latest update chose: "notify": false stays quiet */
    struct ev_change ch = {
        .stage = to, .notify = true, .message = to == STAGE_COMPLETE ? MSG_COMPLETE : MSG_STARTED};
    if (store_event_last_notify(c->db, id, &ch.notify, e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    if (events_apply(c, EVENT_MAINTENANCE, id, from, &ch, e) != 0 ||
        app_audit(c, to == STAGE_COMPLETE ? "maintenance.auto_complete" : "maintenance.auto_start",
                  id, stage_name(to), e) != 0) {
        db_rollback(c->db);
        return -1;
    }
    if (events_commit(c, e) != 0) return -1;
    log_info("maintenance %lld: automatically %s", (long long)id,
             to == STAGE_COMPLETE ? "completed" : "started");
    return 1;
}

int app_maintenance_run_due(struct app *app, struct db *db, int64_t now, int64_t *next,
                            struct err *e)
{
    *next = 0;
    json_t *due = store_maintenance_due(db, now, DUE_BATCH, e);
    if (!due) return -1;
    int done = app_run_due(app, db, due, now, auto_transition, "automatic transition", e);
    if (store_maintenance_next_due(db, next, e) != 0) return -1;
    return done;
}
