/*
 * Unit tests for app/input, the validators every use case reads its input
 * with: for each of in_only, in_has, in_text, in_bool, in_int, in_id_or_null,
 * in_time, in_choice, in_filter and in_enum, the accepted values, that an absent
 * optional field leaves *OUT untouched, and the refused values with a 400 whose
 * message names the field and what is accepted (and is valid UTF-8, since it
 * goes into a JSON error body); in_paging's bounds and defaults; and the list
 * reply helpers out_next_cursor and out_list.
 */
#include "app/input.h"
#include "core/utf8.h"
#include "testutil.h"

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j) fail_msg("bad test JSON %s: %s", text, je.text);
    return j;
}

#define assert_msg(e, text) assert_string_equal((e).msg, (text))

static void assert_valid_utf8(const struct err *e)
{
    if (utf8_length(e->msg, strlen(e->msg)) < 0) fail_msg("message is not valid UTF-8: %s", e->msg);
}

static const char *const allowed[] = {"title", "message", "notify", NULL};

static void only_accepts_listed_fields(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *in = J("{\"title\":\"t\",\"notify\":true}");
    assert_int_equal(in_only(in, allowed, &e), 0);
    json_decref(in);
    in = J("{}");
    assert_int_equal(in_only(in, allowed, &e), 0);
    json_decref(in);
}

static void only_refuses_an_unknown_field_listing_the_accepted(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *in = J("{\"title\":\"t\",\"titel\":\"x\"}");
    assert_int_equal(in_only(in, allowed, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_msg(e, "unknown field \"titel\"; accepted fields: title, message, notify");
    json_decref(in);
}

static void only_quotes_a_long_unknown_field_as_valid_utf8(void **state)
{
    (void)state;
    struct err e = {0};
    char text[300];
    char key[200];
    /* 63 ASCII bytes then "é": a byte cut at 64 would split the é */
    memset(key, 'k', 63);
    strcpy(key + 63, "\xc3\xa9\xc3\xa9\xc3\xa9tail");
    snprintf(text, sizeof text, "{\"%s\":1}", key);
    json_t *in = J(text);
    assert_int_equal(in_only(in, allowed, &e), -1);
    assert_valid_utf8(&e);
    assert_non_null(strstr(e.msg, "kkkkkkkk"));
    assert_non_null(strstr(e.msg, "accepted fields: title, message, notify"));
    json_decref(in);
}

static void has_tells_presence_even_of_null(void **state)
{
    (void)state;
    json_t *in = J("{\"a\":null,\"b\":0}");
    assert_true(in_has(in, "a"));
    assert_true(in_has(in, "b"));
    assert_false(in_has(in, "c"));
    json_decref(in);
}

static void text_accepts_and_points_into_the_input(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *in = J("{\"title\":\"Database slow \\u00e9\",\"message\":\"line 1\\nline 2\"}");
    const char *t = NULL, *m = NULL;
    assert_int_equal(in_text(in, "title", 200, true, false, &t, &e), 0);
    assert_string_equal(t, "Database slow \xc3\xa9");
    assert_ptr_equal(t, json_string_value(json_object_get(in, "title")));
    assert_int_equal(in_text(in, "message", 20000, true, true, &m, &e), 0);
    assert_string_equal(m, "line 1\nline 2");
    json_decref(in);
}

static void text_absent_or_null_optional_leaves_out_untouched(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *in = J("{\"description\":null}");
    const char *d = "before";
    assert_int_equal(in_text(in, "description", 500, false, false, &d, &e), 0);
    assert_string_equal(d, "before");
    assert_int_equal(in_text(in, "other", 500, false, false, &d, &e), 0);
    assert_string_equal(d, "before");
    json_decref(in);
}

static void text_optional_may_be_empty(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *in = J("{\"description\":\"\"}");
    const char *d = NULL;
    assert_int_equal(in_text(in, "description", 500, false, false, &d, &e), 0);
    assert_string_equal(d, "");
    json_decref(in);
}

static void text_required_refuses_absent_null_and_empty(void **state)
{
    (void)state;
    struct err e = {0};
    const char *t = NULL;
    json_t *in = J("{\"message\":null,\"name\":\"\"}");
    assert_int_equal(in_text(in, "title", 200, true, false, &t, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_msg(e, "title is required");
    assert_int_equal(in_text(in, "message", 200, true, true, &t, &e), -1);
    assert_msg(e, "message is required");
    assert_int_equal(in_text(in, "name", 100, true, false, &t, &e), -1);
    assert_msg(e, "name is required and may not be empty");
    assert_null(t);
    json_decref(in);
}

static void text_refuses_non_strings(void **state)
{
    (void)state;
    struct err e = {0};
    const char *t = NULL;
    static const char *bad[] = {"{\"title\":5}", "{\"title\":true}", "{\"title\":[\"a\"]}",
                                "{\"title\":{}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *in = J(bad[i]);
        assert_int_equal(in_text(in, "title", 200, true, false, &t, &e), -1);
        assert_msg(e, "title must be a string");
        json_decref(in);
    }
}

static void text_refuses_nul_invalid_utf8_length_and_controls(void **state)
{
    (void)state;
    struct err e = {0};
    const char *t = NULL;
    static const char nul[] = "{\"title\":\"a\\u0000b\"}";
    json_t *in = json_loadb(nul, strlen(nul), JSON_ALLOW_NUL, NULL);
    assert_non_null(in);
    assert_int_equal(in_text(in, "title", 200, true, false, &t, &e), -1);
    assert_msg(e, "title contains a NUL character");
    json_decref(in);

    in = json_object();
    json_object_set_new(in, "title", json_stringn_nocheck("caf\xc3", 4));
    assert_int_equal(in_text(in, "title", 200, true, false, &t, &e), -1);
    assert_msg(e, "title is not valid UTF-8 text");
    json_decref(in);

    in = J("{\"name\":\"\\u00e9\\u00e9\\u00e9\"}");
    assert_int_equal(in_text(in, "name", 3, true, false, &t, &e), 0);
    assert_int_equal(in_text(in, "name", 2, true, false, &t, &e), -1);
    assert_msg(e, "name is 3 characters long; at most 2 are accepted");
    json_decref(in);

    in = J("{\"title\":\"two\\nlines\"}");
    assert_int_equal(in_text(in, "title", 200, true, false, &t, &e), -1);
    assert_msg(e, "title contains a control character (line breaks are not accepted here)");
    json_decref(in);
}

static void bool_reads_true_and_false_only(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *in = J("{\"a\":true,\"b\":false,\"n\":null,\"s\":\"true\",\"i\":1}");
    bool v = false;
    assert_int_equal(in_bool(in, "a", &v, &e), 0);
    assert_true(v);
    assert_int_equal(in_bool(in, "b", &v, &e), 0);
    assert_false(v);
    v = true;
    assert_int_equal(in_bool(in, "absent", &v, &e), 0);
    assert_true(v);
    assert_int_equal(in_bool(in, "s", &v, &e), -1);
    assert_msg(e, "s must be true or false");
    assert_int_equal(in_bool(in, "i", &v, &e), -1);
    assert_msg(e, "i must be true or false");
    assert_int_equal(in_bool(in, "n", &v, &e), -1);
    assert_msg(e, "n must be true or false");
    json_decref(in);
}

static void int_accepts_its_inclusive_range(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *in = J("{\"lo\":0,\"hi\":1000,\"mid\":7}");
    int64_t v = -1;
    assert_int_equal(in_int(in, "lo", 0, 1000, &v, &e), 0);
    assert_int_equal(v, 0);
    assert_int_equal(in_int(in, "hi", 0, 1000, &v, &e), 0);
    assert_int_equal(v, 1000);
    assert_int_equal(in_int(in, "mid", 0, 1000, &v, &e), 0);
    assert_int_equal(v, 7);
    v = 99;
    assert_int_equal(in_int(in, "absent", 0, 1000, &v, &e), 0);
    assert_int_equal(v, 99);
    json_decref(in);
}

static void int_refuses_out_of_range_and_non_integers(void **state)
{
    (void)state;
    struct err e = {0};
    static const char *bad[] = {"{\"position\":-1}",   "{\"position\":1001}",
                                "{\"position\":1.0}",  "{\"position\":\"5\"}",
                                "{\"position\":null}", "{\"position\":true}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *in = J(bad[i]);
        int64_t v = 42;
        assert_int_equal(in_int(in, "position", 0, 1000, &v, &e), -1);
        assert_msg(e, "position must be a whole number from 0 to 1000");
        assert_int_equal(v, 42);
        json_decref(in);
    }
}

static void id_or_null_reads_ids_and_null(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *in = J("{\"group_id\":12,\"none\":null}");
    int64_t v = -1;
    assert_int_equal(in_id_or_null(in, "group_id", &v, &e), 0);
    assert_int_equal(v, 12);
    assert_int_equal(in_id_or_null(in, "none", &v, &e), 0);
    assert_int_equal(v, 0);
    v = 5;
    assert_int_equal(in_id_or_null(in, "absent", &v, &e), 0);
    assert_int_equal(v, 5);
    json_decref(in);
}

static void id_or_null_refuses_non_ids(void **state)
{
    (void)state;
    struct err e = {0};
    static const char *bad[] = {"{\"group_id\":0}", "{\"group_id\":-3}", "{\"group_id\":\"4\"}",
                                "{\"group_id\":4.5}", "{\"group_id\":false}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *in = J(bad[i]);
        int64_t v = 9;
        assert_int_equal(in_id_or_null(in, "group_id", &v, &e), -1);
        assert_msg(e, "group_id must be an id (a positive whole number) or null");
        assert_int_equal(v, 9);
        json_decref(in);
    }
}

static void time_reads_rfc3339(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *in = J("{\"scheduled_start\":\"2026-11-26T19:00:00+02:00\",\"n\":null}");
    int64_t t = 0;
    assert_int_equal(in_time(in, "scheduled_start", true, &t, &e), 0);
    assert_int_equal(t, INT64_C(1795712400));
    t = 3;
    assert_int_equal(in_time(in, "n", false, &t, &e), 0);
    assert_int_equal(in_time(in, "absent", false, &t, &e), 0);
    assert_int_equal(t, 3);
    json_decref(in);
}

static void time_refuses_missing_required_and_bad_times(void **state)
{
    (void)state;
    struct err e = {0};
    int64_t t = 3;
    json_t *in = J("{\"scheduled_end\":\"tomorrow\",\"num\":1795712400,"
                   "\"feb\":\"2026-02-30T00:00:00Z\"}");
    assert_int_equal(in_time(in, "scheduled_start", true, &t, &e), -1);
    assert_msg(e, "scheduled_start is required (an RFC 3339 time such as 2026-11-26T17:00:00Z)");
    assert_int_equal(in_time(in, "scheduled_end", true, &t, &e), -1);
    assert_msg(e, "scheduled_end must be an RFC 3339 time such as 2026-11-26T17:00:00Z");
    assert_int_equal(in_time(in, "num", false, &t, &e), -1);
    assert_msg(e, "num must be an RFC 3339 time such as 2026-11-26T17:00:00Z");
    assert_int_equal(in_time(in, "feb", false, &t, &e), -1);
    assert_int_equal(t, 3);
    json_decref(in);
}

static const char *const stages[] = {"investigating", "identified", NULL};

static void choice_accepts_listed_values_exactly(void **state)
{
    (void)state;
    struct err e = {0};
    assert_int_equal(in_choice("stage", "identified", stages, &e), 0);
    assert_int_equal(in_choice("stage", "Identified", stages, &e), -1);
    assert_msg(e, "unknown stage \"Identified\"; accepted: investigating, identified");
}

static void choice_quotes_a_long_value_clipped_and_valid_utf8(void **state)
{
    (void)state;
    struct err e = {0};
    char value[200];
    memset(value, 'v', 46);
    strcpy(value + 46, "\xc3\xa9 and much more text after it");
    assert_int_equal(in_choice("stage", value, stages, &e), -1);
    assert_valid_utf8(&e);
    assert_null(strstr(e.msg, "much more"));
    assert_non_null(strstr(e.msg, "accepted: investigating, identified"));
}

static void filter_treats_empty_as_no_filter(void **state)
{
    (void)state;
    struct err e = {0};
    static const char *const states[] = {"pending", "active", NULL};
    const char *out = "x";
    assert_int_equal(in_filter("state", NULL, states, &out, &e), 0);
    assert_null(out);
    out = "x";
    assert_int_equal(in_filter("state", "", states, &out, &e), 0);
    assert_null(out);
    assert_int_equal(in_filter("state", "active", states, &out, &e), 0);
    assert_string_equal(out, "active");
    assert_int_equal(in_filter("state", "gone", states, &out, &e), -1);
    assert_msg(e, "unknown state \"gone\"; accepted: pending, active");
}

static void enum_reads_one_of_the_accepted(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *in = J("{\"stage\":\"identified\"}");
    const char *s = NULL;
    assert_int_equal(in_enum(in, "stage", stages, true, &s, &e), 0);
    assert_string_equal(s, "identified");
    s = "kept";
    assert_int_equal(in_enum(in, "impact", stages, false, &s, &e), 0);
    assert_string_equal(s, "kept");
    json_decref(in);
}

static void enum_refuses_wrong_types_unknown_values_and_missing(void **state)
{
    (void)state;
    struct err e = {0};
    const char *s = NULL;
    json_t *in = J("{\"stage\":3,\"other\":\"resolvedd\"}");
    assert_int_equal(in_enum(in, "stage", stages, true, &s, &e), -1);
    assert_msg(e, "stage must be a string, one of: investigating, identified");
    assert_int_equal(in_enum(in, "other", stages, true, &s, &e), -1);
    assert_msg(e, "unknown other \"resolvedd\"; accepted: investigating, identified");
    assert_int_equal(in_enum(in, "absent", stages, true, &s, &e), -1);
    assert_msg(e, "absent is required");
    assert_null(s);
    json_decref(in);
}

static void paging_defaults(void **state)
{
    (void)state;
    struct err e = {0};
    struct paging p = {.limit = -1, .cursor = -1};
    assert_int_equal(in_paging(NULL, NULL, &p, &e), 0);
    assert_int_equal(p.limit, 50);
    assert_int_equal(p.cursor, 0);
    assert_int_equal(in_paging(NULL, "", &p, &e), 0);
    assert_int_equal(p.cursor, 0);
}

static void paging_accepts_limits_from_1_to_500_and_numeric_cursors(void **state)
{
    (void)state;
    struct err e = {0};
    struct paging p;
    assert_int_equal(in_paging("1", NULL, &p, &e), 0);
    assert_int_equal(p.limit, 1);
    assert_int_equal(in_paging("500", "123", &p, &e), 0);
    assert_int_equal(p.limit, 500);
    assert_int_equal(p.cursor, 123);
    assert_int_equal(in_paging("050", "999999999999999999", &p, &e), 0);
    assert_int_equal(p.limit, 50);
    assert_int_equal(p.cursor, INT64_C(999999999999999999));
}

static void paging_refuses_limits_out_of_bounds_or_malformed(void **state)
{
    (void)state;
    static const char *bad[] = {"0",   "501", "-1", "abc", "",
                                "1.5", " 5",  "+5", "5 ",  "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = {0};
        struct paging p;
        if (in_paging(bad[i], NULL, &p, &e) == 0) fail_msg("limit \"%s\" was accepted", bad[i]);
        assert_int_equal(e.code, ERR_INVALID);
        assert_msg(e, "limit must be a whole number from 1 to 500");
    }
}

static void paging_refuses_malformed_cursors(void **state)
{
    (void)state;
    static const char *bad[] = {"abc", "-1", "1e3", "0x10", "9999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = {0};
        struct paging p;
        if (in_paging("10", bad[i], &p, &e) == 0) fail_msg("cursor \"%s\" was accepted", bad[i]);
        assert_msg(e, "cursor must be a next_cursor value from a previous page");
    }
}

static void next_cursor_is_a_string_or_null(void **state)
{
    (void)state;
    json_t *o = json_object();
    out_next_cursor(o, 0);
    assert_true(json_is_null(json_object_get(o, "next_cursor")));
    out_next_cursor(o, 1234567890123);
    assert_string_equal(json_string_value(json_object_get(o, "next_cursor")), "1234567890123");
    json_decref(o);
}

/* N rows {"id": first, first+1, …}. */
static json_t *rows_of(int n, int64_t first)
{
    json_t *rows = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(rows, json_pack("{s:I}", "id", (json_int_t)(first + i)));
    return rows;
}

static void list_drops_the_look_ahead_row_and_sets_the_cursor(void **state)
{
    (void)state;
    struct paging pg = {.limit = 3, .cursor = 0};
    json_t *out = out_list("services", rows_of(4, 10), &pg, true);
    assert_int_equal(json_array_size(json_object_get(out, "services")), 3);
    assert_string_equal(json_string_value(json_object_get(out, "next_cursor")), "12");
    json_decref(out);

    pg.cursor = 6;
    out = out_list("services", rows_of(4, 10), &pg, false);
    assert_int_equal(json_array_size(json_object_get(out, "services")), 3);
    assert_string_equal(json_string_value(json_object_get(out, "next_cursor")), "9");
    json_decref(out);
}

static void list_of_the_last_page_has_a_null_cursor(void **state)
{
    (void)state;
    struct paging pg = {.limit = 3, .cursor = 0};
    json_t *out = out_list("items", rows_of(3, 1), &pg, true);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 3);
    assert_true(json_is_null(json_object_get(out, "next_cursor")));
    json_decref(out);
    out = out_list("items", rows_of(0, 1), &pg, false);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    assert_true(json_is_null(json_object_get(out, "next_cursor")));
    json_decref(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_accepts_listed_fields),
        cmocka_unit_test(only_refuses_an_unknown_field_listing_the_accepted),
        cmocka_unit_test(only_quotes_a_long_unknown_field_as_valid_utf8),
        cmocka_unit_test(has_tells_presence_even_of_null),
        cmocka_unit_test(text_accepts_and_points_into_the_input),
        cmocka_unit_test(text_absent_or_null_optional_leaves_out_untouched),
        cmocka_unit_test(text_optional_may_be_empty),
        cmocka_unit_test(text_required_refuses_absent_null_and_empty),
        cmocka_unit_test(text_refuses_non_strings),
        cmocka_unit_test(text_refuses_nul_invalid_utf8_length_and_controls),
        cmocka_unit_test(bool_reads_true_and_false_only),
        cmocka_unit_test(int_accepts_its_inclusive_range),
        cmocka_unit_test(int_refuses_out_of_range_and_non_integers),
        cmocka_unit_test(id_or_null_reads_ids_and_null),
        cmocka_unit_test(id_or_null_refuses_non_ids),
        cmocka_unit_test(time_reads_rfc3339),
        cmocka_unit_test(time_refuses_missing_required_and_bad_times),
        cmocka_unit_test(choice_accepts_listed_values_exactly),
        cmocka_unit_test(choice_quotes_a_long_value_clipped_and_valid_utf8),
        cmocka_unit_test(filter_treats_empty_as_no_filter),
        cmocka_unit_test(enum_reads_one_of_the_accepted),
        cmocka_unit_test(enum_refuses_wrong_types_unknown_values_and_missing),
        cmocka_unit_test(paging_defaults),
        cmocka_unit_test(paging_accepts_limits_from_1_to_500_and_numeric_cursors),
        cmocka_unit_test(paging_refuses_limits_out_of_bounds_or_malformed),
        cmocka_unit_test(paging_refuses_malformed_cursors),
        cmocka_unit_test(next_cursor_is_a_string_or_null),
        cmocka_unit_test(list_drops_the_look_ahead_row_and_sets_the_cursor),
        cmocka_unit_test(list_of_the_last_page_has_a_null_cursor),
    };
    return cmocka_run_group_tests_name("app/input", tests, NULL, NULL);
}
