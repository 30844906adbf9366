/*
 * db_backend — the table of functions a storage engine fills for store/db.c
 * (db_sqlite.c: SQLite; db_pg.c: PostgreSQL). Only the store/db*.c files and
 * migrate.c include it; the rest of the program sees store/db.h alone.
 *
 * A backend's connection struct begins with a `struct db` whose `be` points at
 * its table, so the front (db.c) dispatches on it. Every query function takes
 * its arguments as a va_list bound by the format letters of db.h; SQL is
 * written once with `?` placeholders (a backend that numbers them does so when
 * it prepares), and the store/ files keep to what both engines accept. One
 * exception is marked in the text: a row lock written " FOR UPDATE", " FOR
 * UPDATE SKIP LOCKED" or " FOR NO KEY UPDATE" at the end of a (sub)select, optionally naming
 * the table whose rows it locks (" FOR UPDATE OF s", in a join), which PostgreSQL needs
 * between nodes and SQLite, whose one writer excludes every other, drops when it
 * prepares the statement (db_sql_strip_locks).
 *
 * Values in rows: a backend reports each column as one of enum db_type, and the
 * front turns it into JSON by the column-name conventions of db.h
 * (db_json_value), so both engines give the same JSON for the same row.
 */
#ifndef PHAROS_DB_BACKEND_H
#define PHAROS_DB_BACKEND_H
#include "store/db.h"
#include <stdarg.h>
#include <stddef.h>

struct db_backend {
    const char *name; /* "sqlite", "postgresql": also the folder of its migrations */
    void (*close)(struct db *db);
    int (*begin)(struct db *db, bool shared, struct err *e); /* db_begin, db_begin_shared */
    int (*commit)(struct db *db, struct err *e);
    void (*rollback)(struct db *db);
    void (*commit_lazily)(struct db *db); /* db_commit_lazily */
    bool (*in_tx)(struct db *db);
    int (*exec)(struct db *db, struct err *e, int *changes, const char *sql, const char *fmt,
                va_list ap);
    int64_t (*insert)(struct db *db, struct err *e, const char *sql, const char *fmt, va_list ap);
    json_t *(*query_one)(struct db *db, struct err *e, const char *sql, const char *fmt,
                         va_list ap);
    json_t *(*query_all)(struct db *db, struct err *e, const char *sql, const char *fmt,
                         va_list ap);
    int (*query_int)(struct db *db, struct err *e, int64_t *out, const char *sql, const char *fmt,
                     va_list ap);
    int (*rows_open)(struct db_rows *r, struct err *e, const char *sql, const char *fmt,
                     va_list ap);
    int (*rows_next)(struct db_rows *r, struct err *e);
    int64_t (*rows_int)(const struct db_rows *r, int col);
    const char *(*rows_text)(const struct db_rows *r, int col);
    bool (*rows_null)(const struct db_rows *r, int col);
    int (*exec_texts)(struct db *db, struct err *e, const char *sql, int n,
                      const char *const *values);
    /* db.h's db_sync_ids and db_backup; NULL: nothing to do (sync) or not possible (backup) */
    int (*sync_ids)(struct db *db, const char *table, struct err *e);
    int (*backup)(struct db *db, const char *path, struct err *e);
    void (*rows_close)(struct db_rows *r);
    /* Runs SQL, several statements, with no arguments (a migration), inside the open
     * transaction. Returns 0, or -1 with E filled. */
    int (*script)(struct db *db, const char *sql, struct err *e);
    /* Turns foreign key enforcement of the write connection on or off, outside any
     * transaction (store/migrate.c, around a table rebuild). NULL: never needed. */
    int (*foreign_keys)(struct db *db, bool on, struct err *e);
    /* Around a whole migration run: excludes other processes (nodes) migrating the same
     * database at once. May be NULL (the write transaction of each step is enough). */
    int (*migrate_lock)(struct db *db, struct err *e);
    void (*migrate_unlock)(struct db *db);
    /* Hears other processes' changes and tells them of this one's (db.h); NULL: one
     * process, nothing to hear or tell. */
    int (*wait_changes)(struct db *db, int timeout_ms, int wake_fd,
                        void (*on)(void *arg, int64_t page_id, const char *node), void *arg,
                        struct err *e);
    int (*announce_change)(struct db *db, int64_t page_id, const char *node, struct err *e);
};

struct db {
    const struct db_backend *be;
};

int db_sqlite_open(const char *path, struct db **out, struct err *e);
int db_pg_open(const char *url, struct db **out, struct err *e);

/* The type of a value read from a row. */
enum db_type { DB_NULL, DB_INT, DB_REAL, DB_TEXT };

/* The JSON of a column named NAME holding a value of TYPE (I, D or TEXT/LEN as the type
 * says), by the conventions of db.h: "_at" times as RFC 3339, flag names as booleans. */
json_t *db_json_value(const char *name, enum db_type type, int64_t i, double d, const char *text,
                      size_t len);

/* Logs that the database WHERE could not do WHAT (DETAIL: the engine's words) for a full
 * disk, at most once a minute: every write fails while it is full. */
void db_log_storage_full(const char *where, const char *what, const char *detail);
/* Logs that the database cannot be reached (DETAIL: why), at most once a minute. */
void db_log_unavailable(const char *detail);

/* A copy of SQL without its row-lock clauses (" FOR UPDATE", " FOR UPDATE SKIP LOCKED",
 * " FOR NO KEY UPDATE", each with its " OF table" if any), for
 * an engine with one writer; NULL when SQL has none (use SQL as it is). Caller frees. */
char *db_sql_strip_locks(const char *sql);

#endif
