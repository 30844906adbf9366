/*
 * db — SQLite connection, statement cache, binding helpers and migrations.
 * See db.h for the contracts.
 *
 * Invariants: a cached statement is always reset before it is handed out; the
 * write mutex is held exactly while db->in_tx is true.
 */
#include "store/db.h"
#include "core/embedded.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { CACHE_SLOTS = 512 };

struct cached {
    const char *sql;
    sqlite3_stmt *stmt;
};

struct db {
    sqlite3 *h;
    bool in_tx;
    struct cached cache[CACHE_SLOTS];
};

static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *bool_columns[] = {
    "hidden", "notify", "auto_start", "auto_complete", "enabled", "all_services",
    "showcase", "only_show_if_degraded", "group", NULL,
};

int db_fail(struct db *db, struct err *e, const char *what)
{
    int code = sqlite3_extended_errcode(db->h);
    if ((code & 0xff) == SQLITE_CONSTRAINT)
        return err_set(e, ERR_CONFLICT, "%s conflicts with existing data", what);
    log_error("sqlite: %s: %s (%d)", what, sqlite3_errmsg(db->h), code);
    return err_set(e, ERR_INTERNAL, "the database failed while trying to %s", what);
}

static const char *sqlite_path(const char *url, struct err *e)
{
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        err_set(e, ERR_INVALID,
                "storage.database: PostgreSQL is not supported by this build yet; "
                "use sqlite:PATH");
        return NULL;
    }
    if (strncmp(url, "sqlite://", 9) == 0)
        return url + 9;
    if (strncmp(url, "sqlite:", 7) == 0)
        return url + 7;
    if (strstr(url, "://")) {
        err_set(e, ERR_INVALID, "storage.database: unknown database URL \"%s\" (use sqlite:PATH)",
                url);
        return NULL;
    }
    return url;
}

int db_open(const char *url, struct db **out, struct err *e)
{
    int rc = -1;
    struct db *db = xcalloc(1, sizeof *db);
    const char *path = sqlite_path(url, e);
    if (!path)
        goto out;
    if (sqlite3_open_v2(path, &db->h,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        err_set(e, ERR_INTERNAL, "cannot open database %s: %s", path,
                db->h ? sqlite3_errmsg(db->h) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(db->h, 10000);
    char *msg = NULL;
    if (sqlite3_exec(db->h,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                     "PRAGMA temp_store=MEMORY;",
                     NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, ERR_INTERNAL, "cannot set up database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        goto out;
    }
    *out = db;
    db = NULL;
    rc = 0;
out:
    db_close(db);
    return rc;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    if (db->in_tx)
        db_rollback(db);
    for (int i = 0; i < CACHE_SLOTS; i++)
        sqlite3_finalize(db->cache[i].stmt);
    sqlite3_close(db->h);
    free(db);
}

sqlite3 *db_handle(struct db *db)
{
    return db->h;
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
    size_t slot = ((uintptr_t)sql >> 3) % CACHE_SLOTS;
    for (int probe = 0; probe < CACHE_SLOTS; probe++, slot = (slot + 1) % CACHE_SLOTS) {
        struct cached *c = &db->cache[slot];
        if (c->sql == sql) {
            sqlite3_reset(c->stmt);
            sqlite3_clear_bindings(c->stmt);
            return c->stmt;
        }
        if (!c->sql) {
            if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->stmt, NULL) !=
                SQLITE_OK) {
                log_error("sqlite: prepare failed: %s in: %s", sqlite3_errmsg(db->h), sql);
                c->stmt = NULL;
                return NULL;
            }
            c->sql = sql;
            return c->stmt;
        }
    }
    log_error("sqlite: statement cache full");
    return NULL;
}

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
        if (rc != SQLITE_OK)
            return -1;
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

int db_exec(struct db *db, struct err *e, int *changes, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    va_end(ap);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        db_fail(db, e, "write");
        sqlite3_reset(st);
        return -1;
    }
    if (changes)
        *changes = sqlite3_changes(db->h);
    sqlite3_reset(st);
    return 0;
}

int64_t db_insert(struct db *db, struct err *e, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepare_bound(db, e, sql, fmt, ap);
    va_end(ap);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_fail(db, e, "insert");
    return sqlite3_last_insert_rowid(db->h);
}

static bool is_bool_column(const char *name)
{
    for (int i = 0; bool_columns[i]; i++)
        if (strcmp(name, bool_columns[i]) == 0)
            return true;
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
    if (!st)
        return NULL;
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
    if (!st)
        return NULL;
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
    if (!st)
        return -1;
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

int db_begin(struct db *db, struct err *e)
{
    pthread_mutex_lock(&write_lock);
    if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        pthread_mutex_unlock(&write_lock);
        return db_fail(db, e, "start a transaction");
    }
    db->in_tx = true;
    return 0;
}

int db_commit(struct db *db, struct err *e)
{
    int rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        db_fail(db, e, "commit");
        db_rollback(db);
        return -1;
    }
    db->in_tx = false;
    pthread_mutex_unlock(&write_lock);
    return 0;
}

void db_rollback(struct db *db)
{
    if (!db->in_tx)
        return;
    if (sqlite3_get_autocommit(db->h) == 0)
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    db->in_tx = false;
    pthread_mutex_unlock(&write_lock);
}

bool db_in_transaction(struct db *db)
{
    return db->in_tx;
}

int db_schema_version(struct db *db)
{
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(db->h, "SELECT MAX(version) FROM schema_migrations", -1, &st, NULL) ==
        SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

int db_migrate(struct db *db, struct err *e)
{
    if (sqlite3_exec(db->h,
                     "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                     "name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, e, "create the migrations table");
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        if (strncmp(f->name, "migrations/", 11) != 0)
            continue;
        int version = atoi(f->name + 11);
        if (version <= 0)
            continue;
        if (db_begin(db, e) != 0)
            return -1;
        if (db_schema_version(db) >= version) {
            db_rollback(db);
            continue;
        }
        char *msg = NULL;
        if (sqlite3_exec(db->h, f->data, NULL, NULL, &msg) != SQLITE_OK) {
            err_set(e, ERR_INTERNAL, "migration %s failed: %s", f->name, msg ? msg : "?");
            sqlite3_free(msg);
            db_rollback(db);
            return -1;
        }
        sqlite3_stmt *st;
        sqlite3_prepare_v2(db->h,
                           "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?,?,?)",
                           -1, &st, NULL);
        db_bind(st, "isi", (int64_t)version, f->name + 11, time_now());
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            db_rollback(db);
            return db_fail(db, e, "record a migration");
        }
        if (db_commit(db, e) != 0)
            return -1;
        log_info("applied migration %s", f->name);
    }
    return 0;
}
