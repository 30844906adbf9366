/*
 * changes — how this process learns of public changes it did not make (SPEC §13,
 * freshness): another node's commit, or a command line's. A thread of its own,
 * with its own database connection, hears the other nodes' notifications
 * (db_wait_changes: PostgreSQL's LISTEN; nothing on SQLite) and, at least once a
 * second, reads every page's version (store_page_versions) in case one was
 * missed; each goes to snapshot_page_version(), which rebuilds only what is
 * newer than the snapshot has. So a write acknowledged by any node reaches this
 * node's next request within the time of a notification, and at worst within a
 * second. While the database is unreachable the thread retries every second and
 * logs that once a minute; the snapshots keep serving meanwhile.
 */
#ifndef PHAROS_CHANGES_H
#define PHAROS_CHANGES_H
#include "core/err.h"
#include "public/snapshot.h"

struct changes;

/* Starts the thread for registry G on a new connection to DB_URL. 0 and *OUT, or -1 with
 * E filled. G must outlive it. */
int changes_start(struct snapshot_registry *g, const char *db_url, struct changes **out,
                  struct err *e);
/* Stops and joins the thread (within a second); NULL is a no-op. */
void changes_stop(struct changes *c);

#endif
