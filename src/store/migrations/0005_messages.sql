-- pharos schema, migration 0005: one outbox for the messages that are not event
-- updates. subscriber_messages held the subscription confirmations (e-mail link,
-- SMS code); team invitations are now e-mailed too, so that only the invited
-- address ever sees its link (an inviter who could copy the link could set the
-- password of a new account for someone else's address). Both kinds are claimed,
-- sent and recorded by the dispatcher like deliveries; their text is derived at
-- send time from the row they point at and the secret key, so no link, token or
-- code is stored in clear.
--
-- Invitations made before this version showed their link to the inviter: the ones
-- still pending are withdrawn (the inviter invites again, and the e-mail goes out).
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id          INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('confirmation', 'invitation')),
    subscriber_id    INTEGER REFERENCES subscribers(id) ON DELETE CASCADE,
    invitation_id    INTEGER REFERENCES invitations(id) ON DELETE CASCADE,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    lease_until      INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER,
    CHECK ((kind = 'confirmation') = (subscriber_id IS NOT NULL)),
    CHECK ((kind = 'invitation') = (invitation_id IS NOT NULL))
);
INSERT INTO messages (id, page_id, kind, subscriber_id, state, attempts, next_attempt_at,
                      lease_until, last_error, created_at, sent_at)
    SELECT id, page_id, 'confirmation', subscriber_id, state, attempts, next_attempt_at,
           lease_until, last_error, created_at, sent_at FROM subscriber_messages;
DROP TABLE subscriber_messages;
CREATE INDEX messages_due ON messages(state, next_attempt_at);

DELETE FROM invitations WHERE accepted_at IS NULL;
