/*
 * db_pg_query — the PostgreSQL backend's statements and rows, and its table of
 * functions (store/db_backend.h) over these and db_pg.c's connections: each SQL text is
 * prepared once per connection (its `?` numbered $1, $2 …; db_insert's with
 * " RETURNING id" added), arguments are sent as text, typed by their format
 * letter (integers and flags as bigint) or, for text, by their
 * place in the statement; results come back as text, read by
 * column type (integers, booleans as 0/1, floating and numeric values, text) so
 * the JSON of a row is the one SQLite gives (store/db_backend.h).
 *
 * A cursor (db_rows) holds the whole result of its query: the reads that use one
 * are bounded (a page's history, one token), so libpq's row-by-row mode would
 * add round trips for nothing.
 */
#include "core/log.h"
#include "core/xalloc.h"
#include "store/db_pg.h"
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type OIDs of the built-in types read here (PostgreSQL's pg_type.dat). */
enum {
    OID_BOOL = 16,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_OID = 26,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701,
    OID_NUMERIC = 1700,
};

char *pg_number_params(const char *sql, const char *suffix, int *n)
{
    size_t len = strlen(sql), slen = suffix ? strlen(suffix) : 0;
    char *out = xmalloc(len * 4 + slen + 1), *w = out; /* "?" → "$NNN" at most */
    char quote = 0;
    *n = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote) quote = 0; /* a doubled quote reopens at once: same result */
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?') {
            w += sprintf(w, "$%d", ++*n);
            continue;
        }
        *w++ = *p;
    }
    if (suffix) memcpy(w, suffix, slen), w += slen;
    *w = '\0';
    return out;
}

/* The statement for SQL (its arguments of format FMT) on D's connection, prepared on first
 * use. NULL with E filled (WHAT names the operation). */
static struct pg_stmt *prepared(struct pg_db *d, const char *sql, bool insert, const char *fmt,
                                const char *what, struct err *e)
{
    PGconn *c = pg_conn(d, e);
    if (!c) return NULL;
    size_t slot = (((uintptr_t)sql >> 3) ^ insert) % PG_CACHE_SLOTS;
    for (int probe = 0; probe < PG_CACHE_SLOTS; probe++, slot = (slot + 1) % PG_CACHE_SLOTS) {
        struct pg_stmt *s = &d->cache[slot];
        if (s->sql == sql && s->insert == insert) return s;
        if (s->sql) continue;
        int n;
        char *text = pg_number_params(sql, insert ? " RETURNING id" : NULL, &n);
        assert(n <= PG_MAX_PARAMS);
        /* Integers are bigint wherever they stand (a CASE of two arguments would make them
         * text); text is left to the server, which types it by its place. */
        Oid types[PG_MAX_PARAMS] = {0}; /* without FMT (db_exec_texts): all the server's */
        assert(!fmt || (int)strlen(fmt) == n);
        for (int i = 0; fmt && i < n; i++)
            types[i] = fmt[i] == 's' ? 0 : OID_INT8;
        s->number = d->named++;
        snprintf(s->name, sizeof s->name, "s%u", s->number);
        if (d->pipe) { /* prepared in the pipeline: a failure there forgets it (db_pg.c) */
            int sent = PQsendPrepare(c, s->name, text, n, types);
            free(text);
            if (pg_pipe_sent(d, sent, what, e) != 0) return NULL;
        } else {
            PGresult *r = PQprepare(c, s->name, text, n, types);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                if (PQstatus(c) == CONNECTION_OK) /* else pg_fail tells, once a minute */
                    log_error("postgresql: cannot prepare: %s", text);
                free(text);
                pg_fail(d, r, e, what);
                return NULL;
            }
            PQclear(r);
            free(text);
        }
        s->sql = sql;
        s->insert = insert;
        s->nparams = n;
        return s;
    }
    log_error("postgresql: statement cache full");
    err_set(e, ERR_INTERNAL, "the database could not prepare a query");
    return NULL;
}

/* The arguments of FMT/AP for S as text: VALS[i] points into NUMS or at the caller's
 * strings. */
static void bind(const struct pg_stmt *s, const char *fmt, va_list ap,
                 const char *vals[PG_MAX_PARAMS], char nums[PG_MAX_PARAMS][24])
{
    int n = 0;
    for (const char *f = fmt ? fmt : ""; *f; f++, n++) {
        assert(n < s->nparams);
        switch (*f) {
        case 'i':
            snprintf(nums[n], sizeof nums[n], "%" PRId64, va_arg(ap, int64_t));
            vals[n] = nums[n];
            break;
        case 'I': {
            int64_t v = va_arg(ap, int64_t);
            snprintf(nums[n], sizeof nums[n], "%" PRId64, v);
            vals[n] = v ? nums[n] : NULL;
            break;
        }
        case 'b':
            vals[n] = va_arg(ap, int) ? "1" : "0";
            break;
        case 's':
            vals[n] = va_arg(ap, const char *);
            break;
        default:
            abort(); /* a programming error in a format string */
        }
    }
    assert(n == s->nparams);
}

/* Runs the prepared S with VALS and waits for its result, which goes to the server with
 * whatever waits in the pipeline. The result when it has STATUS (PGRES_COMMAND_OK also
 * takes rows: UPDATE … RETURNING run as a write), else NULL with E filled (WHAT names
 * the operation). */
static PGresult *execute(struct pg_db *d, const struct pg_stmt *s, const char *const *vals,
                         ExecStatusType status, const char *what, struct err *e)
{
    PGresult *r;
    if (d->pipe) {
        if (!PQsendQueryPrepared(d->conn, s->name, s->nparams, vals, NULL, NULL, 0))
            return pg_fail(d, NULL, e, what), NULL;
        d->pending++;
        if (pg_pipe_finish(d, &r, what, e) != 0) return NULL;
    } else {
        r = PQexecPrepared(d->conn, s->name, s->nparams, vals, NULL, NULL, 0);
    }
    ExecStatusType got = PQresultStatus(r);
    if (got != status && !(status == PGRES_COMMAND_OK && got == PGRES_TUPLES_OK)) {
        pg_fail(d, r, e, what);
        return NULL;
    }
    return r;
}

/* Sends the prepared S with VALS ahead, inside a transaction: its result is read with the
 * next statement's (db_pg.h, the pipeline). 0, or -1 with E filled. */
static int send_ahead(struct pg_db *d, const struct pg_stmt *s, const char *const *vals,
                      struct err *e)
{
    assert(d->in_tx && d->pipe);
    if (pg_pipe_sent(d, PQsendQueryPrepared(d->conn, s->name, s->nparams, vals, NULL, NULL, 0),
                     "write", e) != 0)
        return -1;
    /* a long run of writes (db copy) is settled now and then, so memory stays bounded */
    return d->pending >= PG_PIPE_MAX ? pg_pipe_finish(d, NULL, "write", e) : 0;
}

/* Runs SQL with the arguments of FMT/AP: execute()'s result, or NULL with E filled. */
static PGresult *run(struct db *db, struct err *e, const char *sql, bool insert, const char *fmt,
                     va_list ap, ExecStatusType status, const char *what)
{
    struct pg_db *d = pg(db);
    struct pg_stmt *s = prepared(d, sql, insert, fmt, what, e);
    if (!s) return NULL;
    const char *vals[PG_MAX_PARAMS];
    char nums[PG_MAX_PARAMS][24];
    bind(s, fmt, ap, vals, nums);
    return execute(d, s, vals, status, what, e);
}

/* Column COL of row ROW as a value of enum db_type. */
static enum db_type cell(const PGresult *r, int row, int col, int64_t *i, double *dbl)
{
    if (PQgetisnull(r, row, col)) return DB_NULL;
    const char *v = PQgetvalue(r, row, col);
    switch (PQftype(r, col)) {
    case OID_BOOL:
        *i = v[0] == 't';
        return DB_INT;
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
        *i = strtoll(v, NULL, 10);
        return DB_INT;
    case OID_NUMERIC: /* SUM() of integers is an integer, as on SQLite; AVG() is not */
        if (!strpbrk(v, ".eEN")) {
            *i = strtoll(v, NULL, 10);
            return DB_INT;
        }
        *dbl = strtod(v, NULL);
        return DB_REAL;
    case OID_FLOAT4:
    case OID_FLOAT8:
        *dbl = strtod(v, NULL);
        return DB_REAL;
    default:
        return DB_TEXT;
    }
}

static json_t *row_json(const PGresult *r, int row)
{
    json_t *o = json_object();
    for (int c = 0, n = PQnfields(r); c < n; c++) {
        int64_t i = 0;
        double dbl = 0;
        enum db_type t = cell(r, row, c, &i, &dbl);
        const char *name = PQfname(r, c);
        json_object_set_new(
            o, name,
            db_json_value(name, t, i, dbl, PQgetvalue(r, row, c), (size_t)PQgetlength(r, row, c)));
    }
    return o;
}

/* Column COL of row ROW as an integer (0 for NULL; text is read as a number). */
static int64_t int_at(const PGresult *r, int row, int col)
{
    int64_t i = 0;
    double dbl = 0;
    switch (cell(r, row, col, &i, &dbl)) {
    case DB_INT:
        return i;
    case DB_REAL:
        return (int64_t)dbl;
    case DB_TEXT:
        return strtoll(PQgetvalue(r, row, col), NULL, 10);
    default:
        return 0;
    }
}

int pg_exec_va(struct db *db, struct err *e, int *changes, const char *sql, const char *fmt,
               va_list ap)
{
    struct pg_db *d = pg(db);
    if (!changes && d->in_tx) { /* nobody reads an answer: it goes ahead */
        if (pg_pipe_open(d, e) != 0) return -1;
        struct pg_stmt *s = prepared(d, sql, false, fmt, "write", e);
        if (!s) return -1;
        const char *vals[PG_MAX_PARAMS];
        char nums[PG_MAX_PARAMS][24];
        bind(s, fmt, ap, vals, nums);
        return send_ahead(d, s, vals, e);
    }
    PGresult *r = run(db, e, sql, false, fmt, ap, PGRES_COMMAND_OK, "write");
    if (!r) return -1;
    if (changes) *changes = atoi(PQcmdTuples(r));
    PQclear(r);
    return 0;
}

int pg_exec(struct db *db, struct err *e, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = pg_exec_va(db, e, NULL, sql, fmt, ap);
    va_end(ap);
    return rc;
}

int64_t pg_insert_va(struct db *db, struct err *e, const char *sql, const char *fmt, va_list ap)
{
    PGresult *r = run(db, e, sql, true, fmt, ap, PGRES_TUPLES_OK, "insert");
    if (!r) return -1;
    int64_t id = PQntuples(r) == 1 ? int_at(r, 0, 0) : -1;
    PQclear(r);
    if (id < 0) return err_set(e, ERR_INTERNAL, "the database returned no id for an insert");
    return id;
}

json_t *pg_query_one_va(struct db *db, struct err *e, const char *sql, const char *fmt, va_list ap)
{
    PGresult *r = run(db, e, sql, false, fmt, ap, PGRES_TUPLES_OK, "read");
    if (!r) return NULL;
    json_t *row = NULL;
    if (PQntuples(r) > 0)
        row = row_json(r, 0);
    else
        e->code = ERR_OK;
    PQclear(r);
    return row;
}

json_t *pg_query_all_va(struct db *db, struct err *e, const char *sql, const char *fmt, va_list ap)
{
    PGresult *r = run(db, e, sql, false, fmt, ap, PGRES_TUPLES_OK, "read");
    if (!r) return NULL;
    json_t *rows = json_array();
    for (int i = 0, n = PQntuples(r); i < n; i++)
        json_array_append_new(rows, row_json(r, i));
    PQclear(r);
    return rows;
}

int pg_query_int_va(struct db *db, struct err *e, int64_t *out, const char *sql, const char *fmt,
                    va_list ap)
{
    PGresult *r = run(db, e, sql, false, fmt, ap, PGRES_TUPLES_OK, "read");
    if (!r) return -1;
    int found = PQntuples(r) > 0;
    if (found) *out = int_at(r, 0, 0);
    PQclear(r);
    return found;
}

int pg_rows_open(struct db_rows *r, struct err *e, const char *sql, const char *fmt, va_list ap)
{
    PGresult *res = run(r->db, e, sql, false, fmt, ap, PGRES_TUPLES_OK, r->what);
    if (!res) return -1;
    r->stmt = res;
    r->pos = -1;
    return 0;
}

int pg_rows_next(struct db_rows *r, struct err *e)
{
    (void)e;
    return ++r->pos < PQntuples(r->stmt) ? 1 : 0;
}

int64_t pg_rows_int(const struct db_rows *r, int col)
{
    return int_at(r->stmt, (int)r->pos, col);
}

const char *pg_rows_text(const struct db_rows *r, int col)
{
    return PQgetvalue(r->stmt, (int)r->pos, col);
}

bool pg_rows_null(const struct db_rows *r, int col)
{
    return PQgetisnull(r->stmt, (int)r->pos, col);
}

void pg_rows_close(struct db_rows *r)
{
    PQclear(r->stmt);
}

int pg_exec_texts(struct db *db, struct err *e, const char *sql, int n, const char *const *values)
{
    struct pg_db *d = pg(db);
    if (d->in_tx && pg_pipe_open(d, e) != 0) return -1;
    struct pg_stmt *s = prepared(d, sql, false, NULL, "write", e);
    if (!s) return -1;
    assert(s->nparams == n);
    if (d->in_tx) return send_ahead(d, s, values, e);
    PGresult *r = execute(d, s, values, PGRES_COMMAND_OK, "write", e);
    if (!r) return -1;
    PQclear(r);
    return 0;
}

int pg_announce_change(struct db *db, int64_t page_id, const char *node, struct err *e)
{
    struct pg_db *d = pg(db);
    /* The NOTIFY's own commit need not wait for the disk (it writes nothing that must
     * last); NOTIFY takes a lock that is held until the commit ends, so waiting for the
     * disk would make every node's announcements wait for one another's syncs. */
    if (!d->async_commit) {
        if (pg_script(db, "SET synchronous_commit = off", e) != 0) return -1;
        d->async_commit = true;
    }
    char payload[160];
    snprintf(payload, sizeof payload, "%" PRId64 " %s", page_id, node);
    return pg_exec(db, e, "SELECT pg_notify('pharos_public', ?)", "s", payload);
}

const struct db_backend db_pg_backend = {
    .name = "postgresql",
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .commit_lazily = pg_commit_lazily,
    .in_tx = pg_in_tx,
    .exec = pg_exec_va,
    .insert = pg_insert_va,
    .query_one = pg_query_one_va,
    .query_all = pg_query_all_va,
    .query_int = pg_query_int_va,
    .rows_open = pg_rows_open,
    .rows_next = pg_rows_next,
    .rows_int = pg_rows_int,
    .rows_text = pg_rows_text,
    .rows_close = pg_rows_close,
    .rows_null = pg_rows_null,
    .exec_texts = pg_exec_texts,
    .sync_ids = pg_sync_ids,
    .script = pg_script,
    .migrate_lock = pg_migrate_lock,
    .migrate_unlock = pg_migrate_unlock,
    .wait_changes = pg_wait_changes,
    .announce_change = pg_announce_change,
};

int db_pg_open(const char *url, struct db **out, struct err *e)
{
    return pg_open(url, &db_pg_backend, out, e);
}
