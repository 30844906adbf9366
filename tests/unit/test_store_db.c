/*
 * Unit tests for store/db against a temporary SQLite database: database URLs
 * (sqlite:PATH, a plain path, PostgreSQL and unknown schemes refused);
 * migrations applied once (the schema version and the migration rows stay put
 * on a re-run); WAL journal, synchronous=FULL and foreign keys on; the
 * db_row_json conventions (*_at and scheduled_* columns as RFC 3339, bool
 * columns as true/false, NULL as null, integers, reals, text); every bind letter
 * ('i', 'I' with 0 as NULL, 's' with NULL, 'b'); db_exec's change count,
 * db_insert's row id, db_query_one/all/int's found/none/error results; a UNIQUE
 * violation as ERR_CONFLICT; rollback leaving nothing and commit persisting; a
 * full database (SQLITE_FULL) as ERR_STORAGE_FULL with nothing of the failed
 * transaction left; and
 * the statement cache returning the same reset statement for the same literal.
 */
#include "core/embedded.h"
#include "core/log.h"
#include "store/db_sqlite.h" /* the backend's own handle and statements */
#include "testutil.h"

struct fixture {
    char dir[64];
    struct db *db;
};

static int setup(void **state)
{
    log_set_level(LOG_WARN); /* no "applied migration" lines for every test */
    struct fixture *f = calloc(1, sizeof *f);
    f->db = test_db_open(f->dir);
    if (!f->db) return -1;
    if (sqlite3_exec(db_handle(f->db),
                     "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, s TEXT, b INTEGER, "
                     "u TEXT UNIQUE)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    test_db_close(f->db, f->dir);
    free(f);
    return 0;
}

static struct db *db_of(void **state)
{
    return ((struct fixture *)*state)->db;
}

static int highest_embedded_migration(void)
{
    int v = 0;
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (strncmp(f->name, "migrations/", 11) == 0 && atoi(f->name + 11) > v)
            v = atoi(f->name + 11);
    return v;
}

static void migrations_are_applied(void **state)
{
    struct db *db = db_of(state);
    assert_true(highest_embedded_migration() >= 1);
    assert_int_equal(db_schema_version(db), highest_embedded_migration());
    struct err e = {0};
    int64_t n = -1;
    assert_int_equal(db_query_int(db, &e, &n,
                                  "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                                  "name IN ('pages', 'services', 'events', 'deliveries')",
                                  NULL),
                     1);
    assert_int_equal(n, 4);
}

static void migrations_are_applied_only_once(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t before = -1, after = -1;
    assert_int_equal(db_query_int(db, &e, &before, "SELECT COUNT(*) FROM schema_migrations", NULL),
                     1);
    assert_int_equal(db_migrate(db, &e), 0);
    assert_int_equal(db_migrate(db, &e), 0);
    assert_int_equal(db_query_int(db, &e, &after, "SELECT COUNT(*) FROM schema_migrations", NULL),
                     1);
    assert_int_equal(after, before);
    assert_int_equal(db_schema_version(db), highest_embedded_migration());
    assert_false(db_in_transaction(db));
}

static void migrations_survive_a_reopen(void **state)
{
    struct fixture *f = *state;
    char url[128];
    snprintf(url, sizeof url, "sqlite:%s/test.db", f->dir);
    struct db *again = NULL;
    struct err e = {0};
    assert_int_equal(db_open(url, &again, &e), 0);
    assert_int_equal(db_schema_version(again), highest_embedded_migration());
    assert_int_equal(db_migrate(again, &e), 0);
    assert_int_equal(db_schema_version(again), highest_embedded_migration());
    db_close(again);
}

static int64_t pragma(struct db *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void connection_uses_wal_synchronous_full_and_foreign_keys(void **state)
{
    struct db *db = db_of(state);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), "PRAGMA journal_mode", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    assert_int_equal(pragma(db, "PRAGMA synchronous"), 2);
    assert_int_equal(pragma(db, "PRAGMA foreign_keys"), 1);
}

static void open_accepts_sqlite_urls_and_plain_paths(void **state)
{
    struct fixture *f = *state;
    char url[160];
    struct err e = {0};
    struct db *db = NULL;
    snprintf(url, sizeof url, "sqlite://%s/a.db", f->dir);
    assert_int_equal(db_open(url, &db, &e), 0);
    db_close(db);
    db = NULL;
    snprintf(url, sizeof url, "%s/b.db", f->dir);
    assert_int_equal(db_open(url, &db, &e), 0);
    db_close(db);
    snprintf(url, sizeof url, "%s/b.db", f->dir);
    assert_int_equal(access(url, F_OK), 0);
}

static void open_refuses_postgresql_and_unknown_schemes(void **state)
{
    (void)state;
    struct db *db = NULL;
    struct err e = {0};
    assert_int_equal(db_open("postgresql://localhost/pharos", &db, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "PostgreSQL"));
    assert_int_equal(db_open("postgres://localhost/pharos", &db, &e), -1);
    assert_int_equal(db_open("mysql://localhost/pharos", &db, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "mysql://localhost/pharos"));
    assert_null(db);
}

static void open_reports_an_unopenable_path(void **state)
{
    (void)state;
    struct db *db = NULL;
    struct err e = {0};
    assert_int_equal(db_open("sqlite:/nonexistent-dir/x/pharos.db", &db, &e), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    assert_non_null(strstr(e.msg, "/nonexistent-dir/x/pharos.db"));
    assert_null(db);
    db_close(NULL); /* a no-op */
}

static void row_json_follows_the_conventions(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    json_t *row = db_query_one(db, &e,
                               "SELECT 7 AS id, 1795712400 AS created_at, NULL AS resolved_at, "
                               "0 AS updated_at, 1795716000 AS scheduled_start, "
                               "1795719600 AS scheduled_end, 1 AS hidden, 0 AS notify, "
                               "5 AS auto_start, 'text' AS name, '' AS description, "
                               "2.5 AS ratio, NULL AS group_id, -3 AS position, "
                               "'2026' AS sent_at",
                               NULL);
    assert_non_null(row);
    char *text = json_dumps(row, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(text, "{\"auto_start\":true,\"created_at\":\"2026-11-26T17:00:00Z\","
                              "\"description\":\"\",\"group_id\":null,\"hidden\":true,"
                              "\"id\":7,\"name\":\"text\",\"notify\":false,\"position\":-3,"
                              "\"ratio\":2.5,\"resolved_at\":null,"
                              "\"scheduled_end\":\"2026-11-26T19:00:00Z\","
                              "\"scheduled_start\":\"2026-11-26T18:00:00Z\","
                              "\"sent_at\":\"2026\",\"updated_at\":\"1970-01-01T00:00:00Z\"}");
    free(text);
    json_decref(row);
}

static void row_json_keeps_ordinary_integers_that_look_like_times(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    /* only the *_at suffix makes a time: "at" alone, "format" and "_at_x" do not */
    json_t *row = db_query_one(db, &e,
                               "SELECT 1795712400 AS at, 1795712400 AS format, "
                               "1795712400 AS created_at_x, 1 AS hiddenx",
                               NULL);
    assert_non_null(row);
    assert_true(json_is_integer(json_object_get(row, "at")));
    assert_true(json_is_integer(json_object_get(row, "format")));
    assert_true(json_is_integer(json_object_get(row, "created_at_x")));
    assert_true(json_is_integer(json_object_get(row, "hiddenx")));
    json_decref(row);
}

static void every_bind_letter_binds_its_type(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t id = db_insert(db, &e, "INSERT INTO t (i, s, b, u) VALUES (?, ?, ?, ?)", "Isbs",
                           (int64_t)0, (const char *)NULL, 7, "one");
    assert_true(id > 0);
    json_t *row = db_query_one(db, &e,
                               "SELECT i IS NULL AS i_null, s IS NULL AS s_null, b, u FROM t "
                               "WHERE id = ?",
                               "i", id);
    assert_non_null(row);
    assert_int_equal(json_integer_value(json_object_get(row, "i_null")), 1);
    assert_int_equal(json_integer_value(json_object_get(row, "s_null")), 1);
    assert_int_equal(json_integer_value(json_object_get(row, "b")), 1); /* 'b' stores 0/1 */
    assert_string_equal(json_string_value(json_object_get(row, "u")), "one");
    json_decref(row);

    int64_t id2 = db_insert(db, &e, "INSERT INTO t (i, s, b, u) VALUES (?, ?, ?, ?)", "isbs",
                            INT64_C(-9007199254740993), "ü", 0, "two");
    row = db_query_one(db, &e, "SELECT i, s, b FROM t WHERE id = ?", "i", id2);
    assert_int_equal(json_integer_value(json_object_get(row, "i")), INT64_C(-9007199254740993));
    assert_string_equal(json_string_value(json_object_get(row, "s")), "ü");
    assert_int_equal(json_integer_value(json_object_get(row, "b")), 0);
    json_decref(row);

    int64_t id3 =
        db_insert(db, &e, "INSERT INTO t (i, u) VALUES (?, ?)", "Is", (int64_t)42, "three");
    int64_t v = 0;
    assert_int_equal(db_query_int(db, &e, &v, "SELECT i FROM t WHERE id = ?", "i", id3), 1);
    assert_int_equal(v, 42); /* 'I' binds non-zero values as integers */
}

static void insert_returns_increasing_row_ids(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t a = db_insert(db, &e, "INSERT INTO t (u) VALUES (?)", "s", "a");
    int64_t b = db_insert(db, &e, "INSERT INTO t (u) VALUES (?)", "s", "b");
    assert_true(a > 0);
    assert_int_equal(b, a + 1);
}

static void exec_reports_the_rows_changed(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    db_exec(db, &e, NULL, "INSERT INTO t (i) VALUES (?)", "i", (int64_t)100);
    db_exec(db, &e, NULL, "INSERT INTO t (i) VALUES (?)", "i", (int64_t)100);
    int changes = -1;
    assert_int_equal(
        db_exec(db, &e, &changes, "UPDATE t SET s = ? WHERE i = ?", "si", "x", (int64_t)100), 0);
    assert_int_equal(changes, 2);
    assert_int_equal(
        db_exec(db, &e, &changes, "UPDATE t SET s = ? WHERE i = ?", "si", "x", (int64_t)-100), 0);
    assert_int_equal(changes, 0);
}

static void unique_violation_is_a_conflict(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    assert_true(db_insert(db, &e, "INSERT INTO t (u) VALUES (?)", "s", "dup") > 0);
    assert_int_equal(db_insert(db, &e, "INSERT INTO t (u) VALUES (?)", "s", "dup"), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    e = (struct err){0};
    assert_int_equal(db_exec(db, &e, NULL, "INSERT INTO t (u) VALUES (?)", "s", "dup"), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    int64_t n = 0;
    db_query_int(db, &e, &n, "SELECT COUNT(*) FROM t WHERE u = ?", "s", "dup");
    assert_int_equal(n, 1);
}

static void foreign_key_violation_is_a_conflict(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    assert_int_equal(db_exec(db, &e, NULL,
                             "INSERT INTO services (page_id, name, created_at, updated_at) "
                             "VALUES (?, ?, 0, 0)",
                             "is", INT64_C(999999), "orphan"),
                     -1);
    assert_int_equal(e.code, ERR_CONFLICT);
}

static void query_one_without_a_row_is_null_with_ok(void **state)
{
    struct db *db = db_of(state);
    struct err e = {.code = ERR_INTERNAL};
    assert_null(db_query_one(db, &e, "SELECT id FROM t WHERE id = ?", "i", INT64_C(-1)));
    assert_int_equal(e.code, ERR_OK);
}

static void query_all_returns_every_row_in_order(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    db_exec(db, &e, NULL, "INSERT INTO t (i, u) VALUES (?, ?)", "is", (int64_t)2, "r2");
    db_exec(db, &e, NULL, "INSERT INTO t (i, u) VALUES (?, ?)", "is", (int64_t)1, "r1");
    db_exec(db, &e, NULL, "INSERT INTO t (i, u) VALUES (?, ?)", "is", (int64_t)3, "r3");
    json_t *rows = db_query_all(db, &e, "SELECT u FROM t WHERE u LIKE 'r%' ORDER BY i", NULL);
    assert_non_null(rows);
    assert_int_equal(json_array_size(rows), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "u")), "r1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 2), "u")), "r3");
    json_decref(rows);
    rows = db_query_all(db, &e, "SELECT u FROM t WHERE u = 'none'", NULL);
    assert_non_null(rows);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
}

static void query_int_tells_found_none_and_error(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t v = 77;
    assert_int_equal(db_query_int(db, &e, &v, "SELECT 5", NULL), 1);
    assert_int_equal(v, 5);
    v = 77;
    assert_int_equal(db_query_int(db, &e, &v, "SELECT 5 WHERE 0", NULL), 0);
    assert_int_equal(v, 77);
    assert_int_equal(db_query_int(db, &e, &v, "SELECT nope FROM nowhere", NULL), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
}

static int64_t count_t(struct db *db)
{
    struct err e = {0};
    int64_t n = -1;
    db_query_int(db, &e, &n, "SELECT COUNT(*) FROM t", NULL);
    return n;
}

static void rollback_leaves_nothing(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t before = count_t(db);
    assert_int_equal(db_begin(db, &e), 0);
    assert_true(db_in_transaction(db));
    db_insert(db, &e, "INSERT INTO t (u) VALUES (?)", "s", "rolled back");
    db_exec(db, &e, NULL, "INSERT INTO t (u) VALUES (?)", "s", "also rolled back");
    assert_int_equal(count_t(db), before + 2);
    db_rollback(db);
    assert_false(db_in_transaction(db));
    assert_int_equal(count_t(db), before);
    db_rollback(db); /* a second rollback is a no-op */
    /* the write lock was released: another transaction can start */
    assert_int_equal(db_begin(db, &e), 0);
    db_rollback(db);
}

static void commit_persists(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    assert_int_equal(db_begin(f->db, &e), 0);
    db_insert(f->db, &e, "INSERT INTO t (u) VALUES (?)", "s", "kept");
    assert_int_equal(db_commit(f->db, &e), 0);
    assert_false(db_in_transaction(f->db));
    /* a second connection sees the row */
    char url[128];
    snprintf(url, sizeof url, "sqlite:%s/test.db", f->dir);
    struct db *other = NULL;
    assert_int_equal(db_open(url, &other, &e), 0);
    int64_t n = 0;
    assert_int_equal(db_query_int(other, &e, &n, "SELECT COUNT(*) FROM t WHERE u = ?", "s", "kept"),
                     1);
    assert_int_equal(n, 1);
    db_close(other);
}

/* Caps the writer's database at MAX pages (SQLite's max_page_count), inside a transaction. */
static void cap_pages(struct db *db, int64_t max)
{
    struct err e = {0};
    char sql[64];
    assert_int_equal(db_begin(db, &e), 0);
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)max);
    assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
    db_rollback(db);
}

static void a_full_database_is_storage_full_and_keeps_what_was_committed(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    assert_int_equal(db_begin(db, &e), 0);
    assert_int_equal(db_exec(db, &e, NULL, "INSERT INTO t (u) VALUES (?)", "s", "kept"), 0);
    assert_int_equal(db_commit(db, &e), 0);
    int64_t pages = 0;
    assert_int_equal(db_query_int(db, &e, &pages, "PRAGMA page_count", NULL), 1);
    cap_pages(db, pages + 2);
    char big[4001];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(db_begin(db, &e), 0);
    int rc = 0;
    for (int i = 0; i < 100 && rc == 0; i++)
        rc = db_exec(db, &e, NULL, "INSERT INTO t (s) VALUES (?)", "s", big);
    assert_int_equal(rc, -1);
    assert_int_equal(e.code, ERR_STORAGE_FULL);
    assert_string_equal(err_code_name(e.code), "storage_full");
    assert_memory_equal(e.msg, "storage is full: ", 17);
    db_rollback(db);
    assert_int_equal(count_t(db), 1); /* the failed transaction left nothing; the commit stays */
    cap_pages(db, 1 << 30);
    assert_int_equal(db_begin(db, &e), 0);
    assert_int_equal(db_exec(db, &e, NULL, "INSERT INTO t (s) VALUES (?)", "s", big), 0);
    assert_int_equal(db_commit(db, &e), 0);
    assert_int_equal(count_t(db), 2);
}

static void close_rolls_back_an_open_transaction(void **state)
{
    struct fixture *f = *state;
    char url[128];
    struct err e = {0};
    snprintf(url, sizeof url, "sqlite:%s/test.db", f->dir);
    struct db *other = NULL;
    assert_int_equal(db_open(url, &other, &e), 0);
    assert_int_equal(db_begin(other, &e), 0);
    db_exec(other, &e, NULL, "INSERT INTO t (u) VALUES (?)", "s", "never");
    db_close(other);
    int64_t n = -1;
    db_query_int(f->db, &e, &n, "SELECT COUNT(*) FROM t WHERE u = ?", "s", "never");
    assert_int_equal(n, 0);
    /* and released the write lock */
    assert_int_equal(db_begin(f->db, &e), 0);
    db_rollback(f->db);
}

static const char sql_a[] = "SELECT 1";
static const char sql_b[] = "SELECT 1";

static void statement_cache_returns_the_same_statement_for_the_same_literal(void **state)
{
    struct db *db = db_of(state);
    sqlite3_stmt *a1 = db_stmt(db, sql_a);
    assert_non_null(a1);
    assert_int_equal(sqlite3_step(a1), SQLITE_ROW);
    sqlite3_stmt *a2 = db_stmt(db, sql_a);
    assert_ptr_equal(a1, a2);
    /* handed out reset: it steps from the first row again */
    assert_int_equal(sqlite3_step(a2), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(a2, 0), 1);
    sqlite3_reset(a2);
    /* the cache is keyed by the literal's address, not its text */
    sqlite3_stmt *b = db_stmt(db, sql_b);
    assert_non_null(b);
    assert_ptr_not_equal(a1, b);
}

static void statement_cache_hands_out_statements_unbound(void **state)
{
    struct db *db = db_of(state);
    static const char sql[] = "SELECT ? IS NULL";
    sqlite3_stmt *st = db_stmt(db, sql);
    db_bind(st, "i", INT64_C(3));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    st = db_stmt(db, sql);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    sqlite3_reset(st);
}

static void bad_sql_is_an_internal_error(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    assert_null(db_stmt(db, "SELEKT 1"));
    assert_int_equal(db_exec(db, &e, NULL, "INSERT INTO nowhere VALUES (1)", NULL), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    assert_null(db_query_all(db, &e, "SELECT * FROM nowhere", NULL));
    assert_int_equal(e.code, ERR_INTERNAL);
}

/* The engine-neutral cursor: rows as C values, NULL as 0 or "", errors in E. */
static void rows_read_as_c_values(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    struct db_rows r;
    assert_int_equal(db_exec(db, &e, NULL, "INSERT INTO t (i, s) VALUES (?, ?), (?, ?)", "isIs",
                             (int64_t)7, "seven", (int64_t)0, NULL),
                     0);
    assert_int_equal(db_rows_open(&r, db, &e, "read t",
                                  "SELECT i, s FROM t WHERE id > ? ORDER BY id", "i", (int64_t)0),
                     0);
    assert_int_equal(db_rows_next(&r, &e), 1);
    assert_int_equal(db_rows_int(&r, 0), 7);
    assert_string_equal(db_rows_text(&r, 1), "seven");
    assert_int_equal(db_rows_next(&r, &e), 1);
    assert_int_equal(db_rows_int(&r, 0), 0);      /* NULL */
    assert_string_equal(db_rows_text(&r, 1), ""); /* NULL */
    assert_int_equal(db_rows_next(&r, &e), 0);
    db_rows_close(&r);
    /* stopping early leaves the statement ready for the next use */
    assert_int_equal(db_rows_open(&r, db, &e, "read t",
                                  "SELECT i, s FROM t WHERE id > ? ORDER BY id", "i", (int64_t)0),
                     0);
    assert_int_equal(db_rows_next(&r, &e), 1);
    db_rows_close(&r);
    assert_int_equal(db_rows_open(&r, db, &e, "read nowhere", "SELECT * FROM nowhere", NULL), -1);
    assert_int_equal(e.code, ERR_INTERNAL);
    assert_non_null(strstr(e.msg, "read nowhere"));
    e = (struct err){0};
    assert_int_equal(db_ping(db, &e), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(migrations_are_applied),
        T(rows_read_as_c_values),
        T(migrations_are_applied_only_once),
        T(migrations_survive_a_reopen),
        T(connection_uses_wal_synchronous_full_and_foreign_keys),
        T(open_accepts_sqlite_urls_and_plain_paths),
        T(open_refuses_postgresql_and_unknown_schemes),
        T(open_reports_an_unopenable_path),
        T(row_json_follows_the_conventions),
        T(row_json_keeps_ordinary_integers_that_look_like_times),
        T(every_bind_letter_binds_its_type),
        T(insert_returns_increasing_row_ids),
        T(exec_reports_the_rows_changed),
        T(unique_violation_is_a_conflict),
        T(foreign_key_violation_is_a_conflict),
        T(query_one_without_a_row_is_null_with_ok),
        T(query_all_returns_every_row_in_order),
        T(query_int_tells_found_none_and_error),
        T(rollback_leaves_nothing),
        T(commit_persists),
        T(a_full_database_is_storage_full_and_keeps_what_was_committed),
        T(close_rolls_back_an_open_transaction),
        T(statement_cache_returns_the_same_statement_for_the_same_literal),
        T(statement_cache_hands_out_statements_unbound),
        T(bad_sql_is_an_internal_error),
    };
    return cmocka_run_group_tests_name("store/db", tests, NULL, NULL);
}
