/*
 * Unit tests for public/view_uptime: a service's uptime keys are what the spans say
 * (a day of major outage is an "x" bar at 0%, rendered with the embedded
 * public/_bars.html), and are remembered — the same version in the same minute gives
 * the very same JSON values without reading the spans — while another version reads
 * them again, another minute computes them again from the remembered spans, and
 * another service has its own, among thousands.
 */
#include "public/view.h"
#include "public/view_uptime.h"
#include "testutil.h"

enum { DAY = 86400, NOW = 200 * DAY + 12 * 3600 }; /* noon of a day */

static struct tmpl_set *tmpls;

/* What the reader hands out, and how often it was asked. */
struct history {
    const struct public_span *spans;
    size_t n;
    int reads;
};

static int read_history(void *ctx, int64_t service_id, int64_t now, struct public_span **out,
                        size_t *n, struct err *e)
{
    (void)service_id, (void)now, (void)e;
    struct history *h = ctx;
    h->reads++;
    *out = malloc((h->n ? h->n : 1) * sizeof **out);
    memcpy(*out, h->spans, h->n * sizeof **out);
    *n = h->n;
    return 0;
}

/* The keys of SERVICE at VERSION as of NOW, its history the N SPANS; READS counts reads. */
static json_t *keys_at(int64_t service, uint64_t version, const struct public_span *spans, size_t n,
                       int64_t now, int *reads)
{
    json_t *svc = json_object();
    struct err e = {0};
    struct history h = {spans, n, 0};
    assert_int_equal(view_uptime_add(svc, service, version, now, NULL, read_history, &h, tmpls, &e),
                     0);
    if (reads) *reads = h.reads;
    return svc;
}

static json_t *keys_of(int64_t service, const struct public_span *spans, size_t n, int64_t now)
{
    return keys_at(service, 1, spans, n, now, NULL);
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

static void the_same_version_is_remembered(void **state)
{
    (void)state;
    struct public_span a[] = {{7, NOW - 3 * DAY, "operational"}};
    struct public_span b[] = {{7, NOW - 3 * DAY, "operational"}, {7, NOW - 60, "partial_outage"}};
    int reads;
    json_t *first = keys_at(7, 1, a, 1, NOW, &reads);
    assert_int_equal(reads, 1);
    json_t *again = keys_at(7, 1, a, 1, NOW + 1, &reads); /* the same minute (NOW is on one) */
    assert_int_equal(reads, 0);
    assert_ptr_equal(json_object_get(first, "bars"), json_object_get(again, "bars"));
    json_t *other_service = keys_at(8, 1, a, 1, NOW, &reads);
    assert_int_equal(reads, 1);
    assert_ptr_not_equal(json_object_get(first, "bars"), json_object_get(other_service, "bars"));
    /* a later minute: computed again from the remembered spans, not read */
    json_t *next_minute = keys_at(7, 1, b, 2, NOW + 60, &reads);
    assert_int_equal(reads, 0);
    assert_ptr_not_equal(json_object_get(first, "bars"), json_object_get(next_minute, "bars"));
    char title[128];
    assert_int_equal(bar_class(json_object_get(next_minute, "bars"), VIEW_UPTIME_DAYS - 1, title),
                     'o'); /* still a's history: b was not read */
    /* a new version reads the history again */
    json_t *changed = keys_at(7, 2, b, 2, NOW + 60, &reads);
    assert_int_equal(reads, 1);
    assert_ptr_not_equal(json_object_get(next_minute, "bars"), json_object_get(changed, "bars"));
    assert_int_equal(bar_class(json_object_get(changed, "bars"), VIEW_UPTIME_DAYS - 1, title), 'p');
    /* what an earlier model holds is not changed by later ones */
    assert_int_equal(bar_class(json_object_get(first, "bars"), VIEW_UPTIME_DAYS - 1, title), 'o');
    json_t *all[] = {first, again, other_service, next_minute, changed};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        json_decref(all[i]);
    view_uptime_forget();
}

static void thousands_of_services_are_each_remembered(void **state)
{
    (void)state;
    enum { N = 2000 };
    struct public_span a[] = {{0, NOW - 3 * DAY, "operational"}};
    static json_t *first[N];
    int reads, total = 0;
    for (int i = 0; i < N; i++) { /* ids spread out, as on a server of many pages */
        first[i] = keys_at(1 + (int64_t)i * 7919, 1, a, 1, NOW, &reads);
        total += reads;
    }
    assert_int_equal(total, N);
    total = 0;
    for (int i = N; i-- > 0;) { /* the other way round: every one found after the growth */
        json_t *again = keys_at(1 + (int64_t)i * 7919, 1, a, 1, NOW, &reads);
        total += reads;
        assert_ptr_equal(json_object_get(first[i], "bars"), json_object_get(again, "bars"));
        json_decref(again);
    }
    assert_int_equal(total, 0);
    for (int i = 0; i < N; i++)
        json_decref(first[i]);
    view_uptime_forget();
}

static void versions_follow_head_status_and_update_time(void **state)
{
    (void)state;
    uint64_t v = view_uptime_version(41, "operational", "2026-12-06T10:00:00Z", 0);
    assert_true(v == view_uptime_version(41, "operational", "2026-12-06T10:00:00Z", 0));
    assert_true(v != view_uptime_version(42, "operational", "2026-12-06T10:00:00Z", 0));
    assert_true(v != view_uptime_version(41, "major_outage", "2026-12-06T10:00:00Z", 0));
    assert_true(v != view_uptime_version(41, "operational", "2026-12-06T10:00:01Z", 0));
    assert_true(view_uptime_version(0, NULL, NULL, 0) == view_uptime_version(0, "", "", 0));
    assert_true(v != view_uptime_version(41, "operational", "2026-12-06T10:00:00Z", 7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bars_follow_the_spans),
        cmocka_unit_test(the_same_version_is_remembered),
        cmocka_unit_test(thousands_of_services_are_each_remembered),
        cmocka_unit_test(versions_follow_head_status_and_update_time),
    };
    tmpls = tmpl_set_new_embedded("templates/");
    int rc = cmocka_run_group_tests_name("public/view_uptime", tests, NULL, NULL);
    tmpl_set_free(tmpls);
    return rc;
}
