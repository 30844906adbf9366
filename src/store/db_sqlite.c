/*
 * db_sqlite — the SQLite backend (store/db_backend.h): connections, the
 * statement cache and transactions. Queries are db_sqlite_query.c's. See db.h.
 *
 * Each `struct db` (one per thread) owns a reader connection. Writes go through
 * one writer connection per database file, shared by every thread of the
 * process and used only under its mutex: db_begin() takes the mutex and
 * switches the db to the writer until commit or rollback. One connection for
 * all writes keeps its page cache warm (a per-thread connection would reload
 * pages after every commit of another thread), and the mutex queues writers
 * without SQLite's sleeping busy handler. Other processes (the CLI) are kept
 * out by BEGIN IMMEDIATE and the busy timeout.
 *
 * Group commit: the writer commits with synchronous=NORMAL (no fsync inside
 * the lock), then db_commit() releases the lock and waits until an fdatasync
 * of the WAL that started after its commit has finished. One thread at a time
 * runs that fsync and it covers every commit made before it began, so writers
 * overlap their commits with one another's flushes and a 2xx still means the
 * write is on disk (SPEC §12). The WAL is kept (PERSIST_WAL) so its file
 * descriptor stays valid. A db that commits lazily (db_commit_lazily: the
 * dispatcher's) does not wait: the checkpoint thread flushes before each
 * checkpoint, and any other writer's flush covers its commits too.
 *
 * Checkpoints: the writer never checkpoints on commit (wal_autocheckpoint=0);
 * a background thread per writer runs PASSIVE checkpoints every 100 ms, so no
 * request pays for copying the WAL back into the database.
 *
 * A full disk (SQLITE_FULL, or an I/O error with ENOSPC or EDQUOT) on any
 * statement, commit or checkpoint is ERR_STORAGE_FULL: the failed
 * transaction is rolled back whole, so nothing of it stays, while what was
 * committed before is untouched. Every write fails while the disk is full, so it
 * is logged at most once a minute (db_log_storage_full), not once per request or
 * per 100 ms checkpoint.
 *
 * Invariants: a cached statement is reset before it is handed out; the writer's
 * mutex is held exactly while db->in_tx is true.
 */
#include "store/db_sqlite.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { CACHE_SLOTS = 512 };

struct cached {
    const char *sql;
    sqlite3_stmt *stmt;
};

struct conn {
    sqlite3 *h;
    struct cached cache[CACHE_SLOTS];
};

struct writer {
    struct writer *next;
    char *path;
    int refs;
    struct conn conn;
    pthread_mutex_t lock;
    /* background checkpoints */
    pthread_t thread;
    bool thread_started, stopping;
    pthread_mutex_t stop_lock;
    pthread_cond_t stop_cond;
    /* group commit */
    int wal_fd;                 /* -1 until the first commit */
    uint64_t committed, synced; /* commit sequence numbers */
    uint64_t fsyncs;            /* fdatasync calls made (sqlite_fsyncs) */
    bool syncing;
    pthread_mutex_t sync_lock;
    pthread_cond_t sync_cond;
};

struct sqlite_db {
    struct db base; /* first: store/db_backend.h */
    struct conn reader;
    struct writer *w;
    bool in_tx;
    bool lazy;                      /* db_commit_lazily: commits do not wait for the fsync */
    sqlite3_int64 changes_at_begin; /* the writer's total_changes when this db began */
};

static struct sqlite_db *sq(struct db *db)
{
    assert(strcmp(db->be->name, "sqlite") == 0);
    return (struct sqlite_db *)db;
}

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct writer *writers;

/* Opens a connection to PATH with the settings every connection shares. */
static int conn_open(struct conn *c, const char *path, const char *extra, struct err *e)
{
    memset(c, 0, sizeof *c);
    if (sqlite3_open_v2(path, &c->h,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return err_set(e, ERR_INTERNAL, "cannot open database %s: %s", path,
                       c->h ? sqlite3_errmsg(c->h) : "out of memory");
    sqlite3_busy_timeout(c->h, 10000);
    char *msg = NULL;
    char *sql = xasprintf("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                          "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; %s",
                          extra ? extra : "");
    int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
    free(sql);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_INTERNAL, "cannot set up database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static void conn_close(struct conn *c)
{
    for (int i = 0; i < CACHE_SLOTS; i++)
        sqlite3_finalize(c->cache[i].stmt);
    sqlite3_close(c->h);
    c->h = NULL;
}

/* True when the last error of H (extended CODE) means the disk is full. */
static bool is_full(sqlite3 *h, int code)
{
    int sys = sqlite3_system_errno(h);
    return (code & 0xff) == SQLITE_FULL ||
           ((code & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT));
}

static int sync_to(struct writer *w, uint64_t seq, struct err *e);

/* Puts on disk the commits that did not wait for it (db_commit_lazily). */
static void flush_lazy(struct writer *w)
{
    pthread_mutex_lock(&w->sync_lock);
    uint64_t seq = w->committed;
    bool behind = seq > w->synced && w->wal_fd >= 0;
    pthread_mutex_unlock(&w->sync_lock);
    struct err e = {0};
    if (behind) sync_to(w, seq, &e); /* a failure is logged there */
}

static void *checkpointer(void *arg)
{
    struct writer *w = arg;
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(w->path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        log_error("sqlite: checkpointer cannot open %s", w->path);
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h, 1000);
    /* A connection that has never read the database has not opened its WAL, and a
     * checkpoint on it silently does nothing (SQLite 3.40): read once first. */
    if (sqlite3_exec(h, "SELECT 1 FROM sqlite_master LIMIT 1", NULL, NULL, NULL) != SQLITE_OK)
        log_error("sqlite: checkpointer cannot read %s: %s", w->path, sqlite3_errmsg(h));
    pthread_mutex_lock(&w->stop_lock);
    while (!w->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->stop_cond, &w->stop_lock, &ts);
        if (w->stopping) break;
        pthread_mutex_unlock(&w->stop_lock);
        flush_lazy(w);
        int log = 0, done = 0;
        int rc = sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && is_full(h, sqlite3_extended_errcode(h)))
            db_log_storage_full(w->path, "checkpoint", sqlite3_errmsg(h));
        else if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log_error("sqlite: checkpoint of %s failed: %s", w->path, sqlite3_errmsg(h));
        pthread_mutex_lock(&w->stop_lock);
    }
    pthread_mutex_unlock(&w->stop_lock);
    sqlite3_close(h);
    return NULL;
}

static void writer_free(struct writer *w)
{
    if (w->thread_started) {
        pthread_mutex_lock(&w->stop_lock);
        w->stopping = true;
        pthread_cond_signal(&w->stop_cond);
        pthread_mutex_unlock(&w->stop_lock);
        pthread_join(w->thread, NULL);
    }
    conn_close(&w->conn);
    if (w->wal_fd >= 0) close(w->wal_fd);
    pthread_mutex_destroy(&w->sync_lock);
    pthread_cond_destroy(&w->sync_cond);
    pthread_mutex_destroy(&w->lock);
    pthread_mutex_destroy(&w->stop_lock);
    pthread_cond_destroy(&w->stop_cond);
    free(w->path);
    free(w);
}

/* The writer for PATH, created on first use; its reference count is raised. */
static struct writer *writer_get(const char *path, struct err *e)
{
    pthread_mutex_lock(&registry_lock);
    struct writer *w;
    for (w = writers; w; w = w->next)
        if (strcmp(w->path, path) == 0) {
            w->refs++;
            goto out;
        }
    w = xcalloc(1, sizeof *w);
    w->path = xstrdup(path);
    w->refs = 1;
    pthread_mutex_init(&w->lock, NULL);
    pthread_mutex_init(&w->stop_lock, NULL);
    pthread_cond_init(&w->stop_cond, NULL);
    pthread_mutex_init(&w->sync_lock, NULL);
    pthread_cond_init(&w->sync_cond, NULL);
    w->wal_fd = -1;
    if (conn_open(&w->conn, path, "PRAGMA wal_autocheckpoint=0; PRAGMA synchronous=NORMAL;", e) !=
        0) {
        writer_free(w);
        w = NULL;
        goto out;
    }
    int persist = 1;
    sqlite3_file_control(w->conn.h, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    w->thread_started = pthread_create(&w->thread, NULL, checkpointer, w) == 0;
    w->next = writers;
    writers = w;
out:
    pthread_mutex_unlock(&registry_lock);
    return w;
}

static void writer_put(struct writer *w)
{
    pthread_mutex_lock(&registry_lock);
    if (--w->refs > 0) {
        pthread_mutex_unlock(&registry_lock);
        return;
    }
    for (struct writer **p = &writers; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    pthread_mutex_unlock(&registry_lock);
    writer_free(w);
}

void sqlite_close(struct db *db)
{
    struct sqlite_db *d = sq(db);
    if (d->in_tx) sqlite_rollback(db);
    conn_close(&d->reader);
    if (d->w) writer_put(d->w);
    free(d);
}

int sqlite_open(const char *path, const struct db_backend *be, struct db **out, struct err *e)
{
    struct sqlite_db *d = xcalloc(1, sizeof *d);
    d->base.be = be;
    /* The writer first: it creates the file and sets WAL mode. */
    if (!(d->w = writer_get(path, e)) || conn_open(&d->reader, path, NULL, e) != 0) {
        sqlite_close(&d->base);
        return -1;
    }
    *out = &d->base;
    return 0;
}

static struct conn *active(struct db *db)
{
    struct sqlite_db *d = sq(db);
    return d->in_tx ? &d->w->conn : &d->reader;
}

sqlite3 *db_handle(struct db *db)
{
    return active(db)->h;
}

int db_fail(struct db *db, struct err *e, const char *what)
{
    sqlite3 *h = db_handle(db);
    int code = sqlite3_extended_errcode(h);
    if ((code & 0xff) == SQLITE_CONSTRAINT)
        return err_set(e, ERR_CONFLICT, "%s conflicts with existing data", what);
    if (is_full(h, code)) {
        db_log_storage_full(sq(db)->w->path, what, sqlite3_errmsg(h));
        return err_set(e, ERR_STORAGE_FULL,
                       "storage is full: the database could not %s, so nothing was written; "
                       "the server's operator must free disk space",
                       what);
    }
    log_error("sqlite: %s: %s (%d)", what, sqlite3_errmsg(h), code);
    return err_set(e, ERR_INTERNAL, "the database failed while trying to %s", what);
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
    struct conn *c = active(db);
    size_t slot = ((uintptr_t)sql >> 3) % CACHE_SLOTS;
    for (int probe = 0; probe < CACHE_SLOTS; probe++, slot = (slot + 1) % CACHE_SLOTS) {
        struct cached *s = &c->cache[slot];
        if (s->sql == sql) {
            sqlite3_reset(s->stmt);
            sqlite3_clear_bindings(s->stmt);
            return s->stmt;
        }
        if (!s->sql) {
            char *plain = db_sql_strip_locks(sql); /* one writer: no row locks to take */
            int rc = sqlite3_prepare_v3(c->h, plain ? plain : sql, -1, SQLITE_PREPARE_PERSISTENT,
                                        &s->stmt, NULL);
            free(plain);
            if (rc != SQLITE_OK) {
                log_error("sqlite: prepare failed: %s in: %s", sqlite3_errmsg(c->h), sql);
                s->stmt = NULL;
                return NULL;
            }
            s->sql = sql;
            return s->stmt;
        }
    }
    log_error("sqlite: statement cache full");
    return NULL;
}

static int run(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    if (!st) return SQLITE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int sqlite_begin(struct db *db, bool shared, struct err *e)
{
    (void)shared; /* one writer: every transaction excludes the others */
    struct sqlite_db *d = sq(db);
    pthread_mutex_lock(&d->w->lock);
    d->in_tx = true;
    if (run(db, "BEGIN IMMEDIATE") != SQLITE_OK) {
        db_fail(db, e, "start a transaction");
        d->in_tx = false;
        pthread_mutex_unlock(&d->w->lock);
        return -1;
    }
    d->changes_at_begin = sqlite3_total_changes64(d->w->conn.h);
    return 0;
}

/* Waits until commit number SEQ is on disk, running the fsync if nobody else is. */
static int sync_to(struct writer *w, uint64_t seq, struct err *e)
{
    int rc = 0;
    pthread_mutex_lock(&w->sync_lock);
    while (w->synced < seq) {
        if (w->syncing) {
            pthread_cond_wait(&w->sync_cond, &w->sync_lock);
            continue;
        }
        w->syncing = true;
        uint64_t target = w->committed; /* every commit so far is in the WAL file */
        pthread_mutex_unlock(&w->sync_lock);
        int r = fdatasync(w->wal_fd);
        int saved = errno;
        pthread_mutex_lock(&w->sync_lock);
        w->fsyncs++;
        w->syncing = false;
        if (r == 0 && target > w->synced) w->synced = target;
        pthread_cond_broadcast(&w->sync_cond);
        if (r != 0) {
            log_error("sqlite: fdatasync of the WAL failed: %s", strerror(saved));
            rc = err_set(e, ERR_INTERNAL, "the database could not flush a commit to disk");
            break;
        }
    }
    pthread_mutex_unlock(&w->sync_lock);
    return rc;
}

void sqlite_rollback(struct db *db)
{
    struct sqlite_db *d = sq(db);
    if (!d->in_tx) return;
    if (sqlite3_get_autocommit(d->w->conn.h) == 0) run(db, "ROLLBACK");
    d->in_tx = false;
    pthread_mutex_unlock(&d->w->lock);
}

int sqlite_commit(struct db *db, struct err *e)
{
    struct sqlite_db *d = sq(db);
    struct writer *w = d->w;
    /* A transaction that changed no row (a claim that found nothing due) put nothing in
     * the WAL: it waits only for the commits before it that it may have read, and
     * usually they are on disk already. Each of the dispatcher's empty claims used to
     * wait for an fsync of its own. */
    bool wrote = sqlite3_total_changes64(w->conn.h) != d->changes_at_begin;
    if (run(db, "COMMIT") != SQLITE_OK) {
        db_fail(db, e, "commit");
        sqlite_rollback(db);
        return -1;
    }
    if (w->wal_fd < 0) {
        char *wal = xasprintf("%s-wal", w->path);
        w->wal_fd = open(wal, O_RDONLY | O_CLOEXEC);
        free(wal);
    }
    int fd = w->wal_fd;
    pthread_mutex_lock(&w->sync_lock);
    uint64_t seq = wrote ? ++w->committed : w->committed;
    pthread_mutex_unlock(&w->sync_lock);
    d->in_tx = false;
    pthread_mutex_unlock(&w->lock);
    if (d->lazy && fd >= 0) return 0; /* the checkpointer flushes it (flush_lazy) */
    if (fd < 0) {
        log_error("sqlite: cannot open the WAL of %s to flush it", w->path);
        return err_set(e, ERR_INTERNAL, "the database could not flush a commit to disk");
    }
    return sync_to(w, seq, e);
}

void sqlite_commit_lazily(struct db *db)
{
    sq(db)->lazy = true;
}

uint64_t sqlite_fsyncs(struct db *db)
{
    struct writer *w = sq(db)->w;
    pthread_mutex_lock(&w->sync_lock);
    uint64_t n = w->fsyncs;
    pthread_mutex_unlock(&w->sync_lock);
    return n;
}

bool sqlite_in_tx(struct db *db)
{
    return sq(db)->in_tx;
}

int sqlite_script(struct db *db, const char *sql, struct err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(db_handle(db), sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    err_set(e, ERR_INTERNAL, "%s", msg ? msg : "?");
    sqlite3_free(msg);
    return -1;
}

int sqlite_foreign_keys(struct db *db, bool on, struct err *e)
{
    struct sqlite_db *d = sq(db);
    assert(!d->in_tx); /* the pragma does nothing inside a transaction */
    char *msg = NULL;
    pthread_mutex_lock(&d->w->lock);
    int rc = sqlite3_exec(d->w->conn.h, on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF",
                          NULL, NULL, &msg);
    pthread_mutex_unlock(&d->w->lock);
    if (rc == SQLITE_OK) return 0;
    err_set(e, ERR_INTERNAL, "%s", msg ? msg : "?");
    sqlite3_free(msg);
    return -1;
}
