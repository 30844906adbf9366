/*
 * Unit tests for core/utf8: utf8_length() counts code points of valid UTF-8 of
 * every width and refuses overlong forms, surrogates, code points past U+10FFFF,
 * stray continuation bytes, invalid lead bytes, sequences cut off at the end of
 * the buffer and NUL; text_check() counts its limits in characters (not bytes),
 * enforces "required", refuses C0 and C1 control characters and DEL, and allows
 * tab, CR and LF only where the field is multiline. Messages name the field.
 * utf8_clip() quotes a prefix that is valid UTF-8 and ends on a character.
 */
#include "core/text.h"
#include "core/utf8.h"
#include "testutil.h"

static long len_of(const char *s)
{
    return utf8_length(s, strlen(s));
}

static void counts_code_points_of_every_width(void **state)
{
    (void)state;
    assert_int_equal(len_of(""), 0);
    assert_int_equal(len_of("abc"), 3);
    assert_int_equal(len_of("\xc3\xa9"), 1);         /* é, 2 bytes */
    assert_int_equal(len_of("\xe2\x82\xac"), 1);     /* €, 3 bytes */
    assert_int_equal(len_of("\xf0\x9f\x98\x80"), 1); /* 😀, 4 bytes */
    assert_int_equal(len_of("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"), 5);
    assert_int_equal(len_of("\x7f"), 1); /* DEL is valid UTF-8 */
}

static void accepts_the_boundaries_of_each_width(void **state)
{
    (void)state;
    assert_int_equal(len_of("\xc2\x80"), 1);         /* U+0080 */
    assert_int_equal(len_of("\xdf\xbf"), 1);         /* U+07FF */
    assert_int_equal(len_of("\xe0\xa0\x80"), 1);     /* U+0800 */
    assert_int_equal(len_of("\xed\x9f\xbf"), 1);     /* U+D7FF */
    assert_int_equal(len_of("\xee\x80\x80"), 1);     /* U+E000 */
    assert_int_equal(len_of("\xef\xbf\xbf"), 1);     /* U+FFFF */
    assert_int_equal(len_of("\xf0\x90\x80\x80"), 1); /* U+10000 */
    assert_int_equal(len_of("\xf4\x8f\xbf\xbf"), 1); /* U+10FFFF */
}

static void refuses_overlong_forms(void **state)
{
    (void)state;
    assert_int_equal(len_of("\xc0\xaf"), -1); /* '/' in 2 bytes */
    assert_int_equal(len_of("\xc1\xbf"), -1);
    assert_int_equal(len_of("\xe0\x80\xaf"), -1);     /* '/' in 3 bytes */
    assert_int_equal(len_of("\xe0\x9f\xbf"), -1);     /* U+07FF in 3 bytes */
    assert_int_equal(len_of("\xf0\x80\x80\xaf"), -1); /* '/' in 4 bytes */
    assert_int_equal(len_of("\xf0\x8f\xbf\xbf"), -1); /* U+FFFF in 4 bytes */
}

static void refuses_surrogates(void **state)
{
    (void)state;
    assert_int_equal(len_of("\xed\xa0\x80"), -1);             /* U+D800 */
    assert_int_equal(len_of("\xed\xbf\xbf"), -1);             /* U+DFFF */
    assert_int_equal(len_of("\xed\xa0\xbd\xed\xb8\x80"), -1); /* CESU-8 pair */
}

static void refuses_code_points_past_u10ffff(void **state)
{
    (void)state;
    assert_int_equal(len_of("\xf4\x90\x80\x80"), -1); /* U+110000 */
    assert_int_equal(len_of("\xf7\xbf\xbf\xbf"), -1);
    assert_int_equal(len_of("\xf8\x88\x80\x80\x80"), -1); /* 5-byte form */
    assert_int_equal(len_of("\xfc\x84\x80\x80\x80\x80"), -1);
    assert_int_equal(len_of("\xfe"), -1);
    assert_int_equal(len_of("\xff"), -1);
}

static void refuses_stray_continuation_bytes(void **state)
{
    (void)state;
    assert_int_equal(len_of("\x80"), -1);
    assert_int_equal(len_of("a\xbf"), -1);
    assert_int_equal(len_of("\xc3\xa9\xa9"), -1); /* one continuation too many */
    assert_int_equal(len_of("\xc3\x41"), -1);     /* lead then ASCII */
    assert_int_equal(len_of("\xe2\x82\x41"), -1);
    assert_int_equal(len_of("\xe2\xc3\xa9"), -1); /* lead then lead */
}

static void refuses_sequences_cut_at_the_end_of_the_buffer(void **state)
{
    (void)state;
    assert_int_equal(len_of("\xc3"), -1);
    assert_int_equal(len_of("ab\xe2\x82"), -1);
    assert_int_equal(len_of("\xf0\x9f\x98"), -1);
    /* LEN, not the terminator, bounds the buffer */
    assert_int_equal(utf8_length("\xc3\xa9", 1), -1);
    assert_int_equal(utf8_length("\xf0\x9f\x98\x80", 3), -1);
    assert_int_equal(utf8_length("\xf0\x9f\x98\x80", 4), 1);
    assert_int_equal(utf8_length("abc", 2), 2);
}

static void refuses_nul(void **state)
{
    (void)state;
    assert_int_equal(utf8_length("a\0b", 3), -1);
    assert_int_equal(utf8_length("\0", 1), -1);
    assert_int_equal(utf8_length("\xc0\x80", 2), -1); /* modified UTF-8 NUL */
}

/* A string of N copies of UNIT. Caller frees. */
static char *repeat(const char *unit, size_t n)
{
    size_t ul = strlen(unit);
    char *s = malloc(ul * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * ul, unit, ul);
    s[ul * n] = '\0';
    return s;
}

static void limits_count_characters_not_bytes(void **state)
{
    (void)state;
    struct err e = {0};
    char *ok = repeat("\xc3\xa9", 200); /* 400 bytes, 200 characters */
    char *over = repeat("\xc3\xa9", 201);
    char *emoji = repeat("\xf0\x9f\x98\x80", 200);
    assert_int_equal(text_check("title", ok, LIMIT_TITLE, true, false, &e), 0);
    assert_int_equal(text_check("title", emoji, LIMIT_TITLE, true, false, &e), 0);
    assert_int_equal(text_check("title", over, LIMIT_TITLE, true, false, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.msg, "title is 201 characters long; at most 200 are accepted");
    free(ok);
    free(over);
    free(emoji);
}

static void limit_is_inclusive_for_ascii(void **state)
{
    (void)state;
    struct err e = {0};
    char *name = repeat("n", LIMIT_NAME);
    char *longer = repeat("n", LIMIT_NAME + 1);
    assert_int_equal(text_check("name", name, LIMIT_NAME, true, false, &e), 0);
    assert_int_equal(text_check("name", longer, LIMIT_NAME, true, false, &e), -1);
    assert_non_null(strstr(e.msg, "name is 101 characters"));
    free(name);
    free(longer);
}

static void the_spec_limits_have_their_values(void **state)
{
    (void)state;
    assert_int_equal(LIMIT_TITLE, 200);
    assert_int_equal(LIMIT_MESSAGE, 20000);
    assert_int_equal(LIMIT_NAME, 100);
}

static void required_refuses_empty_and_optional_accepts_it(void **state)
{
    (void)state;
    struct err e = {0};
    assert_int_equal(text_check("title", "", 200, true, false, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.msg, "title is required and may not be empty");
    assert_int_equal(text_check("description", "", 200, false, false, &e), 0);
}

static void invalid_utf8_is_refused_naming_the_field(void **state)
{
    (void)state;
    struct err e = {0};
    assert_int_equal(text_check("message", "caf\xc3", 20000, true, true, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.msg, "message is not valid UTF-8 text");
    assert_int_equal(text_check("title", "\xed\xa0\x80", 200, false, false, &e), -1);
    assert_string_equal(e.msg, "title is not valid UTF-8 text");
}

static void single_line_fields_refuse_line_breaks_and_tabs(void **state)
{
    (void)state;
    static const char *bad[] = {"a\nb", "a\rb", "a\tb", "a\x01", "\x1b[31m", "a\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = {0};
        if (text_check("title", bad[i], 200, true, false, &e) == 0)
            fail_msg("case %zu was accepted", i);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(
            e.msg, "title contains a control character (line breaks are not accepted here)");
    }
}

static void multiline_fields_accept_tab_cr_lf_only(void **state)
{
    (void)state;
    struct err e = {0};
    assert_int_equal(text_check("message", "line 1\r\nline 2\n\tindented", 20000, true, true, &e),
                     0);
    assert_int_equal(text_check("message", "bell\a", 20000, true, true, &e), -1);
    assert_string_equal(e.msg, "message contains a control character");
    assert_int_equal(text_check("message", "del\x7f", 20000, true, true, &e), -1);
    assert_int_equal(text_check("message", "esc\x1b", 20000, true, true, &e), -1);
}

static void c1_control_characters_are_refused(void **state)
{
    (void)state;
    struct err e = {0};
    /* U+0085 NEXT LINE and U+009B CSI are control characters too */
    assert_int_equal(text_check("title",
                                "a\xc2\x85"
                                "b",
                                200, true, false, &e),
                     -1);
    assert_non_null(strstr(e.msg, "control character"));
    assert_int_equal(text_check("message",
                                "\xc2\x9b"
                                "31m",
                                20000, true, true, &e),
                     -1);
    assert_int_equal(text_check("title", "\xc2\x80", 200, true, false, &e), -1);
    assert_int_equal(text_check("title", "\xc2\x9f", 200, true, false, &e), -1);
    /* the neighbours are ordinary characters */
    assert_int_equal(text_check("title", "\xc2\xa0\xc2\xa9", 200, true, false, &e), 0);
}

static void clip_ends_at_a_character_boundary_before_invalid_bytes(void **state)
{
    (void)state;
    char buf[8];
    assert_string_equal(utf8_clip("abc", buf, sizeof buf), "abc");
    assert_string_equal(utf8_clip("abcdefghij", buf, sizeof buf), "abcdefg");
    /* "abcdef" + é needs 8 bytes and a terminator: the é is left out, not split */
    assert_string_equal(utf8_clip("abcdef\xc3\xa9", buf, sizeof buf), "abcdef");
    assert_string_equal(utf8_clip("ab\xff"
                                  "cd",
                                  buf, sizeof buf),
                        "ab");
    assert_string_equal(utf8_clip("\xed\xa0\x80", buf, sizeof buf), "");
    assert_string_equal(utf8_clip("anything", buf, 1), "");
}

static void error_is_left_untouched_on_success(void **state)
{
    (void)state;
    struct err e = {.code = ERR_CONFLICT, .msg = "before"};
    assert_int_equal(text_check("title", "Database \xe2\x80\x94 slow", 200, true, false, &e), 0);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_string_equal(e.msg, "before");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_code_points_of_every_width),
        cmocka_unit_test(accepts_the_boundaries_of_each_width),
        cmocka_unit_test(refuses_overlong_forms),
        cmocka_unit_test(refuses_surrogates),
        cmocka_unit_test(refuses_code_points_past_u10ffff),
        cmocka_unit_test(refuses_stray_continuation_bytes),
        cmocka_unit_test(refuses_sequences_cut_at_the_end_of_the_buffer),
        cmocka_unit_test(refuses_nul),
        cmocka_unit_test(limits_count_characters_not_bytes),
        cmocka_unit_test(limit_is_inclusive_for_ascii),
        cmocka_unit_test(the_spec_limits_have_their_values),
        cmocka_unit_test(required_refuses_empty_and_optional_accepts_it),
        cmocka_unit_test(invalid_utf8_is_refused_naming_the_field),
        cmocka_unit_test(single_line_fields_refuse_line_breaks_and_tabs),
        cmocka_unit_test(multiline_fields_accept_tab_cr_lf_only),
        cmocka_unit_test(c1_control_characters_are_refused),
        cmocka_unit_test(clip_ends_at_a_character_boundary_before_invalid_bytes),
        cmocka_unit_test(error_is_left_untouched_on_success),
    };
    return cmocka_run_group_tests_name("core/utf8", tests, NULL, NULL);
}
