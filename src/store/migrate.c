/*
 * migrate — applies the numbered SQL migrations compiled into the binary, one
 * set per engine (src/store/migrations/BACKEND/NNNN_name.sql: the dialects
 * differ in identity columns and types), each in its own write transaction, and
 * records them in schema_migrations. A version is applied when it is missing,
 * whatever the highest applied one is, and each is checked again inside its
 * transaction, so processes migrating together apply each once; PostgreSQL also
 * holds an advisory lock over the whole run (nodes starting together).
 *
 * A SQLite migration whose first line is MIGRATE_FK_OFF rebuilds a table that others
 * point at (SQLite's documented 12-step ALTER TABLE procedure): foreign keys are turned
 * off before its transaction (the pragma is a no-op inside one), PRAGMA
 * foreign_key_check must find no row before it commits, and they are on again after,
 * whatever happened. Without it a DROP TABLE of the old copy would cascade (ON DELETE
 * CASCADE, SET NULL) into the rows that point at it. PostgreSQL alters in place and
 * never needs it.
 */
#include "core/embedded.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "store/db_backend.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIGRATE_FK_OFF "-- pharos: foreign keys off\n"

int db_schema_version(struct db *db)
{
    struct err e = {0};
    int64_t v = 0;
    return db_query_int(db, &e, &v, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                        NULL) == 1
               ? (int)v
               : 0;
}

/* Whether F must run with foreign keys off (SQLite only, the one backend that has
 * foreign_keys: see the top). */
static bool fk_off(struct db *db, const struct embedded_file *f)
{
    return db->be->foreign_keys &&
           strncmp((const char *)f->data, MIGRATE_FK_OFF, strlen(MIGRATE_FK_OFF)) == 0;
}

/* With foreign keys off: fails (E) when a row points at nothing (before the commit). */
static int fk_check(struct db *db, struct err *e)
{
    int64_t bad = 0;
    if (db_query_int(db, e, &bad, "SELECT COUNT(*) FROM pragma_foreign_key_check", NULL) != 1)
        return -1;
    return bad ? err_set(e, ERR_INTERNAL, "%lld rows point at rows that are gone", (long long)bad)
               : 0;
}

/* Applies F (version VERSION) unless it is applied already, in its transaction. */
static int apply_tx(struct db *db, const struct embedded_file *f, const char *name, int version,
                    bool check_fk, struct err *e)
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
    if (check_fk && fk_check(db, &se) != 0) {
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

/* Applies F (version VERSION) unless it is applied already. */
static int apply(struct db *db, const struct embedded_file *f, const char *name, int version,
                 struct err *e)
{
    bool off = fk_off(db, f);
    struct err fe = {0};
    if (off && db->be->foreign_keys(db, false, e) != 0) return -1;
    int rc = apply_tx(db, f, name, version, off, e);
    if (off && db->be->foreign_keys(db, true, &fe) != 0 && rc == 0) {
        *e = fe;
        rc = -1;
    }
    return rc;
}

int db_migrate(struct db *db, struct err *e)
{
    return db_migrate_to(db, 0, e);
}

int db_migrate_to(struct db *db, int upto, struct err *e)
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
        if (version <= 0 || (upto > 0 && version > upto)) continue;
        if (apply(db, f, f->name + n, version, e) != 0) goto out;
    }
    rc = 0;
out:
    if (db->be->migrate_unlock) db->be->migrate_unlock(db);
    return rc;
}
