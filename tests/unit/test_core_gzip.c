/*
 * Unit tests for core/gzip: a round trip through zlib's inflate, the same bytes
 * for the same input, and nothing returned for input that does not shrink.
 */
#include "core/gzip.h"
#include "testutil.h"
#include <zlib.h>

static void round_trip_and_deterministic(void **state)
{
    (void)state;
    char text[8192];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "<li class=\"d-o\"></li>\n"[i % 22];
    char *a, *b;
    size_t alen, blen;
    assert_int_equal(gzip_compress(text, sizeof text, 4, &a, &alen), 0);
    assert_int_equal(gzip_compress(text, sizeof text, 4, &b, &blen), 0);
    assert_true(alen < sizeof text / 10);
    assert_int_equal(alen, blen);
    assert_memory_equal(a, b, alen);
    assert_int_equal((unsigned char)a[0], 0x1f); /* gzip magic */
    assert_int_equal((unsigned char)a[1], 0x8b);
    char out[sizeof text];
    z_stream z = {0};
    assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
    z.next_in = (Bytef *)a;
    z.avail_in = (uInt)alen;
    z.next_out = (Bytef *)out;
    z.avail_out = sizeof out;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, sizeof text);
    assert_memory_equal(out, text, sizeof text);
    inflateEnd(&z);
    free(a);
    free(b);
}

static void input_that_does_not_shrink_is_refused(void **state)
{
    (void)state;
    unsigned char noise[512];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof noise; i++) { /* xorshift: incompressible enough */
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        noise[i] = (unsigned char)x;
    }
    char *out = (char *)1;
    size_t len = 7;
    assert_int_equal(gzip_compress(noise, sizeof noise, 9, &out, &len), -1);
    assert_ptr_equal(out, (char *)1);
    assert_int_equal(len, 7);
    assert_int_equal(gzip_compress("a", 1, 6, &out, &len), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_and_deterministic),
        cmocka_unit_test(input_that_does_not_shrink_is_refused),
    };
    return cmocka_run_group_tests_name("core/gzip", tests, NULL, NULL);
}
