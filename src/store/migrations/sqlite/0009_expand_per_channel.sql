-- pharos schema, migration 0009: a fan-out job expands each channel on its own cursor.
--
-- notify_jobs.cursor is now the e-mail recipients' (the last subscriber id expanded) and
-- sms_cursor the SMS recipients': a batch of each in turn, so the SMS of an update are
-- queued within seconds however many e-mail subscribers come before them (they were
-- expanded together, in subscriber order, and waited for the e-mail fan-out).
-- channels_done: bit set (domain/notify_rules.h) of the job's channels fully expanded; the
-- integrations' bits are set once their deliveries were added.
-- A job expanded part of the way kept one cursor for both channels, and had added its
-- integrations' deliveries with its first batch.
ALTER TABLE notify_jobs ADD COLUMN sms_cursor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notify_jobs ADD COLUMN channels_done INTEGER NOT NULL DEFAULT 0;
UPDATE notify_jobs SET sms_cursor = cursor,
    channels_done = CASE WHEN cursor > 0 THEN channels & 28 ELSE 0 END;
