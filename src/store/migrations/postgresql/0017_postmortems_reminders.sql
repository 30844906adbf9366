-- pharos schema, migration 0017: postmortems, back-dated incidents and maintenance
-- reminders (SPEC §15).
--
-- event_updates.kind tells what an update is: 'update' (a stage and message, as before),
-- 'reminder' (a maintenance starts soon) or 'postmortem' (an incident's postmortem was
-- published). Only plain updates are listed as updates on the public page; the others
-- exist so that their notifications are jobs and deliveries like any update's (one
-- delivery per update, channel and recipient). events.started_at is when an incident began
-- when it is not its creation (back-dated; NULL: created_at); postmortem the Markdown of a
-- resolved incident's postmortem, postmortem_at when it was last written and
-- postmortem_published_at when it was last sent to subscribers. events.reminded_at is when
-- a scheduled maintenance's reminder was queued (NULL: not yet), pages.reminder_min how
-- long before a maintenance starts its reminder goes out (0: none).
ALTER TABLE event_updates ADD COLUMN kind TEXT NOT NULL DEFAULT 'update';
ALTER TABLE events ADD COLUMN started_at BIGINT;
ALTER TABLE events ADD COLUMN postmortem TEXT;
ALTER TABLE events ADD COLUMN postmortem_at BIGINT;
ALTER TABLE events ADD COLUMN postmortem_published_at BIGINT;
ALTER TABLE events ADD COLUMN reminded_at BIGINT;
ALTER TABLE pages ADD COLUMN reminder_min BIGINT NOT NULL DEFAULT 60;
