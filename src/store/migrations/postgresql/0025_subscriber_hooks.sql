-- pharos schema, migration 0025: visitor subscriptions for URL channels (SPEC §15).
--
-- subscribers.channel widens to every subscriber channel (webhook, slack, teams, discord,
-- googlechat join email and sms); address holds the endpoint's URL for those. state gains
-- 'quarantined': failures counts the deliveries in a row that failed for good (a permanent
-- refusal, or retries exhausted); at 10 an active URL subscriber is quarantined and gets
-- nothing more until an admin or the subscriber reactivates it (app/outbox.c). secret is a
-- webhook subscriber's own signing secret, sealed with the secret key (core/secret.h).
-- notify_jobs.url_cursor is the last URL subscriber expanded (one cursor for all the URL
-- channels a job names). PostgreSQL changes the CHECKs in place.
ALTER TABLE subscribers DROP CONSTRAINT subscribers_channel_check;
ALTER TABLE subscribers ADD CONSTRAINT subscribers_channel_check
    CHECK (channel IN ('email', 'sms', 'webhook', 'slack', 'teams', 'discord', 'googlechat'));
ALTER TABLE subscribers DROP CONSTRAINT subscribers_state_check;
ALTER TABLE subscribers ADD CONSTRAINT subscribers_state_check
    CHECK (state IN ('pending', 'active', 'stopped', 'unsubscribed', 'bounced', 'quarantined'));
ALTER TABLE subscribers ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subscribers ADD COLUMN secret TEXT;

ALTER TABLE notify_jobs ADD COLUMN url_cursor BIGINT NOT NULL DEFAULT 0;
