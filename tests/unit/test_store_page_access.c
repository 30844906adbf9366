/*
 * Unit tests for store/page_access against a temporary database (migration 0022): a new
 * page is public with no password, no blocks and no read key; the settings and the key
 * are written and read back; the visibility CHECK refuses an unknown name; a missing
 * page is a 404.
 */
#include "core/log.h"
#include "store/page_access.h"
#include "store/pages.h"
#include "testutil.h"

struct fixture {
    char dir[64];
    struct db *db;
    int64_t page;
};

static int setup(void **state)
{
    struct err e = {0};
    log_set_level(LOG_ERROR);
    struct fixture *f = calloc(1, sizeof *f);
    f->db = test_db_open(f->dir);
    *state = f;
    if (!f->db) return -1;
    f->page = store_page_insert(f->db, "p", "Page", &e);
    return f->page > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

static void a_new_page_is_public(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    json_t *a = store_page_access_get(f->db, f->page, &e);
    assert_non_null(a);
    assert_string_equal(json_string_value(json_object_get(a, "visibility")), "public");
    assert_true(json_is_null(json_object_get(a, "access_password")));
    assert_true(json_is_null(json_object_get(a, "read_key")));
    assert_int_equal(json_array_size(json_object_get(a, "ip_allow")), 0);
    json_decref(a);
    assert_null(store_page_access_get(f->db, f->page + 99, &e));
    assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void settings_and_key_round_trip(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(
        store_page_access_set(f->db, f->page, "ip", "$argon2id$fake", "[\"10.0.0.0/8\"]", &e), 0);
    assert_int_equal(store_page_read_key_set(f->db, f->page, "rk_abc", &e), 0);
    assert_int_equal(db_commit(f->db, &e), 0);
    json_t *a = store_page_access_get(f->db, f->page, &e);
    assert_string_equal(json_string_value(json_object_get(a, "visibility")), "ip");
    assert_string_equal(json_string_value(json_object_get(a, "access_password")), "$argon2id$fake");
    assert_string_equal(json_string_value(json_array_get(json_object_get(a, "ip_allow"), 0)),
                        "10.0.0.0/8");
    assert_string_equal(json_string_value(json_object_get(a, "read_key")), "rk_abc");
    json_decref(a);
    /* NULL clears the password */
    assert_int_equal(store_page_access_set(f->db, f->page, "public", NULL, "[]", &e), 0);
    a = store_page_access_get(f->db, f->page, &e);
    assert_true(json_is_null(json_object_get(a, "access_password")));
    json_decref(a);
}

static void an_unknown_visibility_is_refused_by_the_schema(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    assert_int_equal(store_page_access_set(f->db, f->page, "private", NULL, "[]", &e), -1);
    json_t *a = store_page_access_get(f->db, f->page, &(struct err){0});
    assert_string_equal(json_string_value(json_object_get(a, "visibility")), "public");
    json_decref(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_new_page_is_public, setup, teardown),
        cmocka_unit_test_setup_teardown(settings_and_key_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(an_unknown_visibility_is_refused_by_the_schema, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("store/page_access", tests, NULL, NULL);
}
