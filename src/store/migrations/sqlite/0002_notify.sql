-- pharos schema, version 3: what the notification work needs beyond version 1.
--
-- subscriber_messages: the outbox of messages to one subscriber that are not event
-- updates (the e-mail confirmation link, the SMS verification code). Written in the
-- transaction that creates or re-subscribes the subscriber; the dispatcher claims
-- and sends them like deliveries. The message text is derived at send time from
-- the subscriber row and the secret key (app/subscribe_token.h), so no token or
-- code is ever stored in clear.
CREATE TABLE subscriber_messages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id          INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    subscriber_id    INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    lease_until      INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER
);
CREATE INDEX subscriber_messages_due ON subscriber_messages(state, next_attempt_at);

-- Request tokens of "Sign in with Twitter" between the two legs (15 minutes).
CREATE TABLE oauth_requests (
    token       TEXT PRIMARY KEY,
    page_id     INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    secret      TEXT NOT NULL,               -- sealed with the secret key
    created_at  INTEGER NOT NULL
);
