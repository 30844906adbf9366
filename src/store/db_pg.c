/*
 * db_pg — the PostgreSQL backend (store/db_backend.h) on libpq: one connection
 * per `struct db` (per thread), transactions, reconnection and the
 * notifications other nodes listen for. Statements and rows are db_pg_query.c's.
 *
 * Writers: db_begin() is BEGIN plus a transaction-level advisory lock
 * (WRITE_LOCK), so write transactions run one at a time across every node, as
 * they do on SQLite's one writer: the use cases of app/ read, decide and write
 * inside one transaction and may rely on nothing changing under them. Readers
 * never wait for it. COMMIT returns once the commit is durable
 * (synchronous_commit, PostgreSQL's default), so a 2xx means the write is on
 * disk (SPEC §12). The lock is held for round trips, so a transaction makes as
 * few as it can: BEGIN, the lock and the writes nobody reads an answer of wait in
 * libpq's pipeline and go with the next statement that needs one (db_pg.h).
 *
 * The database down: a call that finds the connection broken fails with 503
 * "database unavailable: …" and drops it; the next call reconnects, at most
 * once per backoff (100 ms doubling to 5 s), so a dead database costs a request
 * nothing but a refused connect now and then. Prepared statements belong to a
 * connection, so the cache is emptied with it. A transaction broken by a lost
 * connection is gone: every later statement of it fails too (none may run
 * outside it on a new connection), its caller rolls back and answers 503, and
 * nothing of it was committed.
 *
 * Migrations run under a session-level advisory lock (MIGRATE_LOCK), so nodes
 * starting together apply each once.
 */
#include "store/db_pg.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Advisory lock keys: "phar" "os" in ASCII, and the next. */
#define WRITE_LOCK "1885888882"
#define MIGRATE_LOCK "1885888883"
enum { BACKOFF_MIN_MS = 100, BACKOFF_MAX_MS = 5000 };

struct pg_db *pg(struct db *db)
{
    assert(strcmp(db->be->name, "postgresql") == 0);
    return (struct pg_db *)db;
}

/* Forgets the connection and what was prepared on it. */
static void drop(struct pg_db *d)
{
    if (d->conn) PQfinish(d->conn);
    d->conn = NULL;
    d->listening = false;
    d->async_commit = false;
    memset(d->cache, 0, sizeof d->cache);
    d->named = 0;
    d->pipe = false;
    d->pending = 0;
}

/* Copies libpq's message (several lines, some indented) into D->down as one line. */
static void note_down(struct pg_db *d, const char *msg)
{
    size_t n = 0;
    for (const char *p = msg && *msg ? msg : "no connection"; *p && n + 1 < sizeof d->down; p++) {
        bool blank = *p == '\n' || *p == '\t' || *p == ' ';
        if (blank && (n == 0 || d->down[n - 1] == ' ')) continue;
        d->down[n++] = blank ? ' ' : *p;
    }
    while (n && d->down[n - 1] == ' ')
        n--;
    d->down[n] = '\0';
}

static int unavailable(struct pg_db *d, struct err *e)
{
    return err_set(e, ERR_UNAVAILABLE, "database unavailable: %s", d->down);
}

/* libpq's notices (NOTICE: relation already exists, skipping) are not errors. */
static void on_notice(void *arg, const char *message)
{
    (void)arg;
    log_debug("postgresql: %s", message);
}

/* Opens a connection to D->url; 0, or -1 with D->down saying why. */
static int connect_now(struct pg_db *d)
{
    /* connect_timeout and application_name come first, so the URL's own win */
    const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *vals[] = {"5", "pharos", d->url, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        note_down(d, c ? PQerrorMessage(c) : "out of memory");
        PQfinish(c);
        return -1;
    }
    /* Times are Unix seconds in BIGINT columns, so the session's zone matters only to
     * what an operator reads with psql; UTF-8 is what pharos stores and checks. */
    PGresult *r = PQexec(c, "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        note_down(d, PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PQsetNoticeProcessor(c, on_notice, NULL);
    d->conn = c;
    return 0;
}

PGconn *pg_conn(struct pg_db *d, struct err *e)
{
    if (d->conn && PQstatus(d->conn) == CONNECTION_OK) return d->conn;
    if (d->conn) drop(d);
    if (d->in_tx) { /* the transaction died with its connection: nothing more of it runs */
        unavailable(d, e);
        return NULL;
    }
    int64_t now = time_mono_us();
    if (now < d->retry_us) {
        unavailable(d, e);
        return NULL;
    }
    if (connect_now(d) != 0) {
        db_log_unavailable(d->down);
        d->backoff_ms = d->backoff_ms ? d->backoff_ms * 2 : BACKOFF_MIN_MS;
        if (d->backoff_ms > BACKOFF_MAX_MS) d->backoff_ms = BACKOFF_MAX_MS;
        d->retry_us = now + (int64_t)d->backoff_ms * 1000;
        unavailable(d, e);
        return NULL;
    }
    if (d->backoff_ms) log_info("postgresql: connected again");
    d->backoff_ms = 0;
    d->retry_us = 0;
    return d->conn;
}

int pg_fail(struct pg_db *d, PGresult *res, struct err *e, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : "";
    if (!msg || !*msg) msg = d->conn ? PQerrorMessage(d->conn) : "";
    int rc;
    if (!d->conn || PQstatus(d->conn) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
        strncmp(state, "57P", 3) == 0) {
        /* the connection is gone (or the server is shutting down): reconnect next time */
        note_down(d, msg);
        db_log_unavailable(d->down);
        drop(d);
        rc = unavailable(d, e);
    } else if (strncmp(state, "23", 2) == 0) {
        rc = err_set(e, ERR_CONFLICT, "%s conflicts with existing data", what);
    } else if (strcmp(state, "53100") == 0) {
        db_log_storage_full(PQdb(d->conn), what, msg);
        rc = err_set(e, ERR_STORAGE_FULL,
                     "storage is full: the database could not %s, so nothing was written; "
                     "the server's operator must free disk space",
                     what);
    } else {
        log_error("postgresql: %s: %s (%s)", what, msg, state);
        rc = err_set(e, ERR_INTERNAL, "the database failed while trying to %s", what);
    }
    PQclear(res);
    return rc;
}

/* Runs SQL (no arguments) expecting STATUS. 0, or -1 with E filled. */
static int simple(struct pg_db *d, const char *sql, ExecStatusType status, const char *what,
                  struct err *e)
{
    PGconn *c = pg_conn(d, e);
    if (!c || pg_pipe_finish(d, NULL, what, e) != 0) return -1;
    PGresult *r = PQexec(d->conn, sql);
    if (PQresultStatus(r) != status) return pg_fail(d, r, e, what);
    PQclear(r);
    return 0;
}

void pg_close(struct db *db)
{
    struct pg_db *d = pg(db);
    drop(d);
    free(d->url);
    free(d);
}

int pg_open(const char *url, const struct db_backend *be, struct db **out, struct err *e)
{
    struct pg_db *d = xcalloc(1, sizeof *d);
    d->base.be = be;
    d->url = xstrdup(url);
    if (connect_now(d) != 0) {
        err_set(e, ERR_UNAVAILABLE, "database unavailable: %s", d->down);
        pg_close(&d->base);
        return -1;
    }
    *out = &d->base;
    return 0;
}

int pg_pipe_open(struct pg_db *d, struct err *e)
{
    PGconn *c = pg_conn(d, e);
    if (!c) return -1;
    if (d->pipe) return 0;
    if (!PQenterPipelineMode(c)) return pg_fail(d, NULL, e, "write");
    d->pipe = true;
    d->pending = 0;
    d->pipe_named = d->named;
    return 0;
}

int pg_pipe_sent(struct pg_db *d, int sent, const char *what, struct err *e)
{
    assert(d->pipe);
    if (!sent) return pg_fail(d, NULL, e, what);
    d->pending++;
    return 0;
}

/* Forgets the statements prepared since number FIRST: a failed pipeline skipped them. */
static void forget_prepared(struct pg_db *d, unsigned first)
{
    for (size_t i = 0; i < PG_CACHE_SLOTS; i++)
        if (d->cache[i].sql && d->cache[i].number >= first)
            memset(&d->cache[i], 0, sizeof d->cache[i]);
}

int pg_pipe_finish(struct pg_db *d, PGresult **last, const char *what, struct err *e)
{
    if (last) *last = NULL;
    if (!d->pipe) return 0;
    PGconn *c = d->conn;
    assert(c);
    PGresult *failed = NULL, *own = NULL;
    bool failed_own = false;
    if (!PQpipelineSync(c)) return pg_fail(d, NULL, e, what);
    /* each command's result is followed by a NULL; the sync point's ends the pipeline */
    for (int n = 0, nulls = 0;;) {
        PGresult *r = PQgetResult(c);
        if (!r) {
            if (PQstatus(c) == CONNECTION_OK && ++nulls <= d->pending + 1) continue;
            PQclear(failed);
            PQclear(own);
            return pg_fail(d, NULL, e, what);
        }
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        bool is_own = n++ == d->pending - 1;
        if ((st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) && !failed) {
            failed = r;
            failed_own = is_own;
        } else if (is_own && last && st != PGRES_PIPELINE_ABORTED && !own) {
            own = r;
        } else {
            PQclear(r);
        }
    }
    d->pending = 0;
    d->pipe = false;
    if (!PQexitPipelineMode(c)) {
        PQclear(failed);
        PQclear(own);
        return pg_fail(d, NULL, e, what);
    }
    if (failed) {
        PQclear(own);
        forget_prepared(d, d->pipe_named);
        /* a command sent ahead failed: a write (BEGIN and the lock are one too) */
        return pg_fail(d, failed, e, failed_own ? what : "write");
    }
    if (last)
        *last = own;
    else
        PQclear(own);
    return 0;
}

int pg_begin(struct db *db, bool shared, struct err *e)
{
    struct pg_db *d = pg(db);
    assert(!d->in_tx);
    const char *lock = shared ? "SELECT pg_advisory_xact_lock_shared(" WRITE_LOCK ")"
                              : "SELECT pg_advisory_xact_lock(" WRITE_LOCK ")";
    /* sent ahead: they reach the server with the transaction's first statement */
    if (pg_pipe_open(d, e) != 0) return -1;
    if (d->lazy && !d->async_commit) {
        if (pg_pipe_sent(d,
                         PQsendQueryParams(d->conn, "SET synchronous_commit = off", 0, NULL, NULL,
                                           NULL, NULL, 0),
                         "start a transaction", e) != 0)
            return -1;
        d->async_commit = true;
    }
    if (pg_pipe_sent(d, PQsendQueryParams(d->conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0),
                     "start a transaction", e) != 0 ||
        pg_pipe_sent(d, PQsendQueryParams(d->conn, lock, 0, NULL, NULL, NULL, NULL, 0),
                     "start a transaction", e) != 0)
        return -1; /* pg_fail dropped the connection, and the pipeline with it */
    d->in_tx = true;
    return 0;
}

void pg_commit_lazily(struct db *db)
{
    pg(db)->lazy = true;
}

void pg_rollback(struct db *db)
{
    struct pg_db *d = pg(db);
    if (!d->in_tx) return;
    d->in_tx = false;
    struct err ignored = {0}; /* what was sent ahead is undone: its errors tell nothing */
    if (d->pipe) pg_pipe_finish(d, NULL, "roll back", &ignored);
    if (d->conn) PQclear(PQexec(d->conn, "ROLLBACK"));
}

int pg_commit(struct db *db, struct err *e)
{
    struct pg_db *d = pg(db);
    assert(d->in_tx);
    d->in_tx = false;
    if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) return pg_fail(d, NULL, e, "commit");
    PGresult *r = NULL;
    if (d->pipe) { /* the writes sent ahead and the COMMIT: one round trip */
        if (!PQsendQueryParams(d->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0))
            return pg_fail(d, NULL, e, "commit");
        d->pending++;
        if (pg_pipe_finish(d, &r, "commit", e) != 0) {
            /* a write failed, so the COMMIT was skipped and the transaction stays open */
            if (d->conn) PQclear(PQexec(d->conn, "ROLLBACK"));
            return -1;
        }
    } else {
        r = PQexec(d->conn, "COMMIT");
    }
    /* COMMIT of a transaction an error aborted answers "ROLLBACK": nothing was written */
    if (PQresultStatus(r) != PGRES_COMMAND_OK) return pg_fail(d, r, e, "commit");
    bool committed = strcmp(PQcmdStatus(r), "COMMIT") == 0;
    PQclear(r);
    if (!committed)
        return err_set(e, ERR_INTERNAL, "the database rolled back a failed transaction");
    return 0;
}

bool pg_in_tx(struct db *db)
{
    return pg(db)->in_tx;
}

int pg_script(struct db *db, const char *sql, struct err *e)
{
    struct pg_db *d = pg(db);
    if (!d->conn) return unavailable(d, e);
    if (pg_pipe_finish(d, NULL, "write", e) != 0) return -1;
    PGresult *r = PQexec(d->conn, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        PQclear(r);
        return 0;
    }
    err_set(e, ERR_INTERNAL, "%s", PQresultErrorMessage(r));
    PQclear(r);
    return -1;
}

int pg_migrate_lock(struct db *db, struct err *e)
{
    return simple(pg(db), "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", PGRES_TUPLES_OK,
                  "wait for other nodes' migrations", e);
}

void pg_migrate_unlock(struct db *db)
{
    struct pg_db *d = pg(db);
    if (d->conn) PQclear(PQexec(d->conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")"));
}

int pg_wait_changes(struct db *db, int timeout_ms, int wake_fd,
                    void (*on)(void *arg, int64_t page_id, const char *node), void *arg,
                    struct err *e)
{
    struct pg_db *d = pg(db);
    PGconn *c = pg_conn(d, e);
    if (!c) return -1;
    if (!d->listening) {
        if (simple(d, "LISTEN pharos_public", PGRES_COMMAND_OK, "listen for changes", e) != 0)
            return -1;
        d->listening = true;
    }
    struct pollfd p[2] = {{.fd = PQsocket(c), .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
    if (poll(p, wake_fd >= 0 ? 2 : 1, timeout_ms) < 0 && errno != EINTR)
        return err_set(e, ERR_INTERNAL, "waiting for changes: %s", strerror(errno));
    if (!PQconsumeInput(c)) return pg_fail(d, NULL, e, "listen for changes");
    PGnotify *n;
    while ((n = PQnotifies(c))) {
        int64_t page = 0;
        int at = 0;
        if (sscanf(n->extra, "%" SCNd64 " %n", &page, &at) == 1 && page > 0 && at > 0)
            on(arg, page, n->extra + at);
        PQfreemem(n);
    }
    return 0;
}

int pg_sync_ids(struct db *db, const char *table, struct err *e)
{
    struct pg_db *d = pg(db);
    PGconn *c = pg_conn(d, e);
    if (!c) return -1;
    /* TABLE comes from store/copy.c's own list; quoted all the same */
    char *lit = PQescapeLiteral(c, table, strlen(table)),
         *id = PQescapeIdentifier(c, table, strlen(table));
    char *sql = xasprintf("SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1), "
                          "MAX(id) IS NOT NULL) FROM %s",
                          lit, id);
    PQfreemem(lit);
    PQfreemem(id);
    int rc = simple(d, sql, PGRES_TUPLES_OK, "set the next id", e);
    free(sql);
    return rc;
}
