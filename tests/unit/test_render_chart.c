/*
 * Unit tests for render/chart: the round scale and its labels, one line per run of
 * buckets with data (a gap breaks it, a lone point is a dot), coordinates inside the
 * viewBox with the slowest figure at the top of the scale.
 */
#include "render/chart.h"
#include "testutil.h"
#include <string.h>

static void the_scale_is_a_round_figure_at_or_above_the_top(void **state)
{
    (void)state;
    assert_int_equal(chart_scale(0), 10);
    assert_int_equal(chart_scale(10), 10);
    assert_int_equal(chart_scale(11), 20);
    assert_int_equal(chart_scale(419), 500);
    assert_int_equal(chart_scale(501), 1000);
    assert_int_equal(chart_scale(1999), 2000);
    assert_int_equal(chart_scale(30001), 50000);
    char b[32];
    assert_string_equal(chart_ms_label(250, b, sizeof b), "250 ms");
    assert_string_equal(chart_ms_label(1000, b, sizeof b), "1 s");
    assert_string_equal(chart_ms_label(1500, b, sizeof b), "1.5 s");
    assert_string_equal(chart_ms_label(25000, b, sizeof b), "25 s");
}

static void gaps_break_the_lines_and_a_lone_point_is_a_dot(void **state)
{
    (void)state;
    /* data, data, gap, data (alone), gap, data, data, data */
    struct chart_point v[] = {{100, 300}, {120, 419}, {-1, -1},  {90, 200},
                              {-1, -1},   {80, 150},  {85, 160}, {95, 170}};
    struct chart c = {.id = "rt-1-day",
                      .title = "Response time, last 24 hours",
                      .desc = "Median 95 ms",
                      .tick = {"24 hours ago", "12 hours ago", "Now"},
                      .v = v,
                      .n = sizeof v / sizeof v[0]};
    json_t *m = chart_model(&c);
    json_t *p50 = json_object_get(m, "p50"), *p95 = json_object_get(m, "p95");
    assert_int_equal(json_array_size(p50), 2);
    assert_int_equal(json_array_size(p95), 2);
    assert_int_equal(json_array_size(json_object_get(m, "dots")), 1);
    const char *first = json_string_value(json_object_get(json_array_get(p50, 0), "points"));
    /* two points: x at the left edge, y of 100 ms on a 500 ms scale */
    float x0, y0, x1, y1;
    assert_int_equal(sscanf(first, "%f,%f %f,%f", &x0, &y0, &x1, &y1), 4);
    json_int_t left = json_integer_value(json_object_get(m, "x0"));
    json_int_t bottom = json_integer_value(json_object_get(m, "y0"));
    assert_true(x0 == (float)left);
    assert_true(y0 < (float)bottom && y0 > 0);
    assert_true(x1 > x0);
    /* the scale's top label is 500 ms (highest p95 419), its bottom 0 ms */
    json_t *grid = json_object_get(m, "grid");
    assert_string_equal(json_string_value(json_object_get(json_array_get(grid, 0), "label")),
                        "0 ms");
    assert_string_equal(json_string_value(json_object_get(json_array_get(grid, 2), "label")),
                        "500 ms");
    /* the last point is at the right edge, inside the viewBox */
    const char *last = json_string_value(json_object_get(json_array_get(p50, 1), "points"));
    const char *tail = strrchr(last, ' ') + 1;
    float xl, yl;
    assert_int_equal(sscanf(tail, "%f,%f", &xl, &yl), 2);
    assert_true(xl == (float)json_integer_value(json_object_get(m, "x1")));
    assert_true(xl <= CHART_W);
    json_decref(m);
}

static void no_data_draws_no_line(void **state)
{
    (void)state;
    struct chart_point v[96];
    for (int i = 0; i < 96; i++)
        v[i] = (struct chart_point){-1, -1};
    struct chart c = {.id = "x", .title = "t", .desc = "No checks.", .v = v, .n = 96};
    json_t *m = chart_model(&c);
    assert_int_equal(json_array_size(json_object_get(m, "p50")), 0);
    assert_int_equal(json_array_size(json_object_get(m, "dots")), 0);
    assert_int_equal(json_array_size(json_object_get(m, "grid")), 3);
    json_decref(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_scale_is_a_round_figure_at_or_above_the_top),
        cmocka_unit_test(gaps_break_the_lines_and_a_lone_point_is_a_dot),
        cmocka_unit_test(no_data_draws_no_line),
    };
    return cmocka_run_group_tests_name("render/chart", tests, NULL, NULL);
}
