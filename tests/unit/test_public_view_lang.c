/*
 * Unit tests for public/view_lang: a hand-made piece of a view model said in German and
 * Japanese — the overall, service, section and stage labels, impacts, "_human" dates, the
 * uptime figure, period and the bars' titles (re-rendered from bar_days); an update's
 * translation replaces its message and HTML and the newest translated title the event's,
 * only when asked (the reader's language is not the page's default); a language with no
 * translation keeps the text; unknown statuses keep their label.
 */
#include "public/view_lang.h"
#include "render/i18n.h"
#include "testutil.h"

static const char MODEL[] =
    "{\"overall\":{\"status\":\"operational\",\"label\":\"All Systems Operational\","
    "\"indicator\":\"none\"},"
    "\"generated_at\":\"2026-12-07T14:05:00Z\",\"generated_at_human\":\"Dec 7, 2026 14:05 UTC\","
    "\"sections\":[{\"status\":\"partial_outage\",\"label\":\"Partial Outage\",\"services\":["
    "{\"id\":1,\"name\":\"API\",\"status\":\"partial_outage\",\"label\":\"Partial Outage\","
    "\"uptime\":\"99.95%\",\"uptime_period\":\"since Dec 6\",\"uptime_since\":1796515200,"
    "\"bars\":\"old\",\"bar_days\":[[1796515200,-1,\"\"],[1796601600,3,\"99.90%\"]]}]}],"
    "\"open_incidents\":[{\"id\":7,\"title\":\"Slow API\",\"impact\":\"major\","
    "\"impact_label\":\"major\",\"stage\":\"identified\",\"stage_label\":\"Identified\","
    "\"status\":\"weird\",\"label\":\"Weird\","
    "\"updates\":[{\"id\":9,\"stage\":\"identified\",\"stage_label\":\"Identified\","
    "\"message\":\"Found it.\",\"html\":\"<p>Found it.</p>\","
    "\"created_at\":\"2026-12-07T14:05:00Z\",\"created_at_human\":\"x\","
    "\"translations\":{\"de\":{\"message\":\"**Gefunden.**\"}}},"
    "{\"id\":8,\"stage\":\"investigating\",\"stage_label\":\"Investigating\","
    "\"message\":\"Looking.\",\"html\":\"<p>Looking.</p>\","
    "\"translations\":{\"de\":{\"title\":\"Langsame API\",\"message\":\"Wir sehen nach.\"}}}]}]}";

static struct tmpl_set *tmpls;

static json_t *model(void)
{
    json_error_t je;
    json_t *m = json_loads(MODEL, 0, &je);
    if (!m) fail_msg("model: %s (column %d)", je.text, je.column);
    return m;
}

static const char *at(const json_t *m, const char *path)
{
    json_t *v = (json_t *)m;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
        v = json_is_array(v) ? json_array_get(v, (size_t)atoi(k)) : json_object_get(v, k);
    const char *s = json_string_value(v);
    if (!s) fail_msg("no string at %s", path);
    return s;
}

static void german_with_translations(void **state)
{
    (void)state;
    json_t *m = model();
    view_lang_apply(m, i18n_canon("de"), true, tmpls);
    assert_string_equal(at(m, "overall.label"), "Alle Systeme in Betrieb");
    assert_string_equal(at(m, "generated_at_human"), "7. Dez. 2026, 14:05 UTC");
    assert_string_equal(at(m, "sections.0.label"), "Teilausfall");
    assert_string_equal(at(m, "sections.0.services.0.label"), "Teilausfall");
    assert_string_equal(at(m, "sections.0.services.0.uptime"), "99,95 %");
    assert_string_equal(at(m, "sections.0.services.0.uptime_period"), "seit 6. Dez.");
    assert_string_equal(at(m, "sections.0.services.0.bars"),
                        "<li class=\"d-n\" title=\"6. Dez.: keine Daten\"></li>"
                        "<li class=\"d-p\" title=\"7. Dez.: Teilausfall, 99,90 % "
                        "Verfügbarkeit\"></li>");
    assert_string_equal(at(m, "open_incidents.0.stage_label"), "Ursache gefunden");
    assert_string_equal(at(m, "open_incidents.0.impact_label"), "erheblich");
    assert_string_equal(at(m, "open_incidents.0.label"), "Weird"); /* no such status */
    assert_string_equal(at(m, "open_incidents.0.title"), "Langsame API");
    assert_string_equal(at(m, "open_incidents.0.updates.0.message"), "**Gefunden.**");
    assert_string_equal(at(m, "open_incidents.0.updates.0.html"),
                        "<p><strong>Gefunden.</strong></p>\n");
    assert_string_equal(at(m, "open_incidents.0.updates.0.created_at_human"),
                        "7. Dez. 2026, 14:05 UTC");
    assert_string_equal(at(m, "open_incidents.0.updates.1.html"), "<p>Wir sehen nach.</p>\n");
    assert_string_equal(at(m, "open_incidents.0.updates.1.stage_label"), "Wird untersucht");
    json_decref(m);
}

static void translations_only_when_asked_and_present(void **state)
{
    (void)state;
    json_t *m = model();
    view_lang_apply(m, i18n_canon("de"), false, tmpls); /* German is the page's default */
    assert_string_equal(at(m, "open_incidents.0.title"), "Slow API");
    assert_string_equal(at(m, "open_incidents.0.updates.0.html"), "<p>Found it.</p>");
    assert_string_equal(at(m, "open_incidents.0.stage_label"), "Ursache gefunden");
    json_decref(m);
    m = model();
    view_lang_apply(m, i18n_canon("ja"), true, tmpls); /* no Japanese translation */
    assert_string_equal(at(m, "open_incidents.0.title"), "Slow API");
    assert_string_equal(at(m, "open_incidents.0.updates.1.message"), "Looking.");
    assert_string_equal(at(m, "open_incidents.0.stage_label"), "原因特定");
    assert_string_equal(at(m, "overall.label"), "すべてのシステムが正常です");
    assert_string_equal(at(m, "generated_at_human"), "2026年12月7日 14:05 UTC");
    assert_string_equal(at(m, "sections.0.services.0.uptime"), "99.95%");
    json_decref(m);
}

static int setup(void **state)
{
    (void)state;
    tmpls = tmpl_set_new_embedded("templates/");
    return tmpls ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tmpl_set_free(tmpls);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(german_with_translations),
        cmocka_unit_test(translations_only_when_asked_and_present),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
