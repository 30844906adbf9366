/*
 * db — the database connection every store/ function goes through. Nothing here
 * names an engine: a URL picks the backend (db.c; SQLite in db_sqlite*.c,
 * PostgreSQL in db_pg*.c), and the rest of store/ is written once for both.
 *
 * One `struct db` per thread (never shared). Statements are prepared once per
 * connection and cached by the address of their SQL text, so SQL passed to
 * the query helpers and db_rows_open() must be string literals. SQL uses `?`
 * placeholders and what both engines accept (store/db_backend.h: the one marked
 * exception, row locks).
 *
 * Writes: db_begin() starts a write transaction that excludes every other writer
 * of the database (SQLite: the one writer connection and BEGIN IMMEDIATE;
 * PostgreSQL: a transaction-level advisory lock, across nodes too); until
 * db_commit()/db_rollback() every query on this db runs inside it and sees its
 * own writes. db_commit() returns only when the commit is durable (SQLite: WAL
 * synced; PostgreSQL: synchronous_commit), unless db_commit_lazily(). Statements obtained inside a
 * transaction must not be used after it ends.
 *
 * Errors: a constraint violation is ERR_CONFLICT (409), a full disk
 * ERR_STORAGE_FULL (507), a database that cannot be reached ERR_UNAVAILABLE (503,
 * "database unavailable: …"; the PostgreSQL backend reconnects on a later call).
 *
 * Bind formats (db_exec, db_query_*): one letter per argument —
 *   'i' int64_t, 'I' int64_t or NULL when 0, 's' const char * (NULL → SQL NULL), 'b' bool (int).
 *
 * Row → JSON (db_query_one/all): every column becomes a key of the same name; integer
 * columns become numbers, except that names ending in "_at" and the names
 * scheduled_start/scheduled_end become RFC 3339 text (NULL → null) and the names
 * listed in db.c's bool_columns (hidden, notify, auto_start, …) become true/false.
 */
#ifndef PHAROS_DB_H
#define PHAROS_DB_H
#include "core/err.h"
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/* Opens URL: "sqlite:PATH", "sqlite://PATH" or a plain path, or a libpq URI
 * ("postgresql://…", "postgres://…"). Returns 0 and *OUT, or -1 with E filled. */
int db_open(const char *url, struct db **out, struct err *e);
/* Closes the connection and its cached statements; NULL is a no-op. */
void db_close(struct db *db);
/* "sqlite" or "postgresql". */
const char *db_kind(const struct db *db);
/* URL as it may be logged or shown: a password in it (user:PASSWORD@, password=…)
 * becomes "***". Returns BUF. */
const char *db_url_redacted(const char *url, char *buf, size_t size);

/* Applies the embedded migrations not yet applied. Returns 0, or -1 with E filled. */
int db_migrate(struct db *db, struct err *e);
/* The same, only the versions up to UPTO (0: all); for tests of a migration on data. */
int db_migrate_to(struct db *db, int upto, struct err *e);
/* Highest applied migration version, or 0. */
int db_schema_version(struct db *db);

int db_begin(struct db *db, struct err *e);
/*
 * A write transaction that other shared ones may run beside (PostgreSQL: the write lock
 * taken in shared mode, so db_begin()'s writers still exclude it and it them; SQLite: as
 * db_begin(), its one writer runs one transaction at a time anyway). For the use cases
 * that decide on rows they lock (SELECT … FOR UPDATE) and only add rows besides: changes
 * as frequent as a service's status then wait for one another only where they write the
 * same rows, and PostgreSQL commits them together.
 */
int db_begin_shared(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
/*
 * From now on, commits on DB return once the database has them, before they are on disk
 * (SQLite: the background checkpoint thread flushes the WAL within 100 ms; PostgreSQL:
 * synchronous_commit off, its WAL writer flushes within 3 × wal_writer_delay). pharos
 * being killed (kill -9) loses none of them; the machine crashing may lose the last
 * ones, never one before another that stays, and the database stays consistent. For
 * the dispatcher's own bookkeeping (expansion, claims, outcomes), where a commit lost
 * means a message sent again, never one lost; never for a write a client is answered
 * about (those wait for the disk, and their flush covers every commit before them).
 */
void db_commit_lazily(struct db *db);
/* Rolls back the open transaction, if any, and releases the write lock. */
void db_rollback(struct db *db);
bool db_in_transaction(struct db *db);
/*
 * Waits up to TIMEOUT_MS, or until WAKE_FD (-1: none) is readable, for the other nodes'
 * announcements (db_announce_change) and calls ON(ARG, page_id, node) for each, on a
 * connection kept for this (PostgreSQL: it LISTENs from the first call on). SQLite has
 * no one to hear and only waits. Returns 0, or -1 with E filled (503 while the database
 * is unreachable: the next call reconnects, and what was said meanwhile is lost, so the
 * caller looks at the page_changes rows itself then).
 */
int db_wait_changes(struct db *db, int timeout_ms, int wake_fd,
                    void (*on)(void *arg, int64_t page_id, const char *node), void *arg,
                    struct err *e);
/*
 * Tells the other nodes that NODE committed a change of PAGE_ID, outside any transaction
 * (PostgreSQL: a NOTIFY on this connection, committed without waiting for the disk: it
 * only hastens what their once-a-second look at page_changes finds anyway). SQLite: one
 * node, nothing to do. 0, or -1 with E filled.
 */
int db_announce_change(struct db *db, int64_t page_id, const char *node, struct err *e);

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

/*
 * A cursor over the rows of a query, read straight into C values (no JSON): for the
 * reads that are hot or large (the public page's status history, a token's lookup).
 * Lives on the caller's stack; db_rows_close() after db_rows_open() succeeded, also
 * when stopping early. At most one open cursor per db at a time.
 */
struct db_rows {
    struct db *db;
    void *stmt;       /* the backend's statement or result */
    long pos;         /* the backend's place in it */
    const char *what; /* for errors: "read the status history" */
};
/* Runs SQL with arguments bound by FMT. Returns 0, or -1 with E filled (WHAT names it). */
int db_rows_open(struct db_rows *r, struct db *db, struct err *e, const char *what, const char *sql,
                 const char *fmt, ...);
/* Steps to the next row: 1 a row, 0 no more, -1 with E filled. */
int db_rows_next(struct db_rows *r, struct err *e);
/* Column COL (from 0) of the current row: an integer (0 for NULL), or text ("" for NULL,
 * valid until the next step). */
int64_t db_rows_int(const struct db_rows *r, int col);
const char *db_rows_text(const struct db_rows *r, int col);
/* Whether column COL of the current row is NULL. */
bool db_rows_null(const struct db_rows *r, int col);
void db_rows_close(struct db_rows *r);

/* Runs SQL with N arguments given as text (NULL → SQL NULL), each taken as the type of
 * the column it meets (a copy between databases: store/copy.c). 0, or -1 with E filled. */
int db_exec_texts(struct db *db, struct err *e, const char *sql, int n, const char *const *values);
/* After rows were inserted into TABLE with their ids given: the next id the database
 * makes follows the highest (PostgreSQL's identity; SQLite's AUTOINCREMENT does it by
 * itself). 0, or -1 with E filled. */
int db_sync_ids(struct db *db, const char *table, struct err *e);
/* Writes a consistent copy of the database, as one SQLite file, to PATH (new) while
 * others read and write: SQLite's VACUUM INTO. PostgreSQL answers ERR_INVALID (use
 * pg_dump: docs/deployment.md). 0, or -1 with E filled. */
int db_backup(struct db *db, const char *path, struct err *e);

/* 0 when the database answers a trivial query, or -1 with E filled (for /healthz). */
int db_ping(struct db *db, struct err *e);

#endif
