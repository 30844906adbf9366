/*
 * db_query — binding helpers, one-shot queries and the row → JSON conversion
 * (see db.h for the format letters and column conventions). Every helper runs
 * on db_handle(db): the thread's reader outside a transaction, the shared
 * writer inside one.
 */
#include "core/log.h"
#include "core/timeutil.h"
#include "store/db_sqlite.h"
#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *bool_columns[] = {
    "hidden",  "notify",       "auto_start", "auto_complete",
    "enabled", "all_services", "showcase",   "only_show_if_degraded",
    "group",   NULL,
};

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

int db_bind(sqlite3_stmt *stmt, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = bind_va(stmt, fmt, ap);
    va_end(ap);
    return rc;
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

int db_rows_open(struct db_rows *r, struct db *db, struct err *e, const char *what, const char *sql,
                 const char *fmt, ...)
{
    va_list ap;
    sqlite3_stmt *st = db_stmt(db, sql);
    *r = (struct db_rows){.db = db, .what = what};
    if (!st) return err_set(e, ERR_INTERNAL, "the database could not prepare a query to %s", what);
    va_start(ap, fmt);
    int rc = bind_va(st, fmt, ap);
    va_end(ap);
    if (rc != 0) {
        sqlite3_reset(st);
        return db_fail(db, e, what);
    }
    r->stmt = st;
    return 0;
}

int db_rows_next(struct db_rows *r, struct err *e)
{
    assert(r->stmt);
    int rc = sqlite3_step(r->stmt);
    if (rc == SQLITE_ROW) return 1;
    return rc == SQLITE_DONE ? 0 : db_fail(r->db, e, r->what);
}

int64_t db_rows_int(const struct db_rows *r, int col)
{
    return sqlite3_column_int64(r->stmt, col);
}

const char *db_rows_text(const struct db_rows *r, int col)
{
    const unsigned char *t = sqlite3_column_text(r->stmt, col);
    return t ? (const char *)t : "";
}

void db_rows_close(struct db_rows *r)
{
    if (r->stmt) sqlite3_reset(r->stmt);
    r->stmt = NULL;
}

int db_ping(struct db *db, struct err *e)
{
    int64_t one = 0;
    return db_query_int(db, e, &one, "SELECT 1", NULL) == 1 && one == 1 ? 0 : -1;
}

int db_exec(struct db *db, struct err *e, int *changes, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    va_end(ap);
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

int64_t db_insert(struct db *db, struct err *e, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    va_end(ap);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return db_fail(db, e, "insert");
    return sqlite3_last_insert_rowid(db_handle(db));
}

static bool is_bool_column(const char *name)
{
    for (int i = 0; bool_columns[i]; i++)
        if (strcmp(name, bool_columns[i]) == 0) return true;
    return false;
}

static bool is_time_column(const char *name)
{
    size_t n = strlen(name);
    return (n > 3 && strcmp(name + n - 3, "_at") == 0) || strcmp(name, "scheduled_start") == 0 ||
           strcmp(name, "scheduled_end") == 0;
}

json_t *db_row_json(sqlite3_stmt *st)
{
    json_t *o = json_object();
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        json_t *v;
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL:
            v = json_null();
            break;
        case SQLITE_INTEGER: {
            sqlite3_int64 x = sqlite3_column_int64(st, i);
            if (is_time_column(name)) {
                char buf[32];
                v = json_string(time_format(x, buf, sizeof buf));
            } else if (is_bool_column(name)) {
                v = json_boolean(x != 0);
            } else {
                v = json_integer(x);
            }
            break;
        }
        case SQLITE_FLOAT:
            v = json_real(sqlite3_column_double(st, i));
            break;
        default:
            v = json_stringn((const char *)sqlite3_column_text(st, i),
                             (size_t)sqlite3_column_bytes(st, i));
            if (!v) /* stored text is validated on the way in; never expected */
                v = json_string("");
            break;
        }
        json_object_set_new(o, name, v);
    }
    return o;
}

json_t *db_query_one(struct db *db, struct err *e, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    va_end(ap);
    if (!st) return NULL;
    json_t *row = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row = db_row_json(st);
    else if (rc == SQLITE_DONE)
        e->code = ERR_OK;
    else
        db_fail(db, e, "read");
    sqlite3_reset(st);
    return row;
}

json_t *db_query_all(struct db *db, struct err *e, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    va_end(ap);
    if (!st) return NULL;
    json_t *rows = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(rows, db_row_json(st));
    if (rc != SQLITE_DONE) {
        db_fail(db, e, "read");
        json_decref(rows);
        rows = NULL;
    }
    sqlite3_reset(st);
    return rows;
}

int db_query_int(struct db *db, struct err *e, int64_t *out, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    va_end(ap);
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
