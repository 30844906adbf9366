-- pharos schema, migration 0019: more page integrations (SPEC §15) — Microsoft Teams,
-- Discord and Google Chat join Slack, Twitter and the webhook.
--
-- integrations.kind loses its CHECK: the kinds are the channels of domain/channel.h's
-- table that have a form, and app/integrations.c refuses any other name (404) before a
-- row is written, so a new channel needs no migration. SQLite cannot drop a CHECK in
-- place; the table is a leaf (no foreign key points to it, no index but its key), so it
-- is rebuilt and its rows copied.
CREATE TABLE integrations_v19 (
    page_id     INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,               -- a channel name (domain/channel.h)
    enabled     INTEGER NOT NULL DEFAULT 0,
    config      TEXT NOT NULL DEFAULT '{}',  -- JSON, nothing secret
    secret      TEXT,                        -- sealed with the secret key (core/secret.h)
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (page_id, kind)
);
INSERT INTO integrations_v19 (page_id, kind, enabled, config, secret, updated_at)
    SELECT page_id, kind, enabled, config, secret, updated_at FROM integrations;
DROP TABLE integrations;
ALTER TABLE integrations_v19 RENAME TO integrations;
