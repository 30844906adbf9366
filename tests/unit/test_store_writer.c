/*
 * Unit tests for store/db's shared writer: transactions from several db handles
 * (threads) are serialised on one writer connection, every commit is readable
 * by other connections at once, and the background checkpointer keeps the WAL
 * from growing (the database file receives the pages within a second).
 */
#include "testutil.h"
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>

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

struct worker_arg {
    const char *url;
    int n;
};

static void *writer_thread(void *arg)
{
    struct worker_arg *a = arg;
    struct db *db = NULL;
    struct err e = {0};
    if (db_open(a->url, &db, &e) != 0)
        return (void *)1;
    for (int i = 0; i < a->n; i++) {
        char slug[32];
        snprintf(slug, sizeof slug, "t%p-%d", (void *)&slug, i);
        if (db_begin(db, &e) != 0 ||
            db_insert(db, &e, "INSERT INTO pages (slug, title, created_at, updated_at) VALUES "
                              "(?, 't', 0, 0)", "s", slug) < 0 ||
            db_commit(db, &e) != 0) {
            db_close(db);
            return (void *)1;
        }
    }
    db_close(db);
    return NULL;
}

static void concurrent_commits_are_all_visible(void **state)
{
    (void)state;
    char dir[64];
    struct db *db = test_db_open(dir);
    assert_non_null(db);
    char url[128];
    snprintf(url, sizeof url, "sqlite:%s/test.db", dir);
    pthread_t t[4];
    struct worker_arg a = {url, 200};
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, writer_thread, &a);
    for (int i = 0; i < 4; i++) {
        void *rc;
        pthread_join(t[i], &rc);
        assert_null(rc);
    }
    struct err e = {0};
    int64_t n = 0;
    assert_int_equal(db_query_int(db, &e, &n, "SELECT COUNT(*) FROM pages", NULL), 1);
    assert_int_equal(n, 800);
    test_db_close(db, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_checkpointer_moves_the_wal_into_the_database),
        cmocka_unit_test(concurrent_commits_are_all_visible),
    };
    return cmocka_run_group_tests_name("store/db writer", tests, NULL, NULL);
}
