/*
 * db_pg — what the PostgreSQL backend's files (db_pg.c: connections,
 * reconnection and transactions; db_pg_query.c, above it: statements, binding,
 * rows and the table of functions) share, and nothing else includes.
 */
#ifndef PHAROS_DB_PG_H
#define PHAROS_DB_PG_H
#include "store/db_backend.h"
#include <libpq-fe.h>

enum { PG_CACHE_SLOTS = 512, PG_MAX_PARAMS = 64 };

/* A statement prepared on the connection, by the address of its SQL text. */
struct pg_stmt {
    const char *sql;
    bool insert; /* prepared with " RETURNING id" (db_insert) */
    int nparams;
    char name[12];
};

struct pg_db {
    struct db base; /* first: store/db_backend.h */
    char *url;
    PGconn *conn; /* NULL while the database cannot be reached */
    bool in_tx;
    int64_t retry_us; /* monotonic time before which no reconnection is tried */
    int backoff_ms;
    char down[256]; /* why the last connection failed: the 503's message */
    bool listening; /* LISTEN pharos_public ran on this connection (db_wait_changes) */
    struct pg_stmt cache[PG_CACHE_SLOTS];
    unsigned named; /* statements prepared on this connection */
};

struct pg_db *pg(struct db *db);
/* Connects to URL for the backend BE: 0 and *OUT, or -1 with E filled (503 when the
 * server cannot be reached). */
int pg_open(const char *url, const struct db_backend *be, struct db **out, struct err *e);
void pg_close(struct db *db);
int pg_begin(struct db *db, struct err *e);
int pg_commit(struct db *db, struct err *e);
void pg_rollback(struct db *db);
bool pg_in_tx(struct db *db);
int pg_script(struct db *db, const char *sql, struct err *e);
int pg_migrate_lock(struct db *db, struct err *e);
void pg_migrate_unlock(struct db *db);
int pg_sync_ids(struct db *db, const char *table, struct err *e);
int pg_wait_changes(struct db *db, int timeout_ms,
                    void (*on)(void *arg, int64_t page_id, int64_t version), void *arg,
                    struct err *e);
/* A usable connection: connects (or reconnects, no more often than the backoff
 * allows) when there is none. NULL with E filled (503) when the database is down. */
PGconn *pg_conn(struct pg_db *d, struct err *e);
/* Fills E for the failed RES (may be NULL) of the operation WHAT and returns -1: a
 * conflict is 409, a full disk 507, a lost connection 503 (and dropped, so the next call
 * reconnects), anything else 500 (logged). Clears RES. */
int pg_fail(struct pg_db *d, PGresult *res, struct err *e, const char *what);

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
