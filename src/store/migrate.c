/*
 * migrate — applies the numbered SQL migrations compiled into the binary
 * (src/store/migrations/NNNN_name.sql), each in its own transaction, and
 * records them in schema_migrations. Safe to run from several processes:
 * each version is checked again inside its write transaction. A version is
 * applied when it is missing, whatever the highest applied one is.
 */
#include "core/embedded.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/db_sqlite.h"
#include <stdlib.h>
#include <string.h>

int db_schema_version(struct db *db)
{
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT MAX(version) FROM schema_migrations", -1, &st,
                           NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

int db_migrate(struct db *db, struct err *e)
{
    if (sqlite3_exec(db_handle(db),
                     "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                     "name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, e, "create the migrations table");
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        if (strncmp(f->name, "migrations/", 11) != 0) continue;
        int version = atoi(f->name + 11);
        if (version <= 0) continue;
        if (db_begin(db, e) != 0) return -1;
        /* Each version is checked on its own, so a migration merged with a lower number
         * than one already applied still runs. */
        int64_t applied = 0;
        int found =
            db_query_int(db, e, &applied, "SELECT version FROM schema_migrations WHERE version = ?",
                         "i", (int64_t)version);
        if (found != 0) {
            db_rollback(db);
            if (found < 0) return -1;
            continue;
        }
        char *msg = NULL;
        if (sqlite3_exec(db_handle(db), f->data, NULL, NULL, &msg) != SQLITE_OK) {
            err_set(e, ERR_INTERNAL, "migration %s failed: %s", f->name, msg ? msg : "?");
            sqlite3_free(msg);
            db_rollback(db);
            return -1;
        }
        sqlite3_stmt *st;
        sqlite3_prepare_v2(
            db_handle(db),
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?,?,?)", -1, &st,
            NULL);
        db_bind(st, "isi", (int64_t)version, f->name + 11, time_now());
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            db_rollback(db);
            return db_fail(db, e, "record a migration");
        }
        if (db_commit(db, e) != 0) return -1;
        log_info("applied migration %s", f->name);
    }
    return 0;
}
