/*
 * db_sqlite_query — the SQLite backend's binding, one-shot queries and row
 * cursors, and its table of functions (store/db_backend.h) over these and
 * db_sqlite.c's connections (see db.h for the format letters and column conventions). Every
 * function runs on db_handle(db): the thread's reader outside a transaction, the
 * shared writer inside one.
 */
#include "core/log.h"
#include "store/db_sqlite.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

static int bind_va(sqlite3_stmt *stmt, const char *fmt, va_list ap)
{
    int idx = 1;
    for (const char *f = fmt ? fmt : ""; *f; f++, idx++) {
        int rc;
        switch (*f) {
        case 'i':
            rc = sqlite3_bind_int64(stmt, idx, va_arg(ap, int64_t));
            break;
        case 'I': {
            int64_t v = va_arg(ap, int64_t);
            rc = v ? sqlite3_bind_int64(stmt, idx, v) : sqlite3_bind_null(stmt, idx);
            break;
        }
        case 'b':
            rc = sqlite3_bind_int(stmt, idx, va_arg(ap, int) ? 1 : 0);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            rc = s ? sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(stmt, idx);
            break;
        }
        default:
            abort(); /* a programming error in a format string */
        }
        if (rc != SQLITE_OK) return -1;
    }
    return 0;
}

static sqlite3_stmt *prepare_bound(struct db *db, struct err *e, const char *sql, const char *fmt,
                                   va_list ap)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    if (!st) {
        err_set(e, ERR_INTERNAL, "the database could not prepare a query");
        return NULL;
    }
    if (bind_va(st, fmt, ap) != 0) {
        db_fail(db, e, "bind query arguments");
        return NULL;
    }
    return st;
}

int sqlite_rows_open(struct db_rows *r, struct err *e, const char *sql, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = db_stmt(r->db, sql);
    if (!st)
        return err_set(e, ERR_INTERNAL, "the database could not prepare a query to %s", r->what);
    if (bind_va(st, fmt, ap) != 0) {
        sqlite3_reset(st);
        return db_fail(r->db, e, r->what);
    }
    r->stmt = st;
    return 0;
}

int sqlite_rows_next(struct db_rows *r, struct err *e)
{
    int rc = sqlite3_step(r->stmt);
    if (rc == SQLITE_ROW) return 1;
    return rc == SQLITE_DONE ? 0 : db_fail(r->db, e, r->what);
}

int64_t sqlite_rows_int(const struct db_rows *r, int col)
{
    return sqlite3_column_int64(r->stmt, col);
}

const char *sqlite_rows_text(const struct db_rows *r, int col)
{
    const unsigned char *t = sqlite3_column_text(r->stmt, col);
    return t ? (const char *)t : "";
}

bool sqlite_rows_null(const struct db_rows *r, int col)
{
    return sqlite3_column_type(r->stmt, col) == SQLITE_NULL;
}

void sqlite_rows_close(struct db_rows *r)
{
    sqlite3_reset(r->stmt);
}

int sqlite_exec_texts(struct db *db, struct err *e, const char *sql, int n,
                      const char *const *values)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    if (!st) return err_set(e, ERR_INTERNAL, "the database could not prepare a query");
    assert(sqlite3_bind_parameter_count(st) == n);
    for (int i = 0; i < n; i++) {
        /* text into a column of INTEGER affinity is stored as the integer it spells */
        int rc = values[i] ? sqlite3_bind_text(st, i + 1, values[i], -1, SQLITE_TRANSIENT)
                           : sqlite3_bind_null(st, i + 1);
        if (rc != SQLITE_OK) return db_fail(db, e, "bind query arguments");
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_fail(db, e, "write");
}

/* VACUUM INTO: a consistent, compacted copy in one read transaction of the reader. */
static int sqlite_backup(struct db *db, const char *path, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db_handle(db), "VACUUM INTO ?", -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, e, "start a backup");
    sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        err_set(e, ERR_INTERNAL, "the backup to %s failed: %s", path,
                sqlite3_errmsg(db_handle(db)));
        return -1;
    }
    return 0;
}

int sqlite_exec_va(struct db *db, struct err *e, int *changes, const char *sql, const char *fmt,
                   va_list ap)
{
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        db_fail(db, e, "write");
        sqlite3_reset(st);
        return -1;
    }
    if (changes) *changes = sqlite3_changes(db_handle(db));
    sqlite3_reset(st);
    return 0;
}

int64_t sqlite_insert_va(struct db *db, struct err *e, const char *sql, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return db_fail(db, e, "insert");
    return sqlite3_last_insert_rowid(db_handle(db));
}

/* The current row of ST as a JSON object (db.h: column conventions). */
static json_t *row_json(sqlite3_stmt *st)
{
    json_t *o = json_object();
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        json_t *v;
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL:
            v = db_json_value(name, DB_NULL, 0, 0, NULL, 0);
            break;
        case SQLITE_INTEGER:
            v = db_json_value(name, DB_INT, sqlite3_column_int64(st, i), 0, NULL, 0);
            break;
        case SQLITE_FLOAT:
            v = db_json_value(name, DB_REAL, 0, sqlite3_column_double(st, i), NULL, 0);
            break;
        default:
            v = db_json_value(name, DB_TEXT, 0, 0, (const char *)sqlite3_column_text(st, i),
                              (size_t)sqlite3_column_bytes(st, i));
            break;
        }
        json_object_set_new(o, name, v);
    }
    return o;
}

json_t *sqlite_query_one_va(struct db *db, struct err *e, const char *sql, const char *fmt,
                            va_list ap)
{
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    if (!st) return NULL;
    json_t *row = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row = row_json(st);
    else if (rc == SQLITE_DONE)
        e->code = ERR_OK;
    else
        db_fail(db, e, "read");
    sqlite3_reset(st);
    return row;
}

json_t *sqlite_query_all_va(struct db *db, struct err *e, const char *sql, const char *fmt,
                            va_list ap)
{
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    if (!st) return NULL;
    json_t *rows = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(rows, row_json(st));
    if (rc != SQLITE_DONE) {
        db_fail(db, e, "read");
        json_decref(rows);
        rows = NULL;
    }
    sqlite3_reset(st);
    return rows;
}

int sqlite_query_int_va(struct db *db, struct err *e, int64_t *out, const char *sql,
                        const char *fmt, va_list ap)
{
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    if (!st) return -1;
    int found = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = db_fail(db, e, "read");
    }
    sqlite3_reset(st);
    return found;
}

const struct db_backend db_sqlite_backend = {
    .name = "sqlite",
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .commit_lazily = sqlite_commit_lazily,
    .in_tx = sqlite_in_tx,
    .exec = sqlite_exec_va,
    .insert = sqlite_insert_va,
    .query_one = sqlite_query_one_va,
    .query_all = sqlite_query_all_va,
    .query_int = sqlite_query_int_va,
    .rows_open = sqlite_rows_open,
    .rows_next = sqlite_rows_next,
    .rows_int = sqlite_rows_int,
    .rows_text = sqlite_rows_text,
    .rows_close = sqlite_rows_close,
    .rows_null = sqlite_rows_null,
    .exec_texts = sqlite_exec_texts,
    .backup = sqlite_backup,
    .script = sqlite_script,
    .foreign_keys = sqlite_foreign_keys,
};

int db_sqlite_open(const char *path, struct db **out, struct err *e)
{
    return sqlite_open(path, &db_sqlite_backend, out, e);
}
