/*
 * changes — how the nodes of one database learn of each other's public changes (SPEC
 * §13, freshness): another node's commit, or a command line's. A thread of its own,
 * with its own database connection, tells the other nodes of the pages this process
 * changed once their transaction committed (changes_announce → db_announce_change:
 * PostgreSQL's NOTIFY; nothing on SQLite, which has one node), hears theirs
 * (db_wait_changes: LISTEN), and at least once a second looks at the last seconds'
 * page_changes rows of others (store_page_changes_since) in case a notification was lost
 * — a node killed between its commit and its announcement, a dropped connection, a
 * command line's write. Each page heard of goes to snapshot_page_heard(); its own rows
 * (stamped with NODE) cost no second rebuild. So a write acknowledged by any node reaches this
 * node's next request within the time of a notification, and at worst within a second.
 * While the database is unreachable the thread retries every second and logs that once
 * a minute; the snapshots keep serving meanwhile.
 */
#ifndef PHAROS_CHANGES_H
#define PHAROS_CHANGES_H
#include "core/err.h"
#include "public/snapshot.h"

struct changes;

/* Starts the thread for registry G on a new connection to DB_URL, for the node named NODE
 * (server.node_id: its own announcements are not heard back). 0 and *OUT, or -1 with E
 * filled. G must outlive it. */
int changes_start(struct snapshot_registry *g, const char *db_url, const char *node,
                  struct changes **out, struct err *e);
/* After a commit of this process changed PAGE_ID: queues it for the other nodes (returns
 * at once; C may be NULL). Any thread. */
void changes_announce(struct changes *c, int64_t page_id);
/* Stops and joins the thread (within a second); NULL is a no-op. */
void changes_stop(struct changes *c);

#endif
