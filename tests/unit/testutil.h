/*
 * testutil — what every cmocka test file includes: cmocka itself, and a fresh
 * migrated database for store/ and app/ tests.
 *
 * The database is SQLite in a new temporary directory, or, when
 * PHAROS_TEST_BACKEND=postgresql (scripts/run-unit.sh runs the store and app
 * tests a second time so, against the throw-away cluster `make test` starts), a
 * new PostgreSQL database on the server libpq's environment names (PGHOST,
 * PGPORT, PGUSER), dropped again by test_db_close. test_db_url() gives the URL
 * of the current one, for a second connection.
 */
#ifndef PHAROS_TESTUTIL_H
#define PHAROS_TESTUTIL_H
/* cmocka.h needs these three before it */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */
#include "store/db.h"
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline bool test_on_pg(void)
{
    const char *b = getenv("PHAROS_TEST_BACKEND");
    return b && strcmp(b, "postgresql") == 0;
}

/* Runs SQL on the cluster's maintenance database (CREATE/DROP DATABASE). 0 or -1. */
static inline int test_pg_admin(const char *sql)
{
    PGconn *c = PQconnectdb("dbname=postgres");
    int rc = -1;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, sql);
        rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
        if (rc) fprintf(stderr, "test db: %s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    } else {
        fprintf(stderr, "test db: %s", PQerrorMessage(c));
    }
    PQfinish(c);
    return rc;
}

/* The PostgreSQL database of the test whose directory is DIR: its last part, lower case. */
static inline const char *test_pg_name(const char *dir, char *name, size_t size)
{
    snprintf(name, size, "pharos_unit_%s", strrchr(dir, '-') + 1);
    for (char *p = name; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    return name;
}

/* The URL of the test database whose DIR test_db_open filled. */
static inline const char *test_db_url(const char *dir, char *url, size_t size)
{
    char name[64];
    if (test_on_pg())
        snprintf(url, size, "postgresql:///%s", test_pg_name(dir, name, sizeof name));
    else
        snprintf(url, size, "sqlite:%s/test.db", dir);
    return url;
}

/* Opens a migrated database, new for the test; DIR (≥ 64 bytes) gets a temporary
 * directory that also names it. */
static inline struct db *test_db_open(char *dir)
{
    strcpy(dir, "/tmp/pharos-unit-XXXXXX");
    if (!mkdtemp(dir)) return NULL;
    char url[128], sql[160], name[64];
    test_db_url(dir, url, sizeof url);
    if (test_on_pg()) {
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", test_pg_name(dir, name, sizeof name));
        if (test_pg_admin(sql) != 0) return NULL;
    }
    struct db *db = NULL;
    struct err e = {0};
    if (db_open(url, &db, &e) != 0 || db_migrate(db, &e) != 0) {
        fprintf(stderr, "test db: %s\n", e.msg);
        return NULL;
    }
    return db;
}

/* Closes DB and removes its directory (and database). */
static inline void test_db_close(struct db *db, const char *dir)
{
    db_close(db);
    char cmd[160], name[64];
    if (test_on_pg()) {
        snprintf(cmd, sizeof cmd, "DROP DATABASE IF EXISTS %s WITH (FORCE)",
                 test_pg_name(dir, name, sizeof name));
        test_pg_admin(cmd);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

#endif
