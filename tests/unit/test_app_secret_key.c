/*
 * Unit tests for app/secret_key (and store/settings) against a real database: the
 * first start makes the key file and records its check value; the same key opens
 * again; another key is refused, naming the file; no key file where the database
 * has a check value is refused without making one; an older database with sealed
 * secrets but no check value refuses a missing key too, and records the value of the
 * key that is there; the first recorded value wins (store_setting_add).
 */
#include "app/secret_key.h"
#include "core/log.h"
#include "store/settings.h"
#include "testutil.h"
#include <fcntl.h>
#include <sys/stat.h>

struct fx {
    char dir[64], key[128];
    struct db *db;
    struct app app;
    struct app_ctx c;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    log_set_level(LOG_WARN);
    f->db = test_db_open(f->dir);
    snprintf(f->key, sizeof f->key, "%s/secret.key", f->dir);
    f->c = (struct app_ctx){.app = &f->app, .db = f->db, .actor = {.kind = ACTOR_SYSTEM}};
    *state = f;
    return f->db ? 0 : -1;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

static void write_key(const char *path, unsigned char byte)
{
    unsigned char k[SECRET_KEY_BYTES];
    memset(k, byte, sizeof k);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, k, sizeof k), (ssize_t)sizeof k);
    close(fd);
}

static void the_first_start_makes_the_key_and_records_it(void **state)
{
    struct fx *f = *state;
    unsigned char key[SECRET_KEY_BYTES], again[SECRET_KEY_BYTES];
    struct err e = {0};
    char check[64] = "";
    assert_int_equal(store_setting_get(f->db, "key_check", check, sizeof check, &e), 0);
    assert_int_equal(app_secret_key_open(&f->c, f->key, key, &e), 0);
    assert_int_equal(access(f->key, F_OK), 0);
    assert_int_equal(store_setting_get(f->db, "key_check", check, sizeof check, &e), 1);
    assert_int_equal(strlen(check), 22);
    assert_int_equal(app_secret_key_open(&f->c, f->key, again, &e), 0);
    assert_memory_equal(key, again, sizeof key);
}

static void another_key_is_refused(void **state)
{
    struct fx *f = *state;
    unsigned char key[SECRET_KEY_BYTES];
    struct err e = {0};
    write_key(f->key, 1);
    assert_int_equal(app_secret_key_open(&f->c, f->key, key, &e), 0);
    write_key(f->key, 2);
    assert_int_equal(app_secret_key_open(&f->c, f->key, key, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, f->key));
    assert_non_null(strstr(e.msg, "the same key file"));
}

static void no_key_where_one_was_recorded_is_refused_and_none_is_made(void **state)
{
    struct fx *f = *state;
    unsigned char key[SECRET_KEY_BYTES];
    struct err e = {0};
    assert_int_equal(app_secret_key_open(&f->c, f->key, key, &e), 0);
    unlink(f->key);
    assert_int_equal(app_secret_key_open(&f->c, f->key, key, &e), -1);
    assert_non_null(
        strstr(e.msg, "does not exist, but this database was set up with a secret key"));
    assert_int_not_equal(access(f->key, F_OK), 0);
}

static void sealed_secrets_without_a_check_value_need_their_key(void **state)
{
    struct fx *f = *state;
    unsigned char key[SECRET_KEY_BYTES];
    struct err e = {0};
    /* a database from before check values: a page with a sealed webhook secret */
    assert_int_equal(db_exec(f->db, &e, NULL,
                             "INSERT INTO pages (slug, title, created_at, updated_at) VALUES "
                             "('p', 'P', 0, 0)",
                             NULL),
                     0);
    assert_int_equal(
        db_exec(f->db, &e, NULL,
                "INSERT INTO integrations (page_id, kind, enabled, secret, updated_at) "
                "SELECT id, 'webhook', 1, 'sealed', 0 FROM pages WHERE slug = 'p'",
                NULL),
        0);
    assert_int_equal(store_anything_sealed(f->db, &e), 1);
    assert_int_equal(app_secret_key_open(&f->c, f->key, key, &e), -1);
    assert_non_null(strstr(e.msg, "does not exist"));
    write_key(f->key, 7);
    assert_int_equal(app_secret_key_open(&f->c, f->key, key, &e), 0);
    char check[64];
    assert_int_equal(store_setting_get(f->db, "key_check", check, sizeof check, &e), 1);
}

static void the_first_recorded_value_wins(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char v[16];
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(store_setting_add(f->db, "x", "first", &e), 0);
    assert_int_equal(store_setting_add(f->db, "x", "second", &e), 0);
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_int_equal(store_setting_get(f->db, "x", v, sizeof v, &e), 1);
    assert_string_equal(v, "first");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(the_first_start_makes_the_key_and_records_it),
        T(another_key_is_refused),
        T(no_key_where_one_was_recorded_is_refused_and_none_is_made),
        T(sealed_secrets_without_a_check_value_need_their_key),
        T(the_first_recorded_value_wins),
    };
    return cmocka_run_group_tests_name("app/secret_key", tests, NULL, NULL);
}
