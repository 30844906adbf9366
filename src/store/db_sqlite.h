/*
 * db_sqlite — what the SQLite backend files (db.c, db_query.c, migrate.c) share
 * and nothing else includes: the connection handle and the statement cache.
 * Everything outside them goes through store/db.h, which names no engine.
 */
#ifndef PHAROS_DB_SQLITE_H
#define PHAROS_DB_SQLITE_H
#include "store/db.h"
#include <sqlite3.h>

/* The connection queries run on now: the thread's reader, or the writer inside a transaction. */
sqlite3 *db_handle(struct db *db);
/* Returns the cached prepared statement for SQL, reset and unbound. NULL on a SQL error (logged).
 */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);
/* The current row of STMT as a JSON object (db.h: column conventions). */
json_t *db_row_json(sqlite3_stmt *stmt);
/* Binds arguments by FMT to STMT. */
int db_bind(sqlite3_stmt *stmt, const char *fmt, ...);

#endif
