-- pharos schema, migration 0007: what several server processes (nodes) on one database
-- need (SPEC §13); on SQLite, the command line and the server.
--
-- pages.version: moved on by every commit that changes what the page's visitors see
-- (store_page_changed). Each process keeps the version its public snapshot was built
-- from; one that finds a higher version in the database rebuilds.
-- deliveries.claimed_by: the server.node_id that holds (or last held) a delivery's lease,
-- for the notification log and for telling which node sent what.
ALTER TABLE pages ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
