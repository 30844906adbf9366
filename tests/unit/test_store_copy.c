/*
 * Unit tests for store/copy against temporary databases of the test's backend: the copy
 * carries every column of every table of the migrated schema but the ones it leaves
 * behind on purpose (read from the database's own catalogue, so a migration's new column
 * fails here until the copy has it: `pharos db copy` once dropped a private page's
 * visibility and password, making it public); and a copy keeps a private page's access
 * settings, a translation, a subscriber's language and secret, and a coalesced delivery
 * that names a later one.
 */
#include "core/log.h"
#include "store/copy.h"
#include "store/pages.h"
#include "testutil.h"

/* Tables the copy leaves behind (store/copy.h says why). */
static const char *const left_behind[] = {"page_changes",      "oidc_logins",     "oidc_providers",
                                          "schema_migrations", "sqlite_sequence", NULL};

static bool is_left_behind(const char *t)
{
    for (int i = 0; left_behind[i]; i++)
        if (strcmp(left_behind[i], t) == 0) return true;
    return false;
}

static void every_column_of_the_schema_is_copied(void **state)
{
    (void)state;
    char dir[64];
    struct err e = {0};
    struct db *db = test_db_open(dir);
    assert_non_null(db);
    bool pg = strcmp(db_kind(db), "postgresql") == 0;
    json_t *tables =
        pg ? db_query_all(db, &e,
                          "SELECT table_name AS name FROM information_schema.tables WHERE "
                          "table_schema = current_schema() AND table_type = 'BASE TABLE'",
                          NULL)
           : db_query_all(db, &e,
                          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                          "LIKE 'sqlite_%'",
                          NULL);
    assert_non_null(tables);
    assert_true(json_array_size(tables) > 30);
    size_t i, k, columns = 0;
    json_t *t, *c;
    json_array_foreach(tables, i, t)
    {
        const char *name = json_string_value(json_object_get(t, "name"));
        if (is_left_behind(name)) continue;
        json_t *cols =
            pg ? db_query_all(db, &e,
                              "SELECT column_name AS name FROM "
                              "information_schema.columns WHERE table_schema = "
                              "current_schema() AND table_name = ?",
                              "s", name)
               : db_query_all(db, &e, "SELECT name FROM pragma_table_info(?)", "s", name);
        assert_non_null(cols);
        assert_true(json_array_size(cols) > 0);
        json_array_foreach(cols, k, c)
        {
            const char *col = json_string_value(json_object_get(c, "name"));
            if (!store_copy_copies(name, col))
                fail_msg("store/copy.c does not copy %s.%s: add it to the table's list", name, col);
            columns++;
        }
        json_decref(cols);
    }
    assert_true(columns > 200);
    json_decref(tables);
    assert_false(store_copy_copies("pages", "no_such_column"));
    assert_false(store_copy_copies("no_such_table", "id"));
    assert_true(store_copy_copies("deliveries", "coalesced_into"));
    test_db_close(db, dir);
}

static void a_copy_keeps_access_languages_secrets_and_links(void **state)
{
    (void)state;
    char a[64], b[64];
    struct err e = {0};
    struct db *from = test_db_open(a), *to = test_db_open(b);
    assert_non_null(from);
    assert_non_null(to);
    int64_t page = store_page_insert(from, "p", "Private", &e);
    assert_true(page > 0);
    assert_int_equal(db_exec(from, &e, NULL,
                             "UPDATE pages SET visibility = 'password', access_password = "
                             "'$argon2id$x', read_key = 'rk_1', custom_css = 'a{}', "
                             "default_language = 'de', languages = '[\"de\",\"en\"]' WHERE id = ?",
                             "i", page),
                     0);
    assert_int_equal(db_exec(from, &e, NULL,
                             "INSERT INTO subscribers (page_id, channel, address, state, "
                             "all_services, created_at, updated_at, language, failures, secret) "
                             "VALUES (?, 'webhook', 'https://h.example/x', 'active', 1, 1, 1, "
                             "'ja', 3, 'sealed')",
                             "i", page),
                     0);
    /* delivery 1 went out with delivery 2, which comes after it */
    for (int d = 0; d < 2; d++)
        if (db_exec(from, &e, NULL,
                    "INSERT INTO deliveries (page_id, kind, channel, recipient, next_attempt_at, "
                    "subscriber_id, state, accepted_at, created_at) VALUES (?, "
                    "'confirmation', 'webhook', ?, 1, 1, 'sent', 1, 1)",
                    "is", page, d ? "https://h.example/y" : "https://h.example/x") != 0)
            fail_msg("%s", e.msg);
    assert_int_equal(db_exec(from, &e, NULL,
                             "UPDATE deliveries SET state = 'coalesced', coalesced_into = 2 "
                             "WHERE id = 1",
                             NULL),
                     0);
    assert_int_equal(store_copy(from, to, NULL, NULL, &e), 0);
    json_t *p = db_query_one(to, &e,
                             "SELECT visibility, access_password, read_key, custom_css, "
                             "default_language, languages FROM pages WHERE id = ?",
                             "i", page);
    assert_non_null(p);
    assert_string_equal(json_string_value(json_object_get(p, "visibility")), "password");
    assert_string_equal(json_string_value(json_object_get(p, "access_password")), "$argon2id$x");
    assert_string_equal(json_string_value(json_object_get(p, "read_key")), "rk_1");
    assert_string_equal(json_string_value(json_object_get(p, "custom_css")), "a{}");
    assert_string_equal(json_string_value(json_object_get(p, "default_language")), "de");
    json_decref(p);
    json_t *s = db_query_one(to, &e, "SELECT language, failures, secret FROM subscribers", NULL);
    assert_non_null(s);
    assert_string_equal(json_string_value(json_object_get(s, "language")), "ja");
    assert_int_equal(json_integer_value(json_object_get(s, "failures")), 3);
    assert_string_equal(json_string_value(json_object_get(s, "secret")), "sealed");
    json_decref(s);
    int64_t into = 0;
    assert_int_equal(
        db_query_int(to, &e, &into, "SELECT coalesced_into FROM deliveries WHERE id = 1", NULL), 1);
    assert_int_equal(into, 2);
    test_db_close(from, a);
    test_db_close(to, b);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_column_of_the_schema_is_copied),
        cmocka_unit_test(a_copy_keeps_access_languages_secrets_and_links),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
