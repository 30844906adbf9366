-- pharos schema, migration 0007: what several server processes (nodes) on one database
-- need (SPEC §13); on SQLite, the command line and the server.
--
-- pages.version: moved on by every commit that changes what the page's visitors see
-- (store_page_changed). Each process keeps the version its public snapshot was built
-- from; one that finds a higher version in the database rebuilds.
-- settings: values the installation keeps in its database, by name; "key_check" holds
-- a MAC made with the secret key, so a node with another key (or none, on a database
-- whose secrets were sealed) refuses to start (app/secret_key.c).
-- deliveries.claimed_by: the server.node_id that holds (or last held) a delivery's lease,
-- for the notification log and for telling which node sent what.
ALTER TABLE pages ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
