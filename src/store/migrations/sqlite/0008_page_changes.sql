-- pharos schema, migration 0008: public changes as rows instead of a page version.
--
-- page_changes: one row per commit that changes what a page's visitors see
-- (store_page_changed), written by the committing transaction. A process that finds
-- a page's rows changed since its last look (store_page_change_marks: their number and
-- the sum of their ids, once a second) rebuilds that page; rows older than a minute go
-- (store_page_changes_prune). Ids only grow (AUTOINCREMENT: never reused), so a pruned
-- row and a new one never leave the same marks.
-- pages.version, which it replaces, made every public change of a page wait for the one
-- before it to reach the disk (the row's lock is held until the commit is durable).
CREATE TABLE page_changes (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id  INTEGER NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX page_changes_at ON page_changes (at);
ALTER TABLE pages DROP COLUMN version;
