-- pharos schema, migration 0019: more page integrations (SPEC §15) — Microsoft Teams,
-- Discord and Google Chat join Slack, Twitter and the webhook.
--
-- integrations.kind loses its CHECK: the kinds are the channels of domain/channel.h's
-- table that have a form, and app/integrations.c refuses any other name (404) before a
-- row is written, so a new channel needs no migration.
ALTER TABLE integrations DROP CONSTRAINT integrations_kind_check;
