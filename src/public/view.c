/*
 * view — builds the public view model from store/public reads. See view.h.
 *
 * The model is built in one pass over a few queries (services, status spans,
 * open, recent and closed events with their updates, and the calendar's maintenance
 * with their latest message: two queries); the cost is paid once per snapshot
 * rebuild, never per request. Service names of events come from
 * the model's "service_names" ({"<id>":"name"}, visible services only), so a
 * hidden service never shows through an event either.
 */
#include "public/view.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "domain/event.h"
#include "domain/page_url.h"
#include "domain/status.h"
#include "public/view_checks.h"
#include "public/view_uptime.h"
#include "render/markdown.h"
#include "store/events.h"
#include "store/groups.h"
#include "store/pages.h"
#include "store/public.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *view_time_human(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(buf, size, "%b %-d, %Y %H:%M UTC", &tm) == 0)
        snprintf(buf, size, "%s", "");
    return buf;
}

static char *time_rfc822(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(buf, size, "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
        snprintf(buf, size, "%s", "");
    return buf;
}

static int64_t json_time(const json_t *o, const char *key)
{
    int64_t t = 0;
    const char *s = json_string_value(json_object_get(o, key));
    if (s && time_parse(s, &t) != 0) t = 0;
    return t;
}

/* Adds KEY_human next to every time KEY of O that is set. */
static void add_human(json_t *o, const char *key)
{
    int64_t t = json_time(o, key);
    if (!t) return;
    char name[64], buf[64];
    snprintf(name, sizeof name, "%s_human", key);
    json_object_set_new(o, name, json_string(view_time_human(t, buf, sizeof buf)));
}

static enum svc_status status_of(const json_t *o, const char *key)
{
    enum svc_status s = SVC_OPERATIONAL;
    status_parse(json_string_value(json_object_get(o, key)), &s);
    return s;
}

static const char *name_of(const json_t *names, int64_t id)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    return json_string_value(json_object_get(names, key));
}

static void set_stage(json_t *o, const char *kind)
{
    enum event_kind k = strcmp(kind, "maintenance") == 0 ? EVENT_MAINTENANCE : EVENT_INCIDENT;
    enum stage st = stage_initial(k);
    stage_parse(k, json_string_value(json_object_get(o, "stage")), &st);
    json_object_set_new(o, "stage_label", json_string(stage_label(st)));
    json_object_set_new(o, "sp_status", json_string(stage_statuspage_name(st)));
}

/* ROWS (arrays from store_public_list, sorted by KEY) grouped: {"<key>": [rows]}. */
static json_t *group_by(const json_t *rows, const char *key)
{
    json_t *by = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        char k[24];
        snprintf(k, sizeof k, "%lld", (long long)json_integer_value(json_object_get(r, key)));
        json_t *list = json_object_get(by, k);
        if (!list) json_object_set_new(by, k, list = json_array());
        json_array_append(list, r);
    }
    return by;
}

/* The updates UPS of event EV (oldest first) into "updates", newest first, with their HTML
 * and the status changes each made (AFFECTED: by update id). */
static void add_updates(json_t *ev, const json_t *ups, const json_t *affected, const json_t *names)
{
    int64_t id = json_integer_value(json_object_get(ev, "id"));
    const char *kind = json_string_value(json_object_get(ev, "kind"));
    json_t *out = json_array();
    for (size_t i = json_array_size(ups); i-- > 0;) {
        json_t *u = json_deep_copy(json_array_get(ups, i));
        int64_t uid = json_integer_value(json_object_get(u, "id"));
        char *html = markdown_to_html(json_string_value(json_object_get(u, "message")));
        json_object_set_new(u, "html", json_string(html));
        free(html);
        json_object_set_new(u, "event_id", json_integer(id));
        /* its translations (SPEC §16) as an object, for public/view_lang.c; none: no key */
        json_t *tr = json_loads(json_string_value(json_object_get(u, "translations")), 0, NULL);
        if (json_object_size(tr))
            json_object_set_new(u, "translations", tr);
        else {
            json_object_del(u, "translations");
            json_decref(tr);
        }
        set_stage(u, kind);
        add_human(u, "created_at");
        char buf[64];
        json_object_set_new(u, "rfc822",
                            json_string(time_rfc822(json_time(u, "created_at"), buf, sizeof buf)));
        json_t *list = json_array();
        char k[24];
        snprintf(k, sizeof k, "%lld", (long long)uid);
        size_t j;
        json_t *a;
        json_array_foreach(json_object_get(affected, k), j, a)
        {
            int64_t sid = json_integer_value(json_object_get(a, "service_id"));
            const char *nm = name_of(names, sid);
            if (!nm) continue;
            json_array_append_new(list,
                                  json_pack("{s:I,s:s,s:O,s:O}", "id", (json_int_t)sid, "name", nm,
                                            "old_status", json_object_get(a, "old_status"),
                                            "new_status", json_object_get(a, "new_status")));
        }
        json_object_set_new(u, "affected", list);
        if (i == json_array_size(ups) - 1)
            json_object_set(ev, "last_update_at", json_object_get(u, "created_at"));
        json_array_append_new(out, u);
    }
    json_object_set_new(ev, "updates", out);
}

/* Completes the event row ROW (borrowed, changed in place) into EVENT JSON: its updates
 * (UPDATES: this event's, oldest first), the changes they made (AFFECTED by update id) and
 * the services it links (LINKS: this event's). */
static void event_view(json_t *row, const json_t *updates, const json_t *affected,
                       const json_t *links, const json_t *names)
{
    int64_t id = json_integer_value(json_object_get(row, "id"));
    const char *kind = json_string_value(json_object_get(row, "kind"));
    bool incident = strcmp(kind, "incident") == 0;
    char path[48];
    snprintf(path, sizeof path, "%s/%lld", incident ? "incidents" : "maintenance", (long long)id);
    json_object_set_new(row, "path", json_string(path));
    json_object_set_new(row, "is_incident", json_boolean(incident));
    set_stage(row, kind);
    const char *impact = json_string_value(json_object_get(row, "impact"));
    if (impact) json_object_set_new(row, "impact_label", json_string(impact));
    static const char *times[] = {"created_at",      "updated_at",    "resolved_at",
                                  "scheduled_start", "scheduled_end", "period_start_at",
                                  "period_end_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        add_human(row, times[i]);
    add_updates(row, updates, affected, names);
    const char *pm = json_string_value(json_object_get(row, "postmortem"));
    json_object_set_new(row, "has_postmortem", json_boolean(pm && pm[0]));
    if (pm && pm[0]) {
        char *html = markdown_to_html(pm);
        json_object_set_new(row, "postmortem_html", json_string(html));
        free(html);
    }
    json_t *svcs = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(links, i, l)
    {
        int64_t sid = json_integer_value(json_object_get(l, "id"));
        const char *nm = name_of(names, sid);
        if (!nm) continue;
        json_array_append_new(svcs, json_pack("{s:I,s:s,s:O,s:s}", "id", (json_int_t)sid, "name",
                                              nm, "status", json_object_get(l, "status"), "label",
                                              status_label(status_of(l, "status"))));
    }
    json_object_set_new(row, "has_services", json_boolean(json_array_size(svcs)));
    json_object_set_new(row, "services", svcs);
}

/* The events of list L as EVENT JSON (a new array), in four queries whatever their number;
 * NULL on error. */
static json_t *events_view(struct db *db, const struct public_list *l, const json_t *names,
                           struct err *e)
{
    json_t *rows, *updates, *affected, *links;
    if (store_public_list(db, l, &rows, &updates, &affected, &links, e) != 0) return NULL;
    json_t *ups_by = group_by(updates, "event_id"), *aff_by = group_by(affected, "update_id");
    json_t *links_by = group_by(links, "event_id"), *empty = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        char k[24];
        snprintf(k, sizeof k, "%lld", (long long)json_integer_value(json_object_get(r, "id")));
        const json_t *u = json_object_get(ups_by, k), *ln = json_object_get(links_by, k);
        event_view(r, u ? u : empty, aff_by, ln ? ln : empty, names);
    }
    json_decref(empty);
    json_decref(ups_by);
    json_decref(aff_by);
    json_decref(links_by);
    json_decref(updates);
    json_decref(affected);
    json_decref(links);
    return rows;
}

/* A new section (see view.h) for the services of group GID among GROUPS (0 or an unknown
 * id: the ungrouped services); a group's component entry is appended to GLIST. */
static json_t *new_section(const json_t *groups, int64_t gid, json_t *glist)
{
    json_t *g = NULL, *gr;
    size_t k;
    json_array_foreach(groups, k, gr)
    {
        if (json_integer_value(json_object_get(gr, "id")) == gid) g = gr;
    }
    const char *name = g ? json_string_value(json_object_get(g, "name")) : "";
    json_t *section = json_pack("{s:s,s:b,s:[]}", "name", name, "grouped", g != NULL, "services");
    if (g) {
        json_object_set_new(section, "group_id", json_integer(gid));
        json_t *gv = json_deep_copy(g);
        json_object_del(gv, "hidden");
        json_object_set_new(gv, "components", json_array());
        json_array_append_new(glist, gv);
    }
    return section;
}

/* view_spans_reader over store_service_spans; CTX is the db. */
static int read_spans(void *ctx, int64_t service_id, int64_t now, struct public_span **out,
                      size_t *n, struct err *e)
{
    return store_service_spans(ctx, service_id, now - VIEW_UPTIME_DAYS * 86400LL, out, n, e);
}

/* PAGE_ID's monitor figures (view_checks.h) as of NOW, with charts for the visible
 * services of ROWS (store_public_services) that show their response time. */
static struct view_checks *monitor_figures(struct db *db, int64_t page_id, const json_t *rows,
                                           int64_t now, struct err *e)
{
    int64_t *ids = xmalloc((json_array_size(rows) + 1) * sizeof *ids);
    size_t n = 0, i;
    json_t *s;
    json_array_foreach(rows, i, s)
    {
        if (json_integer_value(json_object_get(s, "visible")) &&
            json_is_true(json_object_get(s, "show_response_time")))
            ids[n++] = json_integer_value(json_object_get(s, "id"));
    }
    struct view_checks *vc = view_checks_get(db, page_id, now, ids, n, e);
    free(ids);
    return vc;
}

/* Fills "services", "sections", "groups", "service_names", "response_times" and
 * "overall" of M. */
static int add_services(struct db *db, json_t *m, int64_t page_id, int64_t now,
                        struct tmpl_set *tmpls, struct err *e)
{
    json_t *rows = store_public_services(db, page_id, e);
    json_t *groups = rows ? store_groups_list(db, page_id, 0, 10000, e) : NULL;
    if (!groups) {
        json_decref(rows);
        return -1;
    }
    struct view_checks *vc = monitor_figures(db, page_id, rows, now, e);
    if (!vc) {
        json_decref(rows);
        json_decref(groups);
        return -1;
    }
    json_t *services = json_array(), *names = json_object(), *sections = json_array();
    json_t *glist = json_array(), *charts = json_array();
    enum svc_status worst = SVC_OPERATIONAL;
    bool failed = false;
    size_t i;
    json_t *s, *section = NULL;
    int64_t section_group = -1;
    json_array_foreach(rows, i, s)
    {
        if (!json_integer_value(json_object_get(s, "visible"))) continue;
        int64_t id = json_integer_value(json_object_get(s, "id"));
        json_t *svc = json_deep_copy(s);
        json_object_del(svc, "visible");
        json_object_del(svc, "log_head");
        json_object_del(svc, "show_response_time");
        enum svc_status st = status_of(svc, "status");
        if (st > worst) worst = st;
        json_object_set_new(svc, "label", json_string(status_label(st)));
        uint64_t checked;
        const struct uptime_checks *days = view_checks_days(vc, id, &checked);
        uint64_t version =
            view_uptime_version(json_integer_value(json_object_get(s, "log_head")),
                                json_string_value(json_object_get(s, "status")),
                                json_string_value(json_object_get(s, "updated_at")), checked);
        if (view_uptime_add(svc, id, version, now, days, read_spans, db, tmpls, e) != 0) {
            json_decref(svc);
            failed = true;
            break;
        }
        json_t *rt = view_checks_charts(vc, id);
        if (rt)
            json_array_append_new(charts, json_pack("{s:I,s:O,s:O,s:O}", "id", (json_int_t)id,
                                                    "name", json_object_get(svc, "name"), "day",
                                                    json_object_get(rt, "day"), "quarter",
                                                    json_object_get(rt, "quarter")));
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)id);
        json_object_set(names, key, json_object_get(svc, "name"));
        int64_t gid = json_integer_value(json_object_get(svc, "group_id"));
        if (!section || gid != section_group) {
            section = new_section(groups, gid, glist);
            json_array_append_new(sections, section);
            section_group = gid;
        }
        if (gid) {
            json_t *gv = json_array_get(glist, json_array_size(glist) - 1);
            json_array_append_new(json_object_get(gv, "components"), json_integer(id));
        }
        json_array_append(json_object_get(section, "services"), svc);
        json_array_append_new(services, svc);
    }
    json_array_foreach(sections, i, section)
    {
        enum svc_status gw = SVC_OPERATIONAL;
        size_t k;
        json_array_foreach(json_object_get(section, "services"), k, s)
        {
            if (status_of(s, "status") > gw) gw = status_of(s, "status");
        }
        json_object_set_new(section, "status", json_string(status_name(gw)));
        json_object_set_new(section, "label", json_string(status_label(gw)));
    }
    view_checks_release(vc);
    json_object_set_new(m, "has_response_times", json_boolean(json_array_size(charts) > 0));
    json_object_set_new(m, "response_times", charts);
    json_object_set_new(m, "services", services);
    json_object_set_new(m, "service_names", names);
    json_object_set_new(m, "sections", sections);
    json_object_set_new(m, "groups", glist);
    json_object_set_new(m, "overall",
                        json_pack("{s:s,s:s,s:s,s:s}", "status", status_name(worst), "label",
                                  status_overall_label(worst), "indicator", status_indicator(worst),
                                  "description", status_indicator_description(worst)));
    json_decref(rows);
    json_decref(groups);
    return failed ? -1 : 0;
}

/* The model's "calendar" (see view.h): PAGE_ID's maintenance open, or completed since
 * NOW - VIEW_CALENDAR_DAYS, with their latest message as plain text and their visible
 * services (NAMES). NULL on error. */
static json_t *calendar_view(struct db *db, int64_t page_id, int64_t now, const json_t *names,
                             struct err *e)
{
    json_t *rows, *links;
    if (store_public_calendar(db, page_id, now - VIEW_CALENDAR_DAYS * 86400LL, VIEW_CALENDAR_EVENTS,
                              &rows, &links, e) != 0)
        return NULL;
    json_t *links_by = group_by(links, "event_id");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        int64_t id = json_integer_value(json_object_get(r, "id"));
        char path[48], key[24];
        snprintf(path, sizeof path, "maintenance/%lld", (long long)id);
        json_object_set_new(r, "path", json_string(path));
        set_stage(r, "maintenance");
        json_object_del(r, "sp_status");
        json_object_set(r, "completed_at", json_object_get(r, "resolved_at"));
        json_object_del(r, "resolved_at");
        char *text = markdown_to_text(json_string_value(json_object_get(r, "message")));
        json_object_set_new(r, "message_text", json_string(text));
        free(text);
        json_object_del(r, "message");
        json_t *svcs = json_array(), *l;
        size_t k;
        snprintf(key, sizeof key, "%lld", (long long)id);
        json_array_foreach(json_object_get(links_by, key), k, l)
        {
            int64_t sid = json_integer_value(json_object_get(l, "id"));
            const char *nm = name_of(names, sid);
            if (nm)
                json_array_append_new(svcs,
                                      json_pack("{s:I,s:s}", "id", (json_int_t)sid, "name", nm));
        }
        json_object_set_new(r, "services", svcs);
    }
    json_decref(links_by);
    json_decref(links);
    return rows;
}

/* Splits the open events OPEN (stolen) into the model's incident and maintenance lists. */
static void split_open(json_t *m, json_t *open)
{
    json_t *inc = json_array(), *active = json_array(), *upcoming = json_array();
    size_t i;
    json_t *ev;
    json_array_foreach(open, i, ev)
    {
        const char *stage = json_string_value(json_object_get(ev, "stage"));
        if (json_is_true(json_object_get(ev, "is_incident")))
            json_array_append(inc, ev);
        else if (strcmp(stage, "scheduled") == 0)
            json_array_insert(upcoming, 0, ev); /* soonest first */
        else
            json_array_append(active, ev);
    }
    json_object_set_new(m, "open_incidents", inc);
    json_object_set_new(m, "active_maintenance", active);
    json_object_set_new(m, "upcoming_maintenance", upcoming);
    json_decref(open);
}

int view_build(struct db *db, int64_t page_id, const char *server_base, struct tmpl_set *tmpls,
               int64_t now, json_t **out, struct err *e)
{
    int rc = -1;
    char buf[32];
    json_t *m = json_object();
    json_t *page = store_page_get(db, page_id, e);
    if (!page) {
        if (e->code == ERR_OK)
            err_set(e, ERR_NOT_FOUND, "no page with id %lld", (long long)page_id);
        goto out;
    }
    char *url = store_page_url(db, page, server_base, e);
    json_object_del(page, "hosts");
    json_object_set_new(m, "page", page);
    if (!url) goto out;
    json_object_set_new(page, "url", json_string(url));
    free(url);
    const char *footer = json_string_value(json_object_get(page, "footer_markdown"));
    if (footer && *footer) { /* the page's own footer note (SPEC §16), escaped by cmark */
        char *html = markdown_to_html(footer);
        json_object_set_new(page, "footer_html", json_string(html));
        free(html);
    }
    json_object_set_new(m, "generated_at", json_string(time_format(now, buf, sizeof buf)));
    add_human(m, "generated_at");
    if (add_services(db, m, page_id, now, tmpls, e) != 0) goto out;
    const json_t *names = json_object_get(m, "service_names");
    json_t *open = events_view(db, &(struct public_list){PL_OPEN, page_id, .limit = 200}, names, e);
    if (!open) goto out;
    split_open(m, open);
    const struct public_list wanted[3] = {
        {PL_CLOSED, page_id, .since = now - VIEW_RECENT_DAYS * 86400LL, .limit = 100},
        {PL_RECENT, page_id, .event_kind = "incident", .limit = VIEW_RECENT_EVENTS},
        {PL_RECENT, page_id, .event_kind = "maintenance", .limit = VIEW_RECENT_EVENTS},
    };
    json_t *lists[3] = {NULL};
    for (int i = 0; i < 3 && (i == 0 || lists[i - 1]); i++)
        lists[i] = events_view(db, &wanted[i], names, e);
    json_t *calendar = lists[2] ? calendar_view(db, page_id, now, names, e) : NULL;
    int64_t closed = calendar ? store_public_closed_count(db, page_id, e) : -1;
    json_object_set_new(m, "recent_closed", lists[0] ? lists[0] : json_array());
    json_object_set_new(m, "incidents", lists[1] ? lists[1] : json_array());
    json_object_set_new(m, "maintenance", lists[2] ? lists[2] : json_array());
    json_object_set_new(m, "calendar", calendar ? calendar : json_array());
    if (closed < 0) goto out;
    static const char *const flagged[] = {"open_incidents", "active_maintenance",
                                          "upcoming_maintenance", "recent_closed", "services"};
    for (size_t i = 0; i < sizeof flagged / sizeof flagged[0]; i++) {
        char key[48];
        snprintf(key, sizeof key, "has_%s", flagged[i]);
        json_object_set_new(m, key, json_boolean(json_array_size(json_object_get(m, flagged[i]))));
    }
    int64_t pages = (closed + VIEW_HISTORY_PER_PAGE - 1) / VIEW_HISTORY_PER_PAGE;
    json_object_set_new(m, "history",
                        json_pack("{s:I,s:I,s:i}", "total", (json_int_t)closed, "pages",
                                  (json_int_t)(pages ? pages : 1), "per_page",
                                  VIEW_HISTORY_PER_PAGE));
    rc = 0;
out:
    if (rc == 0)
        *out = m;
    else
        json_decref(m);
    return rc;
}

int view_event(struct db *db, const json_t *model, const char *kind, int64_t id, json_t **out,
               struct err *e)
{
    int64_t page_id = json_integer_value(json_object_get(json_object_get(model, "page"), "id"));
    json_t *list =
        events_view(db, &(struct public_list){PL_ONE, page_id, .event_kind = kind, .id = id},
                    json_object_get(model, "service_names"), e);
    if (!list) return -1;
    if (json_array_size(list) == 0) {
        json_decref(list);
        return err_set(e, ERR_NOT_FOUND, "no %s with id %lld", kind, (long long)id);
    }
    *out = json_incref(json_array_get(list, 0));
    json_decref(list);
    return 0;
}

int view_history(struct db *db, const json_t *model, int n, json_t **out, struct err *e)
{
    int64_t page_id = json_integer_value(json_object_get(json_object_get(model, "page"), "id"));
    int64_t pages = json_integer_value(json_object_get(json_object_get(model, "history"), "pages"));
    if (n < 1 || (n > 1 && n > pages))
        return err_set(e, ERR_NOT_FOUND, "there is no history page %d (pages 1 to %lld)", n,
                       (long long)pages);
    const struct public_list l = {PL_CLOSED, page_id, .since = TIME_MIN,
                                  .offset = (int64_t)(n - 1) * VIEW_HISTORY_PER_PAGE,
                                  .limit = VIEW_HISTORY_PER_PAGE};
    json_t *evs = events_view(db, &l, json_object_get(model, "service_names"), e);
    if (!evs) return -1;
    json_t *h = json_pack("{s:o,s:i,s:I}", "events", evs, "number", n, "pages", (json_int_t)pages);
    if (n > 1) json_object_set_new(h, "prev", json_integer(n - 1));
    if (n < pages) json_object_set_new(h, "next", json_integer(n + 1));
    *out = h;
    return 0;
}
