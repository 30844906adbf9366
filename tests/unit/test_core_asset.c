/*
 * Unit tests for core/asset: every static file under its plain and its
 * content-hashed name, the hash taken from the bytes (the ETag's first digits),
 * old hashes told apart from the current one, and names that are no asset.
 */
#include "core/asset.h"
#include "testutil.h"
#include <zlib.h>

static void every_static_file_has_a_hashed_path(void **state)
{
    (void)state;
    size_t n = 0;
    for (const struct asset *a; (a = asset_at(n)) != NULL; n++) {
        char want[256];
        const char *dot = strrchr(a->name, '.');
        assert_non_null(dot);
        snprintf(want, sizeof want, "static/%.*s.%.8s%s", (int)(dot - a->name), a->name,
                 a->etag + 1, dot);
        assert_string_equal(a->path, want);
        assert_string_equal(asset_path(a->name), a->path);
        assert_ptr_equal(asset_get(a->name), a);
        assert_true(a->len > 0);
    }
    assert_true(n >= 6);
    assert_string_equal(asset_get("public.css")->ctype, "text/css; charset=utf-8");
    assert_string_equal(asset_get("admin.js")->ctype, "text/javascript; charset=utf-8");
    assert_string_equal(asset_get("favicon.svg")->ctype, "image/svg+xml");
    assert_null(asset_get("nope.css"));
    assert_null(asset_path("nope.css"));
}

static void gzip_copies_decompress_to_the_bytes(void **state)
{
    (void)state;
    const struct asset *a;
    for (size_t i = 0; (a = asset_at(i)) != NULL; i++) {
        if (!a->gz) continue;
        assert_true(a->gzlen < a->len);
        assert_string_not_equal(a->etag_gz, a->etag);
        char *out = malloc(a->len + 1);
        z_stream z = {0};
        assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
        z.next_in = (Bytef *)a->gz;
        z.avail_in = (uInt)a->gzlen;
        z.next_out = (Bytef *)out;
        z.avail_out = (uInt)a->len + 1;
        assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
        assert_int_equal(z.total_out, a->len);
        assert_memory_equal(out, a->data, a->len);
        inflateEnd(&z);
        free(out);
    }
    assert_non_null(asset_get("public.css")->gz);
    assert_non_null(asset_get("admin.css")->gz);
}

static void lookup_by_plain_current_and_old_names(void **state)
{
    (void)state;
    enum asset_name how;
    const struct asset *css = asset_get("public.css");
    assert_ptr_equal(asset_lookup("public.css", &how), css);
    assert_int_equal(how, ASSET_PLAIN);
    assert_ptr_equal(asset_lookup(css->path + 7, &how), css);
    assert_int_equal(how, ASSET_CURRENT);
    const char *other = strcmp(css->path + 7, "public.00000000.css") ? "public.00000000.css"
                                                                     : "public.11111111.css";
    assert_ptr_equal(asset_lookup(other, &how), css);
    assert_int_equal(how, ASSET_OTHER);
    static const char *const bad[] = {"public.0000000.css",  "public.000000000.css",
                                      "public.0000000g.css", "public.ABCDEF01.css",
                                      "publik.00000000.css", ".00000000.css",
                                      "public.00000000",     "00000000.css",
                                      "public..css",         "",
                                      "public.css.00000000", "../public.css",
                                      "static/public.css"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(asset_lookup(bad[i], &how));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_static_file_has_a_hashed_path),
        cmocka_unit_test(gzip_copies_decompress_to_the_bytes),
        cmocka_unit_test(lookup_by_plain_current_and_old_names),
    };
    return cmocka_run_group_tests_name("core/asset", tests, NULL, NULL);
}
