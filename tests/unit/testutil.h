/*
 * testutil — what every cmocka test file includes: cmocka itself, and a fresh
 * migrated SQLite database in a temporary directory for store tests.
 */
#ifndef PHAROS_TESTUTIL_H
#define PHAROS_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "store/db.h"

/* Opens a migrated database in a new temporary directory; DIR (≥ 64 bytes) gets its path. */
static inline struct db *test_db_open(char *dir)
{
    strcpy(dir, "/tmp/pharos-unit-XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    char url[128];
    snprintf(url, sizeof url, "sqlite:%s/test.db", dir);
    struct db *db = NULL;
    struct err e = {0};
    if (db_open(url, &db, &e) != 0 || db_migrate(db, &e) != 0) {
        fprintf(stderr, "test db: %s\n", e.msg);
        return NULL;
    }
    return db;
}

/* Closes DB and removes its directory. */
static inline void test_db_close(struct db *db, const char *dir)
{
    db_close(db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

#endif
