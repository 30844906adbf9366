/*
 * db_pg — what the PostgreSQL backend's files (db_pg.c: connections,
 * reconnection and transactions; db_pg_query.c, above it: statements, binding,
 * rows and the table of functions) share, and nothing else includes.
 */
#ifndef PHAROS_DB_PG_H
#define PHAROS_DB_PG_H
#include "store/db_backend.h"
#include <libpq-fe.h>

enum { PG_CACHE_SLOTS = 512, PG_MAX_PARAMS = 64, PG_PIPE_MAX = 1000 };

/* A statement prepared on the connection, by the address of its SQL text. */
struct pg_stmt {
    const char *sql;
    bool insert; /* prepared with " RETURNING id" (db_insert) */
    int nparams;
    unsigned number; /* its name is "s" and this */
    char name[12];
};

struct pg_db {
    struct db base; /* first: store/db_backend.h */
    char *url;
    PGconn *conn; /* NULL while the database cannot be reached */
    bool in_tx;
    int64_t retry_us; /* monotonic time before which no reconnection is tried */
    int backoff_ms;
    char down[256];    /* why the last connection failed: the 503's message */
    bool listening;    /* LISTEN pharos_public ran on this connection (db_wait_changes) */
    bool async_commit; /* synchronous_commit is off on it (db_announce_change, LAZY) */
    bool lazy;         /* db_commit_lazily: every transaction with synchronous_commit off */
    struct pg_stmt cache[PG_CACHE_SLOTS];
    unsigned named; /* statements prepared on this connection */
    /* The pipeline (libpq's pipeline mode): commands sent whose results are not read yet. */
    bool pipe;
    int pending;         /* commands in it */
    unsigned pipe_named; /* `named` when it opened: what it prepared is forgotten if it fails */
};

struct pg_db *pg(struct db *db);
/* Connects to URL for the backend BE: 0 and *OUT, or -1 with E filled (503 when the
 * server cannot be reached). */
int pg_open(const char *url, const struct db_backend *be, struct db **out, struct err *e);
void pg_close(struct db *db);
int pg_begin(struct db *db, bool shared, struct err *e);
void pg_commit_lazily(struct db *db);
int pg_commit(struct db *db, struct err *e);
void pg_rollback(struct db *db);
bool pg_in_tx(struct db *db);
int pg_script(struct db *db, const char *sql, struct err *e);
int pg_migrate_lock(struct db *db, struct err *e);
void pg_migrate_unlock(struct db *db);
int pg_sync_ids(struct db *db, const char *table, struct err *e);
int pg_wait_changes(struct db *db, int timeout_ms, int wake_fd,
                    void (*on)(void *arg, int64_t page_id, const char *node), void *arg,
                    struct err *e);
int pg_announce_change(struct db *db, int64_t page_id, const char *node, struct err *e);
/* A usable connection: connects (or reconnects, no more often than the backoff
 * allows) when there is none. NULL with E filled (503) when the database is down. */
PGconn *pg_conn(struct pg_db *d, struct err *e);
/* Fills E for the failed RES (may be NULL) of the operation WHAT and returns -1: a
 * conflict is 409, a full disk 507, a lost connection 503 (and dropped, so the next call
 * reconnects), anything else 500 (logged). Clears RES. */
int pg_fail(struct pg_db *d, PGresult *res, struct err *e, const char *what);

/*
 * The pipeline. Inside a transaction, what needs no answer — BEGIN and the write lock,
 * then every write whose row count nobody asked for — is sent without waiting for it
 * (pg_pipe_send), and goes to the server with the next statement that needs an answer
 * (pg_pipe_finish), the COMMIT at the latest: one round trip instead of one each. The
 * first error of a command sent ahead is that next statement's error; it aborted the
 * transaction on the server anyway, so no caller could have gone on after it.
 */
/* Puts D's connection in pipeline mode (if it is not) for a command about to be sent. */
int pg_pipe_open(struct pg_db *d, struct err *e);
/* Counts a command just sent into the pipeline (SENT: what PQsend* returned; WHAT names
 * the operation). 0, or -1 with E filled. Settles the pipeline when it grows long. */
int pg_pipe_sent(struct pg_db *d, int sent, const char *what, struct err *e);
/* Ends the pipeline: marks a sync point, reads every result and leaves pipeline mode.
 * *LAST (LAST may be NULL) gets the last command's result: the caller's statement, WHAT.
 * 0, or -1 with E filled when any command failed (the first failure tells) or the
 * connection broke. Nothing to do without a pipeline. */
int pg_pipe_finish(struct pg_db *d, PGresult **last, const char *what, struct err *e);

/* db_exec() on D's connection (for the backend's own statements). */
int pg_exec(struct db *db, struct err *e, const char *sql, const char *fmt, ...);
int pg_exec_va(struct db *db, struct err *e, int *changes, const char *sql, const char *fmt,
               va_list ap);
int64_t pg_insert_va(struct db *db, struct err *e, const char *sql, const char *fmt, va_list ap);
json_t *pg_query_one_va(struct db *db, struct err *e, const char *sql, const char *fmt, va_list ap);
json_t *pg_query_all_va(struct db *db, struct err *e, const char *sql, const char *fmt, va_list ap);
int pg_query_int_va(struct db *db, struct err *e, int64_t *out, const char *sql, const char *fmt,
                    va_list ap);
int pg_rows_open(struct db_rows *r, struct err *e, const char *sql, const char *fmt, va_list ap);
int pg_rows_next(struct db_rows *r, struct err *e);
int64_t pg_rows_int(const struct db_rows *r, int col);
const char *pg_rows_text(const struct db_rows *r, int col);
void pg_rows_close(struct db_rows *r);
bool pg_rows_null(const struct db_rows *r, int col);
int pg_exec_texts(struct db *db, struct err *e, const char *sql, int n, const char *const *values);

/* SQL with its `?` placeholders numbered ($1, $2 …) outside quotes, plus SUFFIX; *N gets
 * their count. Caller frees. */
char *pg_number_params(const char *sql, const char *suffix, int *n);

#endif
