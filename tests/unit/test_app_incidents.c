/*
 * Unit tests for app/incidents' drafts against a real database (SQLite, and PostgreSQL
 * under scripts/run-unit.sh): a published incident queues its notify job; a draft
 * ("draft": true) queues none, nor do its updates, yet holds its services like any open
 * incident; publishing an open draft queues exactly one job, for its latest update, with
 * the channels of a creation in its stage, and wakes the dispatcher; publishing a
 * resolved draft queues none; publishing twice is a 400 and an unknown id (or another
 * page's) a 404, both changing nothing; bad "draft" input is a 400 that creates nothing;
 * a viewer may not publish; the public reads (store/public.h: open, closed, recent, one,
 * the closed count) leave a draft out until it is published. A back-dated incident
 * (started_at) begins then, with the service's history, unless that history has a later
 * row; one in the future is refused. A postmortem is written on a resolved incident only,
 * sent as an update of its own kind to e-mail and chat (not SMS) on request, or recorded
 * quietly, never listed as an update, and removed by null.
 */
#include "app/incidents.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "domain/notify_rules.h"
#include "store/pages.h"
#include "store/public.h"
#include "store/services.h"
#include "testutil.h"

struct fx {
    char dir[64];
    struct config cfg;
    struct db *db;
    struct app app;
    int64_t page, other_page, svc;
    int woken;
};

static struct fx *the_fx;

static void on_work(struct app *app)
{
    (void)app;
    the_fx->woken++;
}

static int setup(void **state)
{
    log_set_level(LOG_WARN);
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    f->app.cfg = &f->cfg;
    f->app.on_work = on_work;
    f->page = store_page_insert(f->db, "default", "Status", &e);
    f->other_page = store_page_insert(f->db, "other", "Other", &e);
    struct service_fields sf = {.name = "API", .description = "", .status = "operational"};
    f->svc = store_service_insert(f->db, f->page, &sf, &e);
    the_fx = f;
    *state = f;
    return f->page > 0 && f->other_page > 0 && f->svc > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

static struct app_ctx ctx(struct fx *f, int64_t page)
{
    return (struct app_ctx){
        .app = &f->app, .db = f->db, .page_id = page, .actor = {.kind = ACTOR_CLI}};
}

static int64_t one(struct fx *f, const char *sql, int64_t arg)
{
    struct err e = {0};
    int64_t v = -1;
    if (db_query_int(f->db, &e, &v, sql, "i", arg) < 0) fail_msg("%s: %s", sql, e.msg);
    return v;
}

#define JOBS                                                                                       \
    "SELECT COUNT(*) FROM notify_jobs j JOIN event_updates u ON u.id = j.update_id "               \
    "WHERE u.event_id = ?"

static const char *status_of(struct fx *f)
{
    static char s[40];
    struct err e = {0};
    json_t *svc = store_service_get(f->db, f->page, f->svc, &e);
    assert_non_null(svc);
    snprintf(s, sizeof s, "%s", json_string_value(json_object_get(svc, "status")));
    json_decref(svc);
    return s;
}

/* Creates an incident from the JSON text SPEC (title, message and the service added at
 * major_outage); returns its id. */
static int64_t incident(struct fx *f, const char *spec)
{
    struct app_ctx c = ctx(f, f->page);
    struct err e = {0};
    json_t *in = json_loads(spec, 0, NULL), *out = NULL;
    assert_non_null(in);
    json_object_set_new(in, "title", json_string("API errors"));
    json_object_set_new(in, "message", json_string("Looking into it."));
    json_object_set_new(in, "services",
                        json_pack("[{s:I,s:s}]", "id", (json_int_t)f->svc, "status", "major"));
    if (app_incident_create(&c, in, &out, &e) != 0) fail_msg("create %s: %s", spec, e.msg);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(in);
    json_decref(out);
    return id;
}

/* Posts an update in STAGE to incident ID. */
static void update(struct fx *f, int64_t id, const char *stage)
{
    struct app_ctx c = ctx(f, f->page);
    struct err e = {0};
    json_t *in = json_pack("{s:s,s:s}", "stage", stage, "message", "News."), *out = NULL;
    if (app_incident_post_update(&c, id, in, &out, &e) != 0) fail_msg("update: %s", e.msg);
    json_decref(in);
    json_decref(out);
}

/* Whether incident ID says "draft": true. */
static bool is_draft(struct fx *f, int64_t id)
{
    struct app_ctx c = ctx(f, f->page);
    struct err e = {0};
    json_t *out = NULL;
    if (app_incident_get(&c, id, &out, &e) != 0) fail_msg("get: %s", e.msg);
    json_t *d = json_object_get(out, "draft");
    assert_true(json_is_boolean(d));
    bool v = json_is_true(d);
    json_decref(out);
    return v;
}

/* How many events of public list L (its page the fixture's) show event ID. */
static int shown(struct fx *f, struct public_list l, int64_t id)
{
    struct err e = {0};
    json_t *ev = NULL, *up = NULL, *aff = NULL, *links = NULL;
    l.page_id = f->page;
    if (store_public_list(f->db, &l, &ev, &up, &aff, &links, &e) != 0)
        fail_msg("public list: %s", e.msg);
    int n = 0;
    size_t i;
    json_t *x;
    json_array_foreach(ev, i, x) n += json_integer_value(json_object_get(x, "id")) == id;
    json_array_foreach(up, i, x) n += json_integer_value(json_object_get(x, "event_id")) == id;
    json_array_foreach(links, i, x) n += json_integer_value(json_object_get(x, "event_id")) == id;
    json_decref(ev);
    json_decref(up);
    json_decref(aff);
    json_decref(links);
    return n;
}

static const struct public_list OPEN = {PL_OPEN, .limit = 100};
static const struct public_list CLOSED = {PL_CLOSED, .since = 0, .limit = 100};
static const struct public_list RECENT = {PL_RECENT, .event_kind = "incident", .limit = 100};

static int shown_one(struct fx *f, int64_t id)
{
    return shown(f, (struct public_list){PL_ONE, .event_kind = "incident", .id = id}, id);
}

static void a_published_incident_notifies(void **state)
{
    struct fx *f = *state;
    int64_t id = incident(f, "{}");
    assert_false(is_draft(f, id));
    assert_int_equal(one(f, JOBS, id), 1);
    assert_true(shown(f, OPEN, id) > 0);
    assert_true(shown_one(f, id) > 0);
}

static void a_draft_and_its_updates_notify_nobody(void **state)
{
    struct fx *f = *state;
    f->woken = 0;
    int64_t id = incident(f, "{\"draft\":true}");
    assert_true(is_draft(f, id));
    assert_int_equal(one(f, JOBS, id), 0);
    assert_string_equal(status_of(f), "major_outage"); /* held like any open incident */
    update(f, id, "identified");
    update(f, id, "monitoring");
    assert_int_equal(one(f, JOBS, id), 0);
    assert_int_equal(one(f, "SELECT COUNT(*) FROM notify_jobs WHERE page_id = ?", f->page), 0);
    assert_true(is_draft(f, id));
    assert_string_equal(status_of(f), "major_outage");
    /* "draft": false is an ordinary incident */
    int64_t plain = incident(f, "{\"draft\":false}");
    assert_false(is_draft(f, plain));
    assert_int_equal(one(f, JOBS, plain), 1);
}

static void the_public_reads_leave_a_draft_out(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t open = incident(f, "{\"draft\":true}");
    int64_t closed = incident(f, "{\"draft\":true}");
    update(f, closed, "resolved");
    assert_int_equal(shown(f, OPEN, open), 0);
    assert_int_equal(shown(f, RECENT, open), 0);
    assert_int_equal(shown_one(f, open), 0);
    assert_int_equal(shown(f, CLOSED, closed), 0);
    assert_int_equal(shown(f, RECENT, closed), 0);
    assert_int_equal(shown_one(f, closed), 0);
    assert_int_equal(store_public_closed_count(f->db, f->page, &e), 0);
    /* the admin lists do show them */
    struct app_ctx c = ctx(f, f->page);
    struct paging pg = {.limit = 50};
    json_t *out = NULL;
    assert_int_equal(app_incidents_list(&c, &pg, NULL, &out, &e), 0);
    assert_int_equal(json_array_size(json_object_get(out, "incidents")), 2);
    json_decref(out);

    json_t *got = NULL;
    assert_int_equal(app_incident_publish(&c, open, &got, &e), 0);
    json_decref(got);
    assert_int_equal(app_incident_publish(&c, closed, &got, &e), 0);
    json_decref(got);
    assert_true(shown(f, OPEN, open) > 0);
    assert_true(shown(f, RECENT, open) > 0);
    assert_true(shown_one(f, open) > 0);
    assert_true(shown(f, CLOSED, closed) > 0);
    assert_true(shown_one(f, closed) > 0);
    assert_int_equal(store_public_closed_count(f->db, f->page, &e), 1);
}

static void publishing_an_open_draft_queues_one_job(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct app_ctx c = ctx(f, f->page);
    int64_t id = incident(f, "{\"draft\":true}");
    update(f, id, "identified");
    int64_t latest = one(f, "SELECT MAX(id) FROM event_updates WHERE event_id = ?", id);
    f->woken = 0;
    json_t *out = NULL;
    assert_int_equal(app_incident_publish(&c, id, &out, &e), 0);
    assert_true(json_is_false(json_object_get(out, "draft")));
    assert_string_equal(json_string_value(json_object_get(out, "stage")), "identified");
    assert_int_equal(json_array_size(json_object_get(out, "updates")), 2);
    json_decref(out);
    assert_false(is_draft(f, id));
    assert_int_equal(one(f, JOBS, id), 1);
    assert_int_equal(one(f, "SELECT COUNT(*) FROM notify_jobs WHERE update_id = ?", latest), 1);
    /* a creation in "identified": SMS too (SPEC §10) */
    assert_int_equal(one(f, "SELECT channels FROM notify_jobs WHERE update_id = ?", latest),
                     notify_channels(EVENT_INCIDENT, STAGE_IDENTIFIED, true, true));
    assert_true(one(f, "SELECT channels FROM notify_jobs WHERE update_id = ?", latest) & CH_SMS);
    assert_true(f->woken > 0);
    assert_int_equal(one(f,
                         "SELECT COUNT(*) FROM audit_log WHERE action = 'incident.publish' "
                         "AND object_id = ?",
                         id),
                     1);
    /* once published, its updates notify as usual */
    update(f, id, "resolved");
    assert_int_equal(one(f, JOBS, id), 2);
    assert_string_equal(status_of(f), "operational");
}

static void publishing_a_resolved_draft_notifies_nobody(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct app_ctx c = ctx(f, f->page);
    int64_t id = incident(f, "{\"draft\":true}");
    update(f, id, "resolved");
    assert_string_equal(status_of(f), "operational"); /* released on resolution */
    json_t *out = NULL;
    assert_int_equal(app_incident_publish(&c, id, &out, &e), 0);
    assert_true(json_is_false(json_object_get(out, "draft")));
    assert_string_equal(json_string_value(json_object_get(out, "stage")), "resolved");
    json_decref(out);
    assert_int_equal(one(f, JOBS, id), 0);
}

static void publishing_twice_or_unknown_is_refused(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct app_ctx c = ctx(f, f->page);
    int64_t id = incident(f, "{\"draft\":true}");
    json_t *out = NULL;
    assert_int_equal(app_incident_publish(&c, id, &out, &e), 0);
    json_decref(out);
    out = NULL;
    int64_t updated = one(f, "SELECT updated_at FROM events WHERE id = ?", id);

    assert_int_equal(app_incident_publish(&c, id, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "published already"));
    assert_null(out);
    assert_int_equal(one(f, JOBS, id), 1);
    assert_int_equal(one(f, "SELECT updated_at FROM events WHERE id = ?", id), updated);

    /* an incident created published is published already too */
    int64_t plain = incident(f, "{}");
    e = (struct err){0};
    assert_int_equal(app_incident_publish(&c, plain, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(one(f, JOBS, plain), 1);

    e = (struct err){0};
    assert_int_equal(app_incident_publish(&c, 999999, &out, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_non_null(strstr(e.msg, "999999"));

    /* another page's draft is unknown here, and stays a draft */
    int64_t mine = incident(f, "{\"draft\":true}");
    struct app_ctx other = ctx(f, f->other_page);
    e = (struct err){0};
    assert_int_equal(app_incident_publish(&other, mine, &out, &e), -1);
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_true(is_draft(f, mine));

    /* a viewer may read it, not publish it */
    struct app_ctx viewer = ctx(f, f->page);
    viewer.actor = (struct actor){.kind = ACTOR_USER, .id = 1, .role = ROLE_VIEWER};
    e = (struct err){0};
    assert_int_equal(app_incident_publish(&viewer, mine, &out, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    assert_true(is_draft(f, mine));
    assert_int_equal(one(f, JOBS, mine), 0);
    assert_int_equal(
        one(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'incident.publish' AND page_id = ?",
            f->page),
        1);
}

static void bad_draft_input_is_refused(void **state)
{
    struct fx *f = *state;
    struct app_ctx c = ctx(f, f->page);
    static const char *const bad[] = {
        "{\"title\":\"t\",\"message\":\"m\",\"draft\":\"yes\"}",
        "{\"title\":\"t\",\"message\":\"m\",\"draft\":1}",
        "{\"title\":\"t\",\"message\":\"m\",\"draft\":null}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = {0};
        json_t *in = json_loads(bad[i], 0, NULL), *out = NULL;
        assert_non_null(in);
        if (app_incident_create(&c, in, &out, &e) == 0) fail_msg("accepted %s", bad[i]);
        assert_int_equal(e.code, ERR_INVALID);
        assert_non_null(strstr(e.msg, "draft"));
        json_decref(in);
    }
    assert_int_equal(one(f, "SELECT COUNT(*) FROM events WHERE page_id = ?", f->page), 0);
}

/* An RFC 3339 time SECONDS from now. */
static const char *at(int64_t seconds)
{
    static char buf[40];
    return time_format(time_now() + seconds, buf, sizeof buf);
}

static void a_back_dated_incident_begins_when_it_began(void **state)
{
    struct fx *f = *state;
    struct app_ctx c = ctx(f, f->page);
    struct err e = {0};
    json_t *out = NULL;
    /* in the future: refused, nothing created */
    json_t *in =
        json_pack("{s:s,s:s,s:s}", "title", "Later", "message", "m", "started_at", at(600));
    assert_int_equal(app_incident_create(&c, in, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "started_at"));
    json_decref(in);
    assert_int_equal(one(f, "SELECT COUNT(*) FROM events WHERE page_id = ?", f->page), 0);
    /* an hour ago (the service is a day old): the incident and its history begin then */
    db_exec(f->db, &e, NULL,
            "UPDATE service_status_log SET started_at = started_at - 86400 WHERE service_id = ?",
            "i", f->svc);
    int64_t began = time_now() - 3600;
    char when[40];
    time_format(began, when, sizeof when);
    char spec[128];
    snprintf(spec, sizeof spec, "{\"started_at\":\"%s\"}", when);
    int64_t id = incident(f, spec);
    assert_int_equal(one(f, "SELECT started_at FROM events WHERE id = ?", id), began);
    assert_int_equal(one(f,
                         "SELECT started_at FROM service_status_log WHERE service_id = ? "
                         "ORDER BY id DESC LIMIT 1",
                         f->svc),
                     began);
    assert_string_equal(status_of(f), "major_outage");
    assert_int_equal(app_incident_get(&c, id, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "started_at")), when);
    json_decref(out);
    /* the public period starts then too */
    struct public_list l = {.kind = PL_ONE, .page_id = f->page, .event_kind = "incident", .id = id};
    json_t *rows, *ups, *aff, *links;
    assert_int_equal(store_public_list(f->db, &l, &rows, &ups, &aff, &links, &e), 0);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(rows, 0), "period_start_at")), when);
    json_decref(rows), json_decref(ups), json_decref(aff), json_decref(links);
}

static void a_back_dated_incident_leaves_a_later_history_as_it_was(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    /* the service changed ten minutes ago: an incident said to have begun an hour ago
     * does not rewrite what happened since */
    db_exec(f->db, &e, NULL,
            "UPDATE service_status_log SET started_at = started_at - 600 WHERE service_id = ?", "i",
            f->svc);
    char spec[128];
    snprintf(spec, sizeof spec, "{\"started_at\":\"%s\"}", at(-3600));
    int64_t before = time_now();
    incident(f, spec);
    assert_true(one(f,
                    "SELECT started_at FROM service_status_log WHERE service_id = ? "
                    "ORDER BY id DESC LIMIT 1",
                    f->svc) >= before);
}

static void a_postmortem_is_written_once_resolved_and_sent_on_request(void **state)
{
    struct fx *f = *state;
    struct app_ctx c = ctx(f, f->page);
    struct err e = {0};
    json_t *out = NULL;
    int64_t id = incident(f, "{}");
    json_t *pm = json_pack("{s:s}", "postmortem", "## What happened\n\nA bad deploy.");
    /* open: refused, unchanged */
    assert_int_equal(app_incident_update(&c, id, pm, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "not resolved"));
    update(f, id, "resolved");
    /* none yet: nothing to send */
    e = (struct err){0};
    assert_int_equal(app_incident_postmortem_publish(&c, id, NULL, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    e = (struct err){0};
    assert_int_equal(app_incident_update(&c, id, pm, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "postmortem")),
                        "## What happened\n\nA bad deploy.");
    assert_true(json_is_null(json_object_get(out, "postmortem_published_at")));
    json_decref(out);
    int64_t jobs = one(f, JOBS, id);
    /* sent: an update of its own kind with one job, to e-mail and the chat channels */
    assert_int_equal(app_incident_postmortem_publish(&c, id, NULL, &out, &e), 0);
    assert_false(json_is_null(json_object_get(out, "postmortem_published_at")));
    json_decref(out);
    assert_int_equal(one(f, JOBS, id), jobs + 1);
    assert_int_equal(one(f,
                         "SELECT j.channels FROM notify_jobs j JOIN event_updates u ON u.id = "
                         "j.update_id WHERE u.event_id = ? AND u.kind = 'postmortem'",
                         id),
                     CH_EMAIL | CH_SLACK | CH_WEBHOOK | CH_TEAMS | CH_DISCORD | CH_GOOGLECHAT);
    assert_int_equal(channel_postmortem_mask(),
                     CH_EMAIL | CH_SLACK | CH_WEBHOOK | CH_TEAMS | CH_DISCORD | CH_GOOGLECHAT);
    /* quietly: recorded, nothing queued */
    json_t *quiet = json_pack("{s:b}", "notify", 0);
    assert_int_equal(app_incident_postmortem_publish(&c, id, quiet, &out, &e), 0);
    json_decref(out);
    assert_int_equal(one(f, JOBS, id), jobs + 1);
    /* a field it does not know: 400 */
    json_t *bad = json_pack("{s:b}", "sms", 1);
    e = (struct err){0};
    assert_int_equal(app_incident_postmortem_publish(&c, id, bad, &out, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    /* the public page lists plain updates only */
    struct public_list l = {.kind = PL_ONE, .page_id = f->page, .event_kind = "incident", .id = id};
    json_t *rows, *ups, *aff, *links;
    assert_int_equal(store_public_list(f->db, &l, &rows, &ups, &aff, &links, &e), 0);
    assert_int_equal(json_array_size(ups), 2);
    assert_non_null(json_string_value(json_object_get(json_array_get(rows, 0), "postmortem")));
    json_decref(rows), json_decref(ups), json_decref(aff), json_decref(links);
    /* null removes it */
    json_t *clear = json_pack("{s:n}", "postmortem");
    assert_int_equal(app_incident_update(&c, id, clear, &out, &e), 0);
    assert_true(json_is_null(json_object_get(out, "postmortem")));
    json_decref(out);
    json_decref(pm), json_decref(quiet), json_decref(bad), json_decref(clear);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(a_published_incident_notifies),
        T(a_draft_and_its_updates_notify_nobody),
        T(the_public_reads_leave_a_draft_out),
        T(publishing_an_open_draft_queues_one_job),
        T(publishing_a_resolved_draft_notifies_nobody),
        T(publishing_twice_or_unknown_is_refused),
        T(bad_draft_input_is_refused),
        T(a_back_dated_incident_begins_when_it_began),
        T(a_back_dated_incident_leaves_a_later_history_as_it_was),
        T(a_postmortem_is_written_once_resolved_and_sent_on_request),
    };
    return cmocka_run_group_tests_name("app/incidents", tests, NULL, NULL);
}
