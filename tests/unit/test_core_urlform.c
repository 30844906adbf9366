/*
 * Unit tests for core/urlform: urlencoded decoding into JSON (single and repeated
 * fields, '+' and %XX escapes), and refusal of bad escapes, NUL and invalid UTF-8.
 */
#include "core/urlform.h"
#include "testutil.h"

static json_t *decode(const char *s, struct err *e)
{
    return form_decode(s, strlen(s), e);
}

static void decodes_fields_and_escapes(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *f = decode("email=a%40b.example&name=Jo+Smith&empty=&flag&x=%C3%A9", &e);
    assert_non_null(f);
    assert_string_equal(form_str(f, "email"), "a@b.example");
    assert_string_equal(form_str(f, "name"), "Jo Smith");
    assert_string_equal(form_str(f, "empty"), "");
    assert_string_equal(form_str(f, "flag"), "");
    assert_string_equal(form_str(f, "x"), "\xc3\xa9");
    assert_null(form_str(f, "missing"));
    json_decref(f);
}

static void repeated_fields_become_arrays(void **state)
{
    (void)state;
    struct err e = {0};
    json_t *f = decode("services=1&services=2&&services=3&all=1", &e);
    assert_non_null(f);
    json_t *s = json_object_get(f, "services");
    assert_true(json_is_array(s));
    assert_int_equal(json_array_size(s), 3);
    assert_string_equal(json_string_value(json_array_get(s, 2)), "3");
    assert_string_equal(form_str(f, "services"), "1");
    assert_string_equal(form_str(f, "all"), "1");
    json_decref(f);
}

static void refuses_malformed_input(void **state)
{
    (void)state;
    const char *bad[] = {"a=%", "a=%4", "a=%zz", "a=%00", "a=%FF%FE", "%C3=1", "a=b%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = {0};
        assert_null(decode(bad[i], &e));
        assert_int_equal(e.code, ERR_INVALID);
        assert_non_null(strstr(e.msg, "malformed"));
    }
}

static void percent_encoding_keeps_only_the_unreserved(void **state)
{
    (void)state;
    char *s = url_pct_encode("a b+c/é~._-");
    assert_string_equal(s, "a%20b%2Bc%2F%C3%A9~._-");
    free(s);
}

static void only_paths_of_this_site_are_local(void **state)
{
    (void)state;
    assert_string_equal(url_local_path("/incidents/7?x=1"), "/incidents/7?x=1");
    assert_string_equal(url_local_path("/"), "/");
    const char *away[] = {NULL,
                          "",
                          "https://evil.example/",
                          "//evil.example/",
                          "/\\evil.example",
                          "evil",
                          "/a\rSet-Cookie: x",
                          "/a\tb",
                          "javascript:alert(1)"};
    for (size_t i = 0; i < sizeof away / sizeof away[0]; i++)
        assert_string_equal(url_local_path(away[i]), "/");
    char long_path[1100];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[0] = '/';
    long_path[sizeof long_path - 1] = '\0';
    assert_string_equal(url_local_path(long_path), "/");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percent_encoding_keeps_only_the_unreserved),
        cmocka_unit_test(decodes_fields_and_escapes),
        cmocka_unit_test(repeated_fields_become_arrays),
        cmocka_unit_test(refuses_malformed_input),
        cmocka_unit_test(only_paths_of_this_site_are_local),
    };
    return cmocka_run_group_tests_name("http/form", tests, NULL, NULL);
}
