/*
 * Unit tests for the SQLite backend (store/db_sqlite*.c), what only it has:
 * plain paths and sqlite:// URLs, an unopenable path; WAL journal,
 * synchronous=FULL and foreign keys on every connection; the background
 * checkpointer keeping the WAL from growing (the database file receives the pages
 * within a second); a full database (SQLITE_FULL) as ERR_STORAGE_FULL with
 * nothing of the failed transaction left; the statement cache returning the same
 * reset, unbound statement for the same literal; row-lock clauses dropped (one
 * writer); a commit that changed a row waits for an fdatasync, one that changed none
 * after commits already on disk makes none. The contract both backends keep is
 * test_store_db.c's.
 */
#include "core/log.h"
#include "store/db_sqlite.h" /* the backend's own handle and statements */
#include "testutil.h"
#include <sys/stat.h>
#include <time.h>

struct fixture {
    char dir[64];
    struct db *db;
};

static int setup(void **state)
{
    log_set_level(LOG_WARN);
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

static int64_t count_t(struct db *db)
{
    struct err e = {0};
    int64_t n = -1;
    db_query_int(db, &e, &n, "SELECT COUNT(*) FROM t", NULL);
    return n;
}

static off_t file_size(const char *dir, const char *name)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static void the_checkpointer_moves_the_wal_into_the_database(void **state)
{
    (void)state;
    char dir[64];
    struct db *db = test_db_open(dir);
    assert_non_null(db);
    struct err e = {0};
    off_t before = file_size(dir, "test.db");
    for (int i = 0; i < 300; i++) {
        char slug[32];
        snprintf(slug, sizeof slug, "p%d", i);
        assert_int_equal(db_begin(db, &e), 0);
        assert_true(db_insert(db, &e,
                              "INSERT INTO pages (slug, title, created_at, updated_at) "
                              "VALUES (?, 'A page with a long enough title to fill pages', 0, 0)",
                              "s", slug) > 0);
        assert_int_equal(db_commit(db, &e), 0);
    }
    /* Within a second the passive checkpoints must have copied the frames back. */
    off_t after = before;
    for (int i = 0; i < 20 && after <= before; i++) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        after = file_size(dir, "test.db");
    }
    assert_true(after > before);
    test_db_close(db, dir);
}

static const char sql_a[] = "SELECT 1";
static const char sql_b[] = "SELECT 1";

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
    sqlite3_bind_int64(st, 1, 3);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    st = db_stmt(db, sql);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    sqlite3_reset(st);
}

/* SQL, alone in a transaction, committed. */
static void commit_one(struct db *db, const char *sql)
{
    struct err e = {0};
    assert_int_equal(db_begin(db, &e), 0);
    assert_int_equal(db_exec(db, &e, NULL, sql, NULL), 0);
    assert_int_equal(db_commit(db, &e), 0);
}

static void only_commits_that_changed_rows_wait_for_an_fsync(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    commit_one(db, "INSERT INTO t (i) VALUES (1)");
    uint64_t n = sqlite_fsyncs(db);
    assert_true(n >= 1);
    /* a claim that found nothing: a read and an update of no row */
    assert_int_equal(db_begin(db, &e), 0);
    assert_int_equal(count_t(db), 1);
    int changed = -1;
    assert_int_equal(db_exec(db, &e, &changed, "UPDATE t SET i = 2 WHERE i = 99", NULL), 0);
    assert_int_equal(changed, 0);
    assert_int_equal(db_commit(db, &e), 0);
    assert_int_equal(sqlite_fsyncs(db), n);
    /* a change is flushed before its commit returns */
    commit_one(db, "UPDATE t SET i = 2 WHERE i = 1");
    assert_int_equal(sqlite_fsyncs(db), n + 1);
}

static void lazy_commits_are_flushed_by_the_checkpointer(void **state)
{
    struct db *db = db_of(state);
    commit_one(db, "INSERT INTO t (i) VALUES (1)");
    uint64_t n = sqlite_fsyncs(db);
    db_commit_lazily(db);
    for (int i = 0; i < 20; i++) /* none of these waits for an fsync */
        commit_one(db, "INSERT INTO t (i) VALUES (2)");
    assert_true(sqlite_fsyncs(db) <= n + 1); /* the checkpointer may have run meanwhile */
    /* the checkpointer (every 100 ms) flushes them */
    for (int i = 0; i < 100 && sqlite_fsyncs(db) == n; i++)
        usleep(10 * 1000);
    assert_true(sqlite_fsyncs(db) > n);
    uint64_t after = sqlite_fsyncs(db);
    usleep(300 * 1000); /* and then has nothing left to flush */
    assert_int_equal(sqlite_fsyncs(db), after);
}

static void row_locks_are_dropped(void **state)
{
    struct db *db = db_of(state);
    struct err e = {0};
    int64_t n = -1;
    assert_int_equal(db_query_int(db, &e, &n,
                                  "SELECT COUNT(*) FROM (SELECT id FROM t ORDER BY id LIMIT 5 "
                                  "FOR UPDATE SKIP LOCKED) AS x",
                                  NULL),
                     1);
    assert_int_equal(n, 0);
    assert_int_equal(
        db_query_int(db, &e, &n, "SELECT COUNT(*) FROM t WHERE id = 1 FOR UPDATE", NULL), 1);
    char *plain = db_sql_strip_locks("SELECT a FROM b FOR UPDATE SKIP LOCKED) LIMIT 2 FOR UPDATE");
    assert_string_equal(plain, "SELECT a FROM b) LIMIT 2");
    free(plain);
    assert_null(db_sql_strip_locks("SELECT 'FOR UPDATEx' FROM t"));
    plain = db_sql_strip_locks("SELECT id FROM pages WHERE id = ? FOR NO KEY UPDATE");
    assert_string_equal(plain, "SELECT id FROM pages WHERE id = ?");
    free(plain);
    plain = db_sql_strip_locks("SELECT s.id FROM s JOIN t ON t.x = s.x FOR UPDATE OF s_1");
    assert_string_equal(plain, "SELECT s.id FROM s JOIN t ON t.x = s.x");
    free(plain);
    plain = db_sql_strip_locks("SELECT 1 FROM (SELECT s.id FROM s FOR UPDATE OF s) AS q");
    assert_string_equal(plain, "SELECT 1 FROM (SELECT s.id FROM s) AS q");
    free(plain);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    if (test_on_pg()) {
        printf("store/db sqlite: skipped (PHAROS_TEST_BACKEND=postgresql)\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        T(connection_uses_wal_synchronous_full_and_foreign_keys),
        T(open_accepts_sqlite_urls_and_plain_paths),
        T(open_reports_an_unopenable_path),
        T(a_full_database_is_storage_full_and_keeps_what_was_committed),
        T(statement_cache_returns_the_same_statement_for_the_same_literal),
        T(statement_cache_hands_out_statements_unbound),
        T(row_locks_are_dropped),
        T(only_commits_that_changed_rows_wait_for_an_fsync),
        T(lazy_commits_are_flushed_by_the_checkpointer),
        cmocka_unit_test(the_checkpointer_moves_the_wal_into_the_database),
    };
    return cmocka_run_group_tests_name("store/db sqlite", tests, NULL, NULL);
}
