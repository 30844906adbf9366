-- pharos schema, migration 0007: what several nodes on one database need (SPEC §13).
--
-- pages.version: moved on by every commit that changes what the page's visitors see
-- (store_page_changed); the trigger below NOTIFYs the other nodes of it, in the same
-- transaction (sent only if it commits, and with no round trip of its own). Each node
-- keeps the version its public snapshot was built from and checks the database's at
-- least once a second, so a lost notification costs at most a second.
-- settings: values the installation keeps in its database, by name; "key_check" holds
-- a MAC made with the secret key, so a node with another key (or none, on a database
-- whose secrets were sealed) refuses to start (app/secret_key.c).
-- deliveries.claimed_by: the server.node_id that holds (or last held) a delivery's lease.
ALTER TABLE pages ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- "PAGE_ID VERSION" on channel pharos_public: what public/changes.c hears (db_pg.c).
CREATE FUNCTION pharos_page_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pharos_public', NEW.id || ' ' || NEW.version);
    RETURN NEW;
END
$$;
CREATE TRIGGER pages_version_notify AFTER UPDATE OF version ON pages FOR EACH ROW
    WHEN (NEW.version <> OLD.version) EXECUTE FUNCTION pharos_page_changed();
