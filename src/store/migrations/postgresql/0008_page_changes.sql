-- pharos schema, migration 0008: public changes as rows instead of a page version.
--
-- page_changes: one row per commit that changes what a page's visitors see
-- (store_page_changed), written by the committing transaction, with the node_id of the
-- server that wrote it (NULL: the command line). Once it commits, the node that made it
-- tells the others on channel pharos_public (public/changes.c: "PAGE_ID NODE_ID"); each
-- node also looks at the last seconds' rows of others once a second
-- (store_page_changes_since), so a change whose notification was lost (a node killed
-- just after its commit) is seen within a second. Rows older than a minute go
-- (store_page_changes_prune).
-- pages.version and the trigger that notified of it in the writing transaction go: the
-- row's lock, and NOTIFY's own lock, are held until the commit is durable, so every
-- public change of the database waited for the disk sync of the one before it.
DROP TRIGGER pages_version_notify ON pages;
DROP FUNCTION pharos_page_changed();
ALTER TABLE pages DROP COLUMN version;
CREATE TABLE page_changes (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    page_id  BIGINT NOT NULL,
    node     TEXT,
    at       BIGINT NOT NULL
);
CREATE INDEX page_changes_at ON page_changes (at);
