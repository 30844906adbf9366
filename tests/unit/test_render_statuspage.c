/*
 * Unit tests for render/statuspage: the Statuspage v2 documents made from a view
 * model (public/view.h) — ids as strings, groups as components, the status
 * indicator, positions, incidents with incident_updates, maintenance with scheduled_for.
 */
#include "render/statuspage.h"
#include "testutil.h"

static json_t *model(void)
{
    json_error_t err;
    json_t *m = json_loads(
        "{\"page\":{\"id\":3,\"title\":\"Acme\",\"url\":\"https://status.acme.test\","
        "\"time_zone\":\"UTC\"},\"generated_at\":\"2026-11-26T17:00:00Z\","
        "\"overall\":{\"status\":\"partial_outage\",\"indicator\":\"major\","
        "\"description\":\"Partial System Outage\"},"
        "\"services\":[{\"id\":7,\"name\":\"API\",\"status\":\"partial_outage\",\"group_id\":2,"
        "\"position\":0,\"description\":\"\",\"created_at\":\"2026-01-02T03:04:05Z\","
        "\"updated_at\":\"2026-11-26T16:00:00Z\"},{\"id\":8,\"name\":\"Web\","
        "\"status\":\"operational\",\"group_id\":null,\"position\":1,\"description\":\"d\","
        "\"created_at\":\"2026-01-02T03:04:05Z\",\"updated_at\":\"2026-01-02T03:04:05Z\"}],"
        "\"groups\":[{\"id\":2,\"name\":\"Core\",\"description\":\"\",\"position\":0,"
        "\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"2026-01-01T00:00:00Z\","
        "\"components\":[7]}],"
        "\"sections\":[{\"grouped\":false,\"status\":\"operational\"},{\"grouped\":true,"
        "\"group_id\":2,\"status\":\"partial_outage\"}],"
        "\"open_incidents\":[{\"id\":11,\"kind\":\"incident\",\"is_incident\":true,"
        "\"title\":\"Errors\",\"stage\":\"monitoring\",\"sp_status\":\"monitoring\","
        "\"impact\":\"major\",\"path\":\"incidents/11\",\"created_at\":\"2026-11-26T15:00:00Z\","
        "\"period_start_at\":\"2026-11-26T14:40:00Z\","
        "\"updated_at\":\"2026-11-26T16:30:00Z\",\"resolved_at\":null,"
        "\"services\":[{\"id\":7,\"name\":\"API\",\"status\":\"partial_outage\"}],"
        "\"updates\":[{\"id\":22,\"stage\":\"monitoring\",\"sp_status\":\"monitoring\","
        "\"message\":\"watching\",\"created_at\":\"2026-11-26T16:30:00Z\",\"affected\":[]},"
        "{\"id\":21,\"stage\":\"monitoring\",\"sp_status\":\"monitoring\",\"message\":\"fix out\","
        "\"created_at\":\"2026-11-26T16:00:00Z\",\"affected\":[]},"
        "{\"id\":20,\"stage\":\"investigating\",\"sp_status\":\"investigating\","
        "\"message\":\"looking\",\"created_at\":\"2026-11-26T15:00:00Z\",\"affected\":[{\"id\":7,"
        "\"name\":\"API\",\"old_status\":\"operational\",\"new_status\":\"partial_outage\"}]}]}],"
        "\"active_maintenance\":[{\"id\":12,\"kind\":\"maintenance\",\"is_incident\":false,"
        "\"title\":\"Upgrade\",\"stage\":\"verification\",\"sp_status\":\"verifying\","
        "\"impact\":\"none\",\"path\":\"maintenance/12\",\"created_at\":\"2026-11-26T10:00:00Z\","
        "\"updated_at\":\"2026-11-26T12:00:00Z\",\"resolved_at\":null,"
        "\"scheduled_start\":\"2026-11-26T11:00:00Z\",\"scheduled_end\":\"2026-11-26T13:00:00Z\","
        "\"services\":[],\"updates\":[]}],"
        "\"upcoming_maintenance\":[],\"incidents\":[],\"maintenance\":[]}",
        0, &err);
    assert_non_null(m);
    return m;
}

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void every_endpoint_has_the_page_and_its_keys(void **state)
{
    (void)state;
    json_t *m = model();
    static const char *const keys[][3] = {
        {"summary.json", "status", "scheduled_maintenances"},
        {"status.json", "status", NULL},
        {"components.json", "components", NULL},
        {"incidents.json", "incidents", NULL},
        {"incidents/unresolved.json", "incidents", NULL},
        {"scheduled-maintenances.json", "scheduled_maintenances", NULL},
        {"scheduled-maintenances/upcoming.json", "scheduled_maintenances", NULL},
        {"scheduled-maintenances/active.json", "scheduled_maintenances", NULL},
    };
    size_t n = 0;
    for (; statuspage_endpoints[n]; n++)
        ;
    assert_int_equal(n, sizeof keys / sizeof keys[0]);
    for (size_t i = 0; i < n; i++) {
        json_t *d = statuspage_render(m, keys[i][0]);
        assert_non_null(d);
        json_t *page = json_object_get(d, "page");
        assert_string_equal(str(page, "id"), "3");
        assert_string_equal(str(page, "name"), "Acme");
        assert_string_equal(str(page, "url"), "https://status.acme.test");
        assert_non_null(json_object_get(d, keys[i][1]));
        if (keys[i][2]) assert_non_null(json_object_get(d, keys[i][2]));
        json_decref(d);
    }
    assert_null(statuspage_render(m, "nothing.json"));
    json_decref(m);
}

static void components_and_groups(void **state)
{
    (void)state;
    json_t *m = model();
    json_t *d = statuspage_render(m, "components.json");
    json_t *c = json_object_get(d, "components");
    assert_int_equal(json_array_size(c), 3);
    json_t *api = json_array_get(c, 0), *group = json_array_get(c, 2);
    assert_string_equal(str(api, "id"), "7");
    assert_string_equal(str(api, "group_id"), "group-2");
    assert_string_equal(str(api, "page_id"), "3");
    assert_string_equal(str(api, "start_date"), "2026-01-02");
    assert_true(json_is_false(json_object_get(api, "group")));
    assert_true(json_is_null(json_object_get(json_array_get(c, 1), "group_id")));
    assert_string_equal(str(group, "id"), "group-2");
    assert_true(json_is_true(json_object_get(group, "group")));
    assert_string_equal(str(group, "status"), "partial_outage");
    assert_string_equal(json_string_value(json_array_get(json_object_get(group, "components"), 0)),
                        "7");
    json_decref(d);
    d = statuspage_render(m, "status.json");
    assert_string_equal(str(json_object_get(d, "status"), "indicator"), "major");
    assert_string_equal(str(json_object_get(d, "status"), "description"), "Partial System Outage");
    json_decref(d);
    json_decref(m);
}

/* Positions (statuspage.h): ungrouped services and groups share the top level, numbered
 * from 1 in the order components.json lists them; a group numbers its own services in
 * its order. The model's own "position" fields (per level in the database, so an
 * ungrouped service and the first group are both 0) are not what is shown. */
static void positions_are_unique_and_in_page_order(void **state)
{
    (void)state;
    json_error_t err;
    json_t *m = json_loads(
        "{\"page\":{\"id\":1,\"title\":\"P\",\"url\":\"http://p.test\",\"time_zone\":\"UTC\"},"
        "\"services\":["
        "{\"id\":5,\"name\":\"Web\",\"status\":\"operational\",\"group_id\":null,\"position\":0},"
        "{\"id\":3,\"name\":\"CDN\",\"status\":\"operational\",\"group_id\":null,\"position\":1},"
        "{\"id\":9,\"name\":\"DB\",\"status\":\"operational\",\"group_id\":4,\"position\":0},"
        "{\"id\":8,\"name\":\"API\",\"status\":\"operational\",\"group_id\":4,\"position\":0},"
        "{\"id\":1,\"name\":\"Mail\",\"status\":\"operational\",\"group_id\":2,\"position\":3}],"
        "\"groups\":[{\"id\":4,\"name\":\"Core\",\"position\":0,\"components\":[9,8]},"
        "{\"id\":2,\"name\":\"Edge\",\"position\":0,\"components\":[1]}],"
        "\"sections\":[],\"open_incidents\":[{\"id\":11,\"is_incident\":true,\"title\":\"x\","
        "\"path\":\"incidents/11\",\"services\":[{\"id\":8},{\"id\":3}],\"updates\":[]}],"
        "\"active_maintenance\":[],\"upcoming_maintenance\":[]}",
        0, &err);
    assert_non_null(m);
    json_t *d = statuspage_render(m, "summary.json");
    json_t *c = json_object_get(d, "components");
    static const struct {
        const char *id;
        json_int_t position;
    } want[] = {{"5", 1}, {"3", 2}, {"9", 1}, {"8", 2}, {"1", 1}, {"group-4", 3}, {"group-2", 4}};
    assert_int_equal(json_array_size(c), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        json_t *x = json_array_get(c, i);
        assert_string_equal(str(x, "id"), want[i].id);
        assert_int_equal(json_integer_value(json_object_get(x, "position")), want[i].position);
    }
    /* an event's components carry the same positions */
    json_t *ec = json_object_get(json_array_get(json_object_get(d, "incidents"), 0), "components");
    assert_int_equal(json_array_size(ec), 2);
    assert_string_equal(str(json_array_get(ec, 0), "id"), "8");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(ec, 0), "position")), 2);
    assert_string_equal(str(json_array_get(ec, 1), "id"), "3");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(ec, 1), "position")), 2);
    json_decref(d);
    json_decref(m);
}

static void incidents_and_maintenance(void **state)
{
    (void)state;
    json_t *m = model();
    json_t *d = statuspage_render(m, "summary.json");
    json_t *inc = json_array_get(json_object_get(d, "incidents"), 0);
    assert_string_equal(str(inc, "id"), "11");
    assert_string_equal(str(inc, "name"), "Errors");
    assert_string_equal(str(inc, "status"), "monitoring");
    assert_string_equal(str(inc, "shortlink"), "https://status.acme.test/incidents/11");
    assert_string_equal(str(inc, "monitoring_at"), "2026-11-26T16:00:00Z"); /* the first */
    assert_string_equal(str(inc, "started_at"), "2026-11-26T14:40:00Z");    /* back-dated */
    assert_true(json_is_null(json_object_get(inc, "resolved_at")));
    assert_null(json_object_get(inc, "scheduled_for"));
    json_t *ups = json_object_get(inc, "incident_updates");
    assert_int_equal(json_array_size(ups), 3);
    json_t *u = json_array_get(ups, 2);
    assert_string_equal(str(u, "body"), "looking");
    assert_string_equal(str(u, "incident_id"), "11");
    json_t *a = json_array_get(json_object_get(u, "affected_components"), 0);
    assert_string_equal(str(a, "code"), "7");
    assert_string_equal(str(a, "new_status"), "partial_outage");
    assert_string_equal(str(json_array_get(json_object_get(inc, "components"), 0), "id"), "7");
    json_t *mt = json_array_get(json_object_get(d, "scheduled_maintenances"), 0);
    assert_string_equal(str(mt, "status"), "verifying");
    assert_string_equal(str(mt, "scheduled_for"), "2026-11-26T11:00:00Z");
    assert_string_equal(str(mt, "scheduled_until"), "2026-11-26T13:00:00Z");
    json_decref(d);
    d = statuspage_render(m, "scheduled-maintenances/upcoming.json");
    assert_int_equal(json_array_size(json_object_get(d, "scheduled_maintenances")), 0);
    json_decref(d);
    json_decref(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_endpoint_has_the_page_and_its_keys),
        cmocka_unit_test(components_and_groups),
        cmocka_unit_test(positions_are_unique_and_in_page_order),
        cmocka_unit_test(incidents_and_maintenance),
    };
    return cmocka_run_group_tests_name("render/statuspage", tests, NULL, NULL);
}
