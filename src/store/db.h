/*
 * db — the SQLite connection every store/ function goes through.
 *
 * One `struct db` per thread (never shared). Statements are prepared once per
 * connection and cached by the address of their SQL text, so SQL passed to
 * db_stmt() and the query helpers must be string literals.
 *
 * Writes: db_begin() takes the process-wide lock of the database's one writer
 * connection and BEGIN IMMEDIATE; until db_commit()/db_rollback() every query
 * on this db runs on that writer (and so sees the transaction's own writes).
 * db_commit() returns only when the commit is on disk (WAL, synchronous=FULL).
 * Statements obtained inside a transaction must not be used after it ends.
 *
 * Bind formats (db_exec, db_query_*): one letter per argument —
 *   'i' int64_t, 'I' int64_t or NULL when 0, 's' const char * (NULL → SQL NULL), 'b' bool (int).
 *
 * Row → JSON (db_row_json): every column becomes a key of the same name; INTEGER
 * columns become numbers, except that names ending in "_at" and the names
 * scheduled_start/scheduled_end become RFC 3339 text (NULL → null) and the names
 * listed in db.c's bool_columns (hidden, notify, auto_start, …) become true/false.
 */
#ifndef PHAROS_DB_H
#define PHAROS_DB_H
#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"

struct db;

/* Opens URL ("sqlite:PATH" or a plain path). postgresql:// URLs are refused with a clear error. */
int db_open(const char *url, struct db **out, struct err *e);
/* Closes the connection and its cached statements; NULL is a no-op. */
void db_close(struct db *db);
/* The connection queries run on now: the thread's reader, or the writer inside a transaction. */
sqlite3 *db_handle(struct db *db);

/* Applies the embedded migrations not yet applied. Returns 0, or -1 with E filled. */
int db_migrate(struct db *db, struct err *e);
/* Highest applied migration version, or 0. */
int db_schema_version(struct db *db);

/* Returns the cached prepared statement for SQL, reset and unbound. NULL on a SQL error (logged). */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);

int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
/* Rolls back the open transaction, if any, and releases the write lock. */
void db_rollback(struct db *db);
bool db_in_transaction(struct db *db);

/* Runs SQL with arguments bound by FMT. Returns 0, or -1 with E filled (409 for constraint
 * violations). *CHANGES (may be NULL) gets the number of rows changed. */
int db_exec(struct db *db, struct err *e, int *changes, const char *sql, const char *fmt, ...);
/* Like db_exec for an INSERT; returns the new row id, or -1 with E filled. */
int64_t db_insert(struct db *db, struct err *e, const char *sql, const char *fmt, ...);
/* First row as a JSON object (new reference), or NULL when there is none or on error
 * (E->code tells: ERR_OK for "no row"). */
json_t *db_query_one(struct db *db, struct err *e, const char *sql, const char *fmt, ...);
/* All rows as a JSON array (new reference), or NULL on error. */
json_t *db_query_all(struct db *db, struct err *e, const char *sql, const char *fmt, ...);
/* The first column of the first row as an integer: 1 found, 0 no row, -1 error. */
int db_query_int(struct db *db, struct err *e, int64_t *out, const char *sql, const char *fmt, ...);

/* The current row of STMT as a JSON object (see above). */
json_t *db_row_json(sqlite3_stmt *stmt);

/* Binds arguments by FMT to STMT (used by the helpers above; exposed for loops). */
int db_bind(sqlite3_stmt *stmt, const char *fmt, ...);

/* Fills E from the connection's last error and returns -1. */
int db_fail(struct db *db, struct err *e, const char *what);

#endif
