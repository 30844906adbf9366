/*
 * db_sqlite — what the SQLite backend's files (db_sqlite.c: connections and
 * transactions; db_sqlite_query.c, above it: binding, queries and the table of
 * functions, store/db_backend.h) share, and nothing else includes.
 */
#ifndef PHAROS_DB_SQLITE_H
#define PHAROS_DB_SQLITE_H
#include "store/db_backend.h"
#include <sqlite3.h>

/* Opens PATH for the backend BE: 0 and *OUT, or -1 with E filled. */
int sqlite_open(const char *path, const struct db_backend *be, struct db **out, struct err *e);
void sqlite_close(struct db *db);
int sqlite_begin(struct db *db, bool shared, struct err *e);
int sqlite_commit(struct db *db, struct err *e);
void sqlite_rollback(struct db *db);
void sqlite_commit_lazily(struct db *db);
bool sqlite_in_tx(struct db *db);
/* How many fdatasyncs of the WAL DB's writer has made (tests: a commit that changed no row
 * and follows only commits already on disk makes none). */
uint64_t sqlite_fsyncs(struct db *db);
int sqlite_script(struct db *db, const char *sql, struct err *e);
int sqlite_foreign_keys(struct db *db, bool on, struct err *e);

/* The connection queries run on now: the thread's reader, or the writer inside a transaction. */
sqlite3 *db_handle(struct db *db);
/* Returns the cached prepared statement for SQL (its row locks dropped), reset and unbound.
 * NULL on a SQL error (logged). */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);
/* Fills E from the connection's last error (WHAT names the operation) and returns -1. */
int db_fail(struct db *db, struct err *e, const char *what);

int sqlite_exec_va(struct db *db, struct err *e, int *changes, const char *sql, const char *fmt,
                   va_list ap);
int64_t sqlite_insert_va(struct db *db, struct err *e, const char *sql, const char *fmt,
                         va_list ap);
json_t *sqlite_query_one_va(struct db *db, struct err *e, const char *sql, const char *fmt,
                            va_list ap);
json_t *sqlite_query_all_va(struct db *db, struct err *e, const char *sql, const char *fmt,
                            va_list ap);
int sqlite_query_int_va(struct db *db, struct err *e, int64_t *out, const char *sql,
                        const char *fmt, va_list ap);
int sqlite_rows_open(struct db_rows *r, struct err *e, const char *sql, const char *fmt,
                     va_list ap);
int sqlite_rows_next(struct db_rows *r, struct err *e);
int64_t sqlite_rows_int(const struct db_rows *r, int col);
const char *sqlite_rows_text(const struct db_rows *r, int col);
void sqlite_rows_close(struct db_rows *r);
bool sqlite_rows_null(const struct db_rows *r, int col);
int sqlite_exec_texts(struct db *db, struct err *e, const char *sql, int n,
                      const char *const *values);

#endif
