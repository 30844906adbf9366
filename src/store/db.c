/*
 * db — the front of the storage layer: picks the backend a database URL names
 * and hands every call to its table of functions (store/db_backend.h). The
 * conventions that make both engines answer alike live here too: how a column
 * becomes JSON, and which clauses only the multi-writer engine needs.
 */
#include "store/db_backend.h"
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

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

const char *db_url_redacted(const char *url, char *buf, size_t size)
{
    const char *auth = strstr(url, "://"), *at = NULL, *colon = NULL;
    if (auth) {
        auth += 3;
        size_t alen = strcspn(auth, "/?#");
        at = memrchr(auth, '@', alen); /* the last: a password may hold an unescaped '@' */
        colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    }
    size_t n = 0;
    for (const char *p = url; *p && n + 13 < size;) {
        if (colon && p == colon + 1) { /* user:PASSWORD@ */
            n += (size_t)snprintf(buf + n, size - n, "***");
            p = at;
        } else if (p > url && (p[-1] == '?' || p[-1] == '&') && strncmp(p, "password=", 9) == 0) {
            n += (size_t)snprintf(buf + n, size - n, "password=***");
            p += 9 + strcspn(p + 9, "&#");
        } else {
            buf[n++] = *p++;
        }
    }
    buf[n] = '\0';
    return buf;
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
    return db->be->begin(db, false, e);
}

int db_begin_shared(struct db *db, struct err *e)
{
    return db->be->begin(db, true, e);
}

void db_commit_lazily(struct db *db)
{
    db->be->commit_lazily(db);
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

int db_wait_changes(struct db *db, int timeout_ms, int wake_fd,
                    void (*on)(void *arg, int64_t page_id, const char *node), void *arg,
                    struct err *e)
{
    assert(!db_in_transaction(db));
    if (db->be->wait_changes) return db->be->wait_changes(db, timeout_ms, wake_fd, on, arg, e);
    struct pollfd p = {.fd = wake_fd, .events = POLLIN};
    if (poll(&p, wake_fd >= 0 ? 1 : 0, timeout_ms) < 0 && errno != EINTR)
        return err_set(e, ERR_INTERNAL, "waiting for changes: %s", strerror(errno));
    return 0;
}

int db_announce_change(struct db *db, int64_t page_id, const char *node, struct err *e)
{
    assert(!db_in_transaction(db) && page_id > 0 && node);
    return db->be->announce_change ? db->be->announce_change(db, page_id, node, e) : 0;
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

bool db_rows_null(const struct db_rows *r, int col)
{
    return r->db->be->rows_null(r, col);
}

int db_exec_texts(struct db *db, struct err *e, const char *sql, int n, const char *const *values)
{
    return db->be->exec_texts(db, e, sql, n, values);
}

int db_sync_ids(struct db *db, const char *table, struct err *e)
{
    return db->be->sync_ids ? db->be->sync_ids(db, table, e) : 0;
}

int db_backup(struct db *db, const char *path, struct err *e)
{
    if (!db->be->backup)
        return err_set(e, ERR_INVALID,
                       "pharos backup writes SQLite files; back up PostgreSQL with pg_dump "
                       "(docs/deployment.md)");
    return db->be->backup(db, path, e);
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
