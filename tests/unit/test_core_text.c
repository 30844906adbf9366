/*
 * Unit tests for core/text: text_cut keeps at most N characters of a UTF-8 string,
 * cutting only at character boundaries, and leaves a shorter string alone.
 */
#include "core/text.h"
#include "testutil.h"
#include <string.h>

static void cuts_at_a_character_boundary(void **state)
{
    (void)state;
    char s[64];
    strcpy(s, "héllo wörld");
    text_cut(s, 5);
    assert_string_equal(s, "héllo");
    strcpy(s, "日本語のテキスト");
    text_cut(s, 3);
    assert_string_equal(s, "日本語");
    strcpy(s, "short");
    text_cut(s, 5);
    assert_string_equal(s, "short");
    text_cut(s, 100);
    assert_string_equal(s, "short");
    text_cut(s, 0);
    assert_string_equal(s, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cuts_at_a_character_boundary),
    };
    return cmocka_run_group_tests_name("core/text", tests, NULL, NULL);
}
