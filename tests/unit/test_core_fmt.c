/*
 * Unit tests for core/fmt: decimal with padding, hexadecimal, the extremes.
 */
#include "core/fmt.h"
#include "testutil.h"

/* NUL-terminates BUF where CALL (a fmt_* writing into BUF) ended; yields BUF. */
#define FMT(buf, call) (*(call) = '\0', (buf))

static void decimal(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(FMT(b, fmt_dec(b, 0, 1)), "0");
    assert_string_equal(FMT(b, fmt_dec(b, 1234567, 1)), "1234567");
    assert_string_equal(FMT(b, fmt_dec(b, 7, 3)), "007");
    assert_string_equal(FMT(b, fmt_dec(b, 0, 3)), "000");
    assert_string_equal(FMT(b, fmt_dec(b, 1234, 3)), "1234");
    assert_string_equal(FMT(b, fmt_dec(b, UINT64_MAX, 1)), "18446744073709551615");
}

static void hexadecimal(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(FMT(b, fmt_hex(b, 0)), "0");
    assert_string_equal(FMT(b, fmt_hex(b, 0xbeef)), "beef");
    assert_string_equal(FMT(b, fmt_hex(b, UINT64_MAX)), "ffffffffffffffff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decimal),
        cmocka_unit_test(hexadecimal),
    };
    return cmocka_run_group_tests_name("core/fmt", tests, NULL, NULL);
}
