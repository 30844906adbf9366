/*
 * db — the front of the storage layer: picks the backend a database URL names
 * and hands every call to its table of functions (store/db_backend.h). The
 * conventions that make both engines answer alike live here too: how a column
 * becomes JSON, and which clauses only the multi-writer engine needs.
 */
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "store/db_backend.h"
#include <assert.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>

int db_open(const char *url, struct db **out, struct err *e)
{
    *out = NULL;
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return db_pg_open(url, out, e);
    if (strncmp(url, "sqlite://", 9) == 0) return db_sqlite_open(url + 9, out, e);
    if (strncmp(url, "sqlite:", 7) == 0) return db_sqlite_open(url + 7, out, e);
    if (strstr(url, "://"))
        return err_set(e, ERR_INVALID,
                       "storage.database: unknown database URL \"%.200s\" (use sqlite:PATH or "
                       "postgresql://USER@HOST/DB)",
                       url);
    return db_sqlite_open(url, out, e);
}

void db_close(struct db *db)
{
    if (db) db->be->close(db);
}

const char *db_kind(const struct db *db)
{
    return db->be->name;
}

int db_begin(struct db *db, struct err *e)
{
    return db->be->begin(db, e);
}

int db_commit(struct db *db, struct err *e)
{
    return db->be->commit(db, e);
}

void db_rollback(struct db *db)
{
    db->be->rollback(db);
}

bool db_in_transaction(struct db *db)
{
    return db->be->in_tx(db);
}

int db_notify(struct db *db, int64_t page_id, struct err *e)
{
    assert(db_in_transaction(db));
    return db->be->notify ? db->be->notify(db, page_id, e) : 0;
}

int db_exec(struct db *db, struct err *e, int *changes, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = db->be->exec(db, e, changes, sql, fmt, ap);
    va_end(ap);
    return rc;
}

int64_t db_insert(struct db *db, struct err *e, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int64_t id = db->be->insert(db, e, sql, fmt, ap);
    va_end(ap);
    return id;
}

json_t *db_query_one(struct db *db, struct err *e, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *row = db->be->query_one(db, e, sql, fmt, ap);
    va_end(ap);
    return row;
}

json_t *db_query_all(struct db *db, struct err *e, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *rows = db->be->query_all(db, e, sql, fmt, ap);
    va_end(ap);
    return rows;
}

int db_query_int(struct db *db, struct err *e, int64_t *out, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = db->be->query_int(db, e, out, sql, fmt, ap);
    va_end(ap);
    return rc;
}

int db_rows_open(struct db_rows *r, struct db *db, struct err *e, const char *what, const char *sql,
                 const char *fmt, ...)
{
    *r = (struct db_rows){.db = db, .what = what};
    va_list ap;
    va_start(ap, fmt);
    int rc = db->be->rows_open(r, e, sql, fmt, ap);
    va_end(ap);
    return rc;
}

int db_rows_next(struct db_rows *r, struct err *e)
{
    assert(r->stmt);
    return r->db->be->rows_next(r, e);
}

int64_t db_rows_int(const struct db_rows *r, int col)
{
    return r->db->be->rows_int(r, col);
}

const char *db_rows_text(const struct db_rows *r, int col)
{
    return r->db->be->rows_text(r, col);
}

void db_rows_close(struct db_rows *r)
{
    if (r->stmt) r->db->be->rows_close(r);
    r->stmt = NULL;
}

int db_ping(struct db *db, struct err *e)
{
    int64_t one = 0;
    return db_query_int(db, e, &one, "SELECT 1", NULL) == 1 && one == 1 ? 0 : -1;
}

/* ---- conventions both backends share ------------------------------------------ */

static const char *bool_columns[] = {
    "hidden",  "notify",       "auto_start", "auto_complete",
    "enabled", "all_services", "showcase",   "only_show_if_degraded",
    "group",   NULL,
};

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

json_t *db_json_value(const char *name, enum db_type type, int64_t i, double d, const char *text,
                      size_t len)
{
    switch (type) {
    case DB_NULL:
        return json_null();
    case DB_INT:
        if (is_time_column(name)) {
            char buf[32];
            return json_string(time_format(i, buf, sizeof buf));
        }
        return is_bool_column(name) ? json_boolean(i != 0) : json_integer(i);
    case DB_REAL:
        return json_real(d);
    case DB_TEXT: {
        json_t *v = json_stringn(text, len);
        /* stored text is validated on the way in; never expected */
        return v ? v : json_string("");
    }
    }
    return json_null();
}

void db_log_storage_full(const char *where, const char *what, const char *detail)
{
    static _Atomic int64_t next_us; /* monotonic time before which nothing is logged */
    int64_t now = time_mono_us(), due = atomic_load(&next_us);
    if (now < due || !atomic_compare_exchange_strong(&next_us, &due, now + 60 * 1000000LL)) return;
    log_error("storage is full: the database %s could not %s (%s); every write fails until "
              "disk space is freed (logged at most once a minute)",
              where, what, detail);
}

/* The lock clauses, longest first. */
static const char *const lock_clauses[] = {" FOR UPDATE SKIP LOCKED", " FOR UPDATE", NULL};

char *db_sql_strip_locks(const char *sql)
{
    if (!strstr(sql, " FOR UPDATE")) return NULL;
    char *out = xstrdup(sql), *w = out;
    for (const char *p = sql; *p;) {
        size_t n = 0;
        for (int i = 0; lock_clauses[i] && !n; i++)
            if (strncmp(p, lock_clauses[i], strlen(lock_clauses[i])) == 0)
                n = strlen(lock_clauses[i]);
        if (n) {
            p += n;
            continue;
        }
        *w++ = *p++;
    }
    *w = '\0';
    return out;
}
