/*
 * Unit tests for public/snapshot_entry: the two ETags of an entry change exactly when
 * its body does (they are hashed from the gzip copy, or from the body when it has
 * none), and a large body's file for sendfile(2) is made on the first ask, once,
 * holding the body's bytes; small bodies have none.
 */
#include "public/snapshot_impl.h"
#include "testutil.h"
#include <unistd.h>

/* An entry of LEN bytes of text (a copy of a repeated line, changed at CHANGE if ≥ 0). */
static void fill(struct snap_entry *e, size_t len, long change)
{
    char *body = malloc(len + 1);
    for (size_t i = 0; i < len; i++)
        body[i] = "<li class=\"d-o\" title=\"Sep 8: No incidents\"></li>\n"[i % 49];
    if (change >= 0) body[change] = '#';
    body[len] = '\0';
    snap_entry_fill(e, "/", "text/html; charset=utf-8", body, len);
}

static void etags_change_with_the_body(void **state)
{
    (void)state;
    struct snap_entry a, same, other, tiny, tiny2;
    fill(&a, 100000, -1);
    fill(&same, 100000, -1);
    fill(&other, 100000, 99990); /* one byte near the end */
    fill(&tiny, 100, -1);        /* below the gzip threshold */
    fill(&tiny2, 100, 50);
    assert_non_null(a.gz);
    assert_string_equal(a.etag, same.etag);
    assert_string_equal(a.etag_gz, same.etag_gz);
    assert_string_not_equal(a.etag, other.etag);
    assert_string_not_equal(a.etag_gz, other.etag_gz);
    assert_string_not_equal(a.etag, a.etag_gz);
    assert_int_equal(a.etag[0], '"');
    assert_null(tiny.gz);
    assert_string_equal(tiny.etag_gz, "");
    assert_string_not_equal(tiny.etag, tiny2.etag);
    struct snap_entry *all[] = {&a, &same, &other, &tiny, &tiny2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        snap_entry_free(all[i]);
}

static void a_large_body_gets_its_file_on_the_first_ask(void **state)
{
    (void)state;
    struct snap_entry big, small;
    fill(&big, SNAP_SENDFILE_MIN + 1000, -1);
    fill(&small, SNAP_SENDFILE_MIN - 1, -1);
    assert_int_equal(atomic_load(&big.fd), SNAP_FD_LATER); /* nothing written yet */
    int fd = snap_entry_fd(&big, false);
    assert_true(fd >= 0);
    assert_int_equal(snap_entry_fd(&big, false), fd); /* made once */
    char *back = malloc(big.len);
    assert_int_equal(pread(fd, back, big.len, 0), (ssize_t)big.len);
    assert_memory_equal(back, big.body, big.len);
    free(back);
    assert_int_equal(snap_entry_fd(&big, true), -1); /* its gzip copy is small */
    assert_int_equal(snap_entry_fd(&small, false), -1);
    snap_entry_free(&big);
    snap_entry_free(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(etags_change_with_the_body),
        cmocka_unit_test(a_large_body_gets_its_file_on_the_first_ask),
    };
    return cmocka_run_group_tests_name("public/snapshot_entry", tests, NULL, NULL);
}
