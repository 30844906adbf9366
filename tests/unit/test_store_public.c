/*
 * Unit tests for store/public's calendar read (store_public_calendar) against a temporary
 * database: the page's maintenance that is open or was completed since a time, by start
 * (not older completed ones, incidents, drafts or another page's), at most a limit; each
 * with its latest plain update's message (not a reminder's; "" when none) and its time;
 * and the services each links, in display order (ungrouped first).
 */
#include "core/log.h"
#include "core/timeutil.h"
#include "domain/event.h"
#include "store/events.h"
#include "store/groups.h"
#include "store/pages.h"
#include "store/public.h"
#include "store/services.h"
#include "testutil.h"

enum { NOW = 1800000000 };

struct fixture {
    char dir[64];
    struct db *db;
    int64_t page, other;
};

static int setup(void **state)
{
    log_set_level(LOG_WARN);
    struct fixture *f = calloc(1, sizeof *f);
    struct err e = {0};
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    f->page = store_page_insert(f->db, "default", "Status", &e);
    f->other = store_page_insert(f->db, "other", "Other", &e);
    *state = f;
    return f->page > 0 && f->other > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

/* Inserts maintenance (or an incident) TITLE on PAGE starting at START; RESOLVED 0: open. */
static int64_t add(struct fixture *f, int64_t page, enum event_kind kind, const char *title,
                   int64_t start, int64_t resolved)
{
    struct err e = {0};
    struct event_fields ev = {.kind = kind,
                              .title = title,
                              .stage = kind == EVENT_MAINTENANCE ? "scheduled" : "investigating",
                              .impact = "none",
                              .scheduled_start = kind == EVENT_MAINTENANCE ? start : 0,
                              .scheduled_end = kind == EVENT_MAINTENANCE ? start + 3600 : 0};
    int64_t id = store_event_insert(f->db, page, &ev, NOW - 86400, &e);
    if (id <= 0) fail_msg("inserting %s: %s", title, e.msg);
    if (resolved && store_event_set_stage(f->db, id, "complete", resolved, resolved, &e) != 0)
        fail_msg("completing %s: %s", title, e.msg);
    return id;
}

static int64_t service(struct fixture *f, const char *name, int64_t group, int64_t position)
{
    struct err e = {0};
    struct service_fields sf = {.name = name,
                                .description = "",
                                .status = "operational",
                                .group_id = group,
                                .position = position};
    int64_t id = store_service_insert(f->db, f->page, &sf, &e);
    if (id <= 0) fail_msg("service %s: %s", name, e.msg);
    return id;
}

/* The titles of EVENTS, as "a,b,c". */
static const char *titles(const json_t *events)
{
    static char buf[256];
    buf[0] = '\0';
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev)
    {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, "%s%s", i ? "," : "",
                 json_string_value(json_object_get(ev, "title")));
    }
    return buf;
}

static void open_and_recently_completed_maintenance_by_start(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    add(f, f->page, EVENT_MAINTENANCE, "later", NOW + 7200, 0);
    int64_t soon = add(f, f->page, EVENT_MAINTENANCE, "soon", NOW + 3600, 0);
    add(f, f->page, EVENT_MAINTENANCE, "done", NOW - 86400, NOW - 80000);
    add(f, f->page, EVENT_MAINTENANCE, "long done", NOW - 40 * 86400, NOW - 40 * 86400 + 60);
    add(f, f->page, EVENT_INCIDENT, "incident", 0, 0);
    add(f, f->other, EVENT_MAINTENANCE, "theirs", NOW + 60, 0);
    int64_t draft = add(f, f->page, EVENT_MAINTENANCE, "draft", NOW + 60, 0);
    assert_int_equal(
        db_exec(f->db, &e, NULL, "UPDATE events SET draft = 1 WHERE id = ?", "i", draft), 0);
    json_t *events = NULL, *links = NULL;
    assert_int_equal(
        store_public_calendar(f->db, f->page, NOW - 30 * 86400, 100, &events, &links, &e), 0);
    assert_string_equal(titles(events), "done,soon,later");
    json_t *first = json_array_get(events, 1);
    assert_int_equal(json_integer_value(json_object_get(first, "id")), soon);
    assert_string_equal(json_string_value(json_object_get(first, "stage")), "scheduled");
    assert_string_equal(json_string_value(json_object_get(first, "message")), "");
    assert_true(json_is_null(json_object_get(first, "last_update_at")));
    assert_true(json_is_null(json_object_get(first, "resolved_at")));
    assert_true(json_is_string(json_object_get(first, "scheduled_start")));
    assert_true(json_is_string(json_object_get(json_array_get(events, 0), "resolved_at")));
    assert_int_equal(json_array_size(links), 0);
    json_decref(events);
    json_decref(links);
    /* at most LIMIT, the soonest start first */
    assert_int_equal(store_public_calendar(f->db, f->page, NOW, 1, &events, &links, &e), 0);
    assert_string_equal(titles(events), "soon");
    json_decref(events);
    json_decref(links);
}

static void latest_message_and_links(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct group_fields gf = {.name = "Core", .description = ""};
    int64_t group = store_group_insert(f->db, f->page, &gf, &e);
    assert_true(group > 0);
    int64_t grouped = service(f, "grouped", group, 0), loose = service(f, "loose", 0, 5);
    int64_t id = add(f, f->page, EVENT_MAINTENANCE, "work", NOW + 3600, 0);
    assert_int_equal(store_event_service_link(f->db, id, grouped, "under_maintenance", false, &e),
                     0);
    assert_int_equal(store_event_service_link(f->db, id, loose, "under_maintenance", false, &e), 0);
    assert_true(
        store_event_update_insert(f->db, id, "update", "scheduled", "First.", true, NOW, &e) > 0);
    assert_true(store_event_update_insert(f->db, id, "update", "scheduled", "Moved *later*.", true,
                                          NOW + 10, &e) > 0);
    assert_true(store_event_update_insert(f->db, id, "reminder", "scheduled", "Soon.", true,
                                          NOW + 20, &e) > 0);
    json_t *events = NULL, *links = NULL;
    assert_int_equal(store_public_calendar(f->db, f->page, NOW, 10, &events, &links, &e), 0);
    json_t *ev = json_array_get(events, 0);
    assert_string_equal(json_string_value(json_object_get(ev, "message")), "Moved *later*.");
    char want[32];
    assert_string_equal(json_string_value(json_object_get(ev, "last_update_at")),
                        time_format(NOW + 10, want, sizeof want));
    assert_int_equal(json_array_size(links), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(links, 0), "id")), loose);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(links, 1), "id")), grouped);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(links, 0), "event_id")), id);
    json_decref(events);
    json_decref(links);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_and_recently_completed_maintenance_by_start, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(latest_message_and_links, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
