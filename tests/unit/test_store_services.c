/*
 * Unit tests for store/services against a temporary database: a service's JSON
 * (exactly the keys services.h documents: SPEC §9 plus hidden and created_at;
 * group_id null when ungrouped, hidden as a bool);
 * services of another page are invisible, unchangeable and undeletable; lists
 * are ordered ungrouped first, then by group position and group id, then by
 * position and id (store/service_order.h), and so is every other list of
 * services: the public page's, the subscription preferences', an event's and
 * the one notifications name; lists honour LIMIT/OFFSET; the status history
 * (service_status_log) gets a row on insert and on each real change only —
 * setting the same status again logs nothing; next positions per group; the
 * public page's status spans (store_service_spans): the service's only, from the
 * span in force at the window's start, in time order; its log head (the newest log
 * row's id, in store_public_services) moves with each row logged.
 */
#include "core/log.h"
#include "core/timeutil.h"
#include "store/events.h"
#include "store/outbox.h"
#include "store/pages.h"
#include "store/public.h"
#include "store/services.h"
#include "store/subscribe.h"
#include "testutil.h"

struct fixture {
    char dir[64];
    struct db *db;
    int64_t page, other_page;
};

static int setup(void **state)
{
    log_set_level(LOG_WARN);
    struct fixture *f = calloc(1, sizeof *f);
    struct err e = {0};
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    f->page = store_page_insert(f->db, "default", "Status", &e);
    f->other_page = store_page_insert(f->db, "other", "Other", &e);
    *state = f;
    return f->page > 0 && f->other_page > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

static struct fixture *fx(void **state)
{
    return *state;
}

static int64_t add_service(struct fixture *f, int64_t page, const char *name, int64_t group,
                           int64_t position, const char *status)
{
    struct err e = {0};
    struct service_fields sf = {
        .group_id = group, .name = name, .description = "", .status = status, .position = position};
    int64_t id = store_service_insert(f->db, page, &sf, &e);
    if (id <= 0) fail_msg("inserting service %s: %s", name, e.msg);
    return id;
}

static int64_t add_group(struct fixture *f, int64_t page, const char *name, int64_t position)
{
    struct err e = {0};
    int64_t id = db_insert(f->db, &e,
                           "INSERT INTO groups (page_id, name, position, created_at, updated_at) "
                           "VALUES (?, ?, ?, 0, 0)",
                           "isi", page, name, position);
    assert_true(id > 0);
    return id;
}

static int64_t log_rows(struct fixture *f, int64_t service)
{
    struct err e = {0};
    int64_t n = -1;
    db_query_int(f->db, &e, &n, "SELECT COUNT(*) FROM service_status_log WHERE service_id = ?", "i",
                 service);
    return n;
}

static const char *status_of(struct fixture *f, int64_t page, int64_t id)
{
    static char buf[64];
    struct err e = {0};
    json_t *s = store_service_get(f->db, page, id, &e);
    assert_non_null(s);
    snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(s, "status")));
    json_decref(s);
    return buf;
}

static void service_json_has_exactly_the_documented_keys(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t id = add_service(f, f->page, "API", 0, 3, "operational");
    json_t *s = store_service_get(f->db, f->page, id, &e);
    assert_non_null(s);
    static const char *keys[] = {
        "id",     "name",   "description", "group_id",   "position",
        "hidden", "status", "created_at",  "updated_at", "show_response_time"};
    assert_int_equal(json_object_size(s), sizeof keys / sizeof keys[0]);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!json_object_get(s, keys[i])) fail_msg("missing key %s", keys[i]);
    assert_int_equal(json_integer_value(json_object_get(s, "id")), id);
    assert_string_equal(json_string_value(json_object_get(s, "name")), "API");
    assert_string_equal(json_string_value(json_object_get(s, "description")), "");
    assert_true(json_is_null(json_object_get(s, "group_id")));
    assert_int_equal(json_integer_value(json_object_get(s, "position")), 3);
    assert_true(json_is_false(json_object_get(s, "hidden")));
    assert_true(json_is_false(json_object_get(s, "show_response_time")));
    assert_string_equal(json_string_value(json_object_get(s, "status")), "operational");
    assert_true(json_is_string(json_object_get(s, "updated_at")));
    json_decref(s);
}

static void grouped_hidden_service_reads_back(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t g = add_group(f, f->page, "Core", 0);
    struct service_fields sf = {.group_id = g,
                                .name = "DB",
                                .description = "Primary",
                                .status = "degraded_performance",
                                .position = 1,
                                .hidden = true};
    int64_t id = store_service_insert(f->db, f->page, &sf, &e);
    json_t *s = store_service_get(f->db, f->page, id, &e);
    assert_int_equal(json_integer_value(json_object_get(s, "group_id")), g);
    assert_true(json_is_true(json_object_get(s, "hidden")));
    assert_string_equal(json_string_value(json_object_get(s, "description")), "Primary");
    assert_string_equal(json_string_value(json_object_get(s, "status")), "degraded_performance");
    json_decref(s);
}

static void another_pages_service_is_not_found(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {.code = ERR_INTERNAL};
    int64_t id = add_service(f, f->other_page, "Theirs", 0, 0, "operational");
    assert_null(store_service_get(f->db, f->page, id, &e));
    assert_int_equal(e.code, ERR_OK);
    assert_int_equal(store_service_delete(f->db, f->page, id, &e), 0);
    assert_string_equal(status_of(f, f->other_page, id), "operational");
}

/* Fails unless LIST (stolen) holds exactly the ids WANT, in that order. */
static void assert_order(const char *what, json_t *list, const int64_t *want, size_t n)
{
    if (!list) fail_msg("%s failed", what);
    if (json_array_size(list) != n) fail_msg("%s: %zu services", what, json_array_size(list));
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(list, i);
        if (json_integer_value(json_object_get(s, "id")) != want[i])
            fail_msg("%s: position %zu holds service %lld", what, i,
                     (long long)json_integer_value(json_object_get(s, "id")));
    }
    json_decref(list);
}

static void every_list_orders_ungrouped_first_then_group_position_then_position(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t ga = add_group(f, f->page, "A (pos 0)", 0);
    int64_t gb = add_group(f, f->page, "B (pos 1)", 1);
    int64_t gc = add_group(f, f->page, "C (pos 0, later id)", 0);
    /* inserted in a scrambled order */
    int64_t b0 = add_service(f, f->page, "b0", gb, 0, "operational");
    int64_t c1 = add_service(f, f->page, "c1", gc, 1, "operational");
    int64_t u1 = add_service(f, f->page, "u1", 0, 1, "operational");
    int64_t a5 = add_service(f, f->page, "a5", ga, 5, "operational");
    int64_t c0 = add_service(f, f->page, "c0", gc, 0, "operational");
    int64_t u0 = add_service(f, f->page, "u0", 0, 0, "operational");
    int64_t a5b = add_service(f, f->page, "a5b (same position, later id)", ga, 5, "operational");
    int64_t a2 = add_service(f, f->page, "a2", ga, 2, "operational");
    add_service(f, f->other_page, "elsewhere", 0, 0, "operational");
    int64_t want[] = {u0, u1, a2, a5, a5b, c0, c1, b0};
    size_t n = sizeof want / sizeof want[0];
    assert_order("store_services_list", store_services_list(f->db, f->page, 0, 100, &e), want, n);
    assert_order("store_public_services", store_public_services(f->db, f->page, &e), want, n);
    assert_order("store_subscribe_services", store_subscribe_services(f->db, f->page, &e), want, n);
    /* an event linking every service, in yet another order */
    struct event_fields ef = {
        .kind = EVENT_INCIDENT, .title = "t", .stage = "investigating", .impact = "none"};
    int64_t ev = store_event_insert(f->db, f->page, &ef, 1000, &e);
    assert_true(ev > 0);
    int64_t linked[] = {a2, b0, u1, c0, a5b, u0, c1, a5};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(store_event_service_link(f->db, ev, linked[i], "operational", false, &e),
                         0);
    assert_order("store_event_services", store_event_services(f->db, ev, &e), want, n);
    assert_order("store_outbox_event_services", store_outbox_event_services(f->db, ev, &e), want,
                 n);
}

static void list_honours_limit_and_offset(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t ids[5];
    for (int i = 0; i < 5; i++)
        ids[i] = add_service(f, f->page, "s", 0, i, "operational");
    json_t *page = store_services_list(f->db, f->page, 1, 2, &e);
    assert_int_equal(json_array_size(page), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(page, 0), "id")), ids[1]);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(page, 1), "id")), ids[2]);
    json_decref(page);
    page = store_services_list(f->db, f->page, 5, 2, &e);
    assert_int_equal(json_array_size(page), 0);
    json_decref(page);
}

static void insert_logs_the_first_status(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t id = add_service(f, f->page, "API", 0, 0, "partial_outage");
    assert_int_equal(log_rows(f, id), 1);
    json_t *row = db_query_one(
        f->db, &e, "SELECT status FROM service_status_log WHERE service_id = ?", "i", id);
    assert_string_equal(json_string_value(json_object_get(row, "status")), "partial_outage");
    json_decref(row);
}

static void set_status_logs_only_real_changes(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t id = add_service(f, f->page, "API", 0, 0, "operational");
    assert_int_equal(store_service_set_status(f->db, id, "operational", time_now(), &e), 0);
    assert_int_equal(log_rows(f, id), 1);
    assert_int_equal(store_service_set_status(f->db, id, "major_outage", time_now(), &e), 0);
    assert_int_equal(log_rows(f, id), 2);
    assert_string_equal(status_of(f, f->page, id), "major_outage");
    assert_int_equal(store_service_set_status(f->db, id, "major_outage", time_now(), &e), 0);
    assert_int_equal(store_service_set_status(f->db, id, "major_outage", time_now(), &e), 0);
    assert_int_equal(log_rows(f, id), 2);
    assert_int_equal(store_service_set_status(f->db, id, "operational", time_now(), &e), 0);
    assert_int_equal(log_rows(f, id), 3);
    json_t *rows = db_query_all(f->db, &e,
                                "SELECT status FROM service_status_log WHERE service_id = ? "
                                "ORDER BY id",
                                "i", id);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "status")),
                        "major_outage");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 2), "status")),
                        "operational");
    json_decref(rows);
}

static void set_status_of_a_missing_service_logs_nothing(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    assert_int_equal(store_service_set_status(f->db, 99999, "major_outage", time_now(), &e), 0);
    assert_int_equal(log_rows(f, 99999), 0);
}

static void update_writes_fields_and_logs_status_changes_only(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t g = add_group(f, f->page, "G", 0);
    int64_t id = add_service(f, f->page, "API", 0, 0, "operational");
    struct service_fields sf = {.group_id = g,
                                .name = "Public API",
                                .description = "REST",
                                .status = "operational",
                                .position = 4,
                                .hidden = true};
    assert_int_equal(store_service_update(f->db, f->page, id, &sf, &e), 0);
    assert_int_equal(log_rows(f, id), 1);
    json_t *s = store_service_get(f->db, f->page, id, &e);
    assert_string_equal(json_string_value(json_object_get(s, "name")), "Public API");
    assert_string_equal(json_string_value(json_object_get(s, "description")), "REST");
    assert_int_equal(json_integer_value(json_object_get(s, "group_id")), g);
    assert_int_equal(json_integer_value(json_object_get(s, "position")), 4);
    assert_true(json_is_true(json_object_get(s, "hidden")));
    json_decref(s);
    sf.status = "degraded_performance";
    sf.group_id = 0;
    assert_int_equal(store_service_update(f->db, f->page, id, &sf, &e), 0);
    assert_int_equal(log_rows(f, id), 2);
    s = store_service_get(f->db, f->page, id, &e);
    assert_true(json_is_null(json_object_get(s, "group_id")));
    assert_string_equal(json_string_value(json_object_get(s, "status")), "degraded_performance");
    json_decref(s);
}

static void update_of_another_pages_service_changes_nothing(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t theirs = add_service(f, f->other_page, "Theirs", 0, 0, "operational");
    struct service_fields sf = {
        .name = "Hijacked", .description = "", .status = "major_outage", .position = 0};
    assert_int_equal(store_service_update(f->db, f->page, theirs, &sf, &e), 0);
    assert_string_equal(status_of(f, f->other_page, theirs), "operational");
    assert_int_equal(log_rows(f, theirs), 1);
    json_t *s = store_service_get(f->db, f->other_page, theirs, &e);
    assert_string_equal(json_string_value(json_object_get(s, "name")), "Theirs");
    json_decref(s);
}

static void delete_removes_once(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t id = add_service(f, f->page, "API", 0, 0, "operational");
    assert_int_equal(store_service_delete(f->db, f->page, id, &e), 1);
    assert_int_equal(store_service_delete(f->db, f->page, id, &e), 0);
    assert_null(store_service_get(f->db, f->page, id, &e));
    assert_int_equal(log_rows(f, id), 0); /* the history goes with it */
}

static void deleting_a_group_ungroups_its_services(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t g = add_group(f, f->page, "G", 0);
    int64_t id = add_service(f, f->page, "API", g, 0, "operational");
    assert_int_equal(db_exec(f->db, &e, NULL, "DELETE FROM groups WHERE id = ?", "i", g), 0);
    json_t *s = store_service_get(f->db, f->page, id, &e);
    assert_true(json_is_null(json_object_get(s, "group_id")));
    json_decref(s);
}

static void next_position_is_per_group(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t g = add_group(f, f->page, "G", 0);
    assert_int_equal(store_service_next_position(f->db, f->page, 0, &e), 0);
    assert_int_equal(store_service_next_position(f->db, f->page, g, &e), 0);
    add_service(f, f->page, "u", 0, 4, "operational");
    add_service(f, f->page, "g", g, 1, "operational");
    add_service(f, f->other_page, "x", 0, 9, "operational");
    assert_int_equal(store_service_next_position(f->db, f->page, 0, &e), 5);
    assert_int_equal(store_service_next_position(f->db, f->page, g, &e), 2);
    assert_int_equal(store_service_next_position(f->db, f->other_page, 0, &e), 10);
}

/* A status span of SERVICE from T, straight into the history (as a back-dated import). */
static void add_span(struct fixture *f, int64_t service, const char *status, int64_t t)
{
    struct err e = {0};
    assert_true(db_insert(f->db, &e,
                          "INSERT INTO service_status_log (service_id, status, started_at) "
                          "VALUES (?, ?, ?)",
                          "isi", service, status, t) > 0);
}

/* The log head of service ID in store_public_services of PAGE. */
static int64_t log_head(struct fixture *f, int64_t page, int64_t id)
{
    struct err e = {0};
    json_t *rows = store_public_services(f->db, page, &e);
    assert_non_null(rows);
    int64_t head = -1;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        if (json_integer_value(json_object_get(r, "id")) == id)
            head = json_integer_value(json_object_get(r, "log_head"));
    }
    json_decref(rows);
    return head;
}

static void service_spans_are_its_own_from_the_span_in_force(void **state)
{
    struct fixture *f = fx(state);
    struct err e = {0};
    int64_t a = add_service(f, f->page, "a", 0, 0, "operational");
    int64_t b = add_service(f, f->page, "b", 0, 1, "operational");
    int64_t x = add_service(f, f->other_page, "x", 0, 0, "operational");
    /* the rows inserting the services logged start "now": history goes before it */
    assert_int_equal(
        db_exec(f->db, &e, NULL, "UPDATE service_status_log SET started_at = 100", NULL), 0);
    int64_t head_a = log_head(f, f->page, a);
    assert_true(head_a > 0);
    add_span(f, a, "major_outage", 200);   /* before SINCE (500), superseded */
    add_span(f, a, "partial_outage", 400); /* in force at SINCE */
    add_span(f, a, "operational", 600);
    add_span(f, a, "degraded_performance", 600); /* the same second: by id */
    int64_t head_b = log_head(f, f->page, b);
    add_span(f, b, "major_outage", 500); /* starts at SINCE exactly */
    add_span(f, x, "major_outage", 700); /* another page's */
    struct public_span *v = NULL;
    size_t n = 0;
    assert_int_equal(store_service_spans(f->db, a, 500, &v, &n, &e), 0);
    struct {
        int64_t t;
        const char *status;
    } want[] = {{400, "partial_outage"}, {600, "operational"}, {600, "degraded_performance"}};
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v[i].service_id, a);
        assert_int_equal(v[i].started, want[i].t);
        assert_string_equal(v[i].status, want[i].status);
    }
    free(v);
    assert_int_equal(store_service_spans(f->db, b, 500, &v, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].started, 500);
    free(v);
    /* a service whose every span starts after SINCE: all of them */
    assert_int_equal(store_service_spans(f->db, x, 50, &v, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].started, 100);
    assert_int_equal(v[1].started, 700);
    free(v);
    /* the heads moved with the rows logged, even back-dated ones; a status change moves it */
    assert_true(log_head(f, f->page, a) > head_a);
    assert_true(log_head(f, f->page, b) > head_b);
    head_b = log_head(f, f->page, b);
    assert_int_equal(store_service_set_status(f->db, b, "degraded_performance", 800, &e), 0);
    assert_true(log_head(f, f->page, b) > head_b);
    head_b = log_head(f, f->page, b);
    assert_int_equal(store_service_set_status(f->db, b, "degraded_performance", 900, &e), 0);
    assert_int_equal(log_head(f, f->page, b), head_b); /* the same status logs nothing */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(service_json_has_exactly_the_documented_keys),
        T(grouped_hidden_service_reads_back),
        T(another_pages_service_is_not_found),
        T(every_list_orders_ungrouped_first_then_group_position_then_position),
        T(list_honours_limit_and_offset),
        T(insert_logs_the_first_status),
        T(set_status_logs_only_real_changes),
        T(set_status_of_a_missing_service_logs_nothing),
        T(update_writes_fields_and_logs_status_changes_only),
        T(update_of_another_pages_service_changes_nothing),
        T(delete_removes_once),
        T(deleting_a_group_ungroups_its_services),
        T(next_position_is_per_group),
        T(service_spans_are_its_own_from_the_span_in_force),
    };
    return cmocka_run_group_tests_name("store/services", tests, NULL, NULL);
}
