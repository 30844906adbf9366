/*
 * store/copy — every row of one database into another, of either engine (`pharos
 * db copy`, SPEC §13): SQLite → PostgreSQL when one machine is no longer enough,
 * and back.
 *
 * Tables go in the order their references need (pages before services, users
 * before sessions …), rows with their ids, values as text that the target types
 * by its columns (store/db.h: db_exec_texts); afterwards the target's next ids
 * follow the copied ones (db_sync_ids). The target is written in one transaction,
 * so a failed copy leaves it empty; the source is read in one, so the copy is of
 * one moment (the install should be stopped all the same: its writers wait for
 * the copy on SQLite, and on PostgreSQL for the write lock).
 *
 * The list of tables and columns is the schema's, written out (every SQL text a
 * literal, store/db.h); a column added by a migration is added here too, and
 * tests/unit/test_store_copy.c, which reads the migrated schema's tables and columns,
 * fails until it is (the round trip of tests/e2e/db_copy.test.mjs then shows its values
 * kept). A column naming a row of its own table that may come later (a coalesced
 * delivery's coalesced_into) is set after the table. Left behind: page_changes (it only
 * tells running nodes which pages to rebuild, and a copy is served by nodes that build
 * every page afresh), oidc_logins (sign-ins in progress, minutes long) and
 * oidc_providers (the issuer's discovery document and keys, fetched again), and
 * schema_migrations (each database's own).
 */
#ifndef PHAROS_STORE_COPY_H
#define PHAROS_STORE_COPY_H
#include "store/db.h"

/*
 * Copies FROM into TO; both migrated to the same schema. TO must hold no row (else 409
 * naming the first table that has some, nothing changed). Calls ON_TABLE(ARG, table,
 * rows) after each table is copied. Returns 0, or -1 with E filled and TO unchanged.
 */
/* Whether the copy carries COLUMN of TABLE (the unit test's check against the schema). */
bool store_copy_copies(const char *table, const char *column);
int store_copy(struct db *from, struct db *to,
               void (*on_table)(void *arg, const char *table, int64_t rows), void *arg,
               struct err *e);

#endif
