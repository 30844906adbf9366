/*
 * migrate — applies the numbered SQL migrations compiled into the binary, one
 * set per engine (src/store/migrations/BACKEND/NNNN_name.sql: the dialects
 * differ in identity columns and types), each in its own write transaction, and
 * records them in schema_migrations. A version is applied when it is missing,
 * whatever the highest applied one is, and each is checked again inside its
 * transaction, so processes migrating together apply each once; PostgreSQL also
 * holds an advisory lock over the whole run (nodes starting together).
 */
#include "core/embedded.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/db_backend.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int db_schema_version(struct db *db)
{
    struct err e = {0};
    int64_t v = 0;
    return db_query_int(db, &e, &v, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                        NULL) == 1
               ? (int)v
               : 0;
}

/* Applies F (version VERSION) unless it is applied already. */
static int apply(struct db *db, const struct embedded_file *f, const char *name, int version,
                 struct err *e)
{
    if (db_begin(db, e) != 0) return -1;
    int64_t applied = 0;
    int found =
        db_query_int(db, e, &applied, "SELECT version FROM schema_migrations WHERE version = ?",
                     "i", (int64_t)version);
    if (found != 0) {
        db_rollback(db);
        return found < 0 ? -1 : 0;
    }
    struct err se = {0};
    if (db->be->script(db, f->data, &se) != 0) {
        db_rollback(db);
        return err_set(e, ERR_INTERNAL, "migration %s failed: %s", f->name, se.msg);
    }
    if (db_exec(db, e, NULL,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?,?,?)", "isi",
                (int64_t)version, name, time_now()) != 0) {
        db_rollback(db);
        return -1;
    }
    if (db_commit(db, e) != 0) return -1;
    log_info("applied migration %s", f->name);
    return 0;
}

int db_migrate(struct db *db, struct err *e)
{
    if (db->be->migrate_lock && db->be->migrate_lock(db, e) != 0) return -1;
    int rc = -1;
    if (db_begin(db, e) != 0) goto out;
    if (db->be->script(db,
                       "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                       "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                       e) != 0) {
        db_rollback(db);
        goto out;
    }
    if (db_commit(db, e) != 0) goto out;
    char prefix[64];
    int n = snprintf(prefix, sizeof prefix, "migrations/%s/", db->be->name);
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        if (strncmp(f->name, prefix, (size_t)n) != 0) continue;
        int version = atoi(f->name + n);
        if (version <= 0) continue;
        if (apply(db, f, f->name + n, version, e) != 0) goto out;
    }
    rc = 0;
out:
    if (db->be->migrate_unlock) db->be->migrate_unlock(db);
    return rc;
}
