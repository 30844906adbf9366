/*
 * Unit tests for core/buf: growth, the maximum size and its sticky flag,
 * printf, truncation and handing the contents over.
 */
#include "core/buf.h"
#include "testutil.h"

static void appends_and_grows(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_string_equal(buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        assert_int_equal(buf_puts(&b, "0123456789"), 0);
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > b.len);
    assert_int_equal(strlen(buf_cstr(&b)), 10000);
    assert_int_equal(buf_putc(&b, '!'), 0);
    assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
    assert_string_equal(buf_cstr(&b) + 10000, "!42-x");
    buf_truncate(&b, 3);
    assert_string_equal(buf_cstr(&b), "012");
    buf_truncate(&b, 100); /* longer than the contents: nothing */
    assert_int_equal(b.len, 3);
    buf_free(&b);
    assert_null(b.data);
    buf_free(NULL);
}

static void refuses_to_pass_its_maximum(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_puts(&b, "12345"), 0);
    assert_false(buf_full(&b));
    assert_int_equal(buf_puts(&b, "6789"), -1); /* 9 > 8: nothing appended */
    assert_true(buf_full(&b));
    assert_string_equal(buf_cstr(&b), "12345");
    assert_int_equal(buf_puts(&b, "678"), 0); /* exactly 8 fits */
    assert_string_equal(buf_cstr(&b), "12345678");
    assert_true(buf_full(&b)); /* sticky */
    assert_true(b.cap <= 9);
    assert_int_equal(buf_putc(&b, 'x'), -1);
    char big[300];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    buf_reset(&b);
    assert_false(buf_full(&b));
    assert_int_equal(buf_printf(&b, "%s", big), -1);
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void printf_past_the_small_buffer(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 4096);
    char big[1000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(buf_printf(&b, "<%s>", big), 0);
    assert_int_equal(b.len, 1001);
    assert_int_equal(buf_cstr(&b)[1000], '>');
    buf_free(&b);
}

static void steal_hands_over_a_string(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 100);
    char *s = buf_steal(&b); /* empty: still a string */
    assert_string_equal(s, "");
    free(s);
    buf_puts(&b, "abc");
    assert_int_equal(buf_reserve(&b, 50), 0);
    s = buf_steal(&b);
    assert_string_equal(s, "abc");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 100);
    free(s);
    assert_int_equal(buf_reserve(&b, 101), -1);
    assert_true(buf_full(&b));
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(appends_and_grows),
        cmocka_unit_test(refuses_to_pass_its_maximum),
        cmocka_unit_test(printf_past_the_small_buffer),
        cmocka_unit_test(steal_hands_over_a_string),
    };
    return cmocka_run_group_tests_name("core/buf", tests, NULL, NULL);
}
