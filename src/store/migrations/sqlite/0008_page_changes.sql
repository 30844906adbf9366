-- pharos schema, migration 0008: public changes as rows instead of a page version.
--
-- page_changes: one row per commit that changes what a page's visitors see
-- (store_page_changed), written by the committing transaction, with the node_id of the
-- server that wrote it (NULL: the command line). A server that finds rows of others it
-- has not seen in its once-a-second look at the last seconds' rows
-- (store_page_changes_since) rebuilds their pages; rows older than a minute go
-- (store_page_changes_prune).
-- pages.version, which it replaces, made every public change of a page wait for the one
-- before it to reach the disk (the row's lock is held until the commit is durable).
CREATE TABLE page_changes (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id  INTEGER NOT NULL,
    node     TEXT,
    at       INTEGER NOT NULL
);
CREATE INDEX page_changes_at ON page_changes (at);
ALTER TABLE pages DROP COLUMN version;
