-- pharos: foreign keys off
-- pharos schema, migration 0025: visitor subscriptions for URL channels (SPEC §15).
--
-- subscribers.channel widens to every subscriber channel (webhook, slack, teams, discord,
-- googlechat join email and sms); address holds the endpoint's URL for those. state gains
-- 'quarantined': failures counts the deliveries in a row that failed for good (a permanent
-- refusal, or retries exhausted); at 10 an active URL subscriber is quarantined and gets
-- nothing more until an admin or the subscriber reactivates it (app/outbox.c). secret is a
-- webhook subscriber's own signing secret, sealed with the secret key (core/secret.h).
-- notify_jobs.url_cursor is the last URL subscriber expanded (one cursor for all the URL
-- channels a job names).
--
-- SQLite cannot change a CHECK in place and channel is in a UNIQUE key, so the table is
-- rebuilt by the 12-step procedure of SQLite's ALTER TABLE page: store/migrate.c runs this
-- file with foreign keys off (the first line asks for it) and checks them before the
-- commit, so subscriber_services and deliveries keep pointing at the same ids, and the
-- AUTOINCREMENT sequence carries over. Every column
-- and index of subscribers is kept (state and bounces, added by 0018, and language, added by
-- 0024, are in place again).
CREATE TABLE subscribers_v25 (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id        INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    channel        TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'webhook', 'slack', 'teams',
                                                    'discord', 'googlechat')),
    address        TEXT NOT NULL,        -- e-mail address (lower-case), E.164 number, or URL
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'active', 'stopped', 'unsubscribed', 'bounced',
                                    'quarantined')),
    all_services   INTEGER NOT NULL DEFAULT 1,
    token_hash     TEXT,                 -- hash of the confirmation / management token
    code_hash      TEXT,                 -- hash of the SMS verification code
    code_attempts  INTEGER NOT NULL DEFAULT 0,
    confirm_sent_at INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    confirmed_at   INTEGER,
    bounces        INTEGER NOT NULL DEFAULT 0,
    language       TEXT NOT NULL DEFAULT 'en',  -- for its messages (0024)
    failures       INTEGER NOT NULL DEFAULT 0,  -- URL deliveries failed in a row
    secret         TEXT,                 -- webhook: its signing secret, sealed
    UNIQUE (page_id, channel, address)
);
INSERT INTO subscribers_v25 (id, page_id, channel, address, state, all_services, token_hash,
                             code_hash, code_attempts, confirm_sent_at, created_at, updated_at,
                             confirmed_at, bounces, language)
    SELECT id, page_id, channel, address, state, all_services, token_hash, code_hash,
           code_attempts, confirm_sent_at, created_at, updated_at, confirmed_at, bounces,
           language
    FROM subscribers;
-- ids are never reused (subscription tokens derive from them): the new table goes on from
-- the old one's sequence, which its drop forgets, not from its highest id left
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'subscribers_v25', 0 FROM sqlite_sequence WHERE name = 'subscribers'
        AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'subscribers_v25');
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT seq FROM sqlite_sequence
                                           WHERE name = 'subscribers'))
    WHERE name = 'subscribers_v25';
DROP TABLE subscribers;
ALTER TABLE subscribers_v25 RENAME TO subscribers;
CREATE INDEX subscribers_state ON subscribers(page_id, channel, state, id);

ALTER TABLE notify_jobs ADD COLUMN url_cursor INTEGER NOT NULL DEFAULT 0;
