-- pharos schema, migration 0017: postmortems, back-dated incidents and maintenance
-- reminders (SPEC §15).
--
-- notify_jobs.kind is what a job tells its recipients about update_id's event: 'update'
-- (the update itself, as before), 'reminder' (a maintenance starts soon) or 'postmortem'
-- (an incident's postmortem was published). events.started_at is when an incident began
-- when it is not its creation (back-dated; NULL: created_at); postmortem the Markdown of a
-- resolved incident's postmortem, postmortem_at when it was last written and
-- postmortem_published_at when it was last sent to subscribers. events.reminded_at is when
-- a scheduled maintenance's reminder was queued (NULL: not yet), pages.reminder_min how
-- long before a maintenance starts its reminder goes out (0: none).
ALTER TABLE notify_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'update';
ALTER TABLE events ADD COLUMN started_at INTEGER;
ALTER TABLE events ADD COLUMN postmortem TEXT;
ALTER TABLE events ADD COLUMN postmortem_at INTEGER;
ALTER TABLE events ADD COLUMN postmortem_published_at INTEGER;
ALTER TABLE events ADD COLUMN reminded_at INTEGER;
ALTER TABLE pages ADD COLUMN reminder_min INTEGER NOT NULL DEFAULT 60;
