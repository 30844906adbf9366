-- pharos schema, migration 0005: the messages that are not event updates — a
-- subscriber's confirmation (the e-mail link, the SMS code) and, new, a team
-- invitation — become rows of deliveries, so they are claimed, retried, recorded,
-- shown in the notification log and counted in the dashboard's failures like every
-- other message (they lived apart in subscriber_messages, and a confirmation that
-- failed was seen only on stderr). Invitations are e-mailed so that only the invited
-- address ever sees its link (an inviter who could copy the link could set the
-- password of a new account for someone else's address). A message's text is
-- derived at send time from the row it points at and the secret key, so no link,
-- token or code is stored in clear.
--
--   kind          update        confirmation        invitation
--   points at     update_id     subscriber_id       invitation_id
--
-- SQLite cannot make update_id nullable in place: the table is rebuilt, ids kept.
-- Invitations made before this version showed their link to the inviter: the ones
-- still pending are withdrawn (the inviter invites again, and the e-mail goes out).
CREATE TABLE deliveries_v5 (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id          INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL DEFAULT 'update'
                     CHECK (kind IN ('update', 'confirmation', 'invitation')),
    update_id        INTEGER REFERENCES event_updates(id) ON DELETE CASCADE,
    invitation_id    INTEGER REFERENCES invitations(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL,
    recipient        TEXT NOT NULL,     -- address, number, or the integration kind
    subscriber_id    INTEGER REFERENCES subscribers(id) ON DELETE SET NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    lease_until      INTEGER,
    last_error       TEXT,
    accepted_at      INTEGER NOT NULL,   -- when the update (or the request) was accepted
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER,
    UNIQUE (update_id, channel, recipient),
    CHECK ((kind = 'update') = (update_id IS NOT NULL)),
    CHECK ((kind = 'invitation') = (invitation_id IS NOT NULL))
);
INSERT INTO deliveries_v5 (id, page_id, kind, update_id, channel, recipient, subscriber_id, state,
                           attempts, next_attempt_at, lease_until, last_error, accepted_at,
                           created_at, sent_at)
    SELECT id, page_id, 'update', update_id, channel, recipient, subscriber_id, state, attempts,
           next_attempt_at, lease_until, last_error, accepted_at, created_at, sent_at
    FROM deliveries;
INSERT INTO deliveries_v5 (page_id, kind, channel, recipient, subscriber_id, state, attempts,
                           next_attempt_at, lease_until, last_error, accepted_at, created_at,
                           sent_at)
    SELECT m.page_id, 'confirmation', s.channel, s.address, m.subscriber_id, m.state, m.attempts,
           m.next_attempt_at, m.lease_until, m.last_error, m.created_at, m.created_at, m.sent_at
    FROM subscriber_messages m JOIN subscribers s ON s.id = m.subscriber_id;
DROP TABLE subscriber_messages;
DROP TABLE deliveries;
ALTER TABLE deliveries_v5 RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
CREATE INDEX deliveries_page ON deliveries(page_id, id);
CREATE INDEX deliveries_claim ON deliveries(channel, state, next_attempt_at);
-- the messages are few and go first: the dispatcher finds them without walking a fan-out
CREATE INDEX deliveries_messages ON deliveries(state, next_attempt_at) WHERE kind <> 'update';
CREATE INDEX deliveries_invitation ON deliveries(invitation_id) WHERE invitation_id IS NOT NULL;
-- the dashboard's and /metrics' latency figures read the last day's sent deliveries
CREATE INDEX deliveries_sent ON deliveries(page_id, sent_at) WHERE state = 'sent';

DELETE FROM invitations WHERE accepted_at IS NULL;
