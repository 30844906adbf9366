/*
 * Unit tests for public/view_uptime: a service's uptime keys are what the spans say
 * (a day of major outage is an "x" bar at 0%, rendered with the embedded
 * public/_bars.html), and are remembered — the same spans in the same minute give
 * the very same JSON values — while other spans, another minute or another service
 * compute them again.
 */
#include "public/view.h"
#include "public/view_uptime.h"
#include "testutil.h"

enum { DAY = 86400, NOW = 200 * DAY + 12 * 3600 }; /* noon of a day */

static struct tmpl_set *tmpls;

static json_t *keys_of(int64_t service, const struct public_span *spans, size_t n, int64_t now)
{
    json_t *svc = json_object();
    struct err e = {0};
    assert_int_equal(view_uptime_add(svc, service, spans, n, now, tmpls, &e), 0);
    return svc;
}

/* The class of bar I (0 = oldest) in the bars' HTML BARS, and its title in TITLE. */
static char bar_class(const json_t *bars, int i, char title[128])
{
    const char *p = json_string_value(bars);
    for (int k = 0; k <= i; k++) {
        p = strstr(p, "<li class=\"d-");
        assert_non_null(p);
        p += strlen("<li class=\"d-");
    }
    const char *t = strstr(p, "title=\"") + strlen("title=\"");
    size_t len = (size_t)(strchr(t, '"') - t);
    assert_true(len < 128);
    memcpy(title, t, len);
    title[len] = '\0';
    return *p;
}

static int count_bars(const json_t *bars)
{
    int n = 0;
    for (const char *p = json_string_value(bars); (p = strstr(p, "<li ")); p++)
        n++;
    return n;
}

static void bars_follow_the_spans(void **state)
{
    (void)state;
    struct public_span spans[] = {{1, NOW - 10 * DAY, "operational"},
                                  {1, NOW - DAY - 12 * 3600, "major_outage"}, /* yesterday */
                                  {1, NOW - 12 * 3600, "operational"}};       /* today */
    json_t *svc = keys_of(1, spans, 3, NOW);
    json_t *bars = json_object_get(svc, "bars");
    char title[128];
    assert_int_equal(count_bars(bars), VIEW_UPTIME_DAYS);
    assert_int_equal(bar_class(bars, VIEW_UPTIME_DAYS - 2, title), 'x'); /* yesterday */
    assert_non_null(strstr(title, "Major Outage, 0.00% uptime"));
    assert_int_equal(bar_class(bars, VIEW_UPTIME_DAYS - 1, title), 'o'); /* today */
    assert_int_equal(bar_class(bars, 0, title), 'n');
    assert_non_null(strstr(title, ": no data"));
    /* the HTML is the bars alone: no line ending from the template's file */
    const char *html = json_string_value(bars);
    assert_int_equal(strncmp(html, "<li ", 4), 0);
    assert_string_equal(html + strlen(html) - 5, "</li>");
    assert_non_null(json_string_value(json_object_get(svc, "uptime")));
    assert_non_null(strstr(json_string_value(json_object_get(svc, "uptime_period")), "since"));
    json_decref(svc);
    view_uptime_forget();
}

static void the_same_spans_in_the_same_minute_are_remembered(void **state)
{
    (void)state;
    struct public_span a[] = {{7, NOW - 3 * DAY, "operational"}};
    struct public_span b[] = {{7, NOW - 3 * DAY, "operational"}, {7, NOW - 60, "partial_outage"}};
    json_t *first = keys_of(7, a, 1, NOW);
    json_t *again = keys_of(7, a, 1, NOW + 1); /* the same minute (NOW is on a minute) */
    assert_ptr_equal(json_object_get(first, "bars"), json_object_get(again, "bars"));
    json_t *other_service = keys_of(8, a, 1, NOW);
    assert_ptr_not_equal(json_object_get(first, "bars"), json_object_get(other_service, "bars"));
    json_t *next_minute = keys_of(7, a, 1, NOW + 60);
    assert_ptr_not_equal(json_object_get(first, "bars"), json_object_get(next_minute, "bars"));
    json_t *changed = keys_of(7, b, 2, NOW + 60);
    assert_ptr_not_equal(json_object_get(next_minute, "bars"), json_object_get(changed, "bars"));
    char title[128];
    assert_int_equal(bar_class(json_object_get(changed, "bars"), VIEW_UPTIME_DAYS - 1, title), 'p');
    /* what an earlier model holds is not changed by later ones */
    assert_int_equal(bar_class(json_object_get(first, "bars"), VIEW_UPTIME_DAYS - 1, title), 'o');
    json_decref(first);
    json_decref(again);
    json_decref(other_service);
    json_decref(next_minute);
    json_decref(changed);
    view_uptime_forget();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bars_follow_the_spans),
        cmocka_unit_test(the_same_spans_in_the_same_minute_are_remembered),
    };
    tmpls = tmpl_set_new_embedded("templates/");
    int rc = cmocka_run_group_tests_name("public/view_uptime", tests, NULL, NULL);
    tmpl_set_free(tmpls);
    return rc;
}
